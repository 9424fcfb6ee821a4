import datetime as dt

import pytest

from zhifa.enforcement.seizures.models import Seizure

from .test_seizures import _seize

pytestmark = pytest.mark.django_db


def test_an_approver_records_a_seizure_from_the_form(client, kit, case) -> None:
    client.force_login(kit.world.approver_a)
    assert client.get(f"/seizures/new/?case={case.pk}").status_code == 200
    response = client.post(
        f"/seizures/new/?case={case.pk}",
        {
            "measure": "seizure",
            "started_at": "2025-06-20T09:00",
            "reason": "涉案工具",
            "basis": "《城市道路管理条例》第四十二条",
            "officer_ids": [kit.officer_a.pk, kit.officer_a2.pk],
            "party_present": "on",
            "storage_location": "仓库",
            "item-0-description": "切割机",
            "item-0-quantity": "1",
            "item-0-unit": "台",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    seizure = Seizure.objects.get()
    assert seizure.items.count() == 1 and seizure.due_on == dt.date(2025, 7, 21)


def test_the_form_shows_the_legal_refusal(client, kit, case) -> None:
    client.force_login(kit.world.approver_a)
    response = client.post(
        f"/seizures/new/?case={case.pk}",
        {
            "measure": "seizure",
            "started_at": "2025-06-20T09:00",
            "reason": "x",
            "basis": "y",
            "officer_ids": [kit.officer_a.pk],
            "party_present": "on",
            "storage_location": "仓库",
            "item-0-description": "切割机",
            "item-0-quantity": "1",
            "item-0-unit": "台",
        },
    )
    assert response.status_code == 400 and "第十八条" in response.content.decode()
    assert Seizure.objects.count() == 0


def test_the_register_and_detail_pages(client, kit, case, django_assert_max_num_queries) -> None:
    seizure = _seize(kit, case)
    client.force_login(kit.world.supervisor)
    client.get("/seizures/")
    with django_assert_max_num_queries(25) as first:
        page = client.get("/seizures/?status=overdue")
    assert seizure.number in page.content.decode()
    for _i in range(3):
        _seize(kit, case)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get("/seizures/").status_code == 200
    detail = client.get(f"/seizures/{seizure.pk}/").content.decode()
    assert "挖掘机" in detail
    csv = b"".join(client.get("/seizures/register.csv").streaming_content).decode("utf-8-sig")
    assert "挖掘机（型号 SY75C）" in csv and seizure.number in csv


def test_disposal_and_extension_from_the_page(client, kit, case) -> None:
    seizure = _seize(kit, case, at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=dt.UTC))
    client.force_login(kit.world.approver_a)
    client.post(f"/seizures/{seizure.pk}/extend/", {"days": "45", "reason": "x", "decided_on": "2025-06-30"})
    seizure.refresh_from_db()
    assert seizure.extension_days == 0
    client.post(
        f"/seizures/{seizure.pk}/extend/", {"days": "20", "reason": "复杂", "decided_on": "2025-06-30"}
    )
    seizure.refresh_from_db()
    assert seizure.extension_days == 20
    client.post(
        f"/seizures/{seizure.pk}/dispose/",
        {"outcome": "returned", "decided_on": "2025-06-30", "receiver": "当事人"},
    )
    seizure.refresh_from_db()
    assert seizure.status == "disposed"
