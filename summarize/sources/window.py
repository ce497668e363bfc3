"""The dates a brief covers: ``--since``/``--until`` (inclusive) or an ISO week, and who is in it.

Articles outside the window are never sent to the model; the brief counts them.  Undated
articles are kept and flagged, unless ``dated_only`` asks to leave them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from summarize.models import Article, Window

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)


class WindowError(ValueError):
    """A window flag that cannot be read; the message says which and why."""


def iso_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written ``2024-W44``."""
    match = _WEEK.match(text.strip())
    if not match:
        raise WindowError(f"--week {text!r}: write an ISO week as YEAR-Wnn, e.g. 2024-W44")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as err:
        raise WindowError(f"--week {text!r}: {year} has no ISO week {week}") from err
    return monday, monday + timedelta(days=6)


def _day(flag: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as err:
        raise WindowError(f"{flag} {text!r}: write the date as YYYY-MM-DD, e.g. 2024-10-28") from err


def make_window(since: str | None = None, until: str | None = None, week: str | None = None) -> Window | None:
    """The window the flags ask for, or None when they ask for none."""
    if week and (since or until):
        raise WindowError("--week cannot be combined with --since or --until")
    if week:
        start, end = iso_week(week)
        match = _WEEK.match(week.strip())
        label = f"{int(match.group(1))}-W{int(match.group(2)):02d}"  # type: ignore[union-attr]
        return Window(since=start, until=end, label=label)
    if not since and not until:
        return None
    start = _day("--since", since) if since else date.min
    end = _day("--until", until) if until else date.max
    if start > end:
        raise WindowError(f"--since {start} is after --until {end}")
    parts = ([f"since {start}"] if since else []) + ([f"until {end}"] if until else [])
    return Window(since=start, until=end, label=" ".join(parts))


@dataclass
class Selection:
    articles: list[Article]
    window: Window | None


def select(articles: list[Article], window: Window | None, dated_only: bool = False) -> Selection:
    """The articles a brief over ``window`` is about, with the window's counts filled in."""
    if window is None and not dated_only:
        return Selection(articles, None)
    kept: list[Article] = []
    outside = undated = excluded = 0
    for article in articles:
        if article.date is None:
            if dated_only:
                excluded += 1
                continue
            undated += 1
        elif window is not None and not (window.since <= article.date <= window.until):
            outside += 1
            continue
        kept.append(article)
    if window is None:
        window = Window(since=date.min, until=date.max, label="dated articles only")
    window = window.model_copy(update={"outside": outside, "undated": undated, "undated_excluded": excluded})
    return Selection(kept, window)
