"""Extraction through the real openai + instructor stack, against the reference server."""

import pytest
from conftest import FIXTURES, ROOT, SEED_000, SEED_002
from reference_server import approx_tokens

from summarize.extract.article import extract_article
from summarize.extract.llm import ModelClient, ModelError, ModelSettings
from summarize.models import ExtractionDraft

ANNOTATED = {SEED_000, SEED_002}


def client_for(server, mode="tools", model="reference-annotations"):
    return ModelClient(ModelSettings(model=model, mode=mode, base_url=server.base_url, api_key="test-key"))


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_every_mode_extracts_and_grounds_every_item(reference_server, seed_articles, mode):
    article = seed_articles[SEED_002]
    result = extract_article(article, client_for(reference_server, mode))
    # one extraction answer, then one gleaning request for the numbers it left out
    assert result.attempts == 2 and result.usage.requests == 2 and result.usage.reasks == 0
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0
    items = result.actors + result.claims + result.figures + result.stances
    assert len(items) == 27 + 22 + 7 + 10
    for item in items:
        ev = item.evidence
        assert item.verified and ev.alignment == "exact" and ev.score == 100
        assert article.text[ev.start : ev.end] == ev.quote
    assert all(r["temperature"] == 0 and r["model"] == "reference-annotations" for r in reference_server.requests)
    coverage = result.coverage
    assert (coverage.stated, coverage.found) == (11, 8)
    assert all(m.startswith("'two' in") for m in coverage.missing)
    assert "<numbers>" in reference_server.requests[1]["messages"][1]["content"]


def test_a_bad_quote_is_reasked_by_name_and_then_verified(seed_articles):
    from reference_server import ReferenceServer

    article = seed_articles[SEED_000]
    with ReferenceServer(faults={SEED_000: ["bad_quote"]}) as server:
        result = extract_article(article, client_for(server), max_retries=2)
        reask = server.requests[1]["messages"]
    assert result.attempts == 3  # the bad answer, the fixed one, the gleaning answer
    assert result.usage.requests == 3 and result.usage.reasks == 1
    assert all(c.verified for c in result.claims)
    feedback = reask[-1]["content"]  # after the model's own answer, the problems
    assert "claims[0]" in feedback and "quote not found" in feedback
    assert "errors.pydantic.dev" not in feedback
    assert approx_tokens(feedback) < 150


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_a_second_reask_keeps_the_first_request_and_sends_only_the_last_answer_and_its_problems(seed_articles, mode):
    from reference_server import ReferenceServer

    with ReferenceServer(faults={SEED_000: ["bad_quote", "bad_value"]}) as server:
        result = extract_article(seed_articles[SEED_000], client_for(server, mode), max_retries=2)
        first, second, third = (r["messages"] for r in server.requests[:3])
    assert result.usage.reasks == 2 and all(c.verified for c in result.claims)
    assert second[: len(first)] == first and third[: len(first)] == first  # the same prefix, unchanged
    assert len(third) == len(second)  # one answer and its problems, not two
    assert second[len(first)] != third[len(first)]  # the second answer, not the first again
    problems = " ".join(str(m.get("content") or "") for m in third[len(first) :])
    assert "figures[0]" in problems and "claims[0]" not in problems


def test_a_quote_still_missing_after_the_retries_is_kept_unverified(seed_articles):
    from reference_server import ReferenceServer

    article = seed_articles[SEED_000]
    with ReferenceServer(faults={SEED_000: ["bad_quote_always"]}) as server:
        result = extract_article(article, client_for(server), max_retries=1)
        assert [fault for _, fault in server.served] == ["bad_quote", "bad_quote", "bad_quote"]
    assert result.attempts == 3
    bad = result.claims[0]
    assert bad.evidence.alignment == "unaligned" and bad.evidence.start is None and not bad.verified
    assert bad.problems and "quote not found" in bad.problems[0]
    assert all(c.verified for c in result.claims[1:])
    assert len(result.claims) == 20  # nothing dropped


def test_an_endpoint_error_becomes_a_model_error(seed_articles, reference_server, tmp_path):
    from reference_server import ReferenceServer

    with ReferenceServer(annotations=tmp_path) as empty:
        with pytest.raises(ModelError, match="HTTP 404"):
            extract_article(seed_articles[SEED_000], client_for(empty))


def test_the_hand_annotations_validate_and_quote_their_article_verbatim(seed_articles):
    from reference_server import ANNOTATIONS

    from summarize.sources.load import load_folder

    bbc = load_folder(ROOT / "examples" / "bbc-week", recursive=True)
    assert len(bbc.articles) == 11 and not bbc.failures
    articles = {**seed_articles, **{a.id: a for a in bbc.articles}}
    fixtures = load_folder(FIXTURES, recursive=True).articles
    files = sorted(p for p in ANNOTATIONS.glob("*.json") if not p.name.startswith(("summary-", "links-")))
    assert set(articles) == ANNOTATED | {a.id for a in bbc.articles} and set(articles) <= {f.stem for f in files}
    for path in files:
        draft = ExtractionDraft.model_validate_json(path.read_text(encoding="utf-8"))
        quotes = [(kind, item.quote) for kind in ("actors", "claims", "figures", "stances") for item in getattr(draft, kind)]
        # By article id, or (the dated fixtures, found by the reference server by content) by text.
        article = articles.get(path.stem) or next(a for a in fixtures if quotes[0][1] in a.text)
        for kind, quote in quotes:
            assert quote in article.text, (path.name, kind, quote)
            words = len(quote.split())
            assert words <= 40 and (kind == "actors" or words >= 5), (path.name, kind, quote)
