"""``medskapa feedback reset --share CODE | --version ID``: asks first, says what goes, and
deletes only the chosen link's (or version's) testers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from prototypes import ShareLink, create_share_link
from tests.feedback.metrics_data import DRIVER, T0, Tester, publish_example, share
from toolkit.db import open_db
from toolkit.report_commands import register
from toolkit.settings import Settings

Run = Callable[..., Result]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "reset.db"


@pytest.fixture
def links(db_path: Path) -> tuple[ShareLink, ShareLink]:
    """Two links to one version: three testers on 'Klass 9B', two on the other."""
    db = open_db(db_path)
    version = publish_example(db)
    klass = create_share_link(db, version.id, label="Klass 9B", created_by="anna", now=T0)
    other = share(db, version, seed=2)
    for _ in range(3):
        Tester(db, klass).walk(DRIVER[:3]).rate("start", 4).comment("start", "Svårt")
    for _ in range(2):
        Tester(db, other).walk(DRIVER[:2])
    db.conn.close()
    return klass, other


@pytest.fixture
def run(db_path: Path) -> Run:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Medskapa (test)."""

    register(
        app, settings=lambda: Settings(db_path=db_path), clock=lambda: T0 + dt.timedelta(days=1)
    )
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return invoke


def sessions(db_path: Path, code: str) -> int:
    db = open_db(db_path)
    try:
        return db.execute(
            "select count(*) from test_sessions where share_code = ?", [code]
        ).fetchone()[0]
    finally:
        db.conn.close()


def test_reset_says_what_goes_and_deletes_only_after_a_yes(
    run: Run, links: tuple[ShareLink, ShareLink], db_path: Path
) -> None:
    klass, other = links
    refused = run("feedback", "reset", "--share", klass.code, input="n\n")
    assert refused.exit_code == 1
    assert "3 testsessioner och 15 händelser (med 3 svar och 3 kommentarer) från länken " in (
        refused.output
    )
    assert "Klass 9B raderas. Det går inte att ångra." in refused.output
    assert "Inget raderades." in refused.output
    assert sessions(db_path, klass.code) == 3

    done = run("feedback", "reset", "--share", klass.code, input="y\n")
    assert done.exit_code == 0, done.output
    assert "Raderade 3 testsessioner, 15 händelser, 3 svar och 3 kommentarer" in done.output
    assert sessions(db_path, klass.code) == 0
    assert sessions(db_path, other.code) == 2
    again = run("feedback", "reset", "--share", klass.code, "--yes")
    assert again.exit_code == 0 and "Det finns inga testsessioner att radera" in again.output


def test_reset_of_a_version_with_yes_asks_nothing(
    run: Run, links: tuple[ShareLink, ShareLink], db_path: Path
) -> None:
    klass, other = links
    done = run("feedback", "reset", "--version", klass.version_id, "--yes")
    assert done.exit_code == 0, done.output
    assert "Raderade 5 testsessioner" in done.output
    assert sessions(db_path, klass.code) == sessions(db_path, other.code) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Ange antingen en delningslänk (--share KOD) eller en version (--version ID)"),
        (("--share", "zzzzzzzzzz"), "Det finns ingen delningslänk med koden 'zzzzzzzzzz'"),
        (("--version", "okand-v1"), "Det finns ingen version 'okand-v1'"),
    ],
)
def test_reset_without_a_known_selection_fails_with_one_line(
    run: Run, links: tuple[ShareLink, ShareLink], args: tuple[str, ...], message: str
) -> None:
    result = run("feedback", "reset", *args, "--yes")
    assert result.exit_code == 1
    assert message in result.output
