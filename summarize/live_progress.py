"""Progress on a terminal: a rich bar with articles done / total, requests, tokens, elapsed
and remaining time, the per-article lines and notices printed above it.

It only shows what :class:`summarize.pipeline.Progress` reports; nothing is counted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from summarize import pipeline
from summarize.models import Usage


@contextmanager
def bar(console: Console, lines: pipeline.Progress) -> Iterator[pipeline.Progress]:
    """Callbacks that print ``lines`` above a live bar, kept on screen while the block runs."""
    view = Progress(
        TextColumn("articles"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("· {task.fields[requests]:,} requests · {task.fields[tokens]:,} tokens ·"),
        TimeElapsedColumn(),
        TextColumn("elapsed ·"),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=console,
    )
    task = view.add_task("articles", total=None, requests=0, tokens=0)

    def done(i: int, n: int) -> None:
        view.update(task, total=n, advance=1)  # articles finish in any order with --concurrency

    def started(i, n, article):
        view.update(task, total=n)
        lines.started(i, n, article)

    def finished(i, n, article, extraction, problem):
        lines.finished(i, n, article, extraction, problem)
        done(i, n)

    def cached(i, n, article):
        lines.cached(i, n, article)
        done(i, n)

    def spent(usage: Usage) -> None:
        view.update(task, requests=usage.requests, tokens=usage.total_tokens)

    with view:
        yield pipeline.Progress(started=started, finished=finished, notice=lines.notice, cached=cached, spent=spent)
