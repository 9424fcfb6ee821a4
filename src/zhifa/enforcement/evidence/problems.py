"""Problem model over on-site actions (registered with `zhifa.core.problems`): an action for which the
jurisdiction requires a full audio-visual record (全过程记录) still has no video attached once the
allowed hours have passed (行政处罚法第四十七条; 国办发〔2018〕118号)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core.problems import Finding, ProblemModel, Record, Scope, register_problem_model, rows
from zhifa.enforcement.evidence.models import Evidence, SiteAction
from zhifa.law import supervision as law

CODE = "evidence.av_record_missing"
SUBJECT = "cases.case"


def probe_av_missing(scope: Scope, today: dt.date) -> QuerySet[SiteAction]:
    """The actions needing a video that have none (what the finder reads; the hours applied after)."""
    video = Evidence.objects.filter(
        action=OuterRef("pk"), kind=Evidence.Kind.VIDEO, destroyed_at__isnull=True
    )
    since = today - dt.timedelta(days=int(law.LOOKBACK_DAYS.default))
    qs = SiteAction.objects.filter(av_required=True, occurred_at__date__gte=since).filter(~Exists(video))
    ids = scope.ids_for(SUBJECT)
    if ids is not None:
        qs = qs.filter(case_id__in=ids)
    if scope.agency_ids is not None:
        qs = qs.filter(agency_id__in=scope.agency_ids)
    return qs


def find_av_missing(scope: Scope, today: dt.date) -> Iterator[Finding]:
    if not scope.applies_to(SUBJECT):
        return
    settings = law.settings_for(scope)
    qs = probe_av_missing(scope, today)
    end_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.max))
    found = qs.values("id", "agency_id", "case_id", "kind", "occurred_at", "av_rule").order_by("id")
    labels = dict(SiteAction.Kind.choices)
    for row in rows(found, 2000, scope=scope):
        hours = int(settings.get(law.AV_GRACE_HOURS, row["agency_id"]))
        if row["occurred_at"] + dt.timedelta(hours=hours) >= end_of_today:
            continue
        when = timezone.localtime(row["occurred_at"])
        label = str(labels.get(row["kind"], row["kind"]))
        yield Finding(
            key=f"{CODE}:evidence.siteaction:{row['id']}",
            agency_id=row["agency_id"],
            object_type="cases.case" if row["case_id"] else "evidence.siteaction",
            object_id=row["case_id"] or row["id"],
            case_id=row["case_id"],
            title=_("%(action)s on %(on)s: no video record")
            % {"action": label, "on": when.date().isoformat()},
            explanation=_(
                "The action took place at %(at)s and needs a full video record (%(rule)s); none is "
                "attached after the hours allowed (%(setting)s; %(article)s)."
            )
            % {
                "at": when.strftime("%Y-%m-%d %H:%M"),
                "rule": row["av_rule"],
                "setting": settings.describe(law.AV_GRACE_HOURS, row["agency_id"]),
                "article": law.ART_AV,
            },
            records=(Record("evidence.siteaction", row["id"], label, {"occurred_at": when.isoformat()}),),
        )


def register() -> None:
    register_problem_model(
        ProblemModel(
            code=CODE,
            name=gettext_lazy("Mandatory action without a video record"),
            article=law.ART_AV,
            settings=("records.mandatory_av_actions", law.AV_GRACE_HOURS.key),
            subject=SUBJECT,
            plant=plant,
            find=find_av_missing,
            probe=probe_av_missing,
        )
    )


def plant(ctx: dict[str, Any]) -> bool:
    """Demo only: a seizure on site three days ago whose video was never attached (through the real
    service: the platform records the action and its duty)."""
    from zhifa.enforcement.evidence.services import site_action_record

    agency = ctx["agencies"]["cgj"]
    actor = ctx["users"]["officer1"]
    site_action_record(
        actor=actor,
        agency=agency,
        kind=SiteAction.Kind.SEIZURE,
        occurred_at=timezone.now() - dt.timedelta(days=3),
        location="海州市建设路",
        description="扣押无证经营的流动摊点经营工具（演示）",
    )
    return True
