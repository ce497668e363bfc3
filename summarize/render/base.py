"""Render a brief as JSON (the shape ``schemas/brief.schema.json`` publishes; the tests
validate real output against it, a run does not); helpers every format shares.

The Markdown brief is :mod:`summarize.render.markdown`.
"""

from __future__ import annotations

import json
import re

from summarize import lang
from summarize.defaults import DEFAULT_TOP
from summarize.lang import units
from summarize.models import Brief, Evidence, StageProblem, Story
from summarize.render import escape

BOUND_WORDS = units.BOUND_WORDS




def leading(brief: Brief, top: int = DEFAULT_TOP) -> tuple[list[Story], list[Story]]:
    """The stories that lead the brief (a section each) and the rest (one line each).

    ``brief.stories`` is already ranked.  Stories carried by two or more independent reports
    lead, at most ``top`` of them; a week with no more stories than ``top`` shows every story,
    so a small folder of unrelated articles still gets its sections.  Otherwise a story of
    one report never takes a place at the top.
    """
    stories = brief.stories
    if len(stories) <= top:
        return list(stories), []
    lead = [s for s in stories if len(s.article_ids) > 1][:top]
    chosen = {s.id for s in lead}
    return lead, [s for s in stories if s.id not in chosen]


_ARTICLE_ID = re.compile(r"article ([0-9a-f]{16})")


def relabel(text: str, label: dict[str, str]) -> str:
    """``text`` with each ``article <16-hex id>`` the brief knows written with its short label
    (``article #3``), in one pass; an id the brief does not know stays as it is."""
    return _ARTICLE_ID.sub(lambda m: f"article {label[m[1]]}" if m[1] in label else m[0], text)


def to_json(brief: Brief) -> str:
    """The brief as JSON.  Its shape is the models' (pydantic built and checked the brief);
    validating it against the published schema on every run cost seconds on a large brief,
    so the tests do it instead."""
    return json.dumps(brief.to_jsonable(), indent=2, ensure_ascii=False) + "\n"


def quantity(figure, language: str = lang.DEFAULT) -> str:
    """A figure's value with its unit as people write it ("£2.4bn", "1 decade", "5%"):
    :func:`summarize.lang.units.quantity`; ``language``: its article's."""
    return units.quantity(figure.value, figure.unit, figure.bound, language)


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
    if brief.batch is not None:
        return f"{cell(batch_answers(brief))}; {what}. Generated {brief.generated_at}."
    return f"Live answers from {cell(p.endpoint)}; {what}. Generated {brief.generated_at}."


def batch_answers(brief: Brief) -> str:
    """Where a brief made from a batch got its answers (plain text: each renderer escapes it)."""
    b, host = brief.batch, brief.producer.endpoint or "the endpoint"
    return (
        f"Answers from the Batch API (batch {b.batch_id} at {host}); what the batch did not answer well, "  # type: ignore[union-attr]
        f"and the requests that follow a first answer (gleaning, links, the summary), live from {host}"
    )


def batch_usage(brief: Brief) -> str:
    """What the brief's batch spent, for the usage line ("" without a batch)."""
    b = brief.batch
    if b is None:
        return ""
    return (
        f" The Batch API (batch {b.batch_id}): {b.requests} request(s), {b.prompt_tokens:,} prompt + "
        f"{b.completion_tokens:,} completion = {b.total_tokens:,} tokens, billed by the batch (not in the count above)."
    )


def lacking(brief: Brief) -> list[StageProblem]:
    """What the brief lacks, and why: a stage that failed, or an answer the model did not
    give (the summary, the model's links)."""
    return [*brief.missing, *brief.unanswered]


FUZZY_MARK = " (fuzzy match)"
"""After a quote that aligned only once spacing, case, punctuation or function words were
forgiven: what the HTML page draws in blue with a dashed underline."""


def fuzzy_mark(evidence: list[Evidence]) -> str:
    """:data:`FUZZY_MARK` when any of these evidence spans aligned fuzzily, else nothing."""
    return FUZZY_MARK if any(ev.alignment == "fuzzy" for ev in evidence) else ""
