"""Every write to templates and documents.

- Templates: version 1 of each comes from the shipped file on first use; administrators add versions
  (`template_version_add`) and choose which is current (`template_activate`). Versions are never edited.
- Documents: `document_generate` renders a 文书 for a case (from a workflow event or on an officer's
  request), numbers it and stores the PDF content-addressed. A served document is frozen; regenerating
  one not yet served creates a new row that supersedes it (keeping its number), and the old PDF stays.
- The event listener and the archive check registered with cases.hooks live here too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, RuleViolation
from zhifa.core.numbering import issue_number
from zhifa.core.prepared import Prepared
from zhifa.enforcement.cases.models import Case, CaseEvent
from zhifa.enforcement.cases.selectors import finished as case_finished
from zhifa.enforcement.cases.selectors import require_case_writable
from zhifa.enforcement.documents import catalogue, context, render_queue, rendering
from zhifa.enforcement.documents.models import Document, DocumentTemplate, TemplateVersion
from zhifa.enforcement.evidence.selectors import may_add_evidence
from zhifa.law import records
from zhifa.law.casefile import FileItem
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids

PDF_MIME = render_queue.PDF_MIME
DECISION_CODES = frozenset({"decision", "no_penalty_decision"})


# --- Templates --------------------------------------------------------------------------------------


# Read for every document generated (a case event produces one to three): compiled once per process
# (core.prepared), as `.first()` of the same querysets orders them.
_TEMPLATE: Prepared[DocumentTemplate] = Prepared(
    lambda code: DocumentTemplate.objects.select_related("current").filter(code=code).order_by("pk"),
    markers=("\x00template-marker",),
)
_CURRENT: Prepared[Document] = Prepared(
    lambda case_id, code: (
        Document.objects.select_for_update()
        .filter(case_id=case_id, code=code)
        .exclude(state=Document.State.SUPERSEDED)
        .order_by("-id")
    ),
    markers=(-730_100_065, "\x00document-code-marker"),
)


def template_get(code: str) -> DocumentTemplate:
    """The template row for `code`, created with its built-in version 1 on first use."""
    if code not in catalogue.BY_CODE:
        raise NotFound(_("Unknown document kind."), detail={"code": code})
    template = _TEMPLATE.first(code)
    if template is not None and template.current is not None:
        return template
    kind = catalogue.kind(code)
    with transaction.atomic():
        template, _created = DocumentTemplate.objects.select_for_update().get_or_create(
            code=code,
            defaults={
                "title": kind.title,
                "number_word": kind.number_word,
                "dossier_order": kind.dossier_order,
                "single": kind.single,
            },
        )
        if template.current is None:
            body = catalogue.builtin_body(code)
            version = TemplateVersion.objects.create(
                template=template,
                version=1,
                body=body,
                body_sha256=hashlib.sha256(body.encode()).hexdigest(),
                origin=TemplateVersion.Origin.BUILTIN,
                note="内置模板",
                created_at=timezone.now(),
            )
            template.current = version
            template.save(update_fields=["current"])
    return template


def _require_admin(actor: Any) -> None:
    if not actor.has_role(Role.ADMIN):
        raise Forbidden(_("Only administrators edit document templates."))


def template_version_add(
    *, actor: Any, code: str, body: str, note: str = "", activate: bool = True
) -> TemplateVersion:
    """A new version of a template. It must compile and render a sample document to PDF first."""
    _require_admin(actor)
    body = body.replace("\r\n", "\n")
    if not body.strip():
        raise InvalidInput(_("The template is empty."), detail={"fields": {"body": ""}})
    if len(body) > 200_000:
        raise InvalidInput(_("The template is too long."), detail={"fields": {"body": ""}})
    rendering.compile_template(body)
    template = template_get(code)
    try:
        rendering.render_pdf(body, sample_context(code), title=template.title)
    except (ValueError, TypeError) as exc:
        raise rendering.TemplateInvalid(
            _("The template does not render: %(error)s") % {"error": exc}, detail={"error": str(exc)}
        ) from exc
    with transaction.atomic():
        template = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
        last = template.versions.order_by("-version").values_list("version", flat=True).first() or 0
        version = TemplateVersion.objects.create(
            template=template,
            version=last + 1,
            body=body,
            body_sha256=hashlib.sha256(body.encode()).hexdigest(),
            origin=TemplateVersion.Origin.ADMIN,
            note=note.strip()[:200],
            created_by=actor,
            created_at=timezone.now(),
        )
        if activate:
            template.current = version
            template.save(update_fields=["current"])
        audit_record(
            actor=actor,
            action="documents.template_version",
            obj=template,
            summary={
                "code": code,
                "version": version.version,
                "active": activate,
                "sha256": version.body_sha256,
            },
        )
    return version


def template_activate(*, actor: Any, version_id: int) -> DocumentTemplate:
    """Make an earlier (or later) version current again. Documents already generated keep theirs."""
    _require_admin(actor)
    with transaction.atomic():
        version = TemplateVersion.objects.select_related("template").filter(pk=version_id).first()
        if version is None:
            raise NotFound(_("No such template version."))
        template = DocumentTemplate.objects.select_for_update().get(pk=version.template_id)
        before = template.current_id
        template.current = version
        template.save(update_fields=["current"])
        audit_record(
            actor=actor,
            action="documents.template_activate",
            obj=template,
            summary={"code": template.code, "from": before, "to": version.pk, "version": version.version},
        )
    return template


SAMPLE_PARTIES: dict[str, dict[str, Any]] = {
    "person": {
        "kind": "person",
        "is_person": True,
        "you": "你",
        "id_label": "身份证件号码",
        "address_label": "住址",
        "name": "示例当事人",
        "id_number": "110105194912310029",
        "phone": "13800000000",
        "address": "示例市建设路2号",
    },
    "organisation": {
        "kind": "organisation",
        "is_person": False,
        "you": "你单位",
        "id_label": "统一社会信用代码",
        "address_label": "住所",
        "name": "示例市某某工程有限公司",
        "id_number": "91350900MA0000001X",
        "phone": "0000-7654321",
        "address": "示例市工业路8号",
    },
}


def sample_context(code: str, *, party_kind: str = "person") -> dict[str, Any]:
    """Made-up data that exercises a template (used to check an administrator's edit and for previews),
    for an individual or an organisation."""
    kind = catalogue.kind(code)
    today = timezone.localdate().isoformat()
    return {
        "agency": {
            "name": "示例市城市管理局",
            "abbreviation": "示城管",
            "address": "示例市人民路1号",
            "phone": "0000-12345",
        },
        "rights": {"reconsideration_body": "示例市人民政府", "court": "有管辖权的人民法院"},
        "document": {
            "code": code,
            "title": kind.title,
            "number": f"示城管{kind.number_word}〔2025〕1号",
            "date": today,
        },
        "case": {
            "number": "示城管立〔2025〕1号",
            "procedure": "ordinary",
            "source_label": "日常巡查",
            "source_sentence": "本机关执法人员在日常巡查中发现，",
            "facts": "当事人未经批准占用城市道路堆放物料。",
            "facts_short": "当事人未经批准占用城市道路堆放物料",
            "occurred_on": today,
            "location": "示例路与人民路交叉口",
            "registered_on": today,
            "filed_on": today,
            "filed_by": "审批人",
            "decided_on": today,
            "decision_number": "示城管罚决〔2025〕1号",
        },
        "party": dict(SAMPLE_PARTIES[party_kind]),
        "officers": [
            {"name": "执法人员甲", "credential": "00000001"},
            {"name": "执法人员乙", "credential": "00000002"},
        ],
        "power": {
            "code": "CF-DL-001",
            "name": "未经批准占用城市道路",
            "violated_provision": "《城市道路管理条例》第二十七条",
            "penalty_provision": "《城市道路管理条例》第四十二条",
            "violated_text": "",
            "penalty_text": "",
        },
        "approval": {"approved_on": today, "approver": "审批人", "opinion": "同意。"},
        "tier": {"name": "一般", "circumstances": "占用面积较小", "range": "500元至2000元"},
        "penalty": {"measures": ["罚款"], "fine_amount": "1000.00", "reasons": "违法情节一般。"},
        "evidence": [
            {
                "seq": 1,
                "ref": "evidence:1",
                "kind_label": "照片",
                "description": "现场照片",
                "number": "",
                "dated_on": today,
                "captured_at": today,
                "sha256": "0" * 64,
                "sha256_short": "0" * 16,
                "sm3": "0" * 64,
                "size": 1,
            }
        ],
        "notice": {
            "served_on": today,
            "hearing_eligible": True,
            "hearing_deadline": today,
            "statement_deadline": today,
            "statement_summary": "",
        },
        "hearing": {"requested_on": today, "held_on": today, "presided_by": "主持人", "record": "听证记录"},
        "legal_review": {
            "opinion": "同意",
            "checklist": [{"item": "执法主体是否合法", "ok": True, "note": ""}],
            "reviewer": "审核人",
            "reviewed_on": today,
            "approved": True,
        },
        "deliberation": {
            "held_on": today,
            "participants": "甲、乙、丙",
            "minutes": "讨论",
            "conclusion": "同意",
        },
        "payments": [],
        "payment": {"surcharge": ""},
        "service": {
            "served_on": today,
            "method_label": "直接送达",
            "document_title": "行政处罚决定书",
            "document_number": "示城管罚决〔2025〕1号",
        },
        "no_penalty": {
            "reason": "违法行为轻微并及时改正",
            "basis": "《中华人民共和国行政处罚法》第三十三条第一款",
        },
        "closing": {
            "summary": "罚款已缴清。",
            "reported_on": today,
            "reported_by": "执法人员甲",
            "approved_on": today,
            "approver": "审批人",
            "opinion": "同意结案。",
        },
        "inputs": {"findings": "现场情况", "qa": [{"q": "问", "a": "答"}]},
        "seizure": {
            "measure_label": "扣押",
            "number": "示城管强〔2025〕1号",
            "started_on": today,
            "due_on": today,
            "reason": "涉案物品",
            "basis": "《城市道路管理条例》",
            "storage_location": "仓库",
            "items": [{"description": "物品", "quantity": "1", "unit": "件", "storage_location": "仓库"}],
            "officers": ["执法人员甲", "执法人员乙"],
            "party_present": True,
            "witness": "",
        },
        "extension": {"days": 30, "reason": "情况复杂"},
        "disposition": {
            "title": "解除扣押决定书",
            "sentence": "",
            "items": [],
            "outcome_label": "退还",
            "basis": "《中华人民共和国行政强制法》第二十八条",
            "proceeds": "",
        },
        "dossier": {"documents": [], "evidence": []},
        "transfer": {
            "organ": "示例市公安局",
            "document_number": f"示城管{kind.number_word}〔2025〕1号",
            "suspicion": "当事人占用道路堆放的物料系非法采挖的矿产资源，数量较大，涉嫌非法采矿罪",
            "transferred_on": today,
            "credited": "",
            "decision_number": "",
            "decided_on": "",
            "fine_amount": "",
        },
    }


# --- Documents --------------------------------------------------------------------------------------


def _number_for(case: Case, kind: catalogue.Kind, on: dt.date) -> str:
    if kind.code in DECISION_CODES and case.decision_number:
        return case.decision_number
    if kind.code == "judicial_transfer" and (case.transfer or {}).get("document_number"):
        return str(case.transfer["document_number"])  # the 移送书's number the transfer recorded
    return issue_number(
        agency_id=case.agency_id, abbreviation=case.agency.abbreviation, kind=kind.number_word, year=on.year
    )


def _current(case: Case, code: str) -> Document | None:
    """The newest document of that kind not superseded, locked."""
    return _CURRENT.first(case.pk, code)


def can_write(actor: Any, case: Case) -> bool:
    return actor is None or may_add_evidence(actor, case.agency_id)


def document_generate(
    *,
    case: Case,
    code: str,
    actor: Any,
    event: CaseEvent | None = None,
    inputs: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    served_on: dt.date | None = None,
    replace: Document | None = None,
    authorised: bool = False,
) -> Document:
    """Render and store one 文书 of `case`. Runs inside the caller's transaction when there is one
    (the case event's); otherwise in its own.

    - `replace`: the document this one supersedes (same number). Refused when it was served.
    - For a kind that exists once per case, an existing unserved document is superseded; a served one
      makes the call refuse (a served document never changes).
    - `authorised`: the caller already checked the actor (a workflow event the actor was allowed to
      apply, e.g. a legal reviewer's opinion); otherwise the actor must be an officer or approver of
      the case's agency.
    """
    kind = catalogue.BY_CODE.get(code)
    if kind is None:
        raise InvalidInput(_("Unknown document kind."), detail={"code": code})
    if not authorised and not can_write(actor, case):
        raise Forbidden(_("You cannot produce documents for this case."))
    if event is None or event.name != "archive":
        require_case_writable(case)
    with transaction.atomic():
        previous = replace or (_current(case, code) if kind.single else None)
        if (
            replace is None
            and previous is not None
            and previous.state == Document.State.SERVED
            and event is not None
        ):
            # The event happened again (e.g. a second notice after the case went back to investigation):
            # the served document stays as it was and the new one is a document of its own.
            previous = None
        if previous is not None and previous.state == Document.State.SERVED:
            raise Conflict(
                _("“%(title)s” %(number)s has been served and cannot change; issue a new document instead.")
                % {"title": previous.title, "number": previous.number},
                code="document_served",
            )
        template = template_get(code)
        version = template.current
        assert version is not None
        today = event.occurred_on if event is not None else timezone.localdate()
        number = previous.number if previous is not None else _number_for(case, kind, today)
        data = context.build(
            case,
            code=code,
            title=kind.title,
            number=number,
            date=today,
            event=event,
            inputs=inputs if inputs is not None else (previous.inputs if previous is not None else {}),
            extra=extra,
        )
        document = Document.objects.create(
            agency=case.agency,
            case=case,
            template=template,
            version=version,
            code=code,
            title=kind.title,
            number=number,
            blob=None,
            pages=0,
            render_state=Document.Rendering.RENDERING,
            context=data,
            inputs=data["inputs"],
            event_id=event.pk if event is not None else None,
            state=Document.State.SERVED if served_on else Document.State.DRAFT,
            generated_by=actor if getattr(actor, "pk", None) else None,
            generated_at=timezone.now(),
            served_on=served_on,
            supersedes=previous,
        )
        if previous is not None:
            previous.state = Document.State.SUPERSEDED
            previous.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="documents.generate",
            obj=document,
            agency_id=case.agency_id,
            summary={
                "case": case.pk,
                "code": code,
                "number": number,
                "template_version": version.version,
                "event": event.name if event is not None else None,
                "supersedes": previous.pk if previous is not None else None,
            },
        )
        # The PDF is rendered by the worker after the commit, from `data` as stored (render_queue).
        render_queue.track(document)  # a rendering in this process updates the object returned here
        render_queue.schedule(document.pk)
    return document


def document_regenerate(*, actor: Any, document_id: int, inputs: dict[str, Any] | None = None) -> Document:
    """Render an unserved document again from the case as it is now (same number)."""
    document = Document.objects.select_related("case", "case__agency").filter(pk=document_id).first()
    if document is None or actor is None or document.case.agency_id not in scope_agency_ids(actor):
        raise NotFound(_("No such document, or it is not visible to you."))
    if document.state == Document.State.SUPERSEDED:
        raise Conflict(_("A newer rendering of this document exists; regenerate that one."))
    return document_generate(
        case=document.case, code=document.code, actor=actor, inputs=inputs, replace=document
    )


def check_service(document: Document, served_on: dt.date) -> None:
    """Only a document addressed to the party is served (送达, 行政处罚法第六十一条), on a real date:
    not in the future, not before the act it follows (the event that produced it, or the case's
    discovery for a document written by hand). Internal forms (立案审批表, 集体讨论记录 …) are never
    served."""
    if not catalogue.kind(document.code).servable:
        raise RuleViolation(
            _("Only a document addressed to the party can be served; this is an internal record."),
            code="not_servable",
            article="行政处罚法第六十一条",
            detail={"field": "code", "code": document.code},
        )
    if served_on > timezone.localdate():
        raise InvalidInput(_("The date of service cannot be in the future."), detail={"field": "served_on"})
    earliest = document.case.discovered_on
    if document.event_id:
        event = CaseEvent.objects.filter(pk=document.event_id).first()
        if event is not None and event.occurred_on:
            earliest = max(earliest, event.occurred_on)
    if served_on < earliest:
        raise InvalidInput(
            _("The date of service cannot be before %(date)s, the date of the act the document follows.")
            % {"date": earliest.isoformat()},
            detail={"field": "served_on", "earliest": earliest.isoformat()},
        )


def document_mark_served(*, actor: Any, document: Document, served_on: dt.date) -> Document:
    """Record that a document reached the party (or was handed over); from then on it is frozen."""
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.state == Document.State.SERVED:
            return locked
        if locked.state == Document.State.SUPERSEDED:
            raise Conflict(_("A newer rendering of this document exists."))
        check_service(locked, served_on)
        locked.state = Document.State.SERVED
        locked.served_on = served_on
        locked.save(update_fields=["state", "served_on"])
        audit_record(
            actor=actor,
            action="documents.served",
            obj=locked,
            agency_id=locked.agency_id,
            summary={
                "number": locked.number,
                "served_on": served_on.isoformat(),
                # None while the PDF is being rendered (its data and template version are fixed)
                "sha256": locked.blob.sha256 if locked.blob is not None else None,
            },
        )
    return locked


# --- The case workflow's listener -------------------------------------------------------------------


def _serve_current(case: Case, code: str, *, on: dt.date, actor: Any) -> Document | None:
    document = _current(case, code)
    if document is not None and document.state == Document.State.DRAFT:
        return document_mark_served(actor=actor, document=document, served_on=on)
    return document


def on_case_event(case: Case, event: CaseEvent) -> None:
    """Generate the 文书 an event produces (catalogue.generated_by) and freeze those it serves."""
    actor = event.actor
    on = event.occurred_on
    if event.name == "archive":
        from zhifa.enforcement.documents.dossier import dossier_index_extra

        document_generate(
            case=case,
            code="dossier_index",
            actor=actor,
            event=event,
            extra=dossier_index_extra(case),
            authorised=True,
        )
        return
    for kind in catalogue.generated_by(event.name):
        if kind.code == "hearing_notice" and not case.hearing_eligible:
            continue
        if kind.code == "proof_of_service":
            continue  # below, once the served document exists
        serves_now = event.name in kind.served_by
        document_generate(
            case=case,
            code=kind.code,
            actor=actor,
            event=event,
            served_on=on if serves_now else None,
            authorised=True,
        )
    if event.name == "serve":
        decision = _serve_current(case, "decision", on=on, actor=actor)
        _proof_of_service(case, event, decision)
    elif event.name == "notify":
        notice = _current(case, "prior_notice")
        _proof_of_service(case, event, notice)
    elif event.name == "serve_reminder":
        reminder = document_generate(
            case=case, code="reminder", actor=actor, event=event, served_on=on, authorised=True
        )
        _proof_of_service(case, event, reminder)


def _proof_of_service(case: Case, event: CaseEvent, served: Document | None) -> None:
    if served is None:
        return
    extra = {
        "service": {
            "document_title": served.title,
            "document_number": served.number,
            "served_on": event.occurred_on.isoformat(),
            "method_label": context.SERVICE_METHODS.get(str(event.payload.get("method", "")), "直接送达"),
            "receipt": str(event.payload.get("receipt", "") or ""),
            "note": "",
        }
    }
    document_generate(
        case=case,
        code="proof_of_service",
        actor=event.actor,
        event=event,
        extra=extra,
        served_on=event.occurred_on,
        authorised=True,
    )


# --- What the file holds (registered with cases.hooks) ---------------------------------------------


def _record_date(inputs: dict[str, Any]) -> dt.date | None:
    """The date a 笔录 bears: its start time as written (YYYY-MM-DD…), if any."""
    raw = str(inputs.get("started_at") or inputs.get("date") or "")[:10]
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


# What `file_items_records` reads of each 笔录 (not its stored context), compiled once per process.
_RECORDS: Prepared[Document] = Prepared(
    lambda pk: (
        Document.objects.filter(case_id=pk, code__in=catalogue.RECORD_CODES)
        .exclude(state=Document.State.SUPERSEDED)
        .only("id", "code", "title", "number", "inputs", "generated_at")
        .order_by("generated_at", "id")
    ),
    markers=(-730_100_067,),
)


def file_items_records(case: Case) -> list[FileItem]:
    """The investigation records (笔录, 行政处罚法第五十五条) of the case as citable file items: dated
    by what they say, entered when they were generated."""
    items = []
    for doc in _RECORDS(case.pk):
        entered = timezone.localtime(doc.generated_at).date()
        items.append(
            FileItem(
                ref=f"document:{doc.pk}",
                kind=doc.code,
                label=doc.title,
                description=str(doc.inputs.get("place") or doc.inputs.get("person") or "")[:200],
                dated_on=_record_date(doc.inputs) or entered,
                entered_on=entered,
                number=doc.number,
            )
        )
    return items


# --- Archive check ----------------------------------------------------------------------------------


def present_codes(case: Case) -> set[str]:
    return set(
        Document.objects.filter(case=case)
        .exclude(state=Document.State.SUPERSEDED)
        .values_list("code", flat=True)
    )


def missing_required(case: Case) -> list[tuple[str, str]]:
    """(title, article) of each document the path of the case requires and its file lacks."""
    events = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("name", flat=True))
    required = records.required_documents(
        events, procedure=case.procedure, hearing_eligible=case.hearing_eligible
    )
    present = present_codes(case)
    missing = []
    for req in required:
        if not present.intersection(req.codes):
            titles = "或".join(catalogue.kind(c).title for c in req.codes)
            missing.append((titles, req.article))
    return missing


def dossier_status(case: Case) -> dict[str, Any]:
    """Completeness computed from the rules, not from a list of documents: what the path taken so far
    requires (law.records), evidence behind any proposal (行政处罚法第四十条), items entered after the
    decision that rested on the file (第四十七条). `complete` only for a finished case with nothing
    missing — an open case is never "complete", whatever it holds so far."""
    from zhifa.enforcement.cases.hooks import file_items
    from zhifa.law import casefile

    missing = missing_required(case)
    items = file_items(case)
    problems: list[str] = []
    proposed = CaseEvent.objects.filter(case=case, name="submit_proposal").exists()
    if case.procedure != "simple" and proposed and not items:
        problems.append(
            _("The file holds no evidence and no investigation record (%(article)s).")
            % {"article": casefile.ART_40}
        )
    decision = (
        CaseEvent.objects.filter(case=case, name__in=("decide", "decide_on_spot")).order_by("-seq").first()
    )
    cited = decision.payload.get("cited") if decision is not None else None
    late = (
        casefile.late_entries(
            items,
            decided_on=case.decided_on,
            cited_refs=[str(c.get("ref", "")) for c in cited if isinstance(c, dict)],
        )
        if isinstance(cited, list)
        else []
    )
    for item in late:
        problems.append(
            _(
                "%(label)s %(number)s is dated %(dated)s, before the decision, but entered the file on %(entered)s, after it (%(article)s)."
            )
            % {
                "label": item.label,
                "number": item.number,
                "dated": item.dated_on.isoformat() if item.dated_on else "",
                "entered": item.entered_on.isoformat(),
                "article": casefile.ART_47,
            }
        )
    finished = case_finished(case)  # the cases app's own list of finished states
    return {
        "missing": missing,
        "problems": problems,
        "finished": finished,
        "complete": finished and not missing and not problems,
    }


def archive_check_documents(case: Case) -> list[str]:
    return [
        _("The dossier lacks the %(title)s (%(article)s).") % {"title": title, "article": article}
        for title, article in missing_required(case)
    ]


# --- The dossier for other apps ------------------------------------------------------------------


def dossier_pdf_for(case: Case) -> bytes:
    """The whole dossier as one PDF (dossier.dossier_pdf), for apps that show a case file to someone
    they authorised themselves — the dossier review shows it to the reviewer the campaign assigned.
    The caller decides who may see it and records the access."""
    from zhifa.enforcement.documents.dossier import dossier_pdf

    return dossier_pdf(case)


def html_pdf(html: str, *, title: str) -> bytes:
    """A PDF from HTML with the documents' fonts and stylesheet and no network access (rendering.html_to_pdf),
    for other apps' reports."""
    from zhifa.enforcement.documents.rendering import html_to_pdf

    return html_to_pdf(html, title=title)[0]


# --- PDFs rendered after the commit, for other apps' 文书 (supervision notices, reconsideration 文书) ---
# One alert kind and one "not ready" refusal for every 文书 rendered in the worker, the case 文书's
# (render_queue) and other apps' alike: one list of stuck documents for the administrator.

RENDERING_ALERT_KIND = "document_rendering_failed"


def rendering_alert_raise(
    *,
    key: str,
    agency_id: int,
    title: str,
    number: str,
    error: BaseException,
    object_type: str,
    object_id: int,
) -> None:
    """Open (or keep open) the critical alert that the PDF of `title` `number` could not be rendered;
    the renderings go on being retried, and `rendering_alert_resolve` closes it."""
    from zhifa.foundation.alerts.services import alert_raise

    alert_raise(
        kind=RENDERING_ALERT_KIND,
        key=key,
        agency_id=agency_id,
        title=_("The PDF of %(title)s %(number)s could not be rendered; retrying")
        % {"title": title, "number": number},
        message=f"{type(error).__name__}: {error}"[:2000],
        severity="critical",
        object_type=object_type,
        object_id=str(object_id),
    )


def rendering_alert_resolve(key: str) -> None:
    """Close the alert of `key`, if a failed rendering opened one (a rendering has now succeeded)."""
    from zhifa.foundation.alerts.services import alert_resolve

    alert_resolve(key=key, note="rendered")


def rendering_not_ready(*, title: str, number: str, detail: dict[str, Any]) -> DomainError:
    """The refusal for a reader whose PDF could not be rendered on demand either: 503
    `document_rendering`, "try again shortly" — never a 500."""
    return DomainError(
        _("The PDF of %(title)s %(number)s is not ready yet; it is being rendered. Try again shortly.")
        % {"title": title, "number": number},
        code="document_rendering",
        status=503,
        detail=detail,
    )
