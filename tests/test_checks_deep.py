"""The checks of notebook 02: the right answer passes, and each typical mistake fails with a
message that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import deep as ref
from helpers.checks import ExerciseFailure
from helpers.checks import deep as checks


# The checks refuse helpers' own functions, so the "student" answers are defined here.
def initialize_parameters_deep(layer_dims, seed=3):
    return ref.initialize_parameters_deep(layer_dims, seed=seed)


def relu(Z):
    return ref.relu(Z)


def relu_backward(dA, Z):
    return ref.relu_backward(dA, Z)


def sigmoid_backward(dA, Z):
    return ref.sigmoid_backward(dA, Z)


def linear_forward(A_prev, W, b):
    return ref.linear_forward(A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    return ref.linear_activation_forward(A_prev, W, b, activation)


def L_model_forward(X, parameters):
    return ref.L_model_forward(X, parameters)


def compute_cost(AL, Y):
    return ref.compute_cost(AL, Y)


def linear_backward(dZ, cache):
    return ref.linear_backward(dZ, cache)


def linear_activation_backward(dA, cache, activation):
    return ref.linear_activation_backward(dA, cache, activation)


def L_model_backward(AL, Y, caches):
    return ref.L_model_backward(AL, Y, caches)


def update_parameters(parameters, grads, learning_rate):
    return ref.update_parameters(parameters, grads, learning_rate)


def L_layer_model(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    return ref.L_layer_model(X, Y, layer_dims, learning_rate, num_iterations, seed=seed, print_cost=print_cost)


def gradient_check(cost_fn, parameters, grads, epsilon=1e-7):
    return ref.gradient_check(cost_fn, parameters, grads, epsilon)


CORRECT = [
    (checks.check_initialize_parameters_deep, initialize_parameters_deep), (checks.check_relu, relu),
    (checks.check_relu_backward, relu_backward), (checks.check_sigmoid_backward, sigmoid_backward),
    (checks.check_linear_forward, linear_forward), (checks.check_linear_activation_forward, linear_activation_forward),
    (checks.check_L_model_forward, L_model_forward), (checks.check_compute_cost, compute_cost),
    (checks.check_linear_backward, linear_backward),
    (checks.check_linear_activation_backward, linear_activation_backward),
    (checks.check_L_model_backward, L_model_backward), (checks.check_update_parameters, update_parameters),
    (checks.check_L_layer_model, L_layer_model), (checks.check_gradient_check, gradient_check),
]
IDS = [check.__name__ for check, _ in CORRECT]

# The sizes the notebook's hidden tests use (keep in sync with /tmp/nbsrc/02.cells), plus a few more.
HIDDEN_SIZES = {
    "check_initialize_parameters_deep": [dict(layer_dims=(7, 5, 5, 3, 1), seed=11), dict(layer_dims=(2, 1), seed=0)],
    "check_relu": [dict(shape=(4, 7), seed=21), dict(shape=(1, 1), seed=3)],
    "check_relu_backward": [dict(shape=(6, 2), seed=22), dict(shape=(1, 9), seed=4)],
    "check_sigmoid_backward": [dict(shape=(5, 3), seed=23), dict(shape=(1, 1), seed=5)],
    "check_linear_forward": [dict(n_prev=5, n=1, m=7, seed=24), dict(n_prev=1, n=4, m=1, seed=6)],
    "check_linear_activation_forward": [dict(n_prev=2, n=6, m=3, seed=25), dict(n_prev=6, n=1, m=8, seed=7)],
    "check_L_model_forward": [dict(layer_dims=(4, 6, 5, 3, 1), m=9, seed=26), dict(layer_dims=(3, 1), m=4, seed=8)],
    "check_compute_cost": [dict(m=13, seed=27), dict(m=2, seed=9)],
    "check_linear_backward": [dict(n_prev=6, n=2, m=9, seed=28), dict(n_prev=2, n=5, m=3, seed=10)],
    "check_linear_activation_backward": [dict(n_prev=3, n=5, m=7, seed=29), dict(n_prev=5, n=1, m=2, seed=11)],
    "check_L_model_backward": [dict(layer_dims=(4, 5, 3, 1), m=7, seed=3),
                               dict(layer_dims=(2, 4, 4, 4, 4, 1), m=6, seed=51), dict(layer_dims=(3, 1), m=4, seed=1)],
    "check_update_parameters": [dict(layer_dims=(5, 4, 4, 2, 1), learning_rate=0.03, seed=31),
                                dict(layer_dims=(2, 1), learning_rate=1.5, seed=13)],
    "check_L_layer_model": [dict(layer_dims=(64, 8, 4, 4, 1), m=60, num_iterations=40, learning_rate=0.05, seed=32),
                            dict(layer_dims=(64, 1), m=30, num_iterations=20, learning_rate=0.2, seed=14)],
    "check_gradient_check": [dict(layer_dims=(4, 3, 2, 1), seed=33), dict(layer_dims=(1, 1), seed=15)],
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


def test_blank_stub_says_not_implemented():
    def stub(Z):
        raise NotImplementedError()
    with pytest.raises(ExerciseFailure, match="not implemented yet"):
        checks.check_relu(stub)


@pytest.mark.parametrize("check, answer", [(checks.check_relu, ref.relu), (checks.check_L_model_backward,
                                                                           ref.L_model_backward)])
def test_reference_functions_are_refused(check, answer):
    with pytest.raises(ExerciseFailure, match="reference implementation"):
        check(answer)


def _fails_with(check, answer, phrase, **sizes):
    with pytest.raises(ExerciseFailure) as info:
        check(answer, **sizes)
    assert phrase in str(info.value), f"message was: {info.value}"


# --- the typical mistakes -----------------------------------------------------------------------

def _init(layer_dims, seed, scale=lambda n_in, n_out: np.sqrt(2 / n_in), fresh=False, transposed=False):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        if fresh:
            rng = np.random.default_rng(seed)
        shape = (layer_dims[l], layer_dims[l - 1])
        draw = rng.standard_normal(shape[::-1]).T if transposed else rng.standard_normal(shape)
        parameters[f"W{l}"] = draw * scale(layer_dims[l - 1], layer_dims[l])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


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


def relu_in_place(Z):
    Z[Z < 0] = 0
    return Z


def relu_np_max(Z):
    return np.max(Z, 0)


def relu_backward_dA_mask(dA, Z):
    return dA * (dA > 0)


def relu_backward_in_place(dA, Z):
    dZ = dA
    dZ[Z <= 0] = 0
    return dZ


def relu_backward_geq(dA, Z):
    return dA * (Z >= 0)


def sigmoid_backward_uses_Z(dA, Z):
    return dA * Z * (1 - Z)


def sigmoid_backward_tanh(dA, Z):
    s = ref.sigmoid(Z)
    return dA * (1 - s ** 2)


def linear_forward_W_T(A_prev, W, b):
    return W.T @ A_prev + b, (A_prev, W, b)


def linear_forward_cache_order(A_prev, W, b):
    return W @ A_prev + b, (W, A_prev, b)


def linear_forward_no_bias(A_prev, W, b):
    return W @ A_prev, (A_prev, W, b)


def linear_activation_forward_swapped(A_prev, W, b, activation):
    Z, linear_cache = ref.linear_forward(A_prev, W, b)
    return (ref.sigmoid(Z) if activation == "relu" else ref.relu(Z)), (linear_cache, Z)


def linear_activation_forward_cache_order(A_prev, W, b, activation):
    A, (linear_cache, Z) = ref.linear_activation_forward(A_prev, W, b, activation)
    return A, (Z, linear_cache)


def linear_activation_forward_caches_A(A_prev, W, b, activation):
    A, (linear_cache, Z) = ref.linear_activation_forward(A_prev, W, b, activation)
    return A, (linear_cache, A)


def _L_forward(X, parameters, hidden="relu", output="sigmoid", reverse=False, skip_last=False):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        if skip_last and l == L:
            break
        A, cache = ref.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                                 hidden if l < L else output)
        caches.append(cache)
    return A, caches[::-1] if reverse else caches


def _L_backward(AL, Y, caches, dAL=None, output="sigmoid", hidden="relu", order="down", keys_from_zero=False):
    L = len(caches)
    dA = -(Y / AL - (1 - Y) / (1 - AL)) if dAL is None else dAL(AL, Y)
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = ref.linear_activation_backward(dA, caches[L - 1], output)
    for l in (range(L - 1, 0, -1) if order == "down" else range(1, L)):
        dA, dW, db = ref.linear_activation_backward(dA, caches[l - 1], hidden)
        offset = 1 if keys_from_zero else 0
        grads[f"dW{l - offset}"], grads[f"db{l - offset}"] = dW, db
    return grads


def _linear_backward(dZ, cache, *, scale_dW=True, scale_db=True, axis=1, keepdims=True, scale_dA=False):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / (m if scale_dW else 1)
    db = np.sum(dZ, axis=axis, keepdims=keepdims) / (m if scale_db else 1)
    dA_prev = W.T @ dZ / (m if scale_dA else 1)
    return dA_prev, dW, db


def linear_activation_backward_swapped(dA, cache, activation):
    return ref.linear_activation_backward(dA, cache, "sigmoid" if activation == "relu" else "relu")


def linear_activation_backward_no_derivative(dA, cache, activation):
    return ref.linear_backward(dA, cache[0])


def update_W_only(parameters, grads, learning_rate):
    return {k: (v - learning_rate * grads["d" + k] if k.startswith("W") else v) for k, v in parameters.items()}


def update_skips_last_layer(parameters, grads, learning_rate):
    L = len(parameters) // 2
    result = dict(parameters)
    for l in range(1, L):
        result[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        result[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return result


def update_over_grads_keys(parameters, grads, learning_rate):
    result = dict(parameters)
    for key in grads:
        result[key[1:]] = parameters[key[1:]] - learning_rate * grads[key]
    return result


def update_uphill(parameters, grads, learning_rate):
    return {k: v + learning_rate * grads["d" + k] for k, v in parameters.items()}


def L_layer_model_ignores_seed(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    return ref.L_layer_model(X, Y, layer_dims, learning_rate, num_iterations)


def L_layer_model_small_init(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    return ref.train(ref.initialize_parameters_scaled(layer_dims, 0.01, seed=seed), X, Y, learning_rate,
                     num_iterations)


def L_layer_model_no_costs(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    return ref.L_layer_model(X, Y, layer_dims, learning_rate, num_iterations, seed=seed)[0], []


def L_layer_model_never_updates(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    parameters = ref.initialize_parameters_deep(layer_dims, seed=seed)
    costs = []
    for _ in range(num_iterations):
        AL, caches = ref.L_model_forward(X, parameters)
        costs.append(ref.compute_cost(AL, Y))
        ref.update_parameters(parameters, ref.L_model_backward(AL, Y, caches), learning_rate)
    return parameters, costs


def L_layer_model_cost_after_update(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1,
                                    print_cost=False):
    parameters = ref.initialize_parameters_deep(layer_dims, seed=seed)
    costs = []
    for _ in range(num_iterations):
        AL, caches = ref.L_model_forward(X, parameters)
        parameters = ref.update_parameters(parameters, ref.L_model_backward(AL, Y, caches), learning_rate)
        costs.append(ref.compute_cost(ref.L_model_forward(X, parameters)[0], Y))
    return parameters, costs


def _gradient_check(cost_fn, parameters, grads, epsilon=1e-7, *, kind="two_sided", restore=True):
    approx, exact = [], []
    for key, theta in parameters.items():
        for index in np.ndindex(theta.shape):
            original = theta[index]
            base = cost_fn(parameters)
            theta[index] = original + epsilon
            plus = cost_fn(parameters)
            theta[index] = original - epsilon
            minus = cost_fn(parameters)
            if restore:
                theta[index] = original
            approx.append((plus - base) / epsilon if kind == "forward" else (plus - minus) / (2 * epsilon))
            exact.append(grads["d" + key][index])
    approx, exact = np.array(approx), np.array(exact)
    numerator = np.linalg.norm(approx - exact)
    if kind == "no_denominator":
        return float(numerator)
    return float(numerator / (np.linalg.norm(approx) + np.linalg.norm(exact)))


def gradient_check_fixed_epsilon(cost_fn, parameters, grads, epsilon=1e-7):
    return _gradient_check(cost_fn, parameters, grads, 1e-7)


MISTAKES = [
    (checks.check_initialize_parameters_deep, init_zeros, "symmetry"),
    (checks.check_initialize_parameters_deep, init_constant, "symmetry"),
    (checks.check_initialize_parameters_deep, lambda d, seed=3: _init(d, seed, lambda i, o: 1.0), "has no scale"),
    (checks.check_initialize_parameters_deep, lambda d, seed=3: _init(d, seed, lambda i, o: 0.01),
     "shallow network's choice"),
    (checks.check_initialize_parameters_deep, lambda d, seed=3: _init(d, seed, lambda i, o: np.sqrt(1 / i)),
     "Xavier"),
    (checks.check_initialize_parameters_deep, lambda d, seed=3: _init(d, seed, lambda i, o: np.sqrt(2 / o)),
     "wrong layer size"),
    (checks.check_initialize_parameters_deep, lambda d, seed=3: _init(d, seed, fresh=True), "once, before the loop"),
    (checks.check_initialize_parameters_deep, lambda d, seed=3: _init(d, seed, transposed=True), "directly"),
    (checks.check_initialize_parameters_deep, init_global_state, "global np.random state"),
    (checks.check_initialize_parameters_deep, init_with_W0, "extra key"),
    (checks.check_initialize_parameters_deep, init_b_1d, "1-D"),
    (checks.check_relu, relu_in_place, "in place"),
    (checks.check_relu, relu_np_max, "np.maximum(0, Z), element by element"),
    (checks.check_relu, lambda Z: (Z > 0).astype(float), "derivative"),
    (checks.check_relu_backward, relu_backward_dA_mask, "uses dA > 0"),
    (checks.check_relu_backward, relu_backward_in_place, "modified its input dA in place"),
    (checks.check_relu_backward, relu_backward_geq, "strict Z > 0"),
    (checks.check_relu_backward, lambda dA, Z: (Z > 0).astype(float), "multiply it by the incoming gradient"),
    (checks.check_sigmoid_backward, sigmoid_backward_uses_Z, "not its input Z"),
    (checks.check_sigmoid_backward, sigmoid_backward_tanh, "tanh's derivative"),
    (checks.check_linear_forward, linear_forward_W_T, "You used W.T"),
    (checks.check_linear_forward, linear_forward_cache_order, "wrong order"),
    (checks.check_linear_forward, linear_forward_no_bias, "missing the bias"),
    (checks.check_linear_forward, lambda A, W, b: W @ A + b, "tuple (Z, cache)"),
    (checks.check_linear_activation_forward, linear_activation_forward_swapped, "compare the activation argument"),
    (checks.check_linear_activation_forward, linear_activation_forward_cache_order, "wrong order"),
    (checks.check_linear_activation_forward, linear_activation_forward_caches_A, "the activation cache is Z"),
    (checks.check_L_model_forward, lambda X, p: _L_forward(X, p, output="relu"), "ReLU on the output layer"),
    (checks.check_L_model_forward, lambda X, p: _L_forward(X, p, hidden="sigmoid"), "sigmoid on the hidden layers"),
    (checks.check_L_model_forward, lambda X, p: _L_forward(X, p, reverse=True), "wrong order"),
    (checks.check_L_model_forward, lambda X, p: (_L_forward(X, p)[0], _L_forward(X, p, skip_last=True)[1]),
     "skip a layer"),
    (checks.check_compute_cost, lambda AL, Y: float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))), "1/m"),
    (checks.check_compute_cost, lambda AL, Y: -(Y @ np.log(AL).T + (1 - Y) @ np.log(1 - AL).T) / Y.shape[1],
     "Python float"),
    (checks.check_linear_backward, lambda dZ, c: _linear_backward(dZ, c, scale_dW=False), "dW is missing 1/m"),
    (checks.check_linear_backward, lambda dZ, c: _linear_backward(dZ, c, scale_db=False), "db is missing 1/m"),
    (checks.check_linear_backward, lambda dZ, c: _linear_backward(dZ, c, axis=0), "wrong axis"),
    (checks.check_linear_backward, lambda dZ, c: _linear_backward(dZ, c, keepdims=False), "keepdims=True"),
    (checks.check_linear_backward, lambda dZ, c: _linear_backward(dZ, c, scale_dA=True), "dA_prev has no 1/m"),
    (checks.check_linear_backward, lambda dZ, c: _linear_backward(dZ, c)[::-1], "(dA_prev, dW, db), in this order"),
    (checks.check_linear_activation_backward, linear_activation_backward_swapped, "pick the derivative"),
    (checks.check_linear_activation_backward, linear_activation_backward_no_derivative, "derivative is missing"),
    (checks.check_L_model_backward, lambda AL, Y, c: _L_backward(AL, Y, c, dAL=lambda AL, Y: Y / AL - (1 - Y) / (1 - AL)),
     "sign of dAL"),
    (checks.check_L_model_backward, lambda AL, Y, c: _L_backward(AL, Y, c, dAL=lambda AL, Y: AL - Y),
     "AL - Y is already dZL"),
    (checks.check_L_model_backward, lambda AL, Y, c: _L_backward(AL, Y, c, output="relu"),
     "ReLU's derivative on the output layer"),
    (checks.check_L_model_backward, lambda AL, Y, c: _L_backward(AL, Y, c, hidden="sigmoid"),
     "sigmoid's derivative on the hidden layers"),
    (checks.check_L_model_backward, lambda AL, Y, c: _L_backward(AL, Y, c, order="up"), "wrong order"),
    (checks.check_L_model_backward, lambda AL, Y, c: _L_backward(AL, Y, c, keys_from_zero=True), "numbered from 1"),
    (checks.check_update_parameters, update_W_only, "updating W but not b"),
    (checks.check_update_parameters, update_skips_last_layer, "last layer was not updated"),
    (checks.check_update_parameters, update_over_grads_keys, "loop over the layers"),
    (checks.check_update_parameters, update_uphill, "uphill"),
    (checks.check_L_layer_model, L_layer_model_ignores_seed, "Pass the seed"),
    (checks.check_L_layer_model, L_layer_model_small_init, "0.01-scaled"),
    (checks.check_L_layer_model, L_layer_model_no_costs, "one cost per iteration"),
    (checks.check_L_layer_model, L_layer_model_never_updates, "never changed"),
    (checks.check_L_layer_model, L_layer_model_cost_after_update, "shifted by one iteration"),
    (checks.check_gradient_check, lambda *a, **k: _gradient_check(*a, **k, kind="forward"), "one-sided"),
    (checks.check_gradient_check, lambda *a, **k: _gradient_check(*a, **k, kind="no_denominator"),
     "without the denominator"),
    (checks.check_gradient_check, lambda *a, **k: _gradient_check(*a, **k, restore=False), "put the original value"),
    (checks.check_gradient_check, gradient_check_fixed_epsilon, "ignored the epsilon"),
]


@pytest.mark.parametrize("check, answer, phrase", MISTAKES,
                         ids=[f"{c.__name__}:{p}" for c, _, p in MISTAKES])
def test_typical_mistake_is_named(check, answer, phrase):
    _fails_with(check, answer, phrase)


def test_L_model_backward_shape_crash_gets_an_order_hint():
    """Walking the hidden layers upwards crashes when the layers differ in width: the hint says why."""
    _fails_with(checks.check_L_model_backward, lambda AL, Y, c: _L_backward(AL, Y, c, order="up"),
                "from layer L down to layer 1", layer_dims=(4, 5, 3, 1), m=7, seed=3)


def test_W_T_on_rectangular_weights_is_a_shape_error_with_a_transpose_hint():
    """Only the square case can name W.T by value; the rectangular one still points at the transpose."""
    def square_ok_rectangular_transposed(A_prev, W, b):
        if W.shape[0] == W.shape[1]:
            return ref.linear_forward(A_prev, W, b)
        return W.T @ A_prev + b, (A_prev, W, b)
    _fails_with(checks.check_linear_forward, square_ok_rectangular_transposed, "transpose")


@pytest.mark.parametrize("check, answer, phrase", MISTAKES,
                         ids=[f"{c.__name__}:{p}" for c, _, p in MISTAKES])
def test_hidden_tests_also_catch_the_mistake(check, answer, phrase):
    """At least one of the hidden-test sizes fails the typical mistake too (a student cannot pass the
    hidden tests with a bug that only the visible sizes reveal)."""
    caught = 0
    for sizes in HIDDEN_SIZES[check.__name__]:
        try:
            check(answer, **sizes)
        except ExerciseFailure:
            caught += 1
    assert caught >= 1


# --- the challenge: one-sided and two-sided difference quotients ---------------------------------------

def _quotient(f, x, epsilon, two_sided=True, *, without_2=False, always_forward=False, always_central=False,
              backward=False):
    """An independent answer, with one typical mistake when asked."""
    if (two_sided and not always_forward) or always_central:
        return (f(x + epsilon) - f(x - epsilon)) / (epsilon if without_2 else 2 * epsilon)
    return (f(x) - f(x - epsilon)) / epsilon if backward else (f(x + epsilon) - f(x)) / epsilon


QUOTIENT_MISTAKES = [
    (dict(without_2=True), "difference_quotient.two-sided-without-2", "divide f(x + eps) - f(x - eps) by 2 epsilon"),
    (dict(always_forward=True), "difference_quotient.one-sided-when-two-sided", "you returned the one-sided"),
    (dict(always_central=True), "difference_quotient.two-sided-when-one-sided", "you returned the two-sided"),
    (dict(backward=True), "difference_quotient.backward-difference", "looks forward"),
]


def test_challenge_difference_quotient_right_answer_passes(capsys):
    checks.check_difference_quotient(_quotient)
    checks.check_difference_quotient(_quotient, x=-1.3, epsilon=1e-3, seed=2)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, mistake, phrase", QUOTIENT_MISTAKES, ids=[m for _, m, _ in QUOTIENT_MISTAKES])
def test_challenge_difference_quotient_names_the_mistake(wrong, mistake, phrase):
    with pytest.raises(ExerciseFailure) as failure:
        checks.check_difference_quotient(lambda f, x, e, two_sided=True: _quotient(f, x, e, two_sided, **wrong))
    assert failure.value.mistake == mistake and phrase in str(failure.value)
