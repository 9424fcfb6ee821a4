"""Enforcement documents (文书): templates with versions, and the documents generated from them.

- `DocumentTemplate`: one per kind of 文书 (code, title, number word, place in the dossier).
- `TemplateVersion`: the body of a template at one point in time. Versions are only added; the
  template's `current` points at the one in use. Version 1 of each comes from the shipped file
  (`documents/wenshu/<code>.html`); administrators add later ones.
- `Document`: one generated 文书 of a case: its number, the template version and the data it was
  rendered from, and the PDF (stored content-addressed in the evidence store, with its SM3 and
  SHA-256). A served document (送达/交付) is frozen: regenerating it is refused. Regenerating one not yet
  served adds a new row that supersedes it — the earlier PDF stays as it was.
  The row exists from the event on (number, data, template version) with `render_state` "rendering";
  the worker renders its PDF after the commit and stores it once (`blob` is set once, never replaced).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentTemplate(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=60)
    number_word = models.CharField(
        _("number word"), max_length=10, help_text=_("e.g. 罚决 in 海城管罚决〔2025〕3号")
    )
    dossier_order = models.PositiveSmallIntegerField(_("place in the dossier"))
    single = models.BooleanField(_("one per case"), default=True)
    current = models.ForeignKey(
        "TemplateVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")

    def __str__(self) -> str:
        return self.title


class TemplateVersion(models.Model):
    class Origin(models.TextChoices):
        BUILTIN = "builtin", _("Shipped with the platform")
        ADMIN = "admin", _("Edited by an administrator")

    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("template body"))
    body_sha256 = models.CharField(max_length=64)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "version"], name="template_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.version}"


class Document(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Generated, not yet served")
        SERVED = "served", _("Served or handed over")
        SUPERSEDED = "superseded", _("Replaced by a newer rendering")

    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="documents")
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="documents")
    code = models.CharField(_("kind"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=100)
    number = models.CharField(_("document number"), max_length=60)

    class Rendering(models.TextChoices):
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Rendering failed, being retried")

    # Empty while the PDF is being rendered; set once, by the first rendering stored (never replaced).
    blob = models.ForeignKey(
        "core.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    render_state = models.CharField(
        _("rendering"), max_length=10, choices=Rendering.choices, default=Rendering.READY
    )
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_error = models.TextField(blank=True)
    render_next_at = models.DateTimeField(null=True, blank=True)  # when the sweep tries (again)
    rendered_at = models.DateTimeField(null=True, blank=True)
    context = models.JSONField(_("data rendered"), default=dict)
    inputs = models.JSONField(_("entered by the officer"), default=dict, blank=True)
    event_id = models.BigIntegerField(_("case event"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(_("generated at"))
    served_on = models.DateField(_("served on"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["case", "code"], name="document_case_code"),
            models.Index(
                fields=["render_next_at"],
                name="document_render_pending",
                condition=~models.Q(render_state="ready"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    @property
    def is_current(self) -> bool:
        return self.state != self.State.SUPERSEDED
