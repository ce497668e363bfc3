"""Gleaning asks about the passages around the numbers left out, never the whole article,
and never more than one part's size."""

import json
import re

from reference_server import ReferenceServer
from synthetic import write_article

from summarize.extract import passages
from summarize.extract.article import extract_article
from summarize.extract.llm import ModelClient, ModelSettings
from summarize.sources.load import load_article


def test_passages_hold_whole_words_around_each_span_and_merge_when_they_touch():
    text = " ".join(f"word{i}" for i in range(2000))
    first, near, far = text.index("word100 "), text.index("word104 "), text.index("word1500 ")
    spans = [(first, first + 7), (near, near + 7), (far, far + 8)]
    shown, held = passages.around(text, spans, limit=10_000, width=50)
    assert held == 3 and len(shown) == 2  # the two near spans share one passage
    for part in shown:
        assert text[part.start : part.end] == part.text
        assert part.text.split()[0] in text.split() and part.text.split()[-1] in text.split()
    assert "word100" in shown[0].text and "word104" in shown[0].text and "word1500" in shown[1].text


def test_passages_stop_at_the_limit_and_say_how_many_spans_they_hold():
    text = " ".join(f"word{i}" for i in range(2000))
    spans = [(m.start(), m.end()) for m in re.finditer(r"word\d*00\b", text)]
    shown, held = passages.around(text, spans, limit=400, width=50)
    total = sum(len(p.text) for p in shown) + len(passages.GAP) * (len(shown) - 1)
    assert total <= 400 and 0 < held < len(spans)
    assert all(any(p.start <= s and e <= p.end for p in shown) for s, e in spans[:held])


def test_a_long_article_is_gleaned_from_passages_no_longer_than_one_part(tmp_path):
    path, article_id = write_article(tmp_path / "in", tmp_path / "ann", "long.txt", paragraphs=300)
    annotation = tmp_path / "ann" / f"{article_id}.json"
    data = json.loads(annotation.read_text())
    annotation.write_text(json.dumps({**data, "figures": []}))  # every number is left out
    article = load_article(path)
    with ReferenceServer(annotations=tmp_path / "ann") as server:
        client = ModelClient(
            ModelSettings(model="reference-annotations", mode="tools", base_url=server.base_url, api_key="k", max_output_tokens=32_768)
        )
        result = extract_article(article, client, chunk_chars=6_000)
        sent = [r["messages"][1]["content"] for r in server.requests]
    [glean] = [s for s in sent if "<numbers>" in s]
    shown = glean[glean.index(">", glean.index("<article ")) + 1 : glean.rindex("</article>")].strip()
    assert len(article.text) > 6 * 6_000 and len(shown) <= 6_000
    assert all(piece in article.text for piece in shown.split(passages.GAP.strip()))
    asked = glean[glean.index("<numbers>") : glean.index("</numbers>")].count("\n- ")
    assert 0 < asked < 300 and result.coverage.stated == 300 and len(result.coverage.missing) == 300
