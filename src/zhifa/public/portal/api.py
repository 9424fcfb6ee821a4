"""Public API: published decisions, personal data already masked (`GET /public/decisions`)."""

# No `from __future__ import annotations`: ninja reads the handlers' annotations at runtime, through
# the access decorators' wrappers, whose globals are not this module's.
import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from zhifa.core import access
from zhifa.core.api import MAX_PAGE_SIZE, ErrorOut
from zhifa.public.portal import selectors as sel
from zhifa.public.portal.models import PublishedDecision

router = Router(tags=["portal"])


def _live(obj: PublishedDecision) -> bool:
    return obj.state == PublishedDecision.State.PUBLISHED


class DecisionOut(Schema):
    id: int
    decision_number: str
    agency: int
    agency_name: str
    party_kind: str
    party: str
    measures: str
    fine_amount: Decimal
    decided_on: dt.date
    published_on: dt.date | None

    @staticmethod
    def resolve_agency(obj: PublishedDecision) -> int:
        return obj.agency_id

    # A withdrawn decision keeps only its number, agency and the reason (行政处罚法第四十八条第二款).
    @staticmethod
    def resolve_party(obj: PublishedDecision) -> str:
        return obj.party_public if _live(obj) else ""

    @staticmethod
    def resolve_measures(obj: PublishedDecision) -> str:
        return obj.measures_public if _live(obj) else ""

    @staticmethod
    def resolve_fine_amount(obj: PublishedDecision) -> Decimal:
        return obj.fine_amount if _live(obj) else Decimal("0")


class DecisionDetailOut(DecisionOut):
    state: str
    party_credit_code: str
    facts: str
    violated_provision: str
    penalty_provision: str
    withdrawn_on: dt.date | None
    withdrawal_reason: str

    @staticmethod
    def resolve_party_credit_code(obj: PublishedDecision) -> str:
        return obj.party_id_public if _live(obj) else ""

    @staticmethod
    def resolve_facts(obj: PublishedDecision) -> str:
        return obj.facts_public if _live(obj) else ""

    @staticmethod
    def resolve_violated_provision(obj: PublishedDecision) -> str:
        return obj.violated_provision if _live(obj) else ""

    @staticmethod
    def resolve_penalty_provision(obj: PublishedDecision) -> str:
        return obj.penalty_provision if _live(obj) else ""

    @staticmethod
    def resolve_withdrawal_reason(obj: PublishedDecision) -> str:
        return obj.withdrawal_note


class DecisionListOut(Schema):
    count: int
    results: list[DecisionOut]


class DecisionFilters(Schema):
    q: str = Field("", max_length=100)
    agency: int | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


@router.get("/public/decisions", auth=None, response=DecisionListOut, url_name="public_decisions")
@access.public
def public_decisions(request: HttpRequest, filters: Query[DecisionFilters]) -> dict[str, object]:
    """Published penalty decisions, newest first; `q` searches them in Chinese (full text)."""
    page = sel.decision_page(
        q=filters.q, agency_id=filters.agency, page=filters.page, page_size=filters.page_size
    )
    if filters.page > page.number:
        return {"count": page.count, "results": []}  # past the last page: empty, not the last one again
    return {"count": page.count, "results": page.items}


@router.get(
    "/public/decisions/{decision_id}",
    auth=None,
    response={200: DecisionDetailOut, 404: ErrorOut},
    url_name="public_decision",
)
@access.public
def public_decision(request: HttpRequest, decision_id: int) -> PublishedDecision:
    item = sel.decision_public_get(decision_id)
    if item is None:
        raise Http404
    return item


class NoPenaltyLineOut(Schema):
    id: int
    jurisdiction: str
    jurisdiction_id: int
    power_item_id: int
    power_item_code: str
    power_item_name: str
    kind: str
    kind_label: str
    conditions: str
    document: str


class NoPenaltyListOut(Schema):
    count: int
    results: list[NoPenaltyLineOut]


class NoPenaltyFilters(Schema):
    node: int | None = Field(None, ge=1, le=2**63 - 1)
    power_item: int | None = Field(None, ge=1, le=2**63 - 1)
    page: int = Field(1, ge=1, le=10**9)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


@router.get(
    "/public/no-penalty-list", auth=None, response=NoPenaltyListOut, url_name="public_no_penalty_list"
)
@access.public
def public_no_penalty_list(request: HttpRequest, filters: Query[NoPenaltyFilters]) -> dict[str, object]:
    """The lines in force of the jurisdictions' 免罚清单 (行政处罚法第三十三条第一款), published as a
    condition of imposing penalties (政府信息公开条例第二十条第（六）项)."""
    from zhifa.enforcement.cases.selectors import no_penalty_list_public

    qs = no_penalty_list_public(node_id=filters.node, power_item_id=filters.power_item)
    offset = (filters.page - 1) * filters.page_size
    rows = list(qs[offset : offset + filters.page_size])
    return {
        "count": qs.count(),
        "results": [
            {
                "id": e.pk,
                "jurisdiction": e.node.name,
                "jurisdiction_id": e.node_id,
                "power_item_id": e.power_item_id,
                "power_item_code": e.power_item.code,
                "power_item_name": e.power_item.published_version.name,
                "kind": e.kind,
                "kind_label": str(e.get_kind_display()),
                "conditions": e.conditions,
                "document": e.document,
            }
            for e in rows
        ],
    }
