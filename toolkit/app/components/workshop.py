"""Building blocks of the facilitator's pages, from plain data (toolkit.app.workshopdata).

Event handlers are passed in, so the same pieces serve the run page and the projector.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

import workshops
from toolkit.app.components import ui
from toolkit.app.state import tr
from toolkit.app.workshopdata import (
    Choice,
    DraftActivity,
    NoteCard,
    PhaseBoard,
    ResultRow,
    StepBoard,
    WorkshopRow,
)

Handler = Callable[..., Any]

NOTE_BORDERS = {
    "pain": "#b42318",
    "idea": "#1f6f43",
    "question": "#8a4b00",
    "praise": "#1d4ed8",
}
"""Dark enough to read as text on white (WCAG AA); the kind is always written out too."""


def note_colour(kind: rx.Var[str]) -> rx.Var:
    """The colour of a kind of note."""
    return rx.match(
        kind,
        ("pain", NOTE_BORDERS["pain"]),
        ("idea", NOTE_BORDERS["idea"]),
        ("question", NOTE_BORDERS["question"]),
        NOTE_BORDERS["praise"],
    )


SR_ONLY = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "whiteSpace": "nowrap",
}


def sr_only(*children: Any) -> rx.Component:
    """Text for screen readers only (a button's object, when the visible text is short)."""
    return rx.el.span(*children, style=SR_ONLY)


def note_border(kind: rx.Var[str], width: str) -> rx.Var:
    """A left border in the colour of a kind of note."""
    return rx.match(
        kind,
        ("pain", f"{width} solid {NOTE_BORDERS['pain']}"),
        ("idea", f"{width} solid {NOTE_BORDERS['idea']}"),
        ("question", f"{width} solid {NOTE_BORDERS['question']}"),
        f"{width} solid {NOTE_BORDERS['praise']}",
    )


def votes_text(count: rx.Var[int]) -> rx.Component:
    """ "1 röst", "3 röster"."""
    return rx.fragment(count, " ", rx.cond(count == 1, tr("run.vote"), tr("run.votes")))


def labelled(
    label_key: str, control_id: str, control: rx.Component, *, hint_key: str | None = None
) -> rx.Component:
    """A control with its visible label (and a hint) above it."""
    parts: list[rx.Component] = [
        rx.el.label(tr(label_key), html_for=control_id, style={"fontWeight": "bold"})
    ]
    if hint_key:
        parts.append(rx.text(tr(hint_key), size="2", color_scheme="gray"))
    parts.append(control)
    return rx.vstack(*parts, spacing="1", width="100%")


def select(choices: rx.Var[list[Choice]], **props: Any) -> rx.Component:
    """A native select of choices (keyboard and screen reader friendly)."""
    props.setdefault("style", {"padding": "0.4em", "minWidth": "16em"})
    return rx.el.select(
        rx.foreach(choices, lambda c: rx.el.option(c.label, value=c.value)), **props
    )


def vote_settings(
    votes_id: str, vote_on_id: str, *, input_style: dict[str, Any], **props: Any
) -> rx.Component:
    """A dot vote's settings: votes per person and whether notes or steps get the votes."""
    return rx.hstack(
        labelled(
            "workshops.votes",
            votes_id,
            rx.el.input(
                id=votes_id,
                name="votes",
                type="number",
                min=1,
                max=workshops.MAX_VOTES_PER_PERSON,
                default_value=str(workshops.DEFAULT_VOTES_PER_PERSON),
                style={**input_style, "width": "6em"},
            ),
        ),
        labelled(
            "workshops.vote_on",
            vote_on_id,
            rx.el.select(
                rx.el.option(tr("workshops.on_notes"), value="notes"),
                rx.el.option(tr("workshops.on_steps"), value="steps"),
                id=vote_on_id,
                name="vote_on",
                style={"padding": "0.4em"},
            ),
        ),
        **props,
    )


def state_badge(state: rx.Var[str], label: rx.Var[str]) -> rx.Component:
    """Draft, open or closed as a badge."""
    return ui.badge(
        label,
        color_scheme=rx.match(state, ("open", "green"), ("closed", "gray"), "amber"),
        size="2",
    )


# --- the list -------------------------------------------------------------------------------


def workshop_table(rows: rx.Var[list[WorkshopRow]]) -> rx.Component:
    """The workshops; the title opens the run page."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(tr("col.title")),
                rx.table.column_header_cell(tr("workshops.journey")),
                rx.table.column_header_cell(tr("workshops.date")),
                rx.table.column_header_cell(tr("workshops.state")),
                rx.table.column_header_cell(tr("workshops.code")),
                rx.table.column_header_cell(tr("workshops.participants")),
                rx.table.column_header_cell(tr("workshops.projector")),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda row: rx.table.row(
                    rx.table.row_header_cell(rx.link(row.title, href=row.run_href)),
                    rx.table.cell(row.journey),
                    rx.table.cell(row.date),
                    rx.table.cell(state_badge(row.state, row.state_label)),
                    rx.table.cell(ui.code(row.join_code)),
                    rx.table.cell(row.participants),
                    rx.table.cell(
                        rx.link(
                            tr("workshops.projector"),
                            sr_only(": ", row.title),
                            href=row.projector_href,
                        )
                    ),
                ),
            )
        ),
        width="100%",
        variant="surface",
        id="workshop-table",
    )


# --- planning -------------------------------------------------------------------------------


def draft_agenda(
    items: rx.Var[list[DraftActivity]], *, on_up: Handler, on_down: Handler, on_remove: Handler
) -> rx.Component:
    """The planned agenda, each activity with move up, move down and remove."""
    last = items.length() - 1
    return rx.el.ol(
        rx.foreach(
            items,
            lambda item, index: rx.el.li(
                rx.hstack(
                    rx.vstack(
                        rx.text(rx.cond(item.title != "", item.title, item.summary), weight="bold"),
                        rx.cond(item.title != "", rx.text(item.summary, size="2")),
                        rx.cond(item.prompt != "", rx.text(item.prompt, size="2", as_="div")),
                        spacing="0",
                    ),
                    rx.spacer(),
                    rx.button(
                        rx.icon("arrow-up", aria_hidden="true"),
                        tr("workshops.up"),
                        sr_only(": ", item.summary),
                        on_click=on_up(index),
                        disabled=index == 0,
                        variant="outline",
                        size="1",
                        high_contrast=True,
                    ),
                    rx.button(
                        rx.icon("arrow-down", aria_hidden="true"),
                        tr("workshops.down"),
                        sr_only(": ", item.summary),
                        on_click=on_down(index),
                        disabled=index == last,
                        variant="outline",
                        size="1",
                        high_contrast=True,
                    ),
                    rx.button(
                        tr("workshops.remove"),
                        sr_only(": ", item.summary),
                        on_click=on_remove(index),
                        color_scheme="red",
                        variant="soft",
                        size="1",
                        high_contrast=True,
                    ),
                    align="center",
                    width="100%",
                    spacing="2",
                    wrap="wrap",
                ),
                padding="0.5em",
                border_bottom="1px solid var(--gray-6)",
            ),
        ),
        id="draft-agenda",
        style={"paddingLeft": "1.5em", "width": "100%", "margin": 0},
    )


# --- running --------------------------------------------------------------------------------


def join_panel(
    code: rx.Var[str],
    url: rx.Var[str],
    qr_src: rx.Var[str],
    *,
    size: str = "200px",
    code_size: str = "3rem",
    text_size: str = "1rem",
) -> rx.Component:
    """The join code, the address and the QR code."""
    return rx.flex(
        rx.image(
            src=qr_src,
            alt=tr("run.qr_alt"),
            width=size,
            height=size,
            id="join-qr",
            style={"background": "white", "padding": "8px"},
        ),
        rx.vstack(
            rx.text(tr("run.join_with"), style={"fontSize": text_size}),
            rx.text(
                code,
                id="join-code",
                style={
                    "fontSize": code_size,
                    "fontWeight": "800",
                    "letterSpacing": "0.12em",
                    "fontFamily": "ui-monospace, monospace",
                    "lineHeight": "1.1",
                },
            ),
            rx.text(url, style={"wordBreak": "break-all", "fontSize": text_size}),
            spacing="1",
        ),
        gap="1.5em",
        align="center",
        wrap="wrap",
    )


def moderated_note(
    note: rx.Var[NoteCard],
    *,
    kinds: rx.Var[list[Choice]],
    on_hide: Handler,
    on_unhide: Handler,
    on_kind: Handler,
    on_merge: Handler,
) -> rx.Component:
    """A note with its votes and the moderation controls."""
    return rx.box(
        rx.hstack(
            ui.badge(
                note.kind_label, variant="solid", style={"background": note_colour(note.kind)}
            ),
            rx.text(note.nickname, size="2", color_scheme="gray"),
            rx.cond(note.hidden, ui.badge(tr("run.hidden"), color_scheme="gray")),
            rx.spacer(),
            rx.text(votes_text(note.votes), size="2", weight="bold"),
            align="center",
            width="100%",
        ),
        rx.text(
            note.text,
            size="3",
            class_name="note-text",
            style={"textDecoration": rx.cond(note.hidden, "line-through", "none")},
        ),
        rx.hstack(
            rx.cond(
                note.hidden,
                rx.button(
                    tr("run.unhide"),
                    on_click=on_unhide(note.id),
                    size="1",
                    variant="outline",
                    high_contrast=True,
                ),
                rx.button(
                    tr("run.hide"),
                    on_click=on_hide(note.id),
                    size="1",
                    variant="outline",
                    high_contrast=True,
                ),
            ),
            rx.el.select(
                rx.foreach(kinds, lambda c: rx.el.option(c.label, value=c.value)),
                value=note.kind,
                on_change=lambda kind: on_kind(note.id, kind),
                aria_label=tr("run.change_kind"),
                title=tr("run.change_kind"),
                style={"padding": "0.2em"},
            ),
            rx.cond(
                note.merge_targets.length() > 0,
                rx.form(
                    rx.hstack(
                        rx.el.input(type="hidden", name="note", value=note.id),
                        rx.el.select(
                            rx.foreach(
                                note.merge_targets,
                                lambda c: rx.el.option(c.label, value=c.value),
                            ),
                            name="into",
                            aria_label=tr("run.merge_into"),
                            title=tr("run.merge_into"),
                            style={"padding": "0.2em", "maxWidth": "18em"},
                        ),
                        rx.button(
                            tr("run.merge"),
                            type="submit",
                            size="1",
                            variant="outline",
                            high_contrast=True,
                        ),
                        spacing="1",
                        align="center",
                    ),
                    on_submit=on_merge,
                ),
            ),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        class_name="moderated-note",
        padding="0.6em",
        border="1px solid var(--gray-7)",
        border_left=note_border(note.kind, "6px"),
        border_radius="6px",
        background=rx.cond(note.hidden, "var(--gray-3)", "var(--color-panel-solid)"),
        width="100%",
    )


def moderation_list(
    steps: rx.Var[list[StepBoard]],
    *,
    kinds: rx.Var[list[Choice]],
    on_hide: Handler,
    on_unhide: Handler,
    on_kind: Handler,
    on_merge: Handler,
) -> rx.Component:
    """The steps that have notes, each with its notes and the votes on the step."""
    return rx.vstack(
        rx.foreach(
            steps,
            lambda step: rx.el.section(
                rx.hstack(
                    rx.heading(step.title, size="3", as_="h3"),
                    ui.badge(
                        step.note_count,
                        " ",
                        rx.cond(step.note_count == 1, tr("run.note"), tr("run.notes")),
                    ),
                    rx.cond(
                        step.votes > 0,
                        ui.badge(
                            votes_text(step.votes), " ", tr("run.on_step"), color_scheme="blue"
                        ),
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.vstack(
                    rx.foreach(
                        step.notes,
                        lambda note: moderated_note(
                            note,
                            kinds=kinds,
                            on_hide=on_hide,
                            on_unhide=on_unhide,
                            on_kind=on_kind,
                            on_merge=on_merge,
                        ),
                    ),
                    spacing="2",
                    width="100%",
                    padding_top="0.4em",
                ),
                id="notes-" + step.id,
                class_name="step-notes",
                style={"width": "100%"},
            ),
        ),
        spacing="4",
        width="100%",
        id="live-notes",
    )


def results_list(rows: rx.Var[list[ResultRow]], *, large: bool = False) -> rx.Component:
    """Vote results as labelled bars, most votes first."""
    return rx.el.ol(
        rx.foreach(
            rows,
            lambda row: rx.el.li(
                rx.hstack(
                    rx.text(row.label, size="5" if large else "3", weight="medium"),
                    rx.spacer(),
                    rx.text(row.votes, size="6" if large else "3", weight="bold"),
                    width="100%",
                    align="center",
                ),
                rx.box(
                    height="10px" if large else "6px",
                    width=row.percent.to_string() + "%",
                    background="#1d3a5f",
                    border_radius="3px",
                ),
                padding_y="0.4em",
            ),
        ),
        class_name="vote-results",
        style={"paddingLeft": "1.5em", "width": "100%", "margin": 0},
    )


# --- the projector --------------------------------------------------------------------------


def projector_note(note: rx.Var[NoteCard]) -> rx.Component:
    """A note on the wall: large, black on white, its kind written out and coloured."""
    return rx.box(
        rx.hstack(
            rx.text(
                note.kind_label,
                weight="bold",
                style={"color": note_colour(note.kind), "fontSize": "1rem"},
            ),
            rx.spacer(),
            rx.cond(
                note.show_votes,
                rx.text(
                    votes_text(note.votes),
                    weight="bold",
                    style={"fontSize": "1.1rem", "color": "#000"},
                ),
            ),
            width="100%",
        ),
        rx.text(note.text, style={"fontSize": "1.3rem", "lineHeight": "1.3", "color": "#000"}),
        class_name="projector-note",
        padding="0.5em 0.7em",
        background="#fff",
        border_left=note_border(note.kind, "8px"),
        border_radius="4px",
        width="100%",
    )


def projector_board(phases: rx.Var[list[PhaseBoard]]) -> rx.Component:
    """The journey as columns of phases, each step with its notes."""
    return rx.hstack(
        rx.foreach(
            phases,
            lambda phase: rx.el.section(
                rx.heading(
                    phase.title,
                    as_="h2",
                    style={"fontSize": "1.6rem", "color": "#fff", "marginBottom": "0.4em"},
                ),
                rx.vstack(
                    rx.foreach(
                        phase.steps,
                        lambda step: rx.box(
                            rx.hstack(
                                rx.heading(
                                    step.title,
                                    as_="h3",
                                    style={"fontSize": "1.3rem", "color": "#fff"},
                                ),
                                rx.spacer(),
                                rx.cond(
                                    step.show_votes & (step.votes > 0),
                                    rx.text(
                                        votes_text(step.votes),
                                        style={"color": "#ffe08a", "fontWeight": "bold"},
                                    ),
                                ),
                                width="100%",
                                align="baseline",
                            ),
                            rx.vstack(
                                rx.foreach(step.notes, projector_note),
                                spacing="2",
                                width="100%",
                            ),
                            id="wall-" + step.id,
                            class_name="wall-step",
                            padding="0.6em",
                            border="2px solid #8aa4c8",
                            border_radius="6px",
                            width="100%",
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
                style={"flex": "1 1 0", "minWidth": "16rem"},
            ),
        ),
        spacing="4",
        align="start",
        width="100%",
        overflow_x="auto",
        id="wall",
    )
