"""Group claims that say the same thing, and flag claims that contradict each other.

Deterministic and index-based: each claim is reduced to a set of *concepts* (content words
with a small synonym table: fighters, soldiers and troops are one concept; a country's
demonym, capital and name are one), and claims are only compared with claims that share
a concept, never all pairs.

* **same claim** — concept overlap (Jaccard) of at least ``SAME_CLAIM`` with at least
  three shared concepts, the same polarity, the same family of kind (reports — facts,
  assessments, denials — apart from forecasts, commitments and demands), and no
  differing numbers.
* **contested** — claims from different articles, one affirming and one denying (a
  denial, or negation words), that share at least two concepts of which at least one is
  not a name.  Forecasts, commitments and demands neither confirm nor contradict a report,
  so they are left out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

from . import gazetteer
from .models import BriefClaim, ClaimCluster, Contest
from .names import words

SAME_CLAIM = 0.4
_MAX_SHARED_BY = 200
"""A concept in more claims than this is too common to find candidates with."""
_MAX_CANDIDATES = 10
"""Groups compared with each item: those sharing the most concepts with it."""

_STOP = set(
    """a an the and or but of to in on at by for from with as is are was were be been being has have had
    will would shall should can could may might must do does did it its this that these those there their
    they them he she his her we our us you your i me my who whom which what when where why how than then
    so such very more most much many some any all each both other another into over under about after
    before between against during since until also just only still yet already last next new said says say
    according""".split()
)
_NEGATION = {"not", "never", "deny", "denies", "denied", "neither", "nor", "untrue"}
"""Words that deny a statement.  "No" is left out: "no different", "no major war since"
deny nothing."""
_LEXICON = {
    "troops": "troops soldier soldiers troop fighters fighter forces force servicemen army armies",
    "combat": "combat fighting fight fights fought front frontline battle battles battlefield",
    "casualties": "killed dead died death deaths wounded injured casualties casualty",
    "deploy": "deploy deployed deploys deployment deployments sent send dispatched",
    "missile": "missile missiles rocket rockets",
    "munitions": "shell shells munitions ammunition artillery",
    "agreement": "agreement agreements pact treaty deal",
    "sign": "signed sign signs concluded conclude",
}
_SYNONYM = {w: concept for concept, ws in _LEXICON.items() for w in ws.split()}
_DEMONYMS = {
    "north korean": "North Korea", "south korean": "South Korea", "russian": "Russia", "ukrainian": "Ukraine",
    "american": "United States", "chinese": "China", "iranian": "Iran", "japanese": "Japan", "british": "United Kingdom",
    "french": "France", "german": "Germany", "israeli": "Israel",
}  # fmt: skip
_PHRASE = re.compile(
    "|".join(
        sorted(
            [re.escape(k) for k in _DEMONYMS]
            + [re.escape(f.lower()) for c, fs in gazetteer.COUNTRIES.items() for f in (c, *fs) if len(f) > 3],
            key=len,
            reverse=True,
        )
    )
)
_NUMBER = re.compile(r"\d[\d,.]*")


@lru_cache(maxsize=1 << 16)
def concepts(text: str) -> frozenset[str]:
    """The concepts of a text; countries are marked with a leading "@"."""
    lowered = text.lower()
    places: set[str] = set()

    def place(match: re.Match) -> str:
        phrase = match.group(0)
        country = _DEMONYMS.get(phrase) or gazetteer.country_of(phrase)
        places.add(f"@{country}")
        return " "

    rest = _PHRASE.sub(place, lowered)
    found = {_SYNONYM.get(w, _stem(w)) for w in words(rest) if w not in _STOP and not w.isdigit() and len(w) > 2}
    return frozenset(found | places)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def negative(claim: BriefClaim) -> bool:
    text = claim.text.lower().replace("n't", " not")
    return claim.kind == "denial" or bool(_NEGATION & set(words(text)))


_KIND_FAMILY = {"fact": "report", "assessment": "report", "denial": "report"}
"""Claims only corroborate claims of the same family: a report does not confirm a demand."""


class _Index:
    """Concept -> ids of the items that have it, for candidate lookup."""

    def __init__(self) -> None:
        self.postings: dict[str, list[int]] = defaultdict(list)

    def add(self, index: int, keys: Iterable[str]) -> None:
        for key in keys:
            self.postings[key].append(index)

    def candidates(self, keys: Iterable[str], limit: int | None = None) -> list[int]:
        """Items sharing a key, those sharing the most first (ties: earliest first)."""
        shared: Counter[int] = Counter()
        for key in sorted(keys):
            posting = self.postings.get(key, [])
            if len(posting) <= _MAX_SHARED_BY:
                shared.update(posting)
        ranked = sorted(shared, key=lambda i: (-shared[i], i))
        return ranked[:limit] if limit else ranked


def greedy_groups(signatures: list[frozenset[str]], score: Callable[[int, int], float]) -> list[list[int]]:
    """Groups of item indexes: each item joins the best-scoring earlier group (compared with
    the group's first item, found through shared concepts), or starts its own."""
    heads: list[int] = []
    members: list[list[int]] = []
    index = _Index()
    for i, signature in enumerate(signatures):
        best, best_score = None, 0.0
        for g in index.candidates(signature, _MAX_CANDIDATES):
            value = score(i, heads[g])
            if value > best_score:
                best, best_score = g, value
        if best is None:
            heads.append(i)
            members.append([i])
            index.add(len(heads) - 1, signature)
        else:
            members[best].append(i)
    return members


def cluster_claims(claims: list[BriefClaim], speaker_name: Callable[[BriefClaim], str]) -> list[ClaimCluster]:
    signatures = [concepts(c.text) for c in claims]
    features = [(negative(c), _KIND_FAMILY.get(c.kind, c.kind), frozenset(_NUMBER.findall(c.text))) for c in claims]

    def score(i: int, j: int) -> float:
        if features[i] != features[j]:
            return 0.0  # polarity, kind family or numbers differ
        shared = len(signatures[i] & signatures[j])
        value = shared / len(signatures[i] | signatures[j]) if shared >= 3 else 0.0
        return value if value >= SAME_CLAIM else 0.0

    groups = greedy_groups(signatures, score)
    clusters = []
    for n, group in enumerate(groups, 1):
        grouped = [claims[i] for i in group]
        articles = list(dict.fromkeys(c.evidence.article_id for c in grouped))
        clusters.append(
            ClaimCluster(
                id=f"K{n}",
                text=grouped[0].text,
                claim_ids=[c.id for c in grouped],
                article_ids=articles,
                corroboration=len(articles),
                sources=list(dict.fromkeys(speaker_name(c) for c in grouped)),
            )
        )
    return clusters


_CONTESTABLE = {"fact", "assessment", "denial"}


def contests(claims: list[BriefClaim], name_words: set[str]) -> list[Contest]:
    """Pairs of claims from different articles where one denies what the other affirms."""
    usable = [(i, c) for i, c in enumerate(claims) if c.kind in _CONTESTABLE]
    sig = {i: concepts(c.text) for i, c in usable}
    denies = {i: negative(c) for i, c in usable}
    index = _Index()
    for i, c in usable:
        if not denies[i]:
            index.add(i, sig[i])
    found: list[Contest] = []
    for i, denial in usable:
        if not denies[i]:
            continue
        for j in sorted(index.candidates(sig[i], _MAX_CANDIDATES * 5)):
            report = claims[j]
            if report.evidence.article_id == denial.evidence.article_id:
                continue
            shared = sig[i] & sig[j]
            topical = {c for c in shared if not c.startswith("@") and c not in name_words}
            if len(shared) >= 2 and topical:
                pair = sorted((report, denial), key=lambda c: int(c.id[1:]))
                found.append(
                    Contest(
                        id=f"X{len(found) + 1}",
                        claim_ids=(pair[0].id, pair[1].id),
                        topic=sorted(c.lstrip("@") for c in shared),
                        reason=f"{denial.id} denies what {report.id} reports",
                    )
                )
    return found
