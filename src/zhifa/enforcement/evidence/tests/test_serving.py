"""Evidence content leaves only through the access-checked views (issue 14, finding 2): never by URL
under /media/, refused to anonymous and out-of-scope callers, streamed with Range requests (video
players seek), and every request audited."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.urls import clear_url_caches

from zhifa.audit.models import AuditEntry
from zhifa.enforcement.evidence.factories import make_evidence, mp4_bytes

from .conftest import stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def video(world: Any) -> Any:
    return make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(300_000, seed=7))


def _bytes(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_stored_file_is_not_served_under_media_even_in_debug(
    client, settings, video, evidence_root
) -> None:
    """Before: `static(MEDIA_URL)` served the whole MEDIA_ROOT (evidence, PDFs, attachments, staging)
    to anyone who knew the content hash."""
    settings.MEDIA_ROOT = evidence_root.parent
    settings.DEBUG = True
    import zhifa.config.urls

    importlib.reload(zhifa.config.urls)
    clear_url_caches()
    try:
        stored = stored_files(evidence_root)[0]
        url = "/media/" + str(stored.relative_to(evidence_root.parent))
        response = client.get(url)
        assert response.status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(zhifa.config.urls)
        clear_url_caches()


@pytest.mark.parametrize("path", ["/evidence/{id}/content/", "/api/v1/evidence/{id}/content"])
def test_anonymous_callers_get_no_content(client, video, path) -> None:
    response = client.get(path.format(id=video.pk))
    assert response.status_code in (302, 401, 403)
    assert not getattr(response, "streaming", False)
    assert not AuditEntry.objects.filter(action="evidence.download").exists()


def test_an_officer_of_another_agency_gets_404(client, world, api_token, video) -> None:
    client.force_login(world.officer_b)
    assert client.get(f"/evidence/{video.pk}/content/").status_code == 404
    response = client.get(f"/api/v1/evidence/{video.pk}/content", **api_token(world.officer_b))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="evidence.download").exists()


def test_a_range_request_gets_206_with_exactly_those_bytes_and_is_audited(client, world, video) -> None:
    data = mp4_bytes(300_000, seed=7)
    client.force_login(world.officer_a2)
    response = client.get(f"/evidence/{video.pk}/content/", HTTP_RANGE="bytes=1000-1999")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    assert response["Content-Length"] == "1000" and response["Accept-Ranges"] == "bytes"
    assert _bytes(response) == data[1000:2000]
    entry = AuditEntry.objects.get(action="evidence.download")
    assert entry.actor_name == "officer_a2" and entry.object_id == str(video.pk)
    assert entry.summary["range"] == "1000-1999"


def test_an_open_ended_and_a_suffix_range(client, world, video) -> None:
    data = mp4_bytes(300_000, seed=7)
    client.force_login(world.officer_a)
    tail = client.get(f"/evidence/{video.pk}/content/", HTTP_RANGE=f"bytes={len(data) - 10}-")
    assert tail.status_code == 206 and _bytes(tail) == data[-10:]
    last = client.get(f"/evidence/{video.pk}/content/", HTTP_RANGE="bytes=-5")
    assert last.status_code == 206 and _bytes(last) == data[-5:]


def test_a_range_past_the_end_is_416(client, world, video) -> None:
    client.force_login(world.officer_a)
    response = client.get(f"/evidence/{video.pk}/content/", HTTP_RANGE="bytes=999999999-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{video.blob.size}"


def test_a_range_from_a_stale_copy_gets_the_whole_file(client, world, video) -> None:
    client.force_login(world.officer_a)
    response = client.get(f"/evidence/{video.pk}/content/", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"other"')
    assert response.status_code == 200 and len(_bytes(response)) == video.blob.size


def test_a_front_server_can_send_the_bytes(client, world, settings, video, evidence_root) -> None:
    client.force_login(world.officer_a)
    settings.ZHIFA_FILES_ACCEL = "nginx"
    settings.ZHIFA_FILES_ACCEL_PREFIX = "/protected-files/"
    response = client.get(f"/evidence/{video.pk}/content/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-files/" + video.blob.name
    settings.ZHIFA_FILES_ACCEL = "sendfile"
    response = client.get(f"/evidence/{video.pk}/content/")
    assert response["X-Sendfile"] == str(evidence_root / video.blob.name)
    # The access check and the audit entry still happen in the application.
    assert AuditEntry.objects.filter(action="evidence.download").count() == 2
    client.force_login(world.officer_b)
    assert client.get(f"/evidence/{video.pk}/content/").status_code == 404


def test_a_range_is_read_from_s3_too(client, world, s3_store) -> None:
    data = mp4_bytes(50_000, seed=9)
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=data)
    client.force_login(world.officer_a)
    response = client.get(f"/evidence/{ev.pk}/content/", HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206 and _bytes(response) == data[100:200]
