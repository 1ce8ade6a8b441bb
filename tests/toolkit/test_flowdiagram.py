"""The flow view's branch diagram: who goes where under which condition, as an SVG."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from journeys import DecisionStep, Journey, read_file, read_text
from journeys.export import condition_text
from toolkit import flowdiagram
from toolkit.flowdiagram import flow_svg

EXAMPLES = Path(__file__).resolve().parents[2] / "journeys" / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
SVG = "{http://www.w3.org/2000/svg}"

LOOP = """\
id: med-slinga
title: En resa med en slinga
organisation: Exempelkommun
steps:
  - id: start
    kind: screen
    title: Ansök
    next: fraga
  - id: fraga
    kind: screen
    title: Hur gammal är du?
    fields:
      - id: alder
        type: number
        label: Ålder
    next: kontrollera
  - id: kontrollera
    kind: screen
    title: Kontrollera dina svar
    fields:
      - id: andra
        type: yesno
        label: Vill du ändra något?
    next:
      - if: {andra: Ja}
        goto: fraga
      - goto: klart
  - id: klart
    kind: screen
    title: Klart
"""


def _example(path: Path) -> Journey:
    journey = read_file(path).journey
    assert journey is not None
    return journey


def _journey(text: str) -> Journey:
    journey = read_text(text).journey
    assert journey is not None, read_text(text).findings
    return journey


def _root(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _groups(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if css_class in (g.get("class") or "").split()]


def _text(element: ET.Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def _visible(element: ET.Element) -> str:
    """The words drawn in an element, without its tooltip."""
    return " ".join(" ".join(t.itertext()) for t in element.iter(f"{SVG}text")).strip()


def _branches(journey: Journey, otherwise: str = "annars") -> list[tuple[str, str, str]]:
    """(from, to, label) per branch, as a designer reads it in the file."""
    found = []
    for step in journey.steps:
        if isinstance(step, DecisionStep):
            raw = [(r.goto, r.if_) for r in step.rules]
        else:
            raw = [(t.goto, t.if_) for t in step.transitions()]
        for goto, condition in raw:
            label = condition_text(condition) if condition else ""
            found.append((step.id, goto, label or (otherwise if len(raw) > 1 else "")))
    return found


def generated(steps: int = 100) -> Journey:
    """A long journey: screens, a question every fifth step that skips one, a decision every
    tenth with three rules, letters, and a loop back from a check-your-answers step."""
    items: list[dict] = []
    for n in range(steps):
        step_id, after = f"steg-{n}", f"steg-{min(n + 1, steps - 1)}"
        skip = f"steg-{min(n + 2, steps - 1)}"
        if n == steps - 1:
            items.append({"id": step_id, "kind": "screen", "title": "Klart"})
        elif n % 10 == 7:
            items.append(
                {
                    "id": step_id,
                    "kind": "decision",
                    "title": f"Beslut {n}",
                    "rules": [
                        {"if": {f"svar-{n - 5}": "Ja"}, "outcome": "Ja", "goto": after},
                        {"if": {f"svar-{n - 5}": "Nej"}, "outcome": "Nej", "goto": skip},
                        {"outcome": "Kanske", "goto": f"steg-{min(n + 3, steps - 1)}"},
                    ],
                }
            )
        elif n % 5 == 2:
            nxt: list[dict] = [{"if": {f"svar-{n}": "Ja"}, "goto": after}, {"goto": skip}]
            if n % 15 == 12:
                nxt.insert(1, {"if": {f"svar-{n}": "Nej"}, "goto": f"steg-{n - 6}"})
            items.append(
                {
                    "id": step_id,
                    "kind": "screen",
                    "title": f"Fråga {n} om något som gäller din ansökan",
                    "fields": [{"id": f"svar-{n}", "type": "yesno", "label": "Gäller det dig?"}],
                    "next": nxt,
                }
            )
        elif n % 9 == 4:
            items.append(
                {
                    "id": step_id,
                    "kind": "offline",
                    "channel": "letter",
                    "title": f"Brev {n}",
                    "next": after,
                }
            )
        else:
            items.append({"id": step_id, "kind": "screen", "title": f"Sida {n}", "next": after})
    document = {"id": "lang-resa", "title": "En lång resa", "organisation": "Test", "steps": items}
    return _journey(json.dumps(document, ensure_ascii=False))


# --- what is drawn --------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_step_of_each_example_is_drawn_once_with_its_title(path: Path) -> None:
    journey = _example(path)
    root = _root(flow_svg(journey))
    steps = _groups(root, "step")
    assert Counter(g.get("data-step") for g in steps) == Counter(s.id for s in journey.steps)
    for group in steps:
        step = journey.step(group.get("data-step") or "")
        assert step is not None
        assert group.get("class", "").split()[1] == f"step-{step.kind}"
        title = group.find(f"{SVG}title")
        assert title is not None and step.title in (title.text or "")
        drawn = _visible(group).replace("…", "")
        assert drawn.split()[0] in step.title  # the title is written in the box


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_branch_of_each_example_is_an_edge_with_its_condition(path: Path) -> None:
    journey = _example(path)
    root = _root(flow_svg(journey))
    edges = {(g.get("data-from"), g.get("data-to")): g for g in _groups(root, "branch")}
    branches = _branches(journey)
    assert set(edges) == {(source, target) for source, target, _ in branches}
    for source, target, label in branches:
        edge = edges[(source, target)]
        assert edge.find(f"{SVG}path") is not None
        title = edge.find(f"{SVG}title")
        assert title is not None
        assert label in (title.text or "")
        if label and len(label) <= 30:  # short conditions are written out on the arrow
            assert label in _visible(edge)
        if not label:
            assert _visible(edge) == ""


def test_the_default_of_a_multi_way_branch_reads_annars_or_otherwise() -> None:
    journey = _journey(LOOP)
    svg = flow_svg(journey)
    edges = {(g.get("data-from"), g.get("data-to")): g for g in _groups(_root(svg), "branch")}
    assert _visible(edges[("kontrollera", "klart")]) == "annars"
    assert _visible(edges[("kontrollera", "fraga")]) == "andra = Ja"
    assert _visible(edges[("start", "fraga")]) == ""  # the only way on needs no label
    english = {
        (g.get("data-from"), g.get("data-to")): g
        for g in _groups(_root(flow_svg(journey, lang="en")), "branch")
    }
    assert _visible(english[("kontrollera", "klart")]) == "otherwise"


def test_two_rules_to_the_same_step_are_one_arrow_with_both_conditions() -> None:
    journey = _example(EXAMPLES / "ekonomiskt-bistand.yaml")
    root = _root(flow_svg(journey))
    to_avslag = [
        g
        for g in _groups(root, "branch")
        if (g.get("data-from"), g.get("data-to")) == ("beslut", "avslag")
    ]
    assert len(to_avslag) == 1
    separators = [
        t.text for t in to_avslag[0].iter(f"{SVG}tspan") if t.get("font-style") == "italic"
    ]
    assert separators == ["eller", "eller"]  # three rules, one arrow
    assert "sysselsattning = Jag studerar" in _visible(to_avslag[0])


def test_the_svg_is_an_accessible_image_with_a_title_and_a_description() -> None:
    journey = _example(EXAMPLES / "parkeringstillstand.yaml")
    svg = flow_svg(journey)
    root = _root(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == f"Flödet i {journey.title}"
    description = desc.text or ""
    assert description.startswith(f"{len(journey.steps)} steg:")
    assert "Resan börjar med ”Ansök om parkeringstillstånd för rörelsehindrade”" in description
    split = "Från ”Ska du själv köra bilen?”: till ”Har du ett körkort som gäller?” om forare = Ja"
    assert f"{split}, annars till ”Kan du vänta ensam när föraren parkerar?”." in description
    assert root.get("font-family", "").startswith("system-ui")
    assert float(root.get("width", "0")) > 0 and float(root.get("height", "0")) > 0
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert not re.search(r"\sstyle=|<style|<script", svg)  # works under our strict CSP


def test_shapes_follow_the_kind_of_step_and_end_steps_have_a_double_border() -> None:
    journey = _example(EXAMPLES / "trygghetslarm.yaml")
    root = _root(flow_svg(journey))
    shapes = {
        g.get("data-step"): [c for c in g if c.tag in (f"{SVG}rect", f"{SVG}path")]
        for g in _groups(root, "step")
    }
    assert [s.tag for s in shapes["beslut"]] == [f"{SVG}path"]  # a diamond
    assert shapes["beslut"][0].get("d", "").count("L") == 3
    assert [s.tag for s in shapes["start"]] == [f"{SVG}rect"]
    assert float(shapes["start"][0].get("rx", "0")) > 0  # rounded
    assert shapes["samtal"][0].get("stroke-dasharray")  # offline: dashed, with its channel
    samtal = next(g for g in _groups(root, "step") if g.get("data-step") == "samtal")
    assert "Telefon" in _visible(samtal)
    assert len(shapes["avgift"]) == 2  # an end step: two borders
    assert "step-end" in next(
        g.get("class", "") for g in _groups(root, "step") if g.get("data-step") == "avgift"
    )
    assert len(_groups(root, "start")) == 1


# --- text is text ---------------------------------------------------------------------------


def test_titles_and_conditions_are_escaped_and_stay_text() -> None:
    hostile = LOOP.replace(
        "title: En resa med en slinga", 'title: "<script>alert(1)</script> & co"'
    )
    hostile = hostile.replace("title: Hur gammal är du?", 'title: "Ålder <b>&amp; \'citat\' \\""')
    hostile = hostile.replace("{andra: Ja}", '{andra: "<Ja & nej>"}')
    journey = _journey(hostile)
    svg = flow_svg(journey, highlight='"><script>')
    assert "<script" not in svg and "<b>" not in svg
    root = _root(svg)  # still well-formed XML
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Flödet i <script>alert(1)</script> & co"
    fraga = next(g for g in _groups(root, "step") if g.get("data-step") == "fraga")
    assert "Ålder <b>&amp; 'citat' \"" in _text(fraga)
    back = next(
        g
        for g in _groups(root, "branch")
        if g.get("data-to") == "fraga" and g.get("data-from") == "kontrollera"
    )
    assert "andra = <Ja & nej>" in _visible(back)


def test_control_characters_in_a_title_never_break_the_xml() -> None:
    journey = _journey(LOOP)
    start = journey.steps[0].model_copy(update={"title": "Ansök\x00 nu\x0b\x1f!"})
    journey = journey.model_copy(update={"steps": [start, *journey.steps[1:]]})
    root = _root(flow_svg(journey))
    first = next(g for g in _groups(root, "step") if g.get("data-step") == "start")
    assert "Ansök nu!" in _visible(first)


def test_long_titles_wrap_to_three_lines_and_end_with_an_ellipsis() -> None:
    long_title = "Det här är en mycket lång rubrik som inte får plats på tre rader i rutan alls"
    journey = _journey(LOOP.replace("title: Klart", f"title: {long_title}"))
    root = _root(flow_svg(journey))
    klart = next(g for g in _groups(root, "step") if g.get("data-step") == "klart")
    lines = [t.text or "" for t in klart.iter(f"{SVG}tspan")]
    assert len(lines) == 3
    assert all(len(line) <= 23 for line in lines)
    assert lines[-1].endswith("…")
    title = klart.find(f"{SVG}title")
    assert title is not None and long_title in (title.text or "")  # the tooltip has it all


# --- layout ---------------------------------------------------------------------------------


def test_the_same_journey_always_gives_the_same_bytes() -> None:
    journey = _example(EXAMPLES / "ekonomiskt-bistand.yaml")
    again = _example(EXAMPLES / "ekonomiskt-bistand.yaml")
    assert flow_svg(journey) == flow_svg(journey) == flow_svg(again)
    assert flow_svg(generated()) == flow_svg(generated())


def test_a_loop_is_drawn_as_a_dashed_back_edge_beside_the_steps() -> None:
    journey = _journey(LOOP)
    root = _root(flow_svg(journey))
    edges = {(g.get("data-from"), g.get("data-to")): g for g in _groups(root, "branch")}
    back = edges[("kontrollera", "fraga")]
    assert "branch-back" in back.get("class", "").split()
    line = back.find(f"{SVG}path")
    assert line is not None and line.get("stroke-dasharray")
    right_of_steps = max(box[2] for box in _step_boxes(root).values())
    xs = [float(x) for x in re.findall(r"[VHMLQ]\s*([\d.]+)", line.get("d", ""))]
    assert max(xs) > right_of_steps  # routed around the side, not through the steps
    for key, edge in edges.items():
        if key != ("kontrollera", "fraga"):
            assert "branch-back" not in edge.get("class", "")
            path = edge.find(f"{SVG}path")
            assert path is not None and path.get("stroke-dasharray") is None
    boxes = _step_boxes(root)
    assert boxes["fraga"][1] < boxes["kontrollera"][1]  # the loop goes up, the flow down


def test_steps_are_layered_top_down_from_the_start() -> None:
    journey = _example(EXAMPLES / "parkeringstillstand.yaml")
    boxes = _step_boxes(_root(flow_svg(journey)))
    for source, target, _ in _branches(journey):
        assert boxes[source][3] < boxes[target][1], (source, target)
    # an early exit sits beside the step after the question, not at the bottom
    assert boxes["utan-korkort"][1] == pytest.approx(boxes["gangformaga"][1], abs=30)


@pytest.mark.parametrize("path", [*EXAMPLE_FILES, None], ids=lambda p: p.stem if p else "generated")
def test_nothing_overlaps_a_step(path: Path | None) -> None:
    journey = _example(path) if path else generated()
    root = _root(flow_svg(journey))
    boxes = list(_step_boxes(root).items())
    labels = [_rect_box(r) for g in _groups(root, "branch-label") for r in g.iter(f"{SVG}rect")]
    for i, (name, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1 :]:
            assert not _overlap(box, other_box), (name, other)
        for label in labels:
            assert not _overlap(box, label), (name, label)


def test_a_generated_100_step_journey_is_drawn_in_full() -> None:
    journey = generated(100)
    root = _root(flow_svg(journey))
    assert len(_groups(root, "step")) == 100
    branches = _branches(journey)
    assert {(g.get("data-from"), g.get("data-to")) for g in _groups(root, "branch")} == {
        (s, t) for s, t, _ in branches
    }
    assert len(_groups(root, "branch-back")) == sum(
        1 for n in range(100) if n % 15 == 12 and n % 10 != 7
    )


def test_a_branch_to_a_missing_step_is_drawn_to_a_marked_box() -> None:
    journey = _journey(LOOP.replace("goto: klart", "goto: klar"))
    root = _root(flow_svg(journey))
    missing = _groups(root, "step-missing")
    assert [g.get("data-step") for g in missing] == ["klar"]
    assert "steget saknas" in _visible(missing[0])
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "Steg som saknas: klar." in (desc.text or "")


def test_highlight_marks_the_step_and_its_branches() -> None:
    journey = _journey(LOOP)
    root = _root(flow_svg(journey, highlight="kontrollera"))
    marked = [g.get("data-step") for g in _groups(root, "step-highlight")]
    assert marked == ["kontrollera"]
    hot = {(g.get("data-from"), g.get("data-to")) for g in _groups(root, "branch-highlight")}
    assert hot == {("fraga", "kontrollera"), ("kontrollera", "fraga"), ("kontrollera", "klart")}
    assert _groups(root, "highlight")  # the halo
    assert not _groups(_root(flow_svg(journey, highlight="finns-inte")), "step-highlight")


def test_text_colours_meet_wcag_aa_on_every_fill() -> None:
    fills = [fill for fill, _, _ in flowdiagram.SHAPES.values()]
    for fill in [*fills, flowdiagram.LABEL_FILL, flowdiagram.BACKGROUND]:
        assert _contrast(flowdiagram.TEXT, fill) >= 4.5, fill
        assert _contrast(flowdiagram.MUTED, fill) >= 4.5, fill
    for _, stroke, _ in flowdiagram.SHAPES.values():  # borders are graphics: 3:1
        assert _contrast(stroke, flowdiagram.BACKGROUND) >= 3
    assert _contrast(flowdiagram.EDGE, flowdiagram.BACKGROUND) >= 3
    assert _contrast(flowdiagram.BACK, flowdiagram.BACKGROUND) >= 3


# --- helpers --------------------------------------------------------------------------------


def _rect_box(rect: ET.Element) -> tuple[float, float, float, float]:
    x, y = float(rect.get("x", "0")), float(rect.get("y", "0"))
    return (x, y, x + float(rect.get("width", "0")), y + float(rect.get("height", "0")))


def _step_boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    """Each step's outer shape as (left, top, right, bottom)."""
    boxes = {}
    for group in _groups(root, "step"):
        shape = next(c for c in group if c.tag in (f"{SVG}rect", f"{SVG}path"))
        if shape.tag == f"{SVG}rect":
            box = _rect_box(shape)
        else:
            numbers = [float(n) for n in re.findall(r"-?[\d.]+", shape.get("d", ""))]
            xs, ys = numbers[0::2], numbers[1::2]
            box = (min(xs), min(ys), max(xs), max(ys))
        boxes[group.get("data-step") or ""] = box
    return boxes


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
