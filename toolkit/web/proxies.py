"""Behind a reverse proxy: take the phone's address from ``X-Forwarded-For``, but only when
the request came from a proxy the organisation trusts (``MEDSKAPA_TRUSTED_PROXIES``).

Rate limits count per address (share codes, withdrawal codes, workshop joins, sign-in).
Behind nginx or a load balancer every phone would otherwise look like the proxy's own
address, and one class sharing it would trip the limits for everyone. A header from anyone
else is ignored, so a phone cannot pick its own address to dodge a limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(raw: str) -> tuple[Network, ...]:
    """``"10.0.0.5, 192.168.0.0/24"`` as networks; ValueError names the entry that is wrong."""
    found: list[Network] = []
    for part in raw.replace(";", ",").split(","):
        entry = part.strip()
        if not entry:
            continue
        try:
            found.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(entry) from None
    return tuple(found)


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def forwarded_client(peer: str, header: str, networks: tuple[Network, ...]) -> str:
    """The client's address: walking ``X-Forwarded-For`` from the right (the entries our own
    proxies added), the first one that is not a trusted proxy. ``peer`` when it is not
    trusted itself, or when the header holds nothing usable."""
    if not networks or not _trusted(peer, networks):
        return peer
    for entry in reversed([e.strip() for e in header.split(",") if e.strip()]):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            return peer  # a malformed chain: trust none of it
        if not _trusted(entry, networks):
            return entry
    return peer


class TrustedProxies:
    """ASGI middleware: sets ``scope["client"]`` from ``X-Forwarded-For`` for trusted peers."""

    def __init__(self, app: ASGIApp, *, networks: tuple[Network, ...]) -> None:
        self.app = app
        self.networks = networks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.networks and scope["type"] in ("http", "websocket") and scope.get("client"):
            peer, port = scope["client"]
            header = next(
                (v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"), ""
            )
            client = forwarded_client(peer, header, self.networks) if header else peer
            if client != peer:
                scope = {**scope, "client": (client, port)}
        await self.app(scope, receive, send)


__all__ = ["TrustedProxies", "forwarded_client", "parse_networks"]
