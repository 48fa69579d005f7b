"""`python -m bench`: every benchmark, one table. See the README's Benchmarks section."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.comparison import comparison
from bench.dagster_scaling import dagster_scaling
from bench.memory import memory
from bench.protocol import protocol
from bench.pyairbyte_comparison import pyairbyte_comparison
from bench.rate_limits import rate_limits
from bench.report import table
from bench.throughput import throughput


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small data, one run each")
    args = parser.parse_args(argv)
    runs, size, small, large = (
        (1, 5_000, 1_000, 100_000) if args.quick else (3, 100_000, 10_000, 1_000_000)
    )
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        rows = [
            *throughput(size, runs, workdir),
            *protocol(size, runs, workdir),
            *comparison(size, runs, workdir),
            *pyairbyte_comparison(size, runs, workdir),
            *memory(small, large, workdir),
            *rate_limits(size // 10, workdir),
            *dagster_scaling(workdir, quick=args.quick),
        ]
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
