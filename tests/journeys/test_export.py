"""Exports a designer opens elsewhere: the Mermaid diagram and CJML-style XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from journeys.export import condition_text, to_cjml, to_mermaid
from journeys.files import read_text
from journeys.model import Journey

JOURNEY = """\
# A small journey with a branch, a decision and a letter
id: parkering
title: Ansök om parkeringstillstånd
organisation: Exempelkommun
phases:
  - id: ansokan
    title: Ansökan
  - id: beslut
    title: Beslut
steps:
  - id: start
    kind: screen
    phase: ansokan
    pattern: start
    title: Ansök om parkeringstillstånd
    next: om-dig
  - id: om-dig
    kind: screen
    phase: ansokan
    title: Om dig
    fields:
      - id: forare
        type: yesno
        label: Ska du själv köra bilen?
        required: Välj om du själv ska köra bilen
      - id: alder
        type: number
        label: Hur gammal är du?
    next:
      - if: {forare: Ja}
        goto: prova
      - goto: brev
  - id: prova
    kind: decision
    phase: beslut
    title: Prövning
    rules:
      - if: {alder: {lt: 15}}
        outcome: Avslag
        goto: brev
      - outcome: Beviljas
        goto: brev
  - id: brev
    kind: offline
    phase: beslut
    channel: letter
    title: Beslutet kommer med posten
"""

TRICKY = """\
id: knepig
title: Knepig
organisation: Kommunen
steps:
  - id: end
    kind: screen
    title: 'Säg "hej" [igen] {nu} <b>#1</b> | `kod` & (klart)'
    next:
      - if: {svar: 'Ja, "gärna"'}
        goto: graph
      - goto: graph
  - id: graph
    kind: screen
    title: Slut
"""


def _journey(text: str) -> Journey:
    document = read_text(text)
    assert document.journey is not None, document.findings
    return document.journey


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (None, ""),
        ({"forare": "Ja"}, "forare = Ja"),
        ({"alder": {"lt": 15}}, "alder < 15"),
        ({"alder": {"gte": 18}}, "alder ≥ 18"),
        ({"kommun": {"ne": "Malmö"}}, "kommun ≠ Malmö"),
        ({"kommun": {"in": ["Lund", "Malmö"]}}, "kommun in [Lund, Malmö]"),
        ({"kommun": {"not_in": ["Lund"]}}, "kommun not in [Lund]"),
        ({"epost": {"answered": True}}, "epost answered"),
        ({"epost": {"answered": False}}, "epost not answered"),
        ({"any": [{"forare": "Ja"}, {"alder": {"lt": 15}}]}, "any(forare = Ja, alder < 15)"),
        ({"forare": "Ja", "alder": {"gt": 17}}, "all(forare = Ja, alder > 17)"),
        ({"not": {"forare": "Nej"}}, "not(forare = Nej)"),
        ({"svar": "Ja, gärna"}, 'svar = "Ja, gärna"'),
    ],
)
def test_condition_text_reads_like_the_file(raw: object, text: str) -> None:
    assert condition_text(raw) == text


def test_condition_text_never_raises_on_a_condition_validation_rejects() -> None:
    assert condition_text({"alder": {"gt": 5, "lt": 10}}) == "all(alder > 5, alder < 10)"
    assert condition_text({"alder": {"mindre": 15}}) == "alder mindre 15"
    assert condition_text("Ja") == "Ja"


def test_mermaid_draws_every_step_with_its_shape_inside_its_phase() -> None:
    text = to_mermaid(_journey(JOURNEY))

    assert "flowchart TD" in text
    assert 's_start["Ansök om parkeringstillstånd"]' in text
    assert 's_om_dig["Om dig"]' in text
    assert 's_prova{"Prövning"}' in text
    assert 's_brev(["Beslutet kommer med posten<br/>(brev)"])' in text
    ansokan = text.split('subgraph p_ansokan["Ansökan"]')[1].split("end")[0]
    assert "s_start" in ansokan and "s_om_dig" in ansokan
    beslut = text.split('subgraph p_beslut["Beslut"]')[1].split("end")[0]
    assert "s_prova" in beslut and "s_brev" in beslut


def test_mermaid_labels_branches_with_conditions_and_outcomes() -> None:
    text = to_mermaid(_journey(JOURNEY))

    assert "s_start --> s_om_dig" in text
    assert 's_om_dig -->|"forare = Ja"| s_prova' in text
    assert 's_om_dig -->|"annars"| s_brev' in text
    assert 's_prova -->|"Avslag: alder #lt; 15"| s_brev' in text
    assert 's_prova -->|"Beviljas"| s_brev' in text


def test_mermaid_escapes_quotes_brackets_and_markup_in_titles() -> None:
    text = to_mermaid(_journey(TRICKY))

    node = next(line.strip() for line in text.splitlines() if line.strip().startswith("s_end["))
    assert node == (
        's_end["Säg #quot;hej#quot; [igen] {nu} #lt;b#gt;#35;1#lt;/b#gt; #124; #96;kod#96; '
        '#amp; (klart)"]'
    )
    assert 's_end -->|"svar = #quot;Ja, \\#quot;gärna\\#quot;#quot;"| s_graph' in text
    # Every quoted label closes on its own line: no stray quote breaks the diagram.
    for line in text.splitlines()[4:]:
        assert line.count('"') % 2 == 0, line


def test_mermaid_node_ids_are_safe_even_for_keywords_and_hyphens() -> None:
    node_ids: list[str] = []
    for text in (to_mermaid(_journey(TRICKY)), to_mermaid(_journey(JOURNEY))):
        node_ids += re.findall(r"^\s+(\w+)[\[{(]", text, flags=re.MULTILINE)

    assert {"s_end", "s_graph", "s_om_dig"} <= set(node_ids)
    assert all(re.fullmatch(r"s_[a-z0-9_]+", node_id) for node_id in node_ids)


def test_mermaid_shows_a_missing_target_instead_of_failing() -> None:
    journey = _journey(JOURNEY.replace("goto: brev\n  - id: brev", "goto: brevet\n  - id: brev"))

    text = to_mermaid(journey)

    assert 's_prova -->|"Beviljas"| s_brevet' in text
    assert 's_brevet["brevet ?"]' in text
    assert "class s_brevet missing" in text


def test_mermaid_is_the_same_every_time() -> None:
    assert to_mermaid(_journey(JOURNEY)) == to_mermaid(_journey(JOURNEY))


def _cjml(text: str) -> ET.Element:
    xml = to_cjml(_journey(text))
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(xml.encode("utf-8"))


def test_cjml_names_the_journey_its_actors_and_phases() -> None:
    root = _cjml(JOURNEY)

    assert root.tag == "CJML" and root.get("version") == "2.0"
    journey = root.find("plannedJourney")
    assert journey is not None
    assert journey.findtext("journeyID") == "parkering"
    assert journey.findtext("journeyTitle") == "Ansök om parkeringstillstånd"
    assert journey.findtext("organisation") == "Exempelkommun"
    actors = {(a.tag, a.get("actorID"), a.get("role")) for a in journey.find("actors") or []}
    assert actors == {
        ("endUser", "invanare", "end-user"),
        ("serviceProvider", "kommunen", "service-provider"),
        ("system", "system", "system"),
    }
    phases = [(p.get("phaseID"), p.findtext("phaseName")) for p in journey.iter("phase")]
    assert phases == [("ansokan", "Ansökan"), ("beslut", "Beslut")]


def test_cjml_has_a_touchpoint_per_step_with_initiator_receiver_and_channel() -> None:
    root = _cjml(JOURNEY)

    points = {
        tp.findtext("touchpointID"): (
            tp.get("kind"),
            tp.find("initiator/refersTo").get("actorIDref"),  # type: ignore[union-attr]
            tp.find("receiver/refersTo").get("actorIDref"),  # type: ignore[union-attr]
            tp.findtext("channel/channelName"),
        )
        for tp in root.iter("plannedCommunicationPoint")
    }
    assert points == {
        "start": ("screen", "invanare", "system", "web"),
        "om-dig": ("screen", "invanare", "system", "web"),
        "prova": ("decision", "system", "invanare", "web"),
        "brev": ("offline", "kommunen", "invanare", "letter"),
    }


def test_cjml_lists_the_questions_a_citizen_answers_as_actions() -> None:
    root = _cjml(JOURNEY)

    actions = [
        (a.get("actionID"), a.get("required"), a.findtext("actionLabel"))
        for a in root.iter("plannedAction")
    ]
    assert actions == [
        ("om-dig.forare", "true", "Ska du själv köra bilen?"),
        ("om-dig.alder", "false", "Hur gammal är du?"),
    ]


def test_cjml_sequence_keeps_order_branches_and_conditions() -> None:
    root = _cjml(JOURNEY)

    sequence = root.find("plannedJourney/sequence")
    assert sequence is not None and sequence.get("start") == "start"
    steps = [(s.get("touchpointIDref"), s.get("order")) for s in sequence]
    assert steps == [("start", "1"), ("om-dig", "2"), ("prova", "3"), ("brev", "4")]
    om_dig = [dict(n.attrib) for n in sequence[1]]
    assert om_dig == [
        {
            "touchpointIDref": "prova",
            "condition": "forare = Ja",
            "conditionData": '{"forare":"Ja"}',
        },
        {"touchpointIDref": "brev", "otherwise": "true"},
    ]
    prova = [(n.get("outcome"), n.get("condition")) for n in sequence[2]]
    assert prova == [("Avslag", "alder < 15"), ("Beviljas", None)]
    assert sequence[3].get("end") == "true"


def test_cjml_manual_decision_is_made_by_the_service_provider() -> None:
    root = _cjml(
        JOURNEY.replace("    title: Prövning\n", "    title: Prövning\n    manual: true\n")
    )

    prova = next(
        tp
        for tp in root.iter("plannedCommunicationPoint")
        if tp.findtext("touchpointID") == "prova"
    )
    assert prova.find("initiator/refersTo").get("actorIDref") == "kommunen"  # type: ignore[union-attr]


def test_cjml_keeps_tricky_text_intact_and_is_the_same_every_time() -> None:
    root = _cjml(TRICKY)

    assert root.findtext(
        "plannedJourney/touchpoints/plannedCommunicationPoint/touchpointLabel"
    ) == ('Säg "hej" [igen] {nu} <b>#1</b> | `kod` & (klart)')
    assert to_cjml(_journey(TRICKY)) == to_cjml(_journey(TRICKY))
