"""The import boundaries between apps (docs/architecture.md, "Boundaries"), read from the source.

1. **No upward imports.** The foundation stands below every domain and in this order:
   core < audit < org < law (and `zhifa.foundation.*` beside law). A foundation module imports
   nothing above its own layer; the domains (powers, officers, enforcement, public, supervision) may
   import the foundation.
2. **Public modules only.** An app imports another app only through that app's public modules:
   `selectors`, `services`, `hooks`, `api`, `factories`, `demo`, and the few named in `EXTRA_PUBLIC`
   (vocabularies and declared tables). `core` and `law` are toolkits: every module of theirs is public.
   Another app's `models` may be imported for foreign keys and writes (models, services, admin …),
3. but **never from views, selectors or API modules**: they read other apps through their selectors.

Tests, migrations and `zhifa.config` (the composition root) are not checked: tests set up and assert
on any app's rows. What is known to break a rule today is listed in `ALLOWED` with its reason; an
entry that no longer matches anything fails the test too, so the list only shrinks.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

import zhifa

SRC = Path(zhifa.__file__).resolve().parent.parent

APPS = (
    "zhifa.core",
    "zhifa.audit",
    "zhifa.org",
    "zhifa.law",
    "zhifa.foundation",
    "zhifa.powers",
    "zhifa.officers",
    "zhifa.enforcement.cases",
    "zhifa.enforcement.evidence",
    "zhifa.enforcement.documents",
    "zhifa.enforcement.seizures",
    "zhifa.enforcement.inspections",
    "zhifa.public.complaints",
    "zhifa.supervision.normative",
    "zhifa.public.portal",
    "zhifa.foundation.alerts",
    "zhifa.foundation.deadlines",
    "zhifa.supervision.stats",
    "zhifa.supervision.reviews",
    "zhifa.supervision.appeals",
    "zhifa.supervision.assessment",
    "zhifa.supervision.centre",
    "zhifa.supervision",
    "zhifa.public",
    "zhifa.enforcement",
)
FOUNDATION_LAYER = {"zhifa.core": 0, "zhifa.audit": 1, "zhifa.org": 2, "zhifa.law": 3, "zhifa.foundation": 3}
DOMAIN_LAYER = 10
TOOLKITS = frozenset({"zhifa.core", "zhifa.law"})
PUBLIC = frozenset({"selectors", "services", "hooks", "api", "factories", "demo", "models", "indicators"})
EXTRA_PUBLIC = {
    "zhifa.org": frozenset({"roles"}),  # the role names (re-exported from core.roles)
    "zhifa.officers": frozenset({"rules"}),  # who may enforce what: pure rules over credentials
    "zhifa.powers": frozenset({"discretion"}),  # the discretion tiers of a power item: pure rules
    "zhifa.enforcement.cases": frozenset({"workflow"}),  # the table, drawn by the portal
    "zhifa.foundation.alerts": frozenset({"kinds"}),  # register_kind, the alerts' hook
    # register_recompute (the one recompute); DeadlineRows, a domain model's prefetchable engine rows
    "zhifa.foundation.deadlines": frozenset({"provisional", "relation"}),
    "zhifa.supervision.stats": frozenset({"charts"}),  # server-side SVG charts: pure drawing, no data
}
READERS = ("views", "selectors", "api")  # module kinds that read other apps through selectors only

# (importing module, imported module) → why it is still allowed. Fix and delete; never add lightly.
ALLOWED: dict[tuple[str, str], str] = {
    ("zhifa.public.portal.urls", "zhifa.public.complaints.views_public"): (
        "the public complaint pages are mounted in the portal's URL space"
    ),
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.importer} imports {self.imported}: {self.rule}"


def app_of(module: str) -> str | None:
    best = None
    for app in APPS:
        if (module == app or module.startswith(app + ".")) and (best is None or len(app) > len(best)):
            best = app
    return best


def layer(app: str) -> int:
    return FOUNDATION_LAYER.get(app, DOMAIN_LAYER)


def exempt(module: str) -> bool:
    parts = module.split(".")
    return (
        module.startswith("zhifa.config")
        or "tests" in parts
        or "migrations" in parts
        or parts[-1] == "conftest"
    )


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) for each absolute import; `from pkg import mod` also yields `pkg.mod`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if app_of(node.module) == node.module:  # from an app's package: the names are its modules
                found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, node.module))
    return found


@functools.cache
def _file_imports(path: Path) -> tuple[tuple[int, str], ...]:
    """The imports of one file of the tree, parsed once for the three tests that walk the tree (each
    parsed all ~1,400 files again: ~2 s of CPU; docs/benchmarks.md, "branch testcpu")."""
    return tuple(_imports(ast.parse(path.read_text(encoding="utf-8"))))


def check_source(module: str, source: str, path: str = "", *, allowlist: bool = True) -> list[Violation]:
    """The boundary violations of one module's source (the function the test runs on every file, and
    on planted sources to show that it catches them)."""
    return check_imports(module, lambda: _imports(ast.parse(source)), path, allowlist=allowlist)


def check_imports(
    module: str,
    imports: Callable[[], Iterable[tuple[int, str]]],
    path: str = "",
    *,
    allowlist: bool = True,
) -> list[Violation]:
    """`check_source` on the module's imports (line, module), read only if the module is checked."""
    importer_app = app_of(module)
    if importer_app is None or exempt(module):
        return []
    kind = module[len(importer_app) + 1 :].split(".", maxsplit=1)[0]
    found: list[Violation] = []
    for line, imported in imports():
        target_app = app_of(imported)
        if target_app is None or target_app == importer_app:
            continue
        target_module = imported[len(target_app) + 1 :].split(".")[0]

        def add(rule: str, imported: str = imported, line: int = line) -> None:
            found.append(Violation(path or module, line, module, imported, rule))

        if layer(importer_app) < DOMAIN_LAYER and layer(target_app) > layer(importer_app):
            add(f"upward import ({importer_app} must not depend on {target_app})")
        if target_app in TOOLKITS or not target_module:
            continue
        if target_module not in PUBLIC | EXTRA_PUBLIC.get(target_app, frozenset()):
            add(f"{target_module} is not a public module of {target_app}")
        elif target_module == "models" and kind.startswith(READERS):
            add(f"{kind} reads another app's models: use {target_app}.selectors")
    return [v for v in found if not allowlist or (v.importer, v.imported) not in ALLOWED]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")


def tree_violations() -> list[Violation]:
    found: list[Violation] = []
    for path in sorted((SRC / "zhifa").rglob("*.py")):
        found.extend(
            check_imports(
                module_name(path), functools.partial(_file_imports, path), str(path.relative_to(SRC))
            )
        )
    return found


def test_the_tree_keeps_its_boundaries() -> None:
    violations = tree_violations()
    assert not violations, "import boundaries broken:\n" + "\n".join(map(str, violations))


def test_every_allowlisted_import_still_exists() -> None:
    """An allowance that matches nothing any more is deleted, so the list only shrinks."""
    seen = set()
    for path in sorted((SRC / "zhifa").rglob("*.py")):
        module = module_name(path)
        for _line, imported in _file_imports(path):
            seen.add((module, imported))
    assert not set(ALLOWED) - seen, sorted(set(ALLOWED) - seen)


def test_core_imports_no_app_above_it_and_audit_and_org_form_no_loop() -> None:
    graph: dict[str, set[str]] = {}
    for path in sorted((SRC / "zhifa").rglob("*.py")):
        module = module_name(path)
        app = app_of(module)
        if app is None or exempt(module):
            continue
        for _line, imported in _file_imports(path):
            target = app_of(imported)
            if target and target != app:
                graph.setdefault(app, set()).add(target)
    assert graph.get("zhifa.core", set()) == set()  # core imports no other app: no core ↔ org loop
    assert "zhifa.org" not in graph.get("zhifa.audit", set())  # org audits its writes; audit needs no org


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "zhifa.core.planted",
            "from zhifa.enforcement.cases.services import case_apply_event\n",
            "zhifa.core.planted imports zhifa.enforcement.cases.services: upward import",
        ),
        (
            "zhifa.audit.planted",
            "import zhifa.org.selectors\n",
            "zhifa.audit.planted imports zhifa.org.selectors: upward import (zhifa.audit must not depend on zhifa.org)",
        ),
        (
            "zhifa.public.portal.views",
            "def f():\n    from zhifa.enforcement.seizures.models import SeizedItem\n",
            "zhifa.public.portal.views imports zhifa.enforcement.seizures.models: views reads another app's models",
        ),
        (
            "zhifa.supervision.stats.selectors",
            "from zhifa.enforcement.cases.models import Case\n",
            "selectors reads another app's models: use zhifa.enforcement.cases.selectors",
        ),
        (
            "zhifa.enforcement.seizures.services",
            "from zhifa.enforcement.evidence import permissions\n",
            "imports zhifa.enforcement.evidence.permissions: permissions is not a public module",
        ),
    ],
)
def test_a_planted_forbidden_import_is_caught_and_named(module: str, source: str, expected: str) -> None:
    violations = [str(v) for v in check_source(module, source, allowlist=False)]
    assert violations and any(expected in v for v in violations), violations


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("zhifa.enforcement.seizures.services", "from zhifa.enforcement.cases.models import Case\n"),
        ("zhifa.public.portal.views", "from zhifa.enforcement.cases.selectors import case_number\n"),
        ("zhifa.org.services", "from zhifa.audit.services import audit_record\n"),
        ("zhifa.officers.views", "from zhifa.org.roles import Role\nfrom zhifa.core import access\n"),
        ("zhifa.enforcement.cases.tests.test_x", "from zhifa.officers.models import Officer\n"),
    ],
)
def test_what_the_rules_allow_passes(module: str, source: str) -> None:
    assert check_source(module, source) == []
