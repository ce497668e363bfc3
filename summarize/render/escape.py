"""Escape model and article text for the output it goes into.

Everything the brief shows comes from an article or a model and is untrusted: it may hold
newlines that start a Markdown heading, HTML tags, ``javascript:`` links, table pipes, or
terminal control sequences (ANSI colours, OSC titles and hyperlinks).

* :func:`markdown` makes text one inert run of Markdown inline text.
* :func:`terminal` makes text safe to print: no control character reaches the terminal.
"""

from __future__ import annotations

import re

# C0 and C1 controls (tab and newline are handled by the callers), DEL, and the bidi
# overrides that reorder what a reader sees.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# An ESC-introduced sequence whole (CSI, OSC up to its terminator, or a two-byte escape), so
# that no parameter text of it survives, and the 8-bit CSI/OSC introducers likewise.
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"  # any other escape
)
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# What opens a block (heading, quote, list item) when it starts a line or a list item.
_MD_BLOCK_START = re.compile(r"^(\d*)(#|=|[-+](?=\s|$)|(?<=\d)[.)](?=\s|$))")
_SCHEMES = re.compile(r"\b(javascript|vbscript|data|file)(\s*):", re.I)


def strip_controls(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (newlines and
    tabs kept)."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


def terminal(text: str) -> str:
    """``text`` fit to print on a terminal: control sequences removed, newlines kept."""
    return strip_controls(str(text))


def one_line(text: str) -> str:
    """``text`` on one line: every kind of line break becomes a space."""
    return strip_controls(_LINE_BREAKS.sub(" ", text).replace("\t", " ")).strip()


def markdown(text: str | None) -> str:
    """``text`` as inert inline Markdown: one line, every character that could start
    markup, HTML or a link escaped, and no dangerous link scheme left intact."""
    flat = one_line(text or "")
    flat = _MD_BLOCK_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", flat))
    return _SCHEMES.sub(lambda m: f"{m.group(1)}{m.group(2)}&#58;", flat)


def code(text: str | None) -> str:
    """``text`` as a Markdown code span (one line, no backtick to close it early)."""
    return "`" + one_line(text or "").replace("`", "'") + "`"
