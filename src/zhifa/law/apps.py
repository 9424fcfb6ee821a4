from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawConfig(AppConfig):
    name = "zhifa.law"
    label = "law"
    verbose_name = _("Statutory rules")
