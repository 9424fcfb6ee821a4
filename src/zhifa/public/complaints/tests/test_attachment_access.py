"""Complaint attachments go only to the complaint's handlers (issue 14, finding 2): not by URL under
/media/, not to anonymous callers, other agencies or supervisors who see the complaint without its
identity; streamed with Range requests and each request audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhifa.audit.models import AuditEntry
from zhifa.core.files.services import blob_read
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import complaint_input
from zhifa.public.complaints.models import Channel
from zhifa.public.complaints.tests.test_intake import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(routing: Any, frozen: Any, media: Any) -> Any:
    complaint = svc.complaint_submit(
        data=complaint_input(routing.street_vending, routing.east),
        channel=Channel.WEB,
        files=[SimpleUploadedFile("身份证.pdf", pdf_bytes())],
    )
    return complaint, complaint.attachments.get()


def _url(sent: Any) -> str:
    complaint, item = sent
    return f"/complaints/{complaint.pk}/attachments/{item.pk}/"


def test_the_attachment_is_stored_through_core_files(sent) -> None:
    _complaint, item = sent
    assert item.blob is not None and item.blob.sha256 == item.sha256 and item.blob.sm3 == item.sm3
    assert blob_read(item.blob) == pdf_bytes() and item.storage_name == item.blob.name


def test_nobody_outside_the_handlers_gets_it(client, world, sent) -> None:
    assert client.get(_url(sent)).status_code == 302  # to the sign-in page
    client.force_login(world.officer_b)  # another agency
    assert client.get(_url(sent)).status_code == 404
    client.force_login(world.supervisor)  # sees the complaint, not who sent it nor their files
    assert client.get(_url(sent)).status_code == 404
    assert not AuditEntry.objects.filter(action="complaints.attachment_download").exists()


def test_a_handler_gets_a_range_and_the_request_is_audited(client, world, sent) -> None:
    data = pdf_bytes()
    client.force_login(world.officer_a)
    response = client.get(_url(sent), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206 and b"".join(response.streaming_content) == data[:10]
    assert response["Content-Range"] == f"bytes 0-9/{len(data)}"
    entry = AuditEntry.objects.get(action="complaints.attachment_download")
    assert entry.actor_name == "officer_a" and entry.object_id == str(sent[1].pk)
    assert "身份证" not in entry.object_repr  # the file's name may name the complainant
