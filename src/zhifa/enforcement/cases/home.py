"""Home-page panels: the approver's and the legal reviewer's queues, and an officer's own cases. Each
shows how much waits in all (by state, each linked to the full list), then the oldest few."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from zhifa.enforcement.cases import selectors
from zhifa.enforcement.cases.models import Case, State

SHOWN = 10


def _queue(qs: QuerySet[Case], *, list_query: dict[str, Any], **texts: Any) -> dict[str, Any]:
    counts = selectors.count_by_state(qs)
    labels = dict(State.choices)
    url = reverse("cases:list")
    by_state = [
        {
            "label": str(labels.get(state, state)),
            "count": n,
            "url": f"{url}?{urlencode({**list_query, 'state': state}, doseq=True)}",
        }
        for state, n in sorted(counts.items(), key=lambda kv: list(labels).index(kv[0]))
    ]
    return {
        **texts,
        "cases": list(qs[:SHOWN]),
        "total": sum(counts.values()),
        "by_state": by_state,
        "more_url": f"{url}?{urlencode(list_query, doseq=True)}" if list_query else url,
    }


def approver_panel(user: Any) -> dict[str, Any] | None:
    return _queue(
        selectors.approver_waiting(user=user),
        list_query={"state": [State.REGISTERED, State.NOTIFIED], "procedure": "ordinary"},
        title=_("Waiting for my approval"),
        empty=_("Nothing waits for your approval."),
    )


def reviewer_panel(user: Any) -> dict[str, Any] | None:
    return _queue(
        selectors.reviewer_waiting(user=user),
        list_query={"state": [State.LEGAL_REVIEW]},
        title=_("Waiting for legal review"),
        empty=_("No case waits for legal review."),
    )


def my_cases_panel(user: Any) -> dict[str, Any] | None:
    return _queue(
        selectors.my_open_cases(user=user),
        list_query={"mine": "1"},
        title=_("My open cases"),
        empty=_("You handle no open case."),
    )
