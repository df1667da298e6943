"""Run every benchmark: `python -m benchmarks [name ...]`."""

from __future__ import annotations

import sys

from benchmarks import (
    airflow_ingestion,
    api_latency,
    incremental_lmp,
    ingest_throughput,
    lmp_normalisation,
    result_copy,
    scenario_output,
    scenario_run_latency,
    tenant_soak,
)

BENCHMARKS = {
    "lmp_normalisation": lmp_normalisation.main,
    "incremental_lmp": incremental_lmp.main,
    "ingest_throughput": ingest_throughput.main,
    "scenario_output": scenario_output.main,
    "api_latency": api_latency.main,
    "scenario_run_latency": scenario_run_latency.main,
    "airflow_ingestion": airflow_ingestion.main,
    "tenant_soak": tenant_soak.main,
    "result_copy": result_copy.main,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    for name in names:
        print(f"== {name}")
        BENCHMARKS[name]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
