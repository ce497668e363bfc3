"""The whole job: load a folder, extract each article (live, recording or replaying), merge.

The CLI calls :func:`brief_folder`; everything it needs to print comes back in
:class:`RunResult`.  One article's failure is recorded in the brief and never stops the
others.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from summarize import config, merge, redact, story_links, synthesize
from summarize.files import orphans_note
from summarize.guard import Guard
from summarize.extract import article as extract
from summarize.extract import bounds, cache, chunks, estimate, recording
from summarize.extract import pool as _pool
from summarize.extract.llm import (
    DEFAULT_MODEL,
    DEFAULT_TIMEOUT,
    DEFAULT_TRANSPORT_RETRIES,
    ModelClient,
    ModelError,
    ModelSettings,
    Unreachable,
)
from summarize.extract.pool import DEFAULT_CONCURRENCY
from summarize.extract.prompting import template_version
from summarize.link import links as link
from summarize.models import (
    Article,
    ArticleExtraction,
    BatchUse,
    Brief,
    ExtractionFailure,
    Producer,
    StageProblem,
    Usage,
    Window,
)
from summarize.optional_writes import OptionalWrites
from summarize.resources import data_dir
from summarize.sources import copies, load
from summarize.sources.window import Selection, select
from summarize.week import changes, history, keep, stories

T = TypeVar("T")

timing = logging.getLogger("summarize.timing")

REPLAY_BASE_URL = "http://recorded.invalid/v1"
"""Replayed requests never leave the machine; vcrpy answers them from the cassette."""

SETUP_HELP = (
    "Configure a model: set OPENAI_API_KEY for OpenAI, or pass --base-url (or set "
    "OPENAI_BASE_URL, or base_url in the config file) for a local OpenAI-compatible server: Ollama "
    "http://localhost:11434/v1, vLLM http://localhost:8000/v1, llama.cpp http://localhost:8080/v1."
)


UNREACHABLE_AFTER = _pool.UNREACHABLE_AFTER


class ConfigError(Exception):
    """Nothing can run as asked; the message says what to change."""


class EndpointUnreachable(ConfigError):
    """The endpoint could not be reached on the run's first request: nothing is briefed."""


@dataclass
class Options:
    folder: Path
    recursive: bool = False
    model: str | None = None
    mode: str | None = None
    base_url: str | None = None
    max_retries: int = extract.DEFAULT_MAX_RETRIES
    timeout: float = DEFAULT_TIMEOUT
    transport_retries: int = DEFAULT_TRANSPORT_RETRIES
    chunk_chars: int = chunks.DEFAULT_CHUNK_CHARS
    max_tokens: int | None = None
    """Stop starting model calls once this many tokens are spent."""
    max_output_tokens: int = bounds.DEFAULT_MAX_OUTPUT_TOKENS
    """Cap on one answer's length (each request's max_tokens is at most this)."""
    sleep: Callable[[float], None] | None = None
    """How to wait between transport retries (tests pass a recorder)."""
    record: bool = False
    replay: bool = False
    """Replay the recordings even when a model is configured."""
    cassettes: Path | None = None
    """Where recording sets live; given without ``record``, the run replays from there."""
    recording_source: str | None = None
    """With ``record``: what RECORDING.json says the answers are (default: the endpoint and model)."""
    summary: bool = True
    """Ask the model for a cited executive summary of the merged brief."""
    link_model: bool = True
    """Ask the model which items across articles are one (else the rules alone decide)."""
    cache_dir: Path | None = None
    """Keep each live answer here and reuse it on the next run (None: no cache)."""
    window: Window | None = None
    """Only articles dated inside it (undated ones are kept and flagged)."""
    dated_only: bool = False
    history: Path | None = None
    """SQLite file of earlier briefs: compare with the latest earlier one, then save this one."""
    compare_to: Path | None = None
    """A brief's JSON to compare with instead of the history."""
    desk: str | None = None
    """Keep this brief in the history under this name (default: its folder); it is compared
    only with earlier briefs of the same desk."""
    concurrency: int = DEFAULT_CONCURRENCY
    """Live runs: articles extracted at once (a recording or a replay goes one at a time)."""
    batch: BatchUse | None = None
    """The batch whose stored answers this run uses (``summarize batch collect``): the brief
    says its answers came from the Batch API, and what the batch spent."""


@dataclass
class Progress:
    """Callbacks the CLI uses to show progress; all optional."""

    started: Callable[[int, int, Article], None] = lambda i, n, a: None
    finished: Callable[[int, int, Article, ArticleExtraction | None, str | None], None] = lambda *a: None
    notice: Callable[[str], None] = lambda message: None
    cached: Callable[[int, int, Article], None] = lambda i, n, a: None
    """An article's extraction came from the cache, not the model."""
    spent: Callable[[Usage], None] = lambda usage: None
    """What the run's requests have cost so far, told after each request."""
    info: Callable[[str], None] | None = None
    """Where the answers come from (a replay): told here when given, else as a notice."""
    phase: Callable[[str], None] = lambda doing: None
    """What the run is doing now, told as it starts each part: extracting the articles, the
    links across articles, the summary, the comparison, the history."""


@dataclass
class RunResult:
    brief: Brief
    notices: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    """Each loaded article's text by id: what the evidence offsets index into."""

    @property
    def nothing_verified(self) -> bool:
        return nothing_verified(self.brief)


def nothing_verified(brief: Brief) -> bool:
    """Articles were read but not one item passed its checks (not: the merge failed)."""
    merged = not any(p.stage == "merge" for p in brief.missing)
    return merged and bool(brief.articles) and not (brief.actors or brief.claims or brief.figures or brief.stances)


@dataclass
class _Plan:
    producer: Producer
    client_for: Callable[[Article], ModelClient]
    cassette_for: Callable[[Article], Path | None]
    record: bool
    summary_cassette: Callable[[list[str]], Path | None] = lambda ids: None
    """Where the summary of these articles is recorded; None to call the model directly."""
    bad: dict[str, str] = field(default_factory=dict)
    """Articles whose recording cannot be replayed, with the reason."""
    why: str = ""
    """Why this run replays (said once, before the articles)."""
    link_cassette: Callable[[list[str]], Path | None] = lambda ids: None
    """Where the link answer for these articles is recorded; None to call the model directly."""
    writes: OptionalWrites = field(default_factory=OptionalWrites)
    """The cache and recordings: a failed write is said once and costs only itself."""


def endpoint(options: Options, env: Mapping[str, str]) -> tuple[str | None, str | None, str, str]:
    """The API key, base URL, mode and model a live run of ``options`` uses: each from its
    flag, else the environment, else the config file (:mod:`summarize.config`), else the
    default.  Raises :class:`ConfigError` for a config file that cannot be used."""
    api_key = env.get("OPENAI_API_KEY") or None
    redact.keep_secret(api_key)  # never printed or written, even when an endpoint echoes it
    try:
        kept = config.load(env)
    except config.ConfigFileError as err:
        raise ConfigError(str(err)) from err
    base_url = options.base_url or env.get("OPENAI_BASE_URL") or kept.base_url or None
    model = options.model or env.get("SUMMARIZE_MODEL") or kept.model or DEFAULT_MODEL
    return api_key, base_url, options.mode or "tools", model


def _plan(options: Options, articles: list[Article], env: Mapping[str, str], progress: Progress) -> _Plan:
    api_key, base_url, mode, model = endpoint(options, env)
    prompt_version = template_version("extract.j2")
    configured = bool(api_key or base_url)
    writes = OptionalWrites(progress.notice)
    if options.record and options.replay:
        raise ConfigError("--record and --replay contradict each other: pick one")
    replay_asked = options.replay or (options.cassettes is not None and not options.record)

    waits: dict = {"on_retry": progress.notice, "max_output_tokens": options.max_output_tokens, "on_request": _running(progress.spent)}
    if options.sleep:
        waits["sleep"] = options.sleep
    if configured and not replay_asked:
        settings = ModelSettings(
            model=model,
            mode=mode,  # type: ignore[arg-type]
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=options.timeout,
            transport_retries=options.transport_retries,
            concurrency=1 if options.record else options.concurrency,
            **waits,
        )
        client = ModelClient(settings)
        host = redact.host(base_url)
        if not options.record:
            producer = Producer(kind="live", model=model, mode=mode, endpoint=host, prompt_version=prompt_version)
            return _Plan(producer, lambda a: client, lambda a: None, record=False, writes=writes)
        root = options.cassettes or Path("cassettes")
        _clean(root / options.folder.resolve().name, progress)
        rec = recording.write_set(
            root / options.folder.resolve().name,
            model=model,
            mode=mode,
            source=redact.text(options.recording_source or f"answers of model {model} at {host}"),
            prompt_version=prompt_version,
            writes=writes,
        )
        producer = Producer(
            kind="record", model=model, mode=mode, endpoint=host, recordings=rec.describe(), prompt_version=prompt_version
        )
        return _Plan(
            producer,
            lambda a: client,
            lambda a: rec.cassette_for(a.id),
            record=True,
            summary_cassette=rec.summary_cassette,
            link_cassette=rec.link_cassette,
            writes=writes,
        )

    if options.record:
        raise ConfigError("--record needs a model to record from. " + SETUP_HELP)
    roots = [options.cassettes] if options.cassettes else [Path("cassettes"), data_dir("cassettes")]
    bad: dict[str, str] = {}
    found = recording.find_recordings(roots, [a.id for a in articles], bad)
    missing = [a.path for a in articles if a.id not in found and a.id not in bad]
    if missing:
        listed = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        if replay_asked:
            raise ConfigError(f"Replay was asked for, but there are no recorded answers for {listed} under {', '.join(map(str, roots))}.")
        raise ConfigError(f"No model is configured and no recorded answers for {listed}. {SETUP_HELP}")
    for flag, wanted, attr in (("--model", options.model, "model"), ("--mode", options.mode, "mode")):
        clashing = {getattr(r, attr) for r in found.values() if wanted and getattr(r, attr) != wanted}
        if clashing:
            raise ConfigError(
                f"{flag} {wanted} was asked for, but the recordings were made with {attr} "
                f"{', '.join(sorted(clashing))}; drop {flag} to replay them, or configure a model. {SETUP_HELP}"
            )

    sets = list(dict.fromkeys(found.values()))
    clients: dict[tuple[str, str], ModelClient] = {}

    def client_for(article: Article) -> ModelClient:
        rec = found[article.id]
        key = (rec.model, rec.mode)
        if key not in clients:
            clients[key] = ModelClient(
                ModelSettings(
                    model=rec.model,
                    mode=rec.mode,  # type: ignore[arg-type]
                    base_url=REPLAY_BASE_URL,
                    api_key="replay",
                    timeout=options.timeout,
                    transport_retries=options.transport_retries,
                    **waits,
                )
            )
        return clients[key]

    producer = Producer(
        kind="replay",
        model=", ".join(dict.fromkeys(r.model for r in sets)),
        mode=", ".join(dict.fromkeys(r.mode for r in sets)),
        recordings="; ".join(r.describe() for r in sets),
        prompt_version=prompt_version,
    )
    return _Plan(
        producer,
        client_for,
        lambda a: found[a.id].cassette_for(a.id),
        record=False,
        summary_cassette=lambda ids: sets[0].summary_cassette(ids) if sets else None,
        link_cassette=lambda ids: sets[0].link_cassette(ids) if sets else None,
        bad=bad,
        why=_why_replay(options, configured, producer.recordings),
    )


def _running(report: Callable[[Usage], None]) -> Callable[[Usage], None]:
    """Adds up each request's cost and reports the total so far (from any worker)."""
    total = Usage()
    lock = threading.Lock()

    def add(cost: Usage) -> None:
        nonlocal total
        with lock:
            total = total.add(cost)
            report(total)

    return add


def _why_replay(options: Options, configured: bool, recordings: str) -> str:
    if not configured:
        return f"No model configured: replaying recorded answers from {recordings}. {SETUP_HELP}"
    asked = "--replay" if options.replay else f"--cassettes {options.cassettes}"
    return f"{asked}: replaying recorded answers from {recordings}; the configured model is not called."


def brief_folder(options: Options, env: Mapping[str, str] | None = None, progress: Progress | None = None) -> RunResult:
    """Raises :class:`ConfigError` when nothing can run; otherwise returns a brief, failures included."""
    env = os.environ if env is None else env
    progress = _pool.serialised(progress or Progress())
    clock = _Clock()
    loaded, chosen = in_scope(options)
    previous, history_problem, history_created = _previous_brief(options)
    plan = _plan(options, loaded.articles, env, progress)
    clock.lap("load (files, copies)")

    notices = []
    if plan.why:
        notices.append(plan.why)
    notices += loaded.messages()
    if history_problem:
        notices.append(history_problem)
    if history_created:
        notices.append(history_created)
    if chosen.window and chosen.window.outside:
        notices.append(f"{chosen.window.outside} article(s) dated outside {chosen.window.label} are left out (not sent to the model)")
    for message in notices:
        if message == plan.why and progress.info is not None:
            progress.info(message)
        else:
            progress.notice(message)

    progress.phase(f"extracting {len(loaded.articles)} article(s)")
    budget = extract.TokenBudget(options.max_tokens)
    store = _cache(options, plan)
    if store is not None:
        _clean(store.folder, progress)
    stop = _pool.Stop()
    first = _pool.FirstContact()
    workers = _workers(options, plan)
    total = len(loaded.articles)
    # A bug in a stage after extraction costs that stage only.
    guard = Guard(on_problem=lambda message: _say(notices, progress, message))
    decided = _stories(loaded.articles, guard)
    clock.lap("stories")
    title = {a.id: a.title for a in loaded.articles}
    linker = story_links.StoryLinker(
        decided,
        lambda extractions: _link_story(extractions, plan, options, budget, stop),
        workers if options.link_model else 1,
        guard,
        title=lambda article_id: title[article_id],
    )

    def one(index: int, article: Article) -> tuple[ArticleExtraction | None, ExtractionFailure | None, Usage]:
        kept = _from_cache(article, plan, options, store)
        if kept is not None:
            plan.client_for(article).chatted.set()  # this model at this endpoint answered these requests before
            progress.cached(index, total, article)
            return kept, None, Usage()
        if workers <= 1:
            return sent(index, article)
        client = plan.client_for(article)
        with first.turn(client.answered, client.probe):
            return sent(index, article)

    def sent(index: int, article: Article) -> tuple[ArticleExtraction | None, ExtractionFailure | None, Usage]:
        if stop.abandoned:
            return None, None, Usage()  # the run raises EndpointUnreachable: nothing is briefed
        refused = stop.refused
        if article.id in plan.bad or refused:
            reason = plan.bad.get(article.id) or f"not processed: {refused}"
            progress.finished(index, total, article, None, reason)
            return None, ExtractionFailure(path=article.path, article_id=article.id, stage="extract", reason=reason), Usage()
        if budget.spent:
            reason = f"not processed: the token budget of {options.max_tokens:,} was spent ({budget.used:,} used)"
            progress.finished(index, total, article, None, reason)
            return None, ExtractionFailure(path=article.path, article_id=article.id, stage="budget", reason=reason), Usage()
        progress.started(index, total, article)
        try:
            result = _extract_one(article, plan, options, budget, store)
        except (ModelError, extract.BudgetSpent, recording.BadRecording) as err:
            spent = getattr(err, "usage", Usage())
            stage = "budget" if isinstance(err, extract.BudgetSpent) else "extract"
            reason = redact.text(str(err))
            failure = ExtractionFailure(
                path=article.path, article_id=article.id, stage=stage, reason=reason, attempts=spent.requests
            )
            if isinstance(err, Unreachable):
                stop.abandoned = True
                raise EndpointUnreachable(
                    f"{reason}; nothing was briefed. Check --base-url (or OPENAI_BASE_URL) and that "
                    f"a server is running at {plan.producer.endpoint}"
                ) from err
            progress.finished(index, total, article, None, reason)
            stop.failed(err, article, reason)
            return None, failure, spent
        stop.succeeded()
        progress.finished(index, total, article, result, None)
        return result, None, result.usage

    def tracked(index: int, article: Article) -> tuple[ArticleExtraction | None, ExtractionFailure | None, Usage]:
        outcome = one(index, article)
        linker.finished(article.id, outcome[0])
        return outcome

    try:
        outcomes = _pool.each(tracked, loaded.articles, _article_threads(options, workers))
    except BaseException:
        linker.close()
        raise
    extractions = [e for e, _, _ in outcomes if e is not None]
    failures: list[ExtractionFailure] = list(loaded.failures) + [f for _, f, _ in outcomes if f is not None]
    usage = Usage()
    for _, _, spent in outcomes:
        usage = usage.add(spent)
    # A copy would have cost what its report did (the same text, the same requests).
    usage = usage.model_copy(update={"not_sent": sum(len(e.article.copies) * e.usage.requests for e in extractions)})
    halted = stop.halted

    texts = {a.id: a.text for a in loaded.articles}
    clock.lap("extraction (with the story links started meanwhile)")
    progress.phase("linking items across articles")
    answered = linker.results() if options.link_model else {}
    clock.lap("story links still under way after the extraction")
    brief = _merged(extractions, failures, plan.producer, usage, texts, chosen.window, guard, decided)
    clock.lap("merge (actors, items, links by rule)")
    if guard.problems and guard.problems[-1].stage == "merge":
        extractions = []  # nothing to link or summarise
    if extractions:
        unlinked = brief
        brief = guard.run(
            "links",
            "the model's links across articles (links by rule are shown)",
            lambda: _with_links(unlinked, answered, options, progress, notices),
            lambda: unlinked,
        )
        ranked = brief
        brief = guard.run("ranking", "the ranking of the stories (in folder order)", lambda: merge.ranked(ranked), lambda: ranked)
        clock.lap("links applied, stories ranked")
    if options.summary and extractions:
        if halted:
            brief = _no_summary(brief, halted, notices, progress)
        elif nothing_verified(brief):
            brief = _no_summary(brief, "no item of any article passed its checks, so there is nothing to summarise", notices, progress)
        else:
            progress.phase("writing the summary")
            plain = brief
            brief = guard.run(
                "summary", "the summary",
                lambda: _with_summary(plain, plan, loaded.articles, options, budget, progress, notices),
                lambda: plain,
            )
    if history_problem:
        brief = brief.model_copy(update={"history_note": history_problem})

    def compared(earlier: Brief, now: Brief, label: str) -> Brief:
        progress.phase("comparing with the last brief")
        return guard.run(
            "comparison", "the comparison with the last brief",
            lambda: now.model_copy(update={"since_last": changes.compare(earlier, now, label)}),
            lambda: now,
        )

    if options.history and options.window and brief.articles and not history_problem:
        unsaved = brief
        kept = guard.run(
            "history", "this brief in the history (not saved)",
            lambda: keep.compare_and_keep(
                options.history, unsaved, history.desk_of(options.folder, options.desk), compared, previous, created=bool(history_created)  # type: ignore[arg-type]
            ),
            lambda: keep.Kept(compared(previous[1], unsaved, previous[0]) if previous else unsaved),
        )
        brief = kept.brief
        for message in kept.notices:
            _say(notices, progress, message)
    elif previous is not None:
        brief = compared(previous[1], brief, previous[0])
    brief = brief.model_copy(update={"missing": list(guard.problems), "skipped": list(loaded.skipped), "batch": options.batch})
    clock.lap("summary, comparison, history")
    return RunResult(brief=brief, notices=notices, texts=texts)


class _Clock:
    """Each stage's wall time, logged at DEBUG on ``summarize.timing`` (bench/week_scale.py
    reads them)."""

    def __init__(self) -> None:
        import time

        self._now = time.perf_counter
        self._last = self._now()

    def lap(self, stage: str) -> None:
        now = self._now()
        timing.debug("%.3f s %s", now - self._last, stage)
        self._last = now


def _merged(
    extractions: list[ArticleExtraction],
    failures: list[ExtractionFailure],
    producer: Producer,
    usage: Usage,
    texts: dict[str, str],
    window: Window | None,
    guard: Guard,
    decided: list[list[str]],
) -> Brief:
    """The merged brief; if the merge itself fails, a brief of the articles alone, and the
    run's answers (every article's verified extraction) kept in a file named in the brief,
    so that a run without a cache loses none of the model's work."""
    try:
        return merge.merge(
            extractions, failures, producer, usage, texts=texts, window=window, grouping=stories.fixed(decided), guard=guard
        )
    except Exception as err:  # noqa: BLE001 - the merge failing must not lose the answers
        kept = _keep_extractions(extractions)
        guard.record("merge", f"every item of the brief (the extractions are kept in {kept})", err)
        return Brief(
            generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            articles=[e.article for e in extractions],
            producer=producer,
            window=window,
            actors=[],
            claims=[],
            figures=[],
            stances=[],
            unverified=[],
            coverage=[e.coverage for e in extractions],
            failed=failures,
            usage=usage,
        )


def _keep_extractions(extractions: list[ArticleExtraction]) -> str:
    """Write the extractions as JSON into the temporary folder; the file's path, or why not."""
    import json
    import tempfile

    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", prefix="summarize-extractions-", suffix=".json", delete=False
        ) as out:
            json.dump([e.model_dump(mode="json") for e in extractions], out, ensure_ascii=False)
        return out.name
    except OSError as err:
        return f"no file: {err}"


def in_scope(options: Options) -> tuple[load.Loaded, Selection]:
    """The folder's articles inside the window (``loaded.articles`` narrowed to them)."""
    try:
        loaded = load.load_folder(options.folder, options.recursive)
    except NotADirectoryError as err:
        raise ConfigError(str(err)) from err
    if not loaded.articles and not loaded.failures:
        hint = ""
        if not options.recursive and load.discover(options.folder, recursive=True):
            hint = " (its sub-folders do: add --recursive)"
        others = f"; {len(loaded.skipped)} file(s) of other types skipped" if loaded.skipped else ""
        raise ConfigError(f"{options.folder} holds no articles ({', '.join(sorted(load.SUFFIXES))}){hint}{others}")
    if not loaded.articles:
        reasons = "; ".join(f"{f.path} {f.reason}" for f in loaded.failures)
        raise ConfigError(f"no article in {options.folder} could be loaded: {reasons}")
    chosen = select(loaded.articles, options.window, options.dated_only)
    if not chosen.articles:
        w = chosen.window
        raise ConfigError(
            f"no article of {options.folder} is in the window {w.label}: {w.outside} dated outside it"  # type: ignore[union-attr]
            + (f", {w.undated_excluded} undated (--dated-only)" if w and w.undated_excluded else "")
        )
    collapsed = copies.collapse(chosen.articles)
    loaded.articles = collapsed.reports
    if collapsed.copies:
        files = sum(1 for a in collapsed.reports if a.copies) + collapsed.copies
        loaded.notes.append(
            f"{collapsed.copies} cop{'y' if collapsed.copies == 1 else 'ies'} found: {files} files carry "
            f"{sum(1 for a in collapsed.reports if a.copies)} reports; each report is read once, its copies "
            "are listed with it and not sent to the model"
        )
    return loaded, chosen


@dataclass
class Planned:
    """One article in scope and what it would cost; ``how``: ``model``, ``cache`` (its
    answers are kept: nothing to pay) or ``replay`` (recorded answers)."""

    article: Article
    cost: estimate.Cost
    how: str


@dataclass
class DryRun:
    articles: list[Planned]
    notices: list[str]
    link_requests: int = 0
    """One per story of two or more reports (stories are decided before any answer); 0 with
    --no-link-model.  A story too large for one request is split, so this is a floor."""
    summary_requests: int = 0
    """1, or 0 with --no-summary."""
    copies: int = 0
    """Files that are copies of a report in scope: not sent."""


def dry_run(options: Options, env: Mapping[str, str] | None = None) -> DryRun:
    """The articles a run would brief and what each would cost; no model is called."""
    env = os.environ if env is None else env
    loaded, chosen = in_scope(options)
    notices = loaded.messages()
    if chosen.window and chosen.window.outside:
        notices.append(f"{chosen.window.outside} article(s) dated outside {chosen.window.label} are left out")
    plan: _Plan | None = None
    if not options.record:  # planning a recording would create its folder
        try:
            plan = _plan(options, loaded.articles, env, Progress())
        except ConfigError as err:
            notices.append(f"a run would stop: {err}")
    if plan and plan.why:
        notices.insert(0, plan.why)
    store = _cache(options, plan) if plan else None
    planned = []
    for article in loaded.articles:
        how = "replay" if plan and plan.producer.kind == "replay" else "cache" if store and store.has(article.id) else "model"
        planned.append(Planned(article, estimate.article_cost(article, options.chunk_chars, options.max_output_tokens), how))
    decided = _stories(loaded.articles, Guard(on_problem=notices.append))
    return DryRun(
        planned,
        notices,
        link_requests=sum(1 for ids in decided if len(ids) > 1) if options.link_model else 0,
        summary_requests=1 if options.summary else 0,
        copies=sum(len(a.copies) for a in loaded.articles),
    )


def _previous_brief(options: Options) -> tuple[tuple[str, Brief] | None, str | None, str | None]:
    """The brief to compare with when it is a --compare-to file, what went wrong reading the
    history, and the notice that the history does not exist yet (it is created).

    Read before any model call: a --compare-to file that cannot be read stops the run at
    once; a broken history only costs the comparison, never the brief.  The history's
    earlier brief itself is read at the end, in the same transaction that saves this one
    (:mod:`summarize.week.keep`).
    """
    earlier = None
    if options.compare_to is not None:
        try:
            earlier = (str(options.compare_to), history.read_brief_file(options.compare_to))
        except history.HistoryError as err:
            raise ConfigError(str(err)) from err
    if options.history is None or options.window is None:
        return earlier, None, None
    try:
        return earlier, None, keep.before_run(options.history)[1]
    except history.HistoryError as err:
        return earlier, f"no comparison with the last brief: {err} (--no-history skips it, --history PATH names another file)", None


def _say(notices: list[str], progress: Progress, message: str) -> None:
    notices.append(message)
    progress.notice(message)


def _from_cache(article: Article, plan: _Plan, options: Options, store: cache.AnswerCache | None) -> ArticleExtraction | None:
    """The article extracted again from stored answers alone, or None if any is missing.

    The stored answers go through the same grounding and checks as live ones; this run
    spends nothing on them."""
    if store is None or not store.has(article.id):
        return None
    offline = store.client(article.id, plan.client_for(article), offline=True)
    try:
        return extract.extract_article(article, offline, options.max_retries, options.chunk_chars, extract.TokenBudget())  # type: ignore[arg-type]
    except cache.Miss:
        return None


def _cache(options: Options, plan: _Plan) -> cache.AnswerCache | None:

    """Live runs only: a recording must hold real calls, and a replay costs nothing."""
    if options.cache_dir is None or plan.producer.kind != "live":
        return None
    return answer_cache(options, plan.producer.model, plan.producer.mode, plan.producer.endpoint, plan.writes)


def _clean(folder: Path, progress: Progress) -> None:
    """The temporary files a killed run left in a folder this run writes, removed and said."""
    note = orphans_note(folder)
    if note:
        progress.notice(note)


def answer_cache(options: Options, model: str, mode: str, host: str, writes: OptionalWrites | None = None) -> cache.AnswerCache:
    """Where a live run with these settings keeps its answers (``batch collect`` stores there)."""
    assert options.cache_dir is not None
    return cache.AnswerCache(
        options.cache_dir, writes, model=model, mode=mode, endpoint=host, chunk_chars=options.chunk_chars, max_retries=options.max_retries
    )


def _with_summary(
    brief: Brief,
    plan: _Plan,
    articles: list[Article],
    options: Options,
    budget: extract.TokenBudget,
    progress: Progress,
    notices: list[str],
) -> Brief:
    """The brief with its cited summary, or without one saying why (in the brief, as
    :attr:`Brief.unanswered`, and as a notice)."""
    if budget.spent:
        return _no_summary(brief, "the token budget is spent", notices, progress)
    ids = [a.id for a in brief.articles]
    path = plan.summary_cassette(ids)
    if plan.producer.kind == "replay" and not (path and path.is_file()):
        return _no_summary(brief, "no recorded summary for these articles (replay)", notices, progress)
    client = plan.client_for(next(a for a in articles if a.id == ids[0]))
    try:
        summary = _recorded(plan, path, lambda: synthesize.summarize_brief(brief, client, options.max_retries))
    except ModelError as err:
        spent = brief.model_copy(update={"usage": brief.usage.add(err.usage)})
        return _no_summary(spent, redact.text(str(err)), notices, progress)
    except recording.BadRecording as err:
        return _no_summary(brief, str(err), notices, progress)
    return synthesize.with_headlines(brief.model_copy(update={"summary": summary, "usage": brief.usage.add(summary.usage)}))


def _stories(articles: list[Article], guard: Guard) -> list[list[str]]:
    """The week's stories, decided from the reports' words before any answer (article ids,
    the central one first); if grouping fails, every report is a story of its own."""
    return guard.run(
        "stories",
        "stories (each article is shown as a story of its own)",
        lambda: stories.by_id([stories.StoryInput(a.id, a.title, a.text, a.date) for a in articles]),
        lambda: [[a.id] for a in articles],
    )


def _link_story(
    extractions: list[ArticleExtraction], plan: _Plan, options: Options, budget: extract.TokenBudget, stop: _pool.Stop
) -> story_links.Linked:
    """One story's links: the model's validated answer, else the rules' with the reason (in the
    ids of the story's own merge, :func:`summarize.story_links.story_brief`)."""
    local = story_links.story_brief(extractions, plan.producer)
    items = link.story_items(local)[0]
    rules = link.links_in(local, items)

    def by_rule(reason: str) -> story_links.Linked:
        return story_links.Linked(local, rules.model_copy(update={"info": rules.info.model_copy(update={"reason": reason})}))

    ids = sorted(e.article.id for e in extractions)
    path = plan.link_cassette(ids)
    if budget.spent or stop.halted:
        return by_rule(stop.halted or "the token budget is spent")
    if plan.producer.kind == "replay" and not (path and path.is_file()):
        return by_rule("no recorded link answer for these articles (replay)")
    client = plan.client_for(next(e.article for e in extractions if e.article.id == ids[0]))  # type: ignore[arg-type]
    store = _cache(options, plan)
    if store is not None:
        client = store.client(f"links-{recording.summary_key(ids)}", client)  # type: ignore[assignment]
    try:
        return story_links.Linked(
            local, _recorded(plan, path, lambda: link.link_group(items, client, options.max_retries, hints_from=rules))
        )
    except recording.BadRecording as err:
        return by_rule(str(err))


def _no_summary(brief: Brief, why: str, notices: list[str], progress: Progress) -> Brief:
    """The brief without the summary it asked for, saying why (in its header and as a notice)."""
    _say(notices, progress, f"no summary: {why}")
    return _unanswered(brief, "summary", "the summary", why)


def _unanswered(brief: Brief, stage: str, what: str, why: str) -> Brief:
    problem = StageProblem(stage=stage, missing=what, reason=why)
    return brief.model_copy(update={"unanswered": [*brief.unanswered, problem]})


def _with_links(
    brief: Brief, answered: dict[str, story_links.Linked], options: Options, progress: Progress, notices: list[str]
) -> Brief:
    """The brief linked story by story: the model's validated answer for each story of two
    or more articles, else the rules' links (merge applied them already), with the reason,
    in the brief and as a notice."""
    if not options.link_model:
        return brief.model_copy(update={"linking": brief.linking.model_copy(update={"reason": "--no-link-model was given"})})

    def reason_for(ids: list[str]) -> str:
        return link.ONE_ARTICLE if len(ids) < 2 else "the story's link request was not answered (see Missing)"

    linked = story_links.apply(brief, answered, reason_for)
    reasons = [a.result.info.reason for a in answered.values() if a.result.info.made_by == "rule"]
    for reason in dict.fromkeys(reasons):
        _say(notices, progress, f"links by rule: {redact.text(reason)}")
        linked = _unanswered(linked, "links", "the model's links across articles (links by rule are shown)", redact.text(reason))
    return linked


def _extract_one(
    article: Article, plan: _Plan, options: Options, budget: extract.TokenBudget, store: cache.AnswerCache | None
) -> ArticleExtraction:
    client = plan.client_for(article)
    if store is not None:
        client = store.client(article.id, client)  # type: ignore[assignment]
    path = plan.cassette_for(article)
    workers = _workers(options, plan)
    return _recorded(
        plan, path, lambda: extract.extract_article(article, client, options.max_retries, options.chunk_chars, budget, workers)
    )


def _workers(options: Options, plan: _Plan) -> int:
    """Articles, and parts of one article, asked for at once: ``--concurrency`` on a live
    run; recording and replay go one at a time (vcrpy's cassettes patch the HTTP client
    for the whole process)."""
    return options.concurrency if plan.producer.kind == "live" else 1


def _article_threads(options: Options, workers: int) -> int:
    """Articles under way at once: the request slots (``workers``) and as many again, so that
    when an answer comes back the next article's request is already built and takes the freed
    slot at once.  Building a request and checking an answer take the interpreter in turn;
    with one thread a slot, a slot stays idle while its thread checks the answer it got and
    builds the next request.  Not with ``--max-tokens``: an article started waits with its
    request built, and would send it after the budget was spent."""
    if workers <= 1 or options.max_tokens is not None:
        return workers
    return 2 * workers


def _recorded(plan: _Plan, path: Path | None, call: Callable[[], T]) -> T:
    """``call()``, inside the cassette at ``path`` (recording or replaying) when there is one."""
    if path is None:
        return call()
    with recording.cassette(path, record=plan.record, writes=plan.writes):
        return call()
