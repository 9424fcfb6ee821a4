from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    name = "zhifa.officers"
    label = "officers"
    verbose_name = _("Officers")

    def ready(self) -> None:
        import zhifa.law.officers  # noqa: F401  (registers the training and exam settings)
