"""The reference implementation of notebook 02 (helpers.deep): right values, right gradients, clear errors."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import data, deep, gradcheck
from small_networks import small_network


# --- initialisation ---------------------------------------------------------------------------------

def test_he_initialisation_shapes_scale_and_seed():
    dims = [400, 300, 200, 1]
    parameters = deep.initialize_parameters_deep(dims, seed=0)
    assert sorted(parameters) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    for l in range(1, 4):
        assert parameters[f"W{l}"].shape == (dims[l], dims[l - 1])
        assert parameters[f"b{l}"].shape == (dims[l], 1) and not parameters[f"b{l}"].any()
    assert np.std(parameters["W1"]) == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert np.std(parameters["W2"]) == pytest.approx(np.sqrt(2 / 300), rel=0.02)
    again = deep.initialize_parameters_deep(dims, seed=0)
    assert all(np.array_equal(again[k], parameters[k]) for k in parameters)
    assert not np.array_equal(deep.initialize_parameters_deep(dims, seed=1)["W1"], parameters["W1"])


def test_he_draws_layers_in_order_from_one_generator():
    rng = np.random.default_rng(5)
    W1 = rng.standard_normal((4, 3)) * np.sqrt(2 / 3)
    W2 = rng.standard_normal((1, 4)) * np.sqrt(2 / 4)
    parameters = deep.initialize_parameters_deep([3, 4, 1], seed=5)
    np.testing.assert_array_equal(parameters["W1"], W1)
    np.testing.assert_array_equal(parameters["W2"], W2)


def test_scaled_initialisation():
    zeros = deep.initialize_parameters_scaled([3, 4, 1], 0.0, seed=1)
    assert not any(v.any() for v in zeros.values())
    small = deep.initialize_parameters_scaled([3, 4, 1], 0.01, seed=1)
    unit = deep.initialize_parameters_scaled([3, 4, 1], 1.0, seed=1)
    np.testing.assert_allclose(small["W1"] * 100, unit["W1"])
    he = deep.initialize_parameters_scaled([3, 4, 1], "he", seed=1)
    np.testing.assert_array_equal(he["W2"], deep.initialize_parameters_deep([3, 4, 1], seed=1)["W2"])


# --- activations ----------------------------------------------------------------------------------

def test_relu_and_its_backward():
    Z = np.array([[-2.0, 0.0, 3.0]])
    dA = np.array([[5.0, 6.0, -7.0]])
    np.testing.assert_array_equal(deep.relu(Z), [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(deep.relu_backward(dA, Z), [[0.0, 0.0, -7.0]])     # slope 0 at Z = 0
    assert Z[0, 0] == -2.0 and dA[0, 0] == 5.0                                       # inputs untouched


def test_sigmoid_backward_is_the_derivative():
    Z = np.linspace(-4, 4, 9).reshape(3, 3)
    dA = np.arange(9.0).reshape(3, 3) - 4
    eps = 1e-6
    numeric = dA * (deep.sigmoid(Z + eps) - deep.sigmoid(Z - eps)) / (2 * eps)
    np.testing.assert_allclose(deep.sigmoid_backward(dA, Z), numeric, rtol=1e-7, atol=1e-10)


# --- layers -----------------------------------------------------------------------------------------

def test_linear_forward_and_backward():
    rng = np.random.default_rng(2)
    A_prev, W, b = rng.standard_normal((3, 5)), rng.standard_normal((2, 3)), rng.standard_normal((2, 1))
    Z, cache = deep.linear_forward(A_prev, W, b)
    np.testing.assert_allclose(Z, W @ A_prev + b)
    assert isinstance(cache, tuple) and all(x is y for x, y in zip(cache, (A_prev, W, b)))
    dZ = rng.standard_normal((2, 5))
    dA_prev, dW, db = deep.linear_backward(dZ, cache)
    np.testing.assert_allclose(dW, dZ @ A_prev.T / 5)
    np.testing.assert_allclose(db, dZ.sum(axis=1, keepdims=True) / 5)
    np.testing.assert_allclose(dA_prev, W.T @ dZ)
    assert (dA_prev.shape, dW.shape, db.shape) == ((3, 5), (2, 3), (2, 1))


def test_layer_arithmetic_row_means_and_skipped_dA_prev():
    """helpers.layers: row_means is the mean over the examples; linear_backward(dA_prev=False) skips only dA_prev;
    the in-place sigmoid and relu_backward give the textbook formulas' numbers."""
    from helpers import layers
    rng = np.random.default_rng(4)
    A_prev, W, b, dZ = rng.standard_normal((3, 5)), rng.standard_normal((2, 3)), rng.standard_normal((2, 1)), \
        rng.standard_normal((2, 5))
    np.testing.assert_allclose(layers.row_means(dZ), dZ.mean(axis=1, keepdims=True), rtol=1e-14)
    dA_prev, dW, db = layers.linear_backward(dZ, (A_prev, W, b))
    np.testing.assert_allclose(dW, dZ @ A_prev.T / 5, rtol=1e-14)
    np.testing.assert_allclose(db, dZ.sum(axis=1, keepdims=True) / 5, rtol=1e-14)
    none, dW_again, db_again = layers.linear_backward(dZ, (A_prev, W, b), dA_prev=False)
    assert none is None and np.array_equal(dW_again, dW) and np.array_equal(db_again, db)
    np.testing.assert_array_equal(layers.sigmoid(dZ), 1 / (1 + np.exp(-dZ)))
    np.testing.assert_array_equal(layers.sigmoid_backward(A_prev[:2], dZ),
                                  A_prev[:2] * (1 / (1 + np.exp(-dZ))) * (1 - 1 / (1 + np.exp(-dZ))))
    np.testing.assert_array_equal(layers.relu_backward(A_prev[:2], dZ), A_prev[:2] * (dZ > 0))
    assert layers.sigmoid(np.array(0.0)) == 0.5 and layers.sigmoid(np.arange(3)).dtype == np.float64


def test_linear_activation_cache_layout():
    rng = np.random.default_rng(3)
    A_prev, W, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 3)), rng.standard_normal((2, 1))
    for activation, g in (("relu", deep.relu), ("sigmoid", deep.sigmoid)):
        A, (linear_cache, Z) = deep.linear_activation_forward(A_prev, W, b, activation)
        np.testing.assert_allclose(Z, W @ A_prev + b)
        np.testing.assert_allclose(A, g(Z))
        assert len(linear_cache) == 3


def test_L_model_forward_relu_hidden_sigmoid_output():
    X, _, parameters = small_network([4, 5, 3, 1], 6, seed=4)
    AL, caches = deep.L_model_forward(X, parameters)
    assert AL.shape == (1, 6) and len(caches) == 3
    A = X
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        np.testing.assert_array_equal(A_prev, A)
        assert W is parameters[f"W{l}"] and b is parameters[f"b{l}"]
        A = deep.relu(Z) if l < 3 else deep.sigmoid(Z)
    np.testing.assert_allclose(AL, A)


def test_compute_cost():
    AL = np.array([[0.8, 0.9, 0.4]])
    Y = np.array([[1.0, 1.0, 0.0]])
    expected = -(np.log(0.8) + np.log(0.9) + np.log(0.6)) / 3
    cost = deep.compute_cost(AL, Y)
    assert isinstance(cost, float) and cost == pytest.approx(expected)


# --- gradients ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("dims, m, seed", [([4, 5, 3, 1], 7, 0), ([3, 1], 5, 1), ([2, 4, 4, 4, 1], 6, 2)])
def test_L_model_backward_matches_numerical_gradients(dims, m, seed):
    X, Y, parameters = small_network(dims, m, seed)
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)

    def cost_fn(p):
        return deep.compute_cost(deep.L_model_forward(X, p)[0], Y)

    numeric = gradcheck.numerical_gradients(cost_fn, parameters, epsilon=1e-6)
    for key in parameters:
        assert grads["d" + key].shape == parameters[key].shape
        np.testing.assert_allclose(grads["d" + key], numeric["d" + key], rtol=1e-5, atol=1e-8, err_msg=key)
    assert deep.gradient_check(cost_fn, parameters, grads) < 1e-7
    L = len(dims) - 1
    assert sorted(k for k in grads if k.startswith("dA")) == [f"dA{l}" for l in range(L)]
    assert grads["dA0"].shape == X.shape


def test_gradient_check_flags_a_bug():
    X, Y, parameters = small_network([4, 5, 3, 1], 7, 0)
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)
    cost_fn = lambda p: deep.compute_cost(deep.L_model_forward(X, p)[0], Y)
    buggy = dict(grads, db2=grads["db2"] * 7)                      # "forgot the 1/m" in one layer
    assert deep.gradient_check(cost_fn, parameters, buggy) > 1e-3
    before = {k: v.copy() for k, v in parameters.items()}
    deep.gradient_check(cost_fn, parameters, grads, epsilon=1e-5)
    assert all(np.array_equal(before[k], parameters[k]) for k in parameters)     # parameters left untouched


# --- training -------------------------------------------------------------------------------------------

def test_update_parameters_returns_a_new_dict_and_ignores_dA():
    parameters = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1)), "W2": np.ones((1, 2)), "b2": np.ones((1, 1))}
    grads = {"dW1": np.full((2, 3), 2.0), "db1": np.full((2, 1), 3.0), "dW2": np.full((1, 2), 4.0),
             "db2": np.full((1, 1), 5.0), "dA0": np.zeros((3, 4)), "dA1": np.zeros((2, 4))}
    updated = deep.update_parameters(parameters, grads, 0.5)
    assert sorted(updated) == ["W1", "W2", "b1", "b2"]
    np.testing.assert_allclose(updated["W1"], 0.0)
    np.testing.assert_allclose(updated["b2"], -1.5)
    np.testing.assert_array_equal(parameters["W1"], 1.0)


def test_L_layer_model_learns_digits_and_repeats(capsys):
    X, Y = data.load_digits_binary((8,), (3,))
    parameters, costs = deep.L_layer_model(X, Y, [64, 8, 4, 1], learning_rate=0.1, num_iterations=200, seed=2,
                                           print_cost=True, print_every=100)
    assert len(costs) == 200 and all(isinstance(c, float) for c in costs)
    assert costs[-1] < 0.2 * costs[0]
    assert np.mean(deep.predict(parameters, X) == Y) > 0.97
    assert capsys.readouterr().out.count("Cost after iteration") == 3       # 0, 100 and the last
    again, again_costs = deep.L_layer_model(X, Y, [64, 8, 4, 1], learning_rate=0.1, num_iterations=200, seed=2)
    assert again_costs == costs and np.array_equal(again["W1"], parameters["W1"])


def test_train_continues_from_given_parameters():
    X, Y = data.load_digits_binary((8,), (3,))
    start = deep.initialize_parameters_deep([64, 4, 1], seed=0)
    trained, costs = deep.train(start, X, Y, 0.1, 20)
    reference, reference_costs = deep.L_layer_model(X, Y, [64, 4, 1], 0.1, 20, seed=0)
    assert costs == reference_costs
    np.testing.assert_array_equal(trained["W1"], reference["W1"])


def test_layer_statistics_show_vanishing_exploding_and_he():
    X = np.random.default_rng(0).standard_normal((50, 200))
    dims = [50] + [50] * 12
    results = {scale: deep.layer_statistics(X, deep.initialize_parameters_scaled(dims, scale, seed=0))
               for scale in (0.01, 1.0, "he")}
    stds, norms = results[0.01]
    assert stds[-1] / stds[0] < 1e-5 and norms[0] / norms[-1] < 1e-5          # x0.07 per layer
    stds, norms = results[1.0]
    assert stds[-1] / stds[0] > 1e5 and norms[0] / norms[-1] > 1e5            # x5 per layer
    stds, norms = results["he"]
    assert 0.1 < stds[-1] / stds[0] < 10 and 0.1 < norms[0] / norms[-1] < 10


# --- bad input -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, phrase", [
    (lambda: deep.initialize_parameters_deep([5]), ValueError, "at least two sizes"),
    (lambda: deep.initialize_parameters_deep([5, 0, 1]), ValueError, "positive integer"),
    (lambda: deep.initialize_parameters_deep("5, 3, 1"), TypeError, "list of layer sizes"),
    (lambda: deep.initialize_parameters_deep(5), TypeError, "list of layer sizes"),
    (lambda: deep.initialize_parameters_scaled([3, 1], "xavier"), ValueError, "'he'"),
    (lambda: deep.initialize_parameters_scaled([3, 1], -1.0), ValueError, "non-negative"),
    (lambda: deep.relu_backward(np.ones((2, 3)), np.ones((3, 2))), ValueError, "must be equal"),
    (lambda: deep.linear_forward(np.ones((4, 5)), np.ones((2, 3)), np.ones((2, 1))), ValueError, "3 rows"),
    (lambda: deep.linear_forward(np.ones(3), np.ones((2, 3)), np.ones((2, 1))), ValueError, "1-D vector"),
    (lambda: deep.linear_forward(np.ones((3, 5)), np.ones((2, 3)), np.ones((2,))), ValueError, "1-D vector"),
    (lambda: deep.linear_activation_forward(np.ones((3, 5)), np.ones((2, 3)), np.ones((2, 1)), "tanh"),
     ValueError, "'relu' or 'sigmoid'"),
    (lambda: deep.linear_backward(np.ones((2, 5)), (np.ones((2, 3)), np.ones((3, 5)), np.ones((2, 1)))),
     ValueError, "A_prev (cache[0])"),
    (lambda: deep.linear_backward(np.ones((2, 5)), [np.ones((3, 5))]), TypeError, "(A_prev, W, b)"),
    (lambda: deep.linear_activation_backward(np.ones((2, 5)), (np.ones((2, 5)),), "relu"), TypeError,
     "(linear_cache, Z)"),
    (lambda: deep.L_model_forward(np.ones((3, 2)), {"W1": np.ones((1, 3))}), KeyError, "b1"),
    (lambda: deep.L_model_forward(np.ones((4, 2)), deep.initialize_parameters_deep([3, 1])), ValueError, "3 rows"),
    (lambda: deep.compute_cost(np.full((1, 3), 0.5), np.array([[0, 2, 1]])), ValueError, "only 0 and 1"),
    (lambda: deep.compute_cost(np.full((2, 3), 0.5), np.ones((1, 3))), ValueError, "1 rows"),
    (lambda: deep.L_model_backward(np.full((1, 3), 0.5), np.ones((1, 3)), []), TypeError, "caches"),
    (lambda: deep.update_parameters(deep.initialize_parameters_deep([3, 1]), {"dW1": np.ones((1, 3))}, 0.1),
     KeyError, "db1"),
    (lambda: deep.L_layer_model(np.ones((3, 4)), np.ones((1, 4)), [4, 1]), ValueError, "must start with n_x = 3"),
    (lambda: deep.L_layer_model(np.ones((3, 4)), np.ones((1, 4)), [3, 1], num_iterations=0), ValueError,
     "positive integer"),
    (lambda: deep.gradient_check(lambda p: 0.0, deep.initialize_parameters_deep([3, 1]),
                                 {"dW1": np.ones((1, 3)), "db1": np.ones((1, 1))}, epsilon=0), ValueError, "positive"),
    (lambda: deep.gradient_check("cost", deep.initialize_parameters_deep([3, 1]), {}), TypeError, "cost_fn"),
])
def test_bad_input_raises_a_clear_error(call, error, phrase):
    with pytest.raises(error) as info:
        call()
    assert phrase in str(info.value), str(info.value)


def test_activations_work_on_numbers_and_arrays():
    """sigmoid and relu take numbers, 0-d arrays and lists as well as matrices (notebook 02 calls them on numbers)."""
    assert deep.sigmoid(0.0) == 0.5 and deep.sigmoid(np.array(0.0)) == 0.5
    np.testing.assert_allclose(deep.sigmoid([-2.0, 0.0, 2.0]), [0.11920292202211755, 0.5, 0.8807970779778823])
    assert deep.relu(-2.0) == 0.0 and deep.relu(3.0) == 3.0
