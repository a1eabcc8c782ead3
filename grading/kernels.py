"""Kernel selection: notebooks asking for ``python3`` run on the grading interpreter.

The workbook's notebooks declare the standard ``python3`` kernel. Which Python that is
depends on the kernelspecs found on the Jupyter path (a user-level ``python3`` spec could
point at another interpreter without numpy or ``helpers``). While grading, ``python3``
always means ``sys.executable``: the virtual environment's Python when the tooling runs
from ``.venv/bin/python`` (as every Make target does).

When autograding, the kernel is started through :mod:`grading.kernel_launcher` with the
submission's limits (memory, file size, writes confined to its working copy); those are
set by the grading worker (``GradingKernelSpecManager.memory_limit`` and friends) and are
off for students' self-checks.

The kernel's own log is limited to errors: ipykernel 7 warns on every start that it runs
over TCP without encryption (local grading; not an issue), once per graded notebook.
"""
import sys

from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Integer, List, Unicode, default

KERNEL_LOG_LEVEL = "--IPKernelApp.log_level=ERROR"


class GradingKernelSpecManager(KernelSpecManager):
    """Kernelspec lookup that resolves ``python3`` to ipykernel on ``sys.executable``."""

    memory_limit = Integer(0, help="Address-space limit of the kernel in bytes (0: none).").tag(config=True)
    file_size_limit = Integer(0, help="Largest file the kernel may write, bytes (0: none).").tag(config=True)
    sandbox_writes = Bool(
        False, help="Confine the kernel's writes to its working directory and $TMPDIR (Landlock).",
    ).tag(config=True)
    writable_dirs = List(Unicode(), help="More folders the sandboxed kernel may write in.").tag(config=True)

    def launcher_arguments(self):
        """Arguments for :mod:`grading.kernel_launcher`; empty when no limit is set."""
        args = []
        if self.memory_limit:
            args += ["--memory", str(self.memory_limit)]
        if self.file_size_limit:
            args += ["--file-size", str(self.file_size_limit)]
        if self.sandbox_writes:
            args.append("--sandbox")
            for folder in self.writable_dirs:
                args += ["--write-dir", folder]
        return args

    def get_kernel_spec(self, kernel_name):
        if kernel_name.lower() == NATIVE_KERNEL_NAME:
            from ipykernel.kernelspec import RESOURCES, get_kernel_dict

            spec = get_kernel_dict(extra_arguments=[KERNEL_LOG_LEVEL])
            launcher = self.launcher_arguments()
            if launcher:
                # [python, -m, ipykernel_launcher, -f, {connection_file}, ...]
                spec["argv"] = [sys.executable, "-m", "grading.kernel_launcher", *launcher, "--",
                                *spec["argv"][3:]]
            return self.kernel_spec_class(resource_dir=RESOURCES, **spec)
        return super().get_kernel_spec(kernel_name)


class GradingKernelManager(AsyncKernelManager):
    """Async kernel manager (as nbgrader needs) using :class:`GradingKernelSpecManager`."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self):
        return GradingKernelSpecManager(data_dir=self.data_dir, parent=self)
