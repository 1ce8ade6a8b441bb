"""Shared helpers for benchmarks: the machine, percentiles, writing a JSON result."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    """Cores, memory and platform of the machine the figures came from."""
    memory_mib = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    memory_mib = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_mib": memory_mib,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def machine_speed(repeats: int = 9) -> float:
    """Milliseconds a fixed piece of plain Python work takes now (the best of ``repeats``;
    lower is faster). This VM's speed moves by up to 2× within an hour; a load benchmark
    records this before and after its runs, so that figures of runs at different times can
    be told apart from changes of the code."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        kept: dict[int, str] = {}
        for n in range(200_000):
            kept[n % 1000] = str(n)
        "".join(kept.values())
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 2)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of samples in milliseconds."""
    ordered = sorted(samples_ms)
    if len(ordered) < 2:
        value = ordered[0] if ordered else 0.0
        return {"p50_ms": value, "p95_ms": value, "p99_ms": value}
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 3),
        "p95_ms": round(cuts[94], 3),
        "p99_ms": round(cuts[98], 3),
    }


COMMON_KEYS = (
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "errors",
    "sent",
    "stored",
    "lost",
    "duplicated",
    "rss_mib",
)
"""Every result carries these (issue 9); null where the benchmark does not measure it
(no server ran, nothing was sent), and ``not_measured`` names them."""

LOAD_KEYS = ("sessions", "participants", "events", "steps", "requests", "citizen_pages")
"""The load size: at least one of these is in every result."""


def write_result(name: str, result: dict[str, Any]) -> Path:
    """Write ``benchmarks/results/<name>.json`` and return its path.

    Keys of :data:`COMMON_KEYS` the benchmark did not give are written as null and listed
    under ``not_measured``; a result without a load size (:data:`LOAD_KEYS`) gets a warning."""
    if not any(key in result for key in LOAD_KEYS):
        print(f"warning: {name} names no load size ({', '.join(LOAD_KEYS)})", file=sys.stderr)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    missing = [key for key in COMMON_KEYS if result.get(key) is None]
    payload = {"name": name, **{key: None for key in COMMON_KEYS}, **result}
    if missing:
        payload["not_measured"] = missing
    payload["machine"] = machine()
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
