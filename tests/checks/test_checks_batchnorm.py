"""The checks of notebook 05 beyond what tests/checks/test_exercises.py covers for the table: structure
errors, arguments changed in place, other right answers, bad input, the refusal of references, and
the network checks grading with the reference building blocks."""
from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from helpers.checks import batchnorm as checks
from solutions import batchnorm as solution
from mistakes import assert_named_mistake, fails_with


def test_standardize_in_place_is_caught():
    def standardize_in_place(X_train, X_other):
        mu, sigma = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
        X_train -= mu
        X_train /= sigma
        return X_train, (X_other - mu) / sigma, mu, sigma
    fails_with(checks.check_standardize_inputs, standardize_in_place, "in place")


def test_batchnorm_forward_in_place_array_update_passes():
    def bn_running_in_place_update(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
        """Correct, updating the arrays themselves in place (must pass)."""
        if training:
            mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
            bn_state["running_mean"] *= momentum
            bn_state["running_mean"] += (1 - momentum) * mu
            bn_state["running_var"] *= momentum
            bn_state["running_var"] += (1 - momentum) * var
        else:
            mu, var = bn_state["running_mean"], bn_state["running_var"]
        std = np.sqrt(var + eps)
        Z_hat = (Z - mu) / std
        return gamma * Z_hat + beta, (Z_hat, gamma, std)
    checks.check_batchnorm_forward(bn_running_in_place_update)


def test_batchnorm_forward_cache_must_be_the_triple():
    def cache_pair(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
        Z_out, (Z_hat, gamma, std) = solution.batchnorm_forward(Z, gamma, beta, bn_state, training, momentum, eps)
        return Z_out, (Z_hat, std)
    assert_named_mistake(checks.check_batchnorm_forward, cache_pair, "batchnorm_forward.cache-not-a-triple")


# --- the network --------------------------------------------------------------------------------------

def forward_bn_with_bias(X, parameters, bn_states, training=True, hidden_activation="relu"):
    return parameters["W1"] @ X + parameters["b1"], []


def test_forward_bn_with_a_bias_is_told_why_there_is_none():
    fails_with(checks.check_L_model_forward_bn, forward_bn_with_bias, "has no bias")


def _with_caches(change):
    def forward(X, parameters, bn_states, training=True, hidden_activation="relu"):
        AL, caches = solution.L_model_forward_bn(X, parameters, bn_states, training, hidden_activation)
        return AL, change(caches)
    return forward


@pytest.mark.parametrize("change, mistake", [
    (tuple, None),                                                  # a tuple of caches is fine
    (lambda caches: {"caches": caches}, "caches-not-a-list"),
    (lambda caches: caches[:-1], "caches-wrong-length"),
    (lambda caches: [c[:2] for c in caches[:-1]] + caches[-1:], "hidden-cache-malformed"),
    (lambda caches: [((c[0][0], c[0][1], None), c[1], c[2]) for c in caches[:-1]] + caches[-1:],
     "linear-cache-malformed"),
    (lambda caches: [(c[0], c[1][:2], c[2]) for c in caches[:-1]] + caches[-1:], "bn-cache-malformed"),
    (lambda caches: caches[:-1] + [caches[-1][0]], "output-cache-malformed"),
])
def test_network_cache_structure_is_named(change, mistake, capsys):
    if mistake is None:
        checks.check_L_model_forward_bn(_with_caches(change))
        assert "all tests passed" in capsys.readouterr().out
    else:
        assert_named_mistake(checks.check_L_model_forward_bn, _with_caches(change), f"L_model_forward_bn.{mistake}")


def test_backward_bn_with_db_is_told_there_is_no_b():
    def named_db(AL, Y, caches, hidden_activation="relu"):
        grads = solution.L_model_backward_bn(AL, Y, caches, hidden_activation)
        return {("db" + key[5:] if key.startswith("dbeta") else key): value for key, value in grads.items()}
    assert_named_mistake(checks.check_L_model_backward_bn, named_db,
                         "L_model_backward_bn.grads-has-db")


def test_network_checks_grade_only_their_own_exercise(monkeypatch, capsys):
    """A wrong batchnorm_forward / batchnorm_backward in the notebook fails their own tests, not the
    network's: the network checks put the reference in their place, and a note names the exercise to fix."""
    checks.check_L_model_forward_bn(solution.L_model_forward_bn)
    checks.check_L_model_backward_bn(solution.L_model_backward_bn)
    assert "Note:" not in capsys.readouterr().out
    broken_forward = partial(checks.bn_forward, std=lambda var, eps: np.sqrt(var) + eps)      # eps outside the root
    monkeypatch.setattr(solution, "batchnorm_forward", broken_forward)
    monkeypatch.setattr(solution, "batchnorm_backward", partial(checks.bn_backward, mean_term=False, var_term=False))
    checks.check_L_model_forward_bn(solution.L_model_forward_bn)
    checks.check_L_model_backward_bn(solution.L_model_backward_bn)
    assert solution.batchnorm_forward is broken_forward                     # restored after the check
    out = capsys.readouterr().out
    assert out.count("all tests passed") == 2
    assert "fix `batchnorm_forward` first" in out and "fix `batchnorm_backward` first" in out


def test_challenge_grades_with_the_reference_batchnorm_forward(monkeypatch, capsys):
    """A wrong batchnorm_forward (Exercise 2) does not fail the challenge: the check substitutes the reference."""
    broken = lambda Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5: (Z, None)  # noqa: E731
    monkeypatch.setattr(solution, "batchnorm_forward", broken)
    checks.check_minibatch_running_statistics(solution.minibatch_running_statistics)
    assert "all tests passed" in capsys.readouterr().out
