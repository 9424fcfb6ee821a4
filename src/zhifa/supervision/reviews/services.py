"""The one door for every write of the review app: rubrics, campaigns, the draw, pre-checks, scores,
rectification notices and the publication of results. Each function checks who may act, validates
everything before writing (a refusal changes nothing), writes in one transaction and records an audit
entry."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.core.roles import ALL_ROLES, Role
from zhifa.enforcement.cases.models import Case, State
from zhifa.foundation.deadlines.services import Subject, deadline_resolve
from zhifa.org.selectors import granted_nodes, scope_agency_ids
from zhifa.supervision.reviews import precheck, sampling, scoring, standard
from zhifa.supervision.reviews.models import (
    Campaign,
    RectificationNotice,
    Rubric,
    RubricItem,
    SampledFile,
    ScoreLine,
    ScoreSheet,
    Section,
)

DEADLINE_KIND = "reviews_rectification"
RECTIFICATION_ARTICLE = "案卷评查方案（整改期限）"
# Files that went through to an end: closed, archived, or terminated (终止) after filing. A lead that was
# never filed (不予立案) has no case file to review.
REVIEWABLE_STATES = (State.CLOSED, State.ARCHIVED, State.TERMINATED)
MAX_POOL = 200_000
# Files the background pre-check evaluates per task run (one transaction each; progress after each).
PRECHECK_CHUNK = 200

log = logging.getLogger(__name__)


# --- Who may act ---------------------------------------------------------------------------------


def own_agencies(user: Any) -> frozenset[int]:
    """The agencies a person belongs to: where they work and where they hold any role."""
    ids = {a for _n, a in granted_nodes(user, roles=ALL_ROLES) if a is not None}
    node = getattr(user, "node", None)
    if node is not None and node.agency_id is not None:
        ids.add(node.agency_id)
    return frozenset(ids)


def require_bureau(actor: Any, agency_ids: Iterable[int] = ()) -> None:
    """Review campaigns are run by supervisors (the justice bureau) whose scope covers the agencies."""
    scope = scope_agency_ids(actor, roles=[Role.SUPERVISOR])
    if not scope or not set(agency_ids) <= scope:
        raise Forbidden(
            _("Only the supervising bureau, for the agencies in its scope, runs dossier reviews."),
            code="not_bureau",
        )


def require_not_own(reviewer: Any, agency_id: int) -> None:
    if agency_id in own_agencies(reviewer):
        raise Forbidden(
            _("Cross review: %(name)s belongs to the agency whose file this is and may not review it.")
            % {"name": reviewer.display_name if hasattr(reviewer, "display_name") else reviewer},
            code="own_agency",
            detail={"reviewer": reviewer.pk, "agency": agency_id},
        )


def _user(user_id: int) -> Any:
    from zhifa.org.models import User

    return User.objects.filter(pk=user_id, is_active=True).select_related("node").first()


# --- Rubrics -------------------------------------------------------------------------------------


def _dec(raw: Any, field: str, *, default: Decimal | None = None) -> Decimal:
    if raw in (None, "") and default is not None:
        return default
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > 1000:
        raise InvalidInput(
            _("%(field)s must be a number from 0 to 1000.") % {"field": field}, detail={"field": field}
        )
    return value.quantize(Decimal("0.1"))


def _text(raw: Any, field: str, *, max_length: int, required: bool = True) -> str:
    value = str(raw or "").strip()
    if required and not value:
        raise InvalidInput(
            _("%(field)s is required.") % {"field": field}, code="required", detail={"field": field}
        )
    if len(value) > max_length:
        raise InvalidInput(
            _("%(field)s is at most %(n)d characters.") % {"field": field, "n": max_length},
            detail={"field": field},
        )
    return value


def _clean_items(raw_items: Any) -> list[dict[str, Any]]:
    if not isinstance(raw_items, list) or not raw_items:
        raise InvalidInput(_("A rubric needs at least one item."), code="required", detail={"field": "items"})
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_items):
        if not isinstance(raw, dict):
            raise InvalidInput(_("Each item is an object."), detail={"field": "items", "index": i})
        code = _text(raw.get("code"), "code", max_length=20)
        if code in seen:
            raise InvalidInput(
                _("Item %(code)s appears twice.") % {"code": code},
                code="duplicate_item",
                detail={"field": "items", "code": code},
            )
        seen.add(code)
        section = str(raw.get("section", ""))
        if section not in Section.values:
            raise InvalidInput(
                _("The section of item %(code)s is veto, form or substance.") % {"code": code},
                detail={"field": "items", "code": code},
            )
        check = str(raw.get("check") or "")
        if check and check not in precheck.CHECKS:
            raise InvalidInput(
                _("Item %(code)s names an unknown automatic check %(check)s.")
                % {"code": code, "check": check},
                detail={"field": "items", "code": code},
            )
        max_deduction = (
            Decimal(0) if section == Section.VETO else _dec(raw.get("max_deduction"), "max_deduction")
        )
        items.append(
            {
                "code": code,
                "section": section,
                "text": _text(raw.get("text"), "text", max_length=300),
                "max_deduction": max_deduction,
                "basis": _text(raw.get("basis"), "basis", max_length=200, required=False),
                "auto_check": check,
                "order": i,
            }
        )
    return items


def rubric_create(*, actor: Any, data: dict[str, Any]) -> Rubric:
    """A rubric, or the next version of one (same code). `actor=None`: the platform's default."""
    if actor is not None:
        require_bureau(actor)
    code = _text(data.get("code"), "code", max_length=40)
    name = _text(data.get("name"), "name", max_length=100)
    form = _dec(data.get("form_points"), "form_points", default=Decimal(20))
    substance = _dec(data.get("substance_points"), "substance_points", default=Decimal(80))
    excellent = _dec(data.get("excellent_min"), "excellent_min", default=Decimal(90))
    passing = _dec(data.get("pass_min"), "pass_min", default=Decimal(60))
    if not passing <= excellent <= form + substance:
        raise InvalidInput(
            _("The thresholds must satisfy pass ≤ excellent ≤ the total points."),
            code="invalid_thresholds",
            detail={"field": "pass_min"},
        )
    items = _clean_items(data.get("items"))
    for section, points in ((Section.FORM, form), (Section.SUBSTANCE, substance)):
        total = sum((i["max_deduction"] for i in items if i["section"] == section), Decimal(0))
        if total != points:
            raise InvalidInput(
                _(
                    "The maximum deductions of the %(section)s items add up to %(total)s, not the "
                    "section's %(points)s points."
                )
                % {"section": Section(section).label, "total": total, "points": points},
                code="totals_do_not_add_up",
                detail={"field": "items", "section": section, "total": str(total), "points": str(points)},
            )
    with transaction.atomic():
        last = Rubric.objects.select_for_update().filter(code=code).order_by("-version").first()
        rubric = Rubric.objects.create(
            code=code,
            version=(last.version + 1) if last else 1,
            name=name,
            form_points=form,
            substance_points=substance,
            excellent_min=excellent,
            pass_min=passing,
            note=_text(data.get("note"), "note", max_length=200, required=False),
            created_by=actor,
            created_at=timezone.now(),
        )
        RubricItem.objects.bulk_create(RubricItem(rubric=rubric, **item) for item in items)
        audit_record(
            actor=actor,
            action="reviews.rubric_create",
            obj=rubric,
            summary={"code": code, "version": rubric.version},
        )
    return rubric


def rubric_default() -> Rubric:
    """The platform's default rubric (standard.DEFAULT_ITEMS), created once."""
    existing = Rubric.objects.filter(code=standard.DEFAULT_CODE).order_by("version").first()
    if existing is not None:
        return existing
    return rubric_create(
        actor=None,
        data={
            "code": standard.DEFAULT_CODE,
            "name": standard.DEFAULT_NAME,
            "items": [
                {
                    "code": s.code,
                    "section": s.section,
                    "text": s.text,
                    "max_deduction": str(s.max_deduction),
                    "basis": s.basis,
                    "check": s.check,
                }
                for s in standard.DEFAULT_ITEMS
            ],
        },
    )


def _rules(rubric: Rubric) -> tuple[dict[str, scoring.ItemRule], scoring.Thresholds]:
    rules = {i.code: scoring.ItemRule(i.code, i.section, i.max_deduction) for i in rubric.items.all()}
    return rules, scoring.Thresholds(
        rubric.form_points, rubric.substance_points, rubric.excellent_min, rubric.pass_min
    )


# --- Campaigns -----------------------------------------------------------------------------------


def _date(raw: Any, field: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except (TypeError, ValueError):
        raise InvalidInput(
            _("%(field)s is a date (YYYY-MM-DD).") % {"field": field}, detail={"field": field}
        ) from None


def _ids(raw: Any, field: str) -> list[int]:
    if not isinstance(raw, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in raw):
        raise InvalidInput(_("%(field)s is a list of ids.") % {"field": field}, detail={"field": field})
    return list(dict.fromkeys(raw))


def campaign_create(*, actor: Any, data: dict[str, Any]) -> Campaign:
    from zhifa.org.selectors import agency_get

    require_bureau(actor)
    name = _text(data.get("name"), "name", max_length=100)
    kind = str(data.get("kind", ""))
    if kind not in Campaign.Kind.values:
        raise InvalidInput(_("The kind is annual or special."), detail={"field": "kind"})
    agency_ids = _ids(data.get("agency_ids"), "agency_ids")
    if not agency_ids:
        raise InvalidInput(
            _("Choose the agencies the review covers."), code="required", detail={"field": "agency_ids"}
        )
    for a in agency_ids:
        node = agency_get(node_id=a)
        if node is None or node.kind != "agency":
            raise InvalidInput(
                _("No such agency: %(id)s.") % {"id": a}, detail={"field": "agency_ids", "id": a}
            )
    require_bureau(actor, agency_ids)
    if actor.node is None:
        raise Forbidden(_("Your account belongs to no organisation."), code="not_bureau")
    rubric_id = data.get("rubric_id")
    if rubric_id is not None and (not isinstance(rubric_id, int) or isinstance(rubric_id, bool)):
        raise InvalidInput(_("No such rubric."), detail={"field": "rubric_id"})
    rubric = Rubric.objects.filter(pk=rubric_id).first() if rubric_id is not None else rubric_default()
    if rubric is None:
        raise InvalidInput(_("No such rubric."), detail={"field": "rubric_id"})
    closed_from = _date(data.get("closed_from"), "closed_from")
    closed_to = _date(data.get("closed_to"), "closed_to")
    if closed_from > closed_to:
        raise InvalidInput(_("The period starts after it ends."), detail={"field": "closed_from"})
    due_on = _date(data.get("due_on"), "due_on")
    mode = str(data.get("sample_mode", ""))
    count: int | None = None
    share: Decimal | None = None
    if mode == Campaign.SampleMode.COUNT:
        raw = data.get("sample_count")
        if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= 1000:
            raise InvalidInput(
                _("The number of files per agency is from 1 to 1000."), detail={"field": "sample_count"}
            )
        count = raw
    elif mode == Campaign.SampleMode.SHARE:
        share = _dec(data.get("sample_share"), "sample_share")
        if not Decimal(0) < share <= 100:
            raise InvalidInput(
                _("The share is more than 0 and at most 100 percent."), detail={"field": "sample_share"}
            )
    else:
        raise InvalidInput(_("The sample rule is count or share."), detail={"field": "sample_mode"})
    strata = str(data.get("strata") or "")
    if strata not in Campaign.Strata.values:
        raise InvalidInput(_("Strata are by procedure or by power category."), detail={"field": "strata"})
    days = data.get("rectification_days", 30)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise InvalidInput(
            _("The days to rectify are from 1 to 365."), detail={"field": "rectification_days"}
        )
    reviewers = []
    for uid in _ids(data.get("reviewer_ids", []), "reviewer_ids"):
        user = _user(uid)
        if user is None:
            raise InvalidInput(
                _("No such reviewer: %(id)s.") % {"id": uid}, detail={"field": "reviewer_ids", "id": uid}
            )
        if set(agency_ids) <= own_agencies(user):
            require_not_own(user, agency_ids[0])  # belongs to every agency covered: could review nothing
        reviewers.append(user)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            kind=kind,
            bureau=actor.node,
            rubric=rubric,
            closed_from=closed_from,
            closed_to=closed_to,
            sample_mode=mode,
            sample_count=count,
            sample_share=share,
            strata=strata,
            due_on=due_on,
            rectification_days=days,
            created_by=actor,
            created_at=timezone.now(),
        )
        campaign.agencies.set(agency_ids)
        campaign.reviewers.set(reviewers)
        audit_record(
            actor=actor, action="reviews.campaign_create", obj=campaign, summary={"agencies": agency_ids}
        )
    return campaign


def _stratum(strata: str, procedure: str, category: str | None) -> str:
    if strata == Campaign.Strata.PROCEDURE:
        return procedure
    if strata == Campaign.Strata.CATEGORY:
        return category or "none"
    return ""


def pool_rows(campaign: Campaign) -> list[tuple[int, str, int]]:
    """(agency id, stratum, case id) of every reviewable file of the covered agencies closed in the
    period: the pool as it stands now (frozen into PoolEntry by the draw)."""
    agency_ids = list(campaign.agencies.values_list("id", flat=True))
    qs = (
        Case.objects.filter(agency_id__in=agency_ids, state__in=REVIEWABLE_STATES)
        .annotate(ended=Coalesce("closed_on", "last_act_on"))
        .filter(ended__gte=campaign.closed_from, ended__lte=campaign.closed_to)
        .filter(Q(filed_on__isnull=False) | Q(procedure="simple"))
        .values_list("agency_id", "procedure", "power_version__category", "id")
        .order_by("id")
    )
    return [(a, _stratum(campaign.strata, p, c), i) for a, p, c, i in qs.iterator(chunk_size=5000)]


def pool_groups(rows: Sequence[tuple[int, str, int]]) -> dict[tuple[int, str], list[int]]:
    groups: dict[tuple[int, str], list[int]] = {}
    for a, s, c in rows:
        groups.setdefault((a, s), []).append(c)
    return groups


def reviewer_map(campaign: Campaign) -> dict[str, frozenset[int]]:
    return {str(u.pk): own_agencies(u) for u in campaign.reviewers.select_related("node")}


def campaign_draw(*, actor: Any, campaign_id: int, seed: str | None = None) -> Campaign:
    """Freeze the pool, draw the sample per agency (and stratum), assign cross-agency reviewers and
    run the pre-check of each file (the workflow's `draw`). `seed` (64 hex digits) may be given, e.g.
    one drawn in public."""
    from zhifa.supervision.reviews.workflow import campaign_apply_event

    data = {"seed": seed} if seed else {}
    return campaign_apply_event(campaign_id=campaign_id, actor=actor, event="draw", data=data)


def precheck_start(campaign: Campaign, total: int) -> None:
    """Called by the draw inside its transaction: the progress starts at 0 of `total`, and the
    background task (`tasks.precheck_campaign_task`) is enqueued once the draw has committed. The draw
    itself never waits for the pre-check."""
    from zhifa.core.workflow import after_commit

    start = {
        "precheck_total": total,
        "precheck_done": 0,
        "precheck_failed": 0,
        "precheck_started_at": timezone.now(),
        "precheck_finished_at": None,
    }
    Campaign.objects.filter(pk=campaign.pk).update(**start)
    for field, value in start.items():
        setattr(campaign, field, value)
    campaign_id = campaign.pk

    def enqueue() -> None:
        from zhifa.supervision.reviews.tasks import precheck_campaign_task

        precheck_campaign_task.enqueue(campaign_id)

    after_commit(enqueue)


def _auto_items(campaign: Campaign) -> list[tuple[str, str, str, Decimal]]:
    return [
        (i.code, i.section, i.auto_check, i.max_deduction)
        for i in campaign.rubric.items.all()
        if i.auto_check
    ]


def precheck_progress(campaign_id: int) -> None:
    """Recount the campaign's progress from its files (never an increment: a chunk run twice leaves the
    counts as they were) and mark it finished when no file is left."""
    files = SampledFile.objects.filter(campaign_id=campaign_id)
    total = files.count()
    done = files.filter(prechecked_at__isnull=False).count()
    failed = files.filter(prechecked_at__isnull=True).exclude(precheck_error="").count()
    changes: dict[str, Any] = {"precheck_total": total, "precheck_done": done, "precheck_failed": failed}
    if done + failed >= total:
        Campaign.objects.filter(pk=campaign_id, precheck_finished_at__isnull=True).update(
            precheck_finished_at=timezone.now()
        )
    else:
        changes["precheck_finished_at"] = None
    Campaign.objects.filter(pk=campaign_id).update(**changes)


def precheck_chunk(campaign_id: int, *, size: int | None = None) -> bool:
    """Pre-check up to `size` files of the campaign that have neither a pre-check nor an error yet, in
    one transaction, then record the progress. Returns whether files are left. Idempotent: a file
    already pre-checked is never taken again, so a retried or duplicated chunk changes nothing; on
    PostgreSQL two workers skip each other's locked files. A file whose facts cannot be evaluated keeps
    the error (the chunk goes on); it counts as failed and can be scored by hand."""
    campaign = Campaign.objects.select_related("rubric").filter(pk=campaign_id).first()
    if campaign is None or campaign.drawn_at is None:
        return False
    items = _auto_items(campaign)
    today = timezone.localdate()
    with transaction.atomic():
        files = list(
            SampledFile.objects.select_for_update(skip_locked=True)
            .filter(campaign_id=campaign_id, prechecked_at__isnull=True, precheck_error="")
            .order_by("position")[: size or PRECHECK_CHUNK]
        )
        for file in files:
            try:
                with transaction.atomic():
                    facts = precheck.file_facts(file.case_id, today=today)
                    file.precheck = precheck.evaluate(facts, items)
            except Exception as exc:  # one bad file must not stop the campaign's pre-check
                log.exception("reviews: pre-check of sampled file %s failed", file.pk)
                file.precheck_error = f"{type(exc).__name__}: {exc}"[:500]
                file.save(update_fields=["precheck_error"])
                continue
            file.prechecked_at = timezone.now()
            file.save(update_fields=["precheck", "prechecked_at"])
        precheck_progress(campaign_id)
    return SampledFile.objects.filter(
        campaign_id=campaign_id, prechecked_at__isnull=True, precheck_error=""
    ).exists()


def precheck_run(campaign_id: int) -> None:
    """Run every chunk now, in this process (the demo and the benchmark; the task does it one chunk per
    run)."""
    while precheck_chunk(campaign_id):
        pass


def campaign_verify(campaign: Campaign) -> dict[str, Any]:
    """Re-run the draw from the stored seed over the frozen pool: the same files come out."""
    entries = list(campaign.pool.values_list("agency_id", "stratum", "case_id"))
    groups = pool_groups(entries)
    problems = []
    for g in campaign.groups.all():
        v = sampling.verify_group(
            seed=campaign.seed,
            group=sampling.GroupDraw(
                g.agency_id, g.stratum, g.pool_size, g.pool_digest, g.n, tuple(g.chosen), ()
            ),
            case_ids=groups.get((g.agency_id, g.stratum), []),
        )
        if v is not None and not v.ok:
            problems.append({"agency": g.agency_id, "stratum": g.stratum, "problems": list(v.problems)})
    digest_ok = sampling.campaign_digest(entries) == campaign.pool_digest
    return {"ok": digest_ok and not problems, "pool_digest_matches": digest_ok, "groups": problems}


def _precheck(file: SampledFile, campaign: Campaign) -> None:
    facts = precheck.file_facts(file.case_id, today=timezone.localdate())
    file.precheck = precheck.evaluate(facts, _auto_items(campaign))
    file.prechecked_at = timezone.now()
    file.precheck_error = ""
    file.save(update_fields=["precheck", "prechecked_at", "precheck_error"])
    precheck_progress(campaign.pk)


def file_precheck(*, actor: Any, file_id: int) -> SampledFile:
    file = SampledFile.objects.select_related("campaign").filter(pk=file_id).first()
    if file is None:
        raise NotFound(_("No such file in a review campaign."))
    if actor.pk != file.reviewer_id:
        require_bureau(actor, [file.agency_id])
    _precheck(file, file.campaign)
    return file


# --- Scoring ---------------------------------------------------------------------------------------


def file_score(*, actor: Any, file_id: int, items: list[dict[str, Any]], vetoes: list[str]) -> ScoreSheet:
    """The reviewer's scores. Every proposal of the pre-check the reviewer departs from (a proposed veto
    not confirmed, a proposed deduction changed) needs a note saying why."""
    with transaction.atomic():
        file = (
            SampledFile.objects.select_for_update()
            .select_related("campaign", "campaign__rubric")
            .filter(pk=file_id)
            .first()
        )
        if file is None:
            raise NotFound(_("No such file in a review campaign."))
        campaign = file.campaign
        if file.reviewer_id != actor.pk:
            raise Forbidden(_("This file is assigned to another reviewer."), code="not_reviewer")
        require_not_own(actor, file.agency_id)
        if campaign.state != Campaign.State.DRAWN:
            raise Conflict(_("The campaign is not under review."), code="campaign_not_open")
        if file.prechecked_at is None and not file.precheck_error:
            # The reviewer confirms or overrides the pre-check's proposals: not before they exist.
            raise Conflict(
                _(
                    "The automatic pre-check of this file has not run yet; score it once the "
                    "pre-check is done."
                ),
                code="precheck_pending",
            )
        lines = []
        for i, raw in enumerate(items):
            if not isinstance(raw, dict) or set(raw) - {"code", "deduction", "note"}:
                raise InvalidInput(
                    _("Each item has code, deduction and note."),
                    code="unknown_field",
                    detail={"field": "items", "index": i},
                )
            code = str(raw.get("code", ""))
            note = str(raw.get("note") or "").strip()[:500]
            lines.append(scoring.Line(code, scoring.parse_deduction(raw.get("deduction", 0), code), note))
        veto_codes = [str(v) for v in vetoes]
        rules, thresholds = _rules(campaign.rubric)
        result = scoring.score_file(rules, thresholds, lines, veto_codes)
        by_code = {line.code: line for line in lines}
        for p in file.precheck:
            code = p["code"]
            line = by_code.get(code)
            if p.get("veto"):
                departs = code not in veto_codes
            elif p["outcome"] == "flag":
                departs = (line.deduction if line else Decimal(0)) != Decimal(p["deduction"])
            else:
                departs = False
            if departs and not (line and line.note):
                raise InvalidInput(
                    _("Item %(code)s departs from the pre-check's proposal: give a note saying why.")
                    % {"code": code},
                    code="override_needs_note",
                    detail={"field": "items", "code": code},
                )
        proposals = {p["code"]: p["outcome"] for p in file.precheck}
        sheet = ScoreSheet.objects.create(
            file=file,
            reviewer=actor,
            form_score=result.form,
            substance_score=result.substance,
            vetoed=result.vetoed,
            score=result.total,
            grade=result.grade,
            scored_at=timezone.now(),
        )
        codes = set(by_code) | set(veto_codes)
        ScoreLine.objects.bulk_create(
            ScoreLine(
                sheet=sheet,
                code=code,
                section=rules[code].section,
                deduction=by_code[code].deduction if code in by_code else Decimal(0),
                vetoed=code in veto_codes,
                note=by_code[code].note if code in by_code else "",
                proposed=proposals.get(code, ""),
            )
            for code in sorted(codes)
        )
        file.current_sheet = sheet
        file.score = result.total
        file.grade = result.grade
        file.state = SampledFile.State.SCORED
        file.save(update_fields=["current_sheet", "score", "grade", "state"])
        audit_record(
            actor=actor,
            action="reviews.file_score",
            obj=file,
            agency_id=file.agency_id,
            summary={"score": str(result.total), "grade": result.grade, "vetoes": veto_codes},
        )
    return sheet


def file_reassign(*, actor: Any, file_id: int, reviewer_id: int) -> SampledFile:
    with transaction.atomic():
        file = SampledFile.objects.select_for_update().filter(pk=file_id).first()
        if file is None:
            raise NotFound(_("No such file in a review campaign."))
        require_bureau(actor, [file.agency_id])
        reviewer = _user(reviewer_id)
        if reviewer is None:
            raise InvalidInput(
                _("No such reviewer: %(id)s.") % {"id": reviewer_id}, detail={"field": "reviewer_id"}
            )
        require_not_own(reviewer, file.agency_id)
        file.reviewer = reviewer
        file.save(update_fields=["reviewer"])
        audit_record(actor=actor, action="reviews.file_reassign", obj=file, summary={"reviewer": reviewer_id})
    return file


# --- Finishing, rectification, publication ----------------------------------------------------------


def campaign_finish(*, actor: Any, campaign_id: int, on: dt.date | None = None) -> Campaign:
    """Close the review (every file scored) and issue a rectification notice to each agency with a
    failed file, with a deadline on the shared deadline engine (the workflow's `finish`)."""
    from zhifa.supervision.reviews.workflow import campaign_apply_event

    data = {"on": on} if on else {}
    return campaign_apply_event(campaign_id=campaign_id, actor=actor, event="finish", data=data)


def notice_respond(
    *, actor: Any, notice_id: int, response: str, responded_on: dt.date | None = None
) -> RectificationNotice:
    """The agency's response to a rectification notice (its approvers answer for it)."""
    with transaction.atomic():
        notice = RectificationNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None or notice.agency_id not in scope_agency_ids(actor, roles=[Role.APPROVER]):
            raise NotFound(_("No such rectification notice, or it is not addressed to your agency."))
        if notice.state != RectificationNotice.State.ISSUED:
            raise Conflict(_("The agency has already responded."), code="already_responded")
        text = _text(response, "response", max_length=5000)
        on = responded_on or timezone.localdate()
        if on < notice.issued_on:
            raise InvalidInput(_("The response cannot predate the notice."), detail={"field": "responded_on"})
        if on > timezone.localdate():
            raise InvalidInput(
                _("The response date cannot be in the future."), detail={"field": "responded_on"}
            )
        notice.response, notice.responded_on, notice.responded_by = text, on, actor
        notice.state = RectificationNotice.State.RESPONDED
        notice.save(update_fields=["response", "responded_on", "responded_by", "state"])
        deadline_resolve(Subject("reviews.notice", notice.pk, notice.agency_id), kind=DEADLINE_KIND, on=on)
        audit_record(actor=actor, action="reviews.notice_respond", obj=notice, agency_id=notice.agency_id)
    return notice


def campaign_publish(*, actor: Any, campaign_id: int) -> Campaign:
    """Publish the summary of results (per agency: files, average, grade counts; no personal data);
    the workflow's `publish`."""
    from zhifa.supervision.reviews.workflow import campaign_apply_event

    return campaign_apply_event(campaign_id=campaign_id, actor=actor, event="publish", data={})
