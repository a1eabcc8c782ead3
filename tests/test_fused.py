"""helpers.fused: Adam's update compiled into one loop gives numpy's numbers, bit for bit, on every
layout; it is really compiled where the workbook runs (here, in CI and inside the grading sandbox)."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grading.limits import GiB, landlock_abi
from helpers import fused, optimizers

ROOT = Path(__file__).resolve().parents[1]
HYPER = (0.9, 0.999, 0.003, 1e-8)


def arrays(shape, seed=0):
    """(w, g, v, s) with zeros in g and s (epsilon alone in the denominator) and both signs."""
    rng = np.random.default_rng(seed)
    w, g, v = (rng.standard_normal(shape) for _ in range(3))
    s = np.abs(rng.standard_normal(shape)) * 1e-3
    g.reshape(-1)[::5] = 0.0
    s.reshape(-1)[::7] = 0.0
    return w, g, v, s


def both_paths(w, g, v, s):
    """adam_step on copies of (w, g, v, s), and numpy_adam_step on other copies: (path, fused, numpy)."""
    fused_arrays = [np.copy(x, order="K") for x in (w, g, v, s)]
    numpy_arrays = [np.copy(x, order="K") for x in (w, g, v, s)]
    path = fused.adam_step(*fused_arrays, *HYPER)
    fused.numpy_adam_step(*numpy_arrays, *HYPER)
    return path, fused_arrays, numpy_arrays


def test_numba_is_installed_where_the_workbook_is_tested():
    """The speed of the training loops rests on it: a CI machine without it is a broken install."""
    if fused.compiled_adam() is None:
        if os.environ.get("CI"):
            pytest.fail("numba is missing or cannot compile: install requirements.txt")
        pytest.skip("numba is not installed: the numpy path is used")


@pytest.mark.parametrize("shape", [(5, 3), (256, 64), (4, 1), (1, 1), (7,), (2, 3, 4)])
def test_the_compiled_loop_gives_numpys_numbers_bit_for_bit(shape):
    path, got, expected = both_paths(*arrays(shape))
    assert path == ("numba" if fused.compiled_adam() else "numpy")
    for name, a, b in zip("wgvs", got, expected):
        assert np.array_equal(a, b), f"{name} differs from numpy's by up to {np.max(np.abs(a - b))}"
    assert not np.array_equal(got[0], arrays(shape)[0]), "w did not move"


def test_the_update_is_adams_formula():
    w, g, v, s = arrays((6, 4), seed=1)
    beta1, beta2, learning_rate_t, epsilon_t = HYPER
    v_new = beta1 * v + (1 - beta1) * g
    s_new = beta2 * s + (1 - beta2) * g ** 2
    w_new = w - learning_rate_t * v_new / (np.sqrt(s_new) + epsilon_t)
    fused.adam_step(w, g, v, s, *HYPER)
    np.testing.assert_allclose(v, v_new, rtol=1e-14)
    np.testing.assert_allclose(s, s_new, rtol=1e-14)
    np.testing.assert_allclose(w, w_new, rtol=1e-14)


@pytest.mark.parametrize("layout", ["fortran", "transposed view", "strided view", "gradient transposed"])
def test_arrays_that_are_not_contiguous_are_updated_in_place_too(layout):
    """For a view, reshape(-1) may copy, and the loop would update the copy: such arrays take numpy's path
    (the gradient is only read, so a non-contiguous one may stay on the compiled path)."""
    base = arrays((6, 8), seed=2)
    if layout == "fortran":
        w, g, v, s = (np.asfortranarray(x) for x in base)
    elif layout == "transposed view":
        w, g, v, s = (x.T for x in base)
    elif layout == "strided view":
        w, g, v, s = (x[:, ::2] for x in base)
    else:
        w, v, s = (np.ascontiguousarray(x.T) for x in (base[0], base[2], base[3]))
        g = base[1].T
    expected = [np.array(x) for x in (w, g, v, s)]
    fused.numpy_adam_step(*expected, *HYPER)
    fused.adam_step(w, g, v, s, *HYPER)
    for name, a, b in zip("wgvs", (w, g, v, s), expected):
        assert np.array_equal(a, b), f"{name} ({layout}) was not updated where it is"


def test_without_numba_the_numpy_path_gives_the_same_training(monkeypatch):
    parameters = {"W1": np.ones((3, 2)), "b1": np.zeros((3, 1))}
    grads = {"dW1": np.full((3, 2), 0.5), "db1": np.full((3, 1), -0.25)}
    results = []
    for compiled in (fused.compiled_adam(), None):
        monkeypatch.setattr(fused, "compiled_adam", lambda compiled=compiled: compiled)
        p = {key: value.copy() for key, value in parameters.items()}
        v, s = optimizers.initialize_adam(p)
        for t in (1, 2, 3):
            optimizers.update_parameters_with_adam_inplace(p, grads, v, s, t, 0.1)
        results.append(p)
    for key in parameters:
        assert np.array_equal(results[0][key], results[1][key]), key


@pytest.mark.skipif(not landlock_abi(), reason="Landlock is not available on this kernel")
def test_the_loop_compiles_inside_the_grading_sandbox(tmp_path):
    """Graded notebooks train under the kernel's limits (Landlock, 3 GiB of address space): numba must
    compile there too (its cache goes to the private $TMPDIR), or grading would train at numpy's speed."""
    if fused.compiled_adam() is None:
        pytest.skip("numba is not installed")
    script = textwrap.dedent(f"""
        import argparse, sys
        from grading.kernel_launcher import apply_limits
        apply_limits(argparse.Namespace(memory={3 * GiB}, file_size={64 * 2 ** 20}, sandbox=True,
                                        read_dir=[{str(ROOT)!r}], write_dir=[]))
        from helpers import fused
        print("compiled" if fused.compiled_adam() is not None else "numpy")
    """)
    env = {"PATH": os.environ.get("PATH", ""), "TMPDIR": str(tmp_path), "HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "compiled", done.stderr[-2000:]
