"""The one door for every write of the inspections app (the task workflow is in `workflow.py`).

- `item_create`, `target_create`: 一单两库 (the inspectors' directory is read live: officers with a
  credential valid for the plan's area on the day of the draw).
- `plan_create`, `plan_draw`: the random draw (docs/inspections.md, `zhifa.core.draw`): the pool and its
  digest are fixed first, then the seed is generated here (never accepted from the operator), the
  targets and the teams are drawn, and the draw is kept as an append-only row with the tasks it makes.
- `photo_add`, `rating_submit`: photos of a task through `core.files`; the enterprise's rating.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import combinations
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core import credit_code, draw
from zhifa.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from zhifa.enforcement.inspections.common import (
    DIRECTORY_ROLES,
    PLAN_ROLES,
    choice,
    date,
    officer_draw_id,
    percent,
    require_agency,
    text,
    whole,
)
from zhifa.enforcement.inspections.models import (
    Draw,
    InspectionItem,
    Method,
    ObjectType,
    Plan,
    PoolChunk,
    Rating,
    RiskLevel,
    State,
    Target,
    Task,
    TaskInspector,
    TaskPhoto,
)
from zhifa.law import inspection as rules
from zhifa.law import jurisdiction
from zhifa.officers.models import Officer
from zhifa.officers.rules import can_enforce, officer_queryset_for_rules
from zhifa.powers.models import Article

# Risk-weighted draws: a high-risk target is drawn three times as often as a low-risk one (stored
# with each draw, so a later change of these numbers never changes a published draw).
RISK_WEIGHTS = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed from paper
VISIT_DENIED_ALERT = "inspection_visit_denied"
CODE_LENGTH = 10  # 50 random bits after the prefix: guessing a code is hopeless


# --- 一单: inspection items ----------------------------------------------------------------------


def item_create(*, actor: Any, data: dict[str, Any]) -> InspectionItem:
    agency_id = require_agency(actor, data.get("agency_id"), DIRECTORY_ROLES)
    ids = data.get("article_ids") or []
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise InvalidInput(_("article_ids must be a list of article ids."), detail={"field": "article_ids"})
    articles = list(Article.objects.filter(pk__in=ids))
    if len(articles) != len(set(ids)):
        raise InvalidInput(_("Unknown article in the legal basis."), detail={"field": "article_ids"})
    item = InspectionItem(
        agency_id=agency_id,
        code=text(data, "code", max_length=40),
        name=text(data, "name"),
        basis=text(data, "basis", max_length=2000),
        object_type=choice(data, "object_type", list(ObjectType.values)),
        ratio=percent(data, "ratio") or Decimal(0),  # required: never None here
        frequency=whole(data, "frequency", low=1, high=12, required=False) or 1,
        method=choice(data, "method", list(Method.values)),
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            item.save(force_insert=True)
            item.articles.set(articles)
            audit_record(actor=actor, action="inspections.item_create", obj=item, summary={"code": item.code})
    except IntegrityError:
        raise Conflict(
            _("This agency already has an inspection item with that code."),
            code="duplicate_item",
            detail={"field": "code"},
        ) from None
    return item


# --- 一库: the directory of targets --------------------------------------------------------------


def _next_number() -> str:
    from zhifa.core.numbering import next_number

    return f"T{next_number(key='inspections.target'):07d}"


def target_clean(data: dict[str, Any]) -> dict[str, Any]:
    """A target's fields checked (shared by the form, the API and the import): the 统一社会信用代码
    with both check characters (GB 32100-2015, GB 11714-1997)."""
    code = text(data, "credit_code", required=False, max_length=40)
    object_type = choice(data, "object_type", list(ObjectType.values))
    if code:
        code = credit_code.validate(code)
    elif object_type != ObjectType.OTHER:
        raise InvalidInput(
            _("Enterprises and individual businesses are entered with their unified social credit code."),
            code="credit_code_required",
            detail={"field": "credit_code"},
        )
    listed = bool(data.get("no_disturbance"))
    reason = text(data, "no_disturbance_reason", required=False, max_length=300)
    if listed and not reason:
        raise InvalidInput(
            _("Say why the target is on the no-disturbance list."), detail={"field": "no_disturbance_reason"}
        )
    return {
        "name": text(data, "name"),
        "credit_code": code,
        "object_type": object_type,
        "area": text(data, "area", required=False, max_length=100),
        "industry": text(data, "industry", required=False, max_length=100),
        "risk_level": choice(data, "risk_level", list(RiskLevel.values), required=False) or RiskLevel.LOW,
        "address": text(data, "address", required=False, max_length=200),
        "no_disturbance": listed,
        "no_disturbance_reason": reason if listed else "",
    }


def _conflict_officers(agency_id: int, ids: Any) -> list[Officer]:
    if ids in (None, ""):
        return []
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise InvalidInput(
            _("conflict_officer_ids must be a list of officer ids."), detail={"field": "conflict_officer_ids"}
        )
    officers = list(Officer.objects.filter(pk__in=ids))
    if len(officers) != len(set(ids)):
        raise InvalidInput(
            _("Unknown officer in the conflict list."), detail={"field": "conflict_officer_ids"}
        )
    return officers


def _target_insert(*, agency_id: int, fields: dict[str, Any], now: dt.datetime) -> Target:
    if (
        fields["credit_code"]
        and Target.objects.filter(agency_id=agency_id, credit_code=fields["credit_code"]).exists()
    ):
        raise Conflict(
            _("This credit code is already in the directory."),
            code="duplicate_target",
            detail={"field": "credit_code", "credit_code": fields["credit_code"]},
        )
    target = Target(agency_id=agency_id, number=_next_number(), created_at=now, **fields)
    target.save(force_insert=True)
    return target


def target_create(*, actor: Any, data: dict[str, Any]) -> Target:
    agency_id = require_agency(actor, data.get("agency_id"), DIRECTORY_ROLES)
    fields = target_clean(data)
    officers = _conflict_officers(agency_id, data.get("conflict_officer_ids"))
    with transaction.atomic():
        target = _target_insert(agency_id=agency_id, fields=fields, now=timezone.now())
        target.conflicted_officers.set(officers)
        audit_record(
            actor=actor, action="inspections.target_create", obj=target, summary={"number": target.number}
        )
    return target


def targets_insert_many(*, actor: Any, agency_id: int, rows: list[dict[str, Any]]) -> list[Target]:
    """The import's write: every row already checked; one transaction (all or nothing)."""
    now = timezone.now()
    with transaction.atomic():
        created = [_target_insert(agency_id=agency_id, fields=f, now=now) for f in rows]
        audit_record(
            actor=actor,
            action="inspections.target_import",
            object_type="inspections.target",
            agency_id=agency_id,
            summary={"created": len(created)},
        )
    return created


# --- Plans -----------------------------------------------------------------------------------------


def plan_create(*, actor: Any, data: dict[str, Any]) -> Plan:
    agency_id = require_agency(actor, data.get("agency_id"), PLAN_ROLES)
    item_ids = data.get("item_ids") or []
    if not isinstance(item_ids, list) or not item_ids:
        raise InvalidInput(_("Choose at least one inspection item."), detail={"field": "item_ids"})
    items = list(InspectionItem.objects.filter(pk__in=item_ids, agency_id=agency_id))
    if len(items) != len(set(item_ids)):
        raise InvalidInput(_("Unknown inspection item for this agency."), detail={"field": "item_ids"})
    ratio = percent(data, "ratio", required=False)
    number = whole(data, "number", low=1, high=1_000_000, required=False)
    if (ratio is None) == (number is None):
        raise InvalidInput(
            _("Give either a sampling ratio or a number of targets."), detail={"field": "ratio"}
        )
    starts_on, ends_on = date(data, "starts_on"), date(data, "ends_on")
    if ends_on < starts_on:
        raise InvalidInput(_("The period ends before it starts."), detail={"field": "ends_on"})
    risk_levels = data.get("filter_risk_levels") or []
    if not isinstance(risk_levels, list) or not set(risk_levels) <= set(RiskLevel.values):
        raise InvalidInput(_("Unknown risk level."), detail={"field": "filter_risk_levels"})
    joint_ids = data.get("joint_agency_ids") or []
    from zhifa.org.selectors import agency_list

    joint = list(agency_list(include_units=False).filter(pk__in=joint_ids).exclude(pk=agency_id))
    if not isinstance(joint_ids, list) or len(joint) != len(set(joint_ids) - {agency_id}):
        raise InvalidInput(_("Unknown joint department."), detail={"field": "joint_agency_ids"})
    team_size = whole(data, "team_size", low=rules.MIN_INSPECTORS_PER_TARGET, high=5, required=False)
    plan = Plan(
        agency_id=agency_id,
        kind=choice(data, "kind", list(Plan.Kind.values)),
        name=text(data, "name"),
        enforcement_area=text(data, "enforcement_area", max_length=50),
        filter_object_type=choice(data, "filter_object_type", list(ObjectType.values), required=False),
        filter_area=text(data, "filter_area", required=False, max_length=100),
        filter_industry=text(data, "filter_industry", required=False, max_length=100),
        filter_risk_levels=sorted(set(risk_levels)),
        ratio=ratio,
        number=number,
        weighted=bool(data.get("weighted")),
        team_size=team_size or rules.MIN_INSPECTORS_PER_TARGET,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
        created_at=timezone.now(),
    )
    with transaction.atomic():
        plan.save(force_insert=True)
        plan.items.set(items)
        plan.joint_agencies.set(joint)
        audit_record(actor=actor, action="inspections.plan_create", obj=plan, summary={"name": plan.name})
    return plan


def plan_targets(plan: Plan) -> Any:
    """The targets the plan's filter selects from its agency's directory."""
    qs = Target.objects.filter(agency_id=plan.agency_id)
    if plan.filter_object_type:
        qs = qs.filter(object_type=plan.filter_object_type)
    if plan.filter_area:
        qs = qs.filter(area=plan.filter_area)
    if plan.filter_industry:
        qs = qs.filter(industry=plan.filter_industry)
    if plan.filter_risk_levels:
        qs = qs.filter(risk_level__in=plan.filter_risk_levels)
    return qs


def draw_size(plan: Plan, pool_size: int) -> int:
    """How many targets: the plan's number (at most the pool), or its ratio of the pool rounded up
    (a ratio of a small pool still inspects at least one)."""
    if plan.number is not None:
        return min(plan.number, pool_size)
    assert plan.ratio is not None
    return min(pool_size, math.ceil(Decimal(pool_size) * plan.ratio / Decimal(100)))


def inspector_directory(plan: Plan, *, on: dt.date) -> list[Officer]:
    """The inspectors' directory of a plan on a day: officers of its agency and its joint departments
    whose enforcement credential is valid that day for the plan's area (行政处罚法第四十二条)."""
    agency_ids = [plan.agency_id, *plan.joint_agencies.values_list("id", flat=True)]
    officers = officer_queryset_for_rules().filter(agency_id__in=agency_ids, is_active=True).order_by("id")
    return [o for o in officers if can_enforce(o, on=on, area=plan.enforcement_area, agency_id=o.agency_id)]


def _year_history(
    year: int, *, exclude_task_id: int | None = None
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """This year's teams: (inspector, target) visits and pair counts, for the rotation limits. A
    cancelled task sent nobody anywhere: its team does not count."""
    by: Counter[tuple[str, str]] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    teams: dict[int, list[str]] = {}
    rows = (
        TaskInspector.objects.filter(task__draw__drawn_on__year=year)
        .exclude(task__state=State.CANCELLED)
        .select_related("task__target")
    )
    if exclude_task_id is not None:
        rows = rows.exclude(task_id=exclude_task_id)
    for row in rows.order_by("task_id", "position"):
        officer = officer_draw_id(row.officer_id)
        by[(officer, row.task.target.draw_id)] += 1
        teams.setdefault(row.task_id, []).append(officer)
    for members in teams.values():
        for a, b in combinations(members, 2):
            pairs[draw.pair_key(a, b)] += 1
    return dict(by), dict(pairs)


def team_for_reassignment(task: Task, officer_ids: Any, *, on: dt.date) -> list[Officer]:
    """A new team for a task, checked as the draw checks one (the workflow's `reassign`): the plan's
    number of different inspectors (at least two, 行政处罚法第四十二条), each in the plan's directory of
    inspectors on the day (a credential valid for the area), none on the target's conflict list
    (第四十三条), and the rotation limits of the year (优化营商环境条例第五十四条) counted without this
    task's own team."""
    if (
        not isinstance(officer_ids, list)
        or not officer_ids
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in officer_ids)
    ):
        raise InvalidInput(
            _("Choose the inspectors (a list of officer ids)."), detail={"field": "officer_ids"}
        )
    ids = list(dict.fromkeys(officer_ids))
    plan = task.plan
    rules.require_team([officer_draw_id(i) for i in ids])
    if len(ids) != plan.team_size:
        raise InvalidInput(
            _("The plan sends %(n)d inspectors to each target.") % {"n": plan.team_size},
            code="team_size",
            detail={"field": "officer_ids", "team_size": plan.team_size},
        )
    current = list(task.inspectors.order_by("position").values_list("officer_id", flat=True))
    if sorted(current) == sorted(ids):
        raise InvalidInput(
            _("These are the task's inspectors already."), code="same_team", detail={"field": "officer_ids"}
        )
    directory = {o.pk: o for o in inspector_directory(plan, on=on)}
    for i in ids:
        if i not in directory:
            officer = Officer.objects.filter(pk=i).first()
            raise RuleViolation(
                _(
                    "%(name)s is not in the plan's directory of inspectors: no credential valid for "
                    "%(area)s on %(day)s (%(article)s)."
                )
                % {
                    "name": officer.name if officer else i,
                    "area": plan.enforcement_area,
                    "day": on.isoformat(),
                    "article": rules.ARTICLE_TEAM,
                },
                code="inspector_not_qualified",
                article=rules.ARTICLE_TEAM,
                detail={"field": "officer_ids", "officer_id": i},
            )
    target = task.target
    conflicted = set(target.conflicted_officers.values_list("id", flat=True))
    for i in ids:
        rules.require_no_conflict(
            inspector=officer_draw_id(i),
            target=target.draw_id,
            conflicts={target.draw_id} if i in conflicted else set(),
        )
    inspections_by, pair_history = _year_history(on.year, exclude_task_id=task.pk)
    target_limit = jurisdiction.applied(rules.INSPECTOR_TARGET_MAX_PER_YEAR.key, agency=plan.agency).value
    pair_limit = jurisdiction.applied(rules.TEAM_PAIR_MAX_PER_YEAR.key, agency=plan.agency).value
    for i in ids:
        rules.require_inspector_target_within_limit(
            inspector=officer_draw_id(i),
            times=inspections_by.get((officer_draw_id(i), target.draw_id), 0),
            limit=target_limit,
        )
    for a, b in combinations([officer_draw_id(i) for i in ids], 2):
        rules.require_pair_within_limit(
            times_together=pair_history.get(draw.pair_key(a, b), 0), limit=pair_limit
        )
    return [directory[i] for i in ids]


def _new_code() -> str:
    return "JC" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


POOL_CHUNK = 10_000  # entries a PoolChunk row holds


def _draw_key_order() -> Any:
    """The canonical order of the pool: targets by their stored draw id (`Target.draw_key`: the credit
    code, or the directory number), compared byte by byte. Both are ASCII; PostgreSQL compares under
    the "C" collation, the column's own, so the (agency, draw_key) index serves the ORDER BY and
    nothing is sorted; SQLite compares bytes already."""
    from django.db import connection
    from django.db.models import F
    from django.db.models.functions import Collate

    return Collate(F("draw_key"), "C").asc() if connection.vendor == "postgresql" else F("draw_key").asc()


def pool_rows(plan: Plan) -> Any:
    """The plan's targets as (draw id, risk level) in canonical order: the query the draw streams
    (an index scan on PostgreSQL; `bench/inspections_draw.py` prints its plan)."""
    return plan_targets(plan).order_by(_draw_key_order()).values_list("draw_key", "risk_level")


def _write_pool(plan: Plan, entries: Iterator[tuple[str, int]]) -> tuple[int, str]:
    """Freeze the pool: `entries` (canonical order) written as PoolChunk rows of the canonical
    serialisation, one chunk in memory at a time. Returns the size and the digest."""
    digest = hashlib.sha256(draw.VERSION.encode("ascii") + b"\n")
    size, index, previous = 0, 0, b""
    lines: list[bytes] = []

    def flush() -> None:
        nonlocal index, lines
        if lines:
            PoolChunk.objects.create(plan=plan, index=index, lines=b"".join(lines).decode("utf-8"))
            index, lines = index + 1, []

    for entry_id, weight in entries:
        raw = draw.id_bytes(entry_id)
        if raw <= previous:
            raise Conflict(_("The directory changed during the draw; draw again."), code="pool_not_canonical")
        previous = raw
        line = draw.pool_line(raw, draw.check_weight(weight, entry_id))
        digest.update(line)
        lines.append(line)
        size += 1
        if len(lines) >= POOL_CHUNK:
            flush()
    flush()
    return size, digest.hexdigest()


def draw_pool_entries(row: Draw) -> Iterator[tuple[str, int]]:
    """The frozen pool of a draw, (id, weight) in canonical order, streamed from its chunks (or from
    the inline pool of an older draw)."""
    if row.pool_size is None:
        for entry_id, weight in row.pool:
            yield str(entry_id), int(weight)
        return
    chunks = PoolChunk.objects.filter(plan_id=row.plan_id).order_by("index").values_list("lines", flat=True)
    for text_ in chunks.iterator(chunk_size=2):
        for line in text_.split("\n"):
            if line:
                entry_id, _tab, weight = line.rpartition("\t")
                yield entry_id, int(weight)


def draw_pool_text(row: Draw) -> Iterator[bytes]:
    """The pool file of a draw as published: its canonical serialisation, chunk by chunk."""
    if row.pool_size is None:
        yield b"".join(draw.pool_line(draw.id_bytes(i), int(w)) for i, w in row.pool)
        return
    chunks = PoolChunk.objects.filter(plan_id=row.plan_id).order_by("index").values_list("lines", flat=True)
    for text_ in chunks.iterator(chunk_size=2):
        yield text_.encode("utf-8")


def draw_pool_size(row: Draw) -> int:
    return len(row.pool) if row.pool_size is None else row.pool_size


def _targets_by_key(plan: Plan, keys: Sequence[str]) -> dict[str, Target]:
    found: dict[str, Target] = {}
    for i in range(0, len(keys), 500):
        batch = list(keys[i : i + 500])
        qs = plan_targets(plan).filter(draw_key__in=batch)
        found.update((t.draw_id, t) for t in qs)
    return found


def plan_draw(
    *, actor: Any, plan_id: int, reasons: dict[str, str] | None = None, on: dt.date | None = None
) -> Draw:
    """Draw the plan's targets and a team of inspectors for each (once per plan).

    `reasons`: target id (credit code or directory number) → the recorded reason for drawing a target
    on the no-disturbance list (优化营商环境条例第五十四条第二款); without one a listed target stays out
    of the pool. `on` back-dates the draw for demo data only (the API and the pages never pass it):
    the day of the draw is otherwise today.

    Streamed, so a directory of a million targets is drawn in constant memory: the pool is read from
    the database in canonical order and frozen into `PoolChunk` rows with its digest (before the seed
    exists), then the draw runs over the frozen chunks; only the drawn targets are loaded as rows."""
    reasons = {str(k): str(v).strip() for k, v in (reasons or {}).items() if str(v).strip()}
    today = on or timezone.localdate()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(pk=plan_id).first()
        if plan is None:
            raise NotFound(_("Unknown plan, or not visible to you."))
        require_agency(actor, plan.agency_id, PLAN_ROLES)
        if plan.draws.exists():
            raise Conflict(
                _("This plan has already been drawn; a plan is drawn once and its draw is published."),
                code="plan_already_drawn",
            )
        if today > plan.ends_on:
            raise Conflict(_("The plan's period is over."), code="plan_period_over")
        keyed = plan_targets(plan)
        listed = set(keyed.filter(no_disturbance=True).values_list("draw_key", flat=True))
        unknown = set(reasons) - listed
        if unknown:
            raise InvalidInput(
                _(
                    "A reason was given for a target that is not on the no-disturbance list of this plan: %(ids)s."
                )
                % {"ids": "、".join(sorted(unknown))},
                detail={"field": "reasons", "ids": sorted(unknown)},
            )
        weights = {str(k): v for k, v in RISK_WEIGHTS.items()} if plan.weighted else {}
        rows = pool_rows(plan).iterator(chunk_size=5000)
        entries = ((str(k), weights.get(risk, 1)) for k, risk in rows)
        # The pool and its digest exist before the seed: the seed cannot be chosen to suit a pool.
        pool_size, pool_digest = _write_pool(
            plan,
            rules.drawable(entries, no_disturbance=listed, reasons=reasons),  # type: ignore[arg-type]
        )
        if not pool_size:
            raise RuleViolation(
                _("No target of the directory matches the plan (after the no-disturbance list)."),
                code="empty_pool",
                article=rules.ARTICLE_RANDOM,
            )
        n = draw_size(plan, pool_size)
        inspectors = inspector_directory(plan, on=today)
        candidates = [officer_draw_id(o.pk) for o in inspectors]
        seed = draw.new_seed()
        row_stub = Draw(plan=plan, pool_size=pool_size)
        result = draw.draw(seed=seed, pool=draw_pool_entries(row_stub), n=n)
        if result.pool_digest != pool_digest or result.pool_size != pool_size:
            raise RuntimeError("inspections.plan_draw: the frozen pool does not read back as written")
        targets = _targets_by_key(plan, result.chosen)
        conflicts: dict[str, list[str]] = {}
        by_pk = {t.pk: t for t in targets.values()}
        through = Target.conflicted_officers.through
        pks = list(by_pk)
        for i in range(0, len(pks), 500):
            pairs = through.objects.filter(target_id__in=pks[i : i + 500]).values_list(
                "target_id", "officer_id"
            )
            for target_id, officer_id in pairs:
                conflicts.setdefault(officer_draw_id(officer_id), []).append(by_pk[target_id].draw_id)
        inspections_by, pair_history = _year_history(today.year)
        target_limit = jurisdiction.applied(rules.INSPECTOR_TARGET_MAX_PER_YEAR.key, agency=plan.agency).value
        pair_limit = jurisdiction.applied(rules.TEAM_PAIR_MAX_PER_YEAR.key, agency=plan.agency).value
        teams = rules.assign_inspectors(
            seed=seed,
            targets=result.chosen,
            inspectors=candidates,
            conflicts=conflicts,
            inspections_by=inspections_by,
            target_limit=target_limit,
            pair_history=pair_history,
            pair_limit=pair_limit,
            team_size=plan.team_size,
        )
        excluded: dict[str, list[str]] = {k: [] for k in result.chosen}
        for inspector, listed_targets in conflicts.items():
            for k in listed_targets:
                excluded[k].append(inspector)
        for (inspector, k), times in inspections_by.items():
            if k in excluded and times >= target_limit and inspector in candidates:
                excluded[k].append(inspector)
        row = Draw.objects.create(
            plan=plan,
            algorithm=draw.VERSION,
            seed=result.seed,
            pool_digest=result.pool_digest,
            pool=[],
            pool_size=pool_size,
            weights=weights,
            n=n,
            chosen=list(result.chosen),
            teams={
                "candidates": candidates,
                "team_size": plan.team_size,
                "excluded": {k: sorted(set(v)) for k, v in excluded.items() if v},
                "pair_limit": pair_limit,
                "pair_history": [[a, b, c] for (a, b), c in sorted(pair_history.items())],
                "assigned": {t.target: list(t.members) for t in teams},
            },
            reasons=dict(reasons),
            drawn_on=today,
            at=timezone.now(),
            actor=actor,
        )
        by_id = {officer_draw_id(o.pk): o for o in inspectors}
        tasks = Task.objects.bulk_create(
            (
                Task(
                    plan=plan,
                    draw=row,
                    agency_id=plan.agency_id,
                    target=targets[team.target],
                    code=_new_code(),
                    position=position,
                )
                for position, team in enumerate(teams, start=1)
            ),
            batch_size=1000,
        )
        TaskInspector.objects.bulk_create(
            (
                TaskInspector(task=task, officer=by_id[m], position=i)
                for task, team in zip(tasks, teams, strict=True)
                for i, m in enumerate(team.members, 1)
            ),
            batch_size=5000,
        )
        audit_record(
            actor=actor,
            action="inspections.draw",
            obj=plan,
            summary={"draw": row.pk, "pool": pool_size, "n": n, "pool_digest": row.pool_digest},
        )
    return row


# --- Photos and ratings --------------------------------------------------------------------------

PHOTO_MAX_BYTES = 10 * 1024 * 1024


def photo_add(*, actor: Any, task_id: int, name: str, data: bytes) -> TaskPhoto:
    """A photo taken on site, stored by content through `core.files` (JPEG or PNG, checked by its
    bytes). Only the task's inspectors, while the task is on site or its result not yet published."""
    from zhifa.core.files import filetypes
    from zhifa.core.files.services import blob_store
    from zhifa.enforcement.inspections.selectors import is_inspector

    if not data or len(data) > PHOTO_MAX_BYTES:
        raise InvalidInput(
            _("A photo is a JPEG or PNG file of at most 10 MB."), code="bad_photo", detail={"field": "photo"}
        )
    kind = filetypes.detect(data[:4096])
    if kind is None or kind.mime not in ("image/jpeg", "image/png"):
        raise InvalidInput(
            _("A photo is a JPEG or PNG file of at most 10 MB."), code="bad_photo", detail={"field": "photo"}
        )
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(pk=task_id).first()
        if task is None or not is_inspector(actor, task):
            raise NotFound(_("Unknown task, or not visible to you."))
        if task.state not in (State.ON_SITE, State.RESULT_RECORDED):
            raise Conflict(
                _("Photos are added on site, before the result is published."), code="photo_not_now"
            )
        blob = blob_store(data, mime=kind.mime)
        photo = TaskPhoto.objects.create(
            task=task, blob=blob, name=name[:200] or "photo", at=timezone.now(), actor=actor
        )
        audit_record(actor=actor, action="inspections.photo_add", obj=task, summary={"sha256": blob.sha256})
    return photo


def rating_submit(*, code: str, visit_confirmed: bool, score: str, comment: str = "") -> Rating:
    """The inspected enterprise confirms the visit and rates it, through the inspection code. One
    rating per inspection; nothing about who rated is kept."""
    if score not in Rating.Score.values:
        raise InvalidInput(
            _("score must be one of: %(choices)s.") % {"choices": ", ".join(Rating.Score.values)},
            detail={"field": "score"},
        )
    if len(comment) > 1000:
        raise InvalidInput(_("The comment is longer than 1000 characters."), detail={"field": "comment"})
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(code=code.strip().upper()).first()
        if task is None:
            raise NotFound(_("Unknown inspection code."))
        if task.state == State.CANCELLED and task.on_site_on is None:
            raise Conflict(_("This inspection was cancelled."), code="task_cancelled")
        if task.on_site_on is None:
            raise Conflict(_("The inspection has not taken place yet."), code="not_inspected_yet")
        if Rating.objects.filter(task=task).exists():
            raise Conflict(_("This inspection has already been rated."), code="already_rated")
        now = timezone.now()
        rating = Rating.objects.create(
            task=task,
            visit_confirmed=bool(visit_confirmed),
            score=score,
            comment=comment.strip(),
            at=now,
            on=timezone.localdate(),
        )
        audit_record(actor=None, action="inspections.rate", obj=task, summary={"score": score})
        if not visit_confirmed:
            # The enterprise says these inspectors did not visit: supervision looks into it.
            from zhifa.foundation.alerts.services import alert_raise

            alert_raise(
                kind=VISIT_DENIED_ALERT,
                key=f"inspections.task:{task.pk}:visit_denied",
                agency_id=task.agency_id,
                title=_("Inspection %(code)s: the enterprise says the visit did not take place")
                % {"code": task.code},
                object_type="inspections.task",
                object_id=str(task.pk),
                article=rules.ARTICLE_TEAM,
            )
    return rating
