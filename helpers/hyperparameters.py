"""Reference implementation of notebook 07: choosing hyper-parameters (slides 7, 27-29).

    sample_log_uniform(low, high, size, rng)   values whose log10 is uniform on [log10 low, log10 high]
    sample_beta(low, high, size, rng)          betas in [low, high] whose 1 - beta is log-uniform
    grid_search(train_eval, grid)              every combination of the listed values
    random_search(train_eval, space, n_trials, rng)   n_trials configurations drawn at random

A search returns a list of (config, score) pairs, one per training, in the order they were run;
config is a dict {hyper-parameter name: value} and score is what train_eval(config) returned
(higher is better, e.g. a dev-set accuracy).

The training task of the notebook (a small network from helpers.deep trained by Adam on a subset
of the digits) is here too, so that the tests can re-run it.
"""
from __future__ import annotations

import itertools
import math
import numbers

import numpy as np

from . import deep, optimizers
from .validation import as_labels, as_matrix, positive_int


# --- sampling on the right scale ----------------------------------------------------------------

def _positive_range(low, high, what: str):
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
            raise ValueError(f"{name} must be a positive number ({what}), got {value!r}.")
    if not low < high:
        raise ValueError(f"low must be smaller than high, got low={low}, high={high}.")
    return float(low), float(high)


def _generator(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, np.random.default_rng(seed), got {type(rng).__name__}.")
    return rng


def sample_log_uniform(low, high, size=None, rng=None):
    """10 ** rng.uniform(log10(low), log10(high), size): every decade of [low, high] is equally likely.

    size: None for one float, an int or a shape for an array.
    """
    low, high = _positive_range(low, high, "a log scale needs positive bounds")
    rng = _generator(rng)
    exponents = rng.uniform(np.log10(low), np.log10(high), size)
    return 10.0 ** exponents if size is not None else float(10.0 ** exponents)


def sample_beta(low, high, size=None, rng=None):
    """Averaging coefficients beta in [low, high] (e.g. momentum, 0.9 to 0.999) sampled so that 1 - beta
    is log-uniform: 1 - sample_log_uniform(1 - high, 1 - low, size, rng)."""
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
            raise ValueError(f"{name} must be in [0, 1) (an averaging coefficient beta), got {value!r}.")
    if not low < high:
        raise ValueError(f"low must be smaller than high, got low={low}, high={high}.")
    return 1.0 - sample_log_uniform(1.0 - high, 1.0 - low, size, rng)


# --- searches ---------------------------------------------------------------------------------------

def _callable(train_eval):
    if not callable(train_eval):
        raise TypeError("train_eval must be a function config -> score.")
    return train_eval


def grid_search(train_eval, grid: dict) -> list:
    """Train once per combination of the values in grid ({name: [values]}), in itertools.product order
    (the last name varies fastest). Returns [(config, score), ...]."""
    train_eval = _callable(train_eval)
    if not isinstance(grid, dict) or not grid:
        raise TypeError("grid must be a non-empty dict {hyper-parameter name: list of values}.")
    names = list(grid)
    for name in names:
        if isinstance(grid[name], (str, bytes)) or not hasattr(grid[name], "__len__") or len(grid[name]) == 0:
            raise ValueError(f"grid[{name!r}] must be a non-empty list of values.")
    results = []
    for values in itertools.product(*(grid[name] for name in names)):
        config = dict(zip(names, values))
        results.append((config, train_eval(dict(config))))
    return results


def random_search(train_eval, space: dict, n_trials: int, rng) -> list:
    """n_trials trainings; for each, config = {name: sampler(rng) for name, sampler in space.items()},
    drawn trial by trial in the order of space. Returns [(config, score), ...]."""
    train_eval = _callable(train_eval)
    if not isinstance(space, dict) or not space or not all(callable(s) for s in space.values()):
        raise TypeError("space must be a non-empty dict {hyper-parameter name: sampler}, each sampler a "
                        "function rng -> value.")
    n_trials = positive_int(n_trials, "n_trials")
    rng = _generator(rng)
    results = []
    for _ in range(n_trials):
        config = {name: sampler(rng) for name, sampler in space.items()}
        results.append((config, train_eval(dict(config))))
    return results


def _results(results):
    if not isinstance(results, (list, tuple)) or not results:
        raise ValueError("results must be a non-empty list of (config, score) pairs.")
    return results


def best_config(results) -> tuple:
    """The (config, score) pair with the highest score (the first one on ties)."""
    results = _results(results)
    best = 0
    for i, (_, score) in enumerate(results):
        if score > results[best][1]:
            best = i
    return results[best]


def successive_halving(train_eval, configs, min_budget: int, rounds: int) -> list:
    """Notebook 07's challenge. Round r = 0, 1, ..., rounds - 1 trains every surviving config with the budget
    min_budget * 2**r (train_eval(config, budget) -> score, higher is better); after each round but the last
    the ceil(n / 2) best survive, ranked by score (the earlier one on ties). Returns [(config, budget, score),
    ...] for every training, in the order they ran; the winner is the best of the last round."""
    _callable(train_eval)
    survivors = list(configs)
    if not survivors:
        raise ValueError("configs must hold at least one configuration.")
    min_budget, rounds = positive_int(min_budget, "min_budget"), positive_int(rounds, "rounds")
    results = []
    for r in range(rounds):
        budget = min_budget * 2 ** r
        scored = [(config, budget, train_eval(config, budget)) for config in survivors]
        results.extend(scored)
        ranked = sorted(range(len(scored)), key=lambda i: -scored[i][2])      # stable: earlier first on ties
        survivors = [scored[i][0] for i in ranked[:math.ceil(len(scored) / 2)]]
    return results


def distinct_values(results, name: str) -> int:
    """How many different values of the hyper-parameter `name` the search tried."""
    return len({config[name] for config, _ in _results(results)})


def zoom(results, name: str, top: int = 3, margin: float = 1.5):
    """Coarse to fine: the range of `name` among the `top` best results, widened by the factor `margin`
    on a log scale (low / margin, high * margin). Returns (low, high)."""
    ranked = sorted(_results(results), key=lambda pair: -pair[1])[:positive_int(top, "top")]
    values = [config[name] for config, _ in ranked]
    return min(values) / margin, max(values) * margin


# --- the training task of notebook 07 ---------------------------------------------------------------

def train_adam(X, Y, layer_dims, learning_rate: float, epsilon: float = 1e-8, num_iterations: int = 100,
               beta1: float = 0.9, beta2: float = 0.999, seed: int = 1) -> dict:
    """Batch Adam on helpers.deep's network (ReLU hidden layers, sigmoid output), from He initialisation.

    v = beta1 v + (1 - beta1) dW, s = beta2 s + (1 - beta2) dW**2, both bias-corrected with the 1-based step t;
    W -= learning_rate * v_hat / (sqrt(s_hat) + epsilon). A diverging run (overflow, NaN) is finished
    quietly: its predictions are then meaningless, and its score shows it. Returns the parameters.
    """
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_labels(Y, "Y", m=X.shape[1])
    parameters = deep.initialize_parameters_deep(layer_dims, seed=seed)
    v, s = optimizers.initialize_adam(parameters)
    with np.errstate(all="ignore"):
        for t in range(1, positive_int(num_iterations, "num_iterations") + 1):
            AL, caches = deep.L_model_forward(X, parameters)
            grads = deep.L_model_backward(AL, Y, caches)
            optimizers.update_parameters_with_adam_inplace(parameters, grads, v, s, t, learning_rate, beta1, beta2,
                                                           epsilon)
    return parameters


def accuracy(parameters: dict, X, Y) -> float:
    """Share of examples whose prediction (AL > 0.5) equals the label; a diverged network (NaN) scores as it predicts."""
    with np.errstate(all="ignore"):
        return float(np.mean(deep.predict(parameters, X) == Y))


def make_train_eval(X_train, Y_train, X_dev, Y_dev, layer_dims, num_iterations: int = 100, seed: int = 1):
    """A function config -> dev accuracy: trains train_adam with config["learning_rate"] and
    config.get("epsilon", 1e-8) on the training set, scores it on the dev set."""
    def train_eval(config):
        parameters = train_adam(X_train, Y_train, layer_dims, config["learning_rate"],
                                config.get("epsilon", 1e-8), num_iterations, seed=seed)
        return accuracy(parameters, X_dev, Y_dev)
    return train_eval
