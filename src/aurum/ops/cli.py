"""`aurum-ops`: the ops processes from the command line (docs/operations.md).

    aurum-ops migrate                         apply the ClickHouse migrations
    aurum-ops sink [--metrics-port N]         dead letters → ClickHouse, until stopped
    aurum-ops exporter [--port N]             metrics from ClickHouse and PostgreSQL
    aurum-ops webhook-sink --port N --record FILE   a local stand-in for Slack

Connections come from Settings (AURUM_KAFKA_BOOTSTRAP, AURUM_CLICKHOUSE_*, AURUM_PG_DSN).
`make ops-up` starts them all (aurum.ops.stack).
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from pathlib import Path

from aurum import log_json
from aurum.settings import Settings


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from aurum.ops.clickhouse import main

    return main([])


def cmd_sink(settings: Settings, args: argparse.Namespace) -> int:
    from prometheus_client import start_http_server

    from aurum.ops.clickhouse import apply_migrations, connect
    from aurum.ops.dlq_sink import DeadLetterSink

    client = connect(settings)
    apply_migrations(client, settings.clickhouse_database)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    port = args.metrics_port or settings.dlq_sink_metrics_port
    start_http_server(port, addr="127.0.0.1")
    sink = DeadLetterSink(
        client,
        settings.clickhouse_database,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=settings.dlq_sink_group,
    )
    logging.getLogger("aurum.ops.dlq_sink").info(
        "consuming into %s.ingest_errors", settings.clickhouse_database
    )
    stats = sink.run(should_stop=stop.is_set)
    logging.getLogger("aurum.ops.dlq_sink").info(
        "stopped after %d messages in %d batches", stats.messages, stats.batches
    )
    return 0


def cmd_exporter(settings: Settings, args: argparse.Namespace) -> int:
    from aurum.ops.exporter import serve

    serve(settings, args.port or settings.ops_exporter_port, settings.ops_watermark_key)
    return 0


def cmd_webhook_sink(settings: Settings, args: argparse.Namespace) -> int:
    from aurum.ops.webhook_sink import WebhookSink

    sink = WebhookSink(args.record, port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=sink.server.shutdown).start())
    logging.getLogger("aurum.ops.webhook_sink").info(
        "recording POSTs on 127.0.0.1:%d to %s", sink.port, args.record
    )
    sink.serve_forever()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurum-ops", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the ClickHouse migrations").set_defaults(
        run=cmd_migrate
    )
    sink = commands.add_parser("sink", help="consume dead letters into ClickHouse")
    sink.add_argument("--metrics-port", type=int)
    sink.set_defaults(run=cmd_sink)
    exporter = commands.add_parser("exporter", help="serve the ops metrics")
    exporter.add_argument("--port", type=int)
    exporter.set_defaults(run=cmd_exporter)
    webhook = commands.add_parser("webhook-sink", help="record Slack-shaped webhook posts")
    webhook.add_argument("--port", type=int, required=True)
    webhook.add_argument("--record", type=Path, required=True)
    webhook.set_defaults(run=cmd_webhook_sink)
    args = parser.parse_args(argv)
    log_json.configure()
    return args.run(Settings(), args)


if __name__ == "__main__":
    raise SystemExit(main())
