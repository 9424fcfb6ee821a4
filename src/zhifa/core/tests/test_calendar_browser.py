"""An administrator on a phone pastes next year's notice, checks the month grid and saves it."""

import os

import pytest

from zhifa.core.calendar import PACKAGE_LAST_YEAR
from zhifa.core.models import CalendarDay, CalendarYear
from zhifa.core.tests.notices import crafted_notice
from zhifa.org.factories import PASSWORD

NEXT = PACKAGE_LAST_YEAR + 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_admin_enters_next_year_on_a_phone(browser, live_server, world) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav >> text=节假日日历")
    page.wait_for_url(f"{live_server.url}/calendar/")
    assert "暂定" in page.inner_text(f"#year-{NEXT}") or "缺失" in page.inner_text(f"#year-{NEXT}")
    page.click("text=根据国务院办公厅通知录入年度安排")

    page.fill("textarea[name=notice_text]", crafted_notice(NEXT).replace("共7天", "共6天", 1))
    page.click("text=识别通知")
    assert "通知第5行无法识别" in page.inner_text(".errors")  # in place, the text kept for correcting
    page.fill("textarea[name=notice_text]", crafted_notice(NEXT))
    page.click("text=识别通知")
    page.wait_for_selector(".cal-month")
    assert page.locator(".cal-month").count() == 12
    # phone-friendly: the twelve months stack, nothing runs off the side of the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.locator("textarea[name=notice_text]").is_visible()  # carried to the save, not shown
    if os.environ.get("ZHIFA_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["ZHIFA_SCREENSHOTS"], "calendar-preview.png"), full_page=True
        )
    page.click(f"text=保存{NEXT}年日历")
    page.wait_for_url(f"{live_server.url}/calendar/")
    assert f"已录入{NEXT}年日历" in page.inner_text(".messages")
    assert "已录入（管理员）" in page.inner_text(f"#year-{NEXT}")
    assert (
        CalendarYear.objects.filter(year=NEXT).exists()
        and CalendarDay.objects.filter(date__year=NEXT).count() == 23
    )
    page.close()
