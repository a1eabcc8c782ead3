"""Limits and process control for grading one submission.

* :class:`Limits` - the whole-notebook wall-clock limit, nbgrader's per-cell timeout, the
  kernel's memory limit and the grace period after which the supervisor kills a run.
* process trees - kill a worker with everything it started (the kernel runs in a session
  of its own, so killing a process group is not enough), measure their memory.
* :func:`restrict_writes` - Linux Landlock: after it, a process and its children can
  write only beneath the given folders (used for the kernel: a submission cannot write
  into the gradebook or the course, even by absolute path).
"""
import ctypes
import os
import re
from dataclasses import dataclass

import psutil

GiB = 1024 ** 3
MiB = 1024 ** 2

PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38


def parse_size(text):
    """Bytes from ``'3G'``, ``'1.5GiB'``, ``'800M'``, ``'2048MB'`` or a plain number of bytes."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", str(text))
    if not match:
        raise ValueError(f"not a size: {text!r} (examples: 3G, 1536M)")
    number, unit = float(match.group(1)), match.group(2).upper()
    factor = {"": 1, "K": 1024, "M": MiB, "G": GiB, "T": 1024 * GiB}[unit]
    size = int(number * factor)
    if size <= 0:
        raise ValueError(f"size must be positive: {text!r}")
    return size


def format_size(size):
    """``'3 GiB'``, ``'1.5 GiB'``, ``'1.88 GiB'``, ``'800 MiB'``."""
    if size >= GiB:
        return f"{size / GiB:.2f}".rstrip("0").rstrip(".") + " GiB"
    return f"{size / MiB:.0f} MiB"


@dataclass(frozen=True)
class Limits:
    """What one submission may use. ``timeout`` is per notebook, ``cell_timeout`` per cell.

    The kernel's address space is capped at ``memory`` (``RLIMIT_AS``: an allocation
    beyond it raises ``MemoryError`` in the cell). The supervisor kills the whole run
    when its processes together hold more than ``memory + worker_memory`` resident, or
    when it runs ``grace`` seconds past ``timeout`` times its number of notebooks
    (the worker's own, softer, limit normally stops it first and grades what ran).
    The kernel may not write files larger than ``file_size``; with ``sandbox`` it may
    write only in its working copy and its temporary folder, where Linux has Landlock.
    """

    timeout: int = 300
    cell_timeout: int = 120
    memory: int = 3 * GiB
    grace: int = 60
    worker_memory: int = 1 * GiB
    file_size: int = 1 * GiB
    sandbox: bool = True  # confine the kernel's writes to its working copy (Landlock)

    def __post_init__(self):
        for name in ("timeout", "cell_timeout", "memory", "grace", "worker_memory", "file_size"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")

    def hard_timeout(self, notebooks=1):
        return self.timeout * max(1, notebooks) + self.grace

    @property
    def tree_memory(self):
        return self.memory + self.worker_memory

    def describe(self):
        return (f"{self.timeout} s per notebook, {self.cell_timeout} s per cell, "
                f"{format_size(self.memory)} of memory")


# -- process trees ---------------------------------------------------------------------

def _libc():
    return ctypes.CDLL(None, use_errno=True)


def become_subreaper():
    """Make orphaned descendants (a daemon a submission started) re-parent to this process,
    so that they stay in its tree and are killed with it. Linux only; False elsewhere."""
    try:
        return _libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def descendants(pid):
    """Every live descendant of ``pid`` (psutil processes)."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def kill_tree(pid, include_root=True):
    """SIGKILL ``pid`` (if ``include_root``) and all its descendants; wait for them briefly.

    The tree is collected first and then killed at once, so a child cannot escape by
    being re-parented while its parent dies.
    """
    procs = descendants(pid)
    if include_root:
        try:
            procs.append(psutil.Process(pid))
        except psutil.Error:
            pass
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=5)
    return len(procs)


def kill_descendants():
    """Kill everything this process started (and its orphans, if it is a subreaper)."""
    return kill_tree(os.getpid(), include_root=False)


def tree_rss(pid):
    """Resident memory, in bytes, of ``pid`` and all its descendants (0 if gone)."""
    total = 0
    try:
        procs = [psutil.Process(pid)] + descendants(pid)
    except psutil.Error:
        return 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


# -- Landlock: write access only beneath given folders -------------------------------------

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # same on x86_64 and arm64
_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
# Access rights that create, change or remove files (reading and executing stay allowed).
_WRITE_ACCESS = {
    1: (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8)
       | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12),   # write, remove, make dir/file/...
    2: 1 << 13,   # REFER: link or rename across folders
    3: 1 << 14,   # TRUNCATE
}


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi():
    """The kernel's Landlock ABI version, or 0 if Landlock is not available."""
    try:
        libc = _libc()
        version = libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0),
                               ctypes.c_uint32(_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(0, version)


def restrict_writes(writable_dirs):
    """Allow this process and its future children to write only beneath ``writable_dirs``.

    Returns the Landlock ABI used, or 0 (nothing restricted) where Landlock is missing.
    Irreversible for this process.
    """
    abi = landlock_abi()
    if abi < 1:
        return 0
    libc = _libc()
    access = 0
    for version, bits in _WRITE_ACCESS.items():
        if abi >= version:
            access |= bits
    attr = _RulesetAttr(access)
    ruleset = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        for folder in writable_dirs:
            fd = os.open(folder, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = _PathBeneathAttr(access, fd)
                if libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                                ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {folder}")
            finally:
                os.close(fd)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return abi
