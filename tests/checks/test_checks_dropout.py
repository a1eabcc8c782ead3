"""The checks of notebook 04: what the table of exercises does not cover (tests/checks/test_exercises.py feeds
the independent solutions, the references and every named mistake of the table): the checks run before
the comparisons (masks drawn from the generator, dropout at test time), the caches, in-place changes,
and the hints added to crashes."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import deep
from helpers import dropout as ref
from helpers.checks import dropout as checks
from mistakes import assert_named_mistake, fails_with


# --- dropout_forward -----------------------------------------------------------------------------

def forward_gt_with_inverted_use(A, keep_prob, rng):
    D = rng.random(A.shape) > keep_prob            # "drop where the draw exceeds keep_prob", then keep those
    return A * D / keep_prob, D


def forward_shared_across_examples(A, keep_prob, rng):
    D = rng.random((A.shape[0], 1)) < keep_prob
    return A * D / keep_prob, D


def forward_shared_across_units(A, keep_prob, rng):
    D = rng.random((1, A.shape[1])) < keep_prob
    return A * D / keep_prob, D


def forward_scalar(A, keep_prob, rng):
    D = rng.random() < keep_prob
    return A * D / keep_prob, D


def forward_global_state(A, keep_prob, rng):
    D = np.random.rand(*A.shape) < keep_prob
    return A * D / keep_prob, D


def forward_own_generator(A, keep_prob, rng):
    D = np.random.default_rng(0).random(A.shape) < keep_prob
    return A * D / keep_prob, D


def forward_in_place(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    A *= D
    A /= keep_prob
    return A, D


def forward_returns_draws(A, keep_prob, rng):
    draws = rng.random(A.shape)
    return A * (draws < keep_prob) / keep_prob, draws


def forward_single_value(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob


@pytest.mark.parametrize("answer, phrase", [
    (forward_gt_with_inverted_use, "The mask is inverted"),
    (forward_shared_across_examples, "shared by all the examples"),
    (forward_shared_across_units, "shared by all the units"),
    (forward_scalar, "single number"),
    (forward_global_state, "not from np.random"),
    (forward_own_generator, "Other generators gave the same mask"),
    (forward_in_place, "modified its input A in place"),
    (forward_returns_draws, "only True/False"),
    (forward_single_value, "a tuple (A_drop, D)"),
])
def test_dropout_forward_mistakes_are_named(answer, phrase):
    fails_with(checks.check_dropout_forward, answer, phrase)


def test_a_float_mask_passes():
    def float_mask(A, keep_prob, rng):
        D = (rng.random(A.shape) < keep_prob).astype(float)
        return A * D / keep_prob, D
    checks.check_dropout_forward(float_mask)


# --- dropout_backward --------------------------------------------------------------------------------

def backward_in_place(dA, D, keep_prob):
    dA *= D
    dA /= keep_prob
    return dA


def backward_clears_the_mask(dA, D, keep_prob):
    dA_prev = dA * D / keep_prob
    D[:] = False
    return dA_prev


@pytest.mark.parametrize("answer, phrase", [
    (backward_in_place, "modified its input dA in place"),
    (backward_clears_the_mask, "modified the mask D"),
])
def test_dropout_backward_mistakes_are_named(answer, phrase):
    fails_with(checks.check_dropout_backward, answer, phrase)


# --- L_model_forward_with_dropout -----------------------------------------------------------------------

def forward_float_not_handled(X, parameters, keep_probs, rng):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L):
        A, cache = deep.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        A, D = ref.dropout_forward(A, keep_probs[l - 1], rng)
        caches.append((cache, D))
    AL, cache = deep.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [(cache, None)]


def forward_index_off_by_one(X, parameters, keep_probs, rng):
    L = len(parameters) // 2
    probs = keep_probs if isinstance(keep_probs, list) else [keep_probs] * (L - 1)
    A, caches = X, []
    for l in range(1, L):
        A, cache = deep.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        A, D = ref.dropout_forward(A, probs[l], rng)
        caches.append((cache, D))
    AL, cache = deep.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [(cache, None)]


def forward_global_rng(X, parameters, keep_probs, rng):
    return ref.L_model_forward_with_dropout(X, parameters, keep_probs, np.random.default_rng(np.random.randint(1 << 30)))


def forward_mask_missing_in_cache(X, parameters, keep_probs, rng):
    AL, caches = ref.L_model_forward_with_dropout(X, parameters, keep_probs, rng)
    return AL, [(cache, None) for cache, _ in caches]


def forward_notebook_02_caches(X, parameters, keep_probs, rng):
    AL, caches = ref.L_model_forward_with_dropout(X, parameters, keep_probs, rng)
    return AL, [cache for cache, _ in caches]


def forward_caches_undropped_A_prev(X, parameters, keep_probs, rng):
    AL, caches = ref.L_model_forward_with_dropout(X, parameters, keep_probs, rng)
    plain = deep.L_model_forward(X, parameters)[1]
    return AL, [((plain[i][0], Z), D) for i, ((_, Z), D) in enumerate(caches)]


@pytest.mark.parametrize("answer, phrase", [
    (forward_float_not_handled, "turn it into a list first"),
    (forward_index_off_by_one, "keep_probs[l - 1]"),
    (forward_global_rng, "not from np.random"),
    (forward_mask_missing_in_cache, "the mask applied to A"),
    (forward_notebook_02_caches, "the pair (layer_cache, D)"),
    (forward_caches_undropped_A_prev, "the DROPPED A"),
])
def test_forward_with_dropout_mistakes_are_named(answer, phrase):
    fails_with(checks.check_L_model_forward_with_dropout, answer, phrase)


def _caches_changed(change):
    def forward(X, parameters, keep_probs, rng):
        AL, caches = ref.L_model_forward_with_dropout(X, parameters, keep_probs, rng)
        return AL, change(caches)
    return forward


@pytest.mark.parametrize("change, mistake", [
    (lambda caches: caches[:-1], "caches-wrong-length"),
    (lambda caches: [(*cache, None) for cache in caches], "cache-not-a-pair"),
    (lambda caches: caches[:-1] + [(caches[-1][0], caches[-2][1])], "output-cache-has-mask"),
    (lambda caches: [((*layer_cache, None), D) for layer_cache, D in caches], "malformed-layer-cache"),
    (lambda caches: [((linear, np.maximum(Z, 0)), D) for (linear, Z), D in caches], "wrong-z-cached"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_the_caches_of_the_forward_pass_are_checked(change, mistake):
    assert_named_mistake(checks.check_L_model_forward_with_dropout, _caches_changed(change),
                         f"L_model_forward_with_dropout.{mistake}")


def test_gradients_must_be_a_dict():
    assert_named_mistake(checks.check_L_model_backward_with_dropout,
                         lambda AL, Y, caches, keep_probs: list(ref.L_model_backward_with_dropout(AL, Y, caches,
                                                                                                  keep_probs).values()),
                         "L_model_backward_with_dropout.grads-not-dict")


# --- L_model_backward_with_dropout -------------------------------------------------------------------------

def backward_float_not_handled(AL, Y, caches, keep_probs):
    return ref.L_model_backward_with_dropout(AL, Y, caches, list(keep_probs))


def backward_wrong_layer_mask(AL, Y, caches, keep_probs):
    L = len(caches)
    probs = keep_probs if isinstance(keep_probs, list) else [keep_probs] * (L - 1)
    (linear_cache, _), _ = caches[L - 1]
    dA, dW, db = deep.linear_backward(AL - Y, linear_cache)
    grads = {f"dW{L}": dW, f"db{L}": db}
    for l in range(L - 1, 0, -1):
        layer_cache, _ = caches[l - 1]
        D = caches[l - 2][1] if l > 1 else caches[0][1]
        dA = dA * D / probs[l - 1]
        dA, grads[f"dW{l}"], grads[f"db{l}"] = deep.linear_activation_backward(dA, layer_cache, "relu")
    return grads


def backward_via_dAL(AL, Y, caches, keep_probs):
    L = len(caches)
    probs = keep_probs if isinstance(keep_probs, list) else [keep_probs] * (L - 1)
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = deep.linear_activation_backward(dA, caches[L - 1][0], "sigmoid")
    for l in range(L - 1, 0, -1):
        layer_cache, D = caches[l - 1]
        dA, grads[f"dW{l}"], grads[f"db{l}"] = deep.linear_activation_backward(dA * D / probs[l - 1], layer_cache,
                                                                               "relu")
    return grads


@pytest.mark.parametrize("answer, phrase", [
    (backward_wrong_layer_mask, "apply ITS mask"),
])
def test_backward_with_dropout_mistakes_are_named(answer, phrase):
    fails_with(checks.check_L_model_backward_with_dropout, answer, phrase)


def test_backward_float_keep_probs_not_handled_is_named():
    fails_with(checks.check_L_model_backward_with_dropout, backward_float_not_handled, "turn it into a list first",
               keep_probs=0.6)


def test_backward_through_dAL_passes():
    checks.check_L_model_backward_with_dropout(backward_via_dAL)


# --- predict_dropout ----------------------------------------------------------------------------------

def predict_with_dropout(parameters, X, keep_probs):
    AL, _ = ref.L_model_forward_with_dropout(X, parameters, keep_probs, np.random.default_rng())
    return (AL > 0.5).astype(float)


def predict_with_a_fixed_mask(parameters, X, keep_probs):
    AL, _ = ref.L_model_forward_with_dropout(X, parameters, keep_probs, np.random.default_rng(0))
    return (AL > 0.5).astype(float)


@pytest.mark.parametrize("answer, phrase", [
    (predict_with_dropout, "dropout at test time"),
    (predict_with_a_fixed_mask, "did you use dropout (a mask) at test time"),
])
def test_predict_mistakes_are_named(answer, phrase):
    fails_with(checks.check_predict_dropout, answer, phrase)


def test_boolean_predictions_pass():
    checks.check_predict_dropout(lambda parameters, X, keep_probs: deep.L_model_forward(X, parameters)[0] > 0.5)
