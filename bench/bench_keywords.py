"""Benchmark of keyword matching: compiled topics versus query-by-query and substring loops.

Usage::

    .venv/bin/python bench/bench_keywords.py [--corpus DIR] [--queries 500]
        [--naive-budget SECONDS] [--profile]

Reads the shared bench corpus (``python3 /work/shared/bench/make_corpus.py --n 1000 --out
/tmp/springplank-bench/corpus`` makes it; see /work/shared/bench/README.md), extracts every
item's title, description/summary (HTML) and link with the stdlib, builds deterministic topic
queries from the corpus vocabulary, and measures:

1. ``compiled``: ``compile_queries(...).match(...)`` for every item (normalisation included);
2. ``naive_query_loop``: for each item, ``query.matches(...)`` for each pre-parsed query;
3. ``naive_substring``: for each item, ``phrase in text.lower()`` for as many phrases.

The naive loops are slow, so they run on an evenly spaced sample of items for about
``--naive-budget`` seconds and their per-item rate is extrapolated; the output says so. Progress
goes to stderr; stdout gets one JSON line per measurement and a final line with the ratio.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import shlex
import sys
import time
import xml.etree.ElementTree as ET  # noqa: S405 - our own generated corpus, not untrusted input
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from onboarding.keywords import Query, compile_queries, parse  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("TMPDIR", "/tmp")) / "springplank-bench" / "corpus"
ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
GOAL = 10.0


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    text: str
    url: str


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def emit(record: dict[str, object]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


# -- corpus ------------------------------------------------------------------------------------


def _text(element: ET.Element | None) -> str:
    return (element.text or "") if element is not None else ""


def read_items(corpus: Path) -> list[Item]:
    """Every item of every feed file, in file order."""
    items: list[Item] = []
    files = sorted((corpus / "feeds").glob("*.xml"))
    if not files:
        raise SystemExit(f"no feeds in {corpus}/feeds: run make_corpus.py first")
    for number, path in enumerate(files):
        root = ET.parse(path).getroot()  # noqa: S314 - see the import
        if root.tag == "rss":
            for item in root.iter("item"):
                text = _text(item.find("description")) or _text(item.find(CONTENT))
                items.append(Item(_text(item.find("title")), text, _text(item.find("link"))))
        elif root.tag == f"{ATOM}feed":
            for entry in root.iter(f"{ATOM}entry"):
                link = entry.find(f"{ATOM}link[@rel='alternate']")
                url = link.get("href", "") if link is not None else ""
                text = _text(entry.find(f"{ATOM}summary")) or _text(entry.find(f"{ATOM}content"))
                items.append(Item(_text(entry.find(f"{ATOM}title")), text, url))
        else:  # RSS 1.0 (RDF)
            for item in root.iter(f"{RSS1}item"):
                text = _text(item.find(f"{RSS1}description")) or _text(item.find(CONTENT))
                items.append(
                    Item(_text(item.find(f"{RSS1}title")), text, _text(item.find(f"{RSS1}link")))
                )
        if number % 200 == 0:
            log(f"reading feeds: {number}/{len(files)}, {len(items)} items")
    return items


# -- queries -----------------------------------------------------------------------------------


def build_queries(items: list[Item], count: int, seed: int) -> tuple[dict[int, str], list[str]]:
    """``count`` deterministic topic queries of mixed shapes, and as many plain phrases."""
    rng = random.Random(seed)
    words: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    hosts: Counter[str] = Counter()
    for item in items[:: max(1, len(items) // 3000)]:
        title_words = item.title.split()
        words.update(w.strip(".,!?:&") for w in title_words if len(w.strip(".,!?:&")) > 3)
        bigrams.update(zip(title_words, title_words[1:], strict=False))
        hosts[item.url.split("/")[2] if item.url.count("/") >= 2 else ""] += 1
    vocabulary = sorted(w for w in words if w.isalpha())
    pairs = sorted(
        (a, b) for (a, b) in bigrams if a.isalpha() and b.isalpha() and len(a) > 3 and len(b) > 3
    )
    host_list = sorted(h for h in hosts if h)

    def word() -> str:
        return rng.choice(vocabulary)

    def phrase() -> str:
        a, b = rng.choice(pairs)
        return f'"{a} {b}"'

    shapes = [
        lambda: word(),
        lambda: f"{word()} {word()}",
        lambda: phrase(),
        lambda: f"({word()} OR {word()} OR {word()}) {word()}",
        lambda: f"{word()} -{word()}",
        lambda: f'{phrase()} -"{" ".join(rng.choice(pairs))}"',
        lambda: f"{word()[:5]}* {word()}",
        lambda: f"intitle:{word()} {word()}",
        lambda: f"site:{rng.choice(host_list)} {word()}",
        lambda: f"{word()} | {phrase()} -({word()} OR {word()})",
    ]
    queries: dict[int, str] = {}
    number = 0
    while len(queries) < count:
        candidate = shapes[number % len(shapes)]()
        number += 1
        try:
            parse(candidate)
        except ValueError:
            continue  # e.g. a word excluded by itself: skip, stay deterministic
        queries[len(queries)] = candidate
    phrases = [" ".join(rng.choice(pairs)).lower() for _ in range(count)]
    return queries, phrases


# -- measurements ------------------------------------------------------------------------------


def sample(items: list[Item], size: int) -> list[Item]:
    """An evenly spaced sample, so the naive loops see the same mix of feeds."""
    step = max(1, len(items) // size)
    return items[::step][:size]


def run_compiled(items: list[Item], queries: dict[int, Query]) -> tuple[float, int, list]:
    compiled = compile_queries(queries)
    matches = 0
    results = []
    started = time.perf_counter()
    for number, item in enumerate(items):
        found = compiled.match(title=item.title, text=item.text, url=item.url)
        matches += len(found)
        results.append(found)
        if number % 5000 == 0:
            log(f"compiled: {number}/{len(items)} items, {time.perf_counter() - started:.1f}s")
    return time.perf_counter() - started, matches, results


def run_naive(
    items: list[Item], queries: dict[int, Query], budget: float
) -> tuple[float, int, list]:
    """Query by query; stops after ``budget`` seconds. Returns (seconds, items done, results)."""
    results = []
    started = time.perf_counter()
    for item in items:
        found = {
            key: query.hits(title=item.title, text=item.text, url=item.url)
            for key, query in queries.items()
            if query.matches(title=item.title, text=item.text, url=item.url)
        }
        results.append(found)
        elapsed = time.perf_counter() - started
        if len(results) % 20 == 0:
            log(f"naive query loop: {len(results)} items, {elapsed:.1f}s")
        if elapsed > budget:
            break
    return time.perf_counter() - started, len(results), results


def run_naive_matches_only(items: list[Item], queries: list[Query]) -> float:
    started = time.perf_counter()
    for item in items:
        for query in queries:
            query.matches(title=item.title, text=item.text, url=item.url)
    return time.perf_counter() - started


def run_substring(items: list[Item], phrases: list[str], budget: float) -> tuple[float, int, int]:
    matches = 0
    done = 0
    started = time.perf_counter()
    for item in items:
        haystack = (item.title + " " + item.text).lower()
        for phrase in phrases:
            if phrase in haystack:
                matches += 1
        done += 1
        if time.perf_counter() - started > budget:
            break
    return time.perf_counter() - started, done, matches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--naive-sample", type=int, default=600, help="items for naive loops")
    parser.add_argument("--naive-budget", type=float, default=30.0, help="seconds per naive loop")
    parser.add_argument("--profile", action="store_true", help="cProfile the compiled run")
    args = parser.parse_args()
    command = shlex.join([sys.executable, *sys.argv])

    items = read_items(args.corpus)
    log(f"{len(items)} items read")
    sources, phrases = build_queries(items, args.queries, args.seed)
    queries = {key: parse(source) for key, source in sources.items()}
    common = {"command": command, "items_total": len(items), "queries": len(queries)}

    # 1. compiled, all items
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    seconds, matches, _ = run_compiled(items, queries)
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    compiled_rate = len(items) / seconds
    emit(
        {
            "measurement": "compiled",
            **common,
            "items": len(items),
            "seconds": round(seconds, 3),
            "items_per_s": round(compiled_rate, 1),
            "doc_queries_per_s": round(compiled_rate * len(queries)),
            "matches": matches,
            "matches_per_item": round(matches / len(items), 2),
        }
    )

    # 2. naive loop over pre-parsed Query objects, on a sample
    subset = sample(items, args.naive_sample)
    naive_seconds, naive_done, naive_results = run_naive(subset, queries, args.naive_budget)
    measured = subset[:naive_done]
    sub_seconds, _, sub_results = run_compiled(measured, queries)
    agree = sub_results == naive_results
    naive_rate = naive_done / naive_seconds
    emit(
        {
            "measurement": "naive_query_loop",
            **common,
            "items": naive_done,
            "extrapolated": naive_done < len(items),
            "note": (
                f"measured on {naive_done} evenly spaced items (matches + hits per query); "
                "the per-item rate is extrapolated to the whole corpus"
            ),
            "seconds": round(naive_seconds, 3),
            "items_per_s": round(naive_rate, 2),
            "doc_queries_per_s": round(naive_rate * len(queries)),
            "estimated_seconds_all_items": round(len(items) / naive_rate, 1),
            "compiled_same_items_per_s": round(naive_done / sub_seconds, 1),
            "results_identical_to_compiled": agree,
        }
    )
    # The same loop calling matches() only (what a hand-written loop would do), fewer items.
    matches_only_items = measured[: max(1, naive_done // 2)]
    mo_seconds = run_naive_matches_only(matches_only_items, list(queries.values()))
    matches_only_rate = len(matches_only_items) / mo_seconds
    emit(
        {
            "measurement": "naive_query_loop_matches_only",
            **common,
            "items": len(matches_only_items),
            "extrapolated": True,
            "seconds": round(mo_seconds, 3),
            "items_per_s": round(matches_only_rate, 2),
            "doc_queries_per_s": round(matches_only_rate * len(queries)),
        }
    )

    # 3. naive lowercase substring loop over as many phrases
    sub_seconds_s, sub_done, sub_matches = run_substring(items, phrases, args.naive_budget)
    substring_rate = sub_done / sub_seconds_s
    emit(
        {
            "measurement": "naive_substring",
            **common,
            "items": sub_done,
            "extrapolated": sub_done < len(items),
            "phrases": len(phrases),
            "seconds": round(sub_seconds_s, 3),
            "items_per_s": round(substring_rate, 1),
            "doc_queries_per_s": round(substring_rate * len(phrases)),
            "matches": sub_matches,
        }
    )

    ratio = compiled_rate / matches_only_rate
    emit(
        {
            "measurement": "ratio",
            "command": command,
            "compiled_over_naive_query_loop": round(ratio, 1),
            "compiled_over_naive_query_loop_with_hits": round(compiled_rate / naive_rate, 1),
            "compiled_over_naive_substring": round(compiled_rate / substring_rate, 2),
            "goal": GOAL,
            "goal_met": ratio >= GOAL,
            "compiled_results_identical_to_naive": agree,
        }
    )


if __name__ == "__main__":
    main()
