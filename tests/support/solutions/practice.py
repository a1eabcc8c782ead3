"""Notebook 09, written as a student would from the notebook's formulas, with some of the building blocks the notebook
imports (batch norm's and dropout's forward steps, mini-batches, Adam and the cost are given; the backward pass is
written from its formulas, batch norm's included)."""
import numpy as np

from helpers.batchnorm import batchnorm_forward, initialize_bn_states, initialize_parameters_bn
from helpers.dropout import dropout_forward
from helpers.optimizers import initialize_adam, random_mini_batches, update_lr, update_parameters_with_adam
from helpers.practice import compute_cost


def forward_propagation(X, parameters, bn_states, keep_prob=1.0, rng=None, training=True):
    L = len(bn_states) + 1
    caches = []
    A = X
    for l in range(1, L):
        W = parameters["W" + str(l)]
        Z_tilde, bn_cache = batchnorm_forward(np.dot(W, A), parameters["gamma" + str(l)], parameters["beta" + str(l)],
                                              bn_states[l - 1], training=training)
        A_next = np.maximum(Z_tilde, 0)
        D = None
        if training:
            A_next, D = dropout_forward(A_next, keep_prob, rng)
        caches.append(((A, W), bn_cache, Z_tilde, D))
        A = A_next
    W, b = parameters["W" + str(L)], parameters["b" + str(L)]
    ZL = np.dot(W, A) + b
    caches.append(((A, W, b), ZL))
    T = np.exp(ZL - ZL.max(axis=0, keepdims=True))
    return T / T.sum(axis=0, keepdims=True), caches


def backward_propagation(AL, Y, caches, keep_prob=1.0, lambd=0.0):
    L = len(caches)
    m = Y.shape[1]
    grads = {}
    (A_prev, W, b), _ = caches[-1]
    dZ = AL - Y
    grads["dW" + str(L)] = np.dot(dZ, A_prev.T) / m + (lambd / m) * W
    grads["db" + str(L)] = np.sum(dZ, axis=1, keepdims=True) / m
    dA = np.dot(W.T, dZ)
    for l in reversed(range(1, L)):
        (A_prev, W), (Z_hat, gamma, std), Z_tilde, D = caches[l - 1]
        if D is not None:
            dA = dA * D / keep_prob
        dZ_tilde = dA * (Z_tilde > 0)
        grads["dgamma" + str(l)] = np.mean(dZ_tilde * Z_hat, axis=1, keepdims=True)
        grads["dbeta" + str(l)] = np.mean(dZ_tilde, axis=1, keepdims=True)
        dZ_hat = dZ_tilde * gamma
        dZ = (dZ_hat - np.mean(dZ_hat, axis=1, keepdims=True)
              - Z_hat * np.mean(dZ_hat * Z_hat, axis=1, keepdims=True)) / std
        grads["dW" + str(l)] = np.dot(dZ, A_prev.T) / m + (lambd / m) * W
        dA = np.dot(W.T, dZ)
    return grads


def evaluate(parameters, bn_states, X, y):
    AL, _ = forward_propagation(X, parameters, bn_states, training=False)
    predictions = np.argmax(AL, axis=0)
    return float(np.mean(predictions == np.asarray(y).reshape(-1)))


def model(X, Y, layer_dims, learning_rate0=0.01, decay_rate=0.0, lambd=0.0, keep_prob=1.0, num_epochs=20,
          mini_batch_size=64, seed=1, dev=None):
    parameters = initialize_parameters_bn(layer_dims, seed=seed)
    bn_states = initialize_bn_states(layer_dims)
    v, s = initialize_adam(parameters)
    rng = np.random.default_rng(seed)
    history = {"cost": [], "learning_rate": [], "train_accuracy": [], "dev_accuracy": []}
    t = 0
    for epoch in range(num_epochs):
        learning_rate = update_lr(learning_rate0, epoch, decay_rate)
        costs = []
        for X_batch, Y_batch in random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch):
            AL, caches = forward_propagation(X_batch, parameters, bn_states, keep_prob, rng, training=True)
            costs.append(compute_cost(AL, Y_batch, parameters, lambd))
            grads = backward_propagation(AL, Y_batch, caches, keep_prob, lambd)
            t = t + 1
            parameters, v, s = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate)
        history["cost"].append(sum(costs) / len(costs))
        history["learning_rate"].append(learning_rate)
        if dev is not None:
            history["train_accuracy"].append(evaluate(parameters, bn_states, X, np.argmax(Y, axis=0)))
            history["dev_accuracy"].append(evaluate(parameters, bn_states, dev[0], dev[1]))
    return parameters, bn_states, history


def make_train_eval(X_train, Y_train, X_dev, y_dev, layer_dims, num_epochs=10, keep_prob=1.0, decay_rate=0.0, seed=1):
    def train_eval(config):
        parameters, bn_states, _ = model(X_train, Y_train, layer_dims, learning_rate0=config["learning_rate"],
                                         decay_rate=decay_rate, lambd=config["lambd"], keep_prob=keep_prob,
                                         num_epochs=num_epochs, seed=seed)
        return evaluate(parameters, bn_states, X_dev, y_dev)
    return train_eval


def update_parameters_with_adamw(parameters, grads, v, s, t, learning_rate, weight_decay, beta1=0.9, beta2=0.999,
                                 epsilon=1e-8):
    new_parameters, new_v, new_s = {}, {}, {}
    for key, W in parameters.items():
        g = grads["d" + key]
        new_v["d" + key] = beta1 * v["d" + key] + (1 - beta1) * g
        new_s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * g ** 2
        v_hat = new_v["d" + key] / (1 - beta1 ** t)
        s_hat = new_s["d" + key] / (1 - beta2 ** t)
        new_parameters[key] = W - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
        if key.startswith("W"):
            new_parameters[key] = new_parameters[key] - learning_rate * weight_decay * W
    return new_parameters, new_v, new_s


SOLUTIONS = {name: function for name, function in globals().items()
             if callable(function) and getattr(function, "__module__", "") == __name__}
