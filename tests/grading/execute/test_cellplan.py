"""Grading runs only what grades depend on (grading/execute/cellplan.py): the source notebooks' demo
cells are never needed by an answer or test cell, the solutions get full marks without them,
and a student whose code does need one still gets it run."""
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grading.execute.cellplan import CHALLENGE_TAG, DEMO_TAG, SKIP_TAGS, cell_names, is_skippable, plan_cells
from grading_fixture import NAME, TOTAL, cell, fixture, poisoned, read_nb
from notebook_runner import source_notebooks

NOTEBOOK_PATHS = source_notebooks()
IDS = [path.stem for path in NOTEBOOK_PATHS]


def nbgrader(grade_id, **flags):
    return {"nbgrader": {"grade": False, "solution": False, "locked": False, "schema_version": 3,
                         "grade_id": grade_id, **flags}}


def demo(source, tag=DEMO_TAG, **metadata):
    return new_code_cell(source, metadata={"tags": [tag], **metadata})


# -- what a cell defines and reads ----------------------------------------------------

def test_names_read_before_they_are_defined_in_the_cell_are_uses():
    names = cell_names("a = b + 1\nprint(a, c)\nc = 2")
    assert names.defines == {"a", "c"}
    assert names.uses == {"b", "print", "c"}      # c is read before this cell defines it


def test_a_name_defined_earlier_in_the_cell_is_not_a_use():
    names = cell_names("rng = make()\nx = rng.random()")
    assert "rng" not in names.uses and names.defines == {"rng", "x"}


def test_function_bodies_read_later_and_comprehensions_at_once():
    names = cell_names("def f(p):\n    return helper(p) + scale\n"
                       "values = [g(v) for v in data]\nlam = lambda u: u * factor")
    assert names.defines == {"f", "values", "lam"}
    assert {"g", "data"} <= names.uses and "helper" not in names.uses
    assert names.uses_later == {"helper", "scale", "factor"}


def test_imports_classes_loops_and_global_assignments_define_names():
    names = cell_names("import numpy as np\nfrom os import path\nclass C:\n    k = base\n"
                       "for i, j in pairs:\n    pass\ndef setter():\n    global shared\n    shared = 1")
    assert {"np", "path", "C", "i", "j", "setter", "shared"} <= names.defines
    assert {"base", "pairs"} <= names.uses


def test_magics_are_understood_and_a_broken_cell_defines_nothing():
    names = cell_names("%matplotlib inline\nx = y")
    assert names.defines == {"x"} and "y" in names.uses and names.dynamic   # get_ipython()
    assert cell_names("def broken(:\n    pass") == cell_names("")


def test_code_after_a_raise_or_return_reads_nothing():
    """A blank exercise: the stub raises, and the rest of the function never runs."""
    names = cell_names("def model(X):\n    costs = []\n    raise NotImplementedError()\n"
                       "    for i in range(3):\n        costs.append(cost_of(i))\n    return parameters, costs")
    assert names.uses_later == {"NotImplementedError"}
    assert cell_names("def f():\n    return 1\n    print(after)").uses_later == set()
    assert "after" in cell_names("def f(x):\n    if x:\n        return 1\n    return after").uses_later


def test_dynamic_access_to_the_namespace_is_noticed():
    assert cell_names("value = eval('secret')").dynamic
    assert cell_names("def f():\n    return globals()['secret']").dynamic_later
    assert not cell_names("def f():\n    return 1").dynamic_later


# -- the plan ------------------------------------------------------------------------------

def notebook(*cells):
    return new_notebook(cells=list(cells))


def test_unneeded_demo_and_challenge_cells_are_skipped():
    nb = notebook(
        new_code_cell("import numpy as np", metadata=nbgrader("setup", locked=True)),
        new_code_cell("def f(x):\n    return np.abs(x)", metadata=nbgrader("f", solution=True)),
        demo("curve = f(np.arange(3))\nprint(curve)"),
        new_code_cell("def g(x):\n    return 2 * x", metadata={"tags": [CHALLENGE_TAG], **nbgrader("g", solution=True)}),
        demo("print(g(1))", tag=CHALLENGE_TAG),
        new_markdown_cell("text"),
        new_code_cell("assert f(-1) == 1", metadata=nbgrader("test_f", grade=True, locked=True, points=1)),
    )
    plan = plan_cells(nb)
    assert plan.skipped == {2, 3, 4} and plan.needed == {}


def test_a_demo_cell_that_a_running_cell_needs_runs():
    nb = notebook(
        demo("data = [1, 2]"),                                # needed by the student's own cell
        demo("scale = 3"),                                    # needed inside an answer's function
        demo("unused = 4"),
        new_code_cell("def f():\n    return scale", metadata=nbgrader("f", solution=True)),
        new_code_cell("total = sum(data)"),                   # a cell the student added
        demo("print(total)"),
    )
    plan = plan_cells(nb)
    assert plan.needed == {0: ["data"], 1: ["scale"]}
    assert plan.skipped == {2, 5}


def test_needs_are_followed_through_demo_cells_that_run():
    nb = notebook(demo("base = 1"), demo("derived = base + 1"), new_code_cell("print(derived)"))
    assert plan_cells(nb).needed == {1: ["derived"], 0: ["base"]}


def test_a_demo_cell_defining_a_name_only_for_earlier_cells_is_skipped():
    nb = notebook(new_code_cell("print(later)"), demo("later = 1"))
    assert plan_cells(nb).skipped == {1}


def test_dynamic_access_runs_the_demo_cells_before_it():
    nb = notebook(demo("hidden = 1"), new_code_cell("print(eval('hid' + 'den'))"), demo("after = 2"))
    plan = plan_cells(nb)
    assert plan.needed == {0: ["dynamic"]} and plan.skipped == {2}


def test_graded_cells_always_run_and_a_tagged_setup_runs_because_it_is_needed():
    graded = demo("assert np.ones(1)[0] == 1", **nbgrader("t", grade=True, locked=True, points=1))
    setup = demo("import numpy as np", **nbgrader("setup", locked=True))
    challenge_check = demo("print('challenge checked')", tag=CHALLENGE_TAG, **nbgrader("c", locked=True))
    assert not is_skippable(graded) and is_skippable(challenge_check)
    assert not is_skippable(new_markdown_cell("text", metadata={"tags": [DEMO_TAG]}))
    plan = plan_cells(notebook(setup, graded, challenge_check))
    assert plan.needed == {0: ["np"]} and plan.skipped == {2}


# -- the source notebooks ------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_demo_cells_are_never_nbgrader_cells(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if DEMO_TAG in c.metadata.get("tags", [])]
    assert tagged, f"{path.name} marks no demonstration cell `demo`"
    wrong = [c.id for c in tagged if c.cell_type != "code" or c.metadata.get("nbgrader")]
    assert not wrong, f"{path.name}: cells {wrong} are tagged demo but are answer, test or set-up cells"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_no_answer_or_test_cell_needs_a_name_only_a_demo_cell_defines(path):
    nb = nbformat.read(path, as_version=4)
    plan = plan_cells(nb)
    needed = {nb.cells[i].id: names for i, names in plan.needed.items()}
    assert not needed, f"{path.name}: running cells need names from these demo cells: {needed}"
    # every demonstration and every challenge (its answer cell and its check) is skipped
    demos = {i for i, c in enumerate(nb.cells) if c.cell_type == "code" and set(c.metadata.get("tags", [])) & SKIP_TAGS}
    assert plan.skipped == demos


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_the_blank_student_version_needs_no_demo_cell_either(path):
    """The released version's stubs (``raise NotImplementedError()`` followed by the rest of
    the function) read no demonstration's variable: a blank submission grades as fast."""
    from nbgrader.preprocessors import ClearSolutions

    nb, _ = ClearSolutions().preprocess(nbformat.read(path, as_version=4), {})
    assert "raise NotImplementedError()" in "".join(c.source for c in nb.cells)
    needed = {nb.cells[i].id: names for i, names in plan_cells(nb).needed.items()}
    assert not needed, f"{path.name}: the blank version needs names from these demo cells: {needed}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_every_code_cell_that_no_grade_needs_is_tagged(path):
    """A plain code cell (not an answer, test or set-up cell) is a demonstration, tagged
    `demo` so that grading skips it, unless an answer, test or set-up cell needs it."""
    nb = nbformat.read(path, as_version=4)
    untagged = {i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                and not c.metadata.get("nbgrader") and not (set(c.metadata.get("tags", [])) & SKIP_TAGS)}
    for i in untagged:
        nb.cells[i].metadata.tags = [DEMO_TAG]
    unneeded = sorted(nb.cells[i].id for i in untagged & plan_cells(nb).skipped)
    assert not unneeded, f"{path.name}: no grade needs cells {unneeded}: tag them `demo`"


@pytest.mark.slow
def test_validate_gives_the_solution_full_marks_with_the_demo_cells_skipped(tmp_path):
    """Every test cell, hidden tests included, passes when Validate runs the notebook; a demo cell that ran would
    have killed the kernel (and failed every test after it). One notebook here: autograde runs every notebook so,
    with the same execution (GradingExecute), in the demo class's round trip (tests/grading/cli)."""
    from grading.cli.validate import validate_notebook

    path = next(path for path in NOTEBOOK_PATHS if path.stem == "08_softmax")
    copy = tmp_path / path.name
    nbformat.write(poisoned(nbformat.read(path, as_version=4)), str(copy))
    report = validate_notebook(copy)
    failed = {c.grade_id: c.message for c in report.checks if not c.passed}
    assert report.checks and not failed, failed
    assert sum(c.score for c in report.checks) == sum(c.points for c in report.checks)


# -- through the whole pipeline (the fixture course, with a demonstration added) -----------

DEMO_OUTPUT = "relu: [0. 0. 0. 1. 2.]"


@pytest.fixture(scope="module")
def graded_with_demo(tmp_path_factory):
    """The fixture notebook with a demo cell after test_relu, graded for alice (the solution,
    with her own output in the demo cell) and frank (his softmax reads the demo's variable)."""
    from grading.course import find_submissions
    from grading.batch.pipeline import Grader

    root = tmp_path_factory.mktemp("demo-course")
    source = fixture.build_notebook()
    index = source.cells.index(cell(source, "test_relu")) + 1
    source.cells.insert(index, demo('demo_inputs = np.linspace(-2.0, 2.0, 5)\nprint("relu:", relu(demo_inputs))'))
    (root / "notebooks").mkdir()
    path = root / "notebooks" / f"{NAME}.ipynb"
    nbformat.write(source, str(path))
    grader = Grader(root / "course")
    released = grader.release({NAME: path})[NAME]

    alice = read_nb(path)
    alice.cells[index].outputs = [nbformat.v4.new_output("stream", name="stdout", text="alice's own run\n")]
    alice.cells[index].execution_count = 7
    frank = read_nb(path)
    softmax = cell(frank, "softmax")
    softmax.source = softmax.source.replace(fixture.STABLE_SOFTMAX_LINE,
                                            fixture.STABLE_SOFTMAX_LINE + " + 0 * demo_inputs.sum()")
    for student, nb in {"alice": alice, "frank": frank}.items():
        folder = root / "subs" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{NAME}.ipynb"))
    results = {r.student: r for r in grader.autograde_all(find_submissions(root / "subs"))}
    feedback = grader.feedback()
    autograded = {s: read_nb(grader.layout.autograded_notebook(s, NAME)) for s in results}
    return {"index": index, "released": read_nb(released), "results": results,
            "feedback": feedback, "autograded": autograded}


@pytest.mark.slow
def test_the_released_notebook_keeps_the_demo_tag(graded_with_demo):
    released = graded_with_demo["released"].cells[graded_with_demo["index"]]
    assert DEMO_TAG in released.metadata.tags and "demo_inputs" in released.source


@pytest.mark.slow
def test_a_skipped_demo_cell_keeps_the_students_own_output_in_the_feedback(graded_with_demo):
    result = graded_with_demo["results"]["alice"]
    assert (result.score, result.max_score) == (TOTAL, TOTAL)
    demo_cell = graded_with_demo["autograded"]["alice"].cells[graded_with_demo["index"]]
    assert [o.get("text") for o in demo_cell.outputs] == ["alice's own run\n"]     # not run again
    assert demo_cell.execution_count == 7
    html = Path(graded_with_demo["feedback"]["alice", NAME]).read_text()
    assert "alice&#39;s own run" in html or "alice's own run" in html


@pytest.mark.slow
def test_a_demo_cell_that_the_students_answer_needs_is_run(graded_with_demo):
    result = graded_with_demo["results"]["frank"]
    assert (result.score, result.max_score) == (TOTAL, TOTAL)
    demo_cell = graded_with_demo["autograded"]["frank"].cells[graded_with_demo["index"]]
    assert DEMO_OUTPUT in "".join(o.get("text", "") for o in demo_cell.outputs)
