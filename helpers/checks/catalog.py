"""Every named mistake of the checks and its hint: what the identifiers in grading's records and in the class
report mean. ``python -m helpers.checks.catalog > docs/mistakes.md`` writes the catalog; a test keeps it current.

An identifier is written by hand, ``exercise.what-went-wrong`` (at most four words), and declared in one of
these ways, all read here without running a check:

* a ``Wrong(id, hint, answer)`` in an exercise's table (an ``Exercise`` of the module: ``EXERCISES``, or a table
  of wrong answers beside them), its id put after the exercise's name;
* a literal ``"exercise.name"`` in a check written as code, beside its hint in the same call or tuple:
  ``Mistake(hint, value, id="x.y")``, ``fail(message, "x.y")``, ``unchanged("x", (0, hint, "x.y"))``...;
* a generic one that several exercises raise, written ``f"{name}.name"`` (``<exercise>.name`` here);
* a generic diagnosis of :mod:`helpers.checks.core`, returned as ``(hint, "diagnosis.name")``.

Ids renamed since a gradebook recorded them keep counting together: :func:`current_id` maps an old id to its
current one (``renamed_ids.json``: the slugs of the hints that served as ids before they were written by hand).
"""
from __future__ import annotations

import ast
import functools
import importlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers.checks.engine import Exercise

#: The check modules in the order of their notebooks (01 to 09).
MODULES = ("shallow", "deep", "regularization", "dropout", "batchnorm", "optimizers", "hyperparameters", "softmax",
           "practice")
HERE = Path(__file__).resolve().parent
#: A mistake's identifier: the exercise's name, a dot, lower-case words joined by hyphens.
ID = re.compile(r"[A-Za-z_]\w*\.[a-z0-9]+(?:-[a-z0-9]+)*")
#: The modules whose generic ids (``f"{name}.name"``) any exercise may raise.
GENERIC_MODULES = ("engine", "networks")


@dataclass(frozen=True)
class NamedMistake:
    id: str
    hint: str     # with {placeholders} where the message is filled in when the check runs ('' if not literal)


def _parts(node) -> list:
    """The arguments of a call (keywords' values included) or the items of a tuple."""
    return list(node.args) + [k.value for k in node.keywords] if isinstance(node, ast.Call) else list(node.elts)


def _called(node) -> str:
    return getattr(getattr(node, "func", None), "id", "") or ""


def literal(node) -> str | None:
    """The string a node writes literally, else None."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def text_of(node) -> str:
    """A hint's text as written: a string, or an f-string with its ``{expressions}`` kept; '' otherwise."""
    if literal(node) is not None:
        return literal(node)
    if isinstance(node, ast.JoinedStr):
        return "".join(literal(part) if literal(part) is not None else "{" + ast.unparse(part.value) + "}"
                       for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return text_of(node.left) + text_of(node.right)
    return ""


def _hint_beside(node, parts) -> str:
    """The hint declared with an id: the longest text among the other parts of its call or tuple ('' when none
    reads as a sentence: the message is then written by a helper when the check runs)."""
    texts = [text_of(part) for part in parts if part is not node]
    return max((text for text in texts if " " in text.strip() and not ID.fullmatch(text)), key=len, default="")


def _generic_id(node) -> str | None:
    """``<exercise>.name`` for an f-string ``f"{name}.name"``, else None."""
    if (isinstance(node, ast.JoinedStr) and len(node.values) == 2 and isinstance(node.values[0], ast.FormattedValue)
            and literal(node.values[1]) and ID.fullmatch("x" + literal(node.values[1]))):
        return "<exercise>" + literal(node.values[1])
    return None


def _in_code(source: str, exercises: set[str]) -> list[NamedMistake]:
    """The ids written in a module's code, with their hints: a literal id of an exercise of `exercises` in any
    call or tuple, any literal id given to ``fail`` or ``Mistake``, and the ids the module's helpers write for
    the exercise they check (``f"{name}.name"``, listed as ``<exercise>.name``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.Call, ast.Tuple)):
            continue
        parts = _parts(node)
        for part in parts:
            text = literal(part)
            text = text if text and ID.fullmatch(text) else _generic_id(part)
            if text and (text.startswith("<exercise>.") or text.split(".")[0] in exercises
                         or _called(node) in ("fail", "Mistake")):
                found.append(NamedMistake(text, _hint_beside(part, parts)))
    return found


def generic() -> list[NamedMistake]:
    """The ids that several exercises raise, ``<exercise>.name``, with their hints (GENERIC_MODULES)."""
    found = {mistake for name in GENERIC_MODULES for mistake in _in_code((HERE / f"{name}.py").read_text(), set())
             if mistake.id.startswith("<exercise>.")}
    return sorted(found, key=lambda m: (m.id, m.hint))


def diagnoses() -> list[NamedMistake]:
    """The generic diagnoses of helpers.checks.core (shape, axis, factor, sign...)."""
    tree = ast.parse((HERE / "core.py").read_text())
    return sorted({NamedMistake(node.elts[1].value, text_of(node.elts[0])) for node in ast.walk(tree)
                   if isinstance(node, ast.Tuple) and len(node.elts) == 2 and literal(node.elts[1])
                   and node.elts[1].value.startswith("diagnosis.")}, key=lambda m: (m.id, m.hint))


def declared(name: str) -> list[NamedMistake]:
    """The named mistakes of check module ``name`` (its tables' and its code's), sorted by id, one per id."""
    module = importlib.import_module(f"helpers.checks.{name}")
    tables = list(getattr(module, "EXERCISES", ()))      # and the tables of wrong answers kept beside them
    tables += [value for value in vars(module).values() if isinstance(value, Exercise) and value not in tables]
    found = [NamedMistake(exercise.mistake_id(wrong), wrong.hint) for exercise in tables for wrong in exercise.mistakes]
    exercises = {exercise.name for exercise in tables} | {attribute.removeprefix("check_") for attribute in dir(module)
                                                           if attribute.startswith("check_")}
    found += _in_code((HERE / f"{name}.py").read_text(), exercises)
    unique = {}
    for mistake in found:
        if mistake.id not in unique or (mistake.hint and not unique[mistake.id].hint):
            unique[mistake.id] = mistake
    return sorted(unique.values(), key=lambda m: m.id)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "(written when the check runs)"


def markdown() -> str:
    """docs/mistakes.md: per notebook and exercise, each named mistake's id and hint."""
    lines = ["# The mistakes the checks name", "",
             "Generated from the checks' tables and code by `python -m helpers.checks.catalog > docs/mistakes.md`"
             " (`tests/test_docs.py` keeps it current). Grading records the id of the mistake a failing test named;"
             " the class report counts them. `{...}` is filled in when the check runs.", ""]
    sections = [(f"{number:02d}", name, declared(name)) for number, name in enumerate(MODULES, start=1)]
    sections.append(("all", "core", diagnoses() + generic()))
    for number, name, mistakes in sections:
        title = "The generic diagnoses and ids, every notebook" if name == "core" else f"Notebook {number}"
        lines += [f"## {title} (`helpers.checks.{name}`)", ""]
        exercises = {}
        for mistake in mistakes:
            exercises.setdefault(mistake.id.split(".")[0], []).append(mistake)
        for exercise, named in exercises.items():
            lines += [f"### `{exercise}`", "", "| id | hint |", "|---|---|"]
            lines += [f"| `{m.id}` | {_cell(m.hint)} |" for m in named] + [""]
    return "\n".join(lines)


@functools.cache
def renamed_ids() -> dict[str, list[str]]:
    """{old id: [its current ids]}: ids that a gradebook may hold from before they were renamed."""
    return json.loads((HERE / "renamed_ids.json").read_text())


def current_id(mistake_id: str, exercise: str = "") -> str:
    """The id that `mistake_id`, as an older gradebook recorded it, has now. An old id that became several (one
    per exercise) is resolved by the `exercise` it was recorded for; one that several mistakes of the same
    exercise shared stays as it was (which of them the student made is not known)."""
    new = renamed_ids().get(mistake_id)
    if not new:
        return mistake_id
    candidates = [other for other in new if other.split(".")[0] == exercise] or new
    return candidates[0] if len(candidates) == 1 else mistake_id


if __name__ == "__main__":
    sys.stdout.write(markdown())
