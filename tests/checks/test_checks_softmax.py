"""The checks of notebook 08 beyond their table (tests/checks/test_exercises.py feeds every named mistake of the
table in, and runs an independent solution through every check call of the notebook): generic diagnoses,
the hints given by code of the checks' own, refusals, stubs, and the grading of composed exercises."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import deep
from helpers import softmax as ref
from helpers.checks import softmax as checks
from solutions.softmax import L_model_forward_softmax, softmax, softmax_backward
from mistakes import assert_named_mistake, fails_with, over_mistakes


# --- the hints that do not come from the table ---------------------------------------------------------

def softmax_in_place(Z):
    Z -= np.max(Z, axis=0, keepdims=True)
    return np.exp(Z) / np.sum(np.exp(Z), axis=0, keepdims=True)


def softmax_row_sum_no_keepdims(Z):
    T = np.exp(Z - np.max(Z, axis=0))
    return T / np.sum(T, axis=1)


def softmax_backward_in_place(AL, Y):
    AL -= Y
    return AL


def backward_off_by_one(AL, Y, caches):
    return {"dW1": caches[len(caches)]}


MISTAKES = [
    (checks.check_softmax, softmax_in_place, "in place"),
    (checks.check_softmax, softmax_row_sum_no_keepdims, "keepdims=True: the (1, m) row"),
    (checks.check_softmax, lambda Z: softmax(Z) * np.where(Z > 500, np.nan, 1.0), "contains NaN or infinity"),
    (checks.check_softmax, lambda Z: softmax(Z) * 2, "its columns sum to"),
    (checks.check_compute_cost_softmax, lambda AL, Y: -np.sum(Y * np.log(AL), axis=0) / Y.shape[1], "single number"),
    (checks.check_softmax_backward, softmax_backward_in_place, "in place"),
    (checks.check_softmax_backward, lambda AL, Y: (AL - Y).T, "transposed"),
    (checks.check_L_model_backward_softmax, backward_off_by_one, "linear_cache, ZL = caches[L - 1]"),
    (checks.check_predict_softmax, lambda p, X: np.argmax(L_model_forward_softmax(X, p)[0], axis=0), "1-D"),
    (checks.check_L_model_forward_softmax, lambda X, p: (L_model_forward_softmax(X, p)[0], None),
     "caches must be a list"),
]


@over_mistakes(MISTAKES)
def test_typical_mistakes_are_named(check, answer, phrase):
    fails_with(check, answer, phrase)


def test_unstable_softmax_names_the_columns_where_it_breaks():
    failure = assert_named_mistake(checks.check_softmax, lambda Z: softmax(Z) * np.where(Z > 500, np.nan, 1.0),
                                   "softmax.not-finite")
    assert "in column(s) [4]" in str(failure)


# --- composed exercises: graded with the reference blocks, with a note naming the student's broken block ------

def _forward(X, parameters, output):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L):
        A, cache = deep.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    Z, linear_cache = deep.linear_forward(A, parameters[f"W{L}"], parameters[f"b{L}"])
    caches.append((linear_cache, Z))
    return output(Z), caches


def _student_forward(X, parameters):
    """Written as a student would: calls softmax by name (this module's, which the tests break) when it runs."""
    return _forward(X, parameters, lambda Z: softmax(Z))


def _student_backward(AL, Y, caches):
    L = len(caches)
    grads = {}
    linear_cache, _ = caches[L - 1]
    dA, grads[f"dW{L}"], grads[f"db{L}"] = deep.linear_backward(softmax_backward(AL, Y), linear_cache)
    for l in range(L - 1, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = deep.linear_activation_backward(dA, caches[l - 1], "relu")
    return grads


def _student_predict(parameters, X):
    AL, _ = L_model_forward_softmax(X, parameters)
    return np.argmax(AL, axis=0).reshape(1, -1)


@pytest.mark.parametrize("check, answer, block, broken", [
    (checks.check_L_model_forward_softmax, _student_forward, "softmax", lambda Z: np.exp(Z) / np.sum(np.exp(Z))),
    (checks.check_L_model_backward_softmax, _student_backward, "softmax_backward", lambda AL, Y: Y - AL),
    (checks.check_predict_softmax, _student_predict, "L_model_forward_softmax",
     lambda X, parameters: (np.zeros((3, X.shape[1])), [])),
], ids=["forward", "backward", "predict"])
def test_composed_exercises_are_graded_with_the_reference_blocks_and_name_a_broken_own_block(
        check, answer, block, broken, monkeypatch, capsys):
    check(answer)
    assert "Note:" not in capsys.readouterr().out            # the student's own blocks are right: no note
    monkeypatch.setitem(globals(), block, broken)
    check(answer)                                             # still passes: graded with the reference block
    out = capsys.readouterr().out
    assert "all tests passed" in out and f"fix `{block}` first" in out
    monkeypatch.setitem(globals(), block, _raises_not_implemented)
    check(answer)                                             # a block not written yet: the same note
    assert f"fix `{block}` first" in capsys.readouterr().out


def _raises_not_implemented(*args, **kwargs):
    raise NotImplementedError()


# --- challenge: the cost from the scores -----------------------------------------------------------------

def test_challenge_checks_other_sizes(capsys):
    from solutions.softmax import compute_cost_from_logits
    checks.check_compute_cost_from_logits(compute_cost_from_logits, C=10, m=6, seed=3)
    checks.check_compute_cost_from_logits(compute_cost_from_logits, C=2, m=2, seed=4)
    assert capsys.readouterr().out.count("all tests passed") == 2


def cost_from_logits_global_max(ZL, Y):
    """The solution with the maximum of the whole matrix (np.max without axis=0): right where the scores are small,
    but next to a column near 1000 the other columns' exp underflow to 0: log(0) = -inf, and Y * -inf is NaN where
    Y is 0 (no table entry gives NaN)."""
    top = np.max(ZL)
    log_probabilities = (ZL - top) - np.log(np.exp(ZL - top).sum(axis=0, keepdims=True))
    return float(-np.sum(Y * log_probabilities) / Y.shape[1])


def test_challenge_unstable_cost_that_no_table_entry_gives_is_named():
    failure = assert_named_mistake(checks.check_compute_cost_from_logits, cost_from_logits_global_max,
                                   "compute_cost_from_logits.not-finite")
    assert "contains NaN or infinity" in str(failure) and "(overflow)" in str(failure)


def test_challenge_reference_is_finite_where_log_of_softmax_is_not():
    Z = np.array([[0.0], [-800.0]])
    Y = ref.one_hot(np.array([[1]]), 2)
    assert ref.compute_cost_from_logits(Z, Y) == pytest.approx(800.0)
    with np.errstate(divide="ignore"):
        assert np.isinf(-np.log(ref.softmax(Z)[1, 0]))
