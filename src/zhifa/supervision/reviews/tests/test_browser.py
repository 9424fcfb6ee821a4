"""The bureau draws a sample, a reviewer of another agency scores a file beside its dossier, the results
page ranks the agencies — in Chromium."""

import datetime as dt

import pytest
import time_machine

from zhifa.enforcement.cases.factories import build_case_kit
from zhifa.enforcement.cases.tests.conftest import SH
from zhifa.org.factories import PASSWORD
from zhifa.supervision.reviews.models import Campaign, SampledFile
from zhifa.supervision.reviews.tests.builders import clean_case, decided_not_served, make_campaign


def _login(browser, base: str, username: str, **kwargs):
    page = browser.new_context(**kwargs).new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bureau_draws_reviewer_scores_results_rank(browser, live_server, world) -> None:
    # The files are built as of mid-2025 (the builders' dates); the pages then run at today's date.
    with time_machine.travel(dt.datetime(2025, 6, 30, 10, 0, tzinfo=SH), tick=False):
        kit = build_case_kit(world)
        clean_case(kit)
        bad = decided_not_served(kit)
        campaign = make_campaign(kit, agency_ids=[world.agency_a.pk, world.agency_b.pk], sample_count=5)
    base = live_server.url

    boss = _login(browser, base, "supervisor")
    boss.goto(f"{base}/reviews/campaigns/{campaign.pk}/")
    with boss.expect_navigation():
        boss.get_by_role("button", name="抽取案卷").click()
    assert "复算结果一致" in boss.content()
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DRAWN and campaign.seed in boss.content()

    phone = {"viewport": {"width": 390, "height": 844}}
    reviewer = _login(browser, base, "officer_b", **phone)
    reviewer.goto(f"{base}/reviews/")
    files = SampledFile.objects.filter(campaign=campaign).order_by("position")
    for f in files:
        reviewer.goto(f"{base}/reviews/files/{f.pk}/")
        frame = reviewer.locator("iframe")
        assert frame.get_attribute("src") == f"/reviews/files/{f.pk}/dossier.pdf"
        if f.case_id == bad.pk:
            assert "处罚决定书未向当事人送达" in reviewer.content()
            reviewer.fill("input[name=ded_F02]", "0")
            with reviewer.expect_navigation():
                reviewer.get_by_role("button", name="保存评分").click()
            assert "请说明理由" in reviewer.content()  # refused in place
            reviewer.fill("input[name=note_F02]", "送达回证已补入卷")
            reviewer.fill("input[name=ded_F02]", "0")
        with reviewer.expect_navigation():
            reviewer.get_by_role("button", name="保存评分").click()
    assert SampledFile.objects.filter(campaign=campaign, state="scored").count() == files.count()
    # The dossier the iframe shows is the reviewer's to open.
    r = reviewer.request.get(f"{base}/reviews/files/{files[0].pk}/dossier.pdf")
    assert r.status == 200 and r.body()[:4] == b"%PDF"

    boss.goto(f"{base}/reviews/campaigns/{campaign.pk}/results/")
    headings = boss.locator(".agency-result h2").all_inner_texts()
    assert headings[0].startswith("1. 测试市城市管理局")
    assert headings[1] == "测试市市场监督管理局"  # no file closed in the period: listed unranked
    assert boss.locator("div.bars").count() == 1  # the shared bar chart (stats.charts)
