"""The reference implementation of notebook 06 (helpers.optimizers): right updates, mini-batches that
keep X and Y together, the optimizers' known behaviour on simple functions, and clear errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import data, deep
from helpers import optimizers as opt


def _parameters(seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1)),
            "W2": rng.standard_normal((1, 3)), "b2": rng.standard_normal((1, 1))}


def _grads(parameters, seed=1):
    rng = np.random.default_rng(seed)
    return {"d" + k: rng.standard_normal(v.shape) for k, v in parameters.items()}


# --- mini-batches ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("m, size", [(148, 32), (128, 32), (10, 64), (1, 1)])
def test_mini_batches_cover_every_example_once_with_x_and_y_together(m, size):
    X = np.vstack([np.arange(m, dtype=float), -np.arange(m, dtype=float)])
    Y = (np.arange(m) % 2).astype(float)[None, :]
    batches = opt.random_mini_batches(X, Y, size, seed=3)
    assert len(batches) == math.ceil(m / size)
    assert [b[0].shape[1] for b in batches[:-1]] == [size] * (len(batches) - 1)
    assert batches[-1][0].shape[1] == (m % size or size)
    seen = np.concatenate([b[0][0] for b in batches])
    assert sorted(seen.tolist()) == list(range(m))
    for X_b, Y_b in batches:
        np.testing.assert_array_equal(Y_b[0], X_b[0] % 2)                     # labels travel with their examples
    permutation = np.random.default_rng(3).permutation(m)
    np.testing.assert_array_equal(seen, permutation)                        # one documented permutation


def test_mini_batches_are_seeded_and_validate():
    X, Y = np.arange(20.0).reshape(1, 20), np.zeros((1, 20))
    a = opt.random_mini_batches(X, Y, 8, seed=1)
    b = opt.random_mini_batches(X, Y, 8, seed=1)
    assert all(np.array_equal(x[0], y[0]) for x, y in zip(a, b))
    assert not np.array_equal(opt.random_mini_batches(X, Y, 8, seed=2)[0][0], a[0][0])
    with pytest.raises(ValueError, match="columns"):
        opt.random_mini_batches(X, np.zeros((1, 19)))
    with pytest.raises(ValueError, match="positive"):
        opt.random_mini_batches(X, Y, 0)


# --- momentum, RMSprop, Adam -------------------------------------------------------------------------------------

def test_initialisations_are_zeros_with_gradient_keys():
    parameters = _parameters()
    for moments in (opt.initialize_velocity(parameters), opt.initialize_rmsprop(parameters), *opt.initialize_adam(parameters)):
        assert sorted(moments) == ["dW1", "dW2", "db1", "db2"]
        for key, value in moments.items():
            assert value.shape == parameters[key[1:]].shape and not value.any()
    v, s = opt.initialize_adam(parameters)
    assert v is not s and not np.shares_memory(v["dW1"], s["dW1"])


def test_momentum_is_an_average_of_gradients():
    parameters, grads = _parameters(), _grads(_parameters())
    v = opt.initialize_velocity(parameters)
    new, v1 = opt.update_parameters_with_momentum(parameters, grads, v, beta=0.9, learning_rate=0.5)
    np.testing.assert_allclose(v1["dW1"], 0.1 * grads["dW1"])
    np.testing.assert_allclose(new["b2"], parameters["b2"] - 0.5 * 0.1 * grads["db2"])
    # with a constant gradient, v tends to the gradient itself: the step tends to plain GD's
    for _ in range(200):
        _, v = opt.update_parameters_with_momentum(parameters, grads, v, beta=0.9, learning_rate=0.5)
    np.testing.assert_allclose(v["dW2"], grads["dW2"])
    assert not np.array_equal(parameters["W1"], new["W1"])                  # inputs not modified, new dicts


def test_rmsprop_normalises_each_coordinate():
    parameters = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}
    grads = {"dW1": np.array([[100.0, 0.01]]), "db1": np.zeros((1, 1))}
    s = opt.initialize_rmsprop(parameters)
    new, s = opt.update_parameters_with_rmsprop(parameters, grads, s, beta2=0.9, learning_rate=0.1, epsilon=1e-8)
    np.testing.assert_allclose(s["dW1"], 0.1 * grads["dW1"] ** 2)
    # both coordinates move by the same amount, learning_rate / sqrt(1 - beta2), whatever the gradient's size
    np.testing.assert_allclose(new["W1"], -0.1 / np.sqrt(0.1) * np.ones((1, 2)), rtol=1e-5)
    np.testing.assert_array_equal(new["b1"], 0.0)


def test_adam_bias_correction_makes_the_first_step_the_learning_rate():
    parameters = {"W1": np.zeros((1, 3)), "b1": np.zeros((1, 1))}
    grads = {"dW1": np.array([[5.0, -0.001, 2.0]]), "db1": np.zeros((1, 1))}
    v, s = opt.initialize_adam(parameters)
    new, v, s = opt.update_parameters_with_adam(parameters, grads, v, s, t=1, learning_rate=0.01)
    np.testing.assert_allclose(new["W1"], [[-0.01, 0.01, -0.01]], rtol=1e-4)       # -lr * sign(dW)
    np.testing.assert_allclose(v["dW1"], 0.1 * grads["dW1"])                         # raw moments returned
    np.testing.assert_allclose(s["dW1"], 0.001 * grads["dW1"] ** 2)
    with pytest.raises(ValueError, match="1 for the first update"):
        opt.update_parameters_with_adam(parameters, grads, v, s, t=0)


def test_adam_equals_a_direct_formula_at_step_three():
    parameters, grads = _parameters(), _grads(_parameters())
    rng = np.random.default_rng(5)
    v = {k: rng.standard_normal(g.shape) for k, g in grads.items()}
    s = {k: rng.uniform(0.1, 1, g.shape) for k, g in grads.items()}
    new, v3, s3 = opt.update_parameters_with_adam(parameters, grads, v, s, 3, 0.02, 0.8, 0.99, 1e-6)
    for key in parameters:
        d = "d" + key
        vv = 0.8 * v[d] + 0.2 * grads[d]
        ss = 0.99 * s[d] + 0.01 * grads[d] ** 2
        expected = parameters[key] - 0.02 * (vv / (1 - 0.8 ** 3)) / (np.sqrt(ss / (1 - 0.99 ** 3)) + 1e-6)
        np.testing.assert_allclose(new[key], expected)
        np.testing.assert_allclose(v3[d], vv)
        np.testing.assert_allclose(s3[d], ss)


def test_updates_validate_their_inputs():
    parameters, grads = _parameters(), _grads(_parameters())
    v = opt.initialize_velocity(parameters)
    with pytest.raises(KeyError, match="dW2"):
        opt.update_parameters_with_momentum(parameters, {"dW1": grads["dW1"]}, v, 0.9, 0.1)
    with pytest.raises(ValueError, match="beta"):
        opt.update_parameters_with_momentum(parameters, grads, v, 1.5, 0.1)
    with pytest.raises(TypeError, match="parameters"):
        opt.initialize_velocity([])


@pytest.mark.parametrize("name, extra", [("momentum", (0.8, 0.05)), ("rmsprop", (0.99, 0.05, 1e-6)),
                                         ("adam", (3, 0.02, 0.8, 0.99, 1e-6))])
def test_inplace_twins_update_the_same_arrays_to_the_returned_values(name, extra):
    """update_parameters_with_X_inplace gives the numbers of update_parameters_with_X, in the arrays it was given;
    update_parameters_with_X leaves its arguments unchanged."""
    parameters, grads = _parameters(), _grads(_parameters())
    rng = np.random.default_rng(7)
    moments = [{k: rng.uniform(0.1, 1, g.shape) for k, g in grads.items()} for _ in range(2 if name == "adam" else 1)]
    before = [{k: v.copy() for k, v in d.items()} for d in (parameters, *moments)]
    returning = getattr(opt, f"update_parameters_with_{name}")(parameters, grads, *moments, *extra)
    for original, copy in zip((parameters, *moments), before):
        assert all(np.array_equal(original[k], copy[k]) for k in copy)          # arguments unchanged
    arrays = [dict(d) for d in (parameters, *moments)]
    inplace = getattr(opt, f"update_parameters_with_{name}_inplace")(parameters, grads, *moments, *extra)
    for updated, given, expected in zip(inplace, (parameters, *moments), returning):
        assert updated is given                                                 # the same dicts ...
        for key in expected:
            np.testing.assert_array_equal(updated[key], expected[key])          # ... with the returned numbers
    for d, d_arrays in zip((parameters, *moments), arrays):
        assert all(d[k] is d_arrays[k] for k in d)                              # ... in the same arrays


def test_inplace_updates_refuse_what_they_cannot_update_in_place():
    parameters, grads = _parameters(), _grads(_parameters())
    v, s = opt.initialize_adam(parameters)
    with pytest.raises(TypeError, match="float64"):
        opt.update_parameters_with_adam_inplace({**parameters, "W1": parameters["W1"].tolist()}, grads, v, s, 1)
    with pytest.raises(TypeError, match=r"s\['dW2'\]"):
        opt.update_parameters_with_adam_inplace(parameters, grads, v, {**s, "dW2": np.zeros((3, 1))}, 1)
    with pytest.raises(ValueError, match=r"grads\['db1'\]"):
        opt.update_parameters_with_momentum_inplace(parameters, {**grads, "db1": np.zeros(3)}, v, 0.9, 0.1)
    with pytest.raises(KeyError, match="dW2"):
        opt.update_parameters_with_rmsprop_inplace(parameters, {"dW1": grads["dW1"]}, s, 0.9, 0.1)


def test_mini_batches_lie_contiguously_in_memory():
    X, Y = np.arange(40.0).reshape(4, 10), np.arange(10.0)[None, :]
    for X_batch, Y_batch in opt.random_mini_batches(X, Y, 4, seed=0):
        assert X_batch.flags.f_contiguous and Y_batch.flags.f_contiguous


# --- learning-rate decay ------------------------------------------------------------------------------------------

def test_learning_rate_decay_formulas():
    assert opt.update_lr(0.5, 0, 0.3) == 0.5
    assert opt.update_lr(0.5, 10, 0.3) == pytest.approx(0.5 / 4)
    assert opt.schedule_lr_decay(0.5, 999, 0.3) == 0.5
    assert opt.schedule_lr_decay(0.5, 2700, 0.3) == pytest.approx(0.5 / 1.6)
    assert opt.schedule_lr_decay(0.1, 47, 1.0, time_interval=10) == pytest.approx(0.1 / 5)
    assert isinstance(opt.update_lr(1, 1, 1), float) and isinstance(opt.schedule_lr_decay(1, 1, 1), float)


# --- the optimizers on two-dimensional functions --------------------------------------------------------------------

def test_test_functions_and_their_gradients():
    for f, gradient, point in ((opt.elongated_bowl, opt.elongated_bowl_gradient, (1.3, -0.7)),
                               (opt.rosenbrock, opt.rosenbrock_gradient, (-0.4, 0.9))):
        eps = 1e-6
        numeric = [(f(point[0] + eps, point[1]) - f(point[0] - eps, point[1])) / (2 * eps),
                   (f(point[0], point[1] + eps) - f(point[0], point[1] - eps)) / (2 * eps)]
        np.testing.assert_allclose(gradient(*point), numeric, rtol=1e-6)
    assert opt.rosenbrock(1.0, 1.0) == 0 and opt.elongated_bowl(0.0, 0.0) == 0


def test_gradient_descent_on_the_bowl_follows_the_theory():
    """Along y (curvature b) gradient descent multiplies y by 1 - learning_rate * b each step."""
    path = opt.optimizer_path(opt.elongated_bowl_gradient, (-9.0, 2.0), 10, "gd", learning_rate=0.9)
    np.testing.assert_allclose(path[:, 1], 2.0 * (1 - 0.9 * 2.0) ** np.arange(11))
    np.testing.assert_allclose(path[:, 0], -9.0 * (1 - 0.9 * 0.05) ** np.arange(11))
    assert opt.direction_reversals(path[:, 1]) == 9
    diverging = opt.optimizer_path(opt.elongated_bowl_gradient, (-9.0, 2.0), 30, "gd", learning_rate=1.05)
    np.testing.assert_allclose(np.abs(diverging[:, 1]), 2.0 * 1.1 ** np.arange(31))   # |1 - 1.05 * 2| > 1: diverges


def test_momentum_path_and_noise_and_decay_options():
    gd = opt.optimizer_path(opt.elongated_bowl_gradient, (-9.0, 2.0), 60, "gd", learning_rate=0.9)
    momentum = opt.optimizer_path(opt.elongated_bowl_gradient, (-9.0, 2.0), 60, "momentum", learning_rate=0.9,
                                   updates=opt.reference_updates())
    assert opt.direction_reversals(momentum[:, 1]) < opt.direction_reversals(gd[:, 1]) / 3
    noisy = opt.optimizer_path(opt.elongated_bowl_gradient, (1.0, 1.0), 50, "momentum", noise=1.0, seed=4,
                               updates=opt.reference_updates())
    again = opt.optimizer_path(opt.elongated_bowl_gradient, (1.0, 1.0), 50, "momentum", noise=1.0, seed=4,
                               updates=opt.reference_updates())
    np.testing.assert_array_equal(noisy, again)
    decayed = opt.optimizer_path(opt.elongated_bowl_gradient, (1.0, 1.0), 5, "gd", learning_rate=1.0,
                                 decay=lambda t: 0.0)
    np.testing.assert_array_equal(decayed[-1], [1.0, 1.0])
    with pytest.raises(ValueError, match="optimizer"):
        opt.optimizer_path(opt.rosenbrock_gradient, (0, 0), 3, "sgd")
    with pytest.raises(ValueError, match=r"pass the update function of 'adam': updates=\{'adam'"):
        opt.optimizer_path(opt.rosenbrock_gradient, (0, 0), 3, "adam")     # the notebook passes its own
    assert opt.direction_reversals([0, 1, 0, 1]) == 2 and opt.direction_reversals([0, 1, 2]) == 0


# --- training a network ---------------------------------------------------------------------------------------------

def test_forward_backward_equals_helpers_deep_and_stays_finite_when_saturated():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((2, 7)), np.array([[0.0, 1, 1, 0, 1, 0, 1]])
    parameters = deep.initialize_parameters_deep([2, 4, 3, 1], seed=0)
    cost, grads = opt.forward_backward(X, Y, parameters)
    AL, caches = deep.L_model_forward(X, parameters)
    assert cost == pytest.approx(deep.compute_cost(AL, Y))
    expected = deep.L_model_backward(AL, Y, caches)
    for key in grads:
        np.testing.assert_allclose(grads[key], expected[key], atol=1e-12)
    parameters["b3"] = np.array([[60.0]])                                         # sigmoid(60) rounds to 1.0
    with np.errstate(all="raise"):
        cost, grads = opt.forward_backward(X, Y, parameters)
    assert np.isfinite(cost) and all(np.all(np.isfinite(g)) for g in grads.values())


@pytest.mark.parametrize("optimizer", opt.OPTIMIZERS)
def test_training_with_each_optimizer_reduces_the_cost(optimizer):
    X, Y = data.load_moons(m=100, noise=0.2, seed=0)
    rate = {"gd": 0.3, "momentum": 0.3, "rmsprop": 0.01, "adam": 0.01}[optimizer]
    _, history = opt.train(X, Y, [2, 8, 1], optimizer, learning_rate=rate, mini_batch_size=32, num_epochs=20)
    assert len(history["epoch_cost"]) == 21 and len(history["cost"]) == 20 * 4
    assert history["epoch_cost"][-1] < 0.8 * history["epoch_cost"][0]


def test_training_with_decay_records_the_learning_rates():
    X, Y = data.load_moons(m=64, noise=0.2, seed=0)
    _, history = opt.train(X, Y, [2, 4, 1], "gd", learning_rate=0.5, num_epochs=5,
                           decay=lambda epoch: opt.update_lr(0.5, epoch, 1.0))
    assert history["learning_rate"] == pytest.approx([0.5 / (1 + e) for e in range(5)])
    with pytest.raises(ValueError, match="optimizer"):
        opt.train(X, Y, [2, 4, 1], "nesterov")
