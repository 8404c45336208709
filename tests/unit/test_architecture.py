"""The layers of docs/architecture.md, enforced: who may import what, and no import cycles.

Imports are read from the source (every ``import`` statement, at module level or inside a
function, except under ``if TYPE_CHECKING:``), so a lazy import cannot hide a dependency or
a cycle. The rules are written out here, not derived from the code they check.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "supervise"

#: The domain: pure Python and the state-machine library; PyYAML for the settings loader.
DOMAIN = (
    "supervise.errors",
    "supervise.law",
    "supervise.states",
    "supervise.rules",
    "supervise.deadlines",
    "supervise.workdays",
    "supervise.validation",
    "supervise.clock",
    "supervise.model",
    "supervise.reminder_plan",
    "supervise.views",
    "supervise.ports",
    "supervise.config",
    "supervise.yaml_dataclasses",
    "supervise.notices.types",
    "supervise.notices.numbering",
    "supervise.notices.pii",
    "supervise.numerals",
    "supervise.redact",
    "supervise.inputs",
    "supervise.params",
    "supervise.userfiles",
    "supervise.permissions",
    "supervise.chain",
    "supervise.report_views",
    "supervise.report_html",
    "supervise.report_coverage",
    "supervise.report_coverage_html",
    "supervise.report_contracts",
    "supervise.report_contracts_html",
    "supervise.csvfiles",
    "supervise.user_yaml",
    "supervise.parse_cache",
    "supervise.areas",
    "supervise.orgrecord",
    "supervise.contracts",
    "supervise.evaluation",
)
FRAMEWORKS = ("sqlalchemy", "click", "jinja2", "weasyprint", "apscheduler", "alembic", "psycopg")
#: Adapters that only the composition root may name (the database adapter is the unit of
#: work, which services use directly).
CONCRETE_ADAPTERS = (
    "supervise.adapters.mail",
    "supervise.adapters.scheduler",
    "supervise.adapters.migrate",
    "supervise.notices.render",
    "supervise.notices.pdf",
    "supervise.notices.glyphs",
)


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "versions" not in p.parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> Iterator[str]:
    """Every module ``path`` imports (``from a import b`` gives ``a.b`` when that is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node)
        for stmt in node.body
        for child in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import module` depends on the module; `from module import name`
            # on the module.
            submodules = [f"{node.module}.{a.name}" for a in node.names]
            found = [m for m in submodules if _is_module(m)]
            yield from found
            if len(found) < len(submodules):
                yield node.module


def _is_module(name: str) -> bool:
    parts = name.split(".")
    if parts[0] not in ("supervise", "bench"):
        return False
    base = REPO.joinpath(*parts)
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _graph(folder: Path) -> dict[str, set[str]]:
    modules = {module_name(p): p for p in source_files(folder)}
    return {
        name: {
            imported for imported in imports_of(path) if imported in modules and imported != name
        }
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("folder", ["supervise", "bench"])
def test_no_import_cycles(folder: str) -> None:
    assert _cycles(_graph(REPO / folder)) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", DOMAIN)
def test_the_domain_imports_no_framework(module: str) -> None:
    path = PACKAGE.joinpath(*module.split(".")[1:])
    files = source_files(path) if path.is_dir() else [path.with_suffix(".py")]
    direct = sorted(m for f in files for m in imports_of(f) if m.split(".")[0] in FRAMEWORKS)
    assert direct == [], f"{module} imports {direct}"


def test_the_domain_loads_no_framework_even_indirectly() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in DOMAIN)
        + f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FRAMEWORKS!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]"


def test_law_imports_nothing_of_the_project() -> None:
    assert [m for m in imports_of(PACKAGE / "law.py") if m.startswith("supervise")] == []


@pytest.mark.parametrize("path", source_files(PACKAGE / "cli"), ids=lambda p: p.name)
def test_the_cli_goes_through_the_library_api(path: Path) -> None:
    """CLI modules import neither the ORM nor SQLAlchemy nor the services."""
    forbidden = [
        m
        for m in imports_of(path)
        if m.split(".")[0] == "sqlalchemy"
        or m.startswith(("supervise.adapters", "supervise.model", "supervise.services"))
    ]
    assert forbidden == []


@pytest.mark.parametrize(
    "path", source_files(PACKAGE / "services"), ids=lambda p: module_name(p, PACKAGE)
)
def test_services_reach_adapters_only_through_the_runtime(path: Path) -> None:
    imported = list(imports_of(path))
    concrete = [m for m in imported if m.startswith(CONCRETE_ADAPTERS)]
    entry_points = [
        m
        for m in imported
        if m.startswith(("supervise.cli", "supervise.office", "supervise.bootstrap"))
    ]
    assert concrete == [] and entry_points == []
    if path.name != "store.py":
        # Use cases speak in domain terms: the SQL of a capability is in its store module.
        sql = [m for m in imported if m.startswith(("sqlalchemy", "supervise.adapters.orm"))]
        assert sql == [], f"{path.name} builds SQL itself: {sql}"


def test_only_the_composition_root_names_concrete_adapters() -> None:
    naming = {
        module_name(p)
        for p in source_files(PACKAGE)
        if any(m.startswith(CONCRETE_ADAPTERS) for m in imports_of(p))
    }
    # Adapters may use each other (the SMTP transport builds on the message module); the
    # migrations' env reads the tables.
    allowed = {"supervise.bootstrap", "supervise.adapters.database"}
    assert {m for m in naming if not m.startswith(CONCRETE_ADAPTERS)} <= allowed


def test_only_the_database_adapter_catches_driver_errors() -> None:
    catching = sorted(
        module_name(p)
        for p in source_files(PACKAGE)
        if any(
            m.startswith("sqlalchemy.exc") or m.startswith("sqlalchemy.orm.exc")
            for m in imports_of(p)
        )
    )
    assert catching == ["supervise.adapters.database"]
