"""The checks of notebook 06: the right answer passes, and each typical mistake fails with a
message that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import optimizers as ref
from helpers.checks import ExerciseFailure
from helpers.checks import optimizers as checks
from helpers.checks.core import copy_inputs
from helpers.checks.engine import as_answer, reach, wrong_results
from notebook_runner import hidden_check_calls
from mistakes import assert_named_mistake, fails_with


# The right answers (tests/support/solutions/optimizers.py) and the named mistakes of the tables are fed in by
# tests/checks/test_exercises.py, at the visible and the hidden cases; here: the checks written as code
# (random_mini_batches, the initializations), the escape hatches of the tables, and bad input.


# --- random_mini_batches ----------------------------------------------------------------------------------

def _batches(X, Y, size, seed, *, drop_last=False, apart=False, shuffle=True, legacy=False):
    m = X.shape[1]
    rng = np.random.default_rng(seed)
    permutation = np.random.RandomState(seed).permutation(m) if legacy else rng.permutation(m)
    if not shuffle:
        permutation = np.arange(m)
    X_s = X[:, permutation]
    Y_s = Y[:, rng.permutation(m)] if apart else Y[:, permutation]
    batches = [(X_s[:, k * size:(k + 1) * size], Y_s[:, k * size:(k + 1) * size]) for k in range(m // size)]
    if not drop_last and m % size:
        batches.append((X_s[:, (m // size) * size:], Y_s[:, (m // size) * size:]))
    return batches


@pytest.mark.parametrize("options, phrase", [
    (dict(drop_last=True), "last mini-batch"),
    (dict(apart=True), "shuffled apart"),
    (dict(shuffle=False), "was not shuffled"),
    (dict(legacy=True), "default_rng"),
])
def test_mini_batch_mistakes_are_named(options, phrase):
    def answer(X, Y, mini_batch_size=64, seed=0):
        return _batches(X, Y, mini_batch_size, seed, **options)
    fails_with(checks.check_random_mini_batches, answer, phrase)


def test_empty_last_batch_is_named():
    def answer(X, Y, mini_batch_size=64, seed=0):
        m = X.shape[1]
        batches = _batches(X, Y, mini_batch_size, seed)
        if m % mini_batch_size == 0:
            batches.append((X[:, m:], Y[:, m:]))
        return batches
    fails_with(checks.check_random_mini_batches, answer, "probably empty", m=128, mini_batch_size=32)


def test_shuffling_in_place_is_named():
    def answer(X, Y, mini_batch_size=64, seed=0):
        np.random.default_rng(seed).shuffle(X, axis=1)
        return _batches(X, Y, mini_batch_size, seed)
    fails_with(checks.check_random_mini_batches, answer, "in place")


# --- initializations ---------------------------------------------------------------------------------------

def test_velocity_with_parameter_keys_or_aliases_is_named():
    fails_with(checks.check_initialize_velocity, lambda p: {k: np.zeros_like(v) for k, v in p.items()},
               "keys of the gradients")

    def aliased(parameters):
        v = {"d" + k: value for k, value in parameters.items()}
        for value in v.values():
            value[...] = 0
        return v
    fails_with(checks.check_initialize_velocity, aliased, "changed the parameters")

    def view(parameters):
        return {"d" + k: value[:0] if False else value.view() for k, value in parameters.items()}
    with pytest.raises(ExerciseFailure):
        checks.check_initialize_velocity(view)


def _moments_with_parameter_keys(parameters):
    return {key: np.zeros_like(value) for key, value in parameters.items()}


def _moments_zeroed_in_place(parameters):
    """The parameters' own arrays under the gradients' keys, zeroed: the parameters are zeroed with them."""
    moments = {"d" + key: value for key, value in parameters.items()}
    for value in moments.values():
        value *= 0
    return moments


INITIALISATION_MISTAKES = [
    (checks.check_initialize_rmsprop, _moments_with_parameter_keys, "initialize_rmsprop.parameter-keys",
     "keys of the gradients"),
    (checks.check_initialize_rmsprop, _moments_zeroed_in_place, "initialize_rmsprop.changed-parameters",
     "changed the parameters"),
    (checks.check_initialize_adam, lambda p: (_moments_with_parameter_keys(p), _moments_with_parameter_keys(p)),
     "initialize_adam.parameter-keys", "keys of the gradients"),
    (checks.check_initialize_adam, lambda p: (_moments_zeroed_in_place(p), ref.initialize_velocity(p)),
     "initialize_adam.changed-parameters", "changed the parameters"),
]


@pytest.mark.parametrize("check, answer, mistake, phrase", INITIALISATION_MISTAKES,
                         ids=[m for _, _, m, _ in INITIALISATION_MISTAKES])
def test_rmsprop_and_adam_initialisation_mistakes_are_named(check, answer, mistake, phrase):
    failure = assert_named_mistake(check, answer, mistake)
    assert phrase in str(failure)


def test_adam_initialisation_with_one_shared_dict_is_named():
    def shared(parameters):
        v = ref.initialize_velocity(parameters)
        return v, v
    fails_with(checks.check_initialize_adam, shared, "same dict")


def test_wrong_number_of_batches_and_a_generator_are_named():
    def default_size(X, Y, mini_batch_size=64, seed=0):
        return _batches(X, Y, 64, seed)
    assert_named_mistake(checks.check_random_mini_batches, default_size,
                         "random_mini_batches.wrong-batch-count")

    def generator(X, Y, mini_batch_size=64, seed=0):
        return (batch for batch in _batches(X, Y, mini_batch_size, seed))
    assert_named_mistake(checks.check_random_mini_batches, generator,
                         "random_mini_batches.not-a-list")


# --- the updates: what the tables leave to code ---------------------------------------------------------------

def test_adam_zero_based_t_is_named_at_the_first_step_too():
    """At t = 1 a 0-based t divides by 1 - beta1**0 = 0: NaN parameters, named all the same."""
    wrong = next(w for w in checks.ADAM.mistakes if w.id == "zero-based-t")
    failure = assert_named_mistake(checks.check_update_parameters_with_adam, as_answer(wrong.answer),
                                   "update_parameters_with_adam.zero-based-t", t=1)
    assert "became NaN or infinite" in str(failure) and "1 - beta1**0 = 0" in str(failure)


def test_epsilon_inside_the_square_root_is_named_at_the_notebooks_epsilon():
    """The issue's example: with epsilon = 1e-8 and moments of unit scale the mistake passed unseen."""
    for exercise in (checks.RMSPROP, checks.ADAM):
        wrong = next(w for w in exercise.mistakes if w.id.startswith("epsilon-inside"))
        check = getattr(checks, f"check_{exercise.name}")
        failure = assert_named_mistake(check, as_answer(wrong.answer), exercise.mistake_id(wrong), epsilon=1e-8)
        assert "epsilon is inside the square root" in str(failure)


@pytest.mark.parametrize("exercise", checks.EXERCISES, ids=[e.name for e in checks.EXERCISES])
def test_every_named_mistake_is_far_beyond_the_tolerance(exercise):
    """Not only different: at the visible case and at every hidden case, each mistake moves the first output
    where it differs (where it is named) by 100 times the tolerance or more: rounding cannot hide it."""
    check = getattr(checks, f"check_{exercise.name}")
    hidden = [arguments for name, arguments in hidden_check_calls("06_optimizers") if name == check.__name__]
    for case in [exercise.case] + [{**exercise.case, **arguments} for arguments in hidden]:
        outputs = exercise.per_case(**case)["outputs"] if exercise.per_case else exercise.outputs
        inputs = exercise.inputs(**case)
        right = exercise.reference(*copy_inputs(inputs.args))
        for wrong, result in wrong_results(exercise, inputs):
            margins = [_margin(out, reach(result, out.path), reach(right, out.path)) for out in outputs]
            assert next(margin for margin in margins if margin > 1) >= 100, (case, wrong.id, margins)


def _margin(out, wrong, right):
    """max |wrong - right| / (atol + rtol |right|): how many tolerances apart (NaN: infinitely many)."""
    wrong, right = np.asarray(wrong, dtype=float), np.asarray(right, dtype=float)
    return float(np.nan_to_num(np.max(np.abs(wrong - right) / (out.atol + out.rtol * np.abs(right))), nan=np.inf))


def test_unknown_arguments_are_refused():
    with pytest.raises(TypeError, match="layer_dims"):
        checks.check_update_parameters_with_momentum(lambda *args: None, layers=(2, 1))


def test_learning_rate_at_the_start_is_checked_too():
    def zero_at_epoch_0(learning_rate0, epoch_num, decay_rate):
        return learning_rate0 / (1 + decay_rate * epoch_num) if epoch_num else 0.0
    assert_named_mistake(checks.check_update_lr, zero_at_epoch_0, "update_lr.zero-at-start")

    def unstepped_at_first(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        steps = epoch_num / time_interval if epoch_num < time_interval else math.floor(epoch_num / time_interval)
        return learning_rate0 / (1 + decay_rate * steps)
    assert_named_mistake(checks.check_schedule_lr_decay, unstepped_at_first,
                         "schedule_lr_decay.decays-in-first-interval")


def test_reference_nesterov_is_momentum_evaluated_ahead():
    """The look-ahead form equals classical Nesterov (the gradient taken at the point momentum is about to
    reach) on a quadratic, in the shifted variable W + learning_rate * beta * v."""
    a = 3.0                                                    # f(w) = a w^2 / 2, gradient a w
    beta, rate = 0.8, 0.05
    w, v = np.array([[1.0]]), np.array([[0.0]])
    u, vu = w.copy(), v.copy()                                  # classical Nesterov on the same problem
    for _ in range(20):
        p, state = ref.update_parameters_with_nesterov({"W1": w}, {"dW1": a * w}, {"dW1": v}, beta, rate)
        w, v = p["W1"], state["dW1"]
        look = u - rate * beta * vu
        vu = beta * vu + (1 - beta) * a * look
        u = u - rate * vu
    assert np.allclose(w, u - rate * beta * vu)
