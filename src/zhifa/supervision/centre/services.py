"""The supervision centre's doors: running the problem models (sweep and incremental check), the clue
workflow, response materials, fault-accountability records and the annual statistics.

Running a model reconciles what it finds now with the clues it raised before: a new condition raises
one clue (the unique constraint on open (model, key) makes a second impossible even under
concurrency), a condition still found refreshes `last_seen_on` (and the explanation if it changed), a
condition no longer found is marked cleared — and a clue still awaiting handling is closed by the
`clear` event. A clue already handled (dismissed, noticed) keeps its handling state; its condition is
only marked cleared.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import workflow
from zhifa.core.auditing import audit_record
from zhifa.core.errors import Forbidden, InvalidInput, NotFound
from zhifa.core.files import filetypes, uploads
from zhifa.core.files.services import blob_store
from zhifa.core.problems import Checked, Finding, ProblemModel, Scope, problem_models
from zhifa.core.roles import Role
from zhifa.org.selectors import scope_agency_ids, user_can_see_agency
from zhifa.supervision.centre import handlers, probes
from zhifa.supervision.centre.models import (
    Clue,
    ClueEvent,
    ClueState,
    FaultKind,
    FaultRecord,
    FaultSource,
    Sanction,
)
from zhifa.supervision.centre.workflow import CLUES

log = logging.getLogger(__name__)

MATERIAL_MAX_BYTES = 20 * 1024 * 1024
MATERIAL_FAMILIES = frozenset({"image", "document", "video", "audio"})


@dataclass
class RunResult:
    raised: int = 0
    updated: int = 0
    cleared: int = 0
    checked: int = 0
    by_model: dict[str, int] = field(default_factory=dict)

    def add(self, other: RunResult) -> None:
        self.raised += other.raised
        self.updated += other.updated
        self.cleared += other.cleared
        self.checked += other.checked
        for k, v in other.by_model.items():
            self.by_model[k] = self.by_model.get(k, 0) + v


def _records(f: Finding) -> list[dict[str, Any]]:
    return [r.as_dict() for r in f.records]


def new_clue(model: ProblemModel, f: Finding, today: dt.date, now: dt.datetime) -> Clue:
    """The clue a finding raises, not saved (the one-by-one raise and the sweep's bulk raise)."""
    return Clue(
        model_code=model.code,
        key=f.key,
        agency_id=f.agency_id,
        object_type=f.object_type,
        object_id=f.object_id,
        case_id=f.case_id,
        officer_ids=list(f.officer_ids),
        title=f.title[:300],
        explanation=f.explanation,
        records=_records(f),
        raised_on=today,
        raised_at=now,
        last_seen_on=today,
    )


def raise_event(model: ProblemModel, clue: Clue, today: dt.date) -> ClueEvent:
    """The `raise` event of a new clue, not saved."""
    return ClueEvent(
        clue=clue,
        kind="raise",
        at=clue.raised_at,
        on=today,
        to_state=ClueState.OPEN,
        data={"model": model.code, "key": clue.key},
    )


def _raise(model: ProblemModel, f: Finding, today: dt.date) -> bool:
    """Raise one clue for a new condition (False when another process raised it first)."""
    try:
        with transaction.atomic():
            clue = new_clue(model, f, today, timezone.now())
            clue.save(force_insert=True)
            raise_event(model, clue, today).save(force_insert=True)
            audit_record(
                actor=None,
                action="centre.raise",
                obj=clue,
                agency_id=f.agency_id,
                summary={"model": model.code, "key": f.key},
            )
    except IntegrityError:
        return False
    return True


def _clear(clue: Clue, today: dt.date) -> None:
    if clue.state == ClueState.OPEN:
        workflow.apply_event(
            CLUES,
            obj_id=clue.pk,
            actor=None,
            event="clear",
            data={"note": _("The condition no longer holds.")},
        )
    else:  # handled already: the handling goes on, the condition is recorded as gone
        Clue.objects.filter(pk=clue.pk, condition_open=True).update(condition_open=False, cleared_on=today)


def _find(model: ProblemModel, scope: Scope, today: dt.date) -> tuple[dict[str, Finding], set[str]]:
    """What the model finds in the scope, and (aggregate re-checks) the keys it evaluated that do not
    hold."""
    found: dict[str, Finding] = {}
    checked: set[str] = set()
    for f in model.find(scope, today):
        if isinstance(f, Checked):
            checked.add(f.key)
        else:
            found.setdefault(f.key, f)
    return found, checked - found.keys()


def _refresh(model: ProblemModel, f: Finding, pk: int, explanation: str) -> bool:
    if explanation == f.explanation:
        return False
    # the facts moved on (another day late …): say so
    Clue.objects.filter(pk=pk).update(explanation=f.explanation, title=f.title[:300], records=_records(f))
    return True


def _mark_seen(seen: list[int], today: dt.date) -> None:
    for start in range(0, len(seen), 2000):  # still found: one UPDATE per chunk, not one per clue
        Clue.objects.filter(pk__in=seen[start : start + 2000]).exclude(last_seen_on=today).update(
            last_seen_on=today
        )


def run_model(model: ProblemModel, scope: Scope, today: dt.date) -> RunResult:
    """Reconcile one model's findings over the scope with its open clues (a sweep, or some agencies):
    streamed in batches, with the new clues and their audit entries written in bulk
    (`centre.sweep.sweep_model`)."""
    if scope.incremental:
        return _check([model], scope, today)
    from zhifa.supervision.centre.sweep import sweep_model

    result: RunResult = sweep_model(model, scope, today)
    return result


def _on_objects(scope: Scope) -> Q:
    return Q(object_type=scope.subject, object_id__in=sorted(scope.ids or ()))


def _check(models: list[ProblemModel], scope: Scope, today: dt.date) -> RunResult:
    """The incremental check of some objects. One query asks whether any open clue is about those
    objects and, for each model with a `probe`, whether its finder has any row to read; only the
    finders with rows (and the models without a probe) run. Then, only if there is an open clue about
    the objects or a model found or re-checked a condition, one query reads the open clues about the
    objects or under those keys. A clue about the objects that its model no longer finds is cleared,
    and so is an aggregate's clue under a key the model re-checked and found not to hold; clues about
    other objects stay as they are. A clue found again that was already seen today is not written."""
    assert scope.ids is not None and scope.subject is not None
    total = RunResult()
    if not models:
        return total
    base = Clue.objects.filter(condition_open=True, model_code__in=[m.code for m in models])
    if scope.agency_ids is not None:
        base = base.filter(agency_id__in=scope.agency_ids)
    clues_on_objects, has_rows = probes.probe(models, scope, today, lambda s: base.filter(_on_objects(s)))
    on_objects_q = _on_objects(scope)
    results = {m.code: _find(m, scope, today) if has_rows.get(m.code, True) else ({}, set()) for m in models}
    keys = {key for found, checked in results.values() for key in (*found, *checked)}
    known: dict[tuple[str, str], tuple[int, str, str, dt.date]] = {}
    on_objects: set[tuple[str, str]] = set()
    if clues_on_objects or keys:
        wanted = {(code, key) for code, (found, checked) in results.items() for key in (*found, *checked)}
        where = on_objects_q | Q(key__in=sorted(keys)) if keys else on_objects_q
        columns = (
            "id",
            "model_code",
            "key",
            "explanation",
            "state",
            "last_seen_on",
            "object_type",
            "object_id",
        )
        for pk, code, key, expl, st, seen_on, ot, oid in base.filter(where).values_list(*columns):
            on_object = ot == scope.subject and oid in scope.ids
            if on_object:
                on_objects.add((code, key))
            if on_object or (code, key) in wanted:
                known[(code, key)] = (pk, expl, st, seen_on)
    seen: list[int] = []
    for model in models:
        found, checked = results[model.code]
        total.checked += len(found)
        total.by_model[model.code] = len(found)
        for key, f in found.items():
            hit = known.get((model.code, key))
            if hit is not None:
                if hit[3] != today:
                    seen.append(hit[0])
                total.updated += _refresh(model, f, hit[0], hit[1])
            elif _raise(model, f, today):
                total.raised += 1
        for (code, key), (pk, _expl, st, _seen) in known.items():
            if code == model.code and key not in found and ((code, key) in on_objects or key in checked):
                _clear(Clue(pk=pk, state=st), today)
                total.cleared += 1
    if seen:
        _mark_seen(seen, today)
    return total


def models_run(
    *,
    scope: Scope | None = None,
    today: dt.date | None = None,
    codes: Collection[str] | None = None,
    aggregates: bool | None = None,
) -> RunResult:
    """Run the models (all, or `codes`) over the scope (everything by default: the nightly sweep). A
    scope of some objects is an incremental check: the per-object models of their subject
    (`aggregates=False`), the aggregate models that re-check what those objects feed (`recheck`;
    `aggregates=True`), or both (None)."""
    today = today or timezone.localdate()
    scope = scope or Scope()
    incremental = scope.incremental
    models = [
        m
        for m in problem_models(codes)
        if scope.applies_to(m.subject)
        and (
            not incremental
            or (m.incremental and aggregates is not True)
            or (m.recheck and not m.incremental and aggregates is not False)
        )
    ]
    if incremental:
        return _check(models, scope, today)
    total = RunResult()
    for model in models:
        total.add(run_model(model, scope, today))
    return total


def check_subject(subject: str, ids: Iterable[int], *, today: dt.date | None = None) -> RunResult:
    """The incremental check after events on these objects: the per-object models (a task queued by
    the listeners after the event commits)."""
    return models_run(scope=Scope(subject=subject, ids=frozenset(ids)), today=today, aggregates=False)


def recheck_aggregates(subject: str, ids: Iterable[int], *, today: dt.date | None = None) -> RunResult:
    """The aggregate models' re-check after events on these objects (its own queued task): only the
    aggregates the objects feed — a case's officers' shares, its officers' pairs on its days."""
    return models_run(scope=Scope(subject=subject, ids=frozenset(ids)), today=today, aggregates=True)


def _queue_check(subject: str, obj_id: int, *, aggregates: bool = False) -> None:
    """Queue the incremental check of the object (and, for a case, the aggregate re-check) as one task
    that runs after the event commits: the event itself only pays for one outbox row (written in its
    transaction, `core.tasks.enqueue_after_commit`), and a fault in a model can never roll the domain's
    event back (the task runs after the commit; the nightly sweep finds whatever a lost task missed)."""
    from zhifa.core.tasks import enqueue_after_commit
    from zhifa.supervision.centre.tasks import centre_event_check

    enqueue_after_commit(centre_event_check, subject, obj_id, aggregates)


def event_check(subject: str, obj_id: int, aggregates: bool) -> None:
    """The incremental check after an event (the task `centre_event_check`): the per-object models,
    then, if asked, the aggregate re-check — the second runs even if the first failed; the first failure
    is raised afterwards so that the outbox retries the task (both are idempotent)."""
    steps = [check_subject, recheck_aggregates] if aggregates else [check_subject]
    failures: list[Exception] = []
    for step in steps:
        try:
            step(subject, [obj_id])
        except Exception as exc:
            failures.append(exc)
    if failures:
        raise failures[0]


def on_case_event(case: Any, event: Any) -> None:
    _queue_check("cases.case", case.pk, aggregates=True)


def on_complaint_event(complaint: Any, event: Any) -> None:
    _queue_check("complaints.complaint", complaint.pk)


# --- the clue workflow ------------------------------------------------------------------------------


def clue_apply_event(*, clue_id: int, actor: Any, event: str, data: dict[str, Any]) -> Clue:
    """The one door that changes a clue's handling (table: `centre.workflow.TABLE`)."""
    if event == "clear":  # the platform's own event, never a person's
        raise CLUES.unknown_event(event)
    return workflow.apply_event(CLUES, obj_id=clue_id, actor=actor, event=event, data=data)


def material_store(*, actor: Any, clue_id: int, name: str, content: bytes) -> dict[str, Any]:
    """Store one file the agency sends with its response (through core.files) and return the
    reference the `respond` event takes. Only the agency's approvers of a clue awaiting a response."""
    clue = Clue.objects.filter(pk=clue_id).first()
    if clue is None or not user_can_see_agency(actor, clue.agency_id):
        raise NotFound(_("No such clue."))
    if not user_can_see_agency(actor, clue.agency_id, roles=[Role.APPROVER]):
        raise Forbidden(_("Only the agency's head may send the response."))
    if clue.state != ClueState.NOTIFIED:
        raise InvalidInput(_("The clue is not awaiting a response."), code="not_awaiting_response")
    if not content:
        raise InvalidInput(_("The file is empty."), detail={"field": "file"})
    if len(content) > MATERIAL_MAX_BYTES:
        raise InvalidInput(_("The file is larger than 20 MB."), detail={"field": "file"})
    kind = filetypes.detect(content[: filetypes.HEAD_BYTES])
    if kind is None or kind.family not in MATERIAL_FAMILIES:
        raise InvalidInput(
            _("Send PDF, images, office documents or video as materials."),
            code="unsupported_file_type",
            detail={"field": "file"},
        )
    if not uploads.opens_detected(kind, content):
        raise InvalidInput(
            _("The file %(name)s is damaged and cannot be opened.") % {"name": uploads.clean_name(name)},
            code="file_corrupt",
            detail={"field": "file"},
        )
    blob = blob_store(content, mime=kind.mime)
    return {
        "blob_id": blob.pk,
        "name": (name or "")[:200],
        "content_type": kind.mime,
        "sha256": blob.sha256,
        "ref": handlers.material_ref(blob_id=blob.pk, clue_id=clue.pk),
    }


def materials_use_blob(blob: Any) -> bool:
    from zhifa.supervision.centre.models import AnnualReport, NoticeMaterial, SupervisionNotice

    return (
        NoticeMaterial.objects.filter(blob=blob).exists()
        or SupervisionNotice.objects.filter(blob=blob).exists()
        or AnnualReport.objects.filter(blob=blob).exists()
    )


# --- accountability ---------------------------------------------------------------------------------


def _date(raw: Any, field_name: str, *, required: bool = True) -> dt.date | None:
    if raw in (None, ""):
        if required:
            raise InvalidInput(_("Enter %(field)s.") % {"field": field_name}, detail={"field": field_name})
        return None
    if isinstance(raw, dt.date):
        day = raw
    else:
        try:
            day = dt.date.fromisoformat(str(raw))
        except ValueError:
            raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), detail={"field": field_name}) from None
    if day > timezone.localdate():
        raise InvalidInput(_("The date cannot be in the future."), detail={"field": field_name})
    return day


def _opt_id(raw: Any, field_name: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter a valid id."), detail={"field": field_name}) from None


def fault_record(*, actor: Any, data: dict[str, Any]) -> FaultRecord:
    """Record a finding of fault (行政处罚法第七十六条) — supervisors of the officer's agency only."""
    from zhifa.officers.selectors import officer_get_for

    officer_id = _opt_id(data.get("officer_id"), "officer_id")
    if officer_id is None:
        raise InvalidInput(_("Choose the officer."), detail={"field": "officer_id"})
    officer = officer_get_for(user=actor, officer_id=officer_id)
    if officer is None:
        raise InvalidInput(_("No such officer."), detail={"field": "officer_id"})
    if not user_can_see_agency(actor, officer.agency_id, roles=[Role.SUPERVISOR]):
        raise Forbidden(_("Only a supervisor over the officer's agency may record a fault."))
    fault = str(data.get("fault", ""))
    if fault not in FaultKind.values:
        raise InvalidInput(_("Choose the kind of fault."), detail={"field": "fault"})
    sanction = str(data.get("sanction", ""))
    if sanction not in Sanction.values:
        raise InvalidInput(_("Choose the sanction."), detail={"field": "sanction"})
    description = handlers.text(data, "description", min_length=4)
    finding = handlers.text(data, "finding", min_length=4)
    found_on = _date(data.get("found_on"), "found_on")
    decided_on = _date(data.get("decided_on"), "decided_on")
    occurred_on = _date(data.get("occurred_on"), "occurred_on", required=False)
    assert found_on is not None and decided_on is not None
    if decided_on < found_on:
        raise InvalidInput(_("The decision cannot predate the finding."), detail={"field": "decided_on"})
    if occurred_on is not None and occurred_on > found_on:
        raise InvalidInput(
            _("The fault cannot have been found before it happened."), detail={"field": "found_on"}
        )
    links = _fault_links(actor, data, officer.agency_id)
    with transaction.atomic():
        record = FaultRecord.objects.create(
            agency_id=officer.agency_id,
            officer_id=officer.pk,
            officer_name=officer.name,
            officer_user_id=officer.user_id,
            fault=fault,
            description=description,
            finding=finding,
            sanction=sanction,
            occurred_on=occurred_on,
            found_on=found_on,
            decided_on=decided_on,
            recorded_by=actor,
            recorded_at=timezone.now(),
            **links,
        )
        audit_record(
            actor=actor,
            action="centre.fault_record",
            obj=record,
            agency_id=record.agency_id,
            summary={"officer": officer.pk, "fault": fault, "sanction": sanction, "source": record.source},
        )
    return record


def _fault_links(actor: Any, data: dict[str, Any], agency_id: int) -> dict[str, Any]:
    """What revealed the fault: a clue, a case, a dossier-review file, an appeal — each must exist and
    concern the officer's agency."""
    from zhifa.enforcement.cases.selectors import case_get_for
    from zhifa.supervision.appeals.selectors import appeal_get_for
    from zhifa.supervision.reviews.selectors import file_get_for

    links: dict[str, Any] = {"source": str(data.get("source") or FaultSource.OTHER)}
    if links["source"] not in FaultSource.values:
        raise InvalidInput(_("Choose how the fault was found."), detail={"field": "source"})
    clue_id = _opt_id(data.get("clue_id"), "clue_id")
    if clue_id is not None:
        clue = Clue.objects.filter(pk=clue_id, agency_id=agency_id).first()
        if clue is None:
            raise InvalidInput(_("No such clue for this agency."), detail={"field": "clue_id"})
        links["clue"] = clue
        data = {**data, "case_id": data.get("case_id") or clue.case_id}
    case_id = _opt_id(data.get("case_id"), "case_id")
    if case_id is not None:
        case = case_get_for(user=actor, case_id=case_id)
        if case is None or case.agency_id != agency_id:
            raise InvalidInput(_("No such case in this agency."), detail={"field": "case_id"})
        links.update(case_id=case_id, case_number=case.number)
    review_file_id = _opt_id(data.get("review_file_id"), "review_file_id")
    if review_file_id is not None:
        try:
            review_agency = file_get_for(actor, review_file_id).agency_id
        except NotFound:
            review_agency = None
        if review_agency != agency_id:
            raise InvalidInput(
                _("No such dossier-review file for this agency."), detail={"field": "review_file_id"}
            )
        links["review_file_id"] = review_file_id
    appeal_id = _opt_id(data.get("appeal_id"), "appeal_id")
    if appeal_id is not None:
        appeal = appeal_get_for(user=actor, appeal_id=appeal_id)
        if appeal is None or appeal.respondent_id != agency_id:
            raise InvalidInput(_("No such appeal against this agency."), detail={"field": "appeal_id"})
        links["appeal_id"] = appeal_id
    return links


def supervisor_agencies(user: Any) -> frozenset[int]:
    return scope_agency_ids(user, roles=[Role.SUPERVISOR])


# --- the annual statistics (行政执法统计年报), published on the portal ---------------------------------


def annual_report_publish(*, actor: Any, year: int, jurisdiction_id: int | None = None) -> Any:
    """Publish the year's enforcement statistics of a jurisdiction (a government node the supervisor
    is granted on): figures frozen into the record and a PDF, shown at /portal/annual-reports/.
    Only once the year has ended (国办发〔2018〕118号: by 31 January of the next year; a later
    publication is recorded with its due date, so the lateness shows)."""
    from zhifa.law import supervision as law
    from zhifa.org.selectors import agency_get, granted_nodes, subtree
    from zhifa.supervision.centre.models import AnnualReport
    from zhifa.supervision.centre.reports import annual_report, to_pdf

    today = timezone.localdate()
    if not law.annual_statistics_publishable(year, today=today):
        raise InvalidInput(
            _("The statistics of %(year)d can be published once the year has ended (%(article)s).")
            % {"year": year, "article": law.ART_ANNUAL_STATISTICS},
            code="year_not_ended",
        )
    grants = [node for node, _agency in granted_nodes(actor, roles=[Role.SUPERVISOR])]
    if jurisdiction_id is None and grants:
        jurisdiction_id = grants[0]
    node = agency_get(node_id=jurisdiction_id) if jurisdiction_id is not None else None
    if node is None or node.pk not in grants or node.kind != "government":
        raise Forbidden(_("Only a supervisor of the jurisdiction may publish its statistics."))
    agency_ids = [n.pk for n in subtree(node) if n.kind == "agency"]
    with transaction.atomic():
        if AnnualReport.objects.select_for_update().filter(year=year, jurisdiction=node).exists():
            raise InvalidInput(
                _("The statistics of %(year)d are already published.") % {"year": year},
                code="already_published",
            )
        report = annual_report(agency_ids, year)
        title = f"{node.name}{report.title}"
        report.title = title
        blob = blob_store(to_pdf(report), mime="application/pdf")
        record = AnnualReport.objects.create(
            year=year,
            jurisdiction=node,
            title=title,
            data=report.as_dict(),
            blob=blob,
            published_on=today,
            published_by=actor,
            due_on=law.annual_statistics_due(year),
        )
        audit_record(
            actor=actor,
            action="centre.annual_report_publish",
            obj=record,
            summary={"year": year, "node": node.pk},
        )
    return record
