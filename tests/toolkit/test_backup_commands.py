"""medskapa backup / restore: a consistent copy while the server writes, and a restore that
checks before it touches anything."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.toolkit.test_web import World
from toolkit.backup_commands import SAFETY_SUFFIX, check_backup
from toolkit.cli import app
from toolkit.db import open_db


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("MEDSKAPA_LANG", raising=False)
    return CliRunner()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with a published journey, share links and a designer, made once."""
    return World(tmp_path_factory.mktemp("template") / "template.db").path


@pytest.fixture
def live(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "live.db"
    src, dst = sqlite3.connect(template), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    return path


def run(runner: CliRunner, db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute("select name from sqlite_master where type='table'")
            if not r[0].startswith("sqlite_")
        ]
        return {n: conn.execute(f"select count(*) from [{n}]").fetchone()[0] for n in names}
    finally:
        conn.close()


def test_a_backup_is_one_checked_file_with_everything(
    runner: CliRunner, live: Path, tmp_path: Path
) -> None:
    target = tmp_path / "kopia.db"
    code, output = run(runner, live, "backup", str(target))
    assert code == 0, output
    assert f"Säkerhetskopian är sparad i {target}" in output and "1 resor" in output
    assert not Path(str(target) + "-wal").exists()
    assert counts(target) == counts(live)
    assert check_backup(target).counts["prototype_versions"] == 1
    assert not list(tmp_path.glob(".kopia.db.*.tmp"))


def test_a_backup_never_overwrites_without_force(
    runner: CliRunner, live: Path, tmp_path: Path
) -> None:
    target = tmp_path / "kopia.db"
    target.write_text("min viktiga fil", encoding="utf-8")
    code, output = run(runner, live, "backup", str(target))
    assert code == 1 and "finns redan" in output and "--force" in output
    assert target.read_text(encoding="utf-8") == "min viktiga fil"
    assert run(runner, live, "backup", str(target), "--force")[0] == 0
    missing = run(runner, tmp_path / "finns-inte.db", "backup", str(tmp_path / "x.db"))
    assert missing[0] == 1 and "Det finns ingen databas" in missing[1]


def test_a_backup_taken_while_the_server_writes_is_one_consistent_moment(
    runner: CliRunner, live: Path, tmp_path: Path
) -> None:
    """A writer commits batches of ten rows without pause; every backup holds whole batches
    only, never a half-written transaction."""
    writer_db = open_db(live)
    writer_db.execute("create table burst (batch integer, n integer)")
    stop = threading.Event()
    written = [0]

    def write() -> None:
        conn = sqlite3.connect(live, timeout=10)
        while not stop.is_set():
            batch = written[0]
            with conn:
                conn.executemany("insert into burst values (?, ?)", [(batch, n) for n in range(10)])
            written[0] += 1
        conn.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        backups = []
        for i in range(5):
            target = tmp_path / f"kopia-{i}.db"
            assert run(runner, live, "backup", str(target))[0] == 0
            backups.append(target)
    finally:
        stop.set()
        thread.join()
    seen = []
    for target in backups:
        conn = sqlite3.connect(target)
        sizes = conn.execute("select batch, count(*) from burst group by batch").fetchall()
        conn.close()
        assert all(size == 10 for _, size in sizes), "a torn transaction in the backup"
        seen.append(len(sizes))
    assert seen == sorted(seen) and seen[-1] <= written[0]
    assert written[0] > 0


def test_restore_refuses_to_overwrite_without_force_and_keeps_the_old_one_with_it(
    runner: CliRunner, live: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "kopia.db"
    assert run(runner, live, "backup", str(backup))[0] == 0
    db = open_db(live)
    db.execute("delete from share_links")
    db.conn.commit()
    after_mistake = counts(live)
    code, output = run(runner, live, "restore", str(backup))
    assert code == 1 and "finns redan" in output and "--force" in output
    assert counts(live) == after_mistake  # untouched
    code, output = run(runner, live, "restore", str(backup), "--force")
    assert code == 0, output
    assert "är återställd" in output
    assert counts(live)["share_links"] == 3
    safety = live.with_name(live.name + SAFETY_SUFFIX)
    assert counts(safety) == after_mistake


def test_restore_into_an_empty_place_needs_no_force(
    runner: CliRunner, live: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "kopia.db"
    assert run(runner, live, "backup", str(backup))[0] == 0
    fresh = tmp_path / "ny" / "medskapa.db"
    fresh.parent.mkdir()
    assert run(runner, fresh, "restore", str(backup))[0] == 0
    assert counts(fresh) == counts(backup)


@pytest.mark.parametrize("kind", ["missing", "text", "truncated", "not-medskapa", "newer"])
def test_restore_checks_the_backup_before_touching_anything(
    runner: CliRunner, live: Path, tmp_path: Path, kind: str
) -> None:
    backup = tmp_path / "kopia.db"
    assert run(runner, live, "backup", str(backup))[0] == 0
    expected = {
        "missing": "finns inte",
        "text": "ingen SQLite-databas",
        "truncated": "",
        "not-medskapa": "ingen Medskapa-databas",
        "newer": "nyare Medskapa",
    }[kind]
    if kind == "missing":
        backup.unlink()
    elif kind == "text":
        backup.write_text("id: inte en databas\n", encoding="utf-8")
    elif kind == "truncated":
        data = backup.read_bytes()
        backup.write_bytes(data[: len(data) // 3])
    elif kind == "not-medskapa":
        backup.unlink()
        conn = sqlite3.connect(backup)
        conn.execute("create table t (x)")
        conn.commit()
        conn.close()
    else:
        conn = sqlite3.connect(backup)
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) "
            "values ('feedback', 'm999_from_the_future', '2030-01-01')"
        )
        conn.commit()
        conn.close()
    before = counts(live)
    code, output = run(runner, live, "restore", str(backup), "--force")
    assert code == 1, output
    assert expected in output
    assert "Traceback" not in output
    assert counts(live) == before


def test_restoring_an_older_backup_brings_it_up_to_date(
    runner: CliRunner, live: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "gammal.db"
    assert run(runner, live, "backup", str(backup))[0] == 0
    conn = sqlite3.connect(backup)
    conn.execute("drop table api_tokens")
    conn.execute("delete from _sqlite_migrations where name = 'm002_api_tokens'")
    conn.commit()
    conn.close()
    assert run(runner, live, "restore", str(backup), "--force")[0] == 0
    assert "api_tokens" in open_db(live, migrate=False).table_names()
