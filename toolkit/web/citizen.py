"""What a citizen meets after scanning a QR code: the prototype, one server-rendered page at
a time, with consent first and feedback on every step.

Pages (all under ``/t/<code>``, see :mod:`toolkit.routes`)::

    GET  /t/<code>               welcome, what is stored, age band and consent
    POST /t/<code>/start         consent → a test session → 303 to the first step
    GET  /t/<code>/s/<step>      one step (?back=1 back link, ?andra=<field> from check-answers)
    POST /t/<code>/s/<step>      read the answers → 303 to the next step (or the errors, 422)
    GET  /t/<code>/task          the task, from every page
    POST /t/<code>/feedback      rating/comment on a step → 303 back (or JSON for outbox.js)
    GET|POST /t/<code>/seq       single ease question after the task
    GET|POST /t/<code>/sus       optional SUS at the end
    GET  /t/<code>/klart         thanks and the withdrawal code
    POST /t/<code>/withdraw      erase the session now
    GET|POST /t/withdraw         erase a session later with its code

The answers live on the phone in a signed cookie (:mod:`toolkit.web.testcookie`), never in
our database: every post reads the cookie, checks the answers with
:func:`prototypes.read_form` and writes the new cookie on the redirect, so the next page
always shows the answer just given. What we store goes through :mod:`feedback`: the
session (at consent), events, ratings, comments, SEQ and SUS.

Events per form post on a step: one ``submitted`` for the step (``field_id`` None, detail
``{"ok": bool, "errors": n}``), then one per field: ``submitted`` (detail ``status`` and,
for choice fields, ``option``) or ``validation_error`` (detail ``status`` and the journey's
``message``). Never what was typed.

Every form carries the per-test CSRF token from the cookie; a missing or wrong token is a
400 page, a body over 64 KB a 413 page, anything unreadable a 400 page. Never a 500.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import math
import secrets
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from sqlite_utils import Database
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

import feedback
import prototypes
from journeys import DecisionStep, FieldType, FormField, Journey, OfflineStep, ScreenStep
from toolkit import routes
from toolkit.db import ConnectionPool, get_organisation, remembered
from toolkit.settings import Organisation, Settings, local_zone
from toolkit.web import handlers, pages
from toolkit.web import testcookie as tc
from toolkit.web.citizen_text import (
    AGE_BANDS,
    CHANNELS,
    RATING_LABELS,
    RETENTION_MONTHS,
    SUS_SCALE,
    Lang,
    pick,
    translator,
)
from toolkit.web.forms import MAX_BODY_BYTES, Stop, TooLarge
from toolkit.web.ratelimit import JoinGuard, share_code_guard, withdrawal_guard
from toolkit.web.security import nonce_of

log = logging.getLogger("medskapa.citizen")

MAX_CODE_CHARS = 64
MAX_STEP_CHARS = 80
COOKIE_MAX_AGE = 2 * 24 * 3600
LANG_COOKIE = "ms_lang"
WITHDRAW_COOKIE = "ms_w"
NO_STORE = {"Cache-Control": "no-store"}
CHOICE_FIELDS = {FieldType.radios, FieldType.checkboxes, FieldType.yesno}
SEQ_POINTS = 7


class Site(Protocol):
    """What the citizen pages need from the app: settings, the secret, a clock, a database."""

    settings: Settings
    secret: str
    clock: Callable[[], dt.datetime]

    def db(self) -> AbstractContextManager[Database]: ...


@dataclass
class Test:
    """One request's view of a test: the share link, its journey, the tester's state."""

    request: Request
    code: str
    link: prototypes.ShareLink
    version: prototypes.Version
    journey: Journey
    org: Organisation
    lang: Lang
    lang_chosen: bool
    state: tc.TestState | None
    now: dt.datetime

    @property
    def org_name(self) -> str:
        return self.org.name or self.journey.organisation

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(local_zone()).date()

    def _(self, key: str, **values: object) -> str:
        return translator(self.lang)(key, **values)


def _first(form: Mapping[str, list[str]], key: str) -> str:
    values = form.get(key) or [""]
    return values[0]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return False
    return len(text) <= 40


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def choose_lang(request: Request) -> tuple[Lang, bool]:
    """The page language: ``?lang=`` (remembered in a cookie), the cookie, or Swedish."""
    asked = request.query_params.get("lang")
    if asked in ("sv", "en"):
        return ("en" if asked == "en" else "sv"), True
    return ("en" if request.cookies.get(LANG_COOKIE) == "en" else "sv"), False


def content_languages(journey: Journey) -> frozenset[Lang]:
    """The languages the journey's own content (titles, questions, messages) is written in.

    A journey file has one ``language`` and no translated texts, so this is that language
    alone; the test's own words (consent, feedback, SUS) exist in both.
    """
    return frozenset({journey.language})


def _same_words(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.split()).casefold().rstrip("?.:!")

    return norm(a) == norm(b)


def question_is_heading(step: Any) -> bool:
    """True when a screen asks one question that says what its title says ("Ska du själv köra
    bilen?" twice): the question's legend or label is then the page heading (GOV.UK)."""
    return (
        isinstance(step, ScreenStep)
        and str(step.pattern or "") not in ("confirmation", "check-answers", "e-id")
        and len(step.fields) == 1
        and _same_words(step.fields[0].label, step.title)
    )


def anchor(f: FormField) -> str:
    """The element an error-summary link points at: the first option of a choice field."""
    return f"{f.id}-1" if f.type in CHOICE_FIELDS else f.id


def resolve_link(db: Database, code: str, *, now: dt.datetime) -> prototypes.Resolution:
    """:func:`prototypes.resolve_share_link`, with the link and its version kept on the
    citizen pages' connection (which never writes either) until another connection
    commits: a revoked or new link counts from the next request."""

    def lookup() -> tuple[prototypes.ShareLink, prototypes.Version | None] | None:
        link = prototypes.get_share_link(db, code)
        if link is None:
            return None
        return link, prototypes.get_version(db, link.version_id)

    found = remembered(db, ("share-link", code), lookup)
    if found is None:
        return prototypes.Resolution(status="unknown")
    link, version = found
    return prototypes.Resolution(status=link.status(now), link=link, version=version)


_page = handlers.page(lambda pages_: pages_.db())
"""A GET endpoint ``fn(self, request, db)`` (see :mod:`toolkit.web.handlers`)."""

_form = handlers.form(lambda pages_: pages_.db())
"""A POST endpoint ``fn(self, request, db, form)`` (see :mod:`toolkit.web.handlers`)."""


class CitizenPages:
    """The handlers of the citizen test pages for one app (see the module docstring)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        # each server thread keeps its connection: opening one per request cost ~1 ms CPU
        self.pool = ConnectionPool(site.settings.db_path)
        self.db = self.pool.connection
        self.secret = site.secret
        self.https = site.settings.public_url.startswith("https://")
        self.codes = share_code_guard()
        self.withdrawals = withdrawal_guard()

    def guarded(self, guard: JoinGuard, request: Request, lang: Lang, org: Organisation) -> str:
        """The client's address, or :class:`Stop` with a 429 page while its window of
        failed code lookups (or everyone's) is full."""
        address = request.client.host if request.client else "unknown"
        verdict = guard.check(address, self.site.clock().timestamp())
        if not verdict.allowed:
            log.warning("Code lookups refused for %s (%s window full)", address, verdict.reason)
            _ = translator(lang)
            response = self.message(
                request, 429, _("limited.heading"), _("limited.body"), action=_("limited.action"),
                lang=lang, org=org,
            )  # fmt: skip
            response.headers["Retry-After"] = str(max(1, verdict.retry_after))
            raise Stop(response)
        return address

    # --- responses ------------------------------------------------------------------------

    def step_path(self, code: str, step_id: str, **query: str) -> str:
        """Where a step of this test is: the links and forms of :meth:`step_page` use it, so
        the designer's draft runner (:mod:`toolkit.web.try_draft`) can serve the same page
        under its own address."""
        return routes.citizen_step_path(code, step_id, **query)

    def set_state(self, response: Response, test: Test, state: tc.TestState) -> None:
        # the header as Starlette's set_cookie writes it, without http.cookies: the value
        # is base64url and a dot, and the code letters and digits, so nothing needs quoting
        secure = "; Secure" if self.https else ""
        header = (
            f"{tc.COOKIE}={tc.encode(state, self.secret)}; HttpOnly; Max-Age={COOKIE_MAX_AGE}; "
            f"Path={routes.citizen_path(test.code)}; SameSite=lax{secure}"
        )
        response.raw_headers.append((b"set-cookie", header.encode("latin-1")))

    def set_lang(self, response: Response, lang: Lang) -> None:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            path="/t",
            httponly=True,
            samesite="lax",
            secure=self.https,
        )

    def redirect(self, test: Test, target: str, state: tc.TestState | None = None) -> Response:
        response = RedirectResponse(target, 303, headers=NO_STORE)
        if state is not None:
            self.set_state(response, test, state)
        return response

    def render(
        self,
        request: Request,
        template: str,
        *,
        lang: Lang,
        org: Organisation,
        org_name: str,
        test: Test | None = None,
        state: tc.TestState | None = None,
        status: int = 200,
        here: str | None = None,
        show_nav: bool = True,
        feedback_anchor: bool = False,
        lang_chosen: bool = False,
        journey_content: bool = False,
        nonce: str | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """A page. ``journey_content``: the page is mostly the journey's own words (a step),
        so the language switch is offered only towards a language that content has.
        ``nonce``: the CSP nonce to write (the request's own by default)."""
        _ = translator(lang)
        other: Lang = "sv" if lang == "en" else "en"
        written = content_languages(test.journey) if test else frozenset[Lang]()
        path = here
        if path is None and request.method in ("GET", "HEAD"):
            path = request.url.path
        elif path is None and test is not None:  # a page answering a post: link a GET page
            path = routes.citizen_path(test.code)
        consented = bool(state and state.consented)
        switch = bool(path and len(path) <= 200) and (not journey_content or other in written)
        urls = {
            "lang": f"{path}?{urlencode({'lang': other})}" if switch else None,
            "task": routes.citizen_task_path(test.code) if test else None,
            "feedback_anchor": "#ms-feedback" if feedback_anchor else None,
            "done": routes.citizen_done_path(test.code)
            if test and consented and not (state and state.ended)
            else None,
        }
        html = pages.render(
            template,
            org=org,
            nonce=nonce if nonce is not None else nonce_of(request.scope),
            org_name=org_name,
            lang=lang,
            _=_,
            skip_text=_("skip"),
            banner_label=_("banner.label"),
            show_nav=show_nav and test is not None,
            has_task=bool(test and test.link.task),
            urls=urls,
            journey_lang=test.journey.language if test else "sv",
            content_note=_("content.only", language=_(f"language.{test.journey.language}"))
            if test and lang not in written
            else None,
            **context,
        )
        response = HTMLResponse(html, status_code=status, headers=NO_STORE)
        if test is not None and state is not None:
            self.set_state(response, test, state)
        if lang_chosen:
            self.set_lang(response, lang)
        return response

    def test_page(
        self, test: Test, template: str, *, state: tc.TestState | None = None, **context: Any
    ) -> HTMLResponse:
        return self.render(
            test.request,
            template,
            lang=test.lang,
            org=test.org,
            org_name=test.org_name,
            test=test,
            state=state,
            lang_chosen=test.lang_chosen,
            **context,
        )

    def message(
        self,
        request: Request,
        status: int,
        heading: str,
        *paragraphs: str,
        action: str | None = None,
        lang: Lang = "sv",
        org: Organisation | None = None,
        org_name: str | None = None,
        test: Test | None = None,
        link: dict[str, str] | None = None,
    ) -> HTMLResponse:
        organisation = org or Organisation()
        return self.render(
            request,
            "citizen/message.html",
            lang=lang,
            org=organisation,
            org_name=org_name or organisation.name or "Medskapa",
            test=test,
            status=status,
            show_nav=False,
            title=heading,
            heading=heading,
            paragraphs=list(paragraphs),
            action=action,
            link=link,
        )

    def test_message(
        self, test: Test, status: int, key: str, *body: str, action: str | None = None
    ):
        return self.message(
            test.request,
            status,
            test._(key),
            *body,
            action=action,
            lang=test.lang,
            org=test.org,
            org_name=test.org_name,
            test=test,
        )

    def refuse_csrf(self, test: Test) -> Response:
        if wants_json(test.request):
            return JSONResponse({"ok": False, "error": test._("csrf.heading")}, 400)
        return self.message(
            test.request,
            400,
            test._("csrf.heading"),
            test._("csrf.body"),
            action=test._("csrf.action"),
            lang=test.lang,
            org=test.org,
            org_name=test.org_name,
            test=test,
            link={"href": routes.citizen_path(test.code), "text": test.journey.title},
        )

    def org_of(self, request: Request) -> tuple[Organisation, Lang]:
        lang, _chosen = choose_lang(request)
        try:
            with self.db() as db:
                return get_organisation(db), lang
        except Exception:  # an error page must render even when the database is the error
            return Organisation(), lang

    def body_problem(self, request: Request, problem: Exception) -> Response:
        org, lang = self.org_of(request)
        _ = translator(lang)
        too_large = isinstance(problem, TooLarge)
        if wants_json(request):
            status = 413 if too_large else 400
            key = "large.heading" if too_large else "bad.heading"
            return JSONResponse({"ok": False, "error": _(key)}, status)
        if too_large:
            return self.message(
                request, 413, _("large.heading"), _("large.body"), lang=lang, org=org
            )
        return self.message(request, 400, _("bad.heading"), _("bad.body"), lang=lang, org=org)

    # --- opening a test -------------------------------------------------------------------

    def open_test(self, request: Request, db: Database) -> Test:
        """The share link, version, journey and cookie state, or :class:`Stop` with the
        friendly 404/410 page."""
        raw = str(request.path_params.get("code", ""))
        lang, chosen = choose_lang(request)
        _ = translator(lang)
        org = get_organisation(db)
        now = self.site.clock()

        def unknown() -> Stop:
            shown = raw if len(raw) <= 40 else raw[:39] + "…"
            return Stop(
                self.message(
                    request,
                    404,
                    _("unknown.heading"),
                    _("unknown.body", code=shown),
                    _("unknown.check"),
                    action=_("ask"),
                    lang=lang,
                    org=org,
                )
            )

        try:
            address = self.guarded(self.codes, request, lang, org)
        except Stop:  # testers already inside this test (a signed cookie for it) go on
            if tc.decode(request.cookies.get(tc.COOKIE), self.secret, code=raw) is None:
                raise
            address = ""
        if len(raw) > MAX_CODE_CHARS:
            self.codes.failed(address, now.timestamp())
            raise unknown()
        resolution = resolve_link(db, raw, now=now)
        link, version = resolution.link, resolution.version
        if resolution.status == "unknown" or link is None or version is None:
            self.codes.failed(address, now.timestamp())
            raise unknown()
        journey = prototypes.published_journey(version)  # parsed once per process
        name = org.name or journey.organisation
        if resolution.status == "revoked":
            raise Stop(
                self.message(
                    request,
                    410,
                    _("revoked.heading"),
                    _("revoked.body"),
                    action=_("ask"),
                    lang=lang,
                    org=org,
                    org_name=name,
                )
            )
        if resolution.status == "expired":
            when = ""
            if link.expires_at:
                closing = link.expires_at.astimezone(local_zone())
                last = (closing - dt.timedelta(microseconds=1)).date()
                when = (
                    f" den {pages.swedish_date(last)}"
                    if lang == "sv"
                    else f" {last.day} {last.strftime('%B')} {last.year}"
                )
            raise Stop(
                self.message(
                    request,
                    410,
                    _("expired.heading"),
                    _("expired.body", when=when),
                    action=_("ask"),
                    lang=lang,
                    org=org,
                    org_name=name,
                )
            )
        state = tc.decode(request.cookies.get(tc.COOKIE), self.secret, code=link.code)
        return Test(
            request=request,
            code=link.code,
            link=link,
            version=version,
            journey=journey,
            org=org,
            lang=lang,
            lang_chosen=chosen,
            state=state,
            now=now,
        )

    def alive(self, test: Test, db: Database) -> bool:
        state = test.state
        return bool(state and state.session_id and feedback.session_exists(db, state.session_id))

    def require_consent(self, test: Test, db: Database) -> tc.TestState:
        """The state of a test with a live session, or :class:`Stop` with a redirect to the
        welcome page (no consent yet, or the session was withdrawn)."""
        state = self.consented(test)
        if not feedback.session_exists(db, str(state.session_id)):
            raise self.to_welcome(test)
        return state

    def consented(self, test: Test) -> tc.TestState:
        """The state of a test whose phone holds a session, or :class:`Stop` with a redirect
        to the welcome page. Whether the session still exists (not withdrawn) is checked
        where the page stores its events (:meth:`record`): one query less on every page a
        tester walks through."""
        state = test.state
        if state is None or not state.session_id:
            raise self.to_welcome(test)
        return state

    def record(self, test: Test, db: Database, events: list[feedback.Event]) -> None:
        """Store the events of a page of a test (:meth:`consented`); a session that is no
        longer there (withdrawn) gives the same redirect as :meth:`require_consent`."""
        if not events:
            self.require_consent(test, db)
            return
        try:
            feedback.record_events(db, events)
        except feedback.FeedbackError:  # the session is gone: nothing was stored
            raise self.to_welcome(test) from None

    def record_last(self, test: Test, db: Database, events: list[feedback.Event]) -> None:
        """:meth:`record` for the page's last write: in the event loop it is left for the
        writer thread (:func:`handlers.later`, ADR 0015), and the answer waits for it."""
        if not events:
            self.require_consent(test, db)
            return

        def instead(error: Exception) -> Response | None:
            if isinstance(error, feedback.FeedbackError):  # the session is gone
                return self.to_welcome(test).response
            return None

        prepared = feedback.prepare_events(events)
        handlers.later(self.pool, feedback.record_prepared, prepared, instead)

    def to_welcome(self, test: Test) -> Stop:
        """A :class:`Stop` that sends the phone to the test's welcome page."""
        return Stop(self.redirect(test, routes.citizen_path(test.code)))

    def check_csrf(self, test: Test, form: Mapping[str, list[str]]) -> tc.TestState:
        state = test.state
        token = _first(form, "csrf")
        if state is None or not token or not hmac.compare_digest(token, state.csrf):
            raise Stop(self.refuse_csrf(test))
        return state

    def find_step(self, test: Test, step_id: str) -> Any:
        step = test.journey.step(step_id) if len(step_id) <= MAX_STEP_CHARS else None
        if step is None:
            raise Stop(
                self.test_message(
                    test,
                    404,
                    "missing.heading",
                    test._("missing.step"),
                    action=test._("missing.action"),
                )
            )
        return step

    def event(
        self,
        test: Test,
        state: tc.TestState,
        kind: str,
        step_id: str | None = None,
        field_id: str | None = None,
        detail: dict[str, Any] | None = None,
        event_id: str | None = None,
    ) -> feedback.Event:
        return feedback.Event.ours(
            id=event_id or pages.new_id(),
            session_id=str(state.session_id),
            kind=kind,
            step_id=step_id,
            field_id=field_id,
            detail=detail or {},
            at=test.now,
        )

    # --- welcome and consent ----------------------------------------------------------------

    def minutes(self, journey: Journey) -> int:
        path = prototypes.planned_path(journey, {})
        screens = sum(1 for s in path if isinstance(journey.step(s), ScreenStep))
        return max(5, 5 * math.ceil((screens * 0.75 + 2) / 5))

    def welcome_page(
        self,
        test: Test,
        state: tc.TestState,
        *,
        resume: str | None = None,
        errors: list[tuple[str, str]] | None = None,
        age: str = "",
        consent: bool = False,
        status: int = 200,
        nonce: str | None = None,
    ) -> Response:
        _ = test._
        journey = test.journey
        published = test.version.created_at.astimezone(local_zone())
        version_label = f"Version {test.version.number}, {pages.swedish_date(published)}"
        found = errors or []
        return self.test_page(
            test,
            "citizen/welcome.html",
            state=state,
            status=status,
            here=routes.citizen_path(test.code),
            journey_title=journey.title,
            organisation=journey.organisation,
            task=test.link.task,
            minutes=self.minutes(journey),
            version_label=version_label,
            resume=resume,
            action=routes.citizen_start_path(test.code),
            csrf=state.csrf,
            retention_months=RETENTION_MONTHS,
            age_options=[(value, pick((sv, en), test.lang)) for value, sv, en in AGE_BANDS],
            age=age,
            consent=consent,
            errors=[(target, text) for target, text in found],
            field_errors={key.split("-")[0]: text for key, text in found},
            nonce=nonce,
        )

    def first_welcome(self, test: Test, db: Database) -> Response:
        """The welcome page of a tester without a session: the same for everyone who scans
        the code but for the form's token and the page's nonce, so it is drawn once per
        link, language and day (:func:`pages.stencil`, ADR 0014) and kept with the link
        until another connection commits. A whole class scanning the QR code at once costs
        one render."""
        state = tc.TestState(code=test.code)
        key = ("first-welcome", test.code, test.lang, test.today)

        def draw() -> list[str]:
            marked = tc.TestState(code=test.code, csrf=f"{pages.MARK}csrf")
            page = self.welcome_page(test, marked, nonce=f"{pages.MARK}nonce")
            return pages.stencil(bytes(page.body).decode("utf-8"))

        html = pages.fill(
            remembered(db, key, draw),
            {"csrf": state.csrf, "nonce": nonce_of(test.request.scope)},
        )
        response = HTMLResponse(html, headers=NO_STORE)
        self.set_state(response, test, state)
        if test.lang_chosen:
            self.set_lang(response, test.lang)
        return response

    @_page
    def welcome(self, request: Request, db: Database) -> Response:
        test = self.open_test(request, db)
        typed = str(request.path_params.get("code", ""))
        if typed != test.code:  # ABCDE-FGHJK from a card: the cookie path needs the real code
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(routes.citizen_path(test.code) + query, 303, headers=NO_STORE)
        if self.alive(test, db):
            state = test.state
            assert state is not None
            current = state.current_step() or test.journey.first_step().id
            return self.welcome_page(
                test, state, resume=routes.citizen_step_path(test.code, current)
            )
        return self.first_welcome(test, db)

    @_form
    def start(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        test = self.open_test(request, db)
        state = self.check_csrf(test, form)
        age = _first(form, "age")
        consent = _first(form, "consent") == "ja"
        errors = []
        if age not in feedback.AGE_BANDS:
            errors.append(("age-1", test._("age.error")))
            age = ""
        if not consent:
            errors.append(("consent", test._("consent.error")))
        if errors:
            return self.welcome_page(
                test, state, errors=errors, age=age, consent=consent, status=422
            )
        try:
            session = feedback.start_session(
                db,
                share_code=test.link.code,
                version_id=test.version.id,
                journey_id=test.journey.id,
                age_band=age,
                allow_under_13=test.link.allow_under_13,
                user_agent=request.headers.get("user-agent", "")[:500],
                now=test.now,
            )
        except feedback.ConsentError:
            return self.test_message(
                test,
                403,
                "young.heading",
                test._("young.body"),
                test._("young.nothing"),
            )
        except feedback.FeedbackError:
            return self.test_message(test, 410, "revoked.heading", test._("revoked.body"))
        fresh = tc.TestState(
            code=test.code,
            session_id=session.id,
            withdrawal_code=session.withdrawal_code,
        )
        first = test.journey.first_step().id
        return self.redirect(test, routes.citizen_step_path(test.code, first), fresh)

    # --- steps ----------------------------------------------------------------------------

    def feedback_context(
        self,
        test: Test,
        state: tc.TestState,
        step_id: str,
        *,
        rating: str = "",
        comment: str = "",
        error: str | None = None,
        comment_error: str | None = None,
        thanks: bool = False,
    ) -> dict[str, Any]:
        labels = [pick(pair, test.lang) for pair in RATING_LABELS]
        return {
            "action": routes.citizen_feedback_path(test.code),
            "csrf": state.csrf,
            "id": pages.new_id(),
            "step_id": step_id,
            "labels": labels,
            "scale_hint": f"1 = {labels[0]}, 5 = {labels[-1]}",
            "rating": rating,
            "comment": comment,
            "error": error,
            "comment_error": comment_error,
            "thanks": thanks,
        }

    def button_text(self, test: Test, step: Any, ends: bool) -> str:
        if getattr(step, "button", None):
            return str(step.button)
        if ends:
            return test._("end.button")
        return pick(("Fortsätt", "Continue"), test.journey.language)

    def step_page(
        self,
        test: Test,
        state: tc.TestState,
        step: Any,
        *,
        values: Mapping[str, Any] | None = None,
        field_errors: list[prototypes.FieldError] | None = None,
        fb: dict[str, Any] | None = None,
        seq_thanks: bool = False,
        status: int = 200,
    ) -> Response:
        _ = test._
        journey = test.journey
        code = test.code
        pattern = str(step.pattern) if isinstance(step, ScreenStep) and step.pattern else None
        messages = {e.field_id: e.message for e in field_errors or []}
        answers = state.answers if values is None else values
        questions = []
        summary_errors: list[tuple[str, str]] = []
        if isinstance(step, ScreenStep):
            for f in step.fields:
                error = messages.get(f.id)
                questions.append({"field": f, "value": answers.get(f.id), "error": error})
                if error:
                    summary_errors.append((anchor(f), error))
        fb = fb or self.feedback_context(test, state, step.id)
        if fb.get("error"):
            summary_errors.append(("ms-rating-1", fb["error"]))
        if fb.get("comment_error"):
            summary_errors.append(("ms-comment", fb["comment_error"]))
        # back link: to check-answers while changing an answer, else the step before
        if state.from_summary and state.from_summary != step.id:
            back_to: str | None = state.from_summary
        else:
            back_to = state.previous_step()
        if pattern == "confirmation":  # after sending there is no way back (GOV.UK)
            back_to = None
        back_href = self.step_path(code, back_to, back="1") if back_to else None
        progress = None
        if isinstance(step, ScreenStep) and pattern not in ("start", "confirmation"):
            n, total = prototypes.progress(journey, state.answers, step.id)
            progress = _("progress", n=n, total=total)
        rows: list[dict[str, str]] = []
        shortened = ""
        if pattern == "check-answers":
            path = prototypes.planned_path(journey, state.answers)
            if step.id in path:
                path = path[: path.index(step.id)]
            on_path = prototypes.answers_on_path(journey, state.answers, path)
            fields = journey.fields()
            for row in prototypes.summary_rows(journey, on_path, path):
                target = fields.get(row.field_id)
                frag = anchor(target[1]) if target else row.field_id
                rows.append(
                    {
                        "label": row.label,
                        "value": row.value,
                        "href": self.step_path(code, row.step_id, andra=row.field_id) + f"#{frag}",
                    }
                )
            shortened = ", ".join(fields[k][1].label for k in state.shortened if k in fields)
        offline_rows: list[tuple[str, str]] = []
        if isinstance(step, OfflineStep):
            channel = CHANNELS.get(str(step.channel))
            offline_rows.append(
                (_("offline.how"), pick(channel, test.lang) if channel else str(step.channel))
            )
            if step.duration:
                offline_rows.append((_("offline.duration"), step.duration))
        decision = None
        if isinstance(step, DecisionStep):
            decision = prototypes.decide(step, state.answers)
        seq = None
        if test.link.task and test.link.success_step == step.id and state.task_done:
            if seq_thanks:
                seq = {"thanks": True}
            elif not state.seq_done:
                seq = {
                    "thanks": False,
                    "action": routes.citizen_seq_path(code),
                    "id": pages.new_id(),
                    "labels": self.seq_labels(test),
                }
        ends = prototypes.next_step(journey, step.id, state.answers) is None
        return self.test_page(
            test,
            "citizen/step.html",
            state=state,
            status=status,
            here=self.step_path(code, step.id),
            feedback_anchor=True,
            journey_content=True,
            step=step,
            pattern=pattern,
            question_heading=question_is_heading(step),
            body_html=pages.markdown(getattr(step, "body", None)),
            questions=questions,
            errors=summary_errors,
            back_href=back_href,
            progress=progress,
            rows=rows,
            shortened=shortened,
            case=state.case or "",
            offline_rows=offline_rows,
            decision=decision,
            seq=seq,
            action=self.step_path(code, step.id),
            csrf=state.csrf,
            button=self.button_text(test, step, ends),
            fb=fb,
        )

    @_page
    def show_step(self, request: Request, db: Database) -> Response:
        test = self.open_test(request, db)
        state = self.consented(test)
        step = self.find_step(test, str(request.path_params.get("step_id", "")))
        query = request.query_params
        events: list[feedback.Event] = []
        leaving = state.current_step()
        if query.get("back") and leaving and leaving != step.id:
            events.append(self.event(test, state, "back", leaving, detail={"to": step.id}))
        changing = query.get("andra")
        if changing is not None:
            asked = {f.id for f in getattr(step, "fields", [])}
            summary = self.journey_step(test, leaving)
            if isinstance(summary, ScreenStep) and str(summary.pattern) == "check-answers":
                state.from_summary = summary.id
            events.append(
                self.event(
                    test,
                    state,
                    "change_from_summary",
                    step.id,
                    changing if changing in asked else None,
                    detail={"from": leaving},
                )
            )
        if state.from_summary == step.id:
            state.from_summary = None
        state.visit(step.id)
        if state.ended and not state.finished:  # back from 'Avsluta testet': the test goes on
            state.ended = False
        thanks = query.get("tack")
        if not thanks and not test.lang_chosen and request.method == "GET":  # not a HEAD
            events.append(self.event(test, state, "screen_viewed", step.id))
        if test.link.success_step == step.id and not state.task_done:
            state.task_done = True
            events.append(self.event(test, state, "task_completed", step.id))
        if isinstance(step, ScreenStep) and str(step.pattern) == "confirmation" and not state.case:
            state.case = prototypes.case_number(now=test.now, rng=secrets.SystemRandom())
        self.record_last(test, db, events)
        fb = self.feedback_context(test, state, step.id, thanks=thanks == "1")
        return self.step_page(test, state, step, fb=fb, seq_thanks=thanks == "seq")

    def journey_step(self, test: Test, step_id: str | None) -> Any:
        return test.journey.step(step_id) if step_id else None

    def back_to_summary(self, test: Test, state: tc.TestState, target: str) -> str:
        """After changing an answer from check-answers: back there, unless the new answer
        leads to questions not answered yet (then to the first of them)."""
        summary = state.from_summary
        assert summary is not None
        path = prototypes.planned_path(test.journey, state.answers, start=target)
        if summary not in path:
            state.from_summary = None
            return target
        for step_id in path[: path.index(summary)]:
            step = test.journey.step(step_id)
            if isinstance(step, ScreenStep) and any(
                f.is_required and f.id not in state.answers for f in step.fields
            ):
                return step_id
        return summary

    def after_end(self, test: Test, state: tc.TestState) -> str:
        """Where the test goes after the journey's end: SEQ (a task), SUS, the last page."""
        if test.link.task and not state.seq_done:
            return routes.citizen_seq_path(test.code, after="end")
        if not state.sus_done:
            return routes.citizen_sus_path(test.code)
        return routes.citizen_done_path(test.code)

    @_form
    def submit_step(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        test = self.open_test(request, db)
        self.check_csrf(test, form)
        state = self.consented(test)
        step = self.find_step(test, str(request.path_params.get("step_id", "")))
        events: list[feedback.Event] = []
        answers = dict(state.answers)
        if isinstance(step, ScreenStep) and step.fields:
            submission = prototypes.read_form(step, form, today=test.today)
            messages = {e.field_id: e.message for e in submission.errors}
            events.append(
                self.event(
                    test,
                    state,
                    "submitted",
                    step.id,
                    detail={"ok": submission.ok, "errors": len(submission.errors)},
                )
            )
            for status in submission.statuses:
                if status.status == "error":
                    detail: dict[str, Any] = {
                        "status": "error",
                        "message": messages.get(status.field_id, ""),
                    }
                    kind = "validation_error"
                else:
                    detail = {"status": status.status}
                    if status.option is not None:
                        detail["option"] = status.option
                    kind = "submitted"
                events.append(self.event(test, state, kind, step.id, status.field_id, detail))
            if not submission.ok:
                self.record_last(test, db, events)
                shown: dict[str, Any] = dict(state.answers)
                for f in step.fields:
                    sent = [v for v in form.get(f.id, []) if v]
                    shown[f.id] = (
                        sent if f.type == FieldType.checkboxes else (sent[0] if sent else "")
                    )
                return self.step_page(
                    test,
                    state,
                    step,
                    values=shown,
                    field_errors=submission.errors,
                    status=422,
                )
            for f in step.fields:
                if f.id in submission.answers:
                    answers[f.id] = submission.answers[f.id]
                else:
                    answers.pop(f.id, None)
            state.shortened = [k for k in state.shortened if k not in {f.id for f in step.fields}]
        else:
            events.append(self.event(test, state, "submitted", step.id, detail={"ok": True}))
        state.answers = answers
        state.visit(step.id)
        target = prototypes.next_step(test.journey, step.id, answers)
        if target is None:
            if not state.finished:
                state.finished = True
                success = state.task_done if test.link.success_step else None
                events.append(
                    self.event(test, state, "completed", step.id, detail={"task_success": success})
                )
                self.record(test, db, events)
                feedback.complete_session(
                    db, str(state.session_id), task_success=success, now=test.now
                )
            else:
                self.record_last(test, db, events)
            return self.redirect(test, self.after_end(test, state), state)
        if state.from_summary:
            target = self.back_to_summary(test, state, target)
        self.record_last(test, db, events)
        return self.redirect(test, routes.citizen_step_path(test.code, target), state)

    # --- feedback on a step ---------------------------------------------------------------

    @_form
    def step_feedback(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        test = self.open_test(request, db)
        state = self.check_csrf(test, form)
        as_json = wants_json(request)
        if not self.alive(test, db):
            if as_json:  # the session is gone (withdrawn): nothing to store, do not retry
                return JSONResponse({"ok": False, "error": "gone"}, 410)
            raise self.to_welcome(test)
        step_id = _first(form, "step_id")
        step = test.journey.step(step_id) if len(step_id) <= MAX_STEP_CHARS else None
        answer_id = _first(form, "id")
        if step is None or not _is_uuid(answer_id):
            if as_json:
                return JSONResponse({"ok": False, "error": test._("bad.heading")}, 400)
            return self.test_message(test, 400, "bad.heading", test._("bad.body"))
        rating = _first(form, "rating").strip()
        comment = _first(form, "comment").strip()
        error = comment_error = None
        if rating and rating not in {"1", "2", "3", "4", "5"}:
            error = test._("feedback.error")
            rating = ""
        if not rating and not comment:
            error = test._("feedback.error")
        if len(comment) > feedback.MAX_COMMENT_LENGTH:
            comment_error = test._("feedback.too_long", n=feedback.MAX_COMMENT_LENGTH)
        if error or comment_error:
            if as_json:
                return JSONResponse({"ok": False, "error": error or comment_error}, 422)
            fb = self.feedback_context(
                test,
                state,
                step.id,
                rating=rating,
                comment=comment,
                error=error,
                comment_error=comment_error,
            )
            return self.step_page(test, state, step, fb=fb, status=422)
        stored = False
        try:
            if rating:
                stored |= feedback.record_rating(
                    db,
                    id=answer_id,
                    session_id=str(state.session_id),
                    step_id=step.id,
                    rating=int(rating),
                    now=test.now,
                )
            if comment:
                stored |= feedback.record_comment(
                    db,
                    id=answer_id,
                    session_id=str(state.session_id),
                    step_id=step.id,
                    text=comment,
                    now=test.now,
                )
        except feedback.FeedbackError as exc:
            log.info("Feedback refused: %s", exc)
            if as_json:
                return JSONResponse({"ok": False, "error": str(exc)}, 422)
            return self.test_message(test, 400, "bad.heading", test._("bad.body"))
        if as_json:
            return JSONResponse({"ok": True, "stored": stored}, headers=NO_STORE)
        return self.redirect(
            test, routes.citizen_step_path(test.code, step.id, tack="1") + "#ms-feedback"
        )

    # --- task, SEQ, SUS -------------------------------------------------------------------

    @_page
    def task(self, request: Request, db: Database) -> Response:
        test = self.open_test(request, db)
        state = test.state if self.alive(test, db) else None
        current = state.current_step() if state else None
        back = (
            routes.citizen_step_path(test.code, current, tack="task")
            if current
            else routes.citizen_path(test.code)
        )
        return self.test_page(test, "citizen/task.html", task=test.link.task, back_href=back)

    def seq_labels(self, test: Test) -> list[str]:
        scale = feedback.SEQ_SCALE_EN if test.lang == "en" else feedback.SEQ_SCALE_SV
        ends = list(scale)
        return [ends[0], *[""] * (SEQ_POINTS - 2), ends[1]]

    def seq_page(
        self,
        test: Test,
        state: tc.TestState,
        *,
        after: str,
        score: str = "",
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        return self.test_page(
            test,
            "citizen/seq.html",
            state=state,
            status=status,
            here=routes.citizen_seq_path(test.code),
            action=routes.citizen_seq_path(test.code),
            csrf=state.csrf,
            id=pages.new_id(),
            after=after,
            task=test.link.task,
            labels=self.seq_labels(test),
            score=score,
            error=error,
            errors=[("ms-seq-1", error)] if error else [],
        )

    @_page
    def seq_form(self, request: Request, db: Database) -> Response:
        test = self.open_test(request, db)
        state = self.require_consent(test, db)
        after = "step" if request.query_params.get("after") == "step" else "end"
        return self.seq_page(test, state, after=after)

    @_form
    def seq_submit(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        test = self.open_test(request, db)
        self.check_csrf(test, form)
        state = self.require_consent(test, db)
        after = "step" if _first(form, "after") == "step" else "end"
        score = _first(form, "score")
        answer_id = _first(form, "id")
        if score not in {str(n) for n in range(1, SEQ_POINTS + 1)} or not _is_uuid(answer_id):
            return self.seq_page(test, state, after=after, error=test._("seq.error"), status=422)
        feedback.record_seq(
            db,
            id=answer_id,
            session_id=str(state.session_id),
            step_id=test.link.success_step or state.current_step(),
            score=int(score),
            now=test.now,
        )
        state.seq_done = True
        current = state.current_step()
        if after == "step" and current:
            target = routes.citizen_step_path(test.code, current, tack="seq")
        else:
            target = self.after_end(test, state)
        return self.redirect(test, target, state)

    def sus_items(self, test: Test) -> tuple[str, ...]:
        return feedback.SUS_ITEMS_EN if test.lang == "en" else feedback.SUS_ITEMS_SV

    def sus_page(
        self,
        test: Test,
        state: tc.TestState,
        *,
        chosen: list[str] | None = None,
        missing: list[int] | None = None,
        status: int = 200,
    ) -> Response:
        _ = test._
        scale = [pick(pair, test.lang) for pair in SUS_SCALE]
        chosen = chosen or [""] * len(self.sus_items(test))
        missing = missing or []
        items = [
            {
                "text": text,
                "value": chosen[i],
                "error": _("sus.error", n=i + 1) if i + 1 in missing else None,
            }
            for i, text in enumerate(self.sus_items(test))
        ]
        return self.test_page(
            test,
            "citizen/sus.html",
            state=state,
            status=status,
            here=routes.citizen_sus_path(test.code),
            action=routes.citizen_sus_path(test.code),
            csrf=state.csrf,
            id=pages.new_id(),
            items=items,
            labels=scale,
            scale_text=", ".join(f"{i} = {label}" for i, label in enumerate(scale, start=1)),
            errors=[(f"ms-sus-{n}-1", _("sus.error", n=n)) for n in missing],
            skip_href=routes.citizen_done_path(test.code),
        )

    @_page
    def sus_form(self, request: Request, db: Database) -> Response:
        test = self.open_test(request, db)
        state = self.require_consent(test, db)
        return self.sus_page(test, state)

    @_form
    def sus_submit(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        test = self.open_test(request, db)
        self.check_csrf(test, form)
        state = self.require_consent(test, db)
        count = len(self.sus_items(test))
        chosen = [_first(form, f"q{n}") for n in range(1, count + 1)]
        chosen = [c if c in {"1", "2", "3", "4", "5"} else "" for c in chosen]
        missing = [n for n, c in enumerate(chosen, start=1) if not c]
        answer_id = _first(form, "id")
        if missing or not _is_uuid(answer_id):
            return self.sus_page(test, state, chosen=chosen, missing=missing or [1], status=422)
        feedback.record_sus(
            db,
            id=answer_id,
            session_id=str(state.session_id),
            answers=[int(c) for c in chosen],
            now=test.now,
        )
        state.sus_done = True
        return self.redirect(test, routes.citizen_done_path(test.code), state)

    # --- the end, withdrawal --------------------------------------------------------------

    @_page
    def done(self, request: Request, db: Database) -> Response:
        test = self.open_test(request, db)
        state = self.require_consent(test, db)
        if not state.ended:
            if not state.finished:
                feedback.record_event(
                    db,
                    self.event(
                        test,
                        state,
                        "abandoned",
                        state.current_step(),
                        detail={"by": "tester"},
                    ),
                )
            state.ended = True
        session = feedback.get_session(db, str(state.session_id))
        code = state.withdrawal_code or (session.withdrawal_code if session else "")
        current = state.current_step()
        return self.test_page(
            test,
            "citizen/done.html",
            state=state,
            organisation=test.journey.organisation,
            withdrawal_code=code,
            withdraw_url=routes.withdraw_url(self.site.settings.public_url),
            sus_href=None if state.sus_done else routes.citizen_sus_path(test.code),
            continue_href=routes.citizen_step_path(test.code, current)
            if current and not state.finished
            else None,
            withdraw_action=routes.citizen_withdraw_path(test.code),
            csrf=state.csrf,
        )

    def withdrawn(self, request: Request, lang: Lang, org: Organisation, name: str) -> HTMLResponse:
        _ = translator(lang)
        return self.message(
            request,
            200,
            _("withdrawn.heading"),
            _("withdrawn.body"),
            lang=lang,
            org=org,
            org_name=name,
        )

    @_form
    def withdraw_now(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        test = self.open_test(request, db)
        self.check_csrf(test, form)
        code = _first(form, "code")
        address = self.guarded(self.withdrawals, request, test.lang, test.org)
        if code and feedback.withdraw(db, code, now=test.now):
            response = self.withdrawn(request, test.lang, test.org, test.org_name)
            response.delete_cookie(tc.COOKIE, path=routes.citizen_path(test.code), samesite="lax")
            return response
        self.withdrawals.failed(address, test.now.timestamp())
        return self.withdraw_form_page(
            request,
            db,
            error=test._("withdraw.unknown"),
            code=code,
            status=422,
        )

    def withdraw_form_page(
        self,
        request: Request,
        db: Database,
        *,
        error: str | None = None,
        code: str = "",
        status: int = 200,
    ) -> Response:
        lang, chosen = choose_lang(request)
        org = get_organisation(db)
        token = request.cookies.get(WITHDRAW_COOKIE) or ""
        if len(token) < 20 or len(token) > 64:
            token = secrets.token_urlsafe(18)
        response = self.render(
            request,
            "citizen/withdraw.html",
            lang=lang,
            org=org,
            org_name=org.name or "Medskapa",
            status=status,
            here=routes.withdraw_path(),
            show_nav=False,
            lang_chosen=chosen,
            action=routes.withdraw_path(),
            csrf=token,
            error=error,
            code=code[:40],
        )
        response.set_cookie(
            WITHDRAW_COOKIE,
            token,
            path=routes.withdraw_path(),
            httponly=True,
            samesite="lax",
            secure=self.https,
        )
        return response

    @_page
    def withdraw_form(self, request: Request, db: Database) -> Response:
        return self.withdraw_form_page(request, db)

    @_form
    def withdraw_later(
        self, request: Request, db: Database, form: dict[str, list[str]]
    ) -> Response:
        lang, _chosen = choose_lang(request)
        _ = translator(lang)
        org = get_organisation(db)
        token = _first(form, "csrf")
        cookie = request.cookies.get(WITHDRAW_COOKIE) or ""
        if not token or not cookie or not hmac.compare_digest(token, cookie):
            return self.message(
                request,
                400,
                _("csrf.heading"),
                _("csrf.body"),
                action=_("csrf.action"),
                lang=lang,
                org=org,
            )
        code = _first(form, "code").strip()
        if not code:
            return self.withdraw_form_page(request, db, error=_("withdraw.empty"), status=422)
        address = self.guarded(self.withdrawals, request, lang, org)
        if not feedback.withdraw(db, code, now=self.site.clock()):
            self.withdrawals.failed(address, self.site.clock().timestamp())
            return self.withdraw_form_page(
                request, db, error=_("withdraw.unknown"), code=code, status=422
            )
        return self.withdrawn(request, lang, org, org.name or "Medskapa")

    def routes(self) -> list[BaseRoute]:
        """The routes, to put before any catch-all under ``/t/``."""
        return [
            Route(routes.WITHDRAW, self.withdraw_form, methods=["GET"]),
            Route(routes.WITHDRAW, self.withdraw_later, methods=["POST"]),
            Route(routes.CITIZEN, self.welcome, methods=["GET"]),
            Route(routes.CITIZEN_START, self.start, methods=["POST"]),
            Route(routes.CITIZEN_STEP, self.show_step, methods=["GET"]),
            Route(routes.CITIZEN_STEP, self.submit_step, methods=["POST"]),
            Route(routes.CITIZEN_TASK, self.task, methods=["GET"]),
            Route(routes.CITIZEN_FEEDBACK, self.step_feedback, methods=["POST"]),
            Route(routes.CITIZEN_SEQ, self.seq_form, methods=["GET"]),
            Route(routes.CITIZEN_SEQ, self.seq_submit, methods=["POST"]),
            Route(routes.CITIZEN_SUS, self.sus_form, methods=["GET"]),
            Route(routes.CITIZEN_SUS, self.sus_submit, methods=["POST"]),
            Route(routes.CITIZEN_DONE, self.done, methods=["GET"]),
            Route(routes.CITIZEN_WITHDRAW, self.withdraw_now, methods=["POST"]),
        ]


def citizen_routes(site: Site) -> list[BaseRoute]:
    """The routes of the citizen test pages, to put before any catch-all under ``/t/``."""
    return CitizenPages(site).routes()


__all__ = ["MAX_BODY_BYTES", "Site", "citizen_routes"]
