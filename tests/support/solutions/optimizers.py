"""Notebook 06, written as a student would from the notebook's formulas (loops over the layers)."""
import math

import numpy as np


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    permutation = list(rng.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    mini_batches = []
    for k in range(m // mini_batch_size):
        columns = slice(k * mini_batch_size, (k + 1) * mini_batch_size)
        mini_batches.append((shuffled_X[:, columns], shuffled_Y[:, columns]))
    if m % mini_batch_size != 0:
        start = (m // mini_batch_size) * mini_batch_size
        mini_batches.append((shuffled_X[:, start:], shuffled_Y[:, start:]))
    return mini_batches


def initialize_velocity(parameters):
    L = len(parameters) // 2
    v = {}
    for l in range(1, L + 1):
        v["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        v["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    return v


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    parameters, v = dict(parameters), dict(v)
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            d = "d" + p + str(l)
            v[d] = beta * v[d] + (1 - beta) * grads[d]
            parameters[p + str(l)] = parameters[p + str(l)] - learning_rate * v[d]
    return parameters, v


def initialize_rmsprop(parameters):
    return initialize_velocity(parameters)


def update_parameters_with_rmsprop(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    parameters, s = dict(parameters), dict(s)
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            d = "d" + p + str(l)
            s[d] = beta2 * s[d] + (1 - beta2) * np.square(grads[d])
            parameters[p + str(l)] = parameters[p + str(l)] - learning_rate * grads[d] / (np.sqrt(s[d]) + epsilon)
    return parameters, s


def initialize_adam(parameters):
    return initialize_velocity(parameters), initialize_velocity(parameters)


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    parameters, v, s = dict(parameters), dict(v), dict(s)
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            d = "d" + p + str(l)
            v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
            s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
            v_corrected = v[d] / (1 - beta1 ** t)
            s_corrected = s[d] / (1 - beta2 ** t)
            parameters[p + str(l)] = parameters[p + str(l)] - learning_rate * v_corrected / (
                np.sqrt(s_corrected) + epsilon)
    return parameters, v, s


def update_lr(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate * epoch_num)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * math.floor(epoch_num / time_interval))


def update_parameters_with_nesterov(parameters, grads, v, beta, learning_rate):
    parameters, v = dict(parameters), dict(v)
    for key in list(parameters):
        d = "d" + key
        v[d] = beta * v[d] + (1 - beta) * grads[d]
        parameters[key] = parameters[key] - learning_rate * (beta * v[d] + (1 - beta) * grads[d])
    return parameters, v


def update_parameters_with_adagrad(parameters, grads, s, learning_rate, epsilon=1e-8):
    parameters, s = dict(parameters), dict(s)
    for key in list(parameters):
        d = "d" + key
        s[d] = s[d] + grads[d] ** 2
        parameters[key] = parameters[key] - learning_rate * grads[d] / (np.sqrt(s[d]) + epsilon)
    return parameters, s


SOLUTIONS = {name: function for name, function in globals().items()
             if callable(function) and getattr(function, "__module__", "") == __name__}
