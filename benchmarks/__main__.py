"""Run every benchmark: `python -m benchmarks [name ...]`."""

from __future__ import annotations

import sys

from benchmarks import ingest_throughput, lmp_normalisation, scenario_output

BENCHMARKS = {
    "lmp_normalisation": lmp_normalisation.main,
    "ingest_throughput": ingest_throughput.main,
    "scenario_output": scenario_output.main,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    for name in names:
        print(f"== {name}")
        BENCHMARKS[name]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
