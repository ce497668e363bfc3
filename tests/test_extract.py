"""Extraction through the real openai + instructor stack, against the reference server."""

import json

import pytest

from conftest import SEED_000, SEED_002
from summarize.extract import extract_article
from summarize.llm import ModelClient, ModelError, ModelSettings
from summarize.models import ExtractionDraft

ANNOTATED = {SEED_000, SEED_002}


def client_for(server, mode="tools", model="reference-annotations"):
    return ModelClient(ModelSettings(model=model, mode=mode, base_url=server.base_url, api_key="test-key", sdk_retries=0))


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_every_mode_extracts_and_grounds_every_item(reference_server, seed_articles, mode):
    article = seed_articles[SEED_002]
    result = extract_article(article, client_for(reference_server, mode))
    assert result.attempts == 1
    assert result.usage.requests == 1 and result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0
    items = result.actors + result.claims + result.figures + result.stances
    assert len(items) == 27 + 22 + 6 + 10
    for item in items:
        ev = item.evidence
        assert ev.alignment == "exact"
        assert article.text[ev.start : ev.end] == ev.quote
    request = reference_server.requests[-1]
    assert request["temperature"] == 0
    assert request["model"] == "reference-annotations"


def test_a_bad_quote_is_reasked_by_name_and_then_verified(seed_articles):
    from reference_server import ReferenceServer

    article = seed_articles[SEED_000]
    with ReferenceServer(faults={SEED_000: ["bad_quote"]}) as server:
        result = extract_article(article, client_for(server), max_retries=2)
        reask = server.requests[1]["messages"]
    assert result.attempts == 2
    assert result.usage.requests == 2 and result.usage.reasks == 1
    assert all(c.evidence.verified for c in result.claims)
    feedback = json.dumps(reask[2:], ensure_ascii=False)
    assert "claims[0]" in feedback and "quote not found" in feedback
    assert "errors.pydantic.dev" not in feedback


def test_a_quote_still_missing_after_the_retries_is_kept_unverified(seed_articles):
    from reference_server import ReferenceServer

    article = seed_articles[SEED_000]
    with ReferenceServer(faults={SEED_000: ["bad_quote_always"]}) as server:
        result = extract_article(article, client_for(server), max_retries=1)
        assert len(server.requests) == 2
    assert result.attempts == 2
    bad = result.claims[0]
    assert bad.evidence.alignment == "unaligned" and bad.evidence.start is None
    assert all(c.evidence.verified for c in result.claims[1:])
    assert len(result.claims) == 20  # nothing dropped


def test_an_endpoint_error_becomes_a_model_error(seed_articles, reference_server, tmp_path):
    from reference_server import ReferenceServer

    with ReferenceServer(annotations=tmp_path) as empty:
        with pytest.raises(ModelError, match="HTTP 404"):
            extract_article(seed_articles[SEED_000], client_for(empty))


def test_the_hand_annotations_validate_and_quote_their_article_verbatim(seed_articles):
    from reference_server import ANNOTATIONS

    files = sorted(ANNOTATIONS.glob("*.json"))
    assert {f.stem for f in files} == ANNOTATED
    for path in files:
        draft = ExtractionDraft.model_validate_json(path.read_text(encoding="utf-8"))
        text = seed_articles[path.stem].text
        for kind in ("actors", "claims", "figures", "stances"):
            for item in getattr(draft, kind):
                assert item.quote in text, (path.name, kind, item.quote)
