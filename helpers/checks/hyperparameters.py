"""Checks for notebook 07 (hyper-parameters): `checks.check_sample_beta(sample_beta)`, or with other bounds,
sizes and seeds in the hidden tests.

The two samplers are tables of exercises run by the engine (helpers.checks.engine): random draws are
compared exactly with the reference's draws from a generator seeded the same way (each call gets its
own copy of the generator), so each named mistake, a whole wrong answer, is told by its values. The
searches are checked as code, with a recording train_eval that remembers every configuration it was
given: their mistakes are about which configurations were trained, and in which order.
"""
from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import replace
from functools import partial

import numpy as np

from .. import hyperparameters as ref
from .core import ExerciseFailure, fail, passed, student_call
from .engine import Exercise, Inputs, Out, Wrong, check

#: What the student edition copies as code (grading/edition/build.py): the checks written as code and what they need;
#: the tables, the mistakes and the helpers that spell an answer stay here (their values are stored).
STUDENT_EDITION = ("check_sampler", "_values", "_draws_from_its_rng", "_log_uniform_numbers", "_beta_numbers",
                   "check_sample_log_uniform", "check_sample_beta", "_state", "_Recorder", "_frozen", "_pairs",
                   "_check_scores", "_default_grid", "check_grid_search", "SAMPLERS", "_samplers",
                   "check_random_search", "_expect_trials", "_diagnose_configurations", "check_best_config",
                   "halving_score", "check_successive_halving")

# --- sampling on the right scale (tables) ---------------------------------------------------------


def sampler_inputs(low, high, size, seed):
    return Inputs((low, high, size, np.random.default_rng(seed)))


def log_uniform(low, high, size, rng, *, scale=np.log10, power=lambda r: 10.0 ** r):
    """sample_log_uniform with its pieces as arguments: power(rng.uniform(scale(low), scale(high), size))."""
    return power(rng.uniform(scale(low), scale(high), size))


def beta(low, high, size, rng, *, bounds=lambda low, high: (1 - high, 1 - low), sample=log_uniform,
         outer=lambda x: 1 - x):
    """sample_beta with its pieces as arguments: outer(sample(*bounds(low, high), size, rng))."""
    return outer(sample(*bounds(low, high), size, rng))


def _identity(x):
    return x


def _log_uniform_numbers(low, high):
    return {"share": f"{(high - high / 10) / (high - low):.0%}", "top": f"{high / 10:g}", "high": f"{high:g}"}


def _beta_numbers(low, high):
    top = 1 - (1 - high) * 10                     # the last decade of 1 - beta: [top, high]
    return {"share": f"only {(high - top) / (high - low):.0%} of them would fall in [{top:g}, {high:g}], where beta "
                     f"matters most. " if low < top < high else ""}


SAMPLE_LOG_UNIFORM = Exercise(
    "sample_log_uniform", ref.sample_log_uniform, sampler_inputs, dict(low=1e-4, high=1.0, size=5, seed=0), (),
    mistakes=(
        Wrong("linear-scale", "These are uniform on the linear scale, rng.uniform(low, high): then "
              "{share} of the samples fall in the top decade [{top}, {high}]. Draw the exponent uniformly, r = "
              "rng.uniform(np.log10(low), np.log10(high), size), and return 10 ** r.",
              partial(log_uniform, scale=_identity, power=_identity)),
        Wrong("exponent-between-low-high", "The exponent was drawn between low and high themselves: draw it "
              "between their logarithms, r = rng.uniform(np.log10(low), np.log10(high), size), then 10 ** r.",
              partial(log_uniform, scale=_identity)),
        Wrong("returned-exponents", "You returned the exponents r: the samples are 10 ** r.",
              partial(log_uniform, power=_identity)),
        Wrong("base-e", "The bases do not match: the exponent is a log10, so raise 10 to it "
              "(10 ** r), not e (np.exp(r)).", partial(log_uniform, power=np.exp)),
        Wrong("log10-of-linear-samples", "You returned log10 of linear samples: draw the exponent r "
              "uniformly between np.log10(low) and np.log10(high), then return 10 ** r.",
              partial(log_uniform, scale=_identity, power=np.log10)),
    ))

SAMPLE_BETA = Exercise(
    "sample_beta", ref.sample_beta, sampler_inputs, dict(low=0.9, high=0.999, size=6, seed=1), (),
    mistakes=(
        Wrong("linear-scale", "These betas are uniform on the linear scale, "
              "rng.uniform(low, high): {share}Sample 1 - beta on a log scale: 1 - sample_log_uniform(1 - high, "
              "1 - low, size, rng).", partial(beta, bounds=lambda low, high: (low, high), outer=_identity,
                                             sample=lambda low, high, size, rng: rng.uniform(low, high, size))),
        Wrong("beta-log-uniform", "beta itself is log-uniform here: it is 1 - beta that spans "
              "decades (0.1, 0.01, 0.001), so return 1 - sample_log_uniform(1 - high, 1 - low, size, rng).",
              partial(beta, bounds=lambda low, high: (low, high), outer=_identity)),
        Wrong("returned-1-minus-beta", "You returned 1 - beta: return beta = "
              "1 - sample_log_uniform(1 - high, 1 - low, size, rng).", partial(beta, outer=_identity)),
        Wrong("bounds-low-high", "The bounds are low and high themselves: 1 - beta lies "
              "between 1 - high and 1 - low, so call 1 - sample_log_uniform(1 - high, 1 - low, size, rng).",
              partial(beta, bounds=lambda low, high: (low, high))),
    ))


def check_sampler(exercise: Exercise, numbers):
    """The check of a sampler: first that it draws from its rng argument (and only from it), then the table
    with the output for the case's size and the hints' numbers for its bounds (numbers(low, high))."""
    def check_exercise(fn, **case):
        low, high, size, seed = ({**exercise.case, **case}[key] for key in ("low", "high", "size", "seed"))
        if set(case) <= set(exercise.case):
            _draws_from_its_rng(fn, exercise.name, low, high, size, seed)
        label = f"{exercise.name}({low:g}, {high:g}, {size}, rng)"
        output = Out(label, scalar=size is None, layout=f"(size = {size})", rtol=1e-9, atol=0.0)
        mistakes = tuple(replace(wrong, hint=wrong.hint.format(**numbers(low, high))) for wrong in exercise.mistakes)
        check(replace(exercise, outputs=(output,), mistakes=mistakes))(fn, **case)

    check_exercise.__name__ = check_exercise.__qualname__ = f"check_{exercise.name}"
    check_exercise.__doc__ = exercise.reference.__doc__
    check_exercise.exercise = exercise
    return check_exercise


def _values(result, size, name):
    """The student's samples: one number when size is None (else a clear failure), else an array."""
    if size is None:
        if isinstance(result, np.ndarray) and result.ndim == 0:
            result = result.item()
        if isinstance(result, np.ndarray):
            fail(f"with size=None the function must return one number (as rng.uniform(a, b, None) does), "
                 f"got an array of shape {result.shape}.", mistake=f"{name}.size-none-array")
        if isinstance(result, bool) or not isinstance(result, numbers.Real):
            fail(f"with size=None the function must return one number, got {type(result).__name__}.",
                 mistake=f"{name}.size-none-non-number")
        return np.array(float(result))
    return np.asarray(result, dtype=np.float64) if isinstance(result, (list, tuple)) else result


def _draws_from_its_rng(fn, name, low, high, size, seed):
    """Same seed, same values; and the values come from the rng argument."""
    rng = np.random.default_rng(seed)
    before = rng.bit_generator.state
    try:
        first = _values(student_call(fn, name, low, high, size, rng), size, name)
    except ExerciseFailure as failure:
        if "high - low < 0" in str(failure):
            hint = ("1 - high is the smaller bound: call sample_log_uniform(1 - high, 1 - low, size, rng)."
                    if name == "sample_beta" else "the exponent's bounds are np.log10(low), np.log10(high), low first.")
            fail(f"{failure} rng.uniform(a, b) needs a <= b: {hint}", mistake=f"{name}.bounds-swapped")
        raise
    second = _values(student_call(fn, name, low, high, size, np.random.default_rng(seed)), size, name)
    if isinstance(first, np.ndarray) and isinstance(second, np.ndarray) and first.shape == second.shape \
            and not np.allclose(first, second, rtol=1e-12, atol=0):
        fail(f"{name} gave different values for two generators with the same seed: draw from the rng argument "
             f"(rng.uniform(...)), never from the global np.random or a new generator, so that a seed repeats "
             f"the same samples.", mistake=f"{name}.unseeded-draws")
    if rng.bit_generator.state == before:
        if name == "sample_log_uniform" and size is not None and isinstance(first, np.ndarray) and np.allclose(
                first.ravel(), np.logspace(np.log10(low), np.log10(high), first.size)):
            fail(f"{name} returned np.logspace(...), evenly spaced values: a random search needs random values, "
                 f"10 ** rng.uniform(np.log10(low), np.log10(high), size).",
                 mistake="sample_log_uniform.logspace")
        fail(f"{name} did not draw anything from the rng it was given: use rng.uniform(...) with the rng "
             f"argument (np.random.uniform and np.random.default_rng() ignore it).",
             mistake=f"{name}.rng-unused")


check_sample_log_uniform = check_sampler(SAMPLE_LOG_UNIFORM, _log_uniform_numbers)
check_sample_beta = check_sampler(SAMPLE_BETA, _beta_numbers)


# --- searches (checked as code) -------------------------------------------------------------------

def _state(rng):
    return rng.bit_generator.state


class _Recorder:
    """A train_eval that remembers its calls; the score is a smooth function of the configuration."""

    def __init__(self, function_name):
        self.calls = []
        self.function_name = function_name

    def score(self, config):
        total = 0.0
        for name, value in sorted(config.items()):
            x = math.log10(value) if isinstance(value, float) and value > 0 else float(value)
            total += math.sin(1.3 * x + len(name)) + 0.01 * x
        return round(total, 12)

    def __call__(self, config):
        if not isinstance(config, dict):
            fail(f"{self.function_name} called train_eval with a {type(config).__name__} ({config!r}): pass a "
                 f"dict {{name: value}}, e.g. {{'learning_rate': 0.01, 'n_h': 8}} (train_eval reads "
                 f"config['learning_rate']).", mistake="train_eval.config-not-dict")
        self.calls.append(dict(config))
        return self.score(config)


def _frozen(config):
    return tuple(sorted(config.items())) if isinstance(config, dict) else config


def _pairs(results, fn_name):
    """The student's results as a list of (config, score), with the usual mistakes named."""
    if isinstance(results, tuple) and len(results) == 2 and isinstance(results[0], dict):
        fail(f"{fn_name} returned a single (config, score) pair: return the list of all the (config, score) "
             f"pairs, one per training (choosing the best is best_config's job).",
             f"{fn_name}.returned-single-pair")
    if isinstance(results, dict):
        fail(f"{fn_name} returned a dict: return a list of (config, score) pairs, one per training.",
             f"{fn_name}.returned-dict")
    if not isinstance(results, list):
        fail(f"{fn_name} must return a list of (config, score) pairs, got {type(results).__name__}.",
             f"{fn_name}.not-a-list")
    for i, item in enumerate(results):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            fail(f"{fn_name}: results[{i}] must be a pair (config, score), got {item!r}.",
                 f"{fn_name}.item-not-a-pair")
        if isinstance(item[1], dict) and not isinstance(item[0], dict):
            fail(f"{fn_name}: results[{i}] is (score, config): the pairs are (config, score), in this order.",
                 f"{fn_name}.score-before-config")
        if not isinstance(item[0], dict):
            fail(f"{fn_name}: results[{i}][0] must be the config dict {{name: value}}, got {type(item[0]).__name__}.",
                 f"{fn_name}.config-not-dict")
    if len(results) > 1 and all(config is results[0][0] for config, _ in results):
        fail(f"{fn_name}: every result holds the same dict object, so they all show the last configuration: "
             f"build a new dict for each training (config = dict(zip(names, values)), or {{...}} inside the loop).",
             f"{fn_name}.shared-config-dict")
    return results


def _check_scores(results, recorder, fn_name):
    for config, score in results:
        expected = recorder.score(config)
        if isinstance(score, bool) or not isinstance(score, numbers.Real) or not np.isclose(score, expected):
            fail(f"{fn_name}: the score stored with {config} is {score!r}, but train_eval(config) returns "
                 f"{expected!r}: store what train_eval returns for that same configuration.",
                 f"{fn_name}.wrong-score-stored")


def _default_grid():
    return {"learning_rate": [0.1, 0.01, 0.001], "n_h": [4, 8]}


def check_grid_search(grid_search, grid=None):
    """Every combination of the grid's values (itertools.product), each trained once; returns [(config, score)]."""
    grid = _default_grid() if grid is None else {k: list(v) for k, v in grid.items()}
    names = list(grid)
    expected = {_frozen(dict(zip(names, values))) for values in itertools.product(*grid.values())}
    total = len(expected)
    recorder = _Recorder("grid_search")
    results = student_call(grid_search, "grid_search", recorder, {k: list(v) for k, v in grid.items()})
    results = _pairs(results, "grid_search")
    got = [_frozen(config) for config, _ in results]
    sizes = " x ".join(str(len(v)) for v in grid.values())
    if len(recorder.calls) > total and {_frozen(c) for c in recorder.calls} == expected:
        fail(f"grid_search called train_eval {len(recorder.calls)} times for {total} configurations: train each "
             f"configuration once (call train_eval once, and store its score).",
             "grid_search.trained-twice")
    if len(results) != total or set(got) != expected:
        zipped = {_frozen(dict(zip(names, values))) for values in zip(*grid.values())}
        first_only = {_frozen({**{n: grid[n][0] for n in names}, names[0]: v}) for v in grid[names[0]]}
        if set(got) == zipped and len(names) > 1:
            fail(f"grid_search tried {len(got)} configurations, the grid has {sizes} = {total}: zip pairs the i-th "
                 f"values of each list; a grid needs every combination, itertools.product(*grid.values()) (or "
                 f"nested loops).", mistake="grid_search.zip-instead-of-product")
        if set(got) == first_only and len(names) > 1:
            fail(f"grid_search varied only {names[0]!r}, with the other hyper-parameters at their first value: "
                 f"a grid tries every combination, itertools.product(*grid.values()).",
                 "grid_search.only-first-varied")
        missing = sorted(expected - set(got))
        if missing:
            fail(f"grid_search returned {len(results)} results, the grid has {sizes} = {total} combinations; "
                 f"missing for example {dict(missing[0])}. Cover the full product, itertools.product(*grid.values()).",
                 "grid_search.missing-combinations")
        if len(results) != len(set(got)):
            fail(f"grid_search returned {len(results)} results for {total} combinations: some configurations "
                 f"appear twice; try each combination once.",
                 "grid_search.duplicate-configs")
        fail(f"grid_search returned configurations that are not in the grid, e.g. "
             f"{dict(sorted(set(got) - expected)[0])}.",
             "grid_search.configs-outside-grid")
    _check_scores(results, recorder, "grid_search")
    if len(recorder.calls) != total:
        fail(f"grid_search called train_eval {len(recorder.calls)} times for {total} configurations: train each "
             f"configuration exactly once.", mistake="grid_search.wrong-train-eval-count")
    passed("grid_search")


#: Samplers for the random-search check: functions rng -> value, each drawing exactly once (from lists of values,
#: so that no sampler of the check is an answer of the notebook's samplers).
SAMPLERS = {
    "learning_rate": lambda rng: float(rng.choice([1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3])),
    "n_h": lambda rng: int(rng.integers(4, 65)),
    "beta": lambda rng: float(rng.choice([0.9, 0.95, 0.99, 0.995, 0.999])),
}


def _samplers(kind):
    names = {"two": ["learning_rate", "n_h"], "three": ["learning_rate", "beta", "n_h"], "one": ["learning_rate"]}[kind]
    return {name: SAMPLERS[name] for name in names}


def reference_search(space, n_trials, seed):
    """(the reference's results, the state of its rng after the search) on the check's problem."""
    rng = np.random.default_rng(seed)
    expected = ref.random_search(_Recorder("random_search"), _samplers(space), n_trials, rng)
    return expected, _state(rng)


def check_random_search(random_search, n_trials=5, space="two", seed=2):
    """n_trials configurations {name: sampler(rng)} drawn trial by trial from the rng argument; each trained once."""
    space_fns = _samplers(space)
    recorder = _Recorder("random_search")
    expected, reference_state = reference_search(space, n_trials, seed)
    rng = np.random.default_rng(seed)
    before = _state(rng)
    try:
        results = student_call(random_search, "random_search", recorder, dict(space_fns), n_trials, rng)
    except ExerciseFailure as failure:
        if "AttributeError" in str(failure) and "module" in str(failure):
            fail(f"{failure} Call each sampler with the rng argument, sampler(rng): the global np.random module "
                 f"is not a Generator, and a search must repeat with its seed.",
                 "random_search.np-random-as-rng")
        raise
    results = _pairs(results, "random_search")
    got = [_frozen(config) for config, _ in results]
    _expect_trials(got, len(recorder.calls), n_trials, drew=_state(rng) != before)
    want = [_frozen(config) for config, _ in expected]
    if got != want:
        _diagnose_configurations(got, want, space_fns, seed, same_draws=_state(rng) == reference_state)
    _check_scores(results, recorder, "random_search")
    if _state(rng) != reference_state:
        fail("random_search drew more random numbers from rng than the samplers do: draw only through the "
             "samplers, one call per hyper-parameter and trial.",
             "random_search.extra-draws")
    passed("random_search")


def _expect_trials(got, calls, n_trials, drew) -> None:
    """random_search's configurations `got`: n_trials of them, each trained once (`calls`), not all the same,
    drawn from the rng argument (`drew`)."""
    if len(got) != n_trials:
        fail(f"random_search returned {len(got)} results for n_trials = {n_trials}: train exactly n_trials "
             f"configurations (for _ in range(n_trials)).",
             "random_search.wrong-trial-count")
    if calls != n_trials:
        fail(f"random_search called train_eval {calls} times for n_trials = {n_trials}: each "
             f"configuration is trained once, and its score stored.",
             "random_search.wrong-train-eval-count")
    if n_trials > 1 and len(set(got)) == 1:
        fail("random_search drew the same configuration in every trial: create no generator inside the loop "
             "(np.random.default_rng(seed) restarts the sequence); draw every value from the one rng argument.",
             "random_search.same-config-every-trial")
    if not drew:
        fail("random_search did not draw from the rng it was given: call every sampler with it, sampler(rng). "
             "The global np.random, or a new np.random.default_rng(), would make the search impossible to repeat "
             "with a seed.", mistake="random_search.rng-unused")


def _diagnose_configurations(got, want, space_fns, seed, same_draws) -> None:
    """Fail saying how random_search's configurations `got` differ from the expected `want`."""
    names, n_trials = list(space_fns), len(want)
    variant_rng = np.random.default_rng(seed)
    by_name = {name: [space_fns[name](variant_rng) for _ in range(n_trials)] for name in names}
    names_first = [_frozen({name: by_name[name][i] for name in names}) for i in range(n_trials)]
    if got == names_first and len(names) > 1:
        fail("random_search drew all the values of one hyper-parameter, then all of the next: draw trial by "
             "trial, config = {name: sampler(rng) for name, sampler in space.items()} inside the loop over the "
             "trials (so that the same seed gives everyone the same configurations).",
             "random_search.drew-per-parameter")
    if not same_draws:
        fail("random_search drew more (or fewer) random numbers from rng than the samplers do: draw only "
             "through the samplers, one call per hyper-parameter and trial, so that the same seed gives the "
             "same configurations.", mistake="random_search.wrong-draw-count")
    if sorted(got) == sorted(want):
        fail("random_search found the right configurations in another order: keep the order of the trials.",
             "random_search.trials-out-of-order")
    fail(f"random_search's configurations differ from the expected ones (first trial: got {dict(got[0])}, "
         f"expected {dict(want[0])}): for each of the n_trials trials, config = {{name: sampler(rng) for name, "
         f"sampler in space.items()}} with the rng argument, then train_eval(config).",
         "random_search.wrong-configurations")


def _results_for_best(n, seed, tie):
    rng = np.random.default_rng(seed)
    scores = np.round(rng.uniform(0.5, 0.95, n), 6)
    results = [({"learning_rate": float(10.0 ** rng.uniform(-4, 0)), "trial": i}, float(s))
               for i, s in enumerate(scores)]
    if tie and n >= 3:
        top = max(s for _, s in results) + 0.01
        first, second = sorted(rng.choice(n, 2, replace=False))
        results[first] = (results[first][0], top)
        results[second] = (results[second][0], top)
    return results


def check_best_config(best_config, n=6, seed=3):
    """The (config, score) pair with the highest score; the first of them on ties; results left unchanged."""
    for tie in (False, True):
        results = _results_for_best(n, seed + tie, tie)
        snapshot = [(dict(c), s) for c, s in results]
        try:
            answer = student_call(best_config, "best_config", results)
        except ExerciseFailure as failure:
            if "not supported between instances of 'dict'" in str(failure):
                fail(f"{failure} sorted(results) or max(results) compares the pairs, and so the configs (dicts): "
                     f"compare the scores only, max(results, key=lambda pair: pair[1]).",
                     "best_config.max-without-key")
            raise
        if results != snapshot:
            fail("best_config changed the results list (results.sort() sorts in place): leave it unchanged, "
                 "e.g. max(results, key=...) or sorted(results, ...), which makes a new list.",
                 "best_config.sorted-in-place")
        expected = ref.best_config(snapshot)
        index = snapshot.index(expected)
        worst = min(snapshot, key=lambda pair: pair[1])
        if isinstance(answer, dict):
            fail("best_config returned only the config: return the pair (config, score).",
                 "best_config.only-config")
        if isinstance(answer, numbers.Real) and not isinstance(answer, bool):
            if np.isclose(answer, expected[1]):
                fail("best_config returned only the score: return the pair (config, score).",
                     "best_config.only-score")
            if answer == index:
                fail("best_config returned the index of the best result: return the pair results[i] itself.",
                     "best_config.returned-index")
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            fail(f"best_config must return a pair (config, score), got {answer!r}.",
                 "best_config.not-a-pair")
        if tuple(answer) == worst and worst != expected:
            fail(f"best_config returned the lowest score ({worst[1]}): the best configuration has the highest "
                 f"score (a dev accuracy), max, not min.", mistake="best_config.lowest-score")
        if tie and tuple(answer) != expected:
            tied = [pair for pair in snapshot if pair[1] == expected[1]]
            if tuple(answer) in tied:
                fail("Two configurations share the highest score, and best_config returned the later one: return "
                     "the first of them, as max(results, key=lambda pair: pair[1]) does (> keeps the first, >= "
                     "the last).", mistake="best_config.last-of-ties")
        if tuple(answer) != expected:
            fail(f"best_config returned {tuple(answer)}, expected {expected}, the pair with the highest score.",
                 "best_config.wrong-pair")
    passed("best_config")


# --- challenge: successive halving -------------------------------------------------------------------------

def halving_score(config, budget):
    """The train_eval of the successive-halving check: a config's potential minus a penalty that shrinks with the
    budget at the config's own pace."""
    return round(config["potential"] - config["pace"] / (budget + config["pace"]), 6)


def halving_problem(n_configs, seed):
    """(configs, train_eval): configs whose ranking changes with the budget (halving_score), so that a short
    budget favours the fast starters."""
    rng = np.random.default_rng(seed)
    configs = [{"id": i, "potential": float(p), "pace": float(q)}
               for i, (p, q) in enumerate(zip(rng.uniform(0.7, 1.0, n_configs), rng.uniform(1.0, 10.0, n_configs)))]
    return configs, halving_score


def halving(train_eval, configs, min_budget, rounds, *, keep="best", grow=True, eliminate=True, half="ceil"):
    survivors, results = list(configs), []
    for r in range(rounds):
        budget = min_budget * (2 ** r if grow else 1)
        scored = [(c, budget, train_eval(c, budget)) for c in survivors]
        results.extend(scored)
        if not eliminate:
            continue
        order = sorted(range(len(scored)), key=lambda i: -scored[i][2] if keep == "best" else scored[i][2])
        count = math.ceil(len(scored) / 2) if half == "ceil" else max(len(scored) // 2, 1)
        survivors = [scored[i][0] for i in order[:count]]
    return results


def halving_mistakes(train_eval, configs, min_budget, rounds) -> list:
    """[(hint, the (config id, budget, score) list that mistake gives, id)] of successive halving's named mistakes."""
    variants = [
        ("the WORST half survived each round: rank by score from the highest (sorted(..., reverse=True) or a "
         "negated key).", dict(keep="worst"), "successive_halving.keeps-worst"),
        ("the budget never grew: round r trains with min_budget * 2**r.", dict(grow=False),
         "successive_halving.budget-constant"),
        ("nothing was eliminated: after each round only the best half (ceil(n / 2)) goes on.", dict(eliminate=False),
         "successive_halving.no-elimination"),
        ("one configuration too many was dropped: with an odd number n, ceil(n / 2) survive (math.ceil).",
         dict(half="floor"), "successive_halving.floor-half"),
    ]
    return [(hint, [(c["id"], b, sc) for c, b, sc in halving(train_eval, configs, min_budget, rounds, **options)],
             mistake) for hint, options, mistake in variants]


def check_successive_halving(successive_halving, n_configs=7, min_budget=5, rounds=3, seed=9):
    """Round r trains the survivors with budget min_budget * 2**r; the ceil(n/2) best survive each round;
    returns [(config, budget, score), ...] in the order the trainings ran."""
    configs, train_eval = halving_problem(n_configs, seed)
    result = student_call(successive_halving, "successive_halving", train_eval, [dict(c) for c in configs],
                          min_budget, rounds)
    expected = ref.successive_halving(train_eval, configs, min_budget, rounds)
    if not isinstance(result, list):
        fail(f"successive_halving must return a list of (config, budget, score) tuples, got {type(result).__name__}.",
             "successive_halving.not-a-list")
    got = [(item[0].get("id") if isinstance(item[0], dict) else item[0], item[1], item[2])
           for item in result if isinstance(item, (tuple, list)) and len(item) == 3]
    if len(got) != len(result):
        fail("successive_halving must return a list of (config, budget, score) tuples, one per training.",
             "successive_halving.items-not-triples")
    want = [(c["id"], b, sc) for c, b, sc in expected]
    variants = halving_mistakes(train_eval, configs, min_budget, rounds)
    if got == want:
        passed("successive_halving")
        return
    for hint, wrong, mistake in variants:
        if got == wrong:
            fail(f"successive_halving: {hint}", mistake)
    if [(i, b) for i, b, _ in got] != [(i, b) for i, b, _ in want]:
        fail(f"successive_halving trained (config id, budget) = {[(i, b) for i, b, _ in got][:10]}, expected "
             f"{[(i, b) for i, b, _ in want][:10]} (the first ten, in order).",
             "successive_halving.wrong-trainings")
    fail("successive_halving: the trainings are right but the scores returned are not the ones train_eval gave: "
         "store (config, budget, train_eval(config, budget)).",
         "successive_halving.wrong-scores")


#: The exercises described as data (the tests feed each named mistake in); the searches are checked by
#: code of their own above.
EXERCISES = (SAMPLE_LOG_UNIFORM, SAMPLE_BETA)
