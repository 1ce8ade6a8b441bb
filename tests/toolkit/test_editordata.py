"""The journey editor's plain data: outline, step view, findings placed, form input to edits."""

from __future__ import annotations

import datetime as dt

import pytest

from journeys import editing, files
from journeys import store as journey_store
from journeys.validate import check_journey
from toolkit import drafts
from toolkit.app import editordata as ed
from toolkit.db import open_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _car_journey() -> editing.Journey:
    """Start → question 'Ska du själv köra bilen?' → körkort (Ja) or passagerare."""
    j = ed.journey_from_template("blank", "Parkering", "Exempelkommun")
    j = editing.add_step(j, "screen", "Förare", after="start")
    j = editing.add_field(j, "forare", "radios", "Ska du själv köra bilen?")
    j = editing.update_field(j, "forare", "ska-du-sjalv-kora-bilen", options=["Ja", "Nej"])
    j = editing.add_step(j, "screen", "Körkort", after="forare")
    j = editing.add_step(j, "screen", "Passagerare", after="korkort")
    j = editing.set_next(j, "forare", "passagerare")
    cond = ed.condition_for(j, "ska-du-sjalv-kora-bilen", "Ja")
    return editing.add_branch(j, "forare", cond, "korkort")


def test_templates_offer_blank_standard_and_every_example() -> None:
    values = [v for v, _ in ed.template_choices()]
    assert values[:2] == ["blank", "standard-e-service"]
    assert "example:parkeringstillstand" in values
    standard = ed.journey_from_template("standard-e-service", "Ansök om bygglov", "Exempelkommun")
    assert [s.id for s in standard.steps] == [
        "start",
        "logga-in",
        "fraga",
        "kontrollera-svar",
        "skickad",
    ]
    assert standard.id == "ansok-om-bygglov"


def test_an_example_template_gets_the_new_id_and_says_where_it_came_from() -> None:
    j = ed.journey_from_template("example:parkeringstillstand", "Vår parkering", "Testkommun")
    assert (j.id, j.title, j.organisation) == ("var-parkering", "Vår parkering", "Testkommun")
    assert "parkeringstillstand" in (j.origin or "")
    assert len(j.steps) > 10


def test_a_new_journey_needs_a_title_and_a_known_template() -> None:
    with pytest.raises(editing.EditError, match="titel"):
        ed.journey_from_template("blank", "  ", "Exempelkommun")
    with pytest.raises(editing.EditError):
        ed.journey_from_template("blank", "Resa", "Exempelkommun", "Inte ett id!")
    with pytest.raises(editing.EditError, match="mall"):
        ed.journey_from_template("example:../../etc/passwd", "Resa", "Exempelkommun")


def test_outline_groups_steps_by_phase_with_move_limits_and_error_counts() -> None:
    j = ed.journey_from_template("standard-e-service", "Bygglov", "Exempelkommun")
    j = editing.set_next(j, "start", None)  # nothing leads to logga-in any more
    rows = ed.finding_rows(j, check_journey(j))
    groups = ed.outline(j, rows, selected="fraga")
    assert [g.title for g in groups] == ["Före ansökan", "Ansökan", "Efter ansökan"]
    ansokan = groups[1].steps
    assert [r.id for r in ansokan] == ["logga-in", "fraga", "kontrollera-svar"]
    assert groups[0].steps[0].first and groups[2].steps[-1].last
    assert not ansokan[0].first and not ansokan[0].last
    assert [r.id for g in groups for r in g.steps if r.selected] == ["fraga"]
    assert sum(r.errors + r.warnings for g in groups for r in g.steps) >= 1


def test_a_finding_about_a_question_focuses_that_question() -> None:
    j = _car_journey()
    j = editing.update_field(j, "forare", "ska-du-sjalv-kora-bilen", options=["Ja", "Nej", "Ja"])
    rows = ed.finding_rows(j, check_journey(j))
    on_field = [r for r in rows if r.field_id == "ska-du-sjalv-kora-bilen"]
    assert on_field, [r.message for r in rows]
    assert on_field[0].step_id == "forare"
    assert on_field[0].target == "field-label-ska-du-sjalv-kora-bilen"
    view = ed.step_view(j, "forare", rows)
    assert view is not None and view.fields[0].findings


def test_an_answer_that_is_not_an_option_leads_to_the_options_of_its_question() -> None:
    j = _car_journey()
    j = editing.update_field(j, "forare", "ska-du-sjalv-kora-bilen", options=["Yes", "No"])
    rows = [r for r in ed.finding_rows(j, check_journey(j)) if r.severity == "error"]
    assert len(rows) == 1 and "Ja" in rows[0].message
    assert (rows[0].jump_step, rows[0].field_id) == ("forare", "ska-du-sjalv-kora-bilen")
    assert rows[0].target == "field-options-ska-du-sjalv-kora-bilen"


def test_step_view_shows_the_branch_as_a_sentence_and_the_default_next_step() -> None:
    j = _car_journey()
    view = ed.step_view(j, "forare", [])
    assert view is not None
    assert [w.condition for w in view.ways] == [
        "Om Ska du själv köra bilen? är Ja",
        "I alla andra fall",
    ]
    assert [w.goto for w in view.ways] == ["korkort", "passagerare"]
    assert view.default_next == "passagerare"
    assert view.fields[0].options == "Ja\nNej" and view.fields[0].has_options
    assert ed.step_view(j, "finns-inte", []) is None


def test_field_form_changes_only_what_differs_and_rules_need_a_message() -> None:
    j = editing.add_field(_car_journey(), "korkort", "text", "Körkortsnummer")
    field = j.fields()["korkortsnummer"][1]
    same = {"label": "Körkortsnummer", "hint": "", "type": "text", "required": ""}
    assert ed.field_changes(field, same) == {}
    changed = ed.field_changes(
        field,
        {
            **same,
            "required": "Skriv ditt körkortsnummer",
            "rule_min_length_value": "6",
            "rule_min_length_message": "Skriv minst 6 tecken",
        },
    )
    assert changed == {
        "required": "Skriv ditt körkortsnummer",
        "min_length": {"value": 6, "message": "Skriv minst 6 tecken"},
    }
    with pytest.raises(editing.EditError, match="felmeddelandet"):
        ed.field_changes(field, {**same, "rule_max_length_value": "10"})
    with pytest.raises(editing.EditError, match="heltal"):
        ed.field_changes(
            field, {**same, "rule_max_length_value": "tio", "rule_max_length_message": "Högst"}
        )


def test_options_are_one_per_line_and_at_least_two() -> None:
    j = _car_journey()
    field = j.fields()["ska-du-sjalv-kora-bilen"][1]
    base = {"label": field.label, "type": "radios", "required": "", "hint": ""}
    assert ed.field_changes(field, {**base, "options": "Ja\n\n Nej \nVet inte\nJa"}) == {
        "options": ["Ja", "Nej", "Vet inte"]
    }
    with pytest.raises(editing.EditError, match="två"):
        ed.field_changes(field, {**base, "options": "Ja"})


def test_the_rule_builder_suggests_the_answers_of_choice_questions() -> None:
    j = editing.add_field(_car_journey(), "korkort", "yesno", "Har du körkort?")
    j = editing.add_field(j, "korkort", "text", "Körkortsnummer")
    assert ed.answer_choices(j) == ["Ja", "Nej"]
    j = editing.update_field(j, "forare", "ska-du-sjalv-kora-bilen", options=["Ja", "Kanske"])
    assert ed.answer_choices(j) == ["Ja", "Kanske", "Nej"]


def test_rule_builder_condition_types_a_number_answer_and_refuses_empty_input() -> None:
    j = editing.add_field(_car_journey(), "korkort", "number", "Ålder")
    assert ed.condition_for(j, "alder", "18") == {"alder": 18}
    assert ed.condition_for(j, "ska-du-sjalv-kora-bilen", "Ja") == {"ska-du-sjalv-kora-bilen": "Ja"}
    with pytest.raises(editing.EditError, match="Skriv svaret"):
        ed.condition_for(j, "ska-du-sjalv-kora-bilen", " ")
    with pytest.raises(editing.EditError, match="tal"):
        ed.condition_for(j, "alder", "arton")


def test_publish_blockers_list_every_error_and_nothing_when_only_warnings() -> None:
    rows = [
        ed.FindingRow("error", "Det finns inget steg 'x'.", "start", "Start"),
        ed.FindingRow("warning", "Texten är svår.", "start", "Start"),
    ]
    text = ed.publish_blockers(rows)
    assert text.startswith("Resan har 1 fel och kan inte publiceras")
    assert "- Start: Det finns inget steg 'x'." in text and "svår" not in text
    assert ed.publish_blockers(rows[1:]) == ""


def test_state_text_round_trips_and_the_draft_diff_shows_the_change() -> None:
    j = _car_journey()
    assert ed.load(ed.dump(j)) == j
    renamed = editing.rename_step(j, "korkort", "Ditt körkort")
    diff = ed.draft_diff(j, renamed)
    assert "-    title: Körkort" in diff and "+    title: Ditt körkort" in diff


def test_a_draft_is_only_shown_to_its_owner_for_its_journey(tmp_path) -> None:
    db = open_db(tmp_path / "m.db")
    j = _car_journey()
    token = drafts.new_token()
    drafts.put_draft(db, token, owner="a@exempel.se", journey=j, content=ed.dump(j), now=NOW)
    assert drafts.get_draft(db, token, owner="a@exempel.se", journey_id=j.id) == j
    assert drafts.get_draft(db, token, owner="b@exempel.se", journey_id=j.id) is None
    assert drafts.get_draft(db, token, owner="a@exempel.se", journey_id="annan") is None
    assert drafts.get_draft(db, "fel", owner="a@exempel.se", journey_id=j.id) is None
    later = NOW + drafts.KEEP + dt.timedelta(hours=1)
    drafts.put_draft(db, "ny", owner="a@exempel.se", journey=j, content=ed.dump(j), now=later)
    assert drafts.get_draft(db, token, owner="a@exempel.se", journey_id=j.id) is None
    assert journey_store.list_journeys(db) == []  # a draft is not a saved journey


def test_moving_in_the_outline_crosses_into_the_next_or_previous_phase() -> None:
    j = ed.journey_from_template("standard-e-service", "Bygglov", "Exempelkommun")

    def shown(journey: editing.Journey) -> list[tuple[str, str]]:
        return [(g.id, r.id) for g in ed.outline(journey, []) for r in g.steps]

    up = ed.move_in_outline(j, "fraga", -1)
    assert shown(up)[1:3] == [("ansokan", "fraga"), ("ansokan", "logga-in")]
    into_fore = ed.move_in_outline(up, "fraga", -1)
    assert shown(into_fore)[:2] == [("fore", "start"), ("fore", "fraga")]
    assert ed.move_in_outline(into_fore, "fraga", 1) == up  # first of Ansökan again
    to_efter = ed.move_in_outline(j, "kontrollera-svar", 1)
    assert shown(to_efter)[-2:] == [("efter", "kontrollera-svar"), ("efter", "skickad")]
    assert ed.move_in_outline(j, "skickad", 1) == j  # last of all stays
    top = ed.move_in_outline(ed.move_in_outline(j, "logga-in", -1), "logga-in", -1)
    assert top.first_step().id == "start"  # where the citizen starts never changes
    assert shown(top)[:2] == [("fore", "logga-in"), ("fore", "start")]


def test_saving_from_the_editor_keeps_the_comments_of_the_yaml_file() -> None:
    source = (
        "# Vår kommentar om resan\n"
        "id: resa\ntitle: Resa\norganisation: Exempelkommun\n"
        "steps:\n"
        "  - id: start  # startsidan\n    kind: screen\n    title: Start\n    next: klart\n"
        "  - id: klart\n    kind: screen\n    title: Klart\n"
    )
    journey = files.read_text(source).journey
    assert journey is not None
    edited = editing.rename_step(journey, "klart", "Tack")
    text = ed.kept_source(source, edited)
    assert text is not None
    assert "# Vår kommentar om resan" in text and "# startsidan" in text
    assert "title: Tack" in text
    assert ed.kept_source("", edited) is None
    assert ed.kept_source(files.to_json(journey), edited) is None


def test_the_step_form_changes_only_what_differs() -> None:
    j = ed.journey_from_template("standard-e-service", "Bygglov", "Exempelkommun")
    view = ed.step_view(j, "fraga", [])
    assert view is not None
    unchanged = {
        "title": view.title,
        "kind": view.kind,
        "phase": view.phase,
        "actor": view.actor,
        "channel": view.channel,
        "body": view.body,
        "button": view.button,
        "pattern": view.pattern,
    }
    assert ed.apply_step_form(j, "fraga", unchanged) == j
    changed = ed.apply_step_form(
        j,
        "fraga",
        {
            **unchanged,
            "title": "Om bygget",
            "phase": "fore",
            "actor": "invanare",
            "body": "Berätta **kort**.",
            "button": "Nästa",
            "pattern": "check-answers",
        },
    )
    step = changed.step("fraga")
    assert step is not None and step.title == "Om bygget" and step.phase == "fore"
    assert (step.actor, step.body, step.button, str(step.pattern)) == (
        "invanare",
        "Berätta **kort**.",
        "Nästa",
        "check-answers",
    )


def test_the_step_form_turns_a_screen_into_a_letter_and_a_decision_made_by_hand() -> None:
    j = ed.journey_from_template("standard-e-service", "Bygglov", "Exempelkommun")
    letter = ed.apply_step_form(
        j, "kontrollera-svar", {"kind": "offline", "channel": "letter", "duration": "2 veckor"}
    )
    step = letter.step("kontrollera-svar")
    assert step is not None and step.kind == "offline" and step.duration == "2 veckor"
    decided = ed.apply_step_form(j, "kontrollera-svar", {"kind": "decision"})
    decided = ed.apply_step_form(decided, "kontrollera-svar", {"kind": "decision", "manual": "on"})
    step = decided.step("kontrollera-svar")
    assert step is not None and step.kind == "decision" and step.manual
    with pytest.raises(editing.EditError):
        ed.apply_step_form(j, "fraga", {"title": "  "})


def test_a_dropped_step_goes_before_the_step_it_is_dropped_on_or_last_in_a_phase() -> None:
    j = ed.journey_from_template("standard-e-service", "Bygglov", "Exempelkommun")

    def shown(journey: editing.Journey) -> list[tuple[str, str]]:
        return [(g.id, r.id) for g in ed.outline(journey, []) for r in g.steps]

    before = ed.drop_step(j, "skickad", "logga-in", "ansokan")
    assert shown(before)[1:3] == [("ansokan", "skickad"), ("ansokan", "logga-in")]
    assert before.step("skickad").next is None  # where it leads is unchanged
    later = ed.drop_step(j, "logga-in", "kontrollera-svar", "ansokan")
    assert [s for _, s in shown(later)][1:4] == ["fraga", "logga-in", "kontrollera-svar"]
    into_efter = ed.drop_step(j, "fraga", None, "efter")
    assert shown(into_efter)[-2:] == [("efter", "skickad"), ("efter", "fraga")]
    assert ed.drop_step(j, "fraga", "fraga", "ansokan") == j
    assert ed.drop_step(j, "finns-inte", "fraga", "ansokan") == j


# --- journey details, actors, ids, the rule builder -------------------------------------------


def _with_numbers() -> editing.Journey:
    """The car journey with a number question 'Hur långt kan du gå?' (meter) and a date."""
    j = _car_journey()
    j = editing.add_field(j, "forare", "number", "Hur långt kan du gå?", id="meter")
    return editing.add_field(j, "forare", "date", "När flyttar du?", id="flytt")


def test_journey_form_changes_details_and_start_and_clears_emptied_ones() -> None:
    j = editing.update_journey(_car_journey(), service_area="Trafik")
    form = {
        **vars(ed.journey_details(j)),
        "title": "Parkeringstillstånd för rörelsehindrade",
        "licence": "CC0-1.0",
        "service_area": "",
        "description": "Ansök om tillstånd\r\nför din bil.",
        "lix_target": "35",
        "start": "forare",
    }

    changed = ed.apply_journey_form(j, form)

    assert changed.title == "Parkeringstillstånd för rörelsehindrade"
    assert (changed.licence, changed.lix_target, changed.start) == ("CC0-1.0", 35, "forare")
    assert changed.service_area is None
    assert changed.description == "Ansök om tillstånd\nför din bil."
    assert ed.journey_details(changed).start == "forare"
    back = ed.apply_journey_form(changed, {**vars(ed.journey_details(changed)), "start": ed.END})
    assert back.start is None
    assert ed.start_choices(j)[0] == [ed.END, "Det första i listan"]


def test_journey_form_refuses_empty_title_licence_and_a_lix_out_of_range() -> None:
    j = _car_journey()
    details = vars(ed.journey_details(j))
    for key, value, words in [
        ("title", " ", "Skriv resans titel"),
        ("licence", "", "Skriv resans licens"),
        ("lix_target", "ett hundra", "mellan 10 och 80"),
        ("lix_target", "95", "mellan 10 och 80"),
    ]:
        with pytest.raises(editing.EditError) as caught:
            ed.apply_journey_form(j, {**details, key: value})
        assert words in caught.value.message("sv")


def test_actor_rows_say_which_actors_steps_use() -> None:
    j = editing.add_actor(_car_journey(), "Färdtjänsten", role="service-provider")
    j = editing.set_actor(j, "forare", "fardtjansten")
    rows = {r.id: r for r in ed.actor_rows(j, "sv")}
    assert rows["fardtjansten"].used and rows["fardtjansten"].role_label == "Tjänsteleverantör"
    assert not rows["kommunen"].used
    assert [v for v, _ in ed.role_choices()] == ["end-user", "service-provider", "system", "other"]


def test_references_message_counts_in_swedish_and_english() -> None:
    j = editing.set_start(_car_journey(), "forare")
    j = editing.set_next(j, "start", "forare")
    _, refs = editing.change_step_id(j, "forare", "bil")
    assert ed.references_message(len(refs)) == "2 hänvisningar uppdaterades"
    assert ed.references_message(1) == "1 hänvisning uppdaterades"
    assert ed.references_message(3, "en") == "3 references updated"


def test_operators_fit_the_question_type() -> None:
    j = _with_numbers()
    assert [op for op, _ in ed.operator_choices(j, "meter")] == [
        "eq", "ne", "gt", "gte", "lt", "lte", "answered", "unanswered"
    ]  # fmt: skip
    assert dict(ed.operator_choices(j, "meter"))["gt"] == "är större än"
    assert dict(ed.operator_choices(j, "flytt"))["lt"] == "är tidigare än"
    choice = [op for op, _ in ed.operator_choices(j, "ska-du-sjalv-kora-bilen")]
    assert "in" in choice and "gt" not in choice
    j = editing.add_field(j, "forare", "checkboxes", "Vilka hjälpmedel?", id="hjalp")
    assert dict(ed.operator_choices(j, "hjalp", "sv"))["eq"] == "innehåller"


def test_value_control_is_a_select_of_options_for_choices_and_ticks_for_one_of() -> None:
    j = _with_numbers()
    radios = ed.condition_control(j, "ska-du-sjalv-kora-bilen", "eq")
    assert (radios.input, radios.options) == ("choice", ["Ja", "Nej"])
    assert ed.condition_control(j, "ska-du-sjalv-kora-bilen", "in").input == "many"
    assert ed.condition_control(j, "meter", "gt").input == "number"
    assert ed.condition_control(j, "flytt", "lt").input == "date"
    assert ed.condition_control(j, "meter", "answered").input == "none"


def test_condition_from_form_types_values_and_explains_mistakes() -> None:
    j = _with_numbers()
    assert ed.condition_from_form(j, {"field": "meter", "op": "gt", "value": "100"}) == {
        "meter": {"gt": 100}
    }
    assert ed.condition_from_form(
        j, {"field": "ska-du-sjalv-kora-bilen", "op": "eq", "value": "Ja"}
    ) == {"ska-du-sjalv-kora-bilen": "Ja"}
    assert ed.condition_from_form(
        j, {"field": "ska-du-sjalv-kora-bilen", "op": "not_in", ed.choice_key(1): "on"}
    ) == {"ska-du-sjalv-kora-bilen": {"not_in": ["Nej"]}}
    assert ed.condition_from_form(j, {"field": "flytt", "op": "unanswered"}) == {
        "flytt": {"answered": False}
    }
    for form, words in [
        ({"field": "meter", "op": "gt", "value": "långt"}, "som ett tal"),
        ({"field": "flytt", "op": "lt", "value": "1 juni"}, "år-månad-dag"),
        ({"field": "ska-du-sjalv-kora-bilen", "op": "eq", "value": "Kanske"}, "Välj ett svar"),
        ({"field": "ska-du-sjalv-kora-bilen", "op": "in"}, "Kryssa i minst ett"),
        ({"field": "meter", "op": "in", "value": "1"}, "Välj en jämförelse"),
        ({"field": "", "op": "eq", "value": "1"}, "Välj vilken fråga"),
    ]:
        with pytest.raises(editing.EditError) as caught:
            ed.condition_from_form(j, form)
        assert words in caught.value.message("sv")


def test_condition_parts_fill_the_builder_for_editing_in_place() -> None:
    parts = ed.condition_parts({"meter": {"gt": 100}})
    assert (parts.question, parts.op, parts.value, parts.editable) == ("meter", "gt", "100", True)
    assert ed.condition_parts({"q": "Ja"}).op == "eq"
    assert ed.condition_parts({"q": {"answered": False}}).op == "unanswered"
    assert ed.condition_parts({"q": {"in": ["A", "B"]}}).values == ["A", "B"]
    assert not ed.condition_parts({"any": [{"q": "Ja"}, {"r": "Ja"}]}).editable


def test_step_view_marks_which_conditions_can_be_edited_and_moved() -> None:
    j = _with_numbers()
    j = editing.add_branch(j, "forare", {"meter": {"gt": 100}}, "passagerare")
    j = editing.add_branch(
        j, "forare", {"any": [{"meter": {"lt": 5}}, {"flytt": {"answered": False}}]}, "korkort"
    )
    view = ed.step_view(j, "forare", [], "sv")
    assert view is not None
    ways = [(w.can_edit, w.last_conditional, w.is_default) for w in view.ways]
    assert ways == [(True, False, False), (True, False, False), (False, True, False),
                    (True, False, True)]  # fmt: skip
    parts = ed.way_condition(j, "forare", 1)
    assert (parts.question, parts.op, parts.value) == ("meter", "gt", "100")
    assert not ed.way_condition(j, "forare", 2).editable


def test_step_form_sets_and_clears_an_offline_steps_receiver() -> None:
    j = editing.add_step(_car_journey(), "offline", "Brev", after="korkort")
    j = editing.add_actor(j, "Färdtjänsten", id="fardtjansten")
    form = {"kind": "offline", "title": "Brev", "receiver": "fardtjansten"}
    changed = ed.apply_step_form(j, "brev", form)
    assert changed.step("brev").receiver == "fardtjansten"  # type: ignore[union-attr]
    view = ed.step_view(changed, "brev", [], "sv")
    assert view is not None and view.receiver == "fardtjansten"
    cleared = ed.apply_step_form(changed, "brev", {**form, "receiver": ed.NO_PHASE})
    assert cleared.step("brev").receiver is None  # type: ignore[union-attr]


def test_an_unsaved_draft_is_offered_back_only_from_the_latest_revision(tmp_path) -> None:
    db = open_db(tmp_path / "m.db")
    j = _car_journey()
    saved, old, mine = drafts.new_token(), drafts.new_token(), drafts.new_token()
    put = drafts.put_draft
    put(db, saved, owner="a@exempel.se", journey=j, content=ed.dump(j), now=NOW, base_revision=2)
    assert drafts.pending_draft(db, owner="a@exempel.se", journey_id=j.id, base_revision=2) is None
    changed = editing.rename_step(j, "forare", "Vem kör?")
    later = NOW + dt.timedelta(minutes=5)
    for token, rev in ((old, 1), (mine, 2)):
        put(
            db,
            token,
            owner="a@exempel.se",
            journey=changed,
            content=ed.dump(changed),
            now=later,
            base_revision=rev,
            dirty=True,
        )
    found = drafts.pending_draft(db, owner="a@exempel.se", journey_id=j.id, base_revision=2)
    assert found is not None and found.token == mine
    assert found.journey.step("forare").title == "Vem kör?"
    assert ed.clock_time(found.updated_at, later) == "kl. 13:05"  # Swedish winter time
    assert ed.clock_time(found.updated_at, later + dt.timedelta(days=1)) == "2026-11-25 kl. 13:05"
    assert drafts.pending_draft(db, owner="b@exempel.se", journey_id=j.id, base_revision=2) is None
    drafts.drop_unsaved(db, owner="a@exempel.se", journey_id=j.id, keep=saved)
    assert drafts.pending_draft(db, owner="a@exempel.se", journey_id=j.id, base_revision=2) is None
    assert drafts.get_draft(db, saved, owner="a@exempel.se", journey_id=j.id) == j
    drafts.drop_draft(db, saved, owner="a@exempel.se")
    assert drafts.get_draft(db, saved, owner="a@exempel.se", journey_id=j.id) is None


def test_a_drafts_table_from_before_gets_the_new_columns(tmp_path) -> None:
    db = open_db(tmp_path / "m.db")
    db[drafts.TABLE].create(
        {"token": str, "owner": str, "journey_id": str, "content": str, "updated_at": str},
        pk="token",
    )
    j = _car_journey()
    drafts.put_draft(
        db, "t", owner="a@exempel.se", journey=j, content=ed.dump(j), now=NOW, dirty=True
    )
    assert drafts.pending_draft(db, owner="a@exempel.se", journey_id=j.id, base_revision=0)


def test_findings_in_the_editor_name_questions_and_steps_not_yaml() -> None:
    j = _car_journey()
    j = editing.add_step(j, "screen", "Ensam", after="passagerare")
    j = editing.set_next(j, "passagerare", None)
    rows = ed.finding_rows(j, check_journey(j))
    lonely = next(r for r in rows if r.step_id == "ensam" and "nå" in r.message)
    assert "Lägg till en väg hit från ett annat steg" in lonely.message
    assert "'Ensam'" in lonely.message
    assert "next" not in lonely.message
    wrong = editing.add_branch(
        j, "forare", {"ska-du-sjalv-kora-bilen": "Kanske"}, "passagerare", index=0
    )
    rows = ed.finding_rows(wrong, check_journey(wrong), "en")
    option = next(r for r in rows if "Kanske" in r.message)
    assert "Ska du själv köra bilen?" in option.message
    assert "ska-du-sjalv-kora-bilen" not in option.message


def test_the_counts_speak_the_chosen_language() -> None:
    assert ed.count_label(1, 2) == "1 fel · 2 varningar"
    assert ed.count_label(1, 1, "en") == "1 error · 1 warning"
    assert ed.count_label(2, 0, "en") == "2 errors · 0 warnings"
    j = editing.add_step(_car_journey(), "screen", "Ensam", after="passagerare")
    j = editing.set_next(j, "passagerare", None)
    rows = ed.finding_rows(j, check_journey(j), "en")
    labels = [s.error_label for g in ed.outline(j, rows, lang="en") for s in g.steps if s.errors]
    assert labels and all(label.endswith(("error", "errors")) for label in labels)


def test_a_new_journey_may_not_take_the_title_of_another() -> None:
    titles = [("parkering", "Parkeringstillstånd"), ("bygglov", "Bygglov")]
    assert ed.journey_named(titles, "  parkeringstillstånd ") == "parkering"
    assert ed.journey_named(titles, "Parkering") == ""
    assert ed.journey_named(titles, "") == ""
    assert "Det finns redan en resa som heter ”Bygglov”" in ed.title_taken_message(" Bygglov")


def test_a_form_key_changes_only_with_what_the_form_shows() -> None:
    j = _car_journey()
    before = ed.fingerprint(ed.journey_details(j))
    with_actor = editing.add_actor(j, "Handläggare", role="service-provider")
    assert ed.fingerprint(ed.journey_details(with_actor)) == before
    renamed = ed.apply_journey_form(j, {**vars(ed.journey_details(j)), "title": "Ny titel"})
    assert ed.fingerprint(ed.journey_details(renamed)) != before


def test_a_question_form_keeps_its_key_through_edits_elsewhere() -> None:
    j = _car_journey()
    rows = ed.finding_rows(j, check_journey(j))
    before = ed.step_view(j, "forare", rows)
    moved = editing.add_step(j, "screen", "Annat", after="passagerare")
    after = ed.step_view(moved, "forare", ed.finding_rows(moved, check_journey(moved)))
    assert before and after and before.fields[0].key == after.fields[0].key
    relabelled = editing.update_field(j, "forare", "ska-du-sjalv-kora-bilen", label="Kör du?")
    changed = ed.step_view(relabelled, "forare", rows)
    assert changed and changed.fields[0].key != before.fields[0].key
