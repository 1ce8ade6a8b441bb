"""The sub-navigation of one journey, the same on every journey page.

``journey_links`` builds the data (plain [key, href] pairs from :mod:`toolkit.routes`);
``journey_nav`` draws it. A page passes its own key as ``current`` (the editor: "edit").
"""

from __future__ import annotations

import reflex as rx

from toolkit import routes
from toolkit.app.state import tr

# The journey's pages in the order the navigation shows them, with their string-table keys
NAV_KEYS: tuple[tuple[str, str], ...] = (
    ("map", "map.title"),
    ("edit", "map.edit"),
    ("versions", "map.versions"),
    ("share", "map.share"),
    ("insights", "map.insights"),
    ("history", "history.link"),
)


def journey_links(journey_id: str) -> list[list[str]]:
    """The sub-navigation of a journey, as [key, href] pairs in NAV_KEYS order."""
    hrefs = {
        "map": routes.journey_page(journey_id),
        "edit": routes.journey_edit_page(journey_id),
        "versions": routes.journey_versions_page(journey_id),
        "share": routes.journey_share_page(journey_id),
        "insights": routes.journey_insights_page(journey_id),
        "history": routes.journey_history_page(journey_id),
    }
    return [[key, hrefs[key]] for key, _ in NAV_KEYS]


def journey_nav(links: rx.Var[list[list[str]]], current: str) -> rx.Component:
    """Links to the journey's pages; ``links`` is [[key, href], ...] and ``current`` a key."""
    return rx.el.nav(
        rx.flex(
            rx.foreach(
                links,
                lambda pair: rx.link(
                    rx.match(
                        pair[0],
                        *[(key, tr(label)) for key, label in NAV_KEYS],
                        pair[0],
                    ),
                    href=pair[1],
                    weight=rx.cond(pair[0] == current, "bold", "regular"),
                    aria_current=rx.cond(pair[0] == current, "page", "false"),
                    underline=rx.cond(pair[0] == current, "always", "hover"),
                    # the editor's e2e finds the edit link by its old id
                    id=rx.cond(pair[0] == "edit", "edit-journey", "journey-nav-" + pair[0]),
                ),
            ),
            gap="0.5em 1.25em",
            wrap="wrap",
        ),
        aria_label=tr("map.nav_label"),
        id="journey-nav",
    )
