"""What the grading judge costs per exercise call (grading/judge/).

Starts one kernel, defines a few functions in it, and times, interleaved and best of several rounds:

* ``in kernel``: the function called inside the kernel itself (what a test cell cost before);
* ``judge call``: the same call made by the judge across the process boundary (arguments and
  result as plain data, arguments copied back);
* ``callback``: a call from the student's function back into a judge-side function (what a
  recording check such as notebook 09's pays per building block the exercise calls);
* ``test cell``: a whole test cell of notebook 01 (visible + hidden checks), run in the kernel
  as before, and decided by the judge (shim reinstalled, 3 checks calling the student's function).

``python benchmarks/judge_calls.py [--rounds N]``; prints microseconds per call.
"""
import argparse
import statistics
import time
from pathlib import Path

import nbformat
from jupyter_client import KernelManager

from grading.judge.link import KernelLink
from grading.judge.verdicts import Judge

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
import numpy as np, time
def identity(x):
    return x
def sigmoid(z):
    return 1 / (1 + np.exp(-z))
def calls_back(f, x, n):
    for _ in range(n):
        x = f(x)
    return x
def in_kernel(fn, arg, n):
    start = time.perf_counter()
    for _ in range(n):
        fn(arg)
    return (time.perf_counter() - start) / n
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args(argv)
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(ROOT / "notebooks"))
    kc = km.blocking_client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    kc.execute_interactive(SETUP, timeout=60, output_hook=lambda msg: None)
    nb = nbformat.read(str(ROOT / "notebooks" / "01_shallow_network.ipynb"), as_version=4)
    for cell in nb.cells:
        grade = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and (grade.get("solution") or grade.get("grade_id") == "setup"):
            kc.execute_interactive(cell.source, timeout=60, output_hook=lambda msg: None)
    link = KernelLink(km, alive=lambda: km.provisioner.process.poll() is None)
    judge = Judge(link, "helpers.checks.shallow")
    link.install()
    import numpy as np

    z = np.random.default_rng(0).standard_normal((4, 5))
    big = np.random.default_rng(0).standard_normal((100, 1000))
    n = args.calls

    def lookup(name):  # after a test cell the shim was reinstalled: handles are looked up again
        return link.request({"op": "lookup", "name": name})
    rows = {}

    def remote(name, arg):
        def run():
            link.begin()  # as for a test cell: one execution serves every call
            fn = lookup(name)
            start = time.perf_counter()
            for _ in range(n):
                fn(arg)
            seconds = (time.perf_counter() - start) / n
            link.end()
            return seconds
        return run

    def inside(name, arg_code):
        def run():
            reply = kc.execute_interactive("", user_expressions={"t": f"in_kernel({name}, {arg_code}, {n})"},
                                           timeout=60, output_hook=lambda msg: None)
            return float(reply["content"]["user_expressions"]["t"]["data"]["text/plain"])
        return run

    def callback():
        link.begin()
        fn = lookup("calls_back")
        start = time.perf_counter()
        fn(lambda x: x, z, n)
        seconds = (time.perf_counter() - start) / n
        link.end()
        return seconds

    test_cell = next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                     == "test_forward_propagation")

    def cell():
        start = time.perf_counter()
        verdict = judge.decide("test_forward_propagation", test_cell.source, 60)
        assert verdict.passed, verdict.message
        return time.perf_counter() - start

    def cell_in_kernel():
        start = time.perf_counter()
        reply = kc.execute_interactive(test_cell.source, timeout=60, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok"
        return time.perf_counter() - start

    kc.execute_interactive("z = np.random.default_rng(0).standard_normal((4, 5)); "
                           "big = np.random.default_rng(0).standard_normal((100, 1000))",
                           timeout=60, output_hook=lambda msg: None)
    cases = [
        ("sigmoid(z), z (4, 5): in kernel", inside("sigmoid", "z")),
        ("sigmoid(z), z (4, 5): judge call", remote("sigmoid", z)),
        ("identity(x), x (100, 1000) floats: in kernel", inside("identity", "big")),
        ("identity(x), x (100, 1000) floats: judge call", remote("identity", big)),
        ("callback kernel -> judge, (4, 5) array", callback),
        ("test cell test_forward_propagation (3 checks): in kernel", cell_in_kernel),
        ("test cell test_forward_propagation (3 checks): judge", cell),
    ]
    for _ in range(args.rounds):  # interleaved rounds: the machine is shared
        for label, run in cases:
            rows.setdefault(label, []).append(run())
    link.close()
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    print(f"{'what':<50} {'best':>12} {'median':>12}")
    for label, times in rows.items():
        unit, scale = ("ms", 1e3) if "test cell" in label else ("us", 1e6)
        print(f"{label:<50} {min(times) * scale:>9.1f} {unit} {statistics.median(times) * scale:>9.1f} {unit}")


if __name__ == "__main__":
    main()
