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

and the loops shared by every network with ReLU hidden layers:

    relu_layers_forward(X, parameters, L)   layers 1..L-1 -> (A{L-1}, caches)
    relu_layers_backward(dZL, caches)       from the output layer's dZ down to layer 1 -> grads

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
    """1 / (1 + e^-Z), as a new array."""
    S = np.exp(-Z)
    S += 1.0
    return np.divide(1.0, S, out=S)


def softmax(Z):
    """Column-wise e^Z / sum(e^Z) with each column's max subtracted first (no overflow). Z: (C, m)."""
    T = Z - np.max(Z, axis=0, keepdims=True)
    np.exp(T, out=T)
    T /= np.sum(T, axis=0, keepdims=True)
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
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T
    dW /= m
    db = np.sum(dZ, axis=1, keepdims=True)
    db /= m
    return W.T @ dZ, dW, db


def relu_layers_forward(X, parameters: dict, L: int):
    """[LINEAR -> RELU] for layers 1..L-1 of parameters. Returns (A{L-1}, caches), caches[l-1] = ((A_prev, W, b), Z)."""
    A, caches = X, []
    for l in range(1, L):
        Z, linear_cache = linear_forward(A, parameters[f"W{l}"], parameters[f"b{l}"])
        caches.append((linear_cache, Z))
        A = relu(Z)
    return A, caches


def relu_layers_backward(dZL, caches) -> dict:
    """Gradients {"dW{l}", "db{l}" for l = 1..L, "dA{l}" for l = 0..L-1} from the output layer's dZ[L].

    caches: one ((A_prev, W, b), Z) per layer, as relu_layers_forward and the output layer made them;
    layers L-1..1 are ReLU layers.
    """
    L = len(caches)
    grads = {}
    dZ = dZL
    for l in range(L, 0, -1):
        linear_cache, Z = caches[l - 1]
        if l < L:
            dZ = relu_backward(dA, Z)
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, linear_cache)
        grads[f"dA{l - 1}"] = dA
    return grads
