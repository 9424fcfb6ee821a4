"""Cases in every state, built through the real services (dates in May–June 2025, before TODAY)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhifa.enforcement.cases.factories import (
    CHECKLIST_OK,
    CaseKit,
    add_investigation_record,
    advance,
    approve_and_notify,
    ev,
    register,
)
from zhifa.enforcement.cases.models import Case, State

START = dt.date(2025, 5, 6)


def ordinary(kit: CaseKit, state: str, **over: Any) -> Case:
    case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01", **over)
    w = kit.world
    if state == State.NOT_FILED:
        return ev(case, w.approver_a, "decline", reason="不属于本机关管辖。", declined_on="2025-05-06")
    if state == State.LEGAL_REVIEW:
        case = advance(kit, case, State.PROPOSED, start=START)
        return ev(case, w.officer_a, "request_legal_review")
    if state == State.HEARING_REQUESTED:
        return hearing_requested(kit)
    if state == State.TERMINATED:
        case = advance(kit, case, State.INVESTIGATING, start=START)
        return ev(
            case, w.approver_a, "terminate", reason="涉嫌犯罪，移送公安机关。", terminated_on="2025-05-07"
        )
    if state == "suspended":
        case = advance(kit, case, State.INVESTIGATING, start=START)
        return ev(case, w.approver_a, "suspend", reason="当事人下落不明。", suspended_on="2025-05-07")
    return advance(kit, case, state, start=START)


PERSON = {"kind": "person", "name": "张某某", "id_number": "11010519491231002X", "phone": "13900001111"}


def list_rows_world(kit: CaseKit, on: dt.date) -> tuple[Case, Case]:
    """Cases a list shows in every way (the list tests): a person's lead, one without a power item, a
    person's filed case with its open deadline and handling officers, another agency's lead. Returns
    (the person's lead, the filed case)."""
    w = kit.world
    person = register(kit, facts="渣土撒漏一", party=PERSON)
    register(kit, facts="渣土撒漏二", power_item_id=None)
    filed = register(kit, facts="渣土撒漏三", party=PERSON)
    ev(
        filed,
        w.approver_a,
        "file",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        filed_on=on.isoformat(),
    )
    register(kit, actor=w.officer_b, agency_id=w.agency_b.pk, power_item_id=None, facts="渣土撒漏乙")
    return person, filed


def hearing_requested(kit: CaseKit, *, fine: str = "12000.00") -> Case:
    """A person fined ≥ ¥10,000 (the national default threshold) who asks for a hearing."""
    w = kit.world
    case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01", party=PERSON)
    case = advance(kit, case, State.INVESTIGATING, start=START)
    add_investigation_record(case, w.officer_a)
    case = ev(
        case,
        w.officer_a,
        "submit_proposal",
        tier="严重",
        measures=["fine"],
        fine_amount=fine,
        reasons="面积较大",
    )
    assert case.hearing_eligible
    case = approve_and_notify(case, kit, served_on="2025-05-07")
    return ev(case, w.officer_a, "request_hearing", requested_on="2025-05-08")


def simple(kit: CaseKit, state: str, *, on: str = "2025-06-10", fine: str = "50.00") -> Case:
    """A simple-procedure (当场处罚) case of a person brought to `state`: seen, decided, served and
    (from EXECUTED on) paid on the spot on `on`, the fine `fine`."""
    w = kit.world
    case = register(kit, procedure="simple", discovered_on=on, occurred_on=on, party=PERSON)
    if state == State.REGISTERED:
        return case
    case = ev(
        case,
        w.officer_a,
        "decide_on_spot",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        power_item_id=kit.item.pk,
        measures=["fine"],
        fine_amount=fine,
        tier="轻微",
        reasons="占道经营，当场改正。",
        decided_on=on,
    )
    if state == State.DECIDED:
        return case
    case = ev(case, w.officer_a, "serve", method="direct", served_on=on)
    if state == State.SERVED:
        return case
    case = ev(
        case,
        w.officer_a,
        "record_payment",
        amount=fine,
        paid_on=on,
        channel="on_the_spot",
        receipt_no="CZ-0001",
    )
    if state == State.EXECUTED:
        return case
    case = ev(case, w.officer_a, "report_to_agency", reported_on="2025-06-11")
    case = ev(case, w.officer_a, "report_closing", summary="当场缴纳，结案。", written_on="2025-06-11")
    case = ev(case, w.approver_a, "close", closed_on="2025-06-11")
    if state == State.CLOSED:
        return case
    return ev(case, w.officer_a, "archive", archived_on="2025-06-12")


def payloads(kit: CaseKit) -> dict[str, dict[str, Any]]:
    """A well-formed payload for every event (guards may still refuse it in a given case)."""
    a, a2, a3 = kit.officer_a.pk, kit.officer_a2.pk, kit.officer_a3.pk
    return {
        "file": {"officer_ids": [a, a2], "power_item_id": kit.item.pk},
        "decline": {"reason": "不予立案"},
        "assign_officers": {"officer_ids": [a, a3], "reason": "工作调整"},
        "record_recusal": {
            "officer_id": a2,
            "requested_by": "party",
            "granted": False,
            "reason": "无利害关系",
        },
        "record_preservation": {"items": "挖掘机一台"},
        "resolve_preservation": {"decision": "解除登记保存"},
        "submit_proposal": {
            "tier": "轻微",
            "measures": ["fine"],
            "fine_amount": "3000.00",
            "reasons": "理由",
        },
        "request_legal_review": {},
        "approve_legal_review": {"opinion": "同意", "checklist": CHECKLIST_OK},
        "return_legal_review": {
            "opinion": "证据不足",
            "checklist": {**CHECKLIST_OK, "evidence_sufficient": False},
            "checklist_notes": {"evidence_sufficient": "缺少询问笔录"},
        },
        "record_deliberation": {
            "participants": ["赵六", "孙八", "周九"],
            "minutes": "讨论",
            "conclusion": "同意",
        },
        "approve_decision": {"opinion": "同意"},
        "notify": {},
        "record_statement": {"content": "当事人称已回填。"},
        "request_hearing": {},
        "hold_hearing": {
            "presided_by": kit.presider.pk,
            "notice_served_on": "2025-06-10",
            "record": "听证笔录",
            "record_signed": True,
        },
        "waive_rights": {"rights": ["statement"]},
        "decide": {"reasons": "事实清楚"},
        "decide_no_penalty": {"reason": "违法行为轻微并及时改正", "ground": "minor_corrected"},
        "decide_on_spot": {
            "officer_ids": [a, a2],
            "power_item_id": kit.item.pk,
            "measures": ["warning"],
            "reasons": "当场改正",
        },
        "serve": {"method": "direct"},
        "record_payment": {"amount": "1.00", "channel": "bank", "receipt_no": "R-1"},
        "approve_deferral": {
            "applied_on": "2025-06-01",
            "application": "当事人书面申请延期缴纳",
            "reason": "经济困难",
            "deferred_to": "2099-12-31",
        },
        "serve_reminder": {},
        "apply_court_enforcement": {"court": "测试市人民法院"},
        "report_to_agency": {},
        "report_closing": {"summary": "结案"},
        "close": {"opinion": "同意结案"},
        "archive": {},
        "suspend": {"reason": "中止"},
        "resume": {"reason": "恢复"},
        "extend_deadline": {"days": 10, "reason": "案情复杂", "rule": "经负责人批准延长（部门规章）"},
        "explain_deadline": {"kind": "decision", "explanation": "说明"},
        "terminate": {"reason": "终止"},
        "record_appeal": {"kind": "reconsideration", "organ": "测试市人民政府", "reference": "复-1"},
        "end_appeal": {"reference": "复-1", "result": "维持"},
        "revoke": {"by": "agency", "reason": "适用法律错误", "basis": "行政处罚法第七十五条"},
        "change": {
            "by": "agency",
            "reason": "计算错误",
            "basis": "行政处罚法第七十五条",
            "measures": ["warning"],
        },
        "transfer_to_judicial": {
            "organ": "测试市公安局",
            "document_number": "移字〔2025〕1号",
            "suspicion": "涉嫌非法占用农用地罪",
        },
        "record_judicial_receipt": {"received_by": "测试市公安局法制大队"},
        "record_judicial_answer": {"answer": "declined"},
        "hand_in_cash": {"handed_in_to": "财务室"},
    }


def actor_for(kit: CaseKit, roles: frozenset[str]) -> Any:
    w = kit.world
    if "officer" in roles:
        return w.officer_a
    if "approver" in roles:
        return w.approver_a
    return w.reviewer_a
