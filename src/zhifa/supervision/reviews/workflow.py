"""A review campaign's lifecycle as data, applied by the shared engine (`zhifa.core.workflow`):

    setup → drawn → finished (→ published, a flag: the state stays finished)

`draw` freezes the pool, draws the sample per agency (and stratum), assigns cross-agency reviewers and
queues the pre-check of the files (a background task after commit, in chunks, with its progress on the
campaign); `finish` (every file scored) issues the rectification notices with
their deadlines; `publish` puts the summary on the public page. Each event appends a `CampaignEvent`
row and an audit entry (`reviews.campaign_<event>`). `docs/workflow-reviews.md` is drawn from this
table (`manage.py workflow_docs`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core import draw, workflow
from zhifa.core.errors import Conflict, Forbidden, NotFound
from zhifa.core.roles import Role
from zhifa.foundation.deadlines.services import Subject, deadline_open
from zhifa.law.days import DayKind, Period
from zhifa.org.selectors import scope_agency_ids
from zhifa.supervision.reviews import sampling, scoring, services
from zhifa.supervision.reviews.models import (
    Campaign,
    CampaignEvent,
    DrawGroup,
    PoolEntry,
    RectificationNotice,
    SampledFile,
)

CS = Campaign.State
BUREAU = frozenset({Role.SUPERVISOR})
T = workflow.Transition
TABLE = workflow.Table(
    CS.values,
    (
        T(
            "draw",
            gettext_lazy("Draw the sample"),
            frozenset({CS.SETUP}),
            CS.DRAWN,
            BUREAU,
            guards=(
                "the bureau's scope covers every agency of the campaign; reviewers named",
                "a pool of closed files in the period (at most 200,000); every drawn file gets a reviewer of another agency",
            ),
            creates=(
                "the frozen pool, one draw per agency (and stratum) with its digest, the sampled files",
                "a reviewer per file (cross review); after commit, the automatic pre-check of the files as a background task in chunks (progress on the campaign)",
            ),
        ),
        T(
            "finish",
            gettext_lazy("Finish the review"),
            frozenset({CS.DRAWN}),
            CS.FINISHED,
            BUREAU,
            date_field="on",
            guards=("every sampled file scored; dated on or after the draw",),
            creates=(
                f"a rectification notice per agency with failed files; deadline: the campaign's days to rectify ({services.RECTIFICATION_ARTICLE})",
            ),
        ),
        T(
            "publish",
            gettext_lazy("Publish the results"),
            frozenset({CS.FINISHED}),
            None,
            BUREAU,
            guards=("not published yet",),
            creates=("the public summary per agency (no file, party or reviewer)",),
        ),
    ),
)

# The refusals the campaign's doors gave before they ran on the engine keep their codes.
_STATE_REFUSALS = {
    "draw": (gettext_lazy("The sample of this campaign has already been drawn."), "already_drawn"),
    "finish": (gettext_lazy("The campaign is not under review."), "campaign_not_open"),
    "publish": (
        gettext_lazy("Only the results of a finished campaign can be published."),
        "campaign_not_finished",
    ),
}


class CampaignWorkflow(workflow.Workflow[Campaign, workflow.Transition]):
    name = "reviews"
    noun = gettext_lazy("review campaign")
    table = TABLE
    handlers = workflow.Handlers()

    def load(self, obj_id: int, actor: Any) -> Campaign:
        campaign = Campaign.objects.select_for_update().filter(pk=obj_id).first()
        if campaign is None:
            raise NotFound(_("No such review campaign."))
        return campaign

    def may_apply(self, actor: Any, obj: Campaign, t: workflow.Transition) -> bool:
        scope = scope_agency_ids(actor, roles=[Role.SUPERVISOR])
        return bool(scope) and set(obj.agencies.values_list("id", flat=True)) <= scope

    def forbidden(self, obj: Campaign, t: workflow.Transition) -> Forbidden:
        return Forbidden(
            _("Only the supervising bureau, for the agencies in its scope, runs dossier reviews."),
            code="not_bureau",
        )

    def conflict(self, obj: Campaign, t: workflow.Transition) -> Conflict:
        message, code = _STATE_REFUSALS[t.event]
        return Conflict(str(message), code=code, detail={"state": obj.state, "event": t.event})

    def state_labels(self) -> list[tuple[str, str]]:
        return [(s.value, str(s.label)) for s in CS]

    def not_before(self, t: workflow.Transition, obj: Campaign) -> dt.date | None:
        return timezone.localdate(obj.drawn_at) if obj.drawn_at else None

    def write_event(
        self, obj: Campaign, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> CampaignEvent:
        return CampaignEvent.objects.create(
            campaign=obj, **workflow.event_row(ctx, from_state=from_state, to_state=to_state, now=now)
        )

    def audit(self, obj: Campaign, ctx: Any, row: Any, *, from_state: str, to_state: str) -> None:
        from zhifa.audit.services import audit_record

        audit_record(
            actor=ctx.actor,
            action=f"reviews.campaign_{ctx.transition.event}",
            obj=obj,
            summary={"from": from_state, "to": to_state, "on": ctx.act_on.isoformat(), **row.data},
        )


CAMPAIGNS = CampaignWorkflow()
H = CampaignWorkflow.handlers


@H.handles("draw")
def _draw(ctx: Any) -> None:
    campaign: Campaign = ctx.obj
    seed = str(ctx.data.get("seed") or draw.new_seed()).lower()
    draw.parse_seed(seed)
    rows = services.pool_rows(campaign)
    if not rows:
        raise Conflict(
            _("No closed case file of the covered agencies falls in the period."), code="empty_pool"
        )
    if len(rows) > services.MAX_POOL:
        raise Conflict(_("The pool is too large; narrow the period."), code="pool_too_large")
    groups = services.pool_groups(rows)
    draws = [
        sampling.draw_group(
            seed=seed,
            agency_id=a,
            stratum=s,
            case_ids=ids,
            mode=campaign.sample_mode,
            count=campaign.sample_count,
            share=campaign.sample_share,
        )
        for (a, s), ids in sorted(groups.items())
    ]
    files: list[tuple[str, int]] = []
    for g in draws:
        files.extend((entry, g.agency_id) for entry in g.chosen)
    reviewers = services.reviewer_map(campaign)
    if not reviewers:
        raise Conflict(_("Name the reviewers before drawing."), code="no_reviewers")
    try:
        assigned = sampling.assign_reviewers(seed=seed, files=files, reviewers=reviewers)
    except draw.NoTeamPossible as exc:
        raise Conflict(
            _("A file of agency %(agency)s has no reviewer from another agency.")
            % {"agency": dict(files).get(str(exc.detail.get("target")), "")},
            code="no_cross_reviewer",
            detail=exc.detail,
        ) from None
    PoolEntry.objects.bulk_create(
        (PoolEntry(campaign=campaign, case_id=c, agency_id=a, stratum=s) for a, s, c in rows),
        batch_size=5000,
    )
    position = 0
    sampled: list[SampledFile] = []
    for g in draws:
        DrawGroup.objects.create(
            campaign=campaign,
            agency_id=g.agency_id,
            stratum=g.stratum,
            pool_size=g.pool_size,
            pool_digest=g.pool_digest,
            n=g.n,
            chosen=list(g.chosen),
            ranks=list(g.ranks),
        )
        for entry in g.chosen:
            position += 1
            sampled.append(
                SampledFile(
                    campaign=campaign,
                    case_id=sampling.case_of(entry),
                    agency_id=g.agency_id,
                    stratum=g.stratum,
                    position=position,
                    reviewer_id=int(assigned[entry]),
                )
            )
    SampledFile.objects.bulk_create(sampled, batch_size=1000)
    digest = sampling.campaign_digest(rows)
    ctx.set(
        seed=seed,
        pool_digest=digest,
        pool_size=len(rows),
        drawn_at=timezone.now(),
        drawn_by=ctx.actor,
    )
    ctx.record.update(seed=seed, pool_digest=digest, pool_size=len(rows), files=position)
    services.precheck_start(campaign, position)


@H.handles("finish")
def _finish(ctx: Any) -> None:
    campaign: Campaign = ctx.obj
    pending = campaign.files.filter(state=SampledFile.State.PENDING).count()
    if pending:
        raise Conflict(
            _("%(n)d sampled files are not scored yet.") % {"n": pending},
            code="files_pending",
            detail={"pending": pending},
        )
    on = ctx.act_on
    period = Period(campaign.rectification_days, DayKind.NATURAL, services.RECTIFICATION_ARTICLE)
    failed: dict[int, list[SampledFile]] = {}
    for f in campaign.files.filter(grade=scoring.Grade.FAIL).order_by("position"):
        failed.setdefault(f.agency_id, []).append(f)
    for agency_id, failed_files in failed.items():
        text = _("Rectify the failed files and report: %(files)s.") % {
            "files": "、".join(f"#{f.position}" for f in failed_files)
        }
        notice = RectificationNotice.objects.create(
            campaign=campaign,
            agency_id=agency_id,
            issued_on=on,
            due_on=on,
            text=text,
            failed_files=[f.pk for f in failed_files],
            issued_by=ctx.actor,
        )
        row = deadline_open(
            Subject("reviews.notice", notice.pk, agency_id),
            kind=services.DEADLINE_KIND,
            period=period,
            start_on=on,
        )
        notice.due_on, notice.due_provisional = row.due_on, row.provisional
        notice.save(update_fields=["due_on", "due_provisional"])
    ctx.set(finished_on=on)
    ctx.record.update(notices=len(failed))


@H.handles("publish")
def _publish(ctx: Any) -> None:
    if ctx.obj.published_at is not None:
        raise Conflict(_("The results are already published."), code="already_published")
    ctx.set(published_at=timezone.now())


def campaign_apply_event(*, campaign_id: int, actor: Any, event: str, data: dict[str, Any]) -> Campaign:
    """The only door that changes a campaign's state."""
    return workflow.apply_event(CAMPAIGNS, obj_id=campaign_id, actor=actor, event=event, data=data)
