"""The layout rule from DESIGN.md holds: imports point down, only toolkit speaks HTTP/HTML."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("toolkit", "workshops", "feedback", "prototypes", "journeys")


def test_import_contracts_are_kept() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is not installed; run make setup"
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout, result.stdout


@pytest.mark.parametrize("name", PACKAGES)
def test_every_package_imports_and_says_what_it_owns(name: str) -> None:
    module = importlib.import_module(name)
    doc = (module.__doc__ or "").strip()
    assert len(doc.split()) >= 30, f"{name}/__init__.py needs a paragraph saying what it owns"


def test_a_domain_package_importing_toolkit_breaks_the_contract(tmp_path: Path) -> None:
    """The contract is not a tick that cannot fail: a wrong import is caught."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "journeys" / "sneaky.py").write_text("import toolkit.cli\nimport reflex\n")
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports
    result = subprocess.run(
        [lint_imports, "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)},
    )
    assert result.returncode != 0
    assert "journeys.sneaky" in result.stdout
