"""Plain data for the journey editor: what the page shows, built from a journey and its findings.

No Reflex here: the editor page keeps the journey as JSON text in its state, rebuilds the
:class:`~journeys.model.Journey`, changes it with :mod:`journeys.editing` and asks these
functions what to show (the outline of phases and steps, the selected step with its
questions and ways on, the findings placed on the step and question they concern).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from journeys import editing, files
from journeys import store as journey_store
from journeys.findings import Finding, Severity
from journeys.model import (
    CHANNEL_LABELS,
    CHOICE_TYPES,
    DecisionStep,
    FieldType,
    FormField,
    Journey,
    OfflineStep,
    ScreenStep,
)
from journeys.validate import RULE_TYPES
from toolkit import routes

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "journeys" / "examples"
NO_PHASE = "-"
"""The value of the phase select for "no phase" (Reflex selects cannot hold an empty value)."""
END = "-"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
"""The value of the next-step select for "the journey ends here"."""

STRINGS: dict[str, tuple[str, str]] = {
    "title": ("Redigera resan", "Edit the journey"),
    "outline": ("Faser och steg", "Phases and steps"),
    "no_phase": ("Utan fas", "No phase"),
    "move_up": ("Flytta upp", "Move up"),
    "move_down": ("Flytta ner", "Move down"),
    "duplicate": ("Duplicera", "Duplicate"),
    "delete": ("Ta bort", "Delete"),
    "undo": ("Ångra", "Undo"),
    "add_step": ("Lägg till steg", "Add a step"),
    "add_phase": ("Lägg till fas", "Add a phase"),
    "rename_phase": ("Byt namn", "Rename"),
    "step": ("Steget", "The step"),
    "step_title": ("Rubrik", "Title"),
    "kind": ("Typ av steg", "Kind of step"),
    "phase": ("Fas", "Phase"),
    "actor": ("Aktör", "Actor"),
    "channel": ("Kanal", "Channel"),
    "body": ("Text (Markdown)", "Text (Markdown)"),
    "body_preview": ("Så ser texten ut", "How the text looks"),
    "button": ("Knappens text", "Button label"),
    "pattern": ("Mönster", "Pattern"),
    "duration": ("Hur lång tid det brukar ta", "How long it usually takes"),
    "manual": ("En handläggare beslutar", "A case officer decides"),
    "save_step": ("Uppdatera steget", "Update the step"),
    "fields": ("Frågor", "Questions"),
    "add_field": ("Lägg till fråga", "Add a question"),
    "label": ("Fråga", "Question"),
    "hint": ("Hjälptext", "Hint"),
    "type": ("Typ av fråga", "Type of question"),
    "options": ("Svarsalternativ, ett per rad", "Options, one per line"),
    "required": (
        "Felmeddelande när frågan inte besvaras (tomt = frivillig)",
        "Error message when not answered (empty = optional)",
    ),
    "save_field": ("Uppdatera frågan", "Update the question"),
    "rule_value": ("Värde", "Value"),
    "rule_message": ("Felmeddelande", "Error message"),
    "branches": ("Vart steget leder", "Where the step leads"),
    "default_next": ("Nästa steg i alla andra fall", "Next step in all other cases"),
    "set_next": ("Välj nästa steg", "Set next step"),
    "end": ("Resan slutar här", "The journey ends here"),
    "rule_builder": ("Nytt villkor", "New condition"),
    "if_field": ("Om frågan", "If the question"),
    "is_value": ("är", "is"),
    "goto": ("gå till", "go to"),
    "add_branch": ("Lägg till villkor", "Add the condition"),
    "rules": ("Beslutets regler", "The decision's rules"),
    "outcome": ("Utfall", "Outcome"),
    "explanation": ("Förklaring till invånaren", "Explanation for the citizen"),
    "save_rule": ("Uppdatera regeln", "Update the rule"),
    "add_rule": ("Lägg till regel", "Add the rule"),
    "findings": ("Att åtgärda", "To fix"),
    "no_findings": ("Inga fel eller varningar.", "No errors or warnings."),
    "show": ("Visa", "Show"),
    "save": ("Spara utkast", "Save draft"),
    "note": ("Vad ändrade du? (valfritt)", "What did you change? (optional)"),
    "publish": ("Publicera", "Publish"),
    "reload": ("Ladda om resan", "Reload the journey"),
    "compare": ("Jämför med din version", "Compare with your version"),
    "preview": ("Förhandsvisning i mobilen", "Phone preview"),
    "flow": ("Flödet", "The flow"),
    "unsaved": ("Osparade ändringar", "Unsaved changes"),
    "saved_rev": ("Sparad som revision {n}", "Saved as revision {n}"),
    "new": ("Ny resa", "New journey"),
    "template": ("Börja från", "Start from"),
    "journey_title": ("Resans titel", "The journey's title"),
    "organisation": ("Organisation", "Organisation"),
    "journey_id": ("Id (valfritt, bildas av titeln)", "Id (optional, made from the title)"),
    "create": ("Skapa och redigera", "Create and edit"),
    "edit": ("Redigera", "Edit"),
    "to_map": ("Resekarta", "Journey map"),
    "to_versions": ("Versioner", "Versions"),
    "to_share": ("Dela och QR", "Share and QR"),
    "to_history": ("Historik", "History"),
    "to_try": ("Prova utkastet (senast sparade)", "Try the draft (last saved)"),
    "to_copy": ("Kopiera ett steg från en annan resa", "Copy a step from another journey"),
    "n_errors": (" fel · ", " errors · "),
    "n_warnings": (" varningar", " warnings"),
    "new_name": ("Nytt namn", "New name"),
    "deleted": ("Borttaget steg:", "Deleted step:"),
    "not_found": ("Resan finns inte", "There is no such journey"),
    "back": ("Tillbaka till resorna", "Back to the journeys"),
    "details": ("Om resan", "About the journey"),
    "licence": ("Licens (SPDX, t.ex. CC-BY-4.0)", "Licence (SPDX, e.g. CC-BY-4.0)"),
    "service_area": ("Verksamhetsområde", "Service area"),
    "description": ("Beskrivning", "Description"),
    "lix_target": ("Högsta LIX innan varning", "Highest LIX before a warning"),
    "origin": ("Ursprung (om resan kommer från någon annan)", "Origin (when reused)"),
    "start": ("Första steget", "First step"),
    "first_in_list": ("Det första i listan", "The first in the list"),
    "save_details": ("Uppdatera resans uppgifter", "Update the journey's details"),
    "actors": ("Aktörer", "Actors"),
    "role": ("Roll", "Role"),
    "add_actor": ("Lägg till aktör", "Add an actor"),
    "actor_name": ("Namn", "Name"),
    "receiver": ("Mottagare", "Receiver"),
    "step_id": ("Stegets id", "The step's id"),
    "change_id": ("Byt id", "Change id"),
    "change_id_warning": (
        "Återkoppling och publicerade versioner känner steget och frågan vid det gamla id:t. "
        "Byt hellre rubrik om steget redan har testats.",
        "Feedback and published versions know the step and question by the old id. "
        "Rename the title instead if the step has been tested.",
    ),
    "field_id": ("Frågans id", "The question's id"),
    "operator": ("Jämförelse", "Comparison"),
    "values": ("är något av", "is one of"),
    "first_match": (
        "Villkoren prövas uppifrån och ner: det första som stämmer gäller. "
        "Flytta ett villkor för att ändra ordningen.",
        "The conditions are tried from the top: the first that holds is taken. "
        "Move a condition to change the order.",
    ),
    "first_match_rules": (
        "Reglerna prövas uppifrån och ner: den första som stämmer avgör beslutet.",
        "The rules are tried from the top: the first that holds decides.",
    ),
    "edit_condition": ("Ändra villkoret", "Edit the condition"),
    "no_questions": (
        "Villkor frågar om ett svar. Lägg först till en fråga på ett steg, sedan kan du "
        "skriva villkor här.",
        "A condition asks about an answer. First add a question to a step, then write "
        "conditions here.",
    ),
    "update_branch": ("Spara villkoret", "Save the condition"),
    "cancel": ("Avbryt", "Cancel"),
    "editing_n": ("Ändrar villkor {n}", "Editing condition {n}"),
    "published": (
        "Publicerad som version {n}. Skapa en delningslänk under ”Dela och QR”.",
        "Published as version {n}. Make a share link under ”Share and QR”.",
    ),
    "version_note": ("Versionsanteckning", "Version note"),
    "pending": (
        "Du har osparade ändringar från {when}.",
        "You have unsaved changes from {when}.",
    ),
    "pending_continue": ("Fortsätt med dem", "Continue with them"),
    "pending_discard": ("Släng dem", "Throw them away"),
    "draft_gone": (
        "De osparade ändringarna finns inte längre. Du ser resan som den är sparad.",
        "The unsaved changes are gone. You see the journey as it is saved.",
    ),
    "leave": (
        "Du har osparade ändringar. Lämna sidan ändå?",
        "You have unsaved changes. Leave the page anyway?",
    ),
    "designer_only": ("Bara designer kan ändra resor", "Only designers can change journeys"),
    "designer_only_body": (
        "Du är inloggad som facilitator. Du kan se resekartan och köra workshoppar, men be "
        "en designer i din organisation om du vill ändra resan.",
        "You are signed in as a facilitator. You can see the journey map and run workshops; "
        "ask a designer in your organisation if the journey should change.",
    ),
}

KIND_LABELS = {
    "sv": {"screen": "Skärm", "decision": "Beslut", "offline": "Utanför e-tjänsten"},
    "en": {"screen": "Screen", "decision": "Decision", "offline": "Offline"},
}
FIELD_TYPE_LABELS = {
    "text": ("Kort text", "Short text"),
    "textarea": ("Lång text", "Long text"),
    "number": ("Tal", "Number"),
    "date": ("Datum", "Date"),
    "radios": ("Radioknappar (ett svar)", "Radios (one answer)"),
    "checkboxes": ("Kryssrutor (flera svar)", "Checkboxes (several answers)"),
    "select": ("Lista (ett svar)", "Select (one answer)"),
    "yesno": ("Ja eller nej", "Yes or no"),
    "personnummer": ("Personnummer", "Personal identity number"),
    "email": ("E-postadress", "E-mail address"),
    "phone": ("Telefonnummer", "Phone number"),
    "file": ("Fil (låtsas)", "File (pretend)"),
}
RULE_LABELS = {
    "min_length": ("Minst antal tecken", "Minimum characters"),
    "max_length": ("Högst antal tecken", "Maximum characters"),
    "pattern": ("Mönster (reguljärt uttryck)", "Pattern (regular expression)"),
    "min": ("Minsta värde", "Minimum value"),
    "max": ("Högsta värde", "Maximum value"),
    "min_date": ("Tidigaste datum (t.ex. today-18y)", "Earliest date (e.g. today-18y)"),
    "max_date": ("Senaste datum (t.ex. today)", "Latest date (e.g. today)"),
}
STANDARD_TEMPLATE = "standard-e-service"
BLANK_TEMPLATE = "blank"


def s(key: str, lang: str = "sv", **values: Any) -> str:
    """An editor string in Swedish or English."""
    sv, en = STRINGS[key]
    text = en if lang == "en" else sv
    return text.format(**values) if values else text


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def clock_time(when: dt.datetime, now: dt.datetime, lang: str = "sv") -> str:
    """ "kl. 10:42" (Swedish time), with the date when it was not today."""
    zone = ZoneInfo("Europe/Stockholm")
    local, today = when.astimezone(zone), now.astimezone(zone).date()
    clock = local.strftime("%H:%M")
    if lang == "en":
        return clock if local.date() == today else f"{local.date().isoformat()} {clock}"
    return f"kl. {clock}" if local.date() == today else f"{local.date().isoformat()} kl. {clock}"


def fingerprint(*parts: Any) -> str:
    """A short digest of what a form shows: its key, so it remounts only when that changes."""
    text = json.dumps([_plain(p) for p in parts], sort_keys=True, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def step_form_part(step: StepView) -> dict[str, Any]:
    """What the step form itself shows (not its questions, ways or findings)."""
    shown = dataclasses.asdict(step)
    for key in ("fields", "ways", "findings"):
        shown.pop(key, None)
    return shown


def error_label(errors: int, lang: str = "sv") -> str:
    """ "2 fel" / "1 error", "2 errors"."""
    if lang == "en":
        return f"{errors} error" if errors == 1 else f"{errors} errors"
    return f"{errors} fel"


def count_label(errors: int, warnings: int, lang: str = "sv") -> str:
    """The save bar's count: "1 fel · 2 varningar" / "1 error · 2 warnings"."""
    if lang == "en":
        said = "warning" if warnings == 1 else "warnings"
        return f"{error_label(errors, lang)} · {warnings} {said}"
    return f"{errors} fel · {warnings} {'varning' if warnings == 1 else 'varningar'}"


@dataclass
class StepRow:
    """One step in the outline."""

    id: str = ""
    title: str = ""
    kind: str = ""
    kind_label: str = ""
    errors: int = 0
    warnings: int = 0
    first: bool = False
    last: bool = False
    selected: bool = False
    error_label: str = ""
    """e.g. "1 fel" / "2 errors" (the outline's badge)."""


@dataclass
class PhaseGroup:
    """A phase with its steps, in journey order."""

    id: str = ""
    title: str = ""
    steps: list[StepRow] = field(default_factory=list)


@dataclass
class FindingRow:
    """A validation finding, placed on a step and (when it concerns one) a question."""

    severity: str = ""
    message: str = ""
    step_id: str = ""
    step_title: str = ""
    field_id: str = ""
    target: str = ""
    """The id of the control to focus when the designer follows the finding."""
    jump_step: str = ""
    """The step to select when the designer follows the finding (where the question is)."""


@dataclass
class RuleView:
    """One validation rule of a question: its value and error message as text."""

    name: str = ""
    label: str = ""
    value: str = ""
    message: str = ""


@dataclass
class FieldView:
    """One question of the selected screen, as the field form shows it."""

    id: str = ""
    type: str = ""
    label: str = ""
    hint: str = ""
    options: str = ""
    has_options: bool = False
    required: str = ""
    rules: list[RuleView] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    first: bool = False
    last: bool = False
    dom_id: str = ""
    key: str = ""
    """A digest of what the question's form shows: it remounts only when that changes."""


@dataclass
class WayView:
    """A way on from a screen or offline step, or a rule of a decision."""

    index: int = 0
    condition: str = ""
    goto: str = ""
    goto_title: str = ""
    is_default: bool = False
    outcome: str = ""
    explanation: str = ""
    can_edit: bool = True
    last_conditional: bool = False


@dataclass
class StepView:
    """The selected step as the step form shows it."""

    id: str = ""
    title: str = ""
    kind: str = "screen"
    phase: str = NO_PHASE
    actor: str = NO_PHASE
    receiver: str = NO_PHASE
    channel: str = "web"
    body: str = ""
    button: str = ""
    pattern: str = NO_PHASE
    duration: str = ""
    manual: bool = False
    fields: list[FieldView] = field(default_factory=list)
    ways: list[WayView] = field(default_factory=list)
    default_next: str = END
    findings: list[FindingRow] = field(default_factory=list)


# --- choices for the selects ----------------------------------------------------------------


def kind_choices(lang: str = "sv") -> list[list[str]]:
    """[[value, label], ...] of the step kinds."""
    labels = KIND_LABELS["en" if lang == "en" else "sv"]
    return [[k, labels[k]] for k in editing.STEP_KINDS]


def field_type_choices(lang: str = "sv") -> list[list[str]]:
    """[[value, label], ...] of every field type of the journey model."""
    return [[t.value, _pick(FIELD_TYPE_LABELS[t.value], lang)] for t in FieldType]


def channel_choices(lang: str = "sv") -> list[list[str]]:
    """[[value, label], ...] of the channels."""
    return [[k, v] for k, v in CHANNEL_LABELS["en" if lang == "en" else "sv"].items()]


def pattern_choices(lang: str = "sv") -> list[list[str]]:
    """The built-in e-service patterns a screen can follow, "an ordinary page" first."""
    sv = lang != "en"
    return [
        [NO_PHASE, "Vanlig sida" if sv else "Ordinary page"],
        ["start", "Startsida" if sv else "Start page"],
        ["e-id", "E-legitimation (låtsas)" if sv else "E-identification (pretend)"],
        ["check-answers", "Kontrollera dina svar" if sv else "Check your answers"],
        ["confirmation", "Bekräftelse med ärendenummer" if sv else "Confirmation, case number"],
    ]


def phase_choices(journey: Journey, lang: str = "sv") -> list[list[str]]:
    """The journey's phases, with "no phase" first."""
    return [[NO_PHASE, s("no_phase", lang)]] + [[p.id, p.title] for p in journey.phases]


def actor_choices(journey: Journey, lang: str = "sv") -> list[list[str]]:
    """The journey's actors, with "no actor" first."""
    none = "Ingen aktör" if lang != "en" else "No actor"
    return [[NO_PHASE, none]] + [[a.id, a.title] for a in journey.all_actors()]


def step_choices(journey: Journey, lang: str = "sv", *, end: bool = False) -> list[list[str]]:
    """The steps as [[id, title], ...], with "the journey ends here" first when ``end``."""
    rows = [[st.id, f"{st.title} ({st.id})"] for st in journey.steps]
    return ([[END, s("end", lang)]] if end else []) + rows


def question_choices(journey: Journey) -> list[list[str]]:
    """Every question of the journey as [[id, label], ...] for the rule builder."""
    return [
        [f.id, f"{f.label} ({f.id})"]
        for st in journey.steps
        if isinstance(st, ScreenStep)
        for f in st.fields
    ]


def answer_choices(journey: Journey) -> list[str]:
    """Every answer a choice question of the journey offers (Ja and Nej for yes/no), for
    the rule builder's suggestions."""
    seen: dict[str, None] = {}
    for st in journey.steps:
        if isinstance(st, ScreenStep):
            for f in st.fields:
                for value in f.option_values() or []:
                    seen.setdefault(value)
    return list(seen)


def template_choices(lang: str = "sv") -> list[list[str]]:
    """Where a new journey can start: blank, the standard e-service, each example."""
    sv = lang != "en"
    out = [
        [BLANK_TEMPLATE, "Tom resa (en startsida)" if sv else "Blank journey (one start page)"],
        [
            STANDARD_TEMPLATE,
            "Standard e-tjänst (start, e-legitimation, frågor, kontrollera, bekräftelse)"
            if sv
            else "Standard e-service (start, e-id, questions, check answers, confirmation)",
        ],
    ]
    for path in sorted(EXAMPLES_DIR.glob("*.yaml")):
        document = files.read_file(path)
        if document.journey is not None:
            word = "Exempel" if sv else "Example"
            out.append([f"example:{path.stem}", f"{word}: {document.journey.title}"])
    return out


def journey_from_template(template: str, title: str, organisation: str, id: str = "") -> Journey:
    """A new journey from a template value of :func:`template_choices`.

    The id is a slug of the title unless given. An example keeps its steps, gets the new
    id, title and organisation, and ``origin`` says which example it came from. Raises
    :class:`journeys.editing.EditError` with a message to show.
    """
    title = (title or "").strip()
    if not title:
        raise editing.EditError("Skriv resans titel.", "Write the journey's title.")
    journey_id = (id or "").strip() or files.slugify(title)[:72].strip("-") or "resa"
    if template in (BLANK_TEMPLATE, STANDARD_TEMPLATE):
        return editing.new_journey(journey_id, title, organisation, template=template)  # type: ignore[arg-type]
    if template.startswith("example:"):
        path = EXAMPLES_DIR / f"{Path(template.removeprefix('example:')).name}.yaml"
        document = files.read_file(path) if path.exists() else None
        if document is None or document.journey is None:
            raise editing.EditError(
                "Det exemplet finns inte. Välj en annan mall.",
                "That example does not exist. Choose another template.",
            )
        base = editing.new_journey(journey_id, title, organisation)  # checks id and texts
        example = document.journey
        data = files.journey_dict(example)
        data.update(id=base.id, title=base.title, organisation=base.organisation)
        copied = Journey.model_validate(data)
        return editing.mark_origin(copied, example)
    raise editing.EditError(
        "Okänd mall. Välj en av mallarna i listan.", "Unknown template. Choose one from the list."
    )


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def journey_named(titles: list[tuple[str, str]], title: str) -> str:
    """The id of a journey among ``(id, title)`` whose title is ``title`` (ignoring case and
    spaces), or ''."""
    wanted = _same(title)
    if not wanted:
        return ""
    return next((jid for jid, other in titles if _same(other) == wanted), "")


def title_taken_message(title: str, lang: str = "sv") -> str:
    """Why a new journey may not take a title that another journey has."""
    if lang == "en":
        return (
            f"There is already a journey called ”{title.strip()}”. Choose another name or "
            "open that one."
        )
    return (
        f"Det finns redan en resa som heter ”{title.strip()}”. Välj ett annat namn eller öppna den."
    )


def flow_draft_src(journey_id: str, step_id: str, token: str, counter: int, lang: str) -> str:
    """The flow diagram of the editor's draft (marking the selected step); ``counter``
    changes the address after each edit so the browser fetches the new drawing."""
    query = {"step": step_id, "draft": token, "lang": lang, "v": str(counter)}
    return f"{routes.flow_svg_path(journey_id)}?{urlencode(query)}"


# --- journey as state text ------------------------------------------------------------------


def dump(journey: Journey) -> str:
    """The journey as compact JSON for the editor's state."""
    return json.dumps(files.journey_dict(journey), ensure_ascii=False, separators=(",", ":"))


def load(text: str) -> Journey:
    """The journey back from :func:`dump`."""
    return Journey.model_validate(json.loads(text))


# --- findings -------------------------------------------------------------------------------


def field_dom_id(field_id: str) -> str:
    """The id of a question's label input in the editor (what a finding focuses)."""
    return f"field-label-{field_id}"


def field_of(journey: Journey, path: tuple[str | int, ...]) -> str:
    """The question a finding's path points into (``steps[2].fields[0]...``), or ''."""
    if len(path) >= 4 and path[0] == "steps" and path[2] == "fields":
        step_index, field_index = path[1], path[3]
        if (
            isinstance(step_index, int)
            and isinstance(field_index, int)
            and 0 <= step_index < len(journey.steps)
        ):
            step = journey.steps[step_index]
            if isinstance(step, ScreenStep) and 0 <= field_index < len(step.fields):
                return step.fields[field_index].id
    return ""


def step_of(journey: Journey, finding: Finding) -> str:
    """The step a finding concerns: its own ``step_id`` or the step its path points into."""
    if finding.step_id:
        return finding.step_id
    path = finding.path
    if (
        len(path) >= 2
        and path[0] == "steps"
        and isinstance(path[1], int)
        and 0 <= path[1] < len(journey.steps)
    ):
        return journey.steps[path[1]].id
    return ""


def finding_rows(journey: Journey, findings: list[Finding], lang: str = "sv") -> list[FindingRow]:
    """The findings, each with the step and question it concerns, errors first."""
    titles = {st.id: st.title for st in journey.steps}
    questions = journey.fields()
    rows = []
    for f in sorted(findings, key=lambda f: f.severity != Severity.error):
        step_id = step_of(journey, f)
        field_id = field_of(journey, f.path)
        named = f.params.get("field")
        if not field_id and isinstance(named, str) and named in questions:
            field_id = named  # e.g. a condition's answer that is not one of the options
        jump = questions[field_id][0].id if field_id in questions else step_id
        if field_id and f.code in _OPTION_CODES:
            target = f"field-options-{field_id}"
        elif field_id:
            target = field_dom_id(field_id)
        else:
            target = "step-title"
        rows.append(
            FindingRow(
                severity=f.severity.value,
                message=editor_message(journey, f, lang),
                step_id=step_id,
                step_title=titles.get(step_id, ""),
                field_id=field_id,
                target=target,
                jump_step=jump,
            )
        )
    return rows


_OPTION_CODES = frozenset({"value-not-an-option", "too-few-options", "options-missing"})

# The validator speaks of the YAML file ('next', 'if', field ids); in the editor the same
# findings name the question by its label and the step by its title, and say what to do
# with the editor's own controls. The validator's own texts (CLI, file import) stay as they are.
EDITOR_MESSAGES: dict[str, tuple[str, str]] = {
    "empty-next": (
        'Steget leder ingenstans. Välj nästa steg under "Vart steget leder", eller '
        '"Resan slutar här" om det är ett slutsteg.',
        'The step leads nowhere. Choose the next step under "Where the step leads", or '
        '"The journey ends here" for an end step.',
    ),
    "next-without-default": (
        'Alla vägar härifrån har ett villkor. Välj "Nästa steg i alla andra fall" för när '
        "inget villkor stämmer.",
        'Every way on from here has a condition. Choose "Next step in all other cases" for '
        "when no condition holds.",
    ),
    "empty-condition": (
        "Ett villkor är tomt, så det gäller alltid. Ändra villkoret eller ta bort det.",
        "A condition is empty, so it always holds. Edit the condition or remove it.",
    ),
    "unreachable-transition": (
        "Den här vägen används aldrig: en tidigare väg utan villkor tar alla svar. Flytta "
        "vägen utan villkor sist, eller ta bort den här.",
        "This way is never taken: an earlier way without a condition takes every answer. "
        "Move the way without a condition last, or remove this one.",
    ),
    "decision-without-default": (
        "Beslutets sista regel har ett villkor. Lägg till en sista regel utan villkor "
        "(t.ex. manuell prövning) för när ingen regel stämmer.",
        "The decision's last rule has a condition. Add a final rule without a condition "
        "(e.g. manual review) for when no rule holds.",
    ),
    "unreachable-rule": (
        "Den här regeln används aldrig: en tidigare regel utan villkor tar alla fall. Flytta "
        "regeln utan villkor sist, eller ta bort den här.",
        "This rule is never used: an earlier rule without a condition takes every case. "
        "Move the rule without a condition last, or remove this one.",
    ),
    "unreachable-step": (
        "Steget '{id}' går inte att nå från första steget '{start}'. Lägg till en väg hit "
        "från ett annat steg, eller ta bort steget.",
        "The step '{id}' cannot be reached from the first step '{start}'. Add a way here "
        "from another step, or remove the step.",
    ),
    "no-way-to-end": (
        "Från steget '{id}' kommer man aldrig till ett slutsteg: vägen går runt i en slinga "
        "({loop}). Låt något av stegen i slingan leda vidare mot ett steg där resan slutar.",
        "From the step '{id}' no end step can ever be reached: the way goes round in a loop "
        "({loop}). Let one of the steps in the loop lead on towards a step where the "
        "journey ends.",
    ),
    "no-end-step": (
        'Resan har inget slutsteg, så den tar aldrig slut. Välj "Resan slutar här" på '
        "sista steget, t.ex. kvittenssidan.",
        'The journey has no end step, so it never ends. Choose "The journey ends here" on '
        "the last step, e.g. the confirmation page.",
    ),
    "fields-on-end-step": (
        "Steget '{id}' har frågor men resan slutar där, så svaren skickas aldrig. Låt steget "
        "leda vidare till t.ex. en sida där svaren kontrolleras, eller ta bort frågorna.",
        "The step '{id}' asks questions but the journey ends there, so the answers are never "
        "sent. Let the step lead on to e.g. a check-your-answers page, or remove the questions.",
    ),
    "value-not-an-option": (
        "'{value}' är inte ett svar som frågan '{field}' kan ha, så villkoret stämmer "
        "aldrig. Välj ett av frågans svarsalternativ: {options}.",
        "'{value}' is not an answer the question '{field}' can have, so the condition never "
        "holds. Choose one of the question's options: {options}.",
    ),
    "compare-needs-number": (
        "Frågan '{field}' är av typen {type}, så den kan inte jämföras som ett tal eller "
        'datum. Välj "är", "är inte" eller "är något av".',
        "The question '{field}' is of type {type}, so it cannot be compared as a number or "
        'date. Choose "is", "is not" or "is one of".',
    ),
    "field-not-asked-before": (
        "Villkoret använder frågan '{field}' (i steget '{asked_on}'), men den ställs inte på "
        "alla vägar hit, t.ex. inte på vägen {via}. Ställ frågan tidigare, eller flytta "
        "villkoret till ett steg där svaret alltid finns.",
        "The condition uses the question '{field}' (on the step '{asked_on}'), but it is not "
        "asked on every way here, e.g. not on the way {via}. Ask it earlier, or move the "
        "condition to a step where the answer always exists.",
    ),
    "unknown-field": (
        "Villkoret använder en fråga ('{field}') som inte finns i resan. Ändra villkoret och "
        "välj en fråga som ställs tidigare i resan.",
        "The condition uses a question ('{field}') that is not in the journey. Edit the "
        "condition and choose a question asked earlier in the journey.",
    ),
}
_STEP_PARAMS = ("id", "start", "asked_on")
_STEP_CODES = frozenset(
    {"unreachable-step", "no-way-to-end", "fields-on-end-step", "field-not-asked-before"}
)


def _word(value: Any, lang: str) -> Any:
    """A parameter stored in both languages (``{"sv": ..., "en": ...}``) in one of them."""
    if isinstance(value, dict) and set(value) == {"sv", "en"}:
        return value["en" if lang == "en" else "sv"]
    return value


def editor_message(journey: Journey, finding: Finding, lang: str = "sv") -> str:
    """A finding as the editor says it: the question's label instead of its id, the step's
    title instead of its id, and the editor's controls instead of 'next' and 'if'."""
    lang = "en" if lang == "en" else "sv"
    template = EDITOR_MESSAGES.get(finding.code)
    if template is None:
        return finding.message(lang)
    questions = journey.fields()
    titles = {st.id: st.title for st in journey.steps}
    values = {key: _word(value, lang) for key, value in finding.params.items()}
    field_id = values.get("field")
    if isinstance(field_id, str) and field_id in questions:
        values["field"] = questions[field_id][1].label or field_id
    if finding.code in _STEP_CODES:
        for key in _STEP_PARAMS:
            step_id = values.get(key)
            if isinstance(step_id, str) and titles.get(step_id):
                values[key] = titles[step_id]
    try:
        return _pick(template, lang).format(**values)
    except (KeyError, IndexError, ValueError):
        return finding.message(lang)


def publish_blockers(rows: list[FindingRow], lang: str = "sv") -> str:
    """Why the journey cannot be published ('' when it can): the errors, one per line."""
    errors = [r for r in rows if r.severity == Severity.error.value]
    if not errors:
        return ""
    head = (
        f"Resan har {len(errors)} fel och kan inte publiceras. Rätta felen och publicera "
        "igen (du kan spara som utkast så länge):"
        if lang != "en"
        else f"The journey has {len(errors)} errors and cannot be published. Fix them and "
        "publish again (you can save it as a draft meanwhile):"
    )
    lines = [f"- {r.step_title or r.step_id or '–'}: {r.message}" for r in errors]
    return "\n".join([head, *lines])


# --- the outline and the selected step ------------------------------------------------------


def outline(
    journey: Journey, rows: list[FindingRow], selected: str = "", lang: str = "sv"
) -> list[PhaseGroup]:
    """Phases in order with their steps in journey order; steps without a phase last.

    A phase without steps is shown too (so a new phase can receive steps). First/last say
    whether the step can move up/down in the outline (:func:`move_in_outline`).
    """
    labels = KIND_LABELS["en" if lang == "en" else "sv"]
    shown = [step_id for _, ids in _groups(journey) for step_id in ids]
    groups = {p.id: PhaseGroup(id=p.id, title=p.title) for p in journey.phases}
    loose = PhaseGroup(id=NO_PHASE, title=s("no_phase", lang))
    for st in journey.steps:
        row = StepRow(
            id=st.id,
            title=st.title,
            kind=st.kind,
            kind_label=labels[st.kind],
            errors=sum(1 for r in rows if r.step_id == st.id and r.severity == "error"),
            warnings=sum(1 for r in rows if r.step_id == st.id and r.severity == "warning"),
            first=bool(shown) and shown[0] == st.id,
            last=bool(shown) and shown[-1] == st.id,
            selected=st.id == selected,
        )
        row.error_label = error_label(row.errors, lang)
        groups.get(st.phase or "", loose).steps.append(row)
    out = list(groups.values())
    if loose.steps:
        out.append(loose)
    return out


def _groups(journey: Journey) -> list[tuple[str, list[str]]]:
    """(phase id, step ids) in the order the outline shows them; NO_PHASE last."""
    groups: dict[str, list[str]] = {p.id: [] for p in journey.phases}
    loose: list[str] = []
    for st in journey.steps:
        groups.get(st.phase or "", loose).append(st.id)
    out = list(groups.items())
    return [*out, (NO_PHASE, loose)] if loose else out


def move_in_outline(journey: Journey, step_id: str, delta: int) -> Journey:
    """Move a step one place up (-1) or down (+1) in the outline as it is shown.

    Within its phase it changes place with its neighbour; the first step of a phase moving
    up goes last into the phase before, the last moving down goes first into the next.
    Where the steps lead does not change (see :func:`journeys.editing.move_step`).
    """
    groups = [(g, ids) for g, ids in _groups(journey) if ids or g != NO_PHASE]
    where = next(((n, ids.index(step_id)) for n, (_, ids) in enumerate(groups) if step_id in ids))
    group, place = where
    order = [st.id for st in journey.steps]
    ids = groups[group][1]
    neighbour = place + delta
    if 0 <= neighbour < len(ids):
        return editing.move_step(journey, step_id, order.index(ids[neighbour]))
    target = group + delta
    if not 0 <= target < len(groups):
        return journey
    phase, others = groups[target]
    moved = editing.move_step_to_phase(journey, step_id, None if phase == NO_PHASE else phase)
    if delta > 0 and others:
        order = [st.id for st in moved.steps]
        here = order.index(step_id)
        first = order.index(others[0])
        moved = editing.move_step(moved, step_id, first if first < here else first - 1)
    return moved


def drop_step(journey: Journey, step_id: str, before: str | None, phase: str) -> Journey:
    """Drag and drop in the outline: the step goes right before ``before`` (in its phase),
    or last into ``phase`` (NO_PHASE: out of every phase) when dropped on the phase itself.
    Where the steps lead does not change."""
    step = journey.step(step_id)
    if step is None or step_id == before:
        return journey
    target = journey.step(before) if before else None
    if target is None:
        return editing.move_step_to_phase(journey, step_id, None if phase == NO_PHASE else phase)
    if step.phase != target.phase:
        journey = editing.move_step_to_phase(journey, step_id, target.phase)
    order = [st.id for st in journey.steps]
    here, there = order.index(step_id), order.index(target.id)
    return editing.move_step(journey, step_id, there if here > there else there - 1)


def _text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "Svara på frågan"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def field_view(
    f: FormField, rows: list[FindingRow], index: int, count: int, lang: str
) -> FieldView:
    """One question for the field form."""
    rules = []
    for name, types in RULE_TYPES.items():
        if f.type in types:
            rule = getattr(f, name)
            rules.append(
                RuleView(
                    name=name,
                    label=_pick(RULE_LABELS[name], lang),
                    value=_text(rule.value) if rule else "",
                    message=rule.message if rule else "",
                )
            )
    options = f.option_values() if f.type in CHOICE_TYPES else None
    view = FieldView(
        id=f.id,
        type=f.type.value,
        label=f.label,
        hint=f.hint or "",
        options="\n".join(options or []),
        has_options=f.type in CHOICE_TYPES,
        required=_text(f.required),
        rules=rules,
        findings=[r.message for r in rows if r.field_id == f.id],
        first=index == 0,
        last=index == count - 1,
        dom_id=field_dom_id(f.id),
    )
    view.key = fingerprint(view.id, view.type, view.label, view.hint, view.options)
    view.key = fingerprint(view.key, view.required, view.rules)
    return view


def step_view(
    journey: Journey, step_id: str, rows: list[FindingRow], lang: str = "sv"
) -> StepView | None:
    """The selected step, or None when the journey has no such step."""
    st = journey.step(step_id)
    if st is None:
        return None
    mine = [r for r in rows if r.step_id == st.id]
    titles = {x.id: x.title for x in journey.steps}
    view = StepView(
        id=st.id,
        title=st.title,
        kind=st.kind,
        phase=st.phase or NO_PHASE,
        actor=st.actor or NO_PHASE,
        body=st.body or "",
        findings=mine,
    )
    if isinstance(st, ScreenStep | OfflineStep):
        view.channel = str(st.channel)
        ways = st.transitions()
        for i, way in enumerate(ways):
            is_default = way.if_ is None and i == len(ways) - 1
            view.ways.append(
                WayView(
                    index=i,
                    condition=editing.describe_condition(way.if_, journey, lang),  # type: ignore[arg-type]
                    goto=way.goto,
                    goto_title=titles.get(way.goto, way.goto),
                    is_default=is_default,
                )
            )
            if is_default:
                view.default_next = way.goto
    if isinstance(st, OfflineStep):
        view.duration = st.duration or ""
        view.receiver = st.receiver or NO_PHASE
    if isinstance(st, ScreenStep):
        view.button = st.button or ""
        view.pattern = str(st.pattern) if st.pattern else NO_PHASE
        view.fields = [
            field_view(f, mine, i, len(st.fields), lang) for i, f in enumerate(st.fields)
        ]
    if isinstance(st, DecisionStep):
        view.manual = st.manual
        for i, rule in enumerate(st.rules):
            view.ways.append(
                WayView(
                    index=i,
                    condition=editing.describe_condition(rule.if_, journey, lang),  # type: ignore[arg-type]
                    goto=rule.goto,
                    goto_title=titles.get(rule.goto, rule.goto),
                    is_default=rule.if_ is None and i == len(st.rules) - 1,
                    outcome=rule.outcome,
                    explanation=rule.explanation or "",
                )
            )
    conditional = [w for w in view.ways if not w.is_default]
    for w in conditional:
        raw = _raw_condition(st, w.index)
        w.can_edit = raw is not None and condition_parts(raw).editable
    if conditional:
        conditional[-1].last_conditional = True
    return view


def _raw_condition(st: Any, index: int) -> Any:
    """The condition of a step's way on (or decision rule) number ``index``, as written."""
    if isinstance(st, DecisionStep):
        return st.rules[index].if_ if index < len(st.rules) else None
    ways = st.transitions()
    return ways[index].if_ if index < len(ways) else None


def way_condition(journey: Journey, step_id: str, index: int) -> ConditionParts:
    """The condition of way (or rule) ``index`` of a step, taken apart for the builder."""
    st = journey.step(step_id)
    raw = _raw_condition(st, index) if st is not None else None
    return condition_parts(raw) if raw is not None else ConditionParts(editable=False)


# --- turning form input into edits ----------------------------------------------------------


def options_from(text: str) -> list[str]:
    """Options typed one per line (blank lines and repeats dropped)."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        value = line.strip()
        if value and value not in seen:
            seen.append(value)
    return seen


def _number(text: str) -> float | int | None:
    try:
        value = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def rule_value(name: str, text: str) -> Any:
    """A rule's value from the form: a whole number for lengths, a number for min/max."""
    text = text.strip()
    if name in ("min_length", "max_length"):
        number = _number(text)
        if not isinstance(number, int) or number < 0:
            raise editing.EditError(
                "Skriv antalet tecken som ett heltal, t.ex. 10.",
                "Write the number of characters as a whole number, e.g. 10.",
            )
        return number
    if name in ("min", "max"):
        number = _number(text)
        if number is None:
            raise editing.EditError(
                "Skriv värdet som ett tal, t.ex. 18.", "Write the value as a number, e.g. 18."
            )
        return number
    return text


def field_changes(f: FormField, form: dict[str, Any], lang: str = "sv") -> dict[str, Any]:
    """What the field form changes, as keyword arguments for :func:`editing.update_field`.

    Only what differs from the question as it is; a rule with an empty value is removed;
    a rule with a value needs its error message.
    """
    changes: dict[str, Any] = {}
    label = str(form.get("label", f.label))
    if label != f.label:
        changes["label"] = label
    hint = str(form.get("hint", "")).strip() or None
    if hint != f.hint:
        changes["hint"] = hint
    kind = str(form.get("type", f.type.value))
    if kind != f.type.value:
        changes["type"] = kind
    required = str(form.get("required", "")).strip() or None
    if required != (_text(f.required) or None):
        changes["required"] = required
    if f.type in CHOICE_TYPES and "options" in form and kind == f.type.value:
        options = options_from(str(form["options"]))
        if len(options) < 2:
            raise editing.EditError(
                "Skriv minst två svarsalternativ, ett per rad.",
                "Write at least two options, one per line.",
            )
        if options != f.option_values():
            changes["options"] = options
    for name, types in RULE_TYPES.items():
        if f.type not in types or kind != f.type.value:
            continue
        value = str(form.get(f"rule_{name}_value", "")).strip()
        message = str(form.get(f"rule_{name}_message", "")).strip()
        old = getattr(f, name)
        if not value:
            if old is not None:
                changes[name] = None
            continue
        if not message:
            label = _pick(RULE_LABELS[name], lang).lower()
            raise editing.EditError(
                f"Skriv felmeddelandet för regeln '{label}', t.ex. 'Skriv minst 10 tecken'.",
                f"Write the error message for the rule '{label}'.",
            )
        new = {"value": rule_value(name, value), "message": message}
        if old is None or _text(old.value) != _text(new["value"]) or old.message != message:
            changes[name] = new
    return changes


def condition_for(journey: Journey, field_id: str, value: str) -> dict[str, Any]:
    """``{field: value}`` for the rule builder, the value typed as the question answers it
    (a number for a number question)."""
    value = (value or "").strip()
    if not field_id:
        raise editing.EditError("Välj vilken fråga villkoret gäller.", "Choose the question.")
    if not value:
        raise editing.EditError(
            "Skriv svaret som villkoret ska gälla för, t.ex. Ja.",
            "Write the answer the condition is for, e.g. Ja.",
        )
    found = next(
        (
            f
            for st in journey.steps
            if isinstance(st, ScreenStep)
            for f in st.fields
            if f.id == field_id
        ),
        None,
    )
    typed: Any = value
    if found is not None and found.type == FieldType.number:
        number = _number(value)
        if number is None:
            raise editing.EditError(
                "Skriv svaret som ett tal, t.ex. 18.", "Write the answer as a number, e.g. 18."
            )
        typed = number
    return editing.condition_equals(field_id, typed)


def draft_diff(theirs: Journey, mine: Journey) -> str:
    """What differs between the saved journey and the editor's draft, as a YAML diff."""
    lines = difflib.unified_diff(
        files.to_yaml(theirs).splitlines(),
        files.to_yaml(mine).splitlines(),
        fromfile="sparad",
        tofile="ditt utkast",
        lineterm="",
    )
    return "\n".join(lines)


def kept_source(source: str, journey: Journey) -> str | None:
    """The stored YAML text with the editor's changes merged in, comments kept; None when
    there is no YAML text to keep (JSON, or a text that no longer merges cleanly)."""
    if not source or source.lstrip().startswith("{"):
        return None
    document = files.read_text(source)
    if document.journey is None:
        return None
    try:
        text = files.save(document, journey)
    except Exception:  # a text that cannot be merged is simply not kept: clean YAML instead
        return None
    check = files.read_text(text)
    if check.journey is None:
        return None
    same = journey_store.content_hash(check.journey) == journey_store.content_hash(journey)
    return text if same else None


def apply_step_form(journey: Journey, step_id: str, form: dict[str, Any]) -> Journey:
    """Every change the step form asks for (only what differs), in an order that keeps
    each one valid: kind first, then title, phase, actor, channel and the details."""
    step = journey.step(step_id)
    if step is None:
        return journey
    kind = str(form.get("kind", step.kind))
    if kind != step.kind:
        journey = editing.set_step_kind(journey, step_id, kind)  # type: ignore[arg-type]
        step = journey.step(step_id)
        assert step is not None
    title = str(form.get("title", step.title))
    if title != step.title:
        journey = editing.rename_step(journey, step_id, title)
    phase = str(form.get("phase", step.phase or NO_PHASE))
    if phase != (step.phase or NO_PHASE):
        journey = editing.move_step_to_phase(journey, step_id, None if phase == NO_PHASE else phase)
    actor = str(form.get("actor", step.actor or NO_PHASE))
    if actor != (step.actor or NO_PHASE):
        journey = editing.set_actor(journey, step_id, None if actor == NO_PHASE else actor)
    channel = form.get("channel")
    if channel and step.kind != "decision" and str(channel) != str(getattr(step, "channel", "")):
        journey = editing.set_channel(journey, step_id, str(channel))
    changes: dict[str, Any] = {}
    body = str(form.get("body", step.body or "")).replace("\r\n", "\n")
    if body.strip() != (step.body or "").strip():
        changes["body"] = body if body.strip() else None
    if step.kind == "screen" and "button" in form:
        button = str(form.get("button", "")).strip() or None
        if button != getattr(step, "button", None):
            changes["button"] = button
    if step.kind == "screen" and "pattern" in form:
        pattern = str(form.get("pattern", NO_PHASE))
        pattern_value = None if pattern == NO_PHASE else pattern
        old_pattern = getattr(step, "pattern", None)
        if pattern_value != (str(old_pattern) if old_pattern else None):
            changes["pattern"] = pattern_value
    if step.kind == "offline" and "receiver" in form:
        receiver = str(form.get("receiver", NO_PHASE))
        receiver_value = None if receiver == NO_PHASE else receiver
        if receiver_value != getattr(step, "receiver", None):
            changes["receiver"] = receiver_value
    if step.kind == "offline" and "duration" in form:
        duration = str(form.get("duration", "")).strip() or None
        if duration != getattr(step, "duration", None):
            changes["duration"] = duration
    if step.kind == "decision" and str(form.get("kind", step.kind)) == "decision":
        manual = "manual" in form and form.get("manual") not in (False, "", None)
        if manual != getattr(step, "manual", False):
            changes["manual"] = manual or None
    if changes:
        journey = editing.update_step(journey, step_id, **changes)
    return journey


# --- the journey's own details and actors ------------------------------------------------------

ROLE_LABELS = {
    "end-user": ("Invånare (slutanvändare)", "Citizen (end user)"),
    "service-provider": ("Tjänsteleverantör", "Service provider"),
    "system": ("System", "System"),
    "other": ("Annan", "Other"),
}
DETAIL_KEYS = ("title", "organisation", "licence", "service_area", "description", "origin")


@dataclass
class JourneyDetails:
    """The journey's own details as the "Om resan" form shows them."""

    title: str = ""
    organisation: str = ""
    licence: str = ""
    service_area: str = ""
    description: str = ""
    origin: str = ""
    lix_target: str = "40"
    start: str = END


@dataclass
class ActorRow:
    """One actor in the actor list: a lane on the journey map."""

    id: str = ""
    title: str = ""
    role: str = ""
    role_label: str = ""
    used: bool = False


def journey_details(journey: Journey) -> JourneyDetails:
    """The journey's details for the form (``END`` as start: the first step in the list)."""
    return JourneyDetails(
        title=journey.title,
        organisation=journey.organisation,
        licence=journey.licence,
        service_area=journey.service_area or "",
        description=journey.description or "",
        origin=journey.origin or "",
        lix_target=str(journey.lix_target),
        start=journey.start or END,
    )


def start_choices(journey: Journey, lang: str = "sv") -> list[list[str]]:
    """Where the citizen starts: the first step in the list, or any named step."""
    return [[END, s("first_in_list", lang)], *step_choices(journey, lang)]


def apply_journey_form(journey: Journey, form: dict[str, Any]) -> Journey:
    """The changes the "Om resan" form asks for (only what differs): details, then start."""
    changes: dict[str, Any] = {}
    for key in DETAIL_KEYS:
        if key not in form:
            continue
        value = str(form[key]).replace("\r\n", "\n").strip()
        old = getattr(journey, key) or ""
        if value != old:
            changes[key] = value if value or key in ("title", "organisation") else None
    if changes.get("licence", "") is None:
        raise editing.EditError(
            "Skriv resans licens, t.ex. CC-BY-4.0, så att andra vet hur de får återanvända den.",
            "Write the journey's licence, e.g. CC-BY-4.0.",
        )
    if "lix_target" in form:
        number = _number(str(form["lix_target"]).strip())
        if not isinstance(number, int) or not 10 <= number <= 80:
            raise editing.EditError(
                "Skriv högsta LIX som ett heltal mellan 10 och 80, t.ex. 40.",
                "Write the highest LIX as a whole number from 10 to 80, e.g. 40.",
            )
        if number != journey.lix_target:
            changes["lix_target"] = number
    if changes:
        journey = editing.update_journey(journey, **changes)
    start = str(form.get("start", journey.start or END))
    if start != (journey.start or END):
        journey = editing.set_start(journey, None if start == END else start)
    return journey


def role_choices(lang: str = "sv") -> list[list[str]]:
    """[[role, label], ...] of the actor roles."""
    return [[role, _pick(label, lang)] for role, label in ROLE_LABELS.items()]


def actor_rows(journey: Journey, lang: str = "sv") -> list[ActorRow]:
    """The journey's actors, each saying whether a step names it (then it cannot go)."""
    used = {st.actor for st in journey.steps} | {
        st.receiver for st in journey.steps if isinstance(st, OfflineStep)
    }
    return [
        ActorRow(
            id=a.id,
            title=a.title,
            role=str(a.role),
            role_label=_pick(ROLE_LABELS.get(str(a.role), ("", "")), lang),
            used=a.id in used,
        )
        for a in journey.all_actors()
    ]


def references_message(count: int, lang: str = "sv") -> str:
    """What a change of id did to the ways on: "3 hänvisningar uppdaterades"."""
    if lang == "en":
        return f"{count} reference{'' if count == 1 else 's'} updated"
    if count == 0:
        return "Inga hänvisningar behövde uppdateras"
    return f"{count} {'hänvisning' if count == 1 else 'hänvisningar'} uppdaterades"


# --- the rule builder ---------------------------------------------------------------------------

OPERATOR_LABELS: dict[str, tuple[str, str]] = {
    "eq": ("är", "is"),
    "ne": ("är inte", "is not"),
    "gt": ("är större än", "is greater than"),
    "gte": ("är minst", "is at least"),
    "lt": ("är mindre än", "is less than"),
    "lte": ("är högst", "is at most"),
    "in": ("är något av", "is one of"),
    "not_in": ("är inget av", "is none of"),
    "answered": ("är besvarad", "is answered"),
    "unanswered": ("är inte besvarad", "is not answered"),
}
DATE_LABELS: dict[str, tuple[str, str]] = {
    "gt": ("är senare än", "is later than"),
    "gte": ("är samma dag eller senare än", "is on or after"),
    "lt": ("är tidigare än", "is earlier than"),
    "lte": ("är samma dag eller tidigare än", "is on or before"),
}
CHECKBOX_LABELS: dict[str, tuple[str, str]] = {
    "eq": ("innehåller", "contains"),
    "ne": ("innehåller inte", "does not contain"),
    "in": ("innehåller något av", "contains any of"),
    "not_in": ("innehåller inget av", "contains none of"),
}
_ORDERED = (FieldType.number, FieldType.date)


@dataclass
class ConditionControl:
    """What the rule builder asks for after the question and the comparison: ``input`` is
    "choice" (a select of ``options``), "many" (a checkbox per option), "number", "date",
    "text" or "none" (answered / not answered need no value)."""

    input: str = "text"
    options: list[str] = field(default_factory=list)
    operators: list[list[str]] = field(default_factory=list)


def _question(journey: Journey, field_id: str) -> FormField | None:
    found = journey.fields().get(field_id) if field_id else None
    return found[1] if found else None


def operator_choices(journey: Journey, field_id: str, lang: str = "sv") -> list[list[str]]:
    """The comparisons that make sense for the question: greater/less for numbers and dates,
    one of for choices, contains for checkboxes, answered or not for every question."""
    f = _question(journey, field_id)
    kind = f.type if f is not None else FieldType.text
    if kind in _ORDERED:
        ops = ["eq", "ne", "gt", "gte", "lt", "lte"]
    elif kind in CHOICE_TYPES:
        ops = ["eq", "ne", "in", "not_in"]
    else:
        ops = ["eq", "ne"]
    ops += ["answered", "unanswered"]
    labels = CHECKBOX_LABELS if kind == FieldType.checkboxes else {}
    if kind == FieldType.date:
        labels = DATE_LABELS
    return [[op, _pick(labels.get(op, OPERATOR_LABELS[op]), lang)] for op in ops]


def condition_control(
    journey: Journey, field_id: str, op: str, lang: str = "sv"
) -> ConditionControl:
    """The value control that fits the question and the comparison."""
    f = _question(journey, field_id)
    operators = operator_choices(journey, field_id, lang)
    if op not in [o[0] for o in operators]:
        op = "eq"
    if op in ("answered", "unanswered"):
        return ConditionControl("none", [], operators)
    options = list(f.option_values() or []) if f is not None else []
    if options:
        return ConditionControl("many" if op in ("in", "not_in") else "choice", options, operators)
    if f is not None and f.type == FieldType.number:
        return ConditionControl("number", [], operators)
    if f is not None and f.type == FieldType.date:
        return ConditionControl("date", [], operators)
    return ConditionControl("text", [], operators)


def choice_key(index: int) -> str:
    """The form name of the checkbox for an option of a "one of" condition."""
    return f"choice_{index}"


def condition_from_form(journey: Journey, form: dict[str, Any]) -> dict[str, Any]:
    """The condition the rule builder describes: ``field``, ``op`` and ``value`` (or one
    ``choice_N`` checkbox per ticked option for "one of"), typed as the question answers."""
    field_id = str(form.get("field", "")).strip()
    op = str(form.get("op", "eq")).strip() or "eq"
    if not field_id:
        raise editing.EditError("Välj vilken fråga villkoret gäller.", "Choose the question.")
    if _question(journey, field_id) is None:
        raise editing.EditError(
            f"Det finns ingen fråga '{field_id}'. Välj en fråga i listan.",
            f"There is no question '{field_id}'. Choose one in the list.",
        )
    control = condition_control(journey, field_id, op)
    if op not in [o[0] for o in control.operators]:
        raise editing.EditError(
            "Välj en jämförelse som passar frågan i listan.",
            "Choose a comparison that fits the question.",
        )
    if op in ("answered", "unanswered"):
        return editing.condition_compare(field_id, "answered", op == "answered")
    if control.input == "many":
        chosen = [
            option
            for i, option in enumerate(control.options)
            if form.get(choice_key(i)) not in (None, "", False)
        ]
        if not chosen:
            raise editing.EditError(
                "Kryssa i minst ett svar som villkoret ska gälla för.",
                "Tick at least one answer the condition is for.",
            )
        return editing.condition_compare(field_id, op, chosen)
    value = str(form.get("value", "")).strip()
    if not value:
        raise editing.EditError(
            "Skriv eller välj svaret som villkoret ska gälla för, t.ex. Ja.",
            "Write or choose the answer the condition is for, e.g. Ja.",
        )
    typed: Any = value
    if control.input == "number":
        typed = _number(value)
        if typed is None:
            raise editing.EditError(
                "Skriv svaret som ett tal, t.ex. 18.", "Write the answer as a number, e.g. 18."
            )
    elif control.input == "date":
        if not _DATE.match(value):
            raise editing.EditError(
                "Skriv datumet som år-månad-dag, t.ex. 2026-06-01.",
                "Write the date as year-month-day, e.g. 2026-06-01.",
            )
    elif control.input == "choice" and value not in control.options:
        raise editing.EditError(
            f"'{value}' är inte ett av frågans svar. Välj ett svar i listan.",
            f"'{value}' is not one of the question's answers. Choose one in the list.",
        )
    if op == "eq":
        return editing.condition_equals(field_id, typed)
    return editing.condition_compare(field_id, op, typed)


@dataclass
class ConditionParts:
    """A simple condition taken apart to fill the rule builder (``editable`` False for
    conditions written by hand with all/any/not or several questions)."""

    question: str = ""
    op: str = "eq"
    value: str = ""
    values: list[str] = field(default_factory=list)
    editable: bool = True


def condition_parts(raw: Any) -> ConditionParts:
    """``{alder: {gt: 15}}`` as field alder, op gt, value "15"; ``{q: {answered: false}}``
    as op unanswered."""
    if not isinstance(raw, dict) or len(raw) != 1:
        return ConditionParts(editable=False)
    ((key, test),) = raw.items()
    if key in ("all", "any", "not"):
        return ConditionParts(editable=False)
    if not isinstance(test, dict):
        return ConditionParts(str(key), "eq", _text(test))
    if len(test) != 1:
        return ConditionParts(editable=False)
    ((op, value),) = test.items()
    if op == "answered":
        return ConditionParts(str(key), "answered" if value else "unanswered")
    if isinstance(value, list):
        return ConditionParts(str(key), str(op), "", [_text(v) for v in value])
    return ConditionParts(str(key), str(op), _text(value))
