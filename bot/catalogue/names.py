"""How tool names are normalised, so "Claude-3.5 Haiku" and "claude 3-5 haiku" read the same.

Matching and the catalogue's collision check must agree on this, so it lives in one place.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DIGIT_LETTER = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")


def normalise(text: str) -> str:
    """Lower case, ASCII-folded, words and numbers split: "GPT-4o mini" -> "gpt 4 o mini"."""
    if text.isascii():  # nearly every name: folding changes nothing but the case
        ascii_only = text.lower()
    else:
        folded = unicodedata.normalize("NFKD", text.casefold())
        ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    spaced = _DIGIT_LETTER.sub(" ", ascii_only)
    return _NON_ALNUM.sub(" ", spaced).strip()


def compact(text: str) -> str:
    """The normalised name with no spaces: the key for exact hits ("gpt4omini")."""
    return normalise(text).replace(" ", "")


def tokens(text: str) -> tuple[str, ...]:
    return tuple(normalise(text).split())


def is_number(token: str) -> bool:
    return token.isdigit()
