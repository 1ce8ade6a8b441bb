"""The documentation is tested: journeys shown in the docs validate without errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeys import validate_text
from journeys.files import read_text

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
BLOCK = re.compile(r"```yaml( journey)?\n(.*?)```", re.DOTALL)


def _blocks(kind: str) -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            is_journey = bool(match.group(1))
            if (kind == "journey") == is_journey:
                line = text.count("\n", 0, match.start()) + 2
                found.append((f"{doc.name}, block at line {line}", match.group(2)))
    return found


@pytest.mark.parametrize(("where", "text"), _blocks("journey"))
def test_journeys_in_the_docs_validate_without_errors_or_warnings(where: str, text: str) -> None:
    report = validate_text(text, file=where)
    assert report.journey is not None
    assert [f.format() for f in report.findings] == []


@pytest.mark.parametrize(("where", "text"), _blocks("snippet"))
def test_yaml_snippets_in_the_docs_are_valid_yaml(where: str, text: str) -> None:
    document = read_text(text, file=where)
    assert all(f.code not in ("yaml-syntax", "duplicate-key") for f in document.findings)


def test_the_docs_show_at_least_one_whole_journey() -> None:
    assert _blocks("journey"), "docs/journey-format.md should show a complete journey"


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
