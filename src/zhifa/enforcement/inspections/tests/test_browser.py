"""An inspector on a phone records a result and converts it into a case; the enterprise opens the
inspection code's URL and rates the inspection — in a real browser."""

import pytest

from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.factories import build_inspection_world, make_plan
from zhifa.enforcement.inspections.models import Rating, Task
from zhifa.org.factories import PASSWORD

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inspector_records_and_converts_then_the_enterprise_rates(browser, live_server, world) -> None:
    iw = build_inspection_world(world, targets=3)
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=1)
    services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    task = Task.objects.get(plan=plan)
    inspector = task.inspectors.order_by("position").first().officer.user  # type: ignore[union-attr]

    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", inspector.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/inspections/")
    page.click(f"[data-task='{task.pk}']")
    page.wait_for_url(f"**/inspections/tasks/{task.pk}/")
    page.click("#start")
    page.wait_for_url(f"**/inspections/tasks/{task.pk}/")
    assert page.inner_text("#task-state") == "现场检查中"

    # Without a signature or a noted refusal the result is refused, in place, the findings kept.
    page.select_option("#outcome", "problems_found")
    page.fill("#findings", "擅自设置大型户外广告牌")
    page.click("#record")
    assert "请填写企业签字人姓名" in page.inner_text("main")
    assert page.input_value("#findings") == "擅自设置大型户外广告牌"
    page.fill("#signed_by", "王经理")
    page.click("#record")
    page.wait_for_url(f"**/inspections/tasks/{task.pk}/")
    assert page.inner_text("#task-state") == "已录入结果"
    page.click("#convert")
    page.wait_for_url(f"**/inspections/tasks/{task.pk}/")
    case = Case.objects.get(source="inspection", source_ref=task.code)
    assert page.locator("#task-case").is_visible() and case.facts == "擅自设置大型户外广告牌"

    # The enterprise scans the code (opens its URL) on its own phone.
    other = browser.new_context(**PHONE).new_page()
    other.goto(f"{live_server.url}/portal/inspections/code/{task.code}/")
    main = other.inner_text("main")
    for member in task.inspectors.all():
        assert member.officer.name in main
    assert "证件有效" in main
    other.check("input[name=score][value=satisfied]")
    other.click("#rate")
    other.wait_for_url(f"**/portal/inspections/code/{task.code}/")
    assert other.locator("#rated").is_visible()
    assert Rating.objects.get(task=task).score == "satisfied"
