"""Writes for training records, exam sessions and exam results (one transaction each, audited).

The XLSX importers (imports.py) check every row first and then call these inside one transaction, so
a file is imported completely or not at all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.law import jurisdiction
from zhifa.law import officers as law
from zhifa.officers.models import ExamResult, ExamSession, ImportBatch, Officer, TrainingRecord
from zhifa.officers.services import require_manager
from zhifa.org.models import OrgNode
from zhifa.org.roles import Role

MAX_HOURS = Decimal("200")
MAX_DAYS = Decimal("60")
MAX_POINTS = Decimal("1000")


def parse_decimal(value: Any, *, field: str, low: Decimal, high: Decimal, label: str) -> Decimal:
    """A decimal in [low, high] with at most one decimal place (学时 0.5 is common)."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            _("%(label)s must be a number.") % {"label": label}, detail={"field": field}
        ) from exc
    if not number.is_finite() or number < low or number > high:
        raise InvalidInput(
            _("%(label)s must be between %(low)s and %(high)s.") % {"label": label, "low": low, "high": high},
            detail={"field": field},
        )
    if number != number.quantize(Decimal("0.1")):
        raise InvalidInput(
            _("%(label)s has at most one decimal place.") % {"label": label}, detail={"field": field}
        )
    return number


def training_record_add(
    *,
    actor: Any | None,
    officer_id: int,
    kind: str,
    title: str,
    held_on: dt.date,
    hours: Any,
    days: Any = 0,
    points: Any = 0,
    note: str = "",
    batch: ImportBatch | None = None,
) -> TrainingRecord:
    """Record study hours. A correction is a further record with negative hours and a note."""
    if kind not in TrainingRecord.Kind.values:
        raise InvalidInput(_("Unknown training kind."), detail={"field": "kind"})
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput(
            _("Give the training a title (at most 200 characters)."), detail={"field": "title"}
        )
    if held_on > timezone.localdate():
        raise InvalidInput(_("The training date cannot be in the future."), detail={"field": "held_on"})
    hours_value = parse_decimal(hours, field="hours", low=-MAX_HOURS, high=MAX_HOURS, label=_("Study hours"))
    days_value = parse_decimal(
        days or 0, field="days", low=-MAX_DAYS, high=MAX_DAYS, label=_("Training days")
    )
    points_value = parse_decimal(
        points or 0, field="points", low=-MAX_POINTS, high=MAX_POINTS, label=_("Study points")
    )
    note = (note or "").strip()[:200]
    if hours_value == 0 and days_value == 0 and points_value == 0:
        raise InvalidInput(_("A training record needs hours, days or points."), detail={"field": "hours"})
    if min(hours_value, days_value, points_value) < 0 and not note:
        raise InvalidInput(_("A correction with negative values needs a note."), detail={"field": "note"})
    with transaction.atomic():
        officer = Officer.objects.filter(id=officer_id).first()
        if officer is None:
            raise NotFound(_("No such officer."))
        require_manager(actor, officer.agency_id)
        record = TrainingRecord.objects.create(
            officer=officer,
            agency_id=officer.agency_id,
            year=held_on.year,
            kind=kind,
            title=title,
            held_on=held_on,
            hours=hours_value,
            days=days_value,
            points=points_value,
            note=note,
            batch=batch,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=timezone.now(),
        )
        if batch is None:  # an import writes one audit entry for the whole batch
            audit_record(
                actor=actor,
                action="officers.training_add",
                obj=record,
                agency_id=officer.agency_id,
                summary={
                    "officer": officer.pk,
                    "kind": kind,
                    "hours": str(hours_value),
                    "held_on": str(held_on),
                },
            )
    return record


def _require_exam_organiser(actor: Any | None, organiser: OrgNode) -> None:
    """Agencies run their own exams; a government's administrators (司法局 on the city node) run
    exams for every agency below it."""
    if actor is None:
        return
    if organiser.kind in (OrgNode.Kind.AGENCY, OrgNode.Kind.UNIT) and organiser.agency_id is not None:
        require_manager(actor, organiser.agency_id)
        return
    ancestors = {int(x) for x in organiser.path.strip("/").split("/") if x}
    if not actor.role_grants.filter(role=Role.ADMIN, node_id__in=ancestors).exists():
        raise Forbidden(_("Only an administrator of this jurisdiction may organise its exams."))


def exam_session_create(
    *, actor: Any | None, organiser: OrgNode, kind: str, title: str, held_on: dt.date
) -> ExamSession:
    """Create an exam. The pass and excellent scores in force for the organiser are copied in."""
    if kind not in ExamSession.Kind.values:
        raise InvalidInput(_("Unknown exam kind."), detail={"field": "kind"})
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput(_("Give the exam a title (at most 200 characters)."), detail={"field": "title"})
    _require_exam_organiser(actor, organiser)
    pass_applied = jurisdiction.applied(law.EXAM_PASS_SCORE.key, agency=organiser)
    excellent_applied = jurisdiction.applied(law.EXAM_EXCELLENT_SCORE.key, agency=organiser)
    if excellent_applied.value < pass_applied.value:
        raise InvalidInput(_("The excellent score set for this jurisdiction is below its pass score."))
    with transaction.atomic():
        session = ExamSession(
            organiser=organiser,
            kind=kind,
            title=title,
            held_on=held_on,
            year=held_on.year,
            pass_score=pass_applied.value,
            excellent_score=excellent_applied.value,
            thresholds_source=pass_applied.source[:100],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        session.full_clean()
        session.save()
        audit_record(
            actor=actor,
            action="officers.exam_create",
            obj=session,
            agency_id=organiser.agency_id,
            summary={
                "title": title,
                "held_on": str(held_on),
                "pass_score": str(session.pass_score),
                "excellent_score": str(session.excellent_score),
                "source": pass_applied.source,
            },
        )
    return session


def exam_result_record(
    *,
    actor: Any | None,
    session_id: int,
    officer_id: int,
    score: Any = None,
    absent: bool = False,
    batch: ImportBatch | None = None,
) -> ExamResult:
    """Record one officer's result; passed/excellent follow the session's thresholds."""
    if absent and score not in (None, ""):
        raise InvalidInput(_("An absent officer has no score."), detail={"field": "score"})
    value = None
    if not absent:
        if score in (None, ""):
            raise InvalidInput(_("Enter the score, or mark the officer absent."), detail={"field": "score"})
        value = parse_decimal(score, field="score", low=Decimal(0), high=Decimal(100), label=_("Score"))
    with transaction.atomic():
        session = ExamSession.objects.filter(id=session_id).first()
        if session is None:
            raise NotFound(_("No such exam."))
        officer = Officer.objects.filter(id=officer_id).first()
        if officer is None:
            raise NotFound(_("No such officer."))
        require_manager(actor, officer.agency_id)
        if ExamResult.objects.filter(session=session, officer=officer).exists():
            raise Conflict(
                _("A result for %(name)s in this exam is already recorded.") % {"name": officer.name},
                code="exam_result_exists",
            )
        try:
            with transaction.atomic():
                result = ExamResult.objects.create(
                    session=session,
                    officer=officer,
                    agency_id=officer.agency_id,
                    year=session.year,
                    score=value,
                    absent=absent,
                    passed=law.exam_passed(value, pass_score=session.pass_score),
                    excellent=law.exam_excellent(value, excellent_score=session.excellent_score),
                    batch=batch,
                    created_by=actor if getattr(actor, "pk", None) else None,
                    created_at=timezone.now(),
                )
        except IntegrityError as exc:
            raise Conflict(
                _("A result for %(name)s in this exam is already recorded.") % {"name": officer.name},
                code="exam_result_exists",
            ) from exc
        if batch is None:
            audit_record(
                actor=actor,
                action="officers.exam_result",
                obj=result,
                agency_id=officer.agency_id,
                summary={"session": session.pk, "officer": officer.pk, "score": str(value), "absent": absent},
            )
    return result
