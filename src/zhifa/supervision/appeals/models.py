"""Reconsideration (行政复议) and litigation (行政应诉) against an act of an agency.

One `Appeal` row per application or suit: the applicant (personal data, shown in full only to those
handling it), the respondent agency, the reconsideration organ or court, the act, the claims, the
dates the law counts from, the state and the outcome. Every step is an append-only `AppealEvent`
written by the workflow engine; hearings in court (with whether the agency's head appeared,
行政诉讼法第三条第三款) are append-only `Hearing` rows. Deadlines live in `deadlines.Deadline`
(object type "appeals.appeal").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.history import AppendOnlyModel
from zhifa.law.litigation import Appearance

OBJECT_TYPE = "appeals.appeal"


class Kind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
    LITIGATION = "litigation", _("Administrative litigation")


class Channel(models.TextChoices):
    WRITTEN = "written", _("In writing")
    ONLINE = "online", _("Online (one-click)")
    ORAL = "oral", _("Oral, recorded")
    COURT = "court", _("Served by the court")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class State(models.TextChoices):
    # reconsideration
    RECEIVED = "received", _("Received, acceptance under review")
    AMENDING = "amending", _("Awaiting amendment")
    ACCEPTED = "accepted", pgettext_lazy("appeal state", "Accepted")
    ANSWERING = "answering", _("Awaiting the respondent's answer")
    REVIEWING = "reviewing", _("Under review")
    SUSPENDED = "suspended", _("Suspended")
    REFUSED = "refused", _("Not accepted")
    DECIDED = "decided", pgettext_lazy("appeal state", "Decided")
    MEDIATED = "mediated", _("Closed by mediation")
    TERMINATED = "terminated", _("Terminated")
    # litigation
    FILED = "filed", _("Suit filed, defence due")
    TRIAL = "trial", _("On trial")
    JUDGED = "judged", _("Judged, appeal period running")
    CONCLUDED = "concluded", _("Concluded")


RECONSIDERATION_OPEN = frozenset(
    {State.RECEIVED, State.AMENDING, State.ACCEPTED, State.ANSWERING, State.REVIEWING, State.SUSPENDED}
)
LITIGATION_OPEN = frozenset({State.FILED, State.TRIAL, State.JUDGED})
OPEN_STATES = RECONSIDERATION_OPEN | LITIGATION_OPEN
CLOSED_STATES = frozenset(set(State.values) - set(OPEN_STATES))


class Appeal(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    respondent = models.ForeignKey(
        "org.OrgNode", verbose_name=_("respondent agency"), on_delete=models.PROTECT, related_name="+"
    )
    organ = models.CharField(_("reconsideration organ or court"), max_length=100)
    court_case_number = models.CharField(_("court case number"), max_length=60, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("penalty case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applicant_kind = models.CharField(_("applicant kind"), max_length=12, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=30, blank=True)
    applicant_address = models.CharField(_("address"), max_length=200, blank=True)
    act = models.TextField(_("act appealed against"), max_length=2000)
    act_number = models.CharField(_("document number of the act"), max_length=60, blank=True)
    acted_on = models.DateField(_("act made on"), null=True, blank=True)
    claims = models.TextField(_("claims"), max_length=4000)
    reasons = models.TextField(_("facts and reasons"), max_length=8000, blank=True)
    known_on = models.DateField(_("applicant knew of the act on"))
    informed = models.BooleanField(_("told of the right to appeal"), default=True)
    received_on = models.DateField(_("received on"))
    in_time = models.BooleanField(_("within the period"), default=True)
    in_time_provisional = models.BooleanField(default=False)
    period_end = models.DateField(_("application period ended on"), null=True, blank=True)
    period_article = models.CharField(max_length=120, blank=True)
    simple = models.BooleanField(_("simple procedure"), default=False)
    tracking_code = models.CharField(_("tracking code"), max_length=24, unique=True, null=True, blank=True)
    # steps
    review_from = models.DateField(_("acceptance review runs from"), null=True, blank=True)
    amendment_notices = models.PositiveSmallIntegerField(default=0)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deemed_accepted = models.BooleanField(default=False)
    copy_received_on = models.DateField(_("copy received by the respondent on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_late = models.BooleanField(null=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    extensions = models.PositiveSmallIntegerField(default=0)
    suspended_on = models.DateField(null=True, blank=True)
    suspension_ground = models.CharField(max_length=30, blank=True)
    suspended_days = models.PositiveIntegerField(default=0)
    resume_state = models.CharField(max_length=12, blank=True)
    instance = models.PositiveSmallIntegerField(_("instance"), default=1)
    judgment_served_on = models.DateField(_("judgment served on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, blank=True)
    outcome_article = models.CharField(max_length=160, blank=True)
    outcome_note = models.TextField(_("outcome note"), max_length=4000, blank=True)
    corrected = models.BooleanField(_("act corrected"), null=True)
    lost = models.BooleanField(_("agency lost"), null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["respondent", "kind", "state"], name="appeal_resp_kind_state_idx"),
            models.Index(fields=["case"], name="appeal_case_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["reconsideration", "litigation"]), name="appeal_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_person(self) -> bool:
        return self.applicant_kind == ApplicantKind.PERSON


class AppealEvent(AppendOnlyModel):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30)
    at = models.DateTimeField()
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=50, blank=True)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    public_note = models.CharField(max_length=500, blank=True)  # what the tracking page shows
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class Hearing(AppendOnlyModel):
    """One hearing in court (or a reconsideration hearing), with who appeared for the agency."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="hearings")
    instance = models.PositiveSmallIntegerField(default=1)
    held_on = models.DateField(_("held on"))
    appearance = models.CharField(
        _("appeared for the agency"),
        max_length=12,
        choices=[
            (Appearance.HEAD.value, _("The head of the agency")),
            (Appearance.STAFF.value, _("Staff of the agency")),
            (Appearance.LAWYER_ONLY.value, _("Only a lawyer")),
            (Appearance.NONE.value, _("Nobody")),
        ],
    )
    head_name = models.CharField(_("head who appeared"), max_length=50, blank=True)
    delegate_name = models.CharField(_("who appeared instead"), max_length=100, blank=True)
    head_required = models.BooleanField(default=False)
    absence_reason = models.TextField(blank=True, max_length=2000)
    compliant = models.BooleanField()
    problem = models.CharField(max_length=40, blank=True)
    article = models.CharField(max_length=160)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "id"]


class FileKind(models.TextChoices):
    RESPONSE_NOTICE = "response_notice", _("Notice of response to the suit (应诉通知书)")
    ATTACHMENT = "attachment", _("Attachment to the application")


class AppealFile(AppendOnlyModel):
    """A file kept with an appeal: the court's notice of response (应诉通知书, uploaded by the agency or
    the organ, with the day it was served) or an attachment the applicant sent with a one-click
    application. Type checked from the bytes, stored by content through `core.files` (`blob`), never
    modified; served only to those handling the appeal (the files often show the applicant)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("kind"), max_length=20, choices=FileKind.choices)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    blob = models.ForeignKey("core.Blob", on_delete=models.PROTECT, related_name="+")
    served_on = models.DateField(_("served on"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]


class AppealDocument(models.Model):
    """A reconsideration 文书 issued by a step (`event`): its number, taken from the shared numbering
    (`core.numbering`) inside the step's transaction, and the PDF as first rendered, stored through
    `core.files` — `blob` in full, `masked_blob` with the applicant masked — so the same bytes are
    served every time. The two blobs are written once (on the first request) and never changed."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="documents")
    code = models.CharField(max_length=30)
    event = models.ForeignKey(AppealEvent, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("document number"), max_length=60)
    issued_on = models.DateField(_("date of issue"))
    blob = models.ForeignKey("core.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    masked_blob = models.ForeignKey(
        "core.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["issued_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="appeal_document_once_per_step"),
        ]

    def __str__(self) -> str:
        return self.number
