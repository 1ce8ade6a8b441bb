"""The phone preview of the journey editor's unsaved draft (``?draft=``, ADR 0009)."""

from __future__ import annotations

from journeys import editing
from journeys import store as journey_store
from tests.toolkit.test_web import NOW, PASSWORD, Client, World, _text, client, world

__all__ = ["client", "world"]  # the fixtures of test_web, used here too
from toolkit import accounts, drafts, routes
from toolkit.app import editordata as ed


def _draft(world: World, owner: str = "anna@kommun.se") -> tuple[str, str]:
    """A draft with a renamed second step; returns (journey id, token)."""
    db = world.db()
    journey_id = world.version.journey_id
    journey = journey_store.get_journey(db, journey_id)
    assert journey is not None
    second = journey.steps[1].id
    changed = editing.rename_step(journey, second, "Utkastets nya rubrik")
    token = drafts.new_token()
    drafts.put_draft(db, token, owner=owner, journey=changed, content=ed.dump(changed), now=NOW)
    return journey_id, token


def test_the_preview_shows_the_unsaved_draft_and_its_links_keep_showing_it(
    world: World, client: Client
) -> None:
    client.client.cookies.set(routes.SESSION_COOKIE, world.token)
    journey_id, token = _draft(world)
    journey = journey_store.get_journey(world.db(), journey_id)
    assert journey is not None
    second = journey.steps[1].id
    response = client.get(routes.preview_draft_path(journey_id, second, token))
    assert response.status_code == 200
    text = _text(response)
    assert "Utkastets nya rubrik" in text and "ditt osparade utkast" in text
    assert f"?draft={token}" in response.text  # the step links stay in the draft
    saved = client.get(routes.preview_path(journey_id, second))
    assert "Utkastets nya rubrik" not in _text(saved)  # the saved journey is unchanged


def test_another_designers_draft_or_a_made_up_token_is_a_404(world: World, client: Client) -> None:
    db = world.db()
    other = accounts.add_user(db, "bo@kommun.se", PASSWORD, role="designer", now=NOW)
    client.client.cookies.set(
        routes.SESSION_COOKIE, accounts.start_session(db, other, now=NOW, hours=1)
    )
    journey_id, token = _draft(world)  # anna's
    journey = journey_store.get_journey(db, journey_id)
    assert journey is not None
    for tok in (token, "x" * 500, "påhittad"):
        response = client.get(routes.preview_draft_path(journey_id, journey.steps[1].id, tok))
        assert response.status_code == 404
        assert "Utkastets nya rubrik" not in response.text


def test_the_flow_of_the_draft_is_drawn_for_its_owner(world: World, client: Client) -> None:
    client.client.cookies.set(routes.SESSION_COOKIE, world.token)
    journey_id, token = _draft(world)
    response = client.get(ed.flow_draft_src(journey_id, "start", token, 3, lang="sv"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert "Utkastets nya rubrik" in response.text
    saved = client.get(routes.flow_svg_path(journey_id))
    assert "Utkastets nya rubrik" not in saved.text
    other = client.get(ed.flow_draft_src(journey_id, "start", "påhittad", 3, lang="sv"))
    assert other.status_code == 404
