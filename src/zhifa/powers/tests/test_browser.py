"""The power list in a real browser, on the demo data."""

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from zhifa.org.demo import seed_org
from zhifa.powers.demo import seed_powers
from zhifa.powers.models import PowerItem


def sign_in(page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", django_settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_url}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_finds_a_power_by_words_and_checks_a_fine_on_a_phone(browser, live_server) -> None:
    ctx: dict = {}
    seed_org(ctx)
    seed_powers(ctx)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, live_server.url, "officer1", "/powers/")
    # the demo's power list (this city's items only, other cities' examples are not loaded)
    total = PowerItem.objects.filter(status=PowerItem.Status.ACTIVE).count()
    assert total > 50
    assert f"共 {total} 项职权事项" in page.inner_text("#results")
    page.fill("#id_q", "露天烧烤")  # htmx filters as the officer types
    expect(page.locator("#results")).to_contain_text("共 1 项职权事项")
    page.click("text=CF-DQ-006")
    page.wait_for_url("**/powers/*/")
    main = page.inner_text("main")
    assert "大气污染防治法》第一百一十八条第三款" in main
    assert "没收烧烤工具和违法所得，并处五百元以上二万元以下的罚款" in main  # the article, inline
    page.select_option("select[name=party_kind]", "person")
    page.fill("input[name=amount]", "20000.01")
    page.click("#discretion button[type=submit]")
    page.wait_for_selector("[data-testid=classification]")
    assert "超过法定最高额" in page.inner_text("[data-testid=classification]")
    assert page.inner_text("[data-testid=permitted]").startswith("500 – 20,000")
    page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_publishes_a_new_version_while_the_old_one_stays_live_until_then(browser, live_server) -> None:
    ctx: dict = {}
    seed_org(ctx)
    seed_powers(ctx)
    item = PowerItem.objects.get(code="CF-DL-001")
    old_name = item.published_version.name
    admin = browser.new_page()
    sign_in(admin, live_server.url, "admin", f"/powers/{item.id}/")
    admin.click("text=修订（新建版本）")
    admin.fill("input[name=name]", "擅自占用或者挖掘城市道路（修订）")
    admin.fill("input[name=change_note]", "依据地方规定调整名称")
    admin.click("button[name=save]")
    admin.wait_for_url(f"**/powers/{item.id}/")
    assert "第 2 版草稿正在编辑" in admin.inner_text("#manage")

    officer = browser.new_page()
    sign_in(officer, live_server.url, "officer1", f"/powers/{item.id}/")
    assert officer.inner_text("h1") == old_name  # the draft is not live

    admin.click("text=发布草稿")
    admin.wait_for_url(f"**/powers/{item.id}/")
    assert admin.inner_text("h1") == "擅自占用或者挖掘城市道路（修订）"
    officer.reload()
    assert officer.inner_text("h1") == "擅自占用或者挖掘城市道路（修订）"
    officer.click("a[href$='/versions/1/']")
    assert officer.inner_text("h1") == old_name and "已被替代" in officer.inner_text("main")
    admin.close()
    officer.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_search_box_does_not_ask_again_when_it_loses_focus(browser, live_server) -> None:
    """Typing filters the list once; leaving the box (as an officer does by clicking a result) sends no
    second, identical request — it swapped the list under the pointer and the click was lost. The
    selects still filter on change."""
    ctx: dict = {}
    seed_org(ctx)
    seed_powers(ctx)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, live_server.url, "officer1", "/powers/")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/powers/?" in r.url else None)
    page.fill("#id_q", "露天烧烤")
    expect(page.locator("#results")).to_contain_text("共 1 项职权事项")
    assert len(asked) == 1
    page.locator("#id_q").blur()
    page.wait_for_timeout(800)  # longer than the box's 400 ms delay
    assert len(asked) == 1, asked
    page.fill("#id_q", "")
    expect(page.locator("#results")).not_to_contain_text("共 1 项职权事项")
    page.select_option("select[name=category]", index=1)
    page.wait_for_timeout(800)
    assert any("category=" in url and "category=&" not in url for url in asked), asked
    page.close()
