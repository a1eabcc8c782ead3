"""Checks for notebook 06 (optimizers). Each `check_*` takes the student's function, runs it on fresh
inputs (sizes and seed are arguments, so hidden tests use new ones) and raises ExerciseFailure naming
the mistake, or prints a success line.

The named mistakes are computed here with the typical bug (a variant of the reference in
helpers.optimizers), so a hint appears only when the student's value really equals that bug's value.
"""
from __future__ import annotations

import math

import numpy as np

from .. import optimizers as ref
from .core import Mistake, expect_array, expect_float, expect_keys, expect_tuple, fail, passed, student_call


# --- inputs ------------------------------------------------------------------------------------------

def _parameters(rng, dims):
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        parameters[f"b{l}"] = rng.standard_normal((dims[l], 1))
    return parameters


def _like(rng, parameters, scale=1.0, positive=False):
    """A dict "d" + key -> random array shaped like parameters[key]."""
    out = {}
    for key, value in parameters.items():
        draw = rng.uniform(0.1, 1.0, value.shape) if positive else rng.standard_normal(value.shape)
        out["d" + key] = draw * scale
    return out


def _copy(d):
    return {key: value.copy() for key, value in d.items()}


def _keys(parameters):
    return ["d" + key for key in parameters]


def _check_not_aliased(name, moments, parameters):
    for key, value in moments.items():
        source = parameters.get(key[1:])
        if isinstance(value, np.ndarray) and isinstance(source, np.ndarray) and np.shares_memory(value, source):
            fail(f"{name}['{key}'] is the array {key[1:]} itself (or a view of it): create a new array of zeros, "
                 f"np.zeros_like(parameters['{key[1:]}']) or np.zeros(parameters['{key[1:]}'].shape).", mistake="check_not_aliased.is-the-array-itself-or-a")


def _check_zeros(name, fn, parameters):
    given = _copy(parameters)
    moments = student_call(fn, name, given)
    if any(not np.array_equal(given[key], parameters[key]) for key in parameters):
        fail(f"{name} changed the parameters: it must only create zeros, new arrays shaped like them "
             f"(np.zeros_like(parameters['W1']), ...).", mistake="check_zeros.changed-the-parameters-it-must-only")
    return _expect_zero_moments(name + "(parameters)", moments, given)


def _expect_zero_moments(label, moments, parameters):
    if isinstance(moments, dict) and moments and all(key in moments for key in parameters) \
            and not any(key in moments for key in _keys(parameters)):
        fail(f"{label} has the keys of parameters ({sorted(moments)}): use the keys of the gradients, "
             f"'dW1', 'db1', ... (v['dW1'] goes with grads['dW1']).", mistake="expect_zero_moments.has-the-keys-of-parameters-use")
    expect_keys(label, moments, _keys(parameters))
    for key in _keys(parameters):
        expect_array(f"{label}['{key}']", moments[key], np.zeros_like(parameters[key[1:]]),
                     what=f"{parameters[key[1:]].shape}: zeros shaped like {key[1:]}")
    _check_not_aliased(label, moments, parameters)
    return moments


def _compare(label, result, expected, variants):
    """Compare dicts of arrays key by key, naming a typical mistake when one matches."""
    expect_keys(label, result, list(expected))
    for key in expected:
        mistakes = [Mistake(hint, values[key]) for hint, values in variants if key in values]
        expect_array(f"{label}['{key}']", result[key], expected[key], mistakes=mistakes,
                     what=f"{expected[key].shape}, like {key.lstrip('d')}")


# --- mini-batches --------------------------------------------------------------------------------------

def check_random_mini_batches(random_mini_batches, n_x=3, m=148, mini_batch_size=32, seed=0):
    """One permutation rng.permutation(m) (rng = np.random.default_rng(seed)) shuffles the columns of X and Y
    together; mini-batches of mini_batch_size columns, the last one smaller when m % mini_batch_size != 0."""
    rng = np.random.default_rng(seed + 1000)
    X = np.vstack([np.arange(m, dtype=np.float64), rng.standard_normal((n_x - 1, m))]) if n_x > 1 \
        else np.arange(m, dtype=np.float64)[None, :]
    Y = (np.arange(m) % 3 == 0).astype(np.float64)[None, :]      # label of column j: j % 3 == 0
    X0, Y0 = X.copy(), Y.copy()
    batches = student_call(random_mini_batches, "random_mini_batches", X, Y, mini_batch_size=mini_batch_size,
                           seed=seed)
    if not np.array_equal(X, X0) or not np.array_equal(Y, Y0):
        fail("random_mini_batches shuffled X or Y in place (e.g. rng.shuffle(X)): build new arrays, "
             "X[:, permutation] and Y[:, permutation].", mistake="random_mini_batches.random-mini-batches-shuffled-x-or")
    if not isinstance(batches, (list, tuple)):
        fail(f"random_mini_batches must return a list of (X_batch, Y_batch) tuples, got {type(batches).__name__}.", mistake="random_mini_batches.random-mini-batches-must-return-a")
    expected = ref.random_mini_batches(X0, Y0, mini_batch_size, seed=seed)
    complete = m // mini_batch_size
    if len(batches) == complete and m % mini_batch_size:
        fail(f"random_mini_batches returned {len(batches)} mini-batches, expected {len(expected)}: the last "
             f"mini-batch, with the remaining m % mini_batch_size = {m % mini_batch_size} examples, was dropped. "
             f"Add it after the loop over complete mini-batches.", mistake="random_mini_batches.random-mini-batches-returned-mini-batches")
    if len(batches) == len(expected) + 1 and m % mini_batch_size == 0:
        fail(f"random_mini_batches returned {len(batches)} mini-batches, expected {len(expected)}: m = {m} is a "
             f"multiple of mini_batch_size = {mini_batch_size}, so there is no smaller last mini-batch (yours "
             f"is probably empty).", mistake="random_mini_batches.random-mini-batches-returned-mini-batches-2")
    if len(batches) != len(expected):
        fail(f"random_mini_batches returned {len(batches)} mini-batches, expected {len(expected)} for m = {m} and "
             f"mini_batch_size = {mini_batch_size} (use the argument mini_batch_size, and slices "
             f"[:, k * mini_batch_size:(k + 1) * mini_batch_size]).", mistake="random_mini_batches.random-mini-batches-returned-mini-batches-3")
    legacy = np.random.RandomState(seed).permutation(m)
    for k, (batch, (X_e, Y_e)) in enumerate(zip(batches, expected)):
        X_b, Y_b = expect_tuple(f"mini-batch {k}", batch, 2, "a tuple (X_batch, Y_batch)")
        columns = slice(k * mini_batch_size, (k + 1) * mini_batch_size)
        expect_array(f"X_batch of mini-batch {k}", X_b, X_e, what=f"(n_x, {X_e.shape[1]}): columns of X",
                     mistakes=[
                         Mistake("X was not shuffled: shuffle the columns first, with permutation = rng.permutation(m) "
                                 "and X[:, permutation].", X0[:, columns], id="random_mini_batches.x-was-not-shuffled-shuffle-the"),
                         Mistake("Use rng = np.random.default_rng(seed) and permutation = rng.permutation(m), not the "
                                 "legacy np.random.seed / np.random.permutation (another generator, global state).",
                                 X0[:, legacy][:, columns], id="random_mini_batches.use-rng-np-random-default-rng"),
                     ])
        if isinstance(Y_b, np.ndarray) and Y_b.shape == Y_e.shape and not np.allclose(Y_b, Y_e):
            fail(f"Y_batch of mini-batch {k} does not hold the labels of the examples in X_batch: X and Y were "
                 f"shuffled apart (Y with another permutation, or not at all). Draw ONE permutation and index both "
                 f"with it: X[:, permutation] and Y[:, permutation].", mistake="random_mini_batches.y-batch-of-mini-batch-does")
        expect_array(f"Y_batch of mini-batch {k}", Y_b, Y_e, what=f"(n_y, {Y_e.shape[1]}): columns of Y")
    passed("random_mini_batches")


# --- momentum ---------------------------------------------------------------------------------------------

def check_initialize_velocity(initialize_velocity, layer_dims=(3, 4, 1), seed=0):
    """v["dW{l}"], v["db{l}"]: zeros shaped like W{l}, b{l}."""
    _check_zeros("initialize_velocity", initialize_velocity, _parameters(np.random.default_rng(seed), layer_dims))
    passed("initialize_velocity")


def check_update_parameters_with_momentum(update_parameters_with_momentum, layer_dims=(3, 4, 1), beta=0.9,
                                          learning_rate=0.1, seed=1):
    """v = beta v + (1 - beta) dW; W = W - learning_rate v (the NEW v); the same for b."""
    rng = np.random.default_rng(seed)
    parameters = _parameters(rng, layer_dims)
    grads = _like(rng, parameters)
    v = _like(rng, parameters)
    result = student_call(update_parameters_with_momentum, "update_parameters_with_momentum", _copy(parameters),
                          _copy(grads), _copy(v), beta, learning_rate)
    new_parameters, new_v = expect_tuple("update_parameters_with_momentum", result, 2, "a tuple (parameters, v)")
    e_parameters, e_v = ref.update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)
    variants_v = {
        "v lacks the factor (1 - beta): v = beta v + (1 - beta) dW (an average of the gradients, not a sum).":
            {k: beta * v[k] + grads[k] for k in grads},
        "beta and 1 - beta are swapped: v = beta v + (1 - beta) dW.": {k: (1 - beta) * v[k] + beta * grads[k] for k in grads},
        "v was not updated: v = beta v + (1 - beta) dW.": v,
    }
    _compare("v (returned)", new_v, e_v, list(variants_v.items()))

    def step(velocity):
        return {key: parameters[key] - learning_rate * velocity["d" + key] for key in parameters}

    variants = [(f"{text} (the parameters moved with that v)", step(value)) for text, value in variants_v.items()
                if value is not v]
    variants += [
        ("The parameters moved by learning_rate * dW: with momentum the step is learning_rate * v, "
         "with the updated v.", step(grads)),
        ("The parameters moved with the OLD v: update v first, v = beta v + (1 - beta) dW, then "
         "W = W - learning_rate * v.", step(v)),
        ("The parameters moved uphill: W = W - learning_rate * v.",
         {key: parameters[key] + learning_rate * e_v["d" + key] for key in parameters}),
    ]
    for key in parameters:
        if key.startswith("b"):
            variants.append((f"{key} was not updated: every parameter, W and b, takes its momentum step.",
                             {key: parameters[key]}))
    _compare("parameters (returned)", new_parameters, e_parameters, variants)
    passed("update_parameters_with_momentum")


# --- RMSprop --------------------------------------------------------------------------------------------

def check_initialize_rmsprop(initialize_rmsprop, layer_dims=(3, 4, 1), seed=2):
    """s["dW{l}"], s["db{l}"]: zeros shaped like W{l}, b{l}."""
    _check_zeros("initialize_rmsprop", initialize_rmsprop, _parameters(np.random.default_rng(seed), layer_dims))
    passed("initialize_rmsprop")


def check_update_parameters_with_rmsprop(update_parameters_with_rmsprop, layer_dims=(3, 4, 1), beta2=0.9,
                                         learning_rate=0.01, epsilon=1e-3, seed=3):
    """s = beta2 s + (1 - beta2) dW**2; W = W - learning_rate dW / (sqrt(s) + epsilon) (the NEW s)."""
    rng = np.random.default_rng(seed)
    parameters = _parameters(rng, layer_dims)
    grads = _like(rng, parameters, scale=0.05)
    s = _like(rng, parameters, scale=1e-3, positive=True)
    result = student_call(update_parameters_with_rmsprop, "update_parameters_with_rmsprop", _copy(parameters),
                          _copy(grads), _copy(s), beta2, learning_rate, epsilon=epsilon)
    new_parameters, new_s = expect_tuple("update_parameters_with_rmsprop", result, 2, "a tuple (parameters, s)")
    e_parameters, e_s = ref.update_parameters_with_rmsprop(parameters, grads, s, beta2, learning_rate, epsilon)
    with np.errstate(all="ignore"):
        variants_s = {
            "s was updated with dW, not its square: s = beta2 s + (1 - beta2) dW**2.":
                {k: beta2 * s[k] + (1 - beta2) * grads[k] for k in grads},
            "s lacks the factor (1 - beta2): s = beta2 s + (1 - beta2) dW**2.":
                {k: beta2 * s[k] + grads[k] ** 2 for k in grads},
            "beta2 and 1 - beta2 are swapped: s = beta2 s + (1 - beta2) dW**2.":
                {k: (1 - beta2) * s[k] + beta2 * grads[k] ** 2 for k in grads},
            "s was not updated: s = beta2 s + (1 - beta2) dW**2.": s,
        }
    _compare("s (returned)", new_s, e_s, list(variants_s.items()))

    def step(denominator):
        return {key: parameters[key] - learning_rate * grads["d" + key] / denominator(key) for key in parameters}

    with np.errstate(all="ignore"):
        variants = [
            ("epsilon is inside the square root: W = W - learning_rate * dW / (np.sqrt(s) + epsilon).",
             step(lambda key: np.sqrt(e_s["d" + key] + epsilon))),
            ("the step divides by s: divide by its square root, np.sqrt(s) + epsilon.",
             step(lambda key: e_s["d" + key] + epsilon)),
            ("epsilon is missing: W = W - learning_rate * dW / (np.sqrt(s) + epsilon).",
             step(lambda key: np.sqrt(e_s["d" + key]))),
            ("the step uses the OLD s: update s first, then divide by np.sqrt(s) + epsilon.",
             step(lambda key: np.sqrt(s["d" + key]) + epsilon)),
            ("the step has no division: RMSprop divides dW by np.sqrt(s) + epsilon.", step(lambda key: 1.0)),
            ("s was updated with dW, not its square, so the step divides by the wrong number: "
             "s = beta2 s + (1 - beta2) dW**2.",
             step(lambda key: np.sqrt(variants_s["s was updated with dW, not its square: s = beta2 s + (1 - beta2) "
                                                 "dW**2."]["d" + key]) + epsilon)),
        ]
    _compare("parameters (returned)", new_parameters, e_parameters, variants)
    passed("update_parameters_with_rmsprop")


# --- Adam ---------------------------------------------------------------------------------------------------

def check_initialize_adam(initialize_adam, layer_dims=(3, 4, 1), seed=4):
    """Returns (v, s): two separate dicts of zeros with keys "dW{l}", "db{l}"."""
    parameters = _parameters(np.random.default_rng(seed), layer_dims)
    given = _copy(parameters)
    result = student_call(initialize_adam, "initialize_adam", given)
    if any(not np.array_equal(given[key], parameters[key]) for key in parameters):
        fail("initialize_adam changed the parameters: it must only create new arrays of zeros shaped like them.", mistake="initialize_adam.initialize-adam-changed-the-parameters-it")
    v, s = expect_tuple("initialize_adam", result, 2, "a tuple (v, s)")
    _expect_zero_moments("v", v, given)
    _expect_zero_moments("s", s, given)
    if v is s or any(np.shares_memory(v[key], s[key]) for key in _keys(parameters)):
        fail("v and s are the same dict (or share arrays): updating one would change the other. Create two "
             "dicts of zeros, one for v and one for s.", mistake="initialize_adam.v-and-s-are-the-same")
    passed("initialize_adam")


def check_update_parameters_with_adam(update_parameters_with_adam, layer_dims=(3, 4, 1), t=3, learning_rate=0.02,
                                      beta1=0.9, beta2=0.999, epsilon=1e-8, seed=5):
    """v = beta1 v + (1 - beta1) dW, s = beta2 s + (1 - beta2) dW**2, v_hat = v / (1 - beta1**t),
    s_hat = s / (1 - beta2**t) with t 1-based, W = W - learning_rate v_hat / (sqrt(s_hat) + epsilon);
    returns (parameters, v, s) with the moments WITHOUT correction."""
    rng = np.random.default_rng(seed)
    parameters = _parameters(rng, layer_dims)
    grads = _like(rng, parameters)
    v = _like(rng, parameters, scale=0.3)
    s = _like(rng, parameters, scale=0.01, positive=True)
    result = student_call(update_parameters_with_adam, "update_parameters_with_adam", _copy(parameters),
                          _copy(grads), _copy(v), _copy(s), t, learning_rate=learning_rate, beta1=beta1, beta2=beta2,
                          epsilon=epsilon)
    new_parameters, new_v, new_s = expect_tuple("update_parameters_with_adam", result, 3, "a tuple (parameters, v, s)")
    e_parameters, e_v, e_s = ref.update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2,
                                                             epsilon)

    def corrected(moment, beta, power):
        with np.errstate(all="ignore"):
            return {k: moment[k] / (1 - beta ** power) for k in moment}

    _compare("v (returned)", new_v, e_v, [
        ("v lacks the factor (1 - beta1): v = beta1 v + (1 - beta1) dW.", {k: beta1 * v[k] + grads[k] for k in grads}),
        ("v was returned bias-corrected: return the raw moment v = beta1 v + (1 - beta1) dW; the correction "
         "v / (1 - beta1**t) is only used for the step (it must not accumulate).", corrected(e_v, beta1, t)),
        ("v uses beta2: v = beta1 v + (1 - beta1) dW (beta1 for the first moment, beta2 for the second).",
         {k: beta2 * v[k] + (1 - beta2) * grads[k] for k in grads}),
    ])
    _compare("s (returned)", new_s, e_s, [
        ("s was updated with dW, not its square: s = beta2 s + (1 - beta2) dW**2.",
         {k: beta2 * s[k] + (1 - beta2) * grads[k] for k in grads}),
        ("s was returned bias-corrected: return the raw moment s = beta2 s + (1 - beta2) dW**2; the correction "
         "s / (1 - beta2**t) is only used for the step.", corrected(e_s, beta2, t)),
        ("s uses beta1: s = beta2 s + (1 - beta2) dW**2.", {k: beta1 * s[k] + (1 - beta1) * grads[k] ** 2 for k in grads}),
    ])

    def step(v_hat, s_hat, inside=False):
        with np.errstate(all="ignore"):
            out = {}
            for key in parameters:
                d = "d" + key
                denominator = np.sqrt(s_hat[d] + epsilon) if inside else np.sqrt(s_hat[d]) + epsilon
                out[key] = parameters[key] - learning_rate * v_hat[d] / denominator
            return out

    v_hat, s_hat = corrected(e_v, beta1, t), corrected(e_s, beta2, t)
    variants = [
        ("There is no bias correction: use v_hat = v / (1 - beta1**t) and s_hat = s / (1 - beta2**t) in the step "
         "(without it the first steps are badly scaled, since v and s start at 0).", step(e_v, e_s)),
        ("Only v is bias-corrected: correct s too, s_hat = s / (1 - beta2**t).", step(v_hat, e_s)),
        ("Only s is bias-corrected: correct v too, v_hat = v / (1 - beta1**t).", step(e_v, s_hat)),
        (f"The bias correction uses t - 1: t counts the updates from 1 (this is update t = {t}), so use "
         f"1 - beta1**t and 1 - beta2**t, with t as given.",
         step(corrected(e_v, beta1, t - 1), corrected(e_s, beta2, t - 1))),
        (f"The bias correction uses t + 1: t is already 1-based (this is update t = {t}); use 1 - beta1**t as given "
         f"(a training loop must start counting at t = 1, not 0).",
         step(corrected(e_v, beta1, t + 1), corrected(e_s, beta2, t + 1))),
        ("The bias correction multiplies instead of raising to a power: 1 - beta1**t, not 1 - beta1 * t.",
         step({k: e_v[k] / (1 - beta1 * t) for k in e_v}, {k: e_s[k] / (1 - beta2 * t) for k in e_s})),
        ("epsilon is inside the square root: v_hat / (np.sqrt(s_hat) + epsilon).", step(v_hat, s_hat, inside=True)),
        ("The step uses the OLD v and s: update the moments first, then correct them and step.",
         step(corrected(v, beta1, t), corrected(s, beta2, t))),
        ("The step uses dW: Adam's step is learning_rate * v_hat / (np.sqrt(s_hat) + epsilon).",
         step(grads, s_hat)),
    ]
    expect_keys("parameters (returned)", new_parameters, list(parameters))
    if t == 1 and any(isinstance(new_parameters[key], np.ndarray)
                      and not np.all(np.isfinite(new_parameters[key])) for key in parameters):
        fail("At the first update, t = 1, your parameters became NaN or infinite: the bias correction divided by "
             "1 - beta1**(t - 1) = 0. t counts the updates from 1, so use 1 - beta1**t and 1 - beta2**t with t as "
             "given (and start a training loop's counter at t = 1).", mistake="update_parameters_with_adam.at-the-first-update-t-your")
    _compare("parameters (returned)", new_parameters, e_parameters, variants)
    passed("update_parameters_with_adam")


# --- learning-rate decay ------------------------------------------------------------------------------------

def check_update_lr(update_lr, learning_rate0=0.5, epoch_num=10, decay_rate=0.3):
    """learning_rate0 / (1 + decay_rate * epoch_num)."""
    rate = student_call(update_lr, "update_lr", learning_rate0, epoch_num, decay_rate)
    expected = ref.update_lr(learning_rate0, epoch_num, decay_rate)
    with np.errstate(all="ignore"):
        expect_float(f"update_lr({learning_rate0}, {epoch_num}, {decay_rate})", rate, expected, mistakes=[
            Mistake("You decayed exponentially, learning_rate0 * decay_rate**epoch_num: this decay is "
                    "learning_rate0 / (1 + decay_rate * epoch_num).", learning_rate0 * decay_rate ** epoch_num, id="update_lr.you-decayed-exponentially-learning-decay-rate"),
            Mistake("You decayed exponentially, learning_rate0 * exp(-decay_rate * epoch_num): this decay is "
                    "learning_rate0 / (1 + decay_rate * epoch_num).", learning_rate0 * math.exp(-decay_rate * epoch_num), id="update_lr.you-decayed-exponentially-learning-exp-decay"),
            Mistake("The 1 is missing: learning_rate0 / (1 + decay_rate * epoch_num).",
                    learning_rate0 / (decay_rate * epoch_num), id="update_lr.the-is-missing-learning-decay-rate"),
            Mistake("Mind the parentheses: learning_rate0 / (1 + decay_rate * epoch_num), not "
                    "learning_rate0 / (1 + decay_rate) * epoch_num.", learning_rate0 / (1 + decay_rate) * epoch_num, id="update_lr.mind-the-parentheses-learning-decay-rate"),
            Mistake("decay_rate is missing: learning_rate0 / (1 + decay_rate * epoch_num).",
                    learning_rate0 / (1 + epoch_num), id="update_lr.decay-rate-is-missing-learning-decay"),
            Mistake("You multiplied: learning_rate0 / (1 + decay_rate * epoch_num) divides.",
                    learning_rate0 * (1 + decay_rate * epoch_num), id="update_lr.you-multiplied-learning-decay-rate-epoch"),
            Mistake("You decayed by a power of 1 + decay_rate: this decay is learning_rate0 / (1 + decay_rate * "
                    "epoch_num).", learning_rate0 / (1 + decay_rate) ** epoch_num, id="update_lr.you-decayed-by-a-power-of"),
        ])
    rate = student_call(update_lr, "update_lr", learning_rate0, 0, decay_rate)
    expect_float(f"update_lr({learning_rate0}, 0, {decay_rate})", rate, learning_rate0, mistakes=[
        Mistake("At epoch 0 the learning rate must be learning_rate0: learning_rate0 / (1 + decay_rate * 0).", 0.0, id="update_lr.at-epoch-the-learning-rate-must"),
    ])
    passed("update_lr")


def check_schedule_lr_decay(schedule_lr_decay, learning_rate0=0.5, epoch_num=2700, decay_rate=0.3,
                            time_interval=1000):
    """learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval)): constant for time_interval epochs."""
    expected = ref.schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval)
    rate = student_call(schedule_lr_decay, "schedule_lr_decay", learning_rate0, epoch_num, decay_rate,
                        time_interval=time_interval)
    steps = epoch_num / time_interval
    expect_float(f"schedule_lr_decay({learning_rate0}, {epoch_num}, {decay_rate}, time_interval={time_interval})",
                 rate, expected, mistakes=[
                     Mistake("The decay is not stepped: use np.floor(epoch_num / time_interval) (or //), so that "
                             "the learning rate stays constant for time_interval epochs.",
                             learning_rate0 / (1 + decay_rate * steps), id="schedule_lr_decay.the-decay-is-not-stepped-use"),
                     Mistake("Round DOWN: np.floor(epoch_num / time_interval), not round() or ceil().",
                             learning_rate0 / (1 + decay_rate * math.ceil(steps)), id="schedule_lr_decay.round-down-np-floor-epoch-num"),
                     Mistake("Round DOWN: np.floor(epoch_num / time_interval), not round().",
                             learning_rate0 / (1 + decay_rate * round(steps)), id="schedule_lr_decay.round-down-np-floor-epoch-num-2"),
                     Mistake("time_interval is ignored: learning_rate0 / (1 + decay_rate * "
                             "np.floor(epoch_num / time_interval)).", learning_rate0 / (1 + decay_rate * epoch_num), id="schedule_lr_decay.time-interval-is-ignored-learning-decay"),
                     Mistake("The division is upside down: np.floor(epoch_num / time_interval).",
                             learning_rate0 / (1 + decay_rate * math.floor(time_interval / epoch_num)), id="schedule_lr_decay.the-division-is-upside-down-np"),
                     Mistake("The 1 is missing: learning_rate0 / (1 + decay_rate * floor(...)).",
                             learning_rate0 / (decay_rate * math.floor(steps)) if math.floor(steps) else math.inf, id="schedule_lr_decay.the-is-missing-learning-decay-rate"),
                 ])
    early = time_interval - 1
    rate = student_call(schedule_lr_decay, "schedule_lr_decay", learning_rate0, early, decay_rate,
                        time_interval=time_interval)
    expect_float(f"schedule_lr_decay({learning_rate0}, {early}, {decay_rate}, time_interval={time_interval})",
                 rate, learning_rate0, mistakes=[
                     Mistake("Before the first interval ends the learning rate is still learning_rate0: "
                             "np.floor(epoch_num / time_interval) = 0 there.",
                             learning_rate0 / (1 + decay_rate * early / time_interval), id="schedule_lr_decay.before-the-first-interval-ends-the"),
                 ])
    passed("schedule_lr_decay")


# --- challenge: Nesterov momentum and Adagrad --------------------------------------------------------------

def check_update_parameters_with_nesterov(update_parameters_with_nesterov, layer_dims=(3, 4, 1), beta=0.8,
                                          learning_rate=0.1, seed=21):
    """v = beta v + (1 - beta) dW; W = W - learning_rate (beta v + (1 - beta) dW), with the NEW v."""
    rng = np.random.default_rng(seed)
    parameters = _parameters(rng, layer_dims)
    grads = _like(rng, parameters)
    v = _like(rng, parameters, scale=0.5)
    result = student_call(update_parameters_with_nesterov, "update_parameters_with_nesterov", _copy(parameters),
                          _copy(grads), _copy(v), beta, learning_rate)
    new_parameters, new_v = expect_tuple("update_parameters_with_nesterov", result, 2, "a tuple (parameters, v)")
    e_parameters, e_v = ref.update_parameters_with_nesterov(parameters, grads, v, beta, learning_rate)
    expect_keys("v (returned)", new_v, list(e_v))
    for key in e_v:
        expect_array(f"v (returned)['{key}']", new_v[key], e_v[key], what="like the gradient", mistakes=[
            Mistake("v was not updated: v = beta v + (1 - beta) dW, as for momentum.", v[key],
                    id="update_parameters_with_nesterov.v-not-updated"),
            Mistake("v holds the look-ahead beta v + (1 - beta) dW: keep v the plain average, v = beta v + (1 - beta) dW, "
                    "and use the look-ahead only in the step.", beta * e_v[key] + (1 - beta) * grads[key],
                    id="update_parameters_with_nesterov.look-ahead-stored")])

    def step(direction):
        return {key: parameters[key] - learning_rate * direction("d" + key) for key in parameters}

    for key in e_parameters:
        variants = [
            ("this is plain momentum, a step along the new v: Nesterov steps along the look-ahead "
             "beta v + (1 - beta) dW (the new v, pushed once more by the current gradient).",
             step(lambda d: e_v[d]), "update_parameters_with_nesterov.plain-momentum"),
            ("the look-ahead lacks (1 - beta) on the gradient: step along beta v + (1 - beta) dW.",
             step(lambda d: beta * e_v[d] + grads[d]), "update_parameters_with_nesterov.missing-1-beta"),
            ("the step went uphill: W = W - learning_rate * (beta v + (1 - beta) dW).",
             step(lambda d: -(beta * e_v[d] + (1 - beta) * grads[d])), "update_parameters_with_nesterov.sign"),
        ]
        expect_array(f"parameters (returned)['{key}']", new_parameters.get(key) if isinstance(new_parameters, dict)
                     else new_parameters, e_parameters[key], what=f"{e_parameters[key].shape}, like {key}",
                     mistakes=[Mistake(hint, value[key], id=mid) for hint, value, mid in variants])
    passed("update_parameters_with_nesterov")


def check_update_parameters_with_adagrad(update_parameters_with_adagrad, layer_dims=(3, 4, 1), learning_rate=0.1,
                                         epsilon=1e-3, seed=22):
    """s = s + dW**2 (a running SUM); W = W - learning_rate dW / (sqrt(s) + epsilon), with the NEW s."""
    rng = np.random.default_rng(seed)
    parameters = _parameters(rng, layer_dims)
    grads = _like(rng, parameters, scale=0.5)
    s = _like(rng, parameters, scale=0.2, positive=True)
    result = student_call(update_parameters_with_adagrad, "update_parameters_with_adagrad", _copy(parameters),
                          _copy(grads), _copy(s), learning_rate, epsilon=epsilon)
    new_parameters, new_s = expect_tuple("update_parameters_with_adagrad", result, 2, "a tuple (parameters, s)")
    e_parameters, e_s = ref.update_parameters_with_adagrad(parameters, grads, s, learning_rate, epsilon)
    averaged = {key: 0.9 * s[key] + 0.1 * grads[key] ** 2 for key in s}
    averaged_999 = {key: 0.999 * s[key] + 0.001 * grads[key] ** 2 for key in s}
    expect_keys("s (returned)", new_s, list(e_s))
    for key in e_s:
        expect_array(f"s (returned)['{key}']", new_s[key], e_s[key], what="like the gradient", mistakes=[
            Mistake("s is an exponentially weighted average (that is RMSprop): Adagrad SUMS every squared gradient "
                    "since the start, s = s + dW**2.", averaged[key], id="update_parameters_with_adagrad.averaged"),
            Mistake("s is an exponentially weighted average (that is RMSprop): Adagrad SUMS every squared gradient "
                    "since the start, s = s + dW**2.", averaged_999[key], id="update_parameters_with_adagrad.averaged"),
            Mistake("s was updated with dW, not its square: s = s + dW**2.", s[key] + grads[key],
                    id="update_parameters_with_adagrad.not-squared"),
            Mistake("s was not updated: s = s + dW**2.", s[key], id="update_parameters_with_adagrad.s-not-updated"),
        ])

    def step(denominator):
        return {key: parameters[key] - learning_rate * grads["d" + key] / denominator("d" + key) for key in parameters}

    with np.errstate(all="ignore"):
        variants = [
            ("the step uses the OLD s: add the squared gradient first, then divide by np.sqrt(s) + epsilon.",
             step(lambda d: np.sqrt(s[d]) + epsilon), "update_parameters_with_adagrad.old-s"),
            ("the step divides by s: divide by its square root, np.sqrt(s) + epsilon.",
             step(lambda d: e_s[d] + epsilon), "update_parameters_with_adagrad.no-sqrt"),
            ("epsilon is inside the square root: divide by np.sqrt(s) + epsilon.",
             step(lambda d: np.sqrt(e_s[d] + epsilon)), "update_parameters_with_adagrad.epsilon-inside"),
        ]
    for key in e_parameters:
        expect_array(f"parameters (returned)['{key}']", new_parameters.get(key) if isinstance(new_parameters, dict)
                     else new_parameters, e_parameters[key], what=f"{e_parameters[key].shape}, like {key}",
                     mistakes=[Mistake(hint, value[key], id=mid) for hint, value, mid in variants])
    passed("update_parameters_with_adagrad")
