"""In Chromium: an agency submits its self-check with a file; an assessor of another unit scores it;
the ranking page shows the order."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from zhifa.org.factories import PASSWORD
from zhifa.supervision.assessment import services
from zhifa.supervision.assessment.demo_data import DEMO_PDF
from zhifa.supervision.assessment.models import Material, Participant
from zhifa.supervision.assessment.tests.builders import make_round, score_all, self_check, small_set


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
def test_self_check_with_a_file_then_scores_then_the_ranking(
    browser, live_server, world, people, tmp_path: Path
) -> None:
    # Dates relative to whatever today is: due in a month, figures frozen as of today.
    today = timezone.localdate()
    rnd = make_round(
        world,
        people,
        ind_set=small_set(year=today.year),
        year=today.year,
        due=today + dt.timedelta(days=30),
        cutoff=today,
    )
    services.round_apply_event(round_id=rnd.pk, actor=world.users["supervisor"], event="open", data={})
    self_check(rnd, world.agency_b, people.approver_b, scores=("4", "2"))
    base = live_server.url
    pdf = tmp_path / "决策程序台账.pdf"
    pdf.write_bytes(DEMO_PDF)

    agency = _login(browser, base, "approver_a", viewport={"width": 390, "height": 844})
    agency.goto(f"{base}/assessment/")
    with agency.expect_navigation():
        agency.get_by_role("link", name=rnd.name).first.click()
    agency.locator("#leaf-1\\.1 input[type=file]").set_input_files(str(pdf))
    with agency.expect_navigation():
        agency.locator("#leaf-1\\.1").get_by_role("button", name="上传").click()
    assert "决策程序台账.pdf" in agency.content()
    agency.fill("input[name='score_1.1']", "4")
    agency.fill("textarea[name='explanation_1.1']", "本年度重大行政决策均履行法定程序")
    agency.fill("input[name='score_1.2']", "2")
    agency.fill("textarea[name='explanation_1.2']", "已聘请法律顾问")
    with agency.expect_navigation():
        agency.get_by_role("button", name="提交自查报告").click()
    p = Participant.objects.get(round=rnd, agency=world.agency_a)
    assert p.state == "submitted" and Material.objects.filter(leaf__participant=p).count() == 1
    assert not p.late

    boss = _login(browser, base, "supervisor")
    boss.goto(f"{base}/assessment/rounds/{rnd.pk}/")
    with boss.expect_navigation():
        boss.get_by_role("button", name="冻结数据并开始评分").click()

    assessor = _login(browser, base, "assessor_j")
    assessor.goto(f"{base}/assessment/worklist/")
    with assessor.expect_navigation():
        assessor.get_by_role("link", name="测试市城市管理局").click()
    assert "决策程序台账.pdf" in assessor.content()
    assessor.fill("input[name='score_1.1']", "3")
    assessor.fill("input[name='note_1.1']", "一项决策缺少风险评估")
    assessor.fill("input[name='score_1.2']", "2")
    assessor.fill("input[name='score_2.2']", "1")
    with assessor.expect_navigation():
        assessor.get_by_role("button", name="保存评分").click()
    assert (
        "说明理由" in assessor.content()
    )  # 2.2 (a computed leaf) adjusted without a reason: refused in place
    assessor.fill("input[name='reason_2.2']", "指标未登记，按台账核定")
    with assessor.expect_navigation():
        assessor.get_by_role("button", name="保存评分").click()
    assert assessor.locator("#leaf-1\\.1.differs").count() == 1
    score_all(rnd, world.agency_b, people.assessor, judged=("4", "2"))

    boss.goto(f"{base}/assessment/rounds/{rnd.pk}/ranking/")
    headings = boss.locator(".agency-rank h2").all_inner_texts()
    assert headings[0] == "1. 测试市市场监督管理局" and headings[1] == "2. 测试市城市管理局"
    assert boss.locator("div.bars").count() == 2  # the shared bar charts (stats.charts)
