"""Gradient checking: two-sided numerical gradients and the relative error of slide-style checks.

    d_approx[i] = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)
    difference  = ||d_approx - d|| / (||d_approx|| + ||d||)

How to read the difference (with eps = 1e-7, float64):
    < 1e-7   great: the backward pass is right;
    < 1e-5   probably right, look again if a layer is suspicious;
    >= 1e-3  almost certainly a bug.
"""
from __future__ import annotations

import numpy as np

from .validation import parameters_dict

GREAT, SUSPICIOUS = 1e-7, 1e-3


def relative_error(approx, exact) -> float:
    """||approx - exact|| / (||approx|| + ||exact||); 0.0 when both are zero."""
    approx = np.asarray(approx, dtype=np.float64)
    exact = np.asarray(exact, dtype=np.float64)
    if approx.shape != exact.shape:
        raise ValueError(f"relative_error needs equal shapes, got {approx.shape} and {exact.shape}.")
    denominator = np.linalg.norm(approx) + np.linalg.norm(exact)
    return 0.0 if denominator == 0 else float(np.linalg.norm(approx - exact) / denominator)


def difference_quotient(f, x: float, epsilon: float, two_sided: bool = True) -> float:
    """The slope of f: float -> float at x, (f(x + eps) - f(x - eps)) / (2 eps) when two_sided, else the
    one-sided (f(x + eps) - f(x)) / eps (notebook 02's challenge compares their errors)."""
    if two_sided:
        return float((f(x + epsilon) - f(x - epsilon)) / (2 * epsilon))
    return float((f(x + epsilon) - f(x)) / epsilon)


def numerical_gradient(f, x, epsilon: float = 1e-7) -> np.ndarray:
    """Two-sided numerical gradient of the scalar function f at the array x (x is restored).

    f: callable taking no argument and reading x (modified in place), returning a float.
    x: float64 array of any shape. Returns an array of x's shape.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("x must be a float64 numpy array (float32 is too coarse for gradient checking).")
    grad = np.zeros_like(x)
    flat, grad_flat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so that it can be perturbed in place.")
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + epsilon
        plus = float(f())
        flat[i] = original - epsilon
        minus = float(f())
        flat[i] = original
        grad_flat[i] = (plus - minus) / (2 * epsilon)
    return grad


def dictionary_to_vector(arrays: dict, keys):
    """Concatenate arrays[key] for key in keys into one vector; returns (vector, layout)."""
    layout = [(key, np.shape(arrays[key])) for key in keys]
    vector = np.concatenate([np.asarray(arrays[key], dtype=np.float64).reshape(-1) for key in keys])
    return vector, layout


def vector_to_dictionary(vector, layout) -> dict:
    """Inverse of dictionary_to_vector."""
    result, start = {}, 0
    for key, shape in layout:
        size = int(np.prod(shape))
        result[key] = vector[start:start + size].reshape(shape).copy()
        start += size
    return result


def numerical_gradients(cost_fn, parameters: dict, epsilon: float = 1e-7) -> dict:
    """Numerical gradient of cost_fn(parameters) -> float for every parameter: {"dW1": ..., ...}."""
    parameters_dict(parameters)
    work = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    return {"d" + key: numerical_gradient(lambda: cost_fn(work), work[key], epsilon) for key in parameters}


def gradient_check(cost_fn, parameters: dict, grads: dict, epsilon: float = 1e-7) -> float:
    """Relative difference between the numerical gradient of cost_fn and `grads`, over all parameters.

    cost_fn: parameters -> float. parameters: {"W1", "b1", ...}. grads: {"dW1", "db1", ...}.
    """
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict with keys 'dW1', 'db1', ..., got {type(grads).__name__}.")
    keys = sorted(parameters, key=_layer_order)
    missing = [f"d{key}" for key in keys if f"d{key}" not in grads]
    if missing:
        raise KeyError(f"grads is missing {missing}: expected one gradient per parameter.")
    approx = numerical_gradients(cost_fn, parameters, epsilon)
    grad_keys = [f"d{key}" for key in keys]
    return relative_error(dictionary_to_vector(approx, grad_keys)[0], dictionary_to_vector(grads, grad_keys)[0])


def gradient_check_report(cost_fn, parameters: dict, grads: dict, epsilon: float = 1e-7) -> dict:
    """Per-parameter relative errors {"W1": 3e-9, ...}, printed as a table with a verdict for each."""
    approx = numerical_gradients(cost_fn, parameters, epsilon)
    report = {}
    for key in sorted(parameters, key=_layer_order):
        error = relative_error(approx["d" + key], grads["d" + key])
        report[key] = error
        print(f"  d{key:<4} relative error {error:9.2e}   {verdict(error)}")
    return report


def verdict(difference: float) -> str:
    """The slides' reading of a gradient-check difference."""
    if difference < GREAT:
        return "great: the backward pass is right"
    if difference < SUSPICIOUS:
        return "suspicious: look again"
    return "wrong: there is a bug in the backward pass"


def _layer_order(key: str):
    return (int(key[1:]), key[0] != "W") if key[1:].isdigit() else (10**9, key)
