"""The records behind a computed figure: the sheet links each computed leaf to the exact rows its
registered indicator counted (not to a filtered list), marked by whether the numerator counts them;
read by whoever may read the sheet, in a constant number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from zhifa.core.indicators import DateSpan, indicator_records
from zhifa.officers.factories import make_credentialed_officer, make_officer
from zhifa.org.factories import make_user
from zhifa.supervision.assessment import services
from zhifa.supervision.assessment.models import Round
from zhifa.supervision.assessment.tests.builders import make_round, small_set

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def opened(world, people, frozen):
    for name in ("甲一", "甲二", "甲三"):
        make_credentialed_officer(agency=world.agency_a, name=name)
    make_officer(agency=world.agency_a, name="甲四")  # no credential: A holds 3 of 4
    rnd = make_round(world, people, ind_set=small_set())
    services.round_apply_event(
        round_id=rnd.pk, actor=world.users["supervisor"], event="open", data={"on": "2026-02-20"}
    )
    return Round.objects.get(pk=rnd.pk)


def _url(rnd: Round, agency, code: str = "2.1") -> str:
    return reverse(
        "assessment:leaf_records", kwargs={"round_id": rnd.pk, "agency_id": agency.pk, "code": code}
    )


def test_the_officers_behind_the_credential_rate_are_listed_and_marked(world, opened) -> None:
    page = indicator_records(
        "officers.credential_rate", [world.agency_a.pk], DateSpan(dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    )
    assert page is not None
    assert (page.total, page.counted) == (4, 3)
    assert {(r.label, r.counted) for r in page.rows} == {
        ("甲一", True),
        ("甲二", True),
        ("甲三", True),
        ("甲四", False),
    }
    assert all(r.url.startswith("/officers/") for r in page.rows)


def test_the_sheet_links_a_computed_leaf_to_its_records_page(client, world, opened) -> None:
    client.force_login(world.users["supervisor"])
    sheet = client.get(reverse("assessment:self_check", args=[opened.pk, world.agency_a.pk]))
    assert _url(opened, world.agency_a) in sheet.content.decode()
    page = client.get(_url(opened, world.agency_a))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("甲一", "甲二", "甲三", "甲四"):
        assert name in html
    assert "3" in html and "4" in html


def test_the_api_gives_the_records_page_for_a_listed_indicator(client, world, opened, api_token) -> None:
    boss = api_token(world.users["supervisor"])
    r = client.get(f"/api/v1/assessments/{opened.pk}/agencies/{world.agency_a.pk}", **boss)
    assert r.status_code == 200, r.content
    leaves = {leaf["code"]: leaf for leaf in r.json()["leaves"]}
    assert leaves["2.1"]["records"] == _url(opened, world.agency_a)
    assert leaves["2.2"]["records"] is None  # an indicator nobody registered has no records
    assert leaves["1.1"]["records"] is None  # judged from materials


def test_an_unregistered_or_judged_leaf_or_unknown_code_has_no_records_page(client, world, opened) -> None:
    client.force_login(world.users["supervisor"])
    for code in ("2.2", "1.1", "9.9", "%00"):
        assert client.get(_url(opened, world.agency_a, code)).status_code == 404, code


def test_bad_page_numbers_fall_back_to_the_first_page(client, world, opened) -> None:
    client.force_login(world.users["supervisor"])
    for page in ("x", "-3", "0", "99999"):
        r = client.get(_url(opened, world.agency_a), {"page": page})
        assert r.status_code == 200, page
        assert "甲一" in r.content.decode(), page  # past the end: the last page
    # A 30-digit number is refused by the request guard before the view (a 4xx, never a 500).
    assert client.get(_url(opened, world.agency_a), {"page": "9" * 30}).status_code == 422


def test_someone_who_may_not_read_the_sheet_may_not_read_its_records(client, world, opened) -> None:
    stranger = make_user("stranger_officer", node=world.agency_b, roles=[("officer", world.agency_b)])
    client.force_login(stranger)
    assert client.get(_url(opened, world.agency_a)).status_code in (403, 404)
    client.logout()
    assert client.get(_url(opened, world.agency_a)).status_code in (302, 403)


def test_the_records_page_runs_a_constant_number_of_queries(
    client, world, opened, django_assert_max_num_queries
) -> None:
    client.force_login(world.users["supervisor"])
    client.get(_url(opened, world.agency_a))  # warm the session and the caches
    with django_assert_max_num_queries(40) as few:
        client.get(_url(opened, world.agency_a))
    for i in range(12):
        make_credentialed_officer(agency=world.agency_a, name=f"乙{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(_url(opened, world.agency_a))
    assert "乙11" in r.content.decode()
