"""The checks of notebook 05: the right answer passes, and each typical mistake fails with a
message that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import batchnorm as ref
from helpers import deep
from helpers.checks import ExerciseFailure
from mistakes import assert_named_mistake
from helpers.checks import batchnorm as checks


# The checks refuse helpers' own functions, so the "student" answers are defined here.
def standardize_inputs(X_train, X_other):
    return ref.standardize_inputs(X_train, X_other)


def batchnorm_forward(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return ref.batchnorm_forward(Z, gamma, beta, bn_state, training, momentum, eps)


def batchnorm_backward(dZ_out, cache):
    return ref.batchnorm_backward(dZ_out, cache)


def L_model_forward_bn(X, parameters, bn_states, training=True, hidden_activation="relu"):
    """Written as a student would: calls batchnorm_forward by name."""
    L = len([key for key in parameters if key.startswith("W")])
    A, caches = X, []
    for l in range(1, L):
        Z = parameters[f"W{l}"] @ A
        Z_tilde, bn_cache = batchnorm_forward(Z, parameters[f"gamma{l}"], parameters[f"beta{l}"], bn_states[l - 1],
                                              training=training)
        caches.append(((A, parameters[f"W{l}"]), bn_cache, Z_tilde))
        A = deep.relu(Z_tilde) if hidden_activation == "relu" else deep.sigmoid(Z_tilde)
    AL, cache = deep.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def L_model_backward_bn(AL, Y, caches, hidden_activation="relu"):
    """Written as a student would: calls batchnorm_backward by name."""
    L = len(caches)
    grads = {}
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    dA, grads[f"dW{L}"], grads[f"db{L}"] = deep.linear_activation_backward(dA, caches[L - 1], "sigmoid")
    for l in range(L - 1, 0, -1):
        (A_prev, W), bn_cache, Z_tilde = caches[l - 1]
        backward = deep.relu_backward if hidden_activation == "relu" else deep.sigmoid_backward
        dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = batchnorm_backward(backward(dA, Z_tilde), bn_cache)
        grads[f"dW{l}"] = dZ @ A_prev.T / A_prev.shape[1]
        dA = W.T @ dZ
    return grads


CORRECT = [
    (checks.check_standardize_inputs, standardize_inputs), (checks.check_batchnorm_forward, batchnorm_forward),
    (checks.check_batchnorm_backward, batchnorm_backward), (checks.check_L_model_forward_bn, L_model_forward_bn),
    (checks.check_L_model_backward_bn, L_model_backward_bn),
]
IDS = [check.__name__ for check, _ in CORRECT]
HIDDEN_STYLE = {
    "check_standardize_inputs": [dict(n_x=5, m_train=12, m_other=1, seed=41), dict(n_x=1, m_train=3, m_other=7, seed=5)],
    "check_batchnorm_forward": [dict(n=4, m=9, m_test=1, momentum=0.8, eps=1e-3, seed=17),
                                dict(n=2, m=2, m_test=5, momentum=0.99, seed=3)],
    "check_batchnorm_backward": [dict(n=4, m=8, seed=23), dict(n=1, m=3, seed=6)],
    "check_L_model_forward_bn": [dict(layer_dims=(3, 6, 4, 2, 1), m=7, hidden_activation="relu", seed=31),
                                 dict(layer_dims=(2, 3, 1), m=5, seed=8)],
    "check_L_model_backward_bn": [dict(layer_dims=(3, 6, 4, 2, 1), m=7, hidden_activation="relu", seed=37),
                                  dict(layer_dims=(2, 3, 1), m=5, seed=9)],
}


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass(check, answer, capsys):
    check(answer)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass_on_hidden_style_sizes(check, answer):
    for sizes in HIDDEN_STYLE[check.__name__]:
        check(answer, **sizes)


def test_blank_stub_and_reference_are_refused():
    def stub(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
        raise NotImplementedError()
    with pytest.raises(ExerciseFailure, match="not implemented yet"):
        checks.check_batchnorm_forward(stub)
    with pytest.raises(ExerciseFailure, match="reference implementation"):
        checks.check_batchnorm_forward(ref.batchnorm_forward)


def _fails_with(check, answer, phrase, **kwargs):
    with pytest.raises(ExerciseFailure) as info:
        check(answer, **kwargs)
    assert phrase in str(info.value), f"message was: {info.value}"


# --- standardize_inputs -------------------------------------------------------------------------------

def standardize_with_var(X_train, X_other):
    mu, sigma = X_train.mean(axis=1, keepdims=True), X_train.var(axis=1, keepdims=True)
    return (X_train - mu) / sigma, (X_other - mu) / sigma, mu, sigma


def standardize_wrong_axis(X_train, X_other):
    mu, sigma = X_train.mean(axis=0, keepdims=True), X_train.std(axis=0, keepdims=True)
    return (X_train - mu) / sigma, X_other, mu, sigma


def standardize_other_with_own_statistics(X_train, X_other):
    X_train_std, _, mu, sigma = ref.standardize_inputs(X_train, X_other)
    X_other_std = (X_other - X_other.mean(axis=1, keepdims=True)) / X_other.std(axis=1, keepdims=True)
    return X_train_std, X_other_std, mu, sigma


def standardize_with_both_sets(X_train, X_other):
    both = np.hstack([X_train, X_other])
    mu, sigma = both.mean(axis=1, keepdims=True), both.std(axis=1, keepdims=True)
    return (X_train - mu) / sigma, (X_other - mu) / sigma, mu, sigma


def standardize_in_place(X_train, X_other):
    mu, sigma = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    X_train -= mu
    X_train /= sigma
    return X_train, (X_other - mu) / sigma, mu, sigma


@pytest.mark.parametrize("answer, phrase", [
    (standardize_with_var, "sigma is the variance"),
    (standardize_wrong_axis, "mean of each example (column)"),
    (standardize_other_with_own_statistics, "its own mean and standard deviation"),
    (standardize_with_both_sets, "training set only"),
    (standardize_in_place, "modified its inputs in place"),
])
def test_standardize_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_standardize_inputs, answer, phrase)


# --- batchnorm_forward ------------------------------------------------------------------------------------

def _bn_forward(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5, *, scale="root", axis=1,
                ddof=0, test_with_batch=False, update=True, update_in_test=False, swap_momentum=False):
    if training or test_with_batch:
        mu = Z.mean(axis=axis, keepdims=True)
        var = Z.var(axis=axis, keepdims=True, ddof=ddof)
    else:
        mu, var = bn_state["running_mean"], bn_state["running_var"]
    if (training and update) or (not training and update_in_test):
        batch_mu, batch_var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
        keep = 1 - momentum if swap_momentum else momentum
        bn_state["running_mean"] = keep * bn_state["running_mean"] + (1 - keep) * batch_mu
        bn_state["running_var"] = keep * bn_state["running_var"] + (1 - keep) * batch_var
    std = {"root": np.sqrt(var + eps), "std": np.sqrt(np.sqrt(var) + eps), "var": var + eps,
           "eps_outside": np.sqrt(var) + eps}[scale]
    Z_hat = (Z - mu) / std
    return gamma * Z_hat + beta, (Z_hat, gamma, std)


def bn_std_instead_of_var(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps, scale="std")


def bn_var_instead_of_std(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps, scale="var")


def bn_eps_outside_root(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps, scale="eps_outside")


def bn_wrong_axis(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps, axis=0)


def bn_unbiased_variance(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps, ddof=1)


def bn_batch_statistics_at_test_time(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps, test_with_batch=True)


def bn_running_not_updated(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps, update=False)


def bn_running_updated_at_test_time(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps, update_in_test=True)


def bn_momentum_swapped(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    return _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps, swap_momentum=True)


def bn_no_scale_shift(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    out, cache = _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps)
    return cache[0], cache


def bn_cache_with_variance(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    out, (Z_hat, gamma, std) = _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps)
    return out, (Z_hat, gamma, std ** 2 - eps)


def bn_running_std(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    old = {k: v.copy() for k, v in bn_state.items()}
    out, cache = _bn_forward(Z, gamma, beta, bn_state, training, momentum, eps)
    if training:
        bn_state["running_var"] = momentum * old["running_var"] + (1 - momentum) * Z.std(axis=1, keepdims=True)
    return out, cache


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


@pytest.mark.parametrize("answer, phrase", [
    (bn_std_instead_of_var, "sqrt(std + eps)"),
    (bn_var_instead_of_std, "take the square root"),
    (bn_eps_outside_root, "eps is outside the square root"),
    (bn_wrong_axis, "wrong axis"),
    (bn_unbiased_variance, "1/(m-1)"),
    (bn_batch_statistics_at_test_time, "at test time use the running statistics"),
    (bn_running_not_updated, "was not updated"),
    (bn_running_updated_at_test_time, "training=False"),
    (bn_momentum_swapped, "swapped"),
    (bn_no_scale_shift, "scale and shift"),
    (bn_cache_with_variance, "cache[2] must be std"),
    (bn_running_std, "standard deviation"),
])
def test_batchnorm_forward_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_batchnorm_forward, answer, phrase)


def test_batchnorm_forward_in_place_array_update_passes():
    checks.check_batchnorm_forward(bn_running_in_place_update)


def test_batch_statistics_at_test_time_fail_on_a_single_test_example():
    _fails_with(checks.check_batchnorm_forward, bn_batch_statistics_at_test_time, "single example", m_test=1)


# --- batchnorm_backward -----------------------------------------------------------------------------------

def _bn_backward(dZ_out, cache, *, constants=False, no_mean=False, no_var=False, sums=False, extra_m=False,
                 swapped=False):
    Z_hat, gamma, std = cache
    m = Z_hat.shape[1]
    dgamma = np.sum(dZ_out * Z_hat, axis=1, keepdims=True) / m
    dbeta = np.sum(dZ_out, axis=1, keepdims=True) / m
    dZ_hat = dZ_out * gamma
    reduce = (lambda a: np.sum(a, axis=1, keepdims=True)) if sums else (lambda a: np.mean(a, axis=1, keepdims=True))
    mean_term = 0 if (no_mean or constants) else reduce(dZ_hat)
    var_term = 0 if (no_var or constants) else Z_hat * reduce(dZ_hat * Z_hat)
    dZ = (dZ_hat - mean_term - var_term) / std
    if extra_m:
        dZ = dZ / m
    if swapped:
        dgamma, dbeta = dbeta, dgamma
    return dZ, dgamma, dbeta


@pytest.mark.parametrize("options, phrase", [
    (dict(constants=True), "treats mu and var as constants"),
    (dict(no_mean=True), "misses the term - mean(dZ_hat)"),
    (dict(no_var=True), "variance's dependence"),
    (dict(sums=True), "uses sums where the formula has means"),
    (dict(extra_m=True), "extra 1/m"),
    (dict(swapped=True), "swapped"),
])
def test_batchnorm_backward_mistakes_are_named(options, phrase):
    def answer(dZ_out, cache):
        return _bn_backward(dZ_out, cache, **options)
    _fails_with(checks.check_batchnorm_backward, answer, phrase)


def test_batchnorm_backward_without_one_over_m_in_dbeta():
    def answer(dZ_out, cache):
        dZ, dgamma, dbeta = _bn_backward(dZ_out, cache)
        return dZ, dgamma, dbeta * cache[0].shape[1]
    _fails_with(checks.check_batchnorm_backward, answer, "average it like db")


# --- the network --------------------------------------------------------------------------------------

def _forward_bn_student(X, parameters, bn_states, training=True, hidden_activation="relu", *, after=False,
                        pass_training=True, always_relu=False):
    L = len([key for key in parameters if key.startswith("W")])
    g = deep.relu if (hidden_activation == "relu" or always_relu) else deep.sigmoid
    A, caches = X, []
    for l in range(1, L):
        Z = parameters[f"W{l}"] @ A
        flag = training if pass_training else True
        if after:
            A, bn_cache = batchnorm_forward(g(Z), parameters[f"gamma{l}"], parameters[f"beta{l}"], bn_states[l - 1],
                                            training=flag)
            caches.append(((A, parameters[f"W{l}"]), bn_cache, Z))
        else:
            Z_tilde, bn_cache = batchnorm_forward(Z, parameters[f"gamma{l}"], parameters[f"beta{l}"],
                                                  bn_states[l - 1], training=flag)
            caches.append(((A, parameters[f"W{l}"]), bn_cache, Z_tilde))
            A = g(Z_tilde)
    AL, cache = deep.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def forward_bn_after_activation(X, parameters, bn_states, training=True, hidden_activation="relu"):
    return _forward_bn_student(X, parameters, bn_states, training, hidden_activation, after=True)


def forward_bn_training_not_passed(X, parameters, bn_states, training=True, hidden_activation="relu"):
    return _forward_bn_student(X, parameters, bn_states, training, hidden_activation, pass_training=False)


def forward_bn_always_relu(X, parameters, bn_states, training=True, hidden_activation="relu"):
    return _forward_bn_student(X, parameters, bn_states, training, hidden_activation, always_relu=True)


def forward_bn_with_bias(X, parameters, bn_states, training=True, hidden_activation="relu"):
    L = len([key for key in parameters if key.startswith("W")])
    A = X
    for l in range(1, L):
        A, _ = deep.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], hidden_activation)
    return A, []


def forward_bn_with_wrong_batchnorm(X, parameters, bn_states, training=True, hidden_activation="relu"):
    """Correct composition; its batchnorm_forward (below, by name) has eps outside the root."""
    return _forward_bn_student(X, parameters, bn_states, training, hidden_activation)


@pytest.mark.parametrize("answer, phrase", [
    (forward_bn_after_activation, "after the activation"),
    (forward_bn_training_not_passed, "pass training on"),
    (forward_bn_always_relu, "apply hidden_activation"),
    (forward_bn_with_bias, "has no bias"),
])
def test_forward_bn_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_L_model_forward_bn, answer, phrase)


def test_network_checks_grade_only_their_own_exercise(monkeypatch, capsys):
    """A wrong batchnorm_forward / batchnorm_backward in the notebook fails their own tests, not the
    network's: the network checks put the reference in their place, and a note names the exercise to fix."""
    checks.check_L_model_forward_bn(L_model_forward_bn)
    checks.check_L_model_backward_bn(L_model_backward_bn)
    assert "Note:" not in capsys.readouterr().out
    monkeypatch.setitem(globals(), "batchnorm_forward", bn_eps_outside_root)
    monkeypatch.setitem(globals(), "batchnorm_backward",
                        lambda dZ_out, cache: _bn_backward(dZ_out, cache, constants=True))
    checks.check_L_model_forward_bn(L_model_forward_bn)
    checks.check_L_model_backward_bn(L_model_backward_bn)
    assert globals()["batchnorm_forward"] is bn_eps_outside_root          # restored after the check
    out = capsys.readouterr().out
    assert out.count("all tests passed") == 2
    assert "fix `batchnorm_forward` first" in out and "fix `batchnorm_backward` first" in out


def _backward_bn_student(AL, Y, caches, hidden_activation="relu", *, skip_bn=False, dA_from_tilde=False,
                         always_relu=False, named_db=False):
    L = len(caches)
    grads = {}
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    dA, grads[f"dW{L}"], grads[f"db{L}"] = deep.linear_activation_backward(dA, caches[L - 1], "sigmoid")
    for l in range(L - 1, 0, -1):
        (A_prev, W), bn_cache, Z_tilde = caches[l - 1]
        relu = hidden_activation == "relu" or always_relu
        dZ_tilde = deep.relu_backward(dA, Z_tilde) if relu else deep.sigmoid_backward(dA, Z_tilde)
        if skip_bn:
            dZ, dgamma, dbeta = dZ_tilde, np.zeros_like(bn_cache[1]), np.zeros_like(bn_cache[1])
        else:
            dZ, dgamma, dbeta = batchnorm_backward(dZ_tilde, bn_cache)
        grads[f"dgamma{l}"], grads[f"db{l}" if named_db else f"dbeta{l}"] = dgamma, dbeta
        grads[f"dW{l}"] = dZ @ A_prev.T / A_prev.shape[1]
        dA = W.T @ (dZ_tilde if dA_from_tilde else dZ)
    return grads


@pytest.mark.parametrize("options, phrase", [
    (dict(skip_bn=True), "batch norm was skipped"),
    (dict(dA_from_tilde=True), "dA_prev = W^T dZ_tilde"),
    (dict(always_relu=True), "use hidden_activation"),
    (dict(named_db=True), "has no b"),
])
def test_backward_bn_mistakes_are_named(options, phrase):
    def answer(AL, Y, caches, hidden_activation="relu"):
        return _backward_bn_student(AL, Y, caches, hidden_activation, **options)
    _fails_with(checks.check_L_model_backward_bn, answer, phrase)


# --- the challenge: batch norm on mini-batches ------------------------------------------------------------

def minibatch_running_statistics(Z, batch_size, momentum=0.9):
    """Written as a student would: calls batchnorm_forward by name."""
    n, m = Z.shape
    state, means = ref.initialize_bn_state(n), []
    for start in range(0, m, batch_size):
        batch = Z[:, start:start + batch_size]
        batchnorm_forward(batch, np.ones((n, 1)), np.zeros((n, 1)), state, training=True, momentum=momentum)
        means.append(batch.mean(axis=1))
    return state, np.stack(means, axis=1)


def _whole_batch(Z, batch_size, momentum=0.9):
    state, means = minibatch_running_statistics(Z, Z.shape[1], momentum)
    return state, minibatch_running_statistics(Z, batch_size, momentum)[1]


def _last_dropped_state(Z, batch_size, momentum=0.9):
    full = Z.shape[1] - Z.shape[1] % batch_size
    return minibatch_running_statistics(Z[:, :full], batch_size, momentum)[0], \
        minibatch_running_statistics(Z, batch_size, momentum)[1]


def _last_dropped_means(Z, batch_size, momentum=0.9):
    state, means = minibatch_running_statistics(Z, batch_size, momentum)
    return state, means[:, :-1]


def _fresh_state(Z, batch_size, momentum=0.9):
    n, m = Z.shape
    means = []
    for start in range(0, m, batch_size):
        state = ref.initialize_bn_state(n)
        batch = Z[:, start:start + batch_size]
        batchnorm_forward(batch, np.ones((n, 1)), np.zeros((n, 1)), state, training=True, momentum=momentum)
        means.append(batch.mean(axis=1))
    return state, np.stack(means, axis=1)


def _swapped(Z, batch_size, momentum=0.9):
    return minibatch_running_statistics(Z, batch_size, 1 - momentum)


def test_challenge_reference_passes(capsys):
    checks.check_minibatch_running_statistics(minibatch_running_statistics)
    checks.check_minibatch_running_statistics(minibatch_running_statistics, n=2, m=12, batch_size=4, momentum=0.9,
                                              seed=3)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("answer, mistake", [
    (_whole_batch, "minibatch_running_statistics.whole-batch"),
    (_last_dropped_state, "minibatch_running_statistics.last-batch-dropped"),
    (_last_dropped_means, "minibatch_running_statistics.last-batch-dropped"),
    (_fresh_state, "minibatch_running_statistics.fresh-state-each-batch"),
    (_swapped, "minibatch_running_statistics.momentum-swapped"),
])
def test_challenge_mistakes_are_named(answer, mistake):
    assert_named_mistake(checks.check_minibatch_running_statistics, answer, mistake)


def test_challenge_grades_with_the_reference_batchnorm_forward(monkeypatch):
    """A wrong batchnorm_forward (Exercise 2) does not fail the challenge: the check substitutes the reference."""
    broken = lambda Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5: (Z, None)  # noqa: E731
    monkeypatch.setitem(globals(), "batchnorm_forward", broken)
    checks.check_minibatch_running_statistics(minibatch_running_statistics)
