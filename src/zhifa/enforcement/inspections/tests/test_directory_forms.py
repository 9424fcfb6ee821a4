"""One inspection item and one target through a form (besides the bulk import and the API): saved
through the same services, every refusal shown in place with a 4xx and nothing saved."""

from __future__ import annotations

import pytest

from zhifa.audit.models import AuditEntry
from zhifa.enforcement.inspections.factories import make_uscc
from zhifa.enforcement.inspections.models import InspectionItem, Target

pytestmark = pytest.mark.django_db


def _item(world, **over):  # type: ignore[no-untyped-def]
    return {
        "agency_id": str(world.agency_a.pk),
        "code": "CG-09",
        "name": "渣土运输检查",
        "basis": "《城市市容和环境卫生管理条例》第十五条",
        "object_type": "enterprise",
        "ratio": "5",
        "frequency": "1",
        "method": "on_site",
    } | over


def test_an_item_is_added_through_its_form(world, iw, login_as) -> None:
    from zhifa.powers.models import Article, Law

    client = login_as(world.approver_a)
    assert 'id="add-item"' in client.get("/inspections/items/").content.decode()
    assert client.get("/inspections/items/new/").status_code == 200
    from django.utils import timezone

    law = Law.objects.create(
        title="中华人民共和国行政处罚法",
        short_name="行政处罚法",
        kind="law",
        revised_on="2021-01-22",
        imported_at=timezone.now(),
    )
    a42 = Article.objects.create(law=law, number=42, number_text="第四十二条", text="……")
    r = client.post("/inspections/items/new/", _item(world, law_id=str(law.pk), article_numbers="42、43"))
    assert (
        r.status_code == 400
        and "43" in r.content.decode()
        and not InspectionItem.objects.filter(code="CG-09").exists()
    )
    r = client.post("/inspections/items/new/", _item(world, law_id=str(law.pk), article_numbers="42"))
    assert r.status_code == 302
    item = InspectionItem.objects.get(code="CG-09")
    assert list(item.articles.all()) == [a42] and item.agency_id == world.agency_a.pk
    assert AuditEntry.objects.filter(action="inspections.item_create", object_id=str(item.pk)).exists()
    r = client.post("/inspections/items/new/", _item(world))  # the same code again
    assert r.status_code == 409 and InspectionItem.objects.filter(code="CG-09").count() == 1


@pytest.mark.parametrize(
    "over",
    [
        {"ratio": "abc"},
        {"ratio": "0"},
        {"ratio": "101"},
        {"frequency": "13"},
        {"object_type": "robot"},
        {"method": ""},
        {"name": ""},
        {"code": "x" * 41},
        {"article_numbers": "42"},  # no law chosen
        {"law_id": "999999", "article_numbers": "1"},
        {"agency_id": "nope"},
    ],
)
def test_a_bad_item_is_refused_in_place(world, iw, login_as, over) -> None:
    client = login_as(world.approver_a)
    before = InspectionItem.objects.count()
    r = client.post("/inspections/items/new/", _item(world, **over))
    assert 400 <= r.status_code < 500 and InspectionItem.objects.count() == before
    if r.status_code in (400, 422):
        assert 'role="alert"' in r.content.decode()


def test_who_may_add_items_and_targets(world, iw, login_as) -> None:
    assert login_as(world.supervisor).get("/inspections/items/new/").status_code == 403
    assert login_as(world.supervisor).get("/inspections/targets/new/").status_code == 403
    r = login_as(world.officer_b).post("/inspections/items/new/", _item(world))
    assert r.status_code == 404 and not InspectionItem.objects.filter(code="CG-09").exists()


def _target(world, **over):  # type: ignore[no-untyped-def]
    return {
        "agency_id": str(world.agency_a.pk),
        "name": "海州餐饮管理有限公司",
        "credit_code": make_uscc(4242),
        "object_type": "enterprise",
        "area": "海州区",
        "industry": "餐饮",
        "risk_level": "high",
        "address": "海州路1号",
    } | over


def test_a_target_is_added_through_its_form(world, iw, login_as) -> None:
    client = login_as(world.officer_a)
    assert 'id="add-target"' in client.get("/inspections/targets/").content.decode()
    assert client.get("/inspections/targets/new/").status_code == 200
    officer = iw.inspectors[1]
    r = client.post(
        "/inspections/targets/new/",
        _target(
            world, no_disturbance="on", no_disturbance_reason="纳税信用A级", conflict_officer_ids=[officer.pk]
        ),
    )
    assert r.status_code == 302
    t = Target.objects.get(credit_code=make_uscc(4242))
    assert (t.risk_level, t.no_disturbance, t.area) == ("high", True, "海州区")
    assert list(t.conflicted_officers.all()) == [officer]
    r = client.post("/inspections/targets/new/", _target(world))  # same credit code
    assert r.status_code == 409 and Target.objects.filter(credit_code=make_uscc(4242)).count() == 1


@pytest.mark.parametrize(
    "over",
    [
        {"credit_code": "91320100MA1XXXXXX1"},  # check character wrong
        {"credit_code": ""},  # an enterprise needs one
        {"object_type": "x"},
        {"risk_level": "extreme"},
        {"name": ""},
        {"no_disturbance": "on", "no_disturbance_reason": ""},
        {"agency_id": ""},
    ],
)
def test_a_bad_target_is_refused_in_place(world, iw, login_as, over) -> None:
    client = login_as(world.officer_a)
    before = Target.objects.count()
    r = client.post("/inspections/targets/new/", _target(world, **over))
    assert 400 <= r.status_code < 500 and Target.objects.count() == before
    assert 'role="alert"' in r.content.decode()
