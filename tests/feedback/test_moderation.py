"""Comment moderation: hide and tag without changing what the tester wrote."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

import feedback
from feedback import FeedbackError, hide_comment, step_comments, tag_comment, version_comments
from tests.feedback.metrics_data import T0, Tester, publish_example, share


@pytest.fixture
def tester(db: Database) -> Tester:
    return Tester(db, share(db, publish_example(db))).view("start")


def test_hiding_leaves_the_comment_out_until_shown_again(db: Database, tester: Tester) -> None:
    comment_id = tester.comment("start", "Svårt att hitta knappen")
    assert hide_comment(db, comment_id, now=T0) is True
    version_id = tester.link.version_id
    assert step_comments(db, version_id=version_id, step_id="start") == []
    [hidden] = step_comments(db, version_id=version_id, step_id="start", include_hidden=True)
    assert (hidden.hidden, hidden.text) == (True, "Svårt att hitta knappen")
    hide_comment(db, comment_id, hidden=False, now=T0)
    [shown] = step_comments(db, version_id=version_id, step_id="start")
    assert not shown.hidden


def test_tags_are_kept_with_hiding_and_can_be_removed(db: Database, tester: Tester) -> None:
    comment_id = tester.comment("start", "Kan ni lägga till en hjälptext?")
    tag_comment(db, comment_id, "idea", now=T0)
    hide_comment(db, comment_id, now=T0)
    [comment] = version_comments(db, version_id=tester.link.version_id, include_hidden=True)
    assert (comment.tag, comment.hidden) == ("idea", True)
    tag_comment(db, comment_id, None, now=T0)
    [comment] = version_comments(db, version_id=tester.link.version_id, include_hidden=True)
    assert comment.tag is None and comment.hidden


def test_a_comment_on_no_step(db: Database, tester: Tester) -> None:
    tester.comment(None, "Bra tjänst")
    version_id = tester.link.version_id
    assert [c.text for c in step_comments(db, version_id=version_id, step_id=None)] == [
        "Bra tjänst"
    ]
    assert step_comments(db, version_id=version_id, step_id="start") == []


def test_unknown_comments_and_tags(db: Database, tester: Tester) -> None:
    assert hide_comment(db, "00000000-0000-4000-8000-000000000000", now=T0) is False
    assert tag_comment(db, "00000000-0000-4000-8000-000000000000", "pain", now=T0) is False
    comment_id = tester.comment("start", "Hmm")
    with pytest.raises(FeedbackError, match="Taggen 'bug' finns inte"):
        tag_comment(db, comment_id, "bug", now=T0)  # type: ignore[arg-type]


def test_withdrawal_erases_the_moderation_too(db: Database, tester: Tester) -> None:
    comment_id = tester.comment("start", "Jag heter Kim")
    tag_comment(db, comment_id, "pain", now=T0)
    assert feedback.withdraw(db, tester.session.withdrawal_code, now=T0)
    assert db.execute("select count(*) from comment_moderation").fetchone()[0] == 0
