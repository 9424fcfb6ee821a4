"""JSON API for penalty cases (shared/API.md): register, list/search, detail, events, history.

Handlers parse, load through selectors (404 when not visible), call one service, and answer with the
case as the caller may see it. A refused event is 409 (the state does not allow it) or 422 (a legal
gate), with `{code, message, detail}` naming the rule and article; nothing is changed.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BaseModel, Field

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import InvalidInput
from zhifa.enforcement.cases import permissions, presenters, selectors, services
from zhifa.enforcement.cases.event_schemas import CaseEventIn
from zhifa.enforcement.cases.models import Case, CaseDeadline, State
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids

router = Router(tags=["cases"])

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
EVENT_ROLES = (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER)


# Input schemas document the fields but leave checking to the service, so every mistake gets the
# same translated 400 naming the field (a type error caught here would be a bare 422).


class PartyIn(Schema):
    kind: str = Field("", description='"person" or "organisation"')
    name: str = ""
    id_number: str = Field(
        "",
        description="18-digit 居民身份证号码 (or an old 15-digit one) or 18-character 统一社会信用代码; "
        'with id_type "other" a foreign document number, or empty',
    )
    phone: str = ""
    address: str = ""
    id_type: str = Field("", description='"" (resident ID) or "other" (foreign or no ID document)')
    birth_date: str | None = Field(
        None,
        description="YYYY-MM-DD; for a person without a resident ID (行政处罚法第三十条: age on the act)",
    )
    capacity: str = Field("", description='"", "full", "limited", "none", "lucid_interval" (第三十一条)')


class RegisterIn(Schema):
    """The `register` event. Dates are YYYY-MM-DD; `discovered_on` defaults to today."""

    procedure: str = "ordinary"
    agency_id: int | str | None = None
    source: str = Field("", description="complaint / patrol / inspection / referral / assigned / other")
    source_ref: str = ""
    party: PartyIn | None = None
    facts: str = ""
    occurred_on: str = ""
    location: str = ""
    power_item_id: int | str | None = None
    continuing: bool = False
    ended_on: str | None = None
    serious_harm: bool = False
    discovered_on: str | None = None
    discovery_record: str = Field(
        "", description="the source record of a discovery date before the 补录 window (行政处罚法第三十六条)"
    )


# Output models are plain pydantic models: the handlers return dicts, and ninja's Schema reads them
# through an attribute getter that costs ~10 ms on a page of 50 cases.


class DeadlineOut(BaseModel):
    kind: str
    label: str
    due_on: dt.date
    status: str = Field(description='"ok" | "due_soon" | "overdue" | "met"')
    provisional: bool
    article: str
    start_on: dt.date
    resolved_on: dt.date | None
    resolution: str
    explanation: str
    party_window: bool


class PartyOut(BaseModel):
    kind: str
    name: str
    id_number: str
    phone: str
    address: str
    masked: bool


class AgencyRef(BaseModel):
    id: int
    name: str
    abbreviation: str


class PowerRef(BaseModel):
    id: int
    code: str
    name: str
    version: int | None
    penalty_provision: str


class CaseOfficerOut(BaseModel):
    id: int
    name: str
    credential_number: str
    assigned_on: dt.date
    removed_on: dt.date | None
    removed_reason: str


class InstalmentOut(BaseModel):
    """One instalment of an approved plan as of today (行政处罚法第六十六条第二款): a missed one carries
    its own surcharge, 3 %/day of its unpaid amount, capped at the instalment (第七十二条; 行政强制法第四十五条)."""

    seq: int
    due_on: dt.date
    amount: str
    paid: str
    paid_on: dt.date | None
    status: str = Field(description='"paid" | "paid_late" | "overdue" | "open"')
    days_late: int
    surcharge: str


class CaseOut(BaseModel):
    id: int
    number: str
    decision_number: str
    procedure: str
    state: str
    state_label: str
    agency: AgencyRef
    source: str
    source_ref: str
    party: PartyOut
    facts: str
    location: str
    occurred_on: dt.date
    continuing: bool
    ended_on: dt.date | None
    serious_harm: bool
    discovered_on: dt.date
    limitation_ends_on: dt.date | None
    filed_on: dt.date | None
    power_item: PowerRef | None
    officers: list[CaseOfficerOut]
    penalty: dict[str, Any]
    flags: dict[str, Any]
    hearing: dict[str, Any]
    # after the decision (docs/cases.md "After the decision")
    deferral: dict[str, Any] | None = None
    instalments: list[InstalmentOut] = []
    appeal_spans: list[dict[str, Any]] = []
    appeal_pending: bool = False
    revoked_on: dt.date | None = None
    decision_changes: list[dict[str, Any]] = []
    transfer: dict[str, Any] | None = None
    deadlines: list[DeadlineOut]
    allowed_events: list[str]
    registered_at: dt.datetime
    last_event_at: dt.datetime
    closed_on: dt.date | None
    archived_on: dt.date | None


class NextDeadlineOut(BaseModel):
    kind: str
    label: str
    due_on: dt.date
    status: str


class CaseRowOut(BaseModel):
    id: int
    number: str
    decision_number: str
    procedure: str
    state: str
    state_label: str
    agency: AgencyRef
    party_name: str
    party_kind: str
    power_item: str | None
    power_item_name: str
    fine_amount: str | None
    registered_at: dt.datetime
    discovered_on: dt.date
    next_deadline: NextDeadlineOut | None
    suspended: bool


class EventOut(BaseModel):
    seq: int
    event: str
    label: str
    actor: str
    at: dt.datetime
    occurred_on: dt.date
    from_state: str
    to_state: str
    payload: dict[str, Any]


class OverdueOut(BaseModel):
    case_id: int
    number: str
    agency: AgencyRef
    kind: str
    label: str
    due_on: dt.date
    days_overdue: int
    article: str


class CaseQuery(Schema):
    status: str | None = Field(None, description="state, or several separated by commas")
    agency: int | None = None
    officer: int | None = Field(None, description="handling officer (officer id)")
    power_item: int | None = None
    procedure: str | None = None
    overdue: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str | None = Field(None, description="Chinese full-text search (number, party, facts, power item)")
    mine: bool = False


def parse_filters(query: CaseQuery) -> selectors.CaseFilters:
    states = [s.strip() for s in (query.status or "").split(",") if s.strip()]
    unknown = [s for s in states if s not in State.values]
    if unknown:
        raise InvalidInput(_("Unknown case state."), detail={"status": unknown})
    return selectors.CaseFilters(
        state=states or None,
        agency=query.agency,
        officer=query.officer,
        power_item=query.power_item,
        procedure=query.procedure or None,
        overdue=query.overdue,
        date_from=query.date_from,
        date_to=query.date_to,
        q=(query.q or "")[:200],
        mine=query.mine,
    )


class Presented:
    """A queryset the paginator can count and slice, rendering only the rows of the page. `counted`:
    the count when it is known without counting the rows (selectors.case_count_for). `read`: how the
    page's slice is read (default: its model instances), e.g. as values (selectors.case_list_rows)."""

    def __init__(
        self,
        qs: Any,
        render: Callable[[Any], dict[str, Any]],
        counted: selectors.CaseCount | None = None,
        prepare: Callable[[list[Any]], Any] | None = None,
        read: Callable[[Any], list[Any]] = list,
    ) -> None:
        self.qs, self.render, self.counted, self.prepare, self.read = qs, render, counted, prepare, read

    def __len__(self) -> int:  # ninja's paginator counts with len() when there is no .all()
        if self.counted is not None:
            return self.counted.count
        return int(self.qs.count())

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        rows = self.read(self.qs[item])
        if self.prepare is not None:  # load what every row shows in one query for the page
            self.prepare(rows)
        return [self.render(obj) for obj in rows]


class CasePage(Page):
    """Page with `count_exact`: false when an ad-hoc filter's count stopped at its cap
    (selectors.count_cap: 10,000, a search 1,000; docs/api.md)."""

    class Output(Schema):
        count: int
        count_exact: bool = True
        results: list[Any]

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest | None = None, **params: Any
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, request=request, **params)
        counted = getattr(queryset, "counted", None)
        page["count_exact"] = counted.exact if counted is not None else True
        return page


@router.get("/cases", response=list[CaseRowOut])
@paginate(CasePage)
@access.login
def case_list(request: HttpRequest, filters: Query[CaseQuery]) -> Any:
    """Cases in the caller's scope, newest first; `q` searches in Chinese (jieba-segmented index).
    `count` is exact for scope, agency and state filters; with any other filter it stops at 10,000
    (`count_exact` false)."""
    today = timezone.localdate()
    approver_scope = scope_agency_ids(request.user, roles=[Role.APPROVER])
    labels = presenters.Labels()
    parsed = parse_filters(filters)
    # counted first: a search's count is also what plans its page (selectors.CaseRows)
    counted = selectors.case_count_for(user=request.user, filters=parsed)
    return Presented(
        # the page's rows as values, its statement compiled once per shape (selectors.CaseRows)
        selectors.CaseRows(user=request.user, filters=parsed, counted=counted),
        lambda row: presenters.list_row(
            row, user_scope_full=row["agency_id"] in approver_scope, today=today, labels=labels
        ),
        counted=counted,
    )


def _case_out(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    return presenters.case_dict(case, user=request.user)


@router.post("/cases", response={201: CaseOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def case_register(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, Any]]:
    """The `register` event (线索登记). Refused (422) when past the limitation period (第三十六条)."""
    case = services.case_register(actor=request.user, data=payload.model_dump())
    return Status(201, _case_out(request, case.pk))


@router.get("/cases/overdue", response=list[OverdueOut])
@paginate(CasePage)
@access.login
def case_overdue(request: HttpRequest, agency: int | None = None) -> Any:
    """Agency duties past their last day (decision, service, preservation, reports), oldest first.
    `count` stops at 10,000 (`count_exact` false: more than that)."""
    today = timezone.localdate()
    return Presented(
        selectors.overdue_deadlines_for(user=request.user, agency=agency),
        lambda d: _overdue_row(d, today),
        counted=selectors.overdue_count_for(user=request.user, agency=agency),
        prepare=CaseDeadline.attach_cases,
    )


def _overdue_row(row: CaseDeadline, today: dt.date) -> dict[str, Any]:
    case: Case = row.case
    return {
        "case_id": case.pk,
        "number": case.number or f"#{case.pk}",
        "agency": {"id": row.agency_id, "name": row.agency.name, "abbreviation": row.agency.abbreviation},
        "kind": row.kind,
        "label": str(row.get_kind_display()),
        "due_on": row.due_on,
        "days_overdue": (today - row.due_on).days,
        "article": row.article,
    }


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS})
@access.login
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """State, party (masked unless you handle or approve the case), officers, penalty, flags,
    deadlines and the events you may apply (`allowed_events`)."""
    return _case_out(request, case_id)


@router.post("/cases/{case_id}/events", response={200: CaseOut, **ERRORS})
@access.roles(*EVENT_ROLES)
def case_event(request: HttpRequest, case_id: int, payload: CaseEventIn) -> dict[str, Any]:  # type: ignore[valid-type]
    """Apply a workflow event (one schema per event, discriminated by `event`); answers with the
    updated case. Unknown fields are refused (400 `unknown_field`)."""
    data = payload.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
    event = str(data.pop("event", ""))
    services.case_apply_event(case_id=case_id, actor=request.user, event=event, data=data)
    return _case_out(request, case_id)


@router.get("/cases/{case_id}/events", response={200: list[EventOut], **ERRORS})
@paginate(Page)
@access.login
def case_history(request: HttpRequest, case_id: int) -> Any:
    """The case's append-only history, oldest first."""
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    full = permissions.may_see_personal_data(request.user, case)
    person = case.party_kind == "person"

    return Presented(
        selectors.case_events(case=case),
        lambda e: presenters.event_dict(e, full=full, person=person, party_name=case.party_name),
    )


# --- The 免罚清单 (行政处罚法第三十三条第一款; docs/api.md) ----------------------------------------------


class NoPenaltyNodeRef(BaseModel):
    id: int
    name: str


class NoPenaltyItemRef(BaseModel):
    id: int
    code: str
    name: str


class NoPenaltyEntryOut(BaseModel):
    id: int
    node: NoPenaltyNodeRef
    power_item: NoPenaltyItemRef
    kind: str = Field(description='"minor_corrected" (不予处罚) or "first_offence" (首违可以不罚)')
    kind_label: str
    conditions: str
    document: str = Field(description="the basis: the document that set the list")
    article: str
    active: bool
    retired_on: dt.date | None
    retire_reason: str
    may_edit: bool = False


class NoPenaltyEntryIn(Schema):
    node_id: int | str | None = Field(None, description="the government node or agency whose list it is")
    power_item_id: int | str | None = None
    kind: str = ""
    conditions: str = ""
    document: str = ""


class NoPenaltyEntryPatch(Schema):
    power_item_id: int | str | None = None
    kind: str | None = None
    conditions: str | None = None
    document: str | None = None


class NoPenaltyRetireIn(Schema):
    reason: str = ""
    retired_on: str | None = Field(None, description="YYYY-MM-DD, default today, never in the future")


class NoPenaltyQuery(Schema):
    node: int | None = Field(None, ge=1, le=2**63 - 1)
    power_item: int | None = Field(None, ge=1, le=2**63 - 1)
    retired: bool = False


def _kept_ids(request: HttpRequest) -> set[int]:
    return {n.pk for n in selectors.no_penalty_list_nodes_for(request.user)}


def _entry_out(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    entry = selectors.no_penalty_entry_get(user=request.user, entry_id=entry_id)
    if entry is None:
        raise Http404
    return presenters.no_penalty_entry_dict(entry, kept=entry.node_id in _kept_ids(request))


@router.get("/no-penalty-list", response=list[NoPenaltyEntryOut])
@paginate(Page)
@access.login
def no_penalty_list(request: HttpRequest, filters: Query[NoPenaltyQuery]) -> Any:
    """The lines of the jurisdictions' 免罚清单, by jurisdiction and power item; retired lines with
    `retired=true`."""
    kept = _kept_ids(request)
    return Presented(
        selectors.no_penalty_list_for(
            user=request.user,
            node_id=filters.node,
            power_item_id=filters.power_item,
            include_retired=filters.retired,
        ),
        lambda e: presenters.no_penalty_entry_dict(e, kept=e.node_id in kept),
    )


@router.post("/no-penalty-list", response={201: NoPenaltyEntryOut, **ERRORS})
@access.roles(Role.ADMIN, Role.APPROVER)
def no_penalty_add(request: HttpRequest, payload: NoPenaltyEntryIn) -> Status[dict[str, Any]]:
    """Add a line for a power item of the jurisdiction (administrators and approvers whose grant covers
    `node_id`; 403 otherwise; 400 `power_item_outside_jurisdiction`)."""
    data = payload.model_dump()
    node = {n.pk: n for n in selectors.no_penalty_list_nodes_for(request.user)}.get(
        _int_or_none(data.pop("node_id"))
    )
    if node is None:
        raise InvalidInput(_("Choose the jurisdiction whose list this is."), detail={"field": "node_id"})
    entry = services.no_penalty_list_add(actor=request.user, node=node, data=data)
    return Status(201, _entry_out(request, entry.pk))


def _int_or_none(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@router.get("/no-penalty-list/{entry_id}", response={200: NoPenaltyEntryOut, **ERRORS})
@access.login
def no_penalty_get(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    return _entry_out(request, entry_id)


@router.patch("/no-penalty-list/{entry_id}", response={200: NoPenaltyEntryOut, **ERRORS})
@access.roles(Role.ADMIN, Role.APPROVER)
def no_penalty_update(request: HttpRequest, entry_id: int, payload: NoPenaltyEntryPatch) -> dict[str, Any]:
    """Change a line in force (fields left out keep their value); 409 `entry_retired` once retired."""
    if selectors.no_penalty_entry_get(user=request.user, entry_id=entry_id) is None:
        raise Http404
    services.no_penalty_list_update(
        actor=request.user, entry_id=entry_id, data=payload.model_dump(exclude_unset=True)
    )
    return _entry_out(request, entry_id)


@router.post("/no-penalty-list/{entry_id}/retire", response={200: NoPenaltyEntryOut, **ERRORS})
@access.roles(Role.ADMIN, Role.APPROVER)
def no_penalty_retire(request: HttpRequest, entry_id: int, payload: NoPenaltyRetireIn) -> dict[str, Any]:
    """Take a line out of force with the reason (`reason` required) and date; it stays on record."""
    if selectors.no_penalty_entry_get(user=request.user, entry_id=entry_id) is None:
        raise Http404
    services.no_penalty_list_retire(actor=request.user, entry_id=entry_id, data=payload.model_dump())
    return _entry_out(request, entry_id)
