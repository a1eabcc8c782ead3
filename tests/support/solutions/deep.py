"""Notebook 02, written as a student would from the notebook's formulas."""
import numpy as np


def initialize_parameters_deep(layer_dims, seed=3):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_in = layer_dims[l - 1]
        parameters["W" + str(l)] = rng.standard_normal((layer_dims[l], n_in)) * np.sqrt(2 / n_in)
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def relu(Z):
    return np.maximum(0, Z)


def relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b
    return Z, (A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = relu(Z) if activation == "relu" else 1 / (1 + np.exp(-Z))
    return A, (linear_cache, Z)


def L_model_forward(X, parameters):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(-(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)).item() / m)


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    dZ = relu_backward(dA, Z) if activation == "relu" else sigmoid_backward(dA, Z)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA, grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)] = dA
    for l in reversed(range(1, L)):
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(dA, caches[l - 1], "relu")
        grads["dA" + str(l - 1)] = dA
    return grads


def backward_from_output(dZ, caches, hidden_dA=lambda dA, l: dA):
    """The gradients of a network of ReLU hidden layers from the output layer's dZ (n[L], m); caches[l - 1] is
    layer l's ((A_prev, W, b), Z); hidden_dA(dA, l): layer l's dA as it enters the ReLU's derivative (a
    dropout mask applied, say). The later notebooks' backward passes start from it."""
    L, m = len(caches), dZ.shape[1]
    grads = {}
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        if l < L:
            dZ = hidden_dA(dA, l) * (Z > 0)
        grads["dW" + str(l)] = np.dot(dZ, A_prev.T) / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = np.dot(W.T, dZ)
    return grads


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    updated = {}
    for l in range(1, L + 1):
        updated["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        updated["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return updated


def L_layer_model(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, seed=1, print_cost=False):
    parameters, costs = initialize_parameters_deep(layer_dims, seed=seed), []
    while len(costs) < num_iterations:
        AL, caches = L_model_forward(X, parameters)
        costs.append(compute_cost(AL, Y))
        parameters = update_parameters(parameters, L_model_backward(AL, Y, caches), learning_rate)
    return parameters, costs


def gradient_check(cost_fn, parameters, grads, epsilon=1e-7):
    approx, exact = [], []
    for key in parameters:
        theta = parameters[key]
        for index in np.ndindex(theta.shape):
            saved = theta[index]
            theta[index] = saved + epsilon
            plus = cost_fn(parameters)
            theta[index] = saved - epsilon
            minus = cost_fn(parameters)
            theta[index] = saved
            approx.append((plus - minus) / (2 * epsilon))
            exact.append(grads["d" + key][index])
    approx, exact = np.array(approx), np.array(exact)
    return float(np.linalg.norm(approx - exact) / (np.linalg.norm(approx) + np.linalg.norm(exact)))


def difference_quotient(f, x, epsilon, two_sided=True):
    if two_sided:
        return (f(x + epsilon) - f(x - epsilon)) / (2 * epsilon)
    return (f(x + epsilon) - f(x)) / epsilon


SOLUTIONS = {name: function for name, function in globals().items()
             if callable(function) and getattr(function, "__module__", "") == __name__}
del SOLUTIONS["backward_from_output"]           # not an exercise: the later notebooks' solutions start from it
