"""A person signs in with Chromium and sees the shell in Chinese."""

import pytest

from zhifa.org.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_signs_in_and_sees_the_home_page(browser, live_server, world) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("input[name=username]", "officer_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "欢迎" in page.inner_text("h1")
    assert "测试市城市管理局" in page.content()
    assert page.evaluate("typeof htmx") == "object"  # served locally
    # the stylesheet is served and applied (dark title bar)
    bar = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert bar == "rgb(15, 42, 95)"
    page.close()
