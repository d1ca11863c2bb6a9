#!/usr/bin/env python3
"""`make bench`: every benchmark of the product, in one run, with the peers measured beside it.

Steps (each prints progress on stderr and JSON lines on stdout, collected into
bench/out/results.jsonl and summarised at the end):
1. the shared corpus (../shared/bench/make_corpus.py, 1,000 feeds) and nginx serving it;
2. keyword matching: 500 topic queries, compiled vs a naive loop (bench/bench_keywords.py);
3. feed parsing alone (bench/bench_parse.py, when present);
4. ingest through real Celery workers into PostgreSQL, cold and warm, beside newsboat
   (bench/bench_ingest.py);
5. the inbox under concurrent load on a large seeded dataset (bench/bench_inbox.py, when
   present).

Usage: bench/run.py [--only keywords,ingest,...] [--quick]
Needs PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL; defaults on 127.0.0.1), and
nginx and newsboat (installed with apt-get when missing and run as root).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/springplank-bench"))
OUT = ROOT / "bench" / "out"


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_tool(command: str, package: str) -> None:
    if shutil.which(command):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing {package} (apt-get install -y {package})…")
        subprocess.run(["apt-get", "install", "-y", package], check=True, capture_output=True)
    if not shutil.which(command):
        raise SystemExit(f"{command} is needed: apt-get install -y {package}")


def ensure_corpus(n: int) -> Path:
    corpus = BENCH_DIR / "corpus"
    manifest = corpus / "manifest.json"
    if manifest.exists() and len((corpus / "urls.txt").read_text().split()) == n:
        say(f"corpus of {n} feeds present at {corpus}")
        return corpus
    say(f"generating the corpus: {n} feeds…")
    subprocess.run(
        [sys.executable, str(SHARED / "make_corpus.py"), "--n", str(n), "--out", str(corpus)],
        check=True,
    )
    return corpus


def serve_corpus(port: int) -> None:
    env = dict(os.environ, BENCH_DIR=str(BENCH_DIR))
    subprocess.run(["bash", str(SHARED / "serve.sh"), "stop"], env=env, capture_output=True)
    subprocess.run(["bash", str(SHARED / "serve.sh"), "start", str(port)], env=env, check=True)


def run_step(name: str, command: list[str], results: list[dict]) -> None:
    say(f"{name}: {' '.join(command)}")
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        line = line.strip()
        if line.startswith("{"):
            row = json.loads(line)
            row.setdefault("step", name)
            results.append(row)
            print(json.dumps(row), flush=True)
    if process.wait() != 0:
        raise SystemExit(f"{name} failed (exit {process.returncode})")
    say(f"{name} done in {time.monotonic() - started:.1f} s")


def summary(results: list[dict]) -> str:
    lines = ["", "Summary"]
    for row in results:
        if row.get("bench") == "ingest_ratio":
            lines.append(
                f"  ingest cold: ours {row['cold_ours_s']} s vs newsboat {row['cold_newsboat_s']} s"
                f" → ratio {row['cold_ratio']}"
            )
            lines.append(
                f"  ingest warm (all 304): ours {row['warm_ours_s']} s vs newsboat "
                f"{row['warm_newsboat_s']} s → ratio {row['warm_ratio']}"
            )
        elif row.get("measurement") == "ratio" or row.get("bench") == "keywords_ratio":
            lines.append(f"  keywords: {json.dumps(row)}")
        elif row.get("bench") == "inbox":
            lines.append(f"  inbox: {json.dumps(row)}")
        elif row.get("bench") == "parse":
            lines.append(f"  parse: {json.dumps(row)}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="keywords,parse,ingest,inbox")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--quick", action="store_true", help="smaller inbox dataset")
    args = parser.parse_args()
    steps = set(args.only.split(","))
    python = sys.executable
    results: list[dict] = []

    ensure_tool("nginx", "nginx")
    ensure_tool("newsboat", "newsboat")
    corpus = ensure_corpus(args.feeds)
    serve_corpus(args.port)
    try:
        if "keywords" in steps:
            run_step(
                "keywords", [python, "bench/bench_keywords.py", "--corpus", str(corpus)], results
            )
        if "parse" in steps and (ROOT / "bench" / "bench_parse.py").exists():
            run_step("parse", [python, "bench/bench_parse.py", "--corpus", str(corpus)], results)
        if "ingest" in steps:
            run_step(
                "ingest",
                [
                    python,
                    "bench/bench_ingest.py",
                    "--corpus",
                    str(corpus),
                    "--port",
                    str(args.port),
                ],
                results,
            )
        if "inbox" in steps and (ROOT / "bench" / "bench_inbox.py").exists():
            extra = ["--quick"] if args.quick else []
            run_step("inbox", [python, "bench/bench_inbox.py", *extra], results)
    finally:
        subprocess.run(
            ["bash", str(SHARED / "serve.sh"), "stop"],
            env=dict(os.environ, BENCH_DIR=str(BENCH_DIR)),
            capture_output=True,
        )
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "results.jsonl").open("w") as handle:
        for row in results:
            handle.write(json.dumps(row) + "\n")
    print(summary(results), file=sys.stderr)


if __name__ == "__main__":
    main()
