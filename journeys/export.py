"""Exports of a journey for other tools: a Mermaid flow diagram and CJML-style XML.

Both are deterministic (same journey, same text) and never raise on a journey that passed
the shape check, even one with dangling targets or odd conditions: an export is often how
a designer finds such problems.

Mermaid (:func:`to_mermaid`) draws a ``flowchart TD``: one node per step (screen as a
rectangle, decision as a rhombus, offline as a stadium with its channel), one subgraph per
phase, edges labelled with the condition (:func:`condition_text`) or a decision's outcome.

CJML (:func:`to_cjml`) follows the data format of the Customer Journey Modeling Language
(Halvorsrud et al., SINTEF; CJML 2.0) for a *planned* journey, with a few additions of our
own (phases, actions per field, the planned sequence). Elements::

    CJML version="2.0"                      root
      plannedJourney
        journeyID, journeyTitle, organisation, description?, language
        actors
          endUser | serviceProvider | system | otherActor   actorID, role
            actorName
        phases
          phase  phaseID
            phaseName, description?
        touchpoints
          plannedCommunicationPoint  kind (screen|decision|offline), phaseIDref?
            touchpointID, touchpointLabel
            initiator   refersTo actorIDref; initiatorLabel
            receiver    refersTo actorIDref
            channel     channelName (web, app, phone, sms, letter, visit, e-mail)
            description?     what the citizen reads (the step's body)
            designerNote?    the step's description (never shown to citizens)
            duration?        offline steps: how long it usually takes
            actions?
              plannedAction  actionID (step.field), fieldType, required
                actor  refersTo actorIDref
                actionLabel, hint?
        sequence  start
          step  touchpointIDref, order (1-based, file order), end="true" when it ends
            next  touchpointIDref, condition? (readable), conditionData? (JSON as written),
                  outcome? (decisions), otherwise="true" (unconditional after conditions)

Who talks to whom: a screen goes from the step's actor (usually the citizen) to the system;
an offline step from its actor (usually the service provider) to ``receiver`` or the end
user; a decision from its actor (the system, or the service provider when it is manual) to
the end user, on the web channel where the prototype shows the outcome.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from ruamel.yaml.scalarbool import ScalarBoolean

from journeys.model import (
    CHANNEL_LABELS,
    Actor,
    ActorRole,
    Channel,
    DecisionStep,
    Journey,
    OfflineStep,
    ScreenStep,
    is_end,
)

AnyStep = ScreenStep | DecisionStep | OfflineStep

CJML_VERSION = "2.0"

_OPERATOR_SYMBOLS = {
    "eq": "=",
    "ne": "≠",
    "lt": "<",
    "lte": "≤",
    "gt": ">",
    "gte": "≥",
    "in": "in",
    "not_in": "not in",
}


_OTHERWISE = {"sv": "annars", "en": "otherwise"}

_CJML_ACTOR_ELEMENTS = {
    ActorRole.end_user: "endUser",
    ActorRole.provider: "serviceProvider",
    ActorRole.system: "system",
    ActorRole.other: "otherActor",
}


# --- conditions as text ---------------------------------------------------------------------


def condition_text(raw_condition: Any) -> str:
    """A condition as one readable line: ``forare = Ja``, ``alder < 15``, ``any(a = 1, b = 2)``.

    Several keys in one mapping, and ``all: [...]``, read as ``all(...)``; ``not`` as
    ``not(...)``. No condition gives an empty string. Never raises, even on a condition
    that validation would reject.
    """
    if raw_condition is None:
        return ""
    return _condition(raw_condition)


def _condition(raw: Any) -> str:
    if not isinstance(raw, Mapping):
        return _value(raw)
    parts: list[str] = []
    for key, value in raw.items():
        name = str(key)
        if name in ("all", "any") and isinstance(value, list):
            parts.append(f"{name}({', '.join(_condition(v) for v in value)})")
        elif name == "not":
            parts.append(f"not({_condition(value)})")
        elif isinstance(value, Mapping) and value:
            parts.extend(_field_test(name, str(op), operand) for op, operand in value.items())
        else:
            parts.append(_field_test(name, "eq", value))
    if len(parts) == 1:
        return parts[0]
    return f"all({', '.join(parts)})"


def _field_test(field: str, op: str, operand: Any) -> str:
    if op == "answered" and isinstance(operand, bool | ScalarBoolean):
        return f"{field} answered" if operand else f"{field} not answered"
    symbol = _OPERATOR_SYMBOLS.get(op, op)
    return f"{field} {symbol} {_value(operand)}"


_PLAIN_TEXT = re.compile(r"^[^\s,()\[\]{}\"'][^,()\[\]{}\"]*(?<!\s)$")


def _value(value: Any) -> str:
    if isinstance(value, bool | ScalarBoolean):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return f"[{', '.join(_value(v) for v in value)}]"
    if isinstance(value, Mapping):
        return "{" + _condition(value) + "}"
    text = str(value)
    if _PLAIN_TEXT.match(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _condition_data(raw: Any) -> str:
    """The condition as compact JSON, in the order the author wrote it."""
    return json.dumps(_plain(raw), ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if isinstance(value, bool | ScalarBoolean):
        return bool(value)
    if value is None:
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


# --- the planned sequence, shared by both exports ------------------------------------------


def _edges(step: AnyStep) -> list[dict[str, Any]]:
    """Where a step leads: target, raw condition, readable label parts, in file order."""
    edges: list[dict[str, Any]] = []
    if isinstance(step, DecisionStep):
        for rule in step.rules:
            edges.append(
                {
                    "goto": rule.goto,
                    "raw": rule.if_,
                    "condition": condition_text(rule.if_),
                    "outcome": rule.outcome,
                    "otherwise": False,
                }
            )
        return edges
    seen_condition = False
    for transition in step.transitions():
        text = condition_text(transition.if_)
        edges.append(
            {
                "goto": transition.goto,
                "raw": transition.if_,
                "condition": text,
                "outcome": None,
                "otherwise": transition.if_ is None and seen_condition,
            }
        )
        seen_condition = seen_condition or transition.if_ is not None
    return edges


def _channel_word(channel: Channel | str, language: str) -> str:
    value = channel.value if isinstance(channel, Channel) else str(channel)
    words = CHANNEL_LABELS.get(language, CHANNEL_LABELS["sv"])
    return words.get(value, value).lower()


# --- Mermaid --------------------------------------------------------------------------------


def to_mermaid(journey: Journey) -> str:
    """A Mermaid ``flowchart TD`` of the journey's steps, branches and phases."""
    language = journey.language
    ids = _mermaid_ids(journey)
    lines = [
        "---",
        f"title: {json.dumps(journey.title, ensure_ascii=False)}",
        "---",
        "flowchart TD",
    ]

    by_phase: dict[str | None, list[tuple[str, AnyStep]]] = {}
    for node_id, step in ids:
        by_phase.setdefault(step.phase, []).append((node_id, step))

    for node_id, step in by_phase.get(None, []):
        lines.append(f"    {_mermaid_node(node_id, step, language)}")
    phase_titles = {p.id: p.title for p in journey.phases}
    phase_order = [p.id for p in journey.phases]
    phase_order += [p for p in by_phase if p is not None and p not in phase_titles]
    for phase_id in phase_order:
        members = by_phase.get(phase_id)
        if not members:
            continue
        title = phase_titles.get(phase_id, phase_id)
        lines.append(f'    subgraph {_mermaid_id("p", phase_id)}["{_mermaid_text(title)}"]')
        for node_id, step in members:
            lines.append(f"        {_mermaid_node(node_id, step, language)}")
        lines.append("    end")

    known = {step.id for step in journey.steps}
    missing: list[str] = []
    for node_id, step in ids:
        for edge in _edges(step):
            target = _mermaid_id("s", edge["goto"])
            label = _mermaid_edge_label(edge, language)
            arrow = f'-->|"{_mermaid_text(label)}"|' if label else "-->"
            lines.append(f"    {node_id} {arrow} {target}")
            if edge["goto"] not in known and edge["goto"] not in missing:
                missing.append(edge["goto"])
    for target in missing:
        lines.append(f'    {_mermaid_id("s", target)}["{_mermaid_text(target)} ?"]')

    lines.append("    classDef first stroke-width:3px")
    lines.append("    classDef missing stroke-dasharray:5 5")
    first = journey.first_step()
    first_id = next(node_id for node_id, step in ids if step is first)
    lines.append(f"    class {first_id} first")
    if missing:
        lines.append(f"    class {','.join(_mermaid_id('s', t) for t in missing)} missing")
    return "\n".join(lines) + "\n"


def _mermaid_ids(journey: Journey) -> list[tuple[str, AnyStep]]:
    """A Mermaid-safe node id per step; a repeated step id gets a numbered node of its own."""
    used: set[str] = set()
    out: list[tuple[str, AnyStep]] = []
    for step in journey.steps:
        base = node_id = _mermaid_id("s", step.id)
        n = 2
        while node_id in used:
            node_id = f"{base}__{n}"
            n += 1
        used.add(node_id)
        out.append((node_id, step))
    return out


def _mermaid_id(prefix: str, slug: str) -> str:
    """``kontrollera-svar`` → ``s_kontrollera_svar``: no hyphens (arrows) and never a keyword.

    Slugs have no underscores, so the mapping cannot make two ids equal.
    """
    return f"{prefix}_" + re.sub(r"[^A-Za-z0-9]", "_", slug)


def _mermaid_node(node_id: str, step: AnyStep, language: str) -> str:
    title = _mermaid_text(step.title)
    if isinstance(step, DecisionStep):
        return f'{node_id}{{"{title}"}}'
    if isinstance(step, OfflineStep):
        channel = _mermaid_text(_channel_word(step.channel, language))
        return f'{node_id}(["{title}<br/>({channel})"])'
    return f'{node_id}["{title}"]'


def _mermaid_edge_label(edge: dict[str, Any], language: str) -> str:
    if edge["outcome"] is not None:
        return f"{edge['outcome']}: {edge['condition']}" if edge["condition"] else edge["outcome"]
    if edge["otherwise"]:
        return _OTHERWISE.get(language, _OTHERWISE["sv"])
    return str(edge["condition"])


_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "`": "#96;",
}


def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: quotes, brackets and markup as entities."""
    flat = " ".join(str(text).split())
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in flat)


# --- CJML -----------------------------------------------------------------------------------


def to_cjml(journey: Journey) -> str:
    """The journey as CJML-style planned-journey XML (UTF-8, indented); see the module doc."""
    actors = journey.all_actors()
    root = ET.Element("CJML", {"version": CJML_VERSION})
    planned = ET.SubElement(root, "plannedJourney")
    _text(planned, "journeyID", journey.id)
    _text(planned, "journeyTitle", journey.title)
    _text(planned, "organisation", journey.organisation)
    if journey.description:
        _text(planned, "description", journey.description)
    _text(planned, "language", journey.language)

    actors_el = ET.SubElement(planned, "actors")
    for actor in actors:
        element = ET.SubElement(
            actors_el,
            _CJML_ACTOR_ELEMENTS.get(actor.role, "otherActor"),
            {"actorID": actor.id, "role": actor.role.value},
        )
        _text(element, "actorName", actor.title)

    phases_el = ET.SubElement(planned, "phases")
    for phase in journey.phases:
        element = ET.SubElement(phases_el, "phase", {"phaseID": phase.id})
        _text(element, "phaseName", phase.title)
        if phase.description:
            _text(element, "description", phase.description)

    touchpoints = ET.SubElement(planned, "touchpoints")
    for step in journey.steps:
        _touchpoint(touchpoints, journey, step, actors)

    sequence = ET.SubElement(planned, "sequence", {"start": journey.first_step().id})
    for order, step in enumerate(journey.steps, start=1):
        attrs = {"touchpointIDref": step.id, "order": str(order)}
        if is_end(step):
            attrs["end"] = "true"
        element = ET.SubElement(sequence, "step", attrs)
        for edge in _edges(step):
            next_attrs = {"touchpointIDref": edge["goto"]}
            if edge["condition"]:
                next_attrs["condition"] = _xml_safe(edge["condition"])
                next_attrs["conditionData"] = _xml_safe(_condition_data(edge["raw"]))
            if edge["outcome"] is not None:
                next_attrs["outcome"] = _xml_safe(edge["outcome"])
            if edge["otherwise"]:
                next_attrs["otherwise"] = "true"
            ET.SubElement(element, "next", next_attrs)

    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _touchpoint(parent: ET.Element, journey: Journey, step: AnyStep, actors: list[Actor]) -> None:
    attrs = {"kind": step.kind}
    if step.phase:
        attrs["phaseIDref"] = step.phase
    element = ET.SubElement(parent, "plannedCommunicationPoint", attrs)
    _text(element, "touchpointID", step.id)
    _text(element, "touchpointLabel", step.title)

    initiator, receiver = _parties(journey, step, actors)
    initiator_el = ET.SubElement(element, "initiator")
    ET.SubElement(initiator_el, "refersTo", {"actorIDref": initiator})
    _text(initiator_el, "initiatorLabel", step.title)
    receiver_el = ET.SubElement(element, "receiver")
    ET.SubElement(receiver_el, "refersTo", {"actorIDref": receiver})

    channel = step.channel if isinstance(step, ScreenStep | OfflineStep) else Channel.web
    channel_el = ET.SubElement(element, "channel")
    _text(channel_el, "channelName", channel.value)

    if step.body:
        _text(element, "description", step.body)
    if step.description:
        _text(element, "designerNote", step.description)
    if isinstance(step, OfflineStep) and step.duration:
        _text(element, "duration", step.duration)
    if isinstance(step, DecisionStep):
        element.set("manual", "true" if step.manual else "false")

    if isinstance(step, ScreenStep) and step.fields:
        actions = ET.SubElement(element, "actions")
        for field in step.fields:
            action = ET.SubElement(
                actions,
                "plannedAction",
                {
                    "actionID": f"{step.id}.{field.id}",
                    "fieldType": field.type.value,
                    "required": "true" if field.is_required else "false",
                },
            )
            actor_el = ET.SubElement(action, "actor")
            ET.SubElement(actor_el, "refersTo", {"actorIDref": initiator})
            _text(action, "actionLabel", field.label)
            if field.hint:
                _text(action, "hint", field.hint)


def _parties(journey: Journey, step: AnyStep, actors: list[Actor]) -> tuple[str, str]:
    """(initiator, receiver) actor ids of a step's communication point."""
    end_user = _actor_with(actors, ActorRole.end_user, fallback=journey.actor_of(step))
    if isinstance(step, ScreenStep):
        system = _actor_with(actors, ActorRole.system, ActorRole.provider, fallback=end_user)
        return journey.actor_of(step), system
    if isinstance(step, OfflineStep):
        return journey.actor_of(step), step.receiver or end_user
    if step.actor is None and step.manual:
        provider = _actor_with(actors, ActorRole.provider, fallback=journey.actor_of(step))
        return provider, end_user
    return journey.actor_of(step), end_user


def _actor_with(actors: list[Actor], *roles: ActorRole, fallback: str) -> str:
    for role in roles:
        for actor in actors:
            if actor.role == role:
                return actor.id
    return fallback


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _xml_safe(text)
    return element


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters), keep everything else."""
    return _XML_INVALID.sub("", str(text))
