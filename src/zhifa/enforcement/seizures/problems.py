"""Problem model over seizures (registered with `zhifa.core.problems`): a 查封/扣押 still in force after
its term ended (行政强制法第二十五条: 30 days, extended once by 30; 第二十七条: decide within the term)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core.problems import Finding, ProblemModel, Record, Scope, register_problem_model, rows
from zhifa.enforcement.seizures.models import Seizure
from zhifa.law import supervision as law

CODE = "seizures.past_term"
SUBJECT = "cases.case"


def probe_past_term(scope: Scope, today: dt.date) -> QuerySet[Seizure]:
    """The active measures past their last day (what the finder reads; grace applied after)."""
    qs = Seizure.objects.filter(status=Seizure.Status.ACTIVE, due_on__isnull=False, due_on__lt=today)
    ids = scope.ids_for(SUBJECT)
    if ids is not None:
        qs = qs.filter(case_id__in=ids)
    if scope.agency_ids is not None:
        qs = qs.filter(agency_id__in=scope.agency_ids)
    return qs


def find_past_term(scope: Scope, today: dt.date) -> Iterator[Finding]:
    if not scope.applies_to(SUBJECT):
        return
    settings = law.settings_for(scope)
    qs = probe_past_term(scope, today)
    found = qs.values(
        "id", "agency_id", "case_id", "number", "measure", "started_on", "due_on", "extension_days"
    )
    for row in rows(found.order_by("id"), 2000, scope=scope):
        grace = int(settings.get(law.SEIZURE_GRACE_DAYS, row["agency_id"]))
        if not law.past_due(row["due_on"], today=today, grace_days=grace):
            continue
        yield Finding(
            key=f"{CODE}:seizures.seizure:{row['id']}",
            agency_id=row["agency_id"],
            object_type="cases.case",
            object_id=row["case_id"],
            case_id=row["case_id"],
            title=_("%(number)s: still in force after its term ended on %(due)s")
            % {"number": row["number"], "due": row["due_on"].isoformat()},
            explanation=_(
                "The measure ran from %(start)s (extended by %(ext)s days) and ended on %(due)s without "
                "a decision on the property (%(setting)s; %(article)s)."
            )
            % {
                "start": row["started_on"].isoformat(),
                "ext": row["extension_days"],
                "due": row["due_on"].isoformat(),
                "setting": settings.describe(law.SEIZURE_GRACE_DAYS, row["agency_id"]),
                "article": law.ART_SEIZURE_TERM,
            },
            records=(
                Record(
                    "seizures.seizure",
                    row["id"],
                    row["number"],
                    {"started_on": row["started_on"].isoformat(), "due_on": row["due_on"].isoformat()},
                ),
            ),
        )


def register() -> None:
    register_problem_model(
        ProblemModel(
            code=CODE,
            name=gettext_lazy("Seizure past its term"),
            article=law.ART_SEIZURE_TERM,
            settings=(law.SEIZURE_GRACE_DAYS.key,),
            subject=SUBJECT,
            plant=plant,
            find=find_past_term,
            probe=probe_past_term,
        )
    )


def plant(ctx: dict[str, Any]) -> bool:
    """Demo only: an active seizure whose term ended without a decision."""
    row = Seizure.objects.filter(status=Seizure.Status.ACTIVE).order_by("id").first()
    if row is None:
        return False
    today = timezone.localdate()
    Seizure.objects.filter(pk=row.pk).update(due_on=today - dt.timedelta(days=3))
    return True
