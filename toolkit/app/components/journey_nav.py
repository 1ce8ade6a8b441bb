"""The sub-navigation of one journey: map, flow, versions, share, insights."""

from __future__ import annotations

import reflex as rx

from toolkit.app.state import tr


def journey_nav(links: rx.Var[list[list[str]]], current: str) -> rx.Component:
    """Links to the journey's pages; ``links`` is [[key, href], ...] and ``current`` a key."""
    return rx.el.nav(
        rx.hstack(
            rx.foreach(
                links,
                lambda pair: rx.link(
                    rx.match(
                        pair[0],
                        ("map", tr("map.title")),
                        ("versions", tr("map.versions")),
                        ("share", tr("map.share")),
                        ("insights", tr("map.insights")),
                        pair[0],
                    ),
                    href=pair[1],
                    weight=rx.cond(pair[0] == current, "bold", "regular"),
                    aria_current=rx.cond(pair[0] == current, "page", "false"),
                    underline=rx.cond(pair[0] == current, "always", "hover"),
                ),
            ),
            spacing="5",
        ),
        aria_label="Resans sidor",
    )
