"""The HTML brief without a browser: escaping, the security policy, the data the page's
script draws from, the size of a big week's page, the CLI."""

import base64
import hashlib
import json
import os
import stat
from functools import lru_cache

import lxml.html
import pytest
from conftest import SEEDS
from big_brief import HOSTILE, big_brief
from hostile_brief import LINK, SCRIPT, STYLE, TEXT, hostile_brief
from html_page import drawn_ids, located_ids, page_data, seeds_run, weekly_page
from typer.testing import CliRunner

from summarize import pipeline
from summarize.cli import EXIT_ERROR, EXIT_OK, app
from summarize.render.base import leading, relabel
from summarize.render.html import script_json, to_html

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _links_land(doc, data) -> None:
    """Every id once, and every link inside the page lands on an element of the page or on
    one its script draws when the reader follows the link."""
    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert {a.get("href")[1:] for a in doc.iter("a")} <= set(ids) | drawn_ids(data)


def _js_slice(text: str, start: int, end: int) -> str:
    """``text[start:end]`` with offsets counted as a browser counts (UTF-16 code units)."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def test_script_json_cannot_end_its_script_element():
    text = script_json({"q": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"q": "</script><!-- & \u2028"}


def test_relabel_writes_each_known_article_id_as_its_label_in_one_pass():
    a, b = "0123456789abcdef", "fedcba9876543210"
    label = {a: "#1", b: "#2"}
    text = f"alias in article {a}: X = Y; bare name in article {b}: Y -> Z; article {a}0; article 00000000ffffffff; article #3"
    assert relabel(text, label) == "alias in article #1: X = Y; bare name in article #2: Y -> Z; article #10; article 00000000ffffffff; article #3"
    assert relabel("", label) == "" and relabel(f"Article {a}", label) == f"Article {a}"


def test_seeds_page_carries_every_located_item_at_its_offsets():
    result = seeds_run()
    page = to_html(result.brief, result.texts)
    doc = lxml.html.fromstring(page)
    data = page_data(doc)
    expected = located_ids(result.brief, result.texts)
    assert len(expected) == len(result.brief.claims) + len(result.brief.figures) + len(result.brief.stances) == 75
    assert {i for i, it in data["items"].items() if it[1] is not None} == expected
    texts = dict(zip((a[0] for a in data["articles"]), data["texts"]))
    assert texts == result.texts  # every article's text, whole
    for item in [*result.brief.claims, *result.brief.figures, *result.brief.stances]:
        ev = item.evidence
        article, start, end, alignment, verified, _, quote = data["items"][item.id]
        assert data["articles"][article][0] == ev.article_id and (alignment, verified) == (ev.alignment, True)
        assert _js_slice(texts[ev.article_id], start, end) == result.texts[ev.article_id][ev.start : ev.end], item.id
        assert (quote if quote is not None else _js_slice(texts[ev.article_id], start, end)) == ev.quote
    # nothing is drawn before the reader asks: no article text, no highlight, no appendix item
    assert not doc.xpath("//mark[@data-items] | //article | //*[starts-with(@id, 'item-')]")
    # sections in the Markdown brief's order
    order = [s.get("id") for s in doc.iter("section")]
    assert order == [
        "summary", "this-week", "story-ST1", "appendix",
        "articles", "actors", "corroborated", "contested", "claims", "figures", "stances", "timeline", "coverage", "usage",
    ]
    assert doc.get_element_by_id("claims").find_class("count")[0].text_content() == f"({len(result.brief.claims)})"
    _links_land(doc, data)
    assert "Replayed from recordings, not a live model" in doc.find_class("provenance")[0].text_content()


def test_the_page_loads_nothing_and_allows_only_its_own_style_and_script():
    result = seeds_run()
    doc = lxml.html.fromstring(to_html(result.brief, result.texts))
    policy = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    style, = doc.xpath("//style")
    code, = doc.xpath("//script[not(@type)]")
    data, = doc.xpath("//script[@type]")
    assert f"style-src '{_sha(style.text)}';" in policy and f"script-src '{_sha(code.text)}';" in policy
    assert policy.count("sha256-") == 2  # the data block is not a script the policy lets run
    assert data.get("type") == "application/json" and data.get("id") == "brief-data"
    assert "default-src 'none'" in policy and "unsafe" not in policy
    for element in doc.iter():
        for attribute in ("src", "href", "action", "srcset", "style"):
            value = element.get(attribute)
            assert value is None or (attribute == "href" and value.startswith("#")), (element.tag, attribute, value)


def test_hostile_article_renders_as_text():
    brief, texts = hostile_brief()
    page = to_html(brief, texts)
    doc = lxml.html.fromstring(page)
    assert len(doc.xpath("//style")) == 1 and len(doc.xpath("//script")) == 2
    assert not doc.xpath("//img | //iframe | //object | //embed | //i | //a[not(starts-with(@href, '#'))]")
    assert page.count("<script") == 2 and page.count("</script>") == 2
    data = doc.get_element_by_id("brief-data").text
    assert "<" not in data and ">" not in data
    assert json.loads(data)["texts"] == [TEXT]
    shown = doc.text_content()
    for hostile in (SCRIPT, LINK, STYLE):
        assert hostile in shown
    failed = doc.get_element_by_id("failed").text_content()
    assert "failed: extract" in failed and "the model answered" in failed
    assert "1 article failed or not processed" in doc.find_class("facts")[0].text_content()


def test_data_block_holds_a_script_end_tag_and_a_comment_as_text():
    brief, texts = big_brief(articles=30, stories=10)
    page = to_html(brief, texts)
    assert page.count("<script") == 2 and page.count("</script>") == 2 and "<!--" not in page
    doc = lxml.html.fromstring(page)
    raw = doc.get_element_by_id("brief-data").text
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert HOSTILE in data["articles"][0][2]  # the title
    c1 = brief.claims[0]
    assert HOSTILE in c1.evidence.quote and data["items"]["C1"][6] is None  # sliced from the text, which holds it
    article, start, end = data["items"]["C1"][:3]
    assert _js_slice(data["texts"][article], start, end) == c1.evidence.quote
    # the same words drawn by the template (the leading story's quote) are escaped text
    assert HOSTILE in doc.get_element_by_id("story-ST1").text_content()


def test_offsets_are_counted_as_the_browser_counts():
    brief, texts = big_brief(articles=30, stories=10)
    data = page_data(lxml.html.fromstring(to_html(brief, texts)))
    wide = [r.id for r in brief.articles if any(ord(ch) > 0xFFFF for ch in texts[r.id])]
    assert wide, "the generated week has texts with characters outside the BMP"
    moved = 0
    for item in [*brief.claims, *brief.figures, *brief.stances]:
        ev = item.evidence
        if ev.article_id in wide:
            article, start, end = data["items"][item.id][:3]
            moved += start != ev.start
            assert _js_slice(data["texts"][article], start, end) == texts[ev.article_id][ev.start : ev.end]
    assert moved


@lru_cache(maxsize=1)
def _big_page() -> tuple[str, object]:
    brief, texts = big_brief()
    return to_html(brief, texts), brief


def test_a_big_week_is_a_small_page_with_the_top_drawn_and_the_rest_as_data():
    page, brief = _big_page()
    # 2,000 articles, 600 stories, 26,600 items with quotes.  The page that drew every item,
    # text and highlight as HTML was 38.5 MB for this brief and took 22 s to open in
    # Chromium; as data it is 10 MB (the texts alone are 3 MB), opening in under 1 s.
    # 12 MB is under a third of the old page, with room for a little more data per item.
    assert len(page.encode()) < 12_000_000
    doc = lxml.html.fromstring(page)
    data = page_data(doc)
    block = doc.get_element_by_id("brief-data")
    # What the browser parses and lays out on opening stays small: the top, ten story
    # sections (each cut to a few items of a kind) and one line per other story.
    markup = len(page.encode()) - len(block.text.encode())
    assert markup < 600_000, markup
    assert sum(1 for _ in doc.iter()) < 12_000
    lead, rest = leading(brief)
    assert len(lead) == 10 and len(rest) == 590
    assert [s.get("id") for s in doc.find_class("story")] == [f"story-{s.id}" for s in lead]
    week = doc.get_element_by_id("this-week")
    assert len(week.xpath(".//ol/li")) == 10 and "590 more stories" in week.text_content()
    index = doc.get_element_by_id("more-stories").xpath(".//ol/li")
    assert [li.get("id") for li in index] == [f"story-{s.id}" for s in rest]
    line = index[-1].text_content()
    st = rest[-1]
    assert st.headline in line and f"{len(st.article_ids)} article" in line and st.outlets[0] in line
    # ... and the data holds everything the appendix and the texts need
    assert len(data["items"]) == len(brief.claims) + len(brief.figures) + len(brief.stances) + len(brief.unverified)
    assert len(data["parts"]["claims"]) == len(brief.claims) + len({c.speaker for c in brief.claims})
    assert sum(t is not None for t in data["texts"]) == len(brief.articles)
    _links_land(doc, data)


def test_top_sets_how_many_stories_get_a_section():
    brief, texts = big_brief(articles=60, stories=20)
    doc = lxml.html.fromstring(to_html(brief, texts, top=3))
    lead, rest = leading(brief, 3)
    assert [s.get("id") for s in doc.find_class("story")] == [f"story-{s.id}" for s in lead]
    assert len(doc.get_element_by_id("more-stories").xpath(".//ol/li")) == len(rest) == 17


@pytest.mark.parametrize("name, check", [
    ("b.json", lambda text: json.loads(text)["producer"]["kind"] == "replay"),
    ("b.html", lambda text: text.startswith("<!DOCTYPE html>")),
    ("b.htm", lambda text: text.startswith("<!DOCTYPE html>")),
    ("b.md", lambda text: text.startswith("# Brief") and "2 articles" in text),
    ("b.txt", lambda text: text.startswith("# Brief") and "2 articles" in text),
])
def test_format_follows_the_out_extension(no_model_env, tmp_path, name, check):
    target = tmp_path / name
    result = run("brief", SEEDS, "--out", target, "-q")
    assert result.exit_code == EXIT_OK, result.stderr
    assert check(target.read_text(encoding="utf-8"))


def test_format_flag_wins_over_the_extension_and_html_goes_to_stdout(no_model_env, tmp_path):
    target = tmp_path / "b.html"
    assert run("brief", SEEDS, "--out", target, "--format", "json", "-q").exit_code == EXIT_OK
    assert json.loads(target.read_text(encoding="utf-8"))
    result = run("brief", SEEDS, "--format", "html", "-q")
    assert result.exit_code == EXIT_OK and result.stdout.startswith("<!DOCTYPE html>")


def test_out_file_is_readable_by_others(no_model_env, tmp_path):
    old = os.umask(0o022)
    try:
        assert run("brief", SEEDS, "--out", tmp_path / "b.md", "-q").exit_code == EXIT_OK
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "b.md").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["b.md"]  # no temporary file left


@pytest.mark.parametrize("where, message", [
    (lambda tmp: tmp, "is a folder; name a file"),
    (lambda tmp: tmp / "a-file" / "b.md", "is not a folder"),
])
def test_unusable_out_is_refused_before_any_model_call(no_model_env, tmp_path, monkeypatch, where, message):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    called = []
    monkeypatch.setattr(pipeline, "brief_folder", lambda *a, **k: called.append(1))
    result = run("brief", SEEDS, "--out", where(tmp_path))
    assert result.exit_code == EXIT_ERROR
    assert message in result.stderr and "--out" in result.stderr
    assert not called


def test_weekly_page_has_the_window_stories_and_what_changed(tmp_path):
    page = weekly_page(tmp_path)
    doc = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    header = doc.find_class("top")[0].text_content()
    assert "Weekly brief: 2024-W45 (2024-11-04 to 2024-11-10)" in header
    assert "from 2 outlets (Westmere Post, The Ledger)" in header and "4 articles outside the window" in header
    order = [s.get("id") for s in doc.iter("section")][:5]
    assert order == ["this-week", "since-last", "story-ST1", "story-ST2", "appendix"]
    changes = doc.get_element_by_id("since-last").text_content()
    assert "£2.1bn" in changes and "£2.4bn" in changes and "The Ledger, 2024-11-05" in changes
    _links_land(doc, page_data(doc))


def test_the_page_counts_copies_and_lists_them_with_their_report():
    from summarize.models import Copy

    brief, texts = big_brief(40, 10)
    first = brief.stories[0].article_ids[0]
    copies = [Copy(path="b/copy.txt", title="<i>Retitled</i> copy", outlet="Wire & Co", similarity=0.8, identical=False)]
    articles = [a.model_copy(update={"copies": copies}) if a.id == first else a for a in brief.articles]
    brief = brief.model_copy(update={"articles": articles, "usage": brief.usage.model_copy(update={"not_sent": 2})})
    page = to_html(brief, texts)
    assert "1 copy of these articles found and read once (2 requests not spent)" in page
    assert "also carried by: <b>Wire &amp; Co</b>, <cite>&lt;i&gt;Retitled&lt;/i&gt; copy</cite>" in page
