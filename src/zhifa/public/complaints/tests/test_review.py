"""复查 and 复核 go up a level (信访工作条例第三十五条、第三十六条): day 30 in time, day 31 late; the same
unit is not the statutory review; the answer runs 30 days on the shared deadline engine."""

import datetime as dt

import pytest

from zhifa.core.errors import Forbidden, InvalidInput, RuleViolation
from zhifa.foundation.deadlines import services as engine
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import make_complaint, replied
from zhifa.public.complaints.services.review import REVIEW_KIND

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
D = dt.date


def test_review_on_day_30_goes_to_the_level_above_and_day_31_is_late(routing, world, frozen) -> None:
    a = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
    b = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
    frozen.move_to("2025-07-04 10:00+08:00")
    with pytest.raises(RuleViolation) as exc:  # the reply's own agency is not the level above
        svc.complaint_review_request(
            complaint_id=a.pk,
            actor=world.approver_a,
            reviewing_node_id=world.agency_a.pk,
            answer_received_on=D(2025, 6, 3),
            requested_on=D(2025, 7, 3),
            request="对答复不满意，请求复查",
        )
    assert exc.value.code == "complaint_review_not_level_above"
    with pytest.raises(Forbidden):
        svc.complaint_review_request(
            complaint_id=a.pk,
            actor=world.officer_a,
            reviewing_node_id=world.city.pk,
            answer_received_on=D(2025, 6, 3),
            requested_on=D(2025, 7, 3),
            request="请求复查",
        )
    event = svc.complaint_review_request(
        complaint_id=a.pk,
        actor=world.supervisor,
        reviewing_node_id=world.city.pk,
        answer_received_on=D(2025, 6, 3),
        requested_on=D(2025, 7, 3),
        request="对答复不满意，请求复查",
    )
    assert event.data["level"] == "review" and event.due_on == D(2025, 8, 4)  # 2 Aug is a Saturday
    (row,) = engine.open_rows(engine.Subject("complaints.complaint", a.pk, world.city.pk), [REVIEW_KIND])
    assert row.due_on == D(2025, 8, 4)
    with pytest.raises(RuleViolation) as exc:
        svc.complaint_review_request(
            complaint_id=b.pk,
            actor=world.supervisor,
            reviewing_node_id=world.city.pk,
            answer_received_on=D(2025, 6, 3),
            requested_on=D(2025, 7, 4),
            request="请求复查",
        )
    assert exc.value.code == "complaint_review_late"


def test_answer_then_re_review_must_go_further_up(routing, world, frozen) -> None:
    c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
    svc.complaint_review_request(
        complaint_id=c.pk,
        actor=world.supervisor,
        reviewing_node_id=world.city.pk,
        answer_received_on=D(2025, 6, 3),
        request="请求复查",
    )
    with pytest.raises(InvalidInput):
        svc.complaint_review_request(
            complaint_id=c.pk,
            actor=world.supervisor,
            reviewing_node_id=world.city.pk,
            answer_received_on=D(2025, 6, 3),
            request="再次请求",
        )
    answer = svc.complaint_review_answer(
        complaint_id=c.pk, actor=world.supervisor, opinion="维持原处理意见", upheld=True
    )
    assert answer.in_time is True
    with pytest.raises(RuleViolation) as exc:  # 复核 is asked of the level above the 复查 body
        svc.complaint_review_request(
            complaint_id=c.pk,
            actor=world.supervisor,
            reviewing_node_id=world.city.pk,
            answer_received_on=D(2025, 6, 3),
            request="请求复核",
        )
    assert exc.value.code == "complaint_review_not_level_above"
