"""Reads of evidence, restricted to what the user may see (the org-tree scope)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from zhifa.core.errors import NotFound
from zhifa.core.files.models import Blob, BlobCheck
from zhifa.enforcement.evidence import permissions
from zhifa.enforcement.evidence.models import Destruction, Evidence, SiteAction
from zhifa.org.selectors import restrict_to_scope


@dataclass(frozen=True)
class EvidenceFilters:
    agency_id: int | None = None
    case_id: int | None = None
    kind: str = ""
    q: str = ""
    include_destroyed: bool = False


def evidence_list_for(*, user: Any, filters: EvidenceFilters | None = None) -> QuerySet[Evidence]:
    f = filters or EvidenceFilters()
    qs = restrict_to_scope(Evidence.objects.all(), user).select_related(
        "blob", "agency", "uploaded_by", "action", "case"
    )
    if f.agency_id:
        qs = qs.filter(agency_id=f.agency_id)
    if f.case_id:
        qs = qs.filter(case_id=f.case_id)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        qs = qs.filter(description__icontains=f.q) | qs.filter(original_name__icontains=f.q)
    if not f.include_destroyed:
        qs = qs.filter(destroyed_at__isnull=True)
    return qs.order_by("-uploaded_at", "-id")


def evidence_get_for(*, user: Any, evidence_id: int) -> Evidence:
    evidence = (
        restrict_to_scope(Evidence.objects.all(), user)
        .select_related("blob", "agency", "uploaded_by", "captured_by", "action")
        .filter(pk=evidence_id)
        .first()
    )
    if evidence is None:
        raise NotFound(_not_found())
    return evidence


def evidence_of_case_for_review(*, user: Any, case_id: int) -> list[dict[str, Any]]:
    """The evidence of one case for a reader the caller has already found may read the case's file
    although it is outside their scope (dossier review: the reviewer a campaign assigned, the bureau).
    Not destroyed; the party's name and free text masked unless `user` sees them in full
    (`disclosure`). Each row carries the evidence for `evidence_of_case_get` to serve its file."""
    from zhifa.enforcement.evidence import disclosure

    rows = []
    qs = (
        Evidence.objects.filter(case_id=case_id, destroyed_at__isnull=True)
        .select_related("blob", "case")
        .order_by("captured_at", "id")
    )
    for e in qs:
        rows.append(
            {
                "id": e.pk,
                "kind": e.kind,
                "kind_label": str(e.get_kind_display()),
                "name": e.original_name or f"{e.get_kind_display()} {e.pk}",
                "description": disclosure.text_for(user, e, e.description),
                "party_name": disclosure.party_name_for(user, e),
                "captured_at": e.captured_at,
                "sha256": e.blob.sha256,
                "size": e.blob.size,
                "mime": e.blob.mime,
                "evidence": e,
            }
        )
    return rows


def evidence_of_case_get(*, case_id: int, evidence_id: int) -> Evidence:
    """One piece of evidence of a case (not destroyed), for a caller that decided who may read it."""
    evidence = (
        Evidence.objects.select_related("blob")
        .filter(pk=evidence_id, case_id=case_id, destroyed_at__isnull=True)
        .first()
    )
    if evidence is None:
        raise NotFound(_not_found())
    return evidence


def blob_checks(*, blob: Blob, limit: int = 20) -> list[BlobCheck]:
    return list(blob.checks.order_by("-checked_at", "-id")[:limit])


def site_action_list_for(
    *, user: Any, agency_id: int | None = None, case_id: int | None = None
) -> QuerySet[SiteAction]:
    videos = Evidence.objects.filter(
        action=OuterRef("pk"), kind=Evidence.Kind.VIDEO, destroyed_at__isnull=True
    )
    qs = (
        restrict_to_scope(SiteAction.objects.all(), user)
        .select_related("agency", "recorded_by")
        .annotate(has_video=Exists(videos))
    )
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if case_id:
        qs = qs.filter(case_id=case_id)
    return qs.order_by("-occurred_at", "-id")


def may_add_evidence(user: Any, agency_id: int) -> bool:
    """Whether the user may write to the agency's case files (`permissions.can_add`: its officers and
    approvers) — the rule the documents app applies to a dossier's records and 文书."""
    return permissions.can_add(user, agency_id)


def site_actions_of_case(*, case_id: int) -> Sequence[SiteAction]:
    """A case's on-site actions, oldest first, each with `missing` set as `services.av_missing` decides
    (a video record required and none attached that is not destroyed), in one statement instead of one
    per action. For the case's dossier page: the caller has already found the case visible."""
    videos = Evidence.objects.filter(
        action=OuterRef("pk"), kind=Evidence.Kind.VIDEO, destroyed_at__isnull=True
    )
    actions = list(
        SiteAction.objects.filter(case_id=case_id)
        .annotate(has_video=Exists(videos))
        .order_by("occurred_at", "id")
    )
    for action in actions:
        action.missing = action.av_required and not action.has_video  # type: ignore[attr-defined]
    return actions


def site_action_get_for(*, user: Any, action_id: int) -> SiteAction:
    action = restrict_to_scope(SiteAction.objects.all(), user).filter(pk=action_id).first()
    if action is None:
        raise NotFound(_not_found())
    return action


def destruction_queue_for(*, user: Any) -> QuerySet[Destruction]:
    return (
        restrict_to_scope(Destruction.objects.all(), user, field="evidence__agency_id")
        .select_related("evidence", "evidence__blob", "requested_by", "decided_by")
        .order_by("-requested_at")
    )


def _not_found() -> str:
    from django.utils.translation import gettext as _

    return _("No such evidence, or it is not visible to you.")
