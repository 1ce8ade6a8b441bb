"""The journey editor in real Chromium: build a branching journey from scratch, fix what the
validator finds through its link, preview, save, publish, share, and walk both branches on a
phone; reorder a step with the keyboard only; axe on the editor pages.

Each run makes its own journey (a random id), since the e2e server is shared by all tests.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from tests.e2e.conftest import Server, _phone_context, assert_accessible, shot, sign_in

pytestmark = pytest.mark.e2e

QUESTION = "Ska du själv köra bilen?"
FIELD = "ska-du-sjalv-kora-bilen"


def _ids(page: Any) -> list[str]:
    """The step ids in the outline, in order."""
    return page.locator("li.outline-step").evaluate_all(
        "els => els.map(e => e.getAttribute('data-step'))"
    )


def _selected(page: Any, title: str) -> None:
    page.wait_for_function(
        "t => document.getElementById('step-title')?.value === t", arg=title, timeout=30_000
    )


def _focus_on(page: Any, element_id: str) -> None:
    """Wait until the editor has moved the focus (so it does not scroll under a click)."""
    page.wait_for_function("id => document.activeElement?.id === id", arg=element_id)


def _add_step(page: Any, title: str, kind: str = "screen") -> None:
    page.locator("#new-step-title").fill(title)
    page.locator("#new-step-kind").select_option(kind)
    page.locator("#add-step").click()
    _selected(page, title)
    _focus_on(page, "step-title")  # a new step's form gets the focus


def _select(page: Any, step_id: str, title: str) -> None:
    page.locator(f"#select-{step_id}").click()
    _selected(page, title)


def _set_next(page: Any, target: str, title: str = "") -> None:
    """Choose where the selected step leads in all other cases ('-': the journey ends)."""
    page.locator("#default-next").select_option(target)
    page.locator("#set-next").click()
    if title:
        page.locator("#ways li").filter(has_text=f"I alla andra fall → {title}").wait_for()
    else:
        page.locator("#ways li").first.wait_for(state="detached")


def _focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def _create(page: Any, server: Server, title: str, template: str = "blank") -> str:
    page.goto(server.url + "/")
    page.locator("#new-title").fill(title)
    page.locator("#new-template").select_option(template)
    page.locator("#create-journey").click()
    page.wait_for_url(re.compile(r".*/journey/edit\?id=.*"))
    page.locator("#step-title").wait_for()
    return page.url.split("id=", 1)[1].split("&")[0]


def _walk(page: Any, url: str, answer: str, via: str) -> None:
    """From the share link to the last step, answering the branch question."""
    page.goto(url)
    page.get_by_label("30–49 år", exact=True).check()
    page.get_by_label("Jag har läst vad som sparas och vill vara med i testet").check()
    page.get_by_role("button", name="Starta testet").click()

    def go_on() -> None:
        page.locator("form[action*='/s/'] button[type=submit]").first.click()
        page.wait_for_load_state()

    go_on()  # the start page
    assert page.get_by_role("heading", level=1).inner_text() == "Förare"
    page.get_by_label(answer, exact=True).check()
    go_on()
    assert page.get_by_role("heading", level=1).inner_text() == via
    go_on()
    assert page.get_by_role("heading", level=1).inner_text() == "Intyg"
    go_on()
    assert page.get_by_role("heading", level=1).inner_text() == "Klart"


def test_build_a_branching_journey_publish_it_and_walk_both_branches(
    laptop, browser, server: Server
) -> None:
    page = laptop
    sign_in(page, server)
    title = f"Parkering e2e {secrets.token_hex(3)}"
    journey_id = _create(page, server, title)
    assert journey_id.startswith("parkering-e2e-")
    page.locator("#revision").filter(has_text="Revision 1").wait_for()

    for step in ("Förare", "Körkort", "Passagerare", "Intyg", "Klart"):
        _add_step(page, step)
    assert _ids(page) == ["start", "forare", "korkort", "passagerare", "intyg", "klart"]

    # the question and the branch: "Om Ska du själv köra bilen? är ... -> gå till Körkort";
    # the answer is chosen among the question's options (still "Alternativ 1, 2")
    _select(page, "forare", "Förare")
    page.locator("#new-field-type").select_option("radios")
    page.locator("#new-field-label").fill(QUESTION)
    page.locator("#add-field").click()
    _focus_on(page, f"field-label-{FIELD}")
    _set_next(page, "passagerare", "Passagerare")
    page.locator("#branch-field").select_option(FIELD)
    page.locator("#branch-value").select_option("Alternativ 1")
    page.locator("#branch-goto").select_option("korkort")
    page.locator("#add-branch").click()
    page.locator("#ways").get_by_text(f"Om {QUESTION} är Alternativ 1").wait_for()

    # the options become Ja and Nej: the validator says Alternativ 1 is not one of them
    page.locator(f"#field-options-{FIELD}").fill("Ja\nNej")
    page.locator(f"#field-required-{FIELD}").fill("Välj om du själv ska köra bilen")
    page.locator(f"#save-field-{FIELD}").click()
    finding = page.locator("#findings li.finding").filter(has_text="Alternativ 1")
    finding.wait_for()
    assert "Fel" in finding.inner_text()
    shot(page, "editor-01-finding")

    # publishing is refused with the errors listed; saving as a draft is not
    page.locator("#publish").click()
    problems = page.locator("#publish-problems")
    problems.wait_for()
    assert "kan inte publiceras" in problems.inner_text()
    assert "Alternativ 1" in problems.inner_text()
    _focus_on(page, "publish-problems")

    # the finding's link goes back to the step, even from another step; the condition is
    # changed in place to an answer the question has
    _select(page, "korkort", "Körkort")
    _set_next(page, "intyg", "Intyg")
    finding.locator(".finding-link").click()
    _selected(page, "Förare")
    page.locator("#way-edit-0").click()
    page.locator("#branch-builder-heading").filter(has_text="Ändrar villkor 1").wait_for()
    page.locator("#branch-value").select_option("Ja")
    page.locator("#add-branch").click()
    page.locator("#ways").get_by_text(f"Om {QUESTION} är Ja").wait_for()
    finding.wait_for(state="detached")
    assert page.locator("#findings .finding").filter(has_text="Fel").count() == 0

    # preview: the draft as the citizen sees it, beside the editor
    frame = page.frame_locator("#phone-preview")
    frame.get_by_role("heading", name="Förare").wait_for()
    assert frame.get_by_label("Ja", exact=True).is_visible()
    assert frame.get_by_label("Nej", exact=True).is_visible()
    flow = page.locator("#editor-flow img")
    assert "draft=" in (flow.get_attribute("src") or "")
    page.wait_for_function(
        "() => { const i = document.querySelector('#editor-flow img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    shot(page, "editor-02-laptop")
    assert_accessible(page)

    # save (a revision), then publish
    page.locator("#save-note").fill("Förare eller passagerare")
    page.locator("#save-draft").click()
    page.locator("#revision").filter(has_text="Revision 2").wait_for()
    # the version note asked for when publishing starts as the last save note
    assert page.locator("#publish-note").input_value() == "Förare eller passagerare"
    page.locator("#publish").click()
    published = page.get_by_text("Publicerad som version 1")
    published.wait_for()
    assert "under ”Dela och QR”" in published.inner_text()
    assert page.locator("#journey-nav-share").inner_text() == "Dela och QR"
    shot(page, "editor-03-published")

    # a share link to the version, opened on two phones: one per branch
    made = server.cli("share", f"{journey_id}-v1")
    assert made.returncode == 0, made.stdout + made.stderr
    url = re.search(r"(http://\S+/t/[A-Za-z0-9]+)", made.stdout)
    assert url, made.stdout
    for answer, via in (("Ja", "Körkort"), ("Nej", "Passagerare")):
        context = _phone_context(browser, javascript=True)
        try:
            phone = context.new_page()
            phone.set_default_timeout(30_000)
            _walk(phone, url.group(1), answer, via)
            shot(phone, f"editor-04-phone-{answer.lower()}")
        finally:
            context.close()


def _outline(page: Any) -> list[tuple[str, str]]:
    """(phase title, step id) of every step in the outline, in order."""
    return page.locator(".outline-phase").evaluate_all(
        """groups => groups.flatMap(g => [...g.querySelectorAll('li.outline-step')]
            .map(li => [g.querySelector('h3').textContent, li.dataset.step]))"""
    )


def _wait_outline(page: Any, expected: list[tuple[str, str]]) -> None:
    for _ in range(60):
        if [tuple(x) for x in _outline(page)] == expected:
            return
        page.wait_for_timeout(500)
    assert [tuple(x) for x in _outline(page)] == expected


def test_the_journey_map_links_to_the_editor_of_an_example(laptop, server: Server) -> None:
    page = laptop
    sign_in(page, server)
    page.goto(server.url + "/journey?id=parkeringstillstand")
    page.locator("#edit-journey").click()
    page.wait_for_url(re.compile(r".*/journey/edit\?id=parkeringstillstand"))
    page.locator("#select-ska-du-kora").wait_for()
    _select(page, "ska-du-kora", QUESTION)
    assert page.locator("#ways").get_by_text(f"Om {QUESTION} är Ja").is_visible()
    page.frame_locator("#phone-preview").get_by_role("heading", name=QUESTION).wait_for()
    shot(page, "editor-08-example")
    assert_accessible(page)
    page.locator("#lang-toggle").click()  # the journey's labels follow the language
    page.locator("li.outline-step[data-step='ska-du-kora']").get_by_text("Screen").wait_for()
    page.get_by_role("heading", name="Edit the journey", exact=False).wait_for()


def test_a_step_is_reordered_with_the_keyboard_only(laptop, server: Server) -> None:
    page = laptop
    sign_in(page, server)
    _create(page, server, f"Tangentbord {secrets.token_hex(3)}", "standard-e-service")
    fore, ansokan, efter = "Före ansökan", "Ansökan", "Efter ansökan"
    _wait_outline(
        page,
        [
            (fore, "start"),
            (ansokan, "logga-in"),
            (ansokan, "fraga"),
            (ansokan, "kontrollera-svar"),
            (efter, "skickad"),
        ],
    )
    assert_accessible(page)
    page.locator("#move-up-fraga").focus()
    page.keyboard.press("Enter")
    _wait_outline(
        page,
        [
            (fore, "start"),
            (ansokan, "fraga"),
            (ansokan, "logga-in"),
            (ansokan, "kontrollera-svar"),
            (efter, "skickad"),
        ],
    )
    # the focus stays on the moved step's button: moving on is one more key press
    page.wait_for_function("document.activeElement?.id === 'move-up-fraga'")
    page.keyboard.press("Space")  # the first of its phase goes into the phase before
    _wait_outline(
        page,
        [
            (fore, "start"),
            (fore, "fraga"),
            (ansokan, "logga-in"),
            (ansokan, "kontrollera-svar"),
            (efter, "skickad"),
        ],
    )
    page.wait_for_function("document.activeElement?.id === 'move-up-fraga'")
    page.keyboard.press("Enter")
    _wait_outline(
        page,
        [
            (fore, "fraga"),
            (fore, "start"),
            (ansokan, "logga-in"),
            (ansokan, "kontrollera-svar"),
            (efter, "skickad"),
        ],
    )
    # first of all: it cannot move further up, so the focus goes to "Flytta ner"
    page.wait_for_function("document.activeElement?.id === 'move-down-fraga'")
    assert page.locator("#move-up-fraga").is_disabled()
    page.keyboard.press("Enter")
    _wait_outline(
        page,
        [
            (fore, "start"),
            (fore, "fraga"),
            (ansokan, "logga-in"),
            (ansokan, "kontrollera-svar"),
            (efter, "skickad"),
        ],
    )
    assert page.locator("#dirty").is_visible()
    shot(page, "editor-06-keyboard-reorder")


def test_delete_with_undo_and_a_concurrent_save_is_reported(
    laptop, server: Server, tmp_path
) -> None:
    page = laptop
    sign_in(page, server)
    journey_id = _create(page, server, f"Samtidigt {secrets.token_hex(3)}", "standard-e-service")
    page.locator("#select-fraga").click()
    page.get_by_role("button", name="Ta bort Din fråga").click()
    _focus_on(page, "undo-delete")
    page.wait_for_function(
        "![...document.querySelectorAll('li.outline-step')].some(e => e.dataset.step === 'fraga')"
    )
    page.locator("#undo-delete").click()
    page.wait_for_function(
        "[...document.querySelectorAll('li.outline-step')].some(e => e.dataset.step === 'fraga')"
    )
    assert _ids(page)[2] == "fraga"

    # someone else saves the journey meanwhile (here: an import from the command line)
    exported = server.cli("journey", "export", journey_id)
    assert exported.returncode == 0, exported.stderr
    theirs = tmp_path / f"{journey_id}.yaml"
    theirs.write_text(exported.stdout.replace("Din fråga", "Deras fråga"), encoding="utf-8")
    imported = server.cli("journey", "import", str(theirs), "--author", "kollega@exempel.se")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    page.locator("#save-draft").click()
    message = page.locator("#conflict-message")
    message.wait_for()
    assert "har ändrats sedan du öppnade revision 1" in message.inner_text()
    page.locator("#compare").click()
    assert "Deras fråga" in page.locator("#conflict-diff").inner_text()
    shot(page, "editor-05-conflict")
    assert_accessible(page)
    page.locator("#reload").click()
    page.locator("#revision").filter(has_text="Revision 2").wait_for()
    assert page.locator("#select-fraga").inner_text() == "Deras fråga"


def test_phases_markdown_rules_and_a_decision_with_outcomes(laptop, server: Server) -> None:
    page = laptop
    sign_in(page, server)
    page.goto(server.url + "/")
    page.locator("#new-template").get_by_text("Standard e-tjänst", exact=False).wait_for(
        state="attached"
    )
    shot(page, "editor-00-journey-list-new")
    assert_accessible(page)
    _create(page, server, f"Beslut e2e {secrets.token_hex(3)}")

    page.locator("#new-phase-title").fill("Ansökan")
    page.locator("#add-phase").click()
    phase = page.locator(".outline-phase").filter(has=page.locator("h3", has_text="Ansökan"))
    phase.wait_for()
    phase.locator("summary").click()
    page.locator("#phase-title-ansokan").fill("Själva ansökan")
    page.locator("#rename-phase-ansokan").click()
    page.locator(".outline-phase h3", has_text="Själva ansökan").wait_for()

    # Markdown text with its preview, in the editor and in the phone preview
    page.locator("#step-body").fill("Du behöver **läkarintyg**.")
    page.locator("#save-step").click()
    page.locator("#body-preview strong", has_text="läkarintyg").wait_for()
    page.frame_locator("#phone-preview").locator("strong", has_text="läkarintyg").wait_for()

    # a number question with a rule and its error message
    _add_step(page, "Ålder")
    page.locator("#new-field-type").select_option("number")
    page.locator("#new-field-label").fill("Hur gammal är du?")
    page.locator("#add-field").click()
    _focus_on(page, "field-label-hur-gammal-ar-du")
    page.locator("#rule-hur-gammal-ar-du-min-value").fill("0")
    page.locator(f"#save-field-{'hur-gammal-ar-du'}").click()
    error = page.locator(".edit-error")
    error.wait_for()
    assert "Skriv felmeddelandet" in error.inner_text()
    page.locator("#rule-hur-gammal-ar-du-min-message").fill("Ange en ålder från 0")
    page.locator("#save-field-hur-gammal-ar-du").click()
    page.locator(".edit-error").wait_for(state="detached")
    page.wait_for_function(
        "document.getElementById('rule-hur-gammal-ar-du-min-message')?.value"
        " === 'Ange en ålder från 0'"
    )

    # a decision needs somewhere to lead: the refusal is shown by the add-step form
    page.locator("#new-step-title").fill("Beslut")
    page.locator("#new-step-kind").select_option("decision")
    page.locator("#add-step").click()
    refusal = page.locator(".edit-error")
    refusal.wait_for()
    assert "Ett beslut leder alltid vidare" in refusal.inner_text()
    _add_step(page, "Klart")
    _select(page, "alder", "Ålder")
    _add_step(page, "Beslut", "decision")
    _select(page, "klart", "Klart")
    _add_step(page, "Avslag")
    _select(page, "klart", "Klart")
    _set_next(page, "-")
    _select(page, "beslut", "Beslut")
    page.locator("#rule-field").select_option("hur-gammal-ar-du")
    page.locator("#rule-value").fill("17")
    page.locator("#new-rule-outcome").fill("Avslag")
    page.locator("#new-rule-explanation").fill("Du behöver vara 18 år.")
    page.locator("#rule-goto").select_option("avslag")
    page.locator("#add-rule").click()
    page.get_by_text("Om Hur gammal är du? är 17").wait_for()
    page.locator("#rule-outcome-1").fill("Du får tillstånd")
    page.locator("#rule-outcome-1").press("Enter")
    frame = page.frame_locator("#phone-preview")
    frame.get_by_text("Du får tillstånd").wait_for()
    assert frame.get_by_text("Du behöver vara 18 år.").is_visible()
    assert page.locator("#findings .finding").filter(has_text="Fel").count() == 0
    shot(page, "editor-07-decision")
    assert_accessible(page)


def test_a_step_can_also_be_dragged_to_its_place(laptop, server: Server) -> None:
    page = laptop
    sign_in(page, server)
    _create(page, server, f"Dra {secrets.token_hex(3)}", "standard-e-service")
    fore, ansokan, efter = "Före ansökan", "Ansökan", "Efter ansökan"
    _wait_outline(
        page,
        [
            (fore, "start"),
            (ansokan, "logga-in"),
            (ansokan, "fraga"),
            (ansokan, "kontrollera-svar"),
            (efter, "skickad"),
        ],
    )
    source = page.locator("li.outline-step[data-step='fraga'] code")
    source.drag_to(page.locator("li.outline-step[data-step='start']"))
    _wait_outline(
        page,
        [
            (fore, "fraga"),
            (fore, "start"),
            (ansokan, "logga-in"),
            (ansokan, "kontrollera-svar"),
            (efter, "skickad"),
        ],
    )


def test_the_editor_asks_anonymous_visitors_to_sign_in_and_names_a_missing_journey(
    laptop, server: Server
) -> None:
    page = laptop
    page.goto(server.url + "/journey/edit?id=parkeringstillstand")
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    sign_in(page, server)
    page.goto(server.url + "/journey/edit?id=finns-inte")
    page.get_by_role("heading", name="Resan finns inte").wait_for()
    page.goto(server.url + "/")
    page.locator("#new-title").fill("Ansök om parkeringstillstånd")
    page.locator("#new-id").fill("parkeringstillstand")
    page.locator("#create-journey").click()
    refusal = page.locator("#new-journey [role=alert]")
    refusal.wait_for()
    assert "Det finns redan en resa med id 'parkeringstillstand'" in refusal.inner_text()
    page.locator("#new-id").fill("Inte ett id!")
    page.locator("#create-journey").click()
    page.locator("#new-journey [role=alert]").filter(has_text="id").wait_for()
    assert "/journey/edit" not in page.url


NUMBER_QUESTION = "Hur långt kan du gå?"
NUMBER_FIELD = "hur-langt-kan-du-ga"


def _walk_number(page: Any, url: str, meters: str, via: str) -> None:
    """From the share link: the journey starts on the question (its start step), the
    answer decides the way, and the last step is Klart."""
    page.goto(url)
    page.get_by_label("30–49 år", exact=True).check()
    page.get_by_label("Jag har läst vad som sparas och vill vara med i testet").check()
    page.get_by_role("button", name="Starta testet").click()

    def go_on() -> None:
        page.locator("form[action*='/s/'] button[type=submit]").first.click()
        page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == "Fråga om gångsträcka"
    page.get_by_label(NUMBER_QUESTION).fill(meters)
    go_on()
    assert page.get_by_role("heading", level=1).inner_text() == via
    go_on()
    assert page.get_by_role("heading", level=1).inner_text() == "Klart"


def _way_texts(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#ways li.way").all_inner_texts()]


def test_details_start_step_id_and_ordered_number_rules_reach_the_prototype(
    laptop, browser, server: Server
) -> None:
    page = laptop
    sign_in(page, server)
    title = f"Gång e2e {secrets.token_hex(3)}"
    journey_id = _create(page, server, title)
    page.locator("#revision").filter(has_text="Revision 1").wait_for()
    for step in ("Fråga om gångsträcka", "Kort", "Lång", "Nära"):
        _add_step(page, step)
    assert _ids(page) == ["start", "fraga-om-gangstracka", "kort", "lang", "nara"]

    # the first step in the list becomes the end: a plain screen called Klart
    _select(page, "start", title)
    page.locator("#step-title").fill("Klart")
    page.locator("#step-pattern").select_option("-")
    page.locator("#save-step").click()
    _selected(page, "Klart")
    _set_next(page, "-")
    for step_id, title in (("kort", "Kort"), ("lang", "Lång"), ("nara", "Nära")):
        _select(page, step_id, title)
        _set_next(page, "start", "Klart")

    # the journey's own details and its first step
    page.locator("#details-summary").click()
    page.locator("#new-actor-title").fill("Färdtjänsthandläggare")
    page.locator("#new-actor-role").select_option("service-provider")
    page.locator("#add-actor").click()
    page.locator("#actor-title-fardtjansthandlaggare").wait_for()
    page.locator("#journey-title").fill("Färdtjänst: gångsträcka")
    page.locator("#journey-licence").fill("CC0-1.0")
    page.locator("#journey-description").fill("Hur långt kan den sökande gå?")
    page.locator("#journey-start").select_option("fraga-om-gangstracka")
    page.locator("#save-details").click()
    page.get_by_role("heading", name="Redigera resan: Färdtjänst: gångsträcka").wait_for()
    assert page.locator("#journey-start").input_value() == "fraga-om-gangstracka"
    assert page.locator("#journey-licence").input_value() == "CC0-1.0"
    shot(page, "editor-10-details")

    # a new id for the end step: the three ways leading there follow
    _select(page, "start", "Klart")
    page.locator("#step-id-new").fill("klart")
    page.locator("#change-step-id").click()
    message = page.locator("#step-id-message")
    message.wait_for()
    assert message.inner_text().strip() == "3 hänvisningar uppdaterades"
    assert _ids(page) == ["klart", "fraga-om-gangstracka", "kort", "lang", "nara"]
    _select(page, "kort", "Kort")
    assert _way_texts(page)[-1].startswith("I alla andra fall → Klart")

    # the number question and two "större än" rules; the wider one first after a move
    _select(page, "fraga-om-gangstracka", "Fråga om gångsträcka")
    page.locator("#new-field-type").select_option("number")
    page.locator("#new-field-label").fill(NUMBER_QUESTION)
    page.locator("#add-field").click()
    _focus_on(page, f"field-label-{NUMBER_FIELD}")
    _set_next(page, "nara", "Nära")
    assert "första som stämmer gäller" in page.locator("#first-match").inner_text()
    for limit, target in (("100", "kort"), ("1000", "lang")):
        page.locator("#branch-field").select_option(NUMBER_FIELD)
        page.locator("#branch-op").select_option("gt")
        page.wait_for_function(
            "() => document.getElementById('branch-value')?.getAttribute('inputmode') === 'decimal'"
        )
        page.wait_for_function(  # the builder's label reads as the way it builds
            "() => document.querySelector('#branch-op option:checked')?.textContent"
            " === 'är större än'"
        )
        page.locator("#branch-value").fill(limit)
        page.locator("#branch-goto").select_option(target)
        page.locator("#add-branch").click()
        page.locator("#ways").get_by_text(f"är större än {limit}").wait_for()
    assert [t.split("→")[0].strip() for t in _way_texts(page)][:2] == [
        f"Om {NUMBER_QUESTION} är större än 100",
        f"Om {NUMBER_QUESTION} är större än 1000",
    ]
    shot(page, "editor-11-rules")
    page.locator("#way-up-1").click()
    _focus_on(page, "way-down-0")
    page.wait_for_function(
        "() => document.querySelector('#ways li.way')?.innerText.includes('större än 1000')"
    )
    # edit in place: the first rule goes to Lång (it did already) - the builder says which
    page.locator("#way-edit-0").click()
    page.locator("#branch-builder-heading").filter(has_text="Ändrar villkor 1").wait_for()
    assert page.locator("#branch-value").input_value() == "1000"
    page.locator("#branch-value").fill("999")
    page.locator("#add-branch").click()
    page.locator("#ways").get_by_text("är större än 999").wait_for()
    assert len(_way_texts(page)) == 3
    assert page.locator("#findings .finding").filter(has_text="Fel").count() == 0
    shot(page, "editor-12-reordered")
    assert_accessible(page)

    page.locator("#save-note").fill("Gångsträcka med två gränser")
    page.locator("#save-draft").click()
    page.locator("#revision").filter(has_text="Revision 2").wait_for()
    page.locator("#publish").click()
    page.get_by_text("Publicerad som version 1").wait_for()

    made = server.cli("share", f"{journey_id}-v1")
    assert made.returncode == 0, made.stdout + made.stderr
    url = re.search(r"(http://\S+/t/[A-Za-z0-9]+)", made.stdout)
    assert url, made.stdout
    for meters, via in (("2000", "Lång"), ("500", "Kort"), ("50", "Nära")):
        context = _phone_context(browser, javascript=True)
        try:
            phone = context.new_page()
            phone.set_default_timeout(30_000)
            _walk_number(phone, url.group(1), meters, via)
        finally:
            context.close()


def test_a_facilitator_is_told_kindly_that_only_designers_change_journeys(
    laptop, server: Server
) -> None:
    email = f"fac-{secrets.token_hex(3)}@example.org"
    added = server.cli(
        "user", "add", email, "--role", "facilitator", "--password-stdin",
        input_text="ett-langt-losenord-1\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stdout + added.stderr
    page = laptop
    page.goto(server.url + "/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill("ett-langt-losenord-1")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(server.url + "/**")
    page.goto(server.url + "/journey/edit?id=parkeringstillstand")
    note = page.locator("#designer-only")
    note.wait_for()
    assert "Bara designer kan ändra resor" in note.inner_text()
    assert "/login" not in page.url
    assert page.locator("#step-title").count() == 0
    assert page.locator("#designer-only-map").get_attribute("href")
    assert_accessible(page)


def test_the_editor_speaks_english_in_english_mode(laptop, server: Server) -> None:
    page = laptop
    sign_in(page, server)
    journey_id = _create(page, server, f"Engelska e2e {secrets.token_hex(3)}")
    _add_step(page, "Ensam")
    page.locator("#default-next").select_option("-")  # Ensam ends; start leads to it
    page.locator("#set-next").click()
    page.locator("#lang-toggle").click()
    page.locator("#labels-en").wait_for(state="attached")
    for _ in range(2):  # as toggled, and again after a reload in English
        nav = page.locator("#journey-nav").filter(has_text="Journey map")
        nav.wait_for()
        text = nav.inner_text() + page.locator("#to-try").inner_text()
        for english in ("Journey map", "Versions", "Share and QR", "History", "Try the draft"):
            assert english in text
        for swedish in ("Resekarta", "Versioner", "Dela och QR", "Historik", "Prova utkastet"):
            assert swedish not in text
        counts = page.locator("#finding-counts")
        counts.filter(has_text=re.compile(r"^\d+ errors? · \d+ warnings?$")).wait_for()
        assert "fel" not in counts.inner_text() and "varning" not in counts.inner_text()
        assert page.locator("#publish-note").get_attribute("id")
        assert page.get_by_text("Version note").count() == 1
        page.reload()
        page.locator("#labels-en").wait_for(state="attached")
    shot(page, "editor-english")
    page.locator("#lang-toggle").click()
    page.locator("#labels-sv").wait_for(state="attached")
    assert journey_id


def _overflow(page: Any) -> tuple[int, int]:
    return tuple(page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]"))


def test_the_editor_fits_a_small_laptop_and_a_phone(laptop, server: Server) -> None:
    page = laptop
    sign_in(page, server)
    _create(page, server, f"Smal e2e {secrets.token_hex(3)}")
    _add_step(page, "Andra steget")
    for width, height in ((1280, 900), (1024, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        scroll, inner = _overflow(page)
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')].filter(e => "
            "e.getBoundingClientRect().right > window.innerWidth + 1 && "
            "![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))"
            ".slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + "
            "Math.round(e.getBoundingClientRect().right))"
        )
        assert scroll <= inner, f"{width} px: the page is {scroll} px wide: {wide}"
        step = page.locator("#step-title").bounding_box()
        preview = page.locator("#phone-preview").bounding_box()
        assert step and preview
        if width >= 1280:  # three columns: the preview beside the step
            assert preview["x"] > step["x"] + step["width"]
        else:  # the preview under the step, never over it
            assert preview["y"] > step["y"] + step["height"]
            assert step["width"] >= min(width - 80, 500)
        shot(page, f"editor-width-{width}")


def test_unsaved_changes_warn_on_leaving_and_survive_a_reload(laptop, server: Server) -> None:
    page = laptop
    sign_in(page, server)
    _create(page, server, f"Osparat e2e {secrets.token_hex(3)}")
    page.locator("#revision").filter(has_text="Revision 1").wait_for()  # the journey is loaded
    leaving = "() => { const e = new Event('beforeunload', {cancelable: true}); "
    leaving += "window.dispatchEvent(e); return e.defaultPrevented; }"
    assert page.evaluate(leaving) is False  # nothing unsaved: leave freely

    # typing in "Om resan" survives an edit made in another form (a new actor)
    page.locator("#details-summary").click()
    page.locator("#journey-description").fill("Skrivet men inte sparat")
    page.locator("#journey-licence").fill("CC0-1.0")
    page.locator("#new-actor-title").fill("Handläggare")
    page.locator("#add-actor").click()
    page.locator("#actor-title-handlaggare").wait_for()
    kept = [page.locator(f"#journey-{n}").input_value() for n in ("description", "licence")]
    assert kept == ["Skrivet men inte sparat", "CC0-1.0"]

    _add_step(page, "Osparat steg")
    page.locator("#dirty").wait_for()
    assert page.evaluate(leaving) is True  # the browser asks before a reload or a close

    # a link inside the app asks too; saying no stays in the editor
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="Resekarta").click()
    page.wait_for_timeout(500)
    assert asked and "osparade ändringar" in asked[0]
    assert "/journey/edit" in page.url
    page.remove_listener("dialog", dismiss)

    # a reload offers the unsaved draft back
    page.on("dialog", lambda d: d.accept())
    page.reload()
    offer = page.locator("#pending-message")
    offer.wait_for()
    assert re.search(r"Du har osparade ändringar från kl\. \d\d:\d\d", offer.inner_text())
    assert "osparat-steg" not in _ids(page)
    page.locator("#pending-continue").click()
    page.locator("li.outline-step[data-step='osparat-steg']").wait_for()
    page.locator("#dirty").wait_for()
    shot(page, "editor-draft-continued")

    # offered again after another reload; thrown away, it is gone for good
    page.reload()
    page.locator("#pending-discard").click()
    offer.wait_for(state="detached")
    assert "osparat-steg" not in _ids(page)
    page.reload()
    page.locator("#revision").wait_for()
    page.wait_for_timeout(500)
    assert page.locator("#pending-message").count() == 0


def test_a_new_journey_may_not_take_a_title_or_id_in_use(laptop, server: Server) -> None:
    page = laptop
    sign_in(page, server)
    title = f"Dubblett e2e {secrets.token_hex(3)}"
    journey_id = _create(page, server, title)
    page.goto(server.url + "/")
    page.locator("#new-title").fill(title.upper())
    page.locator("#create-journey").click()
    problem = page.locator("#new-error-title")
    problem.wait_for()
    assert f"Det finns redan en resa som heter ”{title.upper()}”" in problem.inner_text()
    assert page.locator("#open-existing").get_attribute("href", timeout=5_000)
    assert "/journey/edit" not in page.url
    # an id in use: said at the id field
    page.locator("#new-title").fill(title + " två")
    page.locator("#new-id").fill(journey_id)
    page.locator("#create-journey").click()
    at_id = page.locator("#new-error-id")
    at_id.wait_for()
    assert journey_id in at_id.inner_text()
    assert page.locator("#new-error-form").count() == 0
    shot(page, "editor-new-duplicate")
