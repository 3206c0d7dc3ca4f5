"""A provider's id reads as the model it names, and never as a different model."""

from __future__ import annotations

import pytest

from bot.catalogue import model_key, served_model_of, slug_of, snapshot_of

SNAPSHOTS = [
    ("gpt-4o-2024-08-06", "gpt-4o"),
    ("claude-3-5-haiku-latest", "claude-3-5-haiku"),
    ("claude-3-5-haiku-20241022", "claude-3-5-haiku"),
    ("mistral-medium-latest", "mistral-medium"),
    ("grok-4-0709", "grok-4"),
    ("gemini-2.0-flash-001", "gemini-2.0-flash"),
    ("command-r-plus-08-2024", "command-r-plus"),
    ("global.anthropic.claude-opus-4-5-v1:0", "claude-opus-4-5"),
    ("accounts/fireworks/models/glm-4p7", "glm-4.7"),
    ("openai/gpt-oss-120b:free", "openai/gpt-oss-120b"),
    # what a vendor's suffix means is kept: these are other models
    ("gpt-4-turbo", "gpt-4-turbo"),
    ("grok-3-fast", "grok-3-fast"),
    ("gpt-5.5", "gpt-5.5"),
    ("llama-3.1-8b", "llama-3.1-8b"),
    # a year-month release is a version: Mistral Large 2411 and 2512 are Large 2.1 and Large 3
    ("mistral-large-2411", "mistral-large-2411"),
    ("mistral-large-2512", "mistral-large-2512"),
    ("mistral.mistral-small-2402-v1:0", "mistral-small-2402"),
    ("qwen/qwen3-235b-a22b-2507", "qwen/qwen3-235b-a22b-2507"),
]

SERVED = [
    ("meta-llama/Llama-3.3-70B-Instruct", "llama-3.3-70b"),
    ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b"),
    ("llama-3.3-70b-versatile", "llama-3.3-70b"),
    ("@cf/meta/llama-3.3-70b-instruct-fp8-fast", "llama-3.3-70b"),
    ("databricks-meta-llama-3-3-70b-instruct", "llama-3-3-70b"),
    ("Meta-Llama-3.3-70B-Instruct", "llama-3.3-70b"),
    ("Qwen/Qwen2.5-VL-7B-Instruct", "qwen2.5-vl-7b"),
    ("openai/gpt-oss-120b", "gpt-oss-120b"),
    ("mistral.mistral-7b-instruct-v0:2", "mistral-7b-instruct-v0:2"),
    ("Qwen/Qwen3-235B-A22B-Instruct-2507", "qwen3-235b-a22b-2507"),
    ("qwen/qwen3-235b-a22b-2507", "qwen3-235b-a22b-2507"),
    ("Qwen/Qwen3-235B-A22B", "qwen3-235b-a22b"),
]


@pytest.mark.parametrize(("model_id", "model"), SNAPSHOTS)
def test_a_dated_or_aliased_id_reads_as_its_model(model_id: str, model: str) -> None:
    assert snapshot_of(model_id) == model


@pytest.mark.parametrize(("model_id", "model"), SERVED)
def test_a_resellers_id_reads_as_the_open_weights_model(model_id: str, model: str) -> None:
    assert served_model_of(model_id) == model


def test_spellings_of_one_model_share_a_key_and_different_models_do_not() -> None:
    assert model_key("qwen2.5-vl-7b") == model_key("Qwen-2.5-VL-7B")
    assert model_key("llama-3-3-70b") == model_key("llama-3.3-70b")
    different = ["llama-3.3-70b", "llama-3.1-70b", "llama-3.3-8b", "llama-3.1-8b", "llama-3-18b"]
    assert len({model_key(served_model_of(m)) for m in different}) == len(different)


def test_slugs_are_kebab_case_with_dots_as_dashes() -> None:
    assert slug_of("gemini-2.5-flash") == "gemini-2-5-flash"
    assert slug_of("claude-sonnet-4-5") == "claude-sonnet-4-5"
    assert slug_of("qwen2.5-vl-7b") == "qwen2-5-vl-7b"
