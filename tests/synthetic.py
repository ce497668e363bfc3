"""Generated articles and their annotations, for tests that need many or long articles.

Every paragraph states one figure in a unique sentence, so a correct extraction is known
exactly: one actor per governor, one claim and one figure per paragraph.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

GOVERNORS = ["Ana Lopez", "Bruno Keller", "Chen Wei", "Dara Okafor", "Emil Novak"]


def _place(i: int) -> str:
    letters = ""
    while True:
        letters = "abcdefghijklmnopqrstuvwxyz"[i % 26] + letters
        i //= 26
        if not i:
            return "Karo" + letters


def paragraph(i: int) -> tuple[str, dict, dict]:
    place, governor, homes = _place(i), GOVERNORS[i % len(GOVERNORS)], 1000 + 7 * i
    text = (
        f"Officials in the district of {place} said {homes:,} homes were without power, "
        f"and the regional governor {governor} promised repairs in {place}."
    )
    claim = {
        "text": f"{governor} promised repairs in {place}.",
        "speaker": governor,
        "kind": "commitment",
        "hedged": False,
        "quote": f"the regional governor {governor} promised repairs in {place}.",
    }
    figure = {
        "value": homes,
        "unit": "homes",
        "counts": f"homes without power in {place}",
        "bound": "exact",
        "source": "Officials",
        "applies_to": None,
        "quote": f"said {homes:,} homes were without power",
    }
    return text, claim, figure


def write_article(folder: Path, annotations: Path, name: str, paragraphs: int, first: int = 0) -> tuple[Path, str]:
    """Write the article and its annotation; returns the article's path and id.  ``first``:
    the first paragraph's number (articles from different numbers share no paragraph)."""
    texts, claims, figures = [], [], []
    for i in range(first, first + paragraphs):
        text, claim, figure = paragraph(i)
        texts.append(text)
        claims.append(claim)
        figures.append(figure)
    raw = (f"Power cuts across the region: {Path(name).stem}\n\n" + "\n\n".join(texts) + "\n").encode("utf-8")
    article_id = hashlib.sha256(raw).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    annotations.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(raw)
    actors = [{"name": g, "aliases": [], "kind": "person", "role": "regional governor", "quote": g} for g in GOVERNORS]
    actors.append({"name": "Officials", "aliases": [], "kind": "group", "role": None, "quote": "Officials"})
    annotation = {"actors": actors, "claims": claims, "figures": figures, "stances": []}
    (annotations / f"{article_id}.json").write_text(json.dumps(annotation), encoding="utf-8")
    return path, article_id
