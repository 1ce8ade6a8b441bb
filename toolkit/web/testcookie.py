"""The state of one citizen's test, kept on their phone in a signed cookie.

The answers a citizen types into the prototype are test data that we never store on the
server. They travel in a cookie instead: JSON, compressed with zlib, base64url-encoded and
signed with an HMAC-SHA256 of the server secret. Each form post reads the cookie, checks the
new answers, and sends the updated cookie back with the redirect, so the page after a submit
always shows the answer just given, however many people test at the same time.

A cookie must stay under about 4 KB. When the state would not fit, the longest free-text
answers are shortened (and :attr:`TestState.shortened` names them, so check-your-answers can
say so); when even that is not enough, the oldest back-link history goes.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Any

COOKIE = "ms_t"
"""The cookie that carries a test's state (Path=/t/<code>)."""

MAX_COOKIE_CHARS = 3800
"""The encoded value is kept below this many characters (browsers allow about 4096 per
cookie, name and attributes included)."""

MAX_HISTORY = 60
MAX_RAW_CHARS = 16_000
"""A cookie value longer than this is not even decoded."""

SHORTENED_MARK = "…"

Answers = dict[str, str | list[str]]


def new_token() -> str:
    """A fresh CSRF token (per test)."""
    return secrets.token_urlsafe(18)


@dataclass
class TestState:
    """Everything the server needs to know about one test between two requests."""

    code: str
    csrf: str = field(default_factory=new_token)
    session_id: str | None = None
    withdrawal_code: str | None = None
    history: list[str] = field(default_factory=list)
    answers: Answers = field(default_factory=dict)
    from_summary: str | None = None
    """The check-your-answers step to return to after an 'Ändra' link, or None."""
    shortened: list[str] = field(default_factory=list)
    case: str | None = None
    task_done: bool = False
    seq_done: bool = False
    sus_done: bool = False
    finished: bool = False
    """The end of the journey was reached (the 'completed' event is stored)."""
    ended: bool = False
    """The session was closed (completed or abandoned) on the last page."""

    @property
    def consented(self) -> bool:
        """True once the citizen gave consent and a test session exists."""
        return self.session_id is not None

    def current_step(self) -> str | None:
        return self.history[-1] if self.history else None

    def previous_step(self) -> str | None:
        return self.history[-2] if len(self.history) > 1 else None

    def visit(self, step_id: str) -> None:
        """Put ``step_id`` on top of the history; going to a step already in it (the
        browser's back button, a back link) cuts the history back to it."""
        if step_id in self.history:
            del self.history[self.history.index(step_id) + 1 :]
        else:
            self.history.append(step_id)
        if len(self.history) > MAX_HISTORY:
            del self.history[: len(self.history) - MAX_HISTORY]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"c": self.code, "x": self.csrf}
        optional = {
            "s": self.session_id,
            "w": self.withdrawal_code,
            "h": self.history,
            "a": self.answers,
            "f": self.from_summary,
            "k": self.shortened,
            "n": self.case,
            "t": self.task_done,
            "q": self.seq_done,
            "u": self.sus_done,
            "d": self.finished,
            "e": self.ended,
        }
        data.update({key: value for key, value in optional.items() if value})
        return data

    @classmethod
    def from_dict(cls, data: Any) -> TestState | None:
        """The state in ``data``, or None when it does not have the right shape."""
        if not isinstance(data, dict):
            return None
        try:
            answers = data.get("a") or {}
            if not isinstance(answers, dict) or not all(
                isinstance(k, str)
                and (
                    isinstance(v, str)
                    or (isinstance(v, list) and all(isinstance(i, str) for i in v))
                )
                for k, v in answers.items()
            ):
                return None
            history = data.get("h") or []
            shortened = data.get("k") or []
            if not _strings(history) or not _strings(shortened):
                return None
            return cls(
                code=_text(data["c"]),
                csrf=_text(data["x"]),
                session_id=_optional_text(data.get("s")),
                withdrawal_code=_optional_text(data.get("w")),
                history=list(history),
                answers={k: list(v) if isinstance(v, list) else v for k, v in answers.items()},
                from_summary=_optional_text(data.get("f")),
                shortened=list(shortened),
                case=_optional_text(data.get("n")),
                task_done=bool(data.get("t")),
                seq_done=bool(data.get("q")),
                sus_done=bool(data.get("u")),
                finished=bool(data.get("d")),
                ended=bool(data.get("e")),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=8)
def _key(secret: str) -> bytes:
    return hashlib.sha256(b"medskapa/ms_t/" + secret.encode()).digest()


def _mac(secret: str, payload: str) -> str:
    return _b64(hmac.new(_key(secret), payload.encode("ascii"), hashlib.sha256).digest())


ZLIB_MEMORY_LEVEL = 4
"""zlib's memory level 4, not its default 8: its hash tables a sixteenth of the size, and
making the default's ~270 KB of compressor state on every call cost more CPU than the
compressing (64 µs against 9 µs for a state of 800 bytes, in a process whose allocator had
not kept the memory). The level (6) and the 32 KB window are as before; on test states
from 75 bytes to 78 KB of JSON the result is between 0.9 % shorter and 0.5 % longer, so
long answers are shortened at much the same point."""


def _pack(state: TestState, secret: str) -> str:
    raw = json.dumps(state.to_dict(), ensure_ascii=False, separators=(",", ":"))
    packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS, ZLIB_MEMORY_LEVEL)
    payload = _b64(packer.compress(raw.encode("utf-8")) + packer.flush())
    return f"{payload}.{_mac(secret, payload)}"


def _keep(value: str, state: TestState, secret: str) -> None:
    """Remember a value that goes out, with what it holds (a copy: the state may change
    after it is sent); only values that fit in a cookie, so the memory stays bounded
    (``_SIGNED_MAX`` × ``MAX_COOKIE_CHARS``)."""
    if len(value) > MAX_COOKIE_CHARS:
        return
    if len(_SIGNED) >= _SIGNED_MAX:
        _SIGNED.clear()
    _SIGNED[(secret, value)] = _copied(state.to_dict())


def _copied(data: dict[str, Any]) -> dict[str, Any]:
    def one(value: Any) -> Any:
        if isinstance(value, list):
            return list(value)
        if isinstance(value, dict):
            return {k: one(v) for k, v in value.items()}
        return value

    return {key: one(value) for key, value in data.items()}


_SIGNED: dict[tuple[str, str], dict[str, Any]] = {}
"""Cookie values this process signed, with what they hold: the next request of a phone
brings back the value its last answer set, and reading it back from here skips the check
of the signature, the unpacking and the JSON (it is exactly what we signed)."""
_SIGNED_MAX = 4096


def encode(state: TestState, secret: str, *, limit: int = MAX_COOKIE_CHARS) -> str:
    """The signed cookie value for ``state``, at most ``limit`` characters.

    Shortens the longest free-text answers (marking them in ``state.shortened``) and then
    drops old history until the value fits. ``state`` is changed in place when that happens.
    """
    value = _pack(state, secret)
    while len(value) > limit:
        longest = max(
            (k for k, v in state.answers.items() if isinstance(v, str) and len(v) > 40),
            key=lambda k: len(state.answers[k]),
            default=None,
        )
        if longest is not None:
            text = str(state.answers[longest]).removesuffix(SHORTENED_MARK)
            state.answers[longest] = text[: max(40, len(text) // 2)] + SHORTENED_MARK
            if longest not in state.shortened:
                state.shortened.append(longest)
        elif len(state.history) > 2:
            del state.history[: len(state.history) // 2]
        elif state.answers:
            # many short answers: drop whole lists of choices before giving up
            biggest = max(state.answers, key=lambda k: len(json.dumps(state.answers[k])))
            del state.answers[biggest]
            if biggest not in state.shortened:
                state.shortened.append(biggest)
        else:  # pragma: no cover - an empty state is ~100 characters
            break
        value = _pack(state, secret)
    _keep(value, state, secret)
    return value


def decode(value: str | None, secret: str, *, code: str) -> TestState | None:
    """The state in a cookie value, or None when it is missing, altered, or for another test."""
    if not value:
        return None
    signed = _SIGNED.get((secret, value))
    if signed is not None:
        state = TestState.from_dict(signed)
        return state if state is not None and state.code == code else None
    if len(value) > MAX_RAW_CHARS or not value.isascii() or value.count(".") != 1:
        return None
    payload, mac = value.split(".")
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return None
    try:
        raw = zlib.decompressobj().decompress(_unb64(payload), 256_000)
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        return None
    state = TestState.from_dict(data)
    if state is None or state.code != code:
        return None
    return state
