"""The dossier (卷宗): the ordered contents of a case file, as one PDF or as a zip with a manifest.

Order: the table of contents (卷内目录) first, then the documents in the order of the catalogue (filing,
investigation, measures, review, notice, hearing, decision, service, execution, closing), each kind by
date; then the evidence by capture time. Evidence is listed by its digests (SHA-256 and SM3), so anyone
can check a copy of a video against the file without the platform.

The zip holds `manifest.json` (case, entries, digests), `SHA256SUMS` (for `sha256sum -c`), the document
PDFs and the evidence files themselves, written by streaming from the store into a temporary file:
a dossier with hours of video never sits in memory.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

from zhifa.core import masking
from zhifa.core.files.services import blob_open
from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.documents import catalogue, context, render_queue, rendering
from zhifa.enforcement.documents.models import Document
from zhifa.enforcement.evidence.models import Evidence

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/tiff": "tif",
    "image/bmp": "bmp",
    "image/heic": "heic",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/3gpp": "3gp",
    "video/x-msvideo": "avi",
    "video/x-matroska": "mkv",
    "video/webm": "webm",
    "video/mp2t": "ts",
    "video/mpeg": "mpg",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/wav": "wav",
    "audio/aac": "aac",
    "audio/amr": "amr",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "application/rtf": "rtf",
}


@dataclass
class Dossier:
    case: Case
    documents: list[Document] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.documents)

    @property
    def rendering(self) -> bool:
        """Some document's PDF is still being made (the page polls until none is)."""
        return any(d.blob_id is None for d in self.documents)


def dossier_for(case: Case, *, rendered: bool = True) -> Dossier:
    """The current documents and the evidence of `case`. `rendered`: every document has its PDF (a
    pending one is rendered now, render_queue.ensure_rendered); the dossier page passes False and shows
    the pending ones as "rendering" while it polls."""
    docs = list(
        Document.objects.filter(case=case)
        .exclude(state=Document.State.SUPERSEDED)
        .select_related("blob", "template")
    )
    if rendered:
        render_queue.ensure_rendered(docs)
    docs.sort(key=lambda d: (catalogue.BY_CODE[d.code].dossier_order, d.generated_at, d.pk))
    evidence = list(
        Evidence.objects.filter(case=case, destroyed_at__isnull=True)
        .select_related("blob", "uploaded_by")
        .order_by("captured_at", "id")
    )
    return Dossier(case=case, documents=docs, evidence=evidence)


def _document_entries(dossier: Dossier) -> list[dict[str, Any]]:
    entries = []
    for seq, doc in enumerate((d for d in dossier.documents if d.code != "dossier_index"), start=1):
        entries.append(
            {
                "seq": seq,
                "title": doc.title,
                "number": doc.number,
                "date": context.iso(timezone.localtime(doc.generated_at).date()),
                "pages": doc.pages,
                "sha256": render_queue.blob_of(doc).sha256,
            }
        )
    return entries


def dossier_index_extra(case: Case, dossier: Dossier | None = None) -> dict[str, Any]:
    """The `dossier` part of the context of the 卷内目录 (`dossier`: the case's, read already, every
    document rendered)."""
    dossier = dossier if dossier is not None else dossier_for(case)
    return {"dossier": {"documents": _document_entries(dossier), "evidence": context.evidence_part(case)}}


def masked_context(data: dict[str, Any], case: Case) -> dict[str, Any]:
    """A document's data for a viewer who does not handle the case: the party reduced to the masked
    name, every string passed through the one masking rule (core.masking)."""
    person = case.party_kind == "person"
    out: dict[str, Any] = masking.mask_any(data, names=[case.party_name] if person else [])
    party = out.get("party")
    if isinstance(party, dict) and party.get("is_person", person):
        out["party"] = {
            **party,
            "name": masking.mask_name(case.party_name),
            "id_number": "",
            "phone": "",
            "address": "",
        }
    return out


# A masked copy is kept for 30 days after its last rendering (and dropped sooner when the cache is full).
MASKED_COPY_SECONDS = 30 * 24 * 3600


def masked_document_pdf(document: Document, *, case: Case | None = None) -> bytes:
    """The document rendered again from its stored data and template version, masked. The copy is the
    same for every viewer who does not handle the case, so it is kept (`settings.MASKED_COPIES_CACHE`)
    under a key made of everything it is rendered from — the document's data, template version and
    title, the party it masks, and the masking rule's own code (`masking_fingerprint`) — and served
    again while none of these changes: a masked dossier of 20 文书 costs one rendering each once, not
    at every download (0.7 s of CPU for 13 on a quick host). `case`: the document's case when the
    caller holds it (a dossier's documents share one), saving its read for each."""
    from django.conf import settings
    from django.core.cache import caches

    cache = caches[settings.MASKED_COPIES_CACHE]
    case = case if case is not None else document.case
    key = masked_copy_key(document, case)
    kept = cache.get(key)
    if isinstance(kept, bytes):
        return kept
    data = masked_context(document.context, case)
    pdf = rendering.render_pdf(document.version.body, data, title=document.title).pdf
    cache.set(key, pdf, MASKED_COPY_SECONDS)
    return pdf


def masked_copy_key(document: Document, case: Case) -> str:
    """The masked copy's cache key: the document's id and a digest of what its masked rendering reads."""
    made_of = [document.version_id, document.title, case.party_kind, case.party_name, document.context]
    digest = hashlib.sha256(masking_fingerprint().encode())
    digest.update(json.dumps(made_of, sort_keys=True, ensure_ascii=False, default=str).encode())
    return f"masked-pdf:{document.pk}:{digest.hexdigest()}"


def masking_inputs() -> tuple[Path, ...]:
    """The files that decide what a masked copy hides: core.masking and its list of words that are not
    names, the project's words for jieba (which finds the names), and this module (`masked_context`)."""
    from zhifa.core.search import USER_WORDS

    code = Path(masking.__file__)
    return (code, code.with_name("masking_not_names.txt"), USER_WORDS, Path(__file__))


@functools.cache
def masking_fingerprint() -> str:
    """A digest of `masking_inputs()` and jieba's version. A release that changes any of them reaches
    none of the copies kept before it: a stricter rule is never answered by a laxer rule's copy."""
    import jieba

    return fingerprint_of(masking_inputs(), extra=f"jieba {jieba.__version__}")


def fingerprint_of(paths: tuple[Path, ...], *, extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(hashlib.sha256(path.read_bytes()).digest())  # (one file's end is not the next's start)
    return digest.hexdigest()


# --- the masked dossier, prepared by the worker -------------------------------------------------------
# A viewer who does not handle the case gets every part of the dossier rendered again, masked: one
# rendering per 文书 (~0.1 s each, more on a web process that has not loaded WeasyPrint yet), kept in the
# masked-copies cache. The download does not wait for them in the request: `masked_progress` tells how
# many parts are kept; while some are missing, `masked_prepare_later` queues `prepare_masked_dossier_task`
# (once a minute at most per case) and the page shows a progress bar (the API: 202 with the counts).
PREPARING_SECONDS = 60  # a queued preparation is not queued again meanwhile (a dead worker: again after)


@dataclass
class MaskedParts:
    """The parts of a masked dossier: the archived table of contents or, for an open file, its data
    (`open_index`, rendered fresh and kept under a key of what it states), then every document."""

    case: Case
    documents: list[Document]
    open_index: dict[str, Any] | None


def _open_index_data(case: Case, dossier: Dossier) -> dict[str, Any]:
    """What an open file's table of contents states today (every document of `dossier` rendered)."""
    return context.build(
        case,
        code="dossier_index",
        title="卷内目录",
        number="",
        date=timezone.localdate(),
        extra=dossier_index_extra(case, dossier),
    )


def masked_parts(case: Case, *, rendered: bool = True) -> MaskedParts:
    """`rendered=False` (the progress poll) renders no pending document: the open file's table of
    contents, which lists every document's digest, is then left out (`open_index` None) until the
    worker has rendered them all."""
    dossier = dossier_for(case, rendered=rendered)
    index = next((d for d in dossier.documents if d.code == "dossier_index"), None)
    docs = ([index] if index else []) + [d for d in dossier.documents if d.code != "dossier_index"]
    open_index = None
    if index is None and all(d.blob_id is not None for d in docs):
        open_index = masked_context(_open_index_data(case, dossier), case)
    return MaskedParts(case=case, documents=docs, open_index=open_index)


def _open_index_key(parts: MaskedParts, version_id: int) -> str:
    digest = hashlib.sha256(masking_fingerprint().encode())
    digest.update(
        json.dumps([version_id, parts.open_index], sort_keys=True, ensure_ascii=False, default=str).encode()
    )
    return f"masked-index:{parts.case.pk}:{digest.hexdigest()}"


def _masked_open_index_pdf(parts: MaskedParts) -> bytes:
    """The open file's table of contents, masked: kept like a masked copy, by what it states."""
    from django.conf import settings
    from django.core.cache import caches

    from zhifa.enforcement.documents.services import template_get

    assert parts.open_index is not None
    template = template_get("dossier_index")
    assert template.current is not None
    cache = caches[settings.MASKED_COPIES_CACHE]
    key = _open_index_key(parts, template.current.pk)
    kept = cache.get(key)
    if isinstance(kept, bytes):
        return kept
    pdf = rendering.render_pdf(
        template.current.body, parts.open_index, title=f"卷内目录 {parts.case.number}"
    ).pdf
    cache.set(key, pdf, MASKED_COPY_SECONDS)
    return pdf


def masked_progress(case: Case) -> tuple[int, int]:
    """(kept, total): how many parts of the case's masked dossier are in the masked-copies cache."""
    from django.conf import settings
    from django.core.cache import caches

    from zhifa.enforcement.documents.services import template_get

    cache = caches[settings.MASKED_COPIES_CACHE]
    parts = masked_parts(case, rendered=False)
    keys = [masked_copy_key(d, case) for d in parts.documents]
    kept = sum(1 for key in keys if cache.has_key(key))
    if parts.open_index is not None:
        template = template_get("dossier_index")
        assert template.current is not None
        kept += cache.has_key(_open_index_key(parts, template.current.pk))
    elif not parts.documents or parts.documents[0].code != "dossier_index":
        return kept, len(keys) + 1  # an open file whose documents are still rendering: its index to come
    return kept, len(keys) + (parts.open_index is not None)


def masked_prepare_later(case: Case) -> None:
    """Queue the worker's preparation of the masked dossier, unless one was queued within the minute."""
    from django.conf import settings
    from django.core.cache import caches

    from zhifa.enforcement.documents.tasks import prepare_masked_dossier_task

    if caches[settings.MASKED_COPIES_CACHE].add(f"masked-preparing:{case.pk}", 1, PREPARING_SECONDS):
        prepare_masked_dossier_task.enqueue(case.pk)


def masked_prepare(case_id: int) -> int:
    """The worker's job: render the masked copies the cache lacks. Returns how many parts there are."""
    case = Case.objects.select_related("agency").filter(pk=case_id).first()
    if case is None:
        return 0
    parts = masked_parts(case)
    for doc in parts.documents:
        masked_document_pdf(doc, case=case)
    if parts.open_index is not None:
        _masked_open_index_pdf(parts)
    return len(parts.documents) + (parts.open_index is not None)


def dossier_pdf(case: Case, *, masked: bool = False) -> bytes:
    """One PDF: the table of contents (the archived one, or a fresh rendering for an open file), then
    every current document. `masked`: for viewers who do not handle the case, every part is rendered
    again from its stored data through `masked_context` (the stored PDFs carry the party in full); the
    views call it once `masked_progress` shows every part kept, so nothing is rendered here then."""
    from pypdf import PdfWriter

    from zhifa.enforcement.documents.services import template_get

    writer = PdfWriter()
    if masked:
        parts = masked_parts(case)
        if parts.open_index is not None:
            writer.append(io.BytesIO(_masked_open_index_pdf(parts)))
        for doc in parts.documents:
            writer.append(io.BytesIO(masked_document_pdf(doc, case=case)))
        writer.add_metadata({"/Title": f"卷宗 {case.number}", "/Producer": "Zhifa"})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    dossier = dossier_for(case)
    index = next((d for d in dossier.documents if d.code == "dossier_index"), None)
    if index is None:
        template = template_get("dossier_index")
        assert template.current is not None
        data = _open_index_data(case, dossier)
        rendered = rendering.render_pdf(template.current.body, data, title=f"卷内目录 {case.number}")
        writer.append(io.BytesIO(rendered.pdf))
    for doc in ([index] if index else []) + [d for d in dossier.documents if d.code != "dossier_index"]:
        writer.append(io.BytesIO(b"".join(blob_open(render_queue.blob_of(doc)))))
    writer.add_metadata({"/Title": f"卷宗 {case.number}", "/Producer": "Zhifa"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _safe(text: str) -> str:
    return "".join(ch for ch in text if ch not in '/\\:*?"<>|\x00').strip() or "document"


def manifest(dossier: Dossier) -> dict[str, Any]:
    case = dossier.case
    documents = []
    for seq, doc in enumerate(dossier.documents, start=1):
        documents.append(
            {
                "path": f"documents/{seq:02d}-{_safe(doc.title)}.pdf",
                "title": doc.title,
                "number": doc.number,
                "state": doc.state,
                "pages": doc.pages,
                "size": render_queue.blob_of(doc).size,
                "sha256": render_queue.blob_of(doc).sha256,
                "sm3": render_queue.blob_of(doc).sm3,
                "template_version": doc.version_id,
            }
        )
    evidence = []
    for seq, ev in enumerate(dossier.evidence, start=1):
        ext = EXTENSIONS.get(ev.blob.mime, "bin")
        evidence.append(
            {
                "path": f"evidence/{seq:03d}-{ev.blob.sha256[:16]}.{ext}",
                "id": ev.pk,
                "kind": ev.kind,
                "description": ev.description,
                "captured_at": context.iso(ev.captured_at),
                "captured_by": ev.captured_by_name,
                "device": ev.device,
                "location": ev.location,
                "mime": ev.blob.mime,
                "size": ev.blob.size,
                "sha256": ev.blob.sha256,
                "sm3": ev.blob.sm3,
            }
        )
    return {
        "format": "zhifa-dossier/1",
        "generated_at": timezone.now().isoformat(),
        "case": {
            "id": case.pk,
            "number": case.number,
            "decision_number": case.decision_number,
            "agency": case.agency.name,
            "party": case.party_name,
            "state": case.state,
            "archived_on": context.iso(case.archived_on),
        },
        "documents": documents,
        "evidence": evidence,
    }


def dossier_zip(case: Case) -> IO[bytes]:
    """The dossier as a zip in a temporary file (rewound, ready to stream); the caller closes it."""
    dossier = dossier_for(case)
    data = manifest(dossier)
    out = tempfile.TemporaryFile()  # noqa: SIM115 — handed to the response, which closes it
    sums: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for entry, doc in zip(data["documents"], dossier.documents, strict=True):
            with zf.open(entry["path"], "w", force_zip64=True) as fh:
                for chunk in blob_open(render_queue.blob_of(doc)):
                    fh.write(chunk)
            sums.append(f"{entry['sha256']}  {entry['path']}")
        for entry, ev in zip(data["evidence"], dossier.evidence, strict=True):
            # Video is already compressed: store it as is, which is also much faster.
            info = zipfile.ZipInfo(entry["path"], date_time=_zip_time(ev.uploaded_at))
            info.compress_type = zipfile.ZIP_STORED
            with zf.open(info, "w", force_zip64=True) as fh:
                for chunk in blob_open(ev.blob):
                    fh.write(chunk)
            sums.append(f"{entry['sha256']}  {entry['path']}")
        zf.writestr("manifest.json", json.dumps(data, ensure_ascii=False, indent=2))
        zf.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    out.seek(0)
    return out


def _zip_time(value: dt.datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(value)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)
