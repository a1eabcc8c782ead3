"""Reference implementation of notebook 08: softmax outputs for C classes (slides 30-33).

    softmax(Z)[k, i] = exp(Z[k, i]) / sum_j exp(Z[j, i])          column by column, Z: (C, m)
    J = -(1/m) sum_i sum_k Y[k, i] log AL[k, i]                   Y one-hot (C, m)
    dZ[L] = AL - Y                                                 softmax and cross-entropy together

A deep network with a softmax output has ReLU hidden layers (helpers.deep's building blocks) and
a LINEAR -> SOFTMAX output layer whose cache has the usual form ((A_prev, W, b), Z). The checks of
notebook 08 compare students' answers with these functions, and notebook 09 imports them.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import deep, layers, network
from .validation import as_matrix, parameters_dict, positive_int

#: The output layer's steps (helpers.network): LINEAR -> SOFTMAX; the hidden layers are helpers.deep's.
OUTPUT_LAYER = (network.LINEAR, network.SOFTMAX_OUTPUT)


def softmax(Z):
    """Column-wise softmax of Z (C, m), numerically stable: each column's max is subtracted first.

    softmax(Z - c) = softmax(Z) for any constant c per column, and after subtracting the max the
    largest exponent is e^0 = 1: nothing overflows, and the denominator is at least 1.
    """
    return layers.softmax(as_matrix(Z, "Z", what="(C, m): one column of C scores per example"))


def softmax_naive(Z):
    """exp(Z) / sum(exp(Z)) without the max subtraction: overflows for entries above ~709 (for contrast)."""
    Z = as_matrix(Z, "Z", what="(C, m)")
    with np.errstate(over="ignore", invalid="ignore"):
        T = np.exp(Z)
        return T / np.sum(T, axis=0, keepdims=True)


def hardmax(Z):
    """1 for the largest entry of each column, 0 elsewhere (the first one on ties). Returns (C, m)."""
    Z = as_matrix(Z, "Z", what="(C, m)")
    out = np.zeros_like(Z)
    out[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return out


def as_class_labels(labels, C: int | None = None, name: str = "labels") -> np.ndarray:
    """Class labels as a 1-D int array: accepts (m,), (1, m), ints or integer-valued floats in [0, C)."""
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be a (1, m) row (or a 1-D vector) of class indices, got shape {array.shape}.")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        if not np.issubdtype(array.dtype, np.floating) or not np.all(array == np.round(array)):
            raise ValueError(f"{name} must hold whole numbers (class indices 0..C-1), got {array[:5]}.")
    array = array.astype(np.int64)
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must be class indices 0..C-1, got {array.min()}.")
    if C is not None and array.size and array.max() >= C:
        raise ValueError(f"{name} holds the class {array.max()}, but C = {C} classes are numbered 0..{C - 1}.")
    return array


def one_hot(labels, C: int):
    """labels: (1, m) (or (m,)) class indices 0..C-1. Returns Y: (C, m) float64, Y[labels[i], i] = 1."""
    C = positive_int(C, "C")
    labels = as_class_labels(labels, C)
    Y = np.zeros((C, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def _probabilities_and_labels(AL, Y):
    AL = as_matrix(AL, "AL", what="(C, m): one column of probabilities per example")
    Y = as_matrix(Y, "Y", rows=AL.shape[0], cols=AL.shape[1], what="(C, m) one-hot, like AL")
    # one-hot: exactly m nonzero entries, and a 1 as the largest entry of every column
    if np.count_nonzero(Y) != Y.shape[1] or not (Y.max(axis=0, initial=-np.inf) == 1).all():
        raise ValueError("Y must be one-hot: a single 1 in each column (use one_hot(labels, C)).")
    return AL, Y


def compute_cost_softmax(AL, Y) -> float:
    """Categorical cross-entropy -(1/m) sum(Y log AL), as a Python float. AL, Y: (C, m)."""
    AL, Y = _probabilities_and_labels(AL, Y)
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(Y == 1, np.log(AL), 0.0)   # 0 * log(0) counts as 0
    return float(-np.sum(logs) / m)


def log_softmax(Z):
    """log(softmax(Z)) of each column of Z: (C, m), computed stably: z_k - max - log(sum_j exp(z_j - max)).

    Finite wherever Z is, even where softmax(Z) underflows to 0 (log(0) would be -inf)."""
    Z = as_matrix(Z, "Z", what="(C, m): one column of scores per example")
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))


def compute_cost_from_logits(ZL, Y) -> float:
    """The cross-entropy of softmax(ZL), -(1/m) sum(Y log softmax(ZL)), from the scores ZL: (C, m) through
    log_softmax, so that a true class whose probability underflows costs its (large, finite) score gap."""
    log_probabilities = log_softmax(ZL)
    _, Y = _probabilities_and_labels(log_probabilities, Y)
    return float(-np.sum(Y * log_probabilities) / Y.shape[1])


def softmax_backward(AL, Y):
    """dZ[L] = AL - Y: the gradient of the softmax cross-entropy with respect to Z[L], per example."""
    AL, Y = _probabilities_and_labels(AL, Y)
    return AL - Y


def L_model_forward_softmax(X, parameters: dict):
    """[LINEAR -> RELU] * (L-1) -> LINEAR -> SOFTMAX. Returns (AL: (C, m), caches), caches[l-1] = ((A_prev, W, b), Z)."""
    L = parameters_dict(parameters)
    X = as_matrix(X, "X", rows=parameters["W1"].shape[1], what="(n_x, m)")
    return network.forward(X, parameters, network.stack(deep.HIDDEN_LAYER, OUTPUT_LAYER, L))


def L_model_backward_softmax(AL, Y, caches, dA0: bool = True) -> dict:
    """Gradients {"dW{l}", "db{l}" for l = 1..L, "dA{l}" for l = 0..L-1} of the softmax cross-entropy.

    dZ[L] = AL - Y, then linear_backward for layer L and ReLU layers L-1..1. dA0=False (for training
    loops, which do not need it) leaves out "dA0" and the matrix product that computes it.
    """
    AL, Y = _probabilities_and_labels(AL, Y)
    L = deep.check_caches(caches, AL, made_by="L_model_forward_softmax")
    return network.backward(AL - Y, caches, network.stack(deep.HIDDEN_LAYER, OUTPUT_LAYER, L), dA0=dA0)


def predict_softmax(parameters: dict, X):
    """The most probable class of each example: (1, m) int64, np.argmax(AL, axis=0)."""
    AL, _ = L_model_forward_softmax(X, parameters)
    return np.argmax(AL, axis=0).reshape(1, -1)


def L_layer_model_softmax(X, Y, layer_dims, learning_rate: float = 0.1, num_iterations: int = 1000, seed: int = 1,
                          print_cost: bool = False, print_every: int = 100):
    """Train [LINEAR -> RELU] * (L-1) -> LINEAR -> SOFTMAX by batch gradient descent from He initialisation.

    X: (n_x, m); Y: (C, m) one-hot; layer_dims = [n_x, ..., C]. Returns (parameters, costs), costs[i]
    the cost before the i-th update.
    """
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_matrix(Y, "Y", cols=X.shape[1], what="(C, m) one-hot")
    dims = deep.layer_dims_list(layer_dims)
    if dims[0] != X.shape[0] or dims[-1] != Y.shape[0]:
        raise ValueError(f"layer_dims {dims} must start with n_x = {X.shape[0]} and end with C = {Y.shape[0]}.")
    num_iterations = positive_int(num_iterations, "num_iterations")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real) or not learning_rate > 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")
    parameters = deep.initialize_parameters_deep(dims, seed=seed)
    costs = []
    for i in range(num_iterations):
        AL, caches = L_model_forward_softmax(X, parameters)
        costs.append(compute_cost_softmax(AL, Y))
        grads = L_model_backward_softmax(AL, Y, caches)
        parameters = deep.update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % print_every == 0 or i == num_iterations - 1):
            print(f"Cost after iteration {i}: {costs[-1]:.6f}")
    return parameters, costs


def confusion_matrix(y_true, y_pred, C: int):
    """counts[k, j] = number of examples of class k predicted as class j. Returns (C, C) int64."""
    C = positive_int(C, "C")
    y_true = as_class_labels(y_true, C, "y_true")
    y_pred = as_class_labels(y_pred, C, "y_pred")
    if y_true.size != y_pred.size:
        raise ValueError(f"y_true has {y_true.size} labels but y_pred has {y_pred.size}.")
    counts = np.zeros((C, C), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
