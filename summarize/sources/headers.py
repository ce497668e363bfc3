"""Header keys and bylines in any language the language data covers.

``Titre: Grève à la SNCF``, ``Datum: 30. Oktober 2024``, ``Fuente: EFE``, ``By: Associated
Press``, ``Par Jeanne Dupont``: the words come from the language files
(``summarize/lang/<code>.json``: ``header_keys``, ``bylines``), never from this module.
"""

from __future__ import annotations

import re

from summarize import lang

_CONNECTORS = re.compile(r"^(?:and|und|et|y|e|van|von|der|den|del|della|da|de|du|des|la|le|di|bin|al|dos|do|ter|zu)$")
MAX_NAME_WORDS = 8


def field_of(key: str) -> str | None:
    """The metadata field a header key fills ("Titre" → "title"), in any covered language."""
    folded = " ".join(lang.fold(key).replace("_", " ").replace("-", " ").split())
    return lang.header_keys().get(folded)


def byline(line: str) -> str | None:
    """The author named by a byline line ("By Mara Quillon", "Par Jeanne Dupont et Luc
    Martin", "Von Anna Schmidt"), or None when the line is not one: what follows the byline
    word must read as names (each word capitalised, or a short connector), not as a sentence."""
    text = line.strip()
    for word in lang.bylines():
        m = re.match(rf"{re.escape(word)}(?:\s*:\s*|\s+)(?P<name>\S.*)$", text, re.I)
        if m and _names(m.group("name")):
            return m.group("name").strip()
    return None


def _names(text: str) -> bool:
    text = text.strip().rstrip(".")
    words = re.split(r"[\s,]+", text)
    if not words or len(words) > MAX_NAME_WORDS or re.search(r"[.!?;:]\s", text):
        return False
    if not words[0][:1].isupper() or _is_calendar_word(words[0]):
        return False  # "By Friday, all had gone" is a sentence
    return all(w[:1].isupper() or _CONNECTORS.match(w) for w in words if w)


def _is_calendar_word(word: str) -> bool:
    folded = lang.fold(word)
    return any(folded in lang.load(code).months or folded in lang.load(code).weekdays for code in lang.available())
