"""The benchmark scripts keep working (a smoke run with tiny settings; no timing is asserted)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_training_benchmark_runs_the_same_work_for_each_library():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import training
    results = training.main(["--epochs", "2", "--repeats", "1", "--clock", "cpu"])
    sgd, adam = results["sgd"], results["softmax-adam"]
    for rows, ours in ((sgd, "ours (helpers.deep, numpy)"), (adam, "ours (Adam in place)")):
        assert rows[ours][0] > 0 and rows["scikit-learn MLPClassifier"][0] > 0
        assert 0.5 < rows[ours][1] <= 1.0 and 0.5 < rows["scikit-learn MLPClassifier"][1] <= 1.0  # both learned
    # the in-place, the returning and the numpy-only Adam train the same network to the same accuracy
    assert adam["ours (returning Adam)"][1] == adam["ours (Adam in place)"][1]
    assert adam["ours (Adam in numpy, no numba)"][1] == adam["ours (Adam in place)"][1]   # the same numbers
    assert adam["matrix products only (floor)"][0] > 0


def test_workbook_benchmark_has_a_help():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "workbook.py"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "--autograde" in out


def test_grading_throughput_benchmark_has_a_help():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "grading_throughput.py"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "--students" in out and "--jobs" in out and "--dask-workers" in out
