"""Every page over real HTTP: what a reader sees, where odd addresses lead, and when it changes."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest

from bot.compare import comparison_path
from bot.errors import AmbiguousTool, UnknownTool
from tests.web.conftest import Web, card, vote


def _text(html: str) -> str:
    """The page's words, roughly as a reader sees them."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def test_a_comparison_page_shows_the_whole_reference_read(web: Web) -> None:
    catalogue = web.site.catalogue
    status, html = await web.get("/c/mistral-medium-3-vs-smolvlm2")
    assert status == 200
    text = _text(html)
    expected = web.site.comparer.card_for(
        [catalogue.by_slug["mistral-medium-3"], catalogue.by_slug["smolvlm2"]], {}
    )
    assert "Verdict: ship SmolVLM2." in text
    assert expected.verdict.reason in text
    for slug in ("mistral-medium-3", "smolvlm2"):
        tool = catalogue.by_slug[slug]
        for shown in (
            tool.name,
            tool.category,
            tool.tagline,
            tool.entry_price.value,
            tool.best_for,
        ):
            assert shown in text
        assert " ".join(tool.description.split()) in text
        for source in tool.sources:
            assert str(source.url) in html
        for persona in catalogue.panel.personas:
            assert " ".join(tool.panel[persona.slug].body.split()) in text
    for persona in catalogue.panel.personas:
        assert persona.name in text
    assert "75% ship (3 of 4)" in text and "50% ship (2 of 4)" in text
    assert "$0.40 in / $2.00 out per 1M tokens: mid-range" in text
    assert "no votes yet" in text


async def test_votes_show_as_community_share_and_head_to_head(web: Web) -> None:
    first = await card(web.store, ["smolvlm2", "mistral-medium-3"], "m1")
    second = await card(web.store, ["mistral-medium-3", "smolvlm2"], "m2")
    await vote(web.store, first, "ann", 0)
    await vote(web.store, first, "bob", 0)
    await vote(web.store, second, "cy", 0)
    _, html = await web.get("/c/mistral-medium-3-vs-smolvlm2")
    text = _text(html)
    assert "67% of 3 votes" in text  # SmolVLM2 won 2 of the 3
    assert "33% of 3 votes" in text
    assert "Mistral Medium 3 won 1, SmolVLM2 won 2 (3 votes in all)" in text

    await vote(web.store, first, "bob", 0, added=False)  # a retracted vote no longer counts
    _, html = await web.get("/c/mistral-medium-3-vs-smolvlm2")
    assert "Mistral Medium 3 won 1, SmolVLM2 won 1 (2 votes in all)" in _text(html)


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/c/smolvlm2-vs-mistral-medium-3", "/c/mistral-medium-3-vs-smolvlm2"),
        ("/c/SmolVLM2-vs-Mistral-Medium-3", "/c/mistral-medium-3-vs-smolvlm2"),
        ("/c/4o-vs-smolvlm2", "/c/gpt-4o-vs-smolvlm2"),
        ("/c/smolvlm2-vs-gpt-4o-vs-moondream2", "/c/gpt-4o-vs-moondream2-vs-smolvlm2"),
        ("/c/gpt-4o", "/t/gpt-4o"),
        ("/t/GPT-4o", "/t/gpt-4o"),
        ("/t/4o", "/t/gpt-4o"),
    ],
)
async def test_any_order_alias_or_case_redirects_to_the_canonical_page(
    web: Web, asked: str, canonical: str
) -> None:
    async with web.client.get(asked, allow_redirects=False) as response:
        assert response.status == 301
        assert response.headers["Location"] == canonical
    status, _ = await web.get(canonical)
    assert status == 200


async def test_an_unknown_name_answers_404_with_the_chats_suggestions(web: Web) -> None:
    try:
        web.site.comparer.tool("gpt-7")
    except UnknownTool as error:
        suggestions = error.suggestions
    assert suggestions, "the chat suggests something for this typo"
    status, html = await web.get("/c/smolvlm2-vs-gpt-7")
    assert status == 404
    assert "No tool called &#34;gpt-7&#34;" in html
    for suggestion in suggestions:  # each suggestion in place of the unknown name
        assert f'href="{comparison_path(["smolvlm2", suggestion.slug])}"' in html


async def test_a_suggestion_keeps_the_use_case_asked(web: Web) -> None:
    status, html = await web.get("/c/smolvlm2-vs-gpt-7?for=vision")
    assert status == 404
    try:
        web.site.comparer.tool("gpt-7")  # the same matcher the chat uses
    except UnknownTool as error:
        first = error.suggestions[0]
    link = comparison_path(["smolvlm2", first.slug], use_case="vision")
    assert link.endswith("?for=vision") and f'href="{link}"' in html


async def test_an_ambiguous_name_answers_404_offering_each_candidate(web: Web) -> None:
    try:
        web.site.comparer.tool("mistral")
    except AmbiguousTool as error:
        candidates = error.suggestions
    status, html = await web.get("/t/mistral")
    assert status == 404
    assert "could be several tools" in html
    for candidate in candidates:
        assert f'href="/t/{candidate.slug}"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/c/gpt-4o-vs-4o",
        "/c/gpt-4o-vs-smolvlm2-vs-moondream2-vs-qwen2-vl-2b-vs-paligemma-2",
        "/c/gpt-4o-vs-",
        "/t/nothing-like-this",
        "/leaderboard?category=nope",
        "/no/such/page",
    ],
)
async def test_pages_that_do_not_exist_answer_404(web: Web, path: str) -> None:
    status, _ = await web.get(path)
    assert status == 404


async def test_the_etag_round_trip_and_a_vote_invalidates_the_page(web: Web) -> None:
    path = "/c/mistral-medium-3-vs-smolvlm2"
    async with web.client.get(path) as response:
        etag = response.headers["ETag"]
        assert "max-age" in response.headers["Cache-Control"]
    async with web.client.get(path, headers={"If-None-Match": etag}) as response:
        assert response.status == 304
        assert await response.read() == b""

    card_id = await card(web.store, ["smolvlm2", "mistral-medium-3"], "m1")
    await vote(web.store, card_id, "ann", 0)
    async with web.client.get(path, headers={"If-None-Match": etag}) as response:
        assert response.status == 200
        voted_etag = response.headers["ETag"]
        assert "100% of 1 vote" in _text(await response.text())
    assert voted_etag != etag

    await vote(web.store, card_id, "ann", 1)  # the vote moves: same count, other winner
    async with web.client.get(path, headers={"If-None-Match": voted_etag}) as response:
        assert response.status == 200
        assert "Mistral Medium 3 won 1, SmolVLM2 won 0" in _text(await response.text())


async def test_other_comparisons_stay_cached_when_a_vote_lands_elsewhere(web: Web) -> None:
    path = "/c/gpt-4o-vs-gpt-4o-mini"
    await web.get(path)
    today = dt.datetime.now(dt.UTC).date().isoformat()  # lifecycle is read on the page's day
    cached = web.site.cache.get(
        ("c", path, "https://verdict.example", today), ()
    )  # no votes yet: the mark is empty
    assert cached is not None
    card_id = await card(web.store, ["smolvlm2", "moondream2"], "m1")
    await vote(web.store, card_id, "ann", 0)
    async with web.client.get(path, headers={"If-None-Match": cached.etag}) as response:
        assert response.status == 304


async def test_a_pasted_link_unfurls_with_title_description_and_image(web: Web) -> None:
    _, html = await web.get("/c/mistral-medium-3-vs-smolvlm2")
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))
    assert meta["og:title"].startswith("Mistral Medium 3 vs SmolVLM2")
    assert meta["og:description"].startswith("Verdict: ship SmolVLM2.")
    assert meta["og:url"] == "https://verdict.example/c/mistral-medium-3-vs-smolvlm2"
    assert meta["og:image"] == "https://verdict.example/static/og.png"
    assert meta["twitter:card"] == "summary"
    async with web.client.get("/static/og.png") as response:
        assert response.status == 200
        assert response.content_type == "image/png"
        assert (await response.read()).startswith(b"\x89PNG")


async def test_a_tool_page_shows_its_reviews_and_rivals(web: Web) -> None:
    status, html = await web.get("/t/gpt-4o")
    assert status == 200
    text = _text(html)
    tool = web.site.catalogue.by_slug["gpt-4o"]
    for review in tool.panel.values():
        assert " ".join(review.body.split()) in text
    assert 'href="/c/gpt-4o-vs-gpt-4o-mini"' in html


async def test_the_leaderboard_page_marks_predicted_pairs_and_preliminary_tools(web: Web) -> None:
    first = await card(web.store, ["gpt-5", "gpt-4o"], "m1")
    second = await card(web.store, ["gpt-4o", "claude-3-5-haiku"], "m2")
    for i in range(12):
        await vote(web.store, first, f"a{i}", int(i % 3 == 0))
        await vote(web.store, second, f"b{i}", int(i % 4 == 0))
    thin = await card(web.store, ["gpt-5", "smolvlm2"], "m3")
    await vote(web.store, thin, "ann", 1)
    status, html = await web.get("/leaderboard")
    assert status == 200
    text = _text(html)
    assert "Preliminary (under 10 votes, not ranked)" in text
    assert 'class="preliminary" data-slug="smolvlm2"' in html
    predicted = re.findall(r'<tr class="predicted"><th scope="row">([^<]+) <small>vs</small>', html)
    assert predicted == ["GPT-5"]  # GPT-5 and Claude 3.5 Haiku never met
    assert "never voted on" in text and "predicted" in text


async def test_the_leaderboard_draws_bands_greys_the_few_and_filters_by_category(
    web: Web,
) -> None:
    llm = await card(web.store, ["gpt-4o", "gpt-4o-mini"], "m1")
    for i in range(12):
        await vote(web.store, llm, f"v{i}", int(i % 3 == 0))
    vision = await card(web.store, ["smolvlm2", "moondream2"], "m2")
    await vote(web.store, vision, "ann", 0)

    status, html = await web.get("/leaderboard")
    assert status == 200
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<circle") == 2  # the two ranked tools, each on its band
    assert svg.count('class="band"') == 2
    # SmolVLM2's one vote was against a tool no vote links to the ranked two.
    assert 'class="apart"' in svg and "SmolVLM2 · not comparable yet" in svg
    assert "Not comparable yet" in html and "compared only with Moondream 2" in html
    assert "<small>95% band</small>" in html and "Rank <small>(possible)</small>" in html
    pairs = html[html.index('id="head-to-head"') :]
    assert "GPT-4o <small>vs</small> GPT-4o mini" in pairs and "8–4 of 12 votes" in pairs

    status, html = await web.get("/leaderboard?category=llm")
    assert status == 200
    assert "GPT-4o mini" in html and "SmolVLM2" not in html

    status, html = await web.get("/leaderboard?category=nope")
    assert status == 404
    for category in sorted({t.category for t in web.site.catalogue.tools}):
        assert f'href="/leaderboard?category={category}"' in html


async def test_the_leaderboard_page_filters_by_the_use_case_cards_were_asked_for(web: Web) -> None:
    coding = await card(web.store, ["gpt-4o", "gpt-4o-mini"], "m1", use_case="coding")
    plain = await card(web.store, ["smolvlm2", "moondream2"], "m2")
    for i in range(12):
        await vote(web.store, coding, f"v{i}", int(i % 3 == 0))
        await vote(web.store, plain, f"w{i}", 0)

    status, html = await web.get("/leaderboard?for=coding")
    assert status == 200
    assert "Cards asked for coding" in html
    assert "GPT-4o mini" in html and "SmolVLM2" not in html  # only the coding card's votes
    assert 'href="/leaderboard?for=coding" aria-current="page"' in html

    status, html = await web.get("/leaderboard")
    assert "SmolVLM2" in html and 'href="/leaderboard?for=vision"' in html
    status, _ = await web.get("/leaderboard?for=knitting")
    assert status == 404


async def test_the_index_form_sends_a_typed_comparison_to_its_page(web: Web) -> None:
    status, html = await web.get("/")
    assert status == 200 and 'action="/compare"' in html
    async with web.client.get(
        "/compare", params={"q": "smolvlm2 vs mistral medium 3"}, allow_redirects=False
    ) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/c/mistral-medium-3-vs-smolvlm2"
    status, _ = await web.get("/compare?q=just-one")
    assert status == 404


async def test_pages_forbid_scripts_and_serve_one_stylesheet(web: Web) -> None:
    async with web.client.get("/t/gpt-4o") as response:
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        html = await response.text()
    assert "<script" not in html
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["/static/style.css"]
    async with web.client.get("/static/style.css") as response:
        assert response.status == 200
        assert "prefers-color-scheme: dark" in await response.text()


async def test_the_leaderboard_catches_up_with_votes_within_ten_seconds(web: Web) -> None:
    now = [1000.0]
    web.site.clock = lambda: now[0]
    _, before = await web.get("/leaderboard")
    assert "from 0 votes" in before
    card_id = await card(web.store, ["gpt-4o", "gpt-4o-mini"], "m1")
    await vote(web.store, card_id, "ann", 0)
    _, soon = await web.get("/leaderboard")
    assert soon == before  # refitting every vote is costly: rebuilt at most every 10 s
    now[0] += 10
    _, later = await web.get("/leaderboard")
    assert "from 1 vote." in later


async def test_a_comparison_for_a_use_case_is_judged_for_it(web: Web) -> None:
    status, html = await web.get("/c/gpt-4o-mini-vs-mistral-large?for=vision")
    assert status == 200
    text = _text(html)
    assert "Verdict for vision: ship GPT-4o mini." in text
    assert "Mistral Large does not read images" in text
    status, _ = await web.get("/c/gpt-4o-mini-vs-mistral-large?for=poetry")
    assert status == 404
    async with web.client.get(
        "/compare", params={"q": "gpt-4o-mini vs mistral large for vision"}, allow_redirects=False
    ) as response:
        assert response.headers["Location"] == "/c/gpt-4o-mini-vs-mistral-large?for=vision"


async def test_a_page_with_a_retired_model_links_to_the_live_comparison(web: Web) -> None:
    _, html = await web.get("/c/claude-3-5-haiku-vs-gpt-4o")
    assert "Verdict: ship GPT-4o." in _text(html)
    assert (
        'Compare the live models instead: <a href="/c/claude-haiku-4-5-vs-gpt-4o">'
        "Claude Haiku 4.5 vs GPT-4o</a>"
    ) in html
