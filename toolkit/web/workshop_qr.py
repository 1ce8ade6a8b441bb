"""Designer downloads for workshops: the QR code of a workshop's join address.

``GET /designer/workshop-qr/<code>.svg`` answers the QR code (SVG) of
:func:`toolkit.routes.workshop_url` for the workshop with that join code, for the run page
and the projector. Like the other designer routes it needs a signed-in designer or
facilitator (:func:`create_api`'s ``designer`` wrapper); an unknown code is a 404 page.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

import prototypes
import workshops
from toolkit import routes
from toolkit.accounts import User

MAX_CODE_CHARS = 32

Designer = Callable[[str], Callable[[Callable[..., Response]], Callable[[Request], Response]]]


def workshop_routes(*, public_url: str, designer: Designer) -> list[BaseRoute]:
    """The workshop routes, each wrapped by ``designer`` (sign-in required)."""

    @designer("page")
    def workshop_qr_svg(request: Request, db: Database, user: User) -> Response:
        code = str(request.path_params["code"])
        found = workshops.find_workshop(db, code) if len(code) <= MAX_CODE_CHARS else None
        if found is None:
            raise HTTPException(404)
        url = routes.workshop_url(public_url, found.join_code)
        return Response(
            prototypes.qr_svg(url, title=f"QR-kod för att gå med i workshoppen: {url}"),
            media_type="image/svg+xml",
            headers={
                "Cache-Control": "private, no-store",
                "Content-Disposition": f'inline; filename="workshop-{found.join_code}.svg"',
            },
        )

    return [Route(routes.WORKSHOP_QR_SVG, workshop_qr_svg, methods=["GET"])]
