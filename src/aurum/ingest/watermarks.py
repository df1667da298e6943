"""Watermarks: how far each source has been loaded. THE one helper every job uses.

A watermark is a UTC instant per (source, key) in `ingest.watermarks`
(postgres/migrations/0001_ingest_watermarks.sql). `update_watermark` is an upsert that
never moves a watermark backwards: a late or repeated job cannot un-load data. It
returns what is stored afterwards, so a caller can see that its value was older.

`conn` is a psycopg 3 connection. On an autocommit connection each update commits on
its own; on a transactional connection it is part of the caller's transaction and
commits (or rolls back) with it, so a job can commit its own state and the watermark
together.
"""

from __future__ import annotations

from datetime import UTC, datetime


def _utc(value: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"watermark must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"watermark {value.isoformat()} is naive; pass a timezone-aware UTC datetime"
        )
    return value.astimezone(UTC)


def get_watermark(conn, source: str, key: str = "default") -> datetime | None:
    row = conn.execute(
        "select watermark from ingest.watermarks where source = %s and watermark_key = %s",
        (source, key),
    ).fetchone()
    return row[0].astimezone(UTC) if row else None


def update_watermark(conn, source: str, value: datetime, key: str = "default") -> datetime:
    """Advance (source, key) to `value` unless it is already later; return the stored value."""
    value = _utc(value)
    if not source:
        raise ValueError("source must be a non-empty string")
    row = conn.execute(
        """
        insert into ingest.watermarks as w (source, watermark_key, watermark, updated_at)
        values (%s, %s, %s, now())
        on conflict (source, watermark_key) do update
           set watermark = greatest(w.watermark, excluded.watermark),
               updated_at = case when excluded.watermark > w.watermark
                                 then excluded.updated_at else w.updated_at end
        returning watermark
        """,
        (source, key, value),
    ).fetchone()
    return row[0].astimezone(UTC)
