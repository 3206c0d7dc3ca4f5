"""How the leaderboard's ranks, bands, preliminary and not-comparable tools and head-to-head
pairs are said, once for every surface (chat, CLI, web, PNG): plain text, escaped by each."""

from __future__ import annotations

from bot.votes.leaderboard import Leaderboard, LeaderboardEntry, PairRecord

RANKS_MEANING = (
    "Rank: 1 + the tools whose band lies wholly above; tools whose bands overlap share a rank, "
    "and the range after it is every rank the bands allow."
)
"""What a rank and its spread are, said under every ranked board."""


def rank_text(entry: LeaderboardEntry) -> str:
    """ "3" when the bands fix the place, "3 (3–7)" with the spread they allow."""
    if entry.rank is None:
        return ""
    if entry.lowest_rank is None or entry.lowest_rank == entry.rank:
        return str(entry.rank)
    return f"{entry.rank} ({entry.rank}–{entry.lowest_rank})"


def band_text(entry: LeaderboardEntry) -> str:
    """ "1612 (1580–1644)": the rating and its 95% band."""
    return f"{entry.rating} ({entry.low}–{entry.high})"


def votes_text(count: int) -> str:
    return f"{count:,} vote{'' if count == 1 else 's'}"


def preliminary_text(board: Leaderboard) -> str | None:
    """ "Preliminary (under 10 votes, not ranked): X 1964 (1500–2400), 3 votes; …" """
    if not board.unranked:
        return None
    parts = [
        f"{e.name} {band_text(e)}, {votes_text(e.votes)}"
        if e.rating is not None
        else f"{e.name}, {votes_text(e.votes)}"
        for e in board.unranked
    ]
    return f"Preliminary (under {board.min_votes} votes, not ranked): {'; '.join(parts)}."


def not_comparable_text(board: Leaderboard) -> str | None:
    """Tools the votes do not link to the ranked ones, and what they were compared with."""
    if not board.not_comparable:
        return None
    parts = [f"{e.name} ({apart_reason(e)}), {votes_text(e.votes)}" for e in board.not_comparable]
    return f"Not comparable yet (no votes link them to the tools above): {'; '.join(parts)}."


def apart_reason(entry: LeaderboardEntry) -> str:
    if entry.compared_with:
        return "compared only with " + ", ".join(entry.compared_with)
    return "never compared with another tool of this board"


def record_text(pair: PairRecord) -> str:
    """ "20–10 of 30 votes" for a voted pair, "never voted on" otherwise."""
    if not pair.voted:
        return "never voted on"
    return f"{pair.first_wins}–{pair.second_wins} of {votes_text(pair.votes)}"


def chance_text(pair: PairRecord) -> str:
    """ "fit: GPT-5 67%" beside a record; "predicted: GPT-5 80%" where no vote compared the
    two (the fit's chance from every other vote is all there is)."""
    chance = f"{pair.first_name} {round(pair.first_chance * 100)}%"
    return f"fit: {chance}" if pair.voted else f"predicted: {chance}"


def pair_line(pair: PairRecord) -> str:
    """ "GPT-5 vs GPT-4o: 20–10 of 30 votes; fit: GPT-5 67%" """
    return f"{pair.first_name} vs {pair.second_name}: {record_text(pair)}; {chance_text(pair)}"
