"""What extracting an article would cost, before any call: requests and tokens, from the same
splitting, prompts and answer bounds a run uses.

Tokens are estimated at :data:`summarize.extract.bounds.CHARS_PER_TOKEN` characters each (no
tokenizer).  The counts are those of a run where every answer passes its checks at once:
each reask repeats a request with the earlier answer and the problems added.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from summarize.extract import bounds, chunks, passages
from summarize.extract.prompting import extraction_prompt, gleaning_prompt
from summarize.models import Article, ExtractionDraft, FigureGleaning
from summarize.verify import numbers


@dataclass(frozen=True)
class Cost:
    parts: int
    requests: int
    """Extraction requests, plus one gleaning request when the article states numbers
    (sent only if the model leaves some out)."""
    prompt_tokens: int
    output_tokens: int
    """The sum of the ``max_tokens`` the requests would carry: the most their answers can take."""

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.output_tokens


@lru_cache(maxsize=None)
def _schema_tokens(model: type) -> int:
    return bounds.tokens(len(json.dumps(model.model_json_schema())))


def _prompt_tokens(messages: list[dict[str, str]], model: type) -> int:
    return bounds.tokens(sum(len(m["content"]) for m in messages)) + _schema_tokens(model)


def article_cost(article: Article, chunk_chars: int, max_output_tokens: int) -> Cost:
    parts = chunks.split(article.text, chunk_chars)
    prompt = output = 0
    for part in parts:
        messages = extraction_prompt(article, part.text, part=(part.start, len(parts)) if len(parts) > 1 else None).messages
        prompt += _prompt_tokens(messages, ExtractionDraft)
        output += bounds.output_limit(ExtractionDraft, len(part.text), max_output_tokens)
    requests = len(parts)
    stated = numbers.scan(article.text, article.language)
    if stated:  # at most: every number left out
        shown, held = passages.around(article.text, [(m.start, m.end) for m in stated], chunk_chars)
        excerpt = passages.GAP.join(p.text for p in shown)
        listed = [m.text for m in stated[:held]]
        prompt += _prompt_tokens(gleaning_prompt(article, listed, excerpt).messages, FigureGleaning)
        output += bounds.output_limit(FigureGleaning, len(excerpt), max_output_tokens)
        requests += 1
    return Cost(parts=len(parts), requests=requests, prompt_tokens=prompt, output_tokens=output)
