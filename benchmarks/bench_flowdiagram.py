"""Draw the branch diagram of a generated 100-step journey; it should take well under a second.

Run with ``make bench``. Writes ``benchmarks/results/flowdiagram-100-steps.json``. Times are
reported as percentiles of repeated runs in one process, never asserted in tests.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import percentiles, write_result
from benchmarks.bench_validate import generate_journey
from journeys import read_text
from toolkit.flowdiagram import flow_svg

STEPS = 100
WARMUP = 1
RUNS = 2
REPEATS = 10


def main() -> None:
    journey = read_text(json.dumps(generate_journey(STEPS), ensure_ascii=False)).journey
    assert journey is not None
    runs = []
    for run in range(WARMUP + RUNS):
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            svg = flow_svg(journey)
            samples.append((time.perf_counter() - started) * 1000)
        if run >= WARMUP:
            runs.append({"repeats": REPEATS, **percentiles(samples)})
    result = {"steps": STEPS, "svg_bytes": len(svg.encode()), "runs": runs, **runs[-1]}
    path = write_result("flowdiagram-100-steps", result)
    for n, r in enumerate(runs, 1):
        print(
            f"flow diagram 100 steps, run {n}: p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms"
        )
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
