import pytest

from zhifa.enforcement.evidence.factories import digests, mp4_bytes
from zhifa.enforcement.evidence.models import Evidence, UploadPart, UploadSession

from .conftest import staging_files, stored_files

pytestmark = pytest.mark.django_db


def _open(client, headers, world, data: bytes, **extra):
    return client.post(
        "/api/v1/evidence/uploads",
        {
            "agency_id": world.agency_a.pk,
            "size": len(data),
            "filename": "DSJ_0007.MP4",
            "kind": "video",
            "device": "DSJ-07",
            **extra,
        },
        content_type="application/json",
        **headers,
    )


def _patch(client, headers, url: str, offset: int, chunk: bytes):
    return client.generic(
        "PATCH",
        url,
        chunk,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
        **headers,
    )


def test_a_file_sent_in_chunks_becomes_evidence(client, world, api_token, evidence_root) -> None:
    headers = api_token(world.officer_a)
    data = mp4_bytes(250_000, seed=31)
    sha256, sm3 = digests(data)
    opened = _open(client, headers, world, data, sha256=sha256)
    assert opened.status_code == 201, opened.content
    url = opened.json()["upload_url"]
    offset = 0
    for size in (100_000, 100_000, 50_000 + len(data) - 250_000):
        response = _patch(client, headers, url, offset, data[offset : offset + size])
        assert response.status_code == 200, response.content
        offset += size
        assert int(response["Upload-Offset"]) == offset
    body = response.json()
    assert body["state"] == "complete"
    assert (body["evidence"]["sha256"], body["evidence"]["sm3"]) == (sha256, sm3)
    assert body["evidence"]["device"] == "DSJ-07"
    assert stored_files(evidence_root)[0].read_bytes() == data
    assert staging_files(evidence_root) == [] and UploadPart.objects.count() == 0


def test_after_a_dropped_connection_the_client_resumes_from_the_reported_offset(
    client, world, api_token
) -> None:
    headers = api_token(world.officer_a)
    data = mp4_bytes(120_000, seed=32)
    url = _open(client, headers, world, data).json()["upload_url"]
    assert _patch(client, headers, url, 0, data[:70_000]).status_code == 200
    # The client lost the answer and retries from 0: refused, told where to continue.
    retry = _patch(client, headers, url, 0, data[:70_000])
    assert retry.status_code == 409
    assert retry.json()["detail"]["offset"] == 70_000
    head = client.head(url, **headers)
    assert (
        head.status_code == 200
        and head["Upload-Offset"] == "70000"
        and head["Upload-Length"] == str(len(data))
    )
    done = _patch(client, headers, url, 70_000, data[70_000:])
    assert done.json()["state"] == "complete"
    assert Evidence.objects.get().blob.sha256 == digests(data)[0]


def test_a_chunk_past_the_declared_size_is_refused(client, world, api_token) -> None:
    headers = api_token(world.officer_a)
    data = mp4_bytes(1000)
    url = _open(client, headers, world, data).json()["upload_url"]
    response = _patch(client, headers, url, 0, data + b"extra")
    assert response.status_code == 400
    assert client.get(url, **headers).json()["offset"] == 0


def test_a_declared_digest_mismatch_at_the_end_keeps_nothing(client, world, api_token, evidence_root) -> None:
    headers = api_token(world.officer_a)
    data = mp4_bytes(5000, seed=33)
    url = _open(client, headers, world, data, sha256="f" * 64).json()["upload_url"]
    response = _patch(client, headers, url, 0, data)
    assert response.status_code == 400 and response.json()["code"] == "sha256_mismatch"
    assert UploadSession.objects.get().state == "failed"
    assert Evidence.objects.count() == 0
    assert stored_files(evidence_root) == [] and staging_files(evidence_root) == []
    assert UploadPart.objects.count() == 0
    assert _patch(client, headers, url, 0, data).status_code == 409  # closed for good


def test_bad_metadata_is_refused_when_the_session_opens(client, world, api_token) -> None:
    response = _open(client, api_token(world.officer_a), world, b"x" * 10, captured_at="not a time")
    assert response.status_code == 400
    assert "captured_at" in response.json()["detail"]["fields"]
    assert UploadSession.objects.count() == 0


def test_only_the_person_who_opened_it_may_continue(client, world, api_token) -> None:
    data = mp4_bytes(1000)
    url = _open(client, api_token(world.officer_a), world, data).json()["upload_url"]
    assert _patch(client, api_token(world.officer_a2), url, 0, data).status_code == 404


def test_a_cancelled_upload_removes_its_bytes(client, world, api_token, evidence_root) -> None:
    headers = api_token(world.officer_a)
    data = mp4_bytes(9000)
    url = _open(client, headers, world, data).json()["upload_url"]
    _patch(client, headers, url, 0, data[:4000])
    assert UploadPart.objects.count() == 1
    assert client.delete(url, **headers).status_code == 204
    assert staging_files(evidence_root) == [] and UploadPart.objects.count() == 0
    assert _patch(client, headers, url, 4000, data[4000:]).status_code == 409


def test_the_wrong_content_type_is_refused(client, world, api_token) -> None:
    headers = api_token(world.officer_a)
    url = _open(client, headers, world, b"x" * 10).json()["upload_url"]
    response = client.generic(
        "PATCH", url, b"x" * 10, content_type="application/json", HTTP_UPLOAD_OFFSET="0", **headers
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_content_type"


def test_expired_sessions_are_swept(world, evidence_root) -> None:
    import datetime as dt

    from django.utils import timezone

    from zhifa.enforcement.evidence.uploads import (
        upload_session_append,
        upload_session_open,
        upload_sessions_sweep,
    )

    session = upload_session_open(
        actor=world.officer_a, agency=world.agency_a, size=10, filename="a", fields={}
    )
    upload_session_append(
        actor=world.officer_a, session_id=session.pk, offset=0, length=4, read=lambda n: b"abcd"[:n]
    )
    assert UploadPart.objects.filter(session=session).count() == 1
    assert upload_sessions_sweep(now=timezone.now() + dt.timedelta(hours=25)) == 1
    session.refresh_from_db()
    assert session.state == "aborted" and UploadPart.objects.count() == 0


def test_a_large_chunk_is_kept_in_parts_of_bounded_size(client, world, api_token, evidence_root) -> None:
    from zhifa.enforcement.evidence.uploads import PART_SIZE

    headers = api_token(world.officer_a)
    data = mp4_bytes(PART_SIZE * 2 + 1000, seed=35)
    url = _open(client, headers, world, data).json()["upload_url"]
    first = PART_SIZE * 2 + 10
    assert _patch(client, headers, url, 0, data[:first]).status_code == 200
    assert list(UploadPart.objects.order_by("offset").values_list("offset", flat=True)) == [
        0,
        PART_SIZE,
        PART_SIZE * 2,
    ]
    response = _patch(client, headers, url, first, data[first:])
    assert response.json()["state"] == "complete"
    assert stored_files(evidence_root)[0].read_bytes() == data and UploadPart.objects.count() == 0


def test_disk_full_while_joining_keeps_the_parts_and_a_retry_completes(
    client, world, api_token, evidence_root, monkeypatch
) -> None:
    """ENOSPC on the server's staging disk: a clear 507, no staging file left, nothing lost; once there
    is room, the client sends the last request again (an empty chunk at the final offset)."""
    import errno

    from zhifa.enforcement.evidence import uploads

    headers = api_token(world.officer_a)
    data = mp4_bytes(30_000, seed=36)
    url = _open(client, headers, world, data).json()["upload_url"]
    real = uploads._new_staging_file

    class FullDisk:
        def __init__(self, handle) -> None:
            self._handle = handle
            self.name = handle.name

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self._handle.close()

    monkeypatch.setattr(uploads, "_new_staging_file", lambda *a, **k: FullDisk(real(*a, **k)))
    response = _patch(client, headers, url, 0, data)
    assert response.status_code == 507 and response.json()["code"] == "insufficient_storage"
    assert staging_files(evidence_root) == [] and stored_files(evidence_root) == []
    assert UploadSession.objects.get().state == "open" and Evidence.objects.count() == 0
    monkeypatch.setattr(uploads, "_new_staging_file", real)
    # an empty final request (Django's test client drops the content type of an empty body)
    response = client.generic(
        "PATCH",
        url,
        b"",
        CONTENT_TYPE="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(len(data)),
        **headers,
    )
    assert response.status_code == 200 and response.json()["state"] == "complete", response.content
    assert stored_files(evidence_root)[0].read_bytes() == data
