"""A file database with the parking permit journey and a workshop about it, ready to run.

The workshop's agenda: walk the journey, notes on steps, a dot vote on notes (3 each), a
dot vote on steps (2 each), an open question. It starts as a draft; ``run(kind)`` opens it
and goes to the first activity of that kind.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import read_file, save_journey
from prototypes import Version, publish_version
from toolkit.db import open_db
from workshops import (
    Activity,
    Workshop,
    add_activity,
    add_note,
    agenda,
    create_workshop,
    join,
    open_workshop,
    set_current_activity,
)

T0 = dt.datetime(2026, 3, 12, 13, 0, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"
FACILITATOR = "lina.facilitator@exempelkommun.se"


def uid() -> str:
    """A fresh client-made id, as a phone makes with crypto.randomUUID()."""
    return str(uuid.uuid4())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "medskapa.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_db(db_path)
    yield database
    database.conn.close()


@pytest.fixture
def version(db: Database) -> Version:
    """The parking permit journey, saved as a designer does and published as v1."""
    document = read_file(EXAMPLE)
    assert document.journey is not None, document.findings
    save_journey(db, document.journey, source=EXAMPLE.read_text("utf-8"), author="anna", now=T0)
    return publish_version(db, document.journey.id, note="v1", author="anna", now=T0)


@pytest.fixture
def workshop(db: Database, version: Version) -> Workshop:
    made = create_workshop(
        db,
        version.journey_id,
        version_id=version.id,
        title="Workshop med pensionärsrådet",
        date=dt.date(2026, 3, 12),
        facilitator=FACILITATOR,
        now=T0,
        rng=random.Random(7),
    )
    add_activity(db, made.id, "walk", now=T0)
    add_activity(db, made.id, "notes", prompt="Var blir det krångligt?", now=T0)
    add_activity(db, made.id, "vote", votes_per_person=3, vote_on="notes", now=T0)
    add_activity(db, made.id, "vote", votes_per_person=2, vote_on="steps", now=T0)
    add_activity(db, made.id, "question", question="Vad skulle göra det lättare?", now=T0)
    return made


@pytest.fixture
def run(db: Database, workshop: Workshop) -> Callable[..., Activity]:
    """Open the workshop and go to the first activity of a kind (and vote_on, for votes)."""

    def _run(kind: str, vote_on: str | None = None) -> Activity:
        open_workshop(db, workshop.id, now=T0)
        for index, activity in enumerate(agenda(db, workshop.id)):
            if activity.kind == kind and (vote_on is None or activity.vote_on == vote_on):
                set_current_activity(db, workshop.id, index)
                return activity
        raise AssertionError(f"no {kind} activity in the agenda")

    return _run


@pytest.fixture
def participant(db: Database, workshop: Workshop) -> Callable[..., str]:
    """Join the workshop (opening it first) and return the participant's token."""

    def _join(nickname: str | None = None, age_band: str = "65-79") -> str:
        open_workshop(db, workshop.id, now=T0)
        joined = join(
            db, workshop.join_code, age_band=age_band, consent=True, nickname=nickname, now=T0
        )
        return joined.token

    return _join


def note(
    db: Database,
    token: str,
    step_id: str | None = "logga-in",
    text: str = "Svårt att logga in",
    kind: str = "pain",
) -> str:
    """Add a note as a participant and return its id."""
    note_id = uid()
    assert add_note(db, token, id=note_id, step_id=step_id, kind=kind, text=text, now=T0)
    return note_id


def count(db: Database, table: str) -> int:
    """How many rows a table has."""
    return db.execute(f"select count(*) from {table}").fetchone()[0]
