"""A search's count of matches, kept for a minute to plan the next search (core.match_counts): reused
within the minute, counted again after it, bounded, and never a difference in what a search finds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.core import match_counts, search
from zhifa.core.models import SearchDocument
from zhifa.core.search import IndexDoc, search_filter, search_index, search_index_many, search_remove


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(match_counts, "_now", c)
    return c


def test_a_count_is_reused_within_the_minute_and_counted_again_after_it(clock) -> None:
    counted = []

    def count(value):
        def run():
            counted.append(value)
            return value

        return run

    assert match_counts.remembered("k", count(3)) == 3
    clock.now += match_counts.TTL_SECONDS - 0.001
    assert match_counts.remembered("k", count(7)) == 3  # still within the minute: not counted
    assert counted == [3]
    clock.now += 0.001  # exactly a minute after it was counted: counted again
    assert match_counts.remembered("k", count(7)) == 7
    assert counted == [3, 7]
    assert match_counts.remembered("other", count(1)) == 1  # another key is another count
    match_counts.forget()
    assert match_counts.remembered("k", count(9)) == 9


def test_the_kept_counts_are_bounded_oldest_out(clock, monkeypatch) -> None:
    monkeypatch.setattr(match_counts, "MAX_ENTRIES", 3)
    for key in "abcd":
        match_counts.remembered(key, lambda: 1)
    assert list(match_counts._kept) == ["b", "c", "d"]
    match_counts.remembered("b", lambda: 2)  # a hit does not renew it: counted a minute ago is what counts
    assert match_counts.remembered("a", lambda: 5) == 5  # "a" was dropped: counted again


DOCS = [
    IndexDoc(1, 10, "大气污染防治法", "露天烧烤食品"),
    IndexDoc(2, 10, "大气污染防治法", "扬尘污染"),
    IndexDoc(3, 20, "城市道路管理条例", "挖掘城市道路"),
]


@pytest.mark.django_db
def test_a_repeated_search_plans_from_the_kept_count_and_finds_what_the_index_holds_now(
    clock, monkeypatch
) -> None:
    # A word is walked from 2 matches in scope (need = ceil(sqrt(ratio × scope size)) = 2).
    monkeypatch.setattr(search, "WALK_COST_RATIO", 1)
    search_index_many(kind="article", docs=DOCS)

    def found(q):
        scoped = SearchDocument.objects.filter(kind="article", agency_id__in=[10, 20])
        with CaptureQueriesContext(connection) as queries:  # the plan is chosen when the filter is made
            condition = search_filter(
                kind="article", q=q, agency_ids=[10, 20], scope_size=lambda: 4, column="object_id"
            )
            rows = sorted(scoped.filter(condition).values_list("object_id", flat=True))
        dense_counts = [q for q in queries.captured_queries if ") dense" in q["sql"]]
        return rows, len(dense_counts)

    if connection.vendor != "sqlite":  # PostgreSQL's planner chooses; nothing is counted to plan
        assert found("大气污染") == ([1, 2], 0)
        return
    assert found("大气污染") == ([1, 2], 1)  # counted: 2 matches, walked
    assert found("大气污染") == ([1, 2], 0)  # the same words and scope within the minute: not counted
    # The index changes within the minute: the kept count may choose the plan, the rows are today's.
    search_remove(kind="article", object_id=2)
    search_index(kind="article", object_id=4, agency_id=20, title="", body="大气污染 噪声")
    assert found("大气污染") == ([1, 4], 0)
    search_remove(kind="article", object_id=1)
    assert found("大气污染") == ([4], 0)  # one match left, still walked by the kept count: found
    clock.now += match_counts.TTL_SECONDS
    assert found("大气污染") == ([4], 1)  # a minute on: counted again
