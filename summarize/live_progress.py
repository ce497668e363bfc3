"""Progress on a terminal: a rich bar with articles done / total, requests, tokens, elapsed
(since the command started) and remaining time, and what the run is doing now (extracting,
linking, the summary), the per-article lines and notices printed above it.

It only shows what :class:`summarize.pipeline.Progress` reports; nothing is counted here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from summarize import pipeline
from summarize.models import Usage


class SinceColumn(ProgressColumn):
    """Time since ``started`` (``time.monotonic()``), not since the bar appeared."""

    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started

    def render(self, task) -> Text:
        return Text(str(timedelta(seconds=max(0, int(time.monotonic() - self.started)))), style="progress.elapsed")


@contextmanager
def bar(console: Console, lines: pipeline.Progress, started: float | None = None) -> Iterator[pipeline.Progress]:
    """Callbacks that print ``lines`` above a live bar, kept on screen while the block runs;
    elapsed time counts from ``started`` (``time.monotonic()``: when the command started),
    else from now."""
    view = Progress(
        TextColumn("articles"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("· {task.fields[requests]:,} requests · {task.fields[tokens]:,} tokens ·"),
        SinceColumn(time.monotonic() if started is None else started),
        TextColumn("elapsed ·"),
        TimeRemainingColumn(),
        TextColumn("left · {task.fields[phase]}"),
        console=console,
    )
    task = view.add_task("articles", total=None, requests=0, tokens=0, phase="starting")

    def done(i: int, n: int) -> None:
        view.update(task, total=n, advance=1)  # articles finish in any order with --concurrency

    def begun(i, n, article):
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

    def phase(doing: str) -> None:
        view.update(task, phase=doing)

    with view:
        yield pipeline.Progress(
            started=begun, finished=finished, notice=lines.notice, cached=cached, spent=spent, phase=phase, info=lines.info
        )
