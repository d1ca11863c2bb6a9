#!/usr/bin/env python3
"""Feed parsing throughput, single process: parse_feed with and without the expat fast path.

Reads every feed of the shared bench corpus into memory, then times, in this one process:
- ``before``: ``parse_feed_careful`` — feedparser for every document, i.e. ``parse_feed`` as it
  was before ``monitoring/fastparse.py``;
- ``after``: ``parse_feed`` — the fast path, falling back to feedparser when it declines;
- ``fast_parse_only``: the fast path's XML reading alone (no identities, dates, sanitising), to
  show how the remaining time splits between reading and sanitising.
Each is run ``--rounds`` times; the best round counts (the least disturbed by other load). Both
wall-clock and process CPU rates are given: on a busy machine the CPU figure is the steadier.
Prints one JSON line on stdout; progress on stderr.

Usage: bench_parse.py [--corpus DIR] [--rounds 3] [--limit N] [--port 18080]
Make the corpus first: python3 ../shared/bench/make_corpus.py --n 1000 --out DIR
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitoring import fastparse  # noqa: E402 - needs the path above
from monitoring.parsing import decode_feed_bytes, parse_feed, parse_feed_careful  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("TMPDIR", "/tmp")) / "springplank-bench" / "corpus"
# The corpus is dated around this moment; a fixed "now" keeps the date clamping stable.
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load(corpus: Path, port: int, limit: int | None) -> list[tuple[bytes, str]]:
    manifest = json.loads((corpus / "manifest.json").read_text())
    feeds = manifest["feeds"][:limit]
    return [
        ((corpus / info["file"]).read_bytes(), f"http://127.0.0.1:{port}/{info['file']}")
        for info in feeds
    ]


Counter = Callable[[bytes, str], int]


def careful(content: bytes, url: str) -> int:
    return len(parse_feed_careful(content, base_url=url, now=NOW).entries)


def fast(content: bytes, url: str) -> int:
    return len(parse_feed(content, base_url=url, now=NOW).entries)


def fast_reading_only(content: bytes, url: str) -> int:
    """The fast path's XML reading step alone: raw entries, nothing sanitised or identified."""
    text = decode_feed_bytes(content).lstrip()
    raw = fastparse._FastFeedParser().parse(text)  # the corpus has no DOCTYPE to screen for
    if raw is None:
        raise SystemExit(f"the fast path declined {url}")
    return len(raw["entries"])


def run(count: Counter, feeds: list[tuple[bytes, str]]) -> tuple[int, float, float]:
    """(items, wall seconds, CPU seconds) for one pass over the corpus."""
    items = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for content, url in feeds:
        items += count(content, url)
    return items, time.perf_counter() - wall, time.process_time() - cpu


def best(
    name: str, count: Counter, feeds: list[tuple[bytes, str]], rounds: int
) -> dict[str, float]:
    results = [run(count, feeds) for _ in range(rounds)]
    items = results[0][0]
    wall = min(r[1] for r in results)
    cpu = min(r[2] for r in results)
    say(f"{name}: {items} items, best of {rounds}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return {"items": items, "wall_s": wall, "cpu_s": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="only the first N feeds")
    parser.add_argument("--port", type=int, default=18080, help="port in the feeds' base URLs")
    args = parser.parse_args()
    if not (args.corpus / "manifest.json").is_file():
        raise SystemExit(
            f"no corpus at {args.corpus}: run "
            f"python3 {ROOT.parent / 'shared/bench/make_corpus.py'} --n 1000 --out {args.corpus}"
        )

    feeds = load(args.corpus, args.port, args.limit)
    say(f"{len(feeds)} feeds, {sum(len(c) for c, _ in feeds) / 1e6:.1f} MB")
    handled = sum(
        fastparse.parse_fast(content, base_url=url, now=NOW) is not None for content, url in feeds
    )
    before = best("before (feedparser)", careful, feeds, args.rounds)
    after = best("after (fast path)", fast, feeds, args.rounds)
    reading = best("fast path, reading only", fast_reading_only, feeds, args.rounds)
    if before["items"] != after["items"]:
        raise SystemExit(f"item counts differ: {before['items']} vs {after['items']}")

    def rate(result: dict[str, float], key: str) -> float:
        return round(result["items"] / result[key], 1)

    print(
        json.dumps(
            {
                "bench": "parse_feed",
                "feeds": len(feeds),
                "items": after["items"],
                "fast_path_share": round(handled / len(feeds), 4),
                "before_items_per_s": rate(before, "wall_s"),
                "after_items_per_s": rate(after, "wall_s"),
                "speedup": round(before["wall_s"] / after["wall_s"], 2),
                "before_items_per_cpu_s": rate(before, "cpu_s"),
                "after_items_per_cpu_s": rate(after, "cpu_s"),
                "speedup_cpu": round(before["cpu_s"] / after["cpu_s"], 2),
                "fast_reading_only_items_per_cpu_s": rate(reading, "cpu_s"),
                "rounds": args.rounds,
                "command": shlex.join([sys.executable, *sys.argv]),
            }
        )
    )


if __name__ == "__main__":
    main()
