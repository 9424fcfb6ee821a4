"""The case pages: list with filters and search, case page and its event forms, registration, the
on-the-spot form, overdue list, home panels."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.enforcement.cases.factories import CHECKLIST_OK, organisation_id
from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.cases.tests import builders

pytestmark = pytest.mark.django_db


def test_list_page_filters_and_searches(kit, client) -> None:
    a = builders.ordinary(kit, State.REGISTERED, facts="夜间施工噪声扰民")
    b = builders.ordinary(kit, State.INVESTIGATING)
    client.force_login(kit.world.officer_a)
    page = client.get("/cases/").content.decode()
    assert b.number in page and "夜间施工" not in page  # facts are on the case page, not the list
    only = client.get("/cases/?state=investigating").content.decode()
    assert b.number in only and f"/cases/{a.pk}/" not in only
    found = client.get("/cases/?q=噪声", HTTP_HX_REQUEST="true")
    assert found.status_code == 200 and f"/cases/{a.pk}/" in found.content.decode()
    assert "<html" not in found.content.decode()  # htmx gets the results table only
    assert client.get("/cases/?state=nonsense&agency=x&date_from=yesterday").status_code == 200


@pytest.mark.parametrize("who", ["approver_a", "officer_a", "supervisor"])
def test_list_page_runs_a_constant_number_of_queries(kit, client, who) -> None:
    """For every kind of reader: a row's masking reads who registered the lead, which must come with
    the row (an officer's and a supervisor's pages once loaded it row by row)."""
    client.force_login(getattr(kit.world, who))
    builders.ordinary(kit, State.INVESTIGATING)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/cases/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(6):
        builders.ordinary(kit, State.PROPOSED)
    assert queries() == few


def test_case_page_shows_timeline_deadlines_and_forms(kit, client) -> None:
    case = builders.ordinary(kit, State.PROPOSED)
    client.force_login(kit.world.officer_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert case.number in page and "status-ok" in page
    assert 'id="form-notify"' in page and 'id="form-request_legal_review"' in page
    assert 'id="form-decide"' not in page  # the officer may not decide
    assert "海州市某某市政工程有限公司" in page
    client.force_login(kit.world.officer_b)
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_a_case_page_loads_only_the_choice_lists_its_forms_ask_for(kit, client, monkeypatch) -> None:
    """The agency's power catalogue (items with their discretion tiers) is loaded only for a page with
    a form that picks an item; a proposed case's forms (notify, legal review) ask for none."""
    from zhifa.powers import selectors as powers

    loads: list[object] = []
    real = powers.item_picker

    def counted(**kwargs: object) -> object:
        loads.append(kwargs)
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(powers, "item_picker", counted)
    client.force_login(kit.world.officer_a)
    proposed = builders.ordinary(kit, State.PROPOSED)
    assert 'id="form-notify"' in client.get(f"/cases/{proposed.pk}/").content.decode()
    assert loads == []
    investigating = builders.ordinary(kit, State.INVESTIGATING)
    page = client.get(f"/cases/{investigating.pk}/").content.decode()
    assert 'id="form-submit_proposal"' in page and kit.item.code in page  # the item picker is filled
    assert len(loads) == 1  # once for the page, however many fields use it (items, tiers)


def test_an_event_form_applies_the_event_and_redirects(kit, client) -> None:
    case = builders.ordinary(kit, State.REGISTERED)
    client.force_login(kit.world.approver_a)
    response = client.post(
        f"/cases/{case.pk}/events/file/",
        {
            "officer_ids": [kit.officer_a.pk, kit.officer_a2.pk],
            "power_item_id": kit.item.pk,
            "filed_on": "2025-06-30",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.INVESTIGATING and case.number


def test_an_htmx_event_form_redirects_with_a_header(kit, client) -> None:
    case = builders.ordinary(kit, State.LEGAL_REVIEW)
    client.force_login(kit.world.reviewer_a)
    post = {"opinion": "同意", **{f"checklist_{k}": "yes" for k in CHECKLIST_OK}}
    response = client.post(f"/cases/{case.pk}/events/approve_legal_review/", post, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == f"/cases/{case.pk}/"


def test_a_refused_event_comes_back_inline_with_its_status_and_changes_nothing(kit, client) -> None:
    case = builders.ordinary(kit, State.REGISTERED)
    client.force_login(kit.world.approver_a)
    response = client.post(
        f"/cases/{case.pk}/events/file/",
        {"officer_ids": [kit.officer_a.pk], "power_item_id": kit.item.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="form-file"' in body and "第四十二条" in body and "<html" not in body
    without_js = client.post(f"/cases/{case.pk}/events/file/", {"officer_ids": ["x"]})
    assert without_js.status_code == 400 and "<html" in without_js.content.decode()
    case.refresh_from_db()
    assert case.state == State.REGISTERED and case.event_count == 1


def test_events_the_user_may_not_apply_are_refused(kit, client) -> None:
    case = builders.ordinary(kit, State.REGISTERED)
    client.force_login(kit.world.officer_a)
    response = client.post(f"/cases/{case.pk}/events/file/", {"officer_ids": [kit.officer_a.pk]})
    assert response.status_code == 302  # back to the case page with the refusal as a message
    case.refresh_from_db()
    assert case.state == State.REGISTERED
    assert client.post(f"/cases/{case.pk}/events/nonsense/", {}).status_code == 404
    client.force_login(kit.world.outsider)
    assert client.post(f"/cases/{case.pk}/events/file/", {}).status_code == 403


def test_registration_page(kit, client) -> None:
    client.force_login(kit.world.officer_a)
    assert client.get("/cases/new/").status_code == 200
    post = {
        "procedure": "ordinary",
        "agency_id": kit.agency.pk,
        "source": "patrol",
        "party_kind": "organisation",
        "party_name": "海州某商贸有限公司",
        "party_id_number": organisation_id(),
        "facts": "占道堆放建筑材料。",
        "occurred_on": "2025-06-28",
        "power_item_id": kit.item.pk,
    }
    bad = client.post("/cases/new/", {**post, "party_id_number": "91350100M000100Y44"})
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    response = client.post("/cases/new/", post)
    assert response.status_code == 302
    assert Case.objects.get().party_name == "海州某商贸有限公司"


def test_on_the_spot_form_decides_serves_and_collects(kit, client) -> None:
    client.force_login(kit.world.officer_a)
    page = client.get("/cases/on-spot/")
    assert page.status_code == 200 and 'name="partner_id"' in page.content.decode()
    post = {
        "agency_id": kit.agency.pk,
        "source": "patrol",
        "partner_id": kit.officer_a2.pk,
        "party_kind": "person",
        "party_name": "李某",
        "party_id_number": "11010519491231002X",
        "facts": "占道经营。",
        "location": "人民路",
        "occurred_on": "2025-06-30",
        "power_item_id": kit.item.pk,
        "measures": ["fine"],
        "fine_amount": "50",
        "tier": "轻微",
        "reasons": "当场改正。",
        "paid_now": "on",
        "channel": "on_the_spot",
        "receipt_no": "CZ-1",
    }
    too_much = client.post("/cases/on-spot/", {**post, "fine_amount": "200.01"})
    assert too_much.status_code == 422 and "第五十一条" in too_much.content.decode()
    assert Case.objects.count() == 0  # all or nothing
    response = client.post("/cases/on-spot/", post)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == State.EXECUTED and case.number.startswith("测城管当罚")


def test_overdue_page_and_workflow_page(kit, client) -> None:
    case = builders.ordinary(kit, State.INVESTIGATING)
    client.force_login(kit.world.supervisor)
    assert client.get("/cases/overdue/").status_code == 200
    assert client.get("/cases/workflow/").status_code == 200
    assert case.pk


def test_home_panels_show_the_queues(kit, client) -> None:
    builders.ordinary(kit, State.REGISTERED)
    review = builders.ordinary(kit, State.LEGAL_REVIEW)
    client.force_login(kit.world.approver_a)
    assert "cases/home_approver" not in client.get("/").content.decode()
    home = client.get("/").content.decode()
    assert "待我审批" in home or "Waiting for my approval" in home
    client.force_login(kit.world.reviewer_a)
    assert review.number in client.get("/").content.decode()
    client.force_login(kit.world.officer_a)
    assert review.number in client.get("/").content.decode()
