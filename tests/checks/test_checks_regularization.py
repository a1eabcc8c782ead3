"""The checks of notebook 03 beyond what tests/checks/test_exercises.py covers for the table: the checks
written as code (the split, the verdicts, random shifts, early stopping) and their named mistakes,
generic diagnoses, bad input and the refusal of references."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.checks import ExerciseFailure
from helpers.checks import regularization as checks
from helpers.checks.engine import as_answer
from mistakes import assert_named_mistake, fails_with
from solutions.regularization import (L_model_backward_with_regularization, compute_cost_with_regularization,
                                      diagnose_bias_variance, random_shift, train_dev_test_split,
                                      update_parameters_with_weight_decay)


def test_random_shift_check_passes_for_every_seed_of_a_single_image():
    for seed in range(40):                # one 3x3 image: other generators sometimes repeat its shift
        checks.check_random_shift(random_shift, m=1, height=3, width=3, max_shift=1, seed=seed)


# --- train / dev / test split ----------------------------------------------------------------------

def _cut(X, Y, order, n_train, n_dev, n_test=None, y_order=None):
    y_order = order if y_order is None else y_order
    end = n_train + n_dev + (len(order) if n_test is None else n_test)
    parts = []
    for lo, hi in ((0, n_train), (n_train, n_train + n_dev), (n_train + n_dev, end)):
        parts += [X[:, order[lo:hi]], Y[:, y_order[lo:hi]]]
    return tuple(parts)


def _sizes(m, fractions):
    return int(round(fractions[0] * m)), int(round(fractions[1] * m))


def split_no_shuffle(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return _cut(X, Y, np.arange(X.shape[1]), *_sizes(X.shape[1], fractions))


def split_shuffles_x_only(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    order = np.random.default_rng(seed).permutation(X.shape[1])
    return _cut(X, Y, order, *_sizes(X.shape[1], fractions), y_order=np.arange(X.shape[1]))


def split_two_permutations(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    rng = np.random.default_rng(seed)
    order, other = rng.permutation(X.shape[1]), rng.permutation(X.shape[1])
    return _cut(X, Y, order, *_sizes(X.shape[1], fractions), y_order=other)


def split_truncates(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    m = X.shape[1]
    return _cut(X, Y, np.random.default_rng(seed).permutation(m), int(fractions[0] * m), int(fractions[1] * m))


def split_rounds_the_test_set_separately(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    m = X.shape[1]
    return _cut(X, Y, np.random.default_rng(seed).permutation(m), *_sizes(m, fractions),
                n_test=int(round(fractions[2] * m)))


def split_in_halves(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    m = X.shape[1]
    return _cut(X, Y, np.random.default_rng(seed).permutation(m), m // 2, m // 4)


def split_with_replacement(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    m = X.shape[1]
    return _cut(X, Y, np.random.default_rng(seed).integers(0, m, m), *_sizes(m, fractions))


def split_wrong_order(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    parts = train_dev_test_split(X, Y, fractions, seed)
    return parts[0], parts[2], parts[4], parts[1], parts[3], parts[5]


def split_global_state(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return _cut(X, Y, np.random.permutation(X.shape[1]), *_sizes(X.shape[1], fractions))


def split_ignores_seed(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return train_dev_test_split(X, Y, fractions, 0)


def split_in_place(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    rng = np.random.default_rng(seed)
    order = rng.permutation(X.shape[1])
    X[:], Y[:] = X[:, order], Y[:, order]
    n_train, n_dev = _sizes(X.shape[1], fractions)
    return X[:, :n_train], Y[:, :n_train], X[:, n_train:n_train + n_dev], Y[:, n_train:n_train + n_dev], \
        X[:, n_train + n_dev:], Y[:, n_train + n_dev:]


def split_transposed(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return tuple(part.T for part in train_dev_test_split(X, Y, fractions, seed))


def split_rows(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return tuple(part[:1] for part in train_dev_test_split(X, Y, fractions, seed))


def split_lists(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return tuple(part.tolist() for part in train_dev_test_split(X, Y, fractions, seed))


def split_normalises(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    parts = list(train_dev_test_split(X, Y, fractions, seed))
    parts[0] = parts[0] / 2
    return tuple(parts)


@pytest.mark.parametrize("answer, mistake, phrase, sizes", [
    (split_no_shuffle, "not-shuffled", "shuffle before cutting", {}),
    (split_shuffles_x_only, "labels-mismatched", "SAME permutation", {}),
    (split_two_permutations, "labels-mismatched", "SAME permutation", {}),
    (split_truncates, "int-truncates", "int(fraction * m) truncates", {}),
    (split_rounds_the_test_set_separately, "test-set-rounded", "The test set is what remains", dict(m=47)),
    (split_in_halves, "wrong-set-sizes", "expected n_train = int(round(0.6 * 48)) = 29", {}),
    (split_with_replacement, "examples-repeated", "appear twice", {}),
    (split_wrong_order, "wrong-return-order", "each X followed by its Y", {}),
    (split_global_state, "global-random-state", "global np.random", {}),
    (split_ignores_seed, "seed-ignored", "use the seed argument", dict(seed=4)),
    (split_in_place, "input-modified", "modified its input X in place", {}),
    (split_transposed, "transposed", "transposed", {}),
    (split_rows, "wrong-row-count", "split the columns", {}),
    (split_lists, "not-2d-array", "2-D numpy array", {}),
    (split_normalises, "values-changed", "never change their values", {}),
])
def test_split_mistakes_are_named(answer, mistake, phrase, sizes):
    failure = fails_with(checks.check_train_dev_test_split, answer, phrase, **sizes)
    assert failure.mistake == (mistake if "." in mistake else f"train_dev_test_split.{mistake}")


# --- bias and variance -----------------------------------------------------------------------------

@pytest.mark.parametrize("wrong", checks.DIAGNOSIS_MISTAKES, ids=[w.id for w in checks.DIAGNOSIS_MISTAKES])
def test_diagnosis_mistakes_are_named(wrong):
    assert_named_mistake(checks.check_diagnose_bias_variance, as_answer(wrong.answer), wrong.id)


@pytest.mark.parametrize("answer, phrase", [
    (lambda tr, dv, by=0.0: diagnose_bias_variance(tr, dv, by).title(), "write it exactly"),
    (lambda tr, dv, by=0.0: "high variance and high bias" if diagnose_bias_variance(tr, dv, by).count("high") == 2
     else diagnose_bias_variance(tr, dv, by), "(bias first)"),
    (lambda tr, dv, by=0.0: "overfitting", "return exactly one of"),
    (lambda tr, dv, by=0.0: (tr - by > 0.05, dv - tr > 0.05), "return one of the strings"),
    (lambda tr, dv, by=0.0: diagnose_bias_variance(tr, dv, by, threshold=0.1), "high when it is more than 0.05"),
])
def test_diagnosis_format_and_other_mistakes_are_named(answer, phrase):
    fails_with(checks.check_diagnose_bias_variance, answer, phrase)


# --- what the table's comparisons do not name: formats, missing keys, arguments changed in place --------

def test_l2_cost_as_an_array_is_named():
    fails_with(checks.check_compute_cost_with_regularization,
               lambda AL, Y, p, lambd: np.array([[compute_cost_with_regularization(AL, Y, p, lambd)]]), "Python float")


def test_l2_cost_that_changes_the_weights_is_caught():
    def zeroes_weights(AL, Y, parameters, lambd):
        cost = compute_cost_with_regularization(AL, Y, parameters, lambd)
        parameters["W1"][:] = 0
        return cost
    fails_with(checks.check_compute_cost_with_regularization, zeroes_weights, "in place")


def test_weight_decay_in_place_is_caught():
    def decays_in_place(parameters, grads, learning_rate, lambd, m):
        new = update_parameters_with_weight_decay(parameters, grads, learning_rate, lambd, m)
        parameters["W1"] *= 1 - learning_rate * lambd / m
        return new
    fails_with(checks.check_update_parameters_with_weight_decay, decays_in_place, "in place")


def test_backward_without_db_is_caught():
    def only_dW(AL, Y, caches, lambd):
        return {k: v for k, v in L_model_backward_with_regularization(AL, Y, caches, lambd).items()
                if k.startswith("dW")}
    fails_with(checks.check_L_model_backward_with_regularization, only_dW, "missing the key")


def test_l2_backward_through_notebook_02s_dAL_passes():
    from helpers import deep

    def via_dAL(AL, Y, caches, lambd):
        grads = deep.L_model_backward(AL, Y, caches)
        for l in range(1, len(caches) + 1):
            grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / AL.shape[1] * caches[l - 1][0][1]
        return grads
    checks.check_L_model_backward_with_regularization(via_dAL)


# --- random_shift ------------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong", checks.SHIFT_MISTAKES, ids=[w.id for w in checks.SHIFT_MISTAKES])
def test_random_shift_mistakes_are_named(wrong):
    assert_named_mistake(checks.check_random_shift, as_answer(wrong.answer), wrong.id)


def shift_global_state(images, max_shift, rng):
    return random_shift(images, max_shift, np.random.default_rng(np.random.randint(1 << 30)))


def shift_fixed_generator(images, max_shift, rng):
    return random_shift(images, max_shift, np.random.default_rng(0))


def shift_in_place(images, max_shift, rng):
    images[:] = random_shift(images, max_shift, rng)
    return images


def shift_flattened(images, max_shift, rng):
    return random_shift(images, max_shift, rng).reshape(images.shape[0], -1)


@pytest.mark.parametrize("answer, mistake, phrase", [
    (shift_global_state, "random_shift.global-random-state", "not from np.random"),
    (shift_fixed_generator, "random_shift.rng-ignored", "Other generators gave the same"),
    (shift_in_place, "random_shift.input-modified", "modified its input images in place"),
    (shift_flattened, "random_shift.wrong-layout", "original layout"),
])
def test_random_shift_code_mistakes_are_named(answer, mistake, phrase):
    assert phrase in str(assert_named_mistake(checks.check_random_shift, answer, mistake))


# --- the challenge: early stopping ---------------------------------------------------------------------

@pytest.mark.parametrize("wrong", checks.STOP_MISTAKES, ids=[w.id for w in checks.STOP_MISTAKES])
def test_challenge_should_stop_names_the_mistake(wrong):
    assert_named_mistake(checks.check_should_stop, as_answer(wrong.answer), wrong.id)


def test_challenge_should_stop_wants_a_boolean():
    with pytest.raises(ExerciseFailure, match="True or False"):
        checks.check_should_stop(lambda errors, patience: "stop")
