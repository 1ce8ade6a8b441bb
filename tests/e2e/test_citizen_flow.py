"""A citizen on a phone (390 px) in real Chromium: scan the link, consent, do the
parkeringstillstånd task with one validation error on the way, rate a step, answer SUS and
get the withdrawal code. Then the same with JavaScript off, and once with the network cut
while feedback is sent (the outbox delivers it exactly once).

Every page is checked with axe-core (no violations of any impact with JavaScript on) and
saved as a 390 px screenshot under test-artifacts/citizen-*.png.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest

from tests.e2e.conftest import Server, axe_violations, shot

pytestmark = pytest.mark.e2e

TASK = (
    "Du har svårt att gå, använder rollator och kör själv. Ansök om parkeringstillstånd som förare."
)
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def share(server: Server) -> str:
    """A fresh share link to the published parkering example, with the task."""
    made = server.cli(
        "share", "parkeringstillstand-v1", "--task", TASK, "--success-step", "skickad"
    )
    assert made.returncode == 0, made.stdout + made.stderr
    found = re.search(r"(http://\S+/t/[a-z0-9]+)", made.stdout)
    assert found, made.stdout
    return found.group(1)


def query(server: Server, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(server.db) as db:
        return list(db.execute(sql, params))


class Walk:
    """Screenshots and accessibility checks along one run."""

    def __init__(self, page: Any, name: str, *, axe: bool) -> None:
        self.page = page
        self.name = name
        self.axe = axe
        self.n = 0

    def check(self, label: str) -> None:
        self.n += 1
        shot(self.page, f"citizen-{self.name}-{self.n:02d}-{label}")
        if self.axe:
            found = axe_violations(self.page, impacts=ALL_IMPACTS)
            assert not found, f"{label}: axe-core:\n" + "\n".join(found)
        # 390 px wide and nothing wider: no sideways scrolling on a phone
        width = self.page.evaluate("document.documentElement.scrollWidth") if self.axe else 390
        assert width <= 390, f"{label} is {width} px wide"

    def button(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state()

    def choose(self, label: str) -> None:
        self.page.get_by_label(label, exact=True).check()


def do_the_task(walk: Walk, url: str) -> str:
    """From the QR code's address to the confirmation; returns the session id."""
    page = walk.page
    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ansök om parkering")
    assert page.get_by_text(TASK).is_visible()
    walk.check("welcome")
    walk.button("Starta testet")  # nothing chosen: both questions are named
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Välj hur gammal du är" in summary.inner_text()
    walk.check("welcome-errors")
    walk.choose("30–49 år")
    walk.choose("Jag har läst vad som sparas och vill vara med i testet")
    walk.button("Starta testet")
    assert page.url.endswith("/s/start")
    walk.check("start")
    page.get_by_role("link", name="Din uppgift").click()
    assert page.get_by_text(TASK).is_visible()
    walk.check("task")
    page.get_by_role("link", name="Tillbaka till testet").first.click()
    walk.button("Starta ansökan")
    # the only question is the page's heading (its legend), asked once, and names the group
    assert page.locator("h1").count() == 1
    assert page.get_by_role("heading", level=1).inner_text() == "Ska du själv köra bilen?"
    assert page.get_by_role("group", name="Ska du själv köra bilen?").is_visible()
    assert page.get_by_text("Ska du själv köra bilen?", exact=True).count() == 1

    # one validation error on the way, fixed through the error summary
    walk.button("Fortsätt")
    error = page.get_by_role("link", name="Välj om du själv ska köra bilen")
    assert error.is_visible()
    assert page.title().startswith("Fel: ")
    walk.check("step-error")
    error.click()
    if walk.axe:
        assert page.evaluate("document.activeElement.id") == "forare-1"
    walk.choose("Ja")
    walk.button("Fortsätt")
    assert "Steg 3 av" in page.locator(".caption").first.inner_text()
    walk.check("step-yesno")
    walk.choose("Ja")
    walk.button("Fortsätt")
    page.get_by_label("Hur många meter kan du gå utan att vila?").fill("50")
    walk.choose("Rollator")
    walk.check("step-number-checkboxes")
    walk.button("Fortsätt")
    walk.choose("Det går inte över")
    walk.button("Fortsätt")
    assert page.get_by_text("Fejkad e-legitimation").is_visible()
    walk.check("step-fake-eid")
    walk.button("Logga in")
    page.get_by_label("Telefonnummer").fill("070-123 45 67")
    assert page.get_by_label("E-post (om du vill)", exact=True).is_visible()  # said once
    walk.button("Fortsätt")
    walk.choose("Min läkare skickar intyget till er")
    walk.button("Fortsätt")
    walk.choose("Jag kommer till kontaktcenter")
    walk.button("Fortsätt")
    answers = page.locator(".summary--answers").inner_text()
    assert "50" in answers and "Rollator" in answers and "070-123 45 67" in answers
    walk.check("check-answers")

    # change one answer and come straight back
    page.get_by_role("link", name="Ändra Hur många meter kan du gå utan att vila?").click()
    page.get_by_label("Hur många meter kan du gå utan att vila?").fill("80")
    walk.button("Fortsätt")
    assert "Kontrollera dina svar" in page.get_by_role("heading", level=1).inner_text()
    assert "80" in page.locator(".summary--answers").inner_text()
    walk.button("Skicka ansökan")
    assert re.search(r"TEST-\d{4}-\d{5}", page.locator(".panel").inner_text())
    assert page.get_by_text("Du har klarat uppgiften!").is_visible()
    assert page.locator(".back-link").count() == 0  # sent: no way back
    walk.check("confirmation-seq")
    sessions = query(walk_server(walk), "select id from test_sessions order by started_at")
    return str(sessions[-1][0])


_SERVERS: dict[int, Server] = {}


def walk_server(walk: Walk) -> Server:
    return _SERVERS[id(walk.page)]


def rate_step(walk: Walk, *, rating: str, comment: str) -> None:
    page = walk.page
    box = page.locator("#ms-feedback")
    box.get_by_label(rating, exact=True).check()
    box.locator("summary").click()
    box.get_by_label("Kommentar (frivillig)").fill(comment)
    box.get_by_role("button", name="Skicka åsikt").click()
    page.wait_for_load_state()
    status = page.locator("#ms-feedback .feedback__status")
    status.filter(has_text="Tack! Din åsikt är sparad.").wait_for(timeout=30_000)
    walk.check("feedback-thanks")


def finish(walk: Walk) -> str:
    """The rest of the journey, SUS and the last page; returns the withdrawal code."""
    page = walk.page
    walk.button("Fortsätt")  # skickad → besök
    assert "Nu händer:" in page.get_by_role("heading", level=1).inner_text()
    walk.check("offline")
    walk.button("Fortsätt")  # → utredning
    walk.button("Fortsätt")  # → beslut
    assert page.get_by_text("Beslut: Du får parkeringstillstånd").is_visible()
    walk.check("decision")
    for _ in range(3):  # beviljat, kortet, fornya
        walk.button("Fortsätt")
    walk.button("Avsluta")
    assert page.url.endswith("/sus")
    walk.button("Skicka svaren")  # nothing chosen: ten errors
    assert page.locator(".error-summary li").count() == 10
    walk.check("sus-errors")
    for n in range(1, 11):
        page.locator(f"#ms-sus-{n}-{4 if n % 2 else 2}").check()
    walk.check("sus")
    walk.button("Skicka svaren")
    code = page.locator(".code-box").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    assert page.title().startswith("Tack för att du testade! – ")
    walk.check("done")
    return code


def test_a_citizen_completes_the_task_on_a_phone(phone, server: Server) -> None:
    _SERVERS[id(phone)] = server
    walk = Walk(phone, "js", axe=True)
    session = do_the_task(walk, share(server))
    phone.get_by_label("6", exact=True).check()
    walk.button("Skicka svar")
    assert phone.get_by_text("Tack för ditt svar!").is_visible()
    rate_step(walk, rating="4 Bra", comment="Bra, men ring mig på 070-765 43 21")
    (rating,) = query(server, "select rating from ratings where session_id = ?", session)
    assert rating == (4,)
    (comment,) = query(server, "select text from comments where session_id = ?", session)
    assert "070-765 43 21" not in comment[0]
    finish(walk)
    ((outcome, success),) = query(
        server, "select outcome, task_success from test_sessions where id = ?", session
    )
    assert (outcome, success) == ("completed", 1)
    assert query(server, "select count(*) from seq_answers where session_id = ?", session) == [(1,)]
    assert query(server, "select count(*) from sus_answers where session_id = ?", session) == [(1,)]
    # English, and the page to withdraw later
    phone.goto(server.url + "/t/withdraw?lang=en")
    assert phone.get_by_role("heading", level=1).inner_text() == "Delete your answers"
    walk.check("withdraw-later-en")


def test_the_same_works_with_javascript_off_and_the_code_erases_everything(
    phone_without_js, server: Server
) -> None:
    page = phone_without_js
    _SERVERS[id(page)] = server
    walk = Walk(page, "nojs", axe=False)
    session = do_the_task(walk, share(server))
    page.get_by_label("5", exact=True).check()
    walk.button("Skicka svar")
    rate_step(walk, rating="2 Dåligt", comment="Svårt att hitta knappen")
    assert "tack=1" in page.url  # the plain form posted and came back
    assert query(server, "select rating from ratings where session_id = ?", session) == [(2,)]
    code = finish(walk)
    walk.button("Ta bort mina svar nu")
    assert page.get_by_text("Dina svar är borttagna").is_visible()
    walk.check("withdrawn")
    for table in ("test_sessions", "events", "ratings", "comments", "seq_answers"):
        column = "id" if table == "test_sessions" else "session_id"
        assert query(server, f"select count(*) from {table} where {column} = ?", session) == [
            (0,)
        ], table
    assert code


def test_feedback_sent_without_network_arrives_once_when_it_is_back(phone, server: Server) -> None:
    walk = Walk(phone, "offline", axe=False)
    phone.goto(share(server))
    walk.choose("16–17 år")
    walk.choose("Jag har läst vad som sparas och vill vara med i testet")
    walk.button("Starta testet")
    walk.button("Starta ansökan")
    (session,) = query(server, "select id from test_sessions order by started_at desc limit 1")
    box = phone.locator("#ms-feedback")
    phone.context.set_offline(True)
    box.get_by_label("3 Varken bra eller dåligt", exact=True).check()
    box.get_by_role("button", name="Skicka åsikt").click()
    status = box.locator(".feedback__status")
    status.filter(has_text="Sparas när du har nät igen.").wait_for(timeout=10_000)
    walk.check("queued")
    assert "ska-du-kora" in phone.url  # still on the page: nothing was lost to a dead post
    phone.wait_for_timeout(30_000)  # the network stays cut for 30 s; the outbox keeps trying
    rows = "select count(*) from ratings where session_id = ? and step_id = 'ska-du-kora'"
    assert query(server, rows, session[0]) == [(0,)]
    phone.context.set_offline(False)
    status.filter(has_text="Tack! Din åsikt är sparad.").wait_for(timeout=90_000)
    walk.check("delivered")
    phone.reload()  # a new page load flushes the outbox again: it is empty
    phone.wait_for_timeout(1_500)
    assert query(server, rows, session[0]) == [(1,)]
    assert phone.evaluate("localStorage.getItem('medskapa-outbox')") == "[]"


REFLOW_PAGES = [
    "",
    "/s/start",
    "/s/ska-du-kora",
    "/s/gangformaga",
    "/s/logga-in",
    "/s/kontrollera-svar",
    "/s/skickad",
    "/s/beslut",
    "/s/besok-kontaktcenter",
    "/task",
    "/seq",
    "/sus",
    "/klart",
]


@pytest.mark.parametrize("width", [320, 195], ids=["320px", "390px-at-200pct"])
def test_every_page_reflows_without_sideways_scrolling(browser, server: Server, width: int) -> None:
    """320 CSS px is WCAG's reflow width (1280 px at 400 %); 195 px is a 390 px phone
    zoomed to 200 %. Nothing may need scrolling sideways, and every page still works."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="sv-SE")
    page = context.new_page()
    try:
        url = share(server)
        page.goto(url)
        page.get_by_label("18–29 år", exact=True).check()
        page.get_by_label("Jag har läst vad som sparas och vill vara med i testet").check()
        page.get_by_role("button", name="Starta testet").click()
        page.wait_for_url("**/s/start")
        for suffix in REFLOW_PAGES:
            response = page.goto(url + suffix)
            assert response is not None and response.status == 200, suffix
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{suffix or 'welcome'}: {wide} px at {width} px"
            if suffix in ("", "/s/kontrollera-svar", "/sus"):
                shot(page, f"citizen-reflow-{width}{suffix.replace('/', '-') or '-welcome'}")
    finally:
        context.close()


def test_the_other_pages_are_accessible_on_a_phone(phone, server: Server) -> None:
    """The pages the main run does not pass: English, a link that does not work, a tester
    under 13 without a guardian's consent, SEQ on its own page."""
    walk = Walk(phone, "other", axe=True)
    url = share(server)
    phone.goto(url + "?lang=en")
    assert phone.get_by_role("button", name="Start the test").is_visible()
    walk.check("welcome-en")
    phone.goto(url + "?lang=sv")
    phone.goto(server.url + "/t/abcdefghjk")
    assert phone.get_by_role("heading", level=1).inner_text() == "Länken fungerar inte"
    walk.check("unknown-link")
    phone.goto(url)
    walk.choose("Yngre än 13 år")
    walk.choose("Jag har läst vad som sparas och vill vara med i testet")
    walk.button("Starta testet")
    assert "minst 13 år" in phone.get_by_role("heading", level=1).inner_text()
    walk.check("under-13")
    phone.goto(url)
    walk.choose("65–79 år")
    walk.choose("Jag har läst vad som sparas och vill vara med i testet")
    walk.button("Starta testet")
    phone.goto(url + "/seq")
    walk.button("Skicka svar")
    assert phone.get_by_role("link", name="Välj hur lätt eller svårt uppgiften var").is_visible()
    walk.check("seq-error")
    # the journey is only in Swedish: its steps offer no English, and say so in English
    phone.goto(url + "/s/start")
    assert phone.get_by_role("link", name="English").count() == 0
    phone.goto(url + "/s/start?lang=en")
    assert phone.get_by_text("The content of the prototype is only in Swedish.").is_visible()
    walk.check("step-en")
    phone.get_by_role("link", name="Svenska").click()
    assert phone.get_by_role("button", name="Starta ansökan").is_visible()
    assert phone.get_by_role("link", name="English").count() == 0
