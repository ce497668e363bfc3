"""Bring a week in: download feeds and article pages into a folder ``summarize brief`` reads.

One Markdown file per article, with YAML front matter (title, date, source, author, url,
language) written by PyYAML's safe dumper, so nothing a page says can break out of it.

Politeness, the way a careful newsroom scraper works:

* robots.txt is read once per host (protego) and honoured, redirects included; its
  ``Crawl-delay`` lengthens the per-host delay, never shortens it;
* one request at a time per host, ``delay`` seconds apart, at most ``connections`` hosts at once;
* a clear user agent; a timeout on every request; a page larger than ``max_bytes`` is not read;
* 408, 429 and 5xx answers are retried (``retries`` times, exponential backoff) after the
  ``Retry-After`` the server asks for; the whole host waits, not only the one request;
* feeds are asked for with ``If-None-Match`` / ``If-Modified-Since``: an unchanged feed
  answers 304 and costs nothing;
* an article already fetched (the same URL, the same canonical URL, or the same text) is
  neither downloaded nor written again: the folder keeps what it has fetched in
  ``.summarize-fetch.json`` (hidden, so the loader never reads it).

A page from which no article text can be extracted (a front page, a page of navigation) is
reported by URL and never written.

Text and metadata come from trafilatura (already the loader's HTML extractor), which reads
dates with htmldate and is built on the same URL tools (courlan) used here to normalise URLs:
tracking parameters dropped, host lower-cased, query sorted, fragment removed.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

from summarize.files import write_atomically
from summarize.sources.feeds import Entry, NotAFeed, is_http_url, looks_like_feed, looks_like_opml, parse_feed, parse_opml, read_inputs

VERSION = "0.1.0"
ROBOTS_AGENT = "summarize"
"""The token robots.txt rules name this fetcher by (``User-agent: summarize``)."""
USER_AGENT = f"{ROBOTS_AGENT}/{VERSION} (weekly news brief: fetches feeds and their articles; honours robots.txt)"
DEFAULT_DELAY = 1.0
DEFAULT_CONNECTIONS = 4
DEFAULT_TIMEOUT = 20.0
DEFAULT_RETRIES = 3
DEFAULT_MAX_WAIT = 300.0
MAX_PAGE_BYTES = 5 * 1024 * 1024
"""The loader's limit for one article file: a larger page is a dump, not an article."""
MIN_WORDS = 40
"""Fewer words of main text than this is a page of furniture (a section front, a paywall
teaser, a cookie wall), not an article."""
MAX_REDIRECTS = 5
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
STATE_FILE = ".summarize-fetch.json"


class FetchProblem(Exception):
    """One URL could not be fetched; the message says why (in words a reader can act on)."""

    def __init__(self, reason: str, retryable: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass
class Options:
    into: Path
    since: date | None = None
    user_agent: str = USER_AGENT
    delay: float = DEFAULT_DELAY
    connections: int = DEFAULT_CONNECTIONS
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    max_wait: float = DEFAULT_MAX_WAIT
    max_bytes: int = MAX_PAGE_BYTES
    min_words: int = MIN_WORDS


@dataclass
class Outcome:
    url: str
    status: Literal["written", "skipped", "failed"]
    reason: str = ""
    path: Path | None = None
    title: str | None = None


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Inputs that could not be used at all (a missing file, a feed that failed)."""
    requests: int = 0

    def of(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]


@dataclass
class Progress:
    """What :func:`fetch` reports as it goes; the CLI prints it."""

    feed: Callable[[str, str], None] = lambda url, what: None
    started: Callable[[int, int, str], None] = lambda i, n, url: None
    finished: Callable[[int, int, Outcome], None] = lambda i, n, outcome: None
    notice: Callable[[str], None] = lambda message: None


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


# --------------------------------------------------------------------------- URLs


def normalise(url: str) -> str:
    """``url`` as a key for "the same article": tracking parameters dropped, host
    lower-cased, default port and fragment removed, query sorted."""
    import courlan

    url = url.strip().split("#", 1)[0]
    try:
        return courlan.normalize_url(url) or url
    except ValueError:
        return url


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


# --------------------------------------------------------------------------- politeness


class Hosts:
    """One request at a time per host, ``delay`` seconds apart (longer when robots.txt or a
    Retry-After asks)."""

    def __init__(self, delay: float, clock: Callable[[], float], sleep: Callable[[float], None]):
        self.delay = delay
        self.clock = clock
        self.sleep = sleep
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    def slow_down(self, host: str, delay: float) -> None:
        with self._guard:
            self._delays[host] = max(self.delay, delay)

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` for ``seconds`` (a Retry-After)."""
        with self._guard:
            self._next[host] = max(self._next.get(host, 0.0), self.clock() + seconds)

    @contextmanager
    def turn(self, host: str):
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._next.get(host, 0.0) - self.clock()
            if wait > 0:
                self.sleep(wait)
            try:
                yield
            finally:
                with self._guard:
                    gap = self._delays.get(host, self.delay)
                    self._next[host] = max(self._next.get(host, 0.0), self.clock() + gap)


class Client:
    """HTTP GETs with the politeness above; robots.txt answers are kept per host."""

    def __init__(self, options: Options, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        import httpx2

        self.options = options
        self.hosts = Hosts(options.delay, clock, sleep)
        self._http = httpx2.Client(
            headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx2.Timeout(options.timeout),
            follow_redirects=False,
            limits=httpx2.Limits(max_connections=options.connections, max_keepalive_connections=options.connections),
            trust_env=True,
        )
        self._httpx = httpx2
        self._robots: dict[str, object] = {}
        self._robots_lock = threading.Lock()
        self._count = 0
        self._count_lock = threading.Lock()

    @property
    def requests(self) -> int:
        return self._count

    def close(self) -> None:
        self._http.close()

    def get(self, url: str, validators: dict[str, str] | None = None) -> Response:
        """The final answer for ``url`` after redirects (each hop checked against robots.txt);
        raises :class:`FetchProblem`.  A 304 to a conditional request is returned as such."""
        headers = {}
        if validators:
            if validators.get("etag"):
                headers["If-None-Match"] = validators["etag"]
            if validators.get("last_modified"):
                headers["If-Modified-Since"] = validators["last_modified"]
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not is_http_url(current):
                raise FetchProblem(f"redirected to {current[:200]!r}, not an http(s) URL")
            if not self.allowed(current):
                where = "" if current == url else f" (redirected to {current})"
                raise FetchProblem(f"robots.txt of {_host(current)} disallows it{where}: not fetched")
            answer = self._request(current, headers)
            if answer.status in (301, 302, 303, 307, 308) and answer.headers.get("location"):
                current = urljoin(current, answer.headers["location"])
                continue
            return answer
        raise FetchProblem(f"more than {MAX_REDIRECTS} redirects")

    # robots.txt ----------------------------------------------------------------

    def allowed(self, url: str) -> bool:
        host = _host(url)
        with self._robots_lock:
            rules = self._robots.get(host)
            if rules is None:
                rules = self._read_robots(host)
                self._robots[host] = rules
        if rules == "allow":
            return True
        if rules == "deny":
            return False
        return rules.can_fetch(url, self.options.user_agent)  # type: ignore[attr-defined]

    def _read_robots(self, host: str):
        """Protego rules, or "allow" (no robots.txt: 4xx), or "deny" (5xx or unreachable: RFC 9309
        says to assume everything is disallowed until it can be read)."""
        from protego import Protego

        try:
            answer = self._request(f"{host}/robots.txt", {}, retries=1)
            hops = 0
            while answer.status in (301, 302, 303, 307, 308) and answer.headers.get("location") and hops < MAX_REDIRECTS:
                answer = self._request(urljoin(f"{host}/robots.txt", answer.headers["location"]), {}, retries=1)
                hops += 1
        except FetchProblem:
            return "deny"
        if 400 <= answer.status < 500:
            return "allow"
        if answer.status != 200:
            return "deny"
        rules = Protego.parse(answer.body.decode("utf-8", errors="replace"))
        delay = rules.crawl_delay(self.options.user_agent)
        if delay:
            self.hosts.slow_down(host, float(delay))
        return rules

    # one request, retried ------------------------------------------------------

    def _request(self, url: str, headers: dict[str, str], retries: int | None = None) -> Response:
        host = _host(url)
        attempts = (self.options.retries if retries is None else retries) + 1
        last = ""
        for attempt in range(attempts):
            with self.hosts.turn(host):
                try:
                    answer = self._once(url, headers)
                except FetchProblem as problem:
                    if not problem.retryable:
                        raise
                    last, wait = problem.reason, None
                else:
                    if answer.status not in RETRYABLE:
                        return answer
                    last = f"HTTP {answer.status}"
                    wait = _retry_after(answer.headers.get("retry-after"), time.time())
            if attempt == attempts - 1:
                break
            if wait is None:
                wait = min(2.0**attempt, self.options.max_wait)
            if wait > self.options.max_wait:
                raise FetchProblem(f"{last}: the server asks to wait {wait:.0f} s (Retry-After), longer than --max-wait {self.options.max_wait:.0f} s", retryable=True)
            self.hosts.hold(host, wait)
        raise FetchProblem(f"{last}, {attempts} attempt(s)", retryable=True)

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        httpx = self._httpx
        with self._count_lock:
            self._count += 1
        try:
            with self._http.stream("GET", url, headers=headers) as answer:
                got = {k.lower(): v for k, v in answer.headers.items()}
                if answer.status_code != 200:
                    return Response(url, answer.status_code, got, b"")
                declared = got.get("content-length", "")
                limit = self.options.max_bytes
                if declared.isdigit() and int(declared) > limit:
                    raise FetchProblem(f"is {int(declared) / 2**20:.1f} MiB, over the {limit / 2**20:.0f} MiB limit for one page: not read")
                body = bytearray()
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise FetchProblem(f"is over the {limit / 2**20:.0f} MiB limit for one page: not read")
                return Response(str(answer.url), answer.status_code, got, bytes(body))
        except httpx.TimeoutException:
            raise FetchProblem(f"no answer within {self.options.timeout:g} s", retryable=True) from None
        except httpx.TransportError as err:
            raise FetchProblem(f"could not connect ({type(err).__name__})", retryable=True) from None
        except httpx.InvalidURL as err:
            raise FetchProblem(f"invalid URL ({err})") from None


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` asks to wait (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


# --------------------------------------------------------------------------- the folder's memory


class State:
    """What was fetched into a folder: validators of feeds, URLs and texts already written."""

    def __init__(self, folder: Path):
        self.path = folder / STATE_FILE
        self._lock = threading.Lock()
        data: dict = {}
        if self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
        self.feeds: dict[str, dict[str, str]] = dict(data.get("feeds") or {})
        self.urls: dict[str, str] = dict(data.get("urls") or {})
        """Normalised URL (asked for, redirected to, or canonical) → file written."""
        self.texts: dict[str, str] = dict(data.get("texts") or {})
        """Digest of the normalised text → file written."""
        self.folder = folder

    def known(self, url: str) -> str | None:
        """The file an article at ``url`` was written to, if it is still there."""
        name = self.urls.get(normalise(url))
        return name if name and (self.folder / name).is_file() else None

    def same_text(self, digest: str) -> str | None:
        name = self.texts.get(digest)
        return name if name and (self.folder / name).is_file() else None

    def remember(self, urls: list[str], digest: str, name: str) -> None:
        for url in urls:
            self.urls[normalise(url)] = name
        self.texts[digest] = name

    def save(self) -> None:
        with self._lock:
            data = {"version": 1, "feeds": self.feeds, "urls": self.urls, "texts": self.texts}
            write_atomically(self.path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False))


# --------------------------------------------------------------------------- pages


@dataclass
class Page:
    title: str | None
    date: date | None
    outlet: str | None
    author: str | None
    url: str
    language: str | None
    text: str


def decode(raw: bytes, content_type: str = "") -> str:
    """Page bytes as text: the charset the server declares, else the page's own
    ``<meta charset>``, else UTF-8, else a guess (trafilatura's)."""
    import codecs

    declared = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I)
    meta = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", raw[:4096], re.I)
    for name in (declared.group(1) if declared else None, meta.group(1).decode("ascii", "ignore") if meta else None):
        if not name:
            continue
        try:
            codecs.lookup(name)
            return raw.decode(name, errors="replace")
        except LookupError:
            continue
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from trafilatura.utils import decode_file

        return decode_file(raw)


_LANG_ATTR = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)


def read_page(html: str, url: str) -> Page | None:
    """The article in a page (text and metadata), or None when it holds none."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, favor_precision=True, include_comments=False, include_tables=True, output_format="python"
        )
    except Exception:  # trafilatura raises a variety of lxml errors on broken markup
        return None
    if doc is None:
        return None
    text = (getattr(doc, "text", None) or "").strip()
    if not text:
        return None
    found = _LANG_ATTR.search(html[:20000])
    canonical = getattr(doc, "url", None)
    if not (isinstance(canonical, str) and is_http_url(canonical)):
        canonical = url
    published = None
    if getattr(doc, "date", None):
        try:
            published = date.fromisoformat(str(doc.date)[:10])
        except ValueError:
            published = None
    return Page(
        title=_plain(doc.title),
        date=published,
        outlet=_plain(doc.sitename) or _plain(doc.hostname),
        author=_plain(doc.author),
        url=canonical,
        language=found.group(1).lower() if found else None,
        text=text,
    )


def _plain(value: object) -> str | None:
    """One line of text with no control character: what a page says, fit for front matter,
    a file name and a terminal."""
    if not isinstance(value, str):
        return None
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in value)
    flat = " ".join(kept.split())
    return flat or None


def text_digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()


def file_name(page: Page, when: date | None) -> str:
    slug = unicodedata.normalize("NFKD", page.title or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")[:60].rstrip("-") or "article"
    tag = hashlib.sha256(normalise(page.url).encode("utf-8")).hexdigest()[:8]
    return f"{when.isoformat() if when else 'undated'}-{slug}-{tag}.md"


def markdown_file(page: Page, when: date | None, source: str, fetched: datetime, author: str | None) -> str:
    """The article as Markdown with YAML front matter (safe-dumped: any title is data)."""
    import yaml

    fields = {
        "title": page.title,
        "date": when.isoformat() if when else None,
        "source": page.outlet,
        "author": author,
        "url": page.url,
        "language": page.language,
        "fetched_from": source,
        "fetched": fetched.isoformat(timespec="seconds"),
    }
    front = yaml.safe_dump({k: v for k, v in fields.items() if v}, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{front}---\n\n{page.text.strip()}\n"


# --------------------------------------------------------------------------- the run


@dataclass
class _Target:
    url: str
    source: str
    entry: Entry | None = None
    answer: Response | None = None
    """The page itself, when it was given as a URL (downloaded once to tell it from a feed)."""


def fetch(
    inputs: list[str],
    options: Options,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Report:
    """Fetch what ``inputs`` name (feed or article URLs, OPML files, files of URLs) into
    ``options.into``.  Never raises for one URL: every outcome is in the report."""
    progress = progress or Progress()
    report = Report()
    options.into.mkdir(parents=True, exist_ok=True)
    state = State(options.into)
    client = Client(options, clock=clock, sleep=sleep)
    write_lock = threading.Lock()
    try:
        urls: list[str] = []
        for argument in inputs:
            found, problems = read_inputs(argument)
            report.problems += problems
            for problem in problems:
                progress.notice(problem)
            urls += [u for u in found if u not in urls]

        targets: list[_Target] = []
        fresh_feeds: dict[str, dict[str, str]] = {}
        with ThreadPoolExecutor(max_workers=max(1, options.connections)) as pool:
            firsts = list(pool.map(lambda u: _first(client, state, u), urls))
        for url, (kind, value) in zip(urls, firsts):
            if kind == "known":
                report.outcomes.append(Outcome(url, "skipped", f"already fetched: {value}"))
            elif kind == "problem":
                report.problems.append(f"{url}: {value}")
                progress.notice(f"{url}: {value}")
            elif kind == "unchanged":
                progress.feed(url, "unchanged since the last fetch (HTTP 304)")
            elif kind == "page":
                targets.append(_Target(url, url, None, value))
            else:
                feed, validators = value
                new = [e for e in feed.entries if not (options.since and e.published and e.published < options.since)]
                old = len(feed.entries) - len(new)
                targets += [_Target(e.url, url, e) for e in new]
                fresh_feeds[url] = validators
                older = f", {old} dated before --since" if old else ""
                progress.feed(url, f"{len(feed.entries)} entr{'y' if len(feed.entries) == 1 else 'ies'}{older}")

        seen: set[str] = set()
        unique: list[_Target] = []
        for target in targets:
            key = normalise(target.url)
            if key in seen:
                continue
            seen.add(key)
            unique.append(target)

        n = len(unique)

        def one(numbered: tuple[int, _Target]) -> Outcome:
            i, target = numbered
            progress.started(i, n, target.url)
            outcome = _article(client, state, target, options, write_lock, now)
            progress.finished(i, n, outcome)
            return outcome

        with ThreadPoolExecutor(max_workers=max(1, options.connections)) as pool:
            report.outcomes += list(pool.map(one, enumerate(unique, 1)))
        transient = any(o.status == "failed" and o.reason.startswith("retry later") for o in report.outcomes)
        if not transient:
            state.feeds.update(fresh_feeds)  # a feed whose entries all came in is asked for conditionally next time
        state.save()
    finally:
        report.requests = client.requests
        client.close()
    return report


def _first(client: Client, state: State, url: str):
    """What ``url`` is: ("known", file) for an article already fetched, ("feed", (feed,
    validators)), ("page", answer) for an article page, ("unchanged", None) for a feed that
    answered 304, or ("problem", reason)."""
    name = state.known(url)
    if name:
        return "known", name
    try:
        answer = client.get(url, state.feeds.get(url))
    except FetchProblem as problem:
        return "problem", problem.reason
    if answer.status == 304:
        return "unchanged", None
    if answer.status != 200:
        return "problem", f"HTTP {answer.status}"
    kind = answer.headers.get("content-type", "")
    if looks_like_opml(answer.body):
        return "problem", "is an OPML list: save it and give its file name"
    if looks_like_feed(answer.body, kind):
        try:
            feed = parse_feed(answer.body, answer.url, kind)
        except NotAFeed as err:
            return "problem", str(err)
        validators = {k: answer.headers[h] for k, h in (("etag", "etag"), ("last_modified", "last-modified")) if answer.headers.get(h)}
        return "feed", (feed, validators)
    return "page", answer


def _article(client: Client, state: State, target: _Target, options: Options, write_lock: threading.Lock, now) -> Outcome:
    url = target.url
    name = state.known(url)
    if name:
        return Outcome(url, "skipped", f"already fetched: {name}")
    answer = target.answer
    if answer is None:
        try:
            answer = client.get(url)
        except FetchProblem as problem:
            return Outcome(url, "failed", ("retry later: " if problem.retryable else "") + problem.reason)
        if answer.status != 200:
            return Outcome(url, "failed", f"HTTP {answer.status}")
    kind = answer.headers.get("content-type", "").lower()
    if kind and not any(k in kind for k in ("html", "xml", "text/plain")):
        return Outcome(url, "failed", f"is {kind.split(';')[0].strip()}, not a web page: not read")
    page = read_page(decode(answer.body, kind), answer.url)
    if page is None or len(page.text.split()) < options.min_words:
        words = len(page.text.split()) if page else 0
        return Outcome(url, "failed", f"no article text on the page ({words} word(s) of main text; at least {options.min_words} needed): not written")
    entry = target.entry
    when = page.date or (entry.published if entry else None)
    if options.since and when and when < options.since:
        return Outcome(url, "skipped", f"dated {when.isoformat()}, before --since", title=page.title)
    if page.title is None and entry and entry.title:
        page.title = _plain(entry.title)
    author = page.author or (_plain(entry.author) if entry else None)
    digest = text_digest(page.text)
    with write_lock:
        name = state.known(page.url) or state.known(answer.url)
        if name:
            state.remember([url], digest, name)
            return Outcome(url, "skipped", f"already fetched: {name} (same canonical URL)", title=page.title)
        name = state.same_text(digest)
        if name:
            state.remember([url, answer.url], digest, name)
            return Outcome(url, "skipped", f"same text as {name}", title=page.title)
        name = file_name(page, when)
        write_atomically(options.into / name, markdown_file(page, when, target.source, now(), author), shared=True)
        state.remember([url, answer.url, page.url], digest, name)
        state.save()
    return Outcome(url, "written", "" if when else "undated: no date on the page or in the feed", path=options.into / name, title=page.title)
