"""Staff pages and API: the queue (scoped, constant queries, SLA colours), detail with identity only for
the handling unit, actions through the services, statistics against hand counts."""

import datetime as dt

import pytest

from zhifa.public.complaints import selectors as sel
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import accepted, make_complaint, replied
from zhifa.public.complaints.models import Channel, Complaint, ComplaintFeedback, Rating, State

pytestmark = pytest.mark.django_db
D = dt.date


class TestQueue:
    def test_outsiders_and_anonymous_visitors_are_kept_out(self, client, world) -> None:
        assert client.get("/complaints/").status_code == 302  # to the login page
        client.force_login(world.outsider)
        assert client.get("/complaints/").status_code == 403

    def test_the_queue_shows_the_agencys_open_complaints_with_sla_colours(
        self, client, routing, world, frozen
    ) -> None:
        mine = make_complaint(routing.street_vending, routing.east)
        other = make_complaint(routing.food, routing.east)
        frozen.move_to("2025-06-16 09:00+08:00")
        client.force_login(world.officer_a)
        page = client.get("/complaints/").content.decode()
        assert mine.tracking_code in page and other.tracking_code not in page
        assert "status-due_soon" in page

    def test_a_squadron_officer_starts_with_the_squadrons_queue(self, client, routing, world, frozen) -> None:
        east = make_complaint(routing.street_vending, routing.east)  # squadron 1
        west = make_complaint(routing.street_vending, routing.west)  # agency queue
        client.force_login(world.officer_a)
        page = client.get("/complaints/").content.decode()
        assert east.tracking_code in page and west.tracking_code not in page
        page = client.get("/complaints/?unit=").content.decode()
        assert east.tracking_code in page and west.tracking_code in page

    def test_the_supervisor_sees_every_agency(self, client, routing, world, frozen) -> None:
        a = make_complaint(routing.street_vending, routing.east)
        b = make_complaint(routing.food)
        client.force_login(world.supervisor)
        page = client.get("/complaints/?state=all").content.decode()
        assert a.tracking_code in page and b.tracking_code in page

    def test_htmx_filtering_returns_the_table_only(self, client, routing, world, frozen) -> None:
        make_complaint(routing.street_vending, routing.east)
        client.force_login(world.officer_a)
        response = client.get("/complaints/?state=all", HTTP_HX_REQUEST="true")
        assert (
            response.status_code == 200 and b"<html" not in response.content and b"<table" in response.content
        )

    def test_the_queue_runs_a_constant_number_of_queries(
        self, client, routing, world, frozen, django_assert_max_num_queries
    ) -> None:
        client.force_login(world.supervisor)
        for _ in range(3):
            make_complaint(routing.street_vending, routing.east)
        with django_assert_max_num_queries(20) as few:
            client.get("/complaints/?state=all")
        for _ in range(25):
            make_complaint(routing.food, routing.west)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get("/complaints/?state=all")
        assert response.content.decode().count("/complaints/") >= 28

    def test_overdue_filter(self, client, routing, world, frozen) -> None:
        late = make_complaint(routing.street_vending, routing.east)
        frozen.move_to("2025-06-19 09:00+08:00")
        fresh = make_complaint(routing.street_vending, routing.east)
        client.force_login(world.officer_a)
        page = client.get("/complaints/?overdue=1").content.decode()
        assert late.tracking_code in page and fresh.tracking_code not in page


class TestDetailAndActions:
    def test_the_handling_unit_sees_the_identity_other_units_do_not(
        self, client, routing, world, frozen
    ) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        client.force_login(world.officer_a)
        assert "13800138000" in client.get(f"/complaints/{c.pk}/").content.decode()
        client.force_login(world.officer_a2)
        page = client.get(f"/complaints/{c.pk}/").content.decode()
        assert "13800138000" not in page and "欧阳娜娜" not in page and "仅承办单位可见" in page
        client.force_login(world.officer_b)
        assert client.get(f"/complaints/{c.pk}/").status_code == 404

    def test_accept_then_reply_from_the_page(self, client, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        client.force_login(world.officer_a)
        assert client.post(f"/complaints/{c.pk}/act/accept/", {"accept-note": "派员核查"}).status_code == 302
        response = client.post(f"/complaints/{c.pk}/act/reply/", {"reply-reply": "太短"})
        assert response.status_code == 400 and "答复意见至少需要10个字" in response.content.decode()
        response = client.post(
            f"/complaints/{c.pk}/act/reply/", {"reply-reply": "经核查，已责令摊主退回店内经营。"}
        )
        assert response.status_code == 302
        c.refresh_from_db()
        assert c.state == State.CONCLUDED

    def test_a_refused_rule_is_shown_with_its_article(self, client, routing, world, frozen) -> None:
        c = accepted(make_complaint(routing.street_vending, routing.east), world.officer_a)
        client.force_login(world.approver_a)
        response = client.post(
            f"/complaints/{c.pk}/act/extend/", {"extend-days": "31", "extend-reason": "需要时间"}
        )
        assert response.status_code == 400  # the form's own bound (≤ 30)
        svc.complaint_extend(complaint_id=c.pk, actor=world.approver_a, days=25, reason="联合核查。")
        response = client.post(
            f"/complaints/{c.pk}/act/extend/", {"extend-days": "10", "extend-reason": "仍需时间"}
        )
        assert response.status_code == 422 and "信访工作条例第三十四条" in response.content.decode()

    def test_an_unknown_action_is_404_and_an_officer_cannot_extend(
        self, client, routing, world, frozen
    ) -> None:
        c = accepted(make_complaint(routing.street_vending, routing.east), world.officer_a)
        client.force_login(world.officer_a)
        assert client.post(f"/complaints/{c.pk}/act/explode/", {}).status_code == 404
        response = client.post(
            f"/complaints/{c.pk}/act/extend/", {"extend-days": "5", "extend-reason": "需要时间"}
        )
        assert response.status_code == 403

    def test_hotline_intake_page_registers_and_shows_the_code(self, client, routing, world, frozen) -> None:
        client.force_login(world.officer_a)
        response = client.post(
            "/complaints/new/",
            {
                "channel": Channel.HOTLINE_12345,
                "external_ref": "12345-0001",
                "category": routing.street_vending.pk,
                "area": routing.east.pk,
                "location": "东区解放路1号",
                "title": "占道经营",
                "content": "来电反映解放路1号门口长期占道经营。",
                "complainant_name": "李雷",
                "complainant_phone": "0591-87654321",
            },
            follow=True,
        )
        c = Complaint.objects.get()
        assert c.channel == "12345" and c.created_by == world.officer_a
        assert c.tracking_code in response.content.decode()

    def test_attachments_are_served_to_staff_in_scope_only(
        self, client, routing, world, frozen, media
    ) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from zhifa.public.complaints.factories import complaint_input
        from zhifa.public.complaints.tests.test_intake import png_bytes

        c = svc.complaint_submit(
            data=complaint_input(routing.street_vending, routing.east),
            channel=Channel.WEB,
            files=[SimpleUploadedFile("现场.png", png_bytes())],
        )
        att = c.attachments.get()
        client.force_login(world.officer_a)
        response = client.get(f"/complaints/{c.pk}/attachments/{att.pk}/")
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        client.force_login(world.officer_b)
        assert client.get(f"/complaints/{c.pk}/attachments/{att.pk}/").status_code == 404


class TestStatistics:
    def build(self, routing, world, frozen):
        """Squadron 1 (east): 4 complaints. Agency A's own queue (west): 2. Agency B: 1.
        Hand counts are written next to each step."""
        e1 = make_complaint(routing.street_vending, routing.east)
        e2 = make_complaint(routing.street_vending, routing.east)
        e3 = make_complaint(routing.street_vending, routing.east)
        e4 = make_complaint(routing.street_vending, routing.east)
        w1 = make_complaint(routing.street_vending, routing.west)
        w2 = make_complaint(routing.street_vending, routing.west)
        b1 = make_complaint(routing.food)
        a = world.officer_a
        replied(e1, a)  # accepted in time, replied in time
        replied(e2, a)
        accepted(e3, a)
        frozen.move_to("2025-06-20 09:00+08:00")
        accepted(e4, a)  # late acceptance (due 18 June)
        replied(w1, a)  # late acceptance, then a reply in time
        svc.complaint_redirect(complaint_id=w2.pk, actor=a, competent_body="某局")  # late decision
        svc.complaint_reject(complaint_id=b1.pk, actor=world.officer_b, reason="已进入诉讼程序。")  # late
        frozen.move_to("2025-06-21 09:00+08:00")
        svc.complaint_feedback_public(tracking_code=e1.tracking_code, rating=Rating.SATISFIED)
        svc.complaint_feedback_public(
            tracking_code=e2.tracking_code, rating=Rating.DISSATISFIED
        )  # reopens e2
        svc.complaint_feedback(
            complaint_id=w1.pk,
            rating=Rating.BASICALLY_SATISFIED,
            source=ComplaintFeedback.Source.CALLBACK,
            actor=a,
        )
        frozen.move_to("2025-08-01 09:00+08:00")
        replied(e2, a)  # reopened 21 June, due 21 July: late
        svc.complaint_feedback_public(tracking_code=e2.tracking_code, rating=Rating.SATISFIED)

    def test_rates_per_unit_match_hand_counts(self, routing, world, frozen) -> None:
        self.build(routing, world, frozen)
        rows = {
            (r.agency_id, r.unit_id): r
            for r in sel.complaint_stats_for(
                user=world.supervisor, date_from=D(2025, 6, 1), date_to=D(2025, 8, 31)
            )
        }
        east = rows[(world.agency_a.pk, world.squad_a1.pk)]
        assert (east.received, east.open) == (4, 2)  # e3, e4 still being handled
        assert (east.decided, east.decided_in_time) == (4, 3)  # e4 late
        assert (east.replied, east.replied_in_time) == (3, 2)  # e1, e2 in time; e2's second reply late
        assert (east.rated, east.satisfied, east.basically_satisfied, east.dissatisfied) == (3, 2, 0, 1)
        assert str(east.acceptance_on_time_rate) == "75.0"
        assert str(east.on_time_rate) == "66.7"
        assert str(east.satisfaction_rate) == "66.7"  # (2 + 0) / 3
        west = rows[(world.agency_a.pk, None)]
        assert (west.received, west.decided, west.decided_in_time, west.replied, west.replied_in_time) == (
            2,
            2,
            0,
            1,
            1,
        )
        assert (west.rated, west.basically_satisfied) == (1, 1) and str(west.satisfaction_rate) == "100.0"
        b = rows[(world.agency_b.pk, world.unit_b.pk)]
        assert (b.received, b.decided, b.decided_in_time, b.rated) == (1, 1, 0, 0)
        assert b.satisfaction_rate is None  # no rating: no rate, not 0 %
        total = sel.stats_total(list(rows.values()))
        assert (total.received, total.replied, total.rated) == (7, 4, 4)
        assert str(total.satisfaction_rate) == "75.0"  # (2 + 1) / 4

    def test_an_officer_sees_only_their_agency(self, routing, world, frozen) -> None:
        self.build(routing, world, frozen)
        rows = sel.complaint_stats_for(user=world.officer_b, date_from=D(2025, 6, 1), date_to=D(2025, 8, 31))
        assert {r.agency_id for r in rows} == {world.agency_b.pk}

    def test_the_stats_page_renders_the_table(self, client, routing, world, frozen) -> None:
        self.build(routing, world, frozen)
        client.force_login(world.supervisor)
        page = client.get("/complaints/stats/?from=2025-06-01&to=2025-08-31").content.decode()
        assert "测试市城市管理局 · 一中队" in page and "66.7%" in page and "75.0%" in page
        assert client.get("/complaints/stats/?from=garbage").status_code == 200


class TestStaffApi:
    def test_list_detail_and_events_through_the_api(self, client, routing, world, frozen, api_token) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        headers = api_token(world.officer_a)
        listing = client.get("/api/v1/complaints", **headers).json()
        assert listing["count"] == 1 and listing["results"][0]["sla"] == "ok"
        detail = client.get(f"/api/v1/complaints/{c.pk}", **headers).json()
        assert detail["complainant"]["phone"] == "13800138000"
        response = client.post(
            f"/api/v1/complaints/{c.pk}/events",
            {"event": "accept"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 200 and response.json()["state"] == "accepted"
        bad = client.post(
            f"/api/v1/complaints/{c.pk}/events",
            {"event": "accept"},
            content_type="application/json",
            **headers,
        )
        assert bad.status_code == 409 and bad.json()["code"] == "conflict"
        unknown = client.post(
            f"/api/v1/complaints/{c.pk}/events", {"event": "nope"}, content_type="application/json", **headers
        )
        assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_event"

    def test_other_units_get_no_identity_and_other_agencies_a_404(
        self, client, routing, world, frozen, api_token
    ) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        assert (
            client.get(f"/api/v1/complaints/{c.pk}", **api_token(world.officer_a2)).json()["complainant"]
            is None
        )
        assert client.get(f"/api/v1/complaints/{c.pk}", **api_token(world.officer_b)).status_code == 404

    def test_staff_intake_returns_the_code_even_for_another_agencys_queue(
        self, client, routing, world, frozen, api_token
    ) -> None:
        response = client.post(
            "/api/v1/complaints",
            {
                "channel": "12345",
                "category_id": routing.food.pk,
                "location": "西区人民路8号",
                "title": "过期食品",
                "content": "超市出售过期酸奶，生产日期已超过保质期。",
                "complainant_name": "韩梅梅",
                "complainant_phone": "13912345678",
            },
            content_type="application/json",
            **api_token(world.officer_a),
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["visible_to_you"] is False and body["tracking_code"].startswith("TS20250603-")


def test_the_home_page_shows_my_queue_with_overdue_count(client, routing, world, frozen) -> None:
    make_complaint(routing.street_vending, routing.east)
    frozen.move_to("2025-06-19 09:00+08:00")
    make_complaint(routing.street_vending, routing.east)
    client.force_login(world.officer_a)
    page = client.get("/").content.decode()
    assert "我的投诉举报待办" in page and "1件超期" in page


def test_staff_search_finds_words_and_follows_a_referral(routing, world, frozen) -> None:
    c = make_complaint(routing.noise, routing.west, content="工地凌晨两点打桩，噪声巨大，严重影响休息。")
    found = sel.complaint_list_for(user=world.officer_a, filters=sel.QueueFilters(q="打桩"))
    assert list(found) == [c]
    svc.complaint_refer(
        complaint_id=c.pk, actor=world.officer_a, agency_id=world.agency_b.pk, reason="转市场监管。"
    )
    assert list(sel.complaint_list_for(user=world.officer_b, filters=sel.QueueFilters(q="打桩"))) == [c]
    assert list(sel.complaint_list_for(user=world.officer_a, filters=sel.QueueFilters(q="打桩"))) == []
    code = sel.complaint_list_for(user=world.officer_b, filters=sel.QueueFilters(q=c.tracking_code.lower()))
    assert list(code) == [c]


class TestIndicators:
    def test_each_complaint_indicator_against_the_hand_counts(self, routing, world, frozen) -> None:
        """The planted data of TestStatistics.build, summed over agency A (east squadron + own queue)
        and over agency B."""
        from decimal import Decimal

        from zhifa.core.indicators import DateSpan, indicator_value

        TestStatistics().build(routing, world, frozen)
        span = DateSpan(D(2025, 6, 1), D(2025, 8, 31))
        a, b = [world.agency_a.pk], [world.agency_b.pk]
        assert indicator_value("complaints.received", a, span).value == 6  # e1-e4, w1, w2
        assert indicator_value("complaints.received", b, span).value == 1
        accept = indicator_value("complaints.acceptance_on_time_rate", a, span)
        assert (accept.numerator, accept.denominator, accept.value) == (3, 6, Decimal("50.0"))
        reply = indicator_value("complaints.reply_on_time_rate", a, span)
        assert (reply.numerator, reply.denominator, reply.value) == (3, 4, Decimal("75.0"))
        satisfied = indicator_value("complaints.satisfaction_rate", a, span)
        assert (satisfied.numerator, satisfied.denominator, satisfied.value) == (3, 4, Decimal("75.0"))
        assert indicator_value("complaints.satisfaction_rate", b, span).value is None  # nobody rated
        assert indicator_value("complaints.received", a, DateSpan(D(2025, 9, 1), None)).value == 0
