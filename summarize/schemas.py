"""JSON Schemas exported from the Pydantic models (``schemas/*.schema.json``)."""

from __future__ import annotations

import json
from pathlib import Path

from summarize.models import ArticleExtraction, Brief

SCHEMAS = {"article.schema.json": ArticleExtraction, "brief.schema.json": Brief}


def schema_texts() -> dict[str, str]:
    """File name -> the schema as it should be written, from the current models."""
    return {
        name: json.dumps(model.model_json_schema(mode="serialization"), indent=2, ensure_ascii=False) + "\n"
        for name, model in SCHEMAS.items()
    }


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
