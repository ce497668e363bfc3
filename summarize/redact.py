"""Take credentials out of anything that names an endpoint before it is written or shown.

A base URL can carry a user name and password (``http://user:pass@host/v1``) and a query
string can carry a key (``?api-key=...``); neither may reach a brief, a recording or a
terminal.  Headers never reach a file at all: :mod:`summarize.extract.recording` keeps only
``content-type``.  An endpoint (or a proxy) may still echo the key back in an error text:
:func:`text` also replaces the configured key (:func:`keep_secret`) and anything shaped like
a token (``Bearer …``, ``sk-…``) in every error text, reason and notice.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import urlsplit, urlunsplit

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s\"'<>]+", re.I)
_TOKEN = re.compile(r"\b(?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}|\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}", re.I)
SHOWN = "[redacted]"
MIN_SECRET = 4
"""A configured key shorter than this (a placeholder such as "x") is too common a string to replace."""

_secrets: set[str] = set()
_lock = threading.Lock()


def keep_secret(value: str | None) -> None:
    """Remember ``value`` (the configured API key) so that :func:`text` replaces it wherever
    it appears, for the rest of the process."""
    if value and len(value.strip()) >= MIN_SECRET:
        with _lock:
            _secrets.add(value.strip())


def secrets(value: str) -> str:
    """``value`` with every configured key and every token-shaped string replaced."""
    for secret in sorted(_secrets, key=len, reverse=True):
        value = value.replace(secret, SHOWN)
    return _TOKEN.sub(SHOWN, value)


def masked(document: str) -> str:
    """A whole document (a brief) with each configured key masked by as many characters,
    so that offsets into the texts it carries still hold."""
    for secret in sorted(_secrets, key=len, reverse=True):
        document = document.replace(secret, "•" * len(secret))
    return document


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
    """``value`` with every URL and secret in it redacted (for error messages, reasons,
    notices: anything an endpoint or a run says that is printed or written)."""
    return secrets(_URL.sub(lambda m: url(m.group(0)), value))


class LogScrub(logging.Filter):
    """A logging filter that redacts each record's message (a library logging an error
    body may quote the key); the command puts it on the handler that prints warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = text(record.getMessage()), ()
        return True
