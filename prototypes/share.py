"""Share links: unguessable, revocable codes that open one published version.

A code is 10 symbols from an alphabet without look-alike characters (no 0/o, 1/l/i), so it
can be read aloud, typed from a printed card, or carried in a QR code. A link can carry a
task for the tester ("Du har fått ett brev om ... Ansök om ...") and a success step: reaching
that step counts as completing the task. Codes are capabilities: whoever has one can test
the version until the link expires or is revoked.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import random
import secrets
import sqlite3
from typing import Literal

from pydantic import BaseModel, Field
from sqlite_utils import Database

from journeys import store as journey_store
from prototypes.store import rows, to_row
from prototypes.versions import Version, get_version

CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
"""31 symbols: digits and lower-case letters without 0, 1, i, l and o."""

CODE_LENGTH = 10

CODE_BITS = CODE_LENGTH * math.log2(len(CODE_ALPHABET))
"""Entropy of a code in bits (about 49.5)."""

CODE_ATTEMPTS = 5
"""How many fresh codes to try when a new code is already taken (practically never)."""

Status = Literal["ok", "revoked", "expired", "unknown"]


class ShareLinkError(ValueError):
    """A share link cannot be made or found as asked; the message says why and what to do."""


class InvalidCode(ValueError):
    """The text cannot be a share code; the message says what is wrong with it."""


class ShareLink(BaseModel):
    """A code that opens one version for testers, optionally with a task."""

    code: str
    version_id: str
    journey_id: str
    label: str | None = Field(default=None, description="Who it is for, e.g. 'Klass 9B'.")
    task: str | None = Field(default=None, description="The task shown to testers.")
    success_step: str | None = Field(
        default=None, description="Reaching this step counts as completing the task."
    )
    allow_under_13: bool = Field(
        default=False,
        description="A facilitator attests guardian consent, so testers under 13 may take part.",
    )
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    created_by: str

    def status(self, now: dt.datetime) -> Status:
        """``revoked``, ``expired`` (from ``expires_at`` on) or ``ok``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "ok"


class Resolution(BaseModel):
    """What a code opens right now: its status, and the link and version when known."""

    status: Status
    link: ShareLink | None = None
    version: Version | None = None

    @property
    def ok(self) -> bool:
        """True when the code may be used to test now."""
        return self.status == "ok"


def new_code(rng: random.Random | None = None) -> str:
    """A fresh share code. Pass a seeded ``random.Random`` in tests; the default is secure."""
    chooser = rng if rng is not None else secrets.SystemRandom()
    return "".join(chooser.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """The code in ``text`` as stored: lower case, without spaces and hyphens.

    Raises :class:`InvalidCode` when a character can never be in a code (look-alikes such as
    ``0``, ``o``, ``1``, ``l`` and ``i`` are refused, not guessed) or the length is wrong.
    """
    code = "".join(ch for ch in text.lower() if not ch.isspace() and ch != "-")
    wrong = sorted({ch for ch in code if ch not in CODE_ALPHABET})
    if wrong:
        listed = ", ".join(f"'{ch}'" for ch in wrong)
        raise InvalidCode(
            f"Koden innehåller tecken som aldrig finns i en kod: {listed}. "
            "Koder har bara siffrorna 2–9 och bokstäverna a–z utom i, l och o."
        )
    if len(code) != CODE_LENGTH:
        raise InvalidCode(f"Koden ska ha {CODE_LENGTH} tecken, men har {len(code)}.")
    return code


def format_code(code: str) -> str:
    """The code in two groups for reading aloud or printing: ``abcde-fghjk``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def create_share_link(
    db: Database,
    version_id: str,
    *,
    label: str | None = None,
    task: str | None = None,
    success_step: str | None = None,
    expires_at: dt.datetime | None = None,
    allow_under_13: bool = False,
    created_by: str,
    now: dt.datetime,
    rng: random.Random | None = None,
) -> ShareLink:
    """Make a share link for a version.

    Raises :class:`ShareLinkError` when the version does not exist, the success step is not
    a step of the version's journey, or ``expires_at`` is not after ``now``.
    """
    version = get_version(db, version_id)
    if version is None:
        raise ShareLinkError(_no_version_message(db, version_id))
    if success_step is not None:
        _check_success_step(version, success_step)
    if expires_at is not None and expires_at <= now:
        raise ShareLinkError(
            f"Länken kan inte sluta gälla {expires_at.isoformat()}: det har redan varit. "
            "Välj en tid i framtiden."
        )
    for _ in range(CODE_ATTEMPTS):
        link = ShareLink(
            code=new_code(rng),
            version_id=version.id,
            journey_id=version.journey_id,
            label=_blank_to_none(label),
            task=_blank_to_none(task),
            success_step=success_step,
            allow_under_13=allow_under_13,
            created_at=now,
            expires_at=expires_at,
            created_by=created_by,
        )
        try:
            # BEGIN IMMEDIATE: sqlite-utils reads the table's columns before inserting, and a
            # deferred transaction that reads first fails at once when another writer is busy
            row = to_row(link)
            journey_store.write(db, lambda row=row: db.table("share_links").insert(row))
        except sqlite3.IntegrityError:
            if get_share_link(db, link.code) is None:
                raise
            continue
        return link
    raise ShareLinkError(f"Kunde inte hitta en ledig kod på {CODE_ATTEMPTS} försök. Försök igen.")


def _blank_to_none(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return text.strip()


def _no_version_message(db: Database, version_id: str) -> str:
    known = [r["id"] for r in rows(db, "select id from prototype_versions")]
    close = difflib.get_close_matches(version_id, known, n=1, cutoff=0.6)
    hint = f" Menade du '{close[0]}'?" if close else " Publicera resan först."
    return f"Det finns ingen version '{version_id}'.{hint}"


def _check_success_step(version: Version, step_id: str) -> None:
    journey = version.journey()
    if journey.step(step_id) is not None:
        return
    ids = [s.id for s in journey.steps]
    close = difflib.get_close_matches(step_id, ids, n=1, cutoff=0.6)
    hint = f" Menade du '{close[0]}'?" if close else f" Stegen heter: {', '.join(ids)}."
    raise ShareLinkError(
        f"Steget '{step_id}' finns inte i {version.id}, så det kan inte vara målet för "
        f"uppgiften.{hint}"
    )


_LINK_COLUMNS = (
    "code, version_id, journey_id, label, task, success_step, allow_under_13, created_at, "
    "expires_at, revoked_at, created_by"
)


def get_share_link(db: Database, code: str) -> ShareLink | None:
    """The link with this code (as typed: case, spaces and hyphens do not matter), or None."""
    try:
        wanted = normalise_code(code)
    except InvalidCode:
        return None
    found = rows(db, f"select {_LINK_COLUMNS} from share_links where code = ?", [wanted])
    return ShareLink.model_validate(found[0]) if found else None


def revoke_share_link(db: Database, code: str, *, now: dt.datetime) -> ShareLink:
    """Stop a link from opening its version. Revoking again keeps the first time.

    Raises :class:`ShareLinkError` for an unknown code.
    """

    def work() -> ShareLink:
        link = get_share_link(db, code)
        if link is None:
            raise ShareLinkError(f"Det finns ingen delningslänk med koden '{code}'.")
        if link.revoked_at is not None:
            return link
        db.execute(
            "update share_links set revoked_at = ? where code = ?", [now.isoformat(), link.code]
        )
        return link.model_copy(update={"revoked_at": now})

    return journey_store.write(db, work)


def list_share_links(
    db: Database, *, version_id: str | None = None, journey_id: str | None = None
) -> list[ShareLink]:
    """Share links, newest first, of one version or one journey when given."""
    where, params = [], []
    if version_id is not None:
        where.append("version_id = ?")
        params.append(version_id)
    if journey_id is not None:
        where.append("journey_id = ?")
        params.append(journey_id)
    clause = f"where {' and '.join(where)} " if where else ""
    found = rows(
        db,
        f"select {_LINK_COLUMNS} from share_links {clause}order by created_at desc, rowid desc",
        params,
    )
    return [ShareLink.model_validate(row) for row in found]


def resolve_share_link(db: Database, code: str, *, now: dt.datetime) -> Resolution:
    """What the code opens now: ``ok``, ``revoked``, ``expired`` or ``unknown``.

    Text that cannot be a code at all resolves as ``unknown``, like a code never made.
    """
    link = get_share_link(db, code)
    if link is None:
        return Resolution(status="unknown")
    return Resolution(status=link.status(now), link=link, version=get_version(db, link.version_id))
