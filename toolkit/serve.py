"""Start the app: the Reflex production build and our own routes on one port.

``medskapa serve`` runs ``reflex run --env prod`` from the project folder (where
``rxconfig.py`` is) with everything Reflex needs set in its environment: bun from
``tools/node_modules/.bin`` (Reflex cannot download it on these machines), and every cache
and config folder inside the project so that nothing is written to ``~``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BUN = PROJECT / "tools" / "node_modules" / ".bin" / "bun"


class ServeError(RuntimeError):
    """The app cannot start; the message says what to do."""


def reflex_env(
    base: Mapping[str, str], *, db_path: Path, public_url: str, port: int, dev: bool = False
) -> dict[str, str]:
    """The environment the Reflex process runs in."""
    env = dict(base)
    bin_dirs = [str(BUN.parent), str(Path(sys.executable).parent)]
    env["PATH"] = os.pathsep.join([*bin_dirs, env.get("PATH", "/usr/bin:/bin")])
    env.update(
        {
            "REFLEX_USE_SYSTEM_BUN": "1",
            "REFLEX_DIR": str(PROJECT / ".reflex"),
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "0",
            "BUN_INSTALL": str(PROJECT / ".bun"),
            "XDG_CACHE_HOME": str(PROJECT / ".xdg" / "cache"),
            "XDG_CONFIG_HOME": str(PROJECT / ".xdg" / "config"),
            "NPM_CONFIG_REGISTRY": env.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/"),
            "MEDSKAPA_DB": str(db_path.resolve()),
            "MEDSKAPA_PUBLIC_URL": public_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    env["MEDSKAPA_PORT"] = str(port)
    if dev:
        env["MEDSKAPA_DEV"] = "1"
    if env.get("MEDSKAPA_WEB_DIR"):
        env["REFLEX_WEB_WORKDIR"] = env["MEDSKAPA_WEB_DIR"]
    return env


def reflex_command(*, host: str, port: int, dev: bool) -> list[str]:
    """The ``reflex run`` command line: one port in production, hot reload in dev."""
    if not BUN.exists() and shutil.which("bun") is None:
        raise ServeError(
            "bun saknas (Reflex bygger webbsidorna med bun). Kör make setup, som installerar "
            "bun från npm till tools/."
        )
    if not (PROJECT / "rxconfig.py").exists():
        raise ServeError(f"rxconfig.py saknas i {PROJECT}; kör medskapa serve från projektmappen.")
    command = [sys.executable, "-m", "reflex", "run", "--loglevel", "warning"]
    if dev:
        return [*command, "--env", "dev", "--backend-host", host]
    return [
        *command,
        "--env",
        "prod",
        "--frontend-port",
        str(port),
        "--backend-port",
        str(port),
        "--backend-host",
        host,
    ]


def exec_reflex(command: list[str], env: dict[str, str]) -> None:
    """Replace this process with Reflex, so signals and exit codes pass straight through."""
    os.chdir(PROJECT)
    os.execve(command[0], command, env)
