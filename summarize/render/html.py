"""Render a brief as one self-contained HTML page.

The page is ``templates/brief.html.j2`` (autoescaped) with its stylesheet and script
inlined.  A Content-Security-Policy meta tag allows exactly those two inline blocks (by
their sha256 hashes) and nothing else: no request leaves the page.

The top of the brief is drawn as HTML and reads without scripts: the header, the summary,
"This week", the leading stories' sections (:func:`summarize.render.base.leading`) and
every other story one line each.  What a large week holds by the thousand (the article
texts, every item's evidence, the appendix) is embedded as JSON in a
``<script type="application/json">`` block, which is data and never runs, and the page's
script draws it with DOM calls when the reader opens an article or a part of the appendix.

Article texts are not part of the brief, so the caller passes them beside it (the
pipeline's ``RunResult.texts``): each item's quote is marked at its offsets.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from summarize.models import Brief, Story, StoryArc
from summarize.render.arc import HEIGHT, WIDTH, chart
from summarize.render.base import DEFAULT_TOP, batch_answers, batch_usage, lacking, leading, quantity
from summarize.render.html_appendix import STANCE_WORDS, Lines, parts
from summarize.render.html_data import evidence_data, items
from summarize.render.keypoint import key_point
from summarize.resources import data_dir

_ASSETS = ("brief.css", "brief.js")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(data_dir("templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    text = (data_dir("templates") / name).read_text(encoding="utf-8")
    # Inlined verbatim inside <style> or <script>: it must not be able to close them.
    if "</" in text:
        raise ValueError(f"templates/{name} must not contain '</'")
    return text


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy() -> str:
    """Only the page's own style and script, by hash.  The JSON data block needs no
    permission: a script of a type that is not JavaScript is never run."""
    css, js = (_asset(name) for name in _ASSETS)
    return (
        f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; "
        "img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


def script_json(data) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


SHOWN = 8
"""Items of each kind a story's section shows (they fold); the appendix holds the rest."""
SHOWN_ARTICLES = 12


@dataclass(frozen=True)
class StoryParts:
    """What one leading story's section shows, and what only the appendix holds."""

    story: Story
    articles: list[str]
    clusters: list
    contests: list
    groups: list
    figures: list
    """The story's figures in no group."""
    cells: list
    events: list
    key_point: str
    """Its most telling item in words, as the Markdown brief's "This week" line gives it."""
    more: list[str]
    """What the section leaves to the appendix: '233 articles', '40 figures'..."""
    arc: StoryArc | None = None
    """The story over the saved weeks, when it continues an earlier brief's story."""
    charts: tuple = ()
    """Line charts of its figures over the weeks (:func:`summarize.render.arc.chart`)."""


CHARTS = 3
"""Figures over the weeks a continuing story's section draws."""


def story_parts(look: Lines, story: Story) -> StoryParts:
    brief = look.brief
    story_arc = next((a for a in brief.arcs if a.story_id == story.id and len(a.weeks) > 1), None)
    ids = set(story.article_ids)
    grouped = {i for g in story.figure_group_ids for i in look.group[g].figure_ids}
    more: list[str] = []

    def shown(items: list, noun: str, most: int = SHOWN) -> list:
        if len(items) > most:
            more.append(f"{len(items) - most} {noun}")
        return items[:most]

    return StoryParts(
        story=story,
        articles=shown(story.article_ids, "articles", SHOWN_ARTICLES),
        clusters=shown(sorted((look.cluster[k] for k in story.cluster_ids), key=lambda k: -k.corroboration), "corroborated claims"),
        contests=shown([look.contest[x] for x in story.contest_ids], "contested pairs"),
        groups=shown([look.group[g] for g in story.figure_group_ids], "figure comparisons"),
        figures=shown([f for f in look.shown.figures if f.evidence.article_id in ids and f.id not in grouped], "figures"),
        cells=shown(sorted((c for c in brief.stance_matrix if set(c.article_ids) & ids), key=lambda c: (-len(c.stance_ids), c.holder.casefold())), "stances"),
        events=shown([e for e in brief.timeline if e.evidence.article_id in ids and e.expression != "article date"], "dated passages"),
        key_point=key_point(look, story),
        more=more,
        arc=story_arc,
        charts=tuple(chart(story_arc, f) for f in story_arc.figures[:CHARTS]) if story_arc else (),
    )


@contextmanager
def _collector_paused():
    """Building a big week's page allocates hundreds of thousands of small lists and dicts,
    none of them in a cycle; the cyclic collector's passes over the brief's own objects made
    rendering grow faster than the week (1.5 s instead of 0.9 s at 2,000 articles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def to_html(brief: Brief, texts: Mapping[str, str] | None = None, top: int = DEFAULT_TOP) -> str:
    """The page; ``top``: at most this many leading stories get a section of their own."""
    with _collector_paused():
        return _page(brief, texts or {}, top)


def _page(brief: Brief, texts: Mapping[str, str], top: int) -> str:
    index = {ref.id: i for i, ref in enumerate(brief.articles)}
    texts = {aid: text for aid, text in texts.items() if aid in index}
    look = Lines(brief, index)
    grounded = items(brief, texts)
    unverified_ids = [i.id for i in grounded if not i.verified]
    appendix = parts(look, unverified_ids)
    data = evidence_data(brief, texts, grounded, index)
    data["parts"] = {p.id: p.entries for p in appendix}
    lead, rest = leading(brief, top)
    dated = sorted(ref.date for ref in brief.articles if ref.date)
    css, js = (_asset(name) for name in _ASSETS)
    page = _environment().get_template("brief.html.j2").render(
        brief=brief,
        label=look.label,
        ref_of=look.article,
        item_of={i.id: i for i in grounded},
        unverified_ids=unverified_ids,
        dated=dated,
        name=look.name,
        value=look.quantity,
        quantity=quantity,
        lacking=lacking(brief),
        batch_answers=batch_answers(brief) if brief.batch else "",
        batch_usage=batch_usage(brief),
        claim=look.claim,
        group_values=look.group_values,
        stories=[story_parts(look, st) for st in lead],
        more=rest,
        story_by_id={st.id: st for st in brief.stories},
        outlets=list(dict.fromkeys(r.outlet for r in brief.articles if r.outlet)),
        stance=look.stance,
        stance_words=STANCE_WORDS,
        parts=appendix,
        shown=SHOWN,
        chart_box=(WIDTH, HEIGHT),
        csp=content_security_policy(),
        css=Markup(css),
        js=Markup(js),
        data=script_json(data),
    )
    return page.lstrip() + "\n"  # the macro definitions leave blank lines before the doctype
