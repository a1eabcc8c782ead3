"""Process trees: kill a worker with everything it started (the kernel runs in a session of its own, so
killing a process group is not enough), measure their memory, and cap the grading worker's own.
"""
import os
import resource

import psutil

from grading.sandbox.linux import load_libc


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Make orphaned descendants (a daemon a submission started) re-parent to this process,
    so that they stay in its tree and are killed with it. Linux only; False elsewhere."""
    try:
        return load_libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
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
    return kill_all(procs)


def kill_all(procs):
    """SIGKILL each of ``procs`` (psutil processes; those already gone are skipped), wait for them
    briefly, and return how many there were."""
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


def cap_address_space(headroom):
    """Soft-limit this process's address space (``RLIMIT_AS``) to what it maps now plus ``headroom``
    bytes; returns the cap, or None where it cannot be read.

    For the grading worker, where the judge runs reference code with arguments that a kernel sent: an
    allocation beyond the cap raises ``MemoryError`` in the check that asked for it, rather than the
    supervisor killing the whole run. Only the soft limit is set, so that a child (the kernel's
    launcher) can still set its own.
    """
    try:
        mapped = psutil.Process().memory_info().vms
    except psutil.Error:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = mapped + headroom
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        return cap
    return soft


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
