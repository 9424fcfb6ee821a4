"""Demo step 80: a few dozen reconsiderations and lawsuits against the demo agencies, linked to demo
penalty cases where there is one, spread over every state. Every date lies in the past relative to
today (whatever today is): an appeal takes only the steps whose date has already come."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from zhifa.core.errors import DomainError
from zhifa.law import litigation as lit
from zhifa.supervision.appeals import services
from zhifa.supervision.appeals.models import Appeal

NAMES = ("赵明", "钱芳", "孙立", "李娜", "周强", "吴敏", "郑华", "王磊", "冯洁", "陈刚", "褚云", "卫东")
ACTS = (
    "责令限期拆除违法建设的决定",
    "暂扣物品的行政强制措施",
    "不予答复政府信息公开申请",
    "罚款二千元的行政处罚决定",
)
REC_OUTCOMES = ("upheld", "upheld", "revoked", "changed", "dismissed", "declared_unlawful")
JUDGMENTS = ("dismissed", "dismissed", "revoked", "suit_rejected")


def _step(appeal: Appeal, actor: Any, event: str, on: dt.date, today: dt.date, **data: Any) -> bool:
    """Apply a step dated `on` if that day has come; False (and nothing done) otherwise."""
    if on > today:
        return False
    services.appeal_apply_event(
        appeal_id=appeal.pk, actor=actor, event=event, data={"on": on.isoformat(), **data}
    )
    return True


def _reconsideration(
    appeal: Appeal, users: dict[str, Any], plan: str, today: dt.date, rng: random.Random
) -> None:
    sup, answerer = users["supervisor"], users["reviewer"]
    r = appeal.received_on
    if plan == "refuse":
        _step(
            appeal,
            sup,
            "refuse",
            r + dt.timedelta(days=2),
            today,
            ground="no_claim",
            reason="申请没有具体的行政复议请求",
        )
        return
    if plan in ("amend", "amending"):
        asked = _step(
            appeal,
            sup,
            "request_amendment",
            r + dt.timedelta(days=1),
            today,
            items="补充身份证明和处罚决定书复印件",
        )
        if asked and plan == "amend":
            _step(appeal, sup, "amend", r + dt.timedelta(days=6), today)
        return
    if not _step(appeal, sup, "accept", r + dt.timedelta(days=1), today):
        return
    if plan == "accepted" or not _step(appeal, sup, "send_copy", r + dt.timedelta(days=3), today):
        return
    if plan == "answering":
        return
    own_agency = appeal.respondent_id == answerer_agency(users)
    if own_agency and not _step(
        appeal,
        answerer,
        "answer",
        r + dt.timedelta(days=8),
        today,
        summary="事实清楚，证据确凿，程序合法",
        evidence="案卷材料",
    ):
        return
    if plan == "reviewing":
        return
    if plan == "suspended":
        _step(
            appeal,
            sup,
            "suspend",
            r + dt.timedelta(days=12),
            today,
            ground="awaiting_other_case",
            reason="需以相关民事案件审理结果为依据",
        )
        return
    if plan == "mediated":
        _step(
            appeal,
            sup,
            "mediate",
            r + dt.timedelta(days=15),
            today,
            terms="申请人自愿撤回请求，被申请人重新核定罚款",
            checklist={
                "voluntary": True,
                "lawful": True,
                "no_harm_to_public_interest": True,
                "no_harm_to_others": True,
            },
            signed_by_all_parties=True,
            sealed=True,
        )
        return
    if plan == "terminated":
        _step(
            appeal,
            sup,
            "terminate",
            r + dt.timedelta(days=10),
            today,
            ground="withdrawn",
            reason="申请人撤回申请，准予撤回",
        )
        return
    outcome = (
        rng.choice(REC_OUTCOMES) if own_agency else "declared_unlawful"
    )  # 第七十条: no answer, no upholding
    _step(
        appeal,
        sup,
        "decide",
        r + dt.timedelta(days=30),
        today,
        outcome=outcome,
        # a change on a linked case names the penalty as changed (the case's `change` event)
        **({"changed_measures": ["warning"]} if outcome == "changed" else {}),
        reasons="经审查，"
        + ("认定事实清楚。" if outcome in ("upheld", "dismissed") else "原行政行为认定事实不清、证据不足。"),
    )


def answerer_agency(users: dict[str, Any]) -> int | None:
    from zhifa.org.selectors import granted_nodes

    nodes = granted_nodes(users["reviewer"], roles=["legal_reviewer"])
    return nodes[0][1] if nodes else None


def _court_notice(appeal: Appeal) -> Any:
    """A one-page 应诉通知书 as a court would serve it (a PDF made here: the demo has no scans)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhifa.enforcement.documents.services import html_pdf

    html = (
        f"<h1>{appeal.organ}</h1><h1>应诉通知书</h1><p>{appeal.court_case_number}</p>"
        f"<p>{appeal.respondent.name}：</p><p>本院已受理原告诉你单位行政诉讼一案，现将起诉状副本发送给你单位。"
        "你单位应当在收到起诉状副本之日起十五日内向本院提交作出行政行为的证据和所依据的规范性文件，"
        "并提出答辩状（行政诉讼法第六十七条）。</p>"
    )
    return SimpleUploadedFile("应诉通知书.pdf", html_pdf(html, title="应诉通知书"))


def _litigation(appeal: Appeal, users: dict[str, Any], plan: str, today: dt.date, rng: random.Random) -> None:
    actor = users["reviewer"] if appeal.respondent_id == answerer_agency(users) else users["supervisor"]
    r = appeal.received_on
    if r <= today:  # the court's notice of response, served the day the suit was received
        services.court_papers_upload(
            actor=actor, appeal_id=appeal.pk, upload=_court_notice(appeal), served_on=r
        )
    if plan == "filed":
        return
    if not _step(
        appeal,
        actor,
        "submit_defence",
        r + dt.timedelta(days=10),
        today,
        summary="被诉行政行为事实清楚、适用法律正确",
    ):
        return
    head = rng.random() < 0.8
    hearing = (
        {"appearance": "head", "head_name": "王建国"}
        if head
        else {"appearance": "staff", "delegate_name": "郑法明"}
    )
    if not _step(appeal, actor, "record_hearing", r + dt.timedelta(days=30), today, **hearing):
        return
    if plan == "trial":
        return
    if plan == "withdrawn":
        _step(appeal, actor, "withdraw", r + dt.timedelta(days=35), today, note="原告申请撤诉，法院裁定准许")
        return
    judgment = rng.choice(JUDGMENTS)
    served = r + dt.timedelta(days=45)
    changed = {"changed_measures": ["warning"]} if judgment == "changed" else {}
    if not _step(appeal, actor, "judge", served, today, judgment=judgment, reasons="详见判决书", **changed):
        return
    final = lit.final_on(kind=lit.ruling_kind(lit.Judgment(judgment)), served_on=[served]).on
    _step(appeal, actor, "finalise", final + dt.timedelta(days=1), today)


def _create(users: dict[str, Any], data: dict[str, Any]) -> Appeal | None:
    actor = users["supervisor"] if data["kind"] == "reconsideration" else users["reviewer"]
    try:
        return services.appeal_create(actor=actor, data=data)
    except DomainError:
        return None


def seed_appeals(ctx: dict[str, Any]) -> None:
    from zhifa.enforcement.cases.models import Case

    users = ctx["users"]
    agencies = ctx["agencies"]
    organ = ctx["city"].name
    today = timezone.localdate()
    rng = random.Random(16)
    made: list[Appeal] = []
    rec_plans = (
        "decided",
        "decided",
        "reviewing",
        "answering",
        "accepted",
        "refuse",
        "amend",
        "suspended",
        "mediated",
        "terminated",
        "received",
        "amending",
    )
    # linked to decided demo cases: one-click applications and written ones
    cases = list(
        Case.objects.filter(decided_on__isnull=False)
        .exclude(decision_number="")
        .order_by("decided_on", "id")[:14]
    )
    for i, case in enumerate(cases):
        known = case.served_on or case.decided_on
        assert known is not None
        received = min(known + dt.timedelta(days=5 + i % 7), today)
        kind = "litigation" if i % 5 == 4 else "reconsideration"
        data = {
            "kind": kind,
            "respondent_id": case.agency_id,
            "case_id": case.pk,
            "organ": organ if kind == "reconsideration" else "海州市东城区人民法院",
            "court_case_number": ""
            if kind == "reconsideration"
            else f"（{received.year}）海0101行初{i + 1}号",
            "applicant": {
                "kind": case.party_kind,
                "name": case.party_name,
                "id_number": case.party_id_number,
                "phone": case.party_phone,
                "address": case.party_address,
            },
            "act": f"行政处罚决定（{case.decision_number}）",
            "act_number": case.decision_number,
            "acted_on": case.decided_on,
            "claims": "请求撤销该行政处罚决定",
            "reasons": "认定事实不清，处罚明显不当。",
            "known_on": known,
            "received_on": received,
            "channel": "online" if i % 3 == 0 and kind == "reconsideration" else None,
        }
        appeal = _create(users, {k: v for k, v in data.items() if v is not None})
        if appeal is None:
            continue
        run: Callable[..., None] = _reconsideration if kind == "reconsideration" else _litigation
        run(
            appeal,
            users,
            rec_plans[i % len(rec_plans)] if kind == "reconsideration" else ("decided", "trial")[i % 2],
            today,
            rng,
        )
        made.append(appeal)
    # others, not linked to a case, spread over the last year
    rec_i = 0
    for i in range(22):
        received = today - dt.timedelta(days=3 + i * 15)
        kind = "litigation" if i % 3 == 2 else "reconsideration"
        agency = agencies["cgj"] if i % 4 else agencies["scj"]
        data = {
            "kind": kind,
            "respondent_id": agency.pk,
            "organ": organ if kind == "reconsideration" else "海州市中级人民法院",
            "court_case_number": ""
            if kind == "reconsideration"
            else f"（{received.year}）海01行初{30 + i}号",
            "applicant": {
                "kind": "person",
                "name": NAMES[i % len(NAMES)],
                "id_number": "",
                "phone": "1380013" + f"{i:04d}",
                "address": "海州市",
            },
            "act": ACTS[i % len(ACTS)],
            "claims": "请求撤销该行政行为",
            "reasons": "行政行为违法。",
            "known_on": received - dt.timedelta(days=10),
            "received_on": received,
        }
        appeal = _create(users, data)
        if appeal is None:
            continue
        if kind == "reconsideration":
            rec_i += 1
            _reconsideration(appeal, users, rec_plans[(rec_i + 2) % len(rec_plans)], today, rng)
        else:
            _litigation(appeal, users, ("decided", "trial", "withdrawn", "filed")[i % 4], today, rng)
        made.append(appeal)
    ctx["appeals"] = {"count": len(made)}
