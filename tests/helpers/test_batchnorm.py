"""The reference implementation of notebook 05 (helpers.batchnorm): right values, right gradients
(checked numerically), running statistics, clear errors; and the plots it uses."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import batchnorm as bn
from helpers import deep, gradcheck, plots_optim


# --- standardize_inputs -------------------------------------------------------------------------------

def test_standardize_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    X_train = rng.normal([[1.0], [100.0]], [[0.5], [20.0]], (2, 50))
    X_other = rng.normal([[3.0], [0.0]], [[2.0], [5.0]], (2, 7))
    train_std, other_std, mu, sigma = bn.standardize_inputs(X_train, X_other)
    np.testing.assert_allclose(mu, X_train.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(sigma, X_train.std(axis=1, keepdims=True))          # 1/m
    np.testing.assert_allclose(train_std.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(train_std.std(axis=1), 1)
    np.testing.assert_allclose(other_std, (X_other - mu) / sigma)                 # the training mu and sigma
    assert mu.shape == sigma.shape == (2, 1)


def test_standardize_single_new_example_and_clear_errors():
    X_train = np.array([[1.0, 2.0, 3.0, 4.0], [100.0, 300.0, 200.0, 400.0]])
    _, x_std, _, _ = bn.standardize_inputs(X_train, np.array([[2.5], [250.0]]))
    np.testing.assert_allclose(x_std, 0)
    with pytest.raises(ValueError, match="constant"):
        bn.standardize_inputs(np.array([[1.0, 1.0], [1.0, 2.0]]), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="rows"):
        bn.standardize_inputs(X_train, np.zeros((3, 1)))
    with pytest.raises(ValueError, match="1-D"):
        bn.standardize_inputs(np.arange(4.0), np.zeros((1, 1)))


# --- batchnorm_forward ---------------------------------------------------------------------------------

def _inputs(n=4, m=6, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.normal(rng.uniform(-3, 3, (n, 1)), rng.uniform(0.1, 5, (n, 1)), (n, m))
    return Z, rng.uniform(0.5, 1.5, (n, 1)), rng.uniform(-1, 1, (n, 1))


def test_forward_normalises_each_unit_over_the_batch():
    Z, gamma, beta = _inputs()
    state = bn.initialize_bn_state(4)
    out, (Z_hat, cache_gamma, std) = bn.batchnorm_forward(Z, np.ones((4, 1)), np.zeros((4, 1)), state, eps=0.0)
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 1)
    out, (Z_hat, cache_gamma, std) = bn.batchnorm_forward(Z, gamma, beta, bn.initialize_bn_state(4), eps=1e-3)
    var = Z.var(axis=1, keepdims=True)
    np.testing.assert_allclose(std, np.sqrt(var + 1e-3))                          # eps inside the root
    np.testing.assert_allclose(out, gamma * (Z - Z.mean(axis=1, keepdims=True)) / std + beta)
    assert cache_gamma is gamma or np.array_equal(cache_gamma, gamma)


def test_forward_updates_running_statistics_in_training_only():
    Z, gamma, beta = _inputs()
    state = bn.initialize_bn_state(4)
    bn.batchnorm_forward(Z, gamma, beta, state, training=True, momentum=0.8)
    np.testing.assert_allclose(state["running_mean"], 0.2 * Z.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(state["running_var"], 0.8 + 0.2 * Z.var(axis=1, keepdims=True))   # 1/m variance
    before = {k: v.copy() for k, v in state.items()}
    out, _ = bn.batchnorm_forward(Z[:, :1], gamma, beta, state, training=False, eps=1e-5)
    for key in before:
        np.testing.assert_array_equal(state[key], before[key])                   # test time: unchanged
    np.testing.assert_allclose(out, gamma * (Z[:, :1] - before["running_mean"])
                               / np.sqrt(before["running_var"] + 1e-5) + beta)


def test_running_statistics_converge_to_the_data_statistics():
    Z, gamma, beta = _inputs(m=50)
    state = bn.initialize_bn_state(4)
    for _ in range(200):
        bn.batchnorm_forward(Z, gamma, beta, state)
    np.testing.assert_allclose(state["running_mean"], Z.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(state["running_var"], Z.var(axis=1, keepdims=True))


def test_forward_clear_errors():
    Z, gamma, beta = _inputs()
    with pytest.raises(ValueError, match="gamma"):
        bn.batchnorm_forward(Z, gamma.T, beta, bn.initialize_bn_state(4))
    with pytest.raises(TypeError, match="bn_state"):
        bn.batchnorm_forward(Z, gamma, beta, {})
    with pytest.raises(ValueError, match="momentum"):
        bn.batchnorm_forward(Z, gamma, beta, bn.initialize_bn_state(4), momentum=1.5)


# --- batchnorm_backward: checked against numerical derivatives -------------------------------------------

@pytest.mark.parametrize("n, m, eps", [(4, 6, 1e-5), (3, 2, 1e-3), (1, 9, 0.1)])
def test_backward_matches_numerical_derivatives(n, m, eps):
    """J = (1/m) sum(G * Z_out) has dZ_out = G in the course's convention (dZ = m dJ/dZ)."""
    Z, gamma, beta = _inputs(n, m, seed=n + m)
    G = np.random.default_rng(7).standard_normal((n, m))

    def cost():
        out, _ = bn.batchnorm_forward(Z, gamma, beta, bn.initialize_bn_state(n), eps=eps)
        return float(np.sum(G * out) / m)

    _, cache = bn.batchnorm_forward(Z, gamma, beta, bn.initialize_bn_state(n), eps=eps)
    dZ, dgamma, dbeta = bn.batchnorm_backward(G, cache)
    assert gradcheck.relative_error(m * gradcheck.numerical_gradient(cost, Z), dZ) < 1e-7
    assert gradcheck.relative_error(gradcheck.numerical_gradient(cost, gamma), dgamma) < 1e-7
    assert gradcheck.relative_error(gradcheck.numerical_gradient(cost, beta), dbeta) < 1e-7
    np.testing.assert_allclose(dZ.sum(axis=1), 0, atol=1e-10)                    # shift-invariance


def test_backward_clear_errors():
    with pytest.raises(TypeError, match="Z_hat, gamma, std"):
        bn.batchnorm_backward(np.zeros((2, 3)), (np.zeros((2, 3)), np.ones((2, 1))))
    _, cache = bn.batchnorm_forward(*_inputs(2, 3), bn.initialize_bn_state(2))
    with pytest.raises(ValueError, match="dZ_out"):
        bn.batchnorm_backward(np.zeros((3, 2)), cache)


# --- the network -------------------------------------------------------------------------------------------

def _network(dims, m, seed, scale="he"):
    rng = np.random.default_rng(seed)
    parameters = bn.initialize_parameters_bn(dims, seed=seed, scale=scale)
    for l in range(1, len(dims) - 1):
        parameters[f"gamma{l}"] = rng.uniform(0.5, 1.5, (dims[l], 1))
        parameters[f"beta{l}"] = rng.uniform(-0.5, 0.5, (dims[l], 1))
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    Y[0, :2] = [0, 1]
    return X, Y, parameters


def test_parameters_have_no_bias_before_batch_norm_and_share_the_plain_draws():
    parameters = bn.initialize_parameters_bn([3, 4, 2, 1], seed=2)
    assert list(parameters) == ["W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"]
    plain = bn.initialize_parameters_plain([3, 4, 2, 1], seed=2)
    he = deep.initialize_parameters_deep([3, 4, 2, 1], seed=2)
    for key in ("W1", "W2", "W3"):
        np.testing.assert_array_equal(parameters[key], plain[key])
        np.testing.assert_array_equal(parameters[key], he[key])
    xavier = bn.initialize_parameters_plain([3, 4, 1], seed=2, scale="xavier")
    np.testing.assert_allclose(xavier["W1"], he["W1"] / np.sqrt(2))
    with pytest.raises(ValueError, match="scale"):
        bn.initialize_parameters_bn([3, 1], scale="big")


@pytest.mark.parametrize("hidden", ["relu", "sigmoid"])
def test_network_gradients_match_numerical_derivatives(hidden):
    dims = [3, 5, 4, 1]
    X, Y, parameters = _network(dims, 8, seed=8)

    def cost(p):
        AL, _ = bn.L_model_forward_bn(X, p, bn.initialize_bn_states(dims), hidden_activation=hidden)
        return deep.compute_cost(AL, Y)

    AL, caches = bn.L_model_forward_bn(X, parameters, bn.initialize_bn_states(dims), hidden_activation=hidden)
    grads = bn.L_model_backward_bn(AL, Y, caches, hidden_activation=hidden)
    report = bn.gradient_check_any(cost, parameters, grads)
    assert set(report) == set(parameters)
    assert max(report.values()) < 1e-6, report


def test_plain_network_matches_helpers_deep_with_relu_and_has_right_sigmoid_gradients():
    dims = [3, 4, 2, 1]
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 6))
    Y = np.array([[0.0, 1, 1, 0, 1, 0]])
    parameters = deep.initialize_parameters_deep(dims, seed=1)
    AL, caches = bn.L_model_forward_plain(X, parameters, "relu")
    AL_ref, caches_ref = deep.L_model_forward(X, parameters)
    np.testing.assert_allclose(AL, AL_ref)
    grads = bn.L_model_backward_plain(AL, Y, caches, "relu")
    grads_ref = deep.L_model_backward(AL_ref, Y, caches_ref)
    for key in grads_ref:
        np.testing.assert_allclose(grads[key], grads_ref[key])

    def cost(p):
        return deep.compute_cost(bn.L_model_forward_plain(X, p, "sigmoid")[0], Y)

    AL, caches = bn.L_model_forward_plain(X, parameters, "sigmoid")
    assert deep.gradient_check(cost, parameters, bn.L_model_backward_plain(AL, Y, caches, "sigmoid")) < 1e-7


def test_forward_bn_updates_states_in_training_and_not_at_test_time():
    dims = [3, 4, 2, 1]
    X, _, parameters = _network(dims, 7, seed=3)
    states = bn.initialize_bn_states(dims)
    bn.L_model_forward_bn(X, parameters, states, training=True)
    assert not np.allclose(states[0]["running_mean"], 0) and not np.allclose(states[1]["running_var"], 1)
    before = [{k: v.copy() for k, v in state.items()} for state in states]
    bn.L_model_forward_bn(X, parameters, states, training=False)
    for state, old in zip(states, before):
        for key in old:
            np.testing.assert_array_equal(state[key], old[key])
    with pytest.raises(ValueError, match="bn_states"):
        bn.L_model_forward_bn(X, parameters, states[:1])
    with pytest.raises(KeyError, match="gamma"):
        bn.L_model_forward_bn(X, {"W1": parameters["W1"], "W2": parameters["W2"], "b2": np.zeros((2, 1)),
                                  "W3": parameters["W3"], "b3": parameters["b3"]}, states)


def test_batch_statistics_of_one_example_erase_the_input():
    dims = [2, 5, 1]
    X, _, parameters = _network(dims, 6, seed=4)
    outputs = [bn.L_model_forward_bn(X[:, [i]], parameters, bn.initialize_bn_states(dims), training=True)[0][0, 0]
               for i in range(6)]
    assert np.allclose(outputs, outputs[0])


def test_training_helpers_reduce_the_cost():
    X, Y = bn.load_two_scales(m=60, seed=1)
    X, _, _, _ = bn.standardize_inputs(X, X)
    dims = [2, 6, 1]
    parameters, states, costs = bn.train_bn(X, Y, bn.initialize_parameters_bn(dims, seed=1),
                                            bn.initialize_bn_states(dims), 0.5, 100)
    assert costs[-1] < 0.5 * costs[0]
    assert bn.predict_bn(parameters, states, X).shape == (1, 60)
    _, costs = bn.train_plain(X, Y, bn.initialize_parameters_plain(dims, seed=1), 0.5, 100)
    assert costs[-1] < costs[0]
    assert bn.iterations_to_target([3.0, 2.0, 1.0], 2.0) == 1
    assert bn.iterations_to_target([3.0, 2.0], 1.0) is None
    new = bn.update_parameters_any({"W1": np.ones((1, 1)), "gamma1": np.ones((1, 1))},
                                   {"dW1": np.ones((1, 1)), "dgamma1": 2 * np.ones((1, 1))}, 0.1)
    np.testing.assert_allclose([new["W1"][0, 0], new["gamma1"][0, 0]], [0.9, 0.8])
    with pytest.raises(KeyError, match="dgamma1"):
        bn.update_parameters_any({"gamma1": np.ones((1, 1))}, {}, 0.1)


# --- the standardisation demonstration ------------------------------------------------------------------

def test_two_scales_data_and_vectorised_logistic_regression():
    X, Y = bn.load_two_scales(m=200, seed=0)
    assert X.shape == (2, 200) and Y.shape == (1, 200) and 0.3 < Y.mean() < 0.7
    assert 0.3 < X[0].std() < 0.7 and 7 < X[1].std() < 13
    rates = [0.01, 0.1]
    costs, path = bn.logistic_regression_gd(X, Y, rates, 50)
    assert costs.shape == (50, 2) and path.shape == (51, 2, 3)
    np.testing.assert_allclose(costs[0], np.log(2))
    # the vectorised runs agree with a plain loop for one rate
    w, b = np.zeros((1, 2)), 0.0
    for _ in range(50):
        A = deep.sigmoid(w @ X + b)
        w, b = w - 0.1 * (A - Y) @ X.T / 200, b - 0.1 * np.mean(A - Y)
    np.testing.assert_allclose(path[-1, 1], np.append(w, b))
    J = bn.logistic_cost_grid(X, Y, np.array([[0.0]]), np.array([[0.0]]), 0.0)
    np.testing.assert_allclose(J, np.log(2))
    diverged, _ = bn.logistic_regression_gd(X, Y, [100.0], 20)                 # stays finite when it diverges
    assert np.all(np.isfinite(diverged))


def test_plots_draw():
    gx, gy, F = plots_optim.grid(lambda x, y: x ** 2 + 10 * y ** 2, (-1, 1), (-1, 1), resolution=20)
    ax = plots_optim.plot_contours(gx, gy, F, log=True, minimum=(0, 0), title="t")
    plots_optim.plot_path(np.array([[1.0, 1.0], [0.5, -0.5], [0.0, 0.0]]), ax=ax, label="gd")
    plots_optim.plot_sigmoid_inputs(np.random.default_rng(0).standard_normal(100), title="layer 1")
    plots_optim.plot_layer_values({"a": [1.0, 0.1, 0.01]}, ylabel="norm")
    with pytest.raises(ValueError, match="shape"):
        plots_optim.plot_path(np.zeros((3, 3)))
    assert 2.88 < plots_optim.SATURATION_EDGE < 2.89
    plt.close("all")
