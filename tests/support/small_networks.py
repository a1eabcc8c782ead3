"""Small random networks for the tests of the references (helpers.deep, dropout, regularization, softmax)."""
from __future__ import annotations

import numpy as np

from helpers import deep, softmax


def small_network(dims, m, seed, classes=False):
    """X: (n_x, m), labels Y and He-initialised parameters with non-zero biases (so that db, and a penalty on b,
    would show). Y: (1, m) 0/1 with both classes present, or with classes, one-hot (n[L], m)."""
    rng = np.random.default_rng(seed)
    parameters = deep.initialize_parameters_deep(dims, seed=seed)
    for l in range(1, len(dims)):
        parameters[f"b{l}"] = rng.uniform(0.1, 0.5, (dims[l], 1))
    X = rng.standard_normal((dims[0], m))
    if classes:
        return X, softmax.one_hot(rng.integers(0, dims[-1], (1, m)), dims[-1]), parameters
    Y = (rng.random((1, m)) < 0.5).astype(float)
    Y[0, :2] = [0, 1]
    return X, Y, parameters
