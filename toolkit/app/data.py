"""The database and settings as the Reflex app sees them: opened once per process."""

from __future__ import annotations

import datetime as dt
import functools
from http.cookies import CookieError, SimpleCookie

from sqlite_utils import Database

from toolkit.db import open_db
from toolkit.settings import Settings


@functools.cache
def settings() -> Settings:
    """Settings read once from the environment of the serving process."""
    return Settings.from_env()


@functools.cache
def database() -> Database:
    """One connection per process, migrations applied at first use."""
    return open_db(settings().db_path)


def now() -> dt.datetime:
    """The current time (UTC); one place so the app and the domain agree."""
    return dt.datetime.now(dt.UTC)


def cookie_value(header: str, name: str) -> str:
    """One cookie's value from a Cookie header, or an empty string."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header or "")
    except CookieError:
        return ""
    morsel = jar.get(name)
    return morsel.value if morsel else ""
