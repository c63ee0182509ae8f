"""The words a directory search looks for, cut the same way in the index and in the query."""

from __future__ import annotations

from openchorus.core.text import search_normalize

TOKEN_MAX_LENGTH = 40
# Words too common to narrow a search; dropped from the index and from queries alike.
STOPWORDS = frozenset(
    {
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "par",
        "pour",
        "s",
        "sous",
        "sur",
        "un",
        "une",
    }
)


def words(text: str) -> list[str]:
    """Normalised words of a text, in order, without stop words and one-letter words."""
    return [w[:TOKEN_MAX_LENGTH] for w in search_normalize(text).split() if len(w) > 1 and w not in STOPWORDS]


def structure_tokens(*, legal_name: str, label: str, city: str, postcode: str, identifier: str) -> set[str]:
    """What the index holds for one public structure: its name and city words, SIRET, postcode."""
    tokens = set(words(f"{legal_name} {label} {city}"))
    for value in (identifier, postcode):
        compact = search_normalize(value).replace(" ", "")
        if compact:
            tokens.add(compact[:TOKEN_MAX_LENGTH])
    return tokens
