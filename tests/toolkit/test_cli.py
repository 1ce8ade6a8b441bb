"""The medskapa command line, as a designer uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import EXAMPLES_DIR, app

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))

GOOD = """\
# En liten resa
id: liten-resa
title: En liten resa
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

BAD = GOOD.replace("next: klart", "next: klar")


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("MEDSKAPA_DB", str(tmp_path / "test.db"))
    monkeypatch.delenv("MEDSKAPA_LANG", raising=False)
    return CliRunner()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "liten.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "trasig.yaml"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_validate_a_good_file_exits_zero_and_says_no_errors(runner: CliRunner, good: Path) -> None:
    result = runner.invoke(app, ["journey", "validate", str(good)])
    assert result.exit_code == 0, result.output
    assert "inga fel" in result.output


def test_validate_a_bad_file_exits_one_with_file_line_and_suggestion(
    runner: CliRunner, bad: Path
) -> None:
    result = runner.invoke(app, ["journey", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:9:" in result.output
    assert "Det finns inget steg 'klar'" in result.output
    assert "Menade du 'klart'?" in result.output


def test_validate_speaks_english_when_asked(runner: CliRunner, bad: Path) -> None:
    result = runner.invoke(app, ["--lang", "en", "journey", "validate", str(bad)])
    assert result.exit_code == 1
    assert "There is no step 'klar'. Did you mean 'klart'?" in result.output


def test_validate_json_output_is_for_tools(runner: CliRunner, good: Path, bad: Path) -> None:
    result = runner.invoke(app, ["journey", "validate", "--format", "json", str(good), str(bad)])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [entry["ok"] for entry in payload] == [True, False]
    finding = payload[1]["findings"][0]
    assert finding["code"] == "unknown-target"
    assert finding["line"] == 9
    assert finding["path"] == "steps[0].next"
    assert finding["step_id"] == "start"
    assert finding["suggestion"] == "klart"


def test_validate_a_missing_file_says_so_without_a_traceback(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["journey", "validate", str(tmp_path / "finns-inte.yaml")])
    assert result.exit_code == 1
    assert "går inte att läsa" in result.output
    assert "Traceback" not in result.output


def test_strict_makes_warnings_fail(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "varning.yaml"
    path.write_text(GOOD.replace("title: Start", "title: Start\n    phase: fore"), encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace(
        "steps:", "phases: [{id: fore, title: Före}, {id: efter, title: Efter}]\nsteps:"
    )
    path.write_text(text, encoding="utf-8")
    assert runner.invoke(app, ["journey", "validate", str(path)]).exit_code == 0
    assert runner.invoke(app, ["journey", "validate", "--strict", str(path)]).exit_code == 1


def test_import_then_list_then_export_keeps_comments(
    runner: CliRunner, good: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["journey", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Importerade liten-resa" in result.output
    listed = runner.invoke(app, ["journey", "list"])
    assert "liten-resa" in listed.output and "Exempelkommun" in listed.output
    exported = runner.invoke(app, ["journey", "export", "liten-resa"])
    assert exported.exit_code == 0
    assert exported.stdout.startswith("# En liten resa")


def test_importing_the_same_file_twice_adds_no_revision(runner: CliRunner, good: Path) -> None:
    runner.invoke(app, ["journey", "import", str(good)])
    again = runner.invoke(app, ["journey", "import", str(good)])
    assert again.exit_code == 0
    assert "oförändrad" in again.output


def test_a_file_with_errors_is_not_imported(runner: CliRunner, bad: Path) -> None:
    result = runner.invoke(app, ["journey", "import", str(bad)])
    assert result.exit_code == 1
    assert "Inget sparades" in result.output
    assert "Inga resor" in runner.invoke(app, ["journey", "list"]).output


@pytest.mark.parametrize("fmt", ["yaml", "json", "mermaid", "cjml"])
def test_export_formats_write_to_a_file(
    runner: CliRunner, good: Path, tmp_path: Path, fmt: str
) -> None:
    runner.invoke(app, ["journey", "import", str(good)])
    target = tmp_path / f"ut.{fmt}"
    result = runner.invoke(
        app, ["journey", "export", "liten-resa", "--format", fmt, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["id"] == "liten-resa"
    elif fmt == "mermaid":
        assert "flowchart TD" in text
    elif fmt == "cjml":
        assert ET.fromstring(text.encode()) is not None
    else:
        assert "id: liten-resa" in text


def test_export_of_an_unknown_journey_suggests_the_closest(runner: CliRunner, good: Path) -> None:
    runner.invoke(app, ["journey", "import", str(good)])
    result = runner.invoke(app, ["journey", "export", "liten-res"])
    assert result.exit_code == 1
    assert "Det finns ingen resa 'liten-res'" in result.output
    assert "Menade du 'liten-resa'?" in result.output


def test_schema_command_prints_the_committed_schema(runner: CliRunner) -> None:
    result = runner.invoke(app, ["journey", "schema"])
    assert result.exit_code == 0
    committed = (EXAMPLES_DIR.parent / "journey.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(committed)


def test_demo_loads_every_example_and_shows_a_summary(runner: CliRunner) -> None:
    assert len(EXAMPLES) == 3
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["journey", "list"]).output
    for path in EXAMPLES:
        journey_id = path.stem
        assert journey_id in result.output
        assert journey_id in listed


def test_demo_share_link_has_a_task_ending_at_the_confirmation_step(runner: CliRunner) -> None:
    import prototypes
    from toolkit.db import open_db

    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    db = open_db(Path(os.environ["MEDSKAPA_DB"]))
    links = prototypes.list_share_links(db, journey_id="parkeringstillstand")
    assert [(link.label, link.success_step) for link in links] == [("Demo", "skickad")]
    assert links[0].task


def test_demo_twice_adds_no_revisions(runner: CliRunner) -> None:
    runner.invoke(app, ["demo"])
    runner.invoke(app, ["demo"])
    listed = runner.invoke(app, ["journey", "list"]).output
    rows = [line for line in listed.splitlines() if "parkeringstillstand" in line]
    assert rows and "│ 1" in rows[0].replace("  ", " ")


def _medskapa(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_a_broken_database_path_is_one_line_on_stderr_and_exit_two(tmp_path: Path) -> None:
    env = {"MEDSKAPA_DB": str(tmp_path / "saknas" / "x.db"), "PATH": "/usr/bin:/bin"}
    result = _medskapa("journey", "list", env=env)
    assert result.returncode == 2
    assert "Mappen" in result.stderr and "finns inte" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_file_that_is_not_a_database_is_explained(tmp_path: Path) -> None:
    not_db = tmp_path / "inte.db"
    not_db.write_text("det här är ingen databas", encoding="utf-8")
    result = _medskapa("journey", "list", env={"MEDSKAPA_DB": str(not_db), "PATH": "/usr/bin"})
    assert result.returncode == 2
    assert "går inte att öppna" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_exits_non_zero(tmp_path: Path) -> None:
    result = _medskapa("journey", "frobnicate", env={"MEDSKAPA_DB": str(tmp_path / "x.db")})
    assert result.returncode == 2
    assert "frobnicate" in result.stderr


def test_every_command_group_is_wired_into_medskapa(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    for command in ("journey", "demo", "serve", "user", "publish", "share", "qr", "workshop"):
        assert command in result.output, f"medskapa {command} is missing"
    workshop = runner.invoke(app, ["workshop", "--help"])
    for sub in ("create", "open", "close", "report"):
        assert sub in workshop.output
