"""A supervisor opens a clue and issues a supervision notice; the agency's head responds with a file
on a phone; the supervisor verifies — in Chromium."""

import datetime as dt

import pytest
import time_machine

from zhifa.enforcement.cases.factories import build_case_kit
from zhifa.enforcement.cases.tests.conftest import SH
from zhifa.enforcement.evidence.factories import pdf_bytes
from zhifa.org.factories import PASSWORD
from zhifa.supervision.centre.models import ClueState
from zhifa.supervision.centre.tests.builders import case, clues


def _login(browser, base: str, username: str, **kwargs):
    page = browser.new_context(**kwargs).new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _step(page, event: str) -> None:
    page.locator(f"details:has(form[action$='/{event}/']) > summary").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_notice_agency_responds_supervisor_verifies(browser, live_server, world, tmp_path) -> None:
    with time_machine.travel(dt.datetime(2025, 6, 30, 10, 0, tzinfo=SH), tick=False):
        kit = build_case_kit(world)
        case(kit, discovered_on="2025-06-03")  # a lead left unfiled: the model raises a clue
    clue = clues("cases.lead_not_filed")[0]
    base = live_server.url

    boss = _login(browser, base, "supervisor")
    boss.goto(f"{base}/centre/")
    with boss.expect_navigation():
        boss.get_by_text(clue.title).click()
    assert "行政处罚法第五十四条第二款" in boss.content()
    _step(boss, "issue_notice")
    boss.fill(
        "form[action$='/issue_notice/'] textarea[name=requirements]",
        "请依法作出立案或不予立案决定，并报送整改情况。",
    )
    with boss.expect_navigation():
        boss.click("form[action$='/issue_notice/'] button[type=submit]")
    assert "执法监督通知书" in boss.content()
    clue.refresh_from_db()
    assert clue.state == ClueState.NOTIFIED
    pdf = boss.request.get(f"{base}/centre/notices/{clue.notices.get().pk}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    report = tmp_path / "整改报告.pdf"
    report.write_bytes(pdf_bytes("整改报告"))
    head = _login(browser, base, "approver_a", viewport={"width": 390, "height": 844})
    head.goto(f"{base}/centre/clues/{clue.pk}/")
    _step(head, "respond")
    head.fill("form[action$='/respond/'] textarea[name=response]", "已立案调查，整改报告附后。")
    head.set_input_files("form[action$='/respond/'] input[name=files]", str(report))
    with head.expect_navigation():
        head.click("form[action$='/respond/'] button[type=submit]")
    assert "整改报告.pdf" in head.content()
    clue.refresh_from_db()
    assert clue.state == ClueState.RESPONDED

    boss.goto(f"{base}/centre/clues/{clue.pk}/")
    _step(boss, "verify")
    boss.fill("form[action$='/verify/'] textarea[name=opinion]", "整改到位，予以销号。")
    with boss.expect_navigation():
        boss.click("form[action$='/verify/'] button[type=submit]")
    clue.refresh_from_db()
    assert clue.state == ClueState.VERIFIED
    assert clue.notices.get().materials.get().name == "整改报告.pdf"
