"""Data sets of the workbook, all generated or bundled: nothing is downloaded.

Every loader follows the course's convention: examples are columns, so features are
`X: (n_x, m)` and binary labels `Y: (1, m)` (float 0/1), multi-class labels `y: (1, m)` (int).
Randomness comes from an explicit seed, so every run (and every grade) repeats.
"""
from __future__ import annotations

import numpy as np

from .validation import as_matrix, positive_int, rng_from


def _sklearn_datasets():
    """scikit-learn's ``datasets`` module, imported on first use: the import takes about a
    second (it brings scipy), which a notebook that loads none of its sets should not pay."""
    import sklearn.datasets

    return sklearn.datasets


def load_planar_flower(m: int = 400, petals: int = 4, noise: float = 0.2, seed: int = 1):
    """The planar "flower": two interleaved classes that no straight line separates.

    Returns X: (2, m) float64 points and Y: (1, m) float64 labels 0 (red) / 1 (blue).
    Half of the points are in each class; `petals` sets the number of petals, `noise`
    the jitter of angle and radius.
    """
    m = positive_int(m, "m")
    if m % 2:
        raise ValueError(f"m must be even (half of the points in each class), got {m}.")
    rng = rng_from(seed, "seed")
    per_class = m // 2
    X = np.empty((2, m))
    Y = np.empty((1, m))
    for label in (0, 1):
        columns = slice(label * per_class, (label + 1) * per_class)
        theta = np.linspace(label * 3.12, (label + 1) * 3.12, per_class) + rng.standard_normal(per_class) * noise
        radius = petals * np.sin(petals * theta) + rng.standard_normal(per_class) * noise
        X[:, columns] = np.vstack([radius * np.sin(theta), radius * np.cos(theta)])
        Y[0, columns] = label
    return X, Y


def load_moons(m: int = 300, noise: float = 0.2, seed: int = 0):
    """scikit-learn's two half-moons. Returns X: (2, m), Y: (1, m) of 0/1."""
    X, y = _sklearn_datasets().make_moons(n_samples=positive_int(m, "m"), noise=noise, random_state=seed)
    return X.T.astype(np.float64), y.reshape(1, -1).astype(np.float64)


def load_circles(m: int = 300, noise: float = 0.1, factor: float = 0.5, seed: int = 0):
    """scikit-learn's two concentric circles. Returns X: (2, m), Y: (1, m) of 0/1."""
    X, y = _sklearn_datasets().make_circles(n_samples=positive_int(m, "m"), noise=noise, factor=factor,
                                            random_state=seed)
    return X.T.astype(np.float64), y.reshape(1, -1).astype(np.float64)


def load_digits(digits=None):
    """scikit-learn's bundled 8x8 hand-written digits (1797 images), scaled to [0, 1].

    digits: which classes to keep (e.g. (3, 8)); None keeps all ten.
    Returns X: (64, m) float64 pixels, y: (1, m) int digit labels, images: (m, 8, 8).
    """
    bunch = _sklearn_datasets().load_digits()
    keep = np.ones(bunch.target.shape, dtype=bool) if digits is None else np.isin(bunch.target, list(digits))
    if not keep.any():
        raise ValueError(f"digits must be a subset of 0..9, got {digits!r}.")
    images = bunch.images[keep] / 16.0
    X = images.reshape(images.shape[0], -1).T.astype(np.float64)
    y = bunch.target[keep].reshape(1, -1).astype(np.int64)
    return X, y, images


def load_digits_binary(positive=(8,), negative=(3,)):
    """A binary task on the bundled digits, e.g. 8 (label 1) against 3 (label 0).

    Returns X: (64, m) float64 in [0, 1], Y: (1, m) float64 of 0/1.
    """
    positive, negative = tuple(positive), tuple(negative)
    if set(positive) & set(negative):
        raise ValueError(f"positive {positive} and negative {negative} digits overlap.")
    X, y, _ = load_digits(positive + negative)
    Y = np.isin(y, positive).astype(np.float64)
    return X, Y


def train_dev_test_split(X, Y, fractions=(0.6, 0.2, 0.2), seed: int = 0):
    """Shuffle the columns once and cut them into train, dev and test sets.

    X: (n_x, m), Y: (n_y, m); fractions: three non-negative numbers summing to 1
    (e.g. (0.6, 0.2, 0.2), (0.98, 0.01, 0.01); (0.7, 0.0, 0.3) has no dev set).
    Returns X_train, Y_train, X_dev, Y_dev, X_test, Y_test, with disjoint columns.
    """
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_matrix(Y, "Y", cols=X.shape[1], what="(n_y, m) with the same m as X")
    fractions = np.asarray(fractions, dtype=np.float64)
    if fractions.shape != (3,) or np.any(fractions < 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be three non-negative numbers summing to 1, got {fractions.tolist()}.")
    m = X.shape[1]
    order = rng_from(seed, "seed").permutation(m)
    n_train = int(round(fractions[0] * m))
    n_dev = int(round(fractions[1] * m))
    train, dev, test = order[:n_train], order[n_train:n_train + n_dev], order[n_train + n_dev:]
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]
