import hashlib
from datetime import date

import pytest
from conftest import SEED_000, SEED_002, SEEDS

from summarize.sources.load import LoadError, discover, load_article, load_folder


def test_both_seeds_load_with_ids_titles_and_dates(seed_articles):
    assert set(seed_articles) == {SEED_000, SEED_002}
    first, second = seed_articles[SEED_000], seed_articles[SEED_002]
    raw = (SEEDS / "000_37c9123741aeb2db.txt").read_bytes()
    assert first.id == hashlib.sha256(raw).hexdigest()[:16]
    assert first.date == date(2024, 10, 9)
    assert first.title.startswith("What is a North Korean doing fighting in Donbas?")
    assert second.date is None  # no dateline, no front matter
    assert second.title == "The war in Ukraine is now being fought in the East"


def test_page_furniture_is_removed_but_the_body_kept(seed_articles):
    text = seed_articles[SEED_000].text
    for furniture in ("Please enter your comment!", "Please enter your name here", "Recent Posts", "HomeBreaking News"):
        assert furniture not in text
    assert "4:50 pm" not in text  # the dateline became metadata
    assert text.endswith("the difficulties in recruiting more soldiers into the country.")
    assert "Kim Yonghyunconsidered this news to be true" in text
    assert "A total of 8,000 troops" in seed_articles[SEED_002].text


HTML = """<!doctype html><html><head><title>Port strike enters third week</title>
<meta property="article:published_time" content="2024-03-05T08:00:00Z"></head><body>
<nav class="breadcrumb"><a href="/">Home</a> › <a href="/news">News</a></nav>
<article><h1>Port strike enters third week</h1>
<p>Dock workers in Rotterdam extended their strike on Monday, the union said, as talks with
the port authority stalled for a third week and more than 400 ships waited offshore.</p>
<p>The port authority said the dispute had cost 30 million euros so far and urged the union to
return to the table, while the union said its members would hold out until wages rose.</p>
<p>Shipping companies began diverting cargo to Antwerp and Hamburg, according to analysts
who expect the backlog to take weeks to clear even if the strike ends soon.</p>
</article>
<div class="comments"><h3>Leave a Reply</h3><p>Please enter your comment!</p>
<p>Please enter your name here</p></div>
<aside><h3>Recent Posts</h3><ul><li><a href="/a">Other story</a></li></ul></aside>
</body></html>"""


def test_html_goes_through_the_main_text_extractor(tmp_path):
    page = tmp_path / "strike.html"
    page.write_text(HTML, encoding="utf-8")
    article = load_article(page)
    assert "more than 400 ships waited offshore" in article.text
    assert "Please enter your comment" not in article.text
    assert "Recent Posts" not in article.text
    assert "Other story" not in article.text
    assert article.title == "Port strike enters third week"
    assert article.date == date(2024, 3, 5)


def test_markdown_front_matter_gives_title_and_date(tmp_path):
    md = tmp_path / "note.md"
    md.write_text("---\ntitle: Budget vote\ndate: 2025-02-14\n---\nThe council passed the budget by 31 votes to 12.\n")
    article = load_article(md)
    assert (article.title, article.date) == ("Budget vote", date(2025, 2, 14))
    assert article.text == "The council passed the budget by 31 votes to 12."


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"  \n\n", "is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "looks binary"),
        ("latin1.txt", "Caf\u00e9 owners protest.".encode("latin-1"), "is not UTF-8 text (byte 0xe9 at offset 3)"),
        ("furniture.txt", b"Recent Posts\nPlease enter your comment!\n", "no article text"),
    ],
)
def test_bad_files_are_reported_by_name_and_do_not_stop_the_others(tmp_path, name, content, reason):
    (tmp_path / "good.txt").write_text("Officials said 12 bridges were closed.", encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    loaded = load_folder(tmp_path)
    assert [a.path for a in loaded.articles] == [str(tmp_path / "good.txt")]
    [failure] = loaded.failures
    assert failure.path == str(tmp_path / name)
    assert reason in failure.reason
    with pytest.raises(LoadError) as err:
        load_article(tmp_path / name)
    assert str(tmp_path / name) in str(err.value)


def test_discovery_is_sorted_filtered_and_recursive_only_on_request(tmp_path):
    for rel in ("b.txt", "a.md", "c.html", "skip.jpg", ".hidden.txt", "sub/d.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert [p.name for p in discover(tmp_path)] == ["a.md", "b.txt", "c.html"]
    assert [p.name for p in discover(tmp_path, recursive=True)] == ["a.md", "b.txt", "c.html", "d.txt"]


def test_a_huge_file_is_refused_by_name(tmp_path):
    from summarize.sources.load import MAX_FILE_BYTES

    big = tmp_path / "dump.txt"
    big.write_bytes(b"word " * (MAX_FILE_BYTES // 5 + 1))
    with pytest.raises(LoadError, match=r"dump\.txt: is 5\.0 MiB, over the 5 MiB limit"):
        load_article(big)


def test_malformed_html_still_yields_its_text_or_a_clear_reason(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<html><body><div><p>The harbour reopened on Monday after "
        "<b>three weeks of repairs, officials said, and 40 ships entered the port before noon "
        "while dock workers cleared the last of the debris from the northern quay.<p>Traders "
        "said prices would fall within days as supplies resumed across the region",
        encoding="utf-8",
    )
    article = load_article(broken)
    assert "40 ships entered the port" in article.text
    (tmp_path / "nothing.html").write_text("<html><head><title>x</title></head><body><nav>Home</nav></body>", encoding="utf-8")
    with pytest.raises(LoadError, match=r"nothing\.html: has only 1 word\(s\) of text .*not an article"):
        load_article(tmp_path / "nothing.html")


def test_character_references_in_text_files_are_the_characters(tmp_path):
    """Saved web text keeps &#233; and &amp;: decoded on load, they are neither noise nor
    numbers the model seems to have left out."""
    path = tmp_path / "a.txt"
    path.write_text("Caf&#233; chain &amp; bakery merge\n\nThe caf&eacute; chain said the deal, worth &#163;5m, closes in May.\n", encoding="utf-8")
    article = load_article(path)
    assert article.title == "Café chain & bakery merge"
    assert article.text.endswith("The café chain said the deal, worth £5m, closes in May.")
    assert "&" not in article.text.replace("chain & bakery", "")
