"""The pre-check's rules on plain facts, at their edges (the cases driven through the workflow are in
test_campaign.py)."""

import dataclasses
import datetime as dt
from decimal import Decimal

from zhifa.supervision.reviews.precheck import (
    DeadlineFact,
    Doc,
    FileFacts,
    check_deadlines,
    check_discretion,
    check_hearing,
    check_officers,
    check_prior_notice,
    evaluate,
)

D = dt.date
CLEAN = FileFacts(
    case_id=1,
    procedure="ordinary",
    state="archived",
    events=(
        "file",
        "submit_proposal",
        "notify",
        "waive_rights",
        "decide",
        "serve",
        "record_payment",
        "close",
        "archive",
    ),
    officers=(("张三", "T1"), ("李四", "T2")),
    notified_on=D(2025, 5, 7),
    decided_on=D(2025, 5, 8),
    served_on=D(2025, 5, 9),
    hearing_eligible=False,
    hearing_requested_on=None,
    hearing_held_on=None,
    legal_review_required=False,
    legal_review_passed=False,
    fine_amount=Decimal(3000),
    permitted_min=Decimal(0),
    permitted_max=Decimal(5000),
    discretion_reason="",
    paid_amount=Decimal(3000),
    court_applied_on=None,
    archived_on=D(2025, 5, 11),
    documents=(Doc("prior_notice", D(2025, 5, 7), "served"), Doc("decision", D(2025, 5, 9), "served")),
    deadlines=(DeadlineFact("service", "送达", D(2025, 5, 19), D(2025, 5, 9), "met", False),),
    evidence=(),
    publication=None,
    today=D(2025, 6, 30),
)


def test_prior_notice_served_after_or_on_no_day_of_the_decision() -> None:
    assert check_prior_notice(CLEAN).outcome == "pass"
    same_day = dataclasses.replace(CLEAN, documents=(Doc("prior_notice", D(2025, 5, 8), "served"),))
    assert check_prior_notice(same_day).outcome == "pass"  # served the same day, before deciding
    after = dataclasses.replace(CLEAN, documents=(Doc("prior_notice", D(2025, 5, 9), "served"),))
    assert check_prior_notice(after).outcome == "flag"
    unserved = dataclasses.replace(CLEAN, documents=(Doc("prior_notice", None, "draft"),))
    f = check_prior_notice(unserved)
    assert (
        f.outcome == "flag"
        and "未送达" in evaluate(unserved, [("V03", "veto", "prior_notice", Decimal(0))])[0]["evidence"]
    )
    assert evaluate(unserved, [("V03", "veto", "prior_notice", Decimal(0))])[0]["veto"] is True
    simple = dataclasses.replace(CLEAN, procedure="simple", documents=())
    assert check_prior_notice(simple).outcome == "na"


def test_officers_hearing_discretion_deadlines() -> None:
    assert check_officers(CLEAN).outcome == "pass"
    assert check_officers(dataclasses.replace(CLEAN, officers=(("张三", "T1"),))).outcome == "flag"
    assert (
        check_officers(dataclasses.replace(CLEAN, officers=(("张三", "T1"), ("李四", "")))).outcome == "flag"
    )
    asked = dataclasses.replace(CLEAN, hearing_requested_on=D(2025, 5, 8))
    assert check_hearing(asked).outcome == "flag"
    assert check_hearing(dataclasses.replace(asked, hearing_held_on=D(2025, 5, 8))).outcome == "pass"
    assert (
        check_hearing(dataclasses.replace(asked, hearing_held_on=D(2025, 5, 9))).outcome == "flag"
    )  # after deciding
    assert (
        check_discretion(dataclasses.replace(CLEAN, fine_amount=Decimal(5000))).outcome == "pass"
    )  # the edge
    over = dataclasses.replace(CLEAN, fine_amount=Decimal("5000.01"))
    assert check_discretion(over).outcome == "flag"
    assert check_discretion(dataclasses.replace(over, discretion_reason="情节严重")).outcome == "pass"
    late = DeadlineFact("service", "送达", D(2025, 5, 19), D(2025, 5, 20), "late", False)
    assert check_deadlines(dataclasses.replace(CLEAN, deadlines=(late,))).outcome == "flag"
    window = DeadlineFact("hearing_request", "听证", D(2025, 5, 1), None, "", True)  # the party's, not a duty
    assert check_deadlines(dataclasses.replace(CLEAN, deadlines=(window,))).outcome == "pass"
    # A proposed deduction never exceeds the item's maximum.
    many = dataclasses.replace(CLEAN, deadlines=(late, late, late))
    assert evaluate(many, [("S04", "substance", "deadlines", Decimal(10))])[0]["deduction"] == "10"
