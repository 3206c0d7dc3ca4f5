"""The Slack platform: the Bolt app (HTTP and Socket Mode), Block Kit, its doctor checks, manifests."""
