"""A supervisor on a phone filters the register of seized items; htmx swaps the table in place."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhifa.enforcement.cases.factories import advance, build_case_kit, register
from zhifa.enforcement.cases.models import State
from zhifa.enforcement.seizures.services import seizure_dispose, seizure_record
from zhifa.org.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_register_filters_in_place_on_a_phone(browser, live_server, world) -> None:
    kit = build_case_kit(world)
    today = timezone.localdate()
    case = register(
        kit,
        discovered_on=(today - dt.timedelta(days=1)).isoformat(),
        occurred_on=(today - dt.timedelta(days=2)).isoformat(),
    )
    case = advance(kit, case, State.INVESTIGATING, start=today)
    numbers = []
    for n, item in enumerate(["切割机", "高音喇叭"]):
        s = seizure_record(
            actor=world.approver_a,
            case_id=case.pk,
            measure="seizure",
            reason="涉案工具",
            basis="《城市道路管理条例》",
            started_at=timezone.now() - dt.timedelta(hours=2 + n),
            officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
            items=[{"description": item, "quantity": "1", "unit": "台"}],
            storage_location="仓库",
        )
        numbers.append(s.number)
    seizure_dispose(actor=world.officer_a, seizure_id=s.pk, outcome="returned", decided_on=today)

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/seizures/")
    assert numbers[0] in page.inner_text("#results") and numbers[1] in page.inner_text("#results")
    page.evaluate("window.marker = 1")  # survives only if the page is not reloaded
    page.select_option("select[name=status]", "disposed")
    page.wait_for_url("**/seizures/?*status=disposed*")
    expect(page.locator("#results")).not_to_contain_text(numbers[0])
    assert numbers[1] in page.inner_text("#results")
    assert page.evaluate("window.marker") == 1
    page.close()
