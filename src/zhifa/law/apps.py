from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawConfig(AppConfig):
    name = "zhifa.law"
    label = "law"
    verbose_name = _("Statutory rules")

    def ready(self) -> None:
        # Rule modules register their jurisdiction settings on import; import them all so the admin
        # and `jurisdiction_setting_set` know every key before the apps that use them are loaded.
        from zhifa.law import (  # noqa: F401
            assessment,
            coercion,
            deliberation,
            discovery,
            litigation,
            normative,
            penalty,
            reconsideration,
            records,
            seizure,
            supervision,
        )
