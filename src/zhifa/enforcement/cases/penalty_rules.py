"""The case side of the penalty rules in `zhifa.law` (capacity, prior_penalties, no_penalty,
deliberation): what the case record says about the party and about earlier decisions on the party,
gathered for the pure rules the event handlers call.

Earlier decisions are looked up across every agency of the platform (行政处罚法第二十九条 forbids a
second fine whoever imposed the first): a decided case of the same party — same ID number; a party
without an ID number cannot be matched and has no earlier decisions — that is still standing
(decided, served, executed, closed or archived). Only what identifies the earlier decision (its
number, agency and date) is shown, never its file.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from zhifa.core.errors import DomainError
from zhifa.core.prepared import Prepared
from zhifa.enforcement.cases.models import Case, NoPenaltyListEntry, State
from zhifa.law import capacity
from zhifa.law.prior_penalties import Act, Prior

STANDING_DECISION_STATES = (State.DECIDED, State.SERVED, State.EXECUTED, State.CLOSED, State.ARCHIVED)


def age_band(case: Case) -> capacity.AgeBand:
    """第三十条: the party's age band on the first day of the act (organisations have none)."""
    if case.party_kind != "person":
        return capacity.AgeBand.ADULT
    return capacity.age_band(case.party_birth_date, case.occurred_on)


def party_capacity(case: Case) -> capacity.Capacity:
    return capacity.parse_capacity(case.party_capacity)


def standing(case: Case) -> dict[str, Any]:
    """What the record keeps about the party's standing under 第三十条、第三十一条."""
    band = age_band(case)
    out: dict[str, Any] = {"age_band": str(band), "capacity": str(party_capacity(case))}
    if case.party_kind == "person" and case.party_birth_date is not None:
        out["age"] = capacity.full_years(case.party_birth_date, case.occurred_on)
    return out


def act_of(case: Case, *, extra_provisions: Iterable[str] = ()) -> Act:
    version = case.power_version
    return Act(
        act_from=case.occurred_on,
        act_to=case.ended_on if case.continuing else case.occurred_on,
        power_item=case.power_item.code if case.power_item else "",
        provision=(version.violated_provision or "").strip() if version is not None else "",
        extra_provisions=tuple(extra_provisions),
    )


# The party's standing decisions, read by every proposal and decision (第三十六条 and the repeat-offence
# rules): the case's 90 columns with three joined tables, compiled once per process (core.prepared).
_PRIORS: Prepared[Case] = Prepared(
    lambda party_id_number, party_kind, pk: (
        Case.objects.filter(
            party_id_number=party_id_number,
            party_kind=party_kind,
            state__in=STANDING_DECISION_STATES,
            decided_on__isnull=False,
        )
        .exclude(pk=pk)
        .select_related("agency", "power_item", "power_version")
        .order_by("decided_on", "id")
    ),
    markers=("\x00party-id-marker", "\x00party-kind-marker", -730_100_074),
)


def priors(case: Case) -> list[Prior]:
    """Standing decisions on the same party in any agency, oldest first (this case excluded)."""
    if not case.party_id_number:
        return []
    rows = _PRIORS(case.party_id_number, case.party_kind, case.pk)
    out = []
    for row in rows:
        assert row.decided_on is not None
        out.append(
            Prior(
                case_id=row.pk,
                number=row.decision_number or row.number,
                agency=row.agency.name,
                decided_on=row.decided_on,
                act_from=row.occurred_on,
                act_to=row.ended_on if row.continuing else row.occurred_on,
                power_item=row.power_item.code if row.power_item else "",
                provision=(row.power_version.violated_provision or "").strip() if row.power_version else "",
                measures=tuple(str(m) for m in row.measures),
                fine=row.fine_amount,
                no_penalty_ground=row.no_penalty_ground,
            )
        )
    return out


def statutory_max(version: Any, *, party_kind: str, base_amount: Decimal | None) -> Decimal | None:
    """The highest fine a power item's provision allows, in yuan; None when it cannot be told
    (no fine, or a base the case does not give)."""
    from zhifa.powers import discretion

    try:
        rng = discretion.legal_range(version=version, party_kind=party_kind, base_amount=base_amount)
    except (DomainError, ValueError):
        return None
    return rng.max if rng is not None else None


def no_penalty_list(case: Case) -> list[dict[str, str]]:
    """The lines of the 免罚清单 in force for the case's agency that cover its power item: lists set
    by the agency or by any node above it."""
    if case.power_item_id is None:
        return []
    node_ids = [int(x) for x in (case.agency.path or "").strip("/").split("/") if x] or [case.agency_id]
    entries = NoPenaltyListEntry.objects.filter(
        power_item_id=case.power_item_id, node_id__in=node_ids, is_active=True
    ).order_by("id")
    return [
        {"id": str(e.pk), "kind": e.kind, "document": e.document, "conditions": e.conditions} for e in entries
    ]


def instalments(case: Case, *, on: Any) -> list[Any]:
    """The approved instalment plan as of `on` (行政处罚法第六十六条第二款): each instalment with what
    was paid towards it and its own surcharge when missed (`law.execution.instalment_surcharges`).
    Payments count from the approval on (the plan covers what was outstanding then). Empty without a
    plan."""
    import datetime as dt

    from zhifa.enforcement.cases.models import CaseEvent
    from zhifa.law import execution

    plan = case.deferral or {}
    schedule = execution.parse_schedule(plan.get("schedule"))
    if not schedule:
        return []
    approval = (
        CaseEvent.objects.filter(case=case, name="approve_deferral")
        .order_by("-seq")
        .values_list("seq", flat=True)
    ).first()
    payments = [
        (occurred_on, Decimal(str(payload.get("amount") or "0")))
        for occurred_on, payload in CaseEvent.objects.filter(
            case=case, name="record_payment", seq__gt=approval or 0
        ).values_list("occurred_on", "payload")
        if occurred_on is not None
    ]
    day = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
    return execution.instalment_surcharges(
        schedule=schedule, payments=payments, on=day, pauses=execution.pauses_from(case.appeal_spans)
    )
