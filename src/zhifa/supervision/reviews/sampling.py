"""The sample of a campaign (抽取案卷), drawn with the platform's reproducible draw (`zhifa.core.draw`,
docs/inspections.md "The draw algorithm"): nothing here ranks or hashes on its own.

- The pool of a group (one agency, or one agency and one stratum) is its closed case files, each entry
  the id `case-<id>` with weight 1, in canonical order. Its digest and the ids drawn are stored.
- The number drawn per group: the campaign's number, or its share of the group's files rounded up; at
  least 1 when the group has any file; never more than the group has.
- The digest of the whole campaign is the draw digest over the entries `<agency id>/<stratum>/<case id>`
  (stratum `-` when none), so the frozen pool as a whole can be checked with the same verifier.
- Reviewers are assigned with `draw.assign_teams` (teams of one, in draw order), excluding for each file
  every reviewer belonging to the file's agency (交叉评查: nobody reviews their own agency's files).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from zhifa.core import draw


def entry_id(case_id: int) -> str:
    return f"case-{case_id}"


def case_of(entry: str) -> int:
    return int(entry.removeprefix("case-"))


def sample_size(*, pool_size: int, mode: str, count: int | None, share: Decimal | None) -> int:
    if pool_size <= 0:
        return 0
    by_share = math.ceil(Decimal(pool_size) * (share or Decimal(0)) / 100)
    wanted = (count or 1) if mode == "count" else by_share
    return min(pool_size, max(1, wanted))


@dataclass(frozen=True)
class GroupDraw:
    agency_id: int
    stratum: str
    pool_size: int
    pool_digest: str
    n: int
    chosen: tuple[str, ...]
    ranks: tuple[str, ...]


def draw_group(
    *,
    seed: str,
    agency_id: int,
    stratum: str,
    case_ids: Iterable[int],
    mode: str,
    count: int | None,
    share: Decimal | None,
) -> GroupDraw:
    pool = draw.canonical_pool(entry_id(c) for c in case_ids)
    n = sample_size(pool_size=len(pool), mode=mode, count=count, share=share)
    if n == 0:
        return GroupDraw(agency_id, stratum, 0, draw.pool_digest([]), 0, (), ())
    result = draw.draw(seed=seed, pool=pool, n=n)
    return GroupDraw(
        agency_id,
        stratum,
        result.pool_size,
        result.pool_digest,
        n,
        result.chosen,
        tuple(d.rank for d in result.drawn),
    )


def campaign_pool_entries(rows: Iterable[tuple[int, str, int]]) -> list[tuple[str, int]]:
    """(agency id, stratum, case id) → the campaign's canonical pool."""
    return draw.canonical_pool(f"{a}/{s or '-'}/{c}" for a, s, c in rows)


def campaign_digest(rows: Iterable[tuple[int, str, int]]) -> str:
    return draw.pool_digest(campaign_pool_entries(rows))


def verify_group(*, seed: str, group: GroupDraw, case_ids: Iterable[int]) -> draw.Verification | None:
    """Replay one group's draw over the frozen pool (None for an empty group)."""
    if group.n == 0:
        return None
    pool = draw.canonical_pool(entry_id(c) for c in case_ids)
    return draw.verify_draw(
        seed=seed, pool_digest_published=group.pool_digest, n=group.n, chosen=group.chosen, pool=pool
    )


def assign_reviewers(
    *, seed: str, files: Sequence[tuple[str, int]], reviewers: Mapping[str, frozenset[int]]
) -> dict[str, str]:
    """files: (target id, agency id) in draw order; reviewers: reviewer id → the agencies they belong
    to. Returns target → reviewer id. Raises draw.NoTeamPossible when a file has no eligible reviewer."""
    if not files:
        return {}
    excluded = {target: [r for r, own in reviewers.items() if agency in own] for target, agency in files}
    teams = draw.assign_teams(
        seed=seed,
        targets=[t for t, _a in files],
        candidates=list(reviewers),
        team_size=1,
        excluded=excluded,
    )
    return {team.target: team.members[0] for team in teams}
