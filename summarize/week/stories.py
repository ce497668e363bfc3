"""Group a window's articles into stories.  Deterministic: no word lists, no model.

Two articles are close when they use the same distinctive words (TF-IDF cosine over title
and text, the title counted twice) and name the same resolved actors (a weighted Jaccard,
where an actor named in many articles weighs little), and when they appeared close in time.
Average-link agglomerative clustering then joins articles while the average similarity
between two groups is at least :data:`MIN_SIMILARITY`.  A story may be one article.

On the project's test corpora (eleven BBC articles on three unrelated stories, and two
articles of one story), articles of one story score 0.3-0.7 on words alone and articles of
different stories under 0.1; the threshold sits between, nearer the low end so that a
follow-up written in other words still joins its story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TEXT_WEIGHT = 0.7
ACTOR_WEIGHT = 0.3
MIN_SIMILARITY = 0.18
"""Average similarity two groups need to be one story (distance threshold 1 - 0.18 = 0.82)."""
CLOSE_DAYS = 3
"""Articles this many days apart or closer are not penalised for time."""
DRIFT_DAYS = 14
"""Beyond CLOSE_DAYS, similarity is divided by 1 + (extra days / DRIFT_DAYS)."""


@dataclass(frozen=True)
class StoryInput:
    article_id: str
    title: str
    text: str
    date: date | None
    actor_ids: frozenset[str]


@dataclass(frozen=True)
class Group:
    members: list[int]
    """Indexes into the inputs."""
    central: int
    """The member most similar to the others (its title heads the story)."""


BLOCK = 512
"""Rows of the similarity matrix computed at a time (keeps memory linear in the articles)."""


class _Features:
    """What the similarity of two articles is computed from, for all articles at once."""

    def __init__(self, inputs: list[StoryInput]):
        import numpy as np
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        n = len(inputs)
        docs = [f"{i.title} {i.title} {i.text}" for i in inputs]
        try:
            self.text = TfidfVectorizer(stop_words="english").fit_transform(docs).tocsr()
        except ValueError:  # every word is a stop word: nothing to compare on
            self.text = sparse.csr_matrix((n, 1))
        # Actors as a weighted incidence matrix: an actor named in many articles weighs little.
        index: dict[str, int] = {}
        rows, cols = [], []
        for row, i in enumerate(inputs):
            for actor in sorted(i.actor_ids):
                rows.append(row)
                cols.append(index.setdefault(actor, len(index)))
        incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(1, len(index))))
        df = np.asarray(incidence.sum(axis=0)).ravel()
        self.weight = np.log1p(n / np.maximum(df, 1))
        self.actors = incidence
        self.actor_mass = incidence @ self.weight
        self.days = np.array([i.date.toordinal() if i.date else np.nan for i in inputs], dtype=float)

    def rows(self, these, those):
        """Similarity of the articles ``these`` with the articles ``those`` (index arrays; a dense block)."""
        import numpy as np

        text = (self.text[these] @ self.text[those].T).toarray()
        shared = (self.actors[these].multiply(self.weight) @ self.actors[those].T).toarray()
        union = self.actor_mass[these][:, None] + self.actor_mass[those][None, :] - shared
        actors = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        combined = TEXT_WEIGHT * text + ACTOR_WEIGHT * actors
        apart = np.abs(self.days[these][:, None] - self.days[those][None, :])
        extra = np.nan_to_num(np.maximum(apart - CLOSE_DAYS, 0), nan=0.0)
        combined /= 1 + extra / DRIFT_DAYS
        combined[np.asarray(these)[:, None] == np.asarray(those)[None, :]] = 1.0
        return combined


def _components(features: _Features, n: int) -> list[list[int]]:
    """Articles linked by chains of pairs at least MIN_SIMILARITY alike.

    Average-link clustering joins two groups only when their average similarity reaches
    the threshold, so at least one pair across them does: no story spans two components,
    and each component can be clustered on its own.
    """
    import numpy as np
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    rows, cols = [], []
    everything = list(range(n))
    for start in range(0, n, BLOCK):
        block = features.rows(everything[start : start + BLOCK], everything)
        r, c = np.nonzero(block >= MIN_SIMILARITY)
        rows.append(r + start)
        cols.append(c)
    graph = sparse.csr_matrix((np.ones(sum(len(r) for r in rows)), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    members: list[list[int]] = [[] for _ in range(count)]
    for index, label in enumerate(labels):
        members[label].append(index)
    return members


def one_story(inputs: list[StoryInput]) -> list[Group]:
    """Every article in one story (for callers that have already chosen the articles)."""
    return [Group(list(range(len(inputs))), 0)] if inputs else []


def group(inputs: list[StoryInput]) -> list[Group]:
    """Stories as groups of input indexes, each group in input order."""
    if not inputs:
        return []
    features = _Features(inputs)
    groups = []
    for component in _components(features, len(inputs)):
        groups += _cluster(features, component)
    return sorted(groups, key=lambda g: g.members[0])


def _cluster(features: _Features, component: list[int]) -> list[Group]:
    """Average-link clustering of one component (indexes into the inputs)."""
    if len(component) == 1:
        return [Group(component, component[0])]
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    sim = features.rows(component, component)
    distance = 1 - sim
    np.fill_diagonal(distance, 0.0)
    # Groups are joined while their average distance is below 1 - MIN_SIMILARITY (scipy's
    # cut keeps distances up to t, hence the largest float below it).  scipy's hierarchy
    # rather than scikit-learn's clustering, whose import alone took a quarter of a second.
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=np.nextafter(1 - MIN_SIMILARITY, 0), criterion="distance")
    members: dict[int, list[int]] = {}
    for local, label in enumerate(labels):
        members.setdefault(int(label), []).append(local)
    groups = []
    for found in members.values():
        central = max(found, key=lambda i: (sum(sim[i, j] for j in found if j != i), -i))
        groups.append(Group([component[i] for i in found], component[central]))
    return groups
