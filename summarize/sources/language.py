"""Which language an article is in, among those the language data covers.

The article's own word first (front matter ``language:``, a ``Langue:`` header, the page's
``<html lang>`` kept by ``summarize fetch``) when a data file covers it; otherwise py3langid,
a naive Bayes identifier over byte n-grams (langid.py, modernised): its model ships inside the
package (nothing is downloaded at run time, unlike fastText's), it answers the same way every
time (langdetect samples at random unless seeded), it is fast on a whole article, and it can be
narrowed to the languages we have data for, so it never answers one we cannot use.
"""

from __future__ import annotations

import re
from functools import lru_cache

from summarize import lang

SAMPLE_CHARS = 4000
"""The start of the article is enough to tell its language (and keeps a long one fast)."""


def declared(value: str | None) -> str | None:
    """A language tag ("fr", "de-CH", "es_ES") as a covered code, or None."""
    if not value:
        return None
    m = re.match(r"\s*([A-Za-z]{2,3})(?:[-_]|\s*$)", value)
    code = m.group(1).lower() if m else None
    return code if code in lang.available() else None


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # imported here: numpy and the model load take a while

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(lang.available()))
    return identifier


def detect(text: str) -> str:
    """The covered language ``text`` is most likely in."""
    sample = text[:SAMPLE_CHARS]
    if not sample.strip():
        return lang.DEFAULT
    code, _ = _identifier().classify(sample)
    return code if code in lang.available() else lang.DEFAULT


def choose(text: str, said: str | None = None) -> str:
    """The article's language: what it says of itself when covered, else detected."""
    return declared(said) or detect(text)
