"""Reference implementation of notebook 06: mini-batches, momentum, RMSprop, Adam, learning-rate decay.

For every parameter W (and b) with gradient dW, at step t = 1, 2, ... (t counts updates, from 1):

    momentum   v = beta v + (1 - beta) dW                       W -= learning_rate * v
    RMSprop    s = beta2 s + (1 - beta2) dW**2                  W -= learning_rate * dW / (sqrt(s) + epsilon)
    Adam       v = beta1 v + (1 - beta1) dW,  s = beta2 s + (1 - beta2) dW**2
               v_hat = v / (1 - beta1**t),    s_hat = s / (1 - beta2**t)
                                                                W -= learning_rate * v_hat / (sqrt(s_hat) + epsilon)
    decay      learning_rate = learning_rate0 / (1 + decay_rate * epoch_num)
    scheduled  learning_rate = learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))

v and s are dicts with the gradients' keys ("dW1", "db1", ...), initialised with zeros. The update
functions return new dicts and leave their arguments unchanged. Parameters may have any names
(W, b, gamma, beta): the moments are kept per key.

Each has an in-place twin, update_parameters_with_..._inplace, which the training loops use: it
updates the arrays of parameters, v and s where they are, instead of making new ones at every
step. The returning versions copy their arguments and call the twin.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from . import deep, fused
from .regularization import L_model_backward_stable, compute_cost_stable
from .validation import as_labels, as_matrix, positive_int, rng_from

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
#: For the student edition (grading/edition/build.py): functions that compute an exercise's answer under another name.
ALSO_ANSWERS = {"update_parameters_with_adam_inplace": "update_parameters_with_adam"}
#: For the student edition: results stored in place of the code (notebook 09's experiment uses the challenge's AdamW).
AT_RELEASE = ("weight_decay_experiment",)
PATH_OPTIMIZERS = OPTIMIZERS + ("nesterov", "adagrad")   # optimizer_path also knows the challenge's two


# --- mini-batches ---------------------------------------------------------------------------------

def random_mini_batches(X, Y, mini_batch_size: int = 64, seed: int = 0) -> list:
    """Shuffle the columns of X and Y with ONE permutation, rng.permutation(m) from default_rng(seed),
    then cut them into mini-batches of mini_batch_size columns; the last one holds the remaining
    m % mini_batch_size columns if that is not 0. Returns [(X_batch, Y_batch), ...]."""
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_matrix(Y, "Y", cols=X.shape[1], what="(n_y, m), the same m as X")
    size = positive_int(mini_batch_size, "mini_batch_size")
    m = X.shape[1]
    permutation = rng_from(seed, "seed").permutation(m)
    # Shuffled as rows of X^T, so that each mini-batch's examples lie side by side in memory (the
    # matrix products with a batch run up to twice as fast as on columns picked out of a wide array).
    X_shuffled, Y_shuffled = X.T[permutation].T, Y.T[permutation].T
    return [(X_shuffled[:, k:k + size], Y_shuffled[:, k:k + size]) for k in range(0, m, size)]


# --- momentum, RMSprop, Adam ------------------------------------------------------------------------

def initialize_velocity(parameters: dict) -> dict:
    """v["d" + key] = zeros like parameters[key], for every parameter."""
    return {"d" + key: np.zeros_like(np.asarray(value, dtype=np.float64)) for key, value in _params(parameters).items()}


def update_parameters_with_momentum(parameters: dict, grads: dict, v: dict, beta: float, learning_rate: float):
    """v = beta v + (1 - beta) d, then parameter -= learning_rate * v. Returns (parameters, v), new dicts."""
    return update_parameters_with_momentum_inplace(_copy(parameters), grads, _copy(v), beta, learning_rate)


def update_parameters_with_momentum_inplace(parameters: dict, grads: dict, v: dict, beta: float,
                                            learning_rate: float):
    """update_parameters_with_momentum, updating the arrays of parameters and v in place.
    Returns (parameters, v): the same dicts."""
    _check_inplace(parameters, grads, v)
    beta = _fraction(beta, "beta")
    for key, value in parameters.items():
        v_d = v["d" + key]
        v_d *= beta
        v_d += (1 - beta) * grads["d" + key]              # v = beta v + (1 - beta) dW
        value -= learning_rate * v_d                       # W -= learning_rate * v
    return parameters, v


def update_parameters_with_nesterov(parameters: dict, grads: dict, v: dict, beta: float, learning_rate: float):
    """Nesterov momentum (notebook 06's challenge), in the course's averaged convention and in the look-ahead
    form that libraries use: v = beta v + (1 - beta) d, then parameter -= learning_rate * (beta v + (1 - beta) d),
    with the NEW v. Returns (parameters, v), new dicts."""
    _params(parameters)
    _check(grads, v, parameters)
    beta = _fraction(beta, "beta")
    new_v = {"d" + key: beta * v["d" + key] + (1 - beta) * grads["d" + key] for key in parameters}
    new_parameters = {key: parameters[key] - learning_rate * (beta * new_v["d" + key] + (1 - beta) * grads["d" + key])
                      for key in parameters}
    return new_parameters, new_v


def update_parameters_with_adagrad(parameters: dict, grads: dict, s: dict, learning_rate: float,
                                   epsilon: float = 1e-8):
    """Adagrad (notebook 06's challenge): s = s + d**2 (a sum, not an average), then
    parameter -= learning_rate * d / (sqrt(s) + epsilon). Returns (parameters, s), new dicts."""
    _params(parameters)
    _check(grads, s, parameters, name="s")
    new_s = {"d" + key: s["d" + key] + grads["d" + key] ** 2 for key in parameters}
    new_parameters = {key: parameters[key] - learning_rate * grads["d" + key] / (np.sqrt(new_s["d" + key]) + epsilon)
                      for key in parameters}
    return new_parameters, new_s


def initialize_rmsprop(parameters: dict) -> dict:
    """s["d" + key] = zeros like parameters[key], for every parameter."""
    return initialize_velocity(parameters)


def update_parameters_with_rmsprop(parameters: dict, grads: dict, s: dict, beta2: float, learning_rate: float,
                                   epsilon: float = 1e-8):
    """s = beta2 s + (1 - beta2) d**2, then parameter -= learning_rate * d / (sqrt(s) + epsilon).
    Returns (parameters, s), new dicts."""
    return update_parameters_with_rmsprop_inplace(_copy(parameters), grads, _copy(s), beta2, learning_rate, epsilon)


def update_parameters_with_rmsprop_inplace(parameters: dict, grads: dict, s: dict, beta2: float,
                                           learning_rate: float, epsilon: float = 1e-8):
    """update_parameters_with_rmsprop, updating the arrays of parameters and s in place.
    Returns (parameters, s): the same dicts."""
    _check_inplace(parameters, grads, s=s)
    beta2 = _fraction(beta2, "beta2")
    for key, value in parameters.items():
        g, s_d = grads["d" + key], s["d" + key]
        scratch = np.square(g)
        scratch *= 1 - beta2
        s_d *= beta2
        s_d += scratch                                     # s = beta2 s + (1 - beta2) dW**2
        np.sqrt(s_d, out=scratch)
        scratch += epsilon
        step = learning_rate * g
        step /= scratch
        value -= step                                      # W -= learning_rate * dW / (sqrt(s) + epsilon)
    return parameters, s


def initialize_adam(parameters: dict):
    """(v, s): two dicts of zeros with the gradients' keys."""
    return initialize_velocity(parameters), initialize_velocity(parameters)


def update_parameters_with_adam(parameters: dict, grads: dict, v: dict, s: dict, t: int, learning_rate: float = 0.01,
                                beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8):
    """One Adam step at step t (1-based: the first update has t = 1). Returns (parameters, v, s), new dicts;
    v and s are the moments WITHOUT bias correction (the correction is applied to the step only)."""
    return update_parameters_with_adam_inplace(_copy(parameters), grads, _copy(v), _copy(s), t, learning_rate,
                                               beta1, beta2, epsilon)


def update_parameters_with_adam_inplace(parameters: dict, grads: dict, v: dict, s: dict, t: int,
                                        learning_rate: float = 0.01, beta1: float = 0.9, beta2: float = 0.999,
                                        epsilon: float = 1e-8):
    """update_parameters_with_adam, updating the arrays of parameters, v and s in place.
    Returns (parameters, v, s): the same dicts."""
    _check_inplace(parameters, grads, v, s)
    t = positive_int(t, "t (1 for the first update)")
    beta1, beta2 = _fraction(beta1, "beta1"), _fraction(beta2, "beta2")
    # The same step with two array operations fewer (Kingma & Ba's Adam paper, end of section 2):
    #   learning_rate * v_hat / (sqrt(s_hat) + epsilon) = learning_rate_t * v / (sqrt(s) + epsilon_t)
    # with learning_rate_t = learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t)
    # and  epsilon_t = epsilon * sqrt(1 - beta2**t): the bias corrections move from arrays to two numbers.
    correction2 = math.sqrt(1 - beta2 ** t)
    learning_rate_t = learning_rate * correction2 / (1 - beta1 ** t)
    epsilon_t = epsilon * correction2
    for key, value in parameters.items():
        d = "d" + key
        fused.adam_step(value, grads[d], v[d], s[d], beta1, beta2, learning_rate_t, epsilon_t)   # one pass (fused.py)
    return parameters, v, s


def update_parameters_with_adamw(parameters: dict, grads: dict, v: dict, s: dict, t: int, learning_rate: float,
                                 weight_decay: float, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8):
    """AdamW (Loshchilov and Hutter): Adam's step on the UNREGULARISED gradients, plus weight decay decoupled from
    it, W = (1 - learning_rate * weight_decay) W - learning_rate * v_hat / (sqrt(s_hat) + epsilon), on the weights
    W{l} only (biases, gamma and beta take the plain Adam step). Returns (parameters, v, s), new dicts."""
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real) or weight_decay < 0:
        raise ValueError(f"weight_decay must be a non-negative number, got {weight_decay!r}.")
    stepped, new_v, new_s = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
    for key in parameters:
        if key.startswith("W"):
            stepped[key] = stepped[key] - learning_rate * weight_decay * parameters[key]
    return stepped, new_v, new_s


def l2_against_weight_decay(adamw, strength: float = 0.1, learning_rate: float = 0.01, num_steps: int = 300,
                            noise_scale: float = 10.0, seed: int = 0) -> dict:
    """Notebook 09's experiment: two weights, both 1.0 at the start; the first has no data gradient, the second
    a noisy one (Gaussian, standard deviation noise_scale, the same draws for every run). Trained with Adam
    three ways: with L2 through Adam (strength * W added to the gradient), with decoupled weight decay of the
    same strength (adamw(parameters, grads, v, s, t, learning_rate, strength)), and without regularisation.
    Returns {run: (num_steps, 2) history of the two weights}."""
    noise = noise_scale * np.random.default_rng(seed).standard_normal(positive_int(num_steps, "num_steps"))
    histories = {}
    for run in ("L2 through Adam", "AdamW", "no regularisation"):
        parameters = {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))}
        v, s = initialize_adam(parameters)
        history = []
        for t in range(1, num_steps + 1):
            data = np.array([[0.0, noise[t - 1]]])
            penalty = strength * parameters["W1"] if run == "L2 through Adam" else 0.0
            grads = {"dW1": data + penalty, "db1": np.zeros((1, 1))}
            if run == "AdamW":
                parameters, v, s = adamw(parameters, grads, v, s, t, learning_rate, strength)
            else:
                parameters, v, s = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate)
            history.append(np.asarray(parameters["W1"], dtype=np.float64)[0].copy())
        histories[run] = np.array(history)
    return histories


def weight_decay_experiment() -> dict:
    """l2_against_weight_decay with this module's AdamW and notebook 09's settings (strength 0.1, learning rate
    0.01, 300 steps): its section 7 (the challenge, AdamW, comes later)."""
    return l2_against_weight_decay(update_parameters_with_adamw, strength=0.1, learning_rate=0.01, num_steps=300)


# --- learning-rate decay ----------------------------------------------------------------------------

def update_lr(learning_rate0: float, epoch_num: int, decay_rate: float) -> float:
    """learning_rate0 / (1 + decay_rate * epoch_num)."""
    return float(learning_rate0 / (1 + decay_rate * epoch_num))


def schedule_lr_decay(learning_rate0: float, epoch_num: int, decay_rate: float, time_interval: int = 1000) -> float:
    """learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval)): constant for time_interval epochs."""
    return float(learning_rate0 / (1 + decay_rate * math.floor(epoch_num / time_interval)))


# --- training a network with any of them ---------------------------------------------------------------

def forward_backward(X, Y, parameters: dict):
    """Cost and gradients of helpers.deep's network (ReLU hidden layers, sigmoid output) on (X, Y).

    The same as deep.L_model_forward / compute_cost / L_model_backward, computed stably for long
    training runs with notebook 03's numerically safe pair (helpers.regularization): the output
    layer's dZL = AL - Y directly, and the cost from the probability of the true label, so that a
    prediction that rounds to exactly 0 or 1 gives no log(0) or 0/0. Returns (cost, grads).
    """
    AL, caches = deep.L_model_forward(X, parameters)
    return compute_cost_stable(AL, Y), L_model_backward_stable(AL, Y, caches)


def full_cost(X, Y, parameters: dict) -> float:
    """The cross-entropy cost of the network on all of (X, Y), computed stably."""
    return compute_cost_stable(deep.L_model_forward(X, parameters)[0], Y)


def train(X, Y, layer_dims, optimizer: str = "adam", learning_rate: float = 0.01, mini_batch_size: int = 64,
          num_epochs: int = 100, beta: float = 0.9, beta1: float = 0.9, beta2: float = 0.999,
          epsilon: float = 1e-8, decay=None, seed: int = 1):
    """Mini-batch training of helpers.deep's L-layer network (He initialisation, ReLU, sigmoid output).

    optimizer: "gd", "momentum", "rmsprop" or "adam"; decay: None or a function epoch -> learning rate.
    The mini-batches of epoch e are random_mini_batches(X, Y, mini_batch_size, seed=seed + e).
    Returns (parameters, history) with history["cost"]: the mini-batch cost of every update, and
    history["epoch_cost"]: the cost on all of X after every epoch (index 0: before training).
    Training stops early (the history ends) if the cost stops being finite: it diverged.
    """
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_labels(Y, "Y", m=X.shape[1])
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}.")
    parameters = deep.initialize_parameters_deep(layer_dims, seed=seed)
    v = initialize_velocity(parameters)
    s = initialize_rmsprop(parameters)
    t = 0
    history = {"cost": [], "epoch_cost": [full_cost(X, Y, parameters)], "learning_rate": []}
    rate = learning_rate
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(positive_int(num_epochs, "num_epochs")):
            if decay is not None:
                rate = decay(epoch)
            history["learning_rate"].append(rate)
            for X_batch, Y_batch in random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch):
                cost, grads = forward_backward(X_batch, Y_batch, parameters)
                history["cost"].append(cost)
                t += 1
                if optimizer == "gd":
                    parameters = deep.update_parameters(parameters, grads, rate)
                elif optimizer == "momentum":
                    update_parameters_with_momentum_inplace(parameters, grads, v, beta, rate)
                elif optimizer == "rmsprop":
                    update_parameters_with_rmsprop_inplace(parameters, grads, s, beta2, rate, epsilon)
                else:
                    update_parameters_with_adam_inplace(parameters, grads, v, s, t, rate, beta1, beta2, epsilon)
            history["epoch_cost"].append(full_cost(X, Y, parameters))
            if not np.isfinite(history["epoch_cost"][-1]):
                break
    return parameters, history


# --- two-dimensional test functions ---------------------------------------------------------------------

def elongated_bowl(x, y, a: float = 0.05, b: float = 2.0):
    """f(x, y) = (a x^2 + b y^2) / 2: an ill-conditioned quadratic, minimum 0 at (0, 0),
    curvatures a (gentle, along x) and b (steep, along y)."""
    return 0.5 * (a * np.asarray(x) ** 2 + b * np.asarray(y) ** 2)


def elongated_bowl_gradient(x, y, a: float = 0.05, b: float = 2.0):
    return np.array([a * x, b * y], dtype=np.float64)


def saddle(x, y):
    """f(x, y) = x^2 / 2 + y^4 / 4 - y^2 / 2: a saddle point at (0, 0), minima -1/4 at (0, -1) and (0, 1)."""
    x, y = np.asarray(x), np.asarray(y)
    return x ** 2 / 2 + y ** 4 / 4 - y ** 2 / 2


def saddle_gradient(x, y):
    return np.array([x, y ** 3 - y], dtype=np.float64)


def rosenbrock(x, y, c: float = 10.0):
    """f(x, y) = (1 - x)^2 + c (y - x^2)^2: a curved valley, minimum 0 at (1, 1)."""
    x, y = np.asarray(x), np.asarray(y)
    return (1 - x) ** 2 + c * (y - x ** 2) ** 2


def rosenbrock_gradient(x, y, c: float = 10.0):
    return np.array([-2 * (1 - x) - 4 * c * x * (y - x ** 2), 2 * c * (y - x ** 2)], dtype=np.float64)


def optimizer_path(gradient, start, num_steps: int, optimizer: str = "gd", learning_rate: float = 0.1,
                   beta: float = 0.9, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
                   noise: float = 0.0, decay=None, seed: int = 0, updates: dict | None = None):
    """The path of an optimizer on a function of two variables (x, y), written as parameters
    {"W1": [[x, y]], "b1": [[0]]} so that the same update functions serve. gradient(x, y) -> (2,);
    noise: standard deviation of Gaussian noise added to every gradient (a stand-in for mini-batches);
    decay: None or a function step -> learning rate; updates: {optimizer: its update function} (the notebook's
    own, update_parameters_with_momentum for "momentum", ...; "gd" needs none; reference_updates() gives this
    module's). Returns points (num_steps + 1, 2)."""
    if optimizer not in PATH_OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {PATH_OPTIMIZERS}, got {optimizer!r}.")
    update = (updates or {}).get(optimizer)
    if optimizer != "gd" and update is None:
        raise ValueError(f"pass the update function of {optimizer!r}: updates={{{optimizer!r}: your "
                         f"update_parameters_with_{optimizer}}}")
    rng = np.random.default_rng(seed)
    parameters = {"W1": np.array([start], dtype=np.float64), "b1": np.zeros((1, 1))}
    v = {"dW1": np.zeros((1, 2)), "db1": np.zeros((1, 1))}
    s = dict(v)
    points = [parameters["W1"][0].copy()]
    for t in range(1, positive_int(num_steps, "num_steps") + 1):
        rate = learning_rate if decay is None else decay(t)
        g = np.asarray(gradient(*parameters["W1"][0]), dtype=np.float64) + noise * rng.standard_normal(2)
        grads = {"dW1": g[None, :], "db1": np.zeros((1, 1))}
        if optimizer == "gd":
            parameters = {key: parameters[key] - rate * grads["d" + key] for key in parameters}
        elif optimizer in ("momentum", "nesterov"):
            parameters, v = update(parameters, grads, v, beta, rate)
        elif optimizer == "rmsprop":
            parameters, s = update(parameters, grads, s, beta2, rate, epsilon)
        elif optimizer == "adagrad":
            parameters, s = update(parameters, grads, s, rate, epsilon)
        else:
            parameters, v, s = update(parameters, grads, v, s, t, rate, beta1, beta2, epsilon)
        points.append(parameters["W1"][0].copy())
    return np.array(points)


def reference_updates() -> dict:
    """{optimizer: this module's update function}, for optimizer_path."""
    return {"momentum": update_parameters_with_momentum, "nesterov": update_parameters_with_nesterov,
            "rmsprop": update_parameters_with_rmsprop, "adagrad": update_parameters_with_adagrad,
            "adam": update_parameters_with_adam}


def direction_reversals(values) -> int:
    """How many times a sequence changes direction (the sign of its steps): counts a zig-zag."""
    steps = np.diff(np.asarray(values, dtype=np.float64))
    steps = steps[steps != 0]
    return int(np.sum(np.sign(steps[1:]) != np.sign(steps[:-1])))


# --- validation ------------------------------------------------------------------------------------------

def _params(parameters):
    if not isinstance(parameters, dict) or not parameters:
        raise TypeError(f"parameters must be a non-empty dict such as {{'W1': ..., 'b1': ...}}, "
                        f"got {type(parameters).__name__}.")
    return parameters


def _check(grads, moments, parameters, name="v"):
    for label, d in (("grads", grads), (name, moments)):
        if not isinstance(d, dict):
            raise TypeError(f"{label} must be a dict with keys {['d' + key for key in parameters]}.")
        for key in parameters:
            if "d" + key not in d:
                raise KeyError(f"{label} is missing {['d' + key for key in parameters if 'd' + key not in d]}.")


def _check_inplace(parameters, grads, v=None, s=None):
    """What an in-place update needs: the keys, and float64 arrays of the parameters' shapes to update."""
    _params(parameters)
    moments = [(name, d) for name, d in (("v", v), ("s", s)) if d is not None]
    for name, d in moments:
        _check(grads, d, parameters, name)
    for key, value in parameters.items():
        d = "d" + key
        shape = getattr(value, "shape", None)
        fine = type(value) is np.ndarray and value.dtype == np.float64 and getattr(grads[d], "shape", None) == shape
        for _, m in moments:
            array = m[d]
            fine = fine and type(array) is np.ndarray and array.dtype == np.float64 and array.shape == shape
        if fine:
            continue                     # the common case, checked cheaply (a training run calls this a lot)
        for label, array in [(f"parameters[{key!r}]", value), *((f"{name}[{d!r}]", m[d]) for name, m in moments)]:
            if type(array) is not np.ndarray or array.dtype != np.float64 or array.shape != np.shape(value):
                raise TypeError(f"{label} must be a float64 numpy array shaped like parameters[{key!r}] "
                                f"{np.shape(value)}, to be updated in place; got {type(array).__name__} "
                                f"{np.shape(array)}.")
        raise ValueError(f"grads[{d!r}] has shape {np.shape(grads[d])} but parameters[{key!r}] has {value.shape}: "
                         f"they must be equal.")


def _copy(arrays):
    """A new dict of float64 copies (anything else is passed on for the checks to refuse)."""
    if not isinstance(arrays, dict):
        return arrays
    return {key: np.array(value, dtype=np.float64) for key, value in arrays.items()}


def _fraction(value, name):
    if type(value) is float and 0 <= value < 1:
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}.")
    return float(value)
