"""Countries, the names that stand for them, and their capitals and seats of government.

Used only for actors of kind country, organisation or group: an article that names
"Pyongyang" or "the Kremlin" as an actor means that government.  A place mentioned as a
place is never an actor, so it never reaches this table.
"""

from __future__ import annotations

from functools import lru_cache

from .names import words

COUNTRIES: dict[str, list[str]] = {
    "United States": ["US", "U.S.", "USA", "America", "Washington", "White House", "Biden administration", "Administration Biden"],
    "United Kingdom": ["UK", "U.K.", "Britain", "Great Britain", "London", "Downing Street"],
    "Russia": ["Russian Federation", "Moscow", "Kremlin", "the Kremlin"],
    "Ukraine": ["Kyiv", "Kiev"],
    "North Korea": ["DPRK", "Democratic People's Republic of Korea", "Pyongyang"],
    "South Korea": ["Republic of Korea", "ROK", "Seoul"],
    "China": ["People's Republic of China", "PRC", "Beijing"],
    "Japan": ["Tokyo"],
    "Iran": ["Tehran", "Islamic Republic of Iran"],
    "Israel": ["Jerusalem"],
    "France": ["Paris", "Elysee", "Élysée"],
    "Germany": ["Berlin"],
    "India": ["New Delhi", "Delhi"],
    "Turkey": ["Türkiye", "Ankara"],
    "Belarus": ["Minsk"],
    "Poland": ["Warsaw"],
    "Syria": ["Damascus"],
    "Taiwan": ["Taipei"],
}
_GOVERNMENT_WORDS = {"regime", "government", "authorities", "administration", "leadership", "the"}


def _key(name: str) -> str:
    return "".join(w for w in words(name) if w not in _GOVERNMENT_WORDS)


_INDEX = {_key(form): country for country, forms in COUNTRIES.items() for form in (country, *forms)}


@lru_cache(maxsize=1 << 16)
def country_of(name: str) -> str | None:
    """The country a name stands for as an actor ("Pyongyang regime" -> North Korea), if known."""
    return _INDEX.get(_key(name))
