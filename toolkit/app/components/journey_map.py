"""The journey map: phases as columns, actors as lanes, steps as cards in journey order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from toolkit.app.components import ui
from toolkit.app.mapdata import Card, Column, Edge, Lane, StepDetail
from toolkit.app.state import tr

KIND_COLOURS = {"screen": "blue", "decision": "amber", "offline": "gray"}


def step_card(
    card: rx.Var[Card], on_select: Callable[[rx.Var[str]], rx.event.EventSpec]
) -> rx.Component:
    """One step as a card; clicking (or Enter/Space) opens its detail."""
    return rx.el.button(
        rx.vstack(
            rx.hstack(
                ui.badge(card.number, variant="solid", color_scheme="gray"),
                ui.badge(
                    card.kind_label,
                    color_scheme=rx.match(
                        card.kind, ("decision", "amber"), ("offline", "gray"), "blue"
                    ),
                ),
                rx.spacer(),
                rx.match(
                    card.channel,
                    ("web", rx.icon("monitor", size=16, aria_hidden="true")),
                    ("app", rx.icon("smartphone", size=16, aria_hidden="true")),
                    ("phone", rx.icon("phone", size=16, aria_hidden="true")),
                    ("sms", rx.icon("message-square", size=16, aria_hidden="true")),
                    ("letter", rx.icon("mail", size=16, aria_hidden="true")),
                    ("visit", rx.icon("users", size=16, aria_hidden="true")),
                    ("e-mail", rx.icon("at-sign", size=16, aria_hidden="true")),
                    rx.icon("circle", size=16, aria_hidden="true"),
                ),
                rx.text(card.channel_label, size="1", class_name="sr-only-label"),
                width="100%",
                align="center",
                spacing="1",
            ),
            rx.text(card.title, weight="medium", size="3", text_align="left"),
            rx.hstack(
                rx.cond(card.pattern != "", ui.badge(card.pattern, size="1", variant="outline")),
                rx.cond(
                    card.fields > 0,
                    rx.text(
                        card.fields,
                        " ",
                        rx.cond(card.fields == 1, tr("map.question"), tr("map.questions")),
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                rx.cond(
                    card.branches > 0,
                    rx.text(
                        card.branches,
                        " ",
                        rx.cond(card.branches == 1, tr("map.branch"), tr("map.branches")),
                        size="1",
                        color_scheme="amber",
                    ),
                ),
                rx.cond(card.is_end, ui.badge(tr("map.end"), color_scheme="green", size="1")),
                spacing="2",
                wrap="wrap",
            ),
            spacing="1",
            align="start",
        ),
        on_click=on_select(card.id),
        type="button",
        id="step-" + card.id,
        class_name="step-card",
        style={
            **CARD_STYLE,
            "background": "var(--color-panel-solid)",
            "border": "1px solid var(--gray-7)",
            "borderLeft": rx.match(
                card.kind,
                ("decision", "6px solid var(--amber-9)"),
                ("offline", "6px solid var(--gray-9)"),
                "6px solid var(--blue-9)",
            ),
            "&:hover": {"borderColor": "var(--blue-9)"},
        },
    )


CARD_STYLE = {
    "width": "100%",
    "textAlign": "left",
    "borderRadius": "6px",
    "padding": "0.6em",
    "cursor": "pointer",
    "&:focus-visible": {"outline": "3px solid #ffbf47", "outlineOffset": "2px"},
}
"""What every step card on a grid has: a full-width button with a visible focus ring."""


def lane_grid(
    columns: rx.Var[list[Any]],
    lanes: rx.Var[list[Any]],
    *,
    column_header: Callable[[rx.Var[Any]], list[rx.Component]],
    lane_header: Callable[[rx.Var[Any]], rx.Component],
    card: Callable[[rx.Var[Any]], rx.Component],
    id: str,
    aria_label: str | rx.Var,
) -> rx.Component:
    """Phases as columns, actor lanes as rows, and the cards of each cell; it scrolls
    sideways on its own (a named region that takes focus) when it is wider than the page.

    ``lanes`` hold ``cells`` and each cell ``cards``: the journey map and the insights heat
    map differ only in their headers and cards.
    """
    template = "minmax(8em, 10em) repeat(" + columns.length().to_string() + ", minmax(14em, 1fr))"
    return rx.box(
        rx.box(
            rx.box(rx.text(tr("map.lane"), weight="bold", size="2"), padding="0.5em"),
            rx.foreach(
                columns,
                lambda col: rx.box(
                    *column_header(col),
                    padding="0.5em",
                    border_bottom="3px solid var(--blue-9)",
                ),
            ),
            rx.foreach(
                lanes,
                lambda lane: rx.fragment(
                    rx.box(
                        lane_header(lane),
                        padding="0.5em",
                        background="var(--gray-3)",
                        border_radius="6px",
                    ),
                    rx.foreach(
                        lane.cells,
                        lambda cell: rx.vstack(
                            rx.foreach(cell.cards, card),
                            spacing="2",
                            padding="0.4em",
                            background="var(--gray-2)",
                            border_radius="6px",
                            min_height="3em",
                        ),
                    ),
                ),
            ),
            display="grid",
            grid_template_columns=template,
            gap="0.5em",
            min_width="fit-content",
        ),
        overflow_x="auto",
        width="100%",
        id=id,
        role="region",
        aria_label=aria_label,
        tab_index=0,
    )


def journey_map(
    columns: rx.Var[list[Column]],
    lanes: rx.Var[list[Lane]],
    on_select: Callable[[rx.Var[str]], rx.event.EventSpec],
) -> rx.Component:
    """A grid: a header row of phases, then one row per actor lane."""
    return lane_grid(
        columns,
        lanes,
        column_header=lambda col: [
            rx.heading(col.title, size="4", as_="h2"),
            rx.text(
                col.steps,
                " ",
                rx.cond(col.steps == 1, tr("map.step"), tr("map.steps")),
                size="1",
                color_scheme="gray",
            ),
        ],
        lane_header=lambda lane: rx.heading(lane.title, size="3", as_="h3"),
        card=lambda card: step_card(card, on_select),
        id="journey-map",
        aria_label=tr("map.title"),
    )


def edges_table(edges: rx.Var[list[Edge]]) -> rx.Component:
    """Every branch: from, to, when, outcome."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(tr("flow.from")),
                rx.table.column_header_cell(tr("flow.when")),
                rx.table.column_header_cell(tr("flow.to")),
                rx.table.column_header_cell(tr("flow.outcome")),
            )
        ),
        rx.table.body(
            rx.foreach(
                edges,
                lambda e: rx.table.row(
                    rx.table.row_header_cell(e.source_title),
                    rx.table.cell(ui.code(e.condition)),
                    rx.table.cell(e.target_title),
                    rx.table.cell(e.outcome),
                ),
            )
        ),
        width="100%",
        variant="surface",
    )


def step_detail_panel(detail: rx.Var[StepDetail], preview_src: rx.Var[str]) -> rx.Component:
    """Content, questions, rules and where the step leads; the citizen view beside it."""
    return rx.flex(
        rx.vstack(
            rx.hstack(
                ui.badge(detail.kind_label),
                ui.badge(detail.channel_label, variant="outline"),
                rx.cond(detail.pattern != "", ui.badge(detail.pattern, variant="outline")),
                wrap="wrap",
            ),
            rx.data_list.root(
                rx.data_list.item(
                    rx.data_list.label(tr("step.actor")), rx.data_list.value(detail.actor)
                ),
                rx.data_list.item(
                    rx.data_list.label(tr("step.phase")), rx.data_list.value(detail.phase)
                ),
            ),
            rx.cond(detail.body != "", rx.box(rx.markdown(detail.body), width="100%")),
            rx.cond(
                detail.fields.length() > 0,
                rx.vstack(
                    rx.heading(tr("step.fields"), size="3", as_="h3"),
                    rx.foreach(
                        detail.fields,
                        lambda f: rx.box(
                            rx.text(f.label, weight="bold"),
                            rx.text(ui.code(f.id), " · ", f.type_label, size="2"),
                            rx.cond(f.hint != "", rx.text(f.hint, size="2", color_scheme="gray")),
                            rx.cond(f.options != "", rx.text(f.options, size="2")),
                            rx.el.ul(rx.foreach(f.rules, lambda r: rx.el.li(rx.text(r, size="2")))),
                            padding="0.5em",
                            border="1px solid var(--gray-6)",
                            border_radius="6px",
                            width="100%",
                        ),
                    ),
                    width="100%",
                ),
            ),
            rx.cond(
                detail.explanation != "",
                rx.box(
                    rx.heading(tr("step.explanation"), size="3", as_="h3"),
                    rx.text(detail.explanation, white_space="pre-wrap"),
                ),
            ),
            rx.cond(
                detail.edges.length() > 0,
                rx.box(
                    rx.heading(tr("step.leads_to"), size="3", as_="h3"),
                    rx.el.ul(
                        rx.foreach(
                            detail.edges,
                            lambda e: rx.el.li(
                                ui.code(e.condition),
                                " → ",
                                rx.text(e.target_title, as_="span", weight="bold"),
                                rx.cond(e.outcome != "", rx.text(" (", e.outcome, ")", as_="span")),
                            ),
                        )
                    ),
                    width="100%",
                ),
                ui.badge(tr("map.end"), color_scheme="green"),
            ),
            spacing="3",
            flex="1",
            min_width="16em",
        ),
        rx.box(
            rx.heading(tr("step.preview"), size="3", as_="h3", margin_bottom="0.5em"),
            rx.box(
                rx.el.iframe(
                    src=preview_src,
                    title=tr("step.preview_frame"),
                    style={
                        "border": "0",
                        "display": "block",
                        "background": "white",
                        "width": "390px",
                        "height": "640px",
                        "maxWidth": "100%",
                    },
                ),
                border="12px solid #222",
                border_radius="28px",
                overflow="hidden",
                width="414px",
                max_width="100%",
            ),
        ),
        gap="1.5em",
        wrap="wrap",
        width="100%",
    )
