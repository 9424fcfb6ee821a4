"""复查 and 复核 (信访工作条例第三十五条、第三十六条) through the pages and the API, and satisfaction
feedback and re-opening as rows of the workflow table: staff of the body above record the request and
the opinion, the complainant asks online from the progress page, the refusals past 30 days name the
article, bad input is a 4xx that changes nothing, and the complainant's words lose their personal
data for whoever is not the handling unit."""

import datetime as dt

import pytest

from zhifa.audit.models import AuditEntry
from zhifa.core import workflow
from zhifa.core.errors import RuleViolation
from zhifa.foundation.alerts.models import Alert
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import make_complaint, replied
from zhifa.public.complaints.models import ComplaintEvent, ComplaintFeedback, Rating, State
from zhifa.public.complaints.services.workflow import COMPLAINTS

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
D = dt.date
REQUEST = "对答复不满意：摊位仍在。联系人欧阳娜娜，电话13800138000。"


def _request(c, world, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "complaint_id": c.pk,
        "actor": world.supervisor,
        "reviewing_node_id": world.city.pk,
        "answer_received_on": D(2025, 6, 3),
        "request": REQUEST,
    }
    data.update(overrides)
    return svc.complaint_review_request(**data)


class TestFeedbackOnTheEngine:
    def test_rating_and_reopening_are_engine_events_with_history_audit_and_listeners(
        self, routing, world, frozen
    ) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        seen: list[tuple[str, str]] = []

        def listener(complaint, row) -> None:  # type: ignore[no-untyped-def]
            seen.append((row.kind, complaint.state))

        COMPLAINTS.register_listener(listener)
        try:
            before = AuditEntry.objects.count()
            c = svc.complaint_feedback_public(tracking_code=c.tracking_code, rating=Rating.DISSATISFIED)
        finally:
            COMPLAINTS._listeners.remove(listener)
        assert seen == [("feedback", State.CONCLUDED), ("reopen", State.REOPENED)]
        rows = list(c.events.order_by("-id").values_list("kind", "from_state", "to_state", "actor")[:2])
        assert rows == [
            ("reopen", "concluded", "reopened", None),
            ("feedback", "concluded", "concluded", None),
        ]
        actions = list(AuditEntry.objects.filter(seq__gt=before).values_list("action", flat=True))
        assert actions == ["complaints.feedback", "complaints.reopen"]

    def test_the_platform_cannot_reopen_without_a_dissatisfied_rating(self, routing, world, frozen) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        with pytest.raises(RuleViolation) as exc:
            workflow.apply_event(COMPLAINTS, obj_id=c.pk, actor=None, event="reopen", data={})
        assert exc.value.code == "reopen_without_dissatisfaction"
        svc.complaint_feedback_public(tracking_code=c.tracking_code, rating=Rating.SATISFIED)
        with pytest.raises(RuleViolation):
            workflow.apply_event(COMPLAINTS, obj_id=c.pk, actor=None, event="reopen", data={})
        c.refresh_from_db()
        assert c.state == State.CONCLUDED and c.reopen_count == 0

    def test_the_public_cannot_apply_a_staff_step_nor_date_its_rating(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        from zhifa.core.errors import Forbidden

        with pytest.raises(Forbidden):
            workflow.apply_event(COMPLAINTS, obj_id=c.pk, actor=None, event="accept", data={})
        c = replied(c, world.officer_a)
        frozen.move_to("2025-06-10 10:00+08:00")
        workflow.apply_event(
            COMPLAINTS,
            obj_id=c.pk,
            actor=None,
            event="feedback",
            data={"rating": "satisfied", "on": "2025-06-04"},
        )
        assert ComplaintFeedback.objects.get(complaint=c).on == D(2025, 6, 10)


class TestReviewService:
    def test_a_pending_review_is_not_the_complaints_current_deadline_and_is_alerted_when_late(
        self, routing, world, frozen
    ) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        _request(c, world)
        c.refresh_from_db()
        assert c.due_on is None and c.state == State.CONCLUDED
        frozen.move_to("2025-07-04 09:00+08:00")  # due 3 July
        assert svc.raise_sla_alerts() == 1
        alert = Alert.objects.get(key=f"complaint:{c.pk}:review")
        assert alert.kind == "complaint_review" and alert.agency_id == world.city.pk
        answer = svc.complaint_review_answer(
            complaint_id=c.pk, actor=world.supervisor, opinion="维持原处理意见。", upheld=True
        )
        assert answer.in_time is False
        alert.refresh_from_db()
        assert alert.resolved_at is not None

    def test_after_re_review_nothing_more_is_accepted(self, routing, world, frozen) -> None:
        from zhifa.org.factories import make_user
        from zhifa.org.models import OrgNode
        from zhifa.org.roles import Role
        from zhifa.org.services import org_node_create

        province = org_node_create(actor=None, kind=OrgNode.Kind.GOVERNMENT, name="测试省人民政府")
        OrgNode.objects.filter(pk=world.city.pk).update(parent=province)
        for node in OrgNode.objects.filter(path__startswith=world.city.path):
            node.path = province.path + node.path[1:]
            node.save(update_fields=["path"])
        boss = make_user("province_sup", node=province, roles=[(Role.SUPERVISOR, province)])
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        _request(c, world)
        svc.complaint_review_answer(complaint_id=c.pk, actor=world.supervisor, opinion="维持。", upheld=True)
        event = _request(c, world, actor=boss, reviewing_node_id=province.pk)
        assert event.data["level"] == "re_review"
        svc.complaint_review_answer(complaint_id=c.pk, actor=boss, opinion="维持复查意见。", upheld=True)
        with pytest.raises(RuleViolation) as exc:
            svc.complaint_review_request_public(tracking_code=c.tracking_code, request="再次请求")
        assert exc.value.code == "complaint_review_final" and "第三十六条第三款" in str(exc.value.message)


class TestStaffPages:
    def test_the_body_above_records_the_request_sees_the_deadline_and_decides(
        self, client, routing, world, frozen
    ) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        client.force_login(world.supervisor)
        page = client.get(f"/complaints/{c.pk}/").content.decode()
        assert f'action="/complaints/{c.pk}/review/request/"' in page
        bad = client.post(f"/complaints/{c.pk}/review/request/", {"review-request": "请求复查"})
        assert bad.status_code == 400  # no date of receipt
        frozen.move_to("2025-07-04 10:00+08:00")
        client.force_login(world.supervisor)  # a month later: a new session
        late = client.post(
            f"/complaints/{c.pk}/review/request/",
            {
                "review-reviewing_node": world.city.pk,
                "review-answer_received_on": "2025-06-03",
                "review-request": "请求复查",
            },
        )
        assert late.status_code == 422 and "信访工作条例第三十五条" in late.content.decode()
        assert not ComplaintEvent.objects.filter(complaint=c, kind="review_req").exists()
        ok = client.post(
            f"/complaints/{c.pk}/review/request/",
            {
                "review-reviewing_node": world.city.pk,
                "review-answer_received_on": "2025-06-10",
                "review-request": REQUEST,
            },
        )
        assert ok.status_code == 302
        page = client.get(f"/complaints/{c.pk}/").content.decode()
        assert "2025-08-04" in page  # 30 days from 4 July: 3 August is a Sunday
        assert "13800138000" not in page and "欧阳娜娜" not in page  # the supervisor is not the handler
        listing = client.get("/complaints/reviews/").content.decode()
        assert c.tracking_code in listing
        bad = client.post(
            f"/complaints/{c.pk}/review/answer/", {"answer-opinion": "维持", "answer-upheld": "maybe"}
        )
        assert bad.status_code == 400
        done = client.post(
            f"/complaints/{c.pk}/review/answer/",
            {"answer-opinion": "维持原处理意见。", "answer-upheld": "yes"},
        )
        assert done.status_code == 302
        assert ComplaintEvent.objects.get(complaint=c, kind="review_ans").data["upheld"] is True
        assert c.tracking_code not in client.get("/complaints/reviews/").content.decode()

    def test_the_handling_unit_reads_the_request_whole_and_cannot_record_one(
        self, client, routing, world, frozen
    ) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        _request(c, world)
        client.force_login(world.officer_a)
        page = client.get(f"/complaints/{c.pk}/").content.decode()
        assert "13800138000" in page
        assert client.post(f"/complaints/{c.pk}/review/answer/", {}).status_code == 403
        assert client.get("/complaints/reviews/").status_code == 403

    def test_the_agency_itself_is_not_offered_the_form_and_is_refused_naming_the_article(
        self, client, routing, world, frozen
    ) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        client.force_login(world.approver_a)  # the agency's head: a reviewer role, but not the level above
        assert "/review/request/" not in client.get(f"/complaints/{c.pk}/").content.decode()
        response = client.post(
            f"/complaints/{c.pk}/review/request/",
            {
                "review-reviewing_node": world.agency_a.pk,
                "review-answer_received_on": "2025-06-03",
                "review-request": "请求复查",
            },
        )
        page = response.content.decode()
        assert response.status_code == 422 and "信访工作条例第三十五条" in page and "review-request" in page
        assert not ComplaintEvent.objects.filter(complaint=c, kind="review_req").exists()


class TestPortal:
    def test_the_complainant_asks_online_and_late_is_refused_naming_the_article(
        self, client, routing, world, frozen
    ) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        page = client.get(f"/portal/complaints/{c.tracking_code}/").content.decode()
        assert f"/portal/complaints/{c.tracking_code}/review/" in page and "2025-07-03" in page
        assert (
            client.post(f"/portal/complaints/{c.tracking_code}/review/", {"request": ""}).status_code == 400
        )
        frozen.move_to("2025-07-04 10:00+08:00")
        late = client.post(f"/portal/complaints/{c.tracking_code}/review/", {"request": "请求复查"})
        assert late.status_code == 422 and "信访工作条例第三十五条" in late.content.decode()
        frozen.move_to("2025-07-03 10:00+08:00")
        ok = client.post(f"/portal/complaints/{c.tracking_code}/review/", {"request": "请求复查，摊位仍在。"})
        assert ok.status_code == 302
        event = ComplaintEvent.objects.get(complaint=c, kind="review_req")
        assert (
            event.actor is None and event.data["node_id"] == world.city.pk and event.due_on == D(2025, 8, 4)
        )
        page = client.get(f"/portal/complaints/{c.tracking_code}/").content.decode()
        assert "2025-08-04" in page and "请求复查，摊位仍在" not in page  # the request text stays with staff
        again = client.post(f"/portal/complaints/{c.tracking_code}/review/", {"request": "再次请求复查"})
        assert again.status_code == 400

    def test_an_unknown_code_is_404(self, client, routing, frozen) -> None:
        response = client.post("/portal/complaints/TS20250603-AAAA-BBBB/review/", {"request": "请求复查"})
        assert response.status_code == 404


class TestApi:
    def test_staff_request_answer_and_masking(self, client, routing, world, frozen, api_token) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        sup = api_token(world.supervisor)
        url = f"/api/v1/complaints/{c.pk}/reviews"
        body = {"reviewing_node_id": world.city.pk, "answer_received_on": "2025-06-03", "request": REQUEST}
        for bad, status in (
            ({**body, "answer_received_on": "2025-13-40"}, 422),
            ({**body, "reviewing_node_id": "x"}, 422),
            ({**body, "propsed_on": "2025-06-03"}, 400),
            ({**body, "request": ""}, 400),
            ({**body, "reviewing_node_id": 999999}, 404),
            ({**body, "requested_on": "2025-06-04"}, 400),  # in the future
        ):
            response = client.post(url, bad, content_type="application/json", **sup)
            assert response.status_code == status, (bad, response.content)
        assert not ComplaintEvent.objects.filter(complaint=c, kind="review_req").exists()
        officer = client.post(url, body, content_type="application/json", **api_token(world.officer_a))
        assert officer.status_code == 403
        created = client.post(url, body, content_type="application/json", **sup)
        assert created.status_code == 201
        data = created.json()
        assert data["pending"] and data["rounds"][0]["due_on"] == "2025-07-03" and data["can_answer"]
        assert (
            "13800138000" not in data["rounds"][0]["request"]
            and "欧阳娜娜" not in data["rounds"][0]["request"]
        )
        handler = client.get(url, **api_token(world.officer_a)).json()
        assert "13800138000" in handler["rounds"][0]["request"] and not handler["can_answer"]
        detail = client.get(f"/api/v1/complaints/{c.pk}", **sup).json()
        assert detail["complainant"] is None
        assert all("13800138000" not in e["internal_note"] for e in detail["events"])
        queue = client.get("/api/v1/complaint-reviews", **sup).json()
        assert [r["complaint_id"] for r in queue] == [c.pk]
        answer_url = f"{url}/answer"
        assert (
            client.post(answer_url, {"opinion": "维持"}, content_type="application/json", **sup).status_code
            == 422
        )
        answered = client.post(
            answer_url,
            {"opinion": "维持原处理意见。", "upheld": False},
            content_type="application/json",
            **sup,
        )
        assert answered.status_code == 200 and answered.json()["rounds"][0]["upheld"] is False
        again = client.post(
            answer_url,
            {"opinion": "维持原处理意见。", "upheld": True},
            content_type="application/json",
            **sup,
        )
        assert again.status_code == 400 and again.json()["code"] == "no_review_pending"

    def test_late_request_names_the_article(self, client, routing, world, frozen, api_token) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        frozen.move_to("2025-07-04 10:00+08:00")
        response = client.post(
            f"/api/v1/complaints/{c.pk}/reviews",
            {"reviewing_node_id": world.city.pk, "answer_received_on": "2025-06-03", "request": "请求复查"},
            content_type="application/json",
            **api_token(world.supervisor),
        )
        assert response.status_code == 422
        assert response.json()["code"] == "complaint_review_late"
        assert response.json()["detail"]["article"] == "信访工作条例第三十五条"

    def test_public_request_and_progress(self, client, routing, world, frozen) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        url = f"/api/v1/public/complaints/{c.tracking_code}"
        progress = client.get(url).json()
        assert progress["review"]["can_request"] and progress["review"]["request_until"] == "2025-07-03"
        assert client.post(f"{url}/review", {}, content_type="application/json").status_code == 422
        assert (
            client.post(
                f"{url}/review", {"request": "x", "extra": 1}, content_type="application/json"
            ).status_code
            == 400
        )
        assert (
            client.post(
                "/api/v1/public/complaints/TS20250603-AAAA-BBBB/review",
                {"request": "请求复查"},
                content_type="application/json",
            ).status_code
            == 404
        )
        created = client.post(
            f"{url}/review", {"request": "请求复查，摊位仍在。"}, content_type="application/json"
        )
        assert created.status_code == 201
        review = created.json()["review"]
        assert review["rounds"][0]["due_on"] == "2025-07-03" and not review["can_request"]
        assert "请求复查，摊位仍在" not in created.content.decode()
        late = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        frozen.move_to("2025-07-04 10:00+08:00")
        refused = client.post(
            f"/api/v1/public/complaints/{late.tracking_code}/review",
            {"request": "请求复查"},
            content_type="application/json",
        )
        assert refused.status_code == 422 and refused.json()["detail"]["article"] == "信访工作条例第三十五条"


class TestReviewQueue:
    def test_the_queue_reads_in_the_same_queries_however_many_requests_wait(
        self, routing, world, frozen
    ) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from zhifa.public.complaints.selectors import reviews_pending_for

        def pending_queries() -> tuple[list[int], int]:
            with CaptureQueriesContext(connection) as ctx:
                ids = [c.pk for c, _round in reviews_pending_for(user=world.supervisor)]
            return ids, len(ctx.captured_queries)

        first = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        _request(first, world)
        ids, one = pending_queries()
        assert ids == [first.pk]
        more = [
            replied(make_complaint(routing.street_vending, routing.east), world.officer_a) for _ in range(3)
        ]
        for c in more:
            _request(c, world)
        svc.complaint_review_answer(
            complaint_id=more[0].pk, actor=world.supervisor, opinion="维持原处理意见。", upheld=True
        )
        ids, four = pending_queries()
        assert sorted(ids) == sorted([first.pk, more[1].pk, more[2].pk])  # the answered one has left
        assert four == one
