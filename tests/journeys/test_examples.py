"""The example journeys: what a designer gets when they open one, and what a citizen can walk.

Every example must validate cleanly (a designer copying it should start from zero findings),
look like a real Swedish e-service (start page, e-legitimation, check answers, confirmation,
a decision with a default, offline steps) and be walkable: given a citizen's answers, the
first matching transition or rule leads, step by step, to an end.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import journeys
from journeys import (
    DecisionStep,
    FieldType,
    Journey,
    OfflineStep,
    Pattern,
    ScreenStep,
    evaluate,
    is_end,
    parse_condition,
    successors,
    validate_file,
)

EXAMPLES = Path(journeys.__file__).parent / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
OURS = ("parkeringstillstand", "ekonomiskt-bistand", "trygghetslarm")


@cache
def load(name: str) -> Journey:
    report = validate_file(EXAMPLES / f"{name}.yaml")
    assert report.journey is not None, [f.format() for f in report.findings]
    return report.journey


# --- walking a journey -----------------------------------------------------------------------


@dataclass
class Walk:
    """Where a citizen went, and which decisions they got."""

    path: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)

    @property
    def end(self) -> str:
        return self.path[-1]


def _holds(raw: Any, answers: dict[str, Any]) -> bool:
    if raw is None:
        return True
    cond, problems = parse_condition(raw)
    assert cond is not None, problems
    return evaluate(cond, answers)


def walk(journey: Journey, given: dict[str, Any]) -> Walk:
    """Follow the journey from its first step like a citizen with these answers would.

    An answer only counts once the screen that asks it has been passed, as in the prototype.
    Every required question on a visited screen must have an answer in ``given``, and a
    choice must be one of the field's options, so that a typo in a test cannot silently take
    another path.
    """
    answers: dict[str, Any] = {}
    used: set[str] = set()
    result = Walk()
    step = journey.first_step()
    while True:
        result.path.append(step.id)
        assert len(result.path) <= 2 * len(journey.steps), f"loop: {result.path}"
        if isinstance(step, ScreenStep):
            for f in step.fields:
                if f.id not in given:
                    assert not f.is_required, f"no answer for required '{f.id}' on '{step.id}'"
                    continue
                value = given[f.id]
                options = f.option_values()
                if options is not None:
                    chosen = value if isinstance(value, list) else [value]
                    assert set(chosen) <= set(options), f"{f.id}: {chosen} not in {options}"
                answers[f.id] = value
                used.add(f.id)
        if is_end(step):
            break
        if isinstance(step, DecisionStep):
            rule = next(r for r in step.rules if _holds(r.if_, answers))
            result.outcomes.append(rule.outcome)
            result.explanations.append(rule.explanation or "")
            target = rule.goto
        else:
            target = next(t.goto for t in step.transitions() if _holds(t.if_, answers))
        nxt = journey.step(target)
        assert nxt is not None, f"'{step.id}' leads to missing '{target}'"
        step = nxt
    unused = set(given) - used
    assert not unused, f"answers for questions never asked on this path: {sorted(unused)}"
    return result


# --- every example ---------------------------------------------------------------------------


def test_our_examples_are_shipped() -> None:
    names = {p.stem for p in EXAMPLE_FILES}
    assert set(OURS) <= names


@pytest.fixture(params=EXAMPLE_FILES, ids=lambda p: p.stem)
def example(request: pytest.FixtureRequest) -> Journey:
    return load(request.param.stem)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_validates_without_errors_or_warnings(path: Path) -> None:
    report = validate_file(path)
    assert report.journey is not None
    assert [f.format() for f in report.findings] == []


def test_example_is_a_swedish_service_of_reasonable_size(example: Journey) -> None:
    assert example.language == "sv"
    assert 12 <= len(example.steps) <= 25
    assert example.organisation.startswith("Exempel")  # fictional organisations only
    assert example.licence == "CC-BY-4.0"
    assert example.description and example.tags and example.service_area


def test_example_uses_the_standard_patterns(example: Journey) -> None:
    patterns = [s.pattern for s in example.steps if isinstance(s, ScreenStep) and s.pattern]
    assert set(patterns) == set(Pattern)
    first = example.first_step()
    assert isinstance(first, ScreenStep) and first.pattern == Pattern.start


def test_example_has_a_decision_that_explains_itself(example: Journey) -> None:
    decisions = [s for s in example.steps if isinstance(s, DecisionStep)]
    assert decisions
    for decision in decisions:
        assert decision.rules[-1].if_ is None, f"'{decision.id}' has no default rule"
        assert any(r.if_ is not None for r in decision.rules)
        for rule in decision.rules:
            assert rule.explanation, f"'{decision.id}': outcome '{rule.outcome}' says no why"


def test_example_has_offline_steps_with_channel_and_receiver(example: Journey) -> None:
    offline = [s for s in example.steps if isinstance(s, OfflineStep)]
    assert offline
    actors = {a.id for a in example.all_actors()}
    for step in offline:
        assert step.channel != "web"
        assert step.receiver in actors, f"'{step.id}' has no known receiver"


def test_example_branches_on_answers(example: Journey) -> None:
    branching = [
        s
        for s in example.steps
        if isinstance(s, ScreenStep | OfflineStep)
        and isinstance(s.next, list)
        and any(t.if_ is not None for t in s.next)
    ]
    assert branching


def test_example_declares_actors_with_roles(example: Journey) -> None:
    assert example.actors is not None
    roles = {a.role.value for a in example.actors}
    assert {"end-user", "service-provider", "system"} <= roles


def test_every_step_is_reachable_and_an_unhappy_path_ends_too(example: Journey) -> None:
    seen: set[str] = set()
    queue = deque([example.first_step().id])
    while queue:
        sid = queue.popleft()
        if sid in seen:
            continue
        seen.add(sid)
        step = example.step(sid)
        assert step is not None
        queue.extend(successors(step))
    assert seen == {s.id for s in example.steps}
    ends = [s for s in example.steps if is_end(s)]
    assert len(ends) >= 2, "an example should show an unhappy path that ends, too"


def test_example_error_messages_say_what_to_do(example: Journey) -> None:
    for step in example.steps:
        if not isinstance(step, ScreenStep):
            continue
        for f in step.fields:
            messages = [f.required] if isinstance(f.required, str) else []
            assert f.required is not True, f"'{f.id}': write the message, not required: true"
            for rule in (f.min_length, f.max_length, f.min, f.max, f.pattern):
                if rule is not None:
                    messages.append(rule.message)
            for rule in (f.min_date, f.max_date):
                if rule is not None:
                    messages.append(rule.message)
            for message in messages:
                assert "ogiltig" not in message.lower(), message
                assert not message.endswith("."), f"GOV.UK style has no full stop: {message}"


def test_example_contains_no_personal_identity_numbers(example: Journey) -> None:
    text = (EXAMPLES / f"{example.id}.yaml").read_text(encoding="utf-8")
    assert not re.search(r"\b(?:19|20)?\d{6}[-+]?\d{4}\b", text)


def test_examples_together_use_every_field_type_and_operator() -> None:
    kinds: set[FieldType] = set()
    raw: list[str] = []
    for name in OURS:
        journey = load(name)
        for step in journey.steps:
            if isinstance(step, ScreenStep):
                kinds.update(f.type for f in step.fields)
        raw.append((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    assert kinds == set(FieldType)
    text = "\n".join(raw)
    for operator in ("in:", "lt:", "gt:", "answered:", "all:", "any:", "not:"):
        assert operator in text, operator


# --- walking each example ------------------------------------------------------------------


PARKERING_FORARE = {
    "forare": "Ja",
    "har-korkort": "Ja",
    "gangstracka": 50,
    "hjalpmedel": ["Rollator"],
    "varaktighet": "Det går inte över",
    "telefon": "0000-00 00 00",
    "intyg": "Ladda upp",
    "intyg-fil": "lakarintyg.pdf",
    "fotosatt": "Besök",
}


def test_parkering_driver_who_walks_little_gets_a_permit_and_a_reminder() -> None:
    w = walk(load("parkeringstillstand"), PARKERING_FORARE)
    for sid in ("korkort", "logga-in", "ladda-upp-intyg", "kontrollera-svar", "skickad"):
        assert sid in w.path
    assert w.path.index("skickad") < w.path.index("besok-kontaktcenter") < w.path.index("beslut")
    assert w.outcomes == ["Du får parkeringstillstånd"]
    assert "100 meter" in w.explanations[0]
    assert w.end == "fornya"


def test_parkering_passenger_who_walks_far_without_aid_is_refused_with_appeal() -> None:
    given = {
        "forare": "Nej",
        "vanta-ensam": "Nej",
        "gangstracka": 800,
        "hjalpmedel": ["Inget hjälpmedel"],
        "varaktighet": "6 månader eller längre",
        "telefon": "0000-00 00 00",
        "intyg": "Läkaren skickar",
        "fotosatt": "Post",
    }
    journey = load("parkeringstillstand")
    w = walk(journey, given)
    assert "passagerare" in w.path and "korkort" not in w.path
    assert "blankett-med-post" in w.path and "ladda-upp-intyg" not in w.path
    assert w.outcomes == ["Du får inte parkeringstillstånd"]
    assert w.end == "avslag"
    avslag = journey.step("avslag")
    assert avslag is not None and "överklaga" in (avslag.body or "")


def test_parkering_wheelchair_user_is_granted_whatever_the_distance() -> None:
    given = {**PARKERING_FORARE, "gangstracka": 900, "hjalpmedel": ["Rullstol"]}
    assert walk(load("parkeringstillstand"), given).outcomes == ["Du får parkeringstillstånd"]


@pytest.mark.parametrize(
    ("given", "end"),
    [
        ({"forare": "Ja", "har-korkort": "Nej"}, "utan-korkort"),
        ({"forare": "Nej", "vanta-ensam": "Ja"}, "inte-passagerare"),
        (
            {
                "forare": "Ja",
                "har-korkort": "Ja",
                "gangstracka": 30,
                "hjalpmedel": ["Käpp eller kryckor"],
                "varaktighet": "Kortare än 6 månader",
            },
            "kort-tid",
        ),
    ],
    ids=["utan-korkort", "klarar-sig-ensam", "kort-tid"],
)
def test_parkering_not_eligible_ends_early_before_login(given: dict[str, Any], end: str) -> None:
    w = walk(load("parkeringstillstand"), given)
    assert w.end == end
    assert "logga-in" not in w.path and not w.outcomes


BISTAND_FORSTA_GANGEN = {
    "akut-behov": "Nej",
    "bostadsort": "Ingen fast bostad",
    "sokt-forut": "Nej",
    "civilstand": "Partner",
    "antal-barn": 2,
    "partner-personnummer": "ÅÅÅÅMMDD-NNNN",  # test data only, never a real number
    "boendeform": "Hyr i andra hand",
    "hyra": 7200,
    "inkomsttyper": ["Barnbidrag", "Bostadsbidrag"],
    "inkomst-summa": 6000,
    "tillgangar": ["Inga tillgångar"],
    "utgifter": ["El", "Förskola eller fritids"],
    "sysselsattning": "Jag söker jobb via Arbetsförmedlingen",
    "planering": "Jag söker jobb och går en kurs i svenska.",
    "telefon": "0000-00 00 00",
    "sms-beslut": "Ja",
}


def test_bistand_first_time_family_gets_a_meeting_and_support() -> None:
    w = walk(load("ekonomiskt-bistand"), BISTAND_FORSTA_GANGEN)
    for sid in ("logga-in", "medsokande", "underlag-senare", "kontrollera-svar", "skickad"):
        assert sid in w.path
    assert "nybesok" in w.path and "handlaggaren-ringer" not in w.path
    assert w.outcomes == ["Du får ekonomiskt bistånd"]
    assert w.end == "utbetalning"


def test_bistand_returning_student_who_uploads_papers_is_refused() -> None:
    given = {
        **BISTAND_FORSTA_GANGEN,
        "bostadsort": "Ja",
        "sokt-forut": "Ja",
        "civilstand": "Ensam",
        "antal-barn": 0,
        "sysselsattning": "Jag studerar",
        "underlag-fil": "kontoutdrag.pdf",
    }
    del given["partner-personnummer"]
    w = walk(load("ekonomiskt-bistand"), given)
    assert "medsokande" not in w.path and "underlag-senare" not in w.path
    assert "handlaggaren-ringer" in w.path and "nybesok" not in w.path
    assert w.outcomes == ["Du får inte ekonomiskt bistånd"]
    assert "studiemedel" in w.explanations[0]
    assert w.end == "avslag"


@pytest.mark.parametrize(
    ("household", "outcome"),
    [
        ({"civilstand": "Ensam", "antal-barn": 0}, "Du får inte ekonomiskt bistånd"),
        ({"civilstand": "Ensam", "antal-barn": 1}, "Du får ekonomiskt bistånd"),
    ],
    ids=["ensam-utan-barn", "ensam-med-barn"],
)
def test_bistand_income_limit_depends_on_the_household(
    household: dict[str, Any], outcome: str
) -> None:
    given = {**BISTAND_FORSTA_GANGEN, **household, "inkomst-summa": 20000}
    del given["partner-personnummer"]
    assert walk(load("ekonomiskt-bistand"), given).outcomes == [outcome]


def test_bistand_savings_come_first() -> None:
    given = {**BISTAND_FORSTA_GANGEN, "tillgangar": ["Sparade pengar"]}
    w = walk(load("ekonomiskt-bistand"), given)
    assert w.outcomes == ["Du får inte ekonomiskt bistånd"] and w.end == "avslag"


@pytest.mark.parametrize(
    ("given", "end"),
    [
        ({"akut-behov": "Ja"}, "akut-kontakt"),
        ({"akut-behov": "Nej", "bostadsort": "Nej"}, "annan-kommun"),
    ],
    ids=["akut", "annan-kommun"],
)
def test_bistand_urgent_or_elsewhere_is_told_whom_to_call(given: dict[str, Any], end: str) -> None:
    journey = load("ekonomiskt-bistand")
    w = walk(journey, given)
    assert w.end == end and "logga-in" not in w.path
    step = journey.step(end)
    assert step is not None and "Ring" in (step.body or "")


LARM_SJALV = {
    "vem": "Jag själv",
    "gatuadress": "Exempelgatan 1",
    "postnummer": "000 00",
    "ort": "Exempelby",
    "bor-med": "Ensam",
    "antal-fall": 3,
    "behov": ["Jag är rädd att falla"],
    "har-hemtjanst": "Nej",
    "nyckel": "Lämnar nyckel",
    "larmtyp": "Larm i hemmet",
    "startdatum": "2030-01-01",
    "telefon": "0000-00 00 00",
}


def test_larm_person_living_alone_who_falls_gets_a_home_visit_and_an_alarm() -> None:
    w = walk(load("trygghetslarm"), LARM_SJALV)
    assert "fullmakt" not in w.path and "personen" not in w.path
    for sid in ("logga-in", "forebygga-fall", "kontrollera-svar", "skickad", "hembesok"):
        assert sid in w.path
    assert w.outcomes == ["Du får trygghetslarm"]
    assert w.path[-2:] == ["installation", "avgift"]


def test_larm_relative_with_power_of_attorney_applies_for_a_parent() -> None:
    given = {
        **LARM_SJALV,
        "vem": "Någon annan",
        "ratt-att-ansoka": "Fullmakt",
        "namn": "Testperson Exempelsson",
        "personnummer": "ÅÅÅÅMMDD-NNNN",  # test data only, never a real number
        "fullmakt-fil": "fullmakt.pdf",
        "bor-med": "Med någon som kan hjälpa",
        "antal-fall": 0,
        "behov": ["Jag känner mig otrygg när jag är ensam"],
        "har-hemtjanst": "Ja",
    }
    w = walk(load("trygghetslarm"), given)
    assert w.path[:5] == ["start", "vem-ansoker", "fullmakt", "logga-in", "personen"]
    assert "forebygga-fall" not in w.path
    assert "samtal" in w.path and "hembesok" not in w.path
    assert w.outcomes == ["Du får inte trygghetslarm"]
    assert w.end == "avslag"


def test_larm_illness_outweighs_living_with_someone() -> None:
    given = {
        **LARM_SJALV,
        "bor-med": "Med någon som kan hjälpa",
        "antal-fall": 0,
        "behov": ["Jag har en sjukdom som kan ge plötsliga besvär"],
    }
    w = walk(load("trygghetslarm"), given)
    assert w.outcomes == ["Du får trygghetslarm"] and w.end == "avgift"


def test_larm_relative_without_power_of_attorney_is_told_what_to_do() -> None:
    given = {"vem": "Någon annan", "ratt-att-ansoka": "Nej"}
    w = walk(load("trygghetslarm"), given)
    assert w.path == ["start", "vem-ansoker", "fullmakt", "behover-fullmakt"]


def test_looking_up_steps_changes_neither_the_journey_nor_its_equality() -> None:
    """Journey.step keeps an index outside the model: a journey asked for its steps is
    still equal to the same journey read again, and a copy with other steps answers for
    its own steps."""
    path = EXAMPLES / "parkeringstillstand.yaml"
    first = journeys.read_file(path).journey
    again = journeys.read_file(path).journey
    assert first is not None and again is not None
    start = first.steps[0]
    assert first.step(start.id) is start
    assert first.step("finns-inte") is None
    assert first == again
    fewer = first.model_copy(update={"steps": first.steps[1:]})
    assert fewer.step(start.id) is None
    assert first.step(start.id) is start
