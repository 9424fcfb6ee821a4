"""The public register of normative documents on the portal (no sign-in): valid documents and those
no longer in force, searchable by any word of their text."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhifa.core import access
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
        },
    )
