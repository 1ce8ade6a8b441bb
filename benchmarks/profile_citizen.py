"""Where a citizen page's time goes, measured in-process (no server, no network).

The Starlette app from :func:`toolkit.web.create_api` is driven through
``httpx.ASGITransport`` with the same happy-path walk as ``load_citizen.py``. Three parts:

1. **Concurrency.** The app with its real thread pool, one phone at a time and then 40 at
   once: end-to-end milliseconds per request and the milliseconds spent in the write
   transaction (``feedback.store.write``: ``BEGIN IMMEDIATE`` ... ``COMMIT``, waiting for
   SQLite's write lock included). The citizen pages' connections already queue their
   writes in the process (``toolkit.db.QueuedWriter``). Tried with two changes made from
   outside, never in the product code: ``write-lock`` (one more process-wide lock taken
   before ``BEGIN IMMEDIATE``) and ``synchronous-normal``
   (``PRAGMA synchronous = NORMAL``: no fsync per commit in WAL mode; safe against a killed
   process, not against a power cut).
2. **One request at a time** with the thread pool replaced by a direct call, with
   ``keep-connection`` (one extra connection stays open, so closing a request's connection
   is never the last close, which checkpoints the WAL; since citizen pages keep one
   connection per thread, ``toolkit.db.ConnectionPool``, it changes little) and
   ``synchronous-normal``.
3. **cProfile** of part 2's baseline: the functions with the most own and cumulative time.

The client runs in the same process, so its cost is in every figure; compare variants with
each other, not with the load benchmark. Writes ``benchmarks/results/citizen-profile.json``.
"""

from __future__ import annotations

import asyncio
import cProfile
import http.cookiejar
import io
import os
import pstats
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import starlette.concurrency
import starlette.routing

import feedback.answers
import feedback.events
import feedback.sessions
import feedback.store
import toolkit.web.app as web_app
import toolkit.web.citizen as citizen
from benchmarks._common import percentiles, write_result
from benchmarks._server import BenchServer
from benchmarks.load_citizen import SUCCESS_STEP, TASK, Phone, Stats, walk
from toolkit.db import open_db
from toolkit.settings import Settings
from toolkit.web import create_api

WARMUP = 5
WALKS = 40
CONCURRENT = 40
TOP = 25

_variant = ["baseline"]
_write_ms: list[float] = []
_write_lock = threading.Lock()


def patch() -> None:
    """Wrap the app's ``open_db`` and the feedback package's ``write`` so the variants can
    change them and the write transaction can be timed (benchmark process only)."""
    original_open = web_app.open_db
    original_write = feedback.store.write

    def open_variant(path: Any, *, migrate: bool = True) -> Any:
        db = original_open(path, migrate=migrate)
        if "normal" in _variant[0]:
            db.execute("PRAGMA synchronous = NORMAL")
        return db

    def timed_write(db: Any, work: Any) -> Any:
        if not db.conn.in_transaction:  # citizen pages keep their connections (the pool)
            mode = "NORMAL" if "normal" in _variant[0] else "FULL"
            db.execute(f"PRAGMA synchronous = {mode}")
        started = time.perf_counter()
        try:
            if _variant[0] == "write-lock" and not db.conn.in_transaction:
                with _write_lock:
                    return original_write(db, work)
            return original_write(db, work)
        finally:
            _write_ms.append((time.perf_counter() - started) * 1000)

    web_app.open_db = open_variant  # type: ignore[assignment]
    for module in (feedback.store, feedback.events, feedback.answers, feedback.sessions):
        module.write = timed_write  # type: ignore[attr-defined]


async def inline(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a sync handler right here (instead of in a worker thread) so cProfile sees it."""
    return func(*args, **kwargs)


def run_inline() -> None:
    starlette.routing.run_in_threadpool = inline  # type: ignore[assignment]
    starlette.concurrency.run_in_threadpool = inline  # type: ignore[assignment]
    citizen.run_in_threadpool = inline  # type: ignore[assignment]


async def walks(api: Any, code: str, count: int, phones: int, stats: Stats, seed: int) -> float:
    """``count`` walks by ``phones`` phones at once; returns the wall seconds."""
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api),
        base_url="http://127.0.0.1:3000",
        cookies=jar,
        follow_redirects=False,
    ) as client:
        todo = list(range(count))

        async def phone() -> None:
            while todo:
                i = todo.pop()
                await walk(Phone(client, code, stats), random.Random(seed + i), i, (0.0, 0.0))

        started = time.perf_counter()
        await asyncio.gather(*(phone() for _ in range(phones)))
        return time.perf_counter() - started


def measure(api: Any, code: str, *, count: int, phones: int, seed: int) -> dict[str, Any]:
    _write_ms.clear()
    stats = Stats()
    seconds = asyncio.run(walks(api, code, count, phones, stats, seed))
    ms = stats.all_ms()
    return {
        "phones": phones,
        "requests": len(ms),
        "requests_per_s": round(len(ms) / seconds, 1),
        "mean_ms": round(sum(ms) / len(ms), 3),
        **percentiles(ms),
        "write_txn": percentiles(list(_write_ms)),
        "errors": sum(stats.errors.values()),
        "stale_answers": stats.stale,
    }


def top(stats: pstats.Stats, key: str, count: int) -> list[dict[str, Any]]:
    rows = []
    entries = stats.stats  # type: ignore[attr-defined]
    ordered = sorted(
        entries.items(), key=lambda item: item[1][2 if key == "tottime" else 3], reverse=True
    )
    root = str(Path(__file__).resolve().parent.parent)
    for (file, line, name), (_cc, calls, tottime, cumtime, _callers) in ordered[:count]:
        where = file.replace(root + "/", "").split("site-packages/")[-1]
        rows.append(
            {
                "function": f"{where}:{line}({name})",
                "calls": calls,
                "tottime_ms": round(tottime * 1000, 1),
                "cumtime_ms": round(cumtime * 1000, 1),
            }
        )
    return rows


def show(label: str, r: dict[str, Any]) -> None:
    w = r["write_txn"]
    print(
        f"  {label:34} {r['requests_per_s']:5.0f} req/s  p50 {r['p50_ms']:7.1f}  p95 "
        f"{r['p95_ms']:7.1f}  p99 {r['p99_ms']:7.1f} ms | write txn p50 {w['p50_ms']:6.1f}  "
        f"p95 {w['p95_ms']:7.1f}  p99 {w['p99_ms']:7.1f} ms"
    )


def main() -> None:
    load0 = os.getloadavg()[0]
    patch()
    with tempfile.TemporaryDirectory(prefix="medskapa-profile-") as tmp:
        server = BenchServer(Path(tmp), name="profile")
        try:
            code = server.prepare(task=TASK, success_step=SUCCESS_STEP)
        finally:
            server.close()
        settings = Settings(db_path=server.db, public_url="http://127.0.0.1:3000")

        # 1. the real thread pool, one phone and many
        pooled = create_api(settings)
        measure(pooled, code, count=WARMUP, phones=WARMUP, seed=1)
        concurrency: dict[str, Any] = {}
        print("with the thread pool (client in the same process):")
        for variant in ("baseline", "write-lock", "synchronous-normal"):
            _variant[0] = variant
            for phones, count in ((1, 10), (CONCURRENT, CONCURRENT)):
                result = measure(pooled, code, count=count, phones=phones, seed=2)
                concurrency[f"{variant}, {phones} phones"] = result
                show(f"{variant}, {phones} phones", result)
        _variant[0] = "baseline"

        # 2. one request at a time, the handler called directly
        run_inline()
        direct = create_api(settings)
        measure(direct, code, count=WARMUP, phones=1, seed=1)
        sequential: dict[str, Any] = {}
        print("one request at a time, no thread pool:")
        for variant in ("baseline", "keep-connection", "synchronous-normal"):
            _variant[0] = variant
            keeper = open_db(server.db, migrate=False) if variant == "keep-connection" else None
            result = measure(direct, code, count=WALKS, phones=1, seed=3)
            if keeper is not None:
                keeper.conn.close()
            sequential[variant] = result
            show(variant, result)
        _variant[0] = "baseline"

        # 3. where the baseline's time goes
        profiler = cProfile.Profile()
        stats = Stats()
        profiler.enable()
        asyncio.run(walks(direct, code, WALKS, 1, stats, seed=4))
        profiler.disable()
    profile = pstats.Stats(profiler, stream=io.StringIO())
    samples = stats.all_ms()
    result = {
        "walks": WALKS,
        "requests": len(samples),
        "note": "in-process, client included; compare variants with each other",
        **sequential["baseline"],
        "concurrency": concurrency,
        "sequential": sequential,
        "profiled_pages": stats.pages(),
        "top_tottime": top(profile, "tottime", TOP),
        "top_cumtime": top(profile, "cumtime", TOP),
        "errors": sum(r["errors"] for r in (*concurrency.values(), *sequential.values())),
        "load_before": round(load0, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    path = write_result("citizen-profile", result)
    print("most own time under cProfile (one request at a time):")
    for row in result["top_tottime"][:15]:
        print(f"  {row['tottime_ms']:9.1f} ms  {row['calls']:7}  {row['function']}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
