"""The same flows on S3-compatible storage (django-storages against moto's server)."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from zhifa.core.files.models import Blob, BlobCheck
from zhifa.enforcement.evidence.factories import digests, jpeg_bytes, make_evidence, mp4_bytes
from zhifa.enforcement.evidence.models import Evidence

from .conftest import bucket_keys

pytestmark = pytest.mark.django_db


def _upload(client, headers, world, data: bytes, **extra):
    body = encode_multipart(
        BOUNDARY, {"file": SimpleUploadedFile("v.mp4", data), "agency_id": str(world.agency_a.pk), **extra}
    )
    return client.generic("POST", "/api/v1/evidence", body, content_type=MULTIPART_CONTENT, **headers)


def test_upload_stores_the_object_under_its_digest(client, world, api_token, s3_store, tmp_path) -> None:
    data = mp4_bytes(300_000, seed=21)
    sha256, sm3 = digests(data)
    response = _upload(client, api_token(world.officer_a), world, data, sha256=sha256)
    assert response.status_code == 201, response.content
    assert response.json()["sm3"] == sm3
    key = f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    assert bucket_keys(s3_store) == [key]
    assert s3_store.get_object(Bucket=s3_store.bucket, Key=key)["Body"].read() == data
    assert list((tmp_path / "s3-staging").iterdir()) == []
    assert Blob.objects.get().backend == "s3"


def test_the_same_content_is_uploaded_once(world, s3_store) -> None:
    data = jpeg_bytes(seed=22)
    a = make_evidence(actor=world.officer_a, agency=world.agency_a, data=data)
    b = make_evidence(actor=world.officer_a, agency=world.agency_a, data=data)
    assert a.blob_id == b.blob_id and len(bucket_keys(s3_store)) == 1


def test_a_tampered_upload_leaves_nothing_in_the_bucket(client, world, api_token, s3_store, tmp_path) -> None:
    data = mp4_bytes(10_000, seed=23)
    response = _upload(client, api_token(world.officer_a), world, data + b"x", sha256=digests(data)[0])
    assert response.status_code == 400 and response.json()["code"] == "sha256_mismatch"
    assert bucket_keys(s3_store) == [] and Evidence.objects.count() == 0
    assert list((tmp_path / "s3-staging").iterdir()) == []


def test_a_truncated_upload_leaves_nothing_in_the_bucket(client, world, api_token, s3_store) -> None:
    body = encode_multipart(
        BOUNDARY,
        {"file": SimpleUploadedFile("v.mp4", mp4_bytes(10_000)), "agency_id": str(world.agency_a.pk)},
    )
    response = client.generic(
        "POST", "/api/v1/evidence", body[:-200], content_type=MULTIPART_CONTENT, **api_token(world.officer_a)
    )
    assert response.status_code == 400
    assert bucket_keys(s3_store) == []


def test_content_streams_back_from_the_bucket(client, world, api_token, s3_store) -> None:
    data = mp4_bytes(1_500_000, seed=24)
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=data)
    response = client.get(f"/api/v1/evidence/{ev.pk}/content", **api_token(world.officer_a))
    assert b"".join(response.streaming_content) == data


def test_evidence_verify_detects_an_object_replaced_in_the_bucket(world, s3_store) -> None:
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=25))
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=26))
    call_command("evidence_verify", stdout=StringIO())
    s3_store.put_object(Bucket=s3_store.bucket, Key=ev.blob.name, Body=jpeg_bytes(seed=99))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("evidence_verify", stdout=StringIO(), stderr=err)
    assert ev.blob.sha256 in err.getvalue()
    assert BlobCheck.objects.filter(ok=False).get().blob_id == ev.blob_id


def test_evidence_verify_reports_a_deleted_object(world, s3_store) -> None:
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=27))
    s3_store.delete_object(Bucket=s3_store.bucket, Key=ev.blob.name)
    with pytest.raises(CommandError):
        call_command("evidence_verify", stdout=StringIO(), stderr=StringIO())
    assert BlobCheck.objects.get(blob=ev.blob).detail == "missing"


def test_a_resumable_upload_ends_in_the_bucket(client, world, api_token, s3_store) -> None:
    headers = api_token(world.officer_a)
    data = mp4_bytes(150_000, seed=28)
    opened = client.post(
        "/api/v1/evidence/uploads",
        {"agency_id": world.agency_a.pk, "size": len(data), "sha256": digests(data)[0]},
        content_type="application/json",
        **headers,
    ).json()
    for offset in (0, 100_000):
        response = client.generic(
            "PATCH",
            opened["upload_url"],
            data[offset : offset + 100_000],
            content_type="application/offset+octet-stream",
            HTTP_UPLOAD_OFFSET=str(offset),
            **headers,
        )
    assert response.json()["state"] == "complete"
    assert bucket_keys(s3_store) == [Blob.objects.get().name]


def test_content_missing_from_the_bucket_is_a_clear_conflict(client, world, api_token, s3_store) -> None:
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=29))
    s3_store.delete_object(Bucket=s3_store.bucket, Key=ev.blob.name)
    response = client.get(f"/api/v1/evidence/{ev.pk}/content", **api_token(world.officer_a))
    assert response.status_code == 409 and response.json()["code"] == "content_missing"
