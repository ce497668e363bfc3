"""Render the prompt templates in ``prompts/`` into chat messages.

Templates run in Jinja's sandbox (an article is untrusted text) with strict undefined
variables.  Each template has a ``system`` and a ``user`` block and sets ``version``.
Untrusted text sits inside fences (``<article>``, ``<numbers>``, ``<brief>``: every tag a
template closes); every value a template prints has any tag that could open or close a
fence neutralised, in any case.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from summarize.models import OUTLET, Article
from summarize.resources import data_dir


@dataclass(frozen=True)
class Prompt:
    version: str
    messages: list[dict[str, str]]


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(data_dir("prompts"))),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        finalize=lambda value: _fence(value) if isinstance(value, str) else value,
    )


_VERSION = re.compile(r"""\{%-?\s*set\s+version\s*=\s*["']([^"']+)["']""")


@lru_cache(maxsize=None)
def template_version(template_name: str) -> str:
    """The version a template declares with ``{% set version = "..." %}``."""
    source = _environment().loader.get_source(_environment(), template_name)[0]
    found = _VERSION.search(source)
    if not found:
        raise ValueError(f"prompts/{template_name} declares no version")
    return found.group(1)


@lru_cache(maxsize=None)
def template_hash(template_name: str) -> str:
    """A digest of a template's whole source: any edit changes it, declared version or not."""
    source = _environment().loader.get_source(_environment(), template_name)[0]
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def render(template_name: str, **variables: Any) -> Prompt:
    template = _environment().get_template(template_name)
    context = template.new_context(variables)
    messages = [
        {"role": role, "content": "".join(template.blocks[role](context)).strip()}
        for role in ("system", "user")
    ]
    return Prompt(version=template_version(template_name), messages=messages)


@lru_cache(maxsize=1)
def _fences() -> re.Pattern[str]:
    """Any tag naming a fence that some template closes (``</article>`` and the like)."""
    env = _environment()
    names = {
        name.lower()
        for template in env.loader.list_templates()
        for name in re.findall(r"</\s*([A-Za-z][\w-]*)\s*>", env.loader.get_source(env, template)[0])
    }
    return re.compile(r"<(\s*/?\s*)(" + ("|".join(sorted(map(re.escape, names))) or "(?!)") + r")\b", re.I)


def _fence(text: str) -> str:
    """``text`` with every tag naming a fence broken (``</ARTICLE>`` -> ``</ ARTICLE>``), so
    that text inside a fence can neither close it nor open another."""
    return _fences().sub(lambda m: "<" + m.group(1).replace(" ", "") + " " + m.group(2), text)


def extraction_prompt(article: Article, text: str | None = None, part: tuple[int, int] | None = None) -> Prompt:
    """The extraction request for ``article``, or for one part of it (``text`` starting at
    character ``part[0]``, one of ``part[1]`` parts)."""
    return render(
        "extract.j2",
        article=article,
        article_text=_fence(article.text if text is None else text),
        part=part,
        outlet=OUTLET,
    )


def gleaning_prompt(article: Article, missing: list[str], passages: str | None = None) -> Prompt:
    """Ask for figures for the listed numbers, which an earlier answer left out, showing
    ``passages`` of the article (default: all of it)."""
    text = article.text if passages is None else passages
    return render("glean.j2", article=article, article_text=_fence(text), missing=missing, outlet=OUTLET, excerpt=passages is not None)


def summary_prompt(brief, sentences: int = 6) -> Prompt:
    """Ask for a cited executive summary of a merged brief."""
    from summarize.lang.units import quantity  # the brief's own way of writing a figure

    names = {a.id: a.name for a in brief.actors}
    language = {a.id: a.language for a in brief.articles}
    return render(
        "summary.j2",
        brief=brief,
        article_ids=sorted(a.id for a in brief.articles),
        sentences=sentences,
        speaker=lambda c: names.get(c.speaker_id or "", c.speaker),
        source=lambda f: names.get(f.source_id or "", f.source),
        holder=lambda s: names.get(s.holder_id or "", s.holder),
        value=lambda f: quantity(f.value, f.unit, f.bound, language.get(f.evidence.article_id, "en")),
    )


def link_prompt(article_ids: list[str], items: list[dict], hints: list[str]) -> Prompt:
    """Ask which of a story's grounded items are one entity, claim, quantity or issue.

    The items go as JSON with ``<``, ``>`` and ``&`` escaped, so no text from an article
    can close the ``<story>`` fence."""
    items_json = json.dumps(items, ensure_ascii=False, indent=1)
    items_json = items_json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return render("link.j2", article_ids=sorted(article_ids), items_json=items_json, hints=hints)
