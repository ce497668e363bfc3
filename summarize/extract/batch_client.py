"""The Batch API's endpoints (``/v1/files``, ``/v1/batches``), and the one live request path
that batch requests are built by and batch answers are checked by.

:mod:`summarize.extract.llm` stays the only module that sends chat requests.  A batch line
is never written by hand: :func:`request_body` runs the live path (instructor's request
building for the ``--mode``, the answer bound, temperature 0) against a transport that keeps
the body instead of sending it, and :func:`replaying` gives a live client whose transport
answers that same body with the batch's answer, so the answer is screened (refusals, cut-off
answers), parsed and validated exactly as a live one.  A request that differs from the
submitted one (a prompt or setting changed since) gets no answer from the batch.

This module holds the few calls to the batch endpoints; they go through the ``openai``
client with its own retries (a handful of calls, not the run's many), and their errors
become one :class:`BatchError` line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from summarize import lazy
from summarize.extract.llm import ModelClient, ModelError, ModelSettings, api_error_message
from summarize.files import temporary_beside

httpx2 = lazy.Module("httpx2")
openai = lazy.Module("openai")
"""Imported on first use: ``summarize --help`` never needs them."""

ENDPOINT = "/v1/chat/completions"
COMPLETION_WINDOW = "24h"
_OFFLINE = "http://batch.invalid/v1"
"""Base URL of the clients whose transport never leaves the process."""
NO_BATCH_STATUS = {404, 405, 501}


class BatchError(Exception):
    """A batch endpoint gave no usable answer; the message says what to do."""


class NoBatchSupport(BatchError):
    """The endpoint has no ``/v1/files`` or ``/v1/batches``."""


class _Kept(Exception):
    pass


def request_body(settings: ModelSettings, ask: Callable[[ModelClient], Any]) -> dict:
    """The JSON body the live path sends for the first request ``ask`` makes."""
    kept: list[dict] = []

    def keep(request: httpx2.Request) -> httpx2.Response:
        kept.append(json.loads(request.content))
        return httpx2.Response(400, json={"error": {"message": "kept for the batch", "type": "kept"}})

    try:
        ask(_offline_client(settings, keep))
    except ModelError:
        pass
    if not kept:
        raise BatchError("the live path sent no request to keep")
    return kept[0]


class Replay:
    """Answers the submitted request with the batch's answer, once; any other request (the
    reask of an answer that failed its checks, or a request that changed since submit)
    with an error, so that nothing but the batch's answer is ever stored."""

    def __init__(self, submitted: dict, body: Any):
        self.submitted, self.body = submitted, body
        self.answered = False
        self.reasked = False
        """The answer failed its checks: instructor asked again."""
        self.changed = False
        """The live path's request is no longer the one submitted."""

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        sent = json.loads(request.content)
        if not self.answered and sent == self.submitted:
            self.answered = True
            return httpx2.Response(200, json=self.body)
        self.reasked, self.changed = self.answered, not self.answered
        return httpx2.Response(400, json={"error": {"message": "not in the batch", "type": "batch"}})


def replaying(settings: ModelSettings, replay: Replay) -> ModelClient:
    return _offline_client(settings, replay)


def _offline_client(settings: ModelSettings, handler: Callable[[httpx2.Request], httpx2.Response]) -> ModelClient:
    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    return ModelClient(
        replace(settings, base_url=_OFFLINE, api_key="batch", transport_retries=0, on_retry=None, on_request=None, http_client=http)
    )


class BatchEndpoint:
    """The Batch API of one endpoint (OpenAI, or vLLM's router with ``/v1/files`` and
    ``/v1/batches``); objects come back as the endpoint's own JSON."""

    def __init__(self, base_url: str | None, api_key: str | None, timeout: float, retries: int):
        self._client = openai.OpenAI(api_key=api_key or "not-needed", base_url=base_url, timeout=timeout, max_retries=retries)
        self._timeout = timeout

    def upload(self, data: bytes, name: str) -> dict:
        return self._call("upload the requests", lambda c: c.files.with_raw_response.create(file=(name, data, "application/jsonl"), purpose="batch"))

    def create(self, input_file_id: str) -> dict:
        return self._call(
            "create the batch",
            lambda c: c.batches.with_raw_response.create(input_file_id=input_file_id, endpoint=ENDPOINT, completion_window=COMPLETION_WINDOW),
        )

    def retrieve(self, batch_id: str) -> dict:
        return self._call("read the batch", lambda c: c.batches.with_raw_response.retrieve(batch_id))

    def download(self, file_id: str, path: Path) -> None:
        """The file's content into ``path``, whole or not at all."""
        try:
            content = self._client.files.content(file_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = temporary_beside(path)
            tmp = Path(name)
            try:
                with os.fdopen(fd, "wb") as handle:
                    for chunk in content.iter_bytes():
                        handle.write(chunk)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            tmp.replace(path)
        except openai.APIError as err:
            raise self._error("download the batch's results", err) from err

    def _call(self, what: str, call: Callable[[openai.OpenAI], Any]) -> dict:
        try:
            answer = call(self._client).http_response.json()
        except openai.APIError as err:
            raise self._error(what, err) from err
        except ValueError as err:
            raise BatchError(f"could not {what}: the endpoint's answer is not JSON") from err
        if not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
            raise BatchError(f"could not {what}: the endpoint's answer has no id")
        return answer

    def _error(self, what: str, err: openai.APIError) -> BatchError:
        message = api_error_message(err, self._timeout)
        if isinstance(err, openai.APIStatusError) and err.status_code in NO_BATCH_STATUS and what == "upload the requests":
            return NoBatchSupport(
                f"the endpoint has no Batch API (POST /v1/files answered HTTP {err.status_code}): send the articles "
                "online with `summarize brief`, or use an endpoint with /v1/files and /v1/batches (OpenAI; vLLM's router)"
            )
        return BatchError(f"could not {what}: {message}")
