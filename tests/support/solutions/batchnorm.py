"""Notebook 05, written as a student would from the notebook's formulas."""
import numpy as np


def standardize_inputs(X_train, X_other):
    mu = X_train.mean(axis=1, keepdims=True)
    sigma = np.sqrt(((X_train - mu) ** 2).mean(axis=1, keepdims=True))
    return (X_train - mu) / sigma, (X_other - mu) / sigma, mu, sigma


def batchnorm_forward(Z, gamma, beta, bn_state, training=True, momentum=0.9, eps=1e-5):
    if training:
        mu = Z.mean(axis=1, keepdims=True)
        var = ((Z - mu) ** 2).mean(axis=1, keepdims=True)
        bn_state["running_mean"] = momentum * bn_state["running_mean"] + (1 - momentum) * mu
        bn_state["running_var"] = momentum * bn_state["running_var"] + (1 - momentum) * var
    else:
        mu, var = bn_state["running_mean"], bn_state["running_var"]
    std = np.sqrt(var + eps)
    Z_hat = (Z - mu) / std
    return gamma * Z_hat + beta, (Z_hat, gamma, std)


def batchnorm_backward(dZ_out, cache):
    Z_hat, gamma, std = cache
    m = Z_hat.shape[1]
    dgamma = np.sum(dZ_out * Z_hat, axis=1, keepdims=True) / m
    dbeta = np.sum(dZ_out, axis=1, keepdims=True) / m
    dZ_hat = dZ_out * gamma
    dZ = (dZ_hat - dZ_hat.mean(axis=1, keepdims=True)
          - Z_hat * (dZ_hat * Z_hat).mean(axis=1, keepdims=True)) / std
    return dZ, dgamma, dbeta


def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def L_model_forward_bn(X, parameters, bn_states, training=True, hidden_activation="relu"):
    L = len(bn_states) + 1
    A = X
    caches = []
    for l in range(1, L):
        W = parameters["W" + str(l)]
        Z = np.dot(W, A)
        Z_tilde, bn_cache = batchnorm_forward(Z, parameters["gamma" + str(l)], parameters["beta" + str(l)],
                                              bn_states[l - 1], training=training)
        caches.append(((A, W), bn_cache, Z_tilde))
        A = np.maximum(0, Z_tilde) if hidden_activation == "relu" else _sigmoid(Z_tilde)
    W, b = parameters["W" + str(L)], parameters["b" + str(L)]
    ZL = np.dot(W, A) + b
    caches.append(((A, W, b), ZL))
    return _sigmoid(ZL), caches


def L_model_backward_bn(AL, Y, caches, hidden_activation="relu"):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    (A_prev, W, b), _ = caches[L - 1]
    dZ = AL - Y
    grads["dW" + str(L)] = np.dot(dZ, A_prev.T) / m
    grads["db" + str(L)] = np.sum(dZ, axis=1, keepdims=True) / m
    dA = np.dot(W.T, dZ)
    for l in range(L - 1, 0, -1):
        (A_prev, W), bn_cache, Z_tilde = caches[l - 1]
        if hidden_activation == "relu":
            dZ_tilde = dA * (Z_tilde > 0)
        else:
            s = _sigmoid(Z_tilde)
            dZ_tilde = dA * s * (1 - s)
        dZ, grads["dgamma" + str(l)], grads["dbeta" + str(l)] = batchnorm_backward(dZ_tilde, bn_cache)
        grads["dW" + str(l)] = np.dot(dZ, A_prev.T) / m
        dA = np.dot(W.T, dZ)
    return grads


def minibatch_running_statistics(Z, batch_size, momentum=0.9):
    n, m = Z.shape
    state = {"running_mean": np.zeros((n, 1)), "running_var": np.ones((n, 1))}
    means = []
    for start in range(0, m, batch_size):
        batch = Z[:, start:start + batch_size]
        batchnorm_forward(batch, np.ones((n, 1)), np.zeros((n, 1)), state, training=True, momentum=momentum)
        means.append(batch.mean(axis=1))
    return state, np.stack(means, axis=1)


SOLUTIONS = {name: function for name, function in globals().items()
             if callable(function) and getattr(function, "__module__", "") == __name__ and not name.startswith("_")}
