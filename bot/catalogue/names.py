"""How tool names are normalised, so "Claude-3.5 Haiku" and "claude 3-5 haiku" read the same.

Matching and the catalogue's collision check must agree on this, so it lives in one place.
Building a catalogue normalises each name about four times (the collision check, the layers'
merge, the matcher's index): `normalise` remembers its last 131,072 answers, which a cold
10,000-tool start (45,000 distinct texts) then computes once each, 0.4 s sooner.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PLUS = re.compile(r"\+")
"""Command R+ is Command R Plus: the "+" is part of the name, never punctuation to drop."""
_DIGIT_LETTER = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")


@functools.lru_cache(maxsize=1 << 17)
def normalise(text: str) -> str:
    """Lower case, ASCII-folded, words and numbers split, "+" read as "plus": "GPT-4o mini" ->
    "gpt 4 o mini", "Command R+" -> "command r plus"."""
    if text.isascii():  # nearly every name: folding changes nothing but the case
        ascii_only = text.lower()
    else:
        folded = unicodedata.normalize("NFKD", text.casefold())
        ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    if "+" in ascii_only:
        ascii_only = _PLUS.sub(" plus ", ascii_only)
    spaced = _DIGIT_LETTER.sub(" ", ascii_only)
    return _NON_ALNUM.sub(" ", spaced).strip()


def compact(text: str) -> str:
    """The normalised name with no spaces: the key for exact hits ("gpt4omini")."""
    return normalise(text).replace(" ", "")


def tokens(text: str) -> tuple[str, ...]:
    return tuple(normalise(text).split())


def is_number(token: str) -> bool:
    return token.isdigit()


VARIANT_WORDS = frozenset(
    {"plus", "pro", "max", "mini", "nano", "codex", "fast", "thinking", "lite", "flash"}
)
"""Words that make a different model of a family: "GPT-5.1 Codex Mini" is not "GPT-5.1 Codex".
A query that does not name one never gets a tool that has it, but a did-you-mean. Not "turbo":
resellers tag their serving of an open model with it ("Llama-3.3-70B-Instruct-Turbo")."""
MODALITY_WORDS = frozenset(
    {"image", "tts", "live", "audio", "realtime", "vision", "transcribe", "search", "embedding"}
)
"""Words of a family's image, voice or live variants: "gemini 3 pro" means the text model."""


def variants_beyond(text: str, base: str) -> set[str]:
    """Variant and modality words `text` names that `base` does not ("gpt-5-codex" beyond
    "gpt-5": {"codex"}): an id with any is a different model from the base's."""
    words = set(normalise(text).split())
    return (words & (VARIANT_WORDS | MODALITY_WORDS)) - set(normalise(base).split())
