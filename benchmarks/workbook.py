"""How long each source notebook takes to execute, and how much memory its kernel needs.

Executes every notebooks/NN_*.ipynb top to bottom in a fresh kernel (as `make test` and the
autograder do), then prints a table: seconds per notebook (kernel start included), the whole
workbook, and each kernel's peak resident memory. Targets (issue 8): every notebook under 20 s
and the whole workbook under 2 minutes on a 2-core machine.

    python benchmarks/workbook.py [--autograde]

--autograde also times the autograder on the solutions of every notebook (one student), through
the same pipeline as `make grade`.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
from notebook_runner import execute, source_notebooks  # noqa: E402

NOTEBOOK_LIMIT_S, WORKBOOK_LIMIT_S = 20.0, 120.0


def time_autograde() -> tuple[float, list]:
    import nbformat

    from grading.course import find_notebooks, find_submissions
    from grading.batch.pipeline import Grader
    with tempfile.TemporaryDirectory() as tmp:
        notebooks = find_notebooks(ROOT / "notebooks")
        grader = Grader(Path(tmp) / "course")
        grader.release(notebooks)
        for assignment, source in notebooks.items():
            folder = Path(tmp) / "submitted" / "solution" / assignment
            folder.mkdir(parents=True)
            nbformat.write(nbformat.read(source, as_version=4), folder / f"{assignment}.ipynb")
        start = time.perf_counter()
        results = grader.autograde_all(find_submissions(Path(tmp) / "submitted"), notebooks)
        return time.perf_counter() - start, results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--autograde", action="store_true", help="also time the autograder on the solutions")
    args = parser.parse_args(argv)
    rows, total, peak = [], 0.0, 0.0
    for path in source_notebooks():
        run = execute(path.stem)
        errors = sum(o.get("output_type") == "error" for c in run.notebook.cells for o in c.get("outputs", []))
        rows.append((path.stem, run.seconds, run.peak_rss_mib, errors))
        total += run.seconds
        peak = max(peak, run.peak_rss_mib)
    print(f"\nNotebook execution on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'notebook':<28} {'seconds':>8} {'peak MiB':>9}  {'status'}")
    for name, seconds, rss, errors in rows:
        status = "ok" if seconds < NOTEBOOK_LIMIT_S and not errors else \
            (f"{errors} errors" if errors else f"over {NOTEBOOK_LIMIT_S:.0f} s")
        print(f"{name:<28} {seconds:8.1f} {rss:9.0f}  {status}")
    print(f"{'whole workbook':<28} {total:8.1f} {peak:9.0f}  "
          f"{'ok' if total < WORKBOOK_LIMIT_S else f'over {WORKBOOK_LIMIT_S:.0f} s'} (peak: the largest kernel)")
    if args.autograde:
        seconds, results = time_autograde()
        scores = ", ".join(f"{r.assignment} {r.score:g}/{r.max_score:g}" for r in results)
        print(f"{'autograde, all solutions':<28} {seconds:8.1f}            ({scores}; "
              f"ratio to plain execution {seconds / total:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
