"""Hostile front matter costs its own file at most, never the run (and never much memory)."""

import json
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

from summarize.sources import safe_yaml
from summarize.sources.load import load_folder

BODY = "\nThe council met on Tuesday and voted to approve the harbour budget after a long debate.\n"
GOOD = "Title: Harbour vote\n" + BODY


def alias_chain(key: str, levels: int = 8, width: int = 9) -> str:
    """A few hundred bytes whose last alias stands for width**levels scalars."""
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\n{key}: *a{levels}"


SHAPES = {
    "alias-title": alias_chain("title"),
    "alias-date": alias_chain("date"),
    "alias-author-map": "base: &b {x: 1}\nauthor: {<<: *b}",
    "deep-flow-list": "unused: " + "[" * 500 + "]" * 500 + "\ntitle: Deep",
    "deep-block-map": "unused:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)) + "  " * 200 + "v: 1",
    "deep-flow-map": "unused: " + "{a: " * 300 + "1" + "}" * 300,
}

_CAPPED = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (768 * 2**20, 768 * 2**20))
    sys.path.insert(0, {root!r})
    from summarize.sources.load import load_folder
    loaded = load_folder(__import__("pathlib").Path(sys.argv[1]))
    print(json.dumps({{"articles": {{a.path: a.title for a in loaded.articles}},
                      "failed": [f.path for f in loaded.failures], "notes": loaded.notes}}))
    """
).format(root=str(ROOT))


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_hostile_front_matter_costs_only_its_own_file_under_a_memory_cap(tmp_path, shape):
    (tmp_path / "bomb.md").write_text(f"---\n{SHAPES[shape]}\n---\n{BODY}", encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _CAPPED, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    bomb, good = str(tmp_path / "bomb.md"), str(tmp_path / "good.txt")
    assert result["articles"][good] == "Harbour vote"
    # The bomb's article is kept as plain text (its front matter ignored), and said so by name.
    assert bomb in result["articles"] and result["failed"] == []
    [note] = [n for n in result["notes"] if n.startswith(bomb)]
    assert "front matter" in note and "ignored" in note


def test_plain_front_matter_still_reads_lists_and_dates(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: Vote\nauthors: [Ann Lee, Bo Ray]\ndate: 2024-11-05\n---\n" + BODY, encoding="utf-8")
    [article] = load_folder(tmp_path).articles
    assert (article.title, article.author, str(article.date)) == ("Vote", "Ann Lee, Bo Ray", "2024-11-05")


@pytest.mark.parametrize(
    "text, why",
    [
        ("a: &x 1\nb: *x", "anchor"),
        ("a: " + "[" * (safe_yaml.MAX_DEPTH + 1) + "]" * (safe_yaml.MAX_DEPTH + 1), "deeper"),
        ("a: '" + "x" * (safe_yaml.MAX_BYTES + 1) + "'", "over"),
        ("a: [unclosed", "not valid YAML"),
    ],
)
def test_the_reader_says_why_it_refuses(text, why):
    with pytest.raises(safe_yaml.UnsafeYaml, match=why):
        safe_yaml.load(text)


@pytest.mark.parametrize("error", [RecursionError("maximum recursion depth exceeded"), MemoryError()])
def test_any_parser_error_in_one_file_fails_that_file_alone_by_name(tmp_path, monkeypatch, error):
    def boom(text):
        raise error

    monkeypatch.setattr(safe_yaml, "load", boom)
    (tmp_path / "bad.md").write_text("---\ntitle: x\n---\n" + BODY, encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    loaded = load_folder(tmp_path)
    assert [a.title for a in loaded.articles] == ["Harbour vote"]
    [failed] = loaded.failures
    assert failed.path == str(tmp_path / "bad.md") and type(error).__name__ in failed.reason
