"""Designer and facilitator accounts, sign-in and sessions.

Citizens and workshop participants never sign in; only the people who build and run the
tests do. Passwords are hashed with argon2id. A session is a random token handed to the
browser in the ``medskapa_session`` cookie (:data:`toolkit.routes.SESSION_COOKIE`); the
database keeps only its SHA-256, so a copied database does not sign anyone in.

Sign-in failures say the same thing whether the address is unknown or the password wrong
(``WRONG_CREDENTIALS``), and take about as long: an unknown address is checked
against a dummy hash. After :data:`MAX_FAILED_ATTEMPTS` wrong passwords in a row the
account is locked for :data:`LOCK_MINUTES` minutes.

Time comes in as ``now`` (timezone-aware; naive values are taken as UTC) so tests are exact.
The tables are created by :data:`toolkit.db.TOOLKIT_MIGRATIONS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlite_utils import Database

Role = Literal["designer", "facilitator"]
ROLES: tuple[str, ...] = get_args(Role)

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only stops silly uploads
MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15

WRONG_CREDENTIALS = "E-postadressen eller lösenordet stämmer inte. Kontrollera dem och försök igen."
LOCKED = "Kontot är låst i 15 minuter efter för många försök"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why, in Swedish."""


class LoginError(Exception):
    """Sign-in refused. ``str(error)`` is the message to show; ``locked`` tells which."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.locked = locked


@dataclass(frozen=True)
class User:
    """A designer or facilitator, as the rest of the app sees them (never the hash)."""

    id: int
    email: str
    role: Role
    created_at: dt.datetime


def _utc(now: dt.datetime) -> dt.datetime:
    return now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)


def _stamp(now: dt.datetime) -> str:
    return _utc(now).isoformat()


def _parse(value: str | None) -> dt.datetime | None:
    return None if value is None else _utc(dt.datetime.fromisoformat(value))


def normalise_email(email: str) -> str:
    """The address as stored: trimmed and in lower case."""
    return email.strip().lower()


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def _row(db: Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    cursor = db.execute(sql, params)
    found = cursor.fetchone()
    if found is None:
        return None
    return {column[0]: value for column, value in zip(cursor.description, found, strict=True)}


def _user(row: dict[str, Any]) -> User:
    created = _parse(row["created_at"])
    assert created is not None
    return User(id=row["id"], email=row["email"], role=row["role"], created_at=created)


def add_user(db: Database, email: str, password: str, *, role: str, now: dt.datetime) -> User:
    """Create an account. Raises :class:`AccountError` for a malformed address, a password
    under :data:`MIN_PASSWORD_LENGTH` characters, an unknown role or an address in use."""
    address = normalise_email(email)
    if not _EMAIL.match(address):
        raise AccountError(
            "Ange en e-postadress i rätt format, till exempel namn@kommun.se"
            + (f" (inte '{email.strip()}')" if email.strip() else "")
        )
    if role not in ROLES:
        raise AccountError(f"Välj roll: designer eller facilitator (inte '{role}')")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Lösenordet får ha högst {MAX_PASSWORD_LENGTH} tecken")
    if get_user(db, address) is not None:
        raise AccountError(f"Det finns redan en användare med e-postadressen {address}")
    values = {
        "email": address,
        "role": role,
        "password_hash": _hasher.hash(password),
        "created_at": _stamp(now),
        "failed_attempts": 0,
        "locked_until": None,
    }
    try:
        with db.atomic():
            cursor = db.execute(
                "insert into users (email, role, password_hash, created_at, failed_attempts, "
                "locked_until) values (:email, :role, :password_hash, :created_at, "
                ":failed_attempts, :locked_until)",
                values,
            )
    except sqlite3.IntegrityError as exc:  # someone else added the same address just now
        raise AccountError(f"Det finns redan en användare med e-postadressen {address}") from exc
    assert cursor.lastrowid is not None
    return User(id=cursor.lastrowid, email=address, role=role, created_at=_utc(now))  # type: ignore[arg-type]


def get_user(db: Database, email: str) -> User | None:
    """The account with this address (any case), or None."""
    row = _row(db, "select * from users where email = ? collate nocase", [normalise_email(email)])
    return _user(row) if row else None


def list_users(db: Database) -> list[User]:
    """Every account, by address."""
    cursor = db.execute("select * from users order by email collate nocase")
    names = [c[0] for c in cursor.description]
    return [_user(dict(zip(names, r, strict=True))) for r in cursor.fetchall()]


def authenticate(db: Database, email: str, password: str, *, now: dt.datetime) -> User:
    """The user whose address and password these are, or :class:`LoginError`.

    Unknown address and wrong password give the same message and cost the same argon2
    work. A locked account is refused, even with the right password, until the lock ends.
    The failure that reaches :data:`MAX_FAILED_ATTEMPTS` locks the account and says so.
    """
    moment = _utc(now)
    row = _row(db, "select * from users where email = ? collate nocase", [normalise_email(email)])
    if row is None:
        _verify(_dummy_hash(), password)
        raise LoginError(WRONG_CREDENTIALS)
    locked_until = _parse(row["locked_until"])
    if locked_until is not None and moment < locked_until:
        raise LoginError(LOCKED, locked=True)
    if not _verify(row["password_hash"], password):
        attempts = (0 if locked_until is not None else row["failed_attempts"]) + 1
        if attempts >= MAX_FAILED_ATTEMPTS:
            until = _stamp(moment + dt.timedelta(minutes=LOCK_MINUTES))
            with db.atomic():
                db.execute(
                    "update users set failed_attempts = 0, locked_until = ? where id = ?",
                    [until, row["id"]],
                )
            raise LoginError(LOCKED, locked=True)
        with db.atomic():
            db.execute(
                "update users set failed_attempts = ?, locked_until = null where id = ?",
                [attempts, row["id"]],
            )
        raise LoginError(WRONG_CREDENTIALS)
    updates: dict[str, Any] = {"failed_attempts": 0, "locked_until": None}
    if _hasher.check_needs_rehash(row["password_hash"]):
        updates["password_hash"] = _hasher.hash(password)
    if row["failed_attempts"] or row["locked_until"] or "password_hash" in updates:
        with db.atomic():
            db.table("users").update(row["id"], updates)
    return _user(row)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password[:MAX_PASSWORD_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- sessions -------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What the database keeps of a session token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(db: Database, user: User, *, now: dt.datetime, hours: float) -> str:
    """Start a session for ``user`` lasting ``hours``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    moment = _utc(now)
    with db.atomic():
        db.table("sessions").insert(
            {
                "token_hash": token_hash(token),
                "user_id": user.id,
                "created_at": _stamp(moment),
                "expires_at": _stamp(moment + dt.timedelta(hours=hours)),
                "ended_at": None,
            }
        )
    return token


def user_for_session(db: Database, token: str | None, *, now: dt.datetime) -> User | None:
    """The signed-in user for a cookie value, or None (missing, unknown, expired, ended)."""
    if not token or len(token) > 200:
        return None
    row = _row(
        db,
        "select u.*, s.expires_at as session_expires, s.ended_at as session_ended "
        "from sessions s join users u on u.id = s.user_id where s.token_hash = ?",
        [token_hash(token)],
    )
    if row is None or row["session_ended"] is not None:
        return None
    expires = _parse(row["session_expires"])
    if expires is None or _utc(now) >= expires:
        return None
    return _user(row)


def end_session(db: Database, token: str | None, *, now: dt.datetime) -> bool:
    """Sign out: end the session. False when there was no open session for the token."""
    if not token:
        return False
    with db.atomic():
        cursor = db.execute(
            "update sessions set ended_at = ? where token_hash = ? and ended_at is null",
            [_stamp(now), token_hash(token)],
        )
    return cursor.rowcount > 0


def end_user_sessions(db: Database, user: User, *, now: dt.datetime) -> int:
    """End every open session of ``user`` (after a password change, say); returns how many."""
    with db.atomic():
        cursor = db.execute(
            "update sessions set ended_at = ? where user_id = ? and ended_at is null",
            [_stamp(now), user.id],
        )
    return cursor.rowcount
