"""The Reflex app object: the designer pages plus our own Starlette routes on the same port.

Our routes (citizen pages, sign-in, downloads, health) are matched first; Reflex serves
everything else. Pages are added with ``app.add_page`` (not ``@rx.page``) so a production
start does not warn about redefined pages.
"""

from __future__ import annotations

import logging

import reflex as rx
from starlette.types import ASGIApp

from toolkit import routes
from toolkit.app import data
from toolkit.app.pages.copy_step import CopyStepState, copy_step_page
from toolkit.app.pages.editor import EditorState, editor_page
from toolkit.app.pages.history import HistoryState, history_page
from toolkit.app.pages.insights import InsightsState, insights_page
from toolkit.app.pages.journey_map import JourneyMapState, journey_map_page
from toolkit.app.pages.journeys import JourneysState, journeys_page
from toolkit.app.pages.projector import ProjectorState, projector_page
from toolkit.app.pages.settings import SettingsState, settings_page
from toolkit.app.pages.share import ShareState, share_page
from toolkit.app.pages.versions import VersionsState, versions_page
from toolkit.app.pages.workshop_run import WorkshopRunState, workshop_run_page
from toolkit.app.pages.workshops import WorkshopsState, workshops_page
from toolkit.db import open_db
from toolkit.housekeeping import housekeeping_loop
from toolkit.web import PagesFirst, create_api


class _DropDisconnectedNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "disconnected client" not in record.getMessage()


logging.getLogger("reflex.app").addFilter(_DropDisconnectedNoise())


api = create_api(data.settings())
"""Our Starlette app: citizen and participant pages, sign-in, downloads, health."""


def _ours_in_front(reflex_api: ASGIApp) -> ASGIApp:
    """Reflex's routes go under ours (ADR 0001). Given as a function, not as the Starlette
    app itself, so Reflex does not add its CORS middleware to our pages: they are
    same-origin, and no other site may read them."""
    api.mount("", reflex_api)
    return api


class MedskapaApp(rx.App):
    """The Reflex app with our pages in front (:class:`toolkit.web.PagesFirst`)."""

    def __call__(self) -> ASGIApp:
        """The ASGI app granian serves: Reflex's, with citizen and participant requests
        sent straight to our Starlette app."""
        return PagesFirst(api, super().__call__())


app = MedskapaApp(
    api_transformer=_ours_in_front,
    head_components=[
        rx.el.meta(name="robots", content="noindex, nofollow"),
        rx.el.link(rel="icon", href=routes.FAVICON, type="image/svg+xml"),
    ],
)


async def housekeeping() -> None:
    """Retention and abandoned tests, once a day while the server runs (toolkit.housekeeping)."""
    await housekeeping_loop(lambda: open_db(data.settings().db_path, migrate=False))


app.register_lifespan_task(housekeeping)
app.add_page(
    journeys_page, route=routes.HOME_PAGE, title="Resor – Medskapa", on_load=JourneysState.load
)
app.add_page(
    journey_map_page,
    route=routes.JOURNEY_PAGE,
    title="Resekarta – Medskapa",
    on_load=JourneyMapState.load,
)
app.add_page(
    versions_page,
    route=routes.JOURNEY_VERSIONS_PAGE,
    title="Versioner – Medskapa",
    on_load=VersionsState.load,
)
app.add_page(
    share_page, route=routes.JOURNEY_SHARE_PAGE, title="Dela – Medskapa", on_load=ShareState.load
)
app.add_page(
    insights_page,
    route=routes.JOURNEY_INSIGHTS_PAGE,
    title="Insikter – Medskapa",
    on_load=InsightsState.load,
)
app.add_page(
    editor_page,
    route=routes.JOURNEY_EDIT_PAGE,
    title="Redigera resan – Medskapa",
    on_load=EditorState.load,
)
app.add_page(
    history_page,
    route=routes.JOURNEY_HISTORY_PAGE,
    title="Historik – Medskapa",
    on_load=HistoryState.load,
)
app.add_page(
    copy_step_page,
    route=routes.JOURNEY_COPY_STEP_PAGE,
    title="Kopiera steg – Medskapa",
    on_load=CopyStepState.load,
)
app.add_page(
    settings_page,
    route=routes.SETTINGS_PAGE,
    title="Inställningar – Medskapa",
    on_load=SettingsState.load,
)
app.add_page(
    workshops_page,
    route=routes.WORKSHOPS_PAGE,
    title="Workshoppar – Medskapa",
    on_load=WorkshopsState.load,
)
app.add_page(
    workshop_run_page,
    route=routes.WORKSHOP_RUN_PAGE,
    title="Kör workshop – Medskapa",
    on_load=WorkshopRunState.load,
)
app.add_page(
    projector_page,
    route=routes.WORKSHOP_PROJECTOR_PAGE,
    title="Projektorvy – Medskapa",
    on_load=ProjectorState.load,
)
