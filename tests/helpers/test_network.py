"""helpers.network, the one forward loop and the one backward loop: every composition's gradients against
numerical gradients of its own cost, the caches' layouts, and variants built by swapping one step."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import dropout, gradcheck, network

DIMS = [4, 5, 3, 1]


def _problem(dims=DIMS, m=6, seed=0, bn=False, classes=False):
    rng = np.random.default_rng(seed)
    parameters = {}
    L = len(dims) - 1
    for l in range(1, L + 1):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * 0.8
        if bn and l < L:
            parameters[f"gamma{l}"] = rng.uniform(0.5, 1.5, (dims[l], 1))
            parameters[f"beta{l}"] = rng.uniform(-0.5, 0.5, (dims[l], 1))
        else:
            parameters[f"b{l}"] = rng.uniform(-0.5, 0.5, (dims[l], 1))
    X = rng.standard_normal((dims[0], m))
    if classes:
        Y = np.eye(dims[-1])[:, rng.integers(0, dims[-1], m)]
    else:
        Y = (np.arange(m) % 2).reshape(1, m).astype(float)
    return X, Y, parameters


def _cross_entropy(AL, Y):
    if AL.shape[0] == 1:
        return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
    return float(-np.sum(Y * np.log(AL)) / Y.shape[1])


def _weights_penalty(parameters, m, lambd, l1):
    W = [value for key, value in parameters.items() if key.startswith("W")]
    return lambd / (2 * m) * sum(np.sum(w ** 2) for w in W) + l1 / (2 * m) * sum(np.sum(np.abs(w)) for w in W)


def _assert_gradients(net, make_settings, parameters, X, Y, lambd=0.0, l1=0.0, dA_keys=True):
    """network.backward's gradients against two-sided differences of cross-entropy + penalties, with fresh
    settings for every cost so that dropout draws the same masks (make_settings() makes a new rng)."""
    m = X.shape[1]

    def cost():
        AL, _ = network.forward(X, parameters, net, make_settings())
        return _cross_entropy(AL, Y) + _weights_penalty(parameters, m, lambd, l1)

    settings = make_settings()
    AL, caches = network.forward(X, parameters, net, settings)
    grads = network.backward(AL - Y, caches, net, settings, dA_keys=dA_keys)
    for key in parameters:
        approx = gradcheck.numerical_gradient(cost, parameters[key], 1e-6)
        assert gradcheck.relative_error(approx, grads["d" + key]) < 1e-6, key
    return grads


def test_the_deep_network_with_l2_and_l1_terms_has_the_gradients_of_its_cost():
    X, Y, parameters = _problem()
    for linear, lambd, l1 in ((network.LINEAR, 0.0, 0.0), (network.LINEAR_L2, 0.7, 0.0), (network.LINEAR_L1, 0.0, 0.9)):
        net = network.stack((linear, network.RELU), (linear, network.SIGMOID_OUTPUT), 3)
        grads = _assert_gradients(net, lambda: {"lambd": lambd + l1}, parameters, X, Y, lambd, l1)
        assert sorted(key for key in grads if key.startswith("dA")) == ["dA0", "dA1", "dA2"]
        assert grads["dA0"].shape == X.shape


def test_sigmoid_hidden_layers_softmax_output_and_dropout_have_the_gradients_of_their_cost():
    X, Y, parameters = _problem([4, 5, 3, 3], classes=True, seed=1)
    net = network.stack((network.LINEAR, network.SIGMOID), (network.LINEAR, network.SOFTMAX_OUTPUT), 3)
    _assert_gradients(net, lambda: None, parameters, X, Y)
    X, Y, parameters = _problem(seed=2)
    hidden = (network.group(network.LINEAR, network.RELU), network.DROPOUT)
    dropout_net = network.stack(hidden, (network.group(network.LINEAR, network.SIGMOID_OUTPUT), network.NO_DROPOUT), 3)
    grads = _assert_gradients(dropout_net, lambda: {"keep_probs": [0.7, 0.5], "rng": np.random.default_rng(4)},
                              parameters, X, Y, dA_keys=False)
    assert sorted(grads) == ["dW1", "dW2", "dW3", "db1", "db2", "db3"]


def test_the_batch_norm_network_with_dropout_and_l2_has_the_gradients_of_its_cost():
    X, Y, parameters = _problem([4, 5, 3, 3], m=8, bn=True, classes=True, seed=3)
    states = [{"running_mean": np.zeros((n, 1)), "running_var": np.ones((n, 1))} for n in (5, 3)]

    bn_net = network.stack((network.LINEAR_NO_BIAS_L2, network.BATCHNORM, network.RELU, network.DROPOUT),
                           (network.LINEAR_L2, network.SOFTMAX_OUTPUT), 3)

    def settings():
        return {"bn_states": states, "training": True, "momentum": 0.9, "eps": 1e-5, "lambd": 0.4,
                "keep_probs": [0.8, 0.8], "rng": np.random.default_rng(5)}
    grads = _assert_gradients(bn_net, settings, parameters, X, Y, lambd=0.4)
    assert {"dgamma1", "dbeta2", "dW3", "db3"} <= set(grads) and "db1" not in grads


def test_caches_keep_the_course_layouts():
    X, Y, parameters = _problem()
    net = network.stack((network.LINEAR, network.RELU), (network.LINEAR, network.SIGMOID_OUTPUT), 3)
    AL, caches = network.forward(X, parameters, net)
    (A_prev, W, b), Z = caches[1]
    assert W is parameters["W2"] and b is parameters["b2"] and A_prev.shape == (5, 6) and Z.shape == (3, 6)
    np.testing.assert_allclose(AL, 1 / (1 + np.exp(-caches[2][1])))
    np.testing.assert_allclose(caches[2][0][0], np.maximum(0, caches[1][1]))

    _, caches = network.forward(X, parameters, dropout.dropout_network(3),
                                {"keep_probs": [0.5, 0.5], "rng": np.random.default_rng(0)})
    ((_, W1, _), Z1), D1 = caches[0]
    assert W1 is parameters["W1"] and Z1.shape == D1.shape == (5, 6) and D1.dtype == bool
    assert caches[2][1] is None

    X, Y, parameters = _problem(bn=True)
    states = [{"running_mean": np.zeros((n, 1)), "running_var": np.ones((n, 1))} for n in (5, 3)]
    bn_net = network.stack((network.LINEAR_NO_BIAS, network.BATCHNORM, network.RELU),
                           (network.LINEAR, network.SIGMOID_OUTPUT), 3)
    _, caches = network.forward(X, parameters, bn_net, {"bn_states": states, "training": True, "momentum": 0.9,
                                                        "eps": 1e-5})
    (A_prev, W), (Z_hat, gamma, std), Z_tilde = caches[0]
    assert A_prev is X and W is parameters["W1"] and gamma is parameters["gamma1"] and std.shape == (5, 1)
    np.testing.assert_allclose(Z_tilde, gamma * Z_hat + parameters["beta1"])
    np.testing.assert_allclose(Z_hat.mean(axis=1), 0, atol=1e-12)


def test_a_variant_is_the_reference_with_one_step_swapped():
    X, Y, parameters = _problem()
    net = network.stack((network.LINEAR, network.RELU), (network.LINEAR, network.SIGMOID_OUTPUT), 3)
    swapped = network.swap(net, "relu", network.SIGMOID)
    assert [step.name for step in swapped[0]] == ["linear", "sigmoid"] and swapped[2] == net[2]
    assert [step.name for step in net[0]] == ["linear", "relu"]                        # the reference is unchanged
    AL, _ = network.forward(X, parameters, swapped)
    A = X
    for l in (1, 2, 3):                                                                # written out
        A = 1 / (1 + np.exp(-(parameters[f"W{l}"] @ A + parameters[f"b{l}"])))
    np.testing.assert_allclose(AL, A)

    relu_output = network.output_activation("relu output", lambda Z: np.maximum(0, Z))              # on layer L only
    only_last = network.swap(net, "sigmoid output", relu_output, layer=3)
    assert only_last[:2] == net[:2] and only_last[2][1] is relu_output

    grouped = [(network.group(network.LINEAR, network.RELU), network.NO_DROPOUT)] * 2
    inner = network.swap(grouped, "relu", network.SIGMOID)[0][0]
    assert [part.name for part in inner.parts] == ["linear", "sigmoid"] and inner.name == "linear+sigmoid"


def test_a_backward_without_the_l2_term_differs_only_in_dW():
    X, Y, parameters = _problem()
    l2_net = network.swap(network.stack((network.LINEAR, network.RELU), (network.LINEAR, network.SIGMOID_OUTPUT), 3),
                          "linear", network.LINEAR_L2)
    AL, caches = network.forward(X, parameters, l2_net)
    with_l2 = network.backward(AL - Y, caches, l2_net, {"lambd": 0.5})
    without = network.backward(AL - Y, caches, network.swap(l2_net, "linear", network.LINEAR), {"lambd": 0.5})
    for key in with_l2:
        if key.startswith("dW"):
            np.testing.assert_allclose(with_l2[key] - without[key], 0.5 / 6 * parameters[key[1:]])
        else:
            np.testing.assert_array_equal(with_l2[key], without[key])


def test_an_unscaled_dropout_step_is_one_swap_away():
    """The module docstring's example: the reference dropout network with its dropout step swapped."""
    X, _, parameters = _problem()

    def unscaled_forward(A, l, parameters_, settings):
        D = settings["rng"].random(A.shape) < settings["keep_probs"][l - 1]
        return A * D, D
    unscaled = network.Step("dropout", unscaled_forward, network.DROPOUT.backward)
    wrong_net = network.swap(dropout.dropout_network(3), "dropout", unscaled)
    assert wrong_net[2][1] is network.NO_DROPOUT                                      # the output layer keeps its own
    _, caches = network.forward(X, parameters, dropout.dropout_network(3),
                                {"keep_probs": [0.5, 0.5], "rng": np.random.default_rng(9)})
    _, wrong = network.forward(X, parameters, wrong_net, {"keep_probs": [0.5, 0.5], "rng": np.random.default_rng(9)})
    np.testing.assert_array_equal(caches[0][1], wrong[0][1])                          # the same mask
    np.testing.assert_allclose(caches[1][0][0][0], 2 * wrong[1][0][0][0])            # not divided by 0.5
    with pytest.raises(AttributeError):
        network.LINEAR.name = "other"                                                 # steps are immutable
