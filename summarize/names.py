"""Name folding shared by the checks and the actor resolution."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .models import OUTLET

TITLES = {
    "president", "vice", "prime", "minister", "ministry", "secretary", "state", "general",
    "chancellor", "king", "queen", "prince", "pope", "mr", "mrs", "ms", "dr", "sir", "lord",
    "spokesperson", "spokesman", "spokeswoman", "leader", "chairman", "chairwoman", "chair",
    "senator", "governor", "mayor", "ambassador", "envoy", "commander", "chief", "head",
    "director", "deputy", "assistant", "affairs", "premier", "official", "dictator",
}  # fmt: skip
_LEADING = {"the", *TITLES}
_SPLIT = re.compile(r"[^\w]+|_")


@lru_cache(maxsize=1 << 16)
def _words(name: str) -> tuple[str, ...]:
    if name.isascii():
        plain = name.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return tuple(w for w in _SPLIT.split(plain) if w)


def words(name: str) -> list[str]:
    """Folded words: case, diacritics, hyphens and punctuation removed."""
    return list(_words(name))


@lru_cache(maxsize=1 << 17)
def tokens(name: str, person: bool = False) -> tuple[str, ...]:
    """Folded words of a name without its title.

    A leading "the" goes from every name.  For a person, titles go too: everything up to
    the last title word ("US Secretary of State Antony Blinken" -> antony blinken,
    "President Zelensky" -> zelensky), as long as a name remains.  An organisation keeps
    its words ("State Department")."""
    found = list(_words(name))
    if person:
        last_title = max((i for i, w in enumerate(found[:-1]) if w in TITLES), default=-1)
        found = found[last_title + 1 :]
    leading = _LEADING if person else {"the"}
    while len(found) > 1 and found[0] in leading:
        found.pop(0)
    return tuple(found)


def name_key(name: str, person: bool = False) -> str:
    return "".join(tokens(name, person))


_TRANSLIT = [
    (re.compile(r"(?:iy|yy|yi|ij)$"), "y"),  # Zelenskiy, Zelenskyy -> Zelensky
    (re.compile(r"ga$"), "ha"),  # Sybiga -> Sybiha (Ukrainian г)
    (re.compile(r"kh"), "h"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters
]


@lru_cache(maxsize=1 << 16)
def translit_fold(word: str) -> str:
    """A coarser spelling of one folded word, equal across common transliterations."""
    for pattern, replacement in _TRANSLIT:
        word = pattern.sub(replacement, word)
    return word


def translit_key(name: str, person: bool = False) -> str:
    return " ".join(translit_fold(w) for w in tokens(name, person))


def is_outlet(name: str) -> bool:
    return name.strip().casefold() in {OUTLET, "outlet", "the article", "the newspaper", "this newspaper"}
