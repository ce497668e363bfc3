"""Take credentials out of anything that names an endpoint before it is written or shown.

A base URL can carry a user name and password (``http://user:pass@host/v1``) and a query
string can carry a key (``?api-key=...``); neither may reach a brief, a recording or a
terminal.  Headers never reach a file at all: :mod:`summarize.extract.recording` keeps only
``content-type``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s\"'<>]+", re.I)


def url(value: str) -> str:
    """``value`` without user information, query string or fragment."""
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<unparsable URL>"
    if not parts.scheme and not parts.netloc:
        return value.split("?", 1)[0].split("#", 1)[0]
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    netloc = host + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def host(value: str | None, default: str = "api.openai.com") -> str:
    """The host (and port) of an endpoint URL, nothing else."""
    if not value:
        return default
    try:
        parts = urlsplit(value if "//" in value else f"//{value}")
        found = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<unparsable URL>"
    if ":" in found:
        found = f"[{found}]"
    return found + (f":{port}" if port is not None else "") if found else "<unparsable URL>"


def text(value: str) -> str:
    """``value`` with every URL in it redacted (for error messages that quote one)."""
    return _URL.sub(lambda m: url(m.group(0)), value)
