"""Validate (and publish-check) a generated 500-step journey; it should take well under a second.

Run with ``make bench``. Writes ``benchmarks/results/validate-500-steps.json``. Times are
reported as percentiles of repeated runs in one process, never asserted in tests.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import percentiles, write_result
from journeys import dump_yaml, validate_text

STEPS = 500
WARMUP = 2
RUNS = 2
REPEATS = 10


def generate_journey(steps: int = STEPS) -> dict:
    """A long journey: a main path of screens with a question each, a branch every tenth
    step that rejoins, conditions on earlier answers, and a decision near the end."""
    phases = [{"id": f"fas-{n}", "title": f"Fas {n}"} for n in range(5)]
    items: list[dict] = []
    per_phase = steps // len(phases) + 1
    for n in range(steps - 2):
        step: dict = {
            "id": f"steg-{n}",
            "phase": f"fas-{n // per_phase}",
            "kind": "screen",
            "title": f"Fråga {n}",
            "body": "Svara på frågan. Det tar en kort stund.",
            "fields": [
                {
                    "id": f"svar-{n}",
                    "type": "radios",
                    "label": "Gäller det här dig?",
                    "options": ["Ja", "Nej"],
                    "required": "Välj ja eller nej",
                }
            ],
        }
        target = f"steg-{n + 1}" if n + 1 < steps - 2 else "beslut"
        if n % 10 == 5 and n + 2 < steps - 2:
            step["next"] = [
                {"if": {f"svar-{n}": "Ja", f"svar-{n - 1}": {"ne": "Nej"}}, "goto": target},
                {"goto": f"steg-{n + 1}"},
            ]
        else:
            step["next"] = target
        items.append(step)
    items.append(
        {
            "id": "beslut",
            "phase": "fas-4",
            "kind": "decision",
            "title": "Beslut",
            "rules": [
                {"if": {"svar-0": "Ja"}, "outcome": "beviljad", "goto": "klart"},
                {"outcome": "avslag", "explanation": "Du svarade nej.", "goto": "klart"},
            ],
        }
    )
    items.append(
        {
            "id": "klart",
            "phase": "fas-4",
            "kind": "screen",
            "title": "Klart",
            "pattern": "confirmation",
        }
    )
    return {
        "id": "lang-resa",
        "title": "En lång resa",
        "organisation": "Exempelkommun",
        "phases": phases,
        "steps": items,
    }


def main() -> None:
    text = dump_yaml(generate_journey())
    runs = []
    for run in range(WARMUP + RUNS):
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            report = validate_text(text, file="lang-resa.yaml")
            samples.append((time.perf_counter() - started) * 1000)
        assert report.journey is not None and report.ok, [f.format() for f in report.errors]
        if run >= WARMUP:
            runs.append({"repeats": REPEATS, **percentiles(samples)})
    result = {
        "steps": STEPS,
        "yaml_bytes": len(text.encode()),
        "findings": len(report.findings),
        "runs": runs,
        **runs[-1],
        "errors": 0,
    }
    path = write_result("validate-500-steps", result)
    for n, r in enumerate(runs, 1):
        print(f"validate 500 steps, run {n}: p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms")
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
