"""The per-(agency, state) counts the workflow door keeps equal a real COUNT(*), also under concurrent
events on PostgreSQL; the list's count reads them, and an ad-hoc filter's count stops at the cap."""

import multiprocessing
from collections.abc import Iterable

import pytest
from django.db import connections
from django.db.models import Count

from zhifa.core import state_counts
from zhifa.enforcement.cases import selectors
from zhifa.enforcement.cases.factories import build_case_kit, ev, register
from zhifa.enforcement.cases.models import Case


def _real() -> dict[tuple[int, str], int]:
    return {
        (r["agency_id"], r["state"]): r["n"]
        for r in Case.objects.values("agency_id", "state").annotate(n=Count("pk")).order_by()
    }


def _counted() -> dict[tuple[int, str], int]:
    pairs = {(a, s) for a, s in Case.objects.values_list("agency_id", "state")}
    from zhifa.core.models import StateCount

    pairs |= set(StateCount.objects.filter(workflow="cases").values_list("agency_id", "state"))
    out = {(a, s): state_counts.counted(workflow="cases", agency_ids=[a], states=[s]) for a, s in pairs}
    return {k: v for k, v in out.items() if v}


@pytest.mark.django_db
def test_counts_follow_registration_and_events_and_the_list_reads_them(kit, client) -> None:
    officers = [kit.officer_a.pk, kit.officer_a2.pk]
    cases = [register(kit, facts=f"计数测试{i}") for i in range(5)]
    ev(cases[0], kit.world.approver_a, "file", officer_ids=officers, filed_on="2025-06-30")
    ev(cases[1], kit.world.approver_a, "file", officer_ids=officers, filed_on="2025-06-30")
    assert _counted() == _real() and sum(_real().values()) == 5
    client.force_login(kit.world.officer_a)
    body = client.get("/api/v1/cases?status=investigating").json()
    assert body["count"] == 2 and body["count_exact"] is True and len(body["results"]) == 2
    body = client.get(f"/api/v1/cases?agency={kit.agency.pk}").json()
    assert body["count"] == 5 and body["count_exact"] is True
    body = client.get("/api/v1/cases?q=计数测试").json()  # ad-hoc: counted on the rows, below the cap
    assert body["count"] == 5 and body["count_exact"] is True
    client.force_login(kit.world.officer_b)  # another agency's officer: nothing of agency A
    assert client.get("/api/v1/cases").json()["count"] == 0


@pytest.mark.django_db
def test_an_ad_hoc_count_stops_at_the_cap(kit, monkeypatch) -> None:
    for i in range(4):
        register(kit, facts=f"封顶测试{i}")
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    counted = selectors.case_count_for(
        user=kit.world.officer_a, filters=selectors.CaseFilters(procedure="ordinary")
    )
    assert counted.count == 3 and counted.exact is False
    exact = selectors.case_count_for(user=kit.world.officer_a, filters=selectors.CaseFilters())
    assert exact.count == 4 and exact.exact is True


@pytest.mark.django_db
def test_a_words_only_count_is_answered_by_the_index_within_the_scope(kit, monkeypatch) -> None:
    for i in range(4):
        register(kit, facts=f"索引计数{i}")
    register(
        kit,
        actor=kit.world.officer_b,
        agency_id=kit.world.agency_b.pk,
        power_item_id=None,
        facts="索引计数乙",
    )

    def count(user, **f):
        return selectors.case_count_for(user=user, filters=selectors.CaseFilters(**f))

    rows = selectors.case_list_for(user=kit.world.officer_a, filters=selectors.CaseFilters(q="索引计数"))
    assert count(kit.world.officer_a, q="索引计数") == selectors.CaseCount(4, True) and rows.count() == 4
    assert count(kit.world.officer_b, q="索引计数") == selectors.CaseCount(1, True)
    assert count(kit.world.supervisor, q="索引计数") == selectors.CaseCount(5, True)
    assert count(kit.world.supervisor, q="索引计数", agency=kit.agency.pk) == selectors.CaseCount(4, True)
    # with a state or another ad-hoc filter the rows are counted
    assert count(kit.world.officer_a, q="索引计数", state=["investigating"]) == selectors.CaseCount(0, True)
    assert count(kit.world.officer_a, q="索引计数", procedure="simple") == selectors.CaseCount(0, True)
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)  # not a search's cap
    assert count(kit.world.officer_a, q="索引计数") == selectors.CaseCount(4, True)
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    assert count(kit.world.officer_a, q="索引计数") == selectors.CaseCount(3, False)
    # words with another filter: the rows are counted, up to the search's cap too
    assert count(kit.world.officer_a, q="索引计数", procedure="ordinary") == selectors.CaseCount(3, False)
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 10)
    assert count(kit.world.officer_a, q="索引计数", procedure="ordinary") == selectors.CaseCount(4, True)


def test_a_search_counts_up_to_the_search_cap_other_filters_up_to_the_list_cap() -> None:
    """docs/api.md: an ad-hoc filter's count stops at 10,000, one with words at 1,000 (as every
    full-text search: the powers search shares core.search.SEARCH_COUNT_CAP)."""
    from zhifa.core import search
    from zhifa.powers import selectors as powers_selectors

    assert selectors.COUNT_CAP == 10_000 and search.SEARCH_COUNT_CAP == 1_000
    assert powers_selectors.SEARCH_COUNT_CAP == search.SEARCH_COUNT_CAP
    assert selectors.count_cap(selectors.CaseFilters(q="渣土")) == 1_000
    assert selectors.count_cap(selectors.CaseFilters(q="渣土", procedure="simple")) == 1_000
    assert selectors.count_cap(selectors.CaseFilters(q="  ", procedure="simple")) == 10_000
    assert selectors.count_cap(selectors.CaseFilters(officer=3)) == 10_000


@pytest.mark.django_db
def test_the_list_page_says_more_than_the_cap_instead_of_counting(kit, client, monkeypatch) -> None:
    for i in range(4):
        register(kit, facts=f"页面封顶{i}")
    client.force_login(kit.world.officer_a)
    body = client.get("/cases/?q=页面封顶").content.decode()
    assert "（4件）" in body
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    body = client.get("/cases/?q=页面封顶").content.decode()
    assert "超过3件" in body and "4件" not in body


@pytest.mark.django_db
def test_the_overdue_count_stops_at_the_cap(kit, client, frozen, monkeypatch) -> None:
    """Filed in February 2025, decision period run out by the frozen day: four overdue duties."""
    officers = [kit.officer_a.pk, kit.officer_a2.pk]
    for i in range(4):
        case = register(kit, facts=f"逾期封顶{i}", occurred_on="2025-02-01", discovered_on="2025-02-03")
        ev(case, kit.world.approver_a, "file", officer_ids=officers, filed_on="2025-02-05")
    client.force_login(kit.world.approver_a)
    body = client.get("/api/v1/cases/overdue").json()
    assert body["count"] == 4 and body["count_exact"] is True and len(body["results"]) == 4
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    body = client.get("/api/v1/cases/overdue?page_size=2").json()
    assert body["count"] == 3 and body["count_exact"] is False and len(body["results"]) == 2
    assert selectors.overdue_count_for(user=kit.world.approver_a) == selectors.CaseCount(3, False)


@pytest.mark.django_db
def test_rebuild_recounts_from_the_rows(kit) -> None:
    for i in range(3):
        register(kit, facts=f"重算{i}")
    from zhifa.core.models import StateCount

    StateCount.objects.all().delete()
    assert state_counts.rebuild(workflow="cases", queryset=Case.objects.all()) == 3
    assert _counted() == _real()


def _file(case_ids: list[int], approver_id: int, officer_ids: list[int], queue) -> None:
    connections.close_all()
    from zhifa.enforcement.cases.services import case_apply_event
    from zhifa.org.models import User

    approver = User.objects.get(pk=approver_id)
    failures = []
    for case_id in case_ids:
        try:
            case_apply_event(case_id=case_id, actor=approver, event="file", data={"officer_ids": officer_ids})
        except Exception as exc:  # pragma: no cover — would fail the assertions below
            failures.append(repr(exc))
    connections.close_all()
    queue.put(failures)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_counts_equal_a_real_count_after_concurrent_events(world) -> None:
    kit = build_case_kit(world)
    cases = [register(kit, facts=f"并发计数{i}") for i in range(32)]
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    officers = [kit.officer_a.pk, kit.officer_a2.pk]
    procs = [
        ctx.Process(
            target=_file, args=([c.pk for c in cases[i::4]], kit.world.approver_a.pk, officers, queue)
        )
        for i in range(4)
    ]
    for p in procs:
        p.start()
    failures = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert failures == [[], [], [], []]
    real = _real()
    assert real[(kit.agency.pk, "investigating")] == 32
    assert _counted() == real


@pytest.mark.django_db
@pytest.mark.parametrize("ratio", [1e-9, 1e12])  # one match makes a word common (walked) / none is
def test_a_search_lists_the_same_cases_in_order_whichever_plan_finds_them(kit, monkeypatch, ratio) -> None:
    from zhifa.core import search

    for i in range(6):
        register(kit, facts=f"渣土运输{i}" if i % 2 else f"噪声扰民{i}")
    register(
        kit,
        actor=kit.world.officer_b,
        agency_id=kit.world.agency_b.pk,
        power_item_id=None,
        facts="渣土运输乙",
    )
    monkeypatch.setattr(search, "WALK_COST_RATIO", ratio)
    monkeypatch.setattr(search, "WALK_COUNT_CAP", 10**9)
    expected = {
        (kit.world.officer_a, None): 3,
        (kit.world.officer_b, None): 1,
        (kit.world.supervisor, None): 4,
        (kit.world.supervisor, kit.agency.pk): 3,
        (kit.world.officer_b, kit.agency.pk): 0,  # an agency outside the user's scope
    }
    for (user, agency), n in expected.items():
        rows = selectors.case_list_for(user=user, filters=selectors.CaseFilters(q="渣土", agency=agency))
        found = list(rows.values_list("id", flat=True))
        wanted = list(
            Case.objects.filter(agency_id__in=[kit.agency.pk, kit.world.agency_b.pk], facts__contains="渣土")
            .filter(**({"agency_id": agency} if agency else {}))
            .filter(agency_id__in=selectors.scope_agency_ids(user))
            .order_by("-discovered_on", "-id")
            .values_list("id", flat=True)
        )
        assert found == wanted and len(found) == n
        assert selectors.case_list_for(user=user, filters=selectors.CaseFilters(q="听证")).count() == 0


@pytest.mark.django_db
def test_counted_is_one_statement_and_equals_the_rows(kit, django_assert_num_queries) -> None:
    """`counted` is hand-written SQL (docs/benchmarks.md, eleventh session): it must say what the
    rows say for every kind of argument, in one statement, and nothing for an empty list."""
    officers = [kit.officer_a.pk, kit.officer_a2.pk]
    cases = [register(kit, facts=f"合计测试{i}") for i in range(4)]
    ev(cases[0], kit.world.approver_a, "file", officer_ids=officers, filed_on="2025-06-30")
    a, b = kit.agency.pk, kit.world.agency_b.pk

    def real(agencies: list[int] | None, states: list[str] | None) -> int:
        rows = Case.objects.all()
        if agencies is not None:
            rows = rows.filter(agency_id__in=agencies)
        if states is not None:
            rows = rows.filter(state__in=states)
        return rows.count()

    asked: list[tuple[list[int] | None, list[str] | None]] = [
        (None, None),
        ([a], None),
        ([b], None),
        ([a, b, a], None),  # a repeated id counts once, as in an IN list
        (None, ["registered"]),
        ([a], ["registered", "investigating"]),
        ([b], ["investigating"]),
    ]
    for agencies, states in asked:
        with django_assert_num_queries(1):
            got = state_counts.counted(workflow="cases", agency_ids=agencies, states=states)
        assert got == real(agencies, states), (agencies, states)
    assert state_counts.counted(workflow="cases", agency_ids=None) == 4
    assert state_counts.counted(workflow="inspections", agency_ids=[a]) == 0  # another workflow's rows
    with django_assert_num_queries(0):
        assert state_counts.counted(workflow="cases", agency_ids=[]) == 0
        assert state_counts.counted(workflow="cases", agency_ids=[a], states=[]) == 0


@pytest.mark.django_db
def test_a_wide_search_reads_each_size_once_per_request(kit, client, monkeypatch) -> None:
    """On SQLite a search in a wide scope plans with the scope's and the kind's sizes: the count hands
    the sizes it read to the page's plan (`CaseCount.sizes`), so one request reads each once."""
    for i in range(3):
        register(kit, facts=f"规模测试{i}")
    from zhifa.core import search

    monkeypatch.setattr(search, "AGENCY_TOKENS_MAX", 1)  # the city supervisor's two agencies are "wide"
    calls: list[tuple[int, ...] | None] = []
    real_counted = state_counts.counted

    def counting(
        *, workflow: str, agency_ids: Iterable[int] | None, states: Iterable[str] | None = None
    ) -> int:
        calls.append(None if agency_ids is None else tuple(sorted(agency_ids)))
        return real_counted(workflow=workflow, agency_ids=agency_ids, states=states)

    monkeypatch.setattr(state_counts, "counted", counting)
    client.force_login(kit.world.supervisor)
    body = client.get("/api/v1/cases?q=规模测试").json()
    assert body["count"] == 3 and len(body["results"]) == 3
    assert len(calls) == len(set(calls))  # each size read at most once
    if connections["default"].vendor == "sqlite":
        assert len(calls) == 2  # the scope's and the kind's: both needed for a wide scope


@pytest.mark.django_db
def test_list_match_is_one_array_on_postgresql_and_placeholders_elsewhere() -> None:
    from zhifa.core.prepared import list_match

    sql, params = list_match([3, 1, 3])
    if connections["default"].vendor == "postgresql":
        assert (sql, params) == ("= ANY(%s)", [[3, 1, 3]])
    else:
        assert (sql, params) == ("IN (%s, %s, %s)", [3, 1, 3])
    with pytest.raises(ValueError):
        list_match([])  # an empty IN is not SQL: the caller answers it without a query
