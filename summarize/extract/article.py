"""Extract one article: prompt, ask, check, ground; split long articles; glean missed figures.

1. The article is split into parts that fit ``chunk_chars`` (one part for most articles).
   A part whose answer is cut off is split again, down to ``MIN_CHUNK_CHARS``, only when the
   part is long for the output limit (:mod:`summarize.extract.bounds`); an answer that reached
   all the part could need is *runaway* output, and splitting would only multiply it.  The
   other parts are still asked for; the article then fails, naming the runaway parts.
2. Each part is asked for with :mod:`summarize.verify.checks` in the reask loop, grounded against
   its own text, and shifted to article offsets; parts are merged and de-duplicated.
3. The numbers the article states (:mod:`summarize.verify.numbers`) that no figure covers are
   listed in one gleaning request (none when every number is covered), with only the
   passages around them (:mod:`summarize.extract.passages`), never more than one part's size;
   numbers beyond that stay missing.  The figures it returns join the extraction.
4. Items that still fail a check after the reasks are kept with their problems, so the
   brief can show them as unverified.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from summarize.defaults import DEFAULT_MAX_RETRIES
from summarize.extract import bounds, chunks, passages, pool
from summarize.extract.llm import OTHER_MODES, ModelClient, ModelError, TruncatedAnswer
from summarize.extract.prompting import (
    extraction_prompt,
    gleaning_prompt,
    template_version,
)
from summarize.text.names import name_key
from summarize.models import (
    Actor,
    Article,
    ArticleExtraction,
    ArticleRef,
    Claim,
    Coverage,
    ExtractionDraft,
    Figure,
    FigureGleaning,
    Stance,
    Usage,
)
from summarize.verify import checks, ground, numbers, timeline

_GROUNDED = {"actors": Actor, "claims": Claim, "figures": Figure, "stances": Stance}
I = TypeVar("I")


class BudgetSpent(Exception):
    """The token budget ran out before this article's model calls were done."""

    def __init__(self, message: str, usage: Usage, attempts: int):
        super().__init__(message)
        self.usage = usage
        self.attempts = attempts


class RunawayOutput(ModelError):
    """Answers were cut off where splitting cannot help: they had already had all their text
    could need, or the part was too short to split."""


@dataclass
class TokenBudget:
    """Stops new model calls once ``limit`` tokens (prompt + completion) are spent."""

    limit: int | None = None
    used: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    """Shared by the articles extracted at once (``--concurrency``)."""

    @property
    def spent(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    def charge(self, usage: Usage) -> None:
        with self._lock:
            self.used += usage.total_tokens


@dataclass
class _Run:
    article: Article
    client: ModelClient
    max_retries: int
    budget: TokenBudget
    usage: Usage = field(default_factory=Usage)
    attempts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    """Parts of one article may be asked for at once."""

    def ask(self, messages, model, check, source_chars: int) -> Any:
        if self.budget.spent:
            raise BudgetSpent(f"token budget of {self.budget.limit:,} spent", self.usage, self.attempts)
        try:
            answer = self.client.structured(
                messages, model, context={"check": check}, max_retries=self.max_retries, source_chars=source_chars
            )
        except ModelError as err:  # it carries what the failed calls cost: report the article's total
            self._account(err.usage, err.attempts)
            err.usage, err.attempts = self.usage, self.attempts
            raise
        self._account(answer.usage, answer.attempts)
        return answer.value

    def _account(self, usage: Usage, attempts: int) -> None:
        with self._lock:
            self.usage = self.usage.add(usage)
            self.attempts += attempts
        self.budget.charge(usage)


def extract_article(
    article: Article,
    client: ModelClient,
    max_retries: int = DEFAULT_MAX_RETRIES,
    chunk_chars: int = chunks.DEFAULT_CHUNK_CHARS,
    budget: TokenBudget | None = None,
    concurrency: int = 1,
) -> ArticleExtraction:
    """``concurrency``: parts asked for at once (the client bounds the requests in flight).

    Raises :class:`summarize.extract.llm.ModelError` (with the usage spent) when no usable answer
    came back, and :class:`BudgetSpent` when the token budget ran out first."""
    run = _Run(article, client, max_retries, budget or TokenBudget())
    parts = chunks.split(article.text, chunk_chars)
    answered = getattr(client, "answered", None)
    try:
        outcomes = pool.each(
            lambda _, part: _part_items(run, part, len(parts)),
            parts,
            concurrency,
            first_alone=answered is not None and not answered.is_set(),
        )
    except (ModelError, BudgetSpent) as err:  # parts still running when it was raised have finished since
        err.usage, err.attempts = run.usage, run.attempts
        raise
    items: dict[str, list] = {kind: [] for kind in checks.KINDS}
    done = 0
    cut_parts: list[tuple[chunks.Part, TruncatedAnswer, bool]] = []
    for found, cut in outcomes:
        done += len(found)
        cut_parts.extend(cut)
        for piece in found:
            for kind in checks.KINDS:
                items[kind].extend(piece[kind])
    if cut_parts:
        raise RunawayOutput(_runaway_reason(cut_parts, done, client.settings.mode), run.attempts, run.usage)

    actors = [a.model_copy(update={"mentions": _mentions(article.text, a)}) for a in _dedupe_actors(items["actors"])]
    claims = _dedupe(items["claims"], lambda c: (name_key(c.speaker), c.evidence.start, c.evidence.quote))
    figures = _dedupe(items["figures"], _figure_key)
    stances = _dedupe(items["stances"], lambda s: (name_key(s.holder), name_key(s.target), s.polarity))

    stated = numbers.scan(article.text, article.language)
    missing = _uncovered(stated, figures)
    if missing and not run.budget.spent:
        try:
            gleaned = _glean(run, missing, checks.known_names(actors), chunk_chars)
        except TruncatedAnswer:  # its cost is counted; the numbers stay listed as missing
            gleaned = []
        figures = _dedupe(figures + gleaned, _figure_key)
        missing = _uncovered(stated, figures)

    return ArticleExtraction(
        article=ArticleRef(**article.model_dump(exclude={"text"})),
        actors=actors,
        claims=claims,
        figures=figures,
        stances=stances,
        attempts=run.attempts,
        usage=run.usage,
        prompt_version=template_version("extract.j2"),
        parts=done,
        coverage=Coverage(
            article_id=article.id,
            stated=len(stated),
            found=len(stated) - len(missing),
            missing=[_context(article.text, m) for m in missing],
        ),
        events=timeline.events(article),
    )


def _part_items(
    run: _Run, part: chunks.Part, total_parts: int
) -> tuple[list[dict[str, list]], list[tuple[chunks.Part, TruncatedAnswer, bool]]]:
    """The grounded items of one part, in text order (a part whose answer is cut off is
    asked for again in halves, when splitting can help), and the parts given up as cut off."""
    try:
        return [_extract_part(run, part, total_parts)], []
    except TruncatedAnswer as cut:
        ran_away = bounds.ran_away(ExtractionDraft, len(part.text), cut.cut_at)
        if ran_away or len(part.text) <= chunks.MIN_CHUNK_CHARS:
            return [], [(part, cut, ran_away)]
    found: list[dict[str, list]] = []
    given_up: list[tuple[chunks.Part, TruncatedAnswer, bool]] = []
    for half in chunks.split(part.text, max(len(part.text) // 2, chunks.MIN_CHUNK_CHARS)):
        more, cut_off = _part_items(run, chunks.Part(part.start + half.start, half.text), total_parts)
        found += more
        given_up += cut_off
    return found, given_up


def _runaway_reason(cut_parts: list[tuple[chunks.Part, TruncatedAnswer, bool]], answered: int, mode: str) -> str:
    """One plain sentence: which text, what happened to its answer, what to try."""
    part, cut, ran_away = cut_parts[0]
    where = f"characters {part.start:,}–{part.start + len(part.text):,}"
    others = f" (and {len(cut_parts) - 1} more part(s))" if len(cut_parts) > 1 else ""
    if ran_away:
        what = f"runaway output on {where}{others}: {cut}, more than that text can need"
    else:
        what = f"{cut}, even for {where}{others}, a part too short to split further"
    kept = f"; {answered} other part(s) answered, but the article is incomplete without it" if answered else ""
    return f"{what}{kept}. Try a larger model or another --mode ({OTHER_MODES[mode]})"


def _mentions(text: str, actor: Actor) -> int:
    """How often any form of the actor's name occurs as whole words in the text."""
    forms = sorted({f for f in (actor.name, *actor.aliases) if f.strip()}, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)")
    return max(len(pattern.findall(text)), 1)


def _extract_part(run: _Run, part: chunks.Part, total_parts: int) -> dict[str, list]:
    request = part_request(run.article, part, total_parts)
    draft = run.ask(request.messages, ExtractionDraft, request.check, len(part.text))
    return _ground(run.article, draft, part.text, part.start)


@dataclass(frozen=True)
class PartRequest:
    """The first extraction request for one part of an article, as a run sends and checks it."""

    article: Article
    part: chunks.Part
    index: int
    """Which part (0-based) of the article's split at the run's ``chunk_chars``."""
    messages: list[dict[str, str]]
    check: Any
    """The validation context's check: the part's text, for the reask validators."""


def part_request(article: Article, part: chunks.Part, total_parts: int, index: int = 0) -> PartRequest:
    prompt = extraction_prompt(article, part.text, part=(part.start, total_parts) if total_parts > 1 else None)
    return PartRequest(article, part, index, prompt.messages, checks.validator(part.text, language=article.language))


def first_requests(article: Article, chunk_chars: int = chunks.DEFAULT_CHUNK_CHARS) -> list[PartRequest]:
    """Every part's first request: what ``extract_article`` asks before any reask, split or
    gleaning (the requests ``summarize batch submit`` sends as a batch)."""
    parts = chunks.split(article.text, chunk_chars)
    return [part_request(article, part, len(parts), i) for i, part in enumerate(parts)]


def ask_first(client: ModelClient, request: PartRequest, max_retries: int = DEFAULT_MAX_RETRIES) -> ExtractionDraft:
    """``request`` asked exactly as ``extract_article`` asks it (same messages, schema,
    validation context, reasks allowed and answer bound), outside any run's budget."""
    run = _Run(request.article, client, max_retries, TokenBudget())
    return run.ask(request.messages, ExtractionDraft, request.check, len(request.part.text))


def _ground(article: Article, answer: Any, text: str, offset: int, known: set[str] | None = None) -> dict[str, list]:
    """Grounded items of a draft answer, each with the problems it still has."""
    problems = checks.problems(answer, text, known, article.language)
    out: dict[str, list] = {}
    for kind in checks.KINDS:
        out[kind] = [
            _GROUNDED[kind](
                **item.model_dump(exclude={"quote"}),
                evidence=ground.evidence(item.quote, text, article.id, offset),
                problems=problems.get((kind, index), []),
            )
            for index, item in enumerate(getattr(answer, kind, []))
        ]
    return out


def _glean(run: _Run, missing: list[numbers.Mention], known: set[str], chunk_chars: int) -> list[Figure]:
    """Figures for the missing numbers, asked about the passages around them only; quotes
    are still checked against, and grounded in, the whole article."""
    text = run.article.text
    shown, held = passages.around(text, [(m.start, m.end) for m in missing], chunk_chars)
    if not held:
        return []
    excerpt = passages.GAP.join(p.text for p in shown)
    prompt = gleaning_prompt(run.article, [_context(text, m) for m in missing[:held]], excerpt)
    answer = run.ask(prompt.messages, FigureGleaning, checks.validator(text, known, run.article.language), len(excerpt))
    return _ground(run.article, answer, text, 0, known)["figures"]


def _uncovered(stated: list[numbers.Mention], figures: list[Figure]) -> list[numbers.Mention]:
    """The stated numbers that no verified figure's quote contains."""
    spans = [(f.evidence.start, f.evidence.end) for f in figures if f.verified]
    return [m for m in stated if not any(start <= m.start and m.end <= end for start, end in spans)]


def _context(text: str, mention: numbers.Mention, width: int = 40) -> str:
    before = text[max(0, mention.start - width) : mention.start].split("\n")[-1]
    after = text[mention.end : mention.end + width].split("\n")[0]
    return f"{mention.text!r} in “…{before}{mention.text}{after}…”"


def _figure_key(f: Figure) -> tuple:
    return (round(f.value, 6), f.unit.casefold(), f.evidence.start)


def _dedupe(items: Iterable[I], key: Callable[[I], Any]) -> list[I]:
    """First of each key, preferring a verified item over an unverified one."""
    kept: dict[Any, I] = {}
    for item in items:
        k = key(item)
        if k not in kept or (item.verified and not kept[k].verified):  # type: ignore[attr-defined]
            kept[k] = item
    return list(kept.values())


def _dedupe_actors(actors: list[Actor]) -> list[Actor]:
    """One actor per folded name across parts, with every alias any part gave."""
    kept: dict[str, Actor] = {}
    for actor in actors:
        key = name_key(actor.name)
        if key not in kept:
            kept[key] = actor
            continue
        first = kept[key]
        aliases = list(dict.fromkeys([*first.aliases, *actor.aliases]))
        better = actor if (actor.verified and not first.verified) else first
        kept[key] = better.model_copy(update={"aliases": aliases, "role": first.role or actor.role})
    return list(kept.values())
