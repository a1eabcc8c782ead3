"""Kernel selection: notebooks asking for ``python3`` run on the grading interpreter.

The workbook's notebooks declare the standard ``python3`` kernel. Which Python that is
depends on the kernelspecs found on the Jupyter path (a user-level ``python3`` spec could
point at another interpreter without numpy or ``helpers``). While grading, ``python3``
always means ``sys.executable``: the virtual environment's Python when the tooling runs
from ``.venv/bin/python`` (as every Make target does).

When autograding (and in ``python -m grading validate``), the kernel is started through
:mod:`grading.sandbox.kernel_launcher` with the submission's limits (memory, file size) and, with
``GradingKernelSpecManager.sandbox``, confined (Landlock and seccomp): it reads only
Python, the ``readable_dirs`` (the workbook's ``helpers``), its working copy and its
temporary folder; it writes only the last two; no network at all. Its channels to the
grader then use ZeroMQ's ``ipc`` transport (unix sockets in a private folder, which the
kernel listens on) instead of TCP, and its
environment is built from :data:`KERNEL_ENVIRONMENT` (nothing else of the grader's
environment: no credential can reach a submission that way). These are set by the
grading worker and are off for students' self-checks in JupyterLab.

The kernel's own log is limited to errors: ipykernel 7 warns on every start that it runs
over TCP without encryption (local grading; not an issue), once per graded notebook.
"""
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ipykernel.kernelspec import RESOURCES, get_kernel_dict
from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Dict, Integer, List, Unicode, default

KERNEL_LOG_LEVEL = "--IPKernelApp.log_level=ERROR"

#: The only variables of the grader's environment a sandboxed kernel gets (and any name
#: starting with ``LC_``); the grading process sets the folders to the job's own.
KERNEL_ENVIRONMENT = (
    "PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "MPLCONFIGDIR", "IPYTHONDIR", "XDG_CACHE_HOME",
    "JUPYTER_RUNTIME_DIR", "PYTHONPATH", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE",
    "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONWARNINGS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
    "MKL_NUM_THREADS", "NNFS_GRADING_JOB", "JPY_PARENT_PID", "JPY_SESSION_NAME",
)
#: Fixed values: joblib (imported by scikit-learn) otherwise warns on import that it cannot
#: create a semaphore (``/dev/shm`` is not in the sandbox; nothing here runs in parallel).
#: No numba: helpers.fused then updates Adam with numpy, to the same numbers. A graded kernel
#: trains a few hundred steps, and importing and compiling numba afresh in each job (no
#: compiled cache outlives the job's private folder) cost more than it saved: notebook 09's
#: job took 4.1 s with it, 3.6 s without, 06's 3.3 and 3.0 s (benchmarks/grading_throughput.py).
KERNEL_FIXED_ENVIRONMENT = {"JOBLIB_MULTIPROCESSING": "0", "NUMBA_DISABLE_JIT": "1"}
#: A unix socket's path is at most 107 bytes; ipc channels are ``PREFIX-1`` ... ``PREFIX-5``.
_MAX_IPC_PREFIX = 96


def helpers_dir():
    """The folder of the workbook's ``helpers`` package (without importing it)."""
    spec = importlib.util.find_spec("helpers")
    return str(Path(next(iter(spec.submodule_search_locations))).resolve())


def kernel_environment(environ=None, extra=None):
    """The allowlisted environment of a sandboxed kernel: :data:`KERNEL_ENVIRONMENT` taken
    from ``environ`` (default ``os.environ``), then ``extra``; ``HOME`` is its ``TMPDIR``."""
    environ = os.environ if environ is None else environ
    env = {name: value for name, value in environ.items()
           if name in KERNEL_ENVIRONMENT or name.startswith("LC_")}
    env.update(KERNEL_FIXED_ENVIRONMENT)
    env.update(extra or {})
    env["HOME"] = env.get("TMPDIR") or tempfile.gettempdir()
    return env


def private_tmp_environment(tmp):
    """Variables that put a kernel's temporary files and caches in folder ``tmp`` (created)."""
    tmp = Path(tmp)
    env = {}
    for name, sub in [("TMPDIR", ""), ("MPLCONFIGDIR", "matplotlib"), ("IPYTHONDIR", "ipython"),
                      ("XDG_CACHE_HOME", "cache"), ("JUPYTER_RUNTIME_DIR", "runtime")]:
        path = tmp / sub if sub else tmp
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    return env


class GradingKernelSpecManager(KernelSpecManager):
    """Kernelspec lookup that resolves ``python3`` to ipykernel on ``sys.executable``."""

    memory_limit = Integer(0, help="Address-space limit of the kernel in bytes (0: none).").tag(config=True)
    file_size_limit = Integer(0, help="Largest file the kernel may write, bytes (0: none).").tag(config=True)
    sandbox = Bool(
        False, help="Confine the kernel (Landlock: reads, writes, signals; seccomp and Landlock: "
                    "no network), talk to it over ipc sockets and give it only the allowlisted "
                    "environment.",
    ).tag(config=True)
    writable_dirs = List(Unicode(), help="More folders the sandboxed kernel may write in.").tag(config=True)
    readable_dirs = List(
        Unicode(), help="Folders the sandboxed kernel may read besides Python, its working folder "
                        "and $TMPDIR (default: the workbook's helpers package).",
    ).tag(config=True)
    environment = Dict(
        Unicode(), help="Variables set in the sandboxed kernel's environment (after the allowlist).",
    ).tag(config=True)

    @default("readable_dirs")
    def _readable_dirs_default(self):
        return [helpers_dir()]

    def launcher_arguments(self):
        """Arguments for :mod:`grading.sandbox.kernel_launcher`; empty when no limit is set."""
        args = []
        if self.memory_limit:
            args += ["--memory", str(self.memory_limit)]
        if self.file_size_limit:
            args += ["--file-size", str(self.file_size_limit)]
        if self.sandbox:
            args.append("--sandbox")
            for folder in self.readable_dirs:
                args += ["--read-dir", folder]
            for folder in self.writable_dirs:
                args += ["--write-dir", folder]
        return args

    def get_kernel_spec(self, kernel_name):
        if kernel_name.lower() == NATIVE_KERNEL_NAME:
            spec = get_kernel_dict(extra_arguments=[KERNEL_LOG_LEVEL])
            launcher = self.launcher_arguments()
            if launcher:
                # [python, -m, ipykernel_launcher, -f, {connection_file}, ...]
                spec["argv"] = [sys.executable, "-m", "grading.sandbox.kernel_launcher", *launcher, "--",
                                *spec["argv"][3:]]
            return self.kernel_spec_class(resource_dir=RESOURCES, **spec)
        return super().get_kernel_spec(kernel_name)


class GradingKernelManager(AsyncKernelManager):
    """Async kernel manager (as nbgrader needs) using :class:`GradingKernelSpecManager`.

    A sandboxed kernel (no TCP) is reached over ipc sockets in a private folder, which also
    holds its connection file; it gets the allowlisted environment only.
    """

    _private_dir = None

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self):
        return GradingKernelSpecManager(data_dir=self.data_dir, parent=self)

    @property
    def sandboxed(self):
        return bool(getattr(self.kernel_spec_manager, "sandbox", False))

    async def _async_pre_start_kernel(self, **kw):
        if self.sandboxed:
            specs = self.kernel_spec_manager
            env = kernel_environment(kw.get("env"), specs.environment)
            if self._private_dir is None:
                self._private_dir = self._make_private_dir(env.get("TMPDIR"))
                self.transport = "ipc"
                self.ip = os.path.join(self._private_dir, "k")
                self.connection_file = os.path.join(self._private_dir, "kernel.json")
            kw["env"] = env
        return await super()._async_pre_start_kernel(**kw)

    @staticmethod
    def _make_private_dir(tmp):
        """A new folder for the channels' sockets: in ``tmp`` if its path is short enough."""
        candidates = [tmp] if tmp else []
        for parent in candidates + [tempfile.gettempdir(), "/tmp"]:
            if parent and len(os.path.join(parent, "nnfs-k-xxxxxxxx", "k")) <= _MAX_IPC_PREFIX:
                return tempfile.mkdtemp(prefix="nnfs-k-", dir=parent)
        raise RuntimeError("no folder with a path short enough for the kernel's ipc sockets")

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._private_dir is not None:
            shutil.rmtree(self._private_dir, ignore_errors=True)
            self._private_dir = None

    pre_start_kernel = _async_pre_start_kernel
    cleanup_resources = _async_cleanup_resources
