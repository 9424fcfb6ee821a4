"""The API's case list reads its page compiled once per shape (selectors.CaseRows over
core.prepared.PreparedShapes): for every user, filter shape, slice and search plan, the same rows, the
same SQL and the same number of queries as the ORM's page (`case_list_rows(case_rows_for(...)[a:b])`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.core import search
from zhifa.core.prepared import PreparedShapes
from zhifa.enforcement.cases import selectors
from zhifa.enforcement.cases.factories import register
from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.cases.tests.builders import list_rows_world

pytestmark = pytest.mark.django_db


def _orm_page(user: Any, f: selectors.CaseFilters, a: int, b: int) -> tuple[list[Any], list[str]]:
    counted = selectors.case_count_for(user=user, filters=f)
    with CaptureQueriesContext(connection) as ctx:
        rows = selectors.case_list_rows(selectors.case_rows_for(user=user, filters=f, counted=counted)[a:b])
    return rows, [q["sql"] for q in ctx.captured_queries]


def _shaped_page(user: Any, f: selectors.CaseFilters, a: int, b: int) -> tuple[list[Any], list[str]]:
    counted = selectors.case_count_for(user=user, filters=f)
    with CaptureQueriesContext(connection) as ctx:
        rows = selectors.CaseRows(user=user, filters=f, counted=counted)[a:b]
    return rows, [q["sql"] for q in ctx.captured_queries]


# a word walked (SQLite: one match makes it common; PostgreSQL: no match is few) / listed
@pytest.mark.parametrize(("ratio", "few"), [(1e-9, 0), (1e12, 10**6)])
def test_the_page_compiled_once_per_shape_is_the_orms_page(
    kit: Any, frozen: dt.date, monkeypatch, ratio, few
) -> None:
    monkeypatch.setattr(search, "WALK_COST_RATIO", ratio)
    monkeypatch.setattr(search, "FEW_MATCHES", few)
    w = kit.world
    list_rows_world(kit, frozen)
    register(kit, facts="噪声扰民")
    some = Case.objects.filter(agency=w.agency_a).exclude(power_item=None).first()
    assert some is not None
    shapes = [
        selectors.CaseFilters(),
        selectors.CaseFilters(state=["registered"]),
        selectors.CaseFilters(state=["investigating", "registered", "investigating"]),
        selectors.CaseFilters(agency=w.agency_a.pk),
        selectors.CaseFilters(agency=w.agency_b.pk, state=["registered"]),
        selectors.CaseFilters(procedure="ordinary"),
        selectors.CaseFilters(power_item=some.power_item_id),
        selectors.CaseFilters(officer=kit.officer_a.pk),
        selectors.CaseFilters(q="渣土"),
        selectors.CaseFilters(q="渣土", state=["registered"]),
        selectors.CaseFilters(q="渣土", agency=w.agency_a.pk),
        selectors.CaseFilters(q="渣土 撒漏", procedure="ordinary", officer=kit.officer_a.pk),
        selectors.CaseFilters(q="不存在的词"),
        selectors.CaseFilters(q="   "),
        selectors.CaseFilters(q="的"),  # no searchable word: the ORM's way
        selectors.CaseFilters(mine=True),  # the ORM's way
        selectors.CaseFilters(overdue=True, q="渣土"),
        selectors.CaseFilters(date_from=frozen - dt.timedelta(days=3), state=["registered"]),
    ]
    seen = 0
    for user in (w.officer_a, w.approver_a, w.officer_b, w.supervisor):
        for f in shapes:
            for a, b in ((0, 50), (0, 2), (1, 3), (2, 52)):
                orm, orm_sql = _orm_page(user, f, a, b)
                shaped, shaped_sql = _shaped_page(user, f, a, b)
                assert shaped == orm, (user, f, a, b)
                assert shaped_sql == orm_sql, (user, f, a, b)
                seen += len(orm)
    assert seen > 0
    # the shapes it compiles were compiled (the others took the ORM's way)
    # (scope size, which of agency/procedure/power item/officer are present, number of states)
    kept = {key[0][:3] for key in selectors._PAGES._plans}
    assert (len(selectors.scope_agency_ids(w.supervisor)), (True, False, False, False), 1) in kept


def test_shapes_refuse_other_values_and_keep_at_most_their_number(kit: Any) -> None:
    built: list[Any] = []

    def build(shape: Any, *markers: Any) -> Any:
        built.append(shape)
        qs = Case.objects.filter(agency_id__in=markers[:shape]).order_by("-id")
        return qs.values_list("id", "agency_id")

    shapes: PreparedShapes[tuple[int, int]] = PreparedShapes(build, most_shapes=1)
    a, b = kit.world.agency_a.pk, kit.world.agency_b.pk
    register(kit, facts="甲")
    register(kit, actor=kit.world.officer_b, agency_id=b, power_item_id=None, facts="乙")
    want = list(Case.objects.filter(agency_id__in=[a, b]).order_by("-id").values_list("id", "agency_id"))
    assert shapes(2, [a, b]) == want and shapes(2, [b, a]) == want
    assert shapes(1, [b]) == [r for r in want if r[1] == b]
    assert built == [2, 1] and len(shapes._plans) == 1  # one kept: the newest
    assert shapes(1, [a]) == [r for r in want if r[1] == a] and built == [2, 1]
    assert shapes(2, [a, b]) == want and built == [2, 1, 2]
    with pytest.raises(TypeError, match="int or a str"):
        shapes(1, [dt.date(2026, 1, 1)])
    with pytest.raises(ValueError, match="appears 0 times"):
        PreparedShapes(lambda shape, m: Case.objects.filter(pk__gt=0).values_list("id"))(0, [1])


def test_a_paged_shape_runs_every_later_page_with_one_plan_as_the_orm_writes_it(kit: Any) -> None:
    """PreparedShapes(paged=True): the first page has its plan (no OFFSET, as the ORM), every later
    page one more, the offset a parameter; rows and the SQL the database receives are the ORM's."""
    a, b = kit.world.agency_a.pk, kit.world.agency_b.pk
    for i in range(5):
        register(kit, facts=f"第{i}条")
    register(kit, actor=kit.world.officer_b, agency_id=b, power_item_id=None, facts="乙")

    def orm(ids: list[int], offset: int, size: int) -> Any:
        return (
            Case.objects.filter(agency_id__in=ids).order_by("-id")[offset : offset + size].values_list("id")
        )

    shapes: PreparedShapes[tuple[int]] = PreparedShapes(
        lambda shape, *ids, offset: orm(list(ids), offset, shape[1]), paged=True
    )
    for ids in ([a], [a, b]):
        for offset in (0, 1, 2, 4, 5, 9):
            for size in (1, 3):
                with CaptureQueriesContext(connection) as want_sql:
                    want = list(orm(ids, offset, size))
                with CaptureQueriesContext(connection) as got_sql:
                    got = shapes((len(ids), size), ids, offset=offset)
                assert got == want, (ids, offset, size)
                assert [q["sql"] for q in got_sql] == [q["sql"] for q in want_sql]
    assert len(shapes._plans) == 2 * 2 * 2  # (scope size, page size) × first page or not
    with pytest.raises(ValueError, match="not negative"):
        shapes((1, 1), [a], offset=-1)
    with pytest.raises(ValueError, match="paged"):
        PreparedShapes(lambda shape, *ids: orm(list(ids), 0, 1))((1, 1), [a], offset=3)


def test_the_offset_becomes_the_parameter_in_its_place() -> None:
    from zhifa.core.prepared import OFFSET_MARKER, _offset_as_parameter

    sql = f"SELECT a FROM t WHERE b LIKE '50%%s' AND c = %s LIMIT 2 OFFSET {OFFSET_MARKER}) AND d = %s"
    assert _offset_as_parameter(sql, (1, 2)) == (
        "SELECT a FROM t WHERE b LIKE '50%%s' AND c = %s LIMIT 2 OFFSET %s) AND d = %s",
        (1, OFFSET_MARKER, 2),
    )
    with pytest.raises(ValueError, match="one OFFSET"):
        _offset_as_parameter("SELECT 1", ())
