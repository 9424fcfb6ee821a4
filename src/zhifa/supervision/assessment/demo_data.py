"""Demo data: an assessor at the justice bureau, the default indicator sets, last year's round finished
(self-checks — one of them late —, scores, one figure adjusted with a reason, review, results, ranking
published) and this year's round in its self-check, one agency having saved part of its self-check with
a material file. Last year's dates all lie in last year, so they are in the past whatever today is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

# A one-page PDF, so the demo's material is a real file the browser opens.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
    b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\n"
    b"startxref\n164\n%%EOF\n"
)


def _judged(rnd: Any) -> list[Any]:
    from zhifa.supervision.assessment.selectors import set_nodes

    return [n for n in set_nodes(rnd.indicator_set) if n.leaf and n.judged]


def seed_assessment(ctx: dict[str, Any]) -> None:
    from zhifa.core.roles import Role
    from zhifa.org.demo import demo_password_hash
    from zhifa.org.services import role_grant, user_create
    from zhifa.supervision.assessment import services

    users, agencies, units = ctx.get("users"), ctx.get("agencies"), ctx.get("units")
    if not users or not agencies or not units:
        return
    boss, cgj, scj = users["supervisor"], agencies["cgj"], agencies["scj"]
    assessor = (
        user_create(
            actor=None,
            username="assessor",
            password=settings.DEMO_PASSWORD,
            encoded_password=demo_password_hash(),
            full_name="高考评",
            node=units["sfj_jd"],
        )
        if "assessor" not in users
        else users["assessor"]
    )
    role_grant(actor=None, user=assessor, role=Role.ASSESSOR, node=ctx["city"])
    users["assessor"] = assessor
    today = timezone.localdate()
    last, this = today.year - 1, today.year
    set_last, set_this = services.set_default(year=last), services.set_default(year=this)

    # Last year: finished and published.
    old = services.round_create(
        actor=boss,
        data={
            "name": f"{last}年度依法行政考核",
            "year": last,
            "set_id": set_last.pk,
            "agency_ids": [cgj.pk, scj.pk],
            "assessor_ids": [assessor.pk],
            "self_check_due": dt.date(last, 12, 15).isoformat(),
            "cutoff_on": dt.date(last, 12, 20).isoformat(),
        },
    )
    ev = services.round_apply_event
    ev(round_id=old.pk, actor=boss, event="open", data={"on": dt.date(last, 12, 1)})
    judged = _judged(old)
    for agency, approver, on, share in (
        (cgj, users["approver"], dt.date(last, 12, 10), 0.9),
        (scj, None, dt.date(last, 12, 18), 0.8),
    ):
        actor = approver or boss
        if approver is None:  # the market bureau's legal staff: granted here for the demo
            actor = user_create(
                actor=None,
                username="market_legal",
                password=settings.DEMO_PASSWORD,
                encoded_password=demo_password_hash(),
                full_name="周法制",
                node=units["scj_zd"],
            )
            role_grant(actor=None, user=actor, role=Role.LEGAL_REVIEWER, node=scj)
            users["market_legal"] = actor
        items = [
            {
                "code": n.code,
                "score": str(round(float(n.points) * share, 1)),
                "explanation": "已按要求落实，详见佐证材料。",
            }
            for n in judged
        ]
        services.self_check_save(actor=actor, round_id=old.pk, agency_id=agency.pk, items=items)
        services.material_add(
            actor=actor,
            round_id=old.pk,
            agency_id=agency.pk,
            code=judged[0].code,
            name="重大行政决策目录.pdf",
            content=DEMO_PDF,
        )
        p = old.participants.get(agency=agency)
        services.self_check_apply_event(participant_id=p.pk, actor=actor, event="submit", data={"on": on})
    ev(round_id=old.pk, actor=boss, event="start_assessment", data={"on": dt.date(last, 12, 21)})
    for agency, share in ((cgj, 0.85), (scj, 0.75)):
        items = [
            {
                "code": n.code,
                "score": str(round(float(n.points) * share, 1)),
                "note": "" if share > 0.8 else "部分程序材料不完整。",
                "reason": "",
            }
            for n in judged
        ]
        if agency == scj:
            items.append(
                {
                    "code": "4.1",
                    "score": "4",
                    "note": "",
                    "reason": "抽查发现2名人员执法证已过期未及时注销，核减1分。",
                }
            )
        services.scores_record(actor=assessor, round_id=old.pk, agency_id=agency.pk, items=items)
    ev(round_id=old.pk, actor=boss, event="submit_review", data={"on": dt.date(last, 12, 28)})
    ev(round_id=old.pk, actor=boss, event="finish", data={"on": dt.date(last, 12, 30)})
    ev(round_id=old.pk, actor=boss, event="publish", data={})

    # This year: the self-check is running.
    new = services.round_create(
        actor=boss,
        data={
            "name": f"{this}年度依法行政考核",
            "year": this,
            "set_id": set_this.pk,
            "agency_ids": [cgj.pk, scj.pk],
            "assessor_ids": [assessor.pk],
            "self_check_due": (today + dt.timedelta(days=20)).isoformat(),
            "cutoff_on": (today + dt.timedelta(days=25)).isoformat(),
        },
    )
    ev(round_id=new.pk, actor=boss, event="open", data={"on": today})
    first = _judged(new)[:2]
    services.self_check_save(
        actor=users["approver"],
        round_id=new.pk,
        agency_id=cgj.pk,
        items=[
            {"code": n.code, "score": str(n.points), "explanation": "本年度重大行政决策均履行法定程序。"}
            for n in first
        ],
    )
    services.material_add(
        actor=users["approver"],
        round_id=new.pk,
        agency_id=cgj.pk,
        code=first[0].code,
        name="决策程序台账.pdf",
        content=DEMO_PDF,
    )
    ctx["assessment"] = {"finished": old.pk, "running": new.pk}
