"""The one door for every write of the assessment: indicator sets, rounds and their lifecycle, each
agency's self-check, its materials, and the assessors' scores. Each function checks who may act,
validates everything before writing (a refusal changes nothing), writes in one transaction, keeps the
history (`ScoreEntry`, event rows) and records an audit entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core import workflow as engine
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.core.files import filetypes, uploads
from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_store
from zhifa.core.roles import Role
from zhifa.law import assessment as rules
from zhifa.law import jurisdiction
from zhifa.org.selectors import agency_get, granted_nodes
from zhifa.supervision.assessment import access, standard, tree
from zhifa.supervision.assessment.models import (
    IndicatorSet,
    LeafScore,
    Material,
    Participant,
    Round,
    ScoreEntry,
    SetNode,
)
from zhifa.supervision.assessment.workflow import ROUNDS, RS, SELF_CHECKS

MATERIAL_FAMILIES = frozenset({"document", "image", "text"})
MAX_MATERIAL_BYTES = 20 * 1024 * 1024
MAX_AGENCIES = 200


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


def _points(raw: Any, field: str, *, maximum: Decimal) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > maximum or value != value.quantize(rules.TENTH):
        raise InvalidInput(
            _("%(field)s is a number from 0 to %(max)s, to one decimal.") % {"field": field, "max": maximum},
            code="invalid_score",
            detail={"field": field},
        )
    return value


def _date(raw: Any, field: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), detail={"field": field}) from None


def _year(raw: Any) -> int:
    try:
        year = int(str(raw))
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("Enter a year from 2000 to 2100."), detail={"field": "year"})
    return year


def _require_supervisor(actor: Any) -> None:
    if actor is not None and not granted_nodes(actor, roles=[Role.SUPERVISOR]):
        raise Forbidden(
            _("Only the supervising bureau edits indicator sets and runs assessments."), code="not_bureau"
        )


# --- Indicator sets ---------------------------------------------------------------------------------


def set_create(*, actor: Any, data: dict[str, Any]) -> IndicatorSet:
    """A set, or the next version of one (same code and year). `actor=None`: the platform's default.
    The whole tree is checked first (`tree.build`); any problem refuses it with every row's error."""
    _require_supervisor(actor)
    code = _text(data.get("code"), "code", max_length=40)
    if not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        raise InvalidInput(_("A code is letters, digits, - and _."), detail={"field": "code"})
    year = _year(data.get("year"))
    name = _text(data.get("name"), "name", max_length=100)
    total = data.get("total_points")
    total_points = None if total in (None, "") else _points(total, "total_points", maximum=Decimal(1000))
    late_raw = data.get("late_deduction")
    late = (
        rules.LATE_DEDUCTION_POINTS.default
        if late_raw in (None, "")
        else _points(late_raw, "late_deduction", maximum=Decimal(100))
    )
    rows, total_points = tree.build(
        list(data.get("rows") or []), total_points=total_points, first_row=int(data.get("first_row", 1))
    )
    with transaction.atomic():
        last = (
            IndicatorSet.objects.select_for_update().filter(code=code, year=year).order_by("-version").first()
        )
        s = IndicatorSet.objects.create(
            code=code,
            year=year,
            version=(last.version + 1) if last else 1,
            name=name,
            total_points=total_points,
            late_deduction=late,
            note=_text(data.get("note"), "note", max_length=200, required=False),
            created_by=actor,
            created_at=timezone.now(),
        )
        made: dict[str, SetNode] = {}
        pending = list(rows)
        order = {id(r): i for i, r in enumerate(rows)}
        while pending:  # parents first, whatever the input order
            rest = []
            for r in pending:
                if r.parent and r.parent not in made:
                    rest.append(r)
                    continue
                made[r.code] = SetNode.objects.create(
                    indicator_set=s,
                    parent=made.get(r.parent) if r.parent else None,
                    code=r.code,
                    level=r.level,
                    name=r.name,
                    points=r.points,
                    leaf=r.leaf,
                    method=r.method if r.leaf else "",
                    indicator_code=r.indicator_code,
                    formula=r.formula,
                    target=r.target,
                    zero_at=r.zero_at,
                    per_item=r.per_item,
                    criteria=r.criteria,
                    materials=r.materials,
                    order=order[id(r)],
                )
            pending = rest
        audit_record(
            actor=actor,
            action="assessment.set_create",
            obj=s,
            summary={
                "code": code,
                "year": year,
                "version": s.version,
                "nodes": len(rows),
                "total": str(total_points),
            },
        )
    return s


def set_default(*, year: int) -> IndicatorSet:
    """The platform's default set for `year` (standard.DEFAULT_ROWS), created once."""
    existing = IndicatorSet.objects.filter(code=standard.DEFAULT_CODE, year=year).order_by("version").first()
    if existing is not None:
        return existing
    return set_create(
        actor=None,
        data={
            "code": standard.DEFAULT_CODE,
            "year": year,
            "name": f"{year}年度{standard.DEFAULT_NAME}",
            "total_points": "100",
            "rows": list(standard.DEFAULT_ROWS),
            "note": "平台默认指标",
        },
    )


# --- Rounds -----------------------------------------------------------------------------------------


def _bureau_node(actor: Any) -> Any:
    nodes = granted_nodes(actor, roles=[Role.SUPERVISOR])
    node = agency_get(node_id=nodes[0][0]) if nodes else None
    if node is None:
        raise Forbidden(
            _("Only the supervising bureau, for agencies in its scope, runs an assessment."),
            code="not_bureau",
        )
    return node


def round_create(*, actor: Any, data: dict[str, Any]) -> Round:
    year = _year(data.get("year"))
    name = _text(data.get("name"), "name", max_length=100)
    set_id = data.get("set_id")
    ind_set = (
        IndicatorSet.objects.filter(pk=int(str(set_id))).first() if str(set_id or "").isdigit() else None
    )
    if ind_set is None:
        raise InvalidInput(_("Choose an indicator set."), detail={"field": "set_id"})
    agency_ids = sorted({int(a) for a in data.get("agency_ids") or [] if str(a).isdigit()})
    if not agency_ids or len(agency_ids) > MAX_AGENCIES:
        raise InvalidInput(
            _("Choose the agencies assessed."), code="required", detail={"field": "agency_ids"}
        )
    agencies = [agency_get(node_id=a) for a in agency_ids]
    if any(a is None or a.kind != "agency" for a in agencies):
        raise InvalidInput(_("Only agencies are assessed."), detail={"field": "agency_ids"})
    access.require_bureau(actor, agency_ids)
    due = _date(data.get("self_check_due"), "self_check_due")
    cutoff = _date(data.get("cutoff_on"), "cutoff_on")
    if cutoff < dt.date(year, 1, 1):
        raise InvalidInput(
            _("The cut-off date lies in or after the year assessed."), detail={"field": "cutoff_on"}
        )
    assessor_ids = sorted({int(a) for a in data.get("assessor_ids") or [] if str(a).isdigit()})
    from zhifa.org.selectors import users_with_role

    bureau = _bureau_node(actor)
    assessor_pool = {u.pk: u for a in agency_ids for u in users_with_role(Role.ASSESSOR, agency_id=a)}
    chosen = []
    for uid in assessor_ids:
        user = assessor_pool.get(uid)
        if user is None:
            raise InvalidInput(
                _("User %(id)s is not an assessor for these agencies.") % {"id": uid},
                detail={"field": "assessor_ids"},
            )
        chosen.append(user)
    excellent = jurisdiction.applied(rules.GRADE_EXCELLENT_MIN.key, agency=bureau).value
    good = jurisdiction.applied(rules.GRADE_GOOD_MIN.key, agency=bureau).value
    passing = jurisdiction.applied(rules.GRADE_PASS_MIN.key, agency=bureau).value
    if not rules.check_thresholds(Decimal(excellent), Decimal(good), Decimal(passing)):
        raise InvalidInput(
            _("The grade thresholds in force are not ordered 合格 ≤ 良好 ≤ 优秀."), code="invalid_thresholds"
        )
    with transaction.atomic():
        rnd = Round.objects.create(
            name=name,
            year=year,
            indicator_set=ind_set,
            bureau=bureau,
            self_check_due=due,
            cutoff_on=cutoff,
            excellent_min=excellent,
            good_min=good,
            pass_min=passing,
            late_deduction=ind_set.late_deduction,
            created_by=actor,
            created_at=timezone.now(),
        )
        rnd.assessors.set(chosen)
        leaves = list(SetNode.objects.filter(indicator_set=ind_set, leaf=True))
        for a in agency_ids:
            p = Participant.objects.create(round=rnd, agency_id=a)
            LeafScore.objects.bulk_create(LeafScore(participant=p, node=n) for n in leaves)
        audit_record(
            actor=actor,
            action="assessment.round_create",
            obj=rnd,
            summary={"year": year, "set": ind_set.pk, "agencies": agency_ids, "assessors": assessor_ids},
        )
    return rnd


def round_apply_event(*, round_id: int, actor: Any, event: str, data: dict[str, Any]) -> Round:
    return engine.apply_event(ROUNDS, obj_id=round_id, actor=actor, event=event, data=data)


def self_check_apply_event(
    *, participant_id: int, actor: Any, event: str, data: dict[str, Any]
) -> Participant:
    return engine.apply_event(SELF_CHECKS, obj_id=participant_id, actor=actor, event=event, data=data)


def _participant(round_id: int, agency_id: int) -> Participant:
    p = (
        Participant.objects.select_for_update()
        .select_related("round", "round__indicator_set")
        .filter(round_id=round_id, agency_id=agency_id)
        .first()
    )
    if p is None:
        raise NotFound(_("This agency is not assessed in this round."))
    return p


def _leaves(p: Participant) -> dict[str, LeafScore]:
    return {leaf.node.code: leaf for leaf in LeafScore.objects.filter(participant=p).select_related("node")}


def _require_self_check_open(actor: Any, p: Participant) -> None:
    if not access.may_self_check(actor, p.agency_id):
        raise Forbidden(
            _("Only the agency's approvers and legal reviewers fill in its self-check."), code="not_agency"
        )
    if p.round.state not in (RS.SELF_CHECK, RS.ASSESSING) or p.state == Participant.State.SUBMITTED:
        raise Conflict(
            _("This self-check cannot be changed now."), code="self_check_closed", detail={"state": p.state}
        )


def self_check_save(*, actor: Any, round_id: int, agency_id: int, items: list[dict[str, Any]]) -> Participant:
    """The agency's own scores and explanations on judged leaves (a draft until submitted)."""
    now = timezone.now()
    with transaction.atomic():
        p = _participant(round_id, agency_id)
        _require_self_check_open(actor, p)
        leaves = _leaves(p)
        changes = []
        for item in items:
            code = str(item.get("code", ""))
            leaf = leaves.get(code)
            if leaf is None or not leaf.node.judged:
                raise InvalidInput(
                    _("%(code)s is not a judged indicator of this set.") % {"code": code[:20]},
                    code="not_judged",
                    detail={"field": "code", "code": code[:20]},
                )
            raw = item.get("score")
            score = None if raw in (None, "") else _points(raw, code, maximum=leaf.node.points)
            note = _text(item.get("explanation"), "explanation", max_length=2000, required=False)
            if score is not None and not note:
                raise InvalidInput(
                    _("Explain the self-score of %(code)s.") % {"code": code},
                    code="explanation_required",
                    detail={"field": f"explanation_{code}", "code": code},
                )
            if (score, note) != (leaf.self_score, leaf.self_note):
                changes.append((leaf, score, note))
        for leaf, score, note in changes:
            leaf.self_score, leaf.self_note = score, note
            leaf.save(update_fields=["self_score", "self_note"])
            ScoreEntry.objects.create(
                leaf=leaf, role=ScoreEntry.Role.SELF, score=score, note=note, actor=actor, at=now
            )
        audit_record(
            actor=actor,
            action="assessment.self_check_save",
            obj=p,
            agency_id=p.agency_id,
            summary={"round": round_id, "changed": [leaf.node.code for leaf, _s, _n in changes]},
        )
    return p


def material_add(
    *, actor: Any, round_id: int, agency_id: int, code: str, name: str, content: bytes | IO[bytes]
) -> Material:
    """A file for one judged leaf of the agency's self-check, stored through `core.files`."""
    with transaction.atomic():
        p = _participant(round_id, agency_id)
        _require_self_check_open(actor, p)
        leaf = _leaves(p).get(code)
        if leaf is None or not leaf.node.judged:
            raise InvalidInput(
                _("%(code)s is not a judged indicator of this set.") % {"code": str(code)[:20]},
                code="not_judged",
            )
        # Read whole (at most one byte past the limit) so that every check runs before anything is
        # stored: a refused file leaves no row and no stored bytes.
        data = content if isinstance(content, bytes) else content.read(MAX_MATERIAL_BYTES + 1)
        kind = filetypes.detect(data[: filetypes.HEAD_BYTES])
        if kind is None or kind.family not in MATERIAL_FAMILIES:
            raise InvalidInput(
                _("Upload a PDF, an office document, a text file or an image."),
                code="unsupported_file_type",
                detail={"field": "file"},
            )
        if len(data) > MAX_MATERIAL_BYTES:
            raise InvalidInput(
                _("The file is too large (at most 20 MB)."), code="too_large", detail={"field": "file"}
            )
        if not uploads.opens_detected(kind, data):
            raise InvalidInput(
                _("The file %(name)s is damaged and cannot be opened.") % {"name": uploads.clean_name(name)},
                code="file_corrupt",
                detail={"field": "file"},
            )
        blob = blob_store(data, mime=kind.mime)
        row = Material.objects.create(
            leaf=leaf,
            blob=blob,
            original_name=_text(name, "name", max_length=200),
            content_type=kind.mime,
            size=blob.size,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="assessment.material_add",
            obj=p,
            agency_id=p.agency_id,
            summary={"round": round_id, "code": code, "sha256": blob.sha256, "size": blob.size},
        )
    return row


def materials_use_blob(blob: Blob) -> bool:
    return Material.objects.filter(blob=blob).exists()


def scores_record(*, actor: Any, round_id: int, agency_id: int, items: list[dict[str, Any]]) -> Participant:
    """An assessor's scores for one agency: judged leaves scored, computed leaves adjusted only with a
    reason. Never the assessor's own agency."""
    now = timezone.now()
    with transaction.atomic():
        p = _participant(round_id, agency_id)
        rnd = p.round
        if not access.is_assessor(actor, rnd.assessors.values_list("id", flat=True)):
            raise Forbidden(_("Only the assessors named on the round score it."), code="not_assessor")
        access.require_not_own(actor, agency_id)
        if rnd.state != RS.ASSESSING:
            raise Conflict(
                _("Scores are given while the round is in assessment."),
                code="round_not_assessing",
                detail={"state": rnd.state},
            )
        leaves = _leaves(p)
        changes = []
        for item in items:
            code = str(item.get("code", ""))
            leaf = leaves.get(code)
            if leaf is None:
                raise InvalidInput(
                    _("No indicator %(code)s in this set.") % {"code": code[:20]}, detail={"field": "code"}
                )
            raw = item.get("score")
            score = None if raw in (None, "") else _points(raw, code, maximum=leaf.node.points)
            note = _text(item.get("note"), "note", max_length=2000, required=False)
            reason = _text(item.get("reason"), "reason", max_length=2000, required=False)
            if leaf.node.computed:
                if score is not None and score != leaf.computed_score and not reason:
                    raise InvalidInput(
                        _("A computed indicator (%(code)s) is adjusted only with a reason.") % {"code": code},
                        code="reason_required",
                        detail={"field": f"reason_{code}", "code": code},
                    )
                if score is not None and score == leaf.computed_score and not reason:
                    score = None  # confirming the figure is no adjustment
            if (score, note, reason) != (leaf.assessor_score, leaf.assessor_note, leaf.adjust_reason):
                changes.append((leaf, score, note, reason))
        for leaf, score, note, reason in changes:
            leaf.assessor_score, leaf.assessor_note, leaf.adjust_reason, leaf.assessor = (
                score,
                note,
                reason,
                actor,
            )
            leaf.save(update_fields=["assessor_score", "assessor_note", "adjust_reason", "assessor"])
            ScoreEntry.objects.create(
                leaf=leaf,
                role=ScoreEntry.Role.ASSESSOR,
                score=score,
                note=note,
                reason=reason,
                actor=actor,
                at=now,
            )
        audit_record(
            actor=actor,
            action="assessment.score",
            obj=p,
            agency_id=p.agency_id,
            summary={"round": round_id, "changed": [c[0].node.code for c in changes]},
        )
    return p
