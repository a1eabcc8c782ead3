"""The checks of notebook 06: the right answer passes, and each typical mistake fails with a
message that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import optimizers as ref
from helpers.checks import ExerciseFailure
from mistakes import assert_named_mistake
from helpers.checks import optimizers as checks


# The checks refuse helpers' own functions, so the "student" answers are defined here.
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    return ref.random_mini_batches(X, Y, mini_batch_size, seed=seed)


def initialize_velocity(parameters):
    return ref.initialize_velocity(parameters)


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    return ref.update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)


def initialize_rmsprop(parameters):
    return ref.initialize_rmsprop(parameters)


def update_parameters_with_rmsprop(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return ref.update_parameters_with_rmsprop(parameters, grads, s, beta2, learning_rate, epsilon)


def initialize_adam(parameters):
    return ref.initialize_adam(parameters)


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return ref.update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)


def update_lr(learning_rate0, epoch_num, decay_rate):
    return ref.update_lr(learning_rate0, epoch_num, decay_rate)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return ref.schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval)


CORRECT = [
    (checks.check_random_mini_batches, random_mini_batches), (checks.check_initialize_velocity, initialize_velocity),
    (checks.check_update_parameters_with_momentum, update_parameters_with_momentum),
    (checks.check_initialize_rmsprop, initialize_rmsprop),
    (checks.check_update_parameters_with_rmsprop, update_parameters_with_rmsprop),
    (checks.check_initialize_adam, initialize_adam), (checks.check_update_parameters_with_adam, update_parameters_with_adam),
    (checks.check_update_lr, update_lr), (checks.check_schedule_lr_decay, schedule_lr_decay),
]
IDS = [check.__name__ for check, _ in CORRECT]
HIDDEN_STYLE = {
    "check_random_mini_batches": [dict(n_x=2, m=128, mini_batch_size=32, seed=7), dict(n_x=1, m=10, mini_batch_size=64, seed=3),
                                  dict(n_x=4, m=65, mini_batch_size=16, seed=11)],
    "check_initialize_velocity": [dict(layer_dims=(5, 3, 2, 1), seed=9)],
    "check_update_parameters_with_momentum": [dict(layer_dims=(2, 5, 3, 1), beta=0.8, learning_rate=0.05, seed=21)],
    "check_initialize_rmsprop": [dict(layer_dims=(4, 2, 1), seed=10)],
    "check_update_parameters_with_rmsprop": [dict(layer_dims=(2, 5, 1), beta2=0.999, learning_rate=0.003, epsilon=1e-8, seed=8)],
    "check_initialize_adam": [dict(layer_dims=(6, 3, 1), seed=12)],
    "check_update_parameters_with_adam": [dict(layer_dims=(2, 3, 1), t=1, seed=13), dict(t=10, learning_rate=0.001, seed=14)],
    "check_update_lr": [dict(learning_rate0=0.02, epoch_num=3, decay_rate=1.0)],
    "check_schedule_lr_decay": [dict(learning_rate0=0.1, epoch_num=47, decay_rate=0.5, time_interval=10)],
}


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass(check, answer, capsys):
    check(answer)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass_on_hidden_style_sizes(check, answer):
    for sizes in HIDDEN_STYLE[check.__name__]:
        check(answer, **sizes)


def test_stub_and_reference_are_refused():
    def stub(parameters):
        raise NotImplementedError()
    with pytest.raises(ExerciseFailure, match="not implemented yet"):
        checks.check_initialize_velocity(stub)
    with pytest.raises(ExerciseFailure, match="reference implementation"):
        checks.check_initialize_velocity(ref.initialize_velocity)


def _fails_with(check, answer, phrase, **kwargs):
    with pytest.raises(ExerciseFailure) as info:
        check(answer, **kwargs)
    assert phrase in str(info.value), f"message was: {info.value}"


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
    _fails_with(checks.check_random_mini_batches, answer, phrase)


def test_empty_last_batch_is_named():
    def answer(X, Y, mini_batch_size=64, seed=0):
        m = X.shape[1]
        batches = _batches(X, Y, mini_batch_size, seed)
        if m % mini_batch_size == 0:
            batches.append((X[:, m:], Y[:, m:]))
        return batches
    _fails_with(checks.check_random_mini_batches, answer, "probably empty", m=128, mini_batch_size=32)


def test_shuffling_in_place_is_named():
    def answer(X, Y, mini_batch_size=64, seed=0):
        np.random.default_rng(seed).shuffle(X, axis=1)
        return _batches(X, Y, mini_batch_size, seed)
    _fails_with(checks.check_random_mini_batches, answer, "in place")


# --- momentum -------------------------------------------------------------------------------------------------

def _momentum(parameters, grads, v, beta, learning_rate, *, no_one_minus=False, old_v=False, with_dW=False):
    new_v = {k: beta * v[k] + (grads[k] if no_one_minus else (1 - beta) * grads[k]) for k in v}
    used = v if old_v else (grads if with_dW else new_v)
    return {k: parameters[k] - learning_rate * used["d" + k] for k in parameters}, new_v


@pytest.mark.parametrize("options, phrase", [
    (dict(no_one_minus=True), "lacks the factor (1 - beta)"),
    (dict(old_v=True), "OLD v"),
    (dict(with_dW=True), "learning_rate * dW"),
])
def test_momentum_mistakes_are_named(options, phrase):
    def answer(parameters, grads, v, beta, learning_rate):
        return _momentum(parameters, grads, v, beta, learning_rate, **options)
    _fails_with(checks.check_update_parameters_with_momentum, answer, phrase)


def test_velocity_with_parameter_keys_or_aliases_is_named():
    _fails_with(checks.check_initialize_velocity, lambda p: {k: np.zeros_like(v) for k, v in p.items()}, "keys of the gradients")

    def aliased(parameters):
        v = {"d" + k: value for k, value in parameters.items()}
        for value in v.values():
            value[...] = 0
        return v
    _fails_with(checks.check_initialize_velocity, aliased, "changed the parameters")

    def view(parameters):
        return {"d" + k: value[:0] if False else value.view() for k, value in parameters.items()}
    with pytest.raises(ExerciseFailure):
        checks.check_initialize_velocity(view)


# --- RMSprop ----------------------------------------------------------------------------------------------------

def _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon=1e-8, *, eps_inside=False, no_square=False):
    with np.errstate(all="ignore"):
        new_s = {k: beta2 * s[k] + (1 - beta2) * (grads[k] if no_square else grads[k] ** 2) for k in s}
        out = {}
        for key in parameters:
            d = "d" + key
            denominator = np.sqrt(new_s[d] + epsilon) if eps_inside else np.sqrt(new_s[d]) + epsilon
            out[key] = parameters[key] - learning_rate * grads[d] / denominator
    return out, new_s


@pytest.mark.parametrize("options, phrase", [
    (dict(eps_inside=True), "epsilon is inside the square root"),
    (dict(no_square=True), "not its square"),
])
def test_rmsprop_mistakes_are_named(options, phrase):
    def answer(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
        return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, **options)
    _fails_with(checks.check_update_parameters_with_rmsprop, answer, phrase)


# --- Adam -------------------------------------------------------------------------------------------------------

def _adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8, *, correct=True,
          shift=0, return_corrected=False):
    with np.errstate(all="ignore"):
        new_v = {k: beta1 * v[k] + (1 - beta1) * grads[k] for k in v}
        new_s = {k: beta2 * s[k] + (1 - beta2) * grads[k] ** 2 for k in s}
        power = t + shift
        v_hat = {k: new_v[k] / (1 - beta1 ** power) for k in v} if correct else new_v
        s_hat = {k: new_s[k] / (1 - beta2 ** power) for k in s} if correct else new_s
        out = {k: parameters[k] - learning_rate * v_hat["d" + k] / (np.sqrt(s_hat["d" + k]) + epsilon) for k in parameters}
    if return_corrected:
        return out, v_hat, s_hat
    return out, new_v, new_s


@pytest.mark.parametrize("options, phrase", [
    (dict(correct=False), "no bias correction"),
    (dict(shift=-1), "uses t - 1"),
    (dict(shift=1), "uses t + 1"),
    (dict(return_corrected=True), "returned bias-corrected"),
])
def test_adam_mistakes_are_named(options, phrase):
    def answer(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
        return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, **options)
    _fails_with(checks.check_update_parameters_with_adam, answer, phrase)


def test_adam_zero_based_t_fails_at_the_first_step_too():
    def answer(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
        return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, shift=-1)
    _fails_with(checks.check_update_parameters_with_adam, answer, "1 - beta1**(t - 1) = 0", t=1)


def test_adam_initialisation_with_one_shared_dict_is_named():
    def shared(parameters):
        v = ref.initialize_velocity(parameters)
        return v, v
    _fails_with(checks.check_initialize_adam, shared, "same dict")


# --- learning-rate decay -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer, phrase", [
    (lambda lr0, epoch, decay: lr0 * decay ** epoch, "exponentially"),
    (lambda lr0, epoch, decay: lr0 / (1 + decay) * epoch, "parentheses"),
    (lambda lr0, epoch, decay: lr0 / (1 + epoch), "decay_rate is missing"),
    (lambda lr0, epoch, decay: lr0 * math.exp(-decay * epoch), "exponentially"),
])
def test_update_lr_mistakes_are_named(answer, phrase):
    def student(learning_rate0, epoch_num, decay_rate):
        return answer(learning_rate0, epoch_num, decay_rate)
    _fails_with(checks.check_update_lr, student, phrase)


@pytest.mark.parametrize("answer, phrase", [
    (lambda lr0, epoch, decay, interval: lr0 / (1 + decay * epoch / interval), "not stepped"),
    (lambda lr0, epoch, decay, interval: lr0 / (1 + decay * round(epoch / interval)), "Round DOWN"),
    (lambda lr0, epoch, decay, interval: lr0 / (1 + decay * epoch), "time_interval is ignored"),
])
def test_schedule_mistakes_are_named(answer, phrase):
    def student(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        return answer(learning_rate0, epoch_num, decay_rate, time_interval)
    _fails_with(checks.check_schedule_lr_decay, student, phrase)


# --- the challenge: Nesterov momentum and Adagrad ------------------------------------------------------------

def update_parameters_with_nesterov(parameters, grads, v, beta, learning_rate):
    v = {k: beta * v[k] + (1 - beta) * grads[k] for k in v}
    return {k: parameters[k] - learning_rate * (beta * v["d" + k] + (1 - beta) * grads["d" + k])
            for k in parameters}, v


def update_parameters_with_adagrad(parameters, grads, s, learning_rate, epsilon=1e-8):
    s = {k: s[k] + grads[k] ** 2 for k in s}
    return {k: parameters[k] - learning_rate * grads["d" + k] / (np.sqrt(s["d" + k]) + epsilon) for k in parameters}, s


def _nesterov(step_of, stored=None):
    def update(parameters, grads, v, beta, learning_rate):
        new_v = {k: beta * v[k] + (1 - beta) * grads[k] for k in v}
        kept = new_v if stored is None else {k: stored(v[k], new_v[k], grads[k], beta) for k in v}
        return {k: parameters[k] - learning_rate * step_of(v["d" + k], new_v["d" + k], grads["d" + k], beta)
                for k in parameters}, kept
    return update


def _adagrad(new_s_of, denominator=lambda old, new, epsilon: np.sqrt(new) + epsilon):
    def update(parameters, grads, s, learning_rate, epsilon=1e-8):
        new_s = {k: new_s_of(s[k], grads[k]) for k in s}
        return {k: parameters[k] - learning_rate * grads["d" + k] / denominator(s["d" + k], new_s["d" + k], epsilon)
                for k in parameters}, new_s
    return update


NESTEROV_MISTAKES = [
    (_nesterov(lambda old, new, g, b: new), "update_parameters_with_nesterov.plain-momentum"),
    (_nesterov(lambda old, new, g, b: b * new + g), "update_parameters_with_nesterov.missing-1-beta"),
    (_nesterov(lambda old, new, g, b: -(b * new + (1 - b) * g)), "update_parameters_with_nesterov.sign"),
    (_nesterov(lambda old, new, g, b: b * new + (1 - b) * g, stored=lambda old, new, g, b: old),
     "update_parameters_with_nesterov.v-not-updated"),
    (_nesterov(lambda old, new, g, b: b * new + (1 - b) * g, stored=lambda old, new, g, b: b * new + (1 - b) * g),
     "update_parameters_with_nesterov.look-ahead-stored"),
]
ADAGRAD_MISTAKES = [
    (_adagrad(lambda s, g: 0.9 * s + 0.1 * g ** 2), "update_parameters_with_adagrad.averaged"),
    (_adagrad(lambda s, g: 0.999 * s + 0.001 * g ** 2), "update_parameters_with_adagrad.averaged"),
    (_adagrad(lambda s, g: s + g), "update_parameters_with_adagrad.not-squared"),
    (_adagrad(lambda s, g: s), "update_parameters_with_adagrad.s-not-updated"),
    (_adagrad(lambda s, g: s + g ** 2, lambda old, new, eps: np.sqrt(old) + eps), "update_parameters_with_adagrad.old-s"),
    (_adagrad(lambda s, g: s + g ** 2, lambda old, new, eps: new + eps), "update_parameters_with_adagrad.no-sqrt"),
    (_adagrad(lambda s, g: s + g ** 2, lambda old, new, eps: np.sqrt(new + eps)),
     "update_parameters_with_adagrad.epsilon-inside"),
]


def test_challenge_references_pass(capsys):
    checks.check_update_parameters_with_nesterov(update_parameters_with_nesterov)
    checks.check_update_parameters_with_adagrad(update_parameters_with_adagrad)
    checks.check_update_parameters_with_nesterov(update_parameters_with_nesterov, layer_dims=(2, 3, 3, 1), beta=0.9,
                                                 learning_rate=0.01, seed=5)
    checks.check_update_parameters_with_adagrad(update_parameters_with_adagrad, layer_dims=(2, 2), learning_rate=0.5,
                                                epsilon=1e-8, seed=6)
    assert capsys.readouterr().out.count("all tests passed") == 4


@pytest.mark.parametrize("answer, mistake", NESTEROV_MISTAKES, ids=[m for _, m in NESTEROV_MISTAKES])
def test_nesterov_mistakes_are_named(answer, mistake):
    assert_named_mistake(checks.check_update_parameters_with_nesterov, answer, mistake)


@pytest.mark.parametrize("answer, mistake", ADAGRAD_MISTAKES, ids=[f"{m}-{i}" for i, (_, m) in enumerate(ADAGRAD_MISTAKES)])
def test_adagrad_mistakes_are_named(answer, mistake):
    with np.errstate(invalid="ignore"):
        assert_named_mistake(checks.check_update_parameters_with_adagrad, answer, mistake)


def test_reference_nesterov_is_momentum_evaluated_ahead():
    """The look-ahead form equals classical Nesterov (the gradient taken at the point momentum is about to
    reach) on a quadratic, in the shifted variable W + learning_rate * beta * v."""
    from helpers import optimizers as ref
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
