"""The verdict against a table of pairs where a careful person's answer is clear: retired
against live, a text-only model asked for vision, no tool calling asked for agents, a 10× price
gap inside one capability class, a reviewed panel split, a community margin inside its interval
(a tie, called one) and outside it, a deprecated model in a tie, and more. Every card is also
read for what must never happen: a retired pick, "on your own trial", a quote against the pick.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from bot.catalogue import Catalogue, Facts, Lifecycle, Offer, Pricing, Review, Tool
from bot.compare import UseCase, VerdictCard, build_card
from bot.render import text
from bot.votes import CommunityTally

TODAY = dt.date(2026, 12, 3)


@dataclass(frozen=True)
class Case:
    name: str
    tools: tuple[Tool, Tool]
    expect: str | None
    """The slug a careful person picks; None when they would say no single tool."""
    use_case: UseCase | None = None
    votes: dict[str, CommunityTally] = field(default_factory=dict)
    says: str = ""
    """Words the reason must hold (the fact it turned on)."""


def _live(tool: Tool) -> Tool:
    return tool.model_copy(update={"lifecycle": Lifecycle()})


def _facts(tool: Tool, **facts: object) -> Tool:
    return tool.model_copy(update={"facts": tool.facts.model_copy(update=facts)})


def _priced(tool: Tool, input_usd: float, output_usd: float) -> Tool:
    pricing = Pricing(
        model="per-token", input_usd_per_mtok=input_usd, output_usd_per_mtok=output_usd
    )
    return tool.model_copy(update={"pricing": pricing})


def _panel(tool: Tool, ships: int) -> Tool:
    """Its first `ships` reviewers ship it; the rest skip (their own words kept)."""
    panel = {
        persona: Review(verdict="ship" if i < ships else "skip", take=r.take, body=r.body)
        for i, (persona, r) in enumerate(tool.panel.items())
    }
    return tool.model_copy(update={"panel": panel})


def _unreviewed(tool: Tool, slug: str, name: str) -> Tool:
    """A tool as the price data knows it: no reviews, no release date."""
    return tool.model_copy(
        update={"slug": slug, "name": name, "aliases": [], "panel": {}, "released": None}
    )


def _cases(catalogue: Catalogue) -> Iterator[Case]:
    by = catalogue.by_slug
    live_reviewed = [t for t in catalogue.tools if t.status_on(TODAY) == "active" and t.reviewed]
    retired = [t for t in catalogue.tools if t.status_on(TODAY) == "retired"]

    # 1. Retired against live: the live one, whatever the panel says (both orders).
    for old, new in itertools.product(retired, live_reviewed[:4]):
        yield Case(f"retired {old.slug} vs {new.slug}", (old, new), new.slug, says="retired")
        yield Case(f"{new.slug} vs retired {old.slug}", (new, old), new.slug, says="retired")
    # Two retired models: neither.
    for a, b in itertools.combinations(retired, 2):
        yield Case(f"retired {a.slug} and {b.slug}", (a, b), None, says="retired")

    # 2. A text-only model asked for vision loses to one that reads images.
    seeing = [_facts(_live(t), modalities=["text", "image"]) for t in (by["gpt-5"], by["gpt-4o"])]
    blind = [
        _facts(_live(t), modalities=["text"])
        for t in (by["mistral-large"], by["llama-3-3-70b"], by["deepseek-v3-2"])
    ]
    for see, text_only in itertools.product(seeing, blind):
        yield Case(
            f"vision: {see.slug} vs text-only {text_only.slug}",
            (text_only, see),
            see.slug,
            UseCase.VISION,
            says="does not read images",
        )

    # 3. No tool calling, asked for agents.
    calling = [_facts(_live(t), tool_calling=True) for t in (by["gpt-5"], by["claude-haiku-4-5"])]
    no_tools = [
        _facts(_live(t), tool_calling=False)
        for t in (by["smolvlm2"], by["moondream2"], by["qwen2-vl-2b"])
    ]
    for good, bad in itertools.product(calling, no_tools):
        yield Case(
            f"agents: {good.slug} vs {bad.slug} without tool calling",
            (bad, good),
            good.slug,
            UseCase.AGENTS,
            says="has no tool calling",
        )

    # 3b. A model that does not reason, asked for reasoning, loses even when it is cheaper.
    thinker = _priced(_facts(_live(by["gpt-5"]), reasoning=True), 1.25, 10.0)
    plain = _priced(_facts(_live(by["claude-haiku-4-5"]), reasoning=False), 0.1, 0.4)
    yield Case(
        "reasoning: the cheaper model does not reason",
        (plain, thinker),
        thinker.slug,
        UseCase.REASONING,
        says="does not reason before it answers",
    )

    # 4. A 10× price gap inside one capability class (unreviewed, same facts but the price).
    base = _live(by["gpt-4o-mini"])
    for n, (cheap, dear) in enumerate([(0.1, 1.0), (0.3, 3.0), (1.0, 10.0), (2.0, 20.0)]):
        a = _priced(_unreviewed(base, f"cheap-{n}", f"Cheap {n}"), cheap, cheap * 4)
        b = _priced(_unreviewed(base, f"dear-{n}", f"Dear {n}"), dear, dear * 4)
        yield Case(f"10x price gap #{n}", (b, a), a.slug, says="10× cheaper")
        yield Case(f"10x price gap #{n}, budget", (a, b), a.slug, UseCase.BUDGET, says="budget")

    # 5. A reviewed panel split: four of four against one of four.
    pairs = [("claude-haiku-4-5", "gpt-oss-120b"), ("llama-3-3-70b", "mistral-large")]
    for x, y in pairs:
        strong, weak = _panel(_live(by[x]), 4), _panel(_live(by[y]), 1)
        yield Case(f"panel 4/4 {x} vs 1/4 {y}", (weak, strong), strong.slug, says="4 of 4")
        strong, weak = _panel(_live(by[y]), 4), _panel(_live(by[x]), 1)
        yield Case(f"panel 4/4 {y} vs 1/4 {x}", (strong, weak), strong.slug, says="4 of 4")

    # 6. A community margin inside its 95% interval is a tie, called one; outside, it decides.
    twin_a = _unreviewed(base, "twin-a", "Twin A")
    twin_b = _unreviewed(base, "twin-b", "Twin B")
    for votes, a_pct, b_pct in [(12, 58, 42), (20, 55, 45), (30, 60, 50), (50, 56, 46)]:
        tallies = {
            "twin-a": CommunityTally(votes=votes, ship_pct=a_pct),
            "twin-b": CommunityTally(votes=votes, ship_pct=b_pct),
        }
        yield Case(
            f"community tie {a_pct}/{b_pct} of {votes}",
            (twin_a, twin_b),
            None,
            votes=tallies,
            says="ties",
        )
    for votes, a_pct, b_pct in [(40, 80, 30), (200, 60, 45), (1000, 52, 47)]:
        tallies = {
            "twin-a": CommunityTally(votes=votes, ship_pct=b_pct),
            "twin-b": CommunityTally(votes=votes, ship_pct=a_pct),
        }
        yield Case(
            f"community {a_pct}/{b_pct} of {votes}",
            (twin_a, twin_b),
            "twin-b",
            votes=tallies,
            says="community decides",
        )
    # Fewer than ten votes each never decide.
    few = {
        "twin-a": CommunityTally(votes=9, ship_pct=100),
        "twin-b": CommunityTally(votes=9, ship_pct=0),
    }
    yield Case(
        "nine votes each do not decide", (twin_a, twin_b), None, votes=few, says="no fact tips it"
    )

    # 7. A deprecated model loses the tie to an active twin, with its shutdown date.
    going = twin_a.model_copy(
        update={"lifecycle": Lifecycle(status="deprecated", retired_on=dt.date(2027, 1, 15))}
    )
    yield Case("deprecated twin loses the tie", (going, twin_b), "twin-b", says="2027-01-15")
    yield Case(
        "deprecated twin loses the tie, other order", (twin_b, going), "twin-b", says="2027-01-15"
    )

    # 8. Self-hosting: open weights against closed.
    open_model = _live(by["llama-3-3-70b"])
    for closed in (by["gpt-5"], by["claude-haiku-4-5"], by["mistral-medium-3"]):
        yield Case(
            f"self-hosting: llama vs {closed.slug}",
            (_live(closed), open_model),
            open_model.slug,
            UseCase.SELF_HOSTING,
            says="no open weights",
        )

    # 9. Long context: 1M against 128K.
    long = _facts(twin_a, context_window=1_000_000)
    short = _facts(twin_b, context_window=128_000)
    yield Case(
        "long context 1M vs 128K", (short, long), "twin-a", UseCase.LONG_CONTEXT, says="under 200K"
    )
    # Both too short for long context: neither.
    yield Case(
        "long context, neither fits",
        (short, _facts(twin_a, context_window=32_000)),
        None,
        UseCase.LONG_CONTEXT,
        says="none fits",
    )

    # 10. More context at the same price wins on capabilities; more context at a 10x price is a
    # split naming a fact on each side.
    roomy = _facts(twin_a, context_window=1_000_000)
    yield Case("same price, more room", (short, roomy), "twin-a", says="at no higher price")
    yield Case(
        "a little dearer with more room: the reason says what it costs",
        (_priced(short, 1.0, 4.0), _priced(roomy, 1.2, 4.5)),
        "twin-a",
        says="at 16% more per token",
    )
    dear_roomy = _priced(roomy, 2.0, 10.0)
    cheap_short = _priced(short, 0.15, 0.6)
    yield Case(
        "more room at a price: it depends",
        (cheap_short, dear_roomy),
        None,
        says="if the bill matters",
    )


@pytest.fixture(scope="module")
def cases(catalogue: Catalogue) -> list[Case]:
    return list(_cases(catalogue))


def _card(case: Case, catalogue: Catalogue) -> VerdictCard:
    known = {**catalogue.by_slug, **{t.slug: t for t in case.tools}}
    return build_card(
        case.tools,
        case.votes,
        panel=catalogue.panel,
        known=known,
        rules=catalogue.panel_rules,
        use_case=case.use_case,
        today=TODAY,
    )


def test_the_table_holds_at_least_sixty_clear_pairs(cases: list[Case]) -> None:
    assert len(cases) >= 60


def test_every_clear_pair_gets_the_careful_answer(cases: list[Case], catalogue: Catalogue) -> None:
    wrong = []
    for case in cases:
        card = _card(case, catalogue)
        if card.verdict.pick != case.expect or case.says not in card.verdict.reason:
            wrong.append(f"{case.name}: picked {card.verdict.pick} — {card.verdict.reason}")
    assert not wrong, "\n".join(wrong)


def test_no_card_ships_a_retired_model_or_says_on_your_own_trial(
    cases: list[Case], catalogue: Catalogue
) -> None:
    for case in cases:
        card = _card(case, catalogue)
        picked = next((c for c in card.tools if c.slug == card.verdict.pick), None)
        assert picked is None or picked.status != "retired", case.name
        rendered = text.render_card(card)
        assert "on your own trial" not in rendered, case.name


def test_the_quote_that_tips_it_always_ships_the_pick(
    cases: list[Case], catalogue: Catalogue
) -> None:
    for case in cases:
        card = _card(case, catalogue)
        for persona in card.verdict.quoted:
            split = next(p for p in card.reviewer_split if p.persona == persona)
            take = next(t for t in split.takes if t.slug == card.verdict.pick)
            assert take.verdict == "ship", case.name
            assert not any(w in take.take.casefold() for w in ("deprecat", "shut", "retire"))


def test_a_quote_against_the_picks_future_never_tips_it(catalogue: Catalogue) -> None:
    """GPT-4o mini's Skeptic ships it "now deprecated, with a shutdown date": not a reason."""
    mini = _live(catalogue.by_slug["gpt-4o-mini"])
    other = _panel(_live(catalogue.by_slug["claude-haiku-4-5"]), 1)
    card = build_card([mini, other], {}, panel=catalogue.panel, today=TODAY)
    assert card.verdict.pick == mini.slug
    assert "shutdown" not in card.verdict.reason


def test_a_tool_with_too_few_facts_sits_out_while_the_others_are_judged(
    catalogue: Catalogue,
) -> None:
    """Three tools, one the data says too little about: the other two are still weighed
    (here a 10× price gap decides), and the card says who sat out; with two, no guess."""
    base = _live(catalogue.by_slug["gpt-4o-mini"])
    cheap = _priced(_unreviewed(base, "cheap", "Cheap"), 0.1, 0.4)
    dear = _priced(_unreviewed(base, "dear", "Dear"), 1.0, 4.0)
    bare = _unreviewed(base, "bare", "Bare").model_copy(update={"facts": Facts()})
    card = build_card(
        [dear, bare, cheap], {}, panel=catalogue.panel, rules=catalogue.panel_rules, today=TODAY
    )
    assert card.verdict.pick == "cheap"
    assert card.verdict.reason.startswith("Too few facts to judge Bare, so it is left out.")
    assert "10× cheaper" in card.verdict.reason
    pair = build_card([dear, bare], {}, panel=catalogue.panel, rules=catalogue.panel_rules)
    assert pair.verdict.pick is None and "Too few facts to judge Bare" in pair.verdict.reason


def test_on_a_budget_open_weights_are_priced_at_what_their_hosts_charge(
    catalogue: Catalogue,
) -> None:
    """Free weights are not free tokens: the card says what hosts charge against the other's
    price, or that the weights are free only on your own hardware."""
    llama = _live(catalogue.by_slug["llama-3-3-70b"]).model_copy(update={"offers": ()})
    paid = _live(catalogue.by_slug["gpt-5-mini"])
    host = Offer(
        provider="groq",
        provider_name="Groq",
        model_id="llama-3.3-70b",
        input_usd_per_mtok=0.59,
        output_usd_per_mtok=0.79,
        url="https://groq.com/pricing",
    )
    hosted = llama.model_copy(update={"offers": (host,)})
    for tool, says in [
        (hosted, "it has free weights, and hosts sell it at $0.79 per 1M output tokens against "),
        (llama, "it has free weights to run on your own hardware, against $2.00 per 1M output"),
    ]:
        card = build_card([paid, tool], {}, panel=catalogue.panel, use_case=UseCase.BUDGET)
        assert card.verdict.pick == "llama-3-3-70b"
        assert says in card.verdict.reason and "costs nothing" not in card.verdict.reason


def test_a_split_of_three_names_the_tool_with_no_case_of_its_own(catalogue: Catalogue) -> None:
    """ "Pick A for the hardest work; C if the bill matters" must not leave B unexplained."""
    base = _live(catalogue.by_slug["gpt-4o-mini"])
    large = _priced(_unreviewed(base, "alpha-pro", "Alpha Pro"), 4.0, 20.0)
    plain = _priced(_unreviewed(base, "beta", "Beta"), 4.0, 20.0)
    small = _priced(_unreviewed(base, "gamma-flash", "Gamma Flash"), 0.5, 2.0)
    card = build_card(
        [large, plain, small], {}, panel=catalogue.panel, rules=catalogue.panel_rules, today=TODAY
    )
    assert card.verdict.pick is None
    assert card.verdict.reason == (
        "Pick Alpha Pro for the hardest work (a larger model tier); Gamma Flash if the bill "
        "matters (10× cheaper per output token). Beta has nothing the others lack."
    )


def _only_ships(tool: Tool, persona: str, take: str) -> Tool:
    """Only `persona` ships it, in the words `take`; every other reviewer skips."""
    panel = {
        slug: Review(
            verdict="ship" if slug == persona else "skip",
            take=take if slug == persona else r.take,
            body=r.body,
        )
        for slug, r in tool.panel.items()
    }
    return tool.model_copy(update={"panel": panel})


@pytest.mark.parametrize(
    ("persona", "take"),
    [
        (  # the reviewer's own words in the catalogue
            "skeptic",
            "Costly, and newer Claude models exist, but few 2024 models broke less often on "
            "real code.",
        ),
        ("buyer", "At $15 out per million it is expensive, and worth it for hard code."),
    ],
)
def test_a_quote_naming_the_picks_weakness_never_tips_it(
    catalogue: Catalogue, persona: str, take: str
) -> None:
    """The winner's only shipping take complains about its price: the card says the score and
    a fact of its own instead of quoting the complaint as the reason to pick it."""
    sonnet = _only_ships(_live(catalogue.by_slug["claude-3-5-sonnet"]), persona, take)
    nobody = _panel(_live(catalogue.by_slug["gpt-4o"]), 0)
    card = build_card([nobody, sonnet], {}, panel=catalogue.panel, today=TODAY)
    assert card.verdict.pick == "claude-3-5-sonnet"
    assert card.verdict.quoted == ()
    assert take not in card.verdict.reason and "tips it" not in card.verdict.reason
    assert card.verdict.reason.startswith("1 of 4 reviewers ship Claude 3.5 Sonnet")
    assert "It also holds 1.6× the context of GPT-4o, 200K tokens." in card.verdict.reason
    assert take not in text.render_card(card).split("Tool ")[0]  # not in the headline lines


@pytest.mark.parametrize("use_case", [None, *UseCase])
def test_every_catalogue_pair_gets_a_card_for_every_use_case(
    catalogue: Catalogue, use_case: UseCase | None
) -> None:
    """No pair of real tools crashes the rules, and none ships a retired tool or says "on
    your own trial", whatever it is asked for."""
    for a, b in itertools.permutations(catalogue.tools, 2):
        card = build_card(
            [a, b],
            {},
            panel=catalogue.panel,
            known=catalogue.by_slug,
            rules=catalogue.panel_rules,
            use_case=use_case,
            today=TODAY,
        )
        picked = next((c for c in card.tools if c.slug == card.verdict.pick), None)
        assert picked is None or picked.status != "retired"
        assert "on your own trial" not in card.verdict.reason
        assert card.verdict.reason


def test_the_only_tool_that_may_fit_wins_and_says_what_to_check(catalogue: Catalogue) -> None:
    base = _live(catalogue.by_slug["gpt-4o-mini"])
    maybe = _facts(_unreviewed(base, "maybe", "Maybe"), modalities=[])
    blind = _facts(_unreviewed(base, "blind", "Blind"), modalities=["text"])
    votes = {s: CommunityTally(votes=50, ship_pct=50) for s in ("maybe", "blind")}
    card = build_card(
        [blind, maybe],
        votes,
        panel=catalogue.panel,
        rules=catalogue.panel_rules,
        use_case=UseCase.VISION,
        today=TODAY,
    )
    assert card.verdict.pick == "maybe"
    assert card.verdict.reason == (
        "Blind does not read images. Maybe is the only one that may fit vision; check that it "
        "reads images."
    )
