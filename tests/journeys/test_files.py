"""Reading journey files (YAML and JSON, with positions) and saving them back so that a
designer's comments, blank lines, quoting and order survive every change."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from journeys import (
    FormField,
    Journey,
    OfflineStep,
    ScreenStep,
    read_file,
    read_text,
    save,
    slugify,
    to_json,
    to_yaml,
    validate_document,
)
from journeys.files import journey_dict, locate

FIXTURES = Path(__file__).parent / "fixtures"
ROUNDTRIP = FIXTURES / "valid" / "roundtrip.yaml"
EXAMPLES = sorted((Path(__file__).parents[2] / "journeys" / "examples").glob("*.yaml"))


def changed_lines(before: str, after: str) -> list[str]:
    """The lines removed (-) and added (+) between two texts."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def with_steps(journey: Journey, steps: list) -> Journey:
    return journey.model_copy(update={"steps": steps})


def block(text: str, first_line: str) -> str:
    """The lines of one list item: from its first line up to the next item or the end."""
    lines = text.splitlines(True)
    start = lines.index(first_line + "\n")
    end = start + 1
    while end < len(lines) and not lines[end].startswith(("  - ", "  #")):
        end += 1
    return "".join(lines[start:end]).rstrip("\n") + "\n"


# --- reading ---------------------------------------------------------------------------------


def test_yaml_with_comments_quotes_and_flow_lists_reads_into_the_model() -> None:
    document = read_file(ROUNDTRIP)
    assert document.findings == []
    journey = document.journey
    assert journey is not None
    assert journey.title == "Ansök om parkeringstillstånd"
    assert journey.organisation == "Exempelkommun"
    assert journey.tags == ["parkering", "tillstånd"]
    assert [s.id for s in journey.steps] == ["start", "forare", "kvitto"]
    forare = journey.steps[1]
    assert isinstance(forare, ScreenStep)
    assert forare.fields[0].option_values() == ["Ja", "Nej"]
    assert forare.fields[0].required == "Välj om du själv ska köra bilen"
    assert forare.transitions()[0].if_ == {"forare": "Ja"}
    kvitto = journey.steps[2]
    assert isinstance(kvitto, ScreenStep)
    assert kvitto.body == "Vi har tagit emot din ansökan.\n\nDu får ett beslut inom fyra veckor.\n"


def test_locate_finds_keys_items_and_flow_values() -> None:
    document = read_file(ROUNDTRIP)
    text = ROUNDTRIP.read_text().splitlines()
    line, column = document.locate(("steps", 1, "next", 0, "if", "forare")) or (0, 0)
    assert text[line - 1][column - 1 :].startswith("forare: Ja}")
    line, column = document.locate(("steps", 2)) or (0, 0)
    assert text[line - 1][column - 1 :] == "id: kvitto"
    # a path that goes further than the file: the deepest part that exists
    assert document.locate(("steps", 2, "fields", 0)) == document.locate(("steps", 2))
    assert locate({"plain": "dict"}, ("plain",)) is None


def test_json_reads_and_its_findings_have_line_numbers() -> None:
    text = (
        "{\n"
        '  "id": "resa",\n'
        '  "title": "Resa",\n'
        '  "organisation": "Kommunen",\n'
        '  "steps": [\n'
        '    {"id": "start", "kind": "screen", "title": "Start", "next": "slutt"},\n'
        '    {"id": "slut", "kind": "screen", "titel": "Slut"}\n'
        "  ]\n"
        "}\n"
    )
    document = read_text(text, file="resa.json")
    titel = text.splitlines()[6].index('"titel"') + 1
    assert [(f.code, f.line, f.column) for f in document.findings] == [("unknown-key", 7, titel)]
    fixed = read_text(text.replace('"titel"', '"title"'), file="resa.json")
    assert fixed.findings == [] and fixed.journey is not None
    target, unreachable = validate_document(fixed).findings
    goto = text.splitlines()[5].index('"next"') + 1
    assert (target.code, target.line, target.column) == ("unknown-target", 6, goto)
    assert target.suggestion == "slut"
    assert (unreachable.code, unreachable.line, unreachable.column) == ("unreachable-step", 7, 5)


def test_json_indented_with_tabs_still_has_line_numbers() -> None:
    text = '{\n\t"id": "resa",\n\t"title": "Resa",\n\t"organisation": "K",\n\t"steps": 3\n}\n'
    (finding,) = read_text(text, file="resa.json").findings
    assert (finding.code, finding.line) == ("wrong-type", 5)


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "resa.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + ROUNDTRIP.read_bytes())
    document = read_file(path)
    assert document.findings == [] and document.journey is not None


@pytest.mark.parametrize(
    "text", ["", "[", "a: b: c", "- 1\n- 2", "!!binary x", "&a [*a]", "*b", "-_", "a: -_"]
)
def test_reading_bad_text_gives_findings_never_exceptions(text: str) -> None:
    document = read_text(text, file="x.yaml")
    assert document.journey is None
    assert document.findings and all(f.severity == "error" for f in document.findings)


# --- saving without changes ------------------------------------------------------------------


@pytest.mark.parametrize("path", [ROUNDTRIP, *EXAMPLES], ids=lambda p: p.stem)
def test_saving_an_unchanged_journey_gives_the_file_back_byte_for_byte(path: Path) -> None:
    document = read_file(path)
    assert document.journey is not None
    assert save(document, document.journey) == path.read_text(encoding="utf-8")


def test_saving_a_journey_read_again_from_its_own_data_changes_nothing() -> None:
    document = read_file(ROUNDTRIP)
    assert document.journey is not None
    again = Journey.model_validate(journey_dict(document.journey))
    assert save(document, again) == document.text


def test_unchanged_file_in_another_indentation_style_is_kept() -> None:
    text = ROUNDTRIP.read_text().replace("\n  ", "\n")  # lists flush under their keys
    document = read_text(text, file="resa.yaml")
    assert document.journey is not None, document.findings
    assert save(document, document.journey) == text


# --- saving changes --------------------------------------------------------------------------


def test_changing_one_step_title_changes_only_that_line() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    steps = list(journey.steps)
    steps[0] = steps[0].model_copy(update={"title": "Ansök om tillstånd att parkera"})
    out = save(document, with_steps(journey, steps))
    assert changed_lines(document.text, out) == [
        "-    title: Ansök om parkeringstillstånd  # rubriken på sidan",
        "+    title: Ansök om tillstånd att parkera  # rubriken på sidan",
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_changing_every_step_title_in_an_example_changes_only_those_lines(path: Path) -> None:
    document = read_file(path)
    journey = document.journey
    assert journey is not None
    for step in journey.steps:
        step.title += " (ändrad)"
    out = save(document, journey)
    changed = changed_lines(document.text, out)
    assert len(changed) == 2 * len(journey.steps)
    assert all("(ändrad)" in line for line in changed if line.startswith("+"))
    assert read_text(out).journey == journey


def test_changing_a_title_in_place_keeps_its_quotes() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    journey.steps[1].fields[0].label = "Kör du bilen själv?"  # type: ignore[union-attr]
    journey.title = "Ansök om parkering"
    out = save(document, journey)
    assert changed_lines(document.text, out) == [
        '-title: "Ansök om parkeringstillstånd"',
        '+title: "Ansök om parkering"',
        '-        label: "Ska du själv köra bilen?"',
        '+        label: "Kör du bilen själv?"',
    ]


def test_changing_a_markdown_body_keeps_it_a_block() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    journey.steps[2].body = "Vi har tagit emot din ansökan.\n\nBeslutet kommer inom två veckor.\n"  # type: ignore[union-attr]
    out = save(document, journey)
    assert changed_lines(document.text, out) == [
        "-      Du får ett beslut inom fyra veckor.",
        "+      Beslutet kommer inom två veckor.",
    ]


def test_reordering_steps_keeps_each_steps_comments() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    start, forare, kvitto = journey.steps
    out = save(document, with_steps(journey, [kvitto, start, forare]))
    reread = read_text(out, file="resa.yaml")
    assert reread.journey is not None
    assert [s.id for s in reread.journey.steps] == ["kvitto", "start", "forare"]
    assert out.count("#") == document.text.count("#")
    for comment, first_line in [
        ("  # Startsidan\n", "  - id: start"),
        ("  # Frågan om föraren\n", "  - id: forare"),
        ("  # Kvittens\n", "  - id: kvitto"),
    ]:
        assert comment + first_line + "\n" in out
        assert block(out, first_line) == block(document.text, first_line)
    assert out.startswith(document.text.split("  # Startsidan")[0] + "  # Kvittens\n")
    assert "# rubriken på sidan" in block(out, "  - id: start")


def test_reordering_fields_keeps_the_comment_above_a_field() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    step = journey.steps[1]
    assert isinstance(step, ScreenStep)
    step.fields = [step.fields[1], step.fields[0]]
    out = save(document, journey)
    assert (
        "    fields:\n"
        "      - id: alder\n"
        "        type: number\n"
        "        label: Hur gammal är du?\n"
        "      # ja eller nej\n"
        "      - id: forare\n"
    ) in out
    assert read_text(out).journey == journey


def test_adding_a_step_appends_it_cleanly() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    brev = OfflineStep(id="beslut", kind="offline", channel="letter", title="Beslutet kommer")
    out = save(document, with_steps(journey, [*journey.steps, brev]))
    assert out == document.text + (
        "\n  - id: beslut\n    kind: offline\n    title: Beslutet kommer\n    channel: letter\n"
    )


def test_inserting_a_step_leaves_the_comment_with_the_step_below() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    mitt = ScreenStep(id="mitt", kind="screen", title="Mitten", next="forare")
    out = save(document, with_steps(journey, [journey.steps[0], mitt, *journey.steps[1:]]))
    assert (
        "    next: forare\n"
        "\n"
        "  - id: mitt\n"
        "    kind: screen\n"
        "    title: Mitten\n"
        "    next: forare\n"
        "\n"
        "  # Frågan om föraren\n"
        "  - id: forare\n"
    ) in out


def test_removing_a_step_removes_its_comment_and_nothing_else() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    start, _, kvitto = journey.steps
    out = save(document, with_steps(journey, [start, kvitto]))
    removed = changed_lines(document.text, out)
    assert all(line.startswith("-") for line in removed)
    assert "-  # Frågan om föraren" in removed
    assert "-  - id: forare" in removed
    assert "  # Kvittens\n  - id: kvitto\n" in out


def test_adding_a_key_puts_it_after_its_neighbour_in_the_model() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    journey.steps[0].description = "Första sidan"
    out = save(document, journey)
    assert changed_lines(document.text, out) == ["+    description: Första sidan"]
    assert "    phase: ansokan\n    description: Första sidan\n    pattern: start\n" in out


def test_removing_the_last_key_of_a_step_keeps_the_comment_of_the_next_step() -> None:
    text = ROUNDTRIP.read_text()
    document = read_text(text, file="resa.yaml")
    journey = document.journey
    assert journey is not None
    data = journey_dict(journey)
    del data["steps"][0]["next"]
    out = save(document, Journey.model_validate(data))
    assert changed_lines(text, out) == ["-    next: forare"]


def test_a_long_line_elsewhere_is_not_wrapped_when_something_changes() -> None:
    body = " ".join(["Du kan ansöka om parkeringstillstånd om du har svårt att gå."] * 4)
    text = ROUNDTRIP.read_text() + f"    description: {body}\n"
    document = read_text(text, file="resa.yaml")
    journey = document.journey
    assert journey is not None
    journey.title = "Parkering"
    assert changed_lines(text, save(document, journey)) == [
        '-title: "Ansök om parkeringstillstånd"',
        '+title: "Parkering"',
    ]


def test_values_the_model_reads_differently_stay_as_written_when_untouched() -> None:
    text = ROUNDTRIP.read_text().replace(
        "        label: Hur gammal är du?\n",
        "        label: Hur gammal är du?\n        min: {value: '0', message: Ange 0 eller mer}\n",
    )
    document = read_text(text, file="resa.yaml")
    journey = document.journey
    assert journey is not None
    journey.steps[2].title = "Klart"
    assert changed_lines(text, save(document, journey)) == [
        "-    title: Ansökan är skickad",
        "+    title: Klart",
    ]


def test_changes_in_a_file_with_flush_lists_keep_its_indentation() -> None:
    text = (
        "id: resa\ntitle: Resa\norganisation: K\n"
        "steps:\n"
        "# först\n"
        "- id: start\n  kind: screen\n  title: Start\n"
        "  fields:\n  - id: namn\n    type: text\n    label: Namn\n"
        "  next: slut\n"
        "# sist\n"
        "- id: slut\n  kind: screen\n  title: Slut\n"
    )
    document = read_text(text, file="resa.yaml")
    journey = document.journey
    assert journey is not None
    start, slut = journey.steps
    start.title = "Börja"
    extra = ScreenStep(id="extra", kind="screen", title="Extra")
    moved = with_steps(journey, [slut, start, extra])
    out = save(document, moved)
    assert out == (
        "id: resa\ntitle: Resa\norganisation: K\n"
        "steps:\n"
        "# sist\n"
        "- id: slut\n  kind: screen\n  title: Slut\n"
        "# först\n"
        "- id: start\n  kind: screen\n  title: Börja\n"
        "  fields:\n  - id: namn\n    type: text\n    label: Namn\n"
        "  next: slut\n"
        "- id: extra\n  kind: screen\n  title: Extra\n"
    )
    assert read_text(out).journey == moved


def test_saving_does_not_change_the_document() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    start, forare, kvitto = journey.steps
    first = save(document, with_steps(journey, [kvitto, forare, start]))
    assert save(document, document.journey) == ROUNDTRIP.read_text()  # type: ignore[arg-type]
    assert save(document, with_steps(journey, [kvitto, forare, start])) == first


def test_reordered_example_steps_save_and_read_back_with_every_comment() -> None:
    for path in EXAMPLES:
        document = read_file(path)
        journey = document.journey
        assert journey is not None
        steps = list(journey.steps)
        half = len(steps) // 2
        for order in (steps[1:] + steps[:1], steps[half:] + steps[:half], steps[::-1]):
            moved = with_steps(journey, order)
            out = save(document, moved)
            assert read_text(out).journey == moved, path.name
            assert out.count("#") == document.text.count("#"), path.name


def test_a_json_file_saves_as_json_in_its_own_key_order() -> None:
    text = (
        '{\n  "title": "Resa",\n  "id": "resa",\n  "organisation": "K",\n'
        '  "steps": [{"id": "start", "kind": "screen", "title": "Start"}]\n}\n'
    )
    document = read_text(text, file="resa.json")
    assert document.journey is not None
    assert save(document, document.journey) == text
    document.journey.title = "Ny resa"
    assert save(document, document.journey) == (
        '{\n  "title": "Ny resa",\n  "id": "resa",\n  "organisation": "K",\n  "steps": [\n'
        '    {\n      "id": "start",\n      "kind": "screen",\n      "title": "Start"\n    }\n'
        "  ]\n}\n"
    )


# --- writing without a file ------------------------------------------------------------------


def test_to_yaml_writes_ids_and_kinds_first_and_reads_back() -> None:
    journey = read_file(ROUNDTRIP).journey
    assert journey is not None
    text = to_yaml(journey)
    assert "  - id: start\n    kind: screen\n    title: Ansök om parkeringstillstånd\n" in text
    assert "      - id: forare\n        type: radios\n        label:" in text
    assert read_text(text).journey == journey


def test_to_json_reads_back() -> None:
    journey = read_file(ROUNDTRIP).journey
    assert journey is not None
    assert read_text(to_json(journey), file="resa.json").journey == journey


def test_new_fields_are_written_with_id_and_type_first() -> None:
    document = read_file(ROUNDTRIP)
    journey = document.journey
    assert journey is not None
    step = journey.steps[0]
    assert isinstance(step, ScreenStep)
    step.fields = [FormField(id="namn", type="text", label="Namn", required="Ange ditt namn")]
    out = save(document, journey)
    assert (
        "    fields:\n      - id: namn\n        type: text\n        label: Namn\n"
        "        required: Ange ditt namn\n"
    ) in out


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Kontrollera svar", "kontrollera-svar"),
        ("Ålder & övrigt", "alder-ovrigt"),
        ("  __x__  ", "x"),
        ("???", "steg"),
    ],
)
def test_slugify_makes_ids(text: str, slug: str) -> None:
    assert slugify(text) == slug
