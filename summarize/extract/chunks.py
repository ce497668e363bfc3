"""Split a long article into overlapping parts on paragraph or sentence boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarize.defaults import DEFAULT_CHUNK_CHARS, MIN_CHUNK_CHARS


_BOUNDARY = re.compile(r"\n\s*\n|\n|(?:(?<=[.!?…])|(?<=[.!?…][”\"’')\]]))\s+")


@dataclass(frozen=True)
class Part:
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _cut_points(text: str) -> list[int]:
    """Offsets where a part may end: after paragraphs, lines and sentences."""
    return sorted({m.end() for m in _BOUNDARY.finditer(text)} | {len(text)})


def split(text: str, size: int = DEFAULT_CHUNK_CHARS, overlap: int | None = None) -> list[Part]:
    """Parts of at most ``size`` characters covering ``text``; each after the first repeats
    about ``overlap`` characters (whole sentences) of the one before, so that a fact on a
    boundary is whole in at least one part.  Offsets are relative to ``text``."""
    if len(text) <= size:
        return [Part(0, text)]
    overlap = size // 10 if overlap is None else overlap
    cuts = _cut_points(text)
    parts: list[Part] = []
    start = 0
    while start < len(text):
        limit = start + size
        end = max((c for c in cuts if start < c <= limit), default=min(limit, len(text)))
        parts.append(Part(start, text[start:end]))
        if end >= len(text):
            break
        # Next part starts at a boundary about `overlap` before this end, always moving forward.
        back = [c for c in cuts if end - overlap <= c < end and c > start]
        start = back[0] if back else end
    return [Part(p.start, p.text) for p in parts if p.text.strip()]
