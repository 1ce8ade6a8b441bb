"""Notes: what people say in the room, put on the journey's steps.

A participant adds a note on a step (a pain, an idea, a question or praise) during an
activity that takes notes; during an open question a note may also be an answer without a
step. Each note carries an id made by the phone, so sending it again stores nothing new,
and its text is masked for personal identifiers before it is stored. The facilitator
moderates: hides and unhides notes, changes their kind, and merges duplicates (the votes
move along; a voter who voted for both keeps one vote).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlite_utils import Database

from feedback import mask_personal_data
from journeys import Journey
from workshops.facilitation import (
    agenda,
    check_step,
    require_workshop,
    workshop_journey,
)
from workshops.model import (
    NOTE_KIND_LABELS,
    NOTE_KINDS,
    Audience,
    Note,
    NoteView,
    QuestionAnswers,
    StepNotes,
    Workshop,
)
from workshops.participants import GONE_MESSAGE, check_takes_input, presence, touch_seen
from workshops.store import WorkshopError, canonical_uuid, kept, one, rows, stamp, write

MAX_NOTE_LENGTH = 500

KIND_MESSAGE = "Välj om lappen är ett problem, en idé, en fråga eller beröm."


def _check_kind(kind: object) -> str:
    if not isinstance(kind, str) or kind.strip() not in NOTE_KINDS:
        raise WorkshopError(KIND_MESSAGE)
    return kind.strip()


def add_note(
    db: Database,
    participant_token: str,
    *,
    id: str,
    step_id: str | None,
    kind: str,
    text: str,
    now: dt.datetime,
) -> bool:
    """Store a participant's note once, masked. False when this id was already stored.

    The step must be a step of the workshop's journey (the message suggests the closest id
    when it is not); only during an open question may ``step_id`` be None. A note already
    stored answers False whatever has happened since, so a retry is always safe. Raises
    :class:`WorkshopError` (Swedish) for an empty note or one over 500 characters, an
    unknown kind, a closed workshop, locked input, or an activity that does not take notes.
    """
    note_id = canonical_uuid(id, what="Lappens id")
    note_kind = _check_kind(kind)
    if not isinstance(text, str) or not text.strip():
        raise WorkshopError("Skriv något på lappen innan du skickar den.")
    written = text.strip()
    if len(written) > MAX_NOTE_LENGTH:
        raise WorkshopError(
            f"Lappen får vara högst {MAX_NOTE_LENGTH} tecken. Den har {len(written)} tecken "
            "nu: korta den lite."
        )
    masked_text, masked = mask_personal_data(written)

    def work() -> bool:
        here = presence(db, participant_token)
        if here is None:
            raise WorkshopError(GONE_MESSAGE)
        if one(db, "select id from workshop_notes where id = ?", [note_id]) is not None:
            return False
        check_takes_input(here.workshop, here.activity, doing="lägga till lappar")
        activity = here.activity
        assert activity is not None
        if not activity.takes_notes:
            raise WorkshopError(
                f"Just nu pågår ”{activity.title}”, och då går det inte att lägga till lappar. "
                "Vänta till nästa aktivitet."
            )
        step = None
        if step_id is not None or activity.kind != "question":
            step = check_step(workshop_journey(db, here.workshop), step_id)
        moment = stamp(now)
        db.execute(
            "insert or ignore into workshop_notes (id, workshop_id, activity_id, participant_id, "
            "step_id, kind, text, masked, hidden, merged_into, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, 0, null, ?, ?)",
            [
                note_id,
                here.workshop.id,
                activity.id,
                here.participant.id,
                step,
                note_kind,
                masked_text,
                int(masked),
                moment,
                moment,
            ],
        )
        touch_seen(db, here, now)
        return True

    return write(db, work)


# --- reading --------------------------------------------------------------------------------


def _note(row: dict[str, Any]) -> Note:
    data = dict(row)
    data["masked"] = bool(data["masked"])
    data["hidden"] = bool(data["hidden"])
    return Note.model_validate(data)


def get_note(db: Database, note_id: str) -> Note | None:
    """The note with this id, or None."""
    row = one(db, "select * from workshop_notes where id = ?", [note_id])
    return _note(row) if row else None


def list_notes(db: Database, workshop_id: str) -> list[Note]:
    """Every note of the workshop as stored, hidden and merged ones too, oldest first.

    For moderation; pages that show notes to participants use :func:`notes_by_step`.
    """
    found = rows(
        db,
        "select * from workshop_notes where workshop_id = ? order by created_at, rowid",
        [workshop_id],
    )
    return [_note(row) for row in found]


def notes_of_participant(db: Database, participant_id: str) -> list[Note]:
    """One participant's notes as stored, hidden and merged ones too, oldest first."""
    found = rows(
        db,
        "select * from workshop_notes where participant_id = ? order by created_at, rowid",
        [participant_id],
    )
    return [_note(row) for row in found]


def ordered_steps(journey: Journey) -> list[tuple[str, str, str | None, str | None]]:
    """``(step id, title, phase id, phase title)`` in journey order: phases in the order
    the journey lists them (steps without a known phase last), steps in file order within."""
    phases = {phase.id: (n, phase.title) for n, phase in enumerate(journey.phases)}
    last = len(phases)
    indexed = sorted(
        enumerate(journey.steps),
        key=lambda pair: (phases.get(pair[1].phase or "", (last, None))[0], pair[0]),
    )
    result = []
    for _, step in indexed:
        phase = step.phase if step.phase in phases else None
        result.append((step.id, step.title, phase, phases[phase][1] if phase else None))
    return result


def note_votes(db: Database, workshop_id: str) -> Counter[str]:
    """Votes per note id, over every vote activity of the workshop."""
    found = db.execute(
        "select note_id, count(*) from workshop_votes where workshop_id = ? "
        "and note_id is not null group by note_id",
        [workshop_id],
    ).fetchall()
    return Counter({note_id: count for note_id, count in found})


def step_votes(db: Database, workshop_id: str) -> Counter[str]:
    """Votes on steps themselves per step id, over every vote activity of the workshop."""
    found = db.execute(
        "select step_id, count(*) from workshop_votes where workshop_id = ? "
        "and step_id is not null group by step_id",
        [workshop_id],
    ).fetchall()
    return Counter({step_id: count for step_id, count in found})


def note_views(
    db: Database, workshop: Workshop, *, include_hidden: bool, with_votes: bool
) -> list[NoteView]:
    """The workshop's notes that are not merged away, oldest first, as pages show them."""
    hidden_clause = "" if include_hidden else "and n.hidden = 0 "
    found = rows(
        db,
        "select n.*, p.nickname from workshop_notes n "
        "join workshop_participants p on p.id = n.participant_id "
        f"where n.workshop_id = ? and n.merged_into is null {hidden_clause}"
        "order by n.created_at, n.rowid",
        [workshop.id],
    )
    votes = note_votes(db, workshop.id) if with_votes else Counter()
    return [  # stored rows, checked when written: made without validating them again
        NoteView.model_construct(
            id=row["id"],
            step_id=row["step_id"],
            activity_id=row["activity_id"],
            kind=row["kind"],
            kind_label=NOTE_KIND_LABELS[row["kind"]],
            text=row["text"],
            nickname=row["nickname"],
            votes=votes[row["id"]] if with_votes else None,
            hidden=bool(row["hidden"]),
            created_at=dt.datetime.fromisoformat(row["created_at"]),
        )
        for row in found
    ]


def _most_voted_first(notes: list[NoteView]) -> list[NoteView]:
    return sorted(notes, key=lambda note: -(note.votes or 0))  # stable: oldest first on ties


def steps_with_notes(
    db: Database, workshop: Workshop, *, include_hidden: bool, with_votes: bool
) -> list[StepNotes]:
    """Every step in journey order with its notes, then steps no longer in the journey.

    Without votes and hidden notes (what participants see before the results are revealed)
    it depends only on the notes and the journey, so it is kept on the connection until
    ``workshop.notes_revision`` moves or the journey is another: a vote page drawn for each
    of 300 phones reads the notes once. Shared: treat it as read-only.
    """
    journey = workshop_journey(db, workshop)
    if include_hidden or with_votes:
        return _steps_with_notes(db, workshop, journey, include_hidden, with_votes)
    # one slot per workshop, holding the latest only: a busy notes activity moves the
    # revision with every note, and old lists are never asked for again
    slot: list[Any] = kept(db, ("steps", workshop.id, workshop.created_at), lambda: [None])
    made = slot[0]
    if made is None or made[0] != workshop.notes_revision or made[1] is not journey:
        steps = _steps_with_notes(db, workshop, journey, False, False)
        slot[0] = made = (workshop.notes_revision, journey, steps)
    return made[2]  # type: ignore[no-any-return]


def _steps_with_notes(
    db: Database, workshop: Workshop, journey: Journey, include_hidden: bool, with_votes: bool
) -> list[StepNotes]:
    by_step: dict[str, list[NoteView]] = {}
    for note in note_views(db, workshop, include_hidden=include_hidden, with_votes=with_votes):
        if note.step_id is not None:
            by_step.setdefault(note.step_id, []).append(note)
    on_steps = step_votes(db, workshop.id) if with_votes else Counter()
    result = []
    for step_id, title, phase, phase_title in ordered_steps(journey):
        result.append(
            StepNotes.model_construct(
                step_id=step_id,
                title=title,
                phase=phase,
                phase_title=phase_title,
                in_journey=True,
                notes=_most_voted_first(by_step.pop(step_id, [])),
                step_votes=on_steps[step_id] if with_votes else None,
            )
        )
    for step_id, notes in by_step.items():  # the journey changed after the notes were made
        result.append(
            StepNotes(
                step_id=step_id,
                title=step_id,
                in_journey=False,
                notes=_most_voted_first(notes),
                step_votes=on_steps[step_id] if with_votes else None,
            )
        )
    return result


def notes_on_steps(
    db: Database, workshop: Workshop, *, audience: Audience = "participant"
) -> list[StepNotes]:
    """:func:`notes_by_step` for a workshop already read."""
    facilitator = audience == "facilitator"
    return steps_with_notes(
        db,
        workshop,
        include_hidden=facilitator,
        with_votes=facilitator or workshop.results_revealed,
    )


def notes_by_step(
    db: Database, workshop_id: str, *, audience: Audience = "participant"
) -> list[StepNotes]:
    """Every step of the journey in order (as on the journey map) with its notes, most
    voted first.

    Participants and the projector never see hidden notes, and see votes only once the
    facilitator has revealed the results (``votes`` is None until then). The facilitator
    sees hidden notes too (marked ``hidden``) and always sees votes.
    """
    return notes_on_steps(db, require_workshop(db, workshop_id), audience=audience)


def question_answers(
    db: Database, workshop_id: str, *, audience: Audience = "participant"
) -> list[QuestionAnswers]:
    """Each open question in agenda order with its answers (notes without a step given
    during it), most voted first; visibility as in :func:`notes_by_step`."""
    workshop = require_workshop(db, workshop_id)
    facilitator = audience == "facilitator"
    return answers_to_questions(
        db,
        workshop,
        include_hidden=facilitator,
        with_votes=facilitator or workshop.results_revealed,
    )


def answers_to_questions(
    db: Database, workshop: Workshop, *, include_hidden: bool, with_votes: bool
) -> list[QuestionAnswers]:
    """The open questions of the agenda with their answers (see :func:`question_answers`)."""
    views = note_views(db, workshop, include_hidden=include_hidden, with_votes=with_votes)
    result = []
    for activity in agenda(db, workshop.id):
        if activity.kind != "question":
            continue
        answers = [n for n in views if n.activity_id == activity.id and n.step_id is None]
        result.append(QuestionAnswers(activity=activity, answers=_most_voted_first(answers)))
    return result


# --- moderation -----------------------------------------------------------------------------


def _require_note(db: Database, workshop_id: str, note_id: str) -> Note:
    note = get_note(db, note_id) if isinstance(note_id, str) else None
    if note is None or note.workshop_id != workshop_id:
        raise WorkshopError("Lappen finns inte i den här workshoppen.")
    return note


def _moderate(
    db: Database, workshop_id: str, note_id: str, changes: dict[str, Any], now: dt.datetime
) -> Note:
    workshop = require_workshop(db, workshop_id)

    def work() -> None:
        _require_note(db, workshop.id, note_id)
        assignments = ", ".join(f"{column} = ?" for column in changes)
        db.execute(
            f"update workshop_notes set {assignments}, updated_at = ? where id = ?",
            [*changes.values(), stamp(now), note_id],
        )

    write(db, work)
    return _require_note(db, workshop.id, note_id)


def hide_note(db: Database, workshop_id: str, note_id: str, *, now: dt.datetime) -> Note:
    """Hide a note from participants, the projector, the report and the journey."""
    return _moderate(db, workshop_id, note_id, {"hidden": 1}, now)


def unhide_note(db: Database, workshop_id: str, note_id: str, *, now: dt.datetime) -> Note:
    """Show a hidden note again."""
    return _moderate(db, workshop_id, note_id, {"hidden": 0}, now)


def set_note_kind(
    db: Database, workshop_id: str, note_id: str, kind: str, *, now: dt.datetime
) -> Note:
    """Change what kind of note it is (a "problem" that is really an idea, say)."""
    return _moderate(db, workshop_id, note_id, {"kind": _check_kind(kind)}, now)


def _merge_one(db: Database, workshop_id: str, note_id: str, into: Note, moment: str) -> None:
    """Inside a write: merge ``note_id`` into ``into`` (see :func:`merge_notes`)."""
    source = _require_note(db, workshop_id, note_id)
    if source.id == into.id:
        raise WorkshopError("En lapp kan inte slås ihop med sig själv. Välj en annan lapp.")
    if source.merged_into is not None or into.merged_into is not None:
        raise WorkshopError(
            "Lappen är redan sammanslagen med en annan lapp. Välj lappen den slogs ihop med."
        )
    # One vote per voter and note in a vote: whoever voted for both keeps one, and so
    # gets a vote back to use. Nobody's count can grow, so no limit is ever passed.
    db.execute(
        "delete from workshop_votes where note_id = ? and exists ("
        "select 1 from workshop_votes other where other.note_id = ? "
        "and other.activity_id = workshop_votes.activity_id "
        "and other.participant_id = workshop_votes.participant_id)",
        [source.id, into.id],
    )
    db.execute("update workshop_votes set note_id = ? where note_id = ?", [into.id, source.id])
    db.execute(
        "update workshop_notes set merged_into = ?, updated_at = ? where merged_into = ? or id = ?",
        [into.id, moment, source.id, source.id],
    )
    db.execute("update workshop_notes set updated_at = ? where id = ?", [moment, into.id])


def merge_notes(
    db: Database, workshop_id: str, note_id: str, into_id: str, *, now: dt.datetime
) -> Note:
    """Merge note ``note_id`` into ``into_id`` (duplicates said twice) and return the latter.

    The merged note disappears from every view; its votes move to the other note, and a
    participant who had voted for both in the same vote keeps one vote (and so gets one
    back to use). Notes merged earlier into ``note_id`` follow it. Refused for a note
    merged already, or into itself. The notes may be on different steps; the kept note
    stays on its own (see :func:`merge_notes_to_step` to choose the step).
    """
    workshop = require_workshop(db, workshop_id)

    def work() -> None:
        target = _require_note(db, workshop.id, into_id)
        _merge_one(db, workshop.id, note_id, target, stamp(now))

    write(db, work)
    return _require_note(db, workshop.id, into_id)


def merge_notes_to_step(
    db: Database,
    workshop_id: str,
    note_ids: list[str],
    *,
    into_id: str,
    step_id: str | None = None,
    now: dt.datetime,
) -> Note:
    """Merge several notes, from any steps and activities, into ``into_id``; return it.

    The facilitator ticks notes that say the same thing on different steps, picks the one
    whose text stays (``into_id``, which may be among ``note_ids`` or not) and, with
    ``step_id``, the step the merged note belongs on (else it stays on its own step). All
    or nothing, in one write. Votes move to the kept note; a participant who voted for two
    or more of them in the same vote keeps one vote there and gets the others back, so
    nobody is counted twice and nobody's votes exceed the limit. Votes on steps themselves
    (a vote on steps) stay where they were: they were given to steps, not to notes.
    """
    workshop = require_workshop(db, workshop_id)
    if not isinstance(note_ids, list | tuple) or not all(isinstance(n, str) for n in note_ids):
        raise WorkshopError("Välj lapparna som ska slås ihop.")
    sources = list(dict.fromkeys(n for n in note_ids if n != into_id))
    if not sources:
        raise WorkshopError(
            "Välj minst två lappar att slå ihop: den som ska stå kvar och minst en till."
        )
    step = None
    if step_id is not None and step_id != "":
        step = check_step(workshop_journey(db, workshop), step_id, what="den sammanslagna lappen")

    def work() -> None:
        target = _require_note(db, workshop.id, into_id)
        moment = stamp(now)
        for source in sources:
            _merge_one(db, workshop.id, source, target, moment)
        if step is not None and step != target.step_id:
            db.execute(
                "update workshop_notes set step_id = ?, updated_at = ? where id = ?",
                [step, moment, target.id],
            )

    write(db, work)
    return _require_note(db, workshop.id, into_id)
