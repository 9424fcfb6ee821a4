"""Chinese full-text search behind one interface, on SQLite (embedded) and PostgreSQL (production).

Chinese has no spaces, so neither database can find words in it by itself. We segment text with
jieba in Python and hand the databases space-separated tokens:

- SQLite: an FTS5 table `core_search_fts` (tokenizer unicode61, which splits on the spaces we put in),
  ranked with bm25; its rowid is the `SearchDocument` id.
- PostgreSQL: a `tsvector('simple')` column `core_searchdocument.vector` with a GIN index, ranked with
  ts_rank_cd (cover density); the "simple" configuration only lower-cases, so our tokens stay as they are.

Documents are indexed with `cut_for_search` (a long word also yields its shorter words: 露天烧烤 →
露天, 烧烤, 露天烧烤) and queries with the precise cut, so a query for a two-character word such as
听证 or 扬尘 finds it inside longer words, and a longer query word also matches text that jieba
segmented differently (each query word may match as itself or as all of its parts).

The original title/body are kept in `core.SearchDocument` for snippets, which are built in Python so
both databases give the same `<mark>`-highlighted, HTML-escaped result.

Interface (docs/interfaces.md): `search_index`, `search_index_many`, `search_remove`, `search_query`,
`search_ids`, `search_filter`, `search_count`. Call the writers inside the service transaction that changes the object,
so the index commits or rolls back with it.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape

from zhifa.core import match_counts
from zhifa.core.models import SearchDocument

MAX_QUERY_CHARS = 200  # longer queries are cut: nobody types more, and hostile input stays bounded
SNIPPET_CHARS = 120
USER_WORDS = Path(__file__).with_name("search_words.txt")

# Function words that appear in nearly every article: indexing them only makes posting lists long.
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "或者",
        "在",
        "是",
        "对",
        "为",
        "以",
        "其",
        "之",
        "等",
        "由",
        "并",
        "应当",
        "可以",
        "本",
        "该",
    ]
)

_WORD = re.compile(r"\w+", re.UNICODE)

_tokenizer: Any = None
_tokenizer_lock = threading.Lock()


def _jieba() -> Any:
    """The jieba tokenizer, initialised once per process (loading its dictionary takes about a second)."""
    global _tokenizer  # noqa: PLW0603 — a per-process cache of an expensive object
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                if USER_WORDS.exists():
                    tokenizer.load_userdict(str(USER_WORDS))
                _tokenizer = tokenizer
    return _tokenizer


_posseg: Any = None


def jieba_posseg() -> Any:
    """jieba's part-of-speech tagger on the same initialised dictionary (core.masking finds names)."""
    global _posseg  # noqa: PLW0603 — a per-process cache of an expensive object
    if _posseg is None:
        import jieba.posseg

        tokenizer = _jieba()  # outside the lock: _jieba() takes it itself
        with _tokenizer_lock:
            if _posseg is None:
                _posseg = jieba.posseg.POSTokenizer(tokenizer)
    return _posseg


def _normalise(text: str) -> str:
    # NFKC folds full-width letters and digits (ＣＦ－０１ → CF-01) so they match what people type.
    return unicodedata.normalize("NFKC", text or "").lower()


def _words(pieces: Iterable[str]) -> list[str]:
    """Keep word characters only: punctuation never becomes a token, and 'cf-dl-001' gives cf, dl, 001
    on both databases alike (their own parsers would treat hyphens differently)."""
    out: list[str] = []
    for piece in pieces:
        for word in _WORD.findall(piece):
            if word not in STOP_WORDS:
                out.append(word)
    return out


def tokens_for_index(text: str) -> list[str]:
    """Tokens stored for a document: the search cut, so every sub-word of a long word is findable.

    Segmented a line at a time, each line's tokens kept (`_line_tokens`): jieba cuts each run of word
    characters by itself and never joins words across a line break, so the tokens are exactly those of
    the whole text, while the lines that documents share — the power item's name under every case of
    that item, a place, a party with several cases — are segmented once per process, not once per
    document (segmenting is the largest share of a registration's CPU after the statements)."""
    text = _normalise(text)
    if not text.strip():
        return []
    tokens: list[str] = []
    for line in text.split("\n"):
        tokens += (
            _line_tokens(line) if len(line) <= _CACHED_LINE_CHARS else _words(_jieba().cut_for_search(line))
        )
    return tokens


_CACHED_LINE_CHARS = 200  # longer lines (a case's facts) rarely recur: segmented each time, not kept


@functools.lru_cache(maxsize=4096)
def _line_tokens(line: str) -> tuple[str, ...]:
    return tuple(_words(_jieba().cut_for_search(line)))


def query_terms(q: str) -> list[tuple[str, tuple[str, ...]]]:
    """The query as words, each with the parts it may match as instead: [(word, (part, …)), …]."""
    text = _normalise(q)[:MAX_QUERY_CHARS]
    terms: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for word in _words(_jieba().cut(text)):
        if word in seen:
            continue
        seen.add(word)
        parts: tuple[str, ...] = ()
        # A dictionary word is segmented the same way in documents, so it is indexed as itself; a word
        # jieba made up from this query (by its HMM, e.g. a name) may have been cut differently there,
        # so it may also match as its parts. (Parts of common words cost time: 城市 is everywhere.)
        if len(word) > 2 and not _jieba().FREQ.get(word):
            subs = [s for s in _words(_jieba().cut_for_search(word)) if s != word and len(s) >= 2]
            # Only use the parts when together they cover the word (otherwise they would match more
            # loosely than the word means).
            if subs and len("".join(dict.fromkeys(subs))) >= len(word):
                parts = tuple(dict.fromkeys(subs))
        terms.append((word, parts))
    return terms


@dataclass(frozen=True)
class Hit:
    object_id: int
    rank: float  # higher is better; comparable only within one result list
    snippet_html: str


@dataclass(frozen=True)
class IndexDoc:
    object_id: int
    agency_id: int | None
    title: str
    body: str
    weight: float = 1.0  # multiplies the rank (> 1 favours the document)


# --- Writing --------------------------------------------------------------------------------------


def _kind_token(kind: str) -> str:
    # The kind is an indexed FTS5 column so the index itself restricts a query to one kind.
    return "k" + re.sub(r"[^a-z0-9]", "", kind.lower())


def _scope_token(kind: str, agency_id: int) -> str:
    # A document of an agency also carries a token of its kind *and* agency (kcasea12), so a query
    # restricted to the user's scope intersects that token's posting list inside the index: a word in
    # a fifth of a million cases gives the 6,869 of one agency directly, instead of all 195,000 matches
    # filtered afterwards. One token for both: the kind alone ('kcase', a million documents) is a
    # posting list too long to intersect cheaply. Kind tokens are letters and digits, so a kind ending
    # in "a" and digits could clash with another kind's scope token; no kind does.
    return f"{_kind_token(kind)}a{int(agency_id)}"


def _tag_tokens(kind: str, agency_id: int | None) -> str:
    """The index's non-text tokens of a document: its kind and, with an agency, its scope token."""
    kind_token = _kind_token(kind)
    return kind_token if agency_id is None else f"{kind_token} {_scope_token(kind, agency_id)}"


def search_index(
    *, kind: str, object_id: int, agency_id: int | None, title: str, body: str, weight: float = 1.0
) -> None:
    """Add or replace the searchable text of one object."""
    search_index_many(kind=kind, docs=[IndexDoc(object_id, agency_id, title, body, weight)])


def search_index_many(*, kind: str, docs: Sequence[IndexDoc]) -> None:
    """Add or replace many objects of one kind (imports, reindexing, benchmarks)."""
    if not docs:
        return
    if connection.vendor == "postgresql":
        _upsert_postgresql(kind, docs)
        return
    with transaction.atomic():
        existing = dict(
            SearchDocument.objects.filter(kind=kind, object_id__in=[d.object_id for d in docs]).values_list(
                "object_id", "id"
            )
        )
        to_create = [
            SearchDocument(
                kind=kind,
                object_id=d.object_id,
                agency_id=d.agency_id,
                title=d.title,
                body=d.body,
                weight=d.weight,
            )
            for d in docs
            if d.object_id not in existing
        ]
        to_update = [
            SearchDocument(
                id=existing[d.object_id],
                kind=kind,
                object_id=d.object_id,
                agency_id=d.agency_id,
                title=d.title,
                body=d.body,
                weight=d.weight,
            )
            for d in docs
            if d.object_id in existing
        ]
        SearchDocument.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            SearchDocument.objects.bulk_update(
                to_update, ["agency_id", "title", "body", "weight"], batch_size=1000
            )
        if any(d.id is None for d in to_create):  # backends that do not return ids on bulk insert
            existing = dict(
                SearchDocument.objects.filter(
                    kind=kind, object_id__in=[d.object_id for d in docs]
                ).values_list("object_id", "id")
            )
        else:
            existing.update({d.object_id: d.id for d in to_create})
        rows = [
            (
                existing[d.object_id],
                d.object_id,
                d.agency_id,
                " ".join(tokens_for_index(d.title)),
                " ".join(tokens_for_index(d.body)),
            )
            for d in docs
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.executemany("DELETE FROM core_search_fts WHERE rowid = %s", [(r[0],) for r in rows])
                cursor.executemany(
                    "INSERT INTO core_search_fts (rowid, object_id, agency_id, kind, title, body) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    [(r[0], r[1], r[2], _tag_tokens(kind, r[2]), r[3], r[4]) for r in rows],
                )
            else:
                cursor.executemany(
                    "UPDATE core_searchdocument SET vector = "
                    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') "
                    "|| setweight(to_tsvector('simple', %s), 'D') WHERE id = %s",
                    [(r[3], r[4], _tag_tokens(kind, r[2]), r[0]) for r in rows],
                )


_VECTOR = (
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') "
    "|| setweight(to_tsvector('simple', %s), 'D')"
)
_UPSERT = (
    "INSERT INTO core_searchdocument (kind, object_id, agency_id, title, body, weight, vector) VALUES {rows} "
    "ON CONFLICT (kind, object_id) DO UPDATE SET agency_id = excluded.agency_id, title = excluded.title, "
    "body = excluded.body, weight = excluded.weight, vector = excluded.vector"
)


def _upsert_postgresql(kind: str, docs: Sequence[IndexDoc]) -> None:
    """PostgreSQL: each document with its vector in one statement per 500 (insert, or replace the text
    of the one already there): a registration writes its case's document in one round trip instead of
    a look-up, an insert and an update of the vector. A statement is atomic, so no savepoint."""
    unique: dict[int, IndexDoc] = {d.object_id: d for d in docs}  # one row per object (the last wins)
    batch = list(unique.values())
    with connection.cursor() as cursor:
        for start in range(0, len(batch), 500):
            chunk = batch[start : start + 500]
            params: list[Any] = []
            for d in chunk:
                params += [kind, d.object_id, d.agency_id, d.title, d.body, d.weight]
                params += [" ".join(tokens_for_index(d.title)), " ".join(tokens_for_index(d.body))]
                params.append(_tag_tokens(kind, d.agency_id))
            rows = ", ".join([f"(%s, %s, %s, %s, %s, %s, {_VECTOR})"] * len(chunk))
            cursor.execute(_UPSERT.format(rows=rows), params)


def search_remove(*, kind: str, object_id: int) -> None:
    with transaction.atomic():
        ids = list(SearchDocument.objects.filter(kind=kind, object_id=object_id).values_list("id", flat=True))
        if connection.vendor == "sqlite" and ids:
            with connection.cursor() as cursor:
                cursor.executemany("DELETE FROM core_search_fts WHERE rowid = %s", [(i,) for i in ids])
        SearchDocument.objects.filter(id__in=ids).delete()


# --- Reading --------------------------------------------------------------------------------------


def _fts5_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts5_match(
    kind: str,
    terms: list[tuple[str, tuple[str, ...]]],
    agency_ids: Sequence[int] | None = None,
    *,
    counting: bool = False,
) -> str:
    if _by_tokens(agency_ids, counting=counting):
        assert agency_ids is not None
        parts = ["kind : (" + " OR ".join(_scope_token(kind, a) for a in agency_ids) + ")"]
    else:
        parts = [f"kind : {_kind_token(kind)}"]
    if terms:
        parts.append(_fts5_words(terms))
    return " AND ".join(parts)


def _pg_quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


# A query word spelled like one of the index's own tokens (kind, scope) must match text only:
# on PostgreSQL all tokens share one vector, so such a word is restricted to the text's weights (A
# title, B body; the tokens are D). On SQLite they are a column of their own, never searched by words.
_TAG_LIKE = re.compile(r"^k[a-z0-9]+$")


def _pg_word(term: str) -> str:
    return _pg_quote(term) + (":AB" if _TAG_LIKE.match(term) else "")


def _pg_tsquery(terms: list[tuple[str, tuple[str, ...]]]) -> str:
    parts = []
    for word, subs in terms:
        alternatives = [_pg_word(word)]
        if subs:
            alternatives.append("(" + " & ".join(_pg_word(s) for s in subs) + ")")
        parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)


# Ranking costs time in proportion to the number of matching documents. A query whose words occur in
# tens of thousands of documents (罚款 in a province's power list) is ranked within the first
# RANK_WINDOW matches in index order (about insertion order) instead of all of them, which keeps every query fast; such queries
# are too broad to rank meaningfully anyway, and the search page asks for more words. The count stays
# exact unless the caller caps it.
RANK_WINDOW = 500


# A scope of up to this many agencies is matched inside the index (their scope tokens OR-ed,
# intersected with the words); a wider scope (a city supervisor's 40 agencies) is nearly everything.
# PostgreSQL: merging 40 posting lists in the GIN index costs more than it saves, so the documents'
# agency column filters a wider scope. SQLite, when only counting: FTS5 merges OR-ed posting lists
# lazily, so a count that stops at 10,001 reads only that far into them (40 tokens: 3.8 ms of CPU),
# while the agency column is read from FTS5's content table row by row (11.5 ms; 200,000 cases,
# 2026-12-06); up to FTS5_AGENCY_TOKENS_MAX agencies count by their tokens there. A query that reads
# the content anyway (the object ids of a list, the ranked hits) checks the column for free, and 40
# posting lists cost more to open and seek than that (3,077 ids: 21.7 ms against 14.1 ms).
AGENCY_TOKENS_MAX = 12
FTS5_AGENCY_TOKENS_MAX = 100


def _by_tokens(agency_ids: Sequence[int] | None, *, counting: bool = False) -> bool:
    most = FTS5_AGENCY_TOKENS_MAX if counting and connection.vendor == "sqlite" else AGENCY_TOKENS_MAX
    return agency_ids is not None and 0 < len(agency_ids) <= most


def _agency_clause(column: str, agency_ids: Iterable[int] | None) -> tuple[str, list[Any]]:
    if agency_ids is None:
        return "", []
    ids = [int(i) for i in agency_ids]
    if not ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


def _scope(agency_ids: Iterable[int] | None) -> list[int] | None:
    return None if agency_ids is None else sorted({int(i) for i in agency_ids})


def _matches(
    kind: str, terms: list[tuple[str, tuple[str, ...]]], agency_ids: Iterable[int] | None, select: str
) -> tuple[str, list[Any]]:
    """SQL selecting `select` ("id", "object_id" or "1") of the matching documents, in index order.
    With a scope matched by its tokens, the index alone answers (no column to check on the rows)."""
    scope = _scope(agency_ids)
    counting = select == "1"
    by_tokens = _by_tokens(scope, counting=counting)
    if connection.vendor == "sqlite":
        column = {"id": "rowid", "object_id": "object_id", "1": "1"}[select]
        agency, ids = ("", []) if by_tokens else _agency_clause("agency_id", scope)
        sql = f"SELECT {column} FROM core_search_fts WHERE core_search_fts MATCH %s{agency}"  # noqa: S608
        return sql, [_fts5_match(kind, terms, scope, counting=counting), *ids]
    column = {"id": "d.id", "object_id": "d.object_id", "1": "1"}[select]
    if by_tokens:
        sql = f"SELECT {column} FROM core_searchdocument d WHERE d.vector @@ to_tsquery('simple', %s)"  # noqa: S608
        return sql, [_pg_filter(kind, terms, scope)]
    agency, ids = _agency_clause("d.agency_id", scope)
    sql = (
        f"SELECT {column} FROM core_searchdocument d "  # noqa: S608 — fixed names and %s lists only
        f"WHERE d.vector @@ to_tsquery('simple', %s) AND d.kind = %s{agency}"
    )
    return sql, [_pg_filter(kind, terms, scope), kind, *ids]


def _pg_filter(
    kind: str, terms: list[tuple[str, tuple[str, ...]]], agency_ids: Sequence[int] | None = None
) -> str:
    # The kind is a lexeme of the vector too, so the GIN index intersects it with the words: a query
    # over 1,671 articles is not slowed down by 200,000 power items sharing its words. A scope of a few
    # agencies is their scope tokens instead (kind and agency in one, see _scope_token).
    if _by_tokens(agency_ids):
        assert agency_ids is not None
        scope = " | ".join(_pg_quote(_scope_token(kind, a)) for a in agency_ids)
        return f"({_pg_tsquery(terms)}) & ({scope})"
    return f"({_pg_tsquery(terms)}) & {_pg_quote(_kind_token(kind))}"


def search_query(
    *, kind: str, q: str, agency_ids: Iterable[int] | None = None, limit: int = 50, offset: int = 0
) -> list[Hit]:
    """Ranked hits for `q` among documents of `kind` (optionally only those of `agency_ids`)."""
    terms = query_terms(q)
    if not terms:
        return []
    limit, offset = max(0, int(limit)), max(0, int(offset))
    window = max(RANK_WINDOW, offset + limit)
    scope = _scope(agency_ids)
    if connection.vendor == "sqlite":
        agency, ids = _agency_clause("agency_id", scope)
        # bm25 weights follow the column order: object_id, agency_id, kind, title, body. The join
        # gives the authoritative object id and weight.
        sql = (
            "SELECT d.id, d.object_id, -c.s * d.weight AS r FROM ("  # noqa: S608 — %s lists only
            "SELECT rowid AS rid, bm25(core_search_fts, 0.0, 0.0, 0.0, 4.0, 1.0) AS s "
            f"FROM core_search_fts WHERE core_search_fts MATCH %s{agency} LIMIT %s"
            ") c JOIN core_searchdocument d ON d.id = c.rid "
            "ORDER BY r DESC, d.object_id LIMIT %s OFFSET %s"
        )
        params = [_fts5_match(kind, terms, scope), *ids, window, limit, offset]
    else:
        agency, ids = _agency_clause("d.agency_id", scope)
        # Cover density (frequency and proximity of the words), normalised by the document length;
        # ranked on the words only (not the kind lexeme).
        sql = (
            "SELECT c.id, c.object_id, ts_rank_cd(c.vector, to_tsquery('simple', %s), 1) * c.weight AS r "  # noqa: S608
            "FROM (SELECT d.id, d.object_id, d.vector, d.weight FROM core_searchdocument d "
            f"WHERE d.vector @@ to_tsquery('simple', %s) AND d.kind = %s{agency} LIMIT %s) c "
            "ORDER BY r DESC, c.object_id LIMIT %s OFFSET %s"
        )
        params = [_pg_tsquery(terms), _pg_filter(kind, terms, scope), kind, *ids, window, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    texts = dict(SearchDocument.objects.filter(id__in=[r[0] for r in rows]).values_list("id", "body"))
    words = _highlight_words(terms)
    return [Hit(int(r[1]), float(r[2]), snippet_html(texts.get(r[0], ""), words)) for r in rows]


# How far a search's count goes before the page says "more than 1,000": a word in a fifth of a million
# cases has 200,000 matches, and proving "more than N" costs PostgreSQL about N / (matches ÷ documents)
# index entries checked (~51,000 for N = 10,000, 22–57 ms; docs/benchmarks.md, eighth session). Nobody
# pages through a thousand search results: a search is narrowed with more words or a filter instead.
SEARCH_COUNT_CAP = 1_000


def search_count(
    *,
    kind: str,
    q: str,
    agency_ids: Iterable[int] | None = None,
    cap: int | None = None,
    scope_size: Callable[[], int] | None = None,
    kind_size: Callable[[], int] | None = None,
) -> int:
    """How many documents match; with `cap`, counting stops at cap + 1 (show "more than cap").

    `scope_size()` and `kind_size()` (optional, as for `search_filter`: how many objects the scope
    holds, how many the kind holds in every agency) let SQLite count a wide scope that holds every
    object of the kind by the kind's token alone (see _holds_the_kind)."""
    terms = query_terms(q)
    if not terms:
        return 0
    if _holds_the_kind(_scope(agency_ids), scope_size, kind_size):
        agency_ids = None
    sql, params = _matches(kind, terms, agency_ids, "1")
    if cap is not None:
        sql = f"SELECT COUNT(*) FROM ({sql} LIMIT %s) capped"  # noqa: S608
        params = [*params, max(0, int(cap)) + 1]
    else:
        sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def search_ids(
    *,
    kind: str,
    q: str,
    agency_ids: Iterable[int] | None = None,
    scoped_outside: bool = False,
    known_matches: int | None = None,
    known_cap: int | None = None,
) -> RawSQL | list[int]:
    """All matching object ids, unranked, as a subquery for `Model.objects.filter(id__in=...)`.
    An empty list when the query has no searchable words.

    `scoped_outside=True` says the caller's queryset already restricts to `agency_ids` in the same
    query (e.g. `restrict_to_scope`). Then on PostgreSQL, unless the scope has only a few matches
    (FEW_MATCHES, counted first through the scope tokens), the subquery leaves the scope to the caller
    and keeps to the words and the kind: the planner can walk the caller's rows in their order and
    check each one's document through the (kind, object_id) index, stopping at the page, which beats
    reading every match of a common word to sort them. SQLite builds the subquery's list once, so there
    the scope tokens keep that list to the scope's matches.

    `known_matches`: how many documents in `agency_ids` match, when the caller has counted them already
    (`search_count` over the same scope; `known_cap` the cap it counted with, so that cap + 1 means "at
    least that many"): the few-matches check then reads it instead of counting again. On PostgreSQL
    that count is a bitmap of every match in the scope (GIN does not stop at a LIMIT), so for a common
    word the second count cost as much as the first."""
    terms = query_terms(q)
    if not terms:
        return []
    if (
        scoped_outside
        and connection.vendor != "sqlite"
        and not _few_in_scope(kind, terms, agency_ids, known=known_matches, known_cap=known_cap)
    ):
        agency_ids = None
    sql, params = _matches(kind, terms, agency_ids, "object_id")
    return RawSQL(sql, params)  # noqa: S611 — params are bound, not formatted


def search_filter(
    *,
    kind: str,
    q: str,
    agency_ids: Iterable[int],
    scope_size: Callable[[], int],
    kind_size: Callable[[], int] | None = None,
    column: str = "pk",
    known_matches: int | None = None,
    known_cap: int | None = None,
) -> Q:
    """A condition for a queryset of the objects of `kind` that already restricts itself to
    `agency_ids` (as `search_ids(…, scoped_outside=True)`): the objects whose document matches `q`.
    `scope_size()` says how many objects the scope holds (e.g. from kept counts; called only on
    SQLite); `kind_size()` (optional, called only on SQLite for a scope wider than AGENCY_TOKENS_MAX)
    how many objects of the kind there are in every agency, which lets a scope that holds nearly all of
    them be judged by the kind's token alone; `column` names the field holding the object id. Same rows as `Q(pk__in=search_ids(…))`;
    what differs is the plan.

    SQLite builds an `IN` subquery's list once: for a word in a fifth of a million cases that is
    195,000 object ids read from FTS5's content table before the first row of the page (487 ms). When
    the word is common in the scope (WALK_COST_RATIO), the condition is instead a per-row check: the
    caller's rows are walked in their own order (an index on the sort) and each row's document is
    looked up by its id inside the index (FTS5 seeks its posting lists to that rowid), so a page of 50
    stops after about 50 × scope/matches rows whatever the size of the table. A rare word keeps the
    list (a few ids, then their rows). PostgreSQL's planner makes that choice itself from the
    subquery (it walks or hashes by its estimate of the word's frequency), so there it is the list.
    `known_matches`: how many documents in `agency_ids` match, when the caller has counted them already
    (`search_count` over the same scope, with the cap `known_cap`; None: counted without a cap): the
    plan is then chosen from it on both databases without counting the index again, unless the count
    stopped at its cap below what the choice needs to know."""
    return search_condition(
        kind=kind,
        q=q,
        agency_ids=agency_ids,
        scope_size=scope_size,
        kind_size=kind_size,
        known_matches=known_matches,
        known_cap=known_cap,
    ).q(column)


@dataclass(frozen=True)
class SearchCondition:
    """The condition `search_filter` chose, as data: `form` decides its SQL text (no words: nothing
    matches; `("ids", sql)`: the object id in the index's list; `("walk", kind)`: SQLite's per-row
    check), `values` are its parameters (ints and strings). `q(column)` is `search_filter`'s Q; a caller
    that compiles a query once per shape (core.prepared.PreparedShapes) keeps `form` in the shape and
    passes markers for the values (`q(column, values=markers)`)."""

    form: tuple[str, ...]
    values: tuple[Any, ...]

    def q(self, column: str = "pk", values: Sequence[Any] | None = None) -> Q:
        bound = self.values if values is None else tuple(values)
        if self.form[0] == "walk":
            (match,) = bound
            return Q(_DocumentMatches(F(column), kind=self.form[1], match=match))
        if self.form[0] == "ids":
            return Q(**{f"{column}__in": RawSQL(self.form[1], list(bound))})  # noqa: S611 — bound params
        return Q(**{f"{column}__in": []})


def search_condition(
    *,
    kind: str,
    q: str,
    agency_ids: Iterable[int],
    scope_size: Callable[[], int],
    kind_size: Callable[[], int] | None = None,
    known_matches: int | None = None,
    known_cap: int | None = None,
) -> SearchCondition:
    """`search_filter`'s choice of condition, as a `SearchCondition` (same plan, same queries)."""
    terms = query_terms(q)
    if not terms:
        return SearchCondition(("none",), ())
    scope = _scope(agency_ids) or []
    if connection.vendor == "sqlite" and _dense_in_scope(
        kind, terms, scope, scope_size, kind_size, known=known_matches, known_cap=known_cap
    ):
        return SearchCondition(("walk", kind), (_fts5_words(terms),))
    ids = search_ids(
        kind=kind,
        q=q,
        agency_ids=scope,
        scoped_outside=True,
        known_matches=known_matches,
        known_cap=known_cap,
    )
    if isinstance(ids, list):  # (no words: search_ids' empty list, as above)
        return SearchCondition(("none",), ())
    return SearchCondition(("ids", ids.sql), tuple(ids.params))


# Which plan is cheaper for the first page: walking costs 50 × scope/matches row checks (~20 µs each on
# SQLite), the list costs one id read per match (~4.6 µs) — equal when matches = √(250 × scope) (a
# word in 3.3 % of 200,000 cases, 1.6 % of a million; measured with 渣土 中山路, 3,077 matches of
# 200,000: walk 64 ms, list 14 ms of CPU). A word is walked from that many matches in scope. Counting
# stops at WALK_COUNT_CAP (beyond, the word is walked: at most 50 × scope / 10,000 checks a page, 5,000
# in a million — ~1.5× the list's cost at worst).
WALK_COST_RATIO = 250
WALK_COUNT_CAP = 10_000


def _dense_in_scope(
    kind: str,
    terms: list[tuple[str, tuple[str, ...]]],
    scope: list[int],
    scope_size: Callable[[], int],
    kind_size: Callable[[], int] | None = None,
    *,
    known: int | None = None,
    known_cap: int | None = None,
) -> bool:
    size = max(0, scope_size())
    need = min(WALK_COUNT_CAP, math.ceil(math.sqrt(WALK_COST_RATIO * size)))
    if need == 0:
        return True  # nothing in scope: either plan is instant
    if known is not None and (known >= need or not _capped(known, known_cap)):
        # the scope's matches, counted by the caller (search_filter): settled unless its count stopped
        # at a cap below `need`
        return known >= need
    if len(scope) > AGENCY_TOKENS_MAX:
        # In a wide scope, the kind's matches first (one posting list beside the words': 2.4 ms for
        # three words with 678 matches, against 7.7 ms through 40 agencies' tokens): an upper bound
        # that settles a rarer word. With fewer objects outside the scope than `need` (kind_size), it
        # is also a lower bound: at least (kind's matches − objects outside) are in scope, so counting
        # the kind's up to need + outside settles a common word too (the city supervisor: 1.5 ms for
        # 10,000 of a million, where the 40 agencies' tokens took 4.8 ms more).
        outside = max(0, kind_size() - size) if kind_size is not None else need
        if outside < need:
            found = _matches_up_to(kind, terms, None, need + outside)
            if found >= need + outside:
                return True
        else:
            found = _matches_up_to(kind, terms, None, need)
        if found < need:
            return False
    return _matches_up_to(kind, terms, scope, need) >= need


def _matches_up_to(
    kind: str, terms: list[tuple[str, tuple[str, ...]]], scope: list[int] | None, most: int
) -> int:
    """How many documents match, counting no further than `most`; a count of the last minute is reused
    (core.match_counts: it only chooses the plan)."""
    sql, params = _matches(kind, terms, scope, "1")
    statement = f"SELECT COUNT(*) FROM ({sql} LIMIT %s) dense"  # noqa: S608
    values = [*params, most]

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement, values)
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    return match_counts.remembered((connection.alias, statement, tuple(values)), count)


def _holds_the_kind(
    scope: list[int] | None, scope_size: Callable[[], int] | None, kind_size: Callable[[], int] | None
) -> bool:
    """SQLite, a scope wider than AGENCY_TOKENS_MAX agencies that holds every object of the kind (the
    city supervisor's): its documents are the kind's, and counting them by the kind's one posting list
    costs a third of merging one list per agency (10,001 of a million: 1.5 against 4.8 ms of CPU).
    Exact as long as the sizes are (kept counts) and each document carries its object's agency."""
    if connection.vendor != "sqlite" or scope is None or len(scope) <= AGENCY_TOKENS_MAX:
        return False
    if scope_size is None or kind_size is None:
        return False
    size = scope_size()
    return size > 0 and size >= kind_size()


def _fts5_words(terms: list[tuple[str, tuple[str, ...]]]) -> str:
    """The FTS5 query of the words alone (the rowid pins the document, hence its kind)."""
    parts = []
    for word, subs in terms:
        alternatives = [_fts5_quote(word)]
        if subs:
            alternatives.append("(" + " AND ".join(_fts5_quote(s) for s in subs) + ")")
        parts.append("{title body} : (" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


class _DocumentMatches(Func):
    """SQLite: does the document of the row's object match? One FTS5 lookup by rowid (search_filter)."""

    output_field = BooleanField()

    def __init__(self, column: F, *, kind: str, match: str) -> None:
        super().__init__(column)
        self.kind, self.match = kind, match

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column_sql, column_params = compiler.compile(self.source_expressions[0])
        # The scalar subquery finds the document's id by the unique (kind, object_id) index; FTS5 then
        # checks that one rowid against the words (a missing document gives NULL: no match).
        sql = (
            "EXISTS (SELECT 1 FROM core_search_fts f WHERE f.rowid = (SELECT d.id "  # noqa: S608 — a compiled column
            f"FROM core_searchdocument d WHERE d.kind = %s AND d.object_id = {column_sql}) "
            "AND core_search_fts MATCH %s)"
        )
        return sql, [self.kind, *column_params, self.match]


# Up to this many matches in a scope of a few agencies, the index with the scope tokens hands over a
# short list (a name, a number: found at once); beyond it, walking the caller's rows is faster.
FEW_MATCHES = 200


def _capped(found: int, cap: int | None) -> bool:
    """Whether a count made with `cap` (search_count) stopped there: `found` is then a lower bound."""
    return cap is not None and found > cap


def _few_in_scope(
    kind: str,
    terms: list[tuple[str, tuple[str, ...]]],
    agency_ids: Iterable[int] | None,
    *,
    known: int | None = None,
    known_cap: int | None = None,
) -> bool:
    scope = _scope(agency_ids)
    if not _by_tokens(scope):
        return False
    if known is not None and (known > FEW_MATCHES or not _capped(known, known_cap)):
        # counted by the caller over the same scope (search_count): more than FEW_MATCHES, or exact
        return known <= FEW_MATCHES
    sql, params = _matches(kind, terms, scope, "1")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT %s) few", [*params, FEW_MATCHES + 1])  # noqa: S608
        row = cursor.fetchone()
    return bool(row) and int(row[0]) <= FEW_MATCHES


def search_purge_orphans() -> int:
    """Drop FTS5 rows whose document is gone. Django's flush (between transactional tests) empties the
    model tables but not the FTS5 table; run after every migrate/flush (core's post_migrate)."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_search_fts WHERE rowid NOT IN (SELECT id FROM core_searchdocument)")
        return int(cursor.rowcount or 0)


# --- Snippets -------------------------------------------------------------------------------------


def _highlight_words(terms: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    words = {w for w, _subs in terms} | {s for _w, subs in terms for s in subs}
    return sorted(words, key=len, reverse=True)  # longest first so 露天烧烤 wins over 烧烤


def snippet_html(text: str, words: Sequence[str], *, width: int = SNIPPET_CHARS) -> str:
    """An escaped excerpt of `text` around the densest cluster of `words`, each wrapped in <mark>."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):  # NFKC changed lengths (rare ligatures): match on the text as is
        folded = text.lower()
    spans: list[tuple[int, int]] = []
    for word in words:
        if not word:
            continue
        start = folded.find(word)
        while start != -1:
            end = start + len(word)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = folded.find(word, end)
    spans.sort()
    if spans:
        # The window start that covers the most matches; ties go to the earliest.
        best_start, best_count = spans[0][0], 0
        for s, _e in spans:
            count = sum(1 for s2, e2 in spans if s <= s2 and e2 <= s + width)
            if count > best_count:
                best_start, best_count = s, count
        begin = max(0, best_start - width // 4)
    else:
        begin = 0
    end = min(len(text), begin + width)
    text = text.replace("\n", " ")  # paragraphs of an article read as one line in a snippet
    pieces: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for s, e in spans:
        if s < begin or e > end:
            continue
        pieces.append(escape(text[cursor:s]))
        pieces.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)


def reindex_warmup() -> None:
    """Load jieba now (e.g. in a worker at start-up) instead of on the first search."""
    _jieba()
