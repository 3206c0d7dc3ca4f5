"""Reads a provider's model id as the model it names: "gpt-4o-2024-08-06" is GPT-4o, and
"meta-llama/Llama-3.3-70B-Instruct-Turbo" on Together is the same Llama 3.3 70B as Groq's
"llama-3.3-70b-versatile".

Two strengths, because a vendor's own suffixes can name a different model: OpenAI's
"gpt-4-turbo" is not "gpt-4", so `snapshot_of` only drops what never changes the model (a date,
"-latest", a routing prefix); `served_model_of` also drops what resellers add to an open-weights
model's name ("-instruct", "-versatile", "-turbo", quantisation tags). Neither touches a number
that is part of the model's name: 3.1 and 3.3, 8B and 70B stay apart, and neither does a
year-month release ("mistral-large-2512" is Mistral Large 3, not Large 2 of 2411; Qwen3's
"-2507" is its July 2025 release, not the April model): see `release_of`.
"""

from __future__ import annotations

import re

from bot.catalogue.names import normalise

_ROUTING_PREFIX = re.compile(
    r"^(?:~|@cf/|accounts/[^/]+/models/|system\.ai\.|databricks-)", flags=re.IGNORECASE
)
"""OpenRouter's "~" (a moving alias), Cloudflare's "@cf/", Fireworks' account path, Databricks'."""
_CLOUD_PREFIX = re.compile(r"^(?:(?:global|us|eu|apac|au|jp|ca)\.)?[a-z-]+\.(?=[a-z])")
"""Bedrock's "us.anthropic.", "meta.", "amazon.": a region and a vendor before the model."""
_VARIANT_TAG = re.compile(r":(?:free|batch|beta|extended|thinking|nitro|floor|online|exacto)$")
_API_VERSION = re.compile(r"-v\d+:0$|:0$")
"""Bedrock's "-v1:0" API version (not "-v0:2", which is the model's own version)."""
_DATE_SUFFIX = re.compile(
    r"(?:-\d{4}-\d{2}-\d{2}|-\d{8}|-\d{2}-\d{4}"
    r"|-(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|-0\d\d|-latest)$"
)
"""A dated snapshot or a moving alias: "-2024-08-06", "-20241022", "-08-2024", "-0709" (month and
day), "-001", "-latest". A four-digit suffix counts only when it reads as a day of the year."""
_RELEASE = re.compile(r"-(2[3-7](?:0[1-9]|1[0-2]))$")
"""A year-month release, "-2411", "-2507": Mistral's and Qwen's (and Swiss AI's, EuroLLM's) way
to name a version. Mistral Large 2407 and 2512 are Large 2 and Large 3, Small 2402 and 2603 are
Small 1 and Small 4 (https://docs.mistral.ai/getting-started/models/), so it is never dropped as
a date."""
_FIREWORKS_POINT = re.compile(r"(?<=\d)p(?=\d)")
"""Fireworks writes "glm-4p7" for GLM-4.7."""
_RESELLER_SUFFIX = re.compile(
    r"(?:-instruct|-versatile|-turbo|-fp8-fast|-fp8|-specdec|-fp16|-bf16|-int4|-int8|-awq)$"
)
_VENDOR_PREFIX = re.compile(r"^meta-(?=llama)")


def snapshot_of(model_id: str, *, latest: bool = True) -> str:
    """The model a vendor's own id names, without date, "-latest" or routing decoration.

    With `latest=False` a "-latest" suffix stays: the matcher reads a typed id that way, since
    a vendor may move "-latest" to a newer model than the one our files know.

    >>> snapshot_of("claude-3-5-haiku-20241022")
    'claude-3-5-haiku'
    """
    text = model_id.strip().lower()
    text = _ROUTING_PREFIX.sub("", text)
    text = _VARIANT_TAG.sub("", text)
    text = _API_VERSION.sub("", text)
    if "/" not in text:
        text = _CLOUD_PREFIX.sub("", text)
    text = _FIREWORKS_POINT.sub(".", text)
    while True:
        if not latest and text.endswith("-latest"):
            return text
        shorter = _DATE_SUFFIX.sub("", text)
        if shorter == text or not shorter:
            return text
        text = shorter


def release_of(model_id: str) -> tuple[str, str | None]:
    """The id without its year-month release, and that release ("2512"), if it has one.

    >>> release_of("mistral-large-2512")
    ('mistral-large', '2512')
    """
    found = _RELEASE.search(model_id)
    if found is None:
        return model_id, None
    return model_id[: found.start()], found.group(1)


def names_a_release(model_id: str) -> bool:
    """Whether an id carries a year-month release anywhere ("mistral-ocr-2505-completion")."""
    return _RELEASE_WORD.search(model_id) is not None


_RELEASE_WORD = re.compile(r"-2[3-7](?:0[1-9]|1[0-2])(?=-|$)")


def without_org(model_id: str) -> str:
    """The id after its organisation prefix: "meta-llama/Llama-3.3-70B" -> "Llama-3.3-70B"."""
    return model_id.strip().rsplit("/", 1)[-1]


def served_model_of(model_id: str) -> str:
    """The open-weights model a reseller's id names, for grouping one model's offers.

    >>> served_model_of("meta-llama/Llama-3.3-70B-Instruct-Turbo")
    'llama-3.3-70b'
    """
    text = snapshot_of(without_org(snapshot_of(model_id)))
    text = _VENDOR_PREFIX.sub("", text)
    # "Qwen3-235B-A22B-Instruct-2507" is "qwen3-235b-a22b-2507": the reseller's tag goes, the
    # release stays
    text, release = release_of(text)
    while True:
        shorter = _DATE_SUFFIX.sub("", _RESELLER_SUFFIX.sub("", text))
        if shorter == text or not shorter:
            return f"{text}-{release}" if release and text else text
        text = shorter


def model_key(model_id: str) -> str:
    """The grouping key: `normalise`d, so "qwen2.5-vl" and "Qwen-2.5-VL" are one key."""
    return normalise(model_id)


def slug_of(model_id: str) -> str:
    """A catalogue slug from an id: kebab case, dots to dashes ("gemini-2.5-flash" ->
    "gemini-2-5-flash"). Letters and digits stay together as written ("qwen2-5-vl-7b")."""
    return re.sub(r"[^a-z0-9]+", "-", model_id.lower()).strip("-")
