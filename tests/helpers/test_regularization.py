"""The reference implementation of notebook 03 (helpers.regularization) and the shared over-fitting
task (helpers.overfit): right values, right gradients, clear errors."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import data, deep, gradcheck, overfit
from helpers import regularization as reg
from small_networks import small_network


# --- the stable cost and backward pass -------------------------------------------------------------

def test_stable_cost_and_backward_equal_notebook_02_where_it_is_finite():
    X, Y, parameters = small_network([3, 5, 4, 1], 7, seed=0)
    AL, caches = deep.L_model_forward(X, parameters)
    assert reg.compute_cost_stable(AL, Y) == pytest.approx(deep.compute_cost(AL, Y), rel=1e-12)
    stable, plain = reg.L_model_backward_stable(AL, Y, caches), deep.L_model_backward(AL, Y, caches)
    assert set(stable) == set(plain)                      # dW, db and dA keys, like notebook 02
    for key in plain:
        np.testing.assert_allclose(stable[key], plain[key], rtol=1e-9, atol=1e-12)


def test_stable_versions_survive_saturated_outputs():
    X, Y, parameters = small_network([2, 3, 1], 4, seed=1)
    parameters["W2"] = np.abs(parameters["W2"]) * 1000.0     # logits far beyond 37: AL rounds to 1.0
    AL, caches = deep.L_model_forward(X, parameters)
    assert np.any((AL == 1.0) | (AL == 0.0))
    with np.errstate(all="ignore"):
        assert any(np.isnan(v).any() for v in deep.L_model_backward(AL, Y, caches).values())
    grads = reg.L_model_backward_stable(AL, Y, caches)
    assert all(np.isfinite(v).all() for v in grads.values())
    assert np.isfinite(reg.compute_cost_stable(AL, Y))
    certain_and_wrong = reg.compute_cost_stable(np.array([[1.0, 0.5]]), np.array([[0.0, 1.0]]))
    assert certain_and_wrong == pytest.approx((708.3964185322641 + np.log(2)) / 2)


def test_stable_backward_rejects_bad_caches():
    with pytest.raises(TypeError, match="non-empty list"):
        reg.L_model_backward_stable(np.array([[0.5]]), np.array([[1.0]]), [])
    with pytest.raises(TypeError, match="caches\\[0\\]"):
        reg.L_model_backward_stable(np.array([[0.5]]), np.array([[1.0]]), [("not", "a", "cache")])


# --- bias and variance ------------------------------------------------------------------------------

@pytest.mark.parametrize("train, dev, bayes, verdict", [
    (0.01, 0.11, 0.0, "high variance"), (0.15, 0.16, 0.0, "high bias"), (0.15, 0.30, 0.0, "high bias and high variance"),
    (0.005, 0.01, 0.0, "low bias and low variance"), (0.15, 0.16, 0.15, "low bias and low variance"),
    (0.02, 0.21, 0.17, "high variance"), (0.19, 0.17, 0.17, "low bias and low variance"),
])
def test_diagnose_bias_variance(train, dev, bayes, verdict):
    assert reg.diagnose_bias_variance(train, dev, bayes) == verdict
    assert verdict in reg.VERDICTS


def test_diagnose_threshold_and_validation():
    assert reg.diagnose_bias_variance(0.0, 0.08, threshold=0.1) == "low bias and low variance"
    assert reg.diagnose_bias_variance(0.0, 0.08) == "high variance"
    with pytest.raises(ValueError, match="fraction"):
        reg.diagnose_bias_variance(15, 16)
    with pytest.raises(ValueError, match="fraction"):
        reg.diagnose_bias_variance(0.1, True)


def test_split_is_the_data_modules():
    assert reg.train_dev_test_split is data.train_dev_test_split


# --- L2 and L1 ----------------------------------------------------------------------------------------

def test_l2_cost_by_hand():
    parameters = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[5.0]])}
    AL, Y = np.array([[0.8, 0.4]]), np.array([[1.0, 0.0]])
    cross_entropy = -(np.log(0.8) + np.log(0.6)) / 2
    assert reg.compute_cost_with_regularization(AL, Y, parameters, 0.5) == pytest.approx(cross_entropy + 0.5 / 4 * 5)
    assert reg.compute_cost_with_l1(AL, Y, parameters, 0.5) == pytest.approx(cross_entropy + 0.5 / 4 * 3)
    assert isinstance(reg.compute_cost_with_regularization(AL, Y, parameters, 0.5), float)
    assert reg.compute_cost_with_regularization(AL, Y, parameters, 0.0) == pytest.approx(cross_entropy)


@pytest.mark.parametrize("cost, backward", [
    (reg.compute_cost_with_regularization, reg.L_model_backward_with_regularization),
    (reg.compute_cost_with_l1, reg.L_model_backward_with_l1),
])
def test_penalised_gradients_pass_gradient_checking(cost, backward):
    X, Y, parameters = small_network([3, 4, 3, 1], 6, seed=2)
    AL, caches = deep.L_model_forward(X, parameters)
    grads = backward(AL, Y, caches, 0.9)

    def cost_fn(p):
        return cost(deep.L_model_forward(X, p)[0], Y, p, 0.9)

    assert gradcheck.gradient_check(cost_fn, parameters, grads) < 1e-7


def test_penalties_touch_weights_only():
    X, Y, parameters = small_network([2, 3, 1], 5, seed=3)
    AL, caches = deep.L_model_forward(X, parameters)
    plain = reg.L_model_backward_stable(AL, Y, caches)
    l2 = reg.L_model_backward_with_regularization(AL, Y, caches, 2.0)
    l1 = reg.L_model_backward_with_l1(AL, Y, caches, 2.0)
    for l in (1, 2):
        np.testing.assert_allclose(l2[f"dW{l}"] - plain[f"dW{l}"], 2.0 / 5 * parameters[f"W{l}"])
        np.testing.assert_allclose(l1[f"dW{l}"] - plain[f"dW{l}"], 2.0 / 10 * np.sign(parameters[f"W{l}"]))
        np.testing.assert_array_equal(l2[f"db{l}"], plain[f"db{l}"])
        np.testing.assert_array_equal(l1[f"db{l}"], plain[f"db{l}"])


def test_negative_lambda_is_refused():
    X, Y, parameters = small_network([2, 1], 3, seed=4)
    AL, caches = deep.L_model_forward(X, parameters)
    with pytest.raises(ValueError, match="lambd"):
        reg.compute_cost_with_regularization(AL, Y, parameters, -1.0)
    with pytest.raises(ValueError, match="lambd"):
        reg.L_model_backward_with_l1(AL, Y, caches, -0.5)


def test_weight_decay_equals_a_step_with_the_regularised_gradient():
    X, Y, parameters = small_network([3, 4, 1], 8, seed=5)
    AL, caches = deep.L_model_forward(X, parameters)
    regularised = deep.update_parameters(parameters, reg.L_model_backward_with_regularization(AL, Y, caches, 0.7), 0.3)
    decayed = reg.update_parameters_with_weight_decay(parameters, reg.L_model_backward_stable(AL, Y, caches), 0.3,
                                                      0.7, 8)
    for key in parameters:
        np.testing.assert_allclose(decayed[key], regularised[key], rtol=1e-12, atol=1e-14)
    with pytest.raises(KeyError, match="db2"):
        reg.update_parameters_with_weight_decay(parameters, {"dW1": 0, "db1": 0, "dW2": 0}, 0.1, 0.1, 8)


# --- random_shift ---------------------------------------------------------------------------------

def test_random_shift_moves_each_image_and_fills_with_zeros():
    images = np.arange(1.0, 1 + 5 * 4 * 6).reshape(5, 4, 6)
    before = images.copy()
    shifted = reg.random_shift(images, 2, np.random.default_rng(0))
    np.testing.assert_array_equal(images, before)
    assert shifted.shape == images.shape
    shifts = np.random.default_rng(0).integers(-2, 3, size=(5, 2))
    for i, (dy, dx) in enumerate(shifts):
        for r in range(4):
            for c in range(6):
                inside = 0 <= r - dy < 4 and 0 <= c - dx < 6
                assert shifted[i, r, c] == (images[i, r - dy, c - dx] if inside else 0.0)


def test_random_shift_edge_cases():
    images = np.random.default_rng(1).random((3, 8, 8))
    np.testing.assert_array_equal(reg.random_shift(images, 0, np.random.default_rng(2)), images)
    assert not np.array_equal(reg.random_shift(images, 1, np.random.default_rng(2)),
                              reg.random_shift(images, 1, np.random.default_rng(3)))
    np.testing.assert_array_equal(reg.random_shift(images, 1, 4), reg.random_shift(images, 1, np.random.default_rng(4)))
    with pytest.raises(ValueError, match="3-D"):
        reg.random_shift(images[0], 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="max_shift"):
        reg.random_shift(images, -1, np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        reg.random_shift(images, 1, np.random)


def test_per_image_draws_give_the_same_shifts():
    """The notebook tells students to draw size=(m, 2) at once; a loop drawing 2 per image agrees."""
    at_once = np.random.default_rng(7).integers(-1, 2, size=(9, 2))
    rng = np.random.default_rng(7)
    per_image = np.array([rng.integers(-1, 2, size=2) for _ in range(9)])
    np.testing.assert_array_equal(at_once, per_image)


# --- the shared over-fitting task ---------------------------------------------------------------------

def test_overfitting_task_is_deterministic_and_well_formed():
    task, again = overfit.load_overfitting_task(), overfit.load_overfitting_task()
    assert task.X_train.shape == (2, 100) and task.X_dev.shape == (2, 450) and task.X_test.shape == (2, 450)
    assert task.Y_train.shape == (1, 100) and set(np.unique(task.Y_dev)) <= {0.0, 1.0}
    for name in ("X_train", "Y_train", "X_dev", "Y_dev", "X_test", "Y_test", "flipped_train"):
        np.testing.assert_array_equal(getattr(task, name), getattr(again, name))
    assert getattr(task, "X_train") is not getattr(again, "X_train")
    assert 5 <= task.flipped_train.sum() <= 25
    assert task.layer_dims == (2, 64, 64, 1) and task.l2_lambda in task.lambdas
    assert "100 training" in task.describe()


def test_flipped_flags_match_the_labels():
    task = overfit.load_overfitting_task()
    X, Y_clean = data.load_moons(m=overfit.M, noise=overfit.NOISE, seed=task.seed)
    for j in range(task.m_train):
        i = int(np.argmin(np.abs(X - task.X_train[:, [j]]).sum(axis=0)))
        assert (task.Y_train[0, j] != Y_clean[0, i]) == task.flipped_train[0, j]


def test_bayes_error_estimate():
    clean = overfit.moons_bayes_error(0.2)
    assert 0.01 < clean < 0.05
    assert overfit.moons_bayes_error(0.2, 0.15) == pytest.approx(0.15 + 0.7 * clean)
    assert overfit.moons_bayes_error(0.2, 0.5) == pytest.approx(0.5)
    assert overfit.moons_bayes_error(0.3) == pytest.approx(0.086, abs=0.01)   # more noise, more overlap


@pytest.mark.slow
def test_reference_training_overfits_and_l2_fixes_it():
    task = overfit.load_overfitting_task()
    plain, costs = overfit.train_task(task)
    assert len(costs) == task.num_iterations // task.record_every and costs[-1] < costs[0] / 5
    regularised, _ = overfit.train_task(task, lambd=task.l2_lambda)
    train_plain, dev_plain = overfit.accuracy(plain, task.X_train, task.Y_train), overfit.accuracy(plain, task.X_dev, task.Y_dev)
    train_l2, dev_l2 = (overfit.accuracy(regularised, task.X_train, task.Y_train),
                        overfit.accuracy(regularised, task.X_dev, task.Y_dev))
    assert train_plain >= 0.95 and train_plain - dev_plain >= 0.15
    assert train_l2 - dev_l2 <= 0.03 and dev_l2 - dev_plain >= 0.03
