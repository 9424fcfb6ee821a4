"""Totals, grades and the ranking of a round.

An agency's total is the sum of its leaves' final scores (the assessor's score where there is one,
otherwise the computed score of a computed leaf) minus the points deducted for a late self-check,
never below zero. A judged leaf the assessor has not scored counts nothing (and the round cannot go
to review while one is missing).

Ranking rule (stated on the ranking page, in the report and in docs/assessment.md): by total, higher
first; on equal totals the agency with more points on the leaves computed from data ranks first (the
figures no one judged), then the one that submitted its self-check on time; agencies still equal share
the rank (1, 1, 3 …).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhifa.law import assessment as rules
from zhifa.org.selectors import node_names
from zhifa.supervision.assessment.models import LeafScore, Participant, Round

RANKING_RULE = "total_desc, computed_points_desc, on_time_first; equal agencies share the rank"
RANKING_RULE_TEXT = "按总分由高到低排名；总分相同的，数据自动计算指标得分高者在前；仍相同的，按时报送自查报告者在前；仍相同的并列同一名次。"


@dataclass
class AgencyResult:
    participant_id: int
    agency_id: int
    name: str
    late: bool
    late_deduction: Decimal
    state: str
    groups: dict[str, Decimal] = field(default_factory=dict)  # first-level code → points
    computed_points: Decimal = Decimal(0)
    judged_points: Decimal = Decimal(0)
    self_total: Decimal = Decimal(0)
    missing: int = 0  # leaves without a final score
    total: Decimal = Decimal(0)
    rank: int | None = None
    grade: str = ""
    previous_total: Decimal | None = None
    previous_rank: int | None = None

    @property
    def grade_label(self) -> str:
        return rules.Grade(self.grade).label if self.grade else ""

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "agency": self.name,
            "total": str(self.total),
            "computed_points": str(self.computed_points),
            "judged_points": str(self.judged_points),
            "self_total": str(self.self_total),
            "late": self.late,
            "late_deduction": str(self.late_deduction),
            "rank": self.rank,
            "grade": self.grade or None,
            "grade_label": self.grade_label or None,
            "groups": {k: str(v) for k, v in self.groups.items()},
            "missing_scores": self.missing,
            "previous_total": None if self.previous_total is None else str(self.previous_total),
            "previous_rank": self.previous_rank,
            "change": None if self.change is None else str(self.change),
        }


def _key(r: AgencyResult) -> tuple[Decimal, Decimal, bool]:
    return (-r.total, -r.computed_points, r.late)


def rank(rows: list[AgencyResult]) -> list[AgencyResult]:
    """Order by the stated rule and number the ranks (equal keys share a rank)."""
    ordered = sorted(rows, key=lambda r: (_key(r), r.name))
    previous: tuple[Decimal, Decimal, bool] | None = None
    for i, r in enumerate(ordered, start=1):
        key = _key(r)
        r.rank = ordered[i - 2].rank if previous == key else i
        previous = key
    return ordered


def _group_code(code: str) -> str:
    return code.split(".", 1)[0]


def previous_round(rnd: Round) -> Round | None:
    return (
        Round.objects.filter(bureau_id=rnd.bureau_id, year=rnd.year - 1, state=Round.State.FINISHED)
        .order_by("-finished_on", "-id")
        .first()
    )


def results(rnd: Round) -> list[AgencyResult]:
    """The round's results, live (before it finishes) or as frozen (after): same arithmetic."""
    participants = list(Participant.objects.filter(round=rnd).order_by("id"))
    names = node_names(p.agency_id for p in participants)
    rows = {
        p.pk: AgencyResult(
            participant_id=p.pk,
            agency_id=p.agency_id,
            name=names.get(p.agency_id, str(p.agency_id)),
            late=p.late,
            late_deduction=p.late_deduction,
            state=p.state,
        )
        for p in participants
    }
    groups: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for leaf in LeafScore.objects.filter(participant__round=rnd).select_related("node"):
        r = rows[leaf.participant_id]
        final = leaf.final_score
        if leaf.node.judged:
            r.self_total += leaf.self_score or Decimal(0)
        else:
            r.self_total += leaf.computed_score or Decimal(0)
        if final is None:
            r.missing += 1
            continue
        groups[leaf.participant_id][_group_code(leaf.node.code)] += final
        if leaf.node.computed:
            r.computed_points += final
        else:
            r.judged_points += final
    total_points = rnd.indicator_set.total_points
    before = previous_round(rnd)
    last_year = {p.agency_id: p for p in Participant.objects.filter(round=before)} if before else {}
    for r in rows.values():
        r.groups = dict(sorted(groups[r.participant_id].items(), key=lambda kv: _sort_code(kv[0])))
        r.total = max(Decimal(0), r.computed_points + r.judged_points - r.late_deduction)
        r.self_total = max(Decimal(0), r.self_total - r.late_deduction)
        r.grade = rules.grade(
            r.total,
            total_points=total_points,
            excellent=rnd.excellent_min,
            good=rnd.good_min,
            passing=rnd.pass_min,
        ).value
        old = last_year.get(r.agency_id)
        if old is not None and old.total is not None:
            r.previous_total, r.previous_rank = old.total, old.rank
    return rank(list(rows.values()))


def _sort_code(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (10**6, code)
