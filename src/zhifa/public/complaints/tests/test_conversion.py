"""Conversion of a complaint into a case: the case's source is the complaint, both are linked, and a
refusal by the case rules leaves the complaint as it was."""

import datetime as dt

import pytest

from zhifa.core.errors import Conflict, InvalidInput
from zhifa.enforcement.cases.factories import organisation_id
from zhifa.enforcement.cases.models import Case
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import accepted, make_complaint

pytestmark = pytest.mark.django_db


def party(**over):
    data = {
        "kind": "organisation",
        "name": "测试市某某餐饮有限公司",
        "id_number": organisation_id(),
        "phone": "0591-1234567",
    }
    data.update(over)
    return data


def test_an_accepted_complaint_becomes_a_case_with_both_linked(routing, world, frozen) -> None:
    c = accepted(make_complaint(routing.street_vending, routing.east), world.officer_a)
    c, case = svc.complaint_convert_to_case(
        complaint_id=c.pk,
        actor=world.officer_a,
        party=party(),
        facts=c.content,
        occurred_on=dt.date(2025, 6, 1),
    )
    assert (case.source, case.source_ref, case.agency) == ("complaint", c.tracking_code, world.agency_a)
    assert case.party_name == "测试市某某餐饮有限公司" and case.discovered_on == c.received_on
    assert (c.case_id, c.state) == (case.pk, "accepted")  # the complaint still needs its reply
    assert c.events.get(kind="convert").public_note == "已就反映的事实登记案件调查处理。"
    assert "欧阳娜娜" not in (case.party_name + case.facts)  # the complainant does not travel into the case
    with pytest.raises(Conflict):
        svc.complaint_convert_to_case(
            complaint_id=c.pk,
            actor=world.officer_a,
            party=party(),
            facts="重复立案",
            occurred_on=dt.date(2025, 6, 1),
        )


def test_a_refusal_by_the_case_rules_changes_nothing(routing, world, frozen) -> None:
    c = accepted(make_complaint(routing.street_vending, routing.east), world.officer_a)
    with pytest.raises(InvalidInput):
        svc.complaint_convert_to_case(
            complaint_id=c.pk, actor=world.officer_a, party=party(id_number="91350100MA2XXXXX1Y"),
            facts=c.content, occurred_on=dt.date(2025, 6, 1),
        )  # fmt: skip
    c.refresh_from_db()
    assert c.case_id is None and not c.events.filter(kind="convert").exists()
    assert Case.objects.count() == 0


def test_only_a_complaint_being_handled_can_be_converted(routing, world, frozen) -> None:
    c = make_complaint(routing.street_vending, routing.east)
    assert not svc.conversion_available(world.officer_a, c)
    with pytest.raises(Conflict):
        svc.complaint_convert_to_case(
            complaint_id=c.pk,
            actor=world.officer_a,
            party=party(),
            facts=c.content,
            occurred_on=dt.date(2025, 6, 1),
        )
    c = accepted(c, world.officer_a)
    assert svc.conversion_available(world.officer_a, c)
    assert not svc.conversion_available(world.supervisor, c)
    assert not svc.conversion_available(world.officer_b, c)


def test_the_page_prefills_the_form_and_opens_the_case(client, routing, world, frozen) -> None:
    c = accepted(
        make_complaint(routing.street_vending, routing.east, subject_name="某某早餐店"), world.officer_a
    )
    client.force_login(world.officer_a)
    page = client.get(f"/complaints/{c.pk}/convert/").content.decode()
    assert "某某早餐店" in page and "每天早上" in page  # the party and the facts are prefilled
    form = {
        "party_kind": "organisation", "party_name": "某某早餐店", "party_id_number": "bad",
        "facts": c.content, "occurred_on": "2025-06-01", "location": c.location,
    }  # fmt: skip
    response = client.post(f"/complaints/{c.pk}/convert/", form)
    assert response.status_code == 400 and Case.objects.count() == 0
    form["party_id_number"] = organisation_id()
    response = client.post(f"/complaints/{c.pk}/convert/", form)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    detail = client.get(f"/complaints/{c.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in detail


def test_conversion_through_the_api(client, routing, world, frozen, api_token) -> None:
    c = accepted(make_complaint(routing.street_vending, routing.east), world.officer_a)
    body = {"event": "convert", "party": party(), "occurred_on": "2025-06-01"}
    response = client.post(
        f"/api/v1/complaints/{c.pk}/events",
        body,
        content_type="application/json",
        **api_token(world.officer_a),
    )
    assert response.status_code == 200, response.content
    assert response.json()["case_id"] == Case.objects.get().pk
