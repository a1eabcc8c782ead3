"""The benchmark scripts keep working (a smoke run with tiny settings; no timing is asserted)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_training_benchmark_runs_the_same_work_for_each_library():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import training
    results = training.main(["--epochs", "2", "--repeats", "1"])
    ours = results["ours (helpers.deep, numpy)"]
    sklearn = results["scikit-learn MLPClassifier"]
    assert ours[0] > 0 and sklearn[0] > 0
    assert 0.5 < ours[1] <= 1.0 and 0.5 < sklearn[1] <= 1.0      # both actually learned


def test_workbook_benchmark_has_a_help():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "workbook.py"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "--autograde" in out


def test_grading_throughput_benchmark_has_a_help():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "grading_throughput.py"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "--students" in out and "--jobs" in out
