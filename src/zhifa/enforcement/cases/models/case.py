"""The penalty case (行政处罚案件).

The `Case` row is the current picture of the case; the truth is its append-only history (`CaseEvent`).
Every field below is written by `services.case_apply_event` (or `case_register`) and by nothing else:
legal dates are the real-world dates the caller gave (`*_on`), entry times are separate (`*_at`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.foundation.deadlines.relation import DeadlineRows


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary procedure")
    SIMPLE = "simple", _("Simple procedure (on the spot)")


class State(models.TextChoices):
    REGISTERED = "registered", _("Lead registered")
    NOT_FILED = "not_filed", _("Not filed")
    INVESTIGATING = "investigating", _("Filed, under investigation")
    PROPOSED = "proposed", _("Penalty proposed")
    LEGAL_REVIEW = "legal_review", _("In legal review")
    NOTIFIED = "notified", _("Party notified")
    HEARING_REQUESTED = "hearing_requested", _("Hearing requested")
    DECIDED = "decided", _("Decided")
    SERVED = "served", _("Decision served")
    EXECUTED = "executed", _("Executed")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")
    ARCHIVED = "archived", _("Archived")
    TERMINATED = "terminated", _("Terminated")


OPEN_STATES = frozenset(
    {
        State.REGISTERED,
        State.INVESTIGATING,
        State.PROPOSED,
        State.LEGAL_REVIEW,
        State.NOTIFIED,
        State.HEARING_REQUESTED,
        State.DECIDED,
        State.SERVED,
        State.EXECUTED,
    }
)
FINISHED_STATES = frozenset({State.NOT_FILED, State.CLOSED, State.TERMINATED, State.ARCHIVED})
# An archived dossier is read-only (行政处罚法第四十七条: 归档保存): no evidence, document or seizure
# record is added to or changed in it; every other state keeps the dossier writable.
READ_ONLY_STATES = frozenset({State.ARCHIVED})


class Source(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint or report")
    PATROL = "patrol", _("Patrol")
    INSPECTION = "inspection", _("Inspection")
    REFERRAL = "referral", _("Referral from another agency")
    ASSIGNED = "assigned", _("Assigned by a superior")
    OTHER = "other", _("Other")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", pgettext_lazy("party kind", "Organisation")


class ServiceMethod(models.TextChoices):
    DIRECT = "direct", _("Handed over directly")
    LEFT = "left", _("Left at the residence (留置送达)")
    POST = "post", _("By post")
    PUBLIC = "public", _("By public announcement")
    ELECTRONIC = "electronic", _("Electronically (with consent)")


class PaymentChannel(models.TextChoices):
    BANK = "bank", _("Bank")
    E_PAYMENT = "e_payment", _("Electronic payment")
    ON_THE_SPOT = "on_the_spot", _("Collected on the spot")


class Case(models.Model):
    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.CharField(_("procedure"), max_length=10, choices=Procedure.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    number = models.CharField(_("case number"), max_length=60, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=60, blank=True)

    # 当事人. The ID number is validated (checksum) when given and shown masked except to the case's
    # handlers and approvers. Blank only on a lead whose party is not identified yet: filing needs it.
    party_kind = models.CharField(_("party kind"), max_length=12, choices=PartyKind.choices, blank=True)
    party_name = models.CharField(_("party name"), max_length=100, blank=True)
    party_id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    party_phone = models.CharField(_("phone"), max_length=30, blank=True)
    party_address = models.CharField(_("address"), max_length=200, blank=True)
    # 行政处罚法第三十条、第三十一条: the age on the day of the act comes from the ID number (18 or 15
    # digits) or, for a foreign or absent ID, from the birth date recorded; capacity as found.
    party_id_type = models.CharField(_("ID type"), max_length=10, blank=True)  # "" resident ID, "other"
    party_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    party_capacity = models.CharField(_("capacity"), max_length=16, blank=True)

    facts = models.TextField(_("facts"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    occurred_on = models.DateField(_("act occurred on"))
    continuing = models.BooleanField(_("continuing or repeated act"), default=False)
    ended_on = models.DateField(_("act ended on"), null=True, blank=True)
    serious_harm = models.BooleanField(
        _("harm to life, health or financial safety"), default=False
    )  # 第三十六条: five-year limitation
    discovered_on = models.DateField(_("discovered on"))
    limitation_ends_on = models.DateField(_("limitation period ends on"), null=True, blank=True)
    # 补录 (行政处罚法第三十六条): a discovery date before the jurisdiction's window names its source
    # record and is flagged to supervisors.
    discovery_record = models.CharField(_("source record of the discovery"), max_length=200, blank=True)
    discovery_backdated = models.BooleanField(_("discovery date backdated"), default=False)

    power_item = models.ForeignKey(
        "powers.PowerItem",
        verbose_name=_("power item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    power_version = models.ForeignKey(
        "powers.PowerItemVersion",
        verbose_name=_("power item version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    registered_at = models.DateTimeField(_("registered at"))
    filed_on = models.DateField(_("filed on"), null=True, blank=True)

    # 拟处罚意见 and the flags it sets
    tier_name = models.CharField(_("discretion tier"), max_length=50, blank=True)
    base_amount = models.DecimalField(
        _("base amount"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    proposed_measures = models.JSONField(_("proposed measures"), default=list, blank=True)
    proposed_fine = models.DecimalField(
        _("proposed fine"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    confiscation_value = models.DecimalField(
        _("value to confiscate"),
        null=True,
        blank=True,
        max_digits=14,
        decimal_places=2,
    )
    proposal_reasons = models.TextField(_("reasons"), blank=True)
    amount_class = models.CharField(_("amount against the tier"), max_length=30, blank=True)
    permitted_min = models.DecimalField(
        _("tier minimum"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    permitted_max = models.DecimalField(
        _("tier maximum"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    discretion_reason = models.TextField(_("reason for departing from the tier"), blank=True)
    mitigation_ground = models.CharField(_("mitigation ground"), max_length=20, blank=True)
    hearing_eligible = models.BooleanField(_("hearing right"), default=False)
    hearing_grounds = models.JSONField(default=list, blank=True)
    legal_review_required = models.BooleanField(_("legal review required"), default=False)
    legal_review_grounds = models.JSONField(default=list, blank=True)
    legal_review_passed = models.BooleanField(_("legal review passed"), default=False)
    review_return_state = models.CharField(max_length=20, blank=True)
    deliberation_required = models.BooleanField(_("deliberation required"), default=False)
    deliberation_done = models.BooleanField(_("deliberation held"), default=False)
    deliberation_grounds = models.JSONField(default=list, blank=True)  # 第五十七条: why it is required
    settings_applied = models.JSONField(default=dict, blank=True)
    # 处罚决定审批表: the head approved the current proposal (第四十四条、第五十七条); cleared by a new one.
    decision_approved_on = models.DateField(_("proposal approved by the head on"), null=True, blank=True)

    # 事先告知 and the party's rights
    notified_on = models.DateField(_("notice served on"), null=True, blank=True)
    notified_measures = models.JSONField(default=list, blank=True)
    notified_fine = models.DecimalField(
        _("notified fine"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    statement_made = models.BooleanField(_("party stated or argued"), default=False)
    hearing_requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    rights_waived_on = models.DateField(_("rights waived on"), null=True, blank=True)

    # 决定
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    measures = models.JSONField(_("measures"), default=list, blank=True)
    fine_amount = models.DecimalField(_("fine"), null=True, blank=True, max_digits=14, decimal_places=2)
    decision_reasons = models.TextField(_("decision reasons"), blank=True)
    no_penalty_ground = models.CharField(_("no-penalty ground"), max_length=30, blank=True)

    # 送达、执行
    served_on = models.DateField(_("decision served on"), null=True, blank=True)
    service_method = models.CharField(
        _("service method"), max_length=12, choices=ServiceMethod.choices, blank=True
    )
    paid_amount = models.DecimalField(_("paid"), default=Decimal("0"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    surcharge = models.DecimalField(
        _("late surcharge"), default=Decimal("0"), max_digits=14, decimal_places=2
    )
    reminder_served_on = models.DateField(_("reminder served on"), null=True, blank=True)
    court_applied_on = models.DateField(_("court enforcement applied on"), null=True, blank=True)
    court = models.CharField(_("court"), max_length=100, blank=True)
    reported_on = models.DateField(_("reported to the agency on"), null=True, blank=True)
    closing_reported_on = models.DateField(_("closing report written on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # After the decision (zhifa.law.execution): the approved deferral or instalment plan (行政处罚法
    # 第六十六条第二款) {"applied_on", "approved_on", "ends_on", "schedule": [{"due_on", "amount"}]};
    # appeals against the decision (第七十三条) [{"ref", "kind", "organ", "from", "to"}], "to" empty
    # while pending; revocation and changes of the decision (第四十八条); the transfer to the judicial
    # organs (第二十七条) {"organ", "document_number", "transferred_on", "credited", "receipt_on",
    # "answer", "answered_on"}. Facts of the file, not deadlines: those run on the deadline engines.
    deferral = models.JSONField(default=dict, blank=True)
    appeal_spans = models.JSONField(default=list, blank=True)
    revoked_on = models.DateField(_("decision revoked on"), null=True, blank=True)
    decision_changes = models.JSONField(default=list, blank=True)
    transfer = models.JSONField(default=dict, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)

    # 中止 and 延期: suspended intervals are kept so deadlines can be recomputed in either day kind.
    suspended_since = models.DateField(_("suspended since"), null=True, blank=True)
    suspensions = models.JSONField(default=list, blank=True)  # [{"from": iso, "to": iso}]
    extension_days = models.PositiveIntegerField(_("approved extension (days)"), default=0)
    extensions = models.JSONField(default=list, blank=True)  # 第六十条: [{days, rule, on, deliberated_on}]
    payment_deferral_days = models.PositiveIntegerField(_("approved payment deferral (days)"), default=0)
    # The case's rows of the shared deadline engine (cases.CaseDeadline), prefetchable like a relation.
    deadlines = DeadlineRows("cases.case", "cases.CaseDeadline")

    last_act_on = models.DateField(_("last act on"))
    last_event_at = models.DateTimeField(_("last change"))
    event_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("penalty case")
        verbose_name_plural = _("penalty cases")
        # Lists sort by the lead's date (the real-world registration date), newest first, within
        # the user's agencies; these indexes serve that order with and without a state filter.
        indexes = [
            models.Index(fields=["agency", "discovered_on", "id"], name="case_agency_disc_idx"),
            models.Index(
                fields=["agency", "state", "discovered_on", "id"], name="case_agency_state_disc_idx"
            ),
            models.Index(fields=["discovered_on", "id"], name="case_discovered_idx"),
            # a state over many agencies (a city supervisor's "closed" list): the state is correlated
            # with the date (finished cases are old), so walking the date index from the newest case
            # skipped 240,000 open cases at a million (3.4 s); this one starts inside the state
            models.Index(fields=["state", "discovered_on", "id"], name="case_state_disc_idx"),
            models.Index(fields=["party_id_number"], name="case_party_id_idx"),
            models.Index(fields=["power_item", "discovered_on"], name="case_power_disc_idx"),
            # the indicators count by the date of the act per agency (dashboard, monthly report): the
            # dashboard's live days and the monthly parts' refresh read these ranges, not the table
            models.Index(fields=["agency", "registered_at"], name="case_agency_registered_idx"),
            models.Index(
                fields=["agency", "decided_on"],
                condition=models.Q(decided_on__isnull=False),
                name="case_agency_decided_idx",
            ),
            models.Index(
                fields=["agency", "filed_on"],
                condition=models.Q(filed_on__isnull=False),
                name="case_agency_filed_idx",
            ),
            models.Index(
                fields=["agency", "hearing_held_on"],
                condition=models.Q(hearing_held_on__isnull=False),
                name="case_agency_hearing_idx",
            ),
            # the overdue lists leave suspended cases out (their clocks stop): the few suspended
            # cases are read from this small index instead of scanning every case (at a million
            # cases the scan was 0.6 s of the overdue list's 1.3 s)
            models.Index(
                fields=["id"],
                condition=models.Q(suspended_since__isnull=False),
                name="case_suspended_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="case_number_unique"
            ),
            models.UniqueConstraint(
                fields=["decision_number"],
                condition=~models.Q(decision_number=""),
                name="case_decision_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(procedure__in=["ordinary", "simple"]), name="case_procedure_valid"
            ),
            models.CheckConstraint(condition=models.Q(paid_amount__gte=0), name="case_paid_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_simple(self) -> bool:
        return self.procedure == Procedure.SIMPLE

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_suspended(self) -> bool:
        return self.suspended_since is not None

    @property
    def appeal_pending(self) -> bool:
        return any(not span.get("to") for span in self.appeal_spans or [])

    @property
    def transfer_pending(self) -> bool:
        return bool(self.transfer) and not self.transfer.get("answer")

    @property
    def amount_due(self) -> Decimal:
        return (self.fine_amount or Decimal("0")) + self.surcharge
