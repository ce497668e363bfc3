"""Copies in a week: one report carried by several files.

A wire story runs under several outlets' headlines, a report is republished with a word
changed or revised later in the day, a file is saved twice.  Each is one *report*: it is
extracted once, and corroboration, figure agreement and a story's outlet count see it once.

Two bodies (the text after any title and metadata) are copies when the Jaccard similarity
of their sets of five-word shingles (casefolded words) is at least :data:`THRESHOLD`.
Measured on the whole BBC News dataset (2,225 articles, ``bench/copies.py``): 154 pairs
score 0.9-1.0 (byte-identical files and copies with a title or a word changed), 15 more
0.55-0.85 (one report revised: a figure updated, a paragraph added), and then a gap: the
highest pair of two different reports scores 0.47 ("denies war advice claim" and "I was not
leant on", two reports of one hearing), the next 0.37; 18,000 other sharing pairs score
under 0.3.  The threshold sits in that gap.

Each file is compared with the reports found so far, never with their copies, so a chain of
small edits cannot join two files that are not alike themselves.  The file kept as the
report is the newest dated one of its copies, then the longest, then the first by path: a
revised report is read in its latest form.  The scan is sparse (shingles shared between
files), so a week of thousands of near-identical files costs time linear in the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from summarize.models import Article, Copy

THRESHOLD = 0.5
SHINGLE = 5
BLOCK = 256
"""Files compared with the reports at once."""

_WORD = re.compile(r"\w+")


@dataclass
class Collapsed:
    reports: list[Article]
    """One article per report, each with its copies listed in ``Article.copies``; in the
    order of the input (by the position of the file kept)."""
    copies: int
    """Files that are copies of a report (not sent to the model)."""


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) <= SHINGLE:
        return {tuple(words)} if words else set()
    return set(zip(*(words[i:] for i in range(SHINGLE))))


def report_of(texts: list[str]) -> list[tuple[int, float]]:
    """For each text, the index of the first earlier text it copies (itself if none) and
    their similarity (1.0 for itself)."""
    import numpy as np
    from scipy import sparse

    # Each shingle becomes a column by its hash (a 64-bit collision is not a concern at
    # the size of a week; the columns only need to agree within this process).
    indptr, hashes = [0], []
    for text in texts:
        hashes += map(hash, _shingles(_words(text)))
        indptr.append(len(hashes))
    n = len(texts)
    sizes = np.diff(indptr).astype(float)
    columns, cols = np.unique(np.array(hashes, dtype=np.int64), return_inverse=True)
    data = np.ones(len(cols), dtype=np.float32)
    matrix = sparse.csr_matrix((data, cols, np.array(indptr)), shape=(n, max(1, len(columns))))
    result: list[tuple[int, float]] = []
    reports: list[int] = []
    for start in range(0, n, BLOCK):
        block = list(range(start, min(n, start + BLOCK)))
        # Against the reports found before this block, and within the block itself.
        candidates = reports + block
        shared = (matrix[block] @ matrix[candidates].T).tocsr()
        for local, i in enumerate(block):
            best, best_score = i, 0.0
            span = slice(shared.indptr[local], shared.indptr[local + 1])
            for k, both in zip(shared.indices[span].tolist(), shared.data[span].tolist()):
                j = candidates[k]
                if j >= i or (j >= start and result[j][0] != j):
                    continue  # later files, and copies found in this block, are not reports
                union = sizes[i] + sizes[j] - both
                score = both / union if union > 0 else 1.0
                if score >= THRESHOLD and (score > best_score or (score == best_score and j < best)):
                    best, best_score = j, score
            result.append((i, 1.0) if best == i else (best, min(1.0, best_score)))
        reports += [i for i in block if result[i][0] == i]
    return result


def _kept(members: list[Article]) -> Article:
    """The file read as the report: the newest dated, then the longest, then the first by path."""
    return max(members, key=lambda a: (a.date or date.min, len(a.text), [-ord(c) for c in a.path]))


def collapse(articles: list[Article]) -> Collapsed:
    """The articles as reports, copies folded into the report they copy."""
    anchors = report_of([a.text for a in articles])
    groups: dict[int, list[int]] = {}
    for i, (anchor, _) in enumerate(anchors):
        groups.setdefault(anchor, []).append(i)
    reports: list[tuple[int, Article]] = []
    copies = 0
    for anchor, members in groups.items():
        if len(members) == 1:
            reports.append((anchor, articles[anchor]))
            continue
        chosen = _kept([articles[i] for i in members])
        kept_at = next(i for i in members if articles[i] is chosen)
        shingled = _shingles(_words(chosen.text))
        listed = []
        for i in members:
            if i == kept_at:
                continue
            other = articles[i]
            identical = other.id == chosen.id
            similarity = 1.0 if identical else _jaccard(shingled, _shingles(_words(other.text)))
            listed.append(
                Copy(
                    path=other.path,
                    title=other.title,
                    date=other.date,
                    outlet=other.outlet,
                    url=other.url,
                    similarity=round(similarity, 3),
                    identical=identical,
                )
            )
        copies += len(listed)
        reports.append((kept_at, chosen.model_copy(update={"copies": listed})))
    return Collapsed([a for _, a in sorted(reports, key=lambda r: r[0])], copies)


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
