"""Command line: parse flags, call the library, print.  Exit codes come from here only."""

from __future__ import annotations

import time

STARTED = time.monotonic()
"""When the command started (as near as this module can tell): the progress bar's elapsed
time counts from here, not from when the bar appears."""

import gc
import logging
import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

# Only what every command needs is imported here: the modules that do the work (the
# pipeline, the model client, the renderers) are imported by the command that uses them,
# so that `summarize --help`, `summarize history` and a dry run start at once.
from summarize import redact
from summarize.cli_batch import BATCH, batch_app
from summarize.cli_fetch import fetch as fetch_command
from summarize.cli_history import HISTORY_FILE_HELP, history_app
from summarize.console import error_console, printable
from summarize.defaults import (
    DEFAULT_CHUNK_CHARS,
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_OUTPUT_TOKENS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MODEL,
    DEFAULT_TIMEOUT,
    DEFAULT_TOP,
    DEFAULT_TRANSPORT_RETRIES,
    MIN_CHUNK_CHARS,
)
from summarize.files import unwritable, write_atomically, write_fallback
from summarize.render import escape

if TYPE_CHECKING:
    from summarize import pipeline

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_ERROR = 2
EXIT_NOT_WRITTEN = 3
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = (
    f"Exit codes: {EXIT_OK} every article summarised; {EXIT_PARTIAL} brief written but some "
    f"articles failed (see its 'Failed articles' section; files that are not articles, under 'Skipped files', "
    "do not count) or a stage after extraction failed "
    f"(its header says what is missing); {EXIT_ERROR} nothing produced "
    "(bad flags, no model and no recordings, an endpoint that cannot be reached, every article failed, "
    "or no item passed its checks); "
    f"{EXIT_NOT_WRITTEN} the brief was made but --out could not be written (a full or read-only disk): it went to "
    "the file in the temporary folder named on stderr, or to stdout."
)

app = typer.Typer(
    help="Structured, quote-grounded briefings from folders of news articles.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
app.add_typer(batch_app, name="batch")
app.add_typer(history_app, name="history")
app.command(name="fetch")(fetch_command)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("summarize")
        except PackageNotFoundError:  # run from a source tree that was never installed
            number = "unknown (not installed)"
        typer.echo(f"summarize {number}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Options before the command."""


class Mode(str, Enum):
    tools = "tools"
    json_schema = "json_schema"
    md_json = "md_json"


class Format(str, Enum):
    md = "md"
    json = "json"
    html = "html"


CONFIG_HELP = "the config file ($SUMMARIZE_CONFIG, else config.toml in the user config folder)"

PANEL_SCOPE = "Which articles"
PANEL_MODEL = "Model"
PANEL_LIMITS = "Limits"
PANEL_OUTPUT = "Output"
PANEL_CACHE = "Cache, recording and replay"
PANEL_HISTORY = "History"


FORMAT_OF_SUFFIX = {".md": Format.md, ".markdown": Format.md, ".txt": Format.md, ".json": Format.json, ".html": Format.html, ".htm": Format.html}


@app.command(
    help=(
        "Summarise every .txt, .md, .html and .pdf article in FOLDER into one cross-article brief: "
        "actors (with name variants merged), claims, figures and stances, each backed by a "
        "verbatim quote.\n\n"
        "The model is any OpenAI-compatible endpoint: OPENAI_API_KEY for OpenAI, or "
        "--base-url / OPENAI_BASE_URL for Ollama, vLLM or llama.cpp. With neither set, "
        "recorded answers are replayed when every article has one (the bundled seeds do); "
        "--replay replays them even when a model is configured.\n\n"
        + EXIT_CODES_HELP
    ),
)
def brief(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help="Folder of articles (.txt, .md, .html, .htm, .pdf).", show_default=False)],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Also read articles in sub-folders.", rich_help_panel=PANEL_SCOPE)] = False,
    model: Annotated[
        Optional[str],
        typer.Option("--model", "-m", help=f"Model name at the endpoint \\[default: $SUMMARIZE_MODEL, else model in {CONFIG_HELP}, else {DEFAULT_MODEL}; replay: the recorded one].", rich_help_panel=PANEL_MODEL),
    ] = None,
    base_url: Annotated[
        Optional[str],
        typer.Option(help=f"OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 \\[default: $OPENAI_BASE_URL, else base_url in {CONFIG_HELP}, else OpenAI].", rich_help_panel=PANEL_MODEL),
    ] = None,
    mode: Annotated[
        Optional[Mode],
        typer.Option(help="How the schema is requested: tool calls, a JSON schema response format, or JSON in Markdown \\[default: tools; replay: the recorded one].", rich_help_panel=PANEL_MODEL),
    ] = None,
    max_retries: Annotated[
        int, typer.Option(min=0, max=10, help="Reasks after an answer fails validation (e.g. a quote not in the article).", rich_help_panel=PANEL_MODEL)
    ] = DEFAULT_MAX_RETRIES,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for one model answer before giving up on it: retried against a hosted API; against a local server (localhost, a private address) not sent again, since the server is still working on it.", rich_help_panel=PANEL_MODEL)] = DEFAULT_TIMEOUT,
    retries: Annotated[
        int, typer.Option(min=0, max=20, help="Transport retries per request after a timeout, connection error, HTTP 408/409/429 or 5xx (exponential backoff, honouring Retry-After).", rich_help_panel=PANEL_MODEL)
    ] = DEFAULT_TRANSPORT_RETRIES,
    max_tokens: Annotated[
        Optional[int], typer.Option(min=1, help="Token budget for the whole run (prompt + completion, all requests): no new model call starts once it is spent; the brief lists the articles not processed. Not the length of one answer: see --max-output-tokens.", rich_help_panel=PANEL_LIMITS)
    ] = None,
    max_output_tokens: Annotated[
        int, typer.Option(min=64, help="Cap on the length of one answer: every request's max_tokens is derived from its schema and the length of its text, and never more than this. A cut-off answer splits a long text; on a short one it is reported as runaway output.", rich_help_panel=PANEL_LIMITS)
    ] = DEFAULT_MAX_OUTPUT_TOKENS,
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Live runs: requests in flight at once, across articles and the parts of long articles (threads). A 429 pauses them all until its Retry-After. --record and replay always go one request at a time (cassettes patch the HTTP client for the whole process).", rich_help_panel=PANEL_MODEL)
    ] = DEFAULT_CONCURRENCY,
    chunk_chars: Annotated[
        int, typer.Option(min=MIN_CHUNK_CHARS, help="Longest text sent in one request; longer articles are split into overlapping parts.", rich_help_panel=PANEL_LIMITS)
    ] = DEFAULT_CHUNK_CHARS,
    output_format: Annotated[
        Optional[Format],
        typer.Option("--format", "-f", help="md: Markdown; json: the brief as JSON, in the shape schemas/brief.schema.json publishes; html: one self-contained page with each quote highlighted in its article \\[default: from --out's extension (.md, .json, .html), else md].", rich_help_panel=PANEL_OUTPUT),
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the brief to this file instead of stdout.", rich_help_panel=PANEL_OUTPUT)] = None,
    record: Annotated[
        bool, typer.Option("--record", help="Call the configured model and save its answers as cassettes (CASSETTES/<folder name>/) for offline replay.", rich_help_panel=PANEL_CACHE)
    ] = False,
    replay: Annotated[
        bool, typer.Option("--replay", "--offline", help="Replay the recorded answers even when a model is configured (OPENAI_API_KEY set); no request leaves the machine.", rich_help_panel=PANEL_CACHE)
    ] = False,
    cassettes: Annotated[
        Optional[Path], typer.Option(help="Folder of recording sets \\[default: ./cassettes, then the recordings shipped with the package]. Without --record, the run replays from here even when a model is configured.", rich_help_panel=PANEL_CACHE)
    ] = None,
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="Keep each article's extraction from a live model and reuse it when the same command runs again (resume after an interruption).", rich_help_panel=PANEL_CACHE)
    ] = True,
    cache_dir: Annotated[
        Optional[Path], typer.Option(help="Where the cache lives \\[default: $SUMMARIZE_CACHE_DIR, else ~/.cache/summarize].", rich_help_panel=PANEL_CACHE)
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary/--no-summary", help="Ask the model for a short executive summary whose every sentence cites brief items.", rich_help_panel=PANEL_MODEL)
    ] = True,
    since: Annotated[
        Optional[str], typer.Option(help="Only articles dated on or after this day (YYYY-MM-DD); undated articles are kept and flagged.", show_default=False, rich_help_panel=PANEL_SCOPE)
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(help="Only articles dated on or before this day (YYYY-MM-DD, inclusive).", show_default=False, rich_help_panel=PANEL_SCOPE)
    ] = None,
    week: Annotated[
        Optional[str], typer.Option(help="Only articles dated in this ISO week, Monday to Sunday, e.g. 2024-W44.", show_default=False, rich_help_panel=PANEL_SCOPE)
    ] = None,
    dated_only: Annotated[
        bool, typer.Option("--dated-only", help="Leave out articles with no date (by default they are included and flagged).", rich_help_panel=PANEL_SCOPE)
    ] = False,
    history: Annotated[
        Optional[Path],
        typer.Option(
            "--history",
            help=f"{HISTORY_FILE_HELP} With a window, the brief is compared with the latest earlier brief saved there (\"Since the last brief\"), then saved.",
            show_default=False, rich_help_panel=PANEL_HISTORY,
        ),
    ] = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="Neither compare with nor save to the history.", rich_help_panel=PANEL_HISTORY)] = False,
    compare_to: Annotated[
        Optional[Path], typer.Option(help="Compare with this brief (written with --format json) instead of the history.", show_default=False, rich_help_panel=PANEL_HISTORY)
    ] = None,
    desk: Annotated[
        Optional[str], typer.Option(help="Keep this brief in the history under this desk name instead of its folder: it is compared only with earlier briefs of the same desk (or folder).", show_default=False)
    ] = None,
    link_model: Annotated[
        bool, typer.Option("--link-model/--no-link-model", help="Ask the model which items across articles are one entity, claim, quantity or issue, and which contradict (validated, reasked); with --no-link-model the deterministic rules alone decide.", rich_help_panel=PANEL_MODEL)
    ] = True,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Call nothing: list the articles in scope (after the window) with the requests and tokens each would cost, then exit.", rich_help_panel=PANEL_CACHE)
    ] = False,
    top: Annotated[
        int, typer.Option("--top", min=1, help="Stories shown in full (a section each) above the appendix: the leading ones by independent outlets and reports; every other story is one line under *More stories*.", rich_help_panel=PANEL_OUTPUT)
    ] = DEFAULT_TOP,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr (warnings are still printed). Progress is a bar (articles, requests, tokens, elapsed and remaining time) when stderr is a terminal, else one line per article.", rich_help_panel=PANEL_OUTPUT)] = False,
) -> None:
    from summarize import pipeline
    from summarize.extract.cache import default_dir as default_cache_dir
    from summarize.sources.window import WindowError, make_window
    from summarize.week.history import default_path as default_history_path

    err = error_console()
    if output_format is None:
        if out is not None and out.suffix and out.suffix.lower() not in FORMAT_OF_SUFFIX:
            known = ", ".join(sorted(FORMAT_OF_SUFFIX))
            err.print(f"error: --out {printable(out)}: the format cannot be told from {printable(out.suffix)} ({known}); give --format", style="bold red")
            raise typer.Exit(EXIT_ERROR)
        output_format = FORMAT_OF_SUFFIX.get(out.suffix.lower(), Format.md) if out else Format.md
    if out is not None and (problem := unwritable(out)):
        err.print(f"error: --out: {printable(problem)}", style="bold red")
        raise typer.Exit(EXIT_ERROR)
    try:
        chosen = make_window(since, until, week)
    except WindowError as problem:
        err.print(f"error: {printable(problem)}", style="bold red")
        raise typer.Exit(EXIT_ERROR) from None
    options = pipeline.Options(
        folder=folder,
        recursive=recursive,
        model=model,
        mode=mode.value if mode else None,
        base_url=base_url,
        max_retries=max_retries,
        timeout=timeout,
        transport_retries=retries,
        chunk_chars=chunk_chars,
        max_tokens=max_tokens,
        max_output_tokens=max_output_tokens,
        concurrency=concurrency,
        record=record,
        replay=replay,
        cassettes=cassettes,
        summary=summary,
        link_model=link_model,
        cache_dir=(cache_dir or default_cache_dir(os.environ)) if cache else None,
        window=chosen,
        dated_only=dated_only,
        history=None if no_history else (history or default_history_path(os.environ)),
        compare_to=compare_to,
        desk=desk,
        batch=ctx.obj.get(BATCH) if isinstance(ctx.obj, dict) else None,  # set by `batch collect`
    )
    if dry_run:
        try:
            planned = pipeline.dry_run(options)
        except pipeline.ConfigError as problem:
            err.print(f"error: {printable(problem)}", style="bold red")
            raise typer.Exit(EXIT_ERROR) from None
        for message in planned.notices:
            err.print(printable(message))
        sys.stdout.write(_dry_run_table(planned, max_retries))
        sys.stdout.flush()
        return
    try:
        if quiet:
            result = pipeline.brief_folder(options, progress=_warnings_only(err))
        elif err.is_terminal:
            from summarize import live_progress

            with live_progress.bar(err, _progress(err), STARTED) as shown:
                result = pipeline.brief_folder(options, progress=shown)
        else:
            result = pipeline.brief_folder(options, progress=_progress(err))
    except pipeline.ConfigError as problem:
        err.print(f"error: {printable(problem)}", style="bold red")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        kept = f" are kept in {printable(options.cache_dir)}" if options.cache_dir else " were not cached (--no-cache)"
        err.print(f"\ninterrupted: the articles finished so far{kept}; run the same command again to resume")
        raise typer.Exit(EXIT_INTERRUPTED) from None

    started = time.perf_counter()
    text = _rendered(result, output_format, top)
    pipeline.timing.debug("%.3f s rendering (%s)", time.perf_counter() - started, output_format.value)
    text = redact.masked(text)  # the configured key, wherever it came from, masked by as many characters
    if out is not None:
        try:
            write_atomically(out, text, shared=True)
        except OSError as problem:
            _not_written(err, out, text, problem)
        if not quiet:
            err.print(f"wrote {printable(out)}")
    elif output_format is Format.md and sys.stdout.isatty():
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    elif sys.stdout.isatty():
        sys.stdout.write(escape.terminal(text))
        sys.stdout.flush()
    else:
        sys.stdout.write(text)
        sys.stdout.flush()

    if not result.brief.articles or result.nothing_verified:
        raise typer.Exit(EXIT_ERROR)
    if result.brief.failed or result.brief.missing:
        raise typer.Exit(EXIT_PARTIAL)


def _rendered(result: pipeline.RunResult, output_format: Format, top: int) -> str:
    if output_format is Format.html:
        from summarize.render import html

        return html.to_html(result.brief, result.texts, top=top)
    if output_format is Format.json:
        from summarize.render import base

        return base.to_json(result.brief)
    from summarize.render import markdown

    return markdown.to_markdown(result.brief, top=top)


def _not_written(err: Console, out: Path, text: str, problem: OSError) -> None:
    """--out failed after the work was done: the brief goes to a file in the temporary
    folder (else stdout), named on stderr, and the exit code says so."""
    why = problem.strerror or type(problem).__name__
    fallback = write_fallback(text, out)
    if fallback is not None:
        where = f"it was written to {printable(fallback)} instead"
    else:
        sys.stdout.write(text if not sys.stdout.isatty() else escape.terminal(text))
        sys.stdout.flush()
        where = "nor could the temporary folder: it was written to stdout"
    err.print(f"error: --out {printable(out)} could not be written ({printable(why)}); {where}", style="bold red")
    raise typer.Exit(EXIT_NOT_WRITTEN)


def _extra_requests(planned: pipeline.DryRun) -> str:
    links = (
        f"{planned.link_requests:,} link request(s), one per story of two or more reports"
        if planned.link_requests
        else "no link request"
    )
    summary = "one summary request" if planned.summary_requests else "no summary request (--no-summary)"
    copies = f"; {planned.copies:,} copies of these articles are not sent" if planned.copies else ""
    return f"{links}, and {summary}{copies}"


def _dry_run_table(planned: pipeline.DryRun, max_retries: int) -> str:
    rows = [f"{'parts':>5} {'requests':>8} {'prompt tokens':>13} {'answer tokens':>13}  {'how':<6} article"]
    paid = [p for p in planned.articles if p.how == "model"]
    for p in planned.articles:
        c = p.cost
        rows.append(f"{c.parts:>5} {c.requests:>8} {c.prompt_tokens:>13,} {c.output_tokens:>13,}  {p.how:<6} {printable(p.article.path)}")
    requests = sum(p.cost.requests for p in paid)
    prompt, output = sum(p.cost.prompt_tokens for p in paid), sum(p.cost.output_tokens for p in paid)
    rows.append(
        f"{len(planned.articles)} article(s) in scope, {len(paid)} to send to the model: about {requests:,} requests, "
        f"{prompt:,} prompt tokens and at most {output:,} answer tokens ({prompt + output:,} in all), "
        f"plus {_extra_requests(planned)}. "
        f"A gleaning request is counted for every article that states numbers (it is sent only when the model "
        f"leaves some out); each reask (up to {max_retries} per request, --max-retries) repeats a request. Nothing was sent."
    )
    return "\n".join(rows) + "\n"


def _warnings_only(err: Console) -> pipeline.Progress:
    """--quiet: what went wrong (a skipped file, an unread date, a broken history), not
    retries, progress or where a replay's answers come from (the brief says that)."""
    from summarize import pipeline

    return pipeline.Progress(notice=lambda m: None if m.startswith("retry") else err.print(printable(m)), info=lambda m: None)


def _progress(err: Console) -> pipeline.Progress:
    """One line per article, once it is done (with --concurrency, articles finish in any
    order; a line that said "started" and another that said "done" would be two lines per
    article), and a line as the run starts each part."""
    from summarize import pipeline

    def finished(i, n, article, extraction, problem):
        if extraction is None:
            how = printable(problem) if str(problem).startswith("not processed") else f"failed: {printable(problem)}"
            err.print(f"[{i}/{n}] {printable(article.path)}: {how}")
            return
        counts = ", ".join(
            f"{len(items)} {noun if len(items) == 1 else noun + 's'}"
            for noun, items in (("actor", extraction.actors), ("claim", extraction.claims), ("figure", extraction.figures), ("stance", extraction.stances))
        )
        parts = f", {extraction.parts} parts" if extraction.parts > 1 else ""
        err.print(f"[{i}/{n}] {printable(article.path)}: {counts} ({extraction.attempts} answer{'s' if extraction.attempts != 1 else ''}{parts})")

    return pipeline.Progress(
        finished=finished,
        notice=lambda m: err.print(printable(m)),
        cached=lambda i, n, article: err.print(f"[{i}/{n}] {printable(article.path)}: from the cache"),
        phase=lambda doing: err.print(f"{printable(doing)}…"),
    )


@app.command(help="Write the JSON Schemas of the article extraction and the brief into FOLDER.")
def schemas(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help="Where to write article.schema.json and brief.schema.json.")] = Path("schemas"),
) -> None:
    from summarize.schemas import write_schemas

    for path in write_schemas(folder):
        error_console().print(f"wrote {path}")


def main() -> None:
    # What is alive once the command's modules are imported lives as long as the process:
    # full garbage collections leave it out (walking it took about 0.2 s, mid-run, each time).
    gc.freeze()
    if logging.lastResort is not None:  # what a library logs without a handler reaches stderr: no secret in it
        logging.lastResort.addFilter(redact.LogScrub())
    app()


if __name__ == "__main__":
    main()
