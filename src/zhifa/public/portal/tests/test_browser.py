"""The portal in a real browser: finding a published decision by a keyword, and checking an officer's
credential from the portal's "during" page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhifa.public.portal import services as svc
from zhifa.public.portal.factories import publish_reviewed
from zhifa.public.portal.services import DecisionSnapshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_finds_a_published_decision_by_searching_a_keyword(browser, live_server, world) -> None:
    today = timezone.localdate()
    for n, (party, facts) in enumerate(
        [
            ("张三丰", "张三丰在解放路12号门前夜间露天烧烤，油烟扰民。"),
            ("李四", "李四在滨海大道占道经营水果摊。"),
        ],
        start=1,
    ):
        d = svc.publication_schedule(
            snapshot=DecisionSnapshot(
                case_id=n, agency=world.agency_a, decision_number=f"测城管罚决〔{today.year}〕{n}号",
                decided_on=today - dt.timedelta(days=2), party_kind="person", party_name=party,
                measures=["fine"], fine_amount=Decimal("800"), facts=facts, category="大气污染防治法",
            )
        )  # fmt: skip
        publish_reviewed(d)

    page = browser.new_page()
    page.goto(f"{live_server.url}/portal/")
    page.fill("main input[name=q]", "烧烤")
    page.click("main button:has-text('搜索')")
    page.wait_for_url("**/portal/decisions/?q=*")
    assert "共1件" in page.inner_text("#result-count")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1 and "张**" in rows.first.inner_text()
    page.click("text=测城管罚决")
    page.wait_for_selector("text=行政处罚决定书")
    main = page.inner_text("main")
    assert "张**在解放路12号门前夜间露天烧烤" in main and "罚款人民币800.00元" in main
    assert "张三丰" not in page.content()
    page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officers_credential_is_checked_from_the_portal(
    browser, live_server, world, settings, tmp_path
) -> None:
    from zhifa.officers.factories import make_credentialed_officer

    settings.MEDIA_ROOT = tmp_path
    officer = make_credentialed_officer(agency=world.agency_a, unit=world.squad_a1, name="陈立新")
    number = officer.credentials.get().number

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/portal/")
    page.click("nav >> text=事中公示")
    page.wait_for_url("**/portal/during/")
    page.fill("input[name=number]", number)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/officers/check/{number}/")
    assert page.inner_text("[data-testid=verdict]") == "有效"
    assert "陈立新" in page.inner_text("main") and "测试市城市管理局" in page.inner_text("main")

    # The same officer is listed, with the number, on the agency's page of the portal.
    page.goto(f"{live_server.url}/portal/agencies/{world.agency_a.pk}/")
    page.click(f"#officers >> text={number}")
    page.wait_for_url(f"**/officers/check/{number}/")
    assert page.inner_text("[data-testid=verdict]") == "有效"
    page.close()
