"""kill -9 the server in the middle of a feedback burst: is anything lost or stored twice?

Starts its own server on 127.0.0.1 (``benchmarks/_server.py``), gives consent on a few
dozen phones, then gives ratings at a fixed rate (open loop), each with its own client UUID,
into the phones' outboxes. Every phone sends like ``outbox.js``: one rating at a time, in
order, and on a connection error, a timeout, a 5xx or a 429 it waits (0.1 s, doubling up
to 2 s: faster than outbox.js, to keep the run short) and sends the same rating again, for
at most a bounded number of attempts and seconds. A few seconds into the burst the server's
whole process group gets SIGKILL (only the group this script started) and is started again
at once; the phones keep retrying through the outage. Afterwards the ratings are counted in
the server's sqlite file.

The data safety rule says the server answers only after the commit and stores each id once,
so: lost (acknowledged but not in the database) must be 0, duplicated must be 0, and every
rating must be stored once the server is back. Figures are reported, not asserted.

Writes ``benchmarks/results/kill9.json``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _http
from benchmarks._common import percentiles, write_result
from benchmarks._server import BenchServer
from benchmarks.load_citizen import (
    FEEDBACK_STEPS,
    SUCCESS_STEP,
    TASK,
    clients,
    count_ratings,
    outboxes,
    ready_phones,
)

ATTEMPTS = 40
PATIENCE_S = 120.0
"""A rating is given up after this many attempts or seconds (the restart takes ~10 s)."""


async def burst(
    server: BenchServer, *, sessions: int, rate: float, events: int, kill_after: float, seed: int
) -> dict[str, Any]:
    async with clients(server.url, connections=200) as client:
        phones = await ready_phones(client, server, sessions, to_summary=False, seed=seed)
        mine = {str(r[0]) for r in server.query("select id from test_sessions")}
        rng = random.Random(seed)
        plan = [
            (i % sessions, rng.choice(FEEDBACK_STEPS), rng.randint(1, 5), str(uuid.uuid4()))
            for i in range(events)
        ]
        outage: dict[str, float] = {}

        def kill_and_restart() -> None:
            """In a thread of its own, with its own clock."""
            time.sleep(kill_after)
            outage["killed"] = time.monotonic()
            server.kill9()
            outage["restart_s"] = server.start()
            outage["up"] = time.monotonic()

        started_at = time.monotonic()
        killer = threading.Thread(target=kill_and_restart, name="kill9", daemon=True)
        killer.start()
        sent = await outboxes(
            phones,
            plan,
            rate=rate,
            resend=set(),
            attempts=ATTEMPTS,
            patience_s=PATIENCE_S,
            limit_s=PATIENCE_S + 180,
        )
        killer.join(timeout=120)
        if "up" not in outage:
            raise RuntimeError("the server did not come back after kill -9")
    stored_ids, rows = count_ratings(server, mine)
    sent_ids = {p[3] for p in plan}
    stored = len(sent_ids & set(stored_ids))
    return {
        "sessions": sessions,
        "offered_rate_per_s": rate,
        "sent": events,
        "acknowledged": len(sent.acked),
        "stored": stored,
        "lost": len(sent.acked - set(stored_ids)),
        "never_acknowledged": len(sent_ids - sent.acked),
        "duplicated": rows - stored,
        "phones_unfinished": sent.unfinished,
        "attempts": sent.attempts,
        "retried_events": sent.retried,
        "retried_but_already_stored": sent.retried_but_already_stored,
        "killed_at_s": round(outage["killed"] - started_at, 2),
        "restart_s": round(outage["restart_s"], 2),
        "down_s": round(outage["up"] - outage["killed"], 2),
        "seconds": round(sent.seconds, 2),
        **percentiles(sent.stats.latencies["POST feedback"]),
        "rss_mib": round(server.usage()["rss_mib"], 1),
        "given_to_stored": percentiles(sent.delivery_ms),
        "error_kinds": dict(sent.stats.errors.most_common(10)),
        "errors": len(sent_ids - sent.acked),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--kill-after", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    events = max(1, min(args.events, 50_000))
    with (
        tempfile.TemporaryDirectory(prefix="medskapa-kill9-") as tmp,
        BenchServer(Path(tmp), name="kill9") as server,
    ):
        server.prepare(task=TASK, success_step=SUCCESS_STEP)
        server.start()
        print(
            f"server up on {server.url}; {events} ratings at {args.rate:.0f}/s, "
            f"kill -9 after {args.kill_after:.1f} s",
            flush=True,
        )
        load0 = os.getloadavg()[0]
        result = _http.run(
            burst(
                server,
                sessions=args.sessions,
                rate=args.rate,
                events=events,
                kill_after=args.kill_after,
                seed=args.seed,
            )
        )
        result["load_before"] = round(load0, 2)
        result["load_after"] = round(os.getloadavg()[0], 2)
    path = write_result("kill9", result)
    print(
        f"killed at {result['killed_at_s']:.1f} s, serving again after {result['down_s']:.1f} s; "
        f"sent {result['sent']}, acknowledged {result['acknowledged']}, stored "
        f"{result['stored']}, lost {result['lost']}, duplicated {result['duplicated']}, never "
        f"acknowledged {result['never_acknowledged']}; {result['retried_events']} ratings "
        f"needed a retry; feedback posts p50 {result['p50_ms']:.0f} p95 {result['p95_ms']:.0f} "
        f"ms; RSS after the restart {result['rss_mib']:.0f} MiB"
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
