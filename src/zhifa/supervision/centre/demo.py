"""Demo step 90 `centre`: run the problem models over the demo city; where the other steps' data
holds no instance of a model's condition, let the owning app plant one (`ProblemModel.plant`, demo
only), run again, and handle a few clues through the real workflow — a dismissal, a notice awaiting
the agency, a response verified, an escalation and a fault record — so every page has something."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhifa.core.problems import problem_models
from zhifa.supervision.centre import services
from zhifa.supervision.centre.models import Clue, ClueState


def seed_centre(ctx: dict[str, Any]) -> None:
    from zhifa.supervision.centre.figures import refresh

    refresh()  # the dashboard's monthly parts, as the nightly task leaves them
    first = services.models_run()
    missing = [m for m in problem_models() if not first.by_model.get(m.code)]
    planted = [m.code for m in missing if m.plant is not None and m.plant(ctx)]
    result = services.models_run()
    users = ctx["users"]
    supervisor, approver = users.get("supervisor"), users.get("approver")
    ctx["centre"] = {"clues": Clue.objects.count(), "planted": planted, "by_model": result.by_model}
    if supervisor is None or approver is None:
        return
    # Only the demo agencies' clues: seeded into a database that holds other data (a benchmark's million
    # cases), the demo's supervisor and approver must act on clues of the agencies the demo made.
    open_clues = list(
        Clue.objects.filter(state=ClueState.OPEN, agency__in=list(ctx["agencies"].values())).order_by(
            "model_code", "id"
        )
    )
    seen: set[str] = set()
    picks = []
    for clue in open_clues:  # one clue per model, so the handled ones are spread over the models
        if clue.model_code not in seen:
            seen.add(clue.model_code)
            picks.append(clue)
    for i, clue in enumerate(picks[:4]):
        if i == 0:
            services.clue_apply_event(
                clue_id=clue.pk,
                actor=supervisor,
                event="dismiss",
                data={"reason": "经核查，系历史数据导入时日期录入错误，已更正，不属于执法问题。"},
            )
            continue
        services.clue_apply_event(
            clue_id=clue.pk,
            actor=supervisor,
            event="issue_notice",
            data={
                "kind": "notice",
                "requirements": "请核查所列案件，依法纠正，并报送整改情况和相关材料。",
            },
        )
        if i >= 2:
            services.clue_apply_event(
                clue_id=clue.pk,
                actor=approver,
                event="respond",
                data={"response": "已组织核查并整改，相关案件已依法处理，整改报告附后。"},
            )
        if i == 2:
            services.clue_apply_event(
                clue_id=clue.pk, actor=supervisor, event="verify", data={"opinion": "整改到位，予以销号。"}
            )
        if i == 3:
            services.clue_apply_event(
                clue_id=clue.pk,
                actor=supervisor,
                event="escalate",
                data={"reason": "整改报告未说明对相关人员的处理情况，依法作出执法监督决定。"},
            )
            if clue.officer_ids or clue.case_id:
                _fault(ctx, clue, supervisor)


def _fault(ctx: dict[str, Any], clue: Clue, supervisor: Any) -> None:
    from zhifa.enforcement.cases.selectors import case_get_for

    officer_id = clue.officer_ids[0] if clue.officer_ids else None
    if officer_id is None and clue.case_id:
        case = case_get_for(user=supervisor, case_id=clue.case_id)
        link = case.officers.filter(removed_on__isnull=True).first() if case is not None else None
        officer_id = link.officer_id if link is not None else None
    if officer_id is None:
        return
    today = timezone.localdate()
    services.fault_record(
        actor=supervisor,
        data={
            "officer_id": officer_id,
            "fault": "procedure",
            "sanction": "written_review",
            "description": clue.title,
            "finding": "经调查，承办人未按法定程序办理，情节较轻，责令书面检查。",
            "found_on": (today - dt.timedelta(days=3)).isoformat(),
            "decided_on": today.isoformat(),
            "source": "clue",
            "clue_id": clue.pk,
        },
    )
