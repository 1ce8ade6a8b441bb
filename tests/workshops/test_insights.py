"""Sending a workshop's notes to the journey: insights on the same steps as the test data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlite_utils import Database

from tests.workshops.conftest import T0, count, note, uid
from workshops import (
    Activity,
    Workshop,
    delete_workshop,
    hide_note,
    merge_notes,
    send_notes_to_journey,
    set_note_kind,
    step_insights,
    vote,
)

LATER = T0 + dt.timedelta(hours=1)


def test_sending_notes_to_the_journey_twice_changes_nothing(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    token = participant()
    pain = note(db, token, step_id="foto", text="Jag har ingen skrivare")
    idea = note(db, token, step_id="foto", kind="idea", text="Ta fotot med mobilen")
    run("vote", "notes")
    vote(db, token, id=uid(), note_id=idea, now=T0)

    assert send_notes_to_journey(db, workshop.id, T0) == 2
    first = step_insights(db, workshop.journey_id)
    assert send_notes_to_journey(db, workshop.id, LATER) == 2
    assert step_insights(db, workshop.journey_id) == first
    assert count(db, "step_insights") == 2
    assert [(i.step_id, i.source, i.source_id, i.kind, i.votes) for i in first] == [
        ("foto", "workshop", idea, "idea", 1),
        ("foto", "workshop", pain, "pain", 0),
    ]
    assert all(i.created_at == T0 for i in first)


def test_sending_again_follows_moderation(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    token = participant()
    a = note(db, token, step_id="logga-in", text="BankID krånglar")
    b = note(db, token, step_id="logga-in", text="BankID fungerar inte")
    rude = note(db, token, step_id="start", text="Dumt")
    answer = None
    run("question")
    answer = note(db, token, step_id=None, kind="idea", text="Färre frågor")
    send_notes_to_journey(db, workshop.id, T0)
    assert {i.source_id for i in step_insights(db, workshop.journey_id)} == {a, b, rude}

    hide_note(db, workshop.id, rude, now=LATER)
    merge_notes(db, workshop.id, a, b, now=LATER)
    set_note_kind(db, workshop.id, b, "question", now=LATER)
    assert send_notes_to_journey(db, workshop.id, LATER) == 1

    insights = step_insights(db, workshop.journey_id)
    assert [(i.source_id, i.kind, i.created_at) for i in insights] == [(b, "question", T0)]
    assert answer not in {i.source_id for i in insights}
    assert step_insights(db, workshop.journey_id, step_id="start") == []


def test_deleting_a_workshop_takes_its_insights_along(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    note(db, participant())
    send_notes_to_journey(db, workshop.id, T0)
    assert delete_workshop(db, workshop.id) is True
    assert delete_workshop(db, workshop.id) is False
    for table in ("workshops", "workshop_notes", "workshop_participants", "step_insights"):
        assert count(db, table) == 0
