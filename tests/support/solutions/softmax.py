"""Notebook 08, written as a student would from the notebook's formulas."""
import numpy as np

from .deep import backward_from_output


def softmax(Z):
    T = np.exp(Z - Z.max(axis=0, keepdims=True))
    return T / T.sum(axis=0, keepdims=True)


def one_hot(labels, C):
    labels = np.asarray(labels).reshape(-1).astype(int)
    Y = np.zeros((C, labels.shape[0]))
    for i, k in enumerate(labels):
        Y[k, i] = 1.0
    return Y


def compute_cost_softmax(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL)) / m)


def softmax_backward(AL, Y):
    return AL - Y


def L_model_forward_softmax(X, parameters):
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = np.dot(W, A) + b
        caches.append(((A, W, b), Z))
        A = np.maximum(Z, 0)
    W, b = parameters["W" + str(L)], parameters["b" + str(L)]
    ZL = np.dot(W, A) + b
    caches.append(((A, W, b), ZL))
    return softmax(ZL), caches


def L_model_backward_softmax(AL, Y, caches):
    return backward_from_output(softmax_backward(AL, Y), caches)


def predict_softmax(parameters, X):
    AL, _ = L_model_forward_softmax(X, parameters)
    return np.argmax(AL, axis=0).reshape(1, AL.shape[1])


def compute_cost_from_logits(ZL, Y):
    top = ZL.max(axis=0, keepdims=True)
    log_probabilities = (ZL - top) - np.log(np.exp(ZL - top).sum(axis=0, keepdims=True))
    return float(-np.sum(Y * log_probabilities) / Y.shape[1])


SOLUTIONS = {name: function for name, function in globals().items()
             if callable(function) and getattr(function, "__module__", "") == __name__}
