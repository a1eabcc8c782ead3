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
    dropout_forward, dropout_backward      inverted dropout (helpers.dropout)
    batchnorm_forward, batchnorm_backward  batch normalization (helpers.batchnorm)

helpers.network composes them into the one forward loop and the one backward loop of every network.

Where an operation would make a temporary array only to throw it away, the result is computed
into an array just made (Z += b instead of Z = W A_prev + b): the same numbers, fewer allocations.
"""
from __future__ import annotations

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
    return 1.0 / (1.0 + np.exp(-Z))


def softmax(Z):
    """Column-wise e^Z / sum(e^Z) with each column's max subtracted first (no overflow). Z: (C, m)."""
    T = Z - Z.max(axis=0, keepdims=True)
    np.exp(T, out=T)
    T /= T.sum(axis=0, keepdims=True)
    return T


def relu_backward(dA, Z):
    """dZ = dA where Z > 0, 0 elsewhere."""
    return dA * (Z > 0)


def sigmoid_backward(dA, Z):
    """dZ = dA * s (1 - s) with s = sigmoid(Z)."""
    s = sigmoid(Z)
    return dA * s * (1 - s)


def linear_backward(dZ, cache):
    """(dA_prev, dW, db) from dZ: (n[l], m) and cache = (A_prev, W, b)."""
    A_prev, W, _ = cache
    dZ_mean = dZ * (1 / A_prev.shape[1])        # (1/m) dZ, once for both dW and db
    dW = dZ_mean @ A_prev.T
    db = dZ_mean.sum(axis=1, keepdims=True)
    return W.T @ dZ, dW, db


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
    m = Z.shape[1]
    if training:
        mu = Z.sum(axis=1, keepdims=True) / m
        centered = Z - mu
        var = np.square(centered).sum(axis=1, keepdims=True) / m
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
    m = Z_hat.shape[1]
    product = dZ_out * Z_hat
    dgamma = product.sum(axis=1, keepdims=True) / m
    dbeta = dZ_out.sum(axis=1, keepdims=True) / m
    dZ_hat = dZ_out * gamma
    np.multiply(dZ_hat, Z_hat, out=product)
    np.multiply(Z_hat, product.sum(axis=1, keepdims=True) / m, out=product)
    dZ = dZ_hat - dZ_hat.sum(axis=1, keepdims=True) / m
    dZ -= product
    dZ /= std
    return dZ, dgamma, dbeta
