"""The data behind the journey map: what a designer sees where."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeys import read_file, read_text
from toolkit.app.mapdata import NO_PHASE, build_edges, build_map, step_detail

EXAMPLES = Path(__file__).resolve().parents[2] / "journeys" / "examples"


@pytest.fixture(scope="module")
def parkering():
    journey = read_file(EXAMPLES / "parkeringstillstand.yaml").journey
    assert journey is not None
    return journey


def test_phases_become_columns_in_order(parkering) -> None:
    columns, _ = build_map(parkering)
    assert [c.id for c in columns] == [p.id for p in parkering.phases]
    assert sum(c.steps for c in columns) == len(parkering.steps)


def test_every_step_is_one_card_in_its_actors_lane_and_phase(parkering) -> None:
    columns, lanes = build_map(parkering)
    seen = []
    for lane in lanes:
        for column, cell in zip(columns, lane.cells, strict=True):
            for card in cell.cards:
                step = parkering.step(card.id)
                assert step.phase == column.id
                assert parkering.actor_of(step) == lane.actor
                seen.append(card.id)
    assert sorted(seen) == sorted(s.id for s in parkering.steps)


def test_cards_are_numbered_in_journey_order_and_say_channel_and_ends(parkering) -> None:
    _, lanes = build_map(parkering)
    cards = {c.id: c for lane in lanes for cell in lane.cells for c in cell.cards}
    assert cards["start"].number == 1
    assert cards["start"].pattern == "startsida"  # the screen pattern in words, not its id
    assert cards["ska-du-kora"].branches == 2
    letters = [c for c in cards.values() if c.channel == "letter"]
    assert letters and all(c.channel_label == "Brev" and c.channel_icon == "mail" for c in letters)
    assert any(c.is_end for c in cards.values())


def test_lanes_without_steps_are_left_out() -> None:
    journey = read_text(
        "id: x\ntitle: X\norganisation: O\nsteps:\n"
        "  - {id: a, kind: screen, title: A, next: b}\n  - {id: b, kind: screen, title: B}\n"
    ).journey
    columns, lanes = build_map(journey)
    assert [c.id for c in columns] == [NO_PHASE]
    assert [lane.actor for lane in lanes] == ["invanare"]


def test_edges_say_when_in_plain_words(parkering) -> None:
    edges = [e for e in build_edges(parkering) if e.source == "ska-du-kora"]
    assert [(e.condition, e.target) for e in edges] == [
        ("forare = Ja", "korkort"),
        ("annars", "passagerare"),
    ]
    english = [e for e in build_edges(parkering, "en") if e.source == "ska-du-kora"]
    assert english[1].condition == "otherwise"
    assert (
        next(e for e in build_edges(parkering, "en") if e.source == "start").condition == "always"
    )


def test_step_detail_lists_questions_rules_and_branches(parkering) -> None:
    detail = step_detail(parkering, "ska-du-kora")
    assert detail is not None
    assert detail.fields[0].id == "forare"
    assert detail.fields[0].options == "Ja, Nej"
    assert "Krävs: Välj om du själv ska köra bilen" in detail.fields[0].rules
    assert [e.target for e in detail.edges] == ["korkort", "passagerare"]
    assert step_detail(parkering, "finns-inte") is None


def test_decision_detail_shows_the_explanations_citizens_get(parkering) -> None:
    decision = next(s for s in parkering.steps if s.kind == "decision")
    detail = step_detail(parkering, decision.id, "en")
    assert detail.kind_label == "Decision"
    for rule in decision.rules:
        if rule.explanation:
            assert rule.explanation in detail.explanation


def test_copy_step_choices_name_patterns_in_the_interface_language() -> None:
    from journeys import read_file
    from toolkit.app.pages.copy_step import step_choices

    path = (
        Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"
    )
    journey = read_file(path).journey
    assert journey is not None
    swedish = {c.value: c.label for c in step_choices(journey)}
    assert swedish["kontrollera-svar"].endswith("(skärm, kontrollera svaren)")
    assert swedish["skickad"].endswith("(skärm, bekräftelse)")
    assert "check-answers" not in " ".join(swedish.values())
    english = {c.value: c.label for c in step_choices(journey, "en")}
    assert english["kontrollera-svar"].endswith("(screen, check answers)")


def test_card_patterns_are_in_the_interface_language(parkering) -> None:
    _, lanes = build_map(parkering, "en")
    cards = {c.id: c for lane in lanes for cell in lane.cells for c in cell.cards}
    assert cards["start"].pattern == "start page"
    assert {c.pattern for c in cards.values()} >= {"start page", "check answers", "confirmation"}
