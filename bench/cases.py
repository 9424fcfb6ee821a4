"""Penalty cases at scale: 1,000,000 cases (with their events, deadlines and search documents) on
SQLite and on PostgreSQL, and what users wait for.

For each database, in a fresh database of its own:
1. an org tree of AGENCIES agencies under one city, a supervisor (sees every agency), an approver of
   the first agency, a few power items;
2. N cases generated in bulk — COPY on PostgreSQL, executemany on SQLite, never through the services
   (that would take days) — spread over the agencies, every state, four years of dates, with 1–3
   events each, their decision deadlines (open ones for open cases, some overdue) and a search
   document each (jieba tokens of the facts, party and place, computed once per distinct text);
3. timed through Django's full request path (test Client, middleware, auth, ninja, templates):
   - `list_api_all`: GET /api/v1/cases (first page, 50, sorted by date) as the city supervisor;
   - `list_api_agency_state`: GET /api/v1/cases?agency=&status=investigating as the approver;
   - `list_page_agency_state`: the same list as the HTML page /cases/;
   - `search_api`: GET /api/v1/cases?q=渣土 as the approver (Chinese full text, scoped); `search_api_all`
     the same as the city supervisor; each again as `…_cold`, the first search of its words in a minute
     (the count that plans it not kept from the round before: core.match_counts);
   - `overdue_api`: GET /api/v1/cases/overdue as the approver;
   each against the same result computed with hand-written SQL on the same connection (`raw`), and
   the number of queries each request ran (constant per page: shown for page sizes 10 and 50);
4. registration throughput: `case_register` (the real service: validation, limitation, audit chain,
   search index) R times in a row.

Prints median and p95 (ms) per request, the ratio to raw SQL, query counts and the generation rate.
Targets on this 2-core machine with PostgreSQL: list and search p95 < 50 ms, within 2× of raw SQL.

    PYTHONPATH=src python bench/cases.py [--cases 1000000] [--rounds 20] [--db sqlite|postgres|both]
        [--pg-url postgres://postgres@127.0.0.1:5432/zhifa_bench_cases]

The PostgreSQL database named in --pg-url is dropped and created again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AGENCIES = 40
TODAY = dt.date(2026, 11, 20)  # a fixed "today" so every run generates the same data

STATES = (  # (state, share in ‰) — most cases are finished; the open caseload is recent
    ("registered", 20),
    ("not_filed", 20),
    ("investigating", 80),
    ("proposed", 25),
    ("legal_review", 10),
    ("notified", 25),
    ("hearing_requested", 5),
    ("decided", 15),
    ("served", 40),
    ("executed", 20),
    ("closed", 200),
    ("archived", 520),
    ("terminated", 20),
)
OPEN = {"registered", "investigating", "proposed", "legal_review", "notified", "hearing_requested",
        "decided", "served", "executed"}  # fmt: skip
FILED = {s for s, _ in STATES} - {"registered", "not_filed"}
DECIDED = {"decided", "served", "executed", "closed", "archived"}
FACTS = [
    "未经批准擅自挖掘{s}人行道敷设管线，未设置围挡",
    "在{s}门前占用城市道路堆放建筑材料",
    "渣土运输车辆在{s}行驶时未密闭，沿途遗撒渣土",
    "在{s}经营餐饮，未正常使用油烟净化设施，油烟超标排放",
    "在{s}禁止区域露天烧烤食品，经劝阻未停止",
    "未取得夜间施工证明，在{s}工地夜间进行产生噪声的施工作业",
    "在{s}施工工地未及时清运建筑垃圾，造成扬尘污染",
    "在{s}路边绿化带随意倾倒建筑垃圾",
    "在{s}沿线城市绿地范围内取土并设置临时堆场",
    "在{s}燃气管道保护范围内动用明火进行焊接作业",
    "在{s}将洗车污水直接排入雨水管网",
    "在{s}住宅装修时于禁止时段进行产生噪声的作业",
    "未经同意在{s}擅自设置大型户外广告",
    "在{s}电线杆和树木上张贴小广告",
]
STREETS = [
    "人民路",
    "建设路",
    "解放大道",
    "中山路",
    "滨海大道",
    "海港路",
    "新华街",
    "朝阳路",
    "文化路",
    "长安街",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "华"]
WORDS = ["宏达", "恒信", "鑫源", "海盛", "金桥", "顺通", "华港", "东方", "联创", "永盛", "信达", "中恒"]
KINDS = ["建筑工程有限公司", "渣土运输有限公司", "市政工程有限公司", "餐饮管理有限公司", "物业服务有限公司"]
PAGE = 50


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def state_of(i: int) -> str:
    slot = (i * 7919) % 1000
    for state, share in STATES:
        if slot < share:
            return state
        slot -= share
    return "archived"


# --- Generation -------------------------------------------------------------------------------------


class Texts:
    """Each distinct text is segmented once (jieba costs ~1 ms a sentence; 1M cases would take long)."""

    def __init__(self) -> None:
        from zhifa.core.search import tokens_for_index

        self.tok = tokens_for_index
        self.cache: dict[str, list[str]] = {}

    def tokens(self, text: str) -> list[str]:
        hit = self.cache.get(text)
        if hit is None:
            hit = self.cache[text] = self.tok(text)
        return hit


def case_rows(n: int, ctx: dict[str, Any], texts: Texts) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(case column values, search document) for cases 1..n."""
    agencies, items = ctx["agencies"], ctx["items"]
    for i in range(1, n + 1):
        state = state_of(i)
        agency_id, abbr = agencies[i % len(agencies)]
        if state in OPEN:
            discovered = TODAY - dt.timedelta(days=(i * 31) % 150)  # the open caseload is recent
        else:
            discovered = TODAY - dt.timedelta(days=150 + (i * 37) % 1300)
        simple = state in DECIDED and i % 10 == 0
        person = i % 3 == 0
        street = STREETS[i % len(STREETS)]
        if person:
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 11) % len(GIVEN)]
            name_tokens = [name]
        else:
            w, k = WORDS[i % len(WORDS)], KINDS[(i // 13) % len(KINDS)]
            name = f"海州市{w}{k}"
            name_tokens = texts.tokens("海州市") + texts.tokens(w) + texts.tokens(k)
        template = FACTS[i % len(FACTS)]
        facts = "经巡查发现，当事人" + template.format(s=street) + "。"
        item_id, version_id = items[i % len(items)]
        filed = state in FILED
        year = discovered.year
        number = (f"{abbr}当罚〔{year}〕{i}号" if simple else f"{abbr}罚立〔{year}〕{i}号") if filed else ""
        decision = (f"{abbr}罚决〔{year}〕{i}号" if not simple else number) if state in DECIDED else ""
        fine = Decimal((i % 50 + 1) * 100) if state in DECIDED else None
        at = dt.datetime.combine(discovered, dt.time(9, i % 60), tzinfo=dt.UTC)
        case = {
            "id": i,
            "agency_id": agency_id,
            "procedure": "simple" if simple else "ordinary",
            "state": state,
            "number": number,
            "decision_number": decision,
            "source": "patrol",
            "party_kind": "person" if person else "organisation",
            "party_name": name,
            "party_id_number": f"{350902000000000000 + i:018d}",
            "facts": facts,
            "location": f"海州市{street}",
            "occurred_on": discovered - dt.timedelta(days=i % 5),
            "discovered_on": discovered,
            "limitation_ends_on": discovered.replace(year=discovered.year + 2)
            if discovered.day < 29
            else None,
            "power_item_id": item_id,
            "power_version_id": version_id,
            "registered_at": at,
            "filed_on": discovered + dt.timedelta(days=1) if filed else None,
            "proposed_fine": fine,
            "fine_amount": fine,
            "decided_on": discovered + dt.timedelta(days=30) if state in DECIDED else None,
            "last_act_on": discovered,
            "last_event_at": at,
            "event_count": 1 + filed + (state in DECIDED),
        }
        title = f"{number} {decision} {name}"
        doc = {
            "title": title,
            "body": f"{facts}\n海州市{street}",
            "title_tokens": [*([str(year), str(i)] if filed else []), *name_tokens],
            "body_tokens": texts.tokens(facts) + texts.tokens(f"海州市{street}"),
        }
        yield case, doc


# The kinds of number the generator writes (case_rows: 罚立, 当罚 as the case's number, 罚决 as the
# decision's), each with the case's id as its sequence.
NUMBER_KINDS = ("罚立", "当罚", "罚决")


def advance_counters(n: int) -> None:
    """Move the numbering counters past the generated numbers, as an import of old cases must: the app
    numbers the next filing from `core.numbering`'s counter of (agency, kind, year), and the generated
    cases already hold the sequences up to n (a filing in the load bench then met an existing number:
    a unique violation, 500)."""
    from django.db import connection

    from zhifa.core.numbering import counter_key
    from zhifa.enforcement.cases.models import Case

    agencies = list(Case.objects.values_list("agency_id", flat=True).distinct().order_by())
    years = range(TODAY.year - 5, TODAY.year + 2)
    rows = [
        (counter_key(agency_id=a, kind=k, year=y), n) for a in agencies for k in NUMBER_KINDS for y in years
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO core_counter (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value WHERE core_counter.value < excluded.value",
            rows,
        )


def tsvector_literal(title: list[str], body: list[str], agency_id: int) -> str:
    """What setweight(to_tsvector('simple', …)) gives for our tokens (positions, A/B/D weights)."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for weight, tokens in (("A", title), ("B", body), ("D", ["kcase", f"kcasea{agency_id}"])):
        for token in tokens:
            pos += 1
            positions.setdefault(token.lower(), []).append(f"{min(pos, 16383)}{weight}")
    return " ".join(f"'{t}':{','.join(p)}" for t, p in positions.items())


def generate(n: int, ctx: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Max

    from zhifa.core.models import SearchDocument
    from zhifa.enforcement.cases.models import Case, CaseDeadline, CaseEvent

    texts = Texts()
    doc_offset = SearchDocument.objects.aggregate(m=Max("id"))["m"] or 0  # the power items' documents
    defaults: dict[str, Any] = {}
    for f in Case._meta.concrete_fields:
        if f.primary_key:
            continue
        default = f.get_default() if f.has_default() else ("" if not f.null else None)
        if f.get_internal_type() == "JSONField":
            default = json.dumps(default if default is not None else [])
        defaults[f.column] = default
    case_cols = ["id", *defaults]
    event_cols = [
        "case_id",
        "seq",
        "name",
        "actor_name",
        "at",
        "occurred_on",
        "from_state",
        "to_state",
        "payload",
    ]
    deadline_cols = ["object_type", "object_id", "agency_id", "kind", "start_on", "days", "day_kind", "article", "extra_days",
                     "due_on", "provisional", "party_window", "resolved_on", "resolution", "explanation",
                     "status", "setting", "created_at"]  # fmt: skip
    doc_cols = ["id", "kind", "object_id", "agency_id", "title", "body", "weight"]
    started = time.perf_counter()
    counts = {"cases": 0, "events": 0, "deadlines": 0}
    pg = connection.vendor == "postgresql"

    def rows() -> Iterator[tuple[tuple[Any, ...], list[Any], list[Any], tuple[Any, ...], dict[str, Any]]]:
        for case, doc in case_rows(n, ctx, texts):
            values = {**defaults, **{k: v for k, v in case.items() if k != "id"}}
            crow = (case["id"], *[values[c] for c in defaults])
            events = [(case["id"], 1, "register", "bench", case["registered_at"], case["discovered_on"], "",
                       "registered", "{}")]  # fmt: skip
            deadlines = []
            if case["filed_on"] is not None:
                events.append((case["id"], 2, "file", "bench", case["registered_at"], case["filed_on"], "registered",
                               "investigating", "{}"))  # fmt: skip
                due = case["filed_on"] + dt.timedelta(days=90)
                met = (
                    case["decided_on"]
                    if case["decided_on"]
                    else (
                        case["filed_on"] + dt.timedelta(days=10)
                        if case["state"] in ("closed", "terminated")
                        else None
                    )
                )
                deadlines.append(("cases.case", case["id"], case["agency_id"], "decision", case["filed_on"], 90, "natural",
                                  "行政处罚法第六十条", 0, due, False, False, met, "met" if met else "", "",
                                  "met" if met else ("overdue" if due < TODAY else "ok"), "{}",
                                  case["registered_at"]))  # fmt: skip
            if case["decided_on"] is not None:
                events.append((case["id"], 3, "decide", "bench", case["registered_at"], case["decided_on"],
                               "notified", "decided", "{}"))  # fmt: skip
            drow = (
                doc_offset + case["id"],
                "case",
                case["id"],
                case["agency_id"],
                doc["title"],
                doc["body"],
                1.0,
            )
            yield crow, events, deadlines, drow, doc

    if pg:
        # One COPY at a time per connection: a pass over the (deterministic) generator per table.
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY cases_case ({', '.join(case_cols)}) FROM STDIN") as cc:
                for crow, _events, _deadlines, _drow, _doc in rows():
                    cc.write_row(crow)
                    counts["cases"] += 1
            with raw.copy(f"COPY cases_caseevent ({', '.join(event_cols)}) FROM STDIN") as ce:
                for _crow, events, _deadlines, _drow, _doc in rows():
                    for e in events:
                        ce.write_row(e)
                    counts["events"] += len(events)
            with raw.copy(f"COPY deadlines_deadline ({', '.join(deadline_cols)}) FROM STDIN") as cd:
                for _crow, _events, deadlines, _drow, _doc in rows():
                    for d in deadlines:
                        cd.write_row(d)
                    counts["deadlines"] += len(deadlines)
            with raw.copy(f"COPY core_searchdocument ({', '.join(doc_cols)}, vector) FROM STDIN") as cs:
                for _crow, _events, _deadlines, drow, doc in rows():
                    cs.write_row((*drow, tsvector_literal(doc["title_tokens"], doc["body_tokens"], drow[3])))
            for table in ("cases_case", "cases_caseevent", "deadlines_deadline", "core_searchdocument"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        connection.commit() if not connection.get_autocommit() else None
        with connection.cursor() as cursor:
            for table in ("cases_case", "cases_caseevent", "deadlines_deadline", "core_searchdocument"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    else:

        def sqlite_value(v: Any) -> Any:
            if isinstance(v, dt.datetime):
                return v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
            if isinstance(v, dt.date | Decimal):
                return str(v)
            return v

        batch: dict[str, list[tuple[Any, ...]]] = {
            "case": [],
            "event": [],
            "deadline": [],
            "doc": [],
            "fts": [],
        }

        def flush(cursor: Any) -> None:
            cursor.executemany(
                f"INSERT INTO cases_case ({', '.join(case_cols)}) VALUES ({', '.join(['%s'] * len(case_cols))})",
                batch["case"],
            )
            cursor.executemany(
                f"INSERT INTO cases_caseevent ({', '.join(event_cols)}) VALUES ({', '.join(['%s'] * len(event_cols))})",
                batch["event"],
            )
            cursor.executemany(
                f"INSERT INTO deadlines_deadline ({', '.join(deadline_cols)}) VALUES ({', '.join(['%s'] * len(deadline_cols))})",
                batch["deadline"],
            )
            cursor.executemany(
                f"INSERT INTO core_searchdocument ({', '.join(doc_cols)}) VALUES ({', '.join(['%s'] * len(doc_cols))})",
                batch["doc"],
            )
            cursor.executemany(
                "INSERT INTO core_search_fts (rowid, object_id, agency_id, kind, title, body) VALUES (%s, %s, %s, %s, %s, %s)",
                batch["fts"],
            )
            for rows_ in batch.values():
                rows_.clear()

        from django.db import transaction

        with transaction.atomic(), connection.cursor() as cursor:
            for crow, events, deadlines, drow, doc in rows():
                batch["case"].append(tuple(sqlite_value(v) for v in crow))
                batch["event"].extend(tuple(sqlite_value(v) for v in e) for e in events)
                batch["deadline"].extend(tuple(sqlite_value(v) for v in d) for d in deadlines)
                batch["doc"].append(drow)
                title, body = " ".join(doc["title_tokens"]), " ".join(doc["body_tokens"])
                batch["fts"].append((drow[0], drow[2], drow[3], f"kcase kcasea{drow[3]}", title, body))
                counts["cases"] += 1
                counts["events"] += len(events)
                counts["deadlines"] += len(deadlines)
                if len(batch["case"]) >= 10_000:
                    flush(cursor)
            flush(cursor)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO core_search_fts(core_search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    # The bulk load bypasses the doors that keep the per-(agency, state) counts: recount once.
    advance_counters(n)
    from zhifa.core import state_counts

    state_counts.rebuild(workflow="cases", queryset=Case.objects.all())
    from zhifa.enforcement.cases import rollup  # and the statistics' roll-up

    rollup.rebuild()
    if connection.vendor == "postgresql":
        # The counters and the roll-up were just filled in bulk: statistics for them too, as autovacuum
        # would gather after such a load (the planner otherwise takes 4,622 tally rows for 6).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    assert Case.objects.count() == n and CaseEvent.objects.count() == counts["events"]
    assert CaseDeadline.objects.count() == counts["deadlines"]
    return {**counts, "generate_s": round(seconds, 1), "cases_per_s": round(n / seconds)}


# --- Setup ------------------------------------------------------------------------------------------


def setup() -> dict[str, Any]:
    from zhifa.officers.factories import make_credentialed_officer
    from zhifa.org.factories import make_user
    from zhifa.org.models import OrgNode
    from zhifa.org.roles import Role
    from zhifa.org.services import org_node_create
    from zhifa.powers.factories import make_item

    city = org_node_create(actor=None, kind=OrgNode.Kind.GOVERNMENT, name="海州市人民政府")
    agencies = [
        org_node_create(
            actor=None,
            kind=OrgNode.Kind.AGENCY,
            name=f"海州市第{i}执法局",
            parent=city,
            abbreviation=f"海执{i}",
        )
        for i in range(1, AGENCIES + 1)
    ]
    items = [
        make_item(
            f"B-{i:03d}",
            agency=None,
            name=f"{FACTS[i % len(FACTS)].format(s='')}（基准测试）",
            fine_max=20000,
        )
        for i in range(12)
    ]
    supervisor = make_user("bench_supervisor", node=city, roles=[(Role.SUPERVISOR, city)])
    approver = make_user("bench_approver", node=agencies[0], roles=[(Role.APPROVER, agencies[0])])
    officer_user = make_user("bench_officer", node=agencies[0], roles=[(Role.OFFICER, agencies[0])])
    make_credentialed_officer(agency=agencies[0], user=officer_user)
    return {
        "agencies": [(a.pk, a.abbreviation) for a in agencies],
        "agency_ids": [a.pk for a in agencies],
        "items": [(it.pk, it.published_version_id) for it in items],
        "supervisor": supervisor,
        "approver": approver,
        "officer": officer_user,
        "agency1": agencies[0].pk,
        # case 3 is a person of the first agency's share (i % AGENCIES picks agencies[3]; any name
        # generated for several agencies works): its name is what a clerk types to find the file
        "probe_name": SURNAMES[3 * AGENCIES % len(SURNAMES)]
        + GIVEN[(3 * AGENCIES // 7) % len(GIVEN)]
        + GIVEN[(3 * AGENCIES // 11) % len(GIVEN)],
    }


def publish_decisions() -> dict[str, Any]:
    """A published decision (行政处罚决定公开) for every decided case, in bulk (PostgreSQL): the
    portal's lists and pages at scale for bench/load.py. Done once; kept on --reuse."""
    from django.db import connection

    from zhifa.public.portal.models import PublishedDecision

    have = PublishedDecision.objects.count()
    if have:
        return {"published": have, "publish_s": 0}
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO {PublishedDecision._meta.db_table} (
                case_id, agency_id, agency_name, decision_number, case_number, procedure, party_kind,
                party_public, party_id_public, facts_public, violated_provision, penalty_provision,
                measures_public, fine_amount, category, decided_on, state, window_days, window_source,
                publish_due, publish_due_provisional, published_at, published_on, withdrawal_ground,
                withdrawal_note, exemption_ground, exemption_note, created_at)
            SELECT c.id, c.agency_id, o.name, c.decision_number, c.number, c.procedure, c.party_kind,
                CASE WHEN c.party_kind = 'person' THEN left(c.party_name, 1) || '*' ELSE c.party_name END,
                CASE WHEN c.party_kind = 'person' THEN '' ELSE c.party_id_number END,
                c.facts, '《城市道路管理条例》第二十七条', '《城市道路管理条例》第四十二条',
                '罚款人民币' || c.fine_amount || '元', c.fine_amount, '城市道路管理条例',
                c.decided_on, 'published', 7, 'national', c.decided_on + 10, false,
                c.registered_at + interval '40 days', (c.registered_at + interval '40 days')::date,
                '', '', '', '', now()
            FROM cases_case c JOIN org_orgnode o ON o.id = c.agency_id
            WHERE c.decision_number <> '' AND c.decided_on IS NOT NULL
            """
        )
        cur.execute(f"VACUUM ANALYZE {PublishedDecision._meta.db_table}")
    return {
        "published": PublishedDecision.objects.count(),
        "publish_s": round(time.perf_counter() - started, 1),
    }


def existing(n: int) -> dict[str, Any] | None:
    """The context of a database generated by an earlier run with --reuse (None: generate)."""
    from zhifa.enforcement.cases.models import Case
    from zhifa.org.models import OrgNode, User
    from zhifa.powers.models import PowerItem

    users = {u.username: u for u in User.objects.filter(username__startswith="bench_")}
    if len(users) < 3 or Case.objects.count() < n:
        return None
    agencies = list(
        OrgNode.objects.filter(kind=OrgNode.Kind.AGENCY, name__startswith="海州市第").order_by("id")
    )
    items = list(PowerItem.objects.filter(code__startswith="B-").order_by("code"))
    return {
        "agencies": [(a.pk, a.abbreviation) for a in agencies],
        "agency_ids": [a.pk for a in agencies],
        "items": [(it.pk, it.published_version_id) for it in items],
        "supervisor": users["bench_supervisor"],
        "approver": users["bench_approver"],
        "officer": users["bench_officer"],
        "agency1": agencies[0].pk,
        "probe_name": SURNAMES[3 * AGENCIES % len(SURNAMES)]
        + GIVEN[(3 * AGENCIES // 7) % len(GIVEN)]
        + GIVEN[(3 * AGENCIES // 11) % len(GIVEN)],
    }


# --- Measurements -----------------------------------------------------------------------------------


def _cpu_seconds(backend_pid: int | None) -> float:
    """CPU time of this process plus, on PostgreSQL, of its server backend (same machine): what a
    request costs whatever else the shared cores are doing."""
    total = time.process_time()
    if backend_pid:
        try:
            fields = Path(f"/proc/{backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total


def timed_pair(
    ours: Callable[[], Any], raw: Callable[[], Any], rounds: int, ours_cpu: list[float], raw_cpu: list[float]
) -> tuple[tuple[list[float], list[float]], tuple[list[float], list[float]]]:
    """`timed` for the request and its hand-written SQL, one round of each in turn: a burst of load on
    the shared machine then falls on both alike instead of on whichever block of rounds it met (the
    ratio of two p95s taken minutes apart moved by 0.5× with one slow round; docs/benchmarks.md)."""
    ours_t: tuple[list[float], list[float]] = ([], [])
    raw_t: tuple[list[float], list[float]] = ([], [])
    ours(), raw()  # warm-up: caches, prepared plans, jieba
    for _ in range(rounds):
        for fn, into, cpu in ((ours, ours_t, ours_cpu), (raw, raw_t, raw_cpu)):
            walls, dbs = timed(fn, 1, cpu, warm=False)
            into[0].extend(walls)
            into[1].extend(dbs)
    return ours_t, raw_t


def timed(
    fn: Callable[[], Any], rounds: int, cpu: list[float] | None = None, *, warm: bool = True
) -> tuple[list[float], list[float]]:
    """Wall-clock of each round, and the time spent inside the database driver in that round (and,
    into `cpu`, the CPU time of each round: process and database backend)."""
    from django.db import connection

    if warm:
        fn()  # warm-up: caches, prepared plans, jieba
    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = int(cursor.fetchone()[0])
    walls, dbs = [], []
    spent = [0.0]

    def timer(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - t0

    with connection.execute_wrapper(timer):
        for _ in range(rounds):
            spent[0] = 0.0
            c0 = _cpu_seconds(backend_pid)
            t0 = time.perf_counter()
            fn()
            walls.append((time.perf_counter() - t0) * 1000)
            if cpu is not None:
                cpu.append((_cpu_seconds(backend_pid) - c0) * 1000)
            dbs.append(spent[0] * 1000)
    return walls, dbs


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 2), "p95": round(percentile(values, 95), 2)}


def raw_detail(case_id: int) -> Callable[[], Any]:
    """One case by hand: its row with the agency and power item, its officers and its deadlines."""
    from django.db import connection

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.*, a.name, a.abbreviation, p.code, v.name, v.number, v.penalty_provision "
                "FROM cases_case c JOIN org_orgnode a ON a.id = c.agency_id "
                "LEFT JOIN powers_poweritem p ON p.id = c.power_item_id "
                "LEFT JOIN powers_poweritemversion v ON v.id = c.power_version_id WHERE c.id = %s",
                [case_id],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT o.*, f.name FROM cases_caseofficer o JOIN officers_officer f ON f.id = o.officer_id "
                "WHERE o.case_id = %s ORDER BY o.id",
                [case_id],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT * FROM deadlines_deadline WHERE object_type = 'cases.case' AND object_id = %s ORDER BY id",
                [case_id],
            )
            cursor.fetchall()

    return run


def raw_list(where: str, params: list[Any], *, join_search: str = "") -> Callable[[], Any]:
    """The same page by hand: rows with the joins the page shows, the count, the open deadlines."""
    from django.db import connection

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.id, c.number, c.decision_number, c.procedure, c.state, c.party_name, c.party_kind, "
                "c.fine_amount, c.proposed_fine, c.registered_at, c.discovered_on, c.suspended_since, "
                "a.name, a.abbreviation, p.code, v.name FROM cases_case c "
                "JOIN org_orgnode a ON a.id = c.agency_id "
                "LEFT JOIN powers_poweritem p ON p.id = c.power_item_id "
                "LEFT JOIN powers_poweritemversion v ON v.id = c.power_version_id "
                f"WHERE {where}{join_search} ORDER BY c.discovered_on DESC, c.id DESC LIMIT {PAGE}",
                params,
            )
            ids = [r[0] for r in cursor.fetchall()]
            cursor.execute(f"SELECT COUNT(*) FROM cases_case c WHERE {where}{join_search}", params)
            cursor.fetchone()
            if ids:
                cursor.execute(
                    "SELECT id, object_id, kind, due_on FROM deadlines_deadline WHERE resolved_on IS NULL "
                    f"AND object_type = 'cases.case' AND object_id IN ({', '.join(['%s'] * len(ids))}) ORDER BY due_on, id",
                    ids,
                )
                cursor.fetchall()
        return ids

    return run


def raw_overdue(agency_ids: list[int]) -> Callable[[], Any]:
    from django.db import connection

    marks = ", ".join(["%s"] * len(agency_ids))
    where = (
        f"d.agency_id IN ({marks}) AND d.resolved_on IS NULL AND NOT d.party_window AND d.due_on < %s "
        "AND c.suspended_since IS NULL"
    )

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.kind, d.due_on, d.article, c.id, c.number, a.name, a.abbreviation "
                "FROM deadlines_deadline d JOIN cases_case c ON c.id = d.object_id AND d.object_type = 'cases.case' JOIN org_orgnode a ON a.id = d.agency_id "
                f"WHERE {where} ORDER BY d.due_on, d.id LIMIT {PAGE}",
                [*agency_ids, TODAY],
            )
            rows = cursor.fetchall()
            cursor.execute(
                f"SELECT COUNT(*) FROM deadlines_deadline d JOIN cases_case c ON c.id = d.object_id "
                f"AND d.object_type = 'cases.case' WHERE {where}",
                [*agency_ids, TODAY],
            )
            cursor.fetchone()
        return rows

    return run


def measure(ctx: dict[str, Any], rounds: int) -> dict[str, Any]:
    import time_machine
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zhifa.core.search import SEARCH_COUNT_CAP, query_terms
    from zhifa.org.services import api_token_issue

    sup_token, _ = api_token_issue(user=ctx["supervisor"])
    app_token, _ = api_token_issue(user=ctx["approver"])
    sup = Client(HTTP_AUTHORIZATION=f"Bearer {sup_token}")
    app = Client(HTTP_AUTHORIZATION=f"Bearer {app_token}")
    page = Client()
    page.force_login(ctx["approver"])
    a1 = ctx["agency1"]
    all_ids = ctx["agency_ids"]

    def get(client: Client, url: str) -> Callable[[], Any]:
        def run() -> Any:
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code, r.content[:300])
            return r

        return run

    def cold(fn: Callable[[], Any]) -> Callable[[], Any]:
        """`fn` as the first search of its words in a minute: no planning count kept (core.match_counts)."""
        from zhifa.core import match_counts

        def run() -> Any:
            match_counts.forget()
            return fn()

        return run

    # Hand-written SQL over the same index as the application, the best we know for each case: the
    # page walks the cases newest first and checks each one's document (PostgreSQL's planner does so
    # from an IN subquery; SQLite needs the check written per row, by the document's rowid), the count
    # stops at 1,001 (what the API shows for a search: exact up to 1,000) and counts the index alone, the scope as
    # the agencies' scope tokens (core.search._scope_token) — on PostgreSQL the city supervisor's 40
    # agencies by the kind token and the documents' agency column instead (40 posting lists merged in
    # the GIN index cost more); on SQLite the supervisor's (every case) by the kind token alone.
    terms = query_terms("渣土")
    words = [w for w, _ in terms]
    name_terms = [w for w, _ in query_terms(ctx["probe_name"])]  # a person's name: a few dozen matches
    marks = ", ".join(["%s"] * len(all_ids))
    cap = SEARCH_COUNT_CAP + 1  # a search counts up to 1,000 (docs/api.md), the raw SQL as far
    if connection.vendor == "postgresql":

        def pg_search(ws: list[str], agencies: list[int]) -> RawSearch:
            words_kind = f"({' & '.join(ws)}) & 'kcase'"
            walk = " AND c.id IN (SELECT d.object_id FROM core_searchdocument d WHERE d.vector @@ to_tsquery('simple', %s) AND d.kind = 'case')"
            if len(agencies) == 1:
                tsq = f"({' & '.join(ws)}) & 'kcasea{agencies[0]}'"
                count = "SELECT COUNT(*) FROM (SELECT 1 FROM core_searchdocument d WHERE d.vector @@ to_tsquery('simple', %s) LIMIT %s) n"
                if ws == words:  # the common word: the planner walks the agency's cases newest first
                    return RawSearch(walk, [words_kind], count, [tsq, cap])
                page = " AND c.id IN (SELECT d.object_id FROM core_searchdocument d WHERE d.vector @@ to_tsquery('simple', %s))"
                return RawSearch(
                    page, [tsq], count, [tsq, cap]
                )  # a name: its few documents, then their cases
            count = (
                "SELECT COUNT(*) FROM (SELECT 1 FROM core_searchdocument d WHERE d.vector @@ to_tsquery('simple', %s) "
                f"AND d.kind = 'case' AND d.agency_id IN ({marks}) LIMIT %s) n"
            )
            return RawSearch(walk, [words_kind], count, [words_kind, *agencies, cap])  # fmt: skip

        raw_search, raw_search_all, raw_name = (
            pg_search(words, [a1]),
            pg_search(words, all_ids),
            pg_search(name_terms, [a1]),
        )
    else:

        def lite_search(ws: list[str], agencies: list[int]) -> RawSearch:
            text = "{title body} : (" + " AND ".join(f'"{w}"' for w in ws) + ")"
            # a scope of every agency (the city supervisor's: every case) is the kind's one token
            every = set(agencies) == set(all_ids)
            scope = (
                "kind : kcase" if every else "kind : (" + " OR ".join(f"kcasea{a}" for a in agencies) + ")"
            )
            count = "SELECT COUNT(*) FROM (SELECT 1 FROM core_search_fts WHERE core_search_fts MATCH %s LIMIT %s) n"
            if len(ws) == 1 and ws == words:  # the common word: walk the cases, check each by rowid
                page = (" AND EXISTS (SELECT 1 FROM core_search_fts f WHERE f.rowid = (SELECT d.id FROM core_searchdocument d "
                        "WHERE d.kind = 'case' AND d.object_id = c.id) AND core_search_fts MATCH %s)")  # fmt: skip
                return RawSearch(page, [text], count, [f"{scope} AND {text}", cap])
            page = " AND c.id IN (SELECT object_id FROM core_search_fts WHERE core_search_fts MATCH %s)"
            return RawSearch(page, [f"{scope} AND {text}"], count, [f"{scope} AND {text}", cap])

        raw_search, raw_search_all, raw_name = (
            lite_search(words, [a1]),
            lite_search(words, all_ids),
            lite_search(name_terms, [a1]),
        )
    from zhifa.enforcement.cases.models import Case as _Case

    probe_case = _Case.objects.filter(agency_id=a1).order_by("-id").values_list("id", flat=True)[0]
    cases = {
        "list_api_all": (
            get(sup, "/api/v1/cases?page_size=50"),
            raw_list(f"c.agency_id IN ({', '.join(['%s'] * len(all_ids))})", list(all_ids)),
            (get(sup, "/api/v1/cases?page_size=10"),),
        ),
        "list_api_agency_state": (
            get(app, f"/api/v1/cases?agency={a1}&status=investigating&page_size=50"),
            raw_list("c.agency_id = %s AND c.state = %s", [a1, "investigating"]),
            (get(app, f"/api/v1/cases?agency={a1}&status=investigating&page_size=10"),),
        ),
        "list_page_agency_state": (
            get(page, f"/cases/?agency={a1}&state=investigating"),
            raw_list("c.agency_id = %s AND c.state = %s", [a1, "investigating"]),
            (),
        ),
        "search_api": (
            get(app, "/api/v1/cases?q=渣土&page_size=50"),
            _raw_search(a1, raw_search),
            (get(app, "/api/v1/cases?q=渣土&page_size=10"),),
        ),
        "search_api_all": (
            get(sup, "/api/v1/cases?q=渣土&page_size=50"),
            _raw_search(all_ids, raw_search_all),
            (get(sup, "/api/v1/cases?q=渣土&page_size=10"),),
        ),
        # the same searches as the first of their words in a minute (the two above repeat one search,
        # so from the second round on they plan from the count kept by the first)
        "search_api_cold": (
            cold(get(app, "/api/v1/cases?q=渣土&page_size=50")),
            _raw_search(a1, raw_search),
            (cold(get(app, "/api/v1/cases?q=渣土&page_size=10")),),
        ),
        "search_api_all_cold": (
            cold(get(sup, "/api/v1/cases?q=渣土&page_size=50")),
            _raw_search(all_ids, raw_search_all),
            (cold(get(sup, "/api/v1/cases?q=渣土&page_size=10")),),
        ),
        "search_api_name": (
            get(app, f"/api/v1/cases?q={ctx['probe_name']}&page_size=50"),
            _raw_search(a1, raw_name),
            (get(app, f"/api/v1/cases?q={ctx['probe_name']}&page_size=10"),),
        ),
        "detail_api": (
            get(sup, f"/api/v1/cases/{probe_case}"),
            raw_detail(probe_case),
            (),
        ),
        "overdue_api": (
            get(app, "/api/v1/cases/overdue?page_size=50"),
            raw_overdue([a1]),
            (get(app, "/api/v1/cases/overdue?page_size=10"),),
        ),
    }
    out: dict[str, Any] = {}
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.UTC), tick=True):
        for name, (ours, raw, smaller) in cases.items():
            if ctx.get("only") and name not in ctx["only"]:
                continue
            reset_queries()
            with CaptureQueriesContext(connection) as q50:
                response = ours()
            queries = {"50": len(q50.captured_queries)}
            for fn in smaller:
                with CaptureQueriesContext(connection) as q10:
                    fn()
                queries["10"] = len(q10.captured_queries)
            body = response.content
            count = json.loads(body).get("count") if body[:1] == b"{" else None
            if name.startswith("search"):  # the hand-written SQL finds the same page
                assert raw() == [r["id"] for r in json.loads(body)["results"]], name
            ours_cpu: list[float] = []
            raw_cpu: list[float] = []
            (walls, db_times), (raw_walls, _) = timed_pair(ours, raw, rounds, ours_cpu, raw_cpu)
            ours_t, ours_db = summary(walls), summary(db_times)
            raw_t = summary(raw_walls)
            out[name] = {
                "ours": ours_t,
                "ours_db": ours_db,
                "raw": raw_t,
                "ratio_p95": round(ours_t["p95"] / raw_t["p95"], 2) if raw_t["p95"] else None,
                "db_ratio_p95": round(ours_db["p95"] / raw_t["p95"], 2) if raw_t["p95"] else None,
                "cpu": summary(ours_cpu),
                "raw_cpu": summary(raw_cpu),
                "queries": queries,
                "count": count,
            }
    return out


@dataclass(frozen=True)
class RawSearch:
    page_sql: str  # appended to the cases' scope condition
    page_params: list[Any]
    count_sql: str  # a whole statement
    count_params: list[Any]


def _raw_search(agency: int | list[int], search: RawSearch) -> Callable[[], Any]:
    from django.db import connection

    agencies = agency if isinstance(agency, list) else [agency]

    def run() -> Any:
        where = f"c.agency_id IN ({', '.join(['%s'] * len(agencies))})" + search.page_sql
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.id, c.number, c.party_name, c.state, c.discovered_on, a.name FROM cases_case c "
                f"JOIN org_orgnode a ON a.id = c.agency_id WHERE {where} "
                f"ORDER BY c.discovered_on DESC, c.id DESC LIMIT {PAGE}",
                [*agencies, *search.page_params],
            )
            ids = [r[0] for r in cursor.fetchall()]
            cursor.execute(search.count_sql, search.count_params)
            cursor.fetchone()
            if ids:
                cursor.execute(
                    "SELECT id FROM deadlines_deadline WHERE resolved_on IS NULL AND object_type = 'cases.case' "
                    f"AND object_id IN ({', '.join(['%s'] * len(ids))})",
                    ids,
                )
        return ids

    return run


def _backend_cpu() -> float:
    """CPU seconds the PostgreSQL backend serving this process's connection has used so far (0 on
    SQLite): the database's share of a registration, read from /proc (the server runs on this host)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another host
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _statements(fn: Callable[[], Any]) -> tuple[int, list[str]]:
    """The statements one call sends, those its after-commit hooks send included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        fn()
    sqls = [x["sql"] for x in q.captured_queries]
    return len(sqls), sqls


def _lead(data: dict[str, Any], n: int) -> dict[str, Any]:
    """The lead with facts of its own: no two cases have the same facts, so their text is segmented
    for each registration as it would be in use (the search index keeps the tokens of lines that
    recur, such as the power item's name: those do recur in use)."""
    return {**data, "facts": f"{data['facts']}巡查记录第{n}号，{SURNAMES[n % len(SURNAMES)]}某现场确认。"}


def registrations(ctx: dict[str, Any], count: int, procs: int = 1) -> dict[str, Any]:
    import time_machine

    from zhifa.enforcement.cases.services import case_register

    data = {
        "procedure": "ordinary",
        "agency_id": ctx["agency1"],
        "source": "patrol",
        "party": {
            "kind": "organisation",
            "name": "海州市基准测试有限公司",
            "id_number": "91350100M000100Y43",
        },
        "facts": "经巡查发现，当事人未经批准擅自挖掘城市道路。",
        "location": "海州市人民路",
        "occurred_on": (TODAY - dt.timedelta(days=2)).isoformat(),
        "power_item_id": ctx["items"][0][0],
    }
    load = os.getloadavg()[0]
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.UTC), tick=True):
        case_register(actor=ctx["officer"], data=_lead(data, 0))  # warm-up
        statements, sqls = _statements(lambda: case_register(actor=ctx["officer"], data=_lead(data, 1)))
        db_cpu = _backend_cpu()
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(count):
            case_register(actor=ctx["officer"], data=_lead(data, i + 2))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        db_cpu = _backend_cpu() - db_cpu
    result: dict[str, Any] = {
        "registrations": count,
        "seconds": round(seconds, 2),
        "per_s": round(count / seconds, 1),
        "cpu_ms_each": round(cpu / count * 1000, 2),  # this process's own CPU per registration
        "db_cpu_ms_each": round(db_cpu / count * 1000, 2),  # its PostgreSQL backend's
        "statements": statements,
        "statement_list": [s[:120] for s in sqls],
    }
    if procs > 1:
        result["concurrent"] = concurrent_registrations(ctx, data, count, procs)
    result["load"] = f"{load:.1f} → {os.getloadavg()[0]:.1f}"  # 1-minute load average, start → end
    return result


def _register_child(ctx: dict[str, Any], data: dict[str, Any], count: int, start: Any, out: Any) -> None:
    import time_machine
    from django.db import connections

    from zhifa.enforcement.cases.services import case_register

    connections.close_all()  # a connection of its own, not the parent's
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.UTC), tick=True):
        case_register(actor=ctx["officer"], data=_lead(data, 0))  # warm-up (its connection)
        db_cpu = _backend_cpu()
        start.wait()
        cpu = time.process_time()
        for i in range(count):
            case_register(actor=ctx["officer"], data=_lead(data, os.getpid() * 10_000 + i))
        cpu = time.process_time() - cpu
        db_cpu = _backend_cpu() - db_cpu
    out.put((time.perf_counter(), cpu, db_cpu))


def concurrent_registrations(
    ctx: dict[str, Any], data: dict[str, Any], count: int, procs: int
) -> dict[str, Any]:
    """`procs` processes registering `count` leads each at once, all in the same agency (the worst case:
    one audit chain, one agency's counters): registrations per second over the whole, and the CPU they
    used (the processes' own and their PostgreSQL backends') per registration."""
    import multiprocessing as mp

    from django.db import connections

    connections.close_all()
    fork = mp.get_context("fork")
    start, out = fork.Barrier(procs + 1), fork.Queue()
    children = [
        fork.Process(target=_register_child, args=(ctx, data, count, start, out)) for _ in range(procs)
    ]
    for c in children:
        c.start()
    start.wait()
    began = time.perf_counter()
    ends = [out.get() for _ in children]
    for c in children:
        c.join()
    seconds = max(e[0] for e in ends) - began
    total = count * procs
    return {
        "processes": procs,
        "registrations": total,
        "seconds": round(seconds, 2),
        "per_s": round(total / seconds, 1),
        "cpu_ms_each": round(sum(e[1] for e in ends) / total * 1000, 2),
        "db_cpu_ms_each": round(sum(e[2] for e in ends) / total * 1000, 2),
    }


def worker(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False
    if args.sync_commit:  # compare: the audit chain's transaction waits for the disk under its lock
        from zhifa.core import durable

        durable._usable["default"] = False
    call_command("migrate", verbosity=0)
    result: dict[str, Any] = {"db": connection.vendor, "cases": args.cases}
    ctx = existing(args.cases) if args.reuse else None
    if ctx is None:
        ctx = setup()
        result["generate"] = generate(args.cases, ctx)
    else:
        result["generate"] = {"events": 0, "deadlines": 0, "generate_s": 0, "cases_per_s": 0, "reused": True}
    if args.publish and connection.vendor == "postgresql":
        result["publish"] = publish_decisions()
    if args.only:
        keep = set(args.only.split(","))
        ctx["only"] = keep
    result["requests"] = measure(ctx, args.rounds)
    if not ctx.get("only") or "register" in ctx["only"]:
        result["register"] = registrations(ctx, args.registrations, args.register_procs)
    return result


def run(db: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "ZHIFA_VAR_DIR": str(work / db),
        "LOG_LEVEL": "ERROR",
    }
    if db == "sqlite":
        env.pop("DATABASE_URL", None)
    else:
        url = args.pg_url
        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        exists = subprocess.run(
            ["psql", admin, "-tAq", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        for sql in (
            []
            if args.reuse and exists
            else (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        ):
            subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
        env["DATABASE_URL"] = url
    (work / db).mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            "--cases",
            str(args.cases),
            "--rounds",
            str(args.rounds),
            "--registrations",
            str(args.registrations),
            *(["--reuse", args.reuse] if args.reuse else []),
            *(["--only", args.only] if args.only else []),
            *(["--publish"] if args.publish else []),
            *(["--sync-commit"] if args.sync_commit else []),
            "--register-procs",
            str(args.register_procs),
        ],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"{db} worker failed")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def report(result: dict[str, Any]) -> None:
    g = result["generate"]
    print(
        f"== {result['db']}: {result['cases']:,} cases, {g['events']:,} events, {g['deadlines']:,} deadlines "
        f"generated in {g['generate_s']} s ({g['cases_per_s']:,} cases/s)"
    )
    for name, r in result["requests"].items():
        print(
            f"   {name:<23} request median {r['ours']['median']:>7} p95 {r['ours']['p95']:>7} ms"
            f" | its SQL median {r['ours_db']['median']:>6} p95 {r['ours_db']['p95']:>6} ms"
            f" | raw SQL median {r['raw']['median']:>6} p95 {r['raw']['p95']:>6} ms"
            f" | p95 ratio request/raw {r['ratio_p95']}x, SQL/raw {r['db_ratio_p95']}x"
            f" | CPU (process + db backend) median {r['cpu']['median']} p95 {r['cpu']['p95']} ms,"
            f" raw {r['raw_cpu']['median']} / {r['raw_cpu']['p95']} ms"
            f" | queries {r['queries']} | count {r['count']}"
        )
    reg = result.get("register")
    if reg:
        print(
            f"   case_register: {reg['registrations']} in {reg['seconds']} s = {reg['per_s']}/s "
            f"({reg.get('cpu_ms_each')} ms CPU each in the process, {reg.get('db_cpu_ms_each')} ms in its "
            f"PostgreSQL backend; {reg.get('statements')} statements each; load {reg.get('load')})"
        )
        for sql in reg.get("statement_list", []) if os.environ.get("BENCH_SQL") == "1" else []:
            print(f"      {sql}")
        if reg.get("concurrent"):
            c = reg["concurrent"]
            print(
                f"   case_register from {c['processes']} processes: {c['registrations']} in {c['seconds']} s = {c['per_s']}/s"
                f" ({c.get('cpu_ms_each')} ms CPU each in the processes, {c.get('db_cpu_ms_each')} ms in their backends)"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--registrations", type=int, default=200)
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/zhifa_bench_cases")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print the raw result as JSON too")
    ap.add_argument(
        "--reuse",
        metavar="DIR",
        help="keep the databases (SQLite under DIR, PostgreSQL as named) and reuse their data next time",
    )
    ap.add_argument("--register-procs", type=int, default=1, help="also register from N processes at once")
    ap.add_argument(
        "--publish", action="store_true", help="PostgreSQL: publish every decided case's decision"
    )
    ap.add_argument(
        "--sync-commit",
        action="store_true",
        help="commit audited transactions synchronously (as before core.durable), for comparison",
    )
    ap.add_argument("--only", help="comma-separated request names to time (e.g. search_api,search_api_all)")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args), default=str))
        return
    work = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="zhifa-bench-cases-"))
    try:
        for db in ("postgres", "sqlite") if args.db == "both" else (args.db,):
            result = run(db, args, work)
            report(result)
            if args.json:
                print(json.dumps(result, ensure_ascii=False))
    finally:
        if not args.reuse:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
