"""The funnel and the deviation classes before and after per-path sums (m006) and kept path
facts (m007), on the same generated data in one process.

Run with ``python benchmarks/bench_paths.py [--events N]`` (default a million). Writes
``benchmarks/results/paths-1m-events.json`` (or ``paths-<N>-events.json``). The data is
:mod:`benchmarks.bench_metrics`' simulation. ``before`` is the way both were read until
m006: every derived session of the version grouped by path, and each distinct path parsed
and walked in Python on every call (reproduced here); ``after`` is :func:`feedback.funnel`
and :func:`feedback.deviations` as they are. ``first_call_after_ms`` is the first call,
which works out every distinct path once and keeps it; the medians are of later calls, as
a designer's page refreshing pays them. Each pair of results is checked to be equal.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import write_result
from benchmarks.bench_metrics import Generator, publish_with_links
from feedback import deviations, funnel, metrics, refresh_metrics
from feedback.deviations import PlannedGraph, find_deviations, visit_row
from feedback.metrics import Scope, scope
from prototypes import planned_path
from toolkit.db import open_db

REPEATS = 5


def grouped_paths(db: Any, sc: Scope) -> list[tuple[Any, str | None, int]]:
    """Every derived session of the selection grouped by path: how paths were read before."""
    where, params = sc.derived()
    found = db.execute(
        f"select path, outcome, count(*) from metrics_sessions where {where} "
        "group by path, outcome order by count(*) desc, path, outcome",
        params,
    ).fetchall()
    return [(json.loads(path), outcome, n) for path, outcome, n in found]


def funnel_before(db: Any, version_id: str, steps: list[str]) -> Any:
    """The planned funnel walking every grouped path in Python."""
    kept = metrics.session_paths
    metrics.session_paths = grouped_paths
    try:
        return funnel(db, version_id=version_id, along=steps)
    finally:
        metrics.session_paths = kept


def deviations_before(db: Any, version_id: str) -> dict[str, Counter[str]]:
    """Deviation counts classifying every grouped path on every call."""
    sc = scope(db, version_id=version_id)
    journey = sc.version.journey()
    graph = PlannedGraph(journey)
    counts: dict[str, Counter[str]] = {s.id: Counter() for s in journey.steps}
    for path, outcome, n in grouped_paths(db, sc):
        found = find_deviations(graph, [visit_row(v) for v in path], outcome)
        for step_id, kind in {(step_id, kind) for kind, step_id, _p, _b in found}:
            counts.setdefault(step_id, Counter())[kind] += n
    return counts


def ms(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    target = parser.parse_args().events
    name = f"paths-{target // 1_000_000}m-events" if target % 1_000_000 == 0 else None
    name = name or f"paths-{target}-events"
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="medskapa-bench-") as tmp:
        db = open_db(Path(tmp) / "bench.db")
        journey, version, links, _rng = publish_with_links(db)
        started = time.perf_counter()
        generator = Generator(db, journey, version.id, [link.code for link in links])
        generator.run(target)
        generate_s = time.perf_counter() - started
        started = time.perf_counter()
        refresh_metrics(db)
        derive_s = time.perf_counter() - started
        print(f"{generator.sessions} sessions, derived in {derive_s:.1f} s", flush=True)

        v = version.id
        steps = planned_path(journey, {})
        first = {
            "funnel": round(ms(lambda: funnel(db, version_id=v)), 1),
            "deviations": round(ms(lambda: deviations(db, version_id=v)), 1),
        }
        samples: dict[str, list[float]] = {
            "funnel_before": [],
            "funnel_after": [],
            "deviations_before": [],
            "deviations_after": [],
        }
        for _ in range(REPEATS):  # alternating, so load from elsewhere hits both alike
            samples["funnel_before"].append(ms(lambda: funnel_before(db, v, steps)))
            samples["funnel_after"].append(ms(lambda: funnel(db, version_id=v)))
            samples["deviations_before"].append(ms(lambda: deviations_before(db, v)))
            samples["deviations_after"].append(ms(lambda: deviations(db, version_id=v)))
        same_funnel = funnel_before(db, v, steps) == funnel(db, version_id=v)
        before = deviations_before(db, v)
        after = deviations(db, version_id=v)
        same_deviations = all(
            getattr(after[step], kind) == before.get(step, Counter())[kind]
            for step in after
            for kind in ("ad_hoc", "irregular", "failed", "missing")
        )
        result = {
            "events": target,
            "sessions": generator.sessions,
            "path_sum_rows": db.execute("select count(*) from metrics_path_totals").fetchone()[0],
            "distinct_paths": db.execute("select count(*) from metrics_path_classes").fetchone()[0],
            "generate_s": round(generate_s, 1),
            "derive_all_s": round(derive_s, 1),
            "first_call_after_ms": first,
            "median_ms": {k: round(statistics.median(x), 1) for k, x in samples.items()},
            "same_results": same_funnel and same_deviations,
            "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        }
        db.conn.close()
    path = write_result(name, result)
    print(json.dumps(result, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
