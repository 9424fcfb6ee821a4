"""The search interface over SQLite FTS5 / PostgreSQL tsvector with jieba segmentation."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zhifa.core.models import SearchDocument
from zhifa.core.search import (
    IndexDoc,
    _jieba,
    _line_tokens,
    _normalise,
    _words,
    query_terms,
    search_count,
    search_filter,
    search_ids,
    search_index,
    search_index_many,
    search_query,
    search_remove,
    snippet_html,
    tokens_for_index,
)

pytestmark = pytest.mark.django_db

DOCS = [
    IndexDoc(1, 10, "行政处罚法 第六十四条", "当事人要求听证的，应当在行政机关告知后五日内提出。"),
    IndexDoc(
        2,
        10,
        "大气污染防治法 第一百一十八条",
        "在当地人民政府禁止的时段和区域内露天烧烤食品的，没收烧烤工具。",
    ),
    IndexDoc(3, 20, "大气污染防治法 第六十九条", "建设单位应当将防治扬尘污染的费用列入工程造价。"),
    IndexDoc(4, 20, "城市道路管理条例 第四十二条", "未经批准擅自挖掘城市道路的，可以处以2万元以下的罚款。"),
]


@pytest.fixture
def indexed():
    search_index_many(kind="article", docs=DOCS)


def ids(hits):
    return [h.object_id for h in hits]


@pytest.mark.parametrize(
    ("q", "expected"), [("听证", 1), ("扬尘", 3), ("露天烧烤", 2), ("烧烤", 2), ("挖掘", 4)]
)
def test_words_are_found_including_two_character_words(indexed, q, expected) -> None:
    assert ids(search_query(kind="article", q=q)) == [expected]


def test_a_word_inside_a_longer_word_is_found(indexed) -> None:
    # 城市道路 is one word for jieba; 道路 alone must still find it.
    assert ids(search_query(kind="article", q="道路")) == [4]


def test_all_query_words_must_match(indexed) -> None:
    assert ids(search_query(kind="article", q="露天烧烤 扬尘")) == []
    assert ids(search_query(kind="article", q="大气污染 扬尘")) == [3]


def test_title_matches_rank_above_body_matches() -> None:
    search_index_many(
        kind="article",
        docs=[
            IndexDoc(1, None, "其他规定", "扬尘的防治"),
            IndexDoc(2, None, "扬尘污染防治", "施工单位的责任"),
        ],
    )
    assert ids(search_query(kind="article", q="扬尘")) == [2, 1]


def test_weight_favours_a_document() -> None:
    search_index_many(
        kind="article",
        docs=[IndexDoc(1, None, "甲", "露天烧烤"), IndexDoc(2, None, "乙", "露天烧烤", weight=2.0)],
    )
    assert ids(search_query(kind="article", q="露天烧烤")) == [2, 1]


def test_kinds_are_separate(indexed) -> None:
    search_index(kind="power_item", object_id=1, agency_id=None, title="扬尘污染处罚", body="")
    assert ids(search_query(kind="power_item", q="扬尘")) == [1]
    assert ids(search_query(kind="article", q="扬尘")) == [3]


def test_agency_filter(indexed) -> None:
    assert ids(search_query(kind="article", q="大气污染", agency_ids=[20])) == [3]
    assert ids(search_query(kind="article", q="大气污染", agency_ids=[10])) == [2]
    assert search_query(kind="article", q="大气污染", agency_ids=[]) == []


def test_a_wide_scope_and_a_narrow_one_find_the_same_documents(monkeypatch, indexed) -> None:
    # A scope of a few agencies is matched by the agencies' tokens inside the index, a wider one by the
    # documents' agency column: both give the documents of exactly the agencies in scope.
    from zhifa.core import search

    many = [10, *range(1000, 1000 + search.AGENCY_TOKENS_MAX)]  # more than the index tokens take
    assert ids(search_query(kind="article", q="大气污染", agency_ids=many)) == [2]
    assert search_count(kind="article", q="大气污染", agency_ids=many) == 1
    assert sorted(ids(search_query(kind="article", q="大气污染", agency_ids=[10, 20]))) == [2, 3]
    monkeypatch.setattr(search, "AGENCY_TOKENS_MAX", 0)  # the column alone
    monkeypatch.setattr(search, "FTS5_AGENCY_TOKENS_MAX", 0)
    assert ids(search_query(kind="article", q="大气污染", agency_ids=[20])) == [3]
    assert search_count(kind="article", q="大气污染", agency_ids=[10]) == 1


def test_a_document_moved_to_another_agency_is_found_in_its_new_scope_only(indexed) -> None:
    # e.g. a case transferred (移送) to another agency is indexed again with its new agency
    search_index(kind="article", object_id=3, agency_id=30, title="大气污染防治法 第六十九条", body="扬尘")
    assert search_query(kind="article", q="扬尘", agency_ids=[20]) == []
    assert ids(search_query(kind="article", q="扬尘", agency_ids=[30])) == [3]
    assert search_count(kind="article", q="扬尘", agency_ids=[20]) == 0


def test_a_word_spelled_like_an_index_token_matches_text_only(indexed) -> None:
    # The index holds the kind (karticle) and kind and agency (karticlea10) as tokens; typed words
    # never match them.
    assert search_query(kind="article", q="karticlea10") == []
    assert search_query(kind="article", q="karticle") == []
    assert search_count(kind="article", q="karticlea10", agency_ids=[10]) == 0
    search_index(kind="article", object_id=9, agency_id=10, title="型号 KArticleA10 的设备", body="")
    assert ids(search_query(kind="article", q="karticlea10")) == [9]
    assert ids(search_query(kind="article", q="KArticleA10", agency_ids=[10])) == [9]
    assert search_count(kind="article", q="karticlea10", agency_ids=[10]) == 1


def test_a_scope_token_belongs_to_its_kind(indexed) -> None:
    # the same agency's documents of another kind share words but not the scope token
    search_index(kind="complaint", object_id=1, agency_id=20, title="", body="扬尘")
    assert ids(search_query(kind="article", q="扬尘", agency_ids=[20])) == [3]
    assert search_count(kind="complaint", q="扬尘", agency_ids=[20]) == 1
    assert search_count(kind="article", q="扬尘", agency_ids=[20]) == 1


def test_snippets_mark_matches_and_escape_html() -> None:
    search_index(
        kind="complaint", object_id=7, agency_id=None, title="", body="<script>x</script> 工地扬尘很大"
    )
    hit = search_query(kind="complaint", q="扬尘")[0]
    assert "<mark>扬尘</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html


def test_snippet_centres_on_matches_in_long_text() -> None:
    text = "甲" * 500 + "露天烧烤" + "乙" * 500
    html = snippet_html(text, ["露天烧烤"])
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>露天烧烤</mark>" in html
    assert len(html) < 200


def test_reindexing_replaces_and_removing_forgets(indexed) -> None:
    search_index(kind="article", object_id=1, agency_id=10, title="改", body="申辩")
    assert search_query(kind="article", q="听证") == []
    assert ids(search_query(kind="article", q="申辩")) == [1]
    search_remove(kind="article", object_id=1)
    assert search_query(kind="article", q="申辩") == []
    assert SearchDocument.objects.filter(kind="article").count() == 3


def test_index_rolls_back_with_the_transaction(indexed) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        search_index(kind="article", object_id=99, agency_id=None, title="", body="渣土运输")
        raise RuntimeError
    assert search_query(kind="article", q="渣土") == []


def test_search_ids_filters_a_queryset(indexed) -> None:
    subquery = search_ids(kind="article", q="大气污染")
    matched = SearchDocument.objects.filter(kind="article", object_id__in=subquery)
    assert sorted(matched.values_list("object_id", flat=True)) == [2, 3]
    assert search_count(kind="article", q="大气污染") == 2


def test_search_ids_scoped_outside_leaves_the_scope_to_the_callers_query(indexed) -> None:
    # the caller's queryset carries the scope; the result is the scope's matches either way
    subquery = search_ids(kind="article", q="大气污染", agency_ids=[20], scoped_outside=True)
    scoped = SearchDocument.objects.filter(kind="article", agency_id__in=[20], object_id__in=subquery)
    assert list(scoped.values_list("object_id", flat=True)) == [3]
    assert search_ids(kind="article", q="的", agency_ids=[20], scoped_outside=True) == []


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'; DROP TABLE core_searchdocument; --",
        "OR AND NOT",
        "*",
        "(((",
        "",
        "   ",
        "的",
        "x" * 5000,
        "NEAR(a b)",
        "kind : karticle",
    ],
)
def test_hostile_or_empty_queries_do_not_fail(indexed, q) -> None:
    search_query(kind="article", q=q)
    search_count(kind="article", q=q)
    assert SearchDocument.objects.count() == 4


def test_codes_and_full_width_text_match() -> None:
    search_index(kind="power_item", object_id=5, agency_id=None, title="CF-DL-001 挖掘城市道路", body="")
    assert ids(search_query(kind="power_item", q="cf-dl-001")) == [5]
    assert ids(search_query(kind="power_item", q="ＣＦ－ＤＬ－００１")) == [5]


def test_pagination_is_stable() -> None:
    search_index_many(kind="article", docs=[IndexDoc(i, None, "", "听证程序") for i in range(1, 31)])
    first = ids(search_query(kind="article", q="听证", limit=10))
    second = ids(search_query(kind="article", q="听证", limit=10, offset=10))
    assert len(first) == 10 and len(second) == 10 and not set(first) & set(second)


def test_a_text_is_segmented_a_line_at_a_time_into_the_tokens_of_the_whole() -> None:
    long_line = "当事人张三丰在人民路露天烧烤，" * 20  # past the lines that are kept: segmented each time
    texts = [
        "经巡查发现，当事人未经批准擅自挖掘城市道路。\n海州市人民路\nB-000 未经批准擅自挖掘人行道",
        "ＣＦ－０１\r\n张三丰\n\n  \n违法建设",
        long_line + "\n" + long_line[:30],
        "",
    ]
    for text in texts:
        whole = _words(_jieba().cut_for_search(_normalise(text))) if text.strip() else []
        assert tokens_for_index(text) == whole
    assert "张三丰" in tokens_for_index("张三丰\n人民路")  # a name jieba's HMM finds stays one word
    hits = _line_tokens.cache_info().hits
    tokens_for_index("海州市人民路\n违法建设")
    assert _line_tokens.cache_info().hits >= hits + 2  # both lines were segmented before


def test_query_terms_keep_dictionary_words_whole() -> None:
    assert query_terms("露天烧烤") == [("露天烧烤", ())]  # user dictionary (core/search_words.txt)
    assert query_terms("听证") == [("听证", ())]
    assert query_terms("城市道路 的 罚款") == [("城市道路", ()), ("罚款", ())]  # function words dropped


def test_count_can_be_capped() -> None:
    search_index_many(kind="article", docs=[IndexDoc(i, None, "", "罚款") for i in range(1, 26)])
    assert search_count(kind="article", q="罚款") == 25
    assert search_count(kind="article", q="罚款", cap=10) == 11  # "more than 10"
    assert search_count(kind="article", q="罚款", cap=100) == 25


def test_a_broad_query_is_ranked_within_the_window(monkeypatch) -> None:
    from zhifa.core import search

    monkeypatch.setattr(search, "RANK_WINDOW", 5)
    docs = [IndexDoc(i, None, "", "罚款 " + "其他内容 " * 10) for i in range(1, 21)]
    docs.append(IndexDoc(21, None, "罚款", "罚款 罚款"))  # the best match, indexed last
    search_index_many(kind="article", docs=docs)
    hits = search_query(kind="article", q="罚款", limit=3)
    assert len(hits) == 3
    if connection.vendor == "sqlite":
        # FTS5 yields matches in rowid order, so the last-indexed best match is outside the window;
        # PostgreSQL's bitmap scan promises no order, so which 5 rows form the window is its choice.
        assert 21 not in ids(hits)
    deep = search_query(kind="article", q="罚款", limit=5, offset=18)  # paging beyond widens the window
    assert len(deep) == 3
    assert search_count(kind="article", q="罚款") == 21


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_no_orphaned_index_rows() -> None:
    from django.core.management import call_command
    from django.db import connection

    search_index(kind="article", object_id=1, agency_id=None, title="", body="渣土")
    call_command("flush", verbosity=0, interactive=False)
    assert search_count(kind="article", q="渣土") == 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM core_search_fts")
            assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize("walked", [True, False])
def test_search_filter_finds_the_scopes_matches_either_way(monkeypatch, indexed, walked) -> None:
    # WALK_COST_RATIO tiny: one match makes a word common (walked row by row on SQLite); huge: every
    # word is rare (the index's list)
    from zhifa.core import search

    monkeypatch.setattr(search, "WALK_COST_RATIO", 1e-9 if walked else 1e12)
    monkeypatch.setattr(search, "WALK_COUNT_CAP", 10**9)
    search_index(kind="complaint", object_id=3, agency_id=20, title="", body="大气污染")  # another kind

    def found(q, agencies, size=10**6):
        scoped = SearchDocument.objects.filter(kind="article", agency_id__in=agencies)
        condition = search_filter(
            kind="article", q=q, agency_ids=agencies, scope_size=lambda: size, column="object_id"
        )
        with CaptureQueriesContext(connection) as queries:
            rows = sorted(scoped.filter(condition).values_list("object_id", flat=True))
        per_row = any("f.rowid = (SELECT d.id" in q["sql"] for q in queries.captured_queries)
        # SQLite walks a word with a match when every match counts, or an empty scope; PostgreSQL lists
        assert per_row == (connection.vendor == "sqlite" and ((walked and bool(rows)) or size == 0))
        return rows

    assert found("大气污染", [20]) == [3]
    assert found("大气污染", [10, 20]) == [2, 3]
    assert found("大气污染 扬尘", [10, 20]) == [3]
    assert found("听证", [20]) == []
    assert found("听证", []) == []
    assert found("的", [10]) == []
    assert found("大气污染", [10, 20], size=0) == [2, 3]
    wide = list(range(1000, 1000 + search.AGENCY_TOKENS_MAX))  # beyond the tokens of a list
    assert found("大气污染", [10, 20, *wide]) == [2, 3]
    assert found("扬尘", [10, *wide]) == []  # the kind has it, the scope does not
    search_remove(kind="article", object_id=3)
    assert found("大气污染", [10, 20]) == [2]


def test_a_wide_scope_holding_every_document_of_its_kind_is_judged_by_the_kind(monkeypatch, indexed) -> None:
    # The city supervisor's scope: more agencies than the index's tokens take, and every document of
    # the kind. With the kind's size given, SQLite counts and plans by the kind's token alone (one
    # posting list instead of one per agency); the rows and counts are the scope's either way.
    from zhifa.core import search

    monkeypatch.setattr(search, "WALK_COST_RATIO", 1e-9)  # one match makes a word common: walked
    wide = [10, 20, *range(1000, 1000 + search.AGENCY_TOKENS_MAX)]
    partial = [10, *range(1000, 1000 + search.AGENCY_TOKENS_MAX)]  # two of the four documents

    def run(fn):
        with CaptureQueriesContext(connection) as queries:
            result = fn()
        by_agency = any(
            "karticlea" in q["sql"] or "agency_id IN" in q["sql"] for q in queries.captured_queries
        )
        return result, by_agency

    def count(agencies, scope, total):
        return run(
            lambda: search_count(
                kind="article",
                q="大气污染",
                agency_ids=agencies,
                cap=100,
                scope_size=lambda: scope,
                kind_size=lambda: total,
            )
        )

    def listed(agencies, scope, total):
        scoped = SearchDocument.objects.filter(kind="article", agency_id__in=agencies)
        condition = search_filter(
            kind="article",
            q="大气污染",
            agency_ids=agencies,
            scope_size=lambda: scope,
            kind_size=lambda: total,
            column="object_id",
        )
        return run(lambda: sorted(scoped.filter(condition).values_list("object_id", flat=True)))

    sqlite = connection.vendor == "sqlite"
    assert count(wide, 4, 4) == (2, not sqlite)  # every document of the kind: by the kind on SQLite
    assert count(partial, 2, 4) == (1, True)  # two outside: by the agencies
    assert count([10], 4, 4) == (1, True)  # a narrow scope keeps its token whatever the sizes say
    assert listed(wide, 4, 4) == ([2, 3], False)  # SQLite: the plan settled by the kind's count alone
    assert listed(wide, 4, 5)[0] == [2, 3]  # one object outside: the scope's count settles it
    assert listed(partial, 2, 4)[0] == [2]
