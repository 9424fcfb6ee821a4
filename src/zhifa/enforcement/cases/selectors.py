"""Every read of cases, restricted to what the user may see (org scope), with the joins each page needs
so a list runs a constant number of queries whatever its length."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import search, state_counts
from zhifa.core.errors import Conflict
from zhifa.core.prepared import Prepared, PreparedIn, PreparedShapes, deferred_filter, keep_prefetched
from zhifa.enforcement.cases.models import (
    FINISHED_STATES,
    OBJECT_TYPE,
    OPEN_STATES,
    READ_ONLY_STATES,
    Case,
    CaseDeadline,
    CaseEvent,
    CaseOfficer,
    State,
)
from zhifa.enforcement.cases.search_link import KIND
from zhifa.foundation.deadlines import services as engine
from zhifa.foundation.deadlines.services import OpenDeadline
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids


@dataclass(frozen=True)
class CaseFilters:
    state: list[str] | None = None
    agency: int | None = None
    officer: int | None = None  # Officer id (handling officer)
    power_item: int | None = None
    procedure: str | None = None
    overdue: bool = False
    date_from: dt.date | None = None  # the lead's registration date (discovered_on), inclusive
    date_to: dt.date | None = None
    q: str = ""
    mine: bool = False


def open_deadlines_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "deadlines",
        queryset=CaseDeadline.objects.filter(resolved_on__isnull=True).order_by("due_on", "id"),
        to_attr="open_deadlines",
    )


def overdue_case_ids(
    *, agency_ids: frozenset[int] | None = None, today: dt.date | None = None
) -> QuerySet[Any]:
    """Cases with an agency duty past its last day (party windows are the party's, not overdue)."""
    qs = CaseDeadline.objects.filter(
        resolved_on__isnull=True, party_window=False, due_on__lt=today or timezone.localdate()
    )
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    return qs.values("object_id")


def case_list_for(
    *, user: Any, filters: CaseFilters | None = None, counted: CaseCount | None = None
) -> QuerySet[Case]:
    """The cases `user` may see that pass `filters`, newest first, as model instances with what a list
    row shows (`case_rows_for` with the joins, the columns and the open deadlines)."""
    return (
        case_rows_for(user=user, filters=filters, counted=counted)
        .select_related("agency", "power_item", "power_version")
        .only(*LIST_FIELDS)
        .prefetch_related(open_deadlines_prefetch())
    )


def case_rows_for(
    *, user: Any, filters: CaseFilters | None = None, counted: CaseCount | None = None
) -> QuerySet[Case]:
    """The cases `user` may see that pass `filters`, newest first: the conditions and the order alone,
    for a page read as values (`case_list_rows`; the joins, deferred columns and prefetch of
    `case_list_for` would be built for nothing). `counted`: `case_count_for` of the same user and
    filters, when the caller has it (a search then does not count the index's matches a second time to
    choose its plan)."""
    f = filters or CaseFilters()
    found = _search_for(user, f, counted) if f.q.strip() else None
    return _rows(scope_agency_ids(user), f, user=user, found=found)


def _search_for(user: Any, f: CaseFilters, counted: CaseCount | None) -> search.SearchCondition:
    """The search's condition for these filters (core.search.search_condition: its plan chosen now, with
    the scope's count when the caller has it)."""
    # The scope is already on the cases (the scope's IN list, in this same query): the index need not
    # apply it again where that is slower, and a common word is checked case by case in the list's
    # order (core.search.search_filter). The count comes from the index with the scope
    # (case_count_for), and when the caller has it (`counted`) it also chooses that plan.
    agencies = scope_agency_ids(user)
    if f.agency:
        agencies = agencies & {f.agency}
    sizes = counted.sizes if counted is not None else None
    if sizes is None or sizes.agencies != agencies:
        sizes = SearchSizes(agencies)
    return search.search_condition(
        kind=KIND,
        q=f.q,
        agency_ids=agencies,
        known_matches=counted.matches if counted is not None else None,
        known_cap=SEARCH_COUNT_CAP,
        **sizes.planner_args(),
    )


def _rows(
    scope: Any, f: CaseFilters, *, user: Any, found: search.SearchCondition | None, found_values: Any = None
) -> QuerySet[Case]:
    """The cases of agencies `scope` (the user's scope: restrict_to_scope's condition) that pass `f` and
    the search `found`, newest first. Also what `_PAGES` compiles once per shape, with markers in the
    values' places (`user` None: the filters that need the user are never compiled that way)."""
    qs = Case.objects.filter(agency_id__in=scope)
    if f.agency:
        qs = qs.filter(agency_id=f.agency)
    if f.state:
        qs = qs.filter(state__in=f.state)
    if f.procedure:
        qs = qs.filter(procedure=f.procedure)
    if f.power_item:
        qs = qs.filter(power_item_id=f.power_item)
    if f.officer:
        qs = qs.filter(pk__in=CaseOfficer.objects.filter(officer_id=f.officer).values("case_id"))
    if f.mine:
        qs = qs.filter(pk__in=_mine_ids(user))
    if f.date_from:
        qs = qs.filter(discovered_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(discovered_on__lte=f.date_to)
    if f.overdue:
        qs = qs.filter(pk__in=overdue_case_ids(agency_ids=scope), suspended_since__isnull=True)
    if found is not None:
        qs = qs.filter(found.q(values=found_values))
    return qs.order_by("-discovered_on", "-id")


class SearchSizes:
    """The sizes core.search plans a case search with (SQLite only; read only when it needs them): how
    many cases the scope holds and how many there are in every agency, from the kept counts. Each is
    read once: a list request counts its matches (`case_count_for`) and then plans its page
    (`case_rows_for(counted=)`) with the same sizes, which the count hands on in its `CaseCount`
    (the city supervisor's search on SQLite read them four times)."""

    def __init__(self, agencies: frozenset[int]) -> None:
        self.agencies = agencies
        self._scope: int | None = None
        self._kind: int | None = None

    def scope_size(self) -> int:
        if self._scope is None:
            self._scope = state_counts.counted(workflow="cases", agency_ids=self.agencies)
        return self._scope

    def kind_size(self) -> int:
        if self._kind is None:
            self._kind = state_counts.counted(workflow="cases", agency_ids=None)
        return self._kind

    def planner_args(self) -> dict[str, Any]:
        return {"scope_size": self.scope_size, "kind_size": self.kind_size}


# A count of an ad-hoc filter (officer, power item, dates …) stops here: the list says "more than
# 10,000" (`count_exact` false) instead of counting a million rows. A filter with words stops at the
# search's cap, as every search does (core.search.SEARCH_COUNT_CAP: "more than 1,000").
COUNT_CAP = 10_000
SEARCH_COUNT_CAP = search.SEARCH_COUNT_CAP


def count_cap(f: CaseFilters) -> int:
    """Where the count of the cases passing `f` stops (exact below it)."""
    return SEARCH_COUNT_CAP if f.q.strip() else COUNT_CAP


@dataclass(frozen=True)
class CaseCount:
    count: int
    exact: bool
    # words alone: the index's count of the scope's matching documents (stopped at SEARCH_COUNT_CAP + 1),
    # which case_rows_for(counted=) reuses to plan the search; None for any other count. How the count
    # was reached, not what it says: not compared.
    matches: int | None = field(default=None, compare=False)
    # the sizes that count read (SearchSizes), for the page's plan of the same request; not compared
    sizes: SearchSizes | None = field(default=None, compare=False, repr=False)


def is_ad_hoc(f: CaseFilters) -> bool:
    """A filter beyond scope, agency and state (the kept counts cannot answer it)."""
    return bool(
        f.officer
        or f.power_item
        or f.procedure
        or f.overdue
        or f.date_from
        or f.date_to
        or f.q.strip()
        or f.mine
    )


def case_count_for(*, user: Any, filters: CaseFilters | None = None) -> CaseCount:
    """How many cases `case_list_for` lists. Scope, agency and state only: exact, from the per-(agency,
    state) counts the workflow door keeps (core.state_counts), a few rows whatever the caseload. Any
    other filter: a count that stops at `count_cap(filters)` (exact below it)."""
    f = filters or CaseFilters()
    agencies = scope_agency_ids(user)
    if f.agency:
        agencies = agencies & {f.agency}
    if not is_ad_hoc(f):
        total = state_counts.counted(workflow="cases", agency_ids=agencies, states=f.state)
        return CaseCount(count=total, exact=True)
    if f.q.strip() and not f.state and not is_ad_hoc(replace(f, q="")):
        # Words alone: the index answers (each case's document carries its agency, which never
        # changes, so counting the documents in scope counts the cases) without reading the cases.
        sizes = SearchSizes(agencies)
        found = search.search_count(
            kind=KIND, q=f.q, agency_ids=agencies, cap=SEARCH_COUNT_CAP, **sizes.planner_args()
        )
        return CaseCount(
            count=min(found, SEARCH_COUNT_CAP), exact=found <= SEARCH_COUNT_CAP, matches=found, sizes=sizes
        )
    cap = count_cap(f)
    found = case_rows_for(user=user, filters=f).order_by()[: cap + 1].count()
    return CaseCount(count=min(found, cap), exact=found <= cap)


# What a list row shows: loading only these keeps a page of 50 from decoding every JSON column and
# transferring every text of every case.
LIST_FIELDS = (
    "id",
    "agency__name",
    "agency__abbreviation",
    "procedure",
    "state",
    "number",
    "decision_number",
    "party_kind",
    "party_name",
    "power_item__code",
    "power_version__name",
    "fine_amount",
    "proposed_fine",
    "registered_at",
    "discovered_on",
    "suspended_since",
    # the list page shows a person's name unmasked to the one who registered the lead (case_list):
    # without it each row loaded the column with a query of its own (50 a page)
    "registered_by",
)


# A list row read as values (case_list_rows): the columns of LIST_FIELDS as `values()` names them (a
# foreign key by its column), and the keys of the joined rows, which `only()` loads without naming them.
LIST_ROW_VALUES = (
    *("registered_by_id" if name == "registered_by" else name for name in LIST_FIELDS),
    "agency_id",
    "power_item_id",
    "power_version_id",
)


def open_deadlines_first(ids: list[int]) -> dict[int, OpenDeadline]:
    """The first open deadline (by last day, then id) of each of these cases that has one, as values, in
    one query (the deadline engine's `first_open_of`)."""
    return engine.first_open_of(OBJECT_TYPE, ids)


def case_list_rows(page: QuerySet[Case]) -> list[dict[str, Any]]:
    """The rows of a page of `case_rows_for` or `case_list_for` (the queryset sliced to the page) as
    plain values (LIST_ROW_VALUES), each with `open_deadline`: its first open deadline (by last day,
    then id, as an `OpenDeadline`) or None — what `presenters.list_row` shows.

    The same rows through the same conditions (scope, filters, order and slice are the queryset's), and
    the same two queries as the model path (the page, then the page's open deadlines). What it saves is
    the model instances: a case, its agency, power item and version for each of 50 rows (200 instances
    through `from_db` and the related populators), about a third of a list request's CPU, and the
    page's ~25 open deadlines (`open_deadlines_first`)."""
    return _with_open_deadlines(list(page.prefetch_related(None).values(*LIST_ROW_VALUES)))


def _with_open_deadlines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if rows:
        first = open_deadlines_first([r["id"] for r in rows])
        for r in rows:
            r["open_deadline"] = first.get(r["id"])
    return rows


# The filters of one value each that a compiled page may have (CaseRows): which of them are present is
# part of its shape, their values are among its markers, in this order.
_PAGE_SCALARS = ("agency", "procedure", "power_item", "officer")


def _page_shape(
    f: CaseFilters, scope: Any, found: search.SearchCondition | None, start: int, stop: int
) -> tuple[tuple[Any, ...], list[Any]]:
    """(shape, values) of a page for `_PAGES`: what changes the SQL text, and the values in the order
    `_page_build` takes its markers."""
    # (an IN list's values distinct, as the ORM keeps them: the scope is a set, the states are not)
    states = list(dict.fromkeys(f.state or ()))
    present = tuple(bool(getattr(f, name)) for name in _PAGE_SCALARS)
    shape = (len(scope), present, len(states), found.form if found is not None else None, stop - start)
    values = [
        *(getattr(f, name) for name, on in zip(_PAGE_SCALARS, present, strict=True) if on),
        *states,
        *scope,
        *(found.values if found is not None else ()),
    ]
    return shape, values


def _page_build(shape: tuple[Any, ...], *markers: Any, offset: int) -> QuerySet[Any]:
    """One shape of the list's page (`_PAGES`): `_rows` with markers for every value, from `offset`."""
    n_scope, present, n_states, search_form, size = shape
    values = iter(markers)
    agency, procedure, power_item, officer = (next(values) if on else None for on in present)
    states = [next(values) for _ in range(n_states)]
    scope = [next(values) for _ in range(n_scope)]
    found = search.SearchCondition(search_form, ()) if search_form else None
    f = CaseFilters(
        agency=agency, procedure=procedure, power_item=power_item, officer=officer, state=states or None
    )
    qs = _rows(scope, f, user=None, found=found, found_values=list(values) if found else None)
    return qs[offset : offset + size].values_list(*LIST_ROW_VALUES)


# The list's page compiled once per shape (core.prepared.PreparedShapes): building and compiling the
# ORM's query (the scope's IN list, the search's subquery, 20 columns through three joins) was about a
# third of the Python of a list or search request; the SQL and its values are the ORM's. The page's
# offset is a value (paged): an API client reading page after page runs one plan.
_PAGES: PreparedShapes[tuple[Any, ...]] = PreparedShapes(_page_build, paged=True)


class CaseRows:
    """`case_rows_for(user=, filters=, counted=)` sliced to a page and read as `case_list_rows` reads it
    (`CaseRows(...)[start:stop]`: the same rows, the same two queries). Scope, agency, states,
    procedure, power item, officer and words: its statement is compiled once per shape (`_PAGES`);
    the filters with dates or the user's own cases (mine, overdue) go through the ORM."""

    def __init__(self, *, user: Any, filters: CaseFilters | None = None, counted: CaseCount | None = None):
        self.user, self.filters, self.counted = user, filters or CaseFilters(), counted

    def __len__(self) -> int:  # (what a paginator counts: the count when the caller has it)
        if self.counted is not None:
            return self.counted.count
        return case_count_for(user=self.user, filters=self.filters).count

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        f, user = self.filters, self.user
        start, stop = item.start or 0, item.stop
        found = _search_for(user, f, self.counted) if f.q.strip() else None
        scope = scope_agency_ids(user)
        if (
            not scope
            or stop is None
            or stop <= start
            or f.mine
            or f.overdue
            or f.date_from
            or f.date_to
            or (found is not None and found.form[0] == "none")
        ):
            return case_list_rows(_rows(scope, f, user=user, found=found)[start:stop])
        shape, values = _page_shape(f, scope, found, start, stop)
        rows = [dict(zip(LIST_ROW_VALUES, row, strict=True)) for row in _PAGES(shape, values, offset=start)]
        return _with_open_deadlines(rows)


# The case page's and the API's one case, compiled once per process (core.prepared): the select of 90
# columns with three joined tables cost about a millisecond of CPU to compile on every request.
# (Not the registering user: only registered_by_id is read, and the user row is 14 columns more.)
_CASE_WITH_JOINS: Prepared[Case] = Prepared(
    lambda pk: Case.objects.select_related("agency", "power_item", "power_version").filter(pk=pk),
    markers=(-730_100_001,),
)


_CASE_OFFICERS: Prepared[CaseOfficer] = Prepared(
    lambda pk: CaseOfficer.objects.select_related("officer").filter(case_id=pk).order_by("id"),
    markers=(-730_100_002,),
)
_CASE_DEADLINES: Prepared[CaseDeadline] = Prepared(
    lambda pk: CaseDeadline.objects.of_case(pk).order_by("id"), markers=(-730_100_003,)
)
_DEADLINE_ROWS = CaseDeadline.objects.all()  # a template (never evaluated): of_case() of one case below


def case_get_for(*, user: Any, case_id: int) -> Case | None:
    found = _CASE_WITH_JOINS(case_id)
    # Visibility exactly as before: the case's agency must be in the user's scope.
    if not found or found[0].agency_id not in scope_agency_ids(user):
        return None
    case: Case = found[0]
    # Its officers and deadlines, as prefetch_related("officers", "deadlines") would attach them.
    officers = _CASE_OFFICERS(case.pk)
    for row in officers:
        row.case = case
    keep_prefetched(case, "officers", case.officers.get_queryset(), officers)
    # (the relation's queryset as CaseDeadline.objects.of_case(case) gives it, its filter deferred)
    relation = deferred_filter(_DEADLINE_ROWS, object_id=case.pk)
    keep_prefetched(case, "deadlines", relation, _CASE_DEADLINES(case.pk))
    return case


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")


_CASE_HISTORY: Prepared[CaseEvent] = Prepared(
    lambda pk: CaseEvent.objects.filter(case_id=pk).select_related("actor").order_by("seq"),
    markers=(-730_100_004,),
)


def case_history(*, case: Case) -> list[CaseEvent]:
    """`case_events` as a list, compiled once per process (the case page reads it on every view)."""
    events = _CASE_HISTORY(case.pk)
    for event in events:
        event.case = case
    return events


def case_officers_current(*, case: Case) -> list[CaseOfficer]:
    """The officers handling the case now (not removed), with their Officer rows, in the order they
    were assigned — compiled once per process (every 文书 prints them)."""
    rows = [row for row in _CASE_OFFICERS(case.pk) if row.removed_on is None]
    for row in rows:
        row.case = case
    return rows


def case_deadline_rows(*, case: Case) -> list[CaseDeadline]:
    """The case's deadline rows in the order they were opened (`CaseDeadline.objects.of_case(case)`),
    compiled once per process."""
    return _CASE_DEADLINES(case.pk)


OTHER_CASES_SHOWN = 20

# party_other_cases, compiled once per process and count of agencies in the reader's scope (the scope
# in the SQL as restrict_to_scope puts it)
_PARTY_OTHER_CASES: PreparedIn[Case] = PreparedIn(
    lambda number, pk, agencies: (
        Case.objects.filter(agency_id__in=agencies)
        .filter(party_id_number=number)
        .exclude(pk=pk)
        .select_related("agency")
        # what the case page lists of each (number, state, date, agency): not every text and JSON
        # column of up to twenty cases
        .only("id", "number", "state", "registered_at", "discovered_on", "agency__abbreviation")
        .order_by("-discovered_on", "-id")[:OTHER_CASES_SHOWN]
    ),
    markers=("\u2063prepared-party-id\u2063", -730_100_230),
    list_marker=-730_100_240,
)


def party_other_cases(*, user: Any, case: Case) -> list[Case]:
    """The party's other cases the user may see, the latest OTHER_CASES_SHOWN: repeat offences weigh in
    discretion (从重情节). A lead whose party is not yet identified has none (an empty ID number
    matches nobody)."""
    if not case.party_id_number:
        return []
    return _PARTY_OTHER_CASES(case.party_id_number, case.pk, sorted(scope_agency_ids(user)))


def list_filter_choices(
    *, user: Any
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[int, str, str | None]]]:
    """The case list's filters: (id, name) of the agencies in the user's scope in tree order, of their
    active officers by name (the first 500), and (id, code, published name or None) of their power
    items by code."""
    from zhifa.officers.selectors import active_officer_names
    from zhifa.org.selectors import agency_names
    from zhifa.powers.selectors import item_codes_and_names

    agencies = sorted(scope_agency_ids(user))
    return agency_names(agencies), active_officer_names(agencies), item_codes_and_names(agencies)


# --- Queues for the home page ----------------------------------------------------------------------


def approver_waiting(*, user: Any) -> QuerySet[Case]:
    """Every case waiting for an approver: leads to file, notified cases to decide. Oldest first."""
    agencies = scope_agency_ids(user, roles=[Role.APPROVER])
    waiting = [State.REGISTERED, State.NOTIFIED]
    return (
        Case.objects.filter(agency_id__in=agencies, state__in=waiting, suspended_since__isnull=True)
        .exclude(procedure="simple")
        .select_related("agency")
        .prefetch_related(open_deadlines_prefetch())
        .order_by("last_event_at", "id")
    )


def approver_queue(*, user: Any, limit: int = 10) -> QuerySet[Case]:
    return approver_waiting(user=user)[:limit]


def reviewer_waiting(*, user: Any) -> QuerySet[Case]:
    agencies = scope_agency_ids(user, roles=[Role.LEGAL_REVIEWER])
    return (
        Case.objects.filter(agency_id__in=agencies, state=State.LEGAL_REVIEW)
        .select_related("agency")
        .prefetch_related(open_deadlines_prefetch())
        .order_by("last_event_at", "id")
    )


def reviewer_queue(*, user: Any, limit: int = 10) -> QuerySet[Case]:
    return reviewer_waiting(user=user)[:limit]


def _mine_ids(user: Any) -> QuerySet[Any]:
    """The ids of the cases a user handles and of the leads he registered that are not filed yet, as
    one UNION subquery: written as `handled OR registered-by-me` the condition cannot use an index and
    PostgreSQL scanned every case for it (0.6 s at a million, twice on an officer's home page)."""
    handled = CaseOfficer.objects.filter(user_id=user.pk, removed_on__isnull=True).values_list("case_id")
    leads = Case.objects.filter(registered_by_id=user.pk, state=State.REGISTERED).values_list("id")
    return handled.union(leads)


def my_open_cases(*, user: Any) -> QuerySet[Case]:
    """Open cases the user handles, and the leads he registered that are not filed yet (a lead has no
    handling officers until it is filed, but it is his to follow up)."""
    # a registered lead is open, so "open and mine" covers both parts of the union
    return (
        Case.objects.filter(pk__in=_mine_ids(user), state__in=list(OPEN_STATES))
        .select_related("agency")
        .prefetch_related(open_deadlines_prefetch())
        .order_by("-last_event_at", "-id")
    )


def my_cases(*, user: Any, limit: int = 10) -> QuerySet[Case]:
    return my_open_cases(user=user)[:limit]


def count_by_state(qs: QuerySet[Case]) -> dict[str, int]:
    """How many of a queue are in each state (one query)."""
    rows = qs.order_by().values("state").annotate(n=Count("id")).values_list("state", "n")
    return dict(rows)


def overdue_deadlines_for(*, user: Any, agency: int | None = None) -> QuerySet[CaseDeadline]:
    """The overdue list: agency duties past their last day, oldest first, per agency in scope."""
    qs = CaseDeadline.objects.filter(
        agency_id__in=scope_agency_ids(user),
        resolved_on__isnull=True,
        party_window=False,
        due_on__lt=timezone.localdate(),
    ).exclude(object_id__in=Case.objects.filter(suspended_since__isnull=False).values("pk"))
    if agency:
        qs = qs.filter(agency_id=agency)
    return qs.order_by("due_on", "id")


def overdue_count_for(*, user: Any, agency: int | None = None) -> CaseCount:
    """How many rows the overdue list has, stopping at COUNT_CAP like any ad-hoc count (a city's
    agencies had 73,000 overdue duties at a million cases: counting them all was 0.3–0.5 s)."""
    found = overdue_deadlines_for(user=user, agency=agency).order_by()[: COUNT_CAP + 1].count()
    return CaseCount(count=min(found, COUNT_CAP), exact=found <= COUNT_CAP)


def finished(case: Case) -> bool:
    return case.state in FINISHED_STATES


def case_number(case_id: int) -> str:
    """The case's number as it is now ("" before filing, or for no such case)."""
    return Case.objects.filter(pk=case_id).values_list("number", flat=True).first() or ""


def state_is_writable(state: str) -> bool:
    """May evidence, documents and seizure records still be added to a case in this state? Not once
    its dossier is archived (行政处罚法第四十七条)."""
    return state not in READ_ONLY_STATES


def case_is_writable(case_id: int) -> bool:
    state = Case.objects.filter(pk=case_id).values_list("state", flat=True).first()
    return state is not None and state_is_writable(state)


def require_case_writable(case: Case) -> None:
    """For the services of other apps, on the case row they hold (locked): 409 once archived."""
    if not state_is_writable(case.state):
        raise Conflict(
            _("The case is archived; its dossier is read-only (行政处罚法第四十七条)."), code="case_archived"
        )


__all__ = ["Q"]


# --- Personal data of a case, for other apps' output paths (evidence, documents, dossiers) --------


def may_see_personal_data(user: Any, case: Case) -> bool:
    """Does `user` handle the matter (handling officer or the agency's approver)? Everyone else gets
    the one masking rule (zhifa.core.masking) on every path."""
    from zhifa.enforcement.cases import permissions

    return permissions.may_see_personal_data(user, case)


def public_text_for(case: Case, text: str) -> str:
    """Free text about a case for a viewer who does not handle it (the party's name masked too)."""
    from zhifa.enforcement.cases import presenters

    return presenters.public_text_for(case, text)


def case_for_decision(*, decision_number: str, id_number: str) -> Case | None:
    """The decided case with this decision number whose party holds this ID number — for a party's
    own online application (一键复议). None when either does not match: the caller must answer the
    same way in both cases, so that nobody learns whether a decision number exists."""
    number = (decision_number or "").strip()
    ident = (id_number or "").strip().upper()
    if not number or not ident:
        return None
    case = Case.objects.select_related("agency").filter(decision_number=number).first()
    if case is None or case.decided_on is None or case.party_id_number.upper() != ident:
        return None
    return case


def receipt_number_used(receipt_no: str) -> bool:
    """Has this receipt number been recorded for a payment already, in any agency (行政处罚法第七十条:
    one receipt acknowledges one payment)? Read unscoped on purpose: a reused number is refused
    whoever recorded it first, and nothing about the other case is disclosed."""
    return CaseEvent.objects.filter(name="record_payment", payload__receipt_no=receipt_no).exists()


def pending_appeal(case: Case) -> bool:
    """Is a reconsideration or lawsuit against the decision recorded as pending (行政处罚法第七十三条)?"""
    return case.appeal_pending


@dataclass(frozen=True)
class DecisionStatus:
    """What another app needs to know before recording an appeal's effect on a case."""

    case_id: int
    stands: bool  # a decision exists that an appeal, a revocation or a change can reach
    revoked: bool
    pending_refs: tuple[str, ...]  # references of the appeals recorded as pending


def decision_status(case_id: int) -> DecisionStatus | None:
    from zhifa.enforcement.cases.workflow import DECISION_STANDS

    case = Case.objects.filter(pk=case_id).only("id", "state", "revoked_on", "appeal_spans").first()
    if case is None:
        return None
    return DecisionStatus(
        case_id=case.pk,
        stands=case.state in DECISION_STANDS,
        revoked=case.revoked_on is not None,
        pending_refs=tuple(str(s.get("ref")) for s in case.appeal_spans or [] if not s.get("to")),
    )


# --- The 免罚清单 (行政处罚法第三十三条第一款) ------------------------------------------------------------


def _no_penalty_rows() -> QuerySet[Any]:
    from zhifa.enforcement.cases.models import NoPenaltyListEntry

    return NoPenaltyListEntry.objects.select_related(
        "node", "power_item", "power_item__published_version", "power_item__agency"
    )


def no_penalty_list_for(
    *,
    user: Any,
    node_id: int | None = None,
    power_item_id: int | None = None,
    include_retired: bool = False,
) -> QuerySet[Any]:
    """The lines staff read: the list is public information (it is published), so every signed-in
    member of an agency sees every line, retired ones too when asked; keeping it is the services'
    question. Nobody without a grant sees anything here."""
    if not scope_agency_ids(user):
        return _no_penalty_rows().none()
    qs = _no_penalty_rows()
    if not include_retired:
        qs = qs.filter(retired_on__isnull=True, is_active=True)
    if node_id is not None:
        qs = qs.filter(node_id=node_id)
    if power_item_id is not None:
        qs = qs.filter(power_item_id=power_item_id)
    return qs.order_by("node__path", "power_item__code", "id")


def no_penalty_entry_get(*, user: Any, entry_id: int) -> Any:
    return no_penalty_list_for(user=user, include_retired=True).filter(pk=entry_id).first()


def no_penalty_list_public(*, node_id: int | None = None, power_item_id: int | None = None) -> QuerySet[Any]:
    """The lines in force the public sees (政府信息公开条例第二十条第（六）项: the conditions of
    imposing penalties are published): only for power items published and in force."""
    qs = _no_penalty_rows().filter(
        retired_on__isnull=True,
        is_active=True,
        power_item__status="active",
        power_item__published_version__isnull=False,
    )
    if node_id is not None:
        qs = qs.filter(node_id=node_id)
    if power_item_id is not None:
        qs = qs.filter(power_item_id=power_item_id)
    return qs.order_by("node__path", "power_item__code", "id")


def no_penalty_list_nodes_for(user: Any) -> list[Any]:
    """The jurisdictions whose list the user keeps (the nodes of an administrator's or approver's
    grants and the governments and agencies below them), in tree order."""
    from zhifa.org.selectors import nodes_under_grants

    return list(nodes_under_grants(user, roles=[Role.ADMIN, Role.APPROVER]))
