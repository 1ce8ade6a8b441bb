"""The workshop participant pages (/w/) at HTTP level, like a phone with scripts off:
typing the code, joining, notes on steps, dot votes, results, the state endpoint for live
refresh, every refusal as a friendly page, the limit on failed joins and the page weight.

The client is Starlette's TestClient without following redirects, so each one is checked;
it keeps cookies by path like a browser.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import random
import re
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlite_utils import Database

import prototypes
import workshops
from journeys import read_file, save_journey
from toolkit import routes
from toolkit.db import open_db
from toolkit.settings import Settings
from toolkit.web import create_api, pages
from toolkit.web.participant import FORM_COOKIE, PARTICIPANT_COOKIE
from toolkit.web.ratelimit import JoinGuard, SlidingWindow

with warnings.catch_warnings():  # starlette prefers httpx2; httpx is what we have
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

NOW = dt.datetime(2026, 3, 12, 13, 0, tzinfo=dt.UTC)
PUBLIC = "http://192.168.1.20:3000"
EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"
WEIGHT_LIMIT = 20 * 1024
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class World:
    """The parking permit journey published, a share link, and a workshop about it with the
    agenda walk, notes, vote on notes (2 each), vote on steps (2 each), test, question."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.now = NOW
        db = self.db()
        document = read_file(EXAMPLE)
        assert document.journey is not None
        save_journey(db, document.journey, source=EXAMPLE.read_text("utf-8"), author="a", now=NOW)
        self.version = prototypes.publish_version(
            db, document.journey.id, note="v1", author="a", now=NOW
        )
        self.share = prototypes.create_share_link(db, self.version.id, created_by="t", now=NOW).code
        self.workshop = self.make("Workshop med pensionärsrådet")
        self.code = self.workshop.join_code
        self.id = self.workshop.id

    def make(self, title: str, **kwargs: Any) -> workshops.Workshop:
        db = self.db()
        made = workshops.create_workshop(
            db,
            self.version.journey_id,
            version_id=self.version.id,
            title=title,
            date=dt.date(2026, 3, 12),
            facilitator="lina@exempelkommun.se",
            now=NOW,
            rng=random.Random(title),
            **kwargs,
        )
        workshops.add_activity(db, made.id, "walk", now=NOW)
        workshops.add_activity(db, made.id, "notes", prompt="Var blir det krångligt?", now=NOW)
        workshops.add_activity(db, made.id, "vote", votes_per_person=2, now=NOW)
        workshops.add_activity(db, made.id, "vote", votes_per_person=2, vote_on="steps", now=NOW)
        workshops.add_activity(db, made.id, "test", share_code=self.share, now=NOW)
        workshops.add_activity(
            db, made.id, "question", question="Vad skulle göra det lättare?", now=NOW
        )
        return made

    def db(self) -> Database:
        return open_db(self.path)

    def api(self) -> Any:
        return create_api(Settings(db_path=self.path, public_url=PUBLIC), clock=lambda: self.now)

    def open(self) -> None:
        workshops.open_workshop(self.db(), self.id, now=NOW)

    def go(self, kind: str, vote_on: str | None = None) -> workshops.Activity:
        """Open the workshop and move to the first activity of this kind."""
        db = self.db()
        workshops.open_workshop(db, self.id, now=NOW)
        for index, activity in enumerate(workshops.agenda(db, self.id)):
            if activity.kind == kind and (vote_on is None or activity.vote_on == vote_on):
                workshops.set_current_activity(db, self.id, index)
                return activity
        raise AssertionError(kind)

    def count(self, table: str) -> int:
        return int(self.db().execute(f"select count(*) from {table}").fetchone()[0])

    def notes(self) -> list[workshops.Note]:
        return workshops.list_notes(self.db(), self.id)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "workshop.db")


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(world.api(), follow_redirects=False) as c:
        yield c


def text_of(response: httpx.Response) -> str:
    """The page's visible words, roughly: tags removed, whitespace collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", body).split()))


def field(response: httpx.Response, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', response.text)
    assert found, f"no {name} field on the page"
    return found.group(1)


def uid() -> str:
    return str(uuid.uuid4())


class Phone:
    """One participant's phone with scripts off."""

    __test__ = False

    def __init__(self, client: TestClient, code: str) -> None:
        self.client = client
        self.code = code

    @property
    def path(self) -> str:
        return routes.workshop_path(self.code)

    def join(
        self, nickname: str = "Kalle", age: str = "65-79", consent: bool = True
    ) -> httpx.Response:
        page = self.client.get(self.path)
        assert page.status_code == 200, text_of(page)
        data = {"csrf": field(page, "csrf"), "id": field(page, "id"), "nickname": nickname}
        data["age"] = age
        if consent:
            data["consent"] = "ja"
        return self.client.post(routes.workshop_join_path(self.code), data=data)

    def page(self, **params: str) -> httpx.Response:
        return self.client.get(self.path, params=params)

    def csrf(self) -> str:
        return field(self.page(), "csrf")

    def note(
        self,
        step: str = "logga-in",
        kind: str = "pain",
        text: str = "Svårt att logga in",
        *,
        id: str | None = None,
        json: bool = False,
        csrf: str | None = None,
    ) -> httpx.Response:
        data = {"csrf": self.csrf() if csrf is None else csrf, "id": id or uid(), "step": step}
        data.update(kind=kind, text=text)
        headers = {"Accept": "application/json"} if json else {}
        return self.client.post(routes.workshop_note_path(self.code), data=data, headers=headers)

    def vote(
        self,
        *,
        note_id: str | None = None,
        step_id: str | None = None,
        id: str | None = None,
        json: bool = False,
        undo: bool = False,
    ) -> httpx.Response:
        data = {"csrf": self.csrf(), "id": id or uid()}
        if note_id:
            data["note_id"] = note_id
        if step_id:
            data["step_id"] = step_id
        headers = {"Accept": "application/json"} if json else {}
        path = routes.workshop_unvote_path if undo else routes.workshop_vote_path
        return self.client.post(path(self.code), data=data, headers=headers)

    def state(self) -> dict[str, Any]:
        response = self.client.get(routes.workshop_state_path(self.code))
        assert response.status_code == 200, response.text
        return response.json()


def joined(world: World, client: TestClient, nickname: str = "Kalle") -> Phone:
    world.open()
    phone = Phone(client, world.code)
    assert phone.join(nickname).status_code == 303
    return phone


def other_phone(world: World, nickname: str) -> tuple[TestClient, Phone]:
    c = TestClient(world.api(), follow_redirects=False)
    phone = Phone(c, world.code)
    assert phone.join(nickname).status_code == 303
    return c, phone


# --- typing the code ------------------------------------------------------------------------


def test_the_code_form_takes_the_code_as_people_type_it(world: World, client: TestClient) -> None:
    world.open()
    page = client.get(routes.workshop_entry_path())
    assert page.status_code == 200
    assert "Koden på skärmen" in text_of(page)
    assert '<label class="label" for="code">' in page.text
    typed = f"{world.code[:3].lower()}-{world.code[3:].lower()}"
    response = client.post(
        routes.workshop_entry_path(),
        data={"csrf": field(page, "csrf"), "id": field(page, "id"), "code": typed},
    )
    assert response.status_code == 303
    assert response.headers["location"] == routes.workshop_path(world.code)


def test_an_address_typed_in_lower_case_goes_to_the_code_as_stored(
    world: World, client: TestClient
) -> None:
    world.open()
    response = client.get(routes.workshop_path(world.code.lower()) + "?lang=en")
    assert response.status_code == 303
    assert response.headers["location"] == routes.workshop_path(world.code) + "?lang=en"


def test_an_unknown_code_is_a_404_with_the_form_to_type_it_again(
    world: World, client: TestClient
) -> None:
    response = client.get(routes.workshop_path("XXXXXX"))
    assert response.status_code == 404
    text = text_of(response)
    assert "Det finns ingen workshop med koden XXXXXX" in text
    assert 'href="#code"' in response.text and 'id="code"' in response.text


def test_a_code_that_cannot_be_a_code_says_what_codes_look_like(
    world: World, client: TestClient
) -> None:
    page = client.get(routes.workshop_entry_path())
    response = client.post(
        routes.workshop_entry_path(),
        data={"csrf": field(page, "csrf"), "id": uid(), "code": "O1ILO0"},
    )
    assert response.status_code == 422
    assert "aldrig 0, O, 1, I eller L" in text_of(response)
    empty = client.post(
        routes.workshop_entry_path(), data={"csrf": field(page, "csrf"), "id": uid(), "code": ""}
    )
    assert empty.status_code == 422
    assert "Skriv koden som visas på skärmen" in text_of(empty)


def test_a_workshop_not_yet_open_says_to_wait_and_reload(world: World, client: TestClient) -> None:
    response = client.get(routes.workshop_path(world.code))
    assert response.status_code == 409
    text = text_of(response)
    assert "Workshoppen har inte börjat än" in text
    assert "ladda sedan om sidan" in text
    assert f'href="{routes.workshop_path(world.code)}"' in response.text


def test_a_closed_workshop_says_so_and_thanks(world: World, client: TestClient) -> None:
    world.open()
    workshops.close_workshop(world.db(), world.id, now=NOW)
    response = client.get(routes.workshop_path(world.code))
    assert response.status_code == 410
    assert "Workshoppen är avslutad" in text_of(response)
    assert "Tack för att du ville vara med" in text_of(response)


# --- joining --------------------------------------------------------------------------------


def test_the_join_page_says_what_is_stored_and_asks_age_and_consent(
    world: World, client: TestClient
) -> None:
    world.open()
    page = client.get(routes.workshop_path(world.code))
    assert page.status_code == 200
    text = text_of(page)
    assert "Workshop med pensionärsrådet" in text
    assert "Ansök om parkeringstillstånd för rörelsehindrade" in text
    assert "Det här sparar vi" in text and "Skriv inga personuppgifter" in text
    assert "Smeknamn (frivilligt)" in text
    assert "Hur gammal är du?" in text
    assert "Yngre än 13 år" not in text  # the workshop does not allow under 13
    assert 'name="consent"' in page.text
    assert page.headers["set-cookie"].startswith(f"{FORM_COOKIE}=")


def test_the_join_page_drawn_once_is_still_each_phones_own(
    world: World, client: TestClient
) -> None:
    """The join page is drawn once per workshop and filled in per phone: each phone gets
    its own form id and its own CSRF token (escaped), and a new title shows at once."""
    world.open()
    first = client.get(routes.workshop_path(world.code))
    c2 = TestClient(world.api(), follow_redirects=False)
    c2.cookies.set(FORM_COOKIE, 'x"><script>alert(1)</script>aaaa', path=routes.WORKSHOP_ENTRY)
    second = c2.get(routes.workshop_path(world.code))
    assert first.status_code == second.status_code == 200
    assert field(first, "id") != field(second, "id")
    assert field(first, "csrf") == client.cookies.get(FORM_COOKIE)
    assert "<script>alert(1)" not in second.text
    assert field(second, "csrf") == "x&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;aaaa"
    nonce = re.search(r'<style nonce="([^"]+)"', first.text)
    assert nonce and nonce.group(1) in first.headers["content-security-policy"]
    assert nonce.group(1) not in second.text
    db = world.db()
    db.execute("update workshops set title = 'Workshop med ungdomsrådet' where id = ?", [world.id])
    db.conn.commit()
    assert "Workshop med ungdomsrådet" in text_of(client.get(routes.workshop_path(world.code)))
    c2.close()


def test_joining_needs_age_and_consent_and_names_both_in_an_error_summary(
    world: World, client: TestClient
) -> None:
    world.open()
    phone = Phone(client, world.code)
    response = phone.join(age="", consent=False)
    assert response.status_code == 422
    text = text_of(response)
    assert "Det finns ett problem" in text
    assert 'href="#age-1"' in response.text and 'href="#consent"' in response.text
    assert "Välj hur gammal du är" in text
    assert "Kryssa i rutan om du vill vara med i workshoppen" in text
    assert world.count("workshop_participants") == 0


def test_joining_sets_an_http_only_lax_cookie_for_this_workshop_only(
    world: World, client: TestClient
) -> None:
    world.open()
    response = Phone(client, world.code).join("Kalle")
    assert response.status_code == 303
    assert response.headers["location"] == routes.workshop_path(world.code)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{PARTICIPANT_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert f"Path={routes.workshop_path(world.code)}" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    participant = workshops.get_participant(world.db(), token)
    assert participant is not None and participant.nickname == "Kalle"
    assert participant.age_band == "65-79"


def test_a_double_tap_on_join_is_one_participant(world: World, client: TestClient) -> None:
    world.open()
    page = client.get(routes.workshop_path(world.code))
    data = {"csrf": field(page, "csrf"), "id": field(page, "id"), "age": "18-29"}
    data["consent"] = "ja"
    first = client.post(routes.workshop_join_path(world.code), data=data)
    client.cookies.clear()  # the first answer never reached the phone
    client.cookies.set(FORM_COOKIE, data["csrf"])
    second = client.post(routes.workshop_join_path(world.code), data=data)
    assert first.status_code == second.status_code == 303
    assert first.cookies[PARTICIPANT_COOKIE] == second.cookies[PARTICIPANT_COOKIE]
    assert world.count("workshop_participants") == 1


def test_a_participant_without_a_nickname_is_anonymous_and_numbered(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client, nickname="")
    assert "Du är med som Anonym 1" in text_of(phone.page())


def test_a_nickname_over_30_characters_is_refused_with_the_limit(
    world: World, client: TestClient
) -> None:
    world.open()
    response = Phone(client, world.code).join("x" * 31)
    assert response.status_code == 422
    assert "högst 30 tecken" in text_of(response)
    assert world.count("workshop_participants") == 0


def test_under_13_needs_the_facilitators_attested_guardian_consent(
    world: World, client: TestClient
) -> None:
    world.open()
    refused = Phone(client, world.code).join(age="under-13")
    assert refused.status_code == 403
    assert "minst 13 år" in text_of(refused) and "Vi har inte sparat något" in text_of(refused)
    young = world.make("Workshop med elevrådet", allow_under_13=True)
    workshops.open_workshop(world.db(), young.id, now=NOW)
    page = client.get(routes.workshop_path(young.join_code))
    assert "Yngre än 13 år" in text_of(page)
    assert Phone(client, young.join_code).join(age="under-13").status_code == 303


def test_joined_people_come_straight_back_to_the_workshop(world: World, client: TestClient) -> None:
    world.open()
    page = client.get(routes.workshop_path(world.code))
    data = {"csrf": field(page, "csrf"), "id": field(page, "id"), "age": "18-29"}
    data["consent"] = "ja"
    assert client.post(routes.workshop_join_path(world.code), data=data).status_code == 303
    again = client.get(routes.workshop_path(world.code))
    assert "Gå igenom resan" in text_of(again) and 'name="consent"' not in again.text
    data["id"] = uid()  # the join form again, from the back button
    back = client.post(routes.workshop_join_path(world.code), data=data)
    assert back.status_code == 303 and PARTICIPANT_COOKIE not in back.headers.get("set-cookie", "")
    assert world.count("workshop_participants") == 1


# --- the activity ---------------------------------------------------------------------------


def test_the_page_shows_the_activity_its_prompt_and_the_timer_in_minutes(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    world.go("notes")
    workshops.start_timer(world.db(), world.id, 300, NOW)
    world.now = NOW + dt.timedelta(seconds=61)
    page = phone.page()
    text = text_of(page)
    assert "Aktivitet 2 av 6" in text
    assert "<h1" in page.text and "Lappar på stegen" in text
    assert "Var blir det krångligt?" in text
    assert "4 min kvar" in text
    world.now = NOW + dt.timedelta(seconds=400)
    assert "Tiden är ute" in text_of(phone.page())
    assert phone.note().status_code == 303  # the timer never stops anyone writing


def test_the_step_list_is_grouped_by_phase_in_journey_order(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    page = phone.page()
    groups = re.findall(r'<optgroup label="([^"]+)"', page.text)
    assert groups == ["Före ansökan", "Ansökan", "Utredning och beslut", "Efter beslutet"]
    options = re.findall(r'<option value="([^"]*)"', page.text)
    assert options[:3] == ["", "start", "ska-du-kora"]
    labels = re.findall(r'class="radios__label" for="kind-\d">([^<]+)<', page.text)
    assert labels == ["Problem", "Idé", "Fråga", "Bra"]
    assert "Skriv inga personuppgifter" in text_of(page)


def test_a_note_is_stored_once_masked_and_listed_as_the_participants_own(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    note_id = uid()
    text = "Jag fastnade, ring mig på 070-123 45 67"
    first = phone.note("logga-in", "pain", text, id=note_id)
    assert first.status_code == 303
    assert first.headers["location"].startswith(routes.workshop_path(world.code) + "?tack=1")
    assert phone.note("logga-in", "pain", text, id=note_id).status_code == 303  # retry
    [stored] = world.notes()
    assert stored.id == note_id and stored.step_id == "logga-in" and stored.kind == "pain"
    assert "070" not in stored.text and stored.masked
    page = client.get(first.headers["location"])
    shown = text_of(page)
    assert "Tack! Lappen är sparad." in shown
    assert "Dina lappar" in shown and "Logga in med e-legitimation" in shown
    assert '<option value="logga-in" selected>' in page.text  # the next note, same step


def test_a_note_without_step_kind_or_text_is_shown_again_with_what_is_missing(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    response = phone.note(step="", kind="", text="")
    assert response.status_code == 422
    text = text_of(response)
    for words in ("Välj vilket steg lappen gäller", "Välj om lappen är ett problem",
                  "Skriv något på lappen"):  # fmt: skip
        assert words in text
    assert 'href="#step"' in response.text and 'href="#kind-1"' in response.text
    long = phone.note(text="x" * 501)
    assert long.status_code == 422
    assert "högst 500 tecken" in text_of(long) and "x" * 501 in long.text  # kept to shorten
    unknown = phone.note(step="logga-inn", text="Nära")
    assert unknown.status_code == 422
    assert "Menade du 'logga-in'" in text_of(unknown)
    assert world.count("workshop_notes") == 0


def test_locked_input_keeps_the_typed_note_and_says_to_wait(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    csrf = phone.csrf()
    workshops.lock_input(world.db(), world.id)
    page = phone.page()
    assert "har pausat" in text_of(page)
    assert 'action="/w/' not in page.text.split("Dina lappar")[0]  # no form while paused
    response = phone.note(text="Mitt i en mening", csrf=csrf)
    assert response.status_code == 409
    assert "skicka igen när pausen är slut" in text_of(response)
    assert "Mitt i en mening" in response.text
    assert world.count("workshop_notes") == 0
    as_json = phone.note(text="Mitt i en mening", csrf=csrf, json=True)
    assert as_json.status_code == 409 and "pausat" in as_json.json()["error"]


def test_a_note_during_the_vote_is_refused_with_what_is_going_on(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    csrf = phone.csrf()
    world.go("vote")
    response = phone.note(csrf=csrf)
    assert response.status_code == 409
    assert "Just nu pågår ”Prickröstning”" in text_of(response)


def test_an_open_question_takes_an_answer_without_a_step(world: World, client: TestClient) -> None:
    phone = joined(world, client)
    world.go("question")
    page = phone.page()
    assert "Vad skulle göra det lättare?" in text_of(page)
    assert 'name="step"' not in page.text
    response = phone.note(step="", kind="", text="Färre steg")
    assert response.status_code == 303
    [answer] = world.notes()
    assert answer.step_id is None and answer.text == "Färre steg"
    assert "Dina svar" in text_of(phone.page())


def test_an_open_question_titled_with_its_own_words_is_not_shown_twice(
    world: World, client: TestClient
) -> None:
    db = world.db()
    workshops.add_activity(
        db,
        world.id,
        "question",
        title="Vad skulle göra det lättare",
        question="Vad skulle  göra det lättare?",
        now=NOW,
    )
    workshops.open_workshop(db, world.id, now=NOW)
    workshops.set_current_activity(db, world.id, len(workshops.agenda(db, world.id)) - 1)
    phone = joined(world, client)
    page = phone.page()
    assert '<h1 class="heading-l" lang="sv">Vad skulle göra det lättare</h1>' in page.text
    # the text box keeps its label for screen readers, but it is not shown a second time
    label = re.search(r'<label class="([^"]*)" for="text"[^>]*>([^<]*)</label>', page.text)
    assert label is not None
    assert label.groups() == ("label visually-hidden", "Vad skulle göra det lättare?")
    world.go("question")  # a question under its own heading is shown as the big label
    other = phone.page()
    assert re.search(r'<label class="label label--l" for="text"[^>]*>Vad skulle göra', other.text)


def test_testing_together_links_to_the_share_link(world: World, client: TestClient) -> None:
    phone = joined(world, client)
    world.go("test")
    page = phone.page()
    assert f'href="{routes.citizen_path(world.share)}"' in page.text
    assert "Öppna prototypen" in text_of(page)


# --- votes ----------------------------------------------------------------------------------


def notes_to_vote_on(world: World, client: TestClient) -> tuple[Phone, list[str]]:
    phone = joined(world, client)
    ids = [
        phone.note("logga-in", "pain", "Svårt att logga in").status_code,
        phone.note("foto", "idea", "Ta fotot med mobilen").status_code,
        phone.note("start", "praise", "Tydlig start").status_code,
    ]
    assert ids == [303, 303, 303]
    world.go("vote", "notes")
    return phone, [n.id for n in world.notes()]


def test_the_vote_shows_how_many_votes_are_left(world: World, client: TestClient) -> None:
    phone, (a, b, _c) = notes_to_vote_on(world, client)
    page = phone.page()
    assert "Du har 2 röster kvar" in text_of(page)
    assert text_of(page).count("Rösta") >= 3
    response = phone.vote(note_id=a)
    assert response.status_code == 303
    assert response.headers["location"] == routes.workshop_path(world.code) + f"#v-{a}"
    page = phone.page()
    assert "Du har 1 röst kvar" in text_of(page)
    assert "Din röst" in text_of(page) and "Ta bort min röst" in text_of(page)
    phone.vote(note_id=b)
    assert "Du har inga röster kvar" in text_of(phone.page())


def test_a_double_tap_on_vote_is_one_vote(world: World, client: TestClient) -> None:
    phone, (a, _b, _c) = notes_to_vote_on(world, client)
    vote_id = uid()
    assert phone.vote(note_id=a, id=vote_id, json=True).json() == {
        "ok": True,
        "stored": True,
        "votes_left": 1,
    }
    again = phone.vote(note_id=a, id=vote_id, json=True).json()
    assert again == {"ok": True, "stored": False, "votes_left": 1}
    assert phone.vote(note_id=a).status_code == 303  # a new id, the same note: still one
    assert world.count("workshop_votes") == 1


def test_over_the_vote_limit_says_to_take_one_back(world: World, client: TestClient) -> None:
    phone, (a, b, c) = notes_to_vote_on(world, client)
    phone.vote(note_id=a)
    phone.vote(note_id=b)
    response = phone.vote(note_id=c)
    assert response.status_code == 409
    assert "Du har använt alla dina 2 röster" in text_of(response)
    assert world.count("workshop_votes") == 2
    assert phone.vote(note_id=c, json=True).status_code == 409


def test_taking_a_vote_back_gives_it_back(world: World, client: TestClient) -> None:
    phone, (a, b, c) = notes_to_vote_on(world, client)
    phone.vote(note_id=a)
    phone.vote(note_id=b)
    assert phone.vote(note_id=a, undo=True).status_code == 303
    assert phone.vote(note_id=a, undo=True).status_code == 303  # twice is fine
    assert "Du har 1 röst kvar" in text_of(phone.page())
    assert phone.vote(note_id=c).status_code == 303
    assert world.count("workshop_votes") == 2


def test_a_vote_on_steps_lists_the_steps_by_phase(world: World, client: TestClient) -> None:
    phone = joined(world, client)
    world.go("vote", "steps")
    page = phone.page()
    assert "Rösta på de steg i tjänsten" in text_of(page)
    assert 'name="step_id" value="logga-in"' in page.text
    assert phone.vote(step_id="logga-in").status_code == 303
    assert "Du har 1 röst kvar" in text_of(phone.page())


def test_results_are_hidden_until_the_facilitator_reveals_them(
    world: World, client: TestClient
) -> None:
    phone, (a, b, _c) = notes_to_vote_on(world, client)
    c2, other = other_phone(world, "Maja")
    other.vote(note_id=a)
    phone.vote(note_id=a)
    phone.vote(note_id=b)
    hidden = text_of(phone.page())
    assert "Resultatet visas här när den som leder workshoppen visar det" in hidden
    assert "2 röster" not in hidden
    workshops.reveal_results(world.db(), world.id)
    page = phone.page()
    shown = text_of(page)
    assert "Resultat: Prickröstning" in shown
    results = page.text.split('id="results-title"')[1]
    assert results.index("Svårt att logga in") < results.index("Ta fotot med mobilen")
    assert "2 röster" in shown and "2 personer gav 3 röster" in shown
    c2.close()


def test_revealed_results_stay_on_the_page_after_the_vote(world: World, client: TestClient) -> None:
    phone = joined(world, client)
    world.go("vote", "steps")
    phone.vote(step_id="logga-in")
    world.go("question")  # moving on hides the results again
    assert "Resultat" not in text_of(phone.page())
    workshops.reveal_results(world.db(), world.id)
    shown = text_of(phone.page())
    assert "Resultat: Prickröstning" in shown and "1 röst Logga in med e-legitimation" in shown


# --- live refresh ---------------------------------------------------------------------------


def test_the_state_says_what_the_page_shows_and_its_version_follows_the_facilitator(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    first = phone.state()
    assert first["state"] == "open" and first["kind"] == "walk"
    assert first["locked"] is False and first["revealed"] is False and first["votes_left"] == 0
    assert first["timer"] is None
    assert phone.state()["version"] == first["version"]
    phone.note()  # a note does not reload anyone's page
    assert phone.state()["version"] == first["version"]
    assert f'data-version="{first["version"]}"' in phone.page().text
    for change in (
        lambda db: workshops.lock_input(db, world.id),
        lambda db: workshops.unlock_input(db, world.id),
        lambda db: workshops.set_current_activity(db, world.id, 2),
        lambda db: workshops.reveal_results(db, world.id),
        lambda db: workshops.start_timer(db, world.id, 120, NOW),
    ):
        before = phone.state()["version"]
        change(world.db())
        version = phone.state()["version"]
        assert version != before
    state = phone.state()
    assert state["kind"] == "vote" and state["votes_left"] == 2 and state["timer"] == "2 min kvar"
    [note] = world.notes()
    phone.vote(note_id=note.id)
    assert phone.state()["votes_left"] == 1 and phone.state()["version"] != state["version"]


def test_during_a_vote_the_version_follows_the_notes_but_not_other_peoples_votes(
    world: World, client: TestClient
) -> None:
    """A note hidden, unhidden or given another kind by the facilitator (another
    connection) reloads the vote page with the change; someone else's vote does not."""
    phone, (a, b, _c) = notes_to_vote_on(world, client)
    c2, other = other_phone(world, "Maja")
    before = phone.state()["version"]
    assert other.vote(note_id=a, json=True).status_code == 200
    assert phone.state()["version"] == before
    assert "Svårt att logga in" in text_of(phone.page())
    workshops.hide_note(world.db(), world.id, a, now=NOW)
    hidden = phone.state()["version"]
    assert hidden != before
    assert "Svårt att logga in" not in text_of(phone.page())
    workshops.unhide_note(world.db(), world.id, a, now=NOW)
    assert phone.state()["version"] not in (before, hidden)
    assert "Svårt att logga in" in text_of(phone.page())
    shown = phone.state()["version"]
    workshops.set_note_kind(world.db(), world.id, b, "question", now=NOW)
    assert phone.state()["version"] != shown
    page = phone.page().text
    assert re.search(r'ws-kind--question">[^<]*</strong> <span[^>]*>Ta fotot med mobilen', page)
    c2.close()


def test_the_vote_page_drawn_once_is_still_each_phones_own(
    world: World, client: TestClient
) -> None:
    """Everyone who has not voted yet gets the same vote page, drawn once and filled in per
    phone: their own nickname (escaped), CSRF token and form ids; once they vote, or the
    facilitator changes something, they see that."""
    phone = joined(world, client, "Kalle")
    world.go("vote", "steps")
    c2, other = other_phone(world, "<b>Maja</b>")
    mine, theirs = phone.page(), other.page()
    assert "Du är med som Kalle" in text_of(mine) and "Maja" not in text_of(mine)
    assert "&lt;b&gt;Maja&lt;/b&gt;" in theirs.text and "<b>Maja" not in theirs.text
    assert field(mine, "csrf") != field(theirs, "csrf")
    assert set(re.findall(r'name="id" value="([^"]+)"', mine.text)).isdisjoint(
        re.findall(r'name="id" value="([^"]+)"', theirs.text)
    )

    def same(page: httpx.Response) -> str:
        text = re.sub(r'name="id" value="[^"]+"', "", page.text)
        return re.sub(r'nonce="[^"]+"', "", text)

    assert same(phone.page()) == same(mine)
    assert phone.vote(step_id="logga-in", json=True).json()["votes_left"] == 1
    assert "Din röst" in text_of(phone.page()) and "Din röst" not in text_of(other.page())
    assert "data-ws-vote" in other.page().text
    workshops.lock_input(world.db(), world.id)  # no vote buttons while paused
    assert "data-ws-vote" not in other.page().text
    c2.close()


def test_a_vote_posted_to_another_workshops_address_is_not_taken(
    world: World, client: TestClient
) -> None:
    """The participant cookie is for its own workshop: a post to another workshop's address
    (with a valid CSRF token for this participant) stores nothing."""
    phone = joined(world, client)
    world.go("vote", "steps")
    other = world.make("Workshop med ungdomsrådet")
    workshops.open_workshop(world.db(), other.id, now=NOW)
    workshops.set_current_activity(world.db(), other.id, 3)
    data = {"csrf": phone.csrf(), "id": uid(), "step_id": "logga-in"}
    here = {"Accept": "application/json"}
    wrong = client.post(routes.workshop_vote_path(other.join_code), data=data, headers=here)
    assert wrong.status_code == 401 and wrong.json()["gone"] is True
    assert world.count("workshop_votes") == 0
    right = client.post(routes.workshop_vote_path(world.code), data=data, headers=here)
    assert right.json() == {"ok": True, "stored": True, "votes_left": 1}


def test_every_vote_button_has_a_form_id_of_its_own(world: World, client: TestClient) -> None:
    """A form's id makes a double tap one vote, so no two forms on the page share one."""
    phone = joined(world, client)
    world.go("vote", "steps")
    page = phone.page().text
    ids = re.findall(r'name="id" value="([^"]+)"', page)
    steps = re.findall(r'name="step_id" value="([^"]+)"', page)
    assert len(ids) == len(steps) > 10
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 7 and str(uuid.UUID(i)) == i for i in ids)
    assert set(ids).isdisjoint(re.findall(r'name="id" value="([^"]+)"', phone.page().text))


def test_the_state_without_a_participant_is_a_401(world: World, client: TestClient) -> None:
    world.open()
    response = client.get(routes.workshop_state_path(world.code))
    assert response.status_code == 401
    assert response.json()["gone"] is True


def test_notes_from_the_script_get_json_and_are_idempotent(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    note_id = uid()
    first = phone.note(id=note_id, json=True)
    assert first.status_code == 200 and first.json() == {"ok": True, "stored": True}
    assert phone.note(id=note_id, json=True).json() == {"ok": True, "stored": False}
    empty = phone.note(text="", json=True)
    assert empty.status_code == 422 and empty.json()["ok"] is False
    assert world.count("workshop_notes") == 1


def test_the_page_loads_its_script_and_has_a_reload_link_without_it(
    world: World, client: TestClient
) -> None:
    page = joined(world, client).page()
    assert re.search(r'<script src="/static/workshop\.js\?v=[0-9a-f]+" defer></script>', page.text)
    assert "<noscript>" in page.text and "Ladda om sidan" in page.text
    assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None
    assert "unsafe-inline" not in page.headers["content-security-policy"]


# --- refusals ---------------------------------------------------------------------------------


def test_posts_without_the_csrf_token_are_a_400_page(world: World, client: TestClient) -> None:
    phone = joined(world, client)
    for path, data in (
        (
            routes.workshop_note_path(world.code),
            {"id": uid(), "step": "start", "kind": "idea", "text": "Hej"},
        ),
        (routes.workshop_vote_path(world.code), {"id": uid(), "step_id": "start"}),
        (routes.workshop_unvote_path(world.code), {"id": uid(), "step_id": "start"}),
        (routes.workshop_join_path(world.code), {"id": uid(), "age": "18-29", "consent": "ja"}),
        (routes.workshop_entry_path(), {"id": uid(), "code": world.code}),
    ):
        response = client.post(path, data={**data, "csrf": "wrong"})
        assert response.status_code == 400, path
        assert "Sidan var för gammal" in text_of(response)
        assert client.post(path, data=data).status_code == 400, path
    assert phone.note(csrf="", json=True).status_code == 400
    assert world.count("workshop_notes") == 0 and world.count("workshop_participants") == 1


def test_a_post_from_someone_who_has_not_joined_goes_to_the_join_page(
    world: World, client: TestClient
) -> None:
    world.open()
    response = client.post(
        routes.workshop_note_path(world.code),
        data={"csrf": "x", "id": uid(), "step": "start", "kind": "idea", "text": "Hej"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == routes.workshop_path(world.code)
    as_json = client.post(
        routes.workshop_vote_path(world.code),
        data={"csrf": "x", "id": uid(), "step_id": "start"},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 401 and as_json.json()["gone"] is True


def test_after_closing_participants_see_a_thank_you_and_cannot_write(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    csrf = phone.csrf()
    workshops.close_workshop(world.db(), world.id, now=NOW)
    assert phone.page().status_code == 410
    response = phone.note(csrf=csrf)
    assert response.status_code == 410
    assert "Workshoppen är avslutad" in text_of(response)
    assert phone.note(csrf=csrf, json=True).status_code == 410


def test_hostile_text_is_shown_escaped_and_never_run(world: World, client: TestClient) -> None:
    phone = joined(world, client, nickname=HOSTILE[:30])
    assert phone.note(text=HOSTILE).status_code == 303
    world.go("vote", "notes")
    c2, other = other_phone(world, "Maja")
    page = other.page()
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert "av &lt;script&gt;" in page.text
    bad = phone.note(text=HOSTILE)  # during the vote: the refusal page keeps it escaped
    assert "<script>alert" not in bad.text
    c2.close()


def test_a_get_on_a_post_address_goes_to_the_workshop_page(
    world: World, client: TestClient
) -> None:
    for path in (routes.workshop_note_path(world.code), routes.workshop_vote_path(world.code)):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == routes.workshop_path(world.code)


def test_a_body_over_64_kb_is_a_413_page(world: World, client: TestClient) -> None:
    joined(world, client)
    response = client.post(
        routes.workshop_note_path(world.code), data={"text": "x" * 70_000, "csrf": "x"}
    )
    assert response.status_code == 413
    assert "för stort" in text_of(response)


def test_english_is_one_click_away_and_remembered_on_the_workshop_pages(
    world: World, client: TestClient
) -> None:
    phone = joined(world, client)
    page = phone.page(lang="en")
    assert 'lang="en"' in page.text.split(">")[1]
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("ms_lang=en") and "Path=/w" in cookie
    text = text_of(phone.page())
    assert "Write a note" in text and "Which step is the note about?" in text
    labels = re.findall(r'class="radios__label" for="kind-\d">([^<]+)<', phone.page().text)
    assert labels == ["Problem", "Idea", "Question", "Good"]
    assert 'lang="sv"' in phone.page().text  # the journey's own words stay Swedish
    assert "Svenska" in text


# --- the limit on failed joins -----------------------------------------------------------------


def test_twenty_failed_joins_from_one_address_get_a_429_even_for_a_real_code(
    world: World, client: TestClient
) -> None:
    world.open()
    phone = Phone(client, world.code)
    with TestClient(world.api(), follow_redirects=False) as ok:  # joined before the guessing
        inside = Phone(ok, world.code)
        inside.join("Maja")
    guesses = [client.get(routes.workshop_path(f"2345{a}{b}")) for a in "6789" for b in "ACDEF"]
    assert [r.status_code for r in guesses] == [404] * 20
    limited = client.get(routes.workshop_path(world.code))
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert "För många försök" in text_of(limited) and "Vänta en minut" in text_of(limited)
    assert phone.client.get(routes.workshop_entry_path()).status_code == 200  # the form is fine
    assert inside.page().status_code == 200  # joined people are never counted
    world.now = NOW + dt.timedelta(seconds=61)
    assert client.get(routes.workshop_path(world.code)).status_code == 200


def test_only_guesses_count_not_workshops_that_are_closed_or_not_yet_open(
    world: World, client: TestClient
) -> None:
    draft = world.make("Utkast")
    for _ in range(25):
        assert client.get(routes.workshop_path(draft.join_code)).status_code == 409
    world.open()
    assert client.get(routes.workshop_path(world.code)).status_code == 200


def test_a_sliding_window_forgets_events_as_they_get_old() -> None:
    window = SlidingWindow(3, 60)
    for t in (0, 10, 20):
        window.add(t)
    assert window.full(30) and window.seconds_until_free(30) == 30
    assert not window.full(60.5)


def test_the_total_limit_holds_across_addresses() -> None:
    guard = JoinGuard(per_address=20, total=5, seconds=60)
    for n in range(5):
        assert guard.check(f"10.0.0.{n}", 0).allowed
        guard.failed(f"10.0.0.{n}", 0)
    verdict = guard.check("10.0.0.99", 1)
    assert not verdict.allowed and verdict.reason == "total" and verdict.retry_after == 59
    assert guard.check("10.0.0.99", 60).allowed


def test_the_guard_remembers_a_bounded_number_of_addresses() -> None:
    guard = JoinGuard(per_address=2, total=10_000, seconds=60, max_addresses=100)
    for n in range(1000):
        guard.failed(f"10.0.{n // 256}.{n % 256}", float(n))
    assert len(guard.addresses) <= 100


# --- weight ---------------------------------------------------------------------------------


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def test_every_page_with_its_css_and_script_weighs_at_most_20_kb_gzipped(
    world: World, client: TestClient
) -> None:
    css = _gz((pages.STATIC / "medskapa.css").read_bytes())
    js = _gz((pages.STATIC / "workshop.js").read_bytes())
    world.open()
    seen = {"entry": client.get(routes.workshop_entry_path())}
    seen["join"] = client.get(routes.workshop_path(world.code))
    phone = joined(world, client)
    for n in range(60):  # a busy room: 60 notes to vote on
        phone.note(("start", "logga-in", "foto")[n % 3], "pain", f"Lapp nummer {n} " * 8)
    world.go("notes")
    seen["notes"] = phone.page()
    world.go("vote", "notes")
    phone.vote(note_id=world.notes()[0].id)
    workshops.reveal_results(world.db(), world.id)
    seen["vote"] = phone.page()
    world.go("vote", "steps")
    seen["vote-steps"] = phone.page()
    world.go("question")
    seen["question"] = phone.page()
    seen["unknown"] = client.get(routes.workshop_path("XXXXXX"))
    for name, page in seen.items():
        assert page.status_code in (200, 404), name
        assert "<img" not in page.text and "@font-face" not in page.text
        total = _gz(page.content) + css + js
        assert total <= WEIGHT_LIMIT, f"{name}: {total} bytes"
