"""Group a window's reports into stories.  Deterministic: no word lists, no model.

Two reports are close when they use the same distinctive words: TF-IDF cosine over title
and text (the title counted twice, sublinear term counts, words of one report alone left
out; in a week of few reports, counts alone: :data:`MIN_IDF_REPORTS`), and only when they share at least :data:`MIN_SHARED` such words, so that one word,
however rare, never joins two reports.  Reports far apart in time are penalised.  Names
are words like any other here; the model's actors are not used: on the labelled sample
they added no precision or recall (``bench/stories.py --actors``), and grouping on the
text alone lets the stories be known before any answer, so that a story's link request
can start as soon as its reports are extracted.

Average-link agglomerative clustering then joins groups while the average similarity of
their reports is at least :data:`MIN_SIMILARITY`.  It runs on a sparse graph: each report
keeps its :data:`NEIGHBOURS` most similar reports above :data:`FLOOR`, and a pair not kept
counts as 0 in the averages, so time and memory grow with the reports, not their square.
A story may be one report.

The thresholds were set on a hand-labelled sample of the BBC News dataset
(``tests/stories/``; ``bench/stories.py`` prints B-cubed precision, recall and F1).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

MIN_SIMILARITY = 0.26
"""Average similarity two groups need to be one story."""
MIN_SHARED = 3
"""Distinct words (after stop words and words of one report) two reports must share to be
compared at all: one shared word, however rare, never joins two reports."""
FLOOR = 0.08
"""Pairs less similar than this are not kept (they count as 0)."""
MIN_IDF_REPORTS = 20
"""Fewer reports than this are compared by their words' counts alone: how distinctive a word
is cannot be told from a handful of reports (in a week of two, every word one report has
and the other lacks weighs most, and two reports of one story score as strangers)."""
NEIGHBOURS = 30
"""Most similar reports kept per report."""
CLOSE_DAYS = 3
"""Reports this many days apart or closer are not penalised for time."""
DRIFT_DAYS = 14
"""Beyond CLOSE_DAYS, similarity is divided by 1 + (extra days / DRIFT_DAYS)."""
BLOCK = 512
"""Rows of similarities computed at a time."""


@dataclass(frozen=True)
class StoryInput:
    article_id: str
    title: str
    text: str
    date: date | None


@dataclass(frozen=True)
class Group:
    members: list[int]
    """Indexes into the inputs."""
    central: int
    """The member most similar to the others (its title heads the story)."""


def one_story(inputs: list[StoryInput]) -> list[Group]:
    """Every article in one story (for callers that have already chosen the articles)."""
    return [Group(list(range(len(inputs))), 0)] if inputs else []


def fixed(decided: list[list[str]]) -> Callable[[list[StoryInput]], list[Group]]:
    """A grouping that keeps stories decided earlier, as lists of article ids with the
    central one first (:func:`by_id`); an input in none of them is a story alone."""
    story_of = {article_id: n for n, ids in enumerate(decided) for article_id in ids}
    rank = {article_id: k for ids in decided for k, article_id in enumerate(ids)}

    def grouping(inputs: list[StoryInput]) -> list[Group]:
        members: dict[object, list[int]] = {}
        for i, item in enumerate(inputs):
            members.setdefault(story_of.get(item.article_id, ("alone", i)), []).append(i)
        groups = [Group(found, min(found, key=lambda i: rank.get(inputs[i].article_id, 0))) for found in members.values()]
        return sorted(groups, key=lambda g: g.members[0])

    return grouping


def by_id(inputs: list[StoryInput]) -> list[list[str]]:
    """:func:`group`'s stories as lists of article ids, the central article first."""
    return [
        [inputs[g.central].article_id] + [inputs[i].article_id for i in g.members if i != g.central] for g in group(inputs)
    ]


def group(inputs: list[StoryInput]) -> list[Group]:
    """Stories as groups of input indexes, each group in input order, groups by first member."""
    if not inputs:
        return []
    pairs = similar_pairs(inputs)
    dated = [i.date is not None for i in inputs]
    return sorted(_average_link(len(inputs), pairs, dated), key=lambda g: g.members[0])


def similar_pairs(inputs: list[StoryInput]) -> dict[tuple[int, int], float]:
    """Similarity of the pairs worth keeping, ``(i, j)`` with ``i < j``, each in [0, 1]."""
    import numpy as np

    text, days = _features(inputs)
    present = (text > 0).astype(np.float32)
    n = len(inputs)
    kept: dict[tuple[int, int], float] = {}
    for start in range(0, n, BLOCK):
        rows = np.arange(start, min(n, start + BLOCK))
        sim = (text[rows] @ text.T).toarray()
        # However distinctive, fewer than MIN_SHARED words in common is not a story.
        shared_words = (present[rows] @ present.T).toarray()
        sim[shared_words < MIN_SHARED] = 0.0
        apart = np.abs(days[rows][:, None] - days[None, :])
        extra = np.nan_to_num(np.maximum(apart - CLOSE_DAYS, 0), nan=0.0)
        sim = sim / (1 + extra / DRIFT_DAYS)
        # Cosines of identical rows come out as 1 + 1e-15 and an empty row as NaN: every
        # similarity is kept within [0, 1], so every distance is a distance.
        sim = np.clip(np.nan_to_num(sim, nan=0.0), 0.0, 1.0)
        sim[np.arange(len(rows)), rows] = 0.0
        if n > NEIGHBOURS:
            top = np.argpartition(-sim, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
        else:
            top = np.broadcast_to(np.arange(n), (len(rows), n))
        for local, i in enumerate(rows.tolist()):
            for j in top[local].tolist():
                value = float(sim[local, j])
                if value >= FLOOR and i != j:
                    key = (i, j) if i < j else (j, i)
                    kept[key] = max(value, kept.get(key, 0.0))
    return kept


def _features(inputs: list[StoryInput]):
    import numpy as np
    from scipy import sparse

    from summarize import lang
    from summarize.link import tfidf

    n = len(inputs)
    stop = frozenset(w.casefold() for w in lang.load().stopwords)
    docs = [tfidf.words(f"{i.title} {i.title} {i.text}", stop) for i in inputs]
    weighted = n >= MIN_IDF_REPORTS
    try:
        text = tfidf.matrix(docs, sublinear=True, use_idf=weighted, min_df=2 if weighted else 1, dtype=np.float32)
    except tfidf.EmptyVocabulary:  # every word is a stop word, or no word is in two reports
        text = sparse.csr_matrix((n, 1), dtype=np.float32)
    days = np.array([i.date.toordinal() if i.date else np.nan for i in inputs], dtype=float)
    return text, days


def _average_link(n: int, pairs: dict[tuple[int, int], float], dated: list[bool]) -> list[Group]:
    """Average-link clustering over a sparse similarity graph (absent pairs count as 0):
    repeatedly join the two groups with the highest average similarity while it is at
    least MIN_SIMILARITY.  Ties go to the pair of lowest indexes, so the result does not
    depend on the order pairs were found in.  A group's central member is a dated one if
    any (an undated column or feature heads a story worse than a dated report), the most
    similar to the others among those."""
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    sums: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (i, j), value in pairs.items():
        sums[i][j] = value
        sums[j][i] = value
    heap = [(-value, i, j) for (i, j), value in pairs.items() if value >= MIN_SIMILARITY]
    heapq.heapify(heap)
    next_id = n
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        current = sums[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if abs(current + negative) > 1e-12:
            continue  # a stale entry: the groups changed since it was pushed
        joined, neighbours = next_id, {}
        next_id += 1
        for old in (a, b):
            for other, total in sums.pop(old).items():
                if other in (a, b):
                    continue
                neighbours[other] = neighbours.get(other, 0.0) + total
                del sums[other][old]
        members[joined] = members.pop(a) + members.pop(b)
        sums[joined] = neighbours
        size = len(members[joined])
        for other, total in neighbours.items():
            sums[other][joined] = total
            average = total / (size * len(members[other]))
            if average >= MIN_SIMILARITY:
                heapq.heappush(heap, (-average, min(joined, other), max(joined, other)))
    groups = []
    for found in members.values():
        found.sort()
        central = max(found, key=lambda i: (dated[i], sum(pairs.get((min(i, j), max(i, j)), 0.0) for j in found if j != i), -i))
        groups.append(Group(found, central))
    return groups
