"""What one submission may use (:class:`Limits`: the whole-notebook and per-cell time limits, the
kernel's memory, the grace period after which the supervisor kills a run), and sizes in words.
"""
import re
from dataclasses import dataclass


GiB = 1024 ** 3
MiB = 1024 ** 2


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
