"""Copy a step: bring a step or pattern from another journey (another kommun's, say) into
this one with :func:`journeys.copy_step_from`, then open it in the editor."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from journeys import EditError, Journey, RevisionConflict, copy_step_from, read_text, save
from journeys import store as journey_store
from toolkit import routes
from toolkit.app import data
from toolkit.app.components import ui
from toolkit.app.components.journey_nav import journey_links, journey_nav
from toolkit.app.components.layout import notice, page
from toolkit.app.mapdata import PATTERN_LABELS, StepDetail, step_detail
from toolkit.app.state import SessionState, tr
from toolkit.i18n import t

LIST_STYLE = {"paddingLeft": "1.5em", "listStyleType": "disc", "margin": "0.25em 0"}
LAST = "__last__"
"""The 'insert after' choice that puts the copy last."""


@dataclass
class Choice:
    """One option of a select: value and what it says."""

    value: str = ""
    label: str = ""


def source_choices(db_journeys: list[journey_store.JourneySummary], target: str) -> list[Choice]:
    """Every other stored journey, by title, with its organisation."""
    return [
        Choice(value=s.id, label=f"{s.title} – {s.organisation}")
        for s in db_journeys
        if s.id != target
    ]


def step_choices(journey: Journey, lang: str = "sv") -> list[Choice]:
    """The steps of a journey as choices: title, kind and pattern."""
    language = "en" if lang == "en" else "sv"
    kinds = {
        "sv": {"screen": "skärm", "decision": "beslut", "offline": "offline"},
        "en": {"screen": "screen", "decision": "decision", "offline": "offline"},
    }[language]
    patterns = PATTERN_LABELS[language]
    out = []
    for step in journey.steps:
        pattern = getattr(step, "pattern", None)
        named = patterns.get(pattern.value, pattern.value) if pattern else ""
        kind = kinds[step.kind] + (f", {named}" if named else "")
        out.append(Choice(value=step.id, label=f"{step.title} ({kind})"))
    return out


def copy_into(
    target: Journey,
    source: Journey,
    step_id: str,
    after: str | None,
    source_text: str | None,
    lang: str = "sv",
) -> tuple[Journey, list[str], str, str | None]:
    """The target with the step copied in, the notes to check, the copy's id, and the
    target's file text with the copy merged in (comments kept), or None when there is none."""
    copied, report = copy_step_from(source, step_id, target, after=after)
    text = None
    if source_text:
        document = read_text(source_text)
        if document.journey is not None:
            text = save(document, copied)
    return copied, report.notes("en" if lang == "en" else "sv"), report.step_id, text


class CopyStepState(SessionState):
    """The copy form: source journey, step and where to insert; the result with notes."""

    journey_id: str = ""
    title: str = ""
    found: bool = True
    links: list[list[str]] = []
    sources: list[Choice] = []
    source_id: str = ""
    steps: list[Choice] = []
    step_id: str = ""
    summary: StepDetail = StepDetail()
    targets: list[Choice] = []
    after: str = LAST
    message: str = ""
    message_ok: bool = True
    notes: list[str] = []
    edit_href: str = ""

    def _lang(self) -> str:
        return "en" if self.lang == "en" else "sv"

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise offer the other journeys to copy from."""
        if not self.authorised():
            return self.login_redirect()
        self.journey_id = self.router.url.query_parameters.get("id", "")
        self.message, self.notes, self.edit_href = "", [], ""
        self.source_id, self.step_id, self.steps = "", "", []
        self.summary = StepDetail()
        self._refresh()
        return None

    def _refresh(self) -> None:
        db = data.database()
        journey = journey_store.get_journey(db, self.journey_id)
        self.found = journey is not None
        if journey is None:
            self.title, self.links, self.sources, self.targets = "", [], [], []
            return
        self.title = journey.title
        self.links = journey_links(journey.id)
        self.sources = source_choices(journey_store.list_journeys(db), journey.id)
        self.targets = [Choice(value=s.id, label=s.title) for s in journey.steps]
        if self.after != LAST and journey.step(self.after) is None:
            self.after = LAST

    @rx.event
    def choose_source(self, value: str):
        """Show the steps of the chosen journey."""
        if not self.authorised():
            return self.login_redirect()
        self.source_id = value
        self.step_id, self.summary = "", StepDetail()
        source = journey_store.get_journey(data.database(), value) if value else None
        self.steps = step_choices(source, self._lang()) if source else []
        return None

    @rx.event
    def choose_step(self, value: str):
        """Show what the chosen step asks and where it leads."""
        if not self.authorised():
            return self.login_redirect()
        self.step_id = value
        source = journey_store.get_journey(data.database(), self.source_id)
        detail = step_detail(source, value, self._lang()) if source and value else None
        self.summary = detail if detail is not None else StepDetail()
        return None

    @rx.event
    def choose_after(self, value: str) -> None:
        """Where the copy goes: after this step (or last)."""
        self.after = value or LAST

    @rx.event
    def copy(self):
        """Copy the chosen step into this journey as a new revision."""
        if not self.authorised("designer"):
            return self.login_redirect()
        lang = self._lang()
        self.notes, self.edit_href = [], ""
        db = data.database()
        source = journey_store.get_journey(db, self.source_id) if self.source_id else None
        if source is None:
            self.message, self.message_ok = t("copy.choose_source", lang), False
            return None
        if not self.step_id or source.step(self.step_id) is None:
            self.message, self.message_ok = t("copy.choose_step", lang), False
            return None
        target = journey_store.get_journey(db, self.journey_id)
        revision = db.execute(
            "select current_revision from journeys where id = ?", [self.journey_id]
        ).fetchone()
        if target is None or revision is None:
            self.found = False
            return None
        after = None if self.after == LAST else self.after
        try:
            copied, notes, new_id, text = copy_into(
                target,
                source,
                self.step_id,
                after,
                journey_store.get_source(db, self.journey_id),
                lang,
            )
            step_title = source.step(self.step_id).title  # type: ignore[union-attr]
            note = f"Kopierade steget '{self.step_id}' från {source.organisation}: {source.title}"
            try:
                saved = journey_store.save_journey(
                    db,
                    copied,
                    source=text,
                    author=self.user_email,
                    note=note,
                    now=data.now(),
                    expected_revision=int(revision[0]),
                )
            except ValueError:  # the merged file text did not match: save the content alone
                saved = journey_store.save_journey(
                    db,
                    copied,
                    author=self.user_email,
                    note=note,
                    now=data.now(),
                    expected_revision=int(revision[0]),
                )
        except RevisionConflict as exc:
            self.message, self.message_ok = exc.message(lang), False
            return None
        except EditError as exc:
            self.message, self.message_ok = exc.message(lang), False
            return None
        self.message = t("copy.done", lang, title=step_title, id=new_id, revision=saved.number)
        self.message_ok = True
        self.notes = [*notes, t("copy.nothing_leads", lang)]
        self.edit_href = routes.journey_edit_page(self.journey_id, step=new_id)
        self._refresh()
        return None


def labelled_select(
    ident: str,
    label: rx.Var,
    options: rx.Var[list[Choice]],
    value: rx.Var,
    on_change: rx.EventHandler,
    *,
    placeholder: rx.Var | None = None,
    last: rx.Var | None = None,
) -> rx.Component:
    """A native select with a visible label (works with keyboard and screen readers)."""
    first = []
    if placeholder is not None:
        first.append(rx.el.option(placeholder, value=""))
    if last is not None:
        first.append(rx.el.option(last, value=LAST))
    return rx.vstack(
        rx.el.label(label, html_for=ident, style={"fontWeight": "bold"}),
        rx.el.select(
            *first,
            rx.foreach(options, lambda c: rx.el.option(c.label, value=c.value)),
            id=ident,
            value=value,
            on_change=on_change,
            style={"padding": "0.3em", "fontSize": "1rem", "maxWidth": "100%"},
        ),
        spacing="1",
        width="100%",
    )


def step_summary(detail: rx.Var[StepDetail]) -> rx.Component:
    """What the chosen step is: kind, pattern, its questions and where it leads."""
    return rx.card(
        rx.vstack(
            rx.heading(tr("copy.summary"), ": ", detail.title, size="3", as_="h2"),
            rx.hstack(
                ui.badge(detail.kind_label),
                rx.cond(detail.pattern != "", ui.badge(detail.pattern, color_scheme="blue")),
                ui.code(detail.id),
                spacing="2",
            ),
            rx.cond(
                detail.body != "",
                rx.text(detail.body, size="2", style={"whiteSpace": "pre-wrap"}),
            ),
            rx.cond(
                detail.fields.length() > 0,
                rx.el.ul(
                    rx.foreach(
                        detail.fields,
                        lambda f: rx.el.li(f.label, " (", f.type_label, ")"),
                    ),
                    style=LIST_STYLE,
                ),
            ),
            rx.cond(
                detail.edges.length() > 0,
                rx.el.ul(
                    rx.foreach(
                        detail.edges,
                        lambda e: rx.el.li(
                            "→ ",
                            e.target_title,
                            rx.cond(e.condition != "", rx.text(" (", e.condition, ")", as_="span")),
                        ),
                    )
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="step-summary",
    )


def copy_form() -> rx.Component:
    """Source journey, step, where to insert, and the button."""
    return rx.card(
        rx.vstack(
            labelled_select(
                "copy-source",
                tr("copy.source"),
                CopyStepState.sources,
                CopyStepState.source_id,
                CopyStepState.choose_source,
                placeholder=tr("copy.choose_source"),
            ),
            rx.cond(
                CopyStepState.source_id != "",
                labelled_select(
                    "copy-step",
                    tr("copy.step"),
                    CopyStepState.steps,
                    CopyStepState.step_id,
                    CopyStepState.choose_step,
                    placeholder=tr("copy.choose_step"),
                ),
            ),
            rx.cond(CopyStepState.summary.id != "", step_summary(CopyStepState.summary)),
            labelled_select(
                "copy-after",
                tr("copy.after"),
                CopyStepState.targets,
                CopyStepState.after,
                CopyStepState.choose_after,
                last=tr("copy.last"),
            ),
            rx.button(tr("copy.button"), on_click=CopyStepState.copy, id="copy-button"),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def copy_step_page() -> rx.Component:
    """The copy-a-step page of a journey."""
    return page(
        rx.cond(CopyStepState.found, CopyStepState.title, tr("common.not_found")),
        rx.cond(
            CopyStepState.found,
            rx.vstack(
                journey_nav(CopyStepState.links, "copy"),
                rx.heading(tr("copy.title"), size="5", as_="h2"),
                rx.text(tr("copy.lead")),
                rx.cond(
                    CopyStepState.message != "",
                    notice(CopyStepState.message, ok=CopyStepState.message_ok),
                ),
                rx.cond(
                    CopyStepState.edit_href != "",
                    rx.vstack(
                        rx.cond(
                            CopyStepState.notes.length() > 0,
                            rx.box(
                                rx.text(tr("copy.check"), weight="bold"),
                                rx.el.ul(
                                    rx.foreach(CopyStepState.notes, lambda n: rx.el.li(n)),
                                    style=LIST_STYLE,
                                ),
                                id="copy-notes",
                            ),
                        ),
                        rx.link(
                            tr("copy.edit"),
                            href=CopyStepState.edit_href,
                            id="copy-edit-link",
                            weight="bold",
                        ),
                    ),
                ),
                rx.cond(
                    CopyStepState.sources.length() > 0,
                    copy_form(),
                    rx.text(tr("copy.no_sources")),
                ),
                spacing="4",
                width="100%",
            ),
            rx.link(tr("common.back"), href="/"),
        ),
    )
