"""Findings: what the validator tells a designer, where, and how to fix it.

Every finding has a stable ``code`` (for tools and tests), a severity, a location (file,
line, column, the path like ``steps[3].fields[0]`` and the step id) and a message rendered
from :data:`MESSAGES` in Swedish (default) or English.

A parameter that is itself words (a type, a reason) is stored in both languages as
``{"sv": ..., "en": ...}`` (see :func:`phrase`), so that the English message never carries
Swedish words and the other way round.
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
    "file-unreadable": (
        "Filen går inte att läsa: {reason}.",
        "The file cannot be read: {reason}.",
    ),
    "yaml-syntax": (
        "YAML-texten går inte att läsa här: {problem}.",
        "The YAML cannot be read here: {problem}.",
    ),
    "json-syntax": (
        "JSON-texten går inte att läsa här: {problem}.",
        "The JSON cannot be read here: {problem}.",
    ),
    "duplicate-key": (
        "Nyckeln '{key}' står två gånger på samma nivå; ta bort den ena.",
        "The key '{key}' appears twice at the same level; remove one of them.",
    ),
    "not-a-journey": (
        "Filen ska innehålla en resa: nycklar som id, title, organisation och steps. Nu "
        "innehåller den {got}.",
        "The file should hold a journey: keys like id, title, organisation and steps. Now it "
        "holds {got}.",
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
        "'{key}' ska vara {expected}, men är {got}.{fix}",
        "'{key}' should be {expected}, but is {got}.{fix}",
    ),
    "too-short": ("'{key}' får inte vara tomt; {fix}.", "'{key}' must not be empty; {fix}."),
    "too-small": (
        "'{key}' ska vara minst {limit}, men är {value}.",
        "'{key}' should be at least {limit}, but is {value}.",
    ),
    "too-large": (
        "'{key}' får vara högst {limit}, men är {value}.",
        "'{key}' may be at most {limit}, but is {value}.",
    ),
    "too-long": (
        "'{key}' får vara högst {limit} tecken långt; korta det.",
        "'{key}' may be at most {limit} characters long; shorten it.",
    ),
    "out-of-range": (
        "'{key}' har ett värde som inte går att använda: {detail}.",
        "'{key}' has a value that cannot be used: {detail}.",
    ),
    # semantics
    "duplicate-step-id": (
        "Steg-id '{id}' används redan av steg nummer {first}; ge varje steg ett eget id. "
        "Id:t är stegets namn i länkar och återkoppling.",
        "Step id '{id}' is already used by step number {first}; give every step its own id. "
        "The id names the step in links and feedback.",
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
        "Det finns inget steg '{target}'.{hint} Skriv id:t för ett steg som finns, eller "
        "lägg till steget.",
        "There is no step '{target}'.{hint} Write the id of a step that exists, or add the step.",
    ),
    "unknown-start": (
        "Startsteget '{target}' finns inte.{hint} Skriv id:t för ett steg som finns, eller ta "
        "bort 'start' så börjar resan på första steget.",
        "The start step '{target}' does not exist.{hint} Write the id of a step that exists, "
        "or remove 'start' so that the journey begins at the first step.",
    ),
    "unknown-phase": (
        "Det finns ingen fas '{phase}'.{hint} Lägg till fasen under 'phases' eller välj en "
        "som finns: {known}.",
        "There is no phase '{phase}'.{hint} Add the phase under 'phases' or choose one that "
        "exists: {known}.",
    ),
    "unknown-actor": (
        "Det finns ingen aktör '{actor}'.{hint} Lägg till aktören under 'actors' eller välj "
        "en som finns: {known}.",
        "There is no actor '{actor}'.{hint} Add the actor under 'actors' or choose one that "
        "exists: {known}.",
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
    "empty-condition": (
        "'if' är tomt, så alternativet gäller alltid. Skriv ett villkor, t.ex. "
        "if: {{forare: Ja}}, eller ta bort 'if'.",
        "'if' is empty, so the entry always applies. Write a condition, e.g. "
        "if: {{forare: Ja}}, or remove 'if'.",
    ),
    "unreachable-transition": (
        "Det här alternativet används aldrig: ett tidigare alternativ utan 'if' tar alla svar. "
        "Flytta alternativet utan 'if' sist, eller ta bort det här.",
        "This entry is never used: an earlier entry without 'if' takes every answer. Move "
        "the entry without 'if' to the end, or remove this one.",
    ),
    "decision-without-default": (
        "Beslutets sista regel har ett villkor. Lägg till en sista regel utan 'if' "
        "(t.ex. outcome: manuell prövning) för när ingen regel stämmer.",
        "The decision's last rule has a condition. Add a final rule without 'if' (e.g. "
        "outcome: manual review) for when no rule holds.",
    ),
    "unreachable-rule": (
        "Den här regeln används aldrig: en tidigare regel utan 'if' tar alla fall. Flytta "
        "regeln utan 'if' sist, eller ta bort den här.",
        "This rule is never used: an earlier rule without 'if' takes every case. Move the "
        "rule without 'if' to the end, or remove this one.",
    ),
    "unreachable-step": (
        "Steget '{id}' går inte att nå från startsteget '{start}'. Peka på det med 'next' "
        "från ett annat steg, eller ta bort det.",
        "Step '{id}' cannot be reached from the start step '{start}'. Point to it with "
        "'next' from another step, or remove it.",
    ),
    "no-way-to-end": (
        "Från steget '{id}' kommer man aldrig till ett slutsteg: vägen går runt i en slinga "
        "({loop}). Låt något av stegen i slingan leda vidare mot ett steg utan 'next'.",
        "From step '{id}' no end step can ever be reached: the way goes round in a loop "
        "({loop}). Let one of the steps in the loop lead on towards a step without 'next'.",
    ),
    "no-end-step": (
        "Resan har inget slutsteg (ett steg utan 'next'), så den tar aldrig slut. Ta bort "
        "'next' från sista steget, t.ex. kvittenssidan.",
        "The journey has no end step (a step without 'next'), so it never ends. Remove "
        "'next' from the last step, e.g. the confirmation page.",
    ),
    "unknown-field": (
        "Villkoret använder fältet '{field}', som inte finns i resan.{hint} Skriv id:t för en "
        "fråga som ställs tidigare i resan.",
        "The condition uses field '{field}', which is not in the journey.{hint} Write the id "
        "of a question asked earlier in the journey.",
    ),
    "field-not-asked-before": (
        "Villkoret använder '{field}' (frågas i steget '{asked_on}'), men den frågan ställs "
        "inte på alla vägar hit, t.ex. inte på vägen {via}. Ställ frågan tidigare, eller "
        "flytta villkoret till ett steg där svaret alltid finns.",
        "The condition uses '{field}' (asked on step '{asked_on}'), but that question is not "
        "asked on every way here, e.g. not on the way {via}. Ask it earlier, or move the "
        "condition to a step where the answer always exists.",
    ),
    "value-not-an-option": (
        "'{value}' är inte ett svar som fältet '{field}' kan ha, så villkoret stämmer "
        "aldrig.{hint} Skriv svaret precis som i fältets alternativ: {options}.",
        "'{value}' is not an answer field '{field}' can have, so the condition never "
        "holds.{hint} Write the answer exactly as in the field's options: {options}.",
    ),
    "compare-needs-number": (
        "'{op}' jämför tal eller datum, men fältet '{field}' är av typen {type}. Använd eq, "
        "ne, in eller not_in för den här frågan.",
        "'{op}' compares numbers or dates, but field '{field}' is of type {type}. Use eq, "
        "ne, in or not_in for this question.",
    ),
    "compare-wrong-kind": (
        "Fältet '{field}' är av typen {type}, så '{op}' ska jämföra med {expected}, inte "
        "'{value}'.",
        "Field '{field}' is of type {type}, so '{op}' should compare with {expected}, not "
        "'{value}'.",
    ),
    "condition-not-mapping": (
        "Ett villkor ska ha formen {{fält-id: svar}}, t.ex. {{forare: Ja}}, men här står {got}.",
        "A condition should have the form {{field id: answer}}, e.g. {{forare: Ja}}, but "
        "here is {got}.",
    ),
    "condition-bad-key": (
        "'{key}' kan inte vara ett fält-id i ett villkor. Skriv id:t för en fråga, t.ex. "
        "{{forare: Ja}}.",
        "'{key}' cannot be a field id in a condition. Write the id of a question, e.g. "
        "{{forare: Ja}}.",
    ),
    "condition-missing-value": (
        "Villkoret på '{field}' saknar svar att jämföra med. Skriv t.ex. {{{field}: Ja}}, "
        "eller {{{field}: {{answered: true}}}} om det räcker att frågan är besvarad.",
        "The condition on '{field}' has no answer to compare with. Write e.g. "
        "{{{field}: Ja}}, or {{{field}: {{answered: true}}}} if any answer will do.",
    ),
    "condition-combinator-list": (
        "'{key}' ska följas av en lista med villkor, t.ex. {key}: [{{a: Ja}}, {{b: Nej}}].",
        "'{key}' should be followed by a list of conditions, e.g. {key}: [{{a: Ja}}, {{b: Nej}}].",
    ),
    "condition-one-operator": (
        "Villkoret på '{field}' har {count} operatorer men ska ha en ({ops}). Skriv flera "
        "villkor under all:, t.ex. all: [{{{field}: {{gte: 18}}}}, {{{field}: {{lt: 65}}}}].",
        "The condition on '{field}' has {count} operators but should have one ({ops}). Write "
        "several conditions under all:, e.g. all: [{{{field}: {{gte: 18}}}}, "
        "{{{field}: {{lt: 65}}}}].",
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
        "Skriv answered: true (frågan är besvarad) eller answered: false (den är obesvarad).",
        "Write answered: true (the question is answered) or answered: false (it is not).",
    ),
    "condition-needs-number": (
        "'{op}' jämför med ett tal eller ett datum, inte '{got}'. Skriv t.ex. {op}: 18 eller "
        "{op}: 2025-06-01.",
        "'{op}' compares with a number or a date, not '{got}'. Write e.g. {op}: 18 or "
        "{op}: 2025-06-01.",
    ),
    "condition-list-needs-in": (
        "'{field}' jämförs med en lista. Skriv {{{field}: {{in: [...]}}}} om svaret ska vara "
        "något av värdena i listan.",
        "'{field}' is compared with a list. Write {{{field}: {{in: [...]}}}} if the answer "
        "should be one of the values in the list.",
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
        "Svarsalternativet '{value}' står två gånger i fältet '{id}'; ta bort det ena.",
        "The option '{value}' appears twice in field '{id}'; remove one of them.",
    ),
    "too-few-options": (
        "Fältet '{id}' har bara ett svarsalternativ; ge minst två, eller använd en kryssruta.",
        "Field '{id}' has only one option; give at least two, or use a checkbox.",
    ),
    "rule-not-for-type": (
        "Regeln '{rule}' gäller bara fält av typen {applies}, inte {type}.{hint} Ta bort "
        "regeln eller byt till en som passar fältet.",
        "The rule '{rule}' only applies to fields of type {applies}, not {type}.{hint} Remove "
        "the rule or use one that fits the field.",
    ),
    "min-above-max": (
        "'{low}' ({low_value}) är större än '{high}' ({high_value}), så inget svar kan "
        "godkännas. Byt plats på värdena eller ändra dem.",
        "'{low}' ({low_value}) is greater than '{high}' ({high_value}), so no answer can "
        "pass. Swap the values or change them.",
    ),
    "bad-regex": (
        "Mönstret '{pattern}' går inte att använda: {reason}. Rätta mönstret, eller ta bort "
        "'pattern' om det inte behövs.",
        "The pattern '{pattern}' cannot be used: {reason}. Correct the pattern, or remove "
        "'pattern' if it is not needed.",
    ),
    "bad-date": (
        "'{value}' är inte ett datum. Skriv t.ex. 2025-06-01, today eller today-18y.",
        "'{value}' is not a date. Write e.g. 2025-06-01, today or today-18y.",
    ),
    "required-without-message": (
        "Skriv felmeddelandet som visas när frågan inte besvaras, så att personen vet vad "
        'hen ska göra, t.ex. required: "{example}".',
        "Write the error message shown when the question is not answered, so that the "
        'person knows what to do, e.g. required: "{example}".',
    ),
    "fields-on-end-step": (
        "Steget '{id}' har frågor men inget 'next', så svaren skickas aldrig. Lägg till "
        "'next' till t.ex. en sida där svaren kontrolleras, eller ta bort frågorna.",
        "Step '{id}' asks questions but has no 'next', so the answers are never sent. Add "
        "'next' to e.g. a check-your-answers page, or remove the questions.",
    ),
    "fields-on-pattern": (
        "Ett steg med pattern {pattern} ska inte ha egna frågor; lägg dem i ett eget steg.",
        "A step with pattern {pattern} should not ask questions; put them on a step of their own.",
    ),
    "confirmation-not-end": (
        "Kvittenssidan (pattern: confirmation) brukar avsluta e-tjänsten, men här går resan "
        "vidare till '{target}'. Ta bort 'next', eller låt nästa steg vara ett offline-steg "
        "(t.ex. ett brev med beslutet).",
        "The confirmation page usually ends the e-service, but here the journey goes on to "
        "'{target}'. Remove 'next', or let the next step be an offline step (e.g. a letter "
        "with the decision).",
    ),
    "start-not-first": (
        "Startsidan (pattern: start) är inte första steget; invånarna börjar på '{first}'. "
        "Flytta startsidan först, eller skriv start: {id} överst i resan.",
        "The start page (pattern: start) is not the first step; citizens begin at '{first}'. "
        "Move the start page first, or write start: {id} at the top of the journey.",
    ),
    "too-many-fields": (
        "Steget '{id}' har {count} frågor. Dela upp det på flera sidor (högst {limit} per "
        "sida; helst en sak per sida).",
        "Step '{id}' has {count} questions. Split it into several screens (at most {limit} "
        "per screen; ideally one thing per page).",
    ),
    "lix-too-high": (
        "Texten är svår att läsa: LIX {lix} (målet är högst {target}). Korta de längsta "
        "meningarna och byt långa ord mot vardagliga: {sentences}",
        "The text is hard to read: LIX {lix} (target at most {target}). Shorten the longest "
        "sentences and use everyday words instead of long ones: {sentences}",
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

PHRASES: dict[str, tuple[str, str]] = {
    # what a value is (wrong-type, not-a-journey, condition-not-mapping)
    "text": ("en text", "a text"),
    "int": ("ett heltal", "a whole number"),
    "number": ("ett tal", "a number"),
    "bool": ("true eller false", "true or false"),
    "list": ("en lista", "a list"),
    "mapping": ("en mappning (nycklar med värden)", "a mapping (keys with values)"),
    "empty-mapping": ("en tom mappning {}", "an empty mapping {}"),
    "date": ("ett datum", "a date"),
    "datetime": ("ett datum med klockslag", "a date with a time"),
    "date-only": ("ett datum utan klockslag", "a date without a time"),
    "null": ("tomt", "empty"),
    "nothing": ("ingenting (filen är tom)", "nothing (the file is empty)"),
    "other": ("ett okänt slags värde", "an unknown kind of value"),
    # how to fix a wrong type
    "quote-it": (
        ' Sätt citattecken runt värdet ("{value}") så blir det en text.',
        ' Put quotes round the value ("{value}") so that it is a text.',
    ),
    "write-goto": (
        " Skriv varje alternativ i 'next' som - goto: {value}, eller skriv next: {value} om "
        "det bara finns ett.",
        " Write each entry of 'next' as - goto: {value}, or write next: {value} if there is "
        "only one.",
    ),
    # how to fill something empty (too-short)
    "fill-text": ("skriv en text", "write a text"),
    "add-step": ("lägg till minst ett steg", "add at least one step"),
    "add-rule": ("lägg till minst en regel", "add at least one rule"),
    "add-item": ("lägg till minst ett värde", "add at least one value"),
    # why a file cannot be read
    "not-found": ("den finns inte; kontrollera sökvägen", "it does not exist; check the path"),
    "is-directory": (
        "det är en mapp, inte en fil; ange en .yaml- eller .json-fil",
        "it is a folder, not a file; give a .yaml or .json file",
    ),
    "no-permission": (
        "du har inte behörighet att läsa den",
        "you do not have permission to read it",
    ),
    "not-utf8": (
        "den är inte sparad som UTF-8-text; spara om den som UTF-8 i din editor",
        "it is not saved as UTF-8 text; save it again as UTF-8 in your editor",
    ),
    "too-deep": (
        "den är för djupt nästlad; förenkla strukturen",
        "it is nested too deeply; simplify the structure",
    ),
    # the condition comparisons (compare-wrong-kind)
    "a-number": ("ett tal, t.ex. {op}: 18", "a number, e.g. {op}: 18"),
    "a-date": ("ett datum, t.ex. {op}: 2025-06-01", "a date, e.g. {op}: 2025-06-01"),
    # why a regular expression cannot be used (bad-regex)
    "regex-open-paren": ("en parentes ( stängs aldrig med )", "a bracket ( is never closed with )"),
    "regex-close-paren": ("en ) saknar sin (", "a ) has no matching ("),
    "regex-open-set": (
        "en hakparentes [ stängs aldrig med ]",
        "a square bracket [ is never closed with ]",
    ),
    "regex-repeat": (
        "*, + eller ? står där det inte finns något att upprepa",
        "*, + or ? stands where there is nothing to repeat",
    ),
    # empty lists of known ids (unknown-phase, unknown-actor)
    "none-yet": ("det finns inga ännu", "there are none yet"),
}
"""Words used as parameters, in Swedish and English; see :func:`phrase`."""


def phrase(key: str, **values: Any) -> dict[str, str]:
    """A parameter value in both languages, e.g. ``phrase("list")`` for wrong-type."""
    sv, en = PHRASES[key]
    return {
        "sv": sv.format(**values) if values else sv,
        "en": en.format(**values) if values else en,
    }


def both(sv: str, en: str) -> dict[str, str]:
    """A parameter value given in both languages directly."""
    return {"sv": sv, "en": en}


def _in_language(value: Any, lang: Lang) -> Any:
    if isinstance(value, dict) and set(value) == {"sv", "en"}:
        return value[lang]
    return value


def render(code: str, params: dict[str, Any], lang: Lang = "sv") -> str:
    """The message for a code in a language, with its values filled in."""
    sv, en = MESSAGES[code]
    template = sv if lang == "sv" else en
    values = {key: _in_language(value, lang) for key, value in params.items()}
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
