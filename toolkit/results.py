"""Before results are read: sessions idle for a while count as abandoned.

A phone that stops mid-test sends nothing, so "abandoned" is inferred from inactivity. The
toolkit does it whenever results are read (the insights page, exports, the report, the open
data API), which keeps the numbers right without a scheduler.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

import feedback

ABANDON_AFTER = dt.timedelta(minutes=30)
"""A test with no activity for this long is counted as abandoned (it reopens if they return)."""


def refresh_abandoned(db: Database, *, now: dt.datetime) -> int:
    """Mark sessions idle longer than :data:`ABANDON_AFTER` as abandoned; returns how many."""
    return feedback.mark_abandoned(db, idle=ABANDON_AFTER, now=now)
