"""Dot votes: a double tap is one vote, the per-person limit holds under concurrent taps, and
participants see results only when the facilitator reveals them."""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database

from tests.workshops.conftest import T0, count, note, uid
from toolkit.db import open_db
from workshops import (
    Activity,
    Workshop,
    WorkshopError,
    hide_note,
    lock_input,
    my_votes,
    notes_by_step,
    results,
    reveal_results,
    unvote,
    vote,
    votes_left,
)


@pytest.fixture
def notes(db: Database, run: Callable[..., Activity], participant: Callable[..., str]) -> list[str]:
    """Six notes on three steps, written during the notes activity."""
    run("notes")
    writer = participant("Skrivaren")
    return [
        note(db, writer, step_id=step, text=f"Lapp {n}")
        for n, step in enumerate(["start", "start", "logga-in", "logga-in", "foto", "foto"])
    ]


@pytest.fixture
def voting(run: Callable[..., Activity], notes: list[str]) -> Activity:
    """The dot vote on notes (3 votes each) is going on."""
    return run("vote", "notes")


def test_a_double_tap_is_one_vote(
    db: Database, participant: Callable[..., str], notes: list[str], voting: Activity
) -> None:
    token = participant()
    tap = uid()
    assert vote(db, token, id=tap, note_id=notes[0], now=T0) is True
    assert vote(db, token, id=tap, note_id=notes[0], now=T0) is False  # same id again
    assert vote(db, token, id=uid(), note_id=notes[0], now=T0) is False  # same note, new id
    assert count(db, "workshop_votes") == 1
    assert votes_left(db, token) == 2


def test_the_fourth_vote_is_refused_until_one_is_taken_back(
    db: Database, participant: Callable[..., str], notes: list[str], voting: Activity
) -> None:
    token = participant()
    for note_id in notes[:3]:
        assert vote(db, token, id=uid(), note_id=note_id, now=T0)
    assert votes_left(db, token) == 0
    with pytest.raises(WorkshopError, match="Du har använt alla dina 3 röster"):
        vote(db, token, id=uid(), note_id=notes[3], now=T0)
    assert unvote(db, token, note_id=notes[0], now=T0) is True
    assert unvote(db, token, note_id=notes[0], now=T0) is False
    assert votes_left(db, token) == 1
    assert vote(db, token, id=uid(), note_id=notes[3], now=T0)
    assert {v.note_id for v in my_votes(db, token)} == {notes[1], notes[2], notes[3]}


def test_the_database_itself_refuses_a_vote_over_the_limit(
    db: Database, participant: Callable[..., str], notes: list[str], voting: Activity
) -> None:
    token = participant()
    for note_id in notes[:3]:
        vote(db, token, id=uid(), note_id=note_id, now=T0)
    voter = db.execute("select participant_id, workshop_id from workshop_votes").fetchone()
    with pytest.raises(sqlite3.IntegrityError, match="använt alla dina röster"):
        db.execute(
            "insert into workshop_votes (id, workshop_id, activity_id, participant_id, note_id, "
            "created_at) values (?, ?, ?, ?, ?, ?)",
            [uid(), voter[1], voting.id, voter[0], notes[4], "2026-03-12"],
        )


def test_the_vote_limit_holds_under_eight_threads_tapping_at_once(
    db: Database,
    db_path: Path,
    participant: Callable[..., str],
    notes: list[str],
    voting: Activity,
) -> None:
    """8 threads (two phones' worth of frantic taps per participant) × 20 taps each, every
    thread on its own connection to the same WAL file, as the server's requests would be."""
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    tokens = [participant() for _ in range(4)]
    start = threading.Barrier(8)
    unexpected: list[BaseException] = []
    refused = []

    def tap(thread: int) -> None:
        connection = open_db(db_path, migrate=False)
        rng = random.Random(thread)
        token = tokens[thread % len(tokens)]
        try:
            start.wait()
            for _ in range(20):
                try:
                    vote(connection, token, id=uid(), note_id=rng.choice(notes), now=T0)
                except WorkshopError as exc:
                    refused.append(str(exc))
        except BaseException as exc:  # a 'database is locked' would land here
            unexpected.append(exc)
        finally:
            connection.conn.close()

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert unexpected == []
    per_voter = db.execute(
        "select participant_id, count(*) from workshop_votes group by participant_id"
    ).fetchall()
    assert sorted(n for _, n in per_voter) == [3, 3, 3, 3]
    assert all(votes_left(db, token) == 0 for token in tokens)
    assert refused and all("alla dina 3 röster" in message for message in refused)


def test_results_are_hidden_from_participants_until_revealed(
    db: Database,
    workshop: Workshop,
    participant: Callable[..., str],
    notes: list[str],
    voting: Activity,
) -> None:
    for token in (participant(), participant()):
        vote(db, token, id=uid(), note_id=notes[2], now=T0)
    vote(db, token, id=uid(), note_id=notes[4], now=T0)

    hidden = results(db, workshop.id, audience="participant")
    assert (hidden.visible, hidden.counts, hidden.total_votes) == (False, [], 0)
    assert all(n.votes is None for s in notes_by_step(db, workshop.id) for n in s.notes)

    facilitator = results(db, workshop.id)
    assert [(c.note_id, c.votes) for c in facilitator.counts] == [(notes[2], 2), (notes[4], 1)]
    assert (facilitator.voters, facilitator.total_votes) == (2, 3)

    reveal_results(db, workshop.id)
    shown = results(db, workshop.id, audience="participant")
    assert shown.visible and shown.counts == facilitator.counts
    logga_in = next(s for s in notes_by_step(db, workshop.id) if s.step_id == "logga-in")
    assert [(n.id, n.votes) for n in logga_in.notes] == [(notes[2], 2), (notes[3], 0)]


def test_votes_on_hidden_notes_are_refused_and_not_counted(
    db: Database,
    workshop: Workshop,
    participant: Callable[..., str],
    notes: list[str],
    voting: Activity,
) -> None:
    token = participant()
    vote(db, token, id=uid(), note_id=notes[0], now=T0)
    hide_note(db, workshop.id, notes[0], now=T0)
    assert results(db, workshop.id).counts == []
    with pytest.raises(WorkshopError, match="workshopledaren har tagit bort den"):
        vote(db, token, id=uid(), note_id=notes[0], now=T0)


def test_voting_outside_a_vote_or_while_locked_is_refused(
    db: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
    notes: list[str],
) -> None:
    token = participant()
    with pytest.raises(WorkshopError, match="Vänta till röstningen"):
        vote(db, token, id=uid(), note_id=notes[0], now=T0)
    assert votes_left(db, token) == 0
    run("vote", "notes")
    lock_input(db, workshop.id)
    with pytest.raises(WorkshopError, match="pausat"):
        vote(db, token, id=uid(), note_id=notes[0], now=T0)


def test_a_vote_on_steps_takes_steps_of_the_journey(
    db: Database, workshop: Workshop, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("vote", "steps")
    token = participant()
    with pytest.raises(WorkshopError, match="Menade du 'lakarintyg' \\(Läkarintyg\\)"):
        vote(db, token, id=uid(), step_id="lakarintyget", now=T0)
    with pytest.raises(WorkshopError, match="röstar ni på steg"):
        vote(db, token, id=uid(), note_id=uid(), now=T0)
    assert vote(db, token, id=uid(), step_id="foto", now=T0)
    assert vote(db, token, id=uid(), step_id="lakarintyg", now=T0)
    other = participant()
    assert vote(db, other, id=uid(), step_id="lakarintyg", now=T0)
    counted = results(db, workshop.id)
    assert counted.vote_on == "steps"
    assert [(c.step_id, c.label, c.votes) for c in counted.counts] == [
        ("lakarintyg", "Läkarintyg", 2),
        ("foto", "Foto och namnteckning", 1),
    ]
