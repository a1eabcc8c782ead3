"""Reference implementation of notebook 03: train/dev/test splits, bias vs variance, L2 and L1
regularization, weight decay, and data augmentation by random shifts.

The network is the deep network of notebook 02 (helpers.deep); these functions add a penalty on the
weights to its cost and gradients. Shapes (examples are columns):

    X: (n_x, m)   Y: (1, m)   W{l}: (n[l], n[l-1])   b{l}: (n[l], 1)   AL: (1, m)

Two numerically safe building blocks come first. A network that over-fits becomes so confident that
AL rounds to exactly 1.0 (or 0.0) in float64, and then the textbook formulas break:
    dAL = -(Y / AL - (1 - Y) / (1 - AL))   gives 0 / 0 = NaN for Y = 1, AL = 1.0;
    Y log AL + (1 - Y) log(1 - AL)         gives 0 * log(0) = NaN.
`L_model_backward_stable` starts from dZ[L] = AL - Y (slide 8's first line: the sigmoid's derivative
and the cross-entropy's cancel), and `compute_cost_stable` takes the log of the probability given to
the true label only. Both equal notebook 02's versions wherever those are finite.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import deep, network
from .data import train_dev_test_split
from .validation import as_labels, as_matrix, parameters_dict, positive_int, rng_from

__all__ = [
    "VERDICTS", "compute_cost_stable", "L_model_backward_stable", "train_dev_test_split", "diagnose_bias_variance",
    "l2_penalty", "l1_penalty", "compute_cost_with_regularization", "L_model_backward_with_regularization",
    "compute_cost_with_l1", "L_model_backward_with_l1", "update_parameters_with_weight_decay", "random_shift",
]

#: The four verdicts of diagnose_bias_variance, exactly as it returns them.
VERDICTS = ("high bias", "high variance", "high bias and high variance", "low bias and low variance")

#: The default threshold of diagnose_bias_variance: 5 percentage points.
THRESHOLD = 0.05


# --- numerically safe cost and backward pass ------------------------------------------------------

def compute_cost_stable(AL, Y) -> float:
    """Binary cross-entropy -(1/m) sum log(probability given to the true label), as a float.

    Equal to -(1/m) sum(Y log AL + (1 - Y) log(1 - AL)) for 0/1 labels, but never 0 * log(0) = NaN when
    AL is exactly 0.0 or 1.0; a confidently wrong example (probability 0 for its label) costs
    -log(smallest positive float) = 708.4 instead of infinity.
    """
    AL = as_matrix(AL, "AL", rows=1, what="(1, m)")
    Y = as_labels(Y, "Y", m=AL.shape[1])
    p_true = np.where(Y == 1, AL, 1 - AL)
    return float(-np.mean(np.log(np.maximum(p_true, np.finfo(np.float64).tiny))))


def L_model_backward_stable(AL, Y, caches) -> dict:
    """Like deep.L_model_backward, but the sigmoid output layer starts from dZ[L] = AL - Y.

    Returns {"dW{l}", "db{l}" for l = 1..L, "dA{l}" for l = 0..L-1}; no NaN when AL is exactly 0 or 1.
    """
    return _backward(AL, Y, caches, network.LINEAR)


def _backward(AL, Y, caches, linear: network.Step, lambd: float = 0.0) -> dict:
    """The stable backward pass through notebook 02's network whose linear steps are `linear`
    (network.LINEAR, or LINEAR_L2 / LINEAR_L1 that add lambd's term to dW), after checking AL, Y and caches."""
    if not isinstance(caches, (list, tuple)) or not caches:
        raise TypeError("caches must be the non-empty list returned by L_model_forward, one cache per layer.")
    AL = as_matrix(AL, "AL", rows=1, what="(1, m)")
    Y = as_labels(Y, "Y", m=AL.shape[1])
    L = deep.check_caches(caches, AL)
    net = network.stack((linear, network.RELU), (linear, network.SIGMOID_OUTPUT), L)
    return network.backward(AL - Y, caches, net, {"lambd": lambd})


# --- bias and variance ----------------------------------------------------------------------------

def diagnose_bias_variance(train_error, dev_error, bayes_error=0.0, threshold: float = THRESHOLD) -> str:
    """A verdict from the errors (fractions in [0, 1], e.g. 0.15 for 15%):

    avoidable bias = train_error - bayes_error   (how far training is from the best possible)
    variance       = dev_error - train_error     (how much worse on data not trained on)

    Each is "high" when it is more than `threshold` (default 0.05, five percentage points).
    Returns one of VERDICTS: "high bias", "high variance", "high bias and high variance",
    "low bias and low variance".
    """
    train_error = _error(train_error, "train_error")
    dev_error = _error(dev_error, "dev_error")
    bayes_error = _error(bayes_error, "bayes_error")
    threshold = _error(threshold, "threshold")
    high_bias = train_error - bayes_error > threshold
    high_variance = dev_error - train_error > threshold
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "low bias and low variance"


# --- L2 and L1 regularization ---------------------------------------------------------------------

def l2_penalty(parameters: dict) -> float:
    """sum over l of ||W{l}||_F^2 (the squared Frobenius norms; biases are not penalised)."""
    L = parameters_dict(parameters)
    return float(sum(np.sum(np.square(parameters[f"W{l}"])) for l in range(1, L + 1)))


def l1_penalty(parameters: dict) -> float:
    """sum over l of sum |W{l}| (biases are not penalised)."""
    L = parameters_dict(parameters)
    return float(sum(np.sum(np.abs(parameters[f"W{l}"])) for l in range(1, L + 1)))


def compute_cost_with_regularization(AL, Y, parameters: dict, lambd) -> float:
    """Cross-entropy + lambd / (2m) * sum_l ||W{l}||_F^2 (slide 13), as a float."""
    lambd = _non_negative(lambd, "lambd")
    m = as_matrix(AL, "AL", rows=1, what="(1, m)").shape[1]
    return compute_cost_stable(AL, Y) + lambd / (2 * m) * l2_penalty(parameters)


def L_model_backward_with_regularization(AL, Y, caches, lambd) -> dict:
    """Gradients of compute_cost_with_regularization: dW{l} += lambd / m * W{l}; db{l} unchanged."""
    return _backward(AL, Y, caches, network.LINEAR_L2, _non_negative(lambd, "lambd"))


def compute_cost_with_l1(AL, Y, parameters: dict, lambd) -> float:
    """Cross-entropy + lambd / (2m) * sum_l sum |W{l}| (the course's L1 cost, with the same 1/(2m) as L2)."""
    lambd = _non_negative(lambd, "lambd")
    m = as_matrix(AL, "AL", rows=1, what="(1, m)").shape[1]
    return compute_cost_stable(AL, Y) + lambd / (2 * m) * l1_penalty(parameters)


def L_model_backward_with_l1(AL, Y, caches, lambd) -> dict:
    """Gradients of compute_cost_with_l1: dW{l} += lambd / (2m) * sign(W{l}) (d|w|/dw = sign(w), 0 at 0)."""
    return _backward(AL, Y, caches, network.LINEAR_L1, _non_negative(lambd, "lambd"))


def update_parameters_with_weight_decay(parameters: dict, grads: dict, learning_rate, lambd, m) -> dict:
    """One step of gradient descent on the L2-regularised cost, written as weight decay (slide 13):

    W{l} = (1 - learning_rate * lambd / m) W{l} - learning_rate * dW{l},   b{l} = b{l} - learning_rate * db{l},
    with dW{l} the UNregularised gradient. Returns a new dict.
    """
    L = parameters_dict(parameters)
    lambd = _non_negative(lambd, "lambd")
    m = positive_int(m, "m")
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict with keys 'dW1', 'db1', ..., got {type(grads).__name__}.")
    decay = 1 - learning_rate * lambd / m
    updated = {}
    for l in range(1, L + 1):
        for key in (f"W{l}", f"b{l}"):
            if "d" + key not in grads:
                raise KeyError(f"grads is missing 'd{key}'.")
        updated[f"W{l}"] = decay * parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return updated


# --- data augmentation ----------------------------------------------------------------------------

def random_shift(images, max_shift: int, rng) -> np.ndarray:
    """Shift each image by its own random whole number of pixels, filling the uncovered border with 0.

    images: (m, h, w). The shifts are drawn at once, shifts = rng.integers(-max_shift, max_shift + 1,
    size=(m, 2)): image i moves down by shifts[i, 0] rows and right by shifts[i, 1] columns (negative:
    up / left), i.e. out[i, r, c] = images[i, r - shifts[i, 0], c - shifts[i, 1]] where that pixel
    exists, else 0. Returns a new (m, h, w) array; `images` is left unchanged.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3:
        raise ValueError(f"images must be a 3-D array (m, height, width), got shape {images.shape}.")
    if isinstance(max_shift, bool) or not isinstance(max_shift, numbers.Integral) or max_shift < 0:
        raise ValueError(f"max_shift must be a non-negative integer, got {max_shift!r}.")
    rng = rng_from(rng, "rng")
    m, h, w = images.shape
    s = int(max_shift)
    shifts = rng.integers(-s, s + 1, size=(m, 2))
    padded = np.pad(images, ((0, 0), (s, s), (s, s)))
    rows = np.arange(h)[None, :, None] - shifts[:, 0, None, None] + s
    cols = np.arange(w)[None, None, :] - shifts[:, 1, None, None] + s
    return padded[np.arange(m)[:, None, None], rows, cols]


# --- internals ------------------------------------------------------------------------------------

def should_stop(dev_errors, patience: int) -> bool:
    """Early stopping (notebook 03's challenge): True when the last `patience` dev errors brought no
    improvement, none of them strictly below the best error measured before them.

    dev_errors: the dev errors measured so far, one per evaluation; patience: a positive int.
    False while there are no more than `patience` of them.
    """
    patience = positive_int(patience, "patience")
    errors = [float(e) for e in dev_errors]
    if len(errors) <= patience:
        return False
    return min(errors[-patience:]) >= min(errors[:-patience])


def _non_negative(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}.")
    return float(value)


def _error(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a fraction between 0 and 1 (0.15 for 15%), got {value!r}.")
    return float(value)
