"""Reference implementation of notebook 04: inverted dropout (slides 15-17).

During training each hidden unit of each example is kept with probability keep_prob and the kept
activations are divided by keep_prob, so that their expected value is unchanged:

    D = rng.random(A.shape) < keep_prob      one draw per unit AND per example
    A_drop = A * D / keep_prob

Only hidden layers are dropped (never the input X, never the output AL), and prediction uses the
plain network: no mask, no scaling (slide 17).

Caches: L_model_forward_with_dropout returns caches[l - 1] = (layer_cache, D) for layer l, where
layer_cache = ((A_prev, W, b), Z) is notebook 02's cache and D the mask applied to A{l}
(None for the output layer L).
"""
from __future__ import annotations

import numbers

import numpy as np

from . import deep, layers, network
from .validation import as_labels, as_matrix, parameters_dict, positive_int, probability, rng_from


def dropout_forward(A, keep_prob, rng):
    """Inverted dropout. Returns (A_drop, D) with D = rng.random(A.shape) < keep_prob (bool) and
    A_drop = A * D / keep_prob."""
    A = as_matrix(A, "A", what="(n[l], m)")
    return layers.dropout_forward(A, probability(keep_prob, "keep_prob"), rng_from(rng, "rng"))


def dropout_backward(dA, D, keep_prob):
    """Gradient through inverted dropout: dA * D / keep_prob (the dropped units get no gradient)."""
    dA = as_matrix(dA, "dA", what="(n[l], m)")
    D = np.asarray(D)
    if D.shape != dA.shape:
        raise ValueError(f"D has shape {D.shape} but dA has {dA.shape}: the mask must match the activations.")
    return layers.dropout_backward(dA, D, probability(keep_prob, "keep_prob"))


def keep_probs_list(keep_probs, L: int) -> list[float]:
    """One keep_prob per hidden layer (L - 1 values): a number means the same for every hidden layer."""
    if isinstance(keep_probs, numbers.Real) and not isinstance(keep_probs, bool):
        return [probability(keep_probs, "keep_probs")] * (L - 1)
    if isinstance(keep_probs, (str, bytes, dict)) or not hasattr(keep_probs, "__len__"):
        raise TypeError(f"keep_probs must be a number or a list of {L - 1} numbers, got {type(keep_probs).__name__}.")
    values = list(keep_probs)
    if len(values) != L - 1:
        raise ValueError(f"keep_probs has {len(values)} values but the network has {L - 1} hidden layers: "
                         f"give one keep_prob per hidden layer (the input and output layers are never dropped).")
    return [probability(value, f"keep_probs[{i}]") for i, value in enumerate(values)]


#: helpers.deep's layers as one step each, so that a layer's cache is (((A_prev, W, b), Z), D).
_DEEP_HIDDEN, _DEEP_OUTPUT = network.group(*deep.HIDDEN_LAYER), network.group(*deep.OUTPUT_LAYER)


def dropout_network(L: int) -> list:
    """The steps of the network (helpers.network): [group(LINEAR, RELU), DROPOUT] * (L-1), then
    [group(LINEAR, SIGMOID), NO_DROPOUT], so that caches[l - 1] = (((A_prev, W, b), Z), D). Its settings:
    {"keep_probs": one per hidden layer, "rng": the masks' generator (forward only)}."""
    return network.stack((_DEEP_HIDDEN, network.DROPOUT), (_DEEP_OUTPUT, network.NO_DROPOUT), L)


def L_model_forward_with_dropout(X, parameters: dict, keep_probs, rng):
    """[LINEAR -> RELU -> DROPOUT] * (L-1) -> LINEAR -> SIGMOID.

    keep_probs: one value per hidden layer, or one number for all. The masks are drawn from `rng`
    in layer order, one rng.random(A.shape) per hidden layer. Returns (AL, caches) with
    caches[l - 1] = (((A_prev, W, b), Z), D), D None for the output layer.
    """
    L = parameters_dict(parameters)
    probs = keep_probs_list(keep_probs, L)
    rng = rng_from(rng, "rng")
    X = as_matrix(X, "X", rows=parameters["W1"].shape[1], what="(n_x, m)")
    return network.forward(X, parameters, dropout_network(L), {"keep_probs": probs, "rng": rng})


def L_model_backward_with_dropout(AL, Y, caches, keep_probs) -> dict:
    """Gradients of the cross-entropy through the network of L_model_forward_with_dropout.

    Starts from dZ[L] = AL - Y (see helpers.regularization); before going back through the ReLU of
    hidden layer l, the gradient goes back through its dropout: dA{l} = dA{l} * D{l} / keep_prob{l}.
    Returns {"dW{l}", "db{l}"} for l = 1..L.
    """
    if not isinstance(caches, (list, tuple)) or not caches:
        raise TypeError("caches must be the non-empty list returned by L_model_forward_with_dropout.")
    AL = as_matrix(AL, "AL", rows=1, what="(1, m)")
    Y = as_labels(Y, "Y", m=AL.shape[1])
    L = len(caches)
    probs = keep_probs_list(keep_probs, L)
    layer_caches = [_dropout_cache(cache, l, L, AL.shape[1]) for l, cache in enumerate(caches, start=1)]
    deep.check_caches(layer_caches, AL, made_by="L_model_forward_with_dropout")
    return network.backward(AL - Y, caches, dropout_network(L), {"keep_probs": probs}, dA_keys=False)


def predict_dropout(parameters: dict, X, keep_probs=None):
    """Predictions of a network trained with dropout: the plain forward pass (no mask, no scaling);
    keep_probs plays no role at test time. Returns (1, m) float 0/1."""
    return deep.predict(parameters, X)


def mc_dropout_predict(parameters: dict, X, keep_probs, rng, n_samples: int):
    """Monte-Carlo dropout (notebook 04's challenge): the mean of AL over n_samples forward passes of
    L_model_forward_with_dropout, each with fresh masks drawn in turn from `rng`. Returns (1, m)
    probabilities, to compare with the plain network's AL (the weight-scaling rule of inverted dropout)."""
    n_samples = positive_int(n_samples, "n_samples")
    rng = rng_from(rng, "rng")
    return np.mean([L_model_forward_with_dropout(X, parameters, keep_probs, rng)[0] for _ in range(n_samples)], axis=0)


def _dropout_cache(cache, l, L, m):
    """Layer l's cache (layer_cache, D) checked: D a (n[l], m) mask for a hidden layer, None for layer L.
    Returns layer_cache."""
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        raise TypeError("a layer's cache must be the pair (layer_cache, D) returned by L_model_forward_with_dropout.")
    layer_cache, D = cache
    if l < L:
        if not isinstance(D, np.ndarray) or D.ndim != 2 or D.shape[1] != m:
            raise TypeError(f"caches[{l - 1}][1] must be hidden layer {l}'s dropout mask D, (n[{l}], m), as "
                            f"L_model_forward_with_dropout returns it.")
        try:
            n_l = layer_cache[1].shape[0]
        except (TypeError, IndexError, AttributeError):
            n_l = None                    # deep.check_caches explains what a layer cache must be
        if n_l is not None and D.shape[0] != n_l:
            raise ValueError(f"caches[{l - 1}]: the mask D has shape {D.shape} but layer {l}'s Z has {n_l} rows.")
    return layer_cache
