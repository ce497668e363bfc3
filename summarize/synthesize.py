"""The cited executive summary: one model call over the merged brief.

Every sentence must cite ids of items in the brief.  Citations to ids that do not exist
are sent back to the model (a reask naming them); what still cites nothing real after the
reasks is dropped, never shown.
"""

from __future__ import annotations

from . import checks
from .llm import ModelClient
from .models import Brief, Summary, SummaryDraft, SummarySentence
from .prompting import summary_prompt


def citable_ids(brief: Brief) -> set[str]:
    groups = (brief.actors, brief.claims, brief.figures, brief.stances, brief.claim_clusters, brief.contested, brief.figure_groups)
    return {item.id for group in groups for item in group}


def citation_problems(draft: SummaryDraft, known: set[str]) -> list[str]:
    problems = []
    for index, sentence in enumerate(draft.sentences):
        unknown = [c for c in sentence.cites if c not in known]
        if unknown:
            problems.append(f"sentences[{index}]: {', '.join(unknown)} not in the brief")
        elif not sentence.cites:
            problems.append(f"sentences[{index}]: cites nothing")
    return problems


def _validator(known: set[str]):
    return checks.raising(
        lambda draft: citation_problems(draft, known),
        "citation_check",
        "sentence(s) cite ids that are not in the brief. Cite only listed ids",
    )


def summarize_brief(brief: Brief, client: ModelClient, max_retries: int = 2) -> Summary:
    """Raises :class:`summarize.llm.ModelError` when no usable answer came back."""
    prompt = summary_prompt(brief)
    known = citable_ids(brief)
    answer = client.structured(prompt.messages, SummaryDraft, context={"check": _validator(known)}, max_retries=max_retries)
    kept = [
        SummarySentence(text=s.text, cites=list(dict.fromkeys(s.cites)))
        for s in answer.value.sentences
        if s.cites and all(c in known for c in s.cites)
    ]
    return Summary(
        sentences=kept,
        dropped=len(answer.value.sentences) - len(kept),
        prompt_version=prompt.version,
        usage=answer.usage,
    )
