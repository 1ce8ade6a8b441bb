"""The data behind the facilitator's pages: the list, the planned agenda, the wall of notes,
the countdown and the marker the live pages poll."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

import workshops
from journeys import read_file, save_journey
from prototypes import create_share_link, publish_version
from toolkit.app.workshopdata import (
    GONE_PHASE,
    DraftError,
    agenda_items,
    change_marker,
    clock,
    countdown,
    describe_activity,
    draft_activity,
    live_view,
    merge_choices,
    moved,
    phase_boards,
    result_rows,
    step_boards,
    step_choices,
    without,
    workshop_row,
)
from toolkit.db import open_db

T0 = dt.datetime(2026, 3, 12, 13, 0, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"
FACILITATOR = "lina@exempelkommun.se"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_db(tmp_path / "medskapa.db")
    document = read_file(EXAMPLE)
    assert document.journey is not None
    save_journey(database, document.journey, source=EXAMPLE.read_text("utf-8"), author="a", now=T0)
    yield database
    database.conn.close()


@pytest.fixture
def workshop(db: Database) -> workshops.Workshop:
    version = publish_version(db, "parkeringstillstand", note="v1", author="a", now=T0)
    link = create_share_link(db, version.id, label="Rådet", created_by="a", now=T0)
    made = workshops.create_workshop(
        db,
        "parkeringstillstand",
        version_id=version.id,
        title="Workshop med rådet",
        date=dt.date(2026, 3, 12),
        facilitator=FACILITATOR,
        now=T0,
        rng=random.Random(3),
    )
    workshops.add_activity(db, made.id, "notes", prompt="Var blir det krångligt?", now=T0)
    workshops.add_activity(db, made.id, "vote", votes_per_person=2, vote_on="notes", now=T0)
    workshops.add_activity(db, made.id, "test", share_code=link.code, now=T0)
    workshops.add_activity(db, made.id, "question", question="Vad saknas?", now=T0)
    return made


def join_and_note(db: Database, workshop: workshops.Workshop, step: str, text: str) -> str:
    """Open the workshop, join, and put a note on ``step``; the participant's token."""
    workshops.open_workshop(db, workshop.id, now=T0)
    token = workshops.join(db, workshop.join_code, age_band="65-79", consent=True, now=T0).token
    assert workshops.add_note(
        db, token, id=str(uuid.uuid4()), step_id=step, kind="pain", text=text, now=T0
    )
    return token


# --- the list and the planned agenda ----------------------------------------------------------


def test_a_row_shows_the_join_code_in_two_groups_and_the_state_in_words(workshop) -> None:
    row = workshop_row(
        workshop,
        journey_title="Parkering",
        participants=4,
        run_href="/run",
        projector_href="/p",
        lang="sv",
    )
    assert row.join_code == workshops.format_join_code(workshop.join_code)
    assert " " in row.join_code
    assert (row.state_label, row.participants, row.date) == ("Inte öppnad", 4, "2026-03-12")
    assert (
        workshop_row(
            workshop, journey_title="", participants=0, run_href="", projector_href="", lang="en"
        ).state_label
        == "Not opened"
    )


def test_a_vote_is_planned_with_its_votes_and_target_described() -> None:
    planned = draft_activity({"kind": "vote", "votes": "5", "vote_on": "steps"}, share_labels={})
    assert (planned.votes_per_person, planned.vote_on) == (5, "steps")
    assert planned.summary == "Prickröstning · 5 röster var på steg"
    assert planned.arguments()["votes_per_person"] == 5
    assert planned.arguments()["share_code"] is None


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"kind": "vote", "votes": "0"}, "från 1 till"),
        ({"kind": "vote", "votes": "tre"}, "från 1 till"),
        ({"kind": "vote", "vote_on": "people"}, "lappar eller på steg"),
        ({"kind": "test", "share_code": "OKÄND"}, "delningslänk"),
        ({"kind": "question", "question": "   "}, "Skriv frågan"),
        ({"kind": "dance"}, "Välj vilken sorts"),
    ],
)
def test_an_incomplete_activity_says_what_to_fill_in(form, words) -> None:
    with pytest.raises(DraftError, match=words):
        draft_activity(form, share_labels={"ABC": "Rådet"})


def test_a_test_activity_names_its_share_link_and_other_kinds_carry_no_extras() -> None:
    planned = draft_activity(
        {"kind": "test", "share_code": "ABC", "votes": "3", "question": "x"},
        share_labels={"ABC": "Rådet (v1)"},
        lang="en",
    )
    assert planned.summary == "Test the prototype together · Rådet (v1)"
    assert planned.arguments() == {
        "title": None,
        "prompt": None,
        "votes_per_person": None,
        "vote_on": None,
        "share_code": "ABC",
        "question": None,
    }


def test_moving_and_removing_planned_activities() -> None:
    items = ["a", "b", "c"]
    assert moved(items, 2, -1) == ["a", "c", "b"]
    assert moved(items, 0, 1) == ["b", "a", "c"]
    assert moved(items, 0, -1) == items  # already first
    assert moved(items, 2, 1) == items  # already last
    assert without(items, 1) == ["a", "c"]
    assert items == ["a", "b", "c"]  # never changed in place


# --- running ---------------------------------------------------------------------------------


def test_the_agenda_marks_the_current_activity_and_describes_each(db, workshop) -> None:
    workshops.open_workshop(db, workshop.id, now=T0)
    workshops.set_current_activity(db, workshop.id, 1)
    workshops.add_activity(db, workshop.id, "vote", title="Det viktigaste", vote_on="steps", now=T0)
    activities = workshops.agenda(db, workshop.id)
    code = activities[2].share_code
    items = agenda_items(
        activities, current_id=activities[1].id, share_labels={code: "Rådet"}, lang="sv"
    )
    assert [i.current for i in items] == [False, True, False, False, False]
    assert [i.number for i in items] == [1, 2, 3, 4, 5]
    # a title that is the kind's own name is not repeated in the detail
    assert [i.detail for i in items] == [
        "",
        "2 röster var på lappar",
        "Rådet",
        "”Vad saknas?”",
        "Prickröstning · 3 röster var på steg",
    ]
    assert describe_activity("vote", votes_per_person=1, vote_on="steps", lang="en") == (
        "Dot vote · 1 vote each on steps"
    )


def test_the_countdown_rounds_up_and_stops_at_zero() -> None:
    assert clock(None) == ""
    assert clock(0) == "0:00"
    assert clock(299) == "4:59"
    assert clock(3725) == "1:02:05"
    ends = T0 + dt.timedelta(minutes=3)
    assert countdown(ends, T0 + dt.timedelta(milliseconds=500)) == (180, "3:00")
    assert countdown(ends, T0 + dt.timedelta(minutes=5)) == (0, "0:00")
    assert countdown(None, T0) == (-1, "")


def test_the_wall_has_the_phases_as_columns_in_journey_order(db, workshop) -> None:
    join_and_note(db, workshop, "logga-in", "Svårt att logga in")
    steps = workshops.notes_by_step(db, workshop.id, audience="participant")
    phases = phase_boards(steps)
    journey = workshops.workshop_journey(db, workshop)
    assert [p.id for p in phases] == [
        p.id for p in journey.phases if any(s.phase == p.id for s in journey.steps)
    ]
    on_wall = [s.id for p in phases for s in p.steps]
    assert sorted(on_wall) == sorted(s.id for s in journey.steps)
    card = next(s for p in phases for s in p.steps if s.id == "logga-in")
    assert [n.text for n in card.notes] == ["Svårt att logga in"]
    assert card.notes[0].kind_label == "Problem"
    assert card.notes[0].show_votes is False  # not revealed yet


def test_a_note_on_a_step_that_left_the_journey_gets_a_column_of_its_own() -> None:
    steps = [
        workshops.StepNotes(step_id="a", title="A", phase="fore", phase_title="Före"),
        workshops.StepNotes(step_id="gammal", title="gammal", in_journey=False),
    ]
    phases = phase_boards(steps, lang="sv")
    assert [(p.id, p.title) for p in phases] == [
        ("fore", "Före"),
        (GONE_PHASE, "Inte längre i resan"),
    ]


def test_moderation_offers_the_other_notes_on_the_same_step_to_merge_into(db, workshop) -> None:
    join_and_note(db, workshop, "logga-in", "Svårt att logga in")
    join_and_note(db, workshop, "logga-in", "Krångligt med BankID")
    join_and_note(db, workshop, "start", "Oklart vem som får söka")
    steps = workshops.notes_by_step(db, workshop.id, audience="facilitator")
    boards = step_boards(steps, moderation=True, only_with_notes=True)
    assert {b.id for b in boards} == {"logga-in", "start"}
    login = next(b for b in boards if b.id == "logga-in")
    first, second = login.notes
    assert [c.value for c in first.merge_targets] == [second.id]
    assert first.merge_targets[0].label.startswith("Krångligt med BankID (Anonym")
    start = next(b for b in boards if b.id == "start")
    assert start.notes[0].merge_targets == []
    assert first.show_votes is True  # the facilitator always sees votes


def test_results_are_empty_until_visible_and_bars_are_relative_to_the_top(db, workshop) -> None:
    token = join_and_note(db, workshop, "logga-in", "Svårt att logga in")
    other = join_and_note(db, workshop, "start", "Oklart vem som får söka")
    workshops.set_current_activity(db, workshop.id, 1)
    notes = {n.text: n.id for n in workshops.list_notes(db, workshop.id)}
    for who in (token, other):
        workshops.vote(db, who, id=str(uuid.uuid4()), note_id=notes["Svårt att logga in"], now=T0)
    workshops.vote(
        db, other, id=str(uuid.uuid4()), note_id=notes["Oklart vem som får söka"], now=T0
    )
    hidden = workshops.results(db, workshop.id, audience="participant")
    assert result_rows(hidden) == []
    rows = result_rows(workshops.results(db, workshop.id, audience="facilitator"))
    assert [(r.label, r.votes, r.percent) for r in rows] == [
        ("Svårt att logga in", 2, 100),
        ("Oklart vem som får söka", 1, 50),
    ]


# --- live ------------------------------------------------------------------------------------


def test_the_marker_moves_on_every_change_a_page_shows_and_only_then(db, workshop) -> None:
    seen = [change_marker(db, workshop.id)]

    def moved_on() -> bool:
        marker = change_marker(db, workshop.id)
        changed = marker != seen[-1]
        seen.append(marker)
        return changed

    assert not moved_on()
    workshops.open_workshop(db, workshop.id, now=T0)
    assert moved_on()
    token = workshops.join(db, workshop.join_code, age_band="65-79", consent=True, now=T0).token
    assert moved_on()
    note_id = str(uuid.uuid4())
    workshops.add_note(db, token, id=note_id, step_id="start", kind="idea", text="Bra", now=T0)
    assert moved_on()
    workshops.hide_note(db, workshop.id, note_id, now=T0 + dt.timedelta(seconds=1))
    assert moved_on()
    workshops.set_current_activity(db, workshop.id, 1)
    assert moved_on()
    workshops.unhide_note(db, workshop.id, note_id, now=T0 + dt.timedelta(seconds=2))
    assert moved_on()
    workshops.vote(db, token, id=str(uuid.uuid4()), note_id=note_id, now=T0)
    assert moved_on()
    workshops.unvote(db, token, note_id=note_id, now=T0)
    assert moved_on()
    workshops.reveal_results(db, workshop.id)
    assert moved_on()
    workshops.start_timer(db, workshop.id, 60, T0)
    assert moved_on()
    workshops.lock_input(db, workshop.id)
    assert moved_on()
    assert not moved_on()


def test_the_live_view_hides_hidden_notes_from_the_projector_only(db, workshop) -> None:
    join_and_note(db, workshop, "start", "Synlig")
    join_and_note(db, workshop, "start", "Olämplig")
    hidden = next(n for n in workshops.list_notes(db, workshop.id) if n.text == "Olämplig")
    workshops.hide_note(db, workshop.id, hidden.id, now=T0)
    room = live_view(db, workshop.id, audience="participant")
    lead = live_view(db, workshop.id, audience="facilitator")
    assert room is not None and lead is not None

    def texts(view) -> list[str]:
        return [n.text for s in view.steps for n in s.notes]

    assert texts(room) == ["Synlig"]
    assert sorted(texts(lead)) == ["Olämplig", "Synlig"]
    assert (lead.joined, lead.notes, lead.current_index) == (2, 2, 0)
    assert lead.results is not None and lead.results.visible
    assert room.results is not None and not room.results.visible
    assert live_view(db, "finns-inte") is None


def test_the_live_view_has_the_answers_to_the_current_question(db, workshop) -> None:
    workshops.open_workshop(db, workshop.id, now=T0)
    workshops.set_current_activity(db, workshop.id, 3)
    token = workshops.join(db, workshop.join_code, age_band="18-29", consent=True, now=T0).token
    workshops.add_note(
        db, token, id=str(uuid.uuid4()), step_id=None, kind="idea", text="Chatt", now=T0
    )
    view = live_view(db, workshop.id)
    assert view is not None
    assert [a.text for a in view.answers] == ["Chatt"]
    assert describe_activity("walk", lang="en") == "Walk the journey"


def test_the_agenda_says_which_activity_is_first_and_last_and_carries_what_can_be_edited(
    db, workshop
) -> None:
    items = agenda_items(workshops.agenda(db, workshop.id), current_id=None)
    assert [(i.first, i.last) for i in items] == [
        (True, False),
        (False, False),
        (False, False),
        (False, True),
    ]
    assert items[0].prompt == "Var blir det krångligt?"
    assert items[1].votes_per_person == 2 and items[3].question == "Vad saknas?"


def test_notes_from_every_step_are_offered_for_a_merge_labelled_with_their_step(
    db, workshop
) -> None:
    join_and_note(db, workshop, "start", "Oklart vem som får söka")
    join_and_note(db, workshop, "logga-in", "Krångligt med BankID")
    steps = workshops.notes_by_step(db, workshop.id, audience="facilitator")
    labels = [c.label for c in merge_choices(steps)]
    assert labels == [  # journey order, each with its step
        "Ansök om parkeringstillstånd för rörelsehindrade: Oklart vem som får söka (Anonym 1)",
        "Logga in med e-legitimation: Krångligt med BankID (Anonym 2)",
    ]
    offered = step_choices(steps, lang="sv")
    assert offered[0].value == "" and offered[0].label == "Samma steg som lappen som står kvar"
    assert [c.value for c in offered[1:]] == [s.step_id for s in steps if s.in_journey]
    assert step_choices(steps, lang="en")[0].label == "The kept note's step"
