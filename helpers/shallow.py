"""Reference implementation of notebook 01: a shallow network (tanh hidden layer, sigmoid output).

The hidden activation is tanh unless `hidden` says otherwise (notebook 01's challenge compares
sigmoid, tanh and ReLU): a name of HIDDEN_ACTIVATIONS, or a function Z -> (g(Z), g'(Z)).

Shapes (examples are columns):
    X: (n_x, m)   W1: (n_h, n_x)   b1: (n_h, 1)   Z1, A1: (n_h, m)
    Y: (1, m)     W2: (n_y, n_h)   b2: (n_y, 1)   Z2, A2: (n_y, m)

The checks compare students' answers with these functions, and later notebooks may use them.
"""
from __future__ import annotations

import numpy as np

from .data import load_planar_flower, train_dev_test_split
from .validation import as_labels, as_matrix, parameters_dict, positive_int


def sigmoid(z):
    """Element-wise logistic function 1 / (1 + e^-z); works on scalars and arrays."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")


def activation_and_derivative(Z, name: str):
    """g(Z) and its slope g'(Z), element-wise, both of Z's shape, for the hidden activation `name`:
    "sigmoid" (slope s (1 - s)), "tanh" (1 - tanh^2) or "relu" (1 where Z > 0, 0 elsewhere, Z = 0 included)."""
    Z = np.asarray(Z, dtype=np.float64)
    if name == "sigmoid":
        s = sigmoid(Z)
        return s, s * (1 - s)
    if name == "tanh":
        t = np.tanh(Z)
        return t, 1 - t ** 2
    if name == "relu":
        return np.maximum(0, Z), (Z > 0).astype(np.float64)
    raise ValueError(f"the hidden activation must be one of {HIDDEN_ACTIVATIONS}, got {name!r}")


def _hidden(hidden):
    """The function Z -> (g(Z), g'(Z)) that `hidden` names (or is)."""
    if callable(hidden):
        return hidden
    if hidden not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"hidden must be one of {HIDDEN_ACTIVATIONS} or a function Z -> (A, dA_dZ), got {hidden!r}")
    return lambda Z: activation_and_derivative(Z, hidden)


def initialize_parameters(n_x: int, n_h: int, n_y: int, seed: int = 2) -> dict:
    """W1, W2 ~ 0.01 * N(0, 1) (drawn in that order from default_rng(seed)); b1, b2 zeros."""
    n_x, n_h, n_y = (positive_int(n, name) for n, name in ((n_x, "n_x"), (n_h, "n_h"), (n_y, "n_y")))
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((n_h, n_x)) * 0.01
    W2 = rng.standard_normal((n_y, n_h)) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def forward_propagation(X, parameters: dict, hidden="tanh"):
    """Returns A2: (n_y, m) and cache {"Z1", "A1", "Z2", "A2"}."""
    parameters_dict(parameters)
    X = as_matrix(X, "X", rows=parameters["W1"].shape[1], what="(n_x, m)")
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1) if hidden == "tanh" else _hidden(hidden)(Z1)[0]
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2, Y) -> float:
    """Binary cross-entropy -(1/m) sum(Y log A2 + (1 - Y) log(1 - A2)), as a Python float."""
    A2 = as_matrix(A2, "A2", rows=1, what="(1, m)")
    Y = as_labels(Y, "Y", m=A2.shape[1])
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)


def backward_propagation(parameters: dict, cache: dict, X, Y, hidden="tanh") -> dict:
    """Gradients of the cost: {"dW1", "db1", "dW2", "db2"} with the shapes of the parameters."""
    X = as_matrix(X, "X", what="(n_x, m)")
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    slope = 1 - A1 ** 2 if hidden == "tanh" else _hidden(hidden)(cache["Z1"])[1]
    dZ1 = (parameters["W2"].T @ dZ2) * slope
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """One gradient-descent step, theta := theta - learning_rate * d theta; returns a new dict."""
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}


def nn_model(X, Y, n_h: int, num_iterations: int = 10000, learning_rate: float = 1.2, seed: int = 2,
             print_cost: bool = False, hidden="tanh"):
    """Train the shallow network by batch gradient descent.

    Returns (parameters, costs) with costs[i] the cost before the i-th update (num_iterations floats).
    """
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_labels(Y, "Y", m=X.shape[1])
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0], seed=seed)
    costs = []
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters, hidden)
        costs.append(compute_cost(A2, Y))
        grads = backward_propagation(parameters, cache, X, Y, hidden)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {costs[-1]:.6f}")
    return parameters, costs


def predict(parameters: dict, X, hidden="tanh"):
    """Class 1 where the network's probability A2 > 0.5. Returns (1, m) float 0/1."""
    A2, _ = forward_propagation(X, parameters, hidden)
    return (A2 > 0.5).astype(np.float64)


def compare_hidden_activations(num_iterations: int = 3000, learning_rate: float = 0.3, seed: int = 2) -> dict:
    """Notebook 01's challenge, measured: the network trained on the flower's training set (section 12's
    split) with sigmoid, tanh and ReLU hidden layers of 4 units, and ReLU with 10.
    Returns {"4 sigmoid": {"train": accuracy, "dev": accuracy, "cost": final cost}, ...}. The student
    edition holds the result, computed when the course is released, not this code."""
    X, Y = load_planar_flower(m=400, seed=1)
    X_train, Y_train, X_dev, Y_dev, _, _ = train_dev_test_split(X, Y, fractions=(0.75, 0.25, 0.0), seed=0)
    comparison = {}
    for n_h, name in ((4, "sigmoid"), (4, "tanh"), (4, "relu"), (10, "relu")):
        trained, costs = nn_model(X_train, Y_train, n_h, num_iterations, learning_rate, seed=seed, hidden=name)
        train, dev = (float(np.mean(predict(trained, X_, hidden=name) == Y_))
                      for X_, Y_ in ((X_train, Y_train), (X_dev, Y_dev)))
        comparison[f"{n_h} {name}"] = {"train": train, "dev": dev, "cost": float(costs[-1])}
    return comparison
