"""Normative documents (行政规范性文件): the document and its versions, the legality reviews of its
drafts, its filing (备案) with the supervising body and the review of that filing, clean-up campaigns
(清理), and the append-only history every step writes. The rules are `zhifa.law.normative`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.history import AppendOnlyModel


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In legality review")
    RETURNED = "returned", _("Returned by the legality review")
    REVIEWED = "reviewed", _("Legality review passed")
    DELIBERATED = "deliberated", _("Deliberated collectively")
    PUBLISHED = "published", _("Published, not yet filed")
    FILED = "filed", _("Filed, awaiting receipt")
    FILING_REVIEW = "filing_review", _("Under filing review")
    CORRECTING = "correcting", _("Correction required")
    IN_FORCE = "in_force", _("Filing review closed")
    SUPERSEDED = "superseded", _("Replaced by an amended version")
    REPEALED = "repealed", pgettext_lazy("normative document", "Repealed")
    EXPIRED = "expired", pgettext_lazy("normative document", "Expired")


DRAFTING_STATES = frozenset({State.DRAFT, State.IN_REVIEW, State.RETURNED, State.REVIEWED, State.DELIBERATED})
# Published and not ended: the document binds (from its effective date) and may be amended or repealed.
LIVE_STATES = frozenset({State.PUBLISHED, State.FILED, State.FILING_REVIEW, State.CORRECTING, State.IN_FORCE})
ENDED_STATES = frozenset({State.SUPERSEDED, State.REPEALED, State.EXPIRED})
PUBLIC_STATES = LIVE_STATES | ENDED_STATES


class NormativeDocument(models.Model):
    """One version of a normative document. An amendment is a new row pointing at the version it
    replaces (`previous`); the old one is kept and marked superseded when the new one is published."""

    agency = models.ForeignKey(
        "org.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("drafting agency")
    )
    title = models.CharField(_("title"), max_length=200)
    basis = models.TextField(_("legal basis"))
    explanation = models.TextField(_("drafting explanation"), blank=True)
    public_comment = models.BooleanField(_("public comment sought"), default=False)
    public_comment_summary = models.TextField(_("summary of public comment"), blank=True)
    trial = models.BooleanField(_("interim or trial (暂行/试行)"), default=False)
    text = models.TextField(_("text"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("amends"),
    )

    number = models.CharField(_("document number"), max_length=60, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"), null=True, blank=True)
    validity_setting = models.JSONField(_("validity setting applied"), default=dict, blank=True)
    repealed_on = models.DateField(_("repealed on"), null=True, blank=True)
    repeal_reason = models.TextField(_("reason for repeal"), blank=True)
    expired_on = models.DateField(_("expired on"), null=True, blank=True)

    deliberated_on = models.DateField(_("deliberated on"), null=True, blank=True)
    deliberation_meeting = models.CharField(_("meeting"), max_length=200, blank=True)
    deliberation_record = models.TextField(_("deliberation record"), blank=True)

    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("normative document")
        verbose_name_plural = _("normative documents")
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="normative_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["agency", "state"]), models.Index(fields=["expires_on"])]

    def __str__(self) -> str:
        return self.number or self.title


class DocumentFile(AppendOnlyModel):
    """A file of the document (draft text, explanation, published text, correction …) kept in the
    shared store; never replaced, only added."""

    class Role(models.TextChoices):
        DRAFT = "draft", _("Draft text")
        EXPLANATION = "explanation", _("Drafting explanation")
        COMMENTS = "comments", _("Public comments")
        PUBLISHED = "published", _("Published text")
        CORRECTION = "correction", _("Correction")
        OTHER = "other", _("Other")

    document = models.ForeignKey(NormativeDocument, on_delete=models.PROTECT, related_name="files")
    blob = models.ForeignKey("core.Blob", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("kind of file"), max_length=12, choices=Role.choices)
    name = models.CharField(_("file name"), max_length=200)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ("id",)


class LegalityReview(models.Model):
    """One submission of a draft to the legal office (合法性审核). The checklist starts empty: each
    point of `law.normative.LEGALITY_CHECKLIST` needs an explicit answer before a result."""

    document = models.ForeignKey(NormativeDocument, on_delete=models.PROTECT, related_name="reviews")
    submitted_on = models.DateField(_("submitted on"))
    due_on = models.DateField(_("review due on"))
    due_provisional = models.BooleanField(default=False)
    setting = models.JSONField(default=dict, blank=True)
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    opinion = models.TextField(_("review opinion"), blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    reviewed_on = models.DateField(_("date of review"), null=True, blank=True)
    too_quick = models.BooleanField(default=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.document_id}/review/{self.pk}"


class FilingResult(models.TextChoices):
    NO_OBJECTION = "no_objection", _("No objection")
    CORRECTION = "correction", _("Correction required")


class Filing(models.Model):
    """The filing (备案) of one published version with the supervising body and its review."""

    document = models.OneToOneField(NormativeDocument, on_delete=models.PROTECT, related_name="filing")
    body = models.ForeignKey(
        "org.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("supervising body")
    )
    filed_on = models.DateField(_("filing date"))
    due_on = models.DateField(_("filing due on"))
    late = models.BooleanField(_("filed late"), default=False)
    provisional = models.BooleanField(default=False)
    setting = models.JSONField(_("filing setting applied"), default=dict, blank=True)
    received_on = models.DateField(_("date of receipt"), null=True, blank=True)
    review_due_on = models.DateField(_("review due on"), null=True, blank=True)
    result = models.CharField(_("review result"), max_length=16, choices=FilingResult.choices, blank=True)
    reviewed_on = models.DateField(_("date of review"), null=True, blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    correction_due_on = models.DateField(_("correction due on"), null=True, blank=True)
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    correction = models.TextField(_("correction made"), blank=True)
    correction_late = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.document_id}/filing"


class NormativeEvent(AppendOnlyModel):
    """The append-only history of a document (one row per workflow step)."""

    document = models.ForeignKey(NormativeDocument, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20)
    at = models.DateTimeField()
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=50, blank=True)
    from_state = models.CharField(max_length=16)
    to_state = models.CharField(max_length=16)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("id",)


class Decision(models.TextChoices):
    RETAIN = "retain", _("Retain")
    AMEND = "amend", _("Amend")
    REPEAL = "repeal", _("Repeal")


class CleanupCampaign(models.Model):
    """A periodic clean-up (清理): every document valid in the scope when it starts gets an item,
    and each item a decision (保留/修改/废止)."""

    scope = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    started_on = models.DateField(_("started on"))
    closed_on = models.DateField(_("campaign closed on"), null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ("-id",)

    def __str__(self) -> str:
        return self.name


class CleanupItem(models.Model):
    campaign = models.ForeignKey(CleanupCampaign, on_delete=models.PROTECT, related_name="items")
    document = models.ForeignKey(NormativeDocument, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=["campaign", "document"], name="normative_cleanup_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.document_id}"
