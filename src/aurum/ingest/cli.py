"""`aurum-ingest`: the Kafka ingestion path from the command line.

    aurum-ingest topics                                   create every topic (idempotent)
    aurum-ingest fetch --source pjm_da_hrl_lmps --date 2025-05-01 [--to 2025-05-10]
    aurum-ingest publish-file sample_data/pjm/da_hrl_lmps_….csv
    aurum-ingest land [--database data/aurum.duckdb] [--idle-seconds 5]

`fetch` runs fetch → decode → validate → Avro → produce → watermark for each day,
oldest first, and stops at the first failed day (exit 1) so the watermark never
passes it. Conditional requests carry over between runs: the validators are kept in
PostgreSQL (`ingest.http_validators`), so an unchanged document answers 304 and the
day is reported `not_modified`. Connection settings come from AURUM_KAFKA_BOOTSTRAP, AURUM_PG_DSN and
AURUM_SOURCE_BASE_URL.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from aurum.settings import Settings


def _days(start: date, end: date | None) -> list[date]:
    end = end or start
    if end < start:
        raise SystemExit(f"aurum-ingest: --to {end} is before --date {start}")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def cmd_topics(settings: Settings, args) -> int:
    from aurum.kafka.admin import all_topics, ensure_topics

    wanted = all_topics()
    for topic in ensure_topics(settings.kafka_bootstrap, wanted, partitions=args.partitions):
        print(f"created {topic}")
    print(f"{len(wanted)} topics present")
    return 0


def cmd_fetch(settings: Settings, args) -> int:
    from aurum.db import connect
    from aurum.db.migrations import apply_migrations
    from aurum.ingest.http import HttpFetcher, PostgresValidatorStore
    from aurum.ingest.pipeline import ingest_days
    from aurum.ingest.publish import stderr_progress
    from aurum.kafka.producer import ConfirmingProducer
    from aurum.ops.push import push_ingest_results
    from aurum.sources import SOURCES

    if args.source not in SOURCES:
        print(
            f"aurum-ingest: unknown source {args.source!r}; known: {', '.join(sorted(SOURCES))}",
            file=sys.stderr,
        )
        return 2
    source = SOURCES[args.source]
    apply_migrations(settings.pg_dsn)
    producer = ConfirmingProducer(settings.kafka_bootstrap)
    base_url = args.base_url or settings.source_base_url
    # The validators (ETag / Last-Modified) of earlier runs live in PostgreSQL beside the
    # watermarks, so a source that did not change answers 304 and is not published again.
    with (
        connect(settings.pg_dsn) as conn,
        HttpFetcher(validators=PostgresValidatorStore(conn)) as fetcher,
    ):
        results = ingest_days(
            source,
            _days(args.date, args.to),
            fetcher=fetcher,
            producer=producer,
            watermark_conn=conn,
            watermark_key=args.watermark_key,
            base_url=base_url,
            progress=stderr_progress,
        )
    push_ingest_results(settings.pushgateway_url, source.name, results)
    for result in results:
        watermark = result.watermark.isoformat() if result.watermark else "unchanged"
        print(
            f"{source.name} {result.day}: {result.status}, {result.rows} rows, "
            f"{result.dead_letters} dead letters, watermark {watermark}"
        )
    return 0 if all(r.ok for r in results) else 1


def cmd_publish_file(settings: Settings, args) -> int:
    from aurum.ingest.publish import publish_file, publish_unrecognised, stderr_progress
    from aurum.kafka.producer import ConfirmingProducer
    from aurum.sources import DetectError, detect, format_named

    producer = ConfirmingProducer(settings.kafka_bootstrap)
    failed = False
    for path in args.paths:
        data = path.read_bytes()
        try:
            source_format = format_named(args.format) if args.format else detect(data, path.name)
        except DetectError as exc:
            publish_unrecognised(producer, data, path.name, exc)
            print(f"{path.name}: not recognised ({exc.reason}); one detect dead letter")
            failed = True
            continue
        report = publish_file(producer, source_format, data, path.name, progress=stderr_progress)
        failed |= report.file_rejected
        print(f"{path.name}: {report.rows} rows, dead letters {report.dead_letters or 0}")
    return 1 if failed else 0


def cmd_land(settings: Settings, args) -> int:
    import duckdb

    from aurum.ingest.kafka_landing import KafkaLander

    database = args.database or settings.duckdb_path
    database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as conn:
        lander = KafkaLander(
            conn,
            bootstrap_servers=settings.kafka_bootstrap,
            group_id=args.group,
            batch_size=args.batch_size,
            on_batch=lambda s: print(
                f"batch {s.batches} committed: {s.messages} messages", flush=True
            ),
        )
        stats = lander.run(max_messages=args.max_messages, idle_seconds=args.idle_seconds)
    rows = ", ".join(f"{k} {v}" for k, v in sorted(stats.rows.items())) or "no rows"
    print(
        f"landed {stats.messages} messages in {stats.batches} batches: {rows}; {stats.dead_letters} dead letters"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurum-ingest", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    topics = commands.add_parser("topics", help="create every Aurum topic")
    topics.add_argument("--partitions", type=int, default=1)
    topics.set_defaults(run=cmd_topics)

    fetch = commands.add_parser(
        "fetch", help="fetch a source for one day or a range and publish it"
    )
    fetch.add_argument("--source", required=True)
    fetch.add_argument("--date", required=True, type=date.fromisoformat)
    fetch.add_argument("--to", type=date.fromisoformat)
    fetch.add_argument("--base-url", help="replace the source's public base URL")
    fetch.add_argument("--watermark-key", default="default")
    fetch.set_defaults(run=cmd_fetch)

    publish = commands.add_parser("publish-file", help="decode local files and publish them")
    publish.add_argument("paths", nargs="+", type=Path)
    publish.add_argument("--format", help="source format name (default: from the content)")
    publish.set_defaults(run=cmd_publish_file)

    land = commands.add_parser("land", help="consume the topics into the DuckDB landing tables")
    land.add_argument("--database", type=Path)
    land.add_argument("--group", default="aurum-landing")
    land.add_argument("--batch-size", type=int, default=2000)
    land.add_argument("--max-messages", type=int)
    land.add_argument("--idle-seconds", type=float, default=5.0)
    land.set_defaults(run=cmd_land)

    args = parser.parse_args(argv)
    return args.run(Settings(), args)


if __name__ == "__main__":
    raise SystemExit(main())
