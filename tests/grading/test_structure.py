"""The grading package's structure: imports one way, no private names across modules, short
functions, and an import inside a function only with the reason next to it.

Every ``grading/*.py`` is parsed with ``ast`` (nothing is imported). The import graph counts
the imports inside functions too: a cycle that only a late import keeps from failing is
still a cycle. The checks are first run on small made-up packages, to show they can fail.
"""
import ast
import textwrap
from pathlib import Path

import pytest

PACKAGE = "grading"
GRADING = Path(__file__).resolve().parents[2] / PACKAGE
MAX_FUNCTION_LINES = 60
#: Not in a wing: ``python -m grading``'s entry point and the course's nbgrader configuration (a file nbgrader
#: loads), which import from the last wings by nature.
OUTSIDE_THE_WINGS = ("__main__", "nbgrader_config")


def read_package(folder):
    """``{module name: (source, ast.Module)}`` of a package's ``*.py`` files, sub-packages included: names are
    dotted below the package (``judge.link``; a sub-package's ``__init__`` is its own name, ``judge``)."""
    modules = {}
    folder = Path(folder)
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        source = path.read_text()
        modules[name] = (source, ast.parse(source, filename=str(path)))
    return modules


def _package_of(name, modules):
    """The dotted package (below the top) that module ``name`` lives in: ``judge`` for ``judge.link``."""
    is_package = any(other.startswith(name + ".") for other in modules) and name != ""
    return name if is_package else name.rpartition(".")[0]


def imported(node, package, modules, importer=""):
    """``[(module, name or None)]``: the package's modules an import statement reaches, with the
    names it takes from each (``None``: the module itself). ``importer``: the module that holds the
    statement (for relative imports)."""
    found = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            inner = ".".join(parts[1:])
            if parts[0] == package and inner in modules:
                found.append((inner, None))
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = _package_of(importer, modules).split(".") if importer else []
            base = [p for p in base if p]
            base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
            target = ".".join(base + ((node.module or "").split(".") if node.module else []))
        elif (node.module or "").split(".")[0] == package:
            target = ".".join((node.module or "").split(".")[1:])
        else:
            return found
        for alias in node.names:
            child = f"{target}.{alias.name}" if target else alias.name
            if child in modules:       # from grading.judge import wire: the module itself
                found.append((child, None))
            elif target in modules or target == "":
                found.append((target, alias.name))
    return found


def import_graph(modules, package=PACKAGE):
    """``{module: {module it imports}}``, imports anywhere in the module counted."""
    graph = {}
    for name, (_, tree) in modules.items():
        graph[name] = {target for node in ast.walk(tree)
                       for target, _ in imported(node, package, modules, name) if target not in (name, "")}
    return graph


def wing_of(module):
    """The wing (sub-package) a module belongs to; "" for the package's root modules."""
    return module.split(".")[0] if "." in module else ""


def against_the_wings(graph, wings, modules):
    """``["a -> b"]`` for each import from a wing to a wing after it in ``wings`` (the import order)."""
    order = {wing: i for i, wing in enumerate(wings)}
    wing = lambda m: m if m in wings and any(o.startswith(m + ".") for o in modules) else wing_of(m)  # noqa: E731
    return sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets
                  if order.get(wing(b), -1) > order.get(wing(a), len(wings)))


def find_cycle(graph):
    """One import cycle as ``[a, b, ..., a]``, or ``[]``."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return []

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


def private_uses(modules, package=PACKAGE):
    """``["module:line: what"]`` for each private (``_name``) name of one module used by another:
    ``from .x import _y``, or ``x._y`` with ``x`` a module of the package bound by an import."""
    uses = []
    for name, (_, tree) in modules.items():
        bound = {}
        for node in ast.walk(tree):
            for target, taken in imported(node, package, modules, name):
                if target == name:
                    continue
                if taken is not None and taken.startswith("_") and taken not in modules:
                    uses.append(f"{name}:{node.lineno}: from {target} import {taken}")
                if taken is None or taken in modules:
                    aliases = {a.asname or a.name.split(".")[-1] for a in node.names if taken is None
                               or a.name == taken}
                    bound.update({alias: taken or target for alias in aliases})
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in bound and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                uses.append(f"{name}:{node.lineno}: {node.value.id}.{node.attr}")
    return uses


def long_functions(modules, limit=MAX_FUNCTION_LINES):
    """``["module.function: N lines"]`` for each function longer than ``limit`` lines."""
    return [f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
            for name, (_, tree) in modules.items() for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > limit]


def unexplained_late_imports(modules):
    """``["module:line: import"]`` for each import inside a function without a comment on its
    line or on the line just above (the reason it is not at the top of the module). One comment
    may explain a group of imports (``import matplotlib`` / ``import matplotlib.pyplot``): an
    import right after an explained one (a blank line between them at most) is explained too."""
    found = []
    for name, (source, tree) in modules.items():
        lines = source.splitlines()
        late = sorted({node.lineno for function in ast.walk(tree)
                       if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
                       for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom))})
        explained = set()
        for number in late:
            line, above = lines[number - 1], lines[number - 2].strip()
            previous = number - 1
            while previous > 0 and not lines[previous - 1].strip():
                previous -= 1
            if "#" in line or above.startswith("#") or previous in explained:
                explained.add(number)
            else:
                found.append(f"{name}:{number}: {line.strip()}")
    return found


# -- the checks can fail: made-up packages ------------------------------------------------------

def _package(tmp_path, files):
    folder = tmp_path / "pkg"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(text))
    return read_package(folder)


def test_the_checks_catch_what_they_look_for(tmp_path):
    modules = _package(tmp_path, {
        "a": "from .b import thing\n",
        "b": "import os\n\n\ndef late():\n    from . import c\n    return c._secret + os.sep\n",
        "c": "def f():\n    from grading.a import thing\n    return thing\n\n\n_secret = 1\n",
        "d": "from .c import _secret\n\n\ndef g():\n    import json  # explained\n    return json\n",
        "e": "def long():\n" + "    x = 1\n" * 61 + "    return x\n",
    })
    graph = import_graph(modules, package="grading")
    assert graph == {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"c"}, "e": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []
    assert sorted(private_uses(modules, package="grading")) == ["b:6: c._secret", "d:1: from c import _secret"]
    assert long_functions(modules) == ["e.long: 63 lines"]
    assert unexplained_late_imports(modules) == ["b:5: from . import c", "c:2: from grading.a import thing"]


def test_the_wing_rule_catches_an_import_against_the_order(tmp_path):
    folder = tmp_path / "pkg"
    for name, text in {"__init__": "", "root": "", "low/__init__": "", "low/base": "",
                       "low/up": "from ..high.top import x\n", "high/__init__": "",
                       "high/top": "from grading.low import base\nfrom .near import y\nx = 1\n",
                       "high/near": "from grading.root import z\ny = 2\n"}.items():
        (folder / f"{name}.py").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.py").write_text(text)
    modules = read_package(folder)
    graph = import_graph(modules, package="grading")
    assert graph["high.top"] == {"low.base", "high.near"} and graph["low.up"] == {"high.top"}
    assert graph["high.near"] == {"root"}
    assert against_the_wings(graph, ("low", "", "high"), modules) == ["low.up -> high.top"]


# -- the grading package -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def grading_modules():
    modules = read_package(GRADING)
    assert {"cli.commands", "batch.pipeline", "worker.main", "batch.isolation", "records", "nbgrader_glue.api"} <= set(modules)
    return modules


def test_grading_imports_go_one_way(grading_modules):
    graph = import_graph(grading_modules)
    assert graph["batch.isolation"] >= {"worker.main"} and graph["worker.main"] >= {"records", "nbgrader_glue.api"}
    cycle = find_cycle(graph)
    assert not cycle, "import cycle in grading/: " + " -> ".join(cycle)


def test_grading_is_in_wings_imported_one_way(grading_modules):
    """Each sub-package is a wing named in grading.WINGS, whose order no import goes against."""
    from grading import WINGS

    wings = {name for name in grading_modules if "." not in name and any(m.startswith(name + ".") for m in grading_modules)}
    assert wings == set(WINGS) - {""}, f"sub-packages {sorted(wings)} against grading.WINGS {WINGS}"
    graph = {name: targets for name, targets in import_graph(grading_modules).items() if name not in OUTSIDE_THE_WINGS}
    against = against_the_wings(graph, WINGS, grading_modules)
    assert not against, "imports against the wings' order (grading.WINGS):\n" + "\n".join(against)


def test_no_grading_module_uses_another_ones_private_names(grading_modules):
    assert not private_uses(grading_modules), "\n".join(private_uses(grading_modules))


def test_grading_functions_are_short(grading_modules):
    assert not long_functions(grading_modules), "\n".join(long_functions(grading_modules))


def test_imports_inside_functions_say_why(grading_modules):
    late = unexplained_late_imports(grading_modules)
    assert not late, "imports inside functions without a reason (a comment):\n" + "\n".join(late)


# -- the helpers package (the same rules: the notebooks' building blocks and their checks) -------

HELPERS = GRADING.parent / "helpers"


@pytest.mark.parametrize("folder", [HELPERS, HELPERS / "checks"], ids=["helpers", "helpers.checks"])
def test_helpers_import_one_way_and_keep_functions_short(folder):
    modules = read_package(folder)
    cycle = find_cycle(import_graph(modules))
    assert not cycle, f"import cycle in {folder.name}/: " + " -> ".join(cycle)
    assert not private_uses(modules), "\n".join(private_uses(modules))
    assert not long_functions(modules), "\n".join(long_functions(modules))
