"""Demo complaints for 海州市: categories, areas and routing rules, then about three hundred complaints
spread over the last half year in every state, driven through the real services (with the dates on
which each step happened), so the queue, the deadlines and the statistics have something to show."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from zhifa.public.complaints import services as svc
from zhifa.public.complaints.models import (
    Area,
    Category,
    Channel,
    Complaint,
    ComplaintFeedback,
    Rating,
    RoutingRule,
)

CATEGORIES = [
    # code, name, agency key, description, sample titles
    (
        "zdjy",
        "占道经营",
        "cgj",
        "流动摊贩、店外经营占用道路",
        ["早餐摊占用人行道", "夜市摊位占道经营", "水果店店外摆卖"],
    ),
    ("wfjs", "违法建设", "cgj", "未经许可搭建、改建", ["楼顶违章搭建", "小区内私搭乱建", "围墙外违规加盖"]),
    ("sgzs", "施工噪声", "cgj", "夜间施工噪声扰民", ["工地夜间施工噪声大", "凌晨打桩扰民", "装修夜间施工"]),
    (
        "ztyc",
        "渣土扬尘",
        "cgj",
        "渣土车遗撒、工地扬尘",
        ["渣土车沿路遗撒", "工地未覆盖扬尘大", "道路泥土污染"],
    ),
    (
        "ggzt",
        "乱张贴乱悬挂",
        "cgj",
        "小广告、违规户外广告",
        ["电线杆小广告", "违规悬挂横幅", "楼体广告牌破损"],
    ),
    (
        "srhj",
        "市容环境卫生",
        "cgj",
        "垃圾清运、乱倒垃圾",
        ["垃圾桶满溢无人清运", "乱倒建筑垃圾", "公厕卫生差"],
    ),
    (
        "spaq",
        "食品安全",
        "scj",
        "餐饮卫生、过期食品",
        ["餐馆后厨卫生差", "超市出售过期食品", "外卖店无证经营"],
    ),
    ("jgqz", "价格欺诈", "scj", "不明码标价、价格欺诈", ["景区商店价格欺诈", "停车场乱收费", "商品标价不符"]),
    (
        "cpzl",
        "产品质量",
        "scj",
        "假冒伪劣、质量问题",
        ["购买的电热水壶漏电", "疑似假冒化妆品", "儿童玩具质量问题"],
    ),
]
AREAS = ["东城区", "西城区", "海港区", "经济开发区"]
STREETS = ["解放路", "人民路", "滨海大道", "建设街", "中山路", "望海路", "新华街", "工业大道"]
NAMES = ["王丽", "李强", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周杰", "吴芳", "欧阳明", "司马云"]


def _phone(rng: random.Random) -> str:
    return "13" + str(rng.randint(0, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))


def seed_complaints(ctx: dict[str, Any]) -> None:
    agencies, units, users = ctx["agencies"], ctx["units"], ctx["users"]
    cats = {}
    for order, (code, name, agency, desc, _titles) in enumerate(CATEGORIES):
        cats[code] = Category.objects.create(
            code=code, name=name, description=desc, agency=agencies[agency], order=order * 10
        )
    areas = {name: Area.objects.create(name=name, order=i * 10) for i, name in enumerate(AREAS)}
    for code, _n, agency, _d, _t in CATEGORIES:
        if agency == "cgj":
            RoutingRule.objects.create(category=cats[code], area=areas["东城区"], node=units["cgj_east"])
            RoutingRule.objects.create(category=cats[code], area=areas["西城区"], node=units["cgj_west"])
        else:
            RoutingRule.objects.create(category=cats[code], area=None, node=units["scj_zd"])

    rng = random.Random(20260601)
    today = timezone.localdate()
    handler_for = {"cgj": users["officer1"], "scj": users["market1"]}
    approver = users["approver"]  # 城管局's approver: extensions of its own complaints only
    created: list[Any] = []
    for i in range(max(30, round(300 * float(ctx.get("scale", 1.0))))):
        code, _name, agency_key, _desc, titles = rng.choice(CATEGORIES)
        area_name = rng.choice(AREAS)
        age = int(rng.triangular(0, 180, 20))
        received_on = today - dt.timedelta(days=age)
        received_at = timezone.make_aware(
            dt.datetime.combine(received_on, dt.time(rng.randint(8, 20), rng.randint(0, 59)))
        )
        received_at = min(received_at, timezone.now())
        anonymous = rng.random() < 0.2
        channel = rng.choice(
            [Channel.HOTLINE_12345, Channel.HOTLINE_12345, Channel.HOTLINE_12319, Channel.LETTER]
        )
        street = rng.choice(STREETS)
        place = f"海州市{area_name}{street}{rng.randint(1, 40) if rng.random() < 0.6 else rng.randint(1, 200)}号附近"
        title = rng.choice(titles)
        complaint = svc.complaint_submit(
            data=svc.ComplaintInput(
                category_id=cats[code].pk,
                area_id=areas[area_name].pk,
                location=place,
                title=title,
                content=f"{title}，地点在{place}，已持续多日，影响周边居民生活，请尽快处理。",
                subject_name=rng.choice(["", "", f"{street}某商户", "某建筑工程公司"]),
                occurred_on=received_on - dt.timedelta(days=rng.randint(0, 5)),
                anonymous=anonymous,
                complainant_name="" if anonymous else rng.choice(NAMES),
                complainant_phone="" if anonymous else _phone(rng),
                external_ref=f"12345-{received_on:%Y%m%d}-{i:04d}"
                if channel == Channel.HOTLINE_12345
                else "",
            ),
            channel=channel,
            actor=users["admin"],
            received_at=received_at,
        )
        created.append(complaint)
        handler = handler_for[agency_key]
        roll = rng.random()
        decide_on = min(today, received_on + dt.timedelta(days=rng.choice([1, 2, 3, 5, 8, 12, 14, 16, 20])))
        if age < 10 and roll < 0.6:
            continue  # still awaiting a decision on acceptance (some overdue soon)
        if roll < 0.05:
            svc.complaint_reject(
                complaint_id=complaint.pk,
                actor=handler,
                reason="所反映事项已进入行政复议程序，请通过复议程序解决（信访工作条例第三十一条第四项）。",
                on=decide_on,
            )
            continue
        if roll < 0.10:
            svc.complaint_redirect(
                complaint_id=complaint.pk,
                actor=handler,
                competent_body="海州市生态环境局",
                contact="0591-87000030",
                reason="工业企业排污不属于本机关职权范围。",
                on=decide_on,
            )
            continue
        if roll < 0.13:
            svc.complaint_refer(
                complaint_id=complaint.pk,
                actor=handler,
                external_body="海州市住房和城乡建设局",
                reason="物业服务问题由住建部门处理。",
                on=decide_on,
            )
            continue
        complaint = svc.complaint_accept(complaint_id=complaint.pk, actor=handler, on=decide_on)
        if agency_key == "cgj" and rng.random() < 0.08 and decide_on + dt.timedelta(days=30) <= today:
            complaint = svc.complaint_extend(
                complaint_id=complaint.pk,
                actor=approver,
                days=rng.choice([15, 30]),
                reason="涉及多个部门，需联合核查。",
                on=decide_on + dt.timedelta(days=30),
            )
        if rng.random() < 0.3:
            svc.complaint_progress(
                complaint_id=complaint.pk,
                actor=handler,
                public_note="已派执法人员到现场核查。",
                internal_note="现场核查，拍照留存。",
            )
        reply_on = decide_on + dt.timedelta(days=int(rng.triangular(3, 80, 20)))
        if reply_on > today:
            continue  # still being handled (some overdue)
        complaint = svc.complaint_reply(
            complaint_id=complaint.pk,
            actor=handler,
            reply="经现场核查，反映情况属实，已责令当事人立即整改，并将持续巡查。感谢您对城市管理工作的支持。",
            on=reply_on,
        )
        if anonymous or rng.random() < 0.25:
            continue  # not rated (yet)
        rating = rng.choices(
            [Rating.SATISFIED, Rating.BASICALLY_SATISFIED, Rating.DISSATISFIED], weights=[70, 20, 10]
        )[0]
        feedback_on = min(today, reply_on + dt.timedelta(days=rng.randint(0, 5)))
        complaint = svc.complaint_feedback(
            complaint_id=complaint.pk,
            rating=rating,
            comment="处理及时。" if rating != Rating.DISSATISFIED else "问题没有根本解决。",
            source=ComplaintFeedback.Source.CALLBACK,
            actor=handler,
            on=feedback_on,
        )
        if complaint.state == "reopened" and rng.random() < 0.5:
            second = min(today, feedback_on + dt.timedelta(days=rng.randint(3, 20)))
            svc.complaint_reply(
                complaint_id=complaint.pk,
                actor=handler,
                reply="再次核查后已依法立案查处，当事人已拆除违法设施。",
                on=second,
            )
    # A few obvious duplicates for the suggestion list: same category, area and place within days.
    for original in created[:5]:
        svc.complaint_submit(
            data=svc.ComplaintInput(
                category_id=original.category_id,
                area_id=original.area_id,
                location=original.location,
                title=original.title,
                content=f"{original.title}，多次反映，请尽快处理。",
                anonymous=True,
            ),
            channel=Channel.HOTLINE_12345,
            actor=users["admin"],
            received_at=min(timezone.now(), original.received_at + dt.timedelta(days=1)),
        )
    # Three complaints being handled became cases (the case's source is the complaint).
    from zhifa.core.identity import uscc_check_char

    handling = list(
        Complaint.objects.filter(state="accepted", agency=agencies["cgj"])
        .exclude(subject_name="")
        .order_by("id")[:3]
    )
    for n, complaint in enumerate(handling, start=1):
        first17 = f"91350900MA{7000000 + n:07d}"
        svc.complaint_convert_to_case(
            complaint_id=complaint.pk,
            actor=handler_for["cgj"],
            party={
                "kind": "organisation",
                "name": f"海州市{complaint.subject_name}",
                "id_number": first17 + uscc_check_char(first17),
            },
            facts=complaint.content,
            occurred_on=complaint.occurred_on or complaint.received_on,
        )
    svc.raise_sla_alerts()
    ctx["complaint_categories"] = cats
    ctx["complaint_areas"] = areas
