"""Demo normative documents of 海州市城市管理局: sixteen documents in every state — drafts, one in
review, one returned, published and filed ones, a late filing, a correction, a repealed one, an amended
one with its new version, an expired trial rule and one nearing its expiry (alert) — driven through the
real services with the dates on which each step happened, all before today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhifa.law.normative import LEGALITY_CHECKLIST
from zhifa.supervision.normative.models import NormativeDocument
from zhifa.supervision.normative.services import (
    DraftInput,
    document_apply_event,
    document_create,
    expiry_check,
)

ALL_YES = dict.fromkeys(LEGALITY_CHECKLIST, True)

TITLES = [
    ("关于规范户外广告设施设置管理的若干规定", "户外广告设施应当牢固安全，设置人负责日常维护和安全检查。"),
    (
        "关于加强建筑垃圾运输管理的通知",
        "建筑垃圾运输车辆应当密闭运输，不得沿途遗撒，按照核准的路线和时间行驶。",
    ),
    ("海州市早餐便民摊点管理办法", "早餐便民摊点应当在规定时段和区域内经营，保持周边环境整洁。"),
    ("关于共享单车停放秩序管理的规定", "共享单车应当在划定的停放区域内有序停放，运营企业负责及时调度清理。"),
    ("海州市城市道路挖掘管理规定", "挖掘城市道路应当经批准，并在规定期限内恢复原状。"),
    ("关于夜间施工噪声管理的通知", "夜间施工应当采取降噪措施，并提前公告周边居民。"),
    ("海州市市容环境卫生责任区管理办法", "市容环境卫生责任人应当保持责任区内整洁，不得乱堆乱放。"),
    ("关于规范店外经营行为的通知", "经营者不得超出门窗外墙摆卖或者作业。"),
    ("海州市城市绿地养护管理规定", "城市绿地养护单位应当按照养护标准开展修剪、补植和病虫害防治。"),
    ("关于加强餐饮油烟污染防治的通知", "餐饮服务经营者应当安装油烟净化设施并保持正常使用。"),
    ("海州市户外招牌设置技术规范（试行）", "户外招牌应当与建筑立面协调，一店一招。"),
    ("海州市临时占道停车管理暂行办法", "临时占道停车泊位由城市管理部门会同公安交通管理部门设置。"),
    (
        "关于规范城市管理行政处罚自由裁量权的规定",
        "行政处罚应当根据违法行为的事实、性质、情节以及社会危害程度决定。",
    ),
    ("海州市生活垃圾分类投放管理办法", "单位和个人应当按照分类标准将生活垃圾分类投放到相应的收集容器。"),
    (
        "关于规范城市管理执法全过程记录的规定",
        "执法人员应当通过文字、音像等方式对执法全过程进行记录并归档保存。",
    ),
    ("海州市门前三包责任制管理办法", "沿街单位和个体工商户应当履行门前市容整洁、绿化、秩序责任。"),
]


def seed_normative(ctx: dict[str, Any]) -> None:
    today = timezone.localdate()
    agency = ctx["agencies"]["cgj"]
    users = ctx["users"]
    drafter, reviewer, approver, supervisor = (
        users["officer1"],
        users["reviewer"],
        users["approver"],
        users["supervisor"],
    )
    sequence: dict[int, int] = {}
    titles = iter(TITLES)

    def day(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    def ev(doc: NormativeDocument, actor: Any, event: str, **data: Any) -> NormativeDocument:
        return document_apply_event(document_id=doc.pk, actor=actor, event=event, data=data)

    def draft(created: int, *, trial: bool = False) -> NormativeDocument:
        title, text = next(titles)
        return document_create(
            actor=drafter,
            on=day(created),
            data=DraftInput(
                agency_id=agency.pk,
                title=title,
                basis="《城市市容和环境卫生管理条例》《海州市城市管理综合执法条例》",
                explanation=f"为{title.removeprefix('关于').removesuffix('的通知')}，依据有关法律法规，起草本文件。",
                public_comment=True,
                public_comment_summary="通过市政府门户网站公开征求意见三十日，收到意见十二条，采纳五条。",
                trial=trial,
                text=f"{title}\n\n第一条 {text}\n第二条 本文件自施行之日起有效。",
            ),
        )

    def reviewed(
        created: int, submitted: int, review: int, *, passed: bool = True, trial: bool = False
    ) -> NormativeDocument:
        doc = draft(created, trial=trial)
        ev(doc, drafter, "submit", on=day(submitted))
        checklist = ALL_YES if passed else {**ALL_YES, "no_new_penalty_or_licence": False}
        opinion = (
            "经审核，符合法定权限和程序，内容合法。"
            if passed
            else "第五条设定罚款，超出上位法规定，退回修改。"
        )
        return ev(
            doc, reviewer, "review", on=day(review), checklist=checklist, passed=passed, opinion=opinion
        )

    def published(
        created: int, pub: int, *, effective: int | None = None, trial: bool = False
    ) -> NormativeDocument:
        doc = reviewed(created, created - 2, created - 9, trial=trial)
        ev(
            doc,
            approver,
            "deliberate",
            on=day(created - 10),
            meeting="局长办公会",
            record="会议审议同意，按程序印发。",
        )
        published_on = day(pub)
        sequence[published_on.year] = sequence.get(published_on.year, 0) + 1
        number = f"海城管规〔{published_on.year}〕{sequence[published_on.year]}号"
        return ev(
            doc,
            approver,
            "publish",
            published_on=published_on,
            number=number,
            effective_on=day(effective if effective is not None else pub - 10 if pub >= 10 else pub),
        )

    def filed(doc: NormativeDocument, filed: int, received: int | None = None) -> NormativeDocument:
        ev(doc, drafter, "file", on=day(filed))
        if received is not None:
            ev(doc, supervisor, "receive", on=day(received))
        return doc

    docs: dict[str, NormativeDocument] = {}
    ctx["normative"] = docs
    docs["draft"] = draft(2)

    in_review = draft(6)
    ev(in_review, drafter, "submit", on=day(5))
    docs["in_review"] = in_review
    docs["returned"] = reviewed(40, 38, 30, passed=False)
    docs["reviewed"] = reviewed(25, 24, 15)  # waiting for the collective deliberation
    deliberated = reviewed(30, 29, 20)
    docs["deliberated"] = ev(
        deliberated, approver, "deliberate", on=day(18), meeting="局长办公会", record="同意印发。"
    )
    docs["published"] = published(40, 5, effective=0)  # not yet filed, within the period
    docs["filed"] = filed(published(80, 40), 33)  # awaiting receipt
    docs["filing_review"] = filed(published(120, 80), 70, 68)
    correcting = filed(published(200, 120), 110, 108)
    ev(
        correcting,
        supervisor,
        "filing_review",
        on=day(20),
        result="correction",
        problems="第三条规定“责令停业整顿”，属于增设行政处罚，应予删除。",
    )
    docs["correcting"] = correcting
    late = filed(published(300, 220), 190, 188)  # filed 30 days after publication: late
    ev(
        late,
        supervisor,
        "filing_review",
        on=day(170),
        result="correction",
        problems="第四条增加公民义务，缺乏上位法依据。",
    )
    ev(late, drafter, "correct", on=day(150), correction="已删除第四条，并重新公布。")
    docs["late_corrected"] = late
    in_force = filed(published(500, 420), 410, 409)
    ev(in_force, supervisor, "filing_review", on=day(390), result="no_objection")
    docs["in_force"] = in_force
    repealed = filed(published(800, 720), 712, 711)
    ev(repealed, supervisor, "filing_review", on=day(700), result="no_objection")
    ev(repealed, approver, "repeal", on=day(100), reason="上位法已修改，本文件不再适用。")
    docs["repealed"] = repealed
    old = filed(published(1100, 1000), 990, 989)
    ev(old, supervisor, "filing_review", on=day(980), result="no_objection")
    new = ev(old, drafter, "amend")
    ev(new, drafter, "submit", on=day(330))
    ev(new, reviewer, "review", on=day(322), checklist=ALL_YES, passed=True, opinion="修订内容合法。")
    ev(new, approver, "deliberate", on=day(321), meeting="局长办公会", record="同意修订。")
    pub = day(315)
    sequence[pub.year] = sequence.get(pub.year, 0) + 1
    ev(
        new,
        approver,
        "publish",
        published_on=pub,
        effective_on=day(305),
        number=f"海城管规〔{pub.year}〕{sequence[pub.year]}号",
    )
    filed(new, 305)
    docs["amended_old"], docs["amended_new"] = old, new
    # trial rules (two years): one already past its last day, one nearing it (expiry alert)
    docs["expired"] = filed(published(900, 800, effective=800, trial=True), 790)
    docs["expiring"] = filed(published(760, 700, effective=700, trial=True), 690)
    expiry_check(today=today)
