from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeizuresConfig(AppConfig):
    name = "zhifa.enforcement.seizures"
    label = "seizures"
    verbose_name = _("Seized items")
