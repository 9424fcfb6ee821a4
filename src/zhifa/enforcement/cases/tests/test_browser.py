"""One ordinary case from registration to archive, through the pages, as the officer and the approver
do it in their browsers (htmx forms, inline refusals, the documents page for the inspection record)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhifa.enforcement.cases.factories import build_case_kit, organisation_id
from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.evidence.factories import pdf_bytes
from zhifa.enforcement.evidence.models import Evidence
from zhifa.org.factories import PASSWORD


def _login(browser, base: str, username: str, **kwargs):
    page = browser.new_context(**kwargs).new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _step(page, event: str, fill=None) -> None:
    """Open the event's form on the case page, fill it, submit it, wait for the page to come back."""
    details = page.locator(f"#step-{event}")
    if details.get_attribute("open") is None:  # a lone next step is shown open already
        details.locator("summary").click()
    form = page.locator(f"#form-{event}")
    if fill:
        fill(form)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_ordinary_case_from_registration_to_archive_through_the_pages(
    browser, live_server, world, tmp_path
) -> None:
    kit = build_case_kit(world)
    base = live_server.url
    today = timezone.localdate()
    officer = _login(browser, base, "officer_a")
    approver = _login(browser, base, "approver_a")

    # The officer registers the lead.
    officer.goto(f"{base}/cases/new/")
    officer.select_option("select[name=party_kind]", "organisation")
    officer.fill("input[name=party_name]", "海州市恒信建筑工程有限公司")
    officer.fill("input[name=party_id_number]", "91350100M000100Y44")  # one character wrong
    officer.fill("textarea[name=facts]", "未经批准挖掘建设路人行道约20平方米。")
    officer.fill("input[name=occurred_on]", (today - dt.timedelta(days=3)).isoformat())
    officer.select_option("select[name=power_item_id]", str(kit.item.pk))
    officer.click("button[type=submit].primary")
    expect(officer.locator(".field-error")).to_contain_text("统一社会信用代码")
    officer.fill("input[name=party_id_number]", organisation_id())
    with officer.expect_navigation():
        officer.click("button[type=submit].primary")
    case = Case.objects.get()
    expect(officer.locator("h1")).to_contain_text("线索登记")

    # The approver files it: first with one officer (refused inline, art. 42), then with two.
    approver.goto(f"{base}/cases/{case.pk}/")
    approver.click("#step-file > summary")
    form = approver.locator("#form-file")
    for box in form.locator("input[name=officer_ids]").all():
        box.uncheck()
    form.locator(f"input[name=officer_ids][value='{kit.officer_a.pk}']").check()
    form.locator("button[type=submit]").click()
    expect(approver.locator("#form-file .errors")).to_contain_text("第四十二条")
    assert Case.objects.get().state == State.REGISTERED

    def two_officers(f):
        f.locator(f"input[name=officer_ids][value='{kit.officer_a2.pk}']").check()

    with approver.expect_navigation():
        two_officers(approver.locator("#form-file"))
        approver.locator("#form-file button[type=submit]").click()
    expect(approver.locator("h1")).to_contain_text("测城管罚立〔")
    expect(approver.locator("h1")).to_contain_text("已立案调查")

    # The inspection record (现场检查笔录) the proposal rests on, written on the documents page.
    officer.goto(f"{base}/documents/case/{case.pk}/")
    officer.click("summary:has-text('现场检查（勘验）笔录')")
    officer.fill("details[open] textarea[name=findings]", "现场挖掘人行道约20平方米，未见挖掘许可。")
    with officer.expect_navigation():
        officer.click("details[open] button[type=submit]")

    # The officer proposes; the head approves the proposal (处罚决定审批表); the officer notifies.
    officer.goto(f"{base}/cases/{case.pk}/")

    def proposal(f):
        f.locator("select[name=tier]").select_option("轻微")
        f.locator("input[name=measures][value=fine]").check()
        f.locator("input[name=fine_amount]").fill("3000")
        f.locator("textarea[name=reasons]").fill("挖掘面积较小，已及时回填。")

    _step(officer, "submit_proposal", proposal)
    expect(officer.locator(".badge.ok")).to_contain_text("在裁量阶次内")
    approver.goto(f"{base}/cases/{case.pk}/")
    _step(approver, "approve_decision", lambda f: f.locator("textarea[name=opinion]").fill("同意。"))
    officer.goto(f"{base}/cases/{case.pk}/")
    _step(officer, "notify")
    expect(officer.locator("h1")).to_contain_text("已告知")

    # The party's signed waiver of the statement, scanned, uploaded to the file through the evidence
    # page (the case page's upload button, a real file input), then chosen in the waiver form.
    scan = tmp_path / "waiver-scan.pdf"
    scan.write_bytes(pdf_bytes("本人自愿放弃陈述、申辩的权利。当事人（签字）"))
    officer.goto(f"{base}/cases/{case.pk}/")
    with officer.expect_navigation():
        officer.click(f"a[href$='/evidence/upload/?case={case.pk}']")
    officer.set_input_files("input[type=file][name=file]", str(scan))
    officer.select_option("select[name=kind]", "document")
    officer.fill("textarea[name=description]", "当事人签字的放弃陈述申辩权利书")
    with officer.expect_navigation():
        officer.click("button[type=submit].primary")
    expect(officer.locator("body")).to_contain_text("SHA-256")
    stored = Evidence.objects.get(case=case, description="当事人签字的放弃陈述申辩权利书")
    assert stored.original_name == "waiver-scan.pdf" and stored.blob.size == scan.stat().st_size
    officer.goto(f"{base}/cases/{case.pk}/")

    def waive(f):
        f.locator("input[name=rights][value=statement]").check()
        choice = f.locator("select[name=document] option", has_text="放弃陈述申辩权利书")
        f.locator("select[name=document]").select_option(choice.get_attribute("value"))

    _step(officer, "waive_rights", waive)

    # The approver decides; the decision can be printed for the hand-over.
    approver.goto(f"{base}/cases/{case.pk}/")
    _step(approver, "decide", lambda f: f.locator("textarea[name=reasons]").fill("事实清楚，证据确凿。"))
    expect(approver.locator("h1")).to_contain_text("已决定")
    assert Case.objects.get().decision_number.startswith("测城管罚决〔")
    expect(approver.locator("#decision-print a.button")).to_contain_text("打印")

    # The officer serves it and records the payment, then writes the closing report.
    officer.goto(f"{base}/cases/{case.pk}/")
    _step(officer, "serve", lambda f: f.locator("select[name=method]").select_option("direct"))

    def payment(f):
        f.locator("select[name=channel]").select_option("bank")
        f.locator("input[name=receipt_no]").fill("FS-0001")

    _step(officer, "record_payment", payment)
    expect(officer.locator("h1")).to_contain_text("已执行")
    _step(
        officer,
        "report_closing",
        lambda f: f.locator("textarea[name=summary]").fill("罚款已缴清，建议结案。"),
    )

    # The approver approves closing (结案审批表) and archives the file.
    approver.goto(f"{base}/cases/{case.pk}/")
    _step(approver, "close", lambda f: f.locator("textarea[name=opinion]").fill("同意结案。"))
    _step(approver, "archive")
    expect(approver.locator("h1")).to_contain_text("已归档")
    expect(approver.locator(".timeline li")).to_have_count(Case.objects.get().event_count)
    assert Case.objects.get().state == State.ARCHIVED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_case_list_filters_on_every_field_but_asks_once_for_a_search(browser, live_server, world) -> None:
    """The search box asks as the officer types and not again when it loses focus (the repeated answer
    swapped the list under a click); a select, a date and a tick box each filter on change."""
    page = _login(browser, live_server.url, "officer_a")
    page.goto(f"{live_server.url}/cases/")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/cases/?" in r.url else None)
    page.fill("input[name=q]", "噪声")
    page.locator("input[name=q]").press("Space")  # the box's trigger is keyup
    page.wait_for_timeout(900)
    assert len(asked) == 1, asked
    page.locator("input[name=q]").blur()
    page.wait_for_timeout(900)
    assert len(asked) == 1, asked
    page.select_option("select[name=state]", "investigating")
    page.wait_for_timeout(600)
    assert len(asked) == 2 and "state=investigating" in asked[-1], asked
    page.fill("input[name=date_from]", "2025-01-01")
    page.wait_for_timeout(600)
    assert len(asked) == 3 and "date_from=2025-01-01" in asked[-1], asked
    page.check("input[name=overdue]")
    page.wait_for_timeout(600)
    assert len(asked) == 4 and "overdue=1" in asked[-1], asked
