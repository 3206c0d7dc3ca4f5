"""A draft product file (`catalogue/products/<slug>.toml`) for a requested tool: the schema's
fields laid out, every fact left as a `WRITE ME` comment for a person to read from a source and
date. Nothing is guessed, so `verdict catalogue check` refuses the draft until it is written."""

from __future__ import annotations

import datetime as dt

from bot.catalogue.models import PRODUCT_CATEGORIES, Panel
from bot.catalogue.names import normalise
from bot.catalogue.scaffold import WRITE_ME, _q


class BadProductName(ValueError):
    """A name with no letters or digits cannot become a slug."""


def product_slug(name: str) -> str:
    """ "LM Studio" -> "lm-studio", "Dall·E 3" -> "dall-e-3"."""
    slug = "-".join(normalise(name).split())
    if not slug:
        raise BadProductName(f'"{name}" has no letters or digits to make a file name from')
    return slug


def product_draft(name: str, panel: Panel, today: dt.date) -> tuple[str, str]:
    """(slug, the text of the draft file)."""
    slug = product_slug(name)
    categories = ", ".join(sorted(PRODUCT_CATEGORIES))
    lines = [
        f"# Drafted by `verdict catalogue add --product` on {today.isoformat()}.",
        f"# Every `{WRITE_ME}` is for a person: `verdict catalogue check` fails until done.",
        "# Read each fact from a public page, cite it under [[sources]] with the day you read it.",
        f"slug = {_q(slug)}",
        f"name = {_q(name.strip())}",
        'kind = "product"',
        "aliases = []  # what people type; never a bare word that also names a model",
        f'# vendor = "{WRITE_ME}: the maker"',
        f'# category = "{WRITE_ME}: one of {categories}"',
        f'# tagline = "{WRITE_ME}: one line in our own words, at most 100 characters"',
        f'# description = """{WRITE_ME}: what it is and does, our own words, facts only."""',
        f'# licence = "{WRITE_ME}: an SPDX id (MIT, Apache-2.0) or Proprietary"',
        f"# released = {WRITE_ME}: YYYY-MM-DD, the first public release",
        f'# entry_price = "{WRITE_ME}: free | open-weights | freemium | paid"',
        f'# best_for = "{WRITE_ME}: who should pick it, at most 120 characters"',
        "",
        "[pricing]",
        f'# model = "{WRITE_ME}: subscription | self-hosted | usage | free"',
        f"# free_tier = {WRITE_ME}: true or false",
        f'# note = "{WRITE_ME}: the headline plans, at most 120 characters"',
        "",
        "[product]",
        f"# seat_usd_per_month = {WRITE_ME}: the cheapest paid plan per person (or leave out)",
        f"# usage_priced = {WRITE_ME}: true if it bills by tokens, minutes, images, requests",
        f"# self_hostable = {WRITE_ME}: true or false",
        f"# open_source = {WRITE_ME}: true or false",
        f'# works_with = ["{WRITE_ME}: editors, languages, models, clouds (at most 8)"]',
        f"read_on = {today.isoformat()}  # the day you read these facts",
        "",
        "# [[sources]]",
        f'# url = "{WRITE_ME}: the page stating the facts below"',
        '# supports = ["pricing", "licence", "released", "product.works_with"]',
        f"# read_on = {today.isoformat()}",
    ]
    for persona in panel.personas:
        lines += ["", f"# [panel.{persona.slug}]  {WRITE_ME}: {persona.name}, {persona.lens}"]
        lines += ['# verdict = "ship"  # or "skip"', '# take = ""', '# body = """"""']
    return slug, "\n".join(lines) + "\n"
