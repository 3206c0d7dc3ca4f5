"""The comparison page in a real browser: Chromium from the system's packages, driven by
Selenium, at a desktop and a phone width. Screenshots are kept as test artefacts."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from adapters.web import WebSite, build_web_app
from bot.catalogue import Catalogue
from bot.compare import Comparer
from bot.votes import Store
from tests.loopback import serve
from tests.web.conftest import card, vote

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
# As the machine notes say: without the background-networking flags Chromium keeps trying to
# reach Google's hosts, which this closed network refuses.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser test: install chromium and chromium-driver")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)


def _browser(shots: Path) -> Any:
    """Headless Chromium driven by Selenium, its profile kept under `shots`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={shots / 'profile'}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def _open_at(driver: Any, url: str, width: int, mobile: bool) -> dict[str, object]:
    """Load `url` in a window `width` px wide (a phone's when `mobile`); the metrics set."""
    metrics = {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": mobile}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get(url)
    return metrics


def _widths(driver: Any) -> dict[str, object]:
    """The window's width and the page's: wider means the reader scrolls sideways."""
    return {
        "inner_width": driver.execute_script("return window.innerWidth"),
        "scroll_width": driver.execute_script("return document.documentElement.scrollWidth"),
    }


def _look_at(url: str, shots: Path) -> dict[str, dict[str, object]]:
    """Load `url` at 1280 and 390 px wide; what the reader sees at each width."""
    from selenium.webdriver.common.by import By

    driver = _browser(shots)
    seen: dict[str, dict[str, object]] = {}
    try:
        for width, height, mobile in ((1280, 900, False), (390, 844, True)):
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            )
            driver.get(url)
            shot = shots / f"comparison-{width}.png"
            driver.save_screenshot(str(shot))
            seen[str(width)] = {
                "text": driver.find_element(By.TAG_NAME, "body").text,
                "inner_width": driver.execute_script("return window.innerWidth"),
                "scroll_width": driver.execute_script(
                    "return document.documentElement.scrollWidth"
                ),
                "shot": shot,
            }
        driver.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
        )
        driver.get(url)
        driver.save_screenshot(str(shots / "comparison-390-dark.png"))
        seen["dark"] = {
            "background": driver.execute_script(
                "return getComputedStyle(document.body).backgroundColor"
            )
        }
    finally:
        driver.quit()
    return seen


async def test_the_comparison_page_reads_well_at_desktop_and_phone_width(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    store = await Store.open(tmp_path / "web.db")
    try:
        card_id = await card(store, ["smolvlm2", "mistral-medium-3"], "m1")
        for i in range(7):
            await vote(store, card_id, f"v{i}", int(i % 3 == 0))
        runner, port = await serve(build_web_app(WebSite(Comparer(catalogue), store)))
        try:
            url = f"http://127.0.0.1:{port}/c/mistral-medium-3-vs-smolvlm2"
            seen = await asyncio.to_thread(_look_at, url, tmp_path)
        finally:
            await runner.cleanup()
    finally:
        await store.close()

    print(f"\nscreenshots in {tmp_path}")
    for width in ("1280", "390"):
        page = seen[width]
        assert page["inner_width"] == int(width)
        text = str(page["text"])
        assert "Verdict: ship SmolVLM2." in text
        for persona in catalogue.panel.personas:
            assert persona.name in text
        assert "SmolVLM2" in text and "Mistral Medium 3" in text
        assert "of 7 votes" in text
        assert int(page["scroll_width"]) <= int(width), f"overflows at {width} px"  # type: ignore[call-overload]
        assert Path(str(page["shot"])).stat().st_size > 10_000
    assert seen["dark"]["background"] != "rgb(251, 251, 248)"  # the dark palette, not the light


LEADERBOARD_PROBE = """
const inside = (el) => {
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, width: r.width, height: r.height};
};
return arguments[0].map((slug) => ({
  slug,
  row: inside(document.querySelector(`table.board tr[data-slug="${slug}"]`)),
  mark: inside(document.querySelector(`circle.mark[data-slug="${slug}"]`)),
  name: inside(document.querySelector(`g[data-slug="${slug}"] text`)),
  figure: inside(document.querySelector(`g[data-slug="${slug}"] text.figure`)),
  font: parseFloat(
    getComputedStyle(document.querySelector(`g[data-slug="${slug}"] text`)).fontSize),
}));
"""


def _look_at_leaderboard(url: str, slugs: list[str], shots: Path) -> dict[int, dict[str, object]]:
    """The leaderboard at 1280 and 390 px: where each ranked tool's table row and chart mark
    are drawn, and whether the page scrolls sideways. Screenshots of the whole page."""
    driver = _browser(shots)
    seen: dict[int, dict[str, object]] = {}
    try:
        for width, mobile in ((1280, False), (390, True)):
            metrics = _open_at(driver, url, width, mobile)
            seen[width] = {
                **_widths(driver),
                "tools": driver.execute_script(LEADERBOARD_PROBE, slugs),
            }
            tall = driver.execute_script("return document.documentElement.scrollHeight")
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride", {**metrics, "height": int(tall)}
            )
            shot = shots / f"leaderboard-{width}.png"
            driver.save_screenshot(str(shot))
            seen[width]["shot"] = shot
    finally:
        driver.quit()
    return seen


async def test_the_leaderboard_shows_every_ranked_tool_without_sideways_scrolling(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    slugs = [t.slug for t in catalogue.tools][:30]
    store = await Store.open(tmp_path / "web.db")
    try:
        # A ring of cards, each voted on 12 times with its own split: every tool ranked,
        # ranks shared and apart, bands of several widths.
        for i, slug in enumerate(slugs):
            card_id = await card(store, [slug, slugs[(i + 1) % len(slugs)]], f"m{i}")
            for v in range(12):
                await vote(store, card_id, f"v{i}-{v}", int(v < (i * 5) % 12))
        thin = await card(store, [slugs[0], "smolvlm2"], "thin")
        await vote(store, thin, "ann", 1)
        runner, port = await serve(build_web_app(WebSite(Comparer(catalogue), store)))
        try:
            url = f"http://127.0.0.1:{port}/leaderboard"
            seen = await asyncio.to_thread(_look_at_leaderboard, url, slugs, tmp_path)
        finally:
            await runner.cleanup()
    finally:
        await store.close()

    print(f"\nscreenshots in {tmp_path}")
    for width in (1280, 390):
        page = seen[width]
        assert page["inner_width"] == width
        assert int(page["scroll_width"]) <= width, f"scrolls sideways at {width} px"  # type: ignore[call-overload]
        assert Path(str(page["shot"])).stat().st_size > 10_000
        tools = page["tools"]
        assert isinstance(tools, list) and len(tools) == len(slugs)
        for tool in tools:
            for part in ("row", "mark", "name", "figure"):
                box = tool[part]
                assert box is not None, f"{tool['slug']}: no {part} at {width} px"
                assert box["width"] > 0 and box["height"] > 0, f"{tool['slug']}: {part} hidden"
                assert box["left"] >= 0 and box["right"] <= width, (
                    f"{tool['slug']}: {part} off-screen at {width} px: {box}"
                )
            assert tool["font"] >= 12, f"{tool['slug']}: chart label {tool['font']} px"
            # the name and the numbers share a line without running into each other
            assert tool["name"]["right"] < tool["figure"]["left"], tool["slug"]


STACK_PROBE = """
const box = (el) => {
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, shown: el.offsetParent !== null};
};
return {
  table: box(document.querySelector("table.glance")),
  tools: [...document.querySelectorAll(".glance-tool")].map((el) => ({
    ...box(el), text: el.innerText,
  })),
};
"""


def _look_at_four(url: str, shots: Path) -> dict[int, dict[str, object]]:
    """A comparison of four tools at 1280 and 390 px: whether the table or the per-tool
    blocks are shown, where each block is, and whether the page scrolls sideways."""
    driver = _browser(shots)
    seen: dict[int, dict[str, object]] = {}
    try:
        for width, mobile in ((1280, False), (390, True)):
            _open_at(driver, url, width, mobile)
            seen[width] = {**_widths(driver), **driver.execute_script(STACK_PROBE)}
            driver.save_screenshot(str(shots / f"comparison-four-{width}.png"))
    finally:
        driver.quit()
    return seen


async def test_four_tools_on_a_390_px_phone_stack_per_tool_with_no_sideways_scroll(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    slugs = ["gpt-4o", "gemini-2-5-pro", "gemini-2-0-flash", "mistral-medium-3"]
    store = await Store.open(tmp_path / "web.db")
    try:
        runner, port = await serve(build_web_app(WebSite(Comparer(catalogue), store)))
        try:
            url = f"http://127.0.0.1:{port}/c/{'-vs-'.join(slugs)}"
            seen = await asyncio.to_thread(_look_at_four, url, tmp_path)
        finally:
            await runner.cleanup()
    finally:
        await store.close()

    print(f"\nscreenshots in {tmp_path}")
    names = [catalogue.by_slug[s].name for s in slugs]
    desktop, phone = seen[1280], seen[390]
    assert desktop["table"]["shown"] and not any(t["shown"] for t in desktop["tools"])  # type: ignore[index]
    assert phone["inner_width"] == 390
    assert int(phone["scroll_width"]) <= 390, "the phone scrolls sideways"  # type: ignore[call-overload]
    assert not phone["table"]["shown"]  # type: ignore[index]
    blocks = phone["tools"]
    assert isinstance(blocks, list) and len(blocks) == 4
    for block in blocks:
        assert block["shown"] and block["left"] >= 0 and block["right"] <= 390
        assert "Pricing" in block["text"] and "Best for" in block["text"]
    assert sorted(block["text"].splitlines()[0] for block in blocks) == sorted(names)
    tops = [block["top"] for block in blocks]
    assert tops == sorted(tops) and len(set(tops)) == 4  # one under another
