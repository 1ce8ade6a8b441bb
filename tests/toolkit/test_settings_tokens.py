"""API tokens as the settings page lists them: never the secret, active ones first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from toolkit import api_tokens
from toolkit.app.pages.settings import token_rows
from toolkit.db import open_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_rows_show_label_time_and_state_but_never_the_token(tmp_path: Path) -> None:
    db = open_db(tmp_path / "t.db")
    old, old_secret = api_tokens.create_token(db, "Gammal", created_by="anna@kommun.se", now=T0)
    _, new_secret = api_tokens.create_token(
        db, "Uppföljning  nämnd", created_by="anna@kommun.se", now=T0 + dt.timedelta(days=1)
    )
    api_tokens.revoke_token(db, old.id, now=T0 + dt.timedelta(days=2))
    rows = token_rows(api_tokens.list_tokens(db))
    assert [(r.name, r.active) for r in rows] == [("Uppföljning nämnd", True), ("Gammal", False)]
    assert rows[0].created == "2026-03-03 10:00"  # Swedish time
    assert rows[0].created_by == "anna@kommun.se"
    assert rows[1].revoked == "2026-03-04 10:00" and rows[0].revoked == ""
    assert rows[0].last_used == "" and rows[1].last_used == ""  # never used yet
    shown = repr(rows)
    assert old_secret not in shown and new_secret not in shown
    assert api_tokens.hash_token(new_secret) not in shown
    assert api_tokens.check_token(db, new_secret) is not None
    assert api_tokens.check_token(db, old_secret) is None


def test_rows_show_when_a_token_was_last_used_in_local_time(tmp_path: Path) -> None:
    db = open_db(tmp_path / "t.db")
    _, secret = api_tokens.create_token(db, "Uppföljning", created_by="anna@kommun.se", now=T0)
    used = T0 + dt.timedelta(days=3, hours=2, minutes=5)
    found = api_tokens.check_token(db, secret, now=used)
    assert found is not None and found.last_used_at == used
    (row,) = token_rows(api_tokens.list_tokens(db))
    assert row.last_used == "2026-03-05 12:05"  # Swedish time
    api_tokens.check_token(db, secret, now=used + dt.timedelta(seconds=40))
    (row,) = token_rows(api_tokens.list_tokens(db))
    assert row.last_used == "2026-03-05 12:05"  # under a minute later: not written again
