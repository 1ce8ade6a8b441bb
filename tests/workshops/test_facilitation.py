"""Creating a workshop, planning its agenda and running it from the facilitator's laptop."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest
from sqlite_utils import Database

from prototypes import Version, create_share_link
from tests.workshops.conftest import FACILITATOR, T0, note
from workshops import (
    Activity,
    Workshop,
    WorkshopError,
    add_activity,
    agenda,
    close_workshop,
    create_workshop,
    current_activity,
    get_workshop,
    list_workshops,
    lock_input,
    open_workshop,
    remove_activity,
    reorder_activities,
    reveal_results,
    set_current_activity,
    start_timer,
    stop_timer,
)


def test_a_new_workshop_is_a_draft_about_a_journey_with_a_join_code(
    db: Database, workshop: Workshop, version: Version
) -> None:
    assert workshop.state == "draft"
    assert (workshop.journey_id, workshop.version_id) == (version.journey_id, version.id)
    assert workshop.facilitator == FACILITATOR
    assert len(workshop.join_code) == 6
    assert workshop.current_index is None
    assert [a.kind for a in agenda(db, workshop.id)] == [
        "walk",
        "notes",
        "vote",
        "vote",
        "question",
    ]
    assert [a.title for a in agenda(db, workshop.id)][:3] == [
        "Gå igenom resan",
        "Lappar på stegen",
        "Prickröstning",
    ]
    assert list_workshops(db, facilitator=FACILITATOR.upper()) == [workshop]


def test_a_workshop_needs_a_known_journey_and_a_version_of_it(
    db: Database, version: Version
) -> None:
    def make(journey_id: str, **kwargs: object) -> Workshop:
        values: dict[str, object] = {
            "title": "Workshop",
            "date": dt.date(2026, 3, 12),
            "facilitator": FACILITATOR,
        }
        return create_workshop(db, journey_id, **{**values, **kwargs}, now=T0)

    with pytest.raises(WorkshopError, match=r"ingen resa 'parkeringstilstand'\. Menade du"):
        make("parkeringstilstand")
    with pytest.raises(WorkshopError, match="ingen version 'parkeringstillstand-v9'"):
        make(version.journey_id, version_id="parkeringstillstand-v9")
    with pytest.raises(WorkshopError, match="rubrik"):
        make(version.journey_id, title="  ")
    with pytest.raises(WorkshopError, match="e-postadress"):
        make(version.journey_id, facilitator="lina")


def test_opening_starts_the_first_activity_and_closing_ends_input(
    db: Database, workshop: Workshop, participant: Callable[..., str]
) -> None:
    opened = open_workshop(db, workshop.id, now=T0)
    assert (opened.state, opened.current_index, opened.opened_at) == ("open", 0, T0)
    started = current_activity(db, workshop.id)
    assert started is not None and started.kind == "walk"
    later = T0 + dt.timedelta(hours=2)
    closed = close_workshop(db, workshop.id, now=later)
    assert (closed.state, closed.closed_at) == ("closed", later)
    reopened = open_workshop(db, workshop.id, now=later)
    assert (reopened.state, reopened.opened_at, reopened.closed_at) == ("open", T0, None)


def test_going_to_another_activity_unlocks_hides_results_and_stops_the_timer(
    db: Database, workshop: Workshop
) -> None:
    open_workshop(db, workshop.id, now=T0)
    set_current_activity(db, workshop.id, 2)
    lock_input(db, workshop.id)
    reveal_results(db, workshop.id)
    start_timer(db, workshop.id, 300, T0)
    same = set_current_activity(db, workshop.id, 2)
    assert (same.input_locked, same.results_revealed, same.timer_ends_at is not None) == (
        True,
        True,
        True,
    )
    moved = set_current_activity(db, workshop.id, 3)
    assert moved.current_index == 3
    assert (moved.input_locked, moved.results_revealed, moved.timer_ends_at) == (False, False, None)
    with pytest.raises(WorkshopError, match="Agendan har 5 aktiviteter: välj en från 1 till 5"):
        set_current_activity(db, workshop.id, 5)


def test_the_timer_counts_down_from_now(db: Database, workshop: Workshop) -> None:
    started = start_timer(db, workshop.id, 90, T0)
    assert started.timer_ends_at == T0 + dt.timedelta(seconds=90)
    assert started.seconds_left(T0 + dt.timedelta(seconds=30)) == 60
    assert started.seconds_left(T0 + dt.timedelta(minutes=5)) == 0
    assert stop_timer(db, workshop.id).seconds_left(T0) is None
    with pytest.raises(WorkshopError, match="högst fyra timmar"):
        start_timer(db, workshop.id, 5 * 60 * 60, T0)


def test_reordering_keeps_the_current_activity_going(db: Database, workshop: Workshop) -> None:
    open_workshop(db, workshop.id, now=T0)
    walk, notes, vote_notes, vote_steps, question = agenda(db, workshop.id)
    set_current_activity(db, workshop.id, 1)
    reordered = reorder_activities(
        db, workshop.id, [question.id, notes.id, walk.id, vote_steps.id, vote_notes.id]
    )
    assert [a.kind for a in reordered] == ["question", "notes", "walk", "vote", "vote"]
    assert [a.position for a in reordered] == [0, 1, 2, 3, 4]
    now_on = get_workshop(db, workshop.id)
    assert now_on is not None and now_on.current_activity_id == notes.id
    assert now_on.current_index == 1
    with pytest.raises(WorkshopError, match="varje aktivitet i agendan en gång"):
        reorder_activities(db, workshop.id, [question.id, notes.id])


def test_an_activity_with_notes_or_going_on_is_not_removed(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    notes = run("notes")
    note(db, participant())
    with pytest.raises(WorkshopError, match="pågår just nu"):
        remove_activity(db, workshop.id, notes.id)
    run("walk")
    with pytest.raises(WorkshopError, match="har redan 1 lappar och 0 röster"):
        remove_activity(db, workshop.id, notes.id)
    question = agenda(db, workshop.id)[-1]
    left = remove_activity(db, workshop.id, question.id)
    assert [a.kind for a in left] == ["walk", "notes", "vote", "vote"]


def test_activities_are_checked_for_what_their_kind_needs(
    db: Database, workshop: Workshop, version: Version
) -> None:
    with pytest.raises(WorkshopError, match="från 1 till 20 röster, inte 0"):
        add_activity(db, workshop.id, "vote", votes_per_person=0, now=T0)
    with pytest.raises(WorkshopError, match="Bara en prickröstning"):
        add_activity(db, workshop.id, "notes", votes_per_person=3, now=T0)
    with pytest.raises(WorkshopError, match="Skriv frågan"):
        add_activity(db, workshop.id, "question", now=T0)
    with pytest.raises(WorkshopError, match="ingen aktivitet av sorten 'brainstorm'"):
        add_activity(db, workshop.id, "brainstorm", now=T0)
    with pytest.raises(WorkshopError, match="Välj vilken delningslänk"):
        add_activity(db, workshop.id, "test", now=T0)
    link = create_share_link(db, version.id, created_by="anna", now=T0, rng=random.Random(5))
    test = add_activity(db, workshop.id, "test", share_code=link.code.upper(), now=T0)
    assert (test.share_code, test.position, test.title) == (
        link.code,
        5,
        "Testa prototypen tillsammans",
    )
    assert not [a for a in agenda(db, workshop.id) if a.kind == "brainstorm"]
