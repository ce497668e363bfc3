"""PDFs beside .txt articles: read with their text and metadata, quotes grounded in them; a scan
with no text layer, and any file the loader does not read, reported by name with the reason.
The PDFs are written by tests/pdf_maker.py; their text is an invented press release."""

from __future__ import annotations

from datetime import date

from pdf_maker import make_pdf
from reference_server import ReferenceServer
from typer.testing import CliRunner

from summarize.cli import app
from summarize.sources import load as loading
from summarize.sources.load import load_folder
from summarize.verify import ground

RELEASE = [
    [
        "Northhaven Port Authority - Press release",
        "The port authority said on Tuesday that 46 container ships were waiting offshore",
        "as the strike by dock workers entered its second week.",
    ],
    [
        "The stoppage has cost 12 million euros so far, the authority said, and its offer",
        "of a 4.5 percent rise remains open until Friday.",
    ],
]
INFO = {"Title": "Port authority statement on the dock strike", "Author": "Northhaven Port Authority", "CreationDate": "D:20241029093000Z"}
ARTICLE = "Title: Ferry crews walk out\nDate: 2024-10-28\n\nFerry crews on the Calder Bay crossing walked out on Monday over new rosters, the operator said.\n"


def test_a_pdf_beside_txt_articles_is_read_with_its_metadata_and_quotes_ground_in_it(tmp_path):
    (tmp_path / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "release.pdf").write_bytes(make_pdf(RELEASE, INFO))
    loaded = load_folder(tmp_path)
    assert not loaded.failures
    (release,) = [a for a in loaded.articles if a.path.endswith(".pdf")]
    assert release.title == INFO["Title"] and release.date == date(2024, 10, 29) and release.author == INFO["Author"]
    quote = "The stoppage has cost 12 million euros so far"
    span = ground.locate(quote, release.text)
    assert span is not None and release.text[span.start : span.end] == quote
    assert "46 container ships" in release.text and "second week" in release.text


def test_a_pdf_without_metadata_gets_a_title_from_its_text(tmp_path):
    (tmp_path / "release.pdf").write_bytes(make_pdf(RELEASE))
    (article,) = load_folder(tmp_path).articles
    assert article.title == "Northhaven Port Authority - Press release" and article.date is None


def test_every_file_not_read_is_listed_with_why(tmp_path, monkeypatch):
    """A PDF that cannot be read is a failed article; a file of another type (a photo, a
    README) is no article at all: it is listed as skipped, not counted as a failure."""
    (tmp_path / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(make_pdf([[], []], {"Title": "Scanned letter"}))
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    (tmp_path / "NOTES").write_text("to do", encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(make_pdf(RELEASE * 40, INFO))
    (tmp_path / ".hidden.jpg").write_bytes(b"x")
    monkeypatch.setattr(loading.pdf, "MAX_BYTES", 4000)
    loaded = load_folder(tmp_path)
    reasons = {f.path.rsplit("/", 1)[-1]: f.reason for f in loaded.failures}
    assert set(reasons) == {"scan.pdf", "report.pdf"}
    assert "no text layer" in reasons["scan.pdf"]
    assert "limit for one article" in reasons["report.pdf"]
    assert not loaded.notes
    assert [(f.path, f.reason) for f in loaded.skipped] == [
        (str(tmp_path / "NOTES"), "is a file with no extension, not a type read as an article (.htm, .html, .markdown, .md, .pdf, .txt)"),
        (str(tmp_path / "photo.jpg"), "is a .jpg file, not a type read as an article (.htm, .html, .markdown, .md, .pdf, .txt)"),
    ]
    assert [a.path.rsplit("/", 1)[-1] for a in loaded.articles] == ["ferry.txt"]


def test_skipped_files_are_named_on_stderr(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    (tmp_path / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(make_pdf([[]]))
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    with ReferenceServer() as server:
        result = CliRunner().invoke(app, ["brief", str(tmp_path), "--base-url", server.base_url, "--model", "m", "--dry-run"])
    assert f"skipped {tmp_path / 'scan.pdf'}: is a PDF with no text layer" in result.stderr
    assert f"skipped {tmp_path / 'photo.jpg'}: is a .jpg file" in result.stderr
