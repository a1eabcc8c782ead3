"""The checks of notebook 02: what the table of exercises does not cover (tests/checks/test_exercises.py feeds
the independent solutions, the references and every named mistake of the table): the diagnoses
written as code (caches, in-place changes, crashes, the order of the results), and the checks that
stay code (initialize_parameters_deep, L_layer_model)."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import deep as ref
from helpers.checks import ExerciseFailure
from helpers.checks import deep as checks
from mistakes import assert_named_mistake
from solutions.deep import SOLUTIONS


def test_every_exercise_of_the_notebook_is_a_table_entry_or_a_check_of_its_own():
    tables = {exercise.name for exercise in checks.EXERCISES}
    assert set(SOLUTIONS) - tables - {"initialize_parameters_deep", "L_layer_model"} == set()


# --- initialize_parameters_deep: its own code ---------------------------------------------------------

def _init(layer_dims, seed=3, **pieces):
    return {**checks.he_draws(layer_dims, seed, **pieces),
            **{f"b{l}": np.zeros((layer_dims[l], 1)) for l in range(1, len(layer_dims))}}


def init_zeros(layer_dims, seed=3):
    return {k: np.zeros_like(v) for k, v in _init(layer_dims, seed).items()}


def init_constant(layer_dims, seed=3):
    return {k: (np.full_like(v, 0.5) if k.startswith("W") else v) for k, v in _init(layer_dims, seed).items()}


def init_global_state(layer_dims, seed=3):
    return {k: (np.random.randn(*v.shape) if k.startswith("W") else v) for k, v in _init(layer_dims, seed).items()}


def init_with_W0(layer_dims, seed=3):
    return {**_init(layer_dims, seed), "W0": np.zeros((layer_dims[0], 1)), "b0": np.zeros((layer_dims[0], 1))}


def init_b_1d(layer_dims, seed=3):
    return {k: (v.ravel() if k.startswith("b") else v) for k, v in _init(layer_dims, seed).items()}


@pytest.mark.parametrize("answer, mistake", [
    (init_zeros, "initialize_parameters_deep.zero-weights"),
    (init_constant, "initialize_parameters_deep.constant-weights"),
    (init_global_state, "initialize_parameters_deep.global-random-state"),
    (init_with_W0, "initialize_parameters_deep.extra-keys"),
])
def test_initialization_diagnoses(answer, mistake):
    assert_named_mistake(checks.check_initialize_parameters_deep, answer, mistake)


@pytest.mark.parametrize("id_, hint, pieces", checks.INIT_MISTAKES, ids=[m[0] for m in checks.INIT_MISTAKES])
def test_each_wrong_draw_is_named_at_every_size_of_the_notebook(id_, hint, pieces):
    """Every hidden size with more than one layer names it (one layer cannot tell some scales apart)."""
    for case in ({}, dict(layer_dims=(7, 5, 5, 3, 1), seed=11)):
        assert_named_mistake(checks.check_initialize_parameters_deep,
                             lambda layer_dims, seed=3: _init(layer_dims, seed, **pieces),
                             id_, **case)


def test_a_1d_bias_gets_a_shape_hint():
    with pytest.raises(ExerciseFailure, match="1-D"):
        checks.check_initialize_parameters_deep(init_b_1d)


# --- diagnoses written as code in the table's exercises --------------------------------------------------

def relu_in_place(Z):
    Z[Z < 0] = 0
    return Z


def relu_backward_in_place(dA, Z):
    dZ = dA
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward_in_place(dA, Z):
    Z *= -1
    np.exp(Z, out=Z)
    s = 1 / (1 + Z)
    return dA * s * (1 - s)


def sigmoid_backward_dA_in_place(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    dA *= s * (1 - s)
    return dA


def _A_W_b(A_prev, W, b):
    return W @ A_prev + b


def _L_forward(X, parameters, reverse=False, skip_last=False, as_dict=False):
    AL, caches = SOLUTIONS["L_model_forward"](X, parameters)
    caches = caches[:-1] if skip_last else caches[::-1] if reverse else caches
    return AL, (dict(enumerate(caches)) if as_dict else caches)


def _L_backward_from_zero(AL, Y, caches):
    grads = SOLUTIONS["L_model_backward"](AL, Y, caches)
    return {k[:2] + str(int(k[2:]) - 1): v for k, v in grads.items()}


def _linear_backward_reversed(dZ, cache):
    return SOLUTIONS["linear_backward"](dZ, cache)[::-1]


def _linear_backward_db_scalar(dZ, cache):
    dA_prev, dW, db = SOLUTIONS["linear_backward"](dZ, cache)
    return dA_prev, dW, float(np.sum(dZ) / dZ.shape[1])


def _update_over_grads_keys(parameters, grads, learning_rate):
    return {key[1:]: parameters[key[1:]] - learning_rate * grads[key] for key in grads}


def _gradient_check_not_restored(cost_fn, parameters, grads, epsilon=1e-7):
    for theta in parameters.values():
        for index in np.ndindex(theta.shape):
            theta[index] += epsilon
    return SOLUTIONS["gradient_check"](cost_fn, parameters, grads, epsilon)


DIAGNOSES = [
    (checks.check_relu, relu_in_place, "relu.modified-z-in-place", "returns a new array"),
    (checks.check_relu_backward, relu_backward_in_place, "relu_backward.modified-da-in-place", "another name"),
    (checks.check_sigmoid_backward, sigmoid_backward_in_place, "sigmoid_backward.modified-z-in-place",
     "input Z in place"),
    (checks.check_sigmoid_backward, sigmoid_backward_dA_in_place, "sigmoid_backward.modified-da-in-place",
     "input dA in place"),
    (checks.check_linear_forward, lambda A, W, b: (_A_W_b(A, W, b), (W, A, b)),
     "linear_forward.cache-wrong-order", "wrong order"),
    (checks.check_linear_forward, lambda A, W, b: (_A_W_b(A, W, b), [A, W]),
     "linear_forward.cache-not-a-triple", "must be the tuple (A_prev, W, b)"),
    (checks.check_linear_forward, lambda A, W, b: (_A_W_b(A, W, b), (A, W, b + 1)),
     "linear_forward.cache-item-not-input", "as it was passed in"),
    (checks.check_linear_activation_forward,
     lambda *args: (lambda A, cache: (A, cache[::-1]))(*SOLUTIONS["linear_activation_forward"](*args)),
     "linear_activation_forward.cache-wrong-order", "wrong order"),
    (checks.check_linear_activation_forward,
     lambda *args: (lambda A, cache: (A, (cache[0], A)))(*SOLUTIONS["linear_activation_forward"](*args)),
     "linear_activation_forward.cache-keeps-a", "the activation cache is Z"),
    (checks.check_linear_activation_forward,
     lambda A, W, b, activation: (SOLUTIONS["linear_activation_forward"](A, W, b, activation)[0], None),
     "linear_activation_forward.cache-not-a-pair", "(linear_cache, Z)"),
    (checks.check_L_model_forward, lambda X, p: _L_forward(X, p, reverse=True),
     "L_model_forward.caches-wrong-order", "wrong order"),
    (checks.check_L_model_forward, lambda X, p: _L_forward(X, p, skip_last=True),
     "L_model_forward.caches-wrong-length", "skip a layer"),
    (checks.check_L_model_forward, lambda X, p: _L_forward(X, p, as_dict=True),
     "L_model_forward.caches-not-a-list", "must be a list"),
    (checks.check_compute_cost, lambda AL, Y: -(Y @ np.log(AL).T + (1 - Y) @ np.log(1 - AL).T) / Y.shape[1], "",
     "Python float"),
    (checks.check_linear_backward, _linear_backward_reversed, "linear_backward.wrong-return-order",
     "(dA_prev, dW, db), in this order"),
    (checks.check_linear_backward, _linear_backward_db_scalar, "linear_backward.db-scalar",
     "summed over everything"),
    (checks.check_L_model_backward, _L_backward_from_zero, "L_model_backward.layers-from-zero",
     "numbered from 1"),
    (checks.check_update_parameters, _update_over_grads_keys, "", "loop over the layers"),
    (checks.check_gradient_check, _gradient_check_not_restored,
     "gradient_check.changed-parameters", "put the original value"),
]


@pytest.mark.parametrize("check, answer, mistake, phrase", DIAGNOSES,
                         ids=[f"{c.__name__}:{p}" for c, _, _, p in DIAGNOSES])
def test_diagnosis_written_as_code(check, answer, mistake, phrase):
    failure = assert_named_mistake(check, answer, mistake)
    assert phrase in str(failure)


def test_gradients_must_be_a_dict():
    assert_named_mistake(checks.check_L_model_backward,
                         lambda AL, Y, caches: list(SOLUTIONS["L_model_backward"](AL, Y, caches).items()),
                         "L_model_backward.grads-not-dict")


def test_L_model_backward_shape_crash_gets_an_order_hint():
    """Walking the hidden layers upwards crashes when the layers differ in width: the hint says why."""
    upwards = next(w.answer for w in checks.L_MODEL_BACKWARD.mistakes if "visited" in w.id)
    failure = assert_named_mistake(checks.check_L_model_backward, upwards,
                                   "L_model_backward.layers-visited-upwards",
                                   layer_dims=(4, 5, 3, 1), m=7, seed=3)
    assert "raised ValueError" in str(failure) and "from layer L-1 down to layer 1" in str(failure)


def test_Z_alone_is_not_the_tuple_Z_cache():
    with pytest.raises(ExerciseFailure, match=r"a tuple \(Z, cache\)"):
        checks.check_linear_forward(lambda A_prev, W, b: W @ A_prev + b)


def test_W_T_on_rectangular_weights_is_a_shape_error_with_a_transpose_hint():
    """Only the square case can name W.T by value; the rectangular one still points at the transpose."""
    def square_ok_rectangular_transposed(A_prev, W, b):
        if W.shape[0] == W.shape[1]:
            return SOLUTIONS["linear_forward"](A_prev, W, b)
        return W.T @ A_prev + b, (A_prev, W, b)
    with pytest.raises(ExerciseFailure, match="transpose"):
        checks.check_linear_forward(square_ok_rectangular_transposed)


def test_a_right_answer_with_extra_keys_passes(capsys):
    checks.check_update_parameters(lambda p, g, lr: {**SOLUTIONS["update_parameters"](p, g, lr), "extra": 1})
    assert "all tests passed" in capsys.readouterr().out


# --- L_layer_model: its own code ------------------------------------------------------------------------

def _trained(X, Y, layer_dims, learning_rate, num_iterations, seed, *, update_back=True, cost_after=False,
             initial=None):
    parameters = initial if initial is not None else ref.initialize_parameters_deep(layer_dims, seed=seed)
    costs = []
    for _ in range(num_iterations):
        AL, caches = ref.L_model_forward(X, parameters)
        updated = ref.update_parameters(parameters, ref.L_model_backward(AL, Y, caches), learning_rate)
        parameters = updated if update_back else parameters
        costs.append(ref.compute_cost(ref.L_model_forward(X, parameters)[0] if cost_after else AL, Y))
    return parameters, costs


def _model(**options):
    def L_layer_model(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
        return _trained(X, Y, layer_dims, learning_rate, num_iterations, seed, **options)
    return L_layer_model


def L_layer_model_no_costs(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    return _trained(X, Y, layer_dims, learning_rate, num_iterations, seed)[0], []


def L_layer_model_ignores_seed(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    return _trained(X, Y, layer_dims, learning_rate, num_iterations, 1)


def L_layer_model_small_init(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    return _trained(X, Y, layer_dims, learning_rate, num_iterations, seed,
                    initial=ref.initialize_parameters_scaled(layer_dims, 0.01, seed=seed))


def L_layer_model_one_step(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    return _trained(X, Y, layer_dims, learning_rate, 1, seed)[0], _trained(X, Y, layer_dims, learning_rate,
                                                                            num_iterations, seed)[1]


def L_layer_model_costs_doubled(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    parameters, costs = _trained(X, Y, layer_dims, learning_rate, num_iterations, seed)
    return parameters, [2 * c for c in costs]


@pytest.mark.parametrize("answer, mistake", [
    (L_layer_model_ignores_seed, "L_layer_model.seed-not-passed"),
    (L_layer_model_small_init, "L_layer_model.shallow-scale-init"),
    (L_layer_model_one_step, "L_layer_model.one-step-only"),
    (L_layer_model_no_costs, "L_layer_model.costs-not-per-iteration"),
    (_model(update_back=False), "L_layer_model.parameters-not-updated"),
    (_model(cost_after=True), "L_layer_model.costs-shifted"),
    (L_layer_model_costs_doubled, "L_layer_model.wrong-costs"),
])
def test_L_layer_model_mistakes_are_named(answer, mistake):
    assert_named_mistake(checks.check_L_layer_model, answer, mistake)
