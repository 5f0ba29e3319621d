"""The shape of the code: data flows one way, so no module imports one that imports it
back (also through imports inside functions, which hide a circle from Python but not from
a reader)."""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kxreport"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """kxreport module -> the kxreport modules it imports anywhere in its code."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                target = (
                    (f"{base}.{node.module}" if node.module else base)
                    if node.level
                    else (node.module or "")
                )
                for alias in node.names:  # “from . import docx” names a module
                    if f"{target}.{alias.name}" in modules:
                        found.add(f"{target}.{alias.name}")
                if target in modules:
                    found.add(target)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in modules}
        found.discard(name)
        # a subpackage's own __init__ (“from . import words” names the package too)
        found = {m for m in found if not (m != "kxreport" and name.startswith(m + "."))}
        graph[name] = found
    return graph


def test_no_module_imports_one_that_imports_it_back():
    graph = import_graph()
    assert "kxreport.loader" in graph and "kxreport.source" in graph
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import circle: {' -> '.join(exc.args[1])}") from None
    assert set(order) == set(graph)


def test_the_located_yaml_layer_is_the_ground_floor():
    graph = import_graph()
    below = {"kxreport.errors", "kxreport.files", "kxreport.text", "kxreport.yamltraps"}
    assert graph["kxreport.source"] <= below
    for module in ("kxreport.checks", "kxreport.content", "kxreport.include", "kxreport.messages"):
        assert "kxreport.loader" not in graph[module], module


def test_each_module_imports_alone_in_a_fresh_interpreter():
    graph = import_graph()
    order = [m for m in TopologicalSorter(graph).static_order() if m != "kxreport.__main__"]
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    for module in order:  # in dependency order, each first in its own interpreter
        done = subprocess.run(
            [sys.executable, "-c", code, module], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (module, done.stderr[-2000:])
