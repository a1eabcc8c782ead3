"""Reference implementation of notebook 02: a deep L-layer network, built from modular layers.

Every layer has a forward function that returns a cache and a backward function that consumes it:

    linear_forward(A_prev, W, b)            -> Z, linear_cache = (A_prev, W, b)
    linear_activation_forward(..., act)     -> A, cache = (linear_cache, Z)
    linear_backward(dZ, linear_cache)       -> dA_prev, dW, db
    linear_activation_backward(dA, cache, act) -> dA_prev, dW, db

L_model_forward chains L-1 ReLU layers and one sigmoid layer; L_model_backward walks the caches
from layer L down to layer 1. Shapes (examples are columns):

    X = A0: (n[0], m)   W{l}: (n[l], n[l-1])   b{l}: (n[l], 1)   Z{l}, A{l}, dZ{l}, dA{l}: (n[l], m)

The checks compare students' answers with these functions, and later notebooks import them.
Each public function checks its inputs once, then computes with helpers.layers (the same formulas,
without the checks), so that a model's loop does not re-check every array in every layer.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import gradcheck, layers, network
from .validation import as_labels, as_matrix, parameters_dict, positive_int

ACTIVATIONS = ("relu", "sigmoid")

#: The steps of a hidden layer and of the output layer (helpers.network): LINEAR -> RELU, LINEAR -> SIGMOID.
HIDDEN_LAYER = (network.LINEAR, network.RELU)
OUTPUT_LAYER = (network.LINEAR, network.SIGMOID_OUTPUT)


def sigmoid(Z):
    """Element-wise logistic function 1 / (1 + e^-Z); works on scalars and arrays."""
    return layers.sigmoid(np.asarray(Z, dtype=np.float64))


def relu(Z):
    """Element-wise max(0, Z), as a new array (Z is left unchanged)."""
    return layers.relu(np.asarray(Z, dtype=np.float64))


def relu_backward(dA, Z):
    """dZ = dA * g'(Z) for ReLU: dA where Z > 0, 0 elsewhere (the slope at 0 is taken as 0)."""
    return layers.relu_backward(*_same_shape(dA, "dA", Z, "Z"))


def sigmoid_backward(dA, Z):
    """dZ = dA * s (1 - s) with s = sigmoid(Z)."""
    return layers.sigmoid_backward(*_same_shape(dA, "dA", Z, "Z"))


def layer_dims_list(layer_dims, name: str = "layer_dims") -> list[int]:
    """Check [n0, n1, ..., nL] (at least an input and an output layer) and return it as ints."""
    if isinstance(layer_dims, (str, bytes, dict, set)) or not hasattr(layer_dims, "__len__"):
        raise TypeError(f"{name} must be a list of layer sizes [n0, n1, ..., nL], got {type(layer_dims).__name__}.")
    dims = [positive_int(n, f"{name}[{i}]") for i, n in enumerate(layer_dims)]
    if len(dims) < 2:
        raise ValueError(f"{name} needs at least two sizes (input and output layer), got {dims}.")
    return dims


def initialize_parameters_deep(layer_dims, seed: int = 3) -> dict:
    """He initialisation: W{l} = N(0, 1) * sqrt(2 / n[l-1]), b{l} = 0, for l = 1..L.

    The W{l} are drawn in order l = 1, 2, ..., L from rng = np.random.default_rng(seed).
    """
    dims = layer_dims_list(layer_dims)
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2.0 / dims[l - 1])
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def initialize_parameters_scaled(layer_dims, scale, seed: int = 3) -> dict:
    """Like initialize_parameters_deep with another scale: a number (e.g. 0.01, 1.0, 0.0), or "he".

    scale 0.0 gives all-zero weights (the symmetry demonstration of notebook 02).
    """
    if isinstance(scale, str):
        if scale.lower() != "he":
            raise ValueError(f"scale must be a number or 'he', got {scale!r}.")
        return initialize_parameters_deep(layer_dims, seed=seed)
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or scale < 0:
        raise ValueError(f"scale must be a non-negative number or 'he', got {scale!r}.")
    dims = layer_dims_list(layer_dims)
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * float(scale)
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def linear_forward(A_prev, W, b):
    """Z = W A_prev + b. Returns (Z, cache) with cache = (A_prev, W, b)."""
    W = as_matrix(W, "W", what="(n[l], n[l-1])")
    A_prev = as_matrix(A_prev, "A_prev", rows=W.shape[1], what="(n[l-1], m): one column per example")
    b = as_matrix(b, "b", rows=W.shape[0], cols=1, what="(n[l], 1)")
    return layers.linear_forward(A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation: str):
    """A = g(W A_prev + b) with g = "relu" or "sigmoid". Returns (A, cache = (linear_cache, Z))."""
    activation = _activation(activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = layers.relu(Z) if activation == "relu" else layers.sigmoid(Z)
    return A, (linear_cache, Z)


def L_model_forward(X, parameters: dict):
    """[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID. Returns (AL, caches), caches[l-1] for layer l."""
    L = parameters_dict(parameters)
    X = as_matrix(X, "X", rows=parameters["W1"].shape[1], what="(n_x, m)")
    return network.forward(X, parameters, network.stack(HIDDEN_LAYER, OUTPUT_LAYER, L))


def compute_cost(AL, Y) -> float:
    """Binary cross-entropy -(1/m) sum(Y log AL + (1 - Y) log(1 - AL)), as a Python float."""
    AL = as_matrix(AL, "AL", rows=1, what="(1, m)")
    Y = as_labels(Y, "Y", m=AL.shape[1])
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def linear_backward(dZ, cache):
    """From dZ of layer l to (dA_prev, dW, db):

    dW = (1/m) dZ A_prev^T,  db = (1/m) sum over the columns of dZ,  dA_prev = W^T dZ.
    """
    A_prev, W, b = _linear_cache(cache)
    dZ = as_matrix(dZ, "dZ", rows=W.shape[0], cols=A_prev.shape[1], what="(n[l], m), like Z")
    return layers.linear_backward(dZ, (A_prev, W, b))


def linear_activation_backward(dA, cache, activation: str):
    """Backward through g then the linear step; cache = (linear_cache, Z). Returns (dA_prev, dW, db)."""
    activation = _activation(activation)
    linear_cache, Z = _activation_cache(cache)
    dZ = relu_backward(dA, Z) if activation == "relu" else sigmoid_backward(dA, Z)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches) -> dict:
    """Gradients of the cross-entropy cost: {"dW{l}", "db{l}" for l = 1..L, "dA{l}" for l = 0..L-1}.

    dAL = -(Y / AL - (1 - Y) / (1 - AL)); layer L is sigmoid, layers L-1..1 ReLU.
    """
    AL = as_matrix(AL, "AL", rows=1, what="(1, m)")
    Y = as_labels(Y, "Y", m=AL.shape[1])
    L = check_caches(caches, AL)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    dZL = layers.sigmoid_backward(dAL, caches[-1][1])
    return network.backward(dZL, caches, network.stack(HIDDEN_LAYER, OUTPUT_LAYER, L))


def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """One gradient-descent step W{l} -= learning_rate dW{l}, b{l} -= learning_rate db{l}; a new dict."""
    L = parameters_dict(parameters)
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict with keys 'dW1', 'db1', ..., got {type(grads).__name__}.")
    updated = {}
    for l in range(1, L + 1):
        for key in (f"W{l}", f"b{l}"):
            if "d" + key not in grads:
                raise KeyError(f"grads is missing 'd{key}'.")
            updated[key] = parameters[key] - learning_rate * grads["d" + key]
    return updated


def L_layer_model(X, Y, layer_dims, learning_rate: float = 0.1, num_iterations: int = 1000, seed: int = 1,
                  print_cost: bool = False, print_every: int = 100):
    """Train the L-layer network by batch gradient descent from He initialisation.

    Returns (parameters, costs) with costs[i] the cost before the i-th update (num_iterations floats).
    """
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_labels(Y, "Y", m=X.shape[1])
    dims = layer_dims_list(layer_dims)
    if dims[0] != X.shape[0] or dims[-1] != Y.shape[0]:
        raise ValueError(f"layer_dims {dims} must start with n_x = {X.shape[0]} and end with n_y = {Y.shape[0]}.")
    num_iterations = positive_int(num_iterations, "num_iterations")
    parameters = initialize_parameters_deep(dims, seed=seed)
    costs = []
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        costs.append(compute_cost(AL, Y))
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % print_every == 0 or i == num_iterations - 1):
            print(f"Cost after iteration {i}: {costs[-1]:.6f}")
    return parameters, costs


def train(parameters: dict, X, Y, learning_rate: float, num_iterations: int):
    """Gradient descent from the given parameters (any initialisation). Returns (parameters, costs)."""
    parameters_dict(parameters)
    costs = []
    for _ in range(positive_int(num_iterations, "num_iterations")):
        AL, caches = L_model_forward(X, parameters)
        costs.append(compute_cost(AL, Y))
        parameters = update_parameters(parameters, L_model_backward(AL, Y, caches), learning_rate)
    return parameters, costs


def predict(parameters: dict, X):
    """Class 1 where the network's probability AL > 0.5. Returns (1, m) float 0/1."""
    AL, _ = L_model_forward(X, parameters)
    return (AL > 0.5).astype(np.float64)


def gradient_check(cost_fn, parameters: dict, grads: dict, epsilon: float = 1e-7) -> float:
    """||g_approx - g|| / (||g_approx|| + ||g||) over all parameters, g_approx by two-sided differences.

    cost_fn: parameters -> float. grads: {"dW1", "db1", ...} (extra keys such as "dA1" are ignored).
    """
    if not callable(cost_fn):
        raise TypeError("cost_fn must be a function parameters -> float.")
    if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or not epsilon > 0:
        raise ValueError(f"epsilon must be a positive number, got {epsilon!r}.")
    parameters_dict(parameters)
    return gradcheck.gradient_check(cost_fn, parameters, grads, float(epsilon))


def layer_statistics(X, parameters: dict, dA_top=None):
    """Forward then backward through a stack of ReLU layers only (no output unit, no cost).

    Returns (activation_std, gradient_norm): lists over l = 1..L of std(A{l}) and of the root mean
    square of dA{l-1}, the gradient arriving at layer l's input when dA_top (default: standard normal
    values from default_rng(0)) is sent back from the last layer. Shows vanishing / exploding signals.
    """
    L = parameters_dict(parameters)
    X = as_matrix(X, "X", rows=parameters["W1"].shape[1], what="(n_x, m)")
    relu_layers = [HIDDEN_LAYER] * L
    A, caches = network.forward(X, parameters, relu_layers)
    activations = [cache[0][0] for cache in caches[1:]] + [A]        # A{l} is layer l+1's A_prev
    stds = [float(np.std(A_l)) for A_l in activations]
    if dA_top is None:
        dA = np.random.default_rng(0).standard_normal(A.shape)
    else:
        dA = as_matrix(dA_top, "dA_top", rows=A.shape[0], cols=A.shape[1], what="(n[L], m), like A{L}")
    grads = network.backward(dA, caches, relu_layers)
    norms = [float(np.sqrt(np.mean(grads[f"dA{l - 1}"] ** 2))) for l in range(1, L + 1)]
    return stds, norms


def check_caches(caches, AL, made_by: str = "L_model_forward") -> int:
    """Check the caches of a forward pass that output AL: (n[L], m): one ((A_prev, W, b), Z) per layer, as
    `made_by` returns them, numpy arrays with A_prev: (n[l-1], m), W: (n[l], n[l-1]), Z: (n[l], m) and
    Z of the last layer shaped like AL. Returns L.

    The backward passes check their caches once with this, then go through the layers unchecked."""
    if not isinstance(caches, (list, tuple)) or not caches:
        raise TypeError(f"caches must be the non-empty list returned by {made_by}, one cache per layer.")
    m, n_prev = AL.shape[1], None
    for l, cache in enumerate(caches, start=1):
        try:
            (A_prev, W, b), Z = cache
            fits = (A_prev.shape == (W.shape[1], m) and Z.shape == (W.shape[0], m)
                    and n_prev in (None, W.shape[1]) and b.ndim == 2)
        except (TypeError, ValueError, AttributeError, IndexError):
            raise TypeError(f"caches[{l - 1}] must be layer {l}'s cache ((A_prev, W, b), Z) of numpy arrays, as "
                            f"{made_by} returns it.") from None
        if not fits:
            raise ValueError(f"caches[{l - 1}]: A_prev {A_prev.shape}, W {W.shape} and Z {Z.shape} are not layer {l} "
                             f"of a network whose output AL is {AL.shape}: A_prev (n[l-1], m), W (n[l], n[l-1]), "
                             f"Z (n[l], m).")
        n_prev = W.shape[0]
    if Z.shape != AL.shape:
        raise ValueError(f"AL has shape {AL.shape} but the last layer's Z has {Z.shape}: AL and caches must come "
                         f"from the same call of {made_by}.")
    return len(caches)


def _activation(activation) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be 'relu' or 'sigmoid', got {activation!r}.")
    return activation


def _same_shape(dA, dA_name, Z, Z_name):
    Z = np.asarray(Z, dtype=np.float64)
    dA = np.asarray(dA, dtype=np.float64)
    if dA.shape != Z.shape:
        raise ValueError(f"{dA_name} has shape {dA.shape} but {Z_name} has {Z.shape}: they must be equal.")
    return dA, Z


def _linear_cache(cache):
    if not isinstance(cache, (tuple, list)) or len(cache) != 3:
        raise TypeError("a linear cache must be the tuple (A_prev, W, b) returned by linear_forward.")
    A_prev, W, b = cache
    W = as_matrix(W, "W (cache[1])", what="(n[l], n[l-1])")
    A_prev = as_matrix(A_prev, "A_prev (cache[0])", rows=W.shape[1], what="(n[l-1], m)")
    b = as_matrix(b, "b (cache[2])", rows=W.shape[0], cols=1, what="(n[l], 1)")
    return A_prev, W, b


def _activation_cache(cache):
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        raise TypeError("a layer's cache must be the tuple (linear_cache, Z) returned by linear_activation_forward.")
    return cache
