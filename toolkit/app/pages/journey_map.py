"""Journey map: phases as columns, actors as lanes, step detail with a phone preview, flow."""

from __future__ import annotations

import reflex as rx

from journeys import store as journey_store
from toolkit import routes
from toolkit.app import data
from toolkit.app.components.journey_map import edges_table, journey_map, step_detail_panel
from toolkit.app.components.journey_nav import journey_links, journey_nav
from toolkit.app.components.layout import page
from toolkit.app.mapdata import (
    Column,
    Edge,
    Lane,
    StepDetail,
    build_edges,
    build_map,
    step_detail,
)
from toolkit.app.state import SessionState, tr


class JourneyMapState(SessionState):
    """One journey's map, the selected step and the flow."""

    journey_id: str = ""
    title: str = ""
    organisation: str = ""
    licence: str = ""
    origin: str = ""
    found: bool = True
    columns: list[Column] = []
    lanes: list[Lane] = []
    edges: list[Edge] = []
    links: list[list[str]] = []
    selected: StepDetail = StepDetail()
    detail_open: bool = False

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise build the map of ?id=…"""
        if not self.authorised():
            return self.login_redirect()
        self.journey_id = self.router.url.query_parameters.get("id", "")
        self.detail_open = False
        journey = journey_store.get_journey(data.database(), self.journey_id)
        self.found = journey is not None
        if journey is None:
            self.title = ""
            self.columns, self.lanes, self.edges, self.links = [], [], [], []
            return None
        lang = "en" if self.lang == "en" else "sv"
        self.title = journey.title
        self.organisation = journey.organisation
        self.licence, self.origin = journey.licence, journey.origin or ""
        self.columns, self.lanes = build_map(journey, lang)
        self.edges = build_edges(journey, lang)
        self.links = journey_links(journey.id)
        return None

    @rx.event
    def select(self, step_id: str):
        """Open a step's detail."""
        if not self.authorised():
            return self.login_redirect()
        journey = journey_store.get_journey(data.database(), self.journey_id)
        detail = (
            step_detail(journey, step_id, "en" if self.lang == "en" else "sv") if journey else None
        )
        if detail is not None:
            self.selected = detail
            self.detail_open = True
        return None

    @rx.event
    def set_detail_open(self, value: bool) -> None:
        """Close (or reopen) the step detail."""
        self.detail_open = value

    @rx.var
    def try_href(self) -> str:
        """'Prova utkastet': the latest saved revision as a citizen sees it, nothing stored."""
        return routes.try_path(self.journey_id) if self.journey_id else "/"

    @rx.var
    def copy_href(self) -> str:
        """Copy a step from another journey into this one."""
        return routes.journey_copy_step_page(self.journey_id) if self.journey_id else "/"

    @rx.var
    def flow_src(self) -> str:
        """The branch diagram of the journey (server-rendered SVG)."""
        return routes.flow_svg_path(self.journey_id) if self.journey_id else ""

    @rx.var
    def preview_src(self) -> str:
        """The citizen rendering of the selected step."""
        if not self.selected.id:
            return "about:blank"
        path = routes.preview_path(self.journey_id, self.selected.id)
        return path + "?lang=en" if self.lang == "en" else path


def detail_dialog() -> rx.Component:
    """The step detail as a dialog: focus moves in, Escape closes it."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                rx.dialog.title(
                    JourneyMapState.selected.title, margin="0", custom_attrs={"as": "h2"}
                ),
                rx.spacer(),
                rx.dialog.close(
                    rx.button(
                        tr("step.close"), variant="outline", high_contrast=True, id="close-detail"
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.dialog.description(
                JourneyMapState.selected.kind_label, " · ", JourneyMapState.selected.id, size="1"
            ),
            step_detail_panel(JourneyMapState.selected, JourneyMapState.preview_src),
            max_width="min(1100px, 95vw)",
        ),
        open=JourneyMapState.detail_open,
        on_open_change=JourneyMapState.set_detail_open,
    )


def journey_origin() -> rx.Component:
    """Who the journey belongs to, its licence, where it came from, and the draft's tools."""
    return rx.vstack(
        rx.text(
            JourneyMapState.organisation,
            " · ",
            tr("map.licence"),
            ": ",
            JourneyMapState.licence,
            color_scheme="gray",
            id="journey-licence",
        ),
        rx.cond(
            JourneyMapState.origin != "",
            rx.text(
                tr("map.origin"),
                ": ",
                JourneyMapState.origin,
                color_scheme="gray",
                id="journey-origin",
            ),
        ),
        rx.hstack(
            rx.el.a(
                tr("map.try"),
                href=JourneyMapState.try_href,
                reload_document=True,
                id="try-link",
                style={"color": "var(--accent-11)", "textDecoration": "underline"},
            ),
            rx.link(tr("map.copy_step"), href=JourneyMapState.copy_href, id="copy-step-link"),
            spacing="4",
            wrap="wrap",
        ),
        spacing="1",
    )


def journey_map_page() -> rx.Component:
    """The journey map page."""
    return page(
        rx.cond(JourneyMapState.found, JourneyMapState.title, tr("common.not_found")),
        rx.cond(
            JourneyMapState.found,
            rx.vstack(
                journey_nav(JourneyMapState.links, "map"),
                journey_origin(),
                rx.tabs.root(
                    rx.tabs.list(
                        rx.tabs.trigger(tr("map.title"), value="map"),
                        rx.tabs.trigger(tr("map.flow"), value="flow"),
                    ),
                    rx.tabs.content(
                        rx.vstack(
                            rx.text(tr("map.click_hint"), size="2"),
                            journey_map(
                                JourneyMapState.columns,
                                JourneyMapState.lanes,
                                JourneyMapState.select,
                            ),
                            padding_top="1em",
                        ),
                        value="map",
                    ),
                    rx.tabs.content(
                        rx.vstack(
                            rx.heading(tr("flow.title"), size="4", as_="h2"),
                            rx.box(
                                rx.image(
                                    src=JourneyMapState.flow_src,
                                    alt=tr("flow.alt"),
                                    max_width="none",
                                ),
                                overflow_x="auto",
                                width="100%",
                                border="1px solid var(--gray-6)",
                                border_radius="6px",
                                padding="0.5em",
                                background="white",
                                id="flow-diagram",
                            ),
                            rx.heading(tr("flow.table"), size="3", as_="h3"),
                            edges_table(JourneyMapState.edges),
                            padding_top="1em",
                        ),
                        value="flow",
                    ),
                    default_value="map",
                    width="100%",
                ),
                detail_dialog(),
                width="100%",
                spacing="3",
            ),
            rx.link(tr("common.back"), href="/"),
        ),
        wide=True,
    )
