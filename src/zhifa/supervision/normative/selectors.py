"""Reads, with visibility: staff see the documents of the agencies in their scope; the public
register shows every published document (valid, and those repealed, replaced or expired)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from zhifa.core import search
from zhifa.foundation.deadlines import services as deadlines
from zhifa.law import normative as rules
from zhifa.org.selectors import scope_agency_ids
from zhifa.supervision.normative.models import (
    LIVE_STATES,
    PUBLIC_STATES,
    CleanupCampaign,
    CleanupItem,
    DocumentFile,
    NormativeDocument,
    NormativeEvent,
    State,
)
from zhifa.supervision.normative.workflow import NORMATIVE, OBJECT_TYPE

SEARCH_KIND = "normative"


def documents_for(*, user: Any) -> QuerySet[NormativeDocument]:
    return NormativeDocument.objects.filter(agency_id__in=scope_agency_ids(user)).select_related("agency")


def document_get_for(*, user: Any, document_id: int) -> NormativeDocument | None:
    return documents_for(user=user).filter(pk=document_id).first()


def events_of(doc: NormativeDocument) -> QuerySet[NormativeEvent]:
    return NormativeEvent.objects.filter(document=doc).order_by("id")


def deadlines_of(doc: NormativeDocument, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each period with its last day, colour and the jurisdiction setting it applied (shown)."""
    rows = deadlines.deadlines_of(deadlines.Subject(OBJECT_TYPE, doc.pk))
    return [{**deadlines.present(r, today=today), "setting": r.setting} for r in rows]


def validity(doc: NormativeDocument, *, today: dt.date | None = None) -> str:
    """not_published / not_yet_effective / valid / expired / repealed; a replaced version counts as
    repealed from the new version's effective date."""
    if doc.state not in PUBLIC_STATES:
        return str(rules.Validity.NOT_PUBLISHED)
    return str(
        rules.validity_on(
            on=today or timezone.localdate(),
            published_on=doc.published_on,
            effective_on=doc.effective_on,
            expires=doc.expires_on,
            repealed_on=doc.repealed_on,
        )
    )


EXTRA_EVENT_LABELS = {
    "create": gettext_lazy("Draft registered"),
    "superseded": gettext_lazy("Replaced by the amended version"),
}


def event_label(kind: str) -> str:
    t = NORMATIVE.table.get(kind)
    return str(t.label if t else EXTRA_EVENT_LABELS.get(kind, kind))


def allowed_events(doc: NormativeDocument, user: Any) -> list[str]:
    return [t.event for t in NORMATIVE.allowed_events(doc, user)]


# --- Queues --------------------------------------------------------------------------------------

DRAFTING_QUEUE = (
    State.DRAFT,
    State.RETURNED,
    State.REVIEWED,
    State.DELIBERATED,
    State.PUBLISHED,
    State.CORRECTING,
)
LEGAL_QUEUE = (State.IN_REVIEW,)
FILING_QUEUE = (State.FILED, State.FILING_REVIEW)


@dataclass(frozen=True)
class QueueRow:
    document: NormativeDocument
    deadline: dict[str, Any] | None


def queue(*, user: Any, states: tuple[str, ...], today: dt.date | None = None) -> list[QueueRow]:
    """Documents waiting in `states`, soonest open deadline first (with its colour)."""
    today = today or timezone.localdate()
    rows = []
    for doc in documents_for(user=user).filter(state__in=states).order_by("id"):
        open_rows = deadlines.open_rows(deadlines.Subject(OBJECT_TYPE, doc.pk))
        first = min(open_rows, key=lambda r: r.due_on, default=None)
        rows.append(QueueRow(doc, deadlines.present(first, today=today) if first else None))
    rows.sort(key=lambda r: (r.deadline is None, r.deadline["due_on"] if r.deadline else dt.date.max))
    return rows


# --- The public register -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterEntry:
    document: NormativeDocument
    status: str
    snippet_html: str


def public_register(*, q: str = "", status: str = "", today: dt.date | None = None) -> list[RegisterEntry]:
    """Published documents; `status=valid` those in force or about to be, `repealed` those no longer
    in force (repealed, replaced by an amendment, expired). `q` searches number, title and text."""
    today = today or timezone.localdate()
    qs = NormativeDocument.objects.filter(state__in=list(PUBLIC_STATES)).select_related("agency")
    snippets: dict[int, str] = {}
    order: list[int] | None = None
    if q.strip():
        hits = search.search_query(kind=SEARCH_KIND, q=q, limit=200)
        snippets = {h.object_id: h.snippet_html for h in hits}
        order = [h.object_id for h in hits]
        qs = qs.filter(pk__in=order)
    entries = [RegisterEntry(d, validity(d, today=today), snippets.get(d.pk, "")) for d in qs]
    if status == "valid":
        entries = [e for e in entries if e.status in {"valid", "not_yet_effective"}]
    elif status == "repealed":
        entries = [e for e in entries if e.status in {"repealed", "expired"}]
    if order is not None:
        rank = {pk: i for i, pk in enumerate(order)}
        entries.sort(key=lambda e: rank.get(e.document.pk, 0))
    else:
        entries.sort(key=lambda e: (e.document.published_on or dt.date.min, e.document.pk), reverse=True)
    return entries


def public_get(*, document_id: int) -> NormativeDocument | None:
    return (
        NormativeDocument.objects.filter(pk=document_id, state__in=list(PUBLIC_STATES))
        .select_related("agency")
        .first()
    )


def public_files(doc: NormativeDocument) -> QuerySet[DocumentFile]:
    """The files the public may download: only the published text of a published version (never a
    draft, an explanation, the comments or a correction file)."""
    if doc.state not in PUBLIC_STATES:
        return DocumentFile.objects.none()
    return doc.files.filter(role=DocumentFile.Role.PUBLISHED).select_related("blob").order_by("id")


def public_file_get(*, document_id: int, file_id: int) -> DocumentFile | None:
    doc = public_get(document_id=document_id)
    return None if doc is None else public_files(doc).filter(pk=file_id).first()


def valid_documents(*, agency_ids: Any, on: dt.date) -> QuerySet[NormativeDocument]:
    return NormativeDocument.objects.filter(
        agency_id__in=list(agency_ids), state__in=list(LIVE_STATES), effective_on__lte=on
    ).exclude(expires_on__lt=on)


def campaigns_for(*, user: Any) -> list[CleanupCampaign]:
    """Campaigns covering at least one agency the user sees (few rows: filtered here)."""
    from zhifa.org.selectors import subtree

    mine = scope_agency_ids(user)
    return [
        c
        for c in CleanupCampaign.objects.select_related("scope").order_by("-id")
        if mine & set(subtree(c.scope).filter(kind="agency").values_list("id", flat=True))
    ]


def cleanup_scopes(*, user: Any) -> list[Any]:
    """Bodies the user may clean up: the agencies in scope and the governments granted to them."""
    from zhifa.org.selectors import agency_get, granted_nodes, scope_agencies

    roles = ("supervisor", "legal_reviewer", "approver")
    nodes = [agency_get(node_id=node_id) for node_id, _agency in granted_nodes(user, roles=roles)]
    governments = [n for n in nodes if n is not None and n.kind == "government"]
    return governments + list(scope_agencies(user, roles=roles))


def campaign_items(campaign: CleanupCampaign) -> QuerySet[CleanupItem]:
    return campaign.items.select_related("document").order_by("id")


def versions_of(doc: NormativeDocument) -> list[NormativeDocument]:
    """Every published version of the document, oldest first (the amendment chain)."""
    first = doc
    while first.previous is not None:
        first = first.previous
    chain = [first]
    while True:
        nxt = NormativeDocument.objects.filter(previous=chain[-1]).first()
        if nxt is None:
            break
        chain.append(nxt)
    return [d for d in chain if d.state in PUBLIC_STATES]
