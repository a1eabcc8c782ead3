"""Adam's update as one pass over each parameter, for the training loops (notebooks 06, 07, 09).

Written with numpy, Adam's update of one parameter is about ten element-wise operations, each a pass
over the arrays, and the square root and the division are the slow ones: it was a third of a training
step. With numba (in the workbook's requirements) the update below is compiled into one loop that the
CPU vectorises, about 2.5 times faster. Without numba, or where it cannot compile (numba absent,
``NUMBA_DISABLE_JIT`` set, as in the grading kernels, or a sandbox that refuses it), the same arithmetic
runs as numpy operations in the same order: both give the same numbers, bit for bit (tests/helpers/test_fused.py),
so a notebook trains to the same network on a student's machine and in the grader.

numba has a fixed price: about 0.35 s and 125 MB of memory per process to import it and load the
compiled loop from its cache (0.47 s the first time, to compile it). A notebook's trainings are too short
to repay it: notebook 09, the longest, spends 0.9 s in all on Adam's updates with numpy. Compiled from
each kernel's start, notebook 09 ran 0.4 s faster, 06 0.6 s slower, and each took 130 MB more. So a process starts with numpy and switches to the
compiled loop once its numpy updates have cost COMPILE_AFTER_SECONDS, about three times that price:
a training that long is one that goes on long enough to repay it.

    v = beta1 v + (1 - beta1) g
    s = beta2 s + (1 - beta2) g**2
    w = w - learning_rate_t * v / (sqrt(s) + epsilon_t)

learning_rate_t and epsilon_t carry Adam's bias corrections (see optimizers.update_parameters_with_adam_inplace).
"""
from __future__ import annotations

import functools
import os
import time

import numpy as np


#: Seconds of numpy updates after which a process compiles the loop (see above; benchmarks/training.py sets
#: 0, to time the compiled loop from the first step, as a long training runs it).
COMPILE_AFTER_SECONDS = 1.0
_numpy_seconds = [0.0]          # this process's seconds in numpy_adam_step so far


def adam_step(w, g, v, s, beta1: float, beta2: float, learning_rate_t: float, epsilon_t: float) -> str:
    """Updates w, v and s in place. w, g, v, s: float64 arrays of one shape (the caller checks them).
    Returns the path taken, "numba" or "numpy"."""
    kernel = compiled_adam() if _numpy_seconds[0] >= COMPILE_AFTER_SECONDS else None
    if kernel is not None and w.flags.c_contiguous and v.flags.c_contiguous and s.flags.c_contiguous:
        # reshape(-1) of a C-contiguous array is a view, so the loop writes into w, v and s themselves
        kernel(w.reshape(-1), g.reshape(-1), v.reshape(-1), s.reshape(-1), beta1, beta2, learning_rate_t, epsilon_t)
        return "numba"
    start = time.perf_counter()
    numpy_adam_step(w, g, v, s, beta1, beta2, learning_rate_t, epsilon_t)
    _numpy_seconds[0] += time.perf_counter() - start
    return "numpy"


def numpy_adam_step(w, g, v, s, beta1, beta2, learning_rate_t, epsilon_t):
    """adam_step with numpy: one scratch array, no other temporaries."""
    scratch = (1 - beta1) * g
    v *= beta1
    v += scratch                                       # v = beta1 v + (1 - beta1) g
    np.square(g, out=scratch)
    scratch *= 1 - beta2
    s *= beta2
    s += scratch                                       # s = beta2 s + (1 - beta2) g**2
    np.sqrt(s, out=scratch)
    scratch += epsilon_t
    np.divide(v, scratch, out=scratch)
    scratch *= learning_rate_t
    w -= scratch                                       # w -= learning_rate_t * v / (sqrt(s) + epsilon_t)


def _adam_loop(w, g, v, s, beta1, beta2, learning_rate_t, epsilon_t):
    """adam_step on 1-d arrays, element by element (numba compiles it; the operations and their order are
    numpy_adam_step's)."""
    for i in range(w.size):
        v[i] = beta1 * v[i] + (1 - beta1) * g[i]
        s[i] = beta2 * s[i] + (1 - beta2) * (g[i] * g[i])
        w[i] -= learning_rate_t * (v[i] / (np.sqrt(s[i]) + epsilon_t))


def _jit_disabled() -> bool:
    """numba's own switch, NUMBA_DISABLE_JIT (under it njit would give back the plain Python loop, far
    slower than numpy). The grading kernels set it: see grading.execute.kernels.KERNEL_FIXED_ENVIRONMENT."""
    try:
        return bool(int(os.environ.get("NUMBA_DISABLE_JIT", "0") or 0))
    except ValueError:
        return False


@functools.cache
def compiled_adam():
    """The compiled _adam_loop, or None where numba is missing or cannot compile. Compiled on first use, and
    cached on disk where numba may write (helpers/__pycache__, else the user's cache folder)."""
    if _jit_disabled():                      # before the import: the grading kernels save its time too
        return None
    try:
        import numba                         # optional: the numpy path gives the same numbers
    except ImportError:
        return None
    # error_model="numpy": a division by zero gives inf as numpy does, with no check per element, which
    # lets the loop be vectorised. No fastmath: the same IEEE operations as numpy, in the same order.
    try:
        kernel = numba.njit(error_model="numpy", cache=True)(_adam_loop)
    except Exception:                        # noqa: BLE001 -- no writable cache directory: compile anyway
        kernel = numba.njit(error_model="numpy")(_adam_loop)
    try:
        probe = np.ones(2)
        kernel(probe.copy(), probe, probe.copy(), probe.copy(), 0.9, 0.999, 0.1, 1e-8)
    except Exception:                        # noqa: BLE001 -- e.g. memory limits: numpy does the work
        return None
    return kernel
