from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhifa.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_purge_search_orphans, sender=self)

        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.core.roles import Role

        register_nav(NavItem(_("Holiday calendar"), "calendar_years", frozenset({Role.ADMIN}), order=860))

        # {% translate %}, {% static %} and {% url %} with literal arguments worked out once per node
        from zhifa.core.template_memo import install

        install()


def _purge_search_orphans(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # A flush (between transactional tests, `manage.py flush`) empties model tables but not the FTS5
    # index; flush emits post_migrate, so orphaned index rows go here.
    from django.db import connections

    from zhifa.core.search import search_purge_orphans

    if (
        connections[using].vendor == "sqlite"
        and "core_search_fts" in connections[using].introspection.table_names()
    ):
        search_purge_orphans()
