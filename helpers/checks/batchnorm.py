"""Checks for notebook 05 (batch normalization). Each `check_*` takes the student's function, runs it
on fresh inputs (sizes and seed are arguments, so hidden tests use new ones) and raises
ExerciseFailure naming the mistake, or prints a success line.

The named mistakes are computed here with the typical bug (a variant of the reference in
helpers.batchnorm), so a hint appears only when the student's value really equals that bug's value.

The network exercises (L_model_forward_bn, L_model_backward_bn) call the student's batchnorm_forward /
batchnorm_backward. Their checks put the reference in place of those for the duration of the check
(when the student's function looks them up by name in the notebook), so that each test grades only
its own exercise: a mistake in batchnorm_forward fails test_batchnorm_forward, not the network's test.
"""
from __future__ import annotations

import numpy as np

from .. import batchnorm as ref
from .. import deep
from .core import (Mistake, composed_of, expect_array, expect_keys, expect_tuple, fail, graded_on_its_own, passed,
                   student_call)
from .core import copy_inputs as _copy, same_array as _same


# --- inputs and helpers -----------------------------------------------------------------------------


def _scaled_rows(rng, n, m, small_row=True):
    """Rows of very different means and scales; with small_row, one row of tiny variance (where eps
    matters, so that sqrt(var + eps) and sqrt(var) + eps differ clearly)."""
    scales = np.geomspace(0.5, 5.0, n)
    if small_row:
        scales[0] = 0.004
    means = rng.uniform(-3, 3, (n, 1))
    return means + scales[:, None] * rng.standard_normal((n, m))


def _state(rng, n):
    return {"running_mean": rng.uniform(-1, 1, (n, 1)), "running_var": rng.uniform(0.5, 2.0, (n, 1))}


def _labels(rng, m):
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    Y[0, :2] = [0.0, 1.0]
    return Y


def _bn_parameters(rng, dims):
    """A batch-norm network's parameters with gamma != 1 and beta != 0, so that both matter."""
    L = len(dims) - 1
    parameters = _ParameterDict()
    for l in range(1, L):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        parameters[f"gamma{l}"] = rng.uniform(0.5, 1.5, (dims[l], 1))
        parameters[f"beta{l}"] = rng.uniform(-0.5, 0.5, (dims[l], 1))
    parameters[f"W{L}"] = rng.standard_normal((dims[L], dims[L - 1])) / np.sqrt(dims[L - 1])
    parameters[f"b{L}"] = rng.uniform(-0.3, 0.3, (dims[L], 1))
    return parameters


class _ParameterDict(dict):
    """A parameters dict whose missing b{l} says why it is missing."""

    def __missing__(self, key):
        if isinstance(key, str) and key.startswith("b") and key[1:].isdigit():
            raise KeyError(f"{key!r}: a batch-normalised hidden layer has no bias (beta{key[1:]} replaces it): "
                           f"Z = W A_prev, then batch norm; only the output layer has a b")
        raise KeyError(key)


def _check_state(label, state, expected, before, batch_mu, batch_var, momentum, m, *, training):
    """bn_state after a call: updated (training) or unchanged (test mode), with named mistakes."""
    expect_keys(label, state, ("running_mean", "running_var"))
    if not training:
        for key in ("running_mean", "running_var"):
            if not _same(state[key], before[key]):
                fail(f"{label}['{key}'] changed with training=False: at test time the running statistics "
                     f"normalise and are not updated (only training updates them).", mistake="check_state.changed-with-training-false-at-test")
        return
    for key, batch in (("running_mean", batch_mu), ("running_var", batch_var)):
        old = before[key]
        mistakes = [
            Mistake(f"{label}['{key}'] was not updated: in training, running = momentum * running + "
                    f"(1 - momentum) * batch statistic, stored back into bn_state['{key}'].", old, id="check_state.was-not-updated-in-training-running"),
            Mistake(f"momentum and 1 - momentum are swapped: running = momentum * running + (1 - momentum) * "
                    f"batch (momentum = {momentum} keeps most of the old value).",
                    (1 - momentum) * old + momentum * batch, id="check_state.momentum-and-momentum-are-swapped-running"),
            Mistake(f"{label}['{key}'] is the batch statistic itself: average it into the running value, "
                    f"running = momentum * running + (1 - momentum) * batch.", batch, id="check_state.is-the-batch-statistic-itself-average"),
        ]
        if key == "running_var":
            mistakes.append(Mistake("running_var was updated with the standard deviation: average the batch "
                                    "VARIANCE (the one used to normalise, with 1/m).",
                                    momentum * old + (1 - momentum) * np.sqrt(batch), id="check_state.running-var-was-updated-with-the"))
            mistakes.append(Mistake("running_var was updated with the variance with 1/(m-1): use the batch "
                                    "variance as used to normalise, with 1/m (np.var's default ddof=0).",
                                    momentum * old + (1 - momentum) * batch * m / max(m - 1, 1), id="check_state.running-var-was-updated-with-the-2"))
        expect_array(f"{label}['{key}'] after a training call", state[key], expected[key], what="(n, 1)",
                     mistakes=mistakes)


# --- exercises -------------------------------------------------------------------------------------

def check_standardize_inputs(standardize_inputs, n_x=3, m_train=8, m_other=5, seed=0):
    """mu, sigma from X_train only (per feature, axis 1, 1/m); both sets standardised with them."""
    rng = np.random.default_rng(seed)
    X_train = _scaled_rows(rng, n_x, m_train, small_row=False)
    X_other = X_train[:, :1] + 2.0 * rng.standard_normal((n_x, m_other)) * X_train.std(axis=1, keepdims=True)
    train0, other0 = X_train.copy(), X_other.copy()
    result = student_call(standardize_inputs, "standardize_inputs", X_train, X_other)
    if not np.array_equal(X_train, train0) or not np.array_equal(X_other, other0):
        fail("standardize_inputs modified its inputs in place (X -= mu ...): compute new arrays, "
             "X_train_std = (X_train - mu) / sigma.", mistake="standardize_inputs.standardize-inputs-modified-its-inputs-in")
    train_std, other_std, mu, sigma = expect_tuple("standardize_inputs", result, 4,
                                                    "a tuple (X_train_std, X_other_std, mu, sigma)")
    e_train, e_other, e_mu, e_sigma = ref.standardize_inputs(train0, other0)
    both = np.hstack([train0, other0])
    expect_array("mu", mu, e_mu, what="(n_x, 1): one mean per feature (row)", mistakes=[
        Mistake("mu is the mean of each example (column): features are rows, so average over the examples, "
                "np.mean(X_train, axis=1, keepdims=True).", np.mean(train0, axis=0, keepdims=True), id="standardize_inputs.mu-is-the-mean-of-each"),
        Mistake("mu is the mean of each example (column): features are rows, so average over the examples, "
                "np.mean(X_train, axis=1, keepdims=True).", np.mean(train0, axis=0), id="standardize_inputs.mu-is-the-mean-of-each-2"),
        Mistake("mu was computed on the training AND the other set: the statistics come from the training set "
                "only (slide 20); the dev/test sets are transformed with them.", np.mean(both, axis=1, keepdims=True), id="standardize_inputs.mu-was-computed-on-the-training"),
        Mistake("mu was computed on X_other: the statistics come from the training set only (slide 20).",
                np.mean(other0, axis=1, keepdims=True), id="standardize_inputs.mu-was-computed-on-x-other"),
    ])
    var = np.var(train0, axis=1, keepdims=True)
    expect_array("sigma", sigma, e_sigma, what="(n_x, 1): one standard deviation per feature", mistakes=[
        Mistake("sigma is the variance: the slide divides by the standard deviation, sigma = np.std(X_train, "
                "axis=1, keepdims=True) (the square root of the variance).", var, id="standardize_inputs.sigma-is-the-variance-the-slide"),
        Mistake("sigma uses 1/(m-1) (ddof=1): the course uses np.std's default, 1/m.",
                np.std(train0, axis=1, ddof=1, keepdims=True), id="standardize_inputs.sigma-uses-m-ddof-the-course"),
        Mistake("sigma is the standard deviation of each example (column): use axis=1, over the examples.",
                np.std(train0, axis=0, keepdims=True), id="standardize_inputs.sigma-is-the-standard-deviation-of"),
        Mistake("sigma was computed on the training AND the other set: the statistics come from the training "
                "set only.", np.std(both, axis=1, keepdims=True), id="standardize_inputs.sigma-was-computed-on-the-training"),
    ])
    expect_array("X_train_std", train_std, e_train, what="(n_x, m_train), like X_train", mistakes=[
        Mistake("X_train_std was divided by the variance: divide by the standard deviation sigma.",
                (train0 - e_mu) / var, id="standardize_inputs.x-train-std-was-divided-by"),
        Mistake("X_train_std is only centred: divide by sigma as well.", train0 - e_mu, id="standardize_inputs.x-train-std-is-only-centred"),
        Mistake("X_train_std is only scaled: subtract mu first, (X_train - mu) / sigma.", train0 / e_sigma, id="standardize_inputs.x-train-std-is-only-scaled"),
    ])
    with np.errstate(all="ignore"):       # a single example has standard deviation 0
        own = (other0 - np.mean(other0, axis=1, keepdims=True)) / np.std(other0, axis=1, keepdims=True)
    expect_array("X_other_std", other_std, e_other, what="(n_x, m_other), like X_other", mistakes=[
        Mistake("X_other was standardised with its own mean and standard deviation: use the TRAINING set's mu "
                "and sigma (slide 20). The network learned on inputs transformed that way; a dev/test set, or a "
                "single new example, must go through exactly the same transformation.", own, id="standardize_inputs.x-other-was-standardised-with-its"),
        Mistake("X_other was standardised with the statistics of both sets together: use the training set's "
                "mu and sigma only.",
                (other0 - np.mean(both, axis=1, keepdims=True)) / np.std(both, axis=1, keepdims=True), id="standardize_inputs.x-other-was-standardised-with-the"),
        Mistake("X_other_std was divided by the variance: divide by the standard deviation sigma.",
                (other0 - e_mu) / var, id="standardize_inputs.x-other-std-was-divided-by"),
        Mistake("X_other_std is X_other unchanged: transform it with the training set's mu and sigma.", other0, id="standardize_inputs.x-other-std-is-x-other"),
    ])
    passed("standardize_inputs")


def check_batchnorm_forward(batchnorm_forward, n=3, m=6, m_test=4, momentum=0.9, eps=1e-5, seed=1):
    """Training: batch statistics (axis 1, var with 1/m), running statistics updated in place, cache
    (Z_hat, gamma, std). Test mode (training=False): running statistics normalise, nothing is updated."""
    rng = np.random.default_rng(seed)
    Z = _scaled_rows(rng, n, m)
    gamma = rng.uniform(0.5, 2.0, (n, 1))
    beta = rng.uniform(-1.0, 1.0, (n, 1))
    state0 = _state(rng, n)
    state = _copy(state0)
    result = student_call(batchnorm_forward, "batchnorm_forward", Z.copy(), gamma.copy(), beta.copy(), state,
                          training=True, momentum=momentum, eps=eps)
    Z_out, cache = expect_tuple("batchnorm_forward", result, 2, "a tuple (Z_out, cache)")
    expected_state = _copy(state0)
    expected, (Z_hat, _, std) = ref.batchnorm_forward(Z, gamma, beta, expected_state, True, momentum, eps)
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)

    def out(center, scale):
        return gamma * (Z - center) / scale + beta

    mu0, var0 = np.mean(Z, axis=0, keepdims=True), np.var(Z, axis=0, keepdims=True)
    with np.errstate(all="ignore"):
        mistakes = [
            Mistake("You normalised with sqrt(std + eps): the slide divides by sqrt(var + eps), with the VARIANCE "
                    "var = np.mean((Z - mu)**2, axis=1, keepdims=True).", out(mu, np.sqrt(np.sqrt(var) + eps)), id="batchnorm_forward.you-normalised-with-sqrt-std-eps"),
            Mistake("You divided by var + eps: take the square root, Z_hat = (Z - mu) / np.sqrt(var + eps).",
                    out(mu, var + eps), id="batchnorm_forward.you-divided-by-var-eps-take"),
            Mistake("You divided by var: Z_hat = (Z - mu) / np.sqrt(var + eps).", out(mu, var), id="batchnorm_forward.you-divided-by-var-z-hat"),
            Mistake("eps is outside the square root: Z_hat = (Z - mu) / np.sqrt(var + eps), not "
                    "(np.sqrt(var) + eps).", out(mu, np.sqrt(var) + eps), id="batchnorm_forward.eps-is-outside-the-square-root"),
            Mistake("eps is missing: Z_hat = (Z - mu) / np.sqrt(var + eps) (eps keeps a unit with zero variance "
                    "finite).", out(mu, np.sqrt(var)), id="batchnorm_forward.eps-is-missing-z-hat-z"),
            Mistake("The statistics are over the wrong axis: one mean and variance per unit (row), over the "
                    "examples: np.mean(Z, axis=1, keepdims=True).", out(mu0, np.sqrt(var0 + eps)), id="batchnorm_forward.the-statistics-are-over-the-wrong"),
            Mistake("The variance uses 1/(m-1): batch norm uses 1/m (np.var's default ddof=0, or "
                    "np.mean((Z - mu)**2, axis=1, keepdims=True)).",
                    out(mu, np.sqrt(var * m / max(m - 1, 1) + eps)), id="batchnorm_forward.the-variance-uses-m-batch-norm"),
            Mistake("gamma and beta are swapped: Z_out = gamma * Z_hat + beta (gamma scales, beta shifts).",
                    beta * Z_hat + gamma, id="batchnorm_forward.gamma-and-beta-are-swapped-z"),
            Mistake("You returned Z_hat: scale and shift it, Z_out = gamma * Z_hat + beta.", Z_hat, id="batchnorm_forward.you-returned-z-hat-scale-and"),
            Mistake("In training, normalise with the BATCH's mean and variance: the running statistics are "
                    "for test time (training=False).",
                    out(state0["running_mean"], np.sqrt(state0["running_var"] + eps)), id="batchnorm_forward.in-training-normalise-with-the-batch"),
            Mistake("In training, normalise with the batch's statistics, not the freshly updated running ones.",
                    out(expected_state["running_mean"], np.sqrt(expected_state["running_var"] + eps)), id="batchnorm_forward.in-training-normalise-with-the-batch-2"),
            Mistake("The mean is not subtracted: Z_hat = (Z - mu) / np.sqrt(var + eps).", out(0.0, std), id="batchnorm_forward.the-mean-is-not-subtracted-z"),
        ]
    expect_array("Z_out (training=True)", Z_out, expected, what="(n, m), like Z", mistakes=mistakes)
    _check_cache(cache, Z_hat, gamma, std, var, eps)
    _check_state("bn_state", state, expected_state, state0, mu, var, momentum, m, training=True)

    # test mode: the running statistics normalise, nothing changes
    Z_test = _scaled_rows(rng, n, m_test)
    state0 = _state(rng, n)
    state = _copy(state0)
    result = student_call(batchnorm_forward, "batchnorm_forward", Z_test.copy(), gamma.copy(), beta.copy(), state,
                          training=False, momentum=momentum, eps=eps)
    Z_out, _ = expect_tuple("batchnorm_forward", result, 2, "a tuple (Z_out, cache)")
    expected, _ = ref.batchnorm_forward(Z_test, gamma, beta, _copy(state0), False, momentum, eps)
    rm, rv = state0["running_mean"], state0["running_var"]
    mu_t = np.mean(Z_test, axis=1, keepdims=True)
    var_t = np.var(Z_test, axis=1, keepdims=True)
    updated = _copy(state0)
    ref.batchnorm_forward(Z_test, gamma, beta, updated, True, momentum, eps)
    with np.errstate(all="ignore"):
        test_mistakes = [
            Mistake("With training=False you normalised with the batch's statistics: at test time use the "
                    "running statistics, bn_state['running_mean'] and bn_state['running_var']. A test batch may "
                    "hold a single example, whose own variance is 0.",
                    gamma * (Z_test - mu_t) / np.sqrt(var_t + eps) + beta, id="batchnorm_forward.with-training-false-you-normalised-with"),
            Mistake("With training=False you updated the running statistics and normalised with them: at test "
                    "time use them as they are, and leave bn_state unchanged.",
                    gamma * (Z_test - updated["running_mean"]) / np.sqrt(updated["running_var"] + eps) + beta, id="batchnorm_forward.with-training-false-you-updated-the"),
            Mistake("eps is outside the square root: (Z - running_mean) / np.sqrt(running_var + eps).",
                    gamma * (Z_test - rm) / (np.sqrt(rv) + eps) + beta, id="batchnorm_forward.eps-is-outside-the-square-root-2"),
            Mistake("You divided by running_var: take the square root, np.sqrt(running_var + eps).",
                    gamma * (Z_test - rm) / (rv + eps) + beta, id="batchnorm_forward.you-divided-by-running-var-take"),
            Mistake("At test time too, scale and shift: Z_out = gamma * Z_hat + beta.",
                    (Z_test - rm) / np.sqrt(rv + eps), id="batchnorm_forward.at-test-time-too-scale-and"),
        ]
    expect_array(f"Z_out (training=False, {m_test} example{'s' if m_test != 1 else ''})", Z_out, expected,
                 what="(n, m), like Z", mistakes=test_mistakes)
    _check_state("bn_state", state, state0, state0, mu_t, var_t, momentum, m_test, training=False)
    passed("batchnorm_forward")


def _check_cache(cache, Z_hat, gamma, std, var, eps):
    if not isinstance(cache, (tuple, list)) or len(cache) != 3:
        got = f"a {type(cache).__name__}" + (f" of length {len(cache)}" if isinstance(cache, (tuple, list)) else "")
        fail(f"cache must be the tuple (Z_hat, gamma, std) that batchnorm_backward unpacks, got {got}.", mistake="check_cache.cache-must-be-the-tuple-z")
    expect_array("cache[0] (Z_hat)", cache[0], Z_hat, what="(n, m): the normalised Z, (Z - mu) / std")
    expect_array("cache[1] (gamma)", cache[1], gamma, what="(n, 1)")
    expect_array("cache[2] (std)", cache[2], std, what="(n, 1): std = np.sqrt(var + eps)", mistakes=[
        Mistake("cache[2] must be std = np.sqrt(var + eps), the number you divided by, not the variance.", var, id="check_cache.cache-must-be-std-np-sqrt"),
        Mistake("cache[2] must be std = np.sqrt(var + eps), not var + eps.", var + eps, id="check_cache.cache-must-be-std-np-sqrt-2"),
        Mistake("cache[2] must be std = np.sqrt(var + eps), with eps (the number you divided by).", np.sqrt(var), id="check_cache.cache-must-be-std-np-sqrt-3"),
        Mistake("cache[2] must be std = np.sqrt(var + eps), not its inverse.", 1 / std, id="check_cache.cache-must-be-std-np-sqrt-4"),
    ])


def check_batchnorm_backward(batchnorm_backward, n=3, m=5, seed=2):
    """dgamma = (1/m) sum(dZ_out * Z_hat), dbeta = (1/m) sum(dZ_out) (axis 1), dZ_hat = gamma * dZ_out,
    dZ = (dZ_hat - mean(dZ_hat) - Z_hat * mean(dZ_hat * Z_hat)) / std."""
    rng = np.random.default_rng(seed)
    Z = _scaled_rows(rng, n, m, small_row=False)
    gamma = rng.uniform(0.5, 2.0, (n, 1))
    beta = rng.uniform(-1.0, 1.0, (n, 1))
    _, cache = ref.batchnorm_forward(Z, gamma, beta, ref.initialize_bn_state(n), eps=1e-3)
    dZ_out = rng.standard_normal((n, m))
    result = student_call(batchnorm_backward, "batchnorm_backward", dZ_out.copy(), _copy(cache))
    dZ, dgamma, dbeta = expect_tuple("batchnorm_backward", result, 3, "a tuple (dZ, dgamma, dbeta)")
    e_dZ, e_dgamma, e_dbeta = ref.batchnorm_backward(dZ_out, cache)
    Z_hat, _, std = cache
    if (isinstance(dZ, np.ndarray) and dZ.shape == (n, 1) and isinstance(dbeta, np.ndarray)
            and dbeta.shape == (n, m) and n != m):
        fail("batchnorm_backward returned its results in another order: return (dZ, dgamma, dbeta).", mistake="batchnorm_backward.batchnorm-backward-returned-its-results-in")
    expect_array("dbeta", dbeta, e_dbeta, m=m, what="(n, 1), like beta", mistakes=[
        Mistake("dbeta sums over the wrong axis: examples are columns, np.sum(dZ_out, axis=1, keepdims=True) / m.",
                np.sum(dZ_out, axis=0, keepdims=True) / m, id="batchnorm_backward.dbeta-sums-over-the-wrong-axis"),
        Mistake("dbeta and dgamma are swapped: dbeta = (1/m) sum(dZ_out), dgamma = (1/m) sum(dZ_out * Z_hat).",
                e_dgamma, id="batchnorm_backward.dbeta-and-dgamma-are-swapped-dbeta"),
        Mistake(f"dbeta is a sum over the examples: average it like db, (1/m) with m = {m}.", e_dbeta * m, id="batchnorm_backward.dbeta-is-a-sum-over-the"),
    ])
    expect_array("dgamma", dgamma, e_dgamma, m=m, what="(n, 1), like gamma", mistakes=[
        Mistake("dgamma sums over the wrong axis: np.sum(dZ_out * Z_hat, axis=1, keepdims=True) / m.",
                np.sum(dZ_out * Z_hat, axis=0, keepdims=True) / m, id="batchnorm_backward.dgamma-sums-over-the-wrong-axis"),
        Mistake("dgamma and dbeta are swapped: dgamma = (1/m) sum(dZ_out * Z_hat), dbeta = (1/m) sum(dZ_out).",
                e_dbeta, id="batchnorm_backward.dgamma-and-dbeta-are-swapped-dgamma"),
        Mistake("dgamma multiplies dZ_out by gamma: Z_out = gamma * Z_hat + beta, so dgamma = (1/m) "
                "sum(dZ_out * Z_hat).", np.sum(dZ_out * gamma, axis=1, keepdims=True) / m, id="batchnorm_backward.dgamma-multiplies-dz-out-by-gamma"),
        Mistake(f"dgamma is a sum over the examples: average it like db, (1/m) with m = {m}.", e_dgamma * m, id="batchnorm_backward.dgamma-is-a-sum-over-the"),
    ])
    dZ_hat = gamma * dZ_out
    mean_term = np.mean(dZ_hat, axis=1, keepdims=True)
    var_term = Z_hat * np.mean(dZ_hat * Z_hat, axis=1, keepdims=True)
    expect_array("dZ", dZ, e_dZ, m=m, what="(n, m), like Z", mistakes=[
        Mistake("dZ = gamma * dZ_out / std treats mu and var as constants: they depend on every z of the batch, "
                "which adds the terms - mean(dZ_hat) - Z_hat * mean(dZ_hat * Z_hat).", dZ_hat / std, id="batchnorm_backward.dz-gamma-dz-out-std-treats"),
        Mistake("dZ misses the term - Z_hat * mean(dZ_hat * Z_hat), which comes from the variance's dependence on z.",
                (dZ_hat - mean_term) / std, id="batchnorm_backward.dz-misses-the-term-z-hat"),
        Mistake("dZ misses the term - mean(dZ_hat), which comes from the mean's dependence on z.",
                (dZ_hat - var_term) / std, id="batchnorm_backward.dz-misses-the-term-mean-dz"),
        Mistake("dZ uses dZ_out where dZ_hat = gamma * dZ_out belongs: multiply by gamma first.",
                (dZ_out - np.mean(dZ_out, axis=1, keepdims=True)
                 - Z_hat * np.mean(dZ_out * Z_hat, axis=1, keepdims=True)) / std, id="batchnorm_backward.dz-uses-dz-out-where-dz"),
        Mistake("dZ multiplies by std: divide by it, dZ = (...) / std.", (dZ_hat - mean_term - var_term) * std, id="batchnorm_backward.dz-multiplies-by-std-divide-by"),
        Mistake("dZ uses sums where the formula has means: mean(dZ_hat) = (1/m) sum(dZ_hat, axis=1).",
                (dZ_hat - m * mean_term - m * var_term) / std, id="batchnorm_backward.dz-uses-sums-where-the-formula"),
        Mistake("The means in dZ are over the wrong axis: average over the examples, axis=1, keepdims=True.",
                (dZ_hat - np.mean(dZ_hat, axis=0, keepdims=True)
                 - Z_hat * np.mean(dZ_hat * Z_hat, axis=0, keepdims=True)) / std, id="batchnorm_backward.the-means-in-dz-are-over"),
        Mistake(f"dZ has an extra 1/m: the 1/m belongs to dgamma and dbeta (and dW); dZ is in the same "
                f"convention as dZ_out (m = {m}).", e_dZ / m, id="batchnorm_backward.dz-has-an-extra-m-the"),
    ])
    passed("batchnorm_backward")


# --- the network ------------------------------------------------------------------------------------

def _act(name):
    return {"relu": deep.relu, "sigmoid": deep.sigmoid, "identity": lambda Z: Z}[name]


def _forward_variant(X, parameters, states, training, hidden, *, bn_after_activation=False, bn_output=False,
                     no_bn=False, act=None, eps=1e-5):
    """L_model_forward_bn with a typical bug (states are copied; the variant never changes the check's)."""
    states = _copy(states)
    L = sum(1 for key in parameters if key.startswith("W"))
    g = _act(act or hidden)
    A = X
    for l in range(1, L):
        Z = parameters[f"W{l}"] @ A
        if no_bn:
            A = g(Z)
        elif bn_after_activation:
            A, _ = ref.batchnorm_forward(g(Z), parameters[f"gamma{l}"], parameters[f"beta{l}"], states[l - 1],
                                         training=training, eps=eps)
        else:
            Z_tilde, _ = ref.batchnorm_forward(Z, parameters[f"gamma{l}"], parameters[f"beta{l}"], states[l - 1],
                                               training=training, eps=eps)
            A = g(Z_tilde)
    ZL = parameters[f"W{L}"] @ A + parameters[f"b{L}"]
    if bn_output:
        state = ref.initialize_bn_state(ZL.shape[0])
        ZL, _ = ref.batchnorm_forward(ZL, np.ones_like(ZL[:, :1]), np.zeros_like(ZL[:, :1]), state, training=True)
    return deep.sigmoid(ZL)


def check_L_model_forward_bn(L_model_forward_bn, layer_dims=(4, 5, 3, 1), m=6, hidden_activation="sigmoid",
                             seed=3):
    """[W A_prev (no bias) -> batchnorm_forward -> g] for l < L, then WL A + bL -> sigmoid; caches[l-1] =
    ((A_prev, W{l}), bn_cache, Z_tilde{l}) for l < L and ((A_prev, WL, bL), ZL); training is passed on."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _bn_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m)) * 2 + 1
    states0 = [_state(rng, n) for n in dims[1:-1]]
    other = "relu" if hidden_activation == "sigmoid" else "sigmoid"
    calls = []

    def reference_batchnorm_forward(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
        calls.append(training)
        return ref.batchnorm_forward(Z, gamma, beta, bn_state, training, momentum, eps)

    def run():   # graded with the reference batchnorm_forward (recording the training flag it receives)
        for training in (True, False):
            states = _copy(states0)
            calls.clear()
            result = student_call(L_model_forward_bn, "L_model_forward_bn", X.copy(), _ParameterDict(_copy(parameters)),
                                  states, training=training, hidden_activation=hidden_activation)
            AL, caches = expect_tuple("L_model_forward_bn", result, 2, "a tuple (AL, caches)")
            expected_states = _copy(states0)
            expected, expected_caches = ref.L_model_forward_bn(X, parameters, expected_states, training=training,
                                                               hidden_activation=hidden_activation)
            mode = f"training={training}"
            if calls and any(call != training for call in calls):
                fail(f"L_model_forward_bn was called with {mode} but called batchnorm_forward with training="
                     f"{calls[0]}: pass training on, batchnorm_forward(..., training=training).", mistake="L_model_forward_bn.l-model-forward-bn-was-called")
            variants = [
                (f"the hidden layers use {other}: apply hidden_activation ('{hidden_activation}' here), "
                 f"not always the same function.", dict(act=other)),
                ("batch norm comes after the activation: this network normalises Z, before the activation: "
                 "Z = W A_prev, Z_tilde = BN(Z), A = g(Z_tilde).", dict(bn_after_activation=True)),
                ("the output layer is batch-normalised too: only the hidden layers are; the output layer is "
                 "ZL = WL A + bL, then sigmoid.", dict(bn_output=True)),
                ("there is no batch norm: Z_tilde = batchnorm_forward(W A_prev, gamma, beta, bn_states[l - 1], ...).",
                 dict(no_bn=True)),
            ]
            if not training:
                variants.append(("with training=False the batch's statistics were used: pass training on to "
                                 "batchnorm_forward, which then normalises with the running statistics.",
                                 dict(training_override=True)))
            mistakes = []
            with np.errstate(all="ignore"):
                for text, options in variants:
                    mode_used = True if options.pop("training_override", False) else training
                    try:
                        value = _forward_variant(X, parameters, states0, mode_used, hidden_activation, **options)
                    except (ValueError, KeyError):
                        continue
                    mistakes.append(Mistake(f"AL is wrong: {text}", value, id="L_model_forward_bn.al-is-wrong"))
            expect_array(f"AL ({mode})", AL, expected, what="(1, m)", mistakes=mistakes)
            _check_network_caches(caches, expected_caches, L)
            for l, (state, expected_state, before) in enumerate(zip(states, expected_states, states0), start=1):
                if training:
                    for key in ("running_mean", "running_var"):
                        expect_keys(f"bn_states[{l - 1}]", state, (key,))
                        if _same(state[key], before[key]):
                            fail(f"bn_states[{l - 1}]['{key}'] did not change in training: pass bn_states[l - 1], the "
                                 f"state of layer l, to batchnorm_forward (it updates it in place).", mistake="L_model_forward_bn.bn-states-did-not-change-in")
                        expect_array(f"bn_states[{l - 1}]['{key}'] after training", state[key], expected_state[key],
                                     what="(n[l], 1)")
                else:
                    for key in ("running_mean", "running_var"):
                        if not _same(state[key], before[key]):
                            fail(f"bn_states[{l - 1}]['{key}'] changed with training=False: pass training on to "
                                 f"batchnorm_forward, which leaves the running statistics alone at test time.", mistake="L_model_forward_bn.bn-states-changed-with-training-false")

    graded_on_its_own(L_model_forward_bn, "L_model_forward_bn", {"batchnorm_forward": reference_batchnorm_forward},
                      run)


def _check_network_caches(caches, expected_caches, L):
    if not isinstance(caches, (list, tuple)):
        fail(f"caches must be a list with one cache per layer, got {type(caches).__name__}.", mistake="check_network_caches.caches-must-be-a-list-with")
    if len(caches) != L:
        fail(f"caches has {len(caches)} entries, expected L = {L} (one per layer, the output layer included).", mistake="check_network_caches.caches-has-entries-expected-l-one")
    for l in range(1, L):
        cache, ((A_prev, W), (Z_hat, gamma, std), Z_tilde) = caches[l - 1], expected_caches[l - 1]
        label = f"caches[{l - 1}] (hidden layer {l})"
        if not isinstance(cache, (tuple, list)) or len(cache) != 3:
            fail(f"{label} must be the tuple ((A_prev, W), bn_cache, Z_tilde).", mistake="check_network_caches.must-be-the-tuple-a-prev")
        linear, bn_cache, z_tilde = cache
        if not isinstance(linear, (tuple, list)) or len(linear) != 2:
            fail(f"{label}[0] must be the pair (A_prev, W): a batch-normalised layer has no b.", mistake="check_network_caches.must-be-the-pair-a-prev")
        expect_array(f"{label}[0][0] (A_prev)", linear[0], A_prev, what="(n[l-1], m): the layer's input")
        expect_array(f"{label}[0][1] (W)", linear[1], W, what="(n[l], n[l-1])")
        if not isinstance(bn_cache, (tuple, list)) or len(bn_cache) != 3:
            fail(f"{label}[1] must be the cache returned by batchnorm_forward, (Z_hat, gamma, std).", mistake="check_network_caches.must-be-the-cache-returned-by")
        for i, (item, value, name) in enumerate(zip(bn_cache, (Z_hat, gamma, std), ("Z_hat", "gamma", "std"))):
            expect_array(f"{label}[1][{i}] ({name})", item, value)
        expect_array(f"{label}[2] (Z_tilde)", z_tilde, Z_tilde,
                     what="(n[l], m): the output of batch norm, the input of the activation", mistakes=[
                         Mistake(f"{label}[2] is the activation A: keep Z_tilde, the input of the activation (its "
                                 f"derivative needs it).", deep.sigmoid(Z_tilde), id="check_network_caches.is-the-activation-a-keep-z"),
                         Mistake(f"{label}[2] is the activation A: keep Z_tilde, the input of the activation.",
                                 deep.relu(Z_tilde), id="check_network_caches.is-the-activation-a-keep-z-2"),
                         Mistake(f"{label}[2] is Z = W A_prev: keep Z_tilde, the output of batch norm (the "
                                 f"activation's input).", W @ A_prev, id="check_network_caches.is-z-w-a-prev-keep"),
                     ])
    cache, ((A_prev, W, b), Z) = caches[L - 1], expected_caches[L - 1]
    label = f"caches[{L - 1}] (output layer {L})"
    if not isinstance(cache, (tuple, list)) or len(cache) != 2 or not isinstance(cache[0], (tuple, list)) \
            or len(cache[0]) != 3:
        fail(f"{label} must be ((A_prev, WL, bL), ZL), the cache of helpers.deep's "
             f"linear_activation_forward(A, WL, bL, 'sigmoid').", mistake="check_network_caches.must-be-a-prev-wl-bl")
    for item, value, name in zip(cache[0], (A_prev, W, b), ("A_prev", "W", "b")):
        expect_array(f"{label}[0] ({name})", item, value)
    expect_array(f"{label}[1] (ZL)", cache[1], Z)


def _backward_variant(AL, Y, caches, hidden, *, act=None, skip_bn=False, dA_from_tilde=False, bn_from_Z=False):
    """L_model_backward_bn with a typical bug."""
    derivative = {"relu": deep.relu_backward, "sigmoid": deep.sigmoid_backward}[act or hidden]
    L = len(caches)
    grads = {}
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    dA, grads[f"dW{L}"], grads[f"db{L}"] = deep.linear_activation_backward(dA, caches[L - 1], "sigmoid")
    for l in range(L - 1, 0, -1):
        (A_prev, W), bn_cache, Z_tilde = caches[l - 1]
        m = A_prev.shape[1]
        if bn_from_Z:
            Z_tilde = W @ A_prev
        dZ_tilde = derivative(dA, Z_tilde)
        if skip_bn:
            dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = dZ_tilde, None, None
        else:
            dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = ref.batchnorm_backward(dZ_tilde, bn_cache)
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        dA = W.T @ (dZ_tilde if dA_from_tilde else dZ)
    return grads


@composed_of(batchnorm_backward=ref.batchnorm_backward)
def check_L_model_backward_bn(L_model_backward_bn, layer_dims=(4, 5, 3, 1), m=6, hidden_activation="sigmoid",
                              seed=4):
    """dZ_tilde = g'(Z_tilde) * dA; (dZ, dgamma, dbeta) = batchnorm_backward(dZ_tilde, bn_cache);
    dW = (1/m) dZ A_prev^T; dA_prev = W^T dZ; the output layer as in helpers.deep."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _bn_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m)) * 2 + 1
    Y = _labels(rng, m)
    AL, caches = ref.L_model_forward_bn(X, parameters, ref.initialize_bn_states(dims),
                                        hidden_activation=hidden_activation)
    grads = student_call(L_model_backward_bn, "L_model_backward_bn", AL.copy(), Y.copy(), _copy(caches),
                         hidden_activation=hidden_activation)
    keys = [f"{p}{l}" for l in range(1, L) for p in ("dW", "dgamma", "dbeta")] + [f"dW{L}", f"db{L}"]
    if isinstance(grads, dict) and "db1" in grads and L > 1 and "dbeta1" not in grads:
        fail("grads has 'db1': a batch-normalised hidden layer has no b; its gradients are dW{l}, dgamma{l} "
             "and dbeta{l}, from batchnorm_backward.", mistake="L_model_backward_bn.grads-has-a-batch-normalised-hidden")
    expect_keys("grads", grads, keys)
    expected = ref.L_model_backward_bn(AL, Y, caches, hidden_activation=hidden_activation)
    other = "relu" if hidden_activation == "sigmoid" else "sigmoid"
    variants = []
    with np.errstate(all="ignore"):
        for text, options in [
            (f"the hidden layers' derivative is {other}'s: use hidden_activation ('{hidden_activation}' here).",
             dict(act=other)),
            ("batch norm was skipped in the backward pass: (dZ, dgamma, dbeta) = batchnorm_backward(dZ_tilde, "
             "bn_cache), then dW = (1/m) dZ A_prev^T.", dict(skip_bn=True)),
            ("dA_prev = W^T dZ_tilde skips batch norm: use dZ, the gradient after batchnorm_backward, "
             "dA_prev = W^T dZ.", dict(dA_from_tilde=True)),
            ("the activation's derivative was taken at Z = W A_prev: take it at Z_tilde, the activation's input "
             "(cache[2]).", dict(bn_from_Z=True)),
        ]:
            try:
                variants.append((text, _backward_variant(AL, Y, caches, hidden_activation, **options)))
            except (ValueError, TypeError):
                continue
    for key in keys:
        what = "like " + key[1:]
        mistakes = [Mistake(f"{key} is wrong: {text}", grads_v[key], id="L_model_backward_bn.is-wrong") for text, grads_v in variants
                    if isinstance(grads_v.get(key), np.ndarray)]
        expect_array(f"grads['{key}']", grads[key], expected[key], m=m, what=what, mistakes=mistakes)


# --- challenge: batch norm on mini-batches ----------------------------------------------------------------

@composed_of(batchnorm_forward=ref.batchnorm_forward)
def check_minibatch_running_statistics(minibatch_running_statistics, n=3, m=23, batch_size=5, momentum=0.8, seed=11):
    """The columns of Z in consecutive batches (the last smaller), each through batchnorm_forward in training,
    one bn_state carried from batch to batch; returns (bn_state, batch_means (n, number of batches))."""
    rng = np.random.default_rng(seed)
    Z = _scaled_rows(rng, n, m, small_row=False)
    result = student_call(minibatch_running_statistics, "minibatch_running_statistics", Z.copy(), batch_size,
                          momentum=momentum)
    state, means = expect_tuple("minibatch_running_statistics", result, 2, "a tuple (bn_state, batch_means)")
    expected_state, expected_means = ref.minibatch_running_statistics(Z, batch_size, momentum=momentum)
    whole, _ = ref.minibatch_running_statistics(Z, m, momentum=momentum)
    full = m - m % batch_size if m % batch_size else m
    dropped, _ = ref.minibatch_running_statistics(Z[:, :full], batch_size, momentum=momentum)
    last_alone, _ = ref.minibatch_running_statistics(Z[:, (m - 1) // batch_size * batch_size:], batch_size,
                                                     momentum=momentum)
    swapped = ref.initialize_bn_state(n)
    for start in range(0, m, batch_size):
        ref.batchnorm_forward(Z[:, start:start + batch_size], np.ones((n, 1)), np.zeros((n, 1)), swapped,
                              momentum=1 - momentum)
    expect_keys("bn_state", state, ("running_mean", "running_var"))
    expect_array("batch_means", means, expected_means, what="(n, number of batches): one column per mini-batch",
                 mistakes=[Mistake("batch_means misses the last, smaller batch: when m is not a multiple of batch_size "
                                   "the remaining columns form one more batch.", expected_means[:, :-1],
                                   id="minibatch_running_statistics.last-batch-dropped")])
    for key in ("running_mean", "running_var"):
        expect_array(f"bn_state['{key}']", state[key], expected_state[key], what="(n, 1)", mistakes=[
            Mistake("the running statistics saw the whole Z as one batch: in mini-batch training every batch is a "
                    "separate training call of batchnorm_forward, and each one updates the running statistics.",
                    whole[key], id="minibatch_running_statistics.whole-batch"),
            Mistake("the last, smaller batch was dropped: the remaining columns form one more batch, which "
                    "updates the running statistics too.", dropped[key],
                    id="minibatch_running_statistics.last-batch-dropped"),
            Mistake("the running statistics were started afresh for every batch: create ONE bn_state before the "
                    "loop and pass the same dict to every call, which updates it in place.", last_alone[key],
                    id="minibatch_running_statistics.fresh-state-each-batch"),
            Mistake("momentum and 1 - momentum are swapped: pass momentum=momentum on to batchnorm_forward.",
                    swapped[key], id="minibatch_running_statistics.momentum-swapped"),
        ])
