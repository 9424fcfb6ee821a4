"""The supervision centre (执法监督中心): clues found by the problem models, the supervision notices
issued on them, the agency's response materials, fault-accountability records and the published
annual statistics.

Records of other domains (cases, review files, appeals, officers) are named by id, not linked by
foreign key, except the officer (accountability is personal and must survive the case's archive):
the centre reads them through their apps' public modules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.history import AppendOnlyModel


class ClueState(models.TextChoices):
    OPEN = "open", _("Awaiting handling")
    DISMISSED = "dismissed", _("Dismissed")
    NOTIFIED = "notified", _("Notice issued, rectifying")
    RESPONDED = "responded", _("Agency responded")
    VERIFIED = "verified", _("Rectification verified")
    ESCALATED = "escalated", _("Escalated")
    CLEARED = "cleared", _("Condition cleared")


HANDLED_STATES = frozenset(
    {ClueState.DISMISSED, ClueState.NOTIFIED, ClueState.RESPONDED, ClueState.VERIFIED, ClueState.ESCALATED}
)


class Clue(models.Model):
    """One condition a problem model found. While `condition_open` there is at most one clue per
    (model, key); the sweep marks it cleared when the condition no longer holds (and closes it when it
    was still awaiting handling). A condition that holds again later raises a new clue."""

    model_code = models.CharField(_("problem model"), max_length=60)
    key = models.CharField(max_length=200)
    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    case_id = models.BigIntegerField(null=True, blank=True)
    officer_ids = models.JSONField(default=list, blank=True)
    title = models.CharField(_("clue"), max_length=300)
    explanation = models.TextField(_("explanation"))
    records = models.JSONField(_("triggering records"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ClueState.choices, default=ClueState.OPEN)
    condition_open = models.BooleanField(_("condition holds"), default=True)
    raised_on = models.DateField(_("raised on"))
    raised_at = models.DateTimeField(_("raised at"))
    last_seen_on = models.DateField(_("last found on"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    handled_on = models.DateField(_("handled on"), null=True, blank=True)
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True)
    event_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("supervision clue")
        verbose_name_plural = _("supervision clues")
        constraints = [
            models.UniqueConstraint(
                fields=["model_code", "key"],
                condition=models.Q(condition_open=True),
                name="clue_one_open_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "state", "raised_on"], name="clue_agency_state_idx"),
            models.Index(fields=["model_code", "condition_open"], name="clue_model_open_idx"),
            models.Index(fields=["object_type", "object_id"], name="clue_object_idx"),
            models.Index(fields=["raised_on"], name="clue_raised_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.model_code}:{self.key}"


class ClueEvent(AppendOnlyModel):
    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20)
    at = models.DateTimeField(_("entered at"))
    on = models.DateField(_("date of the act"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("clue event")
        verbose_name_plural = _("clue events")

    def __str__(self) -> str:
        return f"{self.clue_id}:{self.kind}@{self.on}"


class NoticeKind(models.TextChoices):
    NOTICE = "notice", "执法监督通知书"
    SUGGESTION = "suggestion", "执法监督建议书"
    DECISION = "decision", "执法监督决定书"


class NoticeState(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("supervision notice", "Issued")
    RESPONDED = "responded", pgettext_lazy("supervision notice", "Responded")
    RETURNED = "returned", pgettext_lazy("supervision notice", "Returned for more rectification")
    VERIFIED = "verified", pgettext_lazy("supervision notice", "Verified")
    ESCALATED = "escalated", pgettext_lazy("supervision notice", "Escalated")


class SupervisionNotice(models.Model):
    """A 执法监督通知书/建议书/决定书 to an agency, with its rectification deadline (on the shared
    deadline engine, object type `centre.notice`) and the rendered document (core.files)."""

    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="notices")
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document"), max_length=12, choices=NoticeKind.choices)
    # Numbered per issuing organ (core.numbering), so supervising organs never share a sequence; the
    # organ and its name are kept as they were on the day the document was issued.
    number = models.CharField(_("document number"), max_length=60)
    issuer_organ = models.ForeignKey(
        "org.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer_organ_name = models.CharField(_("issuing organ"), max_length=100, blank=True)
    requirements = models.TextField(_("requirements"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("rectify by"))
    due_provisional = models.BooleanField(default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.ISSUED
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(max_length=100, blank=True)
    # What the document states, as it was on file when issued (documents.context_snapshot): the worker
    # renders from it after the commit, so a clue whose explanation the checks refresh later does not
    # change what the document says. Empty for notices rendered at issue before it was kept.
    context = models.JSONField(default=dict, blank=True)
    # The rendered PDF (core.files): empty until the worker (or the first reader) renders it.
    blob = models.ForeignKey(
        "core.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="centre_notices"
    )
    response = models.TextField(_("agency's response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    opinion = models.TextField(_("supervisor's opinion"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        indexes = [
            models.Index(fields=["agency", "issued_on"], name="notice_agency_issued_idx"),
            models.Index(fields=["due_on"], name="notice_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["issuer_organ", "number"], name="notice_number_per_organ"),
        ]

    def __str__(self) -> str:
        return self.number


class NoticeMaterial(AppendOnlyModel):
    """A file the agency sent with its response (stored through core.files)."""

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.PROTECT, related_name="materials")
    blob = models.ForeignKey("core.Blob", on_delete=models.PROTECT, related_name="centre_materials")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("response material")
        verbose_name_plural = _("response materials")

    def __str__(self) -> str:
        return self.name


class FaultKind(models.TextChoices):
    NO_BASIS = "no_basis", _("Penalty without a legal basis")
    WRONG_AMOUNT = "wrong_amount", _("Penalty of the wrong kind or amount")
    PROCEDURE = "procedure", _("Statutory procedure not followed")
    OVERDUE = "overdue", _("Duty not performed in time")
    EVIDENCE = "evidence", _("Facts unclear or evidence insufficient")
    UNQUALIFIED = "unqualified", _("Enforcement without qualification")
    RECORDS = "records", _("Records or disclosure missing")
    OTHER = "other", _("Other fault")


class Sanction(models.TextChoices):
    EDUCATION = "education", "批评教育"
    WRITTEN_REVIEW = "written_review", "责令书面检查"
    CIRCULAR = "circular", "通报批评"
    ADMONITION = "admonition", "诫勉谈话"
    CREDENTIAL_SUSPENDED = "credential_suspended", "暂扣执法证件"
    REASSIGNED = "reassigned", "调离执法岗位"
    CREDENTIAL_REVOKED = "credential_revoked", "取消执法资格"
    REFERRED = "referred", "移送纪检监察机关"
    NONE = "none", "免予追究"


class FaultSource(models.TextChoices):
    CLUE = "clue", _("Supervision clue")
    REVIEW = "review", _("Dossier review")
    APPEAL = "appeal", _("Reconsideration or lawsuit")
    COMPLAINT = "complaint", _("Complaint or report")
    OTHER = "other", _("Other")


class FaultRecord(models.Model):
    """A finding of fault (过错责任追究, 行政处罚法第七十六条): who, in which case, what fault, what
    was found and the sanction, with the dates. Linked to what revealed it: a clue, a dossier-review
    result, an appeal."""

    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        "officers.Officer", verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+"
    )
    officer_name = models.CharField(_("officer"), max_length=50)
    officer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the officer's account: "my records"
    source = models.CharField(_("found through"), max_length=10, choices=FaultSource.choices)
    clue = models.ForeignKey(Clue, null=True, blank=True, on_delete=models.PROTECT, related_name="faults")
    case_id = models.BigIntegerField(_("case"), null=True, blank=True)
    case_number = models.CharField(_("case number"), max_length=60, blank=True)
    review_file_id = models.BigIntegerField(_("dossier-review file"), null=True, blank=True)
    appeal_id = models.BigIntegerField(_("appeal"), null=True, blank=True)
    fault = models.CharField(_("fault"), max_length=20, choices=FaultKind.choices)
    description = models.TextField(_("what happened"))
    finding = models.TextField(_("finding"))
    sanction = models.CharField(_("sanction"), max_length=24, choices=Sanction.choices)
    occurred_on = models.DateField(_("fault committed on"), null=True, blank=True)
    found_on = models.DateField(_("found on"))
    decided_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("fault-accountability record")
        verbose_name_plural = _("fault-accountability records")
        indexes = [
            models.Index(fields=["agency", "decided_on"], name="fault_agency_decided_idx"),
            models.Index(fields=["officer_user"], name="fault_officer_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.officer_name}: {self.get_fault_display()}"


class AnnualReport(models.Model):
    """The published 行政执法统计年报 of a jurisdiction for a year (国办发〔2018〕118号: by 31 January of
    the next year). Once published it is not changed; figures are frozen in `data` and the PDF."""

    year = models.PositiveSmallIntegerField(_("year"))
    jurisdiction = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    data = models.JSONField(default=dict)
    blob = models.ForeignKey("core.Blob", on_delete=models.PROTECT, related_name="centre_annual_reports")
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("publish by"))

    class Meta:
        verbose_name = _("annual enforcement statistics")
        verbose_name_plural = _("annual enforcement statistics")
        constraints = [
            models.UniqueConstraint(fields=["year", "jurisdiction"], name="annual_report_once_per_year")
        ]

    def __str__(self) -> str:
        return self.title


class MonthlyFigure(models.Model):
    """A part of the dashboard kept per agency and calendar month: the numerator and denominator of a
    monthly-additive indicator (`core.indicators.Indicator.monthly`), or (code `cases.power_items`)
    the decisions of one power item. Recomputed for whole past months by `centre.figures.refresh`
    (nightly, after the sweep); the dashboard sums the parts of the months a period covers and computes
    the rest — the current month, partial months — live. Derived data: deleted and rewritten."""

    code = models.CharField(max_length=80)
    agency_id = models.BigIntegerField()
    month = models.DateField()  # the first day of the month
    item = models.CharField(max_length=40, blank=True, default="")
    label = models.CharField(max_length=300, blank=True, default="")
    numerator = models.DecimalField(max_digits=20, decimal_places=2)
    denominator = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True)  # power items: fines
    amount_paid = models.DecimalField(max_digits=20, decimal_places=2, null=True)  # power items: paid

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "code", "agency_id", "item", "label"], name="monthly_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.agency_id} {self.month:%Y-%m} {self.item}"


class FigureMonth(models.Model):
    """A month whose `MonthlyFigure`s are complete (every agency, every monthly indicator)."""

    month = models.DateField(unique=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
