"""A file database with a saved journey, a published version and a share link to test."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from feedback import Event, TestSession, start_session
from journeys import Journey, read_text
from journeys.store import save_journey
from prototypes import ShareLink, create_share_link, publish_version
from toolkit.db import open_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)

PARKERING = """\
id: parkering
title: Ansök om parkeringstillstånd
organisation: Exempelkommun
steps:
  - id: start
    kind: screen
    title: Start
    next: kontrollera-svar
  - id: kontrollera-svar
    kind: screen
    title: Kontrollera dina svar
    next: klart
  - id: klart
    kind: screen
    title: Klart
"""


def journey(text: str = PARKERING) -> Journey:
    document = read_text(text)
    assert document.journey is not None, document.findings
    return document.journey


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "medskapa.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_db(db_path)
    yield database
    database.conn.close()


def shared_link(db: Database) -> ShareLink:
    """The parking permit journey saved and published, and a share link to version 1 (no
    testers under 13)."""
    save_journey(db, journey(), source=PARKERING, author="anna", now=T0)
    version = publish_version(db, "parkering", note="v1", author="anna", now=T0)
    return create_share_link(db, version.id, created_by="anna", now=T0, rng=random.Random(1))


@pytest.fixture
def link(db: Database) -> ShareLink:
    """A share link to version 1 of the parking permit journey (no testers under 13)."""
    return shared_link(db)


def starter(db: Database, link: ShareLink) -> Callable[..., TestSession]:
    """Start a session on the share link, as a tester who gave consent."""

    def _start(
        *, age_band: str = "16-17", allow_under_13: bool = False, now: dt.datetime = T0
    ) -> TestSession:
        return start_session(
            db,
            share_code=link.code,
            version_id=link.version_id,
            journey_id=link.journey_id,
            age_band=age_band,
            allow_under_13=allow_under_13,
            user_agent=PHONE_UA,
            now=now,
        )

    return _start


@pytest.fixture
def start(db: Database, link: ShareLink) -> Callable[..., TestSession]:
    """Start a session on the share link, as a tester who gave consent."""
    return starter(db, link)


@pytest.fixture
def session(start: Callable[..., TestSession]) -> TestSession:
    return start()


def event(
    session: TestSession,
    kind: str = "screen_viewed",
    *,
    step_id: str | None = "start",
    at: dt.datetime = T0,
    id: str | None = None,
    **fields: object,
) -> Event:
    """An event as a tester's page would send it, with a fresh id unless given."""
    return Event(
        id=str(uuid.uuid4()) if id is None else id,
        session_id=session.id,
        kind=kind,
        step_id=step_id,
        at=at,
        **fields,
    )


def count(db: Database, table: str, session_id: str | None = None) -> int:
    """How many rows a table has (of one session when given)."""
    if session_id is None:
        return db.execute(f"select count(*) from {table}").fetchone()[0]
    return db.execute(
        f"select count(*) from {table} where session_id = ?", [session_id]
    ).fetchone()[0]
