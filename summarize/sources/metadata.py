"""Article metadata: title, date, outlet, URL and author from front matter, header lines or HTML.

Three places carry it:

* YAML front matter at the top of a ``.md`` file (``title:``, ``date:``, ``source:`` …);
* leading ``Key: value`` lines of a ``.txt`` file (``Title:``, ``Date:``, ``Source:`` …, any case),
  which are taken out of the text the model sees;
* the metadata trafilatura reads from an HTML page.

Dates go through :func:`parse_date` (ISO and e-mail forms directly, anything else with
dateparser, which reads dates in many languages).  A date that cannot be read is reported,
never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from summarize.sources import headers

FIELDS = {
    "title": "title",
    "headline": "title",
    "date": "date",
    "published": "date",
    "source": "outlet",
    "outlet": "outlet",
    "publisher": "outlet",
    "site": "outlet",
    "site_name": "outlet",
    "sitename": "outlet",
    "url": "url",
    "link": "url",
    "author": "author",
    "authors": "author",
}
"""Header and front-matter keys (lower case) and the metadata field each one fills."""

MAX_HEADER_LINES = 12


@dataclass
class Metadata:
    title: str | None = None
    date: date | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    language: str | None = None
    problems: list[str] = field(default_factory=list)
    """What could not be read (an unparseable date), for the caller to report."""

    def fill(self, key: str, value: object) -> None:
        name = _field(key)
        if name is None or value is None:
            return
        if name == "date":
            if self.date is None:
                self.date = self._date(value)
            return
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v).strip() for v in value if str(v).strip())
        text = " ".join(str(value).split()).strip("'\"")
        if text and getattr(self, name) is None:
            setattr(self, name, text)

    def _date(self, value: object) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if not text:
            return None
        found = parse_date(text)
        if found is None:
            self.problems.append(f"its date {text[:60]!r} could not be read; the article is treated as undated")
        return found


def parse_date(text: str) -> date | None:
    """A calendar date from ``text`` in any common form or language; None when there is none."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser  # imported here: slow to import, and most dates are ISO

    found = dateparser.parse(text, settings={"REQUIRE_PARTS": ["day", "month", "year"]})
    return found.date() if found else None


# --------------------------------------------------------------------------- .md front matter

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[str, Metadata]:
    """The text after a YAML front matter block, and what the block says."""
    meta = Metadata()
    match = _FRONT_MATTER.match(text)
    if not match:
        if re.match(r"---[ \t]*\n", text):
            meta.problems.append("its front matter opens with --- but is never closed by another ---; it was read as text")
        return text, meta
    from summarize.sources import safe_yaml  # imported here: PyYAML is only needed for .md files

    try:
        fields = safe_yaml.load(match.group(1))
    except safe_yaml.UnsafeYaml as err:
        line = f" (line {err.line + 1})" if err.line is not None else ""  # the file's line: --- is line 1
        meta.problems.append(f"its front matter {err}{line}; it was ignored")
        return text[match.end():], meta
    if isinstance(fields, dict):
        for key, value in fields.items():
            meta.fill(str(key), value)
    return text[match.end():], meta


# --------------------------------------------------------------------------- .txt header lines

_HEADER_LINE = re.compile(r"^[ \t]*([^\W\d_][\w '’-]{0,30}?)[ \t]*:[ \t]*(.*?)[ \t]*$")


def _field(key: str) -> str | None:
    """The field a key fills: an English front-matter key, or a header key of any language
    the language data covers (``Titre``, ``Datum``, ``Fuente``, ``By``)."""
    return FIELDS.get(key.strip().lower().replace("-", "_").replace(" ", "_")) or headers.field_of(key)


def split_header_lines(text: str) -> tuple[str, Metadata]:
    """Leading ``Key: value`` lines with known keys, taken out of the text.

    The header ends at the first line that is not one (a blank line right after it is
    dropped too).  Text that does not start with a known key is returned as it is.
    """
    meta = Metadata()
    lines = text.split("\n")
    taken = 0
    while taken < min(len(lines), MAX_HEADER_LINES):
        match = _HEADER_LINE.match(lines[taken])
        author = None if match and _field(match.group(1)) else headers.byline(lines[taken])
        if author:
            meta.fill("author", author)
        elif not match or _field(match.group(1)) is None:
            break
        else:
            meta.fill(match.group(1), match.group(2))
        taken += 1
    if taken == 0:
        return text, meta
    while taken < len(lines) and not lines[taken].strip():
        taken += 1
    return "\n".join(lines[taken:]), meta


# --------------------------------------------------------------------------- HTML


def from_trafilatura(document) -> Metadata:
    """Metadata from ``trafilatura.extract_metadata``'s result (None-safe)."""
    meta = Metadata()
    if document is None:
        return meta
    meta.fill("title", document.title)
    meta.fill("date", document.date)
    meta.fill("outlet", document.sitename or document.hostname)
    meta.fill("url", document.url)
    meta.fill("author", document.author)
    return meta
