"""Anonymised vote exports for analysis: voters appear only as salted hashes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.votes.store import StoredVote

FIELDS = ("card", "platform", "card_created_at", "tools", "choice", "voter", "voted_at")


def _row(vote: StoredVote) -> dict[str, object]:
    return {
        "card": vote.card_id,
        "platform": vote.platform,
        "card_created_at": vote.card_created_at,
        "tools": " ".join(vote.tools),
        "choice": vote.choice,
        "voter": vote.voter,
        "voted_at": datetime.fromtimestamp(vote.event_time, UTC).isoformat(),
    }


def votes_csv(votes: Sequence[StoredVote]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_row(v) for v in votes)
    return out.getvalue()


def votes_json(votes: Sequence[StoredVote]) -> str:
    rows = [{**_row(v), "tools": list(v.tools)} for v in votes]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
