"""Text similarity for linking by rule: TF-IDF over content words, cosine, and groups in
which every member is close to every other (no chains).

Content words are the folded words of a text minus the stopwords of the language the
text is in (its article's), with a light suffix trim; nothing is known about any topic.  Candidates come from an index of
the words items share (a word in too many items finds none), so the cost grows with the
number of items, not with pairs of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import lru_cache

from summarize import lang
from summarize.link import tfidf
from summarize.text.names import vocabulary, words

_MAX_SHARED_BY = 200
"""A word in more items than this is too common to find candidates with."""
_MAX_CANDIDATES = 10
"""Groups compared with each item: those sharing the most words with it."""


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1 << 16)
def content_words(text: str, language: str = lang.DEFAULT) -> tuple[str, ...]:
    """The content words of ``text``, read with the stopwords of ``language`` (a code)."""
    stop = vocabulary(language, "stopwords")
    return tuple(_stem(w) for w in words(text.replace("n't", " not")) if w not in stop and len(w) > 1 and not w.isdigit())


class Vectors:
    """TF-IDF vectors of some texts (fitted on those texts), as sparse dicts; ``languages``:
    the code of each text's language (its article's), English when not given."""

    def __init__(self, texts: Sequence[str], languages: Iterable[str] | None = None):
        codes = languages if languages is not None else [lang.DEFAULT] * len(texts)
        found = [content_words(t, code) for t, code in zip(texts, codes, strict=True)]
        self.terms: list[frozenset[str]] = [frozenset(f) for f in found]
        self.rows: list[dict[str, float]] = [{} for _ in texts]
        if not any(self.terms):
            return
        self.rows = tfidf.rows(found, sublinear=True)

    def cosine(self, i: int, j: int) -> float:
        a, b = self.rows[i], self.rows[j]
        if len(a) > len(b):
            a, b = b, a
        return sum(weight * b.get(term, 0.0) for term, weight in a.items())

    def shared(self, i: int, j: int) -> list[str]:
        return sorted(self.terms[i] & self.terms[j])


class TermIndex:
    """Term -> indexes of the items (or groups) that have it, for candidate lookup."""

    def __init__(self) -> None:
        self.postings: dict[str, set[int]] = defaultdict(set)

    def add(self, index: int, terms: frozenset[str]) -> None:
        for term in terms:
            self.postings[term].add(index)

    def candidates(self, terms: frozenset[str], limit: int | None = _MAX_CANDIDATES) -> list[int]:
        """Items sharing a term, those sharing the most first (ties: earliest first)."""
        counts: Counter[int] = Counter()
        for term in terms:
            posting = self.postings.get(term)
            if posting and len(posting) <= _MAX_SHARED_BY:
                counts.update(posting)
        ranked = sorted(counts)
        ranked.sort(key=counts.__getitem__, reverse=True)  # stable: equal counts stay earliest first
        return ranked[:limit] if limit else ranked


def complete_groups(vectors: Vectors, threshold: float, key: Callable[[int], Hashable] = lambda i: None) -> list[list[int]]:
    """Groups of item indexes, in the order of their first members: an item joins the
    earlier group of its ``key`` whose *every* member is at least ``threshold`` similar to
    it (the best such group), or starts its own.  No chain: A and C meet only if A ~ C.
    Members with the same words are compared once."""
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for i in range(len(vectors.terms)):
        blocks[key(i)].append(i)
    out: list[list[int]] = []
    for block in blocks.values():
        members: list[list[int]] = []
        distinct: list[dict[frozenset[str], int]] = []
        index = TermIndex()
        for i in block:
            terms = vectors.terms[i]
            best, best_score = None, 0.0
            for g in index.candidates(terms):
                score = min(1.0 if other == terms else vectors.cosine(i, j) for other, j in distinct[g].items())
                if score >= threshold and score > best_score:
                    best, best_score = g, score
            if best is None:
                best = len(members)
                members.append([])
                distinct.append({})
                index.add(best, terms)
            members[best].append(i)
            distinct[best].setdefault(terms, i)
        out += members
    return sorted(out, key=lambda g: g[0])
