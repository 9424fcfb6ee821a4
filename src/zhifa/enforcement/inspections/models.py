"""双随机、一公开 and the enterprise inspection code (涉企检查码): 一单两库 (the list of inspection items,
the directory of targets; the directory of inspectors is the officers holding a valid credential,
read live), plans, draws, tasks and ratings.

History: draws, task events and ratings are append-only rows (`core.history.AppendOnlyModel`); a
task's state changes only through the workflow engine (`workflow.py`), which writes its event row.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.history import AppendOnlyModel


class ObjectType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL = "individual", _("Individual business")  # 个体工商户: often named after a person
    OTHER = "other", _("Other organisation")


class RiskLevel(models.TextChoices):
    LOW = "low", pgettext_lazy("risk", "Low")
    MEDIUM = "medium", pgettext_lazy("risk", "Medium")
    HIGH = "high", pgettext_lazy("risk", "High")


class Method(models.TextChoices):
    ON_SITE = "on_site", _("On-site inspection")
    DOCUMENTS = "documents", _("Document review")
    ONLINE = "online", _("Online monitoring")
    SAMPLING = "sampling", _("Sampling and testing")


class InspectionItem(models.Model):
    """One line of the 抽查事项清单: what is inspected, on which legal basis, of whom, how often."""

    agency = models.ForeignKey(
        "org.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    code = models.CharField(_("item code"), max_length=40)
    name = models.CharField(_("inspection item"), max_length=200)
    basis = models.TextField(_("legal basis"))
    articles = models.ManyToManyField(
        "powers.Article", blank=True, related_name="+", verbose_name=_("articles")
    )
    object_type = models.CharField(_("object type"), max_length=12, choices=ObjectType.choices)
    ratio = models.DecimalField(_("sampling ratio (%)"), max_digits=5, decimal_places=2)
    frequency = models.PositiveSmallIntegerField(_("times a year"), default=1)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="insp_item_agency_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BytewiseCharField(models.CharField):  # type: ignore[type-arg]
    """A text column compared byte by byte: under the "C" collation on PostgreSQL (whatever the
    database's own collation), SQLite's default (BINARY) elsewhere — SQLite has no collation named
    "C". Its indexes then serve an ORDER BY in the draw's canonical order."""

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class PostgresCoveringIndex(models.Index):
    """An index with non-key columns (`INCLUDE`) on PostgreSQL only — SQLite has no covering indexes
    (Django would warn, models.W040, and leave them out). The draw's pool query (draw id and risk
    level of an agency's targets in canonical order) is then an index-only scan: no sort, and no visit
    to the table, whose rows are in no particular order."""

    def __init__(self, *args: Any, pg_include: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pg_include = tuple(pg_include)

    def deconstruct(self) -> Any:
        path, args, kwargs = super().deconstruct()
        kwargs["pg_include"] = self.pg_include
        return path, args, kwargs

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql" or not self.pg_include:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        covering = copy.copy(self)
        covering.include = self.pg_include
        return models.Index.create_sql(covering, model, schema_editor, using=using, **kwargs)


class Target(models.Model):
    """One entry of the 检查对象名录库 of an agency. `number` is the directory number ("T0000042"),
    the draw id of a target without a credit code (fixed width so it sorts as a number).

    `draw_key` is that draw id stored: a column the database computes from the credit code and the
    number on every write (create, edit, import, bulk load alike), compared bytewise and indexed with
    the agency, so that a plan's pool is read in canonical order by an index scan, not sorted."""

    agency = models.ForeignKey(
        "org.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    number = models.CharField(_("directory number"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    object_type = models.CharField(_("object type"), max_length=12, choices=ObjectType.choices)
    area = models.CharField(_("area"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    no_disturbance = models.BooleanField(_("on the no-disturbance list"), default=False)
    no_disturbance_reason = models.CharField(_("why it is listed"), max_length=300, blank=True)
    conflicted_officers = models.ManyToManyField(
        "officers.Officer", blank=True, related_name="+", verbose_name=_("officers to recuse")
    )
    created_at = models.DateTimeField()
    draw_key = models.GeneratedField(
        expression=models.Case(
            models.When(credit_code="", then=models.F("number")), default=models.F("credit_code")
        ),
        output_field=BytewiseCharField(max_length=18),
        db_persist=True,
        verbose_name=_("draw id"),
    )

    class Meta:
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")
        indexes = [
            PostgresCoveringIndex(
                fields=["agency", "draw_key"], pg_include=["risk_level"], name="insp_target_agency_drawkey"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "credit_code"],
                condition=~models.Q(credit_code=""),
                name="insp_target_agency_uscc_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def draw_id(self) -> str:
        """The id this target has in a draw's pool (docs/inspections.md): its credit code, or its
        directory number when it has none."""
        return self.credit_code or self.number


class Plan(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual plan")
        SPECIAL = "special", _("Special plan")

    agency = models.ForeignKey(
        "org.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("plan name"), max_length=200)
    items = models.ManyToManyField(InspectionItem, related_name="plans", verbose_name=_("inspection items"))
    enforcement_area = models.CharField(
        _("enforcement area"), max_length=50, help_text=_("Inspectors need a credential covering it.")
    )
    # Target filter: empty means any.
    filter_object_type = models.CharField(
        _("object type"), max_length=12, choices=ObjectType.choices, blank=True
    )
    filter_area = models.CharField(_("area"), max_length=100, blank=True)
    filter_industry = models.CharField(_("industry"), max_length=100, blank=True)
    filter_risk_levels = models.JSONField(_("risk levels"), default=list, blank=True)
    ratio = models.DecimalField(
        _("sampling ratio (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    number = models.PositiveIntegerField(_("number of targets"), null=True, blank=True)
    weighted = models.BooleanField(_("risk-weighted draw"), default=False)
    team_size = models.PositiveSmallIntegerField(_("inspectors per target"), default=2)
    starts_on = models.DateField(_("period start"))
    ends_on = models.DateField(_("period end"))
    joint_agencies = models.ManyToManyField(
        "org.OrgNode", blank=True, related_name="+", verbose_name=_("joint departments")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ratio__isnull=False, number__isnull=True)
                | models.Q(ratio__isnull=True, number__isnull=False),
                name="insp_plan_ratio_xor_number",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="insp_plan_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Draw(AppendOnlyModel):
    """One random draw of a plan, kept for anyone to replay (docs/inspections.md, `zhifa-draw-v1`):
    the pool (ids and weights) and its digest were fixed before the seed was generated."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="draws")
    algorithm = models.CharField(max_length=20)
    seed = models.CharField(max_length=64)
    pool_digest = models.CharField(max_length=64)
    # Draws made before the pool was kept in chunks hold it here, [[id, weight], ...] in canonical
    # order; later draws keep it in `PoolChunk` rows (streamed, constant memory) and leave this empty.
    pool = models.JSONField(default=list)
    pool_size = models.PositiveIntegerField(null=True)  # null: a draw with its pool inline
    weights = models.JSONField(default=dict)  # risk level → weight used (empty: unweighted)
    n = models.PositiveIntegerField()
    chosen = models.JSONField(default=list)  # ids in the order of the draw
    # The inspector assignment in the replay format of scripts/verify_draw.py: candidates (inspector
    # ids eligible on the day), team_size, excluded, pair_limit, pair_history, assigned.
    teams = models.JSONField(default=dict)
    reasons = models.JSONField(default=dict)  # listed (无事不扰) target id → recorded reason
    drawn_on = models.DateField()
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")


class PoolChunk(AppendOnlyModel):
    """A slice of a plan's frozen draw pool in its canonical serialisation (docs/inspections.md): lines
    `id<TAB>weight<LF>` in canonical order, `POOL_CHUNK` entries a row. The concatenation of a plan's
    chunks in `index` order, after the line `zhifa-draw-v1<LF>`, hashes (SHA-256) to the draw's pool
    digest. A plan is drawn once, so its chunks are its draw's pool."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="pool_chunks")
    index = models.PositiveIntegerField()
    lines = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "index"], name="insp_poolchunk_unique")]


class State(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ON_SITE = "on_site", _("On site")
    RESULT_RECORDED = "result_recorded", _("Result recorded")
    PUBLISHED = "published", pgettext_lazy("inspection", "Published")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    NO_PROBLEM = "no_problem", _("No problem found")
    PROBLEMS_FOUND = "problems_found", _("Problems found")
    NOT_LOCATED = "not_located", _("Target not found at its address")


class Task(models.Model):
    """One drawn target to inspect. `code` is the inspection code (涉企检查码) printed as a QR code."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks")
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="tasks")
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="tasks")
    code = models.CharField(_("inspection code"), max_length=16, unique=True)
    position = models.PositiveIntegerField()  # rank in the draw, 1-based
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ASSIGNED)
    on_site_on = models.DateField(_("inspected on"), null=True, blank=True)
    result_on = models.DateField(_("result recorded on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    signed_by = models.CharField(_("signed by"), max_length=50, blank=True)
    refusal_note = models.CharField(_("refusal to sign"), max_length=300, blank=True)
    publish_due_on = models.DateField(null=True, blank=True)
    publish_due_provisional = models.BooleanField(default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_in_time = models.BooleanField(null=True, blank=True)
    case_id = models.IntegerField(null=True, blank=True)  # the case a finding was converted into
    case_number = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        indexes = [models.Index(fields=["agency", "state"], name="insp_task_agency_state_idx")]

    def __str__(self) -> str:
        return self.code


class TaskInspector(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="inspectors")
    officer = models.ForeignKey("officers.Officer", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "officer"], name="insp_task_officer_unique")]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.officer_id}"


class TaskEvent(AppendOnlyModel):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20)
    at = models.DateTimeField()
    on = models.DateField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=50, blank=True)
    from_state = models.CharField(max_length=16)
    to_state = models.CharField(max_length=16)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")


class TaskPhoto(AppendOnlyModel):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="photos")
    blob = models.ForeignKey("core.Blob", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")


class Rating(AppendOnlyModel):
    """The enterprise's confirmation and rating of one inspection, given through the code. Anonymous
    to the inspectors: no account, no address kept; they see only aggregates."""

    class Score(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="rating")
    visit_confirmed = models.BooleanField()
    score = models.CharField(max_length=12, choices=Score.choices)
    comment = models.TextField(blank=True)
    at = models.DateTimeField()
    on = models.DateField()
