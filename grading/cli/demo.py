"""``make demo``: the whole grading pipeline on three made-up students.

In a throwaway course (``build/demo/``) built from the real notebooks:

* ``alice`` submits the source notebook itself (the solution; its test cells, hidden
  tests included, are restored from the gradebook anyway);
* ``bob`` submits the blank student version;
* ``carol`` submits the solution with the typical mistakes of :data:`MISTAKES` applied.

Then it autogrades, generates feedback, exports the grades, prints the tables and writes the
class report (``COURSE/reports/``: the mistakes the class made, scores, notes).
"""
import shutil
from pathlib import Path

import nbformat

from grading.batch.pipeline import Grader
from grading.course import CourseError, find_notebooks, find_submissions
from grading.gradebook.class_report import write_report
from grading.gradebook.report import grades_matrix, grading_table

#: Typical mistakes, per notebook: ``(grade_id of a solution cell, exact old text, new
#: text)``. Each old text must occur in that cell of ``notebooks/NOTEBOOK.ipynb``; a
#: stale entry is an error (and fails the tests), never silently skipped.
MISTAKES = {
    "01_shallow_network": [
        # the cost summed instead of averaged: "did you forget the 1/m?"
        ("compute_cost", "+ (1 - Y) * np.log(1 - A2)) / m", "+ (1 - Y) * np.log(1 - A2))"),
        # probabilities returned instead of 0/1 labels
        ("predict", "return (A2 > 0.5).astype(float)", "return A2"),
    ],
    "02_deep_network": [
        # the relative difference without its denominator
        ("gradient_check",
         "difference = np.linalg.norm(approx - exact) / (np.linalg.norm(approx) + np.linalg.norm(exact))",
         "difference = np.linalg.norm(approx - exact)"),
        # W updated but not b (L_layer_model, graded with the reference update_parameters, still passes)
        ("update_parameters", 'updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]',
         'updated[f"b{l}"] = parameters[f"b{l}"]'),
    ],
    "03_regularization": [
        # lambda/m instead of lambda/(2m) in the cost
        ("compute_cost_with_regularization", "cost = cross_entropy_cost + lambd / (2 * m) * penalty",
         "cost = cross_entropy_cost + lambd / m * penalty"),
        # lambda/(2m) W instead of lambda/m W in the gradient
        ("L_model_backward_with_regularization", 'grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / m * W',
         'grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / (2 * m) * W'),
    ],
    "04_dropout": [
        # forgetting / keep_prob (L_model_forward_with_dropout, graded with the reference dropout_forward, passes)
        ("dropout_forward", "A_drop = A * D / keep_prob", "A_drop = A * D"),
        # dropout at test time
        ("predict_dropout", "AL, _ = L_model_forward(X, parameters)",
         "AL, _ = L_model_forward_with_dropout(X, parameters, keep_probs, np.random.default_rng())"),
    ],
    "05_batch_normalization": [
        # the variance instead of the standard deviation
        ("standardize_inputs", "sigma = np.std(X_train, axis=1, keepdims=True)",
         "sigma = np.var(X_train, axis=1, keepdims=True)"),
        # eps outside the square root
        ("batchnorm_forward", "std = np.sqrt(var + eps)", "std = np.sqrt(var) + eps"),
    ],
    "06_optimizers": [
        # momentum without (1 - beta)
        ("update_parameters_with_momentum", "(1 - beta) * grads", "grads"),
        # the staircase decay without its floor
        ("schedule_lr_decay", "np.floor(epoch_num / time_interval)", "epoch_num / time_interval"),
    ],
    "07_hyperparameters": [
        # zip instead of the Cartesian product: the grid's diagonal only
        ("grid_search", "for values in itertools.product(*grid.values()):", "for values in zip(*grid.values()):"),
        # beta sampled on the linear scale
        ("sample_beta", "return 1 - sample_log_uniform(1 - high, 1 - low, size, rng)",
         "return rng.uniform(low, high, size)"),
    ],
    "08_softmax": [
        # the cost without the mean
        ("compute_cost_softmax", "cost = -np.sum(Y * np.log(AL)) / m", "cost = -np.sum(Y * np.log(AL))"),
        # C read off the labels instead of the argument
        ("one_hot", "Y = np.zeros((C, labels.size))", "Y = np.zeros((labels.max() + 1, labels.size))"),
    ],
    "09_practice": [
        # the learning rate never decays
        ("model", "learning_rate = update_lr(learning_rate0, epoch, decay_rate)", "learning_rate = learning_rate0"),
        # evaluation in training mode (batch statistics and dropout)
        ("evaluate", "AL, _ = forward_propagation(X, parameters, bn_states, training=False)",
         "AL, _ = forward_propagation(X, parameters, bn_states, keep_prob=1.0, rng=np.random.default_rng(0))"),
        # the L2 term left out of the hidden layers' dW (model, graded with the reference backward pass, still fails
        # for its own mistake only)
        ("backward_propagation", 'grads[f"dW{l}"] = dZ @ A_prev.T / m + lambd / m * W',
         'grads[f"dW{l}"] = dZ @ A_prev.T / m'),
    ],
}

#: The test cells that carol's mistakes must fail, and only those: the round-trip test
#: (tests/grading/cli/test_demo_roundtrip.py) checks she loses exactly their points.
EXPECTED_FAILURES = {
    "01_shallow_network": {"test_compute_cost", "test_predict"},
    "02_deep_network": {"test_gradient_check", "test_update_parameters"},
    "03_regularization": {"test_compute_cost_with_regularization", "test_L_model_backward_with_regularization"},
    "04_dropout": {"test_dropout_forward", "test_predict_dropout"},
    "05_batch_normalization": {"test_standardize_inputs", "test_batchnorm_forward"},
    "06_optimizers": {"test_update_parameters_with_momentum", "test_schedule_lr_decay"},
    "07_hyperparameters": {"test_grid_search", "test_sample_beta"},
    "08_softmax": {"test_compute_cost_softmax", "test_one_hot"},
    "09_practice": {"test_model", "test_evaluate", "test_backward_propagation"},
}

#: The named mistake that each of carol's mistakes makes grading record, per notebook, in the
#: order of :data:`MISTAKES`: ``{(exercise, Mistake id)}`` for each. The class report counts
#: them (tests/grading/cli/test_demo_roundtrip.py checks ``reports/mistakes.csv`` against this table).
EXPECTED_MISTAKES = {
    "01_shallow_network": [{("compute_cost", "compute_cost.missing-1-over-m")},
                           {("predict", "predict.no-threshold")}],
    "02_deep_network": [{("gradient_check", "gradient_check.no-denominator")},
                        {("update_parameters", "update_parameters.b-not-updated")}],
    "03_regularization": [
        {("compute_cost_with_regularization", "compute_cost_with_regularization.lambd-over-m")},
        {("L_model_backward_with_regularization", "L_model_backward_with_regularization.term-lambd-over-2m")}],
    "04_dropout": [{("dropout_forward", "dropout_forward.not-rescaled")},
                   {("predict_dropout", "predict_dropout.random-mask-at-test")}],
    "05_batch_normalization": [{("standardize_inputs", "standardize_inputs.sigma-is-variance")},
                               {("batchnorm_forward", "batchnorm_forward.eps-outside-sqrt")}],
    "06_optimizers": [
        {("update_parameters_with_momentum", "update_parameters_with_momentum.v-sums-gradients")},
        {("schedule_lr_decay", "schedule_lr_decay.not-stepped")}],
    "07_hyperparameters": [{("grid_search", "grid_search.zip-instead-of-product")},
                           {("sample_beta", "sample_beta.linear-scale")}],
    "08_softmax": [{("compute_cost_softmax", "compute_cost_softmax.missing-1-over-m")},
                   {("one_hot", "one_hot.rows-from-labels-max")}],
    "09_practice": [{("model", "model.no-lr-decay")},
                    {("evaluate", "evaluate.forward-in-training")},
                    {("backward_propagation", "backward_propagation.no-l2-in-dw")}],
}

#: File that marks a folder as created by the demo, so that it may be wiped.
MARKER = ".grading-demo"


class MistakeError(ValueError):
    """A :data:`MISTAKES` entry does not match its notebook."""


def apply_mistakes(nb, mistakes, notebook_name="notebook"):
    """Apply ``(grade_id, old, new)`` replacements to solution cells of ``nb`` in place.

    Each ``old`` text must occur in the solution cell ``grade_id``; only its first
    occurrence is replaced. Raises :class:`MistakeError` otherwise.
    """
    cells = {
        cell.metadata.get("nbgrader", {}).get("grade_id"): cell
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id")
    }
    for grade_id, old, new in mistakes:
        cell = cells.get(grade_id)
        if cell is None:
            raise MistakeError(f"{notebook_name}: no cell with grade_id {grade_id!r}")
        if not cell.metadata["nbgrader"].get("solution", False):
            raise MistakeError(f"{notebook_name}: cell {grade_id!r} is not a solution cell")
        if old not in cell.source:
            raise MistakeError(f"{notebook_name}: cell {grade_id!r} does not contain {old!r}")
        cell.source = cell.source.replace(old, new, 1)
    return nb


def notebook_with_mistakes(source_path, mistakes):
    """The source notebook at ``source_path`` with ``mistakes`` applied."""
    source_path = Path(source_path)
    nb = nbformat.read(str(source_path), as_version=4)
    return apply_mistakes(nb, mistakes, source_path.name)


def _fresh_dir(path):
    """Empty ``path`` for the demo; refuse to wipe a folder the demo did not create."""
    path = Path(path)
    if path.exists():
        if any(path.iterdir()) and not (path / MARKER).exists():
            raise CourseError(f"{path} exists and was not made by the demo; not removing it")
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / MARKER).write_text("Made by `python -m grading demo`; removed by the next run.\n")
    return path


def write_submissions(submissions_dir, notebooks, released, mistakes=MISTAKES):
    """Write alice's, bob's and carol's submissions in nbgrader's layout."""
    for assignment, source in notebooks.items():
        versions = {
            "alice": nbformat.read(str(source), as_version=4),
            "bob": nbformat.read(str(released[assignment]), as_version=4),
            "carol": notebook_with_mistakes(source, mistakes.get(assignment, [])),
        }
        for student, nb in versions.items():
            folder = Path(submissions_dir) / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(folder / f"{assignment}.ipynb"))


def run_demo(notebooks_dir, demo_dir, out=print, mistakes=MISTAKES):
    """Run the demo; returns the process exit code."""
    notebooks = find_notebooks(notebooks_dir)
    if not notebooks:
        out(f"No notebooks in {notebooks_dir}: nothing to demonstrate yet.")
        return 0
    for assignment, source in notebooks.items():  # a stale table fails before any work
        notebook_with_mistakes(source, mistakes.get(assignment, []))
    without = [a for a in notebooks if not mistakes.get(a)]
    if without:
        out(f"No mistakes defined for {', '.join(without)}: carol submits the solution there.")

    demo_dir = _fresh_dir(demo_dir)
    grader = Grader(demo_dir / "course")
    out(f"Releasing {len(notebooks)} notebook(s) into {grader.layout.root} ...")
    released = grader.release(notebooks)
    submissions_dir = demo_dir / "submissions"
    write_submissions(submissions_dir, notebooks, released, mistakes)

    out("Autograding alice (solution), bob (blank) and carol (typical mistakes) ...")
    results = grader.autograde_all(find_submissions(submissions_dir), notebooks)
    out(grading_table(results))
    feedback = grader.feedback()
    out(f"\nFeedback: {len(feedback)} HTML file(s) under {grader.layout.root / 'feedback'}")
    csv_path, rows = grader.export()
    out(f"Grades: {csv_path}\n")
    out(grades_matrix(rows))
    report = write_report(grader.gradebook, grader.layout.reports_dir)
    out(f"\nClass report: {report['html']} (and {report['mistakes'].name}, {report['exercises'].name})")
    if report["top"]:
        out(f"The most frequent mistakes:\n{report['top']}")
    return 1 if any(r.infrastructure for r in results) else 0
