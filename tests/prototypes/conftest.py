"""A fresh database with the journeys and prototypes tables, and a way to save journeys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlite_utils import Database

import prototypes
from journeys import Journey, read_text
from journeys import store as journey_store

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

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


def journey(text: str) -> Journey:
    """The journey in a YAML text, which must have the right shape."""
    document = read_text(text)
    assert document.journey is not None, document.findings
    return document.journey


@pytest.fixture
def db() -> Database:
    database = Database(memory=True)
    database.execute("PRAGMA foreign_keys = ON")
    journey_store.MIGRATIONS.apply(database)
    prototypes.MIGRATIONS.apply(database)
    return database


@pytest.fixture
def save(db: Database) -> Callable[..., Journey]:
    """Save a journey draft from YAML, as a designer does before publishing."""

    def _save(text: str = PARKERING, *, now: dt.datetime = T0) -> Journey:
        draft = journey(text)
        journey_store.save_journey(db, draft, source=text, author="anna", now=now)
        return draft

    return _save
