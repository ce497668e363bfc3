"""The model's answers kept on disk, so that no live run's work is paid for twice.

What is kept is what the model said (each part's extraction draft, each gleaning answer),
never what was computed from it: grounding, checks, coverage and the timeline run again on
every read, exactly as for a live answer, so an edited cache file cannot make an item
verified and a change to those steps is never served stale.

Each article has one file of answers, keyed by the request sent (the rendered prompt, the
answer's schema, the reasks allowed) under a file name that holds everything else that shapes
an answer: model, mode, endpoint, part size, and the content of every prompt template (not
only its declared version).  Running the same command again (after an interruption, a crash
or a failed article) reuses every answer it finds and asks only for the rest.

Location: ``--cache-dir``, else ``$SUMMARIZE_CACHE_DIR``, else ``$XDG_CACHE_HOME/summarize``
or ``~/.cache/summarize``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from summarize.extract.llm import Answer
from summarize.extract.prompting import template_hash
from summarize.files import cache_dir, write_atomically
from summarize.models import Usage
from summarize.optional_writes import OptionalWrites

_TEMPLATES = ("extract.j2", "glean.j2")


class Miss(Exception):
    """An offline read found no stored answer for a request."""


def default_dir(env: Mapping[str, str]) -> Path:
    return cache_dir(env)


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class AnswerCache:
    def __init__(self, folder: Path, writes: OptionalWrites | None = None, **settings: object):
        self.folder = folder
        self.writes = writes or OptionalWrites()
        """A full or read-only cache folder is said once, and the run goes on without caching."""
        self.settings = {**settings, "templates": {name: template_hash(name) for name in _TEMPLATES}}

    def path(self, article_id: str) -> Path:
        return self.folder / f"{article_id}-{_digest({'article': article_id, **self.settings})[:16]}.json"

    def has(self, article_id: str) -> bool:
        return self.path(article_id).is_file()

    def client(self, article_id: str, client: Any, offline: bool = False) -> "CachingClient":
        """``client`` answering from this article's stored answers first; with ``offline``,
        a request with no stored answer raises :class:`Miss` instead of reaching the model."""
        return CachingClient(self.path(article_id), client, offline, self.writes)


class CachingClient:
    """Stands in for :class:`summarize.extract.llm.ModelClient` in the extraction."""

    def __init__(self, path: Path, client: Any, offline: bool, writes: OptionalWrites | None = None):
        self.path, self.inner, self.offline = path, client, offline
        self.writes = writes or OptionalWrites()
        self.answers = self._read()
        self._lock = threading.Lock()
        """The parts of one article may be answered at once; the file is written whole."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # settings and anything else the extraction reads

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}  # absent or unreadable: ask again
        answers = data.get("answers") if isinstance(data, dict) else None
        return answers if isinstance(answers, dict) else {}

    def structured(self, messages, response_model: type[BaseModel], context, max_retries: int, **kwargs: Any) -> Answer:
        key = _digest(
            {
                "messages": messages,
                "answer": response_model.__name__,
                "schema": response_model.model_json_schema(),
                "max_retries": max_retries,
                "options": kwargs,
            }
        )
        stored = self.answers.get(key)
        if isinstance(stored, dict):
            try:
                # Parsed without the checks' context: the caller checks and grounds it again.
                return Answer(response_model.model_validate(stored.get("value")), 0, Usage())
            except ValidationError:
                pass  # an older or edited answer that no longer parses: ask again
        if self.offline:
            raise Miss(key)
        answer = self.inner.structured(messages, response_model, context=context, max_retries=max_retries, **kwargs)
        with self._lock:
            self.answers[key] = {"answer": response_model.__name__, "value": answer.value.model_dump(mode="json")}
            if not self.writes.skipped("answer cache"):
                try:
                    write_atomically(self.path, json.dumps({"answers": self.answers}, ensure_ascii=False))
                except OSError as err:
                    self.writes.failed("answer cache", self.path.parent, err, "this run goes on without caching its answers")
        return answer
