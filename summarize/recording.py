"""Record and replay the model's HTTP answers with vcrpy, one cassette per article.

A recording set is a folder (``cassettes/seeds/``) holding ``<article id>.yaml`` files and
``RECORDING.json``, which says which model and mode made them and where the answers came
from.  Requests match on method, path and body; credentials and provider headers are never
written: only ``content-type`` survives on either side.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import vcr

MANIFEST = "RECORDING.json"
_KEEP_HEADERS = {"content-type"}


def _scrub_request(request):
    for name in list(request.headers):
        if name.lower() not in _KEEP_HEADERS:
            del request.headers[name]
    return request


def _scrub_response(response):
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() in _KEEP_HEADERS}
    return response


_VCR = vcr.VCR(
    serializer="yaml",
    match_on=["method", "path", "body"],
    before_record_request=_scrub_request,
    before_record_response=_scrub_response,
    decode_compressed_response=True,
)


@contextmanager
def cassette(path: Path, record: bool) -> Iterator[None]:
    """Replay ``path`` (no request may go out), or overwrite it with what the endpoint answers."""
    if record:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    with _VCR.use_cassette(str(path), record_mode="all" if record else "none", allow_playback_repeats=False):
        yield


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

    def describe(self) -> str:
        return f"{self.folder} (recorded {self.recorded_at[:10]}): {self.source}"


def read_set(folder: Path) -> RecordingSet | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return RecordingSet(folder=folder, **data)
    except (OSError, ValueError, TypeError):
        return None


def write_set(folder: Path, *, model: str, mode: str, source: str, prompt_version: str) -> RecordingSet:
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "model": model,
        "mode": mode,
        "source": source,
        "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "prompt_version": prompt_version,
    }
    (folder / MANIFEST).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return RecordingSet(folder=folder, **data)


def summary_key(article_ids: list[str]) -> str:
    """Names the summary recording of one set of articles."""
    return hashlib.sha256("+".join(sorted(article_ids)).encode()).hexdigest()[:16]


def find_recordings(roots: list[Path], article_ids: list[str]) -> dict[str, RecordingSet]:
    """For each article id that has a cassette under one of ``roots``, its recording set."""
    found: dict[str, RecordingSet] = {}
    for root in roots:
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            rec = read_set(folder)
            if rec is None:
                continue
            for article_id in article_ids:
                if article_id not in found and rec.cassette_for(article_id).is_file():
                    found[article_id] = rec
    return found
