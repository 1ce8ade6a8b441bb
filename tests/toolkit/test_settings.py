"""Settings from MEDSKAPA_*, the server secret, the organisation's look, the toolkit tables."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any, ClassVar

import pytest

from toolkit import settings as settings_module
from toolkit.db import (
    DatabaseError,
    ensure_secret,
    get_organisation,
    migration_sets,
    open_db,
    set_organisation,
    set_setting,
)
from toolkit.settings import (
    DEFAULT_COLOUR,
    Settings,
    SettingsError,
    check_colour,
    contrast_with_white,
    lan_ipv4,
)


def test_the_default_public_url_is_a_lan_address_phones_can_reach_not_0_0_0_0() -> None:
    settings = Settings.from_env({})
    assert settings.public_url.startswith("http://")
    host = settings.public_url.removeprefix("http://").rsplit(":", 1)[0]
    assert host != "0.0.0.0"
    socket.inet_aton(host)  # an IPv4 address
    assert settings.public_url.endswith(":3000")
    assert settings.host == "0.0.0.0"
    assert settings.port == 3000
    assert settings.session_hours == 12
    assert settings.secret is None


class _RecordingSocket:
    calls: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, family: int, kind: int) -> None:
        self.calls.append(("socket", (family, kind)))

    def __enter__(self) -> _RecordingSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append(("close", None))

    def connect(self, address: tuple[str, int]) -> None:
        self.calls.append(("connect", address))

    def getsockname(self) -> tuple[str, int]:
        return ("192.168.50.7", 40000)

    def __getattr__(self, name: str) -> Any:  # send, sendto, ... would be traffic
        raise AssertionError(f"lan_ipv4 must not call socket.{name}")


def test_finding_the_lan_address_only_connects_a_udp_socket_and_sends_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _RecordingSocket.calls = []
    monkeypatch.setattr(settings_module.socket, "socket", _RecordingSocket)
    assert lan_ipv4() == "192.168.50.7"
    kinds = [args for name, args in _RecordingSocket.calls if name == "socket"]
    assert kinds == [(socket.AF_INET, socket.SOCK_DGRAM)]
    assert [name for name, _ in _RecordingSocket.calls] == ["socket", "connect", "close"]
    assert Settings.from_env({}).public_url == "http://192.168.50.7:3000"


def test_without_any_network_the_address_falls_back_to_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Offline(_RecordingSocket):
        def connect(self, address: tuple[str, int]) -> None:
            raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(settings_module.socket, "socket", Offline)
    assert lan_ipv4() == "127.0.0.1"


def test_environment_variables_override_every_default() -> None:
    settings = Settings.from_env(
        {
            "MEDSKAPA_DB": "/data/m.db",
            "MEDSKAPA_LANG": "en",
            "MEDSKAPA_PUBLIC_URL": "https://medskapa.kommun.se/",
            "MEDSKAPA_PORT": "8080",
            "MEDSKAPA_HOST": "127.0.0.1",
            "MEDSKAPA_SECRET": "s" * 40,
            "MEDSKAPA_SESSION_HOURS": "8,5",
        }
    )
    assert settings.db_path == Path("/data/m.db")
    assert settings.lang == "en"
    assert settings.public_url == "https://medskapa.kommun.se"
    assert settings.port == 8080
    assert settings.host == "127.0.0.1"
    assert settings.secret == "s" * 40
    assert settings.session_hours == 8.5


def test_the_port_is_part_of_the_default_public_url() -> None:
    assert Settings.from_env({"MEDSKAPA_PORT": "8123"}).public_url.endswith(":8123")


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("MEDSKAPA_PORT", "tre", "portnummer"),
        ("MEDSKAPA_PORT", "70000", "portnummer"),
        ("MEDSKAPA_PUBLIC_URL", "medskapa.se", "adress som telefoner når"),
        ("MEDSKAPA_PUBLIC_URL", "ftp://x.se", "adress som telefoner når"),
        ("MEDSKAPA_SECRET", "kort", "för kort"),
        ("MEDSKAPA_SESSION_HOURS", "-1", "antal timmar"),
    ],
)
def test_a_bad_value_is_refused_in_swedish_naming_the_variable(
    name: str, value: str, words: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value})
    assert name in str(caught.value)
    assert words in str(caught.value)


def test_the_secret_is_generated_once_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    first = ensure_secret(open_db(path))
    assert len(first) >= 40
    assert ensure_secret(open_db(path)) == first
    assert ensure_secret(open_db(path)) == first
    other = ensure_secret(open_db(tmp_path / "other.db"))
    assert other != first


def test_a_configured_secret_wins_and_is_not_stored(tmp_path: Path) -> None:
    db = open_db(tmp_path / "m.db")
    assert ensure_secret(db, configured="x" * 32) == "x" * 32
    assert db.execute("select count(*) from app_settings").fetchone()[0] == 0


def test_colours_are_normalised_to_lower_case_rrggbb() -> None:
    assert check_colour("#1F4E79") == "#1f4e79"
    assert check_colour("1f4e79") == "#1f4e79"
    assert check_colour("#036") == "#003366"


def test_a_colour_too_light_for_white_text_is_refused_with_a_darker_suggestion() -> None:
    with pytest.raises(SettingsError) as caught:
        check_colour("#ffcc00")
    message = str(caught.value)
    assert "för låg kontrast" in message
    assert "4,5:1" in message
    suggestion = message.rsplit(" ", 1)[1].rstrip(".")
    assert check_colour(suggestion) == suggestion
    assert contrast_with_white(suggestion) >= 4.5


def test_a_colour_just_under_the_limit_never_reads_as_if_it_passed() -> None:
    with pytest.raises(SettingsError) as caught:
        check_colour("#777777")  # 4.48:1
    assert "(4,4:1)" in str(caught.value)
    assert check_colour("#767676") == "#767676"  # 4.54:1


@pytest.mark.parametrize("raw", ["blue", "#12345", "#gggggg", "", "rgb(0,0,0)"])
def test_a_colour_that_is_not_a_hex_code_is_refused(raw: str) -> None:
    with pytest.raises(SettingsError, match="hexkod"):
        check_colour(raw)


def test_the_organisation_is_stored_and_a_refused_change_stores_nothing(tmp_path: Path) -> None:
    db = open_db(tmp_path / "m.db")
    assert get_organisation(db).name == ""
    assert get_organisation(db).colour == DEFAULT_COLOUR
    set_organisation(db, name="  Exempelkommun ", colour="#0B5CAB")
    assert get_organisation(db).name == "Exempelkommun"
    assert get_organisation(db).colour == "#0b5cab"
    with pytest.raises(SettingsError):
        set_organisation(db, name="Annan kommun", colour="#ffff00")
    assert get_organisation(db).name == "Exempelkommun"
    with pytest.raises(SettingsError, match="namn"):
        set_organisation(db, name="   ")


def test_a_hand_edited_colour_falls_back_to_the_default(tmp_path: Path) -> None:
    db = open_db(tmp_path / "m.db")
    set_setting(db, "organisation.colour", "red;}</style><script>")
    assert get_organisation(db).colour == DEFAULT_COLOUR


def test_open_db_applies_the_domain_migrations_bottom_up_then_the_toolkits(
    tmp_path: Path,
) -> None:
    names = [m.name for m in migration_sets()]
    assert names == ["journeys", "prototypes", "feedback", "workshops", "toolkit"]
    db = open_db(tmp_path / "m.db")
    tables = set(db.table_names())
    assert {"journeys", "prototype_versions", "share_links"} <= tables
    assert {"test_sessions", "events", "comments", "sus_answers"} <= tables
    assert {"workshops", "workshop_notes", "workshop_votes", "step_insights"} <= tables
    assert {"app_settings", "users", "sessions"} <= tables
    for migrations in migration_sets():
        assert migrations.pending(db) == []


def test_a_missing_prototypes_migration_set_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import prototypes

    monkeypatch.delattr(prototypes, "MIGRATIONS")
    with pytest.raises(DatabaseError, match="prototypes saknar MIGRATIONS"):
        open_db(tmp_path / "m.db")


def test_designers_read_stored_utc_times_in_swedish_time() -> None:
    import datetime as dt

    late = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC)
    assert settings_module.local_time(late) == "2026-11-26 00:30"
    assert settings_module.local_time(late.replace(tzinfo=None), "%H:%M") == "00:30"
    assert settings_module.local_date(late) == dt.date(2026, 11, 26)
    summer = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    assert settings_module.local_time(summer) == "2026-06-01 12:00"
