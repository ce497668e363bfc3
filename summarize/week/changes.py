"""What changed since an earlier brief: new stories, continuing ones, figures that moved, quiet ones.

A story of this brief continues a story of the earlier one when they share an article, or
share key actors (by canonical name: at least two, or the only one either has), or use
the same distinctive words (TF-IDF cosine of headline and claims at least
:data:`SAME_WORDS`).  Each earlier story continues into at most one story, best match
first.  In a continuing story, a figure moved when an earlier figure's unit is of the same
class (:func:`summarize.link.quantity.unit_class`: a count of people, money in one
currency, a duration, a percentage; from the language files), counts nearly the same thing
(TF-IDF cosine of the labels at least :data:`SAME_COUNTS`) and the values differ by more than the precision of the less precise
statement (:func:`summarize.link.quantity.agreement`: "$9.4bn" and "$9.37bn" agree;
"up to 5,000" and "up to 8,000" moved, though both bounds can hold).
"""

from __future__ import annotations

from dataclasses import dataclass

from datetime import date

from summarize.link import quantity
from summarize.link.corroborate import languages_of
from summarize.link.similarity import Vectors
from summarize.models import (
    Brief,
    BriefFigure,
    ContinuingStory,
    FigureMove,
    FigureSnapshot,
    SinceLast,
    Story,
)

SAME_WORDS = 0.3
SAME_COUNTS = 0.3
"""TF-IDF cosine of two figures' labels at which they may measure the same quantity."""


@dataclass(frozen=True)
class _Match:
    score: float
    current: int
    previous: int
    why: str


def _actor_names(brief: Brief) -> list[set[str]]:
    """Each story's key actors by canonical name (ids differ from one brief to the next)."""
    name = {a.id: a.name.casefold() for a in brief.actors}
    return [{name[i] for i in story.key_actor_ids if i in name} for story in brief.stories]


def _story_text(brief: Brief) -> list[str]:
    """Each story's headline and claims, as one text."""
    claims: dict[str, list[str]] = {}
    for c in brief.claims:
        claims.setdefault(c.evidence.article_id, []).append(c.text)
    return [" ".join([s.headline] + [t for a in s.article_ids for t in claims.get(a, [])]) for s in brief.stories]


def _word_similarity(previous: Brief, current: Brief):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    docs = _story_text(previous) + _story_text(current)
    try:
        matrix = TfidfVectorizer(stop_words="english").fit_transform(docs)
    except ValueError:
        return None
    n = len(previous.stories)
    return cosine_similarity(matrix[n:], matrix[:n])


def _matches(previous: Brief, current: Brief) -> list[_Match]:
    words = _word_similarity(previous, current) if previous.stories and current.stories else None
    names_before, names_current = _actor_names(previous), _actor_names(current)
    found = []
    for i, now in enumerate(current.stories):
        names_now = names_current[i]
        for j, before in enumerate(previous.stories):
            shared_articles = set(now.article_ids) & set(before.article_ids)
            shared_names = names_now & names_before[j]
            similar = float(words[i, j]) if words is not None else 0.0
            if shared_articles:
                found.append(_Match(3 + len(shared_articles), i, j, f"{len(shared_articles)} shared article(s)"))
            elif len(shared_names) >= 2 or (shared_names and min(len(names_now), len(names_before[j])) == 1):
                found.append(_Match(1 + similar, i, j, "shared actors: " + ", ".join(sorted(shared_names))))
            elif similar >= SAME_WORDS:
                found.append(_Match(similar, i, j, f"shared words (similarity {similar:.2f})"))
    return sorted(found, key=lambda m: (-m.score, m.current, m.previous))


def _snapshot(brief: Brief, figure: BriefFigure) -> FigureSnapshot:
    article = next((a for a in brief.articles if a.id == figure.evidence.article_id), None)
    return FigureSnapshot(
        figure_id=figure.id,
        value=figure.value,
        bound=figure.bound,
        unit=figure.unit,
        counts=figure.counts,
        source=figure.source,
        quote=figure.evidence.quote,
        outlet=article.outlet if article else None,
        date=article.date if article else None,
    )


def _figure_pairs(previous: Brief, old: list[BriefFigure], current: Brief, new: list[BriefFigure]) -> list[tuple[float, BriefFigure, BriefFigure]]:
    """(label similarity, earlier figure, this week's figure) for labels at least
    :data:`SAME_COUNTS` close by TF-IDF cosine, best first (then the newest report first)."""
    if not old or not new:
        return []
    vectors = Vectors(
        [f.counts for f in old] + [f.counts for f in new],
        languages_of(old, previous.articles) + languages_of(new, current.articles),
    )
    day = {a.id: a.date or date.min for a in previous.articles + current.articles}
    pairs = [
        (vectors.cosine(i, len(old) + j), g, f)
        for i, g in enumerate(old)
        for j, f in enumerate(new)
    ]
    pairs = [p for p in pairs if p[0] >= SAME_COUNTS]
    return sorted(pairs, key=lambda p: (-round(p[0], 6), -day[p[2].evidence.article_id].toordinal(), -day[p[1].evidence.article_id].toordinal()))


def story_figures(brief: Brief, story: Story) -> list[BriefFigure]:
    ids = set(story.article_ids)
    return [f for f in brief.figures if f.evidence.article_id in ids]


def paired_figures(previous: Brief, before: Story, current: Brief, now: Story) -> tuple[list[tuple[BriefFigure, BriefFigure, bool]], list[tuple[BriefFigure, BriefFigure]]]:
    """An earlier and a current figure of one unit class whose labels are close, each figure
    paired once (closest labels and newest reports first), with whether the values differ
    beyond the precision of the less precise statement (moved); and pairs with close labels
    but units of no shared class (not comparable by rule)."""
    old, new = story_figures(previous, before), story_figures(current, now)
    pairs, unclassed, used = [], [], set()
    for _, g, f in _figure_pairs(previous, old, current, new):
        if g.id in used or f.id in used:
            continue
        a, b = quantity.of_figure(g), quantity.of_figure(f)
        if a.kind != b.kind:
            if quantity.comparable(a, b):
                unclassed.append((g, f))
            continue
        used |= {g.id, f.id}
        pairs.append((g, f, quantity.agreement(a, b) == "differ"))
    return pairs, [(g, f) for g, f in unclassed if g.id not in used and f.id not in used]


def _moves(previous: Brief, current: Brief, now: Story, paired) -> tuple[list[FigureMove], list[FigureMove]]:
    """Figures that moved, and pairs shown but not compared (``paired``: :func:`paired_figures`)."""
    pairs, unclassed = paired
    moves = [FigureMove(story_id=now.id, before=_snapshot(previous, g), after=_snapshot(current, f)) for g, f, moved in pairs if moved]
    shown = [FigureMove(story_id=now.id, before=_snapshot(previous, g), after=_snapshot(current, f)) for g, f in unclassed]
    return moves, list({(m.before.figure_id): m for m in reversed(shown)}.values())[::-1]


def splits(brief: Brief, story: Story) -> list[str]:
    """The issues the holders of ``story``'s stances split on (some for, some against)."""
    ids = set(story.article_ids)
    article = {s.id: s.evidence.article_id for s in brief.stances}
    return [i.issue for i in brief.issues if i.contested and any(article.get(s) in ids for s in i.stance_ids)]


def continuations(previous: Brief, current: Brief) -> list[tuple[Story, Story, str]]:
    """(this brief's story, the earlier brief's story it continues, why), each story of
    either brief at most once, the best match first."""
    taken_now: set[int] = set()
    taken_before: set[int] = set()
    found = []
    for m in _matches(previous, current):
        if m.current in taken_now or m.previous in taken_before:
            continue
        taken_now.add(m.current)
        taken_before.add(m.previous)
        found.append((current.stories[m.current], previous.stories[m.previous], m.why))
    return found


def compare(previous: Brief, current: Brief, label: str) -> SinceLast:
    continuing, moved, not_compared = [], [], []
    found_pairs = continuations(previous, current)
    for now, before, why in found_pairs:
        paired = paired_figures(previous, before, current, now)
        pairs = paired[0]
        split_before = {issue.casefold() for issue in splits(previous, before)}
        continuing.append(ContinuingStory(
            story_id=now.id, previous_headline=before.headline, matched_by=why,
            repeated_figure_ids=[f.id for _, f, moved_ in pairs if not moved_],
            new_splits=[issue for issue in splits(current, now) if issue.casefold() not in split_before],
        ))
        found, unclassed = _moves(previous, current, now, paired)
        moved += found
        not_compared += unclassed
    continuing.sort(key=lambda c: int(c.story_id[2:]))
    taken_now = {c.story_id for c in continuing}
    taken_before = {before.id for _, before, _ in found_pairs}
    return SinceLast(
        previous=label,
        previous_generated_at=previous.generated_at,
        new_story_ids=[s.id for s in current.stories if s.id not in taken_now],
        continuing=continuing,
        quiet=[s.headline for s in previous.stories if s.id not in taken_before],
        moved=moved,
        not_compared=not_compared,
    )
