"""The first query of an incremental check: whether any open clue is about the checked objects and,
for each model with a `probe` (`zhifa.core.problems`), whether its finder has any row to read — one
`SELECT EXISTS (…), EXISTS (…), …` for all of them.

Building and compiling a dozen querysets costs several milliseconds of Python for every event, while
the SQL is the same for every event of a day but for the objects' ids. So the statement is compiled
once per day and shape (subject, number of ids, agencies, models, time zone) with stand-in ids that
no row can have, and later checks put their own ids where the stand-ins were. A probe must therefore
depend only on the scope and the day (it reads nothing itself: it only builds a queryset).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from zhifa.core.prepared import preparing_cursor
from zhifa.core.problems import ProblemModel, Scope

# Stand-in ids: far below any primary key (they are never sent to the database).
_STAND_IN = -(2**62)
_MAX_SHAPES = 256

# shape -> (sql, params, {position in params: (index of the id it stands for, the param's type)})
Slots = dict[int, tuple[int, type]]
_compiled: OrderedDict[Hashable, tuple[str, list[Any], Slots]] = OrderedDict()
_lock = threading.Lock()  # the task workers are threads


def _compile(querysets: Sequence[Any]) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    for qs in querysets:
        sql, p = qs.order_by().values("pk")[:1].query.sql_with_params()
        parts.append(f"EXISTS ({sql})")
        params.extend(p)
    return "SELECT " + ", ".join(parts), params


def _statement(
    models: Sequence[ProblemModel], scope: Scope, today: dt.date, clues: Any
) -> tuple[str, list[Any], Slots]:
    """The compiled statement for this shape (compiled now with stand-in ids if not yet). All the
    models are part of the shape, with a probe or not: `clues` reads the open clues of every one."""
    assert scope.ids is not None and scope.subject is not None
    n = len(scope.ids)
    shape = (
        connection.vendor,
        timezone.get_current_timezone_name(),  # a `__date` lookup compiles the active zone in
        scope.subject,
        n,
        scope.agency_ids,
        today,
        tuple((m.code, m.probe) for m in models),
    )
    with _lock:
        hit = _compiled.get(shape)
        if hit is not None:
            _compiled.move_to_end(shape)
            return hit
    stand_ins = frozenset(_STAND_IN + i for i in range(n))
    template = Scope(subject=scope.subject, ids=stand_ins, agency_ids=scope.agency_ids)
    sql, params = _compile([clues(template), *(m.probe(template, today) for m in models if m.probe)])
    # the backend may wrap ints (psycopg's Int8): find them by value, put the ids back in the same type
    slots = {
        pos: (int(p) - _STAND_IN, type(p))
        for pos, p in enumerate(params)
        if isinstance(p, int) and not isinstance(p, bool) and _STAND_IN <= p < _STAND_IN + n
    }
    # the clue query always names the objects: every stand-in must have been found again
    assert {i for i, _t in slots.values()} == set(range(n)), "a probe's SQL does not carry the ids"
    assert not any(str(_STAND_IN)[:-3] in str(p) for pos, p in enumerate(params) if pos not in slots)
    with _lock:
        _compiled[shape] = (sql, params, slots)
        if len(_compiled) > _MAX_SHAPES:
            _compiled.popitem(last=False)
    return sql, params, slots


def probe(
    models: Sequence[ProblemModel], scope: Scope, today: dt.date, clues: Any
) -> tuple[bool, dict[str, bool]]:
    """(whether `clues(scope)` has a row, {model code: whether its probe has a row}) for the models
    with a probe, in one query. `clues(scope)` is the queryset of the open clues about the objects."""
    assert scope.ids is not None
    sql, template_params, slots = _statement(models, scope, today, clues)
    ids = sorted(scope.ids)
    params = list(template_params)
    for pos, (index, kind) in slots.items():
        params[pos] = kind(ids[index])
    # prepared by PostgreSQL once per connection: planning this OR of a dozen EXISTS took ~3 ms of the
    # server's CPU on every event, five times what running it takes (docs/benchmarks.md, tenth session)
    with preparing_cursor(connection) as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    flags = [bool(v) for v in row]
    probed = [m.code for m in models if m.probe is not None]
    return flags[0], dict(zip(probed, flags[1:], strict=True))
