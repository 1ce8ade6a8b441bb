"""Moderation: hide and unhide, change a note's kind, merge duplicates with their votes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlite_utils import Database

from tests.workshops.conftest import T0, note, uid
from workshops import (
    Activity,
    Workshop,
    WorkshopError,
    get_note,
    hide_note,
    list_notes,
    merge_notes,
    notes_by_step,
    results,
    set_note_kind,
    unhide_note,
    vote,
    votes_left,
)


def _notes_on(db: Database, workshop: Workshop, step_id: str, **kwargs: str) -> list[str]:
    step = next(s for s in notes_by_step(db, workshop.id, **kwargs) if s.step_id == step_id)
    return [n.id for n in step.notes]


def test_merging_moves_votes_and_a_voter_who_voted_for_both_keeps_one(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    run("notes")
    anna, bertil, cecilia = participant("Anna"), participant("Bertil"), participant("Cecilia")
    a = note(db, anna, text="BankID krånglar")
    b = note(db, bertil, text="Svårt att logga in med BankID")
    run("vote", "notes")
    for token, note_id in [(anna, a), (anna, b), (bertil, a), (cecilia, b)]:
        vote(db, token, id=uid(), note_id=note_id, now=T0)
    assert votes_left(db, anna) == 1

    merged = merge_notes(db, workshop.id, a, b, now=T0)

    assert merged.id == b
    assert [(c.note_id, c.votes) for c in results(db, workshop.id).counts] == [(b, 3)]
    assert votes_left(db, anna) == 2  # her two votes became one
    assert _notes_on(db, workshop, "logga-in") == [b]
    merged_away = get_note(db, a)
    assert merged_away is not None and merged_away.merged_into == b
    # a phone still showing the merged note votes for the note it became
    assert vote(db, bertil, id=uid(), note_id=a, now=T0) is False
    with pytest.raises(WorkshopError, match="redan sammanslagen"):
        merge_notes(db, workshop.id, a, b, now=T0)
    with pytest.raises(WorkshopError, match="med sig själv"):
        merge_notes(db, workshop.id, b, b, now=T0)


def test_notes_merged_into_a_note_follow_it_when_it_is_merged_on(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    token = participant()
    a, b, c = (note(db, token, text=t) for t in ("ett", "två", "tre"))
    merge_notes(db, workshop.id, a, b, now=T0)
    merge_notes(db, workshop.id, b, c, now=T0)
    assert {n.id: n.merged_into for n in list_notes(db, workshop.id)} == {a: c, b: c, c: None}


def test_a_hidden_note_is_gone_for_participants_and_back_when_unhidden(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    token = participant()
    rude, kind = note(db, token, text="Dumt"), note(db, token, text="Bra fråga")
    hidden = hide_note(db, workshop.id, rude, now=T0)
    assert hidden.hidden
    assert _notes_on(db, workshop, "logga-in") == [kind]
    assert _notes_on(db, workshop, "logga-in", audience="facilitator") == [rude, kind]
    unhide_note(db, workshop.id, rude, now=T0)
    assert _notes_on(db, workshop, "logga-in") == [rude, kind]


def test_the_facilitator_can_change_what_kind_of_note_it_is(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    note_id = note(db, participant(), kind="pain", text="Man borde kunna ladda upp foto")
    changed = set_note_kind(db, workshop.id, note_id, "idea", now=T0)
    assert changed.kind == "idea"
    view = next(s for s in notes_by_step(db, workshop.id) if s.step_id == "logga-in").notes[0]
    assert (view.kind, view.kind_label) == ("idea", "Idé")
    with pytest.raises(WorkshopError, match="problem, en idé"):
        set_note_kind(db, workshop.id, note_id, "complaint", now=T0)


def test_moderation_reaches_only_the_workshops_own_notes(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    note_id = note(db, participant())
    with pytest.raises(WorkshopError, match="finns inte i den här workshoppen"):
        hide_note(db, workshop.id, uid(), now=T0)
    with pytest.raises(WorkshopError, match="ingen workshop"):
        hide_note(db, uid(), note_id, now=T0)
