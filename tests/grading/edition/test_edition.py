"""The student edition of helpers (grading/edition/build.py, helpers/checks/tape.py): no answer in it, the
same hints from it.

Editions are built once per test session and imported under another package name (`student_helpers`),
beside the workbook's own `helpers`, so that the same answer can be fed to the instructor's checks and to the
edition's and the outcomes compared: every check call of the checks' own tests, through the twin plugin
(tests/support/edition_twin.py), in a pytest run of its own. The leak tests look at the edition released for one
notebook alone, and at the edition of the whole workbook (every compiled notebook). A slow test runs each
compiled notebook top to bottom in a kernel that imports its edition as `helpers`, as a student's does.
"""
from __future__ import annotations

import ast
import collections
import importlib
import inspect
import io
import json
import os
import pkgutil
import re
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from grading.edition import build as edition
from grading.edition.build import COMPILED, Exercises, RecordingTape, build_edition
from grading.edition.closure import Package
from grading.edition.wheel import build_wheel
from helpers import shallow as shallow_ref
from helpers.checks import ExerciseFailure, tape
from helpers.checks.engine import Exercise, as_answer

from notebook_checks import MODULES
from notebook_runner import execute

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = "student_helpers"
#: What each notebook's edition reveals on purpose (release prints it): the earlier notebooks' answers that its
#: cells use, and what those need.
SHALLOW_NETWORK = [("helpers.shallow", name) for name in (
    "activation_and_derivative", "backward_propagation", "compute_cost", "forward_propagation",
    "initialize_parameters", "nn_model", "predict", "sigmoid", "update_parameters")]
REVEALED = {
    "01_shallow_network": [("helpers.data", "train_dev_test_split")],
    "02_deep_network": sorted([("helpers.data", "train_dev_test_split"), ("helpers.deep", "sigmoid"),
                               ("helpers.layers", "sigmoid")] + SHALLOW_NETWORK),
    "03_regularization": sorted([("helpers.gradcheck", "gradient_check")]
                                + [("helpers.deep", n) for n in (
                                    "L_model_backward", "L_model_forward", "compute_cost", "initialize_parameters_deep",
                                    "predict", "update_parameters")]
                                + [("helpers.layers", n) for n in ("linear_backward", "linear_forward", "relu",
                                                                   "relu_backward", "sigmoid", "sigmoid_backward")]),
    "04_dropout": sorted([("helpers.gradcheck", "gradient_check")]
                         + [("helpers.deep", n) for n in (
                             "L_model_forward", "initialize_parameters_deep", "linear_activation_backward",
                             "linear_activation_forward", "linear_backward", "linear_forward", "predict",
                             "relu_backward", "sigmoid_backward", "update_parameters")]
                         + [("helpers.layers", n) for n in ("linear_backward", "linear_forward", "relu",
                                                            "relu_backward", "sigmoid", "sigmoid_backward")]),
    "05_batch_normalization": sorted([("helpers.data", "train_dev_test_split")]
                                     + [("helpers.deep", n) for n in (
                                         "compute_cost", "linear_activation_forward", "linear_backward",
                                         "linear_forward", "relu", "relu_backward", "sigmoid", "sigmoid_backward")]
                                     + [("helpers.layers", n) for n in ("linear_backward", "linear_forward", "relu",
                                                                        "relu_backward", "sigmoid",
                                                                        "sigmoid_backward")]),
    "06_optimizers": sorted([("helpers.data", "train_dev_test_split")]
                            + [("helpers.deep", n) for n in ("L_model_forward", "initialize_parameters_deep",
                                                             "predict", "update_parameters")]
                            + [("helpers.layers", n) for n in ("linear_backward", "linear_forward", "relu",
                                                               "relu_backward", "sigmoid")]),
    "07_hyperparameters": sorted([("helpers.data", "train_dev_test_split"), ("helpers.optimizers", "initialize_adam"),
                                  ("helpers.optimizers", "initialize_velocity"),
                                  ("helpers.optimizers", "update_parameters_with_adam_inplace")]
                                 + [("helpers.deep", n) for n in ("L_model_backward", "L_model_forward",
                                                                  "initialize_parameters_deep", "predict")]
                                 + [("helpers.layers", n) for n in ("linear_backward", "linear_forward", "relu",
                                                                    "relu_backward", "sigmoid", "sigmoid_backward")]),
    "08_softmax": sorted([("helpers.data", "train_dev_test_split"), ("helpers.gradcheck", "gradient_check")]
                         + [("helpers.deep", n) for n in (
                             "L_model_backward", "L_model_forward", "compute_cost", "initialize_parameters_deep",
                             "linear_activation_backward", "linear_activation_forward", "linear_backward",
                             "linear_forward", "relu_backward", "sigmoid", "sigmoid_backward", "update_parameters")]
                         + [("helpers.layers", n) for n in ("linear_backward", "linear_forward", "relu",
                                                            "relu_backward", "sigmoid", "sigmoid_backward")]),
    "09_practice": sorted([("helpers.batchnorm", "batchnorm_backward"), ("helpers.batchnorm", "batchnorm_forward"),
                          ("helpers.data", "train_dev_test_split"), ("helpers.deep", "linear_backward"),
                          ("helpers.deep", "linear_forward"), ("helpers.deep", "relu"),
                          ("helpers.deep", "relu_backward"),
                          ("helpers.dropout", "dropout_backward"), ("helpers.dropout", "dropout_forward"),
                          ("helpers.practice", "compute_cost")]
                         + [("helpers.hyperparameters", n) for n in ("best_config", "random_search",
                                                                     "sample_log_uniform")]
                         + [("helpers.layers", n) for n in (
                             "batchnorm_backward", "batchnorm_forward", "dropout_backward", "dropout_forward",
                             "linear_backward", "linear_forward", "relu", "relu_backward", "softmax")]
                         + [("helpers.optimizers", n) for n in (
                             "initialize_adam", "initialize_velocity", "random_mini_batches", "update_lr",
                             "update_parameters_with_adam", "update_parameters_with_adam_inplace")]
                         + [("helpers.softmax", n) for n in ("compute_cost_softmax", "one_hot", "softmax")]),
}
EXERCISES = Exercises.read()
EDITION_PACKAGE = Package(ROOT / "helpers")


def _module_of(assignment: str) -> str:
    return next(name for name, (module, _) in MODULES.items() if module.__name__ == _checks_name(assignment))


def _checks_name(assignment: str) -> str:
    return f"helpers.checks.{edition.NotebookChecks.read(assignment, _notebook(assignment)).module}"


def _notebook(assignment: str) -> Path:
    return ROOT / "notebooks" / f"{assignment}.ipynb"


@pytest.fixture(scope="session")
def editions(tmp_path_factory):
    """{assignment or "workbook": the folder holding `student_helpers`, the edition of that notebook alone or
    of every compiled notebook}; the workbook's is importable as `student_helpers`."""
    found = {}
    for name, assignments in [("workbook", COMPILED)] + [(a, (a,)) for a in COMPILED]:
        folder = tmp_path_factory.mktemp(f"edition-{name}")
        made = build_edition(folder / "built", {a: _notebook(a) for a in assignments})
        (folder / PACKAGE).symlink_to(made.path, target_is_directory=True)
        found[name] = (folder, made)
    sys.path.insert(0, str(found["workbook"][0]))
    yield found
    sys.path.remove(str(found["workbook"][0]))
    for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
        del sys.modules[name]


@pytest.fixture(scope="session")
def student_checks(editions):
    return importlib.import_module(f"{PACKAGE}.checks.shallow")


def _failure(check, answer, **case):
    """The (message, mistake id) of check(answer), or None when it passes."""
    with redirect_stdout(io.StringIO()):
        try:
            check(answer, **case)
        except AssertionError as failure:        # either side's ExerciseFailure
            return str(failure), getattr(failure, "mistake", "")
    return None


def test_each_edition_says_what_it_reveals_and_what_it_cannot_build_yet(editions):
    for assignment in COMPILED:
        assert sorted(editions[assignment][1].revealed.get(assignment, [])) == REVEALED[assignment], assignment
    assert {a: sorted(r) for a, r in editions["workbook"][1].revealed.items()} == REVEALED
    later = [path.stem for path in sorted((ROOT / "notebooks").glob("0*.ipynb")) if path.stem not in COMPILED]
    if later:
        folder = editions["workbook"][0] / "later"
        assert build_edition(folder, {later[0]: _notebook(later[0])}).not_compiled == [later[0]]


def test_a_notebooks_own_answer_in_what_it_uses_is_refused(tmp_path, monkeypatch):
    """A notebook whose cells used a reference of its own exercises would ship its answer: release refuses."""
    reading = edition.NotebookChecks.read("02_deep_network", _notebook("02_deep_network"))
    monkeypatch.setattr(edition.NotebookChecks, "read", classmethod(
        lambda cls, a, p: edition.NotebookChecks(a, reading.module, reading.calls,
                                                 reading.used | {("helpers.deep", "L_model_forward")})))
    with pytest.raises(edition.EditionError, match="L_model_forward, the answer of its own exercise"):
        build_edition(tmp_path, {"02_deep_network": _notebook("02_deep_network")})


# --- the same hints -------------------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", COMPILED)
def test_the_reference_passes_every_visible_check_call(editions, assignment):
    module_name = _module_of(assignment)
    instructor, calls = MODULES[module_name]
    student = importlib.import_module(f"{PACKAGE}.checks.{module_name}")
    visible = [call for call in calls if not call.hidden]
    assert visible
    for call in visible:
        answer = edition.reference_answer(instructor, module_name, call.function)
        assert _failure(getattr(student, call.check), answer, **call.kwargs) is None, call.check


TWIN_TESTS = ["tests/checks/test_exercises.py", "tests/checks/test_checks_composed.py"]


def test_every_check_call_of_the_checks_tests_ends_alike_on_the_edition(editions, tmp_path):
    """The checks' own tests, run again with every check twinned (tests/support/edition_twin.py): each wrong answer they
    feed in on a visible case (every named mistake of the tables, every diagnosis written as code) gets the same
    message and mistake id from the student's side; and every check of every compiled notebook is compared."""
    modules = [_module_of(a) for a in COMPILED]
    report = tmp_path / "twin.json"
    files = TWIN_TESTS + [f"tests/checks/test_checks_{m}.py" for m in modules]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-m", "not slow", "-p", "no:cacheprovider",
                          *files], cwd=ROOT, capture_output=True, text=True, timeout=900,
                         env={**os.environ, "EDITION_TWIN": str(editions["workbook"][0]),
                              "EDITION_TWIN_REPORT": str(report)})
    assert run.returncode == 0, run.stdout[-3000:]
    found = json.loads(report.read_text())
    assert found["differences"] == []
    compared = collections.Counter(found["compared"])
    for module in modules:
        instructor, calls = MODULES[module]
        for check in {call.check for call in calls}:        # a table's: each named mistake and a right answer
            exercise = getattr(getattr(instructor, check), "exercise", None)
            assert compared[f"{module}.{check}"] > (len(exercise.mistakes) if exercise else 1), check


def test_another_case_than_the_visible_one_says_so(student_checks):
    with pytest.raises(AssertionError, match="knows the visible test case only") as failure:
        student_checks.check_sigmoid(as_answer(shallow_ref.sigmoid), shape=(2, 7), seed=2024)
    assert failure.value.mistake == "edition.not-the-visible-case"
    with pytest.raises(AssertionError, match="visible test case only"):
        student_checks.check_nn_model(as_answer(shallow_ref.nn_model), n_h=6, m=40, num_iterations=120)


def test_a_composed_exercise_names_the_students_broken_block(student_checks):
    namespace = {"np": np}
    exec("def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"          # the exponent's sign flipped
         "def forward_propagation(X, parameters):\n"
         "    Z1 = parameters['W1'] @ X + parameters['b1']\n    A1 = np.tanh(Z1)\n"
         "    Z2 = parameters['W2'] @ A1 + parameters['b2']\n    A2 = sigmoid(Z2)\n"
         "    return A2, {'Z1': Z1, 'A1': A1, 'Z2': Z2, 'A2': A2}\n", namespace)
    message, _ = _failure(student_checks.check_forward_propagation, namespace["forward_propagation"])
    assert "your `sigmoid` does not pass its own test yet" in message


def test_the_challenge_demonstration_comes_from_the_release(student_checks):
    assert student_checks.compare_hidden_activations() == shallow_ref.compare_hidden_activations()


# --- no answer in it ------------------------------------------------------------------------------------

def _edition_functions(folder):
    """[(qualified name, function)] of every function defined in an edition's modules (imported fresh)."""
    for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        found = []
        for info in pkgutil.walk_packages([str(folder / PACKAGE)], f"{PACKAGE}."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if inspect.isfunction(value) and value.__module__ == info.name:
                    found.append((f"{info.name}.{name}", value))
                elif inspect.isclass(value) and value.__module__ == info.name:
                    found += [(f"{info.name}.{name}.{n}", f) for n, f in vars(value).items() if inspect.isfunction(f)]
        return found
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _own_references(assignment: str) -> dict:
    """{exercise name: (reference function, the arguments of its visible case)} of a notebook's exercises, the
    arguments caught by running each visible check with a spy as the answer."""
    module_name = _module_of(assignment)
    instructor, calls = MODULES[module_name]
    found = {}
    for call in (c for c in calls if not c.hidden and c.function not in found):
        answer = edition.reference_answer(instructor, module_name, call.function)
        reference = getattr(answer, "__wrapped__", answer)
        caught = []

        def spy(*args, reference=reference, caught=caught, **kwargs):
            caught.append((args, kwargs))
            return reference(*args, **kwargs)
        with redirect_stdout(io.StringIO()):
            getattr(instructor, call.check)(spy, *call.args, **call.kwargs)
        found[call.function] = (reference, caught[0])
    return found


def _agrees(candidate, reference, arguments) -> bool:
    args, kwargs = arguments
    try:
        with redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
            got = candidate(*tape.decode(tape.encode(args, arrays := []), arrays), **kwargs)
            expected = reference(*args, **kwargs)
        return tape.digest(got) == tape.digest(expected)
    except Exception:  # noqa: BLE001 - a function that cannot take these arguments does not agree
        return False


LEAK_CASES = [(a, a) for a in COMPILED] + [("workbook", a) for a in COMPILED]


@pytest.mark.parametrize("edition_name, assignment", LEAK_CASES, ids=[f"{e}:{a}" for e, a in LEAK_CASES])
def test_no_function_of_the_edition_computes_an_exercise(editions, edition_name, assignment):
    functions = _edition_functions(editions[edition_name][0])
    revealed_functions = {name for pairs in editions[edition_name][1].revealed.values() for _, name in pairs}
    revealed = {EDITION_PACKAGE.answers(module, name) for pairs in editions[edition_name][1].revealed.values()
                for module, name in pairs}
    assert len(functions) > 60
    for name, (reference, arguments) in _own_references(assignment).items():
        if name in revealed:                   # another notebook of the edition uses it on purpose
            continue
        for qualified, fn in functions:
            if fn.__name__ in revealed_functions:   # given on purpose (initialize_velocity computes initialize_rmsprop)
                continue
            try:
                inspect.signature(fn).bind(*arguments[0], **arguments[1])
            except (TypeError, ValueError):
                continue
            assert not _agrees(fn, reference, arguments), f"{qualified} computes {name}"


def _normalised(fn_node) -> str:
    body = fn_node.body[1:] if (fn_node.body and isinstance(fn_node.body[0], ast.Expr)
                                and isinstance(fn_node.body[0].value, ast.Constant)) else fn_node.body
    return ast.dump(ast.Module(body=body, type_ignores=[]), annotate_fields=False)


def _function_nodes(source):
    return [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)]


def _answer_nodes(assignment: str, revealed: set) -> list:
    """The function definitions that answer a notebook's exercises: its reference module's and its checks
    module's (the mistakes, the helpers that spell an answer), the checks copied as code aside."""
    module_name = _module_of(assignment)
    instructor = MODULES[module_name][0]
    reference = importlib.import_module(EXERCISES.references[module_name])
    nodes = [n for n in _function_nodes(Path(reference.__file__).read_text())
             if n.name in EXERCISES.names[module_name] and n.name not in revealed]
    copied = set(getattr(instructor, "STUDENT_EDITION", ()))
    return nodes + [n for top in ast.parse(Path(instructor.__file__).read_text()).body
                    if getattr(top, "name", None) not in copied for n in ast.walk(top) if isinstance(n, ast.FunctionDef)]


@pytest.mark.parametrize("edition_name, assignment", LEAK_CASES, ids=[f"{e}:{a}" for e, a in LEAK_CASES])
def test_no_source_of_a_reference_or_a_named_mistake_is_in_the_edition(editions, edition_name, assignment):
    folder, made = editions[edition_name]
    revealed = {name for pairs in made.revealed.values() for _, name in pairs}
    shipped = {_normalised(n) for path in made.path.rglob("*.py") for n in _function_nodes(path.read_text())}
    answers = _answer_nodes(assignment, revealed)
    assert len(answers) > len(EXERCISES.names[_module_of(assignment)])     # the references, and more
    assert [n.name for n in answers if _normalised(n) in shipped] == []
    data = "".join(p.read_text() for p in made.path.rglob("*.json"))    # values and hints, no code
    assert not re.search(r"\bdef \w+\(|<lambda>|<locals>", data)
    getsource = set()
    for _, fn in _edition_functions(folder):
        try:
            getsource |= {_normalised(n) for n in _function_nodes(inspect.getsource(fn).strip())}
        except (OSError, TypeError, SyntaxError, IndentationError):
            continue
    assert [n.name for n in answers if _normalised(n) in getsource] == []


def test_the_answers_of_notebook_01_are_nowhere_in_its_edition(editions):
    made = editions["01_shallow_network"][1]
    code = "\n".join(p.read_text() for p in made.path.rglob("*.py"))
    for marker in ("np.tanh(Z1)", "dZ2 @", "1 - A1 ** 2", "def forward(", "lambda z: 1 / (1 + np.exp(z))"):
        assert marker not in code
    with pytest.raises(TypeError):
        inspect.getsource(importlib.import_module(f"{PACKAGE}.checks.shallow").ref)


@pytest.mark.parametrize("assignment", COMPILED)
def test_no_hidden_case_is_in_the_edition(editions, assignment):
    made = editions[assignment][1]
    module_name = _module_of(assignment)
    instructor = MODULES[module_name][0]
    stored = json.loads((made.path / "checks" / f"{module_name}.json").read_text())
    with np.load(made.path / "checks" / f"{module_name}.npz") as arrays:
        shipped = {tape.digest(arrays[key]) for key in arrays.files}
    cases = {digest for exercise in stored["exercises"].values() for digest in exercise["cases"]}
    hidden = [call for call in MODULES[module_name][1] if call.hidden]
    assert hidden
    for call in hidden:
        exercise = getattr(getattr(instructor, call.check), "exercise", None)
        if isinstance(exercise, Exercise):
            case = {**exercise.case, **call.kwargs}
            assert tape.digest(case) not in cases
            assert not {tape.digest(a) for a in _arrays(exercise.inputs(**case).args)} & shipped, call


def _arrays(value):
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [a for item in value for a in _arrays(item)] if isinstance(value, (tuple, list)) else []


# --- every table of the workbook: compiled, then replayed with the same messages ----------------------

def _table_checks(module, exercise) -> list:
    """The checks made by check(TABLE) of `exercise` (a check written as code around its table is compared by the
    twin run, test_every_check_call_of_the_checks_tests_ends_alike_on_the_edition)."""
    return [v for v in vars(module).values() if getattr(getattr(v, "exercise", None), "name", None) == exercise.name
            and hasattr(v, "vary")]


TABLES = [(name, exercise) for name, (module, _) in MODULES.items() for exercise in getattr(module, "EXERCISES", ())
          if _table_checks(module, exercise)]


def _replayed(module, exercise):
    """The check of `exercise` rebuilt from what a recording tape stored on its visible case."""
    recording = RecordingTape(module)
    checks = _table_checks(module, exercise)
    with redirect_stdout(io.StringIO()):
        recording.check(exercise.name)(as_answer(exercise.reference))
        for wrong in exercise.mistakes:
            try:
                recording.check(exercise.name)(as_answer(wrong.answer))
            except ExerciseFailure:
                pass
    stored = json.loads(json.dumps(recording.data()))
    return tape.Tape(module.__name__, stored, recording.arrays).check(exercise.name), checks[0]


@pytest.mark.parametrize("module_name, exercise", TABLES, ids=[f"{n}.{e.name}" for n, e in TABLES])
def test_every_table_compiles_and_replays_each_named_mistake(module_name, exercise):
    module = MODULES[module_name][0]
    replayed, live = _replayed(module, exercise)
    assert _failure(replayed, as_answer(exercise.reference)) is None
    for wrong in exercise.mistakes:
        assert _failure(replayed, as_answer(wrong.answer)) == _failure(live, as_answer(wrong.answer)), wrong.id


# --- each compiled notebook on its edition --------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("assignment", COMPILED)
def test_the_notebook_runs_top_to_bottom_on_its_edition(assignment):
    """The notebooks' tests run each notebook on its own edition (tests/support/notebook_runner.py), as a student's
    copy runs: its kernel imported that edition, no checks module held a reference, every visible check passed."""
    run = execute(assignment)
    assert run.helpers_file == str(run.folder / "helpers" / "__init__.py") and run.reference is False
    outputs = "".join(o.get("text", "") for c in run.notebook.cells if c.cell_type == "code" for o in c.outputs)
    visible = edition.NotebookChecks.read(assignment, _notebook(assignment)).calls     # a challenge's too
    assert outputs.count("all tests passed") == len(visible)


def test_student_copies_come_with_the_edition_that_their_kernels_import(tmp_path):
    """`make lab` (python -m grading student-copies): the copies' folder holds the student edition, which a kernel
    started there (JupyterLab starts a notebook's kernel in the notebook's folder) imports before the workbook's."""
    dest = tmp_path / "student"
    made = subprocess.run([sys.executable, "-m", "grading", "student-copies", "--dest", str(dest), "--assignment",
                           "02_deep_network"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    assert "helpers for your notebooks" in made.stdout and (dest / "helpers" / "checks" / "deep.json").is_file()
    # a self-learner reads the discussion of a written question folded under the answer box (no feedback follows)
    cells = ["".join(c["source"]) for c in json.loads((dest / "02_deep_network.ipynb").read_text())["cells"]]
    folded = [s for s in cells if s.startswith("<details><summary>Discussion: open it once")]
    assert len(folded) == 1 and "He's 2" in folded[0] and not [s for s in cells if s.startswith("**Discussion.**")]
    kernel = subprocess.run([sys.executable, "-c", "import helpers, helpers.deep, helpers.checks.deep as checks\n"
                             "print(helpers.__file__, type(checks.ref).__name__, hasattr(helpers.deep, 'relu'))"],
                            cwd=dest, capture_output=True, text=True, timeout=120)
    assert kernel.stdout.split() == [str(dest / "helpers" / "__init__.py"), "RecordedModule", "False"], kernel.stderr


def test_the_editions_wheel_installs_with_pip_and_its_checks_run(editions, tmp_path):
    """The wheel release builds (grading.edition.wheel, for a JupyterHub image): pip installs it, and a kernel
    with it on its path checks a student's answer from the stored values."""
    wheel = build_wheel(editions["workbook"][1].path, tmp_path / "dist")
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target",
                                str(target), str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    kernel = subprocess.run([sys.executable, "-c", "import numpy as np, helpers, helpers.checks.deep as checks\n"
                             "print(helpers.__file__)\n"
                             "checks.check_relu(lambda Z: np.maximum(0, Z))"],
                            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)}, capture_output=True,
                            text=True, timeout=120)
    assert kernel.stdout.splitlines() == [str(target / "helpers" / "__init__.py"), "✔ relu: all tests passed."], (
        kernel.stderr)


def test_the_editions_wheel_carries_the_kernels_start_up_hook(tmp_path):
    """The wheel installs etc/ipython/ipython_kernel_config.json under the environment's prefix (PEP 427's .data
    folder), which loads helpers.checks in every kernel; its RECORD lists it with its hash, as pip checks.
    (tests/test_student_image.py installs a wheel with pip and sees the hook at work.)"""
    import base64
    import hashlib
    import zipfile

    from grading.edition.wheel import STARTUP, STARTUP_CONFIG

    package = tmp_path / "helpers"
    package.mkdir()
    (package / "__init__.py").write_text("")
    with zipfile.ZipFile(build_wheel(package, tmp_path / "dist")) as wheel:
        names = wheel.namelist()
        (hook,) = [name for name in names if name.endswith(".data/data/" + STARTUP_CONFIG)]
        assert json.loads(wheel.read(hook)) == STARTUP
        assert STARTUP == {"InteractiveShellApp": {"extra_extensions": ["helpers.checks"]}}
        record = wheel.read(next(name for name in names if name.endswith(".dist-info/RECORD"))).decode()
    digest = base64.urlsafe_b64encode(hashlib.sha256(json.dumps(STARTUP, indent=2).encode() + b"\n").digest())
    assert f"{hook},sha256={digest.rstrip(b'=').decode()}," in record


@pytest.mark.parametrize("module", MODULES)
def test_a_check_written_as_code_ships_without_the_rule_it_checks(module):
    """A check's docstring states the rule it checks, often the exercise's answer line (check_dropout_forward's
    was "D = rng.random(A.shape) < keep_prob; A_drop = A * D / keep_prob"), and a student reads it with
    ``checks.check_dropout_forward?``: the edition ships each check with a neutral docstring instead."""
    tree = ast.parse(edition.edition_source(module))
    checks = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("check_")]
    neutral = [node for node in checks if ast.get_docstring(node) == (
        f"The visible test of {node.name.removeprefix('check_')} (student edition): call it on your function.")]
    assert [node.name for node in checks if ast.get_docstring(node) is not None and node not in neutral] == []
    assert neutral, f"{module}: no check written as code was found"
