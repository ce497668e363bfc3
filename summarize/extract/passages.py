"""The passages of a text around some of its spans: what a gleaning request sends instead of
the whole article.

Each span gets up to ``width`` characters either side, cut back to whole words; windows that
touch are merged.  Passages are taken in text order until the next one would take the
total (gaps marked by ``GAP``) past ``limit``; the spans after it are left out.
"""

from __future__ import annotations

from summarize.extract import chunks

GAP = "\n[…]\n"
WIDTH = 240


def _window(text: str, start: int, end: int, width: int) -> tuple[int, int]:
    lo, hi = max(0, start - width), min(len(text), end + width)
    if lo > 0:
        cut = next((i for i in range(lo, start) if text[i].isspace()), None)
        lo = start if cut is None else cut + 1
    if hi < len(text):
        cut = next((i for i in range(hi - 1, end - 1, -1) if text[i].isspace()), None)
        hi = end if cut is None else cut
    return lo, hi


def around(text: str, spans: list[tuple[int, int]], limit: int, width: int = WIDTH) -> tuple[list[chunks.Part], int]:
    """The passages around ``spans`` (sorted by start) and how many of the spans they hold."""
    windows: list[tuple[int, int]] = []
    used = held = 0
    for start, end in spans:
        lo, hi = _window(text, start, end, width)
        if windows and lo <= windows[-1][1]:
            first, last = windows[-1]
            grown = used - (last - first) + (max(hi, last) - first)
            if grown > limit:
                break
            windows[-1], used = (first, max(hi, last)), grown
        else:
            grown = used + (hi - lo) + (len(GAP) if windows else 0)
            if grown > limit:
                break
            windows.append((lo, hi))
            used = grown
        held += 1
    return [chunks.Part(lo, text[lo:hi]) for lo, hi in windows], held
