"""Typed records of autograding: what the parent asks a worker, and what comes back.

* :class:`Job` - the worker's orders (``JOB/job.json``): who, which notebooks, the limits.
* :class:`CheckVerdict` - the judge's verdict on one test cell (kept in the autograded cell's
  metadata, then in the gradebook's ``nnfs_check_results``).
* :class:`WorkerResult` - what a worker found (``JOB/result.json``): a problem or the scores,
  the limit events, the notes and the verdicts.
* :class:`PlannedJob` - the parent's own record of a submission it hands to a worker.
* :class:`GradeResult` - the outcome of one submission, as the command reports it.

The JSON records round-trip (``X.from_json(x.to_json()) == x``) and are read strictly: a
missing or unknown field, or a value of the wrong type, raises :class:`RecordError` naming it,
so a broken worker is reported as such instead of being read with defaults.
"""
import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path

from grading.limits import Limits

#: The environment variable that marks every process of a job (the job folder's name), so
#: that the supervisor can sweep the ones that escaped its process tree.
JOB_ENV = "NNFS_GRADING_JOB"


class RecordError(ValueError):
    """A record that is not valid JSON, or lacks a field, or has one of the wrong type."""


def _loads(text, kind):
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise RecordError(f"{kind} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise RecordError(f"{kind} is not a JSON object but {type(data).__name__}")
    return data


def _is(value, kind):
    """``isinstance`` for JSON values: ``bool`` is not a number, an ``int`` is a ``float``."""
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _list_of(kind):
    return lambda value: isinstance(value, list) and all(_is(item, kind) for item in value)


def _required(cls):
    """The names of ``cls``'s fields without a default."""
    return {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING}


def _nested(value, leaf):
    """True for ``{str: {str: leaf}}``."""
    return isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(inner, dict)
        and all(isinstance(k, str) and leaf(v) for k, v in inner.items())
        for key, inner in value.items())


def _read(data, cls, kinds, where):
    """The fields of ``cls`` read from ``data`` (a dict), each checked against ``kinds`` (name ->
    a type, a tuple of types, or a function that checks the value). Absent fields with a
    default keep it; a missing required field, an unknown one or a wrong type is refused."""
    unknown = sorted(set(data) - set(kinds))
    if unknown:
        raise RecordError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")
    missing = sorted(_required(cls) - set(data))
    if missing:
        raise RecordError(f"{where}: no {', '.join(map(repr, missing))}")
    values = {}
    for name, value in data.items():
        kind = kinds[name]
        if isinstance(kind, (type, tuple)):
            ok = any(_is(value, k) for k in (kind if isinstance(kind, tuple) else (kind,)))
        else:
            ok = kind(value)
        if not ok:
            raise RecordError(f"{where}: {name!r} has the wrong type: {value!r:.80}")
        numeric = kind is float or (isinstance(kind, tuple) and float in kind)
        values[name] = float(value) if numeric and value is not None else value
    return values


@dataclass(frozen=True)
class Job:
    """What one worker grades: ``student``'s ``notebooks`` of ``assignment``, under ``limits``.
    No path of the real course is in it (the job folder holds everything the worker reads)."""

    student: str
    assignment: str
    notebooks: list
    limits: Limits = field(default_factory=Limits)

    def to_json(self):
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text):
        data = _loads(text, "job.json")
        values = _read(data, cls, {"student": str, "assignment": str, "notebooks": _list_of(str),
                                   "limits": lambda value: isinstance(value, dict)}, "job.json")
        limits = values.get("limits", {})
        try:
            values["limits"] = Limits(**limits)
        except (TypeError, ValueError) as exc:
            raise RecordError(f"job.json: invalid 'limits' ({exc})") from None
        return cls(**values)


@dataclass
class CheckVerdict:
    """The judge's verdict on one graded test cell: ``passed``; the visible and hidden checks
    (``hidden_passed`` None: not run, or none); the first failure's ``message``, ``error``
    (its ``ename``), named ``mistake`` and ``relative_error``."""

    grade_id: str
    exercise: str = ""
    passed: bool = False
    visible_passed: bool | None = None
    hidden_passed: bool | None = None
    message: str = ""
    mistake: str = ""
    relative_error: float | None = None
    error: str = ""

    KINDS = {"grade_id": str, "exercise": str, "passed": bool, "visible_passed": (bool, type(None)),
             "hidden_passed": (bool, type(None)), "message": str, "mistake": str,
             "relative_error": (float, type(None)), "error": str}

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data, where="verdict"):
        if not isinstance(data, dict):
            raise RecordError(f"{where} is not a JSON object but {type(data).__name__}")
        return cls(**_read(data, cls, cls.KINDS, where))


@dataclass
class WorkerResult:
    """What a worker found. ``problem``: why the submission could not be graded (then it scores
    0; ``infrastructure`` when that is the grading machinery's fault, not the student's).
    Otherwise ``scores`` (notebook -> grade_id -> points; None: waits for manual grading),
    ``verdicts`` (notebook -> grade_id -> :class:`CheckVerdict`), the limit ``events``
    ``(cell, ename, evalue)`` and their one-line ``reason``. ``notes``: what was found in the submission; ``sandbox``: the Landlock ABI the
    kernel was confined with (0: none; None: not asked for)."""

    problem: str = ""
    infrastructure: bool = False
    reason: str = ""
    notes: list = field(default_factory=list)
    events: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict)
    sandbox: int | None = None
    seconds: float = 0.0

    KINDS = {"problem": str, "infrastructure": bool, "reason": str, "notes": _list_of(str),
             "events": lambda v: isinstance(v, list) and all(
                 isinstance(e, list) and len(e) == 3 and all(isinstance(x, str) for x in e) for e in v),
             "scores": lambda v: _nested(v, lambda points: points is None or _is(points, float)),
             "verdicts": lambda v: _nested(v, lambda record: isinstance(record, dict)),
             "sandbox": (int, type(None)), "seconds": float}

    def to_json(self):
        data = asdict(self)
        data["events"] = [list(event) for event in self.events]
        return json.dumps(data, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text):
        values = _read(_loads(text, "result.json"), cls, cls.KINDS, "result.json")
        values["events"] = [tuple(event) for event in values.get("events", [])]
        values["verdicts"] = {
            notebook: {grade_id: CheckVerdict.from_dict(record, f"result.json: verdict {notebook}/{grade_id}")
                       for grade_id, record in cells.items()}
            for notebook, cells in values.get("verdicts", {}).items()
        }
        return cls(**values)

    @classmethod
    def failure(cls, problem, infrastructure=False, seconds=0.0):
        """A result that says only why the submission was not graded."""
        return cls(problem=problem, infrastructure=infrastructure, seconds=seconds)


@dataclass
class PlannedJob:
    """The parent's record of one submission to grade in a worker: its hashes (to skip it
    next time if unchanged), the notebooks to grade, the extra files (reported, not graded),
    and the job folder once prepared."""

    submission: object          # grading.course.Submission
    content_hash: str
    source_hash: str
    notebooks: list
    extra_files: list
    directory: Path | None = None


@dataclass
class GradeResult:
    """Outcome of autograding one submission."""

    student: str
    assignment: str
    score: float | None = None
    max_score: float | None = None
    problem: str = ""          # why it could not be graded at all (then it scores 0)
    infrastructure: bool = False
    reason: str = ""           # graded, but a limit stopped some cells: which, and why
    notes: list = field(default_factory=list)  # tampering found, extra files ignored...
    skipped: bool = False      # unchanged since it was graded: not graded again
    seconds: float = 0.0

    @property
    def graded(self):
        return not self.problem

    @property
    def outcome(self):
        """``graded``, ``limited`` (a limit cost some cells), ``zeroed`` or ``error``."""
        if self.infrastructure:
            return "error"
        if self.problem:
            return "zeroed"
        return "limited" if self.reason else "graded"

    @property
    def status(self):
        if self.problem:
            return f"failed to process: {self.problem}"
        if self.skipped:
            return "unchanged since graded (skipped)"
        return f"graded; {self.reason}" if self.reason else "graded"
