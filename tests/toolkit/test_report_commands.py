"""The commands toolkit.report_commands registers: export, report, purge, retention, token."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

import prototypes
from feedback import hide_comment
from prototypes import ShareLink
from tests.feedback.metrics_data import DRIVER, T0, Tester, publish_example, share
from toolkit import api_tokens
from toolkit.db import get_retention_days, open_db
from toolkit.report_commands import register
from toolkit.settings import Settings

NOW = T0 + dt.timedelta(days=30)

Run = Callable[..., Result]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "report.db"


@pytest.fixture
def link(db_path: Path) -> ShareLink:
    """Seven testers on the parking permit example: five walked it, one gave up at once,
    one only left a comment that a moderator hid."""
    db = open_db(db_path)
    found = share(db, publish_example(db))
    for rating in (2, 3, 4, 5, 5):
        tester = Tester(db, found).walk(DRIVER[:4], every=10)
        tester.error("gangformaga", "Välj hur långt du kan gå", after=3)
        tester.complete(task_success=True, after=5).rate("start", rating)
        tester.sus([4, 2, 4, 2, 4, 2, 4, 2, 4, 2])
    quitter = Tester(db, found).view("start")
    quitter.comment("start", "Ring mig på 070-123 45 67, det här var krångligt")
    quitter.abandon(after=20)
    hidden = Tester(db, found).comment("start", "Dold kommentar som inte ska synas")
    hide_comment(db, hidden, now=T0)
    db.conn.close()
    return found


@pytest.fixture
def run(db_path: Path) -> Run:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Medskapa (test)."""

    register(app, settings=lambda: Settings(db_path=db_path), clock=lambda: NOW)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke


def test_export_csv_opens_in_swedish_excel(run: Run, link: ShareLink, tmp_path: Path) -> None:
    target = tmp_path / "steg.csv"
    result = run("export", link.version_id, "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    start = next(r for r in rows if r["Steg-id"] == "start")
    assert start["Nådde steget"] == "6"
    assert "," in start["Betyg medel"]


def test_export_comments_csv_masks_and_parses(run: Run, link: ShareLink, tmp_path: Path) -> None:
    target = tmp_path / "kommentarer.csv"
    assert run("export", link.version_id, "--comments", "-o", str(target)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1
    assert "070-123 45 67" not in rows[0]["Kommentar"]


def test_export_json_and_cjml_parse_back(run: Run, link: ShareLink, tmp_path: Path) -> None:
    result = run("export", link.version_id, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["sessions"] == 7
    target = tmp_path / "resor.xml"
    assert run("export", link.version_id, "-f", "cjml", "-o", str(target)).exit_code == 0
    root = ET.fromstring(target.read_bytes())
    actual = root.find("actualJourneys")
    assert actual is not None and actual.get("sessions") == "7"


def test_export_respects_min_sessions(run: Run, link: ShareLink) -> None:
    result = run("export", link.version_id, "-f", "json", "--min-sessions", "10")
    assert json.loads(result.stdout)["summary"]["suppressed"] is True


def test_export_of_unknown_version_fails_clearly(run: Run, link: ShareLink) -> None:
    result = run("export", "finns-inte-v9", "-f", "json")
    assert result.exit_code == 1
    assert "finns-inte-v9" in result.output


def test_report_html_is_self_contained(run: Run, link: ShareLink, tmp_path: Path) -> None:
    target = tmp_path / "rapport.html"
    result = run("report", link.version_id, "-o", str(target))
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert "Ansök om parkeringstillstånd" in page
    assert "Tratten" in page and "Resekartan" in page
    funnel = page.split("<h2>Tratten</h2>")[1].split("</table>")[0]
    assert "Har du ett körkort som gäller?" in funnel  # along the path the testers took
    assert "<script" not in page.lower() and "http://" not in page and "https://" not in page
    assert "Välj hur långt du kan gå" in page
    assert "krångligt" in page and "070-123 45 67" not in page
    assert "Dold kommentar" not in page
    assert "95 % KI" in page


def test_report_markdown(run: Run, link: ShareLink, tmp_path: Path) -> None:
    target = tmp_path / "rapport.md"
    assert run("report", link.version_id, "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# ") and "## Tratten" in text


def test_report_suppresses_small_numbers(run: Run, link: ShareLink, tmp_path: Path) -> None:
    target = tmp_path / "rapport.html"
    assert run("report", link.version_id, "-o", str(target), "--min-sessions", "10").exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert "krångligt" not in page  # no quotes from too few sessions
    assert "–" in page


def test_report_refuses_other_suffixes(run: Run, link: ShareLink, tmp_path: Path) -> None:
    result = run("report", link.version_id, "-o", str(tmp_path / "rapport.pdf"))
    assert result.exit_code == 1


def test_purge_deletes_only_older_sessions(run: Run, link: ShareLink, db_path: Path) -> None:
    db = open_db(db_path)
    Tester(db, link, at=NOW - dt.timedelta(days=2)).view("start")
    db.conn.close()
    result = run("purge", "--older-than", "10")
    assert result.exit_code == 0, result.output
    assert "7" in result.output
    db = open_db(db_path)
    assert db.execute("select count(*) from test_sessions").fetchone()[0] == 1
    for table in ("events", "ratings", "comments", "sus_answers", "metrics_sessions"):
        left = db.execute(
            f"select count(*) from {table} where session_id not in (select id from test_sessions)"
        ).fetchone()[0]
        assert left == 0, table
    assert run("purge", "--older-than", "10").output.startswith("Tog bort 0")


def test_purge_uses_the_retention_setting(run: Run, link: ShareLink, db_path: Path) -> None:
    assert run("retention", "set", "400").exit_code == 0
    assert get_retention_days(open_db(db_path)) == 400
    assert run("purge").output.startswith("Tog bort 0")
    assert run("retention", "set", "20").exit_code == 0
    assert "Tog bort 7" in run("purge").output
    assert run("retention", "set", "0").exit_code == 1


def test_token_create_list_revoke(run: Run, db_path: Path) -> None:
    created = run("token", "create", "Uppföljning")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[0]
    db = open_db(db_path)
    assert api_tokens.check_token(db, secret) is not None
    assert "Uppföljning" in run("token", "list").output
    assert run("token", "revoke", "1").exit_code == 0
    assert api_tokens.check_token(db, secret) is None
    assert "återkallad" in run("token", "list").output
    assert run("token", "revoke", "99").exit_code == 1


def test_report_for_one_link_quotes_only_its_testers(
    run: Run, link: ShareLink, db_path: Path, tmp_path: Path
) -> None:
    db = open_db(db_path)
    version = prototypes.get_version(db, link.version_id)
    assert version is not None
    other = share(db, version, seed=2)
    for _ in range(5):
        Tester(db, other).view("start").abandon(after=5)
    Tester(db, other).view("start").comment("start", "Från den andra länken")
    db.conn.close()
    target = tmp_path / "rapport.md"
    assert run("report", link.version_id, "-o", str(target), "--share", other.code).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "Från den andra länken" in text and "krångligt" not in text
    assert run("report", link.version_id, "-o", str(target), "--share", "abc").exit_code == 1
