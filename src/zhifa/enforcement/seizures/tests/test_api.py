import datetime as dt

import pytest

from .test_seizures import ITEMS, _seize

pytestmark = pytest.mark.django_db


def test_an_approver_records_a_seizure_through_the_api(client, kit, case, api_token) -> None:
    response = client.post(
        f"/api/v1/cases/{case.pk}/seizures",
        {
            "measure": "seizure",
            "reason": "涉案工具",
            "basis": "《城市道路管理条例》第四十二条",
            "started_at": "2025-05-07T10:00:00+08:00",
            "officer_ids": [kit.officer_a.pk, kit.officer_a2.pk],
            "items": ITEMS,
            "storage_location": "仓库",
        },
        content_type="application/json",
        **api_token(kit.world.approver_a),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["due_on"] == "2025-06-06" and len(body["items"]) == 2 and body["term_status"] == "overdue"


def test_one_officer_is_refused_with_the_article(client, kit, case, api_token) -> None:
    response = client.post(
        f"/api/v1/cases/{case.pk}/seizures",
        {
            "measure": "seizure",
            "reason": "x",
            "basis": "y",
            "started_at": "2025-05-07T10:00:00+08:00",
            "officer_ids": [kit.officer_a.pk],
            "items": ITEMS,
            "storage_location": "仓库",
        },
        content_type="application/json",
        **api_token(kit.world.approver_a),
    )
    assert response.status_code == 422
    assert response.json()["detail"]["article"] == "行政强制法第十八条第二项"


def test_the_register_filters_and_scopes(client, kit, case, api_token) -> None:
    seizure = _seize(kit, case, at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=dt.UTC))
    rows = client.get("/api/v1/seizures?status=active", **api_token(kit.world.supervisor)).json()
    assert [r["id"] for r in rows["results"]] == [seizure.pk]
    assert client.get("/api/v1/seizures", **api_token(kit.world.officer_b)).json()["count"] == 0
    assert client.get(f"/api/v1/seizures/{seizure.pk}", **api_token(kit.world.officer_b)).status_code == 404
    response = client.post(
        f"/api/v1/seizures/{seizure.pk}/extension",
        {"days": 40, "reason": "复杂", "decided_on": "2025-06-30"},
        content_type="application/json",
        **api_token(kit.world.approver_a),
    )
    assert response.status_code == 422 and "第二十五条" in response.json()["message"]


def test_disposal_through_the_api(client, kit, case, api_token) -> None:
    seizure = _seize(kit, case)
    response = client.post(
        f"/api/v1/seizures/{seizure.pk}/dispositions",
        {"outcome": "returned", "decided_on": "2025-05-20", "receiver": "当事人"},
        content_type="application/json",
        **api_token(kit.world.officer_a),
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "disposed" and response.json()["term_status"] == "met"


def test_the_register_api_runs_a_constant_number_of_queries(
    client, kit, case, api_token, django_assert_max_num_queries
) -> None:
    headers = api_token(kit.world.supervisor)
    _seize(kit, case)
    client.get("/api/v1/seizures", **headers)
    with django_assert_max_num_queries(20) as first:
        assert client.get("/api/v1/seizures", **headers).json()["count"] == 1
    for _i in range(4):
        _seize(kit, case)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get("/api/v1/seizures", **headers).json()["count"] == 5
