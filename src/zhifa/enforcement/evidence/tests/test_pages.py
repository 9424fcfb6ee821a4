from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhifa.enforcement.evidence.factories import digests, jpeg_bytes, make_evidence, mp4_bytes
from zhifa.enforcement.evidence.models import Evidence

from .conftest import staging_files, stored_files

pytestmark = pytest.mark.django_db


def test_an_officer_uploads_from_the_page_with_the_csrf_check(world, evidence_root: Path) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer_a)
    page = client.get("/evidence/upload/")
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    data = jpeg_bytes(seed=8)
    response = client.post(
        "/evidence/upload/",
        {
            "csrfmiddlewaretoken": token,
            "agency_id": str(world.agency_a.pk),
            "file": SimpleUploadedFile("a.jpg", data),
            "captured_at": "2025-06-02T09:30",
            "latitude": "34.1",
            "longitude": "113.2",
            "description": "现场",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    evidence = Evidence.objects.get()
    assert evidence.blob.sha256 == digests(data)[0] and evidence.latitude is not None
    assert client.get(response["Location"]).status_code == 200


def test_a_page_upload_without_the_csrf_token_is_refused_and_keeps_nothing(
    world, evidence_root: Path
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer_a)
    client.get("/evidence/upload/")
    response = client.post(
        "/evidence/upload/",
        {"agency_id": str(world.agency_a.pk), "file": SimpleUploadedFile("a.jpg", jpeg_bytes())},
    )
    assert response.status_code == 403
    assert (
        Evidence.objects.count() == 0
        and stored_files(evidence_root) == []
        and staging_files(evidence_root) == []
    )


def test_a_refused_page_upload_shows_the_reason_in_chinese(client, world, evidence_root: Path) -> None:
    client.force_login(world.officer_a)
    response = client.post(
        "/evidence/upload/",
        {
            "agency_id": str(world.agency_a.pk),
            "kind": "video",
            "file": SimpleUploadedFile("a.mp4", jpeg_bytes()),
        },
    )
    assert response.status_code == 400
    assert "JPEG" in response.content.decode() and staging_files(evidence_root) == []


def test_the_detail_page_shows_digests_and_verification(client, world) -> None:
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(seed=2))
    client.force_login(world.approver_a)
    assert client.post(f"/evidence/{ev.pk}/verify/").status_code == 302
    page = client.get(f"/evidence/{ev.pk}/").content.decode()
    assert ev.blob.sha256 in page and ev.blob.sm3 in page and "<video" in page
    client.force_login(world.officer_b)
    assert client.get(f"/evidence/{ev.pk}/").status_code == 404
    assert client.get(f"/evidence/{ev.pk}/content/").status_code == 404


def test_the_list_page_runs_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
) -> None:
    client.force_login(world.officer_a)
    for i in range(2):
        make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=300 + i))
    client.get("/evidence/")
    with django_assert_max_num_queries(20) as first:
        assert client.get("/evidence/").status_code == 200
    for i in range(10):
        make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=400 + i))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get("/evidence/").status_code == 200


def test_the_destruction_queue_is_for_approvers(client, world) -> None:
    client.force_login(world.officer_a)
    assert client.get("/evidence/destructions/").status_code == 403
    client.force_login(world.approver_a)
    assert client.get("/evidence/destructions/").status_code == 200
