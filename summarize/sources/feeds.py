"""What to fetch: feeds (RSS, Atom, JSON Feed), OPML lists of feeds, and lists of URLs.

Pure functions over bytes and text; :mod:`summarize.sources.fetch` does the downloading.

* RSS and Atom (every version, broken ones included) are read with feedparser, the feed
  parser feed readers have relied on for twenty years: it copes with bad encodings, odd date
  forms and malformed XML, which a week of real feeds always holds.
* JSON Feed is plain JSON with a fixed shape (``version``, ``items[].url``,
  ``date_published``): read here with :mod:`json`, no library needed (feedparser 6.0 does not
  read it).
* OPML (a feed reader's export) is a list of ``<outline xmlUrl="…">``: read with the standard
  XML parser, which never fetches external entities.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit


@dataclass
class Entry:
    """One item of a feed: where its article is, and what the feed says about it."""

    url: str
    title: str | None = None
    published: date | None = None
    author: str | None = None


@dataclass
class Feed:
    url: str
    title: str | None = None
    entries: list[Entry] = field(default_factory=list)


class NotAFeed(ValueError):
    """The document is not a feed (an article page, an error page)."""


def is_http_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


# --------------------------------------------------------------------------- inputs


def read_inputs(argument: str) -> tuple[list[str], list[str]]:
    """The URLs one command-line argument stands for, and what was wrong with it.

    ``argument`` is a URL (a feed or an article: told apart once downloaded), an OPML file
    (its feeds), or a text file of URLs, one per line (blank lines and ``#`` comments
    skipped)."""
    if is_http_url(argument):
        return [argument.strip()], []
    path = Path(argument)
    if not path.is_file():
        return [], [f"{argument}: neither an http(s) URL nor a file"]
    raw = path.read_bytes()
    if looks_like_opml(raw):
        try:
            return parse_opml(raw), []
        except ValueError as err:
            return [], [f"{argument}: {err}"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [f"{argument}: not UTF-8 text, nor an OPML file"]
    urls, problems = [], []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if is_http_url(line):
            urls.append(line)
        else:
            problems.append(f"{argument}, line {number}: not an http(s) URL: {line[:80]!r}")
    return urls, problems


def looks_like_opml(raw: bytes) -> bool:
    return bool(re.search(rb"<opml[\s>]", raw[:2048], re.I))


def parse_opml(raw: bytes) -> list[str]:
    """The feed URLs of an OPML document, in order, each once."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(raw)
    except ET.ParseError as err:
        raise ValueError(f"not valid OPML ({err})") from None
    urls: list[str] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if is_http_url(url) and url not in urls:
            urls.append(url)
    return urls


# --------------------------------------------------------------------------- feeds

_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF|channel)[\s>]", re.S | re.I)


def looks_like_feed(raw: bytes, content_type: str = "") -> bool:
    kind = content_type.lower()
    if any(k in kind for k in ("rss", "atom", "feed+json")):
        return True
    head = raw[:4096].lstrip(b"\xef\xbb\xbf")
    if _FEED_START.match(head):
        return True
    return head.lstrip().startswith(b"{") and b"jsonfeed.org/version" in head


def parse_feed(raw: bytes, url: str, content_type: str = "") -> Feed:
    """The entries of an RSS, Atom or JSON feed; raises :class:`NotAFeed` for anything else.
    Relative links are resolved against ``url``."""
    head = raw[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{"):
        return _json_feed(raw, url)
    import feedparser  # imported here: only fetch needs it

    parsed = feedparser.parse(io.BytesIO(raw), response_headers={"content-location": url, "content-type": content_type or "application/xml"})
    if not parsed.get("version"):
        raise NotAFeed(f"{url} is not an RSS or Atom feed")
    feed = Feed(url=url, title=_clean(parsed.feed.get("title")))
    for item in parsed.entries:
        link = item.get("link") or next((l.get("href") for l in item.get("links", []) if l.get("href")), None)
        if not link:
            continue
        link = urljoin(url, link.strip())
        if not is_http_url(link):
            continue
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        published = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
        feed.entries.append(Entry(url=link, title=_clean(item.get("title")), published=published, author=_clean(item.get("author"))))
    return feed


def _json_feed(raw: bytes, url: str) -> Feed:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise NotAFeed(f"{url} is not a JSON feed ({err})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise NotAFeed(f"{url} is JSON but not a JSON Feed (no jsonfeed.org version)")
    feed = Feed(url=url, title=_clean(data.get("title")))
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not is_http_url(urljoin(url, link)):
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = ", ".join(a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)) or None
        feed.entries.append(
            Entry(
                url=urljoin(url, link),
                title=_clean(item.get("title")),
                published=_rfc3339_date(item.get("date_published") or item.get("date_modified")),
                author=_clean(author),
            )
        )
    return feed


def _rfc3339_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(timezone.utc)
    return stamp.date()


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None
