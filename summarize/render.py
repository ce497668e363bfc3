"""Render a brief as JSON validated against ``schemas/brief.schema.json``; helpers every format shares.

The Markdown brief is :mod:`summarize.markdown`.
"""

from __future__ import annotations

import json
from functools import lru_cache

import jsonschema

from . import escape
from .models import Brief, Figure
from .resources import data_dir

BOUND_WORDS = {
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
