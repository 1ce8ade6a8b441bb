"""The side-by-side benchmark (``benchmarks/bench_peer.py``) compares like with like: both
sides ask the same question and branch the same way, and its stale-answer check reads the
answer Medskapa's page really shows. The kit itself is only installed by ``make bench-peer``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import httpx

import prototypes
from benchmarks import bench_peer
from benchmarks.load_citizen import Stats
from journeys import check_journey, read_file
from journeys import store as journey_store
from toolkit.db import open_db
from toolkit.settings import Settings
from toolkit.web import create_api

NOW = dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC)
VIEWS = bench_peer.KIT_APP / "views"


def peer_journey():  # type: ignore[no-untyped-def]
    journey = read_file(bench_peer.JOURNEY_FILE).journey
    assert journey is not None
    return journey


def test_medskapa_side_is_a_valid_journey_that_branches_on_the_radios_answer() -> None:
    journey = peer_journey()
    assert [f for f in check_journey(journey) if f.severity == "error"] == []
    assert prototypes.next_step(journey, "start", {}) == "ska-du-kora"
    assert prototypes.next_step(journey, "ska-du-kora", {"forare": "Ja"}) == "kontrollera-svar"
    assert prototypes.next_step(journey, "kontrollera-svar", {"forare": "Ja"}) == "som-forare"
    assert prototypes.next_step(journey, "kontrollera-svar", {"forare": "Nej"}) == "som-passagerare"


def test_kit_side_asks_the_same_question_and_branches_to_the_same_outcomes() -> None:
    journey = peer_journey()
    question = journey.step("ska-du-kora")
    field = question.fields[0]
    template = (VIEWS / "ska-du-kora.html").read_text(encoding="utf-8")
    assert field.label in template
    assert sorted(re.findall(r'value: "(\w+)"', template)) == sorted(o.value for o in field.options)
    assert f'name: "{field.id}"' in template
    routes_js = (bench_peer.KIT_APP / "routes.js").read_text(encoding="utf-8")
    for outcome in ("som-forare", "som-passagerare"):
        assert f"res.redirect('/{outcome}')" in routes_js
        title = journey.step(outcome).title
        assert title in (VIEWS / f"{outcome}.html").read_text(encoding="utf-8")
    node = shutil.which("node")
    assert node, "node is needed for the kit (make setup installs bun with npm)"
    for script in (bench_peer.KIT_APP / "routes.js", bench_peer.KIT_SHIM):
        checked = subprocess.run([node, "--check", str(script)], capture_output=True, check=False)
        assert checked.returncode == 0, checked.stderr


def test_the_benchmark_phone_reads_back_each_answer_medskapa_shows(tmp_path: Path) -> None:
    db_path = tmp_path / "peer.db"
    db = open_db(db_path)
    journey = peer_journey()
    source = bench_peer.JOURNEY_FILE.read_text(encoding="utf-8")
    journey_store.save_journey(db, journey, source=source, author="t", now=NOW)
    version = prototypes.publish_version(db, journey.id, note="v1", author="t", now=NOW)
    code = prototypes.create_share_link(db, version.id, created_by="t", now=NOW).code
    app = create_api(Settings(db_path=db_path, public_url="http://127.0.0.1:1"), clock=lambda: NOW)
    site = bench_peer.MedskapaSite(SimpleNamespace(url="http://testserver"), code)  # type: ignore[arg-type]

    async def walk() -> tuple[list[str | None], bool]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            newcomer = bench_peer.Phone(client, Stats(), {})
            await site.first_page(newcomer)
            phone = bench_peer.Phone(client, Stats(), {})
            await site.to_question(phone)
            return [await site.answer(phone, v) for v in ("Nej", "Ja", "Ja")], newcomer.got_cookie

    shown, got_cookie = asyncio.run(walk())
    assert shown == ["Nej", "Ja", "Ja"]
    assert got_cookie


class ShowsWhatItIsTold(bench_peer.Site):
    """A site whose page after an answer shows a scripted text."""

    def __init__(self, shown: list[str | None]) -> None:
        super().__init__()
        self.shown = shown

    async def answer(self, phone: bench_peer.Phone, value: str) -> str | None:
        return self.shown.pop(0)


def test_an_answer_shown_wrong_or_not_at_all_counts_as_stale_and_lost() -> None:
    site = ShowsWhatItIsTold(["Ja", "Nej", None, ""])
    answers = bench_peer.Answers()
    phone = bench_peer.Phone(None, Stats(), {})  # type: ignore[arg-type]
    for value in ("Ja", "Ja", "Nej", "Nej"):
        asyncio.run(answers.give(site, phone, value))
    figures = answers.figures()
    assert (figures["sent"], figures["stored"], figures["lost"]) == (4, 1, 3)
    assert (figures["stale_other_answer"], figures["stale_no_answer"]) == (1, 2)


def test_kit_check_page_answer_is_read_from_its_summary_list() -> None:
    page = '<dd class="govuk-summary-list__value">\n      Nej\n    </dd>'
    found = bench_peer.KIT_ROW_RE.search(page)
    assert found and bench_peer.shown_text(found.group(1)) == "Nej"


def test_ratios_are_medskapa_over_kit_and_none_where_the_kit_figure_is_zero() -> None:
    med = {"submits_per_s": 900.0, "p95_ms": 20.0, "stale_answers": 0}
    kit = {"submits_per_s": 300.0, "p95_ms": 80.0, "stale_answers": 0}
    found = bench_peer.ratios(med, kit)
    assert found["submits_per_s"] == 3.0
    assert found["p95_ms"] == 0.25
    assert found["stale_answers"] is None
