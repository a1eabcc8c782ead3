"""Reference implementation of notebook 09: everything together on the ten digits.

The network (examples are columns, C classes):

    [LINEAR (no bias) -> BATCHNORM -> RELU -> DROPOUT] * (L-1) -> LINEAR -> SOFTMAX

* He initialisation (helpers.batchnorm.initialize_parameters_bn): W{l}, gamma{l} = 1, beta{l} = 0
  for the hidden layers, WL and bL for the output layer; one bn_state per hidden layer.
* Batch norm (helpers.batchnorm): batch statistics in training, running statistics at test time.
* Inverted dropout (helpers.dropout) after every hidden ReLU, in training only; one keep_prob for
  all hidden layers (1.0 keeps every unit; the masks are still drawn, so the random stream does
  not depend on keep_prob).
* A softmax output and its cross-entropy (helpers.softmax), plus L2 on every W{l}:
      J = -(1/m) sum(Y log AL) + lambd / (2m) sum_l ||W{l}||_F^2      (m: the examples of the batch)
* Adam (helpers.optimizers) on mini-batches, the learning rate decayed once per epoch,
      learning_rate = learning_rate0 / (1 + decay_rate * epoch).

Caches: a hidden layer's is ((A_prev, W), bn_cache, Z_tilde, D) with D the dropout mask (None at
test time); the output layer's is ((A_prev, WL, bL), ZL), as in helpers.softmax.

The notebook's exercises (forward_propagation, backward_propagation, evaluate, model, make_train_eval) are
written by the students; their checks compare them with these functions.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import batchnorm, data, deep, network, optimizers, softmax
from .validation import as_matrix, positive_int, probability, rng_from

#: For the student edition (grading/edition/build.py): results stored in place of the code (they train the reference).
AT_RELEASE = ("ingredient_curves",)
#: The four trainings of notebook 09's comparison (section "which ingredient matters"): train()'s switches.
INGREDIENTS = {"batch norm + Adam": dict(learning_rate0=0.01),
               "Adam, no batch norm": dict(learning_rate0=0.01, batch_norm=False),
               "batch norm + gradient descent": dict(learning_rate0=0.1, optimizer="gd"),
               "gradient descent, no batch norm": dict(learning_rate0=0.1, optimizer="gd", batch_norm=False)}


# --- the network ----------------------------------------------------------------------------------

def initialize(layer_dims, seed: int = 1):
    """He-initialised parameters of the batch-norm network and its running statistics.

    Returns (parameters, bn_states): batchnorm.initialize_parameters_bn(layer_dims, seed=seed) and
    batchnorm.initialize_bn_states(layer_dims).
    """
    return batchnorm.initialize_parameters_bn(layer_dims, seed=seed), batchnorm.initialize_bn_states(layer_dims)


def forward_propagation(X, parameters: dict, bn_states, keep_prob=1.0, rng=None, training: bool = True):
    """[LINEAR (no bias) -> BATCHNORM -> RELU -> DROPOUT] * (L-1) -> LINEAR -> SOFTMAX.

    training=True: batch statistics (bn_states updated in place) and dropout masks drawn from rng,
    one dropout_forward per hidden layer, in layer order. training=False: running statistics, no
    dropout (rng is not used and may be None). Returns (AL: (C, m), caches).
    """
    L = batchnorm.check_bn_network(parameters, bn_states)
    keep_prob = probability(keep_prob, "keep_prob")
    if training:
        rng = rng_from(rng, "rng")
    X = as_matrix(X, "X", rows=parameters["W1"].shape[1], what="(n_x, m)")
    settings = _settings(L, keep_prob, rng=rng, training=training, bn_states=bn_states)
    return network.forward(X, parameters, practice_network(L, training), settings)


def practice_network(L: int, training=True, l2=False, batch_norm=True) -> list:
    """The steps of the network (helpers.network): [LINEAR (no bias) -> BATCHNORM -> RELU -> DROPOUT] * (L-1)
    -> LINEAR -> SOFTMAX, dropout in training only; with l2, lambd / m * W{l} added to every dW{l}; with
    batch_norm=False, [LINEAR -> RELU -> DROPOUT] * (L-1) -> LINEAR -> SOFTMAX (train()'s comparison).
    Its settings (see _settings): keep_probs, rng, lambd, and batch norm's bn_states, training, momentum, eps."""
    drop = network.DROPOUT if training else network.NO_DROPOUT
    if batch_norm:
        hidden = (network.LINEAR_NO_BIAS_L2 if l2 else network.LINEAR_NO_BIAS, network.BATCHNORM, network.RELU, drop)
    else:
        hidden = (network.LINEAR_L2 if l2 else network.LINEAR, network.RELU, drop)
    return network.stack(hidden, (network.LINEAR_L2 if l2 else network.LINEAR, network.SOFTMAX_OUTPUT), L)


def _settings(L, keep_prob, lambd=0.0, rng=None, training=True, bn_states=None):
    """The settings practice_network's steps read: one keep_prob per hidden layer, batch norm's momentum 0.9
    and eps 1e-5."""
    return {"keep_probs": [keep_prob] * (L - 1), "rng": rng, "lambd": lambd, "bn_states": bn_states,
            "training": training, "momentum": 0.9, "eps": 1e-5}


def l2_penalty(parameters: dict) -> float:
    """sum over the layers of ||W{l}||_F^2 (gamma, beta and b are not penalised)."""
    return float(sum(np.square(value).sum() for key, value in parameters.items() if key.startswith("W")))


def compute_cost(AL, Y, parameters: dict, lambd=0.0) -> float:
    """Softmax cross-entropy of the batch plus lambd / (2m) * sum_l ||W{l}||_F^2, as a float."""
    lambd = _non_negative(lambd, "lambd")
    penalty = lambd / (2 * np.shape(Y)[1]) * l2_penalty(parameters) if lambd else 0.0
    return softmax.compute_cost_softmax(AL, Y) + penalty


def backward_propagation(AL, Y, caches, keep_prob=1.0, lambd=0.0) -> dict:
    """Gradients of compute_cost through forward_propagation's network (training mode).

    dZL = AL - Y; every dW{l} gets + lambd / m * W{l}; a hidden layer goes back through its dropout
    mask (when it has one), its ReLU, its batch norm (batchnorm_backward) and its linear step.
    Returns {"dW{l}", "dgamma{l}", "dbeta{l}" for l < L, "dWL", "dbL"}.
    """
    if not isinstance(caches, (list, tuple)) or not caches:
        raise TypeError("caches must be the non-empty list returned by forward_propagation.")
    lambd = _non_negative(lambd, "lambd")
    keep_prob = probability(keep_prob, "keep_prob")
    dZL = softmax.softmax_backward(AL, Y)
    L = batchnorm.check_bn_caches(caches, dZL, made_by="forward_propagation", masks=True)
    net = practice_network(L, l2=bool(lambd))
    return network.backward(dZL, caches, net, _settings(L, keep_prob, lambd), dA_keys=False)


def predict(parameters: dict, bn_states, X):
    """The most probable class of each example, in test mode (running statistics, no dropout): (1, m)."""
    AL, _ = forward_propagation(X, parameters, bn_states, training=False)
    return np.argmax(AL, axis=0).reshape(1, -1)


def evaluate(parameters: dict, bn_states, X, y) -> float:
    """Accuracy in test mode: the share of examples whose predicted class equals the label y (1, m)."""
    labels = softmax.as_class_labels(y, name="y")
    return float(np.mean(predict(parameters, bn_states, X)[0] == labels))


# --- training -------------------------------------------------------------------------------------

def model(X, Y, layer_dims, learning_rate0=0.01, decay_rate=0.1, lambd=0.0, keep_prob=1.0, num_epochs=20,
          mini_batch_size=64, seed=1, dev=None):
    """Mini-batch Adam on the network above, from He initialisation, with learning-rate decay.

    X: (n_x, m); Y: (C, m) one-hot. Every epoch e = 0, 1, ...: learning_rate = update_lr(learning_rate0, e,
    decay_rate); the mini-batches are random_mini_batches(X, Y, mini_batch_size, seed=seed + e); for each:
    forward (training), cost, backward, one Adam step (t = 1, 2, ... counts the steps over all epochs).
    Dropout masks come from ONE rng = np.random.default_rng(seed), made before the first epoch.
    dev: None, or (X_dev, y_dev) to record the train and dev accuracies after every epoch.

    Returns (parameters, bn_states, history); history["cost"]: the mean of the epoch's mini-batch costs,
    history["learning_rate"]: the rate of every epoch; history["train_accuracy"] and
    history["dev_accuracy"]: after every epoch when dev is given, else empty.
    """
    return train(X, Y, layer_dims, learning_rate0=learning_rate0, decay_rate=decay_rate, lambd=lambd,
                 keep_prob=keep_prob, num_epochs=num_epochs, mini_batch_size=mini_batch_size, seed=seed, dev=dev)


def train(X, Y, layer_dims, learning_rate0=0.01, decay_rate=0.1, lambd=0.0, keep_prob=1.0, num_epochs=20,
          mini_batch_size=64, seed=1, dev=None, optimizer="adam", batch_norm=True):
    """model() with two switches for the notebook's comparisons: optimizer "adam" or "gd" (plain
    mini-batch gradient descent), and batch_norm=False for the same network without batch norm
    (LINEAR with bias -> RELU -> DROPOUT, from the same He draws). Returns (parameters, bn_states, history)."""
    X = as_matrix(X, "X", what="(n_x, m)")
    Y = as_matrix(Y, "Y", cols=X.shape[1], what="(C, m) one-hot")
    dims = deep.layer_dims_list(layer_dims)
    if dims[0] != X.shape[0] or dims[-1] != Y.shape[0]:
        raise ValueError(f"layer_dims {dims} must start with n_x = {X.shape[0]} and end with C = {Y.shape[0]}.")
    if optimizer not in ("adam", "gd"):
        raise ValueError(f"optimizer must be 'adam' or 'gd', got {optimizer!r}.")
    num_epochs = positive_int(num_epochs, "num_epochs")
    keep_prob, lambd = probability(keep_prob, "keep_prob"), _non_negative(lambd, "lambd")
    if batch_norm:
        parameters, bn_states = initialize(dims, seed=seed)
        forward, backward = forward_propagation, backward_propagation
    else:
        parameters, bn_states = batchnorm.initialize_parameters_plain(dims, seed=seed), None
        forward, backward = _forward_plain, _backward_plain
    v, s = optimizers.initialize_adam(parameters)
    rng = np.random.default_rng(seed)
    labels = np.argmax(Y, axis=0).reshape(1, -1)
    history = {"cost": [], "learning_rate": [], "train_accuracy": [], "dev_accuracy": []}
    t = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(num_epochs):
            learning_rate = optimizers.update_lr(learning_rate0, epoch, decay_rate)
            batch_costs = []
            for X_batch, Y_batch in optimizers.random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch):
                AL, caches = forward(X_batch, parameters, bn_states, keep_prob, rng, training=True)
                batch_costs.append(compute_cost(AL, Y_batch, parameters, lambd))
                grads = backward(AL, Y_batch, caches, keep_prob, lambd)
                t += 1
                if optimizer == "adam":
                    optimizers.update_parameters_with_adam_inplace(parameters, grads, v, s, t, learning_rate)
                else:
                    parameters = {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}
            history["cost"].append(float(np.mean(batch_costs)))
            history["learning_rate"].append(learning_rate)
            if dev is not None:
                score = evaluate if batch_norm else _evaluate_plain
                history["train_accuracy"].append(score(parameters, bn_states, X, labels))
                history["dev_accuracy"].append(score(parameters, bn_states, *dev))
    return parameters, bn_states, history


def ingredient_curves() -> dict:
    """{training of INGREDIENTS: its dev accuracy after each of 20 epochs}: notebook 09's comparison, on its data
    (the digits split 60/20/20 with seed 0) and network ([64, 64, 32, 10], decay 0.1, keep_prob 0.8, seed 1)."""
    X, y, _ = data.load_digits()
    X_train, y_train, X_dev, y_dev, _, _ = data.train_dev_test_split(X, y, fractions=(0.6, 0.2, 0.2), seed=0)
    Y_train = softmax.one_hot(y_train.astype(int), 10)
    return {name: np.array(train(X_train, Y_train, [64, 64, 32, 10], decay_rate=0.1, keep_prob=0.8, num_epochs=20,
                                 seed=1, dev=(X_dev, y_dev.astype(int)), **options)[2]["dev_accuracy"])
            for name, options in INGREDIENTS.items()}


def make_train_eval(X_train, Y_train, X_dev, y_dev, layer_dims, num_epochs=20, keep_prob=0.8, decay_rate=0.1, seed=1,
                    **fixed):
    """A function config -> dev accuracy: trains model() on the training set with
    config["learning_rate"] (as learning_rate0) and config["lambd"], the other hyper-parameters from the
    arguments (the notebook's signature and defaults) and `fixed` (e.g. mini_batch_size), then evaluates on
    (X_dev, y_dev)."""
    def train_eval(config):
        parameters, bn_states, _ = model(X_train, Y_train, layer_dims, learning_rate0=config["learning_rate"],
                                         lambd=config["lambd"], num_epochs=num_epochs, keep_prob=keep_prob,
                                         decay_rate=decay_rate, seed=seed, **fixed)
        return evaluate(parameters, bn_states, X_dev, y_dev)
    return train_eval


# --- the network without batch norm (for the comparison) ---------------------------------------------

def _forward_plain(X, parameters, bn_states, keep_prob=1.0, rng=None, training=True):
    """train()'s network without batch norm; its inputs were checked by train (or _evaluate_plain)."""
    L = len(parameters) // 2
    net = practice_network(L, training, batch_norm=False)
    return network.forward(X, parameters, net, _settings(L, keep_prob, rng=rng, training=training))


def _backward_plain(AL, Y, caches, keep_prob=1.0, lambd=0.0):
    L = len(caches)
    net = practice_network(L, l2=bool(lambd), batch_norm=False)
    return network.backward(AL - Y, caches, net, _settings(L, keep_prob, lambd), dA_keys=False)


def _evaluate_plain(parameters, bn_states, X, y):
    X = as_matrix(X, "X", rows=parameters["W1"].shape[1], what="(n_x, m)")
    AL, _ = _forward_plain(X, parameters, None, training=False)
    return float(np.mean(np.argmax(AL, axis=0) == softmax.as_class_labels(y, name="y")))


# --- validation -----------------------------------------------------------------------------------

def _non_negative(value, name):
    if type(value) is float and value >= 0:
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}.")
    return float(value)
