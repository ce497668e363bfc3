"""``summarize fetch`` against a local web site (tests/web_server.py, 127.0.0.1 only): feeds,
OPML, pages, redirects, robots.txt, 429s, boilerplate, a non-UTF-8 page and a huge one.
The pages and feeds are invented fixtures (tests/fixtures/web/README.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner
from web_server import Answer, Site

from summarize.cli import app
from summarize.sources import fetch as fetching
from summarize.sources.load import load_folder
from summarize.sources.metadata import split_front_matter

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@pytest.fixture
def site():
    with Site() as s:
        s.routes["/robots.txt"] = Answer(200, ROBOTS, {"Content-Type": "text/plain"})
        s.routes["/rss.xml"] = Answer(200, s.fixture("rss.xml"), {"Content-Type": "application/rss+xml"}, etag='"rss-1"')
        s.routes["/atom.xml"] = Answer(200, s.fixture("atom.xml"), {"Content-Type": "application/atom+xml"}, etag='"atom-1"')
        s.routes["/feed.json"] = Answer(200, s.fixture("feed.json"), {"Content-Type": "application/feed+json"})
        s.page("/news/2024/10/29/port-strike", "port-strike.html")
        s.page("/news/ferry-fares", "ferry-fares.html")
        s.page("/fr/greve", "greve-rail.html", charset="iso-8859-1")
        s.page("/news/old-dredging", "ferry-fares.html")
        s.page("/front", "section-front.html")
        yield s


class Sleeps:
    """A fake clock: sleeping advances it at once, and every sleep is kept."""

    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def run(inputs, into: Path, sleeps: Sleeps | None = None, **options):
    sleeps = sleeps or Sleeps()
    opts = fetching.Options(into=into, delay=options.pop("delay", 0.0), **options)
    return fetching.fetch(inputs, opts, clock=sleeps.clock, sleep=sleeps.sleep)


def articles(folder: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n", 2)[1])
        found[front["url"]] = (front, text)
    return found


def opml_file(site: Site, tmp_path: Path) -> str:
    path = tmp_path / "feeds.opml"
    path.write_bytes(site.fixture("feeds.opml"))
    return str(path)


def test_an_opml_list_of_feeds_becomes_dated_sourced_articles_the_loader_reads(site, tmp_path):
    into = tmp_path / "articles"
    report = run([opml_file(site, tmp_path)], into, since=date(2024, 10, 28))

    written = articles(into)
    strike = site.url("/news/2024/10/29/port-strike")
    assert set(written) == {strike, site.url("/news/ferry-fares"), site.url("/fr/greve")}  # canonical, no utm_
    front, text = written[strike]
    assert front["title"] == "Dock workers extend strike at Northhaven port"
    assert front["date"] == "2024-10-29" and front["source"] == "The Harbour Ledger"
    assert front["author"] == "Mara Quillon" and front["language"] == "en"
    assert front["fetched_from"] == site.url("/rss.xml")
    assert "46 container" in text and "All rights reserved" not in text and "Business" not in text
    # the entry dated before --since in the feed was never requested
    assert site.count("/news/old-dredging") == 0
    assert [o.status for o in report.outcomes].count("written") == 3
    # every request says who is asking
    assert all(h.headers["user-agent"].startswith("summarize/") for h in site.hits)

    loaded = load_folder(into)
    assert not loaded.failures
    by_title = {a.title: a for a in loaded.articles}
    assert by_title["Dock workers extend strike at Northhaven port"].date == date(2024, 10, 29)
    assert by_title["Dock workers extend strike at Northhaven port"].url == strike
    french = next(a for a in loaded.articles if a.url == site.url("/fr/greve"))
    assert french.date == date(2024, 10, 31) and french.outlet == "Le Courrier de Valmont"


def test_a_second_run_fetches_nothing_new(site, tmp_path):
    into = tmp_path / "articles"
    inputs = [opml_file(site, tmp_path), site.url("/feed.json")]
    run(inputs, into, since=date(2024, 10, 28))
    before = {p.name: p.read_bytes() for p in into.glob("*.md")}
    pages = {p: site.count(p) for p in ("/news/2024/10/29/port-strike", "/news/ferry-fares", "/fr/greve")}
    assert pages == dict.fromkeys(pages, 1)  # ferry-fares is in the RSS and the JSON feed: fetched once

    report = run(inputs, into, since=date(2024, 10, 28))

    assert {p.name: p.read_bytes() for p in into.glob("*.md")} == before
    assert {p: site.count(p) for p in pages} == pages  # no article page asked for again
    feed_asks = [h for h in site.hits if h.path == "/rss.xml"]
    assert feed_asks[-1].headers.get("if-none-match") == '"rss-1"'  # conditional: answered 304
    assert not report.of("written") and not report.of("failed")


def test_the_same_text_under_another_url_is_not_written_twice(site, tmp_path):
    site.page("/mirror/ferry", "ferry-fares.html")  # no canonical link: each URL is its own
    into = tmp_path / "a"
    report = run([site.url("/news/ferry-fares"), site.url("/mirror/ferry")], into)
    assert len(list(into.glob("*.md"))) == 1
    assert [o.reason for o in report.of("skipped")] == [f"same text as {next(into.glob('*.md')).name}"]


def test_robots_txt_disallow_is_honoured_redirects_included(site, tmp_path):
    site.page("/private/memo", "port-strike.html")
    site.routes["/go"] = Answer(302, b"", {"Location": "/private/memo"})
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# this week\n{site.url('/private/memo')}\n\n{site.url('/go')}\n", encoding="utf-8")
    report = run([str(urls)], tmp_path / "a")
    assert site.count("/private/memo") == 0
    assert site.count("/robots.txt") == 1  # read once per host
    reasons = " ".join(report.problems)
    assert "robots.txt" in reasons and "redirected to" in reasons
    assert not list((tmp_path / "a").glob("*.md"))


def test_a_redirect_is_followed_to_the_article(site, tmp_path):
    site.routes["/short/1"] = Answer(301, b"", {"Location": site.url("/news/ferry-fares")})
    report = run([site.url("/short/1")], tmp_path / "a")
    assert [o.status for o in report.outcomes] == ["written"]
    assert site.count("/news/ferry-fares") == 1


def test_a_429_is_retried_after_its_retry_after_and_the_host_waits(site, tmp_path):
    page = site.routes["/news/ferry-fares"]
    site.routes["/news/ferry-fares"] = [Answer(429, b"slow down", {"Retry-After": "7"}), page]
    sleeps = Sleeps()
    report = run([site.url("/news/ferry-fares")], tmp_path / "a", sleeps)
    assert [o.status for o in report.outcomes] == ["written"]
    assert site.count("/news/ferry-fares") == 2
    assert sleeps.slept and max(sleeps.slept) >= 7


def test_a_retry_after_longer_than_max_wait_gives_up_without_asking_again(site, tmp_path):
    site.routes["/news/ferry-fares"] = Answer(503, b"", {"Retry-After": "3600"})
    sleeps = Sleeps()
    report = run([site.url("/news/ferry-fares")], tmp_path / "a", sleeps, max_wait=60)
    assert site.count("/news/ferry-fares") == 1
    assert not any(s >= 60 for s in sleeps.slept)
    assert "3600" in report.problems[0] and "--max-wait" in report.problems[0]


def test_requests_to_one_host_are_spaced_by_the_delay(site, tmp_path):
    paths = ["/news/ferry-fares", "/fr/greve", "/news/2024/10/29/port-strike"]
    fetching.fetch([site.url(p) for p in paths], fetching.Options(into=tmp_path / "a", delay=0.15, connections=4))
    times = sorted(h.at for h in site.hits)
    assert len(times) == 4  # robots.txt and three pages
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.14


def test_a_page_of_navigation_is_reported_by_url_and_never_written(site, tmp_path):
    report = run([site.url("/front"), site.url("/news/ferry-fares")], tmp_path / "a")
    failed = report.of("failed")
    assert [o.url for o in failed] == [site.url("/front")]
    assert "no article text" in failed[0].reason
    assert len(list((tmp_path / "a").glob("*.md"))) == 1


def test_a_page_in_a_legacy_encoding_is_decoded(site, tmp_path):
    run([site.url("/fr/greve")], tmp_path / "a")
    (front, text), = articles(tmp_path / "a").values()
    assert front["title"].startswith("Grève des cheminots")
    assert "préavis de grève déposé" in text and "« irréalistes »" in text and "\ufffd" not in text


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "no-content-length"])
def test_a_huge_page_is_not_read(site, tmp_path, declared):
    huge = site.fixture("ferry-fares.html").replace(b"</article>", b"<p>" + b"word " * 300_000 + b"</p></article>")
    site.routes["/huge"] = Answer(200, huge, {"Content-Type": "text/html"}, length=declared)
    report = run([site.url("/huge")], tmp_path / "a", max_bytes=1_000_000)
    assert "limit for one page" in report.problems[0]
    assert not list((tmp_path / "a").glob("*.md"))


HOSTILE = b"""<!doctype html><html><head><meta charset="utf-8">
<title>Evil: \x1b[31mred\x1b[0m "title": [x] # y</title>
<meta property="og:title" content="Evil: &#27;]0;pwned&#7; &quot;title&quot;: [x] # y
---
date: 1999-01-01">
</head><body><article><h1>Headline</h1>""" + b"<p>" + b"Ordinary words of a long enough article body here. " * 12 + b"</p></article></body></html>"


def test_page_text_cannot_break_the_front_matter_or_the_terminal(site, tmp_path):
    site.routes["/evil"] = Answer(200, HOSTILE, {"Content-Type": "text/html; charset=utf-8"})
    result = CliRunner().invoke(app, ["fetch", site.url("/evil"), "--into", str(tmp_path / "a"), "--delay", "0"])
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "a").glob("*.md")
    raw = path.read_text(encoding="utf-8")
    assert "\x1b" not in raw and "\x07" not in raw
    text, meta = split_front_matter(raw)
    assert meta.title and meta.title.startswith("Evil:") and '"title": [x] # y' in meta.title
    assert "--- date: 1999-01-01" in meta.title  # the "---" and "date:" lines stayed inside the title
    assert not meta.problems and text.lstrip().startswith("Headline")
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_the_cli_prints_progress_like_brief_and_exits_partial_on_failures(site, tmp_path):
    result = CliRunner().invoke(
        app, ["fetch", site.url("/rss.xml"), site.url("/front"), "--into", str(tmp_path / "a"), "--since", "2024-10-28", "--delay", "0"]
    )
    assert result.exit_code == 1, result.output
    out = result.output
    assert "feed " + site.url("/rss.xml") + ": 3 entries, 1 dated before --since" in out
    assert "[1/3] " in out and "[3/3] " in out and "wrote " in out
    assert "2 article(s) written" in out
    assert f"{site.url('/front')}\n      failed: no article text" in out


def test_a_json_feed_and_an_atom_feed_are_read(site, tmp_path):
    run([site.url("/feed.json"), site.url("/atom.xml")], tmp_path / "a")
    written = articles(tmp_path / "a")
    assert written[site.url("/news/ferry-fares")][0]["fetched_from"] == site.url("/feed.json")
    assert written[site.url("/news/ferry-fares")][0]["author"] == "Tom Ashby"  # the page names none: the feed does
    assert written[site.url("/fr/greve")][0]["language"] == "fr"


@pytest.mark.parametrize("charset", ["iso-8859-1", "koi8-r"])
def test_the_declared_charset_decides_where_a_guess_would_be_wrong(charset):
    text = {"iso-8859-1": "<p>Grève à Sérac</p>", "koi8-r": "<p>Забастовка докеров</p>"}[charset]
    raw = text.encode(charset)
    assert fetching.decode(raw, f"text/html; charset={charset}") == text
    with_meta = f'<meta charset="{charset}">'.encode() + raw
    assert fetching.decode(with_meta, "text/html").endswith(text)
