"""Indicator sets: the tree's points add up (or the set is refused, with every row's problem), versions,
the default set, XLSX out and back in."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from zhifa.core.errors import DomainError, Forbidden
from zhifa.supervision.assessment import selectors, services, set_io
from zhifa.supervision.assessment.models import IndicatorSet, SetNode
from zhifa.supervision.assessment.tests.builders import SMALL_ROWS, small_set

pytestmark = pytest.mark.django_db


def _rows(**changes: dict) -> list[dict]:
    rows = [dict(r) for r in SMALL_ROWS]
    for code, change in changes.items():
        next(r for r in rows if r["code"] == code.replace("_", ".")).update(change)
    return rows


def _refusal(rows: list[dict], total: str = "10") -> DomainError:
    with pytest.raises(DomainError) as info:
        services.set_create(
            actor=None, data={"code": "t", "year": 2026, "name": "t", "total_points": total, "rows": rows}
        )
    assert IndicatorSet.objects.count() == 0 and SetNode.objects.count() == 0  # nothing half-stored
    return info.value


def test_the_small_set_adds_up_and_keeps_its_tree() -> None:
    s = small_set()
    nodes = selectors.set_nodes(s)
    assert [n.code for n in nodes] == ["1", "1.1", "1.2", "2", "2.1", "2.2"]
    for n in nodes:
        kids = [c for c in nodes if c.parent_id == n.pk]
        if kids:
            assert sum(c.points for c in kids) == n.points
    assert sum(n.points for n in nodes if n.parent_id is None) == s.total_points == Decimal(10)
    assert [n.level for n in nodes] == [1, 2, 2, 1, 2, 2]


def test_children_exceeding_their_parent_are_refused() -> None:
    exc = _refusal(_rows(**{"1_1": {"points": "5"}}))
    assert exc.status == 422 and exc.code == "import_rejected"
    errors = exc.detail["errors"]
    assert any(e["code"] == "points_exceed_parent" and e["row"] == 1 for e in errors)


def test_children_leaving_points_unallotted_are_refused() -> None:
    errors = _refusal(_rows(**{"1_1": {"points": "3"}})).detail["errors"]
    assert [e["code"] for e in errors] == ["points_short_of_parent"]


def test_first_level_points_must_make_the_total() -> None:
    errors = _refusal(SMALL_ROWS, total="12").detail["errors"]
    assert errors[0]["code"] == "points_short_of_parent"


def test_every_problem_is_listed_with_its_row() -> None:
    rows = _rows(**{"1_2": {"method": "sideways"}, "2_1": {"target": None}})
    rows.append({"code": "9.1", "parent": "9", "name": "孤儿", "points": "1", "method": "judged"})
    errors = _refusal(rows).detail["errors"]
    got = {(e["row"], e["field"]) for e in errors}
    assert {(3, "method"), (5, "target"), (7, "parent")} <= got


def test_a_cycle_of_parents_is_refused() -> None:
    rows = [
        {"code": "1", "name": "甲", "points": "10", "parent": "2"},
        {"code": "2", "name": "乙", "points": "10", "parent": "1"},
    ]
    errors = _refusal(rows).detail["errors"]
    assert any("circle" in e["message"] or "循环" in e["message"] for e in errors)


def test_an_edit_is_a_new_version_and_the_old_one_stays() -> None:
    first = small_set()
    second = small_set()
    assert (first.version, second.version) == (1, 2)
    assert SetNode.objects.filter(indicator_set=first).count() == 6


def test_only_the_bureau_edits_sets(world) -> None:
    with pytest.raises(Forbidden):
        small_set(actor=world.users["officer_a"])
    assert small_set(actor=world.users["supervisor"]).created_by == world.users["supervisor"]


def test_the_default_set_covers_the_themes_with_100_points() -> None:
    s = services.set_default(year=2026)
    nodes = selectors.set_nodes(s)
    roots = [n for n in nodes if n.parent_id is None]
    assert s.total_points == 100 and sum(n.points for n in roots) == 100
    names = "".join(n.name for n in roots)
    for theme in ("决策", "规范性文件", "三项制度", "培训", "案卷评查", "应诉", "公开", "投诉"):
        assert theme in names
    assert services.set_default(year=2026) == s  # created once
    credential = next(n for n in nodes if n.indicator_code == "officers.credential_rate")
    assert (credential.target, credential.formula) == (Decimal(85), "linear")


def test_xlsx_goes_out_and_comes_back_as_the_same_tree() -> None:
    s = small_set()
    data = set_io.set_xlsx(s, selectors.set_nodes(s))
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert header == list(set_io.HEADERS)
    assert [c.value for c in sheet[2]][:6] == ["1", None, "制度建设", 6, 60, None]
    rows = set_io.parse_rows(data)
    again = services.set_create(
        actor=None, data={"code": "copy", "year": 2027, "name": "副本", "rows": rows, "first_row": 2}
    )

    def pairs(x: IndicatorSet) -> list[tuple]:
        return [(n.code, n.points, n.method, n.indicator_code, n.target) for n in selectors.set_nodes(x)]

    assert pairs(again) == pairs(s) and again.total_points == 10


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(set_io.HEADERS))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_xlsx_import_is_all_or_nothing_with_sheet_row_numbers(world, client, api_token) -> None:
    bad = _xlsx(
        [
            ["1", "", "决策", 5, None, "", "", "", None, None, None, "", ""],
            ["1.1", "1", "程序", 6, None, "材料评审", "", "", None, None, None, "", ""],
        ]
    )
    response = client.post(
        "/api/v1/assessments/indicator-sets/import",
        {"file": io.BytesIO(bad), "code": "imp", "year": "2026", "name": "导入"},
        **api_token(world.users["supervisor"]),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_rejected"
    assert (
        body["detail"]["errors"][0]["row"] == 2
        and body["detail"]["errors"][0]["code"] == "points_exceed_parent"
    )
    assert not IndicatorSet.objects.exists()
    good = _xlsx([["1", "", "决策", 6, None, "材料评审", "", "", None, None, None, "", ""]])
    response = client.post(
        "/api/v1/assessments/indicator-sets/import",
        {"file": io.BytesIO(good), "code": "imp", "year": "2026", "name": "导入"},
        **api_token(world.users["supervisor"]),
    )
    assert response.status_code == 201, response.content
    assert response.json()["nodes"][0]["method"] == "judged"


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(DomainError) as info:
        set_io.parse_rows(b"code,name\n1,x\n")
    assert info.value.code == "unreadable_file"
