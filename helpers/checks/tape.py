"""The student edition's checks: the visible test cases, compiled to data when the course is released.

The instructor's checks compare a student's answer with the references and with named mistakes, each
a whole wrong answer; reading them gives the answers away. So the student edition of a checks module
(`python -m grading release` writes it, grading/edition/build.py) keeps what judges and drops what answers:

- the engine and the comparisons (helpers.checks.engine, core, networks) are shipped as they are;
- every value that the references or the named mistakes give on the visible case (the case's inputs,
  the expected outputs, each mistake's outputs) is stored as data, in `<module>.json` and `<module>.npz`
  next to the module: a "tape", read here;
- the checks written as code are shipped as code, with `ref` (and the helpers that spell an answer)
  answering from the tape.

The same module source runs on both sides: when grading/edition/build.py compiles it, `current()` returns a
recording tape backed by the references; in a student's kernel, the tape on disk. A call the tape does
not know (a check run with other sizes than its visible case) fails with a clear message: the grader
runs the hidden cases with the full checks, outside the student's kernel.

Data only: arrays go through numpy's npz without pickles, the rest through JSON; the only objects
rebuilt are the workbook's own dataclasses and functions, found by module and name in helpers.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import json
import math
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np

from .core import ExerciseFailure, names_replaced, passed
from .engine import Exercise, Wrong, check

ARRAY, TUPLE, DICT, FLOAT, SCALAR, GENERATOR, FUNCTION, OBJECT = (
    "__array__", "__tuple__", "__dict__", "__float__", "__scalar__", "__generator__", "__function__", "__object__")

#: While grading/edition/build.py compiles a module, the recording tape that `current()` returns.
recorder = None


class NotInTheEdition(ExerciseFailure):
    """A check was asked for a case that the student edition has no data for."""


# --- the codec: values <-> JSON + arrays -----------------------------------------------------------

#: The package this module belongs to: "helpers", in a student's kernel as in the workbook (a test may load
#: an edition under another name); the tape names functions and classes relative to it.
ROOT = __name__.split(".")[0]


def qualified(obj) -> str:
    """'module:qualname' of a module-level function or class of the workbook, its module relative to the
    package ("checks.engine:Out")."""
    module = obj.__module__
    if module.split(".")[0] not in {"helpers", ROOT}:
        raise TypeError(f"{module}.{obj.__qualname__} is not the workbook's: it cannot be stored")
    return f"{module.partition('.')[2]}:{obj.__qualname__}"


def resolve(name: str):
    """The function or class that `qualified` named, in this package."""
    module, _, qualname = name.partition(":")
    found = importlib.import_module(f"{ROOT}.{module}" if module else ROOT)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def encode(value, arrays: list):
    """A JSON-able form of `value`; its arrays are appended to `arrays` (and named by position)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError("an array of Python objects cannot be stored")
        arrays.append(value)
        return {ARRAY: len(arrays) - 1}
    if isinstance(value, np.generic):
        return {SCALAR: value.dtype.str, "value": encode(value.item(), arrays)}
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {FLOAT: repr(value)}
    if isinstance(value, np.random.Generator):
        return {GENERATOR: type(value.bit_generator).__name__, "state": value.bit_generator.state}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {OBJECT: qualified(type(value)),
                "fields": {f.name: encode(getattr(value, f.name), arrays) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return {TUPLE: [encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [encode(v, arrays) for v in value]
    if isinstance(value, dict):
        encoded = {DICT: [[encode(k, arrays), encode(v, arrays)] for k, v in value.items()]}
        if type(value) is not dict:
            encoded["class"] = qualified(type(value))
        return encoded
    if callable(value) and "<" not in getattr(value, "__qualname__", "<"):
        return {FUNCTION: qualified(value)}
    raise TypeError(f"a {type(value).__name__} cannot be stored in the student edition: {value!r:.80}")


class Deferred:
    """A stored function, found by name when it is first called: a table's extra may be a function of the very
    module whose import builds the table."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, *args, **kwargs):
        return resolve(self.name)(*args, **kwargs)


def decode(obj, arrays, deferred=False):
    """The value that `encode` stored (fresh arrays: a student's function cannot change the tape); deferred: its
    functions as Deferred."""
    if isinstance(obj, list):
        return [decode(v, arrays, deferred) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if ARRAY in obj:
        return np.array(arrays[obj[ARRAY]])
    if TUPLE in obj:
        return tuple(decode(v, arrays, deferred) for v in obj[TUPLE])
    if DICT in obj:
        items = [(decode(k, arrays, deferred), decode(v, arrays, deferred)) for k, v in obj[DICT]]
        return resolve(obj["class"])(items) if "class" in obj else dict(items)
    if FLOAT in obj:
        return float(obj[FLOAT])
    if SCALAR in obj:
        return np.dtype(obj[SCALAR]).type(decode(obj["value"], arrays))
    if GENERATOR in obj:
        generator = np.random.Generator(getattr(np.random, obj[GENERATOR])())
        generator.bit_generator.state = obj["state"]
        return generator
    if FUNCTION in obj:
        return Deferred(obj[FUNCTION]) if deferred else resolve(obj[FUNCTION])
    if OBJECT in obj:
        return resolve(obj[OBJECT])(**{k: decode(v, arrays) for k, v in obj["fields"].items()})
    raise ValueError(f"not a stored value: {obj!r:.80}")


def changed_in_place(target, after) -> None:
    """Make the argument `target` (a dict, a list, an array, a generator) what a reference made of it in place:
    `after`."""
    if isinstance(target, np.random.Generator):
        target.bit_generator.state = after.bit_generator.state
    elif isinstance(target, np.ndarray):
        target[...] = after
    elif isinstance(target, dict):
        for key in [k for k in target if k not in after]:
            del target[key]
        target.update(after)
    elif isinstance(target, list):
        for item, new in zip(target, after):
            if isinstance(item, (dict, list, np.ndarray)) and len(target) == len(after):
                changed_in_place(item, new)
        if len(target) != len(after):
            target[:] = after


def digest(value) -> str:
    """A fingerprint of a value (arguments, a case): equal values give equal fingerprints (a tuple and a
    list alike, a dict whatever its order, an array by dtype, shape and bytes)."""
    sha = hashlib.sha256()
    _feed(sha, value)
    return sha.hexdigest()[:32]


def _feed(sha, value) -> None:
    if isinstance(value, np.ndarray):
        sha.update(f"A{value.dtype.str}{value.shape}".encode())
        sha.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, (bool, np.bool_)) or value is None:
        sha.update(f"B{value}".encode())
    elif isinstance(value, (int, np.integer)):
        sha.update(f"I{int(value)}".encode())
    elif isinstance(value, (float, np.floating)):
        sha.update(f"F{float(value)!r}".encode())
    elif isinstance(value, str):
        sha.update(f"S{len(value)}:{value}".encode())
    elif isinstance(value, (tuple, list)):
        sha.update(f"L{len(value)}".encode())
        for item in value:
            _feed(sha, item)
    elif isinstance(value, dict):
        sha.update(f"D{len(value)}".encode())
        for key, item in sorted(value.items(), key=lambda pair: repr(pair[0])):
            _feed(sha, key)
            _feed(sha, item)
    elif isinstance(value, np.random.Generator):
        sha.update(f"G{json.dumps(value.bit_generator.state, sort_keys=True)}".encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        sha.update(f"O{type(value).__qualname__}".encode())
        _feed(sha, [getattr(value, f.name) for f in dataclasses.fields(value)])
    else:
        sha.update(f"R{getattr(value, '__qualname__', repr(value))}".encode())


def call_key(args, kwargs) -> str:
    return digest((tuple(args), dict(kwargs)))


# --- the student's side: a tape read from disk -------------------------------------------------------

def current(module_name: str):
    """The tape of an edition module: the recorder while the edition is compiled, else the stored one."""
    if recorder is not None:
        return recorder
    return Tape.load(module_name)


def _not_in_the_edition(what: str, visible: dict | None = None):
    case = f" ({', '.join(f'{k}={v!r}' for k, v in visible.items())})" if visible else ""
    raise NotInTheEdition(
        f"{what}: this copy of the checks knows the visible test case only{case}. Run the test cell as it is "
        f"given; the grader runs more cases, with other sizes and values.", "edition.not-the-visible-case")


class Recorded:
    """A function of the instructor's checks (a reference, a helper that spells an answer), answering from
    the tape for the calls that the visible cases make."""

    def __init__(self, tape: "Tape", name: str):
        self.tape, self.name = tape, name
        self.__name__ = self.__qualname__ = name.rpartition(".")[2]

    def __call__(self, *args, **kwargs):
        key = call_key(args, kwargs)
        stored = self.tape.calls.get(self.name, {}).get(key)
        if stored is None:
            _not_in_the_edition(f"{self.name} was called with other arguments than the visible case's")
        self.tape.change(self.tape.changes.get(self.name, {}).get(key, {}), args, kwargs)
        return self.tape.decode(stored)

    def __repr__(self):
        return f"<{self.name}: stored values of the visible test cases>"


class RecordedModule:
    """A reference module seen through the tape: its functions are Recorded, its constants stored."""

    def __init__(self, tape: "Tape", name: str):
        self._tape, self._name = tape, name

    def __getattr__(self, attribute):
        name = f"{self._name}.{attribute}"
        if name in self._tape.constants:
            return self._tape.decode(self._tape.constants[name])
        return Recorded(self._tape, name)


class StoredArrays:
    """The arrays of an edition module's .npz, by position, each read when first asked for (a check uses few
    of them; reading them all would slow the module's import down)."""

    def __init__(self, path: Path):
        self.path, self._read, self._file = path, {}, None

    def __getitem__(self, index: int) -> np.ndarray:
        if index not in self._read:
            if self._file is None:
                self._file = np.load(self.path, allow_pickle=False)
            self._read[index] = self._file[f"a{index}"]
        return self._read[index]


class Tape:
    """The stored data of one edition module: recorded calls, constants and exercises."""

    def __init__(self, module_name: str, data: dict, arrays):
        self.module_name, self.arrays = module_name, arrays
        self.calls, self.constants, self.exercises = data["calls"], data["constants"], data["exercises"]
        self.changes = data.get("changes", {})
        self._built = {}

    @classmethod
    def load(cls, module_name: str) -> "Tape":
        path = Path(sys.modules[module_name].__file__)
        data = json.loads(path.with_suffix(".json").read_text())
        return cls(module_name, data, StoredArrays(path.with_suffix(".npz")))

    def decode(self, obj):
        return decode(obj, self.arrays)

    def change(self, changes: dict, args, kwargs=None) -> None:
        """Change the arguments of a call in place as the reference did when it was recorded: `changes`, {position
        or name: the argument's value after the call}."""
        for where, after in changes.items():
            changed_in_place(args[int(where)] if where.isdigit() else kwargs[where], self.decode(after))

    def module(self, name: str) -> RecordedModule:
        return RecordedModule(self, name)

    def recorded(self, name: str) -> Recorded:
        return Recorded(self, name)

    def table(self, name: str) -> Exercise:
        """The exercise `name` as the engine runs it, its references and mistakes answering from the tape."""
        if name not in self._built:
            self._built[name] = self._exercise(name)
        return self._built[name]

    def _exercise(self, name: str) -> Exercise:
        stored = self.exercises[name]
        static = decode(stored["static"], self.arrays, deferred=True)

        def entry(case):
            found = stored["cases"].get(digest(case))
            if found is None:
                _not_in_the_edition(f"check_{name} was called with other arguments", static["case"])
            return found

        def result(args):
            found = stored["results"].get(call_key(args, {}))
            if found is None:
                _not_in_the_edition(f"{name} was given other inputs than the visible case's")
            return found

        def stored_value(args, who):
            found = result(args)
            self.change(found.get("changed", {}).get(who, {}), args)
            return self.decode(found["expected"] if who == "expected" else found["wrong"][who])

        def answer(index):
            return lambda *args: stored_value(args, str(index))

        return Exercise(
            name, lambda *args: stored_value(args, "expected"),
            lambda **case: self.decode(entry(case)["inputs"]), static["case"], static["outputs"],
            returns=static["returns"], unmodified=static["unmodified"], extra=static["extra"],
            mistakes=tuple(Wrong(id_, hint, answer(i)) for i, (id_, hint) in enumerate(static["mistakes"])),
            blocks={block: None for block in static["blocks"]},
            per_case=(lambda **case: self.decode(entry(case)["fields"])) if static["per_case"] else None)

    def check(self, name: str):
        """check_<name>(fn, **case), as the engine makes it, on the stored exercise; built on first use."""
        def check_exercise(fn, **case):
            exercise = self.table(name)
            vary = self.exercises[name]["vary"]
            varied = None if vary is None else (vary, lambda arguments: self._varied(name, arguments))
            return check(exercise, varied, compose=self.own_blocks)(fn, **case)

        check_exercise.__name__ = check_exercise.__qualname__ = f"check_{name}"
        check_exercise.__doc__ = f"The visible test of {name} (the student edition's checks: stored values)."
        return check_exercise

    def _varied(self, name: str, arguments: dict):
        """The values of the varied argument (check(TABLE, vary)) that the visible case runs with."""
        found = self.exercises[name]["cases"].get(digest(arguments))
        if found is None or "vary" not in found:
            _not_in_the_edition(f"check_{name} was called with other arguments", self.table(name).case)
        return self.decode(found["vary"])

    # -- composed exercises: the student's own building blocks -------------------------------------

    def own_blocks(self, fn, name: str, blocks, run) -> None:
        """A composed exercise, run with the student's own building blocks (the edition has no reference
        to put in their place, as the grader does). When it fails and one of those blocks fails its own
        visible test, the message says to fix that block first. A block given as a recording wrapper (one with
        a `recorder`, which the check reads the calls from) records the student's own function of that name."""
        namespace = getattr(fn, "__globals__", {})
        recording = {block: given.recorder.wrap(block, namespace[block]) for block, given in blocks.items()
                     if hasattr(given, "recorder") and callable(namespace.get(block))}
        with names_replaced(fn, recording):
            self._judged_with_notes(fn, name, blocks, run)

    def _judged_with_notes(self, fn, name: str, blocks, run) -> None:
        try:
            run()
        except ExerciseFailure as failure:
            culprit = next((block for block in blocks if self._block_fails(fn, block)), None)
            if culprit is None:
                raise
            raise ExerciseFailure(
                f"{failure}\n  Note: your `{culprit}` does not pass its own test yet, and {name} uses it: fix "
                f"`{culprit}` first (its test cell says what is wrong), then run this test again.",
                failure.mistake, failure.relative_error) from None
        passed(name)

    def composed_of(self, **blocks):
        """The edition's composed_of: the decorated check runs with the student's own blocks (own_blocks)."""
        def decorate(check_fn):
            name = check_fn.__name__.removeprefix("check_")

            def graded(fn, *args, **kwargs):
                self.own_blocks(fn, name, blocks, lambda: check_fn(fn, *args, **kwargs))
            graded.__name__ = graded.__qualname__ = check_fn.__name__
            graded.__doc__ = check_fn.__doc__
            return graded
        return decorate

    def _block_fails(self, fn, block: str) -> bool:
        student_block = getattr(fn, "__globals__", {}).get(block)
        block_check = getattr(sys.modules.get(self.module_name), f"check_{block}", None)
        if student_block is None or block_check is None:
            return False
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            try:
                block_check(student_block)
            except ExerciseFailure:
                return True
            except Exception:  # noqa: BLE001 - a block that crashes its own test fails it
                return True
        return False
