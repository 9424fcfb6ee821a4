"""Dossier review campaigns (案卷评查): rubrics, campaigns, the frozen pool and the sample drawn from it,
score sheets and rectification notices (整改通知).

Rubrics are versioned: a change adds a new version (same `code`, next `version`); a campaign points at
the version it scores with, so a later edit never changes a finished campaign's scores. Score sheets are
append-only: a rescoring adds a sheet and the file points at its current one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.history import AppendOnlyModel


class Section(models.TextChoices):
    VETO = "veto", _("Veto item")
    FORM = "form", _("Form (卷面)")
    SUBSTANCE = "substance", _("Substance (内容)")


class Rubric(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    form_points = models.DecimalField(
        _("points for form"), max_digits=5, decimal_places=1, default=Decimal(20)
    )
    substance_points = models.DecimalField(
        _("points for substance"), max_digits=5, decimal_places=1, default=Decimal(80)
    )
    excellent_min = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=1, default=Decimal(90)
    )
    pass_min = models.DecimalField(_("pass from"), max_digits=5, decimal_places=1, default=Decimal(60))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("review rubric")
        verbose_name_plural = _("review rubrics")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="rubric_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def total_points(self) -> Decimal:
        return self.form_points + self.substance_points


class RubricItem(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    section = models.CharField(_("section"), max_length=10, choices=Section.choices)
    text = models.CharField(_("item"), max_length=300)
    max_deduction = models.DecimalField(
        _("maximum deduction"), max_digits=5, decimal_places=1, default=Decimal(0)
    )  # 0 for a veto item
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    auto_check = models.CharField(_("automatic check"), max_length=40, blank=True)  # precheck.CHECKS key
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="rubricitem_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Campaign(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual review")
        SPECIAL = "special", _("Special review (专项)")

    class State(models.TextChoices):
        SETUP = "setup", _("Being set up")
        DRAWN = "drawn", _("Sample drawn, under review")
        FINISHED = "finished", pgettext_lazy("review campaign", "Finished")

    class SampleMode(models.TextChoices):
        COUNT = "count", _("A number of files per agency")
        SHARE = "share", _("A share of the files per agency")

    class Strata(models.TextChoices):
        NONE = "", _("No strata")
        PROCEDURE = "procedure", _("By procedure")
        CATEGORY = "category", _("By power category")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    bureau = models.ForeignKey(
        "org.OrgNode", verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="+")
    agencies = models.ManyToManyField("org.OrgNode", verbose_name=_("agencies covered"), related_name="+")
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), related_name="+", blank=True
    )
    closed_from = models.DateField(_("cases closed from"))
    closed_to = models.DateField(_("cases closed to"))
    sample_mode = models.CharField(_("sample rule"), max_length=5, choices=SampleMode.choices)
    sample_count = models.PositiveIntegerField(_("files per agency"), null=True, blank=True)
    sample_share = models.DecimalField(
        _("share of files (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    strata = models.CharField(_("strata"), max_length=10, choices=Strata.choices, blank=True)
    due_on = models.DateField(_("campaign due on"))
    rectification_days = models.PositiveIntegerField(_("days to rectify"), default=30)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SETUP)

    seed = models.CharField(_("draw seed"), max_length=64, blank=True)
    pool_digest = models.CharField(_("pool digest"), max_length=64, blank=True)
    pool_size = models.PositiveIntegerField(_("files in the pool"), default=0)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    # Progress of the automatic pre-check, run after the draw commits by a background task in chunks
    # (`services.precheck_chunk`). The counts are recounted from the files after each chunk, never
    # incremented, so a chunk run twice leaves them as they were.
    precheck_total = models.PositiveIntegerField(_("files to pre-check"), default=0)
    precheck_done = models.PositiveIntegerField(_("files pre-checked"), default=0)
    precheck_failed = models.PositiveIntegerField(_("files the pre-check could not evaluate"), default=0)
    precheck_started_at = models.DateTimeField(_("pre-check started at"), null=True, blank=True)
    precheck_finished_at = models.DateTimeField(_("pre-check finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_from__lte=models.F("closed_to")), name="campaign_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def precheck_state(self) -> str:
        """none (not drawn), running, done, or done_with_failures."""
        if self.precheck_started_at is None:
            return "none"
        if self.precheck_finished_at is None:
            return "running"
        return "done_with_failures" if self.precheck_failed else "done"

    @property
    def precheck_percent(self) -> int:
        if self.precheck_finished_at is not None:
            return 100
        if not self.precheck_total:
            return 0
        return min(100, (self.precheck_done + self.precheck_failed) * 100 // self.precheck_total)


class CampaignEvent(AppendOnlyModel):
    """One event of a campaign's workflow (`workflow.py`): the columns `core.workflow.event_row` fills."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20)
    at = models.DateTimeField()
    on = models.DateField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=50, blank=True)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")


class PoolEntry(models.Model):
    """One closed case file of the frozen pool: what the draw drew from, kept as it was at draw time."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pool")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(_("stratum"), max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "case"], name="poolentry_unique")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.case_id}"


class DrawGroup(models.Model):
    """One draw of the campaign: the pool of one agency (and stratum), its digest and the number drawn."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="groups")
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(_("stratum"), max_length=40, blank=True)
    pool_size = models.PositiveIntegerField(_("files in the pool"))
    pool_digest = models.CharField(_("pool digest"), max_length=64)
    n = models.PositiveIntegerField(_("files drawn"))
    chosen = models.JSONField(default=list)  # entry ids in draw order
    ranks = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "agency", "stratum"], name="drawgroup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.agency_id}/{self.stratum}"


class SampledFile(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("To review")
        SCORED = "scored", _("Scored")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="files")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(_("stratum"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("place in the draw"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    precheck = models.JSONField(_("automatic pre-check"), default=list, blank=True)
    prechecked_at = models.DateTimeField(null=True, blank=True)
    # Why the background pre-check could not evaluate this file (empty when it ran or has not run yet).
    precheck_error = models.CharField(_("pre-check error"), max_length=500, blank=True)
    current_sheet = models.ForeignKey(
        "ScoreSheet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("sampled file")
        verbose_name_plural = _("sampled files")
        constraints = [models.UniqueConstraint(fields=["campaign", "case"], name="sampledfile_unique")]
        indexes = [
            models.Index(fields=["campaign", "agency"], name="sampledfile_campaign_agency"),
            models.Index(fields=["campaign", "prechecked_at"], name="sampledfile_campaign_prechk"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.position}"


class ScoreSheet(models.Model):
    """One scoring of a file (append-only: a rescoring adds a sheet)."""

    file = models.ForeignKey(SampledFile, on_delete=models.PROTECT, related_name="sheets")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    form_score = models.DecimalField(_("form"), max_digits=5, decimal_places=1)
    substance_score = models.DecimalField(_("substance"), max_digits=5, decimal_places=1)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("grade"), max_length=12)
    scored_at = models.DateTimeField(_("scored at"))

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self) -> str:
        return f"{self.file_id}: {self.score}"


class ScoreLine(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="lines")
    code = models.CharField(_("code"), max_length=20)
    section = models.CharField(_("section"), max_length=10, choices=Section.choices)
    deduction = models.DecimalField(_("deduction"), max_digits=5, decimal_places=1, default=Decimal(0))
    vetoed = models.BooleanField(default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    proposed = models.CharField(_("proposed by the pre-check"), max_length=40, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} −{self.deduction}"


class RectificationNotice(models.Model):
    class State(models.TextChoices):
        ISSUED = "issued", _("Issued, awaiting response")
        RESPONDED = "responded", _("Agency responded")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="notices")
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("rectify by"))
    due_provisional = models.BooleanField(default=False)
    text = models.TextField(_("requirements"))
    failed_files = models.JSONField(default=list)  # sampled-file ids
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ISSUED)
    response = models.TextField(_("agency's response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        constraints = [models.UniqueConstraint(fields=["campaign", "agency"], name="notice_unique")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.agency_id}"

    @property
    def on_time(self) -> bool | None:
        if self.responded_on is None:
            return None
        return self.responded_on <= self.due_on
