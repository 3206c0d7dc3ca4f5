"""The Discord platform: the bot (gateway, slash commands, buttons), embeds, doctor checks."""
