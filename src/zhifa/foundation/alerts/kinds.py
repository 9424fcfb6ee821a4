"""Alert kinds: apps register theirs (code → translated label) in AppConfig.ready()."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

KINDS: dict[str, str | Promise] = {}


def register_kind(code: str, label: str | Promise) -> None:
    KINDS[code] = label


def kind_label(code: str) -> str:
    return str(KINDS.get(code, code))


# Where an alert's object is shown. Most objects have their own page named by URL (no import of the
# app); an app whose alert points at a row without a page of its own (a credential, an on-site action)
# registers a resolver that maps a batch of object ids to the page that shows them.
LinkResolver = Callable[[list[str]], dict[str, str]]
OBJECT_PAGES: dict[str, tuple[str, str]] = {
    "cases.case": ("cases:detail", "case_id"),
    "complaints.complaint": ("complaints:detail", "complaint_id"),
    "evidence.evidence": ("evidence:detail", "evidence_id"),
    "seizures.seizure": ("seizures:detail", "seizure_id"),
    "inspections.task": ("inspections:task", "task_id"),
    "portal.publisheddecision": ("portal:manage_detail", "decision_id"),
}
LINK_RESOLVERS: dict[str, LinkResolver] = {}


def register_object_link(object_type: str, resolver: LinkResolver) -> None:
    LINK_RESOLVERS[object_type] = resolver


def attach_links(alerts: Iterable[Any]) -> None:
    """Set `link` (a URL or "") on each alert: one resolver call per object type on the page."""
    rows = list(alerts)
    by_type: dict[str, list[str]] = {}
    for alert in rows:
        if alert.object_type and alert.object_id:
            by_type.setdefault(alert.object_type, []).append(str(alert.object_id))
    links: dict[tuple[str, str], str] = {}
    for object_type, ids in by_type.items():
        if object_type in LINK_RESOLVERS:
            for object_id, url in LINK_RESOLVERS[object_type](ids).items():
                links[(object_type, object_id)] = url
        elif object_type in OBJECT_PAGES:
            name, kwarg = OBJECT_PAGES[object_type]
            for object_id in ids:
                if object_id.isdigit():
                    with contextlib.suppress(NoReverseMatch):  # an app not installed here
                        links[(object_type, object_id)] = reverse(name, kwargs={kwarg: int(object_id)})
    for alert in rows:
        alert.link = links.get((alert.object_type, str(alert.object_id)), "")
