"""The graded kernel's spec."""
import sys

from grading.execute.kernels import GradingKernelSpecManager


def test_python3_kernel_is_the_grading_interpreter():
    spec = GradingKernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable
    assert spec.argv[1:3] == ["-m", "ipykernel_launcher"]
