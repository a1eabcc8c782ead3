"""The student edition of ``helpers``: what a student's kernel imports, with no answer in it.

``python -m grading release`` writes it to ``COURSE/release/helpers/`` for the released notebooks,
``python -m grading student-copies`` (``make lab``) beside the students' copies, and each grading template
one for its assignment, which the graded kernel imports (:mod:`grading.batch.jobs`). It holds:

* the check runtime (``helpers.checks``: core, engine, networks, tape), shipped as it is;
* the shared tools (data, plots, gradient checking, validation) and whatever the released notebooks use,
  cut down to the statements they need (:mod:`grading.edition.closure`): no function named like an
  exercise of the workbook, except the earlier notebooks' building blocks that a notebook uses on purpose
  (listed as revealed; a notebook's own answers are refused); a function a module names in ``AT_RELEASE``
  is shipped as its result, computed here;
* one module per released notebook's checks, generated here from the instructor's: its checks written
  as code (the names in the module's ``STUDENT_EDITION``) are copied, its tables are not, and every value
  the references and the named mistakes give on the notebook's visible test cases is stored beside it
  (``helpers.checks.tape``).

A module is compiled by running its generated source itself, with a recording tape backed by the
references, on every visible check call of the notebook, with the reference as the student's answer:
what ships is exactly what ran.
"""
import ast
import builtins
import contextlib
import functools
import importlib
import io
import json
import re
import shutil
import sys
import types
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path

import nbformat
import numpy as np

from helpers.checks import core, engine, tape
from helpers.checks.engine import Exercise, as_answer

from grading.edition.closure import Package, absolute_module, binds, first_line
from grading.judge.check_calls import check_calls_in, helpers_used

HELPERS = Path(engine.__file__).resolve().parent.parent
#: The notebooks whose checks are compiled (a new notebook joins once its checks module says what to copy).
COMPILED = ("01_shallow_network", "02_deep_network", "03_regularization", "04_dropout", "05_batch_normalization",
            "06_optimizers", "07_hyperparameters", "08_softmax", "09_practice")
#: Shipped as they are: the check runtime.
RUNTIME = ("checks/__init__.py", "checks/core.py", "checks/engine.py", "checks/networks.py", "checks/tape.py")
#: Shipped (their statements that no exercise's answer needs): the tools every notebook may use.
TOOLS = ("__init__.py", "validation.py", "data.py", "plots.py", "plots_optim.py", "gradcheck.py")
CHECKS_IMPORT = re.compile(r"from helpers\.checks import (\w+) as checks")


def _module_of(relative: str) -> str:
    """The module name of a file of helpers ("checks/core.py" -> "helpers.checks.core")."""
    return ".".join(["helpers", *Path(relative).with_suffix("").parts]).removesuffix(".__init__")


#: The helpers modules that a generated checks module may import (the others answer from its tape).
SHIPPED = {_module_of(relative) for relative in RUNTIME + TOOLS}


class EditionError(RuntimeError):
    """The edition cannot be built as asked (an authoring error of the course)."""


# --- what a notebook checks and uses -------------------------------------------------------------

@dataclass(frozen=True)
class NotebookChecks:
    """A notebook's checks module and the check calls of its visible tests (test cells and challenges)."""
    assignment: str
    module: str                       # "shallow" for helpers.checks.shallow
    calls: tuple                      # the visible CheckCalls, in the notebook's order
    used: frozenset = field(default=frozenset())    # {(helpers module, name)} its cells use, answers aside

    @classmethod
    def read(cls, assignment, path):
        nb = nbformat.read(str(path), as_version=4)
        module = next((m.group(1) for cell in nb.cells for m in [CHECKS_IMPORT.search(cell.source)] if m), None)
        if module is None:
            raise EditionError(f"{assignment} does not import its checks (from helpers.checks import X as checks)")
        calls = tuple(call for cell in nb.cells if cell.cell_type == "code"
                      for call in check_calls_in(cell.source) if not call.hidden)
        answers_left_out = (cell for cell in nb.cells
                            if not cell.get("metadata", {}).get("nbgrader", {}).get("solution"))
        return cls(assignment, module, calls, frozenset(helpers_used(answers_left_out)))


@dataclass(frozen=True)
class Exercises:
    """The exercises and challenges of the workbook: {checks module: their names}, and each checks module's
    reference module ({"deep": "helpers.deep"}, the module it imports as `ref`)."""
    names: dict
    references: dict

    @classmethod
    def read(cls) -> "Exercises":
        names, references = {}, {}
        for path in sorted((HELPERS / "checks").glob("*.py")):
            if f"checks/{path.name}" in RUNTIME:
                continue
            module = importlib.import_module(f"helpers.checks.{path.stem}")
            names[path.stem] = {name.removeprefix("check_") for name in vars(module) if name.startswith("check_")}
            reference = vars(module).get("ref")
            references[path.stem] = reference.__name__ if isinstance(reference, types.ModuleType) else None
        return cls(names, references)

    def any(self, name: str) -> bool:
        """`name` is an exercise of some notebook."""
        return any(name in names for names in self.names.values())

    def own(self, checks_module: str, module: str, name: str) -> bool:
        """module.name answers an exercise of the notebook of `checks_module`: it is named like one, and not in
        the reference module of another notebook with an exercise of that name (helpers.shallow.compute_cost is
        01's, not 02's; helpers.layers.relu, like helpers.deep.relu, is 02's)."""
        return name in self.names[checks_module] and not any(
            name in names and self.references[other] == module
            for other, names in self.names.items() if other != checks_module)


# --- the recording tape: the references, with every answer they give written down ----------------

class RecordingTape:
    """The tape that an edition module gets while it is compiled (``tape.current``): backed by the
    instructor's module, it records each value that the student edition will need."""

    def __init__(self, instructor):
        self.instructor = instructor
        self.arrays, self.calls, self.constants, self.exercises, self.changes = [], {}, {}, {}, {}
        self.generated = {}          # the namespace of the edition's module, once compile_module runs it

    def encode(self, value):
        return tape.encode(value, self.arrays)

    def module(self, name):
        return _RecordingModule(self, name, getattr(self.instructor, name))

    def recorded(self, name, original=None):
        original = getattr(self.instructor, name) if original is None else original

        @functools.wraps(original)                 # its signature too: a check may bind a call's arguments
        def recording(*args, **kwargs):
            key = tape.call_key(args, kwargs)      # before the call, which may draw from a generator argument
            arguments = {**dict(enumerate(args)), **kwargs}
            before = core.copy_inputs(arguments)
            result = original(*args, **kwargs)
            self.calls.setdefault(name, {})[key] = self.encode(result)
            changed = self.changed(before, arguments)
            if changed:                            # a generator drawn from, a dict of states updated in place
                self.changes.setdefault(name, {})[key] = changed
            return result
        recording.original = original
        return recording

    def changed(self, before: dict, after: dict) -> dict:
        """{position or name: its value after the call, encoded} of the arguments a call changed in place
        (`before`: copies of them), which the edition changes alike (helpers.checks.tape.changed_in_place)."""
        return {str(key): self.encode(value) for key, value in after.items()
                if tape.digest(before[key]) != tape.digest(value)}

    def table(self, name):
        return _recording_exercise(self, _instructor_exercise(self.instructor, name))

    def check(self, name):
        instructor_check = next(value for value in vars(self.instructor).values() if hasattr(value, "vary")
                                and getattr(value, "exercise", None) is not None and value.exercise.name == name)
        exercise, vary = self.table(name), instructor_check.vary
        self.exercises[name]["vary"] = None if vary is None else vary[0]
        if vary is not None:
            vary = (vary[0], self._recording_vary(name, vary[1]))
        return engine.check(exercise, vary)

    def _recording_vary(self, name, values):
        def recorded_values(arguments):
            found = values(arguments)
            self._case(name, arguments)["vary"] = self.encode(tuple(found))
            return found
        return recorded_values

    def composed_of(self, **blocks):
        return core.composed_of(**{name: getattr(block, "original", block) for name, block in blocks.items()})

    own_blocks = staticmethod(core.graded_on_its_own)     # compiled with the reference as the answer: either way

    def _case(self, name, case):
        return self.exercises[name]["cases"].setdefault(tape.digest(case), {})

    def data(self):
        return {"calls": self.calls, "constants": self.constants, "exercises": self.exercises,
                "changes": self.changes}


class _RecordingModule:
    def __init__(self, recording_tape, name, module):
        self._tape, self._name, self._module = recording_tape, name, module

    def __getattr__(self, attribute):
        value = getattr(self._module, attribute)
        name = f"{self._name}.{attribute}"
        if callable(value):
            return self._tape.recorded(name, value)
        self._tape.constants[name] = self._tape.encode(value)
        return value


def _instructor_exercise(instructor, name) -> Exercise:
    found = [value for value in vars(instructor).values() if isinstance(value, Exercise) and value.name == name]
    found += [value.exercise for value in vars(instructor).values()
              if isinstance(getattr(value, "exercise", None), Exercise) and value.exercise.name == name]
    if not found:
        raise EditionError(f"{instructor.__name__} has no exercise {name!r}")
    return found[0]


def _recording_exercise(recording_tape, exercise: Exercise) -> Exercise:
    """`exercise` with its inputs, reference, mistakes and per-case fields recorded as they run."""
    name = exercise.name
    if name not in recording_tape.exercises:
        static = {f.name: getattr(exercise, f.name) for f in fields(Exercise)
                  if f.name in ("name", "case", "outputs", "returns", "unmodified", "extra")}
        static.update(mistakes=[(wrong.id, wrong.hint) for wrong in exercise.mistakes],
                      blocks=list(exercise.blocks), per_case=exercise.per_case is not None)
        recording_tape.exercises[name] = {"static": recording_tape.encode(static), "cases": {}, "results": {},
                                          "vary": None}
    stored = recording_tape.exercises[name]

    def inputs(**case):
        made = exercise.inputs(**case)
        recording_tape._case(name, case)["inputs"] = recording_tape.encode(made)
        return made

    def per_case(**case):
        made = exercise.per_case(**case)
        recording_tape._case(name, case)["fields"] = recording_tape.encode(made)
        return made

    def recorded(function, args, who: str):
        """function(*args), stored for `who` ("expected", or a mistake's index) with the arguments that it changed
        in place (a bn_state), which the edition changes alike (helpers.checks.tape.changed_in_place)."""
        entry = stored["results"].setdefault(tape.call_key(args, {}), {"wrong": {}, "changed": {}})
        before = core.copy_inputs(dict(enumerate(args)))
        value = function(*args)
        (entry if who == "expected" else entry["wrong"])[who] = recording_tape.encode(value)
        changed = recording_tape.changed(before, dict(enumerate(args)))
        if changed:
            entry["changed"][who] = changed
        return value

    def reference(*args):
        return recorded(exercise.reference, args, "expected")

    def answer(index, wrong):
        return lambda *args: recorded(wrong.answer, args, str(index))

    return replace(exercise, inputs=inputs, reference=reference,
                   mistakes=tuple(replace(w, answer=answer(i, w)) for i, w in enumerate(exercise.mistakes)),
                   per_case=per_case if exercise.per_case is not None else None,
                   extra=_edition_side(recording_tape, exercise.extra),
                   returns=_edition_side(recording_tape, exercise.returns))


def _edition_side(recording_tape, function):
    """An extra (or returns) of the instructor's checks module, a function or a dataclass value, as the edition runs
    it: its copy in the edition's module, whose references answer from the recording tape (so that what they give
    is stored)."""
    if getattr(function, "__module__", None) != recording_tape.instructor.__name__:
        return function
    if isinstance(function, types.FunctionType):
        return lambda *args: recording_tape.generated.get(function.__name__, function)(*args)
    if is_dataclass(function):
        def copied(*args):
            made = recording_tape.generated.get(type(function).__name__)
            return (made(**{f.name: getattr(function, f.name) for f in fields(function)}) if made else function)(*args)
        return copied
    return function


# --- the edition's source: the checks written as code, the rest from the tape ----------------------

def _import_ships(node, package: str) -> bool:
    """An import the edition keeps: of the standard library, numpy, ... or of a shipped helpers module."""
    if isinstance(node, ast.Import):
        return not any(alias.name.split(".")[0] == "helpers" for alias in node.names)
    target = absolute_module(node, package)
    if not target.startswith("helpers"):
        return True
    if node.module is None:                                   # from .. import shallow as ref
        return all(f"{target}.{alias.name}" in SHIPPED for alias in node.names)
    return target in SHIPPED


def _segment(source: str, node) -> str:
    return "\n".join(source.splitlines()[first_line(node) - 1:node.end_lineno])


def _without_answer_docstring(source: str, node) -> str:
    """A shipped statement's source; a check function's docstring, which states the rule it checks (often the
    exercise's answer line: ``D = rng.random(A.shape) < keep_prob; ...``), replaced by a neutral one, since a
    student reads it with ``checks.check_x?``."""
    segment = _segment(source, node)
    body = getattr(node, "body", None)
    if not (isinstance(node, ast.FunctionDef) and node.name.startswith("check_") and body
            and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        return segment
    lines, start = segment.splitlines(), first_line(node)
    doc = body[0]
    indent = lines[doc.lineno - start][:doc.col_offset]
    exercise = node.name.removeprefix("check_")
    neutral = f'{indent}"""The visible test of {exercise} (student edition): call it on your function."""'
    return "\n".join(lines[:doc.lineno - start] + [neutral] + lines[doc.end_lineno - start + 1:])


def _loaded_names(nodes) -> set:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


class _TableChecks(ast.NodeTransformer):
    """check(TABLE, ...) -> _tape.check("table's name"): the engine's check of a table, on the stored data."""

    def __init__(self, instructor):
        self.instructor, self.replaced = instructor, 0

    def visit_Call(self, node):
        self.generic_visit(node)
        table = vars(self.instructor).get(node.args[0].id) if (
            isinstance(node.func, ast.Name) and node.func.id == "check" and node.args
            and isinstance(node.args[0], ast.Name)) else None
        if not isinstance(table, Exercise):
            return node
        self.replaced += 1
        return ast.Call(ast.Attribute(ast.Name("_tape", ast.Load()), "check", ast.Load()),
                        [ast.Constant(table.name)], [])


def _check_statement(instructor, node) -> str:
    """A table-made check's statement (check_x = check(X, ...), maybe wrapped: with_crash_hint(check(X), ...)),
    with the table's check made from the tape."""
    names = ", ".join(sorted(binds(node)))
    if not isinstance(node, ast.Assign):
        raise EditionError(f"{instructor.__name__}.{names} is written as code: add it to STUDENT_EDITION")
    transformer = _TableChecks(instructor)
    made = ast.fix_missing_locations(transformer.visit(ast.parse(ast.unparse(node)).body[0]))
    if not transformer.replaced:
        raise EditionError(f"{instructor.__name__}.{names} is not made by check(TABLE): add it to STUDENT_EDITION")
    return ast.unparse(made)


def edition_source(module_name: str) -> str:
    """The source of helpers.checks.<module_name> in the student edition (see the module's docstring)."""
    instructor = importlib.import_module(f"helpers.checks.{module_name}")
    source = Path(instructor.__file__).read_text()
    shipped = set(getattr(instructor, "STUDENT_EDITION", ()))
    imports, statements, checks = [], [], []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if _import_ships(node, "helpers.checks"):
                imports.append(_segment(source, node))
        elif binds(node) and binds(node) <= shipped:
            statements.append(_without_answer_docstring(source, node) + "\n")
        elif any(name.startswith("check_") for name in binds(node)):
            checks.append(_check_statement(instructor, node))
    code = ast.parse("\n".join(statements + checks))
    defined = {name for node in code.body for name in binds(node)}
    imported = {name for line in imports for node in ast.parse(line).body for name in binds(node)}
    free = _loaded_names(code.body) - defined - imported - set(dir(builtins)) - {"_tape"}
    preamble = [_stand_in(instructor, name) for name in sorted(free) if name in vars(instructor)]
    if "composed_of" in _loaded_names(code.body):        # core's would put the references in the student's place
        preamble.append("composed_of = _tape.composed_of")
    if "graded_on_its_own" in _loaded_names(code.body):  # likewise: the edition has the student's blocks only
        preamble.append("graded_on_its_own = _tape.own_blocks")
    preamble += [f'{name} = _tape.recorded("{name}")' for name in getattr(instructor, "AT_RELEASE", ())]
    future = [line for line in imports if "__future__" in line]
    header = [f'"""Checks of {module_name} (`from helpers.checks import {module_name} as checks`), student edition.',
              "", "Generated by `python -m grading release` (grading/edition/build.py): the checks written as code are",
              "copied from the instructor's module; every value of the references and of the named mistakes is",
              'stored on the visible test cases, in the .json and .npz files beside this one (helpers.checks.tape)."""']
    body = (header + future + [line for line in imports if "__future__" not in line]
            + ["from .tape import current as _current_tape", "", "_tape = _current_tape(__name__)"]
            + preamble + [""] + statements + checks)
    return "\n".join(body) + "\n"


def _stand_in(instructor, name: str) -> str:
    value = vars(instructor)[name]
    if isinstance(value, types.ModuleType):
        return f'{name} = _tape.module("{name}")'
    if isinstance(value, Exercise):
        return f'{name} = _tape.table("{value.name}")'
    if hasattr(value, "vary") and isinstance(getattr(value, "exercise", None), Exercise):    # check(TABLE), unwrapped
        return f'{name} = _tape.check("{value.exercise.name}")'
    if callable(value) and not isinstance(value, type):
        return f'{name} = _tape.recorded("{name}")'
    if _literal(value):
        return f"{name} = {value!r}"
    raise EditionError(f"{instructor.__name__}: the edition's checks use {name}: add it to STUDENT_EDITION")


def _literal(value) -> bool:
    """A constant that Python writes as a literal of the same value (text, numbers, tuples of them)."""
    if isinstance(value, (tuple, list)):
        return all(_literal(item) for item in value)
    if isinstance(value, dict):
        return all(_literal(k) and _literal(v) for k, v in value.items())
    return value is None or type(value) in (bool, int, float, str)


# --- compiling: the generated source run on the visible cases, with the references recording ------

def reference_answer(instructor, module_name: str, function: str):
    """The reference of the exercise `function` of helpers.checks.<module_name>, as a student's answer."""
    check_fn = getattr(instructor, f"check_{function}", None)
    exercise = getattr(check_fn, "exercise", None)
    if isinstance(exercise, Exercise):
        return as_answer(exercise.reference)
    module = importlib.import_module(f"helpers.{module_name}")
    reference = getattr(module, function, None)
    if reference is None:
        raise EditionError(f"helpers.{module_name} has no reference of {function}")
    return as_a_students(reference)


def as_a_students(reference):
    """A copy of a reference function as if a student had written it in a notebook: its globals a copy of its
    module's, named "__main__", so that the functions it makes (make_train_eval's train_eval) are a student's too,
    and the blocks a check puts in its place are the ones it calls."""
    copied = types.FunctionType(reference.__code__, {**vars(sys.modules[reference.__module__]), "__name__": "__main__"},
                                reference.__name__, reference.__defaults__, reference.__closure__)
    copied.__kwdefaults__, copied.__module__ = reference.__kwdefaults__, "__main__"
    return copied


def compile_module(module_name: str, calls) -> tuple:
    """(source, RecordingTape): the edition's module and what its visible check calls recorded."""
    instructor = importlib.import_module(f"helpers.checks.{module_name}")
    source = edition_source(module_name)
    recording = RecordingTape(instructor)
    module = types.ModuleType(f"helpers.checks.{module_name}")
    module.__package__, module.__file__ = "helpers.checks", f"<edition of helpers.checks.{module_name}>"
    tape.recorder, recording.generated = recording, module.__dict__
    try:
        exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own generated code
        for call in calls:
            answer = reference_answer(instructor, module_name, call.function)
            with contextlib.redirect_stdout(io.StringIO()) as out, np.errstate(all="ignore"):
                getattr(module, call.check)(answer, *call.args, **call.kwargs)
            if "all tests passed" not in out.getvalue():
                raise EditionError(f"{call.check} did not pass with the reference: {out.getvalue()[-300:]}")
        for name in getattr(instructor, "AT_RELEASE", ()):
            getattr(module, name)()
    finally:
        tape.recorder = None
    return source, recording


def write_module(path: Path, source: str, recording: RecordingTape) -> None:
    """A module of the edition (`path`: its .py) and its tape beside it (.json and .npz)."""
    path.write_text(source)
    path.with_suffix(".json").write_text(json.dumps(recording.data(), separators=(",", ":")))
    np.savez_compressed(path.with_suffix(".npz"), **{f"a{i}": a for i, a in enumerate(recording.arrays)})


def stored_results(module: str, names) -> RecordingTape:
    """The results of a helpers module's AT_RELEASE functions (called without arguments), recorded."""
    recording = RecordingTape(importlib.import_module(module))
    for name in sorted(names):
        with np.errstate(all="ignore"):
            recording.recorded(name)()
    return recording


# --- the edition ------------------------------------------------------------------------------------

@dataclass
class Edition:
    """What build_edition wrote: its folder, and per assignment the answers of other notebooks' exercises
    that it reveals because the notebook uses them on purpose ({assignment: [(module, name)]})."""
    path: Path
    revealed: dict
    not_compiled: list
    wheel: Path | None = None         # the wheel that release builds of it (grading.edition.wheel)


def shipped_code(readings, exercises: Exercises, package: Package) -> tuple:
    """({helpers module: the names it ships}, {assignment: revealed [(module, name)]}): the closure of the shared
    tools (no exercise's answer in it) and of what each notebook uses (its own answers never)."""
    tools = {_module_of(relative) for relative in TOOLS}
    shipped = package.closure({(module, name) for module in tools for name in package.names(module)
                               if not exercises.any(package.answers(module, name))})
    answers = sorted((module, name) for module, name in shipped if exercises.any(package.answers(module, name)))
    if answers:
        raise EditionError(f"the shared tools need exercises' answers: {answers}")
    revealed = {}
    for reading in readings:
        needed = package.closure({(module, name) for module, name in reading.used if module in package.trees})
        for module, name in sorted(needed):
            answered = package.answers(module, name)
            if exercises.own(reading.module, module, answered):
                needs = sorted(f"{m}.{n}" for m, n in reading.used if (module, name) in package.closure({(m, n)}))
                raise EditionError(f"{reading.assignment} uses {module}.{name}, the answer of its own exercise "
                                   f"(needed by {', '.join(needs)})")
            if exercises.any(answered):
                revealed.setdefault(reading.assignment, []).append((module, name))
        shipped |= needed
    modules = {module: set() for module in tools}
    for module, name in shipped:
        modules.setdefault(module, set()).add(name)
    return modules, revealed


def build_edition(dest, notebooks: dict) -> Edition:
    """Write DEST/helpers, the student edition for the released `notebooks` ({assignment: source notebook})
    whose checks are compiled; the others are listed in `not_compiled`."""
    readings = [NotebookChecks.read(a, p) for a, p in sorted(notebooks.items()) if a in COMPILED]
    package = Package(HELPERS)
    modules, revealed = shipped_code(readings, Exercises.read(), package)
    target = Path(dest) / "helpers"
    if target.exists():
        shutil.rmtree(target)
    (target / "checks").mkdir(parents=True)
    for relative in RUNTIME:
        shutil.copyfile(HELPERS / relative, target / relative)
    for module, names in modules.items():
        relative = Path(*module.split(".")[1:]).with_suffix(".py") if module != "helpers" else Path("__init__.py")
        if package.stored[module] & names:
            write_module(target / relative, package.source(module, names),
                         stored_results(module, package.stored[module] & names))
        else:
            (target / relative).write_text(package.source(module, names))
    for reading in readings:
        source, recording = compile_module(reading.module, reading.calls)
        write_module(target / "checks" / f"{reading.module}.py", source, recording)
    return Edition(target, revealed, sorted(set(notebooks) - set(COMPILED)))
