"""Record and replay the model's HTTP answers with vcrpy, one cassette per article.

A recording set is a folder (``cassettes/seeds/``) holding ``<article id>.yaml`` files and
``RECORDING.json``, which says which model and mode made them and where the answers came
from.  Requests match on method, path and body; credentials and provider headers are never
written: only ``content-type`` survives on either side, and a request's URI keeps no user
information or query string.

A recording is untrusted input: a cassette that cannot be read, or a ``RECORDING.json``
naming an unknown mode, raises :class:`BadRecording` for the articles it holds, and what a
replayed answer says goes through the same checks and grounding as a live one.  Recording
writes each cassette beside the old one and moves it into place only once it is complete.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from summarize import redact
from summarize.extract.llm import MODES
from summarize.files import temporary_path, write_atomically
from summarize.optional_writes import OptionalWrites

MANIFEST = "RECORDING.json"
_KEEP_HEADERS = {"content-type"}


def _scrub_request(request):
    for name in list(request.headers):
        if name.lower() not in _KEEP_HEADERS:
            del request.headers[name]
    request.uri = redact.url(request.uri)
    return request


def _scrub_response(response):
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() in _KEEP_HEADERS}
    body = response.get("body") or {}
    raw = body.get("string")
    if isinstance(raw, bytes):  # an endpoint may echo the key back in an error body
        text = raw.decode("utf-8", errors="replace")
        if redact.secrets(text) != text:
            body["string"] = redact.secrets(text).encode("utf-8")
    elif isinstance(raw, str):
        body["string"] = redact.secrets(raw)
    return response


@lru_cache(maxsize=1)
def _vcr():
    import vcr  # imported here: only a recording or a replay needs it

    return vcr.VCR(
        serializer="yaml",
        match_on=["method", "path", "body"],
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


class BadRecording(Exception):
    """A recording that cannot be replayed; the message says which file and why."""


def check_cassette(path: Path) -> None:
    """Raise :class:`BadRecording` unless ``path`` is a cassette vcrpy can replay."""
    from vcr.persisters.filesystem import FilesystemPersister
    from vcr.serializers import yamlserializer

    try:
        FilesystemPersister.load_cassette(str(path), yamlserializer)
    except Exception as err:  # a YAML error, an unknown tag, a wrong structure: all the same to the user
        detail = " ".join(str(err).split())[:160]
        raise BadRecording(f"the recording {path.name} cannot be read ({type(err).__name__}: {detail})") from err


_NOT_RECORDED = "this run goes on without recording (its answers are still briefed)"


@contextmanager
def cassette(path: Path, record: bool, writes: OptionalWrites | None = None) -> Iterator[None]:
    """Replay ``path`` (no request may go out), or replace it with what the endpoint answers.

    A new recording is written to a temporary file first and moved over the old one once
    complete (a model error is part of what was recorded), so an interrupted recording
    leaves the previous cassette in place.  A recording that cannot be written (a full or
    read-only disk) is said once through ``writes``; the answers are kept all the same."""
    if not record:
        check_cassette(path)
        with _vcr().use_cassette(str(path), record_mode="none", allow_playback_repeats=False):
            yield
        return
    writes = writes or OptionalWrites()
    if writes.skipped("recording"):
        yield
        return
    tmp = temporary_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
    except OSError as err:
        writes.failed("recording", path.parent, err, _NOT_RECORDED)
        yield
        return
    answered = False
    try:
        with _vcr().use_cassette(str(tmp), record_mode="all", allow_playback_repeats=False):
            yield
            answered = True
    except OSError as err:
        if not answered:  # raised by the call itself, not by saving
            _keep(tmp, path, writes)
            raise
        tmp.unlink(missing_ok=True)
        writes.failed("recording", path.parent, err, _NOT_RECORDED)
        return
    except Exception:
        _keep(tmp, path, writes)
        raise
    except BaseException:  # interrupted: what was recorded so far is not a whole answer
        tmp.unlink(missing_ok=True)
        raise
    _keep(tmp, path, writes)


def _keep(tmp: Path, path: Path, writes: OptionalWrites) -> None:
    try:
        if tmp.exists():
            os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        writes.failed("recording", path.parent, err, _NOT_RECORDED)


@dataclass(frozen=True)
class RecordingSet:
    folder: Path
    model: str
    mode: str
    source: str
    recorded_at: str
    prompt_version: str

    def cassette_for(self, article_id: str) -> Path:
        return self.folder / f"{article_id}.yaml"

    def summary_cassette(self, article_ids: list[str]) -> Path:
        return self.folder / f"summary-{summary_key(article_ids)}.yaml"

    def link_cassette(self, article_ids: list[str]) -> Path:
        return self.folder / f"link-{summary_key(article_ids)}.yaml"

    def describe(self) -> str:
        return f"{self.folder} (recorded {self.recorded_at[:10]}): {redact.text(self.source)}"


def read_set(folder: Path) -> RecordingSet | None:
    """The recording set in ``folder``; None when it has no readable ``RECORDING.json``.

    Raises :class:`BadRecording` when the manifest is there but cannot be read, names an
    unknown mode or holds fields that are missing or of the wrong type."""
    try:
        raw = (folder / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise BadRecording(f"{folder / MANIFEST} cannot be read ({type(err).__name__})") from err
    try:
        found = RecordingSet(folder=folder, **json.loads(raw))
    except (ValueError, TypeError) as err:
        raise BadRecording(f"{folder / MANIFEST} is not a recording manifest ({type(err).__name__}: {str(err)[:120]})") from err
    for name in ("model", "mode", "source", "recorded_at", "prompt_version"):
        if not isinstance(getattr(found, name), str):
            raise BadRecording(f"{folder / MANIFEST}: '{name}' is not a string")
    if found.mode not in MODES:
        raise BadRecording(
            f"{folder / MANIFEST}: mode {found.mode[:40]!r} is not one of {', '.join(MODES)}"
        )
    return found


def write_set(
    folder: Path, *, model: str, mode: str, source: str, prompt_version: str, writes: OptionalWrites | None = None
) -> RecordingSet:
    """The recording set about to be written in ``folder``; a manifest that cannot be
    written is said once through ``writes`` and no cassette is written after it."""
    data = {
        "model": model,
        "mode": mode,
        "source": source,
        "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "prompt_version": prompt_version,
    }
    try:
        write_atomically(folder / MANIFEST, json.dumps(data, indent=2) + "\n")
    except OSError as err:
        (writes or OptionalWrites()).failed("recording", folder, err, _NOT_RECORDED)
    return RecordingSet(folder=folder, **data)


def summary_key(article_ids: list[str]) -> str:
    """Names the summary (and link) recording of one set of articles."""
    return hashlib.sha256("+".join(sorted(article_ids)).encode()).hexdigest()[:16]


def find_recordings(
    roots: list[Path], article_ids: list[str], bad: dict[str, str] | None = None
) -> dict[str, RecordingSet]:
    """For each article id that has a cassette under one of ``roots``, its recording set.

    An article whose first cassette sits in a set with a broken ``RECORDING.json`` is left
    out and, when ``bad`` is given, listed there with the reason."""
    found: dict[str, RecordingSet] = {}
    for root in roots:
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            try:
                rec = read_set(folder)
            except BadRecording as err:
                for article_id in article_ids:
                    if article_id not in found and (folder / f"{article_id}.yaml").is_file() and bad is not None:
                        bad.setdefault(article_id, str(err))
                continue
            if rec is None:
                continue
            for article_id in article_ids:
                if article_id not in found and (bad is None or article_id not in bad) and rec.cassette_for(article_id).is_file():
                    found[article_id] = rec
    return found
