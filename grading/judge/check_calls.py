"""The check calls of a graded test cell: ``checks.check_sigmoid(sigmoid, shape=(2, 7), seed=2024)``.

One parser for the judge (which runs these calls itself, :mod:`grading.judge`), the student edition
(which compiles the visible calls, :mod:`grading.edition.build`) and the tests (which run the hidden calls'
arguments). A test cell holds only such calls: the check module's alias, a check name
(``check_*``), the student's function by its name, then literal arguments; calls between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` are hidden.
"""
import ast
from dataclasses import dataclass

from IPython.core.inputtransformer2 import TransformerManager

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


class CheckCellError(ValueError):
    """A test cell that is not a list of check calls (an authoring error of the course)."""


@dataclass(frozen=True)
class CheckCall:
    check: str        # "check_sigmoid"
    function: str     # the student's function, by name: "sigmoid"
    args: tuple       # further positional arguments (literals)
    kwargs: dict      # keyword arguments (literals)
    hidden: bool


def _hidden_lines(source):
    hidden, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif inside:
            hidden.add(number)
    return hidden


def parse_test_cell(source):
    """The :class:`CheckCall` list of a test cell's ``source``; :class:`CheckCellError` otherwise."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise CheckCellError(f"the test cell is not valid Python ({exc.msg}, line {exc.lineno})") from None
    hidden = _hidden_lines(source)
    calls = []
    for statement in tree.body:
        call = _check_call(statement, hidden)
        if call is None:
            raise CheckCellError(f"line {statement.lineno} of the test cell is not a call "
                                f"checks.check_NAME(function, ...)")
        calls.append(call)
    return calls


def check_calls_in(source):
    """The :class:`CheckCall` list of the statements of any code cell that are check calls (a challenge's cell
    calls its check among other code); none for a cell that is not valid Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    hidden = _hidden_lines(source)
    return [call for statement in tree.body for call in [_check_call(statement, hidden)] if call is not None]


def _check_call(statement, hidden):
    """The CheckCall that `statement` makes, None when it is not checks.check_NAME(function, ...)."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and call.func.attr.startswith("check_")
            and call.args and isinstance(call.args[0], ast.Name)):
        return None
    try:
        args = tuple(ast.literal_eval(arg) for arg in call.args[1:])
        kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
    except ValueError:
        raise CheckCellError(f"line {statement.lineno} of the test cell has an argument that is "
                            f"not a literal") from None
    if None in kwargs:
        raise CheckCellError(f"line {statement.lineno} of the test cell uses **arguments")
    return CheckCall(call.func.attr, call.args[0].id, args, kwargs, statement.lineno in hidden)


def is_check_cell(source):
    """True when ``source`` is a test cell of check calls, one the judge can decide."""
    try:
        return bool(parse_test_cell(source))
    except CheckCellError:
        return False


def parse_cell(source):
    """The ``ast`` of a notebook cell's code (IPython magics turned into Python first), or None."""
    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def is_graded_test_cell(cell):
    """True for a graded code cell that is not an answer cell: an autograder test cell."""
    # nbgrader.utils takes seconds to import, and the checks' tests use this module without nbgrader.
    from nbgrader import utils

    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def exercises(nb):
    """The names of the functions a notebook's graded test cells check, in order."""
    names = []
    for cell in nb.cells:
        if is_graded_test_cell(cell):
            for call in parse_test_cell(cell.source):
                if call.function not in names:
                    names.append(call.function)
    return names


def helpers_used(cells):
    """``{(helpers module, name)}`` that code ``cells`` use: ``from helpers.X import name``, or
    ``X.name`` after ``from helpers import X``."""
    trees = [tree for tree in (parse_cell(cell.source) for cell in cells if cell.cell_type == "code") if tree]
    used, aliases = set(), {}
    for node in (n for tree in trees for n in ast.walk(tree)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers."):
            used.update((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "helpers":
            aliases.update({alias.asname or alias.name: f"helpers.{alias.name}" for alias in node.names})
    for node in (n for tree in trees for n in ast.walk(tree)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            used.add((aliases[node.value.id], node.attr))
    return used
