from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionSetting(models.Model):
    """A jurisdiction's value for a registered setting (law.jurisdiction.REGISTRY)."""

    node = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "government"},
    )
    key = models.CharField(_("setting"), max_length=80)
    value = models.JSONField(_("value"))
    document = models.CharField(_("source document"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("jurisdiction setting")
        verbose_name_plural = _("jurisdiction settings")
        constraints = [models.UniqueConstraint(fields=["node", "key"], name="jurisdiction_setting_unique")]

    def __str__(self) -> str:
        return f"{self.node}: {self.key} = {self.value}"
