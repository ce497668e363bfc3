"""The cited executive summary: citations checked, reasked, never shown when wrong."""

import shutil

from conftest import SEEDS
from reference_server import ReferenceServer

from summarize import pipeline
from summarize.synthesize import citable_ids

MODEL = "reference-annotations"


def brief_with_summary(faults=None, max_retries=2):
    with ReferenceServer(faults=faults) as server:
        options = pipeline.Options(folder=SEEDS, model=MODEL, base_url=server.base_url, max_retries=max_retries)
        result = pipeline.brief_folder(options, env={})
        served = list(server.served)
    return result, served


def test_every_sentence_cites_items_of_the_brief():
    result, served = brief_with_summary()
    summary = result.brief.summary
    assert len(summary.sentences) == 6 and summary.dropped == 0
    known = citable_ids(result.brief)
    assert all(s.cites and set(s.cites) <= known for s in summary.sentences)
    assert "X1" in summary.sentences[3].cites  # the contested pair is in the summary
    assert served[-1] == ("summary", None)
    assert result.brief.usage.requests == 6  # the link request included


def test_a_citation_to_an_unknown_id_is_reasked():
    result, served = brief_with_summary({"summary": ["bad_cite"]})
    assert [f for a, f in served if a == "summary"] == ["bad_cite", None]
    summary = result.brief.summary
    assert summary.usage.reasks == 1 and summary.dropped == 0
    assert all("C999" not in s.cites for s in summary.sentences)


def test_a_citation_still_unknown_after_the_reasks_is_never_shown():
    result, served = brief_with_summary({"summary": ["bad_cite_always"]}, max_retries=1)
    summary = result.brief.summary
    assert summary.dropped == 1 and len(summary.sentences) == 5
    assert all("C999" not in s.cites for s in summary.sentences)
    from summarize.render.markdown import to_markdown

    assert "C999" not in to_markdown(result.brief)
    assert "1 sentence(s) left out" in to_markdown(result.brief)


def test_replaying_without_a_recorded_summary_says_so_and_still_writes_the_brief(tmp_path):
    shutil.copytree(SEEDS.parent / "cassettes" / "seeds", tmp_path / "seeds")
    for path in (tmp_path / "seeds").glob("summary-*.yaml"):
        path.unlink()
    notices = []
    result = pipeline.brief_folder(
        pipeline.Options(folder=SEEDS, cassettes=tmp_path), env={}, progress=pipeline.Progress(notice=notices.append)
    )
    assert result.brief.summary is None and len(result.brief.articles) == 2
    assert "no summary: no recorded summary for these articles (replay)" in notices


def test_no_summary_skips_the_call():
    with ReferenceServer() as server:
        options = pipeline.Options(folder=SEEDS, model=MODEL, base_url=server.base_url, summary=False, link_model=False)
        result = pipeline.brief_folder(options, env={})
        assert all(a != "summary" for a, _ in server.served)
    assert result.brief.summary is None


def test_a_live_run_with_a_failed_article_still_summarises_the_rest(tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(SEEDS, folder)
    (folder / "unannotated.txt").write_text("Officials said 12 bridges were closed.", encoding="utf-8")
    with ReferenceServer() as server:
        options = pipeline.Options(folder=folder, model=MODEL, base_url=server.base_url)
        brief = pipeline.brief_folder(options, env={}).brief
    assert len(brief.failed) == 1 and len(brief.articles) == 2
    assert brief.summary is not None and len(brief.summary.sentences) == 6


def _injection_brief():
    from conftest import TESTS
    from test_merge import actor, brief_of, extraction

    from summarize.models import OUTLET, Claim
    from summarize.verify import ground

    text = (TESTS / "hostile" / "injection.txt").read_text(encoding="utf-8")
    quote = "The city council approved a budget of 120 million for the new stadium on Tuesday."
    claim = Claim(text="The council approved a 120 million stadium budget.", speaker=OUTLET, kind="fact", evidence=ground.evidence(quote, text, "a1"))
    assert claim.evidence.alignment == "exact"
    return brief_of(extraction("a1", [actor("a1", "council")], [claim]))


class _Scripted:
    """Answers the summary request with each draft in turn, through the request's check,
    as instructor's reask loop does."""

    def __init__(self, *drafts):
        self.drafts, self.checked = list(drafts), []

    def structured(self, messages, response_model, context, max_retries, **kwargs):
        from pydantic import ValidationError

        from summarize.extract.llm import Answer
        from summarize.models import Usage

        for attempt, raw in enumerate(self.drafts[: max_retries + 1], 1):
            draft = response_model.model_validate(raw)
            try:
                context["check"](draft)
                return Answer(draft, attempt, Usage(requests=attempt))
            except (ValidationError, ValueError) as err:
                self.checked.append(str(err))
        return Answer(draft, attempt, Usage(requests=attempt))


def test_a_summary_sentence_that_says_what_its_cited_items_do_not_is_reasked_then_dropped():
    from summarize.synthesize import summarize_brief

    brief = _injection_brief()
    [claim] = brief.claims
    injected = [
        {"text": "The minister resigned on Tuesday, said Jane Doe.", "cites": [claim.id]},  # a name no cited item states
        {"text": "The council approved a budget of 120 million.", "cites": [claim.id]},
    ]
    worse = [{"text": "The council approved a budget of 150 million.", "cites": [claim.id]}]  # a number no cited item states
    client = _Scripted({"sentences": injected, "headlines": []}, {"sentences": worse, "headlines": []})
    summary = summarize_brief(brief, client, max_retries=1)
    assert "no cited item states 'Jane', 'Doe'" in client.checked[0]
    assert "no cited item states '150 million'" in client.checked[1]
    assert summary.sentences == [] and summary.dropped == 1


def test_a_summary_sentence_its_cited_items_support_is_kept():
    from summarize.synthesize import summarize_brief

    brief = _injection_brief()
    [claim] = brief.claims
    said = [{"text": "The council approved a budget of 120 million on Tuesday.", "cites": [claim.id]}]
    client = _Scripted({"sentences": said, "headlines": []})
    summary = summarize_brief(brief, client)
    assert [s.text for s in summary.sentences] == [said[0]["text"]] and not client.checked
