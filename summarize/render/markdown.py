"""The brief as Markdown that reads top-down.

Header (window, articles, outlets, where the answers came from, what failed or was left
out), the cited summary, "This week" (one line per story), "Since the last brief", one
section per story, then an appendix with every item.  Ids sit at the end of a line, so the
lines read without them; each quote is printed once per place, with its outlet and date.
Sections above the appendix show a story's strongest items and say how many more the
appendix holds.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from datetime import date

from summarize.models import Brief, BriefClaim, Evidence, FigureGroup, Story
from summarize.render import caps, escape
from summarize.render.base import DEFAULT_TOP, batch_usage, cell, fuzzy_mark, lacking, leading, provenance, quantity, relabel
from summarize.render.keypoint import VERDICT_WORDS, Lookups, key_point, on_topic, values
from summarize.lang import units

PER_STORY = {"corroborated": 3, "contested": 2, "figures": 3, "stances": 3, "timeline": 3}
"""How many items of each kind a story section shows; the rest are in the appendix."""

_STANCE_WORDS = {"support": "supports", "oppose": "opposes", "neutral": "neutral on", "mixed": "mixed on"}


class _Context(Lookups):
    """Lookups every section needs, and Markdown forms of them."""

    def __init__(self, brief: Brief):
        super().__init__(brief)
        self.shown = caps.shown_figures(brief)
        """The figures this brief shows: at most :data:`caps.PER_ARTICLE` of one article."""

    def who(self, actor_id: str | None, fallback: str) -> str:
        return cell(self.name(actor_id, fallback))

    def source(self, article_id: str) -> str:
        """'Outlet, 2024-10-28 [#3]' for an article."""
        ref = self.article.get(article_id)
        if ref is None:
            return f"[{article_id[:8]}]"
        parts = [cell(ref.outlet) if ref.outlet else None, str(ref.date) if ref.date else "undated"]
        return ", ".join(p for p in parts if p) + f" [{self.label[ref.id]}]"

    def cite(self, ev: Evidence) -> str:
        return f"“{cell(ev.quote)}”{fuzzy_mark([ev])} — {self.source(ev.article_id)}"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def to_markdown(brief: Brief, top: int = DEFAULT_TOP) -> str:
    """``top``: at most this many stories get a section; the rest are one line each under
    *More stories* (:func:`summarize.render.base.leading`)."""
    ctx = _Context(brief)
    lead, rest = leading(brief, top)
    out = _header(brief, len(lead) if rest else None)
    if brief.summary and brief.summary.sentences:
        out += ["## Summary", ""]
        out += [f"- {cell(s.text)} · {cell(', '.join(s.cites))}" for s in brief.summary.sentences]
        if brief.summary.dropped:
            out.append(f"- ({brief.summary.dropped} sentence(s) left out: they cited items that are not in this brief, or numbers or names their cited items do not state)")
        out.append("")
    if brief.stories:
        out += ["## This week", ""]
        if rest:
            out += [f"The {_plural(len(lead), 'leading story', 'leading stories')} of {len(brief.stories)} "
                    f"(at most {top}: --top), by independent outlets and reports, then what is new.", ""]
        out += [_story_line(ctx, s) for s in lead]
        if rest:
            singles = sum(1 for s in rest if len(s.article_ids) == 1)
            out.append(
                f"- {_plural(len(rest), 'more story', 'more stories')}, one line each under *More stories*"
                + (f" ({singles} of one report)" if singles else "")
            )
        out.append("")
    if brief.since_last:
        out += _since_last(ctx)
    elif brief.history_note:
        out += ["## Since the last brief", "", f"Not compared: {cell(brief.history_note)}", ""]
    elif brief.nothing_earlier:
        out += ["## Since the last brief", "", f"Nothing to compare with: {cell(brief.nothing_earlier)}.", ""]
    for story in lead:
        out += _story_section(ctx, story)
    if rest:
        out += ["## More stories", ""] + [_index_line(ctx, s) for s in rest] + [""]
    out += _appendix(ctx)
    return "\n".join(out)


# --------------------------------------------------------------------------- header


def _header(brief: Brief, in_full: int | None = None) -> list[str]:
    """``in_full``: how many stories get a section, when not all of them do (``--top``)."""
    n = len(brief.articles)
    w = brief.window
    title = f"# Weekly brief: {w.label}" if w and w.label.startswith(tuple("0123456789")) else "# Brief"
    if w and w.since != date.min and w.until != date.max:
        title += f" ({w.since} to {w.until})"
    elif w and w.label:
        title += f" ({w.label})" if not title.endswith(w.label) else ""
    outlets = list(dict.fromkeys(r.outlet for r in brief.articles if r.outlet))
    facts = [_plural(n, "article")]
    if outlets:
        shown = ", ".join(cell(o) for o in outlets[:6]) + (f" and {len(outlets) - 6} more" if len(outlets) > 6 else "")
        facts[0] += f" from {_plural(len(outlets), 'outlet')} ({shown})"
    copies = sum(len(r.copies) for r in brief.articles)
    if copies:
        spared = f", {brief.usage.not_sent:,} request(s) not spent" if brief.usage.not_sent else ""
        facts.append(f"{_plural(copies, 'copy', 'copies')} of them found and read once{spared} (see *Articles*)")
    facts.append(_plural(len(brief.stories), "story", "stories") + (f" ({in_full} in full: --top)" if in_full is not None else ""))
    undated = sum(1 for r in brief.articles if r.date is None)
    if undated:
        facts.append(f"{undated} undated (marked ⚑)")
    if w and w.outside:
        facts.append(f"{w.outside} outside the window (not sent to the model)")
    if w and w.undated_excluded:
        facts.append(f"{w.undated_excluded} undated left out (--dated-only)")
    failed = [f for f in brief.failed if f.stage != "budget"]
    skipped = [f for f in brief.failed if f.stage == "budget"]
    if failed:
        facts.append(f"**{len(failed)} failed** (see *Failed articles*)")
    if skipped:
        facts.append(f"**{len(skipped)} not processed** (token budget; see *Failed articles*)")
    if brief.skipped:
        facts.append(f"{_plural(len(brief.skipped), 'file')} skipped (see *Skipped files*)")
    unverified = len(brief.unverified)
    if unverified:
        facts.append(f"{unverified} unverified item(s) set aside (see *Unverified*)")
    linking = [cell(_linking(brief.linking)), ""] if brief.linking else []
    missing = [f"- **Missing: {cell(p.missing)}** ({cell(p.reason)})" for p in lacking(brief)]
    return [title, "", " · ".join(facts), "", provenance(brief), "", *linking, *missing, *([""] if missing else [])]


def _linking(info) -> str:
    """Who linked items across articles; every link below also says "model" or "rule"."""
    if info.made_by == "model":
        return (
            f"Links across articles: {info.reason} (prompt {info.prompt_version}, {_plural(info.requests, 'request')}); "
            "ids, kinds and incompatible names checked. Each link says whether the model or a rule made it."
        )
    return f"Links across articles: by rule (names by spelling, claims and figures by TF-IDF), because {info.reason}."


# --------------------------------------------------------------------------- this week


def _where(ctx: _Context, story: Story) -> str:
    """'3 reports, Reuters, AP; 2 copies' — independent reports first, copies after."""
    n = len(story.article_ids)
    where = _plural(n, "article") + (f", {', '.join(cell(o) for o in story.outlets[:4])}" if story.outlets else "")
    if len(story.outlets) > 4:
        where += f" and {len(story.outlets) - 4} more"
    carried = sum(len(ctx.article[a].copies) for a in story.article_ids if a in ctx.article)
    return where + (f"; {_plural(carried, 'copy', 'copies')} not counted" if carried else "")


def _story_line(ctx: _Context, story: Story) -> str:
    try:
        point = cell(key_point(ctx, story))
    except Exception as err:  # noqa: BLE001 - an enrichment failing costs that enrichment only
        point = f"(key point not available: internal error {type(err).__name__})"
    return f"- **{cell(story.headline)}** ({_where(ctx, story)})" + (f": {point}" if point else "") + f" · {story.id}"


def _carried(ctx: _Context, article_id: str) -> str:
    """' (also carried by: Outlet, "Other title"; …)' for a report with copies."""
    copies = ctx.article[article_id].copies
    if not copies:
        return ""
    shown = [
        ", ".join(p for p in (cell(c.outlet) if c.outlet else "", f"“{cell(c.title)}”", "same file" if c.identical else "") if p)
        for c in copies[:3]
    ]
    more = f" and {len(copies) - 3} more" if len(copies) > 3 else ""
    return f" (also carried by: {'; '.join(shown)}{more})"


def _index_line(ctx: _Context, story: Story) -> str:
    return f"- {cell(story.headline)} ({_where(ctx, story)}) · {story.id}"


def _side(f) -> str:
    where = ", ".join(p for p in (cell(f.outlet) if f.outlet else None, str(f.date) if f.date else "undated") if p)
    return f"{cell(quantity(f))} (“{cell(f.quote)}” — {where})"


def _since_last(ctx: _Context) -> list[str]:
    """The news first: figures that moved, figures not compared, new stories, quiet ones,
    then the stories that continue."""
    s = ctx.brief.since_last
    assert s is not None
    story = {st.id: st for st in ctx.brief.stories}
    arcs = {a.story_id: a.weeks[-1].key for a in ctx.brief.arcs}
    """The history key of each continuing story whose arc the brief holds (a brief kept in a history)."""
    out = ["## Since the last brief", "", f"Compared with {cell(s.previous)}.", ""]
    out += [
        f"- Moved: {cell(m.after.counts)}: {_side(m.before)} → {_side(m.after)} · {m.before.figure_id} → {m.after.figure_id}, {m.story_id}"
        for m in s.moved
    ]
    out += [
        f"- Not compared (units of no shared kind; check by eye): {cell(m.before.counts)}: {_side(m.before)} / "
        f"{cell(m.after.counts)}: {_side(m.after)} · {m.story_id}"
        for m in s.not_compared
    ]
    out += [f"- New: **{cell(story[i].headline)}** · {i}" for i in s.new_story_ids]
    out += [f"- Quiet: {cell(h)}" for h in s.quiet]
    out += [
        f"- Continuing: **{cell(story[c.story_id].headline)}** (was “{cell(c.previous_headline)}”; {cell(c.matched_by)}) · {c.story_id}"
        + (f" · its weeks: {escape.code('summarize history story ' + shlex.quote(arcs[c.story_id]))}" if c.story_id in arcs else "")
        for c in s.continuing
    ]
    if not (s.new_story_ids or s.continuing or s.moved or s.quiet):
        out.append("- Nothing to compare: neither brief has stories.")
    return out + [""]


# --------------------------------------------------------------------------- one story


def _values(ctx: _Context, g: FigureGroup) -> str:
    text, verdict = values(ctx, g)
    return f"{cell(text)}, {'**conflict**' if verdict == 'conflict' else VERDICT_WORDS[verdict]}"


def _given_by(ctx: _Context, f) -> str:
    """Who gives a figure and where: 'Elena Voss, Daily Courier, 2024-10-30 [#1]' (the outlet once)."""
    who = ctx.who(f.source_id, f.source)
    ref = ctx.article.get(f.evidence.article_id)
    where = ctx.source(f.evidence.article_id)
    return where if ref is not None and who == cell(ref.outlet) else f"{who}, {where}"


def _quoted_once(ctx: _Context, evidence: list[Evidence]) -> list[str]:
    """Each distinct quote once, with every article that carries it: “…” — undated [#5, #7]."""
    by_quote: dict[str, list[str]] = {}
    marks: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        by_quote.setdefault(ev.quote, []).append(ev.article_id)
        marks[ev.quote].append(ev)
    lines = []
    for quote, article_ids in by_quote.items():
        first = ctx.source(article_ids[0])
        others = [ctx.label[a] for a in dict.fromkeys(article_ids[1:]) if a in ctx.label and a != article_ids[0]]
        lines.append(f"“{cell(quote)}”{fuzzy_mark(marks[quote])} — {first[:-1] + ', ' + ', '.join(others) + ']' if others else first}")
    return lines


def _story_section(ctx: _Context, story: Story) -> list[str]:
    """A story's strongest items; one closing line counts what only the appendix holds."""
    ids = set(story.article_ids)
    cited = f" (headline from {', '.join(story.headline_cites)})" if story.headline_by == "model" else ""
    out = [f"## {cell(story.headline)} · {story.id}{cited}", ""]
    out.append(
        "Articles: "
        + "; ".join(f"{cell(ctx.article[a].title)} — {ctx.source(a)}{' ⚑' if ctx.article[a].date is None else ''}{_carried(ctx, a)}" for a in story.article_ids)
    )
    if story.key_actor_ids:
        out.append("Key actors: " + ", ".join(f"{ctx.who(a, a)} ({a})" for a in story.key_actor_ids))
    out.append("")
    more: list[str] = []

    def section(title: str, lines: list[list[str]], kind: str, noun: str) -> None:
        """A bold title, then up to PER_STORY[kind] items (each one or more lines)."""
        if not lines:
            return
        limit = PER_STORY[kind]
        nonlocal out
        out += [f"**{title}**"] + [line for item in lines[:limit] for line in item] + [""]
        if len(lines) > limit:
            more.append(f"{len(lines) - limit} {noun}")

    topical = on_topic(ctx, story)  # closeness to the story's gist, for ordering its items
    clusters = sorted(
        (ctx.cluster[k] for k in story.cluster_ids), key=lambda k: (-k.corroboration, topical(k.text))
    )
    section(
        "Corroborated",
        [
            [f"- {cell(k.text)} — {_plural(k.corroboration, 'article')}; {cell(', '.join(k.sources))} · {k.id} ({k.made_by})"]
            + [f"  - {q}" for q in _quoted_once(ctx, [ctx.claim[c].evidence for c in k.claim_ids])[:1]]
            for k in clusters
        ],
        "corroborated",
        "corroborated claim(s)",
    )
    quoted: set[str] = set()

    def side(claim_id: str) -> str:
        """One side of a contested pair; a claim already quoted in this section is not quoted again."""
        c = ctx.claim[claim_id]
        evidence = "(quoted above)" if claim_id in quoted else ctx.cite(c.evidence)
        quoted.add(claim_id)
        return f"  - {ctx.who(c.speaker_id, c.speaker)}: {cell(c.text)} {evidence} · {c.id}"

    pairs = [ctx.contest[i] for i in story.contest_ids]
    shown = pairs[: PER_STORY["contested"]]
    section(
        "Contested",
        [[f"- {cell(x.reason)} · {x.id} ({x.made_by})", side(x.claim_ids[0]), side(x.claim_ids[1])] for x in shown]
        + [[]] * (len(pairs) - len(shown)),
        "contested",
        "contested pair(s)",
    )
    figures = sorted(
        (f for f in ctx.shown.figures if f.evidence.article_id in ids),
        key=lambda f: (topical(f"{f.counts} {f.evidence.quote}"), f.source_id is None),
    )  # closest to the story's gist first, attributed before the outlet's own (a stable sort)
    grouped = {i for g in story.figure_group_ids for i in ctx.group[g].figure_ids}
    section(
        "Figures",
        [[f"- {cell(ctx.group[g].counts)}: {_values(ctx, ctx.group[g])} · {g} ({ctx.group[g].made_by})"] for g in story.figure_group_ids]
        + [[f"- {cell(ctx.quantity(f))}: {cell(f.counts)} — {_given_by(ctx, f)} · {f.id}"] for f in figures if f.id not in grouped],
        "figures",
        "figure(s)",
    )
    issues = [i for i in ctx.brief.issues if i.contested and ctx.stance[i.stance_ids[0]].evidence.article_id in ids]
    section(
        "Positions on one issue",
        [[f"- {cell(i.issue)}: for {cell(', '.join(i.support))}; against {cell(', '.join(i.oppose))} · {i.id} ({i.made_by})"] for i in issues],
        "stances",
        "contested issue(s)",
    )
    on_issue = {s for i in issues for s in i.stance_ids}  # shown above; not again cell by cell
    cells = sorted(
        (c for c in ctx.brief.stance_matrix if set(c.article_ids) & ids and not set(c.stance_ids) <= on_issue),
        key=lambda c: (-len(c.stance_ids), c.holder.casefold()),
    )
    section(
        "Who stands where",
        [[f"- {cell(c.holder)} {_STANCE_WORDS[c.polarity]} {cell(c.target)} · {', '.join(c.stance_ids)}"] for c in cells],
        "stances",
        "stance(s)",
    )
    events = [e for e in ctx.brief.timeline if e.evidence.article_id in ids and e.expression != "article date"]
    section(
        "Timeline",
        [[f"- {_day(e.date, e.precision)}: {cell(e.text)} [{ctx.label[e.evidence.article_id]}]"] for e in events],
        "timeline",
        "dated passage(s)",
    )
    out += _over_the_weeks(ctx, story)
    if more:
        out += [f"More in the appendix: {', '.join(more)}.", ""]
    return out


def _over_the_weeks(ctx: _Context, story: Story) -> list[str]:
    """A continuing story's arc (:attr:`Brief.arcs`): each week's headline, then each figure
    followed over the weeks, its values in week order."""
    found = next((a for a in ctx.brief.arcs if a.story_id == story.id and len(a.weeks) > 1), None)
    if found is None:
        return []
    out = ["**This story over the weeks**"]
    out += [f"- {cell(w.label)}: {cell(w.headline)} ({_plural(w.articles, 'article')}) · {escape.code(w.key)}" for w in found.weeks]
    out += [
        f"- {cell(f.counts)}: " + " → ".join(f"{cell(units.quantity(p.value, p.unit, p.bound))} ({cell(p.label)})" for p in f.points)
        for f in found.figures[:3]
    ]
    return out + [""]


def _day(when: date, precision: str) -> str:
    return {"day": when.isoformat(), "month": when.strftime("%Y-%m"), "year": str(when.year)}[precision]


# --------------------------------------------------------------------------- appendix


def _table(title: str, headers: list[str], rows: list[list[str]], intro: str | None = None) -> list[str]:
    lines = [f"### {title}", ""]
    if intro:
        lines += [intro, ""]
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "---|" * len(headers))
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _appendix(ctx: _Context) -> list[str]:
    brief = ctx.brief
    out = ["## Appendix", ""]
    out += _table(
        "Articles",
        ["#", "title", "outlet", "date", "story", "file", "copies", "id"],
        [
            [
                ctx.label[r.id],
                cell(r.title),
                cell(r.outlet) or "—",
                str(r.date) if r.date else "undated ⚑",
                ctx.story_of[r.id].id if r.id in ctx.story_of else "—",
                cell(r.path),
                "; ".join(f"{cell(c.path)} ({'same bytes' if c.identical else f'{c.similarity:.0%} alike'})" for c in r.copies) or "—",
                f"`{r.id}`",
            ]
            for r in brief.articles
        ],
    )
    out += _table(
        "Actors",
        ["name", "kind", "roles", "forms [articles]", "merged by", "id"],
        [
            [
                f"**{cell(a.name)}**",
                a.kind,
                cell("; ".join(a.roles)) or "—",
                "; ".join(f"{cell(f.form)} [{', '.join(ctx.label[i] for i in f.article_ids)}]" for f in a.forms),
                cell("; ".join(dict.fromkeys(relabel(rule, ctx.label) for rule in a.merged_by))) or "—",
                a.id,
            ]
            for a in brief.actors
        ],
    )
    out += _claims(ctx)
    out += _table(
        "Figures",
        ["figure", "counts", "source", "applies to", "evidence", "id"],
        [
            [cell(ctx.quantity(f)), cell(f.counts), ctx.who(f.source_id, f.source), cell(f.applies_to) or "—", ctx.cite(f.evidence), f.id]
            for f in ctx.shown.figures
        ],
    )
    left_out = [caps.more_figures(ctx.shown.left_out[r.id], ctx.label[r.id]) for r in brief.articles if r.id in ctx.shown.left_out]
    if left_out:
        out += [f"- {line[0].upper()}{line[1:]}." for line in left_out] + [""]
    if brief.issues:
        out += _table(
            "Issues",
            ["issue", "for", "against", "stances", "linked by", "id"],
            [
                [
                    f"**{cell(i.issue)}**" + (" (contested)" if i.contested else ""),
                    cell(", ".join(i.support)) or "—",
                    cell(", ".join(i.oppose)) or "—",
                    ", ".join(i.stance_ids),
                    i.made_by,
                    i.id,
                ]
                for i in brief.issues
            ],
            intro="Stance targets that are one issue, and who stands where on it.",
        )
    if brief.stance_matrix:
        out += _table(
            "Stance matrix",
            ["holder", "stance", "target", "evidence"],
            [
                [
                    cell(c.holder),
                    f"**{_STANCE_WORDS[c.polarity]}**",
                    cell(c.target),
                    "<br>".join(f"{ctx.cite(ctx.stance[i].evidence)} · {i}" for i in c.stance_ids),
                ]
                for c in brief.stance_matrix
            ],
        )
    if brief.timeline:
        out += _table(
            "Timeline",
            ["date", "what", "dated by", "evidence"],
            [
                [
                    _day(e.date, e.precision),
                    cell(e.text if e.expression == "article date" else e.expression),
                    cell(e.resolved_by),
                    ctx.cite(e.evidence),
                ]
                for e in brief.timeline
            ],
        )
    out += _table(
        "Figure coverage",
        ["article", "figures / numbers stated", "numbers without a figure"],
        [[ctx.label[c.article_id], f"{c.found} / {c.stated}", _numbers(c.missing)] for c in brief.coverage],
        intro="Numbers the article states (found by a deterministic scan) against the verified figures that cover them.",
    )
    if brief.unverified:
        out += [
            "### Unverified",
            "",
            "Items that failed a check (quote not in the article, value not in the quote, unknown speaker) "
            "after the reasks. They are not used above.",
            "",
        ]
        out += [f"- {u.item}: {cell(u.summary)} — {cell(u.reason)}: {ctx.cite(u.evidence)}" for u in brief.unverified]
        out.append("")
    if brief.failed:
        out += _table(
            "Failed articles",
            ["file", "stage", "requests", "reason"],
            [[cell(f.path), f.stage, str(f.attempts), cell(f.reason)] for f in brief.failed],
        )
    if brief.skipped:
        out += _table(
            "Skipped files",
            ["file", "why"],
            [[cell(f.path), cell(f.reason)] for f in brief.skipped],
            intro="Files of the folder that are not articles (an unsupported type): not read, and not counted as failures.",
        )
    u = brief.usage
    out += [
        "### Usage",
        "",
        f"{u.requests} request(s), {u.prompt_tokens:,} prompt + {u.completion_tokens:,} completion = "
        f"{u.total_tokens:,} tokens, {u.reasks} reask(s), {u.transport_retries} transport retr{'y' if u.transport_retries == 1 else 'ies'}."
        + (f" {u.abandoned} request(s) abandoned (timed out or cancelled): the tokens spent on them are not counted." if u.abandoned else "")
        + (f" {u.not_sent:,} request(s) not spent on copies (each copy at its report's requests)." if u.not_sent else "")
        + cell(batch_usage(brief)),
        "",
    ]
    return out


def _numbers(missing: list[str]) -> str:
    shown, more = caps.first(missing)
    return cell("; ".join(shown + ([caps.more_numbers(more)] if more else []))) or "—"


def _claims(ctx: _Context) -> list[str]:
    out = ["### Claims", ""]
    by_speaker: dict[str, list[BriefClaim]] = defaultdict(list)
    for c in ctx.brief.claims:
        by_speaker[ctx.who(c.speaker_id, c.speaker)].append(c)
    for speaker, claims in by_speaker.items():
        out += [f"**{speaker}**", ""]
        for c in claims:
            hedge = ", hedged" if c.hedged else ""
            out.append(f"- {cell(c.text)} ({c.kind}{hedge}) {ctx.cite(c.evidence)} · {c.id}")
        out.append("")
    return out

