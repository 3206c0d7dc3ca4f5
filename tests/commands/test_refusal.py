"""Who is refused a channel change is decided in the core from `Rights`; the words are the
platform's: "Only …, or a bot admin" where there are bot admins, or its own sentence."""

from __future__ import annotations

from bot import commands


def test_a_refusal_names_who_holds_the_rights_where_the_platform_has_bot_admins() -> None:
    chat = commands.Surface(name="chat", admins="a workspace admin or owner")
    rights = chat.request("c1", "mallory").rights
    assert commands.not_allowed(rights) == (
        "Only a workspace admin or owner, or a bot admin, can do that."
    )


def test_a_platform_without_bot_admins_refuses_in_its_own_words() -> None:
    own = "Weekly verdicts need the Manage Server permission."
    chat = commands.Surface(name="chat", refusal=own)
    assert commands.not_allowed(chat.request("c1", "mallory").rights) == own
