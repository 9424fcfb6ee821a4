"""Build documents through the services, step by step (tests and demo data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhifa.law.normative import LEGALITY_CHECKLIST
from zhifa.supervision.normative.models import NormativeDocument
from zhifa.supervision.normative.services import DraftInput, document_apply_event, document_create

ALL_YES = dict.fromkeys(LEGALITY_CHECKLIST, True)


def make_draft(
    *, actor: Any, agency: Any, title: str = "关于规范户外广告设置管理的若干规定", text: str = ""
) -> NormativeDocument:
    return document_create(
        actor=actor,
        data=DraftInput(
            agency_id=agency.pk,
            title=title,
            basis="《城市市容和环境卫生管理条例》第十一条",
            explanation="为规范户外广告设置，制定本规定。",
            text=text or f"{title}。第一条 为加强户外广告设施管理，维护市容环境，制定本规定。",
        ),
    )


def make_published(
    *,
    drafter: Any,
    reviewer: Any,
    approver: Any,
    agency: Any,
    submitted_on: dt.date,
    published_on: dt.date,
    number: str,
    effective_on: dt.date | None = None,
    title: str = "关于规范户外广告设置管理的若干规定",
    text: str = "",
) -> NormativeDocument:
    """A draft taken through review, deliberation and publication on the given dates (the review and
    the deliberation on the submission's next days)."""
    doc = make_draft(actor=drafter, agency=agency, title=title, text=text)
    ev = document_apply_event
    ev(document_id=doc.pk, actor=drafter, event="submit", data={"on": submitted_on})
    reviewed_on = submitted_on + dt.timedelta(days=7)
    ev(
        document_id=doc.pk,
        actor=reviewer,
        event="review",
        data={"on": reviewed_on, "checklist": ALL_YES, "passed": True, "opinion": "经审核，合法。"},
    )
    ev(
        document_id=doc.pk,
        actor=approver,
        event="deliberate",
        data={"on": reviewed_on, "meeting": "局长办公会", "record": "会议同意印发。"},
    )
    return ev(
        document_id=doc.pk,
        actor=approver,
        event="publish",
        data={"published_on": published_on, "effective_on": effective_on or published_on, "number": number},
    )
