"""Documents API: a case's 文书, their PDFs, on-demand records, regeneration, service, and the dossier.

No `from __future__ import annotations` here: ninja resolves parameter annotations against the view
function's globals, and the role decorator's wrapper lives in another module.
"""

import datetime as dt
import re
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from zhifa.core import access, api_json
from zhifa.core.api import ErrorOut, Page
from zhifa.core.auditing import audit_record
from zhifa.core.errors import Forbidden, InvalidInput, NotFound
from zhifa.core.files.serving import content_disposition, serve_blob
from zhifa.enforcement.cases.selectors import may_see_personal_data, public_text_for
from zhifa.enforcement.documents import catalogue, dossier, render_queue, selectors, services
from zhifa.enforcement.documents.models import Document
from zhifa.org.roles import Role

router = Router(tags=["documents"])

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Kinds an officer writes (笔录, notices); the rest come from workflow events.
ON_DEMAND = frozenset({"inspection_record", "inquiry_record", "rectification_order"})


class DocumentOut(Schema):
    id: int
    case_id: int
    code: str
    title: str
    number: str
    state: str
    render_state: str = Field(
        ..., description="rendering (the PDF is being made after the event), ready, or failed (being retried)"
    )
    pages: int
    template_version: int
    generated_at: dt.datetime
    served_on: dt.date | None
    sha256: str | None = Field(..., description="null while the PDF is being rendered")
    sm3: str | None
    size: int | None
    supersedes: int | None
    pdf_url: str

    @staticmethod
    def resolve_template_version(obj: Document) -> int:
        return obj.version.version

    @staticmethod
    def resolve_sha256(obj: Document) -> str | None:
        return obj.blob.sha256 if obj.blob is not None else None

    @staticmethod
    def resolve_sm3(obj: Document) -> str | None:
        return obj.blob.sm3 if obj.blob is not None else None

    @staticmethod
    def resolve_size(obj: Document) -> int | None:
        return obj.blob.size if obj.blob is not None else None

    @staticmethod
    def resolve_supersedes(obj: Document) -> int | None:
        return obj.supersedes_id

    @staticmethod
    def resolve_pdf_url(obj: Document) -> str:
        return f"/api/v1/documents/{obj.pk}/pdf"


def _case(request: HttpRequest, case_id: int) -> Any:
    from zhifa.enforcement.cases.selectors import case_get_for

    case = case_get_for(user=request.user, case_id=case_id)
    if case is None:
        raise NotFound(_("Case not found, or not visible to you."))
    return case


@router.get("/cases/{int:case_id}/documents", response={200: list[DocumentOut], **ERRORS})
@paginate(Page)
@access.login
def case_documents(request: HttpRequest, case_id: int, superseded: bool = False) -> Any:
    """The case's 文书 in dossier order (superseded renderings only when asked for)."""
    case = _case(request, case_id)
    return selectors.document_list_for(user=request.user, case_id=case.pk, include_superseded=superseded)


class GenerateIn(Schema):
    code: str = Field(..., description="inspection_record, inquiry_record or rectification_order")
    inputs: dict[str, Any] = {}


def clean_inputs(raw: dict[str, Any]) -> dict[str, Any]:
    """Officer-entered fields: strings (and a Q&A list) only, bounded, no control characters."""
    cleaned: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or len(key) > 40:
            raise InvalidInput(_("Unknown field in the record."), detail={"field": str(key)[:40]})
        if key == "qa":
            if not isinstance(value, list) or len(value) > 200:
                raise InvalidInput(_("The questions and answers must be a list."), detail={"field": "qa"})
            cleaned["qa"] = [
                {"q": str(item.get("q", ""))[:2000], "a": str(item.get("a", ""))[:4000]}
                for item in value
                if isinstance(item, dict)
            ]
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InvalidInput(_("Record fields are text."), detail={"field": key})
        text = str(value)
        if len(text) > 20000 or "\x00" in text:
            raise InvalidInput(
                _("This field is too long or contains characters that are not allowed."),
                detail={"field": key},
            )
        cleaned[key] = text
    return cleaned


@router.post("/cases/{int:case_id}/documents", response={201: DocumentOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def case_document_create(request: HttpRequest, case_id: int, payload: GenerateIn) -> Status[Document]:
    """Write a record an officer makes during the investigation (笔录) or a rectification order."""
    case = _case(request, case_id)
    if payload.code not in ON_DEMAND:
        raise InvalidInput(
            _("This document is produced by the case workflow, not on request."),
            code="document_not_on_demand",
            detail={"code": payload.code, "on_demand": sorted(ON_DEMAND)},
        )
    document = services.document_generate(
        case=case, code=payload.code, actor=request.user, inputs=clean_inputs(payload.inputs)
    )
    return Status(201, document)


@router.get("/documents/{int:document_id}", response={200: DocumentOut, **ERRORS})
@access.login
def document_detail(request: HttpRequest, document_id: int) -> Document:
    return selectors.document_get_for(user=request.user, document_id=document_id)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def download_name(document: Document, *, masked: bool = False) -> str:
    """`海城管罚决〔2026〕38号-行政处罚决定书.pdf`: what an officer files it as. Sent with RFC 5987
    (`filename*=UTF-8''…`, `core.files.serving.content_disposition`) so browsers keep the Chinese
    name, beside the ASCII `filename="document-535.pdf"` for clients that read only that; characters no
    file system accepts are replaced."""
    stem = f"{document.number}-{document.title}" if document.number else document.title
    stem = _UNSAFE.sub("_", stem).strip(" .") or f"document-{document.pk}"
    return f"{stem}{'（脱敏）' if masked else ''}.pdf"


def dossier_download_name(case: Any, ext: str, *, masked: bool = False) -> str:
    """`海城管立〔2026〕12号-卷宗.pdf` (or `.zip`): the case number and 卷宗, as a clerk files it; a
    case without a number yet (a lead) is `案件12-卷宗.pdf`. A masked copy says so (`（脱敏）`)."""
    stem = _UNSAFE.sub("_", f"{case.number}-卷宗" if case.number else f"案件{case.pk}-卷宗").strip(" .")
    return f"{stem}{'（脱敏）' if masked else ''}.{ext}"


def dossier_ascii_name(case: Any, ext: str, *, masked: bool = False) -> str:
    """The ASCII `filename=` fallback beside the Chinese name: `dossier-12.pdf`."""
    return f"dossier-{case.pk}{'-masked' if masked else ''}.{ext}"


def document_ascii_name(document: Document, *, masked: bool = False) -> str:
    return f"document-{document.pk}{'-masked' if masked else ''}.pdf"


def pdf_response(request: HttpRequest, document: Document, *, inline: bool = True) -> HttpResponseBase:
    """The PDF exactly as generated, streamed, each access audited (`documents.download`). The caller
    found `document` through `selectors.document_get_for` (the case's visibility). A document still
    being rendered by the worker is rendered now (the same store-once door)."""
    render_queue.ensure_rendered([document])
    return serve_blob(
        request,
        render_queue.blob_of(document),
        audit_action="documents.download",
        audit_obj=document,
        filename=download_name(document),
        ascii_filename=document_ascii_name(document),
        as_attachment=not inline,
        content_type="application/pdf",
    )


@router.get("/documents/{int:document_id}/pdf", response={200: None, **ERRORS})
@access.login
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """The PDF exactly as generated (its digests in X-Content-SHA256 / X-Content-SM3)."""
    document = selectors.document_get_for(user=request.user, document_id=document_id)
    if not may_see_personal_data(request.user, document.case):
        return masked_pdf_response(request, document)
    return pdf_response(request, document)


def masked_pdf_response(request: HttpRequest, document: Document, *, inline: bool = True) -> HttpResponseBase:
    """For viewers who do not handle the case: rendered again from the stored data, masked. No
    digest headers — the bytes are not the stored document's. Audited like every download
    (`documents.download_masked`): who read which 文书, even masked, is part of the record."""
    body = dossier.masked_document_pdf(document)
    audit_record(
        actor=request.user if request.user.is_authenticated else None,
        action="documents.download_masked",
        obj=document,
        agency_id=document.case.agency_id,
        summary={"masked": True, "size": len(body)},
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        download_name(document, masked=True),
        fallback=document_ascii_name(document, masked=True),
        as_attachment=not inline,
    )
    return response


class RegenerateIn(Schema):
    inputs: dict[str, Any] | None = None


@router.post("/documents/{int:document_id}/regenerate", response={201: DocumentOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def document_regenerate(request: HttpRequest, document_id: int, payload: RegenerateIn) -> Status[Document]:
    """Render an unserved document again (same number); refused (409) once it was served."""
    document = selectors.document_get_for(user=request.user, document_id=document_id)
    inputs = clean_inputs(payload.inputs) if payload.inputs is not None else None
    return Status(
        201, services.document_regenerate(actor=request.user, document_id=document.pk, inputs=inputs)
    )


class ServedIn(Schema):
    served_on: dt.date


@router.post("/documents/{int:document_id}/served", response={200: DocumentOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def document_served(request: HttpRequest, document_id: int, payload: ServedIn) -> Document:
    """Record that the document was served or handed over; it is frozen from then on."""
    document = selectors.document_get_for(user=request.user, document_id=document_id)
    if not services.can_write(request.user, document.case):
        from zhifa.core.errors import Forbidden

        raise Forbidden(_("You cannot change this case's documents."))
    return services.document_mark_served(actor=request.user, document=document, served_on=payload.served_on)


class DossierEntryOut(Schema):
    seq: int
    kind: str
    title: str
    number: str = ""
    date: str = ""
    pages: int | None = None
    sha256: str
    sm3: str
    size: int
    url: str


class DossierOut(Schema):
    case_id: int
    case_number: str
    state: str
    complete: bool
    missing: list[str]
    entries: list[DossierEntryOut]


@router.get("/cases/{int:case_id}/dossier", response={200: DossierOut, **ERRORS})
@access.login
def case_dossier(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The table of contents: documents in order, then evidence by hash; what the path still lacks."""
    case = _case(request, case_id)
    full = may_see_personal_data(request.user, case)
    d = dossier.dossier_for(case)
    entries: list[dict[str, Any]] = []
    for doc in d.documents:
        entries.append(
            {
                "seq": len(entries) + 1,
                "kind": "document",
                "title": doc.title,
                "number": doc.number,
                "date": timezone.localtime(doc.generated_at).date().isoformat(),
                "pages": doc.pages,
                "sha256": render_queue.blob_of(doc).sha256,
                "sm3": render_queue.blob_of(doc).sm3,
                "size": render_queue.blob_of(doc).size,
                "url": f"/api/v1/documents/{doc.pk}/pdf",
            }
        )
    for ev in d.evidence:
        entries.append(
            {
                "seq": len(entries) + 1,
                "kind": ev.kind,
                "title": (ev.description if full else public_text_for(case, ev.description))
                or ev.original_name,
                "date": timezone.localtime(ev.captured_at).date().isoformat() if ev.captured_at else "",
                "sha256": ev.blob.sha256,
                "sm3": ev.blob.sm3,
                "size": ev.blob.size,
                "url": f"/api/v1/evidence/{ev.pk}/content",
            }
        )
    status = services.dossier_status(case)
    missing = [f"{title}（{article}）" for title, article in status["missing"]] + [
        str(p) for p in status["problems"]
    ]
    return {
        "case_id": case.pk,
        "case_number": case.number,
        "state": case.state,
        # computed from the rules: an open case is never complete (services.dossier_status)
        "complete": status["complete"],
        "missing": missing,
        "entries": entries,
    }


@router.get("/cases/{int:case_id}/dossier.pdf", response={200: None, 202: ErrorOut, **ERRORS})
@access.login
def case_dossier_pdf(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """The dossier as one PDF: table of contents (evidence listed by hash) and every document. For a
    reader who does not handle the case every part is rendered again, masked, by the worker first:
    until they are all ready the answer is 202 `dossier_preparing` with `detail.ready` and
    `detail.total` and a `Retry-After`; ask again."""
    case = _case(request, case_id)
    masked = not may_see_personal_data(request.user, case)
    if masked:
        kept, total = dossier.masked_progress(case)
        if kept < total:
            dossier.masked_prepare_later(case)
            preparing = api_json.response(
                {
                    "code": "dossier_preparing",
                    "message": _(
                        "The masked dossier is being prepared (%(kept)d of %(total)d parts ready). Try again shortly."
                    )
                    % {"kept": kept, "total": total},
                    "detail": {"ready": kept, "total": total},
                },
                status=202,
            )
            preparing["Retry-After"] = "2"
            return preparing
    response = HttpResponse(dossier.dossier_pdf(case, masked=masked), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        dossier_download_name(case, "pdf", masked=masked),
        fallback=dossier_ascii_name(case, "pdf", masked=masked),
    )
    return response


@router.get("/cases/{int:case_id}/dossier.zip", response={200: None, **ERRORS})
@access.login
def case_dossier_zip(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """The dossier as a zip: manifest.json, SHA256SUMS, the document PDFs and the evidence files.
    An exact, hash-checked copy cannot be masked: only those who see the party in full get it."""
    case = _case(request, case_id)
    if not may_see_personal_data(request.user, case):
        raise Forbidden(
            _("Only the case's handlers and approvers may export the dossier with its originals.")
        )
    response = FileResponse(dossier.dossier_zip(case), content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        dossier_download_name(case, "zip"), fallback=dossier_ascii_name(case, "zip")
    )
    return response


class TemplateOut(Schema):
    code: str
    title: str
    current_version: int | None
    single: bool

    @staticmethod
    def resolve_current_version(obj: Any) -> int | None:
        return obj.current.version if obj.current else None


@router.get("/document-templates", response=list[TemplateOut])
@access.roles(Role.ADMIN)
def template_list(request: HttpRequest) -> Any:
    for kind in catalogue.KINDS:
        services.template_get(kind.code)
    return list(selectors.template_list())
