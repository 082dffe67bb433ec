"""Measure the Nord pack build: cold build and no-change rebuild.

Usage: CARNET_SOURCES=../shared/data/sources .venv/bin/python benchmarks/bench_build.py
Builds into a temporary cache (the project's cache is left alone) and prints seconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import statistics
import tempfile
import time


def main(repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CARNET_CACHE"] = tmp
        from carnet.build import build

        cold = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            build("nord", force=True, progress=False)
            cold.append(time.perf_counter() - t0)
        warm = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            r = build("nord", progress=False)
            warm.append(time.perf_counter() - t0)
            assert not r.rebuilt
        print(f"build nord (force), median of {repeats}: {statistics.median(cold):.2f} s "
              f"(min {min(cold):.2f}, max {max(cold):.2f})")
        print(f"rebuild with nothing changed, median of {repeats}: {statistics.median(warm) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
