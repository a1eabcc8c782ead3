"""Reference implementation of notebook 05: input standardisation and batch normalization.

Input standardisation (slide 20), with the training set's statistics only:

    x_std = (x - mu) / sigma,   mu, sigma: mean and standard deviation of each feature (row) of X_train

The batch-norm transform (slide 21), for a layer's pre-activations Z: (n, m), over the m examples
of the (mini-)batch, one statistic per unit (row):

    mu = (1/m) sum_i z_i        var = (1/m) sum_i (z_i - mu)^2        std = sqrt(var + eps)
    z_hat = (z - mu) / std      z_out = gamma * z_hat + beta           gamma, beta: (n, 1)

In training the running statistics move towards the batch's, running = momentum * running +
(1 - momentum) * batch; at test time (training=False) they normalise and nothing is updated.
The forward pass returns cache = (Z_hat, gamma, std); the backward pass, in the course's
convention where dZ is m times dJ/dZ (so that dW = (1/m) dZ A_prev^T as before):

    dgamma = (1/m) sum(dZ_out * Z_hat, axis=1)    dbeta = (1/m) sum(dZ_out, axis=1)
    dZ_hat = gamma * dZ_out
    dZ = (dZ_hat - mean(dZ_hat, axis=1) - Z_hat * mean(dZ_hat * Z_hat, axis=1)) / std

A batch-normalised hidden layer has no bias (beta replaces it):

    Z = W A_prev,   Z_tilde = BN(Z),   A = g(Z_tilde);   the output layer is W A + b, sigmoid.

Parameters of such a network: {"W1", "gamma1", "beta1", ..., "W{L-1}", "gamma{L-1}", "beta{L-1}",
"WL", "bL"}; gradients: the same keys with a leading "d". A hidden layer's cache is
((A_prev, W), bn_cache, Z_tilde); the output layer's is ((A_prev, W, b), Z), as in helpers.deep.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import deep, gradcheck, layers, network
from .validation import as_labels, as_matrix, parameters_dict, positive_int

HIDDEN_ACTIVATIONS = ("relu", "sigmoid")


# --- input standardisation ------------------------------------------------------------------------

def standardize_inputs(X_train, X_other):
    """Standardise both sets with the TRAINING set's mean and standard deviation (per feature, 1/m).

    X_train: (n_x, m_train), X_other: (n_x, m_other) (a dev or test set, or new examples).
    Returns (X_train_std, X_other_std, mu, sigma) with mu, sigma: (n_x, 1).
    """
    X_train = as_matrix(X_train, "X_train", what="(n_x, m_train): one column per example")
    X_other = as_matrix(X_other, "X_other", rows=X_train.shape[0], what="(n_x, m_other), the same features")
    mu = np.mean(X_train, axis=1, keepdims=True)
    sigma = np.std(X_train, axis=1, keepdims=True)
    if np.any(sigma == 0):
        constant = np.flatnonzero(sigma[:, 0] == 0).tolist()
        raise ValueError(f"feature(s) {constant} are constant on the training set (sigma = 0): "
                         f"drop them before standardising.")
    return (X_train - mu) / sigma, (X_other - mu) / sigma, mu, sigma


# --- the batch-norm transform ---------------------------------------------------------------------

def initialize_bn_state(n: int) -> dict:
    """Running statistics of a layer of n units before any training: mean 0, variance 1."""
    n = positive_int(n, "n")
    return {"running_mean": np.zeros((n, 1)), "running_var": np.ones((n, 1))}


def batchnorm_forward(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    """Z_out = gamma * (Z - mu) / sqrt(var + eps) + beta, statistics over the examples (axis 1).

    training=True: mu, var are the batch's (var with 1/m); bn_state's running statistics are
    updated in place, running = momentum * running + (1 - momentum) * batch.
    training=False: bn_state's running statistics normalise, and bn_state is left unchanged.
    Returns (Z_out, cache) with cache = (Z_hat, gamma, std), std = sqrt(var + eps).
    """
    Z = as_matrix(Z, "Z", what="(n, m): one column per example")
    n = Z.shape[0]
    gamma = as_matrix(gamma, "gamma", rows=n, cols=1, what="(n, 1)")
    beta = as_matrix(beta, "beta", rows=n, cols=1, what="(n, 1)")
    _bn_state(bn_state, n)
    return layers.batchnorm_forward(Z, gamma, beta, bn_state, training, *_settings(momentum, eps))


def batchnorm_backward(dZ_out, cache):
    """Backward through a training-mode batchnorm_forward. Returns (dZ, dgamma, dbeta).

    dZ_out, dZ: (n, m) in the course's convention (m times dJ/dZ, like dZ = AL - Y);
    dgamma, dbeta: (n, 1), averaged over the examples like db.
    """
    Z_hat, gamma, std = _bn_cache(cache)
    dZ_out = as_matrix(dZ_out, "dZ_out", rows=Z_hat.shape[0], cols=Z_hat.shape[1], what="(n, m), like Z")
    return layers.batchnorm_backward(dZ_out, (Z_hat, gamma, std))


def minibatch_running_statistics(Z, batch_size: int, momentum=0.9, eps=1e-5):
    """Training on mini-batches, seen from one layer: the columns of Z: (n, m) go through
    batchnorm_forward (training, gamma = 1, beta = 0) in consecutive batches of batch_size columns, the
    last one smaller when m is not a multiple, from a fresh bn_state.

    Returns (bn_state, batch_means): the running statistics after the last batch, and
    batch_means: (n, number of batches), the mean each batch normalised with.
    """
    Z = as_matrix(Z, "Z", what="(n, m): one column per example")
    batch_size = positive_int(batch_size, "batch_size")
    n, m = Z.shape
    state = initialize_bn_state(n)
    gamma, beta = np.ones((n, 1)), np.zeros((n, 1))
    means = []
    for start in range(0, m, batch_size):
        batch = Z[:, start:start + batch_size]
        batchnorm_forward(batch, gamma, beta, state, training=True, momentum=momentum, eps=eps)
        means.append(np.mean(batch, axis=1))
    return state, np.stack(means, axis=1)


# --- a deep network with batch norm ----------------------------------------------------------------

def initialize_parameters_bn(layer_dims, seed: int = 3, scale="he") -> dict:
    """W{l} = N(0, 1) draws * scale (scale "he": sqrt(2 / n[l-1]); "xavier": sqrt(1 / n[l-1]); or a number),
    drawn in order l = 1..L from default_rng(seed), exactly as helpers.deep draws them; gamma{l} = 1 and
    beta{l} = 0 for the hidden layers l < L; bL = 0. (No b{l} before batch norm: beta replaces it.)"""
    dims = deep.layer_dims_list(layer_dims)
    plain = initialize_parameters_plain(dims, seed=seed, scale=scale)
    L = len(dims) - 1
    parameters = {}
    for l in range(1, L):
        parameters[f"W{l}"] = plain[f"W{l}"]
        parameters[f"gamma{l}"] = np.ones((dims[l], 1))
        parameters[f"beta{l}"] = np.zeros((dims[l], 1))
    parameters[f"W{L}"], parameters[f"b{L}"] = plain[f"W{L}"], plain[f"b{L}"]
    return parameters


def initialize_parameters_plain(layer_dims, seed: int = 3, scale="he") -> dict:
    """The network without batch norm, from the same draws: W{l} as in initialize_parameters_bn, b{l} = 0."""
    dims = deep.layer_dims_list(layer_dims)
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * _scale(scale, dims[l - 1])
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def initialize_bn_states(layer_dims) -> list:
    """One fresh bn_state per hidden layer: [state of layer 1, ..., state of layer L-1]."""
    dims = deep.layer_dims_list(layer_dims)
    return [initialize_bn_state(n) for n in dims[1:-1]]


def L_model_forward_bn(X, parameters: dict, bn_states, training=True, hidden_activation="relu",
                       momentum=0.9, eps=1e-5):
    """[LINEAR (no bias) -> BATCHNORM -> g] * (L-1) -> LINEAR -> SIGMOID. Returns (AL, caches).

    bn_states: list of the L-1 hidden layers' states (updated in place when training).
    caches[l-1] = ((A_prev, W{l}), bn_cache, Z_tilde) for l < L and ((A_prev, WL, bL), ZL) for l = L.
    """
    hidden_activation = _hidden(hidden_activation)
    L = check_bn_network(parameters, bn_states)
    momentum, eps = _settings(momentum, eps)
    X = as_matrix(X, "X", rows=parameters["W1"].shape[1], what="(n_x, m)")
    settings = {"bn_states": bn_states, "training": training, "momentum": momentum, "eps": eps}
    return network.forward(X, parameters, bn_network(L, hidden_activation), settings)


def L_model_backward_bn(AL, Y, caches, hidden_activation="relu") -> dict:
    """Gradients of the cross-entropy: {"dW{l}", "dgamma{l}", "dbeta{l}" (l < L), "dWL", "dbL", "dA{l}"}."""
    hidden_activation = _hidden(hidden_activation)
    AL = as_matrix(AL, "AL", rows=1, what="(1, m)")
    Y = as_labels(Y, "Y", m=AL.shape[1])
    L = check_bn_caches(caches, AL)
    return network.backward(AL - Y, caches, bn_network(L, hidden_activation))   # dZL = AL - Y: stable


def bn_network(L: int, hidden_activation="relu") -> list:
    """The steps of the batch-norm network (helpers.network): [LINEAR (no bias) -> BATCHNORM -> g] * (L-1)
    -> LINEAR -> SIGMOID. Its forward settings: {"bn_states", "training", "momentum", "eps"}."""
    hidden = (network.LINEAR_NO_BIAS, network.BATCHNORM, network.HIDDEN[hidden_activation])
    return network.stack(hidden, deep.OUTPUT_LAYER, L)


def plain_network(L: int, hidden_activation="sigmoid") -> list:
    """The steps of the same network without batch norm: [LINEAR -> g] * (L-1) -> LINEAR -> SIGMOID."""
    return network.stack((network.LINEAR, network.HIDDEN[hidden_activation]), deep.OUTPUT_LAYER, L)


def L_model_forward_plain(X, parameters: dict, hidden_activation="sigmoid"):
    """The same network without batch norm: [LINEAR -> g] * (L-1) -> LINEAR -> SIGMOID (helpers.deep's caches)."""
    hidden_activation = _hidden(hidden_activation)
    L = parameters_dict(parameters)
    X = as_matrix(X, "X", rows=parameters["W1"].shape[1], what="(n_x, m)")
    return network.forward(X, parameters, plain_network(L, hidden_activation))


def L_model_backward_plain(AL, Y, caches, hidden_activation="sigmoid") -> dict:
    """Gradients of L_model_forward_plain's network: {"dW{l}", "db{l}", "dA{l-1}"}."""
    hidden_activation = _hidden(hidden_activation)
    AL = as_matrix(AL, "AL", rows=1, what="(1, m)")
    Y = as_labels(Y, "Y", m=AL.shape[1])
    L = deep.check_caches(caches, AL, made_by="L_model_forward_plain")
    return network.backward(AL - Y, caches, plain_network(L, hidden_activation))   # dZL = AL - Y: stable


def update_parameters_any(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """theta -= learning_rate * d theta for every key of parameters (W, b, gamma, beta); a new dict."""
    if not isinstance(parameters, dict) or not isinstance(grads, dict):
        raise TypeError("parameters and grads must be dicts.")
    missing = ["d" + key for key in parameters if "d" + key not in grads]
    if missing:
        raise KeyError(f"grads is missing {missing}.")
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}


def train_bn(X, Y, parameters: dict, bn_states, learning_rate: float, num_iterations: int,
             hidden_activation="relu"):
    """Batch gradient descent on the batch-norm network. Returns (parameters, bn_states, costs)."""
    costs = []
    for _ in range(positive_int(num_iterations, "num_iterations")):
        AL, caches = L_model_forward_bn(X, parameters, bn_states, training=True, hidden_activation=hidden_activation)
        costs.append(deep.compute_cost(AL, Y))
        grads = L_model_backward_bn(AL, Y, caches, hidden_activation=hidden_activation)
        parameters = update_parameters_any(parameters, grads, learning_rate)
    return parameters, bn_states, costs


def train_plain(X, Y, parameters: dict, learning_rate: float, num_iterations: int, hidden_activation="sigmoid"):
    """Batch gradient descent on the network without batch norm. Returns (parameters, costs)."""
    costs = []
    for _ in range(positive_int(num_iterations, "num_iterations")):
        AL, caches = L_model_forward_plain(X, parameters, hidden_activation)
        costs.append(deep.compute_cost(AL, Y))
        grads = L_model_backward_plain(AL, Y, caches, hidden_activation)
        parameters = update_parameters_any(parameters, grads, learning_rate)
    return parameters, costs


def predict_bn(parameters: dict, bn_states, X, hidden_activation="relu"):
    """Class 1 where the batch-norm network (test mode: running statistics) gives AL > 0.5; (1, m) of 0/1."""
    AL, _ = L_model_forward_bn(X, parameters, bn_states, training=False, hidden_activation=hidden_activation)
    return (AL > 0.5).astype(np.float64)


def iterations_to_target(costs, target: float):
    """The first iteration whose cost is <= target (an int), or None if the costs never get there."""
    costs = np.asarray(costs, dtype=np.float64).reshape(-1)
    hits = np.flatnonzero(costs <= target)
    return int(hits[0]) if hits.size else None


def bn_parameters(parameters, name: str = "parameters") -> int:
    """Check a batch-norm network's parameter dict and return its number of layers L."""
    if not isinstance(parameters, dict):
        raise TypeError(f"{name} must be a dict with keys 'W1', 'gamma1', 'beta1', ..., 'WL', 'bL'.")
    L = sum(1 for key in parameters if key.startswith("W"))
    if L < 1:
        raise ValueError(f"{name} has no weight matrix.")
    expected = [f"{p}{l}" for l in range(1, L) for p in ("W", "gamma", "beta")] + [f"W{L}", f"b{L}"]
    missing = [key for key in expected if key not in parameters]
    if missing:
        raise KeyError(f"{name} is missing {missing}: a batch-norm network has W, gamma, beta for the hidden "
                       f"layers and W, b for the output layer.")
    return L


def check_bn_network(parameters, bn_states, name: str = "parameters") -> int:
    """Check a batch-norm network once: its parameters' keys (bn_parameters) and shapes, W{l}: (n[l], n[l-1]),
    gamma{l}, beta{l}: (n[l], 1), bL: (n[L], 1), and its L - 1 bn_states. Returns L."""
    L = bn_parameters(parameters, name)
    if not isinstance(bn_states, (list, tuple)) or len(bn_states) != L - 1:
        raise ValueError(f"bn_states must be a list of L - 1 = {L - 1} states, one per hidden layer.")
    n_prev = None
    for l in range(1, L + 1):
        n = as_matrix(parameters[f"W{l}"], f"{name}['W{l}']", cols=n_prev, what="(n[l], n[l-1])").shape[0]
        for key in (("gamma", "beta") if l < L else ("b",)):
            as_matrix(parameters[f"{key}{l}"], f"{name}['{key}{l}']", rows=n, cols=1, what="(n[l], 1)")
        if l < L:
            _bn_state(bn_states[l - 1], n)
        n_prev = n
    return L


def check_bn_caches(caches, AL, made_by: str = "L_model_forward_bn", masks: bool = False) -> int:
    """Check the caches of a batch-norm network's forward pass that output AL: (n[L], m), once, before the
    backward pass goes through them unchecked. Hidden layer l: ((A_prev, W), (Z_hat, gamma, std), Z_tilde),
    plus its dropout mask D (an array like Z_tilde, or None) when masks; the output layer: ((A_prev, W, b), Z),
    Z like AL. Returns L."""
    if not isinstance(caches, (list, tuple)) or not caches:
        raise TypeError(f"caches must be the non-empty list returned by {made_by}.")
    L = len(caches)
    try:
        (A_prev, W, b), ZL = caches[L - 1]
        fits = A_prev.shape == (W.shape[1], AL.shape[1]) and b.shape == (W.shape[0], 1) and ZL.shape == AL.shape
    except (TypeError, ValueError, AttributeError):
        raise TypeError(f"caches[{L - 1}], the output layer's cache, must be ((A_prev, W, b), Z) of numpy arrays, "
                        f"as {made_by} returns it.") from None
    if not fits:
        raise ValueError(f"caches[{L - 1}] does not fit the output layer of AL {AL.shape}: A_prev {A_prev.shape}, "
                         f"W {W.shape}, b {b.shape}, Z {ZL.shape}.")
    shape = A_prev.shape
    for l in range(L - 1, 0, -1):
        shape = _hidden_cache(caches[l - 1], l, shape, made_by, masks)
    return L


def gradient_check_any(cost_fn, parameters: dict, grads: dict, epsilon: float = 1e-7) -> dict:
    """Per-parameter relative errors between two-sided numerical gradients of cost_fn and grads,
    for any parameter names (W, b, gamma, beta). cost_fn: parameters -> float."""
    work = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    report = {}
    for key in work:
        approx = gradcheck.numerical_gradient(lambda: cost_fn(work), work[key], epsilon)
        report[key] = gradcheck.relative_error(approx, grads["d" + key])
    return report


# --- validation -----------------------------------------------------------------------------------

def _scale(scale, n_in):
    if isinstance(scale, str):
        if scale.lower() == "he":
            return np.sqrt(2.0 / n_in)
        if scale.lower() == "xavier":
            return np.sqrt(1.0 / n_in)
        raise ValueError(f"scale must be a number, 'he' or 'xavier', got {scale!r}.")
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or scale < 0:
        raise ValueError(f"scale must be a non-negative number, 'he' or 'xavier', got {scale!r}.")
    return float(scale)


def _hidden(activation):
    if activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"hidden_activation must be 'relu' or 'sigmoid', got {activation!r}.")
    return activation


def _fraction(value, name):
    if type(value) is float and 0 <= value <= 1:
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}.")
    return float(value)


def _settings(momentum, eps):
    """(momentum, eps) checked: momentum in [0, 1], eps >= 0."""
    momentum = _fraction(momentum, "momentum")
    if type(eps) is not float and (isinstance(eps, bool) or not isinstance(eps, numbers.Real)) or eps < 0:
        raise ValueError(f"eps must be a non-negative number, got {eps!r}.")
    return momentum, eps


def _hidden_cache(cache, l, shape, made_by, masks):
    """Check hidden layer l's cache ((A_prev, W), (Z_hat, gamma, std), Z_tilde) (+ D when masks) for activations
    of `shape`; returns A_prev's shape, that of the activations of the layer below."""
    layout = "((A_prev, W), bn_cache, Z_tilde, D)" if masks else "((A_prev, W), bn_cache, Z_tilde)"
    try:
        (A_prev, W), (Z_hat, gamma, std), Z_tilde, *rest = cache
        D = rest[0] if masks else None
        n, m = shape
        fits = (len(rest) == masks and W.shape == (n, A_prev.shape[0]) and A_prev.shape[1] == m
                and Z_hat.shape == Z_tilde.shape == shape and gamma.shape == std.shape == (n, 1)
                and (D is None or D.shape == shape))
    except (TypeError, ValueError, AttributeError, IndexError):
        raise TypeError(f"caches[{l - 1}], a hidden layer's cache, must be {layout} of numpy arrays, as "
                        f"{made_by} returns it.") from None
    if not fits:
        raise ValueError(f"caches[{l - 1}] does not fit a hidden layer of activations {shape}: A_prev "
                         f"{A_prev.shape}, W {W.shape}, Z_tilde {Z_tilde.shape}, D {None if D is None else D.shape}.")
    return A_prev.shape


def _bn_state(bn_state, n):
    if not isinstance(bn_state, dict) or "running_mean" not in bn_state or "running_var" not in bn_state:
        raise TypeError("bn_state must be a dict with 'running_mean' and 'running_var', e.g. initialize_bn_state(n).")
    for key in ("running_mean", "running_var"):
        as_matrix(bn_state[key], f"bn_state['{key}']", rows=n, cols=1, what="(n, 1)")


def _bn_cache(cache):
    if not isinstance(cache, (tuple, list)) or len(cache) != 3:
        raise TypeError("cache must be the tuple (Z_hat, gamma, std) returned by batchnorm_forward.")
    Z_hat, gamma, std = cache
    Z_hat = as_matrix(Z_hat, "Z_hat (cache[0])", what="(n, m)")
    gamma = as_matrix(gamma, "gamma (cache[1])", rows=Z_hat.shape[0], cols=1, what="(n, 1)")
    std = as_matrix(std, "std (cache[2])", rows=Z_hat.shape[0], cols=1, what="(n, 1)")
    return Z_hat, gamma, std


# --- the standardisation demonstration ------------------------------------------------------------

def load_two_scales(m: int = 300, seed: int = 0):
    """Two features of very different scales: x1 ~ N(1, 0.5^2), x2 ~ N(5, 10^2) (think of one
    measured in metres, the other in centimetres), labels from a noisy linear rule that uses both
    equally once each is standardised. Returns X: (2, m), Y: (1, m) of 0/1."""
    m = positive_int(m, "m")
    rng = np.random.default_rng(seed)
    x1 = rng.normal(1.0, 0.5, m)
    x2 = rng.normal(5.0, 10.0, m)
    z = 2.5 * (x1 - 1.0) / 0.5 - 2.0 * (x2 - 5.0) / 10.0 + rng.normal(0.0, 1.0, m)
    return np.vstack([x1, x2]), (z > 0).astype(np.float64)[None, :]


def logistic_regression_gd(X, Y, learning_rates, num_iterations: int):
    """Batch gradient descent for logistic regression y = sigmoid(w1 x1 + ... + b) from w = 0, b = 0,
    run for several learning rates at once (one row of parameters per rate, vectorised).

    Returns (costs, path): costs (num_iterations, k) with costs[i, j] the cost before update i at
    learning_rates[j] (inf once it has diverged); path (num_iterations + 1, k, n_x + 1) the
    parameters (w..., b) after each update, path[0] the start.
    """
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_labels(Y, "Y", m=X.shape[1])
    rates = np.asarray(learning_rates, dtype=np.float64).reshape(-1, 1)
    k, (n_x, m) = rates.shape[0], X.shape
    W, b = np.zeros((k, n_x)), np.zeros((k, 1))
    costs = np.empty((positive_int(num_iterations, "num_iterations"), k))
    path = np.empty((num_iterations + 1, k, n_x + 1))
    path[0] = 0.0
    for i in range(num_iterations):
        Z = np.clip(W @ X + b, -500, 500)
        A = 1.0 / (1.0 + np.exp(-Z))
        # log(1 + e^-z) written stably: the cost of a diverged run is large but finite
        costs[i] = np.mean(Y * np.logaddexp(0, -Z) + (1 - Y) * np.logaddexp(0, Z), axis=1)
        dZ = A - Y
        W = W - rates * (dZ @ X.T / m)
        b = b - rates * np.mean(dZ, axis=1, keepdims=True)
        path[i + 1] = np.hstack([W, b])
    return costs, path


def logistic_cost_grid(X, Y, w1, w2, b: float):
    """The logistic cost J(w1, w2, b) on a grid: w1, w2 2-D arrays of the same shape (np.meshgrid)."""
    X = as_matrix(X, "X", rows=2, what="(2, m)")
    Y = as_labels(Y, "Y", m=X.shape[1])
    Z = w1[..., None] * X[0] + w2[..., None] * X[1] + b
    return np.mean(Y[0] * np.logaddexp(0, -Z) + (1 - Y[0]) * np.logaddexp(0, Z), axis=-1)
