"""Dot votes: each participant has a few votes to put on notes or on steps.

A vote goes into the current vote activity, on what it votes on (notes or steps), at most
once per note or step and voter, and never more than the activity's votes per person. Each
vote carries an id made by the phone: a double tap or a retry is one vote. The limit holds
however many taps arrive at once: the count and the insert happen in one ``BEGIN
IMMEDIATE`` transaction, so no other writer comes between them (and a trigger in the
database refuses a vote over the limit even from code that forgot to count).

Participants see the results only when the facilitator reveals them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlite_utils import Database

from journeys import Journey
from workshops.facilitation import (
    agenda,
    check_step,
    current_activity,
    get_activity,
    require_workshop,
    workshop_journey,
)
from workshops.model import (
    Activity,
    Audience,
    Vote,
    VoteCount,
    VoteOutcome,
    VoteResults,
    Workshop,
)
from workshops.notes import ordered_steps
from workshops.participants import (
    GONE_MESSAGE,
    Presence,
    check_takes_input,
    presence,
    require_participant,
    touch_seen,
)
from workshops.store import WorkshopError, canonical_uuid, one, rows, stamp, write


def _target(note_id: str | None, step_id: str | None) -> None:
    if (note_id is None) == (step_id is None):
        raise WorkshopError("Välj en lapp eller ett steg att rösta på.")


def _voter(db: Database, participant_token: str) -> Presence:
    """The participant, read inside the write; :class:`WorkshopError` for an unknown one."""
    here = presence(db, participant_token)
    if here is None:
        raise WorkshopError(GONE_MESSAGE)
    return here


def _check_voting(here: Presence, *, doing: str) -> Activity:
    check_takes_input(here.workshop, here.activity, doing=doing)
    activity = here.activity
    assert activity is not None
    if activity.kind != "vote":
        raise WorkshopError(
            f"Just nu pågår ”{activity.title}”, och då går det inte att {doing}. "
            "Vänta till röstningen."
        )
    return activity


def _final_note(db: Database, workshop_id: str, note_id: str) -> dict[str, Any]:
    """The note votes go to: the note, or the one it was merged into."""
    note = one(
        db,
        "select id, hidden, merged_into from workshop_notes where id = ? and workshop_id = ?",
        [note_id, workshop_id],
    )
    if note is not None and note["merged_into"] is not None:
        note = one(
            db,
            "select id, hidden, merged_into from workshop_notes where id = ?",
            [note["merged_into"]],
        )
    if note is None or note["hidden"]:
        raise WorkshopError(
            "Lappen finns inte längre: workshopledaren har tagit bort den. Rösta på en annan."
        )
    return note


def _check_target(
    db: Database, here: Presence, note_id: str | None, step_id: str | None
) -> tuple[str | None, str | None]:
    """``(note id, step id)`` as stored, after checking they fit the vote."""
    activity = here.activity
    assert activity is not None
    if activity.vote_on == "notes":
        if note_id is None:
            raise WorkshopError("I den här röstningen röstar ni på lappar. Välj en lapp.")
        return _final_note(db, here.workshop.id, note_id)["id"], None
    if step_id is None:
        raise WorkshopError("I den här röstningen röstar ni på steg i resan. Välj ett steg.")
    return None, check_step(workshop_journey(db, here.workshop), step_id, what="rösten")


def _already(
    db: Database, activity_id: str, participant_id: str, note_id: str | None, step_id: str | None
) -> dict[str, Any] | None:
    column, value = ("note_id", note_id) if note_id is not None else ("step_id", step_id)
    return one(
        db,
        f"select id from workshop_votes where activity_id = ? and participant_id = ? "
        f"and {column} = ?",
        [activity_id, participant_id, value],
    )


def vote(
    db: Database,
    participant_token: str,
    *,
    id: str,
    note_id: str | None = None,
    step_id: str | None = None,
    now: dt.datetime,
) -> bool:
    """Put one of the participant's votes on a note or a step in the current vote.

    Returns True when the vote was stored, False when it was already there (the same id
    sent again, or this participant already voted for this note or step in this vote): a
    double tap is one vote. Raises :class:`WorkshopError` (Swedish) when the participant has
    no votes left, the current activity is not a vote, input is locked, the workshop is not
    open, or the note or step cannot be voted on.
    """
    return cast_vote(db, participant_token, id=id, note_id=note_id, step_id=step_id, now=now).stored


def cast_vote(
    db: Database,
    participant_token: str,
    *,
    id: str,
    note_id: str | None = None,
    step_id: str | None = None,
    now: dt.datetime,
) -> VoteOutcome:
    """:func:`vote`, and how many votes the participant has left after it, as counted
    under the same write lock (0 when no vote is going on)."""
    vote_id = canonical_uuid(id, what="Röstens id")
    _target(note_id, step_id)

    def work() -> VoteOutcome:
        here = _voter(db, participant_token)
        if one(db, "select id from workshop_votes where id = ?", [vote_id]) is not None:
            return VoteOutcome(stored=False, votes_left=here.votes_left)
        activity = _check_voting(here, doing="rösta")
        note, step = _check_target(db, here, note_id, step_id)
        voter = here.participant.id
        if _already(db, activity.id, voter, note, step) is not None:
            return VoteOutcome(stored=False, votes_left=here.votes_left)
        limit = activity.votes_per_person or 0
        if here.votes_used >= limit:
            raise WorkshopError(
                f"Du har använt alla dina {limit} röster. Ta bort en röst om du vill rösta på "
                "något annat."
            )
        db.execute(
            "insert into workshop_votes (id, workshop_id, activity_id, participant_id, "
            "note_id, step_id, created_at) values (?, ?, ?, ?, ?, ?, ?)",
            [vote_id, here.workshop.id, activity.id, voter, note, step, stamp(now)],
        )
        touch_seen(db, here, now)
        return VoteOutcome(stored=True, votes_left=max(0, limit - here.votes_used - 1))

    return write(db, work)


def unvote(
    db: Database,
    participant_token: str,
    *,
    note_id: str | None = None,
    step_id: str | None = None,
    now: dt.datetime,
) -> bool:
    """Take back the participant's vote on a note or step in the current vote.

    Returns False when there was no such vote (taking it back twice is safe). Raises
    :class:`WorkshopError` when the current activity is not a vote, input is locked or the
    workshop is not open.
    """
    return take_back_vote(db, participant_token, note_id=note_id, step_id=step_id, now=now).stored


def take_back_vote(
    db: Database,
    participant_token: str,
    *,
    note_id: str | None = None,
    step_id: str | None = None,
    now: dt.datetime,
) -> VoteOutcome:
    """:func:`unvote` (``stored``: a vote was taken back), and the votes left after it."""
    _target(note_id, step_id)

    def work() -> VoteOutcome:
        here = _voter(db, participant_token)
        activity = _check_voting(here, doing="ändra dina röster")
        note = note_id
        if note_id is not None:
            found = one(
                db,
                "select coalesce(merged_into, id) as id from workshop_notes "
                "where id = ? and workshop_id = ?",
                [note_id, here.workshop.id],
            )
            note = found["id"] if found else note_id
        column, value = ("note_id", note) if note is not None else ("step_id", step_id)
        cursor = db.execute(
            f"delete from workshop_votes where activity_id = ? and participant_id = ? "
            f"and {column} = ?",
            [activity.id, here.participant.id, value],
        )
        touch_seen(db, here, now)
        removed = cursor.rowcount
        left = (activity.votes_per_person or 0) - here.votes_used + removed
        return VoteOutcome(stored=removed > 0, votes_left=max(0, left))

    return write(db, work)


def _vote(row: dict[str, Any]) -> Vote:
    return Vote.model_validate(row)


def my_votes(db: Database, participant_token: str) -> list[Vote]:
    """The participant's votes in the current vote activity (empty when none is going on)."""
    participant = require_participant(db, participant_token)
    activity = current_activity(db, participant["workshop_id"])
    if activity is None or activity.kind != "vote":
        return []
    found = rows(
        db,
        "select * from workshop_votes where activity_id = ? and participant_id = ? "
        "order by created_at, rowid",
        [activity.id, participant["id"]],
    )
    return [_vote(row) for row in found]


def my_vote_targets(db: Database, participant_id: str, activity_id: str) -> set[str]:
    """The notes and steps a participant has a vote on in one vote activity (their ids)."""
    found = db.execute(
        "select note_id from workshop_votes "
        "where activity_id = ? and participant_id = ? and note_id is not null "
        "union all select step_id from workshop_votes "
        "where activity_id = ? and participant_id = ? and step_id is not null",
        [activity_id, participant_id, activity_id, participant_id],
    ).fetchall()
    return {target for (target,) in found}


def votes_left(db: Database, participant_token: str) -> int:
    """How many votes the participant has left in the current vote (0 when none is on)."""
    here = presence(db, participant_token)
    if here is None:
        raise WorkshopError(GONE_MESSAGE)
    return here.votes_left


# --- results --------------------------------------------------------------------------------


def _default_vote_activity(db: Database, workshop: Workshop) -> Activity:
    """The current vote, else the latest vote before the current activity, else the first."""
    votes = [a for a in agenda(db, workshop.id) if a.kind == "vote"]
    if not votes:
        raise WorkshopError("Workshoppen har ingen prickröstning i agendan.")
    if workshop.current_index is not None:
        earlier = [a for a in votes if a.position <= workshop.current_index]
        if earlier:
            return earlier[-1]
    return votes[0]


def vote_results(
    db: Database, workshop: Workshop, activity: Activity, journey: Journey, *, visible: bool
) -> VoteResults:
    """The counts of one vote activity (empty when not ``visible``)."""
    result = VoteResults(
        activity_id=activity.id,
        title=activity.title,
        vote_on=activity.vote_on or "notes",
        votes_per_person=activity.votes_per_person or 0,
        visible=visible,
    )
    if not visible:
        return result
    if result.vote_on == "notes":
        found = rows(
            db,
            "select v.note_id, n.step_id, n.text, n.kind, count(*) as votes, "
            "count(distinct v.participant_id) as voters, min(n.created_at) as made "
            "from workshop_votes v join workshop_notes n on n.id = v.note_id "
            "where v.activity_id = ? and n.hidden = 0 and n.merged_into is null "
            "group by v.note_id order by votes desc, made, v.note_id",
            [activity.id],
        )
        counts = [
            VoteCount(
                note_id=row["note_id"],
                step_id=row["step_id"],
                label=row["text"],
                kind=row["kind"],
                votes=row["votes"],
            )
            for row in found
        ]
        voters_sql = (
            "select count(distinct v.participant_id), count(*) from workshop_votes v "
            "join workshop_notes n on n.id = v.note_id "
            "where v.activity_id = ? and n.hidden = 0 and n.merged_into is null"
        )
    else:
        steps = {
            step_id: (n, title) for n, (step_id, title, _, _) in enumerate(ordered_steps(journey))
        }
        per_step = Counter(
            {
                step_id: count
                for step_id, count in db.execute(
                    "select step_id, count(*) from workshop_votes where activity_id = ? "
                    "and step_id is not null group by step_id",
                    [activity.id],
                ).fetchall()
            }
        )
        ordered = sorted(
            per_step.items(),
            key=lambda item: (-item[1], steps.get(item[0], (len(steps), ""))[0], item[0]),
        )
        counts = [
            VoteCount(step_id=step_id, label=steps.get(step_id, (0, step_id))[1], votes=votes)
            for step_id, votes in ordered
        ]
        voters_sql = (
            "select count(distinct participant_id), count(*) from workshop_votes "
            "where activity_id = ? and step_id is not null"
        )
    voters, total = db.execute(voters_sql, [activity.id]).fetchone()
    return result.model_copy(update={"counts": counts, "voters": voters, "total_votes": total})


def results(
    db: Database,
    workshop_id: str,
    *,
    activity_id: str | None = None,
    audience: Audience = "facilitator",
) -> VoteResults:
    """Votes per note or step in a vote activity, most votes first.

    Without ``activity_id``: the current vote, else the latest vote before the current
    activity. Participants (and the projector) get ``visible`` False and no counts until
    the facilitator reveals the results; hidden notes are never counted.
    """
    workshop = require_workshop(db, workshop_id)
    if activity_id is None:
        activity = _default_vote_activity(db, workshop)
    else:
        found = get_activity(db, activity_id)
        if found is None or found.workshop_id != workshop.id or found.kind != "vote":
            raise WorkshopError("Det finns ingen sådan prickröstning i workshoppen.")
        activity = found
    visible = audience == "facilitator" or workshop.results_revealed
    return vote_results(db, workshop, activity, workshop_journey(db, workshop), visible=visible)
