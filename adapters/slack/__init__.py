"""The Slack platform: the Bolt app (HTTP, Socket Mode), Block Kit, doctor checks, manifests."""
