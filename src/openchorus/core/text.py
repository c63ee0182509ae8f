"""Text normalisation shared by searches: case- and accent-free, single spaces."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def search_normalize(text: str) -> str:
    """'Paris-Est-Marne et Bois' → 'paris est marne et bois' (also for 'Œ', 'É', 'ß'…)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = ascii_text.replace("œ", "oe").replace("æ", "ae")
    return _NON_WORD.sub(" ", ascii_text).strip()
