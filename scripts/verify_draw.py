#!/usr/bin/env python3
"""Recompute a published random draw (zhifa-draw-v1) with the Python standard library alone.

This file deliberately shares no code with the platform: it is the algorithm of docs/inspections.md
("The draw algorithm") written out again, so that anyone can check a published draw without trusting
the platform's own code. Copy it anywhere and run it with any Python 3.10 or later.

    python3 verify_draw.py draw.json [pool.txt]

pool.txt (optional): the pool file a draw publishes at its `pool_url` (lines `id<TAB>weight`); given,
it replaces the "pool" and "weights" of draw.json (a pool of more than 100,000 is published only so).

draw.json:
    {
      "seed": "<64 hex digits>",
      "pool": ["id", ...],                 # any order; sorted here canonically
      "weights": {"id": 3, ...},           # optional; missing ids weigh 1
      "n": 10,
      "pool_digest": "<hex>",              # optional: the published digest, compared
      "chosen": ["id", ...],               # optional: the published result, compared
      "teams": {                           # optional: the inspector assignment
        "candidates": ["inspector id", ...],
        "team_size": 2,
        "excluded": {"target id": ["inspector id", ...]},
        "pair_limit": 3,                   # or null for no limit
        "pair_history": [["a", "b", 1], ...],
        "assigned": {"target id": ["inspector id", ...]}   # optional: published teams, compared
      }
    }

Prints the recomputed draw as JSON; exits 1 when a published value differs, 2 on malformed input.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sys
from itertools import combinations, pairwise

VERSION = b"zhifa-draw-v1"
MAX_WEIGHT = 100
MAX_ID_LENGTH = 200
SEARCH_BUDGET = 20_000
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Malformed(ValueError):
    pass


def seed_bytes(seed: object) -> bytes:
    if not isinstance(seed, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", seed):
        raise Malformed("seed must be 64 hexadecimal digits")
    return bytes.fromhex(seed)


def utf8_id(value: object) -> bytes:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_LENGTH or CONTROL.search(value):
        raise Malformed(f"invalid id: {value!r}")
    return value.encode("utf-8")


def canonical(pool: list[str], weights: dict[str, int]) -> list[tuple[bytes, str, int]]:
    entries = []
    for entry_id in pool:
        weight = weights.get(entry_id, 1)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= MAX_WEIGHT:
            raise Malformed(f"invalid weight for {entry_id!r}: {weight!r}")
        entries.append((utf8_id(entry_id), entry_id, weight))
    entries.sort(key=lambda e: e[0])
    for a, b in pairwise(entries):
        if a[0] == b[0]:
            raise Malformed(f"duplicate id: {a[1]!r}")
    return entries


def digest_of(entries: list[tuple[bytes, str, int]]) -> str:
    h = hashlib.sha256(VERSION + b"\n")
    for raw, _entry_id, weight in entries:
        h.update(raw + b"\t" + str(weight).encode("ascii") + b"\n")
    return h.hexdigest()


def rank(seed: bytes, raw: bytes, weight: int) -> bytes:
    return min(
        hmac.new(seed, raw + b"\n" + str(k).encode("ascii"), hashlib.sha256).digest() for k in range(weight)
    )


def draw(seed: bytes, entries: list[tuple[bytes, str, int]], n: int) -> list[tuple[str, str]]:
    ranked = sorted((rank(seed, raw, weight), raw, entry_id) for raw, entry_id, weight in entries)
    return [(entry_id, r.hex()) for r, _raw, entry_id in ranked[:n]]


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a.encode("utf-8") < b.encode("utf-8") else (b, a)


def teams(seed: bytes, targets: list[str], spec: dict) -> dict[str, list[str]]:
    candidates = sorted(set(spec["candidates"]), key=lambda c: c.encode("utf-8"))
    size = int(spec.get("team_size", 2))
    excluded = {t: set(v) for t, v in (spec.get("excluded") or {}).items()}
    limit = spec.get("pair_limit")
    counts: dict[tuple[str, str], int] = {}
    for a, b, times in spec.get("pair_history") or []:
        counts[pair(a, b)] = counts.get(pair(a, b), 0) + int(times)
    rankings = []
    for target in targets:
        prefix = b"team\n" + utf8_id(target) + b"\n"
        eligible = [c for c in candidates if c not in excluded.get(target, set())]
        rankings.append(
            [
                c
                for _h, _raw, c in sorted(
                    (hmac.new(seed, prefix + utf8_id(c), hashlib.sha256).digest(), utf8_id(c), c)
                    for c in eligible
                )
            ]
        )

    def allowed_teams(ranked: list[str]):
        # the combinations in lexicographic order of rank positions whose pairs are all allowed, asked
        # lazily (itertools.combinations yields exactly that order), so the counts seen are the
        # current ones when the search comes back to this target
        for combo in combinations(ranked, size):
            if limit is None or all(counts.get(pair(a, b), 0) < limit for a, b in combinations(combo, 2)):
                yield list(combo)

    def count(team: list[str], step: int) -> None:
        for a, b in combinations(team, 2):
            counts[pair(a, b)] = counts.get(pair(a, b), 0) + step

    # depth-first: each target takes its first allowed team; a target left with none sends the search
    # back to the latest earlier target's next allowed team
    levels = [allowed_teams(rankings[0])] if targets else []
    chosen: list[list[str]] = []
    tried = 0
    while len(chosen) < len(targets):
        if not levels:
            raise Malformed("no team possible for the targets drawn")
        team = next(levels[-1], None)
        if team is None:
            levels.pop()
            if chosen:
                count(chosen.pop(), -1)
            continue
        tried += 1
        if tried > SEARCH_BUDGET:
            raise Malformed(f"no team found within {SEARCH_BUDGET} tried teams")
        count(team, +1)
        chosen.append(team)
        if len(chosen) < len(targets):
            levels.append(allowed_teams(rankings[len(chosen)]))
    return dict(zip(targets, chosen, strict=True))


def verify(data: dict) -> tuple[dict, list[str]]:
    """The recomputed draw and the list of published values that differ from it."""
    seed = seed_bytes(data.get("seed"))
    pool = data.get("pool")
    n = data.get("n")
    if not isinstance(pool, list) or isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise Malformed("pool must be a list of ids and n a whole number of at least 1")
    entries = canonical(pool, data.get("weights") or {})
    drawn = draw(seed, entries, n)
    result: dict = {
        "version": VERSION.decode(),
        "pool_digest": digest_of(entries),
        "pool_size": len(entries),
        "n": n,
        "chosen": [entry_id for entry_id, _r in drawn],
        "ranks": [r for _entry_id, r in drawn],
    }
    differs = []
    if "pool_digest" in data and str(data["pool_digest"]).lower() != result["pool_digest"]:
        differs.append("pool_digest")
    if "chosen" in data and list(data["chosen"]) != result["chosen"]:
        differs.append("chosen")
    if data.get("teams"):
        result["teams"] = teams(seed, result["chosen"], data["teams"])
        published = data["teams"].get("assigned")
        if published is not None and {k: list(v) for k, v in published.items()} != result["teams"]:
            differs.append("teams")
    return result, differs


def read_pool_file(path: str) -> tuple[list[str], dict[str, int]]:
    ids: list[str] = []
    weights: dict[str, int] = {}
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.decode("utf-8")
            if not line.endswith("\n") or "\t" not in line:
                raise ValueError(f"pool file line {number}: not `id<TAB>weight<LF>`")
            entry_id, _tab, weight = line[:-1].rpartition("\t")
            ids.append(entry_id)
            if int(weight) != 1:
                weights[entry_id] = int(weight)
    return ids, weights


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as fh:
            data = json.load(fh)
        if len(argv) == 3:
            data["pool"], data["weights"] = read_pool_file(argv[2])
        result, differs = verify(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"malformed input: {exc}", file=sys.stderr)
        return 2
    result["differs"] = differs
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
