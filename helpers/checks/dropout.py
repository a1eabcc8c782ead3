"""Checks for notebook 04 (dropout), as a table of exercises run by the engine (helpers.checks.engine):
`checks.check_dropout_forward(dropout_forward)`, or with other sizes, keep_probs and seeds in the
hidden tests. Each named mistake is a whole wrong answer, the reference with one piece changed.

Masks must be drawn exactly as the notebook says, D = rng.random(A.shape) < keep_prob, one hidden
layer after the other from the rng argument, so that everyone's masks (and numbers) agree.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from .. import deep
from .. import dropout as ref
from .. import network as nets
from .core import ExerciseFailure, copy_inputs, expect_tuple, fail, graded_on_its_own, passed, same_array, student_call
from .engine import Exercise, Inputs, Out, Wrong, a_tuple, check, run, value
from .networks import gradients_dict, labels, layer_parameters, network, parameter_outputs, unchanged, with_crash_hint

#: What the student edition copies as code (grading/edition/build.py): the checks written as code, the extras that the
#: tables name, and what they need; the tables, the mistakes and the helpers that spell an answer stay here (their
#: values on the visible cases are stored).
STUDENT_EDITION = ("same_each_call", "mask_and_activations", "check_dropout_forward", "_dropout_caches",
                   "_each_keep_probs", "KEEP_PROBS_HINTS", "INDEX_HINT", "_keep_probs_hints",
                   "check_L_model_forward_with_dropout", "check_L_model_backward_with_dropout", "check_predict_dropout")


def _given(keep_probs):
    """keep_probs as a student's function receives it: a list, or one number."""
    return list(keep_probs) if isinstance(keep_probs, (list, tuple)) else float(keep_probs)


def same_each_call(fn, exercise, case, hint, mistake, calls=2):
    """Fail with `hint` unless `calls` calls on equal inputs (equal generators) give the same first result."""
    inputs = exercise.inputs(**case)
    results = [student_call(fn, exercise.name, *copy_inputs(inputs.args)) for _ in range(calls)]
    arrays = [r if isinstance(r, np.ndarray) else r[0] if isinstance(r, (tuple, list)) and r else None for r in results]
    if all(isinstance(a, np.ndarray) and a.shape == arrays[0].shape for a in arrays) and not all(
            np.allclose(a.astype(float), arrays[0].astype(float), equal_nan=True) for a in arrays[1:]):
        fail(hint, mistake)
    return results[0]


# --- dropout_forward -------------------------------------------------------------------------------

def forward_inputs(shape=(4, 6), keep_prob=0.8, seed=0):
    """ReLU-like activations (non-negative, some exact zeros), keep_prob and the generator of the masks:
    default_rng(s) for the first s >= seed whose first min(shape) draws keep a unit and drop another, so that
    masks shared by the examples, by the units or by the whole layer all differ."""
    A = np.maximum(np.random.default_rng(100 + seed).standard_normal(shape) + 0.3, 0.0)
    A.flat[::5] = 0.0
    mixed = (s for s in range(seed, seed + 1000)
             if len({bool(u < keep_prob) for u in np.random.default_rng(s).random(min(shape))}) == 2)
    return Inputs((A, keep_prob, np.random.default_rng(next(mixed, seed) if 0 < keep_prob < 1 else seed)))


def drop(A, keep_prob, rng, *, rule=lambda draw, keep_prob: draw < keep_prob, draw=lambda rng, shape: rng.random(shape),
         scale=lambda A, D, keep_prob: A * D / keep_prob):
    """dropout_forward with its pieces as arguments: the draw, the rule that keeps a unit, the scaling."""
    D = rule(draw(rng, A.shape), keep_prob)
    return scale(A, D, keep_prob), D


PER_UNIT_AND_EXAMPLE = "draw one per unit and per example, D = rng.random(A.shape) < keep_prob."


def mask_and_activations(name, result):
    """(A_drop, D), D one 0/1 value per unit and per example."""
    A_drop, D = expect_tuple(name, result, 2, "a tuple (A_drop, D)")
    shape, D_shape = np.shape(A_drop), np.shape(D)
    if len(shape) == 2 and isinstance(D, (np.ndarray, bool, np.bool_)) and D_shape != shape:
        if D_shape == (shape[0], 1):
            fail(f"D has shape {D_shape}: one mask value per unit, shared by all the examples. Slide 15: each example "
                 "drops its own units, so " + PER_UNIT_AND_EXAMPLE, "dropout_forward.d-is-a-column")
        if D_shape == (1, shape[1]):
            fail(f"D has shape {D_shape}: one value per example, shared by all the units. Draw one value per unit and "
                 "per example, D = rng.random(A.shape) < keep_prob.", "dropout_forward.d-is-a-row")
        if D_shape == ():
            fail("D is a single number: you drew one random number for the whole layer. Draw one per unit and per "
                 "example, D = rng.random(A.shape) < keep_prob.", "dropout_forward.d-is-a-scalar")
    if isinstance(D, np.ndarray) and D.dtype != bool and D.size and not np.isin(D, (0, 1)).all():
        fail("D must hold only True/False (or 1/0): the mask, D = rng.random(A.shape) < keep_prob, not the random "
             "numbers themselves (nor the scaled activations).", "dropout_forward.d-not-a-mask")


def _shared(shape_of):
    return partial(drop, draw=lambda rng, shape: np.broadcast_to(rng.random(shape_of(shape)), shape))


DROPOUT_FORWARD = Exercise(
    "dropout_forward", ref.dropout_forward, forward_inputs, dict(shape=(4, 6), keep_prob=0.8, seed=0),
    (), per_case=lambda keep_prob, **_: {"outputs": (
        Out(f"D (the mask, keep_prob = {keep_prob})", (1,), "(n[l], m), like A: one value per unit and per example"),
        Out(f"A_drop (keep_prob = {keep_prob})", (0,), "(n[l], m), like A"))},
    returns=mask_and_activations,
    mistakes=(
        Wrong("mask-inverted", "The mask is inverted: rng.random(A.shape) >= keep_prob keeps a unit "
              "with probability 1 - keep_prob. keep_prob is the probability of KEEPING a unit: "
              "D = rng.random(A.shape) < keep_prob.", partial(drop, rule=lambda draw, keep_prob: draw >= keep_prob)),
        Wrong("mask-shared-by-examples", "Every example got the same mask (one random number per unit, "
              "broadcast): slide 15, each example drops different units. D = rng.random(A.shape) < keep_prob.",
              _shared(lambda shape: (shape[0], 1))),
        Wrong("mask-shared-by-units", "Every unit got the same mask value (one random number per example): "
              + PER_UNIT_AND_EXAMPLE, _shared(lambda shape: (1, shape[1]))),
        Wrong("one-draw-per-layer", "One random number decides for the whole layer: "
              + PER_UNIT_AND_EXAMPLE, _shared(lambda shape: ())),
        Wrong("binomial-mask", "Use D = rng.random(A.shape) < keep_prob exactly (not rng.binomial), so "
              "that everyone's masks agree.", lambda A, keep_prob, rng: drop(A, keep_prob, rng, draw=lambda rng, shape: (
                  rng.binomial(1, keep_prob, shape)), rule=lambda draw, keep_prob: draw.astype(bool))),
        Wrong("not-rescaled", "A_drop is not divided by keep_prob: inverted dropout scales the kept units "
              "up, A * D / keep_prob, so that the expected value of every activation stays the same (slide 16's "
              "a3 /= keep_prob).", partial(drop, scale=lambda A, D, keep_prob: A * D)),
        Wrong("times-keep-prob", "A_drop is multiplied by keep_prob: divide, A * D / keep_prob (the kept "
              "units must be scaled UP).", partial(drop, scale=lambda A, D, keep_prob: A * D * keep_prob)),
        Wrong("divided-by-drop-prob", "A_drop is divided by 1 - keep_prob: divide by keep_prob, the probability "
              "of keeping a unit.", partial(drop, scale=lambda A, D, keep_prob: A * D / (1 - keep_prob))),
        Wrong("mask-without-a", "A_drop is D / keep_prob: multiply the activations by the mask, "
              "A * D / keep_prob.", partial(drop, scale=lambda A, D, keep_prob: D / keep_prob)),
        Wrong("keeps-dropped-units", "A_drop keeps the units where D is False: A * D / keep_prob keeps those "
              "where D is True.", partial(drop, scale=lambda A, D, keep_prob: A * ~D / keep_prob)),
    ),
    extra=unchanged("dropout_forward", (0, "dropout_forward modified its input A in place (A *= D or A /= keep_prob): "
                    "compute a new array, A_drop = A * D / keep_prob; the backward pass and the caller still need A.",
                                        "dropout_forward.modified-a-in-place")))


def check_dropout_forward(dropout_forward, shape=(4, 6), keep_prob=0.8, seed=0):
    """D = rng.random(A.shape) < keep_prob; A_drop = A * D / keep_prob; returns (A_drop, D). Runs first another
    keep_prob (0.3, or 0.8 when keep_prob < 0.5), where other typical bugs show (rng.binomial, 1 - keep_prob)."""
    for probability in (0.3 if keep_prob >= 0.5 else 0.8, keep_prob):
        case = dict(shape=shape, keep_prob=probability, seed=seed)
        first = same_each_call(dropout_forward, DROPOUT_FORWARD, case, "Two calls with equal generators gave "
                                "different masks: draw the mask from the rng argument, D = rng.random(A.shape) < "
                                "keep_prob, not from np.random.", "dropout_forward.unseeded-draws")
        A = DROPOUT_FORWARD.inputs(**case).args[0]
        others = [student_call(dropout_forward, "dropout_forward", A.copy(), probability, np.random.default_rng([seed, k]))
                  for k in range(1, 4)] if probability < 1 else []
        mixed = isinstance(first, (tuple, list)) and len(first) == 2 and 0 < np.mean(np.asarray(first[1]) != 0) < 1
        if mixed and all(isinstance(o, (tuple, list)) and o and same_array(np.asarray(o[0]), first[0]) for o in others):
            fail("Other generators gave the same mask: draw it from the rng argument, D = rng.random(A.shape) < "
                 "keep_prob (not from a generator made inside the function).",
                 "dropout_forward.rng-unused")
        run(DROPOUT_FORWARD, dropout_forward, case)
    passed("dropout_forward")


# --- dropout_backward ------------------------------------------------------------------------------

def backward_inputs(shape=(3, 5), keep_prob=0.7, seed=1):
    """dA and a mask D with a kept and a dropped unit wherever there is room for both."""
    rng = np.random.default_rng(seed)
    dA = rng.standard_normal(shape)
    D = rng.random(shape) < keep_prob
    D.flat[:2] = [False, True][:D.size]
    return Inputs((dA, D, keep_prob))


DROPOUT_BACKWARD = Exercise(
    "dropout_backward", ref.dropout_backward, backward_inputs, dict(shape=(3, 5), keep_prob=0.7, seed=1),
    (Out("dropout_backward(dA, D, keep_prob)", layout="(n[l], m), like dA"),),
    mistakes=(
        Wrong("not-rescaled", "The gradient is not divided by keep_prob: the forward pass computed "
              "A * D / keep_prob, so its derivative is dA * D / keep_prob.", lambda dA, D, keep_prob: dA * D),
        Wrong("no-mask", "The mask is missing: dropped units had no effect on the cost, so "
              "they get no gradient, dA * D / keep_prob.", lambda dA, D, keep_prob: dA / keep_prob),
        Wrong("returned-da-unchanged", "You returned dA unchanged: go back through the dropout, "
              "dA * D / keep_prob.", lambda dA, D, keep_prob: dA),
        Wrong("times-keep-prob", "The gradient is multiplied by keep_prob: divide, "
              "dA * D / keep_prob.", lambda dA, D, keep_prob: dA * D * keep_prob),
        Wrong("mask-inverted", "The mask is inverted: the gradient flows through the KEPT units, "
              "where D is True.", lambda dA, D, keep_prob: dA * ~D / keep_prob),
    ),
    extra=unchanged("dropout_backward", (0, "dropout_backward modified its input dA in place (dA *= D): compute a new "
                                         "array, dA * D / keep_prob.",
                                         "dropout_backward.modified-da-in-place"),
                    (1, "dropout_backward modified the mask D: only read it.",
                     "dropout_backward.modified-the-mask")))
check_dropout_backward = check(DROPOUT_BACKWARD)


# --- L_model_forward_with_dropout ------------------------------------------------------------------

def network_inputs(layer_dims=(3, 5, 4, 1), m=6, keep_probs=(0.8, 0.6), seed=2):
    parameters, X = network(np.random.default_rng(200 + seed), layer_dims, m)
    return Inputs((X, parameters, _given(keep_probs), np.random.default_rng(seed)), m)


def dropout_step(*, keep_prob_of=lambda probs, l: probs[l - 1], mask=True, divide=True, **pieces):
    """helpers.network.DROPOUT with its pieces as arguments: layer l's keep_prob is
    keep_prob_of(settings["keep_probs"], l); forward drop(A, keep_prob, settings["rng"], **pieces); backward
    dA * D / keep_prob, without the mask or the division when mask or divide is False."""
    def forward_(A, l, parameters, settings):
        return drop(A, keep_prob_of(settings["keep_probs"], l), settings["rng"], **pieces)

    def backward_(dA, D, l, grads, settings):
        return dA * (D if mask else 1.0) / (keep_prob_of(settings["keep_probs"], l) if divide else 1.0)
    return nets.Step("dropout", forward_, backward_)


def forward(X, parameters, keep_probs, rng, *, on_input=False, on_output=False, undropped=lambda L: (),
            **pieces):
    """L_model_forward_with_dropout with its pieces as arguments: the network of helpers.dropout with
    dropout_step(**pieces) as its dropout and none after the hidden layers numbered in undropped(L); X dropped
    too (on_input, with keep_probs[0]), or AL (on_output, with the last keep_prob)."""
    L = len(parameters) // 2
    probs = ref.keep_probs_list(keep_probs, L)
    net = nets.swap(ref.dropout_network(L), "dropout", dropout_step(**pieces))
    for l in undropped(L):
        net = nets.swap(net, "dropout", nets.NO_DROPOUT, layer=l)
    AL, caches = nets.forward(drop(X, probs[0], rng, **pieces)[0] if on_input else X, parameters, net,
                                 {"keep_probs": probs, "rng": rng})
    return (drop(AL, probs[-1], rng, **pieces)[0] if on_output else AL), caches


def _dropout_caches(fn, result, inputs):
    """caches[l - 1] = (((A_prev, W, b), Z), D) of layer l, D None for the output layer."""
    caches, (_, expected) = result[1], ref.L_model_forward_with_dropout(*copy_inputs(inputs.args))
    L = len(expected)
    if not isinstance(caches, (list, tuple)) or len(caches) != L:
        got = len(caches) if isinstance(caches, (list, tuple)) else type(caches).__name__
        fail(f"caches must be a list of L = {L} entries, one per layer, got {got}.",
             "L_model_forward_with_dropout.caches-wrong-length")
    for l, (cache, ((linear_cache, Z), D)) in enumerate(zip(caches, expected), start=1):
        if not isinstance(cache, (tuple, list)) or len(cache) != 2:
            fail(f"caches[{l - 1}] must be the pair (layer_cache, D) for layer {l}: layer_cache = ((A_prev, W, b), Z) "
                 f"as in notebook 02, and D the mask of layer {l} (None for the output layer).",
                 "L_model_forward_with_dropout.cache-not-a-pair")
        layer_cache, got_D = cache
        if isinstance(layer_cache, (tuple, list)) and len(layer_cache) == 3 and same_array(got_D, Z):
            fail(f"caches[{l - 1}] is notebook 02's cache ((A_prev, W, b), Z) without the mask: store the pair "
                 f"(layer_cache, D), so that the backward pass can find layer {l}'s mask.",
                 "L_model_forward_with_dropout.cache-without-mask")
        if D is None and got_D is not None:
            fail(f"caches[{L - 1}][1] must be None: the output layer has no dropout mask.",
                 "L_model_forward_with_dropout.output-cache-has-mask")
        if D is not None and (got_D is None or not same_array(np.asarray(got_D), D)):
            fail(f"caches[{l - 1}][1] must be D{l}, the mask applied to A{l} (as dropout_forward returned it).",
                 "L_model_forward_with_dropout.wrong-mask-cached")
        if not isinstance(layer_cache, (tuple, list)) or len(layer_cache) != 2:
            fail(f"caches[{l - 1}][0] must be layer {l}'s cache ((A_prev, W, b), Z), as linear_activation_forward "
                 f"returns it.", "L_model_forward_with_dropout.malformed-layer-cache")
        if not same_array(layer_cache[1], Z):
            fail(f"caches[{l - 1}][0][1] must be Z{l} = W{l} A{l - 1} + b{l}, before the activation and the dropout.",
                 "L_model_forward_with_dropout.wrong-z-cached")
        got_linear = layer_cache[0]
        if not isinstance(got_linear, (tuple, list)) or len(got_linear) != 3 or not same_array(got_linear[0],
                                                                                               linear_cache[0]):
            fail(f"caches[{l - 1}][0][0] must be (A_prev, W{l}, b{l}), with A_prev the activation that layer {l} "
                 f"received: the DROPPED A{l - 1} (X for layer 1).",
                 "L_model_forward_with_dropout.wrong-a-prev-cached")


ANOTHER_KEEP_PROB = ("A layer used another layer's keep_prob: hidden layer l uses keep_probs[l - 1] (layers count from "
                     "1, Python lists from 0).")
FORWARD_WITH_DROPOUT = Exercise(
    "L_model_forward_with_dropout", ref.L_model_forward_with_dropout, network_inputs,
    dict(layer_dims=(3, 5, 4, 1), m=6, keep_probs=(0.8, 0.6), seed=2),
    (), per_case=lambda keep_probs, **_: {"outputs": (Out(f"AL (keep_probs = {_given(keep_probs)})", (0,), "(1, m)"),)},
    returns=a_tuple("(AL, caches)", value, value),
    mistakes=(
        Wrong("dropout-on-the-input", "Dropout was applied to the input X: only the hidden layers are dropped "
              "(l = 1..L-1); the input features are never dropped here.", partial(forward, on_input=True)),
        Wrong("dropout-on-the-output", "Dropout was applied to the output AL: the output layer is never dropped (AL is "
              "the prediction). Drop the hidden layers l = 1..L-1 only.", partial(forward, on_output=True)),
        Wrong("not-rescaled", "The kept activations are not divided by keep_prob: inverted dropout "
              "computes A * D / keep_prob.", partial(forward, scale=lambda A, D, keep_prob: A * D)),
        Wrong("mask-inverted", "The mask is inverted (rng.random(...) >= keep_prob drops units with "
              "probability keep_prob): D = rng.random(A.shape) < keep_prob keeps each unit with probability keep_prob.",
              partial(forward, rule=lambda draw, keep_prob: draw >= keep_prob)),
        Wrong("mask-shared-by-examples", "Every example got the same mask: draw one value per unit AND per "
              "example, D = rng.random(A.shape) < keep_prob (slide 15: different examples drop different units).",
              partial(forward, draw=lambda rng, shape: np.broadcast_to(rng.random((shape[0], 1)), shape))),
        Wrong("last-hidden-not-dropped", "The last hidden layer was not dropped: apply dropout after "
              "every hidden layer, l = 1..L-1 (range(1, L) in Python).",
              partial(forward, undropped=lambda L: (L - 1,))),
        Wrong("wrong-layer-keep-prob", ANOTHER_KEEP_PROB,
              partial(forward, keep_prob_of=lambda probs, l: probs[l - 2])),
        Wrong("no-dropout", "AL is the output of the network WITHOUT dropout: after each hidden layer's "
              "ReLU, apply A, D = dropout_forward(A, keep_prob_of_that_layer, rng).",
              partial(forward, undropped=lambda L: range(1, L))),
    ),
    blocks=dict(dropout_forward=ref.dropout_forward), extra=_dropout_caches)


def _each_keep_probs(exercise, fn, case, before=None):
    """The exercise with keep_probs as given, then as one number (the last given); before(case): a check run first."""
    def runs():
        for keep_probs in (case["keep_probs"], float(ref.keep_probs_list(case["keep_probs"], len(case["layer_dims"])
                                                                            - 1)[-1])):
            one = {**case, "keep_probs": keep_probs}
            if before:
                before(one)
            run(exercise, fn, one)
    graded_on_its_own(fn, exercise.name, exercise.blocks, runs)


KEEP_PROBS_HINTS = (("not subscriptable", "has no len", "not iterable"), "keep_probs may be a single number, meaning "
                    "the same keep_prob for every hidden layer: turn it into a list first, e.g. keep_probs = "
                    "[keep_probs] * (L - 1) when it is a float.")
INDEX_HINT = (("IndexError",), "keep_probs holds one value per HIDDEN layer (L - 1 values): hidden layer l uses "
              "keep_probs[l - 1].")


def _keep_probs_hints(check_fn):
    return with_crash_hint(with_crash_hint(check_fn, *KEEP_PROBS_HINTS), *INDEX_HINT)


@_keep_probs_hints
def check_L_model_forward_with_dropout(L_model_forward_with_dropout, layer_dims=(3, 5, 4, 1), m=6,
                                       keep_probs=(0.8, 0.6), seed=2):
    """[LINEAR -> RELU -> DROPOUT] * (L-1) -> LINEAR -> SIGMOID; masks rng.random(A.shape) < keep_prob drawn in
    layer order; caches[l - 1] = (((A_prev, W, b), Z), D), D None for layer L. keep_probs: a list, or one number."""
    _each_keep_probs(FORWARD_WITH_DROPOUT, L_model_forward_with_dropout,
                     dict(layer_dims=layer_dims, m=m, keep_probs=keep_probs, seed=seed),
                     lambda case: same_each_call(L_model_forward_with_dropout, FORWARD_WITH_DROPOUT, case,
                                                 "Two calls with equal generators gave different results: draw every "
                                                 "mask from the rng argument (rng.random(A.shape) < keep_prob), not "
                                                 "from np.random, and do not create a new generator inside.",
                                                 "L_model_forward_with_dropout.unseeded-draws"))


# --- L_model_backward_with_dropout -----------------------------------------------------------------

def network_backward_inputs(layer_dims=(3, 5, 4, 1), m=6, keep_probs=(0.8, 0.6), seed=3):
    rng = np.random.default_rng(300 + seed)
    parameters, X = network(rng, layer_dims, m)
    Y = labels(rng, m)
    AL, caches = ref.L_model_forward_with_dropout(X, parameters, _given(keep_probs), np.random.default_rng(seed))
    return Inputs((AL, Y, caches, _given(keep_probs)), m)


def backward(AL, Y, caches, keep_probs, **pieces):
    """L_model_backward_with_dropout with its pieces as arguments, those of dropout_step."""
    L = len(caches)
    net = nets.swap(ref.dropout_network(L), "dropout", dropout_step(**pieces))
    return nets.backward(AL - Y, caches, net, {"keep_probs": ref.keep_probs_list(keep_probs, L)}, dA_keys=False)


BACKWARD_WITH_DROPOUT = Exercise(
    "L_model_backward_with_dropout", ref.L_model_backward_with_dropout, network_backward_inputs,
    dict(layer_dims=(3, 5, 4, 1), m=6, keep_probs=(0.8, 0.6), seed=3),
    (), per_case=lambda layer_dims, **_: {"outputs": parameter_outputs(layer_dims, grads=True)},
    returns=gradients_dict,
    mistakes=(
        Wrong("no-dropout-backward", "The gradient does not go back through the dropout: before each hidden layer's "
              "ReLU backward, dA = dA * D / keep_prob with that layer's mask (a dropped unit had no effect on the "
              "cost).", partial(backward, mask=False, divide=False)),
        Wrong("no-mask", "The mask is missing in the backward pass: dA = dA * D / keep_prob (dropped units "
              "get no gradient).", partial(backward, mask=False)),
        Wrong("not-rescaled", "The backward pass forgets to divide by keep_prob: the forward pass scaled "
              "the kept units by 1 / keep_prob, so dA = dA * D / keep_prob.", partial(backward, divide=False)),
        Wrong("wrong-layer-keep-prob", ANOTHER_KEEP_PROB,
              partial(backward, keep_prob_of=lambda probs, l: probs[l - 2])),
    ),
    blocks=dict(dropout_backward=ref.dropout_backward))


@_keep_probs_hints
def check_L_model_backward_with_dropout(L_model_backward_with_dropout, layer_dims=(3, 5, 4, 1), m=6,
                                        keep_probs=(0.8, 0.6), seed=3):
    """dZ[L] = AL - Y; then for l = L-1..1: dA{l} = dA{l} * D{l} / keep_probs[l - 1], then ReLU and linear backward.
    Runs keep_probs as given, then as one number."""
    _each_keep_probs(BACKWARD_WITH_DROPOUT, L_model_backward_with_dropout,
                     dict(layer_dims=layer_dims, m=m, keep_probs=keep_probs, seed=seed))


check_L_model_backward_with_dropout = with_crash_hint(
    check_L_model_backward_with_dropout, ("ValueError", "unsupported operand"), "Layer l's cache is caches[l - 1] = "
    "(((A_prev, W, b), Z), D): apply ITS mask D{l} to dA{l}, the gradient of A{l}, before going back through layer "
    "l's ReLU.")


# --- predict_dropout -------------------------------------------------------------------------------

def predict_inputs(layer_dims=(2, 8, 8, 1), m=40, keep_probs=(0.5, 0.5), seed=4):
    """Parameters whose predictions are balanced (the output's bias moves the median probability to 0.5)."""
    parameters, X = network(np.random.default_rng(400 + seed), layer_dims, m, centred=(deep.L_model_forward, np.median))
    return Inputs((parameters, X, _given(keep_probs)), m)


def predict(parameters, X, keep_probs, *, factor=lambda keep_prob: 1.0, threshold=lambda AL: AL > 0.5):
    """predict_dropout with its pieces as arguments: the network of helpers.dropout whose dropout multiplies the
    activations by factor(keep_prob) (no mask), the threshold."""
    L = len(parameters) // 2
    scaled = nets.Step("scaled", lambda A, l, parameters, settings: (
        A * factor(settings["keep_probs"][l - 1]), None), nets.NO_DROPOUT.backward)
    net = nets.swap(ref.dropout_network(L), "dropout", scaled)
    AL, _ = nets.forward(X, parameters, net, {"keep_probs": ref.keep_probs_list(keep_probs, L)})
    return threshold(AL) * 1.0


PREDICT_DROPOUT = Exercise(
    "predict_dropout", ref.predict_dropout, predict_inputs, dict(layer_dims=(2, 8, 8, 1), m=40, keep_probs=(0.5, 0.5),
                                                                 seed=4),
    (Out("predictions", layout="(1, m) of 0/1"),),
    mistakes=(
        Wrong("returned-probabilities", "predict_dropout returned probabilities: "
              "threshold them, (AL > 0.5).", partial(predict, threshold=lambda AL: AL)),
        Wrong("classes-swapped", "The classes are swapped: predict 1 where AL > 0.5.",
              partial(predict, threshold=lambda AL: AL <= 0.5)),
        Wrong("times-keep-prob", "The hidden activations were multiplied by keep_prob at "
              "test time: that is the old, non-inverted dropout. With inverted dropout the training already divided "
              "by keep_prob, so prediction uses the plain network (no scaling, no mask).",
              partial(predict, factor=lambda keep_prob: keep_prob)),
        Wrong("divided-by-keep-prob", "The hidden activations were divided by keep_prob at test "
              "time: with no mask there is nothing to compensate; prediction uses the plain network.",
              partial(predict, factor=lambda keep_prob: 1 / keep_prob)),
    ))


def check_predict_dropout(predict_dropout, layer_dims=(2, 8, 8, 1), m=40, keep_probs=(0.5, 0.5), seed=4):
    """Predictions of a network trained with dropout: the plain forward pass, AL > 0.5; no mask, no scaling."""
    case = dict(layer_dims=layer_dims, m=m, keep_probs=keep_probs, seed=seed)
    first = same_each_call(predict_dropout, PREDICT_DROPOUT, case, "The predictions change from one call to the next: "
                           "that is dropout at test time. Slide 17: at test time every unit is used, with no mask and "
                           "no scaling (inverted dropout already kept the expected values right during training), so "
                           "predict with the plain forward pass, L_model_forward(X, parameters).",
                           "predict_dropout.random-mask-at-test", calls=3)
    try:
        run(PREDICT_DROPOUT, predict_dropout, case)
    except ExerciseFailure as failure:
        if failure.mistake or "right shape" not in str(failure) or not np.isin(first, (0, 1)).all():
            raise
        fail("The predictions differ from the plain network's: did you use dropout (a mask) at test time? Slide 17: "
             "no dropout at test time; predict with L_model_forward(X, parameters) and AL > 0.5.",
             "predict_dropout.fixed-mask-at-test")
    passed("predict_dropout")


# --- challenge (optional, ungraded): Monte-Carlo dropout -------------------------------------------

def mc_inputs(layer_dims=(3, 6, 5, 1), m=8, keep_probs=(0.7, 0.5), n_samples=5, seed=5):
    rng = np.random.default_rng(300 + seed)
    parameters = layer_parameters(rng, layer_dims)
    return Inputs((parameters, rng.standard_normal((layer_dims[0], m)), _given(keep_probs), np.random.default_rng(seed),
                   n_samples), m)


def mc_predict(parameters, X, keep_probs, rng, n_samples, *, network=ref.L_model_forward_with_dropout,
               sample=lambda AL: AL, passes=lambda n_samples: n_samples, result=lambda mean: mean):
    """mc_dropout_predict with its pieces as arguments."""
    return result(np.mean([sample(network(X, parameters, keep_probs, rng)[0]) for _ in range(passes(n_samples))],
                          axis=0))


MC_DROPOUT_PREDICT = Exercise(
    "mc_dropout_predict", ref.mc_dropout_predict, mc_inputs,
    dict(layer_dims=(3, 6, 5, 1), m=8, keep_probs=(0.7, 0.5), n_samples=5, seed=5),
    (Out("mc_dropout_predict(...)", layout="(1, m) probabilities"),),
    mistakes=(
        Wrong("averages-labels", "You averaged the 0/1 predictions of the thinned networks: average their "
              "probabilities AL.", partial(mc_predict, sample=lambda AL: AL > 0.5)),
        Wrong("returns-labels", "Return the mean probability itself, not its 0/1 threshold.",
              partial(mc_predict, result=lambda mean: (mean > 0.5) * 1.0)),
        Wrong("one-sample", "This is one thinned network: average n_samples forward passes, each drawing new masks "
              "from the one rng you are given (not from a new generator per pass, which repeats the same masks).",
              partial(mc_predict, passes=lambda n_samples: 1)),
        Wrong("no-dropout", "This is the plain network without dropout: every pass must use "
              "L_model_forward_with_dropout.",
              partial(mc_predict, network=lambda X, parameters, keep_probs, rng: deep.L_model_forward(X, parameters))),
    ),
    blocks=dict(dropout_forward=ref.dropout_forward, L_model_forward_with_dropout=ref.L_model_forward_with_dropout))
check_mc_dropout_predict = check(MC_DROPOUT_PREDICT)

#: The exercises described as data (the tests feed each named mistake in), each with a check of its own
#: where it runs checks first (masks drawn from the generator) or runs several keep_probs.
EXERCISES = (DROPOUT_FORWARD, DROPOUT_BACKWARD, FORWARD_WITH_DROPOUT, BACKWARD_WITH_DROPOUT, PREDICT_DROPOUT,
             MC_DROPOUT_PREDICT)
CHALLENGES = (MC_DROPOUT_PREDICT,)     # optional and ungraded: no hidden test
