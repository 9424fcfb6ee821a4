"""Problem models over the case data (registered with `zhifa.core.problems`; the supervision centre
runs them). Each finder reads only what it needs, in a fixed number of queries for any number of
cases, and explains each finding with the rows that triggered it and the threshold applied.

Thresholds are jurisdiction settings (`zhifa.law.supervision`), read once per agency per run.

In an incremental check (the case ids of an event) each per-object model's `probe` is the queryset its
finder reads, with the same filters (a lead model reads registered cases only, the decision models
decided ones, the credential model open ones): the centre asks all of them in one query and runs only
the finders that have rows to read. The two aggregate models re-evaluate what the case feeds: its
officers' shares, and its officers' pairs on its days (`recheck`), with grouped SQL over indexed rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import combinations, islice
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core.problems import Checked, Finding, ProblemModel, Record, Scope, register_problem_model, rows
from zhifa.enforcement.cases import pair_sweep, rollup
from zhifa.enforcement.cases.models import Case, CaseDeadline, CaseOfficer, DeadlineKind
from zhifa.enforcement.cases.models.case import OPEN_STATES, Procedure, State
from zhifa.law import supervision as law
from zhifa.law.jurisdiction import SettingSpec

SUBJECT = "cases.case"
BELOW_MINIMUM = "below_legal_minimum"
RECORDS_SHOWN = 20  # an explanation lists at most this many rows (and says how many there are)


Settings = law.SettingsCache


def scoped(
    qs: QuerySet[Any], scope: Scope, *, case_field: str = "id", agency_field: str = "agency_id"
) -> QuerySet[Any]:
    ids = scope.ids_for(SUBJECT)
    if ids is not None:
        qs = qs.filter(**{f"{case_field}__in": ids})
    if scope.agency_ids is not None:
        qs = qs.filter(**{f"{agency_field}__in": scope.agency_ids})
    return qs


def _case_facts(scope: Scope) -> dict[int, dict[str, Any]]:
    """An incremental check's cases (state, decision date, agency): one query shared by the finders,
    which skip what none of the cases can be part of. Empty in a sweep (nothing to skip)."""

    def load() -> dict[int, dict[str, Any]]:
        ids = scope.ids_for(SUBJECT)
        if ids is None:
            return {}
        qs = scoped(Case.objects.all(), scope).values("id", "state", "decided_on", "agency_id")
        return {r["id"]: r for r in qs}

    facts: dict[int, dict[str, Any]] = scope.remember("cases.facts", load)
    return facts


def _none_of(scope: Scope, test: Callable[[dict[str, Any]], bool]) -> bool:
    """In an incremental check: no case of the check passes `test` (the model has nothing to find)."""
    return scope.incremental and not any(test(f) for f in _case_facts(scope).values())


def case_label(number: str, pk: int) -> str:
    return number or f"#{pk}"


def case_record(case_id: int, number: str, **facts: Any) -> Record:
    return Record("cases.case", case_id, case_label(number, case_id), {k: str(v) for k, v in facts.items()})


def _key(model: str, object_type: str, object_id: int | str) -> str:
    return f"{model}:{object_type}:{object_id}"


# --- 1. lead not filed or declined in time --------------------------------------------------------

LEAD = "cases.lead_not_filed"


def probe_leads(scope: Scope, today: dt.date) -> QuerySet[Case]:
    """The leads the finder reads, less those registered today: a period of any number of working
    days ends on or after its first day, and only the day after its end is late."""
    return _leads(scope).filter(discovered_on__lt=today)


def _leads(scope: Scope) -> QuerySet[Case]:
    return scoped(Case.objects.filter(state=State.REGISTERED), scope)


def find_leads(scope: Scope, today: dt.date) -> Iterator[Finding]:
    if not scope.applies_to(SUBJECT):
        return
    settings = law.settings_for(scope)
    qs = _leads(scope)
    for row in rows(
        qs.values("id", "number", "agency_id", "discovered_on").order_by("id"), 2000, scope=scope
    ):
        days = int(settings.get(law.LEAD_FILING_WORKING_DAYS, row["agency_id"]))
        due = law.lead_filing_period(days).end(row["discovered_on"])
        if not law.past_due(due, today=today, grace_days=0):
            continue
        yield Finding(
            key=_key(LEAD, "cases.case", row["id"]),
            agency_id=row["agency_id"],
            object_type="cases.case",
            object_id=row["id"],
            case_id=row["id"],
            title=_("Lead %(case)s neither filed nor declined by %(due)s")
            % {"case": case_label(row["number"], row["id"]), "due": due.isoformat()},
            explanation=_(
                "The lead was registered on %(on)s; it had to be filed or declined within the period "
                "(%(setting)s), by %(due)s (%(article)s)."
            )
            % {
                "on": row["discovered_on"].isoformat(),
                "setting": settings.describe(law.LEAD_FILING_WORKING_DAYS, row["agency_id"]),
                "due": due.isoformat(),
                "article": law.ART_FILING,
            },
            records=(case_record(row["id"], row["number"], discovered_on=row["discovered_on"], due_on=due),),
        )


# --- 2./3. decision overdue, service late: an open statutory period past its last day ---------------


def _late_periods(kinds: list[str], scope: Scope, today: dt.date) -> QuerySet[CaseDeadline]:
    """Open periods of these kinds past their last day. Deadline rows are the shared engine's
    (object_id = the case); a suspended case's period is paused (an anti-join on the case's key, not a
    scan of every suspended case)."""
    suspended = Case.objects.filter(pk=OuterRef("object_id"), suspended_since__isnull=False)
    qs = CaseDeadline.objects.filter(kind__in=kinds, resolved_on__isnull=True, due_on__lt=today).exclude(
        Exists(suspended)
    )
    return scoped(qs, scope, case_field="object_id")


def _deadline_probe(kind: str) -> Callable[[Scope, dt.date], QuerySet[CaseDeadline]]:
    def probe(scope: Scope, today: dt.date) -> QuerySet[CaseDeadline]:
        return _late_periods([kind], scope, today)

    return probe


def _deadline_finder(
    code: str, kind: str, grace: SettingSpec, title: Callable[..., str], article: str
) -> Callable[[Scope, dt.date], Iterator[Finding]]:
    def find(scope: Scope, today: dt.date) -> Iterator[Finding]:
        if not scope.applies_to(SUBJECT):
            return
        settings = law.settings_for(scope)

        def late(kinds: list[str]) -> QuerySet[Any]:
            case_number = Subquery(Case.objects.filter(pk=OuterRef("object_id")).values("number")[:1])
            return (
                _late_periods(kinds, scope, today)
                .annotate(cid=F("object_id"), case_number=case_number)
                .values("id", "kind", "cid", "agency_id", "due_on", "start_on", "case_number")
                .order_by("id")
            )

        if scope.incremental:  # the decision and service models share one read of the cases' periods
            both = scope.remember(
                "cases.late_deadlines", lambda: list(late([DeadlineKind.DECISION, DeadlineKind.SERVICE]))
            )
            found: Iterable[dict[str, Any]] = [r for r in both if r["kind"] == kind]
        else:
            found = rows(late([kind]), 2000)
        for row in found:
            days = int(settings.get(grace, row["agency_id"]))
            if not law.past_due(row["due_on"], today=today, grace_days=days):
                continue
            number = case_label(row["case_number"], row["cid"])
            yield Finding(
                key=_key(code, "cases.case", row["cid"]),
                agency_id=row["agency_id"],
                object_type="cases.case",
                object_id=row["cid"],
                case_id=row["cid"],
                title=title(case=number, due=row["due_on"].isoformat()),
                explanation=_(
                    "The period ran from %(start)s and ended on %(due)s; on %(today)s it is still open "
                    "(%(setting)s; %(article)s)."
                )
                % {
                    "start": row["start_on"].isoformat(),
                    "due": row["due_on"].isoformat(),
                    "today": today.isoformat(),
                    "setting": settings.describe(grace, row["agency_id"]),
                    "article": article,
                },
                records=(
                    case_record(row["cid"], row["case_number"]),
                    Record(
                        "cases.casedeadline",
                        row["id"],
                        str(DeadlineKind(kind).label),
                        {"start_on": row["start_on"].isoformat(), "due_on": row["due_on"].isoformat()},
                    ),
                ),
            )

    return find


DECISION = "cases.decision_overdue"
SERVICE = "cases.service_late"

find_decisions = _deadline_finder(
    DECISION,
    DeadlineKind.DECISION,
    law.DECISION_GRACE_DAYS,
    lambda **kw: _("Case %(case)s: no decision by %(due)s") % kw,
    law.ART_DECISION,
)
find_service = _deadline_finder(
    SERVICE,
    DeadlineKind.SERVICE,
    law.SERVICE_GRACE_DAYS,
    lambda **kw: _("Case %(case)s: decision not served by %(due)s") % kw,
    law.ART_SERVICE,
)


def _lookback_start(scope: Scope, today: dt.date, settings: Settings) -> dt.date:
    """The first day of the longest look-back of any agency in the scope."""
    longest = int(law.LOOKBACK_DAYS.default)
    if scope.agency_ids is not None:
        longest = max([longest, *(int(settings.get(law.LOOKBACK_DAYS, a)) for a in scope.agency_ids)])
    else:
        from zhifa.law.models import JurisdictionSetting

        for raw in JurisdictionSetting.objects.filter(key=law.LOOKBACK_DAYS.key).values_list(
            "value", flat=True
        ):
            longest = max(longest, int(law.LOOKBACK_DAYS.parse(raw)))
    return today - dt.timedelta(days=longest)


def _decided_since(scope: Scope, today: dt.date, settings: Settings) -> QuerySet[Case]:
    """Decided cases within the longest look-back of any agency (each row is checked against its own)."""
    qs = Case.objects.filter(decided_on__isnull=False).exclude(state=State.TERMINATED)
    if scope.incremental:  # a few cases by key: each row is checked against its agency's look-back
        return scoped(qs, scope)
    return scoped(qs.filter(decided_on__gte=_lookback_start(scope, today, settings)), scope)


def _in_lookback(settings: Settings, agency_id: int, decided_on: dt.date, today: dt.date) -> bool:
    return decided_on >= today - dt.timedelta(days=int(settings.get(law.LOOKBACK_DAYS, agency_id)))


# --- 5. amount below the legal minimum without a recorded ground -----------------------------------

BELOW = "cases.amount_below_minimum"


def _below_minimum(scope: Scope, today: dt.date, settings: Settings) -> QuerySet[Case]:
    return _decided_since(scope, today, settings).filter(amount_class=BELOW_MINIMUM, mitigation_ground="")


def probe_below_minimum(scope: Scope, today: dt.date) -> QuerySet[Case]:
    return _below_minimum(scope, today, law.settings_for(scope))


def find_below_minimum(scope: Scope, today: dt.date) -> Iterator[Finding]:
    if not scope.applies_to(SUBJECT):
        return
    settings = law.settings_for(scope)
    qs = _below_minimum(scope, today, settings)
    for row in rows(
        qs.values(
            "id", "number", "agency_id", "decided_on", "fine_amount", "permitted_min", "decision_number"
        ),
        2000,
        scope=scope,
    ):
        if not _in_lookback(settings, row["agency_id"], row["decided_on"], today):
            continue
        yield Finding(
            key=_key(BELOW, "cases.case", row["id"]),
            agency_id=row["agency_id"],
            object_type="cases.case",
            object_id=row["id"],
            case_id=row["id"],
            title=_("Case %(case)s: fine below the legal minimum without a ground")
            % {"case": case_label(row["number"], row["id"])},
            explanation=_(
                "The fine of %(fine)s yuan decided on %(on)s is below the legal minimum; no mitigation "
                "ground (减轻处罚) is recorded (%(article)s; %(setting)s)."
            )
            % {
                "fine": row["fine_amount"],
                "on": row["decided_on"].isoformat(),
                "article": law.ART_MITIGATION,
                "setting": settings.describe(law.LOOKBACK_DAYS, row["agency_id"]),
            },
            records=(
                case_record(
                    row["id"],
                    row["number"],
                    decision_number=row["decision_number"],
                    fine_amount=row["fine_amount"],
                    permitted_min=row["permitted_min"] if row["permitted_min"] is not None else "",
                ),
            ),
        )


# --- 6. fines at the tier maximum in more than a share of an officer's cases -----------------------

TIER_MAX = "cases.tier_maximum_share"


def _officer_names(ids: Iterable[int]) -> dict[int, str]:
    from zhifa.officers.models import Officer

    return dict(Officer.objects.filter(id__in=list(ids)).values_list("id", "name"))


def _officers_in_scope(scope: Scope) -> set[int] | None:
    ids = scope.ids_for(SUBJECT)
    if ids is None:
        return None
    return set(CaseOfficer.objects.filter(case_id__in=ids).values_list("officer_id", flat=True))


def find_tier_maximum(scope: Scope, today: dt.date) -> Iterator[Finding | Checked]:
    """Counted in SQL per officer, agency and decision day (memory grows with officers × days, not
    with cases); the records of an officer found are read afterwards (at most RECORDS_SHOWN)."""
    if not scope.applies_to(SUBJECT):
        return
    officers = None
    if scope.incremental:  # only a decided case's event can change its officers' shares
        if _none_of(scope, lambda f: f["decided_on"] is not None):
            return
        officers = _officers_in_scope(scope)
        if not officers:
            return
    settings = law.settings_for(scope)
    links = CaseOfficer.objects.filter(
        removed_on__isnull=True,
        case__decided_on__isnull=False,
        case__decided_on__gte=_lookback_start(Scope(agency_ids=scope.agency_ids), today, settings),
        case__fine_amount__gt=0,
        case__permitted_max__isnull=False,
    ).exclude(case__state=State.TERMINATED)
    if scope.agency_ids is not None:
        links = links.filter(case__agency_id__in=scope.agency_ids)
    if officers is not None:
        links = links.filter(officer_id__in=officers)
    grouped = (
        links.order_by()
        .values("officer_id", "case__agency_id", "case__decided_on")
        .annotate(
            n=Count("id"), at_max=Count("id", filter=Q(case__fine_amount__gte=F("case__permitted_max")))
        )
        .order_by("officer_id")
    )
    totals: dict[int, list[int]] = {}
    latest: dict[int, tuple[dt.date, int]] = {}  # the officer's agency: that of the latest decision
    grouped_rows: Iterable[dict[str, Any]] = rows(grouped, 5000, scope=scope)
    if scope.incremental:  # a few officers' days: every agency's settings in two queries
        grouped_rows = list(grouped_rows)
        settings.prefetch({r["case__agency_id"] for r in grouped_rows})
    for row in grouped_rows:
        if not _in_lookback(settings, row["case__agency_id"], row["case__decided_on"], today):
            continue
        t = totals.setdefault(row["officer_id"], [0, 0])
        t[0] += row["n"]
        t[1] += row["at_max"]
        mark = (row["case__decided_on"], row["case__agency_id"])
        latest[row["officer_id"]] = max(latest.get(row["officer_id"], mark), mark)
    found = []
    for officer_id, (total, n_max) in sorted(totals.items()):
        agency_id = latest[officer_id][1]
        share = Decimal(settings.get(law.TIER_MAX_SHARE_PERCENT, agency_id))
        minimum = int(settings.get(law.TIER_MAX_MIN_CASES, agency_id))
        if law.share_exceeded(n_max, total, share_percent=share, min_cases=minimum):
            found.append((officer_id, agency_id, total, n_max))
    if officers is not None:
        for officer_id in sorted(officers - {f[0] for f in found}):
            yield Checked(_key(TIER_MAX, "officers.officer", officer_id))
    names = _officer_names(f[0] for f in found)
    for officer_id, agency_id, total, n_max in found:
        at_max = []
        mine = (
            links.filter(officer_id=officer_id, case__fine_amount__gte=F("case__permitted_max"))
            .values(
                "case_id",
                "case__number",
                "case__agency_id",
                "case__decided_on",
                "case__fine_amount",
                "case__permitted_max",
            )
            .order_by("-case__decided_on", "case_id")
        )
        for r in rows(mine, 200, scope=scope):
            if _in_lookback(settings, r["case__agency_id"], r["case__decided_on"], today):
                at_max.append(r)
                if len(at_max) == RECORDS_SHOWN:
                    break
        yield Finding(
            key=_key(TIER_MAX, "officers.officer", officer_id),
            agency_id=agency_id,
            object_type="officers.officer",
            object_id=officer_id,
            officer_ids=(officer_id,),
            title=_("%(name)s: %(n)d of %(total)d fines at the tier maximum")
            % {"name": names.get(officer_id, officer_id), "n": n_max, "total": total},
            explanation=_(
                "Of the %(total)d fined cases this officer handled in the look-back period, %(n)d were "
                "fined at the maximum of the discretion tier, more than %(setting)s (from %(minimum)s) "
                "(%(article)s)."
            )
            % {
                "total": total,
                "n": n_max,
                "setting": settings.describe(law.TIER_MAX_SHARE_PERCENT, agency_id),
                "minimum": settings.describe(law.TIER_MAX_MIN_CASES, agency_id),
                "article": law.ART_DISCRETION,
            },
            records=tuple(
                case_record(
                    r["case_id"],
                    r["case__number"],
                    fine_amount=r["case__fine_amount"],
                    tier_max=r["case__permitted_max"],
                )
                for r in at_max
            ),
        )


# --- 7. the same pair of officers on more than N cases a day ---------------------------------------

PAIR = "cases.officer_pair_daily"


def find_pairs(scope: Scope, today: dt.date) -> Iterator[Finding | Checked]:
    if not scope.applies_to(SUBJECT):
        return
    if scope.ids_for(SUBJECT) is None:  # the sweep: grouped and thresholded in SQL, streamed
        yield from pair_sweep.find_pairs_sweep(scope, today)
        return
    settings = law.settings_for(scope)
    # the longest look-back of the agencies in scope; each pair-day is then held to its own agency's
    since = _lookback_start(Scope(agency_ids=scope.agency_ids), today, settings)
    links = CaseOfficer.objects.filter(assigned_on__gte=since)
    if scope.agency_ids is not None:
        links = links.filter(case__agency_id__in=scope.agency_ids)
    ids = scope.ids_for(SUBJECT)
    if ids is not None:  # only the days and officers these cases touch (index: officer, day)
        touched = list(
            CaseOfficer.objects.filter(case_id__in=ids, assigned_on__gte=since).values_list(
                "officer_id", "assigned_on"
            )
        )
        if not touched:
            return
        links = links.filter(
            officer_id__in={o for o, _d in touched}, assigned_on__in={d for _o, d in touched}
        )
    by_case: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    agency_of: dict[int, int] = {}
    numbers: dict[int, str] = {}
    for row in rows(
        links.values("case_id", "officer_id", "assigned_on", "case__agency_id", "case__number"),
        5000,
        scope=scope,
    ):
        by_case[(row["case_id"], row["assigned_on"])].append(row["officer_id"])
        agency_of[row["case_id"]] = row["case__agency_id"]
        numbers[row["case_id"]] = row["case__number"]
    if ids is not None:
        settings.prefetch(set(agency_of.values()))
    pairs: dict[tuple[int, int, dt.date], list[int]] = defaultdict(list)
    for (case_id, day), officers in by_case.items():
        for a, b in combinations(sorted(set(officers)), 2):
            pairs[(a, b, day)].append(case_id)
    if ids is not None:  # every pair and day evaluated here is complete: say which no longer hold
        for (a, b, day), case_ids in sorted(pairs.items()):
            agency_id = agency_of[case_ids[0]]
            limit = int(settings.get(law.OFFICER_PAIR_CASES_PER_DAY, agency_id))
            if (
                len(case_ids) <= 1
                or not law.too_many_per_day(len(case_ids), limit=limit)
                or not _in_lookback(settings, agency_id, day, today)
            ):
                yield Checked(f"{PAIR}:{a}-{b}:{day.isoformat()}")
    candidates = {k: v for k, v in pairs.items() if len(v) > 1}
    names = _officer_names({o for a, b, _d in candidates for o in (a, b)})
    for (a, b, day), case_ids in sorted(candidates.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])):
        agency_id = agency_of[case_ids[0]]
        limit = int(settings.get(law.OFFICER_PAIR_CASES_PER_DAY, agency_id))
        if not law.too_many_per_day(len(case_ids), limit=limit) or not _in_lookback(
            settings, agency_id, day, today
        ):
            continue
        case_ids.sort()
        yield pair_finding(a, b, day, agency_id, case_ids, names=names, numbers=numbers, settings=settings)


def pair_finding(
    a: int,
    b: int,
    day: dt.date,
    agency_id: int,
    case_ids: list[int],
    *,
    names: dict[int, str],
    numbers: dict[int, str],
    settings: Settings,
) -> Finding:
    """The clue of an officer pair over the day's limit (the incremental re-check and the sweep)."""
    return Finding(
        key=f"{PAIR}:{a}-{b}:{day.isoformat()}",
        agency_id=agency_id,
        object_type="officers.officer",
        object_id=a,
        officer_ids=(a, b),
        title=_("%(a)s and %(b)s: %(n)d cases on %(day)s")
        % {"a": names.get(a, a), "b": names.get(b, b), "n": len(case_ids), "day": day.isoformat()},
        explanation=_(
            "The same two officers were assigned %(n)d cases on %(day)s, more than %(setting)s: "
            "two officers must really take part in each (%(article)s)."
        )
        % {
            "n": len(case_ids),
            "day": day.isoformat(),
            "setting": settings.describe(law.OFFICER_PAIR_CASES_PER_DAY, agency_id),
            "article": law.ART_TWO_OFFICERS,
        },
        records=tuple(case_record(c, numbers.get(c, ""), assigned_on=day) for c in case_ids[:RECORDS_SHOWN]),
    )


# --- 8. decision without the prior notice, or without the hearing the party asked for -------------

PROCEDURE = "cases.decision_without_notice_or_hearing"


def _without_notice_or_hearing(scope: Scope, today: dt.date, settings: Settings) -> QuerySet[Case]:
    qs = _decided_since(scope, today, settings).filter(procedure=Procedure.ORDINARY, no_penalty_ground="")
    return qs.filter(
        Q(notified_on__isnull=True)
        | Q(notified_on__gt=F("decided_on"))
        | Q(hearing_requested_on__isnull=False, hearing_held_on__isnull=True)
    )


def probe_procedure(scope: Scope, today: dt.date) -> QuerySet[Case]:
    return _without_notice_or_hearing(scope, today, law.settings_for(scope))


def find_procedure(scope: Scope, today: dt.date) -> Iterator[Finding]:
    if not scope.applies_to(SUBJECT):
        return
    settings = law.settings_for(scope)
    qs = _without_notice_or_hearing(scope, today, settings)
    for row in rows(
        qs.values(
            "id",
            "number",
            "agency_id",
            "decided_on",
            "notified_on",
            "hearing_requested_on",
            "hearing_held_on",
            "rights_waived_on",
        ),
        2000,
        scope=scope,
    ):
        if not _in_lookback(settings, row["agency_id"], row["decided_on"], today):
            continue
        missing = []
        if row["notified_on"] is None or row["notified_on"] > row["decided_on"]:
            missing.append(_("no notice of the intended penalty was served before the decision"))
        if row["hearing_requested_on"] is not None and row["hearing_held_on"] is None:
            missing.append(
                _("the party asked for a hearing on %(on)s and none was held")
                % {"on": row["hearing_requested_on"].isoformat()}
            )
        yield Finding(
            key=_key(PROCEDURE, "cases.case", row["id"]),
            agency_id=row["agency_id"],
            object_type="cases.case",
            object_id=row["id"],
            case_id=row["id"],
            title=_("Case %(case)s decided without the required notice or hearing")
            % {"case": case_label(row["number"], row["id"])},
            explanation=_("Decided on %(on)s, but %(missing)s (%(article)s).")
            % {
                "on": row["decided_on"].isoformat(),
                "missing": "；".join(missing),
                "article": law.ART_NOTICE_HEARING,
            },
            records=(
                case_record(
                    row["id"],
                    row["number"],
                    decided_on=row["decided_on"],
                    notified_on=row["notified_on"] or "",
                    hearing_requested_on=row["hearing_requested_on"] or "",
                ),
            ),
        )


# --- 11. a handling officer whose credential is no longer valid --------------------------------------

CREDENTIAL = "cases.credential_expired_handling"


def _handling(scope: Scope) -> QuerySet[Any]:
    """The current handling officers of open cases (whose credentials the finder checks)."""
    return scoped(
        CaseOfficer.objects.filter(removed_on__isnull=True, case__state__in=list(OPEN_STATES)),
        scope,
        case_field="case_id",
        agency_field="case__agency_id",
    )


def probe_credentials(scope: Scope, today: dt.date) -> QuerySet[CaseOfficer]:
    """The handling officers the finder could find refused: not among those `can_enforce` surely
    allows today (`officers.rules.surely_can_enforce`, a sufficient condition in SQL)."""
    from zhifa.officers.rules import surely_can_enforce

    allowed = surely_can_enforce(today).filter(pk=OuterRef("officer_id"))  # per row: an index lookup
    return _handling(scope).filter(~Exists(allowed))


def find_credentials(scope: Scope, today: dt.date) -> Iterator[Finding]:
    if not scope.applies_to(SUBJECT):
        return
    from zhifa.officers.rules import can_enforce, officer_queryset_for_rules

    links = _handling(scope)
    # streamed in batches (a sweep reads every open case's officers); the officers of a batch not met
    # before are read and judged once — memory grows with officers, not with cases. An incremental
    # check's few rows are one batch: the same two queries as before.
    officers: dict[int, Any] = {}
    verdicts: dict[int, Any] = {}
    assigned_rows = rows(
        links.values("id", "case_id", "officer_id", "case__agency_id", "case__number").order_by("id"),
        2000,
        scope=scope,
    )
    while assigned := list(islice(assigned_rows, 2000)):
        new = {r["officer_id"] for r in assigned} - verdicts.keys()
        if new:
            for o in officer_queryset_for_rules().filter(id__in=new):
                officers[o.pk] = o
                verdicts[o.pk] = can_enforce(o, on=today)
            for pk in new - verdicts.keys():  # no such officer for the rules: nothing to judge
                verdicts[pk] = None
        yield from _credential_findings(assigned, officers, verdicts, today)


def _credential_findings(
    assigned: list[dict[str, Any]], officers: dict[int, Any], verdicts: dict[int, Any], today: dt.date
) -> Iterator[Finding]:
    for row in assigned:
        verdict = verdicts.get(row["officer_id"])
        if verdict is None or verdict.ok:
            continue
        officer = officers[row["officer_id"]]
        yield Finding(
            key=_key(CREDENTIAL, "cases.caseofficer", row["id"]),
            agency_id=row["case__agency_id"],
            object_type="cases.case",
            object_id=row["case_id"],
            case_id=row["case_id"],
            officer_ids=(row["officer_id"],),
            title=_("Case %(case)s handled by %(name)s without a valid credential")
            % {"case": case_label(row["case__number"], row["case_id"]), "name": officer.name},
            explanation=_("On %(today)s: %(reason)s")
            % {"today": today.isoformat(), "reason": verdict.reason},
            records=(
                case_record(row["case_id"], row["case__number"]),
                Record("officers.officer", officer.pk, officer.name, {"reason": str(verdict.reason)}),
            ),
        )


def register() -> None:
    planters = {
        LEAD: plant_lead,
        DECISION: plant_decision,
        SERVICE: plant_service,
        BELOW: plant_below,
        TIER_MAX: plant_tier_max,
        PAIR: plant_pair,
        PROCEDURE: plant_procedure,
        CREDENTIAL: plant_credential,
    }

    probes: dict[str, Any] = {
        LEAD: probe_leads,
        DECISION: _deadline_probe(DeadlineKind.DECISION),
        SERVICE: _deadline_probe(DeadlineKind.SERVICE),
        BELOW: probe_below_minimum,
        PROCEDURE: probe_procedure,
        CREDENTIAL: probe_credentials,
    }

    def model(code: str, name: Any, article: str, settings: tuple[SettingSpec, ...], find: Any) -> None:
        register_problem_model(
            ProblemModel(
                code=code,
                name=name,
                article=article,
                settings=tuple(s.key for s in settings),
                subject=SUBJECT,
                find=find,
                plant=planters[code],
                incremental=code not in (TIER_MAX, PAIR),
                recheck=code in (TIER_MAX, PAIR),  # an event re-checks its officers' aggregates
                probe=probes.get(code),
            )
        )

    model(
        LEAD,
        gettext_lazy("Lead not filed or declined in time"),
        law.ART_FILING,
        (law.LEAD_FILING_WORKING_DAYS,),
        find_leads,
    )
    model(
        DECISION,
        gettext_lazy("Decision overdue"),
        law.ART_DECISION,
        (law.DECISION_GRACE_DAYS,),
        find_decisions,
    )
    model(
        SERVICE,
        gettext_lazy("Decision served late"),
        law.ART_SERVICE,
        (law.SERVICE_GRACE_DAYS,),
        find_service,
    )
    model(
        BELOW,
        gettext_lazy("Fine below the legal minimum without a recorded ground"),
        law.ART_MITIGATION,
        (law.LOOKBACK_DAYS,),
        find_below_minimum,
    )
    model(
        TIER_MAX,
        gettext_lazy("Fines at the tier maximum in too many of an officer's cases"),
        law.ART_DISCRETION,
        (law.TIER_MAX_SHARE_PERCENT, law.TIER_MAX_MIN_CASES, law.LOOKBACK_DAYS),
        find_tier_maximum,
    )
    model(
        PAIR,
        gettext_lazy("The same two officers on too many cases a day"),
        law.ART_TWO_OFFICERS,
        (law.OFFICER_PAIR_CASES_PER_DAY,),
        find_pairs,
    )
    model(
        PROCEDURE,
        gettext_lazy("Decision without the required notice or hearing"),
        law.ART_NOTICE_HEARING,
        (law.LOOKBACK_DAYS,),
        find_procedure,
    )
    model(
        CREDENTIAL,
        gettext_lazy("Credential not valid while handling a case"),
        law.ART_CREDENTIAL,
        (),
        find_credentials,
    )


# --- demo planting (seed_demo only): conditions the workflow itself refuses, as legacy records imported
# without its checks would carry them. Each changes existing demo cases of the first agency. ---------


def _demo_cases(ctx: dict[str, Any]) -> QuerySet[Case]:
    agency = ctx["agencies"]["cgj"]
    return Case.objects.filter(agency=agency).order_by("id")


def plant_lead(ctx: dict[str, Any]) -> bool:
    today = timezone.localdate()
    case = _demo_cases(ctx).filter(state=State.REGISTERED).first()
    if case is None:
        return False
    Case.objects.filter(pk=case.pk).update(discovered_on=today - dt.timedelta(days=45))
    return True


def _plant_deadline(ctx: dict[str, Any], kind: str) -> bool:
    live = _demo_cases(ctx).filter(suspended_since__isnull=True).values("pk")
    row = CaseDeadline.objects.filter(object_id__in=live, kind=kind, resolved_on__isnull=True).first()
    if row is None:
        return False
    CaseDeadline.objects.filter(pk=row.pk).update(due_on=timezone.localdate() - dt.timedelta(days=5))
    return True


def plant_decision(ctx: dict[str, Any]) -> bool:
    return _plant_deadline(ctx, DeadlineKind.DECISION)


def plant_service(ctx: dict[str, Any]) -> bool:
    return _plant_deadline(ctx, DeadlineKind.SERVICE)


def _decided_fined(ctx: dict[str, Any]) -> QuerySet[Case]:
    since = timezone.localdate() - dt.timedelta(days=300)
    return _demo_cases(ctx).filter(
        decided_on__gte=since, fine_amount__gt=0, procedure=Procedure.ORDINARY, no_penalty_ground=""
    )


def plant_below(ctx: dict[str, Any]) -> bool:
    case = _decided_fined(ctx).exclude(amount_class=BELOW_MINIMUM).first()
    if case is None:
        return False
    rollup.retallied(case.pk, amount_class=BELOW_MINIMUM, mitigation_ground="", fine_amount=Decimal("100.00"))
    return True


def plant_tier_max(ctx: dict[str, Any]) -> bool:
    cases = _decided_fined(ctx).filter(permitted_max__isnull=False)
    link = (
        CaseOfficer.objects.filter(case__in=cases, removed_on__isnull=True)
        .values("officer_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if link is None or link["n"] < 5:
        return False
    ids = list(cases.filter(officers__officer_id=link["officer_id"]).values_list("id", flat=True))
    for pk in ids[: len(ids) * 3 // 4 + 1]:
        rollup.retallied(pk, fine_amount=F("permitted_max"))
    return True


def plant_pair(ctx: dict[str, Any]) -> bool:
    day = timezone.localdate() - dt.timedelta(days=3)
    limit = int(law.OFFICER_PAIR_CASES_PER_DAY.default)
    officers_of: dict[int, list[int]] = defaultdict(list)  # one query, not one per case
    links = CaseOfficer.objects.filter(case__in=_demo_cases(ctx)).order_by("case_id", "officer_id")
    for case_id, officer_id in links.values_list("case_id", "officer_id"):
        officers_of[case_id].append(officer_id)
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for case_id, officers in officers_of.items():
        if len(officers) >= 2:
            pairs[(officers[0], officers[1])].append(case_id)
    best = max(pairs.values(), key=len, default=[])
    if len(best) <= limit:
        return False
    CaseOfficer.objects.filter(case_id__in=best[: limit + 2]).update(assigned_on=day)
    return True


def plant_procedure(ctx: dict[str, Any]) -> bool:
    case = _decided_fined(ctx).filter(notified_on__isnull=False).order_by("-id").first()
    if case is None:
        return False
    Case.objects.filter(pk=case.pk).update(notified_on=None)
    return True


def plant_credential(ctx: dict[str, Any]) -> bool:
    from zhifa.officers.services import credential_suspend

    link = (
        CaseOfficer.objects.filter(
            case__in=_demo_cases(ctx), case__state=State.INVESTIGATING, removed_on__isnull=True
        )
        .order_by("-id")
        .first()
    )
    if link is None:
        return False
    from zhifa.officers.selectors import current_credential, officer_get_for

    officer = officer_get_for(user=ctx["users"]["admin"], officer_id=link.officer_id)
    credential = current_credential(officer) if officer is not None else None
    if credential is None:
        return False
    credential_suspend(actor=None, credential_id=credential.pk, reason="演示：年度审验未通过，暂扣执法证。")
    return True
