"""Each fault the reference server can script: recovered, or reported as failed with the
reason, the other article intact, and the cost counted.  Waits are recorded, not slept."""

import pytest
from conftest import SEED_000, SEED_002, SEEDS, extraction_options
from reference_server import ReferenceServer

from summarize import pipeline
from summarize.extract import bounds
from summarize.extract.llm import OTHER_MODES
from summarize.render import markdown

MODEL = "reference-annotations"


def run(faults, article=SEED_000, timeout=30.0, notices=None, **options):
    waits: list[float] = []
    progress = pipeline.Progress(notice=notices.append) if notices is not None else None
    with ReferenceServer(faults={article: faults}, hang_seconds=1.0) as server:
        # concurrency=1: waits and requests counted one article after the other.
        options = extraction_options(SEEDS, server, timeout=timeout, sleep=waits.append, concurrency=1, **options)
        result = pipeline.brief_folder(options, env={}, progress=progress)
        served = list(server.served)
    return result.brief, waits, served


def intact(brief, article=SEED_002):
    """The other article's extraction is all there."""
    assert article in {a.id for a in brief.articles}
    forms = {f.form for a in brief.actors for f in a.forms if article in f.article_ids}
    assert forms >= ({"Antony Blinken", "Choe Son Hui"} if article == SEED_002 else {"Marc Rutte", "Kim Yonghyun"})


def failure(brief, article=SEED_000):
    [only] = [f for f in brief.failed if f.article_id == article]
    return only


def test_429_waits_for_retry_after_then_recovers():
    notices = []
    brief, waits, served = run(["429"], notices=notices)
    assert waits == [7.0]
    assert notices == ["retry 1/4 in 7.0 s: the endpoint answered HTTP 429: rate limited"]
    assert not brief.failed and brief.usage.transport_retries == 1
    assert brief.usage.requests == len(served) == 5  # 429, answer, gleaning; the other article's two
    intact(brief)


def test_500_backs_off_exponentially_with_jitter_then_recovers():
    brief, waits, _ = run(["500", "500"])
    assert len(waits) == 2 and 1.0 <= waits[0] <= 1.5 and 2.0 <= waits[1] <= 3.0
    assert not brief.failed and brief.usage.transport_retries == 2
    intact(brief)


def test_500_every_time_fails_after_the_transport_retries_with_the_count():
    brief, waits, served = run(["500_always"], transport_retries=3)
    assert len(waits) == 3
    failed = failure(brief)
    assert failed.stage == "extract" and "HTTP 500" in failed.reason and "after 4 requests" in failed.reason
    assert brief.usage.requests == 4 + 2 and brief.usage.transport_retries == 3
    intact(brief)


def test_a_hang_past_the_timeout_is_retried_against_a_hosted_api(monkeypatch):
    monkeypatch.setattr("summarize.extract.llm.is_local", lambda base_url: False)
    brief, waits, served = run(["hang"], timeout=0.3)
    assert not brief.failed and brief.usage.transport_retries == 1 and len(waits) == 1
    assert brief.usage.abandoned == 1
    intact(brief)


def test_a_hang_past_the_timeout_is_not_stacked_on_a_local_server():
    brief, waits, served = run(["hang"], timeout=0.3)
    assert waits == [] and [f for a, f in served if a == SEED_000] == ["hang"]
    reason = failure(brief).reason
    assert "no answer within 0.3 s" in reason and "not sent again while the local server may still be working on it" in reason
    assert brief.usage.abandoned == 1 and brief.usage.transport_retries == 0
    assert "1 request(s) abandoned (timed out or cancelled): the tokens spent on them are not counted." in markdown.to_markdown(brief)
    intact(brief)


@pytest.mark.parametrize("fault", ["malformed_json", "schema_invalid", "bad_quote", "bad_speaker"])
def test_a_rejected_answer_is_reasked_and_recovers(fault):
    brief, waits, served = run([fault])
    assert not brief.failed and not brief.unverified
    assert brief.usage.reasks == 1 and brief.usage.transport_retries == 0 and waits == []
    assert brief.usage.requests == 3 + 2
    intact(brief)


def test_a_value_its_quote_does_not_state_is_reasked_naming_the_figure():
    with ReferenceServer(faults={SEED_002: ["bad_value"]}) as server:
        options = extraction_options(SEEDS, server)
        brief = pipeline.brief_folder(options, env={}).brief
        reasks = [str(r["messages"][2:]) for r in server.requests if len(r["messages"]) > 2]
    [reask] = reasks
    assert "figures[0] (80000 troops): value 80000 is not what its quote states (8,000)" in reask
    assert any(f.value == 8000 and f.unit == "troops" for f in brief.figures)
    intact(brief, SEED_000)


def test_a_value_still_wrong_after_the_reasks_is_shown_unverified_with_the_reason():
    brief, _, _ = run(["bad_value_always"], article=SEED_002)
    assert not any(f.value == 80000 for f in brief.figures)
    [item] = [u for u in brief.unverified if u.item == "figure"]
    assert item.summary.startswith("80000 troops") and "value 80000 is not what its quote states" in item.reason
    assert brief.coverage[1].found == 7  # the 8,000 in the text no longer has a verified figure
    intact(brief, SEED_000)


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_json_ending_mid_string_is_a_cut_off_answer_whatever_finish_reason_says(mode):
    brief, _, served = run(["cut_unflagged"], mode=mode)
    assert not brief.failed and brief.usage.reasks == 0  # not reasked whole: split like any cut-off answer
    faults = [f for a, f in served if a == SEED_000]
    assert faults[0] == "cut_unflagged" and len(faults) == 5
    assert any(f.form == "Marc Rutte" for a in brief.actors for f in a.forms)
    intact(brief)


def test_a_truncated_answer_splits_the_article_instead_of_asking_again():
    brief, _, served = run(["truncated"])
    assert not brief.failed
    faults = [f for a, f in served if a == SEED_000]
    # the cut-off answer, then three overlapping parts of about half the article, then gleaning
    assert faults == ["truncated", None, None, None, None]
    assert brief.usage.reasks == 0
    assert any(f.form == "Marc Rutte" for a in brief.actors for f in a.forms)
    intact(brief)


def test_an_answer_truncated_every_time_fails_with_the_reason():
    brief, _, served = run(["truncated_always"])
    failed = failure(brief)
    assert failed.reason.startswith("the answer was cut off: the endpoint stopped it at its output limit (finish_reason=length")
    assert "a part too short to split further" in failed.reason and "Try a larger model" in failed.reason
    assert failed.attempts == len([a for a, _ in served if a == SEED_000]) > 1
    intact(brief)


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_runaway_output_fails_the_article_without_splitting_it(mode):
    brief, waits, served = run(["runaway"], mode=mode)
    failed = failure(brief)
    assert [f for a, f in served if a == SEED_000] == ["runaway"]  # one bounded request, no split
    assert failed.reason.startswith("runaway output on characters 0–3,977: the answer was cut off: it used all")
    assert f"another --mode ({OTHER_MODES[mode]})" in failed.reason
    assert failed.attempts == 1 and waits == []
    intact(brief)


def test_runaway_output_on_one_part_still_tries_the_others(tmp_path):
    from synthetic import write_article

    path, article_id = write_article(tmp_path / "in", tmp_path / "ann", "long.txt", paragraphs=40)
    with ReferenceServer(annotations=tmp_path / "ann", faults={article_id: ["runaway"]}) as server:
        options = pipeline.Options(folder=tmp_path / "in", model=MODEL, base_url=server.base_url, chunk_chars=2_000, summary=False)
        brief = pipeline.brief_folder(options, env={}).brief
        served = [f for a, f in server.served if a == article_id]
        sent = [r["max_tokens"] for r in server.requests]
    [failed] = brief.failed
    assert served[0] == "runaway" and len(served) >= 3 and set(served[1:]) == {None}
    assert f"{len(served) - 1} other part(s) answered" in failed.reason
    assert failed.attempts == len(served) and brief.usage.requests == len(served)
    assert max(sent) < bounds.DEFAULT_MAX_OUTPUT_TOKENS  # each bounded by its part, not by the cap


def test_every_request_carries_a_max_tokens_from_its_schema_and_text(seed_articles):
    from summarize.models import ExtractionDraft

    with ReferenceServer() as server:
        pipeline.brief_folder(pipeline.Options(folder=SEEDS, model=MODEL, base_url=server.base_url), env={})
        sent = [r.get("max_tokens") for r in server.requests]
    assert all(sent) and len(sent) == 6  # two extractions, two gleanings, the links, the summary
    assert max(sent) <= bounds.DEFAULT_MAX_OUTPUT_TOKENS
    extraction = [bounds.output_limit(ExtractionDraft, len(a.text)) for a in seed_articles.values()]
    assert set(extraction) <= set(sent) and len(set(sent)) >= 3  # extraction, gleaning and summary differ


def test_a_cut_off_gleaning_answer_keeps_the_extraction_and_lists_the_numbers_missing():
    brief, _, served = run(["omit_figures", "runaway"])
    assert not brief.failed and [f for a, f in served if a == SEED_000] == ["omit_figures", "runaway"]
    [coverage] = [c for c in brief.coverage if c.article_id == SEED_000]
    assert coverage.found == 0 and coverage.stated == len(coverage.missing) > 0
    assert any(f.form == "Marc Rutte" for a in brief.actors for f in a.forms)
    intact(brief)


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_garbage_brackets_are_reasked_in_every_mode(mode):
    brief, _, served = run(["garbage"], mode=mode)
    assert not brief.failed and brief.usage.reasks == 1
    intact(brief)


def test_garbage_every_time_fails_with_the_last_answers_problem_said_plainly():
    brief, _, served = run(["garbage_always"], mode="md_json")
    reason = failure(brief).reason
    assert reason.startswith("no usable answer after 3 attempts: the last one was not valid JSON")
    assert "<failed_attempts>" not in reason and "<generation" not in reason
    assert "try a larger model or another --mode (tools or json_schema)" in reason
    intact(brief)


@pytest.mark.parametrize("mode, alternative", [("json_schema", "md_json or tools"), ("tools", "json_schema or md_json")])
def test_a_request_format_the_endpoint_rejects_is_final_and_names_the_mode_to_try(mode, alternative):
    brief, waits, served = run(["format_unsupported_always"], mode=mode)
    reason = failure(brief).reason
    assert reason.startswith(f"the endpoint does not accept --mode {mode} (HTTP 500:")
    assert reason.endswith(f"try --mode {alternative}")
    assert waits == [] and [f for a, f in served if a == SEED_000] == ["format_unsupported"]
    intact(brief)


@pytest.mark.parametrize(
    "fault, reason",
    [
        ("refusal", "the model refused: I can't help with that request."),
        ("quota", "no quota left (HTTP 429 insufficient_quota)"),
    ],
)
def test_final_errors_are_reported_once_and_not_retried(fault, reason):
    brief, waits, served = run([fault + "_always"])
    assert reason in failure(brief).reason
    assert waits == [] and [f for a, f in served if a == SEED_000] == [fault]
    assert brief.usage.requests == 1 + 2
    intact(brief)


def test_a_401_stops_the_whole_run_and_lists_the_rest_as_not_processed():
    brief, waits, served = run(["auth_always"])
    assert "refused the API key (HTTP 401)" in failure(brief).reason
    assert waits == [] and served == [(SEED_000, "auth")]  # the second article sent nothing
    rest = failure(brief, SEED_002)
    assert rest.reason.startswith("not processed: the run stopped after") and rest.attempts == 0
    assert brief.articles == [] and brief.usage.requests == 1


def test_the_token_budget_stops_new_calls_and_names_what_was_not_processed():
    brief, _, served = run([], max_tokens=1000)
    assert [a.id for a in brief.articles] == [SEED_000]
    [skipped] = brief.failed
    assert skipped.stage == "budget" and skipped.article_id == SEED_002
    assert "not processed: the token budget of 1,000 was spent" in skipped.reason
    assert all(article == SEED_000 for article, _ in served)
    assert brief.usage.total_tokens > 1000


def test_the_cli_brief_lists_each_faulted_article_correctly(tmp_path, monkeypatch):
    from synthetic import write_article
    from typer.testing import CliRunner

    from summarize.cli import EXIT_PARTIAL, app

    folder, annotations = tmp_path / "articles", tmp_path / "annotations"
    ids = {}
    for k, name in enumerate(("a_refused", "b_quota", "c_truncated", "d_bad_value", "e_reasked", "f_clean")):
        # Different paragraphs (copies would be one report); d's are the first, as the checks below read.
        first = 0 if name == "d_bad_value" else 1000 * (k + 1)
        path, ids[name] = write_article(folder, annotations, f"{name}.txt", paragraphs=3, first=first)
    faults = {
        ids["a_refused"]: ["refusal_always"],
        ids["b_quota"]: ["quota_always"],
        ids["c_truncated"]: ["truncated_always"],
        ids["d_bad_value"]: ["bad_value_always"],
        ids["e_reasked"]: ["malformed_json"],
    }
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with ReferenceServer(annotations=annotations, faults=faults) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        result = CliRunner().invoke(app, ["brief", str(folder), "--model", MODEL, "--no-summary"], catch_exceptions=False)
    out = result.stdout
    assert result.exit_code == EXIT_PARTIAL
    failed = out[out.index("## Failed articles") : out.index("## Usage")]
    assert "a\\_refused.txt | extract | 1 | the model refused" in failed
    assert "b\\_quota.txt | extract | 1 | the account has no quota left" in failed
    assert "c\\_truncated.txt | extract |" in failed and "the answer was cut off" in failed
    for fine in ("d_bad_value", "e_reasked", "f_clean"):
        assert fine not in failed
    unverified = out[out.index("## Unverified") : out.index("## Failed articles")]
    assert unverified.count("- figure: 10000 homes") == 1 and "value 10000 is not what its quote states (1,000)" in unverified
    assert "| 1,014 homes |" in out  # d's other figures are verified
    assert "5 reask(s)" in out  # d: 2 for its extraction, 2 for its gleaning; e: 1
    assert "[1/6]" in result.stderr and "failed: the model refused" in result.stderr


def test_a_brief_never_shows_an_unaligned_quote_as_verified():
    brief, _, _ = run(["bad_quote_always"])
    shown = [a.evidence for a in brief.actors] + [x.evidence for x in brief.claims + brief.figures + brief.stances]
    assert all(ev.alignment in ("exact", "fuzzy") and ev.start is not None for evs in shown for ev in (evs if isinstance(evs, list) else [evs]))
    [item] = brief.unverified
    assert item.item == "claim" and item.evidence.alignment == "unaligned" and "quote not found" in item.reason
