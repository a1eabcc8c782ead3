"""Checks for notebook 01 (shallow network). Each `check_*` takes the student's function, runs it
on fresh inputs (sizes and seed are arguments, so hidden tests use new ones) and raises
ExerciseFailure naming the mistake, or prints a success line.
"""
from __future__ import annotations

import numpy as np

from .. import shallow as ref
from .core import (Mistake, composed_of, expect_array, expect_float, expect_keys, expect_tuple, fail, passed,
                   student_call)

PARAM_KEYS = ("W1", "b1", "W2", "b2")
GRAD_KEYS = ("dW1", "db1", "dW2", "db2")
CACHE_KEYS = ("Z1", "A1", "Z2", "A2")


def _random_parameters(rng, n_x, n_h, n_y=1):
    """Parameters of unit scale with non-zero biases, so that every term of a formula matters."""
    return {"W1": rng.standard_normal((n_h, n_x)), "b1": rng.standard_normal((n_h, 1)),
            "W2": rng.standard_normal((n_y, n_h)), "b2": rng.standard_normal((n_y, 1))}


def _labels(rng, m):
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    Y[0, :2] = [0.0, 1.0]            # both classes present whatever the seed
    return Y


def check_sigmoid(sigmoid, shape=(3, 4), seed=0):
    """sigmoid(z) = 1 / (1 + e^-z), element-wise, for scalars and arrays of any shape."""
    value = student_call(sigmoid, "sigmoid", 0.0)
    expect_float("sigmoid(0)", float(np.squeeze(value)) if np.size(value) == 1 else value, 0.5,
                 mistakes=[Mistake("sigmoid(0) must be 1/(1+e^0) = 0.5.", 0.0, id="sigmoid.sigmoid-must-be-e")])
    z = np.random.default_rng(seed).standard_normal(shape) * 3
    expected = ref.sigmoid(z)
    with np.errstate(over="ignore"):
        mistakes = [
            Mistake("You computed 1/(1 + e^z): the exponent is -z.", 1 / (1 + np.exp(z)), id="sigmoid.you-computed-e-z-the-exponent"),
            Mistake("You computed 1/(1 - e^-z): the denominator is 1 + e^-z.", 1 / (1 - np.exp(-z)), id="sigmoid.you-computed-e-z-the-denominator"),
            Mistake("You computed e^-z/(1 + e^-z) = 1 - sigmoid(z): the numerator is 1.", np.exp(-z) / (1 + np.exp(-z)), id="sigmoid.you-computed-e-z-e-z"),
            Mistake("You returned e^-z: sigmoid is 1 / (1 + e^-z).", np.exp(-z), id="sigmoid.you-returned-e-z-sigmoid-is"),
        ]
    result = student_call(sigmoid, "sigmoid", z)
    expect_array(f"sigmoid(z) for z of shape {shape}", result, expected, mistakes=mistakes,
                 what="(the same shape as z: sigmoid works element-wise)")
    passed("sigmoid")


def check_initialize_parameters(initialize_parameters, n_x=3, n_h=4, n_y=1, seed=2):
    """W small random (0.01 * standard normal, W1 then W2 from default_rng(seed)), b zeros."""
    parameters = student_call(initialize_parameters, "initialize_parameters", n_x, n_h, n_y, seed=seed)
    expect_keys("parameters", parameters, PARAM_KEYS)
    again = student_call(initialize_parameters, "initialize_parameters", n_x, n_h, n_y, seed=seed)
    if isinstance(again, dict) and not all(np.array_equal(again.get(k), parameters[k]) for k in PARAM_KEYS):
        fail("Two calls with the same seed gave different parameters: create rng = np.random.default_rng(seed) "
             "inside the function instead of using the global np.random state.", mistake="initialize_parameters.two-calls-with-the-same-seed")
    expected = ref.initialize_parameters(n_x, n_h, n_y, seed=seed)
    shapes = {"W1": "(n_h, n_x)", "b1": "(n_h, 1)", "W2": "(n_y, n_h)", "b2": "(n_y, 1)"}

    def draws(method, order=("W1", "W2"), scale=0.01):
        rng = np.random.default_rng(seed)
        return {key: getattr(rng, method)(expected[key].shape) * scale for key in order}

    unscaled, swapped, uniform = draws("standard_normal", scale=1.0), draws("standard_normal", ("W2", "W1")), draws("random")
    legacy_state = np.random.RandomState(seed)
    legacy = {key: legacy_state.randn(*expected[key].shape) * 0.01 for key in ("W1", "W2")}
    for key in PARAM_KEYS:
        value = parameters[key]
        mistakes = []
        if key.startswith("W"):
            if isinstance(value, np.ndarray) and value.shape == expected[key].shape and np.allclose(value, 0):
                fail(f"{key} is all zeros. Zero weights make every hidden unit compute the same thing "
                     f"(symmetry is never broken): initialise W randomly, b with zeros.", mistake="initialize_parameters.is-all-zeros-zero-weights-make")
            mistakes = [
                Mistake(f"{key} is 100 times too large: multiply the random values by 0.01 "
                        f"(large weights saturate tanh and slow learning down).", unscaled[key], id="initialize_parameters.is-times-too-large-multiply-the"),
                Mistake("Draw W1 first, then W2, from the same rng.", swapped[key], id="initialize_parameters.draw-first-then-from-the-same"),
                Mistake("Use rng.standard_normal (a normal distribution), not rng.random (uniform on [0, 1)).",
                        uniform[key], id="initialize_parameters.use-rng-standard-normal-a-normal"),
                Mistake("Use rng = np.random.default_rng(seed) and rng.standard_normal, not the legacy "
                        "np.random.seed / np.random.randn (a different generator, and global state).", legacy[key], id="initialize_parameters.use-rng-np-random-default-rng"),
            ]
        expect_array(f"parameters['{key}']", value, expected[key], mistakes=mistakes, what=shapes[key])
    passed("initialize_parameters")


@composed_of(sigmoid=ref.sigmoid)
def check_forward_propagation(forward_propagation, n_x=3, n_h=4, m=5, seed=1):
    """Z1 = W1 X + b1, A1 = tanh(Z1), Z2 = W2 A1 + b2, A2 = sigmoid(Z2)."""
    rng = np.random.default_rng(seed)
    parameters = _random_parameters(rng, n_x, n_h)
    X = rng.standard_normal((n_x, m))
    result = student_call(forward_propagation, "forward_propagation", X, parameters)
    A2, cache = expect_tuple("forward_propagation", result, 2, "a tuple (A2, cache)")
    expect_keys("cache", cache, CACHE_KEYS)
    _, expected = ref.forward_propagation(X, parameters)
    W1, b1, W2, b2 = (parameters[k] for k in PARAM_KEYS)
    expect_array("cache['Z1']", cache["Z1"], expected["Z1"], what="(n_h, m)", mistakes=[
        Mistake("Z1 is missing the bias: Z1 = W1 X + b1.", W1 @ X, id="forward_propagation.is-missing-the-bias-x"),
    ])
    expect_array("cache['A1']", cache["A1"], expected["A1"], what="(n_h, m)", mistakes=[
        Mistake("The hidden layer uses tanh: A1 = np.tanh(Z1), not sigmoid.", ref.sigmoid(expected["Z1"]), id="forward_propagation.the-hidden-layer-uses-tanh-np"),
        Mistake("The hidden layer uses tanh: A1 = np.tanh(Z1), not ReLU.", np.maximum(expected["Z1"], 0), id="forward_propagation.the-hidden-layer-uses-tanh-np-2"),
        Mistake("A1 is Z1: apply the activation, A1 = np.tanh(Z1).", expected["Z1"], id="forward_propagation.is-apply-the-activation-np-tanh"),
    ])
    expect_array("cache['Z2']", cache["Z2"], expected["Z2"], what="(n_y, m)", mistakes=[
        Mistake("Z2 is missing the bias: Z2 = W2 A1 + b2.", W2 @ expected["A1"], id="forward_propagation.is-missing-the-bias"),
        Mistake("Z2 must use A1, the hidden layer's activation, not Z1.", W2 @ expected["Z1"] + b2, id="forward_propagation.must-use-the-hidden-layer-s"),
    ])
    expect_array("cache['A2']", cache["A2"], expected["A2"], what="(n_y, m)", mistakes=[
        Mistake("The output layer uses sigmoid (a probability for binary labels), not tanh.", np.tanh(expected["Z2"]), id="forward_propagation.the-output-layer-uses-sigmoid-a"),
        Mistake("A2 is Z2: apply the sigmoid, A2 = sigmoid(Z2).", expected["Z2"], id="forward_propagation.is-apply-the-sigmoid-sigmoid"),
    ])
    expect_array("A2 (the returned value)", A2, expected["A2"], what="(n_y, m)")


def check_compute_cost(compute_cost, m=5, seed=3):
    """J = -(1/m) sum(Y log A2 + (1 - Y) log(1 - A2)), returned as a float."""
    rng = np.random.default_rng(seed)
    A2 = rng.uniform(0.05, 0.95, (1, m))
    Y = _labels(rng, m)
    expected = ref.compute_cost(A2, Y)
    cost = student_call(compute_cost, "compute_cost", A2, Y)
    positive_only = float(-np.sum(Y * np.log(A2)) / m)
    expect_float("cost", cost, expected, m=m, mistakes=[
        Mistake("You kept only the Y log(A2) term: add (1 - Y) log(1 - A2) for the examples with label 0.",
                positive_only, id="compute_cost.you-kept-only-the-y-log"),
        Mistake("Use the natural logarithm np.log, not np.log10.",
                float(-np.sum(Y * np.log10(A2) + (1 - Y) * np.log10(1 - A2)) / m), id="compute_cost.use-the-natural-logarithm-np-log"),
        Mistake("The two terms are swapped: Y goes with log(A2), (1 - Y) with log(1 - A2).",
                float(-np.sum(Y * np.log(1 - A2) + (1 - Y) * np.log(A2)) / m), id="compute_cost.the-two-terms-are-swapped-y"),
        Mistake(f"The cost is the sum over the examples: average it, multiply by 1/m (m = {m}).", expected * m, id="compute_cost.the-cost-is-the-sum-over"),
    ])
    passed("compute_cost")


def check_backward_propagation(backward_propagation, n_x=3, n_h=4, m=5, seed=4):
    """dZ2 = A2 - Y; dW2 = dZ2 A1^T / m; db2 = sum(dZ2)/m; dZ1 = W2^T dZ2 * (1 - A1^2); dW1 = dZ1 X^T / m; db1."""
    rng = np.random.default_rng(seed)
    parameters = _random_parameters(rng, n_x, n_h)
    X = rng.standard_normal((n_x, m))
    Y = _labels(rng, m)
    _, cache = ref.forward_propagation(X, parameters)
    expected = ref.backward_propagation(parameters, cache, X, Y)
    grads = student_call(backward_propagation, "backward_propagation",
                         parameters, {k: v.copy() for k, v in cache.items()}, X, Y)
    expect_keys("grads", grads, GRAD_KEYS)
    A1, A2, W2 = cache["A1"], cache["A2"], parameters["W2"]
    dZ2 = A2 - Y
    dW2, db2 = expected["dW2"], expected["db2"]
    dZ1_variants = {
        "(1 - A1): tanh'(Z1) = 1 - A1**2 (square A1).": (W2.T @ dZ2) * (1 - A1),
        "A1 * (1 - A1), the sigmoid's derivative: the hidden layer is tanh, whose derivative is 1 - A1**2.":
            (W2.T @ dZ2) * A1 * (1 - A1),
        "dW2.T instead of W2.T: dZ1 = W2^T dZ2 * g'(Z1) (the slide writes dW, a typo).":
            (dW2.T @ dZ2) * (1 - A1 ** 2),
        "no activation derivative: dZ1 = W2^T dZ2 * (1 - A1**2).": W2.T @ dZ2,
    }
    expect_array("grads['dW2']", grads["dW2"], dW2, m=m, what="(n_y, n_h), like W2", mistakes=[
        Mistake("dW2 = (1/m) dZ2 A1^T: use A1, the previous layer's activation (the slide's A[l]^T is a typo).",
                dZ2 @ A2.T / m, id="backward_propagation.m-t-use-the-previous-layer"),
    ])
    expect_array("grads['db2']", grads["db2"], db2, m=m, what="(n_y, 1), like b2", mistakes=[
        Mistake("db2 sums over the wrong axis: examples are columns, use np.sum(dZ2, axis=1, keepdims=True).",
                np.sum(dZ2, axis=0, keepdims=True) / m, id="backward_propagation.sums-over-the-wrong-axis-examples"),
    ])
    dW1_mistakes = [Mistake(f"dW1 is wrong because dZ1 uses {text}", dZ1 @ X.T / m, id="backward_propagation.is-wrong-because-uses")
                    for text, dZ1 in dZ1_variants.items()]
    expect_array("grads['dW1']", grads["dW1"], expected["dW1"], m=m, what="(n_h, n_x), like W1",
                 mistakes=dW1_mistakes + [
                     Mistake("dW1 = (1/m) dZ1 X^T: the input of layer 1 is X, not A1.",
                             (W2.T @ dZ2) * (1 - A1 ** 2) @ A1.T / m, id="backward_propagation.m-x-t-the-input-of"),
                 ])
    db1_mistakes = [Mistake(f"db1 is wrong because dZ1 uses {text}", np.sum(dZ1, axis=1, keepdims=True) / m, id="backward_propagation.is-wrong-because-uses-2")
                    for text, dZ1 in dZ1_variants.items()]
    expect_array("grads['db1']", grads["db1"], expected["db1"], m=m, what="(n_h, 1), like b1", mistakes=db1_mistakes + [
        Mistake("db1 sums over the wrong axis: examples are columns, use np.sum(dZ1, axis=1, keepdims=True).",
                np.sum((W2.T @ dZ2) * (1 - A1 ** 2), axis=0, keepdims=True) / m, id="backward_propagation.sums-over-the-wrong-axis-examples-2"),
    ])
    passed("backward_propagation")


def check_update_parameters(update_parameters, n_x=3, n_h=4, learning_rate=0.7, seed=5):
    """theta := theta - learning_rate * d theta for W1, b1, W2, b2."""
    rng = np.random.default_rng(seed)
    parameters = _random_parameters(rng, n_x, n_h)
    grads = {"d" + k: v for k, v in _random_parameters(rng, n_x, n_h).items()}
    originals = {k: v.copy() for k, v in parameters.items()}
    result = student_call(update_parameters, "update_parameters", parameters, grads, learning_rate)
    expect_keys("the returned parameters", result, PARAM_KEYS)
    expected = ref.update_parameters(originals, grads, learning_rate)
    for key in PARAM_KEYS:
        expect_array(f"updated {key}", result[key], expected[key], mistakes=[
            Mistake(f"{key} was not updated: every parameter takes a step, {key} -= learning_rate * d{key}.",
                    originals[key], id="update_parameters.was-not-updated-every-parameter-takes"),
            Mistake(f"{key} moved uphill: subtract the gradient, {key} = {key} - learning_rate * d{key}.",
                    originals[key] + learning_rate * grads["d" + key], id="update_parameters.moved-uphill-subtract-the-gradient-learning"),
            Mistake("The learning rate is missing: the step is learning_rate * d" + key + ".",
                    originals[key] - grads["d" + key]),
            Mistake(f"{key} was replaced by the step: {key} = {key} - learning_rate * d{key}.",
                    -learning_rate * grads["d" + key], id="update_parameters.was-replaced-by-the-step-learning"),
        ])
    passed("update_parameters")


@composed_of(sigmoid=ref.sigmoid, initialize_parameters=ref.initialize_parameters,
             forward_propagation=ref.forward_propagation, compute_cost=ref.compute_cost,
             backward_propagation=ref.backward_propagation, update_parameters=ref.update_parameters)
def check_nn_model(nn_model, n_h=4, m=60, num_iterations=300, learning_rate=1.2, seed=3):
    """nn_model trains with the student's building blocks and returns (parameters, costs)."""
    from ..data import load_planar_flower
    X, Y = load_planar_flower(m=m, seed=seed)
    result = student_call(nn_model, "nn_model", X, Y, n_h, num_iterations=num_iterations,
                          learning_rate=learning_rate, seed=seed)
    parameters, costs = expect_tuple("nn_model", result, 2, "a tuple (parameters, costs)")
    expect_keys("parameters", parameters, PARAM_KEYS)
    if not hasattr(costs, "__len__") or len(costs) != num_iterations:
        got = len(costs) if hasattr(costs, "__len__") else type(costs).__name__
        fail(f"costs must hold one cost per iteration ({num_iterations}), got {got}: append the cost in every iteration.", mistake="nn_model.costs-must-hold-one-cost-per")
    expected, expected_costs = ref.nn_model(X, Y, n_h, num_iterations, learning_rate, seed=seed)
    initial = ref.initialize_parameters(X.shape[0], n_h, 1, seed=seed)
    if all(np.allclose(parameters[k], initial[k]) for k in PARAM_KEYS):
        fail("The parameters never changed: assign the result of update_parameters back, "
             "parameters = update_parameters(parameters, grads, learning_rate).", mistake="nn_model.the-parameters-never-changed-assign-the")
    default_seed, _ = ref.nn_model(X, Y, n_h, num_iterations, learning_rate, seed=2)
    one_step, _ = ref.nn_model(X, Y, n_h, 1, learning_rate, seed=seed)
    for key in PARAM_KEYS:
        expect_array(f"trained {key}", parameters[key], expected[key], rtol=1e-5, atol=1e-7, mistakes=[
            Mistake("Pass the seed on: initialize_parameters(n_x, n_h, n_y, seed=seed).", default_seed[key], id="nn_model.pass-the-seed-on-initialize-parameters"),
            Mistake("Only one gradient step was taken: run the loop num_iterations times.", one_step[key], id="nn_model.only-one-gradient-step-was-taken"),
        ])
    if not float(costs[-1]) < float(costs[0]):
        fail(f"The cost went from {float(costs[0]):.4f} to {float(costs[-1]):.4f}: it should decrease "
             f"(is compute_cost right?).", mistake="nn_model.the-cost-went-from-to-it")


@composed_of(sigmoid=ref.sigmoid, forward_propagation=ref.forward_propagation)
def check_predict(predict, n_x=3, n_h=4, m=7, seed=6):
    """predictions = 1 where A2 > 0.5, else 0; shape (1, m)."""
    rng = np.random.default_rng(seed)
    parameters = _random_parameters(rng, n_x, n_h)
    X = rng.standard_normal((n_x, m))
    A2, _ = ref.forward_propagation(X, parameters)
    expected = ref.predict(parameters, X)
    if np.all(expected == expected[0, 0]):       # make sure both classes are predicted
        parameters["b2"] -= np.median(A2)
        expected = ref.predict(parameters, X)
        A2, _ = ref.forward_propagation(X, parameters)
    result = student_call(predict, "predict", parameters, X)
    if isinstance(result, np.ndarray) and result.dtype == bool:
        result = result.astype(np.float64)
    expect_array("predictions", result, expected, what="(1, m) of 0/1", mistakes=[
        Mistake("predict returned probabilities: threshold them, (A2 > 0.5).", A2, id="predict.predict-returned-probabilities-threshold-them"),
        Mistake("The classes are swapped: predict 1 where A2 > 0.5.", 1 - expected, id="predict.the-classes-are-swapped-predict-where"),
    ])


# --- challenge (optional, ungraded): sigmoid, tanh or ReLU in the hidden layer ---------------------

def check_activation_and_derivative(activation_and_derivative, shape=(3, 5), seed=7):
    """activation_and_derivative(Z, name) -> (g(Z), g'(Z)) for "sigmoid", "tanh" and "relu" (slope 0 at 0)."""
    Z = np.random.default_rng(seed).standard_normal(shape) * 2
    Z.flat[::4] = 0.0                                 # where ReLU's slope convention matters
    for name in ref.HIDDEN_ACTIVATIONS:
        result = student_call(activation_and_derivative, "activation_and_derivative", Z.copy(), name)
        A, slope = expect_tuple(f"activation_and_derivative(Z, '{name}')", result, 2, "a tuple (A, dA_dZ)")
        expected_A, expected_slope = ref.activation_and_derivative(Z, name)
        s, t = ref.sigmoid(Z), np.tanh(Z)
        expect_array(f"A for '{name}'", A, expected_A, what="(the shape of Z)", mistakes=[
            Mistake(f"A is Z: apply the activation '{name}'.", Z, id="activation_and_derivative.identity"),
            Mistake("ReLU is max(0, z), element by element (np.maximum, not np.max, which reduces an axis).",
                    np.max(Z, axis=0), id="activation_and_derivative.relu-np-max"),
        ])
        slopes = {"sigmoid": [
            Mistake("The sigmoid's slope is s (1 - s), with s = sigmoid(Z): you returned s.", s,
                    id="activation_and_derivative.sigmoid-slope-s"),
            Mistake("The sigmoid's slope is s (1 - s): you used tanh's 1 - s^2.", 1 - s ** 2,
                    id="activation_and_derivative.sigmoid-slope-tanh-form"),
        ], "tanh": [
            Mistake("tanh's slope is 1 - tanh(Z)^2: square the activation.", 1 - t,
                    id="activation_and_derivative.tanh-slope-not-squared"),
            Mistake("tanh's slope is 1 - tanh(Z)^2: you used the sigmoid's form t (1 - t).", t * (1 - t),
                    id="activation_and_derivative.tanh-slope-sigmoid-form"),
        ], "relu": [
            Mistake("ReLU's slope at exactly z = 0 is taken as 0 in this course: the mask is Z > 0, not Z >= 0.",
                    (Z >= 0).astype(float), id="activation_and_derivative.relu-slope-at-zero"),
            Mistake("ReLU's slope is 1 where the unit is active and 0 elsewhere: you returned max(0, Z) itself.",
                    np.maximum(0, Z), id="activation_and_derivative.relu-slope-is-relu"),
        ]}[name]
        expect_array(f"dA_dZ for '{name}'", slope, expected_slope, what="(the shape of Z)", mistakes=slopes)
    passed("activation_and_derivative")
