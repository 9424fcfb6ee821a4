"""The JSON API of the power list and the law library (shared/API.md)."""

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from zhifa.core import testdata
from zhifa.org.factories import WORLD, OrgWorld
from zhifa.powers.data_files import data_dir
from zhifa.powers.factories import make_item, tier
from zhifa.powers.importing import import_power_list
from zhifa.powers.models import PowerItem

pytestmark = pytest.mark.django_db


LAWS = ["大气污染防治法(2018-10-26).md", "城市道路管理条例(2019-03-24).md", "城乡规划法(2019-04-23).md"]


def import_library(below: dict[str, Any]) -> OrgWorld:
    world: OrgWorld = below[WORLD.key]
    # Three statutes are enough here (and fast); test_law_library.py searches all 23.
    with tempfile.TemporaryDirectory() as folder:
        for name in LAWS:
            (Path(folder) / name).write_bytes((data_dir() / "laws" / name).read_bytes())
        call_command("import_laws", folder, verbosity=0)
    data = data_dir()
    import_power_list(
        actor=None,
        items=("power_items.csv", (data / "power_items.csv").read_bytes()),
        tiers=("discretion_tiers.csv", (data / "discretion_tiers.csv").read_bytes()),
        agency=world.agency_a,
        area="城市管理",
    )
    return world


# ~1 s of CPU to import: once per test process, shared by this module's tests (zhifa.core.testdata)
LIBRARY = testdata.Layer("powers: three statutes and agency A's power list", import_library, WORLD)


@pytest.fixture
@testdata.hands_out(LIBRARY)
def library(world, request):
    return testdata.objects(request, LIBRARY, lambda: import_library({WORLD.key: world}))


def test_list_counts_and_finds_a_code(client, library, api_token) -> None:
    headers = api_token(library.officer_a)
    body = client.get("/api/v1/powers?page_size=5", **headers).json()
    assert body["count"] == 79 and len(body["results"]) == 5
    found = client.get("/api/v1/powers?q=CF-DL-001&page_size=20", **headers).json()["results"]
    item = next(p for p in found if p["code"] == "CF-DL-001")
    assert item["id"] and item["agency"] == library.agency_a.id and item["area"] == "城市管理"
    assert item["fine_max"] == "20000.00" and item["fine_min"] is None
    assert item["category"] == "penalty" and item["category_label"] == "行政处罚"
    penalty = item["legal_basis"]["penalty"][0]
    assert penalty["resolved"] and penalty["article_number"] == 42 and penalty["law"] == "城市道路管理条例"


def test_list_searches_text_and_filters(client, library, api_token) -> None:
    headers = api_token(library.officer_b)  # another agency's officer: the power list is public
    codes = [p["code"] for p in client.get("/api/v1/powers?q=露天烧烤", **headers).json()["results"]]
    assert codes == ["CF-DQ-006"]
    inspections = client.get("/api/v1/powers?category=行政检查", **headers).json()
    assert inspections["count"] == 3


def test_list_runs_a_constant_number_of_queries(
    client, library, api_token, django_assert_max_num_queries
) -> None:
    headers = api_token(library.officer_a)
    client.get("/api/v1/powers?page_size=2", **headers)
    with django_assert_max_num_queries(12) as small:
        client.get("/api/v1/powers?page_size=2", **headers)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/api/v1/powers?page_size=79", **headers)


def test_detail_includes_tiers_with_decimal_strings(client, library, api_token) -> None:
    item = PowerItem.objects.get(code="CF-JZ-003")
    body = client.get(f"/api/v1/powers/{item.id}", **api_token(library.officer_a)).json()
    assert [(t["name"], t["fine_min"], t["fine_max"]) for t in body["tiers"]] == [
        ("轻微", "5000.00", "15000.00"),
        ("一般", "15000.00", "30000.00"),
        ("严重", "30000.00", "50000.00"),
    ]


def test_discretion_endpoint_classifies(client, library, api_token) -> None:
    item = PowerItem.objects.get(code="CF-GH-001")
    url = f"/api/v1/powers/{item.id}/discretion"
    headers = api_token(library.officer_a)
    body = client.get(
        url,
        {"party_kind": "organisation", "tier": "按期改正", "amount": "49999.99", "base_amount": "1000000"},
        **headers,
    ).json()
    assert body["permitted_range"] == {"min": "50000.00", "max": "50000.00"}
    assert body["classification"] == "below_legal_minimum"
    refused = client.get(url, {"party_kind": "organisation", "tier": "按期改正"}, **headers)
    assert refused.status_code == 400 and refused.json()["code"] == "base_amount_required"


def test_only_administrators_write(client, world, api_token) -> None:
    payload = {
        "code": "API-1",
        "name": "测试事项",
        "category": "行政处罚",
        "fine_max": "1000",
        "fine_basis": "fixed",
    }
    denied = client.post(
        "/api/v1/powers", payload, content_type="application/json", **api_token(world.officer_a)
    )
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    assert not PowerItem.objects.exists()


def test_create_patch_publish_keeps_the_live_version(client, world, api_token) -> None:
    headers = api_token(world.admin)
    created = client.post(
        "/api/v1/powers",
        {
            "code": "API-1",
            "name": "未经批准挖掘城市道路",
            "category": "penalty",
            "party_type": "单位",
            "fine_max": "20000",
            "fine_basis": "fixed",
            "tiers": [{"name": "轻微", "fine_max": "5000"}],
            "agency_id": world.agency_a.id,
            "publish": True,
        },
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert created.json()["version"] == 1 and created.json()["version_status"] == "published"
    patched = client.patch(
        f"/api/v1/powers/{item_id}", {"fine_max": "30000"}, content_type="application/json", **headers
    ).json()
    assert patched["fine_max"] == "20000.00" and patched["has_draft"] is True  # live version unchanged
    published = client.post(f"/api/v1/powers/{item_id}/publish", **headers).json()
    assert published["version"] == 2 and published["fine_max"] == "30000.00"
    old = client.get(f"/api/v1/powers/{item_id}/versions/1", **headers).json()
    assert old["fine_max"] == "20000.00" and old["version_status"] == "superseded"


def test_bad_input_is_refused_with_the_error_format(client, world, api_token) -> None:
    headers = api_token(world.admin)
    bad = client.post(
        "/api/v1/powers",
        {
            "code": "X-1",
            "name": "事项",
            "category": "行政处分",
            "fine_min": "500",
            "fine_max": "100",
            "fine_basis": "fixed",
        },
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_power_item" and "权力类别" in bad.json()["message"]
    item = make_item("X-2", tiers=(tier("轻微", None, 100),), fine_max=1000)
    tier_out_of_range = client.patch(
        f"/api/v1/powers/{item.id}",
        {"tiers": [{"name": "严重", "fine_min": "500", "fine_max": "5000"}]},
        content_type="application/json",
        **headers,
    )
    assert (
        tier_out_of_range.status_code == 400 and "行政处罚法第三十四条" in tier_out_of_range.json()["message"]
    )
    assert item.versions.count() == 1


def test_import_endpoint_all_or_nothing(client, world, api_token) -> None:
    headers = api_token(world.admin)
    good = (data_dir() / "power_items.csv").read_bytes()
    response = client.post(
        "/api/v1/powers/import",
        {
            "items": SimpleUploadedFile("power_items.csv", good),
            "agency_id": world.agency_a.id,
            "area": "城市管理",
        },
        **headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 79 and response.json()["errors"] == []
    bad = good.replace(b"CF-GH-001,", b",", 1)
    rejected = client.post("/api/v1/powers/import", {"items": SimpleUploadedFile("x.csv", bad)}, **headers)
    assert rejected.status_code == 422
    body = rejected.json()
    assert body["code"] == "import_rejected" and body["errors"][0]["row"] == 2
    assert body["created"] == 0 and PowerItem.objects.count() == 79
    corrupt = client.post(
        "/api/v1/powers/import", {"items": SimpleUploadedFile("x.xlsx", b"PK\x03\x04junk")}, **headers
    )
    assert corrupt.status_code == 400 and corrupt.json()["code"] == "bad_xlsx"


def test_export_endpoint(client, library, api_token) -> None:
    response = client.get("/api/v1/powers/export?format=csv&file=items", **api_token(library.officer_a))
    assert response.status_code == 200
    assert response.content.decode() == (data_dir() / "power_items.csv").read_text(encoding="utf-8")
    xlsx = client.get("/api/v1/powers/export?format=xlsx&file=tiers", **api_token(library.officer_a))
    assert xlsx.content[:4] == b"PK\x03\x04"


def test_laws_search_and_article(client, library, api_token) -> None:
    headers = api_token(library.officer_a)
    laws = client.get("/api/v1/laws?page_size=50", **headers).json()
    assert laws["count"] == 3
    hits = client.get("/api/v1/laws", {"q": "露天烧烤"}, **headers).json()
    first = hits["results"][0]
    assert (first["short_name"], first["article"]["number"]) == ("大气污染防治法", 118)
    assert "<mark>" in first["article"]["snippet_html"]
    law_id = first["id"]
    by_number = client.get(f"/api/v1/laws/{law_id}/articles/118", **headers).json()
    by_text = client.get(f"/api/v1/laws/{law_id}/articles/第一百一十八条", **headers).json()
    assert by_number == by_text and "露天烧烤" in by_number["text"]
    assert client.get(f"/api/v1/laws/{law_id}/articles/9999", **headers).status_code == 404
    assert client.get(f"/api/v1/laws/{law_id}/articles/abc", **headers).status_code == 404


def test_the_api_needs_a_signed_in_user(client, library) -> None:
    assert client.get("/api/v1/powers").status_code == 401
    assert client.get("/api/v1/laws").status_code == 401


def test_decimal_amounts_are_strings(client, library, api_token) -> None:
    item = client.get("/api/v1/powers?q=CF-GH-001", **api_token(library.officer_a)).json()["results"][0]
    assert item["fine_min"] == "5.00" and Decimal(item["fine_max"]) == 10
