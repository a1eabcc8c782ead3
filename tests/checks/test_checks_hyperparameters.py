"""The checks of notebook 07: the right answer passes, and each typical mistake fails with a
message that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from helpers.checks import ExerciseFailure
from helpers.checks import hyperparameters as checks
from notebook_runner import hidden_check_calls
from solutions.hyperparameters import best_config, grid_search, random_search, sample_log_uniform, successive_halving
from mistakes import assert_named_mistake, fails_with, over_mistakes


# The right answers (tests/support/solutions/hyperparameters.py) and the named mistakes of the samplers' tables are
# fed in by tests/checks/test_exercises.py, at the visible and the hidden cases; here: the samplers' checks of
# the rng, the searches (checked as code), and bad input.
HIDDEN = hidden_check_calls("07_hyperparameters")


def test_natural_log_version_passes_too():
    def natural(low, high, size, rng):
        return np.exp(rng.uniform(np.log(low), np.log(high), size))
    checks.check_sample_log_uniform(natural)
    for check_name, arguments in HIDDEN:
        if check_name == "check_sample_log_uniform":
            checks.check_sample_log_uniform(natural, **arguments)


# --- the typical mistakes -----------------------------------------------------------------------

def log_uniform_swapped(low, high, size, rng):
    return 10 ** rng.uniform(np.log10(high), np.log10(low), size)


def log_uniform_global(low, high, size, rng):
    return 10 ** np.random.uniform(np.log10(low), np.log10(high), size)


def log_uniform_own_generator(low, high, size, rng):
    return 10 ** np.random.default_rng(0).uniform(np.log10(low), np.log10(high), size)


def log_uniform_logspace(low, high, size, rng):
    return np.logspace(np.log10(low), np.log10(high), size)


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
    (checks.check_sample_log_uniform, log_uniform_swapped, "low first"),
    (checks.check_sample_log_uniform, log_uniform_global, "same seed"),
    (checks.check_sample_log_uniform, log_uniform_own_generator, "did not draw anything from the rng"),
    (checks.check_sample_log_uniform, log_uniform_logspace, "np.logspace"),
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


@over_mistakes(MISTAKES)
def test_typical_mistakes_are_named(check, answer, phrase):
    fails_with(check, answer, phrase)


@over_mistakes(MISTAKES)
def test_typical_mistakes_fail_the_hidden_tests_too(check, answer, phrase):
    """A wrong answer fails the notebook's hidden test cell too: at least one of its calls (some are edge
    cases, one hyper-parameter or one trial, where a mistake can coincide with the right answer)."""
    hidden = [arguments for check_name, arguments in HIDDEN if check_name == check.__name__]
    failed = 0
    for arguments in hidden:
        try:
            check(answer, **arguments)
        except ExerciseFailure:
            failed += 1
    assert failed >= 1


def _then(search, change):
    """search, with its result changed by change(result, *arguments)."""
    return lambda *arguments: change(search(*arguments), *arguments)


def _extra_training(train_eval, grid):
    results = grid_search(train_eval, grid)
    train_eval({"learning_rate": 1.0, "n_h": 1})
    return results


def _trains_twice(train_eval, space, n_trials, rng):
    return [(config, train_eval(config)) for config, score in random_search(train_eval, space, n_trials, rng)]


def _doubled(train_eval, space, n_trials, rng):
    configs = [{**config, "learning_rate": 2 * config["learning_rate"]}
               for config, _ in random_search(lambda config: 0.0, space, n_trials, rng)]
    return [(config, train_eval(config)) for config in configs]


def _draws_after(train_eval, space, n_trials, rng):
    results = random_search(train_eval, space, n_trials, rng)
    rng.random()
    return results


def _halving_budgets(train_eval, configs, min_budget, rounds):
    return successive_halving(lambda config, budget: train_eval(config, budget), configs, min_budget + 1, rounds)


SHAPES = [    # answers of the wrong shape, or right but for one detail, and the mistake each must be named by
    (checks.check_sample_log_uniform, lambda *arguments: np.atleast_1d(sample_log_uniform(*arguments)),
     "sample_log_uniform.size-none-array", dict(size=None)),
    (checks.check_sample_log_uniform, lambda *arguments: [sample_log_uniform(*arguments)],
     "sample_log_uniform.size-none-non-number", dict(size=None)),
    (checks.check_grid_search, _then(grid_search, lambda r, *a: tuple(r)), "grid_search.not-a-list", {}),
    (checks.check_grid_search, _then(grid_search, lambda r, *a: {str(c): s for c, s in r}),
     "grid_search.returned-dict", {}),
    (checks.check_grid_search, _then(grid_search, lambda r, *a: [(c, s, 0) for c, s in r]),
     "grid_search.item-not-a-pair", {}),
    (checks.check_grid_search, _then(grid_search, lambda r, *a: [(list(c.values()), s) for c, s in r]),
     "grid_search.config-not-dict", {}),
    (checks.check_grid_search, _then(grid_search, lambda r, *a: [(c, s + 1) for c, s in r]),
     "grid_search.wrong-score-stored", {}),
    (checks.check_grid_search, _then(grid_search, lambda r, *a: r + r[:1]),
     "grid_search.duplicate-configs", {}),
    (checks.check_grid_search, _then(grid_search, lambda r, *a: r + [({"learning_rate": 1.0, "n_h": 1}, 0.0)]),
     "grid_search.configs-outside-grid", {}),
    (checks.check_grid_search, _extra_training, "grid_search.wrong-train-eval-count", {}),
    (checks.check_random_search, _trains_twice, "random_search.wrong-train-eval-count", {}),
    (checks.check_random_search, _draws_after, "random_search.extra-draws", {}),
    (checks.check_random_search, _then(random_search, lambda r, *a: r[::-1]),
     "random_search.trials-out-of-order", {}),
    (checks.check_random_search, _doubled, "random_search.wrong-configurations", {}),
    (checks.check_best_config, lambda results: "best", "best_config.not-a-pair", {}),
    (checks.check_best_config, lambda results: max(range(len(results)), key=lambda i: results[i][1]),
     "best_config.returned-index", {}),
    (checks.check_best_config, lambda results: sorted(results, key=lambda pair: pair[1])[-2],
     "best_config.wrong-pair", {}),
    (checks.check_successive_halving, _then(successive_halving, lambda r, *a: tuple(r)),
     "successive_halving.not-a-list", {}),
    (checks.check_successive_halving, _then(successive_halving, lambda r, *a: [(c, b) for c, b, _ in r]),
     "successive_halving.items-not-triples", {}),
    (checks.check_successive_halving, _then(successive_halving, lambda r, *a: [(c, b, s + 1) for c, b, s in r]),
     "successive_halving.wrong-scores", {}),
    (checks.check_successive_halving, _halving_budgets,
     "successive_halving.wrong-trainings", {}),
]


@pytest.mark.parametrize("check, answer, mistake, arguments", SHAPES, ids=[m for _, _, m, _ in SHAPES])
def test_answers_of_the_wrong_shape_are_named(check, answer, mistake, arguments):
    assert_named_mistake(check, answer, mistake, **arguments)


# --- the challenge: successive halving ------------------------------------------------------------------------

def _variant(**options):
    return lambda train_eval, configs, min_budget, rounds: checks.halving(train_eval, configs, min_budget, rounds,
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
    configs, train_eval = checks.halving_problem(7, 9)
    short = sorted(range(7), key=lambda i: -train_eval(configs[i], 5))
    long = sorted(range(7), key=lambda i: -train_eval(configs[i], 40))
    assert short != long
