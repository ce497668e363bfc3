"""Extract one article: render the prompt, ask the model, ground every quote."""

from __future__ import annotations

from pydantic_core import PydanticCustomError

from . import ground
from .llm import ModelClient
from .models import (
    Actor,
    Article,
    ArticleExtraction,
    ArticleRef,
    Claim,
    ExtractionDraft,
    Figure,
    Stance,
)
from .prompting import extraction_prompt

DEFAULT_MAX_RETRIES = 2


def quote_check(article: Article):
    """A validator for the reask loop: fails, naming each item, when a quote is not in the article."""

    def check(draft: ExtractionDraft) -> None:
        problems = ground.unaligned(draft, article.text)
        if problems:
            raise PydanticCustomError(
                "quote_not_found",
                "{count} quote(s) are not verbatim passages of the article. Copy each quote "
                "character for character from the article, or drop the item:\n{problems}",
                {"count": len(problems), "problems": "\n".join(problems)},
            )

    return check


def extract_article(article: Article, client: ModelClient, max_retries: int = DEFAULT_MAX_RETRIES) -> ArticleExtraction:
    """Raises :class:`summarize.llm.ModelError` when no usable answer came back."""
    prompt = extraction_prompt(article)
    answer = client.structured(
        prompt.messages,
        ExtractionDraft,
        context={"quote_check": quote_check(article)},
        max_retries=max_retries,
    )
    return ground_draft(article, answer.value, attempts=answer.attempts, usage=answer.usage, prompt_version=prompt.version)


def ground_draft(article: Article, draft: ExtractionDraft, **meta) -> ArticleExtraction:
    """Replace each item's quote with evidence located in the article (unaligned when absent)."""

    def grounded(cls, item):
        fields = item.model_dump(exclude={"quote"})
        return cls(**fields, evidence=ground.evidence(item.quote, article.text, article.id))

    return ArticleExtraction(
        article=ArticleRef(**article.model_dump(exclude={"text"})),
        actors=[grounded(Actor, a) for a in draft.actors],
        claims=[grounded(Claim, c) for c in draft.claims],
        figures=[grounded(Figure, f) for f in draft.figures],
        stances=[grounded(Stance, s) for s in draft.stances],
        **meta,
    )
