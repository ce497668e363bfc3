"""The HTML brief without a browser: escaping, the security policy, highlights, the CLI."""

import base64
import hashlib
import json
import os
import stat

import lxml.html
import pytest
from conftest import SEEDS
from hostile_brief import LINK, SCRIPT, STYLE, TEXT, hostile_brief
from html_page import located_ids, seeds_run, weekly_page
from typer.testing import CliRunner

from summarize import pipeline
from summarize.cli import EXIT_ERROR, EXIT_OK, app
from summarize.render.evidence_spans import Span, runs
from summarize.render.html import script_json, to_html

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _item_text(doc, item_id: str) -> str:
    """The text of every highlight run that carries the item, in order."""
    return "".join(m.text_content() for m in doc.xpath("//mark[@data-items]") if item_id in m.get("data-items").split())


def test_runs_split_overlapping_spans_and_mark_where_each_starts():
    text = "0123456789"
    out = runs(text, [Span("A", 2, 6, "exact"), Span("B", 4, 8, "fuzzy"), Span("C", 9, 30, "exact")])
    assert [(r.text, r.items, r.starts) for r in out] == [
        ("01", [], []), ("23", ["A"], ["A"]), ("45", ["A", "B"], ["B"]), ("67", ["B"], []), ("89", [], []),
    ]
    assert "".join(r.text for r in out) == text  # C points past the end: left out, text kept


def test_script_json_cannot_end_its_script_element():
    text = script_json({"q": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"q": "</script><!-- & \u2028"}


def test_seeds_page_highlights_every_located_item_at_its_offsets():
    result = seeds_run()
    page = to_html(result.brief, result.texts)
    doc = lxml.html.fromstring(page)
    expected = located_ids(result.brief, result.texts)
    assert len(expected) == len(result.brief.claims) + len(result.brief.figures) + len(result.brief.stances) == 75
    anchors = doc.xpath("//span[@class='ev']/@data-item")
    assert sorted(anchors) == sorted(expected)
    highlighted = {i for m in doc.xpath("//mark[@data-items]") for i in m.get("data-items").split()}
    assert highlighted == expected
    for item in [*result.brief.claims, *result.brief.figures, *result.brief.stances]:
        ev = item.evidence
        assert _item_text(doc, item.id) == result.texts[ev.article_id][ev.start : ev.end], item.id
    # the article text is whole, highlights included
    for article_id, text in result.texts.items():
        body = doc.get_element_by_id(f"text-{article_id}").find_class("body")[0]
        assert body.text_content() == text
    # sections in the Markdown brief's order
    order = [s.get("id") for s in doc.iter("section")]
    assert order == [
        "summary", "this-week", "story-ST1", "appendix",
        "articles", "actors", "corroborated", "contested", "claims", "figures", "stances", "timeline", "coverage", "usage",
    ]
    # every id once, and every link inside the page lands on one
    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert {a.get("href")[1:] for a in doc.iter("a")} <= set(ids)
    assert "Replayed from recordings, not a live model" in doc.find_class("provenance")[0].text_content()


def test_the_page_loads_nothing_and_allows_only_its_own_style_and_script():
    result = seeds_run()
    doc = lxml.html.fromstring(to_html(result.brief, result.texts))
    policy = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    style, = doc.xpath("//style")
    code, = doc.xpath("//script[not(@type)]")
    assert f"style-src '{_sha(style.text)}';" in policy and f"script-src '{_sha(code.text)}';" in policy
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
    data = doc.get_element_by_id("evidence-data").text
    assert "<" not in data and ">" not in data
    assert doc.get_element_by_id(f"text-{brief.articles[0].id}").find_class("body")[0].text_content() == TEXT
    shown = doc.text_content()
    for hostile in (SCRIPT, LINK, STYLE):
        assert hostile in shown


def test_alignment_and_verification_are_visibly_different():
    brief, texts = hostile_brief()
    doc = lxml.html.fromstring(to_html(brief, texts))

    def style_of(item_id):
        marks = [m for m in doc.xpath("//mark[@data-items]") if m.get("data-items").split() == [item_id]]
        return set(marks[0].get("class").split()) - {"hl"}

    assert style_of("C2") == {"exact"} and style_of("S1") == {"fuzzy"} and style_of("U1") == {"unverified"}
    assert "fuzzy match (93/100)" in doc.get_element_by_id("item-S1").text_content()
    u1, u2 = doc.get_element_by_id("item-U1"), doc.get_element_by_id("item-U2")
    assert "unverified" in u1.text_content() and u1.xpath(".//a[@class='show']")
    assert "quote not found in the article" in u2.text_content() and not u2.xpath(".//a[@class='show']")
    assert not doc.xpath("//span[@id='ev-U2']")
    failed = doc.get_element_by_id("failed").text_content()
    assert "failed: extract" in failed and "the model answered" in failed
    assert "1 article failed or not processed" in doc.find_class("facts")[0].text_content()


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
    assert "2.1bn GBP" in changes and "2.4bn GBP" in changes and "The Ledger, 2024-11-05" in changes
    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and {a.get("href")[1:] for a in doc.iter("a")} <= set(ids)
