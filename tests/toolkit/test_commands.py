"""The commands toolkit.commands registers: accounts, organisation, publish, share, QR."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from click.testing import Result
from PIL import Image
from pyzbar.pyzbar import decode
from typer.testing import CliRunner

import prototypes
from journeys import read_text
from journeys import store as journey_store
from toolkit import accounts, routes
from toolkit.commands import register
from toolkit.db import get_organisation, open_db
from toolkit.settings import Settings

NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)
PUBLIC = "http://192.168.1.20:3000"

Run = Callable[..., Result]

JOURNEY = """\
id: liten-resa
title: Ansök om en liten sak
organisation: Exempelkommun
steps:
  - id: start
    kind: screen
    title: Start
    next: klart
  - id: klart
    kind: screen
    title: Klart
"""


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    journey = read_text(JOURNEY).journey
    assert journey is not None
    journey_store.save_journey(open_db(path), journey, source=JOURNEY, author="t", now=NOW)
    return path


@pytest.fixture
def app(db_path: Path) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Medskapa (test)."""

    register(app, settings=lambda: Settings(db_path=db_path, public_url=PUBLIC), clock=lambda: NOW)
    return app


@pytest.fixture
def run(app: typer.Typer) -> Run:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return invoke


def _version(db_path: Path) -> str:
    return prototypes.publish_version(
        open_db(db_path), "liten-resa", note="v1", author="t", now=NOW
    ).id


def _refused(result: Result, words: str) -> None:
    assert result.exit_code == 1, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


# --- user -----------------------------------------------------------------------------------


def test_user_add_reads_the_password_from_stdin_for_scripts(run: Run, db_path: Path) -> None:
    result = run("user", "add", "Anna@Kommun.se", "--role", "facilitator", "--password-stdin",
                 input="rätt häst batteri\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Skapade kontot anna@kommun.se (facilitator)" in result.stdout
    user = accounts.authenticate(open_db(db_path), "anna@kommun.se", "rätt häst batteri", now=NOW)
    assert user.role == "facilitator"


def test_user_add_asks_for_the_password_twice(run: Run, db_path: Path) -> None:
    result = run("user", "add", "b@kommun.se", input="rätt häst batteri\nrätt häst batteri\n")
    assert result.exit_code == 0, result.output
    assert "Upprepa lösenordet" in result.output
    assert accounts.get_user(open_db(db_path), "b@kommun.se") is not None


def test_user_add_refuses_a_short_password_in_one_swedish_line(run: Run) -> None:
    result = run("user", "add", "c@kommun.se", "--password-stdin", input="kort\n")
    _refused(result, "Lösenordet måste ha minst 10 tecken")


def test_user_add_refuses_an_address_in_use(run: Run) -> None:
    run("user", "add", "d@kommun.se", "--password-stdin", input="rätt häst batteri\n")
    result = run("user", "add", "D@kommun.se", "--password-stdin", input="rätt häst batteri\n")
    _refused(result, "Det finns redan en användare med e-postadressen d@kommun.se")


def test_user_list_shows_the_accounts(run: Run) -> None:
    assert "Inga konton" in run("user", "list").stdout
    run("user", "add", "e@kommun.se", "--password-stdin", input="rätt häst batteri\n")
    assert "e@kommun.se\tdesigner" in run("user", "list").stdout


# --- org ------------------------------------------------------------------------------------


def test_org_set_stores_name_and_colour(run: Run, db_path: Path) -> None:
    result = run("org", "set", "--name", "Exempelkommun", "--colour", "#0B5CAB")
    assert result.exit_code == 0, result.output
    org = get_organisation(open_db(db_path))
    assert (org.name, org.colour) == ("Exempelkommun", "#0b5cab")
    assert "Exempelkommun, färg #0b5cab" in run("org", "show").stdout


def test_org_set_refuses_a_colour_with_too_little_contrast(run: Run, db_path: Path) -> None:
    result = run("org", "set", "--colour", "#ffcc00")
    _refused(result, "för låg kontrast mot vitt")
    assert get_organisation(open_db(db_path)).colour != "#ffcc00"


def test_org_set_without_options_says_what_to_give(run: Run) -> None:
    _refused(run("org", "set"), "Ange --name, --colour eller båda")


# --- publish --------------------------------------------------------------------------------


def test_publish_prints_the_version_id(run: Run) -> None:
    result = run("publish", "liten-resa", "--note", "första versionen")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "liten-resa-v1"


def test_publishing_again_without_changes_is_refused(run: Run) -> None:
    run("publish", "liten-resa", "--note", "v1")
    result = run("publish", "liten-resa", "--note", "v2")
    _refused(result, "Inget har ändrats sedan version 1")


def test_publishing_an_unknown_journey_suggests_the_closest(run: Run) -> None:
    _refused(run("publish", "liten-rese", "--note", "x"), "Menade du 'liten-resa'?")


# --- share ----------------------------------------------------------------------------------


def test_share_prints_the_code_and_the_full_url(run: Run, db_path: Path) -> None:
    version = _version(db_path)
    result = run("share", version, "--task", "Ansök om en liten sak.", "--label", "9B",
                 "--success-step", "klart")  # fmt: skip
    assert result.exit_code == 0, result.output
    code_line, url_line = result.stdout.strip().splitlines()
    code = code_line.removeprefix("Kod: ").replace("-", "")
    assert url_line == routes.citizen_url(PUBLIC, code)
    link = prototypes.get_share_link(open_db(db_path), code)
    assert link is not None
    assert (link.task, link.label, link.success_step) == ("Ansök om en liten sak.", "9B", "klart")


def test_share_expires_after_the_last_day_swedish_time(run: Run, db_path: Path) -> None:
    version = _version(db_path)
    result = run("share", version, "--expires", "2025-12-31")
    assert result.exit_code == 0, result.output
    code = result.stdout.splitlines()[0].removeprefix("Kod: ").replace("-", "")
    link = prototypes.get_share_link(open_db(db_path), code)
    assert link is not None and link.expires_at is not None
    assert link.expires_at == dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "words"),
    [("2025-11-02", "har redan varit"), ("31/12/2025", "ÅÅÅÅ-MM-DD")],
)
def test_share_refuses_a_past_or_malformed_date(
    run: Run, db_path: Path, value: str, words: str
) -> None:
    _refused(run("share", _version(db_path), "--expires", value), words)


def test_share_refuses_an_unknown_version_or_step(run: Run, db_path: Path) -> None:
    _refused(run("share", "liten-resa-v7"), "Det finns ingen version 'liten-resa-v7'")
    _refused(run("share", _version(db_path), "--success-step", "klar"), "Menade du 'klart'?")


def test_share_revoke_closes_the_link(run: Run, db_path: Path) -> None:
    version = _version(db_path)
    code = run("share", version).stdout.splitlines()[0].removeprefix("Kod: ")
    result = run("share", "--revoke", code)
    assert result.exit_code == 0, result.output
    assert "är stängd" in result.stdout
    resolution = prototypes.resolve_share_link(open_db(db_path), code, now=NOW)
    assert resolution.status == "revoked"
    _refused(run("share", "--revoke", "abcdefghjk"), "Det finns ingen delningslänk")


# --- qr -------------------------------------------------------------------------------------


def _code(run: Run, db_path: Path) -> str:
    return run("share", _version(db_path)).stdout.splitlines()[0].removeprefix("Kod: ")


def test_qr_writes_a_png_that_decodes_to_the_citizen_url(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    code = _code(run, db_path)
    target = tmp_path / "kod.png"
    result = run("qr", code, "-o", str(target))
    assert result.exit_code == 0, result.output
    decoded = decode(Image.open(target))
    assert [d.data.decode() for d in decoded] == [routes.citizen_url(PUBLIC, code.replace("-", ""))]


def test_qr_writes_an_svg(run: Run, db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "kod.svg"
    assert run("qr", _code(run, db_path), "-o", str(target)).exit_code == 0
    assert "<svg" in target.read_text(encoding="utf-8")


def test_qr_without_a_file_prints_the_code_in_the_terminal(run: Run, db_path: Path) -> None:
    code = _code(run, db_path)
    result = run("qr", code)
    assert result.exit_code == 0
    assert "█" in result.stdout or "▀" in result.stdout
    assert result.stdout.strip().endswith(routes.citizen_url(PUBLIC, code.replace("-", "")))


def test_qr_refuses_other_file_types_and_closed_links(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    code = _code(run, db_path)
    _refused(run("qr", code, "-o", str(tmp_path / "kod.jpg")), ".svg eller .png")
    run("share", "--revoke", code)
    _refused(run("qr", code), "är stängd")


# --- qr-sheet -------------------------------------------------------------------------------


def test_qr_sheet_writes_a_printable_page_that_works_without_the_server(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    version = _version(db_path)
    run("share", version, "--task", "Första uppgiften.")
    run("share", version, "--task", "Andra uppgiften.")
    target = tmp_path / "ark.html"
    result = run("qr-sheet", version, "-o", str(target))
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.count('class="card"') == 2
    assert "@page" in page and "size: A4" in page  # the stylesheet is inside the file
    assert "/static/" not in page
    assert page.count("Testet är anonymt. Skriv inga personuppgifter.") == 2


def test_qr_sheet_without_active_links_says_how_to_make_one(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    version = _version(db_path)
    _refused(run("qr-sheet", version, "-o", str(tmp_path / "ark.html")), "medskapa share")
