"""Where the endpoint is: a server on this machine or its network, or a hosted API."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_local(base_url: str | None) -> bool:
    """A loopback or private address, or ``localhost``: most likely one server working on one
    request at a time, which a resent request would only queue behind the first."""
    if not base_url:
        return False
    host = (urlsplit(base_url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: not resolved here (that could block), so taken as remote
    return address.is_loopback or address.is_private or address.is_link_local
