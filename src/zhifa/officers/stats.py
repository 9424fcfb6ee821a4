"""Yearly figures per agency: 持证率, study hours against the target, exam pass and excellent rates.

Counted over the officers in service at the agency now (is_active); for a past year the credential
rate is taken on 31 December of that year, for the current year today. Every figure comes with the
target in force for that agency and where the target was set. A fixed number of queries whatever the
number of agencies or officers: officers, credentials (+ events), training sums, exam counts and the
jurisdiction settings are each read once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.law import jurisdiction
from zhifa.law import officers as law
from zhifa.law.models import JurisdictionSetting
from zhifa.officers.models import ExamResult, Officer, TrainingRecord
from zhifa.officers.rules import credential_validity
from zhifa.officers.selectors import credential_prefetch
from zhifa.org.models import OrgNode
from zhifa.org.selectors import scope_agency_ids

TARGET_KEYS = (
    law.STUDY_HOURS_TARGET.key,
    law.LEGAL_TRAINING_DAYS_TARGET.key,
    law.EXAM_PASS_RATE_TARGET.key,
    law.EXAM_EXCELLENT_RATE_TARGET.key,
    law.CREDENTIAL_RATE_TARGET.key,
    law.REVIEW_LAPSE_SUSPENDS.key,
)


@dataclass
class AgencyYearStats:
    agency: OrgNode
    year: int
    on: dt.date
    officers: int = 0
    credentialed: int = 0
    credential_rate: Decimal | None = None
    hours_total: Decimal = Decimal(0)
    hours_average: Decimal | None = None
    meeting_hours: int = 0
    meeting_hours_rate: Decimal | None = None
    meeting_days: int = 0
    meeting_days_rate: Decimal | None = None
    points_average: Decimal | None = None
    examined: int = 0
    passed: int = 0
    excellent: int = 0
    pass_rate: Decimal | None = None
    excellent_rate: Decimal | None = None
    targets: dict[str, jurisdiction.Applied] = field(default_factory=dict)

    def target(self, key: str) -> Any:
        return self.targets[key].value

    def meets(self, figure: str, target_key: str) -> bool | None:
        value = getattr(self, figure)
        return None if value is None else value >= self.target(target_key)

    @property
    def target_values(self) -> dict[str, Any]:
        """Targets by short name (templates cannot read dotted keys)."""
        return {k.split(".", 1)[1]: a.value for k, a in self.targets.items()}

    @property
    def target_source(self) -> str:
        source = self.targets[law.CREDENTIAL_RATE_TARGET.key].source
        return _("National default") if source == "national" else source

    @property
    def ok(self) -> dict[str, bool | None]:
        """Whether each rate meets its target (None when there is nothing to count)."""
        return {
            "credential_rate": self.meets("credential_rate", law.CREDENTIAL_RATE_TARGET.key),
            "pass_rate": self.meets("pass_rate", law.EXAM_PASS_RATE_TARGET.key),
            "excellent_rate": self.meets("excellent_rate", law.EXAM_EXCELLENT_RATE_TARGET.key),
        }

    def as_dict(self) -> dict[str, Any]:
        def s(v: Decimal | None) -> str | None:
            return None if v is None else str(v)

        return {
            "agency": self.agency.pk,
            "agency_name": self.agency.name,
            "year": self.year,
            "on": self.on.isoformat(),
            "officers": self.officers,
            "credentialed": self.credentialed,
            "credential_rate": s(self.credential_rate),
            "hours_average": s(self.hours_average),
            "meeting_hours": self.meeting_hours,
            "meeting_hours_rate": s(self.meeting_hours_rate),
            "meeting_days_rate": s(self.meeting_days_rate),
            "points_average": s(self.points_average),
            "examined": self.examined,
            "passed": self.passed,
            "excellent": self.excellent,
            "pass_rate": s(self.pass_rate),
            "excellent_rate": s(self.excellent_rate),
            "targets": {k.split(".", 1)[1]: a.as_dict() for k, a in self.targets.items()},
        }


def applied_for_agencies(
    keys: tuple[str, ...], agencies: list[OrgNode]
) -> dict[int, dict[str, jurisdiction.Applied]]:
    """`jurisdiction.applied` for many agencies and keys in one query (same nearest-first walk)."""
    ancestor_ids = {int(x) for a in agencies for x in a.path.strip("/").split("/") if x}
    rows: dict[tuple[int, str], JurisdictionSetting] = {
        (row.node_id, row.key): row
        for row in JurisdictionSetting.objects.filter(key__in=keys, node_id__in=ancestor_ids).select_related(
            "node"
        )
    }
    result: dict[int, dict[str, jurisdiction.Applied]] = {}
    for agency in agencies:
        chain = [int(x) for x in agency.path.strip("/").split("/") if x]
        per_key: dict[str, jurisdiction.Applied] = {}
        for key in keys:
            spec = jurisdiction.spec(key)
            per_key[key] = jurisdiction.Applied(key, spec.default, "national", None, spec.basis)
            for node_id in reversed(chain):
                row = rows.get((node_id, key))
                if row is not None:
                    per_key[key] = jurisdiction.Applied(
                        key, spec.parse(row.value), row.node.name, node_id, spec.basis
                    )
                    break
        result[agency.pk] = per_key
    return result


def agency_year_stats(*, user: Any, year: int, agency_id: int | None = None) -> list[AgencyYearStats]:
    """The figures for every agency in the user's scope (or one of them) for `year`."""
    today = timezone.localdate()
    on = today if year >= today.year else dt.date(year, 12, 31)
    ids = scope_agency_ids(user)
    if agency_id is not None:
        ids = frozenset(ids & {agency_id})
    return year_stats_for_agencies(ids, year=year, on=on)


@dataclass
class OfficerYear:
    """One officer's part in the agency's figures (the records behind 持证率 and the training rates)."""

    officer: Officer
    credentialed: bool = False
    hours: Decimal = Decimal(0)
    meets_hours: bool = False
    meets_days: bool = False


def year_stats_for_agencies(
    agency_ids: Collection[int], *, year: int, on: dt.date, per_officer: list[OfficerYear] | None = None
) -> list[AgencyYearStats]:
    """The figures of exactly these agencies: training and exams of `year`, credentials valid `on`.
    With `per_officer`, each counted officer's part is appended to it (same pass, same rules)."""
    agencies = list(OrgNode.objects.filter(id__in=agency_ids, kind=OrgNode.Kind.AGENCY).order_by("path"))
    targets = applied_for_agencies(TARGET_KEYS, agencies)
    stats = {a.pk: AgencyYearStats(agency=a, year=year, on=on, targets=targets[a.pk]) for a in agencies}

    officers = Officer.objects.filter(agency_id__in=stats, is_active=True)
    officers = (
        officers.only("id", "agency_id")
        if per_officer is None
        else officers.only("id", "agency_id", "name").order_by("name", "id")
    )
    parts: dict[int, OfficerYear] = {}
    for officer in officers.prefetch_related(credential_prefetch()):
        row = stats[officer.agency_id]
        row.officers += 1
        lapse = bool(row.target(law.REVIEW_LAPSE_SUSPENDS.key))
        part = parts[officer.pk] = OfficerYear(officer)
        # 持证率 counts any enforcement-related card: 执法证, or 执法监督证 for supervising staff.
        if any(
            credential_validity(c, on=on, lapse_suspends=lapse) is None for c in officer.credentials.all()
        ):
            row.credentialed += 1
            part.credentialed = True

    by_officer = (
        TrainingRecord.objects.filter(year=year, officer__agency_id__in=stats, officer__is_active=True)
        .values("officer_id", "officer__agency_id")
        .annotate(
            hours=Sum("hours"),
            points=Sum("points"),
            legal_days=Sum("days", filter=Q(kind=TrainingRecord.Kind.LEGAL_TRAINING)),
        )
    )
    points: dict[int, Decimal] = defaultdict(Decimal)
    for item in by_officer:
        row = stats[item["officer__agency_id"]]
        hours = item["hours"] or Decimal(0)
        row.hours_total += hours
        points[row.agency.pk] += item["points"] or Decimal(0)
        part = parts.get(item["officer_id"]) or OfficerYear(Officer(pk=item["officer_id"]))
        part.hours = hours
        if law.meets_target(hours, target=row.target(law.STUDY_HOURS_TARGET.key)):
            row.meeting_hours += 1
            part.meets_hours = True
        if law.meets_target(
            item["legal_days"] or Decimal(0), target=row.target(law.LEGAL_TRAINING_DAYS_TARGET.key)
        ):
            row.meeting_days += 1
            part.meets_days = True

    exams = (
        ExamResult.objects.filter(year=year, officer__agency_id__in=stats, officer__is_active=True)
        .values("officer__agency_id")
        .annotate(
            examined=Count("id"),
            passed=Count("id", filter=Q(passed=True)),
            excellent=Count("id", filter=Q(excellent=True)),
        )
    )
    for item in exams:
        row = stats[item["officer__agency_id"]]
        row.examined, row.passed, row.excellent = item["examined"], item["passed"], item["excellent"]

    for row in stats.values():
        row.credential_rate = law.rate(row.credentialed, row.officers)
        row.hours_average = law.average(row.hours_total, row.officers)
        row.meeting_hours_rate = law.rate(row.meeting_hours, row.officers)
        row.meeting_days_rate = law.rate(row.meeting_days, row.officers)
        row.points_average = law.average(points[row.agency.pk], row.officers)
        row.pass_rate = law.rate(row.passed, row.examined)
        row.excellent_rate = law.rate(row.excellent, row.examined)
    if per_officer is not None:
        per_officer.extend(parts.values())
    return list(stats.values())
