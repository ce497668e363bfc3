"""Group claims that say the same thing, and flag claims that contradict each other, by rule.

This is the deterministic fallback of the link step (:mod:`summarize.link.links`), and the
source of the candidate pairs the link request shows the model as hints.  Nothing here
knows a topic: claims are compared by TF-IDF cosine over their content words
(:mod:`summarize.link.similarity`).

* **same claim** — cosine of at least ``SAME_CLAIM`` with *every* member of the group,
  the same polarity, the same family of kind (reports — facts, assessments, denials —
  apart from forecasts, commitments and demands), and the same numbers.
* **contested** — an explicit denial of a matching claim: one claim denies (a denial, or
  a negation word), the other, from another article, affirms, and apart from the
  negation they say the same thing (cosine of at least ``DENIES_CLAIM``).  Forecasts,
  commitments and demands neither confirm nor contradict a report.

Each claim is read in its article's language (``ArticleRef.language``): its content words
without that language's stopwords, its negation among that language's negation words
(``summarize/lang/<code>.json``), never another language's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from summarize import lang
from summarize.text.names import vocabulary, words
from summarize.link.similarity import TermIndex, Vectors, complete_groups
from summarize.models import ArticleRef, BriefClaim, ClaimCluster
from summarize.verify import numbers

SAME_CLAIM = 0.5
DENIES_CLAIM = 0.5

_KIND_FAMILY = {"fact": "report", "assessment": "report", "denial": "report"}
"""Claims only corroborate claims of the same family: a report does not confirm a demand."""
_CONTESTABLE = {"fact", "assessment", "denial"}


def negative(claim: BriefClaim, language: str = lang.DEFAULT) -> bool:
    """A denial, or a claim holding a negation word of ``language`` (its article's)."""
    text = claim.text.lower().replace("n't", " not")
    return claim.kind == "denial" or bool(vocabulary(language, "negations") & set(words(text)))


def languages_of(items: Iterable, articles: Iterable[ArticleRef]) -> list[str]:
    """The language code of each item's article (an item with ``evidence``), English for
    an article not among ``articles``."""
    code = {a.id: a.language for a in articles}
    return [code.get(item.evidence.article_id, lang.DEFAULT) for item in items]


def _numbers(text: str) -> frozenset[float]:
    return frozenset(m.value for m in numbers.scan(text))


def claim_groups(claims: list[BriefClaim], vectors: Vectors | None = None, languages: Sequence[str] | None = None) -> list[list[int]]:
    """Indexes of claims that assert the same thing, by rule (singletons included);
    ``vectors`` are the claims' texts' when the caller has them; ``languages`` each
    claim's language code (:func:`languages_of`), English when not given."""
    codes = languages if languages is not None else [lang.DEFAULT] * len(claims)
    vectors = vectors or Vectors([c.text for c in claims], codes)
    features = [(negative(c, code), _KIND_FAMILY.get(c.kind, c.kind), _numbers(c.text)) for c, code in zip(claims, codes, strict=True)]
    return complete_groups(vectors, SAME_CLAIM, key=features.__getitem__)


def clusters_of(
    claims: list[BriefClaim], groups: list[list[int]], speaker_name: Callable[[BriefClaim], str], made_by: Callable[[str], str]
) -> list[ClaimCluster]:
    """Numbered clusters, one per group of claim indexes; ``made_by`` names who joined a
    group by its first claim's id (a claim alone is "rule")."""
    out = []
    for n, group in enumerate(groups, 1):
        grouped = [claims[i] for i in group]
        articles = list(dict.fromkeys(c.evidence.article_id for c in grouped))
        out.append(
            ClaimCluster(
                id=f"K{n}",
                text=grouped[0].text,
                claim_ids=[c.id for c in grouped],
                article_ids=articles,
                corroboration=len(articles),
                sources=list(dict.fromkeys(speaker_name(c) for c in grouped)),
                made_by=made_by(grouped[0].id) if len(group) > 1 else "rule",
            )
        )
    return out


def contested_pairs(
    claims: list[BriefClaim], vectors: Vectors | None = None, languages: Sequence[str] | None = None
) -> list[tuple[int, int, list[str]]]:
    """(report, denial, shared content words) for each explicit denial of a matching claim
    in another article, by rule; ``languages`` as for :func:`claim_groups`."""
    codes = languages if languages is not None else [lang.DEFAULT] * len(claims)
    vectors = vectors or Vectors([c.text for c in claims], codes)
    usable = [i for i, c in enumerate(claims) if c.kind in _CONTESTABLE]
    denies = {i: negative(claims[i], codes[i]) for i in usable}
    index = TermIndex()
    for i in usable:
        if not denies[i]:
            index.add(i, vectors.terms[i])
    found = []
    for i in usable:
        if not denies[i]:
            continue
        for j in sorted(index.candidates(vectors.terms[i], limit=None)):
            if claims[j].evidence.article_id != claims[i].evidence.article_id and vectors.cosine(i, j) >= DENIES_CLAIM:
                found.append((j, i, vectors.shared(i, j)))
    return found
