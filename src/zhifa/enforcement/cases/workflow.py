"""The case workflow as data: which event moves a case from which state to which, who may apply it,
which date it records, what it checks and what it creates.

`services.case_apply_event` applies a row of this table through the shared engine
(`zhifa.core.workflow.apply_event`, with `services.CaseWorkflow`); the guards and effects of each event
live in `events/` under the same name. `docs/workflow.md` is drawn from this
table (`manage.py case_workflow_doc`), and the tests walk every (state, event) pair against it.

Roles: the actor needs one of `roles` on a node whose scope covers the case's agency. When `handler`
is set, an actor acting as an officer must also be one of the case's active handling officers
(承办人): another squadron's officer may see the case but not investigate it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhifa.core import workflow
from zhifa.enforcement.cases.models import OPEN_STATES, Procedure, State
from zhifa.org.roles import Role

BOTH = frozenset({Procedure.ORDINARY, Procedure.SIMPLE})
ORDINARY = frozenset({Procedure.ORDINARY})
SIMPLE = frozenset({Procedure.SIMPLE})

OFFICER = frozenset({Role.OFFICER})
APPROVER = frozenset({Role.APPROVER})
REVIEWER = frozenset({Role.LEGAL_REVIEWER})

# Between filing and execution: where handling officers can change and evidence can be preserved.
ACTIVE = frozenset(
    {
        State.INVESTIGATING,
        State.PROPOSED,
        State.LEGAL_REVIEW,
        State.NOTIFIED,
        State.HEARING_REQUESTED,
        State.DECIDED,
        State.SERVED,
    }
)
SUSPENDABLE = frozenset(OPEN_STATES - {State.EXECUTED})
TERMINABLE = frozenset(OPEN_STATES - {State.EXECUTED})

# A decision that exists: appeals, revocation and change apply to it, even once the file is archived
# (a court may revoke a decision long after the case was closed).
DECISION_STANDS = frozenset({State.DECIDED, State.SERVED, State.EXECUTED, State.CLOSED, State.ARCHIVED})
# Before a decision is carried out: a case may be transferred to the judicial organs (行政处罚法第二十七条).
TRANSFERABLE = frozenset(ACTIVE - {State.EXECUTED})

# While a case is suspended (中止) only these events apply; a transferred case stands suspended until the
# judicial organ answers, and an appeal's facts are recorded whatever the case is doing.
ALLOWED_WHILE_SUSPENDED = frozenset(
    {
        "resume",
        "terminate",
        "explain_deadline",
        "record_judicial_receipt",
        "record_judicial_answer",
        "record_appeal",
        "end_appeal",
        "revoke",
        "change",
    }
)
# Events that only apply while the case stands suspended by a transfer (the handler checks the transfer).
ONLY_WHILE_SUSPENDED = frozenset({"resume", "record_judicial_receipt", "record_judicial_answer"})
# Events whose date is the date of an outside act (an appeal filed or decided), not the case's next step:
# they may be dated before the case's last step.
# Revocation and change too: an organ's or court's decision is dated by them, and the case may have
# recorded later steps (a payment, the archive) before the decision reached the agency.
OUTSIDE_DATED = frozenset({"record_appeal", "end_appeal", "revoke", "change"})


@dataclass(frozen=True)
class Transition(workflow.Transition):
    """A row of the case table: the engine's row plus the procedures it belongs to and whether an
    officer must be one of the case's handling officers (承办人)."""

    procedures: frozenset[str] = BOTH
    handler: bool = False


T = Transition
TABLE: tuple[Transition, ...] = (
    T(
        "register",
        _("Register a lead"),
        frozenset(),
        State.REGISTERED,
        OFFICER | APPROVER,
        date_field="discovered_on",
        guards=(
            _("limitation: 2 y / 5 y, continuing acts from their end (行政处罚法第三十六条)"),
            _(
                "discovery before the 补录 window (setting): source record, flagged to supervisors (第三十六条)"
            ),
        ),
    ),
    T(
        "file",
        _("File the case"),
        frozenset({State.REGISTERED}),
        State.INVESTIGATING,
        APPROVER,
        procedures=ORDINARY,
        date_field="filed_on",
        guards=(
            _("power item of this agency, published"),
            _("≥2 handling officers with valid credentials for the item's area (行政处罚法第四十二条)"),
        ),
        creates=(_("case number"), _("deadline: decision within 90 days (行政处罚法第六十条)")),
    ),
    T(
        "decline",
        _("Decline to file"),
        frozenset({State.REGISTERED}),
        State.NOT_FILED,
        APPROVER,
        procedures=ORDINARY,
        date_field="declined_on",
        guards=(_("reason"),),
    ),
    T(
        "assign_officers",
        _("Change handling officers"),
        ACTIVE,
        None,
        APPROVER,
        procedures=ORDINARY,
        date_field="assigned_on",
        guards=(_("≥2 handling officers with valid credentials (行政处罚法第四十二条)"),),
    ),
    T(
        "record_recusal",
        _("Record a recusal decision"),
        ACTIVE,
        None,
        APPROVER,
        procedures=ORDINARY,
        date_field="decided_on",
        guards=(_("decided by the agency head; investigation continues meanwhile (行政处罚法第四十三条)"),),
    ),
    T(
        "record_preservation",
        _("Preserve evidence (先行登记保存)"),
        frozenset({State.INVESTIGATING}),
        None,
        APPROVER,
        procedures=ORDINARY,
        date_field="preserved_on",
        creates=(_("deadline: decide on preserved evidence within 7 working days (行政处罚法第五十六条)"),),
    ),
    T(
        "resolve_preservation",
        _("Decide on preserved evidence"),
        frozenset({State.INVESTIGATING, State.PROPOSED}),
        None,
        OFFICER | APPROVER,
        procedures=ORDINARY,
        handler=True,
        date_field="resolved_on",
    ),
    T(
        "submit_proposal",
        _("Submit the penalty proposal"),
        frozenset({State.INVESTIGATING, State.NOTIFIED}),
        State.PROPOSED,
        OFFICER,
        procedures=ORDINARY,
        handler=True,
        date_field="proposed_on",
        guards=(
            _("amount against the discretion tier (行政处罚法第三十二条、第三十四条)"),
            _("after a notice: a revised proposal states why and is notified again (行政处罚法第四十四条)"),
            _(
                "flags: hearing right (第六十三条), legal review (第五十八条 + catalogue), deliberation (第五十七条)"
            ),
            _("party under 14 or without capacity: refused (行政处罚法第三十条、第三十一条)"),
            _("no second fine for one act, the higher provision (行政处罚法第二十九条)"),
            _("heavier after a statement: new evidence, legal review, new notice (行政处罚法第四十五条)"),
            _("serious-case list (settings) → deliberation (行政处罚法第五十七条)"),
        ),
    ),
    T(
        "request_legal_review",
        _("Send to legal review"),
        frozenset({State.PROPOSED, State.NOTIFIED}),
        State.LEGAL_REVIEW,
        OFFICER,
        procedures=ORDINARY,
        handler=True,
        date_field="requested_on",
        guards=(_("only when required or chosen"),),
    ),
    T(
        "approve_legal_review",
        _("Pass the legal review"),
        frozenset({State.LEGAL_REVIEW}),
        None,
        REVIEWER,
        procedures=ORDINARY,
        date_field="reviewed_on",
        guards=(
            _("reviewer is not a handling officer; qualified (行政处罚法第五十八条)"),
            _("all nine checklist points satisfied"),
        ),
        targets=(State.PROPOSED, State.NOTIFIED),
    ),
    T(
        "return_legal_review",
        _("Return from legal review"),
        frozenset({State.LEGAL_REVIEW}),
        State.INVESTIGATING,
        REVIEWER,
        procedures=ORDINARY,
        date_field="reviewed_on",
        guards=(_("reviewer is not a handling officer (行政处罚法第五十八条)"), _("opinion")),
    ),
    T(
        "record_deliberation",
        _("Record the collective deliberation"),
        frozenset({State.PROPOSED, State.NOTIFIED}),
        None,
        APPROVER,
        procedures=ORDINARY,
        date_field="held_on",
        guards=(_("minutes, participants, conclusion (行政处罚法第五十七条第二款)"),),
    ),
    T(
        "approve_decision",
        _("Approve the penalty proposal (处罚决定审批表)"),
        frozenset({State.PROPOSED}),
        None,
        APPROVER,
        procedures=ORDINARY,
        date_field="approved_on",
        guards=(
            _("the agency head reviews the investigation result (行政处罚法第五十七条)"),
            _("evidence or an investigation record in the file (行政处罚法第四十条)"),
            _("legal review passed when required (行政处罚法第五十八条)"),
        ),
        creates=(_("处罚决定审批表"),),
    ),
    T(
        "notify",
        _("Notify the party (事先告知)"),
        frozenset({State.PROPOSED}),
        State.NOTIFIED,
        OFFICER,
        procedures=ORDINARY,
        handler=True,
        date_field="served_on",
        guards=(
            _("the proposal approved by the head (处罚决定审批表, 行政处罚法第四十四条、第五十七条)"),
            _("evidence in the file; the notice cites only what is in it (行政处罚法第四十条)"),
            _("legal review passed when required (行政处罚法第五十八条)"),
            _("deliberation held when required (行政处罚法第五十七条)"),
        ),
        creates=(
            _("deadline: statement period (setting)"),
            _("deadline: hearing request window, 5 working days (行政处罚法第六十四条、第八十五条)"),
        ),
    ),
    T(
        "record_statement",
        _("Record the party's statement"),
        frozenset({State.NOTIFIED}),
        None,
        OFFICER,
        procedures=ORDINARY,
        handler=True,
        date_field="stated_on",
    ),
    T(
        "request_hearing",
        _("Record a hearing request"),
        frozenset({State.NOTIFIED}),
        State.HEARING_REQUESTED,
        OFFICER,
        procedures=ORDINARY,
        handler=True,
        date_field="requested_on",
        guards=(_("hearing right; within 5 working days of the notice (行政处罚法第六十四条、第八十五条)"),),
    ),
    T(
        "hold_hearing",
        _("Record the hearing"),
        frozenset({State.HEARING_REQUESTED}),
        State.NOTIFIED,
        OFFICER | APPROVER,
        procedures=ORDINARY,
        date_field="held_on",
        guards=(
            _("presided by a non-investigator (行政处罚法第六十四条第（四）项)"),
            _("notice ≥ 7 working days before (行政处罚法第六十四条第（二）项、第八十五条)"),
            _("record"),
        ),
        creates=(_("deliberation required (行政处罚法第五十七条、第六十五条)"),),
    ),
    T(
        "waive_rights",
        _("Record a written waiver"),
        frozenset({State.NOTIFIED}),
        None,
        OFFICER,
        procedures=ORDINARY,
        handler=True,
        date_field="waived_on",
        guards=(
            _("names each right waived: statement and defence, hearing (行政处罚法第六十二条)"),
            _("the party's signed written waiver in the file as evidence"),
        ),
    ),
    T(
        "decide",
        _("Decide the penalty"),
        frozenset({State.NOTIFIED}),
        State.DECIDED,
        APPROVER,
        procedures=ORDINARY,
        date_field="decided_on",
        guards=(
            _("statement period and hearing window elapsed or waived (行政处罚法第六十二条、第六十四条)"),
            _("hearing held if requested (行政处罚法第六十五条)"),
            _("legal review passed / deliberation held when required (第五十八条、第五十七条)"),
            _("evidence in the file; the decision records what it cites (行政处罚法第四十条)"),
            _("amount against the tier (第三十二条、第三十四条)"),
            _("not heavier than notified (第四十五条)"),
            _("within 90 days + extensions + suspensions (第六十条)"),
            _("under 14 / incapable: refused; 14–17: lighter or reduced (第三十条、第三十一条)"),
            _("no second fine for one act (第二十九条)"),
        ),
        creates=(_("decision number"), _("deadline: service within 7 working days (行政处罚法第六十一条)")),
    ),
    T(
        "decide_no_penalty",
        _("Decide not to impose a penalty"),
        frozenset({State.INVESTIGATING, State.PROPOSED, State.NOTIFIED}),
        State.CLOSED,
        APPROVER,
        procedures=ORDINARY,
        date_field="decided_on",
        guards=(
            _(
                "ground from the closed list (行政处罚法第三十条、第三十一条、第三十三条、第三十六条、第五十七条)"
            ),
            _(
                "evidence or 笔录 in the file supporting the ground (第四十条、第五十七条); under 14: age on record"
            ),
            _("under 14 / incapacity: order to the guardian (第三十条、第三十一条)"),
            _("首违不罚 only without an earlier penalty for the same kind of act (第三十三条)"),
            _("within 90 days (第六十条)"),
        ),
        creates=(_("decision number (不予行政处罚决定书)"),),
    ),
    T(
        "decide_on_spot",
        _("Decide on the spot"),
        frozenset({State.REGISTERED}),
        State.DECIDED,
        OFFICER,
        procedures=SIMPLE,
        date_field="decided_on",
        guards=(
            _("party identified (name, identity document number); act, place and day recorded (第五十二条)"),
            _("warning, or fine ≤ ¥200 person / ≤ ¥3,000 organisation (行政处罚法第五十一条)"),
            _("≥2 officers with valid credentials unless a law says otherwise (第四十二条)"),
            _(
                "under 14 / incapable: refused; 14–17: lighter (第三十条、第三十一条); one fine per act (第二十九条)"
            ),
        ),
        creates=(_("case and decision numbers"), _("deadline: report to the agency (第五十二条)")),
    ),
    T(
        "serve",
        _("Serve the decision"),
        frozenset({State.DECIDED}),
        None,
        OFFICER,
        procedures=BOTH,
        handler=True,
        date_field="served_on",
        guards=(
            _("on the spot: handed over at once (行政处罚法第五十二条)"),
            _("electronic only with the party's consent (行政处罚法第六十一条第二款)"),
            _("late (> 7 working days) is recorded and alerted (第六十一条)"),
        ),
        creates=(_("deadline: payment within 15 days (行政处罚法第六十七条)"),),
        targets=(State.SERVED, State.EXECUTED),
    ),
    T(
        "record_payment",
        _("Record a payment"),
        frozenset({State.SERVED}),
        None,
        OFFICER | APPROVER,
        procedures=BOTH,
        handler=True,
        date_field="paid_on",
        guards=(
            _("bank or e-payment; on the spot only ≤ ¥100 (行政处罚法第六十七条、第六十八条)"),
            _("late surcharge 3 %/day capped at the fine (行政处罚法第七十二条)"),
        ),
        targets=(State.SERVED, State.EXECUTED),
    ),
    T(
        "approve_deferral",
        _("Approve deferred or instalment payment"),
        frozenset({State.SERVED}),
        None,
        APPROVER,
        procedures=BOTH,
        date_field="approved_on",
        guards=(_("on the party's application, with reason (行政处罚法第六十六条第二款)"),),
        creates=(_("payment deadline moved"),),
    ),
    T(
        "serve_reminder",
        _("Serve a payment reminder (催告书)"),
        frozenset({State.SERVED}),
        None,
        OFFICER,
        procedures=ORDINARY,
        handler=True,
        date_field="served_on",
        guards=(_("after the payment period (行政强制法第三十五条、第五十四条)"),),
    ),
    T(
        "apply_court_enforcement",
        _("Apply for court enforcement"),
        frozenset({State.SERVED}),
        State.EXECUTED,
        APPROVER,
        procedures=ORDINARY,
        date_field="applied_on",
        guards=(
            _("reminder served ≥ 10 working days before (行政强制法第五十四条)"),
            _("after the party's time to sue, within 3 months (行政强制法第五十三条)"),
        ),
    ),
    T(
        "report_to_agency",
        _("Report the on-the-spot decision to the agency"),
        frozenset({State.DECIDED, State.SERVED, State.EXECUTED}),
        None,
        OFFICER,
        procedures=SIMPLE,
        handler=True,
        date_field="reported_on",
    ),
    T(
        "report_closing",
        _("Write the closing report (结案报告)"),
        frozenset({State.EXECUTED}),
        None,
        OFFICER,
        procedures=BOTH,
        handler=True,
        date_field="written_on",
        guards=(_("summary of the case and its execution"),),
        creates=(_("结案报告"),),
    ),
    T(
        "close",
        _("Approve closing (结案审批表)"),
        frozenset({State.EXECUTED}),
        State.CLOSED,
        APPROVER,
        procedures=BOTH,
        date_field="closed_on",
        guards=(
            _("the officers' closing report (结案报告) (行政处罚法第五十七条、第四十七条)"),
            _("on-the-spot decision reported (行政处罚法第五十二条)"),
        ),
        creates=(_("结案审批表"),),
    ),
    T(
        "archive",
        _("Archive the file"),
        frozenset({State.CLOSED, State.TERMINATED, State.NOT_FILED}),
        State.ARCHIVED,
        OFFICER | APPROVER,
        procedures=BOTH,
        handler=True,
        date_field="archived_on",
        guards=(
            _("closing approved by the head, or the case terminated / not filed by the head"),
            _("items dated before the decision but entered after it: explained (行政处罚法第四十七条)"),
            _("every deadline met or explained"),
            _("archive checks of other apps (dossier complete, AV records) (行政处罚法第四十七条)"),
        ),
    ),
    T(
        "suspend",
        _("Suspend the case (中止)"),
        SUSPENDABLE,
        None,
        APPROVER,
        procedures=BOTH,
        date_field="suspended_on",
        guards=(_("reason"),),
    ),
    T(
        "resume",
        _("Resume the case"),
        SUSPENDABLE,
        None,
        APPROVER,
        procedures=BOTH,
        date_field="resumed_on",
        creates=(_("deadlines moved by the suspended time"),),
    ),
    T(
        "extend_deadline",
        _("Extend the decision deadline"),
        frozenset(
            {State.INVESTIGATING, State.PROPOSED, State.LEGAL_REVIEW, State.NOTIFIED, State.HEARING_REQUESTED}
        ),
        None,
        APPROVER,
        procedures=ORDINARY,
        date_field="approved_on",
        guards=(
            _("approved before the deadline passes (行政处罚法第六十条)"),
            _("reason, days; cites its rule, within its cap (setting)"),
            _("a further extension: collective deliberation; at most the number the rule allows"),
        ),
    ),
    T(
        "explain_deadline",
        _("Explain a missed deadline"),
        frozenset(OPEN_STATES | {State.CLOSED, State.TERMINATED}),
        None,
        APPROVER,
        procedures=BOTH,
        guards=(_("explanation"),),
    ),
    T(
        "terminate",
        _("Terminate the case"),
        TERMINABLE,
        State.TERMINATED,
        APPROVER,
        procedures=BOTH,
        date_field="terminated_on",
        guards=(
            _("reason (e.g. referred to the judicial authorities, 行政处罚法第五十七条第一款第（四）项)"),
        ),
    ),
)

TABLE += (
    T(
        "record_appeal",
        _("Record an appeal against the decision"),
        DECISION_STANDS,
        None,
        APPROVER,
        procedures=BOTH,
        date_field="filed_on",
        guards=(_("reconsideration or lawsuit, organ, date (行政处罚法第七十三条)"),),
        creates=(
            _("surcharge paused (行政处罚法第七十三条第三款)"),
            _("court window shut until the appeal ends (行政强制法第五十三条)"),
        ),
    ),
    T(
        "end_appeal",
        _("Record the end of an appeal"),
        DECISION_STANDS,
        None,
        APPROVER,
        procedures=BOTH,
        date_field="ended_on",
        guards=(_("a pending appeal; its result"),),
        creates=(_("surcharge runs again; court window from the appeal's end (行政强制法第五十三条)"),),
    ),
    T(
        "revoke",
        _("Revoke the decision"),
        DECISION_STANDS,
        None,
        APPROVER,
        procedures=BOTH,
        date_field="revoked_on",
        guards=(_("by the agency, on reconsideration or by a court; reason and basis"),),
        creates=(
            _("payment deadlines moot; paid amount to refund"),
            _("published decision withdrawn within 3 working days (行政处罚法第四十八条)"),
        ),
        # 撤销/确认无效 close an open case; 确认违法 leaves the decision, and the case, where they stand
        targets=(State.DECIDED, State.SERVED, State.EXECUTED, State.CLOSED, State.ARCHIVED),
    ),
    T(
        "change",
        _("Change the decision"),
        DECISION_STANDS,
        None,
        APPROVER,
        procedures=BOTH,
        date_field="changed_on",
        guards=(
            _("by the agency, on reconsideration or by a court; reason and basis"),
            _("not heavier (行政复议法第六十三条第二款、行政诉讼法第七十七条第二款)"),
        ),
        creates=(_("published decision withdrawn within 3 working days (行政处罚法第四十八条)"),),
        targets=(State.DECIDED, State.SERVED, State.EXECUTED, State.CLOSED, State.ARCHIVED),
    ),
    T(
        "transfer_to_judicial",
        _("Transfer to the judicial organs (涉嫌犯罪移送)"),
        TRANSFERABLE,
        None,
        APPROVER,
        procedures=ORDINARY,
        date_field="transferred_on",
        guards=(_("organ, 移送书 number, suspected crime (行政处罚法第二十七条)"),),
        creates=(_("case suspended until the answer"), _("paid fine recorded for credit (第三十五条第二款)")),
        documents=(_("涉嫌犯罪案件移送书"),),
    ),
    T(
        "record_judicial_receipt",
        _("Record the judicial organ's receipt"),
        TRANSFERABLE,
        None,
        OFFICER | APPROVER,
        procedures=ORDINARY,
        handler=True,
        date_field="received_on",
        guards=(_("a pending transfer"),),
    ),
    T(
        "record_judicial_answer",
        _("Record the judicial organ's answer"),
        TRANSFERABLE,
        None,
        APPROVER,
        procedures=ORDINARY,
        date_field="answered_on",
        guards=(_("accepted: the case ends; declined or returned: it resumes (行政处罚法第二十七条)"),),
        targets=(*sorted(TRANSFERABLE), State.TERMINATED),
    ),
    T(
        "hand_in_cash",
        _("Hand in cash collected on the spot"),
        frozenset({State.SERVED, State.EXECUTED, State.CLOSED}),
        None,
        OFFICER | APPROVER,
        procedures=BOTH,
        handler=True,
        date_field="handed_in_on",
        guards=(_("within 2 working days of collection (行政处罚法第七十一条)"),),
    ),
)

CASE_TABLE = workflow.Table(State.values, TABLE)
BY_EVENT: dict[str, Transition] = {t.event: t for t in TABLE}
EVENT_NAMES: tuple[str, ...] = tuple(t.event for t in TABLE)


def transition(event: str) -> Transition | None:
    return BY_EVENT.get(event)


def applicable(t: Transition, *, state: str, procedure: str, suspended: bool) -> bool:
    """Does the table allow `t` from this state (before any role check)?"""
    if procedure not in t.procedures or state not in t.sources:
        return False
    if suspended:
        return t.event in ALLOWED_WHILE_SUSPENDED
    return t.event not in ONLY_WHILE_SUSPENDED


def events_from(state: str, *, procedure: str, suspended: bool = False) -> list[Transition]:
    return list(_events_from(state, procedure, suspended))


@functools.cache
def _events_from(state: str, procedure: str, suspended: bool) -> tuple[Transition, ...]:
    # The table is fixed: a case read asks this on every view (allowed_events), ~40 checks each.
    return tuple(t for t in TABLE if applicable(t, state=state, procedure=procedure, suspended=suspended))
