"""seccomp: a filter that refuses new network sockets and ``connect()`` (UDP, unix sockets), where
Landlock does not reach.
"""
import ctypes
import platform

from grading.sandbox.linux import PR_SET_NO_NEW_PRIVS, load_libc


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
    libc = load_libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
    return True
