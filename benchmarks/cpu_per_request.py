"""Server CPU milliseconds per request, page by page: a figure that does not depend on how
busy the machine is (issue 9).

Latency under load mixes our cost with everyone else's work on a shared 2-core machine;
the CPU time the server's processes used, divided by the requests they answered, does not.
Starts its own server on 127.0.0.1 (``benchmarks/_server.py``), warms it up, then sends a
fixed number of requests of each kind (a few at a time, never more than the server can
take) and reads the CPU time of the server's whole process tree before and after.

    .venv/bin/python benchmarks/cpu_per_request.py                 # every kind, ~1 min
    .venv/bin/python benchmarks/cpu_per_request.py --spy walk      # and a py-spy profile

``--spy KIND`` records the server with py-spy (a dev dependency) while that kind runs and
prints the functions with the most own and inclusive samples; the raw stacks go to
``test-artifacts/cpu-profile-<kind>.txt`` (collapsed, one stack per line). Writes
``benchmarks/results/cpu-per-request.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _http
from benchmarks._common import RESULTS, percentiles, write_result
from benchmarks._server import BenchServer
from benchmarks.load_citizen import (
    SUCCESS_STEP,
    TASK,
    Client,
    Phone,
    Stats,
    clients,
    ready_phones,
    walk,
)

CONCURRENCY = 4
"""Requests in flight at once: enough to keep one server busy, few enough that none wait
long (CPU per request grows a little when a thread pool has to juggle many)."""


def server_cpu(server: BenchServer) -> float:
    return server.usage()["cpu_s"]


async def measure(
    server: BenchServer,
    kind: str,
    count: int,
    one: Callable[[int], Awaitable[int]],
    *,
    spy: str | None,
) -> dict[str, Any]:
    """Run ``one(i)`` for i < count, CONCURRENCY at a time; ``one`` returns the requests it
    sent. CPU ms per request from the server's process tree."""
    todo = list(range(count))
    requests = 0
    spied = start_spy(server, kind) if spy == kind else None

    async def worker() -> None:
        nonlocal requests
        while todo:
            sent = await one(todo.pop())
            requests += sent

    cpu0, wall0, own0 = server_cpu(server), time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    own1, cpu1, wall1 = time.process_time(), server_cpu(server), time.perf_counter()
    if spied is not None:
        stop_spy(spied, kind)
    cpu_ms = (cpu1 - cpu0) * 1000
    return {
        "kind": kind,
        "requests": requests,
        "seconds": round(wall1 - wall0, 2),
        "requests_per_s": round(requests / (wall1 - wall0), 1),
        "server_cpu_ms_per_request": round(cpu_ms / max(1, requests), 3),
        "server_cpu_pct": round((cpu1 - cpu0) / (wall1 - wall0) * 100, 1),
        # this process: the load generator, what sending and reading the requests cost
        "generator_cpu_s": round(own1 - own0, 4),
        "generator_cpu_ms_per_request": round((own1 - own0) * 1000 / max(1, requests), 3),
    }


def start_spy(server: BenchServer, kind: str) -> tuple[subprocess.Popen[bytes], Path]:
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
    out = RESULTS.parent.parent / "test-artifacts" / f"cpu-profile-{kind}.txt"  # git-ignored
    out.parent.mkdir(exist_ok=True)
    top = server.processes()[0].pid
    flags = os.environ.get("SPY_FLAGS", "--gil").split()  # --gil: Python CPU only
    command = [spy, "record", "--pid", str(top), "--subprocesses", *flags, "--format", "raw"]
    command += ["--rate", "500", "--output", str(out), "--nonblocking"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches
    return process, out


def stop_spy(spied: tuple[subprocess.Popen[bytes], Path], kind: str) -> None:
    process, out = spied
    process.send_signal(2)  # SIGINT: py-spy writes its file and stops
    process.wait(timeout=60)
    show_profile(out)


def show_profile(path: Path, count: int = 30) -> None:
    """The functions with the most own and inclusive samples in a collapsed-stack file."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        samples = int(n)
        frames = [f.split(" (", 1)[0] + " " + _where(f) for f in stack.split(";")]
        if frames and frames[0].startswith("process"):
            frames = frames[1:]
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    print(f"py-spy: {total} samples in {path}")
    print("  most own time:")
    for frame, n in own.most_common(count):
        print(f"    {n / total * 100:5.1f} %  {frame}")
    print("  most inclusive time:")
    for frame, n in inclusive.most_common(count):
        print(f"    {n / total * 100:5.1f} %  {frame}")


def _where(frame: str) -> str:
    inside = frame.split(" (", 1)[1].rstrip(")") if " (" in frame else ""
    return inside.split("site-packages/")[-1].replace(str(Path.cwd()) + "/", "")


async def kinds(server: BenchServer, client: Client, count: int, spy: str | None) -> list[Any]:
    code = server.code
    out = []
    stats = Stats()

    async def health(_i: int) -> int:
        await client.get("/api/health")
        return 1

    async def ping(_i: int) -> int:
        await client.get("/ping")
        return 1

    async def welcome(_i: int) -> int:
        await Phone(client, code, stats).get("", "GET welcome")
        return 1

    async def consent(_i: int) -> int:
        await Phone(client, code, stats).consent()
        return 2

    async def walks(i: int) -> int:
        own = Stats()
        await walk(Phone(client, code, own), random.Random(i), i, (0.0, 0.0))
        stats.errors.update(own.errors)
        for page, samples in own.latencies.items():
            stats.latencies[page] += samples
        return len(own.all_ms())

    phones = await ready_phones(client, server, CONCURRENCY * 2, to_summary=True, seed=5)

    async def step_get(i: int) -> int:
        await phones[i % len(phones)].get("/s/gangformaga", "GET s/gangformaga")
        return 1

    async def submit(i: int) -> int:
        phone = phones[i % len(phones)]
        await phone.request(
            "POST",
            "/s/gangformaga",
            "POST s/gangformaga",
            data={"csrf": phone.csrf, "gangstracka": str(i), "hjalpmedel": ["Rollator"]},
            expect=(303,),
        )
        return 1

    async def rating(i: int) -> int:
        await phones[i % len(phones)].rate("ska-du-kora", 1 + i % 5, str(uuid.uuid4()))
        return 1

    plan: list[tuple[str, int, Callable[[int], Awaitable[int]]]] = [
        ("ping", count, ping),
        ("health", count, health),
        ("welcome", count, welcome),
        ("consent", count // 2, consent),
        ("step_get", count, step_get),
        ("submit", count, submit),
        ("feedback", count, rating),
        ("walk", max(1, count // 40), walks),
    ]
    plan += await workshop_kinds(server, client, count, stats)
    for kind, n, one in plan:
        out.append(await measure(server, kind, n, one, spy=spy))
        row = out[-1]
        print(
            f"  {kind:9} {row['requests']:5} requests  {row['server_cpu_ms_per_request']:6.2f} "
            f"ms CPU each  ({row['requests_per_s']:.0f}/s, server {row['server_cpu_pct']:.0f} %; "
            f"generator {row['generator_cpu_ms_per_request']:.2f} ms each)",
            flush=True,
        )
    errors = sum(stats.errors.values())
    if errors:
        print(f"  errors: {dict(stats.errors.most_common(5))}")
    return [out, errors, stats]


async def workshop_kinds(
    server: BenchServer, client: Client, count: int, stats: Stats
) -> list[tuple[str, int, Callable[[int], Awaitable[int]]]]:
    """Participant pages: joining (three requests), the state every phone polls every 3 s,
    and a vote taken back again (so the limit never stops it), in a fresh workshop."""
    from benchmarks import load_workshop as lw

    _id, code, _steps = lw.make_workshop(server, server.version, "cpu")
    tally = lw.Tally(errors=stats.errors)  # errors counted with the citizen pages'
    joined = 0

    async def join(_i: int) -> int:
        nonlocal joined
        await lw.Participant(client, code, 10_000 + joined).join(tally)
        joined += 1
        return 3

    seated = lw.Participant(client, code, 1)
    await seated.join(tally)
    target = seated.targets[0]

    async def state(_i: int) -> int:
        await seated.request(tally, "GET", "/state", "GET state", json_answer=True)
        return 1

    async def vote(i: int) -> int:
        action = "/vote" if i % 2 == 0 else "/unvote"
        data = {"csrf": seated.csrf, "id": str(uuid.uuid4()), "step_id": target}
        await seated.request(
            tally, "POST", action, "POST vote", data=data, json_answer=True, expect=(200, 409)
        )
        return 1

    return [
        ("w_join", max(1, count // 3), join),
        ("w_state", count, state),
        ("w_vote", count, vote),
    ]


async def run(server: BenchServer, count: int, spy: str | None) -> dict[str, Any]:
    async with clients(server.url, connections=CONCURRENCY * 2) as client:
        # warm-up: templates compiled, journeys parsed, thread pool started
        await kinds(server, client, 40, None)
        idle0 = server_cpu(server)
        await asyncio.sleep(2.0)
        idle_ms_per_s = (server_cpu(server) - idle0) * 1000 / 2.0
        print(f"idle: {idle_ms_per_s:.1f} ms CPU per second")
        print(f"{count} requests of each kind, {CONCURRENCY} at a time:")
        rows, errors, stats = await kinds(server, client, count, spy)
    return {
        "rows": rows,
        "errors": errors,
        "idle_cpu_ms_per_s": round(idle_ms_per_s, 2),
        "latency": percentiles(stats.all_ms()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=400, help="requests of each kind")
    parser.add_argument("--spy", help="profile this kind with py-spy (walk, submit, ...)")
    parser.add_argument("--label", default="", help="a note stored with the result")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load0 = os.getloadavg()[0]
    with (
        tempfile.TemporaryDirectory(prefix="medskapa-cpu-") as tmp,
        BenchServer(Path(tmp), name="cpu") as server,
    ):
        server.prepare(task=TASK, success_step=SUCCESS_STEP)
        started = server.start()
        print(f"server up on {server.url} in {started:.1f} s ({len(server.processes())} processes)")
        result = _http.run(run(server, min(max(args.count, 40), 5000), args.spy))
        rss = server.usage()["rss_mib"]
    rows = result["rows"]
    walk_row = next(r for r in rows if r["kind"] == "walk")
    payload = {
        "label": args.label,
        "requests": sum(r["requests"] for r in rows),
        "concurrency": CONCURRENCY,
        "server_cpu_ms_per_request": {r["kind"]: r["server_cpu_ms_per_request"] for r in rows},
        "walk_cpu_ms_per_request": walk_row["server_cpu_ms_per_request"],
        "generator_cpu_ms_per_request": round(
            sum(r["generator_cpu_s"] for r in rows)
            * 1000
            / max(1, sum(r["requests"] for r in rows)),
            3,
        ),
        "generator_cpu_ms_per_request_by_kind": {
            r["kind"]: r["generator_cpu_ms_per_request"] for r in rows
        },
        **result["latency"],
        "errors": result["errors"],
        "sent": None,
        "stored": None,
        "lost": None,
        "duplicated": None,
        "rss_mib": round(rss, 1),
        "idle_cpu_ms_per_s": result["idle_cpu_ms_per_s"],
        "kinds": rows,
        "load_before": round(load0, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    if not args.no_write:
        print(f"wrote {write_result('cpu-per-request', payload)}")


if __name__ == "__main__":
    main()
