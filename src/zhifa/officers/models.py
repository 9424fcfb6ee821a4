"""Officers (执法人员), their credentials (执法证) with history and annual reviews, training and exams.

History rows (CredentialEvent, AnnualReview, TrainingRecord, ExamResult) are written by the services
and never updated or deleted; a credential's current state is a cache of its last event.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.core.history import AppendOnlyError as AppendOnlyError
from zhifa.core.history import AppendOnlyModel as AppendOnlyModel
from zhifa.core.history import AppendOnlyQuerySet as AppendOnlyQuerySet


class Officer(models.Model):
    """A person who may hold an enforcement credential. `agency` is the 执法主体 they act for."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer",
    )
    agency = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="officers",
        limit_choices_to={"kind": "agency"},
    )
    unit = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "unit"},
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    # 身份证号: personal information (个人信息保护法第二十八条 treats 特定身份 as sensitive); shown masked
    # to everyone but administrators, never on public pages.
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    areas = models.JSONField(_("enforcement areas"), default=list, blank=True)
    photo = models.ImageField(_("photo"), upload_to="officers/photos/", blank=True)
    has_legal_qualification = models.BooleanField(_("legal-professional qualification"), default=False)
    legal_qualification_number = models.CharField(
        _("legal-professional qualification certificate number"), max_length=40, blank=True
    )
    legal_review_since = models.DateField(
        _("doing legal review since"),
        null=True,
        blank=True,
        help_text=_("Reviewers who started before 2018-01-01 are not first-time reviewers (art. 58)."),
    )
    is_active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        indexes = [models.Index(fields=["agency", "is_active"], name="officer_agency_active_idx")]

    def __str__(self) -> str:
        return self.name


class Credential(models.Model):
    """An enforcement credential (执法证). `status` caches the last CredentialEvent; validity on a given
    day also depends on the dates (see zhifa.law.officers.credential_problem)."""

    class Kind(models.TextChoices):
        ENFORCEMENT = "enforcement", _("Administrative enforcement credential")
        SUPERVISION = "supervision", _("Enforcement supervision credential")

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="credentials"
    )
    # The agency the holder acts for when it was issued; denormalised so scopes apply without a join.
    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("credential number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ENFORCEMENT)
    issuer = models.CharField(_("issuer"), max_length=100)
    areas = models.JSONField(_("enforcement areas"), default=list)
    scope = models.CharField(_("scope of enforcement"), max_length=300, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    # A copy of the latest annual-review row of the shared deadline engine (officers/deadlines.py),
    # written only from it; lists and alerts read it.
    review_due_on = models.DateField(_("annual review due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    status_since = models.DateField(_("status since"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("issued_on")), name="credential_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["valid", "suspended", "revoked", "expired"]),
                name="credential_status_valid",
            ),
            # One usable card of each kind per person: a second one would make the first uncheckable.
            models.UniqueConstraint(
                fields=["officer", "kind"],
                condition=models.Q(status__in=["valid", "suspended"]),
                name="credential_one_live_per_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_on"], name="credential_status_exp_idx"),
            models.Index(fields=["agency", "status"], name="credential_agency_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def status_on(self, on: dt.date) -> str:
        """The status in force on `on`, from the history when `on` is before the last change.

        Uses `events` as prefetched (`prefetch_related("events")`) so lists stay at constant queries."""
        if on >= self.status_since:
            return self.status
        status = ""
        for event in sorted(self.events.all(), key=lambda e: (e.effective_on, e.pk)):
            if event.effective_on > on:
                break
            status = event.to_status
        return status or self.Status.VALID


class CredentialEvent(AppendOnlyModel):
    """One change of a credential: issue, suspension, reinstatement, revocation, renewal, expiry,
    annual review. Never updated or deleted."""

    class Action(models.TextChoices):
        ISSUE = "issue", _("Issued")
        SUSPEND = "suspend", _("Suspended")
        REINSTATE = "reinstate", _("Reinstated")
        REVOKE = "revoke", _("Revoked")
        RENEW = "renew", _("Renewed")
        EXPIRE = "expire", _("Expired")
        REVIEW = "review", _("Annual review")

    credential = models.ForeignKey(
        Credential, verbose_name=_("credential"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_status = models.CharField(_("status before"), max_length=10, blank=True)
    to_status = models.CharField(_("status after"), max_length=10)
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("credential event")
        verbose_name_plural = _("credential events")

    def __str__(self) -> str:
        return f"{self.credential_id} {self.action} {self.effective_on}"

    @property
    def to_status_label(self) -> str:
        return str(Credential.Status(self.to_status).label) if self.to_status else ""


class AnnualReview(AppendOnlyModel):
    """年审: one per credential and year. A pass moves the next due date a year on; a failure
    suspends the credential (recorded as a CredentialEvent as well)."""

    credential = models.ForeignKey(
        Credential, verbose_name=_("credential"), on_delete=models.PROTECT, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reviewed_on = models.DateField(_("reviewed on"))
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_name = models.CharField(_("reviewed by"), max_length=150, blank=True)
    at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")
        constraints = [
            models.UniqueConstraint(fields=["credential", "year"], name="annual_review_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.credential_id} {self.year}"


class ImportBatch(AppendOnlyModel):
    """One XLSX import of training or exam results (all rows or none)."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training records")
        EXAM = "exam", _("Exam results")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"


class TrainingRecord(AppendOnlyModel):
    """Study hours (学时) and study points (学法积分) an officer earned on one occasion.

    `agency` is the officer's agency when the record was made, so yearly statistics stay put when the
    officer moves. A wrong record is corrected by an entry with negative hours and a note."""

    class Kind(models.TextChoices):
        LEGAL_TRAINING = "legal_training", _("Legal knowledge training")
        GROUP_STUDY = "group_study", _("Group law study")
        ONLINE_STUDY = "online_study", _("Online law study")
        PROFESSIONAL = "professional", _("Professional training")
        OTHER = "other", _("Other study")

    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="trainings"
    )
    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("study hours"), max_digits=6, decimal_places=1)
    days = models.DecimalField(_("training days"), max_digits=4, decimal_places=1, default=0)
    points = models.DecimalField(_("study points"), max_digits=6, decimal_places=1, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="trainings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        indexes = [models.Index(fields=["agency", "year"], name="training_agency_year_idx")]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.title}"


class ExamSession(models.Model):
    """An exam (执法资格考试, 年度法律知识考试 …). The thresholds in force are copied in when it is
    created, so the record shows which values applied."""

    class Kind(models.TextChoices):
        QUALIFICATION = "qualification", _("Enforcement qualification exam")
        ANNUAL = "annual", _("Annual law exam")
        OTHER = "other", _("Other exam")

    organiser = models.ForeignKey(
        "org.OrgNode", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"))
    pass_score = models.DecimalField(_("pass score"), max_digits=5, decimal_places=1)
    excellent_score = models.DecimalField(_("excellent score"), max_digits=5, decimal_places=1)
    thresholds_source = models.CharField(_("thresholds set by"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(excellent_score__gte=models.F("pass_score")),
                name="exam_excellent_not_below_pass",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ExamResult(AppendOnlyModel):
    """One officer's result in one exam. `passed`/`excellent` are decided with the session's thresholds
    when the result is recorded."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam"), on_delete=models.PROTECT, related_name="results"
    )
    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="exam_results"
    )
    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    absent = models.BooleanField(_("absent"), default=False)
    passed = models.BooleanField(_("passed"))
    excellent = models.BooleanField(_("excellent"))
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="exam_results"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("exam result")
        verbose_name_plural = _("exam results")
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="exam_result_once_per_session")
        ]
        indexes = [models.Index(fields=["agency", "year"], name="exam_agency_year_idx")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.officer_id}"
