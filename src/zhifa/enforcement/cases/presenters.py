"""The case as the API and the pages show it: deadlines with their live status, the events the viewer
may apply, and the party's personal data masked unless the viewer handles or approves the case."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation

from zhifa.core.masking import mask_any, mask_id_number, mask_name, mask_phone, redact_text
from zhifa.enforcement.cases import penalty_rules, permissions, workflow
from zhifa.enforcement.cases.deadlines import effective_due, status_of
from zhifa.enforcement.cases.models import Case, CaseDeadline, CaseEvent, DeadlineKind, PartyKind, State
from zhifa.foundation.deadlines.services import OpenDeadline
from zhifa.law import execution as execution_law
from zhifa.law import no_penalty as no_penalty_law
from zhifa.law import penalty as law


def measure_names(codes: list[str] | None) -> str:
    """The kinds of penalty in the statute's words (行政处罚法第九条), e.g. "警告、罚款"."""
    names = {str(k): v for k, v in law.MEASURE_NAMES.items()}
    return "、".join(names.get(c, c) for c in codes or [])


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def allowed_events(case: Case, user: Any) -> list[str]:
    return [
        t.event
        for t in workflow.events_from(case.state, procedure=case.procedure, suspended=case.is_suspended)
        if permissions.may_apply(user, case, t)
    ]


def deadline_dict(row: CaseDeadline, *, today: dt.date) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "label": str(row.get_kind_display()),
        "due_on": effective_due(row, today=today),
        "status": status_of(row, today=today),
        "provisional": row.provisional,
        "article": row.article,
        "start_on": row.start_on,
        "resolved_on": row.resolved_on,
        "resolution": row.resolution,
        "resolution_label": str(row.get_resolution_display()) if row.resolution else "",
        "explanation": row.explanation,
        "party_window": row.party_window,
    }


def party_dict(case: Case, *, full: bool) -> dict[str, Any]:
    person = case.party_kind == PartyKind.PERSON
    if full or not person:
        return {
            "kind": case.party_kind,
            "name": case.party_name,
            "id_number": case.party_id_number,
            "phone": case.party_phone if full else mask_phone(case.party_phone),
            "address": case.party_address,
            "masked": False,
        }
    return {
        "kind": case.party_kind,
        "name": mask_name(case.party_name),
        "id_number": mask_id_number(case.party_id_number),
        "phone": mask_phone(case.party_phone),
        "address": "",
        "masked": True,
    }


def outstanding(
    case: Case, *, today: dt.date, plan: list[execution_law.InstalmentStatus] | None = None
) -> dict[str, str | None]:
    """What the party owes today: the fine, the surcharge accrued to date (第七十二条), what was paid;
    under an instalment plan (`plan`, as of today) the surcharges of the missed instalments."""
    fine = case.fine_amount or Decimal(0)
    surcharge = case.surcharge
    if plan is None:
        plan = penalty_rules.instalments(case, on=today)
    if (
        plan and case.state == State.SERVED
    ):  # a missed instalment carries its own surcharge (第六十六条第二款、第七十二条)
        surcharge = max(surcharge, sum((i.surcharge for i in plan), Decimal("0.00")))
    elif case.state == State.SERVED and case.paid_amount < fine + surcharge:
        row = next(
            (d for d in case.deadlines.all() if d.kind == DeadlineKind.PAYMENT and d.resolved_on is None),
            None,
        )
        if row is not None:
            # 第七十三条第三款: the days an appeal was pending do not count
            days = execution_law.surcharge_days(
                due_on=row.due_on, on=today, pauses=execution_law.pauses_from(case.appeal_spans)
            )
            surcharge = max(surcharge, law.late_surcharge(fine=fine, days=days))
    return {
        "fine": money(case.fine_amount),
        "surcharge": money(surcharge),
        "paid": money(case.paid_amount),
        "outstanding": money(max(Decimal(0), fine + surcharge - case.paid_amount))
        if case.fine_amount
        else None,
    }


def case_dict(case: Case, *, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    full = permissions.may_see_personal_data(user, case)
    version = case.power_version
    plan = penalty_rules.instalments(case, on=today)
    return {
        "id": case.pk,
        "number": case.number,
        "decision_number": case.decision_number,
        "procedure": case.procedure,
        "state": case.state,
        "state_label": str(State(case.state).label),
        "agency": {"id": case.agency_id, "name": case.agency.name, "abbreviation": case.agency.abbreviation},
        "source": case.source,
        "source_ref": case.source_ref,
        "party": party_dict(case, full=full),
        "facts": case.facts if full else public_text_for(case, case.facts),
        "location": case.location,
        "occurred_on": case.occurred_on,
        "continuing": case.continuing,
        "ended_on": case.ended_on,
        "serious_harm": case.serious_harm,
        "discovered_on": case.discovered_on,
        "limitation_ends_on": case.limitation_ends_on,
        "filed_on": case.filed_on,
        "power_item": (
            {
                "id": case.power_item_id,
                "code": case.power_item.code if case.power_item else "",
                "name": version.name if version else "",
                "version": version.number if version else None,
                "penalty_provision": version.penalty_provision if version else "",
            }
            if case.power_item_id
            else None
        ),
        "officers": [
            {
                "id": co.officer_id,
                "name": co.officer.name,
                "credential_number": co.credential_number,
                "assigned_on": co.assigned_on,
                "removed_on": co.removed_on,
                "removed_reason": co.removed_reason,
            }
            for co in case.officers.all()
        ],
        "penalty": {
            "tier": case.tier_name,
            "proposed_measures": case.proposed_measures,
            "proposed_measures_label": measure_names(case.proposed_measures),
            "proposed_fine": money(case.proposed_fine),
            "permitted_min": money(case.permitted_min),
            "permitted_max": money(case.permitted_max),
            "amount_class": case.amount_class,
            "discretion_reason": case.discretion_reason,
            "mitigation_ground": case.mitigation_ground,
            "proposal_reasons": case.proposal_reasons,
            "notified_on": case.notified_on,
            "notified_measures": case.notified_measures,
            "notified_measures_label": measure_names(case.notified_measures),
            "notified_fine": money(case.notified_fine),
            "measures": case.measures,
            "measures_label": measure_names(case.measures),
            "fine_amount": money(case.fine_amount),
            "decision_reasons": case.decision_reasons,
            "decided_on": case.decided_on,
            "served_on": case.served_on,
            "service_method": case.service_method,
            "paid_on": case.paid_on,
            **outstanding(case, today=today, plan=plan),
        },
        # after the decision (docs/cases.md): deferral plan, appeals, revocation/changes, transfer
        "deferral": case.deferral or None,
        # the plan's instalments as of today: paid, late or overdue, each with its own surcharge
        "instalments": [i.as_dict() for i in plan],
        "appeal_spans": case.appeal_spans,
        "appeal_pending": case.appeal_pending,
        "revoked_on": case.revoked_on,
        "decision_changes": case.decision_changes,
        "transfer": case.transfer or None,
        "flags": {
            "hearing_eligible": case.hearing_eligible,
            "hearing_grounds": case.hearing_grounds,
            "legal_review_required": case.legal_review_required,
            "legal_review_grounds": case.legal_review_grounds,
            "legal_review_passed": case.legal_review_passed,
            "deliberation_required": case.deliberation_required,
            "deliberation_done": case.deliberation_done,
            "deliberation_grounds": case.deliberation_grounds,
            "discovery_backdated": case.discovery_backdated,
            "statement_made": case.statement_made,
            "suspended": case.is_suspended,
            "suspended_since": case.suspended_since,
            "extension_days": case.extension_days,
            "extensions": case.extensions,
        },
        "hearing": {
            "requested_on": case.hearing_requested_on,
            "held_on": case.hearing_held_on,
            "rights_waived_on": case.rights_waived_on,
        },
        "deadlines": [deadline_dict(d, today=today) for d in case.deadlines.all()],
        "allowed_events": allowed_events(case, user),
        "registered_at": case.registered_at,
        "last_event_at": case.last_event_at,
        "closed_on": case.closed_on,
        "archived_on": case.archived_on,
    }


class Labels:
    """Translated state and deadline labels, looked up once per language and process rather than once
    per row (translating them was ~2 % of a list request's CPU). Read-only: the dicts are shared."""

    def __init__(self) -> None:
        self.states, self.deadlines = _labels(translation.get_language())


@functools.lru_cache(maxsize=8)
def _labels(language: str | None) -> tuple[dict[str, str], dict[str, str]]:
    # `language` is the active one, keying the cache: the labels are translated into it here.
    return (
        {value: str(label) for value, label in State.choices},
        {value: str(label) for value, label in DeadlineKind.choices},
    )


def case_row(
    case: Case, *, user_scope_full: bool, today: dt.date, labels: Labels | None = None
) -> dict[str, Any]:
    """A list row of a case read as a model instance (with `open_deadlines` prefetched, as
    `selectors.case_list_for` does): `list_row` of its values."""
    open_rows = getattr(case, "open_deadlines", None)
    values = {
        "id": case.pk,
        "number": case.number,
        "decision_number": case.decision_number,
        "procedure": case.procedure,
        "state": case.state,
        "agency_id": case.agency_id,
        "agency__name": case.agency.name,
        "agency__abbreviation": case.agency.abbreviation,
        "party_kind": case.party_kind,
        "party_name": case.party_name,
        "power_item_id": case.power_item_id,
        "power_item__code": case.power_item.code if case.power_item_id and case.power_item else None,
        "power_version_id": case.power_version_id,
        "power_version__name": (
            case.power_version.name if case.power_version_id and case.power_version else None
        ),
        "fine_amount": case.fine_amount,
        "proposed_fine": case.proposed_fine,
        "registered_at": case.registered_at,
        "discovered_on": case.discovered_on,
        "suspended_since": case.suspended_since,
        "open_deadline": open_rows[0] if open_rows else None,
    }
    return list_row(values, user_scope_full=user_scope_full, today=today, labels=labels)


def list_row(
    row: Mapping[str, Any], *, user_scope_full: bool, today: dt.date, labels: Labels | None = None
) -> dict[str, Any]:
    """A list row from a case's values (`selectors.case_list_rows`, or `case_row` of an instance).
    Lists mask persons' names unless the viewer approves for the agency (`user_scope_full`); the
    detail page also shows them to the case's handlers."""
    labels = labels or Labels()
    next_deadline = None
    # a CaseDeadline (case_row) or its values (selectors.OpenDeadline): the same fields are read
    deadline: CaseDeadline | OpenDeadline | None = row["open_deadline"]
    if deadline is not None:
        next_deadline = {
            "kind": deadline.kind,
            "label": labels.deadlines.get(deadline.kind, deadline.kind),
            "due_on": effective_due(deadline, today=today),
            "status": status_of(deadline, today=today),
        }
    person = row["party_kind"] == PartyKind.PERSON
    fine = row["fine_amount"]
    return {
        "id": row["id"],
        "number": row["number"],
        "decision_number": row["decision_number"],
        "procedure": row["procedure"],
        "state": row["state"],
        "state_label": labels.states.get(row["state"], row["state"]),
        "agency": {
            "id": row["agency_id"],
            "name": row["agency__name"],
            "abbreviation": row["agency__abbreviation"],
        },
        "party_name": row["party_name"] if (user_scope_full or not person) else mask_name(row["party_name"]),
        "party_kind": row["party_kind"],
        "power_item": row["power_item__code"] if row["power_item_id"] else None,
        "power_item_name": (row["power_version__name"] or "") if row["power_version_id"] else "",
        "fine_amount": money(fine if fine is not None else row["proposed_fine"]),
        "registered_at": row["registered_at"],
        "discovered_on": row["discovered_on"],
        "next_deadline": next_deadline,
        "suspended": row["suspended_since"] is not None,
    }


def public_text_for(case: Case, text: str) -> str:
    """Free text about a case for a viewer who does not handle it: the one masking rule."""
    names = [case.party_name] if case.party_kind == PartyKind.PERSON else []
    return redact_text(text, names=names)


def event_dict(event: CaseEvent, *, full: bool, person: bool, party_name: str = "") -> dict[str, Any]:
    payload = dict(event.payload)
    if not full:
        # Every string of the payload (party_name, reasons, minutes, records …), not a list of keys.
        payload = mask_any(payload, names=[party_name] if person and party_name else [])
    t = workflow.transition(event.name)
    return {
        "seq": event.seq,
        "event": event.name,
        "label": str(t.label) if t else event.name,
        # The person's name as people know it; the recorded account name when the account is gone.
        "actor": event.actor.display_name if event.actor_id and event.actor else event.actor_name,
        "at": event.at,
        "occurred_on": event.occurred_on,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "payload": payload,
    }


def no_penalty_entry_dict(entry: Any, *, kept: bool | None = None) -> dict[str, Any]:
    """A line of the 免罚清单 as the API shows it (`may_edit` when the caller's keeping is known)."""
    version = entry.power_item.published_version
    out: dict[str, Any] = {
        "id": entry.pk,
        "node": {"id": entry.node_id, "name": entry.node.name},
        "power_item": {
            "id": entry.power_item_id,
            "code": entry.power_item.code,
            "name": version.name if version is not None else "",
        },
        "kind": entry.kind,
        "kind_label": str(entry.get_kind_display()),
        "conditions": entry.conditions,
        "document": entry.document,
        "article": no_penalty_law.ART_33_1,
        "active": entry.retired_on is None and entry.is_active,
        "retired_on": entry.retired_on,
        "retire_reason": entry.retire_reason,
    }
    if kept is not None:
        out["may_edit"] = kept and out["active"]
    return out
