"""Planted conditions for the problem-model tests: real cases registered through the case services,
then the one fact each model looks at written on the row (as a record imported without the
workflow's checks would carry it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhifa.enforcement.cases import rollup
from zhifa.enforcement.cases.factories import CaseKit, register
from zhifa.enforcement.cases.models import Case, CaseDeadline, CaseOfficer, State
from zhifa.law.services import jurisdiction_setting_set
from zhifa.supervision.centre import services
from zhifa.supervision.centre.models import Clue

D = dt.date


def run(code: str, **kw: Any) -> services.RunResult:
    return services.models_run(codes=[code], **kw)


def clues(code: str) -> list[Clue]:
    return list(Clue.objects.filter(model_code=code).order_by("id"))


def setting(kit: CaseKit, key: str, value: Any) -> None:
    jurisdiction_setting_set(actor=None, node=kit.world.city, key=key, value=value)


def case(kit: CaseKit, **fields: Any) -> Case:
    c = register(kit, discovered_on=fields.pop("discovered_on", "2025-06-20"), occurred_on="2025-06-01")
    if fields:  # written outside the doors, so the statistics' roll-up is moved with them
        rollup.retallied(c.pk, **fields)
        c.refresh_from_db()
    return c


def assign(c: Case, *officers: Any, on: dt.date) -> None:
    for o in officers:
        CaseOfficer.objects.create(case=c, officer=o, user=o.user, assigned_on=on)


def deadline(c: Case, kind: str, *, start: dt.date, due: dt.date) -> CaseDeadline:
    return CaseDeadline.objects.create(  # a row of the shared deadline engine about the case
        object_type="cases.case",
        object_id=c.pk,
        agency_id=c.agency_id,
        kind=kind,
        start_on=start,
        days=90,
        day_kind="natural",
        article="行政处罚法第六十条",
        due_on=due,
        created_at=timezone.now(),
    )


def decided(kit: CaseKit, *, on: dt.date, fine: str = "5000.00", **fields: Any) -> Case:
    values: dict[str, Any] = {
        "state": State.DECIDED,
        "filed_on": on - dt.timedelta(days=20),
        "notified_on": on - dt.timedelta(days=10),
        "decided_on": on,
        "fine_amount": Decimal(fine),
        "measures": ["fine"],
        "permitted_min": Decimal("5000.00"),
        "permitted_max": Decimal("10000.00"),
        "amount_class": "within_tier",
    }
    values.update(fields)
    return case(kit, **values)
