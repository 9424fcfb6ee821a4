from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "zhifa.supervision.appeals"
    label = "appeals"
    verbose_name = _("Reconsideration and litigation")

    def ready(self) -> None:
        from zhifa.supervision.appeals import setup

        setup.install()
