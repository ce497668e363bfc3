"""Render a brief as one self-contained HTML page.

The page is ``templates/brief.html.j2`` (autoescaped) with its stylesheet and script
inlined.  A Content-Security-Policy meta tag allows exactly those two inline blocks (by
their sha256 hashes) and nothing else: no request leaves the page.  Everything reads
without scripts; the script only follows the reader's choice of item.

Article texts are not part of the brief, so the caller passes them beside it (the
pipeline's ``RunResult.texts``): each item's quote is highlighted at its offsets.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from summarize.link.reconcile import trend
from summarize.models import Brief, Evidence, FigureGroup, Story
from summarize.render.base import format_value
from summarize.render.evidence_spans import Span, located, runs
from summarize.render.keypoint import Lookups, amount, key_point
from summarize.render.base import relabel as _relabel
from summarize.resources import data_dir

_ASSETS = ("brief.css", "brief.js")


@dataclass(frozen=True)
class Item:
    """One grounded item the page can point at in its article."""

    id: str
    kind: str
    evidence: Evidence
    verified: bool
    located: bool

    @property
    def style(self) -> str:
        return self.evidence.alignment if self.verified else "unverified"


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


def items(brief: Brief, texts: Mapping[str, str]) -> list[Item]:
    """Every item that carries evidence, brief items first, then the unverified ones."""

    def item(item_id: str, kind: str, ev: Evidence, verified: bool) -> Item:
        text = texts.get(ev.article_id)
        return Item(item_id, kind, ev, verified, ev.aligned and text is not None and located(ev.start, ev.end, text))

    out = [item(c.id, "claim", c.evidence, True) for c in brief.claims]
    out += [item(f.id, "figure", f.evidence, True) for f in brief.figures]
    out += [item(s.id, "stance", s.evidence, True) for s in brief.stances]
    out += [item(f"U{i}", u.item, u.evidence, False) for i, u in enumerate(brief.unverified, 1)]
    return out


@dataclass(frozen=True)
class StoryParts:
    """What one story's section shows, all of it (items fold, so nothing is cut)."""

    story: Story
    clusters: list
    contests: list
    groups: list
    figures: list
    """The story's figures in no group."""
    cells: list
    events: list
    key_point: str
    """Its most telling item in words, as the Markdown brief's "This week" line gives it."""


def story_parts(brief: Brief, story: Story, look: Lookups) -> StoryParts:
    ids = set(story.article_ids)
    cluster = {k.id: k for k in brief.claim_clusters}
    contest = {x.id: x for x in brief.contested}
    group = {g.id: g for g in brief.figure_groups}
    grouped = {i for g in story.figure_group_ids for i in group[g].figure_ids}
    return StoryParts(
        story=story,
        clusters=sorted((cluster[k] for k in story.cluster_ids), key=lambda k: -k.corroboration),
        contests=[contest[x] for x in story.contest_ids],
        groups=[group[g] for g in story.figure_group_ids],
        figures=[f for f in brief.figures if f.evidence.article_id in ids and f.id not in grouped],
        cells=sorted((c for c in brief.stance_matrix if set(c.article_ids) & ids), key=lambda c: (-len(c.stance_ids), c.holder.casefold())),
        events=[e for e in brief.timeline if e.evidence.article_id in ids and e.expression != "article date"],
        key_point=key_point(look, story),
    )


def to_html(brief: Brief, texts: Mapping[str, str] | None = None) -> str:
    texts = texts or {}
    look = Lookups(brief)
    label, ref_of = look.label, look.article
    grounded = items(brief, texts)
    item_of = {i.id: i for i in grounded}
    spans: dict[str, list[Span]] = {}
    for i in grounded:
        if i.located:
            spans.setdefault(i.evidence.article_id, []).append(Span(i.id, i.evidence.start, i.evidence.end, i.style))
    article_runs = {aid: runs(text, spans.get(aid, [])) for aid, text in texts.items() if aid in ref_of}
    data = {
        "items": {
            i.id: {
                "kind": i.kind,
                "article": label.get(i.evidence.article_id, "?"),
                "title": ref_of[i.evidence.article_id].title if i.evidence.article_id in ref_of else "",
                "alignment": i.evidence.alignment,
                "verified": i.verified,
                "located": i.located,
            }
            for i in grounded
        }
    }
    by_speaker: dict[str, list] = {}
    for c in brief.claims:
        by_speaker.setdefault(look.name(c.speaker_id, c.speaker), []).append(c)
    dated = sorted(ref.date for ref in brief.articles if ref.date)
    figure = look.figure
    date_of = look.date_of

    def values(g: FigureGroup) -> tuple[list, str]:
        """A group's figures in date order, and whether they agree, changed or conflict."""
        members = sorted((figure[i] for i in g.figure_ids), key=lambda f: (str(date_of(f.evidence.article_id) or "9999"), f.id))
        return members, trend(members, date_of)

    css, js = (_asset(name) for name in _ASSETS)
    page = _environment().get_template("brief.html.j2").render(
        brief=brief,
        label=label,
        ref_of=ref_of,
        item_of=item_of,
        unverified_ids=[i.id for i in grounded if not i.verified],
        article_runs=article_runs,
        dated=dated,
        name=look.name,
        value=format_value,
        amount=amount,
        relabel=lambda rule: _relabel(rule, label),
        claims_by_speaker=list(by_speaker.items()),
        claim={c.id: c for c in brief.claims},
        figure=figure,
        values=values,
        stories=[story_parts(brief, st, look) for st in brief.stories],
        story_of={a: st for st in brief.stories for a in st.article_ids},
        story_by_id={st.id: st for st in brief.stories},
        outlets=list(dict.fromkeys(r.outlet for r in brief.articles if r.outlet)),
        stance={s.id: s for s in brief.stances},
        csp=content_security_policy(),
        css=Markup(css),
        js=Markup(js),
        data=script_json(data),
    )
    return page.lstrip() + "\n"  # the macro definitions leave blank lines before the doctype
