"""Checks for notebook 06 (optimizers), as tables of exercises run by the engine (helpers.checks.engine):
`checks.check_update_parameters_with_adam(update_parameters_with_adam)`, or with other sizes, seeds and
hyper-parameters in the hidden tests. Each named mistake is a whole wrong answer: the reference with one
piece swapped, through one small function per optimizer (`momentum`, `rmsprop`, `adam`, ...).

Inputs where every term matters: the second moments s are drawn so that sqrt(s) (after the bias
correction) lies between 3 and 7 times epsilon, at every epsilon the tests use. Then leaving epsilon
out changes the step by an eighth or more, and putting it inside the square root, dividing by s instead of
its square root, or taking the old s changes it far more; the gradients are drawn so that the old s and
(1 - beta2) dW**2 are of the same order, so that every beta and every 1 - beta matters too.
tests/checks/test_exercises.py feeds each mistake in at the visible case and at every hidden case.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np

from .. import optimizers as ref
from .core import (Mistake, expect_array, expect_float, expect_keys, expect_tuple, fail, passed,
                   student_call)
from .engine import Exercise, Inputs, Out, Wrong, a_dict, a_tuple, check

#: What the student edition copies as code (grading/edition/build.py): the checks written as code, the extras that the
#: tables name, and what they need; the tables, the mistakes and the helpers that spell an answer stay here (their
#: values on the visible cases are stored).
STUDENT_EDITION = ("layer_keys", "random_parameters", "_copy", "_zeros", "_expect_zero_moments",
                   "check_initialize_velocity", "check_initialize_rmsprop", "check_initialize_adam",
                   "check_random_mini_batches", "_expect_batch_count", "NotAtTheStart")

# --- inputs ------------------------------------------------------------------------------------------


def layer_keys(layer_dims) -> list:
    """["W1", "b1", "W2", "b2", ...] for a network of sizes layer_dims."""
    return [f"{kind}{l}" for l in range(1, len(layer_dims)) for kind in "Wb"]


def random_parameters(rng, layer_dims, scale=1.0) -> dict:
    """W{l}: (n[l], n[l-1]), b{l}: (n[l], 1), standard normal times `scale` (non-zero biases)."""
    shapes = {key: (layer_dims[int(key[1:])], layer_dims[int(key[1:]) - 1] if key[0] == "W" else 1)
              for key in layer_keys(layer_dims)}
    return {key: rng.standard_normal(shape) * scale for key, shape in shapes.items()}


def like(rng, parameters, scale=1.0) -> dict:
    """{"d" + key: standard normal times `scale`, shaped like parameters[key]}."""
    return {"d" + key: rng.standard_normal(value.shape) * scale for key, value in parameters.items()}


def near_epsilon(rng, parameters, epsilon, weight, correction=1.0):
    """(grads, s): the old s between 1 and 4, weight * dW**2 between 10 and 40 (dW of either sign), times
    correction * epsilon**2. So the new s, (1 - weight) s + weight dW**2 (or s + dW**2), divided by
    `correction` (Adam's bias correction) lies between 10 and 44 epsilon**2: its square root between 3 and 7
    epsilon, and 2.5 times the old s or more."""
    unit = correction * epsilon ** 2
    s = {"d" + key: rng.uniform(1, 4, value.shape) * unit for key, value in parameters.items()}
    signs = {d: rng.choice([-1.0, 1.0], value.shape) for d, value in s.items()}
    grads = {d: signs[d] * np.sqrt(rng.uniform(10, 40, value.shape) * unit / weight) for d, value in s.items()}
    return grads, s


def updated(*moments, atol=1e-9):
    """per_case(**case) of an update returning (parameters, *moments): moments compared first, key by key
    (the keys follow the case's layer_dims)."""
    def structure(**case):
        keys = layer_keys(case["layer_dims"])
        outputs = [Out(f"{name} (returned)['d{key}']", (i, "d" + key), f"like {key}", atol=atol)
                   for i, name in enumerate(moments, start=1) for key in keys]
        outputs += [Out(f"parameters (returned)['{key}']", (0, key), f"like {key}") for key in keys]
        returns = a_tuple(f"({', '.join(('parameters',) + moments)})", a_dict("parameters", keys),
                          *(a_dict(name, ["d" + key for key in keys]) for name in moments))
        return {"outputs": tuple(outputs), "returns": returns}
    return structure


def average(beta, old, new):
    return beta * old + (1 - beta) * new


def squares(beta, old, new):
    return beta * old + (1 - beta) * new ** 2


# --- initializations (checked as code: their mistakes are about keys and shared arrays) -------------

def _copy(d):
    return {key: value.copy() for key, value in d.items()}


def _zeros(name, fn, layer_dims, seed, mistake):
    """The student's fn(parameters) on fresh parameters, which it must leave unchanged (else: `mistake`)."""
    parameters = random_parameters(np.random.default_rng(seed), layer_dims)
    given = _copy(parameters)
    result = student_call(fn, name, given)
    if any(not np.array_equal(given[key], parameters[key]) for key in parameters):
        fail(f"{name} changed the parameters: it must only create zeros, new arrays shaped like them "
             f"(np.zeros_like(parameters['W1']), ...).", mistake)
    return result, given


def _expect_zero_moments(label, moments, parameters, mistake):
    keys = ["d" + key for key in parameters]
    if isinstance(moments, dict) and moments and all(key in moments for key in parameters) \
            and not any(key in moments for key in keys):
        fail(f"{label} has the keys of parameters ({sorted(moments)}): use the keys of the gradients, "
             f"'dW1', 'db1', ... (v['dW1'] goes with grads['dW1']).", mistake)
    expect_keys(label, moments, keys)
    for key in keys:
        expect_array(f"{label}['{key}']", moments[key], np.zeros_like(parameters[key[1:]]),
                     what=f"{parameters[key[1:]].shape}: zeros shaped like {key[1:]}")


def check_initialize_velocity(initialize_velocity, layer_dims=(3, 4, 1), seed=0):
    """v["dW{l}"], v["db{l}"]: zeros shaped like W{l}, b{l}."""
    _expect_zero_moments("initialize_velocity(parameters)",
                         *_zeros("initialize_velocity", initialize_velocity, layer_dims, seed,
                                 "initialize_velocity.changed-parameters"),
                         mistake="initialize_velocity.parameter-keys")
    passed("initialize_velocity")


def check_initialize_rmsprop(initialize_rmsprop, layer_dims=(3, 4, 1), seed=2):
    """s["dW{l}"], s["db{l}"]: zeros shaped like W{l}, b{l}."""
    _expect_zero_moments("initialize_rmsprop(parameters)",
                         *_zeros("initialize_rmsprop", initialize_rmsprop, layer_dims, seed,
                                 "initialize_rmsprop.changed-parameters"),
                         mistake="initialize_rmsprop.parameter-keys")
    passed("initialize_rmsprop")


def check_initialize_adam(initialize_adam, layer_dims=(3, 4, 1), seed=4):
    """Returns (v, s): two separate dicts of zeros with keys "dW{l}", "db{l}"."""
    result, given = _zeros("initialize_adam", initialize_adam, layer_dims, seed, "initialize_adam.changed-parameters")
    v, s = expect_tuple("initialize_adam", result, 2, "a tuple (v, s)")
    _expect_zero_moments("v", v, given, "initialize_adam.parameter-keys")
    _expect_zero_moments("s", s, given, "initialize_adam.parameter-keys")
    if v is s or any(np.shares_memory(v[key], s[key]) for key in v):
        fail("v and s are the same dict (or share arrays): updating one would change the other. Create two "
             "dicts of zeros, one for v and one for s.", mistake="initialize_adam.v-and-s-shared")
    passed("initialize_adam")


# --- mini-batches (checked as code: its mistakes are about the number and order of the batches) ------

def check_random_mini_batches(random_mini_batches, n_x=3, m=148, mini_batch_size=32, seed=0):
    """One permutation rng.permutation(m) (rng = np.random.default_rng(seed)) shuffles the columns of X and Y
    together; mini-batches of mini_batch_size columns, the last one smaller when m % mini_batch_size != 0."""
    rng = np.random.default_rng(seed + 1000)
    X = np.vstack([np.arange(m, dtype=np.float64)[None, :], rng.standard_normal((n_x - 1, m))])
    Y = (np.arange(m) % 3 == 0).astype(np.float64)[None, :]      # label of column j: j % 3 == 0
    X0, Y0 = X.copy(), Y.copy()
    batches = student_call(random_mini_batches, "random_mini_batches", X, Y, mini_batch_size=mini_batch_size,
                           seed=seed)
    if not np.array_equal(X, X0) or not np.array_equal(Y, Y0):
        fail("random_mini_batches shuffled X or Y in place (e.g. rng.shuffle(X)): build new arrays, "
             "X[:, permutation] and Y[:, permutation].", "random_mini_batches.shuffled-in-place")
    if not isinstance(batches, (list, tuple)):
        fail(f"random_mini_batches must return a list of (X_batch, Y_batch) tuples, got {type(batches).__name__}.",
             mistake="random_mini_batches.not-a-list")
    expected = ref.random_mini_batches(X0, Y0, mini_batch_size, seed=seed)
    _expect_batch_count(len(batches), len(expected), m, mini_batch_size)
    legacy = np.random.RandomState(seed).permutation(m)
    for k, (batch, (X_e, Y_e)) in enumerate(zip(batches, expected)):
        X_b, Y_b = expect_tuple(f"mini-batch {k}", batch, 2, "a tuple (X_batch, Y_batch)")
        columns = slice(k * mini_batch_size, (k + 1) * mini_batch_size)
        expect_array(f"X_batch of mini-batch {k}", X_b, X_e, what=f"(n_x, {X_e.shape[1]}): columns of X", mistakes=[
            Mistake("X was not shuffled: shuffle the columns first, with permutation = rng.permutation(m) and "
                    "X[:, permutation].", X0[:, columns], id="random_mini_batches.not-shuffled"),
            Mistake("Use rng = np.random.default_rng(seed) and permutation = rng.permutation(m), not the legacy "
                    "np.random.seed / np.random.permutation (another generator, global state).",
                    X0[:, legacy][:, columns], id="random_mini_batches.legacy-np-random")])
        if isinstance(Y_b, np.ndarray) and Y_b.shape == Y_e.shape and not np.allclose(Y_b, Y_e):
            fail(f"Y_batch of mini-batch {k} does not hold the labels of the examples in X_batch: X and Y were "
                 f"shuffled apart (Y with another permutation, or not at all). Draw ONE permutation and index both "
                 f"with it: X[:, permutation] and Y[:, permutation].", "random_mini_batches.y-shuffled-apart")
        expect_array(f"Y_batch of mini-batch {k}", Y_b, Y_e, what=f"(n_y, {Y_e.shape[1]}): columns of Y")
    passed("random_mini_batches")


def _expect_batch_count(got, expected, m, size):
    if got == m // size and m % size:
        fail(f"random_mini_batches returned {got} mini-batches, expected {expected}: the last mini-batch, with the "
             f"remaining m % mini_batch_size = {m % size} examples, was dropped. Add it after the loop over complete "
             f"mini-batches.", mistake="random_mini_batches.last-batch-dropped")
    if got == expected + 1 and m % size == 0:
        fail(f"random_mini_batches returned {got} mini-batches, expected {expected}: m = {m} is a multiple of "
             f"mini_batch_size = {size}, so there is no smaller last mini-batch (yours is probably empty).",
             mistake="random_mini_batches.empty-last-batch")
    if got != expected:
        fail(f"random_mini_batches returned {got} mini-batches, expected {expected} for m = {m} and mini_batch_size = "
             f"{size} (use the argument mini_batch_size, and slices [:, k * mini_batch_size:(k + 1) * "
             f"mini_batch_size]).", mistake="random_mini_batches.wrong-batch-count")


# --- momentum --------------------------------------------------------------------------------------

def momentum_inputs(layer_dims=(3, 4, 1), beta=0.9, learning_rate=0.1, seed=1):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, layer_dims)
    return Inputs((parameters, like(rng, parameters), like(rng, parameters), beta, learning_rate))


def momentum(parameters, grads, v, beta, learning_rate, *, mean=average, along="new", sign=-1, rate=True,
             biases=True):
    """update_parameters_with_momentum with its pieces as arguments."""
    new_v = {d: mean(beta, v[d], grads[d]) for d in v}
    direction = {"new": new_v, "old": v, "grads": grads}[along]
    return {key: value + sign * (learning_rate if rate else 1) * direction["d" + key] if biases or key[0] != "b"
            else value for key, value in parameters.items()}, new_v


MOMENTUM = Exercise(
    "update_parameters_with_momentum", ref.update_parameters_with_momentum, momentum_inputs,
    dict(layer_dims=(3, 4, 1), beta=0.9, learning_rate=0.1, seed=1), (), per_case=updated("v"),
    mistakes=(
        Wrong("v-sums-gradients", "v lacks the factor (1 - beta): v = beta v + (1 - beta) dW (an "
              "average of the gradients, not a sum).", partial(momentum, mean=lambda b, v, g: b * v + g)),
        Wrong("beta-terms-swapped", "beta and 1 - beta are swapped: v = beta v + (1 - beta) dW.",
              partial(momentum, mean=lambda b, v, g: (1 - b) * v + b * g)),
        Wrong("old-v-not-decayed", "The old v lacks the factor beta: v = beta v + (1 - beta) dW.",
              partial(momentum, mean=lambda b, v, g: v + (1 - b) * g)),
        Wrong("v-not-updated", "v was not updated: v = beta v + (1 - beta) dW.",
              partial(momentum, mean=lambda b, v, g: v)),
        Wrong("step-uses-dw", "The parameters moved by learning_rate * dW: with "
              "momentum the step is learning_rate * v, with the updated v.", partial(momentum, along="grads")),
        Wrong("step-uses-old-v", "The parameters moved with the OLD v: update v first, "
              "v = beta v + (1 - beta) dW, then W = W - learning_rate * v.", partial(momentum, along="old")),
        Wrong("uphill", "The parameters moved uphill: W = W - "
              "learning_rate * v.", partial(momentum, sign=1)),
        Wrong("learning-rate-missing", "The learning rate is missing: W = W - learning_rate * v.",
              partial(momentum, rate=False)),
        Wrong("biases-not-updated", "{key} was not updated: every parameter, W and b, takes its "
              "momentum step.", partial(momentum, biases=False)),
    ))


# --- RMSprop ---------------------------------------------------------------------------------------

def rmsprop_inputs(layer_dims=(3, 4, 1), beta2=0.9, learning_rate=0.01, epsilon=1e-3, seed=3):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, layer_dims)
    grads, s = near_epsilon(rng, parameters, epsilon, 1 - beta2)
    return Inputs((parameters, grads, s, beta2, learning_rate, epsilon))


def rmsprop(parameters, grads, s, beta2, learning_rate, epsilon=1e-8, *, mean=squares,
            denominator=lambda s, epsilon: np.sqrt(s) + epsilon, old=False, sign=-1, rate=True):
    """update_parameters_with_rmsprop with its pieces as arguments."""
    new_s = {d: mean(beta2, s[d], grads[d]) for d in s}
    used = s if old else new_s
    rate = learning_rate if rate else 1
    return {key: value + sign * rate * grads["d" + key] / denominator(used["d" + key], epsilon)
            for key, value in parameters.items()}, new_s


def _step_mistakes(optimizer, numerator, root, prefix="", inside="epsilon-inside",
                   missing="epsilon-missing", no_root="no-sqrt"):
    """The step W - learning_rate * numerator / (root + epsilon) with one piece wrong (ids: prefix + as given)."""
    formula = f"W = W - learning_rate * {numerator} / ({root} + epsilon)"
    inside, missing, no_root, uphill, rate = (prefix + name for name in (inside, missing, no_root, "uphill",
                                                                           "learning-rate-missing"))
    return (
        Wrong(inside, f"epsilon is inside the square root: {formula}.",
              partial(optimizer, denominator=lambda s, e: np.sqrt(s + e))),
        Wrong(missing, f"epsilon is missing: {formula}.", partial(optimizer, denominator=lambda s, e: np.sqrt(s))),
        Wrong(no_root, f"the step divides by s: divide by its square root, {root} + epsilon.",
              partial(optimizer, denominator=lambda s, e: s + e)),
        Wrong(uphill, f"The parameters moved uphill: {formula} (minus).", partial(optimizer, sign=1)),
        Wrong(rate, f"The learning rate is missing: {formula}.", partial(optimizer, rate=False)),
    )


RMSPROP = Exercise(
    "update_parameters_with_rmsprop", ref.update_parameters_with_rmsprop, rmsprop_inputs,
    dict(layer_dims=(3, 4, 1), beta2=0.9, learning_rate=0.01, epsilon=1e-3, seed=3), (), per_case=updated("s", atol=0.0),
    mistakes=(
        Wrong("not-squared", "s was updated with dW, not its square: s = beta2 s + "
              "(1 - beta2) dW**2.", partial(rmsprop, mean=average)),
        Wrong("s-sums-squares", "s lacks the factor (1 - beta2): s = beta2 s + (1 - beta2) dW**2.",
              partial(rmsprop, mean=lambda b, s, g: b * s + g ** 2)),
        Wrong("beta2-terms-swapped", "beta2 and 1 - beta2 are swapped: s = beta2 s + (1 - beta2) dW**2.",
              partial(rmsprop, mean=lambda b, s, g: (1 - b) * s + b * g ** 2)),
        Wrong("old-s-not-decayed", "The old s lacks the factor beta2: s = beta2 s + (1 - beta2) dW**2.",
              partial(rmsprop, mean=lambda b, s, g: s + (1 - b) * g ** 2)),
        Wrong("s-not-updated", "s was not updated: s = beta2 s + (1 - beta2) dW**2.",
              partial(rmsprop, mean=lambda b, s, g: s)),
        Wrong("step-uses-old-s", "the step uses the OLD s: update s first, then divide by "
              "np.sqrt(s) + epsilon.", partial(rmsprop, old=True)),
        Wrong("no-division", "the step has no division: RMSprop divides dW by "
              "np.sqrt(s) + epsilon.", partial(rmsprop, denominator=lambda s, e: 1.0)),
        *_step_mistakes(rmsprop, "dW", "np.sqrt(s)"),
    ))


# --- Adam ------------------------------------------------------------------------------------------

def adam_inputs(layer_dims=(3, 4, 1), t=3, learning_rate=0.02, beta1=0.9, beta2=0.999, epsilon=1e-8, seed=5):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, layer_dims)
    grads, s = near_epsilon(rng, parameters, epsilon, 1 - beta2, correction=1 - beta2 ** t)
    v = {d: g * rng.uniform(-2, 2, g.shape) for d, g in grads.items()}
    return Inputs((parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon))


def corrected(moment, beta, t):
    return moment / (1 - beta ** t)


def adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8, *,
         first=lambda b1, b2, v, g: average(b1, v, g), second=lambda b1, b2, s, g: squares(b2, s, g),
         correct_v=corrected, correct_s=corrected, denominator=lambda s, epsilon: np.sqrt(s) + epsilon,
         along="v_hat", old=False, return_hats=(False, False), sign=-1, rate=True):
    """update_parameters_with_adam with its pieces as arguments."""
    new_v = {d: first(beta1, beta2, v[d], grads[d]) for d in v}
    new_s = {d: second(beta1, beta2, s[d], grads[d]) for d in s}
    v_used, s_used = (v, s) if old else (new_v, new_s)
    v_hat = {d: correct_v(v_used[d], beta1, t) for d in v}
    s_hat = {d: correct_s(s_used[d], beta2, t) for d in s}
    direction = grads if along == "dW" else v_hat
    stepped = {key: value + sign * (learning_rate if rate else 1) * direction["d" + key]
               / denominator(s_hat["d" + key], epsilon) for key, value in parameters.items()}
    if any(return_hats):        # returned the corrected moments: those of the step
        v_hat = {d: correct_v(new_v[d], beta1, t) for d in v}
        s_hat = {d: correct_s(new_s[d], beta2, t) for d in s}
    return stepped, v_hat if return_hats[0] else new_v, s_hat if return_hats[1] else new_s


def _both(correction):
    return partial(adam, correct_v=correction, correct_s=correction)


ADAM = Exercise(
    "update_parameters_with_adam", ref.update_parameters_with_adam, adam_inputs,
    dict(layer_dims=(3, 4, 1), t=3, learning_rate=0.02, beta1=0.9, beta2=0.999, epsilon=1e-8, seed=5), (),
    per_case=updated("v", "s", atol=0.0),
    mistakes=(
        Wrong("v-sums-gradients", "v lacks the factor (1 - beta1): v = beta1 v + (1 - beta1) dW.",
              partial(adam, first=lambda b1, b2, v, g: b1 * v + g)),
        Wrong("old-v-not-decayed", "The old v lacks the factor beta1: v = beta1 v + (1 - beta1) dW.",
              partial(adam, first=lambda b1, b2, v, g: v + (1 - b1) * g)),
        Wrong("v-uses-beta2", "v uses beta2: v = beta1 v + (1 - beta1) dW (beta1 for the first "
              "moment, beta2 for the second).", partial(adam, first=lambda b1, b2, v, g: average(b2, v, g))),
        Wrong("returned-v-hat", "v was returned bias-corrected: return the raw moment "
              "v = beta1 v + (1 - beta1) dW; the correction v / (1 - beta1**t) is only used for the step (it must "
              "not accumulate).", partial(adam, return_hats=(True, False))),
        Wrong("s-not-squared", "s was updated with dW, not its square: s = beta2 s + "
              "(1 - beta2) dW**2.", partial(adam, second=lambda b1, b2, s, g: average(b2, s, g))),
        Wrong("s-sums-squares", "s lacks the factor (1 - beta2): s = beta2 s + (1 - beta2) dW**2.",
              partial(adam, second=lambda b1, b2, s, g: b2 * s + g ** 2)),
        Wrong("s-uses-beta1", "s uses beta1: s = beta2 s + (1 - beta2) dW**2.",
              partial(adam, second=lambda b1, b2, s, g: squares(b1, s, g))),
        Wrong("returned-s-hat", "s was returned bias-corrected: return the raw moment "
              "s = beta2 s + (1 - beta2) dW**2; the correction s / (1 - beta2**t) is only used for the step.",
              partial(adam, return_hats=(False, True))),
        Wrong("no-bias-correction", "There is no bias correction: use v_hat = v / (1 - beta1**t) "
              "and s_hat = s / (1 - beta2**t) in the step (without it the first steps are badly scaled, since v and "
              "s start at 0).", _both(lambda m, beta, t: m)),
        Wrong("s-not-corrected", "Only v is bias-corrected: correct s too, s_hat = s / "
              "(1 - beta2**t).", partial(adam, correct_s=lambda m, beta, t: m)),
        Wrong("v-not-corrected", "Only s is bias-corrected: correct v too, v_hat = v / "
              "(1 - beta1**t).", partial(adam, correct_v=lambda m, beta, t: m)),
        Wrong("zero-based-t", "The bias correction uses t - 1 (at the first update, "
              "t = 1, it divides by 1 - beta1**0 = 0): t counts the updates from 1, so use 1 - beta1**t and "
              "1 - beta2**t, with t as given.",
              _both(lambda m, beta, t: corrected(m, beta, t - 1))),
        Wrong("t-incremented", "The bias correction uses t + 1: t is already 1-based; use "
              "1 - beta1**t as given (a training loop must start counting at t = 1, not 0).",
              _both(lambda m, beta, t: corrected(m, beta, t + 1))),
        Wrong("correction-beta-times-t", "The bias correction multiplies instead of "
              "raising to a power: 1 - beta1**t, not 1 - beta1 * t.", _both(lambda m, beta, t: m / (1 - beta * t))),
        Wrong("step-uses-old-moments", "The step uses the OLD v and s: update the moments first, then "
              "correct them and step.", partial(adam, old=True)),
        Wrong("step-uses-dw", "The step uses dW: Adam's step is learning_rate * v_hat / "
              "(np.sqrt(s_hat) + epsilon).", partial(adam, along="dW")),
        *_step_mistakes(adam, "v_hat", "np.sqrt(s_hat)", inside="epsilon-inside",
                        missing="epsilon-missing", no_root="no-sqrt"),
    ))


# --- learning-rate decay ---------------------------------------------------------------------------

def decay_inputs(learning_rate0=0.5, epoch_num=10, decay_rate=0.3, time_interval=None):
    return Inputs((learning_rate0, epoch_num, decay_rate) + ((time_interval,) if time_interval else ()))


def decayed(learning_rate0, epoch_num, decay_rate, time_interval=None, *, steps=lambda n, i: math.floor(n / i),
            rate=lambda lr0, decay, n: lr0 / (1 + decay * n)):
    """update_lr (time_interval None) and schedule_lr_decay with their pieces as arguments."""
    n = epoch_num if time_interval is None else steps(epoch_num, time_interval)
    return float(rate(learning_rate0, decay_rate, n))


def start_mistake(learning_rate0, decay_rate, *interval) -> float:
    """The learning rate that the start's mistake gives: 0 at epoch 0 (update_lr); the unstepped decay at the last
    epoch of the first interval (schedule_lr_decay)."""
    if not interval:
        return 0.0
    return learning_rate0 / (1 + decay_rate * (interval[0] - 1) / interval[0])


@dataclass(frozen=True)
class NotAtTheStart:
    """extra: the learning rate before the decay starts (epoch 0; the last epoch of the first interval) is
    learning_rate0 (a value, not a closure, so that the student edition can store it)."""
    name: str
    hint: str
    mistake: str

    def __call__(self, fn, result, inputs):
        learning_rate0, epoch_num, decay_rate, *interval = inputs.args
        start = interval[0] - 1 if interval else 0
        label = (f"{self.name}({learning_rate0}, {start}, {decay_rate}"
                 f"{''.join(f', time_interval={i}' for i in interval)})")
        expect_float(label, student_call(fn, self.name, learning_rate0, start, decay_rate, *interval), learning_rate0,
                     mistakes=[Mistake(self.hint, start_mistake(learning_rate0, decay_rate, *interval),
                                       id=self.mistake)])


UPDATE_LR = Exercise(
    "update_lr", ref.update_lr, decay_inputs, dict(learning_rate0=0.5, epoch_num=10, decay_rate=0.3),
    (Out("update_lr(learning_rate0, epoch_num, decay_rate)", scalar=True),),
    mistakes=tuple(Wrong(id_, hint, partial(decayed, rate=rate)) for id_, hint, rate in (
        ("decay-rate-power", "You decayed exponentially, learning_rate0 * "
         "decay_rate**epoch_num: this decay is learning_rate0 / (1 + decay_rate * epoch_num).",
         lambda a, d, n: a * d ** n),
        ("exp-decay", "You decayed exponentially, learning_rate0 * exp(-decay_rate "
         "* epoch_num): this decay is learning_rate0 / (1 + decay_rate * epoch_num).",
         lambda a, d, n: a * math.exp(-d * n)),
        ("missing-1-plus", "The 1 is missing: learning_rate0 / (1 + decay_rate * epoch_num).",
         lambda a, d, n: a / (d * n)),
        ("misplaced-parentheses", "Mind the parentheses: learning_rate0 / (1 + decay_rate * "
         "epoch_num), not learning_rate0 / (1 + decay_rate) * epoch_num.", lambda a, d, n: a / (1 + d) * n),
        ("decay-rate-missing", "decay_rate is missing: learning_rate0 / (1 + decay_rate * "
         "epoch_num).",
         lambda a, d, n: a / (1 + n)),
        ("multiplied-not-divided", "You multiplied: learning_rate0 / (1 + decay_rate * epoch_num) "
         "divides.", lambda a, d, n: a * (1 + d * n)),
        ("1-plus-rate-power", "You decayed by a power of 1 + decay_rate: this decay is learning_rate0 / "
         "(1 + decay_rate * epoch_num).", lambda a, d, n: a / (1 + d) ** n))),
    extra=NotAtTheStart("update_lr", "At epoch 0 the learning rate must be learning_rate0: learning_rate0 / "
                        "(1 + decay_rate * 0).", "update_lr.zero-at-start"))

_ROUND_DOWN = ("rounded-not-floored", "Round DOWN: np.floor(epoch_num / time_interval), not round() or "
               "ceil().")
SCHEDULE_LR_DECAY = Exercise(
    "schedule_lr_decay", ref.schedule_lr_decay, decay_inputs,
    dict(learning_rate0=0.5, epoch_num=2700, decay_rate=0.3, time_interval=1000),
    (Out("schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval)", scalar=True),),
    mistakes=(
        Wrong("not-stepped", "The decay is not stepped: use np.floor(epoch_num / time_interval) (or "
              "//), so that the learning rate stays constant for time_interval epochs.",
              partial(decayed, steps=lambda n, i: n / i)),
        Wrong(*_ROUND_DOWN, partial(decayed, steps=lambda n, i: math.ceil(n / i))),
        Wrong(*_ROUND_DOWN, partial(decayed, steps=lambda n, i: round(n / i))),
        Wrong("interval-ignored", "time_interval is ignored: learning_rate0 / (1 + decay_rate "
              "* np.floor(epoch_num / time_interval)).", partial(decayed, steps=lambda n, i: n)),
        Wrong("division-upside-down", "The division is upside down: np.floor(epoch_num / time_interval).",
              partial(decayed, steps=lambda n, i: math.floor(i / n))),
        Wrong("missing-1-plus", "The 1 is missing: learning_rate0 / (1 + decay_rate * "
              "floor(...)).", partial(decayed, rate=lambda a, d, n: a / (d * n))),
    ),
    extra=NotAtTheStart("schedule_lr_decay", "Before the first interval ends the learning rate is still "
                        "learning_rate0: np.floor(epoch_num / time_interval) = 0 there.",
                        "schedule_lr_decay.decays-in-first-interval"))


# --- challenge (optional, ungraded): Nesterov momentum and Adagrad ---------------------------------

def nesterov_inputs(layer_dims=(3, 4, 1), beta=0.8, learning_rate=0.1, seed=21):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, layer_dims)
    return Inputs((parameters, like(rng, parameters), like(rng, parameters, 0.5), beta, learning_rate))


def nesterov(parameters, grads, v, beta, learning_rate, *, look=average, keep="new"):
    """update_parameters_with_nesterov with its pieces as arguments."""
    new_v = {d: average(beta, v[d], grads[d]) for d in v}
    ahead = {d: look(beta, new_v[d], grads[d]) for d in v}
    return ({key: value - learning_rate * ahead["d" + key] for key, value in parameters.items()},
            {"new": new_v, "old": v, "ahead": ahead}[keep])


NESTEROV = Exercise(
    "update_parameters_with_nesterov", ref.update_parameters_with_nesterov, nesterov_inputs,
    dict(layer_dims=(3, 4, 1), beta=0.8, learning_rate=0.1, seed=21), (), per_case=updated("v"),
    mistakes=(
        Wrong("update_parameters_with_nesterov.v-not-updated", "v was not updated: v = beta v + (1 - beta) dW, as for "
              "momentum.", partial(nesterov, keep="old")),
        Wrong("update_parameters_with_nesterov.look-ahead-stored", "v holds the look-ahead beta v + (1 - beta) dW: "
              "keep v the plain average, v = beta v + (1 - beta) dW, and use the look-ahead only in the step.",
              partial(nesterov, keep="ahead")),
        Wrong("update_parameters_with_nesterov.plain-momentum", "this is plain momentum, a step along the new v: "
              "Nesterov steps along the look-ahead beta v + (1 - beta) dW (the new v, pushed once more by the current "
              "gradient).", partial(nesterov, look=lambda b, v, g: v)),
        Wrong("update_parameters_with_nesterov.missing-1-beta", "the look-ahead lacks (1 - beta) on the gradient: step "
              "along beta v + (1 - beta) dW.", partial(nesterov, look=lambda b, v, g: b * v + g)),
        Wrong("update_parameters_with_nesterov.sign", "the step went uphill: W = W - learning_rate * (beta v + "
              "(1 - beta) dW).", partial(nesterov, look=lambda b, v, g: -average(b, v, g))),
    ))


def adagrad_inputs(layer_dims=(3, 4, 1), learning_rate=0.1, epsilon=1e-3, seed=22):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, layer_dims)
    grads, s = near_epsilon(rng, parameters, epsilon, 1.0)
    return Inputs((parameters, grads, s, learning_rate, epsilon))


def adagrad(parameters, grads, s, learning_rate, epsilon=1e-8, *, add=lambda s, g: s + g ** 2, **pieces):
    """update_parameters_with_adagrad with its pieces as arguments: RMSprop's step, with s a running sum."""
    return rmsprop(parameters, grads, s, None, learning_rate, epsilon, mean=lambda _, s, g: add(s, g), **pieces)


_AVERAGED = ("update_parameters_with_adagrad.averaged", "s is an exponentially weighted average (that is RMSprop): "
             "Adagrad SUMS every squared gradient since the start, s = s + dW**2.")
ADAGRAD = Exercise(
    "update_parameters_with_adagrad", ref.update_parameters_with_adagrad, adagrad_inputs,
    dict(layer_dims=(3, 4, 1), learning_rate=0.1, epsilon=1e-3, seed=22), (), per_case=updated("s", atol=0.0),
    mistakes=(
        Wrong(*_AVERAGED, partial(adagrad, add=partial(squares, 0.9))),
        Wrong(*_AVERAGED, partial(adagrad, add=partial(squares, 0.999))),
        Wrong("update_parameters_with_adagrad.not-squared", "s was updated with dW, not its square: s = s + dW**2.",
              partial(adagrad, add=lambda s, g: s + g)),
        Wrong("update_parameters_with_adagrad.s-not-updated", "s was not updated: s = s + dW**2.",
              partial(adagrad, add=lambda s, g: s)),
        Wrong("update_parameters_with_adagrad.old-s", "the step uses the OLD s: add the squared gradient first, then "
              "divide by np.sqrt(s) + epsilon.", partial(adagrad, old=True)),
        *_step_mistakes(adagrad, "dW", "np.sqrt(s)", "update_parameters_with_adagrad.", inside="epsilon-inside",
                        missing="epsilon-missing", no_root="no-sqrt"),
    ))


check_update_parameters_with_momentum = check(MOMENTUM)
check_update_parameters_with_rmsprop = check(RMSPROP)
check_update_parameters_with_adam = check(ADAM)
check_update_lr = check(UPDATE_LR)
check_schedule_lr_decay = check(SCHEDULE_LR_DECAY)
check_update_parameters_with_nesterov = check(NESTEROV)
check_update_parameters_with_adagrad = check(ADAGRAD)

#: The exercises described as data (the tests feed each named mistake in); the others are checked by
#: code of their own above: random_mini_batches and the three initializations.
EXERCISES = (MOMENTUM, RMSPROP, ADAM, UPDATE_LR, SCHEDULE_LR_DECAY, NESTEROV, ADAGRAD)
CHALLENGES = (NESTEROV, ADAGRAD)     # optional and ungraded: no hidden test
