"""The hint pass of a composed exercise against a real kernel: when it runs out of its time (link.HINT_SECONDS),
the kernel is interrupted and the pass abandoned, and the reference blocks it lent the kernel are taken back
all the same, so that the cell's next check (its hidden tests) and the cells after it find the student's own
blocks: a score never depends on how fast the grading machine was."""
from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import AsyncKernelManager
from nbclient.util import run_sync

from grading.judge import link as judge_link
from grading.judge.link import KernelLink
from grading.judge.verdicts import Judge
from notebook_runner import NOTEBOOKS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
NB02 = "02_deep_network"
#: carol's mistake (grading/cli/demo.py MISTAKES): W updated, b left as it was
B_NOT_UPDATED = ('updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]',
                 'updated[f"b{l}"] = parameters[f"b{l}"]')
#: L_layer_model, slow only in the hint pass's second run, the one with the reference initialize_parameters_deep
#: lent to the kernel and the student's own update_parameters (the graded pass lends every block, the first hint
#: run none): the budget runs out in the kernel while a judge's block stands in the kernel's namespace.
SLOW_WITH_ONE_REFERENCE = """
import time as _time
_honest_L_layer_model = L_layer_model
def L_layer_model(*args, **kwargs):
    if hasattr(initialize_parameters_deep, "_nnfs_judge_ref") and not hasattr(update_parameters, "_nnfs_judge_ref"):
        _time.sleep(60)
    return _honest_L_layer_model(*args, **kwargs)
"""
#: ... and one that swallows the interrupt, then trains: its session goes on after the judge gave it up.
SWALLOWS_THE_INTERRUPT = SLOW_WITH_ONE_REFERENCE.replace(
    "        _time.sleep(60)\n", "        try:\n            _time.sleep(60)\n        except KeyboardInterrupt:\n            pass\n")
#: A small run of the check, visible then hidden: the hidden call comes after the abandoned hint pass.
CELL = """\
checks.check_L_layer_model(L_layer_model, layer_dims=(64, 3, 1), m=30, num_iterations=3, seed=14)
### BEGIN HIDDEN TESTS
checks.check_L_layer_model(L_layer_model, layer_dims=(64, 4, 1), m=20, num_iterations=2, seed=15)
### END HIDDEN TESTS
"""
STUBS_LEFT = "sorted(n for n, v in list(globals().items()) if hasattr(v, '_nnfs_judge_ref'))"


def _student_code(added):
    """Notebook 02's setup and answer cells, with carol's update_parameters, then the code ``added``."""
    nb = nbformat.read(str(NOTEBOOKS / f"{NB02}.ipynb"), as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and (
        c.metadata.get("nbgrader", {}).get("solution") or c.metadata.get("nbgrader", {}).get("grade_id") == "setup")]
    code = "\n\n".join(cells)
    assert B_NOT_UPDATED[0] in code
    return code.replace(*B_NOT_UPDATED) + added


def _run(client, code, expression=None):
    reply = client.execute_interactive(code, user_expressions={"x": expression} if expression else {},
                                       timeout=120, output_hook=lambda message: None)
    assert reply["content"]["status"] == "ok", reply["content"]
    return reply["content"]["user_expressions"]["x"]["data"]["text/plain"] if expression else None


@pytest.fixture(params=["slow in the kernel", "slow in the judge", "swallows the interrupt"])
def kernel(request, monkeypatch):
    """A kernel with the student's code; the hint pass's run with one reference block lent is slow in the
    kernel (its L_layer_model; or slow there until interrupted, then on with the training), or here (the judge's
    comparisons of that run: the budget runs out between two requests, and the first request to find it spent is
    the one that gives the kernel its block back)."""
    monkeypatch.setattr(judge_link, "HINT_SECONDS", 3.0)
    if request.param == "slow in the judge":
        import helpers.checks.deep as deep

        compare, runs = deep.expect_training_run, []

        def slow_third_run(*args, **kwargs):   # the graded pass, the hint pass's run with no block lent, then this
            runs.append(1)
            if len(runs) == 3:
                time.sleep(judge_link.HINT_SECONDS + 1)
            return compare(*args, **kwargs)
        monkeypatch.setattr(deep, "expect_training_run", slow_third_run)
    added = {"slow in the kernel": SLOW_WITH_ONE_REFERENCE, "swallows the interrupt": SWALLOWS_THE_INTERRUPT}
    yield from _kernel(added.get(request.param, ""))


def _kernel(added):
    km = AsyncKernelManager(kernel_name="python3")           # as the grading worker's (the link interrupts it)
    run_sync(km.start_kernel)(env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=str(ROOT))
    client = km.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    try:
        _run(client, _student_code(added))
        yield km, client
    finally:
        client.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)


def test_an_abandoned_hint_pass_gives_the_kernel_its_blocks_back(kernel):
    """The cell passes, its hidden tests too (not ``WireError: unknown handle``), and the kernel is left with the
    student's own blocks."""
    km, client = kernel
    link = KernelLink(km)
    try:
        verdict = Judge(link, "helpers.checks.deep").decide("test_L_layer_model", CELL, timeout=100)
    finally:
        link.close()
    assert link.hints_off, verdict                                 # the hint pass did run out of its time
    assert (verdict.passed, verdict.error, verdict.message) == (True, "", ""), verdict
    assert (verdict.visible_passed, verdict.hidden_passed) == (True, True)
    assert "L_layer_model: all tests passed" in verdict.stdout and "Note:" not in verdict.stdout
    assert _run(client, "", STUBS_LEFT) == "[]"                  # the student's own blocks, none of the judge's
