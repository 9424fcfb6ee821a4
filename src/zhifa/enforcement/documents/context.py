"""The data a 文书 is rendered from, built from the case (docs/documents.md lists every key).

Plain values only — strings, numbers as strings, ISO dates, lists and dicts — for two reasons: the
templates are edited by administrators and must not reach model instances, and the context is stored
with each document (`Document.context`) as the record of exactly what was printed.

Documents are reasoned (说理式): facts, the evidence (each item with its SHA-256), the provisions
violated and applied with their article text from the law library, the discretion tier and its
circumstances, and the reasons given at each step.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhifa.enforcement.cases.models import Case, CaseEvent, DeadlineKind
from zhifa.enforcement.cases.selectors import case_deadline_rows, case_history, case_officers_current
from zhifa.enforcement.evidence.models import Evidence
from zhifa.law.capacity import guardian_order_sentence
from zhifa.org.selectors import node_parent
from zhifa.powers.selectors import version_provisions, version_tier

MEASURE_LABELS = {
    "warning": "警告",
    "circular": "通报批评",  # 第九条第（一）项: a kind of its own, never printed as 警告
    "fine": "罚款",
    "confiscation": "没收违法所得、没收非法财物",
    "suspension": "暂扣许可证件、责令停产停业",
    "revocation": "吊销许可证件",
    "other": "其他行政处罚",
}
SOURCE_SENTENCES = {
    "complaint": "本机关根据群众投诉举报，",
    "patrol": "本机关执法人员在日常巡查中发现，",
    "inspection": "本机关在监督检查中发现，",
    "referral": "根据有关部门移送的案件线索，",
    "assigned": "根据上级机关交办，",
    "other": "",
}
SOURCE_LABELS = {
    "complaint": "投诉举报",
    "patrol": "日常巡查",
    "inspection": "监督检查",
    "referral": "部门移送",
    "assigned": "上级交办",
    "other": "其他",
}
SERVICE_METHODS = {
    "direct": "直接送达",
    "left": "留置送达",
    "post": "邮寄送达",
    "public": "公告送达",
    "electronic": "电子送达",
}
PAYMENT_CHANNELS = {"bank": "银行缴纳", "e_payment": "电子支付", "on_the_spot": "当场收缴"}
EVIDENCE_KINDS = {
    "photo": "照片",
    "video": "视听资料（视频）",
    "audio": "视听资料（录音）",
    "document": "书证",
    "record": "笔录",
}
CHECKLIST_LABELS = {
    "authority": "执法主体是否合法",
    "officers_qualified": "执法人员是否具备执法资格",
    "procedure": "执法程序是否合法",
    "facts_clear": "案件事实是否清楚",
    "evidence_sufficient": "证据是否合法充分",
    "law_applied": "适用法律、法规、规章是否准确",
    "discretion": "裁量基准运用是否适当",
    "within_power": "是否超越执法机关法定权限",
    "documents": "执法文书是否完备、规范",
}
WAIVED_RIGHTS = {"statement": "陈述、申辩", "hearing": "要求听证"}
NO_PENALTY_BASIS = {
    "minor_corrected": "《中华人民共和国行政处罚法》第三十三条第一款",
    "first_offence": "《中华人民共和国行政处罚法》第三十三条第一款",
    "no_fault": "《中华人民共和国行政处罚法》第三十三条第二款",
    "facts_not_established": "《中华人民共和国行政处罚法》第五十七条第一款第（三）项",
    "under_age": "《中华人民共和国行政处罚法》第三十条",
    "incapacity": "《中华人民共和国行政处罚法》第三十一条",
    "limitation": "《中华人民共和国行政处罚法》第三十六条",
}


def iso(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    return value.isoformat()


def money(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(getattr(user, "full_name", "") or getattr(user, "username", ""))


def agency_part(agency: Any) -> dict[str, Any]:
    return {
        "name": agency.name,
        "abbreviation": agency.abbreviation,
        "address": agency.address,
        "phone": agency.phone,
    }


def rights_part(agency: Any) -> dict[str, str]:
    """Where the party may seek review: since 2023 the people's government at the agency's level
    (行政复议法第二十四条); the parent government node is that government in our org tree."""
    parent = node_parent(agency)
    body = parent.name if parent is not None and parent.kind == "government" else "有管辖权的行政复议机关"
    return {"reconsideration_body": body, "court": "有管辖权的人民法院"}


def party_part(case: Case) -> dict[str, Any]:
    is_person = case.party_kind == "person"
    return {
        "kind": case.party_kind,
        "is_person": is_person,
        # How a document addresses the party: 你 to an individual, 你单位 to an organisation — never
        # the form-letter "你（单位）".
        "you": "你" if is_person else "你单位",
        "id_label": "身份证件号码" if is_person else "统一社会信用代码",
        "address_label": "住址" if is_person else "住所",
        "name": case.party_name,
        "id_number": case.party_id_number,
        "phone": case.party_phone,
        "address": case.party_address,
    }


def officers_part(case: Case) -> list[dict[str, str]]:
    return [
        {"name": row.officer.name, "credential": row.credential_number}
        for row in case_officers_current(case=case)
    ]


def power_part(case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    version = case.power_version
    if version is None:
        return {"code": "", "name": "", "violated_provision": "", "penalty_provision": ""}, {
            "name": case.tier_name
        }
    texts: dict[str, list[str]] = {"violated": [], "penalty": []}
    labels: dict[str, list[str]] = {"violated": [], "penalty": []}
    for provision in version_provisions(version_id=version.pk):
        if provision.article is not None and provision.role in labels:
            label = f"《{provision.article.law.title}》{provision.article.number_text}"
            labels[provision.role].append(label)
            texts[provision.role].append(f"{label}：{provision.article.text}")
    power = {
        "code": case.power_item.code if case.power_item else "",
        "name": version.name,
        "category": version.get_category_display(),
        # The item's own wording, else the articles linked from the law library; never a blank.
        "violated_provision": version.violated_provision or "、".join(labels["violated"]),
        "penalty_provision": version.penalty_provision or "、".join(labels["penalty"]),
        "violated_text": "\n".join(texts["violated"]),
        "penalty_text": "\n".join(texts["penalty"]) or version.penalty_text,
    }
    tier_row = version_tier(version_id=version.pk, name=case.tier_name) if case.tier_name else None
    tier = {
        "name": case.tier_name,
        "circumstances": tier_row.circumstances if tier_row else "",
        "range": _range(case.permitted_min, case.permitted_max),
    }
    return power, tier


def _range(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is None:
        return ""
    if low is None:
        return f"{high}元以下"
    if high is None:
        return f"{low}元以上"
    return f"{low}元至{high}元"


def penalty_part(case: Case) -> dict[str, Any]:
    decided = case.decided_on is not None
    measures = case.measures if decided else case.proposed_measures
    fine = case.fine_amount if decided else case.proposed_fine
    reasons = case.decision_reasons if decided and case.decision_reasons else case.proposal_reasons
    if case.discretion_reason:
        reasons = f"{reasons}{case.discretion_reason}"
    return {
        "measures": [MEASURE_LABELS.get(m, m) for m in measures or []],
        "fine_amount": money(fine),
        "reasons": reasons,
    }


# Which act's citations a document prints: the decision cites what the decision recorded, the notice
# what the notice recorded (行政处罚法第四十条: they rest on the file as it was then, nothing else).
CITING_EVENTS: dict[str, tuple[str, ...]] = {
    "decision": ("decide", "decide_on_spot"),
    "prior_notice": ("notify",),
    "hearing_notice": ("notify",),
    "decision_approval": ("approve_decision",),
    "no_penalty_decision": ("decide_no_penalty",),
}


def _cited_refs(code: str, events: list[CaseEvent], event: CaseEvent | None) -> list[str] | None:
    names = CITING_EVENTS.get(code)
    if not names:
        return None
    source = event if event is not None and event.name in names else _last(events, *names)
    cited = source.payload.get("cited") if source is not None else None
    if not isinstance(cited, list):
        return None
    return [str(c.get("ref", "")) for c in cited if isinstance(c, dict)]


def evidence_part(case: Case, *, refs: list[str] | None = None) -> list[dict[str, Any]]:
    """The evidence and investigation records a document cites: `refs` when the act recorded them,
    else what the file holds now. Each with its digest (the PDF's for a 笔录)."""
    from zhifa.enforcement.cases.hooks import file_items
    from zhifa.enforcement.documents.models import Document

    items = file_items(case)
    if refs is not None:
        wanted = set(refs)
        items = [i for i in items if i.ref in wanted]
    ev_ids = [int(i.ref.split(":")[1]) for i in items if i.ref.startswith("evidence:")]
    doc_ids = [int(i.ref.split(":")[1]) for i in items if i.ref.startswith("document:")]
    blobs: dict[str, Any] = {}  # (only the digests: not each row's stored context or metadata)
    if ev_ids:  # (most documents cite nothing yet: no query for an empty list)
        blobs.update(
            {
                f"evidence:{e.pk}": e.blob
                for e in Evidence.objects.filter(pk__in=ev_ids).select_related("blob").only("id", "blob")
            }
        )
    if doc_ids:
        blobs.update(
            {
                f"document:{d.pk}": d.blob
                for d in Document.objects.filter(pk__in=doc_ids).select_related("blob").only("id", "blob")
            }
        )
    out = []
    for seq, item in enumerate(items, start=1):
        blob = blobs.get(item.ref)
        out.append(
            {
                "seq": seq,
                "ref": item.ref,
                "id": int(item.ref.split(":")[1]),
                "kind": item.kind,
                "kind_label": item.label,
                "description": item.description,
                "number": item.number,
                "dated_on": iso(item.dated_on),
                "captured_at": iso(item.dated_on),
                "sha256": blob.sha256 if blob is not None else "",
                "sha256_short": blob.sha256[:16] if blob is not None else "",
                "sm3": blob.sm3 if blob is not None else "",
                "size": blob.size if blob is not None else 0,
                "mime": blob.mime if blob is not None else "",
            }
        )
    return out


def _last(events: list[CaseEvent], *names: str) -> CaseEvent | None:
    for event in reversed(events):
        if event.name in names:
            return event
    return None


def build(
    case: Case,
    *,
    code: str,
    title: str,
    number: str,
    date: dt.date,
    event: CaseEvent | None = None,
    inputs: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    events = case_history(case=case)
    if event is not None and all(e.pk != event.pk for e in events):
        events.append(event)
    power, tier = power_part(case)
    deadlines = {row.kind: row.due_on for row in case_deadline_rows(case=case)}  # the latest of a kind wins
    file_event = _last(events, "file")
    review = (
        event
        if event is not None and event.name in {"approve_legal_review", "return_legal_review"}
        else (_last(events, "approve_legal_review", "return_legal_review"))
    )
    hearing = _last(events, "hold_hearing")
    deliberation = _last(events, "record_deliberation")
    close = _last(events, "close")
    closing_report = _last(events, "report_closing")
    approval = _last(events, "approve_decision")
    waiver = _last(events, "waive_rights")
    summary_event = closing_report or close
    no_penalty = _last(events, "decide_no_penalty")
    waived = (
        [str(r) for r in (waiver.payload.get("rights") or [])] if waiver and case.rights_waived_on else []
    )
    if waived:
        # Exactly what the party waived in writing (行政处罚法第六十二条), nothing more.
        named = "、".join(WAIVED_RIGHTS[r] for r in ("statement", "hearing") if r in waived)
        statement = f"当事人书面放弃{named}的权利。"
        if "statement" not in waived and case.statement_made:
            statement += "当事人进行了陈述、申辩，本机关对其提出的事实、理由和证据进行了复核。"
    elif case.statement_made:
        statement = "当事人进行了陈述、申辩，本机关对其提出的事实、理由和证据进行了复核。"
    else:
        statement = "当事人在规定期限内未提出陈述、申辩。"
    context: dict[str, Any] = {
        "agency": agency_part(case.agency),
        "rights": rights_part(case.agency),
        "document": {"code": code, "title": title, "number": number, "date": iso(date)},
        "case": {
            "id": case.pk,
            "number": case.number,
            "procedure": case.procedure,
            "source_label": SOURCE_LABELS.get(case.source, case.source),
            "source_sentence": SOURCE_SENTENCES.get(case.source, ""),
            "facts": case.facts,
            "facts_short": case.facts.rstrip("。"),
            "occurred_on": iso(case.occurred_on),
            "location": case.location,
            "registered_on": iso(timezone.localtime(case.registered_at).date()),
            "filed_on": iso(case.filed_on),
            "filed_by": _name(file_event.actor) if file_event else "",
            "decided_on": iso(case.decided_on),
            "decision_number": case.decision_number,
            "execution_summary": "",
        },
        "party": party_part(case),
        "officers": officers_part(case),
        "power": power,
        "tier": tier,
        "penalty": penalty_part(case),
        "evidence": evidence_part(case, refs=_cited_refs(code, events, event)),
        "notice": {
            "served_on": iso(case.notified_on),
            "hearing_eligible": case.hearing_eligible,
            "hearing_deadline": iso(deadlines.get(DeadlineKind.HEARING_REQUEST)),
            "statement_deadline": iso(deadlines.get(DeadlineKind.STATEMENT)),
            "statement_summary": statement,
        },
        "hearing": {
            "requested_on": iso(case.hearing_requested_on),
            "held_on": iso(case.hearing_held_on),
            "presided_by": hearing.payload.get("presided_by", "") if hearing else "",
            "record": hearing.payload.get("record", "") if hearing else "",
        },
        "legal_review": {
            "opinion": review.payload.get("opinion", "") if review else "",
            "checklist": [
                {
                    "item": CHECKLIST_LABELS.get(k, k),
                    "ok": bool(v),
                    "note": str((review.payload.get("checklist_notes") or {}).get(k, "")) if review else "",
                }
                for k, v in (review.payload.get("checklist", {}) if review else {}).items()
            ],
            "reviewer": _name(review.actor) if review else "",
            "reviewed_on": iso(review.occurred_on) if review else "",
            "approved": bool(review and review.name == "approve_legal_review"),
        },
        "deliberation": {
            "held_on": iso(deliberation.occurred_on) if deliberation else "",
            "participants": _join(deliberation.payload.get("participants", "")) if deliberation else "",
            "minutes": deliberation.payload.get("minutes", "") if deliberation else "",
            "conclusion": deliberation.payload.get("conclusion", "") if deliberation else "",
        },
        "payments": [
            {
                "amount": e.payload.get("amount", ""),
                "paid_on": iso(e.occurred_on),
                "channel_label": PAYMENT_CHANNELS.get(e.payload.get("channel", ""), ""),
                "receipt_no": e.payload.get("receipt_no", ""),
            }
            for e in events
            if e.name == "record_payment"
        ],
        "payment": {"surcharge": money(case.surcharge) if case.surcharge else ""},
        "service": {
            "served_on": iso(case.served_on),
            "method_label": SERVICE_METHODS.get(case.service_method, ""),
        },
        "no_penalty": {
            "ground": case.no_penalty_ground,
            "reason": no_penalty.payload.get("reason", "") if no_penalty else "",
            "basis": NO_PENALTY_BASIS.get(case.no_penalty_ground, "《中华人民共和国行政处罚法》第五十七条"),
            # 第三十条、第三十一条: the order to the guardian, as recorded with the decision
            "guardian_order": guardian_order_sentence(
                case.no_penalty_ground,
                str(no_penalty.payload.get("guardian_order") or "") if no_penalty else "",
            ),
        },
        "approval": {
            "approved_on": iso(approval.occurred_on) if approval else "",
            "approver": _name(approval.actor) if approval else "",
            "opinion": (approval.payload.get("opinion", "") or "同意。") if approval else "",
        },
        "closing": {
            # 结案报告 (the officers') and 结案审批表 (the head's); earlier files kept the summary on close.
            "summary": summary_event.payload.get("summary", "") if summary_event else "",
            "reported_on": iso(closing_report.occurred_on) if closing_report else "",
            "reported_by": _name(closing_report.actor) if closing_report else "",
            "approved_on": iso(close.occurred_on) if close else "",
            "approver": _name(close.actor) if close else "",
            "opinion": (close.payload.get("opinion", "") or "同意结案。") if close else "",
        },
        "inputs": inputs or {},
        "transfer": transfer_part(case),
    }
    if extra:
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(context.get(key), dict):
                context[key] = {**context[key], **value}
            else:
                context[key] = value
    return context


def transfer_part(case: Case) -> dict[str, str]:
    """The transfer to the judicial organ as the case recorded it (行政处罚法第二十七条), and the fine
    already paid for the court to credit (第三十五条第二款) — only what the file holds."""
    t = case.transfer or {}
    credited = str(t.get("credited") or "")
    return {
        "organ": str(t.get("organ") or ""),
        "document_number": str(t.get("document_number") or ""),
        "suspicion": str(t.get("suspicion") or "").strip().rstrip("。"),
        "transferred_on": str(t.get("transferred_on") or ""),
        "credited": credited if credited and Decimal(credited) > 0 else "",
        # a decision already made before the transfer (a penalty, not carried out yet)
        "decision_number": case.decision_number if case.decided_on and not case.no_penalty_ground else "",
        "decided_on": iso(case.decided_on) if case.decided_on and not case.no_penalty_ground else "",
        "fine_amount": money(case.fine_amount) if case.decided_on and case.fine_amount else "",
    }


def _join(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
