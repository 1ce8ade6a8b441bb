"""Daily housekeeping while the server runs: retention, abandoned tests, the write-ahead log.

The consent text promises testers that raw test data is kept no longer than the
organisation's retention period. :func:`run_housekeeping` keeps that promise without cron:
the designer app starts :func:`housekeeping_loop` as a lifespan task, which runs it shortly
after the server starts and then once a day. Each run

- deletes test sessions older than the retention period (:func:`feedback.purge_sessions`),
- marks tests idle for 30 minutes as abandoned (:func:`toolkit.results.refresh_abandoned`),
- checkpoints and truncates SQLite's write-ahead log, so erased rows do not linger in it.

Several server processes may share one database: a run is claimed in the database first
(``housekeeping.last_run``), so only one process does the work per interval.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlite_utils import Database

import feedback
from toolkit.db import get_retention_days
from toolkit.results import refresh_abandoned

log = logging.getLogger(__name__)

LAST_RUN_KEY = "housekeeping.last_run"
INTERVAL = dt.timedelta(days=1)
FIRST_DELAY_S = 30.0
"""Seconds after start before the first run, so a starting server answers phones first."""


@dataclass(frozen=True)
class Housekeeping:
    """What one run did."""

    purged: int
    abandoned: int
    retention_days: int
    ran_at: dt.datetime


def run_housekeeping(db: Database, *, now: dt.datetime) -> Housekeeping:
    """Purge sessions past retention, mark idle tests abandoned, truncate the WAL."""
    days = get_retention_days(db)
    purged = feedback.purge_sessions(db, before=now - dt.timedelta(days=days), now=now)
    abandoned = refresh_abandoned(db, now=now)
    try:
        db.execute("pragma wal_checkpoint(truncate)")
    except Exception:  # a busy reader keeps the log; the next run tries again
        log.warning("The write-ahead log could not be truncated now", exc_info=True)
    return Housekeeping(purged=purged, abandoned=abandoned, retention_days=days, ran_at=now)


def claim_run(db: Database, *, now: dt.datetime, interval: dt.timedelta = INTERVAL) -> bool:
    """Record that this process runs housekeeping now, unless a run happened within
    ``interval``. True when this process should run it (check and claim in one write)."""
    stamp = now.isoformat()
    earliest = (now - interval).isoformat()

    def work() -> bool:
        row = db.execute("select value from app_settings where key = ?", [LAST_RUN_KEY]).fetchone()
        if row is not None and str(row[0]) > earliest:
            return False
        db.execute(
            "insert into app_settings (key, value, updated_at) values (?, ?, ?) "
            "on conflict (key) do update set value = excluded.value, "
            "updated_at = excluded.updated_at",
            [LAST_RUN_KEY, stamp, stamp],
        )
        return True

    return feedback.store.write(db, work)


def last_run(db: Database) -> dt.datetime | None:
    """When housekeeping last ran (any process), or None."""
    row = db.execute("select value from app_settings where key = ?", [LAST_RUN_KEY]).fetchone()
    if row is None:
        return None
    try:
        return dt.datetime.fromisoformat(str(row[0]))
    except ValueError:
        return None


def _run_if_due(
    database: Callable[[], Database], moment: dt.datetime, interval: dt.timedelta
) -> Housekeeping | None:
    """In a worker thread, on a connection of its own: claim and run when due."""
    db = database()
    if not claim_run(db, now=moment, interval=interval):
        return None
    done = run_housekeeping(db, now=moment)
    log.info(
        "Housekeeping: %d sessions older than %d days removed, %d marked abandoned",
        done.purged,
        done.retention_days,
        done.abandoned,
    )
    return done


async def housekeeping_loop(
    database: Callable[[], Database],
    *,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    first_delay_s: float = FIRST_DELAY_S,
    check_every_s: float = 3600.0,
    interval: dt.timedelta = INTERVAL,
    max_runs: int | None = None,
) -> int:
    """Run housekeeping once per ``interval`` until cancelled; returns the runs it did
    (only reached with ``max_runs``, which tests use). ``database`` opens a connection
    for the worker thread a run happens in. Looks every ``check_every_s`` whether
    a run is due, so a server asleep overnight catches up. Errors are logged, never raised:
    housekeeping must not stop the server."""
    runs = 0
    await asyncio.sleep(first_delay_s)
    while max_runs is None or runs < max_runs:
        try:
            await asyncio.to_thread(_run_if_due, database, clock(), interval)
        except Exception:
            log.exception("Housekeeping failed; it is tried again later")
        runs += 1
        if max_runs is not None and runs >= max_runs:
            break
        await asyncio.sleep(check_every_s)
    return runs


__all__ = [
    "Housekeeping",
    "claim_run",
    "housekeeping_loop",
    "last_run",
    "run_housekeeping",
]
