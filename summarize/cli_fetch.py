"""``summarize fetch``: feeds, OPML lists and article URLs into a folder of Markdown articles.
Thin, like :mod:`summarize.cli` (which registers it): parse flags, call
:mod:`summarize.sources.fetch`, print."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from summarize import redact
from summarize.render import escape
from summarize.sources import fetch as fetching

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


def _shown(text: object) -> str:
    return escape.one_line(redact.text(str(text)))


def fetch(
    sources: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCES",
            help="Feed URLs (RSS, Atom, JSON Feed), article URLs, OPML files exported from a feed reader, or text files of URLs (one a line).",
            show_default=False,
        ),
    ],
    into: Annotated[Path, typer.Option("--into", help="The folder to write the articles into (the folder `summarize brief` reads).")] = Path("articles"),
    since: Annotated[
        Optional[str], typer.Option(help="Leave out feed entries and articles dated before this day (YYYY-MM-DD); undated ones are kept.", show_default=False)
    ] = None,
    delay: Annotated[float, typer.Option(min=0.0, help="Seconds between two requests to one host (robots.txt's Crawl-delay can lengthen it).")] = fetching.DEFAULT_DELAY,
    connections: Annotated[int, typer.Option(min=1, max=16, help="Hosts fetched from at once (one request at a time per host).")] = fetching.DEFAULT_CONNECTIONS,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for one answer.")] = fetching.DEFAULT_TIMEOUT,
    retries: Annotated[int, typer.Option(min=0, max=10, help="Retries after a timeout, a connection error, HTTP 408, 429 or 5xx (after the Retry-After the server asks for).")] = fetching.DEFAULT_RETRIES,
    max_wait: Annotated[float, typer.Option(min=0.0, help="Longest Retry-After honoured, in seconds; a server asking for longer is given up on for this run.")] = fetching.DEFAULT_MAX_WAIT,
    min_words: Annotated[int, typer.Option(min=1, help="Fewest words of main text a page needs to be written as an article.")] = fetching.MIN_WORDS,
    user_agent: Annotated[str, typer.Option(help="The User-Agent sent (robots.txt rules for 'summarize' apply); add a contact, e.g. 'summarize/0.1 (+mailto:desk@example.org)'.")] = fetching.USER_AGENT,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr; failures are still printed.")] = False,
) -> None:
    """Download the week's articles: each feed's entries (or each URL's page), their text and
    metadata (title, date, outlet, author, canonical URL), one Markdown file with front matter per
    article in --into. Polite and resumable: robots.txt honoured, one request at a time per host,
    conditional requests for feeds, an article already in the folder (same URL, canonical URL or
    text) never fetched or written again. A page with no article text is reported, never written.

    Exit codes: 0 everything fetched or already there; 1 some URLs failed (listed); 2 nothing could be read."""
    err = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)
    try:
        first = date.fromisoformat(since) if since else None
    except ValueError:
        err.print(f"error: --since {_shown(since)}: not a date (YYYY-MM-DD)", style="bold red")
        raise typer.Exit(EXIT_ERROR) from None
    options = fetching.Options(
        into=into, since=first, user_agent=user_agent, delay=delay, connections=connections,
        timeout=timeout, retries=retries, max_wait=max_wait, min_words=min_words,
    )
    indent = "      "

    def finished(i: int, n: int, outcome: fetching.Outcome) -> None:
        if outcome.status == "failed":
            err.print(f"[{i}/{n}] {_shown(outcome.url)}\n{indent}failed: {_shown(outcome.reason)}")
        elif not quiet:
            said = f"wrote {_shown(outcome.path)}" if outcome.status == "written" else f"skipped: {_shown(outcome.reason)}"
            extra = f" ({_shown(outcome.reason)})" if outcome.status == "written" and outcome.reason else ""
            err.print(f"[{i}/{n}] {_shown(outcome.url)}\n{indent}{said}{extra}")

    progress = fetching.Progress(
        feed=lambda url, what: None if quiet else err.print(f"feed {_shown(url)}: {_shown(what)}"),
        finished=finished,
        notice=lambda message: err.print(f"skipped {_shown(message)}"),
    )
    try:
        report = fetching.fetch(sources, options, progress)
    except OSError as problem:
        err.print(f"error: {_shown(problem)}", style="bold red")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        err.print(f"\ninterrupted: the articles written so far are in {_shown(into)}; run the same command again to resume")
        raise typer.Exit(130) from None
    written, skipped, failed = report.of("written"), report.of("skipped"), report.of("failed")
    if not quiet or failed or report.problems:
        err.print(
            f"{len(written)} article(s) written to {_shown(into)}, {len(skipped)} skipped, {len(failed)} failed, "
            f"{len(report.problems)} source(s) unusable; {report.requests} request(s)"
        )
    sys.stderr.flush()
    if not written and not skipped and (failed or report.problems):
        raise typer.Exit(EXIT_ERROR)
    if failed or report.problems:
        raise typer.Exit(EXIT_PARTIAL)
