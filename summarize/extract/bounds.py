"""How long one answer may be, and what an answer cut off at that length means.

Every request carries a ``max_tokens``, so a model that loops costs a bounded amount.  The
limit follows from what the answer can hold: the schema's field names (an answer restates
them) plus the text it is about (every item quotes it, names and keys around each quote),
capped by ``--max-output-tokens``:

    limit = min(cap, schema tokens + ANSWER_PER_SOURCE_TOKEN × source tokens)

Tokens are estimated at ``CHARS_PER_TOKEN`` characters each; no tokenizer is needed for a
bound.  An answer cut off at its limit means one of two things:

* the **input is long** for the limit: the limit was the cap, or the endpoint stopped the
  answer before it (its own output limit), short of what the text can need.  Splitting the
  text into smaller parts helps;
* the **output ran away**: the answer reached everything the text could need and kept
  going (a model repeating itself).  Splitting only multiplies such answers, so the part
  is reported instead.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

from pydantic import BaseModel

from summarize.defaults import DEFAULT_MAX_OUTPUT_TOKENS

CHARS_PER_TOKEN = 4
"""English prose averages about four characters per token."""
ANSWER_PER_SOURCE_TOKEN = 4
"""An extraction quotes its text, often more than once, with keys and names around each quote."""
MIN_OUTPUT_TOKENS = 256


def tokens(chars: int) -> int:
    return math.ceil(chars / CHARS_PER_TOKEN)


@lru_cache(maxsize=None)
def _schema_tokens(response_model: type[BaseModel]) -> int:
    return tokens(len(json.dumps(response_model.model_json_schema())))


def needed(response_model: type[BaseModel], source_chars: int) -> int:
    """The most an honest answer about ``source_chars`` of text can take, uncapped."""
    return max(MIN_OUTPUT_TOKENS, _schema_tokens(response_model) + ANSWER_PER_SOURCE_TOKEN * tokens(source_chars))


def output_limit(response_model: type[BaseModel], source_chars: int, cap: int = DEFAULT_MAX_OUTPUT_TOKENS) -> int:
    """The ``max_tokens`` sent with a request for ``response_model`` about ``source_chars`` of text."""
    return min(cap, needed(response_model, source_chars))


def ran_away(response_model: type[BaseModel], source_chars: int, cut_at: int) -> bool:
    """An answer cut off after ``cut_at`` tokens had already had all that the text can need."""
    return cut_at >= needed(response_model, source_chars)
