"""Shapes shared by the API and the pages: a task for its handlers, a code page for the public, a draw
record in the replay format of scripts/verify_draw.py."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zhifa.enforcement.inspections import selectors
from zhifa.enforcement.inspections.models import Draw, Task
from zhifa.enforcement.inspections.workflow import TASKS


def inspectors_public(task: Task) -> list[dict[str, Any]]:
    """The inspectors as the public credential check shows them — name, agency, credential number,
    whether the credential allows enforcement in the plan's area today — and a link to that check."""
    from django.urls import reverse

    from zhifa.officers.rules import can_enforce

    today = timezone.localdate()
    out = []
    for member in task.inspectors.all():
        officer = member.officer
        ok = can_enforce(officer, on=today, area=task.plan.enforcement_area)
        credential = ok.credential
        out.append(
            {
                "name": officer.name,
                "agency": officer.agency.name,
                "credential": credential.number if credential else None,
                "valid": bool(ok),
                "check_url": reverse("officers:check", args=[credential.number]) if credential else None,
            }
        )
    return out


def code_page(task: Task) -> dict[str, Any]:
    plan = task.plan
    items = list(plan.items.all().order_by("code"))
    rating = getattr(task, "rating", None) if hasattr(task, "rating") else None
    return {
        "code": task.code,
        "agency": task.agency.name,
        "plan": plan.name,
        "plan_kind": plan.kind,
        "target": selectors.public_target_name(task),
        "state": task.state,
        "state_label": str(task.get_state_display()),
        "on_site_on": task.on_site_on,
        "published_on": task.published_on,
        "outcome": str(task.get_outcome_display()) if task.state == "published" else "",
        "items": [{"code": i.code, "name": i.name, "basis": i.basis} for i in items],
        "inspectors": inspectors_public(task),
        "draw_id": task.draw_id,
        **_frequency(task),
        "rated": rating is not None,
        "can_rate": rating is None and task.on_site_on is not None,
    }


PUBLIC_POOL_INLINE = 100_000  # a larger pool is published as its file only (`pool_url`)


def draw_public(row: Draw) -> dict[str, Any]:
    from django.urls import reverse

    from zhifa.enforcement.inspections.services import draw_pool_entries, draw_pool_size

    teams = row.teams or {}
    size = draw_pool_size(row)
    entries = list(draw_pool_entries(row)) if size <= PUBLIC_POOL_INLINE else None
    return {
        "id": row.pk,
        "plan": row.plan.name,
        "agency": row.plan.agency.name,
        "drawn_on": row.drawn_on,
        "algorithm": row.algorithm,
        "seed": row.seed,
        "pool_digest": row.pool_digest,
        "pool_size": size,
        "pool_url": reverse("api:inspections_public_draw_pool", args=[row.pk]),
        "pool": None if entries is None else [i for i, _w in entries],
        "weights": None if entries is None else {i: w for i, w in entries if w != 1},
        "risk_weights": row.weights,
        "n": row.n,
        "chosen": row.chosen,
        "no_disturbance_reasons": row.reasons,
        "teams": {
            "candidates": teams.get("candidates", []),
            "team_size": teams.get("team_size", 2),
            "excluded": teams.get("excluded", {}),
            "pair_limit": teams.get("pair_limit"),
            "pair_history": teams.get("pair_history", []),
            "assigned": teams.get("assigned", {}),
        },
    }


def task_detail(task: Task, user: Any) -> dict[str, Any]:
    return {
        "id": task.pk,
        "code": task.code,
        "plan_id": task.plan_id,
        "plan": task.plan.name,
        "agency_id": task.agency_id,
        "target": {
            "id": task.target_id,
            "number": task.target.number,
            "name": task.target.name,
            "credit_code": task.target.credit_code,
            "address": task.target.address,
            "risk_level": task.target.risk_level,
        },
        "inspectors": [{"officer_id": m.officer_id, "name": m.officer.name} for m in task.inspectors.all()],
        "state": task.state,
        "on_site_on": task.on_site_on,
        "result_on": task.result_on,
        "outcome": task.outcome,
        "findings": task.findings,
        "signed_by": task.signed_by,
        "refusal_note": task.refusal_note,
        "publish_due_on": task.publish_due_on,
        "publish_due_provisional": task.publish_due_provisional,
        "published_on": task.published_on,
        "published_in_time": task.published_in_time,
        "case_id": task.case_id,
        "photos": [
            {"id": p.pk, "name": p.name, "sha256": p.blob.sha256} for p in task.photos.select_related("blob")
        ],
        "deadlines": _deadlines(task),
        "allowed_events": [t.event for t in TASKS.allowed_events(task, user)],
    }


def _deadlines(task: Task) -> list[dict[str, Any]]:
    from zhifa.enforcement.inspections.workflow import subject
    from zhifa.foundation.deadlines import services as deadlines

    return [deadlines.present(r) for r in deadlines.deadlines_of(subject(task))]


def _frequency(task: Task) -> dict[str, Any]:
    """How often the enterprise has been inspected this year (visits on site, every agency), against
    the jurisdiction's number: the code page warns the enterprise when it is exceeded."""
    from zhifa.enforcement.inspections.workflow import inspections_this_year
    from zhifa.law import inspection as rules
    from zhifa.law import jurisdiction

    year = (task.on_site_on or timezone.localdate()).year
    count = inspections_this_year(task, year)
    limit = jurisdiction.applied(rules.ENTERPRISE_MAX_PER_YEAR.key, agency=task.agency).value
    return {"inspections_this_year": count, "yearly_limit": limit, "too_often": count > limit}
