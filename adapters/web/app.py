"""The verdicts on the web: aiohttp routes that render the core's models as pages.

`verdict web` runs these on their own (`run_web`). To serve them from a process that already
runs an aiohttp server, build one `WebSite` over that process's comparer and store and call
`add_web_routes(app, site)` before the app starts:

- `verdict slack` in HTTP mode: bolt's `AsyncApp.web_app()` is an `aiohttp.web.Application`;
  `add_web_routes(bolt_app.web_app(), WebSite(bot.comparer, bot.store, public_url=...))`, then
  run it as today (`/slack/events` and the pages share the port).
- `verdict discord`: the client has no HTTP server; when `VERDICT_PUBLIC_URL` is set, start one
  beside the client with `runner = await start_web(site, host, port)` and
  `await runner.cleanup()` on shutdown.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from adapters.heartbeat import heartbeat
from adapters.web import pages
from adapters.web.cache import Page, PageCache
from adapters.web.feed import weekly_feed
from adapters.web.listener import PageListener, WebLimits
from bot.catalogue import Catalogue, Tool
from bot.compare import (
    Comparer,
    UseCase,
    comparison_path,
    parse_query,
    split_use_case,
    tool_path,
)
from bot.compare.links import SEPARATOR
from bot.errors import AmbiguousTool, BadQuery, UnknownTool, VerdictError
from bot.votes import Leaderboard, Leaderboards, Store
from bot.weekly import WeeklyStore

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
MAX_TOOLS = 4
CACHE_CONTROL = "public, max-age=30"
"""A reverse proxy may serve a page for 30 s, then revalidates it with its ETag."""
LEADERBOARD_MIN_AGE = 10.0
"""The leaderboard is recounted at most this often while votes arrive."""
LEADERBOARD_WAIT = 0.5
"""How long a page waits for a due recount before showing the kept board: longer than chat's
50 ms, since a proxy caches the page and a fresh one is worth a little wait."""
LEADERBOARDS_KEPT = 64
FEED_ENTRIES = 50
SECURITY_HEADERS = {
    # No script runs on these pages; the policy says so, as a second guard behind escaping.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


class NotFound(Exception):
    """A page that does not exist; carries what the 404 page says and links to."""

    def __init__(self, message: str, links: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.links = list(links)


class WebSite:
    """The pages over one comparer (its catalogue) and one store, with their cache."""

    def __init__(
        self,
        comparer: Comparer,
        store: Store,
        *,
        public_url: str | None = None,
        cache_size: int = 2048,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.comparer = comparer
        self.store = store
        self.weekly = WeeklyStore(store)
        self.public_url = public_url.rstrip("/") if public_url else None
        self.cache = PageCache(cache_size)
        self.clock = clock
        # Its own kept boards, on the site's clock: recounted at most every
        # LEADERBOARD_MIN_AGE seconds while votes arrive.
        self.leaderboards = Leaderboards(
            store,
            refresh_seconds=LEADERBOARD_MIN_AGE,
            wait_seconds=LEADERBOARD_WAIT,
            clock=lambda: self.clock(),
        )
        # The page of each kept board, per category, use case and host; capped, since the host
        # is the visitor's Host header when no public URL is set.
        self._leaderboards: OrderedDict[
            tuple[str | None, str | None, str], tuple[Leaderboard, Page]
        ] = OrderedDict()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )

    @property
    def catalogue(self) -> Catalogue:
        return self.comparer.catalogue

    async def healthz(self, request: web.Request) -> web.Response:
        """200 while the vote database answers, 503 when not (for `verdict health` and load
        balancers); never cached."""
        try:
            ok = await self.store.healthy()
        except Exception:  # any failure of the database is "unhealthy", said by the status
            ok = False
        return web.Response(
            text="ok" if ok else "database unavailable",
            status=200 if ok else 503,
            headers={"Cache-Control": "no-store"},
        )

    def base_url(self, request: web.Request) -> str:
        """Absolute links (canonical, Open Graph, the feed's) use the public URL when one is
        set; without it they are relative to the page. Never the request's Host header: a
        stranger's Host would otherwise be written into a page a proxy caches for others."""
        return self.public_url or ""

    def render(self, template: str, context: dict[str, Any], base_url: str) -> bytes:
        html = self.templates.get_template(template).render(base_url=base_url, **context)
        return html.encode()

    # --- resolving addresses -------------------------------------------------------------

    def _tool_named(self, typed: str) -> Tool:
        return self.catalogue.by_slug.get(typed) or self.comparer.tool(typed)

    def _resolve(self, spec: str, use_case: UseCase | None = None) -> list[Tool]:
        parts = [p for p in spec.split(SEPARATOR)]
        if len(parts) > MAX_TOOLS or any(not p.strip() for p in parts):
            raise NotFound(
                f"A comparison names 2 to {MAX_TOOLS} tools, like /c/gpt-4o-vs-smolvlm2."
            )
        tools: list[Tool] = []
        for typed in parts:
            try:
                tools.append(self._tool_named(typed))
            except (UnknownTool, AmbiguousTool) as error:
                resolved = [t.slug for t in tools]
                asked = use_case.value if use_case else None
                links = pages.suggestion_links(error.suggestions, resolved, asked)
                raise NotFound(error.message, links) from None
        slugs = [t.slug for t in tools]
        if len(set(slugs)) != len(slugs):
            raise NotFound(
                "The same tool is named twice; name different tools to compare.",
                [(t.name, tool_path(t.slug)) for t in {t.slug: t for t in tools}.values()],
            )
        return tools

    # --- handlers ------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        reviewed = sorted((t for t in self.catalogue.tools if t.panel), key=lambda t: t.category)
        categories = [(c, list(ts)) for c, ts in groupby(reviewed, key=lambda t: t.category)]
        context = {
            "meta": pages.Meta(
                "Compare AI tools", "AI tools compared by a panel and the community.", "/"
            ),
            "categories": categories,
        }
        base = self.base_url(request)
        return _respond(request, Page.of(self.render("index.html", context, base)))

    async def ask(self, request: web.Request) -> web.StreamResponse:
        """The index form: a typed comparison ("A vs B for coding"), sent on to its page."""
        try:
            request_asked = parse_query(request.query.get("q", ""))
            tools = self.comparer.resolve_all(request_asked)
        except (UnknownTool, AmbiguousTool) as error:
            raise NotFound(error.message, pages.suggestion_links(error.suggestions, [])) from None
        except VerdictError as error:
            raise NotFound(error.message) from None
        asked = request_asked.use_case.value if request_asked.use_case else None
        raise web.HTTPSeeOther(comparison_path((t.slug for t in tools), use_case=asked))

    async def comparison(self, request: web.Request) -> web.StreamResponse:
        use_case = _use_case(request)
        tools = self._resolve(request.match_info["spec"], use_case)
        if len(tools) == 1:
            raise web.HTTPMovedPermanently(tool_path(tools[0].slug))
        asked = use_case.value if use_case else None
        canonical = comparison_path((t.slug for t in tools), use_case=asked)
        if request.path != canonical.partition("?")[0]:
            raise web.HTTPMovedPermanently(canonical)
        tools.sort(key=lambda t: t.slug)
        slugs = [t.slug for t in tools]
        base = self.base_url(request)
        today = dt.datetime.now(dt.UTC).date()  # lifecycle is read on the day the page is made
        key = ("c", canonical, base, today.isoformat())
        mark = _mark(await self.store.tally_marks(slugs))
        page = self.cache.get(key, mark)
        if page is None:
            tallies = await self.store.tool_tallies(slugs)
            card = self.comparer.card_for(tools, tallies, use_case=use_case, today=today)
            pair = await self.store.head_to_head(*slugs) if len(slugs) == 2 else None
            context = pages.comparison_page(
                card, tools, self.catalogue, pair if pair is not None and pair.votes else None
            )
            page = Page.of(self.render("comparison.html", context, base))
            self.cache.put(key, mark, page)
        return _respond(request, page)

    async def tool(self, request: web.Request) -> web.StreamResponse:
        typed = request.match_info["slug"]
        try:
            tool = self._tool_named(typed)
        except (UnknownTool, AmbiguousTool) as error:
            links = [(s.name, tool_path(s.slug)) for s in error.suggestions]
            raise NotFound(error.message, links) from None
        if request.path != tool_path(tool.slug):
            raise web.HTTPMovedPermanently(tool_path(tool.slug))
        base = self.base_url(request)
        key = ("t", tool.slug, base)
        mark = _mark(await self.store.tally_marks([tool.slug]))
        page = self.cache.get(key, mark)
        if page is None:
            card = self.comparer.card_for([tool], await self.store.tool_tallies([tool.slug]))
            context = pages.tool_page(card, tool, self.catalogue)
            page = Page.of(self.render("tool.html", context, base))
            self.cache.put(key, mark, page)
        return _respond(request, page)

    async def leaderboard(self, request: web.Request) -> web.StreamResponse:
        categories = sorted({t.category for t in self.catalogue.tools})
        category = request.query.get("category") or None
        if category is not None and category not in categories:
            raise NotFound(
                f'No category "{category}". Known: {", ".join(categories)}.',
                [(c, f"/leaderboard?category={c}") for c in categories],
            )
        use_case = _use_case(request)
        asked = use_case.value if use_case else None
        base = self.base_url(request)
        key = (category, asked, base)
        board = await self.leaderboards.board(self.catalogue.by_slug, category, use_case=asked)
        built = self._leaderboards.get(key)
        if built is None or built[0] is not board:  # a kept board is the same object
            context = pages.leaderboard_page(board, categories)
            built = (board, Page.of(self.render("leaderboard.html", context, base)))
            self._leaderboards[key] = built
            self._leaderboards.move_to_end(key)
            while len(self._leaderboards) > LEADERBOARDS_KEPT:
                self._leaderboards.popitem(last=False)
        return _respond(request, built[1])

    async def weekly_archive(self, request: web.Request) -> web.StreamResponse:
        posts = await self.weekly.public_posts()
        context = pages.weekly_page(posts, self.catalogue)
        page = Page.of(self.render("weekly.html", context, self.base_url(request)))
        return _respond(request, page)

    async def weekly_atom(self, request: web.Request) -> web.StreamResponse:
        posts = await self.weekly.public_posts(limit=FEED_ENTRIES)
        titles: dict[tuple[str, ...], str] = {}
        summaries: dict[tuple[str, ...], str] = {}
        links: dict[tuple[str, ...], str] = {}
        for post in posts:
            if post.tools in titles:
                continue
            entry = pages.weekly_entry(post, self.catalogue)
            titles[post.tools] = entry["title"]
            known = [self.catalogue.by_slug[s] for s in post.tools if s in self.catalogue.by_slug]
            if entry["url"] is not None:
                links[post.tools] = entry["url"]
                card = self.comparer.card_for(known, await self.store.tool_tallies(post.tools))
                summaries[post.tools] = f"{pages.verdict_headline(card)} {card.verdict.reason}"
            else:
                summaries[post.tools] = "This comparison is no longer in the catalogue."
        body = weekly_feed(
            posts,
            base_url=self.base_url(request),
            titles=titles,
            summaries=summaries,
            links=links,
        )
        return _respond(request, Page.of(body), content_type="application/atom+xml")

    def not_found(self, request: web.Request, error: NotFound) -> web.Response:
        context = pages.not_found_page(error.message, error.links, path=request.path)
        body = self.render("not_found.html", context, self.base_url(request))
        return web.Response(
            body=body,
            status=404,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": CACHE_CONTROL, **SECURITY_HEADERS},
        )


def _mark(marks: dict[str, tuple[int, int]]) -> tuple[tuple[str, int, int], ...]:
    return tuple((slug, votes, wins) for slug, (votes, wins) in sorted(marks.items()))


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


def _use_case(request: web.Request) -> UseCase | None:
    """`?for=coding` (any phrasing `/compare … for …` takes, e.g. `?for=long context`)."""
    typed = request.query.get("for", "").strip()
    if not typed:
        return None
    try:
        return split_use_case(f"x vs y for {typed}")[1]
    except VerdictError as error:
        raise NotFound(error.message) from None


def _respond(request: web.Request, page: Page, *, content_type: str = "text/html") -> web.Response:
    headers = {"ETag": page.etag, "Cache-Control": CACHE_CONTROL, **SECURITY_HEADERS}
    if _matches(request.headers.get("If-None-Match"), page.etag):
        return web.Response(status=304, headers=headers)
    return web.Response(body=page.body, content_type=content_type, charset="utf-8", headers=headers)


def _not_found_middleware(site: WebSite) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            return await handler(request)
        except NotFound as error:
            return site.not_found(request, error)
        except BadQuery as error:
            return site.not_found(request, NotFound(error.message))
        except web.HTTPNotFound:
            return site.not_found(request, NotFound("There is no page at this address."))

    return middleware


def add_web_routes(app: web.Application, site: WebSite) -> None:
    """Mount the pages on `app` (see the module docstring for `verdict slack` and `discord`)."""
    app.middlewares.append(_not_found_middleware(site))
    app.router.add_get("/", site.index)
    app.router.add_get("/compare", site.ask)
    app.router.add_get("/c/{spec}", site.comparison)
    app.router.add_get("/t/{slug}", site.tool)
    app.router.add_get("/leaderboard", site.leaderboard)
    app.router.add_get("/weekly", site.weekly_archive)
    app.router.add_get("/weekly.atom", site.weekly_atom)
    app.router.add_get("/healthz", site.healthz)
    app.router.add_static("/static/", STATIC)


def build_web_app(site: WebSite) -> web.Application:
    app = web.Application()
    add_web_routes(app, site)
    return app


async def start_web(
    site: WebSite, host: str, port: int, limits: WebLimits | None = None
) -> PageListener:
    """Serve the pages on host:port within `limits` (see adapters/web/listener.py); returns
    the listener (call `cleanup()` to stop)."""
    listener = PageListener(build_web_app(site), limits)
    await listener.start(host, port)
    return listener


async def serve_forever(
    catalogue: Catalogue, db: str, *, host: str, port: int, public_url: str | None
) -> None:
    """`verdict web`: the pages over the vote database `db`, until interrupted."""
    store = await Store.open(db)
    try:
        site = WebSite(Comparer(catalogue), store, public_url=public_url)
        runner = await start_web(site, host, port)
        probe_host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
        beating = heartbeat("web", probe=f"http://{probe_host}:{port}/healthz")
        print(
            f"verdict web: http://{host}:{port}/ ({len(catalogue.tools)} tools, "
            f"database {db}{', public URL ' + public_url if public_url else ''})",
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):  # a container's stop is a clean stop
            loop.add_signal_handler(signum, stop.set)
        try:
            async with beating:
                await stop.wait()
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
            await runner.cleanup()
    finally:
        await store.close()
