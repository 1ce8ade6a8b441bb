"""Comments on the steps of a version, as a designer reads them: masked, hideable, tagged.

A designer or facilitator can hide a comment (it stays stored, so hiding can be undone, but
it is left out of lists, counts and exports unless asked for) and tag it as a pain point,
an idea, a question or praise, the same four kinds workshop notes have. The moderation
lives in its own table, ``comment_moderation``, so a comment as the tester sent it is never
changed; erasing the session (withdrawal) erases the moderation of its comments too.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, Field
from sqlite_utils import Database

from feedback.store import FeedbackError, rows, stamp, write

CommentTag = Literal["pain", "idea", "question", "praise"]
COMMENT_TAGS: tuple[str, ...] = get_args(CommentTag)
COMMENT_TAG_LABELS_SV = {
    "pain": "Problem",
    "idea": "Idé",
    "question": "Fråga",
    "praise": "Beröm",
}


class StepComment(BaseModel):
    """A comment as the analysis shows it: masked text, no session, with its moderation."""

    id: str
    step_id: str | None
    text: str = Field(description="Masked: personal identifiers replaced by labels.")
    masked: bool
    at: dt.datetime
    hidden: bool = False
    tag: CommentTag | None = None


def _moderate(db: Database, comment_id: str, values: dict[str, object], now: dt.datetime) -> bool:
    def work() -> bool:
        if not rows(db, "select 1 from comments where id = ?", [comment_id]):
            return False
        columns = ", ".join(values)
        updates = ", ".join(f"{column} = excluded.{column}" for column in values)
        db.execute(
            f"insert into comment_moderation (comment_id, {columns}, updated_at) "
            f"values (?, {', '.join('?' for _ in values)}, ?) "
            f"on conflict (comment_id) do update set {updates}, updated_at = excluded.updated_at",
            [comment_id, *values.values(), stamp(now)],
        )
        return True

    return write(db, work)


def hide_comment(db: Database, comment_id: str, *, hidden: bool = True, now: dt.datetime) -> bool:
    """Hide a comment (``hidden=False`` shows it again). False when there is no such comment."""
    return _moderate(db, comment_id, {"hidden": int(hidden)}, now)


def tag_comment(db: Database, comment_id: str, tag: CommentTag | None, *, now: dt.datetime) -> bool:
    """Tag a comment as pain, idea, question or praise (None removes the tag).

    False when there is no such comment; :class:`FeedbackError` for another tag.
    """
    if tag is not None and tag not in COMMENT_TAGS:
        labels = ", ".join(f"{key} ({label})" for key, label in COMMENT_TAG_LABELS_SV.items())
        raise FeedbackError(f"Taggen '{tag}' finns inte. Välj en av: {labels}.")
    return _moderate(db, comment_id, {"tag": tag}, now)


_SELECT = (
    "select c.id, c.step_id, c.text, c.masked, c.at, coalesce(m.hidden, 0) as hidden, m.tag "
    "from comments c left join comment_moderation m on m.comment_id = c.id "
)


def _comments(found: list[dict[str, object]]) -> list[StepComment]:
    return [
        StepComment.model_validate(
            {**row, "masked": bool(row["masked"]), "hidden": bool(row["hidden"])}
        )
        for row in found
    ]


def step_comments(
    db: Database, *, version_id: str, step_id: str | None, include_hidden: bool = False
) -> list[StepComment]:
    """The comments on one step of a version (``step_id=None``: on no step), oldest first.

    Hidden comments are left out unless ``include_hidden``.
    """
    hidden = "" if include_hidden else " and coalesce(m.hidden, 0) = 0"
    return _comments(
        rows(
            db,
            f"{_SELECT}where c.version_id = ? and c.step_id is ?{hidden} order by c.at, c.rowid",
            [version_id, step_id],
        )
    )


def version_comments(
    db: Database, *, version_id: str, include_hidden: bool = False
) -> list[StepComment]:
    """Every comment on a version, oldest first; hidden ones only with ``include_hidden``."""
    hidden = "" if include_hidden else " and coalesce(m.hidden, 0) = 0"
    return _comments(
        rows(
            db,
            f"{_SELECT}where c.version_id = ?{hidden} order by c.at, c.rowid",
            [version_id],
        )
    )
