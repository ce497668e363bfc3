"""What the commands print: text from a run (paths, reasons, notices) as it may reach a
terminal, and the console errors and progress go to.  Shared by every command module."""

from __future__ import annotations

from rich.console import Console

from summarize import redact
from summarize.render import escape


def error_console() -> Console:
    """Standard error, with no markup or highlighting read into what is printed."""
    return Console(stderr=True, highlight=False, markup=False, soft_wrap=True)


def printable(text: object) -> str:
    """``text`` with no credential and no control sequence in it."""
    return escape.terminal(redact.text(str(text)))
