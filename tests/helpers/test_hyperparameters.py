"""The reference implementation of notebook 07 (helpers.hyperparameters): right distributions,
complete and reproducible searches, the training task, clear errors."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from helpers import data, deep
from helpers import hyperparameters as hp


# --- sampling ----------------------------------------------------------------------------------------

def test_log_uniform_puts_the_same_share_in_every_decade():
    samples = hp.sample_log_uniform(1e-4, 1.0, 40000, np.random.default_rng(0))
    assert samples.shape == (40000,) and samples.min() >= 1e-4 and samples.max() <= 1.0
    shares = np.histogram(np.log10(samples), bins=[-4, -3, -2, -1, 0])[0] / samples.size
    np.testing.assert_allclose(shares, 0.25, atol=0.01)
    linear = np.random.default_rng(0).uniform(1e-4, 1.0, 40000)
    assert np.mean(linear >= 0.1) > 0.89                      # the linear scale: 90% in the top decade


def test_log_uniform_draws_from_its_rng_only():
    a = hp.sample_log_uniform(1e-3, 10, (2, 3), np.random.default_rng(5))
    b = hp.sample_log_uniform(1e-3, 10, (2, 3), np.random.default_rng(5))
    assert a.shape == (2, 3) and np.array_equal(a, b)
    expected = 10 ** np.random.default_rng(5).uniform(-3, 1, (2, 3))
    np.testing.assert_allclose(a, expected, rtol=1e-12)
    one = hp.sample_log_uniform(1e-3, 10, None, np.random.default_rng(5))
    assert isinstance(one, float) and one == pytest.approx(expected.flat[0])


@pytest.mark.parametrize("low, high", [(0, 1), (-1, 1), (1, 1), (2, 1)])
def test_log_uniform_rejects_bad_bounds(low, high):
    with pytest.raises(ValueError):
        hp.sample_log_uniform(low, high, 3, np.random.default_rng(0))


def test_log_uniform_refuses_the_global_state():
    with pytest.raises(TypeError, match="Generator"):
        hp.sample_log_uniform(1e-3, 1, 3, np.random)


def test_beta_samples_one_minus_beta_on_a_log_scale():
    betas = hp.sample_beta(0.9, 0.999, 40000, np.random.default_rng(1))
    assert betas.min() >= 0.9 and betas.max() <= 0.999
    assert np.mean(betas >= 0.99) == pytest.approx(0.5, abs=0.01)           # half the samples in [0.99, 0.999]
    np.testing.assert_allclose(betas[:5], 1 - hp.sample_log_uniform(0.001, 0.1, 5, np.random.default_rng(1)))
    with pytest.raises(ValueError):
        hp.sample_beta(0.9, 1.0, 3, np.random.default_rng(0))


# --- searches ---------------------------------------------------------------------------------------

def _score(config):
    return -(np.log10(config["learning_rate"]) + 2) ** 2 + 0.001 * config.get("n_h", 0)


def test_grid_search_covers_the_product_in_order():
    calls = []

    def train_eval(config):
        calls.append(dict(config))
        return _score(config)

    grid = {"learning_rate": [1e-3, 1e-2, 1e-1], "n_h": [4, 8]}
    results = hp.grid_search(train_eval, grid)
    expected = [dict(zip(grid, v)) for v in itertools.product(*grid.values())]
    assert [config for config, _ in results] == expected == calls
    assert [score for _, score in results] == [_score(c) for c in expected]
    assert len({id(config) for config, _ in results}) == 6               # a new dict per configuration
    assert hp.best_config(results) == ({"learning_rate": 1e-2, "n_h": 8}, _score({"learning_rate": 1e-2, "n_h": 8}))
    assert hp.distinct_values(results, "learning_rate") == 3


def test_grid_search_is_not_fooled_by_a_train_eval_that_modifies_config():
    def train_eval(config):
        config["learning_rate"] = 0
        return 1.0

    results = hp.grid_search(train_eval, {"learning_rate": [1, 2]})
    assert [config["learning_rate"] for config, _ in results] == [1, 2]


def test_random_search_is_reproducible_and_draws_trial_by_trial():
    space = {"learning_rate": lambda rng: hp.sample_log_uniform(1e-4, 1, None, rng),
             "n_h": lambda rng: int(rng.integers(4, 65))}
    results = hp.random_search(_score, space, 10, np.random.default_rng(3))
    again = hp.random_search(_score, space, 10, np.random.default_rng(3))
    assert results == again and len(results) == 10
    rng = np.random.default_rng(3)
    first = {"learning_rate": 10 ** rng.uniform(-4, 0), "n_h": int(rng.integers(4, 65))}
    assert results[0][0] == pytest.approx(first)
    assert hp.distinct_values(results, "learning_rate") == 10


def test_searches_reject_bad_arguments():
    with pytest.raises(TypeError):
        hp.grid_search(_score, [1, 2])
    with pytest.raises(ValueError):
        hp.grid_search(_score, {"learning_rate": []})
    with pytest.raises(TypeError):
        hp.random_search(_score, {"learning_rate": 0.1}, 3, np.random.default_rng(0))
    with pytest.raises(TypeError):
        hp.random_search(_score, {"learning_rate": lambda rng: 0.1}, 3, 0)
    with pytest.raises(ValueError):
        hp.best_config([])


def test_best_config_keeps_the_first_of_ties():
    results = [({"a": 1}, 0.5), ({"a": 2}, 0.9), ({"a": 3}, 0.9), ({"a": 4}, 0.1)]
    assert hp.best_config(results) == ({"a": 2}, 0.9)


def test_zoom_brackets_the_best_values_on_a_log_scale():
    results = [({"learning_rate": lr}, score) for lr, score in [(1e-4, 0.6), (0.02, 0.95), (0.05, 0.96),
                                                                (0.5, 0.5), (0.01, 0.94)]]
    low, high = hp.zoom(results, "learning_rate", top=3, margin=2)
    assert low == pytest.approx(0.005) and high == pytest.approx(0.1)


# --- the training task -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def task():
    X, Y = data.load_digits_binary(positive=(0, 2, 4, 6, 8), negative=(1, 3, 5, 7, 9))
    X_train, Y_train, X_dev, Y_dev, _, _ = data.train_dev_test_split(X, Y, fractions=(0.6, 0.2, 0.2), seed=0)
    return X_train[:, :300], Y_train[:, :300], X_dev, Y_dev


def test_adam_first_step_moves_every_weight_by_about_the_learning_rate(task):
    X, Y, _, _ = task
    start = deep.initialize_parameters_deep([64, 8, 1], seed=2)
    after = hp.train_adam(X, Y, [64, 8, 1], learning_rate=0.01, num_iterations=1, seed=2)
    AL, caches = deep.L_model_forward(X, start)
    grads = deep.L_model_backward(AL, Y, caches)
    for key in start:                       # t = 1: v_hat = g, s_hat = g^2, step = lr * g / (|g| + eps)
        step = start[key] - after[key]
        g = grads["d" + key]
        np.testing.assert_allclose(step, 0.01 * g / (np.abs(g) + 1e-8), rtol=1e-6, atol=1e-12)


def test_learning_rate_matters_and_epsilon_hardly(task):
    train_eval = hp.make_train_eval(*task, layer_dims=[64, 8, 1], num_iterations=60)
    slow = train_eval({"learning_rate": 1e-4})
    good = train_eval({"learning_rate": 0.02})
    assert good > slow + 0.1
    assert abs(train_eval({"learning_rate": 0.02, "epsilon": 1e-5}) - good) < 0.02


def test_a_diverging_run_is_quiet_and_scores_badly(task):
    train_eval = hp.make_train_eval(*task, layer_dims=[64, 8, 1], num_iterations=60)
    with np.errstate(all="raise"):          # no warning escapes
        score = train_eval({"learning_rate": 5.0})
    assert score < 0.8
