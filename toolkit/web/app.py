"""Our own HTTP routes beside Reflex: citizen (/t/) and participant (/w/) pages, the health
check, sign-in for the designer app, and the designer's downloads.

:func:`create_api` builds a Starlette app; the Reflex app passes it as
``rx.App(api_transformer=create_api(settings))`` so it answers on the same port, matched
before Reflex's own routes.

The designer endpoints are plain (sync) functions run in Starlette's thread pool, with a
pooled SQLite connection per thread; the citizen and participant handlers run in the event
loop (ADR 0012, :mod:`toolkit.web.handlers`). Pages for people never show a stack
trace: 404, 405 and 500 have calm Swedish pages in the citizen layout; 500s are logged
with their traceback on the server.

Designer routes need the session cookie (:data:`toolkit.routes.SESSION_COOKIE`) of a
signed-in designer or facilitator. Without it, pages redirect to the sign-in page and
``/designer/api/*`` answers 401 with JSON.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any
from urllib.parse import urlencode

from sqlite_utils import Database
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

import prototypes
from journeys import Journey, OfflineStep, successors, to_json, to_yaml
from journeys import export as journey_export
from journeys import store as journey_store
from toolkit import accounts, drafts, flowdiagram, routes
from toolkit.accounts import User
from toolkit.db import ConnectionPool, DatabaseError, ensure_secret, get_organisation, open_db
from toolkit.settings import Organisation, Settings, local_zone
from toolkit.web import citizen, open_api, pages, participant, sheet, try_draft, workshop_qr
from toolkit.web.proxies import TrustedProxies, parse_networks
from toolkit.web.ratelimit import JoinGuard
from toolkit.web.results_download import results_routes
from toolkit.web.security import SecurityHeaders, nonce_of, security_headers

log = logging.getLogger("medskapa.web")

MAX_CODE_CHARS = 64
"""Longer path segments are not even looked up: no code or id is that long."""

NO_STORE = {"Cache-Control": "no-store"}
PRIVATE = {"Cache-Control": "private, no-store"}
STATIC_CACHE = "public, max-age=31536000, immutable"

ASK_FOR_NEW = "Be den som gav dig länken om en ny."

_EXPORTS: dict[str, tuple[str, str]] = {
    "yaml": ("application/yaml; charset=utf-8", "yaml"),
    "json": ("application/json; charset=utf-8", "json"),
    "mermaid": ("text/plain; charset=utf-8", "mmd"),
    "cjml": ("application/xml; charset=utf-8", "cjml.xml"),
}


@functools.cache
def medskapa_version() -> str:
    """The installed version of the medskapa distribution (read once: reading the package
    metadata cost more than the rest of a health check)."""
    try:
        return metadata.version("medskapa")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def last_day(expires_at: dt.datetime) -> dt.date:
    """The last Swedish calendar day a link works (it expires at ``expires_at``)."""
    return (expires_at.astimezone(local_zone()) - dt.timedelta(microseconds=1)).date()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _Context:
    settings: Settings
    clock: Callable[[], dt.datetime]
    secret: str

    pool: ConnectionPool = field(init=False)

    def __post_init__(self) -> None:
        self.pool = ConnectionPool(self.settings.db_path)

    @contextmanager
    def db(self) -> Iterator[Database]:
        """The calling thread's connection (migrations were applied at start): kept from
        request to request, since opening one costs about a millisecond of CPU
        (:class:`toolkit.db.ConnectionPool`, as the citizen pages do)."""
        with self.pool.connection() as database:
            yield database

    def organisation(self) -> Organisation:
        """The organisation's name and colour; the defaults when the database fails."""
        try:
            with self.db() as database:
                return get_organisation(database)
        except Exception:  # an error page must render even when the database is the error
            return Organisation()

    @property
    def https(self) -> bool:
        return self.settings.public_url.startswith("https://")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


FAVICON_SVG = (pages.STATIC / "favicon.svg").read_bytes()


class _Static:
    """Static files with long cache headers (URLs carry a content hash, see pages.static_url)."""

    def __init__(self) -> None:
        self.files = StaticFiles(directory=str(pages.STATIC))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_cached(message: Any) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200:
                message.setdefault("headers", [])
                message["headers"] = [
                    (k, v) for k, v in message["headers"] if k.lower() != b"cache-control"
                ] + [(b"cache-control", STATIC_CACHE.encode())]
            await send(message)

        await self.files(scope, receive, send_cached)


def create_api(settings: Settings, *, clock: Callable[[], dt.datetime] | None = None) -> Starlette:
    """The Starlette app with our routes. Opens the database once to apply migrations and
    make sure a server secret exists; raises :class:`toolkit.db.DatabaseError` when it
    cannot. ``clock`` (default: now in UTC) is for tests."""
    database = open_db(settings.db_path)
    try:
        secret = ensure_secret(database, configured=settings.secret)
    finally:
        database.conn.close()
    ctx = _Context(settings=settings, clock=clock or _utc_now, secret=secret)

    # --- rendering helpers ----------------------------------------------------------------

    def page(
        request: Request,
        template: str,
        *,
        status: int = 200,
        org: Organisation | None = None,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        html = pages.render(
            template, org=org or ctx.organisation(), nonce=nonce_of(request.scope), **context
        )
        return HTMLResponse(html, status_code=status, headers=headers or NO_STORE)

    def message_page(
        request: Request,
        status: int,
        heading: str,
        *paragraphs: str,
        action: str | None = None,
        org: Organisation | None = None,
    ) -> HTMLResponse:
        return page(
            request,
            "message.html",
            status=status,
            org=org,
            title=heading,
            heading=heading,
            paragraphs=list(paragraphs),
            action=action,
        )

    def not_found(request: Request, what: str | None = None) -> HTMLResponse:
        return message_page(
            request,
            404,
            "Sidan finns inte",
            what or "Det finns ingen sida på den här adressen.",
            "Kontrollera att adressen är rätt skriven, eller gå tillbaka till länken du fick.",
        )

    # --- citizens and participants --------------------------------------------------------

    def unknown_code(request: Request, code: str, org: Organisation | None = None) -> Response:
        return message_page(
            request,
            404,
            "Länken fungerar inte",
            f"Vi hittar inget test med koden {_short(code)}.",
            "Kontrollera att adressen är rätt skriven, eller skanna QR-koden igen.",
            action=ASK_FOR_NEW,
            org=org,
        )

    def citizen_other(request: Request) -> Response:
        return unknown_code(request, str(request.path_params.get("rest", "")))

    def health(request: Request) -> Response:
        try:
            with ctx.db() as db:
                db.execute("select 1").fetchone()
                db.execute("select count(*) from app_settings").fetchone()
            database_status = "ok"
        except Exception:
            log.exception("Health check: the database does not answer")
            database_status = "error"
        ok = database_status == "ok"
        return JSONResponse(
            {
                "status": "ok" if ok else "error",
                "version": medskapa_version(),
                "database": database_status,
            },
            status_code=200 if ok else 503,
            headers=NO_STORE,
        )

    # --- sign-in for the designer app -----------------------------------------------------

    def same_origin(request: Request) -> bool:
        """Refuse cross-site form posts. Browsers say where a request comes from in
        Sec-Fetch-Site; with our no-referrer policy Chromium sends ``Origin: null`` on form
        posts, so Origin is only the fallback for clients without Fetch Metadata."""
        site = request.headers.get("sec-fetch-site")
        if site is not None:
            return site in ("same-origin", "none")
        origin = request.headers.get("origin")
        if not origin or origin == "null":
            return origin is None
        allowed = {
            f"{request.url.scheme}://{request.headers.get('host', '')}",
            ctx.settings.public_url.rstrip("/"),
        }
        return origin.rstrip("/") in allowed

    sign_ins = JoinGuard(per_address=SIGN_IN_FAILURES, total=SIGN_IN_TOTAL, seconds=SIGN_IN_WINDOW)

    def sign_in(email: str, password: str, request: Request) -> tuple[User, str]:
        """Sign in, unless this address failed too often lately (then no argon2 work at all:
        the account lockout alone would let one address try a password on every account)."""
        address = request.client.host if request.client else "unknown"
        moment = ctx.clock().timestamp()
        if not sign_ins.check(address, moment).allowed:
            raise accounts.LoginError(TOO_MANY_SIGN_INS, locked=True)
        with ctx.db() as db:
            try:
                user = accounts.authenticate(db, email, password, now=ctx.clock())
            except accounts.LoginError:
                sign_ins.failed(address, moment)
                raise
            token = accounts.start_session(
                db, user, now=ctx.clock(), hours=ctx.settings.session_hours
            )
        return user, token

    def safe_next(raw: str | None) -> str:
        return raw if raw and routes.is_local_path(raw) and len(raw) < 2000 else "/"

    def login_page(
        request: Request,
        *,
        status: int = 200,
        email: str = "",
        next_path: str = "/",
        errors: list[tuple[str, str]] | None = None,
    ) -> HTMLResponse:
        found = errors or []
        fields = dict(found)
        if fields.get("email") == accounts.WRONG_CREDENTIALS:
            # One message for both mistakes; both fields are marked, the summary names it once
            fields["password"] = accounts.WRONG_CREDENTIALS
        return page(
            request,
            "login.html",
            status=status,
            title="Logga in",
            action=routes.LOGIN,
            next=next_path,
            email=email,
            errors=found,
            field_errors=fields,
        )

    def login_form(request: Request) -> Response:
        next_path = safe_next(request.query_params.get("next"))
        with ctx.db() as db:
            if current_user(request, db) is not None:
                return RedirectResponse(next_path, 303, headers=NO_STORE)
        problem = request.query_params.get("fel")
        errors = []
        if problem == "last":
            errors = [("email", accounts.LOCKED)]
        elif problem == "fel":
            errors = [("email", accounts.WRONG_CREDENTIALS)]
        return login_page(request, next_path=next_path, errors=errors)

    async def login_submit(request: Request) -> Response:
        if not same_origin(request):
            return message_page(
                request,
                403,
                "Inloggningen kom från en annan webbplats",
                "Av säkerhetsskäl går det bara att logga in från Medskapas egen sida.",
                action="Öppna inloggningssidan och försök igen.",
            )
        form = await request.form()
        email = str(form.get("email") or "").strip()
        password = str(form.get("password") or "")
        next_path = safe_next(str(form.get("next") or "/"))
        errors = []
        if not email:
            errors.append(("email", "Ange din e-postadress"))
        if not password:
            errors.append(("password", "Ange ditt lösenord"))
        if errors:
            return login_page(request, status=400, email=email, next_path=next_path, errors=errors)
        try:
            _, token = await run_in_threadpool(sign_in, email, password, request)
        except accounts.LoginError as exc:
            return login_page(
                request,
                status=429 if exc.message == TOO_MANY_SIGN_INS else 401,
                email=email,
                next_path=next_path,
                errors=[("email", exc.message)],
            )
        response = RedirectResponse(next_path, 303, headers=NO_STORE)
        set_session_cookie(response, token, ctx.settings)
        return response

    async def session_start(request: Request) -> Response:
        """JSON sign-in for scripts and the designer app: {email, password} in,
        {email, role} out with the HttpOnly cookie set, or 401 {error, locked}."""
        if not same_origin(request):
            return JSONResponse({"error": "Förfrågan kom från en annan webbplats."}, 403)
        try:
            body = await request.json()
        except ValueError:
            body = None
        data = body if isinstance(body, dict) else {}
        email, password = data.get("email"), data.get("password")
        if not isinstance(email, str) or not isinstance(password, str):
            return JSONResponse(
                {"error": "Skicka email och password som JSON."}, 400, headers=NO_STORE
            )
        try:
            user, token = await run_in_threadpool(sign_in, email, password, request)
        except accounts.LoginError as exc:
            status = 429 if exc.message == TOO_MANY_SIGN_INS else 401
            return JSONResponse(
                {"error": exc.message, "locked": exc.locked}, status, headers=NO_STORE
            )
        response = JSONResponse({"email": user.email, "role": user.role}, headers=NO_STORE)
        set_session_cookie(response, token, ctx.settings)
        return response

    def session_end(request: Request) -> Response:
        if not same_origin(request):
            return JSONResponse({"error": "Förfrågan kom från en annan webbplats."}, 403)
        with ctx.db() as db:
            accounts.end_session(db, request.cookies.get(routes.SESSION_COOKIE), now=ctx.clock())
        if "application/json" in request.headers.get("accept", ""):
            response: Response = JSONResponse({"ok": True}, headers=NO_STORE)
        else:
            response = RedirectResponse(routes.LOGIN, 303, headers=NO_STORE)
        response.delete_cookie(routes.SESSION_COOKIE, path="/", samesite="lax")
        return response

    # --- designer routes ------------------------------------------------------------------

    def designer(kind: str) -> Callable[[Callable[..., Response]], Callable[[Request], Response]]:
        """Wrap an endpoint ``fn(request, db, user)`` so it runs only for a signed-in user."""

        def wrap(fn: Callable[..., Response]) -> Callable[[Request], Response]:
            @functools.wraps(fn)
            def endpoint(request: Request) -> Response:
                with ctx.db() as db:
                    user = current_user(request, db)
                    if user is None:
                        if kind == "api":
                            return JSONResponse(
                                {"error": "Logga in för att fortsätta.", "login": routes.LOGIN},
                                401,
                                headers={**NO_STORE, "WWW-Authenticate": "Cookie"},
                            )
                        wanted = request.url.path + (
                            f"?{request.url.query}" if request.url.query else ""
                        )
                        return RedirectResponse(routes.login_path(wanted), 303, headers=NO_STORE)
                    return fn(request, db, user)

            return endpoint

        return wrap

    def current_user(request: Request, db: Database) -> User | None:
        return accounts.user_for_session(
            db, request.cookies.get(routes.SESSION_COOKIE), now=ctx.clock()
        )

    @designer("api")
    def whoami(request: Request, db: Database, user: User) -> Response:
        return JSONResponse({"email": user.email, "role": user.role}, headers=PRIVATE)

    def link_for_download(db: Database, request: Request) -> prototypes.ShareLink | Response:
        code = str(request.path_params["code"])
        if len(code) > MAX_CODE_CHARS:
            return not_found(request, "Det finns ingen delningslänk med den koden.")
        resolution = prototypes.resolve_share_link(db, code, now=ctx.clock())
        if resolution.link is None:
            return not_found(request, f"Det finns ingen delningslänk med koden {_short(code)}.")
        if resolution.status != "ok":
            word = "återkallad" if resolution.status == "revoked" else "har gått ut"
            verb = "är " if resolution.status == "revoked" else ""
            return message_page(
                request,
                410,
                "Länken går inte att använda",
                f"Delningslänken {resolution.link.code} {verb}{word}, så en QR-kod till den "
                "skulle inte fungera.",
                action="Skapa en ny länk med: medskapa share VERSION",
            )
        return resolution.link

    def attachment(name: str) -> dict[str, str]:
        return {**PRIVATE, "Content-Disposition": f'attachment; filename="{name}"'}

    @designer("page")
    def qr_png(request: Request, db: Database, user: User) -> Response:
        link = link_for_download(db, request)
        if isinstance(link, Response):
            return link
        url = routes.citizen_url(ctx.settings.public_url, link.code)
        return Response(
            prototypes.qr_png(url),
            media_type="image/png",
            headers=attachment(f"qr-{link.version_id}-{link.code}.png"),
        )

    @designer("page")
    def qr_svg(request: Request, db: Database, user: User) -> Response:
        link = link_for_download(db, request)
        if isinstance(link, Response):
            return link
        url = routes.citizen_url(ctx.settings.public_url, link.code)
        return Response(
            prototypes.qr_svg(url),
            media_type="image/svg+xml",
            headers=attachment(f"qr-{link.version_id}-{link.code}.svg"),
        )

    @designer("page")
    def qr_sheet(request: Request, db: Database, user: User) -> Response:
        try:
            built = sheet.build_sheet(
                db,
                str(request.path_params["version_id"]),
                public_url=ctx.settings.public_url,
                now=ctx.clock(),
                code=request.query_params.get("code"),
                repeat=_int(request.query_params.get("count")) or sheet.DEFAULT_REPEAT,
            )
        except sheet.SheetError as exc:
            return message_page(request, exc.status, exc.heading, exc.message)
        html = sheet.render_sheet(db, built, nonce=nonce_of(request.scope))
        return HTMLResponse(html, headers=PRIVATE)

    @designer("page")
    def export(request: Request, db: Database, user: User) -> Response:
        journey_id = str(request.path_params["journey_id"])
        fmt = str(request.path_params["fmt"])
        if fmt not in _EXPORTS:
            return not_found(request, "Exporten finns som yaml, json, mermaid och cjml.")
        revision = _int(request.query_params.get("revision"))
        journey = (
            journey_store.get_journey(db, journey_id, revision=revision)
            if len(journey_id) <= MAX_CODE_CHARS
            else None
        )
        if journey is None:
            return not_found(request, f"Det finns ingen resa {_short(journey_id)}.")
        if fmt == "yaml":
            text = journey_store.get_source(db, journey_id, revision=revision) or ""
            if not text or text.lstrip().startswith("{"):
                text = to_yaml(journey)
        elif fmt == "json":
            text = to_json(journey)
        elif fmt == "mermaid":
            text = journey_export.to_mermaid(journey)
        else:
            text = journey_export.to_cjml(journey)
        media_type, suffix = _EXPORTS[fmt]
        return Response(
            text if text.endswith("\n") else text + "\n",
            media_type=media_type,
            headers=attachment(f"{journey.id}.{suffix}"),
        )

    @designer("page")
    def flow_svg(request: Request, db: Database, user: User) -> Response:
        """The branch diagram: the latest draft, ``?version=`` a published version or
        ``?draft=`` the journey editor's unsaved draft;
        ``?step=`` marks a step, ``?lang=en`` draws the legend and description in English."""
        journey_id = str(request.path_params["journey_id"])
        version_id = request.query_params.get("version")
        draft_token = request.query_params.get("draft")
        journey: Journey | None = None
        if len(journey_id) > MAX_CODE_CHARS:
            journey = None
        elif draft_token:  # the journey editor's unsaved draft (ADR 0009)
            journey = drafts.get_draft(db, draft_token, owner=user.email, journey_id=journey_id)
        elif version_id:
            version = prototypes.get_version(db, version_id[:MAX_CODE_CHARS])
            if version is None or version.journey_id != journey_id:
                return not_found(
                    request, f"Resan {_short(journey_id)} har ingen version {_short(version_id)}."
                )
            journey = version.journey()
        else:
            journey = journey_store.get_journey(db, journey_id)
        if journey is None:
            return not_found(request, f"Det finns ingen resa {_short(journey_id)}.")
        lang = "en" if request.query_params.get("lang") == "en" else "sv"
        svg = flowdiagram.flow_svg(journey, lang=lang, highlight=request.query_params.get("step"))
        return Response(
            svg,
            media_type="image/svg+xml",
            headers={
                **PRIVATE,
                "Content-Disposition": f'inline; filename="{journey.id}-flode.svg"',
            },
        )

    @designer("page")
    def preview(request: Request, db: Database, user: User) -> Response:
        journey_id = str(request.path_params["journey_id"])
        step_id = str(request.path_params["step_id"])
        version_id = request.query_params.get("version")
        draft_token = request.query_params.get("draft")
        english = request.query_params.get("lang") == "en"  # the designer's language
        journey: Journey | None = None
        source_label = ""
        if len(journey_id) > MAX_CODE_CHARS:
            journey = None
        elif draft_token:  # the journey editor's unsaved draft (ADR 0009)
            journey = drafts.get_draft(db, draft_token, owner=user.email, journey_id=journey_id)
            source_label = "your unsaved draft" if english else "ditt osparade utkast"
        elif version_id:
            version = prototypes.get_version(db, version_id[:MAX_CODE_CHARS])
            journey = version.journey() if version and version.journey_id == journey_id else None
            source_label = f"version {version.number}" if version else ""
        else:
            journey = journey_store.get_journey(db, journey_id)
            source_label = "latest saved draft" if english else "senaste utkastet"
        if journey is None:
            return not_found(request, f"Det finns ingen resa {_short(journey_id)}.")
        step = journey.step(step_id)
        if step is None:
            return not_found(
                request, f"Det finns inget steg {_short(step_id)} i resan {journey.id}."
            )
        org = get_organisation(db)
        index = journey.steps.index(step)
        kept = {"version": version_id, "draft": draft_token, "lang": "en" if english else None}
        kept_query = urlencode({k: v for k, v in kept.items() if v})
        query = f"?{kept_query}" if kept_query else ""

        def nav(target: str) -> dict[str, str] | None:
            found = journey.step(target)
            if found is None:
                return None
            return {
                "href": routes.preview_path(journey.id, found.id) + query,
                "title": found.title,
            }

        previous = nav(journey.steps[index - 1].id) if index > 0 else None
        offline_rows: list[tuple[str, str]] = []
        if isinstance(step, OfflineStep):
            offline_rows.append(("Hur", _CHANNELS.get(str(step.channel), str(step.channel))))
            if step.duration:
                offline_rows.append(("Hur lång tid", step.duration))
        return page(
            request,
            "preview.html",
            org=org,
            org_name=org.name or journey.organisation,
            title=step.title,
            step=step,
            body_html=pages.markdown(step.body),
            journey_title=journey.title,
            source_label=source_label,
            position=index + 1,
            step_count=len(journey.steps),
            previous=previous,
            successors=[n for n in (nav(t) for t in successors(step)) if n is not None],
            self_href=routes.preview_path(journey.id, step.id),
            offline_rows=offline_rows,
            question_heading=citizen.question_is_heading(step),
            english=english,
            headers=PRIVATE,
        )

    # --- errors ---------------------------------------------------------------------------

    def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 405:
            return message_page(
                request,
                405,
                "Det går inte att göra så här",
                "Sidan finns, men den kan inte användas på det sättet.",
                "Gå tillbaka och försök igen med knapparna på sidan.",
            )
        if status == 404:
            return not_found(request)
        return message_page(
            request,
            status,
            "Något gick inte som det skulle",
            "Gå tillbaka och försök igen.",
        )

    def server_error(request: Request, exc: Exception) -> Response:
        log.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        try:
            response = message_page(
                request,
                500,
                "Något gick fel hos oss",
                "Det är inte ditt fel. Vänta en stund och försök sedan igen.",
                "Om det fortsätter, säg till den som gav dig länken.",
            )
        except Exception:  # the page itself failed: fall back to plain text
            log.exception("The error page could not be rendered")
            response = Response(
                "Något gick fel hos oss. Försök igen om en stund.",
                status_code=500,
                media_type="text/plain; charset=utf-8",
            )
        for name, value in security_headers(nonce_of(request.scope), https=ctx.https).items():
            response.headers.setdefault(name, value)
        return response

    def database_unavailable(request: Request, exc: Exception) -> Response:
        """503 "try again" when the database is locked or full: the transaction was rolled
        back, so nothing half-written stays, and the page (or outbox.js, which retries any
        5xx) can send the same form again."""
        if not _is_unavailable(exc):
            return server_error(request, exc)
        log.error("Database unavailable on %s %s: %s", request.method, request.url.path, exc)
        headers = {**NO_STORE, "Retry-After": str(RETRY_AFTER_SECONDS)}
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"ok": False, "error": UNAVAILABLE}, 503, headers=headers)
        response = message_page(
            request,
            503,
            UNAVAILABLE,
            "Det du skickade är inte sparat än. Vänta en liten stund och skicka igen – "
            "gå tillbaka en sida så finns dina svar kvar.",
            action="Försök igen om en minut. Om det fortsätter, säg till den som gav dig länken.",
        )
        response.headers.update(headers)
        return response

    def favicon(request: Request) -> Response:
        """The small SVG icon browsers ask for on every page (no more 404 in the log)."""
        return Response(
            FAVICON_SVG,
            media_type="image/svg+xml",
            headers={"cache-control": "public, max-age=86400"},
        )

    static_app = _Static()
    route_list: list[BaseRoute] = [
        Route(routes.HEALTH, health, methods=["GET"]),
        Route(routes.FAVICON, favicon, methods=["GET"]),
        *citizen.citizen_routes(ctx),
        Route("/t/{rest:path}", citizen_other, methods=["GET"]),
        *participant.participant_routes(ctx),
        Route(routes.LOGIN, login_form, methods=["GET"]),
        Route(routes.LOGIN, login_submit, methods=["POST"]),
        Route(routes.LOGOUT, session_end, methods=["POST"]),
        Route(routes.SESSION_API, session_start, methods=["POST"]),
        Route(routes.SESSION_END_API, session_end, methods=["POST"]),
        Route(routes.WHOAMI, whoami, methods=["GET"]),
        Route(routes.QR_PNG, qr_png, methods=["GET"]),
        Route(routes.QR_SVG, qr_svg, methods=["GET"]),
        Route(routes.QR_SHEET, qr_sheet, methods=["GET"]),
        Route(routes.EXPORT, export, methods=["GET"]),
        Route(routes.FLOW_SVG, flow_svg, methods=["GET"]),
        Route(routes.PREVIEW, preview, methods=["GET"]),
        *try_draft.try_routes(ctx),
        *workshop_qr.workshop_routes(
            public_url=ctx.settings.public_url, designer=designer, clock=ctx.clock
        ),
        *results_routes(designer=designer, clock=ctx.clock),
        *open_api.open_api_routes(database=ctx.db, clock=ctx.clock),
        Mount(routes.STATIC, app=static_app, name="static"),
    ]
    own: set[object] = {r.endpoint for r in route_list if isinstance(r, Route)} | {static_app}

    api = Starlette(
        debug=False,
        routes=route_list,
        middleware=[
            Middleware(TrustedProxies, networks=parse_networks(settings.trusted_proxies)),
            Middleware(SecurityHeaders, own_endpoints=lambda: own, https=ctx.https),
        ],
        exception_handlers={
            HTTPException: http_error,
            sqlite3.OperationalError: database_unavailable,
            DatabaseError: database_unavailable,
            500: server_error,
        },
    )
    api.state.medskapa_settings = settings
    api.state.medskapa_secret = secret  # for signed tokens on citizen forms (issue 5)
    return api


_CHANNELS = {
    "web": "På webben",
    "app": "I appen",
    "phone": "Per telefon",
    "sms": "Med sms",
    "letter": "Med brev",
    "visit": "Vid ett besök",
    "e-mail": "Med e-post",
}


SIGN_IN_FAILURES = 20
"""Failed sign-ins one address may make in :data:`SIGN_IN_WINDOW` seconds (any accounts)."""
SIGN_IN_TOTAL = 1000
SIGN_IN_WINDOW = 15 * 60.0
TOO_MANY_SIGN_INS = (
    "För många misslyckade inloggningar från den här datorn. Vänta 15 minuter och försök igen."
)

UNAVAILABLE = "Försök igen om en stund"
RETRY_AFTER_SECONDS = 5
_UNAVAILABLE_WORDS = ("locked", "busy", "full", "disk i/o", "unable to open", "readonly")


PAGE_PREFIXES = ("/t/", "/w/", routes.STATIC + "/")
"""Paths that only our app answers: citizen and participant pages and their files."""


class PagesFirst:
    """ASGI in front of the whole app: requests for the citizen and participant pages
    (:data:`PAGE_PREFIXES`, and ``/w``) go straight to our Starlette app; everything else,
    and the lifespan, to Reflex's (which mounts ours in turn, ADR 0001).

    Reflex's outer app adds its own error, CORS and context middleware and a second routing
    pass to every request; our pages need none of them (they have our middleware), and on a
    phone's busiest requests that was 4–5 % of the server's CPU (ADR 0012)."""

    def __init__(self, pages: ASGIApp, rest: ASGIApp) -> None:
        self.pages = pages
        self.rest = rest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if path.startswith(PAGE_PREFIXES) or path == routes.WORKSHOP_ENTRY:
                await self.pages(scope, receive, send)
                return
        await self.rest(scope, receive, send)


def _is_unavailable(exc: Exception) -> bool:
    """A database that is there but cannot take the write now (locked by another process,
    disk full, read-only, gone): a 503, not a bug."""
    if isinstance(exc, DatabaseError):
        return True
    return any(word in str(exc).lower() for word in _UNAVAILABLE_WORDS)


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """Put a session token in the cookie the designer routes read.

    ``HttpOnly`` (scripts cannot read it), ``SameSite=Lax`` (not sent on cross-site
    requests other than top-level navigation), ``Path=/``, ``Secure`` when the public
    address is https, and ``Max-Age`` the session length.
    """
    response.set_cookie(
        routes.SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.public_url.startswith("https://"),
    )


__all__ = ["DatabaseError", "create_api", "medskapa_version", "set_session_cookie"]
