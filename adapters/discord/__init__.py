"""The Discord platform: the bot (gateway, slash commands, buttons), its embeds, its doctor checks."""
