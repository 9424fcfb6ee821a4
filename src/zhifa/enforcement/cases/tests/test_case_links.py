"""The case page leads to the records other apps keep for it."""

import pytest

from zhifa.enforcement.cases.tests.builders import ordinary


@pytest.mark.django_db
def test_case_page_links_to_dossier_evidence_and_seizures(client, kit) -> None:
    case = ordinary(kit, "investigating")
    client.force_login(kit.world.officer_a)
    body = client.get(f"/cases/{case.id}/").content.decode()
    assert f"/documents/case/{case.id}/" in body
    assert f"/evidence/upload/?case={case.id}" in body
    assert f"/seizures/new/?case={case.id}" in body
    assert f"/seizures/?case={case.id}" in body
    for path in (
        f"/documents/case/{case.id}/",
        f"/evidence/upload/?case={case.id}",
        f"/seizures/?case={case.id}",
    ):
        assert client.get(path).status_code == 200, path
