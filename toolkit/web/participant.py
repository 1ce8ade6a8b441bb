"""What a workshop participant meets on their own phone after scanning the QR code.

Pages (see :mod:`toolkit.routes`)::

    GET  /w                  type the code from the screen (or scan the QR code)
    POST /w                  the typed code → 303 to /w/<code> (or the form again, 422)
    GET  /w/<code>           join (nickname, age band, consent), or, once joined, the current
                             activity: notes on steps, the dot vote, results when revealed
    POST /w/<code>/join      consent → a participant and their cookie → 303 to /w/<code>
    POST /w/<code>/note      a note on a step (or an answer to the open question)
    POST /w/<code>/vote      one dot on a note or a step
    POST /w/<code>/unvote    take a dot back
    GET  /w/<code>/state     JSON for live refresh: activity, locked, revealed, votes left,
                             timer text and a version that changes when the page would

Joining gives a participant token (256 bits, stored hashed by :mod:`workshops`) in the
cookie ``ms_p`` (``HttpOnly``, ``SameSite=Lax``, ``Path=/w/<code>``). Every form carries a
CSRF token (for participants an HMAC of their token with the server secret; before
joining a double-submit cookie) and a client-made UUID, so a double tap or a retry from
``workshop.js`` is stored once. Posts answer with a 303 back to the page, or JSON when the
script asks for it (``Accept: application/json``).

Lookups of a code by someone who has not joined are rate limited per address and in total
(:mod:`toolkit.web.ratelimit`): failed joins that count as guesses fill the windows, and
a full window answers 429 before the database is asked.

A room joins and votes at once (#7), so the pages a whole room asks for are cheap: every
request reads the participant, the workshop and its activity in one query
(:func:`workshops.presence`); the join page, and the vote page of everyone who has not voted
yet, are drawn once per version of what they show and then filled in per phone with its own
CSRF token, nickname, form ids and CSP nonce (:meth:`ParticipantPages.kept_html`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import math
import secrets
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlite_utils import Database
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

import workshops
from journeys import Journey
from toolkit import routes
from toolkit.db import get_organisation
from toolkit.settings import Organisation
from toolkit.web import handlers, pages, workshop_live
from toolkit.web.citizen import (
    LANG_COOKIE,
    Site,
    choose_lang,
    wants_json,
)
from toolkit.web.citizen_text import AGE_BANDS, RETENTION_MONTHS, Lang, pick
from toolkit.web.forms import Stop, TooLarge
from toolkit.web.ratelimit import JoinGuard
from toolkit.web.security import nonce_of
from toolkit.web.workshop_text import kind_labels, translator

log = logging.getLogger("medskapa.participant")

PARTICIPANT_COOKIE = "ms_p"
"""Holds the participant token, on ``/w/<code>`` only."""

FORM_COOKIE = "ms_wf"
"""Double-submit CSRF token for the forms before joining (the code and the join form)."""

COOKIE_MAX_AGE = 24 * 3600
MAX_CODE_CHARS = 40
MAX_NICKNAME = 30
JOIN_MEMORY_SECONDS = 600
"""How long a join form's id keeps giving the same participant (a double tap on 'Gå med')."""

NO_STORE = {"Cache-Control": "no-store"}

KEPT_PAGES = 256


def _first(form: Mapping[str, list[str]], key: str) -> str:
    values = form.get(key) or [""]
    return values[0]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return False
    return len(text) <= 40


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Visit:
    """One request from a phone: its language, the time, and the organisation (read when a
    page is drawn: a JSON answer does not need it)."""

    request: Request
    lang: Lang
    lang_chosen: bool
    now: dt.datetime
    db: Database | None = None
    known_org: Organisation | None = None

    def _(self, key: str, **values: object) -> str:
        return translator(self.lang)(key, **values)

    @property
    def org(self) -> Organisation:
        if self.known_org is None:
            try:
                found = get_organisation(self.db) if self.db is not None else Organisation()
            except Exception:  # an error page must render even when the database is the error
                found = Organisation()
            self.known_org = found
        return self.known_org

    @property
    def address(self) -> str:
        return self.request.client.host if self.request.client else "unknown"


@dataclass
class Seat:
    """A participant in their workshop, as one request sees them (read in one query:
    :func:`workshops.presence`)."""

    visit: Visit
    token: str
    here: workshops.Presence

    @property
    def participant(self) -> workshops.Participant:
        return self.here.participant

    @property
    def workshop(self) -> workshops.Workshop:
        return self.here.workshop

    @property
    def activity(self) -> workshops.Activity | None:
        return self.here.activity

    @property
    def code(self) -> str:
        return self.workshop.join_code


@dataclass
class NoteForm:
    """What was typed into the note form, to show again with its errors."""

    step: str = ""
    kind: str = ""
    text: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def field_errors(self) -> dict[str, str]:
        return {target.split("-")[0]: text for target, text in self.errors}


@dataclass(slots=True)
class VoteItem:
    """One note or step on the vote page, with its own form id."""

    field: str
    id: str
    key: str
    text: str
    mine: bool
    form_id: str
    kind: str | None = None
    kind_label: str = ""
    by: str = ""


@dataclass(slots=True)
class VoteGroup:
    """A heading of the vote page (a phase, or a step for notes) and what is under it."""

    title: str
    entries: list[VoteItem] = field(default_factory=list)


IdMaker = Callable[[int], list[str]]
"""Makes ``n`` form ids (:func:`pages.new_ids`, or stand-ins for a kept page)."""


def same_code(typed: str, code: str) -> bool:
    """True when ``typed`` (as in the address: k7m-pq2) is the stored join code ``code``."""
    if typed == code:
        return True
    try:
        return workshops.normalise_join_code(typed) == code
    except ValueError:
        return False


def timer_text(workshop: workshops.Workshop, now: dt.datetime, lang: Lang) -> str | None:
    """'5 min kvar' (rounded up), 'Tiden är ute' at zero, None without a timer."""
    seconds = workshop.seconds_left(now)
    if seconds is None:
        return None
    _ = translator(lang)
    if seconds <= 0:
        return _("timer.up")
    return _("timer.left", minutes=math.ceil(seconds / 60))


_form = handlers.form(lambda pages_: pages_.site.db())
"""A POST endpoint ``fn(self, request, db, form)`` (see :mod:`toolkit.web.handlers`)."""

_page = handlers.page(lambda pages_: pages_.site.db())
"""A GET endpoint ``fn(self, request, db)`` (see :mod:`toolkit.web.handlers`)."""


class ParticipantPages:
    """The handlers of the participant pages for one app (see the module docstring)."""

    def __init__(self, site: Site, *, guard: JoinGuard | None = None) -> None:
        self.site = site
        self.secret = site.secret.encode("utf-8")
        self.https = site.settings.public_url.startswith("https://")
        self.guard = guard or JoinGuard()
        self.joins: dict[str, tuple[float, str]] = {}
        self.joins_lock = threading.Lock()
        self.pages: dict[tuple[Any, ...], tuple[list[str], object]] = {}
        """Pages drawn once (:meth:`kept_html`): split at what each request fills in."""

    # --- small helpers --------------------------------------------------------------------

    def visit(self, request: Request, db: Database | None = None) -> Visit:
        lang, chosen = choose_lang(request)
        return Visit(request=request, lang=lang, lang_chosen=chosen, now=self.site.clock(), db=db)

    def csrf_for(self, token: str) -> str:
        """A participant's CSRF token: tied to their token, unknown to other sites."""
        return hmac.new(self.secret, b"ws-csrf:" + token.encode(), hashlib.sha256).hexdigest()[:32]

    def moment(self, visit: Visit) -> float:
        return visit.now.timestamp()

    def set_cookie(
        self, response: Response, name: str, value: str, path: str, **extra: Any
    ) -> None:
        response.set_cookie(
            name, value, path=path, httponly=True, samesite="lax", secure=self.https, **extra
        )

    def form_token(self, request: Request) -> tuple[str, bool]:
        """The double-submit token of this browser (and whether it must be set)."""
        token = request.cookies.get(FORM_COOKIE) or ""
        if 20 <= len(token) <= 64:
            return token, False
        return secrets.token_urlsafe(18), True

    # --- rendering ------------------------------------------------------------------------

    def render(
        self,
        visit: Visit,
        template: str,
        *,
        status: int = 200,
        here: str,
        seat: Seat | None = None,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        html = self.html(visit, template, here=here, seat=seat, **context)
        return self.answer(visit, html, status=status, headers=headers)

    def answer(
        self,
        visit: Visit,
        html: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        """A drawn page, never stored by a cache; it remembers a language just chosen."""
        response = HTMLResponse(html, status_code=status, headers={**NO_STORE, **(headers or {})})
        if visit.lang_chosen:
            self.set_cookie(response, LANG_COOKIE, visit.lang, "/w", max_age=365 * 24 * 3600)
        return response

    def html(
        self,
        visit: Visit,
        template: str,
        *,
        here: str,
        seat: Seat | None = None,
        nonce: str | None = None,
        **context: Any,
    ) -> str:
        _ = translator(visit.lang)
        other = "sv" if visit.lang == "en" else "en"
        return pages.render(
            template,
            org=visit.org,
            nonce=nonce or nonce_of(visit.request.scope),
            org_name=visit.org.name or "Medskapa",
            lang=visit.lang,
            _=_,
            skip_text=_("skip"),
            banner_label=_("banner.label"),
            lang_href=f"{here}?{urlencode({'lang': other})}",
            seat=seat,
            **context,
        )

    def kept_html(
        self,
        key: tuple[Any, ...],
        visit: Visit,
        draw: Callable[[str, str], str],
        *,
        keep: object = None,
        **fill: str,
    ) -> str:
        """A page drawn once for ``key`` and then filled in per request.

        ``draw(nonce, mark)`` draws it with ``mark + "nonce"`` for the CSP nonce,
        ``mark + name`` for each value of ``fill`` (the CSRF token, the nickname), and
        ``mark + "id0"``, ``mark + "id1"`` ... for form ids: each request gets the nonce of
        its response, its own values and fresh ids, all escaped as the template would. ``key``
        must name everything else the page shows; ``keep`` is what it was drawn from that
        ``key`` names only by ``id()`` (it is kept alive with the page, and checked).
        """
        kept = self.pages.get(key)
        if kept is None or kept[1] is not keep:
            if len(self.pages) >= KEPT_PAGES:
                self.pages.clear()
            parts = pages.stencil(draw(f"{pages.MARK}nonce", pages.MARK))
            kept = self.pages[key] = (parts, keep)
        parts = kept[0]
        values = {"nonce": nonce_of(visit.request.scope), **fill}
        wanted = [name for name in parts[1::2] if name.startswith("id")]
        values.update(zip(wanted, pages.new_ids(len(wanted)), strict=True))
        return pages.fill(parts, values)

    def message(
        self,
        visit: Visit,
        status: int,
        heading: str,
        *paragraphs: str,
        action: str | None = None,
        link: dict[str, str] | None = None,
        here: str = routes.WORKSHOP_ENTRY,
        seat: Seat | None = None,
        workshop_title: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        return self.render(
            visit,
            "workshop/message.html",
            status=status,
            here=here,
            seat=seat,
            headers=headers,
            title=heading,
            heading=heading,
            paragraphs=list(paragraphs),
            action=action,
            link=link,
            workshop_title=workshop_title,
        )

    def body_problem(self, request: Request, problem: Exception) -> Response:
        visit = self.visit(request)
        _ = visit._
        too_large = isinstance(problem, TooLarge)
        if wants_json(request):
            status = 413 if too_large else 400
            key = "large.heading" if too_large else "bad.heading"
            return JSONResponse({"ok": False, "error": _(key)}, status)
        if too_large:
            return self.message(visit, 413, _("large.heading"), _("large.body"))
        return self.message(visit, 400, _("bad.heading"), _("bad.body"))

    def limited(self, visit: Visit, retry_after: int) -> Response:
        _ = visit._
        wait = str(max(1, retry_after))
        if wants_json(visit.request):
            return JSONResponse(
                {"ok": False, "error": _("limited.heading")}, 429, headers={"Retry-After": wait}
            )
        return self.message(
            visit,
            429,
            _("limited.heading"),
            _("limited.body"),
            action=_("limited.action"),
            headers={"Retry-After": wait},
        )

    def not_open(self, visit: Visit, code: str, title: str | None = None) -> Response:
        _ = visit._
        path = routes.workshop_path(code)
        return self.message(
            visit,
            409,
            _("not_open.heading"),
            _("not_open.body"),
            link={"href": path, "text": _("reload")},
            here=path,
            workshop_title=title,
        )

    def closed(self, visit: Visit, code: str, seat: Seat | None = None) -> Response:
        _ = visit._
        return self.message(
            visit,
            410,
            _("closed.heading"),
            _("closed.body"),
            action=_("closed.thanks"),
            here=routes.workshop_path(code),
            seat=seat,
        )

    # --- the code ---------------------------------------------------------------------------

    def entry_page(
        self,
        visit: Visit,
        *,
        typed: str = "",
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        token, fresh = self.form_token(visit.request)
        response = self.render(
            visit,
            "workshop/entry.html",
            status=status,
            here=routes.WORKSHOP_ENTRY,
            action=routes.workshop_entry_path(),
            csrf=token,
            id=pages.new_id(),
            typed=typed[:MAX_CODE_CHARS],
            error=error,
        )
        if fresh:
            self.set_cookie(response, FORM_COOKIE, token, routes.WORKSHOP_ENTRY)
        return response

    def check_form_token(self, visit: Visit, form: Mapping[str, list[str]], back: str) -> None:
        sent = _first(form, "csrf")
        cookie = visit.request.cookies.get(FORM_COOKIE) or ""
        if not sent or not cookie or not hmac.compare_digest(sent, cookie):
            raise Stop(self.refuse_csrf(visit, back))

    def refuse_csrf(self, visit: Visit, back: str) -> Response:
        _ = visit._
        if wants_json(visit.request):
            return JSONResponse({"ok": False, "error": _("csrf.heading")}, 400)
        return self.message(
            visit,
            400,
            _("csrf.heading"),
            _("csrf.body"),
            action=_("csrf.action"),
            link={"href": back, "text": _("back")},
            here=back,
        )

    def guess_message(self, visit: Visit, exc: workshops.JoinError, typed: str) -> str:
        if exc.reason == "invalid":
            return visit._("entry.invalid", code=_short(typed.strip()))
        try:
            shown = workshops.normalise_join_code(typed)
        except ValueError:
            shown = typed
        return visit._("entry.unknown", code=_short(shown))

    def lookup(self, visit: Visit, db: Database, typed: str) -> workshops.Workshop:
        """The workshop a typed code opens, rate limited; :class:`Stop` with the 429, the
        code form with its error (404), or the not-open/closed page."""
        verdict = self.guard.check(visit.address, self.moment(visit))
        if not verdict.allowed:
            log.warning(
                "Join lookups refused for %s (%s window full)", visit.address, verdict.reason
            )
            raise Stop(self.limited(visit, verdict.retry_after))
        try:
            return workshops.workshop_to_join(db, typed[: MAX_CODE_CHARS * 2])
        except workshops.JoinError as exc:
            if exc.counts_as_guess:
                self.guard.failed(visit.address, self.moment(visit))
                raise Stop(
                    self.entry_page(
                        visit,
                        typed=typed,
                        error=self.guess_message(visit, exc, typed),
                        status=404,
                    )
                ) from None
            found = workshops.find_workshop(db, typed)
            code = found.join_code if found else typed
            if exc.reason == "not-open":
                raise Stop(self.not_open(visit, code, found.title if found else None)) from None
            raise Stop(self.closed(visit, code)) from None

    @_page
    def entry(self, request: Request, db: Database) -> Response:
        return self.entry_page(self.visit(request, db))

    @_form
    def entry_submit(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        visit = self.visit(request, db)
        self.check_form_token(visit, form, routes.WORKSHOP_ENTRY)
        typed = _first(form, "code").strip()
        if not typed:
            return self.entry_page(visit, error=visit._("entry.empty"), status=422)
        try:
            found = self.lookup(visit, db, typed)
        except Stop as stop:
            if stop.response.status_code == 404:  # the form again, as an answer to a post
                stop.response.status_code = 422
            raise
        return RedirectResponse(routes.workshop_path(found.join_code), 303, headers=NO_STORE)

    # --- joining ----------------------------------------------------------------------------

    def seat_of(self, visit: Visit, db: Database, typed: str) -> Seat | None:
        """The participant whose cookie this request carries, in the workshop with this code."""
        token = self.token_of(visit.request)
        here = workshops.presence(db, token) if token else None
        if here is None or not same_code(typed, here.workshop.join_code):
            return None
        return Seat(visit=visit, token=token, here=here)

    def token_of(self, request: Request) -> str:
        """The participant token the request's cookie carries ('' when none could be)."""
        token = request.cookies.get(PARTICIPANT_COOKIE) or ""
        return token if len(token) <= 100 else ""

    def join_page(
        self,
        visit: Visit,
        db: Database,
        workshop: workshops.Workshop,
        *,
        nickname: str = "",
        age: str = "",
        consent: bool = False,
        errors: list[tuple[str, str]] | None = None,
        status: int = 200,
    ) -> Response:
        journey = workshops.workshop_journey(db, workshop)
        token, fresh = self.form_token(visit.request)
        found = errors or []
        path = routes.workshop_path(workshop.join_code)

        def draw(nonce: str | None, csrf: str, form_id: str) -> str:
            return self.html(
                visit,
                "workshop/join.html",
                here=path,
                nonce=nonce,
                title=workshop.title,
                workshop_title=workshop.title,
                journey_title=journey.title,
                content_lang=journey.language,
                date=self.date_text(workshop.date, visit.lang),
                action=routes.workshop_join_path(workshop.join_code),
                csrf=csrf,
                id=form_id,
                retention_months=RETENTION_MONTHS,
                age_options=[
                    (value, pick((sv, en), visit.lang))
                    for value, sv, en in AGE_BANDS
                    if value != "under-13" or workshop.allow_under_13
                ],
                nickname=nickname[:200],
                age=age,
                consent=consent,
                errors=found,
                field_errors={key.split("-")[0]: text for key, text in found},
            )

        if nickname or age or consent or found:  # the form again, as it was sent
            html = draw(None, token, pages.new_id())
        else:  # the same for everyone who opens it: drawn once, filled in per phone
            org = visit.org
            key = ("join", visit.lang, org.name, org.colour, workshop.id, workshop.title)
            key += (workshop.date, workshop.join_code, workshop.allow_under_13)
            key += (journey.title, journey.language)
            html = self.kept_html(
                key,
                visit,
                lambda nonce, mark: draw(nonce, mark + "csrf", mark + "id0"),
                csrf=token,
            )
        response = self.answer(visit, html, status=status)
        if fresh:
            self.set_cookie(response, FORM_COOKIE, token, routes.WORKSHOP_ENTRY)
        return response

    def date_text(self, day: dt.date, lang: Lang) -> str:
        if lang == "en":
            return f"{day.day} {day.strftime('%B')} {day.year}"
        return pages.swedish_date(day)

    @_page
    def show(self, request: Request, db: Database) -> Response:
        typed = str(request.path_params.get("code", ""))
        visit = self.visit(request, db)
        seat = self.seat_of(visit, db, typed)
        if seat is not None:
            if typed != seat.code:
                return self.canonical(request, seat.code)
            if seat.workshop.state != "open":
                return self.closed(visit, seat.code, seat)
            thanks = request.query_params.get("tack") == "1"
            step = request.query_params.get("steg", "")[:100]
            return self.activity_page(seat, db, note=NoteForm(step=step), thanks=thanks)
        if len(typed) > MAX_CODE_CHARS:
            return self.entry_page(
                visit, typed=typed, error=visit._("entry.invalid", code=_short(typed)), status=404
            )
        workshop = self.lookup(visit, db, typed)
        if typed != workshop.join_code:
            return self.canonical(request, workshop.join_code)
        return self.join_page(visit, db, workshop)

    def canonical(self, request: Request, code: str) -> Response:
        """Redirect a code as typed (k7m-pq2) to the code as stored: the cookie's path."""
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(routes.workshop_path(code) + query, 303, headers=NO_STORE)

    @_form
    def join(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        typed = str(request.path_params.get("code", ""))
        visit = self.visit(request, db)
        path = routes.workshop_path(typed)
        self.check_form_token(visit, form, path)
        seat = self.seat_of(visit, db, typed)
        if seat is not None:  # joined already (the back button, a second tap): just go in
            return RedirectResponse(routes.workshop_path(seat.code), 303, headers=NO_STORE)
        workshop = self.lookup(visit, db, typed)
        _ = visit._
        nickname = " ".join(_first(form, "nickname").split())
        age = _first(form, "age")
        consent = _first(form, "consent") == "ja"
        join_id = _first(form, "id")
        errors = []
        if len(nickname) > MAX_NICKNAME:
            errors.append(("nickname", _("nickname.too_long")))
        if age not in {value for value, _sv, _en in AGE_BANDS}:
            errors.append(("age-1", _("age.error")))
            age = ""
        if not consent:
            errors.append(("consent", _("consent.error")))
        if not _is_uuid(join_id):
            return self.message(visit, 400, _("bad.heading"), _("bad.body"), here=path)
        if errors:
            return self.join_page(
                visit,
                db,
                workshop,
                nickname=nickname,
                age=age,
                consent=consent,
                errors=errors,
                status=422,
            )
        if age == "under-13" and not workshop.allow_under_13:
            return self.message(
                visit,
                403,
                _("young.heading"),
                _("young.body"),
                _("young.nothing"),
                here=routes.workshop_path(workshop.join_code),
                workshop_title=workshop.title,
            )
        try:
            token = self.join_once(db, workshop, join_id, nickname=nickname, age=age, now=visit.now)
        except workshops.JoinError:
            return self.closed(visit, workshop.join_code)
        except workshops.WorkshopError as exc:
            log.info("Join refused: %s", exc)
            return self.join_page(
                visit,
                db,
                workshop,
                nickname=nickname,
                age=age,
                consent=consent,
                errors=[("age-1", str(exc))],
                status=422,
            )
        response = RedirectResponse(routes.workshop_path(workshop.join_code), 303, headers=NO_STORE)
        self.set_cookie(
            response,
            PARTICIPANT_COOKIE,
            token,
            routes.workshop_path(workshop.join_code),
            max_age=COOKIE_MAX_AGE,
        )
        return response

    def join_once(
        self,
        db: Database,
        workshop: workshops.Workshop,
        join_id: str,
        *,
        nickname: str,
        age: str,
        now: dt.datetime,
    ) -> str:
        """Join, or give the token this join form already got (a double tap is one person)."""
        key = f"{workshop.id}:{uuid.UUID(join_id)}"
        clock = now.timestamp()
        with self.joins_lock:
            stale = clock - JOIN_MEMORY_SECONDS
            for old in [k for k, (at, _token) in self.joins.items() if at < stale]:
                del self.joins[old]
            known = self.joins.get(key)
            if known is not None:
                return known[1]
            joined = workshops.join(
                db,
                workshop.join_code,
                age_band=age,
                consent=True,
                nickname=nickname or None,
                now=now,
                workshop=workshop,
            )
            self.joins[key] = (clock, joined.token)
        workshop_live.changed(workshop.id)
        return joined.token

    # --- taking part ------------------------------------------------------------------------

    def require_seat(self, request: Request, db: Database) -> Seat:
        """The participant posting, or :class:`Stop`: JSON 401, or back to the join page."""
        typed = str(request.path_params.get("code", ""))
        visit = self.visit(request, db)
        seat = self.seat_of(visit, db, typed)
        if seat is None:
            raise Stop(self.not_seated(visit, typed))
        return seat

    def not_seated(self, visit: Visit, typed: str) -> Response:
        """The answer to a post from someone who is not (or no longer) in this workshop."""
        if wants_json(visit.request):
            return JSONResponse(
                {"ok": False, "gone": True, "error": visit._("not_open.heading")},
                401,
                headers=NO_STORE,
            )
        return RedirectResponse(routes.workshop_path(typed), 303, headers=NO_STORE)

    def check_csrf(self, seat: Seat, form: Mapping[str, list[str]]) -> None:
        self.check_token_csrf(seat.visit, seat.token, seat.code, form)

    def check_token_csrf(
        self, visit: Visit, token: str, code: str, form: Mapping[str, list[str]]
    ) -> None:
        sent = _first(form, "csrf")
        if not sent or not hmac.compare_digest(sent, self.csrf_for(token)):
            raise Stop(self.refuse_csrf(visit, routes.workshop_path(code)))

    def refusal(self, seat: Seat, db: Database, doing: str, exc: Exception) -> tuple[int, str]:
        """Why the domain refused, as a status and a message in the page's language."""
        _ = seat.visit._
        here = workshops.presence(db, seat.token)
        if here is None or here.workshop.state != "open":
            return 410, _("closed.heading") + ". " + _("closed.body")
        if here.workshop.input_locked:
            return 409, _("paused")
        activity = here.activity
        if activity is None:
            return 409, _("not_started")
        if doing == "note" and not activity.takes_notes:
            return 409, _("note.not_now", title=activity.title)
        if doing in ("vote", "unvote") and activity.kind != "vote":
            return 409, _("vote.not_now", title=activity.title)
        if doing == "vote" and here.votes_left == 0:
            return 409, _("vote.limit", n=activity.votes_per_person or 0)
        return 422, str(exc)

    def refresh(self, seat: Seat, db: Database) -> Seat:
        """The seat with the workshop as it is now (after a refused write)."""
        here = workshops.presence(db, seat.token) or seat.here
        return Seat(visit=seat.visit, token=seat.token, here=here)

    def answer_refused(
        self, seat: Seat, db: Database, status: int, message: str, note: NoteForm | None = None
    ) -> Response:
        if wants_json(seat.visit.request):
            return JSONResponse({"ok": False, "error": message}, status, headers=NO_STORE)
        fresh = self.refresh(seat, db)
        if fresh.workshop.state != "open":
            return self.closed(seat.visit, seat.code, fresh)
        form = note or NoteForm()
        if not form.errors:
            form.errors = [("", message)]
        return self.activity_page(fresh, db, note=form, status=status)

    @_form
    def note(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        seat = self.require_seat(request, db)
        self.check_csrf(seat, form)
        _ = seat.visit._
        activity = seat.activity
        question = activity is not None and activity.kind == "question"
        typed = NoteForm(
            step=_first(form, "step").strip()[:100],
            kind=_first(form, "kind").strip(),
            text=_first(form, "text").strip(),
        )
        note_id = _first(form, "id")
        if not _is_uuid(note_id):
            return self.answer_refused(seat, db, 400, _("bad.heading") + ". " + _("bad.body"))
        errors: list[tuple[str, str]] = []
        if not question and not typed.step:
            errors.append(("step", _("note.step.error")))
        if typed.kind not in workshops.NOTE_KINDS:
            if question:
                typed.kind = "idea"
            else:
                errors.append(("kind-1", _("note.kind.error")))
                typed.kind = ""
        if not typed.text:
            errors.append(("text", _("note.answer.error" if question else "note.text.error")))
        elif len(typed.text) > workshops.MAX_NOTE_LENGTH:
            errors.append(
                ("text", _("note.too_long", n=workshops.MAX_NOTE_LENGTH, length=len(typed.text)))
            )
        if errors:
            typed.errors = errors
            return self.answer_refused(seat, db, 422, errors[0][1], typed)
        try:
            stored = workshops.add_note(
                db,
                seat.token,
                id=note_id,
                step_id=typed.step or None,
                kind=typed.kind,
                text=typed.text,
                now=seat.visit.now,
            )
        except workshops.WorkshopError as exc:
            status, message = self.refusal(seat, db, "note", exc)
            target = "step" if status == 422 and not question else ""
            typed.errors = [(target, message)]
            return self.answer_refused(seat, db, status, message, typed)
        if stored:
            workshop_live.changed(seat.workshop.id)
        if wants_json(request):
            return JSONResponse({"ok": True, "stored": stored}, headers=NO_STORE)
        query = {"tack": "1", **({"steg": typed.step} if typed.step else {})}
        target = f"{routes.workshop_path(seat.code)}?{urlencode(query)}#lapp"
        return RedirectResponse(target, 303, headers=NO_STORE)

    def vote_target(self, form: Mapping[str, list[str]]) -> tuple[str | None, str | None]:
        note_id = _first(form, "note_id").strip()[:64] or None
        step_id = _first(form, "step_id").strip()[:100] or None
        return note_id, step_id

    @_form
    def vote(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        return self.change_vote(request, db, form, doing="vote")

    @_form
    def unvote(self, request: Request, db: Database, form: dict[str, list[str]]) -> Response:
        return self.change_vote(request, db, form, doing="unvote")

    def change_vote(
        self, request: Request, db: Database, form: Mapping[str, list[str]], *, doing: str
    ) -> Response:
        # The busiest post of all (a room voting at once): who posts is checked with one
        # small lookup, and the vote reads the participant, the workshop and the activity
        # under its own write lock; the whole seat is read only to explain a refusal.
        typed = str(request.path_params.get("code", ""))
        visit = self.visit(request, db)
        token = self.token_of(request)
        place = workshops.joined_workshop(db, token) if token else None
        if place is None or not same_code(typed, place[1]):
            return self.not_seated(visit, typed)
        workshop_id, code = place
        self.check_token_csrf(visit, token, code, form)
        note_id, step_id = self.vote_target(form)
        vote_id = _first(form, "id")
        if (note_id is None) == (step_id is None) or not _is_uuid(vote_id):
            seat = self.require_seat(request, db)
            _ = visit._
            return self.answer_refused(seat, db, 400, _("bad.heading") + ". " + _("bad.body"))
        try:
            if doing == "vote":
                outcome = workshops.cast_vote(
                    db, token, id=vote_id, note_id=note_id, step_id=step_id, now=visit.now
                )
            else:
                outcome = workshops.take_back_vote(
                    db, token, note_id=note_id, step_id=step_id, now=visit.now
                )
        except workshops.WorkshopError as exc:
            seat = self.require_seat(request, db)
            status, message = self.refusal(seat, db, doing, exc)
            return self.answer_refused(seat, db, status, message)
        if outcome.stored:
            workshop_live.changed(workshop_id)
        if wants_json(request):
            return JSONResponse(
                {"ok": True, "stored": outcome.stored, "votes_left": outcome.votes_left},
                headers=NO_STORE,
            )
        anchor = f"#v-{note_id or step_id}"
        return RedirectResponse(routes.workshop_path(code) + anchor, 303, headers=NO_STORE)

    # --- the page of the current activity ---------------------------------------------------

    def snapshot(self, seat: Seat, db: Database) -> dict[str, Any]:
        """What the page shows in a few values, and a version that changes with them."""
        workshop = seat.workshop
        activity = seat.activity
        left = seat.here.votes_left
        parts: list[object] = [
            workshop.state,
            activity.id if activity else "",
            int(workshop.input_locked),
            int(workshop.results_revealed),
            int(workshop.timer_ends_at is not None),
            left,
        ]
        if activity is not None:  # the facilitator may reword the activity while it runs
            parts += [activity.title, activity.prompt or "", activity.question or ""]
        if activity is not None and activity.kind == "vote":  # what can be voted on
            parts.append(seat.here.notes_revision)
        if workshop.results_revealed:
            parts.append(workshops.participation(db, workshop.id).votes)
        digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]
        return {
            "state": workshop.state,
            "activity": activity.id if activity else None,
            "kind": activity.kind if activity else None,
            "locked": workshop.input_locked,
            "revealed": workshop.results_revealed,
            "votes_left": left,
            "timer": timer_text(workshop, seat.visit.now, seat.visit.lang),
            "version": digest,
        }

    @_page
    def state(self, request: Request, db: Database) -> Response:
        typed = str(request.path_params.get("code", ""))
        visit = self.visit(request, db)
        seat = self.seat_of(visit, db, typed)
        if seat is None:
            return JSONResponse({"ok": False, "gone": True}, 401, headers=NO_STORE)
        return JSONResponse(self.snapshot(seat, db), headers=NO_STORE)

    def activity_page(
        self,
        seat: Seat,
        db: Database,
        *,
        note: NoteForm | None = None,
        thanks: bool = False,
        status: int = 200,
    ) -> Response:
        visit = seat.visit
        workshop = seat.workshop
        journey = workshops.workshop_journey(db, workshop)
        activity = seat.activity
        order = workshops.agenda_ids(db, workshop.id) if activity else []
        position = (
            visit._("activity.position", n=order.index(activity.id) + 1, total=len(order))
            if activity and activity.id in order
            else ""
        )
        note = note or NoteForm()
        voting = activity is not None and activity.kind == "vote"
        voted = (
            workshops.my_vote_targets(db, seat.participant.id, activity.id)
            if voting and activity is not None
            else set()
        )
        snapshot = self.snapshot(seat, db)

        def draw(nonce: str | None, csrf: str, who: Seat, new_ids: IdMaker) -> str:
            return self.activity_html(
                who, db, journey, note, thanks, position, voted, snapshot["version"],
                nonce=nonce, csrf=csrf, new_ids=new_ids,
            )  # fmt: skip

        if voting and not voted and not workshop.results_revealed and not note.errors:
            # What everyone who has not voted yet sees (all who just joined): drawn once per
            # version of the page, then filled in per phone.
            assert activity is not None
            org = visit.org
            key = ("vote", workshop.id, workshop.created_at, workshop.join_code, position)
            key += (snapshot["version"], snapshot["timer"], visit.lang, org.name, org.colour)
            key += (workshop.title, activity.vote_on, activity.votes_per_person, thanks)
            key += (id(journey),)

            def marked(nonce: str, mark: str) -> str:
                stand_in = dataclasses.replace(
                    seat.here,
                    participant=seat.participant.model_copy(update={"nickname": mark + "nick"}),
                )
                who = Seat(visit=visit, token=seat.token, here=stand_in)
                return draw(nonce, mark + "csrf", who, lambda n: [f"{mark}id{i}" for i in range(n)])

            html = self.kept_html(
                key, visit, marked, keep=journey, csrf=self.csrf_for(seat.token),
                nick=seat.participant.nickname,
            )  # fmt: skip
        else:
            html = draw(None, self.csrf_for(seat.token), seat, pages.new_ids)
        return self.answer(visit, html, status=status)

    def activity_html(
        self,
        seat: Seat,
        db: Database,
        journey: Journey,
        note: NoteForm,
        thanks: bool,
        position: str,
        voted: set[str],
        version: str,
        *,
        nonce: str | None,
        csrf: str,
        new_ids: IdMaker,
    ) -> str:
        """The page of the current activity (see :meth:`activity_page`)."""
        visit = seat.visit
        _ = visit._
        workshop = seat.workshop
        labels = kind_labels(visit.lang)
        activity = seat.activity
        steps = workshops.notes_on_steps(db, workshop, audience="participant")
        titles = {s.step_id: s.title for s in steps}
        context: dict[str, Any] = {
            "activity": activity,
            "position": position,
            "timer": timer_text(workshop, visit.now, visit.lang),
            "locked": workshop.input_locked,
            "content_lang": journey.language,
            "csrf": csrf,
            "errors": note.errors,
            "field_errors": note.field_errors,
            "thanks": thanks,
            "test_href": routes.citizen_path(activity.share_code)
            if activity and activity.kind == "test" and activity.share_code
            else None,
        }
        takes_notes = activity is not None and activity.takes_notes
        if takes_notes:
            groups: list[dict[str, Any]] = []
            for s in steps:
                if not s.in_journey:
                    continue
                title = s.phase_title or _("note.step.other")
                if not groups or groups[-1]["title"] != title:
                    groups.append({"title": title, "steps": []})
                groups[-1]["steps"].append({"id": s.step_id, "title": s.title})
            mine = [
                {
                    "kind": n.kind,
                    "kind_label": labels[n.kind],
                    "step": titles.get(n.step_id or "", n.step_id or ""),
                    "text": n.text,
                }
                for n in workshops.notes_of_participant(db, seat.participant.id)
                if not n.hidden
                and n.merged_into is None
                and (activity.kind != "question" or n.activity_id == activity.id)
            ]
            context.update(
                note_action=routes.workshop_note_path(seat.code),
                note_id=new_ids(1)[0],
                note=note,
                step_groups=groups,
                kinds=list(labels.items()),
                mine=list(reversed(mine)),
            )
        voting = activity is not None and activity.kind == "vote"
        if voting:
            assert activity is not None
            context.update(self.vote_context(seat, activity, steps, labels, voted, new_ids))
        results = None
        if voting:
            assert activity is not None
            results = workshops.vote_results(
                db, workshop, activity, journey, visible=workshop.results_revealed
            )
        elif workshop.results_revealed:
            try:
                results = workshops.results(db, workshop.id, audience="participant")
            except workshops.WorkshopError:  # no vote in the agenda
                results = None
            if results is not None and not voting and not results.visible:
                results = None
        context["results"] = self.results_context(results, titles, labels, visit.lang)
        return self.html(
            visit,
            "workshop/activity.html",
            here=routes.workshop_path(seat.code),
            seat=seat,
            nonce=nonce,
            title=activity.title if activity else _("activity.none.heading"),
            workshop_title=workshop.title,
            takes_notes=takes_notes,
            voting=voting,
            state_url=routes.workshop_state_path(seat.code),
            version=version,
            page_href=routes.workshop_path(seat.code),
            max_note=workshops.MAX_NOTE_LENGTH,
            poll=True,
            **context,
        )

    def vote_context(
        self,
        seat: Seat,
        activity: workshops.Activity,
        steps: list[workshops.StepNotes],
        labels: dict[str, str],
        mine: set[str],
        new_ids: IdMaker,
    ) -> dict[str, Any]:
        _ = seat.visit._
        left = seat.here.votes_left
        groups: list[VoteGroup] = []
        if activity.vote_on == "steps":
            shown = [s for s in steps if s.in_journey]
            ids = iter(new_ids(len(shown)))
            for s in shown:
                title = s.phase_title or _("note.step.other")
                if not groups or groups[-1].title != title:
                    groups.append(VoteGroup(title))
                groups[-1].entries.append(
                    VoteItem(
                        field="step_id",
                        id=s.step_id,
                        key=f"s-{s.step_id}",
                        text=s.title,
                        mine=s.step_id in mine,
                        form_id=next(ids),
                    )
                )
        else:
            ids = iter(new_ids(sum(len(s.notes) for s in steps)))
            for s in steps:
                if not s.notes:
                    continue
                groups.append(
                    VoteGroup(
                        s.title,
                        [
                            VoteItem(
                                field="note_id",
                                id=n.id,
                                key=f"n-{n.id}",
                                text=n.text,
                                kind=n.kind,
                                kind_label=labels[n.kind],
                                by=_("by", nickname=n.nickname),
                                mine=n.id in mine,
                                form_id=next(ids),
                            )
                            for n in s.notes
                        ],
                    )
                )
        if left == 0:
            left_text = _("vote.left.none")
        elif left == 1:
            left_text = _("vote.left.one")
        else:
            left_text = _("vote.left", n=left)
        return {
            "votes_left": left,
            "votes_left_text": left_text,
            "vote_how": _(
                ("vote.how.short." if activity.prompt else "vote.how.")
                + ("steps" if activity.vote_on == "steps" else "notes")
            ),
            "vote_groups": groups,
            "vote_action": routes.workshop_vote_path(seat.code),
            "unvote_action": routes.workshop_unvote_path(seat.code),
        }

    def results_context(
        self,
        results: workshops.VoteResults | None,
        titles: dict[str, str],
        labels: dict[str, str],
        lang: Lang,
    ) -> dict[str, Any] | None:
        if results is None:
            return None
        _ = translator(lang)
        counts = [
            {
                "label": c.label,
                "kind": c.kind or "",
                "kind_label": labels.get(c.kind or "", ""),
                "step": titles.get(c.step_id or "", "") if c.note_id else "",
                "votes": _("vote.count.one") if c.votes == 1 else _("vote.count", n=c.votes),
            }
            for c in results.counts
        ]
        return {
            "title": results.title,
            "visible": results.visible,
            "counts": counts,
            "summary": _(
                "results.voters",
                voters=_("people.one") if results.voters == 1 else _("people", n=results.voters),
                votes=_("vote.count.one")
                if results.total_votes == 1
                else _("vote.count", n=results.total_votes),
            ),
        }

    # --- anything else under /w -------------------------------------------------------------

    def missing(self, request: Request) -> Response:
        """Anything else under ``/w/``: the code form, naming what was asked for."""
        visit = self.visit(request)
        rest = str(request.path_params.get("rest", "")).split("/")[0]
        return self.entry_page(
            visit, typed=rest, error=visit._("entry.invalid", code=_short(rest)), status=404
        )

    def back_to_page(self, request: Request) -> Response:
        """A GET on an address that takes posts: the workshop page is where to be."""
        typed = str(request.path_params.get("code", ""))[:MAX_CODE_CHARS]
        return RedirectResponse(routes.workshop_path(typed), 303, headers=NO_STORE)

    def routes(self) -> list[BaseRoute]:
        """The routes, with a catch-all for anything else under ``/w/``."""
        return [
            Route(routes.WORKSHOP_ENTRY, self.entry, methods=["GET"]),
            Route(routes.WORKSHOP_ENTRY, self.entry_submit, methods=["POST"]),
            Route(routes.WORKSHOP, self.show, methods=["GET"]),
            Route(routes.WORKSHOP_JOIN, self.join, methods=["POST"]),
            Route(routes.WORKSHOP_NOTE, self.note, methods=["POST"]),
            Route(routes.WORKSHOP_VOTE, self.vote, methods=["POST"]),
            Route(routes.WORKSHOP_UNVOTE, self.unvote, methods=["POST"]),
            Route(routes.WORKSHOP_STATE, self.state, methods=["GET"]),
            Route(routes.WORKSHOP_JOIN, self.back_to_page, methods=["GET"]),
            Route(routes.WORKSHOP_NOTE, self.back_to_page, methods=["GET"]),
            Route(routes.WORKSHOP_VOTE, self.back_to_page, methods=["GET"]),
            Route(routes.WORKSHOP_UNVOTE, self.back_to_page, methods=["GET"]),
            Route("/w/{rest:path}", self.missing, methods=["GET"]),
        ]


def participant_routes(site: Site, *, guard: JoinGuard | None = None) -> list[BaseRoute]:
    """The routes of the workshop participant pages (``/w`` and everything under it)."""
    return ParticipantPages(site, guard=guard).routes()


__all__ = ["FORM_COOKIE", "PARTICIPANT_COOKIE", "ParticipantPages", "participant_routes"]
