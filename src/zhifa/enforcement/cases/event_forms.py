"""One form per workflow event on the case page: which fields each event asks for, how to render them
and how to read a POST back into the payload `case_apply_event` takes. Choices that depend on the case
(its agency's officers and power items, the item's tiers) are filled per case, in a fixed number of
queries for the whole page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.enforcement.cases.models import (
    Case,
    DeadlineKind,
    PaymentChannel,
    ServiceMethod,
)
from zhifa.law import penalty as law


@dataclass(frozen=True)
class F:
    name: str
    label: str | Promise
    kind: str = "text"  # text, textarea, date, money, int, bool, select, multi, checklist
    required: bool = False
    choices: str | tuple[tuple[str, str | Promise], ...] = ()  # a tuple, or the name of a per-case source
    help: str | Promise = ""


MEASURES = (
    ("warning", _("Warning")),
    ("fine", _("Fine")),
    ("confiscation", _("Confiscation")),
    ("suspension", _("Suspension or closure")),
    ("revocation", _("Revocation of a licence")),
    ("other", _("Other")),
)
MITIGATION = (
    ("", "—"),
    ("minor", _("Minor aged 14 to 18 (art. 30)")),
    ("limited_capacity", _("Limited capacity (art. 31)")),
    ("remedied", _("Removed or reduced the harm (art. 32 (1))")),
    ("coerced", _("Coerced or deceived (art. 32 (2))")),
    ("confessed", _("Confessed unknown violations (art. 32 (3))")),
    ("meritorious", _("Meritorious cooperation (art. 32 (4))")),
    ("other_law", _("Other statutory ground (art. 32 (5))")),
)
NO_PENALTY = (
    ("minor_corrected", _("Minor, promptly corrected, no harm (art. 33)")),
    ("first_offence", _("First minor violation, corrected (art. 33)")),
    ("no_fault", _("No fault proven (art. 33)")),
    ("facts_not_established", _("Facts not established (art. 57)")),
    ("under_age", _("Under 14 (art. 30)")),
    ("incapacity", _("Incapacity (art. 31)")),
    ("limitation", _("Limitation period passed (art. 36)")),
)
CHECKLIST_LABELS = {
    "authority": _("The agency has the authority"),
    "officers_qualified": _("The officers are qualified"),
    "procedure": _("The procedure is lawful"),
    "facts_clear": _("The facts are clear"),
    "evidence_sufficient": _("The evidence is lawful and sufficient"),
    "law_applied": _("The law is applied correctly"),
    "discretion": _("Discretion is used properly"),
    "within_power": _("Within the agency's statutory powers"),
    "documents": _("The documents are complete and proper"),
}
REQUESTED_BY = (("party", _("The party")), ("officer", _("The officer")), ("agency", _("The agency")))
RIGHTS = (("statement", _("Statement and defence")), ("hearing", _("Hearing")))
CASH_GROUNDS = (
    ("", "—"),
    ("hard_to_enforce", _("Hard to enforce later (art. 68 (2))")),
    ("remote_area", _("Remote area (art. 69)")),
)

OFFICERS = "officers"
CASE_OFFICERS = "case_officers"
POWER_ITEMS = "power_items"
TIERS = "tiers"
CASE_EVIDENCE = "case_evidence"
CHECKLIST_ANSWERS = (("yes", _("Yes")), ("no", _("No")))

EVENT_FIELDS: dict[str, tuple[F, ...]] = {
    "file": (
        F("officer_ids", _("Handling officers (at least two)"), "multi", True, OFFICERS),
        F("power_item_id", _("Power item"), "select", True, POWER_ITEMS),
        F("filed_on", _("Filed on"), "date"),
    ),
    "decline": (F("reason", _("Reason"), "textarea", True), F("declined_on", _("Date"), "date")),
    "assign_officers": (
        F("officer_ids", _("Handling officers (at least two)"), "multi", True, OFFICERS),
        F("reason", _("Reason"), "text"),
        F("assigned_on", _("Date"), "date"),
    ),
    "record_recusal": (
        F("officer_id", _("Officer"), "select", True, CASE_OFFICERS),
        F("requested_by", _("Requested by"), "select", True, REQUESTED_BY),
        F("granted", _("Recusal granted"), "bool"),
        F("reason", _("Reason"), "textarea", True),
        F("decided_on", _("Decided on"), "date"),
    ),
    "record_preservation": (
        F("items", _("Items preserved"), "textarea", True),
        F("preserved_on", _("Preserved on"), "date"),
    ),
    "resolve_preservation": (
        F("decision", _("Decision on the items"), "textarea", True),
        F("resolved_on", _("Date"), "date"),
    ),
    "submit_proposal": (
        F("power_item_id", _("Power item"), "select", True, POWER_ITEMS),
        F("tier", _("Discretion tier"), "select", False, TIERS),
        F("measures", _("Measures"), "multi", True, MEASURES),
        F("fine_amount", _("Fine (yuan)"), "money"),
        F("base_amount", _("Base amount (yuan), for fines set as a percentage of a cost"), "money"),
        F("confiscation_value", _("Value to confiscate (yuan)"), "money"),
        F("reasons", _("Facts, evidence and reasons"), "textarea", True),
        F("discretion_reason", _("Reason for departing from the tier"), "textarea"),
        F("mitigation_ground", _("Mitigation ground"), "select", False, MITIGATION),
        F("complex_case", _("Complex or serious: collective deliberation (art. 57)"), "bool"),
        F("difficult_case", _("Difficult, several legal relations (art. 58 (3))"), "bool"),
        F("major_public_interest", _("Major public interest (art. 58 (1))"), "bool"),
        F("review_required_by_law", _("Legal review required by law (art. 58 (4))"), "bool"),
        F("hearing_offered", _("Offer a hearing: other heavy penalty (art. 63)"), "bool"),
        F("revision_reason", _("Why the proposal is revised after the notice"), "textarea"),
    ),
    "request_legal_review": (),
    "approve_legal_review": (
        F("checklist", _("Checklist"), "checklist"),
        F("opinion", _("Opinion"), "textarea", True),
        F("reviewed_on", pgettext_lazy("legal review", "Reviewed on"), "date"),
    ),
    "return_legal_review": (
        F("checklist", _("Checklist"), "checklist"),
        F("opinion", _("Opinion"), "textarea", True),
        F("reviewed_on", pgettext_lazy("legal review", "Reviewed on"), "date"),
    ),
    "record_deliberation": (
        F("participants", _("Participants (separated by 、)"), "text", True),
        F("minutes", _("Minutes"), "textarea", True),
        F("conclusion", _("Conclusion"), "text", True),
        F("held_on", _("Held on"), "date"),
    ),
    "approve_decision": (
        F("opinion", _("Approval opinion"), "textarea"),
        F("approved_on", _("Approved on"), "date"),
    ),
    "notify": (F("served_on", _("Notice reached the party on"), "date"),),
    "record_statement": (
        F("content", _("What the party stated"), "textarea", True),
        F("review", _("Review of the statement"), "textarea"),
        F("stated_on", _("Stated on"), "date"),
    ),
    "request_hearing": (F("requested_on", _("Requested on"), "date"),),
    "hold_hearing": (
        F("presided_by", _("Presided by (not an investigator)"), "select", True, OFFICERS),
        F("notice_served_on", _("Hearing notice served on"), "date", True),
        F("held_on", _("Held on"), "date"),
        F("record", _("Hearing record"), "textarea", True),
        F("party_absent", _("The party did not attend without good reason"), "bool"),
    ),
    "waive_rights": (
        F("rights", _("Rights waived (tick each one the party waives)"), "multi", True, RIGHTS),
        F(
            "evidence_id",
            _("The party's signed waiver (evidence)"),
            "select",
            True,
            CASE_EVIDENCE,
            help=_("Upload the signed waiver to the file first; it is then chosen here."),
        ),
        F("waived_on", _("Waived on"), "date"),
    ),
    "decide": (
        F("measures", _("Measures"), "multi", False, MEASURES),
        F("fine_amount", _("Fine (yuan)"), "money"),
        F("reasons", _("Reasons"), "textarea"),
        F("discretion_reason", _("Reason for departing from the tier"), "textarea"),
        F("mitigation_ground", _("Mitigation ground"), "select", False, MITIGATION),
        F("decided_on", _("Decided on"), "date"),
    ),
    "decide_no_penalty": (
        F("ground", _("Ground"), "select", True, NO_PENALTY),
        F("reason", _("Reason"), "textarea", True),
        F("decided_on", _("Decided on"), "date"),
    ),
    "decide_on_spot": (
        F("officer_ids", _("Officers"), "multi", True, OFFICERS),
        F("power_item_id", _("Power item"), "select", True, POWER_ITEMS),
        F("measures", _("Measures"), "multi", True, MEASURES[:2]),
        F("fine_amount", _("Fine (yuan)"), "money"),
        F("reasons", _("Reasons"), "textarea", True),
        F("decided_on", _("Decided on"), "date"),
    ),
    "serve": (
        F("method", _("Method"), "select", True, tuple(ServiceMethod.choices)),
        F("served_on", _("Served on"), "date"),
        F("receipt", _("Proof of service"), "text"),
        F("consent", _("The party consented to electronic service in writing"), "bool"),
    ),
    "record_payment": (
        F("amount", _("Amount (yuan)"), "money", True),
        F("paid_on", _("Paid on"), "date"),
        F("channel", _("Channel"), "select", True, tuple(PaymentChannel.choices)),
        F("receipt_no", _("Receipt number"), "text", True),
        F("cash_ground", _("Ground for on-the-spot collection"), "select", False, CASH_GROUNDS),
    ),
    "approve_deferral": (
        F("days", _("Days of deferral"), "int", True),
        F("reason", _("Reason"), "textarea", True),
        F("instalments", _("In instalments"), "bool"),
        F("approved_on", _("Approved on"), "date"),
    ),
    "serve_reminder": (F("served_on", _("Reminder served on"), "date"),),
    "apply_court_enforcement": (
        F("court", _("Court"), "text", True),
        F("applied_on", _("Applied on"), "date"),
    ),
    "report_to_agency": (F("reported_on", _("Reported on"), "date"),),
    "report_closing": (
        F("summary", _("Closing report"), "textarea", True),
        F("written_on", _("Written on"), "date"),
    ),
    "close": (F("opinion", _("Approval opinion"), "textarea"), F("closed_on", _("Closed on"), "date")),
    "archive": (
        F(
            "late_entries_explanation",
            _("Why records dated before the decision entered the file after it"),
            "textarea",
            help=_("Only when the file holds such records; the archive names them."),
        ),
        F("archived_on", _("Archived on"), "date"),
    ),
    "suspend": (F("reason", _("Reason"), "textarea", True), F("suspended_on", _("Suspended on"), "date")),
    "resume": (F("reason", _("Reason"), "textarea"), F("resumed_on", _("Resumed on"), "date")),
    "extend_deadline": (
        F("days", _("Days"), "int", True),
        F("reason", _("Reason"), "textarea", True),
        F("approved_on", _("Approved on"), "date"),
    ),
    "explain_deadline": (
        F("kind", _("Deadline"), "select", True, tuple(DeadlineKind.choices)),
        F("explanation", _("Explanation"), "textarea", True),
    ),
    "terminate": (
        F("reason", _("Reason"), "textarea", True),
        F("terminated_on", _("Terminated on"), "date"),
    ),
}


@dataclass
class CaseChoices:
    """Per-case choice lists, loaded once for all the forms of a page."""

    officers: list[tuple[str, str]] = field(default_factory=list)
    case_officers: list[tuple[str, str]] = field(default_factory=list)
    power_items: list[tuple[str, str]] = field(default_factory=list)
    tiers: list[tuple[str, str]] = field(default_factory=list)
    case_evidence: list[tuple[str, str]] = field(default_factory=list)

    def get(self, source: str) -> list[tuple[str, str]]:
        values: list[tuple[str, str]] = getattr(self, source)
        return values


def choices_for(case: Case) -> CaseChoices:
    from zhifa.officers.models import Officer
    from zhifa.powers.models import Category, PowerItem

    officers = Officer.objects.filter(agency_id=case.agency_id, is_active=True).order_by("name")
    items = (
        PowerItem.objects.filter(status=PowerItem.Status.ACTIVE, published_version__category=Category.PENALTY)
        .filter(agency_id=case.agency_id)
        .select_related("published_version")
        .order_by("code")
    )
    tiers: list[tuple[str, str]] = [("", "—")]
    if case.power_version is not None:
        tiers += [(t.name, t.name) for t in case.power_version.tiers.all().order_by("position")]
    from zhifa.enforcement.cases import hooks

    evidence = [
        (i.ref.split(":", 1)[1], f"{i.label} {i.description}".strip()[:80])
        for i in hooks.file_items(case)
        if i.ref.startswith("evidence:")
    ]
    return CaseChoices(
        case_evidence=evidence,
        officers=[(str(o.pk), o.name) for o in officers],
        case_officers=[
            (str(co.officer_id), co.officer.name) for co in case.officers.all() if co.removed_on is None
        ],
        power_items=[
            (str(i.pk), f"{i.code} {i.published_version.name if i.published_version else ''}") for i in items
        ],
        tiers=tiers,
    )


def render_fields(
    event: str, choices: CaseChoices, *, values: dict[str, Any], case: Case
) -> list[dict[str, Any]]:
    out = []
    for f in EVENT_FIELDS.get(event, ()):
        options = choices.get(f.choices) if isinstance(f.choices, str) and f.choices else list(f.choices)
        value = values.get(f.name)
        if value is None:
            value = _default(f, case)
        selected = value if isinstance(value, list) else [str(value)] if value not in (None, "") else []
        out.append(
            {
                "name": f.name,
                "label": f.label,
                "kind": f.kind,
                "required": f.required,
                "options": [(str(v), str(label)) for v, label in options],
                "value": "" if isinstance(value, list) else value,
                "selected": [str(s) for s in selected],
                "checklist": _checklist_rows(values) if f.kind == "checklist" else [],
                "answers": CHECKLIST_ANSWERS,
                "help": f.help,
            }
        )
    return out


def _checklist_rows(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Each point with the answer and note given so far — none is answered in advance (第五十八条)."""
    answers = values.get("checklist") if isinstance(values.get("checklist"), dict) else {}
    notes = values.get("checklist_notes") if isinstance(values.get("checklist_notes"), dict) else {}
    assert isinstance(answers, dict) and isinstance(notes, dict)
    rows = []
    for k in law.LEGAL_REVIEW_CHECKLIST:
        answer = answers.get(k)
        rows.append(
            {
                "key": k,
                "label": CHECKLIST_LABELS[k],
                "answer": "yes" if answer is True else "no" if answer is False else "",
                "note": notes.get(k, ""),
            }
        )
    return rows


def _default(f: F, case: Case) -> Any:
    if f.name == "power_item_id" and case.power_item_id:
        return str(case.power_item_id)
    if f.name == "tier":
        return case.tier_name
    if f.name == "fine_amount" and (case.proposed_fine or case.notified_fine):
        return str(case.notified_fine or case.proposed_fine)
    if f.name == "measures" and case.notified_measures:
        return list(case.notified_measures)
    if f.name == "amount" and case.fine_amount:
        return str(case.fine_amount)
    if f.name == "officer_ids":
        return [str(co.officer_id) for co in case.officers.all() if co.removed_on is None]
    return None


def parse(event: str, post: QueryDict) -> dict[str, Any]:
    """Form fields → the service payload (the service validates and explains every problem)."""
    data: dict[str, Any] = {}
    for f in EVENT_FIELDS.get(event, ()):
        if f.kind == "multi":
            data[f.name] = post.getlist(f.name)
        elif f.kind == "bool":
            data[f.name] = post.get(f.name) in ("on", "true", "1")
        elif f.kind == "checklist":
            # A point not answered stays out: the service refuses an incomplete checklist.
            answers = {k: post.get(f"checklist_{k}", "") for k in law.LEGAL_REVIEW_CHECKLIST}
            data[f.name] = {k: v == "yes" for k, v in answers.items() if v in ("yes", "no")}
            data["checklist_notes"] = {
                k: post.get(f"checklist_note_{k}", "").strip()
                for k in law.LEGAL_REVIEW_CHECKLIST
                if post.get(f"checklist_note_{k}", "").strip()
            }
        else:
            value = post.get(f.name, "")
            if value != "":
                data[f.name] = value
    return data
