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

import math
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


def similarity(inputs: list[StoryInput]):
    """The articles' pairwise similarity matrix (numpy array, 1 on the diagonal)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    n = len(inputs)
    docs = [f"{i.title} {i.title} {i.text}" for i in inputs]
    try:
        matrix = TfidfVectorizer(stop_words="english").fit_transform(docs)
        text = cosine_similarity(matrix)
    except ValueError:  # every word is a stop word: nothing to compare on
        text = np.zeros((n, n))

    df: dict[str, int] = {}
    for i in inputs:
        for a in i.actor_ids:
            df[a] = df.get(a, 0) + 1
    weight = {a: math.log(1 + n / k) for a, k in df.items()}
    actors = np.zeros((n, n))
    for x in range(n):
        for y in range(x + 1, n):
            a, b = inputs[x].actor_ids, inputs[y].actor_ids
            union = sum(weight[k] for k in a | b)
            if union:
                actors[x, y] = actors[y, x] = sum(weight[k] for k in a & b) / union

    combined = TEXT_WEIGHT * text + ACTOR_WEIGHT * actors
    for x in range(n):
        for y in range(x + 1, n):
            dx, dy = inputs[x].date, inputs[y].date
            if dx and dy:
                extra = max(0, abs((dx - dy).days) - CLOSE_DAYS)
                combined[x, y] = combined[y, x] = combined[x, y] / (1 + extra / DRIFT_DAYS)
    np.fill_diagonal(combined, 1.0)
    return combined


def one_story(inputs: list[StoryInput]) -> list[Group]:
    """Every article in one story (for callers that have already chosen the articles)."""
    return [Group(list(range(len(inputs))), 0)] if inputs else []


def group(inputs: list[StoryInput]) -> list[Group]:
    """Stories as groups of input indexes, each group in input order."""
    if not inputs:
        return []
    if len(inputs) == 1:
        return [Group([0], 0)]
    from sklearn.cluster import AgglomerativeClustering

    sim = similarity(inputs)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1 - MIN_SIMILARITY,
    ).fit_predict(1 - sim)
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(int(label), []).append(index)
    groups = []
    for found in members.values():
        def closeness(i: int) -> float:
            return sum(sim[i, j] for j in found if j != i)
        central = max(found, key=lambda i: (closeness(i), -i))
        groups.append(Group(found, central))
    return sorted(groups, key=lambda g: g.members[0])
