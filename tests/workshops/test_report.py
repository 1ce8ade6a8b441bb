"""The report's data: the journey's steps in order with what the room said, votes, numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlite_utils import Database

from journeys import get_journey, read_text, save_journey
from tests.workshops.conftest import FACILITATOR, T0, note, uid
from workshops import (
    Activity,
    Workshop,
    add_activity,
    create_workshop,
    hide_note,
    join,
    notes_by_step,
    open_workshop,
    participation,
    vote,
    workshop_report,
)


def test_the_report_follows_the_journey_and_puts_the_most_voted_note_first(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    run("notes")
    anna, bertil, _quiet = participant("Anna"), participant("Bertil"), participant()
    late = note(db, anna, step_id="fornya", text="Påminn mig i tid")
    foto_first = note(db, anna, step_id="foto", text="Var tar jag foto?")
    foto_second = note(db, bertil, step_id="foto", kind="idea", text="Foto med mobilen")
    early = note(db, bertil, step_id="start", kind="praise", text="Tydlig start")
    rude = note(db, bertil, step_id="start", text="Dumt")
    hide_note(db, workshop.id, rude, now=T0)
    run("vote", "notes")
    vote(db, anna, id=uid(), note_id=foto_second, now=T0)
    vote(db, bertil, id=uid(), note_id=foto_second, now=T0)
    vote(db, bertil, id=uid(), note_id=late, now=T0)
    run("vote", "steps")
    vote(db, anna, id=uid(), step_id="foto", now=T0)
    run("question")
    answer = note(db, anna, step_id=None, kind="idea", text="Färre frågor")

    report = workshop_report(db, workshop.id)

    journey = get_journey(db, workshop.journey_id)
    assert journey is not None
    assert report.journey_title == journey.title
    assert [s.step_id for s in report.steps] == [s.id for s in journey.steps]  # phases in order
    assert report.steps[0].phase_title == "Före ansökan"
    with_notes = [(s.step_id, [n.id for n in s.notes]) for s in report.steps if s.notes]
    assert with_notes == [
        ("start", [early]),
        ("foto", [foto_second, foto_first]),
        ("fornya", [late]),
    ]
    foto = next(s for s in report.steps if s.step_id == "foto")
    assert [n.votes for n in foto.notes] == [2, 0]
    assert foto.step_votes == 1
    assert [a.kind for a in report.activities] == ["walk", "notes", "vote", "vote", "question"]
    assert [[n.id for n in q.answers] for q in report.answers] == [[answer]]
    assert [(r.vote_on, r.total_votes, r.voters) for r in report.vote_results] == [
        ("notes", 3, 2),
        ("steps", 1, 1),
    ]
    assert all(r.visible for r in report.vote_results)
    assert report.hidden_notes == 1
    assert report.participation.model_dump() == {"joined": 3, "active": 2, "notes": 6, "votes": 4}
    assert report.model_dump_json()  # plain data, ready for toolkit to render


SMALL = """\
id: bygglov
title: Ansök om bygglov
organisation: Exempelkommun
phases:
  - id: fore
    title: Före
  - id: ansokan
    title: Ansökan
steps:
  - id: start
    kind: screen
    phase: fore
    title: Start
    next: ritning
  - id: ritning
    kind: screen
    phase: ansokan
    title: Ladda upp ritning
    next: klart
  - id: klart
    kind: screen
    title: Klart
    next: granne
  - id: granne
    kind: offline
    phase: fore
    channel: visit
    title: Prata med grannen
"""


def _small_workshop(db: Database, text: str = SMALL) -> Workshop:
    journey = read_text(text).journey
    assert journey is not None
    save_journey(db, journey, author="anna", now=T0)
    workshop = create_workshop(
        db, "bygglov", title="Bygglov", date=dt.date(2026, 4, 1), facilitator=FACILITATOR, now=T0
    )
    add_activity(db, workshop.id, "notes", now=T0)
    open_workshop(db, workshop.id, now=T0)
    return workshop


def test_steps_come_phase_by_phase_as_on_the_map_and_steps_without_a_phase_last(
    db: Database,
) -> None:
    workshop = _small_workshop(db)
    steps = notes_by_step(db, workshop.id)
    assert [(s.step_id, s.phase) for s in steps] == [
        ("start", "fore"),
        ("granne", "fore"),
        ("ritning", "ansokan"),
        ("klart", None),
    ]


def test_notes_on_a_step_the_journey_no_longer_has_come_last(db: Database) -> None:
    workshop = _small_workshop(db)
    token = join(db, workshop.join_code, age_band="30-49", consent=True, now=T0).token
    kept = note(db, token, step_id="granne", text="Vilken granne?")
    renamed = SMALL.replace("id: granne", "id: grannar").replace("next: granne", "next: grannar")
    journey = read_text(renamed).journey
    assert journey is not None
    save_journey(db, journey, author="anna", now=T0)  # the designer renamed the step
    steps = workshop_report(db, workshop.id).steps
    assert [(s.step_id, s.in_journey) for s in steps][-2:] == [("klart", True), ("granne", False)]
    assert [n.id for n in steps[-1].notes] == [kept]


def test_participation_counts_who_joined_and_who_took_part(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    assert participation(db, workshop.id).model_dump() == {
        "joined": 0,
        "active": 0,
        "notes": 0,
        "votes": 0,
    }
    run("notes")
    writer, _lurker = participant(), participant()
    note(db, writer)
    run("vote", "notes")
    voter = participant()
    vote(db, voter, id=uid(), note_id=note_id_of(db), now=T0)
    assert participation(db, workshop.id).model_dump() == {
        "joined": 3,
        "active": 2,
        "notes": 1,
        "votes": 1,
    }


def note_id_of(db: Database) -> str:
    return db.execute("select id from workshop_notes").fetchone()[0]
