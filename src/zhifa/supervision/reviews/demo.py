"""Demo data: the default rubric and a finished annual review campaign over the demo's closed cases —
drawn, every file scored by a reviewer of another agency (confirming the pre-check, with one extra
deduction), rectification notices issued and one answered, the summary published. All dates lie in
the past relative to whatever today is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone


def register() -> None:
    from zhifa.core.demo import register_demo_step

    register_demo_step(900, "reviews", seed_reviews)


def seed_reviews(ctx: dict[str, Any]) -> None:
    from zhifa.core.errors import Conflict
    from zhifa.supervision.reviews.models import Campaign
    from zhifa.supervision.reviews.services import (
        campaign_create,
        campaign_draw,
        campaign_finish,
        campaign_publish,
        file_score,
        notice_respond,
        precheck_run,
        rubric_default,
    )

    rubric_default()
    users, agencies = ctx.get("users"), ctx.get("agencies")
    if not users or not agencies:
        return
    today = timezone.localdate()
    campaign = campaign_create(
        actor=users["supervisor"],
        data={
            "name": f"{today.year - 1}—{today.year}年度行政处罚案卷评查",
            "kind": "annual",
            "agency_ids": [agencies["cgj"].pk],
            "closed_from": (today - dt.timedelta(days=730)).isoformat(),
            "closed_to": (today - dt.timedelta(days=1)).isoformat(),
            "sample_mode": "count",
            "sample_count": 6,
            "due_on": (today - dt.timedelta(days=5)).isoformat(),
            "reviewer_ids": [users["market1"].pk, users["supervisor"].pk],
            "rectification_days": 15,
        },
    )
    try:
        campaign = campaign_draw(actor=users["supervisor"], campaign_id=campaign.pk)
    except Conflict:
        return  # a demo too small to have closed cases: the campaign stays in setup
    # The pre-check runs as a background task after the draw; the demo scores at once, so it runs the
    # pre-check here (the queued task then finds nothing left to do).
    precheck_run(campaign.pk)
    for i, file in enumerate(campaign.files.select_related("reviewer").order_by("position")):
        items = [
            {"code": p["code"], "deduction": p["deduction"], "note": ""}
            for p in file.precheck
            if p["outcome"] == "flag" and not p["veto"]
        ]
        vetoes = [p["code"] for p in file.precheck if p["outcome"] == "flag" and p["veto"]]
        if i == 0:
            items.append({"code": "S06", "deduction": "3", "note": "处罚决定书对裁量理由说明不够充分。"})
        if i == 1:
            vetoes.append("V08")
            items.append(
                {"code": "V08", "deduction": "0", "note": "现场检查笔录与证据照片时间矛盾，主要事实不清。"}
            )
        file_score(actor=file.reviewer, file_id=file.pk, items=items, vetoes=vetoes)
    # The demo's campaign ran two months ago: drawn then, finished twenty days ago (a finish is never
    # dated before its draw).
    Campaign.objects.filter(pk=campaign.pk).update(drawn_at=timezone.now() - dt.timedelta(days=60))
    finished_on = today - dt.timedelta(days=20)
    campaign_finish(actor=users["supervisor"], campaign_id=campaign.pk, on=finished_on)
    for notice in campaign.notices.all():
        notice_respond(
            actor=users["approver"],
            notice_id=notice.pk,
            response="已组织承办人员重新核实事实，补充证据并完善说理，相关人员已参加案卷制作培训。",
            responded_on=finished_on + dt.timedelta(days=10),
        )
    campaign_publish(actor=users["supervisor"], campaign_id=campaign.pk)
    ctx["reviews"] = {"campaign": campaign.pk}
