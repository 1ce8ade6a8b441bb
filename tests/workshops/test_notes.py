"""Notes on steps: checked against the journey, masked, stored once, only when input is open."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlite_utils import Database

from tests.workshops.conftest import T0, count, note, uid
from workshops import (
    MAX_NOTE_LENGTH,
    Activity,
    Workshop,
    WorkshopError,
    add_note,
    close_workshop,
    get_note,
    lock_input,
    notes_by_step,
    question_answers,
    unlock_input,
)


@pytest.fixture
def token(run: Callable[..., Activity], participant: Callable[..., str]) -> str:
    """A participant during the notes activity."""
    run("notes")
    return participant()


def test_a_note_on_an_unknown_step_is_refused_with_a_did_you_mean(db: Database, token: str) -> None:
    with pytest.raises(WorkshopError) as caught:
        note(db, token, step_id="kontrolera-svar")
    assert str(caught.value) == (
        "Steget 'kontrolera-svar' finns inte i resan. "
        "Menade du 'kontrollera-svar' (Kontrollera dina svar)?"
    )
    with pytest.raises(WorkshopError, match="Välj vilket steg i resan lappen gäller"):
        note(db, token, step_id=None)
    assert count(db, "workshop_notes") == 0


def test_personal_identifiers_in_a_note_are_masked_before_storing(db: Database, token: str) -> None:
    note_id = note(db, token, text="Ring mig på 070-123 45 67, pnr 19850709-9805 eller anna@x.se")
    stored = get_note(db, note_id)
    assert stored is not None
    assert stored.text == "Ring mig på [telefonnummer], pnr [personnummer] eller [e-post]"
    assert stored.masked
    raw = db.execute("select text from workshop_notes").fetchone()[0]
    assert "070" not in raw and "9805" not in raw


def test_sending_the_same_note_again_stores_it_once_even_after_input_was_locked(
    db: Database, workshop: Workshop, token: str
) -> None:
    note_id = uid()
    sent = {"id": note_id, "step_id": "foto", "kind": "idea", "text": "Ta fotot med mobilen"}
    assert add_note(db, token, **sent, now=T0) is True
    assert add_note(db, token, **sent, now=T0) is False
    lock_input(db, workshop.id)  # the answer to the first send was lost; the phone retries
    assert add_note(db, token, **sent, now=T0) is False
    assert count(db, "workshop_notes") == 1


def test_a_note_over_500_characters_is_refused(db: Database, token: str) -> None:
    with pytest.raises(WorkshopError, match=r"högst 500 tecken\. Den har 501"):
        note(db, token, text="x" * (MAX_NOTE_LENGTH + 1))
    with pytest.raises(WorkshopError, match="Skriv något på lappen"):
        note(db, token, text="   ")
    with pytest.raises(WorkshopError, match="problem, en idé, en fråga eller beröm"):
        note(db, token, kind="rant")


def test_locked_input_refuses_new_notes_in_swedish_until_unlocked(
    db: Database, workshop: Workshop, token: str
) -> None:
    lock_input(db, workshop.id)
    with pytest.raises(WorkshopError, match="Workshopledaren har pausat just nu"):
        note(db, token)
    unlock_input(db, workshop.id)
    note(db, token)
    assert count(db, "workshop_notes") == 1


def test_a_dot_vote_does_not_take_notes(
    db: Database, run: Callable[..., Activity], token: str
) -> None:
    run("vote")
    with pytest.raises(WorkshopError, match="Just nu pågår ”Prickröstning”, och då går det inte"):
        note(db, token)


def test_a_closed_workshop_takes_no_more_notes(
    db: Database, workshop: Workshop, token: str
) -> None:
    close_workshop(db, workshop.id, now=T0)
    with pytest.raises(WorkshopError, match="Workshoppen är avslutad"):
        note(db, token)


def test_an_unknown_participant_is_asked_to_join_again(db: Database, token: str) -> None:
    with pytest.raises(WorkshopError, match="Skanna QR-koden"):
        note(db, "not-a-token")


def test_an_open_question_takes_answers_without_a_step(
    db: Database, workshop: Workshop, run: Callable[..., Activity], token: str
) -> None:
    question = run("question")
    answer = note(db, token, step_id=None, kind="idea", text="Färre frågor")
    on_step = note(db, token, step_id="foto", kind="idea", text="Foto med mobilen")
    answered = question_answers(db, workshop.id)
    assert [(a.activity.id, [n.id for n in a.answers]) for a in answered] == [
        (question.id, [answer])
    ]
    foto = next(s for s in notes_by_step(db, workshop.id) if s.step_id == "foto")
    assert [n.id for n in foto.notes] == [on_step]
