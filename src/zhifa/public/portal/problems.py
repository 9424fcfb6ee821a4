"""Problem model over the publication of penalty decisions (registered with `zhifa.core.problems`):
a decision not published by its deadline, or published after it (行政处罚法第四十八条; the window is
the jurisdiction's `disclosure.decision_publish_working_days`, applied when the decision was scheduled)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core.problems import Finding, ProblemModel, Record, Scope, register_problem_model, rows
from zhifa.law import supervision as law
from zhifa.public.portal.models import PublishedDecision

CODE = "portal.publication_late"
SUBJECT = "cases.case"  # a case event (decide, revoke …) re-checks its decisions


def probe_publication(scope: Scope, today: dt.date) -> QuerySet[PublishedDecision]:
    """Decisions past their publication day, or published after it (the grace applied after)."""
    since = today - dt.timedelta(days=int(law.LOOKBACK_DAYS.default))
    state = PublishedDecision.State
    qs = PublishedDecision.objects.filter(
        Q(state=state.SCHEDULED, publish_due__lt=today)
        | Q(state=state.PUBLISHED, published_on__gt=F("publish_due"), decided_on__gte=since)
    )
    ids = scope.ids_for(SUBJECT)
    if ids is not None:
        qs = qs.filter(case_id__in=ids)
    if scope.agency_ids is not None:
        qs = qs.filter(agency_id__in=scope.agency_ids)
    return qs


def find_publication(scope: Scope, today: dt.date) -> Iterator[Finding]:
    if not scope.applies_to(SUBJECT):
        return
    settings = law.settings_for(scope)
    state = PublishedDecision.State
    qs = probe_publication(scope, today)
    found = qs.values(
        "id",
        "case_id",
        "agency_id",
        "decision_number",
        "decided_on",
        "publish_due",
        "published_on",
        "window_days",
        "window_source",
        "state",
    ).order_by("id")
    for row in rows(found, 2000, scope=scope):
        grace = int(settings.get(law.PUBLICATION_GRACE_DAYS, row["agency_id"]))
        if row["state"] == state.SCHEDULED:
            if not law.past_due(row["publish_due"], today=today, grace_days=grace):
                continue
            what = _("still not published on %(today)s") % {"today": today.isoformat()}
        else:
            if not law.past_due(row["publish_due"], today=row["published_on"], grace_days=grace):
                continue
            what = _("published only on %(on)s") % {"on": row["published_on"].isoformat()}
        yield Finding(
            key=f"{CODE}:portal.publisheddecision:{row['id']}",
            agency_id=row["agency_id"],
            object_type="cases.case",
            object_id=row["case_id"],
            case_id=row["case_id"],
            title=_("Decision %(number)s: publication late or missing") % {"number": row["decision_number"]},
            explanation=_(
                "Decided on %(decided)s, to be published within %(days)s working days (%(source)s), by "
                "%(due)s; %(what)s (%(setting)s; %(article)s)."
            )
            % {
                "decided": row["decided_on"].isoformat(),
                "days": row["window_days"],
                "source": row["window_source"],
                "due": row["publish_due"].isoformat(),
                "what": what,
                "setting": settings.describe(law.PUBLICATION_GRACE_DAYS, row["agency_id"]),
                "article": law.ART_PUBLICATION,
            },
            records=(
                Record(
                    "portal.publisheddecision",
                    row["id"],
                    row["decision_number"],
                    {
                        "publish_due": row["publish_due"].isoformat(),
                        "published_on": row["published_on"].isoformat() if row["published_on"] else "",
                    },
                ),
            ),
        )


def register() -> None:
    register_problem_model(
        ProblemModel(
            code=CODE,
            name=gettext_lazy("Decision published late or not at all"),
            article=law.ART_PUBLICATION,
            settings=("disclosure.decision_publish_working_days", law.PUBLICATION_GRACE_DAYS.key),
            subject=SUBJECT,
            plant=plant,
            find=find_publication,
            probe=probe_publication,
        )
    )


def plant(ctx: dict[str, Any]) -> bool:
    """Demo only: a scheduled decision whose publication deadline passed (as if the portal had been down)."""
    row = PublishedDecision.objects.filter(state=PublishedDecision.State.SCHEDULED).order_by("id").first()
    if row is None:
        return False
    today = timezone.localdate()
    PublishedDecision.objects.filter(pk=row.pk).update(publish_due=today - dt.timedelta(days=4))
    return True
