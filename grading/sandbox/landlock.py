"""Linux Landlock: after :func:`confine`, a process and its children can read only beneath the given folders,
write only beneath some of them, use no TCP and signal no process outside (used for the kernel: a submission can
neither read nor write the gradebook, the course or other submissions, even by absolute path).
"""
import ctypes
import os
from dataclasses import dataclass

from grading.sandbox.linux import PR_SET_NO_NEW_PRIVS, load_libc
from grading.sandbox.seccomp import seccomp_available


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
        libc = load_libc()
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
    libc = load_libc()
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
