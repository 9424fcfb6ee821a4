"""Notice, the party's statement and hearing, and the decisions (ordinary, no penalty, on the spot)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.core.numbering import issue_number
from zhifa.enforcement.cases import fields, hooks, penalty_rules, people
from zhifa.enforcement.cases.deadlines import deadline_close, deadline_open, deadline_resolve, open_rows
from zhifa.enforcement.cases.events.base import Ctx, handles
from zhifa.enforcement.cases.events.investigation import _assign, require_two_handlers
from zhifa.enforcement.cases.models import CaseDeadline, CaseOfficer, DeadlineKind, Resolution
from zhifa.enforcement.cases.powers_link import check_party_type, classify, power_for_case, provision_text
from zhifa.law import capacity, casefile, deliberation, no_penalty, prior_penalties
from zhifa.law import hearing as hearing_law
from zhifa.law import penalty as law
from zhifa.law.days import DayKind, Period
from zhifa.law.penalty import Measure, ReviewGround

DECISION_KIND = "罚决"
NO_PENALTY_KIND = "不罚"
ON_SPOT_KIND = "当罚"


def cite_file(ctx: Ctx, *, step: str) -> list[dict[str, object]]:
    """What the file holds when the act is recorded (行政处罚法第四十条: nothing → refused); recorded on
    the event so the 文书 it produces cite exactly these and nothing else."""
    cited = casefile.check_evidence_in_file(hooks.file_items(ctx.case), step=step)
    return [i.as_dict() for i in cited]


def _require_review(ctx: Ctx) -> None:
    case = ctx.case
    if case.legal_review_required and not case.legal_review_passed:
        raise RuleViolation(
            _("The case needs a passed legal review before the party is notified (%(article)s).")
            % {"article": law.ART_58},
            code="legal_review_missing",
            article=law.ART_58,
        )


@handles("approve_decision")
def approve_decision(ctx: Ctx) -> None:
    """处罚决定审批表: the head reviews the investigation result and approves the proposed penalty
    (行政处罚法第五十七条) — after the legal review when it is required — before the party is told of it
    in the agency's name (第四十四条). A collective deliberation (第五十七条第二款) may follow, before the
    decision, which it gates."""
    case = ctx.case
    require_two_handlers(case)
    _require_review(ctx)
    cited = cite_file(ctx, step=str(_("approving the penalty")))
    ctx.set(decision_approved_on=ctx.act_on)
    ctx.record.update(
        opinion=fields.text(ctx.data, "opinion", required=False, max_length=2000),
        measures=list(case.proposed_measures),
        fine_amount=str(case.proposed_fine) if case.proposed_fine is not None else None,
        cited=cited,
        article=casefile.ART_44_57,
    )


@handles("notify")
def notify(ctx: Ctx) -> None:
    """事先告知 (行政处罚法第四十四条) of the proposal the head approved; legal review comes before the
    notice when it is required."""
    case = ctx.case
    require_two_handlers(case)
    casefile.check_decision_approved(approved=case.decision_approved_on is not None)
    if case.legal_review_required and not case.legal_review_passed:
        raise RuleViolation(
            _("The case needs a passed legal review before the party is notified (%(article)s).")
            % {"article": law.ART_58},
            code="legal_review_missing",
            article=law.ART_58,
        )
    cited = cite_file(ctx, step=str(_("the prior notice")))
    ctx.set(
        notified_on=ctx.act_on,
        notified_measures=list(case.proposed_measures),
        notified_fine=case.proposed_fine,
        statement_made=False,
        hearing_requested_on=None,
        hearing_held_on=None,
        rights_waived_on=None,
    )
    period, applied = law.statement_period(agency=case.agency)
    deadline_open(
        case=case,
        kind=DeadlineKind.STATEMENT,
        period=period,
        start_on=ctx.act_on,
        party_window=True,
        setting=applied.as_dict(),
    )
    if case.hearing_eligible:
        deadline_open(
            case=case,
            kind=DeadlineKind.HEARING_REQUEST,
            period=law.HEARING_REQUEST_PERIOD,
            start_on=ctx.act_on,
            party_window=True,
        )
    ctx.record.update(
        measures=list(case.proposed_measures),
        fine_amount=str(case.proposed_fine) if case.proposed_fine is not None else None,
        hearing_right=case.hearing_eligible,
        statement_days=applied.as_dict(),
        cited=cited,
    )


@handles("record_statement")
def record_statement(ctx: Ctx) -> None:
    """行政处罚法第四十五条: the agency must hear and review what the party says; recorded so that a
    heavier decision afterwards is refused under the same article."""
    ctx.set(statement_made=True)
    ctx.record.update(
        content=fields.text(ctx.data, "content"),
        accepted=fields.text(ctx.data, "review", required=False),
    )


@handles("request_hearing")
def request_hearing(ctx: Ctx) -> None:
    case = ctx.case
    if not case.hearing_eligible:
        raise RuleViolation(
            _("The notified penalty carries no right to a hearing (%(article)s).") % {"article": law.ART_63},
            code="no_hearing_right",
            article=law.ART_63,
        )
    assert case.notified_on is not None  # the state is `notified`
    waived = (
        CaseDeadline.objects.of_case(case)
        .filter(kind=DeadlineKind.HEARING_REQUEST, resolution=Resolution.WAIVED, start_on=case.notified_on)
        .exists()
    )
    if waived:
        raise RuleViolation(
            _("The party waived the hearing in writing (%(article)s).") % {"article": law.ART_64_WINDOW},
            code="hearing_waived",
            article=law.ART_64_WINDOW,
        )
    if law.check_hearing_request_in_time(notified_on=case.notified_on, requested_on=ctx.act_on):
        # the window reached a year whose holidays are not published: accepted in the party's favour
        ctx.record["window_provisional"] = True
    ctx.set(hearing_requested_on=ctx.act_on)
    deadline_resolve(case=case, kind=DeadlineKind.HEARING_REQUEST, on=ctx.act_on, resolution=Resolution.MET)


@handles("hold_hearing")
def hold_hearing(ctx: Ctx) -> None:
    case = ctx.case
    presider_id = fields.integer(ctx.data, "presided_by")
    investigators = set(CaseOfficer.objects.filter(case=case).values_list("officer_id", flat=True))
    if presider_id in investigators:
        raise RuleViolation(
            _("The hearing must be presided over by someone who did not investigate the case (%(article)s).")
            % {"article": law.ART_64_PRESIDER},
            code="presider_is_investigator",
            article=law.ART_64_PRESIDER,
        )
    presider = people.load_officers([presider_id])[0] if presider_id else None
    if presider is not None and presider.agency_id != case.agency_id:
        # 第六十四条第（四）项: the agency designates the presider among its own staff.
        raise RuleViolation(
            _(
                "The hearing must be presided over by a person the deciding agency designates from its own staff (%(article)s)."
            )
            % {"article": law.ART_64_PRESIDER},
            code="presider_other_agency",
            article=law.ART_64_PRESIDER,
            detail={"field": "presided_by"},
        )
    notice_on = fields.date(ctx.data, "notice_served_on", required=True)
    assert notice_on is not None and case.hearing_requested_on is not None
    if notice_on < case.hearing_requested_on or notice_on > ctx.act_on:
        raise InvalidInput(
            _("The hearing notice must be served between the request and the hearing."),
            detail={"field": "notice_served_on"},
        )
    law.check_hearing_notice(notice_served_on=notice_on, held_on=ctx.act_on)
    record = fields.text(ctx.data, "record")
    absent = fields.boolean(ctx.data, "party_absent")
    # 第六十四条第（四）项 (a challenge to the presider) and 第（八）项 (the record signed, or the refusal noted)
    challenged = fields.boolean(ctx.data, "presider_challenged")
    challenge = fields.text(ctx.data, "challenge_decision", required=False, max_length=10) or None
    hearing_law.check_presider_challenge(challenged=challenged, decision=challenge)
    signed = fields.boolean(ctx.data, "record_signed")
    refusal = fields.text(ctx.data, "signature_refusal", required=False, max_length=500)
    if not absent:
        hearing_law.check_record_signed(signed=signed, refusal_note=refusal)
    ctx.set(hearing_held_on=ctx.act_on)
    if not absent:
        # 第五十八条第一款第（二）项: after a hearing the decision needs a (new) legal review.
        grounds = list(dict.fromkeys([*case.legal_review_grounds, str(ReviewGround.HEARING_HELD)]))
        ctx.set(legal_review_required=True, legal_review_grounds=grounds, legal_review_passed=False)
        # 第六十五条 → 第五十七条第二款: after a hearing the heads decide together.
        heads = list(dict.fromkeys([*case.deliberation_grounds, "hearing_held"]))
        ctx.set(deliberation_required=True, deliberation_grounds=heads, deliberation_done=False)
    ctx.record.update(
        presided_by=presider.name if presider else "",
        notice_served_on=notice_on.isoformat(),
        record=record,
        party_absent=absent,
        presider_challenged=challenged,
        challenge_decision=challenge,
        record_signed=signed,
        signature_refusal=refusal or None,
    )


@handles("waive_rights")
def waive_rights(ctx: Ctx) -> None:
    """The party gives up the statement and/or hearing in writing (第六十二条: 明确放弃)."""
    # the API names it `document` (the evidence id of the party's signed waiver)
    evidence_id = fields.integer(ctx.data, "document", required=False)
    ref = f"evidence:{evidence_id}" if evidence_id else ""
    document = next((i for i in hooks.file_items(ctx.case) if ref and i.ref == ref), None)
    rights = [
        str(r)
        for r in casefile.check_waiver(
            rights=fields.string_list(ctx.data, "rights"), signed_document_in_file=document is not None
        )
    ]
    if "hearing" in rights and not ctx.case.hearing_eligible:
        raise RuleViolation(
            _("The notified penalty carries no right to a hearing (%(article)s).") % {"article": law.ART_63},
            code="no_hearing_right",
            article=law.ART_63,
            detail={"field": "rights"},
        )
    assert document is not None
    if "statement" in rights:
        deadline_resolve(
            case=ctx.case, kind=DeadlineKind.STATEMENT, on=ctx.act_on, resolution=Resolution.WAIVED
        )
    if "hearing" in rights:
        deadline_resolve(
            case=ctx.case, kind=DeadlineKind.HEARING_REQUEST, on=ctx.act_on, resolution=Resolution.WAIVED
        )
    ctx.set(rights_waived_on=ctx.act_on)
    ctx.record.update(rights=rights, document=document.as_dict(), article=casefile.ART_62)


def check_decision_deadline(ctx: Ctx) -> None:
    """第六十条: decide within 90 days of filing, plus approved extensions and suspended time."""
    case = ctx.case
    row = next(iter(open_rows(case, [DeadlineKind.DECISION])), None)
    if row is None or case.filed_on is None:
        return
    period = Period(row.days, DayKind(row.day_kind), row.article)
    if not law.within_period(period, row.start_on, ctx.act_on, extra_days=row.extra_days):
        raise RuleViolation(
            _(
                "The decision period ended on %(due)s: a decision may not be made later without an "
                "approved extension (%(article)s)."
            )
            % {"due": row.due_on.isoformat(), "article": law.ART_60},
            code="decision_period_expired",
            article=law.ART_60,
            detail={"due_on": row.due_on.isoformat()},
        )


def _check_windows_closed(ctx: Ctx) -> None:
    """第六十二条、第六十四条: no decision while the party may still state or ask for a hearing."""
    for row in open_rows(ctx.case, [DeadlineKind.STATEMENT, DeadlineKind.HEARING_REQUEST]):
        period = Period(row.days, DayKind(row.day_kind), row.article)
        if not law.period_elapsed(period, row.start_on, ctx.act_on):
            is_hearing = row.kind == DeadlineKind.HEARING_REQUEST
            article = law.ART_64_WINDOW if is_hearing else law.ART_44_62
            message = (
                _("The party may still ask for a hearing until %(due)s; decide after that (%(article)s).")
                if is_hearing
                else _("The party's statement period runs until %(due)s; decide after that (%(article)s).")
            )
            raise RuleViolation(
                message % {"due": row.due_on.isoformat(), "article": article},
                code="party_window_open",
                article=article,
                detail={"kind": row.kind, "due_on": row.due_on.isoformat()},
            )


def _resolve_windows(ctx: Ctx) -> None:
    for row in open_rows(ctx.case, [DeadlineKind.STATEMENT, DeadlineKind.HEARING_REQUEST]):
        deadline_close(row, on=ctx.act_on, resolution=Resolution.ELAPSED)


@handles("decide")
def decide(ctx: Ctx) -> None:
    case, data = ctx.case, ctx.data
    require_two_handlers(case)
    _check_windows_closed(ctx)
    if case.legal_review_required and not case.legal_review_passed:
        raise RuleViolation(
            _("No decision without a passed legal review (%(article)s).") % {"article": law.ART_58},
            code="legal_review_missing",
            article=law.ART_58,
        )
    cited = cite_file(ctx, step=str(_("the decision")))
    if case.deliberation_required and not case.deliberation_done:
        article = deliberation.ART_57_65 if "hearing_held" in case.deliberation_grounds else law.ART_57
        raise RuleViolation(
            _("This case must be decided by collective deliberation of the agency's heads (%(article)s).")
            % {"article": article},
            code="deliberation_missing",
            article=article,
            detail={"grounds": list(case.deliberation_grounds)},
        )
    band = penalty_rules.age_band(case)
    capacity.check_penalty_allowed(band=band, capacity=penalty_rules.party_capacity(case))
    measures = law.parse_measures(fields.string_list(data, "measures")) or [
        Measure(m) for m in case.notified_measures
    ]
    fine = fields.money(data, "fine_amount", required=False, allow_zero=False)
    if Measure.FINE in measures and fine is None:
        fine = case.notified_fine
    if Measure.FINE not in measures:
        fine = None
    if Measure.FINE in measures and fine is None:
        raise InvalidInput(_("Enter the fine amount."), detail={"field": "fine_amount"})
    reasons = fields.text(data, "reasons", required=False) or case.proposal_reasons
    discretion_reason = fields.text(data, "discretion_reason", required=False) or case.discretion_reason
    mitigation = (
        fields.choice(data, "mitigation_ground", [m.value for m in law.MitigationGround], required=False)
        or case.mitigation_ground
    )
    capacity.check_mitigation_fits(
        ground=mitigation or None, band=band, capacity=penalty_rules.party_capacity(case)
    )
    amount_class, tier_min = "", None
    if fine is not None and case.power_version is not None:
        result = classify(
            version=case.power_version,
            tier=case.tier_name,
            party_kind=case.party_kind,
            amount=fine,
            base_amount=case.base_amount,
        )
        law.check_discretion(
            amount_class=result.amount_class,
            discretion_reason=discretion_reason,
            mitigation_ground=mitigation or None,
            provision=provision_text(case.power_version),
        )
        amount_class, tier_min = result.amount_class, result.permitted_min
    leniency_reason = fields.text(data, "leniency_reason", required=False)
    capacity.check_minor_leniency(
        band=band,
        measures=[str(m) for m in measures],
        fine=fine,
        tier_min=tier_min,
        amount_class=amount_class,
        mitigation_ground=mitigation or None,
        leniency_reason=leniency_reason,
    )
    if fine is not None:
        prior_penalties.check_one_fine(penalty_rules.priors(case), penalty_rules.act_of(case))
    law.check_not_heavier(
        measures=measures,
        fine=fine,
        notified_measures=[Measure(m) for m in case.notified_measures],
        notified_fine=case.notified_fine,
        party_argued=case.statement_made or case.hearing_held_on is not None,
    )
    check_decision_deadline(ctx)
    number = issue_number(
        agency_id=case.agency_id,
        abbreviation=case.agency.abbreviation,
        kind=DECISION_KIND,
        year=ctx.act_on.year,
    )
    ctx.set(
        decision_number=number,
        decided_on=ctx.act_on,
        measures=[str(m) for m in measures],
        fine_amount=fine,
        decision_reasons=reasons,
        discretion_reason=discretion_reason,
        mitigation_ground=mitigation,
        amount_class=amount_class or case.amount_class,
    )
    deadline_resolve(case=case, kind=DeadlineKind.DECISION, on=ctx.act_on)
    _resolve_windows(ctx)
    deadline_open(case=case, kind=DeadlineKind.SERVICE, period=law.SERVICE_PERIOD, start_on=ctx.act_on)
    ctx.record.update(
        decision_number=number,
        measures=[str(m) for m in measures],
        fine_amount=str(fine) if fine is not None else None,
        amount_class=amount_class,
        reasons=reasons,
        party=penalty_rules.standing(case),
        leniency_reason=leniency_reason,
        cited=cited,
    )
    ctx.reindex = True


@handles("decide_no_penalty")
def decide_no_penalty(ctx: Ctx) -> None:
    """不予行政处罚决定 on a ground of the closed list (`law.no_penalty`): the guardian's order for a
    child or an incapable party (第三十条、第三十一条), 首违不罚 only for a first offence (第三十三条),
    and the jurisdiction's 免罚清单 lines covering the power item recorded."""
    case = ctx.case
    ground = fields.choice(ctx.data, "ground", [g.value for g in law.NoPenaltyGround], required=False)
    reason = fields.text(ctx.data, "reason")
    guardian_order = fields.text(ctx.data, "guardian_order", required=False)
    article = no_penalty.check_no_penalty_ground(
        ground=ground, band=penalty_rules.age_band(case), guardian_order=guardian_order
    )
    if ground == law.NoPenaltyGround.FIRST_OFFENCE:
        prior_penalties.check_first_offence(penalty_rules.priors(case), penalty_rules.act_of(case))
    if ground == law.NoPenaltyGround.INCAPACITY:
        ctx.set(party_capacity=str(capacity.Capacity.NONE))
    listed = (
        penalty_rules.no_penalty_list(case)
        if ground in (law.NoPenaltyGround.MINOR_CORRECTED, law.NoPenaltyGround.FIRST_OFFENCE)
        else []
    )
    cited = casefile.check_no_penalty_file(
        hooks.file_items(case),
        ground=ground or "",
        age_established=penalty_rules.age_band(case) != capacity.AgeBand.UNKNOWN,
    )
    check_decision_deadline(ctx)
    number = issue_number(
        agency_id=case.agency_id,
        abbreviation=case.agency.abbreviation,
        kind=NO_PENALTY_KIND,
        year=ctx.act_on.year,
    )
    ctx.set(
        decision_number=number,
        decided_on=ctx.act_on,
        closed_on=ctx.act_on,
        no_penalty_ground=ground,
        decision_reasons=reason,
        measures=[],
        fine_amount=None,
    )
    deadline_resolve(case=case, kind=DeadlineKind.DECISION, on=ctx.act_on)
    for row in open_rows(case, [DeadlineKind.STATEMENT, DeadlineKind.HEARING_REQUEST]):
        deadline_close(row, on=ctx.act_on, resolution=Resolution.MOOT)
    ctx.record.update(
        decision_number=number,
        ground=ground,
        reason=reason,
        article=article,
        guardian_order=guardian_order,
        no_penalty_list=listed,
        party=penalty_rules.standing(case),
        cited=[i.as_dict() for i in cited],
    )
    ctx.reindex = True


@handles("decide_on_spot")
def decide_on_spot(ctx: Ctx) -> None:
    """简易程序 (行政处罚法第五十一条、第五十二条): decided, numbered and handed over on the spot."""
    case, data = ctx.case, ctx.data
    casefile.check_on_spot_record(
        party_name=case.party_name,
        party_id_number=case.party_id_number,
        facts=case.facts,
        location=case.location,
        occurred_on=case.occurred_on,
    )
    item, version = power_for_case(
        item_id=fields.integer(data, "power_item_id", required=False) or case.power_item_id, case=case
    )
    check_party_type(version, case.party_kind)
    measures = law.parse_measures(fields.string_list(data, "measures"))
    fine = fields.money(data, "fine_amount", required=Measure.FINE in measures, allow_zero=False)
    if Measure.FINE not in measures:
        fine = None
    law.check_on_spot_decision(party_kind=case.party_kind, measures=measures, fine=fine)
    band = penalty_rules.age_band(case)
    capacity.check_penalty_allowed(band=band, capacity=penalty_rules.party_capacity(case))
    reasons = fields.text(data, "reasons")
    tier = fields.text(data, "tier", required=False, max_length=50)
    discretion_reason = fields.text(data, "discretion_reason", required=False)
    mitigation = fields.choice(
        data, "mitigation_ground", [m.value for m in law.MitigationGround], required=False
    )
    capacity.check_mitigation_fits(
        ground=mitigation or None, band=band, capacity=penalty_rules.party_capacity(case)
    )
    amount_class, tier_min = "", None
    if fine is not None:
        result = classify(
            version=version, tier=tier, party_kind=case.party_kind, amount=fine, base_amount=None
        )
        law.check_discretion(
            amount_class=result.amount_class,
            discretion_reason=discretion_reason,
            mitigation_ground=mitigation or None,
            provision=provision_text(version),
        )
        amount_class, tier_min = result.amount_class, result.permitted_min
    leniency_reason = fields.text(data, "leniency_reason", required=False)
    capacity.check_minor_leniency(
        band=band,
        measures=[str(m) for m in measures],
        fine=fine,
        tier_min=tier_min,
        amount_class=amount_class,
        mitigation_ground=mitigation or None,
        leniency_reason=leniency_reason,
    )
    if fine is not None:
        case.power_item, case.power_version = item, version
        prior_penalties.check_one_fine(penalty_rules.priors(case), penalty_rules.act_of(case))
    officer_ids = fields.id_list(data, "officer_ids")
    single_basis = fields.text(data, "single_officer_basis", required=False, max_length=200)
    minimum = 1 if single_basis else people.MIN_OFFICERS  # 第四十二条：法律另有规定的除外
    me = people.officer_for_user(ctx.actor)
    if me is None or me.pk not in officer_ids:
        raise InvalidInput(
            _("The officer deciding on the spot must be one of the officers named."),
            detail={"field": "officer_ids"},
        )
    ctx.record["officers"] = _assign(ctx, officer_ids, area=item.area, minimum=minimum)
    number = issue_number(
        agency_id=case.agency_id,
        abbreviation=case.agency.abbreviation,
        kind=ON_SPOT_KIND,
        year=ctx.act_on.year,
    )
    ctx.set(
        number=number,
        decision_number=number,
        power_item=item,
        power_version=version,
        tier_name=tier,
        decided_on=ctx.act_on,
        measures=[str(m) for m in measures],
        fine_amount=fine,
        decision_reasons=reasons,
        discretion_reason=discretion_reason,
        mitigation_ground=mitigation,
        amount_class=amount_class,
    )
    period, applied = law.on_spot_report_period(agency=case.agency)
    deadline_open(
        case=case,
        kind=DeadlineKind.ON_SPOT_REPORT,
        period=period,
        start_on=ctx.act_on,
        setting=applied.as_dict(),
    )
    ctx.record.update(
        number=number,
        power_item=item.code,
        measures=[str(m) for m in measures],
        fine_amount=str(fine) if fine is not None else None,
        amount_class=amount_class,
        single_officer_basis=single_basis,
        article=law.ART_51,
        party=penalty_rules.standing(case),
        # 简易程序: the decision itself is the record (第五十二条); what the file holds is still noted.
        cited=[i.as_dict() for i in hooks.file_items(case)],
    )
    ctx.reindex = True
