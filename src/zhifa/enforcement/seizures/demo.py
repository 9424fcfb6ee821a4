"""Demo step 55: seized items in the city-management bureau's register — a seizure with its video, a
sealing whose term is about to end (and whose video is missing, so both alerts show), a detention
extended once, evidence registered for preservation, and one measure already lifted and returned."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.evidence.factories import make_evidence, mp4_bytes
from zhifa.enforcement.seizures.services import (
    seizure_dispose,
    seizure_extend,
    seizure_record,
    seizures_check_terms,
)
from zhifa.officers.models import Officer

PLANS: list[dict[str, Any]] = [
    {
        "measure": "seizure",
        "days_ago": 20,
        "video": True,
        "items": [
            {"description": "便携式切割机", "quantity": "1", "unit": "台", "estimated_value": "3200"},
            {"description": "施工围挡板", "quantity": "12", "unit": "块"},
        ],
    },
    {
        "measure": "sealing",
        "days_ago": 27,
        "video": False,
        "items": [{"description": "违规经营的露天烧烤摊位（含烤炉）", "quantity": "1", "unit": "处"}],
    },
    {
        "measure": "detention",
        "days_ago": 26,
        "video": True,
        "extend": 20,
        "items": [
            {
                "description": "渣土运输车辆（闽H·D3621）",
                "quantity": "1",
                "unit": "辆",
                "estimated_value": "180000",
            }
        ],
    },
    {
        "measure": "seizure",
        "days_ago": 40,
        "video": True,
        "dispose": "returned",
        "items": [{"description": "高音喇叭", "quantity": "2", "unit": "个"}],
    },
    {
        "measure": "preservation",
        "days_ago": 1,
        "video": False,
        "items": [
            {"description": "油烟净化设施运行记录", "quantity": "1", "unit": "本"},
            {"description": "排烟管道检测报告（复印件）", "quantity": "3", "unit": "页"},
        ],
    },
]


def seed_seizures(ctx: dict[str, Any]) -> None:
    users = ctx["users"]
    agency = ctx["agencies"]["cgj"]
    today = timezone.localdate()
    officers = [
        Officer.objects.get(user=users["officer1"]).pk,
        Officer.objects.get(user=users["officer2"]).pk,
    ]
    cases = list(
        Case.objects.filter(agency=agency, state=State.INVESTIGATING, suspended_since__isnull=True).order_by(
            "-registered_at"
        )[: len(PLANS)]
    )
    for case, plan in zip(cases, PLANS, strict=False):
        start = max(case.last_act_on, today - dt.timedelta(days=plan["days_ago"]))
        started_at = timezone.make_aware(dt.datetime.combine(start, dt.time(10, 30)))
        seizure = seizure_record(
            actor=users["approver"],
            case_id=case.pk,
            measure=plan["measure"],
            reason=f"涉嫌{case.facts[:40]}",
            basis="《中华人民共和国行政强制法》第二十二条、第二十三条；相关法律法规",
            started_at=started_at,
            officer_ids=officers,
            items=plan["items"],
            storage_location="海州市城市管理局暂扣物品仓库（东城区工业大道18号）",
            location=case.location,
        )
        if plan["video"]:
            make_evidence(
                actor=users["officer1"],
                agency=agency,
                case=case,
                data=mp4_bytes(120_000, seed=seizure.pk),
                name=f"DSJ_{start:%Y%m%d}_SEIZE.MP4",
                kind="video",
                description="查封扣押全过程执法记录仪视频",
                captured_at=started_at,
                device="执法记录仪 HZ-CG-002",
                action_id=seizure.site_action_id,
            )
        if plan.get("extend") and seizure.due_on and seizure.due_on >= today:
            seizure_extend(
                actor=users["approver"],
                seizure_id=seizure.pk,
                days=plan["extend"],
                reason="车辆权属需向车管部门核实，情况复杂。",
                decided_on=today,
            )
        if plan.get("dispose"):
            seizure_dispose(
                actor=users["officer1"],
                seizure_id=seizure.pk,
                outcome=plan["dispose"],
                decided_on=min(today, start + dt.timedelta(days=15)),
                receiver=case.party_name,
            )
    ctx["seizures"] = {"count": len(cases), "alerts": seizures_check_terms(today=today)}
