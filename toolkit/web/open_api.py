"""The read-only open-data API for the kommun's own follow-up: ``/api/v1``.

Every route answers JSON and needs ``Authorization: Bearer <token>`` with a token made by
``medskapa token create NAME`` (:mod:`toolkit.api_tokens`); without one, or with a revoked
one, the answer is 401 with a JSON error. ``GET /api/v1/openapi.json`` describes the API
(OpenAPI 3.1, with examples) and needs no token.

    GET /api/v1/journeys                    the journeys
    GET /api/v1/journeys/{id}/versions      a journey's published versions, newest first
    GET /api/v1/versions/{id}/metrics       summary, step metrics, funnel (?share=, ?min_sessions=)
    GET /api/v1/versions/{id}/comments      comments: masked, hidden ones left out

Small-number protection holds as everywhere: no figure from fewer than 5 sessions
(``min_sessions`` can be raised, never lowered), and a version's comments are only given
when it has at least that many sessions. Nothing names a session.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlite_utils import Database
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

import feedback
import prototypes
from journeys import store as journey_store
from toolkit import api_tokens, routes
from toolkit.results import refresh_abandoned

JOURNEYS = routes.OPEN_API_JOURNEYS
JOURNEY_VERSIONS = routes.OPEN_API_JOURNEY_VERSIONS
VERSION_METRICS = routes.OPEN_API_VERSION_METRICS
VERSION_COMMENTS = routes.OPEN_API_VERSION_COMMENTS
OPENAPI = routes.OPEN_API_DOCUMENT

MAX_ID_CHARS = 64
HEADERS = {"Cache-Control": "private, no-store"}

DatabaseSource = Callable[[], AbstractContextManager[Database]]


def _error(status: int, message: str, **extra: str) -> JSONResponse:
    return JSONResponse({"error": message}, status, headers={**HEADERS, **extra})


def _unauthorised() -> JSONResponse:
    return _error(
        401,
        "Ange en giltig API-nyckel: Authorization: Bearer NYCKEL "
        "(skapa en med medskapa token create NAMN).",
        **{"WWW-Authenticate": 'Bearer realm="medskapa"'},
    )


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _version_json(v: prototypes.Version) -> dict[str, Any]:
    return {
        "id": v.id,
        "journey_id": v.journey_id,
        "number": v.number,
        "title": v.title,
        "note": v.note,
        "published_at": v.created_at.isoformat(),
    }


def open_api_routes(
    *, database: DatabaseSource, clock: Callable[[], dt.datetime] | None = None
) -> list[BaseRoute]:
    """The ``/api/v1`` routes; ``database`` gives a connection for one request, ``clock``
    (default: now in UTC) the time a token's use is recorded at."""
    now = clock or (lambda: dt.datetime.now(dt.UTC))

    def authorised(fn: Callable[[Request, Database], Response]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            with database() as db:
                if api_tokens.check_token(db, _bearer(request), now=now()) is None:
                    return _unauthorised()
                return fn(request, db)

        endpoint.__name__ = fn.__name__
        return endpoint

    def version_of(request: Request, db: Database) -> prototypes.Version | None:
        version_id = str(request.path_params["version_id"])
        return prototypes.get_version(db, version_id) if len(version_id) <= MAX_ID_CHARS else None

    def min_sessions(request: Request) -> int:
        raw = request.query_params.get("min_sessions")
        try:
            asked = int(raw) if raw else feedback.DEFAULT_MIN_SESSIONS
        except ValueError:
            asked = feedback.DEFAULT_MIN_SESSIONS
        return max(asked, feedback.DEFAULT_MIN_SESSIONS)

    @authorised
    def journeys(request: Request, db: Database) -> Response:
        return JSONResponse(
            {
                "journeys": [
                    {
                        "id": s.id,
                        "title": s.title,
                        "organisation": s.organisation,
                        "steps": s.step_count,
                        "updated_at": s.updated_at.isoformat(),
                    }
                    for s in journey_store.list_journeys(db)
                ]
            },
            headers=HEADERS,
        )

    @authorised
    def journey_versions(request: Request, db: Database) -> Response:
        journey_id = str(request.path_params["journey_id"])
        found = (
            journey_store.get_journey(db, journey_id) if len(journey_id) <= MAX_ID_CHARS else None
        )
        if found is None:
            return _error(404, f"Det finns ingen resa '{journey_id[:MAX_ID_CHARS]}'.")
        versions = prototypes.list_versions(db, found.id)
        return JSONResponse(
            {"journey_id": found.id, "versions": [_version_json(v) for v in versions]},
            headers=HEADERS,
        )

    @authorised
    def version_metrics(request: Request, db: Database) -> Response:
        version = version_of(request, db)
        if version is None:
            return _error(404, "Det finns ingen sådan version.")
        try:
            data = feedback.metrics_json(
                db,
                version_id=version.id,
                share_code=request.query_params.get("share") or None,
                min_sessions=min_sessions(request),
            )
        except feedback.MetricsError as exc:
            return _error(400, str(exc))
        return JSONResponse(data, headers=HEADERS)

    @authorised
    def version_comments(request: Request, db: Database) -> Response:
        version = version_of(request, db)
        if version is None:
            return _error(404, "Det finns ingen sådan version.")
        least = min_sessions(request)
        refresh_abandoned(db, now=dt.datetime.now(dt.UTC))
        summary = feedback.version_summary(db, version_id=version.id, min_sessions=least)
        journey = version.journey()
        comments = []
        if not summary.suppressed:
            for c in feedback.version_comments(db, version_id=version.id):
                step = journey.step(c.step_id) if c.step_id else None
                comments.append(
                    {
                        "step_id": c.step_id,
                        "step_title": step.title if step is not None else None,
                        "text": c.text,
                        "masked": c.masked,
                        "tag": c.tag,
                        "date": c.at.date().isoformat(),
                    }
                )
        return JSONResponse(
            {
                "version_id": version.id,
                "min_sessions": least,
                "suppressed": summary.suppressed,
                "comments": comments,
            },
            headers=HEADERS,
        )

    def openapi(request: Request) -> Response:
        return Response(
            json.dumps(openapi_document(), ensure_ascii=False, indent=2),
            media_type="application/json",
            headers={"Cache-Control": "public, max-age=3600"},
        )

    return [
        Route(OPENAPI, openapi, methods=["GET"]),
        Route(JOURNEYS, journeys, methods=["GET"]),
        Route(JOURNEY_VERSIONS, journey_versions, methods=["GET"]),
        Route(VERSION_METRICS, version_metrics, methods=["GET"]),
        Route(VERSION_COMMENTS, version_comments, methods=["GET"]),
    ]


# --- OpenAPI --------------------------------------------------------------------------------

_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}},
    "required": ["error"],
}
_VERSION = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "journey_id": {"type": "string"},
        "number": {"type": "integer"},
        "title": {"type": "string"},
        "note": {"type": "string"},
        "published_at": {"type": "string", "format": "date-time"},
    },
}
_VERSION_EXAMPLE = {
    "id": "parkeringstillstand-v2",
    "journey_id": "parkeringstillstand",
    "number": 2,
    "title": "Ansök om parkeringstillstånd för rörelsehindrade",
    "note": "Kortare formulär",
    "published_at": "2026-03-02T09:00:00+00:00",
}


def _ok(description: str, schema: dict[str, Any], example: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema, "example": example}},
    }


def _errors(*statuses: int) -> dict[str, Any]:
    words = {
        400: "Fel i frågan (t.ex. en delningslänk till en annan version).",
        401: "Ingen eller ogiltig API-nyckel.",
        404: "Finns inte.",
    }
    return {
        str(s): _ok(words[s], {"$ref": "#/components/schemas/Error"}, {"error": words[s]})
        for s in statuses
    }


def _path_id(name: str, description: str, example: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
        "example": example,
    }


_MIN_SESSIONS = {
    "name": "min_sessions",
    "in": "query",
    "required": False,
    "description": "Inga siffror från färre sessioner än så här; minst och som standard 5.",
    "schema": {"type": "integer", "minimum": 5, "default": 5},
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of ``/api/v1``."""
    version_param = _path_id("version_id", "Versionens id.", "parkeringstillstand-v2")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Medskapa öppna data",
            "version": "1",
            "description": (
                "Läs resultaten av invånartester för egen uppföljning. Bara läsning. "
                "Skydd för små tal: inga siffror från färre än 5 sessioner. "
                "Skapa en nyckel med `medskapa token create NAMN`."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": _ERROR, "Version": _VERSION},
        },
        "paths": {
            JOURNEYS: {
                "get": {
                    "summary": "Resorna",
                    "operationId": "listJourneys",
                    "responses": {
                        "200": _ok(
                            "Alla resor.",
                            {
                                "type": "object",
                                "properties": {"journeys": {"type": "array", "items": {}}},
                            },
                            {
                                "journeys": [
                                    {
                                        "id": "parkeringstillstand",
                                        "title": "Ansök om parkeringstillstånd",
                                        "organisation": "Exempelkommun",
                                        "steps": 17,
                                        "updated_at": "2026-03-02T09:00:00+00:00",
                                    }
                                ]
                            },
                        ),
                        **_errors(401),
                    },
                }
            },
            JOURNEY_VERSIONS: {
                "get": {
                    "summary": "En resas publicerade versioner, nyast först",
                    "operationId": "listVersions",
                    "parameters": [_path_id("journey_id", "Resans id.", "parkeringstillstand")],
                    "responses": {
                        "200": _ok(
                            "Versionerna.",
                            {
                                "type": "object",
                                "properties": {
                                    "journey_id": {"type": "string"},
                                    "versions": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Version"},
                                    },
                                },
                            },
                            {"journey_id": "parkeringstillstand", "versions": [_VERSION_EXAMPLE]},
                        ),
                        **_errors(401, 404),
                    },
                }
            },
            VERSION_METRICS: {
                "get": {
                    "summary": "Sammanfattning, mått per steg och tratt för en version",
                    "operationId": "versionMetrics",
                    "parameters": [
                        version_param,
                        {
                            "name": "share",
                            "in": "query",
                            "required": False,
                            "description": "Bara sessionerna från en delningslänk.",
                            "schema": {"type": "string"},
                        },
                        _MIN_SESSIONS,
                    ],
                    "responses": {
                        "200": _ok(
                            "Måtten; undertryckta siffror är null och gruppen har "
                            "suppressed: true.",
                            {"type": "object"},
                            {
                                "format": "medskapa-metrics",
                                "format_version": 1,
                                "version": _VERSION_EXAMPLE,
                                "selection": {
                                    "share_code": None,
                                    "age_band": None,
                                    "min_sessions": 5,
                                },
                                "summary": {"sessions": 24, "completed": 19, "suppressed": False},
                                "steps": [
                                    {
                                        "step_id": "start",
                                        "reached": 24,
                                        "drop_off_rate": 4.2,
                                        "suppressed": False,
                                    }
                                ],
                                "funnel": [{"position": 1, "step_id": "start", "sessions": 24}],
                                "deviations": {},
                            },
                        ),
                        **_errors(400, 401, 404),
                    },
                }
            },
            VERSION_COMMENTS: {
                "get": {
                    "summary": "Kommentarer på en version (maskerade, dolda utelämnade)",
                    "operationId": "versionComments",
                    "parameters": [version_param, _MIN_SESSIONS],
                    "responses": {
                        "200": _ok(
                            "Kommentarerna; tom lista och suppressed: true vid för få sessioner.",
                            {
                                "type": "object",
                                "properties": {
                                    "version_id": {"type": "string"},
                                    "min_sessions": {"type": "integer"},
                                    "suppressed": {"type": "boolean"},
                                    "comments": {"type": "array", "items": {}},
                                },
                            },
                            {
                                "version_id": "parkeringstillstand-v2",
                                "min_sessions": 5,
                                "suppressed": False,
                                "comments": [
                                    {
                                        "step_id": "start",
                                        "step_title": "Ansök om parkeringstillstånd",
                                        "text": "Ring mig på [telefonnummer]",
                                        "masked": True,
                                        "tag": "pain",
                                        "date": "2026-03-02",
                                    }
                                ],
                            },
                        ),
                        **_errors(401, 404),
                    },
                }
            },
            OPENAPI: {
                "get": {
                    "summary": "Den här beskrivningen",
                    "operationId": "openapi",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1 som JSON."}},
                }
            },
        },
    }
