"""Start an IPython kernel under the grading limits (used by the grading kernelspec).

``python -m grading.kernel_launcher [--memory BYTES] [--file-size BYTES] [--sandbox]
[--write-dir DIR ...] -- IPYKERNEL_ARGS`` applies the limits to itself and then replaces
itself (``exec``) with ``python -m ipykernel_launcher IPYKERNEL_ARGS``, so the kernel and
everything it starts inherit them:

* ``--memory``: ``RLIMIT_AS``, the address space (an allocation beyond it raises
  ``MemoryError`` in the cell instead of exhausting the machine);
* ``--file-size``: ``RLIMIT_FSIZE``, the largest file it may write (no core dumps either);
* ``--sandbox``: Landlock, writes allowed only beneath the working directory (the
  submission's private copy), ``$TMPDIR``, ``/dev`` and each ``--write-dir``.
"""
import argparse
import os
import resource
import sys


def apply_limits(args):
    if args.memory:
        resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))
    if args.file_size:
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_size, args.file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if args.sandbox:
        from .limits import restrict_writes

        dirs = [os.getcwd(), "/dev", *args.write_dir]
        if os.environ.get("TMPDIR"):
            dirs.append(os.environ["TMPDIR"])
        restrict_writes([d for d in dirs if os.path.isdir(d)])


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" in argv:
        split = argv.index("--")
        ours, kernel_args = argv[:split], argv[split + 1:]
    else:
        ours, kernel_args = [], argv
    parser = argparse.ArgumentParser(prog="python -m grading.kernel_launcher")
    parser.add_argument("--memory", type=int, default=0)
    parser.add_argument("--file-size", type=int, default=0)
    parser.add_argument("--sandbox", action="store_true")
    parser.add_argument("--write-dir", action="append", default=[])
    apply_limits(parser.parse_args(ours))
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *kernel_args])


if __name__ == "__main__":
    main()
