"""Name folding shared by the checks and the merge."""

from __future__ import annotations

import re
import unicodedata

from .models import OUTLET

_TITLES = {
    "president", "vice", "prime", "minister", "secretary", "general", "chancellor", "king",
    "queen", "prince", "mr", "mrs", "ms", "dr", "sir", "the", "us", "foreign", "defense",
    "defence", "spokesperson", "spokesman", "spokeswoman", "leader", "chairman", "senator",
}  # fmt: skip


def tokens(name: str) -> list[str]:
    """Folded words of a name with leading titles removed ("President Zelensky" -> ["zelensky"])."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = [w for w in re.split(r"[^\w]+|_", plain) if w]
    while len(words) > 1 and words[0] in _TITLES:
        words.pop(0)
    return words


def name_key(name: str) -> str:
    return "".join(tokens(name))


def is_outlet(name: str) -> bool:
    return name.strip().casefold() in {OUTLET, "outlet", "the article", "the newspaper", "this newspaper"}
