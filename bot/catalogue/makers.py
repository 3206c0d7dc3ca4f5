"""Who made a model the price dataset lists, read from the ids its providers sell it under:
"meta-llama/…" is Meta's, Bedrock's "amazon.nova-pro-v1:0" Amazon's, "grok-4.5-fast" xAI's.

Only a first party's own model (`grouping._owns`) names its maker for sure; the rest is read from
spellings the makers use for their own models alone, and says "maker not stated" otherwise.
"""

from __future__ import annotations

from bot.catalogue.grouping import CLOUD_VENDOR, Group
from bot.catalogue.model_ids import snapshot_of, without_org

NO_MAKER = "maker not stated"

ORG_VENDORS = {
    "meta-llama": "Meta",
    "meta": "Meta",
    "qwen": "Qwen (Alibaba)",
    "openai": "OpenAI",
    "deepseek-ai": "DeepSeek",
    "deepseek": "DeepSeek",
    "mistralai": "Mistral",
    "google": "Google",
    "moonshotai": "Moonshot AI",
    "zai-org": "Z.ai",
    "thudm": "Z.ai",
    "microsoft": "Microsoft",
    "nvidia": "NVIDIA",
    "minimaxai": "MiniMax",
    "minimax": "MiniMax",
    "ibm-granite": "IBM",
    "nousresearch": "Nous Research",
    "x-ai": "xAI",
    "anthropic": "Anthropic",
    "cohere": "Cohere",
    "amazon": "Amazon",
}
"""Who made a model, read from a reseller id's organisation ("meta-llama/…" is Meta's)."""

FAMILY_VENDORS = {
    "llama": "Meta",
    "qwen": "Qwen (Alibaba)",
    "qwq": "Qwen (Alibaba)",
    "gemma": "Google",
    "phi": "Microsoft",
    "mistral": "Mistral",
    "mixtral": "Mistral",
    "deepseek": "DeepSeek",
    "kimi": "Moonshot AI",
    "glm": "Z.ai",
    "gpt": "OpenAI",
    "nemotron": "NVIDIA",
    "minimax": "MiniMax",
    "grok": "xAI",
    "claude": "Anthropic",
    "gemini": "Google",
    "pixtral": "Mistral",
    "voxtral": "Mistral",
    "ministral": "Mistral",
    "nova": "Amazon",
    "titan": "Amazon",
    "palmyra": "Writer",
    "davinci": "OpenAI",
    "curie": "OpenAI",
    "babbage": "OpenAI",
    "ada": "OpenAI",
    "bge": "BAAI",
    "mai": "Microsoft",
    "composer": "Cursor",
    "mercury": "Inception",
    "arcee": "Arcee AI",
    "virtuoso": "Arcee AI",
}
"""The same, from the first word of the model's name when its id has no organisation: names
their makers use for their own model lines only (Amazon Nova, Writer Palmyra, Microsoft's MAI,
Cursor's Composer, BAAI's BGE embeddings)."""

ID_PREFIX_VENDORS = {
    "text-embedding-": "OpenAI",
    "text-davinci": "OpenAI",
    "computer-use": "OpenAI",
    "c4ai-aya-": "Cohere",
    "embed-v4": "Cohere",
}
"""Makers named by how an id begins, where its first word alone ("text", "embed") says nothing."""

CLOUD_VENDORS = {**ORG_VENDORS, "writer": "Writer", "mistral": "Mistral", "ai21": "AI21 Labs"}
"""A cloud's vendor prefix ("amazon.", "writer.", "mistral." on Bedrock) and its maker."""

PROVIDER_VENDORS = {
    "x-ai": "xAI",
    "moonshotai": "Moonshot AI",
    "deepseek": "DeepSeek",
    "zai": "Z.ai",
    "zhipuai": "Z.ai",
}
"""A first party's name as it writes it, where the dataset's provider name differs."""


def maker_of(group: Group) -> str:
    """Who made a group's model: the first party that sells it as its own, else what its ids
    say (an organisation, a cloud's vendor prefix, a maker's id or model-line word), else
    "maker not stated"."""
    if group.owner is not None:
        provider = group.owner.provider
        return PROVIDER_VENDORS.get(provider.id, str(provider.name))
    orgs = [
        e.model.id.split("/")[-2].lstrip("~@").lower() for e in group.members if "/" in e.model.id
    ]
    for org in orgs:
        if org in ORG_VENDORS:
            return ORG_VENDORS[org]
    for entry in group.members:
        cloud = CLOUD_VENDOR.match(entry.model.id.lower())  # Bedrock's "amazon.nova-pro-v1:0"
        if cloud is not None and cloud.group(1) in CLOUD_VENDORS:
            return CLOUD_VENDORS[cloud.group(1)]
        bare = without_org(snapshot_of(entry.model.id))
        for prefix, maker in ID_PREFIX_VENDORS.items():
            if bare.startswith(prefix):
                return maker
    first_word = group.key.split(" ")[0] if group.key else ""
    if first_word in FAMILY_VENDORS:
        return FAMILY_VENDORS[first_word]
    return orgs[0] if orgs else NO_MAKER
