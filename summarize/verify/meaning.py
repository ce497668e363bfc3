"""Whether a near-verbatim quote still says what its article says.

A fuzzy alignment may forgive what does not change a statement: spacing, punctuation,
quote marks, case and diacritics, and the language's function words ("the", "of").  It
never forgives a changed, added or removed negation, number, name or content word:
"would now resign" is not "would not resign".  The words that carry meaning are every
word except the language's stopwords, and always its negations (both lists come from the
language's data file, :mod:`summarize.lang`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from summarize import lang

_WORD = re.compile(r"\w+")


def _plain(text: str) -> str:
    """Case, diacritics and invisible characters (zero-width, soft hyphen) folded away."""
    decomposed = unicodedata.normalize("NFKD", lang.fold(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")


def carrying(text: str, language: lang.Language | None = None) -> list[str]:
    """The words of ``text`` that carry its meaning, folded, in order."""
    language = language or lang.load()
    forgiven = language.stopwords - language.negations
    return [w for w in _WORD.findall(_plain(text)) if w not in forgiven]


def difference(quote: str, span: str, language: lang.Language | None = None) -> str | None:
    """Why ``quote`` does not say what the article's ``span`` says, or None when it does
    (one short clause naming the first word that differs)."""
    language = language or lang.load()
    said, written = carrying(quote, language), carrying(span, language)
    if said == written:
        return None
    negated = [[w for w in words if w in language.negations] for words in (said, written)]
    if "".join(said) == "".join(written) and negated[0] == negated[1]:
        return None  # only spacing differs ("borderregion")
    ops = [op for op in difflib.SequenceMatcher(a=said, b=written, autojunk=False).get_opcodes() if op[0] != "equal"]
    tag, q1, q2, a1, a2 = ops[0]
    theirs, ours = " ".join(written[a1:a2]), " ".join(said[q1:q2])
    if tag == "replace":
        return f"the article says {theirs!r} where the quote says {ours!r}"
    if tag == "insert":
        return f"the article says {theirs!r}, which the quote leaves out"
    return f"the article does not say {ours!r}"
