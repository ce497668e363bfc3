"""Rule answers: a deterministic stand-in for a model's extraction, made by simple rules.

These are **rules of the test server** (:mod:`reference_server`, ``--by-rule``), not a
model's output and not hand annotations.  They exist so that the whole tool can be run,
timed and load-tested on real articles nobody has annotated (the 2,225 BBC articles,
generated folders): for scale tests and benchmarks only.  Their content is shallow by
design; what they guarantee is the *shape* of a good answer: every item quotes the text
it was given character for character, every speaker, source and holder is one of the
answer's actors (or the outlet), and every figure's value is the number its quote states.
Served under the model name :data:`RULE_MODEL`, so a brief made from them names them.

Every function is pure (text in, answer out: same text, same answer) and fast (a few
regular expressions over the text; no lookup tables per topic).  The answers have the
format of the hand annotations in ``tests/annotations/<id>.json``::

    {"actors": [...], "claims": [...], "figures": [...], "stances": [...]}

The rules (English function words and the language data of :mod:`summarize.lang`: stop
words, titles, months, weekdays; nothing about any topic):

* **actors**: runs of two to four capitalised words ("Time Warner", "Bank of England"),
  with a leading capitalised function word dropped ("But", "The") and leading title words
  kept as the ``role`` when two or more words remain ("Home Secretary Charles Clarke" ->
  "Charles Clarke", role "Home Secretary"); and single capitalised words named two or more
  times mid-sentence ("Google").  A single word (or title + word: "Mr Parsons") that is the
  last word of exactly one two-word name becomes that name's alias.  Kind: ``person`` for
  a two-word name (or one with a title), ``organisation`` otherwise.  Quote: the name as
  it occurs.  At most :data:`MAX_ACTORS`, most often named first (every speaker and holder
  the other items name is kept).
* **claims**: sentences with a reporting verb ("said", "says", "told", "added",
  "according to" and a few more); ``speaker`` the actor named right after the verb ("...,
  said Mr Brown."), or just before it (:data:`SPEAKER_WORDS`), or opening the sentence,
  else the outlet; ``text`` and ``quote`` the sentence.
  At most :data:`MAX_CLAIMS`, in text order.
* **figures**: numbers written in digits ("8,000", "1.2", "£1.2bn", "$900m", "5%",
  "30 million", "5 per cent") or spelled out ("two", "twenty-seven million"; not "one",
  mostly a pronoun), not years (a bare 1800-2100), days of a date ("31 December"), clock
  times or decades; value with its scale (``£1.2bn`` -> 1200000000,
  unit ``GBP``; ``5%`` -> 5, unit ``percent``; else the next word as the unit, or
  ``count``); ``bound`` from the words just before ("more than", "about"...); source the
  outlet; quote a few words either side, inside the sentence.  At most :data:`MAX_FIGURES`
  in an extraction answer; a gleaning answer (:func:`gleaning`) gives the listed numbers.
* **stances**: a sentence where an actor is followed by a verb of support ("backed",
  "welcomed"...) or opposition ("criticised", "rejected"...) and then another actor: the
  first actor's stance on the second.  At most :data:`MAX_STANCES`.
* **links** (:func:`links`): the candidate links the link request lists as hints (the
  tool's own rules found them), as they are; none when it lists none.
* **summary** (:func:`summary`): one sentence per story of the summary request: the first
  claim of one of its key actors, as the request words it, citing that claim (the tool
  checks that a sentence's names and numbers are its cited items'); no headlines.

The server fits an answer into the request's ``max_tokens`` by leaving items out (rules do
not run past a limit and get cut off, as a model can).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from decimal import Decimal

from summarize import lang
from summarize.models import OUTLET

RULE_MODEL = "reference-rules"
"""The model name rule answers are served under (and a brief made from them shows)."""
MAX_ACTORS = 12
MAX_CLAIMS = 8
MAX_FIGURES = 10
MAX_STANCES = 4
MAX_GLEANED = 60
SPEAKER_WORDS = 2
"""Words between an actor's name and the reporting verb after it, at most, for the actor to
be the speaker ("an IAAF spokesman said")."""
MAX_CLAIM_WORDS = 70
"""Longer "sentences" are run-on text (a list, a table): not a claim."""
FIGURE_CONTEXT_WORDS = 4

_LANG = lang.load()
_STOP = _LANG.stopwords
_TITLES = _LANG.titles
_CALENDAR = frozenset(_LANG.months) | frozenset(_LANG.weekdays)
_CONNECTORS = frozenset({"of", "for", "de", "da", "di", "del", "du", "van", "von", "der", "den", "le", "la"})
"""Lower-case words that may sit inside a name ("Bank of England", "Ludwig van Beethoven")."""

_REPORTING = re.compile(
    r"\b(said|says|say|told|added|according to|warned|warns|claimed|insisted|insists|insist|argued|argues|denied|denies|admitted|announced)\b",
    re.I,
)
_CLAIM_KIND = {"denied": "denial", "denies": "denial", "warned": "forecast", "announced": "fact"}
_HEDGES = frozenset({"may", "might", "could", "likely", "possibly", "probably", "appears", "seems", "perhaps"})
_SUPPORT = frozenset({"backed", "backs", "supported", "supports", "welcomed", "welcomes", "praised", "praises", "endorsed", "endorses"})
_OPPOSE = frozenset(
    {"opposed", "opposes", "criticised", "criticises", "criticized", "criticizes", "condemned", "condemns",
     "rejected", "rejects", "attacked", "attacks", "blamed", "blames", "accused", "accuses"}
)  # fmt: skip
_BOUNDS = (
    (re.compile(r"\b(?:more than|over|above|upwards of)\s+$", re.I), "more_than"),
    (re.compile(r"\b(?:less than|fewer than|under|below)\s+$", re.I), "less_than"),
    (re.compile(r"\bat least\s+$", re.I), "at_least"),
    (re.compile(r"\b(?:up to|at most)\s+$", re.I), "at_most"),
    (re.compile(r"\b(?:about|around|some|nearly|almost|roughly|approximately|estimated|circa)\s+$", re.I), "approximate"),
)

_WORD = re.compile(r"[^\W\d_](?:[\w&]|['’.-](?=[^\W_]))*")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*(?=\s+[\"'“‘(]?[^\W_a-z])")
_OPENERS = "\"'“‘(:;–—-"

_CURRENCY = {"$": "USD", "US$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY"}
_CURRENCY_WORDS = {"dollars": "USD", "pounds": "GBP", "euros": "EUR"}
_SCALES = {
    "k": 1_000, "thousand": 1_000, "hundred": 100, "m": 1_000_000, "million": 1_000_000,
    "bn": 1_000_000_000, "billion": 1_000_000_000, "tn": 1_000_000_000_000, "trillion": 1_000_000_000_000,
}  # fmt: skip
_NUMBERS = _LANG.numbers
_UNITS = {w: int(v) for w, v in _NUMBERS["units"].items()}
"""Spelled numbers ("two", "nineteen"): not "one", far more often a pronoun than a count."""
_TENS = {w: int(v) for w, v in _NUMBERS["tens"].items()}
_ONES = {_NUMBERS["one"]: 1, **{w: v for w, v in _UNITS.items() if 2 <= v <= 9}}


def _either(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


_NUMBER = re.compile(
    rf"""(?<![\w.,])
    (?:(?P<cur>US\$|[$£€¥])?\s?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)
      |(?P<spelled>(?i:(?:{_either(_TENS)})(?:[- ](?:{_either(_ONES)}))?|{_either(_UNITS)})))
    (?:(?<=\d)(?P<suffix>(?i:bn|tn|m|k))(?!\w)|\s?(?P<scale>(?i:million|billion|trillion|thousand|hundred|bn))(?!\w))?
    (?:(?P<pct>\s?%|\s(?i:per\s?cent|percent)(?!\w))|\s(?P<curword>(?i:dollars|pounds|euros))(?!\w))?
    (?![\w])""",
    re.X,
)
_MONTH_BEFORE = re.compile(r"(?:" + "|".join(_LANG.months) + r")\s*$", re.I)
_MONTH_AFTER = re.compile(r"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + "|".join(_LANG.months) + r")\b", re.I)


# --------------------------------------------------------------------------- sentences


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: lines split at a full stop, "!" or "?" (closing quotes
    kept) followed by a capital, a digit or an opening quote; not after a title ("Mr.") or
    an initial ("J.")."""
    out = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end in _SENTENCE_END.finditer(text, line.start(), line.end()):
            before = re.search(r"(\w+)$", text[start : end.start()])
            word = before.group(1) if before else ""
            if text[end.start()] == "." and end.group(0) == "." and (len(word) == 1 or word.casefold() in _TITLES):
                continue
            out.append((start, end.end()))
            start = end.end()
            while start < line.end() and text[start].isspace():
                start += 1
        if start < line.end():
            out.append((start, line.end()))
    return [(s, _rstrip(text, s, e)) for s, e in out if text[s:e].strip()]


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


# --------------------------------------------------------------------------- actors


def _capitalised(word: str) -> bool:
    return word[0].isupper() and len(word) > 1


def _title_case_stopword(word: str) -> bool:
    """A function word capitalised at a sentence start ("The", "But"), not an acronym ("US")."""
    return word.casefold() in _STOP and not word.isupper()


class _Candidate:
    __slots__ = ("name", "role", "words", "first", "mid")

    def __init__(self, name: str, role: str | None, words: int, first: int):
        self.name, self.role, self.words, self.first = name, role, words, first
        self.mid = 0
        """Times named mid-sentence (not as a sentence's first word)."""


def _runs(text: str, start: int, end: int):
    """(tokens, sentence-initial) of each run of capitalised words in one sentence; a token
    is (start, end, word, possessive)."""
    tokens = []
    for m in _WORD.finditer(text, start, end):
        word, w_end = m.group(0), m.end()
        possessive = _POSSESSIVE.search(word)
        if possessive:
            w_end -= len(possessive.group(0))
            word = word[: -len(possessive.group(0))]
        tokens.append((m.start(), w_end, word, bool(possessive)))
    i = 0
    while i < len(tokens):
        s, e, word, possessive = tokens[i]
        if not _capitalised(word) or word.casefold() in _CALENDAR:
            i += 1
            continue
        initial = not text[start:s].strip(_OPENERS + " ")
        run = [tokens[i]]
        j = i + 1
        while not run[-1][3] and j < len(tokens):
            gap = text[run[-1][1] : tokens[j][0]]
            nxt = tokens[j][2]
            if gap == " " and _capitalised(nxt) and nxt.casefold() not in _CALENDAR:
                run.append(tokens[j])
                j += 1
                continue
            # a connector ("of", "of the") between two capitalised words
            k, ok = j, gap == " " and nxt in _CONNECTORS
            if ok and k + 1 < len(tokens) and tokens[k + 1][2] == "the" and text[tokens[k][1] : tokens[k + 1][0]] == " ":
                k += 1
            if ok and k + 1 < len(tokens) and text[tokens[k][1] : tokens[k + 1][0]] == " ":
                after = tokens[k + 1][2]
                if _capitalised(after) and after.casefold() not in _CALENDAR:
                    run.extend(tokens[j : k + 2])
                    j = k + 2
                    continue
            break
        i = j
        # a capitalised function word leading the run is the sentence's, not the name's
        while run and _title_case_stopword(run[0][2]):
            run.pop(0)
            initial = False
        if run:
            yield run, initial


def _is_title(word: str) -> bool:
    return word.casefold() in _TITLES


def _candidates(text: str, spans: list[tuple[int, int]]) -> dict[str, _Candidate]:
    found: dict[str, _Candidate] = {}
    for s_start, s_end in spans:
        for run, initial in _runs(text, s_start, s_end):
            caps = [t for t in run if _capitalised(t[2])]
            if len(caps) > 4 or all(_is_title(t[2]) for t in caps):
                continue  # a title alone ("Prime Minister") is a role, not a name
            role = None
            title_at = max((n for n, t in enumerate(run) if _is_title(t[2])), default=-1)
            rest = run[title_at + 1 :]
            if title_at >= 0 and len([t for t in rest if _capitalised(t[2])]) >= 2 and _capitalised(rest[0][2]):
                role = text[run[0][0] : run[title_at][1]]
                run, caps = rest, [t for t in rest if _capitalised(t[2])]
            if len(caps) == 1 and (len(run) > 1 or len(caps[0][2]) < 2 or caps[0][2].casefold() in _STOP):
                continue
            name = text[run[0][0] : run[-1][1]]
            candidate = found.get(name)
            if candidate is None:
                candidate = found[name] = _Candidate(name, role, len(caps), run[0][0])
            candidate.role = candidate.role or role
            if not initial:
                candidate.mid += 1
    return found


def _named(text: str, forms: dict[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, owner) of every whole-word occurrence of a form, in one pass (a longer
    form wins over a shorter one it contains: "Time Warner" over "Warner")."""
    if not forms:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + _either(forms) + r")(?!\w)")
    return [(m.start(), m.end(), forms[m.group(0)]) for m in pattern.finditer(text)]


def actor_candidates(text: str, spans: list[tuple[int, int]] | None = None) -> list[dict]:
    """Every actor the rules find, most often named first (not cut to ``MAX_ACTORS``)."""
    found = _candidates(text, sentences(text) if spans is None else spans)

    def titled(name: str) -> bool:  # "Mr Parsons", "President Bush"
        words = name.split(" ")
        return len(words) == 2 and _is_title(words[0])

    def two_word_person(c: _Candidate) -> bool:
        words = c.name.split(" ")
        return c.words == 2 and len(words) == 2 and not titled(c.name) and not any(w.isupper() for w in words)

    owners: dict[str, list[str]] = {}
    for c in found.values():
        if two_word_person(c):
            owners.setdefault(c.name.split(" ")[-1], []).append(c.name)
    aliases: dict[str, list[str]] = {}
    merged: set[str] = set()
    for c in found.values():
        if c.words == 1 or titled(c.name):
            names = owners.get(c.name.split(" ")[-1], [])
            if len(names) == 1:
                aliases.setdefault(names[0], []).append(c.name)
                merged.add(c.name)

    kept = [c for name, c in found.items() if not (name in merged or (c.words == 1 and " " not in name and c.mid < 2))]
    # (an alias of a name; a single word named fewer than twice mid-sentence: not actors)
    forms = {form: c.name for c in kept for form in (c.name, *aliases.get(c.name, []))}
    times = Counter(owner for _, _, owner in _named(text, forms))
    out = []
    for c in kept:
        name = c.name
        person = two_word_person(c) or titled(name) or c.role is not None
        actor = {
            "name": name,
            "aliases": aliases.get(name, []),
            "kind": "person" if person else "organisation",
            "role": c.role,
            "quote": name,
        }
        out.append((-times[name], c.first, actor))
    out.sort(key=lambda t: (t[0], t[1]))
    return [a for _, _, a in out]


class _Mentions:
    """Where each actor is named in the text, by sentence."""

    def __init__(self, text: str, actors: list[dict]):
        forms: dict[str, str] = {}
        for actor in actors:
            for form in (actor["name"], *actor["aliases"]):
                forms.setdefault(form, actor["name"])
        self._found = _named(text, forms)
        self._starts = [m[0] for m in self._found]

    def within(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """(start, end, actor name) of every actor named inside text[start:end], in order."""
        lo = bisect_left(self._starts, start)
        hi = bisect_left(self._starts, end)
        return [m for m in self._found[lo:hi] if m[1] <= end]


# --------------------------------------------------------------------------- claims, stances


def _words(text: str) -> int:
    """Words in ``text`` (runs of letters or digits; punctuation alone is none)."""
    return len(re.findall(r"\w+", text))


def _nearest(text: str, mentions: list[tuple[int, int, str]], at: int, words: int) -> str | None:
    """The actor named last before ``at``, with at most ``words`` words between."""
    before = [m for m in mentions if m[1] <= at and _words(text[m[1] : at]) <= words]
    return before[-1][2] if before else None


def _speaker(text: str, mentions: list[tuple[int, int, str]], verb: re.Match, start: int, end: int) -> str | None:
    """Who a reporting verb attributes the sentence to: the actor named right after it
    closing the clause ("..., said Mr Brown." / "according to Ofcom,"); else the actor named
    just before it ("Ofcom said", "an IAAF spokesman said"); else the actor the sentence
    opens with, its subject ("Ms Okafor criticised Almar Holdings and said ...")."""
    v_start, v_end = start + verb.start(), start + verb.end()
    for m_start, m_end, name in mentions:
        if m_start >= v_end and re.fullmatch(r"\s+(?:the\s+)?", text[v_end:m_start]):
            if m_end >= end or text[m_end] in ",.;:!?" or verb.group(1).casefold() == "according to":
                return name
    near = _nearest(text, mentions, v_start, SPEAKER_WORDS)
    if near:
        return near
    opening = mentions[0] if mentions else None
    if opening and opening[1] <= v_start and _words(text[start : opening[0]]) <= 1:
        return opening[2]
    return None


def _claims(text: str, spans: list[tuple[int, int]], named: _Mentions) -> list[dict]:
    out = []
    for start, end in spans:
        sentence = text[start:end]
        verb = _REPORTING.search(sentence)
        words = sentence.split()
        if not verb or not 4 <= len(words) <= MAX_CLAIM_WORDS:
            continue
        mentions = named.within(start, end)
        speaker = _speaker(text, mentions, verb, start, end) or OUTLET
        folded = {w.strip(".,;:!?\"'“”‘’()").casefold() for w in words}
        kind = _CLAIM_KIND.get(verb.group(1).casefold()) or ("forecast" if folded & _LANG.future_markers else "fact")
        out.append(
            {
                "text": " ".join(words),
                "speaker": speaker,
                "kind": kind,
                "hedged": bool(folded & _HEDGES),
                "quote": sentence,
            }
        )
        if len(out) == MAX_CLAIMS:
            break
    return out


def _stances(text: str, spans: list[tuple[int, int]], named: _Mentions) -> list[dict]:
    out = []
    for start, end in spans:
        mentions = named.within(start, end)
        if len(mentions) < 2:
            continue
        for verb in re.finditer(r"\b[a-z]+\b", text[start:end]):
            word = verb.group(0)
            if word not in _SUPPORT and word not in _OPPOSE:
                continue
            at = start + verb.start()
            holder = _nearest(text, mentions, at, 6)
            target = next((m[2] for m in mentions if m[0] >= start + verb.end() and m[2] != holder), None)
            if holder and target:
                out.append(
                    {
                        "holder": holder,
                        "target": target,
                        "target_kind": "actor",
                        "polarity": "support" if word in _SUPPORT else "oppose",
                        "quote": text[start:end],
                    }
                )
                break
        if len(out) == MAX_STANCES:
            break
    return out


# --------------------------------------------------------------------------- figures


def _spelled(words: str) -> int:
    parts = re.split(r"[- ]", words.casefold())
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_ONES[parts[1]] if len(parts) > 1 else 0)
    return _UNITS[parts[0]]


def _value(m: re.Match) -> float:
    number = Decimal(_spelled(m.group("spelled")) if m.group("spelled") else m.group("num").replace(",", ""))
    scale = m.group("suffix") or m.group("scale")
    if scale:
        number *= _SCALES[scale.lower()]
    return float(number)


def _is_date_or_time(text: str, m: re.Match) -> bool:
    if m.group("spelled") or m.group("cur") or m.group("suffix") or m.group("scale") or m.group("pct") or m.group("curword"):
        return False
    raw, start, end = m.group("num"), m.start("num"), m.end("num")
    if text[end : end + 1] == ":" or text[max(0, start - 1) : start] == ":":
        return True  # 4:50
    if re.fullmatch(r"\d{4}", raw) and 1800 <= int(raw) <= 2100:
        return True  # a year
    return bool(_MONTH_BEFORE.search(text[max(0, start - 12) : start]) or _MONTH_AFTER.match(text[end : end + 12]))


def _words_span(text: str, lo: int, hi: int, at: int, end: int, before: int, after: int) -> tuple[int, int]:
    """The span from ``before`` words before ``at`` to ``after`` words after ``end``, inside [lo, hi)."""
    starts = [m.start() for m in re.finditer(r"\S+", text[lo:at])][-before:] if before else []
    ends = [m.end() for m in re.finditer(r"\S+", text[end:hi])][:after] if after else []
    s = lo + starts[0] if starts else at
    e = end + ends[-1] if ends else end
    return s, e


def _unit(text: str, m: re.Match, hi: int) -> str:
    if m.group("pct"):
        return "percent"
    currency = m.group("cur") or m.group("curword")
    if currency:
        return _CURRENCY.get(currency) or _CURRENCY_WORDS[currency.casefold()]
    following = re.match(r"\s+([a-z][a-z-]*)\b", text[m.end() : hi])
    if following and following.group(1) not in _STOP:
        return following.group(1)
    return "count"


def _counts(text: str, lo: int, hi: int, m: re.Match, unit: str) -> str:
    """What a number counts, in a few words: the words before it (no other numbers), and
    the noun after it."""
    at = max(lo, m.start() - 60)
    before = text[at : m.start()].split()[(0 if at == lo or text[at - 1].isspace() else 1) :]
    before = [w.strip(".,;:!?()[]\"'“”‘’") for w in before]
    words = [w for w in before if w and not any(ch.isdigit() for ch in w)][-3:]
    if unit not in ("percent", "count") and unit.isalpha() and unit.islower():
        words.append(unit)
    if not words:
        words = [w.strip(".,;:!?()\"'“”‘’") for w in text[m.end() : hi].split()[:3]]
    return " ".join(w for w in words if w) or "the number stated"


def _bound(text: str, lo: int, at: int) -> str:
    before = text[max(lo, at - 24) : at]
    return next((bound for pattern, bound in _BOUNDS if pattern.search(before)), "exact")


def number_figures(text: str, spans: list[tuple[int, int]] | None = None) -> list[dict]:
    """A figure for every number the rules read in ``text``, in text order."""
    out = []
    for start, end in sentences(text) if spans is None else spans:
        for m in _NUMBER.finditer(text, start, end):
            if _is_date_or_time(text, m):
                continue
            q_start, q_end = _words_span(text, start, end, m.start(), m.end(), FIGURE_CONTEXT_WORDS, FIGURE_CONTEXT_WORDS)
            unit = _unit(text, m, end)
            out.append(
                {
                    "value": _value(m),
                    "unit": unit,
                    "counts": _counts(text, start, end, m, unit),
                    "bound": _bound(text, start, m.start()),
                    "source": OUTLET,
                    "applies_to": None,
                    "quote": text[q_start:q_end],
                    "_number": m.group(0).strip(),
                }
            )
    return out


def _public(figure: dict) -> dict:
    return {k: v for k, v in figure.items() if not k.startswith("_")}


# --------------------------------------------------------------------------- answers


def answer(text: str) -> dict:
    """The rule answer to an extraction request for ``text`` (an article or a part of one)."""
    spans = sentences(text)
    candidates = actor_candidates(text, spans)
    named = _Mentions(text, candidates)
    claims = _claims(text, spans, named)
    stances = _stances(text, spans, named)
    needed = {c["speaker"] for c in claims} | {s["holder"] for s in stances} | {s["target"] for s in stances}
    actors = [a for a in candidates if a["name"] in needed]
    actors += [a for a in candidates if a["name"] not in needed][: max(0, MAX_ACTORS - len(actors))]
    order = {a["name"]: n for n, a in enumerate(candidates)}
    actors.sort(key=lambda a: order[a["name"]])
    figures = [_public(f) for f in number_figures(text, spans)[:MAX_FIGURES]]
    return {"actors": actors, "claims": claims, "figures": figures, "stances": stances}


_LISTED = re.compile(r"^- (['\"])(.+?)\1 in “", re.M)


def listed_numbers(numbers_block: str) -> list[str]:
    """The numbers a gleaning request lists (``- '8,000' in “…context…”``)."""
    return [m.group(2) for m in _LISTED.finditer(numbers_block)]


def gleaning(text: str, listed: list[str]) -> dict:
    """The rule answer to a gleaning request: a figure for each listed number the rules
    read in ``text`` (the passages the request shows)."""
    wanted = {_plain(n) for n in listed}
    figures = [_public(f) for f in number_figures(text) if _plain(f["_number"]) in wanted]
    return {"figures": figures[:MAX_GLEANED]}


def _plain(number: str) -> str:
    return "".join(number.split()).casefold()


# --------------------------------------------------------------------------- links, summary


_HINT = re.compile(r"^- (same claim|contradiction|same quantity|one issue): ([A-Z]\d+(?:, [A-Z]\d+)*)$", re.M)


def links(prompt: str = "", items: list[dict] | None = None) -> dict:
    """The rule answer to a link request: the candidate links the request itself lists as
    hints (found by the tool's own rules), taken as they are; no actor groups (no hint
    names any).  A request with no hints gets an answer that links nothing.  ``items``: the
    story's items (the request's JSON), for a figure group's quantity and an issue's name."""
    answer: dict = {"actor_groups": [], "claim_groups": [], "contradictions": [], "figure_groups": [], "issues": []}
    by_id = {item["id"]: item for item in items or []}
    for what, listed in _HINT.findall(prompt.split("<story ", 1)[0]):
        ids = listed.split(", ")
        if what == "same claim":
            answer["claim_groups"].append({"ids": ids, "note": "the same claim (a candidate the request lists)"})
        elif what == "contradiction":
            answer["contradictions"].append({"ids": ids, "reason": f"{ids[1]} denies what {ids[0]} reports (a candidate the request lists)"})
        elif what == "same quantity":
            text = str(by_id.get(ids[0], {}).get("text", ""))
            answer["figure_groups"].append({"ids": ids, "quantity": text.split(": ", 1)[-1] or "one quantity"})
        else:
            answer["issues"].append({"issue": str(by_id.get(ids[0], {}).get("target") or "one issue"), "stance_ids": ids})
    return answer


_SENTENCES = re.compile(r"in (\d+) sentences or fewer")
_ACTOR_LINE = re.compile(r"^(A\d+) actor: (.+) \([a-z]+(?:;[^)]*)?\)$", re.M)
_CLAIM_LINE = re.compile(r"^(C\d+) claim by (.+?): ", re.M)
_STORY_LINE = re.compile(
    r"^(ST\d+) story \((\d+) articles?; its most central article's title: (.*)\): key actors ?([A\d, ]*?)"
    r"(?:; claim groups ([K\d, ]+?))?(?:; contested ([X\d, ]+?))?(?:; figure comparisons ([G\d, ]+?))?$",
    re.M,
)


def _ids(listed: str | None) -> list[str]:
    return [i for i in re.split(r"[,\s]+", listed or "") if i]


def summary(prompt: str) -> dict:
    """The rule answer to a summary request: one sentence per story (as many as the request
    allows), the first claim of one of its key actors as the request words it, citing that
    claim; when the request lists no story, the first claims as they are.  No headlines:
    the tool shows a summary's headlines as the model's."""
    found = _SENTENCES.search(prompt)
    most = int(found.group(1)) if found else 6
    names = {m.group(1): m.group(2) for m in _ACTOR_LINE.finditer(prompt)}
    claims_by: dict[str, str] = {}
    for m in _CLAIM_LINE.finditer(prompt):
        claims_by.setdefault(m.group(2), m.group(1))
    said = {m.group(1): m.group(3) for m in re.finditer(r"^(C\d+) claim by (.+?): (.+)$", prompt, re.M)}
    sentences = []
    for m in _STORY_LINE.finditer(prompt):
        actors = _ids(m.group(4))
        claim = next((claims_by[names[a]] for a in actors if names.get(a) in claims_by), None)
        if claim and claim in said:
            # The claim as the sentence: every name and number in it is its cited item's.
            sentences.append({"text": said[claim], "cites": [claim]})
        if len(sentences) == most:
            break
    if not sentences:
        for m in re.finditer(r"^(C\d+) claim by (.+?): (.+)$", prompt, re.M):
            sentences.append({"text": m.group(3), "cites": [m.group(1)]})
            if len(sentences) == most:
                break
    return {"sentences": sentences, "headlines": []}
