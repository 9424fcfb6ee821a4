"""The automatic pre-check of a sampled file: every rubric item the platform's data can decide, with the
evidence for each finding. The reviewer confirms or overrides each proposal with a note.

`file_facts(case_id)` reads what the case workflow, the documents, the evidence store and the portal
recorded (a supervision read across agencies: the reviewer of another agency sees the file because the
campaign assigned it, not through the agency's scope). `evaluate(facts)` is pure, so every check is
tested on plain facts as well as on cases driven through the workflow.

Outcomes: `pass` (the data shows the item met), `flag` (the data shows a fault: a proposed veto or
deduction), `na` (the item does not arise in this file). The data never decides the items a person must
judge (facts, law applied, reasoning); those have no check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from zhifa.enforcement.cases.models import Case, CaseDeadline, CaseEvent, CaseOfficer
from zhifa.enforcement.documents.models import Document
from zhifa.enforcement.evidence.models import Evidence
from zhifa.law import records
from zhifa.public.portal.models import PublishedDecision

PENALTY_DECISIONS = frozenset({"decide", "decide_on_spot"})


@dataclass(frozen=True)
class Doc:
    code: str
    served_on: dt.date | None
    state: str


@dataclass(frozen=True)
class DeadlineFact:
    kind: str
    label: str
    due_on: dt.date
    resolved_on: dt.date | None
    resolution: str
    party_window: bool


@dataclass(frozen=True)
class FileFacts:
    case_id: int
    procedure: str
    state: str
    events: tuple[str, ...]
    officers: tuple[tuple[str, str], ...]  # (name, credential number recorded at assignment)
    notified_on: dt.date | None
    decided_on: dt.date | None
    served_on: dt.date | None
    hearing_eligible: bool
    hearing_requested_on: dt.date | None
    hearing_held_on: dt.date | None
    legal_review_required: bool
    legal_review_passed: bool
    fine_amount: Decimal | None
    permitted_min: Decimal | None
    permitted_max: Decimal | None
    discretion_reason: str
    paid_amount: Decimal
    court_applied_on: dt.date | None
    archived_on: dt.date | None
    documents: tuple[Doc, ...]
    deadlines: tuple[DeadlineFact, ...]
    evidence: tuple[tuple[str, bool | None], ...]  # (description, last verification passed)
    publication: tuple[dt.date, dt.datetime | None, str] | None  # (due, published at, state)
    today: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class Finding:
    check: str
    outcome: str  # pass | flag | na
    evidence: str
    deduction: Decimal = Decimal(0)  # proposed (scored items)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "outcome": self.outcome,
            "evidence": self.evidence,
            "deduction": str(self.deduction),
        }


def file_facts(case_id: int, *, today: dt.date) -> FileFacts:
    case = Case.objects.select_related("power_version").get(pk=case_id)
    events = tuple(CaseEvent.objects.filter(case=case).order_by("seq").values_list("name", flat=True))
    officers = tuple(
        (str(o.officer), o.credential_number)
        for o in CaseOfficer.objects.filter(case=case, removed_on__isnull=True).select_related("officer")
    )
    docs = tuple(
        Doc(d.code, d.served_on, d.state)
        for d in Document.objects.filter(case=case).exclude(state=Document.State.SUPERSEDED)
    )
    deadlines = tuple(
        DeadlineFact(d.kind, str(d.get_kind_display()), d.due_on, d.resolved_on, d.resolution, d.party_window)
        for d in CaseDeadline.objects.of_case(case).order_by("id")
    )
    evidence = tuple(
        (e.description or e.original_name or str(e.pk), e.blob.last_check_ok)
        for e in Evidence.objects.filter(case=case, destroyed_at__isnull=True).select_related("blob")
    )
    pub = PublishedDecision.objects.filter(case_id=case.pk).order_by("-id").first()
    return FileFacts(
        case_id=case.pk,
        procedure=case.procedure,
        state=case.state,
        events=events,
        officers=officers,
        notified_on=case.notified_on,
        decided_on=case.decided_on,
        served_on=case.served_on,
        hearing_eligible=case.hearing_eligible,
        hearing_requested_on=case.hearing_requested_on,
        hearing_held_on=case.hearing_held_on,
        legal_review_required=case.legal_review_required,
        legal_review_passed=case.legal_review_passed,
        fine_amount=case.fine_amount,
        permitted_min=case.permitted_min,
        permitted_max=case.permitted_max,
        discretion_reason=case.discretion_reason,
        paid_amount=case.paid_amount,
        court_applied_on=case.court_applied_on,
        archived_on=case.archived_on,
        documents=docs,
        deadlines=deadlines,
        evidence=evidence,
        publication=(pub.publish_due, pub.published_at, pub.state) if pub and pub.publish_due else None,
        today=today,
    )


def _penalty_decided(f: FileFacts) -> bool:
    return any(e in PENALTY_DECISIONS for e in f.events)


def _doc(f: FileFacts, code: str) -> Doc | None:
    return next((d for d in f.documents if d.code == code), None)


def check_officers(f: FileFacts) -> Finding:
    if "file" not in f.events and "decide_on_spot" not in f.events:
        return Finding("officers", "na", _("The case was never filed, so no officers were assigned."))
    names = "、".join(n for n, _c in f.officers) or _("none")
    without = [n for n, c in f.officers if not c]
    if len(f.officers) < 2 or without:
        return Finding(
            "officers",
            "flag",
            _(
                "Handling officers: %(names)s; without a credential number: %(without)s (at least two credentialed officers)."
            )
            % {"names": names, "without": "、".join(without) or _("none")},
        )
    return Finding("officers", "pass", _("Two or more credentialed officers: %(names)s.") % {"names": names})


def check_prior_notice(f: FileFacts) -> Finding:
    if f.procedure == "simple" or not _penalty_decided(f):
        return Finding("prior_notice", "na", _("No penalty decision after an ordinary procedure."))
    notice = _doc(f, "prior_notice")
    served = notice.served_on if notice else None
    if served is None or f.decided_on is None or served > f.decided_on or f.notified_on is None:
        return Finding(
            "prior_notice",
            "flag",
            _("Decided on %(decided)s; the prior notice (事先告知书) served on: %(served)s.")
            % {"decided": f.decided_on or "—", "served": served or _("not served")},
        )
    return Finding(
        "prior_notice",
        "pass",
        _("Prior notice served on %(served)s, before the decision of %(decided)s.")
        % {"served": served, "decided": f.decided_on},
    )


def check_hearing(f: FileFacts) -> Finding:
    if f.hearing_requested_on is None:
        return Finding("hearing", "na", _("The party did not request a hearing."))
    if f.hearing_held_on is None or (f.decided_on is not None and f.hearing_held_on > f.decided_on):
        return Finding(
            "hearing",
            "flag",
            _("Hearing requested on %(requested)s; held on: %(held)s.")
            % {"requested": f.hearing_requested_on, "held": f.hearing_held_on or _("never")},
        )
    return Finding(
        "hearing",
        "pass",
        _("Hearing requested on %(requested)s and held on %(held)s.")
        % {"requested": f.hearing_requested_on, "held": f.hearing_held_on},
    )


def check_legal_review(f: FileFacts) -> Finding:
    if not f.legal_review_required:
        return Finding("legal_review", "na", _("The matter did not require legal review."))
    if not f.legal_review_passed or _doc(f, "legal_review_opinion") is None:
        return Finding(
            "legal_review", "flag", _("Legal review was required; no passed review opinion in the file.")
        )
    return Finding("legal_review", "pass", _("Legal review required and passed; the opinion is in the file."))


def check_documents(f: FileFacts) -> Finding:
    required = records.required_documents(
        f.events, procedure=f.procedure, hearing_eligible=f.hearing_eligible
    )
    missing = records.missing_documents(required, (d.code for d in f.documents))
    if missing:
        per = Decimal(2)
        return Finding(
            "documents",
            "flag",
            _("Documents the path requires but the file lacks: %(codes)s.") % {"codes": "、".join(missing)},
            deduction=per * len(missing),
        )
    return Finding(
        "documents",
        "pass",
        _("Every document the path requires is in the file (%(n)d).") % {"n": len(required)},
    )


def check_service(f: FileFacts) -> Finding:
    decision = _doc(f, "decision") or _doc(f, "no_penalty_decision")
    if decision is None:
        return Finding("service", "na", _("No decision document in the file."))
    if decision.served_on is None:
        return Finding(
            "service", "flag", _("The decision was never served on the party."), deduction=Decimal(4)
        )
    return Finding("service", "pass", _("The decision was served on %(on)s.") % {"on": decision.served_on})


def check_dossier_index(f: FileFacts) -> Finding:
    if f.archived_on is None:
        return Finding("dossier_index", "na", _("The file is not archived."))
    if _doc(f, "dossier_index") is None:
        return Finding(
            "dossier_index", "flag", _("The archived file has no table of contents."), deduction=Decimal(1)
        )
    return Finding("dossier_index", "pass", _("The archived file has its table of contents."))


def check_archived(f: FileFacts) -> Finding:
    if f.state == "archived":
        return Finding("archived", "pass", _("Archived on %(on)s.") % {"on": f.archived_on})
    return Finding("archived", "flag", _("The closed file is not archived."), deduction=Decimal(1))


def check_evidence(f: FileFacts) -> Finding:
    failed = [d for d, ok in f.evidence if ok is False]
    if failed:
        return Finding(
            "evidence",
            "flag",
            _("Evidence whose content failed verification: %(items)s.") % {"items": "、".join(failed)},
            deduction=Decimal(5) * len(failed),
        )
    if not f.evidence:
        return Finding("evidence", "na", _("No electronic evidence in the file."))
    return Finding(
        "evidence", "pass", _("%(n)d items of evidence; none failed verification.") % {"n": len(f.evidence)}
    )


def check_deadlines(f: FileFacts) -> Finding:
    late = [
        d
        for d in f.deadlines
        if not d.party_window
        and (d.resolution == "late" or (d.resolved_on is None and d.resolution == "" and d.due_on < f.today))
    ]
    if late:
        return Finding(
            "deadlines",
            "flag",
            _("Deadlines missed: %(items)s.")
            % {"items": "、".join(f"{d.label}（{d.due_on}）" for d in late)},
            deduction=Decimal(5) * len(late),
        )
    return Finding(
        "deadlines", "pass", _("Every deadline of the file was met (%(n)d).") % {"n": len(f.deadlines)}
    )


def check_discretion(f: FileFacts) -> Finding:
    if f.fine_amount is None or (f.permitted_min is None and f.permitted_max is None):
        return Finding("discretion", "na", _("No fine against a discretion tier."))
    low = f.permitted_min is not None and f.fine_amount < f.permitted_min
    high = f.permitted_max is not None and f.fine_amount > f.permitted_max
    tier = f"{f.permitted_min or 0}–{f.permitted_max or '∞'}"
    if (low or high) and not f.discretion_reason.strip():
        return Finding(
            "discretion",
            "flag",
            _("Fine ¥%(fine)s outside the tier %(tier)s with no reason given.")
            % {"fine": f.fine_amount, "tier": tier},
            deduction=Decimal(5),
        )
    return Finding(
        "discretion",
        "pass",
        _("Fine ¥%(fine)s against the tier %(tier)s.") % {"fine": f.fine_amount, "tier": tier},
    )


def check_execution(f: FileFacts) -> Finding:
    if not f.fine_amount:
        return Finding("execution", "na", _("No fine to execute."))
    if f.paid_amount >= f.fine_amount or f.court_applied_on is not None:
        return Finding(
            "execution",
            "pass",
            _("Paid ¥%(paid)s of ¥%(fine)s.") % {"paid": f.paid_amount, "fine": f.fine_amount},
        )
    return Finding(
        "execution",
        "flag",
        _("Paid ¥%(paid)s of ¥%(fine)s and no court enforcement applied for.")
        % {"paid": f.paid_amount, "fine": f.fine_amount},
        deduction=Decimal(3),
    )


def check_publication(f: FileFacts) -> Finding:
    if f.publication is None:
        return Finding("publication", "na", _("The decision is not one the portal publishes."))
    due, published_at, _state = f.publication
    if published_at is None:
        if due < f.today:
            return Finding(
                "publication",
                "flag",
                _("Due for publication by %(due)s; not published.") % {"due": due},
                deduction=Decimal(3),
            )
        return Finding("publication", "na", _("Publication due by %(due)s.") % {"due": due})
    on = published_at.date()
    if on > due:
        return Finding(
            "publication",
            "flag",
            _("Published on %(on)s, after %(due)s.") % {"on": on, "due": due},
            deduction=Decimal(2),
        )
    return Finding("publication", "pass", _("Published on %(on)s (due %(due)s).") % {"on": on, "due": due})


CHECKS: dict[str, Callable[[FileFacts], Finding]] = {
    "officers": check_officers,
    "prior_notice": check_prior_notice,
    "hearing": check_hearing,
    "legal_review": check_legal_review,
    "documents": check_documents,
    "service": check_service,
    "dossier_index": check_dossier_index,
    "archived": check_archived,
    "evidence": check_evidence,
    "deadlines": check_deadlines,
    "discretion": check_discretion,
    "execution": check_execution,
    "publication": check_publication,
}


def evaluate(facts: FileFacts, items: list[tuple[str, str, str, Decimal]]) -> list[dict[str, Any]]:
    """items: (code, section, check, max deduction) of the rubric. One proposal per item with a check:
    a veto item that flags proposes the veto; a scored item proposes its deduction capped at the
    item's maximum. Evidence is written in Chinese, the language of the file."""
    out: list[dict[str, Any]] = []
    with translation.override("zh-hans"):
        for code, section, check, max_deduction in items:
            fn = CHECKS.get(check)
            if fn is None:
                continue
            finding = fn(facts)
            row = finding.as_dict() | {"code": code, "section": section, "veto": False}
            if finding.outcome == "flag":
                if section == "veto":
                    row["veto"] = True
                    row["deduction"] = "0"
                else:
                    row["deduction"] = str(min(max_deduction, finding.deduction or max_deduction))
            else:
                row["deduction"] = "0"
            out.append(row)
    return out
