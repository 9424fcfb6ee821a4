"""Reads of the assessment, restricted to who may see them:

- the bureau (supervisors whose scope covers every agency of a round) sees the round and everything in it;
- an assessor named on a round sees the round and every agency in it except their own (cross rule);
- an agency's approvers and legal reviewers see their agency's part of the rounds that assess it.
Anything else is 404. Indicator sets are the bureau's working documents: every signed-in staff member
may read them (agencies need the criteria to prepare their self-check)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from zhifa.core.errors import NotFound
from zhifa.core.prepared import Prepared
from zhifa.core.roles import Role
from zhifa.foundation.deadlines.services import deadlines_of, present
from zhifa.org.selectors import scope_agency_ids
from zhifa.supervision.assessment import access
from zhifa.supervision.assessment.models import (
    IndicatorSet,
    LeafScore,
    Material,
    Participant,
    Round,
    SetNode,
)
from zhifa.supervision.assessment.workflow import deadline_of


def set_list() -> QuerySet[IndicatorSet]:
    return IndicatorSet.objects.order_by("-year", "code", "-version")


def set_get(set_id: int) -> IndicatorSet:
    s = IndicatorSet.objects.filter(pk=set_id).first()
    if s is None:
        raise NotFound(_("No such indicator set."))
    return s


def set_nodes(s: IndicatorSet) -> list[SetNode]:
    """The tree in reading order (depth first, as entered)."""
    nodes = list(SetNode.objects.filter(indicator_set=s).order_by("order", "id"))
    children: dict[int | None, list[SetNode]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    out: list[SetNode] = []

    def walk(parent: int | None) -> None:
        for n in children.get(parent, []):
            out.append(n)
            walk(n.pk)

    walk(None)
    return out


def _bureau_rounds(user: Any) -> QuerySet[Round]:
    scope = scope_agency_ids(user, roles=[Role.SUPERVISOR])
    outside = Participant.objects.exclude(agency_id__in=scope).values("round_id")
    return Round.objects.filter(participants__agency_id__in=scope).exclude(id__in=outside)


def _agency_scope(user: Any) -> frozenset[int]:
    return scope_agency_ids(user, roles=access.SELF_CHECK_ROLES)


def round_list_for(user: Any) -> QuerySet[Round]:
    mine = Q(assessors=user) | Q(participants__agency_id__in=_agency_scope(user))
    if scope_agency_ids(user, roles=[Role.SUPERVISOR]):
        mine |= Q(id__in=_bureau_rounds(user).values("id"))
    return (
        Round.objects.filter(mine)
        .distinct()
        .select_related("indicator_set", "bureau")
        .order_by("-year", "-created_at", "-id")
    )


def round_get_for(user: Any, round_id: int) -> Round:
    rnd = round_list_for(user).filter(pk=round_id).first()
    if rnd is None:
        raise NotFound(_("No such assessment round, or it is not visible to you."))
    return rnd


def may_manage(user: Any, rnd: Round) -> bool:
    return access.is_bureau_for(user, rnd.participants.values_list("agency_id", flat=True))


def is_round_assessor(user: Any, rnd: Round) -> bool:
    return access.is_assessor(user, rnd.assessors.values_list("id", flat=True))


def participants_for(user: Any, rnd: Round) -> QuerySet[Participant]:
    qs = Participant.objects.filter(round=rnd).select_related("agency").order_by("agency__path")
    if may_manage(user, rnd):
        return qs
    if is_round_assessor(user, rnd):
        return qs.exclude(agency_id__in=access.own_agencies(user))
    return qs.filter(agency_id__in=_agency_scope(user))


def participant_get_for(user: Any, round_id: int, agency_id: int) -> Participant:
    rnd = round_get_for(user, round_id)
    p = participants_for(user, rnd).filter(agency_id=agency_id).first()
    if p is None:
        raise NotFound(_("This agency is not assessed in this round, or it is not visible to you."))
    return p


def leaves_of(p: Participant) -> list[LeafScore]:
    """The participant's leaves in the set's reading order, with materials and their node."""
    order = {n.pk: i for i, n in enumerate(set_nodes(p.round.indicator_set))}
    leaves = list(
        LeafScore.objects.filter(participant=p)
        .select_related("node", "assessor")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("id")))
    )
    return sorted(leaves, key=lambda leaf: order.get(leaf.node_id, 0))


def material_get_for(user: Any, material_id: int) -> Material:
    m: Material | None = (
        Material.objects.select_related("leaf__participant", "blob").filter(pk=material_id).first()
    )
    if m is None:
        raise NotFound(_("No such file."))
    participant_get_for(user, m.leaf.participant.round_id, m.leaf.participant.agency_id)
    return m


def deadline_for(p: Participant) -> dict[str, Any] | None:
    rows = deadlines_of(deadline_of(p))
    return present(rows[-1]) if rows else None


@dataclass
class Work:
    rnd: Round
    participants: list[Participant] = field(default_factory=list)


# compiled once per process (core.prepared): the home page asks it for every signed-in user
_ASSESSING_ROUNDS_OF: Prepared[Round] = Prepared(
    lambda user_id: Round.objects.filter(assessors=user_id, state=Round.State.ASSESSING).order_by(
        "-year", "id"
    ),
    markers=(-730_400_001,),
)


def worklist_for(user: Any) -> list[Work]:
    """Rounds in assessment naming the user as assessor, with the agencies they may score."""
    rounds = _ASSESSING_ROUNDS_OF(user.pk)
    if not rounds:  # most users (the home page asks for every one): no need to read their own agencies
        return []
    own = access.own_agencies(user)
    out = []
    for rnd in rounds:
        ps = list(
            Participant.objects.filter(round=rnd)
            .exclude(agency_id__in=own)
            .select_related("agency")
            .order_by("agency__path")
        )
        out.append(Work(rnd, ps))
    return out


def self_checks_for(user: Any) -> QuerySet[Participant]:
    """The self-checks of the user's agencies in open rounds."""
    scope = _agency_scope(user)
    if not scope:  # a supervisor, an approver… (the home page asks for every user): nothing to build
        return Participant.objects.none()
    return (
        Participant.objects.filter(
            agency_id__in=scope,
            round__state__in=[Round.State.SELF_CHECK, Round.State.ASSESSING],
        )
        .select_related("round", "agency")
        .order_by("round__self_check_due")
    )


def published_rounds() -> QuerySet[Round]:
    return Round.objects.filter(published_at__isnull=False, state=Round.State.FINISHED).order_by(
        "-year", "-published_at"
    )
