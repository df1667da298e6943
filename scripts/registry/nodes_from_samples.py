"""List LMP locations in sample_data/ that are missing from seeds/iso_nodes.csv.

    python scripts/registry/nodes_from_samples.py            # report only, exit 1 if any missing
    python scripts/registry/nodes_from_samples.py --append   # also append them, then re-sort

The seed stays the reviewed source of truth: appended rows get a location type mapped from
what the file publishes, a zone/timezone derived by the rules below, and should be reviewed
before commit. Ids follow the registry rules in docs/registry.md (ERCOT LZEW rows get a
`_LZEW` suffix; PJM pnode ids and NYISO PTIDs as text).

This reads the raw sample files directly (stdlib only), so it does not depend on the decoders.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

from aurum.paths import project_root

REPO = project_root()
SEED = REPO / "seeds" / "iso_nodes.csv"
SAMPLES = REPO / "sample_data"
COLUMNS = ("iso_code", "location_id", "location_name", "location_type", "zone", "hub", "timezone")

CHICAGO = "America/Chicago"
NEW_YORK = "America/New_York"

# MISO local balancing authority (the node-name prefix before the first '.') -> IANA zone.
# Michigan LBAs are Eastern; the Indiana LBAs on Eastern time follow Indianapolis; NIPSCO
# (north-west Indiana) and SIGECO (Evansville) keep Central time. Anything else: Central.
MISO_LBA_TIMEZONES = {
    "CONS": "America/Detroit",
    "DECO": "America/Detroit",
    "METC": "America/Detroit",
    "ITCT": "America/Detroit",
    "UPPC": "America/Detroit",
    "CIN": "America/Indiana/Indianapolis",
    "IPL": "America/Indiana/Indianapolis",
    "HE": "America/Indiana/Indianapolis",
    "NIPS": CHICAGO,
    "SIGE": CHICAGO,
    "MHEB_EAR": "America/Winnipeg",
}
# MISO LBA -> the MISO trading hub made of that area's nodes (only the unambiguous ones).
MISO_LBA_HUBS = {
    "AMIL": "ILLINOIS.HUB",
    "CIN": "INDIANA.HUB",
    "IPL": "INDIANA.HUB",
    "CONS": "MICHIGAN.HUB",
    "DECO": "MICHIGAN.HUB",
    "NSP": "MINN.HUB",
}
# External balancing areas that MISO (and SPP) publish as interface prices -> IANA zone of
# the neighbouring area. Unlisted interfaces default to Central.
EXTERNAL_AREA_TIMEZONES = {
    **dict.fromkeys(
        [
            "AEP",
            "AP",
            "CPLE",
            "CPLW",
            "DLCO",
            "DPL",
            "DUK",
            "EKPC",
            "FE",
            "FMPP",
            "FPC",
            "FPL",
            "GVL",
            "HST",
            "ISNE",
            "JEA",
            "NSB",
            "NYISO",
            "OVEC",
            "PECO",
            "PJMC",
            "PSEG",
            "SC",
            "SCEG",
            "SEC",
            "SEHA",
            "TAL",
            "TEC",
            "VAP",
            "YAD",
        ],
        NEW_YORK,
    ),
    "LGEE": "America/Kentucky/Louisville",
    "HQT": "America/Toronto",
    "ONT": "America/Toronto",
    "ONT_W": "America/Toronto",
    "MHEB": "America/Winnipeg",
    "SPC": "America/Regina",
    "CISO": "America/Los_Angeles",
    "PSCO": "America/Denver",
    "PNM": "America/Denver",
    "EDDY": "America/Denver",
}
# CAISO nodes outside California (EIM / WEIM and intertie areas), by node-name prefix.
CAISO_PREFIX_TIMEZONES = {
    "AZPS": "America/Phoenix",
    "BCHA": "America/Vancouver",
}
ERCOT_TYPES = {
    "HB": "HUB",
    "HU": "HUB",
    "SH": "HUB",
    "AH": "HUB",
    "LZ": "ZONE",
    "LZEW": "ZONE",
    "RN": "NODE",
    "PCCRN": "NODE",
    "LCCRN": "NODE",
    "PUN": "NODE",
}
PJM_TYPES = {
    "HUB": "HUB",
    "ZONE": "ZONE",
    "AGGREGATE": "AGGREGATE",
    "INTERFACE": "INTERFACE",
    "EHV": "NODE",
    "GEN": "NODE",
    "LOAD": "NODE",
}
MISO_TYPES = {"Hub": "HUB", "Interface": "INTERFACE", "Loadzone": "ZONE", "Gennode": "NODE"}


def _row(iso, location_id, name, location_type, zone="", hub="", timezone=CHICAGO) -> dict:
    if location_type == "HUB" and not hub:
        hub = location_id  # a hub settles against itself
    return dict(
        zip(COLUMNS, (iso, location_id, name, location_type, zone, hub, timezone), strict=True)
    )


def _csv_rows(path: Path) -> Iterator[dict]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    for fields in reader:
        if fields:
            yield dict(zip(header, (f.strip() for f in fields), strict=False))


# -- CAISO ---------------------------------------------------------------------------------
def caiso_location(node: str) -> dict:
    if node.startswith("TH_"):
        kind = "HUB"
    elif node.startswith("DLAP_"):
        kind = "ZONE"
    else:
        kind = "NODE"
    tz = CAISO_PREFIX_TIMEZONES.get(node.split("_", 1)[0], "America/Los_Angeles")
    return _row("CAISO", node, node, kind, node if kind == "ZONE" else "", "", tz)


def caiso_samples(root: Path) -> Iterator[dict]:
    for path in sorted((root / "caiso").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                text = archive.read(member).decode("utf-8")
                for rec in csv.DictReader(io.StringIO(text)):
                    yield caiso_location(rec["NODE"])


# -- PJM -----------------------------------------------------------------------------------
def pjm_samples(root: Path) -> Iterator[dict]:
    for path in sorted((root / "pjm").glob("*lmps*.csv")):
        for rec in _csv_rows(path):
            kind = PJM_TYPES.get(rec["type"], "NODE")
            name = rec["pnode_name"]
            tz = CHICAGO if rec.get("zone") == "COMED" or "CHICAGO" in name else NEW_YORK
            zone = name if kind == "ZONE" else rec.get("zone", "")
            yield _row("PJM", rec["pnode_id"], name, kind, zone, "", tz)


# -- MISO ----------------------------------------------------------------------------------
def miso_location(node: str, published_type: str | None) -> dict:
    if published_type == "Hub" and not node.endswith(".HUB"):
        # .AZ / .AGG / .H / .L rows are published with type Hub but are aggregates.
        kind = "AGGREGATE"
    elif published_type:
        kind = MISO_TYPES[published_type]
    elif node.endswith(".HUB"):
        kind = "HUB"
    elif "." not in node:
        kind = "INTERFACE"
    elif node.endswith((".AZ", ".AGG")):
        kind = "AGGREGATE"
    else:
        kind = "NODE"
    lba = node.split(".", 1)[0]
    if kind == "INTERFACE":
        return _row("MISO", node, node, kind, "", "", EXTERNAL_AREA_TIMEZONES.get(node, CHICAGO))
    if kind == "HUB":
        tz = {
            "INDIANA.HUB": "America/Indiana/Indianapolis",
            "CINERGY.HUB": "America/Indiana/Indianapolis",
            "MICHIGAN.HUB": "America/Detroit",
        }.get(node, CHICAGO)
        return _row("MISO", node, node, kind, "", node, tz)
    zone = node if kind == "ZONE" else lba
    tz = MISO_LBA_TIMEZONES.get(lba, CHICAGO)
    return _row("MISO", node, node, kind, zone, MISO_LBA_HUBS.get(lba, ""), tz)


def miso_samples(root: Path) -> Iterator[dict]:
    for path in sorted((root / "miso").glob("*_lmp*.csv")):
        lines = path.read_text(encoding="utf-8-sig").splitlines()[4:]  # 4 preamble lines
        for rec in csv.DictReader(lines):
            if rec.get("Node"):
                yield miso_location(rec["Node"].strip(), rec["Type"].strip())
    for path in sorted((root / "miso").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        col = doc["headers"].index("CPNODE")
        for values in doc["data"]:
            yield miso_location(values[col], None)


# -- ERCOT ---------------------------------------------------------------------------------
ERCOT_LZ_HUBS = {
    "LZ_HOUSTON": "HB_HOUSTON",
    "LZ_NORTH": "HB_NORTH",
    "LZ_SOUTH": "HB_SOUTH",
    "LZ_WEST": "HB_WEST",
}


def ercot_location(name: str, published_type: str | None) -> dict:
    if published_type is None:  # DAM / SCED files carry no type: infer from the name
        published_type = (
            "HB" if name.startswith("HB_") else "LZ" if name.startswith("LZ_") else "RN"
        )
    kind = ERCOT_TYPES.get(published_type, "NODE")
    location_id = f"{name}_LZEW" if published_type == "LZEW" else name
    zone = name if kind == "ZONE" else ""
    hub = name if kind == "HUB" else ERCOT_LZ_HUBS.get(name, "") if kind == "ZONE" else ""
    return _row("ERCOT", location_id, name, kind, zone, hub, CHICAGO)


def ercot_samples(root: Path) -> Iterator[dict]:
    for path in sorted((root / "ercot").glob("*.csv")):
        for rec in _csv_rows(path):
            name = rec.get("SettlementPoint") or rec["SettlementPointName"]
            yield ercot_location(name, rec.get("SettlementPointType"))
    for path in sorted((root / "ercot").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        names = [f["name"] for f in doc["fields"]]
        for values in doc["data"]:
            rec = dict(zip(names, values, strict=True))
            yield ercot_location(rec["settlementPoint"], rec.get("settlementPointType"))


# -- NYISO ---------------------------------------------------------------------------------
NYISO_EXTERNAL_TIMEZONES = {
    "61844": "America/Toronto",  # H Q  (Hydro-Quebec)
    "61845": NEW_YORK,  # NPX  (ISO New England)
    "61846": "America/Toronto",  # O H  (Ontario)
    "61847": NEW_YORK,  # PJM
}


def nyiso_location(ptid: str, name: str) -> dict:
    if ptid in NYISO_EXTERNAL_TIMEZONES:
        return _row("NYISO", ptid, name, "INTERFACE", "", "", NYISO_EXTERNAL_TIMEZONES[ptid])
    return _row("NYISO", ptid, name, "ZONE", name, "", NEW_YORK)


def nyiso_samples(root: Path) -> Iterator[dict]:
    for path in sorted((root / "nyiso").glob("*.csv")):
        if path.name.endswith("pal.csv"):  # actual load, not LBMP
            continue
        for rec in _csv_rows(path):
            ptid = rec.get("PTID") or rec["Zone PTID"]
            yield nyiso_location(ptid, rec.get("Name") or rec["Zone Name"])


# -- SPP -----------------------------------------------------------------------------------
SPP_TIMEZONES = {"CISO": "America/Los_Angeles", "PSCO": "America/Denver"}


def spp_location(name: str, baa: str | None) -> dict:
    kind = "HUB" if name.endswith("_HUB") else "NODE"
    tz = SPP_TIMEZONES.get(name, "America/Denver" if baa == "SWPW" else CHICAGO)
    return _row("SPP", name, name, kind, "", name if kind == "HUB" else "", tz)


def spp_samples(root: Path) -> Iterator[dict]:
    for path in sorted((root / "spp").glob("*.csv")):
        for rec in _csv_rows(path):
            name = rec.get("Settlement Location") or rec.get("Settlement Location Name")
            if name:
                yield spp_location(name, rec.get("BAA"))


def sample_locations(root: Path = SAMPLES) -> dict[tuple[str, str], dict]:
    """Every LMP location in the sample files, keyed by (iso_code, location_id)."""
    found: dict[tuple[str, str], dict] = {}
    for source in (caiso_samples, pjm_samples, miso_samples, ercot_samples):
        for row in source(root):
            found.setdefault((row["iso_code"], row["location_id"]), row)
    for source in (nyiso_samples, spp_samples):
        for row in source(root):
            found.setdefault((row["iso_code"], row["location_id"]), row)
    return found


def read_seed(path: Path = SEED) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sort_key(row: dict) -> tuple[str, str, str]:
    return (row["iso_code"], row["location_type"], row["location_id"])


def write_seed(rows: list[dict], path: Path = SEED) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=sort_key))


def missing_locations(seed: Path = SEED, root: Path = SAMPLES) -> list[dict]:
    known = {(r["iso_code"], r["location_id"]) for r in read_seed(seed)}
    return [row for key, row in sample_locations(root).items() if key not in known]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--append", action="store_true", help="append missing rows to the seed")
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    args = parser.parse_args(argv)
    missing = missing_locations(args.seed, args.samples)
    for row in sorted(missing, key=sort_key):
        print(",".join(row[c] for c in COLUMNS))
    print(f"{len(missing)} sample location(s) missing from {args.seed}", file=sys.stderr)
    if args.append and missing:
        write_seed(read_seed(args.seed) + missing, args.seed)
        print(f"appended {len(missing)} row(s); review them before committing", file=sys.stderr)
        return 0
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
