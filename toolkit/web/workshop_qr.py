"""Designer downloads for workshops: the QR code of the join address, and the report.

``GET /designer/workshop-qr/<code>.svg`` answers the QR code (SVG) of
:func:`toolkit.routes.workshop_url` for the workshop with that join code, for the run page
and the projector. ``GET /designer/workshop-report/<code>.html`` answers the workshop report
as one HTML page, rendered by :func:`toolkit.web.workshop_report.report_html` like
``medskapa workshop report CODE -o FILE.html``. Like the other designer routes both need a
signed-in designer or facilitator (:func:`create_api`'s ``designer`` wrapper); an unknown
code is a 404 page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlite_utils import Database
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

import prototypes
import workshops
from toolkit import routes
from toolkit.accounts import User
from toolkit.web.workshop_report import report_html

MAX_CODE_CHARS = 32
PRIVATE = "private, no-store"
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)
"""The report is one self-contained page: its own inline CSS, no script at all."""

Designer = Callable[[str], Callable[[Callable[..., Response]], Callable[[Request], Response]]]


def workshop_routes(
    *, public_url: str, designer: Designer, clock: Callable[[], dt.datetime]
) -> list[BaseRoute]:
    """The workshop routes, each wrapped by ``designer`` (sign-in required)."""

    def workshop_of(request: Request, db: Database) -> workshops.Workshop:
        code = str(request.path_params["code"])
        found = workshops.find_workshop(db, code) if len(code) <= MAX_CODE_CHARS else None
        if found is None:
            raise HTTPException(404)
        return found

    @designer("page")
    def workshop_qr_svg(request: Request, db: Database, user: User) -> Response:
        found = workshop_of(request, db)
        url = routes.workshop_url(public_url, found.join_code)
        return Response(
            prototypes.qr_svg(url, title=f"QR-kod för att gå med i workshoppen: {url}"),
            media_type="image/svg+xml",
            headers={
                "Cache-Control": PRIVATE,
                "Content-Disposition": f'inline; filename="workshop-{found.join_code}.svg"',
            },
        )

    @designer("page")
    def workshop_report(request: Request, db: Database, user: User) -> Response:
        found = workshop_of(request, db)
        html = report_html(workshops.workshop_report(db, found.id), created=clock())
        return HTMLResponse(
            html,
            headers={
                "Cache-Control": PRIVATE,
                "Content-Security-Policy": REPORT_CSP,
                "Content-Disposition": (
                    f'inline; filename="workshop-{found.join_code}-rapport.html"'
                ),
            },
        )

    return [
        Route(routes.WORKSHOP_QR_SVG, workshop_qr_svg, methods=["GET"]),
        Route(routes.WORKSHOP_REPORT, workshop_report, methods=["GET"]),
    ]
