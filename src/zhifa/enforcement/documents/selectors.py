"""Reads of documents and templates, restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhifa.core.errors import NotFound
from zhifa.enforcement.documents.models import Document, DocumentTemplate
from zhifa.org.selectors import restrict_to_scope


def document_list_for(*, user: Any, case_id: int, include_superseded: bool = False) -> QuerySet[Document]:
    qs = restrict_to_scope(Document.objects.filter(case_id=case_id), user).select_related("blob", "version")
    if not include_superseded:
        qs = qs.exclude(state=Document.State.SUPERSEDED)
    return qs.order_by("template__dossier_order", "generated_at", "id")


def document_get_for(*, user: Any, document_id: int) -> Document:
    document = (
        restrict_to_scope(Document.objects.all(), user)
        .select_related("blob", "version", "case", "case__agency", "template")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("No such document, or it is not visible to you."))
    return document


def template_list() -> QuerySet[DocumentTemplate]:
    return DocumentTemplate.objects.select_related("current").order_by("dossier_order", "code")
