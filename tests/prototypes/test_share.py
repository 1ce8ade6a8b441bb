"""Share links: codes people can read and type, tasks for testers, revoking and expiry."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from sqlite_utils import Database

from prototypes import (
    CODE_ALPHABET,
    CODE_BITS,
    CODE_LENGTH,
    InvalidCode,
    ShareLinkError,
    create_share_link,
    format_code,
    get_share_link,
    list_share_links,
    new_code,
    normalise_code,
    publish_version,
    resolve_share_link,
    revoke_share_link,
)
from tests.prototypes.conftest import PARKERING, T0

T1 = T0 + dt.timedelta(hours=1)
LOOK_ALIKES = "0O1lIio"


@pytest.fixture
def version_id(db: Database, save) -> str:
    save()
    return publish_version(db, "parkering", note="v1", author="anna", now=T0).id


# --- codes ----------------------------------------------------------------------------------


def test_a_code_has_ten_symbols_without_look_alikes() -> None:
    code = new_code()
    assert len(code) == CODE_LENGTH == 10
    assert set(code) <= set(CODE_ALPHABET)
    assert not set(LOOK_ALIKES) & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31


def test_a_code_carries_at_least_40_bits_of_entropy() -> None:
    assert pytest.approx(CODE_LENGTH * math.log2(len(CODE_ALPHABET))) == CODE_BITS
    assert CODE_BITS >= 40


def test_ten_thousand_codes_are_all_different() -> None:
    codes = [new_code() for _ in range(10_000)]
    assert len(set(codes)) == 10_000


def test_codes_use_every_symbol_of_the_alphabet() -> None:
    rng = random.Random(7)
    seen = set("".join(new_code(rng) for _ in range(1_000)))
    assert seen == set(CODE_ALPHABET)


def test_a_seeded_rng_gives_the_same_codes() -> None:
    first, second = random.Random(42), random.Random(42)
    assert [new_code(first) for _ in range(3)] == [new_code(second) for _ in range(3)]
    assert new_code(random.Random(1)) != new_code(random.Random(2))


def test_normalise_code_accepts_upper_case_spaces_and_hyphens() -> None:
    code = new_code(random.Random(3))
    assert normalise_code(code.upper()) == code
    assert normalise_code(f" {code[:5]} {code[5:]} ") == code
    assert normalise_code(format_code(code)) == code
    assert format_code(code) == f"{code[:5]}-{code[5:]}"


@pytest.mark.parametrize("wrong", ["0", "O", "1", "l", "I", "i", "o"])
def test_normalise_code_refuses_look_alikes_instead_of_guessing(wrong: str) -> None:
    with pytest.raises(InvalidCode, match=f"'{wrong.lower()}'"):
        normalise_code("abcde" + wrong + "fghj")


def test_normalise_code_says_when_the_length_is_wrong() -> None:
    with pytest.raises(InvalidCode, match="ska ha 10 tecken, men har 9"):
        normalise_code("abcde-fghj")


# --- links ----------------------------------------------------------------------------------


def test_a_share_link_opens_its_version_with_a_task(db: Database, version_id: str) -> None:
    link = create_share_link(
        db,
        version_id,
        label="Klass 9B",
        task="Du har fått ett brev om parkering. Ansök om tillstånd.",
        success_step="klart",
        allow_under_13=True,
        created_by="anna",
        now=T0,
        rng=random.Random(5),
    )
    assert link.code == new_code(random.Random(5))
    assert (link.version_id, link.journey_id) == ("parkering-v1", "parkering")
    assert link.allow_under_13
    assert get_share_link(db, link.code) == link

    resolution = resolve_share_link(db, link.code.upper(), now=T1)
    assert resolution.status == "ok"
    assert resolution.ok
    assert resolution.link == link
    assert resolution.version is not None
    assert resolution.version.id == "parkering-v1"


def test_a_link_is_for_adults_only_unless_a_facilitator_attests_consent(
    db: Database, version_id: str
) -> None:
    link = create_share_link(db, version_id, created_by="anna", now=T0)
    assert not link.allow_under_13
    assert not get_share_link(db, link.code).allow_under_13


def test_the_success_step_must_exist_and_a_close_one_is_suggested(
    db: Database, version_id: str
) -> None:
    with pytest.raises(ShareLinkError, match="Steget 'kontrol-svar' finns inte") as raised:
        create_share_link(db, version_id, success_step="kontrol-svar", created_by="anna", now=T0)
    assert "Menade du 'kontrollera-svar'?" in str(raised.value)
    assert list_share_links(db) == []


def test_a_success_step_without_a_close_match_lists_the_steps(
    db: Database, version_id: str
) -> None:
    with pytest.raises(ShareLinkError, match="Stegen heter: start, kontrollera-svar, klart"):
        create_share_link(db, version_id, success_step="zzz", created_by="anna", now=T0)


def test_a_link_needs_a_published_version(db: Database, version_id: str) -> None:
    with pytest.raises(ShareLinkError, match="Menade du 'parkering-v1'"):
        create_share_link(db, "parkering-v2", created_by="anna", now=T0)


def test_a_link_cannot_expire_before_it_is_made(db: Database, version_id: str) -> None:
    with pytest.raises(ShareLinkError, match="Välj en tid i framtiden"):
        create_share_link(db, version_id, expires_at=T0, created_by="anna", now=T0)


def test_a_taken_code_is_replaced_by_a_fresh_one(db: Database, version_id: str) -> None:
    first = create_share_link(db, version_id, created_by="anna", now=T0, rng=random.Random(9))
    second = create_share_link(db, version_id, created_by="anna", now=T0, rng=random.Random(9))
    assert second.code != first.code
    assert len(list_share_links(db)) == 2


def test_a_revoked_link_resolves_as_revoked(db: Database, version_id: str) -> None:
    link = create_share_link(db, version_id, created_by="anna", now=T0)
    revoked = revoke_share_link(db, format_code(link.code), now=T1)
    assert revoked.revoked_at == T1
    resolution = resolve_share_link(db, link.code, now=T1)
    assert resolution.status == "revoked"
    assert not resolution.ok
    assert resolution.link == revoked


def test_revoking_twice_keeps_the_first_time(db: Database, version_id: str) -> None:
    link = create_share_link(db, version_id, created_by="anna", now=T0)
    revoke_share_link(db, link.code, now=T1)
    again = revoke_share_link(db, link.code, now=T1 + dt.timedelta(days=1))
    assert again.revoked_at == T1


def test_revoking_an_unknown_code_says_so(db: Database) -> None:
    with pytest.raises(ShareLinkError, match="Det finns ingen delningslänk med koden"):
        revoke_share_link(db, "abcde-fghjk", now=T0)


def test_a_link_expires_at_its_expiry_time(db: Database, version_id: str) -> None:
    ends = T0 + dt.timedelta(days=7)
    link = create_share_link(db, version_id, expires_at=ends, created_by="anna", now=T0)
    just_before = ends - dt.timedelta(microseconds=1)
    assert resolve_share_link(db, link.code, now=just_before).status == "ok"
    assert resolve_share_link(db, link.code, now=ends).status == "expired"
    assert resolve_share_link(db, link.code, now=ends + dt.timedelta(days=1)).status == "expired"


def test_a_revoked_link_says_revoked_even_after_it_expired(db: Database, version_id: str) -> None:
    link = create_share_link(db, version_id, expires_at=T1, created_by="anna", now=T0)
    revoke_share_link(db, link.code, now=T0)
    assert resolve_share_link(db, link.code, now=T1 + dt.timedelta(days=1)).status == "revoked"


@pytest.mark.parametrize("typed", ["abcde-fghjk", "not a code at all", "", "00000-11111"])
def test_an_unknown_code_resolves_as_unknown(db: Database, version_id: str, typed: str) -> None:
    resolution = resolve_share_link(db, typed, now=T0)
    assert resolution.status == "unknown"
    assert resolution.link is None
    assert resolution.version is None


def test_share_links_are_listed_newest_first_by_version_or_journey(
    db: Database, save, version_id: str
) -> None:
    old = create_share_link(db, version_id, label="Klass 9A", created_by="anna", now=T0)
    save(PARKERING.replace("title: Klart", "title: Tack"), now=T1)
    publish_version(db, "parkering", note="v2", author="anna", now=T1)
    new = create_share_link(db, "parkering-v2", label="Klass 9B", created_by="anna", now=T1)

    assert [link.code for link in list_share_links(db)] == [new.code, old.code]
    assert [link.code for link in list_share_links(db, journey_id="parkering")] == [
        new.code,
        old.code,
    ]
    assert [link.label for link in list_share_links(db, version_id="parkering-v1")] == ["Klass 9A"]
    assert list_share_links(db, journey_id="bygglov") == []


def test_blank_label_and_task_are_stored_as_none(db: Database, version_id: str) -> None:
    link = create_share_link(db, version_id, label="  ", task="", created_by="anna", now=T0)
    assert (link.label, link.task) == (None, None)
