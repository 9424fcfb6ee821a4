from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    name = "zhifa.officers"
    label = "officers"
    verbose_name = _("Officers")

    def ready(self) -> None:
        import zhifa.law.officers  # noqa: F401  (registers the training and exam settings)
        from zhifa.core.demo import register_demo_step
        from zhifa.core.navigation import HomePanel, NavItem, register_home_panel, register_nav
        from zhifa.foundation.alerts.kinds import register_kind
        from zhifa.officers import indicators
        from zhifa.officers.demo import seed_officers
        from zhifa.officers.panels import attention_panel, my_credential_panel
        from zhifa.officers.views import VIEW_ROLES
        from zhifa.org.roles import Role

        indicators.register()
        from zhifa.foundation.deadlines.services import register_deadline_kind, register_object_type
        from zhifa.officers import deadlines as dues

        # Credential dates are engine rows; the credential alerts below stay the officers' own.
        register_object_type(dues.OBJECT_TYPE, describe=dues.describe, own_alerts=True)
        register_deadline_kind(dues.EXPIRY, _("Credential expiry"))
        register_deadline_kind(dues.REVIEW, _("Annual review of the credential"))
        register_kind("credential_expiring", _("Credential expiring or expired"))
        register_kind("credential_review_due", _("Credential annual review due"))
        from zhifa.foundation.alerts.kinds import register_object_link
        from zhifa.officers.alerts import credential_links

        register_object_link("officers.credential", credential_links)
        register_nav(NavItem(_("Officers"), "officers:list", frozenset(VIEW_ROLES), order=40))
        register_home_panel(HomePanel("officers/panels/my_credential.html", my_credential_panel, order=20))
        register_home_panel(
            HomePanel(
                "officers/panels/attention.html",
                attention_panel,
                frozenset({Role.ADMIN, Role.SUPERVISOR}),
                order=60,
            )
        )
        register_demo_step(30, "officers", seed_officers)
