"""Step metrics of one version with a million events; they should take well under 100 ms.

Run with ``make bench`` (or ``python benchmarks/bench_metrics.py [--big] [--events N]``).
Writes ``benchmarks/results/metrics-1m-events.json`` (``--big``: ten million,
``metrics-10m-events.json``). Times are percentiles of repeated calls in one process, never
asserted in tests.

The data: the parking permit example published once, three share links, and simulated
testers walking the journey's planned paths (random answers) with validation errors, back
links, drop-offs, ratings, SEQ and SUS, written straight into a temporary database with
``executemany`` in batches, as the tester pages' outbox would leave it. One event in a
hundred is sent twice (a retried outbox), so ``sent`` counts what was sent and ``stored``
what the database kept. Every timed call is checked against a tally kept while generating:
``errors`` counts calls whose figures disagree with it, or that failed.

Two situations are timed: nothing new since the last call (a designer's page refreshing;
``p50_ms`` ... of the last run), and ``after_one_new_event`` (a tester sent one event through
:func:`feedback.record_event` before each call, so the call derives that session again and
retakes the medians it changed). ``derive_all_s`` is the one-off cost of deriving every
session after the bulk load, which live testing never pays at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlite_utils import Database

from benchmarks._common import percentiles, write_result
from feedback import (
    AGE_BANDS,
    Event,
    deviations,
    funnel,
    record_event,
    refresh_metrics,
    step_metrics,
    sus_score,
    version_summary,
)
from journeys import FieldType, Journey, ScreenStep, read_text
from journeys.store import save_journey
from prototypes import ShareLink, Version, create_share_link, planned_path, publish_version
from toolkit.db import open_db

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "journeys" / "examples" / "parkeringstillstand.yaml"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
BATCH = 50_000
WARMUP = 1
RUNS = 2
REPEATS = 30
SEED = 6


def _uuid(rng: random.Random) -> str:
    """A UUID-shaped random id, much faster to make than uuid.uuid4()."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def _answers(journey: Journey, rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for step in journey.steps:
        for f in getattr(step, "fields", []):
            options = f.option_values()
            if f.type == FieldType.number:
                answers[f.id] = str(rng.choice([50, 150, 300, 600]))
            elif f.type == FieldType.checkboxes and options:
                answers[f.id] = [rng.choice(options)]
            elif options:
                answers[f.id] = rng.choice(options)
            elif f.type == FieldType.yesno:
                answers[f.id] = rng.choice(["Ja", "Nej"])
            else:
                answers[f.id] = "x"
    return answers


class Generator:
    """Testers walking the example, written in batches; keeps the tally to check against."""

    def __init__(self, db: Any, journey: Journey, version_id: str, codes: list[str]) -> None:
        self.db = db
        self.journey = journey
        self.version_id = version_id
        self.codes = codes
        self.rng = random.Random(SEED)
        self.paths = [planned_path(journey, _answers(journey, self.rng)) for _ in range(300)]
        self.fields = {
            s.id: [(f.id, f.label) for f in s.fields] if isinstance(s, ScreenStep) else []
            for s in journey.steps
        }
        self.sent = 0
        self.resent = 0
        self.sessions = 0
        self.reached: Counter[str] = Counter()
        self.events: list[tuple[Any, ...]] = []
        self.rows: dict[str, list[tuple[Any, ...]]] = {
            "test_sessions": [],
            "ratings": [],
            "seq_answers": [],
            "sus_answers": [],
        }

    def session(self, limit: int) -> None:
        rng = self.rng
        self.sessions += 1
        session_id = _uuid(rng)
        code = rng.choice(self.codes)
        start = T0 + dt.timedelta(seconds=self.sessions * 7)
        clock = start
        events: list[tuple[Any, ...]] = []

        def event(kind: str, step_id: str | None, field_id: str | None, detail: str) -> None:
            events.append(
                (
                    _uuid(rng),
                    session_id,
                    self.version_id,
                    self.journey.id,
                    code,
                    kind,
                    step_id,
                    field_id,
                    detail,
                    clock.isoformat(timespec="microseconds"),
                )
            )

        path = rng.choice(self.paths)
        seen: set[str] = set()
        outcome = "completed"
        i = 0
        while i < len(path):
            step_id = path[i]
            event("screen_viewed", step_id, None, "{}")
            seen.add(step_id)
            clock += dt.timedelta(seconds=rng.expovariate(1 / 20))
            if rng.random() < 0.03:
                event("abandoned", step_id, None, '{"by":"tester"}')
                outcome = "abandoned"
                break
            for field_id, label in self.fields[step_id]:
                if rng.random() < 0.1:
                    event("submitted", step_id, None, '{"ok":false,"errors":1}')
                    message = json.dumps(
                        {"status": "error", "message": f"Svara på frågan: {label}"},
                        ensure_ascii=False,
                        separators=(",", ":"),
                    )
                    event("validation_error", step_id, field_id, message)
                    clock += dt.timedelta(seconds=rng.expovariate(1 / 10))
            if i > 0 and rng.random() < 0.04:
                event("back", step_id, None, json.dumps({"to": path[i - 1]}))
                clock += dt.timedelta(seconds=1)
                i -= 1
                continue
            event("submitted", step_id, None, '{"ok":true}')
            for field_id, _label in self.fields[step_id]:
                event("submitted", step_id, field_id, '{"status":"filled"}')
            i += 1
        else:
            event("completed", path[-1], None, '{"task_success":true}')
        if self.sent + len(events) > limit:  # the last session is cut short: still open
            events = events[: limit - self.sent]
            seen = {e[6] for e in events if e[5] == "screen_viewed"}
            outcome = None
            clock = dt.datetime.fromisoformat(events[-1][-1]) if events else start
        self.reached.update(seen)
        stamp = start.isoformat(timespec="microseconds")
        end = clock.isoformat(timespec="microseconds")
        done = outcome == "completed"
        self.rows["test_sessions"].append(
            (
                session_id,
                code,
                self.version_id,
                self.journey.id,
                stamp,
                rng.choice(AGE_BANDS[1:]),
                rng.choice(["phone", "phone", "phone", "tablet", "desktop"]),
                stamp,
                end if done else None,
                outcome,
                (1 if "skickad" in seen else 0) if done else None,
                f"W{self.sessions:011d}",
                end,
            )
        )
        if rng.random() < 0.2:
            self.rows["ratings"].append(
                (_uuid(rng), session_id, self.version_id, rng.choice(sorted(seen)),
                 rng.randint(1, 5), end)
            )  # fmt: skip
        if done and rng.random() < 0.3:
            self.rows["seq_answers"].append(
                (_uuid(rng), session_id, self.version_id, None, rng.randint(1, 7), end)
            )
        if done and rng.random() < 0.1:
            answers = [rng.randint(1, 5) for _ in range(10)]
            self.rows["sus_answers"].append(
                (_uuid(rng), session_id, self.version_id, json.dumps(answers),
                 sus_score(answers), end)
            )  # fmt: skip
        self.sent += len(events)
        retried = [e for e in events if rng.random() < 0.01]
        self.resent += len(retried)
        self.events.extend(events + retried)

    def flush(self) -> None:
        with self.db.conn:
            for table, rows in self.rows.items():
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    self.db.conn.executemany(f"insert into {table} values ({marks})", rows)
                    rows.clear()
            self.db.conn.executemany(
                "insert or ignore into events (id, session_id, version_id, journey_id, "
                "share_code, kind, step_id, field_id, detail, at) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self.events,
            )
            self.events.clear()

    def run(self, target: int) -> None:
        while self.sent < target:
            self.session(target)
            if len(self.events) >= BATCH:
                self.flush()
        self.flush()


def timed(call: Any, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def publish_with_links(
    db: Database,
) -> tuple[Journey, Version, list[ShareLink], random.Random]:
    """The parking permit example published once, with three share links (Grupp 1-3), and
    the seeded random source the links were made with (generation goes on from it)."""
    source = EXAMPLE.read_text(encoding="utf-8")
    journey = read_text(source).journey
    assert journey is not None
    save_journey(db, journey, source=source, author="bench", now=T0)
    version = publish_version(db, journey.id, note="bench", author="bench", now=T0)
    rng = random.Random(SEED)
    links = [
        create_share_link(
            db,
            version.id,
            label=f"Grupp {n}",
            task="Ansök om parkeringstillstånd.",
            success_step="skickad",
            created_by="bench",
            now=T0,
            rng=rng,
        )
        for n in range(1, 4)
    ]
    return journey, version, links, rng


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--big", action="store_true", help="ten million events")
    parser.add_argument("--events", type=int, help="another number of events (a quick try)")
    args = parser.parse_args()
    target = args.events or (10_000_000 if args.big else 1_000_000)
    name = f"metrics-{target // 1_000_000}m-events" if target % 1_000_000 == 0 else None
    name = name or f"metrics-{target}-events"

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="medskapa-bench-") as tmp:
        db = open_db(Path(tmp) / "bench.db")
        journey, version, links, rng = publish_with_links(db)

        started = time.perf_counter()
        generator = Generator(db, journey, version.id, [link.code for link in links])
        generator.run(target)
        generate_s = time.perf_counter() - started
        stored, distinct = db.execute(
            "select count(*), count(distinct id) from events where version_id = ?", [version.id]
        ).fetchone()
        print(
            f"generated {generator.sessions} sessions, {stored} events in {generate_s:.1f} s",
            flush=True,
        )

        started = time.perf_counter()
        derived = refresh_metrics(db)
        derive_s = time.perf_counter() - started
        print(f"derived the metrics of {derived} sessions in {derive_s:.1f} s", flush=True)

        errors = 0

        def check() -> None:
            nonlocal errors
            try:
                figures = step_metrics(db, version_id=version.id)
            except Exception as exc:  # a failed call is an error, not the end of the run
                print(f"step_metrics failed: {exc!r}", file=sys.stderr)
                errors += 1
                return
            got = {m.step_id: m.reached for m in figures if m.reached}
            if got != dict(generator.reached):
                errors += 1

        runs = []
        for run in range(WARMUP + RUNS):
            samples = timed(check, REPEATS)
            if run >= WARMUP:
                runs.append({"repeats": REPEATS, **percentiles(samples)})
                print(
                    f"step_metrics {target:,} events, run {len(runs)}: "
                    f"p50 {runs[-1]['p50_ms']:.1f} ms, p95 {runs[-1]['p95_ms']:.1f} ms",
                    flush=True,
                )

        # Live: a tester sends one event (through the real write path) before each call, so
        # each call derives that session again and retakes the medians that changed.
        pool = db.execute(
            "select session_id, last_step from metrics_sessions where last_step is not null "
            "order by session_id limit 1000"
        ).fetchall()
        moment = T0 + dt.timedelta(days=30)

        def one_event() -> None:
            nonlocal moment
            session_id, step_id = rng.choice(pool)
            moment += dt.timedelta(seconds=1)
            record_event(
                db,
                Event(
                    id=_uuid(rng),
                    session_id=session_id,
                    kind="screen_viewed",
                    step_id=step_id,
                    at=moment,
                ),
            )

        live_samples = []
        for _ in range(REPEATS):
            one_event()
            live_samples += timed(check, 1)
        live = percentiles(live_samples)
        print(
            f"after one new event: p50 {live['p50_ms']:.1f} ms, p95 {live['p95_ms']:.1f} ms",
            flush=True,
        )

        link = links[0]
        filtered = percentiles(
            timed(
                lambda: step_metrics(
                    db, version_id=version.id, share_code=link.code, age_band="16-17"
                ),
                REPEATS,
            )
        )
        others = {
            "version_summary": lambda: version_summary(db, version_id=version.id),
            "funnel": lambda: funnel(db, version_id=version.id),
            "deviations": lambda: deviations(db, version_id=version.id),
        }
        other_ms = {
            key: round(statistics.median(timed(call, 5)), 1) for key, call in others.items()
        }
        db.conn.close()

    result = {
        "events": target,
        "sessions": generator.sessions,
        "steps": len(journey.steps),
        "sent": generator.sent,
        "resent": generator.resent,
        "stored": stored,
        "lost": generator.sent - stored,
        "duplicated": stored - distinct,
        "errors": errors,
        "generate_s": round(generate_s, 1),
        "derive_all_s": round(derive_s, 1),
        "runs": runs,
        **runs[-1],
        "after_one_new_event": live,
        "filtered_by_link_and_age": filtered,
        "other_p50_ms": other_ms,
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }
    path = write_result(name, result)
    print(f"filtered by link and age band: p50 {filtered['p50_ms']:.1f} ms")
    print("median of five: " + ", ".join(f"{k} {v:.0f} ms" for k, v in other_ms.items()))
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
