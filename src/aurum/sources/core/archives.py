"""Reading zip archives safely: bounded sizes and ratios, one member at a time.

Publishers ship ZIPs (CAISO OASIS answers, ERCOT `*_csv.zip`, ECB's history and daily
files). A ZIP's header states each member's size, but nothing makes the header true,
and a few kilobytes can inflate to gigabytes. So members are never read with
`ZipFile.read`: `iter_members` streams each member in chunks and stops, with an
`ArchiveError` naming the member, as soon as

- the archive has more than `max_members` files,
- a member inflates beyond `max_member_bytes`, or beyond the size its header states,
- a member larger than `RATIO_FLOOR_BYTES` inflates more than `max_ratio` times its
  compressed size (real CSVs compress 5-30x; a zip bomb 1,000x and more), or
- the members together exceed `max_total_bytes`.

Limits come from `AURUM_ZIP_MAX_MEMBER_BYTES`, `AURUM_ZIP_MAX_TOTAL_BYTES` and
`AURUM_ZIP_MAX_RATIO` (aurum.settings.Settings) unless a caller passes its own.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from aurum.sources.core.records import RowError

CHUNK_BYTES = 1 << 20
# Below this many inflated bytes the ratio is not checked: tiny members of repeated
# text compress very well without being dangerous.
RATIO_FLOOR_BYTES = 1 << 20


class ArchiveError(RowError):
    """A ZIP that cannot be read within the limits (or at all): the file is rejected."""


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 1_000
    max_member_bytes: int = 512 << 20
    max_total_bytes: int = 1 << 30
    max_ratio: float = 200.0

    @classmethod
    def from_settings(cls) -> ZipLimits:
        from aurum.settings import Settings  # read when used, never at import

        settings = Settings()
        return cls(
            max_member_bytes=settings.zip_max_member_bytes,
            max_total_bytes=settings.zip_max_total_bytes,
            max_ratio=settings.zip_max_ratio,
        )


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise ArchiveError(f"not a readable ZIP (truncated or corrupt): {exc}") from None


def member_names(data: bytes, limits: ZipLimits | None = None) -> list[str]:
    """The archive's file members in archive order (folders left out)."""
    limits = limits or ZipLimits.from_settings()
    with _open(data) as archive:
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
    if len(names) > limits.max_members:
        raise ArchiveError(f"ZIP holds {len(names)} files; at most {limits.max_members} are read")
    return names


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits) -> bytes:
    declared_ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and declared_ratio > limits.max_ratio:
        raise ArchiveError(
            f"ZIP member {info.filename!r} declares {info.file_size:,} bytes from "
            f"{info.compress_size:,}: more than {limits.max_ratio:g} times (AURUM_ZIP_MAX_RATIO)"
        )
    cap = min(limits.max_member_bytes, info.file_size)
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                out += chunk
                if len(out) > cap:
                    if len(out) > info.file_size:
                        raise ArchiveError(
                            f"ZIP member {info.filename!r} inflates beyond the "
                            f"{info.file_size:,} bytes its header states"
                        )
                    raise ArchiveError(
                        f"ZIP member {info.filename!r} is larger than "
                        f"{limits.max_member_bytes:,} bytes (AURUM_ZIP_MAX_MEMBER_BYTES)"
                    )
                ratio = len(out) / max(info.compress_size, 1)
                if len(out) > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
                    raise ArchiveError(
                        f"ZIP member {info.filename!r} inflates more than "
                        f"{limits.max_ratio:g} times its compressed size (AURUM_ZIP_MAX_RATIO)"
                    )
    except ArchiveError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ArchiveError(f"ZIP member {info.filename!r} is damaged: {exc}") from None
    return bytes(out)


def iter_members(
    data: bytes, suffix: str | None = None, limits: ZipLimits | None = None
) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each file member (optionally only names ending in `suffix`),
    one at a time and within `limits`."""
    limits = limits or ZipLimits.from_settings()
    total = 0
    with _open(data) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > limits.max_members:
            raise ArchiveError(
                f"ZIP holds {len(infos)} files; at most {limits.max_members} are read"
            )
        for info in infos:
            if suffix is not None and not info.filename.lower().endswith(suffix):
                continue
            content = _read_member(archive, info, limits)
            total += len(content)
            if total > limits.max_total_bytes:
                raise ArchiveError(
                    f"ZIP members inflate beyond {limits.max_total_bytes:,} bytes in total "
                    "(AURUM_ZIP_MAX_TOTAL_BYTES)"
                )
            yield info.filename, content


def single_member(data: bytes, suffix: str, limits: ZipLimits | None = None) -> tuple[str, bytes]:
    """The one member whose name ends in `suffix` (ECB and ERCOT ship one file per zip)."""
    names = [n for n in member_names(data, limits) if n.lower().endswith(suffix)]
    if len(names) != 1:
        raise ArchiveError(f"ZIP holds {len(names)} {suffix} files; expected exactly one")
    return next(iter_members(data, suffix, limits))
