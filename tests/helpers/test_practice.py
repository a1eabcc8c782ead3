"""The reference implementation of notebook 09 (helpers.practice): the network's forward pass in both
modes, its gradients (checked numerically, through batch norm, dropout, L2 and softmax), evaluation,
and the training loop with its schedule, mini-batches and Adam steps."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import batchnorm, deep, optimizers, softmax
from helpers import practice as P

DIMS = [5, 6, 4, 4]


def _problem(seed=0, m=8, dims=DIMS):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    Y = softmax.one_hot(rng.integers(0, dims[-1], (1, m)), dims[-1])
    parameters, states = P.initialize(dims, seed=seed + 1)
    for key in parameters:   # gamma != 1, beta != 0, b != 0: every parameter matters
        if not key.startswith("W"):
            parameters[key] = parameters[key] + rng.uniform(-0.3, 0.3, parameters[key].shape)
    return X, Y, parameters, states


def _copy_states(states):
    return [dict(state) for state in states]


@pytest.mark.parametrize("keep_prob, lambd", [(1.0, 0.0), (0.7, 0.0), (0.7, 0.5), (1.0, 2.0)])
def test_backward_matches_the_numerical_gradient(keep_prob, lambd):
    X, Y, parameters, states = _problem()

    def cost_of(p):
        AL, _ = P.forward_propagation(X, p, _copy_states(states), keep_prob, np.random.default_rng(5), training=True)
        return P.compute_cost(AL, Y, p, lambd)

    AL, caches = P.forward_propagation(X, parameters, _copy_states(states), keep_prob, np.random.default_rng(5))
    grads = P.backward_propagation(AL, Y, caches, keep_prob, lambd)
    assert set(grads) == {"d" + key for key in parameters}
    differences = batchnorm.gradient_check_any(cost_of, parameters, grads)
    assert max(differences.values()) < 1e-7, differences


def test_initialize_is_he_with_batch_norm_parameters():
    parameters, states = P.initialize([64, 64, 32, 10], seed=1)
    assert sorted(parameters) == sorted(["W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"])
    assert parameters["W1"].shape == (64, 64) and parameters["W3"].shape == (10, 32)
    np.testing.assert_allclose(parameters["W1"], deep.initialize_parameters_deep([64, 64, 32, 10], seed=1)["W1"])
    assert np.all(parameters["gamma1"] == 1) and np.all(parameters["beta2"] == 0) and np.all(parameters["b3"] == 0)
    assert len(states) == 2 and states[1]["running_var"].shape == (32, 1)


def test_forward_training_vs_test_mode():
    X, Y, parameters, states = _problem()
    before = _copy_states(states)
    AL, caches = P.forward_propagation(X, parameters, states, 0.5, np.random.default_rng(0), training=True)
    assert AL.shape == (4, 8)
    np.testing.assert_allclose(AL.sum(axis=0), 1.0)
    assert not np.allclose(states[0]["running_mean"], before[0]["running_mean"])      # updated in training
    (A_prev, W), bn_cache, Z_tilde, D = caches[0]
    assert D.dtype == bool and D.shape == (6, 8) and 0 < D.mean() < 1
    np.testing.assert_allclose(caches[1][0][0], deep.relu(Z_tilde) * D / 0.5)         # next layer's input
    after = _copy_states(states)
    AL_test, test_caches = P.forward_propagation(X, parameters, states, training=False)   # no rng needed
    assert all(cache[3] is None for cache in test_caches[:-1])
    for state, old in zip(states, after):                                              # untouched at test time
        np.testing.assert_array_equal(state["running_mean"], old["running_mean"])
    # test mode is the plain network with the running statistics: no mask, no scaling
    A = X
    for l in (1, 2):
        Z = parameters[f"W{l}"] @ A
        Z_hat = (Z - states[l - 1]["running_mean"]) / np.sqrt(states[l - 1]["running_var"] + 1e-5)
        A = deep.relu(parameters[f"gamma{l}"] * Z_hat + parameters[f"beta{l}"])
    np.testing.assert_allclose(AL_test, softmax.softmax(parameters["W3"] @ A + parameters["b3"]))


def test_keep_prob_one_is_no_dropout_and_masks_follow_the_rng():
    X, _, parameters, states = _problem()
    kept, _ = P.forward_propagation(X, parameters, _copy_states(states), 1.0, np.random.default_rng(0))
    other, _ = P.forward_propagation(X, parameters, _copy_states(states), 1.0, np.random.default_rng(9))
    np.testing.assert_allclose(kept, other)
    a, _ = P.forward_propagation(X, parameters, _copy_states(states), 0.6, np.random.default_rng(1))
    b, _ = P.forward_propagation(X, parameters, _copy_states(states), 0.6, np.random.default_rng(1))
    c, _ = P.forward_propagation(X, parameters, _copy_states(states), 0.6, np.random.default_rng(2))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_forward_validates_its_arguments():
    X, _, parameters, states = _problem()
    with pytest.raises(ValueError, match="one per hidden layer"):
        P.forward_propagation(X, parameters, states[:1], training=False)
    with pytest.raises(TypeError, match="rng"):
        P.forward_propagation(X, parameters, states, 0.5, None, training=True)
    with pytest.raises(ValueError, match="keep_prob"):
        P.forward_propagation(X, parameters, states, 1.5, np.random.default_rng(0))


def test_cost_adds_the_l2_penalty_of_the_weights_only():
    X, Y, parameters, states = _problem()
    AL, _ = P.forward_propagation(X, parameters, states, training=False)
    penalty = sum(np.sum(parameters[k] ** 2) for k in ("W1", "W2", "W3"))
    assert P.compute_cost(AL, Y, parameters, 0.0) == pytest.approx(softmax.compute_cost_softmax(AL, Y))
    assert P.compute_cost(AL, Y, parameters, 0.4) == pytest.approx(
        softmax.compute_cost_softmax(AL, Y) + 0.4 / (2 * 8) * penalty)


def test_evaluate_and_predict():
    X, Y, parameters, states = _problem(m=30)
    predictions = P.predict(parameters, states, X)
    assert predictions.shape == (1, 30)
    labels = np.argmax(Y, axis=0).reshape(1, -1)
    accuracy = P.evaluate(parameters, states, X, labels)
    assert isinstance(accuracy, float) and accuracy == pytest.approx(np.mean(predictions == labels))
    assert P.evaluate(parameters, states, X, labels.astype(float)) == accuracy   # the split returns float labels
    assert P.evaluate(parameters, states, X, predictions) == 1.0


def _digits(m=120, seed=0):
    from helpers import data
    X, y, _ = data.load_digits()
    columns = np.random.default_rng(seed).choice(X.shape[1], m, replace=False)
    return X[:, columns], y[:, columns]


def test_model_is_the_documented_loop():
    """model(): per epoch update_lr and random_mini_batches(seed + epoch); per mini-batch forward, cost,
    backward and Adam with t = 1, 2, ..."""
    X, y = _digits(100)
    Y = softmax.one_hot(y, 10)
    dims = [64, 8, 6, 10]
    arguments = dict(learning_rate0=0.02, decay_rate=0.5, lambd=0.3, keep_prob=0.8, num_epochs=3,
                     mini_batch_size=32, seed=4)
    parameters, states, history = P.model(X, Y, dims, dev=(X[:, :20], y[:, :20]), **arguments)
    expected, expected_states = P.initialize(dims, seed=4)
    v, s = optimizers.initialize_adam(expected)
    rng, t, costs = np.random.default_rng(4), 0, []
    for epoch in range(3):
        rate = 0.02 / (1 + 0.5 * epoch)
        batch_costs = []
        for X_batch, Y_batch in optimizers.random_mini_batches(X, Y, 32, seed=4 + epoch):
            AL, caches = P.forward_propagation(X_batch, expected, expected_states, 0.8, rng)
            batch_costs.append(P.compute_cost(AL, Y_batch, expected, 0.3))
            t += 1
            expected, v, s = optimizers.update_parameters_with_adam(
                expected, P.backward_propagation(AL, Y_batch, caches, 0.8, 0.3), v, s, t, rate)
        costs.append(np.mean(batch_costs))
    assert t == 12                                                       # 4 mini-batches (32, 32, 32, 4) x 3
    for key in expected:
        np.testing.assert_allclose(parameters[key], expected[key])
    np.testing.assert_allclose(states[0]["running_var"], expected_states[0]["running_var"])
    np.testing.assert_allclose(history["cost"], costs)
    np.testing.assert_allclose(history["learning_rate"], [0.02, 0.02 / 1.5, 0.01])
    assert len(history["train_accuracy"]) == len(history["dev_accuracy"]) == 3
    assert history["dev_accuracy"][-1] == P.evaluate(parameters, states, X[:, :20], y[:, :20])
    _, _, quiet = P.model(X, Y, dims, **arguments)
    assert quiet["train_accuracy"] == [] and quiet["dev_accuracy"] == []     # no dev: nothing evaluated


def test_model_learns_the_digits():
    X, y = _digits(400, seed=1)
    Y = softmax.one_hot(y, 10)
    parameters, states, history = P.model(X[:, :300], Y[:, :300], [64, 32, 10], learning_rate0=0.01, decay_rate=0.1,
                                          keep_prob=0.9, num_epochs=10, seed=1)
    assert history["cost"][-1] < 0.3 * history["cost"][0]
    assert P.evaluate(parameters, states, X[:, 300:], y[:, 300:]) > 0.85


def test_train_switches():
    X, y = _digits(150, seed=2)
    Y = softmax.one_hot(y, 10)
    dims = [64, 12, 10]
    same = P.train(X, Y, dims, learning_rate0=0.01, keep_prob=0.8, num_epochs=2, seed=3)
    reference = P.model(X, Y, dims, learning_rate0=0.01, keep_prob=0.8, num_epochs=2, seed=3)
    for key in reference[0]:
        np.testing.assert_array_equal(same[0][key], reference[0][key])
    plain, no_states, history = P.train(X, Y, dims, learning_rate0=0.01, num_epochs=2, batch_norm=False,
                                        dev=(X, y))
    assert no_states is None and sorted(plain) == ["W1", "W2", "b1", "b2"] and len(history["dev_accuracy"]) == 2
    gd, _, _ = P.train(X, Y, dims, learning_rate0=0.1, num_epochs=1, optimizer="gd", mini_batch_size=150, seed=5)
    start, states = P.initialize(dims, seed=5)
    AL, caches = P.forward_propagation(X[:, np.random.default_rng(5).permutation(150)], start, states, 1.0,
                                       np.random.default_rng(5))
    Y_shuffled = Y[:, np.random.default_rng(5).permutation(150)]
    grads = P.backward_propagation(AL, Y_shuffled, caches)
    for key in start:                                                    # one plain gradient step
        np.testing.assert_allclose(gd[key], start[key] - 0.1 * grads["d" + key])
    with pytest.raises(ValueError, match="optimizer"):
        P.train(X, Y, dims, optimizer="sgd")


def test_plain_network_gradients():
    X, Y, _, _ = _problem(m=7)
    parameters = batchnorm.initialize_parameters_plain(DIMS, seed=3)
    for key in parameters:
        if key.startswith("b"):
            parameters[key] = parameters[key] + 0.1

    def cost_of(p):
        AL, _ = P._forward_plain(X, p, None, 0.7, np.random.default_rng(2))
        return P.compute_cost(AL, Y, p, 0.2)

    AL, caches = P._forward_plain(X, parameters, None, 0.7, np.random.default_rng(2))
    grads = P._backward_plain(AL, Y, caches, 0.7, 0.2)
    assert max(batchnorm.gradient_check_any(cost_of, parameters, grads).values()) < 1e-7


def test_make_train_eval_scores_on_the_dev_set():
    X, y = _digits(160, seed=3)
    Y = softmax.one_hot(y, 10)
    train_eval = P.make_train_eval(X[:, :120], Y[:, :120], X[:, 120:], y[:, 120:], [64, 10, 10], num_epochs=2,
                                   keep_prob=0.8, decay_rate=0.1)
    score = train_eval({"learning_rate": 0.01, "lambd": 0.5})
    parameters, states, _ = P.model(X[:, :120], Y[:, :120], [64, 10, 10], learning_rate0=0.01, lambd=0.5,
                                    keep_prob=0.8, decay_rate=0.1, num_epochs=2)
    assert score == P.evaluate(parameters, states, X[:, 120:], y[:, 120:])
