"""Render a brief as JSON (the shape ``schemas/brief.schema.json`` publishes; the tests
validate real output against it, a run does not); helpers every format shares.

The Markdown brief is :mod:`summarize.render.markdown`.
"""

from __future__ import annotations

import json

from summarize.models import Brief, Evidence, Figure
from summarize.render import escape

BOUND_WORDS = {
    "exact": "",
    "approximate": "about ",
    "more_than": "more than ",
    "less_than": "less than ",
    "at_least": "at least ",
    "at_most": "at most ",
}


def to_json(brief: Brief) -> str:
    """The brief as JSON.  Its shape is the models' (pydantic built and checked the brief);
    validating it against the published schema on every run cost seconds on a large brief,
    so the tests do it instead."""
    return json.dumps(brief.to_jsonable(), indent=2, ensure_ascii=False) + "\n"


def format_value(figure: Figure) -> str:
    value = figure.value
    number = f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{BOUND_WORDS[figure.bound]}{number}"


def cell(text: str | None) -> str:
    """Model or article text on one Markdown line (a table cell or a list item), escaped."""
    return escape.markdown(text)


def provenance(brief: Brief) -> str:
    p = brief.producer
    prompts = p.prompt_version + (f" and {brief.summary.prompt_version}" if brief.summary else "")
    what = f"model {escape.code(p.model)}, mode {cell(p.mode)}, prompt {cell(prompts)}"
    if p.kind == "replay":
        return f"Replayed from recordings, not a live model: {cell(p.recordings)}. Recorded with {what}."
    if p.kind == "record":
        return f"Live answers from {cell(p.endpoint)}, recorded to {cell(p.recordings)}; {what}."
    return f"Live answers from {cell(p.endpoint)}; {what}. Generated {brief.generated_at}."


FUZZY_MARK = " (fuzzy match)"
"""After a quote that aligned only once spacing, case, punctuation or function words were
forgiven: what the HTML page draws in blue with a dashed underline."""


def fuzzy_mark(evidence: list[Evidence]) -> str:
    """:data:`FUZZY_MARK` when any of these evidence spans aligned fuzzily, else nothing."""
    return FUZZY_MARK if any(ev.alignment == "fuzzy" for ev in evidence) else ""
