"""Sealed, seized and detained property, and evidence registered for preservation (law.seizure).

- `Seizure`: one decision (查封/扣押/暂扣决定, or 先行登记保存通知) with its term. The term is a row of
  the shared deadline engine (seizures/deadlines.py: the start, the extension and finished testing
  periods); `due_on` is its copy, null while testing is under way.
- `SeizedItem`: a line of the item list (清单), with its photos (evidence) and, once dealt with, the
  disposition that ended it.
- `Extension`, `AppraisalPeriod`, `Disposition`: what happened to the measure, each a row that is
  added, never edited (an appraisal period gets its end date once).
- `SeizureEvent`: the measure's history, one append-only row per step of its workflow
  (seizures/workflow.py, applied by the shared engine `zhifa.core.workflow`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.history import AppendOnlyModel


class Measure(models.TextChoices):
    SEALING = "sealing", _("Sealing")
    SEIZURE = "seizure", _("Seizure")
    DETENTION = "detention", _("Detention of goods or tools")
    PRESERVATION = "preservation", _("Registration for preservation")


class Outcome(models.TextChoices):
    RETURNED = "returned", _("Released and returned")
    CONFISCATED = "confiscated", _("Confiscated")
    AUCTIONED = "auctioned", _("Sold (perishable or hard to keep)")
    DESTROYED = "destroyed", _("Destroyed")
    TRANSFERRED = "transferred", _("Transferred with the case to the judicial organs")


class Seizure(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("seizure status", "In force")
        DISPOSED = "disposed", _("Dealt with")

    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="seizures")
    measure = models.CharField(_("measure"), max_length=14, choices=Measure.choices)
    number = models.CharField(_("document number"), max_length=60)
    reason = models.TextField(_("reason"))
    basis = models.CharField(_("legal basis"), max_length=300)
    started_at = models.DateTimeField(_("carried out at"))
    started_on = models.DateField(_("term runs from"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    officers = models.ManyToManyField("officers.Officer", related_name="+", verbose_name=_("officers"))
    officer_names = models.JSONField(default=list)  # names and credential numbers as recorded
    party_present = models.BooleanField(_("party present"), default=True)
    witness = models.CharField(_("witness"), max_length=100, blank=True)
    storage_location = models.CharField(_("kept at"), max_length=200)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    emergency = models.BooleanField(_("emergency, approval afterwards"), default=False)
    extension_days = models.PositiveSmallIntegerField(default=0)
    # due_on/due_provisional copy the row of the shared deadline engine (seizures/deadlines.py) and are
    # written only from it; the register filters and the warning sweep read them.
    due_on = models.DateField(_("term ends on"), null=True, blank=True)
    # the term reaches a year whose holidays are not published yet: weekday rule, recomputed daily
    due_provisional = models.BooleanField(_("provisional deadline"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    disposed_on = models.DateField(_("dealt with on"), null=True, blank=True)
    site_action = models.OneToOneField(
        "evidence.SiteAction", null=True, blank=True, on_delete=models.PROTECT, related_name="seizure"
    )
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        indexes = [
            models.Index(fields=["agency", "status", "due_on"], name="seizure_agency_status_due"),
            models.Index(fields=["case"], name="seizure_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.number}"

    @property
    def is_preservation(self) -> bool:
        return self.measure == Measure.PRESERVATION


class SeizedItem(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("name and specification"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(pgettext_lazy("quantity", "unit"), max_length=10)
    storage_location = models.CharField(_("kept at"), max_length=200, blank=True)
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    estimated_value = models.DecimalField(
        _("estimated value (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    photos = models.ManyToManyField(
        "evidence.Evidence", related_name="+", blank=True, verbose_name=_("photos")
    )
    disposition = models.ForeignKey(
        "Disposition", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )

    class Meta:
        verbose_name = _("seized item")
        verbose_name_plural = _("seized items")
        constraints = [
            models.UniqueConstraint(fields=["seizure", "position"], name="seizeditem_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}{self.unit}"


class Extension(models.Model):
    """The one extension a term allows (行政强制法第二十五条)."""

    seizure = models.OneToOneField(Seizure, on_delete=models.PROTECT, related_name="extension")
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("decided on"))
    due_before = models.DateField(_("term ended on before"))
    due_after = models.DateField(_("term ends on after"), null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.seizure_id} +{self.days}"


class AppraisalPeriod(models.Model):
    """Testing, inspection, quarantine or technical appraisal; not counted in the term (第二十五条第三款)."""

    class Kind(models.TextChoices):
        TESTING = "testing", _("Testing")
        INSPECTION = "inspection", pgettext_lazy("appraisal kind", "Inspection")
        QUARANTINE = "quarantine", _("Quarantine")
        APPRAISAL = "appraisal", _("Technical appraisal")

    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="appraisals")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("what is examined, by whom"), max_length=300)
    started_on = models.DateField(pgettext_lazy("appraisal period", "from"))
    ended_on = models.DateField(pgettext_lazy("appraisal period", "to"), null=True, blank=True)
    party_notified_on = models.DateField(_("party told in writing on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("appraisal period")
        verbose_name_plural = _("appraisal periods")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


class Disposition(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="dispositions")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    decided_on = models.DateField(_("decided on"))
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    proceeds = models.DecimalField(
        _("proceeds (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    receiver = models.CharField(_("received by"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    late = models.BooleanField(_("after the term"), default=False)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")

    def __str__(self) -> str:
        return f"{self.seizure_id} {self.outcome}"


class SeizureEvent(AppendOnlyModel):
    """One step of a measure's history (the columns every workflow's event row shares,
    `core.workflow.event_row`): recorded, approved, refused, extended, testing started or ended, items
    dealt with. `data` keeps what the step recorded (days, outcome, items, dates)."""

    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=50, blank=True)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("seizure event")
        verbose_name_plural = _("seizure events")
        indexes = [models.Index(fields=["seizure", "at"], name="seizureevent_seizure_at")]

    def __str__(self) -> str:
        return f"{self.seizure_id} {self.kind}"
