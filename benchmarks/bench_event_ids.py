"""Storing a submit's events with random (version 4) against time-ordered (version 7) ids.

The server makes the ids of the events it stores (``toolkit.web.pages.new_ids``). This
benchmark stores the three events of a screen submit (``feedback.record_events``, one
transaction each, on a pooled connection as the server uses it) on a database that already
holds tens of thousands of events, in alternating rounds with ids of each kind, and
reports the time per submit and the log frames each commit writes, and the ratio.

Run with ``make bench``. Writes ``benchmarks/results/event-ids.json``. In one process, with
the two kinds alternating, so that the machine's swings fall on both alike.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import feedback
from benchmarks._common import percentiles, write_result
from journeys import read_text
from journeys.store import save_journey
from prototypes import create_share_link, publish_version
from toolkit.db import ConnectionPool, open_db
from toolkit.web.pages import new_ids

EXAMPLE = (
    Path(__file__).resolve().parent.parent / "journeys" / "examples" / "parkeringstillstand.yaml"
)

SESSIONS = 300
EXISTING = 60_000
"""Events stored before the rounds (random ids, as phones' outboxes make them)."""
SUBMITS = 2_000
ROUNDS = 3
FRAME = 24 + 4096
"""One frame of the write-ahead log: its header and one 4 KB page."""

IdMaker = Callable[[int], list[str]]


def random_ids(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


def prepare(folder: Path, existing: int) -> tuple[Path, list[str]]:
    """A database with the parking permit example published and shared, ``SESSIONS`` open
    sessions and ``existing`` events."""
    path = folder / "medskapa.db"
    db = open_db(path)
    source = EXAMPLE.read_text(encoding="utf-8")
    journey = read_text(source).journey
    assert journey is not None
    now = dt.datetime.now(dt.UTC)
    save_journey(db, journey, source=source, author="bench", now=now)
    version = publish_version(db, journey.id, note="bench", author="bench", now=now)
    link = create_share_link(db, version.id, label="bench", created_by="bench", now=now)
    sessions = [
        feedback.start_session(
            db,
            share_code=link.code,
            version_id=version.id,
            journey_id=journey.id,
            age_band="30-49",
            allow_under_13=False,
            user_agent="bench",
            now=now,
        ).id
        for _ in range(SESSIONS)
    ]
    for first in range(0, existing // 3, 500):
        feedback.record_events(
            db,
            [
                event
                for n in range(first, min(first + 500, existing // 3))
                for event in submit_events(sessions[n % SESSIONS], random_ids(3), now)
            ],
        )
    db.conn.close()
    return path, sessions


def submit_events(session: str, ids: list[str], now: dt.datetime) -> list[feedback.Event]:
    """The three events of a submit of the walking-distance screen."""
    shapes = [
        (None, {"ok": True, "errors": 0}),
        ("gangstracka", {"status": "answered"}),
        ("hjalpmedel", {"status": "answered", "option": "Rollator"}),
    ]
    return [
        feedback.Event.ours(
            id=event_id,
            session_id=session,
            kind="submitted",
            step_id="gangformaga",
            field_id=field,
            detail=detail,
            at=now,
        )
        for event_id, (field, detail) in zip(ids, shapes, strict=True)
    ]


def one_round(path: Path, sessions: list[str], make: IdMaker, submits: int) -> dict[str, float]:
    """``submits`` submits' events, one transaction each: ms per submit, frames per commit."""
    pool = ConnectionPool(path)
    wal = Path(f"{path}-wal")
    samples: list[float] = []
    try:
        with pool.connection() as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            before = wal.stat().st_size if wal.exists() else 0
            for n in range(submits):
                events = submit_events(sessions[n % SESSIONS], make(3), dt.datetime.now(dt.UTC))
                started = time.perf_counter()
                feedback.record_events(db, events)
                samples.append((time.perf_counter() - started) * 1000)
            written = (wal.stat().st_size if wal.exists() else 0) - before
    finally:
        pool.close()
    return {
        "ms_per_submit": statistics.fmean(samples),
        "frames_per_commit": written / FRAME / submits,
        **percentiles(samples),
    }


def main(*, existing: int = EXISTING, submits: int = SUBMITS, rounds: int = ROUNDS) -> dict:
    kinds: dict[str, IdMaker] = {"version_4": random_ids, "version_7": new_ids}
    with tempfile.TemporaryDirectory() as folder:
        path, sessions = prepare(Path(folder), existing)
        one_round(path, sessions, new_ids, min(submits, 300))  # warm-up
        runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
        for _ in range(rounds):
            for kind, make in kinds.items():
                runs[kind].append(one_round(path, sessions, make, submits))
        db = open_db(path, migrate=False)
        stored = db.execute("select count(*) from events").fetchone()[0]
        db.conn.close()
    sent = existing // 3 * 3 + 3 * submits * rounds * len(kinds) + 3 * min(submits, 300)
    mean = {
        kind: {
            key: round(statistics.fmean(r[key] for r in rs), 4)
            for key in ("ms_per_submit", "frames_per_commit")
        }
        for kind, rs in runs.items()
    }
    result = {
        "events": existing,
        "submits_per_round": submits,
        "rounds": rounds,
        "runs": runs,
        "mean": mean,
        "ratio_v7_to_v4": {
            key: round(mean["version_7"][key] / mean["version_4"][key], 3)
            for key in ("ms_per_submit", "frames_per_commit")
        },
        **{key: runs["version_7"][-1][key] for key in ("p50_ms", "p95_ms", "p99_ms")},
        "sent": sent,
        "stored": stored,
        "lost": sent - stored,
        "duplicated": 0 if stored <= sent else stored - sent,
        "errors": 0,
    }
    return result


if __name__ == "__main__":
    outcome = main()
    path = write_result("event-ids", outcome)
    for kind, figures in outcome["mean"].items():
        print(
            f"{kind}: {figures['ms_per_submit']:.3f} ms per submit, "
            f"{figures['frames_per_commit']:.2f} log frames per commit"
        )
    print(f"ratio version 7 / version 4: {outcome['ratio_v7_to_v4']}")
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
