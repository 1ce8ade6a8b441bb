"""The engine behind the citizen pages: what a citizen notices when answering, going on,
checking answers and changing them.

The three example journeys are the realistic data; small local journeys pin one rule each.
The walk at the end answers every example with random valid answers (as a citizen would)
and checks that every branch of every example is walkable.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeys
from journeys import (
    DecisionStep,
    FieldType,
    FormField,
    Journey,
    ScreenStep,
    evaluate,
    is_end,
    parse_condition,
    resolve_date,
    successors,
)
from prototypes import (
    FILE_PLACEHOLDER,
    NOT_ANSWERED,
    answers_on_path,
    case_number,
    decide,
    format_date_sv,
    next_step,
    planned_path,
    progress,
    read_form,
    summary_rows,
)
from tests.prototypes.conftest import journey

TODAY = dt.date(2026, 3, 2)
EXAMPLES_DIR = Path(journeys.__file__).resolve().parent / "examples"
EXAMPLE_FILES = sorted(EXAMPLES_DIR.glob("*.yaml"))


def example(name: str) -> Journey:
    found = journeys.read_file(EXAMPLES_DIR / f"{name}.yaml").journey
    assert found is not None
    return found


PARKERING = example("parkeringstillstand")
BISTAND = example("ekonomiskt-bistand")
LARM = example("trygghetslarm")


def screen(j: Journey, step_id: str) -> ScreenStep:
    step = j.step(step_id)
    assert isinstance(step, ScreenStep)
    return step


def one_field(yaml_field: str) -> ScreenStep:
    """A screen with one field, written as the YAML of the field."""
    text = "id: prov\ntitle: Prov\norganisation: Exempelkommun\nsteps:\n"
    text += "  - id: fraga\n    kind: screen\n    title: Fråga\n    fields:\n"
    text += "".join(f"      {line.strip()}\n" for line in yaml_field.strip().splitlines())
    return screen(journey(text), "fraga")


def message_for(step: ScreenStep, form: dict[str, Any]) -> str | None:
    errors = read_form(step, form, today=TODAY).errors
    return errors[0].message if errors else None


# --- each rule gives its own message ---------------------------------------------------------


def test_required_radios_show_the_journeys_own_message() -> None:
    result = read_form(screen(PARKERING, "ska-du-kora"), {}, today=TODAY)
    assert not result.ok
    assert [(e.field_id, e.message) for e in result.errors] == [
        ("forare", "Välj om du själv ska köra bilen")
    ]
    assert result.statuses[0].status == "error"
    assert result.answers == {}


def test_required_true_asks_to_answer_the_question_by_its_label() -> None:
    step = one_field("- {id: namn, type: text, label: Ditt namn, required: true}")
    assert message_for(step, {"namn": ["   "]}) == "Svara på frågan: Ditt namn"


def test_min_and_max_length_give_their_own_messages() -> None:
    contact = screen(PARKERING, "kontaktuppgifter")
    assert message_for(contact, {"telefon": ["0701"]}) == "Ange hela telefonnumret, med riktnummer"
    too_long = "a" * 250 + "@exempel.se"
    assert message_for(contact, {"telefon": ["070-123 45 67"], "epost": [too_long]}) == (
        "E-postadressen får vara högst 254 tecken"
    )


def test_min_and_max_of_a_number_give_their_own_messages() -> None:
    walking = screen(PARKERING, "gangformaga")
    form = {"hjalpmedel": ["Rollator"]}
    assert message_for(walking, {**form, "gangstracka": ["−5"]}) == "Ange 0 eller fler meter"
    assert message_for(walking, {**form, "gangstracka": ["5 001"]}) == "Ange högst 5000 meter"
    assert message_for(walking, {**form, "gangstracka": ["5 000"]}) is None


def test_text_in_a_number_field_asks_for_a_number_with_an_example() -> None:
    asked = screen(PARKERING, "gangformaga")  # the label is a question
    form = {"hjalpmedel": ["Rollator"], "gangstracka": ["ungefär hundra"]}
    assert message_for(asked, form) == "Svara med ett tal, till exempel 1500"
    named = one_field("- {id: hyra, type: number, label: Hyra per månad}")
    assert message_for(named, {"hyra": ["1500 kr"]}) == (
        "Ange hyra per månad som ett tal, till exempel 1500"
    )
    children = screen(BISTAND, "hushall")  # 0–20 children: 1500 would be a poor example
    form = {"civilstand": ["Ensam"], "antal-barn": ["två"]}
    assert message_for(children, form) == "Svara med ett tal, till exempel 2"


def test_pattern_must_match_the_whole_answer() -> None:
    address = screen(LARM, "adress")
    form = {"gatuadress": ["Storgatan 1"], "ort": ["Exempelby"]}
    assert message_for(address, {**form, "postnummer": ["123 45"]}) is None
    assert message_for(address, {**form, "postnummer": ["123 456"]}) == (
        "Ange postnumret med 5 siffror, till exempel 123 45"
    )


def test_earliest_and_latest_date_are_resolved_from_today() -> None:
    alarm = screen(LARM, "larmtyp")
    form = {"larmtyp": ["Vet inte"]}
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert message_for(alarm, {**form, "startdatum": [yesterday]}) == (
        "Datumet kan inte vara före dagens datum"
    )
    assert message_for(alarm, {**form, "startdatum": ["2027-03-03"]}) == (
        "Datumet kan vara högst ett år fram i tiden"
    )
    result = read_form(alarm, {**form, "startdatum": ["20270302"]}, today=TODAY)
    assert result.ok
    assert result.answers["startdatum"] == "2027-03-02"


def test_a_date_that_is_not_a_date_says_how_to_write_it() -> None:
    alarm = screen(LARM, "larmtyp")
    form = {"larmtyp": ["Vet inte"]}
    assert message_for(alarm, {**form, "startdatum": ["nästa vecka"]}) == (
        "Ange datumet som år-månad-dag, till exempel 2026-03-02"
    )
    assert message_for(alarm, {**form, "startdatum": ["2026-02-30"]}) == (
        "Ange ett datum som finns, till exempel 2026-03-02"
    )


def test_email_and_phone_have_swedish_default_messages() -> None:
    step = one_field(
        """
        - {id: epost, type: email, label: E-post}
        - {id: telefon, type: phone, label: Telefon}
        """
    )
    result = read_form(step, {"epost": ["anna.exempel.se"], "telefon": ["ring mig"]}, today=TODAY)
    assert [e.message for e in result.errors] == [
        "Ange en e-postadress i rätt format, till exempel namn@exempel.se",
        "Ange ett telefonnummer, till exempel 070-123 45 67",
    ]
    ok = read_form(
        step, {"epost": ["anna@exempel.se"], "telefon": ["+46 70-123 45 67"]}, today=TODAY
    )
    assert ok.ok


def test_journey_rule_comes_before_the_default_format_message() -> None:
    partner = screen(BISTAND, "medsokande")
    assert message_for(partner, {"partner-personnummer": ["121212-1212"]}) == (
        "Ange personnumret med 12 siffror, som ÅÅÅÅMMDD-NNNN"
    )
    assert message_for(partner, {"partner-personnummer": ["19121212-1213"]}) == (
        "Ange ett personnummer med 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN"
    )


# --- Swedish numbers and personnummer --------------------------------------------------------

NUMBER_STEP = one_field("- {id: belopp, type: number, label: Belopp}")
BRANCHING = journey(
    """
id: belopp
title: Belopp
organisation: Exempelkommun
steps:
  - id: fraga
    kind: screen
    title: Belopp
    fields:
      - {id: belopp, type: number, label: Belopp}
    next:
      - if: {belopp: {gt: 1000}}
        goto: mycket
      - goto: lite
  - {id: mycket, kind: screen, title: Mycket}
  - {id: lite, kind: screen, title: Lite}
"""
)


@pytest.mark.parametrize(
    ("typed", "branch"),
    [
        ("1500", "mycket"),
        ("1 500", "mycket"),
        ("1\u00a0500", "mycket"),
        ("1\u202f500", "mycket"),
        ("1500,50", "mycket"),
        ("1 000,01", "mycket"),
        ("1000.5", "mycket"),
        ("−5", "lite"),
        ("-5", "lite"),
        ("+999", "lite"),
        (",5", "lite"),
        ("  12  ", "lite"),
    ],
)
def test_swedish_number_formats_are_read_and_branch_as_numbers(typed: str, branch: str) -> None:
    result = read_form(NUMBER_STEP, {"belopp": [typed]}, today=TODAY)
    assert result.ok, result.errors
    assert next_step(BRANCHING, "fraga", result.answers) == branch


@pytest.mark.parametrize("typed", ["1 500 kr", "1,5,0", "15e3", "--5", "NaN", "٣", "1/2"])
def test_what_is_not_a_number_is_refused(typed: str) -> None:
    assert message_for(NUMBER_STEP, {"belopp": [typed]}) == (
        "Ange belopp som ett tal, till exempel 1500"
    )


PNR_STEP = one_field("- {id: pnr, type: personnummer, label: Personnummer}")


@pytest.mark.parametrize(
    "typed", ["19121212-1212", "191212121212", "121212-1212", "1212121212", "121212+1212"]
)
def test_personnummer_with_10_or_12_digits_and_a_right_check_digit_is_accepted(typed: str) -> None:
    assert message_for(PNR_STEP, {"pnr": [typed]}) is None


@pytest.mark.parametrize(
    "typed", ["19121212-1213", "121212-1211", "1212121", "12121212-12120", "ÅÅÅÅMMDD-NNNN"]
)
def test_personnummer_with_a_wrong_check_digit_or_length_is_refused(typed: str) -> None:
    assert message_for(PNR_STEP, {"pnr": [typed]}) == (
        "Ange ett personnummer med 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN"
    )


# --- choices, statuses, what is kept ---------------------------------------------------------


def test_a_choice_that_is_not_an_option_is_refused() -> None:
    result = read_form(screen(PARKERING, "ska-du-kora"), {"forare": ["Kanske"]}, today=TODAY)
    assert [e.message for e in result.errors] == ["Välj ett av alternativen"]
    assert result.answers == {}
    walking = screen(PARKERING, "gangformaga")
    form = {"gangstracka": ["100"], "hjalpmedel": ["Rollator", "Jetpack"]}
    result = read_form(walking, form, today=TODAY)
    assert [e.message for e in result.errors] == ["Välj bland alternativen"]
    assert "hjalpmedel" not in result.answers


def test_yes_no_reads_ja_and_nej_whatever_the_case() -> None:
    result = read_form(screen(PARKERING, "korkort"), {"har-korkort": [" nej "]}, today=TODAY)
    assert result.ok
    assert result.answers == {"har-korkort": "Nej"}


def test_checkboxes_keep_the_options_order_and_statuses_join_them() -> None:
    walking = screen(PARKERING, "gangformaga")
    form = {"gangstracka": ["80"], "hjalpmedel": ["Rullstol", "Rollator", "Rullstol", ""]}
    result = read_form(walking, form, today=TODAY)
    assert result.ok
    assert result.answers == {"gangstracka": "80", "hjalpmedel": ["Rollator", "Rullstol"]}
    assert [(s.field_id, s.status, s.option) for s in result.statuses] == [
        ("gangstracka", "filled", None),
        ("hjalpmedel", "filled", "Rollator|Rullstol"),
    ]


def test_statuses_never_hold_what_the_citizen_typed() -> None:
    person = screen(LARM, "personen")
    form = {
        "namn": ["Anna Andersson"],
        "personnummer": ["19121212-1212"],
        "fullmakt-fil": ["fullmakt-anna.pdf"],
    }
    result = read_form(person, form, today=TODAY)
    assert result.ok
    assert [(s.status, s.option) for s in result.statuses] == [("filled", None)] * 3
    dumped = str([s.model_dump() for s in result.statuses])
    for typed in ("Anna", "1212", "fullmakt-anna"):
        assert typed not in dumped
    assert result.answers["fullmakt-fil"] == FILE_PLACEHOLDER
    refused = read_form(screen(PARKERING, "ska-du-kora"), {"forare": ["Anna A"]}, today=TODAY)
    assert [(s.status, s.option) for s in refused.statuses] == [("error", None)]


def test_empty_optional_fields_are_left_out_and_unknown_keys_ignored() -> None:
    form = {"telefon": [" 070-123 45 67 "], "epost": [""], "hackat": ["x"], "csrf": ["y"]}
    result = read_form(screen(PARKERING, "kontaktuppgifter"), form, today=TODAY)
    assert result.ok
    assert result.answers == {"telefon": "070-123 45 67"}
    assert [s.status for s in result.statuses] == ["filled", "empty"]


def test_errors_come_in_field_order_and_keep_typed_text_to_show_again() -> None:
    form = {"postnummer": ["12"], "gatuadress": [""], "ort": ["Exempelby"]}
    result = read_form(screen(LARM, "adress"), form, today=TODAY)
    assert [e.field_id for e in result.errors] == ["gatuadress", "postnummer"]
    assert result.answers["postnummer"] == "12"


def test_a_textarea_counts_a_line_break_as_one_character() -> None:
    step = one_field(
        "- {id: text, type: textarea, label: Text, max_length: {value: 3, message: Högst 3}}"
    )
    assert message_for(step, {"text": ["a\r\nb"]}) is None
    assert read_form(step, {"text": ["a\r\nb"]}, today=TODAY).answers == {"text": "a\nb"}


def test_a_required_file_needs_a_file_and_never_keeps_its_name() -> None:
    upload = screen(PARKERING, "ladda-upp-intyg")
    assert message_for(upload, {}) == "Välj en fil med ditt läkarintyg"
    result = read_form(upload, {"intyg-fil": ["mitt intyg.pdf"]}, today=TODAY)
    assert result.answers == {"intyg-fil": FILE_PLACEHOLDER}


def test_a_multi_dict_with_getlist_is_read_like_a_mapping_of_lists() -> None:
    class MultiDict:
        def __init__(self, pairs: list[tuple[str, str]]) -> None:
            self.pairs = pairs

        def getlist(self, key: str) -> list[str]:
            return [v for k, v in self.pairs if k == key]

    form = MultiDict([("gangstracka", "300"), ("hjalpmedel", "Käpp eller kryckor")])
    form.pairs.append(("hjalpmedel", "Rollator"))
    result = read_form(screen(PARKERING, "gangformaga"), form, today=TODAY)  # type: ignore[arg-type]
    assert result.answers["hjalpmedel"] == ["Käpp eller kryckor", "Rollator"]


# --- where to go next ------------------------------------------------------------------------

FORKS = journey(
    """
id: vagval
title: Vägval
organisation: Exempelkommun
steps:
  - id: fraga
    kind: screen
    title: Fråga
    fields:
      - {id: alder, type: number, label: Ålder}
    next:
      - if: {alder: {lt: 18}}
        goto: ung
      - if: {alder: {lt: 65}}
        goto: vuxen
      - if: {alder: {answered: true}}
        goto: aldre
  - {id: ung, kind: screen, title: Ung}
  - {id: vuxen, kind: screen, title: Vuxen}
  - {id: aldre, kind: screen, title: Äldre}
"""
)


def test_next_step_follows_the_first_branch_whose_condition_holds() -> None:
    assert next_step(FORKS, "fraga", {"alder": "12"}) == "ung"  # lt 65 holds too
    assert next_step(FORKS, "fraga", {"alder": "40"}) == "vuxen"
    assert next_step(FORKS, "fraga", {"alder": "70"}) == "aldre"
    assert next_step(PARKERING, "ska-du-kora", {"forare": "Ja"}) == "korkort"
    assert next_step(PARKERING, "ska-du-kora", {"forare": "Nej"}) == "passagerare"
    assert next_step(PARKERING, "start", {}) == "ska-du-kora"


def test_next_step_is_none_at_an_end_an_unknown_step_or_when_nothing_holds() -> None:
    assert next_step(PARKERING, "kort-tid", {}) is None
    assert next_step(PARKERING, "finns-inte", {}) is None
    assert next_step(FORKS, "fraga", {}) is None


def test_next_step_of_a_decision_is_where_its_rule_goes() -> None:
    assert next_step(PARKERING, "beslut", {"gangstracka": "50"}) == "beviljat"


def decision(j: Journey) -> DecisionStep:
    step = j.step("beslut")
    assert isinstance(step, DecisionStep)
    return step


def test_decide_picks_the_first_rule_that_holds() -> None:
    # 50 metres and no aid: the first rule holds (the second does not even apply)
    first = decide(decision(PARKERING), {"gangstracka": "50", "hjalpmedel": ["Inget hjälpmedel"]})
    assert (first.rule_index, first.outcome, first.goto) == (
        0,
        "Du får parkeringstillstånd",
        "beviljat",
    )
    refused = decide(
        decision(PARKERING), {"gangstracka": "500", "hjalpmedel": ["Inget hjälpmedel"]}
    )
    assert (refused.rule_index, refused.goto) == (1, "avslag")
    assert refused.explanation is not None and "400 meter" in refused.explanation


def test_decide_falls_back_on_the_default_rule_with_its_explanation() -> None:
    default = decide(decision(PARKERING), {"gangstracka": "200", "hjalpmedel": ["Rollator"]})
    assert default.rule_index == 2
    assert default.goto == "beviljat"
    assert default.explanation == (
        "Handläggaren har gjort en samlad bedömning. Läkarintyget visar att du har "
        "väsentliga svårigheter att gå."
    )
    assert decide(decision(BISTAND), {}).outcome == "Du får ekonomiskt bistånd"


def test_decide_without_a_default_uses_the_last_rule_rather_than_stopping() -> None:
    j = journey(
        """
id: utan-standard
title: Utan standardregel
organisation: Exempelkommun
steps:
  - id: beslut
    kind: decision
    title: Beslut
    rules:
      - {if: {a: Ja}, outcome: Ja, goto: klart}
      - {if: {a: Nej}, outcome: Nej, goto: klart}
  - {id: klart, kind: screen, title: Klart}
"""
    )
    assert decide(decision(j), {}).rule_index == 1


# --- the path, progress and checking answers -------------------------------------------------

DRIVER = {
    "forare": "Ja",
    "har-korkort": "Ja",
    "gangstracka": "50",
    "hjalpmedel": ["Rullstol"],
    "varaktighet": "Det går inte över",
    "telefon": "070-123 45 67",
    "intyg": "Läkaren skickar",
    "fotosatt": "Post",
}


def test_planned_path_of_a_driver_with_a_permit() -> None:
    assert planned_path(PARKERING, DRIVER) == [
        "start",
        "ska-du-kora",
        "korkort",
        "gangformaga",
        "varaktighet",
        "logga-in",
        "kontaktuppgifter",
        "lakarintyg",
        "foto",
        "kontrollera-svar",
        "skickad",
        "blankett-med-post",
        "utredning",
        "beslut",
        "beviljat",
        "kortet",
        "fornya",
    ]
    assert progress(PARKERING, DRIVER, "start") == (1, 11)
    assert progress(PARKERING, DRIVER, "gangformaga") == (4, 11)
    assert progress(PARKERING, DRIVER, "skickad") == (11, 11)


def test_an_early_no_ends_the_path_and_shortens_the_count() -> None:
    answers = {"akut-behov": "Ja"}
    assert planned_path(BISTAND, answers) == ["start", "akut", "akut-kontakt"]
    assert progress(BISTAND, answers, "akut") == (2, 3)
    assert progress(BISTAND, answers, "akut-kontakt") == (3, 3)


def test_planned_path_for_someone_applying_for_a_parent() -> None:
    answers = {"vem": "Någon annan", "ratt-att-ansoka": "Fullmakt", "antal-fall": "3"}
    path = planned_path(LARM, answers)
    assert path[:6] == ["start", "vem-ansoker", "fullmakt", "logga-in", "personen", "adress"]
    assert path[8] == "forebygga-fall"  # fallen three times
    assert path[-6:] == ["skickad", "hembesok", "beslut", "beviljat", "installation", "avgift"]
    assert progress(LARM, answers, "personen") == (5, 15)


def test_planned_path_with_no_answers_takes_the_fallback_branches() -> None:
    path = planned_path(PARKERING, {})
    assert path[:4] == ["start", "ska-du-kora", "passagerare", "gangformaga"]
    assert path[-1] == "fornya"


def test_progress_off_the_planned_path_counts_the_way_there() -> None:
    # Not answered yet, the plan goes via 'passagerare'; the citizen is on 'korkort'.
    assert "korkort" not in planned_path(PARKERING, {})
    assert progress(PARKERING, {}, "korkort") == (3, 11)
    assert progress(PARKERING, {}, "finns-inte") == (1, 11)
    assert progress(PARKERING, DRIVER, "beslut") == (11, 11)


def test_planned_path_stops_at_a_loop_and_at_the_limit() -> None:
    loop = journey(
        """
id: slinga
title: Slinga
organisation: Exempelkommun
steps:
  - {id: a, kind: screen, title: A, next: b}
  - {id: b, kind: screen, title: B, next: a}
"""
    )
    assert planned_path(loop, {}) == ["a", "b"]
    assert planned_path(PARKERING, DRIVER, limit=3) == ["start", "ska-du-kora", "korkort"]
    assert planned_path(PARKERING, DRIVER, start="beslut") == [
        "beslut",
        "beviljat",
        "kortet",
        "fornya",
    ]
    assert planned_path(PARKERING, DRIVER, start="finns-inte") == []


def test_summary_rows_format_answers_for_people() -> None:
    answers = {
        "akut-behov": "Nej",
        "bostadsort": "Ja",
        "sokt-forut": "Nej",
        "civilstand": "Partner",
        "antal-barn": "2",
        "partner-personnummer": "19121212-1212",
        "boendeform": "Hyr i andra hand",
        "hyra": "6 500",
        "inflyttning": "2021-03-01",
        "inkomsttyper": ["Lön", "Barnbidrag"],
        "inkomst-summa": "12 000",
    }
    path = planned_path(BISTAND, answers)
    rows = {row.field_id: row for row in summary_rows(BISTAND, answers, path)}
    assert rows["inflyttning"].value == "1 mars 2021"
    assert rows["inkomsttyper"].value == "Lön, Barnbidrag"
    assert rows["civilstand"].value == "Jag bor med make, maka eller sambo"
    assert rows["akut-behov"].value == "Nej"
    assert rows["hyra"].value == "6 500"
    assert rows["epost"].value == NOT_ANSWERED
    assert rows["utgifter"].value == NOT_ANSWERED
    assert rows["inflyttning"].label == "När flyttade du in?"
    assert rows["inflyttning"].step_id == "boende"
    order = [row.field_id for row in summary_rows(BISTAND, answers, path)]
    assert order[:5] == ["akut-behov", "bostadsort", "sokt-forut", "civilstand", "antal-barn"]
    assert "partner-personnummer" in order


def test_answers_on_path_drops_the_answers_of_an_abandoned_branch() -> None:
    answers = {
        "vem": "Någon annan",
        "ratt-att-ansoka": "Fullmakt",
        "namn": "Anna Andersson",
        "personnummer": "19121212-1212",
        "fullmakt-fil": FILE_PLACEHOLDER,
        "gatuadress": "Storgatan 1",
        "okand": "x",
    }
    changed = {**answers, "vem": "Jag själv"}
    kept = answers_on_path(LARM, changed, planned_path(LARM, changed))
    assert kept == {"vem": "Jag själv", "gatuadress": "Storgatan 1"}
    assert answers_on_path(LARM, answers, planned_path(LARM, answers)).keys() == (
        answers.keys() - {"okand"}
    )


def test_case_numbers_are_clearly_fake_and_reproducible() -> None:
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    number = case_number(now=now, rng=random.Random(7))
    assert re.fullmatch(r"TEST-2026-\d{5}", number)
    assert case_number(now=now, rng=random.Random(7)) == number


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2025, 3, 3), "3 mars 2025"),
        (dt.date(2025, 12, 24), "24 december 2025"),
        (dt.date(2026, 1, 1), "1 januari 2026"),
    ],
)
def test_dates_are_written_the_swedish_way(day: dt.date, text: str) -> None:
    assert format_date_sv(day) == text


# --- total: odd input never raises -----------------------------------------------------------

SCREENS = [s for j in (PARKERING, BISTAND, LARM) for s in j.steps if isinstance(s, ScreenStep)]
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.dates(),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=20)), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@FUZZ
@given(data=st.data())
def test_read_form_never_raises_and_statuses_only_hold_option_values(data: st.DataObject) -> None:
    step = data.draw(st.sampled_from(SCREENS))
    keys = st.sampled_from([f.id for f in step.fields] + ["annat"])
    form = data.draw(st.dictionaries(keys, ODD, max_size=6))
    result = read_form(step, form, today=TODAY)
    ids = [f.id for f in step.fields]
    assert [s.field_id for s in result.statuses] == ids
    positions = [ids.index(e.field_id) for e in result.errors]
    assert positions == sorted(positions)
    for status, f in zip(result.statuses, step.fields, strict=True):
        if status.option is not None:
            assert set(status.option.split("|")) <= set(f.option_values() or [])


@FUZZ
@given(data=st.data())
def test_navigation_never_raises_on_odd_answers(data: st.DataObject) -> None:
    j = data.draw(st.sampled_from([PARKERING, BISTAND, LARM]))
    field_ids = list(j.fields())
    answers = data.draw(st.dictionaries(st.sampled_from(field_ids), ODD, max_size=12))
    step_id = data.draw(st.sampled_from([s.id for s in j.steps] + ["finns-inte"]))
    path = planned_path(j, answers)
    assert all(j.step(s) is not None for s in path)
    assert len(path) == len(set(path))
    position, total = progress(j, answers, step_id)
    assert 1 <= position <= total
    next_step(j, step_id, answers)
    summary_rows(j, answers, [*path, "finns-inte"])
    answers_on_path(j, answers, path)


# --- walking every example with valid answers ------------------------------------------------
#
# Valid answers come from a random.Random: hypothesis hands one in (st.randoms) for the
# property test, and the coverage test uses fixed seeds, so both walk the same way.


def _date_range(f: FormField) -> tuple[dt.date, dt.date]:
    low = resolve_date(f.min_date.value, TODAY) if f.min_date else None
    high = resolve_date(f.max_date.value, TODAY) if f.max_date else None
    return low or dt.date(1900, 1, 1), high or dt.date(2100, 12, 31)


def swedish_number(cents: int, rng: random.Random) -> str:
    """A number as a Swede may type it: ``1500``, ``1 500``, ``1500,50``, ``−5``."""
    whole, part = divmod(abs(cents), 100)
    digits = str(whole)
    groups: list[str] = []
    while len(digits) > 3:
        digits, groups = digits[:-3], [digits[-3:], *groups]
    text = rng.choice(["", " ", "\u00a0", "\u202f"]).join([digits, *groups])
    if part:
        text += f",{part:02d}"
    return rng.choice(["-", "\u2212"]) + text if cents < 0 else text


def personnummer(rng: random.Random, *, twelve_only: bool) -> str:
    """A made-up personnummer with a right check digit, in one of the accepted shapes."""
    born = dt.date(1900, 1, 1) + dt.timedelta(days=rng.randint(0, 45_000))
    nine = born.strftime("%y%m%d") + f"{rng.randint(0, 999):03d}"
    total = 0
    for i, c in enumerate(nine):
        n = int(c) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    head, tail = born.strftime("%Y%m%d"), nine[6:] + str((10 - total % 10) % 10)
    shapes = [f"{head}-{tail}", f"{head}{tail}"]
    if not twelve_only:
        shapes += [f"{head[2:]}-{tail}", f"{head[2:]}{tail}", f"{head[2:]}+{tail}"]
    return rng.choice(shapes)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _text(rng: random.Random, low: int, high: int) -> str:
    words = ["Jag", "söker", "jobb", "och", "går", "en", "kurs", "på", "Komvux", "hösten"]
    text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
    while len(text) < low:
        text += " " + rng.choice(words)
    return text[:high].strip() or "Ja"


def _patterned(rng: random.Random, pattern: str) -> str:
    """A value that matches a text field's pattern (the shapes Swedish forms ask for)."""
    for _ in range(200):
        candidate = rng.choice(
            [
                f"{_digits(rng, 3)} {_digits(rng, 2)}",
                _digits(rng, rng.randint(1, 12)),
                f"{_digits(rng, 4)}-{_digits(rng, 2)}",
                _text(rng, 1, 30),
            ]
        )
        if re.fullmatch(pattern, candidate):
            return candidate
    pytest.fail(f"no valid value found for the pattern {pattern!r}: teach valid_value it")


def valid_value(f: FormField, rng: random.Random) -> list[str]:
    """What a citizen may validly send for a field (always a list, as forms do)."""
    if not f.is_required and rng.random() < 0.25:
        return []
    options = f.option_values() or []
    if f.type == FieldType.checkboxes:
        return rng.sample(options, rng.randint(1, min(3, len(options))))
    if f.type in (FieldType.radios, FieldType.select, FieldType.yesno):
        return [rng.choice(options)]
    if f.type == FieldType.number:
        low = int((f.min.value if f.min else -1_000_000) * 100)
        high = int((f.max.value if f.max else 1_000_000) * 100)
        cents = rng.choice(
            [
                low,
                high,
                rng.randint(low, high),
                rng.randint(low, high) // 100 * 100,
                rng.randint(low, min(high, low + 1000)) // 100 * 100,
            ]
        )
        return [swedish_number(min(max(cents, low), high), rng)]
    if f.type == FieldType.date:
        low, high = _date_range(f)
        day = low + dt.timedelta(days=rng.randint(0, (high - low).days))
        return [rng.choice([day.isoformat(), day.strftime("%Y%m%d")])]
    if f.type == FieldType.personnummer:
        return [personnummer(rng, twelve_only=f.pattern is not None)]
    if f.type == FieldType.email:
        return [f"{_text(rng, 1, 20).split()[0].lower()}@exempel.se"]
    if f.type == FieldType.phone:
        return [
            rng.choice(
                [
                    f"070-{_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}",
                    f"+46 8 {_digits(rng, 6)}",
                ]
            )
        ]
    if f.type == FieldType.file:
        return [rng.choice(["intyg.pdf", "foto.jpg"])]
    if f.pattern is not None:
        return [_patterned(rng, f.pattern.value)]
    low = f.min_length.value if f.min_length else 1
    high = f.max_length.value if f.max_length else 200
    return [_text(rng, low, high)]


def _first_holding(entries: list[Any], answers: dict[str, Any]) -> int | None:
    """The index of the first transition or rule whose condition holds, read by journeys."""
    for i, entry in enumerate(entries):
        if entry.if_ is None:
            return i
        cond, problems = parse_condition(entry.if_)
        assert cond is not None, problems
        if evaluate(cond, answers):
            return i
    return None


def _branch_of(j: Journey, step_id: str, answers: dict[str, Any]) -> int | None:
    step = j.step(step_id)
    assert step is not None
    entries = step.rules if isinstance(step, DecisionStep) else step.transitions()
    return _first_holding(list(entries), answers)


def _reachable(j: Journey, start: str) -> set[str]:
    """Every step that can follow ``start`` on some branch, ``start`` included."""
    seen, todo = {start}, [start]
    while todo:
        step = j.step(todo.pop())
        for target in successors(step) if step is not None else []:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _closeness(j: Journey, current: str, answers: dict[str, Any], goal: tuple[str, int]) -> int:
    """2: the planned path takes the goal branch; 1: the goal step can still be reached from
    where these answers lead; 0: these answers close it off."""
    if goal[0] in planned_path(j, answers) and _branch_of(j, goal[0], answers) == goal[1]:
        return 2
    target = next_step(j, current, answers)
    return 1 if target is not None and goal[0] in _reachable(j, target) else 0


TRIES = 6
"""Valid forms a walk tries per screen when steering towards its goal branch."""


def walk(j: Journey, rng: random.Random, goal: tuple[str, int]) -> set[tuple[str, int]]:
    """Answer screen after screen with valid answers until an end; the branches taken.

    On each screen the walk tries up to :data:`TRIES` valid forms and keeps the one that
    brings its goal branch closest (taken on the planned path, or at least still reachable),
    so that branches behind early ends and narrow decision rules are taken too.
    """
    answers: dict[str, Any] = {}
    taken: set[tuple[str, int]] = set()
    screens = 0
    current = j.first_step().id
    for _ in range(200):
        step = j.step(current)
        assert step is not None, f"{current} is not a step of {j.id}"
        if isinstance(step, ScreenStep):
            screens += 1
            position, total = progress(j, answers, current)
            assert position == screens and total >= position
            best: dict[str, Any] = {}
            best_closeness = -1
            for _try in range(TRIES if step.fields else 1):
                form = {f.id: valid_value(f, rng) for f in step.fields}
                result = read_form(step, form, today=TODAY)
                assert result.ok, (current, form, result.errors)
                closeness = _closeness(j, current, {**answers, **result.answers}, goal)
                if closeness > best_closeness:
                    best, best_closeness = result.answers, closeness
                if closeness == 2:
                    break
            answers.update(best)
        if isinstance(step, DecisionStep):
            made = decide(step, answers)
            assert made.rule_index == _branch_of(j, current, answers)
            taken.add((current, made.rule_index))
            target: str | None = made.goto
        else:
            index = _branch_of(j, current, answers)
            target = None if index is None else step.transitions()[index].goto
            if index is not None:
                taken.add((current, index))
        assert next_step(j, current, answers) == target
        if target is None:
            assert is_end(step), f"{j.id}: stuck on {current} with {answers}"
            assert planned_path(j, answers)[-1] == current
            return taken
        current = target
    raise AssertionError(f"{j.id}: no end within 200 steps")


def every_branch(j: Journey) -> list[tuple[str, int]]:
    """(step id, index) of every transition and decision rule, in journey order."""
    return [
        (step.id, i)
        for step in j.steps
        for i in range(
            len(step.rules) if isinstance(step, DecisionStep) else len(step.transitions())
        )
    ]


@settings(max_examples=200, deadline=None, database=None)
@given(
    j=st.sampled_from([PARKERING, BISTAND, LARM]),
    rng=st.randoms(use_true_random=False),
    data=st.data(),
)
def test_walking_an_example_with_valid_answers_always_reaches_an_end(
    j: Journey, rng: random.Random, data: st.DataObject
) -> None:
    walk(j, rng, data.draw(st.sampled_from(every_branch(j))))


WALKS = 60
"""Walks per goal branch in the coverage test: fixed seeds, so the result is exact."""


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_branch_of_every_example_is_walkable_with_valid_answers(path: Path) -> None:
    j = journeys.read_file(path).journey
    assert j is not None
    missing = []
    for goal in every_branch(j):
        rng = random.Random(f"{j.id}/{goal[0]}/{goal[1]}")
        if not any(goal in walk(j, rng, goal) for _ in range(WALKS)):
            missing.append(goal)
    assert not missing, f"no walk took these branches in {WALKS} tries each: {missing}"
