"""A quantity as people write it: "£2.4bn", "$9.4bn", "5%", "1 decade", "at most 1 year",
"1.2 million passengers", "16,500 votes".

Everything comes from the language data files: which units are money (currency codes,
words and symbols) and the symbol to write for each, the words for "percent", the scale
words and suffixes ("million", "bn"), and how a plural unit reads in the singular.  The
brief is written in English, so the amount is written the English way (commas, "bn"); a
unit word is put in the singular by the rules of the figure's own language.
"""

from __future__ import annotations

from functools import lru_cache

from summarize import lang

BOUND_WORDS = {
    "exact": "",
    "approximate": "about ",
    "more_than": "more than ",
    "less_than": "less than ",
    "at_least": "at least ",
    "at_most": "at most ",
}


def plain(value: float) -> str:
    """16500 -> '16,500'; 2.5 -> '2.5' (two decimals at most)."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=None)
def _scales(words: bool) -> tuple[tuple[float, str], ...]:
    """The English data's scales of a million and more, largest first: suffixes ("m",
    "bn") for money, words ("million") for everything else."""
    numbers = lang.load(lang.DEFAULT).numbers
    source = numbers["scales"] if words else numbers["suffixes"]
    best: dict[float, str] = {}
    for name, value in source.items():
        if value >= 1e6 and name.isalpha():
            kept = best.get(value)
            # words: the full word ("billion", not "bn"); suffixes: the shortest ("m")
            if kept is None or (len(name) > len(kept) if words else len(name) < len(kept)):
                best[value] = name
    return tuple(sorted(best.items(), reverse=True))


def amount(value: float, bound: str = "exact", words: bool = False) -> str:
    """A value as a reader writes it: 2,100,000,000 -> '2.1bn' (``words``: '2.1 billion'),
    1,400,000 -> '1.4m', 16,500 -> '16,500'.  Only values that the short form states
    exactly (two decimals at most) are shortened."""
    text = None
    for scale, name in _scales(words):
        if abs(value) >= scale and round(value / scale, 2) * scale == value:
            text = f"{value / scale:g}{' ' if words else ''}{name}"
            break
    return BOUND_WORDS.get(bound, "") + (text if text is not None else plain(value))


def _folded(text: str) -> str:
    return " ".join(lang.fold(text).split())


def currency(unit: str, language: str = lang.DEFAULT) -> str | None:
    """The currency code ``unit`` names ("GBP", "pounds", "£", "US dollars"), in its
    language or English, or None when it is no currency."""
    folded = _folded(unit)
    if not folded:
        return None
    for code in dict.fromkeys((language, lang.DEFAULT)):
        data = lang.load(code)
        if folded.upper() in data.currency_codes:
            return folded.upper()
        words = {lang.fold(w): c for w, c in data.currency_words.items()}
        found = data.currency_symbols.get(unit.strip()) or words.get(folded) or words.get(folded.split(" ")[-1])
        if found:
            return found
    return None


def symbol(code: str) -> str | None:
    """The shortest symbol the English data gives for a currency code ('£' for GBP)."""
    found = [s for s, c in lang.load(lang.DEFAULT).currency_symbols.items() if c == code]
    return min(found, key=len) if found else None


def is_percent(unit: str, language: str = lang.DEFAULT) -> bool:
    folded = _folded(unit)
    words = {"%"} | {_folded(w) for code in dict.fromkeys((language, lang.DEFAULT)) for w in lang.load(code).numbers["percent"]}
    return folded in words


def singular(word: str, language: str = lang.DEFAULT) -> str:
    """``word`` in the singular by the language's rules ('decades' -> 'decade', 'MPs' ->
    'MP', 'people' -> 'person'); a word the rules do not know is left as it is."""
    rules = lang.load(language).plurals
    folded = lang.fold(word)
    if not rules or not word.isalpha() or folded in rules.get("unchanged", ()):
        return word
    irregular = rules.get("irregular", {})
    if folded in irregular:
        return _same_case(word, irregular[folded])
    if any(folded.endswith(e) for e in rules.get("keep_endings", ())):
        return word
    for plural, single in rules.get("suffixes", ()):
        if folded.endswith(plural) and len(folded) > len(plural):
            return word[: len(word) - len(plural)] + single
    return word


def _same_case(like: str, word: str) -> str:
    if like.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def one_of(unit: str, language: str = lang.DEFAULT) -> str:
    """A unit as it reads after "1": its head word in the singular ("decades" -> "decade",
    "cups of tea" -> "cup of tea", "percentage points" ->
    "percentage point"): the last word before the first stopword, else the last word."""
    words = unit.split()
    if not words:
        return unit
    stop = lang.load(language).stopwords
    head = len(words) - 1
    for i, w in enumerate(words[1:], 1):
        if lang.fold(w) in stop:
            head = i - 1
            break
    words[head] = singular(words[head], language)
    return " ".join(words)


def quantity(value: float, unit: str, bound: str = "exact", language: str = lang.DEFAULT) -> str:
    """The value with its unit, as people write it: money with its currency's symbol before
    a short amount ('at most £2.4bn'; a currency without a symbol: 'CHF 30m'), a percentage
    with '%' ('5%'), any other unit after the amount, in the singular after 1 ('1 decade',
    'at most 1 year', '1.2 million passengers')."""
    bound_words = BOUND_WORDS.get(bound, "")
    code = currency(unit, language) if unit else None
    if code:
        sign = symbol(code)
        short = amount(value)
        return f"{bound_words}{sign}{short}" if sign else f"{bound_words}{code} {short}"
    if unit and is_percent(unit, language):
        return f"{bound_words}{plain(value)}%"
    number = amount(value, words=True)
    if not unit:
        return bound_words + number
    return f"{bound_words}{number} {one_of(unit, language) if abs(value) == 1 else unit}"
