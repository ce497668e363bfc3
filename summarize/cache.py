"""Finished article extractions kept on disk, so that no live run's work is lost.

Each article's extraction is written as soon as it is done; running the same command
again (after an interruption, a crash or a failed article) reuses it instead of paying for
it twice.  The key holds everything that shapes the answer: the article's content hash,
model, mode, endpoint, prompt versions, part size, reasks and the schema of the stored
extraction, so any change asks the model again.

Location: ``--cache-dir``, else ``$SUMMARIZE_CACHE_DIR``, else ``$XDG_CACHE_HOME/summarize``
or ``~/.cache/summarize``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from .files import write_atomically
from .models import ArticleExtraction
from .prompting import template_version

_SCHEMA = hashlib.sha256(json.dumps(ArticleExtraction.model_json_schema(), sort_keys=True).encode()).hexdigest()[:12]


def default_dir(env: Mapping[str, str]) -> Path:
    if env.get("SUMMARIZE_CACHE_DIR"):
        return Path(env["SUMMARIZE_CACHE_DIR"])
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "summarize"


class ExtractionCache:
    def __init__(self, folder: Path, **settings: object):
        self.folder = folder
        self.settings = {
            **settings,
            "extract": template_version("extract.j2"),
            "glean": template_version("glean.j2"),
            "schema": _SCHEMA,
        }

    def _path(self, article_id: str) -> Path:
        key = json.dumps({"article": article_id, **self.settings}, sort_keys=True, default=str)
        return self.folder / f"{article_id}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"

    def get(self, article_id: str) -> ArticleExtraction | None:
        path = self._path(article_id)
        try:
            return ArticleExtraction.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None  # absent, unreadable or from an older schema: ask again

    def put(self, extraction: ArticleExtraction) -> None:
        write_atomically(self._path(extraction.article.id), extraction.model_dump_json())
