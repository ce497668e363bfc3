"""The model's links, story by story, as soon as a story's reports are extracted.

Stories are decided from the reports' words before any answer (:mod:`summarize.week.stories`),
so a story whose reports are all in can be linked while other articles are still being
extracted: its link request goes out through the same client, and so the same request
slots, as the extractions (``--concurrency``).  A recording or a replay goes one request
at a time, after the extractions (cassettes patch the HTTP client for the whole process).

A story's link request is built from the story's reports merged on their own
(:func:`story_brief`): its ids are the story's, whatever the rest of the week holds, so
the request, its cache entry and its recording depend on the story alone.  The answer is
translated into the week's ids once the week is merged (:func:`summarize.link.links.translated`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from summarize import merge
from summarize.guard import Guard
from summarize.link import links as link
from summarize.models import ArticleExtraction, Brief, Producer, Usage
from summarize.week import stories


@dataclass
class Linked:
    """One story's link answer, in the ids of ``local``."""

    local: Brief
    result: link.LinkResult


def story_brief(extractions: list[ArticleExtraction], producer: Producer) -> Brief:
    """The story's reports merged on their own (with the rules' links), as one story."""
    return merge.merge(extractions, [], producer, Usage(), grouping=stories.one_story)


class StoryLinker:
    """Starts ``ask(extractions)`` for each story once every report of it has been extracted
    (or has failed): on ``workers`` threads when ``workers`` > 1, else in :meth:`results`,
    one story after another.  A story that fails costs that story's model links only
    (recorded by ``guard``; the rules' links stand)."""

    def __init__(
        self,
        decided: list[list[str]],
        ask: Callable[[list[ArticleExtraction]], Linked | None],
        workers: int,
        guard: Guard,
        title: Callable[[str], str],
    ):
        self._decided = decided
        self._story_of = {article_id: n for n, ids in enumerate(decided) for article_id in ids}
        self._waiting = [set(ids) for ids in decided]
        self._done: dict[str, ArticleExtraction] = {}
        self._ask = ask
        self._guard = guard
        self._title = title
        self._lock = threading.Lock()
        self._futures: dict[int, Future] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="summarize-links") if workers > 1 else None

    def finished(self, article_id: str, extraction: ArticleExtraction | None) -> None:
        """An article is done (``extraction`` None when it failed)."""
        n = self._story_of.get(article_id)
        if n is None:
            return
        with self._lock:
            if extraction is not None:
                self._done[article_id] = extraction
            self._waiting[n].discard(article_id)
            if self._waiting[n] or self._pool is None or n in self._futures:
                return
            self._futures[n] = self._pool.submit(self._story, n)

    def _story(self, n: int) -> Linked | None:
        with self._lock:
            # In article-id order: the request (and so its cache entry and recording) does
            # not depend on which report the grouping found most central.
            extractions = [self._done[i] for i in sorted(self._decided[n]) if i in self._done]
        if len(extractions) < 2:
            return None
        return self._guard.run(
            "links",
            f"the model's links of the story of {self._title(self._decided[n][0])!r} (links by rule are shown)",
            lambda: self._ask(extractions),
            lambda: None,
        )

    def results(self) -> dict[str, Linked]:
        """Every story's answer, by the id of each of its articles; waits for those under way."""
        answers: dict[int, Linked | None] = {}
        try:
            for n in range(len(self._decided)):
                with self._lock:
                    future = self._futures.get(n)
                answers[n] = future.result() if future is not None else self._story(n)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
        return {article_id: found for n, found in answers.items() if found for article_id in self._decided[n]}

    def close(self) -> None:
        """Stop what has not started (the run is ending without a brief)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def apply(brief: Brief, answered: dict[str, Linked], reason_for: Callable[[list[str]], str]) -> Brief:
    """The brief with each story's links: the model's, translated into the brief's ids, where
    its story was answered; else the rules' (already in the brief) with ``reason_for(article
    ids)`` as the reason."""
    results = []
    stories = link.story_items(brief)
    week = link.WeekIds(brief)
    for items, rules in zip(stories, link.links_by_story(brief, stories)):
        ids = [a.id for a in items.articles]
        found = next((answered[i] for i in ids if i in answered), None)
        if found is not None and found.result.info.made_by == "model":
            results.append(link.translated(found.result, found.local, week))
            continue
        reason = found.result.info.reason if found is not None else reason_for(ids)
        spent = found.result.info if found is not None else None
        info = rules.info.model_copy(
            update={"reason": reason, "usage": spent.usage if spent else Usage(), "requests": spent.requests if spent else 0}
        )
        results.append(rules.model_copy(update={"info": info}))
    return link.apply_links(brief, results)
