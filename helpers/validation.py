"""Input validation shared by the helpers: bad input raises a clear error naming what was expected.

Every public helper calls these first, so a student who passes a list, a 1-D vector or a
transposed matrix is told so in plain words instead of meeting a broadcasting error deep
inside numpy.
"""
from __future__ import annotations

import numbers

import numpy as np


def as_matrix(value, name: str, *, rows: int | None = None, cols: int | None = None,
              what: str = "") -> np.ndarray:
    """Return `value` as a 2-D float64 array, or raise a clear error.

    rows, cols: required sizes (None: any). what: a reminder of the layout, e.g. "(n_x, m)".
    """
    if type(value) is np.ndarray and value.dtype == np.float64 and value.ndim == 2 \
            and (rows is None or value.shape[0] == rows) and (cols is None or value.shape[1] == cols):
        return value                   # the common case, checked cheaply: training calls this a lot
    layout = f" {what}" if what else ""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be a 2-D numpy array{layout}, got {type(value).__name__}.")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 2-D numpy array of numbers{layout}: {exc}") from None
    if array.ndim != 2:
        hint = ""
        if array.ndim == 1:
            hint = " A 1-D vector has no row/column orientation: reshape it, e.g. v.reshape(1, -1)."
        raise ValueError(f"{name} must be 2-D{layout}, got shape {array.shape}.{hint}")
    if rows is not None and array.shape[0] != rows:
        raise ValueError(f"{name} must have {rows} rows{layout}, got shape {array.shape}.")
    if cols is not None and array.shape[1] != cols:
        raise ValueError(f"{name} must have {cols} columns{layout}, got shape {array.shape}.")
    return array


def as_labels(Y, name: str, m: int | None = None) -> np.ndarray:
    """Return binary labels as a (1, m) float64 array of 0/1, or raise a clear error."""
    array = as_matrix(Y, name, rows=1, cols=m, what="(1, m) of 0/1 labels")
    if not np.all((array == 0) | (array == 1)):
        raise ValueError(f"{name} must contain only 0 and 1 labels.")
    return array


def positive_int(value, name: str) -> int:
    """Return value as an int >= 1, or raise a clear error."""
    if type(value) is int and value >= 1:
        return value                   # the common case, without the slower checks of numbers.Integral
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}.")
    return int(value)


def probability(value, name: str, *, allow_zero: bool = False) -> float:
    """Return value as a float in (0, 1] (or [0, 1]), or raise a clear error."""
    if type(value) is float and 0 < value <= 1:
        return value                   # the common case, without the slower checks of numbers.Real
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in (0, 1], got {value!r}.")
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value <= 1):
        interval = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValueError(f"{name} must be in {interval}, got {value}.")
    return float(value)


def parameters_dict(parameters, name: str = "parameters") -> int:
    """Check a {"W1", "b1", ..., "WL", "bL"} dict and return the number of layers L."""
    if not isinstance(parameters, dict):
        raise TypeError(f"{name} must be a dict with keys 'W1', 'b1', ..., got {type(parameters).__name__}.")
    L = len(parameters) // 2
    if _well_formed(parameters, L):
        return L                       # the common case, checked cheaply: training calls this a lot
    L = sum(1 for key in parameters if key.startswith("W"))
    if L == 0:
        raise ValueError(f"{name} has no weight matrix: expected keys 'W1', 'b1', ..., got {sorted(parameters)}.")
    for l in range(1, L + 1):
        for key in (f"W{l}", f"b{l}"):
            if key not in parameters:
                raise KeyError(f"{name} is missing {key!r}: expected keys 'W1', 'b1', ..., 'W{L}', 'b{L}'.")
        W = as_matrix(parameters[f"W{l}"], f"{name}['W{l}']", what="(n[l], n[l-1])")
        as_matrix(parameters[f"b{l}"], f"{name}['b{l}']", rows=W.shape[0], cols=1, what="(n[l], 1)")
        if l > 1 and W.shape[1] != parameters[f"W{l - 1}"].shape[0]:
            raise ValueError(
                f"{name}['W{l}'] has shape {W.shape} but W{l - 1} has {parameters[f'W{l - 1}'].shape[0]} rows: "
                f"W{l} must be (n[{l}], n[{l - 1}])."
            )
    return L


def _well_formed(parameters: dict, L: int) -> bool:
    """True if parameters holds exactly W1, b1, ..., WL, bL as float64 arrays of chained shapes."""
    n_prev = None
    for l in range(1, L + 1):
        W, b = parameters.get(f"W{l}"), parameters.get(f"b{l}")
        if not (type(W) is np.ndarray and type(b) is np.ndarray and W.dtype == b.dtype == np.float64
                and W.ndim == 2 and b.shape == (W.shape[0], 1) and n_prev in (None, W.shape[1])):
            return False
        n_prev = W.shape[0]
    return L > 0 and len(parameters) == 2 * L


def rng_from(seed_or_rng, name: str = "rng") -> np.random.Generator:
    """Accept a seed (int) or a numpy Generator; refuse the global state and other types."""
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if isinstance(seed_or_rng, numbers.Integral) and not isinstance(seed_or_rng, bool):
        return np.random.default_rng(int(seed_or_rng))
    raise TypeError(
        f"{name} must be an int seed or a numpy.random.Generator (np.random.default_rng(seed)), "
        f"got {type(seed_or_rng).__name__}."
    )
