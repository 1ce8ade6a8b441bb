"""One test per finding the validator can give, each on the smallest journey that shows it.

Every fixture under ``fixtures/invalid/`` is named after its finding code and marks the line
the finding must point at with ``# <-``. Each test checks the code, severity, line and
column, the path, the step, the suggestion where there is one, and that the Swedish
message tells the designer how to fix it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeys import validate_file, validate_text
from journeys.findings import MESSAGES, Finding, Severity, format_path

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid"
MARK = "# <-"


def fixture(code: str) -> Path:
    found = sorted(INVALID.glob(f"{code}.*"))
    assert found, f"no fixture for {code}"
    return found[0]


def only_finding(code: str) -> Finding:
    """The single finding of a fixture that holds one mistake."""
    report = validate_file(fixture(code))
    assert len(report.findings) == 1, "\n".join(f.format() for f in report.findings)
    finding = report.findings[0]
    assert finding.code == code
    assert finding.file == str(fixture(code))
    return finding


def marked(code: str, token: str | None = None) -> tuple[int, int | None]:
    """(line, column) of the line marked ``# <-``; the column is where ``token`` starts."""
    lines = fixture(code).read_bytes().decode("utf-8", errors="replace").splitlines()
    hits = [n for n, line in enumerate(lines, start=1) if MARK in line]
    assert len(hits) == 1, f"{code}: mark one line with {MARK!r}"
    line = lines[hits[0] - 1]
    if token is None:
        return hits[0], None
    assert token in line, f"{token!r} not on line {hits[0]} of {code}"
    return hits[0], line.index(token) + 1


def at(finding: Finding) -> tuple[int | None, int | None]:
    return finding.line, finding.column


# --- the catalogue as a whole -------------------------------------------------------------


def test_every_message_code_has_a_fixture() -> None:
    fixtures = {p.stem for p in INVALID.iterdir()}
    assert set(MESSAGES) - fixtures == set()
    assert fixtures - set(MESSAGES) == set()


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_fixture_gives_exactly_its_finding_on_the_marked_line(code: str) -> None:
    finding = only_finding(code)
    if code != "json-syntax":  # JSON has no comments to mark a line with
        assert finding.line == marked(code)[0]


@pytest.mark.parametrize("code", sorted(MESSAGES))
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_message_renders_without_leftover_placeholders(code: str, lang: str) -> None:
    message = only_finding(code).message(lang)  # type: ignore[arg-type]
    assert not re.search(r"\{[a-z_]+\}", message), message
    assert message.endswith((".", "»", "?", ")")), message


SWEDISH_WORDS = re.compile(r"\b(och|eller|inte|är|ska|finns|steget|fältet|tomt|lista)\b")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_english_messages_carry_no_swedish_words(code: str) -> None:
    message = only_finding(code).message("en")
    unquoted = re.sub(r"'[^']*'|\"[^\"]*\"|«[^»]*»", "", message)
    assert not SWEDISH_WORDS.search(unquoted), message


def test_a_valid_journey_has_no_findings() -> None:
    report = validate_file(FIXTURES / "valid" / "minimal.yaml")
    assert report.findings == []
    assert report.ok


def test_format_gives_file_line_column_path_message_and_code() -> None:
    finding = only_finding("unknown-target")
    line, column = marked("unknown-target", "goto")
    assert finding.format() == (
        f"{fixture('unknown-target')}:{line}:{column}: fel: steps[0].next[0].goto: "
        "Det finns inget steg 'kontrol-svar'. Menade du 'kontrollera-svar'? Skriv id:t för ett "
        "steg som finns, eller lägg till steget. (steg 'start') [unknown-target]"
    )
    assert finding.format("en").split(": ", 2)[1] == "error"


def test_as_dict_is_what_tools_get() -> None:
    finding = only_finding("unknown-target")
    data = finding.as_dict("en")
    assert data["path"] == "steps[0].next[0].goto"
    assert data["suggestion"] == "kontrollera-svar"
    assert data["message"].startswith("There is no step 'kontrol-svar'.")
    assert (data["line"], data["column"]) == marked("unknown-target", "goto")


def test_warnings_do_not_stop_publishing_but_errors_do() -> None:
    warned = validate_file(fixture("missing-phase"))
    assert warned.ok and warned.warnings and not warned.errors
    failed = validate_file(fixture("unknown-target"))
    assert not failed.ok and failed.errors


# --- reading the file ----------------------------------------------------------------------


def test_a_missing_file_is_a_finding_not_an_exception(tmp_path: Path) -> None:
    report = validate_file(tmp_path / "finns-inte.yaml")
    (finding,) = report.findings
    assert finding.code == "file-unreadable"
    assert finding.severity == Severity.error
    assert finding.line is None
    assert "den finns inte; kontrollera sökvägen" in finding.message()
    assert "it does not exist; check the path" in finding.message("en")


def test_a_folder_given_as_file_says_to_give_a_file(tmp_path: Path) -> None:
    (finding,) = validate_file(tmp_path).findings
    assert finding.code == "file-unreadable"
    assert "ange en .yaml- eller .json-fil" in finding.message()


def test_a_file_not_saved_as_utf8_points_at_the_first_bad_byte() -> None:
    finding = only_finding("file-unreadable")
    assert finding.severity == Severity.error
    line, column = marked("file-unreadable", "R")
    assert at(finding) == (line, (column or 0) + 1)  # the 'ä' after 'R', written in Latin-1
    assert "spara om den som UTF-8" in finding.message()


def test_a_colon_inside_an_unquoted_title_is_a_syntax_error_at_that_colon() -> None:
    finding = only_finding("yaml-syntax")
    assert finding.severity == Severity.error
    assert at(finding) == marked("yaml-syntax", ": Ansök")
    assert finding.path == ()
    assert 'sätt citattecken runt text med kolon, t.ex. title: "Steg 1: Ansök"' in (
        finding.message()
    )


def test_an_unclosed_list_points_where_the_list_began() -> None:
    text = "id: resa\ntitle: Resa\ntags: [parkering,\norganisation: Kommunen\n"
    (finding,) = validate_text(text, file="resa.yaml").findings
    assert finding.code == "yaml-syntax"
    assert (finding.line, finding.column) == (3, 7)
    assert "en lista som börjar med [ stängs inte med ]" in finding.message()


def test_a_tab_used_for_indentation_says_to_use_spaces() -> None:
    text = "id: resa\nsteps:\n\t- id: start\n"
    (finding,) = validate_text(text, file="resa.yaml").findings
    assert finding.code == "yaml-syntax"
    assert finding.line == 3
    assert "Använd mellanslag för indrag" in finding.message()


def test_a_missing_comma_in_json_is_located_by_line_and_column() -> None:
    finding = only_finding("json-syntax")
    assert finding.severity == Severity.error
    assert at(finding) == (4, 3)
    assert finding.message() == "JSON-texten går inte att läsa här: ett kommatecken saknas."
    assert finding.message("en") == "The JSON cannot be read here: a comma is missing."


def test_a_key_written_twice_points_at_the_second() -> None:
    finding = only_finding("duplicate-key")
    assert finding.severity == Severity.error
    assert at(finding) == marked("duplicate-key", "title")
    assert finding.params == {"key": "title"}
    assert "ta bort den ena" in finding.message()


def test_a_file_holding_a_list_is_not_a_journey() -> None:
    finding = only_finding("not-a-journey")
    assert finding.severity == Severity.error
    assert at(finding) == marked("not-a-journey", "-")
    assert "Nu innehåller den en lista." in finding.message()
    assert "Now it holds a list." in finding.message("en")


def test_an_empty_file_says_it_is_empty() -> None:
    (finding,) = validate_text("", file="tom.yaml").findings
    assert finding.code == "not-a-journey"
    assert "ingenting (filen är tom)" in finding.message()


# --- shape -----------------------------------------------------------------------------------


def test_a_step_without_title_says_what_to_add() -> None:
    finding = only_finding("missing")
    assert finding.severity == Severity.error
    assert at(finding) == marked("missing", "id")  # the step that lacks it
    assert format_path(finding.path) == "steps[0].title"
    assert finding.step_id == "start"
    assert finding.message() == "'title' saknas här; lägg till det."


def test_a_misspelt_key_suggests_the_right_one_and_is_reported_once() -> None:
    finding = only_finding("unknown-key")  # not also "title is missing"
    assert finding.severity == Severity.error
    assert at(finding) == marked("unknown-key", "titel")
    assert format_path(finding.path) == "steps[0].titel"
    assert finding.step_id == "start"
    assert finding.suggestion == "title"
    assert "Menade du 'title'?" in finding.message()
    assert "Tillåtna nycklar här: id, title, phase" in finding.message()


def test_an_id_with_spaces_and_capitals_suggests_a_slug() -> None:
    finding = only_finding("bad-slug")
    assert finding.severity == Severity.error
    assert at(finding) == marked("bad-slug", "id")
    assert format_path(finding.path) == "steps[0].id"
    assert "använd små bokstäver a–z, siffror och bindestreck, t.ex. 'kontrollera-svar'" in (
        finding.message()
    )


def test_an_unknown_field_type_suggests_the_closest_type() -> None:
    finding = only_finding("bad-choice")
    assert finding.severity == Severity.error
    assert at(finding) == marked("bad-choice", "type")
    assert format_path(finding.path) == "steps[0].fields[0].type"
    assert finding.step_id == "start"
    assert finding.suggestion == "text"
    assert "Menade du 'text'? Välj ett av: text, textarea, number" in finding.message()


def test_an_unknown_step_kind_suggests_screen() -> None:
    finding = only_finding("bad-kind")
    assert finding.severity == Severity.error
    assert at(finding) == marked("bad-kind", "kind")
    assert format_path(finding.path) == "steps[0].kind"
    assert finding.step_id == "start"
    assert finding.suggestion == "screen"
    assert "Ett steg är screen, decision eller offline." in finding.message()


def test_a_step_without_kind_says_which_kinds_there_are() -> None:
    finding = only_finding("missing-kind")
    assert finding.severity == Severity.error
    assert at(finding) == marked("missing-kind", "id")
    assert format_path(finding.path) == "steps[0]"
    assert finding.step_id == "start"
    assert "skriv kind: screen, decision eller offline" in finding.message()


def test_a_number_where_text_belongs_says_to_quote_it() -> None:
    finding = only_finding("wrong-type")
    assert finding.severity == Severity.error
    assert at(finding) == marked("wrong-type", "title")
    assert format_path(finding.path) == "steps[0].title"
    assert finding.message() == (
        "'title' ska vara en text, men är ett tal. Sätt citattecken runt värdet (\"2025\") "
        "så blir det en text."
    )
    assert finding.message("en") == (
        "'title' should be a text, but is a number. Put quotes round the value (\"2025\") so "
        "that it is a text."
    )


def test_an_option_that_is_neither_text_nor_mapping_is_one_finding() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text() + (
        "    fields:\n      - id: antal\n        type: radios\n        label: Antal\n"
        "        options: [1, 2]\n    next: start\n"
    )
    findings = validate_text(text, file="resa.yaml").findings
    assert [f.code for f in findings] == ["wrong-type", "wrong-type"]
    assert "ska vara en text eller en mappning" in findings[0].message()
    assert [f.column for f in findings] == [19, 22]


def test_next_written_as_a_list_of_ids_shows_how_to_write_goto() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text() + (
        "    next:\n      - slut\n  - {id: slut, kind: screen, title: Slut}\n"
    )
    (finding,) = validate_text(text, file="resa.yaml").findings
    assert (finding.code, format_path(finding.path), finding.line) == (
        "wrong-type",
        "steps[0].next[0]",
        9,
    )
    assert "Skriv varje alternativ i 'next' som - goto: slut, eller skriv next: slut" in (
        finding.message()
    )


def test_a_misspelt_key_in_an_option_is_one_finding() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text() + (
        "    fields:\n      - id: farg\n        type: radios\n        label: Färg\n"
        "        options: [{value: röd, lable: Röd}, blå]\n"
        "    next: slut\n  - {id: slut, kind: screen, title: Slut}\n"
    )
    (finding,) = validate_text(text, file="resa.yaml").findings
    assert finding.code == "unknown-key"
    assert format_path(finding.path) == "steps[0].fields[0].options[0].lable"
    assert finding.suggestion == "label"


def test_a_rule_value_of_the_wrong_kind_lists_what_fits() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text() + (
        "    fields:\n      - id: namn\n        type: text\n        label: Namn\n"
        "        required: 5\n    next: slut\n  - {id: slut, kind: screen, title: Slut}\n"
    )
    (finding,) = validate_text(text, file="resa.yaml").findings
    assert finding.message() == "'required' ska vara en text, true eller false, men är ett tal."
    assert finding.message("en") == "'required' should be a text, true or false, but is a number."


def test_an_empty_step_list_asks_for_at_least_one_step() -> None:
    finding = only_finding("too-short")
    assert finding.severity == Severity.error
    assert at(finding) == marked("too-short", "steps")
    assert finding.message() == "'steps' får inte vara tomt; lägg till minst ett steg."


def test_an_empty_title_asks_for_a_text() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text().replace("title: Start", 'title: ""')
    (finding,) = validate_text(text, file="resa.yaml").findings
    assert finding.code == "too-short"
    assert finding.message() == "'title' får inte vara tomt; skriv en text."


def test_a_lix_target_below_the_range_names_the_lowest_allowed() -> None:
    finding = only_finding("too-small")
    assert finding.severity == Severity.error
    assert at(finding) == marked("too-small", "lix_target")
    assert finding.message() == "'lix_target' ska vara minst 10, men är 5."


def test_a_lix_target_above_the_range_names_the_highest_allowed() -> None:
    finding = only_finding("too-large")
    assert at(finding) == marked("too-large", "lix_target")
    assert finding.message() == "'lix_target' får vara högst 80, men är 95."
    assert finding.message("en") == "'lix_target' may be at most 80, but is 95."


def test_an_id_longer_than_eighty_characters_asks_to_shorten_it() -> None:
    finding = only_finding("too-long")
    assert at(finding) == marked("too-long", "id")
    assert format_path(finding.path) == "steps[0].id"
    assert finding.message() == "'id' får vara högst 80 tecken långt; korta det."


def test_not_a_number_is_not_a_lix_target() -> None:
    finding = only_finding("out-of-range")
    assert at(finding) == marked("out-of-range", "lix_target")
    assert "skriv ett vanligt tal, inte .nan eller .inf" in finding.message()


def test_a_number_as_field_id_in_a_condition_asks_for_a_question_id() -> None:
    finding = only_finding("condition-bad-key")
    assert finding.severity == Severity.error
    assert at(finding) == marked("condition-bad-key", "1")
    assert format_path(finding.path) == "steps[0].next[0].if.1"
    assert finding.step_id == "start"
    assert "Skriv id:t för en fråga, t.ex. {forare: Ja}." in finding.message()


# --- ids and references --------------------------------------------------------------------


def test_a_step_id_used_twice_names_the_first_step() -> None:
    finding = only_finding("duplicate-step-id")
    assert finding.severity == Severity.error
    assert at(finding) == marked("duplicate-step-id", "id")
    assert format_path(finding.path) == "steps[1].id"
    assert finding.step_id == "start"
    assert "används redan av steg nummer 1; ge varje steg ett eget id" in finding.message()


def test_a_field_id_used_twice_names_the_step_that_asks_it_first() -> None:
    finding = only_finding("duplicate-field-id")
    assert finding.severity == Severity.error
    assert at(finding) == marked("duplicate-field-id", "id")
    assert format_path(finding.path) == "steps[1].fields[0].id"
    assert finding.step_id == "slut"
    assert "frågas redan i steget 'start'" in finding.message()
    assert "ge fältet ett eget id" in finding.message()


def test_a_phase_id_used_twice_is_an_error() -> None:
    finding = only_finding("duplicate-phase-id")
    assert finding.severity == Severity.error
    assert at(finding) == marked("duplicate-phase-id", "id")
    assert format_path(finding.path) == "phases[1].id"
    assert finding.step_id is None
    assert "ge varje fas ett eget id" in finding.message()


def test_an_actor_id_used_twice_is_an_error() -> None:
    finding = only_finding("duplicate-actor-id")
    assert at(finding) == marked("duplicate-actor-id", "id")
    assert format_path(finding.path) == "actors[1].id"
    assert "ge varje aktör ett eget id" in finding.message()


def test_a_field_named_like_a_condition_word_is_refused() -> None:
    finding = only_finding("reserved-field-id")
    assert finding.severity == Severity.error
    assert at(finding) == marked("reserved-field-id", "id")
    assert format_path(finding.path) == "steps[0].fields[0].id"
    assert finding.step_id == "start"
    assert "välj ett annat id" in finding.message()


def test_dangling_goto_names_the_missing_step_and_line() -> None:
    finding = only_finding("unknown-target")
    assert finding.severity == Severity.error
    assert at(finding) == marked("unknown-target", "goto")
    assert format_path(finding.path) == "steps[0].next[0].goto"
    assert finding.step_id == "start"
    assert finding.suggestion == "kontrollera-svar"
    assert finding.message() == (
        "Det finns inget steg 'kontrol-svar'. Menade du 'kontrollera-svar'? Skriv id:t för "
        "ett steg som finns, eller lägg till steget."
    )
    assert finding.message("en") == (
        "There is no step 'kontrol-svar'. Did you mean 'kontrollera-svar'? Write the id of a "
        "step that exists, or add the step."
    )


def test_an_unknown_start_step_suggests_the_closest_id() -> None:
    finding = only_finding("unknown-start")
    assert finding.severity == Severity.error
    assert at(finding) == marked("unknown-start", "start")
    assert format_path(finding.path) == "start"
    assert finding.suggestion == "start"
    assert "ta bort 'start' så börjar resan på första steget" in finding.message()


def test_an_unknown_phase_lists_the_phases_there_are() -> None:
    finding = only_finding("unknown-phase")
    assert finding.severity == Severity.error
    assert at(finding) == marked("unknown-phase", "phase")
    assert format_path(finding.path) == "steps[1].phase"
    assert finding.step_id == "mitten"
    assert finding.suggestion == "efter"
    assert "Lägg till fasen under 'phases' eller välj en som finns: fore, efter." in (
        finding.message()
    )


def test_a_phase_in_a_journey_without_phases_says_there_are_none_yet() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text() + "    phase: fore\n"
    (finding,) = validate_text(text, file="resa.yaml").findings
    assert finding.code == "unknown-phase"
    assert finding.message().endswith("välj en som finns: det finns inga ännu.")
    assert finding.message("en").endswith("choose one that exists: there are none yet.")


def test_an_unknown_actor_suggests_one_of_the_default_actors() -> None:
    finding = only_finding("unknown-actor")
    assert finding.severity == Severity.error
    assert at(finding) == marked("unknown-actor", "actor")
    assert format_path(finding.path) == "steps[1].actor"
    assert finding.step_id == "brev"
    assert finding.suggestion == "kommunen"
    assert "välj en som finns: invanare, kommunen, system" in finding.message()


# --- transitions and rules -------------------------------------------------------------------


def test_an_empty_next_list_says_to_remove_it_or_say_where_to_go() -> None:
    finding = only_finding("empty-next")  # and not also "no way to end"
    assert finding.severity == Severity.error
    assert at(finding) == marked("empty-next", "next")
    assert format_path(finding.path) == "steps[1].next"
    assert finding.step_id == "tom"
    assert "Ta bort 'next' om steget är ett slutsteg" in finding.message()


def test_next_whose_last_entry_has_a_condition_asks_for_a_default() -> None:
    finding = only_finding("next-without-default")
    assert finding.severity == Severity.error
    assert at(finding) == marked("next-without-default", "if")
    assert format_path(finding.path) == "steps[0].next[0]"
    assert finding.step_id == "start"
    assert "Lägg till ett sista '- goto: …' utan 'if'" in finding.message()


def test_an_if_with_nothing_after_it_is_not_taken_as_always() -> None:
    finding = only_finding("empty-condition")
    assert finding.severity == Severity.error
    assert at(finding) == marked("empty-condition", "if")
    assert format_path(finding.path) == "steps[0].next[1].if"
    assert finding.step_id == "start"
    assert "Skriv ett villkor, t.ex. if: {forare: Ja}, eller ta bort 'if'." in finding.message()


def test_an_entry_after_an_unconditional_one_is_never_used() -> None:
    finding = only_finding("unreachable-transition")  # and no "needs a default" as well
    assert finding.severity == Severity.warning
    assert at(finding) == marked("unreachable-transition", "if")
    assert format_path(finding.path) == "steps[0].next[1]"
    assert finding.step_id == "start"
    assert "Flytta alternativet utan 'if' sist" in finding.message()


def test_a_decision_whose_last_rule_has_a_condition_asks_for_a_default_rule() -> None:
    finding = only_finding("decision-without-default")
    assert finding.severity == Severity.error
    assert at(finding) == marked("decision-without-default", "if")
    assert format_path(finding.path) == "steps[1].rules[0]"
    assert finding.step_id == "beslut"
    assert "Lägg till en sista regel utan 'if'" in finding.message()


def test_a_rule_after_an_unconditional_rule_is_never_used() -> None:
    finding = only_finding("unreachable-rule")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("unreachable-rule", "if")
    assert format_path(finding.path) == "steps[1].rules[1]"
    assert finding.step_id == "beslut"
    assert "Flytta regeln utan 'if' sist, eller ta bort den här." in finding.message()


# --- the graph -------------------------------------------------------------------------------


def test_a_step_nothing_leads_to_is_unreachable() -> None:
    finding = only_finding("unreachable-step")
    assert finding.severity == Severity.error
    assert at(finding) == marked("unreachable-step", "id")
    assert format_path(finding.path) == "steps[1]"
    assert finding.step_id == "ensam"
    assert "Peka på det med 'next' från ett annat steg, eller ta bort det." in finding.message()


def test_a_loop_without_a_way_out_is_reported_once_and_named() -> None:
    finding = only_finding("no-way-to-end")
    assert finding.severity == Severity.error
    assert at(finding) == marked("no-way-to-end", "id")
    assert format_path(finding.path) == "steps[1]"
    assert finding.step_id == "fraga"
    assert "vägen går runt i en slinga (fraga → svar → fraga)" in finding.message()
    assert "Låt något av stegen i slingan leda vidare" in finding.message()
    assert "the way goes round in a loop (fraga → svar → fraga)" in finding.message("en")


def test_steps_leading_into_a_loop_do_not_each_get_a_finding() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text() + (
        "    next: a\n"
        "  - {id: a, kind: screen, title: A, next: b}\n"
        "  - {id: b, kind: screen, title: B, next: c}\n"
        "  - {id: c, kind: screen, title: C, next: b}\n"
        "  - {id: slut, kind: screen, title: Slut}\n"
    )
    findings = validate_text(text, file="resa.yaml").findings
    assert [f.code for f in findings] == ["no-way-to-end", "unreachable-step"]
    assert "(b → c → b)" in findings[0].message()


def test_a_journey_where_every_step_goes_on_has_no_end() -> None:
    finding = only_finding("no-end-step")
    assert finding.severity == Severity.error
    assert at(finding) == marked("no-end-step", "steps")
    assert format_path(finding.path) == "steps"
    assert "Ta bort 'next' från sista steget" in finding.message()


# --- conditions ------------------------------------------------------------------------------


def test_a_condition_on_an_unknown_field_suggests_the_closest_field() -> None:
    finding = only_finding("unknown-field")
    assert finding.severity == Severity.error
    assert at(finding) == marked("unknown-field", "forar")
    assert format_path(finding.path) == "steps[0].next[0].if.forar"
    assert finding.step_id == "start"
    assert finding.suggestion == "forare"
    assert "Menade du 'forare'?" in finding.message()


def test_a_condition_on_a_field_asked_on_one_branch_names_a_way_without_it() -> None:
    finding = only_finding("field-not-asked-before")
    assert finding.severity == Severity.error
    assert at(finding) == marked("field-not-asked-before", "forare")
    assert format_path(finding.path) == "steps[3].rules[0].if.forare"
    assert finding.step_id == "beslut"
    assert finding.params["via"] == "start → blankett → beslut"
    assert "inte på vägen start → blankett → beslut" in finding.message()
    assert "Ställ frågan tidigare" in finding.message()
    assert "not on the way start → blankett → beslut" in finding.message("en")


def test_a_value_the_field_cannot_have_suggests_the_right_case() -> None:
    finding = only_finding("value-not-an-option")
    assert finding.severity == Severity.error
    assert at(finding) == marked("value-not-an-option", "forare")
    assert format_path(finding.path) == "steps[0].next[0].if.forare"
    assert finding.suggestion == "Ja"
    assert "Menade du 'Ja'? Skriv svaret precis som i fältets alternativ: Ja, Nej." in (
        finding.message()
    )


def test_comparing_a_text_field_as_a_number_says_which_operators_fit() -> None:
    finding = only_finding("compare-needs-number")
    assert finding.severity == Severity.error
    assert at(finding) == marked("compare-needs-number", "namn")
    assert format_path(finding.path) == "steps[0].next[0].if.namn"
    assert "Använd eq, ne, in eller not_in för den här frågan." in finding.message()


def test_comparing_a_number_field_with_a_date_asks_for_a_number() -> None:
    finding = only_finding("compare-wrong-kind")
    assert at(finding) == marked("compare-wrong-kind", "alder")
    assert finding.message() == (
        "Fältet 'alder' är av typen number, så 'gt' ska jämföra med ett tal, t.ex. gt: 18, "
        "inte '2025-01-01'."
    )


def test_an_empty_condition_mapping_shows_the_form_to_write() -> None:
    finding = only_finding("condition-not-mapping")
    assert finding.severity == Severity.error
    assert at(finding) == marked("condition-not-mapping", "if")
    assert format_path(finding.path) == "steps[0].next[0].if"
    assert "ska ha formen {fält-id: svar}, t.ex. {forare: Ja}" in finding.message()


def test_any_followed_by_a_mapping_asks_for_a_list() -> None:
    finding = only_finding("condition-combinator-list")
    assert at(finding) == marked("condition-combinator-list", "any")
    assert format_path(finding.path) == "steps[0].next[0].if.any"
    assert "'any' ska följas av en lista med villkor" in finding.message()


def test_two_operators_on_one_field_show_how_to_write_all() -> None:
    finding = only_finding("condition-one-operator")
    assert at(finding) == marked("condition-one-operator", "alder")
    assert "all: [{alder: {gte: 18}}, {alder: {lt: 65}}]" in finding.message()


def test_an_unknown_operator_suggests_the_closest() -> None:
    finding = only_finding("condition-unknown-operator")
    assert at(finding) == marked("condition-unknown-operator", "gteq")
    assert format_path(finding.path) == "steps[0].next[0].if.alder.gteq"
    assert finding.suggestion == "gte"
    assert "Menade du 'gte'? Använd en av: eq, ne, in" in finding.message()


def test_in_with_a_single_value_asks_for_a_list() -> None:
    finding = only_finding("condition-needs-list")
    assert at(finding) == marked("condition-needs-list", "in")
    assert "t.ex. in: [Ja, Vet inte]" in finding.message()


def test_answered_with_a_word_asks_for_true_or_false() -> None:
    finding = only_finding("condition-answered-bool")
    assert at(finding) == marked("condition-answered-bool", "answered")
    assert finding.message().startswith("Skriv answered: true")


def test_greater_than_a_word_asks_for_a_number_or_date() -> None:
    finding = only_finding("condition-needs-number")
    assert at(finding) == marked("condition-needs-number", "gt")
    assert "inte 'arton'. Skriv t.ex. gt: 18 eller gt: 2025-06-01." in finding.message()


def test_a_field_compared_with_a_list_is_shown_how_to_write_in() -> None:
    finding = only_finding("condition-list-needs-in")
    assert at(finding) == marked("condition-list-needs-in", "forare")
    assert "Skriv {forare: {in: [...]}}" in finding.message()


def test_a_condition_without_a_value_is_not_compared_with_nothing() -> None:
    finding = only_finding("condition-missing-value")
    assert at(finding) == marked("condition-missing-value", "forare")
    assert "Skriv t.ex. {forare: Ja}" in finding.message()


# --- fields ----------------------------------------------------------------------------------


def test_radios_without_options_ask_for_the_answers() -> None:
    finding = only_finding("options-missing")
    assert finding.severity == Severity.error
    assert at(finding) == marked("options-missing", "type")
    assert format_path(finding.path) == "steps[0].fields[0].type"
    assert finding.step_id == "start"
    assert "lägg till svarsalternativen" in finding.message()


def test_options_on_a_text_field_say_to_remove_them_or_change_type() -> None:
    finding = only_finding("options-not-allowed")
    assert at(finding) == marked("options-not-allowed", "options")
    assert format_path(finding.path) == "steps[0].fields[0].options"
    assert "Ta bort dem eller byt typ till radios, checkboxes eller select." in finding.message()


def test_an_option_written_twice_points_at_the_second() -> None:
    finding = only_finding("duplicate-option")
    assert at(finding) == marked("duplicate-option", "Röd")
    assert format_path(finding.path) == "steps[0].fields[0].options[2]"
    assert "ta bort det ena" in finding.message()


def test_a_select_with_one_option_is_a_warning() -> None:
    finding = only_finding("too-few-options")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("too-few-options", "options")
    assert "ge minst två, eller använd en kryssruta" in finding.message()


def test_min_on_a_text_field_suggests_min_length() -> None:
    finding = only_finding("rule-not-for-type")
    assert finding.severity == Severity.error
    assert at(finding) == marked("rule-not-for-type", "min")
    assert format_path(finding.path) == "steps[0].fields[0].min"
    assert finding.suggestion == "min_length"
    assert finding.message() == (
        "Regeln 'min' gäller bara fält av typen number, inte text. Menade du 'min_length'? "
        "Ta bort regeln eller byt till en som passar fältet."
    )
    assert finding.message("en") == (
        "The rule 'min' only applies to fields of type number, not text. Did you mean "
        "'min_length'? Remove the rule or use one that fits the field."
    )


def test_min_above_max_says_no_answer_can_pass() -> None:
    finding = only_finding("min-above-max")
    assert at(finding) == marked("min-above-max", "min")
    assert finding.message() == (
        "'min' (65) är större än 'max' (18), så inget svar kan godkännas. Byt plats på "
        "värdena eller ändra dem."
    )


def test_a_pattern_with_an_unclosed_bracket_says_so_in_swedish() -> None:
    finding = only_finding("bad-regex")
    assert at(finding) == marked("bad-regex", "value")
    assert format_path(finding.path) == "steps[0].fields[0].pattern.value"
    assert "en parentes ( stängs aldrig med )" in finding.message()
    assert "a bracket ( is never closed with )" in finding.message("en")


def test_a_date_rule_that_is_not_a_date_shows_the_forms_to_write() -> None:
    finding = only_finding("bad-date")
    assert at(finding) == marked("bad-date", "value")
    assert format_path(finding.path) == "steps[0].fields[0].min_date.value"
    assert "Skriv t.ex. 2025-06-01, today eller today-18y." in finding.message()


def test_required_true_asks_for_a_message_that_says_what_to_do() -> None:
    finding = only_finding("required-without-message")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("required-without-message", "required")
    assert format_path(finding.path) == "steps[0].fields[0].required"
    assert 'required: "Ange ditt postnummer"' in finding.message()


def test_required_example_follows_a_label_that_is_not_a_question() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text() + (
        "    fields:\n      - id: postnummer\n        type: text\n        label: Postnummer\n"
        "        required: true\n    next: slut\n  - {id: slut, kind: screen, title: Slut}\n"
    )
    (finding,) = validate_text(text, file="resa.yaml").findings
    assert finding.params["example"] == "Ange postnummer"


# --- screens and patterns ----------------------------------------------------------------


def test_questions_on_an_end_step_are_never_sent() -> None:
    finding = only_finding("fields-on-end-step")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("fields-on-end-step", "id")
    assert format_path(finding.path) == "steps[0]"
    assert "Lägg till 'next'" in finding.message()


def test_questions_on_check_your_answers_belong_on_their_own_step() -> None:
    finding = only_finding("fields-on-pattern")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("fields-on-pattern", "fields")
    assert "lägg dem i ett eget steg" in finding.message()


def test_a_confirmation_page_leading_to_a_screen_is_questioned() -> None:
    finding = only_finding("confirmation-not-end")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("confirmation-not-end", "next")
    assert finding.step_id == "kvitto"
    assert "Ta bort 'next', eller låt nästa steg vara ett offline-steg" in finding.message()


def test_a_confirmation_page_followed_by_a_letter_is_fine() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text() + (
        "    pattern: confirmation\n    next: brev\n"
        "  - {id: brev, kind: offline, channel: letter, title: Beslutet kommer med posten}\n"
    )
    assert validate_text(text, file="resa.yaml").findings == []


def test_a_start_page_that_is_not_first_says_how_to_make_it_first() -> None:
    finding = only_finding("start-not-first")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("start-not-first", "pattern")
    assert "invånarna börjar på 'intro'" in finding.message()
    assert "Flytta startsidan först, eller skriv start: start överst i resan." in (
        finding.message()
    )


def test_eleven_questions_on_one_screen_is_too_many() -> None:
    finding = only_finding("too-many-fields")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("too-many-fields", "fields")
    assert "har 11 frågor. Dela upp det på flera sidor" in finding.message()


def test_hard_text_quotes_the_longest_sentence() -> None:
    finding = only_finding("lix-too-high")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("lix-too-high", "body")
    assert format_path(finding.path) == "steps[0].body"
    assert "(målet är högst 40). Korta de längsta meningarna och byt långa ord" in finding.message()
    assert finding.params["sentences"].startswith("«Parkeringstillståndsansökningar för")


# --- the journey map -------------------------------------------------------------------------


def test_a_phase_without_steps_is_a_warning() -> None:
    finding = only_finding("unused-phase")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("unused-phase", "id")
    assert format_path(finding.path) == "phases[1]"
    assert "ta bort den eller flytta steg dit" in finding.message()


def test_a_step_in_an_earlier_phase_after_a_later_one_is_out_of_order() -> None:
    finding = only_finding("phase-order")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("phase-order", "phase")
    assert finding.step_id == "slut"
    assert "Ordna stegen i fasernas ordning" in finding.message()


def test_a_step_without_phase_in_a_journey_with_phases_is_a_warning() -> None:
    finding = only_finding("missing-phase")
    assert finding.severity == Severity.warning
    assert at(finding) == marked("missing-phase", "id")
    assert format_path(finding.path) == "steps[1]"
    assert "ange 'phase:'" in finding.message()


# --- the example journeys ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parents[2] / "journeys" / "examples").glob("*.yaml"))
)
def test_the_example_journeys_have_no_errors(path: Path) -> None:
    report = validate_file(path)
    assert report.errors == [], "\n".join(f.format() for f in report.errors)


ANSWERED_ON_ONE_BRANCH = """\
id: skippad-gren
title: En gren som kan hoppas över
organisation: Exempelkommun
steps:
  - id: a
    kind: screen
    title: Vem
    fields:
      - {id: vem, type: radios, label: Vem söker?, options: [Jag, Annan], required: Välj vem}
    next:
      - if: {vem: Annan}
        goto: b
      - goto: c
  - id: b
    kind: screen
    title: Namn
    fields:
      - {id: namn, type: text, label: Namn}
    next: c
  - id: c
    kind: screen
    title: Slut
    fields:
      - {id: ok, type: yesno, label: Stämmer det?, required: Välj ja eller nej}
    next:
      - if: {namn: {answered: false}}
        goto: d
      - if: {ok: true}
        goto: d
      - goto: d
  - id: d
    kind: screen
    title: Klart
"""


def test_answered_may_ask_about_a_field_from_a_branch_that_was_skipped() -> None:
    report = validate_text(ANSWERED_ON_ONE_BRANCH, file="gren.yaml")
    assert "field-not-asked-before" not in [f.code for f in report.findings]


def test_true_on_a_yes_no_question_suggests_writing_ja() -> None:
    report = validate_text(ANSWERED_ON_ONE_BRANCH, file="gren.yaml")
    finding = next(f for f in report.findings if f.code == "value-not-an-option")
    assert finding.suggestion == "Ja"
    assert "Menade du 'Ja'?" in finding.message()
