"""Settings read once from ``MEDSKAPA_*`` environment variables, with sane defaults.

=========================  ====================================================================
``MEDSKAPA_DB``            database file (``medskapa.db``)
``MEDSKAPA_LANG``          ``sv`` (default) or ``en`` for the tool's own messages
``MEDSKAPA_HOST``          address the server listens on (``0.0.0.0``: every interface)
``MEDSKAPA_PORT``          port of the server (3000)
``MEDSKAPA_PUBLIC_URL``    the address phones use, printed in links and QR codes; default
                           ``http://<this machine's LAN address>:<port>``
``MEDSKAPA_SECRET``        server secret; when absent one is generated once and kept in the
                           database (see :func:`toolkit.db.ensure_secret`)
``MEDSKAPA_SESSION_HOURS`` how long a designer stays signed in (12)
=========================  ====================================================================

The organisation's name and colour (the look of citizen pages) are not environment settings:
they live in the database (:func:`toolkit.db.set_organisation`) so the app can change them.
This module only knows how to check them (:func:`check_colour`, :func:`check_org_name`).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Lang = Literal["sv", "en"]

DEFAULT_PORT = 3000
DEFAULT_HOST = "0.0.0.0"
DEFAULT_SESSION_HOURS = 12.0
MIN_SECRET_LENGTH = 16

# Addresses used only to ask the kernel which interface it would route through. Connecting a
# UDP socket sends nothing; no packet leaves the machine.
_ROUTE_PROBES = ("10.255.255.255", "192.0.2.1")


TIMEZONE = "Europe/Stockholm"
"""Dates people type and read (a link's last day) are Swedish dates."""


def local_zone() -> dt.tzinfo:
    """Swedish time, or UTC on a system without time zone data."""
    try:
        return ZoneInfo(TIMEZONE)
    except ZoneInfoNotFoundError:  # pragma: no cover - minimal containers
        return dt.UTC


def local_time(moment: dt.datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment as designers read it: Swedish local time (a naive time counts as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(local_zone()).strftime(fmt)


def local_date(moment: dt.datetime) -> dt.date:
    """The Swedish calendar day of a stored moment (a naive time counts as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(local_zone()).date()


class SettingsError(ValueError):
    """A setting has a value Medskapa cannot use; the message says which and what to do."""


def lan_ipv4() -> str:
    """This machine's IPv4 address on the local network, found without network traffic.

    Asks the kernel which source address it would use to reach a private (and a
    documentation) address by connecting a UDP socket, which sends no packet. Falls back to
    ``127.0.0.1`` when there is no network at all.
    """
    for probe in _ROUTE_PROBES:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))
                address = str(sock.getsockname()[0])
        except OSError:
            continue
        if address and not address.startswith("0."):
            return address
    return "127.0.0.1"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a Medskapa installation."""

    db_path: Path = Path("medskapa.db")
    lang: Lang = "sv"
    public_url: str = f"http://127.0.0.1:{DEFAULT_PORT}"
    port: int = DEFAULT_PORT
    host: str = DEFAULT_HOST
    secret: str | None = None
    """From ``MEDSKAPA_SECRET``; None means "use the one stored in the database"."""
    session_hours: float = DEFAULT_SESSION_HOURS
    trusted_proxies: str = ""
    """From ``MEDSKAPA_TRUSTED_PROXIES``: addresses or networks of the reverse proxies whose
    ``X-Forwarded-For`` names the phone (rate limits count per phone, not per proxy)."""
    page_threads: bool = False
    """From ``MEDSKAPA_PAGE_THREADS``: run the citizen and participant handlers in the thread
    pool instead of the event loop (ADR 0012), for a disk where a commit is slow."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the ``MEDSKAPA_*`` variables; raise :class:`SettingsError` on a bad value."""
        env = os.environ if environ is None else environ
        lang = env.get("MEDSKAPA_LANG", "sv").strip().lower()[:2]
        port = _port(env.get("MEDSKAPA_PORT"))
        public = env.get("MEDSKAPA_PUBLIC_URL", "").strip()
        secret = env.get("MEDSKAPA_SECRET") or None
        if secret is not None and len(secret) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"MEDSKAPA_SECRET är för kort ({len(secret)} tecken). Använd minst "
                f"{MIN_SECRET_LENGTH} slumpmässiga tecken, eller ta bort variabeln så skapar "
                "Medskapa en hemlighet själv."
            )
        return cls(
            db_path=Path(env.get("MEDSKAPA_DB") or "medskapa.db"),
            lang="en" if lang == "en" else "sv",
            public_url=check_public_url(public) if public else f"http://{lan_ipv4()}:{port}",
            port=port,
            host=env.get("MEDSKAPA_HOST", "").strip() or DEFAULT_HOST,
            secret=secret,
            session_hours=_hours(env.get("MEDSKAPA_SESSION_HOURS")),
            trusted_proxies=_proxies(env.get("MEDSKAPA_TRUSTED_PROXIES", "")),
            page_threads=_yes(env.get("MEDSKAPA_PAGE_THREADS", ""), "MEDSKAPA_PAGE_THREADS"),
        )


def _yes(raw: str, name: str) -> bool:
    """An on/off variable: 1/true/yes/ja or 0/false/no/nej (empty is off)."""
    word = raw.strip().lower()
    if word in {"", "0", "false", "no", "nej", "off"}:
        return False
    if word in {"1", "true", "yes", "ja", "on"}:
        return True
    raise SettingsError(f"{name} ska vara 1 (på) eller 0 (av), inte '{raw}'.")


def _proxies(raw: str) -> str:
    from toolkit.web.proxies import parse_networks  # here: toolkit.web imports settings

    try:
        parse_networks(raw)
    except ValueError as exc:
        raise SettingsError(
            f"MEDSKAPA_TRUSTED_PROXIES: '{exc}' är ingen adress eller nätverk. Ange proxyernas "
            "adresser med kommatecken emellan, t.ex. 10.0.0.5, 192.168.1.0/24."
        ) from None
    return raw.strip()


def _port(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return DEFAULT_PORT
    text = raw.strip()
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise SettingsError(f"MEDSKAPA_PORT ska vara ett portnummer 1–65535, inte '{raw}'.")
    return int(text)


def _hours(raw: str | None) -> float:
    if raw is None or not raw.strip():
        return DEFAULT_SESSION_HOURS
    try:
        hours = float(raw.strip().replace(",", "."))
    except ValueError:
        hours = 0.0
    if not 0 < hours <= 24 * 30:
        raise SettingsError(
            f"MEDSKAPA_SESSION_HOURS ska vara ett antal timmar mellan 0 och 720, inte '{raw}'."
        )
    return hours


def check_public_url(raw: str) -> str:
    """The public address without a trailing slash, or :class:`SettingsError`."""
    text = raw.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise SettingsError(
            f"MEDSKAPA_PUBLIC_URL ska vara en adress som telefoner når, till exempel "
            f"http://192.168.1.20:3000 eller https://medskapa.kommun.se, inte '{raw}'."
        )
    return text


# --- the organisation's look --------------------------------------------------------------

DEFAULT_COLOUR = "#1f4e79"
"""Dark blue: 8.6:1 against white."""

MIN_CONTRAST = 4.5
"""WCAG 2.1 AA for normal text (success criterion 1.4.3)."""

MAX_ORG_NAME = 80

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


@dataclass(frozen=True)
class Organisation:
    """Who runs the tests: shown in the header of citizen pages, in their colour."""

    name: str = ""
    colour: str = DEFAULT_COLOUR


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio between ``#rrggbb`` and white (1 to 21)."""
    return 1.05 / (_luminance(colour) + 0.05)


def _darker(colour: str) -> str:
    """The lightest shade of ``colour`` (scaled towards black) that reaches AA on white."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(100, -1, -1):
        shade = "#{:02x}{:02x}{:02x}".format(*(round(c * step / 100) for c in (red, green, blue)))
        if contrast_with_white(shade) >= MIN_CONTRAST:
            return shade
    return "#000000"


def _ratio_text(ratio: float) -> str:
    """One decimal, rounded down, so 4.48 reads 4,4 and never looks like it passes."""
    return f"{math.floor(ratio * 10) / 10:.1f}".replace(".", ",")


def check_colour(raw: str) -> str:
    """``#rrggbb`` in lower case, readable as white text on it and as text on white.

    Accepts ``#rrggbb``, ``rrggbb`` and ``#rgb``. Raises :class:`SettingsError` in Swedish
    for anything else, and for colours under 4.5:1 against white, suggesting a darker shade.
    """
    match = _HEX.match(raw.strip())
    if match is None:
        raise SettingsError(
            f"Ange färgen som en hexkod med sex tecken, till exempel #1f4e79, inte '{raw}'."
        )
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    colour = f"#{digits}"
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        raise SettingsError(
            f"Färgen {colour} har för låg kontrast mot vitt ({_ratio_text(ratio)}:1). "
            f"WCAG AA kräver minst 4,5:1 för text. Välj en mörkare färg, till exempel "
            f"{_darker(colour)}."
        )
    return colour


def check_org_name(raw: str) -> str:
    """The organisation name, trimmed, or :class:`SettingsError`."""
    name = " ".join(raw.split())
    if not name:
        raise SettingsError("Ange organisationens namn, till exempel Exempelkommun.")
    if len(name) > MAX_ORG_NAME:
        raise SettingsError(
            f"Organisationens namn får vara högst {MAX_ORG_NAME} tecken (nu {len(name)})."
        )
    return name
