"""Reproducible, publicly verifiable random draws (抽取): targets from a pool, then teams per target.

Anyone holding the published seed and the pool can recompute a draw with nothing but HMAC-SHA256 and
SHA-256; `scripts/verify_draw.py` does it with the Python standard library alone, and
docs/inspections.md ("The draw algorithm") states every byte so it can be written in any language.
In short (version `zhifa-draw-v1`):

- **Seed**: 32 bytes, published as 64 lower-case hex digits; `new_seed()` takes them from `secrets`.
- **Pool**: entries `(id, weight)`; an id is a non-empty string of at most 200 characters without
  control characters (U+0000–U+001F, U+007F), a weight an integer 1–100 (1 for an unweighted draw).
  Canonical order: ascending by the UTF-8 bytes of the id, no id twice.
- **Pool digest**: SHA-256 over `b"zhifa-draw-v1\\n"` followed, for each entry in canonical order, by
  `id UTF-8 + b"\\t" + weight in decimal ASCII + b"\\n"`; published as hex.
- **Rank** of an entry: the smallest of the `weight` values HMAC-SHA256(key=seed,
  msg=id UTF-8 + b"\\n" + k in decimal ASCII) for k = 0 … weight−1, compared as 32-byte strings
  (= as 256-bit big-endian unsigned integers). The draw is the `n` entries with the smallest rank,
  smallest first; equal ranks (an HMAC collision) fall back to the smaller id bytes.
  The minimum of w independent uniform values is distributed like 1 − u^(1/w), so taking the
  smallest ranks is exactly Efraimidis–Spirakis weighted sampling without replacement (keys u^(1/w),
  largest first), done with integer comparisons only: no floating point, nothing to round.
- **Teams** (`assign_teams`): for each drawn target in draw order, candidates are ranked by
  HMAC-SHA256(seed, b"team\\n" + target UTF-8 + b"\\n" + candidate UTF-8) (ties: smaller id bytes);
  candidates excluded for the target are dropped; the team is the first combination of `team_size`
  candidates, in lexicographic order of their rank positions, in which no two members have already
  been teamed `pair_limit` times (counting the history given and the teams assigned earlier in the
  same draw). When a target is left with no such combination because of the teams chosen before it,
  the search backtracks: the latest earlier target takes its next allowed combination, and so on
  (depth-first), so the result is the first lawful assignment in this order — the same as the
  one-at-a-time rule whenever that rule gets through.

Memory: a draw keeps only the `n` best entries (a heap), so a pool of millions streams from the
database; the stream must then come in canonical order (checked as it goes: the digest would
otherwise depend on the order of a query). `canonical_pool()` sorts a pool held in memory.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import re
import secrets
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import Conflict, InvalidInput

VERSION = "zhifa-draw-v1"
SEED_BYTES = 32
MAX_WEIGHT = 100  # bounds the work: an entry costs `weight` HMACs
MAX_ID_LENGTH = 200
TEAM_PREFIX = b"team\n"
SEARCH_BUDGET = 20_000  # teams tried before a draw whose pair limits leave no way through is refused

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SEED = re.compile(r"[0-9a-fA-F]{64}")

Entry = tuple[str, int]


class DrawInputError(InvalidInput):
    code = "invalid_draw_input"


class NoTeamPossible(Conflict):
    """Not enough candidates are left for a target once exclusions and pair limits apply."""

    code = "no_team_possible"


# --- Seed and pool ---------------------------------------------------------------------------------


def new_seed() -> str:
    """A fresh seed: 32 bytes from the operating system's CSPRNG, as 64 hex digits."""
    return secrets.token_hex(SEED_BYTES)


def parse_seed(seed: str) -> bytes:
    if not isinstance(seed, str) or not _SEED.fullmatch(seed):
        raise DrawInputError(_("A draw seed is 64 hexadecimal digits (32 bytes)."), detail={"field": "seed"})
    return bytes.fromhex(seed)


def id_bytes(entry_id: object) -> bytes:
    """The UTF-8 bytes of a valid id, or DrawInputError."""
    if not isinstance(entry_id, str) or not entry_id or len(entry_id) > MAX_ID_LENGTH:
        raise DrawInputError(
            _("Every id in a draw is a text of 1 to %(max)d characters.") % {"max": MAX_ID_LENGTH},
            detail={"field": "pool", "id": str(entry_id)[:MAX_ID_LENGTH]},
        )
    if _CONTROL.search(entry_id):
        raise DrawInputError(
            _("An id in a draw may not contain tabs, line breaks or other control characters."),
            detail={"field": "pool", "id": entry_id},
        )
    return entry_id.encode("utf-8")


def check_weight(weight: object, entry_id: str) -> int:
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= MAX_WEIGHT:
        raise DrawInputError(
            _("A draw weight is a whole number from 1 to %(max)d.") % {"max": MAX_WEIGHT},
            detail={"field": "weights", "id": entry_id},
        )
    return int(weight)  # an IntEnum level serialises as its number


def _entry(item: str | Entry) -> Entry:
    if isinstance(item, str):
        return item, 1
    try:
        entry_id, weight = item
    except (TypeError, ValueError):
        raise DrawInputError(
            _("Every pool entry is an id, or an id and its weight."), detail={"field": "pool"}
        ) from None
    return entry_id, weight


def canonical_pool(items: Iterable[str | Entry]) -> list[Entry]:
    """A pool held in memory, in canonical order (UTF-8 bytes of the id), refusing duplicates."""
    entries = [_entry(item) for item in items]
    keyed = sorted(((id_bytes(i), i, check_weight(w, i)) for i, w in entries), key=lambda e: e[0])
    for (a, ida, _w1), (b, _i, _w2) in itertools.pairwise(keyed):
        if a == b:
            raise DrawInputError(
                _("The id %(id)s appears twice in the pool.") % {"id": ida},
                detail={"field": "pool", "id": ida},
            )
    return [(i, w) for _b, i, w in keyed]


def _canonical_order_error(entry_id: str) -> NoReturn:
    raise DrawInputError(
        _(
            "The pool is not in canonical order (ascending by the UTF-8 bytes of the id, each id once) "
            "at %(id)s."
        )
        % {"id": entry_id},
        detail={"field": "pool", "id": entry_id},
    )


def _canonical_stream(items: Iterable[str | Entry]) -> Iterator[tuple[bytes, str, int]]:
    """Validates ids and weights and refuses a stream that is not in strict canonical order."""
    previous: bytes | None = None
    for item in items:
        entry_id, weight = _entry(item)
        raw = id_bytes(entry_id)
        weight = check_weight(weight, entry_id)
        if previous is not None and raw <= previous:
            _canonical_order_error(entry_id)
        previous = raw
        yield raw, entry_id, weight


def pool_line(raw_id: bytes, weight: int) -> bytes:
    return raw_id + b"\t" + str(weight).encode("ascii") + b"\n"


def pool_digest(items: Iterable[str | Entry]) -> str:
    """SHA-256 of the canonical serialisation of a pool given in canonical order."""
    digest = hashlib.sha256(VERSION.encode("ascii") + b"\n")
    for raw, _id, weight in _canonical_stream(items):
        digest.update(pool_line(raw, weight))
    return digest.hexdigest()


class Hmac256:
    """HMAC-SHA256 under one key, with the key schedule (RFC 2104: SHA-256 of key⊕ipad and key⊕opad)
    computed once. Each call then costs two hash copies instead of a new HMAC object, which halves
    the time of a million-entry draw; the output is byte for byte `hmac.digest(key, msg, "sha256")`."""

    __slots__ = ("inner", "outer")

    def __init__(self, key: bytes) -> None:
        block = key if len(key) <= 64 else hashlib.sha256(key).digest()
        block = block.ljust(64, b"\0")
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def __call__(self, msg: bytes) -> bytes:
        inner = self.inner.copy()
        inner.update(msg)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def rank(seed: bytes, raw_id: bytes, weight: int = 1) -> bytes:
    """The entry's rank: the smallest of its `weight` ticket hashes
    HMAC-SHA256(seed, id + "\\n" + k), k = 0 … weight−1."""
    return _rank(Hmac256(seed), raw_id, weight)


def _rank(mac: Hmac256, raw_id: bytes, weight: int) -> bytes:
    prefix = raw_id + b"\n"
    best = mac(prefix + b"0")
    for k in range(1, weight):
        best = min(best, mac(prefix + str(k).encode("ascii")))
    return best


# --- Drawing targets -------------------------------------------------------------------------------


class _Slot:
    """A heap element ordered worst-first, so heap[0] is the entry to evict (largest rank, then
    largest id bytes)."""

    __slots__ = ("entry_id", "rank", "raw")

    def __init__(self, rank_: bytes, raw: bytes, entry_id: str) -> None:
        self.rank, self.raw, self.entry_id = rank_, raw, entry_id

    def __lt__(self, other: _Slot) -> bool:
        return (self.rank, self.raw) > (other.rank, other.raw)


@dataclass(frozen=True)
class Drawn:
    entry_id: str
    rank: str  # hex of the 32-byte rank, published so each place in the order can be checked


@dataclass(frozen=True)
class DrawResult:
    version: str
    seed: str
    pool_digest: str
    pool_size: int
    total_weight: int
    n: int
    drawn: tuple[Drawn, ...]

    @property
    def chosen(self) -> tuple[str, ...]:
        return tuple(d.entry_id for d in self.drawn)

    def as_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "seed": self.seed,
            "pool_digest": self.pool_digest,
            "pool_size": self.pool_size,
            "total_weight": self.total_weight,
            "n": self.n,
            "chosen": list(self.chosen),
            "ranks": [d.rank for d in self.drawn],
        }


def draw(*, seed: str, pool: Iterable[str | Entry], n: int) -> DrawResult:
    """Draw `n` ids from `pool` (in canonical order; `canonical_pool()` sorts one held in memory).

    A pool smaller than `n` is drawn whole, in rank order. Constant memory in the pool's size: one
    pass, the `n` best entries on a heap, the digest computed on the way.
    """
    mac = Hmac256(parse_seed(seed))
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise DrawInputError(_("The number to draw is a whole number of at least 1."), detail={"field": "n"})
    digest = hashlib.sha256(VERSION.encode("ascii") + b"\n")
    heap: list[_Slot] = []
    size = total = 0
    # The loop is the whole cost of a large draw, so it is written out flat: the checks of
    # `_canonical_stream` and the HMAC of `Hmac256` inline, with their methods bound once.
    update, inner, outer = digest.update, mac.inner, mac.outer
    control, previous = _CONTROL.search, b""
    for item in pool:
        entry_id, weight = (item, 1) if isinstance(item, str) else _entry(item)
        if (
            not isinstance(entry_id, str)
            or not 0 < len(entry_id) <= MAX_ID_LENGTH
            or control(entry_id)
            or type(weight) is not int
            or not 1 <= weight <= MAX_WEIGHT
        ):
            id_bytes(entry_id)  # raises the precise error
            weight = check_weight(weight, entry_id)  # or an int subclass (IntEnum) made a plain int
        raw = entry_id.encode("utf-8")
        if raw <= previous:  # ids are never empty, so the first one always passes
            _canonical_order_error(entry_id)
        previous = raw
        update(raw + b"\t" + str(weight).encode("ascii") + b"\n" if weight != 1 else raw + b"\t1\n")
        size += 1
        total += weight
        if weight == 1:
            h = inner.copy()
            h.update(raw + b"\n0")
            o = outer.copy()
            o.update(h.digest())
            r = o.digest()
        else:
            r = _rank(mac, raw, weight)
        if len(heap) < n:
            heapq.heappush(heap, _Slot(r, raw, entry_id))
            continue
        worst = heap[0]
        if r < worst.rank or (r == worst.rank and raw < worst.raw):
            heapq.heapreplace(heap, _Slot(r, raw, entry_id))
    ordered = sorted(heap, key=lambda s: (s.rank, s.raw))
    return DrawResult(
        version=VERSION,
        seed=seed.lower(),
        pool_digest=digest.hexdigest(),
        pool_size=size,
        total_weight=total,
        n=n,
        drawn=tuple(Drawn(s.entry_id, s.rank.hex()) for s in ordered),
    )


@dataclass(frozen=True)
class Verification:
    """The outcome of replaying a published draw against a pool."""

    digest_matches: bool
    chosen_matches: bool
    recomputed: DrawResult
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.digest_matches and self.chosen_matches


def verify_draw(
    *, seed: str, pool_digest_published: str, n: int, chosen: Sequence[str], pool: Iterable[str | Entry]
) -> Verification:
    """Replay a published draw: recompute it from `seed` over `pool` and compare. A pool that is not
    the one drawn from shows as a different digest (and almost surely as a different choice)."""
    result = draw(seed=seed, pool=pool, n=n)
    digest_ok = hmac.compare_digest(result.pool_digest, pool_digest_published.strip().lower())
    chosen_ok = result.chosen == tuple(chosen)
    problems = []
    if not digest_ok:
        problems.append("pool_digest")
    if not chosen_ok:
        problems.append("chosen")
    return Verification(digest_ok, chosen_ok, result, tuple(problems))


# --- Teams per drawn target ------------------------------------------------------------------------


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair of candidates in canonical order (UTF-8 bytes), as pair counts are keyed."""
    return (a, b) if a.encode("utf-8") < b.encode("utf-8") else (b, a)


@dataclass(frozen=True)
class Team:
    target: str
    members: tuple[str, ...]  # in rank order for the target


def team_ranking(seed: bytes, target: str, candidates: Iterable[str]) -> list[str]:
    """Candidates ordered by HMAC-SHA256(seed, "team\\n" + target + "\\n" + candidate)."""
    return _team_ranking(Hmac256(seed), target, [(id_bytes(c), c) for c in candidates])


def _team_ranking(mac: Hmac256, target: str, candidates: Iterable[tuple[bytes, str]]) -> list[str]:
    prefix = TEAM_PREFIX + id_bytes(target) + b"\n"
    keyed = sorted((mac(prefix + raw), raw, c) for raw, c in candidates)
    return [c for _h, _r, c in keyed]


def _allowed_teams(
    ranked: Sequence[str], size: int, allowed: Callable[[str, str], bool]
) -> Iterator[tuple[str, ...]]:
    """Every `size`-combination of `ranked` whose every pair is allowed, in lexicographic order of rank
    positions; depth-first with pruning, so a pair already refused is never extended. Lazy: `allowed`
    is asked when the next team is wanted, so the caller may change and restore the pair counts in
    between (the search below does, while it tries later targets)."""
    team: list[str] = []

    def extend(start: int) -> Iterator[tuple[str, ...]]:
        if len(team) == size:
            yield tuple(team)
            return
        for pos in range(start, len(ranked) - (size - len(team)) + 1):
            cand = ranked[pos]
            if all(allowed(member, cand) for member in team):
                team.append(cand)
                yield from extend(pos + 1)
                team.pop()

    return extend(0)


def _no_team(target: str, size: int, eligible: int, *, gave_up_after: int | None = None) -> NoTeamPossible:
    if gave_up_after is not None:
        message = _(
            "No team of %(size)d could be found for %(target)s within %(budget)d tried teams: the pair "
            "limit leaves too few combinations for the targets drawn. Add inspectors or raise the limit."
        ) % {"size": size, "target": target, "budget": gave_up_after}
    else:
        message = _(
            "No team of %(size)d can be formed for %(target)s: %(eligible)d candidates are "
            "eligible once conflicts and the pair limit are applied."
        ) % {"size": size, "target": target, "eligible": eligible}
    return NoTeamPossible(message, detail={"target": target, "eligible": eligible, "team_size": size})


def assign_teams(
    *,
    seed: str,
    targets: Sequence[str],
    candidates: Iterable[str],
    team_size: int = 2,
    excluded: Mapping[str, Collection[str]] | None = None,
    pair_limit: int | None = None,
    pair_history: Mapping[tuple[str, str], int] | None = None,
    budget: int | None = None,
) -> tuple[Team, ...]:
    """A team of `team_size` candidates for each target, in the order of `targets` (the draw order).

    `excluded[target]` are candidates that may not go to that target (conflicts of interest, or an
    inspector who has already inspected it as often as allowed). `pair_limit` is how many times two
    candidates may work together in all, counting `pair_history` (keys from `pair_key`) and the teams
    assigned before in this call; None means no limit.

    Each target takes the first allowed combination in its ranking; when a later target is left with
    none, the earlier targets move on to their next allowed combinations (depth-first backtracking,
    the latest target first). So the result is the first lawful assignment in that order: identical
    to the plain one-target-at-a-time rule whenever that rule gets through, and found where that rule
    would stall on a pair used up by an earlier team although a lawful assignment exists. The search
    tries at most `budget` teams (SEARCH_BUDGET); it raises NoTeamPossible naming the target it could
    not get past, and nothing is partly assigned.
    """
    mac = Hmac256(parse_seed(seed))
    pool = canonical_pool(list(candidates))
    names = [(c.encode("utf-8"), c) for c, _w in pool]
    pool_ids = {c for _raw, c in names}
    if team_size < 1:
        raise DrawInputError(_("A team has at least one member."), detail={"field": "team_size"})
    if pair_limit is not None and pair_limit < 0:
        raise DrawInputError(_("The pair limit cannot be negative."), detail={"field": "pair_limit"})
    excluded = excluded or {}
    counts: dict[tuple[str, str], int] = dict(pair_history or {})
    if len(set(targets)) != len(targets):
        raise DrawInputError(_("A target appears twice in the draw."), detail={"field": "targets"})
    if not targets:
        return ()
    limit = SEARCH_BUDGET if budget is None else budget

    def allowed(a: str, b: str) -> bool:
        return pair_limit is None or counts.get(pair_key(a, b), 0) < pair_limit

    per_team = team_size * (team_size - 1) // 2
    if pair_limit is not None and per_team:
        # each team uses up `per_team` pair places; the candidates have only so many left this year
        places = len(names) * (len(names) - 1) // 2 * pair_limit - sum(
            min(times, pair_limit) for (a, b), times in counts.items() if a in pool_ids and b in pool_ids
        )
        if len(targets) * per_team > places:
            stuck = targets[max(places, 0) // per_team]
            raise _no_team(stuck, team_size, len(names))

    rankings: list[list[str]] = []
    for target in targets:
        barred = set(excluded.get(target, ()))
        ranked = _team_ranking(mac, target, [(raw, c) for raw, c in names if c not in barred])
        # a target without a team even before this draw's own teams count fails whatever the others
        # take: refuse it at once instead of searching every order of the others first
        if next(_allowed_teams(ranked, team_size, allowed), None) is None:
            raise _no_team(target, team_size, len(ranked))
        rankings.append(ranked)

    def count(team: tuple[str, ...], step: int) -> None:
        for a, b in itertools.combinations(team, 2):
            k = pair_key(a, b)
            counts[k] = counts.get(k, 0) + step

    levels = [_allowed_teams(rankings[0], team_size, allowed)]
    chosen: list[tuple[str, ...]] = []
    tried = furthest = 0
    while levels:
        team = next(levels[-1], None)
        if team is None:  # this target has no allowed team left: the one before moves on
            levels.pop()
            if chosen:
                count(chosen.pop(), -1)
            continue
        tried += 1
        if tried > limit:
            raise _no_team(targets[furthest], team_size, len(rankings[furthest]), gave_up_after=limit)
        count(team, +1)
        chosen.append(team)
        if len(chosen) == len(targets):
            return tuple(Team(t, members) for t, members in zip(targets, chosen, strict=True))
        furthest = max(furthest, len(chosen))
        levels.append(_allowed_teams(rankings[len(chosen)], team_size, allowed))
    raise _no_team(targets[furthest], team_size, len(rankings[furthest]))
