"""What hangs off a case: its append-only events, its handling officers, its deadlines, and the
agency's catalogue of matters that need legal review."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.core.history import AppendOnlyError as AppendOnlyError
from zhifa.core.history import AppendOnlyQuerySet as AppendOnlyQuerySet
from zhifa.enforcement.cases.models.case import Case
from zhifa.foundation.deadlines.models import Deadline


class CaseEvent(models.Model):
    """One applied workflow event. Never updated or deleted (the ORM refuses; raw SQL changes would
    still show in the audit chain, which records every event too)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("sequence"))
    name = models.CharField(_("event"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("entered at"))
    occurred_on = models.DateField(_("date of the act"))
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()
    # core.prepared.insert may add a row without save(): save() only refuses updates
    INSERT_WITHOUT_SAVE: ClassVar[bool] = True

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="caseevent_case_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("case events are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("case events are never deleted")


class CaseOfficer(models.Model):
    """A handling officer (承办人) of a case. Removal (recusal, reassignment) sets `removed_on`; the row
    stays so the file shows who handled the case when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="officers")
    officer = models.ForeignKey("officers.Officer", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )  # the officer's account when assigned: "my cases" and the handler check read it without a join
    credential_number = models.CharField(_("credential number"), max_length=32, blank=True)
    assigned_on = models.DateField(_("assigned on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("handling officer")
        verbose_name_plural = _("handling officers")
        indexes = [
            models.Index(fields=["user", "case"], name="caseofficer_user_case_idx"),
            models.Index(fields=["officer", "case"], name="caseofficer_officer_case_idx"),
            # the pair model's re-check after an event: an officer's assignments on a day
            models.Index(fields=["officer", "assigned_on"], name="caseofficer_officer_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.officer_id}"

    @property
    def active(self) -> bool:
        return self.removed_on is None


class DeadlineKind(models.TextChoices):
    DECISION = "decision", _("Decision within 90 days of filing")
    STATEMENT = "statement", _("Statement period")
    HEARING_REQUEST = "hearing_request", _("Hearing request window")
    SERVICE = "service", _("Service of the decision")
    PAYMENT = "payment", _("Payment of the fine")
    PRESERVATION = "preservation", _("Decision on preserved evidence")
    ON_SPOT_REPORT = "on_spot_report", _("Report of the on-the-spot decision")


class Resolution(models.TextChoices):
    MET = "met", _("Met")
    LATE = "late", _("Met late")
    WAIVED = "waived", _("Waived by the party")
    ELAPSED = "elapsed", _("Window elapsed")
    MOOT = "moot", _("No longer applies")
    EXPLAINED = "explained", _("Missed, explained")


OBJECT_TYPE = "cases.case"


def _case_lookups(kwargs: dict[str, Any]) -> dict[str, Any]:
    """`case=`, `case_id=`, `case__in=` name the object of an engine row (`object_id`)."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key in ("case", "case_id"):
            out["object_id"] = getattr(value, "pk", value)
        elif key in ("case__in", "case_id__in"):
            out["object_id__in"] = (
                value if isinstance(value, models.QuerySet) else [getattr(v, "pk", v) for v in value]
            )
        else:
            out[key] = value
    return out


class CaseDeadlineQuerySet(models.QuerySet["CaseDeadline"]):
    """The case rows. The code names a case with `of_case(case)`; `filter(case=…)` (and `case_id`,
    `case__in`) still works for callers written against the former table, such as the tests."""

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: Any) -> Any:  # type: ignore[misc]
        return super()._filter_or_exclude(negate, args, _case_lookups(kwargs))  # type: ignore[misc]

    def of_case(self, case: Case | int) -> CaseDeadlineQuerySet:
        return self.filter(object_id=getattr(case, "pk", case))


class CaseDeadlineManager(models.Manager["CaseDeadline"]):
    def get_queryset(self) -> CaseDeadlineQuerySet:
        return CaseDeadlineQuerySet(self.model, using=self._db).filter(object_type=OBJECT_TYPE)

    def of_case(self, case: Case | int) -> CaseDeadlineQuerySet:
        return self.get_queryset().of_case(case)


class CaseDeadline(Deadline):
    """A statutory period running on a case: a row of the shared deadline engine
    (`deadlines.Deadline`, object type "cases.case"), seen the way the case code reads it — `case`,
    `case_id`, the kind's label, `filter(case=…)`. `due_on` is recomputed by the engine when the case is
    suspended, resumed or an extension is approved (cases/deadlines.py); `provisional` while part of
    the period lies in a year whose official calendar is unknown. A row is resolved once."""

    objects: ClassVar[CaseDeadlineManager] = CaseDeadlineManager()  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")

    @property
    def case_id(self) -> int:
        return self.object_id

    @property
    def case(self) -> Case:
        cached: Case | None = self.__dict__.get("_case")
        if cached is None or cached.pk != self.object_id:
            cached = Case.objects.get(pk=self.object_id)
            self.__dict__["_case"] = cached
        return cached

    @property
    def agency(self) -> Any:
        cached = self.__dict__.get("_agency")
        if cached is None:
            from zhifa.org.models import OrgNode

            cached = OrgNode.objects.get(pk=int(self.agency_id or 0))
            self.__dict__["_agency"] = cached
        return cached

    @staticmethod
    def attach_cases(rows: list[CaseDeadline]) -> list[CaseDeadline]:
        """Load the rows' cases (with their agencies) in one query, so a list of rows that shows each
        case and agency does not query once per row."""
        cases = Case.objects.select_related("agency").in_bulk({r.object_id for r in rows})
        for row in rows:
            case = cases.get(row.object_id)
            if case is not None:
                row.__dict__["_case"] = case
                if case.agency_id == row.agency_id:
                    row.__dict__["_agency"] = case.agency
        return rows

    def get_kind_display(self) -> str:
        return str(dict(DeadlineKind.choices).get(self.kind, self.kind))

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due_on}"


class LegalReviewCatalogueEntry(models.Model):
    """One line of an agency's catalogue of major enforcement decisions that need legal review
    (重大执法决定法制审核目录清单, 国办发〔2018〕118号; 行政处罚法第五十八条第一款第（四）项 and the
    agency's own list). A case matches when its power item is listed, its fine reaches the threshold for
    the party's kind, or it proposes a listed measure."""

    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    power_item = models.ForeignKey(
        "powers.PowerItem",
        verbose_name=_("power item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fine_at_least_person = models.DecimalField(
        _("fine threshold, person"),
        null=True,
        blank=True,
        max_digits=14,
        decimal_places=2,
    )
    fine_at_least_organisation = models.DecimalField(
        _("fine threshold, organisation"),
        null=True,
        blank=True,
        max_digits=14,
        decimal_places=2,
    )
    measures = models.JSONField(_("measures"), default=list, blank=True)
    description = models.CharField(_("description"), max_length=200)
    document = models.CharField(_("source document"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("legal review catalogue entry")
        verbose_name_plural = _("legal review catalogue")

    def __str__(self) -> str:
        return self.description


class NoPenaltyListEntry(models.Model):
    """A line of a jurisdiction's list of acts not penalised (免罚清单 / 轻微违法行为不予处罚清单,
    行政处罚法第三十三条第一款 and 国发〔2021〕26号), attached to a power item. The list is set by a
    government node (or an agency) and holds for every agency below it. A no-penalty decision on
    the 第三十三条 grounds records the lines that cover its power item."""

    class Kind(models.TextChoices):
        NOT_PENALISED = "minor_corrected", _("Minor and corrected: not penalised")
        FIRST_OFFENCE = "first_offence", _("First offence: may go unpunished")

    node = models.ForeignKey(
        "org.OrgNode", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    power_item = models.ForeignKey(
        "powers.PowerItem", verbose_name=_("power item"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    document = models.CharField(_("source document"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    # Retired, not deleted: decisions that recorded the line keep pointing at it (the audit log keeps
    # every change of its text).
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    retire_reason = models.TextField(_("reason for retiring"), blank=True)

    class Meta:
        verbose_name = _("no-penalty list entry")
        verbose_name_plural = _("no-penalty list")

    def __str__(self) -> str:
        return f"{self.document}: {self.power_item_id}"
