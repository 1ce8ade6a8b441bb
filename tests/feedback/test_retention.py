"""purge_sessions: old sessions go with every row they left; newer ones stay."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlite_utils import Database

from feedback import FeedbackError, hide_comment, purge_sessions, step_metrics
from prototypes import ShareLink
from tests.feedback.metrics_data import DRIVER, T0, Tester, publish_example, share

TABLES = ("events", "ratings", "comments", "seq_answers", "sus_answers", "metrics_sessions")


@pytest.fixture
def link(db: Database) -> ShareLink:
    return share(db, publish_example(db))


def old_and_new(db: Database, link: ShareLink) -> tuple[list[Tester], list[Tester]]:
    old = []
    for _ in range(3):
        tester = Tester(db, link).walk(DRIVER[:3]).complete(task_success=True).rate("start", 2)
        tester.seq(3).sus([3] * 10)
        hide_comment(db, tester.comment("start", "Gammal kommentar"), now=T0)
        old.append(tester)
    later = T0 + dt.timedelta(days=100)
    new = [Tester(db, link, at=later).walk(DRIVER[:3]).abandon() for _ in range(5)]
    return old, new


def count(db: Database, table: str) -> int:
    return db.execute(f"select count(*) from {table}").fetchone()[0]


def test_purge_deletes_sessions_before_the_limit_with_all_their_rows(
    db: Database, link: ShareLink
) -> None:
    _old, new = old_and_new(db, link)
    step_metrics(db, version_id=link.version_id)  # derive the metrics rows first
    now = T0 + dt.timedelta(days=400)
    deleted = purge_sessions(db, before=T0 + dt.timedelta(days=50), now=now, batch=2)
    assert deleted == 3
    kept = {row[0] for row in db.execute("select id from test_sessions")}
    assert kept == {t.id for t in new}
    for table in TABLES:
        orphans = db.execute(
            f"select count(*) from {table} where session_id not in (select id from test_sessions)"
        ).fetchone()[0]
        assert orphans == 0, table
    assert count(db, "comment_moderation") == 0
    start = next(m for m in step_metrics(db, version_id=link.version_id) if m.step_id == "start")
    assert start.reached == 5 and start.ratings.count is None
    assert purge_sessions(db, before=T0 + dt.timedelta(days=50), now=now) == 0


def test_purge_refuses_a_limit_in_the_future(db: Database, link: ShareLink) -> None:
    old_and_new(db, link)
    with pytest.raises(FeedbackError):
        purge_sessions(db, before=T0 + dt.timedelta(days=2), now=T0)
    assert count(db, "test_sessions") == 8
