"""Which tool a card picks, in order: lifecycle, the use case asked, the panel, the community,
then capabilities and price within one capability class; "it depends" only with a split a person
can act on. Price decides only within one kind: seat prices between products, token prices
between models; an app and a model are weighed by everything but price. The rules live here;
every sentence they produce is worded in `reason.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.catalogue import Panel, Tool, cost_key, live_successor
from bot.compare import reason
from bot.compare.kinds import mixed, not_on_price
from bot.compare.panel_takes import Take
from bot.compare.signals import Status, blended_price, larger_tier, reads_images
from bot.compare.use_cases import LEAD_PERSONA, UseCase, meets
from bot.votes import CommunityTally, clearly_ahead

COMMUNITY_MIN_VOTES = 10
"""Below this many votes a tool's community share is noise and does not decide a verdict."""
SHUTDOWN_SOON = dt.timedelta(days=90)
"""A tool whose shutdown day is this close is not one to start on: it loses to any live tool
whose shutdown is not that close, whatever its capabilities (a team would migrate within weeks)."""
REVIEWED_PANEL = 3
"""Takes a reviewer wrote, of four, for a tool's panel score to weigh in the verdict: a panel
computed from facts restates the facts, which the capability and price steps already weigh."""

DecidedBy = Literal[
    "lifecycle",
    "use case",
    "panel",
    "community",
    "capabilities",
    "price",
    "tie",
    "depends",
    "too few facts",
]


@dataclass(frozen=True)
class Contender:
    tool: Tool
    status: Status
    takes: Mapping[str, Take]
    tally: CommunityTally
    judged: bool = True
    """False for a tool with too few facts to judge (no review, under `min_facts`)."""

    @property
    def reviewed_takes(self) -> int:
        return sum(not t.from_facts for t in self.takes.values())

    @property
    def ships(self) -> int:
        return sum(t.verdict == "ship" for t in self.takes.values())

    @property
    def ship_share(self) -> float:
        return self.ships / len(self.takes) if self.takes else 0.0


@dataclass(frozen=True)
class Decision:
    pick: str | None
    reason: str
    decided_by: DecidedBy
    situations: tuple[str, ...] = ()
    quoted: tuple[str, ...] = ()
    instead: tuple[str, ...] = ()
    """On a card with a retired tool: the same comparison with its live successor."""


def successor_comparison(
    tools: Sequence[Tool], known: Mapping[str, Tool], today: dt.date
) -> tuple[str, ...]:
    """The same comparison with each retired tool replaced by its live successor; () when
    none is retired, one has no live successor, or two would become the same tool."""
    if all(t.status_on(today) != "retired" for t in tools):
        return ()
    slugs: list[str] = []
    for tool in tools:
        if tool.status_on(today) == "retired":
            successor = live_successor(tool, known, today)
            if successor is None:
                return ()
            slugs.append(successor.slug)
        else:
            slugs.append(tool.slug)
    return tuple(slugs) if len(set(slugs)) == len(slugs) else ()


def _closes_soon(tool: Tool, today: dt.date) -> bool:
    """Shuts down within `SHUTDOWN_SOON`, or is deprecated with no day announced: its maker
    said it goes "in the near future", so it may be any day."""
    shut = tool.lifecycle.retired_on
    if shut is None:
        return tool.status_on(today) == "deprecated"
    return today < shut <= today + SHUTDOWN_SOON


def _prefer_active(leaders: list[Contender]) -> tuple[list[Contender], list[Contender]]:
    """A deprecated tool loses every tie to an active one: (who stays, who lost)."""
    active = [c for c in leaders if c.status == "active"]
    if active and len(active) < len(leaders):
        return active, [c for c in leaders if c.status != "active"]
    return leaders, []


def _with_lifecycle(
    winner: Contender, lost: Sequence[Contender], why: str, decided_by: DecidedBy, notes: list[str]
) -> Decision:
    text = reason.deprecated_tiebreak(winner.tool, [c.tool for c in lost], why)
    return Decision(winner.tool.slug, reason.joined([*notes, text]), decided_by)


class _PanelTie(str):
    """The note saying the panel tied: the community's tie joins it in one clause."""

    __slots__ = ()


def decide(
    contenders: Sequence[Contender],
    *,
    panel: Panel,
    use_case: UseCase | None,
    known: Mapping[str, Tool],
    today: dt.date,
) -> Decision:
    if len(contenders) < 2:  # a tool's own page: nothing to weigh it against
        only = contenders[0].tool if contenders else None
        return Decision(only.slug if only else None, "", "panel")
    notes: list[str] = []
    instead = successor_comparison([c.tool for c in contenders], known, today)
    retired = [c for c in contenders if c.status == "retired"]
    live = [c for c in contenders if c.status != "retired"]
    if retired:
        successors = [live_successor(c.tool, known, today) for c in retired]
        notes.append(reason.retired(retired[0].tool, [c.tool for c in retired], successors))
        if not live:
            return Decision(None, reason.joined(notes), "lifecycle", instead=instead)
        if len(live) == 1:
            text = reason.only_live(live[0].tool)
            return Decision(
                live[0].tool.slug, reason.joined([*notes, text]), "lifecycle", instead=instead
            )
    closing = [c for c in live if _closes_soon(c.tool, today)]
    lasting = [
        c
        for c in live
        if c.judged
        and not _closes_soon(c.tool, today)
        and (use_case is None or meets(c.tool, use_case) is not False)
    ]
    closing_note = reason.closing_soon(
        [c.tool for c in closing], [live_successor(c.tool, known, today) for c in closing], today
    )
    if closing and lasting:  # one that stays and can do the job: never start on a closing one
        notes.append(closing_note)
        live = [c for c in live if not _closes_soon(c.tool, today)]
        if len(live) == 1 and live[0].judged:
            text = reason.only_lasting(live[0].tool)
            return Decision(
                live[0].tool.slug, reason.joined([*notes, text]), "lifecycle", instead=instead
            )
    decision = _decide_live(live, panel=panel, use_case=use_case, notes=notes)
    picked = [c for c in closing if c.tool.slug == decision.pick]
    if picked and not lasting:  # the pick itself is closing: say when, after why it wins
        note = reason.closing_soon(
            [picked[0].tool], [live_successor(picked[0].tool, known, today)], today
        )
        decision = replace(decision, reason=reason.joined([decision.reason, note]))
    if instead:
        return Decision(
            decision.pick,
            decision.reason,
            decision.decided_by,
            decision.situations,
            decision.quoted,
            instead,
        )
    return decision


def _decide_live(
    live: list[Contender], *, panel: Panel, use_case: UseCase | None, notes: list[str]
) -> Decision:
    if use_case is not None:
        found = _use_case_step(live, use_case, notes)
        if isinstance(found, Decision):
            return found
        live = found
    if all(c.reviewed_takes >= REVIEWED_PANEL for c in live):
        found = _panel_step(live, panel, use_case, notes)
        if isinstance(found, Decision):
            return found
        live = found
    found = _community_step(live, notes)
    if isinstance(found, Decision):
        return found
    live = found
    return _capability_step(live, notes)


def _use_case_step(
    live: list[Contender], use_case: UseCase, notes: list[str]
) -> Decision | list[Contender]:
    """A tool missing what the use case needs loses; one the data cannot vouch for loses to
    one it can. Budget: the clearly cheaper tool wins."""
    if use_case is UseCase.BUDGET:
        if _across_kinds(live):
            notes.append(not_on_price([c.tool for c in live]))
            return live
        return _cheaper_step(live, notes, "use case") or live
    fits = {c.tool.slug: meets(c.tool, use_case) for c in live}
    yes = [c for c in live if fits[c.tool.slug] is True]
    no = [c for c in live if fits[c.tool.slug] is False]
    if len(no) == len(live):
        text = reason.none_fit([c.tool for c in no], use_case)
        return Decision(None, reason.joined([*notes, text]), "use case")
    if not yes:
        if no:
            notes.append(reason.lacks([c.tool for c in no], use_case))
        unknown = [c for c in live if fits[c.tool.slug] is None]
        if len(unknown) == 1:  # the others lack it: the one that may have it wins
            text = reason.may_fit(unknown[0].tool, use_case)
            return Decision(unknown[0].tool.slug, reason.joined([*notes, text]), "use case")
        if len(unknown) < len(live):
            return unknown
        notes.append(reason.unknown_fit([c.tool for c in unknown], use_case))
        return unknown
    losers = [c for c in live if fits[c.tool.slug] is not True]
    if losers:
        notes.append(
            reason.lacks(
                [c.tool for c in losers if fits[c.tool.slug] is False],
                use_case,
                unknown=[c.tool for c in losers if fits[c.tool.slug] is None],
            )
        )
    if len(yes) == 1 and losers:
        text = reason.fits(yes[0].tool, use_case)
        return Decision(yes[0].tool.slug, reason.joined([*notes, text]), "use case")
    return yes


def _panel_step(
    live: list[Contender], panel: Panel, use_case: UseCase | None, notes: list[str]
) -> Decision | list[Contender]:
    top = max(c.ship_share for c in live)
    leaders = [c for c in live if c.ship_share == top]
    if len(leaders) == 1:
        return _panel_win(leaders[0], [c for c in live if c is not leaders[0]], panel, notes)
    lead = LEAD_PERSONA.get(use_case) if use_case else None
    if lead is not None:
        shipping = [c for c in leaders if lead in c.takes and c.takes[lead].verdict == "ship"]
        if len(shipping) == 1 and reason.supports(shipping[0].takes[lead].take):
            winner = shipping[0]
            persona = next(p for p in panel.personas if p.slug == lead)
            text = reason.lead_persona(
                winner.tool, persona.name, winner.takes[lead].take, use_case or UseCase.CODING
            )
            return Decision(
                winner.tool.slug, reason.joined([*notes, text]), "panel", quoted=(lead,)
            )
    stay, lost = _prefer_active(leaders)
    if len(stay) == 1:
        return _with_lifecycle(stay[0], lost, reason.panel_tie_words(), "lifecycle", notes)
    scores = [(c.ships, len(c.takes)) for c in leaders]
    tie = reason.panel_tie([c.tool for c in leaders], scores, len(leaders) == len(live))
    notes.append(_PanelTie(tie))
    return stay


def _panel_win(
    winner: Contender, others: Sequence[Contender], panel: Panel, notes: list[str]
) -> Decision:
    def skips_others(persona: str) -> int:
        return sum(
            o.takes.get(persona) is not None and o.takes[persona].verdict == "skip" for o in others
        )

    deciders = [
        p
        for p in panel.personas
        if p.slug in winner.takes
        and winner.takes[p.slug].verdict == "ship"
        and skips_others(p.slug)
        and reason.supports(winner.takes[p.slug].take)
    ]
    tipping = max(deciders, key=lambda p: skips_others(p.slug)) if deciders else None
    text = reason.panel_win(
        winner.tool,
        (winner.ships, len(winner.takes)),
        [(o.tool, o.ships, len(o.takes)) for o in others],
        (tipping.name, winner.takes[tipping.slug].take) if tipping else None,
        [o.tool for o in others],
        said=len(reason.joined(notes)),
    )
    quoted = (tipping.slug,) if tipping else ()
    return Decision(winner.tool.slug, reason.joined([*notes, text]), "panel", quoted=quoted)


def overlaps(a: CommunityTally, b: CommunityTally) -> bool:
    """Neither share is clearly ahead of the other: the margin may be chance."""
    return not clearly_ahead(a, b) and not clearly_ahead(b, a)


def _community_step(live: list[Contender], notes: list[str]) -> Decision | list[Contender]:
    if not all(c.tally.votes >= COMMUNITY_MIN_VOTES for c in live):
        return live
    ranked = sorted(live, key=lambda c: -(c.tally.ship_pct or 0))
    best, runner = ranked[0], ranked[1]
    if not overlaps(best.tally, runner.tally):
        text = reason.community_win(best.tool, best.tally, [(c.tool, c.tally) for c in ranked[1:]])
        return Decision(best.tool.slug, reason.joined([*notes, text]), "community")
    tied = [c for c in live if overlaps(c.tally, best.tally)]
    stay, lost = _prefer_active(tied)
    if len(stay) == 1:
        return _with_lifecycle(stay[0], lost, reason.community_tie_words(), "lifecycle", notes)
    if notes and isinstance(notes[-1], _PanelTie):  # one clause for both ties: shorter
        notes[-1] = reason.panel_and_community_tie(notes[-1])
    else:
        notes.append(reason.community_tie([(c.tool, c.tally) for c in tied]))
    return stay


def _cheaper_step(
    live: list[Contender], notes: list[str], decided_by: DecidedBy
) -> Decision | None:
    """The cheapest tool, when it is clearly cheaper than the next (WORTH_SAYING); never
    between an app and a model."""
    if _across_kinds(live):
        return None
    priced = [(c, _price(c.tool)) for c in live]
    if any(p is None for _, p in priced):
        return None
    ranked = sorted(priced, key=lambda cp: cp[1] or 0.0)
    (cheapest, low), (runner, high) = ranked[0], ranked[1]
    if not reason.clearly_cheaper(low or 0.0, high or 0.0):
        return None
    text = reason.cheaper(cheapest.tool, runner.tool, decided_by == "use case")
    return Decision(cheapest.tool.slug, reason.joined([*notes, text]), decided_by)


def _price(tool: Tool) -> float | None:
    """A model's blended token price; a product's seat price (free software at 0): comparable
    only with a tool of the same kind."""
    if tool.is_product:
        seat = cost_key(tool)[0]
        return None if seat == float("inf") else seat
    return 0.0 if tool.pricing.model == "self-hosted" else blended_price(tool)


def _across_kinds(live: Sequence[Contender]) -> bool:
    return mixed([c.tool for c in live])


def edges(tool: Tool, other: Tool) -> list[str]:
    """Capabilities `tool` is known to have that `other` is known to lack."""
    found = []
    mine, theirs = reason.context_rank(tool), reason.context_rank(other)
    if mine is not None and theirs is not None and mine > theirs:
        found.append("context")
    if larger_tier(tool, other):
        found.append("tier")
    if reads_images(tool) is True and reads_images(other) is False:
        found.append("images")
    for name in ("tool_calling", "reasoning", "structured_output"):
        if getattr(tool.facts, name) is True and getattr(other.facts, name) is False:
            found.append(name)
    return found


def _capability_step(live: list[Contender], notes: list[str]) -> Decision:
    """Capabilities, then price within one capability class; a split only where each side has
    a fact for it; otherwise a tie, called one. A tool with too few facts is not guessed at."""
    unknown = [c.tool for c in live if not c.judged]
    if unknown and sum(c.judged for c in live) < 2:
        text = reason.too_few_facts(unknown)
        return Decision(None, reason.joined([*notes, text]), "too few facts")
    if unknown:  # the others are still worth weighing against each other
        notes.append(reason.left_out(unknown))
        live = [c for c in live if c.judged]
    undominated = [
        c
        for c in live
        if not any(
            edges(o.tool, c.tool) and not edges(c.tool, o.tool) and not _pricier(o, c)
            for o in live
            if o is not c
        )
    ]
    if len(undominated) == 1 and len(live) > 1:
        winner = undominated[0]
        others = [c.tool for c in live if c is not winner]
        won_on = [edges(winner.tool, o) for o in others]
        text = reason.capability_win(
            winner.tool, others, won_on, premium=_premium(winner.tool, others)
        )
        return Decision(winner.tool.slug, reason.joined([*notes, text]), "capabilities")
    live = undominated or live
    same_class = all(not edges(a.tool, b.tool) for a in live for b in live if a is not b)
    if same_class:
        found = _cheaper_step(live, notes, "price")
        if found is not None:
            return found
        across = _across_kinds(live)
        if across:
            notes.append(not_on_price([c.tool for c in live]))
        stay, lost = _prefer_active(live)
        if len(stay) == 1:
            return _with_lifecycle(stay[0], lost, reason.facts_tie_words(), "lifecycle", notes)
        if all(c.tool.reviewed for c in stay):  # the reviewers named each one's best use
            uses = tuple(reason.best_use(c.tool) for c in stay)
            return Decision(
                None, reason.joined([*notes, reason.depends(uses)]), "depends", situations=uses
            )
        text = reason.no_fact_tips() if across else reason.too_close([c.tool for c in stay])
        return Decision(None, reason.joined([*notes, text]), "tie")
    situations = tuple(
        s for s in (_situation(c.tool, [o.tool for o in live if o is not c]) for c in live) if s
    )
    if len(situations) < 2:
        stay, lost = _prefer_active(live)
        text = reason.too_close([c.tool for c in stay])
        return Decision(None, reason.joined([*notes, text]), "tie")
    text = reason.depends(situations)
    idle = [
        c.tool for c in live if _situation(c.tool, [o.tool for o in live if o is not c]) is None
    ]
    if idle:  # a tool the split does not name is said to have no case, not left unexplained
        text = reason.joined([text, reason.no_case(idle)])
    return Decision(None, reason.joined([*notes, text]), "depends", situations=situations)


def _situation(tool: Tool, others: Sequence[Tool]) -> str | None:
    """What a person would pick this tool for: a capability the others lack, else the bill."""
    for other in others:
        found = edges(tool, other)
        if found:
            return reason.needs_situation(tool, found[0], other)
    for other in others:
        if other.is_product != tool.is_product:
            continue  # a seat price is no bill to weigh against a token price
        found_bill = reason.bill_situation(tool, other)
        if found_bill:
            return found_bill
    return None


def _premium(winner: Tool, others: Sequence[Tool]) -> float | None:
    """How much dearer `winner` is than the cheapest of `others`, None where any price is
    unknown or in another unit: a winner within `WORTH_SAYING` of a cheaper tool still wins on
    capabilities, and the reason says what it costs rather than "at no higher price"."""
    if not all(_same_unit(winner, o) for o in others):
        return None
    mine, cheapest = _price(winner), min(_price(o) or 0.0 for o in others)
    if mine is None or mine <= cheapest:
        return 0.0
    return None if cheapest == 0 else mine / cheapest - 1


def _same_unit(a: Tool, b: Tool) -> bool:
    """Both prices are known and in one unit: a transcriber's per-minute price says nothing
    of a per-token one, so no "at no higher price" across them."""
    return a.is_product == b.is_product and _price(a) is not None and _price(b) is not None


def _pricier(a: Contender, b: Contender) -> bool:
    """`a` is clearly pricier than `b` (so its extra capability is a trade, not a win)."""
    if a.tool.is_product != b.tool.is_product:
        return False  # prices in different kinds are not weighed
    pa, pb = _price(a.tool), _price(b.tool)
    return pa is not None and pb is not None and reason.clearly_cheaper(pb, pa)
