"""In a real browser: a citizen finds a valid document by a word of its text on a phone; the legal
office records a review result (a refusal stays in the form, then the review passes)."""

import datetime as dt

import pytest
import time_machine

from zhifa.org.factories import PASSWORD
from zhifa.supervision.normative.factories import make_draft, make_published
from zhifa.supervision.normative.models import NormativeDocument, State
from zhifa.supervision.normative.services import document_apply_event

from .conftest import at


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_finds_a_document_and_the_legal_office_reviews(browser, live_server, world) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=True):
        valid = make_published(
            drafter=world.officer_a,
            reviewer=world.reviewer_a,
            approver=world.approver_a,
            agency=world.agency_a,
            submitted_on=dt.date(2025, 6, 3),
            published_on=dt.date(2025, 6, 20),
            number="测城管规〔2025〕6号",
            title="关于共享单车停放秩序管理的规定",
            text="共享单车应当在划定的停放区域内有序停放，运营企业负责及时调度。",
        )
        old = make_published(
            drafter=world.officer_a,
            reviewer=world.reviewer_a,
            approver=world.approver_a,
            agency=world.agency_a,
            submitted_on=dt.date(2025, 5, 5),
            published_on=dt.date(2025, 5, 20),
            number="测城管规〔2025〕2号",
            title="关于非机动车停放的暂行规定",
            text="非机动车应当在停放区域内停放。",
        )
        document_apply_event(
            document_id=old.pk,
            actor=world.approver_a,
            event="repeal",
            data={"on": "2025-07-01", "reason": "已被新规定取代"},
        )

        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(f"{live_server.url}/portal/")
        assert phone.locator("a[href='/portal/normative/']").count() == 1
        phone.goto(f"{live_server.url}/portal/normative/")
        phone.fill("input[name=q]", "调度")
        phone.click("form[role=search] button[type=submit]")
        phone.wait_for_url("**/portal/normative/?q=*")
        main = phone.inner_text("main")
        assert "测城管规〔2025〕6号" in main and "现行有效" in main
        assert "测城管规〔2025〕2号" not in main
        # cards, not a squeezed table: the page does not scroll sideways on a phone
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        phone.click("text=关于共享单车停放秩序管理的规定")
        phone.wait_for_url(f"**/portal/normative/{valid.pk}/")
        assert "运营企业负责及时调度" in phone.inner_text("main")
        # the repealed one is still found, as repealed
        phone.goto(f"{live_server.url}/portal/normative/?q=非机动车&status=repealed")
        assert "测城管规〔2025〕2号" in phone.inner_text("main") and "已废止" in phone.inner_text("main")
        phone.close()

        draft = make_draft(actor=world.officer_a, agency=world.agency_a, title="关于规范夜市摊点经营的通知")
        document_apply_event(document_id=draft.pk, actor=world.officer_a, event="submit", data={})
        page = browser.new_page()
        page.goto(f"{live_server.url}/login/?next=/normative/")
        page.fill("input[name=username]", "reviewer_a")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/normative/")
        page.click("text=关于规范夜市摊点经营的通知")
        page.wait_for_url(f"**/normative/{draft.pk}/")
        page.click("summary:has-text('记录合法性审核意见')")
        form = page.locator("#act-review")
        form.locator("input[name=authority][value=yes]").check()
        form.locator("input[name=passed][value=yes]").check()
        form.locator("textarea[name=opinion]").fill("经审核，合法。")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#act-review .errors")
        assert "请逐项填写合法性审核要点" in page.inner_text("#act-review")
        assert page.locator("#act-review textarea[name=opinion]").input_value() == "经审核，合法。"
        form = page.locator("#act-review")
        for key in (
            "no_new_penalty_or_licence",
            "no_restriction_without_basis",
            "procedure",
            "consistent_with_higher_law",
        ):
            form.locator(f"input[name={key}][value=yes]").check()
        form.locator("input[name=passed][value=yes]").check()
        form.locator("button[type=submit]").click()
        page.wait_for_selector("h1 .badge:has-text('审核通过')")
        assert NormativeDocument.objects.get(pk=draft.pk).state == State.REVIEWED
        page.close()
