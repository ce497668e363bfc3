"""Helpers shared by the HTML page's tests: the seeds' page, what a page should show, and
the data it carries for its script."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from conftest import FIXTURES, ROOT, SEEDS
from typer.testing import CliRunner

from summarize import pipeline
from summarize.cli import EXIT_OK, app


@lru_cache(maxsize=1)
def seeds_run() -> pipeline.RunResult:
    """The seeds briefed from their recordings (no model, no network)."""
    return pipeline.brief_folder(pipeline.Options(folder=SEEDS, cassettes=ROOT / "cassettes", cache_dir=None), env={})


def located_ids(brief, texts: dict[str, str]) -> set[str]:
    """The items whose quote has offsets in a known article text: claims, figures, stances
    and located unverified items (numbered U1, U2... in the page)."""
    ids = set()
    for item_id, ev in [(x.id, x.evidence) for x in [*brief.claims, *brief.figures, *brief.stances]] + [
        (f"U{i}", u.evidence) for i, u in enumerate(brief.unverified, 1)
    ]:
        if ev.start is not None and ev.end is not None and ev.article_id in texts:
            ids.add(item_id)
    return ids


def page_data(doc) -> dict:
    """What the page carries for its script (the JSON block), from the parsed page."""
    return json.loads(doc.get_element_by_id("brief-data").text)


def drawn_ids(data: dict) -> set[str]:
    """The element ids the script draws on demand: the appendix's anchors, each article's
    text (``text-<id>``) and each located quote's anchor in it (``ev-<item>``)."""
    ids = {f"text-{a[0]}" for a in data["articles"]}
    ids |= {f"ev-{i}" for i, it in data["items"].items() if it[1] is not None}
    for entries in data["parts"].values():
        for e in entries:
            ids |= {f"item-{e['i']}"} if "i" in e else set()
            ids |= {f"item-{side[0]}" for side in e.get("s", []) if side[0]}
    return ids


def write_page(folder: Path, name: str, html: str) -> Path:
    path = folder / name
    path.write_text(html, encoding="utf-8")
    return path


def weekly_page(folder: Path) -> Path:
    """The page of week 2024-W45 of the dated fixtures, after week 44 went into a history:
    a window, outlets, two stories and what changed (answers from the reference server)."""
    from reference_server import ReferenceServer

    store, page, runner = folder / "history.sqlite", folder / "w45.html", CliRunner()
    with ReferenceServer() as server:
        base = ["brief", str(FIXTURES / "weeks"), "--base-url", server.base_url, "--model", "reference-annotations",
                "--no-summary", "--no-cache", "-q", "--history", str(store)]
        for week, out in (("2024-W44", []), ("2024-W45", ["--out", str(page)])):
            result = runner.invoke(app, base + ["--week", week] + out, catch_exceptions=False)
            assert result.exit_code == EXIT_OK, result.stderr
    return page
