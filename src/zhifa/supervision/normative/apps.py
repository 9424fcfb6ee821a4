from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NormativeConfig(AppConfig):
    name = "zhifa.supervision.normative"
    label = "normative"
    verbose_name = _("Normative documents")

    def ready(self) -> None:
        from zhifa.supervision.normative import registry

        registry.register_all()
