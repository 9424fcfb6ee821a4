from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowersConfig(AppConfig):
    name = "zhifa.powers"
    label = "powers"
    verbose_name = _("Power list and law library")

    def ready(self) -> None:
        from zhifa.core.demo import register_demo_step
        from zhifa.core.navigation import HomePanel, NavItem, register_home_panel, register_nav
        from zhifa.org.roles import Role
        from zhifa.powers.demo import seed_powers
        from zhifa.powers.panels import maintenance_panel

        register_demo_step(20, "powers", seed_powers)
        register_nav(NavItem(_("Power list"), "powers:list", order=20))
        register_nav(NavItem(_("Law library"), "powers:laws", order=21))
        register_home_panel(
            HomePanel("powers/panels/maintenance.html", maintenance_panel, frozenset({Role.ADMIN}), order=60)
        )
