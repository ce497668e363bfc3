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


def to_markdown(brief: Brief) -> str:
    label = {ref.id: f"#{i}" for i, ref in enumerate(brief.articles, 1)}

    def cite(ev: Evidence) -> str:
        return f"“{_cell(ev.quote)}” [{label.get(ev.article_id, ev.article_id[:8])}]"

    actor_name = {a.id: a.name for a in brief.actors}
    out: list[str] = []
    add = out.append
    n = len(brief.articles)
    add(f"# Brief: {n} article{'s' if n != 1 else ''}")
    add("")
    add(_provenance(brief))
    add("")

    add("## Articles")
    add("")
    add("| # | title | date | file | id |")
    add("|---|---|---|---|---|")
    for ref in brief.articles:
        add(f"| {label[ref.id]} | {_cell(ref.title)} | {ref.date or '—'} | {_cell(ref.path)} | `{ref.id}` |")
    add("")

    add("## Actors")
    add("")
    add("| id | name | kind | roles | forms [articles] | merged by |")
    add("|---|---|---|---|---|---|")
    for a in brief.actors:
        forms = "; ".join(f"{_cell(f.form)} [{', '.join(label[i] for i in f.article_ids)}]" for f in a.forms)
        add(
            f"| {a.id} | **{_cell(a.name)}** | {a.kind} | {_cell('; '.join(a.roles)) or '—'} | {forms} | "
            f"{_cell('; '.join(_relabel(rule, label) for rule in a.merged_by)) or '—'} |"
        )
    add("")

    add("## Claims")
    add("")
    by_speaker: dict[str, list] = defaultdict(list)
    for c in brief.claims:
        by_speaker[actor_name.get(c.speaker_id or "", c.speaker)].append(c)
    for speaker, claims in by_speaker.items():
        add(f"**{speaker}**")
        add("")
        for c in claims:
            hedge = ", hedged" if c.hedged else ""
            add(f"- {c.id} ({c.kind}{hedge}) {c.text} — {cite(c.evidence)}")
        add("")

    add("## Figures")
    add("")
    add("| id | value | unit | counts | source | applies to | evidence |")
    add("|---|---|---|---|---|---|---|")
    for f in brief.figures:
        source = actor_name.get(f.source_id or "", f.source)
        add(
            f"| {f.id} | {format_value(f)} | {_cell(f.unit)} | {_cell(f.counts)} | {_cell(source)} | "
            f"{_cell(f.applies_to) or '—'} | {cite(f.evidence)} |"
        )
    add("")

    add("## Stances")
    add("")
    add("| id | holder | stance | target | evidence |")
    add("|---|---|---|---|---|")
    for s in brief.stances:
        holder = actor_name.get(s.holder_id or "", s.holder)
        target = actor_name.get(s.target_id or "", s.target)
        add(f"| {s.id} | {_cell(holder)} | {s.polarity} | {_cell(target)} | {cite(s.evidence)} |")
    add("")

    if brief.unverified:
        add("## Unverified")
        add("")
        add("Items whose quote could not be found in their article. They are not used above.")
        add("")
        for u in brief.unverified:
            add(f"- {u.item}: {_cell(u.summary)} — {u.reason}: {cite(u.evidence)}")
        add("")

    if brief.failed:
        add("## Failed articles")
        add("")
        add("| file | stage | attempts | reason |")
        add("|---|---|---|---|")
        for f in brief.failed:
            add(f"| {_cell(f.path)} | {f.stage} | {f.attempts} | {_cell(f.reason)} |")
        add("")

    u = brief.usage
    add("## Usage")
    add("")
    add(
        f"{u.requests} request(s), {u.prompt_tokens:,} prompt + {u.completion_tokens:,} completion = "
        f"{u.total_tokens:,} tokens, {u.reasks} reask(s)."
    )
    add("")
    return "\n".join(out)


def _relabel(text: str, label: dict[str, str]) -> str:
    """Article ids in a rule, shown as the brief's article numbers."""
    for article_id, short in label.items():
        text = text.replace(f"article {article_id}", f"article {short}")
    return text


def _provenance(brief: Brief) -> str:
    p = brief.producer
    what = f"model `{p.model}`, mode {p.mode}, prompt {p.prompt_version}"
    if p.kind == "replay":
        return f"Replayed from recordings, not a live model: {p.recordings}. Recorded with {what}."
    if p.kind == "record":
        return f"Live answers from {p.endpoint}, recorded to {p.recordings}; {what}."
    return f"Live answers from {p.endpoint}; {what}. Generated {brief.generated_at}."
