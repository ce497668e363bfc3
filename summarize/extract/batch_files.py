"""The lines of a batch job's files, each read into a model with bounds: what was submitted
(``input.jsonl``), what the batch answered (its output and error files, in OpenAI's and
vLLM's shapes) and what earlier collects did (``collected.jsonl``).

A line that does not fit its model is never dropped without a word: :func:`answers` sorts
the batch's lines into those it can use, those of the job's requests it cannot (each with
why, so that its request goes online), the ``custom_id`` s the job never submitted and those
answered more than once.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

Count = Annotated[StrictInt, Field(ge=0)]
T = TypeVar("T", bound=BaseModel)


class Usage(BaseModel):
    model_config = ConfigDict(extra="allow")
    prompt_tokens: Count = 0
    completion_tokens: Count = 0


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    message: str | None = None
    code: str | int | None = None


class Body(BaseModel):
    """A chat completion (the live path checks the rest of it), or an endpoint's error."""

    model_config = ConfigDict(extra="allow")
    usage: Usage | None = None
    error: ErrorDetail | str | None = None


class Response(BaseModel):
    status_code: Annotated[StrictInt, Field(ge=100, le=599)]
    request_id: str | None = None
    body: Body | None = None


class OutputLine(BaseModel):
    """One line of the batch's output or error file."""

    custom_id: str
    response: Response | None = None
    error: ErrorDetail | str | None = None

    @property
    def answer(self) -> dict | None:
        """The chat completion as the endpoint sent it, when the request succeeded."""
        response = self.response
        if self.error or response is None or response.status_code != 200 or response.body is None or response.body.error:
            return None
        return response.body.model_dump(mode="json", exclude_unset=True)

    def error_text(self) -> str:
        response = self.response
        detail = self.error or (response.body.error if response and response.body else None)
        if isinstance(detail, ErrorDetail):
            detail = detail.message or detail.code
        text = " ".join(str(detail or "no reason given").split())[:200]
        return f"HTTP {response.status_code}: {text}" if response else text


class InputLine(BaseModel):
    custom_id: str
    body: dict[str, Any]


class Outcome(BaseModel):
    """One line of ``collected.jsonl``: a request taken by an earlier collect."""

    custom_id: str
    online: str | None
    """Why it was left for the online run (None: its answer is stored)."""


def problem(err: ValidationError) -> str:
    """A validation error in one line: the field, what is wrong and what was there."""
    errors = err.errors(include_url=False)
    if not errors:
        return str(err).splitlines()[0]
    first = errors[0]
    if first["type"] == "json_invalid":
        return "not JSON: " + first["msg"].removeprefix("Invalid JSON: ")
    where = ".".join(str(p) for p in first["loc"]) or "the whole"
    got = first.get("input")
    shown = "" if isinstance(got, (dict, list)) else f" (got {json.dumps(got, default=str)[:60]})"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{shown}{more}"


def lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, JSON value or None when the line is not JSON) of a JSONL file; blank
    lines skipped, a missing file has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except ValueError:
            yield number, None


def valid(path: Path, model: type[T]) -> Iterator[T]:
    """The lines of ``path`` that fit ``model`` (our own files: a line that does not, say one
    cut short, is as if not written, and its request is taken again)."""
    for _, value in lines(path):
        try:
            yield model.model_validate(value)
        except ValidationError:
            continue


@dataclass
class Answers:
    """The batch's lines, by what can be done with them."""

    lines: dict[str, OutputLine] = field(default_factory=dict)
    """custom_id of the job → its one line."""
    bad: dict[str, str] = field(default_factory=dict)
    """custom_id of the job → why its line cannot be used (its request goes online)."""
    unknown: list[str] = field(default_factory=list)
    """custom_ids the job did not submit, once each."""
    duplicated: dict[str, int] = field(default_factory=dict)
    """custom_id → how many lines answered it."""
    unreadable: list[str] = field(default_factory=list)
    """``file:line`` of each line that is not a JSON object with a string custom_id."""
    prompt_tokens: int = 0
    completion_tokens: int = 0


def answers(paths: Iterable[Path], known: Collection[str]) -> Answers:
    found: dict[str, list[Any]] = {}
    out = Answers()
    for path in paths:
        for number, value in lines(path):
            cid = value.get("custom_id") if isinstance(value, dict) else None
            if not isinstance(cid, str):
                out.unreadable.append(f"{path.name}:{number}")
            elif cid not in known:
                out.unknown += [] if cid in out.unknown else [cid]
            else:
                found.setdefault(cid, []).append(value)
    for cid, values in found.items():
        if len(values) > 1:
            out.duplicated[cid] = len(values)
            if any(v != values[0] for v in values[1:]):
                out.bad[cid] = f"{cid}: the batch answered it {len(values)} times, differently"
                continue
        try:
            line = OutputLine.model_validate(values[0])
        except ValidationError as err:
            out.bad[cid] = f"{cid}: its line in the batch's files is malformed: {problem(err)}"
            continue
        out.lines[cid] = line
        usage = line.response.body.usage if line.response and line.response.body else None
        if usage is not None:
            out.prompt_tokens += usage.prompt_tokens
            out.completion_tokens += usage.completion_tokens
    return out
