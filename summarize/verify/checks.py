"""Checks an answer must pass, beyond its schema.

* every quote aligns with the article text (see :mod:`summarize.verify.ground`);
* a figure's value is stated in its own quote ("8,000 people" does not support 80,000);
* a claim's speaker, a figure's source and a stance's holder are actors the answer names,
  or the outlet itself.

Problems come back as one short line per item, naming it by its place in the answer, so
that the reask tells the model exactly what to fix and costs few tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic_core import PydanticCustomError

from summarize import lang
from summarize.text.names import is_outlet, name_key
from summarize.verify import ground, numbers

KINDS = ("actors", "claims", "figures", "stances")
Problems = dict[tuple[str, int], list[str]]


def label(kind: str, item: Any) -> str:
    name = {
        "actors": lambda a: a.name,
        "claims": lambda c: c.text,
        "figures": lambda f: f"{f.value:g} {f.unit}",
        "stances": lambda s: f"{s.holder} -> {s.target}",
    }[kind](item)
    return name if len(name) <= 50 else name[:47] + "..."


def known_names(actors: Iterable[Any]) -> set[str]:
    return {name_key(n) for a in actors for n in (a.name, *a.aliases)}


def _known(name: str, known: set[str]) -> bool:
    return is_outlet(name) or name_key(name) in known


def problems(answer: Any, text: str, known: set[str] | None = None, language: str = lang.DEFAULT) -> Problems:
    """Problems per (kind, index) of a draft answer; ``known`` adds actor names from elsewhere;
    numbers are read the way the article's ``language`` writes them."""
    names = known_names(getattr(answer, "actors", [])) | (known or set())
    found: Problems = {}
    for kind in KINDS:
        for index, item in enumerate(getattr(answer, kind, [])):
            issues = []
            if ground.locate(item.quote, text) is None:
                changed = ground.refusal(item.quote, text)
                issues.append(f"quote changes the article's words: {changed}" if changed else f"quote not found in the article: {item.quote[:60]!r}")
            if kind == "figures" and not numbers.supports(item.value, item.unit, item.quote, language):
                stated = ", ".join(m.text for m in numbers.scan(item.quote, language)) or "no number"
                issues.append(f"value {item.value:g} is not what its quote states ({stated})")
            person = {"claims": "speaker", "figures": "source", "stances": "holder"}.get(kind)
            if person and not _known(getattr(item, person), names):
                issues.append(f"{person} {getattr(item, person)!r} is not in actors; use an actor's name or 'the outlet'")
            if issues:
                found[(kind, index)] = issues
    return found


def as_validation_error(found: Problems, answer: Any) -> PydanticCustomError:
    lines = [
        f"{kind}[{index}] ({label(kind, getattr(answer, kind)[index])}): {'; '.join(issues)}"
        for (kind, index), issues in sorted(found.items())
    ]
    return PydanticCustomError(
        "answer_check",
        "{count} item(s) failed checks. Fix them (quotes copied exactly from the article) or drop them:\n{lines}",
        {"count": len(lines), "lines": "\n".join(lines)},
    )


def validator(text: str, known: set[str] | None = None, language: str = lang.DEFAULT):
    """A validation-context check for the reask loop."""

    def check(answer: Any) -> None:
        found = problems(answer, text, known, language)
        if found:
            raise as_validation_error(found, answer)

    return check


def raising(find: Callable[[Any], list[str]], code: str, message: str) -> Callable[[Any], None]:
    """A validation-context check that raises the lines ``find`` returns as one validation
    error (``message`` is followed by a colon and the lines), so instructor reasks with them."""

    def check(answer: Any) -> None:
        lines = find(answer)
        if lines:
            raise PydanticCustomError(code, "{count} " + message + ":\n{lines}", {"count": len(lines), "lines": "\n".join(lines)})

    return check
