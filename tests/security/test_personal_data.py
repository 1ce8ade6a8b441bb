"""Personal data: identifiers in free text are masked before storage (property-based),
a withdrawal erases every row of its session in every table, and purge keeps to the
retention period."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database
from typer.testing import CliRunner

from feedback import TestSession, mask_personal_data, record_comment, start_session, withdraw
from feedback.masking import EMAIL, PERSONNUMMER, PHONE
from journeys.store import save_journey
from prototypes import create_share_link, publish_version
from tests.feedback.conftest import PARKERING, db, db_path, journey, link, start  # noqa: F401 - fixtures
from tests.feedback.test_withdraw import fill
from toolkit.cli import app
from toolkit.db import open_db, set_retention_days

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
WORDS = st.sampled_from(
    ["Jag", "ringde", "och", "fick", "svar", "bil 3", "2025", "steg 4", "åäö", "kr", "—", "ok"]
)
FILLER = st.lists(WORDS, max_size=6).map(" ".join)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@st.composite
def personnummer(draw: st.DrawFn) -> str:
    century = draw(st.sampled_from(["", "19", "20"]))
    date = f"{draw(_digits(2))}{draw(st.integers(1, 12)):02}{draw(st.integers(1, 28)):02}"
    sep = draw(st.sampled_from(["-", "+", " ", "", "\u00a0", "–", " - ", "/", "－"]))
    return f"{century}{date}{sep}{draw(_digits(4))}"


@st.composite
def phone(draw: st.DrawFn) -> str:
    sep = draw(st.sampled_from(["", " ", "-", "\u00a0"]))
    kind = draw(st.sampled_from(["mobile", "intl", "area"]))
    operator = draw(st.sampled_from("02369"))
    three, two, two_more, four = (draw(_digits(n)) for n in (3, 2, 2, 4))
    if kind == "mobile":
        return f"07{operator}{sep}{three}{sep}{two}{sep}{two_more}"
    if kind == "intl":
        return f"+46{sep}7{operator}{sep}{three}{sep}{four}"
    return f"08{sep}{three}{sep}{two}{sep}{two_more}"


@st.composite
def email(draw: st.DrawFn) -> str:
    local = draw(st.from_regex(r"[a-z][a-z0-9._+-]{0,15}", fullmatch=True))
    domain = draw(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True))
    tld = draw(st.sampled_from(["se", "com", "nu", "kommun.se"]))
    return f"{local}@{domain}.{tld}"


IDENTIFIER = st.one_of(
    personnummer().map(lambda s: (s, PERSONNUMMER)),
    phone().map(lambda s: (s, PHONE)),
    email().map(lambda s: (s, EMAIL)),
)


@settings(max_examples=300, deadline=None)
@given(before=FILLER, found=IDENTIFIER, after=FILLER)
def test_any_identifier_in_any_sentence_is_masked(
    before: str, found: tuple[str, str], after: str
) -> None:
    value, label = found
    text = f"{before} {value} {after}".strip()
    masked, changed = mask_personal_data(text)
    assert changed
    assert value not in masked
    if label == PERSONNUMMER:  # a ten-digit number with a phone-like prefix may be either
        assert PERSONNUMMER in masked or PHONE in masked
    else:
        assert label in masked or PERSONNUMMER in masked
    if label != EMAIL:
        assert not re.search(r"\d{4}", re.sub(r"\b(2025)\b", "", masked)), masked


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_masking_is_idempotent_and_leaves_nothing_to_mask(text: str) -> None:
    once, _ = mask_personal_data(text)
    twice, changed = mask_personal_data(once)
    assert twice == once and not changed


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Nd", "Cs"]), max_size=300))
def test_text_without_digits_or_at_signs_is_never_changed(text: str) -> None:
    text = text.replace("@", "")
    assert mask_personal_data(text) == (text, False)


@pytest.fixture(scope="module")
def memory_session() -> tuple[Database, TestSession]:
    """An in-memory database with one consenting tester."""
    database = open_db(":memory:")
    save_journey(database, journey(), source=PARKERING, author="a", now=T0)
    version = publish_version(database, "parkering", note="v1", author="a", now=T0)
    share = create_share_link(database, version.id, created_by="a", now=T0)
    session = start_session(
        database,
        share_code=share.code,
        version_id=version.id,
        journey_id="parkering",
        age_band="30-49",
        allow_under_13=False,
        user_agent="test",
        now=T0,
    )
    return database, session


@settings(max_examples=50, deadline=None)
@given(found=IDENTIFIER, tail=FILLER)
def test_a_stored_comment_never_holds_the_identifier(
    memory_session: tuple[Database, TestSession], found: tuple[str, str], tail: str
) -> None:
    database, session = memory_session
    value, _label = found
    record_comment(
        database,
        id=str(uuid.uuid4()),
        session_id=session.id,
        step_id="start",
        text=f"Kontakta mig på {value} {tail}",
        now=T0,
    )
    stored = [r[0] for r in database.execute("select text from comments").fetchall()]
    assert stored and all(value not in text for text in stored)


# --- withdrawal ----------------------------------------------------------------------------


def tables_with_a_session(database: Database) -> list[str]:
    """Every table with a ``session_id`` column: a new one is covered without a change here."""
    return [
        name
        for name in database.table_names()
        if "session_id" in {c.name for c in database[name].columns}
    ]


def test_withdrawal_leaves_no_trace_of_the_session_in_any_table(
    db: Database,  # noqa: F811
    db_path: Path,  # noqa: F811
    start: Callable[..., TestSession],  # noqa: F811
) -> None:
    leaving, staying = start(), start()
    fill(db, leaving)
    fill(db, staying)
    secret = "Zebrafink-" + uuid.uuid4().hex
    record_comment(
        db, id=str(uuid.uuid4()), session_id=leaving.id, step_id="start", text=secret, now=T0
    )
    tables = tables_with_a_session(db)
    assert {"events", "ratings", "comments", "seq_answers", "sus_answers"} <= set(tables)
    had = {
        t: db.execute(f"select count(*) from [{t}] where session_id = ?", [leaving.id]).fetchone()[
            0
        ]
        for t in tables
    }
    assert sum(had.values()) >= 6

    assert withdraw(db, leaving.withdrawal_code, now=T0)

    for table in tables:
        left = db.execute(f"select count(*) from [{table}] where session_id = ?", [leaving.id])
        assert left.fetchone()[0] == 0, table
    dump = "\n".join(db.conn.iterdump())
    assert leaving.id not in dump  # under any column name, in any table, derived or not
    assert leaving.withdrawal_code not in dump and secret not in dump
    assert staying.id in dump  # only this session
    db.execute("pragma wal_checkpoint(truncate)")  # the daily housekeeping does this
    for path in db_path.parent.glob(db_path.name + "*"):
        assert secret.encode() not in path.read_bytes(), path.name


# --- purge ---------------------------------------------------------------------------------


def test_purge_deletes_what_is_older_than_the_retention_period_and_keeps_the_rest(
    db: Database,  # noqa: F811
    db_path: Path,  # noqa: F811
    start: Callable[..., TestSession],  # noqa: F811
) -> None:
    now = dt.datetime.now(dt.UTC)
    set_retention_days(db, 30, now=now)
    old = start(now=now - dt.timedelta(days=31))
    edge = start(now=now - dt.timedelta(days=29, hours=23))
    new = start(now=now - dt.timedelta(hours=1))
    for session in (old, edge, new):
        fill(db, session)
    db.conn.commit()
    result = CliRunner().invoke(app, ["--db", str(db_path), "purge"])
    assert result.exit_code == 0, result.output
    assert "Tog bort 1 testsession " in result.output and "äldre än 30 dagar" in result.output
    dump = "\n".join(sqlite3.connect(db_path).iterdump())
    assert old.id not in dump
    assert edge.id in dump and new.id in dump
    again = CliRunner().invoke(app, ["--db", str(db_path), "purge"])
    assert "Tog bort 0 testsessioner" in again.output
