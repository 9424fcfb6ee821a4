"""Querysets compiled once per process and run again with other values.

The ORM compiles a queryset into SQL on every evaluation: for the case model (90 columns) with three
joined tables that is about a millisecond of CPU per request, the same SQL every time with only the
case id changed. `Prepared` compiles a queryset once per database alias with marker values, remembers
where the markers sit among the parameters, and then runs the remembered SQL with the caller's values,
building model instances (and their `select_related` objects) the way the ORM's own iterator does.

Rules (docs/architecture.md, "Prepared queries"):
- It changes how a query is compiled, never what it asks: the queryset is the same selector code, and
  visibility is applied by the caller exactly as before (e.g. `case_get_for` still checks the scope).
- Only equality on plain values (ints and strings) can be a parameter; each marker must appear exactly
  once among the compiled parameters, otherwise the queryset is refused at the first call (a filter
  whose value the backend rewrites would silently not be substituted).
- No `prefetch_related`, annotations or known related objects (what the ORM iterator adds after the
  row): those stay on the ordinary ORM path.
- Queries go through Django's cursor wrapper, so query counting, `CaptureQueriesContext`, the debug
  log and the database's execute wrappers see them like any other.
- On PostgreSQL (when the database's OPTIONS carry `prepare_threshold`, as settings.py sets them) the
  SQL is also prepared by the server, once per connection: PostgreSQL then skips parsing and planning
  it on every run. Planning the case's select with its three joins cost PostgreSQL ~0.8 ms of CPU a
  request, more than running it (docs/benchmarks.md, "Request CPU, third pass"). The ORM's own queries
  keep Django's client-side binding and are never prepared.
- A query whose SQL varies with a few choices (filters present, IN list lengths, a search's plan, the
  slice) is `PreparedShapes`: compiled once per shape from markers alone, run with the values through
  the ordinary cursor (planned by the server with its values, as the ORM's). A paged one
  (`paged=True`) takes the page's offset as a value: the ORM writes an OFFSET into the SQL text, so
  each page of a list was a shape of its own (the portal's 200 pages, compiled again in every process).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, models, transaction
from django.db.models import signals
from django.db.models.query import (
    ModelIterable,
    RelatedPopulator,
    ValuesListIterable,
    get_related_populators,
)

M = TypeVar("M")  # a model, or a tuple for a values_list() queryset
M2 = TypeVar("M2", bound=models.Model)


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # where each marker sits in `params`, in the order of the markers
    wrappers: tuple[Callable[[Any], Any], ...]  # the backend's type of each (Int8 …), applied to values
    model: type[models.Model] | None  # None: a values_list() queryset, rows come back as tuples
    init_list: tuple[str, ...]
    start: int
    end: int
    populators: tuple[RelatedPopulator, ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


# The offset a paged shape is compiled with (PreparedShapes(paged=True)): no list reaches it, and the
# ORM writes it into the SQL text ("OFFSET 7301000000017"), where _compile makes it a parameter.
OFFSET_MARKER = 7_301_000_000_017
_PLACEHOLDER = re.compile(r"%%|%s")


def _offset_as_parameter(sql: str, params: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """`sql` with its `OFFSET <OFFSET_MARKER>` made a `%s`, the marker among `params` in that place
    (the placeholders before it counted, `%%` being a literal percent sign)."""
    literal = f" OFFSET {OFFSET_MARKER}"
    if sql.count(literal) != 1:
        raise ValueError(f"a paged query has one OFFSET {OFFSET_MARKER}, not {sql.count(literal)}")
    at = sql.index(literal)
    before = _PLACEHOLDER.findall(sql[:at]).count("%s")
    return (
        sql[:at] + " OFFSET %s" + sql[at + len(literal) :],
        (*params[:before], OFFSET_MARKER, *params[before:]),
    )


def _compile(qs: Any, markers: tuple[Any, ...], alias: str) -> _Plan:
    """The plan of `qs`, a queryset built with `markers` in the places of the values (the last being
    OFFSET_MARKER for a paged shape: its offset)."""
    if qs._prefetch_related_lookups or qs._known_related_objects or qs.query.annotations:
        raise ValueError("a prepared query has no prefetch, annotation or known related objects")
    compiler = qs.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    params = tuple(params)
    if markers and markers[-1] == OFFSET_MARKER:
        sql, params = _offset_as_parameter(sql, params)
    slots = []
    for marker in markers:
        # (isinstance: the backend may wrap a value, as psycopg's Int8 for a big integer column)
        at = [i for i, p in enumerate(params) if isinstance(p, type(marker)) and p == marker]
        if len(at) != 1:
            raise ValueError(f"marker {marker!r} appears {len(at)} times among the parameters")
        slots.append(at[0])
    wrappers = tuple(type(params[i]) for i in slots)
    select, klass_info = compiler.select, compiler.klass_info
    fields = [s[0] for s in select[0 : compiler.col_count]]
    rows_only = qs._iterable_class is not ModelIterable
    if rows_only and (qs._iterable_class is not ValuesListIterable or qs.query.extra_select):
        raise ValueError("a prepared query gives model instances or values_list() tuples")
    start, end = (
        (0, len(fields))
        if rows_only
        else (klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1)
    )
    return _Plan(
        sql=sql,
        params=params,
        slots=tuple(slots),
        wrappers=wrappers,
        model=None if rows_only else klass_info["model"],
        init_list=() if rows_only else tuple(f[0].target.attname for f in select[start:end]),
        start=start,
        end=end,
        populators=() if rows_only else tuple(get_related_populators(klass_info, select, alias)),  # type: ignore[call-arg]
        converters=tuple(
            (pos, tuple(convs), expression)
            for pos, (convs, expression) in compiler.get_converters(fields).items()
        ),
    )


def _run(plan: _Plan, values: Sequence[Any], using: str, *, server_prepare: bool) -> list[Any]:
    """Run `plan` with `values` in its markers' places: model instances, or tuples."""
    params = list(plan.params)
    for slot, wrap, value in zip(plan.slots, plan.wrappers, values, strict=True):
        params[slot] = wrap(value)
    connection = connections[using]
    with preparing_cursor(connection) if server_prepare else connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        rows = cursor.fetchall()
    out: list[Any] = []  # instances of plan.model, or tuples
    model = plan.model
    for raw in rows:
        row = list(raw)
        for pos, convs, expression in plan.converters:
            value = row[pos]
            for converter in convs:
                value = converter(value, expression, connection)
            row[pos] = value
        if model is None:
            out.append(tuple(row))
            continue
        obj = model.from_db(using, list(plan.init_list), row[plan.start : plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        out.append(obj)
    return out


class Prepared(Generic[M]):
    """`Prepared(lambda pk: Case.objects.filter(pk=pk), markers=(-7301,))` then `prepared(case_id)`
    returns the list of instances (of tuples for a `values_list()` queryset, not `flat` or `named`). `markers` are values that cannot occur in a real query (negative
    ids, impossible strings); the builder receives them in order."""

    def __init__(self, build: Callable[..., models.QuerySet[Any, Any]], *, markers: Sequence[Any]) -> None:
        if len(set(markers)) != len(markers):
            raise ValueError("markers must differ")
        self._build = build
        self._markers = tuple(markers)
        self._plans: dict[str, _Plan] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Plan:
        return _compile(self._build(*self._markers), self._markers, alias)

    def _plan(self, alias: str) -> _Plan:
        plan = self._plans.get(alias)
        if plan is None:
            with self._lock:
                plan = self._plans.get(alias)
                if plan is None:
                    plan = self._plans[alias] = self._compile(alias)
        return plan

    def __call__(self, *values: Any, using: str = "default") -> list[M]:
        if len(values) != len(self._markers):
            raise TypeError(f"expected {len(self._markers)} values, got {len(values)}")
        return _run(self._plan(using), values, using, server_prepare=True)

    def first(self, *values: Any, using: str = "default") -> M | None:
        """The first row of `self(*values)`, or None: `.first()` of the queryset it was built from."""
        rows = self(*values, using=using)
        return rows[0] if rows else None

    def get(self, *values: Any, using: str = "default") -> M:
        """The first row of `self(*values)`; the model's DoesNotExist when there is none (`.get()` of
        a queryset that selects one row by its key)."""
        rows = self(*values, using=using)
        if not rows:
            # (the model's own DoesNotExist, which callers catch as from `.get()`; values_list plans
            # have no model: the common base)
            missing: type[Exception] = getattr(self._plan(using).model, "DoesNotExist", ObjectDoesNotExist)
            raise missing(values)
        return rows[0]


def _marker(position: int, value: Any) -> Any:
    """The marker standing for the value at `position` of a shape: of the value's type (int or str),
    unlike any constant of a query (a negative number below any id, a string with a NUL)."""
    kind = type(value)
    if kind is int:
        return -7_301_000_000_000 - position
    if kind is str:
        return f"\x00prepared-shape-value-{position}"
    raise TypeError(f"a prepared value is an int or a str, not {kind.__name__}")


class PreparedShapes(Generic[M]):
    """`Prepared` for a query whose SQL varies with a few choices: which optional filters it has, how
    many values an IN list holds, which plan a search took, its order and its slice. `build(shape,
    *markers)` builds the queryset of one shape from the shape and the markers alone (it sees no value:
    everything that changes the SQL text must be in `shape`, every value is a marker); it is compiled
    once per (shape, types of the values, database alias) and then run with the caller's values
    (`shapes(shape, values) -> list`). Markers are made from the values' types (ints and strings only),
    each must appear once among the compiled parameters (as for `Prepared`); the values of an IN list
    must be distinct (the ORM drops repeats, and there would be fewer parameters than markers).

    The SQL text and its parameters are the ORM's for the same queryset, so the statement goes through
    Django's ordinary cursor, bound on the client: PostgreSQL plans each run with its values, as it
    planned the ORM's (a search's plan turns on how common its words are; a generic plan would not
    see it). At most `most_shapes` plans are kept per object; a new shape beyond them replaces the oldest.

    `paged=True`: `build(shape, *markers, offset=)` slices its queryset from `offset`, and a call gives
    the page's `offset=` beside the values: every page after the first runs one plan, its OFFSET a
    parameter (bound on the client like the others, so the server still sees the number). The first
    page (offset 0) has a plan of its own, without OFFSET, as the ORM writes it."""

    def __init__(
        self, build: Callable[..., models.QuerySet[Any, Any]], *, most_shapes: int = 512, paged: bool = False
    ) -> None:
        self._build = build
        self._most = most_shapes
        self._paged = paged
        self._plans: dict[tuple[Any, ...], _Plan] = {}
        self._lock = threading.Lock()

    def _plan(self, shape: Any, values: Sequence[Any], alias: str, offset: int) -> _Plan:
        key = (shape, tuple(type(v) for v in values), alias, offset > 0)
        plan = self._plans.get(key)
        if plan is None:
            markers = tuple(_marker(i, v) for i, v in enumerate(values))
            if not self._paged:
                qs = self._build(shape, *markers)
            elif offset > 0:
                qs = self._build(shape, *markers, offset=OFFSET_MARKER)
                markers = (*markers, OFFSET_MARKER)
            else:
                qs = self._build(shape, *markers, offset=0)
            plan = _compile(qs, markers, alias)
            with self._lock:
                while len(self._plans) >= self._most:  # the oldest shape makes room
                    self._plans.pop(next(iter(self._plans)))
                self._plans[key] = plan
        return plan

    def __call__(
        self, shape: Any, values: Sequence[Any], *, using: str = "default", offset: int = 0
    ) -> list[M]:
        offset = int(offset)
        if offset < 0 or (offset and not self._paged):
            raise ValueError("an offset is a paged shape's, and not negative")
        plan = self._plan(shape, values, using, offset)
        return _run(plan, (*values, offset) if offset else values, using, server_prepare=False)


class PreparedIn(Generic[M]):
    """A `Prepared` whose last argument is the list of an IN (an agency scope, the nodes of an org
    path): one `Prepared` per length of the list, built on first use of that length.
    `PreparedIn(lambda number, ids: Case.objects.filter(party_id_number=number, agency_id__in=ids),
    markers=("\u2063marker\u2063",), list_marker=-730_100_200)` then `prepared("…", [2, 3])`.

    The list's markers are `list_marker`, `list_marker - 1`, … (ints: ids); the values are run once
    each in their first order, as the ORM's IN drops repeated values. An empty list runs the queryset
    on the ORM as it is: the ORM then asks nothing, or drops that branch of an OR."""

    def __init__(
        self, build: Callable[..., models.QuerySet[Any, Any]], *, markers: Sequence[Any], list_marker: int
    ) -> None:
        self._build = build
        self._markers = tuple(markers)
        self._list_marker = list_marker
        self._by_length: dict[int, Prepared[M]] = {}

    def _of_length(self, length: int) -> Prepared[M]:
        prepared = self._by_length.get(length)
        if prepared is None:
            count = len(self._markers)
            build = self._build
            ids = tuple(self._list_marker - i for i in range(length))
            prepared = self._by_length.setdefault(
                length,
                Prepared(
                    lambda *values: build(*values[:count], values[count:]), markers=(*self._markers, *ids)
                ),
            )
        return prepared

    def __call__(self, *values: Any, using: str = "default") -> list[M]:
        *scalars, items = values
        unique = tuple(dict.fromkeys(items))
        if not unique:
            return list(self._build(*scalars, unique).using(using))
        return self._of_length(len(unique))(*scalars, *unique, using=using)


def server_prepares(connection: Any) -> bool:
    """Whether this database prepares the compiled SQL on the server (PostgreSQL with a
    `prepare_threshold` in its OPTIONS; settings.py sets one unless ZHIFA_PG_PREPARE=false)."""
    return bool(
        connection.vendor == "postgresql"
        and connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None
    )


class _SentText:
    """What Django's query log reads of a psycopg cursor after a statement (`cursor._query.query`)."""

    __slots__ = ("query",)

    def __init__(self, query: bytes) -> None:
        self.query = query


@functools.cache
def _postgresql() -> tuple[type, int, Any, Callable[..., Any]]:
    """The preparing cursor class and what `create_cursor` uses, imported once and only on PostgreSQL
    (psycopg is not installed everywhere)."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    class PreparingCursor(ServerBindingCursor):  # type: ignore[misc]
        def execute(self, query: Any, params: Any = None, *, prepare: Any = None, binary: Any = None) -> Any:
            result = super().execute(query, params, prepare=True, binary=binary)  # type: ignore[misc]
            if self._query is None:  # type: ignore[has-type]
                # psycopg records the statement it sent (`_query`, which Django's query log and
                # CaptureQueriesContext read) except when it runs a prepared one: log its text, with
                # the placeholders, rather than None.
                self._query = _SentText(query.encode() if isinstance(query, str) else bytes(query))
            return result

    return PreparingCursor, TIMESTAMPTZ_OID, Format.TEXT, register_tzloader


def list_match(values: Sequence[Any], *, alias: str = "default") -> tuple[str, list[Any]]:
    """How hand-written SQL matches a column against a list: `(sql, params)` to write after the
    column. On PostgreSQL one array parameter (`= ANY(%s)`: the plan of an IN list, and one statement
    text whatever the list's length); elsewhere an IN list, one placeholder a value. Never empty: the
    caller answers an empty list without a query (an empty IN is not valid SQL)."""
    if not values:
        raise ValueError("an empty list matches nothing: answer it without a query")
    if connections[alias].vendor == "postgresql":
        return "= ANY(%s)", [list(values)]
    return "IN ({})".format(", ".join(["%s"] * len(values))), list(values)


def preparing_cursor(connection: Any) -> Any:
    """Django's cursor wrapper around a cursor that prepares every statement it runs, on PostgreSQL;
    the ordinary cursor elsewhere.

    Django's PostgreSQL cursors bind parameters on the client (the values are written into the SQL
    text), which cannot be prepared. This one binds them on the server and asks psycopg to prepare the
    statement (`prepare=True`): the first run on a connection parses and plans it under a name, the
    next ones only execute it. psycopg keeps the names per connection and forgets them when a
    transaction rolls back (then the statement is prepared again); a new connection starts afresh.
    The wrapper is the one `connection.cursor()` returns — health check, connecting, error wrapping,
    the debug wrapper that counts queries, and whatever replaces `_cursor` (the tests' database
    outage) — with only the psycopg cursor inside it swapped, on the same connection and time zone.
    For SQL compiled once by its caller and run again with other values (the centre's probes); the
    SQL must be valid with server-side binding."""
    wrapped = connection.cursor()
    if not server_prepares(connection):
        return wrapped
    preparing, tz_oid, text_format, register_tzloader = _postgresql()
    client = wrapped.cursor
    cursor = preparing(client.connection)
    if connection.timezone != client.connection.adapters.get_loader(tz_oid, text_format).timezone:
        register_tzloader(connection.timezone, cursor)  # as DatabaseWrapper.create_cursor does
    client.close()
    wrapped.cursor = cursor
    return wrapped


def deferred_filter(queryset: models.QuerySet[M2], **lookups: Any) -> models.QuerySet[M2]:
    """`queryset.filter(**lookups)` with the filter compiled only when the result is used, as the ORM's
    related managers defer theirs: for the relation querysets `keep_prefetched` stores, which are
    rarely filtered further (building the filter at once was ~0.1 ms of a case read). `queryset` is
    a template; it is cloned, never changed."""
    clone: Any = queryset.all()
    clone._defer_next_filter = True  # the ORM's own flag (RelatedManager._apply_rel_filters sets it)
    return clone.filter(**lookups)  # type: ignore[no-any-return]


def keep_prefetched(
    instance: models.Model, name: str, queryset: models.QuerySet[Any], rows: list[Any]
) -> None:
    """Store rows fetched by a prepared query as `prefetch_related` would: `instance.<name>.all()`
    answers them without a query, and `queryset` (the relation's own, uncompiled) is what a further
    `.filter()` on the relation starts from."""
    target: Any = queryset  # the ORM's own prefetch sets these two private attributes the same way
    target._result_cache = rows
    target._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = queryset


# --- Inserts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _InsertPlan:
    head: str  # INSERT INTO table (columns) VALUES
    tail: str  # RETURNING id
    fields: tuple[Any, ...]  # the model's fields, in the order of the statement's values
    returning: tuple[Any, ...]  # what the database gives back (the id), set on the instance
    inline: bool  # write empty values into the statement (PostgreSQL, below)


def _literal(value: Any) -> str | None:
    """The SQL of a value that is the same in every statement: NULL, true, false, the empty string.
    psycopg's client-side cursor (Django's) writes every parameter into the statement's text anyway;
    written there by us, they are not parameters, and a statement with at most 50 parameters has its
    parsed form kept by psycopg (a new case has 89 columns, 57 of them empty: parsing the statement
    again for each insert cost more CPU than all its values)."""
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is str and not value:
        return "''"
    return None


_inserts: dict[tuple[type[models.Model], str], _InsertPlan | None] = {}


def _insert_plan(model: type[models.Model], alias: str) -> _InsertPlan | None:
    """The INSERT of one new row of `model`, as the ORM's save() writes it; None where this path does
    not apply (the model is saved through the ORM then): parents or ordering kept by the ORM, fields with
    their own placeholders or converters of returned values, a backend that cannot return the id."""
    key = (model, alias)
    if key in _inserts:
        return _inserts[key]
    plan: _InsertPlan | None = None
    meta = model._meta
    connection = connections[alias]
    fields = tuple(f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field)
    returning = tuple(meta.db_returning_fields)
    simple = (
        fields
        and not meta.parents
        and not meta.proxy
        and not meta.order_with_respect_to
        and meta.auto_field is not None
        and connection.features.can_return_columns_from_insert
        and not any(hasattr(f, "get_placeholder") for f in fields)
        and all(f is meta.auto_field for f in returning)
        and not any(f.get_db_converters(connection) for f in returning)
        and (model.save is models.Model.save or getattr(model, "INSERT_WITHOUT_SAVE", False))
    )
    if simple:
        ops: Any = connection.ops  # (return_insert_columns: the backends that can return columns)
        qn = ops.quote_name
        returning_sql, returning_params = ops.return_insert_columns(list(returning))
        if returning_sql and not returning_params:
            # the model's own table and column names, quoted; the values are parameters or _literal()s
            columns = ", ".join(qn(f.column) for f in fields)
            plan = _InsertPlan(
                head=f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES (",  # noqa: S608
                tail=f") {returning_sql}",
                fields=fields,
                returning=returning,
                inline=connection.vendor == "postgresql",
            )
    _inserts[key] = plan
    return plan


def insert(obj: models.Model, *, using: str = "default") -> None:
    """`obj.save(force_insert=True)` for a new row, with the INSERT statement built once per model and
    process: the ORM compiles it on every save, which for the case's 90 columns costs more CPU than
    the database spends on the row. The values are what save() would send (each field's `pre_save` and
    `get_db_prep_save`), the id comes back the same way, the instance is left as save() leaves it.

    Falls back to save() where it would do more than the insert: a row that is not new or has its id
    already, pre_save/post_save receivers, expressions among the values, models with parents or a
    save() of their own (unless the model sets `INSERT_WITHOUT_SAVE`: its save() adds nothing to an
    insert)."""
    model = type(obj)
    plan = (
        _insert_plan(model, using)
        if obj._state.adding
        and obj.pk is None
        and not signals.pre_save.has_listeners(model)
        and not signals.post_save.has_listeners(model)
        else None
    )
    if plan is None:
        obj.save(force_insert=True, using=using)
        return
    unsaved: Any = obj  # the check save() makes first: a related object not saved yet is refused
    unsaved._prepare_related_fields_for_save(operation_name="save")
    connection = connections[using]
    values: list[Any] = []
    sql: list[str] = []
    for field in plan.fields:
        value = field.pre_save(obj, add=True)
        if hasattr(value, "resolve_expression"):  # the ORM resolves expressions (Now(), defaults of the db)
            obj.save(force_insert=True, using=using)
            return
        value = field.get_db_prep_save(value, connection=connection)
        literal = _literal(value) if plan.inline else None
        if literal is None:
            values.append(value)
            sql.append("%s")
        else:
            sql.append(literal)
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(plan.head + ", ".join(sql) + plan.tail, values)
        row = cursor.fetchone()
    for field, value in zip(plan.returning, row, strict=True):
        setattr(obj, field.attname, value)
    obj._state.db = using
    obj._state.adding = False
