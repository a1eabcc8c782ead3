"""Notebook 04, written as a student would from the notebook's formulas (notebook 02's layers included)."""
import numpy as np

from .deep import backward_from_output


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def dropout_forward(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    A_drop = np.multiply(A, D) / keep_prob
    return A_drop, D


def dropout_backward(dA, D, keep_prob):
    return np.multiply(dA, D) / keep_prob


def _as_list(keep_probs, L):
    if isinstance(keep_probs, (int, float)):
        return [keep_probs] * (L - 1)
    return list(keep_probs)


def L_model_forward_with_dropout(X, parameters, keep_probs, rng):
    L = len(parameters) // 2
    keep_probs = _as_list(keep_probs, L)
    A, caches = X, []
    for l in range(1, L + 1):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = np.dot(W, A) + b
        layer_cache = ((A, W, b), Z)
        if l == L:
            caches.append((layer_cache, None))
            return sigmoid(Z), caches
        A, D = dropout_forward(np.maximum(0, Z), keep_probs[l - 1], rng)
        caches.append((layer_cache, D))


def L_model_backward_with_dropout(AL, Y, caches, keep_probs):
    keep_probs = _as_list(keep_probs, len(caches))
    return backward_from_output(AL - Y, [layer_cache for layer_cache, _ in caches],
                                lambda dA, l: dropout_backward(dA, caches[l - 1][1], keep_probs[l - 1]))


def predict_dropout(parameters, X, keep_probs):
    L = len(parameters) // 2
    A = X
    for l in range(1, L):
        A = np.maximum(0, np.dot(parameters["W" + str(l)], A) + parameters["b" + str(l)])
    AL = sigmoid(np.dot(parameters["W" + str(L)], A) + parameters["b" + str(L)])
    return (AL > 0.5).astype(float)


def mc_dropout_predict(parameters, X, keep_probs, rng, n_samples):
    total = 0
    for _ in range(n_samples):
        AL, _ = L_model_forward_with_dropout(X, parameters, keep_probs, rng)
        total = total + AL
    return total / n_samples


SOLUTIONS = {name: function for name, function in globals().items()
             if callable(function) and getattr(function, "__module__", "") == __name__}
