"""Text and metadata of a PDF (a press release, a report), read with pypdf.

pypdf is pure Python (no compiler, no system library), maintained by the PyPA-adjacent team
that took over PyPDF2, reads the document information (title, author, dates) as well as the
text, and copes with damaged files.  pdfminer.six lays out text more carefully but is slower
and larger; a press release's text reads well enough with pypdf's layout-free extraction.

The text returned is the article's text: quotes are grounded, and offsets counted, in it
exactly as in a .txt article.  A PDF with no text layer (a scan) is reported, not guessed at.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import date

MAX_BYTES = 50 * 1024 * 1024
"""Reports run to tens of MiB with their images; larger PDFs are not news."""


class PdfProblem(Exception):
    """The PDF cannot give an article; the message says why."""


@dataclass
class PdfText:
    text: str
    title: str | None
    author: str | None
    date: date | None
    pages: int


def read(raw: bytes) -> PdfText:
    """The text of every page (pages apart by a blank line) and the document's title, author
    and date; raises :class:`PdfProblem` for an encrypted, broken or text-less PDF."""
    from pypdf import PdfReader  # imported here: only PDFs need it
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on odd files would reach the terminal raw
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfProblem("is an encrypted PDF: not read (save an unprotected copy)")
        pages = [(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata
    except PdfProblem:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as err:
        raise PdfProblem(f"is a PDF that could not be read ({type(err).__name__}: {str(err)[:120]})") from err
    text = "\n\n".join(_tidy(p) for p in pages if p.strip())
    if not text.strip():
        raise PdfProblem(f"is a PDF with no text layer ({len(pages)} page(s), a scan?): no text to read; run OCR on it first (e.g. ocrmypdf)")
    title = author = None
    when = None
    if info is not None:
        title = _field(info.title)
        author = _field(info.author)
        for stamp in (_date(info, "creation_date"), _date(info, "modification_date")):
            if stamp:
                when = stamp
                break
    if title and re.match(r"(?i)(microsoft word|untitled|document\d*)\b", title):
        title = None  # what a word processor fills in, not the document's title
    return PdfText(text=text, title=title, author=author, date=when, pages=len(pages))


def _tidy(page: str) -> str:
    lines = [line.rstrip() for line in page.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def _field(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
    return text or None


def _date(info, name: str) -> date | None:
    try:
        stamp = getattr(info, name)
    except (ValueError, TypeError):  # a malformed date string
        return None
    return stamp.date() if stamp is not None else None
