"""The reference implementation of notebook 04 (helpers.dropout): inverted dropout forward and backward,
through a whole network, with gradients that pass gradient checking for a fixed mask."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import deep, gradcheck, overfit
from helpers import dropout as drop
from helpers import regularization as reg
from small_networks import small_network


def test_dropout_forward_follows_the_contract():
    A = np.random.default_rng(0).random((5, 7))
    before = A.copy()
    A_drop, D = drop.dropout_forward(A, 0.6, np.random.default_rng(3))
    np.testing.assert_array_equal(A, before)
    np.testing.assert_array_equal(D, np.random.default_rng(3).random((5, 7)) < 0.6)
    assert D.dtype == bool
    np.testing.assert_allclose(A_drop, A * D / 0.6)


def test_dropout_keeps_the_expected_value():
    A = np.full((500, 400), 2.0)
    for keep_prob in (0.9, 0.5, 0.2):
        A_drop, D = drop.dropout_forward(A, keep_prob, np.random.default_rng(1))
        assert D.mean() == pytest.approx(keep_prob, abs=0.005)
        assert A_drop.mean() == pytest.approx(2.0, rel=0.02)


def test_keep_prob_one_changes_nothing():
    A = np.random.default_rng(0).random((3, 4))
    A_drop, D = drop.dropout_forward(A, 1.0, np.random.default_rng(0))
    np.testing.assert_array_equal(A_drop, A)
    assert D.all()


def test_dropout_backward():
    dA = np.arange(6.0).reshape(2, 3)
    D = np.array([[True, False, True], [False, True, True]])
    np.testing.assert_allclose(drop.dropout_backward(dA, D, 0.5), dA * D * 2)
    with pytest.raises(ValueError, match="mask"):
        drop.dropout_backward(dA, D[:, :2], 0.5)


@pytest.mark.parametrize("bad", [0.0, 1.5, -0.1, True, "0.5"])
def test_keep_prob_is_validated(bad):
    with pytest.raises((TypeError, ValueError)):
        drop.dropout_forward(np.ones((2, 2)), bad, np.random.default_rng(0))


def test_keep_probs_list():
    assert drop.keep_probs_list(0.7, 3) == [0.7, 0.7]
    assert drop.keep_probs_list([0.9, 0.5], 3) == [0.9, 0.5]
    with pytest.raises(ValueError, match="one keep_prob per hidden layer"):
        drop.keep_probs_list([0.9, 0.5, 0.5], 3)
    with pytest.raises(TypeError):
        drop.keep_probs_list("0.5", 3)


def test_forward_drops_hidden_layers_only_and_caches_the_masks():
    X, _, parameters = small_network([3, 6, 5, 1], 8, seed=1)
    X0 = X.copy()
    AL, caches = drop.L_model_forward_with_dropout(X, parameters, [0.7, 0.4], np.random.default_rng(2))
    np.testing.assert_array_equal(X, X0)
    assert len(caches) == 3 and caches[2][1] is None
    rng = np.random.default_rng(2)
    A = X
    for l, keep_prob in ((1, 0.7), (2, 0.4)):
        (linear_cache, Z), D = caches[l - 1]
        np.testing.assert_array_equal(linear_cache[0], A)                 # the dropped activation of the layer below
        A = deep.relu(parameters[f"W{l}"] @ A + parameters[f"b{l}"])
        expected_D = rng.random(A.shape) < keep_prob
        np.testing.assert_array_equal(D, expected_D)
        A = A * D / keep_prob
    np.testing.assert_allclose(AL, deep.sigmoid(parameters["W3"] @ A + parameters["b3"]))


def test_forward_with_keep_prob_one_is_the_plainnetwork():
    X, _, parameters = small_network([2, 4, 4, 1], 5, seed=3)
    AL, _ = drop.L_model_forward_with_dropout(X, parameters, 1.0, np.random.default_rng(0))
    np.testing.assert_array_equal(AL, deep.L_model_forward(X, parameters)[0])


def test_backward_passes_gradient_checking_with_a_fixed_mask():
    X, Y, parameters = small_network([3, 5, 4, 1], 6, seed=4)
    keep_probs = [0.8, 0.6]
    AL, caches = drop.L_model_forward_with_dropout(X, parameters, keep_probs, np.random.default_rng(9))
    grads = drop.L_model_backward_with_dropout(AL, Y, caches, keep_probs)
    assert sorted(grads) == sorted(f"{p}{l}" for l in (1, 2, 3) for p in ("dW", "db"))

    def fixed_mask_cost(p):
        return reg.compute_cost_stable(drop.L_model_forward_with_dropout(X, p, keep_probs, np.random.default_rng(9))[0], Y)

    assert gradcheck.gradient_check(fixed_mask_cost, parameters, grads) < 1e-7
    running = np.random.default_rng(0)

    def fresh_mask_cost(p):
        return reg.compute_cost_stable(drop.L_model_forward_with_dropout(X, p, keep_probs, running)[0], Y)

    assert gradcheck.gradient_check(fresh_mask_cost, parameters, grads) > 1e-2


def test_backward_with_keep_prob_one_is_the_stable_backward():
    X, Y, parameters = small_network([2, 4, 3, 1], 5, seed=5)
    AL, caches = drop.L_model_forward_with_dropout(X, parameters, 1.0, np.random.default_rng(0))
    grads = drop.L_model_backward_with_dropout(AL, Y, caches, 1.0)
    stable = reg.L_model_backward_stable(AL, Y, deep.L_model_forward(X, parameters)[1])
    for key in grads:
        np.testing.assert_array_equal(grads[key], stable[key])


def test_backward_rejects_notebook_02_caches():
    X, Y, parameters = small_network([2, 3, 1], 4, seed=6)
    AL, caches = deep.L_model_forward(X, parameters)
    with pytest.raises((TypeError, ValueError)):
        drop.L_model_backward_with_dropout(AL, Y, [(c, None) for c in caches][:1] + [caches[1]], 0.5)


def test_predict_ignores_keep_probs():
    X, _, parameters = small_network([2, 5, 1], 9, seed=7)
    np.testing.assert_array_equal(drop.predict_dropout(parameters, X, 0.3), deep.predict(parameters, X))


@pytest.mark.slow
def test_reference_dropout_closes_the_gap():
    task = overfit.load_overfitting_task()
    plain, _ = overfit.train_task(task)
    dropped, _ = overfit.train_task(task, keep_probs=task.keep_prob)
    gap = {}
    for name, parameters in (("plain", plain), ("dropout", dropped)):
        gap[name] = (overfit.accuracy(parameters, task.X_train, task.Y_train)
                     - overfit.accuracy(parameters, task.X_dev, task.Y_dev))
    assert gap["plain"] >= 0.15 and gap["dropout"] <= gap["plain"] / 2 + 0.01
