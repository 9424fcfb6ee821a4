"""Home-page panels: the approver's and the legal reviewer's queues, and an officer's own cases."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from zhifa.enforcement.cases import selectors


def approver_panel(user: Any) -> dict[str, Any] | None:
    return {
        "title": _("Waiting for my approval"),
        "cases": list(selectors.approver_queue(user=user)),
        "empty": _("Nothing waits for your approval."),
        "more_url": reverse("cases:list") + "?state=registered&state=notified",
    }


def reviewer_panel(user: Any) -> dict[str, Any] | None:
    return {
        "title": _("Waiting for legal review"),
        "cases": list(selectors.reviewer_queue(user=user)),
        "empty": _("No case waits for legal review."),
        "more_url": reverse("cases:list") + "?state=legal_review",
    }


def my_cases_panel(user: Any) -> dict[str, Any] | None:
    return {
        "title": _("My open cases"),
        "cases": list(selectors.my_cases(user=user)),
        "empty": _("You handle no open case."),
        "more_url": reverse("cases:list") + "?mine=1",
    }
