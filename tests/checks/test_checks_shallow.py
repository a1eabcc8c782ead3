"""The checks of notebook 01: the right answer passes, and each typical mistake fails with a
message that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import shallow as ref
from helpers.checks import shallow as checks
from mistakes import assert_named_mistake, fails_with, over_mistakes


# The right answers (tests/support/solutions/shallow.py) and the named mistakes of the table are fed in by
# tests/checks/test_exercises.py; here: the mistakes that the generic diagnoses name, and the checks
# written as code (initialize_parameters, nn_model).


# --- the typical mistakes, one function each -------------------------------------------------

def sigmoid_math_exp(z):
    return 1 / (1 + math.exp(-z))


def init_unscaled(n_x, n_h, n_y, seed=2):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((n_h, n_x)), "b1": np.zeros((n_h, 1)),
            "W2": rng.standard_normal((n_y, n_h)), "b2": np.zeros((n_y, 1))}


def init_zeros(n_x, n_h, n_y, seed=2):
    return {"W1": np.zeros((n_h, n_x)), "b1": np.zeros((n_h, 1)), "W2": np.zeros((n_y, n_h)), "b2": np.zeros((n_y, 1))}


def init_global_state(n_x, n_h, n_y, seed=2):
    return {"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}


def init_legacy_seed(n_x, n_h, n_y, seed=2):
    np.random.seed(seed)
    return {"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}


def init_w2_drawn_first(n_x, n_h, n_y, seed=2):
    rng = np.random.default_rng(seed)
    W2 = rng.standard_normal((n_y, n_h)) * 0.01
    W1 = rng.standard_normal((n_h, n_x)) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def init_uniform(n_x, n_h, n_y, seed=2):
    rng = np.random.default_rng(seed)
    return {"W1": rng.random((n_h, n_x)) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": rng.random((n_y, n_h)) * 0.01, "b2": np.zeros((n_y, 1))}


def forward_returns_A2_only(X, p):
    return ref.forward_propagation(X, p)[0]


def cost_without_minus(A2, Y):
    return float(np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / Y.shape[1])


def cost_as_array(A2, Y):
    return -(Y @ np.log(A2).T + (1 - Y) @ np.log(1 - A2).T) / Y.shape[1]


def _backward(parameters, cache, X, Y, *, dz1_factor=None, use_dW2=False, db_axis=1, keepdims=True,
              scale=True, dW2_with_A2=False, sign=1):
    m = X.shape[1]
    A1, A2, W2 = cache["A1"], cache["A2"], parameters["W2"]
    dZ2 = sign * (A2 - Y)
    dW2 = dZ2 @ (A2 if dW2_with_A2 else A1).T / m
    db2 = np.sum(dZ2, axis=db_axis, keepdims=keepdims) / m
    derivative = (1 - A1 ** 2) if dz1_factor is None else dz1_factor(A1)
    dZ1 = ((dW2 if use_dW2 else W2).T @ dZ2) * derivative
    dW1 = dZ1 @ X.T / (m if scale else 1)
    db1 = np.sum(dZ1, axis=db_axis, keepdims=keepdims) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _update(parameters, grads, learning_rate, *, sign=-1, skip_b=False, use_lr=True):
    rate = learning_rate if use_lr else 1.0
    return {k: v if (skip_b and k.startswith("b")) else v + sign * rate * grads["d" + k] for k, v in parameters.items()}


def nn_model_ignores_seed(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2, print_cost=False):
    return ref.nn_model(X, Y, n_h, num_iterations, learning_rate, seed=2)


def nn_model_no_costs(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2, print_cost=False):
    return ref.nn_model(X, Y, n_h, num_iterations, learning_rate, seed=seed)[0], []


def nn_model_never_updates(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2, print_cost=False):
    parameters = ref.initialize_parameters(X.shape[0], n_h, 1, seed=seed)
    costs = []
    for _ in range(num_iterations):
        A2, cache = ref.forward_propagation(X, parameters)
        costs.append(ref.compute_cost(A2, Y))
        ref.update_parameters(parameters, ref.backward_propagation(parameters, cache, X, Y), learning_rate)
    return parameters, costs


def nn_model_one_step(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2, print_cost=False):
    parameters, costs = ref.nn_model(X, Y, n_h, 1, learning_rate, seed=seed)
    return parameters, costs * num_iterations


def nn_model_costs_backwards(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2, print_cost=False):
    parameters, costs = ref.nn_model(X, Y, n_h, num_iterations, learning_rate, seed=seed)
    return parameters, costs[::-1]


def predict_flat(parameters, X):
    return ref.predict(parameters, X).ravel()


MISTAKES = [
    (checks.check_sigmoid, sigmoid_math_exp, "Use np.exp / np.log"),
    (checks.check_initialize_parameters, init_unscaled, "100 times too large"),
    (checks.check_initialize_parameters, init_zeros, "symmetry"),
    (checks.check_initialize_parameters, init_global_state, "global np.random state"),
    (checks.check_initialize_parameters, init_legacy_seed, "legacy"),
    (checks.check_forward_propagation, forward_returns_A2_only, "tuple (A2, cache)"),
    (checks.check_compute_cost, cost_without_minus, "opposite sign"),
    (checks.check_compute_cost, cost_as_array, "Python float"),
    (checks.check_backward_propagation, lambda *a: _backward(*a, scale=False), "times too large: did you forget the 1/m"),
    (checks.check_backward_propagation, lambda *a: _backward(*a, keepdims=False), "keepdims=True"),
    (checks.check_backward_propagation, lambda *a: _backward(*a, sign=-1), "opposite sign"),
    (checks.check_update_parameters, lambda *a: _update(*a, skip_b=True), "b1 was not updated"),
    (checks.check_nn_model, nn_model_ignores_seed, "Pass the seed"),
    (checks.check_nn_model, nn_model_no_costs, "one cost per iteration"),
    (checks.check_nn_model, nn_model_never_updates, "never changed"),
    (checks.check_nn_model, nn_model_one_step, "Only one gradient step"),
    (checks.check_nn_model, nn_model_costs_backwards, "it should decrease"),
    (checks.check_predict, predict_flat, "1-D"),
]


@over_mistakes(MISTAKES)
def test_typical_mistake_is_named(check, answer, phrase):
    fails_with(check, answer, phrase)


WRONG_DRAWS = [
    (checks.check_initialize_parameters, init_w2_drawn_first, "initialize_parameters.w2-drawn-first",
     "Draw W1 first"),
    (checks.check_initialize_parameters, init_uniform, "initialize_parameters.uniform-not-normal",
     "not rng.random (uniform"),
]


@pytest.mark.parametrize("check, answer, mistake, phrase", WRONG_DRAWS, ids=[m for _, _, m, _ in WRONG_DRAWS])
def test_wrong_draws_have_their_identifier(check, answer, mistake, phrase):
    failure = assert_named_mistake(check, answer, mistake)
    assert phrase in str(failure)


# --- the challenge: sigmoid, tanh and ReLU as hidden activations -------------------------------------

def test_hidden_activation_of_the_reference_network_defaults_to_tanh():
    """helpers.shallow's `hidden` argument: "tanh" is notebook 01's network, bit for bit."""
    from helpers.data import load_planar_flower

    X, Y = load_planar_flower(m=40, seed=0)
    tanh_by_name, _ = ref.nn_model(X, Y, 3, num_iterations=20, hidden="tanh")
    tanh_by_function, _ = ref.nn_model(X, Y, 3, num_iterations=20,
                                       hidden=lambda Z: (np.tanh(Z), 1 - np.tanh(Z) ** 2))
    default, _ = ref.nn_model(X, Y, 3, num_iterations=20)
    relu, _ = ref.nn_model(X, Y, 3, num_iterations=20, hidden="relu")
    for key in default:
        assert np.array_equal(default[key], tanh_by_name[key])
        assert np.allclose(default[key], tanh_by_function[key], rtol=1e-12)
    assert not np.allclose(default["W1"], relu["W1"])
    with pytest.raises(ValueError, match="hidden"):
        ref.nn_model(X, Y, 3, num_iterations=1, hidden="softmax")
