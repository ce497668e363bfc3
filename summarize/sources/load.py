"""Load articles from a folder: text extraction, boilerplate removal, ids, titles, dates.

Every problem with one file becomes a :class:`LoadError` naming that file, so the caller
can report it and go on with the others.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from summarize.models import Article, ExtractionFailure, SkippedFile
from summarize.sources import language, pdf
from summarize.sources.metadata import (
    Metadata,
    from_trafilatura,
    split_front_matter,
    split_header_lines,
)

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}
MAX_FILE_BYTES = 5 * 1024 * 1024
"""Larger files are refused: no news article is this long, and such files are usually dumps."""
MIN_WORDS = 5


class LoadError(Exception):
    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class Loaded:
    articles: list[Article]
    failures: list[ExtractionFailure]
    notes: list[str] = field(default_factory=list)
    """Problems that did not stop a file from loading (an unreadable date), naming the file."""
    skipped: list[SkippedFile] = field(default_factory=list)
    """Files that are no article at all (a photo, a README): not read, and not failures."""

    def messages(self) -> list[str]:
        """What a run says about the folder on stderr: every file not read and why, then the notes."""
        unread = [*self.failures, *self.skipped]
        return [f"skipped {f.path}: {f.reason}" for f in unread] + self.notes


# --------------------------------------------------------------------------- discovery


def discover(
    folder: Path, recursive: bool = False, refused: list[LoadError] | None = None, ignored: list[SkippedFile] | None = None
) -> list[Path]:
    """Article files in ``folder``, sorted by path; hidden files are skipped.

    Symbolic links are followed only to files inside ``folder``; links that lead outside
    it, dangle or loop are not read and, when ``refused`` is given, are listed there.
    Linked sub-folders are never entered.  Files of a type not read as articles (a photo, a
    README) are named in ``ignored`` with why, when it is given."""
    if not folder.exists():
        raise NotADirectoryError(f"{folder} does not exist")
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    root = folder.resolve()
    found: list[Path] = []
    for parent, dirs, files in os.walk(folder, followlinks=False):
        here = Path(parent)
        linked = [d for d in dirs if not d.startswith(".") and (here / d).is_symlink()]
        dirs[:] = sorted(d for d in dirs if recursive and not d.startswith(".") and d not in linked)
        if recursive and refused is not None:
            refused += [LoadError(here / d, "is a symbolic link to a folder: not entered") for d in linked]
        for name in files:
            path = here / name
            if name.startswith("."):
                continue
            if path.suffix.lower() not in SUFFIXES:
                if ignored is not None:
                    kind = f"a {path.suffix} file" if path.suffix else "a file with no extension"
                    ignored.append(SkippedFile(path=str(path), reason=f"is {kind}, not a type read as an article ({', '.join(sorted(SUFFIXES))})"))
                continue
            problem = _link_problem(path, root) if path.is_symlink() else None
            if problem:
                if refused is not None:
                    refused.append(LoadError(path, problem))
            elif path.is_file():
                found.append(path)
        if not recursive:
            break
    return sorted(found)


def _link_problem(path: Path, root: Path) -> str | None:
    """Why the symbolic link ``path`` is not read, or None when it leads to a file in ``root``."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return "is a symbolic link to nothing (its target does not exist): not read"
    except (RuntimeError, OSError):
        return "is a symbolic link that loops: not read"
    if not target.is_relative_to(root):
        return "is a symbolic link to a file outside the folder: not read"
    if not target.is_file():
        return "is a symbolic link to something that is not a file: not read"
    return None


def load_folder(folder: Path, recursive: bool = False) -> Loaded:
    refused: list[LoadError] = []
    ignored: list[SkippedFile] = []
    paths = discover(folder, recursive, refused, ignored)
    failures = [ExtractionFailure(path=str(e.path), stage="load", reason=e.reason) for e in sorted(refused, key=lambda e: e.path)]
    loaded = Loaded([], failures, skipped=sorted(ignored, key=lambda f: f.path))
    for path in paths:
        try:
            loaded.articles.append(load_article(path, loaded.notes))
        except LoadError as err:
            loaded.failures.append(ExtractionFailure(path=str(path), stage="load", reason=err.reason))
        except (RecursionError, MemoryError, ValueError) as err:  # a parser fed by this file: it costs this file only
            reason = f"could not be read ({type(err).__name__}: {str(err)[:200]})"
            loaded.failures.append(ExtractionFailure(path=str(path), stage="load", reason=reason))
    return loaded


# --------------------------------------------------------------------------- one file


def article_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def load_article(path: Path, notes: list[str] | None = None) -> Article:
    """One article; problems that do not stop it (an unreadable date) are appended to ``notes``."""
    suffix = path.suffix.lower()
    limit = pdf.MAX_BYTES if suffix == ".pdf" else MAX_FILE_BYTES
    too_big = f"over the {limit // 2**20} MiB limit for one article"
    try:
        size = path.stat().st_size
        if size > limit:
            raise LoadError(path, f"is {size / 2**20:.1f} MiB, {too_big}")
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)  # at most the limit, whatever the size said
    except OSError as err:
        raise LoadError(path, f"cannot be read ({err.strerror})") from err
    if len(raw) > limit:
        raise LoadError(path, f"grew past the size it had when checked: {too_big}")
    if not raw.strip():
        raise LoadError(path, "is empty")
    if b"\x00" in raw and suffix != ".pdf":
        raise LoadError(path, "looks binary (it holds NUL bytes), not an article")

    if suffix == ".pdf":
        text, meta = _from_pdf(path, raw)
    elif suffix in {".html", ".htm"}:
        text, meta = _from_html(path, raw)
    else:
        # Character references (&#233;, &eacute;, &amp;) as the characters they stand for:
        # saved web text keeps them, and left as they are they read as noise and as numbers.
        text = html.unescape(_decode(path, raw))
        if suffix in {".md", ".markdown"}:
            text, meta = split_front_matter(text)
        else:
            text, meta = split_header_lines(text.replace("\r\n", "\n"))
    if notes is not None:
        notes.extend(f"{path}: {problem}" for problem in meta.problems)

    lines = _clean_lines(text)
    found_date, lines = _take_dateline(lines)
    body = "\n".join(lines).strip()
    if not body:
        raise LoadError(path, "has no article text once page furniture is removed")
    if len(body.split()) < MIN_WORDS:
        raise LoadError(path, f"has only {len(body.split())} word(s) of text once page furniture is removed: not an article")
    return Article(
        id=article_id(raw),
        path=str(path),
        title=meta.title or _guess_title(lines) or path.stem,
        date=meta.date or found_date,
        outlet=meta.outlet,
        url=meta.url,
        author=meta.author,
        language=language.choose(body, meta.language),
        text=body,
    )


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        bad = raw[err.start]
        raise LoadError(
            path,
            f"is not UTF-8 text (byte 0x{bad:02x} at offset {err.start}); "
            "convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8",
        ) from err


def _from_pdf(path: Path, raw: bytes) -> tuple[str, Metadata]:
    try:
        found = pdf.read(raw)
    except pdf.PdfProblem as problem:
        raise LoadError(path, str(problem)) from None
    meta = Metadata(title=found.title, date=found.date, author=found.author)
    return found.text, meta


def _from_html(path: Path, raw: bytes) -> tuple[str, Metadata]:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        text = trafilatura.extract(
            raw, include_comments=False, include_tables=True, favor_precision=True, output_format="txt"
        )
        document = trafilatura.extract_metadata(raw.decode("utf-8", errors="replace"))
    except Exception as err:  # trafilatura raises a variety of lxml errors on broken markup
        raise LoadError(path, f"HTML could not be parsed ({type(err).__name__}: {err})") from err
    if not text or not text.strip():
        raise LoadError(path, "HTML holds no main article text that could be extracted")
    return text, from_trafilatura(document)


# --------------------------------------------------------------------------- cleaning

_BOILERPLATE = re.compile(
    r"""^(?:
        please\ enter\ your\ (?:comment|name|email|e-mail)(?:\ (?:address\ )?here)?
      | you\ have\ entered\ an\ incorrect\ email\ address
      | save\ my\ name,?\ email,?\ and\ website\ in\ this\ browser.*
      | leave\ a\ (?:reply|comment)
      | recent\ (?:posts|comments|articles)
      | related\ (?:posts|articles|stories)
      | (?:most\ )?popular(?:\ posts)?
      | share\ (?:this(?:\ article)?|on\ \w+)
      | (?:log|sign)\ in\ to\ (?:comment|reply)
      | subscribe(?:\ to\ our\ newsletter)?
      | advertisement
    )[\s!.:]*$""",
    re.I | re.X,
)
_BREADCRUMB = re.compile(r"^Home\s*(?:[›»>/|]\s*)?[A-Z0-9]")


def _is_boilerplate(line: str) -> bool:
    if _BOILERPLATE.match(line):
        return True
    if _BREADCRUMB.match(line) and len(line) < 300:
        # A crumb trail ("Home › News › …") or a run of crumbs glued together and cut
        # short ("HomeBreaking NewsWhat is … Seoul warns of...").
        return bool(re.search(r"[›»>|]|/\s", line)) or line.endswith(("...", "…"))
    return False


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if _is_boilerplate(line.strip()):
            continue
        if not line.strip() and out and not out[-1].strip():
            continue  # fold runs of blank lines
        out.append(line)
    return out


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATELINE = re.compile(
    rf"""^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?
        (?:(?P<m1>{_MONTHS})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})
          |(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTHS}),?\s+(?P<y2>\d{{4}})
          |(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))
        (?:\s*[-–—|,]?\s*\d{{1,2}}[:.]\d{{2}}\s*(?:am|pm)?(?:\s*[A-Z]{{2,4}})?)?\s*$""",
    re.I | re.X,
)


def _parse_date(value: str) -> date | None:
    match = _DATELINE.match(value.strip()) if value else None
    if not match:
        return None
    if match.group("iso"):
        try:
            return date.fromisoformat(match.group("iso"))
        except ValueError:
            return None
    month = match.group("m1") or match.group("m2")
    day = match.group("d1") or match.group("d2")
    year = match.group("y1") or match.group("y2")
    try:
        return datetime.strptime(f"{year} {month} {day}", "%Y %B %d").date()
    except ValueError:
        return None


def _take_dateline(lines: list[str]) -> tuple[date | None, list[str]]:
    """A date-only line among the first few is the article's dateline: keep the date, drop the line."""
    for i, line in enumerate(lines[:5]):
        found = _parse_date(line)
        if found:
            return found, lines[:i] + lines[i + 1 :]
    return None, lines


def _guess_title(lines: list[str]) -> str | None:
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first:
        return None
    if len(first) <= 200 and not first.endswith("."):
        return first  # a headline line
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0].rstrip(".")
    return sentence if len(sentence) <= 120 else sentence[:117].rstrip() + "…"
