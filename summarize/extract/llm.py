"""The only module that talks to the model: instructor over the ``openai`` client.

Works with any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp's server).

Two retry loops, kept apart:

* **transport** (tenacity, here): timeouts, connection errors, HTTP 408, 409, 429 and 5xx
  are sent again with exponential backoff and jitter, honouring ``Retry-After``.  The
  SDK's own retries are off, so nothing stacks.  Authentication, permission, not-found,
  bad-request and ``insufficient_quota`` errors are final.
* **reask** (instructor's): an answer that fails validation, including the checks of
  :mod:`summarize.verify.checks`, is sent back to the model with the problems: the first
  request's messages unchanged (a prefix the endpoint can cache), then the last answer and
  its problems only, never every earlier answer.  When the loop gives
  up, the last answer is parsed without the checks so that its items can be kept and
  marked unverified.

Every request carries a ``max_tokens`` (:mod:`summarize.extract.bounds`).  An answer cut off at it
(:func:`summarize.extract.screen.cut_off`: ``finish_reason=length``, the limit reached, or JSON
ending mid-value) raises :class:`TruncatedAnswer` and a refusal or content filter raises
:class:`Refused`; neither is retried.  An error that cannot change on retry (the endpoint
does not support the ``--mode``'s request format) is final and names the mode to try.  A
request that timed out against a local endpoint is not sent again: the server is most
likely still working on it.  A connection that cannot be opened (refused, unknown host)
before the endpoint has ever answered raises :class:`Unreachable` at once, unretried; later
on it is retried like any transport error, and the final error says ``unreachable``.
Every HTTP answer's tokens are counted, failed attempts
included, and requests given up on are counted as abandoned (their tokens are unknown).

One client serves every worker of a ``--concurrency`` pool (threads: the ``openai`` client
is synchronous).  Each thread keeps its own tally of the call it is making, and a 429 pauses
them all: the wait it asks for (``Retry-After``, else the backoff) sets a shared "not before"
time that :meth:`ModelClient._send_once` honours before every request.  An answer whose
``x-ratelimit-remaining-*`` headers say the window is nearly spent sets it too, to the
window's reset.
"""

from __future__ import annotations

import email.utils
import functools
import json
import logging
import math
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from summarize import lazy, models, redact
from summarize.defaults import DEFAULT_MODEL, DEFAULT_TIMEOUT, DEFAULT_TRANSPORT_RETRIES
from summarize.extract import bounds, screen
from summarize.extract.endpoint import is_local
from summarize.models import Usage

# Imported on first use: ``summarize --help`` and a dry run never need them (about 1 s).
openai = lazy.Module("openai")
instructor = lazy.Module("instructor")
instructor_core = lazy.Module("instructor.core")
tenacity = lazy.Module("tenacity")

Mode = Literal["tools", "json_schema", "md_json"]
MODES: dict[str, str] = {"tools": "TOOLS", "json_schema": "JSON_SCHEMA", "md_json": "MD_JSON"}
"""Each ``--mode`` and the name of its ``instructor.Mode``."""
RETRYABLE_STATUS = {408, 409, 429}  # and every 5xx
OTHER_MODES = {"tools": "json_schema or md_json", "json_schema": "md_json or tools", "md_json": "tools or json_schema"}
_MODE_FEATURES = {
    "tools": re.compile(r"\btools?\b|tool_choice|function", re.I),
    "json_schema": re.compile(r"response_format|json_schema", re.I),
    "md_json": re.compile(r"(?!)"),  # plain chat: nothing mode-specific to reject
}
LOW_REQUESTS = 1
LOW_TOKENS = 2_000
"""At or below these (``x-ratelimit-remaining-*``) the pool waits for the window's reset."""
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_REJECTED = re.compile(r"not supported|does not support|unsupported|not implemented|invalid|validation error|input should be|unknown|not allowed", re.I)

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
    max_output_tokens: int = bounds.DEFAULT_MAX_OUTPUT_TOKENS
    """Cap on the ``max_tokens`` of any one request."""
    max_wait: float = 60.0
    """Longest pause between transport retries, Retry-After included."""
    concurrency: int = 1
    """Requests in flight at once, at most, from all the threads that share this client."""
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    on_retry: Callable[[str], None] | None = field(default=None, compare=False)
    """Told, in one line, about each transport retry before its wait."""
    on_request: Callable[[Usage], None] | None = field(default=None, compare=False)
    """Told what each request cost (one request and its tokens) once it is over."""
    http_client: Any = field(default=None, compare=False)
    """The ``openai`` client's HTTP client (default: its own). ``summarize batch`` passes one
    whose transport answers from the batch, so its answers go through this very path."""


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
        self.unreachable = False
        """The last request could not connect, after its transport retries."""


class TruncatedAnswer(ModelError):
    """The answer was cut off before it was finished.  ``cut_at``: its completion tokens,
    or the limit sent when the endpoint reported none."""

    def __init__(self, message: str, attempts: int = 0, usage: Usage | None = None, cut_at: int = 0):
        super().__init__(message, attempts, usage)
        self.cut_at = cut_at


class Refused(ModelError):
    """The model refused, or a content filter stopped the answer."""


class KeyRefused(ModelError):
    """The endpoint refused the API key (HTTP 401): no later request can succeed either."""


class Unreachable(ModelError):
    """No connection could be opened to an endpoint that has not answered once: nothing
    listens there, or the host is unknown."""


class _Truncated(Exception):
    def __init__(self, message: str, cut_at: int):
        super().__init__(message)
        self.cut_at = cut_at


class _Refused(Exception):
    pass


class _Pause:
    """The shared "not before" time: a 429 holds every thread's next request until it.

    A thread that is told to wait by a 429 sleeps that wait in its own retry (so its wait is
    reported like any retry's) and is not made to sleep it twice; every other thread sleeps
    at :meth:`wait_turn` before its next request.  A pause extended while a thread slept (a
    second 429, a spent rate-limit window) is slept too: no thread sends before the latest
    "not before" it has seen."""

    def __init__(self, sleep: Callable[[float], None], clock: Callable[[], float] = time.monotonic):
        self._sleep, self._clock = sleep, clock
        self._lock = threading.Lock()
        self._until = 0.0
        self._mine = threading.local()
        """The pause this thread has already waited out itself (its own retry's wait)."""

    def hold(self, seconds: float, mine: bool = True) -> None:
        """Nobody sends for ``seconds`` from now; ``mine``: the caller waits them out in its
        retry (else before its next request, like everyone)."""
        with self._lock:
            self._until = max(self._until, self._clock() + seconds)
            if mine:
                self._mine.until = self._until

    def wait_turn(self) -> None:
        while True:
            with self._lock:
                until = self._until
            if until <= getattr(self._mine, "until", 0.0):
                return  # waited out already (an injected sleep may not advance the clock)
            left = until - self._clock()
            if left > 0:
                self._sleep(left)
            self._mine.until = until


class _Call(threading.local):
    """What the call this thread is making has cost so far."""

    def __init__(self) -> None:
        self.tally = Usage()
        self.answers = 0
        self.prefix: int | None = None
        """How many messages the call's first request had: the part every reask keeps."""
        self.what: str | None = None
        """What the call asks for, when a 404 should name it ("the summary request")."""


class ModelClient:
    def __init__(self, settings: ModelSettings):
        self.settings = settings
        http = settings.http_client or openai.DefaultHttpxClient()
        hooks = http.event_hooks
        http.event_hooks = {**hooks, "request": [*hooks.get("request", []), self._take_slot]}
        self._raw = openai.OpenAI(
            api_key=settings.api_key, base_url=settings.base_url, timeout=settings.timeout, max_retries=0, http_client=http
        )
        mode = getattr(instructor.Mode, MODES[settings.mode])
        self._client = instructor_core.Instructor(client=self._raw, create=instructor.patch(create=self._send, mode=mode), mode=mode)
        self._call = _Call()
        self._pause = _Pause(settings.sleep)
        self._slots = threading.BoundedSemaphore(max(1, settings.concurrency))
        """The one place that bounds the requests in flight (``--concurrency``)."""
        self._holding = threading.local()
        """Whether this thread's request holds a slot."""
        self._local = is_local(settings.base_url)
        self.reached = threading.Event()
        """The endpoint has answered (any HTTP status)."""
        self.answered = threading.Event()
        """The endpoint has answered a request with success: a key it accepts, a model it serves."""
        self.chatted = threading.Event()
        """A chat request had a readable answer: the model and the URL are right."""

    # ------------------------------------------------------------------ transport

    def _send(self, *args: Any, **kwargs: Any) -> Any:
        kwargs = self._only_last_reask(kwargs)
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.settings.transport_retries + 1),
            wait=self._wait,
            retry=tenacity.retry_if_exception(self._retryable),
            sleep=self.settings.sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )
        response = retrying(self._send_once, *args, **kwargs)
        choice = response.choices[0]
        refusal = getattr(choice.message, "refusal", None)
        if refusal or choice.finish_reason == "content_filter":
            raise _Refused(_first_line(refusal or "the provider's content filter stopped the answer"))
        limit = kwargs.get("max_tokens")
        why = screen.cut_off(response, self.settings.mode, limit)
        if why:
            raise _Truncated(f"the answer was cut off: {why}", screen.completion_tokens(response) or limit or 0)
        if self.settings.mode == "md_json" and choice.message.content:
            unreadable = screen.unreadable(choice.message.content)
            if unreadable:
                # Reasked as "not valid JSON"; the text instructor refuses to search is not resent.
                choice.message.content = f"(an answer of {len(choice.message.content):,} characters: {unreadable})"
        return response

    def _only_last_reask(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """A reask sends the first request's messages unchanged (the prompt, the article: a
        prefix an endpoint can cache) and then only the last answer with its problems.

        instructor appends every failed answer and its problems to the messages, so the third
        attempt would carry both earlier answers; only the latest one is still to be fixed."""
        messages = kwargs.get("messages")
        if not isinstance(messages, list):
            return kwargs
        if self._call.prefix is None:
            self._call.prefix = len(messages)
            return kwargs
        prefix = self._call.prefix
        answers = [i for i in range(prefix, len(messages)) if _role(messages[i]) == "assistant"]
        if len(answers) <= 1:
            return kwargs
        return {**kwargs, "messages": messages[:prefix] + messages[answers[-1] :]}

    def _send_once(self, *args: Any, **kwargs: Any) -> Any:
        with self._sending():
            raw = self._request(*args, **kwargs)
        return self._parsed(raw)

    @contextmanager
    def _sending(self) -> Iterator[None]:
        """One of this client's requests, from this thread: its hook takes a slot (only then:
        an HTTP client shared with another does not take this one's), freed when it is over."""
        self._holding.sending = True
        try:
            yield
        finally:
            self._holding.sending = False
            self._free_slot()

    def _take_slot(self, request: Any) -> None:
        """The HTTP client's hook before a request's bytes go out: it takes a request slot
        (and waits out any pause) only once the SDK has built it, so that a slot is held for
        the exchange and not while the interpreter, shared with the threads checking answers,
        builds the request.  The slot is freed when the call is over (:meth:`_free_slot`)."""
        if not getattr(self._holding, "sending", False) or getattr(self._holding, "slot", False):
            return  # not this client's request, or a redirect of one that holds a slot
        self._slots.acquire()
        self._holding.slot = True
        self._pause.wait_turn()

    def _free_slot(self) -> None:
        if getattr(self._holding, "slot", False):
            self._holding.slot = False
            self._slots.release()

    def _request(self, *args: Any, **kwargs: Any) -> Any:
        """One HTTP request, in a slot; a pause it calls for is set before the slot is freed,
        so no waiting thread can slip a request in between."""
        self._call.tally.requests += 1
        try:
            raw = self._raw.chat.completions.with_raw_response.create(*args, **kwargs)
        except BaseException as err:
            if isinstance(err, (openai.APITimeoutError, KeyboardInterrupt)):
                self._call.tally.abandoned += 1  # the server may still be generating: its tokens are unknown
            if isinstance(err, openai.APIStatusError):
                self.reached.set()
            if _rate_limited(err):
                self._pause.hold(min(_retry_after(err) or 1.0, self.settings.max_wait), mine=False)
            self._report(Usage(requests=1))
            raise
        self.reached.set()
        self._slow_down(raw.headers)
        return raw

    def _parsed(self, raw: Any) -> Any:
        """The SDK's reading of an answer, outside the slot; only a readable one counts as the
        endpoint having answered."""
        try:
            response = raw.parse()
        except BaseException:
            self._report(Usage(requests=1))
            raise
        self.answered.set()
        self.chatted.set()
        self._call.answers += 1
        usage = getattr(response, "usage", None)
        prompt, completion = int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0)
        self._call.tally.prompt_tokens += prompt
        self._call.tally.completion_tokens += completion
        self._report(Usage(requests=1, prompt_tokens=prompt, completion_tokens=completion))
        return response

    def _slow_down(self, headers: Any) -> None:
        """Nearly out of requests or tokens for this window (``x-ratelimit-*``, where the
        endpoint sends them): every thread waits for the window's reset before a 429."""
        wait = 0.0
        for kind, low in (("requests", LOW_REQUESTS), ("tokens", LOW_TOKENS)):
            try:
                left = float(headers.get(f"x-ratelimit-remaining-{kind}"))
            except (TypeError, ValueError):
                continue
            if left <= low:
                wait = max(wait, _duration(headers.get(f"x-ratelimit-reset-{kind}")) or 0.0)
        if wait:
            self._pause.hold(min(wait, self.settings.max_wait), mine=False)

    def _report(self, cost: Usage) -> None:
        if self.settings.on_request:
            self.settings.on_request(cost)

    def _count_retry(self, state: tenacity.RetryCallState) -> None:
        self._call.tally.transport_retries += 1
        if self.settings.on_retry and state.outcome is not None and state.next_action is not None:
            why = api_error_message(state.outcome.exception(), self.settings.timeout)
            self.settings.on_retry(
                f"retry {state.attempt_number}/{self.settings.transport_retries} in {state.next_action.sleep:.1f} s: {why}"
            )

    def _retryable(self, exc: BaseException) -> bool:
        if self._local and isinstance(exc, openai.APITimeoutError):
            return False  # a resent request would queue behind the one the server is still on
        if not self.reached.is_set() and cannot_connect(exc):
            return False  # nothing has ever answered there: waiting will not make it listen
        return _retryable(exc) and self._unsupported(exc) is None

    def _unsupported(self, exc: BaseException) -> str | None:
        """The endpoint's words when it rejects the request format of this ``--mode``."""
        if not isinstance(exc, openai.APIStatusError) or exc.status_code in (401, 403, 404, 408, 409, 429):
            return None
        detail = _detail(exc)
        mode = self.settings.mode
        return detail if _MODE_FEATURES[mode].search(detail) and _REJECTED.search(detail) else None

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        told = _retry_after(exc)
        if told is not None:
            wait = min(told, self.settings.max_wait)
        else:
            backoff = min(self.settings.max_wait, 2.0 ** (state.attempt_number - 1))
            wait = backoff + random.uniform(0, backoff / 2)
        if _rate_limited(exc):
            self._pause.hold(wait)  # every thread's next request waits with this one
        return wait

    def probe(self) -> bool:
        """Whether the endpoint lists its models (``GET /models``, no retry, at most 10 s):
        then it is up and takes the key, and it counts as having answered, so that a pool
        does not try it with one article first.  Anything else (nothing listening, a refused
        key, no such route) changes nothing: the first article finds out, as without it."""
        try:
            with self._sending():
                self._raw.with_options(timeout=min(self.settings.timeout, 10.0), max_retries=0).models.list()
        except (openai.APIError, ValueError):  # ValueError: a body that is not a list of models
            return False
        self.reached.set()
        self.answered.set()
        return True

    # ------------------------------------------------------------------ structured answers

    def structured(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        context: dict[str, Any],
        max_retries: int,
        source_chars: int | None = None,
        what: str | None = None,
    ) -> Answer:
        """Ask for ``response_model``; reask up to ``max_retries`` times on validation errors.

        ``source_chars``: the length of the text the answer is about (default: the whole
        prompt); with the schema it sets the answer's token limit.  ``what``: the request
        in words ("the summary request"): an endpoint that answered HTTP 404 to it after
        answering a chat request with this model and URL is said to have no route for it."""
        self._call.tally, self._call.answers, self._call.prefix, self._call.what = Usage(), 0, None, what
        if source_chars is None:
            source_chars = sum(len(str(m.get("content") or "")) for m in messages)
        try:
            value = self._ask(messages, response_model, context, max_retries, source_chars)
        except instructor_core.InstructorRetryException as err:
            cause = err.__cause__
            if isinstance(cause, (_Truncated, _Refused, openai.APIError)) or err.last_completion is None:
                raise self._error(cause or err) from err
            attempts = err.n_attempts or self._call.answers
            try:
                value = _parse_completion(err.last_completion, response_model, self.settings.mode)
            except (ValidationError, ValueError) as parse_err:
                last = err.failed_attempts[-1].exception if err.failed_attempts else parse_err
                raise ModelError(
                    f"no usable answer after {attempts} attempts: the last one {_plain_problem(last)}; "
                    f"try a larger model or another --mode ({OTHER_MODES[self.settings.mode]})",
                    attempts,
                    self._usage(),
                ) from parse_err
            return Answer(value, attempts, self._usage())
        except (openai.APIError, instructor_core.InstructorError, _Truncated, _Refused) as err:
            raise self._error(err) from err
        return Answer(value, self._call.answers, self._usage())

    def _ask(self, messages: list[dict[str, str]], response_model: type[T], context: dict[str, Any], max_retries: int, source_chars: int) -> T:
        """instructor's reask loop, with ``context`` as the answers' validation context.

        Not instructor's ``context=``: given one, it renders every message as a Jinja template,
        and an article is not a template (``{{`` in its text would be evaluated, ``{#`` would
        end the run)."""
        checks = models.CHECKS.set(context)
        try:
            value, _ = self._client.chat.completions.create_with_completion(
                model=self.settings.model,
                messages=messages,
                response_model=_prepared(response_model),
                max_retries=max_retries,
                temperature=0,
                max_tokens=bounds.output_limit(response_model, source_chars, self.settings.max_output_tokens),
            )
            return value
        finally:
            models.CHECKS.reset(checks)

    def _usage(self) -> Usage:
        return self._call.tally.model_copy(update={"reasks": max(self._call.answers - 1, 0)})

    def _error(self, err: BaseException) -> ModelError:
        usage, attempts = self._usage(), self._call.answers
        if isinstance(err, _Truncated):
            return TruncatedAnswer(str(err), attempts, usage, err.cut_at)
        if isinstance(err, _Refused):
            return Refused(f"the model refused: {err}", attempts, usage)
        unsupported = self._unsupported(err)
        if unsupported is not None:
            status = getattr(err, "status_code", "?")
            return ModelError(
                f"the endpoint does not accept --mode {self.settings.mode} (HTTP {status}: {_first_line(unsupported, 140)}); "
                f"try --mode {OTHER_MODES[self.settings.mode]}",
                attempts,
                usage,
            )
        message = api_error_message(err, self.settings.timeout)
        if isinstance(err, openai.NotFoundError) and self.chatted.is_set() and self._call.what:
            # The same model at the same URL answered the articles' requests: neither is
            # wrong, the server has no answer for this kind of request (a summary, links).
            message = (
                f"the endpoint has no route for {self._call.what} (HTTP 404), although it answered the article "
                f"requests with the same --model and --base-url: {_detail(err)}"
            )
        if self._local and isinstance(err, openai.APITimeoutError):
            message += "; not sent again while the local server may still be working on it"
        if usage.transport_retries:
            message += f" (after {usage.requests} requests)"
        if cannot_connect(err):
            error = (ModelError if self.reached.is_set() else Unreachable)(message, attempts, usage)
            error.unreachable = True
            return error
        kind = KeyRefused if isinstance(err, openai.AuthenticationError) else ModelError
        return kind(message, attempts, usage)


@functools.cache
def _prepared(response_model: type[T]) -> type[T]:
    """``response_model`` as instructor wraps it for a request, made once per model: the
    wrapping it otherwise repeats on every request is a new class each time, so its schema
    (cached per class) was built again for every request, a tenth of an article's CPU time."""
    return instructor.openai_schema(response_model)


def _role(message: Any) -> Any:
    return message.get("role") if isinstance(message, dict) else getattr(message, "role", None)


def cannot_connect(exc: BaseException) -> bool:
    """No connection could be opened: refused, unknown host, no route (never a timeout, a
    dropped answer or a recording that does not match)."""
    if not isinstance(exc, openai.APIConnectionError) or isinstance(exc, openai.APITimeoutError) or _is_cassette_miss(exc):
        return False
    cause: BaseException | None = exc
    while cause is not None:
        if type(cause).__name__ == "ConnectError" or isinstance(cause, (ConnectionRefusedError, socket.gaierror)):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # timeouts included
        return not _is_cassette_miss(exc)
    if isinstance(exc, openai.APIStatusError):
        if _error_code(exc) == "insufficient_quota":
            return False
        return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
    return False


def _rate_limited(exc: BaseException | None) -> bool:
    """A 429 that asks to slow down (not one saying the account has no quota left)."""
    return isinstance(exc, openai.RateLimitError) and _error_code(exc) != "insufficient_quota"


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


def _duration(value: str | None) -> float | None:
    """Seconds in a reset time as OpenAI writes it (``1s``, ``6m0s``, ``20ms``, ``1.5s``)."""
    if not value:
        return None
    found = _DURATION.findall(value)
    if not found or "".join(n + u for n, u in found) != value.strip():
        return None
    total = sum(float(n) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[u] for n, u in found)
    return total if math.isfinite(total) and total > 0 else None


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
    """One line of an endpoint's words, secrets out before it is cut (a cut key matches nothing)."""
    line = " ".join(redact.text(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def api_error_message(err: BaseException, timeout: float) -> str:
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


def _plain_problem(exc: BaseException) -> str:
    """What was wrong with an answer, in one short clause."""
    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False)
        first = errors[0] if errors else {"type": "", "msg": str(exc), "loc": ()}
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        if first["type"] == "json_invalid":
            return f"was not valid JSON: {_first_line(first['msg'].removeprefix('Invalid JSON: '), 120)}"
        where = ".".join(str(p) for p in first["loc"]) or "the answer"
        return f"did not fit the schema: {where}: {_first_line(first['msg'], 120)}{more}"
    if isinstance(exc, json.JSONDecodeError):
        return f"was not valid JSON: {exc.msg} at character {exc.pos}"
    return f"was unusable: {_first_line(str(exc), 120)}"


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
