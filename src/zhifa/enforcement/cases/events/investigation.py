"""Filing, officers, preservation, the proposal, legal review and deliberation."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.core.numbering import issue_number
from zhifa.enforcement.cases import fields, party, penalty_rules, people
from zhifa.enforcement.cases.deadlines import deadline_open, deadline_resolve, open_rows
from zhifa.enforcement.cases.events.base import Ctx, handles
from zhifa.enforcement.cases.models import (
    Case,
    CaseOfficer,
    DeadlineKind,
    LegalReviewCatalogueEntry,
    Resolution,
    State,
)
from zhifa.enforcement.cases.powers_link import check_party_type, classify, power_for_case, provision_text
from zhifa.enforcement.cases.selectors import case_officers_current
from zhifa.law import capacity, casefile, deliberation, prior_penalties
from zhifa.law import hearing as hearing_law
from zhifa.law import penalty as law
from zhifa.law.penalty import Measure, ReviewGround

# 罚立: the filing number of a penalty case. Not "立": the documents app numbers its 立案审批表 with
# that word, and a shared word would share (and split) one counter (core.numbering keys by word).
CASE_NUMBER_KIND = "罚立"


def active_officers(case: Case) -> list[CaseOfficer]:
    return case_officers_current(case=case)


def require_two_handlers(case: Case) -> None:
    """行政处罚法第四十二条 holds for the whole procedure: after a recusal the case needs a new second
    officer before it moves on."""
    if len(active_officers(case)) < people.MIN_OFFICERS:
        raise RuleViolation(
            _("At least two enforcement officers must handle the case (%(article)s).")
            % {"article": law.ART_42},
            code="too_few_officers",
            article=law.ART_42,
        )


def _assign(
    ctx: Ctx, officer_ids: list[int], *, area: str, minimum: int = people.MIN_OFFICERS
) -> list[dict[str, object]]:
    """Make `officer_ids` the case's handling officers after checking each (第四十二条)."""
    officers = people.load_officers(officer_ids)
    checked = people.check_officers(
        officers, on=ctx.act_on, area=area, agency_id=ctx.case.agency_id, minimum=minimum
    )
    current = {co.officer_id: co for co in active_officers(ctx.case)}
    for officer_id, co in current.items():
        if officer_id not in officer_ids:
            co.removed_on = ctx.act_on
            co.removed_reason = str(_("reassigned"))
            co.save(update_fields=["removed_on", "removed_reason"])
    out = []
    for officer, credential_number in checked:
        if officer.pk not in current:
            CaseOfficer.objects.create(
                case=ctx.case,
                officer=officer,
                user_id=officer.user_id,
                credential_number=credential_number,
                assigned_on=ctx.act_on,
            )
        out.append({"id": officer.pk, "name": officer.name, "credential": credential_number})
    return out


@handles("file")
def file(ctx: Ctx) -> None:
    case = ctx.case
    identified = party.require_identified(case, ctx.data)  # a lead may have come in without its party
    if identified is not None:
        ctx.set(**{f"party_{k}": v for k, v in identified.items()})
        ctx.record["party"] = {k: identified[k] for k in ("kind", "name", "id_number")}
    item_id = fields.integer(ctx.data, "power_item_id", required=False) or case.power_item_id
    item, version = power_for_case(item_id=item_id, case=case)
    check_party_type(version, case.party_kind)
    officer_ids = fields.id_list(ctx.data, "officer_ids")
    ctx.record["officers"] = _assign(ctx, officer_ids, area=item.area)
    number = issue_number(
        agency_id=case.agency_id,
        abbreviation=case.agency.abbreviation,
        kind=CASE_NUMBER_KIND,
        year=ctx.act_on.year,
    )
    ctx.set(number=number, filed_on=ctx.act_on, power_item=item, power_version=version)
    ctx.record.update(number=number, power_item=item.code, power_version=version.number)
    deadline_open(case=case, kind=DeadlineKind.DECISION, period=law.DECISION_PERIOD, start_on=ctx.act_on)
    ctx.reindex = True


@handles("decline")
def decline(ctx: Ctx) -> None:
    ctx.record["reason"] = fields.text(ctx.data, "reason")


@handles("assign_officers")
def assign_officers(ctx: Ctx) -> None:
    area = ctx.case.power_item.area if ctx.case.power_item else ""
    ctx.record["officers"] = _assign(ctx, fields.id_list(ctx.data, "officer_ids"), area=area)
    ctx.record["reason"] = fields.text(ctx.data, "reason", required=False)


@handles("record_recusal")
def record_recusal(ctx: Ctx) -> None:
    """行政处罚法第四十三条: the head decides; the investigation is not stopped meanwhile. A granted
    recusal takes the officer off the case; the case then needs a second officer again."""
    officer_id = fields.integer(ctx.data, "officer_id")
    requested_by = fields.choice(ctx.data, "requested_by", ["party", "officer", "agency"])
    granted = fields.boolean(ctx.data, "granted")
    reason = fields.text(ctx.data, "reason")
    link = next((co for co in active_officers(ctx.case) if co.officer_id == officer_id), None)
    if link is None:
        raise InvalidInput(_("This officer is not handling the case."), detail={"field": "officer_id"})
    if granted:
        link.removed_on = ctx.act_on
        link.removed_reason = str(_("recusal (art. 43)"))
        link.save(update_fields=["removed_on", "removed_reason"])
    ctx.record.update(
        officer_id=officer_id,
        officer=link.officer.name,
        requested_by=requested_by,
        granted=granted,
        reason=reason,
        article=law.ART_43,
    )


@handles("record_preservation")
def record_preservation(ctx: Ctx) -> None:
    ctx.record["items"] = fields.text(ctx.data, "items")
    deadline_open(
        case=ctx.case, kind=DeadlineKind.PRESERVATION, period=law.PRESERVATION_PERIOD, start_on=ctx.act_on
    )


@handles("resolve_preservation")
def resolve_preservation(ctx: Ctx) -> None:
    if not open_rows(ctx.case, [DeadlineKind.PRESERVATION]):
        raise InvalidInput(_("No preserved evidence is awaiting a decision."))
    ctx.record["decision"] = fields.text(ctx.data, "decision")
    deadline_resolve(case=ctx.case, kind=DeadlineKind.PRESERVATION, on=ctx.act_on)


def catalogue_matches(
    case: Case, *, item_id: int, measures: list[Measure], fine: Decimal | None
) -> list[str]:
    """Entries of the agency's legal review catalogue that this proposal falls under."""
    hits = []
    for entry in LegalReviewCatalogueEntry.objects.filter(agency_id=case.agency_id, is_active=True):
        threshold = (
            entry.fine_at_least_person if case.party_kind == "person" else entry.fine_at_least_organisation
        )
        item_ok = entry.power_item_id is None or entry.power_item_id == item_id
        by_item = entry.power_item_id is not None and item_ok and threshold is None and not entry.measures
        by_fine = item_ok and threshold is not None and fine is not None and fine >= threshold
        by_measure = item_ok and any(m in entry.measures for m in measures)
        if by_item or by_fine or by_measure:
            hits.append(entry.description)
    return hits


@handles("submit_proposal")
def submit_proposal(ctx: Ctx) -> None:
    """拟处罚意见. From `notified` it is a revised proposal (new facts or evidence after the notice): it
    says why, the notice's windows end, and the party is notified again (第四十四条) before any
    decision — the way a heavier penalty than first notified can lawfully come about (第四十五条 forbids
    only a heavier penalty *because* the party argued, which the reason must show it is not)."""
    case, data = ctx.case, ctx.data
    require_two_handlers(case)
    found = fields.text(data, "party_capacity", required=False, max_length=16)
    if found:  # 第三十一条: what the investigation found about the party's capacity
        case.party_capacity = "" if found == capacity.Capacity.FULL else str(capacity.parse_capacity(found))
        ctx.set(party_capacity=case.party_capacity)
    capacity.check_penalty_allowed(
        band=penalty_rules.age_band(case), capacity=penalty_rules.party_capacity(case)
    )
    if case.state == State.NOTIFIED:
        ctx.record["revision_reason"] = fields.text(data, "revision_reason")
        for kind in (DeadlineKind.STATEMENT, DeadlineKind.HEARING_REQUEST):
            deadline_resolve(case=case, kind=kind, on=ctx.act_on, resolution=Resolution.MOOT)
    item_id = fields.integer(data, "power_item_id", required=False) or case.power_item_id
    item, version = power_for_case(item_id=item_id, case=case)
    check_party_type(version, case.party_kind)
    measures = law.parse_measures(fields.string_list(data, "measures"))
    if not measures:
        raise InvalidInput(_("Choose at least one measure."), detail={"field": "measures"})
    fine = fields.money(data, "fine_amount", required=Measure.FINE in measures, allow_zero=False)
    if Measure.FINE not in measures:
        fine = None
    base = fields.money(data, "base_amount", required=False)
    confiscation = fields.money(data, "confiscation_value", required=False)
    hearing_law.check_confiscation_value(confiscating=Measure.CONFISCATION in measures, value=confiscation)
    tier = fields.text(data, "tier", required=False, max_length=50)
    reasons = fields.text(data, "reasons")
    discretion_reason = fields.text(data, "discretion_reason", required=False)
    mitigation = fields.choice(
        data, "mitigation_ground", [m.value for m in law.MitigationGround], required=False
    )
    capacity.check_mitigation_fits(
        ground=mitigation or None,
        band=penalty_rules.age_band(case),
        capacity=penalty_rules.party_capacity(case),
    )
    case.power_item, case.power_version = item, version  # the act is judged under the proposed item
    if fine is not None:
        _check_fine_once(ctx, case, version, base=data)
    heavier = _check_revision(ctx, case, measures, fine)
    amount_class, pmin, pmax = "", None, None
    if fine is not None:
        result = classify(
            version=version, tier=tier, party_kind=case.party_kind, amount=fine, base_amount=base
        )
        law.check_discretion(
            amount_class=result.amount_class,
            discretion_reason=discretion_reason,
            mitigation_ground=mitigation or None,
            provision=provision_text(version),
        )
        amount_class, pmin, pmax = result.amount_class, result.permitted_min, result.permitted_max
    hearing = law.hearing_eligibility(
        party_kind=case.party_kind,
        measures=measures,
        fine=fine,
        confiscation_value=confiscation,
        agency=case.agency,
        offered=fields.boolean(data, "hearing_offered"),
    )
    grounds = [
        g
        for g, flag in (
            (ReviewGround.MAJOR_PUBLIC_INTEREST, fields.boolean(data, "major_public_interest")),
            (ReviewGround.DIFFICULT_CASE, fields.boolean(data, "difficult_case")),
            (ReviewGround.REQUIRED_BY_LAW, fields.boolean(data, "review_required_by_law")),
        )
        if flag
    ]
    catalogue = catalogue_matches(case, item_id=item.pk, measures=measures, fine=fine)
    if catalogue:
        grounds.append(ReviewGround.CATALOGUE)
    if heavier:
        grounds.append(ReviewGround.HEAVIER_REVISION)
    complex_case = fields.boolean(data, "complex_case")
    serious = deliberation.serious_case(
        party_kind=case.party_kind,
        measures=[str(m) for m in measures],
        fine=fine,
        confiscation_value=confiscation,
        agency=case.agency,
    )
    deliberation_grounds = [*(["complex"] if complex_case else []), *serious.grounds]
    if case.hearing_held_on is not None:
        deliberation_grounds.append("hearing_held")
    ctx.set(
        power_item=item,
        power_version=version,
        tier_name=tier,
        base_amount=base,
        proposed_measures=[str(m) for m in measures],
        proposed_fine=fine,
        confiscation_value=confiscation,
        proposal_reasons=reasons,
        amount_class=amount_class,
        permitted_min=pmin,
        permitted_max=pmax,
        discretion_reason=discretion_reason,
        mitigation_ground=mitigation,
        hearing_eligible=hearing.eligible,
        hearing_grounds=list(hearing.grounds),
        legal_review_required=bool(grounds),
        legal_review_grounds=[str(g) for g in grounds],
        legal_review_passed=False,
        deliberation_required=bool(deliberation_grounds),
        deliberation_grounds=deliberation_grounds,
        deliberation_done=False,
        decision_approved_on=None,  # a new proposal needs the head's approval of its own
        settings_applied={
            **case.settings_applied,
            "hearing_thresholds": list(hearing.thresholds),
            "deliberation_thresholds": list(serious.applied),
        },
    )
    ctx.record.update(
        power_item=item.code,
        tier=tier,
        measures=[str(m) for m in measures],
        fine_amount=str(fine) if fine is not None else None,
        amount_class=amount_class,
        permitted_range=[str(pmin) if pmin is not None else None, str(pmax) if pmax is not None else None],
        hearing_eligible=hearing.eligible,
        hearing_grounds=list(hearing.grounds),
        legal_review_grounds=[str(g) for g in grounds],
        catalogue=catalogue,
        deliberation_required=bool(deliberation_grounds),
        deliberation_grounds=deliberation_grounds,
        heavier_revision=heavier,
        party=penalty_rules.standing(case),
        reasons=reasons,
    )


def _check_fine_once(ctx: Ctx, case: Case, version: Any, *, base: dict[str, Any]) -> None:
    """行政处罚法第二十九条: no second fine for one act (any agency), and the provision with the higher
    fine where the act breaks several (`concurrent_power_item_ids`: the other items it also breaks)."""
    from zhifa.powers.models import Category, PowerItem

    concurrent_ids = (
        fields.id_list(ctx.data, "concurrent_power_item_ids")
        if ctx.data.get("concurrent_power_item_ids")
        else []
    )
    others = list(
        PowerItem.objects.filter(
            pk__in=concurrent_ids,
            status=PowerItem.Status.ACTIVE,
            published_version__category=Category.PENALTY,
        ).select_related("published_version")
    )
    if len(others) != len(set(concurrent_ids)):
        raise InvalidInput(_("Unknown power item."), detail={"field": "concurrent_power_item_ids"})
    base_amount = fields.money(base, "base_amount", required=False)
    extra = [(o.published_version.violated_provision or "").strip() for o in others if o.published_version]
    act = penalty_rules.act_of(case, extra_provisions=extra)
    prior_penalties.check_one_fine(penalty_rules.priors(case), act)
    if others:
        prior_penalties.check_higher_provision(
            chosen=provision_text(version),
            chosen_max=penalty_rules.statutory_max(
                version, party_kind=case.party_kind, base_amount=base_amount
            ),
            concurrent=[
                (
                    f"{o.code} {provision_text(o.published_version)}",
                    penalty_rules.statutory_max(
                        o.published_version, party_kind=case.party_kind, base_amount=base_amount
                    ),
                )
                for o in others
                if o.published_version is not None
            ],
        )
        ctx.record["concurrent_power_items"] = [o.code for o in others]


def _check_revision(ctx: Ctx, case: Case, measures: list[Measure], fine: Decimal | None) -> bool:
    """行政处罚法第四十五条: a proposal after the party stated or was heard is not heavier than the
    notice unless new evidence recorded after the notice supports it; a heavier one needs a legal
    review (and, as every proposal, a new notice)."""
    if case.notified_on is None:
        return False
    argued = case.statement_made or case.hearing_held_on is not None
    evidence_ids = fields.id_list(ctx.data, "new_evidence_ids") if ctx.data.get("new_evidence_ids") else []
    fresh = _evidence_after(case, evidence_ids)
    heavier = law.check_revision_not_heavier(
        measures=measures,
        fine=fine,
        notified_measures=[Measure(m) for m in case.notified_measures],
        notified_fine=case.notified_fine,
        party_argued=argued,
        new_evidence=len(fresh),
    )
    if heavier:
        ctx.record["new_evidence_ids"] = fresh
    return heavier and argued


def _evidence_after(case: Case, ids: list[int]) -> list[int]:
    """Evidence of this case recorded (captured, else uploaded) after the day of the notice."""
    from django.utils import timezone

    from zhifa.enforcement.evidence.models import Evidence

    if not ids:
        return []
    assert case.notified_on is not None
    rows = Evidence.objects.filter(case=case, pk__in=ids, destroyed_at__isnull=True)
    found = {row.pk: row for row in rows}
    if set(ids) - set(found):
        raise InvalidInput(_("Unknown evidence for this case."), detail={"field": "new_evidence_ids"})
    out = []
    for pk, row in found.items():
        when = row.captured_at or row.uploaded_at
        if (
            timezone.localdate(when) > case.notified_on
            and timezone.localdate(row.uploaded_at) > case.notified_on
        ):
            out.append(pk)
    return sorted(out)


@handles("request_legal_review")
def request_legal_review(ctx: Ctx) -> None:
    require_two_handlers(ctx.case)
    # The head approves after the legal review (第五十八条: before the decision), not before it.
    ctx.set(review_return_state=ctx.case.state, decision_approved_on=None)
    ctx.record["required"] = ctx.case.legal_review_required


def _check_reviewer(ctx: Ctx) -> None:
    """The reviewer is not one of the case's handling officers, and is qualified (行政处罚法第五十八条)."""
    from zhifa.officers.rules import can_legal_review

    handlers = {co.user_id for co in ctx.case.officers.all() if co.user_id}
    profile = people.officer_for_user(ctx.actor)
    handler_officers = {co.officer_id for co in ctx.case.officers.all()}
    if ctx.actor.pk in handlers or (profile is not None and profile.pk in handler_officers):
        raise RuleViolation(
            _("A handling officer of the case may not do its legal review (%(article)s).")
            % {"article": law.ART_58},
            code="reviewer_is_handler",
            article=law.ART_58,
        )
    verdict = can_legal_review(profile)
    if not verdict:
        raise RuleViolation(
            verdict.reason, code="reviewer_not_qualified", article=verdict.article or law.ART_58
        )


@handles("approve_legal_review")
def approve_legal_review(ctx: Ctx) -> None:
    _check_reviewer(ctx)
    opinion = fields.text(ctx.data, "opinion")
    answers, notes = _checklist(ctx, approving=True)
    ctx.set(legal_review_passed=True)
    ctx.target = ctx.case.review_return_state or State.PROPOSED
    ctx.record.update(opinion=opinion, checklist=answers, checklist_notes=notes, article=law.ART_58)


def _checklist(ctx: Ctx, *, approving: bool) -> tuple[dict[str, bool], dict[str, str]]:
    """The nine points, each answered yes or no by the reviewer — none is answered in advance; a "no"
    carries its note (第五十八条)."""
    checklist = ctx.data.get("checklist") or {}
    notes = ctx.data.get("checklist_notes") or {}
    if not isinstance(checklist, dict) or not isinstance(notes, dict):
        raise InvalidInput(
            _("The checklist must map each point to true or false."), detail={"field": "checklist"}
        )
    return casefile.check_checklist(checklist, law.LEGAL_REVIEW_CHECKLIST, approving=approving, notes=notes)


@handles("return_legal_review")
def return_legal_review(ctx: Ctx) -> None:
    _check_reviewer(ctx)
    opinion = fields.text(ctx.data, "opinion")
    answers, notes = _checklist(ctx, approving=False)
    ctx.set(legal_review_passed=False, decision_approved_on=None)
    # Back to investigation: a notice already served no longer stands; its windows end with it.
    for kind in (DeadlineKind.STATEMENT, DeadlineKind.HEARING_REQUEST):
        deadline_resolve(case=ctx.case, kind=kind, on=ctx.act_on, resolution=Resolution.MOOT)
    ctx.record.update(opinion=opinion, checklist=answers, checklist_notes=notes)


@handles("record_deliberation")
def record_deliberation(ctx: Ctx) -> None:
    raw = ctx.data.get("participants")
    if isinstance(raw, str):  # a form's text field: "王建国、李明，张华"
        raw = re.split(r"[,，、;；\n]+", raw)
    participants = fields.string_list({"participants": raw}, "participants")
    if len(participants) < 2:
        raise InvalidInput(
            _("A collective deliberation needs the names of its participants."),
            detail={"field": "participants"},
        )
    minutes = fields.text(ctx.data, "minutes")
    conclusion = fields.text(ctx.data, "conclusion", max_length=2000)
    ctx.set(deliberation_done=True)
    ctx.record.update(participants=participants, minutes=minutes, conclusion=conclusion, article=law.ART_57)
