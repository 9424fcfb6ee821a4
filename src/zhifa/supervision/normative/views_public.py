"""The public register of normative documents on the portal (no sign-in): valid documents and those
no longer in force, searchable by any word of their text."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.core.files.serving import serve_blob
from zhifa.supervision.normative import selectors as sel

STATUSES = ("valid", "repealed")


@access.public
def register(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "valid")
    if status not in (*STATUSES, "all"):
        status = "valid"
    entries = sel.public_register(q=q, status="" if status == "all" else status)
    return render(
        request,
        "normative/public/register.html",
        {"entries": entries, "q": q, "status": status, "section": "normative"},
    )


@access.public
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = sel.public_get(document_id=document_id)
    if doc is None:
        raise Http404
    return render(
        request,
        "normative/public/document.html",
        {
            "doc": doc,
            "status": sel.validity(doc, today=timezone.localdate()),
            "section": "normative",
            "versions": sel.versions_of(doc),
            "files": list(sel.public_files(doc)),
        },
    )


@access.public
def file_download(request: HttpRequest, document_id: int, file_id: int) -> HttpResponseBase:
    """A published text's file (nothing of drafts: any other file is 404), the download audited."""
    item = sel.public_file_get(document_id=document_id, file_id=file_id)
    if item is None:
        raise Http404
    try:
        return serve_blob(
            request,
            item.blob,
            audit_action="normative.public_download",
            audit_obj=item.document,
            agency_id=item.document.agency_id,
            filename=item.name,
            as_attachment=True,
            content_type=item.blob.mime,
        )
    except DomainError:
        raise Http404 from None
