"""Composed exercises are graded on their own (issue 15): a check runs the student's composed
function with the reference building blocks in place of the student's, and the success line is
followed by a note naming the building block to fix first when the student's own blocks break
the composition.

Each case builds a notebook-like namespace (a module whose globals hold the student's functions,
as a kernel's do) from source text, so that `names_replaced` acts on it as it does in a notebook.
"""
from __future__ import annotations

import inspect
import types

import pytest

from helpers.checks import ExerciseFailure
from helpers.checks import deep as deep_checks
from helpers.checks import dropout as dropout_checks
from helpers.checks import shallow as shallow_checks
from solutions import shallow as solutions_shallow

SHALLOW = inspect.getsource(solutions_shallow)      # the independent solution, as notebook cells

DEEP = '''
import numpy as np
from helpers.deep import sigmoid

def relu(Z):
    return np.maximum(0, Z)

def relu_backward(dA, Z):
    return dA * (Z > 0)

def sigmoid_backward(dA, Z):
    s = sigmoid(Z)
    return dA * s * (1 - s)

def linear_forward(A_prev, W, b):
    return W @ A_prev + b, (A_prev, W, b)

def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = relu(Z) if activation == "relu" else sigmoid(Z)
    return A, (linear_cache, Z)

def L_model_forward(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [cache]

def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m

def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    dZ = relu_backward(dA, Z) if activation == "relu" else sigmoid_backward(dA, Z)
    return linear_backward(dZ, linear_cache)

def L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(dA, caches[L - 1], "sigmoid")
    for l in range(L - 1, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], "relu")
    return grads
'''

DROPOUT = '''
import numpy as np
from helpers.deep import linear_activation_backward, linear_activation_forward, linear_backward

def dropout_forward(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob, D

def dropout_backward(dA, D, keep_prob):
    return dA * D / keep_prob

def L_model_forward_with_dropout(X, parameters, keep_probs, rng):
    L = len(parameters) // 2
    keep_probs = [keep_probs] * (L - 1) if np.isscalar(keep_probs) else keep_probs
    caches, A = [], X
    for l in range(1, L):
        A, layer_cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        A, D = dropout_forward(A, keep_probs[l - 1], rng)
        caches.append((layer_cache, D))
    AL, layer_cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [(layer_cache, None)]

def L_model_backward_with_dropout(AL, Y, caches, keep_probs):
    L, grads = len(caches), {}
    keep_probs = [keep_probs] * (L - 1) if np.isscalar(keep_probs) else keep_probs
    (linear_cache, _), _ = caches[L - 1]
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y, linear_cache)
    for l in range(L - 1, 0, -1):
        layer_cache, D = caches[l - 1]
        dA = dropout_backward(dA, D, keep_probs[l - 1])
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, layer_cache, "relu")
    return grads
'''

L_LAYER_MODEL = '''
def initialize_parameters_deep(layer_dims, seed=3):
    rng, shapes = np.random.default_rng(seed), list(zip(layer_dims[1:], layer_dims[:-1]))
    weights = [rng.standard_normal(shape) * (2 / shape[1]) ** 0.5 for shape in shapes]
    return {key: value for l, (W, (n, _)) in enumerate(zip(weights, shapes), start=1)
            for key, value in ((f"W{l}", W), (f"b{l}", np.zeros((n, 1))))}

def compute_cost(AL, Y):
    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))

def update_parameters(parameters, grads, learning_rate):
    return {k: v - learning_rate * grads["d" + k] for k, v in parameters.items()}

def L_layer_model(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    parameters, costs = initialize_parameters_deep(layer_dims, seed=seed), []
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        costs.append(compute_cost(AL, Y))
        parameters = update_parameters(parameters, L_model_backward(AL, Y, caches), learning_rate)
    return parameters, costs
'''

MC_DROPOUT = '''
def mc_dropout_predict(parameters, X, keep_probs, rng, n_samples):
    return sum(L_model_forward_with_dropout(X, parameters, keep_probs, rng)[0] for _ in range(n_samples)) / n_samples
'''

STUB = '''
def {name}(*args, **kwargs):
    raise NotImplementedError()
'''


def notebook(source: str, *redefinitions: str) -> types.ModuleType:
    """A module standing for a kernel: the student's functions, then any cells run again with
    other answers (later definitions win, as in a notebook)."""
    module = types.ModuleType("__main__")
    for text in (source, *redefinitions):
        exec(compile(text, "<cell>", "exec"), module.__dict__)
    return module


# (check, the composed exercise, notebook source, a broken building block, its name)
CASES = [
    (shallow_checks.check_forward_propagation, "forward_propagation", SHALLOW,
     "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n", "sigmoid"),
    (shallow_checks.check_nn_model, "nn_model", SHALLOW,
     "def update_parameters(parameters, grads, learning_rate):\n"
     "    return {k: v + learning_rate * grads['d' + k] for k, v in parameters.items()}\n", "update_parameters"),
    (shallow_checks.check_nn_model, "nn_model", SHALLOW,
     "def initialize_parameters(n_x, n_h, n_y, seed=2):\n"
     "    return {'W1': np.zeros((n_h, n_x)), 'b1': np.zeros((n_h, 1)), 'W2': np.zeros((n_y, n_h)),"
     " 'b2': np.zeros((n_y, 1))}\n", "initialize_parameters"),
    (shallow_checks.check_predict, "predict", SHALLOW, STUB.format(name="forward_propagation"),
     "forward_propagation"),
    (deep_checks.check_linear_activation_forward, "linear_activation_forward", DEEP,
     "def relu(Z):\n    return np.max(Z, 0)\n", "relu"),
    (deep_checks.check_L_model_forward, "L_model_forward", DEEP,
     "def linear_forward(A_prev, W, b):\n    return W @ A_prev, (A_prev, W, b)\n",
     "linear_forward"),                  # called through linear_activation_forward, which is right
    (deep_checks.check_linear_activation_backward, "linear_activation_backward", DEEP,
     "def linear_backward(dZ, cache):\n    A_prev, W, b = cache\n"
     "    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)\n", "linear_backward"),
    (deep_checks.check_L_model_backward, "L_model_backward", DEEP, STUB.format(name="relu_backward"),
     "relu_backward"),
    (deep_checks.check_L_layer_model, "L_layer_model", DEEP + L_LAYER_MODEL, STUB.format(name="sigmoid_backward"),
     "sigmoid_backward"),
    (deep_checks.check_linear_activation_backward, "linear_activation_backward", DEEP,
     STUB.format(name="relu_backward"), "relu_backward"),
    (dropout_checks.check_L_model_forward_with_dropout, "L_model_forward_with_dropout", DROPOUT,
     "def dropout_forward(A, keep_prob, rng):\n    D = rng.random(A.shape) < keep_prob\n    return A * D, D\n",
     "dropout_forward"),
    (dropout_checks.check_L_model_backward_with_dropout, "L_model_backward_with_dropout", DROPOUT,
     STUB.format(name="dropout_backward"), "dropout_backward"),
    (dropout_checks.check_mc_dropout_predict, "mc_dropout_predict", DROPOUT + MC_DROPOUT,
     "def dropout_forward(A, keep_prob, rng):\n    D = rng.random(A.shape) < keep_prob\n    return A * D, D\n",
     "dropout_forward"),                 # called through L_model_forward_with_dropout, which is right
]
IDS = [f"{exercise}:{block}" for _, exercise, _, _, block in CASES]


@pytest.mark.parametrize("check, exercise, source, broken, block", CASES, ids=IDS)
def test_a_right_composition_passes_without_a_note(check, exercise, source, broken, block, capsys):
    check(getattr(notebook(source), exercise))
    out = capsys.readouterr()
    assert f"\u2714 {exercise}: all tests passed." in out.out and "Note" not in out.out
    assert out.err == ""


@pytest.mark.parametrize("check, exercise, source, broken, block", CASES, ids=IDS)
def test_a_broken_building_block_costs_only_its_own_exercise(check, exercise, source, broken, block, capsys):
    """The composed exercise passes (it is graded with the reference blocks), and a note names the
    student's block that breaks it; nothing goes to stderr (nbgrader would score the cell 0)."""
    kernel = notebook(source, broken)
    check(getattr(kernel, exercise))
    out = capsys.readouterr()
    assert f"\u2714 {exercise}: all tests passed." in out.out
    assert f"because of your `{block}`: fix `{block}` first" in out.out
    assert out.err == ""
    own = [f for f in vars(kernel).values() if isinstance(f, types.FunctionType)]
    assert own and all(f.__code__.co_filename == "<cell>" for f in own if f.__module__ == "__main__")
    assert getattr(kernel, block).__code__.co_filename == "<cell>"      # the student's own block is back


def test_a_wrong_composition_still_fails_with_the_reference_blocks():
    """nn_model that never assigns the update back fails, whatever its blocks are."""
    never_assigned = SHALLOW.replace("        parameters = update_parameters(parameters, grads, learning_rate)",
                                     "        update_parameters(parameters, grads, learning_rate)")
    assert never_assigned != SHALLOW
    kernel = notebook(never_assigned, STUB.format(name="update_parameters"))
    with pytest.raises(ExerciseFailure, match="never changed"):
        shallow_checks.check_nn_model(kernel.nn_model)


def test_blocks_that_break_the_composition_only_together_are_named_together(capsys):
    """No block alone breaks the composition, and no reference alone repairs it: the note names
    them all."""
    from helpers.checks.core import graded_on_its_own

    kernel = notebook("def composed():\n    return a() + b() + c()\n")
    kernel.a, kernel.b, kernel.c = (lambda: 2), (lambda: 2), (lambda: 2)     # 6: wrong; one reference: 5, wrong

    def run():
        if kernel.composed() not in (3, 4):                                  # one student's block alone: 4, right
            raise ExerciseFailure("wrong")

    graded_on_its_own(kernel.composed, "composed", {"a": lambda: 1, "b": lambda: 1, "c": lambda: 1}, run)
    out = capsys.readouterr().out
    assert "\u2714 composed: all tests passed." in out
    assert "because of your building blocks `a`, `b`, `c` together" in out
