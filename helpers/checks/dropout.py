"""Checks for notebook 04 (dropout). Each `check_*` takes the student's function, runs it on fresh
inputs (sizes, keep_probs and seed are arguments, so hidden tests use new ones) and raises
ExerciseFailure naming the mistake, or prints a success line.

Masks must be drawn exactly as the notebook says, D = rng.random(A.shape) < keep_prob, one hidden
layer after the other from the rng argument, so that everyone's masks (and numbers) agree.
"""
from __future__ import annotations

import numpy as np

from .. import deep
from .. import dropout as ref
from .core import (ExerciseFailure, Mistake, composed_of, expect_array, expect_keys, expect_tuple, fail, passed,
                   student_call)
from .core import copy_inputs as _copy, same_array as _same


# --- inputs ------------------------------------------------------------------------------------

def _labels(rng, m):
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    Y[0, :2] = [0.0, 1.0]
    return Y


def _random_parameters(rng, dims):
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = rng.uniform(0.1, 0.6, (dims[l], 1))
    return parameters


def _activations(rng, shape):
    """ReLU-like activations: non-negative, with some exact zeros."""
    A = np.maximum(rng.standard_normal(shape) + 0.3, 0.0)
    A.flat[::5] = 0.0
    return A


def _probs(keep_probs, hidden):
    return list(keep_probs) if isinstance(keep_probs, (list, tuple)) else [float(keep_probs)] * hidden


def _mask(rng, shape, keep_prob, rule="lt", shared=None):
    if shared == "examples":
        draw = np.broadcast_to(rng.random((shape[0], 1)), shape)
    elif shared == "units":
        draw = np.broadcast_to(rng.random((1, shape[1])), shape)
    elif shared == "scalar":
        draw = np.full(shape, rng.random())
    elif shared == "binomial":
        return rng.binomial(1, keep_prob, shape).astype(bool)
    else:
        draw = rng.random(shape)
    return draw >= keep_prob if rule == "ge" else draw < keep_prob


# --- exercise 1: dropout_forward -------------------------------------------------------------------

def check_dropout_forward(dropout_forward, shape=(4, 6), keep_prob=0.8, seed=0):
    """D = rng.random(A.shape) < keep_prob; A_drop = A * D / keep_prob; returns (A_drop, D).
    Also runs a second keep_prob (0.3, or 0.8 when keep_prob <= 0.5), where other typical bugs show."""
    for probability in (keep_prob, 0.3 if keep_prob > 0.5 else 0.8):
        _check_forward_once(dropout_forward, shape, probability, seed)
    passed("dropout_forward")


def _check_forward_once(dropout_forward, shape, keep_prob, seed):
    A = _activations(np.random.default_rng(100 + seed), shape)
    A0 = A.copy()
    result = student_call(dropout_forward, "dropout_forward", A, keep_prob, np.random.default_rng(seed))
    A_drop, D = expect_tuple("dropout_forward", result, 2, "a tuple (A_drop, D)")
    if not np.array_equal(A, A0):
        fail("dropout_forward modified its input A in place (A *= D or A /= keep_prob): compute a new array, "
             "A_drop = A * D / keep_prob; the backward pass and the caller still need A.", mistake="check_forward_once.dropout-forward-modified-its-input-a")
    D_arr = np.asarray(D) if isinstance(D, (np.ndarray, list, bool, np.bool_)) else D
    if isinstance(D_arr, np.ndarray) and D_arr.shape != shape:
        if D_arr.shape == (shape[0], 1):
            fail(f"D has shape {D_arr.shape}: one mask value per unit, shared by all the examples. Slide 15: each "
                 f"example drops its own units, so draw one value per unit AND per example, "
                 f"D = rng.random(A.shape) < keep_prob.", mistake="check_forward_once.d-has-shape-one-mask-value")
        if D_arr.shape == (1, shape[1]):
            fail(f"D has shape {D_arr.shape}: one value per example, shared by all the units. Draw one value per unit "
                 f"and per example, D = rng.random(A.shape) < keep_prob.", mistake="check_forward_once.d-has-shape-one-value-per")
        if D_arr.shape == ():
            fail("D is a single number: you drew one random number for the whole layer. Draw one per unit and per "
                 "example, D = rng.random(A.shape) < keep_prob.", mistake="check_forward_once.d-is-a-single-number-you")
    again = student_call(dropout_forward, "dropout_forward", A0.copy(), keep_prob, np.random.default_rng(seed))
    if isinstance(A_drop, np.ndarray) and isinstance(again, (tuple, list)) and len(again) == 2 \
            and isinstance(again[0], np.ndarray) and not np.array_equal(again[0], A_drop):
        fail("Two calls with equal generators gave different masks: draw the mask from the rng argument, "
             "D = rng.random(A.shape) < keep_prob, not from np.random.", mistake="check_forward_once.two-calls-with-equal-generators-gave")
    if keep_prob < 1:
        others = [student_call(dropout_forward, "dropout_forward", A0.copy(), keep_prob,
                               np.random.default_rng(seed + k)) for k in range(1, 4)]
        if all(isinstance(o, (tuple, list)) and len(o) == 2 and _same(np.asarray(o[0]), A_drop) for o in others):
            fail("Other generators gave the same mask: draw it from the rng argument, "
                 "D = rng.random(A.shape) < keep_prob (not from a generator made inside the function).", mistake="check_forward_once.other-generators-gave-the-same-mask")
    D_expected = np.random.default_rng(seed).random(shape) < keep_prob
    expected = A0 * D_expected / keep_prob
    variants = {name: _mask(np.random.default_rng(seed), shape, keep_prob, rule, shared) for name, rule, shared in (
        ("ge", "ge", None), ("examples", "lt", "examples"), ("units", "lt", "units"), ("scalar", "lt", "scalar"),
        ("binomial", "lt", "binomial"))}
    mask_mistakes = [
        Mistake("The mask is inverted: rng.random(A.shape) >= keep_prob keeps a unit with probability 1 - keep_prob. "
                "keep_prob is the probability of KEEPING a unit: D = rng.random(A.shape) < keep_prob.",
                variants["ge"], id="check_forward_once.the-mask-is-inverted-rng-random"),
        Mistake("Every example got the same mask (one random number per unit, broadcast): slide 15, each example "
                "drops different units. D = rng.random(A.shape) < keep_prob.", variants["examples"], id="check_forward_once.every-example-got-the-same-mask"),
        Mistake("Every unit got the same mask value (one random number per example): draw one per unit and per "
                "example, D = rng.random(A.shape) < keep_prob.", variants["units"], id="check_forward_once.every-unit-got-the-same-mask"),
        Mistake("One random number decides for the whole layer: draw one per unit and per example, "
                "D = rng.random(A.shape) < keep_prob.", variants["scalar"], id="check_forward_once.one-random-number-decides-for-the"),
        Mistake("Use D = rng.random(A.shape) < keep_prob exactly (not rng.binomial), so that everyone's masks agree.",
                variants["binomial"], id="check_forward_once.use-d-rng-random-a-shape"),
    ]
    if isinstance(D_arr, np.ndarray) and D_arr.dtype != bool and D_arr.size and not np.isin(D_arr, (0, 1)).all():
        fail("D must hold only True/False (or 1/0): the mask, D = rng.random(A.shape) < keep_prob, not the random "
             "numbers themselves (nor the scaled activations).", mistake="check_forward_once.d-must-hold-only-true-false")
    expect_array(f"D (the mask, keep_prob = {keep_prob})", D_arr, D_expected, mistakes=mask_mistakes,
                 what="(n[l], m), like A: one value per unit and per example")
    with np.errstate(divide="ignore", invalid="ignore"):
        over_drop = A0 * D_expected / (1 - keep_prob)
    expect_array(f"A_drop (keep_prob = {keep_prob})", A_drop, expected, what="(n[l], m), like A", mistakes=[
        Mistake("A_drop is not divided by keep_prob: inverted dropout scales the kept units up, A * D / keep_prob, so "
                "that the expected value of every activation stays the same (slide 16's a3 /= keep_prob).",
                A0 * D_expected, id="check_forward_once.a-drop-is-not-divided-by"),
        Mistake("A_drop is multiplied by keep_prob: divide, A * D / keep_prob (the kept units must be scaled UP).",
                A0 * D_expected * keep_prob, id="check_forward_once.a-drop-is-multiplied-by-keep"),
        Mistake("A_drop is divided by 1 - keep_prob: divide by keep_prob, the probability of keeping a unit.",
                over_drop, id="check_forward_once.a-drop-is-divided-by-keep"),
        Mistake("A_drop is D / keep_prob: multiply the activations by the mask, A * D / keep_prob.",
                D_expected / keep_prob, id="check_forward_once.a-drop-is-d-keep-prob"),
        Mistake("A_drop keeps the units where D is False: A * D / keep_prob keeps those where D is True.",
                A0 * ~D_expected / keep_prob, id="check_forward_once.a-drop-keeps-the-units-where"),
    ])


# --- exercise 2: dropout_backward --------------------------------------------------------------------

def check_dropout_backward(dropout_backward, shape=(3, 5), keep_prob=0.7, seed=1):
    """dA_prev = dA * D / keep_prob: the gradient flows only through the kept units, scaled like them."""
    rng = np.random.default_rng(seed)
    dA = rng.standard_normal(shape)
    D = rng.random(shape) < keep_prob
    dA0, D0 = dA.copy(), D.copy()
    result = student_call(dropout_backward, "dropout_backward", dA, D, keep_prob)
    if not np.array_equal(dA, dA0):
        fail("dropout_backward modified its input dA in place (dA *= D): compute a new array, dA * D / keep_prob.", mistake="dropout_backward.dropout-backward-modified-its-input-da")
    if not np.array_equal(D, D0):
        fail("dropout_backward modified the mask D: only read it.", mistake="dropout_backward.dropout-backward-modified-the-mask-d")
    expect_array(f"dropout_backward(dA, D, keep_prob={keep_prob})", result, dA0 * D0 / keep_prob,
                 what="(n[l], m), like dA", mistakes=[
                     Mistake("The gradient is not divided by keep_prob: the forward pass computed A * D / keep_prob, "
                             "so its derivative is dA * D / keep_prob.", dA0 * D0, id="dropout_backward.the-gradient-is-not-divided-by"),
                     Mistake("The mask is missing: dropped units had no effect on the cost, so they get no gradient, "
                             "dA * D / keep_prob.", dA0 / keep_prob, id="dropout_backward.the-mask-is-missing-dropped-units"),
                     Mistake("You returned dA unchanged: go back through the dropout, dA * D / keep_prob.", dA0, id="dropout_backward.you-returned-da-unchanged-go-back"),
                     Mistake("The gradient is multiplied by keep_prob: divide, dA * D / keep_prob.", dA0 * D0 * keep_prob, id="dropout_backward.the-gradient-is-multiplied-by-keep"),
                     Mistake("The mask is inverted: the gradient flows through the KEPT units, where D is True.",
                             dA0 * ~D0 / keep_prob, id="dropout_backward.the-mask-is-inverted-the-gradient"),
                 ])
    passed("dropout_backward")


# --- exercises 3 and 4: dropout through the network ---------------------------------------------------

def _forward_variant(X, parameters, keep_probs, rng, *, on_input=False, on_output=False, divide=True, rule="lt",
                     shared=None, kp_index=lambda l: l - 1, skip_last_hidden=False):
    """L_model_forward_with_dropout with a typical bug; returns (AL, caches) in the reference's layout."""
    L = len(parameters) // 2
    probs = _probs(keep_probs, L - 1)

    def drop(A, kp):
        D = _mask(rng, A.shape, kp, rule, shared)
        return (A * D / kp if divide else A * D), D

    A = X
    if on_input:
        A, _ = drop(A, probs[0])
    caches = []
    for l in range(1, L):
        A_prev = A
        Z = parameters[f"W{l}"] @ A_prev + parameters[f"b{l}"]
        A = np.maximum(Z, 0)
        D = None
        if not (skip_last_hidden and l == L - 1):
            A, D = drop(A, probs[kp_index(l)])
        caches.append((((A_prev, parameters[f"W{l}"], parameters[f"b{l}"]), Z), D))
    Z = parameters[f"W{L}"] @ A + parameters[f"b{L}"]
    AL = deep.sigmoid(Z)
    caches.append((((A, parameters[f"W{L}"], parameters[f"b{L}"]), Z), None))
    if on_output:
        AL, _ = drop(AL, probs[-1])
    return AL, caches


def _forward_variants(X, parameters, keep_probs, seed):
    L = len(parameters) // 2
    variants = [
        ("Dropout was applied to the input X: only the hidden layers are dropped (l = 1..L-1); the input features "
         "are never dropped here.", dict(on_input=True)),
        ("Dropout was applied to the output AL: the output layer is never dropped (AL is the prediction). Drop the "
         "hidden layers l = 1..L-1 only.", dict(on_output=True)),
        ("The kept activations are not divided by keep_prob: inverted dropout computes A * D / keep_prob.",
         dict(divide=False)),
        ("The mask is inverted (rng.random(...) >= keep_prob drops units with probability keep_prob): "
         "D = rng.random(A.shape) < keep_prob keeps each unit with probability keep_prob.", dict(rule="ge")),
        ("Every example got the same mask: draw one value per unit AND per example, D = rng.random(A.shape) < "
         "keep_prob (slide 15: different examples drop different units).", dict(shared="examples")),
        ("The last hidden layer was not dropped: apply dropout after every hidden layer, l = 1..L-1 "
         "(range(1, L) in Python).", dict(skip_last_hidden=True)),
    ]
    if L > 2:
        variants.append(("A layer used another layer's keep_prob: hidden layer l uses keep_probs[l - 1] (layers "
                         "count from 1, Python lists from 0).", dict(kp_index=lambda l: l - 2)))
    out = []
    with np.errstate(all="ignore"):
        for hint, options in variants:
            try:
                out.append((hint, _forward_variant(X, parameters, keep_probs, np.random.default_rng(seed), **options)))
            except (IndexError, ValueError):
                continue
    return out


def _index_error_hint(failure, L):
    text = str(failure)
    if "not subscriptable" in text or "has no len" in text or "not iterable" in text:
        fail(text + f" keep_probs may be a single number, meaning the same keep_prob for every hidden layer: turn "
             f"it into a list first, e.g. keep_probs = [keep_probs] * (L - 1) when it is a float.")
    if "IndexError" in text:
        fail(text + f" keep_probs holds one value per HIDDEN layer (L - 1 = {L - 1} values): hidden layer l uses "
             f"keep_probs[l - 1].")
    raise failure


@composed_of(dropout_forward=ref.dropout_forward)
def check_L_model_forward_with_dropout(L_model_forward_with_dropout, layer_dims=(3, 5, 4, 1), m=6,
                                       keep_probs=(0.8, 0.6), seed=2):
    """[LINEAR -> RELU -> DROPOUT] * (L-1) -> LINEAR -> SIGMOID; masks rng.random(A.shape) < keep_prob drawn in
    layer order; caches[l - 1] = (((A_prev, W, b), Z), D), D None for layer L. keep_probs: a list, or one number."""
    rng = np.random.default_rng(200 + seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _random_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m))
    for probs in (list(keep_probs) if isinstance(keep_probs, (list, tuple)) else keep_probs,
                  float(_probs(keep_probs, L - 1)[-1])):
        given = probs if isinstance(probs, float) else list(probs)
        try:
            result = student_call(L_model_forward_with_dropout, "L_model_forward_with_dropout", X.copy(),
                                  _copy(parameters), given, np.random.default_rng(seed))
        except ExerciseFailure as failure:
            _index_error_hint(failure, L)
        AL, caches = expect_tuple("L_model_forward_with_dropout", result, 2, "a tuple (AL, caches)")
        again = student_call(L_model_forward_with_dropout, "L_model_forward_with_dropout", X.copy(),
                             _copy(parameters), given, np.random.default_rng(seed))
        if isinstance(again, (tuple, list)) and len(again) == 2 and isinstance(AL, np.ndarray) \
                and not _same(again[0], AL):
            fail("Two calls with equal generators gave different results: draw every mask from the rng argument "
                 "(rng.random(A.shape) < keep_prob), not from np.random, and do not create a new generator inside.", mistake="L_model_forward_with_dropout.two-calls-with-equal-generators-gave")
        expected_AL, expected_caches = ref.L_model_forward_with_dropout(X, parameters, given, np.random.default_rng(seed))
        if not _same(AL, expected_AL):
            for hint, (value, _) in _forward_variants(X, parameters, given, seed):
                if _same(AL, value):
                    fail(f"AL is wrong (keep_probs = {given}). {hint}", mistake="L_model_forward_with_dropout.al-is-wrong-keep-probs")
            if _same(AL, deep.L_model_forward(X, parameters)[0]):
                fail("AL is the output of the network WITHOUT dropout: after each hidden layer's ReLU, apply "
                     "A, D = dropout_forward(A, keep_prob_of_that_layer, rng).", mistake="L_model_forward_with_dropout.al-is-the-output-of-the")
        expect_array(f"AL (keep_probs = {given})", AL, expected_AL, what="(1, m)")
        _check_dropout_caches(caches, expected_caches, L)


def _check_dropout_caches(caches, expected_caches, L):
    if not isinstance(caches, (list, tuple)) or len(caches) != L:
        got = len(caches) if isinstance(caches, (list, tuple)) else type(caches).__name__
        fail(f"caches must be a list of L = {L} entries, one per layer, got {got}.", mistake="check_dropout_caches.caches-must-be-a-list-of")
    for l in range(1, L + 1):
        cache = caches[l - 1]
        (linear_cache, Z), D = expected_caches[l - 1]
        if not isinstance(cache, (tuple, list)) or len(cache) != 2:
            fail(f"caches[{l - 1}] must be the pair (layer_cache, D) for layer {l}: layer_cache = ((A_prev, W, b), Z) "
                 f"as in notebook 02, and D the mask of layer {l} (None for the output layer).", mistake="check_dropout_caches.caches-must-be-the-pair-layer")
        layer_cache, got_D = cache
        if isinstance(layer_cache, (tuple, list)) and len(layer_cache) == 3 and isinstance(got_D, np.ndarray) \
                and got_D.shape == np.shape(Z) and got_D.dtype != bool:
            fail(f"caches[{l - 1}] is notebook 02's cache ((A_prev, W, b), Z) without the mask: store the pair "
                 f"(layer_cache, D), so that the backward pass can find layer {l}'s mask.", mistake="check_dropout_caches.caches-is-notebook-s-cache-a")
        if D is None:
            if got_D is not None:
                fail(f"caches[{L - 1}][1] must be None: the output layer has no dropout mask.", mistake="check_dropout_caches.caches-must-be-none-the-output")
        else:
            if got_D is None or not _same(np.asarray(got_D), D):
                fail(f"caches[{l - 1}][1] must be D{l}, the mask applied to A{l} (as dropout_forward returned it).", mistake="check_dropout_caches.caches-must-be-d-the-mask")
        if not isinstance(layer_cache, (tuple, list)) or len(layer_cache) != 2:
            fail(f"caches[{l - 1}][0] must be layer {l}'s cache ((A_prev, W, b), Z), as linear_activation_forward "
                 f"returns it.", mistake="check_dropout_caches.caches-must-be-layer-s-cache")
        got_linear, got_Z = layer_cache
        if not _same(got_Z, Z):
            fail(f"caches[{l - 1}][0][1] must be Z{l} = W{l} A{l - 1} + b{l}, before the activation and the dropout.", mistake="check_dropout_caches.caches-must-be-z-w-a")
        if not isinstance(got_linear, (tuple, list)) or len(got_linear) != 3 or not _same(got_linear[0], linear_cache[0]):
            fail(f"caches[{l - 1}][0][0] must be (A_prev, W{l}, b{l}), with A_prev the activation that layer {l} "
                 f"received: the DROPPED A{l - 1} (X for layer 1).", mistake="check_dropout_caches.caches-must-be-a-prev-w")


def _backward_variant(AL, Y, caches, keep_probs, *, mask=True, divide=True, kp_index=lambda l: l - 1):
    L = len(caches)
    probs = _probs(keep_probs, L - 1)
    (linear_cache, _), _ = caches[L - 1]
    dA, dW, db = deep.linear_backward(AL - Y, linear_cache)
    grads = {f"dW{L}": dW, f"db{L}": db}
    for l in range(L - 1, 0, -1):
        layer_cache, D = caches[l - 1]
        kp = probs[kp_index(l)]
        dA = dA * (D if mask else 1.0) / (kp if divide else 1.0)
        dA, grads[f"dW{l}"], grads[f"db{l}"] = deep.linear_activation_backward(dA, layer_cache, "relu")
    return grads


@composed_of(dropout_backward=ref.dropout_backward)
def check_L_model_backward_with_dropout(L_model_backward_with_dropout, layer_dims=(3, 5, 4, 1), m=6,
                                        keep_probs=(0.8, 0.6), seed=3):
    """dZ[L] = AL - Y; then for l = L-1..1: dA{l} = dA{l} * D{l} / keep_probs[l - 1], then ReLU and linear backward."""
    rng = np.random.default_rng(300 + seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _random_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m))
    Y = _labels(rng, m)
    given = list(keep_probs) if isinstance(keep_probs, (list, tuple)) else float(keep_probs)
    AL, caches = ref.L_model_forward_with_dropout(X, parameters, given, np.random.default_rng(seed))
    try:
        grads = student_call(L_model_backward_with_dropout, "L_model_backward_with_dropout", AL.copy(), Y.copy(),
                             _copy(caches), given)
    except ExerciseFailure as failure:
        if "ValueError" in str(failure) or "TypeError: unsupported operand" in str(failure):
            fail(str(failure) + " Layer l's cache is caches[l - 1] = (((A_prev, W, b), Z), D): apply ITS mask D{l} "
                 "to dA{l}, the gradient of A{l}, before going back through layer l's ReLU.")
        _index_error_hint(failure, L)
    keys = [f"{p}{l}" for l in range(L, 0, -1) for p in ("dW", "db")]
    expect_keys("grads", grads, keys)
    expected = ref.L_model_backward_with_dropout(AL, Y, caches, given)
    variants = [
        ("The gradient does not go back through the dropout: before each hidden layer's ReLU backward, "
         "dA = dA * D / keep_prob with that layer's mask (a dropped unit had no effect on the cost).",
         dict(mask=False, divide=False)),
        ("The mask is missing in the backward pass: dA = dA * D / keep_prob (dropped units get no gradient).",
         dict(mask=False)),
        ("The backward pass forgets to divide by keep_prob: the forward pass scaled the kept units by 1 / keep_prob, "
         "so dA = dA * D / keep_prob.", dict(divide=False)),
    ]
    if L > 2:
        variants.append(("A layer used another layer's keep_prob: hidden layer l uses keep_probs[l - 1].",
                         dict(kp_index=lambda l: l - 2)))
    computed = []
    with np.errstate(all="ignore"):
        for hint, options in variants:
            try:
                computed.append((hint, _backward_variant(AL, Y, caches, given, **options)))
            except (IndexError, ValueError):
                continue
    if not all(_same(grads[key], expected[key]) for key in keys):
        for hint, value in computed:
            if all(_same(grads[key], value[key]) for key in keys):
                fail(f"The gradients are wrong (keep_probs = {given}). {hint}", mistake="L_model_backward_with_dropout.the-gradients-are-wrong-keep-probs")
    for key in keys:
        l = key[2:]
        what = f"(n[{l}], n[{int(l) - 1}]), like W{l}" if key.startswith("dW") else f"(n[{l}], 1), like b{l}"
        expect_array(f"grads['{key}']", grads[key], expected[key], m=m, what=what,
                     mistakes=[Mistake(hint, value[key]) for hint, value in computed])


# --- exercise 5: prediction --------------------------------------------------------------------------

def check_predict_dropout(predict_dropout, layer_dims=(2, 8, 8, 1), m=40, keep_probs=(0.5, 0.5), seed=4):
    """Predictions of a network trained with dropout: the plain forward pass, AL > 0.5; no mask, no scaling."""
    rng = np.random.default_rng(400 + seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _random_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m))
    AL, _ = deep.L_model_forward(X, parameters)
    parameters[f"b{L}"] = parameters[f"b{L}"] - np.log(np.median(AL) / (1 - np.median(AL)))  # both classes predicted
    AL, _ = deep.L_model_forward(X, parameters)
    expected = (AL > 0.5).astype(np.float64)
    given = list(keep_probs) if isinstance(keep_probs, (list, tuple)) else float(keep_probs)
    results = [student_call(predict_dropout, "predict_dropout", _copy(parameters), X.copy(), given) for _ in range(3)]
    results = [r.astype(np.float64) if isinstance(r, np.ndarray) and r.dtype == bool else r for r in results]
    first = results[0]
    if all(isinstance(r, np.ndarray) for r in results) and not all(_same(r, first) for r in results[1:]):
        fail("The predictions change from one call to the next: that is dropout at test time. Slide 17: at test time "
             "every unit is used, with no mask and no scaling (inverted dropout already kept the expected values "
             "right during training), so predict with the plain forward pass, L_model_forward(X, parameters).", mistake="predict_dropout.the-predictions-change-from-one-call")
    probs = _probs(given, L - 1)

    def scaled_forward(factor):
        A = X
        for l in range(1, L):
            A = np.maximum(parameters[f"W{l}"] @ A + parameters[f"b{l}"], 0) * factor(probs[l - 1])
        return deep.sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])

    with np.errstate(all="ignore"):
        mistakes = [
            Mistake("predict_dropout returned probabilities: threshold them, (AL > 0.5).", AL, id="predict_dropout.predict-dropout-returned-probabilities-threshold-them"),
            Mistake("The classes are swapped: predict 1 where AL > 0.5.", 1 - expected, id="predict_dropout.the-classes-are-swapped-predict-where"),
            Mistake("The hidden activations were multiplied by keep_prob at test time: that is the old, non-inverted "
                    "dropout. With inverted dropout the training already divided by keep_prob, so prediction uses the "
                    "plain network (no scaling, no mask).", (scaled_forward(lambda kp: kp) > 0.5).astype(float), id="predict_dropout.the-hidden-activations-were-multiplied-by"),
            Mistake("The hidden activations were divided by keep_prob at test time: with no mask there is nothing to "
                    "compensate; prediction uses the plain network.",
                    (scaled_forward(lambda kp: 1 / kp) > 0.5).astype(float), id="predict_dropout.the-hidden-activations-were-divided-by"),
        ]
    if isinstance(first, np.ndarray) and first.shape == expected.shape and np.isin(first, (0, 1)).all() \
            and not _same(first, expected) and not any(_same(first, mk.value) for mk in mistakes):
        fail("The predictions differ from the plain network's: did you use dropout (a mask) at test time? Slide 17: "
             "no dropout at test time; predict with L_model_forward(X, parameters) and AL > 0.5.", mistake="predict_dropout.the-predictions-differ-from-the-plain")
    expect_array("predictions", first, expected, what="(1, m) of 0/1", mistakes=mistakes)
    passed("predict_dropout")


# --- challenge (optional, ungraded): Monte-Carlo dropout ---------------------------------------------

@composed_of(dropout_forward=ref.dropout_forward, L_model_forward_with_dropout=ref.L_model_forward_with_dropout)
def check_mc_dropout_predict(mc_dropout_predict, layer_dims=(3, 6, 5, 1), m=8, keep_probs=(0.7, 0.5), n_samples=5,
                             seed=5):
    """The mean of AL over n_samples passes of L_model_forward_with_dropout with masks drawn in turn from rng."""
    rng = np.random.default_rng(300 + seed)
    dims = list(layer_dims)
    parameters = _random_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m))
    result = student_call(mc_dropout_predict, "mc_dropout_predict", _copy(parameters), X.copy(), keep_probs,
                          np.random.default_rng(seed), n_samples)
    expected = ref.mc_dropout_predict(parameters, X, keep_probs, np.random.default_rng(seed), n_samples)
    samples_rng = np.random.default_rng(seed)
    samples = [ref.L_model_forward_with_dropout(X, parameters, keep_probs, samples_rng)[0] for _ in range(n_samples)]
    if isinstance(result, np.ndarray) and result.dtype == bool:
        result = result.astype(np.float64)
    expect_array("mc_dropout_predict(...)", result, expected, what="(1, m) probabilities", mistakes=[
        Mistake("You averaged the 0/1 predictions of the thinned networks: average their probabilities AL.",
                np.mean([s > 0.5 for s in samples], axis=0), id="mc_dropout_predict.averages-labels"),
        Mistake("Return the mean probability itself, not its 0/1 threshold.", (expected > 0.5).astype(float),
                id="mc_dropout_predict.returns-labels"),
        Mistake("This is one thinned network: average n_samples forward passes, each drawing new masks from the one "
                "rng you are given (not from a new generator per pass, which repeats the same masks).",
                samples[0], id="mc_dropout_predict.one-sample"),
        Mistake("This is the plain network without dropout: every pass must use L_model_forward_with_dropout.",
                deep.L_model_forward(X, parameters)[0], id="mc_dropout_predict.no-dropout"),
    ])
