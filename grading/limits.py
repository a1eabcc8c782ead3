"""Limits and process control for grading one submission.

* :class:`Limits` - the whole-notebook wall-clock limit, nbgrader's per-cell timeout, the
  kernel's memory limit and the grace period after which the supervisor kills a run.
* process trees - kill a worker with everything it started (the kernel runs in a session
  of its own, so killing a process group is not enough), measure their memory.
* :func:`cap_address_space` - the grading worker's own memory, for what the judge computes.
* :func:`confine` - Linux Landlock: after it, a process and its children can read only
  beneath the given folders, write only beneath some of them, use no TCP and signal no
  process outside (used for the kernel: a submission can neither read nor write the
  gradebook, the course or other submissions, even by absolute path).
"""
import ctypes
import os
import platform
import re
import resource
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


# -- Landlock: what a process may read, write and connect to ---------------------------------

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # same on x86_64 and arm64
_RULESET_VERSION = 1
_RULE_PATH_BENEATH, _RULE_NET_PORT = 1, 2
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
#: Access rights (bits) that each Landlock ABI introduced: file system, then network, then scopes.
_FS_ACCESS = {
    1: (1 << 16) - 1 & ~((1 << 13) | (1 << 14) | (1 << 15)),  # execute, read, write, make, remove
    2: 1 << 13,   # REFER: link or rename across folders
    3: 1 << 14,   # TRUNCATE
    5: 1 << 15,   # IOCTL_DEV
}
_READ_ACCESS = _EXECUTE | _READ_FILE | _READ_DIR
#: The only rights a rule on a file (not a folder) may carry.
_FILE_ACCESS = _EXECUTE | _WRITE_FILE | _READ_FILE | (1 << 14) | (1 << 15)
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1           # ABI 4
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


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


@dataclass(frozen=True)
class Confinement:
    """What :func:`confine` could enforce, from the kernel's Landlock ABI ``abi``."""

    abi: int

    @property
    def files(self):
        """Reads and writes confined to the given folders (ABI 1)."""
        return self.abi >= 1

    @property
    def network(self):
        """TCP bind and connect denied (ABI 4)."""
        return self.abi >= 4

    @property
    def scopes(self):
        """No signals to, no abstract unix sockets of, processes outside (ABI 6)."""
        return self.abi >= 6

    def missing(self, sockets=True):
        """What is NOT enforced here, one phrase each (empty when all of it is). With
        ``sockets`` (:func:`deny_sockets` worked), network use is closed without Landlock's."""
        gaps = []
        if not self.files:
            gaps.append("Landlock is not available (Linux 5.13 or later with Landlock enabled): "
                        "the kernel can read and write any file this user can")
        if not self.network and not sockets:
            gaps.append(f"Landlock ABI {self.abi} < 4 and no seccomp: the kernel can use the network")
        elif not sockets:
            gaps.append("no seccomp filter: the kernel can send UDP and connect to unix sockets")
        if not self.scopes:
            gaps.append(f"Landlock ABI {self.abi} < 6: the kernel can signal this user's other processes")
        return gaps


def sandbox_gaps(abi=None):
    """What the kernel's sandbox cannot enforce on this machine (``abi``: the Landlock ABI
    found, default this machine's), one phrase each; empty when it is complete."""
    return Confinement(landlock_abi() if abi is None else abi).missing(sockets=seccomp_available())


def _add_path_rule(libc, ruleset, path, access):
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not os.path.isdir(path):
            access &= _FILE_ACCESS
        rule = _PathBeneathAttr(access, fd)
        if libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                        ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
    finally:
        os.close(fd)


def confine(readable=(), writable=(), network=False):
    """Confine this process and its future children (irreversible) with Landlock.

    Afterwards it can read (and execute) only beneath ``readable`` and ``writable``,
    write only beneath ``writable`` (paths that do not exist are left out; a path may be
    a file, e.g. ``/dev/null``); unless ``network``, it can neither bind nor connect TCP
    sockets, loopback included (ABI 4); and it can neither signal processes outside its
    sandbox nor connect to their abstract unix sockets (ABI 6). Each level is applied as
    far as the running kernel supports it: returns a :class:`Confinement` that says what
    was (``abi`` 0: nothing, Landlock is missing).
    """
    abi = landlock_abi()
    if abi < 1:
        return Confinement(0)
    libc = _libc()
    fs = 0
    for version, bits in _FS_ACCESS.items():
        if abi >= version:
            fs |= bits
    net = 0 if network or abi < 4 else _NET_BIND_TCP | _NET_CONNECT_TCP
    scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL if abi >= 6 else 0
    attr = _RulesetAttr(fs, net, scoped)
    # The kernel refuses a structure larger than it knows unless the extra fields are 0.
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        rules = {}
        for path in readable:
            rules.setdefault(os.path.realpath(path), fs & _READ_ACCESS)
        for path in writable:
            rules[os.path.realpath(path)] = fs
        for path, access in sorted(rules.items()):
            if os.path.exists(path):
                _add_path_rule(libc, ruleset, path, access)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return Confinement(abi)


# -- seccomp: no new network sockets, no connect() ---------------------------------------------

#: ``(AUDIT_ARCH_*, socket, connect, io_uring_setup)`` for the architectures handled.
_SECCOMP_ARCH = {"x86_64": (0xC000003E, 41, 42, 425), "aarch64": (0xC00000B7, 198, 203, 425)}
_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 22, 2
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_LD_ABS_W, _JEQ_K, _JGE_K, _AND_K, _RET_K = 0x20, 0x15, 0x35, 0x54, 0x06
_AF_UNIX, _SOCK_STREAM, _SOCK_TYPE_MASK = 1, 1, 0xF


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def _socket_filter(arch, nr_socket, nr_connect, nr_io_uring):
    """The BPF program of :func:`deny_sockets` (offsets: nr 0, arch 4, args[i] 16 + 8 i)."""
    deny = _RET_ERRNO | 13  # EACCES
    return [
        (_LD_ABS_W, 0, 0, 4), (_JEQ_K, 1, 0, arch), (_RET_K, 0, 0, deny),  # another ABI: nothing
        (_LD_ABS_W, 0, 0, 0),
        (_JGE_K, 0, 1, 0x40000000), (_RET_K, 0, 0, deny),                   # x32 system calls
        (_JEQ_K, 0, 1, nr_connect), (_RET_K, 0, 0, deny),
        (_JEQ_K, 0, 1, nr_io_uring), (_RET_K, 0, 0, deny),
        (_JEQ_K, 1, 0, nr_socket), (_RET_K, 0, 0, _RET_ALLOW),
        (_LD_ABS_W, 0, 0, 16), (_JEQ_K, 1, 0, _AF_UNIX), (_RET_K, 0, 0, deny),
        (_LD_ABS_W, 0, 0, 24), (_AND_K, 0, 0, _SOCK_TYPE_MASK),
        (_JEQ_K, 1, 0, _SOCK_STREAM), (_RET_K, 0, 0, deny),
        (_RET_K, 0, 0, _RET_ALLOW),
    ]


def seccomp_available():
    """Whether :func:`deny_sockets` can work here (Linux on x86_64 or arm64)."""
    return platform.system() == "Linux" and platform.machine() in _SECCOMP_ARCH


def deny_sockets():
    """seccomp: this process and its future children may create no socket but a unix stream
    socket (to *listen*: the kernel's ipc channels) and may not ``connect()`` at all; io_uring
    (which could do both) is refused too. No TCP, no UDP, no raw socket, no connection to a
    unix socket (a database's local socket, the Docker daemon's...), whatever Landlock can do.
    Irreversible. Returns True if applied, False where unsupported (not Linux on x86_64 or
    arm64)."""
    if not seccomp_available():
        return False
    program = [_SockFilter(*insn) for insn in _socket_filter(*_SECCOMP_ARCH[platform.machine()])]
    filters = (_SockFilter * len(program))(*program)
    fprog = _SockFprog(len(program), filters)
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
    return True
