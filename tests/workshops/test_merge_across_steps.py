"""Merging notes that say the same thing on different steps, onto the step the facilitator
chooses, with their votes carried over and nobody counted twice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlite_utils import Database

from tests.workshops.conftest import T0, count, note, uid
from workshops import (
    Activity,
    Workshop,
    WorkshopError,
    add_activity,
    get_note,
    merge_notes,
    merge_notes_to_step,
    notes_by_step,
    participation,
    results,
    send_notes_to_journey,
    set_current_activity,
    step_insights,
    vote,
    votes_left,
)


def _on(db: Database, workshop: Workshop, step_id: str) -> list[tuple[str, int | None]]:
    step = next(s for s in notes_by_step(db, workshop.id, audience="facilitator")
                if s.step_id == step_id)  # fmt: skip
    return [(n.text, n.votes) for n in step.notes]


def test_notes_from_three_steps_become_one_note_on_the_chosen_step_with_their_votes(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    run("notes")
    anna, bertil, cecilia = participant("Anna"), participant("Bertil"), participant("Cecilia")
    on_login = note(db, anna, "logga-in", "BankID krånglar")
    on_photo = note(db, bertil, "foto", "Appen för fotot kräver BankID igen")
    on_start = note(db, cecilia, "start", "Oklart att man behöver BankID")
    other = note(db, cecilia, "start", "Tydlig start", kind="praise")
    run("vote", "notes")
    # Anna votes for all three BankID notes: after the merge she has one vote on it
    for token, note_id in [
        (anna, on_login),
        (anna, on_photo),
        (anna, on_start),
        (bertil, on_photo),
        (cecilia, other),
    ]:
        assert vote(db, token, id=uid(), note_id=note_id, now=T0)
    assert votes_left(db, anna) == 0

    kept = merge_notes_to_step(
        db, workshop.id, [on_login, on_photo, on_start], into_id=on_photo, step_id="logga-in",
        now=T0,
    )  # fmt: skip

    assert kept.id == on_photo and kept.step_id == "logga-in"
    assert kept.text == "Appen för fotot kräver BankID igen"
    assert _on(db, workshop, "logga-in") == [("Appen för fotot kräver BankID igen", 2)]
    assert _on(db, workshop, "foto") == [] and _on(db, workshop, "start") == [("Tydlig start", 1)]
    assert votes_left(db, anna) == 2  # two of her three votes came back to use
    counts = {c.note_id: c.votes for c in results(db, workshop.id).counts}
    assert counts == {on_photo: 2, other: 1}
    assert participation(db, workshop.id).votes == 3
    for gone in (on_login, on_start):
        merged = get_note(db, gone)
        assert merged is not None and merged.merged_into == on_photo
    # a phone still showing a merged note: its vote goes to the kept note, once
    assert vote(db, anna, id=uid(), note_id=on_login, now=T0) is False
    assert vote(db, cecilia, id=uid(), note_id=on_start, now=T0) is True
    assert _on(db, workshop, "logga-in") == [("Appen för fotot kräver BankID igen", 3)]


def test_votes_in_two_different_votes_both_stay(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    run("notes")
    anna = participant("Anna")
    a = note(db, anna, "logga-in", "BankID krånglar")
    b = note(db, anna, "foto", "BankID igen")
    first_vote = run("vote", "notes")
    vote(db, anna, id=uid(), note_id=a, now=T0)
    second = add_activity(db, workshop.id, "vote", votes_per_person=1, now=T0)
    set_current_activity(db, workshop.id, second.position)
    vote(db, anna, id=uid(), note_id=b, now=T0)

    merge_notes_to_step(db, workshop.id, [a, b], into_id=a, now=T0)

    assert results(db, workshop.id, activity_id=first_vote.id).counts[0].votes == 1
    assert results(db, workshop.id, activity_id=second.id).counts[0].votes == 1
    assert _on(db, workshop, "logga-in") == [("BankID krånglar", 2)]  # its step is kept
    assert votes_left(db, anna) == 0  # one vote each, within each vote's limit


def test_a_merge_that_cannot_be_done_changes_nothing(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    run("notes")
    token = participant()
    a, b, c = (note(db, token, s, t) for s, t in [("logga-in", "ett"), ("foto", "två"),
                                                  ("start", "tre")])  # fmt: skip
    merge_notes(db, workshop.id, c, b, now=T0)
    before = [(n.text, n.votes) for s in notes_by_step(db, workshop.id) for n in s.notes]

    with pytest.raises(WorkshopError, match="redan sammanslagen"):
        merge_notes_to_step(db, workshop.id, [a, c], into_id=b, now=T0)
    with pytest.raises(WorkshopError, match="Menade du 'logga-in'"):
        merge_notes_to_step(db, workshop.id, [a], into_id=b, step_id="loga-in", now=T0)
    with pytest.raises(WorkshopError, match="minst två lappar"):
        merge_notes_to_step(db, workshop.id, [b], into_id=b, now=T0)
    with pytest.raises(WorkshopError, match="finns inte i den här workshoppen"):
        merge_notes_to_step(db, workshop.id, [a, uid()], into_id=b, now=T0)

    after = [(n.text, n.votes) for s in notes_by_step(db, workshop.id) for n in s.notes]
    assert after == before
    found = get_note(db, a)
    assert found is not None and found.merged_into is None
    assert count(db, "workshop_notes") == 3


def test_an_answer_to_the_open_question_can_be_merged_onto_a_step(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    run("question")
    token = participant()
    answer = note(db, token, None, "Färre inloggningar", kind="idea")
    run("notes")
    on_step = note(db, token, "logga-in", "Man loggar in två gånger")
    kept = merge_notes_to_step(
        db, workshop.id, [answer, on_step], into_id=answer, step_id="logga-in", now=T0
    )
    assert kept.step_id == "logga-in"
    assert _on(db, workshop, "logga-in") == [("Färre inloggningar", 0)]


def test_a_note_sent_to_the_journey_and_then_merged_onto_another_step_moves_there(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    run("notes")
    token = participant()
    on_photo = note(db, token, "foto", "BankID igen för fotot")
    on_login = note(db, token, "logga-in", "BankID krånglar")
    assert send_notes_to_journey(db, workshop.id, T0) == 2
    merge_notes_to_step(db, workshop.id, [on_login], into_id=on_photo, step_id="logga-in", now=T0)
    assert send_notes_to_journey(db, workshop.id, T0) == 1
    assert [i.source_id for i in step_insights(db, workshop.journey_id, step_id="logga-in")] == [
        on_photo
    ]
    assert step_insights(db, workshop.journey_id, step_id="foto") == []
