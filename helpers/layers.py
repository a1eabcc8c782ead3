"""The arithmetic of the reference networks' layers, with no input checks.

helpers.deep, helpers.softmax, helpers.regularization, helpers.dropout and helpers.practice check
their inputs ONCE, at the entry of a public function (a student's call, or one mini-batch of a
model), and then compute with these functions. A training run calls them thousands of times:
re-checking every array in every layer of every mini-batch would cost more than the arithmetic.
So these trust their caller: float64 arrays of matching shapes, examples as columns.

    linear_forward(A_prev, W, b)   Z = W A_prev + b                      -> (Z, cache = (A_prev, W, b))
    relu(Z), sigmoid(Z)            max(0, Z), 1 / (1 + e^-Z)
    softmax(Z)                     column-wise, each column's max subtracted first
    relu_backward(dA, Z)           dZ = dA * (Z > 0)
    sigmoid_backward(dA, Z)        dZ = dA * s (1 - s),  s = sigmoid(Z)
    linear_backward(dZ, cache)     dW = (1/m) dZ A_prev^T,  db = (1/m) sum of dZ's columns,  dA_prev = W^T dZ
                                   (dA_prev=False skips dA_prev: a training loop needs none for X)
    row_means(A)                   the mean of each row, (n, m) -> (n, 1), as a matrix product (fast)
    dropout_forward, dropout_backward      inverted dropout (helpers.dropout)
    batchnorm_forward, batchnorm_backward  batch normalization (helpers.batchnorm)

helpers.network composes them into the one forward loop and the one backward loop of every network.

Where an operation would make a temporary array only to throw it away, the result is computed
into an array just made (Z += b instead of Z = W A_prev + b): the same numbers, fewer allocations.
"""
from __future__ import annotations

import functools

import numpy as np


def linear_forward(A_prev, W, b):
    """Z = W A_prev + b. Returns (Z, cache) with cache = (A_prev, W, b)."""
    Z = W @ A_prev
    Z += b
    return Z, (A_prev, W, b)


def relu(Z):
    """max(0, Z), as a new array."""
    return np.maximum(0.0, Z)


def sigmoid(Z):
    """1 / (1 + e^-Z), as a new array (a number for a 0-d Z)."""
    if np.ndim(Z) == 0:
        return 1.0 / (1.0 + np.exp(-Z))
    s = np.negative(Z, dtype=np.result_type(Z, 1.0))      # ints give floats, as 1 / (1 + np.exp(-Z)) does
    np.exp(s, out=s)
    s += 1.0
    np.reciprocal(s, out=s)                     # the same numbers, computed in one array instead of four
    return s


def softmax(Z):
    """Column-wise e^Z / sum(e^Z) with each column's max subtracted first (no overflow). Z: (C, m)."""
    T = Z - Z.max(axis=0, keepdims=True)
    np.exp(T, out=T)
    T /= T.sum(axis=0, keepdims=True)
    return T


def relu_backward(dA, Z):
    """dZ = dA where Z > 0, 0 elsewhere: dA times the 0/1 slope of the ReLU."""
    dZ = (Z > 0).astype(np.float64)             # the slope as floats: a float product is faster than a boolean one
    dZ *= dA
    return dZ


def sigmoid_backward(dA, Z):
    """dZ = dA * s (1 - s) with s = sigmoid(Z)."""
    s = sigmoid(Z)
    dZ = dA * s
    np.subtract(1.0, s, out=s)                  # s now holds 1 - s
    dZ *= s
    return dZ


def row_means(A):
    """The mean of each row of A: (n, m) -> (n, 1), as the matrix product of A with a column of 1/m: the same
    numbers as A.mean(axis=1, keepdims=True) up to rounding, several times faster on a mini-batch's short rows."""
    return A @ _column_of_means(A.shape[1])


@functools.lru_cache(maxsize=64)
def _column_of_means(m: int):
    """A read-only (m, 1) column of 1/m, made once per m (a training run asks for the same few sizes)."""
    column = np.full((m, 1), 1 / m)
    column.flags.writeable = False
    return column


def linear_backward(dZ, cache, dA_prev: bool = True):
    """(dA_prev, dW, db) from dZ: (n[l], m) and cache = (A_prev, W, b).

    dA_prev=False skips the product W^T dZ and gives None for it: a training loop needs no gradient with
    respect to the network's input X (dA0), and that product is one of the largest of a step."""
    A_prev, W, _ = cache
    dW = (dZ * (1 / A_prev.shape[1])) @ A_prev.T          # (1/m) dZ A_prev^T
    return (W.T @ dZ if dA_prev else None), dW, row_means(dZ)


def dropout_forward(A, keep_prob: float, rng):
    """Inverted dropout: D = rng.random(A.shape) < keep_prob, A_drop = A * D / keep_prob. Returns (A_drop, D)."""
    D = rng.random(A.shape) < keep_prob
    A_drop = A * D
    A_drop /= keep_prob
    return A_drop, D


def dropout_backward(dA, D, keep_prob: float):
    """dA * D / keep_prob: the gradient flows through the kept units only, scaled like them."""
    dA_drop = dA * D
    dA_drop /= keep_prob
    return dA_drop


def batchnorm_forward(Z, gamma, beta, bn_state: dict, training: bool, momentum: float, eps: float):
    """gamma * (Z - mu) / sqrt(var + eps) + beta over the examples (axis 1). Returns (Z_out, (Z_hat, gamma, std)).

    training: mu, var of the batch (var with 1/m), and bn_state's running statistics move towards them;
    otherwise bn_state's running statistics normalise."""
    if training:
        mu = row_means(Z)
        centered = Z - mu
        var = row_means(np.square(centered))
        bn_state["running_mean"] = momentum * bn_state["running_mean"] + (1 - momentum) * mu
        bn_state["running_var"] = momentum * bn_state["running_var"] + (1 - momentum) * var
    else:
        mu, var = bn_state["running_mean"], bn_state["running_var"]
        centered = Z - mu
    std = np.sqrt(var + eps)
    Z_hat = centered
    Z_hat /= std                                    # Z_hat = (Z - mu) / std
    Z_out = gamma * Z_hat
    Z_out += beta
    return Z_out, (Z_hat, gamma, std)


def batchnorm_backward(dZ_out, cache):
    """(dZ, dgamma, dbeta) from dZ_out: (n, m) and cache = (Z_hat, gamma, std), in the course's convention:

    dgamma = (1/m) sum(dZ_out * Z_hat)   dbeta = (1/m) sum(dZ_out)   (over the examples, axis 1)
    dZ = (dZ_hat - mean(dZ_hat) - Z_hat * mean(dZ_hat * Z_hat)) / std   with dZ_hat = gamma * dZ_out."""
    Z_hat, gamma, std = cache
    product = dZ_out * Z_hat
    dgamma = row_means(product)
    dbeta = row_means(dZ_out)
    dZ_hat = dZ_out * gamma
    np.multiply(dZ_hat, Z_hat, out=product)
    np.multiply(Z_hat, row_means(product), out=product)
    dZ = dZ_hat - row_means(dZ_hat)
    dZ -= product
    dZ /= std
    return dZ, dgamma, dbeta
