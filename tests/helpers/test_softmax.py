"""The reference implementation of notebook 08 (helpers.softmax): right values, stable, right gradients,
clear errors."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import data, deep, gradcheck
from helpers import softmax as sm
from small_networks import small_network


# --- softmax ---------------------------------------------------------------------------------------

def test_slide_31_worked_example():
    a = sm.softmax(np.array([[5.0], [2.0], [-1.0], [3.0]]))
    np.testing.assert_allclose(np.round(a[:, 0], 3), [0.842, 0.042, 0.002, 0.114])
    t = np.exp([5.0, 2.0, -1.0, 3.0])
    assert round(float(t.sum()), 1) == 176.3                      # the slide's sum of t
    np.testing.assert_allclose(np.round(t, 1), [148.4, 7.4, 0.4, 20.1])


def test_softmax_is_column_wise_and_sums_to_one():
    Z = np.random.default_rng(0).standard_normal((5, 7)) * 3
    A = sm.softmax(Z)
    assert A.shape == (5, 7) and np.all(A > 0)
    np.testing.assert_allclose(A.sum(axis=0), 1.0)
    for i in range(7):                                             # each column on its own
        np.testing.assert_allclose(A[:, [i]], sm.softmax(Z[:, [i]]))
    np.testing.assert_allclose(A, np.exp(Z) / np.exp(Z).sum(axis=0))


def test_softmax_is_stable_and_shift_invariant():
    Z = np.array([[1000.0, -1000.0], [999.0, -1001.0], [998.0, -1002.0]])
    A = sm.softmax(Z)
    assert np.all(np.isfinite(A))
    expected = sm.softmax(np.array([[2.0], [1.0], [0.0]]))[:, 0]
    np.testing.assert_allclose(A[:, 0], expected)
    np.testing.assert_allclose(A[:, 1], expected)
    assert not np.all(np.isfinite(sm.softmax_naive(Z)))          # the naive version overflows
    Z = np.random.default_rng(1).standard_normal((4, 3))
    np.testing.assert_allclose(sm.softmax(Z + np.array([[5.0, -7.0, 100.0]])), sm.softmax(Z))


def test_softmax_does_not_modify_its_input():
    Z = np.array([[1.0, 2.0], [3.0, 4.0]])
    sm.softmax(Z)
    np.testing.assert_array_equal(Z, [[1.0, 2.0], [3.0, 4.0]])


def test_hardmax_and_low_temperature():
    Z = np.array([[5.0, 0.0], [2.0, 1.0], [-1.0, 1.0], [3.0, 0.0]])
    np.testing.assert_array_equal(sm.hardmax(Z), [[1, 0], [0, 1], [0, 0], [0, 0]])   # first max on ties
    z = np.array([[5.0], [2.0], [-1.0], [3.0]])
    assert np.max(np.abs(sm.softmax(z / 0.1) - sm.hardmax(z))) < 1e-8
    np.testing.assert_allclose(sm.softmax(z * 0), 0.25)


def test_softmax_rejects_1d():
    with pytest.raises(ValueError, match="2-D"):
        sm.softmax(np.array([1.0, 2.0]))


# --- one-hot, cost, gradient ---------------------------------------------------------------------------

def test_one_hot():
    Y = sm.one_hot(np.array([[2, 0, 1, 2]]), 4)
    np.testing.assert_array_equal(Y, [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1], [0, 0, 0, 0]])
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(sm.one_hot(np.array([2.0, 0.0, 1.0, 2.0]), 4), Y)   # 1-D and floats too


@pytest.mark.parametrize("labels, C, match", [
    (np.array([[0, 3]]), 3, "numbered 0..2"),
    (np.array([[0.5, 1]]), 3, "whole numbers"),
    (np.array([[-1, 1]]), 3, "class indices"),
    (np.zeros((2, 3), dtype=int), 3, r"\(1, m\)"),
])
def test_one_hot_rejects_bad_labels(labels, C, match):
    with pytest.raises(ValueError, match=match):
        sm.one_hot(labels, C)


def test_cost_is_the_mean_negative_log_probability_of_the_true_class():
    rng = np.random.default_rng(2)
    AL = sm.softmax(rng.standard_normal((3, 6)))
    labels = np.array([[0, 1, 2, 2, 1, 0]])
    Y = sm.one_hot(labels, 3)
    cost = sm.compute_cost_softmax(AL, Y)
    assert isinstance(cost, float)
    assert cost == pytest.approx(-np.mean(np.log(AL[labels[0], np.arange(6)])))
    assert sm.compute_cost_softmax(Y * 0.999 + 0.001 / 3, Y) < 0.01         # confident and right: near 0


def test_cost_with_two_classes_is_binary_cross_entropy():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, (1, 8))
    y = np.array([[0, 1, 1, 0, 1, 0, 0, 1]], dtype=float)
    AL = np.vstack([1 - p, p])
    Y = sm.one_hot(y, 2)
    assert sm.compute_cost_softmax(AL, Y) == pytest.approx(deep.compute_cost(p, y))


def test_cost_rejects_labels_that_are_not_one_hot():
    with pytest.raises(ValueError, match="one-hot"):
        sm.compute_cost_softmax(np.full((2, 2), 0.5), np.array([[1.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="rows"):
        sm.compute_cost_softmax(np.full((3, 2), 1 / 3), np.eye(2))


def test_softmax_backward_is_the_numerical_gradient_times_m():
    rng = np.random.default_rng(4)
    C, m = 5, 7
    Z = rng.standard_normal((C, m)) * 2
    Y = sm.one_hot(rng.integers(0, C, (1, m)), C)
    numerical = gradcheck.numerical_gradient(lambda: sm.compute_cost_softmax(sm.softmax(Z), Y), Z)
    dZ = sm.softmax_backward(sm.softmax(Z), Y)
    assert gradcheck.relative_error(numerical * m, dZ) < 1e-7
    np.testing.assert_allclose(dZ.sum(axis=0), 0, atol=1e-12)         # each column of AL - Y sums to 0


# --- the network -----------------------------------------------------------------------------------------

def _network(dims, m, seed):
    return small_network(dims, m, seed, classes=True)


def test_forward_shapes_and_caches():
    X, Y, parameters = _network([6, 5, 4, 3], 8, 0)
    AL, caches = sm.L_model_forward_softmax(X, parameters)
    assert AL.shape == (3, 8) and len(caches) == 3
    np.testing.assert_allclose(AL.sum(axis=0), 1.0)
    (A_prev, W, b), ZL = caches[-1]
    assert W is parameters["W3"] or np.array_equal(W, parameters["W3"])
    np.testing.assert_allclose(sm.softmax(ZL), AL)


@pytest.mark.parametrize("dims", [[6, 5, 4, 3], [4, 3], [3, 6, 6, 6, 10]])
def test_backward_passes_gradient_checking(dims):
    X, Y, parameters = _network(dims, 7, 1)

    def cost_fn(p):
        return sm.compute_cost_softmax(sm.L_model_forward_softmax(X, p)[0], Y)

    AL, caches = sm.L_model_forward_softmax(X, parameters)
    grads = sm.L_model_backward_softmax(AL, Y, caches)
    assert deep.gradient_check(cost_fn, parameters, grads) < 1e-7


def test_backward_for_training_leaves_out_dA0_and_nothing_else():
    """dA0=False (for training loops) drops the gradient with respect to X; every other gradient is unchanged."""
    X, Y, parameters = _network([6, 5, 4, 3], 7, 2)
    AL, caches = sm.L_model_forward_softmax(X, parameters)
    full = sm.L_model_backward_softmax(AL, Y, caches)
    training = sm.L_model_backward_softmax(AL, Y, caches, dA0=False)
    assert "dA0" in full and set(training) == set(full) - {"dA0"}
    for key, value in training.items():
        np.testing.assert_array_equal(value, full[key])


def test_training_on_digits_learns_and_predicts_classes():
    X, y, _ = data.load_digits()
    X, y = X[:, :300], y[:, :300]
    parameters, costs = sm.L_layer_model_softmax(X, sm.one_hot(y, 10), [64, 16, 10], learning_rate=0.5,
                                                 num_iterations=150, seed=0)
    assert len(costs) == 150 and costs[-1] < 0.3 * costs[0]
    predictions = sm.predict_softmax(parameters, X)
    assert predictions.shape == (1, 300) and np.issubdtype(predictions.dtype, np.integer)
    assert np.mean(predictions == y) > 0.9


def test_training_rejects_mismatched_dims():
    with pytest.raises(ValueError, match="end with C"):
        sm.L_layer_model_softmax(np.zeros((4, 3)), np.eye(3), [4, 5, 2])


def test_confusion_matrix():
    counts = sm.confusion_matrix(np.array([[0, 1, 2, 2, 1]]), np.array([[0, 2, 2, 2, 1]]), 3)
    np.testing.assert_array_equal(counts, [[1, 0, 0], [0, 1, 1], [0, 0, 2]])
    assert counts.sum() == 5 and counts.dtype == np.int64
    with pytest.raises(ValueError, match="labels"):
        sm.confusion_matrix(np.array([[0, 1]]), np.array([[0]]), 2)


def test_backward_checks_its_caches_once_with_clear_errors():
    X = np.random.default_rng(0).standard_normal((4, 6))
    Y = sm.one_hot(np.arange(6) % 3, 3)
    parameters = deep.initialize_parameters_deep([4, 5, 3], seed=0)
    AL, caches = sm.L_model_forward_softmax(X, parameters)
    with pytest.raises(ValueError, match="same call"):
        sm.L_model_backward_softmax(AL[:2], sm.one_hot(np.arange(6) % 2, 2), caches)
    with pytest.raises(ValueError, match="layer 2"):
        sm.L_model_backward_softmax(AL, Y, [caches[0], ((caches[0][0][0], caches[1][0][1], caches[1][0][2]),
                                                        caches[1][1])])
    with pytest.raises(TypeError, match=r"caches\[0\]"):
        sm.L_model_backward_softmax(AL, Y, [("not", "a", "cache"), caches[1]])
