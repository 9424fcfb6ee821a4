from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowersConfig(AppConfig):
    name = "zhifa.powers"
    label = "powers"
    verbose_name = _("Power list and law library")

    def ready(self) -> None:
        from zhifa.core.demo import register_demo_step
        from zhifa.powers.demo import seed_powers

        register_demo_step(20, "powers", seed_powers)
