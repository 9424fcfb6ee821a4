"""The law library (法律法规库) and the power list (权力清单) with its discretion benchmarks (裁量基准).

- `Law` / `Article`: statute texts imported from Markdown (`manage.py import_laws`).
- `PowerItem`: the stable identity of a power (its code, responsible agency, area).
- `PowerItemVersion`: the content of one version. Only a draft is edited; publishing makes it the
  live version and supersedes the previous one, which is kept unchanged (cases point at the version
  they used, so a published version is never edited or deleted).
- `Provision`: one legal reference of a version (violated / penalty), linked to an `Article` when it
  resolves, kept as text when it does not (listed for fixing).
- `DiscretionTier`: a tier of the benchmark, on the same basis as the version's fine range.
- `ImportJob`: an import of the CSV/XLSX files, with its progress and row-level errors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Law(models.Model):
    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        ADMINISTRATIVE_REGULATION = "administrative_regulation", _("Administrative regulation")
        LOCAL_REGULATION = "local_regulation", _("Local regulation")
        RULE = "rule", _("Rule")
        JUDICIAL_INTERPRETATION = "judicial_interpretation", _("Judicial interpretation")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("Superseded by a later revision")
        REPEALED = "repealed", _("Repealed")
        NOT_YET = "not_yet", _("Not yet in force")

    title = models.CharField(_("title"), max_length=200)
    short_name = models.CharField(
        _("short name"),
        max_length=100,
        db_index=True,
        help_text=_("As cited in power items, e.g. 城乡规划法"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    revised_on = models.DateField(_("revision date"))
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_FORCE)
    history = models.TextField(_("revision history"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("law")
        verbose_name_plural = _("laws")
        constraints = [
            models.UniqueConstraint(
                fields=["short_name", "revised_on"], name="law_short_name_revision_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "law",
                        "administrative_regulation",
                        "local_regulation",
                        "rule",
                        "judicial_interpretation",
                    ]
                ),
                name="law_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.revised_on:%Y-%m-%d}）"


class Article(models.Model):
    law = models.ForeignKey(Law, on_delete=models.PROTECT, related_name="articles", verbose_name=_("law"))
    number = models.PositiveIntegerField(_("article number"))
    number_text = models.CharField(_("article number as written"), max_length=30)
    chapter = models.CharField(_("chapter"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [models.UniqueConstraint(fields=["law", "number"], name="article_law_number_unique")]

    def __str__(self) -> str:
        return f"{self.law.short_name}{self.number_text}"


class Category(models.TextChoices):
    """权力类别 (the ten categories of the power list)."""

    LICENSING = "licensing", _("Administrative licensing")
    PENALTY = "penalty", _("Administrative penalty")
    COERCION = "coercion", _("Administrative coercion")
    LEVY = "levy", _("Administrative levy")
    PAYMENT = "payment", _("Administrative payment")
    INSPECTION = "inspection", _("Administrative inspection")
    CONFIRMATION = "confirmation", _("Administrative confirmation")
    REWARD = "reward", _("Administrative reward")
    ADJUDICATION = "adjudication", _("Administrative adjudication")
    OTHER = "other", _("Other administrative power")


class PartyType(models.TextChoices):
    PERSON = "person", pgettext_lazy("party type", "Person")
    ORGANISATION = "organisation", pgettext_lazy("party type", "Organisation")
    ANY = "any", pgettext_lazy("party type", "Any")


class PowerItem(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    code = models.CharField(_("code"), max_length=40, unique=True)
    agency = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("responsible agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="power_items",
    )
    area = models.CharField(_("enforcement area"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    published_version = models.ForeignKey(
        "PowerItemVersion",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("power item")
        verbose_name_plural = _("power items")

    def __str__(self) -> str:
        version = self.published_version
        return f"{self.code} {version.name}" if version else self.code


class PowerItemVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    item = models.ForeignKey(PowerItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    name = models.CharField(_("name"), max_length=300)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    violated_provision = models.TextField(_("violated provision"), blank=True)
    penalty_provision = models.TextField(_("penalty provision"), blank=True)
    penalty_text = models.TextField(_("penalty"), blank=True)
    party_type = models.CharField(_("party type"), max_length=14, choices=PartyType.choices)
    fine_min = models.DecimalField(_("minimum fine"), null=True, blank=True, max_digits=14, decimal_places=2)
    fine_max = models.DecimalField(_("maximum fine"), null=True, blank=True, max_digits=14, decimal_places=2)
    fine_basis = models.CharField(
        _("fine basis"),
        max_length=50,
        blank=True,
        help_text=_("'fixed' for yuan; otherwise what the numbers are a percentage, multiple or rate of"),
    )
    other_measures = models.TextField(_("other measures"), blank=True)
    guide = models.TextField(_("procedure and guide"), blank=True)
    source = models.TextField(_("source"), blank=True)
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("power item version")
        verbose_name_plural = _("power item versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="powerversion_item_number_unique"),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="draft"), name="powerversion_one_draft"
            ),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="published"), name="powerversion_one_published"
            ),
            models.CheckConstraint(
                condition=models.Q(fine_min__isnull=True)
                | models.Q(fine_max__isnull=True)
                | models.Q(fine_min__lte=models.F("fine_max")),
                name="powerversion_fine_range",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=[c.value for c in Category]),
                name="powerversion_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number} {self.name}"

    @property
    def is_fixed_amount(self) -> bool:
        return self.fine_basis in ("", "fixed")


class Provision(models.Model):
    """One article cited by a version. `article` is null while the reference does not resolve to the
    law library (the text is kept and the item is listed for fixing)."""

    class Role(models.TextChoices):
        VIOLATED = "violated", _("Violated provision")
        PENALTY = "penalty", _("Penalty provision")

    version = models.ForeignKey(PowerItemVersion, on_delete=models.CASCADE, related_name="provisions")
    role = models.CharField(pgettext_lazy("provision", "role"), max_length=10, choices=Role.choices)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("reference"), max_length=300)
    law_name = models.CharField(_("law"), max_length=100, blank=True)
    article_number = models.PositiveIntegerField(_("article number"), null=True, blank=True)
    clause = models.CharField(_("paragraph or item"), max_length=100, blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="provisions"
    )

    class Meta:
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")

    def __str__(self) -> str:
        return self.text


class DiscretionTier(models.Model):
    """A tier of the discretion benchmark. Amounts are on the version's fine basis (yuan, or percent of
    project cost …); empty min means 'no floor', both empty means the tier sets no amount."""

    version = models.ForeignKey(PowerItemVersion, on_delete=models.CASCADE, related_name="tiers")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tier"), max_length=50)
    circumstances = models.TextField(_("circumstances"), blank=True)
    fine_min = models.DecimalField(_("minimum"), null=True, blank=True, max_digits=14, decimal_places=2)
    fine_max = models.DecimalField(_("maximum"), null=True, blank=True, max_digits=14, decimal_places=2)
    measures = models.TextField(_("measures"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("discretion tier")
        verbose_name_plural = _("discretion tiers")
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="tier_version_name_unique"),
            models.CheckConstraint(
                condition=models.Q(fine_min__isnull=True)
                | models.Q(fine_max__isnull=True)
                | models.Q(fine_min__lte=models.F("fine_max")),
                name="tier_fine_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One import of power items (and tiers). Rows are validated first; only a file without errors is
    written, in one transaction. Progress is recorded here for the page to poll."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        VALIDATING = "validating", _("Checking rows")
        SAVING = "saving", _("Saving")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    agency = models.ForeignKey(
        "org.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.CharField(_("enforcement area"), max_length=50, blank=True)
    publish = models.BooleanField(_("publish at once"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    items_name = models.CharField(max_length=200, blank=True)
    items_data = models.BinaryField(blank=True, default=b"")
    tiers_name = models.CharField(max_length=200, blank=True)
    tiers_data = models.BinaryField(blank=True, default=b"")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.items_name or self.tiers_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
