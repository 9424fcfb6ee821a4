"""The public credential check in a real browser, on the demo data."""

import pytest
from playwright.sync_api import expect

from zhifa.officers.demo import seed_officers
from zhifa.officers.models import Credential
from zhifa.org.demo import seed_org


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_checks_a_demo_credential_on_a_phone(browser, live_server, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    ctx: dict = {}
    seed_org(ctx)
    seed_officers(ctx)
    number = Credential.objects.get(officer__user__username="officer1").number
    revoked = Credential.objects.get(status="revoked").number

    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone, as on the street
    page.goto(f"{live_server.url}/officers/check/")
    page.fill("input[name=number]", number.lower())
    page.click("button[type=submit]")
    page.wait_for_url(f"**/officers/check/{number}/")
    assert page.inner_text("[data-testid=verdict]") == "有效"
    assert "陈立新" in page.inner_text("main")
    assert "海州市城市管理局" in page.inner_text("main")
    assert page.locator("img.officer-photo").evaluate("img => img.naturalWidth") > 0

    page.goto(f"{live_server.url}/officers/check/{revoked}/")
    verdict = page.inner_text("[data-testid=verdict]")
    assert verdict.startswith("无效")
    assert "调离" not in page.inner_text("main")  # the revocation reason is not public
    page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_suspends_a_credential_in_place_and_prints_the_card(
    browser, live_server, settings, tmp_path
) -> None:
    from django.conf import settings as django_settings

    settings.MEDIA_ROOT = tmp_path
    ctx: dict = {}
    seed_org(ctx)
    seed_officers(ctx)
    officer = ctx["officers"]["cg_he"]
    credential = officer.credentials.get()

    page = browser.new_page()
    page.goto(f"{live_server.url}/login/?next=/officers/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", django_settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/officers/")
    page.click(f"text={officer.name}")
    block = page.locator(f"#credential-{credential.pk}")
    assert block.locator("[data-testid=credential-status]").inner_text() == "有效"
    block.locator("summary", has_text="证件操作").click()
    block.locator("input[name=reason]").first.fill("停职接受调查")
    block.get_by_role("button", name="暂停使用").click()
    expect(page.locator(f"#credential-{credential.pk} [data-testid=credential-status]")).to_have_text(
        "已暂停"
    )
    credential.refresh_from_db()
    assert credential.status == "suspended"

    page.goto(f"{live_server.url}/officers/{officer.pk}/card/")
    assert page.locator(".officer-qr svg").count() == 1
    page.close()
