"""Which cells of a notebook grading runs: everything but the demonstrations no grade needs.

The source notebooks tag their pure demonstrations (training runs, sweeps, plots, the
measurements behind the lesson's claims) ``demo``, and the optional 0-point challenges
(an ungraded answer cell and its check) ``challenge``. Grading (autograde and ``python -m grading validate``) does not run those
cells, unless a cell that does run needs a name that only they define: a student's answer
that reads a demonstration's variable still gets it. Every other cell runs, the cells a
student added included.

The dependencies are found statically, per cell (after IPython's syntax, ``%magics`` and
``!commands``, is turned into Python):

* the names a cell *defines* at top level (assignments, ``def``, ``class``, ``import``,
  ``for`` targets, ``global`` assignments in its functions);
* the names it *uses* at once: top-level reads (and reads in comprehensions and class
  bodies) of names that no earlier statement of the same cell defined;
* the names it uses *later*: global reads inside its functions and lambdas, which run
  whenever they are called, so a definition anywhere in the notebook may be the one
  they see.

A skippable cell runs when it defines a name that a running cell after it uses at once,
or that a running cell anywhere uses later; a cell that reaches the namespace
dynamically (``eval``, ``exec``, ``globals()``, ``get_ipython()``, ``__main__``, magics...)
makes every skippable cell before it run (anywhere, when that happens inside a function).
The rule is applied until nothing changes, since a cell that runs brings its own needs.
This errs towards running cells: a cell run that was not needed costs time, never points.
"""
import ast
import symtable
from dataclasses import dataclass
from functools import lru_cache

from IPython.core.inputtransformer2 import TransformerManager

DEMO_TAG = "demo"
CHALLENGE_TAG = "challenge"
#: Cells with one of these tags are not run by grading (unless a running cell needs them).
SKIP_TAGS = frozenset({DEMO_TAG, CHALLENGE_TAG})

#: Names through which code reaches the notebook's namespace without naming the variable.
DYNAMIC_NAMES = frozenset({
    "eval", "exec", "globals", "locals", "vars", "get_ipython", "__import__", "__main__",
    "__builtins__", "__builtin__", "builtins",
})

#: Nested scopes that run when their cell runs (their reads are "at once").
_IMMEDIATE_SCOPES = frozenset({"listcomp", "setcomp", "dictcomp"})


def tags(cell):
    """The cell's tags (``cell.metadata.tags``), as a set."""
    return set(cell.get("metadata", {}).get("tags", []) or [])


def is_skippable(cell):
    """A code cell tagged ``demo`` or ``challenge`` that is not graded.

    Graded cells (answers with points, tests) always run, whatever tags a submission gives
    them. A challenge's check may be a locked cell; a set-up cell that a submission tags
    is still run, since the cells after it need what it defines.
    """
    if cell.get("cell_type") != "code" or not (tags(cell) & SKIP_TAGS):
        return False
    return not (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade")


@dataclass(frozen=True)
class CellNames:
    """What one cell defines and reads (see the module's docstring)."""

    defines: frozenset = frozenset()
    uses: frozenset = frozenset()        # at once, from earlier cells
    uses_later: frozenset = frozenset()  # when its functions are called
    dynamic: bool = False                # reaches the namespace by other means, at once
    dynamic_later: bool = False          # ... inside its functions


def parse_cell(source):
    """``(python, module)``: a code cell's source as Python (IPython's syntax, magics and
    ``!shell``, turned into Python where plain Python does not parse: that is slow) and its
    ``ast.Module``."""
    try:
        return source, ast.parse(source)
    except SyntaxError:
        python = TransformerManager().transform_cell(source)
        return python, ast.parse(python)


def _scope_reads(table, names, later):
    """Add the global reads of ``table``'s nested scopes to ``names`` (at once) or ``later``."""
    for child in table.get_children():
        deferred = child.get_type() == "function" and child.get_name() not in _IMMEDIATE_SCOPES
        target = later if deferred else names
        for symbol in child.get_symbols():
            if symbol.is_referenced() and symbol.is_global():
                target.add(symbol.get_name())
        _scope_reads(child, later if deferred else names, later)


def _scope_global_stores(table, names):
    """Add the names that functions of ``table`` assign through a ``global`` statement."""
    for child in table.get_children():
        for symbol in child.get_symbols():
            if symbol.is_declared_global() and symbol.is_assigned():
                names.add(symbol.get_name())
        _scope_global_stores(child, names)


_JUMPS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _cut_dead_code(node):
    """Remove, in place, the statements of ``node`` that follow a ``return``, ``raise``,
    ``continue`` or ``break`` in the same block (they never run: a blank exercise is
    ``raise NotImplementedError()`` followed by the rest of the function). True if any.
    Only blocks of statements are visited: expressions hold none."""
    cut = False
    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
        block = getattr(node, name, None)
        if not isinstance(block, list):
            continue
        for index, child in enumerate(block):
            cut |= _cut_dead_code(child)
            if isinstance(child, _JUMPS) and index + 1 < len(block):
                del block[index + 1:]
                cut = True
                break
    return cut


def _statements(python, tree):
    """The source text of each top-level statement (whole lines, decorators included),
    without the code that can never run."""
    lines = python.splitlines(keepends=True)
    for statement in tree.body:
        if _cut_dead_code(statement):
            yield ast.unparse(statement)
            continue
        first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])])
        yield "".join(lines[first - 1:statement.end_lineno])


@lru_cache(maxsize=4096)
def cell_names(source):
    """The :class:`CellNames` of a code cell's source. A cell that does not compile
    defines and reads nothing (it stops at its ``SyntaxError``)."""
    defines, uses, later, dynamic, dynamic_later = set(), set(), set(), False, False
    try:
        python, tree = parse_cell(source)
    except (SyntaxError, ValueError):
        return CellNames()
    for text in _statements(python, tree):
        try:
            table = symtable.symtable(text, "<cell>", "exec")
        except (SyntaxError, ValueError):
            break  # e.g. `return` outside a function: the cell stops here
        reads, reads_later = set(), set()
        for symbol in table.get_symbols():
            if symbol.is_referenced():
                reads.add(symbol.get_name())
        _scope_reads(table, reads, reads_later)
        uses |= reads - defines
        later |= reads_later
        dynamic |= bool(reads & DYNAMIC_NAMES)
        dynamic_later |= bool(reads_later & DYNAMIC_NAMES)
        for symbol in table.get_symbols():
            if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace():
                defines.add(symbol.get_name())
        _scope_global_stores(table, defines)
    dynamic |= "__main__" in defines
    return CellNames(frozenset(defines), frozenset(uses), frozenset(later), dynamic, dynamic_later)


@dataclass
class CellPlan:
    """What grading runs of one notebook: the indices of the cells it skips, and for each
    skippable cell that must run anyway, why (the names a running cell needs from it,
    or ``"dynamic"``)."""

    skipped: set
    needed: dict

    def skips(self, index):
        return index in self.skipped


def plan_cells(nb):
    """The :class:`CellPlan` of ``nb`` (a notebook node, or anything with ``cells``)."""
    cells = list(nb.cells)
    skippable = {i for i, cell in enumerate(cells) if is_skippable(cell)}
    names = {i: cell_names(cell.source) for i, cell in enumerate(cells)
             if cell.get("cell_type") == "code"}
    needed = {}
    changed = True
    while changed:
        changed = False
        running = [i for i in names if i not in skippable or i in needed]
        later = set().union(*(names[i].uses_later for i in running))
        dynamic_later = any(names[i].dynamic_later for i in running)
        wanted, dynamic = set(), False  # needs of the running cells after the current one
        for i in sorted(names, reverse=True):
            if i in skippable and i not in needed:
                why = names[i].defines & (wanted | later)
                if why or dynamic or dynamic_later:
                    needed[i] = sorted(why) or ["dynamic"]
                    changed = True
            if i not in skippable or i in needed:
                wanted |= names[i].uses
                dynamic |= names[i].dynamic
    return CellPlan(skippable - set(needed), needed)
