from reference_server import ReferenceServer
from synthetic import paragraph, write_article

from summarize.extract.article import extract_article
from summarize.extract.chunks import split
from summarize.extract.llm import ModelClient, ModelSettings
from summarize.sources.load import load_article


def test_a_30000_word_article_is_split_and_merged_with_whole_article_offsets(tmp_path):
    path, article_id = write_article(tmp_path / "in", tmp_path / "ann", "long.txt", paragraphs=1400)
    article = load_article(path)
    assert len(article.text.split()) > 30_000
    with ReferenceServer(annotations=tmp_path / "ann") as server:
        # Room for a whole part's answer: splitting on a cut-off answer is tested in test_faults.
        settings = ModelSettings(
            model="reference-annotations", mode="tools", base_url=server.base_url, api_key="k", max_output_tokens=32_768
        )
        client = ModelClient(settings)
        result = extract_article(article, client, chunk_chars=24_000)
        requests = len(server.requests)
    assert result.parts == requests >= 8  # no gleaning needed: every number has its figure
    assert result.usage.reasks == 0
    # every paragraph's figure once, despite the overlapping parts, at its place in the whole text
    assert [f.value for f in result.figures] == [1000 + 7 * i for i in range(1400)]
    assert len(result.claims) == 1400 and len(result.actors) == 6
    for item in result.figures + result.claims:
        assert item.verified
        assert article.text[item.evidence.start : item.evidence.end] == item.evidence.quote
    starts = [f.evidence.start for f in result.figures]
    assert starts == sorted(starts)
    last_text = paragraph(1399)[0]
    assert result.figures[-1].evidence.start > article.text.index(last_text)
    assert (result.coverage.stated, result.coverage.found) == (1400, 1400)


def test_parts_cover_the_text_on_sentence_boundaries_and_overlap():
    text = " ".join(f"Sentence number {i} ends here." for i in range(400))
    parts = split(text, 1000, overlap=100)
    assert all(len(p.text) <= 1000 for p in parts)
    assert parts[0].start == 0 and parts[-1].end == len(text)
    for before, after in zip(parts, parts[1:]):
        assert after.start < before.end  # they overlap
        assert before.end - after.start <= 100
        assert text[after.start - 1] == " " and text[: before.end].rstrip().endswith(".")
        assert text[after.start : after.end] == after.text


def test_a_short_text_is_one_part_and_a_sentence_longer_than_a_part_is_cut():
    assert [p.text for p in split("Short.", 1000)] == ["Short."]
    parts = split("x" * 2500, 1000)
    assert [(p.start, len(p.text)) for p in parts] == [(0, 1000), (1000, 1000), (2000, 500)]
