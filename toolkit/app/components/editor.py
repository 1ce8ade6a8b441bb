"""Building blocks of the journey editor, from plain data and event handlers (no State)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from toolkit.app import editordata as ed
from toolkit.app.components import ui
from toolkit.app.state import SessionState

Handler = Callable[..., Any]


def et(key: str) -> rx.Var:
    """An editor string that follows the language toggle."""
    sv, en = ed.STRINGS[key]
    return rx.cond(SessionState.lang == "en", en, sv)


def choice_select(
    choices: rx.Var[list[list[str]]], *, name: str, id: str, value: Any = None, **props: Any
) -> rx.Component:
    """A native select of [[value, label], ...] (keyboard and screen reader friendly)."""
    props.setdefault("style", {"padding": "0.35em", "maxWidth": "100%"})
    if value is not None:
        props["default_value"] = value
    return rx.el.select(
        rx.foreach(choices, lambda c: rx.el.option(c[1], value=c[0])),
        name=name,
        id=id,
        **props,
    )


def labelled(label: Any, control_id: Any, control: rx.Component) -> rx.Component:
    """A bold label above its control."""
    return rx.vstack(
        rx.el.label(label, html_for=control_id, style={"fontWeight": "bold", "fontSize": "0.9em"}),
        control,
        spacing="1",
        width="100%",
        align="stretch",
    )


def text_input(name: str, id: Any, value: Any = "", **props: Any) -> rx.Component:
    """A text input with a default value (the form's key remounts it when data changes)."""
    style = {
        "padding": "0.35em",
        "width": "100%",
        "border": "1px solid var(--gray-8)",
        "borderRadius": "4px",
        **props.pop("style", {}),
    }
    return rx.el.input(name=name, id=id, default_value=value, type="text", style=style, **props)


def text_area(name: str, id: Any, value: Any = "", rows: int = 4, **props: Any) -> rx.Component:
    """A multi-line text input."""
    return rx.el.textarea(
        name=name,
        id=id,
        default_value=value,
        rows=rows,
        style={
            "padding": "0.35em",
            "width": "100%",
            "border": "1px solid var(--gray-8)",
            "borderRadius": "4px",
            "fontFamily": "inherit",
        },
        **props,
    )


def error_at(error: rx.Var[str], error_where: rx.Var[str], here: Any) -> rx.Component:
    """The edit error, shown next to the control that caused it (role=alert)."""
    return rx.cond(
        (error != "") & (error_where == here),
        rx.callout(
            error,
            icon="triangle-alert",
            color_scheme="red",
            role="alert",
            high_contrast=True,
            size="1",
            width="100%",
            class_name="edit-error",
        ),
        rx.fragment(),
    )


def small_button(label: Any, on_click: Any, **props: Any) -> rx.Component:
    """A compact secondary button."""
    props.setdefault("variant", "soft")
    props.setdefault("high_contrast", True)
    return rx.button(label, on_click=on_click, size="1", type="button", **props)


def severity_badge(severity: rx.Var[str]) -> rx.Component:
    """Fel (red) or Varning (amber)."""
    return ui.badge(
        rx.cond(
            severity == "error",
            rx.cond(SessionState.lang == "en", "Error", "Fel"),
            rx.cond(SessionState.lang == "en", "Warning", "Varning"),
        ),
        color_scheme=rx.cond(severity == "error", "red", "amber"),
    )


def finding_list(
    findings: rx.Var[list[ed.FindingRow]], follow: Handler, *, id: str, show_step: bool = True
) -> rx.Component:
    """Findings with a button that goes to the step (and question) each concerns."""
    return rx.el.ul(
        rx.foreach(
            findings,
            lambda f: rx.el.li(
                rx.hstack(
                    severity_badge(f.severity),
                    rx.text(
                        rx.cond(
                            show_step & (f.step_title != ""),
                            rx.text(f.step_title, ": ", as_="span", weight="bold"),
                            rx.fragment(),
                        ),
                        f.message,
                        size="2",
                        as_="span",
                    ),
                    rx.spacer(),
                    small_button(
                        et("show"),
                        follow(f.jump_step, f.target),
                        aria_label=rx.cond(
                            SessionState.lang == "en",
                            "Show " + f.step_title,
                            "Visa " + f.step_title,
                        ),
                        class_name="finding-link",
                    ),
                    align="start",
                    width="100%",
                ),
                margin_bottom="0.4em",
                class_name="finding",
            ),
        ),
        id=id,
        style={"listStyle": "none", "padding": 0, "margin": 0, "width": "100%"},
    )


def step_row(
    row: rx.Var[ed.StepRow],
    select: Handler,
    move: Handler,
    duplicate: Handler,
    delete: Handler,
) -> rx.Component:
    """One step in the outline: select it, move it, duplicate it, delete it."""
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.button(
                    rx.text(row.title, as_="span", weight="bold"),
                    on_click=select(row.id),
                    variant=rx.cond(row.selected, "solid", "ghost"),
                    high_contrast=True,
                    size="2",
                    type="button",
                    aria_current=rx.cond(row.selected, "true", "false"),
                    id=f"select-{row.id}",
                    style={
                        "textAlign": "left",
                        "height": "auto",
                        "whiteSpace": "normal",
                        "overflowWrap": "anywhere",
                        "justifyContent": "flex-start",
                        "flex": "1 1 auto",
                        "minWidth": 0,
                        "margin": 0,
                        "padding": "0.2em 0.4em",
                    },
                ),
                rx.cond(
                    row.errors > 0,
                    ui.badge(row.error_label, color_scheme="red"),
                    rx.fragment(),
                ),
                width="100%",
                align="center",
            ),
            rx.text(row.kind_label, " · ", ui.code(row.id), size="1"),
            rx.hstack(
                small_button(
                    et("move_up"),
                    move(row.id, -1),
                    id=f"move-up-{row.id}",
                    disabled=row.first,
                    aria_label=rx.cond(
                        SessionState.lang == "en", "Move up " + row.title, "Flytta upp " + row.title
                    ),
                ),
                small_button(
                    et("move_down"),
                    move(row.id, 1),
                    id=f"move-down-{row.id}",
                    disabled=row.last,
                    aria_label=rx.cond(
                        SessionState.lang == "en",
                        "Move down " + row.title,
                        "Flytta ner " + row.title,
                    ),
                ),
                small_button(
                    et("duplicate"),
                    duplicate(row.id),
                    aria_label=rx.cond(
                        SessionState.lang == "en",
                        "Duplicate " + row.title,
                        "Duplicera " + row.title,
                    ),
                ),
                small_button(
                    et("delete"),
                    delete(row.id),
                    color_scheme="red",
                    aria_label=rx.cond(
                        SessionState.lang == "en", "Delete " + row.title, "Ta bort " + row.title
                    ),
                ),
                spacing="1",
                wrap="wrap",
            ),
            spacing="1",
            width="100%",
        ),
        class_name="outline-step",
        data_step=row.id,
        draggable=True,
        style={
            "borderBottom": "1px solid var(--gray-5)",
            "padding": "0.4em 0",
            "listStyle": "none",
        },
    )


def new_journey_form(
    templates: rx.Var[list[list[str]]],
    organisation: rx.Var[str],
    error: rx.Var[str],
    create: Handler,
    on_mount: Handler,
    error_where: rx.Var[str] | str = "",
    existing_href: rx.Var[str] | str = "",
) -> rx.Component:
    """Ny resa: title, organisation, optional id and the template to start from. The error is
    shown at the field it concerns (``error_where``: 'title', 'id' or '' for the form), with a
    link to the journey that already has the title or id."""

    def problem(here: str) -> rx.Component:
        return rx.cond(
            (error != "") & (error_where == here),
            rx.callout(
                rx.vstack(
                    rx.text(error, id=f"new-error-{here or 'form'}"),
                    rx.cond(
                        existing_href != "",
                        rx.link(
                            rx.cond(SessionState.lang == "en", "Open it", "Öppna den"),
                            href=existing_href,
                            id="open-existing",
                        ),
                        rx.fragment(),
                    ),
                    spacing="1",
                ),
                icon="triangle-alert",
                color_scheme="red",
                role="alert",
                size="1",
                high_contrast=True,
            ),
            rx.fragment(),
        )

    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(et("new"), size="4", as_="h2"),
                labelled(et("journey_title"), "new-title", text_input("title", "new-title")),
                problem("title"),
                labelled(
                    et("organisation"),
                    "new-organisation",
                    text_input("organisation", "new-organisation", organisation, key=organisation),
                ),
                labelled(et("journey_id"), "new-id", text_input("id", "new-id")),
                problem("id"),
                labelled(
                    et("template"),
                    "new-template",
                    choice_select(templates, name="template", id="new-template"),
                ),
                problem(""),
                rx.button(et("create"), type="submit", id="create-journey"),
                spacing="2",
                width="100%",
            ),
            on_submit=create,
            width="100%",
        ),
        width="100%",
        id="new-journey",
        on_mount=on_mount,
    )
