"""A party files a one-click reconsideration on a phone and follows it; the justice bureau accepts and
decides it (an inline refusal first); the case page shows the result — in a real browser."""

import datetime as dt

import pytest
from django.utils import timezone

from zhifa.enforcement.cases.factories import advance, build_case_kit, register
from zhifa.enforcement.cases.models import State as CaseState
from zhifa.org.factories import PASSWORD
from zhifa.supervision.appeals import services
from zhifa.supervision.appeals.models import Appeal


def _login(browser, base: str, username: str, **kwargs):
    page = browser.new_context(**kwargs).new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def _step(page, event: str, fill=None, navigate: bool = True) -> None:
    details = page.locator(f"#step-{event}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form = page.locator(f"#form-{event}")
    if fill:
        fill(form)
    if navigate:
        with page.expect_navigation():
            form.locator("button.primary").click()
    else:
        form.locator("button.primary").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_one_click_reconsideration_from_a_phone_to_the_decision(browser, live_server, world) -> None:
    kit = build_case_kit(world)
    today = timezone.localdate()
    case = register(
        kit,
        discovered_on=(today - dt.timedelta(days=12)).isoformat(),
        occurred_on=(today - dt.timedelta(days=14)).isoformat(),
    )
    case = advance(kit, case, CaseState.SERVED, start=today - dt.timedelta(days=10))
    base = live_server.url

    # The party, on a phone: a wrong ID number reveals nothing; the right one files the application.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    phone.goto(f"{base}/appeals/apply/")
    phone.fill("input[name=decision_number]", case.decision_number)
    phone.fill("input[name=id_number]", "91110000000000000X")
    phone.click("button[type=submit]")
    assert "没有与该决定书文号和证件号码相符的处罚决定" in phone.inner_text("main")
    assert case.party_name not in phone.content()
    phone.fill("input[name=id_number]", case.party_id_number)
    phone.click("button[type=submit]")
    # The party sees its own decision before filing, then files with a photo attached.
    assert case.decision_number in phone.inner_text("#decision-preview")
    phone.fill("textarea[name=claims]", "请求撤销该行政处罚决定")
    phone.fill("textarea[name=reasons]", "挖掘系抢修燃气管道，已事先报告。")
    phone.set_input_files(
        "input[name=attachments]",
        files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": _png()}],
    )
    phone.click("button[type=submit]")
    phone.wait_for_url("**/appeals/track/FY*/")
    code = phone.inner_text("#tracking-code").strip()
    appeal = Appeal.objects.get()
    assert code == appeal.tracking_code and appeal.case_id == case.pk
    assert appeal.files.get().original_name == "现场照片.png"
    assert phone.inner_text("#appeal-state") == "已收到，受理审查中"
    assert case.party_name not in phone.content() and case.party_id_number not in phone.content()

    # The justice bureau: a refusal without the competent organ is refused in place; then it accepts.
    bureau = _login(browser, base, "supervisor")
    bureau.goto(f"{base}/appeals/")
    bureau.click(f"a[href='/appeals/{appeal.pk}/']")
    assert case.decision_number in bureau.inner_text("#appeal-case")

    def refusal(form):
        form.locator("select[name=ground]").select_option("not_competent")
        form.locator("textarea[name=reason]").fill("不属于本机关管辖")

    _step(bureau, "refuse", refusal, navigate=False)
    bureau.wait_for_selector("#form-refuse .errors")
    assert "第三十条第二款" in bureau.inner_text("#form-refuse .errors")
    assert Appeal.objects.get().state == "received"
    _step(bureau, "accept")
    _step(bureau, "send_copy")

    # The respondent agency answers (its own page lists what it owes).
    services.appeal_apply_event(
        appeal_id=appeal.pk, actor=world.reviewer_a, event="answer", data={"summary": "情况属实，但未报告。"}
    )

    bureau.reload()

    def decision(form):
        form.locator("select[name=outcome]").select_option("revoked")
        form.locator("textarea[name=reasons]").fill("被申请人认定事实不清，撤销原处罚决定。")

    # The bureau previews the decision as a draft (a new tab, nothing changed), then issues it.
    bureau.locator("#step-decide summary").click()
    decision(bureau.locator("#form-decide"))
    with bureau.context.expect_page() as tab:
        bureau.locator("#form-decide button[formaction]").click()
    tab.value.close()
    assert Appeal.objects.get().state == "reviewing"
    _step(bureau, "decide", decision)
    assert Appeal.objects.get().state == "decided"
    assert "撤销" in bureau.inner_text("main")

    # The party follows it with the code; the case page shows the appeal.
    phone.goto(f"{base}/appeals/track/?code={code.lower()}")
    phone.wait_for_url(f"**/appeals/track/{code}/")
    assert phone.inner_text("#appeal-state") == "已决定"
    assert "行政复议法第六十四条" in phone.inner_text("main")
    approver = _login(browser, base, "approver_a")
    approver.goto(f"{base}/cases/{case.pk}/")
    assert "已决定" in approver.inner_text("#case-appeals")
