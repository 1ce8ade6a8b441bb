"""``medskapa workshop ...``: create with the default agenda, open, close, list, report."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

import prototypes
import workshops
from journeys import read_file, save_journey
from toolkit import accounts, routes
from toolkit.db import open_db
from toolkit.settings import Settings
from toolkit.workshop_commands import register

NOW = dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC)
PUBLIC = "http://192.168.1.20:3000"
EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"

Run = Callable[..., Result]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    document = read_file(EXAMPLE)
    assert document.journey is not None
    db = open_db(path)
    save_journey(db, document.journey, source=EXAMPLE.read_text("utf-8"), author="a", now=NOW)
    accounts.add_user(db, "lina@kommun.se", "rätt häst batteri", role="facilitator", now=NOW)
    return path


@pytest.fixture
def run(db_path: Path) -> Run:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Medskapa (test)."""

    register(app, settings=lambda: Settings(db_path=db_path, public_url=PUBLIC), clock=lambda: NOW)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke


def created_code(result: Result) -> str:
    assert result.exit_code == 0, result.output
    found = re.search(r"/w/([0-9A-Z]{6})\b", result.stdout)
    assert found, result.stdout
    return found.group(1)


def _refused(result: Result, words: str) -> None:
    assert result.exit_code == 1, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_create_plans_the_default_agenda_and_prints_code_address_and_qr(
    run: Run, db_path: Path
) -> None:
    result = run("workshop", "create", "parkeringstillstand", "--title", "Pensionärsrådet")
    code = created_code(result)
    out = result.stdout
    assert f"Kod: {workshops.format_join_code(code)}" in out
    assert routes.workshop_url(PUBLIC, code) in out
    assert "▀" in out or "█" in out  # the QR code, drawn for the terminal
    assert f"medskapa workshop open {code}" in out
    db = open_db(db_path)
    made = workshops.find_workshop(db, code)
    assert made is not None
    assert made.state == "draft" and made.date == dt.date(2026, 3, 12)  # today by default
    assert made.facilitator == "lina@kommun.se" and made.version_id is None
    kinds = [(a.kind, a.votes_per_person) for a in workshops.agenda(db, made.id)]
    assert kinds == [("walk", None), ("notes", None), ("vote", 3), ("question", None)]


def test_create_takes_date_version_votes_and_a_share_link_to_test(run: Run, db_path: Path) -> None:
    db = open_db(db_path)
    version = prototypes.publish_version(db, "parkeringstillstand", note="v1", author="a", now=NOW)
    link = prototypes.create_share_link(db, version.id, created_by="t", now=NOW)
    result = run(
        "workshop", "create", "parkeringstillstand", "--title", "Elevrådet", "--date",
        "2026-04-01", "--version", version.id, "--votes", "5", "--share", link.code,
    )  # fmt: skip
    made = workshops.find_workshop(db, created_code(result))
    assert made is not None
    assert made.date == dt.date(2026, 4, 1) and made.version_id == version.id
    activities = workshops.agenda(db, made.id)
    assert [a.kind for a in activities] == ["walk", "notes", "test", "vote", "question"]
    assert activities[2].share_code == link.code and activities[3].votes_per_person == 5


def test_create_refuses_an_unknown_journey_a_bad_date_and_a_bad_share_link(
    run: Run, db_path: Path
) -> None:
    _refused(
        run("workshop", "create", "parkeringstilstand", "--title", "X"),
        "Menade du 'parkeringstillstand'?",
    )
    _refused(
        run("workshop", "create", "parkeringstillstand", "--title", "X", "--date", "12/3"),
        "Ange datumet som ÅÅÅÅ-MM-DD",
    )
    _refused(
        run("workshop", "create", "parkeringstillstand", "--title", "X", "--share", "abcdefghjk"),
        "Det finns ingen delningslänk",
    )
    assert workshops.list_workshops(open_db(db_path)) == []  # nothing half-planned is left
    too_many = run("workshop", "create", "parkeringstillstand", "--title", "X", "--votes", "99")
    assert too_many.exit_code == 2


def test_create_without_any_account_asks_who_leads(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    document = read_file(EXAMPLE)
    assert document.journey is not None
    save_journey(
        open_db(path), document.journey, source=EXAMPLE.read_text("utf-8"), author="a", now=NOW
    )
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Medskapa (test)."""

    register(app, settings=lambda: Settings(db_path=path, public_url=PUBLIC), clock=lambda: NOW)
    result = CliRunner().invoke(app, ["workshop", "create", "parkeringstillstand", "--title", "X"])
    _refused(result, "--facilitator E-POST")
    with_email = CliRunner().invoke(
        app,
        ["workshop", "create", "parkeringstillstand", "--title", "X", "--facilitator", "a@b.se"],
    )
    assert with_email.exit_code == 0, with_email.output


def test_open_and_close_change_what_participants_can_do(run: Run, db_path: Path) -> None:
    code = created_code(run("workshop", "create", "parkeringstillstand", "--title", "Rådet"))
    opened = run("workshop", "open", code.lower())
    assert opened.exit_code == 0, opened.output
    assert "är öppen" in opened.stdout and routes.workshop_url(PUBLIC, code) in opened.stdout
    assert "Nu: Gå igenom resan" in opened.stdout
    db = open_db(db_path)
    assert workshops.workshop_to_join(db, code).state == "open"
    listed = run("workshop", "list")
    assert code in listed.stdout and "öppen" in listed.stdout
    closed = run("workshop", "close", code)
    assert closed.exit_code == 0
    assert "är stängd: 0 deltagare, 0 lappar, 0 röster" in closed.stdout
    with pytest.raises(workshops.JoinError):
        workshops.workshop_to_join(db, code)
    _refused(run("workshop", "open", "XXXXXX"), "Det finns ingen workshop med koden 'XXXXXX'")


def _workshop_with_notes(run: Run, db_path: Path) -> str:
    code = created_code(run("workshop", "create", "parkeringstillstand", "--title", "Rådet"))
    db = open_db(db_path)
    made = workshops.find_workshop(db, code)
    assert made is not None
    workshops.open_workshop(db, made.id, now=NOW)
    kalle = workshops.join(db, code, age_band="65-79", consent=True, nickname="Kalle", now=NOW)
    maja = workshops.join(db, code, age_band="18-29", consent=True, nickname="Maja", now=NOW)
    workshops.set_current_activity(db, made.id, 1)
    notes = [
        ("logga-in", "pain", "Svårt att logga in med <BankID> & *mobilen*"),
        ("foto", "idea", "Ta fotot med mobilen"),
        ("start", "praise", "Tydlig start"),
    ]
    ids = []
    for step, kind, text in notes:
        note_id = str(uuid.uuid4())
        workshops.add_note(db, kalle.token, id=note_id, step_id=step, kind=kind, text=text, now=NOW)
        ids.append(note_id)
    hidden = str(uuid.uuid4())
    workshops.add_note(
        db, maja.token, id=hidden, step_id="start", kind="pain", text="Dold lapp", now=NOW
    )
    workshops.hide_note(db, made.id, hidden, now=NOW)
    workshops.set_current_activity(db, made.id, 2)
    for token in (kalle.token, maja.token):
        workshops.vote(db, token, id=str(uuid.uuid4()), note_id=ids[0], now=NOW)
    workshops.vote(db, maja.token, id=str(uuid.uuid4()), note_id=ids[1], now=NOW)
    workshops.set_current_activity(db, made.id, 3)
    workshops.add_note(
        db, maja.token, id=str(uuid.uuid4()), step_id=None, kind="idea", text="Färre steg", now=NOW
    )
    return code


class _Outline(HTMLParser):
    """Headings, text and whether the document has scripts or external resources."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self.external: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in = tag if tag in ("h1", "h2", "h3", "h4") else None
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.external.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in:
            self.headings.append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def test_report_html_is_self_contained_and_has_the_notes_in_journey_order(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    code = _workshop_with_notes(run, db_path)
    target = tmp_path / "rapport.html"
    result = run("workshop", "report", code, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert f"Skrev {target} (5 lappar, 3 röster)" in result.stderr
    page = target.read_text("utf-8")
    outline = _Outline()
    outline.feed(page)
    assert "script" not in outline.tags and "link" not in outline.tags and "img" not in outline.tags
    assert outline.external == []
    assert "<style>" in page and "@media print" in page
    text = " ".join(" ".join(outline.text).split())
    assert "Rådet" in outline.headings
    assert "Ansök om parkeringstillstånd för rörelsehindrade" in text and "12 mars 2026" in text
    for label, figure in (("Gick med", 2), ("Lappar", 5), ("Röster", 3)):
        assert re.search(rf"{label}\s+{figure}\b", text), label
    assert "1 lapp doldes" in text and "Dold lapp" not in text
    # phases, then steps in journey order: start (före) before logga-in, foto (ansökan)
    order = [h for h in outline.headings if h]
    assert order.index("Före ansökan") < order.index("Ansökan")
    assert order.index("Logga in med e-legitimation") < order.index("Foto och namnteckning")
    assert "Problem Svårt att logga in med <BankID> & *mobilen*" in text
    assert "&lt;BankID&gt; &amp;" in page  # escaped, shown as written
    assert "Bra Tydlig start" in text and "Idé Ta fotot med mobilen" in text
    assert "2 personer gav 3 röster på lappar" in text
    assert text.index("2 röster – Problem") < text.index("1 röst – Idé")
    assert "Vad är det viktigaste att ändra i tjänsten?" in outline.headings
    assert "Färre steg (Maja)" in text


def test_report_markdown_has_the_same_content_escaped(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    code = _workshop_with_notes(run, db_path)
    target = tmp_path / "rapport.md"
    assert run("workshop", "report", code, "-o", str(target)).exit_code == 0
    text = target.read_text("utf-8")
    assert text.startswith("# Rådet\n")
    assert "| Gick med | 2 |" in text and "| Röster | 3 |" in text
    assert "### Före ansökan" in text and "#### Logga in med e-legitimation" in text
    assert text.index("### Före ansökan") < text.index("### Ansökan")
    assert "- **Problem:** Svårt att logga in med \\<BankID\\> & \\*mobilen\\* _(Kalle)_" in text
    assert "– 2 röster" in text
    assert "1. 2 röster – **Problem:** Svårt att logga in" in text
    assert "## Öppna frågor" in text and "- Färre steg _(Maja)_" in text
    assert "Dold lapp" not in text and "1 lapp doldes" in text
    printed = run("workshop", "report", code)
    assert printed.exit_code == 0 and printed.stdout == text


def test_report_refuses_other_file_kinds(run: Run, db_path: Path, tmp_path: Path) -> None:
    code = created_code(run("workshop", "create", "parkeringstillstand", "--title", "Rådet"))
    _refused(run("workshop", "report", code, "-o", str(tmp_path / "r.pdf")), "slutar på .html")
    _refused(
        run("workshop", "report", code, "-o", str(tmp_path / "saknas" / "r.md")),
        "Kunde inte skriva",
    )
