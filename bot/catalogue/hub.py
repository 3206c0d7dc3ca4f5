"""Drafts a reviewed file for an open-weights model from its Hugging Face Hub metadata.

For models no API provider serves (SmolVLM2, Moondream, PaliGemma, InternVL) the Hub is the
source: the licence from the model card, the parameter count from the safetensors metadata, the
tags, and the card's URL as the source backing them. `HF_ENDPOINT` points `huggingface_hub` at
another server (the tests' loopback fake). No token is sent: public metadata needs none.
"""

from __future__ import annotations

import os
import re

from bot.catalogue.model_ids import slug_of
from bot.catalogue.models import EntryPrice, Facts, Pricing, Source
from bot.catalogue.scaffold import Draft

REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")

PIPELINE_CATEGORIES = {
    "image-text-to-text": "vision-language",
    "visual-question-answering": "vision-language",
    "text-generation": "llm",
    "text2text-generation": "llm",
    "feature-extraction": "embedding",
    "sentence-similarity": "embedding",
    "automatic-speech-recognition": "speech",
    "text-to-speech": "speech",
    "text-to-image": "image-generation",
}
PIPELINE_MODALITIES = {
    "image-text-to-text": ["text", "image"],
    "visual-question-answering": ["text", "image"],
    "text-generation": ["text"],
}


class HubError(Exception):
    """The Hub cannot give a draft: a bad id, no such model, or no answer."""


def parameter_label(total: int) -> str:
    """2_246_272_880 -> "2.2B"; 256_000_000 -> "256M"."""
    if total >= 1_000_000_000:
        return f"{total / 1e9:.1f}".rstrip("0").rstrip(".") + "B"
    return f"{total / 1e6:.0f}M"


def draft_from_hub(repo_id: str, *, endpoint: str | None = None) -> Draft:
    """A draft from the Hub's model info for `repo_id` ("HuggingFaceTB/SmolVLM2-2.2B-Instruct")."""
    if not REPO_ID.match(repo_id):
        raise HubError(f'"{repo_id}" is not a Hub model id; use ORG/MODEL')
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    endpoint = endpoint or os.environ.get("HF_ENDPOINT") or None
    api = HfApi(endpoint=endpoint, token=False)
    try:
        info = api.model_info(repo_id, timeout=10)
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else None
        if status in (401, 404):
            raise HubError(f"no public model {repo_id} on the Hub") from None
        raise HubError(f"the Hub did not answer for {repo_id} ({status or error})") from None
    except OSError as error:
        raise HubError(f"cannot reach the Hub: {error}") from None

    base = (endpoint or "https://huggingface.co").rstrip("/")
    card_url = f"{base}/{repo_id}"
    card = info.card_data.to_dict() if info.card_data is not None else {}  # type: ignore[no-untyped-call]
    tags = list(info.tags or [])
    licence = card.get("license") or next(
        (t.removeprefix("license:") for t in tags if t.startswith("license:")), None
    )
    parameters = parameter_label(info.safetensors.total) if info.safetensors is not None else None
    pipeline = info.pipeline_tag or ""
    facts = Facts(parameters=parameters, modalities=PIPELINE_MODALITIES.get(pipeline, []))
    supported = ["released"] if info.created_at is not None else []
    if licence:
        supported.append("licence")
    supported.extend(f"facts.{name}" for name, value in facts if value not in (None, [], {}))
    supported = supported or ["tags"]
    name = repo_id.split("/", 1)[1]
    return Draft(
        slug=slug_of(name),
        name=name,
        aliases=[repo_id],
        vendor=info.author or repo_id.split("/", 1)[0],
        category=PIPELINE_CATEGORIES.get(pipeline, "llm"),
        entry_price=EntryPrice.OPEN_WEIGHTS,
        pricing=Pricing(model="self-hosted"),
        facts=facts,
        sources=[Source.model_validate({"url": card_url, "supports": supported})],
        licence=licence,
        released=info.created_at.date() if info.created_at is not None else None,
        reference=f"Hub tags: {', '.join(tags[:20])}" if tags else "",
    )
