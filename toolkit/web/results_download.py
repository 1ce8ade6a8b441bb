"""Designer downloads of a version's results, from the heat view's "Ladda ner" links.

``GET /designer/results/<version_id>/<name>`` with ``name`` one of ``steg.csv`` (per-step
metrics for Swedish Excel: UTF-8 with BOM, ``;`` and decimal commas), ``kommentarer.csv``
(the comments of the whole version, masked, hidden ones left out), ``resultat.json`` and
``resor.xml`` (CJML-style actual journeys). ``?share=CODE`` and ``?age=BAND`` narrow the
figures as the page's filters do (not the comments, which belong to the whole version). The
files are the very bytes ``medskapa export`` writes (:mod:`feedback.exports`), after idle
sessions are counted as abandoned, as everywhere results are read. Like the other designer
routes they need a signed-in designer or facilitator; an unknown version, link or age band
is a 404 page that says which.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from sqlite_utils import Database
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

import feedback
import prototypes
from toolkit import routes
from toolkit.accounts import User
from toolkit.results import refresh_abandoned

MAX_ID_CHARS = 64

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "comments": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "cjml": "application/xml; charset=utf-8",
}

Designer = Callable[[str], Callable[[Callable[..., Response]], Callable[[Request], Response]]]


def results_file(
    db: Database,
    version_id: str,
    kind: str,
    *,
    share_code: str | None = None,
    age_band: str | None = None,
) -> bytes:
    """The file's bytes, as ``medskapa export`` writes them. Raises
    :class:`prototypes.VersionNotFound` or :class:`feedback.MetricsError` for a bad choice."""
    choice = {"version_id": version_id, "share_code": share_code, "age_band": age_band}
    if kind == "csv":
        return feedback.metrics_csv(db, **choice)
    if kind == "comments":
        if prototypes.get_version(db, version_id) is None:
            raise prototypes.VersionNotFound(version_id)
        return feedback.comments_csv(db, version_id=version_id)
    if kind == "json":
        text = json.dumps(feedback.metrics_json(db, **choice), ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
    return feedback.actual_journeys_cjml(db, **choice).encode("utf-8")


def results_routes(*, designer: Designer, clock: Callable[[], dt.datetime]) -> list[BaseRoute]:
    """The results download route, wrapped by ``designer`` (sign-in required)."""

    @designer("page")
    def results_download(request: Request, db: Database, user: User) -> Response:
        version_id = str(request.path_params["version_id"])
        kind = routes.RESULT_FILES.get(str(request.path_params["name"]))
        if kind is None or len(version_id) > MAX_ID_CHARS:
            raise HTTPException(404, "Det finns ingen sådan fil.")
        share = request.query_params.get("share") or None
        age = request.query_params.get("age") or None
        refresh_abandoned(db, now=clock())
        try:
            data = results_file(db, version_id, kind, share_code=share, age_band=age)
        except prototypes.VersionNotFound:
            raise HTTPException(404, f"Det finns ingen version '{version_id[:40]}'.") from None
        except feedback.MetricsError as exc:
            raise HTTPException(404, str(exc)) from None
        name = routes.result_file_name(version_id, kind, share=share)
        return Response(
            data,
            media_type=MEDIA_TYPES[kind],
            headers={
                "Cache-Control": "private, no-store",
                "Content-Disposition": f'attachment; filename="{name}"',
            },
        )

    return [Route(routes.RESULTS, results_download, methods=["GET"])]
