"""The real BBC test corpus (examples/bbc-week: eleven articles, three unrelated stories),
briefed from its recordings (the reference server's answers from hand annotations)."""

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from summarize.cli import EXIT_OK, app
from summarize.sources.load import load_folder
from summarize.week.stories import StoryInput, group

BBC = ROOT / "examples" / "bbc-week"
runner = CliRunner()


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """The brief as Markdown and as JSON, replayed (no model configured)."""
    out = tmp_path_factory.mktemp("bbc") / "brief.json"
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    md = runner.invoke(app, ["brief", str(BBC), "-r", "-q", "--replay"], env=env, catch_exceptions=False)
    js = runner.invoke(app, ["brief", str(BBC), "-r", "-q", "--replay", "--out", str(out)], env=env, catch_exceptions=False)
    assert md.exit_code == EXIT_OK and js.exit_code == EXIT_OK, md.stderr
    return md.stdout, json.loads(out.read_text(encoding="utf-8"))


def test_three_stories_each_article_in_its_own(replayed):
    _, data = replayed
    folder = {a["id"]: Path(a["path"]).parent.name for a in data["articles"]}
    stories = [{folder[i] for i in s["article_ids"]} for s in data["stories"]]
    assert len(stories) == 3 and all(len(s) == 1 for s in stories)
    assert sorted(len(s["article_ids"]) for s in data["stories"]) == [3, 4, 4]
    assert {next(iter(s)) for s in stories} == {"greek-sprinters-doping", "id-cards-bill", "lycos-anti-spam-screensaver"}


def test_stories_by_words_alone_separate_the_corpus():
    """The clustering, without actors or dates: the three stories still come apart."""
    articles = load_folder(BBC, recursive=True).articles
    inputs = [StoryInput(a.id, a.title, a.text, None) for a in articles]
    found = {frozenset(Path(articles[i].path).parent.name for i in g.members) for g in group(inputs)}
    assert len(found) == 3 and all(len(names) == 1 for names in found)


def test_headlines_are_written_and_cited(replayed):
    _, data = replayed
    known = {x["id"] for k in ("actors", "claims", "claim_clusters", "contested", "figure_groups", "issues") for x in data[k]}
    for story in data["stories"]:
        assert story["headline_by"] == "model" and story["headline_cites"]
        assert set(story["headline_cites"]) <= known


def test_everything_above_the_appendix_fits_in_120_lines(replayed):
    md, _ = replayed
    above = md[: md.index("## Appendix")]
    assert len(above.splitlines()) <= 120
    assert above.count("\n## ") == 2 + 3  # summary, this week, three stories
    week = above[above.index("## This week") :].split("\n\n")[1].splitlines()
    assert len(week) == 3 and all(re.search(r" · ST\d$", line) for line in week)


def test_no_quote_twice_in_one_section(replayed):
    md, _ = replayed
    above = md[: md.index("## Appendix")]
    for section in re.split(r"\n\*\*[^*]+\*\*\n", above):
        quotes = re.findall(r"“([^”]+)”", section)
        assert len(quotes) == len(set(quotes)), [q for q in quotes if quotes.count(q) > 1]


def test_contradictions_are_the_real_ones(replayed):
    _, data = replayed
    claim = {c["id"]: c["text"] for c in data["claims"]}
    pairs = [{claim[i] for i in x["claim_ids"]} for x in data["contested"]]
    assert len(pairs) == 4
    joined = [" | ".join(sorted(p)) for p in pairs]
    assert sum("one-year" in j and ("two years" in j or "two-year" in j) for j in joined) == 2
    assert sum("knocked offline" in j for j in joined) == 2


def test_the_json_brief_is_valid_against_the_published_schema(replayed):
    import jsonschema

    _, data = replayed
    schema = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    broken = {**data, "articles": [{**data["articles"][0], "id": 7}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_stories_are_the_same_whatever_the_block_size(monkeypatch):
    """The similarity scan works in blocks of rows; the stories must not depend on them."""
    from summarize.week import stories

    articles = load_folder(BBC, recursive=True).articles
    inputs = [StoryInput(a.id, a.title, a.text, None) for a in articles]
    whole = [g.members for g in group(inputs)]
    monkeypatch.setattr(stories, "BLOCK", 2)
    assert [g.members for g in group(inputs)] == whole
