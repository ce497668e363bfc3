"""Plain-text lines every renderer shares: a story's key point, a figure comparison, an amount.

Each renderer escapes these for its own output (Markdown with ``render.cell``, HTML by its
autoescaping template).
"""

from __future__ import annotations

import re
from datetime import date

from summarize import lang
from summarize.lang.units import amount  # noqa: F401 - a value as a reader writes it ('2.1bn')
from summarize.link.reconcile import trend
from summarize.models import Brief, FigureGroup, Story
from summarize.render.base import quantity


class Lookups:
    """A brief's items by id, and each article's label (#1…) and date."""

    def __init__(self, brief: Brief):
        self.brief = brief
        self.label = {ref.id: f"#{i}" for i, ref in enumerate(brief.articles, 1)}
        self.article = {ref.id: ref for ref in brief.articles}
        self.actor = {a.id: a for a in brief.actors}
        self.claim = {c.id: c for c in brief.claims}
        self.figure = {f.id: f for f in brief.figures}
        self.stance = {s.id: s for s in brief.stances}
        self.cluster = {k.id: k for k in brief.claim_clusters}
        self.contest = {x.id: x for x in brief.contested}
        self.group = {g.id: g for g in brief.figure_groups}
        self.story_of = {a: s for s in brief.stories for a in s.article_ids}

    def name(self, actor_id: str | None, fallback: str) -> str:
        actor = self.actor.get(actor_id or "")
        return actor.name if actor else fallback

    def date_of(self, article_id: str) -> date | None:
        ref = self.article.get(article_id)
        return ref.date if ref else None

    def quantity(self, figure) -> str:
        """The figure's value and unit as people write them, its unit read in its article's language."""
        ref = self.article.get(figure.evidence.article_id)
        return quantity(figure, ref.language if ref else lang.DEFAULT)


VERDICT_WORDS = {"agree": "agree", "rounded": "agree (rounded)", "compatible": "differ, but can all hold", "changed": "changed over the week", "conflict": "conflict"}


def values(look: Lookups, group: FigureGroup) -> tuple[str, str]:
    """A comparison's values in date order ('£2.1bn (The Ledger) → £2.4bn (The Ledger)')
    and its verdict (:func:`summarize.link.reconcile.trend`)."""
    members = sorted((look.figure[i] for i in group.figure_ids), key=lambda f: (look.date_of(f.evidence.article_id) or date.max, f.id))
    verdict = trend(members, look.date_of)
    joiner = " → " if verdict == "changed" else "; "
    return joiner.join(f"{look.quantity(f)} ({look.name(f.source_id, f.source)})" for f in members), verdict


def _names(names: list[str], most: int = 3) -> str:
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def _split_line(look: Lookups, story: Story) -> tuple[str, str] | None:
    """(issue, 'split on X: for …; against …') for the issue of the story its holders split on most."""
    ids = set(story.article_ids)
    split = [i for i in look.brief.issues if i.contested and look.stance[i.stance_ids[0]].evidence.article_id in ids]
    if not split:
        return None
    i = max(split, key=lambda i: len(i.stance_ids))
    return i.issue, f"split on {i.issue}: for {_names(i.support)}; against {_names(i.oppose)}"


def _figure_line(look: Lookups, f) -> str:
    day = look.date_of(f.evidence.article_id)
    return f"{look.quantity(f)}: {f.counts} ({look.name(f.source_id, f.source)}{', ' + str(day) if day else ''})"


def _newest_figure(look: Lookups, story: Story, repeated: set[str]):
    """The key figure of the newest report of the story that gives a figure not repeating a
    value of the week before (``repeated``): its figure closest to the story's gist
    (:func:`on_topic`)."""
    by_article: dict[str, list] = {}
    for f in look.brief.figures:
        if f.id not in repeated:
            by_article.setdefault(f.evidence.article_id, []).append(f)
    dated = sorted((a for a in story.article_ids if a in by_article), key=lambda a: look.date_of(a) or date.min)
    if not dated:
        return None
    key = on_topic(look, story)
    return min(by_article[dated[-1]], key=lambda f: key(f.counts))


def news(look: Lookups, story: Story) -> str:
    """What is new in the story, in this order: a figure that moved since the last brief, a
    figure that changed or conflicts within the week, the newest report's key figure (when it
    does not repeat the week before); '' when none."""
    since = look.brief.since_last
    moved = [m for m in since.moved if m.story_id == story.id] if since else []
    if moved:
        m = moved[0]
        return f"{m.after.counts}: {quantity(m.before)} → {quantity(m.after)} since the last brief"
    groups = [look.group[g] for g in story.figure_group_ids]
    changed = [(g, *values(look, g)) for g in groups]
    changed = [(g, text, verdict) for g, text, verdict in changed if verdict in ("changed", "conflict")]
    if changed:
        g, text, verdict = changed[0]
        return f"{g.counts}: {text}, {VERDICT_WORDS[verdict]}"
    continuing = next((c for c in since.continuing if c.story_id == story.id), None) if since else None
    newest = _newest_figure(look, story, set(continuing.repeated_figure_ids) if continuing else set())
    return _figure_line(look, newest) if newest else ""


def key_point(look: Lookups, story: Story) -> str:
    """The story's news first, in words: a contested pair; else what is new (:func:`news`),
    with the issue its holders split on when that split is new since the last brief; else
    the split itself (the dispute is the news); else the most corroborated claim, figures
    that agree, any figure."""
    ids = set(story.article_ids)
    if story.contest_ids:
        x = look.contest[story.contest_ids[0]]

        def said(claim_id: str) -> str:
            c = look.claim[claim_id]
            return f"{look.name(c.speaker_id, c.speaker)} [{look.label.get(c.evidence.article_id, '?')}] “{c.text}”"

        return f"disputed: {said(x.claim_ids[0])} vs {said(x.claim_ids[1])}"
    fresh, split = news(look, story), _split_line(look, story)
    since = look.brief.since_last
    continuing = next((c for c in since.continuing if c.story_id == story.id), None) if since else None
    if fresh and split and continuing and split[0].casefold() in {i.casefold() for i in continuing.new_splits}:
        return f"{fresh}; newly {split[1]}"
    if fresh or split:
        return fresh or split[1]  # type: ignore[index]
    compared = [(g, *values(look, g)) for g in (look.group[g] for g in story.figure_group_ids)]
    if story.cluster_ids:
        k = max((look.cluster[k] for k in story.cluster_ids), key=lambda k: k.corroboration)
        return f"{k.text} ({k.corroboration} articles)"
    if compared:
        g, text, verdict = compared[0]
        return f"{g.counts}: {text}, {VERDICT_WORDS[verdict]}"
    figures = [f for f in look.brief.figures if f.evidence.article_id in ids]
    if figures:
        return _figure_line(look, figures[0])
    return ""


def _words(text: str) -> set[str]:
    stop = lang.load().stopwords
    found = set()
    for word in re.findall(r"[^\W\d_]+", text.casefold()):
        if len(word) > 2 and word not in stop:
            found.add(word[:-1] if word.endswith("s") and not word.endswith("ss") else word)
    return found


def on_topic(look: Lookups, story: Story):
    """A sort key that puts first what is closest to the story's gist: items whose words
    share most with its headline and its corroborated and contested claims."""
    gist = [story.headline]
    gist += [look.cluster[k].text for k in story.cluster_ids]
    gist += [look.claim[c].text for x in story.contest_ids for c in look.contest[x].claim_ids]
    words = _words(" ".join(gist))

    def key(text: str) -> int:
        return -len(_words(text) & words)

    return key
