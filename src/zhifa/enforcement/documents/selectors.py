"""Reads of documents and templates, restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhifa.core.errors import NotFound
from zhifa.core.prepared import PreparedIn
from zhifa.enforcement.documents.models import Document, DocumentTemplate
from zhifa.org.selectors import restrict_to_scope, scope_agency_ids


def _documents_of_case(case_id: int, agencies: Any, *, include_superseded: bool) -> QuerySet[Document]:
    """A case's documents among agencies `agencies` (restrict_to_scope's condition), in dossier order."""
    qs = Document.objects.filter(case_id=case_id, agency_id__in=agencies).select_related("blob", "version")
    if not include_superseded:
        qs = qs.exclude(state=Document.State.SUPERSEDED)
    return qs.order_by("template__dossier_order", "generated_at", "id")


def document_list_for(*, user: Any, case_id: int, include_superseded: bool = False) -> QuerySet[Document]:
    return _documents_of_case(case_id, scope_agency_ids(user), include_superseded=include_superseded)


# document_list_for(user=…, case_id=…) as a list, compiled once per process and count of agencies in
# the reader's scope (core.prepared): the case page's documents panel reads it on every view of a
# decided case.
_DOCUMENTS_OF_CASE: PreparedIn[Document] = PreparedIn(
    lambda case_id, agencies: _documents_of_case(case_id, agencies, include_superseded=False),
    markers=(-730_100_250,),
    list_marker=-730_100_260,
)


def document_list_of_case(*, user: Any, case_id: int) -> list[Document]:
    """`list(document_list_for(user=user, case_id=case_id))`: the same rows, the query compiled once."""
    return _DOCUMENTS_OF_CASE(case_id, sorted(scope_agency_ids(user)))


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
