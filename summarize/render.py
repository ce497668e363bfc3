"""Render a brief as Markdown or as JSON validated against ``schemas/brief.schema.json``."""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache

import jsonschema

from .models import Brief, Evidence, Figure
from .resources import data_dir

_BOUND_WORDS = {
    "exact": "",
    "approximate": "about ",
    "more_than": "more than ",
    "less_than": "less than ",
    "at_least": "at least ",
    "at_most": "at most ",
}


@lru_cache(maxsize=1)
def brief_schema() -> dict:
    return json.loads((data_dir("schemas") / "brief.schema.json").read_text(encoding="utf-8"))


def to_json(brief: Brief) -> str:
    """The brief as JSON; raises ``jsonschema.ValidationError`` if it breaks the published schema."""
    data = brief.to_jsonable()
    jsonschema.validate(data, brief_schema())
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def format_value(figure: Figure) -> str:
    value = figure.value
    number = f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{_BOUND_WORDS[figure.bound]}{number}"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ").strip()


def _table(title: str, headers: list[str], rows: list[list[str]], intro: str | None = None) -> list[str]:
    lines = [f"## {title}", ""]
    if intro:
        lines += [intro, ""]
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "---|" * len(headers))
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def to_markdown(brief: Brief) -> str:
    label = {ref.id: f"#{i}" for i, ref in enumerate(brief.articles, 1)}

    def cite(ev: Evidence) -> str:
        return f"“{_cell(ev.quote)}” [{label.get(ev.article_id, ev.article_id[:8])}]"

    actor_name = {a.id: a.name for a in brief.actors}

    def who(actor_id: str | None, fallback: str) -> str:
        return _cell(actor_name.get(actor_id or "", fallback))

    n = len(brief.articles)
    out: list[str] = [f"# Brief: {n} article{'s' if n != 1 else ''}", "", _provenance(brief), ""]

    if brief.summary and brief.summary.sentences:
        out += ["## Summary", ""]
        out += [f"- {_cell(s.text)} [{', '.join(s.cites)}]" for s in brief.summary.sentences]
        if brief.summary.dropped:
            out.append(f"- ({brief.summary.dropped} sentence(s) left out: they cited items that are not in this brief)")
        out.append("")

    out += _table(
        "Articles",
        ["#", "title", "date", "file", "id"],
        [[label[r.id], _cell(r.title), str(r.date or "—"), _cell(r.path), f"`{r.id}`"] for r in brief.articles],
    )
    out += _table(
        "Actors",
        ["id", "name", "kind", "roles", "forms [articles]", "merged by"],
        [
            [
                a.id,
                f"**{_cell(a.name)}**",
                a.kind,
                _cell("; ".join(a.roles)) or "—",
                "; ".join(f"{_cell(f.form)} [{', '.join(label[i] for i in f.article_ids)}]" for f in a.forms),
                _cell("; ".join(_relabel(rule, label) for rule in a.merged_by)) or "—",
            ]
            for a in brief.actors
        ],
    )

    claim = {c.id: c for c in brief.claims}
    corroborated = [k for k in brief.claim_clusters if len(k.claim_ids) > 1]
    if corroborated:
        out += ["## Corroborated claims", ""]
        for k in sorted(corroborated, key=lambda k: (-k.corroboration, int(k.id[1:]))):
            out.append(f"- {k.id} **{_cell(k.text)}** — {k.corroboration} article(s); sources: {_cell(', '.join(k.sources))}")
            out += [f"  - {c}: {cite(claim[c].evidence)}" for c in k.claim_ids]
        out.append("")
    def side(claim_id: str) -> list[str]:
        c = claim[claim_id]
        return [f"{claim_id} {who(c.speaker_id, c.speaker)}: {_cell(c.text)}", cite(c.evidence)]

    if brief.contested:
        out += _table(
            "Contested",
            ["id", "claim", "evidence", "versus", "evidence", "about"],
            [[x.id, *side(x.claim_ids[0]), *side(x.claim_ids[1]), _cell(", ".join(x.topic))] for x in brief.contested],
            intro="Claims from different articles where one denies what the other reports.",
        )

    out += ["## Claims", ""]
    by_speaker: dict[str, list] = defaultdict(list)
    for c in brief.claims:
        by_speaker[who(c.speaker_id, c.speaker)].append(c)
    for speaker, claims in by_speaker.items():
        out += [f"**{speaker}**", ""]
        for c in claims:
            hedge = ", hedged" if c.hedged else ""
            out.append(f"- {c.id} ({c.kind}{hedge}) {c.text} — {cite(c.evidence)}")
        out.append("")

    out += _table(
        "Figures",
        ["id", "value", "unit", "counts", "source", "applies to", "evidence"],
        [
            [f.id, format_value(f), _cell(f.unit), _cell(f.counts), who(f.source_id, f.source), _cell(f.applies_to) or "—", cite(f.evidence)]
            for f in brief.figures
        ],
    )
    if not brief.figure_groups:
        out += ["## Figures compared across sources", "", "No two sources give figures that count the same thing.", ""]
    else:
        date_of = {ref.id: str(ref.date or "undated") for ref in brief.articles}
        figure = {f.id: f for f in brief.figures}
        out += _table(
            "Figures compared across sources",
            ["group", "counts", "unit", "values (source, article, date)", "verdict"],
            [
                [
                    g.id,
                    _cell(g.counts),
                    _cell(g.unit),
                    "; ".join(
                        f"{format_value(figure[i])} ({who(figure[i].source_id, figure[i].source)}, "
                        f"{label.get(figure[i].evidence.article_id, '?')}, {date_of.get(figure[i].evidence.article_id, '?')}, {i})"
                        for i in g.figure_ids
                    ),
                    "**conflict**" if g.conflict else "agree",
                ]
                for g in brief.figure_groups
            ],
        )

    stance = {s.id: s for s in brief.stances}
    mark = {"support": "supports", "oppose": "opposes", "neutral": "neutral on", "mixed": "mixed on"}
    out += _table(
        "Stance matrix",
        ["holder", "stance", "target", "evidence"],
        [
            [
                _cell(cell.holder),
                f"**{mark[cell.polarity]}**",
                _cell(cell.target),
                "<br>".join(f"{i} ({stance[i].polarity}): {cite(stance[i].evidence)}" for i in cell.stance_ids),
            ]
            for cell in brief.stance_matrix
        ],
    )

    if brief.timeline:
        out += _table(
            "Timeline",
            ["date", "what", "dated by", "evidence"],
            [
                [
                    _date(e.date, e.precision),
                    _cell(e.text if e.expression == "article date" else e.expression),
                    _cell(e.resolved_by),
                    cite(e.evidence),
                ]
                for e in brief.timeline
            ],
        )

    out += _table(
        "Figure coverage",
        ["article", "figures / numbers stated", "numbers without a figure"],
        [[label[c.article_id], f"{c.found} / {c.stated}", _cell("; ".join(c.missing)) or "—"] for c in brief.coverage],
        intro="Numbers the article states (found by a deterministic scan) against the verified figures that cover them.",
    )

    if brief.unverified:
        out += [
            "## Unverified",
            "",
            "Items that failed a check (quote not in the article, value not in the quote, unknown speaker) "
            "after the reasks. They are not used above.",
            "",
        ]
        out += [f"- {u.item}: {_cell(u.summary)} — {_cell(u.reason)}: {cite(u.evidence)}" for u in brief.unverified]
        out.append("")

    if brief.failed:
        out += _table(
            "Failed articles",
            ["file", "stage", "attempts", "reason"],
            [[_cell(f.path), f.stage, str(f.attempts), _cell(f.reason)] for f in brief.failed],
        )

    u = brief.usage
    out += [
        "## Usage",
        "",
        f"{u.requests} request(s), {u.prompt_tokens:,} prompt + {u.completion_tokens:,} completion = "
        f"{u.total_tokens:,} tokens, {u.reasks} reask(s), {u.transport_retries} transport retr{'y' if u.transport_retries == 1 else 'ies'}.",
        "",
    ]
    return "\n".join(out)


def _date(when, precision: str) -> str:
    return {"day": when.isoformat(), "month": when.strftime("%Y-%m"), "year": str(when.year)}[precision]


def _relabel(text: str, label: dict[str, str]) -> str:
    """Article ids in a rule, shown as the brief's article numbers."""
    for article_id, short in label.items():
        text = text.replace(f"article {article_id}", f"article {short}")
    return text


def _provenance(brief: Brief) -> str:
    p = brief.producer
    prompts = p.prompt_version + (f" and {brief.summary.prompt_version}" if brief.summary else "")
    what = f"model `{p.model}`, mode {p.mode}, prompt {prompts}"
    if p.kind == "replay":
        return f"Replayed from recordings, not a live model: {p.recordings}. Recorded with {what}."
    if p.kind == "record":
        return f"Live answers from {p.endpoint}, recorded to {p.recordings}; {what}."
    return f"Live answers from {p.endpoint}; {what}. Generated {brief.generated_at}."
