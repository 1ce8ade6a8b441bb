"""The workshops package's tables, their migrations and the helpers its modules share.

The caller opens the database (foreign keys on) and applies the journeys, prototypes and
feedback migrations first, then :data:`MIGRATIONS`: workshops refer to journeys and versions.

Tables::

    workshops              id (pk, uuid), journey_id (fk journeys), version_id (fk
                           prototype_versions, null: the journey's current draft), title,
                           date, join_code (unique), state (draft|open|closed), facilitator,
                           allow_under_13, current_activity_id, input_locked,
                           results_revealed, timer_ends_at, created_at, opened_at, closed_at,
                           notes_revision (m002: moved by triggers whenever a note of the
                           workshop is added, changed or removed)
    workshop_activities    id (pk), workshop_id (fk, cascade), position, kind
                           (walk|notes|vote|test|question), title, prompt,
                           votes_per_person, vote_on (notes|steps), share_code, question,
                           created_at
    workshop_participants  id (pk), workshop_id (fk, cascade), number (unique per workshop),
                           nickname, age_band, consent_at, token_hash (unique, sha256),
                           joined_at, last_seen_at
    workshop_notes         id (pk, client-made uuid), workshop_id, activity_id, participant_id,
                           step_id (null only for answers to an open question), kind
                           (pain|idea|question|praise), text (masked), masked, hidden,
                           merged_into (fk notes), created_at, updated_at
    workshop_votes         id (pk, client-made uuid), workshop_id, activity_id,
                           participant_id, note_id or step_id (exactly one), created_at;
                           one vote per voter and target in an activity; a trigger refuses
                           a vote over the activity's votes_per_person (counted through
                           the partial indexes since m002)
    step_insights          source + source_id (pk), journey_id, step_id, kind, text, votes,
                           created_at; index (journey_id, step_id). What the designer's heat
                           view reads next to the test metrics; workshops write source
                           'workshop' with the note id as source_id.

Writes run in ``BEGIN IMMEDIATE`` transactions (see :func:`write`), as in ``feedback``: on a
WAL database with one connection per request, a transaction that reads first and writes
later fails at once with "database is locked" when another connection wrote in between;
taking the write lock first lets the busy timeout queue the writers instead. It is also what
keeps the per-person vote limit: the count and the insert happen under one write lock.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from feedback import store as feedback_store
from feedback.store import rows as rows
from feedback.store import stamp as stamp
from journeys.store import KEPT_MAX as KEPT_MAX  # values kept on a pooled connection
from journeys.store import kept as kept
from journeys.store import write as write  # one write transaction for every package

T = TypeVar("T")

MIGRATIONS = Migrations("workshops")
"""The workshops package's tables, in order. The toolkit applies them after feedback's."""

VOTE_LIMIT_MESSAGE = (
    "Du har använt alla dina röster. Ta bort en röst om du vill rösta på något annat."
)


class WorkshopError(ValueError):
    """What was asked cannot be done; the Swedish message says why and what to do instead.

    Nothing was stored when it is raised.
    """


@MIGRATIONS()
def m001_create_workshops(db: Database) -> None:
    """Workshops, their agendas, participants, notes, votes and the insights on steps."""
    db.execute(
        """
        create table workshops (
            id text primary key,
            journey_id text not null references journeys (id),
            version_id text references prototype_versions (id),
            title text not null,
            date text not null,
            join_code text not null unique,
            state text not null default 'draft' check (state in ('draft', 'open', 'closed')),
            facilitator text not null,
            allow_under_13 integer not null default 0,
            current_activity_id text,
            input_locked integer not null default 0,
            results_revealed integer not null default 0,
            timer_ends_at text,
            created_at text not null,
            opened_at text,
            closed_at text
        )
        """
    )
    db.execute("create index workshops_journey on workshops (journey_id)")
    db.execute("create index workshops_facilitator on workshops (facilitator)")
    db.execute(
        """
        create table workshop_activities (
            id text primary key,
            workshop_id text not null references workshops (id) on delete cascade,
            position integer not null,
            kind text not null check (kind in ('walk', 'notes', 'vote', 'test', 'question')),
            title text not null,
            prompt text,
            votes_per_person integer check (votes_per_person between 1 and 20),
            vote_on text check (vote_on in ('notes', 'steps')),
            share_code text,
            question text,
            created_at text not null
        )
        """
    )
    db.execute(
        "create index workshop_activities_workshop on workshop_activities (workshop_id, position)"
    )
    db.execute(
        """
        create table workshop_participants (
            id text primary key,
            workshop_id text not null references workshops (id) on delete cascade,
            number integer not null,
            nickname text not null,
            age_band text not null,
            consent_at text not null,
            token_hash text not null unique,
            joined_at text not null,
            last_seen_at text not null,
            unique (workshop_id, number)
        )
        """
    )
    db.execute(
        """
        create table workshop_notes (
            id text primary key,
            workshop_id text not null references workshops (id) on delete cascade,
            activity_id text not null references workshop_activities (id),
            participant_id text not null references workshop_participants (id),
            step_id text,
            kind text not null check (kind in ('pain', 'idea', 'question', 'praise')),
            text text not null,
            masked integer not null,
            hidden integer not null default 0,
            merged_into text references workshop_notes (id),
            created_at text not null,
            updated_at text not null
        )
        """
    )
    db.execute("create index workshop_notes_workshop_step on workshop_notes (workshop_id, step_id)")
    db.execute("create index workshop_notes_activity on workshop_notes (activity_id)")
    db.execute("create index workshop_notes_participant on workshop_notes (participant_id)")
    db.execute("create index workshop_notes_merged_into on workshop_notes (merged_into)")
    db.execute(
        """
        create table workshop_votes (
            id text primary key,
            workshop_id text not null references workshops (id) on delete cascade,
            activity_id text not null references workshop_activities (id),
            participant_id text not null references workshop_participants (id),
            note_id text references workshop_notes (id),
            step_id text,
            created_at text not null,
            check ((note_id is null) <> (step_id is null))
        )
        """
    )
    db.execute(
        "create unique index workshop_votes_one_per_note "
        "on workshop_votes (activity_id, participant_id, note_id) where note_id is not null"
    )
    db.execute(
        "create unique index workshop_votes_one_per_step "
        "on workshop_votes (activity_id, participant_id, step_id) where step_id is not null"
    )
    db.execute("create index workshop_votes_note on workshop_votes (note_id)")
    db.execute("create index workshop_votes_workshop_step on workshop_votes (workshop_id, step_id)")
    message = VOTE_LIMIT_MESSAGE.replace("'", "''")
    db.execute(
        f"""
        create trigger workshop_votes_limit
        before insert on workshop_votes
        when (
            select count(*) from workshop_votes
            where activity_id = new.activity_id and participant_id = new.participant_id
        ) >= (
            select coalesce(votes_per_person, 0) from workshop_activities
            where id = new.activity_id
        )
        begin
            select raise(abort, '{message}');
        end
        """
    )
    db.execute(
        """
        create table step_insights (
            source text not null,
            source_id text not null,
            journey_id text not null,
            step_id text not null,
            kind text not null,
            text text not null,
            votes integer not null default 0,
            created_at text not null,
            primary key (source, source_id)
        )
        """
    )
    db.execute("create index step_insights_journey_step on step_insights (journey_id, step_id)")


VOTES_OF_VOTER = (
    "(select count(*) from workshop_votes where activity_id = {activity} "
    "and participant_id = {participant} and note_id is not null) + "
    "(select count(*) from workshop_votes where activity_id = {activity} "
    "and participant_id = {participant} and step_id is not null)"
)
"""SQL for the votes of one voter in one activity, for ``str.format`` with the two column
expressions. A vote has exactly one of note and step, so this counts each vote once, and
each half is a search in the unique partial index on (activity, participant, note or step)
that every vote is in anyway; a plain ``where activity_id = ? and participant_id = ?``
cannot use a partial index and read every vote stored."""


@MIGRATIONS()
def m002_vote_counts_and_notes_revision(db: Database) -> None:
    """What the participant pages ask on every request, without reading whole tables (#7).

    The vote limit trigger counts a voter's votes through the partial indexes
    (:data:`VOTES_OF_VOTER`) instead of reading every vote stored. And
    ``workshops.notes_revision`` moves, by triggers, with every insert, change and removal
    of a note, so a phone's poll can tell that the notes changed from the workshop's own
    row, whoever changed them (this process, another one, the CLI).
    """
    message = VOTE_LIMIT_MESSAGE.replace("'", "''")
    count = VOTES_OF_VOTER.format(activity="new.activity_id", participant="new.participant_id")
    db.execute("drop trigger workshop_votes_limit")
    db.execute(
        f"""
        create trigger workshop_votes_limit
        before insert on workshop_votes
        when ({count}) >= (
            select coalesce(votes_per_person, 0) from workshop_activities
            where id = new.activity_id
        )
        begin
            select raise(abort, '{message}');
        end
        """
    )
    db.execute("alter table workshops add column notes_revision integer not null default 0")
    for event, row in (("insert", "new"), ("update", "new"), ("delete", "old")):
        db.execute(
            f"""
            create trigger workshop_notes_revision_{event}
            after {event} on workshop_notes
            begin
                update workshops set notes_revision = notes_revision + 1
                where id = {row}.workshop_id;
            end
            """
        )


def apply_migrations(db: Database) -> None:
    """Create or update the workshops tables (after feedback's). Safe to rerun."""
    MIGRATIONS.apply(db)


# --- values ---------------------------------------------------------------------------------


def canonical_uuid(text: object, *, what: str = "Id:t") -> str:
    """``text`` as a lower-case UUID with hyphens; :class:`WorkshopError` when it is not one."""
    return feedback_store.canonical_uuid(text, what=what, error=WorkshopError)


def one(db: Database, sql: str, params: list[Any] | None = None) -> dict[str, Any] | None:
    """The first row of a query, or None."""
    found = rows(db, sql, params)
    return found[0] if found else None
