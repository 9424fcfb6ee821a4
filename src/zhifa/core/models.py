"""Core tables: the working-day calendar that admins extend, gap-free number counters, and stored files
(`zhifa.core.files.models`, imported here so Django registers them with the core app)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An arranged day of the State Council's notice: a day off (every day of a festival's holiday,
    weekends included, named after the festival) or an adjusted working day (调休上班) on a weekend.
    Overrides the `chinesecalendar` package for that date. Written by `core.services.calendar_year_enter`
    (or edited one by one in the Django admin)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Statutory holiday")
        WORKDAY = "workday", _("Adjusted working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year whose official calendar an administrator has entered completely in CalendarDay. Without
    such a row, days of a year unknown to `chinesecalendar` follow the weekday rule *provisionally*
    (docs/calendar.md)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, help_text=_("e.g. the State Council notice"))
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class Counter(models.Model):
    """One row per numbering key (e.g. agency + kind + year). Services lock it with select_for_update
    (on SQLite the IMMEDIATE write transaction serialises it) so numbers are gap-free and unique."""

    key = models.CharField(max_length=200, unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class StateCount(models.Model):
    """How many objects of a workflow are in each state, per agency: what a list's exact count reads
    instead of counting a million rows (`zhifa.core.state_counts`). Written only by the workflow
    engine's door (`apply_event`) and a domain's creating door, in their transaction. Each (workflow,
    agency, state) is split over `state_counts.SHARDS` rows chosen by the object's id, so concurrent
    events of different objects rarely wait for the same row; a count is the sum of the shards."""

    workflow = models.CharField(max_length=40)
    agency_id = models.BigIntegerField()  # no foreign key: core stays below org
    state = models.CharField(max_length=40)
    shard = models.PositiveSmallIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("state count")
        verbose_name_plural = _("state counts")
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "agency_id", "state", "shard"], name="statecount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workflow}:{self.agency_id}:{self.state}#{self.shard}={self.n}"


class StateTally(models.Model):
    """The roll-up the statistics read instead of grouping a million rows (`zhifa.core.state_counts`):
    per workflow, agency, month of registration (local time, the first day of the month), state and
    category, how many objects there are with the sum of their two amounts (for cases: the fines
    decided and the amounts paid). Written only where `StateCount` is — the workflow engine's door and a
    domain's creating door, in their transaction — split over the same shards by the object's id. A
    row that comes back to nothing is deleted, so the table holds about one row per (agency, month,
    state, category) in use, not one per object."""

    workflow = models.CharField(max_length=40)
    agency_id = models.BigIntegerField()  # no foreign key: core stays below org
    month = models.DateField()
    state = models.CharField(max_length=40)
    category = models.CharField(max_length=40, blank=True)
    shard = models.PositiveSmallIntegerField()
    n = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    paid = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("state tally")
        verbose_name_plural = _("state tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "agency_id", "month", "state", "category", "shard"],
                name="statetally_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workflow}:{self.agency_id}:{self.month:%Y-%m}:{self.state}:{self.category}#{self.shard}={self.n}"


class SearchDocument(models.Model):
    """One searchable object (an article, a power item, a case …) for `zhifa.core.search`.

    `title`/`body` keep the original text for snippets. The index itself is vendor-specific and is
    created by migration 0002: an FTS5 table `core_search_fts` on SQLite, a `vector tsvector` column
    with a GIN index on PostgreSQL. Write only through `core.search` so the two stay in step.
    """

    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    agency_id = models.BigIntegerField(null=True, blank=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Multiplies the text rank, so a kind can favour some documents (e.g. penalty articles).
    weight = models.FloatField(default=1.0)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_kind_object_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class QueuedTask(models.Model):
    """A task handed to the worker, kept in the database until it has run (a transactional outbox).

    huey on Redis drops a message as soon as a worker takes it, and an enqueue while Redis is down
    raises after the request's write has committed: either way a task was lost. Every enqueue first
    writes this row; the worker claims it (pending → running, with its host and pid), runs it and marks
    it done. `zhifa.core.tasks.sweep` hands pending rows to the queue again and takes back rows whose
    worker died, so a task runs at least once; domain tasks are idempotent, so its effect is applied
    once (docs/deployment.md, "Faults")."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    task_path = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    run_after = models.DateTimeField(_("run after"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("enqueued at"))
    pushed_at = models.DateTimeField(_("handed to the queue at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=120, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [models.Index(fields=["state", "run_after"], name="core_queuedtask_state_idx")]

    def __str__(self) -> str:
        return f"{self.task_path} #{self.pk} {self.state}"


from zhifa.core.files.models import Blob, BlobCheck  # noqa: E402, F401  (registered with the core app)
