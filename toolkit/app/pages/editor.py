"""The journey editor: phases and steps, screens and questions, branches and decisions.

The state keeps the journey as JSON text (a backend-only variable), rebuilds the
:class:`~journeys.model.Journey` for every change, makes the change with a pure function of
:mod:`journeys.editing` and validates the result with :func:`journeys.validate.check_journey`.
What the page shows is rebuilt by :mod:`toolkit.app.editordata`. An edit that cannot be made
shows its :class:`~journeys.editing.EditError` next to the control that asked for it.

Saving stores a revision through :mod:`journeys.store`, passing the revision the editor
started from so a concurrent save by someone else is reported, never overwritten. Each
change also writes the draft for the phone preview (:mod:`toolkit.drafts`, ADR 0009).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any

import reflex as rx

import prototypes
from journeys import editing
from journeys import store as journey_store
from journeys.validate import check_journey
from toolkit import drafts, routes
from toolkit.app import data
from toolkit.app import editordata as ed
from toolkit.app.components import ui
from toolkit.app.components.editor import (
    choice_select,
    error_at,
    et,
    finding_list,
    labelled,
    new_journey_form,
    small_button,
    step_row,
    text_area,
    text_input,
)
from toolkit.app.components.journey_nav import journey_links, journey_nav
from toolkit.app.components.layout import notice, page
from toolkit.app.state import SessionState
from toolkit.db import get_organisation

Form = dict[str, Any]
log = logging.getLogger(__name__)


DRAG_AND_DROP_SCRIPT = """
if (!window.__medskapaDnd) {
  window.__medskapaDnd = true;
  let dragged = null;
  const within = (e, sel) => e.target && e.target.closest && e.target.closest(sel);
  document.addEventListener('dragstart', e => {
    const li = within(e, 'li.outline-step');
    if (!li) return;
    dragged = li.dataset.step;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', dragged);
  });
  document.addEventListener('dragover', e => {
    if (dragged && within(e, '.outline-phase')) e.preventDefault();
  });
  document.addEventListener('drop', e => {
    const group = within(e, '.outline-phase');
    const form = document.getElementById('drop-form');
    if (!dragged || !group || !form) return;
    e.preventDefault();
    const li = within(e, 'li.outline-step');
    form.elements['step'].value = dragged;
    form.elements['before'].value = li ? li.dataset.step : '';
    form.elements['phase'].value = group.dataset.phase || '';
    dragged = null;
    form.requestSubmit();
  });
  document.addEventListener('dragend', () => { dragged = null; });
}
"""
"""Drag and drop in the outline (an extra: "Flytta upp/ner" do the same by keyboard). The
listeners sit on the document, so they survive re-renders; a drop fills the hidden
``drop-form`` and submits it to :meth:`EditorState.drop`."""


LEAVE_SCRIPT = """
if (!window.__medskapaLeave) {
  window.__medskapaLeave = true;
  const unsaved = () => !!document.getElementById('dirty');
  const ask = () => document.getElementById('labels-en') ? ASK_EN : ASK_SV;
  window.addEventListener('beforeunload', e => {
    if (!unsaved()) return;
    e.preventDefault();
    e.returnValue = '';
  });
  document.addEventListener('click', e => {
    const a = e.target && e.target.closest && e.target.closest('a[href]');
    if (!a || !unsaved() || a.target === '_blank' || a.hasAttribute('download')) return;
    if (!window.confirm(ask())) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);
}
""".replace("ASK_EN", json.dumps(ed.s("leave", "en"))).replace(
    "ASK_SV", json.dumps(ed.s("leave", "sv"))
)
"""Warn before unsaved changes are lost: the browser's own question on a reload or a closed
tab, and a confirm on a link inside the app (the client router never unloads the page). The
"Osparade ändringar" badge (``#dirty``) is the switch: it is there exactly while the draft
differs from the saved revision."""


def _focus_script(element_id: str) -> str:
    target = json.dumps(element_id)
    return (
        "setTimeout(() => {"
        f" const el = document.getElementById({target});"
        " if (el) { el.focus({preventScroll: true}); el.scrollIntoView({block: 'nearest'}); }"
        " }, 150)"
    )


class EditorState(SessionState):
    """One journey being edited in one tab."""

    _journey: str = ""
    _source: str = ""
    _removed: str = ""
    _token: str = ""

    journey_id: str = ""
    title: str = ""
    found: bool = True
    base_revision: int = 0
    dirty: bool = False
    counter: int = 0
    selected: str = ""
    groups: list[ed.PhaseGroup] = []
    step: ed.StepView = ed.StepView()
    findings: list[ed.FindingRow] = []
    error_count: int = 0
    warning_count: int = 0
    kinds: list[list[str]] = []
    patterns: list[list[str]] = []
    field_types: list[list[str]] = []
    channels: list[list[str]] = []
    phases: list[list[str]] = []
    actors: list[list[str]] = []
    step_choices: list[list[str]] = []
    next_choices: list[list[str]] = []
    questions: list[list[str]] = []
    answers: list[str] = []
    error: str = ""
    error_at: str = ""
    message: str = ""
    message_ok: bool = True
    undo_title: str = ""
    conflict: str = ""
    conflict_diff: str = ""
    show_diff: bool = False
    problems: str = ""
    flow_src: str = ""
    preview_src: str = "about:blank"
    map_href: str = ""
    versions_href: str = ""
    share_href: str = ""
    history_href: str = ""
    try_href: str = ""
    copy_href: str = ""
    links: list[list[str]] = []
    designer_only: bool = False
    details: ed.JourneyDetails = ed.JourneyDetails()
    start_choices: list[list[str]] = []
    actor_list: list[ed.ActorRow] = []
    roles: list[list[str]] = []
    cond_index: int = -1
    cond_field: str = ""
    cond_op: str = "eq"
    cond_value: str = ""
    cond_values: list[str] = []
    cond_goto: str = ""
    cond_ops: list[list[str]] = []
    cond_input: str = "text"
    cond_options: list[str] = []
    id_message: str = ""
    counts: str = ""
    last_note: str = ""
    pending_at: str = ""
    _pending: str = ""
    details_key: str = ""
    actors_key: str = ""
    outline_key: str = ""
    step_key: str = ""
    next_key: str = ""

    # --- loading ------------------------------------------------------------------------------

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise open ?id=… at its current revision."""
        if not self.authorised():
            return self.login_redirect()
        params = self.router.url.query_parameters
        self.journey_id = params.get("id", "")
        self.designer_only = self.user_role != "designer"
        if self.designer_only:  # a facilitator: a kind word instead of forms that fail
            self._journey = ""
            self.found = journey_store.get_journey(data.database(), self.journey_id) is not None
            self.map_href = routes.journey_page(self.journey_id)
            return None
        db = data.database()
        revisions = journey_store.list_revisions(db, self.journey_id) if self.journey_id else []
        pending = drafts.pending_draft(
            db,
            owner=self.user_email,
            journey_id=self.journey_id,
            base_revision=revisions[-1].number if revisions else 0,
        )
        if pending is not None:  # this tab writes elsewhere: the unsaved draft stays offered
            self._token = drafts.new_token()
        self._open(params.get("step", ""))
        if (
            pending is not None
            and self._journey
            and pending.token != self._token
            and ed.dump(pending.journey) != self._journey
        ):
            self._pending = pending.token
            self.pending_at = ed.clock_time(pending.updated_at, data.now(), self._lang())
        return [rx.call_script(DRAG_AND_DROP_SCRIPT), rx.call_script(LEAVE_SCRIPT)]

    @rx.event
    def continue_draft(self):
        """Go on with the unsaved draft found when the editor was opened."""
        if not self._guard():
            return self.login_redirect()
        db = data.database()
        token, self._pending, self.pending_at = self._pending, "", ""
        journey = drafts.get_draft(db, token, owner=self.user_email, journey_id=self.journey_id)
        if journey is None:
            self.message, self.message_ok = ed.s("draft_gone", self._lang()), False
            return None
        self.dirty = True
        self._show(journey)
        try:
            drafts.drop_draft(db, token, owner=self.user_email)
        except sqlite3.Error:
            log.warning("An old editor draft could not be dropped", exc_info=True)
        return rx.call_script(_focus_script("dirty"))

    @rx.event
    def discard_draft(self):
        """Throw the unsaved draft away and keep the saved journey."""
        if not self._guard():
            return self.login_redirect()
        token, self._pending, self.pending_at = self._pending, "", ""
        if token:
            try:
                drafts.drop_unsaved(
                    data.database(),
                    owner=self.user_email,
                    journey_id=self.journey_id,
                    keep=self._token,
                )
            except sqlite3.Error:
                log.warning("An old editor draft could not be dropped", exc_info=True)
        return None

    def _open(self, step_id: str = "") -> None:
        db = data.database()
        journey = journey_store.get_journey(db, self.journey_id) if self.journey_id else None
        self.found = journey is not None
        self.error = self.error_at = self.message = self.conflict = self.conflict_diff = ""
        self.problems = self.undo_title = ""
        self._removed = self._pending = self.pending_at = ""
        self.show_diff = False
        if journey is None:
            self.title = ""
            return
        revisions = journey_store.list_revisions(db, journey.id)
        self.base_revision = revisions[-1].number if revisions else 0
        # the publish note starts as the last save note ("Ny resa" of revision 1 is no note)
        self.last_note = next((r.note for r in reversed(revisions) if r.note and r.number > 1), "")
        self._source = journey_store.get_source(db, journey.id) or ""
        self._token = self._token or drafts.new_token()
        self.dirty = False
        self.selected = step_id if journey.step(step_id) else journey.first_step().id
        self._links()
        self._show(journey)

    def _links(self) -> None:
        """Links to the journey's other pages (those added later only when they exist)."""
        self.map_href = routes.journey_page(self.journey_id)
        self.versions_href = routes.journey_versions_page(self.journey_id)
        self.share_href = routes.journey_share_page(self.journey_id)
        self.history_href = _optional_route("journey_history_page", self.journey_id)
        self.try_href = _optional_route("try_path", self.journey_id)
        self.copy_href = _optional_route("journey_copy_step_page", self.journey_id)
        self.links = journey_links(self.journey_id)

    def _lang(self) -> str:
        return "en" if self.lang == "en" else "sv"

    def _current(self) -> editing.Journey:
        return ed.load(self._journey)

    def _show(self, journey: editing.Journey) -> None:
        """Rebuild everything the page shows from the journey."""
        lang = self._lang()
        self._journey = ed.dump(journey)
        self.title = journey.title
        if journey.step(self.selected) is None:
            self.selected = journey.first_step().id
        rows = ed.finding_rows(journey, check_journey(journey), lang)
        self.findings = rows
        self.error_count = sum(1 for r in rows if r.severity == "error")
        self.warning_count = len(rows) - self.error_count
        self.groups = ed.outline(journey, rows, self.selected, lang)
        self.step = ed.step_view(journey, self.selected, rows, lang) or ed.StepView()
        self.kinds = ed.kind_choices(lang)
        self.patterns = ed.pattern_choices(lang)
        self.field_types = ed.field_type_choices(lang)
        self.channels = ed.channel_choices(lang)
        self.phases = ed.phase_choices(journey, lang)
        self.actors = ed.actor_choices(journey, lang)
        self.step_choices = ed.step_choices(journey, lang)
        self.next_choices = ed.step_choices(journey, lang, end=True)
        self.questions = ed.question_choices(journey)
        self.answers = ed.answer_choices(journey)
        self.details = ed.journey_details(journey)
        self.start_choices = ed.start_choices(journey, lang)
        self.actor_list = ed.actor_rows(journey, lang)
        self.roles = ed.role_choices(lang)
        self.counts = ed.count_label(self.error_count, self.warning_count, lang)
        # each form remounts (new default values) only when what it shows changed, so text
        # typed into one form survives an edit made in another
        self.details_key = ed.fingerprint(self.details, self.start_choices)
        self.actors_key = ed.fingerprint(self.actor_list, self.roles)
        self.outline_key = ed.fingerprint(self.groups, self.phases, self.kinds)
        self.step_key = ed.fingerprint(
            ed.step_form_part(self.step),
            self.kinds,
            self.patterns,
            self.channels,
            self.phases,
            self.actors,
        )
        self.next_key = ed.fingerprint(self.step.id, self.step.default_next, self.next_choices)
        self._builder(journey)
        self.counter += 1
        try:
            drafts.put_draft(
                data.database(),
                self._token,
                owner=self.user_email,
                journey=journey,
                content=self._journey,
                now=data.now(),
                base_revision=self.base_revision,
                dirty=self.dirty,
            )
        except sqlite3.Error:  # the preview may lag one change behind; editing goes on
            log.warning("The editor's draft for the preview could not be stored", exc_info=True)
        self.preview_src = (
            routes.preview_draft_path(journey.id, self.selected, self._token)
            + f"&v={self.counter}"
            + ("&lang=en" if lang == "en" else "")
        )
        self.flow_src = ed.flow_draft_src(
            journey.id, self.selected, self._token, self.counter, lang=lang
        )

    def _edit(self, where: str, change: Any, *args: Any, **kwargs: Any) -> bool:
        """Apply ``change(journey, *args, **kwargs)``; on EditError show it at ``where``."""
        self.error, self.error_at, self.message, self.problems = "", "", "", ""
        self.id_message = ""
        try:
            result = change(self._current(), *args, **kwargs)
        except editing.EditError as exc:
            self.error, self.error_at = exc.message(self._lang()), where
            return False
        journey = result[0] if isinstance(result, tuple) else result
        self.dirty = True
        self._show(journey)
        return True

    def _guard(self) -> bool:
        return self.authorised("designer") and bool(self._journey)

    def _builder(self, journey: editing.Journey) -> None:
        """The rule builder's choices for the chosen question and comparison."""
        if self.cond_index >= len([w for w in self.step.ways if not w.is_default]):
            self.cond_index = -1
        if not self.cond_field or self.cond_field not in journey.fields():
            self.cond_field = self.questions[0][0] if self.questions else ""
        if self.cond_goto not in [c[0] for c in self.step_choices]:
            self.cond_goto = self.step_choices[0][0] if self.step_choices else ""
        control = ed.condition_control(journey, self.cond_field, self.cond_op, self._lang())
        if self.cond_op not in [o[0] for o in control.operators]:
            self.cond_op = "eq"
        self.cond_ops = control.operators
        self.cond_input = control.input
        self.cond_options = control.options
        if control.input == "choice" and self.cond_value not in control.options:
            self.cond_value = control.options[0] if control.options else ""

    # --- selecting ----------------------------------------------------------------------------

    @rx.event
    def select_step(self, step_id: str):
        """Show a step in the step form and the preview."""
        if not self._guard():
            return self.login_redirect()
        self.selected = step_id
        self.error = self.error_at = self.id_message = ""
        self.cond_index, self.cond_value, self.cond_values = -1, "", []
        self._show(self._current())
        return None

    @rx.event
    def relabel(self):
        """Rebuild what the page shows in the language just chosen (kinds, findings, ...)."""
        if self._journey and self.authorised():
            self._show(self._current())

    @rx.event
    def follow(self, step_id: str, target: str):
        """Go to the step (and question) a finding concerns and put the focus there."""
        if not self._guard():
            return self.login_redirect()
        if step_id:
            self.selected = step_id
            self._show(self._current())
        return rx.call_script(_focus_script(target or "step-title"))

    # --- phases and steps ---------------------------------------------------------------------

    @rx.event
    def move(self, step_id: str, delta: int):
        """Move a step up (-1) or down (+1) in the outline; the focus stays on its button."""
        if not self._guard():
            return self.login_redirect()
        if self._current().step(step_id) is None:
            return None
        self.selected = step_id
        if self._edit("outline", ed.move_in_outline, step_id, int(delta)):
            rows = [r for g in self.groups for r in g.steps]
            row = next((r for r in rows if r.id == step_id), None)
            button = "up" if delta < 0 else "down"
            if row is not None and (
                (button == "up" and row.first) or (button == "down" and row.last)
            ):
                button = "down" if button == "up" else "up"
            return rx.call_script(_focus_script(f"move-{button}-{step_id}"))
        return None

    @rx.event
    def drop(self, form: Form):
        """A step dragged onto another step (it goes before it) or onto a phase."""
        if not self._guard():
            return self.login_redirect()
        step_id = str(form.get("step", ""))
        if self._current().step(step_id) is None:
            return None
        self.selected = step_id
        self._edit(
            "outline",
            ed.drop_step,
            step_id,
            str(form.get("before", "")) or None,
            str(form.get("phase", "")) or ed.NO_PHASE,
        )
        return None

    @rx.event
    def duplicate(self, step_id: str):
        """Copy a step right after itself and select the copy."""
        if not self._guard():
            return self.login_redirect()
        before = {st.id for st in self._current().steps}
        if self._edit("outline", editing.duplicate_step, step_id):
            journey = self._current()
            new = [st.id for st in journey.steps if st.id not in before]
            if new:
                self.selected = new[0]
                self._show(journey)
        return None

    @rx.event
    def delete(self, step_id: str):
        """Delete a step; the removal is kept so that it can be undone."""
        if not self._guard():
            return self.login_redirect()
        self.error = self.error_at = ""
        try:
            journey, removed = editing.delete_step(self._current(), step_id)
        except editing.EditError as exc:
            self.error, self.error_at = exc.message(self._lang()), "outline"
            return None
        self._removed = removed.model_dump_json()
        self.undo_title = str(removed.step.get("title", step_id))
        self.dirty = True
        self._show(journey)
        return rx.call_script(_focus_script("undo-delete"))

    @rx.event
    def undo(self):
        """Put the last deleted step back where it was, with the ways that led to it."""
        if not self._guard():
            return self.login_redirect()
        if not self._removed:
            return None
        removed = editing.Removed.model_validate_json(self._removed)
        if self._edit("outline", editing.restore_step, removed):
            self._removed, self.undo_title = "", ""
            self.selected = removed.step_id
            self._show(self._current())
        return None

    @rx.event
    def add_step(self, form: Form):
        """A new step after the selected one."""
        if not self._guard():
            return self.login_redirect()
        kind = str(form.get("kind", "screen"))
        title = str(form.get("title", ""))
        journey = self._current()
        new_id = editing.unique_step_id(journey, title) if title.strip() else ""
        phase = str(form.get("phase", ed.NO_PHASE))
        if self._edit(
            "add_step",
            editing.add_step,
            kind,
            title,
            after=self.selected or None,
            phase=None if phase == ed.NO_PHASE else phase,
        ):
            self.selected = new_id
            self._show(self._current())
            return rx.call_script(_focus_script("step-title"))
        return None

    @rx.event
    def add_phase(self, form: Form):
        """A new phase, last."""
        if not self._guard():
            return self.login_redirect()
        self._edit("phase", editing.add_phase, str(form.get("title", "")))
        return None

    @rx.event
    def rename_phase(self, form: Form):
        """Give a phase a new name."""
        if not self._guard():
            return self.login_redirect()
        phase_id = str(form.get("phase_id", ""))
        self._edit("phase", editing.rename_phase, phase_id, str(form.get("title", "")))
        return None

    @rx.event
    def save_step(self, form: Form):
        """Apply the step form: title, kind, phase, actor, channel, text, button."""
        if not self._guard():
            return self.login_redirect()
        self.error = self.error_at = self.message = ""
        step_id = self.selected
        try:
            journey = ed.apply_step_form(self._current(), step_id, form)
        except editing.EditError as exc:
            self.error, self.error_at = exc.message(self._lang()), "step"
            return None
        self.dirty = True
        self._show(journey)
        return None

    # --- questions ----------------------------------------------------------------------------

    @rx.event
    def add_question(self, form: Form):
        """A new question last on the selected screen."""
        if not self._guard():
            return self.login_redirect()
        label = str(form.get("label", ""))
        journey = self._current()
        new_id = editing.unique_field_id(journey, label) if label.strip() else ""
        if self._edit(
            "add_field", editing.add_field, self.selected, str(form.get("type", "text")), label
        ):
            return rx.call_script(_focus_script(ed.field_dom_id(new_id)))
        return None

    @rx.event
    def save_field(self, form: Form):
        """Apply one question's form: label, hint, type, options, required, rules."""
        if not self._guard():
            return self.login_redirect()
        field_id = str(form.get("field_id", ""))
        journey = self._current()
        found = journey.fields().get(field_id)
        if found is None:
            return None
        try:
            changes = ed.field_changes(found[1], form, self._lang())
        except editing.EditError as exc:
            self.error, self.error_at = exc.message(self._lang()), f"field:{field_id}"
            return None
        if changes:
            self._edit(
                f"field:{field_id}", editing.update_field, self.selected, field_id, **changes
            )
        return None

    @rx.event
    def move_field(self, field_id: str, delta: int):
        """Move a question up or down on its screen."""
        if not self._guard():
            return self.login_redirect()
        ids = [f.id for f in self.step.fields]
        if field_id not in ids:
            return None
        target = ids.index(field_id) + delta
        if 0 <= target < len(ids) and self._edit(
            f"field:{field_id}", editing.move_field, self.selected, field_id, target
        ):
            side = "up" if delta < 0 else "down"
            if (side == "up" and target == 0) or (side == "down" and target == len(ids) - 1):
                side = "down" if side == "up" else "up"
            return rx.call_script(_focus_script(f"field-{side}-{field_id}"))
        return None

    @rx.event
    def remove_field(self, field_id: str):
        """Remove a question (refused while a condition asks about it)."""
        if not self._guard():
            return self.login_redirect()
        self._edit(f"field:{field_id}", editing.remove_field, self.selected, field_id)
        return None

    # --- ways on and decisions ----------------------------------------------------------------

    @rx.event
    def set_next(self, form: Form):
        """Where the step leads in all other cases (or that the journey ends here)."""
        if not self._guard():
            return self.login_redirect()
        target = str(form.get("goto", ed.END))
        self._edit("next", editing.set_next, self.selected, None if target == ed.END else target)
        return None

    @rx.event
    def remove_branch(self, index: int):
        """Remove a way on that has a condition."""
        if not self._guard():
            return self.login_redirect()
        self._edit("branch", editing.remove_branch, self.selected, int(index))
        return None

    @rx.event
    def save_rule(self, form: Form):
        """Change a decision rule's outcome, explanation and target."""
        if not self._guard():
            return self.login_redirect()
        index = int(form.get("index", 0))
        self._edit(
            f"rule:{index}",
            editing.update_rule,
            self.selected,
            index,
            outcome=str(form.get("outcome", "")),
            explanation=str(form.get("explanation", "")).strip() or None,
            goto=str(form.get("goto", "")),
        )
        return None

    @rx.event
    def remove_rule(self, index: int):
        """Remove a decision rule (not the last one)."""
        if not self._guard():
            return self.login_redirect()
        self._edit(f"rule:{index}", editing.remove_rule, self.selected, int(index))
        return None

    # --- the journey's own details, actors and ids --------------------------------------------

    @rx.event
    def save_details(self, form: Form):
        """Title, organisation, licence, description, service area, LIX, the first step."""
        if not self._guard():
            return self.login_redirect()
        self._edit("details", ed.apply_journey_form, form)
        return None

    @rx.event
    def add_actor(self, form: Form):
        """A new actor (a lane on the journey map)."""
        if not self._guard():
            return self.login_redirect()
        self._edit(
            "actors",
            editing.add_actor,
            str(form.get("title", "")),
            role=str(form.get("role", "other")),
        )
        return None

    @rx.event
    def rename_actor(self, form: Form):
        """Give an actor a new name."""
        if not self._guard():
            return self.login_redirect()
        actor_id = str(form.get("actor_id", ""))
        self._edit(f"actor:{actor_id}", editing.rename_actor, actor_id, str(form.get("title", "")))
        return None

    @rx.event
    def remove_actor(self, actor_id: str):
        """Remove an actor no step names."""
        if not self._guard():
            return self.login_redirect()
        self._edit(f"actor:{actor_id}", editing.remove_actor, actor_id)
        return None

    @rx.event
    def change_step_id(self, form: Form):
        """Give the selected step a new id; every way on and the start follow."""
        if not self._guard():
            return self.login_redirect()
        new = str(form.get("new_id", "")).strip()
        old = self.selected
        if new == old:
            return None
        try:
            journey, refs = editing.change_step_id(self._current(), old, new)
        except editing.EditError as exc:
            self.error, self.error_at = exc.message(self._lang()), "step_id"
            return None
        self.error = self.error_at = ""
        self.selected = new
        self.dirty = True
        self._show(journey)
        self.id_message = ed.references_message(len(refs), self._lang())
        return rx.call_script(_focus_script("step-id-message"))

    @rx.event
    def change_field_id(self, form: Form):
        """Give a question a new id; every condition asking about it follows."""
        if not self._guard():
            return self.login_redirect()
        old = str(form.get("field_id", ""))
        new = str(form.get("new_id", "")).strip()
        if new != old:
            self._edit(f"field:{old}", editing.change_field_id, old, new)
        return None

    # --- the rule builder ---------------------------------------------------------------------

    @rx.event
    def set_cond_field(self, value: str):
        """The builder's question changed: offer the comparisons and answers that fit it."""
        if not self._guard():
            return self.login_redirect()
        self.cond_field, self.cond_value, self.cond_values = value, "", []
        self._builder(self._current())

    @rx.event
    def set_cond_op(self, value: str):
        """The builder's comparison changed: show the value control that fits it."""
        if not self._guard():
            return self.login_redirect()
        self.cond_op = value
        self._builder(self._current())

    @rx.event
    def edit_way(self, index: int):
        """Load a condition into the builder to change it in place."""
        if not self._guard():
            return self.login_redirect()
        journey = self._current()
        parts = ed.way_condition(journey, self.selected, int(index))
        way = next((w for w in self.step.ways if w.index == int(index)), None)
        if not parts.editable or way is None:
            return None
        self.cond_index = int(index)
        self.cond_field, self.cond_op = parts.question, parts.op
        self.cond_value, self.cond_values = parts.value, parts.values
        self.cond_goto = way.goto
        self.error = self.error_at = ""
        self._builder(journey)
        prefix = "rule" if self.step.kind == "decision" else "branch"
        return rx.call_script(_focus_script(f"{prefix}-field"))

    @rx.event
    def cancel_edit(self):
        """Leave the builder's edit mode without a change."""
        if not self._guard():
            return self.login_redirect()
        self.cond_index, self.cond_value, self.cond_values = -1, "", []
        self._builder(self._current())
        return None

    @rx.event
    def submit_condition(self, form: Form):
        """Add the condition (a way on, or a decision rule), or save the one being edited."""
        if not self._guard():
            return self.login_redirect()
        journey = self._current()
        decision = self.step.kind == "decision"
        where = "rule" if decision else "branch"
        form = {**form, "field": self.cond_field, "op": self.cond_op}
        try:
            condition = ed.condition_from_form(journey, form)
        except editing.EditError as exc:
            self.error, self.error_at = exc.message(self._lang()), where
            return None
        goto = str(form.get("goto", ""))
        index = self.cond_index
        if index >= 0:
            change = editing.update_rule if decision else editing.update_branch
            done = self._edit(where, change, self.selected, index, condition=condition, goto=goto)
        elif decision:
            done = self._edit(
                where,
                editing.add_rule,
                self.selected,
                condition,
                str(form.get("outcome", "")),
                goto,
                explanation=str(form.get("explanation", "")).strip() or None,
            )
        else:
            done = self._edit(where, editing.add_branch, self.selected, condition, goto)
        if done:
            self.cond_index, self.cond_value, self.cond_values = -1, "", []
            self._builder(self._current())
        return None

    @rx.event
    def move_way(self, index: int, delta: int):
        """Try a condition earlier (-1) or later (+1): the first that holds is taken."""
        if not self._guard():
            return self.login_redirect()
        decision = self.step.kind == "decision"
        change = editing.move_rule if decision else editing.move_branch
        index, delta = int(index), int(delta)
        if self._edit("ways", change, self.selected, index, index + delta):
            self.cond_index = -1
            side = "up" if delta < 0 else "down"
            target = index + delta
            rows = [w for w in self.step.ways if not w.is_default]
            if (side == "up" and target == 0) or (side == "down" and target == len(rows) - 1):
                side = "down" if side == "up" else "up"
            return rx.call_script(_focus_script(f"way-{side}-{target}"))
        return None

    # --- saving and publishing ----------------------------------------------------------------

    def _save(self, note: str) -> bool:
        """Store the draft as a revision; on a conflict say so and keep the draft."""
        db = data.database()
        journey = self._current()
        source = ed.kept_source(self._source, journey)
        try:
            revision = journey_store.save_journey(
                db,
                journey,
                source=source,
                author=self.user_email,
                note=note or None,
                now=data.now(),
                expected_revision=self.base_revision,
            )
        except sqlite3.OperationalError:
            self.message, self.message_ok = (
                "Databasen är upptagen just nu. Vänta en stund och spara igen; inget har "
                "sparats och dina ändringar finns kvar här."
                if self._lang() == "sv"
                else "The database is busy. Wait a moment and save again; nothing was saved "
                "and your changes are still here.",
                False,
            )
            return False
        except journey_store.RevisionConflict as exc:
            lang = self._lang()
            self.conflict = exc.message(lang)
            theirs = journey_store.get_journey(db, journey.id)
            self.conflict_diff = ed.draft_diff(theirs, journey) if theirs is not None else ""
            return False
        self.base_revision = revision.number
        self._source = source or ""
        self.dirty = False
        if note:
            self.last_note = note
        self._pending = self.pending_at = ""
        try:  # the tab's draft is saved now: nothing to offer back on a reload
            drafts.put_draft(
                db,
                self._token,
                owner=self.user_email,
                journey=journey,
                content=self._journey,
                now=data.now(),
                base_revision=revision.number,
            )
        except sqlite3.Error:
            log.warning("The editor's draft could not be marked saved", exc_info=True)
        self.conflict = self.conflict_diff = ""
        self.message = ed.s("saved_rev", self._lang(), n=revision.number)
        self.message_ok = True
        return True

    @rx.event
    def save(self, form: Form):
        """Save the draft as a new revision (errors allowed)."""
        if not self._guard():
            return self.login_redirect()
        self.error = self.error_at = self.problems = ""
        self._save(str(form.get("note", "")).strip())
        return None

    @rx.event
    def publish(self, form: Form):
        """Save, then publish the journey as the next prototype version (only without errors)."""
        if not self._guard():
            return self.login_redirect()
        lang = self._lang()
        self.error = self.error_at = self.message = ""
        self.problems = ed.publish_blockers(self.findings, lang)
        if self.problems:
            return rx.call_script(_focus_script("publish-problems"))
        note = str(form.get("note", "")).strip() or self.last_note
        if not self._save(note):
            return None
        try:
            version = prototypes.publish_version(
                data.database(),
                self.journey_id,
                note=note or ("Publicerad från redigeraren" if lang == "sv" else "Published"),
                author=self.user_email,
                now=data.now(),
            )
        except prototypes.NothingToPublish as exc:
            self.message, self.message_ok = str(exc), False
        except prototypes.PublishError as exc:
            self.message, self.message_ok = str(exc), False
        else:
            self.message = ed.s("published", lang, n=version.number)
            self.message_ok = True
        return None

    @rx.event
    def reload(self):
        """Throw the draft away and open the journey as it is saved now."""
        if not self.authorised("designer"):
            return self.login_redirect()
        self._open(self.selected)
        self.message, self.message_ok = (
            "Resan är omladdad. Gör dina ändringar igen."
            if self._lang() == "sv"
            else "The journey is reloaded. Make your changes again.",
            True,
        )
        return None

    @rx.event
    def toggle_diff(self) -> None:
        """Show or hide what differs between the saved journey and the draft."""
        self.show_diff = not self.show_diff


def _optional_route(name: str, journey_id: str) -> str:
    """``routes.<name>(journey_id)`` when that page exists, else ''."""
    builder = getattr(routes, name, None)
    if builder is None:
        return ""
    try:
        return str(builder(journey_id))
    except TypeError:
        return ""


class NewJourneyState(SessionState):
    """The "Ny resa" form on the journey list."""

    templates: list[list[str]] = []
    new_error: str = ""
    new_error_at: str = ""
    existing_href: str = ""
    organisation: str = "Exempelkommun"

    @rx.event
    def load_templates(self):
        """The templates to start from."""
        if not self.authorised():
            return None
        self.templates = ed.template_choices("en" if self.lang == "en" else "sv")
        self.organisation = get_organisation(data.database()).name or "Exempelkommun"
        return None

    @rx.event
    def create(self, form: Form):
        """Make the journey, save it as revision 1 and open it in the editor."""
        if not self.authorised("designer"):
            return self.login_redirect()
        lang = "en" if self.lang == "en" else "sv"
        self.new_error = self.new_error_at = self.existing_href = ""
        org = str(form.get("organisation", "")).strip()
        db = data.database()
        title = str(form.get("title", ""))
        same = ed.journey_named([(j.id, j.title) for j in journey_store.list_journeys(db)], title)
        if same:
            self.new_error, self.new_error_at = ed.title_taken_message(title, lang), "title"
            self.existing_href = routes.journey_edit_page(same)
            return rx.call_script(_focus_script("new-title"))
        try:
            journey = ed.journey_from_template(
                str(form.get("template", ed.BLANK_TEMPLATE)),
                str(form.get("title", "")),
                org,
                str(form.get("id", "")),
            )
        except editing.EditError as exc:
            self.new_error = exc.message(lang)
            self.new_error_at = "id" if str(form.get("id", "")).strip() else "title"
            return None
        try:
            journey_store.save_journey(
                db,
                journey,
                author=self.user_email,
                note="Ny resa" if lang == "sv" else "New journey",
                now=data.now(),
                expected_revision=0,
            )
        except journey_store.RevisionConflict:
            self.new_error = (
                f"Det finns redan en resa med id '{journey.id}'. Skriv ett annat id eller en "
                "annan titel."
                if lang == "sv"
                else f"There is already a journey with the id '{journey.id}'. Write another id "
                "or title."
            )
            self.new_error_at = "id" if str(form.get("id", "")).strip() else "title"
            self.existing_href = routes.journey_edit_page(journey.id)
            return rx.call_script(
                _focus_script("new-id" if self.new_error_at == "id" else "new-title")
            )
        return rx.redirect(routes.journey_edit_page(journey.id))


def new_journey_card() -> rx.Component:
    """The "Ny resa" form, for the journey list page."""
    return new_journey_form(
        NewJourneyState.templates,
        NewJourneyState.organisation,
        NewJourneyState.new_error,
        NewJourneyState.create,
        NewJourneyState.load_templates,
        error_where=NewJourneyState.new_error_at,
        existing_href=NewJourneyState.existing_href,
    )


# --- the page -------------------------------------------------------------------------------

S = EditorState
CARD = {"border": "1px solid var(--gray-6)", "borderRadius": "8px", "padding": "0.9em"}


def _en(sv: str, en: str) -> rx.Var:
    """A label in the interface's language (for attributes such as aria-label)."""
    return rx.cond(SessionState.lang == "en", en, sv)


def _links() -> rx.Component:
    """The journey's other pages (and the helpers' pages, when they exist)."""

    def optional(href: rx.Var[str], label: rx.Var, id: str) -> rx.Component:
        return rx.cond(href != "", rx.link(label, href=href, id=id), rx.fragment())

    return rx.vstack(
        # the journey's pages, the same on each of them ("Redigera" is this one)
        journey_nav(S.links, "edit"),
        rx.hstack(
            rx.cond(
                S.try_href != "",
                rx.el.a(
                    et("to_try"),
                    href=S.try_href,
                    reload_document=True,
                    target="_blank",
                    rel="noopener",
                    id="to-try",
                    style={"color": "var(--accent-11)"},
                ),
                rx.fragment(),
            ),
            optional(S.copy_href, et("to_copy"), "to-copy"),
            spacing="5",
            wrap="wrap",
        ),
        spacing="1",
    )


def _save_bar() -> rx.Component:
    """Status, save as draft, publish; conflicts and publish problems."""
    return rx.vstack(
        rx.hstack(
            rx.cond(
                S.dirty,
                ui.badge(et("unsaved"), color_scheme="amber", id="dirty"),
                ui.badge("Revision ", S.base_revision, color_scheme="green", id="revision"),
            ),
            ui.badge(S.counts, color_scheme="gray", id="finding-counts"),
            rx.form(
                rx.hstack(
                    rx.el.label(
                        et("note"),
                        html_for="save-note",
                        class_name="sr-only",
                        style={"fontSize": "0.85em"},
                    ),
                    text_input(
                        "note",
                        "save-note",
                        "",
                        max_length=300,
                        style={
                            "padding": "0.35em",
                            "width": "min(18em, calc(100vw - 3em))",
                            "maxWidth": "100%",
                            "border": "1px solid var(--gray-8)",
                            "borderRadius": "4px",
                        },
                    ),
                    rx.button(et("save"), type="submit", id="save-draft"),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                on_submit=S.save,
                reset_on_submit=True,
                max_width="100%",
            ),
            rx.form(
                rx.hstack(
                    rx.el.label(
                        et("version_note"),
                        html_for="publish-note",
                        style={"fontSize": "0.85em"},
                    ),
                    text_input(
                        "note",
                        "publish-note",
                        S.last_note,
                        max_length=300,
                        key="publish-note-" + S.last_note,
                        style={
                            "padding": "0.35em",
                            "width": "min(16em, calc(100vw - 3em))",
                            "maxWidth": "100%",
                            "border": "1px solid var(--gray-8)",
                            "borderRadius": "4px",
                        },
                    ),
                    rx.button(
                        et("publish"),
                        type="submit",
                        id="publish",
                        color_scheme="green",
                        high_contrast=True,
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                on_submit=S.publish,
                max_width="100%",
            ),
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        rx.cond(S.message != "", notice(S.message, ok=S.message_ok), rx.fragment()),
        rx.cond(
            S.pending_at != "",
            rx.callout(
                rx.hstack(
                    rx.text(
                        rx.cond(
                            SessionState.lang == "en",
                            "You have unsaved changes from " + S.pending_at + ".",
                            "Du har osparade ändringar från " + S.pending_at + ".",
                        ),
                        id="pending-message",
                    ),
                    rx.button(
                        et("pending_continue"),
                        on_click=S.continue_draft,
                        type="button",
                        id="pending-continue",
                        high_contrast=True,
                    ),
                    rx.button(
                        et("pending_discard"),
                        on_click=S.discard_draft,
                        type="button",
                        variant="outline",
                        id="pending-discard",
                        high_contrast=True,
                    ),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                icon="info",
                color_scheme="amber",
                role="status",
                high_contrast=True,
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.cond(
            S.problems != "",
            rx.callout(
                rx.el.pre(
                    S.problems,
                    style={"whiteSpace": "pre-wrap", "margin": 0, "fontFamily": "inherit"},
                ),
                icon="triangle-alert",
                color_scheme="red",
                role="alert",
                high_contrast=True,
                id="publish-problems",
                tab_index=-1,
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.cond(
            S.conflict != "",
            rx.callout(
                rx.vstack(
                    rx.text(S.conflict, id="conflict-message"),
                    rx.hstack(
                        rx.button(
                            et("reload"),
                            on_click=S.reload,
                            type="button",
                            id="reload",
                            high_contrast=True,
                            color_scheme="red",
                        ),
                        rx.button(
                            et("compare"),
                            on_click=S.toggle_diff,
                            type="button",
                            variant="outline",
                            id="compare",
                            high_contrast=True,
                            aria_expanded=S.show_diff,
                        ),
                        rx.cond(
                            S.history_href != "",
                            rx.link(et("to_history"), href=S.history_href),
                            rx.fragment(),
                        ),
                        spacing="2",
                    ),
                    rx.cond(
                        S.show_diff,
                        rx.el.pre(
                            S.conflict_diff,
                            id="conflict-diff",
                            style={
                                "whiteSpace": "pre-wrap",
                                "fontSize": "0.8em",
                                "maxHeight": "20em",
                                "overflow": "auto",
                                "background": "white",
                                "padding": "0.5em",
                                "width": "100%",
                            },
                        ),
                        rx.fragment(),
                    ),
                    width="100%",
                ),
                icon="triangle-alert",
                color_scheme="red",
                role="alert",
                high_contrast=True,
                width="100%",
            ),
            rx.fragment(),
        ),
        width="100%",
        spacing="2",
    )


def _actor_row(a: rx.Var[ed.ActorRow]) -> rx.Component:
    """One actor: rename it, or remove it when no step names it."""
    return rx.el.li(
        rx.form(
            rx.el.input(type="hidden", name="actor_id", value=a.id),
            rx.hstack(
                rx.box(
                    labelled(
                        rx.fragment(a.role_label, " · ", ui.code(a.id)),
                        "actor-title-" + a.id,
                        text_input("title", "actor-title-" + a.id, a.title),
                    ),
                    flex="1",
                ),
                rx.button(
                    et("rename_phase"),
                    type="submit",
                    size="1",
                    variant="outline",
                    id="rename-actor-" + a.id,
                    aria_label=_en("Byt namn på aktören ", "Rename the actor ") + a.title,
                ),
                rx.cond(
                    a.used,
                    rx.fragment(),
                    small_button(
                        et("delete"),
                        S.remove_actor(a.id),
                        color_scheme="red",
                        id="remove-actor-" + a.id,
                        aria_label=_en("Ta bort aktören ", "Remove the actor ") + a.title,
                    ),
                ),
                align="end",
                spacing="2",
                width="100%",
            ),
            error_at(S.error, S.error_at, "actor:" + a.id),
            on_submit=S.rename_actor,
            key=S.actors_key + "-actor-" + a.id,
            width="100%",
        ),
        style={"listStyle": "none", "marginBottom": "0.5em"},
    )


def _details() -> rx.Component:
    """The journey's own details (title, organisation, licence, ..., first step) and actors."""
    d = S.details
    return rx.el.details(
        rx.el.summary(
            rx.heading(et("details"), size="4", as_="span", display="inline"),
            style={"cursor": "pointer"},
            id="details-summary",
        ),
        rx.grid(
            rx.form(
                rx.vstack(
                    rx.grid(
                        labelled(
                            et("journey_title"),
                            "journey-title",
                            text_input("title", "journey-title", d.title),
                        ),
                        labelled(
                            et("organisation"),
                            "journey-organisation",
                            text_input("organisation", "journey-organisation", d.organisation),
                        ),
                        labelled(
                            et("licence"),
                            "journey-licence",
                            text_input("licence", "journey-licence", d.licence),
                        ),
                        labelled(
                            et("service_area"),
                            "journey-service-area",
                            text_input("service_area", "journey-service-area", d.service_area),
                        ),
                        labelled(
                            et("start"),
                            "journey-start",
                            choice_select(
                                S.start_choices, name="start", id="journey-start", value=d.start
                            ),
                        ),
                        labelled(
                            et("lix_target"),
                            "journey-lix",
                            text_input(
                                "lix_target", "journey-lix", d.lix_target, input_mode="numeric"
                            ),
                        ),
                        columns="repeat(auto-fit, minmax(14em, 1fr))",
                        spacing="2",
                        width="100%",
                    ),
                    labelled(
                        et("description"),
                        "journey-description",
                        text_area("description", "journey-description", d.description, rows=3),
                    ),
                    labelled(
                        et("origin"),
                        "journey-origin",
                        text_input("origin", "journey-origin", d.origin),
                    ),
                    error_at(S.error, S.error_at, "details"),
                    rx.button(et("save_details"), type="submit", id="save-details"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.save_details,
                key=S.details_key + "-details",
                width="100%",
            ),
            rx.vstack(
                rx.heading(et("actors"), size="3", as_="h3"),
                rx.el.ul(rx.foreach(S.actor_list, _actor_row), style={"padding": 0, "margin": 0}),
                error_at(S.error, S.error_at, "actors"),
                rx.form(
                    rx.hstack(
                        rx.box(
                            labelled(
                                et("actor_name"),
                                "new-actor-title",
                                text_input("title", "new-actor-title"),
                            ),
                            flex="1",
                        ),
                        labelled(
                            et("role"),
                            "new-actor-role",
                            choice_select(S.roles, name="role", id="new-actor-role", value="other"),
                        ),
                        rx.button(et("add_actor"), type="submit", id="add-actor", size="2"),
                        align="end",
                        spacing="2",
                        width="100%",
                        wrap="wrap",
                    ),
                    on_submit=S.add_actor,
                    reset_on_submit=True,
                    key=S.actors_key + "-add-actor",
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            columns="repeat(auto-fit, minmax(min(22em, 100%), 1fr))",
            spacing="5",
            width="100%",
            margin_top="0.75em",
        ),
        style=CARD,
        id="journey-details",
        width="100%",
    )


def _designer_only() -> rx.Component:
    """What a facilitator sees instead of the editor."""
    return rx.callout(
        rx.vstack(
            rx.heading(et("designer_only"), size="4", as_="h2"),
            rx.text(et("designer_only_body")),
            rx.cond(
                S.found,
                rx.link(
                    et("to_map"),
                    href=S.map_href,
                    id="designer-only-map",
                    underline="always",
                    style={"color": "var(--gray-12)"},
                ),
                rx.link(
                    et("back"), href="/", underline="always", style={"color": "var(--gray-12)"}
                ),
            ),
            spacing="2",
        ),
        icon="info",
        color_scheme="blue",
        high_contrast=True,
        role="status",
        id="designer-only",
        width="100%",
    )


def _rename_phase(g: rx.Var[ed.PhaseGroup]) -> rx.Component:
    """A folded form to give a phase a new name."""
    return rx.el.details(
        rx.el.summary(et("rename_phase"), style={"cursor": "pointer", "fontSize": "0.85em"}),
        rx.form(
            rx.el.input(type="hidden", name="phase_id", value=g.id),
            rx.hstack(
                rx.box(
                    labelled(
                        et("new_name"),
                        f"phase-title-{g.id}",
                        text_input("title", f"phase-title-{g.id}", g.title),
                    ),
                    flex="1",
                ),
                rx.button(et("rename_phase"), type="submit", size="1", id=f"rename-phase-{g.id}"),
                align="end",
                spacing="2",
                width="100%",
            ),
            on_submit=S.rename_phase,
            key=S.outline_key + "-phase-" + g.id,
            width="100%",
        ),
        class_name="rename-phase",
    )


def _outline() -> rx.Component:
    """Phases with their steps, add a step or a phase, undo a deletion."""
    return rx.vstack(
        rx.heading(et("outline"), size="4", as_="h2"),
        error_at(S.error, S.error_at, "outline"),
        rx.cond(
            S.undo_title != "",
            rx.callout(
                rx.hstack(
                    rx.text(et("deleted"), " ”", S.undo_title, "”"),
                    rx.button(
                        et("undo"), on_click=S.undo, size="1", id="undo-delete", type="button"
                    ),
                    align="center",
                    wrap="wrap",
                ),
                role="status",
                color_scheme="gray",
                high_contrast=True,
                size="1",
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.foreach(
            S.groups,
            lambda g: rx.box(
                rx.heading(g.title, size="3", as_="h3", margin_top="0.5em"),
                rx.cond(g.id != ed.NO_PHASE, _rename_phase(g), rx.fragment()),
                rx.el.ol(
                    rx.foreach(
                        g.steps,
                        lambda row: step_row(row, S.select_step, S.move, S.duplicate, S.delete),
                    ),
                    style={"padding": 0, "margin": 0},
                ),
                width="100%",
                class_name="outline-phase",
                data_phase=g.id,
            ),
        ),
        rx.form(
            rx.el.input(type="hidden", name="step"),
            rx.el.input(type="hidden", name="before"),
            rx.el.input(type="hidden", name="phase"),
            id="drop-form",
            on_submit=S.drop,
            style={"display": "none"},
        ),
        rx.form(
            rx.vstack(
                rx.heading(et("add_step"), size="3", as_="h3"),
                labelled(et("step_title"), "new-step-title", text_input("title", "new-step-title")),
                labelled(
                    et("kind"),
                    "new-step-kind",
                    choice_select(S.kinds, name="kind", id="new-step-kind"),
                ),
                labelled(
                    et("phase"),
                    "new-step-phase",
                    choice_select(S.phases, name="phase", id="new-step-phase", value=S.step.phase),
                ),
                error_at(S.error, S.error_at, "add_step"),
                rx.button(et("add_step"), type="submit", id="add-step", size="2"),
                spacing="2",
                width="100%",
            ),
            on_submit=S.add_step,
            reset_on_submit=True,
            key=S.outline_key + "-add-step",
            style=CARD,
            width="100%",
        ),
        rx.form(
            rx.vstack(
                rx.heading(et("add_phase"), size="3", as_="h3"),
                labelled(et("phase"), "new-phase-title", text_input("title", "new-phase-title")),
                error_at(S.error, S.error_at, "phase"),
                rx.button(
                    et("add_phase"), type="submit", id="add-phase", size="2", variant="outline"
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=S.add_phase,
            reset_on_submit=True,
            style=CARD,
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _step_form() -> rx.Component:
    """Title, kind, phase, actor, channel, Markdown text with preview, button label."""
    return rx.form(
        rx.vstack(
            rx.heading(et("step"), ": ", S.step.title, size="4", as_="h2"),
            rx.text("Id: ", ui.code(S.step.id), size="1"),
            finding_list(S.step.findings, S.follow, id="step-findings", show_step=False),
            labelled(
                et("step_title"), "step-title", text_input("title", "step-title", S.step.title)
            ),
            rx.grid(
                labelled(
                    et("kind"),
                    "step-kind",
                    choice_select(S.kinds, name="kind", id="step-kind", value=S.step.kind),
                ),
                labelled(
                    et("phase"),
                    "step-phase",
                    choice_select(S.phases, name="phase", id="step-phase", value=S.step.phase),
                ),
                labelled(
                    et("actor"),
                    "step-actor",
                    choice_select(S.actors, name="actor", id="step-actor", value=S.step.actor),
                ),
                rx.cond(
                    S.step.kind != "decision",
                    labelled(
                        et("channel"),
                        "step-channel",
                        choice_select(
                            S.channels, name="channel", id="step-channel", value=S.step.channel
                        ),
                    ),
                    rx.fragment(),
                ),
                columns="2",
                spacing="2",
                width="100%",
            ),
            labelled(et("body"), "step-body", text_area("body", "step-body", S.step.body, rows=5)),
            rx.cond(
                S.step.body != "",
                rx.box(
                    rx.text(et("body_preview"), size="1", weight="bold"),
                    rx.markdown(S.step.body),
                    style={"borderLeft": "4px solid var(--gray-6)", "paddingLeft": "0.75em"},
                    width="100%",
                    id="body-preview",
                ),
                rx.fragment(),
            ),
            rx.cond(
                S.step.kind == "screen",
                rx.grid(
                    labelled(
                        et("button"),
                        "step-button",
                        text_input("button", "step-button", S.step.button),
                    ),
                    labelled(
                        et("pattern"),
                        "step-pattern",
                        choice_select(
                            S.patterns, name="pattern", id="step-pattern", value=S.step.pattern
                        ),
                    ),
                    columns="2",
                    spacing="2",
                    width="100%",
                ),
                rx.fragment(),
            ),
            rx.cond(
                S.step.kind == "offline",
                labelled(
                    et("receiver"),
                    "step-receiver",
                    choice_select(
                        S.actors, name="receiver", id="step-receiver", value=S.step.receiver
                    ),
                ),
                rx.fragment(),
            ),
            rx.cond(
                S.step.kind == "offline",
                labelled(
                    et("duration"),
                    "step-duration",
                    text_input("duration", "step-duration", S.step.duration),
                ),
                rx.fragment(),
            ),
            rx.cond(
                S.step.kind == "decision",
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        name="manual",
                        id="step-manual",
                        default_checked=S.step.manual,
                    ),
                    " ",
                    et("manual"),
                    html_for="step-manual",
                ),
                rx.fragment(),
            ),
            error_at(S.error, S.error_at, "step"),
            rx.button(et("save_step"), type="submit", id="save-step"),
            spacing="2",
            width="100%",
        ),
        on_submit=S.save_step,
        key=S.step_key + "-step",
        style=CARD,
        width="100%",
    )


def _step_id_form() -> rx.Component:
    """Change the selected step's id; says how many ways on and starts followed."""
    return rx.box(
        rx.form(
            rx.hstack(
                rx.box(
                    labelled(
                        et("step_id"),
                        "step-id-new",
                        text_input("new_id", "step-id-new", S.step.id, max_length=80),
                    ),
                    flex="1",
                ),
                rx.button(et("change_id"), type="submit", id="change-step-id", variant="outline"),
                align="end",
                spacing="2",
                width="100%",
            ),
            rx.text(et("change_id_warning"), size="1", color="var(--gray-11)"),
            error_at(S.error, S.error_at, "step_id"),
            on_submit=S.change_step_id,
            key=S.step_key + "-step-id",
            width="100%",
        ),
        rx.cond(
            S.id_message != "",
            rx.callout(
                S.id_message,
                icon="check",
                color_scheme="green",
                high_contrast=True,
                role="status",
                size="1",
                id="step-id-message",
                tab_index=-1,
                width="100%",
            ),
            rx.fragment(),
        ),
        style=CARD,
        width="100%",
    )


def _field_id_form(f: rx.Var[ed.FieldView]) -> rx.Component:
    """Change a question's id; every condition asking about it follows."""
    return rx.el.details(
        rx.el.summary(et("field_id"), style={"cursor": "pointer", "fontSize": "0.85em"}),
        rx.form(
            rx.el.input(type="hidden", name="field_id", value=f.id),
            rx.hstack(
                rx.box(
                    labelled(
                        et("field_id"),
                        f"field-id-{f.id}",
                        text_input("new_id", f"field-id-{f.id}", f.id, max_length=80),
                    ),
                    flex="1",
                ),
                rx.button(
                    et("change_id"),
                    type="submit",
                    size="1",
                    variant="outline",
                    id=f"change-field-id-{f.id}",
                ),
                align="end",
                spacing="2",
                width="100%",
            ),
            on_submit=S.change_field_id,
            key=f.key + "-field-id-" + f.id,
            width="100%",
        ),
        class_name="field-id",
    )


def _field_card(f: rx.Var[ed.FieldView]) -> rx.Component:
    """One question: label, hint, type, options, required message, rules, order."""
    return rx.el.li(
        rx.form(
            rx.vstack(
                rx.el.input(type="hidden", name="field_id", value=f.id),
                rx.hstack(
                    rx.text(ui.code(f.id), " · ", f.type, size="1"),
                    rx.spacer(),
                    small_button(
                        et("move_up"),
                        S.move_field(f.id, -1),
                        id=f"field-up-{f.id}",
                        disabled=f.first,
                        aria_label=_en("Flytta upp frågan ", "Move up the question ") + f.label,
                    ),
                    small_button(
                        et("move_down"),
                        S.move_field(f.id, 1),
                        id=f"field-down-{f.id}",
                        disabled=f.last,
                        aria_label=_en("Flytta ner frågan ", "Move down the question ") + f.label,
                    ),
                    small_button(
                        et("delete"),
                        S.remove_field(f.id),
                        color_scheme="red",
                        aria_label=_en("Ta bort frågan ", "Remove the question ") + f.label,
                    ),
                    width="100%",
                    align="center",
                    spacing="1",
                ),
                rx.foreach(
                    f.findings,
                    lambda m: rx.callout(
                        m,
                        icon="triangle-alert",
                        color_scheme="red",
                        high_contrast=True,
                        size="1",
                        width="100%",
                        class_name="field-finding",
                    ),
                ),
                labelled(et("label"), f.dom_id, text_input("label", f.dom_id, f.label)),
                labelled(
                    et("hint"),
                    f"field-hint-{f.id}",
                    text_input("hint", f"field-hint-{f.id}", f.hint),
                ),
                labelled(
                    et("type"),
                    f"field-type-{f.id}",
                    choice_select(
                        S.field_types, name="type", id=f"field-type-{f.id}", value=f.type
                    ),
                ),
                rx.cond(
                    f.has_options,
                    labelled(
                        et("options"),
                        f"field-options-{f.id}",
                        text_area("options", f"field-options-{f.id}", f.options, rows=3),
                    ),
                    rx.fragment(),
                ),
                labelled(
                    et("required"),
                    f"field-required-{f.id}",
                    text_input("required", f"field-required-{f.id}", f.required),
                ),
                rx.foreach(
                    f.rules,
                    lambda r: rx.grid(
                        labelled(
                            r.label,
                            f"rule-{f.id}-{r.name}-value",
                            text_input(
                                f"rule_{r.name}_value", f"rule-{f.id}-{r.name}-value", r.value
                            ),
                        ),
                        labelled(
                            et("rule_message"),
                            f"rule-{f.id}-{r.name}-message",
                            text_input(
                                f"rule_{r.name}_message", f"rule-{f.id}-{r.name}-message", r.message
                            ),
                        ),
                        columns="2",
                        spacing="2",
                        width="100%",
                    ),
                ),
                error_at(S.error, S.error_at, "field:" + f.id),
                rx.button(
                    et("save_field"),
                    type="submit",
                    size="2",
                    variant="outline",
                    id=f"save-field-{f.id}",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=S.save_field,
            key=f.key + "-" + f.id,
            width="100%",
        ),
        _field_id_form(f),
        style={**CARD, "listStyle": "none", "marginBottom": "0.6em"},
        class_name="field-card",
    )


def _fields() -> rx.Component:
    """The questions of the selected screen and the form to add one."""
    return rx.vstack(
        rx.heading(et("fields"), size="4", as_="h2"),
        rx.el.ol(rx.foreach(S.step.fields, _field_card), style={"padding": 0, "width": "100%"}),
        rx.form(
            rx.hstack(
                rx.box(
                    labelled(
                        et("type"),
                        "new-field-type",
                        choice_select(S.field_types, name="type", id="new-field-type"),
                    ),
                    flex="none",
                ),
                rx.box(
                    labelled(
                        et("label"), "new-field-label", text_input("label", "new-field-label")
                    ),
                    flex="1 1 12em",
                ),
                rx.button(et("add_field"), type="submit", id="add-field"),
                align="end",
                spacing="2",
                width="100%",
                wrap="wrap",
            ),
            error_at(S.error, S.error_at, "add_field"),
            on_submit=S.add_question,
            reset_on_submit=True,
            style=CARD,
            width="100%",
        ),
        width="100%",
        spacing="2",
    )


def _value_control(prefix: str) -> rx.Component:
    """The answer to compare with, as the question and the comparison need it."""
    value_id = f"{prefix}-value"
    return rx.match(
        S.cond_input,
        ("none", rx.fragment()),
        (
            "choice",
            labelled(
                et("rule_value"),
                value_id,
                rx.el.select(
                    rx.foreach(S.cond_options, lambda o: rx.el.option(o, value=o)),
                    name="value",
                    id=value_id,
                    default_value=S.cond_value,
                    style={"padding": "0.35em", "maxWidth": "100%"},
                ),
            ),
        ),
        (
            "many",
            rx.el.fieldset(
                rx.el.legend(et("values"), style={"fontWeight": "bold", "fontSize": "0.9em"}),
                rx.foreach(
                    S.cond_options,
                    lambda o, i: rx.el.label(
                        rx.el.input(
                            type="checkbox",
                            name="choice_" + i.to_string(),
                            id=f"{prefix}-choice-" + i.to_string(),
                            default_checked=S.cond_values.contains(o),
                        ),
                        " ",
                        o,
                        style={"display": "block"},
                    ),
                ),
                id=value_id,
                style={"border": "none", "padding": 0, "margin": 0},
            ),
        ),
        (
            "date",
            labelled(
                et("rule_value"),
                value_id,
                rx.el.input(
                    type="date",
                    name="value",
                    id=value_id,
                    default_value=S.cond_value,
                    style={"padding": "0.3em"},
                ),
            ),
        ),
        (
            "number",
            labelled(
                et("rule_value"),
                value_id,
                text_input("value", value_id, S.cond_value, input_mode="decimal"),
            ),
        ),
        labelled(
            et("rule_value"),
            value_id,
            rx.fragment(
                text_input("value", value_id, S.cond_value, list=f"{prefix}-answers"),
                rx.el.datalist(
                    rx.foreach(S.answers, lambda a: rx.el.option(value=a)), id=f"{prefix}-answers"
                ),
            ),
        ),
    )


def _builder(prefix: str, decision: bool) -> rx.Component:
    """The rule builder: "Om <fråga> <jämförelse> <svar> → gå till <steg>"; it also edits a
    condition in place (then it says which one)."""
    editing_now = S.cond_index >= 0
    return rx.cond(
        S.questions.length() > 0,
        _builder_form(prefix, decision, editing_now),
        rx.text(et("no_questions"), size="2", id=f"{prefix}-no-questions", style=CARD),
    )


def _builder_form(prefix: str, decision: bool, editing_now: rx.Var[bool]) -> rx.Component:
    """The builder's form (only when the journey has a question to ask about)."""
    return rx.form(
        rx.vstack(
            rx.heading(
                rx.cond(
                    editing_now,
                    rx.cond(
                        SessionState.lang == "en",
                        "Editing condition " + (S.cond_index + 1).to_string(),
                        "Ändrar villkor " + (S.cond_index + 1).to_string(),
                    ),
                    et("add_rule" if decision else "rule_builder"),
                ),
                size="3",
                as_="h3",
                id=f"{prefix}-builder-heading",
            ),
            rx.grid(
                labelled(
                    et("if_field"),
                    f"{prefix}-field",
                    rx.el.select(
                        rx.foreach(S.questions, lambda c: rx.el.option(c[1], value=c[0])),
                        name="field",
                        id=f"{prefix}-field",
                        value=S.cond_field,
                        on_change=S.set_cond_field,
                        style={"padding": "0.35em", "maxWidth": "100%"},
                    ),
                ),
                labelled(
                    et("operator"),
                    f"{prefix}-op",
                    rx.el.select(
                        rx.foreach(S.cond_ops, lambda c: rx.el.option(c[1], value=c[0])),
                        name="op",
                        id=f"{prefix}-op",
                        value=S.cond_op,
                        on_change=S.set_cond_op,
                        style={"padding": "0.35em", "maxWidth": "100%"},
                    ),
                ),
                rx.box(
                    _value_control(prefix),
                    key=S.counter.to_string()
                    + "-"
                    + S.cond_field
                    + "-"
                    + S.cond_op
                    + "-"
                    + S.cond_index.to_string(),
                    width="100%",
                ),
                labelled(
                    et("goto"),
                    f"{prefix}-goto",
                    choice_select(
                        S.step_choices, name="goto", id=f"{prefix}-goto", value=S.cond_goto
                    ),
                ),
                columns="repeat(auto-fit, minmax(11em, 1fr))",
                spacing="2",
                width="100%",
            ),
            *(
                [
                    rx.cond(
                        editing_now,
                        rx.fragment(),
                        rx.vstack(
                            labelled(
                                et("outcome"),
                                "new-rule-outcome",
                                text_input("outcome", "new-rule-outcome"),
                            ),
                            labelled(
                                et("explanation"),
                                "new-rule-explanation",
                                text_input("explanation", "new-rule-explanation"),
                            ),
                            spacing="2",
                            width="100%",
                        ),
                    )
                ]
                if decision
                else []
            ),
            error_at(S.error, S.error_at, "rule" if decision else "branch"),
            rx.hstack(
                rx.button(
                    rx.cond(
                        editing_now,
                        et("update_branch"),
                        et("add_rule" if decision else "add_branch"),
                    ),
                    type="submit",
                    id="add-rule" if decision else "add-branch",
                ),
                rx.cond(
                    editing_now,
                    rx.button(
                        et("cancel"),
                        type="button",
                        variant="outline",
                        on_click=S.cancel_edit,
                        id="cancel-edit",
                    ),
                    rx.fragment(),
                ),
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=S.submit_condition,
        key=S.counter.to_string() + "-builder-" + S.cond_index.to_string() + "-" + S.cond_goto,
        style=CARD,
        width="100%",
        id=f"{prefix}-builder",
    )


def _way_tools(w: rx.Var[ed.WayView]) -> rx.Component:
    """Edit a condition in place, or try it earlier or later."""
    return rx.cond(
        w.is_default,
        rx.fragment(),
        rx.hstack(
            rx.cond(
                w.can_edit,
                small_button(
                    et("edit_condition"),
                    S.edit_way(w.index),
                    id="way-edit-" + w.index.to_string(),
                    aria_label=_en("Ändra villkoret ", "Edit the condition ") + w.condition,
                ),
                rx.fragment(),
            ),
            small_button(
                et("move_up"),
                S.move_way(w.index, -1),
                id="way-up-" + w.index.to_string(),
                disabled=w.index == 0,
                aria_label=_en("Flytta upp villkoret ", "Move up the condition ") + w.condition,
            ),
            small_button(
                et("move_down"),
                S.move_way(w.index, 1),
                id="way-down-" + w.index.to_string(),
                disabled=w.last_conditional,
                aria_label=_en("Flytta ner villkoret ", "Move down the condition ") + w.condition,
            ),
            spacing="1",
            wrap="wrap",
        ),
    )


def _ways() -> rx.Component:
    """Where a screen or offline step leads: the conditions in order and the default."""
    return rx.vstack(
        rx.heading(et("branches"), size="4", as_="h2"),
        rx.text(et("first_match"), size="2", id="first-match"),
        error_at(S.error, S.error_at, "ways"),
        rx.el.ol(
            rx.foreach(
                S.step.ways,
                lambda w: rx.el.li(
                    rx.text(
                        w.condition,
                        " → ",
                        rx.text(w.goto_title, as_="span", weight="bold"),
                        size="2",
                    ),
                    rx.hstack(
                        _way_tools(w),
                        rx.cond(
                            w.is_default,
                            rx.fragment(),
                            small_button(
                                et("delete"),
                                S.remove_branch(w.index),
                                color_scheme="red",
                                aria_label=_en("Ta bort villkoret ", "Remove the condition ")
                                + w.condition,
                            ),
                        ),
                        width="100%",
                        align="center",
                        spacing="1",
                        wrap="wrap",
                    ),
                    class_name="way",
                    style={"marginBottom": "0.5em"},
                ),
            ),
            id="ways",
            style={"width": "100%"},
        ),
        rx.form(
            rx.hstack(
                labelled(
                    et("default_next"),
                    "default-next",
                    choice_select(
                        S.next_choices, name="goto", id="default-next", value=S.step.default_next
                    ),
                ),
                rx.button(et("set_next"), type="submit", id="set-next", variant="outline"),
                align="end",
                spacing="2",
                width="100%",
                wrap="wrap",
            ),
            error_at(S.error, S.error_at, "next"),
            on_submit=S.set_next,
            key=S.next_key + "-next",
            width="100%",
        ),
        _builder("branch", decision=False),
        width="100%",
        spacing="2",
    )


def _rules() -> rx.Component:
    """A decision's rules: condition, outcome, explanation, where it leads."""
    return rx.vstack(
        rx.heading(et("rules"), size="4", as_="h2"),
        rx.text(et("first_match_rules"), size="2", id="first-match"),
        error_at(S.error, S.error_at, "ways"),
        rx.el.ol(
            rx.foreach(
                S.step.ways,
                lambda w: rx.el.li(
                    rx.form(
                        rx.vstack(
                            rx.el.input(type="hidden", name="index", value=w.index),
                            rx.hstack(
                                rx.text(w.condition, weight="bold", size="2"),
                                rx.spacer(),
                                _way_tools(w),
                                width="100%",
                                align="center",
                                wrap="wrap",
                            ),
                            labelled(
                                et("outcome"),
                                f"rule-outcome-{w.index}",
                                text_input("outcome", f"rule-outcome-{w.index}", w.outcome),
                            ),
                            labelled(
                                et("explanation"),
                                f"rule-explanation-{w.index}",
                                text_input(
                                    "explanation", f"rule-explanation-{w.index}", w.explanation
                                ),
                            ),
                            labelled(
                                et("goto"),
                                f"rule-goto-{w.index}",
                                choice_select(
                                    S.step_choices,
                                    name="goto",
                                    id=f"rule-goto-{w.index}",
                                    value=w.goto,
                                ),
                            ),
                            error_at(S.error, S.error_at, "rule:" + w.index.to_string()),
                            rx.hstack(
                                rx.button(
                                    et("save_rule"), type="submit", size="2", variant="outline"
                                ),
                                rx.cond(
                                    w.is_default,
                                    rx.fragment(),
                                    small_button(
                                        et("delete"), S.remove_rule(w.index), color_scheme="red"
                                    ),
                                ),
                                spacing="2",
                            ),
                            spacing="2",
                            width="100%",
                        ),
                        on_submit=S.save_rule,
                        key=S.counter.to_string() + "-rule-" + w.index.to_string(),
                    ),
                    style={**CARD, "listStyle": "none", "marginBottom": "0.6em"},
                ),
            ),
            style={"padding": 0, "width": "100%"},
        ),
        _builder("rule", decision=True),
        width="100%",
        spacing="2",
    )


def _findings() -> rx.Component:
    """Every finding of the journey, each with a way to the step it concerns."""
    return rx.box(
        rx.heading(et("findings"), " (", S.findings.length(), ")", size="4", as_="h2"),
        rx.cond(
            S.findings.length() > 0,
            finding_list(S.findings, S.follow, id="findings"),
            rx.text(et("no_findings"), size="2", id="findings"),
        ),
        style={**CARD, "maxHeight": "16em", "overflowY": "auto"},
        width="100%",
        role="region",
        aria_label=et("findings"),
        tab_index=0,
    )


def _preview() -> rx.Component:
    """The selected step at phone width, and the flow."""
    return rx.vstack(
        rx.heading(et("preview"), size="4", as_="h2"),
        rx.el.iframe(
            src=S.preview_src,
            title=_en("Förhandsvisning av steget i mobilen", "The step previewed on a phone"),
            id="phone-preview",
            style={
                "border": "1px solid var(--gray-7)",
                "borderRadius": "12px",
                "display": "block",
                "background": "white",
                "width": "390px",
                "height": "640px",
                "maxWidth": "100%",
            },
        ),
        width="100%",
        spacing="2",
    )


def _flow() -> rx.Component:
    return rx.vstack(
        rx.heading(et("flow"), size="4", as_="h2"),
        rx.box(
            rx.image(
                src=S.flow_src,
                alt=_en("Flödet i resan: steg och vägval", "The journey's flow: steps and ways"),
                max_width="none",
            ),
            overflow_x="auto",
            width="100%",
            style=CARD,
            background="white",
            id="editor-flow",
        ),
        width="100%",
    )


def editor_page() -> rx.Component:
    """The journey editor page."""
    return page(
        rx.cond(
            S.designer_only,
            et("title"),
            rx.cond(S.found, rx.fragment(et("title"), ": ", S.title), et("not_found")),
        ),
        rx.cond(
            S.designer_only,
            _designer_only(),
            rx.cond(
                S.found,
                rx.vstack(
                    # one of the two mounts when the language changes: the journey's labels follow
                    rx.cond(
                        SessionState.lang == "en",
                        rx.box(on_mount=S.relabel, display="none", id="labels-en"),
                        rx.box(on_mount=S.relabel, display="none", id="labels-sv"),
                    ),
                    _links(),
                    _save_bar(),
                    _details(),
                    rx.box(
                        rx.box(_outline(), style=CARD, grid_area="outline", min_width="0"),
                        rx.vstack(
                            _findings(),
                            _step_form(),
                            _step_id_form(),
                            rx.cond(S.step.kind == "screen", _fields(), rx.fragment()),
                            rx.cond(S.step.kind == "decision", _rules(), _ways()),
                            spacing="3",
                            width="100%",
                            grid_area="edit",
                            min_width="0",
                        ),
                        rx.box(_preview(), grid_area="preview", min_width="0"),
                        # three columns on wide screens; below, the outline above the step and
                        # the phone preview under it
                        style={
                            "display": "grid",
                            "gap": "1em",
                            "width": "100%",
                            "alignItems": "start",
                            "gridTemplateColumns": "minmax(0, 1fr)",
                            "gridTemplateAreas": '"outline" "edit" "preview"',
                            "@media (min-width: 900px)": {
                                "gridTemplateColumns": "minmax(13em, 16em) minmax(0, 1fr)",
                                "gridTemplateAreas": '"outline edit" "outline preview"',
                            },
                            "@media (min-width: 1280px)": {
                                "gridTemplateColumns": "minmax(14em, 17em) minmax(0, 1fr) 410px",
                                "gridTemplateAreas": '"outline edit preview"',
                            },
                        },
                        id="editor-columns",
                    ),
                    _flow(),
                    width="100%",
                    spacing="3",
                ),
                rx.link(et("back"), href="/"),
            ),
        ),
        wide=True,
    )
