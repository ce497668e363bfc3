"""Rule answers of the reference server (``by_rule`` / ``--by-rule``): quotes copied from the
text, answers that pass the tool's own checks, deterministic, served only as rules.

They are the test server's rules for scale tests and benchmarks (``tests/rule_answers.py``),
not a model's output; the brief made from them must say so (model ``reference-rules``) and
must never claim hand annotations.
"""

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import rule_answers
from conftest import ROOT
from reference_server import RULE_MODEL, ReferenceServer, approx_tokens

from summarize import pipeline
from summarize.extract.llm import ModelClient, ModelSettings
from summarize.extract.prompting import extraction_prompt
from summarize.link import links as link
from summarize.models import OUTLET, Article, ExtractionDraft, LinkDraft, SummaryDraft
from summarize.render import markdown
from summarize.sources.load import load_article
from summarize.synthesize import citable_ids
from summarize.verify import checks

BBC_NEWS = ROOT.parent / "shared" / "corpus" / "bbc-news"
SAMPLE = 20
"""Real BBC articles briefed end to end: every 111th of the dataset's files, in path order."""
LEAST_VERIFIED = 0.8

TEXT = """Harbour workers vote on strike

More than 1,200 dock workers at Port Almar will vote on a strike next week, the Dockers' Union said on Monday.

"We have waited four years for a fair offer," union leader Maria Okafor told reporters. The port's owner, Almar Holdings, said it had offered a 3.5% rise worth £12m a year.

According to Almar Holdings, about 40 ships a week use the port. Ms Okafor criticised Almar Holdings for "stalling" and said the union would meet again on 14 March.
"""


def bbc_sample() -> list[Path]:
    if not BBC_NEWS.is_dir():
        pytest.skip(f"{BBC_NEWS} is not here")
    files = sorted(BBC_NEWS.rglob("*.txt"))[::111][:SAMPLE]
    assert len(files) == SAMPLE
    return files


def assert_well_formed(answer: dict, text: str) -> None:
    """Quotes verbatim; speakers, sources and holders among the actors; checks pass."""
    for kind in checks.KINDS:
        for item in answer[kind]:
            assert item["quote"] and item["quote"] in text, (kind, item)
    names = {a["name"] for a in answer["actors"]} | {OUTLET}
    assert {c["speaker"] for c in answer["claims"]} <= names
    assert {s["holder"] for s in answer["stances"]} <= names
    assert {f["source"] for f in answer["figures"]} <= names
    draft = ExtractionDraft.model_validate(answer)  # the schema the model answers under
    assert checks.problems(draft, text) == {}


def test_the_rules_read_names_claims_and_numbers_and_quote_them_verbatim():
    answer = rule_answers.answer(TEXT)
    assert_well_formed(answer, TEXT)
    actors = {a["name"]: a for a in answer["actors"]}
    assert {"Port Almar", "Almar Holdings", "Maria Okafor"} <= set(actors)
    assert actors["Maria Okafor"]["kind"] == "person" and actors["Maria Okafor"]["aliases"] == ["Ms Okafor"]
    speakers = {c["speaker"] for c in answer["claims"]}
    assert {"Maria Okafor", "Almar Holdings"} <= speakers
    figures = {(f["value"], f["unit"], f["bound"]) for f in answer["figures"]}
    assert (1200.0, "dock", "more_than") in figures
    assert (3.5, "percent", "exact") in figures
    assert (12_000_000.0, "GBP", "exact") in figures
    assert (40.0, "ships", "approximate") in figures
    assert (4.0, "years", "exact") in figures  # a spelled-out number
    assert not any(f["value"] == 14 for f in answer["figures"])  # the day of a date
    assert answer["stances"] == [
        {
            "holder": "Maria Okafor",
            "target": "Almar Holdings",
            "target_kind": "actor",
            "polarity": "oppose",
            "quote": 'Ms Okafor criticised Almar Holdings for "stalling" and said the union would meet again on 14 March.',
        }
    ]


def test_every_quote_of_real_articles_occurs_verbatim_and_passes_the_checks():
    for path in bbc_sample():
        text = load_article(path).text
        answer = rule_answers.answer(text)
        assert answer["actors"] and len(answer["actors"]) <= rule_answers.MAX_ACTORS
        assert len(answer["claims"]) <= rule_answers.MAX_CLAIMS and len(answer["figures"]) <= rule_answers.MAX_FIGURES
        assert_well_formed(answer, text)


def test_a_gleaning_answer_gives_the_listed_numbers_only():
    listed = rule_answers.listed_numbers("- '1,200' in “…More than 1,200 dock…”\n- 'four' in “…waited four years…”\n")
    assert listed == ["1,200", "four"]
    answer = rule_answers.gleaning(TEXT, listed)
    assert sorted(f["value"] for f in answer["figures"]) == [4.0, 1200.0]
    assert all(f["quote"] in TEXT for f in answer["figures"])


def test_the_rules_are_deterministic():
    assert json.dumps(rule_answers.answer(TEXT)) == json.dumps(rule_answers.answer(TEXT))


def extraction_body(text: str, model: str = RULE_MODEL, **extra) -> dict:
    article = Article(id="00000000000000ab", path="harbour.txt", title="Harbour workers vote on strike", text=text)
    return {"model": model, "messages": extraction_prompt(article).messages, **extra}


def test_without_by_rule_an_article_with_no_annotation_is_still_404():
    server = ReferenceServer()
    status, body, _ = server.answer(extraction_body(TEXT))
    assert status == 404 and "no annotation" in body["error"]["message"]
    server._httpd.server_close()


def test_rule_answers_go_only_to_the_rule_model_and_are_byte_identical():
    server = ReferenceServer(by_rule=True)
    try:
        status, body, _ = server.answer(extraction_body(TEXT, model="gpt-4o-mini"))
        assert status == 404 and RULE_MODEL in body["error"]["message"]  # never shown as another model's
        first = server.answer(extraction_body(TEXT))
        again = server.answer(extraction_body(TEXT))
        assert first[0] == 200 and json.dumps(first) == json.dumps(again)
        assert first[1]["model"] == RULE_MODEL and server.rule_answers == 2
        payload = first[1]["choices"][0]["message"]["content"].removeprefix("```json\n").removesuffix("\n```")
        assert json.loads(payload) == rule_answers.answer(TEXT)
    finally:
        server._httpd.server_close()


def test_a_rule_answer_fits_the_requests_max_tokens_instead_of_being_cut():
    server = ReferenceServer(by_rule=True)
    try:
        status, body, _ = server.answer(extraction_body(TEXT, max_tokens=300))
        choice = body["choices"][0]
        payload = choice["message"]["content"].removeprefix("```json\n").removesuffix("\n```")
        assert status == 200 and choice["finish_reason"] == "stop" and approx_tokens(payload) <= 300
        answer = json.loads(payload)
        assert sum(map(len, answer.values())) < sum(map(len, rule_answers.answer(TEXT).values()))
        ExtractionDraft.model_validate(answer)
    finally:
        server._httpd.server_close()


@pytest.fixture(scope="module")
def bbc_brief(tmp_path_factory):
    """The brief of the BBC sample from rule answers (no cache, no history: the options
    name none), and the server that answered."""
    folder = tmp_path_factory.mktemp("bbc")
    for path in bbc_sample():
        shutil.copyfile(path, folder / f"{path.parent.name}-{path.name}")
    with ReferenceServer(by_rule=True) as server:
        options = pipeline.Options(folder=folder, model=RULE_MODEL, base_url=server.base_url, concurrency=4)
        result = pipeline.brief_folder(options, env={})
    return result, server


def test_a_brief_of_real_bbc_articles_from_rule_answers_verifies_and_names_the_rules(bbc_brief):
    result, server = bbc_brief
    brief = result.brief
    assert len(brief.articles) == SAMPLE and not brief.failed
    assert server.rule_answers >= SAMPLE  # answered by rule, not from annotations
    verified = sum(len(a.evidence) for a in brief.actors) + len(brief.claims) + len(brief.figures) + len(brief.stances)
    ratio = verified / (verified + len(brief.unverified))
    assert ratio >= LEAST_VERIFIED, brief.unverified[:5]
    assert brief.claims and brief.figures and brief.actors
    assert sum(c.found for c in brief.coverage) >= 0.5 * sum(c.stated for c in brief.coverage)

    # The rules' summary cites only ids of the brief, and writes no headline.
    assert brief.summary is not None and brief.summary.sentences and brief.summary.dropped == 0
    assert all(set(s.cites) <= citable_ids(brief) for s in brief.summary.sentences)
    assert all(s.headline_by != "model" for s in brief.stories)

    # Where the answers come from: the rules' model name; never hand annotations.
    assert brief.producer.model == RULE_MODEL
    text = markdown.to_markdown(brief)
    assert f"model `{RULE_MODEL}`" in text
    said = "\n".join([text, *result.notices, brief.producer.model_dump_json()]).casefold()
    assert "annotat" not in said and "hand-written" not in said


def test_a_link_request_gets_its_own_hints_as_a_valid_answer_by_rule(bbc_brief):
    result, _ = bbc_brief
    items = link.items_of(result.brief)  # every article as one story: the most candidate links
    rules = link.rule_links(items, "by rule")
    assert rules.claim_groups or rules.figure_groups or rules.issues or rules.contradictions
    with ReferenceServer(by_rule=True) as server:
        client = ModelClient(ModelSettings(model=RULE_MODEL, mode="tools", base_url=server.base_url, api_key="x", transport_retries=0))
        linked = link.link_group(items, client)
        assert server.rule_answers == linked.info.requests >= 1
    assert linked.info.made_by == "model" and linked.info.usage.reasks == 0  # valid at once
    assert linked.actor_groups == []
    assert (linked.claim_groups, linked.figure_groups) == (rules.claim_groups, rules.figure_groups)
    assert [i for _, i in linked.issues] == [i for _, i in rules.issues]
    assert [x[:2] for x in linked.contradictions] == [x[:2] for x in rules.contradictions]
    no_hints = rule_answers.links('<story articles="ab">\n[]\n</story>', [])
    assert not any(LinkDraft.model_validate(no_hints).model_dump().values())

    with ReferenceServer() as plain:  # without by_rule: 404, and the tool falls back to its rules
        client = ModelClient(ModelSettings(model=RULE_MODEL, mode="tools", base_url=plain.base_url, api_key="x", transport_retries=0))
        assert link.link_group(items, client).info.made_by == "rule"


def test_a_summary_request_with_no_stories_cites_claims():
    prompt = '<brief articles="ab">\nA1 actor: Almar Holdings (organisation)\nC1 claim by Almar Holdings: It offered a rise.\n</brief>'
    answer = rule_answers.summary(prompt)
    assert answer == {"sentences": [{"text": "It offered a rise.", "cites": ["C1"]}], "headlines": []}
    SummaryDraft.model_validate(answer)


def test_the_command_line_flag_serves_rule_answers():
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "reference_server.py"), "--by-rule", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first, second = process.stdout.readline(), process.stdout.readline()
        assert "serving" in first and f"--model {RULE_MODEL}" in second and "not by a model" in second
        base_url = first.split(" at ")[1].split(" ")[0]
        with urllib.request.urlopen(f"{base_url}/models", timeout=10) as response:
            assert RULE_MODEL in [m["id"] for m in json.load(response)["data"]]
        request = urllib.request.Request(
            f"{base_url}/chat/completions", data=json.dumps(extraction_body(TEXT)).encode(), headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200 and json.load(response)["model"] == RULE_MODEL
    finally:
        process.terminate()
        process.wait(timeout=10)
