"""Linux's C library and ``prctl``'s constants, for the sandbox's system calls.
"""
import ctypes


PR_SET_NO_NEW_PRIVS = 38


def load_libc():
    """The C library of this process (errno kept for the caller)."""
    return ctypes.CDLL(None, use_errno=True)
