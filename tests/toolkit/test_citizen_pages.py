"""The citizen's test pages at HTTP level, without JavaScript: consent, every kind of step,
errors, check-your-answers, feedback, SEQ, SUS, withdrawal, hostile input and page weight.

The client is httpx over ASGI, like a browser with scripts off: it keeps cookies (by path)
and follows nothing on its own, so each redirect is checked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlite_utils import Database
from starlette.applications import Starlette

import feedback
import prototypes
from journeys import read_file, read_text
from journeys import store as journey_store
from toolkit import routes
from toolkit.db import open_db, set_organisation
from toolkit.settings import Settings
from toolkit.web import create_api, pages
from toolkit.web import testcookie as tc

NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)
PUBLIC = "http://192.168.1.20:3000"
EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"
TASK = "Du har svårt att gå och kör själv. Ansök om parkeringstillstånd som förare."
WEIGHT_LIMIT = 20 * 1024

NOTES = """\
id: anteckningar
title: Lämna synpunkter
organisation: Exempelkommun
steps:
  - id: skriv
    kind: screen
    title: Skriv dina synpunkter
    fields:
      - id: namn
        type: text
        label: Vad heter du?
      - id: text-a
        type: textarea
        label: Första synpunkten
      - id: text-b
        type: textarea
        label: Andra synpunkten
      - id: datum
        type: date
        label: När hände det?
      - id: val
        type: select
        label: Vilket område?
        options: [Norr, Söder]
    next: kontroll
  - id: kontroll
    kind: screen
    pattern: check-answers
    title: Kontrollera
    next: klart
  - id: klart
    kind: screen
    pattern: confirmation
    title: Tack
"""


class Client:
    """httpx over ASGI, used synchronously; keeps cookies like a browser."""

    def __init__(self, app: Any) -> None:
        self.runner = asyncio.Runner()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.runner.run(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.runner.run(self.client.aclose())
        self.runner.close()


class World:
    """The parkering example published, with share links for each case."""

    def __init__(self, path: Path) -> None:
        self.path = path
        db = self.db()
        journey = read_file(EXAMPLE).journey
        assert journey is not None
        self.journey = journey
        journey_store.save_journey(
            db, journey, source=EXAMPLE.read_text(encoding="utf-8"), author="t", now=NOW
        )
        self.version = prototypes.publish_version(db, journey.id, note="v1", author="t", now=NOW)
        self.code = self.link(task=TASK, success_step="skickad")
        self.plain = self.link()
        self.young = self.link(allow_under_13=True)
        notes = read_text(NOTES).journey
        assert notes is not None
        journey_store.save_journey(db, notes, source=NOTES, author="t", now=NOW)
        notes_version = prototypes.publish_version(db, notes.id, note="v1", author="t", now=NOW)
        self.notes = prototypes.create_share_link(
            db, notes_version.id, created_by="t", now=NOW
        ).code

    def db(self) -> Database:
        return open_db(self.path)

    def link(self, **kwargs: Any) -> str:
        options = {"created_by": "t", "now": NOW - dt.timedelta(days=1), **kwargs}
        return prototypes.create_share_link(self.db(), self.version.id, **options).code

    def api(self) -> Starlette:
        return create_api(Settings(db_path=self.path, public_url=PUBLIC), clock=lambda: NOW)

    def count(self, table: str) -> int:
        return int(self.db().execute(f"select count(*) from {table}").fetchone()[0])

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        rows = [
            dict(r)
            for r in self.db().query("select * from events order by at, rowid")
            if kind is None or r["kind"] == kind
        ]
        for row in rows:
            row["detail"] = json.loads(row["detail"])
        return rows

    def dump(self) -> str:
        """Everything in the database as text, to look for what must never be stored."""
        return "\n".join(self.db().conn.iterdump())


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "citizen.db")


@pytest.fixture
def client(world: World) -> Iterator[Client]:
    c = Client(world.api())
    yield c
    c.close()


def csrf_of(response: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', response.text)
    assert found, "no CSRF field on the page"
    return found.group(1)


def text_of(response: httpx.Response) -> str:
    """The page's visible words, roughly: tags removed, whitespace collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def main_of(response: httpx.Response) -> str:
    """The HTML of the page's <main>: what the page says, without its title and banner."""
    found = re.search(r"<main\b.*?</main>", response.text, flags=re.S)
    assert found, "no <main> on the page"
    return found.group(0)


def words_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def title_of(response: httpx.Response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.text, flags=re.S)
    assert found, "no <title>"
    return " ".join(found.group(1).split())


def h1s_of(response: httpx.Response) -> list[str]:
    return [words_of(h) for h in re.findall(r"<h1\b.*?</h1>", response.text, flags=re.S)]


def publish(world: World, text: str) -> str:
    """Publish a journey written as YAML and return a share code for it."""
    journey = read_text(text).journey
    assert journey is not None
    db = world.db()
    journey_store.save_journey(db, journey, source=text, author="t", now=NOW)
    version = prototypes.publish_version(db, journey.id, note="v1", author="t", now=NOW)
    return prototypes.create_share_link(db, version.id, created_by="t", now=NOW).code


class Tester:
    """One phone running one share link, like a person with JavaScript off."""

    __test__ = False

    def __init__(self, client: Client, code: str) -> None:
        self.client = client
        self.code = code
        self.token = ""

    def open(self) -> httpx.Response:
        response = self.client.get(routes.citizen_path(self.code))
        if 'name="csrf"' in response.text:
            self.token = csrf_of(response)
        return response

    def consent(self, age: str = "30-49") -> httpx.Response:
        self.open()
        response = self.client.post(
            routes.citizen_start_path(self.code),
            data={"csrf": self.token, "age": age, "consent": "ja"},
        )
        return response

    def start(self, age: str = "30-49") -> httpx.Response:
        response = self.consent(age)
        assert response.status_code == 303, text_of(response)
        return self.follow(response)

    def follow(self, response: httpx.Response) -> httpx.Response:
        page = self.client.get(response.headers["location"])
        if 'name="csrf"' in page.text:
            self.token = csrf_of(page)
        return page

    def step(self, step_id: str, **query: str) -> httpx.Response:
        page = self.client.get(routes.citizen_step_path(self.code, step_id, **query))
        if 'name="csrf"' in page.text:
            self.token = csrf_of(page)
        return page

    def submit(self, step_id: str, data: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(
            routes.citizen_step_path(self.code, step_id),
            data={"csrf": self.token, **(data or {})},
        )

    def go(self, step_id: str, data: dict[str, Any] | None = None) -> httpx.Response:
        """Submit a step and follow to the next page; fail on an error page."""
        response = self.submit(step_id, data)
        assert response.status_code == 303, (step_id, response.status_code, text_of(response))
        return self.follow(response)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return self.client.post(path, data={"csrf": self.token, **data}, **kwargs)

    def state(self) -> tc.TestState | None:
        for cookie in self.client.client.cookies.jar:
            if cookie.name == tc.COOKIE:
                return tc.TestState.from_dict(_payload(cookie.value or ""))
        return None


def _payload(value: str) -> Any:
    import base64
    import zlib

    payload = value.split(".")[0]
    raw = zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return json.loads(raw)


DRIVER = [
    ("start", {}),
    ("ska-du-kora", {"forare": "Ja"}),
    ("korkort", {"har-korkort": "Ja"}),
    ("gangformaga", {"gangstracka": "50", "hjalpmedel": ["Rollator"]}),
    ("varaktighet", {"varaktighet": "Det går inte över"}),
    ("logga-in", {}),
    ("kontaktuppgifter", {"telefon": "070-123 45 67", "epost": "anna.svensson@exempel.se"}),
    ("lakarintyg", {"intyg": "Läkaren skickar"}),
    ("foto", {"fotosatt": "Besök"}),
]


def walk_to_check_answers(t: Tester) -> httpx.Response:
    page = t.start()
    for step_id, data in DRIVER:
        page = t.go(step_id, data)
    assert "Kontrollera dina svar" in text_of(page)
    return page


# --- welcome and consent --------------------------------------------------------------------


def test_the_welcome_page_says_who_asks_what_is_tested_and_what_is_stored(
    world: World, client: Client
) -> None:
    response = client.get(routes.citizen_path(world.code))
    assert response.status_code == 200
    text = text_of(response)
    for words in (
        "Test av en e-tjänst",
        "Ansök om parkeringstillstånd för rörelsehindrade",
        "Exempelkommun vill göra tjänsten enklare",
        "allt är på låtsas",
        "Testet är anonymt",
        "Skriv inga riktiga personuppgifter",
        "Det tar ungefär",
        "Din uppgift",
        TASK,
        "Det här sparar vi",
        "Aldrig det du skriver i textrutor",
        "högst 12 månader",
        "I slutet får du en kod",
        "Hur gammal är du?",
        "Starta testet",
    ):
        assert words in text, words
    assert world.count("test_sessions") == 0  # nothing before consent
    state = Tester(client, world.code).state()
    assert state is not None and state.session_id is None  # only a CSRF token so far


def test_a_class_scanning_at_once_gets_one_page_each_with_its_own_token_and_nonce(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first-visit welcome page is rendered once and kept; every phone still gets its
    own form token and CSP nonce, each token works for that phone only, and a change the
    designer makes (another connection) shows on the next visit."""
    rendered: list[str] = []
    real_render = pages.render

    def counting(name: str, **kwargs: Any) -> str:
        rendered.append(name)
        return real_render(name, **kwargs)

    monkeypatch.setattr(pages, "render", counting)
    app = world.api()  # one server: the phones share what it keeps
    phones = [Client(app) for _ in range(3)]
    try:
        pages_ = [p.get(routes.citizen_path(world.code)) for p in phones]
        tokens = [csrf_of(r) for r in pages_]
        nonces = [r.headers["content-security-policy"].split("'nonce-")[1][:22] for r in pages_]
        assert len(set(tokens)) == 3 and len(set(nonces)) == 3
        assert pages.MARK not in pages_[0].text  # no stand-in left on the page
        for page, nonce in zip(pages_, nonces, strict=True):
            assert f'nonce="{nonce}' in page.text
        triples = zip(pages_, tokens, nonces, strict=True)
        same = {r.text.replace(t, "T").replace(n, "N") for r, t, n in triples}
        assert len(same) == 1  # the same page apart from the token and the nonce
        assert rendered.count("citizen/welcome.html") == 1  # rendered once for all three
        origin = {"origin": "http://testserver"}
        form = {"age": "30-49", "consent": "ja"}
        stolen = phones[1].post(
            routes.citizen_start_path(world.code), data={**form, "csrf": tokens[0]}, headers=origin
        )
        assert stolen.status_code == 400  # another phone's token is refused
        for phone, token in zip(phones, tokens, strict=True):
            done = phone.post(
                routes.citizen_start_path(world.code), data={**form, "csrf": token}, headers=origin
            )
            assert done.status_code == 303
        assert world.count("test_sessions") == 3
        set_organisation(world.db(), name="Nyköpings exempelkommun")
        fresh = Client(app)
        try:
            assert "Nyköpings exempelkommun" in fresh.get(routes.citizen_path(world.code)).text
        finally:
            fresh.close()
    finally:
        for phone in phones:
            phone.close()


def test_consent_and_age_are_required_and_named_in_an_error_summary(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.open()
    response = t.post(routes.citizen_start_path(world.code), {})
    assert response.status_code == 422
    assert "<title>Fel: " in response.text
    assert 'href="#age-1">Välj hur gammal du är' in response.text
    assert 'href="#consent">Kryssa i rutan om du vill vara med i testet' in response.text
    assert world.count("test_sessions") == 0


def test_consent_starts_a_session_and_goes_to_the_first_step(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    response = t.consent()
    assert response.status_code == 303
    assert response.headers["location"] == routes.citizen_step_path(world.code, "start")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{tc.COOKIE}=")
    assert f"Path=/t/{world.code}" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert world.count("test_sessions") == 1
    session = world.db().query("select * from test_sessions").__next__()
    assert session["age_band"] == "30-49"


def test_under_13_is_refused_unless_the_link_attests_guardian_consent(
    world: World, client: Client
) -> None:
    refused = Tester(client, world.code).consent(age="under-13")
    assert refused.status_code == 403
    assert "minst 13 år" in text_of(refused)
    assert world.count("test_sessions") == 0
    allowed = Tester(client, world.young).consent(age="under-13")
    assert allowed.status_code == 303
    assert world.count("test_sessions") == 1


def test_a_step_before_consent_goes_to_the_welcome_page(world: World, client: Client) -> None:
    response = client.get(routes.citizen_step_path(world.code, "ska-du-kora"))
    assert response.status_code == 303
    assert response.headers["location"] == routes.citizen_path(world.code)


def test_a_tester_who_comes_back_can_continue_where_they_were(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.start()
    t.go("start")
    again = t.open()
    assert "Fortsätt där du var" in text_of(again)
    assert routes.citizen_step_path(world.code, "ska-du-kora") in again.text


def test_a_code_typed_from_a_card_goes_to_the_code_as_stored(world: World, client: Client) -> None:
    typed = prototypes.format_code(world.code).upper()
    response = client.get(routes.citizen_path(typed) + "?lang=en")
    assert response.status_code == 303
    assert response.headers["location"] == routes.citizen_path(world.code) + "?lang=en"


# --- screens, errors, branching, back -------------------------------------------------------


def test_a_screen_has_progress_a_back_link_and_labelled_questions(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    page = t.go("start")
    assert page.status_code == 200
    html = page.text
    assert "Steg 2 av" in text_of(page)
    assert f'href="{routes.citizen_step_path(world.code, "start", back="1")}"' in html
    # the only question says what the title says: its legend is the page's one heading
    assert (
        '<legend class="fieldset__legend heading-l"><h1 class="fieldset__heading">'
        "Ska du själv köra bilen?</h1></legend>"
    ) in html
    assert h1s_of(page) == ["Ska du själv köra bilen?"]
    assert words_of(main_of(page)).count("Ska du själv köra bilen?") == 1
    assert '<label class="radios__label" for="forare-1">Ja</label>' in html
    assert 'aria-describedby="forare-1-hint"' in html


def test_an_empty_answer_gives_the_journeys_message_in_a_summary_linking_to_the_field(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    t.go("start")
    response = t.submit("ska-du-kora", {})
    assert response.status_code == 422
    html = response.text
    assert "<title>Fel: Ska du själv köra bilen?" in html
    assert 'class="error-summary"' in html and 'role="alert"' in html
    assert '<a href="#forare-1">Välj om du själv ska köra bilen</a>' in html
    assert 'id="forare-error"' in html
    assert 'aria-describedby="forare-error"' in html
    errors = world.events("validation_error")
    assert [(e["step_id"], e["field_id"]) for e in errors] == [("ska-du-kora", "forare")]
    assert errors[0]["detail"]["message"] == "Välj om du själv ska köra bilen"


def test_a_wrong_answer_is_shown_again_with_its_message_but_never_stored(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    for step_id, data in DRIVER[:6]:
        t.go(step_id, data)
    response = t.submit("kontaktuppgifter", {"telefon": "070-12", "epost": "inte-en-adress"})
    assert response.status_code == 422
    assert 'value="070-12"' in response.text
    assert "Ange hela telefonnumret, med riktnummer" in text_of(response)
    assert "070-12" not in world.dump()
    assert "inte-en-adress" not in world.dump()


def test_branches_follow_the_answers(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.start()
    t.go("start")
    response = t.submit("ska-du-kora", {"forare": "Nej"})
    assert response.headers["location"] == routes.citizen_step_path(world.code, "passagerare")
    t.follow(response)
    response = t.submit("ska-du-kora", {"forare": "Ja"})
    assert response.headers["location"] == routes.citizen_step_path(world.code, "korkort")


def test_the_back_link_goes_to_the_previous_step_and_is_recorded(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    t.go("start")
    t.go("ska-du-kora", {"forare": "Ja"})
    page = t.step("ska-du-kora", back="1")
    assert page.status_code == 200
    assert 'value="Ja" checked' in page.text  # the answer given is still there
    backs = world.events("back")
    assert [(e["step_id"], e["detail"]["to"]) for e in backs] == [("korkort", "ska-du-kora")]
    assert f'href="{routes.citizen_step_path(world.code, "start", back="1")}"' in page.text


def test_each_page_view_and_submission_is_an_event_without_what_was_typed(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    walk_to_check_answers(t)
    kinds = {e["kind"] for e in world.events()}
    assert {"screen_viewed", "submitted"} <= kinds
    fields = {
        e["field_id"]: e["detail"] for e in world.events("submitted") if e["field_id"] is not None
    }
    assert fields["forare"] == {"status": "filled", "option": "Ja"}
    assert fields["hjalpmedel"] == {"status": "filled", "option": "Rollator"}
    assert fields["telefon"] == {"status": "filled"}
    assert fields["gangstracka"] == {"status": "filled"}
    dump = world.dump()
    for typed in ("070-123 45 67", "0701234567", "anna.svensson", "exempel.se"):
        assert typed not in dump
    step_level = [e for e in world.events("submitted") if e["field_id"] is None]
    assert [e["step_id"] for e in step_level] == [s for s, _ in DRIVER]


def test_the_fake_e_identification_says_it_is_fake_and_asks_for_no_personnummer(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    for step_id, data in DRIVER[:5]:
        page = t.go(step_id, data)
    assert "Logga in med e-legitimation" in text_of(page)
    text = text_of(page)
    assert "Fejkad e-legitimation" in text
    assert "frågar aldrig efter ditt personnummer" in text
    form = page.text.split(f'action="{routes.citizen_step_path(world.code, "logga-in")}"')[1]
    form = form.split("</form>")[0]
    inputs = [tag for tag in re.findall(r"<input[^>]*>", form) if 'type="hidden"' not in tag]
    assert inputs == []


# --- check your answers and changing an answer ----------------------------------------------


def test_check_your_answers_shows_the_answers_just_given_with_change_links(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    page = walk_to_check_answers(t)
    text = text_of(page)
    assert "Ska du själv köra bilen? Ja" in text
    assert "Hur många meter kan du gå utan att vila? 50" in text
    assert "Min läkare skickar intyget till er" in text  # the option's label, not its value
    assert "070-123 45 67" in text  # from the phone's own cookie, not from our database
    change = routes.citizen_step_path(world.code, "gangformaga", andra="gangstracka")
    assert f'href="{change}#gangstracka"' in page.text
    assert 'Ändra<span class="visually-hidden"> Hur många meter' in page.text


def test_a_change_from_check_your_answers_returns_there(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    walk_to_check_answers(t)
    page = t.step("gangformaga", andra="gangstracka")
    assert 'value="50"' in page.text
    back = routes.citizen_step_path(world.code, "kontrollera-svar", back="1")
    assert f'href="{back}"' in page.text
    response = t.submit("gangformaga", {"gangstracka": "350", "hjalpmedel": ["Käpp eller kryckor"]})
    assert response.headers["location"] == routes.citizen_step_path(world.code, "kontrollera-svar")
    summary = t.follow(response)
    assert "Hur många meter kan du gå utan att vila? 350" in text_of(summary)
    changes = world.events("change_from_summary")
    assert [(e["step_id"], e["field_id"]) for e in changes] == [("gangformaga", "gangstracka")]


def test_a_change_that_opens_a_new_question_asks_it_before_returning(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    walk_to_check_answers(t)
    t.step("ska-du-kora", andra="forare")
    response = t.submit("ska-du-kora", {"forare": "Nej"})
    assert response.headers["location"] == routes.citizen_step_path(world.code, "passagerare")
    t.follow(response)
    response = t.submit("passagerare", {"vanta-ensam": "Nej"})
    assert response.headers["location"] == routes.citizen_step_path(world.code, "kontrollera-svar")
    summary = text_of(t.follow(response))
    assert "Kan du vänta ensam en kort stund? Nej" in summary
    assert "Har du ett körkort som gäller?" not in summary  # that branch is left behind


# --- confirmation, offline steps, decisions, the end ----------------------------------------


def finish_application(t: Tester) -> httpx.Response:
    walk_to_check_answers(t)
    return t.go("kontrollera-svar")


def test_the_confirmation_has_a_made_up_case_number_that_stays(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    page = finish_application(t)
    case = re.search(r"TEST-2025-\d{5}", page.text)
    assert case is not None
    assert "Numret är påhittat" in text_of(page)
    assert 'class="back-link"' not in page.text  # sent: there is no way back (GOV.UK)
    assert case.group(0) in t.step("skickad").text
    assert [e["step_id"] for e in world.events("task_completed")] == ["skickad"]


def test_reaching_the_task_step_asks_the_single_ease_question(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    page = finish_application(t)
    assert "Du har klarat uppgiften!" in text_of(page)
    assert "Hur lätt eller svårt var uppgiften?" in text_of(page)
    response = t.post(
        routes.citizen_seq_path(world.code),
        {"score": "6", "after": "step", "id": "1b4e28ba-2fa1-41d2-883f-0016d3cca427"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == routes.citizen_step_path(
        world.code, "skickad", tack="seq"
    )
    assert "Tack för ditt svar!" in text_of(t.follow(response))
    seq = world.db().query("select * from seq_answers").__next__()
    assert (seq["score"], seq["step_id"]) == (6, "skickad")


def test_offline_steps_say_what_happens_now_and_how(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    finish_application(t)
    page = t.go("skickad")
    text = text_of(page)
    assert "Nu händer: Besök kontaktcenter för foto" in text
    assert "Hur Vid ett besök" in text
    assert "Hur lång tid Inom 2 veckor" in text


def test_a_decision_shows_the_outcome_and_the_rule_that_decided_it(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    finish_application(t)
    t.go("skickad")
    t.go("besok-kontaktcenter")
    page = t.go("utredning")
    text = text_of(page)
    assert "Handläggaren beslutar" in text
    assert "Beslut: Du får parkeringstillstånd" in text
    assert "Därför: Du kan gå högst 100 meter" in text
    assert "inte ett riktigt beslut" in text


def test_the_end_of_the_journey_completes_the_session_then_offers_sus(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    finish_application(t)
    for step_id in ("skickad", "besok-kontaktcenter", "utredning", "beslut", "beviljat", "kortet"):
        t.go(step_id)
    page = t.step("fornya")
    assert "Avsluta" in page.text
    response = t.submit("fornya")
    assert response.headers["location"] == routes.citizen_seq_path(world.code, after="end")
    session = world.db().query("select * from test_sessions").__next__()
    assert session["outcome"] == "completed" and session["task_success"] == 1
    assert [e["step_id"] for e in world.events("completed")] == ["fornya"]


def test_an_end_screen_without_a_task_goes_to_sus(world: World, client: Client) -> None:
    t = Tester(client, world.plain)
    t.start()
    t.go("start")
    t.go("ska-du-kora", {"forare": "Ja"})
    page = t.go("korkort", {"har-korkort": "Nej"})
    assert "Du behöver körkort" in text_of(page)
    response = t.submit("utan-korkort")
    assert response.headers["location"] == routes.citizen_sus_path(world.plain)
    session = world.db().query("select * from test_sessions").__next__()
    assert session["task_success"] is None


# --- headings, labels and page titles -------------------------------------------------------

QUESTIONS = """\
id: fragor
title: Frågor om dig
organisation: Exempelkommun
steps:
  - id: namn
    kind: screen
    title: Vad heter du?
    fields:
      - id: namn
        type: text
        label: vad heter du
        required: Skriv ditt namn
    next: nyckel
  - id: nyckel
    kind: screen
    title: Hur kommer vi in hos dig?
    body: Hemtjänsten behöver kunna öppna när du inte kan.
    fields:
      - id: nyckel
        type: radios
        label: Hur kommer vi in hos dig?
        options: [Nyckelgömma, Jag öppnar själv]
        required: Välj hur vi kommer in hos dig
    next: kontakt
  - id: kontakt
    kind: screen
    title: Hur når vi dig?
    fields:
      - id: epost
        type: email
        label: E-post (om du vill)
      - id: mobil
        type: phone
        label: Mobil (OM DU VILL)
      - id: meddelande
        type: textarea
        label: Valfritt meddelande
      - id: telefon
        type: phone
        label: Telefon
      - id: brev
        type: yesno
        label: Vill du ha ett brev? (frivilligt)
    next: klart
  - id: klart
    kind: screen
    pattern: confirmation
    title: Tack
"""


def test_an_optional_question_is_marked_once_and_its_label_kept(
    world: World, client: Client
) -> None:
    t = Tester(client, publish(world, QUESTIONS))
    t.start()
    t.go("namn", {"namn": "Anna"})
    page = t.go("nyckel", {"nyckel": "Nyckelgömma"})
    labels = [
        words_of(x)
        for x in re.findall(
            r"<(?:label|legend) class=\"(?:label|fieldset__legend)\"[^>]*>.*?</(?:label|legend)>",
            page.text,
            flags=re.S,
        )
    ]
    assert labels == [
        "E-post (om du vill)",
        "Mobil (OM DU VILL)",
        "Valfritt meddelande",
        "Telefon (frivillig)",
        "Vill du ha ett brev? (frivilligt)",
    ]


def test_a_single_question_that_says_what_the_title_says_is_the_page_heading(
    world: World, client: Client
) -> None:
    t = Tester(client, publish(world, QUESTIONS))
    text_input = t.start()
    # a text box: its label inside the h1, the title not repeated above it
    assert (
        '<h1 class="label-wrapper"><label class="label heading-l" for="namn">vad heter du'
        "</label></h1>"
    ) in text_input.text
    assert h1s_of(text_input) == ["vad heter du"]
    assert title_of(text_input) == "Vad heter du? – Exempelkommun"
    # radios with the screen's text: legend as h1, the text under it, inside the fieldset
    radios = t.go("namn", {"namn": "Anna"})
    assert h1s_of(radios) == ["Hur kommer vi in hos dig?"]
    fieldset = re.search(r"<fieldset.*?</fieldset>", radios.text, flags=re.S)
    assert fieldset is not None
    assert re.search(
        r'<legend class="fieldset__legend heading-l"><h1 class="fieldset__heading">'
        r"Hur kommer vi in hos dig\?</h1></legend>\s*<div class=\"prose\"><p>Hemtjänsten",
        fieldset.group(0),
    )
    # an error keeps it so, and the summary still links to the first option
    wrong = t.submit("nyckel", {})
    assert wrong.status_code == 422
    assert h1s_of(wrong) == ["Hur kommer vi in hos dig?"]
    assert '<a href="#nyckel-1">Välj hur vi kommer in hos dig</a>' in wrong.text
    # several questions: the title is the heading and each question keeps its label
    several = t.go("nyckel", {"nyckel": "Nyckelgömma"})
    assert h1s_of(several) == ["Hur når vi dig?"]
    assert '<label class="label" for="epost">E-post (om du vill)</label>' in several.text


def every_page(world: World, client: Client) -> dict[str, httpx.Response]:
    """Every page a tester meets on the way through the test, by name."""
    t = Tester(client, world.code)
    seen = {"welcome": t.open(), "start": t.start()}
    for step_id, data in DRIVER:
        seen[step_id] = t.go(step_id, data)
    seen["confirmation"] = t.go("kontrollera-svar")
    seen["task"] = client.get(routes.citizen_task_path(world.code))
    seen["seq"] = client.get(routes.citizen_seq_path(world.code))
    seen["sus"] = client.get(routes.citizen_sus_path(world.code))
    seen["done"] = client.get(routes.citizen_done_path(world.code))
    seen["withdraw"] = client.get(routes.withdraw_path())
    return seen


def test_every_page_title_is_its_heading_and_the_organisation(world: World, client: Client) -> None:
    seen = every_page(world, client)
    for name, page in seen.items():
        assert page.status_code == 200, name
        headings = h1s_of(page)
        assert len(headings) == 1, (name, headings)
        heading, _, organisation = title_of(page).rpartition(" – ")
        assert organisation == ("Medskapa" if name == "withdraw" else "Exempelkommun"), name
        assert heading and heading != organisation, (name, title_of(page))
        assert heading in headings[0], (name, heading, headings[0])
    assert title_of(seen["done"]) == "Tack för att du testade! – Exempelkommun"
    assert title_of(seen["task"]) == "Din uppgift – Exempelkommun"


# --- the task, feedback ---------------------------------------------------------------------


def test_the_task_is_reachable_from_every_step(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    page = t.start()
    assert f'href="{routes.citizen_task_path(world.code)}"' in page.text
    task = client.get(routes.citizen_task_path(world.code))
    assert task.status_code == 200
    assert TASK in text_of(task)
    assert routes.citizen_step_path(world.code, "start", tack="task") in task.text


def test_a_link_without_task_has_no_task_link(world: World, client: Client) -> None:
    page = Tester(client, world.plain).start()
    assert routes.citizen_task_path(world.plain) not in page.text


def test_feedback_without_javascript_is_stored_once_and_thanked(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    page = t.start()
    assert "Tyck till om det här steget" in text_of(page)
    form_id = re.search(r'name="id" value="([^"]+)"', page.text)
    assert form_id is not None
    data = {"id": form_id.group(1), "step_id": "start", "rating": "4", "comment": "Tydlig!"}
    response = t.post(routes.citizen_feedback_path(world.code), data)
    assert response.status_code == 303
    assert response.headers["location"] == (
        routes.citizen_step_path(world.code, "start", tack="1") + "#ms-feedback"
    )
    thanked = t.follow(response)
    assert "Tack! Din åsikt är sparad." in text_of(thanked)
    again = t.post(routes.citizen_feedback_path(world.code), data)  # a double tap, a retry
    assert again.status_code == 303
    assert world.count("ratings") == 1
    assert world.count("comments") == 1
    screen_views = [e for e in world.events("screen_viewed") if e["step_id"] == "start"]
    assert len(screen_views) == 1  # coming back after feedback is not a new view


def test_feedback_from_the_outbox_gets_json_and_is_idempotent(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.start()
    data = {"id": "9a7b3c1e-2f4d-4e5a-8b6c-7d8e9f0a1b2c", "step_id": "start", "rating": "2"}
    headers = {"Accept": "application/json"}
    first = t.post(routes.citizen_feedback_path(world.code), data, headers=headers)
    second = t.post(routes.citizen_feedback_path(world.code), data, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == {"ok": True, "stored": True}
    assert second.json() == {"ok": True, "stored": False}
    assert world.count("ratings") == 1


def test_empty_feedback_asks_for_a_rating_or_a_comment(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    page = t.start()
    form_id = re.search(r'name="id" value="([^"]+)"', page.text)
    assert form_id is not None
    response = t.post(
        routes.citizen_feedback_path(world.code), {"id": form_id.group(1), "step_id": "start"}
    )
    assert response.status_code == 422
    assert '<a href="#ms-rating-1">Välj ett betyg eller skriv en kommentar</a>' in response.text
    assert world.count("ratings") == 0


def test_personal_data_in_a_comment_is_masked_before_it_is_stored(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    comment = "Ring mig på 070-123 45 67 eller skriv till anna@exempel.se, pnr 19121212-1212"
    data = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "step_id": "start", "comment": comment}
    assert t.post(routes.citizen_feedback_path(world.code), data).status_code == 303
    dump = world.dump()
    for secret in ("070-123 45 67", "anna@exempel.se", "19121212-1212"):
        assert secret not in dump


# --- SEQ, SUS, the end, withdrawal ----------------------------------------------------------


def test_sus_needs_every_statement_and_names_the_missing_ones(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.start()
    page = client.get(routes.citizen_sus_path(world.code))
    assert page.status_code == 200
    assert "Jag tycker att tjänsten var lätt att använda." in text_of(page)
    t.token = csrf_of(page)
    form_id = re.search(r'name="id" value="([^"]+)"', page.text)
    assert form_id is not None
    partial = {"id": form_id.group(1), **{f"q{n}": "3" for n in range(1, 9)}}
    response = t.post(routes.citizen_sus_path(world.code), partial)
    assert response.status_code == 422
    assert '<a href="#ms-sus-9-1">Svara på påstående 9</a>' in response.text
    assert '<a href="#ms-sus-10-1">Svara på påstående 10</a>' in response.text
    assert 'id="ms-sus-1-3" name="q1" type="radio" value="3" checked' in response.text
    complete = {**partial, "q9": "4", "q10": "2"}
    response = t.post(routes.citizen_sus_path(world.code), complete)
    assert response.headers["location"] == routes.citizen_done_path(world.code)
    assert world.count("sus_answers") == 1


def test_the_last_page_shows_the_withdrawal_code_and_withdrawing_erases_everything(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    t.go("start")
    data = {"id": "5e1d3f0a-7a43-4c8e-9d5a-4f2b8c1e6a70", "step_id": "start", "rating": "5"}
    t.post(routes.citizen_feedback_path(world.code), data)
    page = client.get(routes.citizen_done_path(world.code))
    assert page.status_code == 200
    code = re.search(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", page.text)
    assert code is not None
    assert routes.withdraw_url(PUBLIC) in text_of(page)
    assert [e["kind"] for e in world.events("abandoned")] == ["abandoned"]
    t.token = csrf_of(page)
    response = t.post(routes.citizen_withdraw_path(world.code), {"code": code.group(0)})
    assert response.status_code == 200
    assert "Dina svar är borttagna" in text_of(response)
    assert f'{tc.COOKIE}=""' in response.headers["set-cookie"]
    for table in ("test_sessions", "events", "ratings"):
        assert world.count(table) == 0
    after = client.get(routes.citizen_step_path(world.code, "start"))
    assert after.status_code == 303  # the phone's old cookie opens nothing


def test_a_phone_whose_session_was_withdrawn_elsewhere_is_sent_to_the_welcome_page(
    world: World, client: Client
) -> None:
    """The phone still holds its cookie; every page and form of the test then goes back
    to the start, and nothing is stored for the erased session."""
    t = Tester(client, world.code)
    t.start()
    state = t.state()
    assert state is not None and state.withdrawal_code
    assert feedback.withdraw(world.db(), state.withdrawal_code, now=NOW)
    welcome = routes.citizen_path(world.code)
    for response in (
        t.step("start"),
        t.step("start", tack="1"),  # a page that stores no event
        t.submit("start"),
    ):
        assert response.status_code == 303
        assert response.headers["location"].endswith(welcome)
    assert world.count("events") == world.count("test_sessions") == 0


def test_a_withdrawal_code_can_be_used_later_on_its_own_page(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.start()
    code = t.state().withdrawal_code  # type: ignore[union-attr]
    other = Client(world.api())
    try:
        page = other.get(routes.withdraw_path())
        assert page.status_code == 200
        assert '<label class="label" for="code">Kod</label>' in page.text
        token = csrf_of(page)
        wrong = other.post(routes.withdraw_path(), data={"csrf": token, "code": "AAAA-BBBB-CCCC"})
        assert wrong.status_code == 422
        assert "Vi hittar inga svar med den koden" in text_of(wrong)
        empty = other.post(routes.withdraw_path(), data={"csrf": token, "code": ""})
        assert "Ange koden du fick" in text_of(empty)
        forged = other.post(routes.withdraw_path(), data={"code": code})
        assert forged.status_code == 400
        assert world.count("test_sessions") == 1
        done = other.post(
            routes.withdraw_path(), data={"csrf": token, "code": code.lower().replace("-", " ")}
        )
        assert done.status_code == 200
        assert "Dina svar är borttagna" in text_of(done)
        assert world.count("test_sessions") == 0
    finally:
        other.close()


# --- language -------------------------------------------------------------------------------


def test_english_is_one_click_away_and_remembered(world: World, client: Client) -> None:
    page = client.get(routes.citizen_path(world.code))
    assert 'href="/t/' in page.text and "?lang=en" in page.text and ">English<" in page.text
    english = client.get(routes.citizen_path(world.code) + "?lang=en")
    assert '<html lang="en">' in english.text
    assert "Start the test" in text_of(english)
    assert "ms_lang=en" in english.headers["set-cookie"]
    again = client.get(routes.citizen_path(world.code))
    assert "Start the test" in text_of(again)
    # the prototype's own content stays in the journey's language, marked as such
    assert '<h1 class="heading-l" lang="sv">Ansök om parkeringstillstånd' in again.text


ENGLISH = """\
id: report-a-problem
title: Report a problem
organisation: Exempelkommun
language: en
steps:
  - id: where
    kind: screen
    title: Where is the problem?
    fields:
      - id: place
        type: text
        label: Street or place
        required: Enter the street or place
    next: sent
  - id: sent
    kind: screen
    pattern: confirmation
    title: Report sent
"""
ONLY_SWEDISH = "The content of the prototype is only in Swedish."
ONLY_ENGLISH = "Innehållet i prototypen finns bara på engelska."


def lang_links(page: httpx.Response) -> list[tuple[str, str]]:
    """The language switch in the header: (address, text) pairs."""
    return re.findall(r'<a class="header__lang" href="([^"]+)"[^>]*>([^<]+)</a>', page.text)


def test_a_swedish_only_journey_offers_no_english_on_its_steps(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    # the test's own words (consent, what is stored) are in both languages
    assert [text for _, text in lang_links(t.open())] == ["English"]
    step = t.start()
    assert lang_links(step) == []  # an English frame around Swedish questions is no help
    assert ONLY_SWEDISH not in text_of(step)
    # a tester who chose English earlier is told, and offered the journey's own language
    english = t.step("start", lang="en")
    assert ONLY_SWEDISH in text_of(english)
    assert [text for _, text in lang_links(english)] == ["Svenska"]
    swedish = client.get(lang_links(english)[0][0])
    assert '<html lang="sv">' in swedish.text
    assert lang_links(swedish) == [] and ONLY_SWEDISH not in text_of(swedish)
    welcome = client.get(routes.citizen_path(world.code) + "?lang=en")
    assert ONLY_SWEDISH in text_of(welcome) and "Continue where you were" in text_of(welcome)


def test_an_english_journey_offers_english_and_says_its_content_is_english(
    world: World, client: Client
) -> None:
    t = Tester(client, publish(world, ENGLISH))
    step = t.start()
    assert "Where is the problem?" in text_of(step)
    assert ONLY_ENGLISH in text_of(step)
    assert [text for _, text in lang_links(step)] == ["English"]
    english = client.get(lang_links(step)[0][0])
    assert '<html lang="en">' in english.text
    assert ONLY_ENGLISH not in text_of(english) and lang_links(english) == []


# --- hostile input --------------------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'; drop table events; --",
]
ODD = ["\u202eevil", "\x00", "😀" * 50, "A\u0301\u0301\u0301", "\ufeff", "%ED%A0%80"]


@pytest.mark.parametrize("hostile", XSS + ODD, ids=lambda s: repr(s)[:20])
def test_hostile_answers_are_shown_escaped_and_never_run(
    world: World, client: Client, hostile: str
) -> None:
    t = Tester(client, world.notes)
    t.start()
    response = t.submit("skriv", {"namn": hostile, "text-a": hostile, "val": hostile})
    assert response.status_code == 422  # 'val' is not an option
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text
    assert "Traceback" not in response.text
    response = t.submit("skriv", {"namn": hostile, "text-a": hostile})
    assert response.status_code == 303
    summary = t.follow(response)
    assert summary.status_code == 200
    assert "<script>alert" not in summary.text and "<img src=x" not in summary.text
    assert hostile not in world.dump() or hostile in ("\x00", "\ufeff")


def test_a_body_over_64_kb_is_a_413_page(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.start()
    response = t.submit("ska-du-kora", {"forare": "Ja" * 600_000})
    assert response.status_code == 413
    assert "Det du skickade var för stort" in text_of(response)


def test_a_body_without_a_content_length_is_cut_at_64_kb(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.start()

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(100):
            yield b"a" * 1024

    response = client.post(
        routes.citizen_step_path(world.code, "start"),
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "case",
    ["no token", "wrong token", "tampered cookie", "multipart", "json", "many fields"],
)
def test_posts_that_cannot_be_trusted_or_read_get_a_4xx_page(
    world: World, client: Client, case: str
) -> None:
    t = Tester(client, world.code)
    t.start()
    path = routes.citizen_step_path(world.code, "start")
    if case == "no token":
        response = client.post(path, data={})
    elif case == "wrong token":
        response = client.post(path, data={"csrf": "x" * 24})
    elif case == "tampered cookie":
        value = client.client.cookies.get(tc.COOKIE) or ""
        client.client.cookies.clear()
        client.client.cookies.set(tc.COOKIE, "A" + value[1:], path=routes.citizen_path(world.code))
        response = client.post(path, data={"csrf": t.token})
    elif case == "multipart":
        response = client.post(path, data={"csrf": t.token}, files={"f": ("a.txt", b"x")})
    elif case == "json":
        response = client.post(path, json={"csrf": t.token})
    else:
        response = client.post(
            path,
            content=urlencode({f"k{i}": "v" for i in range(5000)}),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    assert world.events("submitted") == []


@pytest.mark.parametrize(
    "path",
    [
        "/t/{code}/s/finns-inte",
        "/t/{code}/s/" + "x" * 5000,
        "/t/{code}/s/%3Cscript%3E",
        "/t/{code}/s/..%2F..%2Fetc",
    ],
)
def test_unknown_steps_are_a_friendly_404(world: World, client: Client, path: str) -> None:
    Tester(client, world.code).start()
    response = client.get(path.format(code=world.code))
    assert response.status_code == 404
    assert "<script>" not in response.text
    assert len(response.text) < 20_000


def test_hostile_feedback_gets_4xx_never_500(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.start()
    path = routes.citizen_feedback_path(world.code)
    json_headers = {"Accept": "application/json"}
    cases = [
        {"id": "not-a-uuid", "step_id": "start", "rating": "3"},
        {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "step_id": "<script>", "rating": "3"},
        {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "step_id": "start", "rating": "9"},
        {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "step_id": "start", "comment": "x" * 3000},
    ]
    for data in cases:
        for headers in ({}, json_headers):
            response = t.post(path, data, headers=headers)
            assert 400 <= response.status_code < 500, (data, response.status_code)
    assert world.count("ratings") == 0 and world.count("comments") == 0


# --- the answer shown is the one just given ---------------------------------------------------


def test_many_testers_at_once_each_see_their_own_answers(world: World) -> None:
    app = world.api()
    steps = [5, 50, 90, 120, 300, 450, 800, 1200, 2500, 4000] * 3

    async def one(meters: int) -> str:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as c:
            page = await c.get(routes.citizen_path(world.code))
            token = csrf_of(page)
            await c.post(
                routes.citizen_start_path(world.code),
                data={"csrf": token, "age": "18-29", "consent": "ja"},
            )
            page = await c.get(routes.citizen_step_path(world.code, "start"))
            token = csrf_of(page)
            answers = dict(DRIVER)
            answers["gangformaga"] = {
                "gangstracka": str(meters),
                "hjalpmedel": ["Käpp eller kryckor"],
            }
            for step_id, _data in DRIVER:
                r = await c.post(
                    routes.citizen_step_path(world.code, step_id),
                    data={"csrf": token, **answers[step_id]},
                )
                assert r.status_code == 303, (step_id, r.status_code)
                await asyncio.sleep(0)
            page = await c.get(r.headers["location"])
            return text_of(page)

    async def everyone() -> list[str]:
        return await asyncio.gather(*(one(m) for m in steps))

    pages_seen = asyncio.run(everyone())
    for meters, text in zip(steps, pages_seen, strict=True):
        assert f"Hur många meter kan du gå utan att vila? {meters} " in text


def test_long_answers_are_shortened_to_fit_the_cookie_and_the_page_says_so(
    world: World, client: Client
) -> None:
    t = Tester(client, world.notes)
    t.start()
    rng = random.Random(5)
    words = ["väg", "buss", "snö", "lampa", "gata", "cykel", "park", "skola", "trottoar", "hål"]
    long_a = " ".join(rng.choice(words) + str(rng.randint(0, 999)) for _ in range(500))
    long_b = " ".join(rng.choice(words) + str(rng.randint(0, 999)) for _ in range(500))
    response = t.submit("skriv", {"text-a": long_a, "text-b": long_b, "datum": "2025-10-01"})
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert len(cookie) < 4096
    summary = text_of(t.follow(response))
    assert "Några långa svar har kortats av i prototypen" in summary
    assert "Första synpunkten" in summary and "1 oktober 2025" in summary


# --- the cookie -----------------------------------------------------------------------------


def test_the_test_cookie_is_signed_and_refuses_changes() -> None:
    state = tc.TestState(code="abcdefghjk", session_id="s1", answers={"a": "Ja", "b": ["x"]})
    value = tc.encode(state, "hemligt")
    assert tc.decode(value, "hemligt", code="abcdefghjk") == state
    assert tc.decode(value, "annat", code="abcdefghjk") is None
    assert tc.decode(value, "hemligt", code="kjhgfedcba") is None
    assert tc.decode(value.replace(".", "x.", 1), "hemligt", code="abcdefghjk") is None
    assert tc.decode("ä.ö", "hemligt", code="abcdefghjk") is None
    assert tc.decode("a" * 20_000, "hemligt", code="abcdefghjk") is None


def test_the_history_cuts_back_when_a_step_is_visited_again() -> None:
    state = tc.TestState(code="c")
    for step in ("a", "b", "c", "d"):
        state.visit(step)
    state.visit("b")
    assert state.history == ["a", "b"]
    assert state.previous_step() == "a"


# --- page weight, headers -------------------------------------------------------------------


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def test_every_page_with_its_css_and_script_weighs_at_most_20_kb_gzipped(
    world: World, client: Client
) -> None:
    css = _gz((pages.STATIC / "medskapa.css").read_bytes())
    js = _gz((pages.STATIC / "outbox.js").read_bytes())
    seen = every_page(world, client)
    for name, page in seen.items():
        assert page.status_code == 200, name
        assert "<img" not in page.text and "@font-face" not in page.text
        total = _gz(page.content) + css + js
        assert total <= WEIGHT_LIMIT, f"{name}: {total} bytes"


def test_static_assets_are_cacheable_and_pages_are_not(world: World, client: Client) -> None:
    page = client.get(routes.citizen_path(world.code))
    assert page.headers["cache-control"] == "no-store"
    script = re.search(
        r'<script src="([^"]+)" defer></script>', Tester(client, world.code).start().text
    )
    assert script is not None
    static = client.get(script.group(1))
    assert static.status_code == 200
    assert "immutable" in static.headers["cache-control"]


def test_citizen_pages_carry_the_strict_policy_and_no_inline_script(
    world: World, client: Client
) -> None:
    page = Tester(client, world.code).start()
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None
    assert " on" + "click=" not in page.text


def test_the_organisation_colour_themes_the_test(world: World, client: Client) -> None:
    set_organisation(world.db(), name="Medskapa kommun", colour="#0b5cab")
    page = Tester(client, world.code).start()
    assert "--brand: #0b5cab" in page.text
    assert '<span class="header__org">Medskapa kommun</span>' in page.text


def test_the_session_carries_the_version_and_age_band(world: World, client: Client) -> None:
    Tester(client, world.code).start(age="16-17")
    session = feedback.get_session(
        world.db(), world.db().execute("select id from test_sessions").fetchone()[0]
    )
    assert session is not None
    assert (session.version_id, session.age_band, session.share_code) == (
        world.version.id,
        "16-17",
        world.code,
    )


def test_a_step_in_english_keeps_the_prototype_in_swedish(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.start()
    t.go("start")
    page = t.step("ska-du-kora", lang="en")
    text = text_of(page)
    assert "Step 2 of" in text and "Back" in text and "Give feedback on this step" in text
    assert "Ska du själv köra bilen?" in text  # journey content is not translated
    views = [e for e in world.events("screen_viewed") if e["step_id"] == "ska-du-kora"]
    assert len(views) == 1  # switching language is not a new view


def test_pages_answering_a_post_switch_language_to_a_page_that_answers_get(
    world: World, client: Client
) -> None:
    refused = Tester(client, world.code).consent(age="under-13")
    links = re.findall(r'<a class="header__lang" href="([^"]+)"', refused.text)
    assert links == [routes.citizen_path(world.code) + "?lang=en"]
    assert client.get(links[0]).status_code == 200


def test_a_pages_events_are_stored_by_the_writer_thread_before_the_answer(
    world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADR 0015: the step page and the submit leave their events to the writer thread; the
    answer comes only after they are stored, so the next request sees them."""
    from toolkit.db import Writer

    batches: list[int] = []
    store = Writer._write

    def counted(self: Writer, items: list) -> tuple:
        batches.append(len(items))
        return store(self, items)

    monkeypatch.setattr(Writer, "_write", counted)
    t = Tester(client, world.code)
    t.start()
    batches.clear()
    before = world.count("events")
    shown = t.step("start")
    assert shown.status_code == 200 and world.count("events") == before + 1
    sent = t.submit("start")
    assert sent.status_code == 303 and world.count("events") > before + 1
    assert len(batches) == 2
