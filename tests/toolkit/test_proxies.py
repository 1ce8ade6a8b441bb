"""Behind a trusted reverse proxy, rate limits count each phone, not the proxy."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.toolkit.test_citizen_pages import NOW, PUBLIC, Client, World
from toolkit import routes
from toolkit.settings import Settings, SettingsError
from toolkit.web import create_api, ratelimit
from toolkit.web.proxies import forwarded_client, parse_networks

PROXY = parse_networks("127.0.0.1, 10.0.0.0/8")


def test_the_phone_is_the_rightmost_address_our_proxies_did_not_add() -> None:
    assert forwarded_client("127.0.0.1", "203.0.113.9", PROXY) == "203.0.113.9"
    # a phone may send its own header: only the entries our proxies appended count
    assert forwarded_client("10.1.2.3", "6.6.6.6, 203.0.113.9, 10.0.0.4", PROXY) == "203.0.113.9"


def test_a_header_from_anyone_else_or_a_broken_chain_is_ignored() -> None:
    assert forwarded_client("198.51.100.7", "203.0.113.9", PROXY) == "198.51.100.7"
    assert forwarded_client("127.0.0.1", "not-an-address", PROXY) == "127.0.0.1"
    assert forwarded_client("127.0.0.1", "203.0.113.9", ()) == "127.0.0.1"


def test_a_wrong_proxy_setting_names_the_entry_and_how_to_write_it() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"MEDSKAPA_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.300"})
    assert "'10.0.0.300' är ingen adress" in str(caught.value)
    assert "t.ex. 10.0.0.5, 192.168.1.0/24" in str(caught.value)
    read = Settings.from_env({"MEDSKAPA_TRUSTED_PROXIES": " 127.0.0.1 , 10.0.0.0/8 "})
    assert parse_networks(read.trusted_proxies) == PROXY


def _guesses(n: int) -> list[str]:
    rng = random.Random(11)
    return ["".join(rng.choice("abcdefghjk") for _ in range(10)) for _ in range(n)]


@pytest.mark.parametrize("trusted", [True, False])
def test_one_phone_guessing_codes_blocks_only_itself_behind_a_trusted_proxy(
    tmp_path: Path, trusted: bool
) -> None:
    world = World(tmp_path / "proxy.db")
    settings = Settings(
        db_path=world.path, public_url=PUBLIC, trusted_proxies="127.0.0.1" if trusted else ""
    )
    client = Client(create_api(settings, clock=lambda: NOW))
    try:
        guesser = {"X-Forwarded-For": "203.0.113.9"}
        for code in _guesses(ratelimit.SHARE_CODE_PER_ADDRESS):
            assert client.get(routes.citizen_path(code), headers=guesser).status_code == 404
        assert client.get(routes.citizen_path(world.code), headers=guesser).status_code == 429
        classmate = {"X-Forwarded-For": "203.0.113.10"}
        answer = client.get(routes.citizen_path(world.code), headers=classmate).status_code
        # trusted: the classmate is another phone; not trusted: everyone is the proxy
        assert answer == (200 if trusted else 429)
    finally:
        client.close()
