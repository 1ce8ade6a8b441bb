"""Findings: what the validator tells a designer, where, and how to fix it.

Every finding has a stable ``code`` (for tools and tests), a severity, a location (file,
line, column, the path like ``steps[3].fields[0]`` and the step id) and a message rendered
from :data:`MESSAGES` in Swedish (default) or English.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

Lang = Literal["sv", "en"]


class Severity(StrEnum):
    """An error stops publishing; a warning is advice."""

    error = "error"
    warning = "warning"


SEVERITY_LABEL: dict[Lang, dict[Severity, str]] = {
    "sv": {Severity.error: "fel", Severity.warning: "varning"},
    "en": {Severity.error: "error", Severity.warning: "warning"},
}

# code: (Swedish, English). Placeholders are filled from the finding's params.
MESSAGES: dict[str, tuple[str, str]] = {
    # reading the file
    "file-unreadable": ("Filen går inte att läsa: {reason}", "The file cannot be read: {reason}"),
    "yaml-syntax": (
        "YAML-filen har ett syntaxfel: {problem}. Kontrollera indrag och kolon på raden.",
        "The YAML has a syntax error: {problem}. Check indentation and colons on that line.",
    ),
    "json-syntax": (
        "JSON-filen har ett syntaxfel: {problem}",
        "The JSON has a syntax error: {problem}",
    ),
    "duplicate-key": (
        "Nyckeln '{key}' står två gånger i samma mappning; ta bort den ena.",
        "The key '{key}' appears twice in the same mapping; remove one of them.",
    ),
    "not-a-journey": (
        "Filen ska innehålla en resa (en mappning med id, title, steps …), men innehåller {got}.",
        "The file should hold a journey (a mapping with id, title, steps …) but holds {got}.",
    ),
    # shape (from the model)
    "missing": ("'{key}' saknas här; lägg till det.", "'{key}' is missing here; add it."),
    "unknown-key": (
        "Okänd nyckel '{key}'.{hint} Tillåtna nycklar här: {allowed}.",
        "Unknown key '{key}'.{hint} Keys allowed here: {allowed}.",
    ),
    "bad-slug": (
        "'{value}' går inte att använda som id: använd små bokstäver a–z, siffror och "
        "bindestreck, t.ex. '{example}'.",
        "'{value}' cannot be used as an id: use lower-case a–z, digits and hyphens, "
        "e.g. '{example}'.",
    ),
    "bad-choice": (
        "'{value}' är inte ett giltigt värde för '{key}'.{hint} Välj ett av: {allowed}.",
        "'{value}' is not a valid value for '{key}'.{hint} Choose one of: {allowed}.",
    ),
    "bad-kind": (
        "Okänd stegtyp '{value}'.{hint} Ett steg är screen, decision eller offline.",
        "Unknown step kind '{value}'.{hint} A step is screen, decision or offline.",
    ),
    "missing-kind": (
        "Steget saknar 'kind'; skriv kind: screen, decision eller offline.",
        "The step has no 'kind'; write kind: screen, decision or offline.",
    ),
    "wrong-type": (
        "'{key}' ska vara {expected}, men är {got}.",
        "'{key}' should be {expected}, but is {got}.",
    ),
    "too-short": ("'{key}' får inte vara tomt.", "'{key}' must not be empty."),
    "out-of-range": ("'{key}': {detail}", "'{key}': {detail}"),
    # semantics
    "duplicate-step-id": (
        "Steg-id '{id}' används redan av steg {first}; varje steg behöver ett eget id.",
        "Step id '{id}' is already used by step {first}; every step needs its own id.",
    ),
    "duplicate-field-id": (
        "Fält-id '{id}' frågas redan i steget '{first}'; svar sparas per fält-id, så ge "
        "fältet ett eget id.",
        "Field id '{id}' is already asked on step '{first}'; answers are kept by field id, "
        "so give this field its own id.",
    ),
    "duplicate-phase-id": (
        "Fas-id '{id}' finns redan; ge varje fas ett eget id.",
        "Phase id '{id}' already exists; give every phase its own id.",
    ),
    "duplicate-actor-id": (
        "Aktörs-id '{id}' finns redan; ge varje aktör ett eget id.",
        "Actor id '{id}' already exists; give every actor its own id.",
    ),
    "reserved-field-id": (
        "Fält-id '{id}' är reserverat för villkor (all, any, not); välj ett annat id.",
        "Field id '{id}' is reserved for conditions (all, any, not); choose another id.",
    ),
    "unknown-target": (
        "Det finns inget steg '{target}'.{hint}",
        "There is no step '{target}'.{hint}",
    ),
    "unknown-start": (
        "Startsteget '{target}' finns inte.{hint}",
        "The start step '{target}' does not exist.{hint}",
    ),
    "unknown-phase": (
        "Det finns ingen fas '{phase}'.{hint} Faser i resan: {known}.",
        "There is no phase '{phase}'.{hint} Phases in the journey: {known}.",
    ),
    "unknown-actor": (
        "Det finns ingen aktör '{actor}'.{hint} Aktörer i resan: {known}.",
        "There is no actor '{actor}'.{hint} Actors in the journey: {known}.",
    ),
    "empty-next": (
        "'next' är en tom lista. Ta bort 'next' om steget är ett slutsteg, annars ange vart "
        "resan går.",
        "'next' is an empty list. Remove 'next' if this is an end step, otherwise say where "
        "the journey goes.",
    ),
    "next-without-default": (
        "Sista alternativet i 'next' har ett villkor. Lägg till ett sista '- goto: …' utan "
        "'if' för när inget villkor stämmer.",
        "The last entry of 'next' has a condition. Add a final '- goto: …' without 'if' for "
        "when no condition holds.",
    ),
    "unreachable-transition": (
        "Det här alternativet nås aldrig: ett tidigare alternativ utan villkor tar alla.",
        "This entry is never used: an earlier entry without a condition takes every answer.",
    ),
    "decision-without-default": (
        "Beslutets sista regel har ett villkor. Lägg till en sista regel utan 'if' "
        "(t.ex. outcome: manuell prövning) för när ingen regel stämmer.",
        "The decision's last rule has a condition. Add a final rule without 'if' (e.g. "
        "outcome: manual review) for when no rule holds.",
    ),
    "unreachable-rule": (
        "Den här regeln används aldrig: en tidigare regel utan villkor tar alla fall.",
        "This rule is never used: an earlier rule without a condition takes every case.",
    ),
    "unreachable-step": (
        "Steget '{id}' går inte att nå från startsteget '{start}'. Peka på det med 'next' "
        "från ett annat steg, eller ta bort det.",
        "Step '{id}' cannot be reached from the start step '{start}'. Point to it with "
        "'next' from another step, or remove it.",
    ),
    "no-way-to-end": (
        "Från steget '{id}' går det inte att komma till något slutsteg ({kind}). Se till att "
        "någon väg leder vidare till ett steg utan 'next'.",
        "From step '{id}' no end step can be reached ({kind}). Make sure some path leads on "
        "to a step without 'next'.",
    ),
    "no-end-step": (
        "Resan har inget slutsteg (ett steg utan 'next'), så den tar aldrig slut.",
        "The journey has no end step (a step without 'next'), so it never ends.",
    ),
    "unknown-field": (
        "Villkoret frågar efter fältet '{field}', som inte finns i resan.{hint}",
        "The condition refers to field '{field}', which is not in the journey.{hint}",
    ),
    "field-not-asked-before": (
        "Villkoret använder '{field}' (frågas i steget '{asked_on}'), men den frågan ställs "
        "inte på alla vägar hit, t.ex. inte via {path}. Flytta frågan tidigare eller lägg "
        "villkoret där svaret alltid finns.",
        "The condition uses '{field}' (asked on step '{asked_on}'), but that question is not "
        "asked on every path to here, e.g. not via {path}. Ask it earlier or put the "
        "condition where the answer always exists.",
    ),
    "value-not-an-option": (
        "'{value}' är inte ett svar som fältet '{field}' kan ha.{hint} Möjliga svar: {options}.",
        "'{value}' is not an answer field '{field}' can have.{hint} Possible answers: {options}.",
    ),
    "compare-needs-number": (
        "'{op}' jämför tal eller datum, men fältet '{field}' är av typen {type}.",
        "'{op}' compares numbers or dates, but field '{field}' is of type {type}.",
    ),
    "condition-not-mapping": (
        "Ett villkor ska vara en mappning som {{falt: värde}}, men här står {got}.",
        "A condition should be a mapping like {{field: value}}, but here is {got}.",
    ),
    "condition-bad-key": (
        "'{key}' kan inte vara ett fält-id i ett villkor.",
        "'{key}' cannot be a field id in a condition.",
    ),
    "condition-combinator-list": (
        "'{key}' ska följas av en lista med villkor, t.ex. {key}: [{{a: Ja}}, {{b: Nej}}].",
        "'{key}' should be followed by a list of conditions, e.g. {key}: [{{a: Ja}}, {{b: Nej}}].",
    ),
    "condition-one-operator": (
        "Fältet '{field}' har {count} operatorer; använd exakt en ({ops}), eller 'all:' för flera.",
        "Field '{field}' has {count} operators; use exactly one ({ops}), or 'all:' for several.",
    ),
    "condition-unknown-operator": (
        "Okänd operator '{op}'.{hint} Använd en av: {ops}.",
        "Unknown operator '{op}'.{hint} Use one of: {ops}.",
    ),
    "condition-needs-list": (
        "'{op}' behöver en lista med värden, t.ex. {op}: [Ja, Vet inte].",
        "'{op}' needs a list of values, e.g. {op}: [Yes, Don't know].",
    ),
    "condition-answered-bool": (
        "'answered' tar true eller false.",
        "'answered' takes true or false.",
    ),
    "condition-needs-number": (
        "'{op}' jämför med ett tal eller ett datum, inte '{got}'.",
        "'{op}' compares with a number or a date, not '{got}'.",
    ),
    "condition-list-needs-in": (
        "Ett fält kan inte jämföras med en lista direkt; skriv {{{field}: {{in: [...]}}}}.",
        "A field cannot be compared with a list directly; write {{{field}: {{in: [...]}}}}.",
    ),
    "options-missing": (
        "Fältet '{id}' är av typen {type} men har inga 'options'; lägg till svarsalternativen.",
        "Field '{id}' is of type {type} but has no 'options'; add the answers to choose from.",
    ),
    "options-not-allowed": (
        "Fältet '{id}' är av typen {type}, som inte använder 'options'. Ta bort dem eller "
        "byt typ till radios, checkboxes eller select.",
        "Field '{id}' is of type {type}, which does not use 'options'. Remove them or change "
        "the type to radios, checkboxes or select.",
    ),
    "duplicate-option": (
        "Svarsalternativet '{value}' står två gånger i fältet '{id}'.",
        "The option '{value}' appears twice in field '{id}'.",
    ),
    "too-few-options": (
        "Fältet '{id}' har bara ett svarsalternativ; ge minst två, eller använd en kryssruta.",
        "Field '{id}' has only one option; give at least two, or use a checkbox.",
    ),
    "rule-not-for-type": (
        "Regeln '{rule}' gäller inte fält av typen {type}. {use}",
        "The rule '{rule}' does not apply to fields of type {type}. {use}",
    ),
    "min-above-max": (
        "'{low}' ({low_value}) är större än '{high}' ({high_value}); inget svar kan godkännas.",
        "'{low}' ({low_value}) is greater than '{high}' ({high_value}); no answer can pass.",
    ),
    "bad-regex": (
        "Mönstret '{pattern}' är inte ett giltigt reguljärt uttryck: {reason}.",
        "The pattern '{pattern}' is not a valid regular expression: {reason}.",
    ),
    "bad-date": (
        "'{value}' är inte ett datum. Skriv t.ex. 2025-06-01, today eller today-18y.",
        "'{value}' is not a date. Write e.g. 2025-06-01, today or today-18y.",
    ),
    "required-without-message": (
        "'required: true' ger ett allmänt felmeddelande. Skriv i stället vad personen ska "
        'göra, t.ex. required: "{example}".',
        "'required: true' gives a generic error message. Write what the person should do "
        'instead, e.g. required: "{example}".',
    ),
    "fields-on-end-step": (
        "Steget '{id}' har frågor men inget 'next', så svaren skickas aldrig vidare.",
        "Step '{id}' asks questions but has no 'next', so the answers go nowhere.",
    ),
    "fields-on-pattern": (
        "Ett steg med pattern {pattern} ska inte ha egna frågor; lägg dem i ett eget steg.",
        "A step with pattern {pattern} should not ask questions; put them on a step of their own.",
    ),
    "confirmation-not-end": (
        "Kvittenssidan (pattern: confirmation) brukar vara slutet på e-tjänsten; här går resan "
        "vidare till '{target}'. Är det ett offline-steg efteråt är det rätt.",
        "The confirmation page usually ends the e-service; here the journey goes on to "
        "'{target}'. If that is an offline step afterwards, this is fine.",
    ),
    "start-not-first": (
        "Startsidan (pattern: start) är inte första steget; invånarna börjar på '{first}'.",
        "The start page (pattern: start) is not the first step; citizens begin at '{first}'.",
    ),
    "too-many-fields": (
        "Steget '{id}' har {count} frågor. Dela upp det på flera sidor (högst {limit} per "
        "sida; helst en sak per sida).",
        "Step '{id}' has {count} questions. Split it into several screens (at most {limit} "
        "per screen; ideally one thing per page).",
    ),
    "lix-too-high": (
        "Texten är svår att läsa: LIX {lix} (målet är högst {target}). Korta de längsta "
        "meningarna: {sentences}",
        "The text is hard to read: LIX {lix} (target at most {target}). Shorten the longest "
        "sentences: {sentences}",
    ),
    "unused-phase": (
        "Fasen '{id}' har inga steg; ta bort den eller flytta steg dit.",
        "Phase '{id}' has no steps; remove it or move steps into it.",
    ),
    "phase-order": (
        "Steget '{id}' ligger i fasen '{phase}' men kommer efter steg i den senare fasen "
        "'{later}'. Ordna stegen i fasernas ordning så att resekartan blir rätt.",
        "Step '{id}' is in phase '{phase}' but comes after steps in the later phase "
        "'{later}'. Order the steps by phase so that the journey map reads right.",
    ),
    "missing-phase": (
        "Steget '{id}' har ingen fas; ange 'phase:' så att det hamnar rätt på resekartan.",
        "Step '{id}' has no phase; set 'phase:' so that it lands right on the journey map.",
    ),
}

DID_YOU_MEAN: dict[Lang, str] = {"sv": " Menade du '{0}'?", "en": " Did you mean '{0}'?"}


def render(code: str, params: dict[str, Any], lang: Lang = "sv") -> str:
    """The message for a code in a language, with its values filled in."""
    sv, en = MESSAGES[code]
    template = sv if lang == "sv" else en
    values = dict(params)
    suggestion = values.get("suggestion")
    values.setdefault("hint", DID_YOU_MEAN[lang].format(suggestion) if suggestion else "")
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def format_path(path: tuple[str | int, ...]) -> str:
    """``('steps', 3, 'fields', 0)`` → ``steps[3].fields[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class Finding(BaseModel):
    """One thing the validator found, located so that an editor can jump to it."""

    severity: Severity
    code: str
    params: dict[str, Any] = Field(default_factory=dict)
    path: tuple[str | int, ...] = ()
    step_id: str | None = None
    file: str | None = None
    line: int | None = Field(default=None, description="1-based line in the file.")
    column: int | None = Field(default=None, description="1-based column in the file.")
    suggestion: str | None = None

    def message(self, lang: Lang = "sv") -> str:
        """The message for people, in Swedish or English."""
        params = dict(self.params)
        if self.suggestion is not None:
            params.setdefault("suggestion", self.suggestion)
        return render(self.code, params, lang)

    @property
    def location(self) -> str:
        """``file:line:column``, as far as it is known."""
        parts = [self.file or "<journey>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self, lang: Lang = "sv") -> str:
        """One line: ``file:12:5: fel: steps[3].next: Det finns inget steg … [unknown-target]``."""
        where = format_path(self.path)
        label = SEVERITY_LABEL[lang][self.severity]
        step = f" (steg '{self.step_id}')" if lang == "sv" else f" (step '{self.step_id}')"
        step = step if self.step_id and f"'{self.step_id}'" not in self.message(lang) else ""
        return (
            f"{self.location}: {label}: {where + ': ' if where else ''}{self.message(lang)}"
            f"{step} [{self.code}]"
        )

    def as_dict(self, lang: Lang = "sv") -> dict[str, Any]:
        """A JSON-ready view for tools (``--format json``) and the designer app."""
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message(lang),
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": format_path(self.path),
            "step_id": self.step_id,
            "suggestion": self.suggestion,
        }
