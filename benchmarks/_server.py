"""A real Medskapa server for the load and failure benchmarks, only ever on 127.0.0.1.

The same approach as ``tests/e2e/conftest.py``: ``medskapa demo`` loads the example
journeys into a fresh database in a temporary folder, ``medskapa share`` hands out a link
to the parkeringstillstånd version, and ``medskapa serve --host 127.0.0.1`` runs the
production build on a free port, in a process group of its own so that the benchmark can
stop it (or kill -9 it) without touching anything else. The build folder is
``.web-bench`` (kept between runs, git-ignored), or a private one when another benchmark
holds it; Reflex's state files go to the temporary folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
START_TIMEOUT_S = 600
VERSION_RE = re.compile(r"\bparkeringstillstand-v\d+\b")
CODE_RE = re.compile(r"/t/([0-9a-z]+)\s*$", re.M)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class BenchServer:
    """``medskapa serve`` on a free port of 127.0.0.1 with the examples and one share link."""

    def __init__(self, home: Path, *, name: str = "bench") -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.db = home / "medskapa.db"
        self.log = home / "serve.log"
        self.name = name
        self.web_dir, self._lock = _web_dir()
        self.env = {
            **os.environ,
            "MEDSKAPA_DB": str(self.db),
            "MEDSKAPA_PUBLIC_URL": self.url,
            "MEDSKAPA_PORT": str(self.port),
            "MEDSKAPA_WEB_DIR": str(self.web_dir),
            "REFLEX_STATES_WORKDIR": str(home / "states"),
            "MEDSKAPA_LANG": "sv",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.code = ""
        self.version = ""

    # --- the command line -------------------------------------------------------------

    def cli(self, *args: str) -> str:
        """Run ``medskapa`` against the benchmark's database; its output, or RuntimeError."""
        done = subprocess.run(
            [sys.executable, "-m", "toolkit.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"medskapa {' '.join(args)}: {done.stdout}{done.stderr}")
        return done.stdout

    def prepare(self, *, task: str, success_step: str) -> str:
        """Load the examples and share the parkeringstillstånd version; returns the code."""
        shown = self.cli("demo")
        found = VERSION_RE.search(shown)
        if found is None:
            raise RuntimeError(f"medskapa demo printed no version id:\n{shown}")
        self.version = found.group(0)
        self.code = self.share(self.version, task=task, success_step=success_step)
        return self.code

    def share(
        self, version: str, *, task: str | None = None, success_step: str | None = None
    ) -> str:
        args = ["share", version, "--label", self.name]
        if task:
            args += ["--task", task]
        if success_step:
            args += ["--success-step", success_step]
        shown = self.cli(*args)
        found = CODE_RE.search(shown)
        if found is None:
            raise RuntimeError(f"medskapa share printed no link:\n{shown}")
        return found.group(1)

    # --- the server process -------------------------------------------------------------

    def start(self) -> float:
        """Start ``medskapa serve`` and wait until it answers; returns the seconds it took."""
        started = time.monotonic()
        with self.log.open("ab") as log_file:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "toolkit.cli",
                    "serve",
                    "--host",
                    HOST,
                    "--port",
                    str(self.port),
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill -9 hits only it
            )
        self._wait_until_up()
        return time.monotonic() - started

    def _wait_until_up(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"medskapa serve stopped (exit {self.process.returncode}):\n"
                    f"{self.log.read_text(errors='replace')[-4000:]}"
                )
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2) as health:
                    if health.status == 200:
                        with urllib.request.urlopen(self.url + "/", timeout=5) as page:
                            if page.status == 200:
                                return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"medskapa serve did not answer within {START_TIMEOUT_S} s")

    def kill9(self) -> None:
        """kill -9 the server's whole process group (only the group this object started)."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)
        self._wait_port_free()

    def _wait_port_free(self, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with socket.socket() as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind((HOST, self.port))
                    return
                except OSError:
                    time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM the server's process group, SIGKILL it when it does not stop in 15 s."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def close(self) -> None:
        """Stop the server and give the build folder back (a private one is removed)."""
        self.stop()
        if self.web_dir.name != ".web-bench":
            shutil.rmtree(self.web_dir, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> BenchServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what the server uses -----------------------------------------------------------

    def processes(self) -> list[psutil.Process]:
        """The server's process tree (the reflex supervisor and its workers)."""
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            top = psutil.Process(self.process.pid)
            return [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def usage(self) -> dict[str, Any]:
        """Resident memory (MiB, summed over the tree), CPU seconds used so far, and seconds
        its threads spent runnable but waiting for a CPU (other work on the machine)."""
        return tree_usage(self.processes())

    def query(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        """Read the server's sqlite file directly (read-only; fine beside the server: WAL)."""
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


def tree_usage(processes: Iterable[psutil.Process]) -> dict[str, Any]:
    """RSS (MiB) and CPU seconds summed over ``processes``, and their threads' run-queue
    waits (:func:`run_delays`); processes that ended meanwhile are left out."""
    rss = cpu = 0.0
    pids = []
    for proc in processes:
        try:
            with proc.oneshot():
                rss += proc.memory_info().rss
                times = proc.cpu_times()
                cpu += times.user + times.system
            pids.append(proc.pid)
        except psutil.NoSuchProcess:
            continue
    return {"rss_mib": rss / 2**20, "cpu_s": cpu, "run_delays": run_delays(pids)}


def run_delays(pids: list[int]) -> dict[tuple[int, int], int]:
    """Nanoseconds each thread of these processes has waited on a run queue so far (Linux
    schedstat), by (process, thread)."""
    found: dict[tuple[int, int], int] = {}
    for pid in pids:
        for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            try:
                found[(pid, int(stat.parent.name))] = int(stat.read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return found


class WaitMeter:
    """Seconds threads waited for a CPU since the first reading, threads that come and go
    included (a thread pool's threads do)."""

    def __init__(self, first: dict[tuple[int, int], int]) -> None:
        self.seen = dict(first)
        self.waited_ns = 0

    def update(self, delays: dict[tuple[int, int], int]) -> None:
        for key, value in delays.items():
            self.waited_ns += value - self.seen.get(key, 0)
            self.seen[key] = value

    @property
    def seconds(self) -> float:
        return self.waited_ns / 1e9


def cpu_pressure_s() -> float | None:
    """Seconds in which some task on the machine waited for a CPU (Linux PSI), or None."""
    try:
        for line in Path("/proc/pressure/cpu").read_text().splitlines():
            if line.startswith("some "):
                return int(line.rsplit("total=", 1)[1]) / 1e6
    except (OSError, ValueError, IndexError):
        pass
    return None


def _web_dir() -> tuple[Path, Any]:
    """``.web-bench`` (kept, so the frontend packages install once), or a private folder
    when another benchmark run is holding it."""
    shared = ROOT / ".web-bench"
    lock = open(ROOT / ".web-bench.lock", "w")  # noqa: SIM115 - held while the server runs
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        return ROOT / f".web-bench-{os.getpid()}", None
    return shared, lock
