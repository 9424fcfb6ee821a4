"""The two lifecycles of an assessment as data, applied by the shared engine
(`zhifa.core.workflow.apply_event`): the round (set up → self-check → assessment → review → finished,
then published when the bureau chooses) and each agency's self-check (open → submitted, returned for
more materials → submitted again). `docs/workflow-assessment.md` is drawn from these tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core import workflow
from zhifa.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from zhifa.core.roles import Role
from zhifa.foundation.deadlines.services import (
    Subject,
    deadline_moot,
    deadline_open,
    deadline_resolve,
    deadlines_of,
)
from zhifa.law import assessment as rules
from zhifa.law.days import DayKind, Period
from zhifa.supervision.assessment import access, figures, ranking
from zhifa.supervision.assessment.models import (
    LeafScore,
    Participant,
    ParticipantEvent,
    Round,
    RoundEvent,
)

DEADLINE_KIND = "assessment.self_check"
SUBJECT_TYPE = "assessment.participant"
ARTICLE_DUE = "依法行政考核方案（自查自评报送期限）"
ARTICLE_CUTOFF = "依法行政考核方案（数据截止日期）"

BUREAU = frozenset({Role.SUPERVISOR})
AGENCY = frozenset(access.SELF_CHECK_ROLES)
CHECKERS = frozenset({Role.ASSESSOR, Role.SUPERVISOR})

RS = Round.State
T = workflow.Transition
ROUND_TABLE = workflow.Table(
    RS.values,
    (
        T(
            "open",
            gettext_lazy("Open the self-check"),
            frozenset({RS.DRAFT}),
            RS.SELF_CHECK,
            BUREAU,
            date_field="on",
            guards=("opened before the self-check due date",),
            creates=(
                f"deadline per agency: self-check by the round's due date ({ARTICLE_DUE})",
                "figures of computed leaves (preview, not frozen)",
            ),
        ),
        T(
            "refresh",
            gettext_lazy("Recompute the figures"),
            frozenset({RS.SELF_CHECK}),
            None,
            BUREAU,
            creates=("figures of computed leaves recomputed from the indicator registry (not frozen)",),
        ),
        T(
            "start_assessment",
            gettext_lazy("Freeze the figures and start the assessment"),
            frozenset({RS.SELF_CHECK}),
            RS.ASSESSING,
            BUREAU,
            date_field="on",
            guards=(f"on or after the cut-off date ({ARTICLE_CUTOFF})",),
            creates=("figures of computed leaves frozen (history row per leaf)",),
        ),
        T(
            "submit_review",
            gettext_lazy("Send the scores to review"),
            frozenset({RS.ASSESSING}),
            RS.REVIEW,
            BUREAU,
            date_field="on",
            guards=(
                "every leaf of every agency has a final score",
                f"a self-check not submitted by then is late: the set's points deducted ({rules.ARTICLE_LATE})",
            ),
        ),
        T(
            "reopen",
            gettext_lazy("Return to the assessors"),
            frozenset({RS.REVIEW}),
            RS.ASSESSING,
            BUREAU,
            date_field="on",
            guards=("a reason",),
        ),
        T(
            "finish",
            gettext_lazy("Confirm the results"),
            frozenset({RS.REVIEW}),
            RS.FINISHED,
            BUREAU,
            date_field="on",
            creates=("totals, ranks and grades frozen on each agency",),
            documents=("考核报告 (PDF, overall and per agency)",),
        ),
        T(
            "publish",
            gettext_lazy("Publish the ranking on the portal"),
            frozenset({RS.FINISHED}),
            None,
            BUREAU,
            guards=("not published yet",),
        ),
    ),
)

PS = Participant.State
PARTICIPANT_TABLE = workflow.Table(
    PS.values,
    (
        T(
            "submit",
            gettext_lazy("Submit the self-check"),
            frozenset({PS.OPEN, PS.RETURNED}),
            PS.SUBMITTED,
            AGENCY,
            date_field="on",
            guards=(
                "round in self-check or assessment; every judged leaf self-scored",
                f"first submission after the due date is late: the set's points deducted ({rules.ARTICLE_LATE})",
            ),
        ),
        T(
            "return",
            gettext_lazy("Return for more materials"),
            frozenset({PS.SUBMITTED}),
            PS.RETURNED,
            CHECKERS,
            guards=("round in assessment; a reason; an assessor not of the agency",),
        ),
    ),
)


def _row(ctx: Any, *, from_state: str, to_state: str, now: dt.datetime) -> dict[str, Any]:
    """The shared event-row columns (`core.workflow.event_row`); these tables keep no actor name."""
    row = workflow.event_row(ctx, from_state=from_state, to_state=to_state, now=now)
    row.pop("actor_name")
    return row


class RoundWorkflow(workflow.Workflow[Round, workflow.Transition]):
    name = "assessment"
    noun = gettext_lazy("assessment round")
    table = ROUND_TABLE
    handlers = workflow.Handlers()

    def load(self, obj_id: int, actor: Any) -> Round:
        rnd = Round.objects.select_for_update().select_related("indicator_set").filter(pk=obj_id).first()
        if rnd is None:
            raise NotFound(_("No such assessment round, or it is not visible to you."))
        return rnd

    def may_apply(self, actor: Any, obj: Round, t: workflow.Transition) -> bool:
        return actor is not None and access.is_bureau_for(
            actor, Participant.objects.filter(round=obj).values_list("agency_id", flat=True)
        )

    def state_labels(self) -> list[tuple[str, str]]:
        return [(s.value, str(s.label)) for s in RS]

    def not_before(self, t: workflow.Transition, obj: Round) -> dt.date | None:
        """Each dated step of the round is dated on or after the previous one (a recompute of the
        figures is not a step of the procedure)."""
        dated = [row.event for row in ROUND_TABLE if row.date_field]
        return (
            RoundEvent.objects.filter(round=obj, kind__in=dated)
            .order_by("-id")
            .values_list("on", flat=True)
            .first()
        )

    def write_event(
        self, obj: Round, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> RoundEvent:
        return RoundEvent.objects.create(
            round=obj,
            **_row(ctx, from_state=from_state, to_state=to_state, now=now),
        )


ROUNDS = RoundWorkflow()


@ROUNDS.handlers.handles("open")
def _open(ctx: Any) -> None:
    rnd: Round = ctx.obj
    if ctx.act_on >= rnd.self_check_due:
        raise RuleViolation(
            _("The self-check must open before its due date %(due)s (%(rule)s).")
            % {"due": rnd.self_check_due.isoformat(), "rule": ARTICLE_DUE},
            code="due_passed",
            article=ARTICLE_DUE,
        )
    period = Period((rnd.self_check_due - ctx.act_on).days, DayKind.NATURAL, ARTICLE_DUE)
    for p in Participant.objects.filter(round=rnd):
        deadline_open(
            Subject(SUBJECT_TYPE, p.pk, p.agency_id),
            kind=DEADLINE_KIND,
            period=period,
            start_on=ctx.act_on,
            setting={"self_check_due": rnd.self_check_due.isoformat()},
        )
    ctx.set(opened_on=ctx.act_on)
    ctx.record.update(computed=figures.fill(rnd, freeze=False))


@ROUNDS.handlers.handles("refresh")
def _refresh(ctx: Any) -> None:
    ctx.record.update(computed=figures.fill(ctx.obj, freeze=False))


@ROUNDS.handlers.handles("start_assessment")
def _start(ctx: Any) -> None:
    rnd: Round = ctx.obj
    if ctx.act_on < rnd.cutoff_on:
        raise RuleViolation(
            _(
                "The figures are frozen at the cut-off date %(cutoff)s; the assessment starts on or after it (%(rule)s)."
            )
            % {"cutoff": rnd.cutoff_on.isoformat(), "rule": ARTICLE_CUTOFF},
            code="before_cutoff",
            article=ARTICLE_CUTOFF,
        )
    ctx.record.update(frozen=figures.fill(rnd, freeze=True, actor=ctx.actor))
    ctx.set(frozen_at=timezone.now())


def deadline_of(participant: Participant) -> Subject:
    return Subject(SUBJECT_TYPE, participant.pk, participant.agency_id)


@ROUNDS.handlers.handles("submit_review")
def _submit_review(ctx: Any) -> None:
    rnd: Round = ctx.obj
    open_ones = list(Participant.objects.filter(round=rnd, submitted_on__isnull=True))
    # The last day as the deadline engine has it (a due date on a day off moves to the next working day).
    last_day = max(
        (row.due_on for p in open_ones for row in deadlines_of(deadline_of(p)) if row.kind == DEADLINE_KIND),
        default=rnd.self_check_due,
    )
    if open_ones and ctx.act_on <= last_day:
        raise Conflict(
            _("Self-checks stay open until %(due)s.") % {"due": last_day.isoformat()},
            code="self_check_open",
        )
    for p in open_ones:  # never submitted: the deadline passed without it, so it is late
        p.late, p.late_deduction = True, rules.late_deduction(late=True, points=rnd.late_deduction)
        p.save(update_fields=["late", "late_deduction"])
        deadline_moot(deadline_of(p), on=ctx.act_on, note="自查报告未报送")
    missing = [r for r in ranking.results(rnd) if r.missing]
    if missing:
        raise Conflict(
            _("Scores are missing for: %(names)s.")
            % {"names": "、".join(f"{r.name}（{r.missing}）" for r in missing)},
            code="scores_missing",
            detail={"agencies": {r.agency_id: r.missing for r in missing}},
        )
    ctx.record.update(not_submitted=[p.agency_id for p in open_ones])


@ROUNDS.handlers.handles("reopen")
def _reopen(ctx: Any) -> None:
    reason = str(ctx.data.get("reason") or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason."), code="required", detail={"field": "reason"})
    ctx.record.update(reason=reason[:500])


@ROUNDS.handlers.handles("finish")
def _finish(ctx: Any) -> None:
    rnd: Round = ctx.obj
    rows = ranking.results(rnd)
    for r in rows:
        Participant.objects.filter(pk=r.participant_id).update(total=r.total, rank=r.rank, grade=r.grade)
    ctx.set(finished_on=ctx.act_on)
    ctx.record.update(ranking=[{"agency": r.agency_id, "total": str(r.total), "rank": r.rank} for r in rows])


@ROUNDS.handlers.handles("publish")
def _publish(ctx: Any) -> None:
    if ctx.obj.published_at is not None:
        raise Conflict(_("The ranking is already published."), code="already_published")
    ctx.set(published_at=timezone.now())


class ParticipantWorkflow(workflow.Workflow[Participant, workflow.Transition]):
    name = "assessment.self_check"
    noun = gettext_lazy("self-check")
    table = PARTICIPANT_TABLE
    handlers = workflow.Handlers()

    def load(self, obj_id: int, actor: Any) -> Participant:
        p = Participant.objects.select_for_update().select_related("round").filter(pk=obj_id).first()
        if p is None:
            raise NotFound(_("No such self-check, or it is not visible to you."))
        return p

    def may_apply(self, actor: Any, obj: Participant, t: workflow.Transition) -> bool:
        if actor is None:
            return False
        if t.event == "submit":
            return access.may_self_check(actor, obj.agency_id)
        assessors = obj.round.assessors.values_list("id", flat=True)
        if access.is_assessor(actor, assessors):
            return obj.agency_id not in access.own_agencies(actor)
        return access.is_bureau_for(actor, [obj.agency_id])

    def state_labels(self) -> list[tuple[str, str]]:
        return [(s.value, str(s.label)) for s in PS]

    def not_before(self, t: workflow.Transition, obj: Participant) -> dt.date | None:
        """A self-check is not submitted before the round opened it (a paper one entered later keeps
        its real date; the audit entry keeps when it was entered)."""
        return obj.round.opened_on

    def write_event(
        self, obj: Participant, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> ParticipantEvent:
        return ParticipantEvent.objects.create(
            participant=obj,
            **_row(ctx, from_state=from_state, to_state=to_state, now=now),
        )


SELF_CHECKS = ParticipantWorkflow()


@SELF_CHECKS.handlers.handles("submit")
def _submit(ctx: Any) -> None:
    p: Participant = ctx.obj
    rnd = p.round
    if rnd.state not in (RS.SELF_CHECK, RS.ASSESSING):
        raise Conflict(
            _("The round does not take self-checks now."), code="round_closed", detail={"state": rnd.state}
        )
    unscored = [
        leaf.node.code
        for leaf in LeafScore.objects.filter(participant=p).select_related("node")
        if leaf.node.judged and leaf.self_score is None
    ]
    if unscored:
        raise InvalidInput(
            _("Score yourself on every judged indicator first: %(codes)s.") % {"codes": "、".join(unscored)},
            code="self_scores_missing",
            detail={"codes": unscored},
        )
    if p.submitted_on is None:  # the first submission decides lateness; a returned one is not late again
        rows = deadline_resolve(deadline_of(p), kind=DEADLINE_KIND, on=ctx.act_on)
        late = any(r.resolution == "late" for r in rows)
        deduction = rules.late_deduction(late=late, points=rnd.late_deduction)
        ctx.set(submitted_on=ctx.act_on, late=late, late_deduction=deduction)
        ctx.record.update(late=late, deduction=str(deduction))


@SELF_CHECKS.handlers.handles("return")
def _return(ctx: Any) -> None:
    p: Participant = ctx.obj
    if p.round.state != RS.ASSESSING:
        raise Conflict(_("A self-check is returned during the assessment only."), code="round_closed")
    reason = str(ctx.data.get("reason") or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason."), code="required", detail={"field": "reason"})
    ctx.record.update(reason=reason[:500])
