"""What the facilitator does: create a workshop, plan its agenda and run it.

A workshop is made from a journey, optionally one published version of it, and gets a join
code. Its agenda is an ordered list of activities: walk the journey, notes on steps, a dot
vote, testing the prototype together, an open question. Running it means opening it,
moving from activity to activity, locking input, revealing results, a timer, and closing it.

Moving to another activity starts it afresh: input unlocked, results hidden, no timer. The
current activity is kept by id, so reordering the agenda never changes what is going on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import random
import re
import secrets
import sqlite3
import uuid
from typing import Any

from sqlite_utils import Database

from journeys import Journey, content_hash, get_journey, list_journeys
from prototypes import InvalidCode, get_share_link, get_version, normalise_code, published_journey
from workshops.codes import new_join_code, normalise_join_code
from workshops.model import ACTIVITY_KINDS, ACTIVITY_TITLES, Activity, Workshop
from workshops.store import WorkshopError, kept, one, rows, stamp, write

DEFAULT_VOTES_PER_PERSON = 3
MAX_VOTES_PER_PERSON = 20
MAX_TIMER_SECONDS = 4 * 60 * 60
MAX_TITLE_LENGTH = 200
MAX_PROMPT_LENGTH = 1000
MAX_QUESTION_LENGTH = 300
CODE_ATTEMPTS = 5
"""How many fresh join codes to try when a new one is already taken (practically never)."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- reading --------------------------------------------------------------------------------


def new_id(rng: random.Random | None) -> str:
    """A fresh UUID (version 4), from ``rng`` when given."""
    chooser = rng if rng is not None else secrets.SystemRandom()
    return str(uuid.UUID(int=chooser.getrandbits(128), version=4))


def workshop_from_row(db: Database, row: dict[str, Any]) -> Workshop:
    """A stored ``workshops`` row as a :class:`Workshop`, with its current activity's index."""
    data = dict(row)
    for key in ("allow_under_13", "input_locked", "results_revealed"):
        data[key] = bool(data[key])
    if data["current_activity_id"] is not None:
        found = one(
            db,
            "select position from workshop_activities where id = ?",
            [data["current_activity_id"]],
        )
        data["current_index"] = found["position"] if found else None
    return Workshop.model_validate(data)


def get_workshop(db: Database, workshop_id: str) -> Workshop | None:
    """The workshop with this id, or None."""
    row = one(db, "select * from workshops where id = ?", [workshop_id])
    return workshop_from_row(db, row) if row else None


def require_workshop(db: Database, workshop_id: str) -> Workshop:
    """The workshop with this id; :class:`WorkshopError` when there is none."""
    found = get_workshop(db, workshop_id) if isinstance(workshop_id, str) else None
    if found is None:
        raise WorkshopError(f"Det finns ingen workshop med id '{workshop_id}'.")
    return found


def find_workshop(db: Database, code: str) -> Workshop | None:
    """The workshop with this join code (as typed: case, spaces, hyphens do not matter)."""
    try:
        wanted = normalise_join_code(code)
    except ValueError:
        return None
    row = one(db, "select * from workshops where join_code = ?", [wanted])
    return workshop_from_row(db, row) if row else None


def list_workshops(
    db: Database, *, journey_id: str | None = None, facilitator: str | None = None
) -> list[Workshop]:
    """Workshops, latest date first, of one journey or one facilitator when given."""
    where, params = [], []
    if journey_id is not None:
        where.append("journey_id = ?")
        params.append(journey_id)
    if facilitator is not None:
        where.append("facilitator = ?")
        params.append(facilitator.strip().lower())
    clause = f"where {' and '.join(where)} " if where else ""
    found = rows(db, f"select * from workshops {clause}order by date desc, created_at desc", params)
    return [workshop_from_row(db, row) for row in found]


def _activity(row: dict[str, Any]) -> Activity:
    return Activity.model_validate(row)


def agenda(db: Database, workshop_id: str) -> list[Activity]:
    """The workshop's activities in order (empty for an unknown workshop)."""
    found = rows(
        db,
        "select * from workshop_activities where workshop_id = ? order by position, created_at",
        [workshop_id],
    )
    return [_activity(row) for row in found]


def agenda_ids(db: Database, workshop_id: str) -> list[str]:
    """The ids of the workshop's activities in agenda order (as :func:`agenda`)."""
    found = db.execute(
        "select id from workshop_activities where workshop_id = ? order by position, created_at",
        [workshop_id],
    ).fetchall()
    return [activity_id for (activity_id,) in found]


def get_activity(db: Database, activity_id: str) -> Activity | None:
    """The activity with this id, or None."""
    row = one(db, "select * from workshop_activities where id = ?", [activity_id])
    return _activity(row) if row else None


def current_activity(db: Database, workshop_id: str) -> Activity | None:
    """What is going on now, or None before the first activity has started."""
    row = one(
        db,
        "select a.* from workshops w join workshop_activities a on a.id = w.current_activity_id "
        "where w.id = ?",
        [workshop_id],
    )
    return _activity(row) if row else None


# --- the journey ----------------------------------------------------------------------------


_JOURNEYS: dict[str, Journey] = {}
_JOURNEY_CACHE_SIZE = 32


def _content_hash(db: Database, workshop: Workshop) -> str | None:
    """The SHA-256 of the content of the journey the workshop is about, as stored with its
    version or its current draft revision (None when neither is there)."""
    if workshop.version_id is not None:
        found = db.execute(
            "select content_hash from prototype_versions where id = ?", [workshop.version_id]
        ).fetchone()
        if found is not None:
            return str(found[0])
    found = db.execute(
        "select r.content_hash from journeys j join journey_revisions r "
        "on r.journey_id = j.id and r.number = j.current_revision where j.id = ?",
        [workshop.journey_id],
    ).fetchone()
    return str(found[0]) if found is not None else None


def workshop_journey(db: Database, workshop: Workshop) -> Journey:
    """The journey the workshop is about: its version's, else the journey's current draft.

    Parsed once per process for each content: versions and revisions store the SHA-256 of
    their canonical JSON, so one indexed lookup tells whether the journey parsed before is
    still the one (a draft saved since has another hash). A workshop's version never
    changes, nor does a published version, so that journey is also kept on the connection
    (:func:`journeys.store.kept`) without any lookup. Shared: treat it as read-only.
    """
    if workshop.version_id is not None:
        key = ("journey", workshop.id, workshop.created_at, workshop.version_id)
        return kept(db, key, lambda: _journey(db, workshop))
    return _journey(db, workshop)


def _journey(db: Database, workshop: Workshop) -> Journey:
    digest = _content_hash(db, workshop)
    if digest is not None:
        cached = _JOURNEYS.get(digest)
        if cached is not None:
            return cached
    journey: Journey | None = None
    if workshop.version_id is not None:
        version = get_version(db, workshop.version_id)
        if version is not None:
            journey, digest = published_journey(version), version.content_hash
    if journey is None:
        journey = get_journey(db, workshop.journey_id)
        if journey is None:
            raise WorkshopError(
                f"Resan '{workshop.journey_id}' som workshoppen handlar om finns inte längre."
            )
        digest = content_hash(journey)  # of what was read: a save in between cannot mix them
    if len(_JOURNEYS) >= _JOURNEY_CACHE_SIZE:
        _JOURNEYS.pop(next(iter(_JOURNEYS)))
    _JOURNEYS[digest] = journey
    return journey


def check_step(journey: Journey, step_id: object, *, what: str = "lappen") -> str:
    """``step_id`` when it is a step of the journey; :class:`WorkshopError` with a
    did-you-mean when it is not."""
    if not isinstance(step_id, str) or not step_id.strip():
        raise WorkshopError(f"Välj vilket steg i resan {what} gäller.")
    wanted = step_id.strip()
    if journey.step(wanted) is not None:
        return wanted
    ids = [s.id for s in journey.steps]
    close = difflib.get_close_matches(wanted, ids, n=1, cutoff=0.6)
    if close:
        step = journey.step(close[0])
        title = f" ({step.title})" if step is not None else ""
        hint = f" Menade du '{close[0]}'{title}?"
    else:
        hint = " Välj ett av stegen i listan."
    raise WorkshopError(f"Steget '{wanted}' finns inte i resan.{hint}")


# --- creating -------------------------------------------------------------------------------


def _text(value: object, *, limit: int, empty: str, too_long: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WorkshopError(empty)
    text = " ".join(value.split())
    if len(text) > limit:
        raise WorkshopError(f"{too_long} får vara högst {limit} tecken. Nu är det {len(text)}.")
    return text


def _optional_text(value: str | None, *, limit: int, too_long: str) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > limit:
        raise WorkshopError(f"{too_long} får vara högst {limit} tecken. Nu är det {len(text)}.")
    return text


def _no_journey_message(db: Database, journey_id: str) -> str:
    known = [j.id for j in list_journeys(db)]
    close = difflib.get_close_matches(journey_id, known, n=1, cutoff=0.6)
    hint = f" Menade du '{close[0]}'?" if close else " Spara resan först."
    return f"Det finns ingen resa '{journey_id}'.{hint}"


def create_workshop(
    db: Database,
    journey_id: str,
    *,
    title: str,
    date: dt.date,
    facilitator: str,
    version_id: str | None = None,
    allow_under_13: bool = False,
    now: dt.datetime,
    rng: random.Random | None = None,
) -> Workshop:
    """Make a workshop (a draft, with an empty agenda) about a journey.

    With ``version_id`` the participants' notes and votes are checked against that published
    version's steps and it is what they test together; without it, against the journey's
    current draft. Raises :class:`WorkshopError` for an unknown journey or version, a
    version of another journey, an empty title or a facilitator without an e-mail address.
    """
    if get_journey(db, journey_id) is None:
        raise WorkshopError(_no_journey_message(db, journey_id))
    if version_id is not None:
        version = get_version(db, version_id)
        if version is None:
            raise WorkshopError(f"Det finns ingen version '{version_id}'. Publicera resan först.")
        if version.journey_id != journey_id:
            raise WorkshopError(
                f"Versionen '{version_id}' hör till resan '{version.journey_id}', inte till "
                f"'{journey_id}'. Välj en version av resan workshoppen handlar om."
            )
    heading = _text(
        title,
        limit=MAX_TITLE_LENGTH,
        empty="Ge workshoppen en rubrik, till exempel ”Workshop med pensionärsrådet”.",
        too_long="Rubriken",
    )
    email = facilitator.strip().lower() if isinstance(facilitator, str) else ""
    if not _EMAIL.match(email):
        raise WorkshopError("Ange workshopledarens e-postadress, till exempel anna@kommun.se.")
    if not isinstance(date, dt.date):
        raise WorkshopError("Ange vilken dag workshoppen är, till exempel 2026-03-12.")
    for _ in range(CODE_ATTEMPTS):
        workshop = Workshop(
            id=new_id(rng),
            journey_id=journey_id,
            version_id=version_id,
            title=heading,
            date=date,
            join_code=new_join_code(rng),
            facilitator=email,
            allow_under_13=allow_under_13,
            created_at=now,
        )
        row = {
            "id": workshop.id,
            "journey_id": journey_id,
            "version_id": version_id,
            "title": heading,
            "date": date.isoformat(),
            "join_code": workshop.join_code,
            "state": "draft",
            "facilitator": email,
            "allow_under_13": int(allow_under_13),
            "created_at": stamp(now),
            # where the notes' revision starts: a workshop made again with the same id
            # (a seeded rng) does not meet what a connection kept for the old one
            "notes_revision": secrets.randbits(40),
        }
        try:
            write(db, lambda row=row: db.table("workshops").insert(row))
        except sqlite3.IntegrityError:
            if find_workshop(db, workshop.join_code) is None:
                raise
            continue
        return require_workshop(db, workshop.id)
    raise WorkshopError(f"Kunde inte hitta en ledig kod på {CODE_ATTEMPTS} försök. Försök igen.")


def delete_workshop(db: Database, workshop_id: str) -> bool:
    """Erase a workshop with everything in it, and the insights its notes became.

    For purging after the retention period, or before deleting its journey. False when
    there was no such workshop.
    """

    def work() -> bool:
        if one(db, "select id from workshops where id = ?", [workshop_id]) is None:
            return False
        db.execute(
            "delete from step_insights where source = 'workshop' and source_id in "
            "(select id from workshop_notes where workshop_id = ?)",
            [workshop_id],
        )
        db.execute("delete from workshop_votes where workshop_id = ?", [workshop_id])
        db.execute(
            "update workshop_notes set merged_into = null where workshop_id = ?", [workshop_id]
        )
        for table in ("workshop_notes", "workshop_participants", "workshop_activities"):
            db.execute(f"delete from {table} where workshop_id = ?", [workshop_id])
        db.execute("delete from workshops where id = ?", [workshop_id])
        return True

    return write(db, work)


# --- the agenda -----------------------------------------------------------------------------


def add_activity(
    db: Database,
    workshop_id: str,
    kind: str,
    *,
    title: str | None = None,
    prompt: str | None = None,
    votes_per_person: int | None = None,
    vote_on: str | None = None,
    share_code: str | None = None,
    question: str | None = None,
    now: dt.datetime,
    rng: random.Random | None = None,
) -> Activity:
    """Add an activity at the end of the agenda and return it.

    ``vote``: ``votes_per_person`` (default 3, at most 20) dots each, on ``vote_on``
    ``notes`` (default) or ``steps``. ``test``: ``share_code`` of a share link to the
    workshop's journey. ``question``: the ``question`` to answer. ``title`` defaults to the
    kind's Swedish name. Raises :class:`WorkshopError` when something does not fit the kind.
    """
    workshop = require_workshop(db, workshop_id)
    if kind not in ACTIVITY_KINDS:
        raise WorkshopError(
            f"Det finns ingen aktivitet av sorten '{kind}'. Välj en av: "
            f"{', '.join(ACTIVITY_KINDS)}."
        )
    heading = _optional_text(title, limit=MAX_TITLE_LENGTH, too_long="Rubriken")
    values: dict[str, Any] = {
        "id": new_id(rng),
        "workshop_id": workshop.id,
        "kind": kind,
        "title": heading or ACTIVITY_TITLES[kind],
        "prompt": _optional_text(prompt, limit=MAX_PROMPT_LENGTH, too_long="Instruktionen"),
        "votes_per_person": None,
        "vote_on": None,
        "share_code": None,
        "question": None,
        "created_at": stamp(now),
    }
    if kind == "vote":
        votes = DEFAULT_VOTES_PER_PERSON if votes_per_person is None else votes_per_person
        if isinstance(votes, bool) or not isinstance(votes, int):
            raise WorkshopError("Ange hur många röster varje deltagare får, som en siffra.")
        if not 1 <= votes <= MAX_VOTES_PER_PERSON:
            raise WorkshopError(
                f"Varje deltagare kan få från 1 till {MAX_VOTES_PER_PERSON} röster, inte {votes}."
            )
        target = vote_on or "notes"
        if target not in ("notes", "steps"):
            raise WorkshopError("Välj om deltagarna röstar på lappar (notes) eller steg (steps).")
        values["votes_per_person"] = votes
        values["vote_on"] = target
    elif votes_per_person is not None or vote_on is not None:
        raise WorkshopError("Bara en prickröstning har röster per person och något att rösta på.")
    if kind == "test":
        values["share_code"] = _check_share_code(db, workshop, share_code)
    elif share_code is not None:
        raise WorkshopError("Bara aktiviteten ”testa prototypen” har en delningslänk.")
    if kind == "question":
        values["question"] = _text(
            question,
            limit=MAX_QUESTION_LENGTH,
            empty="Skriv frågan deltagarna ska svara på.",
            too_long="Frågan",
        )
    elif question is not None:
        raise WorkshopError("Bara en öppen fråga har en fråga att svara på.")

    def work() -> dict[str, Any]:
        last = db.execute(
            "select coalesce(max(position), -1) from workshop_activities where workshop_id = ?",
            [workshop.id],
        ).fetchone()[0]
        row = {**values, "position": last + 1}
        db.table("workshop_activities").insert(row)
        return row

    return _activity(write(db, work))


def _check_share_code(db: Database, workshop: Workshop, share_code: str | None) -> str:
    if share_code is None or not share_code.strip():
        raise WorkshopError("Välj vilken delningslänk ni ska testa tillsammans.")
    try:
        code = normalise_code(share_code)
    except InvalidCode as exc:
        raise WorkshopError(str(exc)) from None
    link = get_share_link(db, code)
    if link is None:
        raise WorkshopError(f"Det finns ingen delningslänk med koden '{share_code}'.")
    if link.journey_id != workshop.journey_id:
        raise WorkshopError(
            f"Delningslänken '{share_code}' öppnar resan '{link.journey_id}', men workshoppen "
            f"handlar om '{workshop.journey_id}'. Välj en länk till samma resa."
        )
    return link.code


def reorder_activities(db: Database, workshop_id: str, activity_ids: list[str]) -> list[Activity]:
    """Put the agenda in this order: every activity of the workshop, each once."""
    workshop = require_workshop(db, workshop_id)

    def work() -> None:
        known = [a.id for a in agenda(db, workshop.id)]
        if sorted(activity_ids) != sorted(known):
            raise WorkshopError(
                f"Ange varje aktivitet i agendan en gång, i den nya ordningen "
                f"({len(known)} stycken)."
            )
        for position, activity_id in enumerate(activity_ids):
            db.execute(
                "update workshop_activities set position = ? where id = ?",
                [position, activity_id],
            )

    write(db, work)
    return agenda(db, workshop.id)


_UNCHANGED: Any = object()


def update_activity(
    db: Database,
    workshop_id: str,
    activity_id: str,
    *,
    title: str | None = _UNCHANGED,
    prompt: str | None = _UNCHANGED,
    votes_per_person: int = _UNCHANGED,
    vote_on: str = _UNCHANGED,
    question: str = _UNCHANGED,
    share_code: str = _UNCHANGED,
) -> Activity:
    """Change an activity of the agenda, also while the workshop runs; returns it.

    Only the settings given change. ``title`` None or empty gives back the kind's own name;
    ``prompt`` None or empty removes it. The votes per person of a dot vote may go up at any
    time, and down only to the most votes any participant has already cast in it: votes
    that were given are never taken away behind anyone's back, so the message names how
    many people would be over the new limit (they can take votes back first). What is voted
    on (notes or steps) cannot change once someone has voted. Raises :class:`WorkshopError`
    for a setting that does not belong to the activity's kind.
    """
    workshop = require_workshop(db, workshop_id)

    def work() -> Activity:
        activity = get_activity(db, activity_id) if isinstance(activity_id, str) else None
        if activity is None or activity.workshop_id != workshop.id:
            raise WorkshopError("Aktiviteten finns inte i workshoppens agenda.")
        changes: dict[str, Any] = {}
        if title is not _UNCHANGED:
            heading = _optional_text(title, limit=MAX_TITLE_LENGTH, too_long="Rubriken")
            changes["title"] = heading or ACTIVITY_TITLES[activity.kind]
        if prompt is not _UNCHANGED:
            changes["prompt"] = _optional_text(
                prompt, limit=MAX_PROMPT_LENGTH, too_long="Instruktionen"
            )
        if votes_per_person is not _UNCHANGED or vote_on is not _UNCHANGED:
            if activity.kind != "vote":
                raise WorkshopError(
                    f"”{activity.title}” är ingen prickröstning, så den har inga röster att ändra."
                )
            changes.update(_vote_changes(db, activity, votes_per_person, vote_on))
        if question is not _UNCHANGED:
            if activity.kind != "question":
                raise WorkshopError(f"”{activity.title}” är ingen öppen fråga.")
            changes["question"] = _text(
                question,
                limit=MAX_QUESTION_LENGTH,
                empty="Skriv frågan deltagarna ska svara på.",
                too_long="Frågan",
            )
        if share_code is not _UNCHANGED:
            if activity.kind != "test":
                raise WorkshopError("Bara aktiviteten ”testa prototypen” har en delningslänk.")
            changes["share_code"] = _check_share_code(db, workshop, share_code)
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            db.execute(
                f"update workshop_activities set {assignments} where id = ?",
                [*changes.values(), activity.id],
            )
        found = get_activity(db, activity.id)
        assert found is not None
        return found

    return write(db, work)


def _vote_changes(
    db: Database, activity: Activity, votes_per_person: object, vote_on: object
) -> dict[str, Any]:
    """The checked new vote settings of a dot vote (see :func:`update_activity`)."""
    changes: dict[str, Any] = {}
    if votes_per_person is not _UNCHANGED:
        votes = votes_per_person
        if isinstance(votes, bool) or not isinstance(votes, int):
            raise WorkshopError("Ange hur många röster varje deltagare får, som en siffra.")
        if not 1 <= votes <= MAX_VOTES_PER_PERSON:
            raise WorkshopError(
                f"Varje deltagare kan få från 1 till {MAX_VOTES_PER_PERSON} röster, inte {votes}."
            )
        over = db.execute(
            "select count(*), coalesce(max(used), 0) from (select count(*) as used "
            "from workshop_votes where activity_id = ? group by participant_id) "
            "where used > ?",
            [activity.id, votes],
        ).fetchone()
        if over[0]:
            people = "en deltagare har" if over[0] == 1 else f"{over[0]} deltagare har"
            raise WorkshopError(
                f"Det går inte att sänka till {votes} röster: {people} redan lagt upp till "
                f"{over[1]} röster i ”{activity.title}”. Röster som redan är lagda tas aldrig "
                f"bort. Välj minst {over[1]}, eller be deltagarna ta bort röster först."
            )
        changes["votes_per_person"] = votes
    if vote_on is not _UNCHANGED and vote_on != activity.vote_on:
        if vote_on not in ("notes", "steps"):
            raise WorkshopError("Välj om deltagarna röstar på lappar (notes) eller steg (steps).")
        cast = db.execute(
            "select count(*) from workshop_votes where activity_id = ?", [activity.id]
        ).fetchone()[0]
        if cast:
            raise WorkshopError(
                f"I ”{activity.title}” har deltagarna redan lagt {cast} röster, så det går inte "
                "att byta mellan att rösta på lappar och på steg. Lägg till en ny prickröstning."
            )
        changes["vote_on"] = vote_on
    return changes


def move_activity(db: Database, workshop_id: str, activity_id: str, offset: int) -> list[Activity]:
    """Move one activity ``offset`` places up (negative) or down the agenda; returns it.

    Moving past either end leaves the activity first or last. The current activity stays
    current wherever it moves."""
    ids = [a.id for a in agenda(db, workshop_id)]
    if activity_id not in ids:
        raise WorkshopError("Aktiviteten finns inte i workshoppens agenda.")
    if isinstance(offset, bool) or not isinstance(offset, int):
        raise WorkshopError("Ange hur många steg aktiviteten ska flyttas, som en siffra.")
    index = ids.index(activity_id)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    return reorder_activities(db, workshop_id, ids)


def remove_activity(db: Database, workshop_id: str, activity_id: str) -> list[Activity]:
    """Take an activity off the agenda and return the agenda.

    Refused while it is going on in an open workshop, and once it has notes or votes: what
    participants sent is never thrown away with an agenda item.
    """
    workshop = require_workshop(db, workshop_id)

    def work() -> None:
        activity = get_activity(db, activity_id)
        if activity is None or activity.workshop_id != workshop.id:
            raise WorkshopError("Aktiviteten finns inte i workshoppens agenda.")
        if workshop.state == "open" and workshop.current_activity_id == activity.id:
            raise WorkshopError(
                f"”{activity.title}” pågår just nu. Gå vidare till en annan aktivitet först."
            )
        notes = db.execute(
            "select count(*) from workshop_notes where activity_id = ?", [activity.id]
        ).fetchone()[0]
        votes = db.execute(
            "select count(*) from workshop_votes where activity_id = ?", [activity.id]
        ).fetchone()[0]
        if notes or votes:
            raise WorkshopError(
                f"”{activity.title}” har redan {notes} lappar och {votes} röster från "
                "deltagarna, så den kan inte tas bort."
            )
        if workshop.current_activity_id == activity.id:
            db.execute(
                "update workshops set current_activity_id = null where id = ?", [workshop.id]
            )
        db.execute("delete from workshop_activities where id = ?", [activity.id])
        remaining = [a.id for a in agenda(db, workshop.id)]
        for position, remaining_id in enumerate(remaining):
            db.execute(
                "update workshop_activities set position = ? where id = ?",
                [position, remaining_id],
            )

    write(db, work)
    return agenda(db, workshop.id)


# --- running --------------------------------------------------------------------------------


def _update(db: Database, workshop_id: str, changes: dict[str, Any]) -> Workshop:
    workshop = require_workshop(db, workshop_id)
    assignments = ", ".join(f"{column} = ?" for column in changes)

    def work() -> None:
        db.execute(
            f"update workshops set {assignments} where id = ?", [*changes.values(), workshop.id]
        )

    write(db, work)
    return require_workshop(db, workshop.id)


def open_workshop(db: Database, workshop_id: str, *, now: dt.datetime) -> Workshop:
    """Let participants join (again, when it was closed). Opening an open workshop changes
    nothing. The first activity starts when none has yet."""
    workshop = require_workshop(db, workshop_id)
    if workshop.state == "open":
        return workshop
    changes: dict[str, Any] = {
        "state": "open",
        "closed_at": None,
        "opened_at": stamp(workshop.opened_at or now),
    }
    if workshop.current_activity_id is None:
        activities = agenda(db, workshop.id)
        if activities:
            changes["current_activity_id"] = activities[0].id
    return _update(db, workshop.id, changes)


def close_workshop(db: Database, workshop_id: str, *, now: dt.datetime) -> Workshop:
    """End the workshop: nobody can join, add notes or vote any more; the timer stops.
    Closing a closed workshop keeps the first closing time."""
    workshop = require_workshop(db, workshop_id)
    if workshop.state == "closed":
        return workshop
    return _update(
        db, workshop.id, {"state": "closed", "closed_at": stamp(now), "timer_ends_at": None}
    )


def set_current_activity(db: Database, workshop_id: str, index: int) -> Workshop:
    """Go to the activity at ``index`` (from 0) in the agenda.

    A different activity starts afresh: input unlocked, results hidden, timer stopped.
    Going to the activity that is already current changes nothing.
    """
    workshop = require_workshop(db, workshop_id)
    activities = agenda(db, workshop.id)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(activities):
        if not activities:
            raise WorkshopError("Agendan är tom. Lägg till en aktivitet först.")
        raise WorkshopError(
            f"Agendan har {len(activities)} aktiviteter: välj en från 1 till {len(activities)}."
        )
    chosen = activities[index]
    if chosen.id == workshop.current_activity_id:
        return workshop
    return _update(
        db,
        workshop.id,
        {
            "current_activity_id": chosen.id,
            "input_locked": 0,
            "results_revealed": 0,
            "timer_ends_at": None,
        },
    )


def lock_input(db: Database, workshop_id: str) -> Workshop:
    """Stop participants from adding notes and votes for now (they see why)."""
    return _update(db, workshop_id, {"input_locked": 1})


def unlock_input(db: Database, workshop_id: str) -> Workshop:
    """Let participants add notes and votes again."""
    return _update(db, workshop_id, {"input_locked": 0})


def reveal_results(db: Database, workshop_id: str) -> Workshop:
    """Show the vote counts to participants and on the projector."""
    return _update(db, workshop_id, {"results_revealed": 1})


def hide_results(db: Database, workshop_id: str) -> Workshop:
    """Hide the vote counts from participants again."""
    return _update(db, workshop_id, {"results_revealed": 0})


def start_timer(db: Database, workshop_id: str, seconds: int, now: dt.datetime) -> Workshop:
    """Start (or restart) a countdown of ``seconds`` from ``now``; at most four hours.

    The timer is shown, not enforced: when it ends the facilitator decides what happens.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 1:
        raise WorkshopError("Ange hur många sekunder timern ska gå, minst 1.")
    if seconds > MAX_TIMER_SECONDS:
        raise WorkshopError("Timern kan gå i högst fyra timmar. Välj en kortare tid.")
    return _update(db, workshop_id, {"timer_ends_at": stamp(now + dt.timedelta(seconds=seconds))})


def stop_timer(db: Database, workshop_id: str) -> Workshop:
    """Remove the countdown."""
    return _update(db, workshop_id, {"timer_ends_at": None})
