"""The printable A4 sheet of QR cards, for the designer route and ``medskapa qr-sheet``.

One card per active share link of a version (oldest first), or one link repeated. Each card
carries the QR code as inline SVG, the service name, the task, the address printed big, the
code in two groups, and the line about anonymity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlite_utils import Database

import prototypes
from journeys import Journey
from toolkit import routes
from toolkit.db import get_organisation
from toolkit.web import pages

DEFAULT_REPEAT = 6
"""Cards on one A4 page: two columns, three rows."""

MAX_REPEAT = 60


class SheetError(Exception):
    """No sheet can be made; ``status`` is the HTTP status, the message says why in Swedish."""

    def __init__(self, message: str, *, status: int = 404, heading: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.heading = heading or "Det finns inga QR-kort att skriva ut"


@dataclass(frozen=True)
class Sheet:
    """Everything the template needs."""

    version_id: str
    version_label: str
    journey: Journey
    cards: list[dict[str, Any]]


def build_sheet(
    db: Database,
    version_id: str,
    *,
    public_url: str,
    now: dt.datetime,
    code: str | None = None,
    repeat: int = DEFAULT_REPEAT,
) -> Sheet:
    """The cards for a version, or :class:`SheetError`."""
    version = prototypes.get_version(db, version_id) if len(version_id) <= 200 else None
    if version is None:
        raise SheetError(
            f"Det finns ingen version {version_id[:40]}. Se vilka som finns i designerappen "
            "eller publicera resan med: medskapa publish RESA --note TEXT"
        )
    if code:
        link = prototypes.get_share_link(db, code[:200])
        if link is None or link.version_id != version.id:
            raise SheetError(
                f"Versionen {version.id} har ingen delningslänk med koden {code[:40]}."
            )
        if link.status(now) != "ok":
            raise SheetError(
                f"Delningslänken {link.code} är inte aktiv längre. Skapa en ny med: "
                f"medskapa share {version.id}",
                status=410,
                heading="Länken går inte att använda",
            )
        links = [link] * max(1, min(repeat, MAX_REPEAT))
    else:
        links = [
            link
            for link in prototypes.list_share_links(db, version_id=version.id)
            if link.status(now) == "ok"
        ]
        links.reverse()  # oldest first: the order they were made in
    journey = version.journey()
    cards = [card(public_url, journey, link, index) for index, link in enumerate(links, 1)]
    return Sheet(
        version_id=version.id,
        version_label=f"version {version.number}",
        journey=journey,
        cards=cards,
    )


def card(
    public_url: str, journey: Journey, link: prototypes.ShareLink, index: int
) -> dict[str, Any]:
    """One card's data."""
    url = routes.citizen_url(public_url, link.code)
    return {
        "svg": pages.inline_svg(
            prototypes.qr_svg(url, title=f"QR-kod till testet av {journey.title}"), str(index)
        ),
        "service": journey.title,
        "organisation": journey.organisation,
        "task": link.task,
        "url": url,
        "url_base": public_url.rstrip("/"),
        "url_path": routes.citizen_path(link.code),
        "code": prototypes.format_code(link.code),
        "label": link.label,
    }


def render_sheet(db: Database, sheet: Sheet, *, nonce: str, standalone: bool = False) -> str:
    """The sheet as HTML. ``standalone`` puts the stylesheet inside the file, for a sheet
    saved to disk and opened without the server."""
    org = get_organisation(db)
    inline_css = Markup((pages.STATIC / "medskapa.css").read_text("utf-8")) if standalone else None
    return pages.render(
        "qr_sheet.html",
        org=org,
        nonce=nonce,
        org_name=org.name or sheet.journey.organisation,
        title=f"QR-kort: {sheet.journey.title}",
        journey_title=sheet.journey.title,
        version_label=sheet.version_label,
        version_id=sheet.version_id,
        cards=sheet.cards,
        inline_css=inline_css,
    )
