"""ONE forward loop and ONE backward loop for every network of the workbook, composed from steps.

A network is a list of layers, net[l - 1] for layer l = 1..L; a layer is a tuple of steps, and each
step a pair of functions, as in CS231n:

    step.forward(x, l, parameters, settings)       -> (out, cache)   reads layer l's parameters (W{l}, gamma{l}, ...)
    step.backward(dout, cache, l, grads, settings) -> dx             writes their gradients (dW{l}, ...) into grads

forward(X, parameters, net, settings) runs the steps in order and returns (AL, caches), caches[l - 1]
the tuple of layer l's step caches. backward(dZL, caches, net, settings) walks them back from layer L
to layer 1 and returns grads (with "dA{l-1}", the gradient at layer l's input, unless dA_keys=False).
settings is a dict of what changes from call to call, read by the steps that need it (like CS231n's
dropout_param and bn_param): "keep_probs" (one per hidden layer) and "rng" for DROPOUT; "bn_states",
"training", "momentum", "eps" for BATCHNORM; "lambd" for the L2 / L1 terms; "dA0" (set by
backward(..., dA0=False) for layer 1) for the linear steps. The steps are constants,
so a network costs nothing to build. Networks differ only by their steps:

    deep (notebook 02)      hidden (LINEAR, RELU)                        output (LINEAR, SIGMOID_OUTPUT)
    softmax (notebook 08)   hidden (LINEAR, RELU)                        output (LINEAR, SOFTMAX_OUTPUT)
    L2 / L1 (notebook 03)   LINEAR_L2 / LINEAR_L1 in place of LINEAR     (lambd's term added to every dW{l})
    dropout (notebook 04)   hidden (group(LINEAR, RELU), DROPOUT)        output (group(LINEAR, SIGMOID_OUTPUT), NO_DROPOUT)
    batch norm (nb 05)      hidden (LINEAR_NO_BIAS, BATCHNORM, RELU)     output (LINEAR, SIGMOID_OUTPUT)

Each step's cache is what the course's caches hold, so the caches keep their familiar layouts:
(LINEAR, RELU) gives ((A_prev, W, b), Z); (LINEAR_NO_BIAS, BATCHNORM, RELU) gives ((A_prev, W),
(Z_hat, gamma, std), Z_tilde); group(...) nests its steps' caches in one tuple.

The output activations (SIGMOID_OUTPUT, SOFTMAX_OUTPUT) pass the gradient through unchanged:
backward starts from dZ[L], the gradient of the cost with respect to the output layer's Z, which
the cross-entropy gives directly as AL - Y (the activation's derivative and the cost's cancel).

The reference modules name their networks: deep.HIDDEN_LAYER / deep.OUTPUT_LAYER (softmax.OUTPUT_LAYER),
dropout.dropout_network(L), batchnorm.bn_network(L, g) and plain_network(L, g),
practice.practice_network(L, training, l2, batch_norm). A variant (a typical mistake) is the reference
with one step swapped; swap matches steps by name, inside groups too:

    from helpers import deep, dropout, network
    net = network.stack(deep.HIDDEN_LAYER, deep.OUTPUT_LAYER, L)
    AL, caches = network.forward(X, parameters, net)                 # = deep.L_model_forward(X, parameters)
    grads = network.backward(AL - Y, caches, net)                    # = regularization.L_model_backward_stable

    sigmoid_hidden = network.swap(net, "relu", network.SIGMOID)      # sigmoid in place of relu
    l2_net = network.swap(net, "linear", network.LINEAR_L2)          # with {"lambd": lambd} as settings,
    no_l2 = network.swap(l2_net, "linear", network.LINEAR)           # and back: a backward without the L2 term

    def unscaled_forward(A, l, parameters, settings):                # a dropout not divided by keep_prob
        D = settings["rng"].random(A.shape) < settings["keep_probs"][l - 1]
        return A * D, D
    unscaled = network.Step("dropout", unscaled_forward, network.DROPOUT.backward)
    wrong = network.swap(dropout.dropout_network(L), "dropout", unscaled)
    AL, caches = network.forward(X, parameters, wrong, {"keep_probs": probs, "rng": rng})

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
    """One block of a layer: forward(x, l, parameters, settings) -> (out, cache);
    backward(dout, cache, l, grads, settings) -> dx."""
    name: str
    forward: Callable
    backward: Callable
    parts: tuple = ()           # the steps of a group (see group); empty for a single step


# --- the two loops ----------------------------------------------------------------------------------

def forward(X, parameters: dict, net, settings: dict | None = None) -> tuple:
    """Run layer 1..L of `net` on X: (n[0], m). Returns (AL, caches), caches[l - 1] = layer l's step caches."""
    A, caches = X, []
    for l, steps in enumerate(net, start=1):
        A, cache = _forward(steps, A, l, parameters, settings)
        caches.append(cache)
    return A, caches


def backward(dZL, caches, net, settings: dict | None = None, dA_keys: bool = True, dA0: bool = True) -> dict:
    """From dZ[L] (the gradient at the output activation: AL - Y for the cross-entropy) back to layer 1.

    Returns the gradients the steps write ({"dW{l}", "db{l}", ...}) and, with dA_keys, "dA{l-1}" for
    l = L..1: the gradient with respect to layer l's input A{l-1} (dA0 for X). dA0=False (for training
    loops, which need no gradient with respect to X) skips layer 1's W^T dZ product and the "dA0" key.
    """
    grads = {}
    dA = dZL
    for l in range(len(caches), 0, -1):
        if l == 1 and not dA0:
            settings = {**(settings or {}), "dA0": False}
        dA = _backward(net[l - 1], dA, caches[l - 1], l, grads, settings)
        if dA_keys and dA is not None:
            grads[f"dA{l - 1}"] = dA
    return grads


def _forward(steps, x, l, parameters, settings):
    """x through the steps of layer l, in order. Returns (out, the tuple of the steps' caches)."""
    caches = []
    for step in steps:
        x, cache = step.forward(x, l, parameters, settings)
        caches.append(cache)
    return x, tuple(caches)


def _backward(steps, dout, caches, l, grads, settings):
    """dout back through the steps of layer l, last step first. Returns the gradient at the layer's input."""
    i = len(steps)
    while i:
        i -= 1
        dout = steps[i].backward(dout, caches[i], l, grads, settings)
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

def l2(W, m: int, settings: dict):
    """The L2 term of dW{l}: lambd / m * W, the gradient of lambd / (2m) ||W||_F^2; lambd = settings["lambd"]."""
    return settings["lambd"] / m * W


def l1(W, m: int, settings: dict):
    """The course's L1 term of dW{l}: lambd / (2m) * sign(W), of lambd / (2m) sum |W|; lambd = settings["lambd"]."""
    return settings["lambd"] / (2 * m) * np.sign(W)


def linear(penalty: Callable | None = None, name: str = "linear") -> Step:
    """Z = W{l} A_prev + b{l}, cache (A_prev, W, b). Backward: dW{l} = (1/m) dZ A_prev^T (+ penalty(W, m, settings)),
    db{l} = (1/m) sum of dZ's columns, and returns dA_prev = W^T dZ."""
    def forward_(A_prev, l, parameters, settings):
        return layers.linear_forward(A_prev, parameters[f"W{l}"], parameters[f"b{l}"])

    def backward_(dZ, cache, l, grads, settings):
        dA_prev, dW, db = layers.linear_backward(dZ, cache, dA_prev=_wants_dA_prev(settings))
        if penalty is not None:
            dW += penalty(cache[1], cache[0].shape[1], settings)      # dW is a new array: add in place
        grads[f"dW{l}"], grads[f"db{l}"] = dW, db
        return dA_prev
    return Step(name, forward_, backward_)


def linear_no_bias(penalty: Callable | None = None, name: str = "linear (no bias)") -> Step:
    """Z = W{l} A_prev (before batch norm, whose beta replaces b), cache (A_prev, W).
    Backward: dW{l} = dZ A_prev^T / m (+ penalty(W, m, settings)), returns dA_prev = W^T dZ."""
    def forward_(A_prev, l, parameters, settings):
        W = parameters[f"W{l}"]
        return W @ A_prev, (A_prev, W)

    def backward_(dZ, cache, l, grads, settings):
        A_prev, W = cache
        m = A_prev.shape[1]
        dW = dZ @ A_prev.T / m
        if penalty is not None:
            dW += penalty(W, m, settings)
        grads[f"dW{l}"] = dW
        return W.T @ dZ if _wants_dA_prev(settings) else None
    return Step(name, forward_, backward_)


def _wants_dA_prev(settings) -> bool:
    """False only in layer 1 of a backward(..., dA0=False): no gradient with respect to X is wanted."""
    return settings is None or settings.get("dA0", True)


LINEAR, LINEAR_L2, LINEAR_L1 = linear(), linear(l2), linear(l1)
LINEAR_NO_BIAS, LINEAR_NO_BIAS_L2 = linear_no_bias(), linear_no_bias(l2)


# --- activations ----------------------------------------------------------------------------------------

def activation(name: str, g: Callable, g_backward: Callable) -> Step:
    """A = g(Z), cache Z; backward dZ = g_backward(dA, Z)."""
    return Step(name, lambda Z, l, parameters, settings: (g(Z), Z),
                lambda dA, Z, l, grads, settings: g_backward(dA, Z))


def output_activation(name: str, g: Callable) -> Step:
    """AL = g(ZL), cache ZL; backward passes dZ[L] through (backward starts from dZ[L], e.g. AL - Y)."""
    return Step(name, lambda Z, l, parameters, settings: (g(Z), Z), lambda dZ, Z, l, grads, settings: dZ)


RELU = activation("relu", layers.relu, layers.relu_backward)
SIGMOID = activation("sigmoid", layers.sigmoid, layers.sigmoid_backward)
SIGMOID_OUTPUT = output_activation("sigmoid output", layers.sigmoid)
SOFTMAX_OUTPUT = output_activation("softmax output", layers.softmax)
HIDDEN = {"relu": RELU, "sigmoid": SIGMOID}


# --- dropout and batch norm -----------------------------------------------------------------------------

def _dropout_forward(A, l, parameters, settings):
    return layers.dropout_forward(A, settings["keep_probs"][l - 1], settings["rng"])


def _dropout_backward(dA, D, l, grads, settings):
    return dA if D is None else layers.dropout_backward(dA, D, settings["keep_probs"][l - 1])


#: Inverted dropout of layer l's activations with settings["keep_probs"][l - 1], the mask drawn from
#: settings["rng"]; cache D. Backward: dA * D / keep_prob (a None mask passes dA through).
DROPOUT = Step("dropout", _dropout_forward, _dropout_backward)
NO_DROPOUT = Step("no dropout", lambda A, l, parameters, settings: (A, None), lambda dA, D, l, grads, settings: dA)


def _batchnorm_forward(Z, l, parameters, settings):
    return layers.batchnorm_forward(Z, parameters[f"gamma{l}"], parameters[f"beta{l}"], settings["bn_states"][l - 1],
                                    settings["training"], settings["momentum"], settings["eps"])


def _batchnorm_backward(dZ_tilde, cache, l, grads, settings):
    dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = layers.batchnorm_backward(dZ_tilde, cache)
    return dZ


#: Z_tilde = gamma{l} * (Z - mu) / sqrt(var + eps) + beta{l} with settings["bn_states"][l - 1] (updated in
#: place when settings["training"]), settings["momentum"] and settings["eps"]; cache (Z_hat, gamma, std).
#: Backward writes dgamma{l}, dbeta{l} and returns dZ (it reads no settings).
BATCHNORM = Step("batchnorm", _batchnorm_forward, _batchnorm_backward)
