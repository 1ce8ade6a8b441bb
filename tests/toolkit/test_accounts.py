"""Designer and facilitator accounts: argon2, one message for every failed sign-in, lockout,
and sessions that end."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlite_utils import Database

from toolkit import accounts
from toolkit.accounts import (
    LOCKED,
    WRONG_CREDENTIALS,
    AccountError,
    LoginError,
    add_user,
    authenticate,
    end_session,
    start_session,
    user_for_session,
)
from toolkit.db import open_db

NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)
PASSWORD = "rätt häst batteri"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_db(tmp_path / "konton.db")


@pytest.fixture
def anna(db: Database) -> accounts.User:
    return add_user(db, "Anna@Kommun.se", PASSWORD, role="designer", now=NOW)


def _minutes(n: float) -> dt.datetime:
    return NOW + dt.timedelta(minutes=n)


def test_passwords_are_stored_as_argon2id_hashes_never_as_text(
    db: Database, anna: accounts.User
) -> None:
    stored = db.execute("select password_hash from users").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    dump = "\n".join(db.conn.iterdump())
    assert PASSWORD not in dump


def test_addresses_are_case_insensitive_and_unique(db: Database, anna: accounts.User) -> None:
    assert anna.email == "anna@kommun.se"
    with pytest.raises(AccountError, match="Det finns redan en användare"):
        add_user(db, "ANNA@kommun.SE", "ett annat lösenord", role="facilitator", now=NOW)
    assert authenticate(db, " ANNA@KOMMUN.SE ", PASSWORD, now=NOW).id == anna.id


@pytest.mark.parametrize(
    ("email", "password", "role", "message"),
    [
        ("anna", PASSWORD, "designer", "Ange en e-postadress i rätt format"),
        ("anna@kommun", PASSWORD, "designer", "Ange en e-postadress i rätt format"),
        ("", PASSWORD, "designer", "Ange en e-postadress i rätt format"),
        ("anna@kommun.se", "123456789", "designer", "Lösenordet måste ha minst 10 tecken"),
        ("anna@kommun.se", PASSWORD, "admin", "Välj roll: designer eller facilitator"),
    ],
)
def test_a_bad_account_is_refused_with_a_swedish_message(
    db: Database, email: str, password: str, role: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        add_user(db, email, password, role=role, now=NOW)


def test_a_ten_character_password_is_enough(db: Database) -> None:
    assert add_user(db, "b@kommun.se", "1234567890", role="facilitator", now=NOW).role == (
        "facilitator"
    )


def test_wrong_password_and_unknown_address_give_the_same_message(
    db: Database, anna: accounts.User
) -> None:
    with pytest.raises(LoginError) as wrong:
        authenticate(db, "anna@kommun.se", "fel lösenord!", now=NOW)
    with pytest.raises(LoginError) as unknown:
        authenticate(db, "ingen@kommun.se", PASSWORD, now=NOW)
    assert str(wrong.value) == str(unknown.value) == WRONG_CREDENTIALS
    assert WRONG_CREDENTIALS == (
        "E-postadressen eller lösenordet stämmer inte. Kontrollera dem och försök igen."
    )
    assert not wrong.value.locked and not unknown.value.locked


def test_an_unknown_address_still_costs_an_argon2_verification(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = accounts._verify

    def spy(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "_verify", spy)
    with pytest.raises(LoginError):
        authenticate(db, "ingen@kommun.se", PASSWORD, now=NOW)
    assert len(checked) == 1
    assert checked[0].startswith("$argon2id$")


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(
    db: Database, anna: accounts.User
) -> None:
    for attempt in range(4):
        with pytest.raises(LoginError) as caught:
            authenticate(db, anna.email, "fel lösenord!", now=_minutes(attempt))
        assert str(caught.value) == WRONG_CREDENTIALS
    with pytest.raises(LoginError) as fifth:
        authenticate(db, anna.email, "fel lösenord!", now=_minutes(4))
    assert fifth.value.locked
    assert str(fifth.value) == LOCKED == "Kontot är låst i 15 minuter efter för många försök"
    # Even the right password is refused while locked.
    with pytest.raises(LoginError) as locked:
        authenticate(db, anna.email, PASSWORD, now=_minutes(4 + 14.9))
    assert locked.value.locked
    # Fifteen minutes after the lock, the right password works again.
    assert authenticate(db, anna.email, PASSWORD, now=_minutes(4 + 15)).id == anna.id
    row = db.execute("select failed_attempts, locked_until from users").fetchone()
    assert row == (0, None)


def test_after_a_lock_ends_a_wrong_password_starts_counting_again(
    db: Database, anna: accounts.User
) -> None:
    for attempt in range(5):
        with pytest.raises(LoginError):
            authenticate(db, anna.email, "fel lösenord!", now=_minutes(attempt))
    with pytest.raises(LoginError) as after:
        authenticate(db, anna.email, "fel lösenord!", now=_minutes(30))
    assert not after.value.locked


def test_a_successful_sign_in_resets_the_count(db: Database, anna: accounts.User) -> None:
    for _ in range(4):
        with pytest.raises(LoginError):
            authenticate(db, anna.email, "fel lösenord!", now=NOW)
    authenticate(db, anna.email, PASSWORD, now=NOW)
    for _ in range(4):
        with pytest.raises(LoginError) as caught:
            authenticate(db, anna.email, "fel lösenord!", now=NOW)
        assert not caught.value.locked


def test_only_a_sha256_of_the_session_token_is_stored(db: Database, anna: accounts.User) -> None:
    token = start_session(db, anna, now=NOW, hours=12)
    assert len(token) >= 40
    rows = db.execute("select * from sessions").fetchall()
    assert len(rows) == 1
    assert token not in repr(rows)
    assert rows[0][0] == hashlib.sha256(token.encode()).hexdigest()


def test_a_session_lasts_its_hours_and_not_a_second_longer(
    db: Database, anna: accounts.User
) -> None:
    token = start_session(db, anna, now=NOW, hours=12)
    assert user_for_session(db, token, now=NOW) == anna
    just_before = NOW + dt.timedelta(hours=12) - dt.timedelta(seconds=1)
    assert user_for_session(db, token, now=just_before) == anna
    assert user_for_session(db, token, now=NOW + dt.timedelta(hours=12)) is None


def test_signing_out_ends_the_session(db: Database, anna: accounts.User) -> None:
    token = start_session(db, anna, now=NOW, hours=12)
    other = start_session(db, anna, now=NOW, hours=12)
    assert end_session(db, token, now=_minutes(1)) is True
    assert user_for_session(db, token, now=_minutes(2)) is None
    assert user_for_session(db, other, now=_minutes(2)) == anna
    assert end_session(db, token, now=_minutes(3)) is False


@pytest.mark.parametrize("token", [None, "", "okänd", "x" * 10_000])
def test_a_missing_or_unknown_token_is_nobody(
    db: Database, anna: accounts.User, token: str | None
) -> None:
    start_session(db, anna, now=NOW, hours=12)
    assert user_for_session(db, token, now=NOW) is None


def test_naive_times_are_taken_as_utc(db: Database, anna: accounts.User) -> None:
    token = start_session(db, anna, now=NOW.replace(tzinfo=None), hours=1)
    assert user_for_session(db, token, now=NOW + dt.timedelta(minutes=59)) == anna
    assert user_for_session(db, token, now=NOW + dt.timedelta(minutes=61)) is None
