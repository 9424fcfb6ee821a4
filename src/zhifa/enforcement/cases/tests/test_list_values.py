"""The case list reads its page as values (selectors.case_list_rows → presenters.list_row): the same
rows as the model instances gave (presenters.case_row), persons' names masked for the same viewers, and
a search's count reused to plan its page instead of counting the index again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.core import search
from zhifa.enforcement.cases import presenters, selectors
from zhifa.enforcement.cases.factories import ev, register
from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.cases.search_link import KIND
from zhifa.enforcement.cases.tests.builders import PERSON, list_rows_world
from zhifa.foundation.deadlines import services as engine
from zhifa.org.roles import Role

pytestmark = pytest.mark.django_db


def _both_paths(user, filters: selectors.CaseFilters, today: dt.date) -> tuple[list, list]:
    approver_scope = selectors.scope_agency_ids(user, roles=[Role.APPROVER])
    labels = presenters.Labels()
    qs = selectors.case_list_for(user=user, filters=filters)
    rows = selectors.case_rows_for(user=user, filters=filters)
    by_values = [
        presenters.list_row(r, user_scope_full=r["agency_id"] in approver_scope, today=today, labels=labels)
        for r in selectors.case_list_rows(rows[0:50])
    ]
    by_models = [
        presenters.case_row(c, user_scope_full=c.agency_id in approver_scope, today=today, labels=labels)
        for c in qs[0:50]
    ]
    return by_values, by_models


def test_the_rows_read_as_values_are_the_rows_of_the_model_instances(kit, frozen) -> None:
    w = kit.world
    person, filed = list_rows_world(kit, frozen)
    # columns the registrations above leave empty (a proposed fine, a suspension): set directly, as rows
    Case.objects.filter(pk=person.pk).update(proposed_fine=Decimal("2500.50"), suspended_since=frozen)

    seen = 0
    for user in (w.officer_a, w.approver_a, w.officer_b, w.supervisor):
        for filters in (
            selectors.CaseFilters(),
            selectors.CaseFilters(q="渣土"),
            selectors.CaseFilters(state=["investigating"]),
        ):
            by_values, by_models = _both_paths(user, filters, frozen)
            assert by_values == by_models, (user, filters)
            seen += len(by_values)
    assert seen > 0
    # what the comparison covered: masked and unmasked persons, an open deadline, a fine, a suspension
    officer_rows, _ = _both_paths(w.officer_a, selectors.CaseFilters(), frozen)
    approver_rows, _ = _both_paths(w.approver_a, selectors.CaseFilters(), frozen)
    masked = {r["id"]: r["party_name"] for r in officer_rows if r["party_kind"] == "person"}
    full = {r["id"]: r["party_name"] for r in approver_rows if r["party_kind"] == "person"}
    assert masked.keys() == full.keys() == {person.pk, filed.pk}
    assert all(name != PERSON["name"] and "*" in name for name in masked.values())
    assert set(full.values()) == {PERSON["name"]}
    row = next(r for r in officer_rows if r["id"] == person.pk)
    assert row["fine_amount"] == "2500.50" and row["suspended"] is True
    assert next(r for r in officer_rows if r["id"] == filed.pk)["next_deadline"]["kind"] == "decision"
    assert any(r["power_item"] is None and r["power_item_name"] == "" for r in officer_rows)


def test_the_api_list_shows_the_value_rows_masked_as_before(kit, frozen, client) -> None:
    from zhifa.org.services import api_token_issue

    w = kit.world
    register(kit, facts="渣土撒漏", party=PERSON)
    token, _ = api_token_issue(user=w.officer_a)
    body = client.get("/api/v1/cases?q=渣土", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    by_values, _ = _both_paths(w.officer_a, selectors.CaseFilters(q="渣土"), frozen)
    assert [r["id"] for r in body["results"]] == [r["id"] for r in by_values]
    assert body["results"][0]["party_name"] == by_values[0]["party_name"] != PERSON["name"]


def test_an_empty_page_reads_no_deadlines(kit, frozen) -> None:
    qs = selectors.case_rows_for(user=kit.world.officer_a, filters=selectors.CaseFilters(q="不存在的词"))
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.case_list_rows(qs[0:50]) == []
    assert len(ctx.captured_queries) == 1


# a word walked (SQLite: one match makes it common; PostgreSQL: no match is few) / listed (none is common;
# any number is few)
@pytest.mark.parametrize(("ratio", "few"), [(1e-9, 0), (1e12, 10**6)])
def test_a_counted_search_plans_its_page_without_counting_again(kit, frozen, monkeypatch, ratio, few) -> None:
    """The words-only count (case_count_for) is the scope's matches: case_rows_for(counted=) reuses it
    to choose the plan (PostgreSQL: few matches or a walk; SQLite: the list or the per-row check)
    instead of counting the index a second time, and lists the same cases either way."""
    monkeypatch.setattr(search, "WALK_COST_RATIO", ratio)
    monkeypatch.setattr(search, "FEW_MATCHES", few)
    for i in range(3):
        register(kit, facts=f"渣土运输{i}")
    register(kit, facts="噪声扰民")
    user, filters = kit.world.officer_a, selectors.CaseFilters(q="渣土")
    counted = selectors.case_count_for(user=user, filters=filters)
    assert counted.count == 3 and counted.matches == 3
    with CaptureQueriesContext(connection) as ctx:
        qs = selectors.case_rows_for(user=user, filters=filters, counted=counted)
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert list(qs.values_list("id", flat=True)) == list(
        selectors.case_list_for(user=user, filters=filters).values_list("id", flat=True)
    )
    # a count that is not the index's (another filter) says nothing about the matches
    assert (
        selectors.case_count_for(
            user=user, filters=selectors.CaseFilters(q="渣土", procedure="simple")
        ).matches
        is None
    )


def test_known_matches_choose_the_plan_without_a_query() -> None:
    """search_ids(known_matches=) on PostgreSQL: a few matches hand over the scope's short list (scope
    tokens), more walk the caller's rows (the kind); no count is run. SQLite never counts here."""
    scope = [20]
    with CaptureQueriesContext(connection) as ctx:
        few = search.search_ids(kind=KIND, q="渣土", agency_ids=scope, scoped_outside=True, known_matches=3)
        many = search.search_ids(
            kind=KIND, q="渣土", agency_ids=scope, scoped_outside=True, known_matches=search.FEW_MATCHES + 1
        )
    assert ctx.captured_queries == []
    if connection.vendor == "postgresql":
        assert not isinstance(few, list) and not isinstance(many, list)
        assert "kcasea20" in str(few.params[0]) and "d.kind" not in few.sql
        assert "kcasea" not in str(many.params[0]) and "d.kind" in many.sql


def test_a_count_stopped_at_its_cap_is_a_lower_bound(kit, frozen, monkeypatch) -> None:
    """known_matches above known_cap means "at least that many" (search_count stopped there): it settles
    the plan only when that is enough — more than FEW_MATCHES on PostgreSQL, `need` or more on SQLite
    (√(250 × 100) → 159 for a scope of 100) — otherwise the index is counted; an exact count always
    settles it without a query."""
    monkeypatch.setattr(search, "FEW_MATCHES", 10)
    for i in range(5):
        register(kit, facts=f"渣土运输{i}")
    scope = [kit.agency.pk]

    def counts(known: int, cap: int | None) -> int:
        with CaptureQueriesContext(connection) as ctx:
            search.search_filter(
                kind=KIND,
                q="渣土",
                agency_ids=scope,
                scope_size=lambda: 100,
                known_matches=known,
                known_cap=cap,
            )
        return len([q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()])

    assert counts(4, None) == 0  # exact: few (PostgreSQL), fewer than 159 (SQLite)
    assert counts(4, 3) == 1  # at least 4: could still be few, or fewer than 159
    assert counts(200, 3) == 0  # at least 200: not few, and common enough to walk
    assert counts(4, 4) == 0  # 4 with a cap of 4 did not stop: exact


def test_the_open_deadlines_read_as_values_are_the_orm_rows(kit, frozen) -> None:
    """selectors.open_deadlines_first (hand-written SQL, an array on PostgreSQL) gives each case's first
    open deadline by (due_on, id) with the fields the ORM reads: resolved rows and other objects' rows
    with the same id left out, a suspension and a party window carried, and the same last day and
    status through the engine as the model instance."""
    from zhifa.enforcement.cases.deadlines import effective_due, status_of
    from zhifa.enforcement.cases.models import CaseDeadline
    from zhifa.foundation.deadlines.models import Deadline

    w = kit.world
    cases = [register(kit, facts=f"渣土{i}", party=PERSON) for i in range(3)]
    ev(
        cases[0],
        w.approver_a,
        "file",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        filed_on=frozen.isoformat(),
    )
    rows = list(CaseDeadline.objects.filter(object_id__in=[c.pk for c in cases]).order_by("id"))
    assert rows
    # a second open row due earlier (it comes first), suspended and a party window; a resolved row
    # due earliest (left out); another object's row with the same id, due earlier still (left out)
    template = rows[0]
    Deadline.objects.filter(pk=template.pk).update(due_on=frozen + dt.timedelta(days=30))
    extra = Deadline.objects.get(pk=template.pk)
    extra.pk = None
    extra.due_on = frozen + dt.timedelta(days=2)
    extra.suspended_since = frozen - dt.timedelta(days=1)
    extra.party_window = True
    extra.save()
    resolved = Deadline.objects.get(pk=template.pk)
    resolved.pk, resolved.due_on, resolved.resolved_on = None, frozen - dt.timedelta(days=9), frozen
    resolved.save()
    other = Deadline.objects.get(pk=template.pk)
    other.pk, other.object_type, other.due_on = None, "tests.other", frozen - dt.timedelta(days=20)
    other.save()

    ids = [c.pk for c in cases] + [999_999_999]
    first: dict[int, CaseDeadline] = {}
    for row in CaseDeadline.objects.filter(resolved_on__isnull=True, object_id__in=ids).order_by(
        "due_on", "id"
    ):
        first.setdefault(row.object_id, row)
    with CaptureQueriesContext(connection) as ctx:
        by_values = selectors.open_deadlines_first(ids)
    assert len(ctx.captured_queries) == 1
    assert by_values.keys() == first.keys() and template.object_id in by_values
    assert by_values[template.object_id].due_on == frozen + dt.timedelta(days=2)
    for case_id, model_row in first.items():
        value_row = by_values[case_id]
        for name in (*engine.OPEN_DEADLINE_COLUMNS, "resolved_on"):
            assert getattr(value_row, name) == getattr(model_row, name), name
            assert type(getattr(value_row, name)) is type(getattr(model_row, name)), name
        for day in (frozen, frozen + dt.timedelta(days=5), frozen + dt.timedelta(days=60)):
            assert effective_due(value_row, today=day) == effective_due(model_row, today=day)
            assert status_of(value_row, today=day) == status_of(model_row, today=day)
    assert selectors.open_deadlines_first([]) == {}
