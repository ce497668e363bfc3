"""Batch API jobs: the folder's extraction requests sent as one batch, and its answers
stored where a live run looks for them first.

* :func:`submit` builds, for every article in scope and every part of it, the first
  request a live run would send (:func:`summarize.extract.article.first_requests`, the body
  taken from the live path itself, :func:`summarize.extract.batch_client.request_body`).
  A request whose answer is already in the answer cache is not submitted.  The requests
  go up as one JSONL file; the job (batch id, settings, which line is which article's
  part) is kept in ``<cache dir>/batches/<batch id>/``.
* :func:`status` reads the batch.
* :func:`collect` downloads the batch's output and error files into the job's folder,
  then takes each line by its ``custom_id``: the answer goes through the live path's
  checks (refusal, cut-off, parsing, the schema, the reask validators), and an answer
  that passes is stored in the answer cache under the key of the live request.  What is
  not stored (an error line, an answer that fails a check, a line missing) is left for
  the ordinary run that follows, which sends exactly those online, with reasks, splitting
  and gleaning as usual.  Progress is kept as it goes (each file once downloaded, each
  line's outcome appended to ``collected.jsonl``), so an interrupted collect resumes.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, ValidationError, model_validator

from summarize import pipeline, redact
from summarize.extract import article as extract
from summarize.extract import batch_files, cache
from summarize.extract.batch_client import ENDPOINT, BatchEndpoint, BatchError, Replay, replaying, request_body
from summarize.extract.chunks import MIN_CHUNK_CHARS
from summarize.extract.llm import Mode, ModelError, ModelSettings
from summarize.extract.prompting import template_version
from summarize.files import orphans_note, write_atomically
from summarize.models import Article, BatchUse
from summarize.sources.window import make_window

CUSTOM_ID_LIMIT = 64
"""OpenAI's limit on a line's ``custom_id``."""
RUNNING = {"validating", "in_progress", "finalizing", "cancelling", "pending", "running", "queued"}
ENDED = {"expired", "cancelled", "canceled"}
"""Stopped before every request was run: the answers that came back are still good."""


class JobError(Exception):
    """Nothing can be done as asked; the message says what to change."""


class NotFinished(JobError):
    def __init__(self, message: str, state: "BatchState"):
        super().__init__(message)
        self.state = state


class Line(BaseModel):
    article: str
    path: str
    part: int = Field(ge=0)


CustomId = Annotated[str, Field(min_length=1, max_length=CUSTOM_ID_LIMIT)]


class Job(BaseModel):
    """``job.json``: the settings within the bounds of ``submit``'s flags, so that a file edited
    out of them is refused by name, never run."""

    batch_id: str = Field(min_length=1)
    input_file_id: str = Field(min_length=1)
    endpoint: str = ENDPOINT
    base_url: str | None
    """Without credentials (``--base-url`` gives them again at collect)."""
    credentials_left_out: bool = False
    model: str
    mode: Mode
    folder: str
    recursive: bool = False
    since: str | None = None
    until: str | None = None
    week: str | None = None
    dated_only: bool = False
    chunk_chars: int = Field(ge=MIN_CHUNK_CHARS)
    max_retries: int = Field(ge=0, le=10)
    max_output_tokens: int = Field(ge=64)
    cache_dir: str = Field(min_length=1)
    submitted_at: str
    prompt_version: str
    lines: dict[CustomId, Line]
    """custom_id → the article part it asks about."""

    @model_validator(mode="after")
    def _window_readable(self) -> "Job":
        make_window(self.since, self.until, self.week)  # a WindowError is a ValueError: the file is refused
        return self

    @property
    def folder_path(self) -> Path:
        return job_dir(Path(self.cache_dir), self.batch_id)

    def options(self, base_url: str | None = None) -> pipeline.Options:
        return pipeline.Options(
            folder=Path(self.folder),
            recursive=self.recursive,
            model=self.model,
            mode=self.mode,
            base_url=base_url or self.base_url,
            max_retries=self.max_retries,
            chunk_chars=self.chunk_chars,
            max_output_tokens=self.max_output_tokens,
            cache_dir=Path(self.cache_dir),
            window=make_window(self.since, self.until, self.week),
            dated_only=self.dated_only,
        )


def custom_id(article_id: str, part: int, version: str | None = None) -> str:
    """``<article id>:p<part>:<extract prompt version>``, e.g. ``d65e5dc1fb20acba:p0:extract-2``."""
    version = re.sub(r"[^A-Za-z0-9._-]", "-", version or template_version("extract.j2"))
    found = f"{article_id}:p{part}:{version}"
    if len(found) > CUSTOM_ID_LIMIT:
        raise JobError(f"custom_id {found!r} is longer than the Batch API's {CUSTOM_ID_LIMIT} characters")
    return found


def job_dir(cache_dir: Path, batch_id: str) -> Path:
    return cache_dir / "batches" / re.sub(r"[^A-Za-z0-9_.-]", "_", batch_id)


# --------------------------------------------------------------------------- submit


@dataclass
class Submitted:
    job: Job
    articles: int
    cached: int
    """Requests not submitted: their answers are in the cache already."""
    notices: list[str]


def submit(
    options: pipeline.Options,
    window: Mapping[str, str | None],
    env: Mapping[str, str] | None = None,
) -> Submitted:
    """Raises :class:`pipeline.ConfigError` (nothing to send, no endpoint) or :class:`BatchError`."""
    env = os.environ if env is None else env
    api_key, base_url, mode, model = pipeline.endpoint(options, env)
    if not (api_key or base_url):
        raise pipeline.ConfigError("the Batch API needs a configured endpoint. " + pipeline.SETUP_HELP)
    if options.cache_dir is None:
        raise pipeline.ConfigError("batch answers are kept in the answer cache: give --cache-dir")
    loaded, chosen = pipeline.in_scope(options)
    notices = loaded.messages()
    if chosen.window and chosen.window.outside:
        notices.append(f"{chosen.window.outside} article(s) dated outside {chosen.window.label} are left out")
    store = pipeline.answer_cache(options, model, mode, redact.host(base_url))
    settings = ModelSettings(model=model, mode=mode, base_url=base_url, api_key="batch", max_output_tokens=options.max_output_tokens)  # type: ignore[arg-type]
    lines: dict[str, Line] = {}
    jsonl: list[str] = []
    cached = 0
    for article in loaded.articles:
        for request in extract.first_requests(article, options.chunk_chars):
            cid = custom_id(article.id, request.index)
            if cid in lines:
                continue  # the same text twice: one request answers both
            if _stored(store, article, request, options.max_retries):
                cached += 1
                continue
            body = request_body(settings, lambda client: extract.ask_first(client, request, options.max_retries))
            lines[cid] = Line(article=article.id, path=article.path, part=request.index)
            jsonl.append(json.dumps({"custom_id": cid, "method": "POST", "url": ENDPOINT, "body": body}, ensure_ascii=False) + "\n")
    if not lines:
        raise pipeline.ConfigError(
            f"nothing to submit: every request of the {len(loaded.articles)} article(s) in scope has its answer "
            "in the cache; run `summarize brief` with the same flags"
        )
    data = "".join(jsonl).encode("utf-8")
    client = BatchEndpoint(base_url, api_key, options.timeout, options.transport_retries)
    uploaded = client.upload(data, "summarize-batch.jsonl")
    batch = client.create(uploaded["id"])
    shown_url = redact.url(base_url) if base_url else None
    job = Job(
        batch_id=batch["id"],
        input_file_id=uploaded["id"],
        base_url=shown_url,
        credentials_left_out=bool(base_url and shown_url != base_url),
        model=model,
        mode=mode,
        folder=str(options.folder.resolve()),
        recursive=options.recursive,
        dated_only=options.dated_only,
        chunk_chars=options.chunk_chars,
        max_retries=options.max_retries,
        max_output_tokens=options.max_output_tokens,
        cache_dir=str(options.cache_dir.resolve()),
        submitted_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        prompt_version=template_version("extract.j2"),
        lines=lines,
        **{k: v for k, v in window.items() if k in ("since", "until", "week")},
    )
    job.folder_path.mkdir(parents=True, exist_ok=True)
    (job.folder_path / "input.jsonl").write_bytes(data)
    write_atomically(job.folder_path / "job.json", job.model_dump_json(indent=1))
    return Submitted(job, len(loaded.articles), cached, notices)


def _stored(store: cache.AnswerCache, article: Article, request: extract.PartRequest, max_retries: int) -> bool:
    try:
        extract.ask_first(store.client(article.id, None, offline=True), request, max_retries)  # type: ignore[arg-type]
    except cache.Miss:
        return False
    return True


# --------------------------------------------------------------------------- jobs and status


def find(cache_dir: Path, batch_id: str | None = None) -> Job:
    """The job of ``batch_id``, else the latest submitted one; a job file that cannot be read
    is named with its field, when it is the one asked for or newer than every readable one."""
    folder = cache_dir / "batches"
    if batch_id is not None:
        path = job_dir(cache_dir, batch_id) / "job.json"
        if not path.is_file():
            known = ", ".join(j.batch_id for _, j in _jobs(folder)[0]) or "none"
            raise JobError(f"no batch job {batch_id!r} in {folder} (jobs there: {known})")
        return _read(path)
    jobs, unreadable = _jobs(folder)
    latest = max(jobs, key=lambda found: found[1].submitted_at, default=None)
    newest = _mtime(latest[0]) if latest else float("-inf")
    for path, problem in unreadable:
        if _mtime(path) >= newest:
            raise JobError(f"{problem}; give the batch id of another job, or remove {path.parent}")
    if latest is None:
        raise JobError(f"no batch job in {folder}: submit one with `summarize batch submit DIR`")
    return latest[1]


def _jobs(folder: Path) -> tuple[list[tuple[Path, Job]], list[tuple[Path, str]]]:
    """(path, job) of the readable jobs, and (path, why) of each job file that is not."""
    jobs, unreadable = [], []
    for path in sorted(folder.glob("*/job.json")):
        try:
            jobs.append((path, _read(path)))
        except JobError as err:
            unreadable.append((path, str(err)))
    return jobs, unreadable


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("-inf")


def _read(path: Path) -> Job:
    try:
        return Job.model_validate_json(path.read_bytes())
    except ValidationError as err:
        raise JobError(f"the batch job {path} cannot be used: {batch_files.problem(err)}") from err
    except OSError as err:
        raise JobError(f"the batch job {path} cannot be read: {err.strerror or err}") from err


@dataclass
class BatchState:
    """A batch as the endpoint reports it, in OpenAI's and vLLM's shapes alike."""

    raw: dict

    @property
    def status(self) -> str:
        return str(self.raw.get("status") or "unknown")

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def counts(self) -> tuple[int | None, int | None, int | None]:
        """Requests total, completed and failed (``request_counts``, or vLLM's ``*_requests``)."""
        counts = self.raw.get("request_counts")
        if isinstance(counts, dict):
            return counts.get("total"), counts.get("completed"), counts.get("failed")
        return tuple(self.raw.get(f"{k}_requests") for k in ("total", "completed", "failed"))  # type: ignore[return-value]

    def time(self, name: str) -> str | None:
        value = self.raw.get(name)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None
        return datetime.fromtimestamp(value, timezone.utc).isoformat(timespec="seconds")

    @property
    def errors(self) -> list[str]:
        found = (self.raw.get("errors") or {}).get("data") if isinstance(self.raw.get("errors"), dict) else None
        return [str(e.get("message") or e.get("code")) for e in found or [] if isinstance(e, dict)]

    def counted(self) -> str:
        total, done, failed = self.counts
        if total is None:
            return "request counts not reported"
        return f"{done or 0} of {total} requests done, {failed or 0} failed"


def endpoint_for(job: Job, env: Mapping[str, str], base_url: str | None, timeout: float = 60.0, retries: int = 2) -> BatchEndpoint:
    if job.credentials_left_out and not base_url:
        raise JobError("the job's base URL had credentials, which were not stored: give --base-url again")
    if base_url and redact.host(base_url) != redact.host(job.base_url):
        raise JobError(f"--base-url names {redact.host(base_url)}, but the batch was submitted to {redact.host(job.base_url)}")
    return BatchEndpoint(base_url or job.base_url or env.get("OPENAI_BASE_URL"), env.get("OPENAI_API_KEY"), timeout, retries)


def status(job: Job, client: BatchEndpoint) -> BatchState:
    return BatchState(client.retrieve(job.batch_id))


# --------------------------------------------------------------------------- collect


@dataclass
class Collected:
    job: Job
    state: BatchState
    stored: int = 0
    """Answers stored by this collect (earlier collects' not counted)."""
    online: list[tuple[str, str]] = field(default_factory=list)
    """(article path, why) for each request left for the online run."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    unknown: list[str] = field(default_factory=list)
    """custom_ids in the batch's files that the job did not submit (their lines are not used)."""
    duplicated: dict[str, int] = field(default_factory=dict)
    """custom_id → how many lines of the batch's files answered it."""
    unreadable: list[str] = field(default_factory=list)
    """``file:line`` of the lines that are not a JSON object with a custom_id."""
    cleaned: str | None = None
    """What was said of the temporary files an interrupted collect left in the job's folder."""
    lines: int = 0
    """Lines of the batch's output and error files (answers and errors)."""

    @property
    def ended(self) -> bool:
        return self.state.status in ENDED


def used(got: Collected) -> BatchUse:
    """What a brief says of the batch it was made from."""
    return BatchUse(batch_id=got.job.batch_id, requests=got.lines, prompt_tokens=got.prompt_tokens, completion_tokens=got.completion_tokens)


def collect(
    job: Job,
    client: BatchEndpoint,
    wait: bool = False,
    poll_interval: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    on_status: Callable[[BatchState], None] = lambda state: None,
) -> Collected:
    """Raises :class:`NotFinished` while the batch runs (unless ``wait``), :class:`JobError`
    when it failed; an expired or cancelled batch's answers are collected (``ended``).
    With ``wait``, ``on_status`` is told each status read while the batch runs."""
    state = status(job, client)
    while state.running and wait:
        on_status(state)
        sleep(poll_interval)
        state = status(job, client)
    if state.running:
        raise NotFinished(f"batch {job.batch_id} is not finished: {state.status}, {state.counted()}", state)
    if state.status == "failed":
        why = "; ".join(state.errors) or "the endpoint gave no reason"
        raise JobError(f"batch {job.batch_id} failed: {why}")
    if state.status != "completed" and state.status not in ENDED:
        raise JobError(f"batch {job.batch_id} has an unknown status {state.status!r}")
    folder = job.folder_path
    cleaned = orphans_note(folder)
    for name, key in (("output.jsonl", "output_file_id"), ("errors.jsonl", "error_file_id")):
        file_id = state.raw.get(key)
        if isinstance(file_id, str) and file_id and not (folder / name).is_file():
            client.download(file_id, folder / name)
    found = _take_all(job, state)
    found.cleaned = cleaned
    return found


def _take_all(job: Job, state: BatchState) -> Collected:
    folder = job.folder_path
    done = {line.custom_id: line.online for line in batch_files.valid(folder / "collected.jsonl", batch_files.Outcome)}
    found = batch_files.answers([folder / "output.jsonl", folder / "errors.jsonl"], job.lines)
    submitted = {line.custom_id: line.body for line in batch_files.valid(folder / "input.jsonl", batch_files.InputLine)}
    options = job.options()
    store = pipeline.answer_cache(options, job.model, job.mode, redact.host(job.base_url))
    articles = {a.id: a for a in _articles(options)}
    settings = ModelSettings(model=job.model, mode=job.mode, base_url=None, api_key="batch", max_output_tokens=job.max_output_tokens)
    requests: dict[str, list[extract.PartRequest]] = {}
    """Each article's first requests, made when its first line is taken."""
    out = Collected(
        job, state, prompt_tokens=found.prompt_tokens, completion_tokens=found.completion_tokens,
        lines=len(found.lines) + len(found.bad),
    )
    out.unknown, out.duplicated, out.unreadable = found.unknown, found.duplicated, found.unreadable
    with open(folder / "collected.jsonl", "a", encoding="utf-8") as log:
        for cid, where in job.lines.items():
            if cid in done:
                if done[cid]:
                    out.online.append((where.path, done[cid]))  # type: ignore[arg-type]
                continue
            if cid in found.lines:
                article = articles.get(where.article)
                if article is not None and article.id not in requests:
                    requests[article.id] = extract.first_requests(article, job.chunk_chars)  # once per article, not per part
                why = _take(found.lines[cid], where, article, requests.get(where.article, []), submitted.get(cid), store, settings, job)
            elif cid in found.bad:
                why = found.bad[cid]
            else:
                why = "no answer in the batch's files" + (f" (the batch {state.status})" if state.status in ENDED else "")
            out.stored += why is None
            if why:
                out.online.append((where.path, why))
            log.write(json.dumps({"custom_id": cid, "online": why}, ensure_ascii=False) + "\n")
            log.flush()
            os.fsync(log.fileno())
    return out


def _take(
    line: batch_files.OutputLine,
    where: Line,
    article: Article | None,
    requests: list[extract.PartRequest],
    submitted: dict | None,
    store: cache.AnswerCache,
    settings: ModelSettings,
    job: Job,
) -> str | None:
    """Why this line's answer is not stored (None: it is)."""
    body = line.answer
    if body is None:
        return f"the batch answered with an error: {line.error_text()}"
    if article is None:
        return "the article is no longer in the folder, or has changed"
    if submitted is None or where.part >= len(requests):
        return "the request is not in the job's input file"
    replay = Replay(submitted, body)
    try:
        extract.ask_first(store.client(article.id, replaying(settings, replay)), requests[where.part], job.max_retries)
    except ModelError as err:
        if replay.changed:
            return "the request changed since it was submitted (a prompt, the model or a setting)"
        if replay.reasked:
            return "its answer did not pass the checks (online, it is reasked)"
        return redact.text(str(err))
    return None


def _articles(options: pipeline.Options) -> list[Article]:
    try:
        return pipeline.in_scope(options)[0].articles
    except pipeline.ConfigError:
        return []


__all__ = ["BatchError", "Collected", "Job", "JobError", "NotFinished", "collect", "custom_id", "find", "status", "submit"]
