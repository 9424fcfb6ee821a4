"""The officer-pair model (`cases.officer_pair_daily`) in the nightly sweep: grouped in SQL.

The database joins each assignment to the other assignments of its case on the same day (one row per
pair of officers, the lower id first), groups by pair and day and keeps, with HAVING, the groups of
more distinct cases than the threshold of the jurisdiction — a CASE over the agency's materialised
path, the nearest node that set `supervision.officer_pair_cases_per_day` first, the national default
otherwise. Only the pair-days over their threshold come back, streamed; each carries its case ids
(STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite), and the case numbers and officer names of a batch
of them are read in one query each. Memory does not grow with the number of cases.

The incremental re-check of a case (`problems.find_pairs` with the case's ids) keeps its own path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db.models import Aggregate, CharField, Count, F, IntegerField, Min, Value, When
from django.db.models import Case as CaseWhen

from zhifa.core.problems import Finding, Scope, rows
from zhifa.enforcement.cases.models import Case, CaseOfficer
from zhifa.law import supervision as law

BATCH = 500


class CaseIds(Aggregate):
    """The distinct case ids of a group, comma-separated."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(distinct)s%(expressions)s)"
    allow_distinct = True
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(distinct)s(%(expressions)s)::text, ',')",
            **extra,
        )


def limit_expression() -> Any:
    """The threshold of each assignment's agency, in SQL: the jurisdiction settings of the key, the
    deepest node first (the nearest ancestor that set it wins, as `law.SettingsCache` resolves it)."""
    from zhifa.law.models import JurisdictionSetting

    spec = law.OFFICER_PAIR_CASES_PER_DAY
    set_at = [
        (path, int(spec.parse(raw)))
        for path, raw in JurisdictionSetting.objects.filter(key=spec.key).values_list("node__path", "value")
        if path
    ]
    default = Value(int(spec.default), output_field=IntegerField())
    if not set_at:
        return default
    set_at.sort(key=lambda pv: -len(pv[0].strip("/").split("/")))
    return CaseWhen(
        *(When(case__agency__path__startswith=path, then=Value(limit)) for path, limit in set_at),
        default=default,
        output_field=IntegerField(),
    )


def pair_days(scope: Scope, since: dt.date) -> Any:
    """One row per officer pair and day since `since` over its jurisdiction's threshold: the pair
    (`officer_id` < `other`), `day`, `n` distinct cases, `agency` (the lowest agency id of its cases)
    and `ids`."""
    # one filter() call: the other assignment is a row of the same case, the same day, a higher officer
    links = CaseOfficer.objects.filter(
        assigned_on__gte=since,
        case__officers__assigned_on=F("assigned_on"),
        case__officers__officer_id__gt=F("officer_id"),
    )
    if scope.agency_ids is not None:
        links = links.filter(case__agency_id__in=scope.agency_ids)
    return (
        links.order_by()
        .values("officer_id", "case__officers__officer_id", "assigned_on")
        .annotate(
            n=Count("case_id", distinct=True),
            agency=Min("case__agency_id"),
            limit=Min(limit_expression()),
            ids=CaseIds("case_id", distinct=True),
        )
        .filter(n__gt=F("limit"))
        .filter(n__gt=1)
        .order_by("assigned_on", "officer_id", "case__officers__officer_id")
    )


def find_pairs_sweep(scope: Scope, today: dt.date) -> Iterator[Finding]:
    from zhifa.enforcement.cases.problems import (
        RECORDS_SHOWN,
        _in_lookback,
        _lookback_start,
        _officer_names,
        pair_finding,
    )

    settings = law.settings_for(scope)
    spec = law.OFFICER_PAIR_CASES_PER_DAY
    # from the longest look-back of the agencies in scope; each pair-day is held to its agency's below
    it = rows(pair_days(scope, _lookback_start(Scope(agency_ids=scope.agency_ids), today, settings)), 2000)
    while batch := list(islice(it, BATCH)):
        settings.prefetch({r["agency"] for r in batch})
        groups = []
        for r in batch:
            # the threshold of the agency the clue is raised to (the SQL kept the group on the lowest
            # threshold among its cases' agencies; they are the same agency but in odd data)
            if not law.too_many_per_day(r["n"], limit=int(settings.get(spec, r["agency"]))):
                continue
            if not _in_lookback(settings, r["agency"], r["assigned_on"], today):
                continue
            ids = sorted({int(x) for x in str(r["ids"]).split(",")})
            groups.append((r, ids))
        shown = {c for _r, ids in groups for c in ids[:RECORDS_SHOWN]}
        numbers = dict(Case.objects.filter(id__in=sorted(shown)).values_list("id", "number"))
        names = _officer_names(
            {o for r, _ids in groups for o in (r["officer_id"], r["case__officers__officer_id"])}
        )
        for r, ids in groups:
            a, b, day, agency_id = (
                r["officer_id"],
                r["case__officers__officer_id"],
                r["assigned_on"],
                r["agency"],
            )
            yield pair_finding(a, b, day, agency_id, ids, names=names, numbers=numbers, settings=settings)
