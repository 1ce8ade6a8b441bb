"""What every request of a phone reads, read cheaply and never out of date (#7): the
participant, workshop and activity in one query, the votes left from the vote's own write,
notes read once per notes revision, journeys parsed once per content, and a vote limit that
still holds when two connections tap at once."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import get_journey, save_journey
from tests.workshops.conftest import FACILITATOR, T0, note, uid
from toolkit.db import open_db
from workshops import (
    Activity,
    JoinError,
    Workshop,
    WorkshopError,
    add_activity,
    cast_vote,
    close_workshop,
    create_workshop,
    get_participant,
    get_workshop,
    hide_note,
    join,
    merge_notes,
    notes_on_steps,
    open_workshop,
    presence,
    set_current_activity,
    set_note_kind,
    take_back_vote,
    unhide_note,
    vote,
    votes_left,
)


class Keeping(sqlite3.Connection):
    """A connection that can keep values, as the toolkit's pooled connections can."""


@pytest.fixture
def keeping(db_path: Path, db: Database) -> Iterator[Database]:
    """A second connection to the same file, of the kind that keeps what it read."""
    conn = sqlite3.connect(str(db_path), factory=Keeping, check_same_thread=False)
    yield Database(conn)
    conn.close()


def visible_texts(db: Database, workshop: Workshop) -> list[str]:
    """The note texts a participant's vote page lists, read through ``db``."""
    here = get_workshop(db, workshop.id)
    assert here is not None
    return [n.text for s in notes_on_steps(db, here) for n in s.notes]


def test_presence_reads_what_the_separate_lookups_read(
    db: Database, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    token = participant("Bo")
    voting = run("vote", "notes")
    here = presence(db, token)
    assert here is not None
    assert here.participant.model_dump() == get_participant(db, token).model_dump()  # type: ignore[union-attr]
    workshop = get_workshop(db, here.workshop.id)
    assert workshop is not None
    assert here.workshop.model_dump() == workshop.model_dump()
    assert here.activity is not None and here.activity.model_dump() == voting.model_dump()
    assert here.votes_left == votes_left(db, token) == 3
    assert presence(db, "no-such-token") is None
    assert presence(db, None) is None


def test_a_vote_answers_the_votes_left_counted_under_its_own_write(
    db: Database, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    writer = participant()
    notes = [note(db, writer, text=f"Lapp {n}") for n in range(4)]
    run("vote", "notes")
    token = participant()
    tap = uid()
    assert cast_vote(db, token, id=tap, note_id=notes[0], now=T0).model_dump() == {
        "stored": True,
        "votes_left": 2,
    }
    assert cast_vote(db, token, id=tap, note_id=notes[0], now=T0).votes_left == 2  # a retry
    assert cast_vote(db, token, id=uid(), note_id=notes[1], now=T0).votes_left == 1
    assert cast_vote(db, token, id=uid(), note_id=notes[2], now=T0).votes_left == 0
    taken = take_back_vote(db, token, note_id=notes[0], now=T0)
    assert (taken.stored, taken.votes_left) == (True, 1)
    again = take_back_vote(db, token, note_id=notes[0], now=T0)
    assert (again.stored, again.votes_left) == (False, 1)
    assert votes_left(db, token) == 1


def test_the_vote_count_and_the_limit_trigger_search_an_index(db: Database) -> None:
    """Neither reads every vote ever stored (a full scan grew with every workshop held)."""
    count = db.execute(
        "explain query plan select count(*) from workshop_votes "
        "where activity_id = 'a' and participant_id = 'p' and note_id is not null"
    ).fetchall()
    assert all("SCAN" not in str(row) for row in count)
    trigger = db.execute(
        "select sql from sqlite_master where type = 'trigger' and name = 'workshop_votes_limit'"
    ).fetchone()[0]
    assert "note_id is not null" in trigger and "step_id is not null" in trigger


def test_the_notes_revision_moves_with_every_change_to_a_note(
    db: Database, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    run("notes")
    token = participant()
    seen = [presence(db, token).notes_revision]  # type: ignore[union-attr]

    def moved() -> bool:
        now = presence(db, token).notes_revision  # type: ignore[union-attr]
        changed = now != seen[-1]
        seen.append(now)
        return changed

    first = note(db, token, text="Första")
    assert moved()
    second = note(db, token, text="Andra")
    assert moved()
    workshop_id = presence(db, token).workshop.id  # type: ignore[union-attr]
    hide_note(db, workshop_id, first, now=T0)
    assert moved()
    unhide_note(db, workshop_id, first, now=T0)
    assert moved()
    set_note_kind(db, workshop_id, first, "idea", now=T0)
    assert moved()
    merge_notes(db, workshop_id, second, first, now=T0)
    assert moved()
    db.execute("delete from workshop_notes where id = ?", [second])
    assert moved()
    assert not moved()  # reading changes nothing


def test_a_kept_vote_list_sees_a_note_hidden_by_another_connection(
    db: Database,
    keeping: Database,
    workshop: Workshop,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    run("notes")
    token = participant()
    first = note(db, token, text="Första")
    note(db, token, text="Andra")
    run("vote", "notes")
    assert visible_texts(keeping, workshop) == ["Första", "Andra"]
    assert visible_texts(keeping, workshop) == ["Första", "Andra"]  # kept, same answer
    assert keeping.conn.__dict__["kept"]  # it really was kept
    hide_note(db, workshop.id, first, now=T0)  # the facilitator, on another connection
    assert visible_texts(keeping, workshop) == ["Andra"]
    set_note_kind(db, workshop.id, first, "idea", now=T0)
    unhide_note(db, workshop.id, first, now=T0)
    kinds = {
        n.text: n.kind
        for s in notes_on_steps(keeping, get_workshop(keeping, workshop.id))  # type: ignore[arg-type]
        for n in s.notes
    }
    assert kinds == {"Första": "idea", "Andra": "pain"}


def test_a_workshop_on_the_draft_follows_the_draft_as_it_is_saved(
    db: Database, workshop: Workshop
) -> None:
    """Journeys are parsed once per content: a step added to the draft after the first vote
    can be voted on at once, and a removed one no longer can."""
    draft = create_workshop(
        db,
        workshop.journey_id,
        title="På utkastet",
        date=dt.date(2026, 3, 12),
        facilitator=FACILITATOR,
        now=T0,
    )
    add_activity(db, draft.id, "vote", votes_per_person=5, vote_on="steps", now=T0)
    open_workshop(db, draft.id, now=T0)
    set_current_activity(db, draft.id, 0)
    token = join(db, draft.join_code, age_band="65-79", consent=True, now=T0).token
    assert vote(db, token, id=uid(), step_id="start", now=T0)
    journey = get_journey(db, workshop.journey_id)
    assert journey is not None
    extra = journey.steps[-1].model_copy(update={"id": "nytt-steg", "title": "Nytt steg"})
    changed = journey.model_copy(update={"steps": [*journey.steps, extra]})
    save_journey(db, changed, author="anna", now=T0 + dt.timedelta(minutes=1))
    assert vote(db, token, id=uid(), step_id="nytt-steg", now=T0)
    save_journey(db, journey, author="anna", now=T0 + dt.timedelta(minutes=2))
    with pytest.raises(WorkshopError, match="Steget 'nytt-steg' finns inte i resan"):
        vote(db, token, id=uid(), step_id="nytt-steg", now=T0)


def test_a_vote_within_a_minute_of_the_last_leaves_last_seen_alone(
    db: Database, run: Callable[..., Activity], participant: Callable[..., str]
) -> None:
    token = participant()
    run("vote", "steps")

    def seen() -> dt.datetime:
        found = get_participant(db, token)
        assert found is not None
        return found.last_seen_at

    later = T0 + dt.timedelta(seconds=20)
    assert vote(db, token, id=uid(), step_id="start", now=later)
    assert seen() == T0
    much_later = T0 + dt.timedelta(minutes=3)
    take_back_vote(db, token, step_id="start", now=much_later)
    assert seen() == much_later


def test_two_connections_tapping_at_once_never_pass_the_limit(
    db: Database,
    db_path: Path,
    run: Callable[..., Activity],
    participant: Callable[..., str],
) -> None:
    """Each of 6 participants taps every step from two connections at once (a phone and a
    second tab): each ends with exactly its 2 votes, and the votes left each connection was
    told go down one by one, never below 0, never the same twice for stored votes."""
    run("vote", "steps")
    tokens = [participant() for _ in range(6)]
    steps = ["start", "logga-in", "foto", "kontrollera-svar"]
    start = threading.Barrier(2)
    told: list[tuple[str, int]] = []
    unexpected: list[BaseException] = []
    lock = threading.Lock()

    def tap(side: int) -> None:
        connection = open_db(db_path, migrate=False)
        try:
            start.wait()
            for token in tokens:
                for step in steps if side == 0 else reversed(steps):
                    try:
                        outcome = cast_vote(connection, token, id=uid(), step_id=step, now=T0)
                    except WorkshopError:
                        continue
                    if outcome.stored:
                        with lock:
                            told.append((token, outcome.votes_left))
        except BaseException as exc:
            unexpected.append(exc)
        finally:
            connection.conn.close()

    threads = [threading.Thread(target=tap, args=(side,)) for side in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert unexpected == []
    for token in tokens:
        assert sorted(left for who, left in told if who == token) == [0, 1]
        assert votes_left(db, token) == 0
    per_voter = db.execute(
        "select participant_id, count(*) from workshop_votes group by participant_id"
    ).fetchall()
    assert sorted(n for _, n in per_voter) == [2] * 6


def test_joining_with_the_workshop_looked_up_before_still_checks_it_is_open(
    db: Database, workshop: Workshop
) -> None:
    """The page passes the workshop it found to :func:`join`; closed in between, nobody
    gets in and nothing is stored."""
    open_workshop(db, workshop.id, now=T0)
    found = get_workshop(db, workshop.id)
    assert found is not None and found.state == "open"
    joined = join(db, workshop.join_code, age_band="65-79", consent=True, now=T0, workshop=found)
    assert presence(db, joined.token) is not None
    close_workshop(db, workshop.id, now=T0)
    with pytest.raises(JoinError, match="avslutad"):
        join(db, workshop.join_code, age_band="65-79", consent=True, now=T0, workshop=found)
    assert db.execute("select count(*) from workshop_participants").fetchone()[0] == 1
