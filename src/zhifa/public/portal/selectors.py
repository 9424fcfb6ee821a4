"""Reads for the public portal. The public sees published decisions only (withdrawn ones as a notice
with the reason), already masked; staff see their agencies' publications with deadlines."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from zhifa.core.prepared import Prepared, PreparedShapes
from zhifa.org.roles import Role
from zhifa.org.selectors import active_agencies, restrict_to_scope
from zhifa.public.portal.models import PublishedDecision

STAFF_ROLES = (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.ADMIN)
PUBLIC_LIST_FIELDS = (
    "id",
    "state",
    "agency_id",
    "agency_name",
    "decision_number",
    "party_kind",
    "party_public",
    "measures_public",
    "fine_amount",
    "decided_on",
    "published_on",
    "published_at",
)
COUNT_CACHE_SECONDS = 60
# A stale total is kept this long to be shown while one request recounts (published_count), and a
# request counting holds its mark at most this long (should it die counting).
COUNT_KEEP_SECONDS = 3600
COUNT_MARK_SECONDS = 30
# The numbered list stops after this many pages (10,000 decisions at 20 a page): deeper offsets cost
# the database more than they help anyone, and older decisions are found by search or agency.
MAX_PAGES = 500
CENT = Decimal("0.01")


def public_agencies() -> QuerySet[Any]:
    """Agencies (执法主体) shown on the portal: active, in tree order."""
    return active_agencies().select_related("parent")


def public_agency_get(agency_id: int) -> Any | None:
    return public_agencies().filter(id=agency_id).first()


@dataclass
class Pager:
    """Where a page of the public list stands. The total is cached briefly: counting a million rows
    on every request would cost more than the page itself."""

    number: int
    page_size: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGES, max(1, -(-self.count // self.page_size)))

    @property
    def truncated(self) -> bool:
        return self.count > MAX_PAGES * self.page_size

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass
class DecisionPage(Pager):
    items: list[PublishedDecision]


def published_decisions(*, q: str = "", agency_id: int | None = None) -> QuerySet[PublishedDecision]:
    qs = PublishedDecision.objects.filter(state=PublishedDecision.State.PUBLISHED)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    q = (q or "").strip()
    if q:
        from zhifa.core.search import search_ids

        qs = qs.filter(id__in=search_ids(kind="decision", q=q, agency_ids=[agency_id] if agency_id else None))
    return qs.order_by("-published_at", "-id")


def count_key(*, q: str = "", agency_id: int | None = None) -> str:
    raw = f"{agency_id or ''}|{(q or '').strip()}"
    return "portal:count:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def published_count(*, q: str = "", agency_id: int | None = None) -> int:
    """The total for a filter, cached with the generation it was counted under and when (one cache
    round trip reads both): a publication or withdrawal bumps the generation, so the next request
    counts again, as does the first after `COUNT_CACHE_SECONDS`.

    Counting the 795,000 published decisions takes PostgreSQL ~150 ms and both cores (a parallel
    scan). So that a stale total does not make every request arriving meanwhile count too (at 100
    requests/s, a dozen counts at once), ONE request recounts — whoever takes the `:counting` mark
    (`cache.add`: atomic in Redis; in the file cache a check then a write, so the few requests racing
    within that millisecond may count too) — while the others show the previous total meanwhile. Only the total can lag, by the
    publications of those few hundred milliseconds; the rows are always read fresh. With no previous
    total at all (a cold cache), every request counts."""
    from zhifa.public.portal.cache import GENERATION_KEY, generation

    key = count_key(q=q, agency_id=agency_id)
    got = cache.get_many([GENERATION_KEY, key])
    current = got.get(GENERATION_KEY)
    current = generation() if current is None else int(current)
    hit = got.get(key)
    # (generation, total, when counted), or None
    known: tuple[int, int, float] | None = hit if isinstance(hit, tuple) and len(hit) == 3 else None
    if known is not None:
        if known[0] == current and time.time() - known[2] < COUNT_CACHE_SECONDS:
            return int(known[1])
        if not cache.add(key + ":counting", 1, COUNT_MARK_SECONDS):
            return int(known[1])  # another request is counting
    count = published_decisions(q=q, agency_id=agency_id).count()
    cache.set(key, (current, count, time.time()), COUNT_KEEP_SECONDS)
    if known is not None:
        cache.delete(key + ":counting")
    return count


def _page_number(*, q: str, agency_id: int | None, page: int, page_size: int) -> tuple[int, int, int]:
    """(count, page number, offset) of a page of the public list (the page number kept in range)."""
    count = published_count(q=q, agency_id=agency_id)
    last = min(MAX_PAGES, max(1, -(-count // page_size)))
    page = min(max(1, page), last)
    return count, page, (page - 1) * page_size


def _page_rows(*, q: str, agency_id: int | None, offset: int, page_size: int) -> QuerySet[PublishedDecision]:
    """The rows of a page of the public list, ONE statement: the page's ids by an index-only scan of
    (state, published_at, id) — skipping `offset` index entries without touching the table — as a
    subquery, then only those rows by primary key, newest first.
    Nothing depends on what an earlier request left in a cache, so a cold page costs what a warm one
    does (docs/benchmarks.md, branch portal4); and being one statement, a decision withdrawn meanwhile
    is either on the page as it was published at that instant or not on it at all."""
    ids = published_decisions(q=q, agency_id=agency_id).values("id")[offset : offset + page_size]
    return PublishedDecision.objects.filter(id__in=ids).order_by("-published_at", "-id")


# The unfiltered list's pages (the list, the home page's latest: what most visitors read), compiled once
# per process and shape (core.prepared.PreparedShapes: the fields and the page size; the offset a value of
# the page, so page 2 and page 200 run one plan), sent with their values written in and planned each time
# as the ORM's (a generic plan of a LIMIT/OFFSET parameter scans the whole table). Each shape was a page
# of its own before, so a process compiled every page number it served once (a fifth of a page's CPU).
PLAIN_PAGE_QUERIES = 64


def _plain_page_query(shape: tuple[tuple[str, ...], bool, int], *, offset: int) -> QuerySet[Any]:
    fields, instances, page_size = shape
    rows = _page_rows(q="", agency_id=None, offset=offset, page_size=page_size)
    return rows.only(*fields) if instances else rows.values_list(*fields)


_PLAIN_PAGES: PreparedShapes[Any] = PreparedShapes(
    _plain_page_query, most_shapes=PLAIN_PAGE_QUERIES, paged=True
)


def _plain_page(fields: tuple[str, ...], *, instances: bool, offset: int, page_size: int) -> list[Any]:
    """The rows of `_page_rows(q="", agency_id=None, …)`: `.only(*fields)` instances, or
    `.values_list(*fields)` tuples."""
    return _PLAIN_PAGES((fields, instances, page_size), (), offset=offset)


def _plain(q: str, agency_id: int | None) -> bool:
    """Is this the unfiltered list (what `published_decisions` reads without a filter)?"""
    return not agency_id and not (q or "").strip()


# What a row of the list shows (portal.fragments.row_html).
LIST_ROW_FIELDS = ("id", "decision_number", "party_public", "measures_public", "agency_name", "decided_on")


@dataclass
class ListPage(Pager):
    """One page of the public list as the values its rows show (portal.fragments.rows_html)."""

    rows: list[SimpleNamespace]


def _page(
    fields: tuple[str, ...], *, instances: bool, q: str, agency_id: int | None, page: int, page_size: int
) -> tuple[int, int, list[Any]]:
    """(count, page number, rows) of a page of the public list: `.only(*fields)` instances or
    `.values_list(*fields)` tuples, the unfiltered list's through its compiled pages."""
    count, number, offset = _page_number(q=q, agency_id=agency_id, page=page, page_size=page_size)
    if _plain(q, agency_id):
        return count, number, _plain_page(fields, instances=instances, offset=offset, page_size=page_size)
    qs = _page_rows(q=q, agency_id=agency_id, offset=offset, page_size=page_size)
    return count, number, list(qs.only(*fields) if instances else qs.values_list(*fields))


def decision_list_page(
    *, q: str = "", agency_id: int | None = None, page: int = 1, page_size: int = 20
) -> ListPage:
    """The portal's list: plain values, no model instances (the rows are only formatted)."""
    count, number, values = _page(
        LIST_ROW_FIELDS, instances=False, q=q, agency_id=agency_id, page=page, page_size=page_size
    )
    return ListPage(
        rows=[SimpleNamespace(**dict(zip(LIST_ROW_FIELDS, r, strict=True))) for r in values],
        number=number,
        page_size=page_size,
        count=count,
    )


def decision_page(
    *, q: str = "", agency_id: int | None = None, page: int = 1, page_size: int = 20
) -> DecisionPage:
    """A page of published decisions with the list's fields (the API, the home and agency pages)."""
    count, number, items = _page(
        PUBLIC_LIST_FIELDS, instances=True, q=q, agency_id=agency_id, page=page, page_size=page_size
    )
    return DecisionPage(items=items, number=number, page_size=page_size, count=count)


AGENCY_CHOICES_KEY = "portal:agency-choices"
AGENCY_CHOICES_SECONDS = 300


def public_agency_choices() -> list[tuple[int, str]]:
    """(id, name) of the public agencies in tree order, for the list's filter: cached, and dropped
    whenever an org node is saved (portal.apps); the timeout bounds any write that bypasses save()."""
    choices = cache.get(AGENCY_CHOICES_KEY)
    if choices is None:
        choices = list(public_agencies().values_list("id", "name"))
        cache.set(AGENCY_CHOICES_KEY, choices, AGENCY_CHOICES_SECONDS)
    return [(int(i), str(n)) for i, n in choices]


def forget_agency_choices(**_: Any) -> None:
    """post_save of an org node: the filter is read again once the change is committed."""
    from django.db import transaction

    transaction.on_commit(lambda: cache.delete(AGENCY_CHOICES_KEY))


# What the decision page shows (a published decision, or a withdrawal notice): reading only these
# columns halves the cost of building the query for a page that is mostly this one row.
PUBLIC_PAGE_FIELDS = (
    *PUBLIC_LIST_FIELDS,
    "party_id_public",
    "facts_public",
    "violated_provision",
    "penalty_provision",
    "withdrawn_on",
    "withdrawal_note",
)


def _public_get_query(decision_id: int, fields: tuple[str, ...] | None) -> QuerySet[PublishedDecision]:
    qs = PublishedDecision.objects.filter(
        id=decision_id,
        state__in=[PublishedDecision.State.PUBLISHED, PublishedDecision.State.WITHDRAWN],
    ).exclude(state=PublishedDecision.State.WITHDRAWN, published_at__isnull=True)
    if fields is not None:
        qs = qs.only(*fields)
    return qs[:1]  # the id is unique: no ordering to build


# compiled once per process and set of columns (core.prepared): the public reads a decision on every
# visit to its page; the callers' column sets are constants (the page's and all of them)
_PUBLIC_GET: dict[tuple[str, ...] | None, Prepared[PublishedDecision]] = {}


def decision_public_get(
    decision_id: int, *, fields: Collection[str] | None = None
) -> PublishedDecision | None:
    """A published decision, or a withdrawn one (shown as a withdrawal notice with its reason).
    `fields`: only these columns (the page's `PUBLIC_PAGE_FIELDS`); all by default."""
    key = None if fields is None else tuple(fields)
    query = _PUBLIC_GET.get(key)
    if query is None:
        query = _PUBLIC_GET.setdefault(
            key, Prepared(lambda pk: _public_get_query(pk, key), markers=(-730_500_001,))
        )
    return query.first(int(decision_id))


def recently_withdrawn(limit: int = 10) -> list[PublishedDecision]:
    return list(
        PublishedDecision.objects.filter(state=PublishedDecision.State.WITHDRAWN, published_at__isnull=False)
        .only("id", "decision_number", "agency_name", "withdrawn_on", "withdrawal_ground")
        .order_by("-withdrawn_at", "-id")[:limit]
    )


@dataclass
class ManageFilters:
    state: str = ""
    agency_id: int | None = None
    overdue: bool = False


def publication_list_for(
    *, user: Any, filters: ManageFilters | None = None, today: dt.date | None = None
) -> QuerySet[PublishedDecision]:
    f = filters or ManageFilters()
    qs = restrict_to_scope(PublishedDecision.objects.all(), user, roles=STAFF_ROLES)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.agency_id:
        qs = qs.filter(agency_id=f.agency_id)
    if f.overdue and today:
        qs = qs.filter(
            state__in=[PublishedDecision.State.SCHEDULED, PublishedDecision.State.PREPARED],
            publish_due__lt=today,
        )
    return qs.select_related("agency").order_by("-decided_on", "-id")


def publication_get_for(*, user: Any, decision_id: int) -> PublishedDecision | None:
    return (
        restrict_to_scope(PublishedDecision.objects.all(), user, roles=STAFF_ROLES)
        .select_related("agency")
        .filter(id=decision_id)
        .first()
    )


# --- monthly statistics --------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: int
    count: int
    amount: Decimal


@dataclass
class GroupRow:
    name: str
    count: int
    amount: Decimal


@dataclass
class YearStats:
    year: int
    months: list[MonthRow]
    by_agency: list[GroupRow]
    by_category: list[GroupRow]

    @property
    def total_count(self) -> int:
        return sum(m.count for m in self.months)

    @property
    def total_amount(self) -> Decimal:
        return sum((m.amount for m in self.months), Decimal("0"))


def _money(value: Decimal | None) -> Decimal:
    """Sums to the cent: SQLite returns SUM of a decimal column without its scale."""
    return (value or Decimal("0")).quantize(CENT)


def published_in(
    *, agency_ids: Collection[int] | None, date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[PublishedDecision]:
    """Published (not withdrawn) decisions decided in the dates given, of these agencies (None: all;
    the portal is public). What the year statistics and the portal's indicators count."""
    qs = PublishedDecision.objects.filter(state=PublishedDecision.State.PUBLISHED)
    if date_from is not None:
        qs = qs.filter(decided_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(decided_on__lte=date_to)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    return qs


def decision_stats(*, year: int, agency_id: int | None = None) -> YearStats:
    """Counts and fine amounts of published decisions by month of decision, agency and category
    (the law applied). Three grouped queries."""
    qs = published_in(
        agency_ids=[agency_id] if agency_id else None,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
    )
    by_month = {
        r["m"]: (r["n"], _money(r["amt"]))
        for r in qs.annotate(m=ExtractMonth("decided_on"))
        .values("m")
        .annotate(n=Count("id"), amt=Sum("fine_amount"))
    }
    months = [MonthRow(m, *by_month.get(m, (0, _money(None)))) for m in range(1, 13)]
    agencies = [
        GroupRow(r["agency_name"], r["n"], _money(r["amt"]))
        for r in qs.values("agency_name")
        .annotate(n=Count("id"), amt=Sum("fine_amount"))
        .order_by("-n", "agency_name")
    ]
    categories = [
        GroupRow(r["category"] or "—", r["n"], _money(r["amt"]))
        for r in qs.values("category")
        .annotate(n=Count("id"), amt=Sum("fine_amount"))
        .order_by("-n", "category")
    ]
    return YearStats(year, months, agencies, categories)


def stats_years() -> list[int]:
    """Years with published decisions, newest first (min/max ride the (state, decided_on) index)."""
    span = PublishedDecision.objects.filter(state=PublishedDecision.State.PUBLISHED).aggregate(
        lo=Min("decided_on"), hi=Max("decided_on")
    )
    if span["lo"] is None:
        return []
    return list(range(span["hi"].year, span["lo"].year - 1, -1))


# --- before (事前公开): officers with their credential numbers: the portal's agency page reads them
# through officers.selectors.credentials_in_force ------------------------------------------------


# --- after (事后公开): what became of seized and confiscated property --------------------------------

# Outcomes the public sees: property taken from its owner by a decision. Items returned to the party
# are the party's own business and are not listed.
PUBLIC_DISPOSITION_OUTCOMES = ("confiscated", "auctioned", "destroyed", "transferred")


def public_dispositions() -> QuerySet[Any]:
    """Dispositions of seized items (罚没物品处置) whose outcome the public sees: agency, the measure's
    document number, outcome, date, basis, proceeds and the items — never the party, the receiver or
    internal notes (seizures.selectors). Two queries a page."""
    from zhifa.enforcement.seizures.selectors import dispositions_disclosed

    return dispositions_disclosed(outcomes=PUBLIC_DISPOSITION_OUTCOMES)
