"""Join codes and joining: short codes people can type, consent first, closed means closed."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable

import pytest
from sqlite_utils import Database

from prototypes import Version
from tests.workshops.conftest import FACILITATOR, T0, count
from workshops import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_BITS,
    JOIN_CODE_LENGTH,
    JoinError,
    Workshop,
    WorkshopError,
    close_workshop,
    create_workshop,
    find_workshop,
    format_join_code,
    get_participant,
    hash_token,
    join,
    list_participants,
    new_join_code,
    normalise_join_code,
    open_workshop,
)


def test_join_codes_are_six_symbols_without_look_alikes() -> None:
    rng = random.Random(1)
    codes = [new_join_code(rng) for _ in range(2000)]
    assert all(len(code) == JOIN_CODE_LENGTH == 6 for code in codes)
    assert set("".join(codes)) == set(JOIN_CODE_ALPHABET)
    for letter in "0O1ILSZBGU":
        assert letter not in JOIN_CODE_ALPHABET
    # of each look-alike pair that remains, one side only
    for pair in ("5S", "2Z", "8B", "6G", "UV"):
        assert sum(ch in JOIN_CODE_ALPHABET for ch in pair) == 1


def test_a_join_code_has_about_28_bits() -> None:
    assert len(JOIN_CODE_ALPHABET) == 26
    assert math.isclose(JOIN_CODE_BITS, 6 * math.log2(26))
    assert 28 < JOIN_CODE_BITS < 28.3


def test_every_workshop_gets_its_own_code_even_when_the_first_draw_is_taken(
    db: Database, version: Version
) -> None:
    def make(rng: random.Random) -> Workshop:
        return create_workshop(
            db,
            version.journey_id,
            title="Workshop",
            date=dt.date(2026, 3, 12),
            facilitator=FACILITATOR,
            now=T0,
            rng=rng,
        )

    first = make(random.Random(3))
    second = make(random.Random(3))  # draws the same id and code first, then fresh ones
    others = [make(random.Random(n)) for n in range(100, 150)]
    codes = [w.join_code for w in (first, second, *others)]
    assert len(set(codes)) == len(codes)
    assert find_workshop(db, second.join_code) == second


def test_typed_codes_forgive_case_spaces_hyphens_and_look_alike_letters() -> None:
    assert normalise_join_code("k7m pq2") == "K7MPQ2"
    assert normalise_join_code(" K7M-PQ2 ") == "K7MPQ2"
    assert normalise_join_code("K7MPQZ") == "K7MPQ2"  # Z typed for 2
    assert normalise_join_code("SUBG7Q") == "5V867Q"
    assert format_join_code("K7MPQ2") == "K7M PQ2"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("K0MPQ2", "'0'"),
        ("KOMPQ2", "'O'"),
        ("K1MPQ2", "'1'"),
        ("KLMPQI", "'I', 'L'"),
        ("K7MPQ", "ska ha 6 tecken, men du skrev 5"),
        ("K7MPQ22", "men du skrev 7"),
    ],
)
def test_a_code_that_cannot_be_a_code_is_refused_in_swedish(typed: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        normalise_join_code(typed)


def test_joining_an_open_workshop_numbers_people_and_keeps_only_a_hash_of_the_token(
    db: Database, workshop: Workshop
) -> None:
    open_workshop(db, workshop.id, now=T0)
    first = join(db, workshop.join_code.lower(), age_band="16-17", consent=True, now=T0)
    second = join(
        db, workshop.join_code, age_band="65-79", consent=True, nickname="Birgitta", now=T0
    )
    third = join(db, workshop.join_code, age_band="30-49", consent=True, nickname="  ", now=T0)
    assert [p.nickname for p in list_participants(db, workshop.id)] == [
        "Anonym 1",
        "Birgitta",
        "Anonym 3",
    ]
    assert first.participant.consent_at == T0
    assert len(first.token) >= 43 and first.token != second.token != third.token
    stored = db.execute("select token_hash from workshop_participants").fetchall()
    assert (hash_token(first.token),) in stored
    assert all(first.token not in str(row) for row in stored)
    assert get_participant(db, second.token) == second.participant
    assert get_participant(db, second.token + "x") is None


def test_personal_data_in_a_nickname_is_masked(db: Database, workshop: Workshop) -> None:
    open_workshop(db, workshop.id, now=T0)
    joined = join(
        db, workshop.join_code, age_band="18-29", consent=True, nickname="070-123 45 67", now=T0
    )
    assert joined.participant.nickname == "[telefonnummer]"


def test_joining_a_closed_workshop_is_refused_in_swedish(db: Database, workshop: Workshop) -> None:
    open_workshop(db, workshop.id, now=T0)
    close_workshop(db, workshop.id, now=T0)
    with pytest.raises(JoinError, match="Workshoppen är avslutad") as caught:
        join(db, workshop.join_code, age_band="18-29", consent=True, now=T0)
    assert caught.value.reason == "closed"
    assert not caught.value.counts_as_guess
    assert count(db, "workshop_participants") == 0


def test_joining_before_the_workshop_opens_says_to_wait(db: Database, workshop: Workshop) -> None:
    with pytest.raises(JoinError, match="har inte börjat än") as caught:
        join(db, workshop.join_code, age_band="18-29", consent=True, now=T0)
    assert caught.value.reason == "not-open"


def test_unknown_and_malformed_codes_count_as_guesses(db: Database, workshop: Workshop) -> None:
    open_workshop(db, workshop.id, now=T0)
    unused = next(
        c for c in (new_join_code(random.Random(n)) for n in range(99)) if c != workshop.join_code
    )
    with pytest.raises(JoinError, match=f"ingen workshop med koden {unused}") as unknown:
        join(db, unused, age_band="18-29", consent=True, now=T0)
    assert unknown.value.reason == "unknown" and unknown.value.counts_as_guess
    with pytest.raises(JoinError) as malformed:
        join(db, "hej", age_band="18-29", consent=True, now=T0)
    assert malformed.value.reason == "invalid" and malformed.value.counts_as_guess


def test_consent_and_age_come_before_anything_is_stored(db: Database, workshop: Workshop) -> None:
    open_workshop(db, workshop.id, now=T0)
    with pytest.raises(WorkshopError, match="Kryssa i att du vill vara med"):
        join(db, workshop.join_code, age_band="18-29", consent=False, now=T0)
    with pytest.raises(WorkshopError, match="Välj hur gammal du är"):
        join(db, workshop.join_code, age_band="", consent=True, now=T0)
    assert count(db, "workshop_participants") == 0


def test_under_13_may_join_only_when_the_workshop_allows_it(
    db: Database, version: Version, workshop: Workshop
) -> None:
    open_workshop(db, workshop.id, now=T0)
    with pytest.raises(WorkshopError, match="minst 13 år"):
        join(db, workshop.join_code, age_band="under-13", consent=True, now=T0)
    school = create_workshop(
        db,
        version.journey_id,
        title="Klass 6B",
        date=dt.date(2026, 3, 13),
        facilitator=FACILITATOR,
        allow_under_13=True,
        now=T0,
    )
    open_workshop(db, school.id, now=T0)
    joined = join(db, school.join_code, age_band="under-13", consent=True, now=T0)
    assert joined.participant.age_band == "under-13"


def test_a_long_nickname_is_refused(participant: Callable[..., str]) -> None:
    with pytest.raises(WorkshopError, match="högst 30 tecken"):
        participant(nickname="x" * 31)
