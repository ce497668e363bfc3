"""Look at a raw chat completion before instructor parses it.

* :func:`cut_off` says whether the answer stopped before it was finished.  ``finish_reason``
  alone is not trusted: some servers (llama-cpp-python) report ``tool_calls`` or ``stop``
  for an answer that hit the token limit.  An answer is cut off when the endpoint says
  ``length``, when its completion tokens reach the limit sent, or when its JSON ends in the
  middle of a value ("EOF while parsing ...").
* :func:`unreadable` says whether instructor's JSON extraction for ``md_json`` would give up
  on the text (its work limit on malformed input, its size or nesting limits): such an
  answer is not JSON the model can be shown its errors in, so it is reasked as "not valid
  JSON" rather than failing the article.
"""

from __future__ import annotations

import re
from typing import Any

import pydantic_core

_OPENING_FENCE = re.compile(r"```(?:json)?[ \t]*\n?")


def payload(completion: Any, mode: str) -> str:
    """The text that should hold the answer's JSON: tool arguments, or the message content
    (for ``md_json``, inside its code fence, even one that was never closed)."""
    message = completion.choices[0].message
    calls = getattr(message, "tool_calls", None) or []
    if mode == "tools" and calls:
        return calls[0].function.arguments or ""
    text = getattr(message, "content", None) or ""
    if mode == "md_json":
        opening = _OPENING_FENCE.search(text)
        if opening:
            inside = text[opening.end() :]
            closing = inside.find("```")
            return inside if closing < 0 else inside[:closing]
    return text


def ends_mid_value(text: str) -> bool:
    """JSON that stops inside a string, list, object or value."""
    text = text.rstrip()  # a closing code fence's line break is not part of the JSON
    if not text:
        return False
    try:
        pydantic_core.from_json(text)
    except ValueError as err:
        return str(err).startswith("EOF while parsing")
    return False


def completion_tokens(completion: Any) -> int:
    return int(getattr(getattr(completion, "usage", None), "completion_tokens", 0) or 0)


def cut_off(completion: Any, mode: str, limit: int | None) -> str | None:
    """Why the answer counts as cut off, or None when it was finished."""
    used = completion_tokens(completion)
    if completion.choices[0].finish_reason == "length":
        return f"the endpoint stopped it at its output limit (finish_reason=length, {used:,} tokens)"
    if limit and used >= limit:
        return f"it used all {limit:,} output tokens allowed"
    if ends_mid_value(payload(completion, mode)):
        return f"its JSON ends in the middle of a value after {used:,} tokens"
    return None


def unreadable(text: str) -> str | None:
    """Instructor's reason for refusing to look for JSON in ``text``, or None."""
    try:
        from instructor.v2.core.json import extract_json_from_codeblock
    except ImportError:  # an instructor without the bounded extractor cannot refuse
        return None
    try:
        extract_json_from_codeblock(text)
    except ValueError as err:
        return str(err)
    return None
