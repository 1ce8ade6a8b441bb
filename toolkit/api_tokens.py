"""API tokens for the read-only open-data API (``/api/v1``).

A kommun's own follow-up (a dashboard, a script, a BI tool) reads the figures with
``Authorization: Bearer <token>``. A token is made once with :func:`create_token` (``medskapa
token create`` or, for designers, the settings page of the designer app), shown once, and
only its SHA-256 is stored, so a copied database opens nothing. A token can be
revoked; a revoked token never works again. Comparing hashes is constant-time
(:func:`hmac.compare_digest`).

Each token keeps when it was last used (:func:`check_token` with ``now``), so a designer can
see which tokens are still read and revoke the forgotten ones. It is written at most once a
minute per token (:data:`LAST_USED_EVERY`), so a script polling the API does not make every
read a write.

The table ``api_tokens`` is created by :data:`toolkit.db.TOOLKIT_MIGRATIONS` (m002, m003)::

    api_tokens  id (pk), name, token_hash (unique), created_at, created_by, revoked_at,
                last_used_at
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from sqlite_utils import Database

TOKEN_PREFIX = "msk_"
TOKEN_BYTES = 32
MAX_NAME_LENGTH = 80
LAST_USED_EVERY = dt.timedelta(minutes=1)
"""A token's last use is stored again only when the stored one is at least this old."""

_COLUMNS = "id, name, created_at, created_by, revoked_at, last_used_at"


class TokenError(ValueError):
    """A token cannot be created or revoked as asked; the Swedish message says why."""


@dataclass(frozen=True)
class ApiToken:
    """A token as listed: never the token itself, nor its hash."""

    id: int
    name: str
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _stamp(now: dt.datetime) -> str:
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return now.astimezone(dt.UTC).isoformat()


def _parse(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def hash_token(token: str) -> str:
    """The stored form of a token: hex SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _token(row: Any) -> ApiToken:
    created = _parse(row[2])
    assert created is not None
    return ApiToken(
        id=row[0],
        name=row[1],
        created_at=created,
        created_by=row[3],
        revoked_at=_parse(row[4]),
        last_used_at=_parse(row[5]),
    )


def create_token(
    db: Database, name: str, *, created_by: str, now: dt.datetime
) -> tuple[ApiToken, str]:
    """Make a token named ``name`` (what it is for, e.g. "Uppföljning socialnämnden").

    Returns the stored token and the secret text, which is shown once and never again.
    """
    label = " ".join(name.split())
    if not label:
        raise TokenError('Ge nyckeln ett namn som säger vad den används till, t.ex. "Uppföljning".')
    if len(label) > MAX_NAME_LENGTH:
        raise TokenError(f"Namnet får ha högst {MAX_NAME_LENGTH} tecken.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    with db.atomic():
        cursor = db.execute(
            "insert into api_tokens (name, token_hash, created_at, created_by) values (?, ?, ?, ?)",
            [label, hash_token(token), _stamp(now), created_by],
        )
        token_id = cursor.lastrowid
    found = get_token(db, int(token_id or 0))
    assert found is not None
    return found, token


def get_token(db: Database, token_id: int) -> ApiToken | None:
    """The token with this id, or None."""
    row = db.execute(f"select {_COLUMNS} from api_tokens where id = ?", [token_id]).fetchone()
    return None if row is None else _token(row)


def list_tokens(db: Database) -> list[ApiToken]:
    """Every token, oldest first, revoked ones too."""
    return [
        _token(row)
        for row in db.execute(f"select {_COLUMNS} from api_tokens order by id").fetchall()
    ]


def revoke_token(db: Database, token_id: int, *, now: dt.datetime) -> ApiToken:
    """Revoke a token for good. Revoking it again changes nothing."""
    if get_token(db, token_id) is None:
        raise TokenError(f"Det finns ingen nyckel med id {token_id}. Se: medskapa token list")
    with db.atomic():
        db.execute(
            "update api_tokens set revoked_at = ? where id = ? and revoked_at is null",
            [_stamp(now), token_id],
        )
    found = get_token(db, token_id)
    assert found is not None
    return found


def check_token(
    db: Database, token: str | None, *, now: dt.datetime | None = None
) -> ApiToken | None:
    """The active token matching ``token``, or None (missing, unknown or revoked).

    Every active token's hash is compared in constant time, so timing tells nothing about
    how much of a guess was right. Given ``now`` (the API does), the token's last use is
    recorded: see :func:`record_use`.
    """
    if not token or len(token) > 200:
        return None
    wanted = hash_token(token)
    match = None
    for row in db.execute(
        f"select {_COLUMNS}, token_hash from api_tokens where revoked_at is null"
    ).fetchall():
        if hmac.compare_digest(row[6], wanted):
            match = row
    if match is None:
        return None
    found = _token(match)
    return found if now is None else record_use(db, found, now=now)


def record_use(db: Database, token: ApiToken, *, now: dt.datetime) -> ApiToken:
    """Store ``now`` as the token's last use unless the stored one is under a minute old
    (:data:`LAST_USED_EVERY`); returns the token as it now stands.

    Only a stale time is written, so most calls read and never write. The time is a help,
    not a record: when the database is busy it is skipped rather than failing the call.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    last = token.last_used_at
    if last is not None and now - last < LAST_USED_EVERY:
        return token
    try:
        with db.atomic():
            db.execute(
                "update api_tokens set last_used_at = ? where id = ? "
                "and (last_used_at is null or last_used_at <= ?)",
                [_stamp(now), token.id, _stamp(now - LAST_USED_EVERY)],
            )
    except sqlite3.OperationalError:
        return token
    return replace(token, last_used_at=now)
