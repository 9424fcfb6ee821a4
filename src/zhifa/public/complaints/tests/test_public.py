"""The public side: the web form, the progress page and the public API never show who complained;
bad input changes nothing; rate limits refuse floods with 429."""

import json

import pytest

from zhifa.public.complaints.factories import make_complaint, replied
from zhifa.public.complaints.models import Complaint, State

pytestmark = pytest.mark.django_db

IDENTITY = ("欧阳娜娜", "13800138000")


def form_data(routing, **overrides):
    data = {
        "category": routing.street_vending.pk,
        "area": routing.east.pk,
        "location": "测试市东区解放路12号",
        "title": "早餐摊占用人行道",
        "content": "每天早上早餐摊占用人行道，行人只能走机动车道，很危险。",
        "complainant_name": "欧阳娜娜",
        "complainant_phone": "13800138000",
        "website": "",
    }
    data.update(overrides)
    return data


class TestWebForm:
    def test_the_form_page_renders_without_login(self, client, routing) -> None:
        response = client.get("/portal/complaints/new/")
        assert response.status_code == 200
        assert "占道经营" in response.content.decode()

    def test_a_citizen_submits_and_lands_on_the_progress_page_with_the_code(
        self, client, routing, frozen
    ) -> None:
        response = client.post("/portal/complaints/new/", form_data(routing))
        assert response.status_code == 302
        complaint = Complaint.objects.get()
        assert response["Location"] == f"/portal/complaints/{complaint.tracking_code}/?new=1"
        page = client.get(response["Location"]).content.decode()
        assert complaint.tracking_code in page and "请记下查询码" in page
        for secret in IDENTITY:
            assert secret not in page

    def test_a_named_complaint_without_phone_is_refused_and_nothing_is_saved(
        self, client, routing, frozen
    ) -> None:
        response = client.post("/portal/complaints/new/", form_data(routing, complainant_phone=""))
        assert response.status_code == 400
        assert "请填写联系电话，或选择匿名提交" in response.content.decode()
        assert Complaint.objects.count() == 0

    def test_a_filled_honeypot_is_refused(self, client, routing, frozen) -> None:
        response = client.post("/portal/complaints/new/", form_data(routing, website="http://spam"))
        assert response.status_code == 400 and Complaint.objects.count() == 0

    def test_the_sixth_submission_in_ten_minutes_is_refused_with_429(self, client, routing, frozen) -> None:
        for _ in range(5):
            assert client.post("/portal/complaints/new/", form_data(routing)).status_code == 302
        response = client.post("/portal/complaints/new/", form_data(routing))
        assert response.status_code == 429
        assert "请求过于频繁" in response.content.decode()
        assert Complaint.objects.count() == 5

    def test_hostile_text_is_shown_escaped_to_staff(self, client, routing, world, frozen) -> None:
        client.post("/portal/complaints/new/", form_data(routing, title="<script>alert(1)</script>摊位"))
        c = Complaint.objects.get()
        client.force_login(world.officer_a)
        page = client.get(f"/complaints/{c.pk}/").content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


class TestProgress:
    def test_anonymous_complaint_progress_shows_status_and_replies_only(
        self, client, routing, world, frozen
    ) -> None:
        c = make_complaint(routing.street_vending, routing.east, anonymous=True)
        replied(c, world.officer_a, text="经核查，摊主已退回店内经营。")
        page = client.get(f"/portal/complaints/{c.tracking_code}/").content.decode()
        assert "已办结" in page and "摊主已退回店内经营" in page
        assert "早餐摊占用人行道" not in page  # not even the content, which may identify the writer
        assert "张三" not in page  # the officer's name (world.officer_a) is not shown either

    def test_named_complaint_progress_never_shows_the_identity(self, client, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east, complainant_id_number="11010519491231002X")
        page = client.get(f"/portal/complaints/{c.tracking_code}/").content.decode()
        for secret in (*IDENTITY, "11010519491231002X", "欧阳"):
            assert secret not in page

    def test_lookup_by_code_is_case_insensitive_and_unknown_codes_are_404(
        self, client, routing, frozen
    ) -> None:
        c = make_complaint(routing.street_vending)
        response = client.get("/portal/complaints/track/", {"code": c.tracking_code.lower()})
        assert response.status_code == 302 and response["Location"].endswith(f"/{c.tracking_code}/")
        response = client.get("/portal/complaints/track/", {"code": "TS20250603-AAAA-BBBB"})
        assert response.status_code == 404 and "没有与该查询码对应的投诉举报" in response.content.decode()

    def test_lookups_are_rate_limited(self, client, routing, frozen) -> None:
        for _ in range(30):
            client.get("/portal/complaints/TS20250603-AAAA-BBBB/")
        assert client.get("/portal/complaints/TS20250603-AAAA-BBBB/").status_code == 429

    def test_the_complainant_rates_the_reply_and_dissatisfaction_reopens(
        self, client, routing, world, frozen
    ) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        page = client.get(f"/portal/complaints/{c.tracking_code}/").content.decode()
        assert "评价答复" in page
        response = client.post(f"/portal/complaints/{c.tracking_code}/feedback/", {"rating": "dissatisfied"})
        assert response.status_code == 302
        c.refresh_from_db()
        assert c.state == State.REOPENED
        page = client.get(f"/portal/complaints/{c.tracking_code}/").content.decode()
        assert "本事项已重新办理" in page and "评价答复" not in page

    def test_a_bad_rating_is_a_400_with_the_form(self, client, routing, world, frozen) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        response = client.post(f"/portal/complaints/{c.tracking_code}/feedback/", {"rating": "great"})
        assert response.status_code == 400
        c.refresh_from_db()
        assert c.last_rating == ""


class TestPublicApi:
    def payload(self, routing, **overrides):
        data = {
            "category_id": routing.food.pk,
            "location": "测试市西区人民路8号",
            "title": "餐馆后厨卫生差",
            "content": "后厨老鼠出没，餐具不消毒，多次反映未改善。",
            "anonymous": True,
        }
        data.update(overrides)
        return data

    def test_post_then_follow_by_tracking_code(self, client, routing, frozen) -> None:
        response = client.post(
            "/api/v1/public/complaints", self.payload(routing), content_type="application/json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["state"] == "received" and body["agency"] == "测试市市场监督管理局"
        assert body["due_on"] == "2025-06-18"
        progress = client.get(f"/api/v1/public/complaints/{body['tracking_code']}")
        assert progress.status_code == 200
        assert [e["kind"] for e in progress.json()["events"]] == ["receive", "assign"]
        c = Complaint.objects.get()
        assert c.channel == "api"

    def test_the_progress_json_carries_no_identity(self, client, routing, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        text = client.get(f"/api/v1/public/complaints/{c.tracking_code}").content.decode()
        for secret in (*IDENTITY, "complainant", "content"):
            assert secret not in text

    def test_invalid_input_is_a_4xx_json_error_and_changes_nothing(self, client, routing, frozen) -> None:
        response = client.post(
            "/api/v1/public/complaints",
            self.payload(routing, anonymous=False),
            content_type="application/json",
        )
        assert response.status_code == 400
        assert (
            response.json()["code"] == "invalid_input"
            and response.json()["detail"]["field"] == "complainant_name"
        )
        response = client.post("/api/v1/public/complaints", "{not json", content_type="application/json")
        assert response.status_code == 400
        response = client.post(
            "/api/v1/public/complaints",
            self.payload(routing, category_id="x"),
            content_type="application/json",
        )
        assert response.status_code == 422
        assert Complaint.objects.count() == 0

    def test_unknown_code_is_a_json_404(self, client, frozen) -> None:
        response = client.get("/api/v1/public/complaints/TS20250603-AAAA-BBBB")
        assert response.status_code == 404 and response.json()["code"] == "not_found"

    def test_feedback_through_the_api(self, client, routing, world, frozen) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        url = f"/api/v1/public/complaints/{c.tracking_code}/feedback"
        response = client.post(url, json.dumps({"rating": "satisfied"}), content_type="application/json")
        assert response.status_code == 200 and response.json()["last_rating"] == "satisfied"
        again = client.post(url, json.dumps({"rating": "satisfied"}), content_type="application/json")
        assert again.status_code == 409 and again.json()["code"] == "already_rated"

    def test_api_intake_is_rate_limited(self, client, routing, frozen) -> None:
        for _ in range(5):
            client.post("/api/v1/public/complaints", self.payload(routing), content_type="application/json")
        response = client.post(
            "/api/v1/public/complaints", self.payload(routing), content_type="application/json"
        )
        assert response.status_code == 429 and response.json()["code"] == "too_many_requests"
        assert Complaint.objects.count() == 5
