"""helpers.fused: Adam's update compiled into one loop gives numpy's numbers, bit for bit, on every
layout; it is really compiled where the workbook is tested, and grading kernels go without it."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grading.execute.kernels import kernel_environment
from helpers import fused, optimizers

ROOT = Path(__file__).resolve().parents[2]
HYPER = (0.9, 0.999, 0.003, 1e-8)


@pytest.fixture(autouse=True)
def compiled_from_the_first_step(monkeypatch):
    """As the benchmark times it: the compiled loop without numpy's updates first (tested apart below)."""
    monkeypatch.setattr(fused, "COMPILE_AFTER_SECONDS", 0.0)


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


def test_a_process_compiles_only_once_its_numpy_updates_cost_what_compiling_costs(monkeypatch):
    """A notebook's short trainings never pay numba's import; a long training switches after about that
    price (COMPILE_AFTER_SECONDS of numpy updates)."""
    if fused.compiled_adam() is None:
        pytest.skip("numba is not installed")
    monkeypatch.setattr(fused, "COMPILE_AFTER_SECONDS", 0.05)
    monkeypatch.setattr(fused, "_numpy_seconds", [0.0])
    w, g, v, s = arrays((200, 100))
    paths = [fused.adam_step(w, g, v, s, *HYPER) for _ in range(2000)]
    switch = paths.index("numba")
    assert switch > 0 and set(paths[:switch]) == {"numpy"} and set(paths[switch:]) == {"numba"}
    assert 0.05 <= fused._numpy_seconds[0] < 0.5      # it switched after 0.05 s of numpy updates, not before


def test_grading_kernels_take_the_numpy_path_without_importing_numba():
    """A graded kernel trains little: numba's import and compilation would cost it more than they save
    (grading.execute.kernels.KERNEL_FIXED_ENVIRONMENT). The numbers are the same either way (tests above)."""
    env = kernel_environment({"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)})
    assert env["NUMBA_DISABLE_JIT"] == "1"
    script = ("import sys\nfrom helpers import fused, optimizers\n"
              "print(fused.compiled_adam() is None, 'numba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "False"], done.stderr[-2000:]
