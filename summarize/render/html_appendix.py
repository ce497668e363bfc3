"""The HTML page's appendix as data: every article, actor and item, one entry each, which
the page's script draws part by part when the reader opens one (``templates/brief.js``).

An entry is a dict: ``l`` its line; ``i`` its anchor (the element gets ``id="item-<i>"``);
``e`` the item whose evidence opens under the line; ``s`` its sides, ``[anchor, line, item]``
each (the claims of a cluster, the stances of a cell); ``h`` a heading instead of a line;
``c``: "failed".  A line is a list of segments: a string is text; ``[code, text]`` is an
element the script picks by its code (``CODES`` in brief.js; the template draws the few
that a group's values use); ``["a", text, target]`` a link to ``#target``; ``["art", article]`` an
article's reference (its index in the data, or its id); ``["br"]``.  Whatever a segment
holds reaches the page as text only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from summarize.link.reconcile import trend
from summarize.models import Brief, FigureGroup
from summarize.render import caps
from summarize.render.base import relabel
from summarize.render.keypoint import VERDICT_WORDS, Lookups

STANCE_WORDS = {"support": "supports", "oppose": "opposes", "neutral": "neutral on", "mixed": "mixed on"}
_VERDICT_CODES = {"conflict": "conflict", "agree": "agree", "rounded": "agree"}
"""How a verdict's tag is drawn; the others are plain tags."""


@dataclass
class Part:
    id: str
    title: str
    entries: list[dict]
    intro: str | None = None
    bad: bool = False
    count: int = field(init=False)

    def __post_init__(self):
        self.count = sum(1 for e in self.entries if "h" not in e and e.get("c") != "note")


class Lines(Lookups):
    """A brief's lines as segments (shared by the appendix and the page's story sections)."""

    def __init__(self, brief: Brief, article_index: Mapping[str, int]):
        super().__init__(brief)
        self.index = article_index
        self.shown = caps.shown_figures(brief)
        """The figures the page shows: at most :data:`caps.PER_ARTICLE` of one article."""

    def art(self, article_id: str) -> list:
        return ["art", self.index.get(article_id, article_id)]

    def claim_line(self, claim_id: str) -> str:
        c = self.claim[claim_id]
        return f"{self.name(c.speaker_id, c.speaker)}: {c.text}"

    def sides(self, claim_ids) -> list:
        return [[None, [["id", c], " ", self.claim_line(c)], c] for c in claim_ids]

    def group_values(self, g: FigureGroup) -> list:
        """A group's figures in date order, each a link to it, then whether they agree,
        changed or conflict."""
        members = sorted((self.figure[i] for i in g.figure_ids), key=lambda f: (str(self.date_of(f.evidence.article_id) or "9999"), f.id))
        verdict = trend(members, self.date_of)
        out: list = []
        for n, f in enumerate(members):
            when = self.date_of(f.evidence.article_id)
            out += [["a", self.quantity(f), f"item-{f.id}"], f" ({self.name(f.source_id, f.source)}, {when or 'undated'})"]
            if n < len(members) - 1:
                out.append(" → " if verdict == "changed" else "; ")
        return out + [" — ", [_VERDICT_CODES.get(verdict, "tag"), VERDICT_WORDS[verdict]]]


def parts(lines: Lines, unverified_ids: list[str]) -> list[Part]:
    """The appendix's parts in the Markdown brief's order; a part with nothing is left out
    where the Markdown brief leaves it out."""
    brief = lines.brief
    out = [_articles(lines), _actors(lines)]
    corroborated = [_cluster(lines, k) for k in brief.claim_clusters if len(k.claim_ids) > 1]
    if corroborated:
        out.append(Part("corroborated", "Corroborated claims", corroborated))
    if brief.contested:
        out.append(Part("contested", "Contested", [_contest(lines, x) for x in brief.contested],
                        intro="Claims from different articles where one denies what the other reports."))
    out.append(Part("claims", "Claims", _claims(lines)))
    out.append(Part("figures", "Figures", [_figure(lines, f) for f in lines.shown.figures] + _more_figures(lines)))
    if brief.figure_groups:
        out.append(Part("figure-groups", "Figures compared across sources", [_group(lines, g) for g in brief.figure_groups]))
    out.append(Part("stances", "Stance matrix", [_cell(lines, c) for c in brief.stance_matrix]))
    if brief.timeline:
        out.append(Part("timeline", "Timeline", [_event(lines, e) for e in brief.timeline]))
    out.append(Part("coverage", "Figure coverage", [_coverage(lines, c) for c in brief.coverage],
                    intro="Numbers the article states (found by a deterministic scan) against the verified figures that cover them."))
    if brief.unverified:
        out.append(Part("unverified", "Unverified", [_unverified(u, i) for u, i in zip(brief.unverified, unverified_ids)], bad=True,
                        intro="Items that failed a check (quote not in the article, value not in the quote, unknown speaker) "
                        "after the reasks. They are not used above."))
    return out


def _articles(lines: Lines) -> Part:
    entries = []
    for ref in lines.brief.articles:
        line: list = [["id", lines.label[ref.id]], " ", ["cite", ref.title], " · "]
        line += [["b", ref.outlet], " · "] if ref.outlet else []
        line.append((str(ref.date) if ref.date else "undated") + (f" · {ref.author}" if ref.author else ""))
        story = lines.story_of.get(ref.id)
        line += [" · ", ["a", story.id, f"story-{story.id}"]] if story else []
        where = f"{ref.url} · " if ref.url else ""
        line += [" · ", ["a", "text", f"text-{ref.id}"], ["br"], ["p", f"{where}{ref.path} · {ref.id}"]]
        entries.append({"l": line})
    for f in lines.brief.failed:
        entries.append({"c": "failed", "l": [["failed", "failed"], " ", ["p", f.path], " — ", ["a", "why", "failed"]]})
    return Part("articles", "Articles", entries)


def _actors(lines: Lines) -> Part:
    def label(article_id: str) -> str:
        return lines.label.get(article_id, article_id)

    entries = []
    for a in lines.brief.actors:
        line: list = [["id", a.id], " ", ["b", a.name], " ", ["k", a.kind]] + ([" — " + "; ".join(a.roles)] if a.roles else [])
        forms = "; ".join(f"{f.form} [{', '.join(label(i) for i in f.article_ids)}]" for f in a.forms)
        line += [["br"], ["forms", forms]]
        if a.merged_by:
            line += [["br"], ["r", "merged by: " + "; ".join(relabel(rule, lines.label) for rule in a.merged_by)]]
        entries.append({"i": a.id, "l": line})
    return Part("actors", "Actors", entries)


def _cluster(lines: Lines, k) -> dict:
    line = [["id", k.id], " ", ["b", k.text], f" — {k.corroboration} article(s); sources: {', '.join(k.sources)}"]
    return {"i": k.id, "l": line, "s": lines.sides(k.claim_ids)}


def _contest(lines: Lines, x) -> dict:
    a, b = x.claim_ids
    line = [["id", x.id], " ", lines.claim_line(a), " ", ["vs", "versus"], " ", lines.claim_line(b)]
    line += [" ", ["about", f"(about {', '.join(x.topic)})"]] if x.topic else []
    return {"i": x.id, "l": line, "s": lines.sides(x.claim_ids)}


def _claims(lines: Lines) -> list[dict]:
    by_speaker: dict[str, list] = {}
    for c in lines.brief.claims:
        by_speaker.setdefault(lines.name(c.speaker_id, c.speaker), []).append(c)
    out: list[dict] = []
    for speaker, claims in by_speaker.items():
        out.append({"h": speaker})
        out += [{"i": c.id, "l": [["id", c.id], " ", ["k", c.kind + (", hedged" if c.hedged else "")], " " + c.text], "e": c.id} for c in claims]
    return out


def _figure(lines: Lines, f) -> dict:
    text = f" — {f.counts} · {lines.name(f.source_id, f.source)}" + (f" · {f.applies_to}" if f.applies_to else "")
    return {"i": f.id, "l": [["id", f.id], " ", ["v", lines.quantity(f)], text], "e": f.id}


def _more_figures(lines: Lines) -> list[dict]:
    """A note for each article with figures the page leaves out (not counted as entries)."""
    left_out = lines.shown.left_out
    return [{"c": "note", "l": [["em", caps.more_figures(left_out[r.id], lines.label[r.id])]]} for r in lines.brief.articles if r.id in left_out]


def _group(lines: Lines, g: FigureGroup) -> dict:
    line = [["id", g.id], f" {g.counts}: ", *lines.group_values(g)]
    return {"i": g.id, "l": line + ([["br"], ["r", g.note]] if g.note else [])}


def _cell(lines: Lines, cell) -> dict:
    line = [cell.holder, " ", [cell.polarity, STANCE_WORDS[cell.polarity]], f" {cell.target} ", ["cites", f"[{', '.join(cell.stance_ids)}]"]]
    return {"l": line, "s": [[i, [["id", i], " " + lines.stance[i].polarity], i] for i in cell.stance_ids]}


def _event(lines: Lines, e) -> dict:
    day = e.date.isoformat() if e.precision == "day" else (e.date.strftime("%Y-%m") if e.precision == "month" else str(e.date.year))
    what = e.text if e.expression == "article date" else e.expression
    line = [["time", day], f" {what} ", ["r", f"dated by: {e.resolved_by}"], ["q", e.evidence.quote], ["src", lines.index.get(e.evidence.article_id, e.evidence.article_id)]]
    return {"l": line}


def _coverage(lines: Lines, c) -> dict:
    shown, more = caps.first(c.missing)
    missing = f"; without one: {'; '.join(shown + ([caps.more_numbers(more)] if more else []))}" if c.missing else ""
    return {"l": [lines.art(c.article_id), ": ", ["b", f"{c.found} / {c.stated}"], f" numbers covered by a figure{missing}"]}


def _unverified(u, item_id: str) -> dict:
    return {"i": item_id, "l": [["id", item_id], " ", ["unverified", f"unverified {u.item}"], f" {u.summary} — ", ["em", u.reason]], "e": item_id}

