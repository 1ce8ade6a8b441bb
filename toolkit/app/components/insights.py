"""The heat view's pieces: coloured step cards, legend, funnel bars, tables, step detail.

Functions of plain data (see :mod:`toolkit.app.insightsdata`), never of State: handlers come
in as arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from toolkit.app.components import ui
from toolkit.app.components.journey_map import CARD_STYLE, lane_grid
from toolkit.app.insightsdata import (
    Choice,
    CommentRow,
    CompareRow,
    Figure,
    FunnelBar,
    HeatCard,
    HeatLane,
    LegendEntry,
    StepInsights,
    StepRow,
)
from toolkit.app.mapdata import Column
from toolkit.app.state import tr

Handler = Callable[..., Any]


def labelled_select(
    label_key: str, control_id: str, choices: rx.Var[list[Choice]], value: rx.Var[str], on_change
) -> rx.Component:
    """A native select with its visible label above it. It is never wider than the page:
    on a phone a long choice (a version's title) is cut short inside the select instead of
    pushing the page sideways."""
    return rx.vstack(
        rx.el.label(tr(label_key), html_for=control_id, style={"fontWeight": "bold"}),
        rx.el.select(
            rx.foreach(choices, lambda c: rx.el.option(c.label, value=c.value)),
            id=control_id,
            value=value,
            on_change=on_change,
            style={
                "padding": "0.4em",
                "minWidth": "min(12em, 100%)",
                "maxWidth": "100%",
                "textOverflow": "ellipsis",
            },
        ),
        spacing="1",
        max_width="100%",
        min_width="0",
    )


def figures_list(figures: rx.Var[list[Figure]], **props: Any) -> rx.Component:
    """Label/value pairs as a description list."""
    return rx.data_list.root(
        rx.foreach(
            figures,
            lambda f: rx.data_list.item(
                rx.data_list.label(f.label, min_width="14em"),
                rx.data_list.value(f.value, weight="bold"),
            ),
        ),
        **props,
    )


def summary_bar(figures: rx.Var[list[Figure]]) -> rx.Component:
    """The version's headline numbers as small boxes."""
    return rx.flex(
        rx.foreach(
            figures,
            lambda f: rx.box(
                rx.text(f.label, size="1"),
                rx.text(f.value, size="5", weight="bold"),
                rx.cond(f.hint != "", rx.text(f.hint, size="1", color_scheme="gray")),
                padding="0.5em 0.8em",
                max_width="16em",
                border="1px solid var(--gray-7)",
                border_radius="6px",
                background="var(--color-panel-solid)",
            ),
        ),
        gap="0.6em",
        wrap="wrap",
        id="insights-summary",
        aria_live="polite",
    )


def heat_card(card: rx.Var[HeatCard], on_select: Handler) -> rx.Component:
    """One step with its key numbers, coloured by the chosen measure."""
    small = {"color": card.foreground, "fontSize": "0.8rem"}
    return rx.el.button(
        rx.vstack(
            rx.hstack(
                rx.el.span(card.number, ". ", style={"fontWeight": "bold"}),
                rx.el.span(card.title, style={"fontWeight": "bold"}),
                spacing="1",
                align="start",
            ),
            rx.el.span(card.value_text, style={"fontSize": "1.25rem", "fontWeight": "bold"}),
            rx.cond(
                card.suppressed,
                rx.fragment(),
                rx.el.span(
                    tr("insights.reached"),
                    " ",
                    card.reached_text,
                    " · ",
                    tr("insights.drop_off"),
                    " ",
                    card.drop_off_text,
                    " · ",
                    tr("insights.errors"),
                    " ",
                    card.errors_text,
                    style=small,
                ),
            ),
            rx.cond(
                card.suppressed,
                rx.fragment(),
                rx.el.span(
                    tr("insights.rating"),
                    " ",
                    card.rating_text,
                    " · ",
                    tr("insights.time"),
                    " ",
                    card.time_text,
                    style=small,
                ),
            ),
            rx.cond(
                card.notes > 0,
                rx.el.span(
                    card.notes,
                    " ",
                    rx.cond(card.notes == 1, tr("insights.note"), tr("insights.notes")),
                    style=small,
                ),
            ),
            spacing="1",
            align="start",
        ),
        on_click=on_select(card.id),
        type="button",
        id="heat-" + card.id,
        class_name="heat-card",
        style={
            **CARD_STYLE,
            "background": card.background,
            "color": card.foreground,
            "border": "1px solid #555",
        },
    )


def heat_map(
    columns: rx.Var[list[Column]], lanes: rx.Var[list[HeatLane]], on_select: Handler
) -> rx.Component:
    """Phases as columns, actors as lanes, steps as coloured cards."""
    return lane_grid(
        columns,
        lanes,
        column_header=lambda col: [rx.heading(col.title, size="4", as_="h3")],
        lane_header=lambda lane: rx.text(lane.title, weight="bold"),
        card=lambda card: heat_card(card, on_select),
        id="heat-map",
        aria_label=tr("insights.heat"),
    )


def legend(entries: rx.Var[list[LegendEntry]]) -> rx.Component:
    """The colour scale, good to bad, and the grey of 'too few answers'."""
    return rx.hstack(
        rx.foreach(
            entries,
            lambda e: rx.el.span(
                e.label,
                style={
                    "background": e.background,
                    "color": e.foreground,
                    "padding": "0.2em 0.7em",
                    "border": "1px solid #555",
                    "fontSize": "0.85rem",
                },
            ),
        ),
        spacing="0",
        wrap="wrap",
        id="heat-legend",
    )


def funnel(bars: rx.Var[list[FunnelBar]]) -> rx.Component:
    """The funnel as horizontal bars: plain boxes as wide as the share of starters."""
    return rx.el.ol(
        rx.foreach(
            bars,
            lambda b: rx.el.li(
                rx.hstack(
                    rx.text(b.position, ". ", b.title, width="16em", size="2"),
                    rx.box(
                        rx.box(
                            width=b.width,
                            height="1.6em",
                            background="#1d3a5f",
                            border_radius="3px",
                        ),
                        flex="1",
                        background="var(--gray-3)",
                        border_radius="3px",
                    ),
                    rx.text(b.text, width="16em", size="2"),
                    align="center",
                    width="100%",
                ),
                style={"listStyle": "none", "marginBottom": "0.3em"},
            ),
        ),
        id="funnel",
        style={"padding": "0", "width": "100%"},
    )


def steps_table(rows: rx.Var[list[StepRow]], on_select: Handler) -> rx.Component:
    """One row per step: reached, drop-off, errors, rating, time, comments, notes."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(tr("insights.step")),
                rx.table.column_header_cell(tr("insights.reached")),
                rx.table.column_header_cell(tr("insights.drop_off")),
                rx.table.column_header_cell(tr("insights.errors")),
                rx.table.column_header_cell(tr("insights.rating")),
                rx.table.column_header_cell(tr("insights.time")),
                rx.table.column_header_cell(tr("insights.comments")),
                rx.table.column_header_cell(tr("insights.notes")),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda r: rx.table.row(
                    rx.table.row_header_cell(
                        rx.link(
                            r.number,
                            ". ",
                            r.title,
                            href="#",
                            on_click=on_select(r.id).prevent_default,
                        )
                    ),
                    rx.table.cell(r.reached),
                    rx.table.cell(r.drop_off),
                    rx.table.cell(r.errors),
                    rx.table.cell(r.rating),
                    rx.table.cell(r.time),
                    rx.table.cell(r.comments),
                    rx.table.cell(r.notes),
                ),
            )
        ),
        width="100%",
        variant="surface",
        id="steps-table",
        style={"& thead th::first-letter": {"textTransform": "uppercase"}},
    )


def compare_table(rows: rx.Var[list[CompareRow]]) -> rx.Component:
    """Old beside new for every figure of every step, with the change and the bases."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(tr("insights.step")),
                rx.table.column_header_cell(tr("insights.metric")),
                rx.table.column_header_cell(tr("insights.old")),
                rx.table.column_header_cell(tr("insights.new")),
                rx.table.column_header_cell(tr("insights.change")),
                rx.table.column_header_cell(tr("insights.n_old")),
                rx.table.column_header_cell(tr("insights.n_new")),
                rx.table.column_header_cell(tr("insights.verdict")),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda r: rx.table.row(
                    rx.table.row_header_cell(
                        r.title,
                        rx.cond(r.status != "", rx.text(r.status, size="1")),
                    ),
                    rx.table.cell(r.metric),
                    rx.table.cell(r.old),
                    rx.table.cell(r.new),
                    rx.table.cell(r.delta),
                    rx.table.cell(r.old_n),
                    rx.table.cell(r.new_n),
                    rx.table.cell(
                        rx.cond(
                            r.verdict == "",
                            rx.text("–"),
                            ui.badge(
                                r.verdict_label,
                                color_scheme=rx.match(
                                    r.verdict, ("better", "green"), ("worse", "red"), "gray"
                                ),
                            ),
                        )
                    ),
                ),
            )
        ),
        width="100%",
        variant="surface",
        id="compare-table",
    )


TAGS = ("pain", "idea", "question", "praise")
TAG_KEYS = {
    "pain": ("Problem", "Pain"),
    "idea": ("Idé", "Idea"),
    "question": ("Fråga", "Question"),
    "praise": ("Beröm", "Praise"),
}


def comment_item(
    c: rx.Var[CommentRow], lang_en: rx.Var[bool], on_hide: Handler, on_tag: Handler
) -> rx.Component:
    """A comment with its tag and the moderation buttons."""
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(c.at, size="1"),
                rx.cond(c.tag_label != "", ui.badge(c.tag_label, color_scheme="blue")),
                rx.cond(c.hidden, ui.badge(tr("insights.hidden"), color_scheme="gray")),
                spacing="2",
            ),
            rx.text(c.text, style=rx.cond(c.hidden, {"textDecoration": "line-through"}, {})),
            rx.hstack(
                rx.button(
                    rx.cond(c.hidden, tr("insights.show"), tr("insights.hide")),
                    size="1",
                    variant="outline",
                    high_contrast=True,
                    on_click=on_hide(c.id, ~c.hidden),
                    class_name="comment-hide",
                ),
                *[
                    rx.button(
                        rx.cond(lang_en, TAG_KEYS[tag][1], TAG_KEYS[tag][0]),
                        size="1",
                        variant=rx.cond(c.tag == tag, "solid", "outline"),
                        high_contrast=True,
                        aria_pressed=rx.cond(c.tag == tag, "true", "false"),
                        on_click=on_tag(c.id, rx.cond(c.tag == tag, "", tag)),
                        class_name="comment-tag-" + tag,
                    )
                    for tag in TAGS
                ],
                spacing="2",
                wrap="wrap",
            ),
            spacing="1",
            align="start",
        ),
        style={
            "listStyle": "none",
            "borderTop": "1px solid var(--gray-6)",
            "padding": "0.5em 0",
        },
    )


def step_panel(
    detail: rx.Var[StepInsights], lang_en: rx.Var[bool], on_hide: Handler, on_tag: Handler
) -> rx.Component:
    """Everything mapped onto one step."""
    return rx.vstack(
        rx.heading(tr("insights.figures"), size="3", as_="h3"),
        figures_list(detail.figures, id="step-figures"),
        rx.heading(tr("insights.failing_fields"), size="3", as_="h3"),
        rx.cond(
            detail.fields.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(tr("insights.field")),
                        rx.table.column_header_cell(tr("insights.message")),
                        rx.table.column_header_cell(tr("insights.count")),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        detail.fields,
                        lambda f: rx.table.row(
                            rx.table.row_header_cell(ui.code(f.field)),
                            rx.table.cell(f.message),
                            rx.table.cell(f.count),
                        ),
                    )
                ),
                width="100%",
                id="failing-fields",
            ),
            rx.text(
                rx.cond(detail.suppressed, "–", tr("insights.no_failing")),
                size="2",
            ),
        ),
        rx.heading(tr("insights.comments"), size="3", as_="h3"),
        rx.cond(
            detail.comments.length() > 0,
            rx.el.ul(
                rx.foreach(detail.comments, lambda c: comment_item(c, lang_en, on_hide, on_tag)),
                style={"padding": "0", "width": "100%"},
                id="step-comments",
            ),
            rx.text(tr("insights.no_comments"), size="2"),
        ),
        rx.heading(tr("insights.workshop_notes"), size="3", as_="h3"),
        rx.cond(
            detail.notes.length() > 0,
            rx.el.ul(
                rx.foreach(
                    detail.notes,
                    lambda n: rx.el.li(
                        ui.badge(n.kind_label),
                        " ",
                        n.text,
                        " (",
                        n.votes,
                        " ",
                        tr("insights.votes"),
                        ")",
                        style={"listStyle": "none", "padding": "0.3em 0"},
                    ),
                ),
                style={"padding": "0"},
                id="step-notes",
            ),
            rx.text(tr("insights.no_notes"), size="2"),
        ),
        spacing="2",
        width="100%",
        align="start",
    )
