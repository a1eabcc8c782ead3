"""Checks for notebook 02 (deep network, step by step). Each `check_*` takes the student's function,
runs it on fresh inputs (sizes and seed are arguments, so hidden tests use new ones) and raises
ExerciseFailure naming the mistake, or prints a success line.

The named mistakes are computed here with the typical bug (a variant of the reference), so the
message appears only when the student's value really equals that bug's value.
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import deep as ref
from .core import (ExerciseFailure, Mistake, composed_of, expect_array, expect_float, expect_keys, expect_tuple,
                   fail, passed, student_call)
from .core import copy_inputs as _copy, same_array as _same


# --- inputs ------------------------------------------------------------------------------------

def _labels(rng, m):
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    Y[0, :2] = [0.0, 1.0]            # both classes present whatever the seed
    return Y


def _random_parameters(rng, dims):
    """Parameters of moderate scale with non-zero biases, so that every term of a formula matters
    and no unit saturates."""
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = rng.uniform(0.1, 0.6, (dims[l], 1))
    return parameters


def _z_with_zeros(rng, shape):
    """Standard normal values with a few exact zeros (where ReLU's slope convention matters)."""
    Z = rng.standard_normal(shape)
    Z.flat[1::4] = 0.0
    return Z


def _unchanged(name, before, after, fn_name, fix):
    if not np.array_equal(before, after):
        fail(f"{fn_name} modified its input {name} in place: {fix}", mistake="unchanged.modified-its-input-in-place")


# --- reference variants (the typical bugs) ------------------------------------------------------

def _forward(X, parameters, hidden="relu", output="sigmoid"):
    activations = {"relu": ref.relu, "sigmoid": ref.sigmoid, "identity": lambda Z: Z}
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        caches.append(((A, parameters[f"W{l}"], parameters[f"b{l}"]), Z))
        A = activations[hidden if l < L else output](Z)
    return A, caches


def _backward(AL, Y, caches, *, dAL=None, hidden="relu", output="sigmoid", order="down"):
    """L_model_backward with a typical bug: another dAL, other activations, or layers visited upwards."""
    L = len(caches)
    dA = -(Y / AL - (1 - Y) / (1 - AL)) if dAL is None else dAL
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = ref.linear_activation_backward(dA, caches[L - 1], output)
    hidden_layers = range(L - 1, 0, -1) if order == "down" else range(1, L)
    for l in hidden_layers:
        dA, grads[f"dW{l}"], grads[f"db{l}"] = ref.linear_activation_backward(dA, caches[l - 1], hidden)
    return grads


def _variants_that_run(variants):
    """[(hint, thunk)] -> [(hint, value)], leaving out the bugs that cannot run on these shapes."""
    result = []
    with np.errstate(all="ignore"):
        for hint, thunk in variants:
            try:
                result.append((hint, thunk()))
            except (ValueError, TypeError):
                continue
    return result


def _mistakes(variants):
    """[(hint, thunk)] -> [Mistake], leaving out the bugs that cannot run on these shapes."""
    return [Mistake(hint, value) for hint, value in _variants_that_run(variants)]


# --- exercises ----------------------------------------------------------------------------------

def check_initialize_parameters_deep(initialize_parameters_deep, layer_dims=(5, 4, 3, 1), seed=3):
    """He initialisation: W{l} = rng.standard_normal((n[l], n[l-1])) * sqrt(2 / n[l-1]), b{l} = 0."""
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = student_call(initialize_parameters_deep, "initialize_parameters_deep", list(dims), seed=seed)
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
    expect_keys("parameters", parameters, keys)
    extra = sorted(set(parameters) - set(keys))
    if extra:
        fail(f"parameters has the extra key(s) {extra}: layer_dims = {dims} describes L = len(layer_dims) - 1 = {L} "
             f"layers, W1..W{L} (layer_dims[0] is the input, which has no parameters).", mistake="initialize_parameters_deep.parameters-has-the-extra-key-s")
    again = student_call(initialize_parameters_deep, "initialize_parameters_deep", list(dims), seed=seed)
    if isinstance(again, dict) and not all(np.array_equal(again.get(k), parameters[k]) for k in keys):
        fail("Two calls with the same seed gave different parameters: create rng = np.random.default_rng(seed) "
             "inside the function instead of using the global np.random state.", mistake="initialize_parameters_deep.two-calls-with-the-same-seed")
    expected = ref.initialize_parameters_deep(dims, seed=seed)

    def variant(scale_of, *, method="standard_normal", transposed=False, fresh_rng=False, legacy=False):
        rng = np.random.default_rng(seed)
        if legacy:
            state = np.random.RandomState(seed)
        out = {}
        for l in range(1, L + 1):
            if fresh_rng:
                rng = np.random.default_rng(seed)
            shape = (dims[l], dims[l - 1])
            if legacy:
                draw = state.randn(*shape)
            elif transposed:
                draw = getattr(rng, method)(shape[::-1]).T
            else:
                draw = getattr(rng, method)(shape)
            out[f"W{l}"] = draw * scale_of(dims[l - 1], dims[l])
        return out

    he = lambda n_in, n_out: np.sqrt(2.0 / n_in)
    variants = [
        ("has no scale: He initialisation multiplies the standard normal draws by np.sqrt(2 / layer_dims[l - 1]).",
         variant(lambda n_in, n_out: 1.0)),
        ("is scaled by 0.01, the shallow network's choice: a deep ReLU network needs He's "
         "np.sqrt(2 / layer_dims[l - 1]), or its signals vanish with depth (section 9 shows it).",
         variant(lambda n_in, n_out: 0.01)),
        ("is scaled by sqrt(1 / n[l-1]) (Xavier's choice, for tanh): ReLU zeroes half of the units, so He uses "
         "np.sqrt(2 / layer_dims[l - 1]).", variant(lambda n_in, n_out: np.sqrt(1.0 / n_in))),
        ("is scaled with the wrong layer size: divide by the layer's number of inputs, "
         "np.sqrt(2 / layer_dims[l - 1]), not by layer_dims[l].", variant(lambda n_in, n_out: np.sqrt(2.0 / n_out))),
        ("is scaled by 2 / n[l-1]: take the square root, np.sqrt(2 / layer_dims[l - 1]).",
         variant(lambda n_in, n_out: 2.0 / n_in)),
        ("was drawn with shape (n[l-1], n[l]) and transposed: draw rng.standard_normal((layer_dims[l], "
         "layer_dims[l - 1])) directly, so that everyone's numbers agree.", variant(he, transposed=True)),
        ("repeats the same numbers in every layer: create rng = np.random.default_rng(seed) once, before the loop.",
         variant(he, fresh_rng=True)),
        ("is uniform: use rng.standard_normal (a normal distribution), not rng.random (uniform on [0, 1)).",
         variant(he, method="random")),
        ("comes from the legacy np.random.seed / np.random.randn: use rng = np.random.default_rng(seed) and "
         "rng.standard_normal (a different generator, and no global state).", variant(he, legacy=True)),
    ]
    for l in range(1, L + 1):
        W = parameters[f"W{l}"]
        if isinstance(W, np.ndarray) and W.shape == expected[f"W{l}"].shape:
            if np.allclose(W, 0):
                fail(f"W{l} is all zeros. Zero weights make every unit of a layer compute the same thing and get "
                     f"the same gradient (symmetry is never broken; with ReLU nothing learns at all): "
                     f"initialise W randomly (He), b with zeros.", mistake="initialize_parameters_deep.w-is-all-zeros-zero-weights")
            if W.size > 1 and np.allclose(W, W.flat[0]):
                fail(f"every entry of W{l} is equal: the units of layer {l} would stay identical forever "
                     f"(symmetry). Draw W{l} at random.", mistake="initialize_parameters_deep.every-entry-of-w-is-equal")
        mistakes = [Mistake(f"W{l} {text}", value[f"W{l}"], id="initialize_parameters_deep.w") for text, value in variants]
        expect_array(f"parameters['W{l}']", W, expected[f"W{l}"], mistakes=mistakes,
                     what=f"(n[{l}], n[{l - 1}]) = (layer_dims[{l}], layer_dims[{l - 1}])")
        expect_array(f"parameters['b{l}']", parameters[f"b{l}"], expected[f"b{l}"], what=f"(n[{l}], 1): zeros")
    passed("initialize_parameters_deep")


def check_relu(relu, shape=(3, 4), seed=0):
    """relu(Z) = max(0, Z), element-wise, as a new array."""
    rng = np.random.default_rng(seed)
    Z = _z_with_zeros(rng, shape)
    original = Z.copy()
    A = student_call(relu, "relu", Z)
    _unchanged("Z", original, Z, "relu",
               "np.maximum(0, Z) returns a new array; Z[Z < 0] = 0 overwrites Z, which the backward pass needs.")
    expected = ref.relu(original)
    with np.errstate(over="ignore"):
        mistakes = [
            Mistake("np.max(Z, 0) is the largest value of each column (a reduction along axis 0): use "
                    "np.maximum(0, Z), element by element.", np.max(original, axis=0), id="relu.np-max-z-is-the-largest"),
            Mistake("np.max(Z, 0) is the largest value of each column (a reduction along axis 0): use "
                    "np.maximum(0, Z), element by element.", np.max(original, axis=0, keepdims=True), id="relu.np-max-z-is-the-largest-2"),
            Mistake("You returned the mask Z > 0 (relu's derivative): relu keeps the value, max(0, Z).",
                    (original > 0).astype(float), id="relu.you-returned-the-mask-z-relu"),
            Mistake("You returned |Z|: relu sets negative values to 0, max(0, Z).", np.abs(original), id="relu.you-returned-z-relu-sets-negative"),
            Mistake("You returned min(0, Z): relu is np.maximum(0, Z).", np.minimum(0, original), id="relu.you-returned-min-z-relu-is"),
            Mistake("You returned Z unchanged: relu is np.maximum(0, Z).", original, id="relu.you-returned-z-unchanged-relu-is"),
            Mistake("You returned sigmoid(Z): relu is np.maximum(0, Z).", ref.sigmoid(original), id="relu.you-returned-sigmoid-z-relu-is"),
        ]
    expect_array(f"relu(Z) for Z of shape {shape}", A, expected, mistakes=mistakes,
                 what="(the same shape as Z: relu works element-wise)")
    passed("relu")


def check_relu_backward(relu_backward, shape=(3, 5), seed=1):
    """dZ = dA * (Z > 0)."""
    rng = np.random.default_rng(seed)
    Z = _z_with_zeros(rng, shape)
    dA = rng.standard_normal(shape)
    Z0, dA0 = Z.copy(), dA.copy()
    dZ = student_call(relu_backward, "relu_backward", dA, Z)
    _unchanged("dA", dA0, dA, "relu_backward",
               "dZ = dA makes dZ another name for the same array. Compute dZ = dA * (Z > 0), or start from "
               "a copy, dZ = np.array(dA, copy=True).")
    _unchanged("Z", Z0, Z, "relu_backward", "compute a new array, dZ = dA * (Z > 0).")
    expected = ref.relu_backward(dA0, Z0)
    expect_array(f"relu_backward(dA, Z) for shape {shape}", dZ, expected, what="(the same shape as dA and Z)",
                 mistakes=[
                     Mistake("The mask uses dA > 0: the slope of ReLU depends on its input Z, dZ = dA * (Z > 0).",
                             dA0 * (dA0 > 0), id="relu_backward.the-mask-uses-da-the-slope"),
                     Mistake("You returned the mask Z > 0 alone: multiply it by the incoming gradient, "
                             "dZ = dA * (Z > 0).", (Z0 > 0).astype(float), id="relu_backward.you-returned-the-mask-z-alone"),
                     Mistake("At Z = 0 the slope is taken as 0: use the strict Z > 0, not Z >= 0.",
                             dA0 * (Z0 >= 0), id="relu_backward.at-z-the-slope-is-taken"),
                     Mistake("You multiplied dA by relu(Z): the derivative of relu is the mask (Z > 0), not relu "
                             "itself.", dA0 * ref.relu(Z0), id="relu_backward.you-multiplied-da-by-relu-z"),
                     Mistake("The mask is inverted: the gradient passes where Z > 0.", dA0 * (Z0 <= 0), id="relu_backward.the-mask-is-inverted-the-gradient"),
                     Mistake("The mask is inverted: the gradient passes where Z > 0.", dA0 * (Z0 < 0), id="relu_backward.the-mask-is-inverted-the-gradient-2"),
                     Mistake("You returned dA unchanged: the gradient only passes where Z > 0, dZ = dA * (Z > 0).",
                             dA0, id="relu_backward.you-returned-da-unchanged-the-gradient"),
                 ])
    passed("relu_backward")


def check_sigmoid_backward(sigmoid_backward, shape=(2, 5), seed=2):
    """dZ = dA * s * (1 - s) with s = sigmoid(Z)."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal(shape) * 2
    dA = rng.standard_normal(shape)
    Z0, dA0 = Z.copy(), dA.copy()
    dZ = student_call(sigmoid_backward, "sigmoid_backward", dA, Z)
    _unchanged("dA", dA0, dA, "sigmoid_backward", "compute a new array, dZ = dA * s * (1 - s).")
    _unchanged("Z", Z0, Z, "sigmoid_backward", "compute s = sigmoid(Z) into a new variable.")
    s = ref.sigmoid(Z0)
    expect_array(f"sigmoid_backward(dA, Z) for shape {shape}", dZ, ref.sigmoid_backward(dA0, Z0),
                 what="(the same shape as dA and Z)", mistakes=[
                     Mistake("You used Z * (1 - Z): the derivative is s * (1 - s) with s = sigmoid(Z), "
                             "the activation, not its input Z.", dA0 * Z0 * (1 - Z0), id="sigmoid_backward.you-used-z-z-the-derivative"),
                     Mistake("You returned s * (1 - s) alone: multiply by the incoming gradient, "
                             "dZ = dA * s * (1 - s).", s * (1 - s), id="sigmoid_backward.you-returned-s-s-alone-multiply"),
                     Mistake("You used 1 - s**2, tanh's derivative: sigmoid's is s * (1 - s).", dA0 * (1 - s ** 2), id="sigmoid_backward.you-used-s-tanh-s-derivative"),
                     Mistake("The factor (1 - s) is missing: dZ = dA * s * (1 - s).", dA0 * s, id="sigmoid_backward.the-factor-s-is-missing-dz"),
                     Mistake("The factor s is missing: dZ = dA * s * (1 - s).", dA0 * (1 - s), id="sigmoid_backward.the-factor-s-is-missing-dz-2"),
                 ])
    passed("sigmoid_backward")


def _check_linear_cache(name, cache, A_prev, W, b):
    parts, names = (A_prev, W, b), ("A_prev", "W", "b")
    if not isinstance(cache, (tuple, list)) or len(cache) != 3:
        got = f"a {type(cache).__name__}" + (f" of length {len(cache)}" if isinstance(cache, (tuple, list)) else "")
        fail(f"{name} must be the tuple (A_prev, W, b), got {got}.", mistake="check_linear_cache.must-be-the-tuple-a-prev")
    for i, (item, expected, item_name) in enumerate(zip(cache, parts, names)):
        if _same(item, expected):
            continue
        for other, other_name in zip(parts, names):
            if other_name != item_name and _same(item, other):
                fail(f"{name}[{i}] is {other_name}, but the linear cache is (A_prev, W, b) in this order "
                     f"(linear_backward unpacks A_prev, W, b = cache): the cache items are in the wrong order.", mistake="check_linear_cache.is-but-the-linear-cache-is")
        fail(f"{name}[{i}] must be {item_name}, as it was passed in: the linear cache is (A_prev, W, b).", mistake="check_linear_cache.must-be-as-it-was-passed")


def check_linear_forward(linear_forward, n_prev=3, n=2, m=4, seed=4):
    """Z = W A_prev + b; returns (Z, (A_prev, W, b)). Runs a square W first (to recognise W.T), then (n, n_prev)."""
    rng = np.random.default_rng(seed)
    for rows in dict.fromkeys((n_prev, n)):
        A_prev = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((rows, n_prev))
        b = rng.standard_normal((rows, 1))
        result = student_call(linear_forward, "linear_forward", A_prev.copy(), W.copy(), b.copy())
        Z, cache = expect_tuple("linear_forward", result, 2, "a tuple (Z, cache)")
        expected, _ = ref.linear_forward(A_prev, W, b)
        transposed = "Z is transposed: you computed A_prev.T @ W.T; examples are columns, Z = W @ A_prev + b."
        expect_array(f"Z (W of shape {W.shape}, A_prev {A_prev.shape})", Z, expected, what="(n[l], m)",
                     mistakes=_mistakes([
                         ("You used W.T: Z = W @ A_prev + b, with W of shape (n[l], n[l-1]) as it is (no transpose).",
                          lambda: W.T @ A_prev + b),
                         ("Z is missing the bias: Z = W @ A_prev + b.", lambda: W @ A_prev),
                         (transposed, lambda: A_prev.T @ W.T + b.T),
                         (transposed, lambda: A_prev.T @ W.T),
                     ]))
        _check_linear_cache("cache", cache, A_prev, W, b)
    passed("linear_forward")


def _check_activation_cache(name, cache, A_prev, W, b, Z, A):
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        got = f"a {type(cache).__name__}" + (f" of length {len(cache)}" if isinstance(cache, (tuple, list)) else "")
        fail(f"{name} must be the tuple (linear_cache, Z), got {got}.", mistake="check_activation_cache.must-be-the-tuple-linear-cache")
    first, second = cache
    if isinstance(first, np.ndarray) and isinstance(second, (tuple, list)):
        fail(f"{name} is (Z, linear_cache): the cache items are in the wrong order; it must be "
             f"(linear_cache, Z), which linear_activation_backward unpacks as linear_cache, Z = cache.", mistake="check_activation_cache.is-z-linear-cache-the-cache")
    _check_linear_cache(f"{name}[0] (the linear cache)", first, A_prev, W, b)
    if _same(second, A) and not _same(second, Z):
        fail(f"{name}[1] is A: the activation cache is Z, the input of the activation (its derivative needs Z).", mistake="check_activation_cache.is-a-the-activation-cache-is")
    expect_array(f"{name}[1] (the activation cache Z)", second, Z, what="(n[l], m)")


@composed_of(linear_forward=ref.linear_forward, relu=ref.relu)
def check_linear_activation_forward(linear_activation_forward, n_prev=4, n=3, m=5, seed=5):
    """A = g(W A_prev + b) for g = relu and sigmoid; returns (A, ((A_prev, W, b), Z))."""
    rng = np.random.default_rng(seed)
    for activation in ("sigmoid", "relu"):
        A_prev = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((n, n_prev))
        b = rng.standard_normal((n, 1))
        result = student_call(linear_activation_forward, "linear_activation_forward",
                              A_prev.copy(), W.copy(), b.copy(), activation)
        A, cache = expect_tuple("linear_activation_forward", result, 2, "a tuple (A, cache)")
        expected, ((_, _, _), Z) = ref.linear_activation_forward(A_prev, W, b, activation)
        other = ref.relu(Z) if activation == "sigmoid" else ref.sigmoid(Z)
        expect_array(f"A with activation='{activation}'", A, expected, what="(n[l], m)", mistakes=[
            Mistake(f"activation='{activation}' but you applied {'relu' if activation == 'sigmoid' else 'sigmoid'}: "
                    f"compare the activation argument with the strings 'sigmoid' and 'relu'.", other, id="linear_activation_forward.activation-but-you-applied-compare-the"),
            Mistake("A is Z: apply the activation to Z = W A_prev + b.", Z, id="linear_activation_forward.a-is-z-apply-the-activation"),
            Mistake("The bias is missing: Z = W A_prev + b, then the activation.",
                    ref.relu(W @ A_prev) if activation == "relu" else ref.sigmoid(W @ A_prev), id="linear_activation_forward.the-bias-is-missing-z-w"),
        ])
        _check_activation_cache(f"cache (activation='{activation}')", cache, A_prev, W, b, Z, expected)


@composed_of(relu=ref.relu, linear_forward=ref.linear_forward, linear_activation_forward=ref.linear_activation_forward)
def check_L_model_forward(L_model_forward, layer_dims=(5, 4, 3, 1), m=6, seed=6):
    """L-1 ReLU layers then one sigmoid layer; returns (AL, caches) with caches[l-1] = ((A{l-1}, W{l}, b{l}), Z{l})."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _random_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m))
    result = student_call(L_model_forward, "L_model_forward", X.copy(), _copy(parameters))
    AL, caches = expect_tuple("L_model_forward", result, 2, "a tuple (AL, caches)")
    expected, expected_caches = ref.L_model_forward(X, parameters)
    variants = [
        ("ReLU on the output layer: layer L uses sigmoid (its output is a probability).", "relu", "relu"),
        ("sigmoid on the hidden layers: layers 1..L-1 use ReLU, only the output layer L uses sigmoid.",
         "sigmoid", "sigmoid"),
        ("the activations are swapped: ReLU for the hidden layers 1..L-1, sigmoid for the output layer L.",
         "sigmoid", "relu"),
        ("no activation on the output layer: AL = sigmoid(ZL).", "relu", "identity"),
        ("no activation on the hidden layers: A{l} = relu(Z{l}) for l < L.", "identity", "sigmoid"),
    ]
    expect_array("AL", AL, expected, what="(1, m)",
                 mistakes=[Mistake("AL is wrong: " + text, _forward(X, parameters, hidden, output)[0])
                           for text, hidden, output in variants])
    if not isinstance(caches, (list, tuple)):
        fail(f"caches must be a list with one cache per layer, got {type(caches).__name__}.", mistake="L_model_forward.caches-must-be-a-list-with")
    if len(caches) != L:
        hint = (" The loop seems to skip a layer: run the ReLU layers l = 1..L-1, then the sigmoid layer L, "
                "appending each layer's cache." if len(caches) == L - 1 else "")
        fail(f"caches has {len(caches)} entries, expected L = {L} (one per layer).{hint}", mistake="L_model_forward.caches-has-entries-expected-l-one")
    for l in range(1, L + 1):
        cache = caches[l - 1]
        (A_prev, W, b), Z = expected_caches[l - 1]
        if (isinstance(cache, (tuple, list)) and len(cache) == 2 and not _same(cache[1], Z)
                and any(_same(cache[1], other[1]) for other in expected_caches)):
            fail(f"caches[{l - 1}] is the cache of another layer: the caches are in the wrong order. Append each "
                 f"layer's cache as you go forward, so that caches[l - 1] belongs to layer l.", mistake="L_model_forward.caches-is-the-cache-of-another")
        _check_activation_cache(f"caches[{l - 1}] (layer {l})", cache, A_prev, W, b, Z,
                                ref.relu(Z) if l < L else ref.sigmoid(Z))


def check_compute_cost(compute_cost, m=5, seed=7):
    """J = -(1/m) sum(Y log AL + (1 - Y) log(1 - AL)), returned as a float."""
    rng = np.random.default_rng(seed)
    AL = rng.uniform(0.05, 0.95, (1, m))
    Y = _labels(rng, m)
    expected = ref.compute_cost(AL, Y)
    cost = student_call(compute_cost, "compute_cost", AL.copy(), Y.copy())
    expect_float("cost", cost, expected, m=m, mistakes=[
        Mistake("You kept only the Y log(AL) term: add (1 - Y) log(1 - AL) for the examples with label 0.",
                float(-np.sum(Y * np.log(AL)) / m), id="compute_cost.you-kept-only-the-y-log"),
        Mistake("Use the natural logarithm np.log, not np.log10.",
                float(-np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL)) / m), id="compute_cost.use-the-natural-logarithm-np-log"),
        Mistake("The two terms are swapped: Y goes with log(AL), (1 - Y) with log(1 - AL).",
                float(-np.sum(Y * np.log(1 - AL) + (1 - Y) * np.log(AL)) / m), id="compute_cost.the-two-terms-are-swapped-y"),
        Mistake(f"The cost is the sum over the examples: average it, multiply by 1/m (m = {m}).", expected * m, id="compute_cost.the-cost-is-the-sum-over"),
        Mistake("The cost is the negative of the average log-likelihood: keep the minus sign.", -expected, id="compute_cost.the-cost-is-the-negative-of"),
    ])
    passed("compute_cost")


def check_linear_backward(linear_backward, n_prev=4, n=3, m=5, seed=8):
    """dW = (1/m) dZ A_prev^T, db = (1/m) sum(dZ, axis=1, keepdims=True), dA_prev = W^T dZ."""
    rng = np.random.default_rng(seed)
    A_prev = rng.standard_normal((n_prev, m))
    W = rng.standard_normal((n, n_prev))
    b = rng.standard_normal((n, 1))
    dZ = rng.standard_normal((n, m))
    result = student_call(linear_backward, "linear_backward", dZ.copy(), (A_prev.copy(), W.copy(), b.copy()))
    dA_prev, dW, db = expect_tuple("linear_backward", result, 3, "a tuple (dA_prev, dW, db)")
    expected = ref.linear_backward(dZ, (A_prev, W, b))
    shapes = [np.shape(x) for x in expected]
    got_shapes = [np.shape(x) for x in (dA_prev, dW, db)]
    if got_shapes != shapes and sorted(got_shapes) == sorted(shapes) and len(set(shapes)) == 3:
        fail("linear_backward returned its results in another order: return (dA_prev, dW, db), in this order.", mistake="linear_backward.linear-backward-returned-its-results-in")
    expect_array("dA_prev", dA_prev, expected[0], m=m, what="(n[l-1], m), like A_prev", mistakes=[
        Mistake("dA_prev has no 1/m: dA_prev = W^T dZ (the 1/m belongs to dW and db, which average over the "
                "examples).", W.T @ dZ / m, id="linear_backward.da-prev-has-no-m-da"),
        Mistake("dA_prev = W^T dZ uses the weights W, not the gradient dW (slide 8's dW is a typo).",
                (dZ @ A_prev.T / m).T @ dZ, id="linear_backward.da-prev-w-t-dz-uses"),
    ])
    expect_array("dW", dW, expected[1], m=m, what="(n[l], n[l-1]), like W", mistakes=[
        Mistake("dW is missing 1/m: dW = (1/m) dZ A_prev^T averages over the m examples.", dZ @ A_prev.T, id="linear_backward.dw-is-missing-m-dw-m"),
        Mistake("dW is transposed: dW = (1/m) dZ A_prev^T has the shape of W, (n[l], n[l-1]).", A_prev @ dZ.T / m, id="linear_backward.dw-is-transposed-dw-m-dz"),
        Mistake("dW is transposed and missing 1/m: dW = (1/m) dZ A_prev^T.", A_prev @ dZ.T, id="linear_backward.dw-is-transposed-and-missing-m"),
    ])
    if np.ndim(db) == 0 and not isinstance(db, np.ndarray):
        fail("db is a single number: you summed over everything. Sum over the examples only, "
             "db = np.sum(dZ, axis=1, keepdims=True) / m, one value per unit, shape (n[l], 1).", mistake="linear_backward.db-is-a-single-number-you")
    expect_array("db", db, expected[2], m=m, what="(n[l], 1), like b", mistakes=[
        Mistake("db is missing 1/m: db = np.sum(dZ, axis=1, keepdims=True) / m.", np.sum(dZ, axis=1, keepdims=True), id="linear_backward.db-is-missing-m-db-np"),
        Mistake("db is summed over the wrong axis: examples are columns, use np.sum(dZ, axis=1, keepdims=True) / m.",
                np.sum(dZ, axis=0, keepdims=True) / m, id="linear_backward.db-is-summed-over-the-wrong"),
        Mistake("db is summed over the wrong axis: examples are columns, use np.sum(dZ, axis=1, keepdims=True) / m.",
                np.sum(dZ, axis=0) / m, id="linear_backward.db-is-summed-over-the-wrong-2"),
        Mistake("db was summed without keepdims=True, so it is 1-D: np.sum(dZ, axis=1, keepdims=True) / m keeps "
                "the column shape (n[l], 1) of b.", np.sum(dZ, axis=1) / m, id="linear_backward.db-was-summed-without-keepdims-true"),
        Mistake("db is summed over everything: sum over the examples only, np.sum(dZ, axis=1, keepdims=True) / m.",
                np.sum(dZ, keepdims=True) / m, id="linear_backward.db-is-summed-over-everything-sum"),
    ])
    passed("linear_backward")


@composed_of(relu_backward=ref.relu_backward, sigmoid_backward=ref.sigmoid_backward,
             linear_backward=ref.linear_backward)
def check_linear_activation_backward(linear_activation_backward, n_prev=4, n=3, m=5, seed=9):
    """dZ = relu_backward / sigmoid_backward(dA, Z), then linear_backward(dZ, linear_cache)."""
    rng = np.random.default_rng(seed)
    for activation in ("sigmoid", "relu"):
        A_prev = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((n, n_prev))
        b = rng.standard_normal((n, 1))
        Z = W @ A_prev + b
        dA = rng.standard_normal((n, m))
        cache = ((A_prev, W, b), Z)
        result = student_call(linear_activation_backward, "linear_activation_backward",
                              dA.copy(), _copy(cache), activation)
        got = expect_tuple("linear_activation_backward", result, 3, "a tuple (dA_prev, dW, db)")
        expected = ref.linear_activation_backward(dA, cache, activation)
        other = "relu" if activation == "sigmoid" else "sigmoid"
        wrong_activation = ref.linear_activation_backward(dA, cache, other)
        no_derivative = ref.linear_backward(dA, cache[0])
        for name, value, exp, wrong, plain, what in zip(
                ("dA_prev", "dW", "db"), got, expected, wrong_activation, no_derivative,
                ("(n[l-1], m)", "(n[l], n[l-1])", "(n[l], 1)")):
            expect_array(f"{name} with activation='{activation}'", value, exp, m=m, what=what, mistakes=[
                Mistake(f"activation='{activation}' but you used {other}_backward: pick the derivative that "
                        f"matches the activation argument.", wrong, id="linear_activation_backward.activation-but-you-used-backward-pick"),
                Mistake(f"The activation's derivative is missing: first dZ = {activation}_backward(dA, Z), then "
                        f"linear_backward(dZ, linear_cache).", plain, id="linear_activation_backward.the-activation-s-derivative-is-missing"),
            ])


@composed_of(relu_backward=ref.relu_backward, sigmoid_backward=ref.sigmoid_backward, linear_backward=ref.linear_backward,
             linear_activation_backward=ref.linear_activation_backward)
def check_L_model_backward(L_model_backward, layer_dims=(3, 3, 3, 3, 1), m=5, seed=36):
    """dAL = -(Y/AL - (1-Y)/(1-AL)); sigmoid backward for layer L, then ReLU backward for l = L-1 .. 1."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _random_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m))
    Y = _labels(rng, m)
    AL, caches = ref.L_model_forward(X, parameters)
    try:
        grads = student_call(L_model_backward, "L_model_backward", AL.copy(), Y.copy(), _copy(caches))
    except ExerciseFailure as failure:
        text = str(failure)
        if "ValueError" in text or "IndexError" in text:
            fail(text + " In L_model_backward this usually means the layers are visited in the wrong order or a "
                 "layer gets another layer's cache: go from layer L down to layer 1, "
                 "for l in reversed(range(1, L)), and layer l's cache is caches[l - 1].")
        raise
    keys = [f"{p}{l}" for l in range(L, 0, -1) for p in ("dW", "db")]
    if isinstance(grads, dict) and "dW0" in grads:
        fail(f"grads has a key 'dW0': layers are numbered from 1, so the gradients are dW1..dW{L}; layer l's cache "
             f"is caches[l - 1] (keys built from a 0-based loop index are one off).", mistake="L_model_backward.grads-has-a-key-layers-are")
    expect_keys("grads", grads, keys)
    expected = ref.L_model_backward(AL, Y, caches)
    variants = _variants_that_run([
        ("The sign of dAL is flipped: dAL = -(Y / AL - (1 - Y) / (1 - AL)), the derivative of the cost with "
         "respect to AL.", lambda: _backward(AL, Y, caches, dAL=Y / AL - (1 - Y) / (1 - AL))),
        ("dAL is missing its second term: dAL = -(Y / AL - (1 - Y) / (1 - AL)).",
         lambda: _backward(AL, Y, caches, dAL=-(Y / AL))),
        ("You passed AL - Y as dAL: AL - Y is already dZL (sigmoid's derivative included). Pass "
         "dAL = -(Y / AL - (1 - Y) / (1 - AL)) to linear_activation_backward(..., 'sigmoid').",
         lambda: _backward(AL, Y, caches, dAL=AL - Y)),
        ("ReLU's derivative on the output layer: layer L is a sigmoid layer, "
         "linear_activation_backward(dAL, caches[L - 1], 'sigmoid').", lambda: _backward(AL, Y, caches, output="relu")),
        ("sigmoid's derivative on the hidden layers: layers L-1..1 are ReLU layers, "
         "linear_activation_backward(dA, caches[l - 1], 'relu').", lambda: _backward(AL, Y, caches, hidden="sigmoid")),
        ("The hidden layers are visited in the wrong order: backpropagation goes from layer L-1 down to layer 1 "
         "(for l in reversed(range(1, L))), each layer receiving the dA_prev of the layer above it.",
         lambda: _backward(AL, Y, caches, order="up")),
    ])
    for key in keys:
        value = grads[key]
        for other in keys:
            if other != key and other[:2] == key[:2] and _same(value, expected[other]) and not _same(value, expected[key]):
                fail(f"grads['{key}'] holds the gradient of layer {other[2:]}: store layer l's gradients under "
                     f"'dW{{l}}' and 'db{{l}}' (layer l's cache is caches[l - 1]).", mistake="L_model_backward.grads-holds-the-gradient-of-layer")
        what = f"(n[{key[2:]}], n[{int(key[2:]) - 1}]), like W{key[2:]}" if key.startswith("dW") else \
            f"(n[{key[2:]}], 1), like b{key[2:]}"
        expect_array(f"grads['{key}']", value, expected[key], m=m, what=what,
                     mistakes=[Mistake(text, grads_[key]) for text, grads_ in variants])


def check_update_parameters(update_parameters, layer_dims=(4, 3, 2, 1), learning_rate=0.1, seed=11):
    """W{l} -= learning_rate * dW{l} and b{l} -= learning_rate * db{l} for l = 1..L (grads may hold dA keys)."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _random_parameters(rng, dims)
    grads = {"d" + k: v for k, v in _random_parameters(rng, dims).items()}
    grads.update({f"dA{l}": rng.standard_normal((dims[l], 3)) for l in range(L)})  # as L_model_backward returns
    originals = _copy(parameters)
    try:
        result = student_call(update_parameters, "update_parameters", parameters, _copy(grads), learning_rate)
    except ExerciseFailure as failure:
        if "KeyError" in str(failure):
            fail(str(failure) + f" grads may hold more than dW and db (L_model_backward also returns dA0..dA{L - 1}), "
                 f"and parameters holds 2L entries: loop over the layers, for l in range(1, L + 1), with "
                 f"L = len(parameters) // 2.")
        raise
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
    expect_keys("the returned parameters", result, keys)
    expected = ref.update_parameters(originals, grads, learning_rate)
    for key in keys:
        mistakes = [
            Mistake(f"{key} was not updated: every parameter takes a step, {key} = {key} - learning_rate * d{key}"
                    + (" (updating W but not b)." if key.startswith("b") else "."), originals[key],
                    id="update_parameters.not-updated"),
            Mistake(f"{key} moved uphill: subtract the gradient, {key} = {key} - learning_rate * d{key}.",
                    originals[key] + learning_rate * grads["d" + key], id="update_parameters.moved-uphill-subtract-the-gradient-learning"),
            Mistake(f"The learning rate is missing: the step is learning_rate * d{key}.",
                    originals[key] - grads["d" + key], id="update_parameters.the-learning-rate-is-missing-the"),
            Mistake(f"{key} was replaced by the step: {key} = {key} - learning_rate * d{key}.",
                    -learning_rate * grads["d" + key], id="update_parameters.was-replaced-by-the-step-learning"),
        ]
        if key in (f"W{L}", f"b{L}"):
            mistakes.insert(0, Mistake(f"The last layer was not updated: loop over l = 1..L, range(1, L + 1) "
                                       f"(range(1, L) stops at L - 1).", originals[key], id="update_parameters.the-last-layer-was-not-updated"))
        expect_array(f"updated {key}", result[key], expected[key], mistakes=mistakes)
    passed("update_parameters")


def _digits_sample(m, seed):
    from ..data import load_digits_binary
    X, Y = load_digits_binary((8,), (3,))
    columns = np.random.default_rng(seed).choice(X.shape[1], size=m, replace=False)
    return X[:, columns], Y[:, columns]


@composed_of(initialize_parameters_deep=ref.initialize_parameters_deep, relu=ref.relu, relu_backward=ref.relu_backward,
             sigmoid_backward=ref.sigmoid_backward, linear_forward=ref.linear_forward,
             linear_activation_forward=ref.linear_activation_forward, L_model_forward=ref.L_model_forward,
             compute_cost=ref.compute_cost, linear_backward=ref.linear_backward,
             linear_activation_backward=ref.linear_activation_backward, L_model_backward=ref.L_model_backward,
             update_parameters=ref.update_parameters)
def check_L_layer_model(L_layer_model, layer_dims=(64, 5, 3, 1), m=80, num_iterations=60, learning_rate=0.1,
                        seed=7):
    """L_layer_model trains from He initialisation with the student's building blocks; returns (parameters, costs)."""
    dims = list(layer_dims)
    L = len(dims) - 1
    X, Y = _digits_sample(m, seed)
    X = X[:dims[0]]
    result = student_call(L_layer_model, "L_layer_model", X.copy(), Y.copy(), list(dims),
                          learning_rate=learning_rate, num_iterations=num_iterations, seed=seed)
    parameters, costs = expect_tuple("L_layer_model", result, 2, "a tuple (parameters, costs)")
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
    expect_keys("parameters", parameters, keys)
    if not hasattr(costs, "__len__") or len(costs) != num_iterations:
        got = len(costs) if hasattr(costs, "__len__") else type(costs).__name__
        fail(f"costs must hold one cost per iteration ({num_iterations}), got {got}: append the cost in every "
             f"iteration.", mistake="L_layer_model.costs-must-hold-one-cost-per")
    initial = ref.initialize_parameters_deep(dims, seed=seed)
    if all(_same(parameters[k], initial[k]) for k in keys):
        fail("The parameters never changed: assign the result of update_parameters back, "
             "parameters = update_parameters(parameters, grads, learning_rate).", mistake="L_layer_model.the-parameters-never-changed-assign-the")
    expected, expected_costs = ref.L_layer_model(X, Y, dims, learning_rate, num_iterations, seed=seed)
    default_seed, _ = ref.L_layer_model(X, Y, dims, learning_rate, num_iterations)
    one_step, _ = ref.L_layer_model(X, Y, dims, learning_rate, 1, seed=seed)
    with np.errstate(all="ignore"):
        small, _ = ref.train(ref.initialize_parameters_scaled(dims, 0.01, seed=seed), X, Y, learning_rate,
                             num_iterations)
    for key in keys:
        expect_array(f"trained {key}", parameters[key], expected[key], rtol=1e-5, atol=1e-7, mistakes=[
            Mistake("Pass the seed on: initialize_parameters_deep(layer_dims, seed=seed).", default_seed[key], id="L_layer_model.pass-the-seed-on-initialize-parameters"),
            Mistake("Only one gradient step was taken: run the loop num_iterations times.", one_step[key], id="L_layer_model.only-one-gradient-step-was-taken"),
            Mistake("The training started from 0.01-scaled weights: call initialize_parameters_deep(layer_dims, "
                    "seed=seed) (He initialisation).", small[key], id="L_layer_model.the-training-started-from-scaled-weights"),
        ])
    costs = [float(c) for c in costs]
    if not np.allclose(costs, expected_costs, rtol=1e-5, atol=1e-8):
        if np.allclose(costs[:-1], expected_costs[1:], rtol=1e-5, atol=1e-8):
            fail("costs are shifted by one iteration: append the cost of the current parameters, computed before "
                 "the update.", mistake="L_layer_model.costs-are-shifted-by-one-iteration")
        fail(f"costs[0] = {costs[0]:.6f}, costs[-1] = {costs[-1]:.6f}, expected {expected_costs[0]:.6f} and "
             f"{expected_costs[-1]:.6f}: append compute_cost(AL, Y) once per iteration, before the update.", mistake="L_layer_model.costs-costs-expected-and-append-compute")


# --- gradient checking ----------------------------------------------------------------------------

def _smooth_problem(rng, dims):
    """A smooth, non-quadratic cost (cubes and sines), its parameters and exact gradients."""
    parameters = _random_parameters(rng, dims)
    weights = {k: rng.uniform(0.5, 1.5, v.shape) for k, v in parameters.items()}

    def cost_fn(p):
        return float(sum(np.sum(weights[k] * p[k] ** 3 / 3 + np.sin(2 * p[k])) for k in weights))

    grads = {"d" + k: weights[k] * v ** 2 + 2 * np.cos(2 * v) for k, v in parameters.items()}
    return cost_fn, parameters, grads


def _variant_difference(cost_fn, parameters, grads, epsilon, *, kind):
    """The result of a typical wrong gradient_check."""
    approx, exact = [], []
    for key in sorted(parameters, key=lambda k: (int(k[1:]), k[0] != "W")):
        theta = {k: v.copy() for k, v in parameters.items()}
        base = cost_fn(theta)
        for index in np.ndindex(theta[key].shape):
            original = theta[key][index]
            theta[key][index] = original + epsilon
            plus = cost_fn(theta)
            theta[key][index] = original - epsilon
            minus = cost_fn(theta)
            theta[key][index] = original
            approx.append({"forward": (plus - base) / epsilon, "backward": (base - minus) / epsilon,
                           "no_two": (plus - minus) / epsilon}.get(kind, (plus - minus) / (2 * epsilon)))
            exact.append(grads["d" + key][index])
    approx, exact = np.array(approx), np.array(exact)
    numerator = np.linalg.norm(approx - exact)
    if kind == "no_denominator":
        return float(numerator)
    if kind == "exact_only":
        return float(numerator / np.linalg.norm(exact))
    if kind == "squared":
        return float(np.sum((approx - exact) ** 2) / (np.sum(approx ** 2) + np.sum(exact ** 2)))
    return float(numerator / (np.linalg.norm(approx) + np.linalg.norm(exact)))


def check_gradient_check(gradient_check, layer_dims=(3, 2, 1), seed=12):
    """difference = ||approx - grad|| / (||approx|| + ||grad||), approx by two-sided differences with epsilon."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    cost_fn, parameters, grads = _smooth_problem(rng, dims)
    wrong = {k: v * (1 + 0.05 * rng.standard_normal(v.shape)) for k, v in grads.items()}
    cases = [("the exact gradients, epsilon=1e-3", grads, 1e-3), ("slightly wrong gradients, epsilon=1e-7", wrong, 1e-7)]
    for description, given, epsilon in cases:
        before = _copy(parameters)
        difference = student_call(gradient_check, "gradient_check", cost_fn, parameters, _copy(given),
                                  epsilon=epsilon)
        for key in parameters:
            if not np.array_equal(parameters[key], before[key]):
                fail(f"gradient_check changed parameters['{key}']: after computing J(theta + epsilon) and "
                     f"J(theta - epsilon), put the original value back (or perturb a copy).", mistake="gradient_check.gradient-check-changed-parameters-after-computing")
        expected = _variant_difference(cost_fn, parameters, given, epsilon, kind="two_sided")
        ignored_epsilon = _variant_difference(cost_fn, parameters, given, 1e-7, kind="two_sided")
        mistakes = [
            Mistake("You used one-sided differences (J(theta + eps) - J(theta)) / eps: the two-sided "
                    "(J(theta + eps) - J(theta - eps)) / (2 eps) is far more accurate (error eps^2 instead of eps).",
                    _variant_difference(cost_fn, parameters, given, epsilon, kind="forward"), id="gradient_check.you-used-one-sided-differences-j"),
            Mistake("You used one-sided differences (J(theta) - J(theta - eps)) / eps: use the two-sided "
                    "(J(theta + eps) - J(theta - eps)) / (2 eps).",
                    _variant_difference(cost_fn, parameters, given, epsilon, kind="backward"), id="gradient_check.you-used-one-sided-differences-j-2"),
            Mistake("The two-sided difference is divided by eps instead of 2 eps: "
                    "(J(theta + eps) - J(theta - eps)) / (2 eps).",
                    _variant_difference(cost_fn, parameters, given, epsilon, kind="no_two"), id="gradient_check.the-two-sided-difference-is-divided"),
            Mistake("You returned ||approx - grad|| without the denominator: divide by ||approx|| + ||grad||, so that "
                    "the difference is relative (independent of the gradients' scale).",
                    _variant_difference(cost_fn, parameters, given, epsilon, kind="no_denominator"), id="gradient_check.you-returned-approx-grad-without-the"),
            Mistake("The denominator is ||approx|| + ||grad||, both norms, not ||grad|| alone.",
                    _variant_difference(cost_fn, parameters, given, epsilon, kind="exact_only"), id="gradient_check.the-denominator-is-approx-grad-both"),
            Mistake("Use norms (np.linalg.norm), not sums of squares: ||approx - grad|| / (||approx|| + ||grad||).",
                    _variant_difference(cost_fn, parameters, given, epsilon, kind="squared"), id="gradient_check.use-norms-np-linalg-norm-not"),
        ]
        if epsilon != 1e-7:
            mistakes.append(Mistake(f"You ignored the epsilon argument (called with epsilon={epsilon:g}): use it "
                                    f"instead of a fixed 1e-7.", ignored_epsilon, id="gradient_check.you-ignored-the-epsilon-argument-called"))
        expect_float(f"gradient_check with {description}", difference, expected, rtol=1e-4, atol=1e-12,
                     mistakes=mistakes)
    passed("gradient_check")


# --- challenge (optional, ungraded): how precise is a difference quotient? -------------------------

def check_difference_quotient(difference_quotient, x=0.7, epsilon=1e-2, seed=13):
    """difference_quotient(f, x, epsilon, two_sided) -> the two-sided or the one-sided (forward) quotient."""
    from .. import gradcheck

    a, c = np.random.default_rng(seed).uniform(0.5, 1.5, 2)

    def f(t):
        return float(np.exp(a * t) + c * t ** 3)

    forward = (f(x + epsilon) - f(x)) / epsilon
    backward = (f(x) - f(x - epsilon)) / epsilon
    central_without_2 = (f(x + epsilon) - f(x - epsilon)) / epsilon
    central = central_without_2 / 2
    for two_sided in (True, False):
        value = student_call(difference_quotient, "difference_quotient", f, x, epsilon, two_sided=two_sided)
        expected = gradcheck.difference_quotient(f, x, epsilon, two_sided)
        mistakes = ([Mistake("The two-sided quotient spans 2 epsilon: divide f(x + eps) - f(x - eps) by 2 epsilon.",
                             central_without_2, id="difference_quotient.two-sided-without-2"),
                     Mistake("two_sided=True asks for (f(x + eps) - f(x - eps)) / (2 eps): you returned the one-sided "
                             "quotient.", forward, id="difference_quotient.one-sided-when-two-sided")]
                    if two_sided else
                    [Mistake("two_sided=False asks for the one-sided (f(x + eps) - f(x)) / eps: you returned the "
                             "two-sided quotient.", central,
                             id="difference_quotient.two-sided-when-one-sided"),
                     Mistake("The one-sided quotient of this challenge looks forward: (f(x + eps) - f(x)) / eps, not "
                             "(f(x) - f(x - eps)) / eps.", backward, id="difference_quotient.backward-difference")])
        expect_float(f"difference_quotient(f, {x}, {epsilon}, two_sided={two_sided})", value, expected,
                     mistakes=mistakes, rtol=1e-9)
    passed("difference_quotient")
