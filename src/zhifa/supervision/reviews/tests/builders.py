"""Case files for the review tests, built by driving the case workflow (cases' factories)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from zhifa.enforcement.cases.factories import CaseKit, advance, close_case, day, ev, register
from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.cases.tests.builders import START
from zhifa.enforcement.cases.tests.conftest import SH
from zhifa.supervision.reviews.models import Campaign
from zhifa.supervision.reviews.services import campaign_create


def clean_case(kit: CaseKit) -> Case:
    """Filed, notified, decided, served, published on the portal (prepared by the officer, published by
    the approver), paid, closed and archived: a clean file. Entered on the day after its last act, as
    an agency working on time would."""
    from zhifa.public.portal.factories import publish_reviewed
    from zhifa.public.portal.models import PublishedDecision

    with time_machine.travel(dt.datetime(2025, 5, 12, 9, 0, tzinfo=SH), tick=False):
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
        case = advance(kit, case, State.SERVED, start=START)
        publish_reviewed(PublishedDecision.objects.get(case_id=case.pk))
        w = kit.world
        fine = str(case.fine_amount)
        case = ev(
            case,
            w.officer_a,
            "record_payment",
            amount=fine,
            paid_on=day(START, 4),
            channel="bank",
            receipt_no=f"NO.{case.pk:06d}",
        )
        case = close_case(case, kit, closed_on=day(START, 5))
        return ev(case, w.officer_a, "archive", archived_on=day(START, 5))


def decided_not_served(kit: CaseKit) -> Case:
    """Decided, then terminated without the decision ever being served on the party."""
    case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
    case = advance(kit, case, State.DECIDED, start=START)
    return ev(
        case, kit.world.approver_a, "terminate", reason="当事人主体资格消灭。", terminated_on="2025-05-20"
    )


def campaign_data(kit: CaseKit, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "2025年度行政处罚案卷评查",
        "kind": "annual",
        "agency_ids": [kit.world.agency_a.pk],
        "closed_from": "2025-01-01",
        "closed_to": "2025-06-29",
        "sample_mode": "count",
        "sample_count": 2,
        "due_on": "2025-07-31",
        "reviewer_ids": [kit.world.officer_b.pk],
    }
    data.update(over)
    return data


def make_campaign(kit: CaseKit, **over: Any) -> Campaign:
    return campaign_create(actor=kit.world.supervisor, data=campaign_data(kit, **over))
