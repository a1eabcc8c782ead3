"""The checks of notebook 04: the right answer passes, and each typical mistake fails with a message
that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import deep
from helpers import dropout as ref
from helpers.checks import ExerciseFailure
from helpers.checks import dropout as checks


# The checks refuse helpers' own functions, so the "student" answers are defined here.
def dropout_forward(A, keep_prob, rng):
    return ref.dropout_forward(A, keep_prob, rng)


def dropout_backward(dA, D, keep_prob):
    return ref.dropout_backward(dA, D, keep_prob)


def L_model_forward_with_dropout(X, parameters, keep_probs, rng):
    return ref.L_model_forward_with_dropout(X, parameters, keep_probs, rng)


def L_model_backward_with_dropout(AL, Y, caches, keep_probs):
    return ref.L_model_backward_with_dropout(AL, Y, caches, keep_probs)


def predict_dropout(parameters, X, keep_probs):
    return ref.predict_dropout(parameters, X, keep_probs)


CORRECT = [
    (checks.check_dropout_forward, dropout_forward), (checks.check_dropout_backward, dropout_backward),
    (checks.check_L_model_forward_with_dropout, L_model_forward_with_dropout),
    (checks.check_L_model_backward_with_dropout, L_model_backward_with_dropout),
    (checks.check_predict_dropout, predict_dropout),
]
IDS = [check.__name__ for check, _ in CORRECT]

# The sizes the notebook's hidden tests use (keep in sync with /tmp/nbsrc/04.cells), plus a few more.
HIDDEN_SIZES = {
    "check_dropout_forward": [dict(shape=(7, 3), keep_prob=0.5, seed=21), dict(shape=(2, 9), keep_prob=0.9, seed=5),
                              dict(shape=(3, 3), keep_prob=1.0, seed=8)],
    "check_dropout_backward": [dict(shape=(6, 2), keep_prob=0.4, seed=31), dict(shape=(1, 8), keep_prob=0.95, seed=6)],
    "check_L_model_forward_with_dropout": [dict(layer_dims=(4, 6, 5, 3, 1), m=7, keep_probs=(0.9, 0.5, 0.7), seed=41),
                                           dict(layer_dims=(2, 5, 1), m=4, keep_probs=0.6, seed=9)],
    "check_L_model_backward_with_dropout": [dict(layer_dims=(4, 6, 5, 3, 1), m=7, keep_probs=(0.9, 0.5, 0.7), seed=51),
                                            dict(layer_dims=(2, 5, 1), m=4, keep_probs=0.6, seed=10)],
    "check_predict_dropout": [dict(layer_dims=(3, 6, 4, 5, 1), m=25, keep_probs=(0.8, 0.6, 0.9), seed=61),
                              dict(layer_dims=(2, 10, 1), m=30, keep_probs=0.3, seed=12)],
}


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass(check, answer, capsys):
    check(answer)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass_on_hidden_style_sizes(check, answer):
    for sizes in HIDDEN_SIZES[check.__name__]:
        check(answer, **sizes)


def test_every_check_has_hidden_style_sizes():
    assert set(HIDDEN_SIZES) == set(IDS)


def test_blank_stub_says_not_implemented():
    def stub(*args):
        raise NotImplementedError()
    with pytest.raises(ExerciseFailure, match="not implemented yet"):
        checks.check_dropout_forward(stub)


@pytest.mark.parametrize("check, answer", [(checks.check_dropout_forward, ref.dropout_forward),
                                           (checks.check_predict_dropout, ref.predict_dropout)])
def test_reference_functions_are_refused(check, answer):
    with pytest.raises(ExerciseFailure, match="reference implementation"):
        check(answer)


def _fails_with(check, answer, phrase, **sizes):
    with pytest.raises(ExerciseFailure) as info:
        check(answer, **sizes)
    assert phrase in str(info.value), f"message was: {info.value}"


# --- dropout_forward -----------------------------------------------------------------------------

def forward_not_divided(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D, D


def forward_times_keep_prob(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D * keep_prob, D


def forward_over_drop_prob(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D / (1 - keep_prob), D


def forward_ge(A, keep_prob, rng):
    D = rng.random(A.shape) >= keep_prob
    return A * D / keep_prob, D


def forward_gt_with_inverted_use(A, keep_prob, rng):
    D = rng.random(A.shape) > keep_prob            # "drop where the draw exceeds keep_prob", then keep those
    return A * D / keep_prob, D


def forward_shared_across_examples(A, keep_prob, rng):
    D = rng.random((A.shape[0], 1)) < keep_prob
    return A * D / keep_prob, D


def forward_shared_across_examples_broadcast(A, keep_prob, rng):
    D = np.broadcast_to(rng.random((A.shape[0], 1)) < keep_prob, A.shape)
    return A * D / keep_prob, D


def forward_shared_across_units(A, keep_prob, rng):
    D = rng.random((1, A.shape[1])) < keep_prob
    return A * D / keep_prob, D


def forward_scalar(A, keep_prob, rng):
    D = rng.random() < keep_prob
    return A * D / keep_prob, D


def forward_binomial(A, keep_prob, rng):
    D = rng.binomial(1, keep_prob, A.shape)
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


def forward_mask_only(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return D / keep_prob, D


def forward_keeps_the_dropped(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * ~D / keep_prob, D


def forward_single_value(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob


@pytest.mark.parametrize("answer, phrase", [
    (forward_not_divided, "not divided by keep_prob"),
    (forward_times_keep_prob, "multiplied by keep_prob"),
    (forward_over_drop_prob, "divided by 1 - keep_prob"),
    (forward_ge, "The mask is inverted"),
    (forward_gt_with_inverted_use, "The mask is inverted"),
    (forward_shared_across_examples, "shared by all the examples"),
    (forward_shared_across_examples_broadcast, "Every example got the same mask"),
    (forward_shared_across_units, "shared by all the units"),
    (forward_scalar, "single number"),
    (forward_binomial, "not rng.binomial"),
    (forward_global_state, "not from np.random"),
    (forward_own_generator, "Other generators gave the same mask"),
    (forward_in_place, "modified its input A in place"),
    (forward_returns_draws, "only True/False"),
    (forward_mask_only, "multiply the activations by the mask"),
    (forward_keeps_the_dropped, "keeps the units where D is False"),
    (forward_single_value, "a tuple (A_drop, D)"),
])
def test_dropout_forward_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_dropout_forward, answer, phrase)


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


@pytest.mark.parametrize("answer, phrase", [
    (lambda dA, D, keep_prob: dA * D, "not divided by keep_prob"),
    (lambda dA, D, keep_prob: dA / keep_prob, "The mask is missing"),
    (lambda dA, D, keep_prob: dA, "returned dA unchanged"),
    (lambda dA, D, keep_prob: dA * D * keep_prob, "multiplied by keep_prob"),
    (lambda dA, D, keep_prob: dA * ~D / keep_prob, "The mask is inverted"),
    (backward_in_place, "modified its input dA in place"),
])
def test_dropout_backward_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_dropout_backward, answer, phrase)


# --- L_model_forward_with_dropout -----------------------------------------------------------------------

def _variant(**options):
    def forward(X, parameters, keep_probs, rng):
        return checks._forward_variant(X, parameters, keep_probs, rng, **options)
    return forward


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


def forward_without_dropout(X, parameters, keep_probs, rng):
    AL, caches = deep.L_model_forward(X, parameters)
    return AL, [(cache, None) for cache in caches]


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
    (_variant(on_input=True), "applied to the input X"),
    (_variant(on_output=True), "applied to the output AL"),
    (_variant(divide=False), "not divided by keep_prob"),
    (_variant(rule="ge"), "The mask is inverted"),
    (_variant(shared="examples"), "Every example got the same mask"),
    (_variant(skip_last_hidden=True), "The last hidden layer was not dropped"),
    (_variant(kp_index=lambda l: l - 2), "another layer's keep_prob"),
    (forward_float_not_handled, "turn it into a list first"),
    (forward_index_off_by_one, "keep_probs[l - 1]"),
    (forward_without_dropout, "WITHOUT dropout"),
    (forward_global_rng, "not from np.random"),
    (forward_mask_missing_in_cache, "the mask applied to A"),
    (forward_notebook_02_caches, "the pair (layer_cache, D)"),
    (forward_caches_undropped_A_prev, "the DROPPED A"),
])
def test_forward_with_dropout_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_L_model_forward_with_dropout, answer, phrase)


# --- L_model_backward_with_dropout -------------------------------------------------------------------------

def _backward(**options):
    def backward(AL, Y, caches, keep_probs):
        return checks._backward_variant(AL, Y, caches, keep_probs, **options)
    return backward


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
    (_backward(mask=False, divide=False), "does not go back through the dropout"),
    (_backward(mask=False), "The mask is missing"),
    (_backward(divide=False), "forgets to divide by keep_prob"),
    (_backward(kp_index=lambda l: l - 2), "another layer's keep_prob"),
    (backward_wrong_layer_mask, "apply ITS mask"),
])
def test_backward_with_dropout_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_L_model_backward_with_dropout, answer, phrase)


def test_backward_float_keep_probs_not_handled_is_named():
    _fails_with(checks.check_L_model_backward_with_dropout, backward_float_not_handled, "turn it into a list first",
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


def _scaled(factor):
    def predict(parameters, X, keep_probs):
        L = len(parameters) // 2
        probs = keep_probs if isinstance(keep_probs, list) else [keep_probs] * (L - 1)
        A = X
        for l in range(1, L):
            A = deep.relu(parameters[f"W{l}"] @ A + parameters[f"b{l}"]) * factor(probs[l - 1])
        return (deep.sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"]) > 0.5).astype(float)
    return predict


@pytest.mark.parametrize("answer, phrase", [
    (predict_with_dropout, "dropout at test time"),
    (predict_with_a_fixed_mask, "did you use dropout (a mask) at test time"),
    (_scaled(lambda kp: kp), "multiplied by keep_prob at test time"),
    (_scaled(lambda kp: 1 / kp), "divided by keep_prob at test time"),
    (lambda parameters, X, keep_probs: deep.L_model_forward(X, parameters)[0], "returned probabilities"),
    (lambda parameters, X, keep_probs: 1 - deep.predict(parameters, X), "classes are swapped"),
])
def test_predict_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_predict_dropout, answer, phrase)


def test_boolean_predictions_pass():
    checks.check_predict_dropout(lambda parameters, X, keep_probs: deep.L_model_forward(X, parameters)[0] > 0.5)


# --- the challenge: Monte-Carlo dropout ------------------------------------------------------------------

def _mc(parameters, X, keep_probs, rng, n_samples, *, labels=False, threshold=False, one=False, plain=False):
    """An independent answer (a running sum), with one typical mistake when asked."""
    if plain:
        return deep.L_model_forward(X, parameters)[0]
    total = 0.0
    for _ in range(1 if one else n_samples):
        AL = ref.L_model_forward_with_dropout(X, parameters, keep_probs, rng)[0]
        total = total + ((AL > 0.5) if labels else AL)
    mean = total / (1 if one else n_samples)
    return (mean > 0.5).astype(float) if threshold else mean


MC_MISTAKES = [
    (dict(labels=True), "mc_dropout_predict.averages-labels"),
    (dict(threshold=True), "mc_dropout_predict.returns-labels"),
    (dict(one=True), "mc_dropout_predict.one-sample"),
    (dict(plain=True), "mc_dropout_predict.no-dropout"),
]


def test_challenge_mc_dropout_right_answer_passes(capsys):
    checks.check_mc_dropout_predict(_mc)
    checks.check_mc_dropout_predict(_mc, layer_dims=(2, 4, 1), m=5, keep_probs=0.6, n_samples=3, seed=1)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, mistake", MC_MISTAKES, ids=[m for _, m in MC_MISTAKES])
def test_challenge_mc_dropout_names_the_mistake(wrong, mistake):
    with pytest.raises(ExerciseFailure) as failure:
        checks.check_mc_dropout_predict(lambda *args: _mc(*args, **wrong))
    assert failure.value.mistake == mistake
