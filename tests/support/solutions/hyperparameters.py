"""Notebook 07, written as a student would from the notebook's formulas."""
import itertools
import math

import numpy as np


def sample_log_uniform(low, high, size, rng):
    r = rng.uniform(math.log10(low), math.log10(high), size)
    return np.power(10.0, r) if size is not None else 10.0 ** r


def sample_beta(low, high, size, rng):
    return 1 - sample_log_uniform(1 - high, 1 - low, size, rng)


def grid_search(train_eval, grid):
    names = list(grid.keys())
    results = []
    for values in itertools.product(*[grid[name] for name in names]):
        config = {name: value for name, value in zip(names, values)}
        score = train_eval(config)
        results.append((config, score))
    return results


def random_search(train_eval, space, n_trials, rng):
    results = []
    for _ in range(n_trials):
        config = {}
        for name, sampler in space.items():
            config[name] = sampler(rng)
        results.append((config, train_eval(config)))
    return results


def best_config(results):
    best = results[0]
    for config, score in results[1:]:
        if score > best[1]:
            best = (config, score)
    return best


def successive_halving(train_eval, configs, min_budget, rounds):
    survivors = list(configs)
    results = []
    for r in range(rounds):
        budget = min_budget * 2 ** r
        scored = []
        for config in survivors:
            score = train_eval(config, budget)
            results.append((config, budget, score))
            scored.append((score, len(scored), config))
        scored.sort(key=lambda item: (-item[0], item[1]))
        survivors = [config for _, _, config in scored[:math.ceil(len(scored) / 2)]]
    return results


SOLUTIONS = {name: function for name, function in globals().items()
             if callable(function) and getattr(function, "__module__", "") == __name__}
