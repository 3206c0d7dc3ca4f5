"""Drafts of new reviewed files: the facts a source states, and clearly marked gaps for a person.

A draft never invents what a reviewed file promises: the panel's reviews, the tagline and
description in our own words, and any fact its source does not state are left as `WRITE ME`
comments. The fields are then missing, so `verdict catalogue check` fails on the file until a
person writes them; that is the point.
"""

from __future__ import annotations

import datetime as dt
import json

from pydantic import BaseModel, ConfigDict, Field

from bot.catalogue.dataset import NOT_STATED
from bot.catalogue.models import SLUG_PATTERN, EntryPrice, Facts, Panel, Pricing, Source, Tool

WRITE_ME = "WRITE ME"


class Draft(BaseModel):
    """What a source says about a tool that has no reviewed file yet."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built when a draft is made

    slug: str = Field(pattern=SLUG_PATTERN)
    name: str
    vendor: str
    category: str = Field(pattern=SLUG_PATTERN)
    entry_price: EntryPrice
    pricing: Pricing
    facts: Facts = Facts()
    sources: list[Source]
    aliases: list[str] = Field(default_factory=list)
    licence: str | None = None
    released: dt.date | None = None
    dataset: str | None = None
    reference: str = ""
    """The source's own description, quoted in a comment for the person writing ours."""


def draft_from_tool(tool: Tool) -> Draft:
    """A draft from a generated (dataset) tool: its prices, context window and sources."""
    return Draft(
        slug=tool.slug,
        name=tool.name,
        vendor=tool.vendor,
        category=tool.category,
        entry_price=tool.entry_price,
        pricing=tool.pricing.model_copy(update={"note": ""}),
        facts=tool.facts,
        sources=tool.sources,
        licence=None if tool.licence == NOT_STATED else tool.licence,
        released=tool.released,
        dataset=tool.dataset,
        reference=tool.description,
    )


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _comment(text: str, width: int = 96) -> list[str]:
    lines, line = [], "#"
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = "#"
        line += " " + word
    if line != "#":
        lines.append(line)
    return lines


def scaffold_toml(draft: Draft | Tool, panel: Panel) -> str:
    """The text of `catalogue/tools/<slug>.toml` for a draft, gaps marked `WRITE ME`."""
    if isinstance(draft, Tool):
        draft = draft_from_tool(draft)
    out = [
        f"# Drafted by `verdict catalogue add` from {draft.sources[0].url}.",
        f"# Every `{WRITE_ME}` below is for a person: `verdict catalogue check` fails until done.",
        f"slug = {_q(draft.slug)}",
        f"name = {_q(draft.name)}",
        f"aliases = {_list(draft.aliases)}",
        f"vendor = {_q(draft.vendor)}",
        f"category = {_q(draft.category)}",
    ]
    if draft.dataset is not None:
        out.append(f"dataset = {_q(draft.dataset)}")
    out.append(f'# tagline = "{WRITE_ME}: one line in our own words, at most 100 characters"')
    out.append(f'# description = """{WRITE_ME}: what it is and what it is for, our own words."""')
    if draft.reference:
        out.append("# The source describes it as:")
        out.extend(_comment(draft.reference[:600]))
    if draft.licence is not None:
        out.append(f"licence = {_q(draft.licence)}")
    else:
        out.append(f'# licence = "{WRITE_ME}: the source does not state it"')
    if draft.released is not None:
        out.append(f"released = {draft.released.isoformat()}")
    else:
        out.append(f"# released = {WRITE_ME}: YYYY-MM-DD, from the vendor's announcement")
    out.append(f"entry_price = {_q(draft.entry_price.value)}")
    out.append(f'# best_for = "{WRITE_ME}: who should pick it, at most 120 characters"')
    out.extend(["", "[pricing]", f"model = {_q(draft.pricing.model)}"])
    pricing = draft.pricing
    if pricing.input_usd_per_mtok is not None:
        out.append(f"input_usd_per_mtok = {pricing.input_usd_per_mtok:g}")
    if pricing.output_usd_per_mtok is not None:
        out.append(f"output_usd_per_mtok = {pricing.output_usd_per_mtok:g}")
    if pricing.as_of is not None:
        out.append(f"as_of = {pricing.as_of.isoformat()}")
    if pricing.note:
        out.append(f"note = {_q(pricing.note)}")
    out.extend(["", "[facts]"])
    facts = draft.facts
    if facts.parameters:
        out.append(f"parameters = {_q(facts.parameters)}")
    if facts.context_window:
        out.append(f"context_window = {facts.context_window}")
    if facts.modalities:
        out.append(f"modalities = {_list(facts.modalities)}")
    for source in draft.sources:
        out.extend(["", "[[sources]]", f"url = {_q(str(source.url))}"])
        out.append(f"supports = {_list(source.supports)}")
    for persona in panel.personas:
        out.extend(
            [
                "",
                f"# [panel.{persona.slug}]  {WRITE_ME}: {persona.name}, {persona.lens}",
                '# verdict = "ship"  # or "skip"',
                '# take = "one line, at most 140 characters"',
                '# body = """the review, at most 1000 characters"""',
            ]
        )
    return "\n".join(out) + "\n"
