"""Problem model over complaints (registered with `zhifa.core.problems`): a complaint still open after
its current deadline, or reopened the jurisdiction's number of times (信访工作条例第三十四条、第三十五条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core.problems import Finding, ProblemModel, Record, Scope, register_problem_model, rows
from zhifa.law import supervision as law
from zhifa.public.complaints.models import OPEN_STATES, Complaint

CODE = "complaints.overdue_or_reopened"
SUBJECT = "complaints.complaint"


def probe_complaints(scope: Scope, today: dt.date) -> QuerySet[Complaint]:
    """Complaints open past their deadline or reopened (what the finder reads; thresholds after)."""
    qs = Complaint.objects.filter(agency__isnull=False).filter(
        Q(state__in=OPEN_STATES, due_on__lt=today) | Q(reopen_count__gte=1)
    )
    ids = scope.ids_for(SUBJECT)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    if scope.agency_ids is not None:
        qs = qs.filter(agency_id__in=scope.agency_ids)
    return qs


def find_complaints(scope: Scope, today: dt.date) -> Iterator[Finding]:
    if not scope.applies_to(SUBJECT):
        return
    settings = law.settings_for(scope)
    qs = probe_complaints(scope, today)
    found = qs.values("id", "agency_id", "tracking_code", "state", "due_on", "reopen_count", "received_on")
    for row in rows(found.order_by("id"), 2000, scope=scope):
        agency_id = row["agency_id"]
        reasons = []
        grace = int(settings.get(law.COMPLAINT_GRACE_DAYS, agency_id))
        if (
            row["state"] in OPEN_STATES
            and row["due_on"]
            and law.past_due(row["due_on"], today=today, grace_days=grace)
        ):
            reasons.append(
                _("still open after its deadline %(due)s (%(setting)s)")
                % {
                    "due": row["due_on"].isoformat(),
                    "setting": settings.describe(law.COMPLAINT_GRACE_DAYS, agency_id),
                }
            )
        limit = max(1, int(settings.get(law.COMPLAINT_REOPEN_LIMIT, agency_id)))
        if law.reopened_too_often(row["reopen_count"], limit=limit):
            reasons.append(
                _("reopened %(n)d times (%(setting)s)")
                % {
                    "n": row["reopen_count"],
                    "setting": settings.describe(law.COMPLAINT_REOPEN_LIMIT, agency_id),
                }
            )
        if not reasons:
            continue
        yield Finding(
            key=f"{CODE}:complaints.complaint:{row['id']}",
            agency_id=agency_id,
            object_type="complaints.complaint",
            object_id=row["id"],
            title=_("Complaint %(code)s overdue or reopened") % {"code": row["tracking_code"]},
            explanation=_("Received on %(on)s: %(reasons)s (%(article)s).")
            % {
                "on": row["received_on"].isoformat(),
                "reasons": "；".join(reasons),
                "article": law.ART_COMPLAINTS,
            },
            records=(
                Record(
                    "complaints.complaint",
                    row["id"],
                    row["tracking_code"],
                    {
                        "due_on": row["due_on"].isoformat() if row["due_on"] else "",
                        "reopen_count": str(row["reopen_count"]),
                    },
                ),
            ),
        )


def register() -> None:
    register_problem_model(
        ProblemModel(
            code=CODE,
            name=gettext_lazy("Complaint overdue or reopened repeatedly"),
            article=law.ART_COMPLAINTS,
            settings=(law.COMPLAINT_GRACE_DAYS.key, law.COMPLAINT_REOPEN_LIMIT.key),
            subject=SUBJECT,
            plant=plant,
            find=find_complaints,
            probe=probe_complaints,
        )
    )


def plant(ctx: dict[str, Any]) -> bool:
    """Demo only: an open complaint past its deadline and a concluded one reopened twice."""
    today = timezone.localdate()
    planted = False
    row = Complaint.objects.filter(state__in=OPEN_STATES, agency__isnull=False).order_by("id").first()
    if row is not None:
        Complaint.objects.filter(pk=row.pk).update(due_on=today - dt.timedelta(days=2))
        planted = True
    done = (
        Complaint.objects.filter(agency__isnull=False).exclude(state__in=OPEN_STATES).order_by("id").first()
    )
    if done is not None:
        Complaint.objects.filter(pk=done.pk).update(reopen_count=2)
        planted = True
    return planted
