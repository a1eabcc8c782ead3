"""Pieces the checks of several notebooks share about networks: random parameters and labels made
so that every term of a formula matters, the compared outputs of a dict of parameters or gradients,
and small checks wrapped around the engine's (an argument left unchanged, a crash's hint).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .core import (ExerciseFailure, Mistake, copy_inputs, expect_array, expect_keys, expect_tuple, fail, same_array,
                   student_call)
from .engine import Out


def layer_parameters(rng, dims, scale=1.0):
    """W{l}: (n[l], n[l-1]) of moderate scale and b{l}: (n[l], 1) non-zero (both times `scale`), so that
    every term of a formula matters and no unit saturates."""
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1]) * scale
        parameters[f"b{l}"] = rng.uniform(0.1, 0.6, (dims[l], 1)) * scale
    return parameters


def network(rng, dims, m, scale=1.0, centred=None):
    """(parameters, X: (n[0], m)): layer_parameters, then standard normal inputs. centred=(forward, average): the
    output layer's bias moved so that average(ZL) = 0, forward(X, parameters) -> (AL, caches) with ZL last in caches
    (the output's scores of both signs, predictions of both classes)."""
    parameters = layer_parameters(rng, dims, scale)
    X = rng.standard_normal((dims[0], m))
    if centred is not None:
        forward, average = centred
        L = len(dims) - 1
        parameters[f"b{L}"] = parameters[f"b{L}"] - average(forward(X, parameters)[1][-1][1])
    return parameters, X


def labels(rng, m):
    """(1, m) labels 0/1 with both classes present whatever the seed."""
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    Y[0, :2] = [0.0, 1.0]
    return Y


class ParameterDict(dict):
    """A batch-norm network's parameters dict whose missing b{l} says why it is missing."""

    def __missing__(self, key):
        if isinstance(key, str) and key.startswith("b") and key[1:].isdigit():
            raise KeyError(f"{key!r}: a batch-normalised hidden layer has no bias (beta{key[1:]} replaces it): "
                           f"Z = W A_prev, then batch norm; only the output layer has a b")
        raise KeyError(key)


def bn_parameters(rng, dims, gain=1.0):
    """A batch-norm network's parameters (W{l}: (n[l], n[l-1]) times gain / sqrt(n[l-1]), gamma{l},
    beta{l}: (n[l], 1) for the hidden layers, bL: (n[L], 1)) with gamma != 1, beta != 0 and bL != 0, so
    that all of them matter."""
    L = len(dims) - 1
    parameters = ParameterDict()
    for l in range(1, L + 1):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * (gain / np.sqrt(dims[l - 1]))
        if l < L:
            parameters[f"gamma{l}"] = rng.uniform(0.5, 1.5, (dims[l], 1))
            parameters[f"beta{l}"] = rng.uniform(-0.5, 0.5, (dims[l], 1))
    parameters[f"b{L}"] = rng.uniform(-0.3, 0.3, (dims[L], 1))
    return parameters


def parameter_outputs(layer_dims, grads=False) -> tuple:
    """The compared values of a dict of parameters (updated W1, b1, ...) or of gradients (dW_L, db_L
    down to dW1, db1, "m times too large" applying), one pair per layer of layer_dims."""
    L = len(layer_dims) - 1
    outputs = []
    for l in (range(L, 0, -1) if grads else range(1, L + 1)):
        for p, layout in (("W", f"(n[{l}], n[{l - 1}]), like W{l}"), ("b", f"(n[{l}], 1), like b{l}")):
            key = ("d" if grads else "") + p + str(l)
            outputs.append(Out(f"grads['{key}']" if grads else f"updated {key}", (key,), layout, per_example=grads))
    return tuple(outputs)


def gradients_dict(name, result):
    """A dict of gradients dW1, db1, ... (layers count from 1)."""
    if not isinstance(result, dict):
        fail(f"{name} must return a dict of gradients with keys 'dW1', 'db1', ..., got {type(result).__name__}.",
             f"{name}.grads-not-dict")
    if "dW0" in result:
        fail("grads has a key 'dW0': layers are numbered from 1, so the gradients are dW1..dW{L}; layer l's cache "
             "is caches[l - 1] (keys built from a 0-based loop index are one off).",
             f"{name}.layers-from-zero")


@dataclass(frozen=True)
class Unchanged:
    """An extra (or a check run before the others): `name`, called again on fresh inputs, must leave each argument
    of `arguments`, (position, message, mistake id) triples, as it was (an array, or a dict of arrays). A value,
    not a closure, so that the student edition can store it (helpers.checks.tape)."""
    name: str
    arguments: tuple

    def __call__(self, fn, result, inputs):
        given = copy_inputs(inputs.args)
        student_call(fn, self.name, *given)
        for position, message, mistake in self.arguments:
            before, after = inputs.args[position], given[position]
            pairs = [(after.get(k), v) for k, v in before.items()] if isinstance(before, dict) else [(after, before)]
            if not all(np.array_equal(new, old) for new, old in pairs):
                fail(message, mistake)


def unchanged(name: str, *arguments) -> Unchanged:
    """Unchanged(name, arguments): the check that `name` leaves those arguments as they were."""
    return Unchanged(name, tuple(tuple(argument) for argument in arguments))


def with_crash_hint(check_fn, words, hint: str, mistake: str = ""):
    """check_fn, adding `hint` to a crash of the student's function whose message holds one of `words`."""
    @functools.wraps(check_fn)
    def checked(fn, **case):
        try:
            check_fn(fn, **case)
        except ExerciseFailure as failure:
            if failure.mistake or not any(word in str(failure) for word in words):
                raise
            fail(f"{failure} {hint}", mistake)
    return checked


def expect_training_run(name, result, keys, num_iterations, initial, expected, variants) -> list[float]:
    """What the checks of a training run (nn_model, L_layer_model) share: `result` must be (parameters, costs), the
    parameters holding `keys`, moved away from `initial` to the `expected` trained ones, and one cost per iteration.
    variants: [(id, hint, the parameters that mistake trains)], each id written in full ("nn_model.seed-not-passed").
    Returns the costs as floats."""
    parameters, costs = expect_tuple(name, result, 2, "a tuple (parameters, costs)")
    expect_keys("parameters", parameters, keys)
    if not hasattr(costs, "__len__") or len(costs) != num_iterations:
        got = len(costs) if hasattr(costs, "__len__") else type(costs).__name__
        fail(f"costs must hold one cost per iteration ({num_iterations}), got {got}: append the cost in every "
             f"iteration.", f"{name}.costs-not-per-iteration")
    if all(same_array(parameters[k], initial[k]) for k in keys):
        fail("The parameters never changed: assign the result of update_parameters back, "
             "parameters = update_parameters(parameters, grads, learning_rate).",
             f"{name}.parameters-not-updated")
    for key in keys:
        expect_array(f"trained {key}", parameters[key], expected[key], rtol=1e-5, atol=1e-7,
                     mistakes=[Mistake(hint, trained[key], id=id_) for id_, hint, trained in variants])
    return [float(cost) for cost in costs]
