"""Reads of the review app, restricted to who may see them:

- the bureau (supervisors) sees the campaigns whose agencies are all in its scope, and every file of them;
- a reviewer sees the campaigns naming them and the files assigned to them (the campaign, not the
  agency's scope, lets a reviewer of another agency open the file: that is what cross review means);
- an agency's approvers see the rectification notices addressed to their agency.
Anything else is 404, never a hint that it exists."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhifa.core.errors import NotFound
from zhifa.core.masking import mask_id_number
from zhifa.core.roles import Role
from zhifa.org.selectors import scope_agency_ids
from zhifa.supervision.reviews.models import Campaign, RectificationNotice, Rubric, SampledFile


def is_bureau(user: Any) -> bool:
    return bool(scope_agency_ids(user, roles=[Role.SUPERVISOR]))


def rubric_list() -> QuerySet[Rubric]:
    return Rubric.objects.prefetch_related("items").order_by("code", "-version")


def rubric_get(rubric_id: int) -> Rubric:
    rubric = rubric_list().filter(pk=rubric_id).first()
    if rubric is None:
        raise NotFound(_no_rubric())
    return rubric


def _bureau_campaign_ids(user: Any) -> QuerySet[Campaign]:
    scope = scope_agency_ids(user, roles=[Role.SUPERVISOR])
    # A campaign is the bureau's when none of its agencies lies outside the bureau's scope.
    outside = Campaign.agencies.through.objects.exclude(orgnode_id__in=scope).values("campaign_id")
    return Campaign.objects.filter(agencies__id__in=scope).exclude(id__in=outside)


def campaign_list_for(user: Any) -> QuerySet[Campaign]:
    mine = Q(reviewers=user)
    if is_bureau(user):
        mine |= Q(id__in=_bureau_campaign_ids(user).values("id"))
    return (
        Campaign.objects.filter(mine)
        .distinct()
        .select_related("rubric", "bureau")
        .order_by("-created_at", "-id")
    )


def campaign_get_for(user: Any, campaign_id: int) -> Campaign:
    campaign = campaign_list_for(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_no_campaign())
    return campaign


def may_manage(user: Any, campaign: Campaign) -> bool:
    scope = scope_agency_ids(user, roles=[Role.SUPERVISOR])
    return bool(scope) and set(campaign.agencies.values_list("id", flat=True)) <= scope


def file_list_for(user: Any, campaign: Campaign) -> QuerySet[SampledFile]:
    qs = campaign.files.select_related("case", "agency", "reviewer").order_by("position")
    return qs if may_manage(user, campaign) else qs.filter(reviewer=user)


def precheck_summary(user: Any, campaign: Campaign) -> dict[str, int]:
    """What the finished pre-check proposes over the files the user sees: files with a proposed veto,
    files with proposed deductions only, clean files, files it could not evaluate."""
    out = {"veto": 0, "deductions": 0, "clean": 0, "failed": 0}
    for checks, error in file_list_for(user, campaign).values_list("precheck", "precheck_error"):
        flags = [p for p in checks or [] if p.get("outcome") == "flag"]
        if error:
            out["failed"] += 1
        elif any(p.get("veto") for p in flags):
            out["veto"] += 1
        elif flags:
            out["deductions"] += 1
        else:
            out["clean"] += 1
    return out


def file_get_for(user: Any, file_id: int) -> SampledFile:
    file = (
        SampledFile.objects.select_related(
            "campaign", "campaign__rubric", "case", "agency", "reviewer", "current_sheet"
        )
        .filter(pk=file_id)
        .first()
    )
    if file is None or not (file.reviewer_id == user.pk or may_manage(user, file.campaign)):
        raise NotFound(_no_file())
    return file


def worklist_for(user: Any) -> QuerySet[SampledFile]:
    return (
        SampledFile.objects.filter(reviewer=user, campaign__state=Campaign.State.DRAWN)
        .select_related("campaign", "case", "agency")
        .order_by("state", "campaign__due_on", "position")
    )


def notices_for(user: Any) -> QuerySet[RectificationNotice]:
    scope = scope_agency_ids(user, roles=[Role.APPROVER, Role.SUPERVISOR])
    return (
        RectificationNotice.objects.filter(agency_id__in=scope)
        .select_related("campaign", "agency")
        .order_by("-issued_on")
    )


def case_summary(file: SampledFile) -> dict[str, Any]:
    """What a reviewer needs to identify the file; the party's ID number masked (a reviewer handles the
    review, not the case)."""
    case = file.case
    return {
        "case_id": case.pk,
        "number": case.number,
        "decision_number": case.decision_number,
        "procedure": case.procedure,
        "state": case.state,
        "party_name": case.party_name,
        "party_id_number": mask_id_number(case.party_id_number),
        "decided_on": case.decided_on,
        "fine_amount": None if case.fine_amount is None else str(case.fine_amount),
        "closed_on": case.closed_on,
    }


def published_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(published_at__isnull=False).order_by("-published_at")


def _no_rubric() -> str:
    from django.utils.translation import gettext as _

    return _("No such rubric.")


def _no_campaign() -> str:
    from django.utils.translation import gettext as _

    return _("No such review campaign, or it is not visible to you.")


def _no_file() -> str:
    from django.utils.translation import gettext as _

    return _("No such file in a review campaign, or it is not assigned to you.")
