"""The only module that talks to the model: instructor over the ``openai`` client.

Works with any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp's server).
Validation failures, including quotes that are not in the article, are fed back to the
model by instructor's reask loop; when the loop gives up, the last answer is parsed
without the quote check so that its items can be kept and marked unverified.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import instructor
import openai
from instructor.core import InstructorError, InstructorRetryException
from pydantic import BaseModel, ValidationError

from .models import Usage

Mode = Literal["tools", "json_schema", "md_json"]
MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 120.0

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
    sdk_retries: int = 2


@dataclass
class Answer:
    """A parsed answer, how many model answers it took, and what they cost."""

    value: Any
    attempts: int
    usage: Usage
    gave_up: str | None = None
    """When the reask loop ran out: the last validation error.  ``value`` is then the
    last answer parsed without the validation context."""


class ModelError(Exception):
    """The endpoint could not give a usable answer.  ``attempts`` and ``usage`` say what it cost."""

    def __init__(self, message: str, attempts: int = 0, usage: Usage | None = None):
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage or Usage()


class ModelClient:
    def __init__(self, settings: ModelSettings):
        self.settings = settings
        raw = openai.OpenAI(
            api_key=settings.api_key,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=settings.sdk_retries,
        )
        self._client = instructor.from_openai(raw, mode=MODES[settings.mode])
        self._requests = 0
        self._client.on("completion:kwargs", self._count_request)

    def _count_request(self, *args: Any, **kwargs: Any) -> None:
        self._requests += 1

    def structured(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        context: dict[str, Any],
        max_retries: int,
    ) -> Answer:
        """Ask for ``response_model``; reask up to ``max_retries`` times on validation errors."""
        self._requests = 0
        try:
            value, completion = self._client.chat.completions.create_with_completion(
                model=self.settings.model,
                messages=messages,
                response_model=response_model,
                max_retries=max_retries,
                temperature=0,
                context=context,
            )
        except InstructorRetryException as err:
            usage = _usage(err.total_usage, self._requests)
            attempts = err.n_attempts or self._requests
            if err.last_completion is None:
                raise ModelError(_api_error_message(err), attempts, usage) from err
            try:
                value = _parse_completion(err.last_completion, response_model, self.settings.mode)
            except (ValidationError, ValueError) as parse_err:
                raise ModelError(
                    f"no valid answer after {attempts} attempts: {_first_line(str(err))}", attempts, usage
                ) from parse_err
            return Answer(value, attempts, usage, gave_up=_first_line(str(err), 300))
        except openai.APIError as err:
            raise ModelError(_api_error_message(err), self._requests, Usage(requests=self._requests)) from err
        except InstructorError as err:  # e.g. an answer cut off at max_tokens
            raise ModelError(_first_line(str(err)), self._requests, Usage(requests=self._requests)) from err
        total = getattr(value, "_total_usage", None) or completion.usage
        return Answer(value, self._requests, _usage(total, self._requests))


def _usage(total: Any, requests: int) -> Usage:
    return Usage(
        requests=requests,
        prompt_tokens=int(getattr(total, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(total, "completion_tokens", 0) or 0),
        reasks=max(requests - 1, 0),
    )


def _first_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _api_error_message(err: BaseException) -> str:
    cause: BaseException | None = err
    while cause is not None:
        if type(cause).__name__ == "CannotOverwriteExistingCassetteException":
            return (
                "the recorded answers do not match this request (the prompt, model or mode changed "
                "since they were recorded); re-record with --record against a configured model"
            )
        if isinstance(cause, openai.AuthenticationError):
            return "the endpoint refused the API key (check OPENAI_API_KEY)"
        if isinstance(cause, openai.NotFoundError):
            return f"the endpoint answered HTTP 404 (check --model and --base-url): {_first_line(str(cause.message))}"
        if isinstance(cause, openai.APIConnectionError) and cause.__cause__ is None:
            return f"cannot reach the endpoint ({_first_line(str(cause))})"
        if isinstance(cause, openai.APIStatusError):
            return f"the endpoint answered HTTP {cause.status_code}: {_first_line(str(cause.message))}"
        cause = cause.__cause__ or cause.__context__
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
