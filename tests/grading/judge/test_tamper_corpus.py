"""Tampering cannot raise a score: a corpus of submissions of notebook 01 (and one of 09, whose
checks record the building blocks an exercise calls) that try to fake their grade, each graded
exactly as its honest work would be (0 where none), each with a note naming the student, the
notebook and the cell. Plus an honest complete and an honest partial submission.

The judge decides the test cells outside the kernel (grading/judge/); the score never depends on
the static scan (grading/worker/scan.py), which only writes the notes.
"""
from __future__ import annotations

import copy

import nbformat
import pytest

from grading.batch.pipeline import Grader
from grading.course import find_notebooks, find_submissions
from grading.gradebook.session import Gradebook
from notebook_runner import NOTEBOOKS

pytestmark = pytest.mark.slow

NB01 = "01_shallow_network"
NB09 = "09_practice"
POINTS01 = {"sigmoid": 1, "initialize_parameters": 1, "forward_propagation": 2, "compute_cost": 1,
            "backward_propagation": 3, "update_parameters": 1, "nn_model": 2, "predict": 1}

# code cells added after the setup cell (which imports `checks`, numpy as np and helpers)
NOOP_CHECKS = """\
for _name in dir(checks):
    if _name.startswith("check_"):
        setattr(checks, _name, lambda *args, **kwargs: print("\\u2714 all tests passed."))
"""
EXEC_BASE64 = """\
import base64
exec(base64.b64decode({payload!r}).decode())
"""
FAKE_MODULE = """\
import sys, types
fake = types.ModuleType("helpers.checks.shallow")
fake.__getattr__ = lambda name: (lambda *args, **kwargs: None)
sys.modules["helpers.checks.shallow"] = fake
import helpers.checks
helpers.checks.shallow = fake
checks = fake
"""
PATCH_CORE = """\
import helpers.checks.core as core
for _name in ("expect_array", "expect_float", "expect_keys", "fail"):
    setattr(core, _name, lambda *args, **kwargs: None)
core.student_call = lambda fn, name, *args, **kwargs: None
checks.expect_array = checks.expect_float = lambda *args, **kwargs: None
"""
PATCH_NUMPY = """\
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
np.isclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
"""
PATCH_DISPLAY = """\
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
ip.showtraceback = lambda *args, **kwargs: None
ip._showtraceback = lambda *args, **kwargs: None
"""
FORGE_JUDGE = """\
import json
_real_dumps = json.dumps
def _forged(obj, *args, **kwargs):
    if isinstance(obj, dict) and ("ok" in obj or "error" in obj):
        return _real_dumps({"ok": {"$": "nd", "dtype": "<f8", "shape": [3, 4], "b64": "A" * 64}})
    return _real_dumps(obj, *args, **kwargs)
json.dumps = _forged
class _Forger(dict):
    def __setitem__(self, key, value):
        dict.__setitem__(self, key, '{"ok": 0.5}' if key == "reply" else value)
_nnfs_judge = _Forger()
"""
LYING_EQ = '''\
class Anything(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = float.__hash__

class AnyArray:
    shape = property(lambda self: self._shape)
    def __init__(self, shape=(1, 1)):
        self._shape = shape
    def __eq__(self, other):
        return True
    def __getitem__(self, key):
        return AnyArray()

def sigmoid(z):
    return AnyArray(getattr(z, "shape", ()))

def compute_cost(A2, Y):
    return Anything(0.5)
'''
FAKE_SUCCESS = """\
print("\\u2714 sigmoid: all tests passed.")
print("\\u2714 forward_propagation: all tests passed.")
"""
CALL_JUDGE = """\
def sigmoid(z):
    # talk to the judge directly: ask its callback number 1 .. 5 for anything
    for number in range(1, 6):
        try:
            input("\\x00nnfs-judge:" + '{"cb": %d, "args": [], "kwargs": {"$": "dict", "items": []}}' % number)
        except Exception:
            pass
    return z
"""


def _delegation_answers():
    return {name: (f"import helpers.shallow as _ref\n"
                   f"def {name}(*args, **kwargs):\n    return _ref.{name}(*args, **kwargs)\n")
            for name in POINTS01}


def _searching_answers():
    """Every exercise answered by whatever function of its name the kernel can find outside the notebook:
    in any module imported, or anywhere in the kernel's memory (a reference, a stand-in kept from a check)."""
    search = ("import gc as _gc, sys as _sys\n"
              "def _borrowed(name):\n"
              "    for module in list(_sys.modules.values()):\n"
              "        found = getattr(module, name, None)\n"
              "        if callable(found) and getattr(module, '__name__', '') != '__main__':\n"
              "            return found\n"
              "    for found in _gc.get_objects():\n"
              "        if callable(found) and getattr(found, '__name__', '') == name \\\n"
              "                and getattr(found, '__module__', '') != '__main__':\n"
              "            return found\n"
              "    raise NotImplementedError(name)\n")
    return {name: (search if i == 0 else "") + f"def {name}(*args, **kwargs):\n"
                                              f"    return _borrowed({name!r})(*args, **kwargs)\n"
            for i, name in enumerate(POINTS01)}


HUGE_CALLBACK = """\
    try:                  # while nn_model is checked, initialize_parameters is the judge's reference
        initialize_parameters(25000, 25000, 1)
    except Exception as error:
        print("REFUSED", str(error)[:60])
    return _honest_nn_model(**locals())
"""
HUGE_REPLY = """\
def predict(parameters, X):
    return np.zeros((4000, 4000))        # 128 MB: an answer of 170 MB of text for the judge to read
"""
#: A right forward_propagation's body, after a first line that makes it slow or endless when composed.
HONEST_FORWARD_BODY = """\
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    A1 = np.tanh(W1 @ X + b1)
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    return A2, {"Z1": W1 @ X + b1, "A1": A1, "Z2": W2 @ A1 + b2, "A2": A2}
"""
ENDLESS_IN_COMPOSITION = """\
import inspect
def forward_propagation(X, parameters):
    while any(frame.function in ("nn_model", "predict") for frame in inspect.stack()[1:4]):
        pass                               # endless when composed: only the hint pass runs it so
""" + HONEST_FORWARD_BODY
MARKER_IN_CODE = """\
def sigmoid(z):
    # ### BEGIN HIDDEN TESTS  (a student's comment, not a marker)
    return 1 / (1 + np.exp(-z))
"""
MARKER_IN_TEXT = "The hidden tests start at `### BEGIN HIDDEN TESTS`, and `### END HIDDEN TESTS` ends them."


SLOW_IN_COMPOSITION = """\
import inspect, time
def forward_propagation(X, parameters):
    if any(frame.function in ("nn_model", "predict") for frame in inspect.stack()[1:4]):
        time.sleep(60)                     # slow when composed: only the hint pass runs it so
""" + HONEST_FORWARD_BODY
FORGED_REPLY = """\
def sigmoid(z):
    # answer the judge's current request in the shim's place, with a number
    try:
        input("\\x00nnfs-judge:R" + '{"seq":1,"ok":0.5}')
    except Exception:
        pass
    return 1 / (1 + np.exp(-z))
"""
RECORDING_SIGMOID = """\
_seen = []
def sigmoid(z):
    _seen.append(np.shape(z))
    return 1 / (1 + np.exp(-z))
"""
PRINT_RECORDED = """\
print("SEEN SHAPES", sorted(set(_seen)))
"""
READ_WORKING_COPY = """\
import json as _json
_cells = [c for c in _json.load(open("01_shallow_network.ipynb"))["cells"] if "WORKING COPY" not in "".join(c["source"])]
print("WORKING COPY hidden blocks:", sum(("### BEGIN " + "HIDDEN TESTS") in "".join(c["source"]) for c in _cells))
"""
KEEP_STAND_INS = """\
_kept = {}
def forward_propagation(X, parameters):
    return _kept["forward_propagation"](X, parameters)
"""
KEEP_STAND_INS_BACKWARD = """\
def backward_propagation(parameters, cache, X, Y):
    return _kept["backward_propagation"](parameters, cache, X, Y)
"""


def _keeping_stand_ins(source, released, copied=False):
    """forward_propagation and backward_propagation answered by the judge's reference blocks, which nn_model keeps
    while its check lends them (graded on its own), with those two tests moved (or ``copied``) below nn_model's."""
    nb = _notebook(source, released, [name for name in POINTS01 if "propagation" not in name],
                   replaced={"forward_propagation": KEEP_STAND_INS, "backward_propagation": KEEP_STAND_INS_BACKWARD})
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "nn_model":
            header, _, body = cell.source.partition("\n")
            cell.source = (header + "\n    for _name in ('forward_propagation', 'backward_propagation'):\n"
                           "        if getattr(globals()[_name], '__module__', '') != '__main__':\n"
                           "            _kept[_name] = globals()[_name]\n" + body)
    grade_id = lambda cell: cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")  # noqa: E731
    moved = [c for c in nb.cells if grade_id(c) in ("test_forward_propagation", "test_backward_propagation")]
    for cell in moved:
        if not copied:
            nb.cells.remove(cell)
    after = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "test_nn_model")
    nb.cells[after + 1:after + 1] = copy.deepcopy(moved)
    return nb


def _honest_nn_model_renamed(source):
    """The solution's nn_model as ``_honest_nn_model``, and an nn_model of the same signature that asks the judge
    for a huge matrix before calling it."""
    solution = next(c.source for c in source.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                    == "nn_model")
    signature = solution[:solution.index("):") + 2]
    return solution.replace("def nn_model(", "def _honest_nn_model(", 1) + "\n\n" + signature + "\n" + HUGE_CALLBACK


def _notebook(source, released, answers=(), replaced=None, added="", after="setup"):
    """The released notebook with the solution in ``answers`` (grade_ids), the cells of ``replaced``
    ({grade_id: code}) and one extra code cell ``added`` after the cell ``after``."""
    solution = {c.metadata.nbgrader["grade_id"]: c.source for c in source.cells
                if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = solution[grade_id]
        if replaced and grade_id in replaced:
            cell.source = replaced[grade_id]
    if added:
        setup = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == after)
        nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(added))
    return nb


def _corpus01(source, released):
    import base64

    honest = ("sigmoid", "compute_cost", "predict", "forward_propagation")  # partial: 1 + 1 + 1 + 2
    full = sum(POINTS01.values())
    payload = base64.b64encode(NOOP_CHECKS.encode()).decode()
    blank = ()
    return {
        # student: (notebook, expected points, should have a tampering/delegation note)
        "honest_full": (_notebook(source, released, POINTS01), full, False),
        "honest_partial": (_notebook(source, released, honest), 5, False),
        "noop_checks": (_notebook(source, released, blank, added=NOOP_CHECKS), 0, True),
        "exec_base64": (_notebook(source, released, blank, added=EXEC_BASE64.format(payload=payload)), 0, True),
        "fake_module": (_notebook(source, released, blank, added=FAKE_MODULE), 0, True),
        # the answers call the references: the graded kernel's edition of helpers has none to call
        "delegation": (_notebook(source, released, blank, replaced=_delegation_answers()), 0, False),
        # the answers call any function of their name that the kernel can reach: the edition's checks hold stand-ins
        # that answer the visible cases only (whose answers each test cell shows anyway), so the hidden ones fail
        "delegation_search": (_notebook(source, released, blank, replaced=_searching_answers()), 0, True),
        "patch_core": (_notebook(source, released, ("sigmoid", "compute_cost"), added=PATCH_CORE), 2, True),
        "patch_numpy": (_notebook(source, released, ("sigmoid",), added=PATCH_NUMPY), 1, True),
        "patch_display": (_notebook(source, released, blank, added=PATCH_DISPLAY), 0, True),
        "forge_judge": (_notebook(source, released, blank, added=FORGE_JUDGE), 0, True),
        "lying_eq": (_notebook(source, released, blank, replaced={"sigmoid": LYING_EQ}), 0, True),
        "fake_success": (_notebook(source, released, blank, added=FAKE_SUCCESS), 0, True),
        "call_judge": (_notebook(source, released, blank, replaced={"sigmoid": CALL_JUDGE}), 0, True),
        # the judge's reference blocks, kept by nn_model during its check, then called by the moved tests'
        # exercises: the tests are put back (noted) and the blocks lent for a check answer no more
        "kept_stand_ins": (_keeping_stand_ins(source, released), full - 5, True),
        # the same, with copies of the two tests below nn_model's: the copies are graded where the originals were
        "copied_stand_ins": (_keeping_stand_ins(source, released, copied=True), full - 5, True),
        # nn_model asks the judge's initialize_parameters for a 25000 x 25000 matrix: refused, the check goes on
        "huge_callback": (_notebook(source, released, POINTS01, replaced={"nn_model": _honest_nn_model_renamed(source)}),
                          full, False),
        # predict answers 170 MB of text: refused unread (the cap is 32 Mi characters); predict's point only
        "huge_reply": (_notebook(source, released, POINTS01, replaced={"predict": HUGE_REPLY}), full - 1, False),
        # a block that is right but slow inside nn_model and predict: their hint pass runs out, the points stay
        "slow_block": (_notebook(source, released, POINTS01, replaced={"forward_propagation": SLOW_IN_COMPOSITION}),
                       full, False),
        # ... or endless there: its hint pass is interrupted after its budget, the points stay
        "endless_block": (_notebook(source, released, POINTS01, replaced={"forward_propagation": ENDLESS_IN_COMPOSITION}),
                          full, False),
        # nbgrader's hidden-tests markers in an answer's comment and in a written answer: inert
        "markers_in_answers": (_notebook(source, released, POINTS01, replaced={
            "sigmoid": MARKER_IN_CODE, "question_one_over_m": MARKER_IN_TEXT}), full, False),
        # a reply forged in the shim's place is refused (it does not carry the request's number): nothing shifts
        "forged_reply": (_notebook(source, released, POINTS01, replaced={"sigmoid": FORGED_REPLY}),
                         full, True),
        # its sigmoid keeps the shapes it is called with, and a cell after the tests prints them
        "recording_args": (_notebook(source, released, POINTS01, replaced={"sigmoid": RECORDING_SIGMOID},
                                     added=PRINT_RECORDED, after="test_predict"), full, False),
        # reads the notebook file in the kernel's working folder, where nbgrader wrote the restored test cells
        "read_working_copy": (_notebook(source, released, POINTS01, added=READ_WORKING_COPY),
                              full, True),
        # the judge's kernel-side shim removed between two test cells: reinstalled, honest work counts
        "break_shim": (_notebook(source, released, POINTS01, added="_nnfs_judge = None", after="test_sigmoid"),
                       full, True),
    }


EVALUATE_TRAINING_MODE = '''\
import contextlib
import helpers.checks.core, helpers.checks.practice

@contextlib.contextmanager
def _nothing_replaced(fn, replacements):
    yield

helpers.checks.core.names_replaced = helpers.checks.practice.names_replaced = _nothing_replaced

def evaluate(parameters, bn_states, X, y):
    AL, _ = forward_propagation(X, parameters, bn_states, 1.0, np.random.default_rng(0), training=True)
    return float(np.mean(np.argmax(AL, axis=0) == np.ravel(y)))
'''


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("judge")
    notebooks = {k: v for k, v in find_notebooks(NOTEBOOKS).items() if k in (NB01, NB09)}
    grader = Grader(root / "course")
    released = grader.release(notebooks)
    read = lambda path: nbformat.read(str(path), as_version=4)  # noqa: E731
    cases = {(student, NB01): case for student, case in _corpus01(read(notebooks[NB01]), read(released[NB01])).items()}
    source09 = read(notebooks[NB09])
    answers09 = [c.metadata.nbgrader["grade_id"] for c in source09.cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    points09 = {"test_forward_propagation": 3, "test_backward_propagation": 3, "test_evaluate": 1, "test_model": 3,
                "test_make_train_eval": 2}
    cases[("recording_09", NB09)] = (
        _notebook(source09, read(released[NB09]), answers09, replaced={"evaluate": EVALUATE_TRAINING_MODE}),
        sum(points09.values()) - points09["test_evaluate"], True)
    for (student, assignment), (nb, _, _) in cases.items():
        folder = root / "submissions" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{assignment}.ipynb"))
    results = grader.autograde_all(find_submissions(root / "submissions"), notebooks)
    return cases, {(r.student, r.assignment): r for r in results}, grader


def test_each_submission_scores_exactly_its_honest_work(corpus):
    cases, results, _ = corpus
    got = {key: results[key].score for key in cases}
    expected = {key: float(points) for key, (_, points, _) in cases.items()}
    assert got == expected


def test_each_tampering_attempt_has_a_note_naming_student_notebook_and_cell(corpus):
    """A scan's note names the student, the notebook and the cell; a moved test cell's names the cell (the
    submission's own notes, beside its student and notebook in the report)."""
    cases, results, _ = corpus
    for (student, assignment), (_, _, tampered) in cases.items():
        notes = [n for n in results[(student, assignment)].notes if n.startswith("possible tampering")]
        moved = [n for n in results[(student, assignment)].notes if " was moved; " in n]
        if tampered:
            assert notes or moved, f"{student}: no note"
            assert all(student in n and assignment in n and "cell" in n for n in notes), notes
        else:
            assert not notes and not moved, f"{student}: unexpected notes {notes + moved}"
    assert sorted(n for n in results[("kept_stand_ins", NB01)].notes if " was moved; " in n) == [
        f"test cell test_{name} was moved; it is graded where it was released, after {name}"
        for name in ("backward_propagation", "forward_propagation")]


def test_verdicts_are_recorded_with_visible_hidden_and_mistake(corpus):
    cases, results, grader = corpus
    records = {(r.student, r.grade_id): r for r in Gradebook(grader.layout.db_url).load_checks()}
    full = records[("honest_full", "test_backward_propagation")]
    assert full.visible_passed and full.hidden_passed and full.exercise == "backward_propagation"
    blank = records[("honest_partial", "test_nn_model")]
    assert not blank.visible_passed and blank.hidden_passed is None and "not implemented" in blank.message
    wrong = records[("recording_09", "test_evaluate")]
    assert not wrong.passed and "training=True" in wrong.message
    # its answer cell stopped at `import helpers.shallow`, which the edition of notebook 01 does not have
    assert records[("delegation", "test_sigmoid")].message == "name 'sigmoid' is not defined"


def test_the_kernels_working_copy_holds_no_hidden_test(corpus):
    """nbgrader writes the notebook it runs, test cells restored with their hidden tests, into the kernel's working
    folder; grading rewrites that file without them before the kernel starts."""
    _, _, grader = corpus
    nb = nbformat.read(str(grader.layout.autograded_notebook("read_working_copy", NB01)), as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "WORKING COPY hidden blocks: 0" in printed, printed[-500:]


def test_what_the_kernel_prints_after_the_hidden_tests_is_not_in_the_feedback(corpus):
    """A function that records its arguments, and a later cell that prints them, would show the hidden cases
    (notebook 01's sigmoid is tested at (2, 7) and (1, 1)): a cell run after the hidden tests keeps no output."""
    _, _, grader = corpus
    nb = nbformat.read(str(grader.layout.autograded_notebook("recording_args", NB01)), as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "SEEN SHAPES" not in printed and "(2, 7)" not in printed
    assert "this cell ran after the hidden tests" in printed


@pytest.fixture(scope="module")
def feedback01(corpus):
    """The feedback of every notebook 01 of the corpus (generated once: about 9 s)."""
    return corpus[2].feedback([NB01])


def test_feedback_shows_the_verdict_never_hidden_test_code(feedback01):
    html = feedback01[("patch_core", NB01)].read_text()
    assert "seed=2024" not in html and "BEGIN HIDDEN" not in html
    assert "all tests passed" in html and "ExerciseFailure" in html


def test_markers_in_a_students_answers_do_not_break_the_feedback(feedback01):
    html = feedback01[("markers_in_answers", NB01)].read_text()
    assert "a student&#39;s comment, not a marker" in html or "a student's comment, not a marker" in html
    assert "and `### END HIDDEN TESTS` ends them" in html or "ends them" in html


def test_work_forced_on_the_judge_is_refused_without_costing_the_run(corpus):
    """A 25000 x 25000 matrix asked of the judge's initialize_parameters, a 170 MB answer: each refused, in
    seconds, and only the exercise that sent the answer loses its point."""
    _, results, _ = corpus
    for student in ("huge_callback", "huge_reply"):
        assert not results[(student, NB01)].reason, results[(student, NB01)].reason
        assert results[(student, NB01)].seconds < results[("honest_full", NB01)].seconds + 30
    records = {(r.student, r.grade_id): r for r in Gradebook(corpus[2].layout.db_url).load_checks()}
    assert "characters of data were sent (at most" in records[("huge_reply", "test_predict")].message
    notes = {student: [n for n in results[(student, NB01)].notes if n.startswith("judge:")]
             for student in ("huge_callback", "huge_reply", "honest_full")}
    assert notes["honest_full"] == []
    assert len(notes["huge_callback"]) == 1 and "test_nn_model: the judge refuses to run initialize_parameters with " \
        "sizes of 625,000,000 elements" in notes["huge_callback"][0], notes
    assert len(notes["huge_reply"]) == 1 and "test_predict: the judge refused the kernel's answer" in notes["huge_reply"][0]


def test_validate_agrees_with_autograde_on_the_visible_tests(corpus, tmp_path):
    from grading.cli.validate import validate_notebook

    cases, _, grader = corpus
    for student in ("honest_partial", "patch_core"):
        visible = {r.grade_id: r.visible_passed for r in Gradebook(grader.layout.db_url).load_checks() if r.student == student}
        path = tmp_path / student / f"{NB01}.ipynb"
        path.parent.mkdir()
        nbformat.write(cases[(student, NB01)][0], str(path))
        report = validate_notebook(path)
        assert {check.grade_id: check.passed for check in report.checks} == visible


ENDLESS_PREDICT = "def predict(parameters, X):\n    while True:\n        pass\n"
CRASHING_UPDATE = "def update_parameters(parameters, grads, learning_rate):\n    import os\n    os._exit(1)\n"


def test_limits_hold_during_judge_calls(tmp_path):
    """A student's function that never returns costs its test cell (interrupted at the cell's limit),
    one that kills the kernel costs its cell and the cells after it; the rest keeps its points."""
    from grading.limits import Limits

    notebooks = {k: v for k, v in find_notebooks(NOTEBOOKS).items() if k == NB01}
    grader = Grader(tmp_path / "course", limits=Limits(cell_timeout=10, timeout=200))
    released = grader.release(notebooks)
    source, release = (nbformat.read(str(p), as_version=4) for p in (notebooks[NB01], released[NB01]))
    cases = {"endless": (ENDLESS_PREDICT, {"predict"}, "CellTimeoutError"),
             "crash": (CRASHING_UPDATE, {"update_parameters", "nn_model", "predict"}, "KernelDied")}
    for student, (code, _, _) in cases.items():
        folder = tmp_path / "submissions" / student / NB01
        folder.mkdir(parents=True)
        name = code.split("(")[0].removeprefix("def ")
        nbformat.write(_notebook(source, release, POINTS01, replaced={name: code}), str(folder / f"{NB01}.ipynb"))
    results = {r.student: r for r in grader.autograde_all(find_submissions(tmp_path / "submissions"), notebooks)}
    for student, (_, lost, ename) in cases.items():
        assert results[student].score == sum(POINTS01.values()) - sum(POINTS01[n] for n in lost), student
        assert ename in results[student].reason
