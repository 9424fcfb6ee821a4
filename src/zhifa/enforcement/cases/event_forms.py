"""One form per workflow event on the case page: which fields each event asks for, how to render them
and how to read a POST back into the payload `case_apply_event` takes. Choices that depend on the case
(its agency's officers and power items, the item's tiers) are filled per case, each list once for the
whole page and only if one of its forms asks for it (`CaseChoices`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.enforcement.cases.models import (
    Case,
    DeadlineKind,
    PartyKind,
    PaymentChannel,
    ServiceMethod,
)
from zhifa.enforcement.cases.party import party_complete
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
    ("circular", _("Public reprimand (通报批评)")),
    ("fine", _("Fine")),
    ("confiscation", _("Confiscation")),
    ("suspension", _("Suspension or closure")),
    ("revocation", _("Revocation of a licence")),
    ("other", _("Other")),
)
CHALLENGE_DECISIONS = (("", "—"), ("refused", _("Recusal refused")), ("granted", _("Recusal granted")))
APPEAL_KINDS = (
    ("reconsideration", _("Reconsideration (行政复议)")),
    ("litigation", _("Lawsuit (行政诉讼)")),
)
BY_CHOICES = (
    ("agency", _("The agency itself")),
    ("reconsideration", _("The reconsideration organ")),
    ("court", _("A court")),
)
REVOKE_OUTCOMES = (
    ("revoked", _("Revoked (撤销)")),
    ("confirmed_void", _("Confirmed void (确认无效)")),
    ("confirmed_illegal", _("Confirmed unlawful, left standing (确认违法)")),
)
JUDICIAL_ANSWERS = (
    ("accepted", _("Accepted for criminal investigation: the case ends")),
    ("declined", _("Declined: the case resumes")),
    ("returned", _("Returned for an administrative penalty: the case resumes")),
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
CAPACITY = (
    ("", "—"),
    ("full", _("Full capacity")),
    ("limited", _("Capacity not entirely lost (art. 31: may be lighter)")),
    ("none", _("Could not recognise or control the act (art. 31: no penalty)")),
    ("lucid_interval", _("Intermittent illness, acted while lucid (art. 31: penalised)")),
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
EVIDENCE = "evidence"
CASE_EVIDENCE = "case_evidence"
CHECKLIST_ANSWERS = (("yes", _("Yes")), ("no", _("No")))

EVENT_FIELDS: dict[str, tuple[F, ...]] = {
    "file": (
        # Shown only while the lead's party is not identified (a lead may be registered without it).
        F("party_kind", _("Party kind"), "select", True, tuple(PartyKind.choices)),
        F("party_name", _("Party name"), "text", True),
        F("party_id_number", _("Party ID number (resident ID or unified social credit code)"), "text", True),
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
        F(
            "new_evidence_ids",
            _("New evidence recorded after the notice (a heavier revision, art. 45)"),
            "multi",
            False,
            EVIDENCE,
        ),
        F(
            "concurrent_power_item_ids",
            _("The same act also breaks (art. 29: the higher fine applies)"),
            "multi",
            False,
            POWER_ITEMS,
        ),
        F("party_capacity", _("Party's capacity as found (art. 31)"), "select", False, CAPACITY),
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
        F("record_signed", _("The party signed or sealed the hearing record"), "bool"),
        F("signature_refusal", _("If not signed: the refusal as noted in the record"), "text"),
        F("presider_challenged", _("The party asked the presider to step aside"), "bool"),
        F("challenge_decision", _("Decision on that request"), "select", False, CHALLENGE_DECISIONS),
    ),
    "waive_rights": (
        F("rights", _("Rights waived (tick each one the party waives)"), "multi", True, RIGHTS),
        F(
            "document",
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
        F("leniency_reason", _("How the penalty was made lighter for a minor (art. 30)"), "textarea"),
        F("decided_on", _("Decided on"), "date"),
    ),
    "decide_no_penalty": (
        F("ground", _("Ground"), "select", True, NO_PENALTY),
        F("reason", _("Reason"), "textarea", True),
        F(
            "guardian_order",
            _("Order to the guardian (under 14 or incapacity, arts. 30 and 31)"),
            "textarea",
        ),
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
        F(
            "received_on",
            _("By post: date of receipt on the return receipt"),
            "date",
            help=_("Service by post counts from this date."),
        ),
        F("witnesses", _("Left at the residence: witnesses (separate names with 、)"), "text"),
        F("video_record", _("Left at the residence: photo or video record made"), "bool"),
        F(
            "failed_attempts",
            _("By announcement: what was tried and why it failed"),
            "textarea",
            help=_(
                "The decision counts as served 30 days after the announcement; enter the announcement date above."
            ),
        ),
    ),
    "record_payment": (
        F("amount", _("Amount (yuan)"), "money", True),
        F("paid_on", _("Paid on"), "date"),
        F("channel", _("Channel"), "select", True, tuple(PaymentChannel.choices)),
        F("receipt_no", _("Receipt number"), "text", True),
        F("cash_ground", _("Ground for on-the-spot collection"), "select", False, CASH_GROUNDS),
        F("landed_on", _("Collected on the water: landed on"), "date"),
    ),
    "approve_deferral": (
        F("applied_on", _("The party applied on"), "date", True),
        F("application", _("What the party's application says"), "textarea", True),
        F("reason", _("Reason for approval"), "textarea", True),
        F("deferred_to", _("Deferral: new last day of payment"), "date"),
        F(
            "schedule",
            _("Instalments: one per line, “YYYY-MM-DD amount”"),
            "textarea",
            help=_("Give either a new last day or an instalment schedule covering what is owed."),
        ),
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
        F("rule", _("Rule allowing the extension (art. 60)"), "text", True),
        F("approved_on", _("Approved on"), "date"),
        F("deliberated_on", _("Collective deliberation held on (further extension)"), "date"),
        F("deliberation_minutes", _("Deliberation minutes (further extension)"), "textarea"),
    ),
    "explain_deadline": (
        F("kind", _("Deadline"), "select", True, tuple(DeadlineKind.choices)),
        F("explanation", _("Explanation"), "textarea", True),
    ),
    "terminate": (
        F("reason", _("Reason"), "textarea", True),
        F("terminated_on", _("Terminated on"), "date"),
    ),
    "record_appeal": (
        F("kind", _("Kind"), "select", True, APPEAL_KINDS),
        F("organ", _("Reconsideration organ or court"), "text", True),
        F("reference", _("Application or case number"), "text", True),
        F("filed_on", _("Applied or sued on"), "date"),
    ),
    "end_appeal": (
        F("reference", _("Application or case number"), "text", True),
        F("result", _("Result"), "text", True),
        F("ended_on", _("Ended on"), "date"),
    ),
    "revoke": (
        F("by", _("Revoked by"), "select", True, BY_CHOICES),
        F("outcome", _("Outcome for the decision"), "select", False, REVOKE_OUTCOMES),
        F("reason", _("Reason"), "textarea", True),
        F("basis", _("Legal basis"), "text"),
        F("reference", _("Number of the reconsideration decision or judgment"), "text"),
        F("revoked_on", _("Revoked on"), "date"),
    ),
    "change": (
        F("by", _("Changed by"), "select", True, BY_CHOICES),
        F("measures", _("Measures"), "multi", False, MEASURES),
        F("fine_amount", _("Fine (yuan)"), "money"),
        F("reason", _("Reason"), "textarea", True),
        F("basis", _("Legal basis"), "text"),
        F("reference", _("Number of the reconsideration decision or judgment"), "text"),
        F("changed_on", _("Changed on"), "date"),
    ),
    "transfer_to_judicial": (
        F("organ", _("Judicial organ"), "text", True),
        F("document_number", _("Number of the transfer letter (移送书)"), "text", True),
        F("suspicion", _("Facts suggesting a crime"), "textarea", True),
        F("transferred_on", _("Transferred on"), "date"),
    ),
    "record_judicial_receipt": (
        F("received_by", _("Receiving officer"), "text", True),
        F("received_on", _("Received on"), "date"),
    ),
    "record_judicial_answer": (
        F("answer", _("Answer"), "select", True, JUDICIAL_ANSWERS),
        F("note", _("Note"), "textarea"),
        F("answered_on", _("Answered on"), "date"),
    ),
    "hand_in_cash": (
        F("handed_in_to", _("Handed in to"), "text", True),
        F("handed_in_on", _("Handed in on"), "date"),
    ),
}


class CaseChoices:
    """Per-case choice lists for all the forms of a page, each loaded the first time a field asks for
    it and then kept. Most steps need none of them (a served or closed case's forms ask for dates and
    notes): loading the agency's whole power catalogue with its discretion tiers for every case page
    was ~40 % of the CPU of such a page (docs/benchmarks.md, "Issue 22, twelfth session"). Tiers carry
    the item they belong to (`tier_rows`), so the tier list follows the item chosen in the same form."""

    def __init__(self, case: Case) -> None:
        self.case = case

    def get(self, source: str) -> list[tuple[str, str]]:
        if source not in CHOICE_SOURCES:
            raise KeyError(source)
        values: list[tuple[str, str]] = getattr(self, source)
        return values

    @cached_property
    def _items(self) -> list[dict[str, Any]]:
        from zhifa.powers.selectors import item_picker

        return item_picker(agency_ids=[self.case.agency_id])

    @cached_property
    def officers(self) -> list[tuple[str, str]]:
        from zhifa.officers.selectors import officer_choices

        return [(str(o.id), o.name) for o in officer_choices(self.case.agency_id)]

    @cached_property
    def case_officers(self) -> list[tuple[str, str]]:
        return [
            (str(co.officer_id), co.officer.name) for co in self.case.officers.all() if co.removed_on is None
        ]

    @cached_property
    def power_items(self) -> list[tuple[str, str]]:
        return [(str(i["id"]), f"{i['code']} {i['name']}（{i['range']}）") for i in self._items]

    @cached_property
    def tier_rows(self) -> list[dict[str, str]]:
        return [{"value": "", "label": "—", "parent": ""}] + [
            {"value": t["name"], "label": f"{t['name']}（{t['range']}）", "parent": str(i["id"])}
            for i in self._items
            for t in i["tiers"]
        ]

    @cached_property
    def tiers(self) -> list[tuple[str, str]]:
        return [(r["value"], r["label"]) for r in self.tier_rows]

    @cached_property
    def evidence(self) -> list[tuple[str, str]]:
        from zhifa.enforcement.evidence.models import Evidence

        if self.case.notified_on is None:
            return []
        rows = Evidence.objects.filter(case=self.case, destroyed_at__isnull=True).order_by("uploaded_at")[
            :200
        ]
        return [
            (
                str(e.pk),
                f"{e.get_kind_display()} {e.original_name or e.description[:30]} {e.uploaded_at:%Y-%m-%d}",
            )
            for e in rows
        ]

    @cached_property
    def case_evidence(self) -> list[tuple[str, str]]:
        from zhifa.enforcement.cases import hooks

        return [
            (i.ref.split(":", 1)[1], f"{i.label} {i.description}".strip()[:80])
            for i in hooks.file_items(self.case)
            if i.ref.startswith("evidence:")
        ]


CHOICE_SOURCES = frozenset({OFFICERS, CASE_OFFICERS, POWER_ITEMS, TIERS, EVIDENCE, CASE_EVIDENCE})


def choices_for(case: Case) -> CaseChoices:
    """The choice lists of `case`'s forms, each loaded when a field first asks for it."""
    return CaseChoices(case)


def render_fields(
    event: str, choices: CaseChoices, *, values: dict[str, Any], case: Case
) -> list[dict[str, Any]]:
    out = []
    for f in EVENT_FIELDS.get(event, ()):
        if f.name.startswith("party_") and party_complete(case):
            continue
        options = choices.get(f.choices) if isinstance(f.choices, str) and f.choices else list(f.choices)
        if f.choices == TIERS:
            rows = choices.tier_rows
        else:
            rows = [{"value": str(v), "label": str(label), "parent": ""} for v, label in options]
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
                "option_rows": rows,
                # the tier list follows the power item chosen in the same form (behaviours.js)
                "follows": "power_item_id" if f.choices == TIERS else "",
                "searchable": f.choices == POWER_ITEMS,
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
    if f.name == "rule":
        from zhifa.law import deliberation, jurisdiction

        return jurisdiction.applied(deliberation.EXTENSION_DAYS.key, agency=case.agency).basis
    if f.name == "party_capacity":
        return case.party_capacity
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
