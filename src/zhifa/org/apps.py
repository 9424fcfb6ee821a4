from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zhifa.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from zhifa.core.demo import register_demo_step
        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.org.demo import seed_org
        from zhifa.org.roles import Role

        register_demo_step(10, "org", seed_org)
        register_nav(NavItem(_("My work"), "home", order=0))
        # Staff pages in Chinese; the Django admin stays for operators (linked from there).
        register_nav(NavItem(_("Administration"), "org_manage:home", frozenset({Role.ADMIN}), order=900))
