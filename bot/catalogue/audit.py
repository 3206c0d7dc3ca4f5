"""`verdict catalogue audit`: what the whole catalogue does not know or gets wrong, counted.

Pure: a merged catalogue and a day in, a report out; the command prints it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from bot.catalogue.dataset import NOT_STATED
from bot.catalogue.makers import NO_MAKER
from bot.catalogue.model_ids import model_key, snapshot_of
from bot.catalogue.models import Catalogue, Offer, Tool
from bot.catalogue.names import normalise

OUTLIER_FACTOR = 3.0
"""An offer more than this many times above or below the median of its model's offers."""


@dataclass(frozen=True, slots=True)
class AuditReport:
    day: dt.date
    tools: int
    no_context: tuple[str, ...]
    no_modalities: tuple[str, ...]
    no_maker: tuple[str, ...]
    no_release: tuple[str, ...]
    active_past_shutdown: tuple[str, ...]
    duplicates: tuple[tuple[str, ...], ...]
    price_outliers: tuple[str, ...]


def _blended(offer: Offer) -> float | None:
    if offer.input_usd_per_mtok is None or offer.output_usd_per_mtok is None:
        return None
    return (3 * offer.input_usd_per_mtok + offer.output_usd_per_mtok) / 4


def _outliers(tool: Tool) -> list[str]:
    priced = [(o, b) for o in tool.offers if (b := _blended(o)) is not None and b > 0]
    if len(priced) < 3:
        return []
    median = statistics.median(b for _, b in priced)
    return [
        f"{tool.slug}: {o.provider_name} ${b:.2f} vs median ${median:.2f}"
        for o, b in priced
        if b > median * OUTLIER_FACTOR or b * OUTLIER_FACTOR < median
    ]


def _model_of(tool: Tool) -> str:
    """The model a tool names, without its maker's name in front or a date behind ("Amazon Nova
    Pro" -> "nova pro", "Ministral 3 14B 2512" -> "ministral 3 14 b"): two tools with one key
    are one model listed twice. A name that is only its maker and a number keeps the maker."""
    words = normalise(tool.name).split()
    maker = normalise(tool.vendor).split()
    while (
        words
        and maker
        and words[0] == maker[0]
        and any(w.isalpha() and len(w) > 1 for w in words[1:])
    ):
        words, maker = words[1:], maker[1:]
    return model_key(snapshot_of("-".join(words)))


def _one_maker(slugs: list[str], catalogue: Catalogue) -> bool:
    """Whether tools of one model key are one maker's (or of a maker not stated): "DeepSeek OCR
    2" and "Mistral OCR 2" read alike once their makers are dropped, and are two models."""
    makers = {
        normalise(t.vendor).split()[0]
        for s in slugs
        if (t := catalogue.by_slug[s]).vendor not in (NO_MAKER, NOT_STATED) and normalise(t.vendor)
    }
    return len(makers) <= 1


def audit(catalogue: Catalogue, day: dt.date) -> AuditReport:
    groups: dict[str, list[str]] = defaultdict(list)
    # A product (an app, a library) has no context window or modalities of its own, and is
    # not a model listed twice ("GitHub Copilot" and "Microsoft Copilot" are two products).
    models = [t for t in catalogue.tools if not t.is_product]
    for tool in models:
        groups[_model_of(tool)].append(tool.slug)
    # Status is computed when read, so this counts tools a card would show as usable although
    # their shutdown day has passed: zero unless `Lifecycle.status_on` regresses.
    stale = [
        t.slug
        for t in catalogue.tools
        if t.status_on(day) != "retired"
        and t.lifecycle.retired_on is not None
        and t.lifecycle.retired_on <= day
    ]
    duplicates = [s for s in groups.values() if len(s) > 1 and _one_maker(s, catalogue)]
    return AuditReport(
        day=day,
        tools=len(catalogue.tools),
        no_context=tuple(t.slug for t in models if t.facts.context_window is None),
        no_modalities=tuple(t.slug for t in models if not t.facts.modalities),
        no_maker=tuple(t.slug for t in catalogue.tools if t.vendor in (NO_MAKER, NOT_STATED)),
        no_release=tuple(t.slug for t in catalogue.tools if t.released is None),
        active_past_shutdown=tuple(stale),
        duplicates=tuple(tuple(s) for s in duplicates),
        price_outliers=tuple(line for t in catalogue.tools for line in _outliers(t)),
    )


def render_audit(report: AuditReport, *, examples: int = 5) -> str:
    def line(label: str, found: tuple[str, ...]) -> str:
        shown = ", ".join(found[:examples]) + (", …" if len(found) > examples else "")
        return f"{label}: {len(found)}" + (f" ({shown})" if found else "")

    duplicates = tuple(" = ".join(group) for group in report.duplicates)
    return "\n".join(
        [
            f"catalogue audit, {report.day.isoformat()}: {report.tools} tools",
            line("no context window", report.no_context),
            line("no modalities", report.no_modalities),
            line("no maker", report.no_maker),
            line("no release date", report.no_release),
            line("shown active past their shutdown date", report.active_past_shutdown),
            line("models listed more than once", duplicates),
            line(
                f"offers more than {OUTLIER_FACTOR:g}x from their model's median",
                report.price_outliers,
            ),
        ]
    )
