"""The checks of notebook 08: the right answer passes, and each typical mistake fails with a
message that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import deep
from helpers import softmax as ref
from helpers.checks import ExerciseFailure
from mistakes import assert_named_mistake
from helpers.checks import softmax as checks
from notebook_runner import hidden_check_calls


# The checks refuse helpers' own functions, so the "student" answers are defined here.
def softmax(Z):
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return T / np.sum(T, axis=0, keepdims=True)


def one_hot(labels, C):
    labels = np.asarray(labels).astype(int).ravel()
    Y = np.zeros((C, labels.size))
    Y[labels, np.arange(labels.size)] = 1
    return Y


def compute_cost_softmax(AL, Y):
    return float(-np.sum(Y * np.log(AL)) / Y.shape[1])


def softmax_backward(AL, Y):
    return AL - Y


def L_model_forward_softmax(X, parameters):
    return ref.L_model_forward_softmax(X, parameters)


def L_model_backward_softmax(AL, Y, caches):
    return ref.L_model_backward_softmax(AL, Y, caches)


def predict_softmax(parameters, X):
    return ref.predict_softmax(parameters, X)


CORRECT = [
    (checks.check_softmax, softmax), (checks.check_one_hot, one_hot),
    (checks.check_compute_cost_softmax, compute_cost_softmax), (checks.check_softmax_backward, softmax_backward),
    (checks.check_L_model_forward_softmax, L_model_forward_softmax),
    (checks.check_L_model_backward_softmax, L_model_backward_softmax),
    (checks.check_predict_softmax, predict_softmax),
]
IDS = [check.__name__ for check, _ in CORRECT]

# The sizes the notebook's hidden tests use (keep in sync with /tmp/nbsrc/08.cells), plus a few more.
HIDDEN_SIZES = {
    "check_softmax": [dict(C=10, m=7, seed=21), dict(C=2, m=1, seed=3), dict(C=1, m=3, seed=0), dict(C=3, m=3, seed=9)],
    "check_one_hot": [dict(C=10, m=12, seed=22), dict(C=2, m=3, seed=4), dict(C=3, m=1, seed=5), dict(C=4, m=4, seed=6)],
    "check_compute_cost_softmax": [dict(C=10, m=9, seed=23), dict(C=2, m=3, seed=5)],
    "check_softmax_backward": [dict(C=6, m=2, seed=24), dict(C=2, m=5, seed=6)],
    "check_L_model_forward_softmax": [dict(layer_dims=(4, 6, 5, 10), m=9, seed=25), dict(layer_dims=(3, 2), m=4, seed=7)],
    "check_L_model_backward_softmax": [dict(layer_dims=(5, 4, 6), m=7, seed=26),
                                       dict(layer_dims=(2, 4, 4, 4, 3), m=6, seed=8), dict(layer_dims=(3, 2), m=4, seed=1)],
    "check_predict_softmax": [dict(layer_dims=(6, 4, 10), m=12, seed=27), dict(layer_dims=(2, 3), m=1, seed=9)],
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


def test_hidden_sizes_match_the_notebook_source():
    """Every hidden test call in the notebook uses sizes listed here, so this file tests them."""
    calls = hidden_check_calls("08_softmax")
    for check_name, sizes in calls:
        assert sizes in HIDDEN_SIZES[check_name], (check_name, sizes)
    assert len(calls) >= len(CORRECT)


def test_blank_stub_says_not_implemented():
    def stub(Z):
        raise NotImplementedError()
    with pytest.raises(ExerciseFailure, match="not implemented yet"):
        checks.check_softmax(stub)


def test_reference_functions_are_refused():
    with pytest.raises(ExerciseFailure, match="reference implementation"):
        checks.check_softmax(ref.softmax)


# --- the typical mistakes -----------------------------------------------------------------------

def _normalise(T, axis=0):
    return T / np.sum(T, axis=axis, keepdims=True)


def softmax_no_max(Z):
    return _normalise(np.exp(Z))


def softmax_minus_sum(Z):
    return _normalise(np.exp(Z - np.sum(Z, axis=0, keepdims=True)))


def softmax_global_max(Z):
    return _normalise(np.exp(Z - np.max(Z)))


def softmax_row_max(Z):
    return _normalise(np.exp(Z - np.max(Z, axis=1, keepdims=True)))


def softmax_over_rows(Z):
    return _normalise(np.exp(Z - np.max(Z, axis=1, keepdims=True)), axis=1)


def softmax_total_sum(Z):
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return T / np.sum(T)


def softmax_in_place(Z):
    Z -= np.max(Z, axis=0, keepdims=True)
    return _normalise(np.exp(Z))


def softmax_no_exp(Z):
    return Z / np.sum(Z, axis=0, keepdims=True)


def softmax_row_sum_no_keepdims(Z):
    T = np.exp(Z - np.max(Z, axis=0))
    return T / np.sum(T, axis=1)


def one_hot_transposed(labels, C):
    return np.eye(C)[np.asarray(labels).astype(int).ravel()]


def one_hot_C_from_labels(labels, C):
    labels = np.asarray(labels).astype(int).ravel()
    return one_hot(labels, labels.max() + 1)


def one_hot_eye_2d(labels, C):
    return np.eye(C)[labels]


def one_hot_float_index(labels, C):
    labels = np.asarray(labels).ravel()
    Y = np.zeros((C, labels.size))
    Y[labels, np.arange(labels.size)] = 1
    return Y


def one_hot_whole_rows(labels, C):
    Y = np.zeros((C, np.size(labels)))
    Y[np.asarray(labels).ravel(), :] = 1
    return Y


def one_hot_from_one(labels, C):
    return one_hot(np.asarray(labels).ravel() - 1, C)


def one_hot_bool(labels, C):
    return one_hot(labels, C).astype(bool)


def _forward(X, parameters, output):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L):
        A, cache = deep.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    Z, linear_cache = deep.linear_forward(A, parameters[f"W{L}"], parameters[f"b{L}"])
    caches.append((linear_cache, Z))
    return output(Z), caches


def forward_sigmoid_output(X, parameters):
    return _forward(X, parameters, deep.sigmoid)


def forward_relu_then_softmax(X, parameters):
    return _forward(X, parameters, lambda Z: softmax(deep.relu(Z)))


def forward_caches_AL(X, parameters):
    AL, caches = _forward(X, parameters, softmax)
    return AL, caches[:-1] + [(caches[-1][0], AL)]


def forward_missing_last_cache(X, parameters):
    AL, caches = _forward(X, parameters, softmax)
    return AL, caches[:-1]


def _backward(AL, Y, caches, dZL, output=None, hidden="relu"):
    L = len(caches)
    grads = {}
    if output is None:
        dA, grads[f"dW{L}"], grads[f"db{L}"] = deep.linear_backward(dZL, caches[L - 1][0])
    else:
        dA, grads[f"dW{L}"], grads[f"db{L}"] = deep.linear_activation_backward(dZL, caches[L - 1], output)
    for l in range(L - 1, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = deep.linear_activation_backward(dA, caches[l - 1], hidden)
    return grads


def predict_probabilities(parameters, X):
    return ref.L_model_forward_softmax(X, parameters)[0]


def predict_1d(parameters, X):
    return np.argmax(ref.L_model_forward_softmax(X, parameters)[0], axis=0)


def predict_wrong_axis(parameters, X):
    return np.argmax(ref.L_model_forward_softmax(X, parameters)[0], axis=1)


def predict_hardmax(parameters, X):
    return ref.hardmax(ref.L_model_forward_softmax(X, parameters)[0])


MISTAKES = [
    (checks.check_softmax, softmax_no_max, "No max subtraction"),
    (checks.check_softmax, softmax_minus_sum, "subtracted the column's sum"),
    (checks.check_softmax, softmax_global_max, "each column's own max"),
    (checks.check_softmax, softmax_row_max, "max is taken over the wrong axis"),
    (checks.check_softmax, softmax_over_rows, "wrong axis"),
    (checks.check_softmax, softmax_total_sum, "sum of all the entries"),
    (checks.check_softmax, softmax_in_place, "in place"),
    (checks.check_softmax, softmax_no_exp, "exponentiate first"),
    (checks.check_softmax, lambda Z: np.exp(Z), "without normalising"),
    (checks.check_softmax, lambda Z: 1 / (1 + np.exp(-Z)), "sigmoid"),
    (checks.check_softmax, lambda Z: ref.hardmax(Z), "hardmax"),
    (checks.check_softmax, softmax_row_sum_no_keepdims, "keepdims=True: the (1, m) row"),
    (checks.check_one_hot, one_hot_transposed, "transposed"),
    (checks.check_one_hot, one_hot_C_from_labels, "the argument C"),
    (checks.check_one_hot, one_hot_eye_2d, "flatten the labels"),
    (checks.check_one_hot, one_hot_float_index, "labels.astype(int)"),
    (checks.check_one_hot, one_hot_whole_rows, "whole rows"),
    (checks.check_one_hot, one_hot_from_one, "one row off"),
    (checks.check_one_hot, one_hot_bool, "booleans"),
    (checks.check_compute_cost_softmax, lambda AL, Y: float(-np.sum(Y * np.log(AL))), "1/m"),
    (checks.check_compute_cost_softmax, lambda AL, Y: float(-np.mean(Y * np.log(AL))), "C * m"),
    (checks.check_compute_cost_softmax,
     lambda AL, Y: float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1]), "binary cross-entropy"),
    (checks.check_compute_cost_softmax, lambda AL, Y: float(-np.sum(np.log(AL)) / Y.shape[1]), "multiply by Y"),
    (checks.check_compute_cost_softmax, lambda AL, Y: float(np.sum(Y * np.log(AL)) / Y.shape[1]), "minus sign"),
    (checks.check_compute_cost_softmax, lambda AL, Y: -np.sum(Y * np.log(AL), axis=0) / Y.shape[1], "sum"),
    (checks.check_softmax_backward, lambda AL, Y: Y - AL, "sign is flipped"),
    (checks.check_softmax_backward, lambda AL, Y: (AL - Y) / Y.shape[1], "no 1/m"),
    (checks.check_softmax_backward, lambda AL, Y: -Y / AL, "dJ/dAL"),
    (checks.check_softmax_backward, lambda AL, Y: AL * (1 - AL), "sigmoid-style"),
    (checks.check_softmax_backward, lambda AL, Y: (AL.__isub__(Y)), "in place"),
    (checks.check_softmax_backward, lambda AL, Y: (AL - Y).T, "transposed"),
    (checks.check_L_model_forward_softmax, forward_sigmoid_output, "uses the sigmoid"),
    (checks.check_L_model_forward_softmax, forward_relu_then_softmax, "ReLU comes before the softmax"),
    (checks.check_L_model_forward_softmax, lambda X, p: _forward(X, p, lambda Z: Z), "AL is ZL"),
    (checks.check_L_model_forward_softmax, lambda X, p: _forward(X, p, lambda Z: softmax(Z.T).T), "wrong axis"),
    (checks.check_L_model_forward_softmax, forward_caches_AL, "holds AL where ZL belongs"),
    (checks.check_L_model_forward_softmax, forward_missing_last_cache, "output layer's cache is missing"),
    (checks.check_L_model_backward_softmax, lambda AL, Y, c: _backward(AL, Y, c, Y - AL), "sign of dZL"),
    (checks.check_L_model_backward_softmax, lambda AL, Y, c: _backward(AL, Y, c, (AL - Y) / Y.shape[1]),
     "applied twice"),
    (checks.check_L_model_backward_softmax, lambda AL, Y, c: _backward(AL, Y, c, AL - Y, output="sigmoid"),
     "sigmoid_backward"),
    (checks.check_L_model_backward_softmax, lambda AL, Y, c: _backward(AL, Y, c, AL - Y, output="relu"),
     "relu_backward"),
    (checks.check_L_model_backward_softmax, lambda AL, Y, c: _backward(AL, Y, c, AL - Y, hidden="sigmoid"),
     "hidden layers used sigmoid"),
    (checks.check_L_model_backward_softmax, lambda AL, Y, c: _backward(AL, Y, c, -Y / AL, output="sigmoid"),
     "notebook 02's output layer"),
    (checks.check_L_model_backward_softmax,
     lambda AL, Y, c: {k.replace(k[2:], str(int(k[2:]) - 1)): v for k, v in ref.L_model_backward_softmax(AL, Y, c).items()
                       if k[:2] in ("dW", "db")}, "dW0"),
    (checks.check_predict_softmax, predict_probabilities, "returned the probabilities"),
    (checks.check_predict_softmax, predict_hardmax, "hardmax"),
    (checks.check_predict_softmax, predict_wrong_axis, "axis=1"),
    (checks.check_predict_softmax, predict_1d, "1-D"),
    (checks.check_predict_softmax, lambda p, X: predict_softmax(p, X) + 1, "numbered from 0"),
    (checks.check_predict_softmax,
     lambda p, X: np.argmin(ref.L_model_forward_softmax(X, p)[0], axis=0).reshape(1, -1), "argmin"),
]


@pytest.mark.parametrize("check, answer, phrase", MISTAKES,
                         ids=[f"{check.__name__}-{phrase}" for check, _, phrase in MISTAKES])
def test_typical_mistakes_are_named(check, answer, phrase):
    with pytest.raises(ExerciseFailure) as info:
        check(answer)
    assert phrase in str(info.value), f"message was: {info.value}"


@pytest.mark.parametrize("check, answer, phrase", MISTAKES,
                         ids=[f"{check.__name__}-{phrase}" for check, _, phrase in MISTAKES])
def test_typical_mistakes_fail_the_hidden_tests_too(check, answer, phrase):
    """Whatever the sizes, a wrong answer never passes (the hint may differ on degenerate sizes)."""
    for sizes in HIDDEN_SIZES[check.__name__][:2]:
        with pytest.raises(ExerciseFailure):
            check(answer, **sizes)


# --- composed exercises: graded with the reference blocks, with a note naming the student's broken block ------

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

def compute_cost_from_logits(ZL, Y):
    shifted = ZL - np.max(ZL, axis=0, keepdims=True)
    log_probabilities = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    return float(-np.sum(Y * log_probabilities) / Y.shape[1])


def _with_log(log_softmax_of):
    def cost(ZL, Y):
        with np.errstate(all="ignore"):
            return float(-np.sum(Y * log_softmax_of(ZL)) / Y.shape[1])
    return cost


def _shifted(ZL, axis):
    return ZL - np.max(ZL, axis=axis, keepdims=True)


LOGIT_MISTAKES = [
    (_with_log(lambda Z: np.log(softmax(Z))), "compute_cost_from_logits.log-of-softmax"),
    (_with_log(lambda Z: Z - np.log(np.sum(np.exp(Z), axis=0, keepdims=True))), "compute_cost_from_logits.no-shift"),
    (_with_log(lambda Z: Z - np.log(np.sum(np.exp(_shifted(Z, 0)), axis=0, keepdims=True))),
     "compute_cost_from_logits.shift-once"),
    (_with_log(lambda Z: _shifted(Z, 1) - np.log(np.sum(np.exp(_shifted(Z, 1)), axis=0, keepdims=True))),
     "compute_cost_from_logits.row-max"),
    (_with_log(lambda Z: _shifted(Z, 0) - np.log(np.sum(np.exp(_shifted(Z, 0))))),
     "compute_cost_from_logits.sum-everything"),
    (lambda ZL, Y: compute_cost_from_logits(ZL, Y) * Y.shape[1], "compute_cost_from_logits.no-mean"),
    (lambda ZL, Y: -compute_cost_from_logits(ZL, Y), "compute_cost_from_logits.sign"),
]


def test_challenge_reference_passes(capsys):
    checks.check_compute_cost_from_logits(compute_cost_from_logits)
    checks.check_compute_cost_from_logits(compute_cost_from_logits, C=10, m=6, seed=3)
    checks.check_compute_cost_from_logits(compute_cost_from_logits, C=2, m=2, seed=4)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("answer, mistake", LOGIT_MISTAKES, ids=[mistake for _, mistake in LOGIT_MISTAKES])
def test_challenge_mistakes_are_named(answer, mistake):
    assert_named_mistake(checks.check_compute_cost_from_logits, answer, mistake)


def test_challenge_reference_is_finite_where_log_of_softmax_is_not():
    Z = np.array([[0.0], [-800.0]])
    Y = ref.one_hot(np.array([[1]]), 2)
    assert ref.compute_cost_from_logits(Z, Y) == pytest.approx(800.0)
    with np.errstate(divide="ignore"):
        assert np.isinf(-np.log(ref.softmax(Z)[1, 0]))
