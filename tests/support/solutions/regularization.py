"""Notebook 03, written as a student would from the notebook's formulas."""
import numpy as np

from .deep import backward_from_output


def train_dev_test_split(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    m = X.shape[1]
    order = np.random.default_rng(seed).permutation(m)
    n_train = int(round(fractions[0] * m))
    n_dev = int(round(fractions[1] * m))
    train, dev, test = order[:n_train], order[n_train:n_train + n_dev], order[n_train + n_dev:]
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]


def diagnose_bias_variance(train_error, dev_error, bayes_error=0.0, threshold=0.05):
    verdicts = {(True, True): "high bias and high variance", (True, False): "high bias",
                (False, True): "high variance", (False, False): "low bias and low variance"}
    return verdicts[(train_error - bayes_error > threshold, dev_error - train_error > threshold)]


def _cross_entropy(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def _weights(parameters):
    return [parameters["W" + str(l)] for l in range(1, len(parameters) // 2 + 1)]


def compute_cost_with_regularization(AL, Y, parameters, lambd):
    m = Y.shape[1]
    penalty = sum(np.sum(np.square(W)) for W in _weights(parameters))
    return _cross_entropy(AL, Y) + lambd / (2 * m) * float(penalty)


def compute_cost_with_l1(AL, Y, parameters, lambd):
    m = Y.shape[1]
    penalty = sum(np.sum(np.abs(W)) for W in _weights(parameters))
    return _cross_entropy(AL, Y) + lambd / (2 * m) * float(penalty)


def _with_penalty(grads, caches, derivative):
    for l in range(1, len(caches) + 1):
        grads["dW" + str(l)] = grads["dW" + str(l)] + derivative(caches[l - 1][0][1])
    return grads


def L_model_backward_with_regularization(AL, Y, caches, lambd):
    m = AL.shape[1]
    return _with_penalty(backward_from_output(AL - Y, caches), caches, lambda W: lambd / m * W)


def L_model_backward_with_l1(AL, Y, caches, lambd):
    m = AL.shape[1]
    return _with_penalty(backward_from_output(AL - Y, caches), caches, lambda W: lambd / (2 * m) * np.sign(W))


def update_parameters_with_weight_decay(parameters, grads, learning_rate, lambd, m):
    new = {}
    for l in range(1, len(parameters) // 2 + 1):
        new["W" + str(l)] = (1 - learning_rate * lambd / m) * parameters["W" + str(l)] \
            - learning_rate * grads["dW" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return new


def random_shift(images, max_shift, rng):
    m, h, w = images.shape
    shifts = rng.integers(-max_shift, max_shift + 1, size=(m, 2))
    out = np.zeros_like(images)
    for i in range(m):
        dy, dx = shifts[i]
        rows_to, rows_from = slice(max(dy, 0), h + min(dy, 0)), slice(max(-dy, 0), h - max(dy, 0))
        cols_to, cols_from = slice(max(dx, 0), w + min(dx, 0)), slice(max(-dx, 0), w - max(dx, 0))
        out[i, rows_to, cols_to] = images[i, rows_from, cols_from]
    return out


def should_stop(dev_errors, patience):
    if len(dev_errors) <= patience:
        return False
    best_before = min(dev_errors[:-patience])
    return all(error >= best_before for error in dev_errors[-patience:])


SOLUTIONS = {name: function for name, function in globals().items()
             if callable(function) and getattr(function, "__module__", "") == __name__ and not name.startswith("_")}
