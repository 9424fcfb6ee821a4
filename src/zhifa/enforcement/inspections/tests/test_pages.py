"""The pages: an inspector's cards, steps with errors in place, photos, the printable code; the public
code page with its rating and the list of published results (no personal data)."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from django.test import Client

from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.factories import make_plan, make_target
from zhifa.enforcement.inspections.models import Rating, Task
from zhifa.enforcement.inspections.workflow import task_apply_event

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _task(world: Any, iw: Any, **plan: Any) -> Task:
    p = make_plan(world.approver_a, world.agency_a, iw.items, **({"number": 1} | plan))
    services.plan_draw(actor=world.approver_a, plan_id=p.pk)
    return Task.objects.get(plan=p)


def _inspector(task: Task) -> Any:
    return task.inspectors.order_by("position").first().officer.user  # type: ignore[union-attr]


def test_an_inspector_records_a_result_and_converts_it_on_the_pages(world, iw, login_as) -> None:
    task = _task(world, iw)
    client = login_as(_inspector(task))
    page = client.get("/inspections/")
    assert page.status_code == 200 and f'data-task="{task.pk}"' in page.content.decode()
    assert client.post(f"/inspections/tasks/{task.pk}/act/start/", {}).status_code == 302
    r = client.post(
        f"/inspections/tasks/{task.pk}/act/record_result/", {"outcome": "problems_found", "findings": "x"}
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert 'class="errors"' in body and ">x</textarea>" in body  # the refusal in place, the input kept
    assert Task.objects.get(pk=task.pk).state == "on_site"
    r = client.post(
        f"/inspections/tasks/{task.pk}/photos/", {"photo": io.BytesIO(_png())}, format="multipart"
    )
    assert r.status_code == 302, r.content
    photo = task.photos.get()
    assert client.get(f"/inspections/tasks/{task.pk}/photos/{photo.pk}/").status_code == 200
    r = client.post(
        f"/inspections/tasks/{task.pk}/act/record_result/",
        {"outcome": "problems_found", "findings": "擅自占道经营", "signed_by": "李经理"},
    )
    assert r.status_code == 302
    assert client.post(f"/inspections/tasks/{task.pk}/act/convert/", {}).status_code == 302
    task.refresh_from_db()
    assert task.case_id is not None
    assert "task-case" in client.get(f"/inspections/tasks/{task.pk}/").content.decode()


def test_a_photo_must_be_an_image(world, iw, login_as) -> None:
    task = _task(world, iw)
    client = login_as(_inspector(task))
    client.post(f"/inspections/tasks/{task.pk}/act/start/", {})
    r = client.post(f"/inspections/tasks/{task.pk}/photos/", {"photo": io.BytesIO(b"not an image at all")})
    assert r.status_code == 400 and not task.photos.exists()


def test_the_printable_code_carries_a_qr_code_of_the_public_url(world, iw, login_as) -> None:
    task = _task(world, iw)
    body = login_as(world.officer_a).get(f"/inspections/tasks/{task.pk}/code/").content.decode()
    assert "<svg" in body and f"/portal/inspections/code/{task.code}/" in body


def test_others_do_not_see_the_task(world, iw, login_as, client) -> None:
    task = _task(world, iw)
    assert client.get(f"/inspections/tasks/{task.pk}/").status_code == 302  # sign in first
    assert login_as(world.officer_b).get(f"/inspections/tasks/{task.pk}/").status_code == 404


def test_an_approver_draws_a_plan_on_its_page(world, iw, login_as) -> None:
    p = make_plan(world.approver_a, world.agency_a, iw.items, number=2)
    client = login_as(world.approver_a)
    assert 'id="draw"' in client.get(f"/inspections/plans/{p.pk}/").content.decode()
    assert client.post(f"/inspections/plans/{p.pk}/draw/", {}).status_code == 302
    r = client.post(f"/inspections/plans/{p.pk}/draw/", {})
    assert r.status_code == 409 and "errors" in r.content.decode()
    assert login_as(world.officer_a).post(f"/inspections/plans/{p.pk}/draw/", {}).status_code == 403


def test_the_enterprise_rates_on_the_public_code_page(world, iw) -> None:
    task = _task(world, iw)
    client = Client()
    page = client.get(f"/portal/inspections/code/{task.code}/").content.decode()
    for member in task.inspectors.all():
        assert member.officer.name in page and member.officer.id_number not in page
    assert 'id="rate"' not in page  # nothing to rate before the visit
    task_apply_event(task_id=task.pk, actor=_inspector(task), event="start", data={})
    r = client.post(f"/portal/inspections/code/{task.code}/", {"visit_confirmed": "yes"})
    assert r.status_code == 400 and "errors" in r.content.decode()
    r = client.post(
        f"/portal/inspections/code/{task.code}/", {"visit_confirmed": "yes", "score": "basically"}
    )
    assert r.status_code == 302
    assert Rating.objects.get(task=task).score == "basically"
    assert 'id="rated"' in client.get(f"/portal/inspections/code/{task.code}/").content.decode()


def test_published_results_hide_the_name_of_an_individual_business(world, iw) -> None:
    make_target(
        world.approver_a, world.agency_a, name="张小明烧烤店", object_type="individual", industry="个体"
    )
    task = _task(world, iw, filter_industry="个体")
    user = _inspector(task)
    task_apply_event(task_id=task.pk, actor=user, event="start", data={})
    task_apply_event(
        task_id=task.pk,
        actor=user,
        event="record_result",
        data={"outcome": "no_problem", "signed_by": "张小明"},
    )
    assert task.target.credit_code not in Client().get("/portal/inspections/results/").content.decode()
    task_apply_event(task_id=task.pk, actor=world.approver_a, event="publish", data={})
    body = Client().get("/portal/inspections/results/").content.decode()
    assert "张" in body and "张小明" not in body and task.target.credit_code in body
    draw_page = Client().get(f"/portal/inspections/draws/{task.draw_id}/").content.decode()
    assert task.draw.seed in draw_page


def test_the_directory_page_imports_all_or_nothing_with_errors_in_place(world, iw, login_as) -> None:
    from zhifa.enforcement.inspections.factories import make_uscc
    from zhifa.enforcement.inspections.models import Target

    client = login_as(world.officer_a)
    assert client.get("/inspections/items/").status_code == 200
    before = Target.objects.count()
    bad = io.BytesIO(
        f"\ufeff名称,统一社会信用代码,对象类型\r\n甲公司,{make_uscc(950)},企业\r\n乙公司,123,企业\r\n".encode()
    )
    bad.name = "t.csv"
    r = client.post("/inspections/targets/import/", {"file": bad, "agency_id": world.agency_a.pk})
    assert r.status_code == 422 and "errors" in r.content.decode() and Target.objects.count() == before
    good = io.BytesIO(f"\ufeff名称,统一社会信用代码,对象类型\r\n甲公司,{make_uscc(950)},企业\r\n".encode())
    good.name = "t.csv"
    r = client.post("/inspections/targets/import/", {"file": good, "agency_id": world.agency_a.pk})
    assert r.status_code == 302 and Target.objects.count() == before + 1
    assert "甲公司" in client.get("/inspections/targets/?q=甲公司").content.decode()
    export = client.get("/inspections/targets/export/?format=csv")
    assert export.content.startswith("\ufeff".encode()) and "甲公司" in export.content.decode("utf-8-sig")


def test_an_approver_creates_a_plan_on_a_form(world, iw, login_as) -> None:
    from zhifa.enforcement.inspections.models import Plan

    client = login_as(world.approver_a)
    assert client.get("/inspections/plans/new/").status_code == 200
    form = {
        "agency_id": world.agency_a.pk,
        "name": "夏季专项",
        "kind": "special",
        "item_ids": [iw.items[0].pk],
        "enforcement_area": "城市管理",
        "starts_on": "2025-06-01",
        "ends_on": "2025-08-31",
    }
    r = client.post("/inspections/plans/new/", form)
    assert r.status_code == 400 and "field-error" in r.content.decode() and not Plan.objects.exists()
    r = client.post("/inspections/plans/new/", form | {"number": "3", "filter_risk_levels": ["high"]})
    assert r.status_code == 302
    plan = Plan.objects.get()
    assert plan.number == 3 and plan.filter_risk_levels == ["high"]
    assert login_as(world.officer_a).get("/inspections/plans/new/").status_code == 403
