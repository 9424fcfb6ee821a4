"""Complaints and reports (投诉举报) from the public: intake, routing, handling, reply, satisfaction.

A complaint is owned by the agency handling it (`agency`, for scopes) and optionally by one of its units
(`unit`, the queue it sits in). Its history is `ComplaintEvent` rows that are never updated or deleted;
the complaint row carries only the current state and the deadlines computed from `zhifa.law.complaints`.

The complainant's identity (name, phone, ID number, address) lives on the complaint row and is shown
only to the handling unit (see selectors.can_see_identity); the public progress page, the audit log and
every other reader get the status and the replies only (信访工作条例第三十条: reporters' materials are
not passed on).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.history import AppendOnlyError as AppendOnlyError
from zhifa.core.history import AppendOnlyModel as AppendOnlyModel
from zhifa.core.history import AppendOnlyQuerySet as AppendOnlyQuerySet


class Category(models.Model):
    """What the complaint is about (占道经营, 噪声扰民 …) and the agency competent by default."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("competent agency"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "agency"},
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """Where it happens (a district or street), for routing to the unit responsible there."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Category (+ area) → the competent unit. The most specific rule wins; without a rule the
    category's agency receives the complaint with no unit, for its staff to assign."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="rules"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text=_("Empty: any area"),
    )
    node = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("handling unit or agency"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind__in": ["agency", "unit"]},
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "area"], name="complaint_rule_unique"),
            models.UniqueConstraint(
                fields=["category"], condition=models.Q(area__isnull=True), name="complaint_rule_any_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.area or '*'} → {self.node}"


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    HOTLINE_12345 = "12345", _("12345 hotline")
    HOTLINE_12319 = "12319", _("12319 hotline")
    PHONE = "phone", _("Agency complaint line")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    API = "api", _("API")


STAFF_CHANNELS = [Channel.HOTLINE_12345, Channel.HOTLINE_12319, Channel.PHONE, Channel.LETTER, Channel.VISIT]


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Being handled")
    REOPENED = "reopened", _("Reopened")
    CONCLUDED = "concluded", _("Replied")
    REFERRED = "referred", _("Referred to another agency")
    REDIRECTED = "redirected", _("Told where to apply")
    REJECTED = "rejected", _("Not accepted")


OPEN_STATES = (State.RECEIVED, State.ACCEPTED, State.REOPENED)
HANDLING_STATES = (State.ACCEPTED, State.REOPENED)
FINAL_STATES = (State.REFERRED, State.REDIRECTED, State.REJECTED)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Complaint(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=24, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_ref = models.CharField(
        _("hotline ticket number"), max_length=40, blank=True, help_text=_("e.g. the 12345 work order")
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT)
    location = models.CharField(_("location"), max_length=200)
    title = models.CharField(_("summary"), max_length=100)
    content = models.TextField(_("content"))
    subject_name = models.CharField(
        _("complained-about party"), max_length=100, blank=True, help_text=_("Shop, company or person")
    )
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)

    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("complainant's name"), max_length=50, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=20, blank=True)
    complainant_id_number = models.CharField(_("complainant's ID number"), max_length=18, blank=True)
    complainant_address = models.CharField(_("complainant's address"), max_length=200, blank=True)

    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("handling agency"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.RECEIVED)

    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("received on"))
    # acceptance_due, conclusion_due and due_on/due_provisional/due_start are copies of the rows of
    # the shared deadline engine (services/deadlines.py), written only from those rows: the queue
    # filters and sorts on them with one indexed query. Empty only inside the transaction of intake.
    acceptance_due = models.DateField(_("decide on acceptance by"), null=True, blank=True)
    decided_on = models.DateField(_("acceptance decided on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    conclusion_due = models.DateField(_("conclude by"), null=True, blank=True)
    concluded_on = models.DateField(_("replied on"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)
    # The deadline of the current step (acceptance while received, conclusion while handled).
    due_on = models.DateField(_("current deadline"), null=True, blank=True)
    # The day the current period started (receipt, referral, acceptance, re-opening), and whether
    # `due_on` was computed while that year's official calendar was unknown (weekday rule) and must
    # be recomputed once admins enter it.
    due_start = models.DateField(null=True, blank=True)
    due_provisional = models.BooleanField(_("provisional deadline"), default=False)
    last_rating = models.CharField(_("satisfaction"), max_length=20, choices=Rating.choices, blank=True)

    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    case_id = models.BigIntegerField(_("case"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["agency", "state", "due_on"], name="complaint_queue_idx"),
            models.Index(fields=["agency", "received_on"], name="complaint_received_idx"),
            models.Index(fields=["category", "area", "received_on"], name="complaint_dup_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class EventKind(models.TextChoices):
    RECEIVE = "receive", _("Received")
    ASSIGN = "assign", _("Assigned to a unit")
    REFER = "refer", _("Referred")
    REDIRECT = "redirect", _("Told where to apply")
    REJECT = "reject", _("Not accepted")
    ACCEPT = "accept", _("Accepted")
    PROGRESS = "progress", pgettext_lazy("complaint event", "Progress")
    EXTEND = "extend", _("Deadline extended")
    REPLY = "reply", _("Replied")
    FEEDBACK = "feedback", _("Satisfaction feedback")
    REOPEN = "reopen", _("Reopened")
    DUPLICATE = "duplicate", _("Marked as duplicate")
    CONVERT = "convert", _("Converted into a case")
    ATTACH = "attach", _("Attachment added")
    REVIEW_REQUEST = "review_req", _("Review (复查/复核) requested")
    REVIEW_ANSWER = "review_ans", _("Review (复查/复核) answered")


class ComplaintEvent(AppendOnlyModel):
    """One step of the complaint's history. `public_note` is what the complainant sees on the progress
    page; `internal_note` stays with staff. `due_on`/`in_time` record the deadline a deciding or
    concluding step answered to, so on-time statistics never recompute history."""

    # core.prepared.insert may add a row without save(): AppendOnlyModel.save() only refuses updates
    INSERT_WITHOUT_SAVE: ClassVar[bool] = True

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=50, blank=True)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    public_note = models.TextField(_("note to the complainant"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    due_on = models.DateField(null=True, blank=True)
    in_time = models.BooleanField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        indexes = [models.Index(fields=["kind", "on"], name="complaint_event_kind_on_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.kind}@{self.on}"


class ComplaintFeedback(AppendOnlyModel):
    """The complainant's rating of one reply (one per round: the first reply, each reopened reply).
    `agency`/`unit` are who replied, fixed at the time, so statistics follow the unit that did the work."""

    class Source(models.TextChoices):
        WEB = "web", _("Progress page")
        CALLBACK = "callback", _("Callback by staff")
        API = "api", _("API")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="feedback")
    round = models.PositiveSmallIntegerField(_("round"))
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("satisfaction feedback")
        verbose_name_plural = _("satisfaction feedback")
        constraints = [models.UniqueConstraint(fields=["complaint", "round"], name="complaint_feedback_once")]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.round}:{self.rating}"


class ComplaintAttachment(AppendOnlyModel):
    """A file sent with the complaint: type checked by content, hashed (SHA-256 and SM3), stored by
    content through core.files (`blob`; `storage_name` is the blob's name), never modified. Rows from
    before core.files were moved into the store by migration 0003; `blob` is empty only where that
    file was already missing."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    sm3 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200)
    blob = models.ForeignKey(
        "core.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="complaint_attachments"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
