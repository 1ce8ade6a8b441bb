"""Forms refuse posts without the right token (with a page that says what to do), cookies
carry HttpOnly/SameSite (and Secure behind https), and every response of ours carries the
security headers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Route

from tests.toolkit.test_workshop_pages import NOW, Phone, TestClient, field
from tests.toolkit.test_workshop_pages import World as WorkshopWorld
from toolkit import accounts, routes
from toolkit.settings import Settings
from toolkit.web import create_api

PASSWORD = "rätt häst batteri"
HTTPS = "https://medskapa.exempelkommun.se"


class Site(WorkshopWorld):
    def __init__(self, path: Path, public_url: str) -> None:
        super().__init__(path)
        self.public_url = public_url
        self.designer = accounts.add_user(
            self.db(), "anna@kommun.se", PASSWORD, role="designer", now=NOW
        )
        self.token = accounts.start_session(self.db(), self.designer, now=NOW, hours=12)
        self.open()

    def api(self) -> Any:
        return create_api(
            Settings(db_path=self.path, public_url=self.public_url), clock=lambda: NOW
        )

    def url(self, template: str) -> str:
        workshop = template.startswith("/w") or "workshop" in template
        values = {
            "code": self.code if workshop else self.share,
            "step_id": "start",
            "version_id": self.version.id,
            "journey_id": self.version.journey_id,
            "fmt": "yaml",
            "rest": "finns-inte",
            "name": "steg.csv",
        }
        return re.sub(r"{(\w+)(?::\w+)?}", lambda m: values[m.group(1)], template)


@pytest.fixture(scope="module", params=["http", "https"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Site:
    public = HTTPS if request.param == "https" else "http://192.168.1.20:3000"
    return Site(tmp_path_factory.mktemp("headers") / "site.db", public)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    base = "https://testserver" if site.public_url.startswith("https") else "http://testserver"
    with TestClient(site.api(), base_url=base, follow_redirects=False) as c:
        yield c


def cookies_set(response: Any) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def assert_flags(header: str, *, https: bool) -> None:
    lowered = header.lower()
    assert "httponly" in lowered, header
    assert "samesite=lax" in lowered, header
    assert ("secure" in lowered.split("; ")) == https, header


# --- CSRF -------------------------------------------------------------------------------------


def test_every_citizen_and_participant_form_refuses_a_missing_or_wrong_token(
    site: Site, client: TestClient
) -> None:
    # a tester who consented and a participant who joined: the cookies are all there
    page = client.get(routes.citizen_path(site.share))
    started = client.post(
        routes.citizen_start_path(site.share),
        data={"csrf": field(page, "csrf"), "age": "30-49", "consent": "ja"},
    )
    assert started.status_code == 303
    assert Phone(client, site.code).join("Kim").status_code == 303
    client.get(routes.withdraw_path())
    posts = [
        r.path
        for r in client.app.routes
        if isinstance(r, Route)
        and "POST" in (r.methods or set())
        and (r.path == "/w" or r.path.startswith(("/t/", "/w/")))
    ]
    assert len(posts) >= 11
    before = {t: site.count(t) for t in ("events", "ratings", "comments", "workshop_notes")}
    for template in posts:
        url = site.url(template)
        for token in (None, "", "x" * 24, "A" * 200):
            data = {"id": str(uuid.uuid4()), "step_id": "start", "rating": "3", "text": "hej"}
            data.update(code=site.code, age="30-49", consent="ja", step="start", kind="pain")
            if token is not None:
                data["csrf"] = token
            response = client.post(url, data=data)
            assert response.status_code in (400, 403), (url, token, response.status_code)
            text = response.text
            assert "Sidan var för gammal" in text, url
            assert "ladda om sidan" in text.lower() or "försök igen" in text.lower(), url
    assert {t: site.count(t) for t in before} == before


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "https://elak.example"},
        {"origin": "null", "sec-fetch-site": "cross-site"},
    ],
    ids=["cross-site", "same-site", "foreign-origin", "null-origin"],
)
def test_sign_in_sign_out_and_the_session_api_refuse_other_sites(
    site: Site, client: TestClient, headers: dict[str, str]
) -> None:
    login = client.post(
        routes.LOGIN, data={"email": "anna@kommun.se", "password": PASSWORD}, headers=headers
    )
    assert login.status_code == 403 and "från en annan webbplats" in login.text
    assert "set-cookie" not in login.headers
    api = client.post(
        routes.SESSION_API, json={"email": "anna@kommun.se", "password": PASSWORD}, headers=headers
    )
    assert api.status_code == 403
    client.cookies.set(routes.SESSION_COOKIE, site.token)
    assert client.post(routes.LOGOUT, headers=headers).status_code == 403
    assert accounts.user_for_session(site.db(), site.token, now=NOW) is not None  # still in


# --- cookies ----------------------------------------------------------------------------------


def test_every_cookie_is_httponly_lax_and_secure_behind_https(
    site: Site, client: TestClient
) -> None:
    https = site.public_url.startswith("https")
    seen: dict[str, str] = {}
    page = client.get(routes.citizen_path(site.share) + "?lang=en")
    seen.update(cookies_set(page))
    started = client.post(
        routes.citizen_start_path(site.share),
        data={"csrf": field(page, "csrf"), "age": "30-49", "consent": "ja"},
    )
    seen.update(cookies_set(started))
    entry = client.get(routes.workshop_entry_path())
    seen.update(cookies_set(entry))
    seen.update(cookies_set(client.get(routes.workshop_path(site.code))))
    phone = Phone(client, site.code)
    seen.update(cookies_set(phone.join("Kim")))
    seen.update(cookies_set(client.get(routes.withdraw_path())))
    login = client.post(
        routes.LOGIN,
        data={"email": "anna@kommun.se", "password": PASSWORD},
        headers={"sec-fetch-site": "same-origin"},
    )
    assert login.status_code == 303
    seen.update(cookies_set(login))
    for name in ("ms_t", "ms_lang", "ms_wf", "ms_p", "ms_w", routes.SESSION_COOKIE):
        assert name in seen, f"{name} was never set: {sorted(seen)}"
    for header in seen.values():
        assert_flags(header, https=https)
    assert f"Path={routes.citizen_path(site.share)}" in seen["ms_t"]  # one test only
    assert f"Path={routes.workshop_path(site.code)}" in seen["ms_p"]  # one workshop only


# --- headers ----------------------------------------------------------------------------------


def test_every_get_route_of_ours_carries_the_security_headers(
    site: Site, client: TestClient
) -> None:
    https = site.public_url.startswith("https")
    client.cookies.set(routes.SESSION_COOKIE, site.token)
    gets = [
        r.path for r in client.app.routes if isinstance(r, Route) and "GET" in (r.methods or set())
    ]
    gets += ["/static/medskapa.css", "/finns/inte", "/t/", "/api/v1/journeys"]
    assert len(gets) >= 30
    for template in gets:
        url = site.url(template)
        response = client.get(url)
        assert response.status_code < 500, url
        headers = response.headers
        csp = headers.get("content-security-policy", "")
        assert "frame-ancestors 'self'" in csp, url
        if "default-src 'none'" not in csp:  # a self-contained page allows nothing at all
            assert "object-src 'none'" in csp and "script-src 'self'" in csp, url
        assert "'unsafe-eval'" not in csp, url
        assert headers.get("x-content-type-options") == "nosniff", url
        assert headers.get("referrer-policy") == "no-referrer", url
        assert headers.get("x-frame-options") == "SAMEORIGIN", url
        assert ("strict-transport-security" in headers) == https, url


def test_only_our_own_pages_may_open_the_designer_apps_websocket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Reflex websocket carries the session cookie; another site (even on the same
    host, another port) must not be able to open it in a signed-in designer's browser."""
    import rxconfig  # the project root is on sys.path (tests is a package there)

    monkeypatch.setenv("MEDSKAPA_PUBLIC_URL", "https://medskapa.exempelkommun.se")
    monkeypatch.setenv("MEDSKAPA_PORT", "3000")
    monkeypatch.delenv("MEDSKAPA_DEV", raising=False)
    origins = rxconfig._allowed_origins()  # reads the environment on each call
    assert origins == [
        "http://127.0.0.1:3000",
        "http://localhost:3000",
        "https://medskapa.exempelkommun.se",
    ]
    assert "*" not in origins
