"""Cross-article links: the model's answer (recorded from the reference server), its
validation and reasks, the fallback by rule, and the package's freedom from topic words."""

import json
import re

import pytest
from conftest import ROOT, SEEDS
from reference_server import ReferenceServer
from test_brief_parts import claim, figure
from test_merge import actor, brief_of, extraction

from summarize import lang, pipeline
from summarize.extract import recording
from summarize.extract.llm import ModelClient, ModelSettings
from summarize.link import links as link
from summarize.models import Stance
from summarize.pipeline import REPLAY_BASE_URL
from summarize.verify.numbers import scan, supports

MODEL = "reference-annotations"


def stance(article_id, holder, target, polarity):
    from test_merge import ev

    return Stance(holder=holder, target=target, target_kind="issue", polarity=polarity, evidence=ev(article_id, f"{holder} on {target}"))


def story():
    return brief_of(
        extraction(
            "a1",
            [actor("a1", "Atlantis", kind="country"), actor("a1", "Lena Keller")],
            claims=[claim("a1", "The bridge reopened on Monday."), claim("a1", "Two hundred people were hurt.")],
            figures=[figure("a1", 200, "people", "people hurt", "Lena Keller")],
            stances=[stance("a1", "Lena Keller", "the new toll", "oppose")],
        ),
        extraction(
            "a2",
            [actor("a2", "Poseidonia", kind="country"), actor("a2", "Jonas Park")],
            claims=[claim("a2", "Traffic crossed the bridge again from Monday."), claim("a2", "Nobody was hurt.")],
            figures=[figure("a2", 250, "casualties", "injured in the collapse", "Jonas Park")],
            stances=[stance("a2", "Jonas Park", "charging drivers to cross", "support")],
        ),
    )


ANNOTATION = {
    "actor_groups": [["Atlantis", "Poseidonia"]],
    "claim_groups": [{"quotes": ["The bridge reopened on Monday.", "Traffic crossed the bridge again from Monday."], "note": "reopened"}],
    "contradictions": [{"quotes": ["Two hundred people were hurt.", "Nobody was hurt."], "reason": "200 hurt against none"}],
    "figure_groups": [{"quotes": ["200 people", "250 casualties"], "quantity": "people injured"}],
    "issues": [{"issue": "a toll on the bridge", "targets": ["the new toll", "charging drivers to cross"]}],
}


def client(base_url):
    return ModelClient(ModelSettings(model=MODEL, mode="tools", base_url=base_url, api_key="x", transport_retries=0))


def record_and_replay(tmp_path, faults=None):
    (tmp_path / "links-test.json").write_text(json.dumps(ANNOTATION), encoding="utf-8")
    brief = story()
    items = link.items_of(brief)
    cassette = tmp_path / "link.yaml"
    with ReferenceServer(annotations=tmp_path, faults=faults) as server:
        with recording.cassette(cassette, record=True):
            recorded = link.link_group(items, client(server.base_url))
        served = list(server.served)
    with recording.cassette(cassette, record=False):
        replayed = link.link_group(items, client(REPLAY_BASE_URL))
    assert replayed == recorded
    return brief, replayed, served


def test_each_link_kind_from_a_recorded_answer(tmp_path):
    brief, result, _ = record_and_replay(tmp_path)
    assert result.info.made_by == "model" and result.info.requests == 1
    linked = link.apply_links(brief, result)
    ids = {a.name: a.id for a in brief.actors}
    [joined] = [a for a in linked.actors if {f.form for f in a.forms} == {"Atlantis", "Poseidonia"}]
    assert "model: Poseidonia = Atlantis" in joined.merged_by or "model: Atlantis = Poseidonia" in joined.merged_by
    assert len(linked.actors) == len(brief.actors) - 1 and ids["Atlantis"] in {a.id for a in linked.actors} | {joined.id}
    [group] = [k for k in linked.claim_clusters if len(k.claim_ids) > 1]
    assert group.claim_ids == ["C1", "C3"] and group.made_by == "model"
    [contest] = linked.contested
    assert contest.claim_ids == ("C2", "C4") and contest.reason == "200 hurt against none" and contest.made_by == "model"
    [figures] = linked.figure_groups
    assert figures.figure_ids == ["F1", "F2"] and figures.verdict == "conflict" and figures.made_by == "model"
    [issue] = linked.issues
    assert (issue.issue, issue.support, issue.oppose, issue.contested) == ("a toll on the bridge", ["Jonas Park"], ["Lena Keller"], True)
    assert {c.target for c in linked.stance_matrix} == {"a toll on the bridge"}
    assert linked.usage.requests == 1 and linked.linking.made_by == "model"


def test_an_unknown_id_is_reasked_naming_it(tmp_path):
    _, result, served = record_and_replay(tmp_path, faults={"links": ["bad_id"]})
    assert served == [("links", "bad_id"), ("links", None)]
    assert result.info.made_by == "model" and result.info.usage.reasks == 1
    assert ["C999", "C1"] not in result.claim_groups


def test_a_group_joining_two_different_people_is_invalid():
    brief = brief_of(extraction("a1", [actor("a1", "Lena Keller"), actor("a1", "Jonas Park")]))
    draft = link.LinkDraft(actor_groups=[{"ids": ["A1", "A2"]}], claim_groups=[{"ids": ["A1", "C1"]}])
    found = link.problems(draft, link.items_of(brief))
    assert any("different entities" in line for line in found)
    assert any("C1 not in the story" in line and "A1 not a claim" in line for line in found)


def test_a_failed_link_request_falls_back_to_the_rules_and_says_so(tmp_path):
    brief = story()
    with ReferenceServer(annotations=tmp_path) as server:  # no link annotation: HTTP 404
        result = link.link_group(link.items_of(brief), client(server.base_url))
    assert result.info.made_by == "rule" and "the link request failed" in result.info.reason and "404" in result.info.reason
    assert result.info.usage.requests == 1


def test_the_rules_are_precise_on_claims_that_agree():
    brief = brief_of(
        extraction("a1", claims=[claim("a1", "Workers are arriving at the new plant this week.")]),
        extraction("a2", claims=[claim("a2", "The company has not denied that workers are at the plant.", "A spokesman", "assessment")]),
    )
    assert brief.contested == []


def test_replay_without_a_recorded_link_answer_falls_back_and_says_so(tmp_path, no_model_env):
    for path in (ROOT / "cassettes" / "seeds").iterdir():
        if not path.name.startswith("link-"):
            (tmp_path / "seeds").mkdir(exist_ok=True)
            (tmp_path / "seeds" / path.name).write_bytes(path.read_bytes())
    notices = []
    result = pipeline.brief_folder(
        pipeline.Options(folder=SEEDS, cassettes=tmp_path, summary=False), env={}, progress=pipeline.Progress(notice=notices.append)
    )
    assert "links by rule: no recorded link answer for these articles (replay)" in notices
    assert result.brief.linking.made_by == "rule" and "no recorded link answer" in result.brief.linking.reason


def test_the_seeds_brief_surfaces_both_tensions(no_model_env):
    brief = pipeline.brief_folder(pipeline.Options(folder=SEEDS), env={}).brief
    claims = {c.id: c for c in brief.claims}
    pairs = [{claims[i].evidence.quote for i in x.claim_ids} for x in brief.contested]
    not_seen = "We have not yet seen these troops deploy in combat against Ukrainian forces"
    assert any(not_seen in p and any("dead and wounded" in q for q in p) for p in pairs)
    assert brief.linking.made_by == "model"
    [missiles] = [i for i in brief.issues if "long-range" in i.issue]
    assert missiles.contested and {"United States", "France", "United Kingdom"} <= set(missiles.oppose)
    assert "Andriï Sybiga" in missiles.support


def test_no_link_model_uses_the_rules_and_says_so(no_model_env):
    brief = pipeline.brief_folder(pipeline.Options(folder=SEEDS, summary=False, link_model=False), env={}).brief
    assert brief.linking.made_by == "rule" and "--no-link-model" in brief.linking.reason
    assert all(x.made_by == "rule" for x in brief.contested)
    assert brief.usage.requests == 4  # the extractions and gleanings only


TOPIC_WORDS = (
    # war, politics, sport, business
    "troops? soldiers? army armies missiles? munitions? artillery combat casualt[a-z]* frontline battlefield "
    "ceasefire election parliament sanctions? regime football striker league goalkeeper merger "
    "acquisition takeover shareholders? "
    # countries, capitals, demonyms
    "russia[a-z]* ukrain[a-z]* korea[a-z]* china chinese france french germany german iran[a-z]* israel[a-z]* "
    "japan[a-z]* india britain british america american pyongyang kyiv moscow seoul beijing kremlin "
    "donetsk kursk zelensk[a-z]* biden putin demonyms?"
).split()


def test_the_package_holds_no_topic_vocabulary():
    pattern = re.compile(rf"\b(?:{'|'.join(TOPIC_WORDS)})\b", re.I)
    hits = []
    for path in sorted((ROOT / "summarize").rglob("*")):
        if path.suffix not in (".py", ".json", ".toml", ".txt") or "_data" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.lstrip().startswith("#") and pattern.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert hits == []


def test_language_words_match_on_word_boundaries_only():
    found = lang.word_pattern(["per cent", "half"]).findall("percentage, per cent, behalf, half")
    assert found == ["per cent", "half"]


@pytest.mark.parametrize(
    "quote, value, unit",
    [("a $900m deal", 900e6, "USD"), ("fined €30m", 30e6, "EUR"), ("8.000 Soldaten", 8000, "Soldaten"),
     ("up 12 per cent", 12, "percent"), ("£1.2bn", 1.2e9, "GBP"), ("5k runners", 5000, "runners"), ("300 roubles", 300, "RUB")],
)
def test_values_with_currencies_suffixes_and_decimal_commas_are_supported(quote, value, unit):
    assert supports(value, unit, quote)


def test_a_percentage_is_never_compared_with_money():
    assert not supports(12, "percent", "paid $12")
    assert not supports(12, "USD", "rose 12%")
    assert [(m.currency, m.percent) for m in scan("$5m and 5%")] == [("USD", False), (None, True)]


def test_a_large_story_is_split_by_articles():
    items = link.items_of(story())
    parts = link._parts(items, limit=3)
    assert [[a.id for a in p.articles] for p in parts] == [["a1"], ["a2"]]
    assert {c.evidence.article_id for c in parts[1].claims} == {"a2"}
    assert [a.name for a in parts[0].actors] == ["Atlantis", "Lena Keller"]


def test_values_that_differ_on_different_dates_changed_over_time():
    from datetime import date

    from summarize.models import ArticleRef

    brief = story()
    dated = brief.model_copy(
        update={"articles": [ArticleRef(id="a1", path="a1.txt", title="a1", date=date(2024, 10, 1)), ArticleRef(id="a2", path="a2.txt", title="a2", date=date(2024, 10, 8))]}
    )
    result = link.LinkResult(figure_groups=[["F1", "F2"]], info=link.LinkInfo(made_by="model", reason="test"))
    [group] = link.apply_links(dated, result).figure_groups
    assert group.verdict == "changed" and not group.conflict and group.note.startswith("values changed over time")


def test_a_live_rerun_takes_the_link_answer_from_the_cache(tmp_path):
    with ReferenceServer() as server:
        options = pipeline.Options(folder=SEEDS, model=MODEL, base_url=server.base_url, summary=False, cache_dir=tmp_path / "c")
        first = pipeline.brief_folder(options, env={}).brief
        asked = len(server.requests)
        second = pipeline.brief_folder(options, env={}).brief
        assert len(server.requests) == asked  # nothing asked again, the link answer included
    assert first.linking.made_by == second.linking.made_by == "model"
    assert [x.claim_ids for x in second.contested] == [x.claim_ids for x in first.contested]


class _Answers:
    """A client whose answer, after the reasks ran out, still holds only invalid links."""

    def __init__(self, draft):
        self.draft = draft

    def structured(self, messages, model, context=None, max_retries=2, **kwargs):
        from types import SimpleNamespace

        from summarize.models import Usage

        return SimpleNamespace(value=self.draft, usage=Usage(requests=max_retries + 1, reasks=max_retries))


def test_a_link_answer_that_is_all_invalid_is_said_to_be_the_rules():
    brief = brief_of(extraction("a1", [actor("a1", "Lena Keller"), actor("a1", "Jonas Park")]))
    invalid = link.LinkDraft(actor_groups=[{"ids": ["A1", "A2"]}], claim_groups=[{"ids": ["C999", "C1"]}])
    result = link.link_group(link.items_of(brief), _Answers(invalid))
    assert result.info.made_by == "rule"
    assert result.info.reason == "every link the model proposed (2) failed the checks after 2 reask(s)"
    assert result.info.usage.requests == 3


def test_the_links_of_every_story_in_one_pass_are_those_of_each_story(no_model_env):
    """links_by_story gives each story what links_in finds for it alone (bbc-week: three stories)."""
    brief = pipeline.brief_folder(pipeline.Options(folder=ROOT / "examples" / "bbc-week", recursive=True, summary=False), env={}).brief
    stories = link.story_items(brief)
    assert len(stories) == 3
    for items, found in zip(stories, link.links_by_story(brief, stories)):
        alone = link.links_in(brief, items)
        assert found.model_dump(exclude={"info"}) == alone.model_dump(exclude={"info"})
        assert found.claim_groups or found.contradictions or found.figure_groups
