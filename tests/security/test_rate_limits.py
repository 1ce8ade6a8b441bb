"""Codes are capabilities: guessing them is slow (rate limits) and hopeless (entropy).

Share codes (``/t/<code>``), withdrawal codes and sign-in are each limited per address; the
codes themselves are long enough that the limits make enumeration pointless.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

import feedback
import prototypes
import workshops
from tests.toolkit.test_citizen_pages import Client, Tester, World, csrf_of, text_of
from toolkit import routes
from toolkit.web import ratelimit

NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "limits.db")


@pytest.fixture
def client(world: World) -> Iterator[Client]:
    c = Client(world.api())
    yield c
    c.close()


def _guesses(n: int) -> list[str]:
    rng = random.Random(7)
    return ["".join(rng.choice("abcdefghjk") for _ in range(10)) for _ in range(n)]


def test_unknown_share_codes_from_one_address_get_a_429_even_for_a_real_code(
    world: World, client: Client
) -> None:
    limit = ratelimit.SHARE_CODE_PER_ADDRESS
    answers = [client.get(routes.citizen_path(code)).status_code for code in _guesses(limit)]
    assert answers == [404] * limit
    blocked = client.get(routes.citizen_path(world.code))
    assert blocked.status_code == 429  # refused before the lookup: a guess learns nothing
    assert int(blocked.headers["retry-after"]) > 0
    assert "För många försök" in text_of(blocked) and "Vänta en minut" in text_of(blocked)
    assert "content-security-policy" in blocked.headers


def test_testers_already_inside_a_test_carry_on_while_their_address_is_blocked(
    world: World, client: Client
) -> None:
    """A school class shares one address: one pupil guessing must not stop the others'
    tests, so a signed test cookie for this very link is never refused."""
    inside = Tester(client, world.code)
    inside.start()
    guesser = Client(client.client._transport.app)  # type: ignore[attr-defined] # same server
    try:
        for code in _guesses(ratelimit.SHARE_CODE_PER_ADDRESS):
            guesser.get(routes.citizen_path(code))
        assert guesser.get(routes.citizen_path(world.code)).status_code == 429
        assert inside.step("start").status_code == 200
        assert inside.go("start").status_code == 200
    finally:
        guesser.close()


def test_real_codes_never_count_so_a_whole_class_on_one_address_gets_in(
    world: World, client: Client
) -> None:
    for _ in range(ratelimit.SHARE_CODE_PER_ADDRESS * 2):
        assert client.get(routes.citizen_path(world.code)).status_code == 200


def test_wrong_withdrawal_codes_are_limited_and_the_page_says_to_wait(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    real = t.state().withdrawal_code  # type: ignore[union-attr]
    page = client.get(routes.withdraw_path())
    token = csrf_of(page)
    for n in range(ratelimit.WITHDRAWAL_PER_ADDRESS):
        wrong = client.post(
            routes.withdraw_path(), data={"csrf": token, "code": f"AAAA-BBBB-{n:04}"}
        )
        assert wrong.status_code == 422
    blocked = client.post(routes.withdraw_path(), data={"csrf": token, "code": real})
    assert blocked.status_code == 429
    assert "För många försök" in text_of(blocked)
    assert world.count("test_sessions") == 1  # the real code was not even tried


@pytest.mark.parametrize(
    ("alphabet", "length", "bits"),
    [
        (prototypes.share.CODE_ALPHABET, prototypes.share.CODE_LENGTH, 40),
        (feedback.sessions.WITHDRAWAL_ALPHABET, feedback.sessions.WITHDRAWAL_CODE_LENGTH, 56),
        (workshops.codes.JOIN_CODE_ALPHABET, workshops.codes.JOIN_CODE_LENGTH, 28),
    ],
    ids=["share", "withdrawal", "join"],
)
def test_codes_have_the_promised_entropy(alphabet: str, length: int, bits: int) -> None:
    assert len(set(alphabet)) == len(alphabet)
    assert length * math.log2(len(alphabet)) >= bits


def test_share_codes_are_random_not_sequential(tmp_path: Path) -> None:
    """1000 codes: all different, every symbol used about evenly, no shared prefixes."""
    codes = [prototypes.share.new_code() for _ in range(1000)]
    assert len(set(codes)) == 1000
    assert all(len(c) == prototypes.share.CODE_LENGTH for c in codes)
    counts = {ch: 0 for ch in prototypes.share.CODE_ALPHABET}
    for code in codes:
        for ch in code:
            counts[ch] += 1
    expected = 1000 * prototypes.share.CODE_LENGTH / len(counts)
    assert min(counts.values()) > expected * 0.7 and max(counts.values()) < expected * 1.3
    assert len({c[:4] for c in codes}) > 990


def test_an_enumeration_at_the_limit_finds_nothing_in_a_year() -> None:
    """With the per-address limit, a year of guessing from one address against 10 000 live
    links has a tiny chance of a hit: the limit and the length together make codes safe."""
    space = len(prototypes.share.CODE_ALPHABET) ** prototypes.share.CODE_LENGTH
    per_year = ratelimit.SHARE_CODE_PER_ADDRESS * 60 * 24 * 365
    assert per_year * 10_000 / space < 0.01


def test_failed_sign_ins_from_one_address_are_limited_across_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Password spraying (one password on many accounts) never trips an account's lockout,
    so failed sign-ins are also counted per address; blocked, not even argon2 runs."""
    import httpx

    from tests.toolkit.test_web import PASSWORD
    from tests.toolkit.test_web import Client as WebClient
    from tests.toolkit.test_web import World as WebWorld
    from toolkit.web import app as web_app

    assert web_app.SIGN_IN_FAILURES == 20
    monkeypatch.setattr(web_app, "SIGN_IN_FAILURES", 3)  # three argon2 runs, not twenty
    world = WebWorld(tmp_path / "signin.db")
    api = world.api()
    spray = WebClient(api)
    other = WebClient(api)
    other.client._transport = httpx.ASGITransport(app=api, client=("10.0.0.7", 5000))
    try:
        for n in range(web_app.SIGN_IN_FAILURES):
            wrong = spray.post(
                routes.SESSION_API, json={"email": f"user{n}@kommun.se", "password": "Sommar2026!"}
            )
            assert wrong.status_code == 401
        blocked = spray.post(routes.LOGIN, data={"email": "anna@kommun.se", "password": PASSWORD})
        assert blocked.status_code == 429
        assert "Vänta 15 minuter" in blocked.text
        assert "set-cookie" not in blocked.headers
        fine = other.post(routes.LOGIN, data={"email": "anna@kommun.se", "password": PASSWORD})
        assert fine.status_code == 303  # another computer is not affected
    finally:
        spray.close()
        other.close()
