"""Kernel selection: notebooks asking for ``python3`` run on the grading interpreter.

The workbook's notebooks declare the standard ``python3`` kernel. Which Python that is
depends on the kernelspecs found on the Jupyter path (a user-level ``python3`` spec could
point at another interpreter without numpy or ``helpers``). While grading, ``python3``
always means ``sys.executable``: the virtual environment's Python when the tooling runs
from ``.venv/bin/python`` (as every Make target does).

The kernel's own log is limited to errors: ipykernel 7 warns on every start that it runs
over TCP without encryption (local grading; not an issue), once per graded notebook.
"""
from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

KERNEL_LOG_LEVEL = "--IPKernelApp.log_level=ERROR"


class GradingKernelSpecManager(KernelSpecManager):
    """Kernelspec lookup that resolves ``python3`` to ipykernel on ``sys.executable``."""

    def get_kernel_spec(self, kernel_name):
        if kernel_name.lower() == NATIVE_KERNEL_NAME:
            from ipykernel.kernelspec import RESOURCES, get_kernel_dict

            spec = get_kernel_dict(extra_arguments=[KERNEL_LOG_LEVEL])
            return self.kernel_spec_class(resource_dir=RESOURCES, **spec)
        return super().get_kernel_spec(kernel_name)


class GradingKernelManager(AsyncKernelManager):
    """Async kernel manager (as nbgrader needs) using :class:`GradingKernelSpecManager`."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self):
        return GradingKernelSpecManager(data_dir=self.data_dir)
