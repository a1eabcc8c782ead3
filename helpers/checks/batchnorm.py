"""Checks for notebook 05 (batch normalization), as a table of exercises run by the engine
(helpers.checks.engine). Each named mistake is a whole wrong answer, the reference with one piece
swapped (bn_forward, bn_backward, forward_bn, backward_bn below take their pieces as arguments).

batchnorm_forward and L_model_forward_bn also change an argument in place (the running statistics):
their checks compare that argument after the call as an output too (`run_updating`), in training and
in test mode. The network exercises are graded with the reference batchnorm_forward / batchnorm_backward
in place of the student's (a mistake there fails its own test, and a note names it).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from .. import batchnorm as ref
from .. import deep
from .. import network as nets
from .core import expect_tuple, fail, graded_on_its_own, passed
from .deep import IDENTITY, caching_its_output
from .engine import Exercise, Inputs, Out, Wrong, a_dict, a_tuple, check, run, value
from .networks import ParameterDict, bn_parameters, labels

#: What the student edition copies as code (grading/edition/build.py): the checks written as code, the structure checks
#: that the tables name, and what they need; the tables, the mistakes and the helpers that spell an answer stay
#: here (their values on the visible cases are stored).
STUDENT_EDITION = ("run_updating", "_cache", "ForwardResult", "check_batchnorm_forward", "NetworkStructure",
                   "as_parameter_dict", "check_L_model_forward_bn", "bn_grads_keys", "BnGradsKeys")

STATE_KEYS = ("running_mean", "running_var")


# --- inputs ---------------------------------------------------------------------------------------------

def scaled_rows(rng, n, m, small_row=True):
    """Rows of very different means and scales; with small_row, one row of tiny variance (where eps
    matters, so that sqrt(var + eps) and sqrt(var) + eps differ clearly)."""
    scales = np.geomspace(0.5, 5.0, n)
    if small_row:
        scales[0] = 0.004
    return rng.uniform(-3, 3, (n, 1)) + scales[:, None] * rng.standard_normal((n, m))


def bn_state(rng, n, small_row=False):
    """Running statistics; with small_row, the first unit's variance is as tiny as scaled_rows' (eps matters)."""
    state = {"running_mean": rng.uniform(-1, 1, (n, 1)), "running_var": rng.uniform(0.5, 2.0, (n, 1))}
    if small_row:
        state["running_var"][0] *= 2e-5
    return state


def run_updating(exercise: Exercise, fn, case: dict, position: int, prepare=tuple) -> None:
    """run(exercise, fn, case) where the argument at `position`, changed in place (a bn_state, a list of
    them), is an output too: every answer is called as (its result, that argument after the call).
    prepare(args): the arguments as the answers get them (e.g. a ParameterDict)."""
    def updating(answer):
        if not callable(answer):
            return answer

        def answer_and_argument(*args):
            args = prepare(args)
            return answer(*args), args[position]
        answer_and_argument.__module__ = getattr(answer, "__module__", None)
        return answer_and_argument
    run(replace(exercise, reference=updating(exercise.reference),
                mistakes=tuple(replace(wrong, answer=updating(wrong.answer)) for wrong in exercise.mistakes)),
        updating(fn), case)


# --- standardize_inputs ----------------------------------------------------------------------------------

def standardize_inputs_of(n_x=3, m_train=8, m_other=5, seed=0):
    rng = np.random.default_rng(seed)
    X_train = scaled_rows(rng, n_x, m_train, small_row=False)
    X_other = X_train[:, :1] + 2.0 * rng.standard_normal((n_x, m_other)) * X_train.std(axis=1, keepdims=True)
    return Inputs((X_train, X_other))


def mean(X):
    return np.mean(X, axis=1, keepdims=True)


def standardize(X_train, X_other, *, mu=lambda X_train, X_other: mean(X_train),
                sigma=lambda X_train, X_other: np.std(X_train, axis=1, keepdims=True),
                train=lambda X, mu, sigma: (X - mu) / sigma, other=lambda X, mu, sigma, X_train: (X - mu) / sigma):
    """standardize_inputs with its pieces as arguments: the statistics returned, and each set's transform
    (from the right statistics)."""
    right_mu, right_sigma = mean(X_train), np.std(X_train, axis=1, keepdims=True)
    return (train(X_train, right_mu, right_sigma), other(X_other, right_mu, right_sigma, X_train),
            mu(X_train, X_other), sigma(X_train, X_other))


def both(X_train, X_other):
    return np.hstack([X_train, X_other])


STANDARDIZE_INPUTS = Exercise(
    "standardize_inputs", ref.standardize_inputs, standardize_inputs_of, dict(n_x=3, m_train=8, m_other=5, seed=0),
    (Out("mu", (2,), "(n_x, 1): one mean per feature (row)"),
     Out("sigma", (3,), "(n_x, 1): one standard deviation per feature"),
     Out("X_train_std", (0,), "(n_x, m_train), like X_train"),
     Out("X_other_std", (1,), "(n_x, m_other), like X_other")),
    returns=a_tuple("(X_train_std, X_other_std, mu, sigma)", value, value, value, value), unmodified=(0, 1),
    mistakes=(
        Wrong("mu-per-example", "mu is the mean of each example (column): features are rows, so average over "
              "the examples, np.mean(X_train, axis=1, keepdims=True).",
              partial(standardize, mu=lambda Xt, Xo: np.mean(Xt, axis=0, keepdims=True))),
        Wrong("mu-per-example-1d", "mu is the mean of each example (column): features are rows, so average "
              "over the examples, np.mean(X_train, axis=1, keepdims=True).",
              partial(standardize, mu=lambda Xt, Xo: np.mean(Xt, axis=0))),
        Wrong("mu-from-both-sets", "mu was computed on the training AND the other set: the statistics "
              "come from the training set only (slide 20); the dev/test sets are transformed with them.",
              partial(standardize, mu=lambda Xt, Xo: mean(both(Xt, Xo)))),
        Wrong("mu-from-other-set", "mu was computed on X_other: the statistics come from the training set "
              "only (slide 20).", partial(standardize, mu=lambda Xt, Xo: mean(Xo))),
        Wrong("sigma-is-variance", "sigma is the variance: the slide divides by the standard deviation, "
              "sigma = np.std(X_train, axis=1, keepdims=True) (the square root of the variance).",
              partial(standardize, sigma=lambda Xt, Xo: np.var(Xt, axis=1, keepdims=True),
                      train=lambda X, mu, sigma: (X - mu) / sigma ** 2,
                      other=lambda X, mu, sigma, Xt: (X - mu) / sigma ** 2)),
        Wrong("sigma-unbiased", "sigma uses 1/(m-1) (ddof=1): the course uses np.std's default, 1/m.",
              partial(standardize, sigma=lambda Xt, Xo: np.std(Xt, axis=1, ddof=1, keepdims=True))),
        Wrong("sigma-per-example", "sigma is the standard deviation of each example (column): use "
              "axis=1, over the examples.",
              partial(standardize, sigma=lambda Xt, Xo: np.std(Xt, axis=0, keepdims=True))),
        Wrong("sigma-from-both-sets", "sigma was computed on the training AND the other set: the "
              "statistics come from the training set only.",
              partial(standardize, sigma=lambda Xt, Xo: np.std(both(Xt, Xo), axis=1, keepdims=True))),
        Wrong("train-divided-by-variance", "X_train_std was divided by the variance: divide by the standard "
              "deviation sigma.", partial(standardize, train=lambda X, mu, sigma: (X - mu) / sigma ** 2)),
        Wrong("train-only-centred", "X_train_std is only centred: divide by sigma as well.",
              partial(standardize, train=lambda X, mu, sigma: X - mu)),
        Wrong("train-only-scaled", "X_train_std is only scaled: subtract mu first, (X_train - mu) / sigma.",
              partial(standardize, train=lambda X, mu, sigma: X / sigma)),
        Wrong("other-own-statistics", "X_other was standardised with its own mean and standard "
              "deviation: use the TRAINING set's mu and sigma (slide 20). The network learned on inputs transformed "
              "that way; a dev/test set, or a single new example, must go through exactly the same transformation.",
              partial(standardize, other=lambda X, mu, sigma, Xt: (X - mean(X)) / np.std(X, axis=1, keepdims=True))),
        Wrong("other-from-both-sets", "X_other was standardised with the statistics of both sets "
              "together: use the training set's mu and sigma only.",
              partial(standardize, other=lambda X, mu, sigma, Xt: (X - mean(both(Xt, X)))
                      / np.std(both(Xt, X), axis=1, keepdims=True))),
        Wrong("other-divided-by-variance", "X_other_std was divided by the variance: divide by the standard "
              "deviation sigma.", partial(standardize, other=lambda X, mu, sigma, Xt: (X - mu) / sigma ** 2)),
        Wrong("other-unchanged", "X_other_std is X_other unchanged: transform it with the training set's mu "
              "and sigma.", partial(standardize, other=lambda X, mu, sigma, Xt: X)),
    ))


# --- batchnorm_forward ------------------------------------------------------------------------------------

def forward_inputs(n=3, m=6, m_test=4, momentum=0.9, eps=1e-5, seed=1, training=True):
    """Training: a batch Z with a row of tiny variance; test mode: another batch of m_test examples and
    running statistics with a tiny variance too (eps matters in both)."""
    rng = np.random.default_rng(seed)
    Z = scaled_rows(rng, n, m)
    gamma, beta = rng.uniform(0.5, 2.0, (n, 1)), rng.uniform(-1.0, 1.0, (n, 1))
    state = bn_state(rng, n)
    if not training:
        Z, state = scaled_rows(rng, n, m_test), bn_state(rng, n, small_row=True)
        state["running_mean"][0] = np.mean(Z[0]) + 0.004 * rng.standard_normal()     # the tiny unit near its mean
    return Inputs((Z, gamma, beta, state, training, momentum, eps), Z.shape[1])


def root(var, eps):
    return np.sqrt(var + eps)


def bn_forward(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5, *, test=None, axis=1, ddof=0,
               std=root, center=True, out=lambda gamma, Z_hat, beta: gamma * Z_hat + beta, normalise_with=None,
               updates=None, keep=lambda momentum: momentum, running_var=lambda var, m: var,
               cache_std=lambda std, var, eps: std):
    """batchnorm_forward with its pieces as arguments; test: the pieces of the test-mode branch, where they
    differ from the training branch's. normalise_with: "batch", "running" (before the update) or "updated"."""
    if not training and test is not None:
        return bn_forward(Z, gamma, beta, bn_state, False, momentum, eps, **test)
    mu, var = np.mean(Z, axis=axis, keepdims=True), np.var(Z, axis=axis, ddof=ddof, keepdims=True)
    old = dict(bn_state)
    if training if updates is None else updates:
        k = keep(momentum)
        bn_state["running_mean"] = k * old["running_mean"] + (1 - k) * mu
        bn_state["running_var"] = k * old["running_var"] + (1 - k) * running_var(var, Z.shape[1])
    center_by, var_by = {"batch": (mu, var), "running": (old["running_mean"], old["running_var"]),
                         "updated": (bn_state["running_mean"], bn_state["running_var"])}[
        normalise_with or ("batch" if training else "running")]
    divisor = std(var_by, eps)
    Z_hat = ((Z - center_by) if center else Z) / divisor
    return out(gamma, Z_hat, beta), (Z_hat, gamma, cache_std(divisor, var_by, eps))


def _cache(name, result):
    """batchnorm_forward's (Z_out, cache): the cache is the tuple batchnorm_backward unpacks."""
    cache = expect_tuple(name, result, 2, "a tuple (Z_out, cache)")[1]
    if not isinstance(cache, (tuple, list)) or len(cache) != 3:
        got = f"a {type(cache).__name__}" + (f" of length {len(cache)}" if isinstance(cache, (tuple, list)) else "")
        fail(f"cache must be the tuple (Z_hat, gamma, std) that batchnorm_backward unpacks, got {got}.",
             mistake="batchnorm_forward.cache-not-a-triple")


@dataclass(frozen=True)
class ForwardResult:
    """batchnorm_forward's (its result, bn_state after the call): in training (Z_out, cache) with the cache that
    batchnorm_backward unpacks, and the running statistics (a value, not a closure, for the student edition)."""
    training: bool

    def __call__(self, name, result):
        (_cache if self.training else a_tuple("(Z_out, cache)", value, value))(name, result[0])
        a_dict("bn_state", STATE_KEYS)(name, result[1])


def forward_outputs(training, m_test, **case):
    """Z_out, in training the cache too, and the running statistics after the call."""
    mode = "training=True" if training else f"training=False, {m_test} example{'s' if m_test != 1 else ''}"
    return dict(
        returns=ForwardResult(training),
        outputs=(Out(f"Z_out ({mode})", (0, 0), "(n, m), like Z"),) + ((
            Out("cache[0] (Z_hat)", (0, 1, 0), "(n, m): the normalised Z, (Z - mu) / std"),
            Out("cache[1] (gamma)", (0, 1, 1), "(n, 1)"),
            Out("cache[2] (std)", (0, 1, 2), "(n, 1): std = np.sqrt(var + eps)")) if training else ()) + tuple(
            Out(f"bn_state['{key}'] after a {'training' if training else 'test-mode'} call", (1, key), "(n, 1)")
            for key in STATE_KEYS))


def _wrong(id_, hint, **pieces):
    return Wrong(id_, hint, partial(bn_forward, **pieces))


#: The mistakes of the test-mode branch only (the training branch right): the only ones named in test mode.
TEST_MODE_MISTAKES = (
    _wrong("test-uses-batch-stats", "With training=False you normalised with the batch's "
           "statistics: at test time use the running statistics, bn_state['running_mean'] and "
           "bn_state['running_var']. A test batch may hold a single example, whose own variance is 0.",
           test=dict(normalise_with="batch")),
    _wrong("test-uses-updated-stats", "With training=False you updated the running statistics and "
           "normalised with them: at test time use them as they are, and leave bn_state unchanged.",
           test=dict(updates=True, normalise_with="updated")),
    _wrong("test-updates-state", "bn_state['{key}'] changed with training=False: at "
           "test time the running statistics normalise and are not updated (only training updates them).",
           test=dict(updates=True)),
    _wrong("test-eps-outside-sqrt", "eps is outside the square root: (Z - running_mean) / "
           "np.sqrt(running_var + eps).", test=dict(std=lambda var, eps: np.sqrt(var) + eps)),
    _wrong("test-no-sqrt", "You divided by running_var: take the square root, "
           "np.sqrt(running_var + eps).", test=dict(std=lambda var, eps: var + eps)),
    _wrong("test-no-scale-shift", "At test time too, scale and shift: Z_out = gamma * Z_hat + beta.",
           test=dict(out=lambda gamma, Z_hat, beta: Z_hat)),
)

TEST_MODE_COUNT = len(TEST_MODE_MISTAKES)      # the last mistakes of BATCHNORM_FORWARD
BATCHNORM_FORWARD = Exercise(
    "batchnorm_forward", ref.batchnorm_forward, forward_inputs,
    dict(n=3, m=6, m_test=4, momentum=0.9, eps=1e-5, seed=1, training=True), (), per_case=forward_outputs,
    unmodified=(0, 1, 2),
    mistakes=(
        _wrong("divided-by-sqrt-std", "You normalised with sqrt(std + eps): the slide divides by "
               "sqrt(var + eps), with the VARIANCE var = np.mean((Z - mu)**2, axis=1, keepdims=True).",
               std=lambda var, eps: np.sqrt(np.sqrt(var) + eps)),
        _wrong("no-sqrt", "You divided by var + eps: take the square root, Z_hat = (Z - mu) / "
               "np.sqrt(var + eps).", std=lambda var, eps: var + eps),
        _wrong("divided-by-var", "You divided by var: Z_hat = (Z - mu) / np.sqrt(var + eps).",
               std=lambda var, eps: var),
        _wrong("eps-outside-sqrt", "eps is outside the square root: Z_hat = (Z - mu) / np.sqrt(var + "
               "eps), not (np.sqrt(var) + eps).", std=lambda var, eps: np.sqrt(var) + eps),
        _wrong("no-eps", "eps is missing: Z_hat = (Z - mu) / np.sqrt(var + eps) (eps keeps a unit "
               "with zero variance finite).", std=lambda var, eps: np.sqrt(var)),
        _wrong("stats-wrong-axis", "The statistics are over the wrong axis: one mean and variance "
               "per unit (row), over the examples: np.mean(Z, axis=1, keepdims=True).", axis=0),
        _wrong("var-unbiased", "The variance uses 1/(m-1): batch norm uses 1/m (np.var's default "
               "ddof=0, or np.mean((Z - mu)**2, axis=1, keepdims=True)).", ddof=1),
        _wrong("gamma-beta-swapped", "gamma and beta are swapped: Z_out = gamma * Z_hat + beta (gamma "
               "scales, beta shifts).", out=lambda gamma, Z_hat, beta: beta * Z_hat + gamma),
        _wrong("no-scale-shift", "You returned Z_hat: scale and shift it, Z_out = gamma * Z_hat + beta.",
               out=lambda gamma, Z_hat, beta: Z_hat),
        _wrong("training-uses-running-stats", "In training, normalise with the BATCH's mean and variance: "
               "the running statistics are for test time (training=False).", normalise_with="running"),
        _wrong("training-uses-updated-stats", "In training, normalise with the batch's statistics, not "
               "the freshly updated running ones.", normalise_with="updated"),
        _wrong("mean-not-subtracted", "The mean is not subtracted: Z_hat = (Z - mu) / np.sqrt(var + eps).",
               center=False),
        _wrong("cache-is-var", "cache[2] must be std = np.sqrt(var + eps), the number you "
               "divided by, not the variance.", cache_std=lambda std, var, eps: var),
        _wrong("cache-var-plus-eps", "cache[2] must be std = np.sqrt(var + eps), not var + eps.",
               cache_std=lambda std, var, eps: var + eps),
        _wrong("cache-std-without-eps", "cache[2] must be std = np.sqrt(var + eps), with eps (the "
               "number you divided by).", cache_std=lambda std, var, eps: np.sqrt(var)),
        _wrong("cache-inverse-std", "cache[2] must be std = np.sqrt(var + eps), not its "
               "inverse.", cache_std=lambda std, var, eps: 1 / std),
        _wrong("state-not-updated", "bn_state['{key}'] was not updated: in training, "
               "running = momentum * running + (1 - momentum) * batch statistic, stored back into bn_state['{key}'].",
               updates=False),
        _wrong("momentum-swapped", "momentum and 1 - momentum are swapped: "
               "running = momentum * running + (1 - momentum) * batch (momentum, e.g. 0.9, keeps most of the old "
               "value).", keep=lambda momentum: 1 - momentum),
        _wrong("running-is-batch-stat", "bn_state['{key}'] is the batch statistic itself: "
               "average it into the running value, running = momentum * running + (1 - momentum) * batch.",
               keep=lambda momentum: 0.0),
        _wrong("running-var-from-std", "running_var was updated with the standard deviation: "
               "average the batch VARIANCE (the one used to normalise, with 1/m).",
               running_var=lambda var, m: np.sqrt(var)),
        _wrong("running-var-unbiased", "running_var was updated with the variance with "
               "1/(m-1): use the batch variance as used to normalise, with 1/m (np.var's default ddof=0).",
               running_var=lambda var, m: var * m / max(m - 1, 1)),
    ) + TEST_MODE_MISTAKES)


def check_batchnorm_forward(batchnorm_forward, n=3, m=6, m_test=4, momentum=0.9, eps=1e-5, seed=1):
    """Training: batch statistics (axis 1, var with 1/m), running statistics updated in place, cache
    (Z_hat, gamma, std). Test mode (training=False): running statistics normalise, nothing is updated."""
    case = dict(n=n, m=m, m_test=m_test, momentum=momentum, eps=eps, seed=seed)
    run_updating(BATCHNORM_FORWARD, batchnorm_forward, dict(case, training=True), position=3)
    run_updating(replace(BATCHNORM_FORWARD, mistakes=BATCHNORM_FORWARD.mistakes[-TEST_MODE_COUNT:]),  # training was
                 batchnorm_forward,                                                                        # right
                 dict(case, training=False), position=3)
    passed("batchnorm_forward")


# --- batchnorm_backward -----------------------------------------------------------------------------------

def backward_inputs(n=3, m=5, seed=2):
    rng = np.random.default_rng(seed)
    Z = scaled_rows(rng, n, m, small_row=False)
    gamma, beta = rng.uniform(0.5, 2.0, (n, 1)), rng.uniform(-1.0, 1.0, (n, 1))
    _, cache = ref.batchnorm_forward(Z, gamma, beta, ref.initialize_bn_state(n), eps=1e-3)
    return Inputs((rng.standard_normal((n, m)), cache), m)


def bn_backward(dZ_out, cache, *, dbeta=lambda d, Z_hat, gamma, m: np.sum(d, axis=1, keepdims=True) / m,
                dgamma=lambda d, Z_hat, gamma, m: np.sum(d * Z_hat, axis=1, keepdims=True) / m,
                dZ_hat=lambda d, gamma: gamma * d, average=mean, mean_term=True, var_term=True,
                by_std=lambda x, std, m: x / std, order=lambda dZ, dgamma, dbeta: (dZ, dgamma, dbeta)):
    """batchnorm_backward with its pieces as arguments."""
    Z_hat, gamma, std = cache
    m = Z_hat.shape[1]
    g = dZ_hat(dZ_out, gamma)
    dZ = by_std(g - (average(g) if mean_term else 0) - (Z_hat * average(g * Z_hat) if var_term else 0), std, m)
    return order(dZ, dgamma(dZ_out, Z_hat, gamma, m), dbeta(dZ_out, Z_hat, gamma, m))


def _sum(axis, m_divides=True):
    return lambda x, m: np.sum(x, axis=axis, keepdims=True) / (m if m_divides else 1)


BATCHNORM_BACKWARD = Exercise(
    "batchnorm_backward", ref.batchnorm_backward, backward_inputs, dict(n=3, m=5, seed=2),
    (Out("dbeta", (2,), "(n, 1), like beta", per_example=True),
     Out("dgamma", (1,), "(n, 1), like gamma", per_example=True), Out("dZ", (0,), "(n, m), like Z", per_example=True)),
    returns=a_tuple("(dZ, dgamma, dbeta)", value, value, value),
    mistakes=(
        Wrong("wrong-return-order", "batchnorm_backward returned its results in another "
              "order: return (dZ, dgamma, dbeta).",
              partial(bn_backward, order=lambda dZ, dgamma, dbeta: (dbeta, dgamma, dZ))),
        Wrong("dbeta-wrong-axis", "dbeta sums over the wrong axis: examples are columns, "
              "np.sum(dZ_out, axis=1, keepdims=True) / m.",
              partial(bn_backward, dbeta=lambda d, Z_hat, gamma, m: _sum(0)(d, m))),
        Wrong("dgamma-dbeta-swapped", "dbeta and dgamma are swapped: dbeta = (1/m) sum(dZ_out), "
              "dgamma = (1/m) sum(dZ_out * Z_hat).",
              partial(bn_backward, order=lambda dZ, dgamma, dbeta: (dZ, dbeta, dgamma))),
        Wrong("dbeta-not-averaged", "dbeta is a sum over the examples: average it like db, with 1/m.",
              partial(bn_backward, dbeta=lambda d, Z_hat, gamma, m: _sum(1, False)(d, m))),
        Wrong("dgamma-wrong-axis", "dgamma sums over the wrong axis: np.sum(dZ_out * Z_hat, axis=1, "
              "keepdims=True) / m.", partial(bn_backward, dgamma=lambda d, Z_hat, gamma, m: _sum(0)(d * Z_hat, m))),
        Wrong("dgamma-without-z-hat", "dgamma and dbeta are swapped: dgamma = (1/m) sum(dZ_out * "
              "Z_hat), dbeta = (1/m) sum(dZ_out).",
              partial(bn_backward, dgamma=lambda d, Z_hat, gamma, m: _sum(1)(d, m))),
        Wrong("dgamma-times-gamma", "dgamma multiplies dZ_out by gamma: Z_out = gamma * Z_hat + beta, "
              "so dgamma = (1/m) sum(dZ_out * Z_hat).",
              partial(bn_backward, dgamma=lambda d, Z_hat, gamma, m: _sum(1)(d * gamma, m))),
        Wrong("dgamma-not-averaged", "dgamma is a sum over the examples: average it like db, with 1/m.",
              partial(bn_backward, dgamma=lambda d, Z_hat, gamma, m: _sum(1, False)(d * Z_hat, m))),
        Wrong("dz-stats-as-constants", "dZ = gamma * dZ_out / std treats mu and var as constants: they depend "
              "on every z of the batch, which adds the terms - mean(dZ_hat) - Z_hat * mean(dZ_hat * Z_hat).",
              partial(bn_backward, mean_term=False, var_term=False)),
        Wrong("dz-no-var-term", "dZ misses the term - Z_hat * mean(dZ_hat * Z_hat), which comes from the "
              "variance's dependence on z.", partial(bn_backward, var_term=False)),
        Wrong("dz-no-mean-term", "dZ misses the term - mean(dZ_hat), which comes from the mean's "
              "dependence on z.", partial(bn_backward, mean_term=False)),
        Wrong("dz-without-gamma", "dZ uses dZ_out where dZ_hat = gamma * dZ_out belongs: multiply by gamma "
              "first.", partial(bn_backward, dZ_hat=lambda d, gamma: d)),
        Wrong("dz-times-std", "dZ multiplies by std: divide by it, dZ = (...) / std.",
              partial(bn_backward, by_std=lambda x, std, m: x * std)),
        Wrong("dz-sums-not-means", "dZ uses sums where the formula has means: mean(dZ_hat) = (1/m) "
              "sum(dZ_hat, axis=1).", partial(bn_backward, average=lambda x: np.sum(x, axis=1, keepdims=True))),
        Wrong("dz-means-wrong-axis", "The means in dZ are over the wrong axis: average over the examples, "
              "axis=1, keepdims=True.", partial(bn_backward, average=lambda x: np.mean(x, axis=0, keepdims=True))),
        Wrong("dz-divided-by-m", "dZ has an extra 1/m: the 1/m belongs to dgamma and dbeta (and dW); dZ is in "
              "the same convention as dZ_out.", partial(bn_backward, by_std=lambda x, std, m: x / std / m)),
    ))


# --- the network: L_model_forward_bn ---------------------------------------------------------------------

def other(hidden_activation):
    return "sigmoid" if hidden_activation == "relu" else "relu"


def network_inputs(layer_dims=(4, 5, 3, 1), m=6, hidden_activation="sigmoid", seed=3, training=True):
    rng = np.random.default_rng(seed)
    parameters = bn_parameters(rng, layer_dims)
    X = rng.standard_normal((layer_dims[0], m)) * 2 + 1
    states = [bn_state(rng, n) for n in layer_dims[1:-1]]
    return Inputs((X, parameters, states, training, hidden_activation), m)


# The mistakes' steps (helpers.network), and caches changed the way a mistake changes them.

def keeping_Z(caches):
    """The caches with Z = W A_prev in the place of each hidden layer's Z_tilde."""
    return [(linear, bn, linear[1] @ linear[0]) for linear, bn, _ in caches[:-1]] + [caches[-1]]


def _no_batchnorm_forward(Z, l, parameters, settings):
    return Z, (Z, parameters[f"gamma{l}"], np.ones_like(Z[:, :1]))


def _skipped_batchnorm_backward(dZ_tilde, cache, l, grads, settings):
    grads[f"dgamma{l}"] = grads[f"dbeta{l}"] = 0 * cache[1]
    return dZ_tilde


#: Batch norm left out: Z_tilde = Z (its cache (Z, gamma, 1)); backward passes dZ_tilde on, dgamma = dbeta = 0.
NO_BATCHNORM = nets.Step("batchnorm", _no_batchnorm_forward, _skipped_batchnorm_backward)
#: The output layer batch-normalised too (gamma 1, beta 0, a fresh state), then sigmoid; cache ZL.
BATCHNORM_SIGMOID_OUTPUT = nets.output_activation("sigmoid output", lambda Z: deep.sigmoid(
    ref.batchnorm_forward(Z, np.ones((1, 1)), np.zeros((1, 1)), ref.initialize_bn_state(1))[0]))
#: The two together: batchnorm_backward's dZ for dW, and dZ_tilde (passed on in a pair) for dA_prev = W^T dZ_tilde.
BATCHNORM_PASSING_DZ_TILDE = nets.Step("batchnorm", nets.BATCHNORM.forward, lambda dZ_tilde, *rest: (
    nets.BATCHNORM.backward(dZ_tilde, *rest), dZ_tilde))
LINEAR_NO_BIAS_OF_A_PAIR = nets.Step("linear (no bias)", nets.LINEAR_NO_BIAS.forward, lambda pair, cache, *rest: (
    nets.LINEAR_NO_BIAS.backward(pair[0], cache, *rest), cache[1].T @ pair[1])[1])


def bn_layer(g, *, after=False, no_bn=False, kept_A=False):
    """The steps of a hidden layer of the batch-norm network with activation step g, with its pieces as arguments:
    batch norm after g, no batch norm, the cache keeping A in place of Z_tilde."""
    bn = NO_BATCHNORM if no_bn else nets.BATCHNORM
    if after:
        return nets.LINEAR_NO_BIAS, nets.Step("g, then batch norm", lambda Z, *rest: bn.forward(
            g.forward(Z, *rest)[0], *rest), None), IDENTITY
    return nets.LINEAR_NO_BIAS, bn, caching_its_output(g) if kept_A else g


def forward_bn(X, parameters, bn_states, training=True, hidden_activation="relu", *, swap=False, bn_output=False,
               pass_training=True, copied_states=False, after=False, kept_Z=False, **pieces):
    """L_model_forward_bn with its pieces as arguments: the hidden layers bn_layer(g, after, **pieces), the other
    activation (swap), batch norm on the output layer, training not passed on, the states copied, the caches
    keeping Z in place of Z_tilde (kept_Z, and after: Z_tilde is Z there)."""
    g = nets.HIDDEN[other(hidden_activation) if swap else hidden_activation]
    output = BATCHNORM_SIGMOID_OUTPUT if bn_output else nets.SIGMOID_OUTPUT
    net = nets.stack(bn_layer(g, after=after, **pieces), (nets.LINEAR, output), len(bn_states) + 1)
    settings = {"bn_states": [dict(state) for state in bn_states] if copied_states else bn_states,
                "training": training if pass_training else True, "momentum": 0.9, "eps": 1e-5}
    AL, caches = nets.forward(X, parameters, net, settings)
    return AL, keeping_Z(caches) if kept_Z or after else caches


@dataclass(frozen=True)
class NetworkStructure:
    """(AL, caches): caches holds ((A_prev, W), bn_cache, Z_tilde) per hidden layer, ((A_prev, WL, bL), ZL) last
    (a value, not a closure, for the student edition)."""
    L: int

    def __call__(self, name, result):
        L = self.L
        caches = expect_tuple(name, result[0], 2, "a tuple (AL, caches)")[1]
        if not isinstance(caches, (list, tuple)):
            fail(f"caches must be a list with one cache per layer, got {type(caches).__name__}.",
                 mistake="L_model_forward_bn.caches-not-a-list")
        if len(caches) != L:
            fail(f"caches has {len(caches)} entries, expected L = {L} (one per layer, the output layer included).",
                 mistake="L_model_forward_bn.caches-wrong-length")
        for l, cache in enumerate(caches[:-1], start=1):
            label = f"caches[{l - 1}] (hidden layer {l})"
            if not isinstance(cache, (tuple, list)) or len(cache) != 3:
                fail(f"{label} must be the tuple ((A_prev, W), bn_cache, Z_tilde).",
                     mistake="L_model_forward_bn.hidden-cache-malformed")
            if not isinstance(cache[0], (tuple, list)) or len(cache[0]) != 2:
                fail(f"{label}[0] must be the pair (A_prev, W): a batch-normalised layer has no b.",
                     mistake="L_model_forward_bn.linear-cache-malformed")
            if not isinstance(cache[1], (tuple, list)) or len(cache[1]) != 3:
                fail(f"{label}[1] must be the cache returned by batchnorm_forward, (Z_hat, gamma, std).",
                     mistake="L_model_forward_bn.bn-cache-malformed")
        last = caches[-1]
        if not isinstance(last, (tuple, list)) or len(last) != 2 or not isinstance(last[0], (tuple, list)) \
                or len(last[0]) != 3:
            fail(f"caches[{L - 1}] (output layer {L}) must be ((A_prev, WL, bL), ZL), the cache of helpers.deep's "
                 f"linear_activation_forward(A, WL, bL, 'sigmoid').",
                 mistake="L_model_forward_bn.output-cache-malformed")


def network_outputs(layer_dims, training, **case):
    L = len(layer_dims) - 1
    hidden = [(f"caches[{l - 1}] (hidden layer {l})", (0, 1, l - 1)) for l in range(1, L)]
    return dict(returns=NetworkStructure(L), outputs=(Out(f"AL (training={training})", (0, 0), "(1, m)"),) + tuple(
        Out(f"{label}{where}", path + steps, layout) for label, path in hidden for where, steps, layout in (
            ("[0][0] (A_prev)", (0, 0), "(n[l-1], m): the layer's input"), ("[0][1] (W)", (0, 1), "(n[l], n[l-1])"),
            ("[1][0] (Z_hat)", (1, 0), ""), ("[1][1] (gamma)", (1, 1), ""), ("[1][2] (std)", (1, 2), ""),
            ("[2] (Z_tilde)", (2,), "(n[l], m): the output of batch norm, the input of the activation"))) + tuple(
        Out(f"caches[{L - 1}] (output layer {L}){where}", (0, 1, L - 1) + steps) for where, steps in (
            ("[0] (A_prev)", (0, 0)), ("[0] (W)", (0, 1)), ("[0] (b)", (0, 2)), ("[1] (ZL)", (1,)))) + tuple(
        Out(f"bn_states[{l - 1}]['{key}'] after {'training' if training else 'a test-mode call'}", (1, l - 1, key),
            "(n[l], 1)") for l in range(1, L) for key in STATE_KEYS))


def _forward_wrong(id_, hint, **pieces):
    return Wrong(f"L_model_forward_bn.{id_}" if "." not in id_ else id_, hint, partial(forward_bn, **pieces))


#: The one mistake of test mode only (training right): the only one named in test mode.
TRAINING_NOT_PASSED_ON = _forward_wrong(
    "training-not-passed", "With training=False the batch's statistics were used: pass training on, "
    "batchnorm_forward(..., training=training), which then normalises with the running statistics (and leaves them "
    "alone).", pass_training=False)

L_MODEL_FORWARD_BN = Exercise(
    "L_model_forward_bn", ref.L_model_forward_bn, network_inputs,
    dict(layer_dims=(4, 5, 3, 1), m=6, hidden_activation="sigmoid", seed=3, training=True), (),
    per_case=network_outputs, unmodified=(0,),
    mistakes=(
        _forward_wrong("hidden-activation", "AL is wrong: the hidden layers use the other activation: apply "
                       "hidden_activation, not always the same function.", swap=True),
        _forward_wrong("bn-after-activation", "AL is wrong: batch norm comes after the activation: this network "
                       "normalises Z, before the activation: Z = W A_prev, Z_tilde = BN(Z), A = g(Z_tilde).",
                       after=True),
        _forward_wrong("bn-on-output-layer", "AL is wrong: the output layer is batch-normalised too: only the "
                       "hidden layers are; the output layer is ZL = WL A + bL, then sigmoid.", bn_output=True),
        _forward_wrong("no-batch-norm", "AL is wrong: there is no batch norm: Z_tilde = batchnorm_forward(W A_prev, "
                       "gamma, beta, bn_states[l - 1], ...).", no_bn=True),
        _forward_wrong("states-not-updated", "bn_states[l - 1]['{key}'] did not change in training: pass "
                       "bn_states[l - 1], the state of layer l, to batchnorm_forward (it updates it in place).",
                       copied_states=True),
        _forward_wrong("cache-keeps-a", "The cache keeps the activation A: keep "
                       "Z_tilde, the input of the activation (its derivative needs it).", kept_A=True),
        _forward_wrong("cache-keeps-z", "The cache keeps Z = W A_prev: keep Z_tilde, the "
                       "output of batch norm (the activation's input).", kept_Z=True),
        TRAINING_NOT_PASSED_ON,                 # last: test mode names it alone (check_L_model_forward_bn)
    ))


def as_parameter_dict(args):
    """L_model_forward_bn's arguments, its parameters as the ParameterDict that says why a b{l} is missing."""
    return (args[0], ParameterDict(args[1])) + tuple(args[2:])


def check_L_model_forward_bn(L_model_forward_bn, layer_dims=(4, 5, 3, 1), m=6, hidden_activation="sigmoid", seed=3):
    """[W A_prev (no bias) -> batchnorm_forward -> g] for l < L, then WL A + bL -> sigmoid; caches[l-1] =
    ((A_prev, W{l}), bn_cache, Z_tilde{l}) for l < L and ((A_prev, WL, bL), ZL); training is passed on."""
    def both_modes():
        for training, exercise in ((True, L_MODEL_FORWARD_BN),
                                   (False, replace(L_MODEL_FORWARD_BN, mistakes=L_MODEL_FORWARD_BN.mistakes[-1:]))):
            run_updating(exercise, L_model_forward_bn, dict(layer_dims=layer_dims, m=m, seed=seed, training=training,
                                                            hidden_activation=hidden_activation), position=2,
                         prepare=as_parameter_dict)
    graded_on_its_own(L_model_forward_bn, "L_model_forward_bn", {"batchnorm_forward": ref.batchnorm_forward},
                      both_modes)



# --- the network: L_model_backward_bn --------------------------------------------------------------------

def network_backward_inputs(layer_dims=(4, 5, 3, 1), m=6, hidden_activation="sigmoid", seed=4):
    rng = np.random.default_rng(seed)
    parameters = bn_parameters(rng, layer_dims)
    X = rng.standard_normal((layer_dims[0], m)) * 2 + 1
    Y = labels(rng, m)
    AL, caches = ref.L_model_forward_bn(X, parameters, ref.initialize_bn_states(layer_dims),
                                        hidden_activation=hidden_activation)
    return Inputs((AL, Y, caches, hidden_activation), m)


def backward_bn(AL, Y, caches, hidden_activation="relu", *, swap=False, skip_bn=False, dA_from_tilde=False,
                slope_at_Z=False):
    """L_model_backward_bn with its pieces as arguments: the other activation's derivative (swap), batch norm skipped,
    dA_prev = W^T dZ_tilde, the derivative taken at Z (the caches keeping Z = W A_prev in place of Z_tilde)."""
    L = len(caches)
    net = ref.bn_network(L, other(hidden_activation) if swap else hidden_activation)
    if skip_bn:
        net = nets.swap(net, "batchnorm", NO_BATCHNORM)
    if dA_from_tilde:
        net = nets.swap(nets.swap(net, "batchnorm", BATCHNORM_PASSING_DZ_TILDE), "linear (no bias)",
                           LINEAR_NO_BIAS_OF_A_PAIR)
    if slope_at_Z:
        caches = keeping_Z(caches)
    return nets.backward(AL - Y, caches, net, dA_keys=False)


def bn_grads_keys(L) -> list:
    return [f"{p}{l}" for l in range(1, L) for p in ("dW", "dgamma", "dbeta")] + [f"dW{L}", f"db{L}"]


@dataclass(frozen=True)
class BnGradsKeys:
    """The gradients of an L-layer batch-norm network: dW, dgamma, dbeta per hidden layer, dWL and dbL (a value,
    not a closure, for the student edition)."""
    L: int

    def __call__(self, name, grads):
        if isinstance(grads, dict) and "db1" in grads and self.L > 1 and "dbeta1" not in grads:
            fail("grads has 'db1': a batch-normalised hidden layer has no b; its gradients are dW{l}, dgamma{l} "
                 "and dbeta{l}, from batchnorm_backward.",
                 mistake="L_model_backward_bn.grads-has-db")
        a_dict("grads", bn_grads_keys(self.L))(name, grads)


def _grads_keys(layer_dims, **case):
    L = len(layer_dims) - 1
    return dict(returns=BnGradsKeys(L), outputs=tuple(Out(f"grads['{key}']", (key,), "like " + key[1:],
                                                          per_example=True) for key in bn_grads_keys(L)))


L_MODEL_BACKWARD_BN = Exercise(
    "L_model_backward_bn", ref.L_model_backward_bn, network_backward_inputs,
    dict(layer_dims=(4, 5, 3, 1), m=6, hidden_activation="sigmoid", seed=4), (), per_case=_grads_keys,
    blocks={"batchnorm_backward": ref.batchnorm_backward}, unmodified=(0, 1),
    mistakes=(
        Wrong("hidden-activation", "{key} is wrong: the hidden layers' derivative is the other activation's: use "
              "hidden_activation.", partial(backward_bn, swap=True)),
        Wrong("batch-norm-skipped", "{key} is wrong: batch norm was skipped in the backward pass: (dZ, dgamma, dbeta) "
              "= batchnorm_backward(dZ_tilde, bn_cache), then dW = (1/m) dZ A_prev^T.",
              partial(backward_bn, skip_bn=True)),
        Wrong("da-from-dz-tilde", "{key} is wrong: dA_prev = W^T dZ_tilde skips batch norm: use dZ, the gradient after "
              "batchnorm_backward, dA_prev = W^T dZ.", partial(backward_bn, dA_from_tilde=True)),
        Wrong("slope-at-z", "{key} is wrong: the activation's derivative was taken at Z = W A_prev: take it at "
              "Z_tilde, the activation's input (cache[2]).", partial(backward_bn, slope_at_Z=True)),
    ))


# --- challenge: batch norm on mini-batches ----------------------------------------------------------------

def minibatch_inputs(n=3, m=23, batch_size=5, momentum=0.8, seed=11):
    return Inputs((scaled_rows(np.random.default_rng(seed), n, m, small_row=False), batch_size, momentum))


def minibatches(Z, batch_size, momentum=0.9, *, size=lambda batch_size, m: batch_size,
                starts=lambda m, size: range(0, m, size), fresh_state=False, keep=lambda momentum: momentum):
    """minibatch_running_statistics with its pieces as arguments."""
    n, m = Z.shape
    state, means = ref.initialize_bn_state(n), []
    size = size(batch_size, m)
    for start in starts(m, size):
        state = ref.initialize_bn_state(n) if fresh_state else state
        batch = Z[:, start:start + size]
        ref.batchnorm_forward(batch, np.ones((n, 1)), np.zeros((n, 1)), state, momentum=keep(momentum))
        means.append(np.mean(batch, axis=1))
    return state, np.stack(means, axis=1)


MINIBATCH_RUNNING_STATISTICS = Exercise(
    "minibatch_running_statistics", ref.minibatch_running_statistics, minibatch_inputs,
    dict(n=3, m=23, batch_size=5, momentum=0.8, seed=11),
    (Out("batch_means", (1,), "(n, number of batches): one column per mini-batch"),) + tuple(
        Out(f"bn_state['{key}']", (0, key), "(n, 1)") for key in STATE_KEYS),
    returns=a_tuple("(bn_state, batch_means)", a_dict("bn_state", STATE_KEYS), value),
    blocks={"batchnorm_forward": ref.batchnorm_forward},
    mistakes=(
        Wrong("whole-batch", "the running statistics saw the whole Z as one batch: in mini-batch training every batch "
              "is a separate training call of batchnorm_forward, and each one updates the running statistics.",
              partial(minibatches, size=lambda batch_size, m: m)),
        Wrong("last-batch-dropped", "the last, smaller batch was dropped: when m is not a multiple of batch_size the "
              "remaining columns form one more batch, which updates the running statistics too.",
              partial(minibatches, starts=lambda m, size: range(0, m - size + 1, size))),
        Wrong("fresh-state-each-batch", "the running statistics were started afresh for every batch: create ONE "
              "bn_state before the loop and pass the same dict to every call, which updates it in place.",
              partial(minibatches, fresh_state=True)),
        Wrong("momentum-swapped", "momentum and 1 - momentum are swapped: pass momentum=momentum on to "
              "batchnorm_forward.", partial(minibatches, keep=lambda momentum: 1 - momentum)),
    ))


check_standardize_inputs = check(STANDARDIZE_INPUTS)
check_batchnorm_backward = check(BATCHNORM_BACKWARD)
check_L_model_backward_bn = check(L_MODEL_BACKWARD_BN)
check_minibatch_running_statistics = check(MINIBATCH_RUNNING_STATISTICS)

#: The exercises described as data (the tests feed each named mistake in).
EXERCISES = (STANDARDIZE_INPUTS, BATCHNORM_FORWARD, BATCHNORM_BACKWARD, L_MODEL_FORWARD_BN, L_MODEL_BACKWARD_BN,
             MINIBATCH_RUNNING_STATISTICS)
CHALLENGES = (MINIBATCH_RUNNING_STATISTICS,)     # optional and ungraded: no hidden test
