"""Demo step 70: the portal's publications. The demo cases (step 40) were decided and served through
the workflow, so the portal's listener has already scheduled each decision (masked) and noted its
service. Publication is a reviewed step: here an officer of the agency prepares each served decision
and the approver checks the masking and publishes it — except the last two, left one prepared
(awaiting review) and one awaiting preparation. Then what a real portal also shows: two decisions
withdrawn after being revoked or changed (行政处罚法第四十八条第二款), one exempted (政府信息公开条例
第十五条), and the overdue alerts for decisions not published in time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhifa.law.disclosure import ExemptionGround, WithdrawalGround
from zhifa.public.portal import services as svc
from zhifa.public.portal.models import PublishedDecision


def seed_portal(ctx: dict[str, Any]) -> None:
    users = ctx["users"]
    today = timezone.localdate()
    # Only the demo agencies' decisions: seeded into a database that holds other data (a benchmark's
    # million cases), the demo must not withdraw or exempt decisions it did not make.
    ours = PublishedDecision.objects.filter(agency__in=list(ctx["agencies"].values()))
    _prepare_and_publish(users, ours)
    published = list(ours.filter(state=PublishedDecision.State.PUBLISHED).order_by("decided_on", "id")[:2])
    reasons = [
        (WithdrawalGround.REVOKED, "经海州市人民政府行政复议，本决定被撤销。"),
        (WithdrawalGround.CHANGED, "本机关依法自行纠正，变更罚款数额，原决定信息撤回。"),
    ]
    for decision, (ground, note) in zip(published, reasons, strict=False):
        changed_on = max(decision.decided_on, today - dt.timedelta(days=2))
        svc.publication_withdraw(
            decision_id=decision.pk, actor=users["approver"], ground=ground, changed_on=changed_on, note=note
        )
    waiting = ours.filter(state=PublishedDecision.State.SCHEDULED).order_by("-decided_on").first()
    if waiting is not None:
        svc.publication_exempt(
            decision_id=waiting.pk,
            actor=users["approver"],
            ground=ExemptionGround.PRIVACY,
            note="决定内容涉及第三方个人隐私，公开会对其合法权益造成损害（政府信息公开条例第十五条）。",
        )
    svc.raise_overdue_alerts()
    ctx["portal"] = {"published": ours.filter(state=PublishedDecision.State.PUBLISHED).count()}


def _prepare_and_publish(users: dict[str, Any], ours: QuerySet[PublishedDecision]) -> None:
    from zhifa.core.errors import DomainError
    from zhifa.org.roles import Role
    from zhifa.org.selectors import user_can_see_agency

    served = list(
        ours.filter(state=PublishedDecision.State.SCHEDULED, case_served_on__isnull=False).order_by(
            "decided_on", "id"
        )
    )
    officers = [u for key, u in users.items() if key.startswith(("officer", "market"))]
    approver = users.get("approver")
    for i, decision in enumerate(served):
        if i == len(served) - 1:
            break  # one served decision still awaits preparation
        preparer = next(
            (u for u in officers if user_can_see_agency(u, decision.agency_id, roles=[Role.OFFICER])), None
        )
        if preparer is None:
            continue
        try:
            svc.publication_prepare(decision_id=decision.pk, actor=preparer, note="已核对脱敏内容。")
            if i < len(served) - 2 and approver is not None:
                svc.publication_publish(decision_id=decision.pk, actor=approver, masking_checked=True)
        except DomainError:
            continue  # another agency's approver (not in the demo) would publish it
