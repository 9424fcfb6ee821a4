"""Reads of appeals, each applying the scope rule (the respondent agency must be in the reader's
scope) and the personal-data rule (the applicant in full only to those handling the appeal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhifa.core.masking import mask_id_number, mask_name, mask_phone
from zhifa.core.prepared import Prepared
from zhifa.foundation.deadlines import services as engine
from zhifa.org.selectors import scope_agency_ids, user_can_see_agency
from zhifa.supervision.appeals import deadlines as dl
from zhifa.supervision.appeals.models import (
    OPEN_STATES,
    Appeal,
    AppealEvent,
    AppealFile,
    FileKind,
    Hearing,
    Kind,
)
from zhifa.supervision.appeals.rules import HANDLER_ROLES
from zhifa.supervision.appeals.workflow import APPEALS, PUBLIC_EVENTS


def reconsideration_organ(agency: Any) -> Any:
    """行政复议法第二十四条 (2023): the people's government at the agency's level decides — in the org
    tree, the nearest government above the agency (the agency itself when there is none)."""
    parent = agency.parent
    while parent is not None and parent.kind != "government":
        parent = parent.parent
    return parent or agency


@dataclass(frozen=True)
class AppealFilters:
    kind: str = ""
    state: str = ""
    agency: int | None = None
    open_only: bool = False
    answers_due: bool = False  # the respondent's answer or defence is awaited


def appeal_list_for(*, user: Any, filters: AppealFilters | None = None) -> QuerySet[Appeal]:
    f = filters or AppealFilters()
    qs = Appeal.objects.select_related("respondent").filter(respondent_id__in=scope_agency_ids(user))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.agency:
        qs = qs.filter(respondent_id=f.agency)
    if f.open_only:
        qs = qs.filter(state__in=list(OPEN_STATES))
    if f.answers_due:
        qs = qs.filter(Q(state="answering") | Q(state="filed"))
    return qs.order_by("-received_on", "-id")


def appeal_get_for(*, user: Any, appeal_id: int) -> Appeal | None:
    appeal = Appeal.objects.select_related("respondent").filter(pk=appeal_id).first()
    if appeal is None or not user_can_see_agency(user, appeal.respondent_id):
        return None
    return appeal


def can_see_identity(user: Any, appeal: Appeal) -> bool:
    return user_can_see_agency(user, appeal.respondent_id, roles=HANDLER_ROLES)


def applicant(appeal: Appeal, *, full: bool) -> dict[str, str]:
    if full:
        return {
            "kind": appeal.applicant_kind,
            "name": appeal.applicant_name,
            "id_number": appeal.applicant_id_number,
            "phone": appeal.applicant_phone,
            "address": appeal.applicant_address,
        }
    return {
        "kind": appeal.applicant_kind,
        "name": mask_name(appeal.applicant_name, is_person=appeal.is_person),
        "id_number": mask_id_number(appeal.applicant_id_number) if appeal.applicant_id_number else "",
        "phone": mask_phone(appeal.applicant_phone) if appeal.applicant_phone else "",
        "address": "",
    }


def appeal_deadlines(appeal: Appeal, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    return [engine.present(row, today=today) for row in engine.deadlines_of(dl.subject(appeal))]


def next_deadline(appeal: Appeal, *, today: dt.date | None = None) -> dict[str, Any] | None:
    """The open deadline that ends first (for queue colours)."""
    rows = [d for d in appeal_deadlines(appeal, today=today) if d["resolved_on"] is None]
    return min(rows, key=lambda d: d["due_on"]) if rows else None


def appeal_events(appeal: Appeal) -> QuerySet[AppealEvent]:
    return AppealEvent.objects.filter(appeal=appeal).order_by("at", "id")


def appeal_hearings(appeal: Appeal) -> QuerySet[Hearing]:
    return Hearing.objects.filter(appeal=appeal).order_by("held_on", "id")


def allowed_events(appeal: Appeal, user: Any) -> list[str]:
    return [t.event for t in APPEALS.allowed_events(appeal, user)]


def appeals_for_case(*, user: Any, case_id: int) -> list[Appeal]:
    """The appeals against a case's decision that the reader may see (the case page lists them)."""
    # compiled once per process (core.prepared); the scope is applied to the rows, as the WHERE did
    scope = scope_agency_ids(user)
    return [a for a in _APPEALS_OF_CASE(case_id) if a.respondent_id in scope]


_APPEALS_OF_CASE: Prepared[Appeal] = Prepared(
    lambda case_id: Appeal.objects.filter(case_id=case_id).order_by("received_on", "id"),
    markers=(-730_100_031,),
)


def pending_appeal_for_case(case_id: int) -> Appeal | None:
    """The open appeal against a case's decision, if any: what the case side (the surcharge pause of
    行政处罚法第七十三条, issue 12) will read. Not scoped: for services, not for display."""
    return Appeal.objects.filter(case_id=case_id, state__in=list(OPEN_STATES)).order_by("received_on").first()


def public_get(tracking_code: str) -> Appeal | None:
    if not tracking_code:
        return None
    return (
        Appeal.objects.select_related("respondent")
        .filter(tracking_code=tracking_code, kind=Kind.RECONSIDERATION)
        .first()
    )


def public_timeline(appeal: Appeal) -> list[dict[str, Any]]:
    return [
        {"kind": e.kind, "on": e.on, "note": e.public_note}
        for e in appeal_events(appeal)
        if e.kind in PUBLIC_EVENTS
    ]


def appeal_files(appeal: Appeal, *, full: bool) -> list[dict[str, Any]]:
    """The files kept with the appeal. Their names and digests only for those handling it (a file's
    name often names the applicant); others see the kind, type, size and date."""
    out = []
    for n, f in enumerate(AppealFile.objects.filter(appeal=appeal).order_by("uploaded_at", "id"), start=1):
        out.append(
            {
                "id": f.pk,
                "kind": f.kind,
                "kind_label": str(FileKind(f.kind).label),
                "name": f.original_name if full else f"{n}",
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256 if full else "",
                "served_on": f.served_on,
                "uploaded_at": f.uploaded_at,
            }
        )
    return out


def file_get_for(*, user: Any, appeal: Appeal, file_id: int) -> AppealFile | None:
    """A file's row for download: only those handling the appeal (None otherwise, answered as 404)."""
    if not can_see_identity(user, appeal):
        return None
    return AppealFile.objects.select_related("blob").filter(appeal=appeal, pk=file_id).first()


def response_notice_served_on(appeal: Appeal) -> dt.date | None:
    """The day the latest uploaded notice of response (应诉通知书) was served on the agency."""
    row = (
        AppealFile.objects.filter(appeal=appeal, kind=FileKind.RESPONSE_NOTICE, served_on__isnull=False)
        .order_by("-uploaded_at", "-id")
        .first()
    )
    return row.served_on if row is not None else None


def files_use_blob(blob: Any) -> bool:
    """Appeal files keep their content (registered with core.files)."""
    return AppealFile.objects.filter(blob=blob).exists()


def today() -> dt.date:
    return timezone.localdate()
