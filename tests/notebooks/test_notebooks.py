"""Every source notebook: well-formed nbgrader metadata, no committed outputs, runs top to bottom,
prints what its "Expected output" lines show, and (01-08) follows the workbook's conventions for
questions, "What to remember" boxes and optional challenges (issue 15)."""
from __future__ import annotations

import ast
import importlib
import re

import nbformat
import pytest

from notebook_runner import execute, source_notebooks

NOTEBOOK_PATHS = source_notebooks()
IDS = [path.stem for path in NOTEBOOK_PATHS]
# The notebooks with questions, remember boxes and challenges (09 has its written answers already).
TAUGHT = [path for path in NOTEBOOK_PATHS if path.stem[:2] <= "08"]
TAUGHT_IDS = [path.stem for path in TAUGHT]
EXPECTED = re.compile(r"\*\*Expected output:\*\*\s*(?:```\n(.*?)```|`(.*?)`)", flags=re.S)


def test_there_are_notebooks():
    assert NOTEBOOK_PATHS, "no notebooks/NN_name.ipynb found"


#: The widest line an expected output's code block may have: JupyterLab does not wrap a code block, and at the
#: default width about 100 monospace characters fit beside the cell's prompt.
EXPECTED_WIDTH = 100


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_hints_close_their_instructions_and_expected_outputs_fit(path):
    """A collapsed Hint comes last in its Markdown cell: instructions after it read as if they were the hint's, once
    it is folded. And an expected output's code block fits the notebook's width (it would scroll sideways)."""
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        if "<summary>Hint" in cell.source:
            after = cell.source[cell.source.rindex("</details>") + len("</details>"):]
            assert not after.strip(), f"{path.name} cell {i}: text after the hint: {after.strip()[:80]!r}"
        for match in EXPECTED.finditer(cell.source):
            wide = [line for line in (match.group(1) or "").splitlines() if len(line) > EXPECTED_WIDTH]
            assert not wide, f"{path.name} cell {i}: expected-output lines over {EXPECTED_WIDTH} characters: {wide}"


def names_the_given_lines_need(source):
    """The names that a solution cell's given lines (after ``### END SOLUTION``) read and that only the solution
    defines: a student who calls them otherwise gets a NameError from code they did not write."""
    lines = source.split("\n")
    begin = next(i for i, line in enumerate(lines) if "### BEGIN SOLUTION" in line)
    end = next(i for i, line in enumerate(lines) if "### END SOLUTION" in line)
    defined_in, read_after, defined_before = set(), set(), set()
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0) - 1
        if isinstance(node, ast.arg) or (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)):
            name = node.arg if isinstance(node, ast.arg) else node.id
            (defined_before if line < begin else defined_in if line < end else set()).add(name)
        elif isinstance(node, ast.Name) and line > end:
            read_after.add(node.id)
    return (defined_in & read_after) - defined_before


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_exercises_name_the_variables_their_given_lines_use(path):
    """Given code after the answer (``cache = {"Z1": Z1, ...}``, ``return float(cost)``) reads variables the student
    must define: the exercise's text names each of them, in backticks (issue: "05 Ex2 needs Z_hat, std, Z_out")."""
    cells = nbformat.read(path, as_version=4).cells
    unnamed = {}
    for i, cell in enumerate(cells):
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        text, j = "", i - 1
        while j >= 0 and cells[j].cell_type == "markdown":
            text, j = cells[j].source + text, j - 1
        missing = sorted(name for name in names_the_given_lines_need(cell.source) if f"`{name}`" not in text)
        if missing:
            unnamed[cell.metadata["nbgrader"]["grade_id"]] = missing
    assert not unnamed, f"{path.name}: the exercise text does not name what its given lines use: {unnamed}"


def test_the_given_lines_reader_finds_what_only_the_solution_defines():
    source = ("def f(X, parameters):\n    W = parameters['W']\n    ### BEGIN SOLUTION\n    Z = W @ X\n"
              "    cost = float(Z.sum())\n    W = 2 * W\n    ### END SOLUTION\n    cache = (Z, W, X)\n    return cost, cache\n")
    assert names_the_given_lines_need(source) == {"Z", "cost"}


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [i for i, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_nbgrader_metadata(path):
    notebook = nbformat.read(path, as_version=4)
    grade_ids, solutions, tests = [], [], []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        assert meta.get("schema_version") == 3
        grade_ids.append(meta["grade_id"])
        if meta.get("solution") and cell.cell_type == "code":
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, meta["grade_id"]
            if _is_challenge(cell):
                assert not meta.get("grade") and not meta.get("points"), f"challenge {meta['grade_id']} is graded"
                continue
            solutions.append(meta["grade_id"])
        if meta.get("grade"):
            assert meta.get("points", 0) > 0, f"{meta['grade_id']} is graded but has no points"
            if cell.cell_type == "code":
                tests.append(meta["grade_id"])
                assert meta.get("locked"), f"test cell {meta['grade_id']} must be locked"
                assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']} has no hidden tests"
                visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
                assert re.search(r"check_\w+\(", visible), f"{meta['grade_id']} has no visible check"
    assert len(grade_ids) == len(set(grade_ids)), f"duplicate grade_id in {path.name}"
    assert solutions and tests, f"{path.name} has no exercises"
    assert len(tests) >= len(solutions), "every exercise needs its test cell"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_executes_top_to_bottom(path):
    run = execute(path.stem)
    errors = [output for cell in run.notebook.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert not errors, f"{path.name} raised {errors[0]['ename']}: {errors[0]['evalue']}"
    print(f"{path.name}: executed in {run.seconds:.1f} s")
    assert run.measured, f"{path.name} recorded no measurements in `measured`"
    # The target is 20 s on an idle 2-core machine (`make bench` measures it); this guard is loose
    # on purpose, so that a busy CI machine does not make it flaky.
    assert run.seconds < 90, f"{path.name} took {run.seconds:.0f} s"


def _first_cell_sections(notebook):
    intro = notebook.cells[0].source
    contents = intro.split("**Contents**", 1)[1].split("**Exercises**", 1)[0] if "**Contents**" in intro else ""
    items = re.findall(r"^\s*(\d+)\.\s+(.+?)\s*$", contents, flags=re.M)
    return intro, [(int(number), title.split(" — ")[0].strip()) for number, title in items]


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_contents_list_matches_the_numbered_section_headings(path):
    notebook = nbformat.read(path, as_version=4)
    _, items = _first_cell_sections(notebook)
    assert items, f"{path.name}: the first cell needs a **Contents** list"
    headings = [m for cell in notebook.cells if cell.cell_type == "markdown"
                for m in re.findall(r"^## (\d+) · (.+?)\s*$", cell.source, flags=re.M)]
    assert [int(n) for n, _ in headings] == [n for n, _ in items], f"{path.name}: contents and headings differ"
    for (number, title), (_, heading) in zip(items, headings):
        assert heading.startswith(title[:20]), f"{path.name}: contents item {number} {title!r} vs heading {heading!r}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_exercise_summary_matches_the_graded_cells(path):
    notebook = nbformat.read(path, as_version=4)
    intro, _ = _first_cell_sections(notebook)
    total = re.search(r"\*\*Exercises\*\* \((\d+) points\)", intro)
    assert total, f"{path.name}: the first cell needs '**Exercises** (N points)' and a table"
    # | 3 | `forward_propagation(X, parameters)` | 2 |   or, for a written answer:   | 9 | written: ... | 2 |
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*(.+?)\s*\|\s*(\d+)\s*\|\s*$", intro, flags=re.M)
    assert rows and [int(n) for n, _, _ in rows] == list(range(1, len(rows) + 1))
    graded_points = sum(cell.metadata["nbgrader"].get("points", 0) for cell in notebook.cells
                        if cell.metadata.get("nbgrader", {}).get("grade"))
    assert int(total.group(1)) == sum(int(p) for _, _, p in rows) == graded_points
    solutions = "\n".join(cell.source for cell in notebook.cells
                          if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code")
    for _, exercise, _ in rows:
        function = re.fullmatch(r"`(\w+)\(.*\)`", exercise)
        assert function or exercise.startswith("written"), f"{path.name}: table row {exercise!r}"
        if function:
            name = function.group(1)
            assert re.search(rf"^def {name}\(", solutions, flags=re.M), \
                f"{path.name}: {name} is in the table but no exercise defines it"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_plots_render_inline(path):
    notebook = nbformat.read(path, as_version=4)
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert "%matplotlib inline" in setup.source


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_each_test_cell_checks_its_own_exercise_visibly_and_hidden(path):
    """test_X calls checks.check_X(X) in sight, and again with new arguments in the hidden block."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") and cell.cell_type == "code"):
            continue
        exercise = meta["grade_id"].removeprefix("test_")
        visible, hidden = cell.source.split("### BEGIN HIDDEN TESTS")
        assert re.search(rf"check_{exercise}\({exercise}\b", visible), f"{meta['grade_id']}: no visible check_{exercise}"
        assert re.search(rf"check_{exercise}\({exercise}, \w+", hidden), \
            f"{meta['grade_id']}: the hidden block must call check_{exercise} with new arguments"


def _is_challenge(cell) -> bool:
    return "challenge" in cell.metadata.get("tags", [])


def _exercises(notebook):
    """Indices of the graded exercises' answer cells (nbgrader code solutions, challenges left out)."""
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and not _is_challenge(cell)
            and cell.metadata.get("nbgrader", {}).get("solution")]


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_every_exercise_has_an_expected_output_after_its_example_call(path):
    """Between an exercise's answer cell and the next exercise, a markdown cell holds
    "**Expected output:**" right after a (non-nbgrader) code cell: the example call."""
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    starts = _exercises(notebook)
    for start, end in zip(starts, starts[1:] + [len(cells)]):
        name = cells[start].metadata["nbgrader"]["grade_id"]
        found = [i for i in range(start + 1, end) if cells[i].cell_type == "markdown" and EXPECTED.search(cells[i].source)
                 and cells[i - 1].cell_type == "code" and not cells[i - 1].metadata.get("nbgrader")]
        assert found, f"{path.name}: exercise {name} has no example call followed by **Expected output:**"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_printed_examples_match_their_expected_output(path):
    """The code cell before each "**Expected output:**" prints exactly what the text shows."""
    cells = execute(path.stem).notebook.cells
    compared = 0
    for index, cell in enumerate(cells):
        block = EXPECTED.search(cell.source) if cell.cell_type == "markdown" else None
        if not block:
            continue
        expected = (block.group(1) if block.group(1) is not None else block.group(2)).strip()
        printed = "".join(output.get("text", "") for output in cells[index - 1].get("outputs", [])
                          if output.get("output_type") == "stream").strip()
        assert printed == expected, f"{path.name}: cell {index - 1} prints\n{printed}\nbut the text expects\n{expected}"
        compared += 1
    assert compared >= len(_exercises(nbformat.read(path, as_version=4)))


def _questions(notebook):
    """(number, question cell, answer cell) of every "**Question N.**" cell."""
    found = []
    for i, cell in enumerate(notebook.cells):
        match = re.match(r"\*\*Question (\d+)\.\*\*", cell.source.lstrip()) if cell.cell_type == "markdown" else None
        if match:
            answer = notebook.cells[i + 1] if i + 1 < len(notebook.cells) else None
            found.append((int(match.group(1)), cell, answer))
    return found


@pytest.mark.parametrize("path", TAUGHT, ids=TAUGHT_IDS)
def test_two_or_three_questions_with_model_answers_graded_by_hand(path):
    notebook = nbformat.read(path, as_version=4)
    questions = _questions(notebook)
    assert 2 <= len(questions) <= 3, f"{path.name} has {len(questions)} questions, expected 2 or 3"
    assert [number for number, _, _ in questions] == list(range(1, len(questions) + 1))
    for number, _, answer in questions:
        assert answer is not None and answer.cell_type == "markdown", f"question {number}: no answer cell after it"
        meta = answer.metadata.get("nbgrader", {})
        assert {k: meta.get(k) for k in ("grade", "solution", "locked", "points", "schema_version")} == \
            {"grade": True, "solution": True, "locked": False, "points": 1, "schema_version": 3}, \
            f"{path.name}: question {number}'s answer cell has nbgrader metadata {meta}"
        assert meta["grade_id"].startswith("question_")
        assert answer.source.startswith("*A model answer:*") and len(answer.source) > 80, \
            f"{path.name}: question {number}'s answer cell must start with *A model answer:* and give one"



@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_every_written_question_says_its_points_and_that_it_is_graded_by_hand(path):
    """Said where the question is asked, not once in the introduction: "(1 point, graded by hand)"."""
    notebook = nbformat.read(path, as_version=4)
    answers = [i for i, cell in enumerate(notebook.cells)
               if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")]
    assert answers
    for i in answers:
        points = float(notebook.cells[i].metadata["nbgrader"]["points"])
        asked = next(notebook.cells[j].source for j in range(i - 1, -1, -1) if notebook.cells[j].cell_type == "markdown"
                     and re.search(r"\*\*Question \d+\.\*\*|Written answer \d+", notebook.cells[j].source))
        assert f"{points:g} point{'s' if points != 1 else ''}, graded by hand" in asked, \
            f"{path.name}: {notebook.cells[i].metadata['nbgrader']['grade_id']} does not say its points by its question"


#: A written answer's rubric (CONTRIBUTING.md, "Written questions"): after the model answer, the line
#: "*Rubric (N points):*", then one line per part, "- S: what the grader looks for", S the part's share of the points.
RUBRIC = re.compile(r"^\*Rubric \((\d+(?:\.\d+)?) points?\):\*[ \t]*$", flags=re.M)
RUBRIC_PART = re.compile(r"- (\d+(?:\.\d+)?): \S.*")


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_every_written_answer_ends_with_a_rubric_whose_shares_add_up_to_its_points(path):
    """So that two graders give the same partial credit: every part a grader looks for, with its share; the shares
    sum to the points of the answer cell's nbgrader metadata. Release replaces the whole cell, rubric included."""
    notebook = nbformat.read(path, as_version=4)
    answers = [cell for cell in notebook.cells
               if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")]
    assert answers, f"{path.name} has no written answer"
    for cell in answers:
        meta = cell.metadata["nbgrader"]
        name = f"{path.name}: {meta['grade_id']}"
        heads = list(RUBRIC.finditer(cell.source))
        assert len(heads) == 1, f"{name}: needs one line '*Rubric (N points):*' after its model answer, has {len(heads)}"
        model, rubric = cell.source[:heads[0].start()], cell.source[heads[0].end():]
        assert model.startswith("*A model answer") and len(model.strip()) > 80, f"{name}: the model answer comes first"
        lines = [line.strip() for line in rubric.splitlines() if line.strip()]
        wrong = [line for line in lines if not RUBRIC_PART.fullmatch(line)]
        assert not wrong, f"{name}: every line of the rubric is a part '- S: ...' (the rubric ends the cell): {wrong}"
        shares = [float(RUBRIC_PART.fullmatch(line).group(1)) for line in lines]
        assert len(shares) >= 2 and all(share > 0 for share in shares), f"{name}: split the points into parts: {shares}"
        points = float(meta["points"])
        assert float(heads[0].group(1)) == points, f"{name}: the rubric says {heads[0].group(1)} points, the cell {points:g}"
        assert abs(sum(shares) - points) < 1e-9, f"{name}: the shares {shares} add up to {sum(shares):g}, not {points:g}"


@pytest.mark.parametrize("path", TAUGHT, ids=TAUGHT_IDS)
def test_release_removes_the_model_answers_and_the_challenge_solutions(path):
    """Release's ClearSolutions blanks the written answers, each stub naming its question (so that Validate's
    list of unanswered questions says which is which), and stubs the challenges (which stay valid Python)."""
    from grading.nbgrader_glue.release import ClearSolutionsNamingTheQuestion, answer_stub

    notebook, _ = ClearSolutionsNamingTheQuestion().preprocess(nbformat.read(path, as_version=4), {})
    answers = [cell for cell in notebook.cells
               if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")]
    assert [cell.source.strip() for cell in answers] == [
        answer_stub("YOUR ANSWER HERE", f"Question {number}") for number in range(1, len(answers) + 1)]
    assert all(cell.source.startswith("> ") for cell in answers)     # a quote block: a box to write in
    challenges = [cell for cell in notebook.cells if cell.cell_type == "code" and _is_challenge(cell)
                  and cell.metadata.get("nbgrader", {}).get("solution")]
    for cell in challenges:
        compile(cell.source, cell.metadata["nbgrader"]["grade_id"], "exec")
        assert "raise NotImplementedError()" in cell.source and "BEGIN SOLUTION" not in cell.source


def _sections(notebook):
    """[(heading line, [cells of the section, the heading's cell first])] for every "## " heading."""
    sections = []
    for cell in notebook.cells:
        heading = re.search(r"^## .*$", cell.source, flags=re.M) if cell.cell_type == "markdown" else None
        if heading:
            sections.append((heading.group(0), [cell]))
        elif sections:
            sections[-1][1].append(cell)
    return sections


def _is_remember_box(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.startswith("> **What to remember.**")


@pytest.mark.parametrize("path", TAUGHT, ids=TAUGHT_IDS)
def test_remember_boxes_close_the_sections(path):
    """A short "What to remember" box is the last cell of every section that holds a graded
    exercise, and every box ends a section."""
    notebook = nbformat.read(path, as_version=4)
    boxes = 0
    for heading, cells in _sections(notebook):
        for i, cell in enumerate(cells):
            if _is_remember_box(cell):
                boxes += 1
                assert i == len(cells) - 1, f"{path.name}: the remember box of {heading!r} is not its last cell"
                assert len(cell.source) < 700, f"{path.name}: the remember box of {heading!r} is not short"
        graded = any(cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code"
                     and not _is_challenge(cell) for cell in cells)
        if graded:
            assert _is_remember_box(cells[-1]), f"{path.name}: section {heading!r} does not end with a remember box"
    assert boxes >= 2, f"{path.name} has {boxes} remember boxes"


@pytest.mark.parametrize("path", TAUGHT, ids=TAUGHT_IDS)
def test_at_least_one_challenge_with_an_answer_cell_and_a_check_that_names_mistakes(path):
    notebook = nbformat.read(path, as_version=4)
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    module = re.search(r"^from helpers\.checks import (\w+) as checks$", setup.source, flags=re.M)
    assert module, f"{path.name}: the setup cell must import the notebook's checks module as `checks`"
    checks = importlib.import_module(f"helpers.checks.{module.group(1)}")
    challenges = [(heading, cells) for heading, cells in _sections(notebook) if heading.startswith("## Challenge")]
    assert challenges, f"{path.name} has no '## Challenge' section"
    for heading, cells in challenges:
        code = [cell for cell in cells if cell.cell_type == "code"]
        assert code and all(_is_challenge(cell) for cell in code), f"{path.name}: tag the code cells of {heading!r}"
        answers = [i for i, cell in enumerate(code) if cell.metadata.get("nbgrader", {}).get("solution")]
        assert answers, f"{path.name}: {heading!r} has no answer cell (an nbgrader solution cell, grade false)"
        for i in answers:
            meta = code[i].metadata["nbgrader"]
            assert meta["grade"] is False and not meta.get("points") and not meta.get("locked")
        calls = [(cell, re.findall(r"\bchecks\.(check_\w+)\(", cell.source)) for cell in code[answers[0] + 1:]
                 if not cell.metadata.get("nbgrader")]
        called = [name for _, names in calls for name in names]
        assert called, f"{path.name}: {heading!r} needs a check cell (a plain code cell) after its answer cell"
        for name in called:
            assert callable(getattr(checks, name, None)), f"{path.name}: helpers.checks.{module.group(1)}.{name}"
