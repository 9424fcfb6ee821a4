"""On a phone (390 px): the case list reads as cards, a refused action shows its reason in place
(DEBUG on, where django-htmx's debug script used to replace the page), and a lead registered without
its party is filed by the approver, who names the party then."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhifa.enforcement.cases.factories import build_case_kit, organisation_id, register
from zhifa.enforcement.cases.models import Case, State
from zhifa.org.factories import PASSWORD

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _login(browser, base: str, username: str):
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_case_list_is_readable_on_a_phone(browser, live_server, world) -> None:
    kit = build_case_kit(world)
    for _ in range(6):
        register(kit)
    page = _login(browser, live_server.url, "approver_a")
    page.goto(f"{live_server.url}/cases/")
    # nothing wider than the screen, the header row hidden, each case a card of readable width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#results thead").is_hidden()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(6)
    box = rows.first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] < 260
    assert page.evaluate("getComputedStyle(document.querySelector('#results tbody tr')).display") == "grid"
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#results tbody td')).fontSize)")
    assert font >= 12
    # 案件 comes first in the navigation, after the home page
    labels = page.locator(".nav a").all_inner_texts()
    assert labels[1] == "案件"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_refused_action_shows_its_reason_in_place(browser, live_server, world, settings) -> None:
    settings.DEBUG = True  # where the page used to be replaced by a bare form; the fixture restores it
    kit = build_case_kit(world)
    case = register(kit)
    page = _login(browser, live_server.url, "approver_a")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    if page.locator("#step-file").get_attribute("open") is None:
        page.click("#step-file > summary")
    form = page.locator("#form-file")
    for box in form.locator("input[name=officer_ids]").all():
        box.uncheck()
    form.locator(f"input[name=officer_ids][value='{kit.officer_a.pk}']").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#form-file .errors")).to_contain_text("第四十二条")
    # still the whole styled page: the title bar, the navigation and the case around the form
    expect(page.locator(".topbar")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("线索")
    bar = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert bar == "rgb(15, 42, 95)"
    # a 400 (bad input), the status django-htmx's debug script took over: a reason of blanks only
    page.click("#step-decline > summary")
    page.locator("#form-decline textarea[name=reason]").fill("   ")
    page.locator("#form-decline button[type=submit]").click()
    expect(page.locator("#form-decline .errors")).to_contain_text("reason")
    expect(page.locator(".topbar")).to_be_visible()
    expect(page.locator("#form-file .errors")).to_contain_text("第四十二条")  # the rest of the page stayed
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_lead_without_a_known_party_is_registered_then_filed(browser, live_server, world) -> None:
    kit = build_case_kit(world)
    base = live_server.url
    today = timezone.localdate()
    officer = _login(browser, base, "officer_a")
    officer.goto(f"{base}/cases/new/")
    officer.fill("textarea[name=facts]", "群众反映建设路有人夜间挖掘人行道，现场未见施工人员。")
    officer.fill("input[name=occurred_on]", today.isoformat())
    officer.fill("input.option-search", "T-DL")
    with officer.expect_navigation():
        officer.click("button[type=submit].primary")
    case = Case.objects.get()
    assert case.party_name == "" and case.power_item_id == kit.item.pk
    expect(officer.locator(".next-step")).to_contain_text("立案")
    expect(officer.locator(".next-step")).to_contain_text("当事人尚未查明")

    approver = _login(browser, base, "approver_a")
    approver.goto(f"{base}/cases/{case.pk}/")
    if approver.locator("#step-file").get_attribute("open") is None:
        approver.click("#step-file > summary")
    form = approver.locator("#form-file")
    form.locator("select[name=party_kind]").select_option("organisation")
    form.locator("input[name=party_name]").fill("海州市夜行市政工程有限公司")
    form.locator("input[name=party_id_number]").fill(organisation_id(9))
    form.locator(f"input[name=officer_ids][value='{kit.officer_a.pk}']").check()
    form.locator(f"input[name=officer_ids][value='{kit.officer_a2.pk}']").check()
    with approver.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(approver.locator("h1")).to_contain_text("已立案调查")
    case.refresh_from_db()
    assert case.state == State.INVESTIGATING and case.party_name == "海州市夜行市政工程有限公司"
    expect(approver.locator(".history-lines").last).to_contain_text("海州市夜行市政工程有限公司")
