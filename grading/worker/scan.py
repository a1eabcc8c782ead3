"""Static scan of a submission's code for attempts to tamper with grading.

The score never depends on this scan (the judge decides outside the kernel, :mod:`grading.judge`);
it only tells the instructor who tried. Each finding is a note naming the student, the notebook
and the cell. Looked for, in the student's code cells (``ast``, no execution):

* assignment, ``setattr`` or ``del`` on an attribute of an imported module (``checks.check_x = ...``,
  ``np.allclose = ...``, ``helpers.checks.core.fail = ...``), or on ``builtins``;
* ``sys.modules`` changed (a fake module put in place of a real one);
* IPython's error display replaced: ``set_custom_exc``, ``showtraceback``, ``InteractiveTB``;
* ``exec``, ``eval`` or ``compile`` of anything but a string literal (code hidden in built strings);
* ``__import__`` / ``importlib`` of ``helpers`` or of grading internals, and the judge's shim name;
* classes that define ``__eq__`` (an answer that claims to equal anything);
* text that imitates the checks' success line, or the judge's own messages;
* a search for code outside the notebook: ``sys.modules`` read (under any name ``sys`` is imported as),
  ``gc.get_objects`` / ``get_referrers`` / ``get_referents`` (the kernel's memory searched for a function);
* a notebook file named (``"....ipynb"``): its working copy read, for the test cells' hidden cases.
"""
import ast

from grading.judge.check_calls import parse_cell

MEMORY_SEARCHES = ("get_objects", "get_referrers", "get_referents")
SUSPECT_ATTRIBUTES = ("set_custom_exc", "showtraceback", "_showtraceback", "InteractiveTB", "showsyntaxerror")
CODE_RUNNERS = ("exec", "eval", "compile")


def _imported_names(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names | {"builtins", "__builtins__", "sys", "np", "numpy", "checks", "helpers"}


def _sys_aliases(tree):
    """The names ``sys`` is bound to in ``tree`` (``import sys as _s``), ``sys`` itself included."""
    return {"sys"} | {alias.asname for node in ast.walk(tree) if isinstance(node, ast.Import)
                      for alias in node.names if alias.name == "sys" and alias.asname}


def _root(node):
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def scan_source(source, modules=frozenset()):
    """Findings (short sentences) for one cell's ``source``; ``modules``: names imported anywhere
    in the notebook (a module imported in one cell can be patched in another)."""
    tree = parse_cell(source)
    if tree is None:
        return []
    modules = set(modules) | _imported_names(tree)
    found = _searches(tree)
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            if isinstance(target, ast.Attribute) and _root(target) in modules:
                found.append(f"assigns to {_dotted(target)} (changes an imported module)")
            elif isinstance(target, ast.Subscript) and _dotted(target.value).endswith("sys.modules") or \
                    isinstance(target, ast.Subscript) and _dotted(target.value) == "modules":
                found.append("changes sys.modules")
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            last = name.rsplit(".", 1)[-1]
            if last in ("setattr", "delattr") and node.args and _root(node.args[0]) in modules | {"sys"}:
                found.append(f"{last} on {_dotted(node.args[0]) or 'a module'}")
            if last in SUSPECT_ATTRIBUTES:
                found.append(f"calls {name} (IPython's error display)")
            if name in CODE_RUNNERS and node.args and not isinstance(node.args[0], ast.Constant):
                found.append(f"{name}() of code built at run time")
            if (last == "__import__" or name.startswith("importlib.")) and node.args:
                first = node.args[0]
                if not isinstance(first, ast.Constant) or str(first.value).split(".")[0] in ("helpers", "grading"):
                    found.append(f"{name}() of {ast.unparse(first)[:60]}")
            if name.endswith("sys.modules.update") or name.endswith("sys.modules.__setitem__") \
                    or name.endswith("sys.modules.pop"):
                found.append("changes sys.modules")
        if isinstance(node, ast.Attribute):
            if node.attr in SUSPECT_ATTRIBUTES and not isinstance(getattr(node, "ctx", None), ast.Load):
                found.append(f"replaces {node.attr} (IPython's error display)")
            if node.attr == "modules" and _dotted(node) == "sys.modules" and isinstance(node.ctx, ast.Store):
                found.append("replaces sys.modules")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "all tests passed" in node.value or "\u2714" in node.value:
                found.append("prints a success line of the checks")
            if "nnfs-judge" in node.value or "nnfs_judge" in node.value:
                found.append("talks to the grading judge")
        if isinstance(node, ast.Name) and node.id.startswith("_nnfs_judge"):
            found.append(f"uses the grading judge's name {node.id}")
        if isinstance(node, ast.FunctionDef) and node.name in ("__eq__", "__ne__", "__bool__", "__array_ufunc__"):
            found.append(f"defines {node.name} (an answer that may claim to be right)")
    return sorted(set(found))


def _searches(tree):
    """Findings of code that looks outside the notebook: modules, the kernel's memory, the notebook file."""
    found, sys_names = [], _sys_aliases(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "modules" and isinstance(node.value, ast.Name) \
                and node.value.id in sys_names and isinstance(node.ctx, ast.Load):
            found.append("reads sys.modules (looks for code outside the notebook)")
        if isinstance(node, ast.Call) and _dotted(node.func).rsplit(".", 1)[-1] in MEMORY_SEARCHES:
            found.append(f"calls {_dotted(node.func)} (searches the kernel's memory)")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ".ipynb" in node.value:
            found.append("names a notebook file (reads the notebook it is graded from?)")
    return found


def scan_notebook(nb, student, notebook):
    """Notes for every student-written code cell of ``nb`` (answer cells and added cells) with
    findings; locked cells are the course's own and are restored before grading anyway."""
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    modules = set()
    for tree in map(parse_cell, sources):
        if tree is not None:
            modules |= _imported_names(tree)
    notes = []
    for number, cell in enumerate(nb.cells, start=1):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("locked"):
            continue
        findings = scan_source(cell.source, modules)
        if findings:
            label = f"cell {meta['grade_id']}" if meta.get("grade_id") else f"cell {number}"
            notes.append(f"possible tampering: {student}, {notebook}, {label}: " + "; ".join(findings))
    return notes
