"""Test data built once per test process and shared by the tests that need it, like Django's
`TestCase.setUpTestData`.

Building the org world (`org.factories.build_org_world`) and a case kit on top of it
(`enforcement.cases.factories.build_case_kit`) through the real services took ~70 ms and ~100 ms of CPU,
and ~1,100 and ~440 tests built them again (issue 22, item 7; docs/contributing.md, "Shared test data").
Here each is a `Layer`: built once, inside a transaction of its own that is never committed, and every
test that asks for it runs inside a savepoint on top of it, rolled back at its end (pytest-django's `db`,
unchanged). So each test starts from exactly the rows the layer's build left, as when it built them itself.

- What a test needs is read from its fixtures before any of them is set up (`plan_for`, from the root
  conftest's `pytest_runtest_setup`): the layers handed out by the fixtures it uses (`hands_out`), none
  for a test that uses the database without them (it must not see their rows: tests count users, officers,
  audit entries), none for a transactional test (Django flushes every table after it, and on PostgreSQL
  closes the connection: it runs outside the layers' transaction, and builds what it asks for itself, as
  before). `SharedTestData.prepare` then rolls back the layers not wanted and builds the missing ones, so
  the database holds exactly what the test would have built: layers built under different clocks (the
  case kits of the apps whose tests freeze different days) never coexist.
- A layer is shared only when nothing the test sets up before the layer's fixture could change what the
  build does: every function-scoped fixture set up before it must be neutral (`NEUTRAL`, `neutral`) or an
  argument of the layer's own fixture (a kit's `frozen`, whose moment the layer's `clock` repeats).
  Otherwise (a module's autouse fixture that freezes another day first) the fixture builds per test.
- Every test gets its own deep copies of the layers' Python objects (as Django's `TestData` does): a test
  that changes an instance in memory cannot leak into the next. Each layer keeps a copy of its objects as
  its build left them: a layer built on top may change the objects below (making an officer for a user
  caches the officer on the user), and the layer below must not keep that once the one on top is gone.
- The factories' serial counters (ID and certificate numbers) restart per test where the layers' builds
  left them, so a test makes the same numbers it made when it built the layers itself.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TypeVar

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from zhifa.core.testlayers import Layer

__all__ = ["Layer", "hands_out", "neutral", "objects", "serials"]

F = TypeVar("F", bound=Callable[..., Any])

_LAYER_ATTR = "_zhifa_test_layer"
_NEUTRAL_ATTR = "_zhifa_test_neutral"

# Function-scoped fixtures of pytest and pytest-django that change nothing a layer's build reads when they
# are set up (the database ones open the test's transaction, which the layers sit below anyway).
NEUTRAL = frozenset(
    {
        "request",
        "db",
        "_django_db_helper",
        "_django_db_marker",
        "_dj_autoclear_mailbox",
        "_django_clear_site_cache",
        "_django_isolate_apps",
        "_django_set_urlconf",
        "_live_server_helper",
        "_template_string_if_invalid_marker",
        "mailoutbox",
        "django_mail_patch_dns",
        "django_mail_dnsname",
        "django_assert_num_queries",
        "django_assert_max_num_queries",
        "django_capture_on_commit_callbacks",
        "settings",
        "client",
        "async_client",
        "rf",
        "async_rf",
        "admin_user",
        "admin_client",
        "monkeypatch",
        "tmp_path",
        "capsys",
        "capfd",
        "caplog",
        "recwarn",
    }
)
# Fixtures that make the test transactional (pytest-django's `_django_db_helper`).
_TRANSACTIONAL = frozenset(
    {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


def hands_out(layer: Layer) -> Callable[[F], F]:
    """Marks a fixture function as the one handing `layer`'s objects to a test (`objects`); put it under
    `@pytest.fixture`."""

    def mark(function: F) -> F:
        setattr(function, _LAYER_ATTR, layer)
        return function

    return mark


def neutral(function: F) -> F:
    """Marks a fixture function as changing nothing a layer's build reads, so a test that sets it up before
    a layer's fixture still shares the layer (e.g. an app's autouse fixture that clears the page cache)."""
    setattr(function, _NEUTRAL_ATTR, True)
    return function


@dataclass(frozen=True)
class Plan:
    """What a test needs of the database before its fixtures are set up."""

    uses_db: bool
    layers: tuple[Layer, ...] = ()  # the shared layers it gets, the bottom first


_PLAN = pytest.StashKey[Plan]()
_COPIES = pytest.StashKey[dict[str, Any]]()
_MANAGER = pytest.StashKey["SharedTestData"]()
_PENDING = pytest.StashKey[Plan]()


def _definition(item: pytest.Item, name: str) -> Any:
    definitions = getattr(item, "_fixtureinfo").name2fixturedefs.get(name)  # noqa: B009 — pytest's, no public API
    return definitions[-1] if definitions else None


def _setup_order(item: pytest.Item) -> list[str]:
    """The item's fixtures in the order pytest sets them up: its closure (the higher scopes first, then
    autouse, then the arguments), each after the fixtures it requests."""
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order or name in visiting:
            return
        definition = _definition(item, name)
        if definition is None:
            return
        visiting.add(name)
        for argument in definition.argnames:
            visit(argument)
        order.append(name)

    for name in getattr(item, "fixturenames", ()):
        visit(name)
    return order


def plan_for(item: pytest.Item) -> Plan:
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    cls = getattr(item, "cls", None)
    unittest = isinstance(cls, type) and any(c.__module__.startswith("django.test") for c in cls.__mro__)
    if not (marker or "django_db_blocker" in names or unittest):
        return Plan(uses_db=False)
    transactional = bool(names & _TRANSACTIONAL) or unittest
    if marker is not None:
        kwargs = marker.kwargs
        transactional |= bool(
            kwargs.get("transaction") or kwargs.get("reset_sequences") or kwargs.get("serialized_rollback")
        )
    if transactional:
        return Plan(uses_db=True)
    order = _setup_order(item)
    handed: dict[Layer, str] = {}
    for name in order:
        definition = _definition(item, name)
        layer = getattr(getattr(definition, "func", None), _LAYER_ATTR, None)
        if isinstance(layer, Layer):
            handed[layer] = name
    if not handed:
        return Plan(uses_db=True)
    top = max(handed, key=lambda layer: len(layer.stack()))
    if set(handed) - set(top.stack()):
        return Plan(uses_db=True)  # two stacks side by side (two kits): nothing is shared
    shared: list[Layer] = []
    for layer in top.stack():
        fixture = handed.get(layer)
        if fixture is None or not _set_up_cleanly_before(item, order, fixture, handed):
            break
        shared.append(layer)
    return Plan(uses_db=True, layers=tuple(shared))


def _set_up_cleanly_before(item: pytest.Item, order: list[str], name: str, handed: dict[Layer, str]) -> bool:
    """Whether every function-scoped fixture set up before `name` leaves what the build reads as it is."""
    arguments = set(_definition(item, name).argnames)
    layer_fixtures = set(handed.values())
    for before in order[: order.index(name)]:
        definition = _definition(item, before)
        if definition.scope != "function" or before in NEUTRAL or before in layer_fixtures:
            continue
        if before in arguments or getattr(definition.func, _NEUTRAL_ATTR, False):
            continue
        return False
    return True


@dataclass
class _Built:
    layer: Layer
    atomic: Any
    objects: dict[str, Any]  # the objects of this layer and those below, as the build left them
    serials: dict[str, int]


@dataclass
class SharedTestData:
    """The layers built in this process, one transaction level each (the bottom one the outermost)."""

    blocker: Any  # pytest-django's django_db_blocker
    counters: Sequence[ModuleType]  # the factories whose `_serial` numbers what must be unique
    fresh: Callable[[], None]  # forgets what the process keeps of the database (the calendar's cache)
    using: str = DEFAULT_DB_ALIAS
    built: list[_Built] = field(default_factory=list)
    prepares: int = 0  # times `prepare` was called, and what its last call built (tests read them)
    last_built: tuple[str, ...] = ()

    def prepare(self, layers: tuple[Layer, ...]) -> None:
        """Leave the database holding exactly `layers` (the bottom first) and nothing else of them."""
        with self.blocker.unblock():
            self._check()
            keep = 0
            while keep < min(len(layers), len(self.built)) and self.built[keep].layer == layers[keep]:
                keep += 1
            self._release(keep)
            for layer in layers[keep:]:
                self._build(layer)
            self.prepares += 1
            self.last_built = tuple(layer.key for layer in layers[keep:])

    def release(self) -> None:
        with self.blocker.unblock():
            self._check()
            self._release(0)

    def current(self) -> tuple[Layer, ...]:
        return tuple(built.layer for built in self.built)

    def copies(self) -> dict[str, Any]:
        """A test's own copies of the objects of every layer built (deep-copied together: the kit's
        `world` is the test's `world`)."""
        return copy.deepcopy(self.built[-1].objects) if self.built else {}

    def serials(self) -> dict[str, int]:
        return dict(self.built[-1].serials) if self.built else {}

    def _check(self) -> None:
        """A test that ended the layers' transaction (a connection closed inside it) leaves them gone:
        roll back whatever is left of it, and they are built again when next needed."""
        connection = connections[self.using]
        mine = [built.atomic for built in self.built]
        if list(connection.atomic_blocks) == mine and not connection.needs_rollback:
            return
        self.built.clear()
        for block in reversed(list(connection.atomic_blocks)):
            transaction.set_rollback(True, using=self.using)
            block.__exit__(None, None, None)

    def _release(self, keep: int) -> None:
        while len(self.built) > keep:
            built = self.built.pop()
            transaction.set_rollback(True, using=self.using)
            built.atomic.__exit__(None, None, None)
        self.fresh()

    def _build(self, layer: Layer) -> None:
        import time_machine

        below = self.built[-1] if self.built else None
        start = below.serials if below else {}
        for module in self.counters:
            module._serial = itertools.count(start.get(module.__name__, 1))  # type: ignore[attr-defined]
        self.fresh()
        atomic = transaction.atomic(using=self.using)
        # Django lets a durable atomic block and our after-commit side effects (root conftest) run inside
        # a test case's own blocks only: the layers are that, below the test's.
        atomic._from_testcase = True  # type: ignore[attr-defined]
        atomic.__enter__()
        try:
            objects = copy.deepcopy(below.objects) if below else {}
            clock = time_machine.travel(layer.clock, tick=False) if layer.clock else contextlib.nullcontext()
            with clock:
                objects[layer.key] = layer.build(objects)
            kept = copy.deepcopy(objects)
        except BaseException:
            transaction.set_rollback(True, using=self.using)
            atomic.__exit__(*sys.exc_info())
            self.fresh()
            raise
        self.fresh()
        serials = {}
        for module in self.counters:
            serials[module.__name__] = next(module._serial)  # type: ignore[attr-defined]
        self.built.append(_Built(layer, atomic, kept, serials))


# --- pytest plumbing (the root conftest calls these) -----------------------------------------------------


def before_setup(item: pytest.Item) -> None:
    """Called before the item's fixtures are set up: its plan, and the layers it needs in place."""
    plan = plan_for(item)
    item.stash[_PLAN] = plan
    manager = item.config.stash.get(_MANAGER, None)
    if manager is None:
        # No layer built in this process yet: `session_manager` prepares them when a layer's fixture
        # first asks (it is session-scoped, so it is set up before the test's transaction opens).
        item.config.stash[_PENDING] = plan
    elif plan.uses_db:
        manager.prepare(plan.layers)


@contextlib.contextmanager
def session_manager(
    config: pytest.Config, blocker: Any, *, counters: Sequence[ModuleType], fresh: Callable[[], None]
) -> Iterator[SharedTestData]:
    manager = SharedTestData(blocker=blocker, counters=counters, fresh=fresh)
    config.stash[_MANAGER] = manager
    pending = config.stash.get(_PENDING, Plan(uses_db=False))
    if pending.uses_db:
        manager.prepare(pending.layers)
    try:
        yield manager
    finally:
        del config.stash[_MANAGER]
        manager.release()


def manager_of(request: pytest.FixtureRequest) -> SharedTestData | None:
    return request.config.stash.get(_MANAGER, None)


def objects(request: pytest.FixtureRequest, layer: Layer, build: Callable[[], Any]) -> Any:
    """The test's copy of `layer`'s objects when it shares the layer; otherwise `build()` (per test)."""
    node = request.node
    plan = node.stash.get(_PLAN, None)
    if plan is None or layer not in plan.layers:
        return build()
    manager = manager_of(request)
    if manager is None or manager.current() != plan.layers:
        raise RuntimeError(f"shared test data {layer.key!r}: the database does not hold this test's layers")
    copies = node.stash.get(_COPIES, None)
    if copies is None:
        copies = node.stash[_COPIES] = manager.copies()
    return copies[layer.key]


def serials(request: pytest.FixtureRequest) -> dict[str, int]:
    """Where the factories' counters start for this test: after the shared layers' builds, else at 1."""
    plan = request.node.stash.get(_PLAN, None)
    manager = manager_of(request)
    if plan is None or not plan.layers or manager is None:
        return {}
    return manager.serials()


def plan_of(node: pytest.Item) -> Plan | None:
    return node.stash.get(_PLAN, None)
