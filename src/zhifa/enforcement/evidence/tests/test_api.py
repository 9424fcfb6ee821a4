import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from zhifa.core.files.models import Blob
from zhifa.enforcement.evidence.factories import digests, jpeg_bytes, make_evidence, mp4_bytes
from zhifa.enforcement.evidence.models import Evidence

from .conftest import staging_files, stored_files

pytestmark = pytest.mark.django_db


def _post(client, headers, data: dict, *, cut: int = 0, path: str = "/api/v1/evidence"):
    body = encode_multipart(BOUNDARY, data)
    if cut:
        body = body[:-cut]
    return client.generic("POST", path, body, content_type=MULTIPART_CONTENT, **headers)


def _fields(world, data: bytes, **extra):
    return {
        "file": SimpleUploadedFile("DSC_0042.JPG", data, "image/jpeg"),
        "agency_id": str(world.agency_a.pk),
        **extra,
    }


def test_upload_returns_the_evidence_with_both_digests(client, world, api_token, evidence_root: Path) -> None:
    data = jpeg_bytes(seed=11)
    sha256, sm3 = digests(data)
    response = _post(
        client,
        api_token(world.officer_a),
        _fields(
            world,
            data,
            kind="photo",
            description="占道经营现场",
            captured_at="2025-06-02T09:30:00+08:00",
            sha256=sha256.upper(),
            latitude="34.7466",
            longitude="113.6253",
            device="执法记录仪 DSJ-07",
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["sha256"], body["sm3"], body["size"], body["mime"]) == (sha256, sm3, len(data), "image/jpeg")
    assert body["latitude"] == "34.746600" and body["device"] == "执法记录仪 DSJ-07"
    assert body["captured_at"].startswith("2025-06-02T09:30:00")
    assert stored_files(evidence_root)[0].read_bytes() == data


def test_content_is_streamed_back_identical_and_the_access_recorded(client, world, api_token) -> None:
    data = mp4_bytes(200_000, seed=3)
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=data)
    response = client.get(f"/api/v1/evidence/{ev.pk}/content", **api_token(world.officer_a2))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["X-Content-SHA256"] == digests(data)[0]
    from zhifa.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="evidence.download", actor_name="officer_a2").count() == 1


def test_a_tampered_upload_is_refused_and_nothing_is_kept(
    client, world, api_token, evidence_root: Path
) -> None:
    data = jpeg_bytes(seed=12)
    tampered = data[:-10] + b"0123456789"
    response = _post(client, api_token(world.officer_a), _fields(world, tampered, sha256=digests(data)[0]))
    assert response.status_code == 400
    assert response.json()["code"] == "sha256_mismatch"
    assert "SHA-256" in response.json()["message"]
    assert Evidence.objects.count() == 0 and Blob.objects.count() == 0
    assert stored_files(evidence_root) == [] and staging_files(evidence_root) == []


@pytest.mark.parametrize("cut", [8, 300, 5000])
def test_a_truncated_upload_is_refused_and_nothing_is_kept(
    client, world, api_token, evidence_root, cut
) -> None:
    response = _post(client, api_token(world.officer_a), _fields(world, mp4_bytes(20_000)), cut=cut)
    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"upload_truncated", "upload_refused", "file_missing"}
    assert Evidence.objects.count() == 0
    assert stored_files(evidence_root) == [] and staging_files(evidence_root) == []


def test_a_body_shorter_than_its_content_length_is_refused(client, world, api_token, evidence_root) -> None:
    body = encode_multipart(BOUNDARY, _fields(world, mp4_bytes(20_000)))
    response = client.generic(
        "POST",
        "/api/v1/evidence",
        body[:-1000],
        content_type=MULTIPART_CONTENT,
        **{"CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body[:-1000])},
        **api_token(world.officer_a),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "upload_truncated"
    assert stored_files(evidence_root) == [] and staging_files(evidence_root) == []


def test_two_files_in_one_request_are_refused(client, world, api_token, evidence_root) -> None:
    fields = _fields(world, jpeg_bytes(seed=1))
    fields["other"] = SimpleUploadedFile("b.jpg", jpeg_bytes(seed=2), "image/jpeg")
    response = _post(client, api_token(world.officer_a), fields)
    assert response.status_code == 400
    assert response.json()["detail"]["unexpected_fields"] == ["other"]
    assert stored_files(evidence_root) == [] and staging_files(evidence_root) == []


def test_bad_metadata_is_refused_field_by_field(client, world, api_token, evidence_root) -> None:
    response = _post(
        client,
        api_token(world.officer_a),
        _fields(
            world,
            jpeg_bytes(),
            kind="painting",
            captured_at="yesterday",
            latitude="91",
            sha256="abc",
        ),
    )
    assert response.status_code == 400
    assert set(response.json()["detail"]["fields"]) == {"kind", "captured_at", "latitude", "sha256"}
    assert staging_files(evidence_root) == []


def test_capture_time_in_the_future_is_refused(client, world, api_token) -> None:
    response = _post(
        client,
        api_token(world.officer_a),
        _fields(world, jpeg_bytes(), captured_at="2099-01-01T00:00:00+08:00"),
    )
    assert response.status_code == 400 and "captured_at" in response.json()["detail"]["fields"]


def test_a_json_body_instead_of_multipart_is_refused(client, world, api_token) -> None:
    response = client.post(
        "/api/v1/evidence",
        {"agency_id": world.agency_a.pk},
        content_type="application/json",
        **api_token(world.officer_a),
    )
    assert response.status_code == 400 and response.json()["code"] == "upload_refused"


@pytest.mark.parametrize(("persona", "status"), [("officer_b", 403), ("supervisor", 403), ("outsider", 403)])
def test_only_the_agencys_officers_and_approvers_upload(client, world, api_token, persona, status) -> None:
    response = _post(client, api_token(getattr(world, persona)), _fields(world, jpeg_bytes()))
    assert response.status_code == status


def test_evidence_is_visible_in_scope_only(client, world, api_token) -> None:
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=5))
    assert client.get(f"/api/v1/evidence/{ev.pk}", **api_token(world.supervisor)).status_code == 200
    assert client.get(f"/api/v1/evidence/{ev.pk}", **api_token(world.officer_b)).status_code == 404
    assert client.get(f"/api/v1/evidence/{ev.pk}/content", **api_token(world.officer_b)).status_code == 404


def test_the_list_runs_a_constant_number_of_queries(
    client, world, api_token, django_assert_max_num_queries
) -> None:
    headers = api_token(world.officer_a)
    for i in range(3):
        make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=100 + i))
    client.get("/api/v1/evidence", **headers)  # warm caches (roles, scope)
    with django_assert_max_num_queries(8) as few:
        assert client.get("/api/v1/evidence", **headers).json()["count"] == 3
    for i in range(12):
        make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=200 + i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/evidence", **headers).json()["count"] == 15


def test_manual_verification_records_a_check(client, world, api_token) -> None:
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=6))
    response = client.post(f"/api/v1/evidence/{ev.pk}/verify", **api_token(world.approver_a))
    assert response.status_code == 200 and response.json()["ok"] is True
    assert client.post(f"/api/v1/evidence/{ev.pk}/verify", **api_token(world.officer_a)).status_code == 403
    checks = client.get(f"/api/v1/evidence/{ev.pk}/checks", **api_token(world.officer_a)).json()
    assert [c["trigger"] for c in checks] == ["manual"]


def test_disk_full_during_a_single_request_upload_is_a_507_and_nothing_is_kept(
    client, world, api_token, evidence_root, monkeypatch
) -> None:
    """ENOSPC while the multipart body is written to the staging disk: a clear 507 (the server's
    fault, not an interrupted client), no staging file left, no evidence row, no blob; the same
    upload succeeds once there is room."""
    import errno

    from zhifa.enforcement.evidence import staging

    real = staging._new_staging_file

    class FullDisk:
        def __init__(self, handle) -> None:
            self._handle = handle
            self.name = handle.name

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            self._handle.close()

    monkeypatch.setattr(staging, "_new_staging_file", lambda *a, **k: FullDisk(real(*a, **k)))
    data = mp4_bytes(50_000, seed=41)
    response = _post(client, api_token(world.officer_a), _fields(world, data))
    assert response.status_code == 507, response.content
    assert response.json()["code"] == "insufficient_storage"
    assert Evidence.objects.count() == 0 and Blob.objects.count() == 0
    assert stored_files(evidence_root) == [] and staging_files(evidence_root) == []
    monkeypatch.setattr(staging, "_new_staging_file", real)
    response = _post(client, api_token(world.officer_a), _fields(world, data))
    assert response.status_code == 201, response.content
    assert stored_files(evidence_root)[0].read_bytes() == data
