"""The condition language: how conditions are read, how they decide, and the rule that a
condition may only use answers given on every way to it."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import pytest

from journeys import evaluate, parse_condition, validate_text
from journeys.conditions import AllOf, AnyOf, FieldTest, Not, field_tests
from journeys.findings import format_path


def holds(raw: dict[str, Any], **answers: Any) -> bool:
    cond, problems = parse_condition(raw)
    assert problems == [], problems
    assert cond is not None
    return evaluate(cond, answers)


def problems_of(raw: Any) -> list[tuple[str, tuple[str | int, ...]]]:
    cond, problems = parse_condition(raw, ("if",))
    assert (cond is None) == bool(problems)
    return [(p.code, p.path) for p in problems]


# --- reading ---------------------------------------------------------------------------------


def test_a_plain_value_is_eq() -> None:
    cond, _ = parse_condition({"forare": "Ja"}, ("if",))
    assert cond == FieldTest("forare", "eq", "Ja", ("if", "forare"))


def test_several_keys_are_all_of_them() -> None:
    cond, _ = parse_condition({"forare": "Ja", "alder": {"gte": 18}})
    assert isinstance(cond, AllOf)
    assert [t.field for t in field_tests(cond)] == ["forare", "alder"]


def test_combinators_nest_and_keep_their_paths() -> None:
    cond, _ = parse_condition(
        {"any": [{"a": "Ja"}, {"not": {"b": {"in": ["x", "y"]}}}]}, ("steps", 0, "if")
    )
    assert isinstance(cond, AnyOf)
    assert isinstance(cond.parts[1], Not)
    assert [t.path for t in field_tests(cond)] == [
        ("steps", 0, "if", "any", 0, "a"),
        ("steps", 0, "if", "any", 1, "not", "b"),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, [("condition-not-mapping", ("if",))]),
        ({}, [("condition-not-mapping", ("if",))]),
        ([{"a": "Ja"}], [("condition-not-mapping", ("if",))]),
        ({1: "Ja"}, [("condition-bad-key", ("if", "1"))]),
        ({"all": [{1: "Ja"}]}, [("condition-bad-key", ("if", "all", 0, "1"))]),
        ({"all": {"a": "Ja"}}, [("condition-combinator-list", ("if", "all"))]),
        ({"any": []}, [("condition-combinator-list", ("if", "any"))]),
        ({"not": ["a"]}, [("condition-not-mapping", ("if", "not"))]),
        ({"a": {}}, [("condition-one-operator", ("if", "a"))]),
        ({"a": {"lt": 1, "gt": 0}}, [("condition-one-operator", ("if", "a"))]),
        ({"a": {"like": "x"}}, [("condition-unknown-operator", ("if", "a", "like"))]),
        ({"a": {"in": "x"}}, [("condition-needs-list", ("if", "a", "in"))]),
        ({"a": {"not_in": []}}, [("condition-needs-list", ("if", "a", "not_in"))]),
        ({"a": {"answered": "ja"}}, [("condition-answered-bool", ("if", "a", "answered"))]),
        ({"a": {"lt": "arton"}}, [("condition-needs-number", ("if", "a", "lt"))]),
        ({"a": {"lt": True}}, [("condition-needs-number", ("if", "a", "lt"))]),
        ({"a": {"lt": float("nan")}}, [("condition-needs-number", ("if", "a", "lt"))]),
        ({"a": ["Ja", "Nej"]}, [("condition-list-needs-in", ("if", "a"))]),
        ({"a": None}, [("condition-missing-value", ("if", "a"))]),
        ({"a": {"eq": None}}, [("condition-missing-value", ("if", "a", "eq"))]),
        ({"a": {"in": ["Ja", None]}}, [("condition-missing-value", ("if", "a", "in"))]),
        (
            {"all": [{"a": {}}, {"b": []}]},
            [
                ("condition-one-operator", ("if", "all", 0, "a")),
                ("condition-list-needs-in", ("if", "all", 1, "b")),
            ],
        ),
    ],
)
def test_every_problem_in_a_condition_is_reported_where_it_is(
    raw: Any, expected: list[tuple[str, tuple[str | int, ...]]]
) -> None:
    assert problems_of(raw) == expected


def test_an_unknown_operator_gets_a_suggestion() -> None:
    _, (problem,) = parse_condition({"alder": {"gteq": 18}})
    assert problem.params["suggestion"] == "gte"


def test_an_iso_date_written_as_text_is_a_date_bound() -> None:
    cond, problems = parse_condition({"fodd": {"lt": "2007-06-01"}})
    assert problems == []
    assert cond == FieldTest("fodd", "lt", dt.date(2007, 6, 1), ("fodd",))


# --- deciding --------------------------------------------------------------------------------


def test_eq_and_ne_on_text_ignore_surrounding_spaces() -> None:
    assert holds({"forare": "Ja"}, forare=" Ja ")
    assert not holds({"forare": "Ja"}, forare="Nej")
    assert holds({"forare": {"ne": "Ja"}}, forare="Nej")
    assert not holds({"forare": {"ne": "Ja"}}, forare="Ja")


def test_eq_compares_numbers_as_numbers() -> None:
    assert holds({"antal": 2}, antal="2")
    assert holds({"antal": 2}, antal="2,0")
    assert holds({"antal": "2"}, antal=2.0)
    assert not holds({"antal": 2}, antal="20")


def test_text_that_python_would_read_as_a_number_is_still_text() -> None:
    assert holds({"svar": "nan"}, svar="nan")
    assert not holds({"svar": 1000}, svar="1_000")
    assert not holds({"svar": 1}, svar="1e0")


def test_in_and_not_in() -> None:
    assert holds({"kommun": {"in": ["Lund", "Malmö"]}}, kommun="Malmö")
    assert not holds({"kommun": {"in": ["Lund", "Malmö"]}}, kommun="Ystad")
    assert holds({"kommun": {"not_in": ["Lund", "Malmö"]}}, kommun="Ystad")
    assert not holds({"kommun": {"not_in": ["Lund", "Malmö"]}}, kommun="Lund")


@pytest.mark.parametrize(
    ("op", "answer", "expected"),
    [
        ("lt", 17, True),
        ("lt", 18, False),
        ("lte", 18, True),
        ("lte", 19, False),
        ("gt", 19, True),
        ("gt", 18, False),
        ("gte", 18, True),
        ("gte", 17, False),
        ("lt", "17", True),
        ("lt", "17,5", True),
        ("gte", " 18 ", True),
        ("lt", "sjutton", False),
    ],
)
def test_comparisons_on_numbers(op: str, answer: Any, expected: bool) -> None:
    assert holds({"alder": {op: 18}}, alder=answer) is expected


@pytest.mark.parametrize(
    ("op", "answer", "expected"),
    [
        ("lt", "2007-05-31", True),
        ("lt", "2007-06-01", False),
        ("lte", "2007-06-01", True),
        ("gt", dt.date(2007, 6, 2), True),
        ("gt", dt.datetime(2007, 6, 1, 23, 59), False),
        ("gte", "2007-06-01", True),
        ("lt", "31 maj 2007", False),
    ],
)
def test_comparisons_on_dates(op: str, answer: Any, expected: bool) -> None:
    assert holds({"fodd": {op: dt.date(2007, 6, 1)}}, fodd=answer) is expected
    assert holds({"fodd": {op: "2007-06-01"}}, fodd=answer) is expected  # as JSON writes it


def test_huge_numbers_compare_without_overflow() -> None:
    assert holds({"belopp": {"lt": 10**400}}, belopp="5")
    assert not holds({"belopp": {"gt": 10**400}}, belopp=10**399)
    assert holds({"belopp": {"gt": 1.5}}, belopp=10**400)


def test_answered_is_true_for_any_answer_and_false_for_none() -> None:
    assert holds({"namn": {"answered": True}}, namn="Anna")
    assert holds({"namn": {"answered": True}}, namn=0)
    assert holds({"namn": {"answered": False}})
    assert holds({"namn": {"answered": False}}, namn="   ")
    assert holds({"namn": {"answered": False}}, namn=[])
    assert not holds({"namn": {"answered": False}}, namn="Anna")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"forare": "Ja"}, False),
        ({"forare": {"ne": "Ja"}}, True),
        ({"forare": {"in": ["Ja"]}}, False),
        ({"forare": {"not_in": ["Ja"]}}, True),
        ({"alder": {"lt": 18}}, False),
        ({"alder": {"gte": 18}}, False),
        ({"forare": {"answered": True}}, False),
        ({"forare": {"answered": False}}, True),
    ],
)
def test_an_unanswered_field_takes_no_branch_meant_for_an_answer(
    raw: dict[str, Any], expected: bool
) -> None:
    assert holds(raw) is expected
    assert holds(raw, forare=None, alder="") is expected


def test_checkboxes_test_the_ticked_options() -> None:
    ticked = ["Rullstol", "Rollator"]
    assert holds({"hjalpmedel": "Rullstol"}, hjalpmedel=ticked)
    assert not holds({"hjalpmedel": "Käpp"}, hjalpmedel=ticked)
    assert holds({"hjalpmedel": {"ne": "Käpp"}}, hjalpmedel=ticked)
    assert not holds({"hjalpmedel": {"ne": "Rullstol"}}, hjalpmedel=ticked)
    assert holds({"hjalpmedel": {"in": ["Käpp", "Rollator"]}}, hjalpmedel=ticked)
    assert not holds({"hjalpmedel": {"not_in": ["Käpp", "Rollator"]}}, hjalpmedel=ticked)
    assert holds({"hjalpmedel": {"not_in": ["Käpp"]}}, hjalpmedel=ticked)
    assert not holds({"hjalpmedel": {"lt": 3}}, hjalpmedel=ticked)


def test_nothing_ticked_is_unanswered() -> None:
    assert not holds({"hjalpmedel": "Rullstol"}, hjalpmedel=[])
    assert holds({"hjalpmedel": {"answered": False}}, hjalpmedel=["", " "])
    assert holds({"hjalpmedel": {"not_in": ["Rullstol"]}}, hjalpmedel=())


def test_yes_no_answers_given_as_booleans_read_as_ja_and_nej() -> None:
    assert holds({"forare": "Ja"}, forare=True)
    assert holds({"forare": "Nej"}, forare=False)


def test_all_any_and_not() -> None:
    rule = {"all": [{"forare": "Ja"}, {"any": [{"alder": {"gte": 65}}, {"not": {"bil": "Nej"}}]}]}
    assert holds(rule, forare="Ja", alder=70, bil="Nej")
    assert holds(rule, forare="Ja", alder=30, bil="Ja")
    assert not holds(rule, forare="Ja", alder=30, bil="Nej")
    assert not holds(rule, forare="Nej", alder=70, bil="Ja")


def test_several_keys_must_all_hold() -> None:
    rule = {"forare": "Ja", "alder": {"gte": 18}}
    assert holds(rule, forare="Ja", alder=18)
    assert not holds(rule, forare="Ja", alder=17)
    assert not holds(rule, forare="Nej", alder=40)


# --- asked on every way before the condition -----------------------------------------------


def journey(steps: str) -> list[tuple[str, str, str]]:
    """Validate a journey made of these steps; (code, path, message) of every finding."""
    text = "id: resa\ntitle: Resa\norganisation: Kommunen\nsteps:\n" + textwrap.indent(
        textwrap.dedent(steps).strip("\n") + "\n", "  "
    )
    report = validate_text(text, file="resa.yaml")
    return [(f.code, format_path(f.path), f.message()) for f in report.findings]


BRANCH = """
- id: start
  kind: screen
  title: Start
  fields:
    - {id: digitalt, type: yesno, label: Vill du ansöka digitalt?}
  next:
    - {if: {digitalt: Ja}, goto: webb}
    - goto: papper
"""
END = """
- id: slut
  kind: screen
  title: Slut
"""
DECIDE_ON_FORARE = """
- id: beslut
  kind: decision
  title: Beslut
  rules:
    - {if: {forare: Ja}, outcome: Förare, goto: slut}
    - {outcome: Passagerare, goto: slut}
"""


def test_a_field_asked_on_only_one_branch_is_an_error_naming_a_way_without_it() -> None:
    found = journey(
        BRANCH
        + """
- id: webb
  kind: screen
  title: Webb
  fields:
    - {id: forare, type: yesno, label: Ska du själv köra bilen?}
  next: beslut
- id: papper
  kind: screen
  title: Papper
  next: beslut
"""
        + DECIDE_ON_FORARE
        + END
    )
    assert [(code, path) for code, path, _ in found] == [
        ("field-not-asked-before", "steps[3].rules[0].if.forare")
    ]
    assert "t.ex. inte på vägen start → papper → beslut" in found[0][2]
    assert "(frågas i steget 'webb')" in found[0][2]


def test_a_field_asked_before_the_branches_part_is_fine() -> None:
    steps = BRANCH.replace(
        "    - {id: digitalt, type: yesno, label: Vill du ansöka digitalt?}",
        "    - {id: digitalt, type: yesno, label: Vill du ansöka digitalt?}\n"
        "    - {id: forare, type: yesno, label: Ska du själv köra bilen?}",
    )
    found = journey(
        steps
        + """
- {id: webb, kind: screen, title: Webb, next: beslut}
- {id: papper, kind: screen, title: Papper, next: beslut}
"""
        + DECIDE_ON_FORARE
        + END
    )
    assert found == []


def test_a_field_asked_where_both_branches_meet_again_is_fine() -> None:
    found = journey(
        BRANCH
        + """
- {id: webb, kind: screen, title: Webb, next: fraga}
- {id: papper, kind: screen, title: Papper, next: fraga}
- id: fraga
  kind: screen
  title: Fråga
  fields:
    - {id: forare, type: yesno, label: Ska du själv köra bilen?}
  next: beslut
"""
        + DECIDE_ON_FORARE
        + END
    )
    assert found == []


def test_a_field_asked_on_the_same_screen_as_the_condition_is_fine() -> None:
    found = journey(
        """
- id: start
  kind: screen
  title: Start
  fields:
    - {id: forare, type: yesno, label: Ska du själv köra bilen?}
  next:
    - {if: {forare: Ja}, goto: slut}
    - goto: slut
"""
        + END
    )
    assert found == []


def test_a_decision_cannot_use_a_field_of_a_later_screen() -> None:
    found = journey(
        """
- {id: start, kind: screen, title: Start, next: beslut}
"""
        + DECIDE_ON_FORARE.replace("goto: slut}", "goto: fraga}")
        + """
- id: fraga
  kind: screen
  title: Fråga
  fields:
    - {id: forare, type: yesno, label: Ska du själv köra bilen?}
  next: slut
"""
        + END
    )
    assert [code for code, _, _ in found] == ["field-not-asked-before"]
    assert "inte på vägen start → beslut" in found[0][2]


def test_a_field_asked_only_later_in_a_loop_is_not_asked_the_first_time() -> None:
    found = journey(
        """
- id: start
  kind: screen
  title: Start
  next:
    - {if: {igen: Ja}, goto: slut}
    - goto: fraga
- id: fraga
  kind: screen
  title: Fråga
  fields:
    - {id: igen, type: yesno, label: Vill du börja om?}
  next: start
"""
        + END
    )
    assert [(code, path) for code, path, _ in found] == [
        ("field-not-asked-before", "steps[0].next[0].if.igen")
    ]
    assert "t.ex. inte på vägen start. " in found[0][2]


def test_conditions_inside_combinators_are_checked_too() -> None:
    found = journey(
        """
- id: start
  kind: screen
  title: Start
  fields:
    - {id: forare, type: yesno, label: Ska du själv köra bilen?}
  next:
    - {if: {any: [{forare: ja}, {not: {okand: Ja}}]}, goto: slut}
    - goto: slut
"""
        + END
    )
    assert [(code, path) for code, path, _ in found] == [
        ("value-not-an-option", "steps[0].next[0].if.any[0].forare"),
        ("unknown-field", "steps[0].next[0].if.any[1].not.okand"),
    ]


def test_a_checkbox_condition_checks_each_value_against_the_options() -> None:
    found = journey(
        """
- id: start
  kind: screen
  title: Start
  fields:
    - {id: hjalp, type: checkboxes, label: Hjälpmedel, options: [Rullstol, Rollator]}
  next:
    - {if: {hjalp: {in: [Rullstol, Kryckor]}}, goto: slut}
    - goto: slut
"""
        + END
    )
    assert [(code, path) for code, path, _ in found] == [
        ("value-not-an-option", "steps[0].next[0].if.hjalp")
    ]
    assert "'Kryckor'" in found[0][2]


def test_a_date_field_compares_with_dates_also_from_json() -> None:
    text = """{
  "id": "resa", "title": "Resa", "organisation": "Kommunen",
  "steps": [
    {"id": "start", "kind": "screen", "title": "Start",
     "fields": [{"id": "fodd", "type": "date", "label": "När är du född?"}],
     "next": [{"if": {"fodd": {"lt": "2007-06-01"}}, "goto": "slut"}, {"goto": "slut"}]},
    {"id": "slut", "kind": "screen", "title": "Slut"}
  ]
}
"""
    assert validate_text(text, file="resa.json").findings == []
