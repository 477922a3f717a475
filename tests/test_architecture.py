"""The layout rules of README's architecture section, checked on the code itself (imports and sizes).

Each rule says where a concern lives; a change that breaks one fails here with the file and the line, so the
structure cannot drift back unnoticed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "portal"

#: Longest page file, in lines: a page reads widgets, calls services and draws.
MAX_PAGE_LINES = 200
#: Longest library module, in lines, unless it is one cohesive list of words or a migration.
MAX_MODULE_LINES = 450
#: Modules allowed to be longer: data, not logic.
LONG_ON_PURPOSE = frozenset({"demo/words.py"})


def _python_files() -> list[Path]:
    files = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")), *sorted(SRC.rglob("*.py"))]
    return [f for f in files if "migrations" not in f.relative_to(REPO).parts]


def _where(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _type_only(tree: ast.Module) -> set[int]:
    """Return the ids of import nodes under ``if TYPE_CHECKING:`` (annotations only; nothing runs)."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            ids.update(id(n) for n in ast.walk(node))
    return ids


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line, module) for every import that runs in ``path``, relative imports resolved to ``portal.…``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_only(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = path.relative_to(SRC.parent).with_suffix("").parts[: -node.level]
                base = ".".join((*package, base)) if base else ".".join(package)
            yield node.lineno, base
            for alias in node.names:  # ``from portal import store`` imports the module ``portal.store``
                yield node.lineno, f"{base}.{alias.name}"


def _offences(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in files:
        for line, module in _imports(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                found.append(f"{_where(path)}:{line} imports {module}")
    return sorted(set(found))


def _inside(path: Path, *folders: str) -> bool:
    where = _where(path)
    return any(where == f or where.startswith(f + "/") for f in folders)


def test_only_the_store_speaks_sql():
    outside = [f for f in _python_files() if not _inside(f, "src/portal/store")]
    assert _offences(outside, ("sqlalchemy", "alembic", "psycopg", "sqlite3")) == []


def test_only_the_ui_imports_streamlit():
    outside = [f for f in _python_files() if not _inside(f, "src/portal/ui", "pages", "app.py")]
    assert _offences(outside, ("streamlit",)) == []


def test_pages_and_commands_reach_store_and_pipelines_only_through_services():
    """Pages, shared widgets and CLI commands call services; they may still use pure libraries directly."""
    callers = [f for f in _python_files()
               if _inside(f, "pages", "app.py", "src/portal/ui", "src/portal/commands", "src/portal/cli.py")]
    forbidden = ("portal.store", "portal.text.enrich", "portal.text.assign", "portal.text.clauses")
    assert _offences(callers, forbidden) == []


def test_pure_libraries_never_reach_up_into_services_or_the_ui():
    pure = [f for f in _python_files()
            if _inside(f, "src/portal/ingest", "src/portal/text", "src/portal/metrics", "src/portal/store",
                       "src/portal/compare", "src/portal/executive")]
    assert _offences(pure, ("portal.services", "portal.ui", "portal.commands", "portal.cli")) == []


def test_services_never_import_the_ui_or_the_cli():
    services = [f for f in _python_files() if _inside(f, "src/portal/services")]
    assert _offences(services, ("portal.ui", "portal.commands", "portal.cli", "streamlit")) == []


@pytest.mark.parametrize("path", sorted((REPO / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_are_thin(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_PAGE_LINES, f"{_where(path)} has {lines} lines; move drawing into ui/ and rules into the library"


def test_no_module_holds_two_concepts():
    long = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("migrations/") or rel in LONG_ON_PURPOSE:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            long.append(f"{rel}: {lines} lines")
    assert long == []


def test_the_projects_own_modules_are_never_imported_behind_an_import_error_guard():
    """A broken module must fail loudly, not silently drop sentiment or themes."""
    guarded = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            catches = any(isinstance(h.type, ast.Name) and h.type.id in {"ImportError", "ModuleNotFoundError"}
                          for h in node.handlers)
            body = ast.Module(body=node.body, type_ignores=[])
            own = [n for n in ast.walk(body) if isinstance(n, (ast.Import, ast.ImportFrom))
                   and any(m.startswith("portal") for m in _names(n))]
            if catches and own:
                guarded.append(f"{_where(path)}:{node.lineno}")
    assert guarded == []


def _names(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return ["portal" if node.level else (node.module or "")]
    return [a.name for a in node.names]


def test_one_error_handler_per_page():
    """A ``PortalError`` reaches the person through ``friendly_errors``, used once around each page."""
    for path in sorted((REPO / "pages").glob("*.py")):
        uses = path.read_text(encoding="utf-8").count("friendly_errors()")
        assert uses <= 1, f"{_where(path)} uses friendly_errors() {uses} times"


#: Longest function, in lines (docstring included): past this a function does several steps that want names.
MAX_FUNCTION_LINES = 60


def test_functions_are_split_into_named_steps():
    long = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{_where(path)}:{node.lineno} {node.name} has {lines} lines")
    assert long == []
