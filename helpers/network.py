"""ONE forward loop and ONE backward loop for every network of the workbook, composed from steps.

A network is a list of layers, layers[l - 1] for layer l = 1..L; a layer is a tuple of steps, and
each step a pair of functions, as in CS231n:

    step.forward(x, l, parameters)       -> (out, cache)    reads its parameters of layer l (W{l}, gamma{l}, ...)
    step.backward(dout, cache, l, grads) -> dx              writes their gradients (dW{l}, dgamma{l}, ...) into grads

forward(X, parameters, layers) runs the steps in order and returns (AL, caches), where caches[l - 1]
is the tuple of layer l's step caches. backward(dZL, caches, layers) walks them back from layer L to
layer 1 and returns grads (with "dA{l-1}", the gradient at layer l's input, unless dA_keys=False).
Everything differs between networks only by the steps they are made of:

    deep (notebook 02)      hidden (LINEAR, RELU)                              output (LINEAR, SIGMOID_OUTPUT)
    softmax (notebook 08)   hidden (LINEAR, RELU)                              output (LINEAR, SOFTMAX_OUTPUT)
    L2 / L1 (notebook 03)   linear(penalty=l2(lambd)) in place of LINEAR       (the term added to every dW{l})
    dropout (notebook 04)   hidden (group(LINEAR, RELU), dropout(probs, rng))  output (group(LINEAR, SIGMOID_OUTPUT), NO_DROPOUT)
    batch norm (nb 05)      hidden (LINEAR_NO_BIAS, batchnorm(states, training, momentum, eps), RELU)

Each step's cache is what the course's caches hold, so the caches keep their familiar layouts:
(LINEAR, RELU) gives ((A_prev, W, b), Z); (LINEAR_NO_BIAS, batchnorm, RELU) gives ((A_prev, W),
(Z_hat, gamma, std), Z_tilde); group(...) nests its steps' caches in one tuple.

The output activations (SIGMOID_OUTPUT, SOFTMAX_OUTPUT) pass the gradient through unchanged:
backward starts from dZ[L], the gradient of the cost with respect to the output layer's Z, which
the cross-entropy gives directly as AL - Y (the activation's derivative and the cost's cancel).

The reference modules name their networks: deep.HIDDEN_LAYER / deep.OUTPUT_LAYER (softmax.OUTPUT_LAYER),
dropout.dropout_network(probs, rng, L), batchnorm.bn_network(L, states, ...) and plain_network(L, g),
practice.practice_network(L, keep_prob, rng, training, states, lambd). A variant (a typical mistake) is
the reference with one step swapped; swap matches steps by name, inside groups too:

    from helpers import deep, dropout, network
    net = network.stack(deep.HIDDEN_LAYER, deep.OUTPUT_LAYER, L)
    AL, caches = network.forward(X, parameters, net)                 # = deep.L_model_forward(X, parameters)
    grads = network.backward(AL - Y, caches, net)                    # = regularization.L_model_backward_stable

    sigmoid_hidden = network.swap(net, "relu", network.SIGMOID)      # sigmoid in place of relu
    l2_net = network.swap(net, "linear", network.linear(network.l2(lambd)))   # and back, without the L2 term:
    no_l2 = network.swap(l2_net, "linear", network.LINEAR)

    def unscaled_forward(A, l, parameters):                          # a dropout not divided by keep_prob
        D = rng.random(A.shape) < probs[l - 1]
        return A * D, D
    unscaled = network.Step("dropout", unscaled_forward, network.dropout(probs).backward)
    wrong = network.swap(dropout.dropout_network(probs, rng, L), "dropout", unscaled)

The steps trust their inputs (helpers.layers' arithmetic, no checks): the public functions of
helpers.deep, helpers.dropout, ... check their inputs once, then call forward / backward.
Shapes: X = A0: (n[0], m); W{l}: (n[l], n[l-1]); b{l}, gamma{l}, beta{l}: (n[l], 1); Z{l}, A{l}: (n[l], m).
"""
from __future__ import annotations

from functools import partial
from typing import Callable, NamedTuple

import numpy as np

from . import layers


class Step(NamedTuple):
    """One block of a layer: forward(x, l, parameters) -> (out, cache); backward(dout, cache, l, grads) -> dx."""
    name: str
    forward: Callable
    backward: Callable
    parts: tuple = ()           # the steps of a group (see group); empty for a single step


# --- the two loops ----------------------------------------------------------------------------------

def forward(X, parameters: dict, net) -> tuple:
    """Run layer 1..L of `net` on X: (n[0], m). Returns (AL, caches), caches[l - 1] = layer l's step caches."""
    A, caches = X, []
    for l, steps in enumerate(net, start=1):
        A, cache = _forward(steps, A, l, parameters)
        caches.append(cache)
    return A, caches


def backward(dZL, caches, net, dA_keys: bool = True) -> dict:
    """From dZ[L] (the gradient at the output activation: AL - Y for the cross-entropy) back to layer 1.

    Returns the gradients the steps write ({"dW{l}", "db{l}", ...}) and, with dA_keys, "dA{l-1}" for
    l = L..1: the gradient with respect to layer l's input A{l-1} (dA0 for X).
    """
    grads = {}
    dA = dZL
    for l in range(len(caches), 0, -1):
        dA = _backward(net[l - 1], dA, caches[l - 1], l, grads)
        if dA_keys:
            grads[f"dA{l - 1}"] = dA
    return grads


def _forward(steps, x, l, parameters):
    """x through the steps of layer l, in order. Returns (out, the tuple of the steps' caches)."""
    caches = []
    for step in steps:
        x, cache = step.forward(x, l, parameters)
        caches.append(cache)
    return x, tuple(caches)


def _backward(steps, dout, caches, l, grads):
    """dout back through the steps of layer l, last step first. Returns the gradient at the layer's input."""
    i = len(steps)
    while i:
        i -= 1
        dout = steps[i].backward(dout, caches[i], l, grads)
    return dout


def stack(hidden: tuple, output: tuple, L: int) -> list:
    """The usual network: L - 1 hidden layers made of the steps `hidden`, then the output layer `output`."""
    return [hidden] * (L - 1) + [output]


def swap(net, name: str, new: Step, layer: int | None = None) -> list:
    """A copy of net with every step called `name` (inside groups too) replaced by `new`;
    only in layer `layer` (1..L) when given."""
    def replaced(step):
        if step.name == name:
            return new
        if step.parts:
            return group(*(replaced(part) for part in step.parts))
        return step
    return [tuple(replaced(step) for step in steps) if layer in (None, l) else steps
            for l, steps in enumerate(net, start=1)]


def group(*steps: Step) -> Step:
    """The steps as one step whose cache is the tuple of theirs (the dropout network's (layer_cache, D))."""
    return Step("+".join(step.name for step in steps), partial(_forward, steps), partial(_backward, steps), steps)


# --- linear steps -------------------------------------------------------------------------------------

def l2(lambd: float) -> Callable:
    """The L2 term of dW{l}: (W, m) -> lambd / m * W (the gradient of lambd / (2m) ||W||_F^2)."""
    return lambda W, m: lambd / m * W


def l1(lambd: float) -> Callable:
    """The course's L1 term of dW{l}: (W, m) -> lambd / (2m) * sign(W) (of lambd / (2m) sum |W|)."""
    return lambda W, m: lambd / (2 * m) * np.sign(W)


def linear(penalty: Callable | None = None) -> Step:
    """Z = W{l} A_prev + b{l}, cache (A_prev, W, b). Backward: dW{l} = (1/m) dZ A_prev^T (+ penalty(W, m)),
    db{l} = (1/m) sum of dZ's columns, and returns dA_prev = W^T dZ."""
    def forward_(A_prev, l, parameters):
        return layers.linear_forward(A_prev, parameters[f"W{l}"], parameters[f"b{l}"])

    def backward_(dZ, cache, l, grads):
        dA_prev, dW, db = layers.linear_backward(dZ, cache)
        grads[f"dW{l}"] = dW if penalty is None else dW + penalty(cache[1], cache[0].shape[1])
        grads[f"db{l}"] = db
        return dA_prev
    return Step("linear", forward_, backward_)


def linear_no_bias(penalty: Callable | None = None) -> Step:
    """Z = W{l} A_prev (before batch norm, whose beta replaces b), cache (A_prev, W).
    Backward: dW{l} = dZ A_prev^T / m (+ penalty(W, m)), returns dA_prev = W^T dZ."""
    def forward_(A_prev, l, parameters):
        W = parameters[f"W{l}"]
        return W @ A_prev, (A_prev, W)

    def backward_(dZ, cache, l, grads):
        A_prev, W = cache
        m = A_prev.shape[1]
        dW = dZ @ A_prev.T / m
        grads[f"dW{l}"] = dW if penalty is None else dW + penalty(W, m)
        return W.T @ dZ
    return Step("linear (no bias)", forward_, backward_)


LINEAR = linear()
LINEAR_NO_BIAS = linear_no_bias()


# --- activations ----------------------------------------------------------------------------------------

def activation(name: str, g: Callable, g_backward: Callable) -> Step:
    """A = g(Z), cache Z; backward dZ = g_backward(dA, Z)."""
    return Step(name, lambda Z, l, parameters: (g(Z), Z), lambda dA, Z, l, grads: g_backward(dA, Z))


def output_activation(name: str, g: Callable) -> Step:
    """AL = g(ZL), cache ZL; backward passes dZ[L] through (backward starts from dZ[L], e.g. AL - Y)."""
    return Step(name, lambda Z, l, parameters: (g(Z), Z), lambda dZ, Z, l, grads: dZ)


RELU = activation("relu", layers.relu, layers.relu_backward)
SIGMOID = activation("sigmoid", layers.sigmoid, layers.sigmoid_backward)
SIGMOID_OUTPUT = output_activation("sigmoid output", layers.sigmoid)
SOFTMAX_OUTPUT = output_activation("softmax output", layers.softmax)
HIDDEN = {"relu": RELU, "sigmoid": SIGMOID}


# --- dropout and batch norm -----------------------------------------------------------------------------

def dropout(keep_probs, rng=None) -> Step:
    """Inverted dropout of layer l's activations with keep_probs[l - 1], masks drawn from rng in layer
    order; cache D. Backward: dA * D / keep_prob (a None mask, no dropout, passes dA through)."""
    def forward_(A, l, parameters):
        return layers.dropout_forward(A, keep_probs[l - 1], rng)

    def backward_(dA, D, l, grads):
        return dA if D is None else layers.dropout_backward(dA, D, keep_probs[l - 1])
    return Step("dropout", forward_, backward_)


NO_DROPOUT = Step("no dropout", lambda A, l, parameters: (A, None), lambda dA, D, l, grads: dA)


def batchnorm(bn_states, training: bool = True, momentum: float = 0.9, eps: float = 1e-5) -> Step:
    """Z_tilde = gamma{l} * (Z - mu) / sqrt(var + eps) + beta{l} with bn_states[l - 1] (updated in place
    when training); cache (Z_hat, gamma, std). Backward writes dgamma{l}, dbeta{l}, returns dZ."""
    def forward_(Z, l, parameters):
        return layers.batchnorm_forward(Z, parameters[f"gamma{l}"], parameters[f"beta{l}"], bn_states[l - 1],
                                        training, momentum, eps)

    def backward_(dZ_tilde, cache, l, grads):
        dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = layers.batchnorm_backward(dZ_tilde, cache)
        return dZ
    return Step("batchnorm", forward_, backward_)
