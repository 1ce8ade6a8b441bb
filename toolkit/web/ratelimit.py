"""Limits on failed code lookups: a sliding window per client address and one in total.

Used for workshop join codes (``/w/``), share codes (``/t/<code>``) and withdrawal codes.

A join code has about 28 bits (ADR 0005), enough only while guessing is slow, so the
participant pages count every join that matched no workshop (``JoinError.counts_as_guess``)
against the address that sent it *and* against the whole server. While either window is
full, lookups of codes from that address (or from anyone, for the total) are refused with a
429 page before the database is asked, so a blocked guesser learns nothing more. People
who have joined already carry a participant token and are never counted.

Everything is in memory, per process: a restart forgets the counts, which is fine for
limits measured in a minute. The number of addresses remembered is capped, so a flood of
addresses cannot grow the memory without end.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass

PER_ADDRESS = 20
"""Failed joins one address may make in a window."""

TOTAL = 300
"""Failed joins all addresses together may make in a window."""

WINDOW_SECONDS = 60.0

MAX_ADDRESSES = 10_000
"""Addresses remembered at most; the longest quiet ones are forgotten first."""


class SlidingWindow:
    """At most ``limit`` events in any ``seconds`` long window, for one key."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.times: deque[float] = deque()

    def _prune(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()

    def full(self, now: float) -> bool:
        """True when another event now would be one too many."""
        self._prune(now)
        return len(self.times) >= self.limit

    def add(self, now: float) -> None:
        """Count one event at ``now``."""
        self._prune(now)
        self.times.append(now)
        while len(self.times) > self.limit:  # never keep more than the limit needs
            self.times.popleft()

    def seconds_until_free(self, now: float) -> int:
        """Whole seconds until an event would be allowed again (0 when it is now)."""
        if not self.full(now):
            return 0
        return max(1, math.ceil(self.times[0] + self.seconds - now))

    def empty(self, now: float) -> bool:
        self._prune(now)
        return not self.times


@dataclass(frozen=True)
class Verdict:
    """Whether a lookup may go ahead, and if not, for how long to wait."""

    allowed: bool
    retry_after: int = 0
    reason: str = ""
    """``address`` or ``total`` when refused."""


class JoinGuard:
    """Counts failed joins per address and in total; safe to share between threads."""

    def __init__(
        self,
        *,
        per_address: int = PER_ADDRESS,
        total: int = TOTAL,
        seconds: float = WINDOW_SECONDS,
        max_addresses: int = MAX_ADDRESSES,
    ) -> None:
        self.per_address = per_address
        self.seconds = seconds
        self.max_addresses = max_addresses
        self.total = SlidingWindow(total, seconds)
        self.addresses: OrderedDict[str, SlidingWindow] = OrderedDict()
        self.lock = threading.Lock()

    def check(self, address: str, now: float) -> Verdict:
        """May ``address`` look up a join code now?"""
        with self.lock:
            window = self.addresses.get(address)
            if window is not None and window.full(now):
                return Verdict(False, window.seconds_until_free(now), "address")
            if self.total.full(now):
                return Verdict(False, self.total.seconds_until_free(now), "total")
            return Verdict(True)

    def failed(self, address: str, now: float) -> None:
        """Count one failed join (a guess) from ``address``."""
        with self.lock:
            window = self.addresses.pop(address, None) or SlidingWindow(
                self.per_address, self.seconds
            )
            window.add(now)
            self.addresses[address] = window  # most recent last
            self.total.add(now)
            if len(self.addresses) > self.max_addresses:
                for key in [k for k, w in self.addresses.items() if w.empty(now)]:
                    del self.addresses[key]
                while len(self.addresses) > self.max_addresses:
                    self.addresses.popitem(last=False)


SHARE_CODE_PER_ADDRESS = 30
"""Unknown share codes (``/t/<code>``) one address may try in a window."""

SHARE_CODE_TOTAL = 100_000
"""A share code has about 49 bits, so the total window is only a bound on a botnet's work;
set high so that strangers filling it cannot shut real testers out."""

WITHDRAWAL_PER_ADDRESS = 10
"""Wrong withdrawal codes one address may try in a window (about 59 bits each)."""

WITHDRAWAL_TOTAL = 1_000


def share_code_guard() -> JoinGuard:
    """The limit on unknown share codes under ``/t/``: a full window answers 429 before the
    database is asked, so a blocked guesser cannot tell a real code from a made-up one."""
    return JoinGuard(per_address=SHARE_CODE_PER_ADDRESS, total=SHARE_CODE_TOTAL)


def withdrawal_guard() -> JoinGuard:
    """The limit on wrong withdrawal codes (``/t/withdraw`` and the last page)."""
    return JoinGuard(per_address=WITHDRAWAL_PER_ADDRESS, total=WITHDRAWAL_TOTAL)


__all__ = [
    "PER_ADDRESS",
    "SHARE_CODE_PER_ADDRESS",
    "TOTAL",
    "WINDOW_SECONDS",
    "WITHDRAWAL_PER_ADDRESS",
    "JoinGuard",
    "SlidingWindow",
    "Verdict",
    "share_code_guard",
    "withdrawal_guard",
]
