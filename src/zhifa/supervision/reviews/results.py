"""Results of a campaign per agency: files, average score, grade counts, ranking, the most common
deductions. Ranking rule (stated on the results page and in docs/reviews.md): by average score, higher
first; on equal averages the agency with fewer failed files ranks first, then the one with more excellent
files; agencies still equal share the rank (1, 1, 3 …). An agency with no scored file is listed unranked."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F

from zhifa.org.selectors import node_names
from zhifa.supervision.reviews.models import Campaign, SampledFile, ScoreLine
from zhifa.supervision.reviews.scoring import Grade

TENTH = Decimal("0.1")
RANKING_RULE = "average_desc, failed_asc, excellent_desc; equal agencies share the rank"


@dataclass
class AgencyResult:
    agency_id: int
    name: str
    files: int = 0
    scored: int = 0
    total: Decimal = Decimal(0)
    excellent: int = 0
    passed: int = 0
    failed: int = 0
    rank: int | None = None
    top_deductions: list[tuple[str, int]] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        if not self.scored:
            return None
        return (self.total / self.scored).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def pass_rate(self) -> Decimal | None:
        if not self.scored:
            return None
        return (Decimal(self.excellent + self.passed) * 100 / self.scored).quantize(
            TENTH, rounding=ROUND_HALF_UP
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "agency": self.name,
            "files": self.files,
            "scored": self.scored,
            "average": None if self.average is None else str(self.average),
            "pass_rate": None if self.pass_rate is None else str(self.pass_rate),
            "grades": {"excellent": self.excellent, "pass": self.passed, "fail": self.failed},
            "rank": self.rank,
            "top_deductions": [{"code": c, "count": n} for c, n in self.top_deductions],
        }


def _sort_key(r: AgencyResult) -> tuple[Decimal, int, int]:
    assert r.average is not None
    return (-r.average, r.failed, -r.excellent)


def rank(rows: list[AgencyResult]) -> list[AgencyResult]:
    scored = sorted((r for r in rows if r.average is not None), key=lambda r: (_sort_key(r), r.name))
    previous: tuple[Decimal, int, int] | None = None
    for i, r in enumerate(scored, start=1):
        key = _sort_key(r)
        r.rank = scored[i - 2].rank if previous == key else i
        previous = key
    unscored = sorted((r for r in rows if r.average is None), key=lambda r: r.name)
    return scored + unscored


def campaign_results(campaign: Campaign, *, top: int = 3) -> list[AgencyResult]:
    agency_ids = list(campaign.agencies.values_list("id", flat=True))
    names = node_names(agency_ids)
    rows = {a: AgencyResult(a, names.get(a, str(a))) for a in agency_ids}
    for agency_id, state, score, grade in SampledFile.objects.filter(campaign=campaign).values_list(
        "agency_id", "state", "score", "grade"
    ):
        r = rows[agency_id]
        r.files += 1
        if state == SampledFile.State.SCORED and score is not None:
            r.scored += 1
            r.total += score
            if grade == Grade.EXCELLENT:
                r.excellent += 1
            elif grade == Grade.PASS:
                r.passed += 1
            else:
                r.failed += 1
    counters: dict[int, Counter[str]] = {a: Counter() for a in agency_ids}
    lines = ScoreLine.objects.filter(
        sheet__file__campaign=campaign, sheet__file__current_sheet=F("sheet_id")
    ).values_list("sheet__file__agency_id", "code", "deduction", "vetoed")
    for line_agency, code, deduction, vetoed in lines:
        if line_agency is not None and (vetoed or deduction > 0):
            counters[line_agency][code] += 1
    for a, counter in counters.items():
        rows[a].top_deductions = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return rank(list(rows.values()))
