"""Demo step 40: about two hundred cases of the city-management bureau (海州市城市管理局) in every
state, built by driving the real services with backdated real-world dates — as officers do when they
enter paper steps afterwards. Parties, places and facts are invented; the power items, their ranges
and discretion tiers are the shared power list's. A fixed random seed makes every load the same
relative to the day it runs.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhifa.core.errors import DomainError
from zhifa.core.identity import resident_id_check_char, uscc_check_char
from zhifa.enforcement.cases.factories import CHECKLIST_OK
from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.cases.services import (
    case_apply_event,
    case_register,
    legal_review_catalogue_add,
    no_penalty_list_add,
)
from zhifa.law import penalty as law
from zhifa.officers.models import Officer
from zhifa.powers import discretion
from zhifa.powers.models import PowerItem

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏辉建国海波"
STREETS = [
    "人民路", "建设路", "解放大道", "中山路", "滨海大道", "海港路", "新华街", "朝阳路", "文化路", "长安街",
    "学府路", "东湖路", "西环路", "工业大道", "港湾路", "金融街",
]  # fmt: skip
COMPANY_WORDS = [
    "宏达",
    "恒信",
    "鑫源",
    "海盛",
    "金桥",
    "顺通",
    "华港",
    "东方",
    "联创",
    "永盛",
    "信达",
    "中恒",
]
COMPANY_KINDS = [
    ("建筑工程有限公司", "org"),
    ("渣土运输有限公司", "org"),
    ("市政工程有限公司", "org"),
    ("房地产开发有限公司", "org"),
    ("餐饮管理有限公司", "org"),
    ("物业服务有限公司", "org"),
]

# (power item code, party kind, facts, possible targets for the ordinary procedure)
ORDINARY = [
    ("CF-DL-001", "organisation", "未经批准擅自挖掘{street}人行道约{n}平方米敷设管线，未设置围挡。"),
    ("CF-DL-001", "person", "未经批准在{street}{no}号门前占用城市道路堆放建筑材料约{n}平方米。"),
    ("CF-DQ-003", "organisation", "所属渣土运输车辆在{street}行驶时未密闭，沿途遗撒渣土约{n}米。"),
    ("CF-DQ-004", "organisation", "在{street}{no}号经营餐饮，未正常使用油烟净化设施，油烟超标排放。"),
    ("CF-DQ-006", "person", "在{street}{no}号门前禁止区域露天烧烤食品，经劝阻未停止。"),
    ("CF-ZS-002", "organisation", "未取得夜间施工证明，在{street}工地夜间22时后进行产生噪声的施工作业。"),
    (
        "CF-JZ-003",
        "organisation",
        "在{street}施工工地未及时清运施工产生的建筑垃圾约{n}立方米，造成扬尘污染。",
    ),
    ("CF-JZ-008", "organisation", "在{street}路边绿化带随意倾倒建筑垃圾约{n}立方米。"),
    ("CF-LH-004", "organisation", "在{street}沿线城市绿地范围内取土约{n}立方米并设置临时堆场。"),
    ("CF-RQ-005", "person", "在{street}燃气管道保护范围内动用明火进行焊接作业。"),
    ("CF-PS-002", "person", "在{street}{no}号将洗车污水直接排入雨水管网。"),
    ("CF-ZS-005", "person", "在{street}{no}号住宅装修时于禁止时段进行产生噪声的作业。"),
]
SIMPLE = [
    ("CF-GF-002", "person", "在{street}公交站台随意倾倒生活垃圾一袋。", ["fine"], "100"),
    ("CF-ZS-005", "person", "在{street}广场使用高音喇叭招揽顾客，音量超过规定。", ["fine"], "200"),
    ("CF-JZ-002", "person", "将少量装修垃圾混入{street}生活垃圾收集点。", ["fine"], "50"),
    ("CF-JZ-001", "organisation", "将建筑垃圾混入{street}生活垃圾收集容器。", ["fine"], "800"),
    ("CF-SR-002", "person", "在{street}电线杆上张贴小广告。", ["warning"], ""),
    ("CF-DL-001", "organisation", "在{street}门前临时占道堆放货物约{n}平方米。", ["fine"], "1500"),
]

# How many cases end in each state (ordinary), and (simple): state → count.
# How many cases end in each state. Weighted towards the open caseload, as an agency's is; every 文书
# an event produces is rendered to PDF by the documents app inside the event (about half a second
# each on this machine), which is what bounds the size of the demo.
ORDINARY_PLAN = {
    State.REGISTERED: 30,
    State.NOT_FILED: 8,
    State.INVESTIGATING: 60,
    "suspended": 4,
    "overdue": 5,
    State.TERMINATED: 6,
    State.PROPOSED: 14,
    State.LEGAL_REVIEW: 6,
    State.NOTIFIED: 14,
    State.HEARING_REQUESTED: 3,
    State.DECIDED: 6,
    State.SERVED: 10,
    State.EXECUTED: 5,
    State.CLOSED: 8,
    State.ARCHIVED: 10,
}
SIMPLE_PLAN = {State.DECIDED: 2, State.SERVED: 2, State.EXECUTED: 4, State.CLOSED: 5, State.ARCHIVED: 6}

SOURCE_RECORD = {
    "patrol": "巡查记录",
    "complaint": "投诉举报登记",
    "inspection": "检查记录",
    "referral": "移送函",
}


@dataclass
class Cast:
    agency: Any
    approver: Any
    reviewer: Any
    officer1: Any
    officer2: Any
    pairs: list[tuple[Officer, Officer, Any]]  # (acting officer, second officer, acting user)
    presider: Officer
    items: dict[str, PowerItem]


class Story:
    """One case, driven step by step; each step's date is checked not to run past today."""

    def __init__(self, cast: Cast, rng: random.Random, today: dt.date) -> None:
        self.cast, self.rng, self.today = cast, rng, today
        self.case: Case | None = None
        self.actor: Any = None
        self.officers: tuple[Officer, Officer] | None = None

    def ev(self, actor: Any, event: str, **data: Any) -> Case:
        assert self.case is not None
        self.case = case_apply_event(case_id=self.case.pk, actor=actor, event=event, data=_iso(data))
        return self.case


def _iso(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def _person(rng: random.Random, n: int) -> dict[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
    first17 = f"350902{born:%Y%m%d}{n % 1000:03d}"
    return {
        "kind": "person",
        "name": name,
        "id_number": first17 + resident_id_check_char(first17),
        "phone": f"13{rng.randrange(0, 10)}{rng.randrange(10_000_000, 99_999_999)}",
        "address": f"海州市{rng.choice(('东城区', '西城区'))}{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
    }


def _organisation(rng: random.Random, n: int) -> dict[str, str]:
    kind = rng.choice(COMPANY_KINDS)[0]
    first17 = f"91350900MA{n:07d}"
    return {
        "kind": "organisation",
        "name": f"海州市{rng.choice(COMPANY_WORDS)}{kind}",
        "id_number": first17 + uscc_check_char(first17),
        "phone": f"0591-8{rng.randrange(1_000_000, 9_999_999)}",
        "address": f"海州市{rng.choice(('东城区', '西城区'))}{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
    }


def _facts(rng: random.Random, template: str) -> tuple[str, str]:
    street = rng.choice(STREETS)
    facts = template.format(street=street, no=rng.randrange(1, 300), n=rng.randrange(5, 60))
    return f"经巡查发现，当事人{facts}执法人员现场拍照取证并制作现场笔录。", street


def _amount(item: PowerItem, party_kind: str, rng: random.Random) -> tuple[str, Decimal]:
    """A tier and a round amount inside what the benchmark permits."""
    version = item.published_version
    assert version is not None
    tiers = [t.name for t in version.tiers.all()]
    tier = rng.choice(tiers) if tiers else ""
    rng_ = discretion.permitted_range(version=version, tier_name=tier, party_kind=party_kind)
    low = rng_.min if rng_.min is not None else Decimal("100")
    high = rng_.max if rng_.max is not None else low * 10
    high = max(high, low)
    step = Decimal("100") if high - low >= 1000 else Decimal("10")
    amount = low + step * rng.randrange(0, int((high - low) / step) + 1)
    return tier, min(max(amount, low), high).quantize(Decimal("0.01"))


def _cast(ctx: dict[str, Any]) -> Cast:
    users = ctx["users"]
    agency = ctx["agencies"]["cgj"]
    officer1 = Officer.objects.get(user=users["officer1"])
    officer2 = Officer.objects.get(user=users["officer2"])
    colleagues = {
        o.name: o for o in Officer.objects.filter(agency=agency, name__in=["何丽萍", "孙磊", "冯雅"])
    }
    items = {
        i.code: i
        for i in PowerItem.objects.filter(agency=agency)
        .select_related("published_version")
        .prefetch_related("published_version__tiers")
    }
    return Cast(
        agency=agency,
        approver=users["approver"],
        reviewer=users["reviewer"],
        officer1=users["officer1"],
        officer2=users["officer2"],
        pairs=[
            (officer1, officer2, users["officer1"]),
            (officer2, officer1, users["officer2"]),
            (officer1, colleagues["何丽萍"], users["officer1"]),
            (officer2, colleagues["孙磊"], users["officer2"]),
        ],
        presider=colleagues["冯雅"],
        items=items,
    )


def _span(target: str) -> int:
    """Days an ordinary case needs to reach `target` in this demo's rhythm."""
    return {
        State.REGISTERED: 0,
        State.NOT_FILED: 2,
        State.INVESTIGATING: 2,
        "suspended": 10,
        State.PROPOSED: 12,
        State.LEGAL_REVIEW: 14,
        State.NOTIFIED: 20,
        State.HEARING_REQUESTED: 24,
        State.DECIDED: 45,
        State.SERVED: 50,
        State.EXECUTED: 75,
        State.CLOSED: 80,
        State.ARCHIVED: 90,
        State.TERMINATED: 10,
        "overdue": 100,
    }[target]


def _ordinary(cast: Cast, rng: random.Random, today: dt.date, n: int, target: str) -> None:
    code, kind, template = rng.choice(ORDINARY)
    if target == State.HEARING_REQUESTED:
        code, kind, template = rng.choice([s for s in ORDINARY if s[0] in ("CF-RQ-005", "CF-PS-002")])
    item = cast.items[code]
    span = _span(target)
    recent = target in (
        State.REGISTERED,
        State.INVESTIGATING,
        State.PROPOSED,
        State.NOTIFIED,
        State.LEGAL_REVIEW,
    )
    age = span + (rng.randrange(0, 25) if recent else rng.randrange(10, 320))
    if target == "overdue":
        age = span + rng.randrange(0, 20)
    d0 = today - dt.timedelta(days=age)
    story = Story(cast, rng, today)
    acting, second, actor = rng.choice(cast.pairs)
    party = _person(rng, n) if kind == "person" else _organisation(rng, n)
    facts, street = _facts(rng, template)
    source = rng.choice(["patrol", "patrol", "complaint", "inspection", "referral"])
    story.case = case_register(
        actor=actor,
        data={
            "procedure": "ordinary",
            "agency_id": cast.agency.pk,
            "source": source,
            "party": party,
            "facts": facts,
            "location": f"海州市{street}",
            "occurred_on": (d0 - dt.timedelta(days=rng.randrange(0, 6))).isoformat(),
            "discovered_on": d0.isoformat(),
            # demo history is entered after the fact: each lead names the record it comes from (第三十六条)
            "discovery_record": f"{SOURCE_RECORD[source]} {d0:%Y%m%d}-{n:03d}",
            "power_item_id": item.pk,
        },
    )
    if target == State.REGISTERED:
        return
    if target == State.NOT_FILED:
        story.ev(
            cast.approver,
            "decline",
            reason="经核查，该线索不属于本机关管辖，已告知举报人向有权机关反映。",
            declined_on=d0 + dt.timedelta(days=1),
        )
        return
    story.ev(cast.approver, "file", officer_ids=[acting.pk, second.pk], filed_on=d0 + dt.timedelta(days=1))
    if target in (State.INVESTIGATING, "overdue"):
        if rng.random() < 0.3:
            story.ev(
                cast.approver,
                "record_preservation",
                items="现场施工机具一套、渣土运输车辆行驶证复印件",
                preserved_on=d0 + dt.timedelta(days=1),
            )
            story.ev(
                actor,
                "resolve_preservation",
                decision="经检验无需继续保存，予以解除。",
                resolved_on=d0 + dt.timedelta(days=2),
            )
        return
    if target == "suspended":
        story.ev(
            cast.approver,
            "suspend",
            reason="当事人下落不明，案件中止调查。",
            suspended_on=d0 + dt.timedelta(days=5),
        )
        return
    if target == State.TERMINATED:
        story.ev(
            cast.approver,
            "terminate",
            reason="违法行为涉嫌犯罪，依法移送公安机关处理。",
            terminated_on=d0 + dt.timedelta(days=8),
        )
        return
    tier, amount = _amount(item, kind, rng)
    if target == State.HEARING_REQUESTED and kind == "person":
        amount = max(amount, Decimal("12000.00"))
        tier = ""
    major = rng.random() < 0.2
    # The investigation's record (行政处罚法第五十五条): the proposal, notice and decision rest on it.
    _investigation_record(story, actor, on=d0)
    story.ev(
        actor,
        "submit_proposal",
        tier=tier,
        measures=["fine"],
        fine_amount=str(amount),
        reasons="违法事实清楚，证据确凿，依据《{}》予以处罚。".format(
            (item.published_version.penalty_provision or "相关规定").strip("《》")
            if item.published_version
            else ""
        ),
        major_public_interest=major,
        complex_case=rng.random() < 0.1,
        proposed_on=min(d0 + dt.timedelta(days=10), today),
    )
    case = story.case
    assert case is not None
    if target == State.PROPOSED:
        return
    if case.legal_review_required or target == State.LEGAL_REVIEW:
        story.ev(actor, "request_legal_review", requested_on=min(d0 + dt.timedelta(days=12), today))
        if target == State.LEGAL_REVIEW:
            return
        story.ev(
            cast.reviewer,
            "approve_legal_review",
            opinion="事实清楚，证据充分，程序合法，适用依据正确，裁量适当。",
            checklist=CHECKLIST_OK,
            reviewed_on=d0 + dt.timedelta(days=14),
        )
    notice = d0 + dt.timedelta(days=16)
    # 处罚决定审批表: the head approves the proposal before the party is told of it (第四十四条、第五十七条).
    story.ev(cast.approver, "approve_decision", opinion="同意拟处罚意见。", approved_on=notice)
    story.ev(actor, "notify", served_on=notice)
    case = story.case
    if target == State.NOTIFIED:
        if rng.random() < 0.5:
            story.ev(
                actor,
                "record_statement",
                content="当事人称系临时作业，已自行整改，请求从轻处罚。",
                stated_on=notice + dt.timedelta(days=1),
            )
        return
    if target == State.HEARING_REQUESTED or (case.hearing_eligible and rng.random() < 0.5):
        requested = (
            law.HEARING_REQUEST_PERIOD.end(notice) if rng.random() < 0.3 else notice + dt.timedelta(days=2)
        )
        requested = min(requested, today)
        story.ev(actor, "request_hearing", requested_on=requested)
        if target == State.HEARING_REQUESTED:
            return
        # the party is owed seven working days' notice: in a year whose holidays are not published
        # the hearing waits for the latest day any arrangement could make the seventh (law.latest_end)
        held = law.latest_end(law.HEARING_REQUEST_PERIOD, requested + dt.timedelta(days=1), extra_days=4)
        story.ev(
            cast.approver,
            "hold_hearing",
            presided_by=cast.presider.pk,
            notice_served_on=requested + dt.timedelta(days=1),
            held_on=held,
            record="当事人对违法事实无异议，请求考虑其经济困难从轻处罚。",
            record_signed=True,
        )
        story.ev(actor, "request_legal_review", requested_on=held)
        story.ev(
            cast.reviewer,
            "approve_legal_review",
            opinion="听证后复核，同意拟处罚意见。",
            checklist=CHECKLIST_OK,
            reviewed_on=held,
        )
        decided = held + dt.timedelta(days=1)
    elif rng.random() < 0.5:
        from zhifa.enforcement.cases.factories import add_signed_waiver

        # The party's signed written waiver, scanned into the file (第六十二条), naming what it waives.
        rights = ["statement", "hearing"] if case.hearing_eligible else ["statement"]
        story.ev(
            actor,
            "waive_rights",
            rights=rights,
            document=add_signed_waiver(case, actor, description="当事人签字的书面放弃权利声明"),
            waived_on=notice + dt.timedelta(days=1),
        )
        decided = notice + dt.timedelta(days=2)
    else:
        period, _applied = law.statement_period(agency=cast.agency)
        # the party's windows must be over, by the latest day any holiday arrangement could give them
        last = max(law.latest_end(period, notice), law.latest_end(law.HEARING_REQUEST_PERIOD, notice))
        decided = last + dt.timedelta(days=1)
    if case.deliberation_required:
        story.ev(
            cast.approver,
            "record_deliberation",
            participants="王建国、李局长、张主任",
            minutes="集体讨论记录",
            conclusion="同意",
            held_on=decided,
        )
    story.ev(
        cast.approver, "decide", decided_on=decided, reasons="经审查，违法事实清楚，证据确凿，程序合法。"
    )
    if target == State.DECIDED:
        return
    late = rng.random() < 0.1
    served = decided + dt.timedelta(days=14 if late else 2)
    story.ev(
        actor,
        "serve",
        method="post" if late else "direct",
        served_on=served,
        received_on=served,  # the date on the postal return receipt (民事诉讼法第九十一条)
        receipt="送达回证已签收",
    )
    case = story.case
    if target == State.SERVED:
        if age > 80 and rng.random() < 0.5:
            due = law.period_end(law.PAYMENT_PERIOD, served).on
            story.ev(actor, "serve_reminder", served_on=min(today, due + dt.timedelta(days=5)))
        return
    fine = case.fine_amount or Decimal(0)
    paid_on = served + dt.timedelta(days=rng.choice((3, 7, 12, 20)))
    story.ev(
        actor,
        "record_payment",
        amount=str(fine),
        paid_on=paid_on,
        channel=rng.choice(["bank", "e_payment"]),
        receipt_no=f"HZ{paid_on:%Y%m%d}{n:04d}",
    )
    if story.case is not None and story.case.state == State.SERVED:  # paid late: the surcharge is due too
        story.ev(
            actor,
            "record_payment",
            amount=str(story.case.surcharge),
            paid_on=paid_on,
            channel="bank",
            receipt_no=f"HZ{paid_on:%Y%m%d}{n:04d}S",
        )
    if target == State.EXECUTED:
        return
    closed_on = paid_on + dt.timedelta(days=2)
    story.ev(actor, "report_closing", summary="处罚决定已履行完毕，建议结案。", written_on=closed_on)
    story.ev(cast.approver, "close", opinion="同意结案。", closed_on=closed_on)
    if target == State.CLOSED:
        return
    if late:
        story.ev(
            cast.approver,
            "explain_deadline",
            kind="service",
            explanation="当事人拒收，改为邮寄送达，送达延误。",
        )
    story.ev(cast.approver, "archive", archived_on=paid_on + dt.timedelta(days=6))


def _investigation_record(story: Story, actor: Any, *, on: dt.date) -> None:
    """The officers' on-site inspection record (现场检查笔录, 行政处罚法第五十五条), dated the day of the
    inspection: what the proposal, notice and decision cite, and what the dossier needs."""
    from zhifa.enforcement.documents.services import document_generate

    assert story.case is not None
    document_generate(
        case=story.case,
        code="inspection_record",
        actor=actor,
        inputs={
            "started_at": f"{on.isoformat()}T09:00",
            "place": story.case.location,
            "present": story.case.party_name,
            "findings": story.case.facts,
        },
    )


def _simple(cast: Cast, rng: random.Random, today: dt.date, n: int, target: str) -> None:
    code, kind, template, measures, fine = rng.choice(SIMPLE)
    item = cast.items[code]
    day = today - dt.timedelta(days=rng.randrange(0 if target == State.DECIDED else 8, 200))
    acting, second, actor = rng.choice(cast.pairs)
    party = _person(rng, n) if kind == "person" else _organisation(rng, n)
    facts, street = _facts(rng, template)
    story = Story(cast, rng, today)
    story.case = case_register(
        actor=actor,
        data={
            "procedure": "simple",
            "agency_id": cast.agency.pk,
            "source": "patrol",
            "party": party,
            "facts": facts,
            "location": f"海州市{street}",
            "occurred_on": day.isoformat(),
            "discovered_on": day.isoformat(),
            "discovery_record": f"{SOURCE_RECORD['patrol']} {day:%Y%m%d}-{n:03d}",
        },
    )
    version = item.published_version
    tiers = [t.name for t in version.tiers.all()] if version else []
    story.ev(
        actor,
        "decide_on_spot",
        officer_ids=[acting.pk, second.pk],
        power_item_id=item.pk,
        measures=measures,
        fine_amount=fine,
        tier=tiers[0] if tiers else "",
        reasons="违法事实确凿，当场作出处罚决定。",
        decided_on=day,
    )
    if target == State.DECIDED:
        return
    story.ev(actor, "serve", method="direct", served_on=day, receipt="当事人当场签收")
    if target == State.SERVED and story.case is not None and story.case.state == State.SERVED:
        return
    if story.case is not None and story.case.state == State.SERVED:
        cash = Decimal(fine) <= law.ON_SPOT_CASH_MAX
        story.ev(
            actor,
            "record_payment",
            amount=fine,
            paid_on=day,
            channel="on_the_spot" if cash else "e_payment",
            receipt_no=f"CZ{day:%Y%m%d}{n:04d}",
        )
    if target in (State.SERVED, State.EXECUTED):
        return
    story.ev(actor, "report_to_agency", reported_on=day + dt.timedelta(days=1))
    closed_on = day + dt.timedelta(days=2)
    story.ev(actor, "report_closing", summary="当场处罚决定已履行，建议结案。", written_on=closed_on)
    story.ev(cast.approver, "close", opinion="同意结案。", closed_on=closed_on)
    if target == State.CLOSED:
        return
    story.ev(actor, "archive", archived_on=day + dt.timedelta(days=5))


def seed_cases(ctx: dict[str, Any]) -> None:
    cast = _cast(ctx)
    today = timezone.localdate()
    rng = random.Random(40)
    legal_review_catalogue_add(
        actor=cast.approver,
        agency=cast.agency,
        data={
            "fine_at_least_person": "20000",
            "fine_at_least_organisation": "50000",
            "description": "对公民处二万元以上、对单位处五万元以上罚款的行政处罚决定",
            "document": "海州市城市管理局重大执法决定法制审核目录清单（示例）",
        },
    )
    # a 免罚清单 line is for a power item in force (services.no_penalty_list_add refuses others)
    in_force = sorted(
        code
        for code, i in cast.items.items()
        if i.status == PowerItem.Status.ACTIVE and i.published_version_id is not None
    )
    first_item = in_force[0] if in_force else None
    if first_item is not None:
        no_penalty_list_add(
            actor=cast.approver,
            node=cast.agency,
            data={
                "power_item_id": cast.items[first_item].pk,
                "kind": "first_offence",
                "conditions": "初次违法、危害后果轻微并在责令期限内改正",
                "document": "海州市城市管理领域轻微违法行为免罚清单（示例）",
            },
        )
    n = 0
    scale = float(ctx.get("scale", 1.0))  # seed_demo --scale: a smaller city for tests of the demo itself
    for target, count in ORDINARY_PLAN.items():
        for _ in range(max(1, round(count * scale))):
            n += 1
            try:
                _ordinary(cast, rng, today, n, target)
            except DomainError as exc:  # a story the calendar did not allow: say which, never hide it
                raise DomainError(f"demo case {n} ({target}): {exc.message}") from exc
    for target, count in SIMPLE_PLAN.items():
        for _ in range(max(1, round(count * scale))):
            n += 1
            _simple(cast, rng, today, n, target)
    # The demo's history is entered today, so every lead is a 补录 (行政处罚法第三十六条) and raised an
    # alert; a supervisor has checked all but the two latest (after commit, when the alerts exist).
    transaction.on_commit(lambda: _settle_backdated(cast))
    ctx["cases"] = {"count": n}


def _settle_backdated(cast: Cast) -> None:
    from zhifa.foundation.alerts.services import alert_resolve

    ids = Case.objects.filter(agency=cast.agency, discovery_backdated=True).order_by("-discovered_on", "-id")
    for pk in list(ids.values_list("pk", flat=True))[2:]:
        alert_resolve(
            key=f"case:{pk}:discovery_backdated",
            actor=cast.approver,
            note="演示数据：历史案件集中录入，已核对发现来源记录。",
        )
