"""Fixtures shared by every app's tests."""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from zhifa.core import testdata
from zhifa.core.calendar import calendar_changed
from zhifa.org.factories import PASSWORD, WORLD, OrgWorld, build_org_world

# Directories and modules whose tests depend on dates and holidays: marked `clock`, so CI can run them
# again with the clock at 12-20 of the last year the holiday package knows (`.ci/run`).
CLOCK_PATHS = (
    "zhifa/law/",
    "zhifa/core/tests/test_calendar",
    "zhifa/core/tests/test_demo_clock",
    "zhifa/core/tests/test_testdata",  # the shared world is built under the moved clock too
    "zhifa/enforcement/cases/",
    "zhifa/enforcement/seizures/",
    "zhifa/public/complaints/",
    "zhifa/enforcement/inspections/",
    "zhifa/public/portal/",
    "zhifa/officers/",
    "zhifa/org/tests/test_demo",
)


def _one_request_at_a_time_on_a_shared_connection() -> None:
    """The live server of the browser tests answers each request in a thread of its own; on SQLite in
    memory every one of those threads uses the test's one connection. Two requests at once — a page's
    form posted while the PDF its iframe shows is still being read — then began a transaction inside
    the other's ("cannot start a transaction within a transaction", a 503, a flaky browser test under
    load). With a shared connection the server runs one request at a time; PostgreSQL, where each
    thread has its own connection, is left as it is."""
    import threading

    from django.test.testcases import LiveServerThread

    original = LiveServerThread._create_server  # type: ignore[attr-defined]  # (not in the stubs)

    def _create_server(self: Any, connections_override: Any = None) -> Any:
        server = original(self, connections_override=connections_override)
        if connections_override:
            lock = threading.Lock()
            set_app = server.set_app

            def set_locked_app(app: Any) -> None:
                def locked(environ: Any, start_response: Any) -> Any:
                    with lock:
                        return app(environ, start_response)

                set_app(locked)

            server.set_app = set_locked_app
        return server

    LiveServerThread._create_server = _create_server  # type: ignore[attr-defined]


def pytest_configure(config: pytest.Config) -> None:
    """ZHIFA_TEST_TODAY=YYYY-MM-DD runs the whole suite with the clock at that day, 09:00 in China
    (ticking), to prove no test depends on today's date."""
    # `--dist loadfile` hands files out in collection order (SLOW_FIRST below), not xdist's default
    # "most tests first": that default put the demo files (4 tests, 100 s of CPU) at the very end of
    # `make test`, where one worker ran them alone (docs/benchmarks.md, "branch testfast").
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    _one_request_at_a_time_on_a_shared_connection()
    today = os.environ.get("ZHIFA_TEST_TODAY")
    if today:
        import datetime as dt
        from zoneinfo import ZoneInfo

        import time_machine

        start = dt.datetime.combine(
            dt.date.fromisoformat(today), dt.time(9, 0), tzinfo=ZoneInfo("Asia/Shanghai")
        )
        config._zhifa_clock = time_machine.travel(start, tick=True)  # type: ignore[attr-defined]
        config._zhifa_clock.start()  # type: ignore[attr-defined]


# --- CPU time per test (ZHIFA_TEST_CPU=dir) -------------------------------------------------------
# Wall time says little on the shared machine (load 5-10); process CPU time of setup + call + teardown
# does not depend on the load. Each process (xdist worker or the single process) appends one JSON line
# per test to <dir>/<worker>.jsonl; `scripts/test_cpu_report.py <dir>` ranks them.
_CPU_DIR = os.environ.get("ZHIFA_TEST_CPU")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    if not _CPU_DIR:
        return (yield)
    phases: dict[str, float] = {}
    item._zhifa_cpu = phases  # type: ignore[attr-defined]
    cpu, children, wall = time.process_time(), _children_cpu(), time.perf_counter()
    result = yield
    _cpu_line(
        {
            "id": item.nodeid,
            "cpu": round(time.process_time() - cpu, 4),
            "children": round(_children_cpu() - children, 4),
            "wall": round(time.perf_counter() - wall, 4),
            **{k: round(v, 4) for k, v in phases.items()},
        }
    )
    return result


@contextmanager
def _phase(item: pytest.Item, name: str) -> Iterator[None]:
    """The CPU time of one phase of a test, kept on the item when ZHIFA_TEST_CPU is set."""
    start = time.process_time()
    try:
        yield
    finally:
        phases = getattr(item, "_zhifa_cpu", None)
        if phases is not None:
            phases[name] = time.process_time() - start


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    with _phase(item, "setup"):
        # Before any fixture: the shared test data this test needs, and only that, in the database
        # (zhifa.core.testdata; a build that fails is this test's setup error).
        testdata.before_setup(item)
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    with _phase(item, "call"):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    with _phase(item, "teardown"):
        return (yield)


def _cpu_line(line: dict[str, Any]) -> None:
    """One line of the worker's CPU file (ZHIFA_TEST_CPU; scripts/test_cpu_report.py reads them)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    Path(_CPU_DIR).mkdir(parents=True, exist_ok=True)
    with open(Path(_CPU_DIR) / f"{worker}.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def pytest_collection_finish(session: pytest.Session) -> None:
    if _CPU_DIR:
        _cpu_line({"id": "<collection>", "cpu": round(time.process_time(), 4)})


def pytest_unconfigure(config: pytest.Config) -> None:
    clock = getattr(config, "_zhifa_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    today = os.environ.get("ZHIFA_TEST_TODAY")
    return f"clock frozen at {today} 09:00 Asia/Shanghai (ZHIFA_TEST_TODAY)" if today else None


# The files whose tests seed the whole demo (one of them alone is ~100 s of CPU; docs/benchmarks.md,
# "Item 7"): collected first, so that with `-n 2 --dist loadfile` one worker starts on them while the
# other runs the rest, instead of the longest file running alone at the end of `make test`.
SLOW_FIRST = (
    "org/tests/test_demo.py",
    "core/tests/test_demo_clock.py",
    "enforcement/cases/tests/test_migration_0003.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        path = str(item.path).replace(os.sep, "/")
        if any(part in path for part in CLOCK_PATHS):
            item.add_marker(pytest.mark.clock)
        if not settings.IS_POSTGRES and "postgres" in item.keywords:
            item.add_marker(skip)

    # Then the other files with a test marked `slow` or `browser` that runs (servers, Chromium, backups,
    # the 1 GiB upload: 5-30 s of wall time each, much of it in subprocesses), then the rest. xdist hands
    # a worker its next file when the worker is nearly done with its current one, so the files handed out
    # last decide how long one worker runs alone at the end: in collection order these were
    # `tests/test_served.py` (~25 s) and the supervision apps' browser tests (docs/benchmarks.md, branch
    # testfast4). Now the last files are short ones.
    long_files = {
        str(item.path)
        for item in items
        if (item.get_closest_marker("slow") or item.get_closest_marker("browser"))
        and not any(mark.name == "skip" for mark in item.iter_markers())
    }

    def rank(item: pytest.Item) -> int:
        path = str(item.path).replace(os.sep, "/")
        first = next((i for i, slow in enumerate(SLOW_FIRST) if path.endswith(slow)), None)
        if first is not None:
            return first
        return len(SLOW_FIRST) + (0 if str(item.path) in long_files else 1)

    items.sort(key=rank)  # stable: the order within each group is kept


_TEMPLATE_BUILD = pytest.StashKey[Any]()
_PDF_DIR = "ZHIFA_TEST_PDF_DIR"  # set by the xdist controller for its workers
_PDF_DIR_MADE = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """With xdist, the controller builds a missing SQLite template while the workers start (before xdist's
    own hook starts them; zhifa.core.testdb)."""
    from zhifa.core import testdb

    wait = testdb.build_sqlite_template_beside_the_workers(session.config)
    if wait is not None:
        session.config.stash[_TEMPLATE_BUILD] = wait
    # The workers' PDF memo (`_same_html_same_pdf`) shared through a directory of this run: the workers
    # inherit the controller's environment when xdist starts them, just after this hook.
    config = session.config
    controller = getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput")
    if controller and not os.environ.get(_PDF_DIR):
        import tempfile

        os.environ[_PDF_DIR] = config.stash[_PDF_DIR_MADE] = tempfile.mkdtemp(prefix="zhifa-test-pdf-")


def pytest_sessionfinish(session: pytest.Session) -> None:
    wait = session.config.stash.get(_TEMPLATE_BUILD, None)
    if wait is not None:
        wait()
    made = session.config.stash.get(_PDF_DIR_MADE, None)
    if made is not None:
        import shutil

        shutil.rmtree(made, ignore_errors=True)
        os.environ.pop(_PDF_DIR, None)


@pytest.fixture(autouse=True, scope="session")
def _side_effects_run_on_commit() -> Iterator[None]:
    """The engine's side effects after commit (`core.workflow.after_commit`: rendering 文书, …) run when
    the transaction they were queued in ends, as on a real commit. A test case wraps each test in a
    transaction that never commits, where Django would keep them queued until it is thrown away; here,
    when an atomic block exits normally and only the test case's own blocks remain, the engine's queued
    callbacks run (and the tasks they enqueue run at once: ImmediateBackend). Other on-commit callbacks
    keep Django's test behaviour (`django_capture_on_commit_callbacks`)."""
    from django.db import transaction

    from zhifa.core.workflow import AfterCommit

    original = transaction.Atomic.__exit__

    def __exit__(self: Any, exc_type: Any, exc_value: Any, traceback: Any) -> Any:
        result = original(self, exc_type, exc_value, traceback)
        if exc_type is None:
            connection = transaction.get_connection(self.using)
            blocks = connection.atomic_blocks
            if blocks and all(getattr(b, "_from_testcase", False) for b in blocks):
                queued = connection.run_on_commit
                mine = [entry for entry in queued if isinstance(entry[1], AfterCommit)]
                if mine:
                    connection.run_on_commit = [e for e in queued if not isinstance(e[1], AfterCommit)]
                    for _savepoints, fn, _robust in mine:
                        fn()
        return result

    transaction.Atomic.__exit__ = __exit__  # type: ignore[method-assign]
    yield
    transaction.Atomic.__exit__ = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def _test_db_from_template() -> None:
    """Test databases are copied from a template migrated once (zhifa.core.testdb), not migrated in
    every process: ~12 s of CPU per xdist worker and per narrow run."""
    from zhifa.core import testdb

    testdb.install()


@pytest.fixture(autouse=True, scope="session")
def _same_html_same_pdf() -> Iterator[None]:
    """WeasyPrint's output is a pure function of the HTML, title and author (no dates or random ids in
    the PDF; `test_rendering.py` checks this), and rendering a 文书 is ~70 % of the CPU of a test that walks
    a case through the workflow. Tests build the same cases again and again, so each process keeps the PDFs
    it rendered by their input and hands back the same bytes for the same input. Every call still goes
    through `render_pdf` (and the template rendering before it): only WeasyPrint's work is not redone.
    With xdist the workers of one run also share what they rendered, through a directory the controller
    makes for the run and removes at its end (`ZHIFA_TEST_PDF_DIR`): the two workers run different files
    that render many of the same 文书 (70 of 644 renderings of the enforcement, public and supervision
    tests; docs/benchmarks.md, branch `testfast3`). Only within one run: the stylesheet and WeasyPrint
    are the same in its processes, not necessarily in the next run."""
    import hashlib
    from collections import OrderedDict

    from zhifa.enforcement.documents import rendering

    real = rendering.html_to_pdf
    kept: OrderedDict[bytes, tuple[bytes, int]] = OrderedDict()
    stats = {"hit": 0, "miss": 0, "shared": 0}
    shared = os.environ.get(_PDF_DIR)
    shared_dir = Path(shared) if shared and Path(shared).is_dir() else None

    def from_the_run(key: bytes) -> tuple[bytes, int] | None:
        if shared_dir is None:
            return None
        try:
            data = (shared_dir / f"{key.hex()}.pdf").read_bytes()
        except FileNotFoundError:
            return None
        pages, _, pdf = data.partition(b"\n")
        return pdf, int(pages)

    def to_the_run(key: bytes, found: tuple[bytes, int]) -> None:
        if shared_dir is None:
            return
        final = shared_dir / f"{key.hex()}.pdf"
        partial = final.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(b"%d\n" % found[1] + found[0])
        os.replace(partial, final)  # a reader sees the whole file or none

    def html_to_pdf(html: str, *, title: str = "", author: str = "") -> tuple[bytes, int]:
        key = hashlib.sha256("\0".join((html, title, author)).encode()).digest()
        found = kept.get(key)
        if found is None:
            found = from_the_run(key)
            if found is None:
                stats["miss"] += 1
                found = real(html, title=title, author=author)
                to_the_run(key, found)
            else:
                stats["shared"] += 1
            kept[key] = found
            if len(kept) > 300:  # ~50 MB at most
                kept.popitem(last=False)
        else:
            stats["hit"] += 1
            kept.move_to_end(key)
        return found

    html_to_pdf.__wrapped__ = real  # type: ignore[attr-defined]
    rendering.html_to_pdf = html_to_pdf  # type: ignore[assignment]
    yield
    rendering.html_to_pdf = real  # type: ignore[assignment]
    if os.environ.get("ZHIFA_PDF_MEMO_STATS"):
        print(f"\nPDF memo: {stats}")


def _serial_factories() -> tuple[Any, ...]:
    from zhifa.enforcement.cases import factories as cases
    from zhifa.enforcement.inspections import factories as inspections
    from zhifa.officers import factories as officers

    return (cases, inspections, officers)


@pytest.fixture(autouse=True)
@testdata.neutral  # the shared data's builds set the counters themselves
def _factory_serials_from_one(request: pytest.FixtureRequest) -> None:
    """The factories number what must be unique (ID numbers, credit codes, certificate numbers) from a
    process-wide counter; each test has a database of its own, so each test starts the counters at 1
    (after the shared test data it gets, where that data's build left them: the test then numbers on as
    when it built that data itself). A test then builds the same case the same way whichever tests ran
    before it in its process (xdist deals files out differently from run to run), and renders the same
    文书 (`_same_html_same_pdf`)."""
    import itertools

    start = testdata.serials(request)
    for module in _serial_factories():
        module._serial = itertools.count(start.get(module.__name__, 1))


@pytest.fixture(autouse=True)
@testdata.neutral  # no build signs anyone in
def _fresh_rate_limits() -> None:
    """Every test starts with no client counted (the counters live in their own cache, per process)."""
    from django.core.cache import caches

    caches[settings.RATELIMIT_CACHE].clear()


@pytest.fixture(autouse=True)
@testdata.neutral
def _no_kept_masked_copies() -> None:
    """Every test starts with no masked copy of a 文书 kept (documents.dossier.masked_document_pdf): a
    test's document may have the id and data of one an earlier test in the process rendered."""
    from django.core.cache import caches

    caches[settings.MASKED_COPIES_CACHE].clear()


@pytest.fixture(autouse=True)
@testdata.neutral
def _no_remembered_match_counts() -> None:
    """Every search plans from its own test's index: no count of matches remembered from an earlier
    test (core.match_counts)."""
    from zhifa.core import match_counts

    match_counts.forget()


@pytest.fixture(autouse=True)
@testdata.neutral  # the shared data's builds start and end with a fresh calendar cache too
def _fresh_calendar_cache() -> Iterator[None]:
    calendar_changed()  # rows of one test must not leak into the next through the year cache
    yield
    calendar_changed()


class DocumentsForTheWorker:
    """The 文书 an event queued for the worker (`render_queue.schedule`), kept instead of rendered."""

    def __init__(self) -> None:
        self.queued: list[int] = []

    def render_one_of_each_kind(self) -> dict[str, int]:
        """What the worker does with the queue, for one document of each kind (template code) among the
        queued: `document_render`, the door the worker's task uses, which raises if a rendering fails.
        Also checks that nothing failed and nothing is pending that was not queued. Returns code → id."""
        from zhifa.enforcement.documents.models import Document
        from zhifa.enforcement.documents.render_queue import document_render

        assert not Document.objects.filter(render_state=Document.Rendering.FAILED).exists()
        pending = set(Document.objects.filter(blob__isnull=True).values_list("pk", flat=True))
        assert pending <= set(self.queued), sorted(pending - set(self.queued))
        first: dict[str, int] = {}
        for pk, code in Document.objects.filter(pk__in=pending).order_by("pk").values_list("pk", "code"):
            first.setdefault(code, pk)
        for pk in first.values():
            stored = document_render(document_id=pk)
            assert stored.blob_id is not None and stored.render_state == Document.Rendering.READY
            assert stored.blob is not None and stored.blob.size > 0
        return first


@pytest.fixture
def documents_for_the_worker(monkeypatch: pytest.MonkeyPatch) -> DocumentsForTheWorker:
    """`seed_demo` as `make run` runs it: the 文书 its events queue for the worker stay queued, instead
    of the tests' immediate task backend rendering every one inside the seeding (a third of the CPU of
    `test_demo_clock`; docs/benchmarks.md, "branch testfast"). What
    the seeding itself needs rendered (an archived case's 文书, for its digests) is still rendered, on
    demand (`ensure_rendered`). `render_one_of_each_kind()` then renders one queued document of each kind
    through the worker's door, which raises on a failure (the task itself only logs one)."""
    from zhifa.enforcement.documents import render_queue

    kept = DocumentsForTheWorker()
    monkeypatch.setattr(render_queue, "schedule", kept.queued.append)
    return kept


@pytest.fixture(scope="session")
def _shared_test_data(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[testdata.SharedTestData]:
    """This process's shared test data (zhifa.core.testdata). Session-scoped, so the first build happens
    before the first test that needs it opens its transaction."""
    with testdata.session_manager(
        request.config, django_db_blocker, counters=_serial_factories(), fresh=calendar_changed
    ) as manager:
        yield manager


@pytest.fixture
@testdata.hands_out(WORLD)
def world(db: Any, _shared_test_data: Any, request: pytest.FixtureRequest) -> OrgWorld:
    """The org world (`build_org_world`): built once per process and shared (zhifa.core.testdata), each
    test with its own copies of the objects; built for the test itself where it cannot be shared (a
    transactional test, a fixture that freezes another day before it)."""
    world: OrgWorld = testdata.objects(request, WORLD, build_org_world)
    return world


@pytest.fixture
def login_as(client: Client) -> Any:
    def _login(user: Any) -> Client:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_token() -> Any:
    """Bearer header for a user, obtained through the real token endpoint."""

    def _token(user: Any) -> dict[str, str]:
        response = Client().post(
            "/api/v1/auth/token",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    return _token


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    """Playwright driving the machine's Chromium (Debian package, installed by scripts/system-deps.sh)."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        try:
            yield b
        finally:
            b.close()
