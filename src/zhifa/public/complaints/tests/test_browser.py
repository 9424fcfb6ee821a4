"""A citizen files a complaint on the portal and follows it by tracking code, in a real browser."""

import pytest

from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import make_routing
from zhifa.public.complaints.models import Complaint


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_files_a_complaint_and_follows_it_by_tracking_code(browser, live_server, world) -> None:
    make_routing(world)  # 占道经营 in 东区 goes to squadron 1
    page = browser.new_page(viewport={"width": 390, "height": 844})  # on a phone
    page.goto(f"{live_server.url}/portal/")
    page.click("text=投诉举报 >> nth=0")
    page.wait_for_url("**/portal/complaints/new/")

    # A first try without a phone number is refused, and says why.
    page.select_option("select[name=category]", label="占道经营")
    page.select_option("select[name=area]", label="东区")
    page.fill("input[name=location]", "东区解放路12号")
    page.fill("input[name=title]", "早餐摊占用人行道")
    page.fill("textarea[name=content]", "每天早上早餐摊占用人行道，行人只能走机动车道。")
    page.fill("input[name=complainant_name]", "欧阳娜娜")
    page.click("button[type=submit]")
    assert "请填写联系电话，或选择匿名提交" in page.inner_text("main")
    assert Complaint.objects.count() == 0

    page.fill("input[name=complainant_phone]", "13800138000")
    page.click("button[type=submit]")
    page.wait_for_url("**/portal/complaints/TS*/?new=1")
    code = page.inner_text("#tracking-code").strip()
    complaint = Complaint.objects.get()
    assert code == complaint.tracking_code
    assert page.inner_text("#complaint-status") == "已登记"
    assert "欧阳娜娜" not in page.content() and "13800138000" not in page.content()

    # The squadron accepts and replies.
    svc.complaint_accept(complaint_id=complaint.pk, actor=world.officer_a)
    svc.complaint_reply(
        complaint_id=complaint.pk, actor=world.officer_a, reply="经核查，已责令摊主退回店内经营。"
    )

    # Days later, from another browser, with the code only.
    other = browser.new_page()
    other.goto(f"{live_server.url}/portal/complaints/track/")
    other.fill("input[name=code]", code.lower())
    other.click("button[type=submit]")
    other.wait_for_url(f"**/portal/complaints/{code}/")
    assert other.inner_text("#complaint-status") == "已办结"
    assert "已责令摊主退回店内经营" in other.inner_text("main")
    other.check("input[name=rating][value=satisfied]")
    other.click("text=提交评价")
    other.wait_for_url(f"**/portal/complaints/{code}/")
    assert "您的最近评价：满意" in other.inner_text("main")
    complaint.refresh_from_db()
    assert complaint.last_rating == "satisfied"
    other.close()
    page.close()
