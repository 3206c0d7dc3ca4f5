"""A catalogue is edited by people; whatever text it holds shows as text, never as markup."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from bot.catalogue import Catalogue, Lifecycle, Offer, Panel, Review
from bot.weekly import WeeklyStore
from tests.web.conftest import Web, card, vote

EVIL = "<script>alert(1)</script>"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def web_catalogue(catalogue: Catalogue) -> Catalogue:
    """The bundled catalogue plus one tool, and a panel, whose every text field holds a script."""
    base = catalogue.by_slug["smolvlm2"]
    evil = base.model_copy(
        update={
            "slug": "evil-tool",
            "name": f"Evil {EVIL}",
            "aliases": [],
            "vendor": f"Vendor {EVIL}",
            "tagline": f"Tagline {EVIL}",
            "description": f"Description {EVIL} \"quoted\" & 'single'",
            "licence": f"Licence {EVIL}",
            "best_for": f"Best for {EVIL}",
            "facts": base.facts.model_copy(
                update={
                    "parameters": f"Params {EVIL}",
                    "modalities": [f"modality {EVIL}"],
                    "benchmarks": {f"bench {EVIL}": f"score {EVIL}"},
                }
            ),
            "panel": {
                slug: Review(verdict="ship", take=f"Take {EVIL}", body=f"Body {EVIL}")
                for slug in catalogue.panel.slugs
            },
            "lifecycle": Lifecycle(
                status="deprecated", deprecated_on=dt.date(2026, 1, 1), note=f"Note {EVIL}"
            ),
            "offers": (
                Offer(
                    provider="evil",
                    provider_name=f"Provider {EVIL}",
                    model_id=f"model {EVIL}",
                    input_usd_per_mtok=1.0,
                    output_usd_per_mtok=2.0,
                ),
            ),
        }
    )
    panel = Panel(
        personas=[
            p.model_copy(update={"name": f"{p.name[:10]} {EVIL}"[:40], "lens": f"Lens {EVIL}"})
            for p in catalogue.panel.personas
        ]
    )
    tools = tuple(sorted((*catalogue.tools, evil), key=lambda t: t.slug))
    return Catalogue(panel=panel, tools=tools, weekly=catalogue.weekly)


def _assert_shown_as_text(body: str) -> None:
    assert "<script" not in body.lower()
    assert "&lt;script&gt;" in body


async def test_every_catalogue_field_shows_as_text_on_every_page(web: Web) -> None:
    card_id = await card(web.store, ["evil-tool", "gpt-4o"], "m1")
    for i in range(11):
        await vote(web.store, card_id, f"v{i}", i % 2)
    weekly = WeeklyStore(web.store)
    sub = await weekly.subscribe(
        platform="console",
        channel="c",
        weekday=0,
        hour=9,
        timezone="UTC",
        user_id="u",
        now=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
    )
    await weekly.claim(
        sub.id, "2026-W48", ["evil-tool", "gpt-4o"], owner="t", now=1.0e9, lease_seconds=600
    )
    await weekly.mark_sent(sub.id, "2026-W48", message_id="m1", card_id=card_id)
    assert await weekly.set_public_name("console", "c", f"Team {EVIL}")

    for path in ("/c/evil-tool-vs-gpt-4o", "/t/evil-tool", "/leaderboard", "/weekly"):
        status, body = await web.get(path)
        assert status == 200, path
        _assert_shown_as_text(body)
    status, body = await web.get("/c/evil-tool-vs-gpt-4o")
    for field in (
        "Vendor",
        "Tagline",
        "Description",
        "Licence",
        "Best for",
        "Params",
        "modality",
        "bench",
        "score",
        "Take",
        "Body",
        "Note",
        "Provider",
        "model",
        "Lens",
    ):
        assert f"{field} &lt;script&gt;alert(1)&lt;/script&gt;" in body, field
    assert "&#34;quoted&#34; &amp; &#39;single&#39;" in body

    status, body = await web.get("/c/%3Ci%3Ezzz-vs-gpt-4o")  # what the visitor typed, too
    assert status == 404
    assert "&lt;i&gt;zzz" in body and "<i>" not in body

    status, feed = await web.get("/weekly.atom")
    assert status == 200
    assert "<script" not in feed
    entry = ET.fromstring(feed).find(f"{ATOM}entry")
    assert entry is not None
    title = entry.findtext(f"{ATOM}title")
    assert title == f"Team {EVIL}, 2026-W48: Evil {EVIL} vs GPT-4o"
