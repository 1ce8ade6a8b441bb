"""Reset participant data: erase every test session of one share link or one version.

A designer who tried the prototype with colleagues before the real test, or who tested the
wrong version with a class, wants to start from zero without losing the journey, the
version or the share link (its printed QR codes keep working). :func:`reset_participant_data`
deletes the selection's test sessions with everything they left: events, answers (ratings,
SEQ, SUS), comments and their moderation, and the derived metrics rows and sums. Nothing
outside the selection is touched: other share links of the version, other versions, workshop
notes. It runs in one ``BEGIN IMMEDIATE`` transaction (:func:`feedback.store.write`), so a
tester's page never sees half a reset, and overwrites the erased rows in the file
(``secure_delete``), as a withdrawal does. It cannot be undone.

:func:`participant_data` counts what a reset would delete, for the confirmation a person
reads first ("12 testsessioner och 340 händelser från länken Klass 9B raderas").
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlite_utils import Database

from feedback.store import SESSION_TABLES, FeedbackError, write
from prototypes import InvalidCode, get_share_link, get_version, normalise_code

METRICS_TABLES = (
    "metrics_step_totals",
    "metrics_session_totals",
    "metrics_rating_totals",
    "metrics_error_totals",
    "metrics_path_totals",
)
"""Sums kept per (version, share code, age band, ...): rows of a reset selection go whole."""


class ResetSelection(BaseModel):
    """What a reset covers: one share link, or one version with all its links."""

    version_id: str
    share_code: str | None = Field(description="None: every share link of the version.")
    label: str = Field(description="How a person knows it: the link's label, or 'v2 – …'.")


class ResetCounts(BaseModel):
    """How many rows of each kind a reset deleted (or would delete)."""

    sessions: int = 0
    events: int = 0
    ratings: int = 0
    comments: int = 0
    seq_answers: int = 0
    sus_answers: int = 0

    @property
    def answers(self) -> int:
        """Ratings, SEQ and SUS answers together."""
        return self.ratings + self.seq_answers + self.sus_answers

    @property
    def empty(self) -> bool:
        """True when there is nothing to delete."""
        return self.sessions == 0


def reset_selection(
    db: Database, *, share_code: str | None = None, version_id: str | None = None
) -> ResetSelection:
    """The selection for a share link code (as typed) or a version id: exactly one of them.

    :class:`FeedbackError` (in Swedish, saying what to give) when both or neither are given,
    or when there is no such link or version.
    """
    if (share_code is None) == (version_id is None):
        raise FeedbackError(
            "Ange antingen en delningslänk (--share KOD) eller en version (--version ID), "
            "inte båda."
        )
    if share_code is not None:
        try:
            code = normalise_code(share_code)
        except InvalidCode as exc:
            raise FeedbackError(f"Koden '{share_code}' går inte att använda: {exc}") from None
        link = get_share_link(db, code)
        if link is None:
            raise FeedbackError(
                f"Det finns ingen delningslänk med koden '{share_code}'. "
                "Kontrollera koden under Dela på resans sida."
            )
        return ResetSelection(
            version_id=link.version_id, share_code=link.code, label=link.label or link.code
        )
    assert version_id is not None
    version = get_version(db, version_id)
    if version is None:
        raise FeedbackError(
            f"Det finns ingen version '{version_id}'. Versionernas id står under Versioner."
        )
    return ResetSelection(
        version_id=version.id, share_code=None, label=f"v{version.number} – {version.title}"
    )


def _where(selection: ResetSelection) -> tuple[str, list[Any]]:
    if selection.share_code is None:
        return "version_id = ?", [selection.version_id]
    return "version_id = ? and share_code = ?", [selection.version_id, selection.share_code]


def _counts(db: Database, selection: ResetSelection) -> ResetCounts:
    where, params = _where(selection)
    sessions = f"(select id from test_sessions where {where})"
    total = db.execute(f"select count(*) from test_sessions where {where}", params).fetchone()[0]
    found: dict[str, int] = {"sessions": total}
    for table in SESSION_TABLES:
        found[table] = db.execute(
            f"select count(*) from {table} where session_id in {sessions}", params
        ).fetchone()[0]
    return ResetCounts(**found)


def participant_data(db: Database, selection: ResetSelection) -> ResetCounts:
    """What :func:`reset_participant_data` would delete now, counted (nothing is deleted)."""
    return _counts(db, selection)


def reset_participant_data(db: Database, selection: ResetSelection) -> ResetCounts:
    """Delete every test session of the selection with all its rows; returns what went.

    One transaction: the sessions' events, ratings, comments (and their moderation), SEQ
    and SUS answers, the sessions, their derived metrics rows, and the selection's sums and
    kept medians. The version's figures afterwards are those of the sessions left, as if the
    deleted ones had never been (the triggers of :mod:`feedback.store` take each session
    away from the sums; the selection's sum rows are then dropped whole).
    """
    where, params = _where(selection)
    sessions = f"(select id from test_sessions where {where})"

    def work() -> ResetCounts:
        counts = _counts(db, selection)
        for table in SESSION_TABLES:  # also without foreign keys on (then nothing cascades)
            db.execute(f"delete from {table} where session_id in {sessions}", params)
        ids = f"(select session_id from metrics_sessions where {where})"
        db.execute(f"delete from metrics_dirty where session_id in {sessions}", params)
        db.execute(f"delete from test_sessions where {where}", params)
        # derived rows: the triggers took them with each session; these catch any left over
        db.execute(f"delete from metrics_steps where session_id in {ids}", params)
        db.execute(f"delete from metrics_sessions where {where}", params)
        for table in METRICS_TABLES:
            db.execute(f"delete from {table} where {where}", params)
        db.execute("delete from metrics_quantiles where version_id = ?", [selection.version_id])
        return counts

    secure = db.execute("pragma secure_delete").fetchone()[0]
    db.execute("pragma secure_delete = on")  # overwrite the erased rows in the file
    try:
        return write(db, work)
    finally:
        db.execute(f"pragma secure_delete = {int(secure)}")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def reset_message(selection: ResetSelection, counts: ResetCounts, *, lang: str = "sv") -> str:
    """What a reset deletes, for the confirmation a person reads before it, e.g.
    "12 testsessioner och 340 händelser från länken Klass 9B raderas. Det går inte att ångra."
    """
    if lang == "en":
        where = (
            f"the link {selection.label}"
            if selection.share_code
            else f"every link of version {selection.label}"
        )
        what = (
            f"{_plural(counts.sessions, 'test session', 'test sessions')} and "
            f"{_plural(counts.events, 'event', 'events')}"
        )
        extra = (
            f" (with {_plural(counts.answers, 'answer', 'answers')} and "
            f"{_plural(counts.comments, 'comment', 'comments')})"
            if counts.answers or counts.comments
            else ""
        )
        return f"{what}{extra} from {where} will be deleted. This cannot be undone."
    where = (
        f"länken {selection.label}"
        if selection.share_code
        else f"alla länkar till version {selection.label}"
    )
    what = (
        f"{_plural(counts.sessions, 'testsession', 'testsessioner')} och "
        f"{_plural(counts.events, 'händelse', 'händelser')}"
    )
    extra = (
        f" (med {_plural(counts.answers, 'svar', 'svar')} och "
        f"{_plural(counts.comments, 'kommentar', 'kommentarer')})"
        if counts.answers or counts.comments
        else ""
    )
    return f"{what}{extra} från {where} raderas. Det går inte att ångra."
