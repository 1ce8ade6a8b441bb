"""Every route of the running app, enumerated, so a new one cannot be forgotten.

Starlette routes come from :func:`toolkit.web.create_api` itself, the Reflex pages from the
``app.add_page`` calls in ``toolkit/app/app.py`` and their page states' event handlers. A
route that is not in an explicit allow-list (public, or reached with a share or join code)
must refuse anyone not signed in; ``/api/v1`` must refuse anything but a live bearer token.
Each refusal is checked against a request that *would* succeed with the right credentials,
so a 404 from a wrong test id can never pass for a refusal.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from starlette.routing import Mount, Route

import toolkit.app.pages as page_modules
from tests.toolkit.test_workshop_pages import NOW, Phone, TestClient
from tests.toolkit.test_workshop_pages import World as WorkshopWorld
from toolkit import accounts, api_tokens, routes
from toolkit.web import testcookie as tc
from toolkit.web.participant import PARTICIPANT_COOKIE

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "rätt häst batteri"

PUBLIC: dict[tuple[str, str], str] = {
    ("/api/health", "GET"): "monitoring: says ok, the version and whether the database answers",
    ("/login", "GET"): "the sign-in form",
    ("/login", "POST"): "signing in (same-origin check, account lockout)",
    ("/logout", "POST"): "ends the caller's own session only",
    ("/api/session", "POST"): "JSON sign-in for the designer app",
    ("/api/session/end", "POST"): "ends the caller's own session only",
    ("/api/v1/openapi.json", "GET"): "the public description of the open-data API",
    ("/static", "*"): "CSS and JS",
    ("/favicon.ico", "GET"): "the site icon browsers ask for on every page",
}
"""Routes anyone may call, each with why."""

CITIZEN: set[tuple[str, str]] = {
    ("/t/withdraw", "GET"),
    ("/t/withdraw", "POST"),
    ("/t/{code}", "GET"),
    ("/t/{code}/start", "POST"),
    ("/t/{code}/s/{step_id}", "GET"),
    ("/t/{code}/s/{step_id}", "POST"),
    ("/t/{code}/task", "GET"),
    ("/t/{code}/feedback", "POST"),
    ("/t/{code}/seq", "GET"),
    ("/t/{code}/seq", "POST"),
    ("/t/{code}/sus", "GET"),
    ("/t/{code}/sus", "POST"),
    ("/t/{code}/klart", "GET"),
    ("/t/{code}/withdraw", "POST"),
    ("/t/{rest:path}", "GET"),
}
"""Reached with a share code (a capability, rate limited): no account, by design."""

PARTICIPANT: set[tuple[str, str]] = {
    ("/w", "GET"),
    ("/w", "POST"),
    ("/w/{code}", "GET"),
    ("/w/{code}/join", "POST"),
    ("/w/{code}/join", "GET"),
    ("/w/{code}/note", "POST"),
    ("/w/{code}/note", "GET"),
    ("/w/{code}/vote", "POST"),
    ("/w/{code}/vote", "GET"),
    ("/w/{code}/unvote", "POST"),
    ("/w/{code}/unvote", "GET"),
    ("/w/{code}/state", "GET"),
    ("/w/{rest:path}", "GET"),
}
"""Reached with a join code; writing needs the participant cookie joining gives."""

DESIGNER_ONLY_PATHS = ("/designer/try/",)
"""Our routes a signed-in facilitator is refused (403): trying a draft is the designer's."""

PARTICIPANT_WRITES = ["/w/{code}/note", "/w/{code}/vote", "/w/{code}/unvote"]


class Site(WorkshopWorld):
    """A published journey, a share link, an open workshop, a designer, a facilitator and
    an API token."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        db = self.db()
        self.designer = accounts.add_user(db, "anna@kommun.se", PASSWORD, role="designer", now=NOW)
        self.facilitator = accounts.add_user(
            db, "lina@kommun.se", PASSWORD, role="facilitator", now=NOW
        )
        self.designer_token = accounts.start_session(db, self.designer, now=NOW, hours=12)
        self.facilitator_token = accounts.start_session(db, self.facilitator, now=NOW, hours=12)
        _, self.api_token = api_tokens.create_token(db, "Uppföljning", created_by="t", now=NOW)
        revoked, self.revoked_token = api_tokens.create_token(db, "Gammal", created_by="t", now=NOW)
        api_tokens.revoke_token(db, revoked.id, now=NOW)
        self.open()

    def values(self, template: str) -> dict[str, str]:
        """Real ids for a route's path parameters, so that only credentials can fail."""
        workshop = "workshop" in template or template.startswith("/w/")
        known = {
            "code": self.code if workshop else self.share,
            "version_id": self.version.id,
            "journey_id": self.version.journey_id,
            "step_id": "start",
            "fmt": "yaml",
            "rest": "finns-inte",
            "name": "steg.csv",
        }
        names = re.findall(r"{(\w+)(?::\w+)?}", template)
        missing = [n for n in names if n not in known]
        assert not missing, f"{template}: add a real value for {missing} to Site.values"
        return {n: known[n] for n in names}

    def url(self, template: str) -> str:
        values = self.values(template)
        return re.sub(r"{(\w+)(?::\w+)?}", lambda m: values[m.group(1)], template)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return Site(tmp_path_factory.mktemp("routes") / "routes.db")


@pytest.fixture(scope="module")
def app(site: Site) -> Any:
    return site.api()


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def starlette_routes(app: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for route in app.routes:
        if isinstance(route, Mount):
            found.append((route.path, "*"))
        elif isinstance(route, Route):
            for method in sorted(route.methods or []):
                if method != "HEAD":
                    found.append((route.path, method))
        else:  # pragma: no cover - a new kind of route needs a look
            raise AssertionError(f"unknown route kind {route!r}")
    return found


def _protected(app: Any) -> list[tuple[str, str]]:
    return [r for r in starlette_routes(app) if r not in PUBLIC and r not in CITIZEN | PARTICIPANT]


def test_the_enumeration_sees_every_kind_of_route(app: Any) -> None:
    found = set(starlette_routes(app))
    assert found >= CITIZEN | PARTICIPANT | set(PUBLIC)
    protected = _protected(app)
    assert any(p.startswith("/designer/") for p, _ in protected)
    assert any(p.startswith("/api/v1/") for p, _ in protected)
    assert all(p.startswith(("/designer/", "/api/v1/")) for p, _ in protected), protected


def test_citizen_and_participant_routes_live_under_their_own_prefixes(app: Any) -> None:
    """A designer route cannot hide in the code-only lists: those are only /t and /w."""
    assert all(p.startswith("/t") for p, _ in CITIZEN)
    assert all(p == "/w" or p.startswith("/w/") for p, _ in PARTICIPANT)
    for path, _method in starlette_routes(app):
        if path.startswith(("/t/", "/w/")) or path == "/w":
            assert (path, _method) in CITIZEN | PARTICIPANT, f"classify {path} {_method}"


def _send(client: TestClient, method: str, url: str, **kwargs: Any) -> Any:
    client.cookies.clear()
    for name, value in kwargs.pop("cookies", {}).items():
        client.cookies.set(name, value)
    if method == "GET":
        return client.get(url, **kwargs)
    return client.request(method, url, data={"csrf": "x"}, **kwargs)


def _refused(response: Any, path: str, url: str) -> None:
    if path.startswith("/api/v1/"):
        assert response.status_code == 401, (url, response.status_code)
        assert "token" in response.json()["error"]
    elif path.startswith("/designer/api/"):
        assert response.status_code == 401, (url, response.status_code)
        assert response.json()["error"] == "Logga in för att fortsätta."
    else:
        assert response.status_code == 303, (url, response.status_code)
        assert response.headers["location"].startswith(routes.LOGIN + "?next=")
    assert "set-cookie" not in response.headers


def test_every_protected_route_refuses_anonymous_and_wrong_credentials(
    site: Site, client: TestClient, app: Any
) -> None:
    protected = _protected(app)
    assert len(protected) >= 12
    for path, method in protected:
        url = site.url(path)
        is_api = path.startswith("/api/v1/")
        good = (
            {"headers": {"Authorization": f"Bearer {site.api_token}"}}
            if is_api
            else {"cookies": {routes.SESSION_COOKIE: site.designer_token}}
        )
        ok = _send(client, method, url, **good)
        # past the sign-in check (an empty form post may still be a 400 of the page itself)
        assert ok.status_code not in (401, 403, 404, 405), (url, ok.status_code, ok.text[:300])
        assert not ok.headers.get("location", "").startswith(routes.LOGIN), url
        wrong_ways: list[dict[str, Any]] = [
            {},
            {"cookies": {routes.SESSION_COOKIE: "not-a-session"}},
            {"cookies": {routes.SESSION_COOKIE: site.api_token}},  # a token is not a session
            {"cookies": {routes.SESSION_COOKIE: site.designer_token[:-1]}},
            {"headers": {"Authorization": f"Bearer {site.designer_token}"}},
            {"headers": {"Authorization": f"Bearer {site.revoked_token}"}},
            {"headers": {"Authorization": f"Basic {site.api_token}"}},
        ]
        if is_api:  # the open-data API never takes the browser's session cookie
            wrong_ways.append({"cookies": {routes.SESSION_COOKIE: site.designer_token}})
        else:  # designer routes never take a bearer token
            wrong_ways.append({"headers": {"Authorization": f"Bearer {site.api_token}"}})
        for way in wrong_ways:
            _refused(_send(client, method, url, **way), path, url)
        as_facilitator = _send(
            client, method, url, cookies={routes.SESSION_COOKIE: site.facilitator_token}
        )
        if is_api:
            _refused(as_facilitator, path, url)  # a person's session is not an API token
        elif path.startswith(DESIGNER_ONLY_PATHS):
            assert as_facilitator.status_code == 403, (url, as_facilitator.status_code)
        else:
            assert as_facilitator.status_code == ok.status_code, url


def test_an_ended_or_expired_session_opens_nothing(site: Site, app: Any) -> None:
    db = site.db()
    ended = accounts.start_session(db, site.designer, now=NOW, hours=12)
    accounts.end_session(db, ended, now=NOW)
    later = WorkshopWorld.api(site)  # same database, a clock past the session's end
    site.now = NOW + dt.timedelta(hours=13)
    try:
        with TestClient(later, follow_redirects=False) as c:
            for path, method in _protected(app):
                if path.startswith("/api/v1/"):
                    continue
                url = site.url(path)
                for token in (ended, site.designer_token):
                    c.cookies.clear()
                    response = _send(c, method, url, cookies={routes.SESSION_COOKIE: token})
                    _refused(response, path, url)
    finally:
        site.now = NOW


def test_participant_writes_need_the_cookie_of_this_very_workshop(
    site: Site, client: TestClient
) -> None:
    other = site.make("En annan workshop")
    from workshops import open_workshop

    open_workshop(site.db(), other.id, now=NOW)
    phone = Phone(client, site.code)
    assert phone.join("Kim").status_code == 303
    mine = client.cookies.get(PARTICIPANT_COOKIE)
    assert mine
    before = site.count("workshop_notes")
    for template in PARTICIPANT_WRITES:
        # nobody joined: back to the join page, nothing stored
        with TestClient(site.api(), follow_redirects=False) as anonymous:
            answer = anonymous.post(template.replace("{code}", other.join_code), data={})
            assert answer.status_code in (303, 400, 401), (template, answer.status_code)
            # someone from the first workshop, cookie sent by hand to the other one
            anonymous.cookies.set(PARTICIPANT_COOKIE, mine)
            answer = anonymous.post(
                template.replace("{code}", other.join_code),
                data={"csrf": "x", "id": "0f8fad5b-d9cb-469f-a165-70867728950e", "text": "hej"},
            )
            assert answer.status_code in (303, 400, 401), (template, answer.status_code)
    state = client.get(routes.workshop_state_path(other.join_code))
    assert state.status_code == 401  # the first workshop's participant is nobody here
    assert site.count("workshop_notes") == before


def test_a_test_cookie_of_one_share_link_opens_nothing_on_another(
    site: Site, client: TestClient
) -> None:
    from prototypes import create_share_link

    other = create_share_link(site.db(), site.version.id, created_by="t", now=NOW).code
    page = client.get(routes.citizen_path(site.share))
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    started = client.post(
        routes.citizen_start_path(site.share),
        data={"csrf": token.group(1), "age": "30-49", "consent": "ja"},
    )
    assert started.status_code == 303
    cookie = client.cookies.get(tc.COOKIE)
    assert cookie and tc.decode(cookie, site.api().state.medskapa_secret, code=site.share)
    assert tc.decode(cookie, site.api().state.medskapa_secret, code=other) is None
    with TestClient(site.api(), follow_redirects=False) as c:
        c.cookies.set(tc.COOKIE, cookie, path=routes.citizen_path(other))
        step = c.get(routes.citizen_step_path(other, "start"))
        assert step.status_code == 303  # back to the welcome page: no consent on this link
        assert step.headers["location"] == routes.citizen_path(other)


# --- the Reflex pages ------------------------------------------------------------------------


def reflex_pages() -> list[tuple[str, str]]:
    """(route constant, state class) of every ``app.add_page`` call in toolkit/app/app.py."""
    tree = ast.parse((ROOT / "toolkit" / "app" / "app.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_page"
        ):
            kw = {k.arg: k.value for k in node.keywords}
            route, load = kw.get("route"), kw.get("on_load")
            assert isinstance(route, ast.Attribute), "pages take their route from toolkit.routes"
            assert isinstance(load, ast.Attribute) and isinstance(load.value, ast.Name), (
                f"page {route.attr} has no on_load State.load: it would never check sign-in"
            )
            found.append((route.attr, load.value.id))
    return found


def page_states() -> dict[str, type]:
    from toolkit.app.state import SessionState

    states: dict[str, type] = {}
    for info in pkgutil.iter_modules(page_modules.__path__):
        module = importlib.import_module(f"toolkit.app.pages.{info.name}")
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, SessionState)
                and value.__module__ == module.__name__
            ):
                states[name] = value
    return states


def _checks_sign_in(fn: Any, owner: type, seen: set[str] | None = None) -> bool:
    """True when ``fn`` (or a helper of its class or module it calls) calls authorised()."""
    seen = seen if seen is not None else set()
    source = inspect.getsource(fn)
    if "authorised(" in source:
        return True
    module = inspect.getmodule(fn)
    for name in re.findall(r"(?:self\.)?(_?\w+)\(", source):
        if name in seen:
            continue
        seen.add(name)
        helper = getattr(owner, name, None) if f"self.{name}(" in source else None
        helper = helper or getattr(module, name, None)
        helper = getattr(helper, "fn", helper)
        if (
            inspect.isfunction(helper)
            and helper.__module__.startswith("toolkit.app")
            and _checks_sign_in(helper, owner, seen)
        ):
            return True
    return False


OUTSIDE = ("journeys", "prototypes", "feedback", "workshops", "toolkit.")
"""Code that reaches past the tab's own state: the database, accounts, the domain."""
TAB_ONLY = {"toolkit.i18n", "toolkit.app.state", "toolkit.app.components"}


def _stays_in_the_tab(fn: Any, owner: type, seen: set[str] | None = None) -> bool:
    """True when ``fn`` (and the ``self._helpers`` it calls) uses nothing from the database,
    accounts or domain packages: it only changes the tab's own vars (a dialog open/closed,
    a choice in a select, the clipboard), so it needs no session check."""
    seen = seen if seen is not None else set()
    for name in fn.__code__.co_names:
        value = fn.__globals__.get(name)
        module = getattr(value, "__name__", "") if inspect.ismodule(value) else ""
        module = module or getattr(value, "__module__", "") or ""
        if (
            value is not None
            and module.startswith(OUTSIDE)
            and not module.startswith(tuple(TAB_ONLY))
            and module != fn.__module__
        ):
            return False
        helper = getattr(owner, name, None) if name.startswith("_") else None
        helper = getattr(helper, "fn", helper)
        if inspect.isfunction(helper) and name not in seen:
            seen.add(name)
            if not _stays_in_the_tab(helper, owner, seen):
                return False
    for const in fn.__code__.co_consts:  # lambdas and nested functions
        if inspect.iscode(const):
            inner = type(fn)(const, fn.__globals__)
            if not _stays_in_the_tab(inner, owner, seen):
                return False
    return True


DESIGNER_ONLY = {("VersionsState", "publish"), ("SettingsState", "save")}
"""Actions a facilitator may not take: publishing a version, changing the settings."""


def test_every_reflex_page_loads_through_a_sign_in_check() -> None:
    pages = reflex_pages()
    states = page_states()
    assert len(pages) >= 9
    public_prefixes = ("/t", "/w", "/api", "/login", "/static", "/designer")
    for route_name, state_name in pages:
        path = getattr(routes, route_name)
        assert not any(path == p or path.startswith(p + "/") for p in public_prefixes), path
        state = states[state_name]
        load = state.event_handlers["load"].fn
        assert _checks_sign_in(load, state), f"{state_name}.load does not call authorised()"


def test_every_reflex_event_handler_checks_the_session_or_only_sets_its_own_vars() -> None:
    states = page_states()
    assert len(states) >= 9
    checked = 0
    for name, state in states.items():
        for handler_name, handler in state.event_handlers.items():
            if handler_name == "setvar" or handler_name in ("toggle_lang",):
                continue  # Reflex's own setter, the language toggle: the tab's own vars
            fn = handler.fn
            if getattr(fn, "__qualname__", "").split(".")[0] != name:
                continue  # inherited: checked on its own class
            checked += 1
            assert _checks_sign_in(fn, state) or _stays_in_the_tab(fn, state), (
                f"{name}.{handler_name} reaches the database or the domain without calling "
                "authorised(): check the session first (ADR 0002)"
            )
    assert checked >= 40


@pytest.mark.parametrize(("state_name", "handler"), sorted(DESIGNER_ONLY))
def test_designer_only_actions_ask_for_the_designer_role(state_name: str, handler: str) -> None:
    fn = page_states()[state_name].event_handlers[handler].fn
    assert re.search(r"authorised\(\s*\"designer\"\s*\)", inspect.getsource(fn))


def test_authorised_refuses_anonymous_unknown_and_the_wrong_role(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.app import data
    from toolkit.app.state import SessionState

    db = site.db()
    monkeypatch.setattr(data, "database", lambda: db)
    monkeypatch.setattr(data, "now", lambda: NOW)
    check = SessionState.event_handlers["authorised"].fn

    def tab(cookie: str) -> Any:
        return SimpleNamespace(
            router=SimpleNamespace(headers=SimpleNamespace(cookie=cookie)),
            user_email="",
            user_role="",
        )

    def cookie(token: str) -> str:
        return f"medskapa_lang=sv; {routes.SESSION_COOKIE}={token}"

    assert not check(tab(""))
    assert not check(tab(cookie("not-a-session")))
    assert not check(tab(cookie(site.api_token)))
    facilitator = tab(cookie(site.facilitator_token))
    assert check(facilitator) and facilitator.user_role == "facilitator"
    assert check(facilitator, "designer", "facilitator")
    assert not check(facilitator, "designer") and facilitator.user_role == ""
    designer = tab(cookie(site.designer_token))
    assert check(designer, "designer") and designer.user_email == "anna@kommun.se"
