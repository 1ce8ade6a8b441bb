"""'Prova utkastet': a signed-in designer walks the journey's latest saved revision as a
citizen would, without publishing a version and without storing anything (ADR 0010).

Pages (all under ``/designer/try/<journey id>``, see :mod:`toolkit.routes`)::

    GET  /designer/try/<journey>            start over: a fresh cookie, 303 to the first step
    GET  /designer/try/<journey>/s/<step>   one step, rendered by the citizen pages' own code
    POST /designer/try/<journey>/s/<step>   read the answers → 303 to the next step (or 422)
    GET  /designer/try/<journey>/klart      the end of the draft: start over or go back

The steps are the citizen's pages (:class:`toolkit.web.citizen.CitizenPages`), with the
same answer checks, branching, back link, check-your-answers and the answers in the same
signed cookie (here with ``Path=/designer/try/<journey>``), but with no consent, no test
session, no events, no ratings and no comments: the feedback box is not shown and nothing
is written to the database. A banner says "Utkast – inget sparas". Anyone not signed in is
sent to sign in; a signed-in facilitator is refused (403): drafts are the designer's.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

import prototypes
from journeys import FieldType, Journey, ScreenStep
from journeys import store as journey_store
from toolkit import accounts, routes
from toolkit.db import get_organisation
from toolkit.web import testcookie as tc
from toolkit.web.citizen import (
    LANG_COOKIE,
    MAX_CODE_CHARS,
    NO_STORE,
    CitizenPages,
    Site,
    Test,
    _form,
    _page,
    choose_lang,
)
from toolkit.web.citizen_text import Lang
from toolkit.web.forms import Stop

COOKIE_MAX_AGE = 12 * 3600
DRAFT_CODE = "utkast:"
"""Prefix of the code a draft's cookie is signed for, so a citizen test's cookie (and the
other way round) is never accepted here."""

TEXT: dict[str, tuple[str, str]] = {
    "tag": ("Utkast", "Draft"),
    "banner": (
        "Utkast – inget sparas. Du provar revision {revision} av {title}, som den är sparad "
        "nu. Inga svar, händelser eller synpunkter lagras.",
        "Draft – nothing is stored. You are trying revision {revision} of {title} as it is "
        "saved now. No answers, events or feedback are kept.",
    ),
    "nav": ("Utkastet", "The draft"),
    "restart": ("Börja om", "Start over"),
    "back": ("Tillbaka till resekartan", "Back to the journey map"),
    "footer": (
        "Det här är ett utkast som bara du ser. Inget du gör här sparas eller skickas.",
        "This is a draft only you can see. Nothing you do here is stored or sent.",
    ),
    "end.heading": ("Du har gått igenom utkastet", "You have walked through the draft"),
    "end.body": (
        "Resan tar slut här. Inget av det du svarade sparades.",
        "The journey ends here. Nothing you answered was stored.",
    ),
    "end.action": (
        "Börja om för att prova en annan väg, eller gå tillbaka och ändra resan.",
        "Start over to try another path, or go back and change the journey.",
    ),
    "missing.heading": ("Resan finns inte", "There is no such journey"),
    "missing.body": (
        "Det finns ingen sparad resa med id {id}. Kontrollera adressen eller öppna resan från "
        "listan.",
        "There is no saved journey with the id {id}. Check the address or open the journey "
        "from the list.",
    ),
    "refused.heading": ("Bara designer kan prova utkast", "Only designers can try drafts"),
    "refused.body": (
        "Du är inloggad som facilitator. Be en designer att publicera en version och skapa "
        "en delningslänk, så kan du testa den.",
        "You are signed in as a facilitator. Ask a designer to publish a version and make a "
        "share link, then you can test that.",
    ),
}


def say(key: str, lang: Lang, **values: Any) -> str:
    """A string of the draft runner in ``lang``."""
    sv, en = TEXT[key]
    return (en if lang == "en" else sv).format(**values)


def draft_code(journey_id: str) -> str:
    """The code a draft's cookie is signed for."""
    return f"{DRAFT_CODE}{journey_id}"


class DraftPages(CitizenPages):
    """The citizen's step pages over a stored journey's current revision, storing nothing."""

    # --- where things are -----------------------------------------------------------------

    def step_path(self, code: str, step_id: str, **query: str) -> str:
        return routes.try_step_path(code.removeprefix(DRAFT_CODE), step_id, **query)

    def set_state(self, response: Response, test: Test, state: tc.TestState) -> None:
        response.set_cookie(
            tc.COOKIE,
            tc.encode(state, self.secret),
            max_age=COOKIE_MAX_AGE,
            path=routes.try_path(test.journey.id),
            httponly=True,
            samesite="lax",
            secure=self.https,
        )

    def set_lang(self, response: Response, lang: Lang) -> None:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            path=routes.TRY_ROOT,
            httponly=True,
            samesite="lax",
            secure=self.https,
        )

    # --- rendering: the citizen's templates with the draft banner, without feedback -------

    def draft_context(self, test: Test, lang: Lang) -> dict[str, str]:
        revision = getattr(test.version, "revision", None) or "?"
        return {
            "tag": say("tag", lang),
            "banner": say("banner", lang, revision=revision, title=test.journey.title),
            "nav_label": say("nav", lang),
            "restart": routes.try_path(test.journey.id),
            "restart_text": say("restart", lang),
            "back": routes.journey_page(test.journey.id),
            "back_text": say("back", lang),
            "footer": say("footer", lang),
        }

    def render(  # type: ignore[override]
        self,
        request: Request,
        template: str,
        *,
        lang: Lang,
        test: Test | None = None,
        **context: Any,
    ) -> HTMLResponse:
        swapped = {
            "citizen/step.html": "citizen/try_step.html",
            "citizen/message.html": "citizen/try_message.html",
        }
        if test is not None:
            context.setdefault("draft", self.draft_context(test, lang))
            context["show_nav"] = False
            template = swapped.get(template, template)
        return super().render(request, template, lang=lang, test=test, **context)

    # --- opening a draft ------------------------------------------------------------------

    def open_draft(self, request: Request, db: Database) -> Test:
        """The signed-in designer's view of a journey's current revision, or :class:`Stop`
        with a redirect to sign in, a 403 for facilitators or a 404 for unknown journeys."""
        now = self.site.clock()
        lang, chosen = choose_lang(request)
        org = get_organisation(db)
        user = accounts.user_for_session(db, request.cookies.get(routes.SESSION_COOKIE), now=now)
        if user is None:
            wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise Stop(RedirectResponse(routes.login_path(wanted), 303, headers=NO_STORE))
        if user.role != "designer":
            raise Stop(
                self.message(
                    request,
                    403,
                    say("refused.heading", lang),
                    say("refused.body", lang),
                    lang=lang,
                    org=org,
                )
            )
        journey_id = str(request.path_params.get("journey_id", ""))
        found = journey_store.get_journey(db, journey_id) if len(journey_id) <= 80 else None
        rows = db.execute(
            "select current_revision from journeys where id = ?", [journey_id]
        ).fetchone()
        if found is None or rows is None:
            shown = journey_id if len(journey_id) <= 40 else journey_id[:39] + "…"
            raise Stop(
                self.message(
                    request,
                    404,
                    say("missing.heading", lang),
                    say("missing.body", lang, id=shown),
                    lang=lang,
                    org=org,
                    link={"href": routes.home_page(), "text": say("back", lang)},
                )
            )
        code = draft_code(found.id)
        state = tc.decode(request.cookies.get(tc.COOKIE), self.secret, code=code)
        return Test(
            request=request,
            code=code,
            link=prototypes.ShareLink(
                code=code[:MAX_CODE_CHARS],
                version_id="",
                journey_id=found.id,
                created_at=now,
                created_by=user.email,
            ),
            version=_draft_version(found, int(rows[0]), now),
            journey=found,
            org=org,
            lang=lang,
            lang_chosen=chosen,
            state=state,
            now=now,
        )

    def draft_state(self, test: Test) -> tc.TestState:
        """The cookie's state, or :class:`Stop` with a redirect to start over."""
        if test.state is None:
            raise Stop(self.redirect(test, routes.try_path(test.journey.id)))
        return test.state

    def end_page(self, test: Test, status: int = 200) -> Response:
        return self.message(
            test.request,
            status,
            say("end.heading", test.lang),
            say("end.body", test.lang),
            action=say("end.action", test.lang),
            lang=test.lang,
            org=test.org,
            org_name=test.org_name,
            test=test,
            link={"href": routes.try_path(test.journey.id), "text": say("restart", test.lang)},
        )

    # --- pages ----------------------------------------------------------------------------

    @_page
    def start_over(self, request: Request, db: Database) -> Response:
        test = self.open_draft(request, db)
        fresh = tc.TestState(code=test.code)
        first = test.journey.first_step().id
        return self.redirect(test, self.step_path(test.code, first), fresh)

    @_page
    def show_draft_step(self, request: Request, db: Database) -> Response:
        test = self.open_draft(request, db)
        state = self.draft_state(test)
        step = self.find_step(test, str(request.path_params.get("step_id", "")))
        changing = request.query_params.get("andra")
        leaving = state.current_step()
        if changing is not None and leaving:
            summary = test.journey.step(leaving)
            if isinstance(summary, ScreenStep) and str(summary.pattern) == "check-answers":
                state.from_summary = summary.id
        if state.from_summary == step.id:
            state.from_summary = None
        state.visit(step.id)
        if isinstance(step, ScreenStep) and str(step.pattern) == "confirmation" and not state.case:
            state.case = prototypes.case_number(now=test.now, rng=secrets.SystemRandom())
        return self.step_page(test, state, step)

    @_form
    def submit_draft_step(
        self, request: Request, db: Database, form: dict[str, list[str]]
    ) -> Response:
        test = self.open_draft(request, db)
        state = self.check_csrf(test, form)
        step = self.find_step(test, str(request.path_params.get("step_id", "")))
        answers = dict(state.answers)
        if isinstance(step, ScreenStep) and step.fields:
            submission = prototypes.read_form(step, form, today=test.today)
            if not submission.ok:
                return self.step_page(
                    test,
                    state,
                    step,
                    values=_shown(step, state.answers, form),
                    field_errors=submission.errors,
                    status=422,
                )
            for f in step.fields:
                if f.id in submission.answers:
                    answers[f.id] = submission.answers[f.id]
                else:
                    answers.pop(f.id, None)
        state.answers = answers
        state.visit(step.id)
        target = prototypes.next_step(test.journey, step.id, answers)
        if target is None:
            state.finished = True
            return self.redirect(test, routes.try_done_path(test.journey.id), state)
        if state.from_summary:
            target = self.back_to_summary(test, state, target)
        return self.redirect(test, self.step_path(test.code, target), state)

    @_page
    def draft_done(self, request: Request, db: Database) -> Response:
        test = self.open_draft(request, db)
        return self.end_page(test)

    def routes(self) -> list[BaseRoute]:
        """The draft runner's routes."""
        return [
            Route(routes.TRY, self.start_over, methods=["GET"]),
            Route(routes.TRY_STEP, self.show_draft_step, methods=["GET"]),
            Route(routes.TRY_STEP, self.submit_draft_step, methods=["POST"]),
            Route(routes.TRY_DONE, self.draft_done, methods=["GET"]),
        ]


def _shown(
    step: ScreenStep, answers: Mapping[str, Any], form: Mapping[str, list[str]]
) -> dict[str, Any]:
    """What to show in the fields again after errors: what was just sent."""
    shown: dict[str, Any] = dict(answers)
    for f in step.fields:
        sent = [v for v in form.get(f.id, []) if v]
        shown[f.id] = sent if f.type == FieldType.checkboxes else (sent[0] if sent else "")
    return shown


def _draft_version(journey: Journey, revision: int, now: dt.datetime) -> prototypes.Version:
    """A stand-in for the published version the citizen pages expect (never stored)."""
    return prototypes.Version.model_construct(
        id=f"{journey.id}-utkast",
        journey_id=journey.id,
        number=0,
        revision=revision,
        note="",
        content_hash="",
        journey_json="",
        title=journey.title,
        created_at=now,
        author="",
    )


def try_routes(site: Site) -> list[BaseRoute]:
    """The routes of 'Prova utkastet' (designers only)."""
    return DraftPages(site).routes()


__all__ = ["DraftPages", "draft_code", "try_routes"]
