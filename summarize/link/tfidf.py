"""TF-IDF weights as scikit-learn's ``TfidfVectorizer`` computes them (smoothed idf
``ln((1 + n) / (1 + df)) + 1``, optional sublinear tf ``1 + ln(tf)``, rows of unit length),
without importing scikit-learn: its import alone took about 1 s of a run that briefs two
articles, and a dry run needs the stories too.  ``tests/test_startup.py`` checks the weights
against scikit-learn's on real articles.  Stop words are the caller's (the language data's:
:mod:`summarize.lang`), not scikit-learn's list.

Two shapes: :func:`rows` gives each text's weights as a dict (the linking rules compare a
few items at a time), :func:`matrix` a sparse matrix over a sorted vocabulary (the stories
multiply it by its transpose).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

TOKEN = re.compile(r"(?u)\b\w\w+\b")
"""scikit-learn's default token: two or more word characters."""


class EmptyVocabulary(ValueError):
    """No term is left (every word a stop word, or none in ``min_df`` texts)."""


def words(text: str, stop: frozenset[str] = frozenset()) -> list[str]:
    """The lower-cased tokens of ``text`` that are not in ``stop``."""
    return [w for w in TOKEN.findall(text.lower()) if w not in stop]


def _idf(df: int, n: int) -> float:
    return math.log((n + 1) / (df + 1)) + 1.0


def rows(docs: Sequence[Sequence[str]], sublinear: bool = True) -> list[dict[str, float]]:
    """Each document's (a sequence of terms) TF-IDF weights by term, of unit length."""
    counts = [Counter(d) for d in docs]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(docs)
    idf = {term: _idf(k, n) for term, k in df.items()}
    out = []
    for c in counts:
        row = {t: ((1.0 + math.log(k)) if sublinear else float(k)) * idf[t] for t, k in c.items()}
        norm = math.sqrt(sum(v * v for v in row.values()))
        out.append({t: v / norm for t, v in row.items()} if norm else row)
    return out


def matrix(docs: Sequence[Sequence[str]], *, sublinear: bool = False, use_idf: bool = True, min_df: int = 1, dtype=None):
    """A CSR matrix (documents × terms, terms in sorted order) of TF-IDF weights; rows of
    unit length.  Raises :class:`EmptyVocabulary` when no term is left."""
    import numpy as np
    from scipy import sparse

    dtype = dtype or np.float64
    counts = [Counter(d) for d in docs]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    terms = sorted(t for t, k in df.items() if k >= min_df)
    if not terms:
        raise EmptyVocabulary("no term is left")
    column = {t: i for i, t in enumerate(terms)}
    indices, data, indptr = [], [], [0]
    for c in counts:
        kept = sorted((column[t], k) for t, k in c.items() if t in column)
        indices += [i for i, _ in kept]
        data += [k for _, k in kept]
        indptr.append(len(indices))
    values = np.asarray(data, dtype=dtype)
    if sublinear:
        np.log(values, out=values)
        values += 1.0
    if use_idf:
        n = len(docs) + 1
        freq = np.asarray([df[t] for t in terms], dtype=dtype) + 1.0
        idf = np.full_like(freq, fill_value=n, dtype=dtype)
        idf /= freq
        np.log(idf, out=idf)
        idf += 1.0
        values *= idf[np.asarray(indices, dtype=np.int64)] if indices else 1.0
    result = sparse.csr_matrix((values, indices, indptr), shape=(len(docs), len(terms)), dtype=dtype)
    lengths = np.sqrt(np.asarray(result.multiply(result).sum(axis=1), dtype=np.float64).ravel())
    lengths[lengths == 0] = 1.0
    result.data /= np.repeat(lengths, np.diff(result.indptr)).astype(dtype)
    return result
