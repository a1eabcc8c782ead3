"""Checks for notebook 02 (deep network, step by step), as a table of exercises run by the engine
(helpers.checks.engine): `checks.check_relu(relu)`, or with other sizes and seeds in the hidden
tests. Each named mistake is a whole wrong answer: the reference with one piece changed, written
through one small function per formula whose pieces are keyword arguments; a network's mistakes are
helpers.network's network (imported as nets) with one step swapped (the steps below, shared by the later
notebooks' checks).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from .. import deep as ref
from .. import gradcheck
from .. import network as nets
from ..data import load_digits_binary
from . import shallow
from .core import (Mistake, composed_of, copy_inputs, expect_array, expect_keys, expect_tuple, fail,
                   passed, same_array, student_call)
from .engine import Exercise, Inputs, Out, Wrong, a_float, a_tuple, check, run, value
from .networks import (expect_training_run, gradients_dict, labels, layer_parameters, network, parameter_outputs,
                       unchanged, with_crash_hint)
from .shallow import cost, cost_inputs

#: What the student edition copies as code (grading/edition/build.py): the checks written as code, the extras and
#: input values that the tables name, and what they need; the tables, the mistakes and the helpers that spell
#: an answer stay here (their values on the visible cases are stored).
STUDENT_EDITION = ("check_initialize_parameters_deep", "check_linear_cache", "expect_tuple_of", "check_activation_cache",
                   "linear_cache_of", "activation_cache_of", "model_caches", "three_gradients", "a_parameters_dict",
                   "check_L_layer_model", "CubicSineCost", "check_gradient_check", "ExpPlusCubic")

# --- inputs and shared pieces ----------------------------------------------------------------------


def signed_values(rng, shape):
    """Standard normal values with exact zeros (where ReLU's slope convention matters), and a positive
    and a negative value wherever there is room for them."""
    Z = rng.standard_normal(shape)
    flat = Z.reshape(-1)
    flat[1::4] = 0.0
    if flat.size >= 3:
        flat[0], flat[2] = abs(flat[0]) + 0.2, -abs(flat[2]) - 0.2
    return Z


# --- initialize_parameters_deep (an escape hatch: its mistakes are about random draws) -------------

def he_draws(dims, seed, *, scale=lambda n_in, n_out: np.sqrt(2.0 / n_in), method="standard_normal",
             transposed=False, fresh_rng=False, legacy=False):
    """{W{l}} drawn as initialize_parameters_deep does, with one piece changed when asked."""
    rng, state, weights = np.random.default_rng(seed), np.random.RandomState(seed), {}
    for l in range(1, len(dims)):
        rng = np.random.default_rng(seed) if fresh_rng else rng
        shape = (dims[l], dims[l - 1])
        draw = (state.randn(*shape) if legacy else getattr(rng, method)(shape[::-1]).T if transposed
                else getattr(rng, method)(shape))
        weights[f"W{l}"] = draw * scale(dims[l - 1], dims[l])
    return weights


HE = "np.sqrt(2 / layer_dims[l - 1])"
INIT_MISTAKES = (
    ("initialize_parameters_deep.no-scale",
     f"has no scale: He initialisation multiplies the standard normal draws by {HE}.",
     dict(scale=lambda n_in, n_out: 1.0)),
    ("initialize_parameters_deep.shallow-scale",
     "is scaled by 0.01, the shallow network's choice: a deep ReLU network needs He's "
     f"{HE}, or its signals vanish with depth (section 9 shows it).", dict(scale=lambda n_in, n_out: 0.01)),
    ("initialize_parameters_deep.xavier",
     f"is scaled by sqrt(1 / n[l-1]) (Xavier's choice, for tanh): ReLU zeroes half of the units, so He "
     f"uses {HE}.", dict(scale=lambda n_in, n_out: np.sqrt(1.0 / n_in))),
    ("initialize_parameters_deep.wrong-layer-size",
     f"is scaled with the wrong layer size: divide by the layer's number of inputs, {HE}, not "
     "by layer_dims[l].", dict(scale=lambda n_in, n_out: np.sqrt(2.0 / n_out))),
    ("initialize_parameters_deep.no-square-root",
     f"is scaled by 2 / n[l-1]: take the square root, {HE}.",
     dict(scale=lambda n_in, n_out: 2.0 / n_in)),
    ("initialize_parameters_deep.transposed",
     "was drawn with shape (n[l-1], n[l]) and transposed: draw rng.standard_normal((layer_dims[l], "
     "layer_dims[l - 1])) directly, so that everyone's numbers agree.", dict(transposed=True)),
    ("initialize_parameters_deep.rng-in-the-loop",
     "repeats the same numbers in every layer: create rng = np.random.default_rng(seed) once, "
     "before the loop.", dict(fresh_rng=True)),
    ("initialize_parameters_deep.uniform",
     "is uniform: use rng.standard_normal (a normal distribution), not rng.random (uniform on [0, 1)).",
     dict(method="random")),
    ("initialize_parameters_deep.legacy",
     "comes from the legacy np.random.seed / np.random.randn: use rng = np.random.default_rng(seed) and "
     "rng.standard_normal (a different generator, and no global state).", dict(legacy=True)),
)


def init_mistake_draws(dims, seed) -> list:
    """[(id, hint, the weights that mistake draws)], one per INIT_MISTAKES entry."""
    return [(id_, hint, he_draws(dims, seed, **pieces)) for id_, hint, pieces in INIT_MISTAKES]


def check_initialize_parameters_deep(initialize_parameters_deep, layer_dims=(5, 4, 3, 1), seed=3):
    """He initialisation: W{l} = rng.standard_normal((n[l], n[l-1])) * sqrt(2 / n[l-1]), b{l} = 0."""
    dims, name = list(layer_dims), "initialize_parameters_deep"
    L, keys = len(dims) - 1, [f"{p}{l}" for l in range(1, len(dims)) for p in ("W", "b")]
    parameters = student_call(initialize_parameters_deep, name, list(dims), seed=seed)
    expect_keys("parameters", parameters, keys)
    if set(parameters) - set(keys):
        fail(f"parameters has the extra key(s) {sorted(set(parameters) - set(keys))}: layer_dims = {dims} describes "
             f"L = len(layer_dims) - 1 = {L} layers, W1..W{L} (layer_dims[0] is the input, which has no parameters).",
             "initialize_parameters_deep.extra-keys")
    again = student_call(initialize_parameters_deep, name, list(dims), seed=seed)
    if isinstance(again, dict) and not all(np.array_equal(again.get(k), parameters[k]) for k in keys):
        fail("Two calls with the same seed gave different parameters: create rng = np.random.default_rng(seed) "
             "inside the function instead of using the global np.random state.",
             "initialize_parameters_deep.global-random-state")
    expected = ref.initialize_parameters_deep(dims, seed=seed)
    variants = init_mistake_draws(dims, seed)
    for l in range(1, L + 1):
        W = parameters[f"W{l}"]
        if isinstance(W, np.ndarray) and W.shape == expected[f"W{l}"].shape and np.allclose(W, 0):
            fail(f"W{l} is all zeros. Zero weights make every unit of a layer compute the same thing and get the same "
                 f"gradient (symmetry is never broken; with ReLU nothing learns at all): initialise W randomly (He), b "
                 f"with zeros.", "initialize_parameters_deep.zero-weights")
        if isinstance(W, np.ndarray) and W.size > 1 and np.allclose(W, W.flat[0]):
            fail(f"every entry of W{l} is equal: the units of layer {l} would stay identical forever (symmetry). "
                 f"Draw W{l} at random.", "initialize_parameters_deep.constant-weights")
        expect_array(f"parameters['W{l}']", W, expected[f"W{l}"],
                     mistakes=[Mistake(" ".join((f"W{l}", hint)), draws[f"W{l}"], id=id_)
                               for id_, hint, draws in variants],
                     what=f"(n[{l}], n[{l - 1}]) = (layer_dims[{l}], layer_dims[{l - 1}])")
        expect_array(f"parameters['b{l}']", parameters[f"b{l}"], expected[f"b{l}"], what=f"(n[{l}], 1): zeros")
    passed(name)


# --- relu, relu_backward, sigmoid_backward ---------------------------------------------------------

def relu_inputs(shape=(3, 4), seed=0):
    return Inputs((signed_values(np.random.default_rng(seed), shape),))


def gradient_inputs(shape, seed, scale=1.0):
    """(dA, Z) of one shape; Z with zeros and both signs."""
    rng = np.random.default_rng(seed)
    Z = signed_values(rng, shape) * scale
    return Inputs((rng.standard_normal(shape), Z))


MAX_HINT = ("np.max(Z, 0) is the largest value of each column (a reduction along axis 0): use np.maximum(0, Z), "
            "element by element.")
RELU = Exercise(
    "relu", ref.relu, relu_inputs, dict(shape=(3, 4), seed=0),
    (Out("relu(Z)", layout="(the same shape as Z: relu works element-wise)"),),
    mistakes=(
        Wrong("np-max", MAX_HINT, lambda Z: np.max(Z, axis=0)),
        Wrong("np-max-keepdims", MAX_HINT, lambda Z: np.max(Z, axis=0, keepdims=True)),
        Wrong("returned-mask", "You returned the mask Z > 0 (relu's derivative): relu keeps the value, "
              "max(0, Z).", lambda Z: (Z > 0) * 1.0),
        Wrong("absolute-value", "You returned |Z|: relu sets negative values to 0, max(0, Z).",
              np.abs),
        Wrong("np-minimum", "You returned min(0, Z): relu is np.maximum(0, Z).",
              lambda Z: np.minimum(0, Z)),
        Wrong("returned-z", "You returned Z unchanged: relu is np.maximum(0, Z).", lambda Z: Z),
        Wrong("used-sigmoid", "You returned sigmoid(Z): relu is np.maximum(0, Z).", ref.sigmoid),
    ),
    extra=unchanged("relu", (0, "relu modified its input Z in place: np.maximum(0, Z) returns a new array; Z[Z < 0] = 0 "
                             "overwrites Z, which the backward pass needs.", "relu.modified-z-in-place")))


def relu_slope(dA, Z, *, mask=lambda dA, Z: Z > 0, times_dA=True):
    """relu_backward with its pieces as arguments."""
    return (dA if times_dA else 1.0) * mask(dA, Z)


INVERTED = "The mask is inverted: the gradient passes where Z > 0."
RELU_BACKWARD = Exercise(
    "relu_backward", ref.relu_backward, lambda shape=(3, 5), seed=1: gradient_inputs(shape, seed),
    dict(shape=(3, 5), seed=1), (Out("relu_backward(dA, Z)", layout="(the same shape as dA and Z)"),),
    mistakes=(
        Wrong("mask-from-da", "The mask uses dA > 0: the slope of ReLU depends on its input Z, "
              "dZ = dA * (Z > 0).", partial(relu_slope, mask=lambda dA, Z: dA > 0)),
        Wrong("mask-alone", "You returned the mask Z > 0 alone: multiply it by the incoming "
              "gradient, dZ = dA * (Z > 0).", partial(relu_slope, times_dA=False)),
        Wrong("slope-at-zero", "At Z = 0 the slope is taken as 0: use the strict Z > 0, not Z >= 0.",
              partial(relu_slope, mask=lambda dA, Z: Z >= 0)),
        Wrong("da-times-relu", "You multiplied dA by relu(Z): the derivative of relu is the mask "
              "(Z > 0), not relu itself.", partial(relu_slope, mask=lambda dA, Z: np.maximum(Z, 0))),
        Wrong("mask-inverted", INVERTED, partial(relu_slope, mask=lambda dA, Z: Z <= 0)),
        Wrong("mask-inverted-strict", INVERTED, partial(relu_slope, mask=lambda dA, Z: Z < 0)),
        Wrong("returned-da", "You returned dA unchanged: the gradient only passes where "
              "Z > 0, dZ = dA * (Z > 0).", partial(relu_slope, mask=lambda dA, Z: 1.0)),
    ),
    extra=unchanged("relu_backward", (0, "relu_backward modified its input dA in place: dZ = dA makes dZ another name "
                    "for the same array. Compute dZ = dA * (Z > 0), or start from a copy, dZ = np.array(dA, copy=True).",
                                      "relu_backward.modified-da-in-place")))


def sigmoid_slope(dA, Z, *, slope=lambda s: s * (1 - s), of_Z=False, times_dA=True):
    """sigmoid_backward with its pieces as arguments."""
    return (dA if times_dA else 1.0) * slope(Z if of_Z else ref.sigmoid(Z))


SIGMOID_BACKWARD = Exercise(
    "sigmoid_backward", ref.sigmoid_backward, lambda shape=(2, 5), seed=2: gradient_inputs(shape, seed, 2.0),
    dict(shape=(2, 5), seed=2), (Out("sigmoid_backward(dA, Z)", layout="(the same shape as dA and Z)"),),
    mistakes=(
        Wrong("z-instead-of-s", "You used Z * (1 - Z): the derivative is s * (1 - s) with s = sigmoid(Z), "
              "the activation, not its input Z.", partial(sigmoid_slope, of_Z=True)),
        Wrong("slope-alone", "You returned s * (1 - s) alone: multiply by the incoming gradient, "
              "dZ = dA * s * (1 - s).", partial(sigmoid_slope, times_dA=False)),
        Wrong("tanh-derivative", "You used 1 - s**2, tanh's derivative: sigmoid's is s * (1 - s).",
              partial(sigmoid_slope, slope=lambda s: 1 - s ** 2)),
        Wrong("missing-1-minus-s", "The factor (1 - s) is missing: dZ = dA * s * (1 - s).",
              partial(sigmoid_slope, slope=lambda s: s)),
        Wrong("missing-s", "The factor s is missing: dZ = dA * s * (1 - s).",
              partial(sigmoid_slope, slope=lambda s: 1 - s)),
    ),
    extra=unchanged("sigmoid_backward", (0, "sigmoid_backward modified its input dA in place: compute a new array, "
                                         "dZ = dA * s * (1 - s).", "sigmoid_backward.modified-da-in-place"),
                    (1, "sigmoid_backward modified its input Z in place: compute s = sigmoid(Z) into a new variable.",
                     "sigmoid_backward.modified-z-in-place")))


# --- linear_forward, linear_activation_forward, L_model_forward -------------------------------------

def check_linear_cache(name, cache, A_prev, W, b):
    """cache must be (A_prev, W, b), the very arguments."""
    parts, names = (A_prev, W, b), ("A_prev", "W", "b")
    expect_tuple_of(name, cache, 3, "(A_prev, W, b)", "linear_forward.cache-not-a-triple")
    for i, (item, expected, item_name) in enumerate(zip(cache, parts, names)):
        if same_array(item, expected):
            continue
        for other, other_name in zip(parts, names):
            if other_name != item_name and same_array(item, other):
                fail(f"{name}[{i}] is {other_name}, but the linear cache is (A_prev, W, b) in this order "
                     f"(linear_backward unpacks A_prev, W, b = cache): the cache items are in the wrong order.",
                     "linear_forward.cache-wrong-order")
        fail(f"{name}[{i}] must be {item_name}, as it was passed in: the linear cache is (A_prev, W, b).",
             "linear_forward.cache-item-not-input")


def expect_tuple_of(name, value_, length, description, mistake):
    if not isinstance(value_, (tuple, list)) or len(value_) != length:
        got = f"a {type(value_).__name__}" + (f" of length {len(value_)}" if isinstance(value_, (tuple, list)) else "")
        fail(f"{name} must be the tuple {description}, got {got}.", mistake)


def check_activation_cache(name, cache, A_prev, W, b, Z, A):
    """cache must be (linear_cache, Z) of the layer A = g(Z), Z = W A_prev + b."""
    expect_tuple_of(name, cache, 2, "(linear_cache, Z)", "linear_activation_forward.cache-not-a-pair")
    first, second = cache
    if isinstance(first, np.ndarray) and isinstance(second, (tuple, list)):
        fail(f"{name} is (Z, linear_cache): the cache items are in the wrong order; it must be (linear_cache, Z), "
             f"which linear_activation_backward unpacks as linear_cache, Z = cache.",
             "linear_activation_forward.cache-wrong-order")
    check_linear_cache(f"{name}[0] (the linear cache)", first, A_prev, W, b)
    if same_array(second, A) and not same_array(second, Z):
        fail(f"{name}[1] is A: the activation cache is Z, the input of the activation (its derivative needs Z).",
             "linear_activation_forward.cache-keeps-a")
    expect_array(f"{name}[1] (the activation cache Z)", second, Z, what="(n[l], m)")




def linear_inputs(n_prev=3, n=2, m=4, seed=4, square=False):
    """A_prev: (n_prev, m), W: (n, n_prev), b: (n, 1); square: W (k, k), k = max(n_prev, n), where W.T fits."""
    rng = np.random.default_rng(seed + square)
    k = max(n_prev, n) if square else n_prev
    rows = k if square else n
    return Inputs((rng.standard_normal((k, m)), rng.standard_normal((rows, k)), rng.standard_normal((rows, 1))), m)


def linear(A_prev, W, b, *, W_T=False, bias=True, transposed=False):
    """linear_forward with its pieces as arguments."""
    Z = A_prev.T @ W.T + (b.T if bias else 0) if transposed else (W.T if W_T else W) @ A_prev + (b if bias else 0)
    return Z, (A_prev, W, b)


def linear_cache_of(fn, result, inputs):
    check_linear_cache("cache", result[1], *inputs.args)


TRANSPOSED = "Z is transposed: you computed A_prev.T @ W.T; examples are columns, Z = W @ A_prev + b."
LINEAR_FORWARD = Exercise(
    "linear_forward", ref.linear_forward, linear_inputs, dict(n_prev=3, n=2, m=4, seed=4, square=True),
    (Out("Z", (0,), "(n[l], m)"),), returns=a_tuple("(Z, cache)", value, value),
    mistakes=(
        Wrong("w-transposed", "You used W.T: Z = W @ A_prev + b, with W of shape (n[l], n[l-1]) as it is "
              "(no transpose).", partial(linear, W_T=True)),
        Wrong("no-bias", "Z is missing the bias: Z = W @ A_prev + b.", partial(linear, bias=False)),
        Wrong("z-transposed", TRANSPOSED, partial(linear, transposed=True)),
        Wrong("z-transposed-no-bias", TRANSPOSED + " The bias is missing too.",
              partial(linear, transposed=True, bias=False)),
    ),
    extra=linear_cache_of)


def activation_inputs(n_prev=4, n=3, m=5, seed=5, activation="sigmoid"):
    rng = np.random.default_rng(seed + (activation == "relu"))
    return Inputs((rng.standard_normal((n_prev, m)), rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1)),
                   activation), m)


def activation_forward(A_prev, W, b, activation, *, swap=False, g=None, bias=True):
    """linear_activation_forward with its pieces as arguments."""
    Z = W @ A_prev + b
    name = {"relu": "sigmoid", "sigmoid": "relu"}[activation] if swap else activation
    g = g or (ref.relu if name == "relu" else ref.sigmoid)
    return g(Z if bias else Z - b), ((A_prev, W, b), Z)


def activation_cache_of(fn, result, inputs):
    A, (linear_cache, Z) = ref.linear_activation_forward(*copy_inputs(inputs.args))
    check_activation_cache("cache", result[1], *linear_cache, Z, A)


LINEAR_ACTIVATION_FORWARD = Exercise(
    "linear_activation_forward", ref.linear_activation_forward, activation_inputs, dict(n_prev=4, n=3, m=5, seed=5),
    (), per_case=lambda activation, **_: {"outputs": (Out(f"A with activation='{activation}'", (0,), "(n[l], m)"),)},
    returns=a_tuple("(A, cache)", value, value),
    mistakes=(
        Wrong("other-activation", "You applied the other activation: activation='sigmoid' asks "
              "for sigmoid(Z), 'relu' for relu(Z); compare the activation argument with the strings 'sigmoid' and "
              "'relu'.", partial(activation_forward, swap=True)),
        Wrong("no-activation", "A is Z: apply the activation to Z = W A_prev + b.",
              partial(activation_forward, g=lambda Z: Z)),
        Wrong("no-bias", "The bias is missing: Z = W A_prev + b, then the activation.",
              partial(activation_forward, bias=False)),
    ),
    blocks=dict(linear_forward=ref.linear_forward, relu=ref.relu),
    extra=activation_cache_of)


def model_inputs(layer_dims=(5, 4, 3, 1), m=6, seed=6):
    """X and parameters, with the output layer's Z of both signs (where ReLU and sigmoid differ)."""
    parameters, X = network(np.random.default_rng(seed), layer_dims, m, centred=(ref.L_model_forward, np.median))
    return Inputs((X, parameters), m)


# The mistakes' steps (helpers.network): a variant is the reference network with one step swapped.
IDENTITY = nets.activation("identity", lambda Z: Z, lambda dA, Z: dA)
RELU_OUTPUT = nets.output_activation("relu output", ref.relu)
IDENTITY_OUTPUT = nets.output_activation("identity output", lambda Z: Z)


def caching_its_output(step):
    """step with its output as its cache (a cache holding A where Z belongs)."""
    def forward_(x, l, parameters, settings):
        out, _ = step.forward(x, l, parameters, settings)
        return out, out
    return nets.Step(step.name, forward_, step.backward)


def swapped(net, **steps):
    """net with each step named like a key (spaces as underscores) replaced by its value (nets.swap)."""
    for name, step in steps.items():
        net = nets.swap(net, name.replace("_", " "), step)
    return net


def model_forward(X, parameters, *, hidden=nets.RELU, output=nets.SIGMOID_OUTPUT):
    """L_model_forward with the hidden layers' activation step and the output layer's as arguments."""
    net = nets.stack(ref.HIDDEN_LAYER, ref.OUTPUT_LAYER, len(parameters) // 2)
    return nets.forward(X, parameters, swapped(net, relu=hidden, sigmoid_output=output))


def model_caches(fn, result, inputs):
    """caches: one (linear_cache, Z) per layer, in the order of the layers."""
    caches, (_, expected) = result[1], ref.L_model_forward(*copy_inputs(inputs.args))
    L = len(expected)
    if not isinstance(caches, (list, tuple)):
        fail(f"caches must be a list with one cache per layer, got {type(caches).__name__}.",
             "L_model_forward.caches-not-a-list")
    if len(caches) != L:
        fail(f"caches has {len(caches)} entries, expected L = {L} (one per layer)."
             + (" The loop seems to skip a layer: run the ReLU layers l = 1..L-1, then the sigmoid layer L, appending "
                "each layer's cache." if len(caches) == L - 1 else ""),
             "L_model_forward.caches-wrong-length")
    for l, (cache, ((A_prev, W, b), Z)) in enumerate(zip(caches, expected), start=1):
        if (isinstance(cache, (tuple, list)) and len(cache) == 2 and not same_array(cache[1], Z)
                and any(same_array(cache[1], other[1]) for other in expected)):
            fail(f"caches[{l - 1}] is the cache of another layer: the caches are in the wrong order. Append each "
                 f"layer's cache as you go forward, so that caches[l - 1] belongs to layer l.",
                 "L_model_forward.caches-wrong-order")
        check_activation_cache(f"caches[{l - 1}] (layer {l})", cache, A_prev, W, b, Z,
                               ref.relu(Z) if l < L else ref.sigmoid(Z))


def _forward_uses(id_, hint, **pieces):
    return Wrong(id_, "AL is wrong: " + hint, partial(model_forward, **pieces))


L_MODEL_FORWARD = Exercise(
    "L_model_forward", ref.L_model_forward, model_inputs, dict(layer_dims=(5, 4, 3, 1), m=6, seed=6),
    (Out("AL", (0,), "(1, m)"),), returns=a_tuple("(AL, caches)", value, value),
    mistakes=(
        _forward_uses("output-relu", "ReLU on the output layer: layer L uses sigmoid (its output is a probability).",
                      output=RELU_OUTPUT),
        _forward_uses("hidden-sigmoid", "sigmoid on the hidden layers: layers 1..L-1 use ReLU, only the output layer "
                      "L uses sigmoid.", hidden=nets.SIGMOID),
        _forward_uses("activations-swapped", "the activations are swapped: ReLU for the hidden layers 1..L-1, sigmoid "
                      "for the output layer L.", hidden=nets.SIGMOID, output=RELU_OUTPUT),
        _forward_uses("no-output-activation", "no activation on the output layer: AL = sigmoid(ZL).",
                      output=IDENTITY_OUTPUT),
        _forward_uses("no-hidden-activation", "no activation on the hidden layers: A[l] = relu(Z[l]) for l < L.",
                      hidden=IDENTITY),
    ),
    blocks=dict(relu=ref.relu, linear_forward=ref.linear_forward,
                linear_activation_forward=ref.linear_activation_forward),
    extra=model_caches)


# --- compute_cost ----------------------------------------------------------------------------------

COMPUTE_COST = Exercise(
    "compute_cost", ref.compute_cost, cost_inputs, dict(m=5, seed=7), (Out("cost", scalar=True, per_example=True),),
    returns=a_float,
    mistakes=tuple(replace(wrong, hint=wrong.hint.replace("A2", "AL")) for wrong in shallow.COMPUTE_COST.mistakes) + (
        Wrong("only-1-y-term", "You kept only the (1 - Y) log(1 - AL) term: add Y log(AL) for the "
              "examples with label 1.", lambda AL, Y: cost(1 - AL, 1 - Y, positive_only=True)),
        Wrong("no-minus-sign", "The cost is the negative of the average log-likelihood: keep the minus "
              "sign.", lambda AL, Y: -cost(AL, Y)),
    ))


# --- linear_backward, linear_activation_backward, L_model_backward ----------------------------------

def linear_backward_inputs(n_prev=4, n=3, m=5, seed=8):
    rng = np.random.default_rng(seed)
    A_prev, W, b = rng.standard_normal((n_prev, m)), rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1))
    return Inputs((rng.standard_normal((n, m)), (A_prev, W, b)), m)


def linear_grads(dZ, cache, *, dW_scale=True, db_scale=True, dA_scale=False, dW_T=False, axis=1, keepdims=True,
                 dA_from_dW=False):
    """linear_backward with its pieces as arguments."""
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = (A_prev @ dZ.T if dW_T else dZ @ A_prev.T) / (m if dW_scale else 1)
    db = np.sum(dZ, axis=axis, keepdims=keepdims) / (m if db_scale else 1)
    return (dZ @ A_prev.T / m if dA_from_dW else W).T @ dZ / (m if dA_scale else 1), dW, db


def three_gradients(name, result):
    """(dA_prev, dW, db) in this order, db a column."""
    items = expect_tuple(name, result, 3, "a tuple (dA_prev, dW, db)")
    columns = [np.shape(item)[1:] == (1,) for item in items]
    if not columns[2] and any(columns[:2]):
        fail(f"{name} returned its results in another order: return (dA_prev, dW, db), in this order.",
             "linear_backward.wrong-return-order")
    if np.ndim(items[2]) == 0 and not isinstance(items[2], np.ndarray):
        fail("db is a single number: you summed over everything. Sum over the examples only, "
             "db = np.sum(dZ, axis=1, keepdims=True) / m, one value per unit, shape (n[l], 1).",
             "linear_backward.db-scalar")


GRADIENTS = (Out("dA_prev", (0,), "(n[l-1], m), like A_prev", per_example=True),
             Out("dW", (1,), "(n[l], n[l-1]), like W", per_example=True),
             Out("db", (2,), "(n[l], 1), like b", per_example=True))
WRONG_AXIS = "db is summed over the wrong axis: examples are columns, use np.sum(dZ, axis=1, keepdims=True) / m."
LINEAR_BACKWARD = Exercise(
    "linear_backward", ref.linear_backward, linear_backward_inputs, dict(n_prev=4, n=3, m=5, seed=8), GRADIENTS,
    returns=three_gradients,
    mistakes=(
        Wrong("da-prev-over-m", "dA_prev has no 1/m: dA_prev = W^T dZ (the 1/m belongs to dW and db, which "
              "average over the examples).", partial(linear_grads, dA_scale=True)),
        Wrong("da-prev-uses-dw", "dA_prev = W^T dZ uses the weights W, not the gradient dW (slide 8's dW is a "
              "typo).", partial(linear_grads, dA_from_dW=True)),
        Wrong("dw-not-averaged", "dW is missing 1/m: dW = (1/m) dZ A_prev^T averages over the m examples.",
              partial(linear_grads, dW_scale=False)),
        Wrong("dw-transposed", "dW is transposed: dW = (1/m) dZ A_prev^T has the shape of W, (n[l], n[l-1]).",
              partial(linear_grads, dW_T=True)),
        Wrong("dw-transposed-not-averaged", "dW is transposed and missing 1/m: dW = (1/m) dZ A_prev^T.",
              partial(linear_grads, dW_T=True, dW_scale=False)),
        Wrong("db-not-averaged", "db is missing 1/m: db = np.sum(dZ, axis=1, keepdims=True) / m.",
              partial(linear_grads, db_scale=False)),
        Wrong("db-wrong-axis", WRONG_AXIS, partial(linear_grads, axis=0)),
        Wrong("db-wrong-axis-1d", WRONG_AXIS, partial(linear_grads, axis=0, keepdims=False)),
        Wrong("db-no-keepdims", "db was summed without keepdims=True, so it is 1-D: "
              "np.sum(dZ, axis=1, keepdims=True) / m keeps the column shape (n[l], 1) of b.",
              partial(linear_grads, keepdims=False)),
        Wrong("db-summed-over-all", "db is summed over everything: sum over the examples only, "
              "np.sum(dZ, axis=1, keepdims=True) / m.", partial(linear_grads, axis=None)),
    ))


def activation_backward_inputs(n_prev=4, n=3, m=5, seed=9, activation="sigmoid"):
    rng = np.random.default_rng(seed + (activation == "relu"))
    A_prev, W, b = rng.standard_normal((n_prev, m)), rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1))
    return Inputs((rng.standard_normal((n, m)), ((A_prev, W, b), W @ A_prev + b), activation), m)


def activation_backward(dA, cache, activation, *, swap=False, derivative=True):
    """linear_activation_backward with its pieces as arguments."""
    name = {"relu": "sigmoid", "sigmoid": "relu"}[activation] if swap else activation
    slope = ref.relu_backward if name == "relu" else ref.sigmoid_backward
    return ref.linear_backward(slope(dA, cache[1]) if derivative else dA, cache[0])


LINEAR_ACTIVATION_BACKWARD = Exercise(
    "linear_activation_backward", ref.linear_activation_backward, activation_backward_inputs,
    dict(n_prev=4, n=3, m=5, seed=9), (), per_case=lambda activation, **_: {"outputs": tuple(
        replace(out, label=f"{out.label} with activation='{activation}'") for out in GRADIENTS)},
    returns=a_tuple("(dA_prev, dW, db)", value, value, value),
    mistakes=(
        Wrong("other-derivative", "You used the other activation's derivative: pick the "
              "derivative that matches the activation argument, relu_backward for 'relu', sigmoid_backward for "
              "'sigmoid'.", partial(activation_backward, swap=True)),
        Wrong("no-derivative", "The activation's derivative is missing: first "
              "dZ = relu_backward(dA, Z) or sigmoid_backward(dA, Z), then linear_backward(dZ, linear_cache).",
              partial(activation_backward, derivative=False)),
    ),
    blocks=dict(relu_backward=ref.relu_backward, sigmoid_backward=ref.sigmoid_backward,
                linear_backward=ref.linear_backward))


def model_backward_inputs(layer_dims=(3, 3, 3, 3, 1), m=5, seed=36):
    rng = np.random.default_rng(seed)
    parameters, X = network(rng, layer_dims, m)
    Y = labels(rng, m)
    AL, caches = ref.L_model_forward(X, parameters)
    return Inputs((AL, Y, caches), m)


def renumbered_linear(number, L):
    """nets.LINEAR whose backward stores layer l's gradients under the keys dW{k}, db{k}, k = number(l, L)."""
    def backward_(dZ, cache, l, grads, settings):
        own = {}
        dA_prev = nets.LINEAR.backward(dZ, cache, l, own, settings)
        grads[f"dW{number(l, L)}"], grads[f"db{number(l, L)}"] = own[f"dW{l}"], own[f"db{l}"]
        return dA_prev
    return nets.Step("linear", nets.LINEAR.forward, backward_)


def model_backward(AL, Y, caches, *, dAL=lambda AL, Y: -(Y / AL - (1 - Y) / (1 - AL)), output=nets.SIGMOID,
                   hidden=nets.RELU, upwards=False, number=lambda l, L: l):
    """L_model_backward with its pieces as arguments: the network run back from dAL (its output layer's step
    applies sigmoid's derivative); number(l, L): the key of hidden layer l's gradients. upwards: the hidden layers
    visited from layer 1 up, which is the network run on the hidden layers' caches in reverse order, the gradients
    stored under L - position."""
    L = len(caches)
    if upwards:
        caches, number = list(caches[L - 2::-1]) + [caches[L - 1]], (lambda l, L: L - l)
    net = nets.stack((renumbered_linear(number, L), hidden), (nets.LINEAR, output), L)
    return nets.backward(dAL(AL, Y), caches, net, dA_keys=False)


ORDER = ("The hidden layers are visited in the wrong order: backpropagation goes from layer L-1 down to layer 1 "
         "(for l in reversed(range(1, L))), each layer receiving the dA_prev of the layer above it; layer l's cache "
         "is caches[l - 1].")
L_MODEL_BACKWARD = Exercise(
    "L_model_backward", ref.L_model_backward, model_backward_inputs, dict(layer_dims=(3, 3, 3, 3, 1), m=5, seed=36),
    (), per_case=lambda layer_dims, **_: {"outputs": parameter_outputs(layer_dims, grads=True)},
    returns=gradients_dict,
    mistakes=(
        Wrong("dal-sign-flipped", "The sign of dAL is flipped: dAL = -(Y / AL - (1 - Y) / (1 - AL)), "
              "the derivative of the cost with respect to AL.",
              partial(model_backward, dAL=lambda AL, Y: Y / AL - (1 - Y) / (1 - AL))),
        Wrong("dal-no-second-term", "dAL is missing its second term: "
              "dAL = -(Y / AL - (1 - Y) / (1 - AL)).", partial(model_backward, dAL=lambda AL, Y: -(Y / AL))),
        Wrong("dal-no-first-term", "dAL is missing its first term: dAL = -(Y / AL - (1 - Y) / (1 - AL)).",
              partial(model_backward, dAL=lambda AL, Y: (1 - Y) / (1 - AL))),
        Wrong("dzl-passed-as-dal", "You passed AL - Y as dAL: AL - Y is already dZL (sigmoid's derivative "
              "included). Pass dAL = -(Y / AL - (1 - Y) / (1 - AL)) to linear_activation_backward(..., 'sigmoid').",
              partial(model_backward, dAL=lambda AL, Y: AL - Y)),
        Wrong("output-relu", "ReLU's derivative on the output layer: layer L is a "
              "sigmoid layer, linear_activation_backward(dAL, caches[L - 1], 'sigmoid').",
              partial(model_backward, output=nets.RELU)),
        Wrong("hidden-sigmoid", "sigmoid's derivative on the hidden layers: layers "
              "L-1..1 are ReLU layers, linear_activation_backward(dA, caches[l - 1], 'relu').",
              partial(model_backward, hidden=nets.SIGMOID)),
        Wrong("layers-visited-upwards", ORDER, partial(model_backward, upwards=True)),
        Wrong("grads-keys-reversed", "{key} holds the gradient of another layer: store layer l's "
              "gradients under 'dW' + str(l) and 'db' + str(l) (layer l's cache is caches[l - 1]).",
              partial(model_backward, number=lambda l, L: L - l)),
    ),
    blocks=dict(relu_backward=ref.relu_backward, sigmoid_backward=ref.sigmoid_backward,
                linear_backward=ref.linear_backward, linear_activation_backward=ref.linear_activation_backward))


# --- update_parameters -----------------------------------------------------------------------------

def update_inputs(layer_dims=(4, 3, 2, 1), learning_rate=0.1, seed=11):
    """parameters, and grads holding dA keys too (as L_model_backward returns them)."""
    rng = np.random.default_rng(seed)
    parameters = layer_parameters(rng, layer_dims)
    grads = {"d" + k: v for k, v in layer_parameters(rng, layer_dims).items()}
    grads.update({f"dA{l}": rng.standard_normal((layer_dims[l], 3)) for l in range(len(layer_dims) - 1)})
    return Inputs((parameters, grads, learning_rate))


def update(parameters, grads, learning_rate, *, step=lambda value, rate, grad: value - rate * grad,
           updated=lambda key, L: True):
    """update_parameters with the step and the parameters that take it as arguments."""
    L = len(parameters) // 2
    return {k: step(v, learning_rate, grads["d" + k]) if updated(k, L) else v for k, v in parameters.items()}


def a_parameters_dict(name, result):
    expect_keys("the returned parameters", result, ())


STEP = "{key} = {key} - learning_rate * d{key}"
UPDATE_PARAMETERS = Exercise(
    "update_parameters", ref.update_parameters, update_inputs, dict(layer_dims=(4, 3, 2, 1), learning_rate=0.1, seed=11),
    (), per_case=lambda layer_dims, **_: {"outputs": parameter_outputs(layer_dims)},
    returns=a_parameters_dict,
    mistakes=(
        Wrong("not-updated", "{key} was not updated: every parameter takes a step, " + STEP + ".",
              partial(update, updated=lambda key, L: False)),
        Wrong("b-not-updated", "{key} was not updated: every parameter takes a step, " + STEP + " (updating W but "
              "not b).", partial(update, updated=lambda key, L: key.startswith("W"))),
        Wrong("last-layer-skipped", "The last layer was not updated: loop over l = 1..L, "
              "range(1, L + 1) (range(1, L) stops at L - 1).", partial(update, updated=lambda key, L: key[1:] != str(L))),
        Wrong("gradient-added", "{key} moved uphill: subtract the gradient, " + STEP + ".",
              partial(update, step=lambda v, rate, g: v + rate * g)),
        Wrong("no-learning-rate", "The learning rate is missing: the step is learning_rate * d{key}.",
              partial(update, step=lambda v, rate, g: v - g)),
        Wrong("replaced-by-step", "{key} was replaced by the step: " + STEP + ".",
              partial(update, step=lambda v, rate, g: -rate * g)),
    ))


# --- L_layer_model (an escape hatch: a training run, judged by its result and its costs) ------------

def _digits_sample(m, seed):
    X, Y = load_digits_binary((8,), (3,))
    columns = np.random.default_rng(seed).choice(X.shape[1], size=m, replace=False)
    return X[:, columns], Y[:, columns]


@composed_of(initialize_parameters_deep=ref.initialize_parameters_deep, relu=ref.relu, relu_backward=ref.relu_backward,
             sigmoid_backward=ref.sigmoid_backward, linear_forward=ref.linear_forward,
             linear_activation_forward=ref.linear_activation_forward, L_model_forward=ref.L_model_forward,
             compute_cost=ref.compute_cost, linear_backward=ref.linear_backward,
             linear_activation_backward=ref.linear_activation_backward, L_model_backward=ref.L_model_backward,
             update_parameters=ref.update_parameters)
def check_L_layer_model(L_layer_model, layer_dims=(64, 5, 3, 1), m=80, num_iterations=60, learning_rate=0.1, seed=7):
    """L_layer_model trains from He initialisation with the student's building blocks; returns (parameters, costs)."""
    dims, name = list(layer_dims), "L_layer_model"
    X, Y = _digits_sample(m, seed)
    X = X[:dims[0]]
    result = student_call(L_layer_model, name, X.copy(), Y.copy(), list(dims), learning_rate=learning_rate,
                          num_iterations=num_iterations, seed=seed)
    keys = [f"{p}{l}" for l in range(1, len(dims)) for p in ("W", "b")]
    expected, expected_costs = ref.L_layer_model(X, Y, dims, learning_rate, num_iterations, seed=seed)
    with np.errstate(all="ignore"):
        variants = [
            ("L_layer_model.seed-not-passed", "Pass the seed on: initialize_parameters_deep(layer_dims, "
             "seed=seed).", ref.L_layer_model(X, Y, dims, learning_rate, num_iterations)[0]),
            ("L_layer_model.one-step-only", "Only one gradient step was taken: run the loop num_iterations times.",
             ref.L_layer_model(X, Y, dims, learning_rate, 1, seed=seed)[0]),
            ("L_layer_model.shallow-scale-init", "The training started from 0.01-scaled weights: call "
             "initialize_parameters_deep(layer_dims, seed=seed) (He initialisation).",
             ref.train(ref.initialize_parameters_scaled(dims, 0.01, seed=seed), X, Y, learning_rate, num_iterations)[0]),
        ]
    costs = expect_training_run(name, result, keys, num_iterations, ref.initialize_parameters_deep(dims, seed=seed),
                                expected, variants)
    if not np.allclose(costs, expected_costs, rtol=1e-5, atol=1e-8):
        if np.allclose(costs[:-1], expected_costs[1:], rtol=1e-5, atol=1e-8):
            fail("costs are shifted by one iteration: append the cost of the current parameters, computed before "
                 "the update.", "L_layer_model.costs-shifted")
        fail(f"costs[0] = {costs[0]:.6f}, costs[-1] = {costs[-1]:.6f}, expected {expected_costs[0]:.6f} and "
             f"{expected_costs[-1]:.6f}: append compute_cost(AL, Y) once per iteration, before the update.",
             "L_layer_model.wrong-costs")


# --- gradient_check --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CubicSineCost:
    """J(parameters) = sum over the entries of weights * p^3 / 3 + sin(2 p): smooth, not quadratic (a value, not
    a closure, so that the student edition can store it)."""
    weights: dict

    def __call__(self, parameters) -> float:
        return float(sum(np.sum(self.weights[k] * parameters[k] ** 3 / 3 + np.sin(2 * parameters[k]))
                         for k in self.weights))


def gradient_check_inputs(layer_dims=(3, 2, 1), seed=12, exact=True):
    """A smooth, non-quadratic cost (cubes and sines), its parameters, and its exact gradients (exact, with
    epsilon 1e-3) or gradients 5% off (with epsilon 1e-7)."""
    rng = np.random.default_rng(seed)
    parameters = layer_parameters(rng, layer_dims)
    weights = {k: rng.uniform(0.5, 1.5, v.shape) for k, v in parameters.items()}
    cost_fn = CubicSineCost(weights)
    grads = {"d" + k: weights[k] * v ** 2 + 2 * np.cos(2 * v) for k, v in parameters.items()}
    wrong = {k: v * (1 + 0.05 * rng.standard_normal(v.shape)) for k, v in grads.items()}
    return Inputs((cost_fn, parameters, grads if exact else wrong, 1e-3 if exact else 1e-7))


def difference(cost_fn, parameters, grads, epsilon=1e-7, *,
               quotient=lambda plus, base, minus, eps: (plus - minus) / (2 * eps),
               relative=lambda d, a, g: np.linalg.norm(d) / (np.linalg.norm(a) + np.linalg.norm(g)), fixed=None):
    """gradient_check with its pieces as arguments (fixed: an epsilon used in place of the argument)."""
    eps, approx, exact = fixed or epsilon, [], []
    for key, theta in parameters.items():
        theta = theta.copy()
        for index in np.ndindex(theta.shape):
            shifted, original = [], theta[index]
            for step in (eps, 0.0, -eps):
                theta[index] = original + step
                shifted.append(cost_fn({**parameters, key: theta}))
            theta[index] = original
            approx.append(quotient(*shifted, eps))
            exact.append(grads["d" + key][index])
    approx, exact = np.array(approx), np.array(exact)
    return float(relative(approx - exact, approx, exact))


GRADIENT_CHECK = Exercise(
    "gradient_check", ref.gradient_check, gradient_check_inputs, dict(layer_dims=(3, 2, 1), seed=12),
    (), per_case=lambda exact=True, **_: {"outputs": (Out(
        "gradient_check with " + ("the exact gradients, epsilon=1e-3" if exact else "slightly wrong gradients, "
                                  "epsilon=1e-7"), scalar=True, rtol=1e-4, atol=1e-12),)}, returns=a_float,
    mistakes=(
        Wrong("forward-difference", "You used one-sided differences (J(theta + eps) - J(theta)) / eps: "
              "the two-sided (J(theta + eps) - J(theta - eps)) / (2 eps) is far more accurate (error eps^2 instead of "
              "eps).", partial(difference, quotient=lambda plus, base, minus, eps: (plus - base) / eps)),
        Wrong("backward-difference", "You used one-sided differences (J(theta) - J(theta - eps)) / eps: "
              "use the two-sided (J(theta + eps) - J(theta - eps)) / (2 eps).",
              partial(difference, quotient=lambda plus, base, minus, eps: (base - minus) / eps)),
        Wrong("divided-by-eps", "The two-sided difference is divided by eps instead of 2 eps: "
              "(J(theta + eps) - J(theta - eps)) / (2 eps).",
              partial(difference, quotient=lambda plus, base, minus, eps: (plus - minus) / eps)),
        Wrong("no-denominator", "You returned ||approx - grad|| without the denominator: divide "
              "by ||approx|| + ||grad||, so that the difference is relative (independent of the gradients' scale).",
              partial(difference, relative=lambda d, a, g: np.linalg.norm(d))),
        Wrong("denominator-grad-only", "The denominator is ||approx|| + ||grad||, both norms, not "
              "||grad|| alone.", partial(difference, relative=lambda d, a, g: np.linalg.norm(d) / np.linalg.norm(g))),
        Wrong("sums-of-squares", "Use norms (np.linalg.norm), not sums of squares: "
              "||approx - grad|| / (||approx|| + ||grad||).",
              partial(difference, relative=lambda d, a, g: np.sum(d ** 2) / (np.sum(a ** 2) + np.sum(g ** 2)))),
        Wrong("fixed-epsilon", "You ignored the epsilon argument (the test calls it with "
              "epsilon=1e-3): use it instead of a fixed 1e-7.", partial(difference, fixed=1e-7)),
    ))


def check_gradient_check(gradient_check, layer_dims=(3, 2, 1), seed=12):
    """difference = ||approx - grad|| / (||approx|| + ||grad||), approx by two-sided differences with epsilon; run
    with the exact gradients and epsilon=1e-3, then with gradients 5% off and epsilon=1e-7."""
    for exact in (True, False):
        case = dict(layer_dims=layer_dims, seed=seed, exact=exact)
        unchanged("gradient_check", (1, "gradient_check changed parameters: after computing J(theta + epsilon) and "
                                     "J(theta - epsilon), put the original value back (or perturb a copy).",
                                     "gradient_check.changed-parameters"))(
            gradient_check, None, GRADIENT_CHECK.inputs(**case))
        run(GRADIENT_CHECK, gradient_check, case)
    passed("gradient_check")


# --- challenge (optional, ungraded): how precise is a difference quotient? -------------------------

@dataclass(frozen=True)
class ExpPlusCubic:
    """f(t) = e^(a t) + c t^3 (a value, not a closure, so that the student edition can store it)."""
    a: float
    c: float

    def __call__(self, t) -> float:
        return float(np.exp(self.a * t) + self.c * t ** 3)


def quotient_inputs(x=0.7, epsilon=1e-2, seed=13, two_sided=True):
    a, c = np.random.default_rng(seed).uniform(0.5, 1.5, 2)
    return Inputs((ExpPlusCubic(float(a), float(c)), x, epsilon, two_sided))


def quotient(f, x, epsilon, two_sided=True, *, central=lambda f, x, e: (f(x + e) - f(x - e)) / (2 * e),
             one_sided=lambda f, x, e: (f(x + e) - f(x)) / e, which=lambda two_sided: two_sided):
    """difference_quotient with its pieces as arguments."""
    return (central if which(two_sided) else one_sided)(f, x, epsilon)


DIFFERENCE_QUOTIENT = Exercise(
    "difference_quotient", gradcheck.difference_quotient, quotient_inputs, dict(x=0.7, epsilon=1e-2, seed=13),
    (), per_case=lambda x, epsilon, two_sided, **_: {"outputs": (Out(
        f"difference_quotient(f, {x}, {epsilon}, two_sided={two_sided})", scalar=True, rtol=1e-9),)},
    returns=a_float,
    mistakes=(
        Wrong("divided-by-eps", "The two-sided quotient spans 2 epsilon: divide f(x + eps) - f(x - eps) by "
              "2 epsilon.", partial(quotient, central=lambda f, x, e: (f(x + e) - f(x - e)) / e)),
        Wrong("returned-one-sided", "two_sided=True asks for (f(x + eps) - f(x - eps)) / (2 eps): you returned "
              "the one-sided quotient.", partial(quotient, which=lambda two_sided: False)),
        Wrong("returned-two-sided", "two_sided=False asks for the one-sided (f(x + eps) - f(x)) / eps: you "
              "returned the two-sided quotient.", partial(quotient, which=lambda two_sided: True)),
        Wrong("backward-difference", "The one-sided quotient of this challenge looks forward: (f(x + eps) - f(x)) / "
              "eps, not (f(x) - f(x - eps)) / eps.", partial(quotient, one_sided=lambda f, x, e: (f(x) - f(x - e)) / e)),
    ))


EACH_ACTIVATION = ("activation", lambda case: ("sigmoid", "relu"))
check_relu = check(RELU)
check_relu_backward = check(RELU_BACKWARD)
check_sigmoid_backward = check(SIGMOID_BACKWARD)
check_linear_forward = check(LINEAR_FORWARD, ("square", lambda case: (True, False)))
check_linear_activation_forward = check(LINEAR_ACTIVATION_FORWARD, EACH_ACTIVATION)
check_L_model_forward = check(L_MODEL_FORWARD)
check_compute_cost = check(COMPUTE_COST)
check_linear_backward = check(LINEAR_BACKWARD)
check_linear_activation_backward = check(LINEAR_ACTIVATION_BACKWARD, EACH_ACTIVATION)
check_L_model_backward = with_crash_hint(check(L_MODEL_BACKWARD), ("ValueError", "IndexError"),
                                         "In L_model_backward this usually means: " + ORDER,
                                         "L_model_backward.layers-visited-upwards")
check_update_parameters = with_crash_hint(
    check(UPDATE_PARAMETERS), ("KeyError",), "grads may hold more than dW and db (L_model_backward also returns "
    "dA0..dA{L-1}), and parameters holds 2L entries: loop over the layers, for l in range(1, L + 1), with "
    "L = len(parameters) // 2.")
check_difference_quotient = check(DIFFERENCE_QUOTIENT, ("two_sided", lambda case: (True, False)))

#: The exercises described as data (the tests feed each named mistake in); the others are checked by
#: code of their own above: check_initialize_parameters_deep and check_L_layer_model.
EXERCISES = (RELU, RELU_BACKWARD, SIGMOID_BACKWARD, LINEAR_FORWARD, LINEAR_ACTIVATION_FORWARD, L_MODEL_FORWARD,
             COMPUTE_COST, LINEAR_BACKWARD, LINEAR_ACTIVATION_BACKWARD, L_MODEL_BACKWARD, UPDATE_PARAMETERS,
             GRADIENT_CHECK, DIFFERENCE_QUOTIENT)
CHALLENGES = (DIFFERENCE_QUOTIENT,)     # optional and ungraded: no hidden test
