"""GET/POST /api/v1/officers, credentials and the public credential check."""

import datetime as dt

import pytest
from django.utils import timezone

from zhifa.audit.models import AuditEntry
from zhifa.officers import services
from zhifa.officers.factories import make_credential, make_officer
from zhifa.officers.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world):
    """Agency A: two credentialed officers (one linked to officer_a), one without a credential
    registered first, one revoked; agency B: one officer."""
    uncredentialed = make_officer(agency=world.agency_a, name="甲无证")
    a1 = make_officer(agency=world.agency_a, unit=world.squad_a1, user=world.officer_a, name="张三")
    make_credential(a1, number="CSA0001")
    a2 = make_officer(agency=world.agency_a, unit=world.squad_a2, user=world.officer_a2, name="李四")
    make_credential(a2, number="CSA0002")
    revoked = make_officer(agency=world.agency_a, name="丙注销")
    c = make_credential(revoked, number="CSA0003")
    services.credential_revoke(actor=None, credential_id=c.pk, reason="严重违纪，依法注销")
    b1 = make_officer(
        agency=world.agency_b, unit=world.unit_b, user=world.officer_b, name="王五", areas=["市场监管"]
    )
    make_credential(b1, number="CSB0001", areas=["市场监管"])
    return {"none": uncredentialed, "a1": a1, "a2": a2, "revoked": revoked, "b1": b1}


def test_list_is_scoped_to_the_callers_agency_and_valid_officers_come_first(
    client, world, staff, api_token
) -> None:
    body = client.get("/api/v1/officers?page_size=200", **api_token(world.officer_a)).json()
    assert body["count"] == 4
    names = [o["name"] for o in body["results"]]
    assert names[:2] == ["张三", "李四"]
    assert set(names[2:]) == {"甲无证", "丙注销"}
    first = body["results"][0]
    assert first["valid_today"] is True and first["credentials"][0]["number"] == "CSA0001"
    assert "城市管理" in first["credentials"][0]["areas"]
    assert "王五" not in names


def test_supervisor_sees_every_agency_and_outsider_sees_none(client, world, staff, api_token) -> None:
    assert client.get("/api/v1/officers", **api_token(world.supervisor)).json()["count"] == 5
    assert client.get("/api/v1/officers", **api_token(world.outsider)).json()["count"] == 0


def test_list_runs_a_constant_number_of_queries(
    client, world, staff, api_token, django_assert_max_num_queries
) -> None:
    headers = api_token(world.supervisor)
    with django_assert_max_num_queries(12) as small:
        client.get("/api/v1/officers", **headers)
    for _ in range(6):
        make_credential(make_officer(agency=world.agency_a))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/officers", **headers).json()["count"] == 11


def test_filters_by_status_and_agency(client, world, staff, api_token) -> None:
    headers = api_token(world.supervisor)
    get = lambda q: [o["name"] for o in client.get(f"/api/v1/officers?{q}", **headers).json()["results"]]  # noqa: E731
    assert get("status=revoked") == ["丙注销"]
    assert get("status=none") == ["甲无证"]
    assert set(get("status=valid")) == {"张三", "李四", "王五"}
    assert get(f"agency={world.agency_b.pk}") == ["王五"]
    assert client.get("/api/v1/officers?status=bogus", **headers).status_code == 400


def test_detail_masks_the_id_number_except_for_admins(client, world, staff, api_token) -> None:
    a1 = staff["a1"]
    seen_by_officer = client.get(f"/api/v1/officers/{a1.pk}", **api_token(world.officer_a)).json()
    assert seen_by_officer["id_number"] != a1.id_number
    assert seen_by_officer["id_number"].startswith(a1.id_number[:4]) and "*" in seen_by_officer["id_number"]
    seen_by_admin = client.get(f"/api/v1/officers/{a1.pk}", **api_token(world.admin)).json()
    assert seen_by_admin["id_number"] == a1.id_number


def test_detail_of_another_agencys_officer_is_404(client, world, staff, api_token) -> None:
    response = client.get(f"/api/v1/officers/{staff['b1'].pk}", **api_token(world.officer_a))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_admin_creates_an_officer_and_issues_a_credential(client, world, api_token) -> None:
    headers = api_token(world.admin)
    response = client.post(
        "/api/v1/officers",
        {
            "agency_id": world.agency_a.pk,
            "unit_id": world.squad_a1.pk,
            "name": "周九",
            "gender": "female",
            "id_number": "11010519491231002X",
            "areas": ["城市管理"],
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    officer_id = response.json()["id"]
    today = timezone.localdate()
    issued = client.post(
        f"/api/v1/officers/{officer_id}/credentials",
        {
            "number": "hz-2025-0001",
            "issuer": "测试市人民政府",
            "areas": ["城市管理"],
            "issued_on": str(today),
            "expires_on": str(today + dt.timedelta(days=365 * 3)),
        },
        content_type="application/json",
        **headers,
    )
    assert issued.status_code == 201, issued.content
    assert issued.json()["number"] == "HZ-2025-0001"
    assert issued.json()["valid_today"] is True
    assert AuditEntry.objects.filter(action="officers.credential_issue").count() == 1
    assert CredentialEvent.objects.filter(credential__number="HZ-2025-0001", action="issue").count() == 1


def test_credential_numbers_are_unique(client, world, staff, api_token) -> None:
    headers = api_token(world.admin)
    response = client.post(
        f"/api/v1/officers/{staff['none'].pk}/credentials",
        {
            "number": "csa0001",
            "issuer": "测试市人民政府",
            "areas": ["城市管理"],
            "issued_on": "2025-01-01",
            "expires_on": "2030-01-01",
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "credential_number_taken"
    assert "CSA0001" in response.json()["message"]
    assert Credential.objects.filter(officer=staff["none"]).count() == 0


def test_non_admins_cannot_write(client, world, staff, api_token) -> None:
    credential = staff["a1"].credentials.get()
    response = client.post(
        f"/api/v1/credentials/{credential.pk}/suspend",
        {"reason": "x"},
        content_type="application/json",
        **api_token(world.approver_a),
    )
    assert response.status_code == 403
    credential.refresh_from_db()
    assert credential.status == "valid"


def test_bad_input_is_a_4xx_and_changes_nothing(client, world, staff, api_token) -> None:
    headers = api_token(world.admin)
    bad_id = client.post(
        "/api/v1/officers",
        {"agency_id": world.agency_a.pk, "name": "坏号", "gender": "male", "id_number": "110105194912310021"},
        content_type="application/json",
        **headers,
    )
    assert bad_id.status_code == 400 and bad_id.json()["code"] == "invalid_id_number"
    dates = client.post(
        f"/api/v1/officers/{staff['none'].pk}/credentials",
        {
            "number": "NEW0001",
            "issuer": "x",
            "areas": ["城市管理"],
            "issued_on": "2025-01-01",
            "expires_on": "2024-01-01",
        },
        content_type="application/json",
        **headers,
    )
    assert dates.status_code == 400
    malformed = client.post("/api/v1/officers", "{not json", content_type="application/json", **headers)
    assert malformed.status_code in (400, 422)
    credential = staff["a1"].credentials.get()
    no_reason = client.post(
        f"/api/v1/credentials/{credential.pk}/revoke",
        {"reason": "  "},
        content_type="application/json",
        **headers,
    )
    assert no_reason.status_code == 400
    twice = client.post(
        f"/api/v1/credentials/{credential.pk}/reinstate",
        {"reason": "x"},
        content_type="application/json",
        **headers,
    )
    assert twice.status_code == 409
    credential.refresh_from_db()
    assert credential.status == "valid"


PUBLIC_KEYS = {
    "number",
    "name",
    "agency",
    "kind",
    "areas",
    "scope",
    "issuer",
    "expires_on",
    "valid",
    "status",
    "photo_url",
    "checked_on",
}


def test_public_check_of_a_valid_credential_needs_no_login(client, staff) -> None:
    body = client.get("/api/v1/public/credentials/csa0001").json()
    assert set(body) == PUBLIC_KEYS
    assert body["valid"] is True and body["status"] == "有效"
    assert body["name"] == "张三" and body["agency"] == "测试市城市管理局"


def test_public_check_of_a_revoked_credential_shows_only_the_listed_fields(client, staff) -> None:
    response = client.get("/api/v1/public/credentials/CSA0003")
    body = response.json()
    assert response.status_code == 200
    assert set(body) == PUBLIC_KEYS
    assert body["valid"] is False and body["status"].startswith("无效")
    text = response.content.decode()
    officer = staff["revoked"]
    assert officer.id_number not in text and officer.id_number[-4:] not in text
    assert "严重违纪" not in text  # the revocation reason is not public
    assert "gender" not in text and "male" not in text


def test_public_check_of_an_unknown_number_is_a_clear_404(client) -> None:
    response = client.get("/api/v1/public/credentials/NOPE9999")
    assert response.status_code == 404
    assert response.json()["code"] == "credential_not_found"
    assert client.get("/api/v1/public/credentials/" + "x" * 300).status_code == 404


def test_stats_endpoint_is_scoped(client, world, staff, api_token) -> None:
    rows = client.get("/api/v1/officers/stats", **api_token(world.officer_a)).json()
    assert [r["agency"] for r in rows] == [world.agency_a.pk]
    assert rows[0]["officers"] == 4 and rows[0]["credentialed"] == 2 and rows[0]["credential_rate"] == "50.0"
    assert rows[0]["targets"]["credential_rate_target"]["value"] == "85"
    assert client.get("/api/v1/officers/stats?year=1800", **api_token(world.officer_a)).status_code == 400


def test_training_import_over_the_api_reports_row_errors(client, world, staff, api_token, xlsx) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhifa.officers.models import TrainingRecord

    head = ["执法证号", "姓名", "培训类型", "培训名称", "培训日期", "学时"]
    bad = xlsx(
        [
            head,
            ["CSA0001", "张三", "集中学法", "学法", "2025-03-01", 4],
            ["CSA0002", "错名", "集中学法", "学法", "2025-03-01", 4],
        ]
    )
    response = client.post(
        "/api/v1/officers/import/training",
        {"file": SimpleUploadedFile("t.xlsx", bad)},
        **api_token(world.admin),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "import_rows_invalid"
    assert response.json()["detail"]["errors"][0]["row"] == 3
    assert TrainingRecord.objects.count() == 0
    good = xlsx([head, ["CSA0001", "张三", "集中学法", "学法", "2025-03-01", 4]])
    ok = client.post(
        "/api/v1/officers/import/training",
        {"file": SimpleUploadedFile("g.xlsx", good)},
        **api_token(world.admin),
    )
    assert ok.status_code == 200 and ok.json()["created"] == 1
    listed = client.get(f"/api/v1/officers/{staff['a1'].pk}/trainings", **api_token(world.officer_a)).json()
    assert listed[0]["hours"] == "4.0"
