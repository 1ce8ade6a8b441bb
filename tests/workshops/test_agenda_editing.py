"""Editing the agenda after the workshop was made, also while it runs: rename, reprompt,
add, remove, reorder, and the votes per person of a dot vote (never below votes cast)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlite_utils import Database

from tests.workshops.conftest import T0, note, uid
from workshops import (
    Activity,
    Workshop,
    WorkshopError,
    add_activity,
    agenda,
    current_activity,
    get_workshop,
    move_activity,
    remove_activity,
    update_activity,
    vote,
    votes_left,
)


def _titles(db: Database, workshop: Workshop) -> list[str]:
    return [a.title for a in agenda(db, workshop.id)]


def test_renaming_an_activity_changes_its_title_and_an_empty_title_gives_the_kinds_name(
    db: Database, workshop: Workshop
) -> None:
    walk = agenda(db, workshop.id)[0]
    renamed = update_activity(db, workshop.id, walk.id, title="  Resan steg för steg ")
    assert renamed.title == "Resan steg för steg"
    assert _titles(db, workshop)[0] == "Resan steg för steg"
    assert update_activity(db, workshop.id, walk.id, title="").title == "Gå igenom resan"
    changed = update_activity(db, workshop.id, walk.id, prompt="Börja vid brevet")
    assert changed.prompt == "Börja vid brevet" and changed.title == "Gå igenom resan"
    assert update_activity(db, workshop.id, walk.id, prompt=None).prompt is None


def test_a_setting_that_does_not_belong_to_the_kind_is_refused_with_why(
    db: Database, workshop: Workshop
) -> None:
    walk = agenda(db, workshop.id)[0]
    with pytest.raises(WorkshopError, match="ingen prickröstning"):
        update_activity(db, workshop.id, walk.id, votes_per_person=5)
    with pytest.raises(WorkshopError, match="ingen öppen fråga"):
        update_activity(db, workshop.id, walk.id, question="Varför?")
    with pytest.raises(WorkshopError, match="högst 200 tecken"):
        update_activity(db, workshop.id, walk.id, title="x" * 201)
    with pytest.raises(WorkshopError, match="finns inte i workshoppens agenda"):
        update_activity(db, workshop.id, uid(), title="Ny")
    assert _titles(db, workshop)[0] == "Gå igenom resan"


def test_the_open_question_can_be_reworded(db: Database, workshop: Workshop) -> None:
    question = agenda(db, workshop.id)[-1]
    assert update_activity(db, workshop.id, question.id, question="Vad saknas?").question == (
        "Vad saknas?"
    )
    with pytest.raises(WorkshopError, match="Skriv frågan"):
        update_activity(db, workshop.id, question.id, question=" ")


def test_more_votes_per_person_can_be_given_during_the_vote(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    token = participant("Anna")
    ids = [note(db, token, text=f"Lapp {n}") for n in range(4)]
    dot_vote = run("vote", "notes")
    for note_id in ids[:3]:
        assert vote(db, token, id=uid(), note_id=note_id, now=T0)
    assert votes_left(db, token) == 0
    with pytest.raises(WorkshopError, match="använt alla"):
        vote(db, token, id=uid(), note_id=ids[3], now=T0)

    update_activity(db, workshop.id, dot_vote.id, votes_per_person=5)

    assert votes_left(db, token) == 2
    assert vote(db, token, id=uid(), note_id=ids[3], now=T0)


def test_fewer_votes_per_person_are_refused_below_the_votes_already_cast(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    anna, bertil = participant("Anna"), participant("Bertil")
    ids = [note(db, anna, text=f"Lapp {n}") for n in range(3)]
    dot_vote = run("vote", "notes")
    for note_id in ids:
        vote(db, anna, id=uid(), note_id=note_id, now=T0)
    vote(db, bertil, id=uid(), note_id=ids[0], now=T0)

    with pytest.raises(WorkshopError) as refused:
        update_activity(db, workshop.id, dot_vote.id, votes_per_person=2)
    message = str(refused.value)
    assert "en deltagare har redan lagt upp till 3 röster" in message
    assert "Välj minst 3" in message
    assert agenda(db, workshop.id)[2].votes_per_person == 3  # nothing changed
    assert votes_left(db, anna) == 0 and votes_left(db, bertil) == 2

    # once Anna takes no more than two, lowering to two holds for everyone
    update_activity(db, workshop.id, dot_vote.id, votes_per_person=3)
    with pytest.raises(WorkshopError, match="från 1 till 20"):
        update_activity(db, workshop.id, dot_vote.id, votes_per_person=0)


def test_lowering_before_anyone_voted_is_fine_and_the_new_limit_holds(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    token = participant()
    ids = [note(db, token, text=f"Lapp {n}") for n in range(2)]
    dot_vote = run("vote", "notes")
    update_activity(db, workshop.id, dot_vote.id, votes_per_person=1)
    assert votes_left(db, token) == 1
    vote(db, token, id=uid(), note_id=ids[0], now=T0)
    with pytest.raises(WorkshopError, match="använt alla dina 1 röster"):
        vote(db, token, id=uid(), note_id=ids[1], now=T0)


def test_what_is_voted_on_changes_only_before_the_first_vote(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    token = participant()
    first = note(db, token)
    dot_vote = run("vote", "notes")
    assert update_activity(db, workshop.id, dot_vote.id, vote_on="steps").vote_on == "steps"
    update_activity(db, workshop.id, dot_vote.id, vote_on="notes")
    vote(db, token, id=uid(), note_id=first, now=T0)
    with pytest.raises(WorkshopError, match="redan lagt 1 röster"):
        update_activity(db, workshop.id, dot_vote.id, vote_on="steps")


def test_activities_are_added_moved_and_removed_while_the_workshop_runs(
    db: Database, workshop: Workshop, run: Callable[..., Activity]
) -> None:
    going_on = run("notes")
    added = add_activity(db, workshop.id, "question", question="Vad var bäst?", now=T0)
    assert _titles(db, workshop)[-1] == "Öppen fråga" and agenda(db, workshop.id)[-1] == added

    move_activity(db, workshop.id, added.id, -10)  # past the top: first
    assert agenda(db, workshop.id)[0].id == added.id
    move_activity(db, workshop.id, going_on.id, 1)
    order = [a.id for a in agenda(db, workshop.id)]
    assert order.index(going_on.id) == 3
    current = current_activity(db, workshop.id)
    assert current is not None and current.id == going_on.id  # still what is going on
    found = get_workshop(db, workshop.id)
    assert found is not None and found.current_index == 3

    remove_activity(db, workshop.id, added.id)
    assert added.id not in [a.id for a in agenda(db, workshop.id)]
    assert [a.position for a in agenda(db, workshop.id)] == [0, 1, 2, 3, 4]
    with pytest.raises(WorkshopError, match="pågår just nu"):
        remove_activity(db, workshop.id, going_on.id)
    with pytest.raises(WorkshopError, match="finns inte i workshoppens agenda"):
        move_activity(db, workshop.id, uid(), 1)
