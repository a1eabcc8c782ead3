"""Every named mistake of the checks and its hint: what the identifiers in grading's records and in the class
report mean. ``python -m helpers.checks.catalog > docs/mistakes.md`` writes the catalog; a test keeps it current.

A named mistake is declared in three ways, all read here without running a check:

* a ``Wrong(id, hint, answer)`` in an exercise's table (``EXERCISES``), its id put after the exercise's name;
* a literal identifier in a check written as code: ``Mistake(hint, value, id="x.y")``, ``fail(message, "x.y")``;
* a generic diagnosis of :mod:`helpers.checks.core`, returned as ``(hint, "diagnosis.name")``.
"""
from __future__ import annotations

import ast
import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

#: The check modules in the order of their notebooks (01 to 09).
MODULES = ("shallow", "deep", "regularization", "dropout", "batchnorm", "optimizers", "hyperparameters", "softmax",
           "practice")
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class NamedMistake:
    id: str
    hint: str     # with {placeholders} where the message is filled in when the check runs ('' if not literal)


def mistake_calls(source: str):
    """(call, identifier nodes) for each `Mistake(...)` and `fail(...)` of a check module's source: the
    nodes given as the identifier (`id=` / `mistake=`, or fail's second positional argument)."""
    for node in ast.walk(ast.parse(source)):
        called = getattr(getattr(node, "func", None), "id", None)
        if isinstance(node, ast.Call) and called in ("Mistake", "fail"):
            keyword = "id" if called == "Mistake" else "mistake"
            given = [k.value for k in node.keywords if k.arg == keyword]
            if called == "fail" and len(node.args) > 1:
                given.append(node.args[1])
            yield node, given


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


def _in_code(source: str) -> list[NamedMistake]:
    found = []
    for call, given in mistake_calls(source):
        for node in given:
            if literal(node):
                found.append(NamedMistake(literal(node), text_of(call.args[0]) if call.args else ""))
    return found


def diagnoses() -> list[NamedMistake]:
    """The generic diagnoses of helpers.checks.core (shape, axis, factor, sign...)."""
    tree = ast.parse((HERE / "core.py").read_text())
    return sorted({NamedMistake(node.elts[1].value, text_of(node.elts[0])) for node in ast.walk(tree)
                   if isinstance(node, ast.Tuple) and len(node.elts) == 2 and literal(node.elts[1])
                   and node.elts[1].value.startswith("diagnosis.")}, key=lambda m: (m.id, m.hint))


def declared(name: str) -> list[NamedMistake]:
    """The named mistakes of check module ``name`` (its tables' and its code's), sorted by id, one per id."""
    module = importlib.import_module(f"helpers.checks.{name}")
    found = [NamedMistake(exercise.mistake_id(wrong), wrong.hint)
             for exercise in getattr(module, "EXERCISES", ()) for wrong in exercise.mistakes]
    found += _in_code((HERE / f"{name}.py").read_text())
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
    sections.append(("all", "core", diagnoses()))
    for number, name, mistakes in sections:
        title = "The generic diagnoses, every notebook" if name == "core" else f"Notebook {number}"
        lines += [f"## {title} (`helpers.checks.{name}`)", ""]
        exercises = {}
        for mistake in mistakes:
            exercises.setdefault(mistake.id.split(".")[0], []).append(mistake)
        for exercise, named in exercises.items():
            lines += [f"### `{exercise}`", "", "| id | hint |", "|---|---|"]
            lines += [f"| `{m.id}` | {_cell(m.hint)} |" for m in named] + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
