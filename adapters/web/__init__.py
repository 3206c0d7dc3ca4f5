"""The web pages: a live page per comparison and per tool, the leaderboard, the weekly
archive and its Atom feed, rendered from the same core models as the chat card."""

from adapters.web.app import WebSite, add_web_routes, build_web_app, serve_forever, start_web

__all__ = ["WebSite", "add_web_routes", "build_web_app", "serve_forever", "start_web"]
