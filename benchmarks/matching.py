"""How fast names resolve in the real catalogue plus 10,000 made-up tools, against raw rapidfuzz
and difflib; and what loading the real catalogue (reviewed files + every dataset model) costs.

Run: `python -m benchmarks.matching`. Targets: resolution at most 2x raw
`rapidfuzz.process.extractOne(..., scorer=fuzz.ratio)` over the same names, at least 50x faster
than `difflib.get_close_matches`, a 10,000-file catalogue loaded in at most 2 s, and the full real
catalogue loaded and indexed in at most 1 s with a peak RSS of at most 150 MB. The last two are
measured in fresh processes, as `verdict` starts: "cold" derives the dataset layer and writes its
cache, "warm" reads the cache. Resolving both names of a `/compare` over the same 10,000 tools,
300 pairs written as people write them (slips, lower case, aliases, misspelt real tools): p99 at
most 10 ms (each pair's best of two runs, so a pause of the machine is not counted as ours).
`verdict compare` over such a catalogue, wall and memory: `benchmarks.startup`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.catalogue import Catalogue, Tool, known_tools, load_catalogue, merge_layers
from bot.compare import Comparer, KindAwareMatcher, Matcher
from bot.errors import AmbiguousTool, UnknownTool, VerdictError
from bot.settings import bundled_catalogue_dir

SYLLABLES = ("ka", "lo", "mi", "ra", "ven", "tor", "sil", "qua", "zen", "dro", "fi", "nu", "pel")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def synthetic_tools(base: Sequence[Tool], count: int, seed: int = 7) -> list[Tool]:
    """`count` made-up tools shaped like real ones: family, version, size, vendor."""
    rng = random.Random(seed)
    tools: list[Tool] = []
    seen: set[str] = {t.slug for t in base}
    while len(tools) < count:
        family = _word(rng)
        version = f"{rng.randint(1, 9)}"
        size = rng.choice(["", f" {rng.choice([1, 2, 3, 7, 8, 13, 34, 70])}b", " mini", " pro"])
        name = f"{family.capitalize()} {version}{size}".strip()
        slug = "-".join(name.lower().split())
        if slug in seen:
            continue
        seen.add(slug)
        template = base[len(tools) % len(base)]
        tools.append(
            template.model_copy(
                update={
                    "slug": slug,
                    "name": name,
                    "aliases": [f"{family}{version}{size.replace(' ', '-')}"],
                    "vendor": f"{_word(rng).capitalize()} Labs",
                    "model_ids": (),
                    "offers": (),
                    "dataset": None,
                }
            )
        )
    return tools


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]


def typo(text: str, rng: random.Random) -> str:
    """One slip of the keyboard in one word of a name (a dropped, doubled or swapped letter),
    never in a number: "Drodro 1 7b" -> "Drdro 1 7b"."""
    words = text.split()
    typeable = [i for i, word in enumerate(words) if word.isalpha() and len(word) >= 4]
    if not typeable:
        return text
    at = rng.choice(typeable)
    word = words[at]
    i = rng.randrange(1, len(word) - 1)
    slip = rng.randrange(3)
    if slip == 0:
        word = word[:i] + word[i + 1 :]
    elif slip == 1:
        word = word[:i] + word[i] + word[i:]
    else:
        word = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return " ".join([*words[:at], word, *words[at + 1 :]])


REAL_TYPOS = (
    "claude sonnt 4.5",
    "gemni 2.5 flsh",
    "gpt 4o mnii",
    "mistral medum 3",
    "claude opsu 4.1",
    "smolvlm",
    "gemini 2.5 pro",
    "deepseek r1",
    "llama 3.3 70b",
    "qwen2 vl 7b",
)
"""What people type for real tools, slips included; names the catalogue has as typed."""


def pairs(tools: Sequence[Tool], count: int, seed: int = 13) -> list[str]:
    """`/compare` texts as people write them: two names per pair, most with a slip, some in
    lower case or by alias, a sixth of them real tools as people misspell them."""
    rng = random.Random(seed)

    def name() -> str:
        roll = rng.random()
        if roll < 1 / 6:
            return rng.choice(REAL_TYPOS)
        tool = rng.choice(tools)
        if roll < 0.65:
            return typo(tool.name, rng)
        if roll < 0.8 and tool.aliases:
            return rng.choice(tool.aliases)
        return tool.name.lower()

    return [f"{name()} vs {name()}" for _ in range(count)]


def queries(tools: Sequence[Tool], count: int, seed: int = 11) -> list[str]:
    """A mix of what people type: exact names, typos, single family words, and unknowns."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        tool = rng.choice(tools)
        kind = i % 4
        if kind == 0:
            out.append(tool.name)
        elif kind == 1:
            out.append(_typo(tool.name, rng))
        elif kind == 2:
            out.append(tool.name.split()[0])
        else:
            out.append(f"{_word(rng)} {rng.randint(10, 99)}")
    return out


def _timings(fn: Callable[[str], object], items: Sequence[str]) -> list[float]:
    result = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        result.append(time.perf_counter() - start)
    return result


def _p99(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _resolve_pair(comparer: Comparer) -> Callable[[str], object]:
    def run(text: str) -> object:
        try:
            return comparer.resolve_query(text)
        except VerdictError as error:
            return error

    return run


def _resolve(matcher: Matcher | KindAwareMatcher) -> Callable[[str], object]:
    def run(query: str) -> object:
        try:
            return matcher.resolve(query)
        except (UnknownTool, AmbiguousTool) as error:
            return error

    return run


WORDS = (
    "model",
    "context",
    "tokens",
    "latency",
    "vision",
    "agent",
    "open",
    "weights",
    "cheap",
    "reasoning",
    "benchmark",
    "fine-tune",
    "deploy",
    "vendor",
    "licence",
    "throughput",
    "GPU",
    "laptop",
    "privacy",
    "hosted",
    "API",
    "quality",
    "price",
    "volume",
    "moat",
    "teams",
    "code",
    "documents",
    "video",
    "long",
    "small",
    "fast",
    "safety",
    "eval",
    "serving",
    "batch",
    "cache",
)


def _prose(rng: random.Random, low: int, high: int) -> str:
    """Distinct text of a real review's length: a catalogue of copies would share its strings
    and flatter the memory figures."""
    size = rng.randint(low, high)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < size:
        words.append(rng.choice(WORDS) if rng.random() < 0.8 else _word(rng))
    return " ".join(words)[: high - 1].strip().capitalize() + "."


def tool_file(tool: Tool, personas: Sequence[str], rng: random.Random) -> str:
    """A reviewed file shaped like a real one, with its own prose, price and sources."""
    reviews = "".join(
        f'\n[panel.{persona}]\nverdict = "{rng.choice(["ship", "skip"])}"\n'
        f'take = "{_prose(rng, 50, 130)}"\nbody = """\n{_prose(rng, 350, 900)}"""\n'
        for persona in personas
    )
    aliases = ", ".join(f'"{a}"' for a in tool.aliases)
    per_token = rng.random() < 0.6
    pricing = (
        f'model = "per-token"\ninput_usd_per_mtok = {rng.randint(5, 1500) / 100}\n'
        f"output_usd_per_mtok = {rng.randint(20, 6000) / 100}\n"
        if per_token
        else 'model = "self-hosted"\nnote = "free weights; you pay for your own hardware"\n'
    )
    return (
        f'slug = "{tool.slug}"\nname = "{tool.name}"\naliases = [{aliases}]\n'
        f'vendor = "{tool.vendor}"\ncategory = "{rng.choice(["llm", "vision-language"])}"\n'
        f'tagline = "{_prose(rng, 40, 99)}"\ndescription = """\n{_prose(rng, 250, 700)}"""\n'
        f'licence = "{rng.choice(["Apache-2.0", "MIT", "proprietary", "Llama 3 licence"])}"\n'
        f"released = 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
        f'entry_price = "{"paid" if per_token else "open-weights"}"\n'
        f'best_for = "{_prose(rng, 30, 110)}"\n\n[pricing]\n{pricing}\n'
        f"[facts]\ncontext_window = {rng.choice([8192, 32768, 131072, 200000])}\n"
        f'modalities = ["text"]\n\n[[sources]]\n'
        f'url = "https://example.com/{tool.slug}/model-card"\n'
        f'supports = ["licence", "pricing", "released", "facts.context_window", '
        f'"facts.modalities"]\n{reviews}'
    )


def write_catalogue(tools: Sequence[Tool], into: Path, seed: int = 5) -> None:
    """The made-up tools as a catalogue directory with the real panel, files dated a day ago
    (a checkout, not files being edited: see `bot.catalogue.cache.RACY_SECONDS`)."""
    rng = random.Random(seed)
    shutil.copy(bundled_catalogue_dir() / "panel.toml", into / "panel.toml")
    personas = load_catalogue(bundled_catalogue_dir()).panel.slugs
    (into / "tools").mkdir()
    day_ago = time.time() - 86_400
    for tool in tools:
        path = into / "tools" / f"{tool.slug}.toml"
        path.write_text(tool_file(tool, personas, rng))
        os.utime(path, (day_ago, day_ago))
    for path in (into / "panel.toml", into / "tools"):
        os.utime(path, (day_ago, day_ago))


_STARTUP = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from bot.catalogue import check_with_known_models, default_cache_dir
from bot.compare import Matcher
from bot.settings import bundled_catalogue_dir
imported = time.perf_counter()
catalogue, _ = check_with_known_models(
    bundled_catalogue_dir(), as_of=dt.date.today(), cache_dir=default_cache_dir()
)
Matcher(catalogue.tools).resolve("claude sonnet 4.5")
done = time.perf_counter()
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"tools": len(catalogue.tools), "import_s": imported - start,
    "load_index_s": done - imported, "rss_mb": rss_mb}))
"""


def _startup(cache_home: Path) -> dict[str, float]:
    """Load and index the full real catalogue in a fresh process, as `verdict` does."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    out = subprocess.run(
        [sys.executable, "-c", _STARTUP], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tools", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--difflib-queries", type=int, default=40)
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument(
        "--products",
        type=Path,
        help="also a directory of product files not merged into catalogue/products/ yet",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as cache:
        cold = _startup(Path(cache))
        warm = _startup(Path(cache))
        generated, _ = known_tools(dt.date.today(), cache_dir=Path(cache))
    with tempfile.TemporaryDirectory() as copy:
        root = Path(copy) / "catalogue"
        shutil.copytree(bundled_catalogue_dir(), root)
        if args.products is not None:
            (root / "products").mkdir(exist_ok=True)
            for path in args.products.glob("*.toml"):
                shutil.copy(path, root / "products" / path.name)
        real = list(merge_layers(load_catalogue(root), generated).tools)
    tools = real + synthetic_tools(real, args.tools)
    start = time.perf_counter()
    matcher = Matcher(tools)
    build_s = time.perf_counter() - start
    names = matcher.choice_texts
    asked = queries(tools, args.queries)

    reviewed = load_catalogue(bundled_catalogue_dir())
    comparer = Comparer(Catalogue.model_construct(panel=reviewed.panel, tools=tuple(tools)))
    comparer.matcher  # noqa: B018 - built before timing, as a running bot has it
    typed_pairs = pairs(tools, args.pairs)
    compare_runs = [_timings(_resolve_pair(comparer), typed_pairs) for _ in range(2)]
    compare_times = [min(runs) for runs in zip(*compare_runs, strict=True)]
    slipped = [typo(t.name, random.Random(i)) for i, t in enumerate(tools[:: len(tools) // 300])]
    slipped_times = _timings(_resolve(matcher), slipped)

    ours = _timings(_resolve(matcher), asked)
    # What /compare runs: the matcher, then the check across kinds (products vs models).
    across = _timings(_resolve(KindAwareMatcher(tools, matcher)), asked)
    products = sum(t.is_product for t in tools)
    raw = _timings(lambda q: process.extractOne(q, names, scorer=fuzz.ratio), asked)
    few = asked[: args.difflib_queries]
    slow = _timings(lambda q: difflib.get_close_matches(q, names, n=3, cutoff=0.6), few)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_catalogue(tools[len(real) :], root)
        start = time.perf_counter()
        loaded = load_catalogue(root)
        load_s = time.perf_counter() - start
    assert len(loaded.tools) == args.tools

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:9.3f}"

    print(
        f"catalogue: {len(real)} real tools (reviewed + dataset) and {args.tools} made up, "
        f"{len(names)} searchable names; index built in {build_s:.2f} s"
    )
    print(f"{'what':<38} {'median ms':>9} {'p99 ms':>9} {'queries':>8}")
    rows = [
        ("verdict Matcher.resolve", ours),
        (f"  + across kinds ({products} products)", across),
        ("raw rapidfuzz extractOne(fuzz.ratio)", raw),
        ("difflib.get_close_matches", slow),
    ]
    for label, values in rows:
        print(f"{label:<38} {ms(statistics.median(values))} {ms(_p99(values))} {len(values):>8}")
    print()
    ours_median, raw_median = statistics.median(ours), statistics.median(raw)
    same_few = statistics.median(ours[: len(few)])
    print(f"{'ratio':<38} {'value':>9} {'target':>9}")
    print(f"{'median: ours / raw rapidfuzz':<38} {ours_median / raw_median:9.2f} {'<= 2':>9}")
    print(f"{'p99: ours / raw rapidfuzz':<38} {_p99(ours) / _p99(raw):9.2f} {'<= 2':>9}")
    print(f"{'p99: across kinds / raw rapidfuzz':<38} {_p99(across) / _p99(raw):9.2f} {'<= 2':>9}")
    speedup = statistics.median(slow) / same_few
    print(f"{'median: difflib / ours (same queries)':<38} {speedup:9.0f} {'>= 50':>9}")
    print(f"{'load of ' + str(args.tools) + ' tool files, s':<38} {load_s:9.2f} {'<= 2':>9}")
    for label, run in (("cold", cold), ("warm", warm)):
        what = f"full real catalogue load+index ({label}), s"
        print(f"{what:<38} {run['load_index_s']:9.2f} {'<= 1':>9}")
    for label, run in (("cold", cold), ("warm", warm)):
        print(
            f"{'peak RSS, load+index (' + label + '), MB':<38} {run['rss_mb']:9.0f} {'<= 150':>9}"
        )
    print(f"{'(import of bot.catalogue+compare, s)':<38} {warm['import_s']:9.2f} {'':>9}")
    print()
    print(f"{'over ' + f'{len(tools):,}' + ' tools':<38} {'p50 ms':>9} {'p99 ms':>9} {'target':>9}")
    for label, values, target in (
        (f"/compare resolve, {len(typed_pairs)} typed pairs", compare_times, "p99 <= 10"),
        ("  (the same, first run only)", compare_runs[0], ""),
        (f"one typo'd name, {len(slipped)} names", slipped_times, ""),
    ):
        median, p99 = statistics.median(values), _p99(values)
        print(f"{label:<38} {ms(median)} {ms(p99)} {target:>9}")
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
