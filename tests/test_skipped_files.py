"""Files of a folder that are not articles (a photo, a README with no extension) are listed
in the brief as skipped, with why, in Markdown, JSON and HTML, and do not change the exit
code; article files that cannot be read (too large, binary, not UTF-8) stay failed articles.

The articles are the Greek sprinters' story of examples/bbc-week, replayed from the BBC
recordings (the folder is named ``bbc-week`` so that its recording set is found)."""

import json
import shutil

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from summarize.cli import EXIT_OK, EXIT_PARTIAL, app
from summarize.models import Brief
from summarize.render.html import to_html
from summarize.sources import load

STORY = ROOT / "examples" / "bbc-week" / "greek-sprinters-doping"
PHOTO = "a|<b>&.jpg"
"""A photo whose name needs escaping in a Markdown table and in HTML."""
ENV = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
runner = CliRunner()


def _folder(root) -> object:
    folder = root / "bbc-week"
    folder.mkdir()
    for article in STORY.glob("*.txt"):
        shutil.copy(article, folder / article.name)
    shutil.copy(ROOT / "examples" / "bbc-week" / "README", folder / "README")
    (folder / PHOTO).write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    return folder


def _brief(folder, *flags: str):
    return runner.invoke(
        app, ["brief", str(folder), "-q", "--replay", "--cassettes", str(ROOT / "cassettes"), "--no-summary", *flags], env=ENV, catch_exceptions=False
    )


@pytest.fixture(scope="module")
def with_others(tmp_path_factory):
    """The story with a README and a photo beside it: Markdown, JSON, and the stderr said."""
    root = tmp_path_factory.mktemp("skipped")
    folder = _folder(root)
    md = _brief(folder)
    js = _brief(folder, "--out", str(root / "brief.json"))
    return folder, md, js, json.loads((root / "brief.json").read_text(encoding="utf-8"))


def test_files_of_other_types_are_listed_in_the_json_brief(with_others):
    folder, _, js, data = with_others
    assert data["skipped"] == [
        {"path": str(folder / "README"), "reason": f"is a file with no extension, not a type read as an article ({', '.join(sorted(load.SUFFIXES))})"},
        {"path": str(folder / PHOTO), "reason": f"is a .jpg file, not a type read as an article ({', '.join(sorted(load.SUFFIXES))})"},
    ]
    assert data["failed"] == [] and len(data["articles"]) == 4
    assert js.exit_code == EXIT_OK  # a file that is no article is not a failure


def test_files_of_other_types_are_listed_in_the_markdown_brief(with_others):
    folder, md, _, _ = with_others
    assert md.exit_code == EXIT_OK
    facts = md.stdout.splitlines()[2]
    assert "2 files skipped (see *Skipped files*)" in facts and "failed" not in facts
    appendix = md.stdout[md.stdout.index("### Skipped files") :]
    assert f"| {folder}/README | is a file with no extension, not a type read as an article" in appendix
    assert f"| {folder}/a\\|\\<b\\>&.jpg | is a .jpg file, not a type read as an article" in appendix
    assert "### Failed articles" not in md.stdout
    assert f"skipped {folder / PHOTO}: is a .jpg file" in md.stderr  # and said on stderr, as before


def test_files_of_other_types_are_listed_in_the_page_escaped(with_others):
    folder, _, _, data = with_others
    page = to_html(Brief.model_validate(data))
    assert '<a href="#skipped">2 files skipped</a>' in page
    section = page[page.index('<section id="skipped">') : page.index('<section id="usage">')]
    assert f'<span class="path">{folder}/a|&lt;b&gt;&amp;.jpg</span> — is a .jpg file' in section
    assert f'<span class="path">{folder}/README</span> — is a file with no extension' in section
    assert "<b>" not in section


def test_unreadable_article_files_stay_failed_articles(tmp_path):
    """Too large, binary, not UTF-8: article files that could not be read, so failures (exit
    1), never listed as skipped; the files of other types beside them are listed as before."""
    folder = _folder(tmp_path)
    (folder / "huge.txt").write_text("word " * (load.MAX_FILE_BYTES // 5 + 1), encoding="utf-8")
    (folder / "dump.txt").write_bytes(b"The notes of a dump\x00\x01 with more than five words in it.")
    (folder / "latin.txt").write_bytes("Café au lait is not written in UTF-8 here, but in Latin-1.".encode("latin-1"))
    result = _brief(folder, "--out", str(tmp_path / "brief.json"))
    data = json.loads((tmp_path / "brief.json").read_text(encoding="utf-8"))
    reasons = {f["path"].rsplit("/", 1)[-1]: (f["stage"], f["reason"]) for f in data["failed"]}
    assert set(reasons) == {"huge.txt", "dump.txt", "latin.txt"}
    assert all(stage == "load" for stage, _ in reasons.values())
    assert "over the 5 MiB limit for one article" in reasons["huge.txt"][1]
    assert "looks binary" in reasons["dump.txt"][1]
    assert "is not UTF-8 text" in reasons["latin.txt"][1]
    assert [f["path"] for f in data["skipped"]] == [str(folder / "README"), str(folder / PHOTO)]
    assert result.exit_code == EXIT_PARTIAL
