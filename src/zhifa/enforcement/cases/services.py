"""Every write to a case. `case_register` creates one (the `register` event); `case_apply_event` is the
only function that changes a case's state.

Locking order (so concurrent writers queue instead of deadlocking): the case row (select_for_update),
then any number counter row (core.numbering), then the audit chain head (audit_record). Nothing here
locks two cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.audit.services import audit_record
from zhifa.core import prepared, state_counts
from zhifa.core import workflow as core_workflow
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.core.prepared import Prepared, insert
from zhifa.core.retry import retry_on_deadlock
from zhifa.enforcement.cases import fields, hooks, permissions, rollup, search_link, workflow
from zhifa.enforcement.cases.events import HANDLERS, Ctx
from zhifa.enforcement.cases.models import Case, CaseEvent, Procedure, Source, State
from zhifa.enforcement.cases.party import parse_party
from zhifa.enforcement.cases.powers_link import check_party_type, power_for_case
from zhifa.law.discovery import ART_36, check_discovery_date
from zhifa.law.limitation import check_limitation
from zhifa.org.models import OrgNode
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids


def _act_date(
    t: workflow.Transition, data: dict[str, Any], last_act_on: dt.date | None, today: dt.date
) -> dt.date:
    """The real-world date of the act: given by the caller (paper steps are often entered later), never
    in the future, never before the step it follows."""
    if t.date_field is None:
        return today
    given = fields.date(data, t.date_field)
    day = given or today
    if day > today:
        raise InvalidInput(
            _("The date of %(field)s cannot be in the future.") % {"field": t.date_field},
            detail={"field": t.date_field},
        )
    if last_act_on is not None and day < last_act_on:
        raise InvalidInput(
            _("The date of %(field)s cannot be before the previous step of the case (%(last)s).")
            % {"field": t.date_field, "last": last_act_on.isoformat()},
            detail={"field": t.date_field, "previous": last_act_on.isoformat()},
        )
    return day


DATE_ADDED_LATER = frozenset({"submit_proposal", "request_legal_review"})

# The agency a lead is registered in, compiled once per process (core.prepared).
_ACTIVE_AGENCY: Prepared[OrgNode] = Prepared(
    lambda pk: OrgNode.objects.filter(pk=pk, kind=OrgNode.Kind.AGENCY, is_active=True),
    markers=(-730_100_052,),
)


# The case an event locks and changes, with what its handlers and documents read: 90 columns and three
# joined tables, compiled once per process (core.prepared) instead of for each of the ~1,700 events of
# the demo's seeding. `first()` of the queryset as written: ordered by id, one row.
_CASE_FOR_UPDATE: Prepared[Case] = Prepared(
    lambda pk: (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency", "power_item", "power_version")
        .filter(pk=pk)
        .order_by("pk")
    ),
    markers=(-730_100_064,),
)


def case_register(*, actor: Any, data: dict[str, Any]) -> Case:
    """The `register` event (线索登记): refused when the act is past the limitation period (第三十六条)."""
    t = workflow.BY_EVENT["register"]
    today = timezone.localdate()
    agency_id = fields.integer(data, "agency_id")
    assert agency_id is not None
    agency = _ACTIVE_AGENCY.first(agency_id)
    if agency is None or agency.pk not in scope_agency_ids(actor):
        raise NotFound(_("Unknown agency, or not visible to you."), detail={"field": "agency_id"})
    if not any(agency.pk in scope_agency_ids(actor, roles=[role]) for role in t.roles):
        raise Forbidden(_("Only this agency's officers and approvers may register its cases."))
    procedure = fields.choice(data, "procedure", list(Procedure.values), required=False) or Procedure.ORDINARY
    source = fields.choice(data, "source", list(Source.values))
    party = parse_party(data, may_be_unknown=procedure == Procedure.ORDINARY, today=today)
    facts = fields.text(data, "facts")
    location = fields.text(data, "location", required=False, max_length=200)
    occurred_on = fields.date(data, "occurred_on", required=True)
    assert occurred_on is not None
    if occurred_on > today:
        raise InvalidInput(_("The act cannot have happened in the future."), detail={"field": "occurred_on"})
    continuing = fields.boolean(data, "continuing")
    ended_on = fields.date(data, "ended_on")
    if ended_on is not None and ended_on > today:
        raise InvalidInput(_("The act cannot have ended in the future."), detail={"field": "ended_on"})
    serious_harm = fields.boolean(data, "serious_harm")
    discovered_on = _act_date(t, data, None, today)
    limitation_end = check_limitation(
        occurred_on=occurred_on,
        discovered_on=discovered_on,
        continuing=continuing,
        ended_on=ended_on,
        serious_harm=serious_harm,
    )
    # the lead's source reference (a complaint's tracking code, an inspection task's code) is the
    # record the discovery date comes from unless another is named
    discovery_record = fields.text(data, "discovery_record", required=False, max_length=200) or fields.text(
        data, "source_ref", required=False, max_length=60
    )
    backdating = check_discovery_date(
        discovered_on=discovered_on, registered_on=today, source_record=discovery_record, agency=agency
    )
    now = timezone.now()
    with transaction.atomic():
        case = Case(
            agency=agency,
            procedure=procedure,
            state=State.REGISTERED,
            source=source,
            source_ref=fields.text(data, "source_ref", required=False, max_length=60),
            party_kind=party["kind"],
            party_name=party["name"],
            party_id_number=party["id_number"],
            party_phone=party["phone"],
            party_address=party["address"],
            party_id_type=party["id_type"],
            party_birth_date=party["birth_date"],
            party_capacity=party["capacity"],
            facts=facts,
            location=location,
            occurred_on=occurred_on,
            continuing=continuing,
            ended_on=ended_on,
            serious_harm=serious_harm,
            discovered_on=discovered_on,
            limitation_ends_on=limitation_end,
            discovery_record=discovery_record,
            discovery_backdated=backdating.backdated,
            registered_by=actor,
            registered_at=now,
            last_act_on=discovered_on,
            last_event_at=now,
            event_count=1,
        )
        item_id = fields.integer(data, "power_item_id", required=False)
        if item_id is not None:
            case.power_item, case.power_version = power_for_case(item_id=item_id, case=case, tiers=False)
            if case.party_kind:  # a party not known yet is checked against the item at filing
                check_party_type(case.power_version, case.party_kind)
        prepared.insert(case)  # the ORM's save(force_insert=True), its 90-column INSERT built once
        state_counts.added(  # the count and the statistics' roll-up (`rollup.added`) in one statement
            workflow=CaseWorkflow.name,
            agency_id=case.agency_id,
            state=case.state,
            key=case.pk,
            tally=rollup.case_tally(case),
        )
        event = CaseEvent(
            case=case,
            seq=1,
            name="register",
            actor=actor,
            actor_name=actor.username,
            at=now,
            occurred_on=discovered_on,
            from_state="",
            to_state=State.REGISTERED,
            payload=core_workflow.jsonable(
                {
                    "procedure": procedure,
                    "source": source,
                    "party_kind": party["kind"],
                    "party_name": party["name"],
                    "occurred_on": occurred_on,
                    "limitation_ends_on": limitation_end,
                    "power_item": case.power_item.code if case.power_item else None,
                    "discovery_record": discovery_record,
                    "discovery_backdated": backdating.backdated,
                    "backfill_window": backdating.applied,
                }
            ),
        )
        prepared.insert(event)
        # The search index first: its head row makes the audit chain one lock for every write of the
        # platform, held from the append until the commit, so segmenting the text (jieba, the slowest
        # step of a registration) must not run while other writers wait for it.
        search_link.index_case(case)
        audit_record(
            actor=actor,
            action="cases.register",
            obj=case,
            summary={"event": "register", "seq": 1, "to": State.REGISTERED, "procedure": procedure},
        )
        hooks.notify_listeners(case, event)
        if backdating.backdated:
            case_id, agency_pk = case.pk, agency.pk
            transaction.on_commit(lambda: _alert_backdated(case_id, agency_pk, discovered_on))
    return case


def _alert_backdated(case_id: int, agency_id: int, discovered_on: dt.date) -> None:
    """补录 beyond the window: shown to the supervisors of the agency (行政处罚法第三十六条)."""
    from zhifa.foundation.alerts.services import alert_raise

    alert_raise(
        kind="discovery_backdated",
        key=f"case:{case_id}:discovery_backdated",
        agency_id=agency_id,
        title=str(
            _("Lead #%(case)s registered with a backdated discovery date (%(date)s)")
            % {"case": case_id, "date": discovered_on.isoformat()}
        ),
        object_type="cases.case",
        object_id=str(case_id),
        article=ART_36,
    )


class CaseWorkflow(core_workflow.Workflow[Case, workflow.Transition]):
    """The penalty case on the shared engine: what is particular to cases is the procedure and the
    suspension (`applicable`, `_state_conflict`), handling officers (`permissions.may_apply`), the
    "not before the previous step" date rule, the event counter and the search index."""

    name = "cases"
    counts_states = True  # list counts read core.StateCount (selectors.case_count_for)
    noun = _("case")
    table = workflow.CASE_TABLE
    handlers = HANDLERS

    def load(self, obj_id: int, actor: Any) -> Case:
        case = _CASE_FOR_UPDATE.first(obj_id)
        if case is None or not permissions.can_see(actor, case):
            raise NotFound(_("Case not found, or not visible to you."))
        return case

    def applicable(self, t: workflow.Transition, obj: Case) -> bool:
        return workflow.applicable(t, state=obj.state, procedure=obj.procedure, suspended=obj.is_suspended)

    def conflict(self, obj: Case, t: workflow.Transition) -> Conflict:
        return _state_conflict(obj, t)

    def may_apply(self, actor: Any, obj: Case, t: workflow.Transition) -> bool:
        return permissions.may_apply(actor, obj, t)

    def unknown_event(self, event: str) -> InvalidInput:
        return InvalidInput(
            _("Unknown workflow event: %(event)s.") % {"event": str(event)[:40]},
            code="unknown_event",
            detail={"event": str(event)[:40], "events": list(workflow.EVENT_NAMES)},
        )

    def forbidden(self, obj: Case, t: workflow.Transition) -> Forbidden:
        return Forbidden(
            _("You may not apply “%(event)s” to this case.") % {"event": t.label},
            code="event_forbidden",
            detail={"event": t.event},
        )

    def act_date(self, t: workflow.Transition, obj: Case, data: dict[str, Any], today: dt.date) -> dt.date:
        if t.event in workflow.OUTSIDE_DATED:
            # An appeal's dates are the organ's or court's, not the case's next step: never in the future,
            # never before the decision.
            return _act_date(t, data, obj.decided_on, today)
        return _act_date(t, data, obj.last_act_on, today)

    def make_ctx(
        self,
        obj: Case,
        actor: Any,
        t: workflow.Transition,
        *,
        data: dict[str, Any],
        act_on: dt.date,
        today: dt.date,
    ) -> Ctx:
        return Ctx(obj=obj, actor=actor, transition=t, data=dict(data), act_on=act_on, today=today)

    def stamp(self, obj: Case, ctx: Any, now: dt.datetime) -> set[str]:
        obj.event_count += 1
        obj.last_event_at = now
        changed = {"event_count", "last_event_at"}
        t = ctx.transition
        given = ctx.data.get(t.date_field) not in (None, "") if t.date_field else False
        # The proposal and the request for legal review took no date before API.md named one; sent
        # without it (today by default) they still leave the case's last act alone, so clients and
        # paper steps entered later with their real, earlier dates keep working.
        dated = t.date_field is not None and (given or t.event not in DATE_ADDED_LATER)
        if dated and ctx.act_on > obj.last_act_on:
            obj.last_act_on = ctx.act_on
            changed.add("last_act_on")
        return changed

    def write_event(
        self, obj: Case, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> CaseEvent:
        row = CaseEvent(
            case=obj,
            seq=obj.event_count,
            name=ctx.transition.event,
            actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
            # the appeals door may act for the public one-click application, with no staff actor
            actor_name=getattr(ctx.actor, "username", "") or "",
            at=now,
            occurred_on=ctx.act_on,
            from_state=from_state,
            to_state=to_state,
            payload=core_workflow.jsonable(ctx.record),
        )
        insert(row)  # create(), its INSERT built once per process (core.prepared)
        return row

    def audit_summary(
        self, obj: Case, ctx: Any, row: Any, *, from_state: str, to_state: str
    ) -> dict[str, Any]:
        return {
            "event": ctx.transition.event,
            "seq": row.seq,
            "from": from_state,
            "to": to_state,
            "on": ctx.act_on.isoformat(),
        }

    def after_save(self, obj: Case, ctx: Any, row: Any) -> None:
        if ctx.reindex:
            search_link.index_case(obj)

    def notify(self, obj: Case, row: Any) -> None:
        # Other apps register through `cases.hooks` (their documented extension point).
        hooks.notify_listeners(obj, row)

    def state_labels(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in State.choices]

    def tally_of(self, obj: Case) -> state_counts.Tally:
        """The statistics' roll-up (`cases.rollup`): agency, month registered, state, category, fine
        decided and amount paid."""
        return rollup.case_tally(obj)


CASES = CaseWorkflow()


def case_apply_event(*, case_id: int, actor: Any, event: str, data: dict[str, Any]) -> Case:
    """Apply one workflow event through the shared engine (`zhifa.core.workflow.apply_event`): lock
    the case, check state (409), role and scope (403), the event's guards (422, naming the article)
    and payload (400); then save, write the append-only event and the audit entry, let listeners run,
    and schedule side effects after commit. A refused event changes nothing."""
    return core_workflow.apply_event(CASES, obj_id=case_id, actor=actor, event=event, data=data)


class AppealOutcomeWorkflow(CaseWorkflow):
    """The door the reconsideration and litigation app uses (docs/interfaces.md): an appeal against
    the decision, its end, and the revocation or change the organ or court decided are the case's own
    events, applied by whoever recorded the appeal's step. The appeals app has checked that the actor
    handles the appeal and that the case belongs to its respondent agency; the case's role rules
    (an approver of the agency) do not apply to an organ's decision, so only these events pass."""

    EVENTS = frozenset({"record_appeal", "end_appeal", "revoke", "change"})

    def load(self, obj_id: int, actor: Any) -> Case:
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("agency", "power_item", "power_version")
            .filter(pk=obj_id)
            .first()
        )
        if case is None:
            raise NotFound(_("Case not found, or not visible to you."))
        return case

    def may_apply(self, actor: Any, obj: Case, t: workflow.Transition) -> bool:
        return t.event in self.EVENTS


APPEAL_DOOR = AppealOutcomeWorkflow()


def case_apply_appeal_event(*, case_id: int, actor: Any, event: str, data: dict[str, Any]) -> Case:
    """`record_appeal`, `end_appeal`, `revoke` or `change` on behalf of a reconsideration organ or a court
    (`data["by"]` is forced to the organ's kind for revoke/change), through the same engine, history
    and audit as every case event. Any other event is refused (403)."""
    if event in {"revoke", "change"} and data.get("by") not in {"reconsideration", "court"}:
        raise InvalidInput(_("An appeal's outcome is applied by a reconsideration organ or a court."))
    return core_workflow.apply_event(APPEAL_DOOR, obj_id=case_id, actor=actor, event=event, data=data)


def _state_conflict(case: Case, t: workflow.Transition) -> Conflict:
    if case.is_suspended and t.event not in workflow.ALLOWED_WHILE_SUSPENDED:
        return Conflict(
            _("The case is suspended: resume it first."),
            code="case_suspended",
            detail={"state": case.state, "event": t.event},
        )
    if case.procedure not in t.procedures:
        return Conflict(
            _("“%(event)s” does not belong to this procedure.") % {"event": t.label},
            code="wrong_procedure",
            detail={"procedure": case.procedure, "event": t.event},
        )
    return Conflict(
        _("“%(event)s” is not possible while the case is “%(state)s”.")
        % {"event": t.label, "state": State(case.state).label},
        code="event_not_allowed_in_state",
        detail={"state": case.state, "event": t.event},
    )


def case_on_spot(*, actor: Any, data: dict[str, Any]) -> Case:
    """The field officer's one form (简易程序): register, decide on the spot, hand the decision over and,
    when the party pays at once, record the payment — all or nothing, each step through the same doors."""
    # Registering takes the audit chain's lock and the events after it take kept counters' rows: the
    # opposite order of an ordinary event, so PostgreSQL may abort one of two such transactions to end
    # their deadlock. Nothing of the aborted one was kept; it runs again (core.retry).
    return retry_on_deadlock(lambda: _on_spot(actor=actor, data=data))


def _on_spot(*, actor: Any, data: dict[str, Any]) -> Case:
    payment = data.get("payment")
    today = timezone.localdate().isoformat()
    decided_on = data.get("decided_on") or today
    with transaction.atomic():
        case = case_register(
            actor=actor,
            data={
                **data,
                "procedure": Procedure.SIMPLE,
                "discovered_on": data.get("discovered_on") or decided_on,
            },
        )
        case = case_apply_event(
            case_id=case.pk, actor=actor, event="decide_on_spot", data={**data, "decided_on": decided_on}
        )
        case = case_apply_event(
            case_id=case.pk,
            actor=actor,
            event="serve",
            data={"method": "direct", "served_on": decided_on, "receipt": data.get("receipt", "")},
        )
        if isinstance(payment, dict) and case.state == State.SERVED:
            case = case_apply_event(
                case_id=case.pk, actor=actor, event="record_payment", data={"paid_on": decided_on, **payment}
            )
    return case


def legal_review_catalogue_add(*, actor: Any, agency: OrgNode, data: dict[str, Any]) -> Any:
    """An agency's catalogue line (重大执法决定法制审核目录). Approvers and admins of the agency keep it."""
    from zhifa.enforcement.cases.models import LegalReviewCatalogueEntry
    from zhifa.law.penalty import parse_measures

    if not any(agency.pk in scope_agency_ids(actor, roles=[r]) for r in (Role.APPROVER, Role.ADMIN)):
        raise Forbidden(_("Only the agency's approvers and administrators keep its catalogue."))
    with transaction.atomic():
        entry = LegalReviewCatalogueEntry(
            agency=agency,
            power_item_id=fields.integer(data, "power_item_id", required=False),
            fine_at_least_person=fields.money(data, "fine_at_least_person", required=False),
            fine_at_least_organisation=fields.money(data, "fine_at_least_organisation", required=False),
            measures=[str(m) for m in parse_measures(fields.string_list(data, "measures"))],
            description=fields.text(data, "description", max_length=200),
            document=fields.text(data, "document", required=False, max_length=200),
        )
        entry.save(force_insert=True)
        audit_record(
            actor=actor,
            action="cases.catalogue_add",
            obj=entry,
            agency_id=agency.pk,
            summary={"description": entry.description},
        )
    return entry


# --- The 免罚清单 (行政处罚法第三十三条第一款) ------------------------------------------------------------


def may_keep_no_penalty_list(actor: Any, node: OrgNode) -> bool:
    """Administrators and approvers keep the list of a node their grant covers (the node itself or one
    below it); nobody else, whatever else they may do."""
    from zhifa.org.selectors import granted_nodes

    held = [node_id for node_id, _agency in granted_nodes(actor, roles=[Role.ADMIN, Role.APPROVER])]
    paths = OrgNode.objects.filter(pk__in=held).values_list("path", flat=True)
    return any(node.path.startswith(path) for path in paths)


def _no_penalty_item(data: dict[str, Any], node: OrgNode) -> Any:
    """The power item a line covers: published, in force, and held by an agency of the node's
    jurisdiction (a line for another city's item would never apply to a case)."""
    from zhifa.powers.models import PowerItem

    item_id = fields.integer(data, "power_item_id")
    assert item_id is not None  # required: fields.integer raised otherwise
    item = (
        PowerItem.objects.filter(pk=item_id, status=PowerItem.Status.ACTIVE, published_version__isnull=False)
        .select_related("agency")
        .first()
    )
    if item is None:
        raise InvalidInput(_("Unknown power item."), detail={"field": "power_item_id"})
    if item.agency is not None and not item.agency.path.startswith(node.path):
        raise InvalidInput(
            _("This power item belongs to an agency outside the list's jurisdiction."),
            code="power_item_outside_jurisdiction",
            detail={"field": "power_item_id"},
        )
    return item


def _no_penalty_fields(data: dict[str, Any]) -> dict[str, Any]:
    from zhifa.enforcement.cases.models import NoPenaltyListEntry

    return {
        "kind": fields.choice(data, "kind", list(NoPenaltyListEntry.Kind.values)),
        "conditions": fields.text(data, "conditions", required=False, max_length=2000),
        "document": fields.text(data, "document", max_length=200),
    }


def _no_penalty_changed() -> None:
    """The portal shows the list: its cached pages are rebuilt after the commit."""
    from zhifa.enforcement.cases.hooks import no_penalty_list_changed

    transaction.on_commit(no_penalty_list_changed)


def no_penalty_list_add(*, actor: Any, node: OrgNode, data: dict[str, Any]) -> Any:
    """A line of the 免罚清单 of `node` (a government node or an agency) for a power item (行政处罚法
    第三十三条第一款), with its basis: the kind (not penalised / first offence may go unpunished), the
    conditions, and the document that set the list. Kept by administrators and approvers whose grant
    covers the node."""
    from zhifa.enforcement.cases.models import NoPenaltyListEntry

    if not may_keep_no_penalty_list(actor, node):
        raise Forbidden(_("Only administrators and approvers of this jurisdiction keep its no-penalty list."))
    item = _no_penalty_item(data, node)
    values = _no_penalty_fields(data)
    with transaction.atomic():
        entry = NoPenaltyListEntry(node=node, power_item=item, **values)
        entry.save(force_insert=True)
        audit_record(
            actor=actor,
            action="cases.no_penalty_list_add",
            obj=entry,
            agency_id=node.agency_id,
            summary={
                "node": node.pk,
                "power_item": item.code,
                "kind": entry.kind,
                "document": entry.document,
            },
        )
        _no_penalty_changed()
    return entry


def _locked_entry(actor: Any, entry_id: int) -> Any:
    from zhifa.enforcement.cases.models import NoPenaltyListEntry

    entry = NoPenaltyListEntry.objects.select_for_update().select_related("node").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such entry of the no-penalty list."))
    if not may_keep_no_penalty_list(actor, entry.node):
        raise Forbidden(_("Only administrators and approvers of this jurisdiction keep its no-penalty list."))
    if entry.retired_on is not None:
        raise Conflict(
            _("This entry was retired on %(date)s and no longer changes; add a new entry instead.")
            % {"date": entry.retired_on.isoformat()},
            code="entry_retired",
        )
    return entry


def no_penalty_list_update(*, actor: Any, entry_id: int, data: dict[str, Any]) -> Any:
    """Change a line in force: the power item, kind, conditions or document (fields left out keep
    their value). The audit entry keeps the text before and after."""
    with transaction.atomic():
        entry = _locked_entry(actor, entry_id)
        before = {
            "power_item_id": entry.power_item_id,
            "kind": entry.kind,
            "conditions": entry.conditions,
            "document": entry.document,
        }
        merged = {**before, **{k: v for k, v in data.items() if v is not None}}
        item = (
            _no_penalty_item(merged, entry.node)
            if str(merged["power_item_id"]).strip() != str(entry.power_item_id)
            else None
        )
        values = _no_penalty_fields(merged)
        if item is not None:
            entry.power_item = item
        for key, value in values.items():
            setattr(entry, key, value)
        after = {
            "power_item_id": entry.power_item_id,
            "kind": entry.kind,
            "conditions": entry.conditions,
            "document": entry.document,
        }
        if after == before:
            return entry
        entry.save(update_fields=["power_item", "kind", "conditions", "document"])
        audit_record(
            actor=actor,
            action="cases.no_penalty_list_update",
            obj=entry,
            agency_id=entry.node.agency_id,
            summary={"before": before, "after": after},
        )
        _no_penalty_changed()
    return entry


def no_penalty_list_retire(*, actor: Any, entry_id: int, data: dict[str, Any]) -> Any:
    """Take a line out of force (the list was revised or repealed), with the reason and the date; the
    line stays, so decisions that recorded it still show it."""
    with transaction.atomic():
        entry = _locked_entry(actor, entry_id)
        reason = fields.text(data, "reason", max_length=2000)
        on = fields.date(data, "retired_on") or timezone.localdate()
        if on > timezone.localdate():
            raise InvalidInput(
                _("The date of %(field)s cannot be in the future.") % {"field": "retired_on"},
                detail={"field": "retired_on"},
            )
        entry.is_active = False
        entry.retired_on = on
        entry.retire_reason = reason
        entry.save(update_fields=["is_active", "retired_on", "retire_reason"])
        audit_record(
            actor=actor,
            action="cases.no_penalty_list_retire",
            obj=entry,
            agency_id=entry.node.agency_id,
            summary={"retired_on": on.isoformat(), "reason": reason},
        )
        _no_penalty_changed()
    return entry
