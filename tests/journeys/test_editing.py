"""Editing a journey: what a designer notices after each operation of the journey editor.

Every operation is a pure function: the journey given stays as it was, the new journey has
the change, and an edit that cannot be made is refused with a message saying what to do.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from journeys import check_journey, journey_dict, read_file, read_text, save
from journeys.editing import (
    DEFAULT_OPTIONS,
    EditError,
    Removed,
    add_actor,
    add_branch,
    add_field,
    add_phase,
    add_rule,
    add_step,
    change_field_id,
    change_step_id,
    condition_compare,
    condition_equals,
    copy_step_from,
    delete_step,
    describe_condition,
    duplicate_step,
    field_uses,
    mark_origin,
    move_branch,
    move_field,
    move_phase,
    move_rule,
    move_step,
    move_step_to_phase,
    new_journey,
    remove_actor,
    remove_branch,
    remove_field,
    remove_phase,
    remove_rule,
    rename_actor,
    rename_phase,
    rename_step,
    restore_step,
    set_actor,
    set_channel,
    set_next,
    set_start,
    set_step_kind,
    unique_step_id,
    update_branch,
    update_field,
    update_journey,
    update_rule,
    update_step,
)
from journeys.model import DecisionStep, FieldType, Journey, OfflineStep, ScreenStep
from journeys.store import (
    MIGRATIONS,
    RevisionConflict,
    get_journey,
    get_source,
    import_journey,
    list_revisions,
    restore_revision,
    revision_diff,
    save_journey,
)

EXAMPLES = sorted((Path(__file__).parents[2] / "journeys" / "examples").glob("*.yaml"))
JOURNEYS = {path.stem: read_file(path).journey for path in EXAMPLES}


def example(name: str = "parkeringstillstand") -> Journey:
    journey = JOURNEYS[name]
    assert journey is not None
    return journey


def screen(journey: Journey, step_id: str) -> ScreenStep:
    step = journey.step(step_id)
    assert isinstance(step, ScreenStep)
    return step


def decision(journey: Journey, step_id: str) -> DecisionStep:
    step = journey.step(step_id)
    assert isinstance(step, DecisionStep)
    return step


def next_as_written(journey: Journey, step_id: str) -> Any:
    """A step's ``next`` as the file has it."""
    return next(s for s in journey_dict(journey)["steps"] if s["id"] == step_id).get("next")


def ids(journey: Journey) -> list[str]:
    return [s.id for s in journey.steps]


def refused(call: Callable[[], Any]) -> EditError:
    with pytest.raises(EditError) as caught:
        call()
    error = caught.value
    assert error.message("en") and error.message("en") != str(error)
    return error


# --- new journeys -----------------------------------------------------------------------------


def test_the_standard_e_service_has_the_standard_pages_in_three_phases_and_validates_clean() -> (
    None
):
    journey = new_journey(
        "bygglov", "Ansök om bygglov", "Exempelkommun", template="standard-e-service"
    )

    assert [p.id for p in journey.phases] == ["fore", "ansokan", "efter"]
    patterns = [getattr(s, "pattern", None) for s in journey.steps]
    assert patterns == ["start", "e-id", None, "check-answers", "confirmation"]
    assert screen(journey, "fraga").fields[0].is_required
    assert check_journey(journey) == []


def test_a_blank_journey_is_one_start_page_with_the_journeys_title() -> None:
    journey = new_journey("bygglov", "Ansök om bygglov", "Exempelkommun")

    assert [(s.id, s.title) for s in journey.steps] == [("start", "Ansök om bygglov")]
    assert check_journey(journey) == []


def test_a_new_journey_refuses_an_id_that_is_not_a_slug_and_shows_one_that_is() -> None:
    error = refused(lambda: new_journey("Bygglov för altan", "Bygglov", "Exempelkommun"))

    assert "'bygglov-for-altan'" in str(error)
    assert "Okänd mall" in str(refused(lambda: new_journey("a", "A", "B", template="x")))  # type: ignore[arg-type]
    assert "organisation" in str(refused(lambda: new_journey("a", "A", " ")))


def test_update_journey_changes_details_and_none_removes_an_optional_one() -> None:
    journey = update_journey(example(), title="Parkering", description=None, lix_target=35)

    assert (journey.title, journey.description, journey.lix_target) == ("Parkering", None, 35)
    assert "description" not in journey_dict(journey)
    assert "titel" in str(refused(lambda: update_journey(example(), title="")))
    assert "'steps'" in str(refused(lambda: update_journey(example(), steps=[])))
    error = refused(lambda: update_journey(example(), lix_target=5))
    assert (
        str(error)
        == "Ändringen går inte att göra. lix_target: 'lix_target' ska vara minst 10, men är 5."
    )


def test_editing_never_changes_the_journey_it_was_given() -> None:
    before = journey_dict(example())

    rename_step(example(), "start", "Ny")
    add_field(example(), "korkort", "text", "Ny fråga")
    delete_step(example(), "kort-tid")

    assert journey_dict(example()) == before


# --- phases -----------------------------------------------------------------------------------


def test_add_phase_gets_an_id_from_its_title_and_a_suffix_when_taken() -> None:
    journey = add_phase(example(), "Före ansökan")
    journey = add_phase(journey, "Överklagande", index=3)

    assert [p.id for p in journey.phases] == [
        "fore",
        "ansokan",
        "beslut",
        "overklagande",
        "efter",
        "fore-ansokan",
    ]


def test_rename_phase_keeps_its_id_so_the_steps_stay_in_it() -> None:
    journey = rename_phase(example(), "fore", "Innan du söker")

    assert journey.phases[0].model_dump(exclude_unset=True) == {
        "id": "fore",
        "title": "Innan du söker",
        "description": "Kan jag få tillstånd? Vad behöver jag?",
    }


def test_move_phase_changes_the_order_of_the_journey_map() -> None:
    journey = move_phase(example(), "efter", 0)

    assert [p.id for p in journey.phases] == ["efter", "fore", "ansokan", "beslut"]
    assert [p.id for p in move_phase(example(), "fore", 99).phases][-1] == "fore"


def test_remove_phase_is_refused_while_steps_use_it_and_names_them() -> None:
    error = refused(lambda: remove_phase(example(), "efter"))

    assert str(error) == (
        "Fasen 'Efter beslutet' används av 2 steg: kortet och fornya. "
        "Flytta stegen till en annan fas först."
    )
    journey = move_step_to_phase(example(), "kortet", "beslut")
    journey = move_step_to_phase(journey, "fornya", "beslut")
    assert [p.id for p in remove_phase(journey, "efter").phases] == ["fore", "ansokan", "beslut"]


# --- steps ------------------------------------------------------------------------------------


def test_add_step_after_a_step_goes_into_the_flow_between_it_and_where_it_led() -> None:
    journey = add_step(example(), "screen", "Vem är du?", after="kontaktuppgifter")

    new = screen(journey, "vem-ar-du")
    assert ids(journey)[10:13] == ["kontaktuppgifter", "vem-ar-du", "lakarintyg"]
    assert screen(journey, "kontaktuppgifter").next == "vem-ar-du"
    assert (new.next, new.phase, new.title) == ("lakarintyg", "ansokan", "Vem är du?")
    assert check_journey(journey) == []


def test_add_step_gives_an_id_from_the_title_with_a_suffix_when_it_is_taken() -> None:
    assert unique_step_id(example(), "Läkarintyg") == "lakarintyg-2"

    journey = add_step(example(), "screen", "Läkarintyg")
    journey = add_step(journey, "screen", "Läkarintyg")

    assert ids(journey)[-2:] == ["lakarintyg-2", "lakarintyg-3"]
    assert journey.steps[-1].phase == "efter"  # the phase of the step before it


def test_add_step_after_a_step_with_branches_leaves_the_branches_to_the_designer() -> None:
    journey = add_step(example(), "screen", "Extra", after="korkort")

    assert screen(journey, "korkort").next == screen(example(), "korkort").next
    assert screen(journey, "extra").next is None


def test_a_new_offline_step_is_a_letter_and_a_new_decision_leads_where_the_step_before_led() -> (
    None
):
    journey = add_step(example(), "offline", "Vi ringer dig", after="utredning", phase="beslut")
    journey = add_step(journey, "decision", "Behövs mer underlag?", after="vi-ringer-dig")

    assert journey.step("vi-ringer-dig").channel == "letter"  # type: ignore[union-attr]
    rules = decision(journey, "behovs-mer-underlag").rules
    assert [(r.outcome, r.goto) for r in rules] == [("Behövs mer underlag?", "beslut")]
    assert journey.step("vi-ringer-dig").next == "behovs-mer-underlag"  # type: ignore[union-attr]


def test_a_decision_with_nowhere_to_go_is_refused() -> None:
    error = refused(lambda: add_step(example(), "decision", "Beslut 2"))

    assert str(error).startswith("Ett beslut leder alltid vidare.")
    journey = add_step(example(), "decision", "Beslut 2", goto="beviljat")
    assert decision(journey, "beslut-2").rules[0].goto == "beviljat"


def test_add_step_refuses_unknown_kinds_steps_and_phases() -> None:
    assert "Okänd stegtyp 'sida'" in str(refused(lambda: add_step(example(), "sida", "X")))  # type: ignore[arg-type]
    error = refused(lambda: add_step(example(), "screen", "X", after="korkot"))
    assert str(error) == "Det finns inget steg med id 'korkot'. Menade du 'korkort'?"
    error = refused(lambda: add_step(example(), "screen", "X", phase="under"))
    assert "Faserna är: fore, ansokan, beslut, efter." in str(error)


def test_rename_step_changes_the_title_and_keeps_the_id_feedback_is_keyed_by() -> None:
    journey = rename_step(example(), "korkort", "Har du körkort?")

    assert screen(journey, "korkort").title == "Har du körkort?"
    assert ids(journey) == ids(example())
    assert "rubrik" in str(refused(lambda: rename_step(example(), "korkort", "  ")))


def test_change_step_id_updates_every_way_to_it_and_lists_them_for_a_warning() -> None:
    journey, changed = change_step_id(example(), "utredning", "handlaggning")

    assert "utredning" not in ids(journey)
    assert journey.step("besok-kontaktcenter").next == "handlaggning"  # type: ignore[union-attr]
    assert journey.step("blankett-med-post").next == "handlaggning"  # type: ignore[union-attr]
    assert [r.describe() for r in changed] == [
        "nästa steg i 'besok-kontaktcenter'",
        "nästa steg i 'blankett-med-post'",
    ]
    assert [r.path for r in changed] == [("steps", 16, "next"), ("steps", 17, "next")]
    assert check_journey(journey) == []


def test_change_step_id_updates_branches_rules_and_the_start() -> None:
    journey = set_start(example(), "start")
    journey, changed = change_step_id(journey, "start", "borja")
    assert journey.start == "borja"
    assert [r.describe("en") for r in changed] == ["the journey's start"]

    journey, changed = change_step_id(example(), "beviljat", "ja")
    assert [r.goto for r in decision(journey, "beslut").rules] == ["ja", "avslag", "ja"]
    assert [r.describe() for r in changed] == ["regel 1 i 'beslut'", "regel 3 i 'beslut'"]

    journey, changed = change_step_id(example(), "korkort", "har-korkort")
    assert [r.describe() for r in changed] == ["väg 1 i 'ska-du-kora'"]


def test_change_step_id_refuses_a_taken_or_badly_written_id() -> None:
    error = refused(lambda: change_step_id(example(), "korkort", "foto"))
    assert str(error) == "Det finns redan ett steg med id 'foto'. Välj ett annat id."
    error = refused(lambda: change_step_id(example(), "korkort", "Har körkort"))
    assert "t.ex. 'har-korkort'" in str(error)
    assert change_step_id(example(), "korkort", "korkort") == (example(), [])


def test_move_step_changes_the_order_but_not_where_people_start() -> None:
    journey = move_step(example(), "kort-tid", 0)

    assert ids(journey)[0] == "kort-tid"
    assert journey.start == "start"
    assert journey.first_step().id == "start"
    moved = move_step(example(), "ska-du-kora", 2)
    assert ids(moved)[1:3] == ["korkort", "ska-du-kora"]
    assert moved.start is None
    assert screen(moved, "ska-du-kora").next == screen(example(), "ska-du-kora").next


def test_move_step_to_phase_puts_it_after_that_phases_steps() -> None:
    journey = move_step_to_phase(example(), "kort-tid", "ansokan")

    assert journey.step("kort-tid").phase == "ansokan"  # type: ignore[union-attr]
    assert ids(journey).index("kort-tid") == ids(journey).index("blankett-med-post") + 1
    assert check_journey(journey) == []
    journey = move_step_to_phase(example(), "kort-tid", None)
    assert journey.step("kort-tid").phase is None  # type: ignore[union-attr]
    assert ids(journey) == ids(example())


def test_duplicate_step_gives_the_copy_and_its_questions_new_ids() -> None:
    journey = duplicate_step(example(), "ska-du-kora")

    copy = screen(journey, "ska-du-kora-2")
    assert ids(journey)[1:3] == ["ska-du-kora", "ska-du-kora-2"]
    assert copy.title == "Ska du själv köra bilen? (kopia)"
    assert [f.id for f in copy.fields] == ["forare-2"]
    assert copy.transitions()[0].if_ == {"forare-2": "Ja"}  # it asks its own question
    assert screen(journey, "ska-du-kora").transitions()[0].if_ == {"forare": "Ja"}
    assert getattr(duplicate_step(example(), "start").steps[1], "pattern", None) is None


def test_delete_step_leads_the_steps_before_it_on_to_where_it_led_and_undo_restores_exactly() -> (
    None
):
    journey, removed = delete_step(example(), "utredning")

    assert "utredning" not in ids(journey)
    assert journey.step("besok-kontaktcenter").next == "beslut"  # type: ignore[union-attr]
    assert (removed.step_id, removed.index, removed.rerouted_to) == ("utredning", 18, "beslut")
    assert sorted(removed.references) == ["besok-kontaktcenter", "blankett-med-post"]
    assert check_journey(journey) == []
    assert journey_dict(restore_step(journey, removed)) == journey_dict(example())


def test_delete_an_end_step_removes_the_branches_to_it_and_undo_puts_them_back() -> None:
    journey, removed = delete_step(example(), "utan-korkort")

    assert screen(journey, "korkort").next == [
        t for t in screen(example(), "korkort").transitions() if t.goto != "utan-korkort"
    ]
    assert removed.rerouted_to is None
    assert journey_dict(restore_step(journey, removed)) == journey_dict(example())


def test_deleting_the_start_page_starts_the_journey_where_it_led() -> None:
    journey, removed = delete_step(example(), "start")

    assert journey.first_step().id == "ska-du-kora"
    again, _ = delete_step(move_step(example(), "kort-tid", 1), "start")
    assert again.start == "ska-du-kora"  # not kort-tid, now first in the list
    assert journey_dict(restore_step(journey, removed)) == journey_dict(example())


def test_every_step_of_every_example_deleted_and_restored_is_exactly_as_before() -> None:
    for journey in JOURNEYS.values():
        assert journey is not None
        for step in journey.steps:
            try:
                edited, removed = delete_step(journey, step.id)
            except EditError:
                continue
            restored = restore_step(edited, Removed.model_validate(removed.model_dump()))
            assert journey_dict(restored) == journey_dict(journey), step.id


def test_delete_step_is_refused_while_other_steps_ask_about_its_questions() -> None:
    error = refused(lambda: delete_step(example(), "gangformaga"))

    assert str(error) == (
        "Steget 'gangformaga' har frågor som villkor frågar efter: regel 1 i 'beslut' och "
        "regel 2 i 'beslut'. Ändra eller ta bort villkoren först."
    )
    assert "minst ett steg" in str(
        refused(lambda: delete_step(new_journey("a", "A", "B"), "start"))
    )


def test_delete_step_is_refused_when_a_decision_would_be_left_without_rules() -> None:
    journey = add_step(example(), "decision", "Enkel", goto="kort-tid")

    error = refused(lambda: delete_step(journey, "kort-tid"))

    assert str(error) == (
        "Beslutet 'enkel' leder bara till 'kort-tid'. Ändra beslutets regler först."
    )


def test_restore_is_refused_when_the_id_was_taken_in_the_meantime() -> None:
    journey, removed = delete_step(example(), "kort-tid")
    journey = add_step(journey, "screen", "Kort tid")

    assert "Det finns redan ett steg med id 'kort-tid'" in str(
        refused(lambda: restore_step(journey, removed))
    )


def test_a_screen_becomes_a_decision_and_back_keeping_where_it_leads() -> None:
    journey = set_step_kind(example(), "skickad", "decision")

    rules = decision(journey, "skickad").rules
    assert [(r.if_, r.outcome, r.goto) for r in rules] == [
        ({"fotosatt": "Besök"}, "Besök kontaktcenter för foto", "besok-kontaktcenter"),
        (None, "Blankett för foto kommer med post", "blankett-med-post"),
    ]
    back = set_step_kind(journey, "skickad", "screen")
    assert screen(back, "skickad").next == screen(example(), "skickad").next
    offline = set_step_kind(example(), "kontrollera-svar", "offline")
    assert offline.step("kontrollera-svar").channel == "letter"  # type: ignore[union-attr]
    assert set_step_kind(offline, "kontrollera-svar", "screen").step("kontrollera-svar").next == (  # type: ignore[union-attr]
        "skickad"
    )


def test_set_step_kind_is_refused_for_a_screen_with_questions_or_an_end_made_a_decision() -> None:
    error = refused(lambda: set_step_kind(example(), "gangformaga", "offline"))
    assert "har frågor (gangstracka och hjalpmedel)" in str(error)
    error = refused(lambda: set_step_kind(example(), "kort-tid", "decision"))
    assert "leder inte vidare" in str(error)


def test_set_actor_and_channel_take_only_known_names() -> None:
    journey = set_actor(example(), "utredning", "kontaktcenter")
    journey = set_channel(journey, "utredning", "e-mail")

    step = journey.step("utredning")
    assert isinstance(step, OfflineStep)
    assert (step.actor, step.channel) == ("kontaktcenter", "e-mail")
    assert set_actor(journey, "utredning", None).step("utredning").actor is None  # type: ignore[union-attr]
    assert "Menade du 'handlaggare'?" in str(
        refused(lambda: set_actor(example(), "start", "handlagare"))
    )
    assert "Okänd kanal 'fax'" in str(refused(lambda: set_channel(example(), "start", "fax")))
    assert "är ett beslut" in str(refused(lambda: set_channel(example(), "beslut", "web")))


def test_update_step_changes_the_details_its_kind_has() -> None:
    journey = update_step(example(), "start", body="Kort text.", button=None)
    journey = update_step(journey, "beslut", manual=False)

    assert (screen(journey, "start").body, screen(journey, "start").button) == ("Kort text.", None)
    assert decision(journey, "beslut").manual is False
    assert "'button' går inte att ändra här" in str(
        refused(lambda: update_step(example(), "beslut", button="OK"))
    )
    assert "pattern" in str(refused(lambda: update_step(example(), "start", pattern="hero")))


# --- fields -----------------------------------------------------------------------------------


def test_add_field_gets_an_id_unique_in_the_journey_and_choices_get_two_options() -> None:
    journey = add_field(example(), "korkort", "radios", "Telefon", index=0)

    field = screen(journey, "korkort").fields[0]
    assert (field.id, field.type, field.options) == ("telefon-2", "radios", list(DEFAULT_OPTIONS))
    error = refused(lambda: add_field(example(), "beslut", "text", "X"))
    assert "bara skärmar har frågor" in str(error)
    assert "Okänd frågetyp 'ja-nej'" in str(
        refused(lambda: add_field(example(), "korkort", "ja-nej", "X"))
    )


def test_update_field_changes_label_hint_required_message_options_and_rules() -> None:
    journey = update_field(
        example(),
        "gangformaga",
        "gangstracka",
        label="Hur långt kan du gå?",
        hint=None,
        required="Ange hur långt du kan gå",
        max={"value": 3000, "message": "Ange högst 3000 meter"},
    )

    field = screen(journey, "gangformaga").fields[0]
    assert (field.label, field.hint, field.required) == (
        "Hur långt kan du gå?",
        None,
        "Ange hur långt du kan gå",
    )
    assert field.max is not None and field.max.value == 3000
    assert "hint" not in journey_dict(journey)["steps"][6]["fields"][0]
    error = refused(lambda: update_field(example(), "korkort", "har-korkort", required=" "))
    assert str(error).startswith("Skriv meddelandet som visas när frågan inte besvaras")


def test_changing_a_field_type_drops_or_adds_options_as_the_type_needs() -> None:
    journey = update_field(example(), "varaktighet", "varaktighet", type="text")
    assert screen(journey, "varaktighet").fields[0].options is None

    journey = update_field(example(), "kontaktuppgifter", "epost", type="select")
    assert screen(journey, "kontaktuppgifter").fields[1].options == list(DEFAULT_OPTIONS)


def test_move_field_changes_the_order_on_the_screen() -> None:
    journey = move_field(example(), "gangformaga", "hjalpmedel", 0)

    assert [f.id for f in screen(journey, "gangformaga").fields] == ["hjalpmedel", "gangstracka"]


def test_remove_field_is_refused_while_a_condition_asks_about_it_and_says_where() -> None:
    error = refused(lambda: remove_field(example(), "ska-du-kora", "forare"))

    assert str(error) == (
        "Frågan 'Ska du själv köra bilen?' (forare) används i villkor: väg 1 i 'ska-du-kora'. "
        "Ändra eller ta bort villkoren först."
    )
    assert [r.describe("en") for r in field_uses(example(), "hjalpmedel")] == [
        "rule 1 of 'beslut'",
        "rule 2 of 'beslut'",
    ]
    journey = remove_field(example(), "kontaktuppgifter", "epost")
    assert [f.id for f in screen(journey, "kontaktuppgifter").fields] == ["telefon"]
    journey = remove_field(example(), "ladda-upp-intyg", "intyg-fil")
    assert "fields" not in journey_dict(journey)["steps"][12]


def test_change_field_id_updates_every_condition_asking_about_it() -> None:
    journey = change_field_id(example(), "gangstracka", "meter")

    rules = decision(journey, "beslut").rules
    assert rules[0].if_ == {
        "any": [{"meter": {"lte": 100}}, {"hjalpmedel": {"in": ["Rullstol", "Elrullstol"]}}]
    }
    assert rules[1].if_ == {"all": [{"meter": {"gt": 400}}, {"hjalpmedel": "Inget hjälpmedel"}]}
    assert check_journey(journey) == []
    assert "finns redan en fråga med id 'telefon'" in str(
        refused(lambda: change_field_id(example(), "epost", "telefon"))
    )
    assert "reserverat ord" in str(refused(lambda: change_field_id(example(), "epost", "all")))


# --- branches ---------------------------------------------------------------------------------


def test_set_next_sets_the_one_way_on_or_the_way_for_all_other_cases() -> None:
    journey = set_next(example(), "foto", "skickad")
    assert screen(journey, "foto").next == "skickad"

    journey = set_next(example(), "korkort", "varaktighet")
    assert [t.goto for t in screen(journey, "korkort").transitions()] == [
        "utan-korkort",
        "varaktighet",
    ]
    assert "next" not in journey_dict(set_next(example(), "foto", None))["steps"][13]
    error = refused(lambda: set_next(example(), "korkort", None))
    assert "har villkor för vart det leder" in str(error)


def test_add_branch_goes_before_the_way_for_all_other_cases() -> None:
    condition = condition_compare("gangstracka", "gt", 2000)
    journey = add_branch(example(), "gangformaga", condition, "kort-tid")

    assert next_as_written(journey, "gangformaga") == [
        {"if": {"gangstracka": {"gt": 2000}}, "goto": "kort-tid"},
        {"goto": "varaktighet"},
    ]
    journey = add_branch(journey, "gangformaga", condition_equals("hjalpmedel", "Rullstol"), "foto")
    assert [t.goto for t in screen(journey, "gangformaga").transitions()] == [
        "kort-tid",
        "foto",
        "varaktighet",
    ]
    first = add_branch(journey, "gangformaga", {"gangstracka": {"lt": 5}}, "foto", index=0)
    assert screen(first, "gangformaga").transitions()[0].if_ == {"gangstracka": {"lt": 5}}


def test_add_branch_is_refused_on_an_end_step_and_with_conditions_that_do_not_read() -> None:
    error = refused(lambda: add_branch(example(), "kort-tid", {"forare": "Ja"}, "start"))
    assert "leder inte vidare än" in str(error)
    error = refused(lambda: add_branch(example(), "foto", {"forarre": "Ja"}, "start"))
    assert str(error) == "Det finns ingen fråga med id 'forarre' i resan. Menade du 'forare'?"
    error = refused(lambda: add_branch(example(), "foto", {"forare": {"ar": "Ja"}}, "start"))
    assert "Okänd operator 'ar'" in str(error)
    assert "är ett beslut" in str(
        refused(lambda: add_branch(example(), "beslut", {"forare": "Ja"}, "start"))
    )


def test_update_branch_changes_condition_or_target_but_the_last_way_keeps_no_condition() -> None:
    journey = update_branch(example(), "korkort", 0, condition={"har-korkort": "Ja"}, goto="foto")

    assert next_as_written(journey, "korkort") == [
        {"if": {"har-korkort": "Ja"}, "goto": "foto"},
        {"goto": "gangformaga"},
    ]
    assert "gäller i alla andra fall" in str(
        refused(lambda: update_branch(example(), "korkort", 1, condition={"forare": "Ja"}))
    )
    assert "Bara den sista" in str(
        refused(lambda: update_branch(example(), "korkort", 0, condition=None))
    )
    assert "ingen väg nummer 3" in str(
        refused(lambda: update_branch(example(), "korkort", 2, goto="foto"))
    )


def test_remove_branch_keeps_the_way_for_all_other_cases() -> None:
    journey = remove_branch(example(), "korkort", 0)

    assert screen(journey, "korkort").next == "gangformaga"
    error = refused(lambda: remove_branch(example(), "korkort", 1))
    assert str(error).startswith("Den sista vägen gäller i alla andra fall.")


def test_move_branch_changes_the_order_conditions_are_tried_in() -> None:
    journey = add_branch(example(), "korkort", {"forare": "Nej"}, "passagerare")
    journey = move_branch(journey, "korkort", 1, 0)

    assert [t.goto for t in screen(journey, "korkort").transitions()] == [
        "passagerare",
        "utan-korkort",
        "gangformaga",
    ]
    assert "ligger alltid sist" in str(refused(lambda: move_branch(journey, "korkort", 2, 0)))
    last = move_branch(journey, "korkort", 0, 99)
    assert [t.goto for t in screen(last, "korkort").transitions()][-1] == "gangformaga"


# --- conditions -------------------------------------------------------------------------------


def test_condition_helpers_write_the_shapes_the_file_uses() -> None:
    assert condition_equals("forare", "Ja") == {"forare": "Ja"}
    assert condition_compare("alder", "lt", 15) == {"alder": {"lt": 15}}
    assert condition_compare("hjalpmedel", "in", ["Rullstol"]) == {
        "hjalpmedel": {"in": ["Rullstol"]}
    }
    assert "Okänd jämförelse 'under'" in str(
        refused(lambda: condition_compare("alder", "under", 1))
    )
    assert "behöver en lista" in str(refused(lambda: condition_compare("a", "in", "Ja")))
    assert "saknar svar" in str(refused(lambda: condition_equals("forare", None)))


def test_describe_condition_reads_as_a_sentence_with_the_questions_label() -> None:
    journey = example()

    assert describe_condition({"forare": "Ja"}, journey) == "Om Ska du själv köra bilen? är Ja"
    assert (
        describe_condition({"forare": "Ja"}, journey, "en") == "If Ska du själv köra bilen? is Ja"
    )
    assert describe_condition({"forare": {"ne": "Ja"}}, journey) == (
        "Om Ska du själv köra bilen? inte är Ja"
    )
    assert describe_condition(decision(journey, "beslut").rules[0].if_, journey) == (
        "Om Hur många meter kan du gå utan att vila? är högst 100 eller Vilka hjälpmedel "
        "använder du när du går? innehåller Rullstol eller Elrullstol"
    )
    assert describe_condition(decision(journey, "beslut").rules[1].if_, journey, "en") == (
        "If Hur många meter kan du gå utan att vila? is greater than 400 and Vilka hjälpmedel "
        "använder du när du går? includes Inget hjälpmedel"
    )
    assert describe_condition(None, journey) == "I alla andra fall"
    assert describe_condition({"intyg": {"answered": False}}, journey) == (
        "Om Hur får vi ditt läkarintyg? inte är besvarad"
    )
    assert describe_condition({"not": {"forare": "Ja"}}, journey) == (
        "Om Ska du själv köra bilen? inte är Ja"
    )
    assert describe_condition(
        {"any": [{"all": [{"forare": "Ja"}, {"har-korkort": "Ja"}]}, {"gangstracka": {"lt": 1.5}}]},
        journey,
    ) == (
        "Om (Ska du själv köra bilen? är Ja och Har du ett körkort som gäller? är Ja) eller "
        "Hur många meter kan du gå utan att vila? är mindre än 1,5"
    )
    assert describe_condition({"okand": {"gte": dt.date(2025, 6, 1)}}, journey) == (
        "Om 'okand' är tidigast 2025-06-01"
    )
    assert describe_condition({"forare": {"bad": 1}}, journey) == "forare bad 1"


# --- decision rules ---------------------------------------------------------------------------


def test_add_rule_goes_before_the_final_rule_for_all_other_cases() -> None:
    journey = add_rule(
        example(),
        "beslut",
        {"varaktighet": "Det går inte över"},
        "Du får tillstånd i 5 år",
        "beviljat",
        explanation="Det går inte över.",
    )

    rules = decision(journey, "beslut").rules
    assert [r.outcome for r in rules] == [
        "Du får parkeringstillstånd",
        "Du får inte parkeringstillstånd",
        "Du får tillstånd i 5 år",
        "Du får parkeringstillstånd",
    ]
    assert rules[-1].if_ is None
    assert "inte ett beslut" in str(
        refused(lambda: add_rule(example(), "foto", {"forare": "Ja"}, "X", "foto"))
    )
    assert "utfall" in str(
        refused(lambda: add_rule(example(), "beslut", {"forare": "Ja"}, " ", "foto"))
    )


def test_update_rule_changes_outcome_explanation_target_and_condition() -> None:
    journey = update_rule(
        example(),
        "beslut",
        1,
        outcome="Avslag",
        explanation=None,
        goto="avslag",
        condition={"gangstracka": {"gt": 500}},
    )

    rule = decision(journey, "beslut").rules[1]
    assert (rule.outcome, rule.explanation, rule.if_) == (
        "Avslag",
        None,
        {"gangstracka": {"gt": 500}},
    )
    assert "alla andra fall" in str(
        refused(lambda: update_rule(example(), "beslut", 2, condition={"forare": "Ja"}))
    )


def test_remove_rule_keeps_the_final_rule_and_at_least_one_rule() -> None:
    journey = remove_rule(example(), "beslut", 0)
    assert len(decision(journey, "beslut").rules) == 2

    error = refused(lambda: remove_rule(example(), "beslut", 2))
    assert str(error).startswith("Den sista regeln gäller i alla andra fall.")
    lone = add_step(example(), "decision", "Enkel", goto="beviljat")
    assert "minst en regel" in str(refused(lambda: remove_rule(lone, "enkel", 0)))


def test_move_rule_changes_the_order_and_the_final_rule_stays_last() -> None:
    journey = move_rule(example(), "beslut", 1, 0)

    assert [r.goto for r in decision(journey, "beslut").rules] == ["avslag", "beviljat", "beviljat"]
    assert decision(move_rule(example(), "beslut", 0, 5), "beslut").rules[-1].if_ is None
    assert "Den sista regeln" in str(refused(lambda: move_rule(example(), "beslut", 2, 0)))


# --- reuse between organisations --------------------------------------------------------------


def test_copy_step_from_another_journey_drops_ways_to_steps_it_does_not_have() -> None:
    target = example("trygghetslarm")
    journey, report = copy_step_from(example(), "ska-du-kora", target, after="start")

    step = screen(journey, "ska-du-kora")
    assert ids(journey)[:2] == ["start", "ska-du-kora"]
    assert step.fields[0].id == "forare" and step.next is None and step.phase == "fore"
    assert report.dropped_gotos == ["korkort", "passagerare"]
    assert report.notes()[0].startswith(
        "Vägar till steg som inte finns här togs bort: korkort och passagerare."
    )


def test_copy_step_from_renames_clashing_ids_and_its_conditions_follow() -> None:
    journey, report = copy_step_from(example(), "ska-du-kora", example())

    step = screen(journey, "ska-du-kora-2")
    assert report.step_id == "ska-du-kora-2"
    assert report.renamed_fields == {"forare": "forare-2"}
    assert step.transitions()[0].if_ == {"forare-2": "Ja"}
    assert report.dropped_gotos == []


def test_copy_step_from_reports_phase_actors_and_questions_the_target_lacks() -> None:
    target = new_journey("bygglov", "Bygglov", "Annan kommun")
    journey, report = copy_step_from(example(), "beslut", add_step(target, "screen", "Beviljat"))

    assert decision(journey, "beslut").rules[0].goto == "beviljat"
    assert report.dropped_gotos == ["avslag"]
    assert report.dropped_phase == "beslut"
    assert report.dropped_actors == ["handlaggare"]
    assert report.missing_fields == ["gangstracka", "hjalpmedel"]
    assert len(report.notes("en")) == 4
    error = refused(lambda: copy_step_from(example(), "beslut", target))
    assert "leder bara till steg som inte finns här" in str(error)


PHASE_CODES = {"phase-order", "missing-phase", "unknown-phase", "unused-phase"}


def phase_findings(journey: Journey) -> Counter[tuple[str, str | None]]:
    """The validator's findings about phases, by code and step (paths shift on insert)."""
    return Counter((f.code, f.step_id) for f in check_journey(journey) if f.code in PHASE_CODES)


def test_a_copied_step_takes_the_phase_where_it_lands_not_its_source_phase() -> None:
    target = new_journey("bygglov", "Bygglov", "Annan kommun", template="standard-e-service")
    asked = next(s for s in target.steps if s.title == "Din fråga")
    assert asked.phase == "ansokan"

    journey, report = copy_step_from(example(), "ska-du-kora", target, after=asked.id)

    copied = screen(journey, report.step_id)
    assert copied.phase == "ansokan"  # its source phase 'fore' exists here too
    assert report.dropped_phase is None
    assert phase_findings(journey) == phase_findings(target)


def test_copying_a_step_into_every_position_gives_no_new_finding_about_phases() -> None:
    targets = [
        new_journey("bygglov", "Bygglov", "Annan kommun", template="standard-e-service"),
        example("trygghetslarm"),
        example("ekonomiskt-bistand"),
    ]
    for source_name in sorted(JOURNEYS):
        source = example(source_name)
        by_phase = {step.phase: step.id for step in source.steps}  # one step of each phase
        for target in targets:
            before = phase_findings(target)
            for step_id in by_phase.values():
                for after in [None, *ids(target)]:
                    try:
                        journey, report = copy_step_from(source, step_id, target, after=after)
                    except EditError:  # a decision with nowhere to go here
                        continue
                    where = f"{source_name}:{step_id} after {after} in {target.id}"
                    assert phase_findings(journey) == before, where
                    phase = journey.step(report.step_id).phase  # type: ignore[union-attr]
                    assert phase in {p.id for p in target.phases}, where


def test_a_copy_into_a_journey_without_phases_leaves_no_phase_behind() -> None:
    target = new_journey("bygglov", "Bygglov", "Annan kommun")
    assert target.phases == []

    journey, report = copy_step_from(example(), "ska-du-kora", target)

    assert journey.step(report.step_id).phase is None  # type: ignore[union-attr]
    assert report.dropped_phase == "fore"
    assert not [f for f in check_journey(journey) if f.code in PHASE_CODES]


def test_mark_origin_records_where_a_journey_came_from_once_and_keeps_the_licence() -> None:
    reused = mark_origin(update_journey(example(), licence="CC0-1.0"), example())

    assert (
        reused.origin
        == "Exempelkommun: Ansök om parkeringstillstånd för rörelsehindrade (parkeringstillstand)"
    )
    assert reused.licence == "CC0-1.0"
    assert mark_origin(reused, "någon annan").origin == reused.origin


# --- round trip through the file --------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_edits_saved_into_an_example_keep_every_line_the_edits_did_not_touch(path: Path) -> None:
    document = read_file(path)
    journey = document.journey
    assert journey is not None
    renamed = journey.steps[2]
    asking = next(s for s in journey.steps[3:] if isinstance(s, ScreenStep) and s.fields)

    edited = rename_step(journey, renamed.id, "En helt ny rubrik")
    edited = add_field(edited, asking.id, "text", "En ny fråga")
    edited = move_step(edited, journey.steps[6].id, 7)
    text = save(document, edited)

    again = read_text(text).journey
    assert again is not None and journey_dict(again) == journey_dict(edited)
    lost = Counter(document.text.splitlines()) - Counter(text.splitlines())
    assert lost == Counter({f"    title: {renamed.title}": 1})
    added = Counter(text.splitlines()) - Counter(document.text.splitlines())
    assert sorted(added) == sorted(
        [
            "    title: En helt ny rubrik",
            "      - id: en-ny-fraga",
            "        type: text",
            "        label: En ny fråga",
        ]
    )


# --- the validator after safe edits -----------------------------------------------------------


def _safe_edits(journey: Journey) -> Journey:
    """Edits that leave nothing new for the validator to find."""
    one_way = next(
        s for s in journey.steps[1:] if isinstance(s, ScreenStep) and isinstance(s.next, str)
    )
    with_fields = [s for s in journey.steps if isinstance(s, ScreenStep) and len(s.fields) > 1]
    asked = next(f for f, _ in _used_fields(journey))
    edited = rename_step(journey, journey.steps[1].id, "En ny rubrik")
    edited, _ = change_step_id(edited, journey.steps[3].id, "nytt-id")
    edited = change_field_id(edited, asked, "ny-fraga")
    edited = move_field(edited, with_fields[0].id, with_fields[0].fields[0].id, 9)
    edited = update_field(edited, with_fields[0].id, with_fields[0].fields[0].id, hint="Kort.")
    edited = rename_phase(edited, journey.phases[0].id, "Innan")
    edited = remove_phase(add_phase(edited, "Tillfällig"), "tillfallig")
    edited = add_step(edited, "screen", "Ett nytt steg", after=one_way.id)
    edited, removed = delete_step(edited, "ett-nytt-steg")
    edited = restore_step(edited, removed)
    return set_next(edited, one_way.id, "ett-nytt-steg")


def _used_fields(journey: Journey) -> list[tuple[str, str]]:
    return [
        (f, s.id)
        for s in journey.steps
        for f in sorted(
            {
                key
                for e in (s.rules if isinstance(s, DecisionStep) else s.transitions())
                for key in (e.if_ or {})
                if key not in ("all", "any", "not")
            }
        )
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_safe_edits_on_an_example_give_the_validator_nothing_new_to_find(path: Path) -> None:
    journey = read_file(path).journey
    assert journey is not None
    before = Counter((f.code, f.severity) for f in check_journey(journey))

    edited = _safe_edits(journey)

    assert Counter((f.code, f.severity) for f in check_journey(edited)) == before
    assert edited != journey


# --- random edits -----------------------------------------------------------------------------

FUZZ = settings(
    max_examples=int(os.environ.get("MEDSKAPA_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
JUNK_IDS = st.sampled_from(["", "finns-inte", "Stora Bokstäver", "a" * 90, "all"])
INDEX = st.integers(-3, 30)
TEXT = st.one_of(st.text(max_size=12), st.sampled_from(["Ny rubrik", "Ja", "Nej", ""]))


def _step_id(draw: Any, journey: Journey) -> str:
    return draw(st.one_of(st.sampled_from(ids(journey)), JUNK_IDS))


def _field_id(draw: Any, journey: Journey) -> str:
    known = sorted(journey.fields())
    return draw(st.one_of(st.sampled_from(known), JUNK_IDS) if known else JUNK_IDS)


def _phase_id(draw: Any, journey: Journey) -> str | None:
    known = [p.id for p in journey.phases]
    options = [st.none(), JUNK_IDS] + ([st.sampled_from(known)] if known else [])
    return draw(st.one_of(*options))


def _condition(draw: Any, journey: Journey) -> Any:
    field = _field_id(draw, journey)
    value = draw(st.one_of(TEXT, st.integers(-5, 500), st.booleans(), st.none()))
    simple = st.sampled_from(
        [
            {field: value},
            {field: {"in": [value]}},
            {field: {"gt": value}},
            {field: {"answered": True}},
            {"any": [{field: value}, {field: {"ne": value}}]},
            {"not": {field: value}},
            {},
            {field: {"foo": 1}},
            "Ja",
        ]
    )
    return draw(simple)


def _edit(draw: Any, journey: Journey, removed: list[Removed]) -> Journey:
    """One random edit with arguments that are mostly sensible and sometimes not."""
    op = draw(st.integers(0, 38))
    step = lambda: _step_id(draw, journey)  # noqa: E731
    field = lambda: _field_id(draw, journey)  # noqa: E731
    kinds = st.sampled_from(["screen", "decision", "offline", "sida"])
    types = st.sampled_from([t.value for t in FieldType] + ["ja-nej"])
    if op == 0:
        return rename_step(journey, step(), draw(TEXT))
    if op == 1:
        return add_step(
            journey,
            draw(kinds),
            draw(TEXT),
            after=draw(st.one_of(st.none(), st.sampled_from(ids(journey)))),
            phase=_phase_id(draw, journey),
            goto=draw(st.one_of(st.none(), st.sampled_from(ids(journey)))),
            connect=draw(st.booleans()),
        )
    if op == 2:
        return change_step_id(journey, step(), draw(st.one_of(JUNK_IDS, st.just("nytt"))))[0]
    if op == 3:
        return move_step(journey, step(), draw(INDEX))
    if op == 4:
        return move_step_to_phase(journey, step(), _phase_id(draw, journey))
    if op == 5:
        return duplicate_step(journey, step())
    if op == 6:
        edited, gone = delete_step(journey, step())
        removed.append(gone)
        return edited
    if op == 7 and removed:
        return restore_step(journey, removed.pop(draw(st.integers(0, len(removed) - 1))))
    if op == 8:
        return set_step_kind(journey, step(), draw(kinds))
    if op == 9:
        actors = [a.id for a in journey.all_actors()] + ["ingen"]
        return set_actor(journey, step(), draw(st.one_of(st.none(), st.sampled_from(actors))))
    if op == 10:
        return set_channel(journey, step(), draw(st.sampled_from(["web", "letter", "fax"])))
    if op == 11:
        return add_field(journey, step(), draw(types), draw(TEXT), index=draw(INDEX))
    if op == 12:
        return update_field(
            journey,
            step(),
            field(),
            **draw(
                st.sampled_from(
                    [
                        {"label": "Ny fråga"},
                        {"hint": None},
                        {"required": "Svara"},
                        {"required": ""},
                        {"type": "radios"},
                        {"type": "text"},
                        {"options": ["Ja", "Nej"]},
                        {"min": {"value": 1, "message": "Minst 1"}},
                        {"max_length": {"value": -1, "message": "x"}},
                        {"color": "red"},
                    ]
                )
            ),
        )
    if op == 13:
        return move_field(journey, step(), field(), draw(INDEX))
    if op == 14:
        return remove_field(journey, step(), field())
    if op == 15:
        return change_field_id(journey, field(), draw(st.one_of(JUNK_IDS, st.just("ny-fraga"))))
    if op == 16:
        return set_next(journey, step(), draw(st.one_of(st.none(), st.sampled_from(ids(journey)))))
    if op == 17:
        return add_branch(
            journey,
            step(),
            _condition(draw, journey),
            step(),
            index=draw(st.one_of(st.none(), INDEX)),
        )
    if op == 18:
        return update_branch(
            journey,
            step(),
            draw(INDEX),
            **draw(
                st.sampled_from(
                    [
                        {"goto": step()},
                        {"condition": None},
                        {"condition": _condition(draw, journey)},
                    ]
                )
            ),
        )
    if op == 19:
        return remove_branch(journey, step(), draw(INDEX))
    if op == 20:
        return move_branch(journey, step(), draw(INDEX), draw(INDEX))
    if op == 21:
        return add_rule(journey, step(), _condition(draw, journey), draw(TEXT), step())
    if op == 22:
        return update_rule(journey, step(), draw(INDEX), outcome=draw(TEXT), explanation=None)
    if op == 23:
        return remove_rule(journey, step(), draw(INDEX))
    if op == 24:
        return move_rule(journey, step(), draw(INDEX), draw(INDEX))
    if op == 25:
        return add_phase(journey, draw(TEXT), index=draw(st.one_of(st.none(), INDEX)))
    if op == 26:
        return rename_phase(journey, _phase_id(draw, journey), draw(TEXT))  # type: ignore[arg-type]
    if op == 27:
        return move_phase(journey, _phase_id(draw, journey), draw(INDEX))  # type: ignore[arg-type]
    if op == 28:
        return remove_phase(journey, _phase_id(draw, journey))  # type: ignore[arg-type]
    if op == 29:
        source = JOURNEYS[draw(st.sampled_from(sorted(JOURNEYS)))]
        assert source is not None
        after = draw(st.one_of(st.none(), st.sampled_from(ids(journey))))
        return copy_step_from(source, draw(st.sampled_from(ids(source))), journey, after=after)[0]
    if op == 30:
        return set_start(journey, draw(st.one_of(st.none(), st.sampled_from(ids(journey)))))
    if op == 31:
        return update_step(
            journey,
            step(),
            **draw(
                st.sampled_from(
                    [{"body": "Text."}, {"button": None}, {"pattern": "e-id"}, {"manual": True}]
                )
            ),
        )
    if op == 32:
        describe_condition(_condition(draw, journey), journey, draw(st.sampled_from(["sv", "en"])))
        return journey
    if op == 33:
        return update_journey(journey, **draw(st.sampled_from([{"title": "T"}, {"lix_target": 5}])))
    return journey


@FUZZ
@given(st.sampled_from(sorted(JOURNEYS)), st.data())
def test_random_edits_refuse_only_with_edit_errors_and_keep_a_valid_shape(
    name: str, data: st.DataObject
) -> None:
    journey = example(name)
    removed: list[Removed] = []
    for _ in range(data.draw(st.integers(1, 15), label="edits")):
        try:
            edited = _edit(data.draw, journey, removed)
        except EditError as error:
            assert str(error) and error.message("en")
            continue
        assert isinstance(edited, Journey)
        again = Journey.model_validate(journey_dict(edited))
        assert journey_dict(again) == journey_dict(edited)
        journey = edited


# --- the store: two designers, history --------------------------------------------------------

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(hours=1)
T2 = T0 + dt.timedelta(hours=2)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "medskapa.db")
    database.execute("pragma foreign_keys = on")
    MIGRATIONS.apply(database)
    return database


def test_a_save_over_someone_elses_newer_revision_is_refused_and_says_who_and_when(
    db: Database,
) -> None:
    save_journey(db, example(), author="anna", now=T0, expected_revision=0)
    anna = rename_step(example(), "start", "Anna ändrade")
    bob = rename_step(example(), "start", "Bob ändrade")
    save_journey(db, anna, author="anna", now=T1, expected_revision=1)

    with pytest.raises(RevisionConflict) as caught:
        save_journey(db, bob, author="bob", now=T2, expected_revision=1)

    conflict = caught.value
    assert (conflict.expected, conflict.current, conflict.author) == (1, 2, "anna")
    assert conflict.when == T1
    assert str(conflict) == (
        "Resan 'parkeringstillstand' har ändrats sedan du öppnade revision 1: anna sparade "
        "revision 2 2026-03-02 10:00. Ladda om resan och gör dina ändringar igen, så skriver "
        "ni inte över varandras arbete."
    )
    assert "anna saved revision 2" in conflict.message("en")
    assert [r.number for r in list_revisions(db, "parkeringstillstand")] == [1, 2]
    assert screen(get_journey(db, "parkeringstillstand"), "start").title == "Anna ändrade"  # type: ignore[arg-type]


def test_saving_what_is_already_there_is_no_conflict(db: Database) -> None:
    save_journey(db, example(), author="anna", now=T0)
    edited = rename_step(example(), "start", "Samma ändring")
    save_journey(db, edited, author="anna", now=T1, expected_revision=1)

    revision = save_journey(db, edited, author="bob", now=T2, expected_revision=1)

    assert revision.number == 2 and revision.author == "anna"


def test_a_new_journey_expects_revision_zero_and_a_deleted_one_says_so(db: Database) -> None:
    with pytest.raises(RevisionConflict) as caught:
        save_journey(db, example(), author="bob", now=T0, expected_revision=3)
    assert "har tagits bort" in str(caught.value)
    save_journey(db, example(), author="anna", now=T0, expected_revision=0)
    with pytest.raises(RevisionConflict):
        save_journey(
            db, rename_step(example(), "start", "X"), author="bob", now=T1, expected_revision=0
        )


def test_revision_diff_lists_steps_added_removed_changed_and_the_yaml_diff(db: Database) -> None:
    save_journey(db, example(), author="anna", now=T0)
    edited = rename_step(example(), "korkort", "Har du körkort?")
    edited = add_step(edited, "screen", "Ny sida", after="foto")
    edited, _ = delete_step(edited, "kort-tid")
    edited = move_step(edited, "fornya", 0)
    save_journey(db, edited, author="anna", now=T1)

    diff = revision_diff(db, "parkeringstillstand", 1, 2)

    assert diff is not None
    assert (diff.added, diff.removed) == (["ny-sida"], ["kort-tid"])
    assert diff.changed == ["korkort", "varaktighet", "foto"]
    assert diff.reordered and diff.details == ["start"]
    assert "-    title: Har du ett körkort som gäller?\n" in diff.text
    assert "+    title: Har du körkort?\n" in diff.text
    assert diff.text.startswith(
        "--- parkeringstillstand revision 1\n+++ parkeringstillstand revision 2"
    )
    assert revision_diff(db, "parkeringstillstand", 1, 1).same  # type: ignore[union-attr]
    assert revision_diff(db, "parkeringstillstand", 1, 9) is None


def test_restore_revision_saves_the_old_content_and_text_as_a_new_revision(db: Database) -> None:
    source = EXAMPLES[1].read_text(encoding="utf-8")
    save_journey(db, example(), source=source, author="anna", now=T0)
    save_journey(db, rename_step(example(), "start", "Fel"), author="bob", now=T1)

    revision = restore_revision(db, "parkeringstillstand", 1, author="anna", now=T2)

    assert revision is not None
    assert (revision.number, revision.author, revision.note) == (
        3,
        "anna",
        "Återställd från revision 1",
    )
    assert journey_dict(get_journey(db, "parkeringstillstand")) == journey_dict(example())  # type: ignore[arg-type]
    assert get_source(db, "parkeringstillstand") == source
    assert restore_revision(db, "parkeringstillstand", 3, author="anna", now=T2).number == 3  # type: ignore[union-attr]
    assert restore_revision(db, "parkeringstillstand", 7, author="anna", now=T2) is None


def test_importing_from_another_organisation_records_the_origin_and_keeps_the_licence(
    db: Database,
) -> None:
    source = (
        EXAMPLES[1].read_text(encoding="utf-8").replace("licence: CC-BY-4.0", "licence: CC0-1.0")
    )
    journey = read_text(source).journey
    assert journey is not None

    import_journey(db, journey, organisation="Malmö stad", source=source, author="anna", now=T0)

    stored = get_journey(db, "parkeringstillstand")
    assert stored is not None
    assert (stored.organisation, stored.licence) == ("Malmö stad", "CC0-1.0")
    assert stored.origin == (
        "Exempelkommun: Ansök om parkeringstillstånd för rörelsehindrade (parkeringstillstand)"
    )
    text = get_source(db, "parkeringstillstand")
    assert text is not None and "# Exempelresa: parkeringstillstånd" in text
    assert "organisation: Malmö stad" in text


def test_importing_within_the_organisation_changes_nothing(db: Database) -> None:
    own = update_journey(example(), origin="Region Exempel")

    import_journey(db, own, organisation="Exempelkommun", author="anna", now=T0)

    stored = get_journey(db, "parkeringstillstand")
    assert stored is not None and journey_dict(stored) == journey_dict(own)


# --- actors -----------------------------------------------------------------------------------


def test_add_actor_keeps_the_default_three_and_gives_a_unique_id() -> None:
    journey = new_journey("bygglov", "Bygglov", "Exempelkommun")
    assert journey.actors is None

    journey = add_actor(journey, "Bygglovshandläggare", role="service-provider")
    journey = add_actor(journey, "Bygglovshandläggare")

    assert [a.id for a in journey.all_actors()] == [
        "invanare",
        "kommunen",
        "system",
        "bygglovshandlaggare",
        "bygglovshandlaggare-2",
    ]
    assert journey.all_actors()[3].role == "service-provider"
    assert "Skriv aktörens namn" in str(refused(lambda: add_actor(journey, "  ")))
    assert "Okänd roll 'chef'" in str(refused(lambda: add_actor(journey, "X", role="chef")))
    assert "redan en aktör" in str(refused(lambda: add_actor(journey, "X", id="kommunen")))


def test_rename_actor_keeps_its_id_so_steps_still_name_it() -> None:
    journey = set_actor(example(), "utredning", "kontaktcenter")
    renamed = rename_actor(journey, "kontaktcenter", "Medborgarservice")

    titles = {a.id: a.title for a in renamed.all_actors()}
    assert titles["kontaktcenter"] == "Medborgarservice"
    assert renamed.step("utredning").actor == "kontaktcenter"  # type: ignore[union-attr]
    assert "Menade du" in str(refused(lambda: rename_actor(journey, "kontaktcentre", "X")))


def test_remove_actor_is_refused_while_a_step_names_it() -> None:
    journey = add_actor(example(), "Färdtjänsten", id="fardtjansten")
    journey = update_step(journey, "utredning", receiver="fardtjansten")
    error = refused(lambda: remove_actor(journey, "fardtjansten"))
    assert "används i utredning" in str(error)

    freed = update_step(journey, "utredning", receiver=None)
    assert "fardtjansten" not in [a.id for a in remove_actor(freed, "fardtjansten").all_actors()]


def test_a_greater_than_condition_reads_as_the_builder_offers_it() -> None:
    """The rule builder offers "är större än"; the way it builds reads the same words."""
    journey = example()
    assert describe_condition({"gangstracka": {"gt": 3}}, journey).endswith("är större än 3")
    assert describe_condition({"gangstracka": {"gt": 3}}, journey, "en").endswith(
        "is greater than 3"
    )
