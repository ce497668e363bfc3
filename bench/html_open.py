"""HTML page benchmark: how big the page of a big week is, how long ``to_html`` takes, and
how long the page takes to open in headless Chromium, against the goal of 3 s.

    python bench/html_open.py [--articles 2000] [--stories 600] [--also 2225] [--runs 3] [--page FILE]

The brief is generated (``tests/big_brief.py``: no model).  Open time is measured twice in
each run, both in the browser's own clock: until the load event ends, and until the first
contentful paint (the top of the brief on screen).  The median of ``--runs`` fresh tabs is
printed.  ``--page FILE`` measures an existing page instead (an older version's, say).
Chromium is the system's (``apt-get install chromium``, or $SUMMARIZE_CHROMIUM): playwright
never downloads a browser here.  Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

GOAL = 3.0
"""Seconds: the page of a 2,000-article week opens within this."""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def open_times(path: Path, runs: int) -> tuple[float, float]:
    """Median seconds to the end of the load event and to the first contentful paint."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("SUMMARIZE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    loads, paints = [], []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(path.resolve().as_uri(), wait_until="load", timeout=120_000)
            load, paint = page.evaluate(
                """() => new Promise(done => requestAnimationFrame(() => setTimeout(() => done([
                    performance.getEntriesByType('navigation')[0].loadEventEnd,
                    (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime,
                ]), 0)))"""
            )
            loads.append(load / 1000)
            paints.append(paint / 1000)
            context.close()
        browser.close()
    return statistics.median(loads), statistics.median(paints)


def measure(articles: int, stories: int, runs: int, folder: Path) -> None:
    from big_brief import big_brief

    from summarize.render.html import to_html

    brief, texts = big_brief(articles, stories)
    started = time.perf_counter()
    page = to_html(brief, texts)
    render = time.perf_counter() - started
    path = folder / f"brief-{articles}.html"
    path.write_text(page, encoding="utf-8")
    items = len(brief.claims) + len(brief.figures) + len(brief.stances) + len(brief.timeline) + len(brief.unverified)
    print(f"{articles:,} articles, {len(brief.stories):,} stories, {items:,} items")
    report(path, runs, render)


def report(path: Path, runs: int, render: float | None = None) -> None:
    load, paint = open_times(path, runs)
    size = path.stat().st_size / 1e6
    rendered = f"to_html {render:.2f} s · " if render is not None else ""
    print(f"  page {size:.1f} MB · {rendered}open: load event {load:.2f} s, first paint {paint:.2f} s "
          f"· load / goal {load / GOAL:.2f} (goal {GOAL:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--stories", type=int, default=600)
    parser.add_argument("--also", type=int, nargs="*", default=[], help="more article counts, e.g. 2225 (the whole BBC dataset)")
    parser.add_argument("--runs", type=int, default=3, help="tabs opened per page; the median is printed")
    parser.add_argument("--page", type=Path, help="measure this page instead of generating one")
    args = parser.parse_args()
    if args.page:
        print(args.page)
        report(args.page, args.runs)
        return
    with tempfile.TemporaryDirectory() as folder:
        for articles in [args.articles, *args.also]:
            measure(articles, round(args.stories * articles / args.articles), args.runs, Path(folder))


if __name__ == "__main__":
    main()
