"""The client's address, believing `X-Forwarded-For` only from trusted reverse proxies.

`TRUSTED_PROXIES` (comma-separated addresses or CIDR blocks, empty by default) names the proxies
in front of the application. When the direct peer (`REMOTE_ADDR`) is one of them, the header is
read from the right and the first address that is not a trusted proxy is the client; anything
further left was written by the client and is not believed. With no trusted proxy the header is
ignored, so a client cannot choose its own address to escape a limit.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {entry!r} is not an address") from exc
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    value = getattr(settings, "TRUSTED_PROXIES", ())
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    return _networks(tuple(value))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(addr, networks: tuple[Network, ...]) -> bool:
    return any(addr in net for net in networks if addr.version == net.version)


def client_ip(request) -> str | None:
    """The address of the client that sent `request` (a string), or None when unknown."""
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = trusted_networks()
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        addr = _address(hop)
        if addr is None:
            break  # a garbled header: stop at the last address we can vouch for
        if not _is_trusted(addr, networks):
            return str(addr)
        remote = addr
    return str(remote)
