"""The appeals panel on the case page (through `cases.hooks.register_case_panel`) and the navigation."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from zhifa.core.navigation import NavItem, register_nav
from zhifa.org.roles import Role


def case_panel(request: Any, case: Any) -> str:
    from zhifa.supervision.appeals.selectors import appeals_for_case

    appeals = appeals_for_case(user=request.user, case_id=case.pk)
    if not appeals:
        return ""
    # no request: the panel shows nothing of it (a RequestContext ran every context processor again)
    return render_to_string("appeals/_case_panel.html", {"appeals": appeals})


def register() -> None:
    from zhifa.enforcement.cases.hooks import register_case_panel

    register_case_panel(case_panel)
    register_nav(
        NavItem(
            _("Reconsideration and litigation"),
            "appeals:queue",
            roles=frozenset({Role.SUPERVISOR, Role.APPROVER, Role.LEGAL_REVIEWER}),
            order=650,
        )
    )
