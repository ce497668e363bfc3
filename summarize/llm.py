"""The only module that talks to the model: instructor over the ``openai`` client.

Works with any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp's server).

Two retry loops, kept apart:

* **transport** (tenacity, here): timeouts, connection errors, HTTP 408, 409, 429 and 5xx
  are sent again with exponential backoff and jitter, honouring ``Retry-After``.  The
  SDK's own retries are off, so nothing stacks.  Authentication, permission, not-found,
  bad-request and ``insufficient_quota`` errors are final.
* **reask** (instructor's): an answer that fails validation, including the checks of
  :mod:`summarize.checks`, is sent back to the model with the problems.  When the loop gives
  up, the last answer is parsed without the checks so that its items can be kept and
  marked unverified.

An answer cut off at the output limit (``finish_reason=length``) raises
:class:`TruncatedAnswer` and a refusal or content filter raises :class:`Refused`; neither is
retried.  Every HTTP answer's tokens are counted, failed attempts included.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import instructor
import openai
from instructor.core import Instructor, InstructorError, InstructorRetryException
from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from .models import Usage

Mode = Literal["tools", "json_schema", "md_json"]
MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 120.0
DEFAULT_TRANSPORT_RETRIES = 4
RETRYABLE_STATUS = {408, 409, 429}  # and every 5xx

T = TypeVar("T", bound=BaseModel)

# instructor logs every failed attempt at ERROR; this module reports failures itself.
logging.getLogger("instructor").addHandler(logging.NullHandler())
logging.getLogger("instructor").propagate = False


@dataclass(frozen=True)
class ModelSettings:
    model: str
    mode: Mode
    base_url: str | None
    api_key: str
    timeout: float = DEFAULT_TIMEOUT
    transport_retries: int = DEFAULT_TRANSPORT_RETRIES
    max_wait: float = 60.0
    """Longest pause between transport retries, Retry-After included."""
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    on_retry: Callable[[str], None] | None = field(default=None, compare=False)
    """Told, in one line, about each transport retry before its wait."""


@dataclass
class Answer:
    """A parsed answer, how many model answers it took, and what they cost."""

    value: Any
    """When the reask loop ran out, the last answer parsed without the validation context."""
    attempts: int
    usage: Usage


class ModelError(Exception):
    """The endpoint gave no usable answer.  ``attempts`` and ``usage`` say what it cost."""

    def __init__(self, message: str, attempts: int = 0, usage: Usage | None = None):
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage or Usage()


class TruncatedAnswer(ModelError):
    """The answer hit the model's output limit (finish_reason=length)."""


class Refused(ModelError):
    """The model refused, or a content filter stopped the answer."""


class KeyRefused(ModelError):
    """The endpoint refused the API key (HTTP 401): no later request can succeed either."""


class _Truncated(Exception):
    pass


class _Refused(Exception):
    pass


class ModelClient:
    def __init__(self, settings: ModelSettings):
        self.settings = settings
        self._raw = openai.OpenAI(
            api_key=settings.api_key, base_url=settings.base_url, timeout=settings.timeout, max_retries=0
        )
        mode = MODES[settings.mode]
        self._client = Instructor(client=self._raw, create=instructor.patch(create=self._send, mode=mode), mode=mode)
        self._tally = Usage()
        self._answers = 0

    # ------------------------------------------------------------------ transport

    def _send(self, *args: Any, **kwargs: Any) -> Any:
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.transport_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_retryable),
            sleep=self.settings.sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )
        response = retrying(self._send_once, *args, **kwargs)
        choice = response.choices[0]
        if choice.finish_reason == "length":
            raise _Truncated("the answer was cut off at the model's output limit (finish_reason=length)")
        refusal = getattr(choice.message, "refusal", None)
        if refusal or choice.finish_reason == "content_filter":
            raise _Refused(_first_line(refusal or "the provider's content filter stopped the answer"))
        return response

    def _send_once(self, *args: Any, **kwargs: Any) -> Any:
        self._tally.requests += 1
        response = self._raw.chat.completions.create(*args, **kwargs)
        self._answers += 1
        usage = getattr(response, "usage", None)
        self._tally.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
        self._tally.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        return response

    def _count_retry(self, state: RetryCallState) -> None:
        self._tally.transport_retries += 1
        if self.settings.on_retry and state.outcome is not None and state.next_action is not None:
            why = _api_error_message(state.outcome.exception(), self.settings.timeout)
            self.settings.on_retry(
                f"retry {state.attempt_number}/{self.settings.transport_retries} in {state.next_action.sleep:.1f} s: {why}"
            )

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        told = _retry_after(exc)
        if told is not None:
            return min(told, self.settings.max_wait)
        backoff = min(self.settings.max_wait, 2.0 ** (state.attempt_number - 1))
        return backoff + random.uniform(0, backoff / 2)

    # ------------------------------------------------------------------ structured answers

    def structured(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        context: dict[str, Any],
        max_retries: int,
    ) -> Answer:
        """Ask for ``response_model``; reask up to ``max_retries`` times on validation errors."""
        self._tally, self._answers = Usage(), 0
        try:
            value, _ = self._client.chat.completions.create_with_completion(
                model=self.settings.model,
                messages=messages,
                response_model=response_model,
                max_retries=max_retries,
                temperature=0,
                context=context,
            )
        except InstructorRetryException as err:
            cause = err.__cause__
            if isinstance(cause, (_Truncated, _Refused, openai.APIError)) or err.last_completion is None:
                raise self._error(cause or err) from err
            attempts = err.n_attempts or self._answers
            try:
                value = _parse_completion(err.last_completion, response_model, self.settings.mode)
            except (ValidationError, ValueError) as parse_err:
                raise ModelError(
                    f"no valid answer after {attempts} attempts: {_first_line(str(err))}", attempts, self._usage()
                ) from parse_err
            return Answer(value, attempts, self._usage())
        except (openai.APIError, InstructorError, _Truncated, _Refused) as err:
            raise self._error(err) from err
        return Answer(value, self._answers, self._usage())

    def _usage(self) -> Usage:
        return self._tally.model_copy(update={"reasks": max(self._answers - 1, 0)})

    def _error(self, err: BaseException) -> ModelError:
        usage, attempts = self._usage(), self._answers
        if isinstance(err, _Truncated):
            return TruncatedAnswer(str(err), attempts, usage)
        if isinstance(err, _Refused):
            return Refused(f"the model refused: {err}", attempts, usage)
        message = _api_error_message(err, self.settings.timeout)
        if usage.transport_retries:
            message += f" (after {usage.requests} requests)"
        kind = KeyRefused if isinstance(err, openai.AuthenticationError) else ModelError
        return kind(message, attempts, usage)


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # timeouts included
        return not _is_cassette_miss(exc)
    if isinstance(exc, openai.APIStatusError):
        if _error_code(exc) == "insufficient_quota":
            return False
        return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
    return False


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked to wait; None (back off as usual) when it asked for nothing
    usable: no header, not a number or a date (``soon``), ``nan``, infinite, or not in the future."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    told = _seconds(headers.get("retry-after-ms"), 1000) or _seconds(headers.get("retry-after"), 1)
    if told is None and headers.get("retry-after"):
        try:
            when = email.utils.parsedate_to_datetime(headers["retry-after"])
            told = when.timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    return told if told is not None and math.isfinite(told) and told > 0 else None


def _seconds(value: str | None, per_second: int) -> float | None:
    try:
        found = float(value) / per_second  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return found if math.isfinite(found) and found > 0 else None


def _error_body(exc: openai.APIStatusError) -> dict:
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("error", body)
    return inner if isinstance(inner, dict) else body


def _error_code(exc: openai.APIStatusError) -> str | None:
    body = _error_body(exc)
    return body.get("code") or body.get("type")


def _detail(exc: openai.APIStatusError) -> str:
    """The provider's own words, without the SDK's 'Error code: N - {...}' wrapping."""
    return _first_line(str(_error_body(exc).get("message") or exc.message))


def _is_cassette_miss(exc: BaseException) -> bool:
    cause: BaseException | None = exc
    while cause is not None:
        if type(cause).__name__ == "CannotOverwriteExistingCassetteException":
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _first_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _api_error_message(err: BaseException, timeout: float) -> str:
    if _is_cassette_miss(err):
        return (
            "the recorded answers do not match this request (the prompt, model or mode changed "
            "since they were recorded); re-record with --record against a configured model"
        )
    if isinstance(err, openai.APITimeoutError):
        return f"no answer within {timeout:g} s (raise --timeout for slow models)"
    if isinstance(err, openai.APIConnectionError):
        return f"cannot reach the endpoint ({_first_line(str(err.__cause__ or err))})"
    if isinstance(err, openai.AuthenticationError):
        return "the endpoint refused the API key (HTTP 401): check OPENAI_API_KEY"
    if isinstance(err, openai.PermissionDeniedError):
        return "the API key may not use this model or endpoint (HTTP 403)"
    if isinstance(err, openai.NotFoundError):
        return f"the endpoint answered HTTP 404 (check --model and --base-url): {_detail(err)}"
    if isinstance(err, openai.APIStatusError):
        if _error_code(err) == "insufficient_quota":
            return "the account has no quota left (HTTP 429 insufficient_quota): add credit or use another key"
        return f"the endpoint answered HTTP {err.status_code}: {_detail(err)}"
    return _first_line(str(err))


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def _parse_completion(completion: Any, response_model: type[T], mode: Mode) -> T:
    """Parse a chat completion into ``response_model`` with no validation context."""
    message = completion.choices[0].message
    if mode == "tools" and message.tool_calls:
        payload = message.tool_calls[0].function.arguments
    else:
        payload = message.content or ""
        if mode == "md_json":
            fenced = _FENCE.search(payload)
            payload = fenced.group(1) if fenced else payload
    json.loads(payload)  # a ValueError here names the problem more plainly than pydantic
    return response_model.model_validate_json(payload)
