"""Checks for notebook 01 (shallow network), as a table of exercises run by the engine
(helpers.checks.engine): `checks.check_sigmoid(sigmoid)`, or with other sizes and seeds in the
hidden tests. Each named mistake is a whole wrong answer, the reference with one piece changed.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from .. import shallow as ref
from ..shallow import compare_hidden_activations
from ..data import load_planar_flower
from .core import Mistake, composed_of, expect_array, expect_float, fail, passed, student_call
from .engine import Exercise, Inputs, Out, Wrong, a_dict, a_float, a_tuple, check, run, value
from .networks import expect_training_run, labels

#: What the student edition copies as code (grading/edition/build.py): the checks written as code and what they
#: need; the tables, the mistakes and the helpers that spell an answer stay here (their values are stored).
STUDENT_EDITION = ("PARAM_KEYS", "LAYOUTS", "sigmoid_of_zero", "check_initialize_parameters", "check_nn_model",
                   "check_activation_and_derivative")
#: Demonstrations that train the references: the student edition holds their results, computed at release.
AT_RELEASE = ("compare_hidden_activations",)

PARAM_KEYS = ("W1", "b1", "W2", "b2")
GRAD_KEYS = ("dW1", "db1", "dW2", "db2")
CACHE_KEYS = ("Z1", "A1", "Z2", "A2")
LAYOUTS = {"W1": "(n_h, n_x)", "b1": "(n_h, 1)", "W2": "(n_y, n_h)", "b2": "(n_y, 1)"}


def random_parameters(rng, n_x, n_h, n_y=1):
    """Parameters of unit scale with non-zero biases, so that every term of a formula matters."""
    return {"W1": rng.standard_normal((n_h, n_x)), "b1": rng.standard_normal((n_h, 1)),
            "W2": rng.standard_normal((n_y, n_h)), "b2": rng.standard_normal((n_y, 1))}


# --- sigmoid ---------------------------------------------------------------------------------------

def sigmoid_inputs(shape=(3, 4), seed=0):
    return Inputs((np.random.default_rng(seed).standard_normal(shape) * 3,))


def sigmoid_of_zero(sigmoid, result, inputs):
    """sigmoid(0) = 0.5: a scalar works too (after the array: a wrong formula is named there)."""
    result = student_call(sigmoid, "sigmoid", 0.0)
    expect_float("sigmoid(0)", float(np.squeeze(result)) if np.size(result) == 1 else result, 0.5)


SIGMOID = Exercise(
    "sigmoid", ref.sigmoid, sigmoid_inputs, dict(shape=(3, 4), seed=0),
    (Out("sigmoid(z)", layout="(the same shape as z: sigmoid works element-wise)"),),
    mistakes=(
        Wrong("positive-exponent", "You computed 1/(1 + e^z) = 1 - sigmoid(z): the exponent is -z.",
              lambda z: 1 / (1 + np.exp(z))),
        Wrong("minus-in-denominator", "You computed 1/(1 - e^-z): the denominator is 1 + e^-z.",
              lambda z: 1 / (1 - np.exp(-z))),
        Wrong("returned-exp-minus-z", "You returned e^-z: sigmoid is 1 / (1 + e^-z).", lambda z: np.exp(-z)),
    ),
    extra=sigmoid_of_zero)


# --- initialize_parameters (an escape hatch: its mistakes are about random draws) ----------------

def check_initialize_parameters(initialize_parameters, n_x=3, n_h=4, n_y=1, seed=2):
    """W small random (0.01 * standard normal, W1 then W2 from default_rng(seed)), b zeros."""
    parameters = student_call(initialize_parameters, "initialize_parameters", n_x, n_h, n_y, seed=seed)
    a_dict("parameters", PARAM_KEYS)("initialize_parameters", parameters)
    again = student_call(initialize_parameters, "initialize_parameters", n_x, n_h, n_y, seed=seed)
    if isinstance(again, dict) and not all(np.array_equal(again.get(k), parameters[k]) for k in PARAM_KEYS):
        fail("Two calls with the same seed gave different parameters: create rng = np.random.default_rng(seed) "
             "inside the function instead of using the global np.random state.",
             mistake="initialize_parameters.global-random-state")
    expected = ref.initialize_parameters(n_x, n_h, n_y, seed=seed)
    variants = _initialization_variants(expected, seed)
    for key in PARAM_KEYS:
        value_ = parameters[key]
        if key.startswith("W") and isinstance(value_, np.ndarray) and value_.shape == expected[key].shape \
                and np.allclose(value_, 0):
            fail(f"{key} is all zeros. Zero weights make every hidden unit compute the same thing "
                 f"(symmetry is never broken): initialise W randomly, b with zeros.",
                 mistake="initialize_parameters.zero-weights")
        mistakes = [Mistake(hint.replace("{key}", key), draws[key], id=id_)
                    for id_, hint, draws in variants if key in draws]
        expect_array(f"parameters['{key}']", value_, expected[key], mistakes=mistakes, what=LAYOUTS[key])
    passed("initialize_parameters")


def _initialization_variants(expected, seed):
    """(id, hint, {W1, W2}) of the typical wrong draws."""
    def draws(method, order=("W1", "W2"), scale=0.01):
        rng = np.random.default_rng(seed)
        return {key: getattr(rng, method)(expected[key].shape) * scale for key in order}

    legacy_state = np.random.RandomState(seed)
    legacy = {key: legacy_state.randn(*expected[key].shape) * 0.01 for key in ("W1", "W2")}
    return [
        ("initialize_parameters.weights-not-scaled",
         "{key} is 100 times too large: multiply the random values by 0.01 "
         "(large weights saturate tanh and slow learning down).", draws("standard_normal", scale=1.0)),
        ("initialize_parameters.w2-drawn-first", "Draw W1 first, then W2, from the same rng.",
         draws("standard_normal", ("W2", "W1"))),
        ("initialize_parameters.uniform-not-normal",
         "Use rng.standard_normal (a normal distribution), not rng.random (uniform on [0, 1)).", draws("random")),
        ("initialize_parameters.legacy-np-random",
         "Use rng = np.random.default_rng(seed) and rng.standard_normal, not the "
         "legacy np.random.seed / np.random.randn (a different generator, and global state).", legacy),
    ]


# --- forward_propagation ---------------------------------------------------------------------------

def forward_inputs(n_x=3, n_h=4, m=5, seed=1):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, n_x, n_h)
    return Inputs((rng.standard_normal((n_x, m)), parameters), m)


def forward(X, parameters, *, hidden=np.tanh, output=ref.sigmoid, bias1=True, bias2=True, A1_for_Z2=True):
    """forward_propagation with its pieces as arguments, so that a mistake swaps one."""
    W1, b1, W2, b2 = (parameters[k] for k in PARAM_KEYS)
    Z1 = W1 @ X + (b1 if bias1 else 0)
    A1 = hidden(Z1)
    Z2 = W2 @ (A1 if A1_for_Z2 else Z1) + (b2 if bias2 else 0)
    A2 = output(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _cache(key, layout):
    return Out(f"cache['{key}']", (1, key), layout)


FORWARD_PROPAGATION = Exercise(
    "forward_propagation", ref.forward_propagation, forward_inputs, dict(n_x=3, n_h=4, m=5, seed=1),
    (_cache("Z1", "(n_h, m)"), _cache("A1", "(n_h, m)"), _cache("Z2", "(n_y, m)"), _cache("A2", "(n_y, m)"),
     Out("A2 (the returned value)", (0,), "(n_y, m)")),
    returns=a_tuple("(A2, cache)", value, a_dict("cache", CACHE_KEYS)),
    mistakes=(
        Wrong("no-b1", "Z1 is missing the bias: Z1 = W1 X + b1.", partial(forward, bias1=False)),
        Wrong("hidden-sigmoid", "The hidden layer uses tanh: A1 = np.tanh(Z1), not sigmoid.",
              partial(forward, hidden=ref.sigmoid)),
        Wrong("hidden-relu", "The hidden layer uses tanh: A1 = np.tanh(Z1), not ReLU.",
              partial(forward, hidden=lambda Z: np.maximum(Z, 0))),
        Wrong("a1-is-z1", "A1 is Z1: apply the activation, A1 = np.tanh(Z1).",
              partial(forward, hidden=lambda Z: Z)),
        Wrong("no-b2", "Z2 is missing the bias: Z2 = W2 A1 + b2.", partial(forward, bias2=False)),
        Wrong("z2-uses-z1", "Z2 must use A1, the hidden layer's activation, not Z1.",
              partial(forward, A1_for_Z2=False)),
        Wrong("output-tanh",
              "The output layer uses sigmoid (a probability for binary labels), not tanh.",
              partial(forward, output=np.tanh)),
        Wrong("a2-is-z2", "A2 is Z2: apply the sigmoid, A2 = sigmoid(Z2).",
              partial(forward, output=lambda Z: Z)),
    ),
    blocks=dict(sigmoid=ref.sigmoid))


# --- compute_cost ----------------------------------------------------------------------------------

def cost_inputs(m=5, seed=3):
    rng = np.random.default_rng(seed)
    A2 = rng.uniform(0.05, 0.95, (1, m))
    return Inputs((A2, labels(rng, m)), m)


def cost(A2, Y, *, log=np.log, positive_only=False, swapped=False, mean=True):
    """compute_cost with its pieces as arguments."""
    if swapped:
        A2 = 1 - A2
    terms = Y * log(A2) + (0 if positive_only else (1 - Y) * log(1 - A2))
    return float(-np.sum(terms) / (Y.shape[1] if mean else 1))


COMPUTE_COST = Exercise(
    "compute_cost", ref.compute_cost, cost_inputs, dict(m=5, seed=3),
    (Out("cost", scalar=True, per_example=True),),
    returns=a_float,
    mistakes=(
        Wrong("only-y-term", "You kept only the Y log(A2) term: add (1 - Y) log(1 - A2) for the "
              "examples with label 0.", partial(cost, positive_only=True)),
        Wrong("log10", "Use the natural logarithm np.log, not np.log10.",
              partial(cost, log=np.log10)),
        Wrong("terms-swapped", "The two terms are swapped: Y goes with log(A2), (1 - Y) with "
              "log(1 - A2).", partial(cost, swapped=True)),
        Wrong("missing-1-over-m", "The cost is the sum over the examples: average it, multiply by 1/m.",
              partial(cost, mean=False)),
    ))


# --- backward_propagation --------------------------------------------------------------------------

def backward_inputs(n_x=3, n_h=4, m=5, seed=4):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, n_x, n_h)
    X = rng.standard_normal((n_x, m))
    Y = labels(rng, m)
    _, cache = ref.forward_propagation(X, parameters)
    return Inputs((parameters, cache, X, Y), m)


def backward(parameters, cache, X, Y, *, slope=lambda A1: 1 - A1 ** 2, dW2_for_W2=False, axis=1,
             dW2_with_A2=False, input_of_layer1="X"):
    """backward_propagation with its pieces as arguments."""
    m = X.shape[1]
    A1, A2, W2 = cache["A1"], cache["A2"], parameters["W2"]
    dZ2 = A2 - Y
    dW2 = dZ2 @ (A2 if dW2_with_A2 else A1).T / m
    db2 = np.sum(dZ2, axis=axis, keepdims=True) / m
    dZ1 = ((dW2 if dW2_for_W2 else W2).T @ dZ2) * slope(A1)
    dW1 = dZ1 @ (X if input_of_layer1 == "X" else A1).T / m
    db1 = np.sum(dZ1, axis=axis, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _dZ1_uses(id_: str, what: str, slope=lambda A1: 1 - A1 ** 2, **pieces):
    return Wrong(id_, f"{{key}} is wrong because dZ1 uses {what}",
                 partial(backward, slope=slope, **pieces))


BACKWARD_PROPAGATION = Exercise(
    "backward_propagation", ref.backward_propagation, backward_inputs, dict(n_x=3, n_h=4, m=5, seed=4),
    (Out("grads['dW2']", ("dW2",), "(n_y, n_h), like W2", per_example=True),
     Out("grads['db2']", ("db2",), "(n_y, 1), like b2", per_example=True),
     Out("grads['dW1']", ("dW1",), "(n_h, n_x), like W1", per_example=True),
     Out("grads['db1']", ("db1",), "(n_h, 1), like b1", per_example=True)),
    returns=a_dict("grads", GRAD_KEYS),
    mistakes=(
        Wrong("dw2-uses-a2", "dW2 = (1/m) dZ2 A1^T: use A1, the previous layer's activation "
              "(the slide's A[l]^T is a typo).", partial(backward, dW2_with_A2=True)),
        Wrong("db-wrong-axis", "{key} sums over the wrong axis: examples are columns, use "
              "np.sum(dZ{l}, axis=1, keepdims=True).", partial(backward, axis=0)),
        _dZ1_uses("dz1-slope-not-squared", "(1 - A1): tanh'(Z1) = 1 - A1**2 (square A1).", slope=lambda A1: 1 - A1),
        _dZ1_uses("dz1-sigmoid-slope", "A1 * (1 - A1), the sigmoid's derivative: the hidden layer is tanh, whose "
                  "derivative is 1 - A1**2.", slope=lambda A1: A1 * (1 - A1)),
        _dZ1_uses("dz1-uses-dw2", "dW2.T instead of W2.T: dZ1 = W2^T dZ2 * g'(Z1) (the slide writes dW, a typo).",
                  dW2_for_W2=True),
        _dZ1_uses("dz1-no-slope", "no activation derivative: dZ1 = W2^T dZ2 * (1 - A1**2).", slope=lambda A1: 1),
        Wrong("dw1-uses-a1", "dW1 = (1/m) dZ1 X^T: the input of layer 1 is X, not A1.",
              partial(backward, input_of_layer1="A1")),
    ))


# --- update_parameters -----------------------------------------------------------------------------

def update_inputs(n_x=3, n_h=4, learning_rate=0.7, seed=5):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, n_x, n_h)
    grads = {"d" + k: v for k, v in random_parameters(rng, n_x, n_h).items()}
    return Inputs((parameters, grads, learning_rate))


def update(parameters, grads, learning_rate, *, step=lambda value, rate, grad: value - rate * grad):
    """update_parameters with the step of one parameter as an argument."""
    return {k: step(v, learning_rate, grads["d" + k]) for k, v in parameters.items()}


UPDATE_PARAMETERS = Exercise(
    "update_parameters", ref.update_parameters, update_inputs, dict(n_x=3, n_h=4, learning_rate=0.7, seed=5),
    tuple(Out(f"updated {key}", (key,)) for key in PARAM_KEYS),
    returns=a_dict("the returned parameters", PARAM_KEYS),
    mistakes=(
        Wrong("not-updated", "{key} was not updated: every parameter takes a step, "
              "{key} -= learning_rate * d{key}.", partial(update, step=lambda v, rate, g: v)),
        Wrong("gradient-added", "{key} moved uphill: subtract the gradient, "
              "{key} = {key} - learning_rate * d{key}.", partial(update, step=lambda v, rate, g: v + rate * g)),
        Wrong("no-learning-rate", "The learning rate is missing: the step is learning_rate * d{key}.",
              partial(update, step=lambda v, rate, g: v - g)),
        Wrong("replaced-by-step", "{key} was replaced by the step: {key} = {key} - "
              "learning_rate * d{key}.", partial(update, step=lambda v, rate, g: -rate * g)),
    ))


# --- predict ---------------------------------------------------------------------------------------

def predict_inputs(n_x=3, n_h=4, m=7, seed=6):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, n_x, n_h)
    X = rng.standard_normal((n_x, m))
    if len(np.unique(ref.predict(parameters, X))) < 2:           # make sure both classes are predicted
        parameters["b2"] -= np.median(ref.forward_propagation(X, parameters)[0])
    return Inputs((parameters, X), m)


PREDICT = Exercise(
    "predict", ref.predict, predict_inputs, dict(n_x=3, n_h=4, m=7, seed=6),
    (Out("predictions", layout="(1, m) of 0/1"),),
    mistakes=(
        Wrong("no-threshold", "predict returned probabilities: threshold them, "
              "(A2 > 0.5).", lambda parameters, X: ref.forward_propagation(X, parameters)[0]),
        Wrong("classes-swapped", "The classes are swapped: predict 1 where A2 > 0.5.",
              lambda parameters, X: 1 - ref.predict(parameters, X)),
    ),
    blocks=dict(sigmoid=ref.sigmoid, forward_propagation=ref.forward_propagation))


# --- nn_model (an escape hatch: a training run, judged by its result and its costs) -------------

@composed_of(sigmoid=ref.sigmoid, initialize_parameters=ref.initialize_parameters,
             forward_propagation=ref.forward_propagation, compute_cost=ref.compute_cost,
             backward_propagation=ref.backward_propagation, update_parameters=ref.update_parameters)
def check_nn_model(nn_model, n_h=4, m=60, num_iterations=300, learning_rate=1.2, seed=3):
    """nn_model trains with the student's building blocks and returns (parameters, costs)."""
    X, Y = load_planar_flower(m=m, seed=seed)
    result = student_call(nn_model, "nn_model", X, Y, n_h, num_iterations=num_iterations,
                          learning_rate=learning_rate, seed=seed)
    costs = expect_training_run(
        "nn_model", result, PARAM_KEYS, num_iterations, ref.initialize_parameters(X.shape[0], n_h, 1, seed=seed),
        ref.nn_model(X, Y, n_h, num_iterations, learning_rate, seed=seed)[0], [
            ("nn_model.seed-not-passed", "Pass the seed on: initialize_parameters(n_x, n_h, n_y, "
             "seed=seed).", ref.nn_model(X, Y, n_h, num_iterations, learning_rate, seed=2)[0]),
            ("nn_model.one-step-only", "Only one gradient step was taken: run the loop num_iterations "
             "times.", ref.nn_model(X, Y, n_h, 1, learning_rate, seed=seed)[0])])
    if not costs[-1] < costs[0]:
        fail(f"The cost went from {costs[0]:.4f} to {costs[-1]:.4f}: it should decrease (is compute_cost right?).",
             mistake="nn_model.cost-not-decreasing")


# --- challenge (optional, ungraded): sigmoid, tanh or ReLU in the hidden layer ---------------------

def activation_inputs(shape=(3, 5), seed=7, name="relu"):
    Z = np.random.default_rng(seed).standard_normal(shape) * 2
    Z.flat[::4] = 0.0                                 # where ReLU's slope convention matters
    return Inputs((Z, name))


def activation(Z, name, *, sigmoid_slope=lambda s: s * (1 - s), tanh_slope=lambda t: 1 - t ** 2,
               relu=lambda Z: np.maximum(Z, 0), relu_slope=lambda Z: (Z > 0) * 1.0):
    """activation_and_derivative with its pieces as arguments."""
    if name == "sigmoid":
        s = ref.sigmoid(Z)
        return s, sigmoid_slope(s)
    if name == "tanh":
        t = np.tanh(Z)
        return t, tanh_slope(t)
    return relu(Z), relu_slope(Z)


ACTIVATION_AND_DERIVATIVE = Exercise(
    "activation_and_derivative", ref.activation_and_derivative, activation_inputs,
    dict(shape=(3, 5), seed=7, name="relu"),
    (Out("A", (0,), "(the shape of Z)"), Out("dA_dZ", (1,), "(the shape of Z)")),
    returns=a_tuple("(A, dA_dZ)", value, value),
    mistakes=(
        Wrong("identity", "A is Z: apply the activation.", partial(activation, relu=lambda Z: Z)),
        Wrong("relu-np-max", "ReLU is max(0, z), element by element (np.maximum, not np.max, which reduces an "
              "axis).", partial(activation, relu=lambda Z: np.max(Z, axis=0))),
        Wrong("sigmoid-slope-s", "The sigmoid's slope is s (1 - s), with s = sigmoid(Z): you returned s.",
              partial(activation, sigmoid_slope=lambda s: s)),
        Wrong("sigmoid-slope-tanh-form", "The sigmoid's slope is s (1 - s): you used tanh's 1 - s^2.",
              partial(activation, sigmoid_slope=lambda s: 1 - s ** 2)),
        Wrong("tanh-slope-not-squared", "tanh's slope is 1 - tanh(Z)^2: square the activation.",
              partial(activation, tanh_slope=lambda t: 1 - t)),
        Wrong("tanh-slope-sigmoid-form", "tanh's slope is 1 - tanh(Z)^2: you used the sigmoid's form t (1 - t).",
              partial(activation, tanh_slope=lambda t: t * (1 - t))),
        Wrong("relu-slope-at-zero", "ReLU's slope at exactly z = 0 is taken as 0 in this course: the mask is "
              "Z > 0, not Z >= 0.", partial(activation, relu_slope=lambda Z: (Z >= 0) * 1.0)),
        Wrong("relu-slope-is-relu", "ReLU's slope is 1 where the unit is active and 0 elsewhere: you returned "
              "max(0, Z) itself.", partial(activation, relu_slope=lambda Z: np.maximum(0, Z))),
    ))




def check_activation_and_derivative(activation_and_derivative, shape=(3, 5), seed=7):
    """activation_and_derivative(Z, name) -> (g(Z), g'(Z)) for "sigmoid", "tanh" and "relu" (slope 0 at 0)."""
    for name in ref.HIDDEN_ACTIVATIONS:
        run(ACTIVATION_AND_DERIVATIVE, activation_and_derivative, dict(shape=shape, seed=seed, name=name))
    passed("activation_and_derivative")


check_sigmoid = check(SIGMOID)
check_forward_propagation = check(FORWARD_PROPAGATION)
check_compute_cost = check(COMPUTE_COST)
check_backward_propagation = check(BACKWARD_PROPAGATION)
check_update_parameters = check(UPDATE_PARAMETERS)
check_predict = check(PREDICT)

#: The exercises described as data (the tests feed each named mistake in); the others are checked by
#: code of their own above: check_initialize_parameters and check_nn_model.
EXERCISES = (SIGMOID, FORWARD_PROPAGATION, COMPUTE_COST, BACKWARD_PROPAGATION, UPDATE_PARAMETERS, PREDICT,
             ACTIVATION_AND_DERIVATIVE)
CHALLENGES = (ACTIVATION_AND_DERIVATIVE,)     # optional and ungraded: no hidden test
