"""The API as shared/API.md names it, through the real token and the real services."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from zhifa.enforcement.inspections.factories import make_plan, make_uscc
from zhifa.enforcement.inspections.models import Target, Task

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[5]


def _post(client: Client, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, body, content_type="application/json", **headers)


def test_items_and_targets_are_created_and_listed(world, iw, api_token) -> None:
    client, auth = Client(), api_token(world.approver_a)
    item = {
        "agency_id": world.agency_a.pk,
        "code": "CG-09",
        "name": "门前三包责任落实检查",
        "basis": "《城市市容和环境卫生管理条例》",
        "object_type": "enterprise",
        "ratio": "3.5",
        "method": "on_site",
    }
    r = _post(client, "/api/v1/inspections/items", item, auth)
    assert r.status_code == 201, r.content
    assert r.json()["ratio"] in ("3.5", "3.50")
    r = _post(client, "/api/v1/inspections/items", item | {"code": "CG-10", "ratios": "3"}, auth)
    assert r.status_code == 400 and r.json()["code"] == "unknown_field"
    r = client.get("/api/v1/inspections/items", **auth)
    assert r.json()["count"] == 3
    target = {"agency_id": world.agency_a.pk, "name": "某某餐饮有限公司", "object_type": "enterprise"}
    r = _post(client, "/api/v1/inspections/targets", target | {"credit_code": "91320100MA1XXXXXX1"}, auth)
    assert r.status_code == 400 and r.json()["detail"]["field"] == "credit_code"
    r = _post(client, "/api/v1/inspections/targets", target | {"credit_code": make_uscc(777)}, auth)
    assert r.status_code == 201 and r.json()["number"].startswith("T")
    assert client.get("/api/v1/inspections/targets?q=某某餐饮", **auth).json()["count"] == 1
    assert client.get("/api/v1/inspections/targets", **api_token(world.officer_b)).json()["count"] == 0


def _csv(rows: list[str], *, bom: bool = True) -> io.BytesIO:
    data = ("\ufeff" if bom else "") + "\r\n".join(rows) + "\r\n"
    f = io.BytesIO(data.encode("utf-8"))
    f.name = "targets.csv"
    return f


def test_import_is_all_or_nothing_and_lists_every_row_error(world, iw, api_token) -> None:
    client, auth = Client(), api_token(world.officer_a)
    before = Target.objects.count()
    bad = _csv(
        [
            "名称,统一社会信用代码,对象类型,风险等级,无事不扰,无事不扰原因",
            f"甲公司,{make_uscc(901)},企业,高,否,",
            "乙公司,91320100MA1XXXXXX1,企业,低,否,",
            f"丙公司,{make_uscc(901)},企业,中,否,",
            f"丁公司,{make_uscc(902)},工厂,中,否,",
            f"戊公司,{make_uscc(903)},企业,低,是,",
        ]
    )
    r = client.post(
        "/api/v1/inspections/targets/import", {"file": bad, "agency_id": world.agency_a.pk}, **auth
    )
    assert r.status_code == 422, r.content
    body = r.json()
    assert [e["row"] for e in body["errors"]] == [3, 4, 5, 6] and body["code"] == "import_rejected"
    assert Target.objects.count() == before
    good = _csv(
        [
            "名称,统一社会信用代码,对象类型,所在区域,行业,风险等级,无事不扰,无事不扰原因",
            f"甲公司,{make_uscc(901)},企业,鼓楼区,餐饮,高,否,",
            f"戊公司,{make_uscc(903)},企业,鼓楼区,零售,低,是,A级纳税信用",
            "某社区服务站,,其他,鼓楼区,,低,,",
        ]
    )
    r = client.post(
        "/api/v1/inspections/targets/import", {"file": good, "agency_id": world.agency_a.pk}, **auth
    )
    assert r.status_code == 200, r.content
    assert r.json() == {"created": 3, "errors": []}
    assert Target.objects.get(name="戊公司").no_disturbance
    assert Target.objects.get(name="甲公司").risk_level == "high"


def test_export_has_a_bom_and_imports_again(world, iw, api_token) -> None:
    client, auth = Client(), api_token(world.officer_a)
    r = client.get("/api/v1/inspections/targets/export?format=csv", **auth)
    assert r.status_code == 200 and r.content.startswith("\ufeff".encode())
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("目录编号,名称,统一社会信用代码") and len(text.splitlines()) == 7
    again = io.BytesIO(r.content)
    again.name = "export.csv"
    r = client.post(
        "/api/v1/inspections/targets/import",
        {"file": again, "agency_id": world.agency_b.pk},
        **api_token(world.admin),
    )
    assert r.status_code == 200 and r.json()["created"] == 6, r.content
    r = Client().get("/api/v1/inspections/targets/export?format=xlsx", **auth)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert sheet.max_row == 7  # agency A's directory: officer_a does not see agency B's


def test_a_plan_is_drawn_and_anyone_replays_it_with_the_script(world, iw, api_token, tmp_path) -> None:
    client, auth = Client(), api_token(world.approver_a)
    plan = {
        "agency_id": world.agency_a.pk,
        "kind": "special",
        "name": "2025年户外广告专项抽查",
        "item_ids": [i.pk for i in iw.items],
        "enforcement_area": "城市管理",
        "number": 3,
        "weighted": True,
        "starts_on": "2025-06-01",
        "ends_on": "2025-09-30",
    }
    r = _post(client, "/api/v1/inspections/plans", plan, auth)
    assert r.status_code == 201, r.content
    plan_id = r.json()["id"]
    r = _post(client, f"/api/v1/inspections/plans/{plan_id}/draw", {"seed": "0" * 64}, auth)
    assert r.status_code == 400 and r.json()["code"] == "unknown_field"  # the operator never picks the seed
    r = _post(client, f"/api/v1/inspections/plans/{plan_id}/draw", {}, auth)
    assert r.status_code == 201, r.content
    draw_id = r.json()["id"]
    assert _post(client, f"/api/v1/inspections/plans/{plan_id}/draw", {}, auth).status_code == 409
    public = Client().get(f"/api/v1/public/inspections/draws/{draw_id}")
    assert public.status_code == 200
    published = public.json()
    assert len(published["chosen"]) == 3 and published["algorithm"] == "zhifa-draw-v1"
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    ok = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "verify_draw.py"), str(path)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    tampered = published | {"pool": published["pool"][1:]}
    path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "verify_draw.py"), str(path)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "pool_digest" in json.loads(bad.stdout)["differs"]
    # a large pool is published as a file only: the script reads it beside the record
    pool_file = tmp_path / "pool.txt"
    pool_file.write_bytes(b"".join(Client().get(published["pool_url"]).streaming_content))
    path.write_text(json.dumps(published | {"pool": None, "weights": None}), encoding="utf-8")
    from_file = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "verify_draw.py"), str(path), str(pool_file)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert from_file.returncode == 0, from_file.stdout + from_file.stderr
    pool_file.write_bytes(pool_file.read_bytes().split(b"\n", 1)[1])  # one target left out
    cut = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "verify_draw.py"), str(path), str(pool_file)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert cut.returncode == 1 and "pool_digest" in json.loads(cut.stdout)["differs"]


def test_tasks_through_the_api_from_visit_to_case(world, iw, api_token) -> None:
    from zhifa.enforcement.inspections import services

    p = make_plan(world.approver_a, world.agency_a, iw.items, number=1)
    services.plan_draw(actor=world.approver_a, plan_id=p.pk)
    task = Task.objects.get(plan=p)
    inspector = task.inspectors.order_by("position").first().officer.user  # type: ignore[union-attr]
    client, auth = Client(), api_token(inspector)
    r = client.get(f"/api/v1/inspections/tasks/{task.pk}", **auth)
    assert r.status_code == 200 and r.json()["allowed_events"] == ["start"]
    assert client.get("/api/v1/inspections/tasks?mine=true", **auth).json()["count"] == 1
    url = f"/api/v1/inspections/tasks/{task.pk}/events"
    assert _post(client, url, {"event": "start", "when": "x"}, auth).json()["code"] == "unknown_field"
    assert _post(client, url, {"event": "start"}, auth).json()["state"] == "on_site"
    r = _post(
        client,
        url,
        {
            "event": "record_result",
            "outcome": "problems_found",
            "findings": "占道经营",
            "refusal_note": "拒签",
        },
        auth,
    )
    assert r.status_code == 200, r.content
    assert r.json()["deadlines"][0]["kind"] == "inspection_result_publication"
    r = _post(client, url, {"event": "convert"}, auth)
    assert r.status_code == 200, r.content
    assert r.json()["case_id"] is not None
    r = _post(client, url, {"event": "publish"}, api_token(world.approver_a))
    assert r.json()["state"] == "published"
    assert client.get(f"/api/v1/inspections/tasks/{task.pk}", **api_token(world.officer_b)).status_code == 404


def test_the_inspection_code_shows_the_inspectors_and_takes_one_rating(world, iw) -> None:
    from zhifa.enforcement.inspections import services
    from zhifa.enforcement.inspections.workflow import task_apply_event

    p = make_plan(world.approver_a, world.agency_a, iw.items, number=1)
    services.plan_draw(actor=world.approver_a, plan_id=p.pk)
    task = Task.objects.get(plan=p)
    client = Client()
    r = client.get(f"/api/v1/public/inspection-codes/{task.code}")
    assert r.status_code == 200
    body = r.json()
    assert {i["name"] for i in body["inspectors"]} == {m.officer.name for m in task.inspectors.all()}
    assert all(i["valid"] and i["credential"] for i in body["inspectors"])
    assert "id_number" not in json.dumps(body) and body["can_rate"] is False
    rating = {"visit_confirmed": True, "score": "satisfied"}
    assert (
        client.post(
            f"/api/v1/public/inspection-codes/{task.code}/rating", rating, content_type="application/json"
        ).status_code
        == 409
    )
    user = task.inspectors.order_by("position").first().officer.user  # type: ignore[union-attr]
    task_apply_event(task_id=task.pk, actor=user, event="start", data={})
    r = client.post(
        f"/api/v1/public/inspection-codes/{task.code}/rating", rating, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["rated"] is True
    assert client.get("/api/v1/public/inspection-codes/JCXXXXXXXXXX").status_code == 404


def test_rating_is_rate_limited(world, iw) -> None:
    client = Client()
    statuses = [
        client.post(
            "/api/v1/public/inspection-codes/JCNOTHING22/rating",
            {"visit_confirmed": True, "score": "satisfied"},
            content_type="application/json",
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [404] * 5 + [429]
