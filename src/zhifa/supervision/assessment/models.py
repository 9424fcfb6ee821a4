"""The rule-of-law assessment (依法行政考核): indicator sets, rounds, each agency's part in a round
(its self-check and its scores), the materials it files and the history of every score.

An indicator set is a tree of nodes with points; a set never changes once created (an edit is a new
version of the same code and year), so a finished round keeps the set it was scored with. A leaf is
scored one of three ways (`Method`): computed from a registered indicator (`zhifa.core.indicators`) with
a target and a formula, judged by assessors from the materials an agency files, or deduction-based.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.history import AppendOnlyModel


class Method(models.TextChoices):
    COMPUTED = "computed", _("Computed from data")
    JUDGED = "judged", _("Judged from materials")
    DEDUCTION = "deduction", _("Deduction-based")


class Formula(models.TextChoices):
    LINEAR = "linear", _("Full points at the target, linear down to zero")
    THRESHOLD = "threshold", _("Full points at the target, none below")


class IndicatorSet(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    year = models.PositiveIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    total_points = models.DecimalField(_("total points"), max_digits=6, decimal_places=1)
    late_deduction = models.DecimalField(
        _("points deducted for a late self-check"), max_digits=6, decimal_places=1
    )
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        constraints = [
            models.UniqueConstraint(fields=["code", "year", "version"], name="assessment_set_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}，第{self.version}版）"


class SetNode(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("code"), max_length=20)
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("indicator"), max_length=200)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1)
    leaf = models.BooleanField(default=True)
    method = models.CharField(_("scoring method"), max_length=10, choices=Method.choices, blank=True)
    indicator_code = models.CharField(_("registered indicator"), max_length=80, blank=True)
    formula = models.CharField(_("formula"), max_length=10, choices=Formula.choices, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    zero_at = models.DecimalField(_("zero points at"), max_digits=12, decimal_places=2, null=True, blank=True)
    per_item = models.DecimalField(
        _("points per occurrence"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    criteria = models.TextField(_("scoring criteria"), blank=True)
    materials = models.TextField(_("materials required"), blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="assessment_node_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def computed(self) -> bool:
        """Scored from a registered indicator (a computed leaf, or a deduction counted from data)."""
        return self.method == Method.COMPUTED or (
            self.method == Method.DEDUCTION and bool(self.indicator_code)
        )

    @property
    def judged(self) -> bool:
        """Scored from materials: the agency scores itself, the assessor decides."""
        return self.leaf and not self.computed


class Round(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Being set up")
        SELF_CHECK = "self_check", _("Self-check")
        ASSESSING = "assessing", _("Assessment")
        REVIEW = "review", _("Review")
        FINISHED = "finished", pgettext_lazy("assessment round", "Finished")

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveIntegerField(_("year assessed"))
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("indicator set"), on_delete=models.PROTECT, related_name="rounds"
    )
    bureau = models.ForeignKey(
        "org.OrgNode", verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assessors"), related_name="+", blank=True
    )
    self_check_due = models.DateField(_("self-checks due"))
    cutoff_on = models.DateField(_("figures frozen at"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    # The values in force when the round was created (law.assessment settings), kept with the round.
    excellent_min = models.DecimalField(_("优秀 from"), max_digits=6, decimal_places=1)
    good_min = models.DecimalField(_("良好 from"), max_digits=6, decimal_places=1)
    pass_min = models.DecimalField(_("合格 from"), max_digits=6, decimal_places=1)
    late_deduction = models.DecimalField(
        _("points deducted for a late self-check"), max_digits=6, decimal_places=1
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("figures frozen at"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    published_at = models.DateTimeField(_("ranking published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")

    def __str__(self) -> str:
        return self.name


class RoundEvent(AppendOnlyModel):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30)
    at = models.DateTimeField()
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]


class Participant(models.Model):
    """One agency in one round: its self-check (its own workflow) and, once finished, its result."""

    class State(models.TextChoices):
        OPEN = "open", _("Self-check not submitted")
        SUBMITTED = "submitted", _("Self-check submitted")
        RETURNED = "returned", _("Returned for more materials")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="participants")
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    submitted_on = models.DateField(_("self-check submitted on"), null=True, blank=True)
    late = models.BooleanField(_("submitted late"), default=False)
    late_deduction = models.DecimalField(
        _("deducted for lateness"), default=Decimal(0), max_digits=6, decimal_places=1
    )
    # Frozen when the round finishes (ranking.results computes the same figures live before that).
    total = models.DecimalField(_("total"), null=True, blank=True, max_digits=6, decimal_places=1)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("assessed agency")
        verbose_name_plural = _("assessed agencies")
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="assessment_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.agency_id}"


class ParticipantEvent(AppendOnlyModel):
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30)
    at = models.DateTimeField()
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]


class Figure(models.TextChoices):
    NONE = "", _("Not computed yet")
    OK = "ok", _("Computed")
    NO_DATA = "no_data", _("Nothing to count")
    UNREGISTERED = "unregistered", _("未登记")


class LeafScore(models.Model):
    """One leaf for one agency: the figure behind it, the self-score and the assessor's score. The
    current values; every change is also a `ScoreEntry` (history)."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="leaves")
    node = models.ForeignKey(SetNode, on_delete=models.PROTECT, related_name="+")
    figure = models.CharField(max_length=12, choices=Figure.choices, blank=True)
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    computed_score = models.DecimalField(null=True, blank=True, max_digits=6, decimal_places=1)
    frozen = models.BooleanField(default=False)
    self_score = models.DecimalField(null=True, blank=True, max_digits=6, decimal_places=1)
    self_note = models.TextField(blank=True)
    assessor_score = models.DecimalField(null=True, blank=True, max_digits=6, decimal_places=1)
    assessor_note = models.TextField(blank=True)
    adjust_reason = models.TextField(blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "node"], name="assessment_leaf_unique")]

    def __str__(self) -> str:
        return f"{self.participant_id}/{self.node_id}"

    @property
    def final_score(self) -> Decimal | None:
        if self.assessor_score is not None:
            return self.assessor_score
        return self.computed_score if self.node.computed else None

    @property
    def disagreement(self) -> Decimal | None:
        """Assessor minus self-score, where both exist and differ."""
        if self.self_score is None or self.assessor_score is None or self.self_score == self.assessor_score:
            return None
        return self.assessor_score - self.self_score


class ScoreEntry(AppendOnlyModel):
    class Role(models.TextChoices):
        FIGURE = "figure", _("Figure from data")
        SELF = "self", _("Self-score")
        ASSESSOR = "assessor", _("Assessor's score")

    leaf = models.ForeignKey(LeafScore, on_delete=models.PROTECT, related_name="history")
    role = models.CharField(max_length=10, choices=Role.choices)
    score = models.DecimalField(null=True, blank=True, max_digits=6, decimal_places=1)
    note = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]


class Material(AppendOnlyModel):
    leaf = models.ForeignKey(LeafScore, on_delete=models.PROTECT, related_name="materials")
    blob = models.ForeignKey("core.Blob", on_delete=models.PROTECT, related_name="assessment_materials")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
