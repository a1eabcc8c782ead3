"""The over-fitting task that notebooks 03 (regularization) and 04 (dropout) share, so that they
compare their remedies on exactly the same data, network and training settings.

The data: scikit-learn's two moons (noise 0.2), with 15% of the labels flipped at random, as when
annotators make mistakes. A network large enough to memorise the 100 training points learns the
flipped labels too, drawing islands around them, and does much worse on the 450 dev points than on
its training set: over-fitting (high variance).

    task = load_overfitting_task()
    task.X_train (2, 100), task.X_dev (2, 450), task.X_test (2, 450), Y_* (1, .) of 0/1
    task.layer_dims = (2, 64, 64, 1), task.learning_rate, task.num_iterations, task.init_seed, ...

`train` is the reference training loop (batch gradient descent from He initialisation) with optional
L2 / L1 penalties and dropout; it is numerically safe: the output layer's gradient is computed as
dZ[L] = AL - Y, because an over-fitting network drives AL to exactly 1.0 in float64, where
dAL = -(Y/AL - (1-Y)/(1-AL)) is 0/0 = NaN. The notebooks train with the students' own functions;
the tests use this loop.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import data, deep, network
from . import dropout as dropout_ref
from . import regularization as reg
from .validation import as_labels, as_matrix, positive_int


@dataclass(frozen=True, eq=False)
class OverfittingTask:
    """Data, network and training settings of the over-fitting experiment (see the module docstring)."""
    X_train: np.ndarray
    Y_train: np.ndarray
    X_dev: np.ndarray
    Y_dev: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    flipped_train: np.ndarray            # (1, m_train) bool: which training labels were flipped
    noise: float
    flip_rate: float
    bayes_error: float                   # the lowest error any classifier can reach on this data
    layer_dims: tuple = (2, 64, 64, 1)
    learning_rate: float = 0.5
    num_iterations: int = 4000
    init_seed: int = 1                   # initialize_parameters_deep(layer_dims, seed=init_seed)
    dropout_seed: int = 0                # rng = np.random.default_rng(dropout_seed) for the masks
    lambdas: tuple = (0.3, 1.0, 3.0, 30.0)   # the L2 strengths notebook 03 compares on the dev set
    l2_lambda: float = 1.0               # the one notebook 03 selects (its tests check it), compared in 04
    keep_prob: float = 0.5               # the dropout keep_prob of notebook 04
    record_every: int = 100              # costs are recorded every record_every iterations
    seed: int = 0

    @property
    def m_train(self) -> int:
        return self.X_train.shape[1]

    def describe(self) -> str:
        return (f"{self.m_train} training, {self.X_dev.shape[1]} dev and {self.X_test.shape[1]} test points "
                f"(two moons, noise {self.noise}, {self.flip_rate:.0%} of the labels flipped); network "
                f"{list(self.layer_dims)}, learning rate {self.learning_rate}, {self.num_iterations} iterations")


M, NOISE, FLIP_RATE, FRACTIONS, SEED = 1000, 0.2, 0.15, (0.1, 0.45, 0.45), 0
#: What the student edition stores instead of the code (grading/edition/build.py): the task is split by notebook 03's
#: train_dev_test_split, and notebook 04's comparison trains with notebook 03's L2 choice.
AT_RELEASE = ("load_overfitting_task", "train_l2_choice")


def load_overfitting_task(seed: int = SEED) -> OverfittingTask:
    """The shared task: 1000 noisy moons, 15% of labels flipped, split 100 / 450 / 450 (train / dev / test).

    Deterministic: the points come from make_moons(seed), the flips from default_rng(seed), the split
    from train_dev_test_split(seed=seed); the notebooks use the default seed. Every call returns fresh arrays.
    """
    X, Y = data.load_moons(m=M, noise=NOISE, seed=seed)
    flipped = np.random.default_rng(seed).random(Y.shape) < FLIP_RATE
    Y_noisy = np.where(flipped, 1 - Y, Y)
    X_train, Y_train, X_dev, Y_dev, X_test, Y_test = data.train_dev_test_split(X, Y_noisy, FRACTIONS, seed=seed)
    # the same permutation applied to the flip flags tells which training labels are wrong
    _, flipped_train, _, _, _, _ = data.train_dev_test_split(X, flipped.astype(np.float64), FRACTIONS, seed=seed)
    return OverfittingTask(X_train=X_train, Y_train=Y_train, X_dev=X_dev, Y_dev=Y_dev, X_test=X_test, Y_test=Y_test,
                           flipped_train=flipped_train.astype(bool), noise=NOISE, flip_rate=FLIP_RATE,
                           bayes_error=moons_bayes_error(NOISE, FLIP_RATE), seed=seed)


@lru_cache(maxsize=None)
def moons_bayes_error(noise: float, flip_rate: float = 0.0, samples: int = 4000, arc_points: int = 300,
                      seed: int = 12345) -> float:
    """The Bayes error of make_moons(noise) with labels flipped at rate flip_rate, estimated numerically.

    Each class is a half circle (uniform in angle) blurred by Gaussian noise of standard deviation
    `noise`; the two classes are equally likely. The best possible classifier errs on a point x with
    probability min(p0(x), p1(x)) / (p0(x) + p1(x)); its average over a large sample is the Bayes error
    e0 of the clean data. Flipping each label with probability f makes it f + (1 - 2f) e0.
    """
    X, _ = data.load_moons(m=samples, noise=noise, seed=seed)
    t = np.linspace(0, np.pi, arc_points)
    arcs = (np.vstack([np.cos(t), np.sin(t)]), np.vstack([1 - np.cos(t), 1 - np.sin(t) - 0.5]))
    densities = []
    for arc in arcs:
        squared = ((X[:, :, None] - arc[:, None, :]) ** 2).sum(axis=0)
        densities.append(np.exp(-squared / (2 * noise ** 2)).mean(axis=1))
    p0, p1 = densities
    e0 = float(np.mean(np.minimum(p0, p1) / (p0 + p1)))
    return flip_rate + (1 - 2 * flip_rate) * e0


def accuracy(parameters: dict, X, Y) -> float:
    """Fraction of the columns of X whose predicted label (AL > 0.5, no dropout) equals Y."""
    return float(np.mean(deep.predict(parameters, X) == Y))


def train(X, Y, layer_dims, *, learning_rate: float, num_iterations: int, init_seed: int = 1, lambd: float = 0.0,
          l1: float = 0.0, keep_probs=1.0, dropout_seed: int = 0, record_every: int = 100):
    """Batch gradient descent from He initialisation with an optional L2 penalty (lambd), L1 penalty (l1)
    and dropout (keep_probs < 1; one rng = default_rng(dropout_seed) for all the masks).

    Returns (parameters, costs): costs[k] is the cost (penalties included; with dropout, the cost of
    the thinned network that was trained on) before iteration k * record_every.
    """
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_labels(Y, "Y", m=X.shape[1])
    dims = deep.layer_dims_list(layer_dims)
    num_iterations = positive_int(num_iterations, "num_iterations")
    record_every = positive_int(record_every, "record_every")
    L = len(dims) - 1
    probs = dropout_ref.keep_probs_list(keep_probs, L)
    settings = {"keep_probs": probs, "rng": np.random.default_rng(dropout_seed)}
    if any(p < 1 for p in probs):
        net = dropout_ref.dropout_network(L)
    else:
        net = network.stack(deep.HIDDEN_LAYER, deep.OUTPUT_LAYER, L)

    def penalty(W, m, settings):        # the L2 and L1 terms of dW{l}
        return lambd / m * W + l1 / (2 * m) * np.sign(W)
    net = network.swap(net, "linear", network.linear(penalty))
    m = X.shape[1]
    parameters = deep.initialize_parameters_deep(dims, seed=init_seed)
    costs = []
    for i in range(num_iterations):
        AL, caches = network.forward(X, parameters, net, settings)
        grads = network.backward(AL - Y, caches, net, settings, dA_keys=False)       # dZL = AL - Y: stable
        if i % record_every == 0:
            costs.append(reg.compute_cost_stable(AL, Y) + lambd / (2 * m) * reg.l2_penalty(parameters)
                         + l1 / (2 * m) * reg.l1_penalty(parameters))
        parameters = deep.update_parameters(parameters, grads, learning_rate)
    return parameters, costs


def train_task(task: OverfittingTask, **options):
    """train() on task's training set with task's network and settings; options: lambd, l1, keep_probs, ..."""
    settings = dict(learning_rate=task.learning_rate, num_iterations=task.num_iterations, init_seed=task.init_seed,
                    dropout_seed=task.dropout_seed, record_every=task.record_every)
    settings.update(options)
    return train(task.X_train, task.Y_train, task.layer_dims, **settings)


def train_l2_choice():
    """(parameters, costs) of the shared task trained with notebook 03's L2 choice (task.l2_lambda): the
    comparison of notebook 04."""
    task = load_overfitting_task()
    return train_task(task, lambd=task.l2_lambda)
