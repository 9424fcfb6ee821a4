"""Demo inspections for 海州市城市管理局: the list of items, a directory of 40 targets (two on the
no-disturbance list, one individual business), this year's special plan drawn 75 days ago, and its
tasks driven through the real workflow into every state — on site, result recorded (one within its
publication window, one overdue), published, a finding converted into a case — with ratings. Every
date is in the past relative to today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from zhifa.core import credit_code
from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.models import Task
from zhifa.enforcement.inspections.workflow import task_apply_event
from zhifa.officers.factories import make_id_number
from zhifa.officers.services import credential_issue, officer_create
from zhifa.org.demo import demo_password_hash
from zhifa.org.roles import Role
from zhifa.org.services import role_grant, user_create

ITEMS = [
    ("CG-SC-01", "户外广告设施设置情况检查", "《城市市容和环境卫生管理条例》第十一条", "enterprise"),
    ("CG-SC-02", "门前三包责任落实情况检查", "《城市市容和环境卫生管理条例》第九条", "enterprise"),
    ("CG-SC-03", "建筑垃圾运输处置情况检查", "《城市市容和环境卫生管理条例》第十六条", "enterprise"),
]
NAMES = ["海州", "东城", "西城", "滨江", "明珠", "金港", "福海", "新兴"]
TRADES = [
    ("商贸有限公司", "零售"),
    ("餐饮管理有限公司", "餐饮"),
    ("广告传媒有限公司", "广告"),
    ("建设工程有限公司", "建筑"),
]
RISKS = ["low", "low", "medium", "high"]


def _inspector_accounts(ctx: dict[str, Any], today: dt.date) -> None:
    """Four more inspectors with accounts (inspector1 … inspector4), so that most drawn teams have
    someone who can use the phone pages in the demo."""
    agency, unit = ctx["agencies"]["cgj"], ctx["units"]["cgj_east"]
    password = settings.DEMO_PASSWORD
    accounts = [
        ("inspector1", "唐志远"),
        ("inspector2", "宋雨桐"),
        ("inspector3", "韩晓峰"),
        ("inspector4", "曹雪梅"),
    ]
    for index, (username, name) in enumerate(accounts, start=1):
        user = user_create(
            actor=None,
            username=username,
            password=password,
            encoded_password=demo_password_hash(),
            full_name=name,
            node=unit,
        )
        role_grant(actor=None, user=user, role=Role.OFFICER, node=unit)
        ctx["users"][username] = user
        officer = officer_create(
            actor=None,
            agency=agency,
            unit=unit,
            user=user,
            name=name,
            gender="male" if index % 2 else "female",
            id_number=make_id_number(region="350902", born=dt.date(1990, index, 1), seq=900 + index),
            position="执法队员",
            areas=["城市管理"],
        )
        issued = today - dt.timedelta(days=400)
        credential_issue(
            actor=None,
            officer_id=officer.pk,
            number=f"35090202{900 + index:05d}",
            issuer="海州市人民政府",
            areas=["城市管理"],
            issued_on=issued,
            expires_on=issued.replace(year=issued.year + 5),
        )


def seed_inspections(ctx: dict[str, Any]) -> None:
    today = timezone.localdate()
    agency, approver = ctx["agencies"]["cgj"], ctx["users"]["approver"]
    _inspector_accounts(ctx, today)
    items = [
        services.item_create(
            actor=approver,
            data={
                "agency_id": agency.pk,
                "code": code,
                "name": name,
                "basis": basis,
                "object_type": kind,
                "ratio": "5",
                "method": "on_site",
            },
        )
        for code, name, basis, kind in ITEMS
    ]
    for n in range(40):
        trade, industry = TRADES[n % len(TRADES)]
        data: dict[str, Any] = {
            "agency_id": agency.pk,
            "credit_code": credit_code.make("91350902", f"MA{n + 1:06d}"),
            "object_type": "enterprise",
            "area": ["东城区", "西城区"][n % 2],
            "industry": industry,
            "risk_level": RISKS[n % len(RISKS)],
            "address": f"海州市{['东城区', '西城区'][n % 2]}{NAMES[n % len(NAMES)]}路{n + 1}号",
        }
        data["name"] = f"海州市{NAMES[n % len(NAMES)]}{n + 1}号{trade}"
        if n in (3, 17):
            data |= {"no_disturbance": True, "no_disturbance_reason": "守信激励：A级纳税人，三年无违法记录"}
        if n == 39:
            data |= {"name": "陈记小吃店", "object_type": "individual", "industry": "餐饮"}
        services.target_create(actor=approver, data=data)
    drawn_on = today - dt.timedelta(days=75)
    plan = services.plan_create(
        actor=approver,
        data={
            "agency_id": agency.pk,
            "kind": "special",
            "name": f"{drawn_on.year}年度市容环境卫生双随机专项抽查",
            "item_ids": [i.pk for i in items],
            "enforcement_area": "城市管理",
            "number": 16,
            "weighted": True,
            "starts_on": drawn_on - dt.timedelta(days=5),
            "ends_on": today + dt.timedelta(days=60),
        },
    )
    services.plan_draw(actor=approver, plan_id=plan.pk, on=drawn_on)
    actionable = []
    for task in Task.objects.filter(plan=plan).order_by("position"):
        users = [
            m.officer.user
            for m in task.inspectors.order_by("position")
            if m.officer.user is not None and Role.OFFICER in m.officer.user.role_names()
        ]
        if users:
            actionable.append((task, users[0]))
    # The tasks whose team has an account take these roles in turn, so that a handful of them already
    # covers every state; the others (and teams without an account) stay assigned.
    for index, ((task, user), role) in enumerate(zip(actionable, ROLES, strict=False)):
        visit = drawn_on + dt.timedelta(days=5 + index * 3)
        task_apply_event(task_id=task.pk, actor=user, event="start", data={"on": visit})
        if role == "on_site":
            continue
        problems = role in ("convert", "refused")
        result_on = today - dt.timedelta(days=3) if role == "recent" else visit
        task_apply_event(
            task_id=task.pk,
            actor=user,
            event="record_result",
            data={
                "on": result_on,
                "outcome": "problems_found" if problems else "no_problem",
                "findings": "未经审批擅自设置户外广告牌一处" if problems else "",
                "signed_by": "" if role == "refused" else "店长",
                "refusal_note": "负责人拒绝在检查记录上签字，两名执法人员在场见证"
                if role == "refused"
                else "",
            },
        )
        if role == "convert":
            task_apply_event(task_id=task.pk, actor=user, event="convert", data={})
        if role in ("recent", "overdue"):
            continue  # results waiting for publication: one within its window, one overdue
        published_on = min(result_on + dt.timedelta(days=10), today)
        task_apply_event(task_id=task.pk, actor=approver, event="publish", data={"on": published_on})
        score = SCORES.get(index)
        if score:
            services.rating_submit(code=task.code, visit_confirmed=True, score=score)
    # One task is cancelled with its reason (the enterprise closed down after the draw).
    last = Task.objects.filter(plan=plan, state="assigned").order_by("-position").first()
    if last is not None:
        task_apply_event(
            task_id=last.pk,
            actor=approver,
            event="cancel",
            data={
                "on": drawn_on + dt.timedelta(days=2),
                "reason": "企业已办理注销登记，经核实不再具备检查条件",
            },
        )


# In the order they are given to tasks whose team has an account.
ROLES: list[str] = [
    "convert",
    "overdue",
    "recent",
    "on_site",
    "published",
    "refused",
    "published",
    "on_site",
    "published",
]
SCORES = {0: "satisfied", 4: "basically", 5: "dissatisfied", 6: "satisfied"}
