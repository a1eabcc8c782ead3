"""Start an IPython kernel under the grading limits (used by the grading kernelspec).

``python -m grading.sandbox.kernel_launcher [--memory BYTES] [--file-size BYTES] [--sandbox]
[--read-dir DIR ...] [--write-dir DIR ...] -- IPYKERNEL_ARGS`` applies the limits to itself
and then replaces itself (``exec``) with ``python -m ipykernel_launcher IPYKERNEL_ARGS``, so
the kernel and everything it starts inherit them:

* ``--memory``: ``RLIMIT_AS``, the address space (an allocation beyond it raises
  ``MemoryError`` in the cell instead of exhausting the machine);
* ``--file-size``: ``RLIMIT_FSIZE``, the largest file it may write (no core dumps either);
* ``--sandbox``: Landlock (:func:`grading.sandbox.landlock.confine`). The kernel may read only
  Python (the interpreter, its standard library, the environment's packages), the system's
  shared libraries and time zone files, each ``--read-dir`` (the workbook's ``helpers``),
  and what it may write: its working directory (the submission's private copy), ``$TMPDIR``,
  the folder of its connection file and ipc sockets, a few ``/dev`` files and each
  ``--write-dir``. No TCP (bind or connect, loopback included); no signal to a process
  outside the sandbox. And seccomp (:func:`grading.sandbox.seccomp.deny_sockets`): no socket but a
  listening unix one (the kernel's channels), no ``connect()``: no UDP, no unix socket of
  another program. What the running Linux does not support (:func:`grading.sandbox.landlock.sandbox_gaps`)
  is reported by the grading command: a warning line, and a note on each graded submission.
"""
import argparse
import json
import os
import resource
import sys
import sysconfig

from grading.sandbox.landlock import confine
from grading.sandbox.seccomp import deny_sockets

#: Read-only system files and folders the kernel needs: shared libraries (libc, libm, ...),
#: the dynamic linker's cache, the time zone, the CPU count (OpenBLAS, glibc). Found by
#: tracing a graded kernel's failed opens; nothing in them is private to a course.
SYSTEM_READABLE = ("/lib", "/lib32", "/lib64", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/local/lib",
                   "/etc/ld.so.cache", "/etc/localtime", "/usr/share/zoneinfo", "/sys/devices/system/cpu")
#: Device files a kernel may open (read and write).
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")


#: How a sandboxed kernel starts: ``python -m ipykernel_launcher`` without two things that the
#: sandbox forbids (the grading worker does both itself): the pipe that forwards a forked
#: child's output (a TCP socket on loopback; libzmq aborts when it cannot create one) and
#: terminating the kernel's children at shutdown (psutil lists /proc: an error logged).
SANDBOXED_KERNEL = """\
import sys

if sys.path and sys.path[0] in ("", "."):
    del sys.path[0]  # as ipykernel_launcher: nothing in the working folder shadows a package
from ipykernel import iostream, kernelapp, kernelbase


def _no_pipe(self):
    self._pipe_flag = False


_process_children = kernelbase.Kernel._process_children


def _children_if_visible(self):
    try:
        return _process_children(self)
    except Exception:  # /proc is not readable in the sandbox
        return []


iostream.IOPubThread._setup_pipe_in = _no_pipe
kernelbase.Kernel._process_children = _children_if_visible
kernelapp.launch_new_instance()
"""


def python_dirs():
    """The interpreter's folders: its executable, standard library and packages."""
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            os.path.dirname(os.path.realpath(sys.executable))}
    for scheme_path in sysconfig.get_paths().values():
        dirs.add(scheme_path)
    return sorted(dirs)


def _connection_dirs(kernel_args):
    """The folders of the connection file given with ``-f`` and of its ipc sockets."""
    dirs = []
    for flag, value in zip(kernel_args, kernel_args[1:]):
        if flag in ("-f", "--f") and os.path.isfile(value):
            dirs.append(os.path.dirname(os.path.abspath(value)))
            with open(value) as handle:
                info = json.load(handle)
            if info.get("transport") == "ipc":
                dirs.append(os.path.dirname(os.path.abspath(info["ip"])))
    return dirs


def sandbox_paths(args, kernel_args):
    """``(readable, writable)`` paths of the sandboxed kernel."""
    writable = [os.getcwd(), *DEVICES, *_connection_dirs(kernel_args), *args.write_dir]
    if os.environ.get("TMPDIR"):
        writable.append(os.environ["TMPDIR"])
    readable = [*python_dirs(), *SYSTEM_READABLE, *args.read_dir]
    return readable, writable


def apply_limits(args, kernel_args=()):
    if args.memory:
        resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))
    if args.file_size:
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_size, args.file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if args.sandbox:
        readable, writable = sandbox_paths(args, list(kernel_args))
        confine(readable, writable)
        deny_sockets()


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" in argv:
        split = argv.index("--")
        ours, kernel_args = argv[:split], argv[split + 1:]
    else:
        ours, kernel_args = [], argv
    parser = argparse.ArgumentParser(prog="python -m grading.sandbox.kernel_launcher")
    parser.add_argument("--memory", type=int, default=0)
    parser.add_argument("--file-size", type=int, default=0)
    parser.add_argument("--sandbox", action="store_true")
    parser.add_argument("--read-dir", action="append", default=[])
    parser.add_argument("--write-dir", action="append", default=[])
    args = parser.parse_args(ours)
    apply_limits(args, kernel_args)
    start = ["-c", SANDBOXED_KERNEL] if args.sandbox else ["-m", "ipykernel_launcher"]
    os.execv(sys.executable, [sys.executable, *start, *kernel_args])


if __name__ == "__main__":
    main()
