"""Full-text search latency (zhifa.core.search) over the law library and 200,000 synthetic power items,
on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

For each database, in a fresh database of its own:
1. the 23 statutes are imported (1,671 articles, real text);
2. N synthetic power items are indexed (default 200,000): each is a real item name from
   shared/data/power_items.csv plus two or three sentences drawn at random from the statutes and a
   real penalty text, so words occur about as often as in real legal prose;
3. a fixed list of queries (two-character words, a phrase, a multi-word query, a code, a very common
   word) runs `search_query(limit=20)` — ranked, with snippets, what a results page needs — and
   `search_count(cap=1000)` as the search page counts, each query several rounds after a warm-up.

Prints median and p95 (ms) per kind, per query, and the indexing rate. Target: p95 < 20 ms.

    PYTHONPATH=src python bench/search.py [--items 200000] [--rounds 5] [--db sqlite|postgres|both]
        [--pg-url postgres://postgres@127.0.0.1:5432/zhifa_bench_search]

The PostgreSQL database named in --pg-url is dropped and created again.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "听证",
    "扬尘",
    "露天烧烤",
    "城市道路",
    "建筑垃圾 运输",
    "户外广告",
    "油烟",
    "责令限期拆除",
    "燃气",
    "CF-DL-001",
    "罚款",  # in most documents: the worst case for ranking
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """Runs inside a subprocess whose environment selects the database."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zhifa.core.search import IndexDoc, reindex_warmup, search_count, search_index_many, search_query
    from zhifa.powers.data_files import data_dir
    from zhifa.powers.services import laws_import_folder

    call_command("migrate", verbosity=0)
    reindex_warmup()
    result: dict[str, Any] = {"db": connection.vendor, "items": args.items}

    started = time.perf_counter()
    laws_import_folder(actor=None, folder=data_dir() / "laws")
    result["laws_import_s"] = round(time.perf_counter() - started, 2)

    from zhifa.powers.models import Article

    sentences = [
        s.strip()
        for text in Article.objects.order_by("law__short_name", "number").values_list("text", flat=True)
        for s in re.split(r"[。；\n]", text)
        if len(s.strip()) >= 8
    ]
    with open(data_dir() / "power_items.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rng = random.Random(20261121)  # the same synthetic list on every run and database

    def synthetic(i: int) -> IndexDoc:
        row = rng.choice(rows)
        code = f"{row['code']}-{i:06d}"
        body = "。".join(rng.sample(sentences, rng.randint(2, 3))) + "。" + row["penalty_text"]
        return IndexDoc(i, rng.randint(1, 40), f"{code} {row['name']}", body)

    started = time.perf_counter()
    batch: list[IndexDoc] = []
    for i in range(1, args.items + 1):
        batch.append(synthetic(i))
        if len(batch) == 5000:
            search_index_many(kind="power_item", docs=batch)
            batch = []
    if batch:
        search_index_many(kind="power_item", docs=batch)
    seconds = time.perf_counter() - started
    result["index_s"] = round(seconds, 1)
    result["index_docs_per_s"] = round(args.items / seconds)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE core_searchdocument")
    else:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO core_search_fts(core_search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")

    for kind in ("article", "power_item"):
        timings: list[float] = []
        count_timings: list[float] = []
        per_query: dict[str, Any] = {}
        for q in QUERIES:
            search_query(kind=kind, q=q, limit=20)  # warm-up
            search_count(kind=kind, q=q, cap=1000)
            own: list[float] = []
            for _round in range(args.rounds):
                t0 = time.perf_counter()
                hits = search_query(kind=kind, q=q, limit=20)
                own.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                search_count(kind=kind, q=q, cap=1000)  # as the search page counts
                count_timings.append((time.perf_counter() - t0) * 1000)
            timings.extend(own)
            per_query[q] = {
                "matches": search_count(kind=kind, q=q),  # exact, untimed
                "hits": len(hits),
                "median_ms": round(statistics.median(own), 2),
            }
        result[kind] = {
            "query_median_ms": round(statistics.median(timings), 2),
            "query_p95_ms": round(percentile(timings, 95), 2),
            "count_median_ms": round(statistics.median(count_timings), 2),
            "count_p95_ms": round(percentile(count_timings, 95), 2),
            "per_query": per_query,
        }
    return result


def run(db: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "ZHIFA_VAR_DIR": str(work / db),
        "LOG_LEVEL": "ERROR",
    }
    if db == "sqlite":
        env.pop("DATABASE_URL", None)
    else:
        url = args.pg_url
        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
        env["DATABASE_URL"] = url
    out = subprocess.run(
        [sys.executable, __file__, "--worker", "--items", str(args.items), "--rounds", str(args.rounds)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def report(result: dict[str, Any]) -> None:
    print(
        f"== {result['db']}: {result['items']:,} synthetic power items indexed in {result['index_s']} s "
        f"({result['index_docs_per_s']:,} docs/s); 23 statutes imported in {result['laws_import_s']} s"
    )
    for kind in ("article", "power_item"):
        r = result[kind]
        print(
            f"   {kind:<10} search_query(limit=20): median {r['query_median_ms']} ms, p95 {r['query_p95_ms']} ms"
            f" · search_count(cap=1000): median {r['count_median_ms']} ms, p95 {r['count_p95_ms']} ms"
        )
        for q, s in r["per_query"].items():
            print(f"       {q:<12} {s['matches']:>7} matches  median {s['median_ms']} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=200_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/zhifa_bench_search")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    work = Path(tempfile.mkdtemp(prefix="zhifa-bench-search-"))
    try:
        for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
            report(run(db, args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
