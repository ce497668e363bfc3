"""``summarize batch``: submit a folder's extraction requests to the Batch API, follow the
batch, collect its answers and brief.  Thin, like :mod:`summarize.cli` (which registers it):
parse flags, call :mod:`summarize.extract.batch`, print."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from summarize.console import error_console, printable

from summarize.defaults import (
    DEFAULT_CHUNK_CHARS,
    DEFAULT_MAX_OUTPUT_TOKENS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MODEL,
    DEFAULT_TIMEOUT,
    DEFAULT_TRANSPORT_RETRIES,
    MIN_CHUNK_CHARS,
)

if TYPE_CHECKING:  # imported by each command: `summarize --help` needs none of them
    from summarize.extract import batch

ONLINE_AFTERWARDS = (
    "The answers are checked as live ones are; what fails (an error line, an answer that does not pass "
    "its checks or was cut off, a line missing) is sent online by the brief that follows, with reasks as "
    "usual. Gleaning requests (they depend on the first answer), links and the summary go online too."
)
batch_app = typer.Typer(
    help=(
        "The Batch API (OpenAI; vLLM's router with /v1/files and /v1/batches): half price, no rate limits, "
        "answers within 24 hours. `batch submit DIR` sends every article's extraction requests as one batch; "
        "`batch status` follows it; `batch collect` stores its answers and briefs. " + ONLINE_AFTERWARDS
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)

JOB_OWNED = (
    "--model", "-m", "--mode", "--base-url", "--chunk-chars", "--max-retries", "--max-output-tokens", "--recursive", "-r",
    "--since", "--until", "--week", "--dated-only", "--cache-dir", "--no-cache", "--record", "--replay", "--offline",
    "--cassettes", "--dry-run",
)
"""Flags of ``brief`` that the job fixed at submit: a different value would miss its answers."""
BATCH = "summarize.batch"
"""Where collect hands ``brief`` the batch its answers came from (in the click context's ``obj``)."""


class Mode(str, Enum):
    tools = "tools"
    json_schema = "json_schema"
    md_json = "md_json"


CacheDir = Annotated[
    Optional[Path], typer.Option(help="The answer cache, where jobs live under batches/ [default: $SUMMARIZE_CACHE_DIR, else ~/.cache/summarize].")
]
BaseUrl = Annotated[Optional[str], typer.Option(help="The endpoint [default: the job's; give it again when its URL carried credentials, which are never stored].")]
JobId = Annotated[Optional[str], typer.Argument(help="The batch id [default: the latest job submitted].", show_default=False)]


def _fail(message: object, code: int | None = None) -> typer.Exit:
    from summarize import cli

    error_console().print(f"error: {printable(message)}", style="bold red")
    return typer.Exit(cli.EXIT_ERROR if code is None else code)


def _cache(cache_dir: Path | None) -> Path:
    from summarize.extract.cache import default_dir as default_cache_dir

    return cache_dir or default_cache_dir(os.environ)


@batch_app.command(
    help=(
        "Write the first extraction request of every part of every article in FOLDER (in the window) as JSONL, "
        "upload it (/v1/files), create the batch (/v1/batches) and keep the job in CACHE_DIR/batches/<batch id>/. "
        "Each line's custom_id is <article id>:p<part>:<prompt version>; its body is exactly the request a live "
        "run sends. Requests whose answers are already in the cache are not submitted. Prints the batch id. "
        "Exit codes: 0 submitted; 2 nothing submitted (bad flags, nothing to send, no Batch API at the endpoint)."
    )
)
def submit(
    folder: Annotated[Path, typer.Argument(help="Folder of articles (.txt, .md, .html, .htm).", show_default=False)],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Also read articles in sub-folders.")] = False,
    model: Annotated[Optional[str], typer.Option("--model", "-m", help=f"Model name at the endpoint [default: $SUMMARIZE_MODEL, else model in the config file, else {DEFAULT_MODEL}].")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="OpenAI-compatible endpoint with a Batch API [default: $OPENAI_BASE_URL, else base_url in the config file, else OpenAI].")] = None,
    mode: Annotated[Optional[Mode], typer.Option(help="How the schema is requested, as for `summarize brief` [default: tools].")] = None,
    max_retries: Annotated[int, typer.Option(min=0, max=10, help="Reasks the online run allows (part of the cache key: collect's brief uses it).")] = DEFAULT_MAX_RETRIES,
    max_output_tokens: Annotated[int, typer.Option(min=64, help="Cap on one answer's max_tokens, as for `summarize brief`.")] = DEFAULT_MAX_OUTPUT_TOKENS,
    chunk_chars: Annotated[int, typer.Option(min=MIN_CHUNK_CHARS, help="Longest text in one request; longer articles are split into parts, one line each.")] = DEFAULT_CHUNK_CHARS,
    since: Annotated[Optional[str], typer.Option(help="Only articles dated on or after this day (YYYY-MM-DD).", show_default=False)] = None,
    until: Annotated[Optional[str], typer.Option(help="Only articles dated on or before this day (YYYY-MM-DD).", show_default=False)] = None,
    week: Annotated[Optional[str], typer.Option(help="Only articles dated in this ISO week, e.g. 2024-W44.", show_default=False)] = None,
    dated_only: Annotated[bool, typer.Option("--dated-only", help="Leave out articles with no date.")] = False,
    cache_dir: CacheDir = None,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for the upload and the batch's creation.")] = DEFAULT_TIMEOUT,
    retries: Annotated[int, typer.Option(min=0, max=20, help="Retries of each call to the batch endpoints.")] = DEFAULT_TRANSPORT_RETRIES,
) -> None:
    from summarize import cli, pipeline
    from summarize.extract import batch
    from summarize.extract.batch_client import BatchError
    from summarize.sources.window import WindowError, make_window

    try:
        window = make_window(since, until, week)
    except WindowError as problem:
        raise _fail(problem) from None
    scope = {"folder": folder, "recursive": recursive, "window": window, "dated_only": dated_only}
    asked = {"model": model, "mode": mode.value if mode else None, "base_url": base_url, "max_retries": max_retries}
    limits = {"chunk_chars": chunk_chars, "max_output_tokens": max_output_tokens, "timeout": timeout, "transport_retries": retries}
    options = pipeline.Options(**scope, **asked, **limits, cache_dir=_cache(cache_dir))  # type: ignore[arg-type]
    try:
        done = batch.submit(options, {"since": since, "until": until, "week": week})
    except (pipeline.ConfigError, BatchError, batch.JobError) as problem:
        raise _fail(problem) from None
    err = error_console()
    for message in done.notices:
        err.print(printable(message))
    job = done.job
    articles = len({line.article for line in job.lines.values()})
    cached = f"; {done.cached} request(s) already answered in the cache were not submitted" if done.cached else ""
    err.print(
        printable(
            f"submitted batch {job.batch_id}: {len(job.lines)} request(s) for {articles} of {done.articles} article(s){cached}. "
            f"The job is kept in {job.folder_path}. Next: `summarize batch status {job.batch_id}`, then "
            f"`summarize batch collect {job.batch_id} --out brief.md`."
        )
    )
    if job.credentials_left_out:
        err.print("the base URL's credentials were not stored: give --base-url again to status and collect")
    typer.echo(printable(job.batch_id))


@batch_app.command(
    help="Show the batch's status, its request counts (total, completed, failed), when it was created and expires, and what to do next. Exit codes: 0 read; 2 no such job, or the endpoint could not be read."
)
def status(job_id: JobId = None, cache_dir: CacheDir = None, base_url: BaseUrl = None) -> None:
    from summarize import cli
    from summarize.extract import batch
    from summarize.extract.batch_client import BatchError

    try:
        job = batch.find(_cache(cache_dir), job_id)
        state = batch.status(job, batch.endpoint_for(job, os.environ, base_url))
    except (batch.JobError, BatchError) as problem:
        raise _fail(problem) from None
    rows = [
        ("batch", job.batch_id),
        ("status", state.status),
        ("requests", state.counted()),
        ("created", state.time("created_at") or "not reported"),
        ("expires", state.time("expires_at") or "not reported"),
        ("folder", job.folder),
        ("next", _next_step(job, state)),
    ]
    for name, value in rows:
        typer.echo(f"{name:<9} {printable(value)}")


def _next_step(job: batch.Job, state: batch.BatchState) -> str:
    if state.running:
        return f"wait, then `summarize batch collect {job.batch_id}` (or collect --wait)"
    if state.status == "failed":
        return "the batch failed: " + ("; ".join(state.errors) or "no reason given") + "; fix it and submit again"
    return f"`summarize batch collect {job.batch_id} --out brief.md` stores the answers and briefs"


@batch_app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    help=(
        "Download the batch's output and error files, check every answer as a live one is checked, store those "
        "that pass in the answer cache, then brief the job's folder with its settings: exactly `summarize brief`, "
        "which finds the stored answers and sends only the rest online. " + ONLINE_AFTERWARDS + " "
        "Any other option after the job id goes to `summarize brief` (--out, --format, --history, --no-history, "
        "--compare-to, --no-summary, --no-link-model, --timeout, --retries, --max-tokens, --quiet; see "
        "`summarize brief --help`); the flags the job fixed at submit (--model, --mode, --chunk-chars, the window…) "
        "cannot be changed here. An interrupted collect resumes where it stopped: files already downloaded and "
        "answers already stored are kept in the job's folder and the cache. "
        "Exit codes: those of `summarize brief`; 1 also when the batch is not finished yet (nothing collected); "
        "2 when it failed, expired or was cancelled (the answers that came back are stored first), or when the job's job.json cannot be used (named with the field)."
    ),
)
def collect(
    ctx: typer.Context,
    job_id: JobId = None,
    cache_dir: CacheDir = None,
    base_url: BaseUrl = None,
    wait: Annotated[bool, typer.Option("--wait", help="Until the batch is finished, read its status every --poll-interval seconds.")] = False,
    poll_interval: Annotated[float, typer.Option(min=0.01, max=3600, help="Seconds between status reads with --wait.")] = 60.0,
) -> None:
    import typer.main

    from summarize import cli
    from summarize.extract import batch
    from summarize.extract.batch_client import BatchError

    extra = list(ctx.args)
    if job_id is not None and job_id.startswith("-"):
        job_id, extra = None, [job_id, *extra]  # an option of brief's, not a job id
    owned = sorted({a.split("=", 1)[0] for a in extra} & set(JOB_OWNED))
    if owned:
        raise _fail(f"{', '.join(owned)}: fixed by the batch job at submit (the answers were asked with it); submit again to change it")
    err = error_console()
    try:
        job = batch.find(_cache(cache_dir), job_id)
        got = batch.collect(
            job,
            batch.endpoint_for(job, os.environ, base_url),
            wait=wait,
            poll_interval=poll_interval,
            on_status=lambda state: err.print(
                printable(f"batch {job.batch_id}: {state.status}, {state.counted()}; reading its status again in {poll_interval:g} s")
            ),
        )
    except batch.NotFinished as problem:
        raise _fail(f"{problem}; run again later, or add --wait", cli.EXIT_PARTIAL) from None
    except (batch.JobError, BatchError) as problem:
        raise _fail(problem) from None
    except KeyboardInterrupt:
        err.print("\ninterrupted: what was collected so far is kept; run the same command again to resume")
        raise typer.Exit(cli.EXIT_INTERRUPTED) from None
    _report(got, err)
    if got.ended:
        raise _fail(
            f"batch {job.batch_id} {got.state.status} ({got.state.counted()}): the answers that came back are stored; "
            f"`summarize batch submit {job.folder}` with the same flags sends the rest as a new batch, "
            "or `summarize brief` sends them online"
        )
    command = typer.main.get_command(cli.app).commands["brief"]  # type: ignore[attr-defined]
    with command.make_context("summarize brief", [*_brief_args(job, base_url), *extra], obj={BATCH: batch.used(got)}) as brief_ctx:
        command.invoke(brief_ctx)


def _report(got: batch.Collected, err) -> None:
    from summarize import cli

    if got.cleaned:
        err.print(printable(got.cleaned))
    err.print(
        printable(
            f"batch {got.job.batch_id}: {got.stored} answer(s) stored in the cache by this collect, "
            f"{len(got.online)} request(s) left for the online run{_odd_lines(got)}; the batch's answers used "
            f"{got.prompt_tokens:,} prompt and {got.completion_tokens:,} completion tokens (billed by the batch; "
            "the brief's usage line shows them apart from the online requests')"
        )
    )
    for path, why in got.online:
        err.print(f"      online: {printable(path)}: {printable(why)}")
    for count, what, ids in (
        (len(got.unknown), "line(s) with a custom_id this job did not submit, not used", got.unknown),
        (len(got.duplicated), "custom_id(s) answered by more than one line", [f"{cid} ×{n}" for cid, n in got.duplicated.items()]),
        (len(got.unreadable), "line(s) that are not a JSON object with a custom_id, not used", got.unreadable),
    ):
        if count:
            shown = ", ".join(ids[:5]) + (f" and {count - 5} more" if count > 5 else "")
            err.print(printable(f"batch {got.job.batch_id}: {count} {what}: {shown}"))


def _odd_lines(got: batch.Collected) -> str:
    counts = [(len(got.unknown), "unknown custom_id(s)"), (len(got.duplicated), "duplicated custom_id(s)"), (len(got.unreadable), "unreadable line(s)")]
    said = ", ".join(f"{n} {what}" for n, what in counts if n)
    return f" (the batch's files held {said})" if said else ""


def _brief_args(job: batch.Job, base_url: str | None) -> list[str]:
    args = [job.folder, "--model", job.model, "--mode", job.mode, "--chunk-chars", str(job.chunk_chars)]
    args += ["--max-retries", str(job.max_retries), "--max-output-tokens", str(job.max_output_tokens), "--cache-dir", job.cache_dir]
    url = base_url or job.base_url
    args += ["--base-url", url] if url else []
    args += ["--recursive"] if job.recursive else []
    args += ["--dated-only"] if job.dated_only else []
    for flag, value in (("--since", job.since), ("--until", job.until), ("--week", job.week)):
        args += [flag, value] if value else []
    return args
