"""Retention: raw test sessions are kept for a limited time, then purged.

Each organisation keeps test data only as long as its retention period says (the toolkit
stores it as the app setting ``retention.days``). :func:`purge_sessions` deletes every
session that started before a moment, with all of its rows (events, ratings, comments and
their moderation, SEQ and SUS answers, and the derived metrics rows, which the triggers of
:mod:`feedback.store` take away). Running it again deletes nothing twice, so it is safe to
run daily from cron.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from feedback.store import SESSION_TABLES, FeedbackError, stamp, write

PURGE_BATCH = 200
"""Sessions deleted per transaction, so testers' writes never wait long."""


def purge_sessions(
    db: Database, *, before: dt.datetime, now: dt.datetime, batch: int = PURGE_BATCH
) -> int:
    """Delete every test session that started before ``before``, with all its rows.

    Returns how many sessions were deleted. ``before`` later than ``now`` is refused with
    :class:`FeedbackError` (it would delete sessions still being tested). Erased rows are
    overwritten in the file (``secure_delete``), as for a withdrawal.
    """
    if before > now:
        raise FeedbackError(
            "Gränsen för rensningen ligger i framtiden; då skulle pågående test tas bort. "
            "Ange en tidpunkt före nu."
        )
    cutoff = stamp(before)

    def work() -> int:
        found = [
            row[0]
            for row in db.execute(
                "select id from test_sessions where started_at < ? limit ?", [cutoff, batch]
            ).fetchall()
        ]
        if not found:
            return 0
        marks = ", ".join("?" for _ in found)
        for table in SESSION_TABLES:  # also without foreign keys on (then nothing cascades)
            db.execute(f"delete from {table} where session_id in ({marks})", found)
        db.execute(f"delete from test_sessions where id in ({marks})", found)
        return len(found)

    secure = db.execute("pragma secure_delete").fetchone()[0]
    db.execute("pragma secure_delete = on")
    try:
        total = 0
        while True:
            deleted = write(db, work)
            total += deleted
            if deleted < batch:
                return total
    finally:
        db.execute(f"pragma secure_delete = {int(secure)}")
