"""Small indicator sets and rounds for the tests (services only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhifa.supervision.assessment import services
from zhifa.supervision.assessment.models import IndicatorSet, Round

# 10 points: a judged group (6: 4 + 2) and a computed group (4: credential rate + an unregistered code).
SMALL_ROWS: list[dict[str, Any]] = [
    {"code": "1", "name": "制度建设", "points": "6"},
    {"code": "1.1", "parent": "1", "name": "重大决策程序", "points": "4", "method": "judged"},
    {"code": "1.2", "parent": "1", "name": "法律顾问", "points": "2", "method": "judged"},
    {"code": "2", "name": "数据指标", "points": "4"},
    {
        "code": "2.1",
        "parent": "2",
        "name": "持证率",
        "points": "3",
        "method": "computed",
        "indicator_code": "officers.credential_rate",
        "formula": "linear",
        "target": "85",
    },
    {
        "code": "2.2",
        "parent": "2",
        "name": "尚未登记的指标",
        "points": "1",
        "method": "computed",
        "indicator_code": "centre.not_registered_yet",
        "formula": "threshold",
        "target": "100",
    },
]


def small_set(*, actor: Any = None, year: int = 2026, late: str = "1.5") -> IndicatorSet:
    return services.set_create(
        actor=actor,
        data={
            "code": "small",
            "year": year,
            "name": "测试指标",
            "total_points": "10",
            "late_deduction": late,
            "rows": SMALL_ROWS,
        },
    )


def make_round(
    world: Any,
    people: Any,
    *,
    ind_set: IndicatorSet,
    year: int = 2026,
    due: dt.date = dt.date(2026, 3, 20),
    cutoff: dt.date = dt.date(2026, 3, 1),
) -> Round:
    return services.round_create(
        actor=world.users["supervisor"],
        data={
            "name": f"{year}年度依法行政考核",
            "year": year,
            "set_id": ind_set.pk,
            "agency_ids": [world.agency_a.pk, world.agency_b.pk],
            "assessor_ids": [people.assessor.pk, people.assessor_a.pk],
            "self_check_due": due.isoformat(),
            "cutoff_on": cutoff.isoformat(),
        },
    )


def self_check(
    rnd: Round, agency: Any, actor: Any, *, on: dt.date | None = None, scores: tuple[str, str] = ("4", "2")
) -> None:
    services.self_check_save(
        actor=actor,
        round_id=rnd.pk,
        agency_id=agency.pk,
        items=[
            {"code": "1.1", "score": scores[0], "explanation": "均履行法定程序"},
            {"code": "1.2", "score": scores[1], "explanation": "已聘请法律顾问"},
        ],
    )
    p = rnd.participants.get(agency=agency)
    services.self_check_apply_event(
        participant_id=p.pk, actor=actor, event="submit", data={"on": on} if on else {}
    )


def score_all(
    rnd: Round, agency: Any, assessor: Any, *, judged: tuple[str, str] = ("3", "2"), unregistered: str = "1"
) -> None:
    services.scores_record(
        actor=assessor,
        round_id=rnd.pk,
        agency_id=agency.pk,
        items=[
            {"code": "1.1", "score": judged[0], "note": "一项决策缺少风险评估"},
            {"code": "1.2", "score": judged[1]},
            {"code": "2.2", "score": unregistered, "reason": "指标未登记，按台账核定"},
        ],
    )
