"""Participants: people who join an open workshop with its code, on their own phones.

Joining works like starting a citizen test: consent and an age band come first (under 13
only when the facilitator has attested a guardian's consent for this workshop), nothing is
stored before that, and nobody gives a name: a nickname is optional and defaults to
"Anonym 3". Joining gives a token, the participant's capability for the rest of the
workshop, stored only as its hash.

Every function here is plain work on the database; the toolkit limits how often an address
may try. :class:`JoinError` says whether a failure counts as a guess at a code.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database

from feedback import AGE_BANDS, mask_personal_data
from workshops.codes import hash_token, new_token, normalise_join_code
from workshops.facilitation import new_id, workshop_from_row
from workshops.model import Activity, Joined, Participant, Workshop
from workshops.store import VOTES_OF_VOTER, WorkshopError, one, rows, stamp, write

MAX_NICKNAME_LENGTH = 30
ID_ATTEMPTS = 5

UNDER_13_MESSAGE = (
    "Du behöver vara minst 13 år för att delta, eller ha en vuxens tillåtelse som "
    "workshopledaren har intygat."
)
CONSENT_MESSAGE = (
    "Kryssa i att du vill vara med och att dina lappar och röster får sparas. Då kan du gå med."
)
GONE_MESSAGE = (
    "Vi känner inte igen dig i workshoppen längre. Skanna QR-koden eller skriv koden igen "
    "för att gå med."
)

JoinFailure = Literal["invalid", "unknown", "not-open", "closed"]


class JoinError(WorkshopError):
    """The code does not let anyone join now; the Swedish message says why.

    ``reason`` is ``invalid`` (cannot be a code), ``unknown`` (no workshop has it),
    ``not-open`` (not started yet) or ``closed``. The first two are what a guesser gets:
    :attr:`counts_as_guess` tells the toolkit which failures to count against an address.
    """

    def __init__(self, message: str, *, reason: JoinFailure) -> None:
        super().__init__(message)
        self.reason: JoinFailure = reason

    @property
    def counts_as_guess(self) -> bool:
        """True when the code matched no workshop at all."""
        return self.reason in ("invalid", "unknown")


def workshop_to_join(db: Database, code: str) -> Workshop:
    """The open workshop this code lets people join.

    Raises :class:`JoinError` (Swedish message and a ``reason``) when the code cannot be a
    code, matches no workshop, or the workshop has not opened yet or is closed.
    """
    try:
        wanted = normalise_join_code(code if isinstance(code, str) else "")
    except ValueError as exc:
        raise JoinError(str(exc), reason="invalid") from None
    row = one(db, "select * from workshops where join_code = ?", [wanted])
    if row is None:
        raise JoinError(
            f"Det finns ingen workshop med koden {wanted}. Titta på koden på skärmen igen.",
            reason="unknown",
        )
    workshop = workshop_from_row(db, row)
    if workshop.state == "draft":
        raise JoinError(
            "Workshoppen har inte börjat än. Vänta tills workshopledaren öppnar den och "
            "försök igen.",
            reason="not-open",
        )
    if workshop.state == "closed":
        raise JoinError(
            "Workshoppen är avslutad, så det går inte att gå med längre. Tack för att du ville "
            "vara med!",
            reason="closed",
        )
    return workshop


def _nickname(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    nickname = " ".join(text.split())
    if len(nickname) > MAX_NICKNAME_LENGTH:
        raise WorkshopError(
            f"Smeknamnet får vara högst {MAX_NICKNAME_LENGTH} tecken. Det har {len(nickname)} "
            "nu: korta det lite."
        )
    return mask_personal_data(nickname)[0]


def join(
    db: Database,
    code: str,
    *,
    age_band: str,
    consent: bool,
    nickname: str | None = None,
    now: dt.datetime,
    rng: random.Random | None = None,
    workshop: Workshop | None = None,
) -> Joined:
    """Join the open workshop with this code, after consent. Returns the participant and
    their token (give it to the phone; only its hash is kept).

    Raises :class:`JoinError` for a code that does not let anyone join now, and
    :class:`WorkshopError` without consent, without an age band, under 13 when the workshop
    does not allow it, or for a nickname over 30 characters. Nothing is stored then.
    ``workshop``: what :func:`workshop_to_join` gave for ``code`` just before (it is not
    looked up again; that it is still open is checked under the write lock anyway).
    """
    if workshop is None or workshop.join_code != code:
        workshop = workshop_to_join(db, code)
    if age_band not in AGE_BANDS:
        raise WorkshopError("Välj hur gammal du är för att kunna delta.")
    if age_band == "under-13" and not workshop.allow_under_13:
        raise WorkshopError(UNDER_13_MESSAGE)
    if consent is not True:
        raise WorkshopError(CONSENT_MESSAGE)
    chosen = _nickname(nickname)
    moment = stamp(now)
    for _ in range(ID_ATTEMPTS):
        token = new_token(rng)
        participant_id = new_id(rng)

        def work(token: str = token, participant_id: str = participant_id) -> dict[str, Any]:
            current = one(db, "select state from workshops where id = ?", [workshop.id])
            if current is None or current["state"] != "open":
                raise JoinError(
                    "Workshoppen är avslutad, så det går inte att gå med längre.",
                    reason="closed",
                )
            number = db.execute(
                "select coalesce(max(number), 0) + 1 from workshop_participants "
                "where workshop_id = ?",
                [workshop.id],
            ).fetchone()[0]
            row = {
                "id": participant_id,
                "workshop_id": workshop.id,
                "number": number,
                "nickname": chosen or f"Anonym {number}",
                "age_band": age_band,
                "consent_at": moment,
                "token_hash": hash_token(token),
                "joined_at": moment,
                "last_seen_at": moment,
            }
            db.execute(
                f"insert into workshop_participants ({', '.join(row)}) "
                f"values ({', '.join('?' for _ in row)})",
                list(row.values()),
            )
            return row

        try:
            row = write(db, work)
        except sqlite3.IntegrityError:  # an id or token already taken: practically never
            continue
        return Joined(participant=_participant(row), token=token)
    raise WorkshopError(f"Kunde inte gå med på {ID_ATTEMPTS} försök. Försök igen.")


def _participant(row: dict[str, Any]) -> Participant:
    return Participant.model_validate({k: v for k, v in row.items() if k != "token_hash"})


def participant_row(db: Database, token: object) -> dict[str, Any] | None:
    """The stored row of the participant with this token, or None."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    return one(db, "select * from workshop_participants where token_hash = ?", [hash_token(token)])


def joined_workshop(db: Database, token: object) -> tuple[str, str] | None:
    """The id and join code of the workshop the participant with this token joined, or
    None: a check of who posts that is cheaper than :func:`presence`."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    found = db.execute(
        "select w.id, w.join_code from workshop_participants p "
        "join workshops w on w.id = p.workshop_id where p.token_hash = ?",
        [hash_token(token)],
    ).fetchone()
    return (str(found[0]), str(found[1])) if found is not None else None


def get_participant(db: Database, token: str) -> Participant | None:
    """The participant with this token, or None (unknown token, or the workshop erased)."""
    row = participant_row(db, token)
    return _participant(row) if row else None


def list_participants(db: Database, workshop_id: str) -> list[Participant]:
    """Everyone who joined the workshop, in the order they joined."""
    found = rows(
        db,
        "select * from workshop_participants where workshop_id = ? order by number",
        [workshop_id],
    )
    return [_participant(row) for row in found]


# --- where a participant is now -------------------------------------------------------------


_WORKSHOP_COLUMNS = (
    "id, journey_id, version_id, title, date, join_code, state, facilitator, allow_under_13, "
    "current_activity_id, input_locked, results_revealed, timer_ends_at, created_at, "
    "opened_at, closed_at, notes_revision"
)
_ACTIVITY_COLUMNS = (
    "id, workshop_id, position, kind, title, prompt, votes_per_person, vote_on, share_code, "
    "question, created_at"
)
_PARTICIPANT_COLUMNS = (
    "id, workshop_id, number, nickname, age_band, consent_at, joined_at, last_seen_at"
)


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in columns.split(", "))


_PRESENCE_SQL = (
    f"select {_prefixed('p', _PARTICIPANT_COLUMNS)}, {_prefixed('w', _WORKSHOP_COLUMNS)}, "
    f"{_prefixed('a', _ACTIVITY_COLUMNS)}, "
    f"{VOTES_OF_VOTER.format(activity='a.id', participant='p.id')} "
    "from workshop_participants p join workshops w on w.id = p.workshop_id "
    "left join workshop_activities a on a.id = w.current_activity_id "
    "where p.token_hash = ?"
)


_P = _PARTICIPANT_COLUMNS.split(", ")
_W = _WORKSHOP_COLUMNS.split(", ")
_A = _ACTIVITY_COLUMNS.split(", ")


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value is not None else None


@dataclass(frozen=True)
class Presence:
    """A participant, their workshop and its current activity, read in one query.

    ``votes_used`` counts the participant's votes in the current activity;
    ``notes_revision`` moves whenever a note of the workshop is added, changed or removed.
    """

    participant: Participant
    workshop: Workshop
    activity: Activity | None
    votes_used: int
    notes_revision: int

    @property
    def votes_left(self) -> int:
        """Votes left in the current vote (0 when no vote is going on)."""
        if self.activity is None or self.activity.kind != "vote":
            return 0
        return max(0, (self.activity.votes_per_person or 0) - self.votes_used)


def presence(db: Database, token: object) -> Presence | None:
    """Where the participant with this token is now, or None for an unknown token.

    One indexed query instead of one per table, for what every request of a participant
    asks; the models are made from the stored rows without validating them again (they
    were validated when written and the tables' checks hold them).
    """
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = db.execute(_PRESENCE_SQL, [hash_token(token)]).fetchone()
    if row is None:
        return None
    at = len(_P) + len(_W)
    p, w, a = row[: len(_P)], row[len(_P) : at], row[at : at + len(_A)]
    activity = _made(_activity_of, a) if a[0] is not None else None
    workshop = _made(_workshop_of, (*w, activity.position if activity is not None else None))
    return Presence(
        participant=_made(_participant_of, p),
        workshop=workshop,
        activity=activity,
        votes_used=int(row[-1]),
        notes_revision=workshop.notes_revision,
    )


def _participant_of(values: tuple[Any, ...]) -> Participant:
    p = dict(zip(_P, values, strict=True))
    for key in ("consent_at", "joined_at", "last_seen_at"):
        p[key] = dt.datetime.fromisoformat(p[key])
    return Participant.model_construct(**p)


def _activity_of(values: tuple[Any, ...]) -> Activity:
    a = dict(zip(_A, values, strict=True))
    a["created_at"] = dt.datetime.fromisoformat(a["created_at"])
    return Activity.model_construct(**a)


def _workshop_of(values: tuple[Any, ...]) -> Workshop:
    w = dict(zip([*_W, "current_index"], values, strict=True))
    w["date"] = dt.date.fromisoformat(w["date"])
    for key in ("timer_ends_at", "created_at", "opened_at", "closed_at"):
        w[key] = _time(w[key])
    for key in ("allow_under_13", "input_locked", "results_revealed"):
        w[key] = bool(w[key])
    return Workshop.model_construct(**w)


_MADE: dict[tuple[Any, ...], Any] = {}
_MADE_MAX = 4096


def _made(make: Any, values: tuple[Any, ...]) -> Any:
    """``make(values)``, made once per process for the same stored values: the row of a
    workshop and its activity change a few times an hour, a participant's about once a
    minute (:data:`SEEN_PRECISION`), so most requests find their models already made.
    Keyed by every stored value, so it is never out of date; shared, so read-only."""
    key = (make, *values)
    found = _MADE.get(key)
    if found is None:
        if len(_MADE) >= _MADE_MAX:
            _MADE.clear()
        found = _MADE[key] = make(values)
    return found


# --- acting as a participant ----------------------------------------------------------------


def require_participant(db: Database, token: object) -> dict[str, Any]:
    """The participant's row; :class:`WorkshopError` when the token is unknown."""
    row = participant_row(db, token)
    if row is None:
        raise WorkshopError(GONE_MESSAGE)
    return row


def check_takes_input(workshop: Workshop, activity: Activity | None, *, doing: str) -> None:
    """:class:`WorkshopError` unless the workshop is open, not paused and at an activity;
    call inside the write. ``doing`` completes "det går inte att ..." in the messages
    (``lägga till lappar``)."""
    if workshop.state != "open":
        raise WorkshopError(
            f"Workshoppen är avslutad, så det går inte att {doing} längre. Tack för att du var med!"
        )
    if workshop.input_locked:
        raise WorkshopError(
            f"Workshopledaren har pausat just nu, så det går inte att {doing}. "
            "Vänta tills pausen är slut och försök igen."
        )
    if activity is None:
        raise WorkshopError(
            f"Workshoppen har inte börjat än, så det går inte att {doing}. Vänta tills "
            "workshopledaren startar första aktiviteten."
        )


SEEN_PRECISION = dt.timedelta(minutes=1)
"""How exactly ``last_seen_at`` is kept by notes and votes: one within a minute of the last
leaves the participant's row alone, so it writes one table, not two."""


def touch_seen(db: Database, here: Presence, now: dt.datetime) -> None:
    """:func:`touch`, unless ``last_seen_at`` is within :data:`SEEN_PRECISION` of ``now``."""
    moment = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
    if abs(moment - here.participant.last_seen_at) >= SEEN_PRECISION:
        touch(db, here.participant.id, now)


def touch(db: Database, participant_id: str, now: dt.datetime) -> None:
    """Move the participant's ``last_seen_at`` forward to ``now`` (never back)."""
    db.execute(
        "update workshop_participants set last_seen_at = max(last_seen_at, ?) where id = ?",
        [stamp(now), participant_id],
    )
