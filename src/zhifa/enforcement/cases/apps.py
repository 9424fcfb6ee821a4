from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zhifa.enforcement.cases"
    label = "cases"
    verbose_name = _("Penalty cases")

    def ready(self) -> None:
        # The settings of law.penalty (statement period, report period, confiscation thresholds)
        # register when the module is imported; the case workflow needs them from the start.
        from zhifa.core.demo import register_demo_step
        from zhifa.core.navigation import HomePanel, NavItem, register_home_panel, register_nav
        from zhifa.core.workflow_doc import register_doc
        from zhifa.enforcement.cases import deadlines as case_deadlines
        from zhifa.enforcement.cases import (
            diagram,
            events,  # noqa: F401 — registers the event handlers
            home,
            indicators,
        )
        from zhifa.enforcement.cases.demo import seed_cases
        from zhifa.enforcement.cases.events.base import CASH_KIND
        from zhifa.foundation.alerts.kinds import register_kind
        from zhifa.foundation.deadlines.services import register_deadline_kind
        from zhifa.law import penalty  # noqa: F401
        from zhifa.org.roles import Role

        indicators.register()
        register_kind("case_deadline", _("Case deadline overdue"))
        register_kind("service_late", _("Decision served late"))
        register_kind("discovery_backdated", _("Lead registered with a backdated discovery date"))
        register_nav(NavItem(_("Cases"), "cases:list", order=10))  # 案件 first: it is the daily work
        register_nav(NavItem(_("On the spot"), "cases:on_spot", roles=frozenset({Role.OFFICER}), order=11))
        register_deadline_kind(CASH_KIND, _("Cash collected on the spot handed in (行政处罚法第七十一条)"))
        register_home_panel(
            HomePanel("cases/home_approver.html", home.approver_panel, frozenset({Role.APPROVER}), order=100)
        )
        register_home_panel(
            HomePanel(
                "cases/home_reviewer.html", home.reviewer_panel, frozenset({Role.LEGAL_REVIEWER}), order=110
            )
        )
        register_demo_step(40, "cases", seed_cases)
        from zhifa.enforcement.cases.demo_market import seed_market_cases

        register_demo_step(41, "cases_market", seed_market_cases)
        case_deadlines.register()  # the case rows on the shared deadline engine: keys, alert, recompute
        register_doc("docs/workflow.md", diagram.render)
        register_home_panel(
            HomePanel("cases/home_mine.html", home.my_cases_panel, frozenset({Role.OFFICER}), order=120)
        )
        # the supervision centre's problem models over this app's data (core.problems)
        from zhifa.enforcement.cases import problems as _problems

        _problems.register()
