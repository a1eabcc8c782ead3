"""The checks of notebook 07: the right answer passes, and each typical mistake fails with a
message that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from helpers import hyperparameters as ref
from helpers.checks import ExerciseFailure
from mistakes import assert_named_mistake
from helpers.checks import hyperparameters as checks
from notebook_runner import hidden_check_calls


# The checks refuse helpers' own functions, so the "student" answers are defined here.
def sample_log_uniform(low, high, size, rng):
    r = rng.uniform(np.log10(low), np.log10(high), size)
    return 10 ** r


def sample_beta(low, high, size, rng):
    return 1 - sample_log_uniform(1 - high, 1 - low, size, rng)


def grid_search(train_eval, grid):
    results = []
    for values in itertools.product(*grid.values()):
        config = dict(zip(grid, values))
        results.append((config, train_eval(config)))
    return results


def random_search(train_eval, space, n_trials, rng):
    results = []
    for _ in range(n_trials):
        config = {name: sampler(rng) for name, sampler in space.items()}
        results.append((config, train_eval(config)))
    return results


def best_config(results):
    return max(results, key=lambda pair: pair[1])


CORRECT = [
    (checks.check_sample_log_uniform, sample_log_uniform), (checks.check_sample_beta, sample_beta),
    (checks.check_grid_search, grid_search), (checks.check_random_search, random_search),
    (checks.check_best_config, best_config),
]
IDS = [check.__name__ for check, _ in CORRECT]

# The arguments the notebook's hidden tests use (keep in sync with /tmp/nbsrc/07.cells), plus a few more.
HIDDEN_SIZES = {
    "check_sample_log_uniform": [dict(low=1e-8, high=1e-4, size=(2, 3), seed=21), dict(low=0.5, high=50.0, size=None, seed=3),
                                 dict(low=1e-3, high=1e-2, size=1, seed=0)],
    "check_sample_beta": [dict(low=0.99, high=0.9999, size=7, seed=22), dict(low=0.5, high=0.9, size=None, seed=4),
                          dict(low=0.0, high=0.9, size=(3, 2), seed=1), dict(low=0.5, high=0.99, size=(3, 2), seed=1)],
    "check_grid_search": [dict(grid={"learning_rate": [0.3, 0.03], "n_h": [2, 4, 8], "epsilon": [1e-8, 1e-6]}),
                          dict(grid={"learning_rate": [0.1, 0.01, 0.001, 0.0001]}),
                          dict(grid={"n_h": [16], "learning_rate": [0.5, 0.05]})],
    "check_random_search": [dict(n_trials=12, space="three", seed=23), dict(n_trials=1, space="one", seed=5),
                            dict(n_trials=3, space="two", seed=0)],
    "check_best_config": [dict(n=11, seed=24), dict(n=1, seed=6), dict(n=3, seed=0)],
}


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass(check, answer, capsys):
    check(answer)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass_on_hidden_style_sizes(check, answer):
    for sizes in HIDDEN_SIZES[check.__name__]:
        check(answer, **sizes)


def test_every_check_has_hidden_style_sizes():
    assert set(HIDDEN_SIZES) == set(IDS)


def test_hidden_sizes_match_the_notebook_source():
    """Every hidden test call in the notebook uses arguments listed here, so this file tests them."""
    calls = hidden_check_calls("07_hyperparameters")
    for check_name, sizes in calls:
        assert sizes in HIDDEN_SIZES[check_name], (check_name, sizes)
    assert len(calls) >= len(CORRECT)


def test_natural_log_version_passes_too():
    def natural(low, high, size, rng):
        return np.exp(rng.uniform(np.log(low), np.log(high), size))
    checks.check_sample_log_uniform(natural)
    checks.check_sample_log_uniform(natural, **HIDDEN_SIZES["check_sample_log_uniform"][0])


def test_blank_stub_says_not_implemented():
    def stub(low, high, size, rng):
        raise NotImplementedError()
    with pytest.raises(ExerciseFailure, match="not implemented yet"):
        checks.check_sample_log_uniform(stub)


def test_reference_functions_are_refused():
    with pytest.raises(ExerciseFailure, match="reference implementation"):
        checks.check_grid_search(ref.grid_search)


# --- the typical mistakes -----------------------------------------------------------------------

def log_uniform_linear(low, high, size, rng):
    return rng.uniform(low, high, size)


def log_uniform_exponent_of_values(low, high, size, rng):
    return 10 ** rng.uniform(low, high, size)


def log_uniform_exponents_only(low, high, size, rng):
    return rng.uniform(np.log10(low), np.log10(high), size)


def log_uniform_wrong_base(low, high, size, rng):
    return np.exp(rng.uniform(np.log10(low), np.log10(high), size))


def log_uniform_swapped(low, high, size, rng):
    return 10 ** rng.uniform(np.log10(high), np.log10(low), size)


def log_uniform_global(low, high, size, rng):
    return 10 ** np.random.uniform(np.log10(low), np.log10(high), size)


def log_uniform_own_generator(low, high, size, rng):
    return 10 ** np.random.default_rng(0).uniform(np.log10(low), np.log10(high), size)


def log_uniform_logspace(low, high, size, rng):
    return np.logspace(np.log10(low), np.log10(high), size)


def beta_linear(low, high, size, rng):
    return rng.uniform(low, high, size)


def beta_log_uniform_itself(low, high, size, rng):
    return sample_log_uniform(low, high, size, rng)


def beta_returns_one_minus(low, high, size, rng):
    return sample_log_uniform(1 - high, 1 - low, size, rng)


def beta_swapped(low, high, size, rng):
    return 1 - sample_log_uniform(1 - low, 1 - high, size, rng)


def beta_global(low, high, size, rng):
    return 1 - 10 ** np.random.uniform(np.log10(1 - high), np.log10(1 - low), size)


def grid_zip(train_eval, grid):
    return [(dict(zip(grid, values)), train_eval(dict(zip(grid, values)))) for values in zip(*grid.values())]


def grid_first_only(train_eval, grid):
    names = list(grid)
    results = []
    for value in grid[names[0]]:
        config = {name: grid[name][0] for name in names}
        config[names[0]] = value
        results.append((config, train_eval(config)))
    return results


def grid_shared_dict(train_eval, grid):
    config, results = {}, []
    for values in itertools.product(*grid.values()):
        config.update(zip(grid, values))
        results.append((config, train_eval(config)))
    return results


def grid_score_first(train_eval, grid):
    return [(score, config) for config, score in grid_search(train_eval, grid)]


def grid_trains_twice(train_eval, grid):
    results = []
    for values in itertools.product(*grid.values()):
        config = dict(zip(grid, values))
        train_eval(config)
        results.append((config, train_eval(config)))
    return results


def grid_tuples(train_eval, grid):
    return [(values, train_eval(values)) for values in itertools.product(*grid.values())]


def grid_best_only(train_eval, grid):
    return best_config(grid_search(train_eval, grid))


def grid_nested_missing_last(train_eval, grid):
    names = list(grid)
    return [(dict(zip(names, v)), train_eval(dict(zip(names, v))))
            for v in itertools.product(*(grid[n][:-1] if i == 0 else grid[n] for i, n in enumerate(names)))]


def random_global(train_eval, space, n_trials, rng):
    return random_search(train_eval, space, n_trials, np.random.default_rng())


def random_module(train_eval, space, n_trials, rng):
    return random_search(train_eval, space, n_trials, np.random)


def random_reseeded(train_eval, space, n_trials, rng):
    results = []
    for _ in range(n_trials):
        trial_rng = np.random.default_rng(0)
        config = {name: sampler(trial_rng) for name, sampler in space.items()}
        results.append((config, train_eval(config)))
    return results


def random_names_first(train_eval, space, n_trials, rng):
    values = {name: [sampler(rng) for _ in range(n_trials)] for name, sampler in space.items()}
    results = []
    for i in range(n_trials):
        config = {name: values[name][i] for name in space}
        results.append((config, train_eval(config)))
    return results


def random_one_more(train_eval, space, n_trials, rng):
    return random_search(train_eval, space, n_trials + 1, rng)


def random_extra_draw(train_eval, space, n_trials, rng):
    rng.random()
    return random_search(train_eval, space, n_trials, rng)


def random_shared_dict(train_eval, space, n_trials, rng):
    config, results = {}, []
    for _ in range(n_trials):
        config.update({name: sampler(rng) for name, sampler in space.items()})
        results.append((config, train_eval(config)))
    return results


def best_min(results):
    return min(results, key=lambda pair: pair[1])


def best_in_place(results):
    results.sort(key=lambda pair: pair[1])
    return results[-1]


def best_last_of_ties(results):
    best = results[0]
    for pair in results:
        if pair[1] >= best[1]:
            best = pair
    return best


def best_sorted_tuples(results):
    return sorted(results)[-1]


MISTAKES = [
    (checks.check_sample_log_uniform, log_uniform_linear, "linear scale"),
    (checks.check_sample_log_uniform, log_uniform_exponent_of_values, "between their logarithms"),
    (checks.check_sample_log_uniform, log_uniform_exponents_only, "returned the exponents"),
    (checks.check_sample_log_uniform, log_uniform_wrong_base, "bases do not match"),
    (checks.check_sample_log_uniform, log_uniform_swapped, "low first"),
    (checks.check_sample_log_uniform, log_uniform_global, "same seed"),
    (checks.check_sample_log_uniform, log_uniform_own_generator, "did not draw anything from the rng"),
    (checks.check_sample_log_uniform, log_uniform_logspace, "did not draw anything from the rng"),
    (checks.check_sample_beta, beta_linear, "linear scale"),
    (checks.check_sample_beta, beta_log_uniform_itself, "beta itself is log-uniform"),
    (checks.check_sample_beta, beta_returns_one_minus, "You returned 1 - beta"),
    (checks.check_sample_beta, beta_swapped, "1 - high is the smaller bound"),
    (checks.check_sample_beta, beta_global, "same seed"),
    (checks.check_grid_search, grid_zip, "itertools.product"),
    (checks.check_grid_search, grid_first_only, "varied only"),
    (checks.check_grid_search, grid_shared_dict, "same dict object"),
    (checks.check_grid_search, grid_score_first, "(score, config)"),
    (checks.check_grid_search, grid_trains_twice, "once"),
    (checks.check_grid_search, grid_tuples, "pass a dict"),
    (checks.check_grid_search, grid_best_only, "single (config, score) pair"),
    (checks.check_grid_search, grid_nested_missing_last, "missing for example"),
    (checks.check_random_search, random_global, "did not draw from the rng"),
    (checks.check_random_search, random_module, "sampler(rng)"),
    (checks.check_random_search, random_reseeded, "same configuration in every trial"),
    (checks.check_random_search, random_names_first, "trial by trial"),
    (checks.check_random_search, random_one_more, "exactly n_trials"),
    (checks.check_random_search, random_extra_draw, "more (or fewer) random numbers"),
    (checks.check_random_search, random_shared_dict, "same dict object"),
    (checks.check_best_config, best_min, "max, not min"),
    (checks.check_best_config, best_in_place, "in place"),
    (checks.check_best_config, best_last_of_ties, "the first of them"),
    (checks.check_best_config, lambda results: max(results, key=lambda p: p[1])[0], "only the config"),
    (checks.check_best_config, lambda results: max(results, key=lambda p: p[1])[1], "only the score"),
    (checks.check_best_config, best_sorted_tuples, "compare the scores only"),
]


@pytest.mark.parametrize("check, answer, phrase", MISTAKES,
                         ids=[f"{check.__name__}-{phrase}" for check, _, phrase in MISTAKES])
def test_typical_mistakes_are_named(check, answer, phrase):
    with pytest.raises(ExerciseFailure) as info:
        check(answer)
    assert phrase in str(info.value), f"message was: {info.value}"


@pytest.mark.parametrize("check, answer, phrase", MISTAKES,
                         ids=[f"{check.__name__}-{phrase}" for check, _, phrase in MISTAKES])
def test_typical_mistakes_fail_the_hidden_tests_too(check, answer, phrase):
    """A wrong answer fails the notebook's hidden tests too (the hint may differ on degenerate sizes)."""
    sizes = HIDDEN_SIZES[check.__name__][0]
    with pytest.raises(ExerciseFailure):
        check(answer, **sizes)


# --- the challenge: successive halving ------------------------------------------------------------------------

def successive_halving(train_eval, configs, min_budget, rounds):
    survivors, results = list(configs), []
    for r in range(rounds):
        scored = [(config, min_budget * 2 ** r, train_eval(config, min_budget * 2 ** r)) for config in survivors]
        results += scored
        survivors = [c for c, _, _ in sorted(scored, key=lambda item: item[2], reverse=True)][:math.ceil(len(scored) / 2)]
    return results


def _variant(**options):
    from helpers.checks.hyperparameters import _halving_variant
    return lambda train_eval, configs, min_budget, rounds: _halving_variant(train_eval, configs, min_budget, rounds,
                                                                            **options)


HALVING_MISTAKES = [
    (_variant(keep="worst"), "successive_halving.keeps-worst"),
    (_variant(grow=False), "successive_halving.budget-constant"),
    (_variant(eliminate=False), "successive_halving.no-elimination"),
    (_variant(half="floor"), "successive_halving.floor-half"),
]


def test_challenge_reference_passes(capsys):
    checks.check_successive_halving(successive_halving)
    checks.check_successive_halving(successive_halving, n_configs=16, min_budget=1, rounds=4, seed=2)
    assert capsys.readouterr().out.count("all tests passed") == 2


@pytest.mark.parametrize("answer, mistake", HALVING_MISTAKES, ids=[m for _, m in HALVING_MISTAKES])
def test_challenge_mistakes_are_named(answer, mistake):
    assert_named_mistake(checks.check_successive_halving, answer, mistake)


def test_challenge_problem_changes_its_ranking_with_the_budget():
    """Otherwise keeping the best half at a short budget could not differ from other orders of elimination."""
    from helpers.checks.hyperparameters import _halving_problem
    configs, train_eval = _halving_problem(7, 9)
    short = sorted(range(7), key=lambda i: -train_eval(configs[i], 5))
    long = sorted(range(7), key=lambda i: -train_eval(configs[i], 40))
    assert short != long
