"""Checks for notebook 09 (practice: everything together). `checks.check_evaluate(evaluate)`, or with other
sizes and seeds in the hidden tests.

The exercises compose earlier building blocks, so most typical mistakes are about *how* they are
composed: dropout or batch statistics at test time, a learning rate that never decays, Adam's step
counter, mini-batches, the test set used during the search. Two tools find them:

* named mistakes, whole wrong answers (the reference with one piece changed): backward_propagation, evaluate and
  the AdamW challenge are tables run by the engine (helpers.checks.engine); forward_propagation's wrong networks
  are one parametrised function;
* recordings: while a check runs, the names the exercise calls in the notebook (forward_propagation,
  evaluate, model, update_parameters_with_adam, update_lr, random_mini_batches, ...) are replaced by
  recording versions of the reference, so the check sees the arguments the student passed. This
  also grades each exercise alone: a slip in forward_propagation does not fail the test of model.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import partial

import numpy as np

from .. import deep as deep_ref
from .. import network as nets
from .. import optimizers as opt_ref
from .. import practice as ref
from .. import softmax as softmax_ref
from .core import (ExerciseFailure, Mistake, expect_array, expect_float, expect_keys, expect_tuple, fail,
                   global_names, graded_on_its_own, passed, student_call)
from .core import copy_inputs as _copy, same_array as _same
from .deep import IDENTITY_OUTPUT
from .engine import Exercise, Inputs, Out, Wrong, a_tuple, check, per_layer, run, value, wrong_results
from . import networks
from .networks import ParameterDict
from .optimizers import adam         # Adam's step with its pieces as arguments

#: What the student edition copies as code (grading/edition/build.py): the checks written as code and what they need;
#: the tables, the mistakes and the helpers that spell an answer stay here (their values are stored).
STUDENT_EDITION = (
    "Recorder", "_expect_structure", "_check_hidden_cache", "check_forward_caches", "_check_drawn_from_rng",
    "_check_states", "_check_forward_mode", "check_forward_propagation", "grads_keys", "GradsKeys", "one_number",
    "_check_evaluate_calls", "check_evaluate", "model_recorder", "_mistake", "_diagnose_forward_calls",
    "_diagnose_shuffles", "_diagnose_pairs", "_diagnose_backward_calls", "_diagnose_adam_steps", "_diagnose_rates",
    "diagnose_model_calls", "_expect_trained", "_per_epoch", "_expect_history", "_grade_model", "check_model",
    "_check_model_calls", "_grade_train_eval", "check_make_train_eval")
TEST_NAMES = ("X_test", "y_test", "Y_test")


# --- inputs -------------------------------------------------------------------------------------------

bn_parameters = partial(networks.bn_parameters, gain=np.sqrt(2.0))    # He-scaled weights


def bn_states(rng, dims):
    """Running statistics far from any batch's, so that test mode and training mode differ clearly."""
    return [{"running_mean": rng.uniform(-1, 1, (n, 1)), "running_var": rng.uniform(0.3, 3.0, (n, 1))}
            for n in dims[1:-1]]


def classification(rng, n_x, C, m):
    """X: (n_x, m) and labels (1, m) from a random linear rule, every class present when m >= C."""
    X = rng.standard_normal((n_x, m))
    labels = np.argmax(rng.standard_normal((C, n_x)) @ X, axis=0)
    labels[:min(C, m)] = np.arange(min(C, m))
    return X, labels.reshape(1, -1).astype(np.int64)


# --- recording the calls an exercise makes --------------------------------------------------------------

class Recorder:
    """Recording versions of the reference functions: every call is kept as (name, {parameter: argument}). Each
    wrapper knows its recorder and name: the student edition, which has no reference, wraps the student's own
    function of that name instead (helpers.checks.tape.Tape.own_blocks)."""

    def __init__(self):
        self.calls = []

    def wrap(self, name, fn):
        signature = inspect.signature(fn)

        def recorded(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            self.calls.append((name, dict(bound.arguments)))
            return fn(*args, **kwargs)
        recorded.__name__ = name
        recorded.recorder = self
        return recorded

    def of(self, name):
        return [arguments for called, arguments in self.calls if called == name]


# --- exercise 1: forward_propagation (code: it draws from an rng and updates bn_states in place) ---------

def drop(A, keep_prob, rng, kind):
    """Dropout of one layer: "inverted" (right), "unscaled", "swapped" (keeps where >= keep_prob), "per_unit"."""
    shape = (A.shape[0], 1) if kind == "per_unit" else A.shape
    D = rng.random(shape) > keep_prob if kind == "swapped" else rng.random(shape) < keep_prob
    return A * D if kind == "unscaled" else A * D / keep_prob


def dropout_step(kind):
    """A dropout step of drop(A, keep_prob, rng, kind), keep_prob = settings["keep_probs"][l - 1] (forward only)."""
    return nets.Step("dropout", lambda A, l, parameters, settings: (
        drop(A, settings["keep_probs"][l - 1], settings["rng"], kind), None), nets.NO_DROPOUT.backward)


OUTPUTS = {"softmax": nets.SOFTMAX_OUTPUT, "linear": IDENTITY_OUTPUT, "sigmoid": nets.SIGMOID_OUTPUT}


def forward_variant(X, parameters, states, keep_prob, seed, training, *, dropout="inverted", drop_input=False,
                    drop_output=False, bn_after_relu=False, bn_training=None, output="softmax"):
    """forward_propagation's AL with its pieces as arguments (on copies of the states; masks from
    default_rng(seed)), through helpers.network: the hidden layers' steps (batch norm before or after the ReLU,
    dropout_step(dropout), none when "off"), the output step, and dropout on X or on ZL."""
    L, rng = len(states) + 1, np.random.default_rng(seed)
    drop_step = nets.NO_DROPOUT if dropout == "off" else dropout_step(dropout)
    bn_relu = (nets.RELU, nets.BATCHNORM) if bn_after_relu else (nets.BATCHNORM, nets.RELU)
    dropped_ZL = (dropout_step("inverted"),) if drop_output else ()
    net = nets.stack((nets.LINEAR_NO_BIAS,) + bn_relu + (drop_step,),
                        (nets.LINEAR,) + dropped_ZL + (OUTPUTS[output],), L)
    settings = {"keep_probs": [keep_prob] * L, "rng": rng, "bn_states": _copy(states), "momentum": 0.9, "eps": 1e-5,
                "training": training if bn_training is None else bn_training}    # keep_probs[L - 1]: ZL's
    return nets.forward(drop(X, keep_prob, rng, dropout) if drop_input else X, parameters, net, settings)[0]


NOT_SOFTMAX = "the output is not a softmax: AL = softmax(ZL), with ZL = WL A + bL (you returned ZL itself)."


def wrong_networks(*rows):
    """The named wrong networks (id, hint, pieces of forward_variant) of one mode, as a table."""
    return Exercise("forward_propagation", forward_variant, None, {}, (), mistakes=tuple(
        Wrong(id_, "AL is wrong: " + hint, partial(forward_variant, **pieces)) for id_, hint, pieces in rows))


FORWARD_IN_TRAINING = wrong_networks(
    ("unscaled", "the kept activations were not divided by keep_prob: inverted dropout is A * D / keep_prob, "
     "so that the expected activation is unchanged (dropout_forward does both steps).", dict(dropout="unscaled")),
    ("swapped-mask", "D keeps a unit where rng.random(...) >= keep_prob: that drops with probability keep_prob "
     "instead of keeping. Use dropout_forward(A, keep_prob, rng), D = rng.random(A.shape) < keep_prob.",
     dict(dropout="swapped")),
    ("mask-per-unit", "one mask per unit, shared by all the examples: draw one number per unit AND per example, "
     "rng.random(A.shape) (dropout_forward does).", dict(dropout="per_unit")),
    ("dropped-input", "the input X was dropped too: dropout acts on the hidden layers' activations only, after "
     "each ReLU; never on the input, never on the output.", dict(drop_input=True)),
    ("dropped-output", "the output layer was dropped too: dropout acts on the hidden layers only; ZL = WL A + bL, "
     "then softmax.", dict(drop_output=True)),
    ("bn-after-relu", "batch norm comes after the ReLU: this network normalises Z, before the activation: "
     "Z = W A_prev, Z_tilde = BN(Z), A = relu(Z_tilde), then dropout.", dict(bn_after_relu=True)),
    ("running-statistics-in-training", "in training, batch norm normalises with the batch's statistics: pass "
     "training=training to batchnorm_forward (you normalised with the running statistics).",
     dict(bn_training=False)),
    ("not-softmax", NOT_SOFTMAX, dict(output="linear")),
    ("sigmoid-output", "the output is a sigmoid: for C classes the output layer is a softmax, AL = softmax(ZL).",
     dict(output="sigmoid")))
FORWARD_AT_TEST = wrong_networks(
    ("dropout-at-test", "dropout was applied at test time (training=False): at test time every unit is kept and "
     "nothing is scaled (slide 17); draw masks only when training.", dict(dropout="inverted")),
    ("batch-statistics-at-test", "with training=False batch norm must use the running statistics: pass "
     "training=training to batchnorm_forward (you normalised with the batch's statistics).",
     dict(bn_training=True, dropout="off")),
    ("training-network-at-test", "at test time, this is the training-mode network (dropout masks AND the batch's "
     "statistics): with training=False, no dropout, and batchnorm_forward(..., training=False).",
     dict(bn_training=True, dropout="inverted")),
    ("not-softmax", NOT_SOFTMAX, dict(output="linear", dropout="off")))


def forward_mistakes(X, parameters, states, keep_prob, seed, training) -> list[Mistake]:
    """The named wrong networks' AL on these inputs (masks from default_rng(seed))."""
    table = FORWARD_IN_TRAINING if training else FORWARD_AT_TEST
    return [Mistake(wrong.hint, result, id=table.mistake_id(wrong))
            for wrong, result in wrong_results(table, Inputs((X, parameters, states, keep_prob, seed, training)))]


def _expect_structure(label, item, length, text, mistake):
    if not isinstance(item, (tuple, list)) or len(item) != length:
        fail(f"{label} must be {text}.", mistake)


def _check_hidden_cache(l, cache, expected_caches, keep_prob):
    ((A_prev, W), bn_cache, Z_tilde, D), label = expected_caches[l - 1], f"caches[{l - 1}] (hidden layer {l})"
    _expect_structure(label, cache, 4, "the tuple ((A_prev, W), bn_cache, Z_tilde, D): the backward pass needs all "
                      "four", "forward_propagation.hidden-cache-not-tuple")
    linear, bn_cache_s, z_tilde, d = cache
    _expect_structure(f"{label}[0]", linear, 2, "the pair (A_prev, W): a batch-normalised layer has no b",
                      "forward_propagation.linear-cache-not-pair")
    undropped = [Mistake("A_prev must be the layer's input as it was used, after the previous layer's dropout (you "
                         "stored the activation before dropout).", deep_ref.relu(expected_caches[l - 2][2]),
                         id="forward_propagation.a-prev-before-dropout")] if l > 1 else []
    expect_array(f"{label}[0][0] (A_prev)", linear[0], A_prev, what="(n[l-1], m): the layer's input", mistakes=undropped)
    expect_array(f"{label}[0][1] (W)", linear[1], W, what="(n[l], n[l-1])")
    _expect_structure(f"{label}[1]", bn_cache_s, 3, "the cache returned by batchnorm_forward, (Z_hat, gamma, std)",
                      "forward_propagation.bn-cache-not-triple")
    for i, (item, expected, name) in enumerate(zip(bn_cache_s, bn_cache, ("Z_hat", "gamma", "std"))):
        expect_array(f"{label}[1][{i}] ({name})", item, expected)
    expect_array(f"{label}[2] (Z_tilde)", z_tilde, Z_tilde, what="(n[l], m): batch norm's output, before the ReLU",
                 mistakes=[Mistake("store Z_tilde, the batch-norm output BEFORE the ReLU (relu_backward needs it), not "
                                   "the activation.", deep_ref.relu(Z_tilde),
                                   id="forward_propagation.z-tilde-after-relu")])
    if d is None and keep_prob == 1.0:
        return   # nothing dropped: the backward pass without a mask is the same
    if d is None:
        fail(f"{label}[3] is None in training: store the dropout mask D returned by dropout_forward.",
             "forward_propagation.mask-not-stored")
    expect_array(f"{label}[3] (D)", np.asarray(d, dtype=np.float64) if isinstance(d, np.ndarray) else d,
                 D.astype(np.float64), what="(n[l], m): the dropout mask")


def check_forward_caches(caches, expected_caches, L, keep_prob):
    if not isinstance(caches, (list, tuple)):
        fail(f"caches must be a list with one cache per layer, got {type(caches).__name__}.",
             "forward_propagation.caches-not-list")
    if len(caches) != L:
        fail(f"caches has {len(caches)} entries, expected L = {L}: one per layer, the output layer included.",
             "forward_propagation.wrong-cache-count")
    for l in range(1, L):
        _check_hidden_cache(l, caches[l - 1], expected_caches, keep_prob)
    label = f"caches[{L - 1}]"
    _expect_structure(f"{label} (the output layer)", caches[L - 1], 2, "the pair (linear_cache, ZL), as "
                      "linear_forward and softmax give them", "forward_propagation.output-cache-not-pair")
    (A_prev, W, b), ZL = expected_caches[L - 1]
    linear, zl = caches[L - 1]
    _expect_structure(f"{label}[0]", linear, 3, "the linear cache (A_prev, WL, bL) returned by linear_forward",
                      "forward_propagation.output-linear-not-triple")
    for item, expected, name in zip(linear, (A_prev, W, b), ("A_prev", "WL", "bL")):
        expect_array(f"{label}[0] ({name})", item, expected)
    expect_array(f"{label}[1] (ZL)", zl, ZL, what="(C, m): the scores before the softmax")


def _check_drawn_from_rng(forward_propagation, problem, AL, expected, drew):
    """In training, the masks come from the rng argument."""
    X, parameters, states0, keep_prob, mask_seed = problem
    if not drew and keep_prob < 1:
        fail("forward_propagation did not draw anything from rng in training: the dropout masks must come from the "
             "rng argument, dropout_forward(A, keep_prob, rng), never from np.random or a new generator (so that a "
             "seed repeats the same training).", "forward_propagation.masks-not-from-rng")
    if isinstance(AL, np.ndarray) and AL.shape == expected.shape and not _same(AL, expected):
        again = student_call(forward_propagation, "forward_propagation", X.copy(), ParameterDict(_copy(parameters)),
                             _copy(states0), keep_prob, np.random.default_rng(mask_seed), training=True)
        if isinstance(again, tuple) and len(again) == 2 and isinstance(again[0], np.ndarray) \
                and again[0].shape == AL.shape and not np.allclose(again[0], AL, equal_nan=True):
            fail("Two calls with generators of the same seed gave different AL: draw every dropout mask from the rng "
                 "argument (dropout_forward(A, keep_prob, rng)), never from np.random or a new generator.",
                 "forward_propagation.masks-not-reproducible")


def _check_states(states, expected_states, states0, training):
    for l, (state, expected_state, old) in enumerate(zip(states, expected_states, states0), start=1):
        for key in ("running_mean", "running_var"):
            expect_keys(f"bn_states[{l - 1}]", state, (key,))
            if training and _same(state[key], old[key]):
                fail(f"bn_states[{l - 1}]['{key}'] did not change in training: pass bn_states[l - 1], the state of "
                     f"hidden layer l, and training=training to batchnorm_forward (it updates the state in place).",
                     "forward_propagation.states-not-updated")
            if not training and not _same(state[key], old[key]):
                fail(f"bn_states[{l - 1}]['{key}'] changed with training=False: pass training=training to "
                     f"batchnorm_forward; at test time the running statistics normalise and are not updated.",
                     "forward_propagation.states-updated-at-test")
            expect_array(f"bn_states[{l - 1}]['{key}'] (training={training})", state[key], expected_state[key],
                         what="(n[l], 1)")


def _check_forward_mode(forward_propagation, problem, training):
    X, parameters, states0, keep_prob, mask_seed = problem
    states, generator = _copy(states0), np.random.default_rng(mask_seed)
    before = generator.bit_generator.state
    result = student_call(forward_propagation, "forward_propagation", X.copy(), ParameterDict(_copy(parameters)),
                          states, keep_prob, generator, training=training)
    AL, caches = expect_tuple("forward_propagation", result, 2, "a tuple (AL, caches)")
    expected_states = _copy(states0)
    expected, expected_caches = ref.forward_propagation(X, parameters, expected_states, keep_prob,
                                                        np.random.default_rng(mask_seed), training=training)
    drew = generator.bit_generator.state != before
    if training:
        _check_drawn_from_rng(forward_propagation, problem, AL, expected, drew)
    expect_array(f"AL (training={training})", AL, expected, what="(C, m): one column of probabilities per example",
                 mistakes=forward_mistakes(X, parameters, states0, keep_prob, mask_seed, training))
    if not training and drew:
        fail("With training=False forward_propagation drew random numbers from rng: at test time there is no "
             "dropout, so nothing is drawn (draw masks only when training).",
             "forward_propagation.drew-at-test")
    _check_states(states, expected_states, states0, training)
    if training:
        check_forward_caches(caches, expected_caches, len(states0) + 1, keep_prob)


def check_forward_propagation(forward_propagation, layer_dims=(5, 4, 3, 4), m=6, keep_prob=0.7, seed=0):
    """[W A_prev -> batchnorm_forward -> relu -> dropout_forward] * (L-1) -> linear_forward -> softmax;
    dropout and batch statistics only with training=True; caches for backward_propagation."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    parameters = bn_parameters(rng, dims)
    states0 = bn_states(rng, dims)
    X = rng.standard_normal((dims[0], m)) * 1.5 + 0.5
    problem = (X, parameters, states0, keep_prob, seed + 100)
    for training in (True, False):
        _check_forward_mode(forward_propagation, problem, training)
    try:
        result = forward_propagation(X.copy(), ParameterDict(_copy(parameters)), _copy(states0), training=False)
    except Exception as exc:  # noqa: BLE001 - any crash here has the same cause
        fail(f"forward_propagation(X, parameters, bn_states, training=False) raised {type(exc).__name__}: {exc}. "
             f"At test time keep_prob and rng play no role (evaluate passes neither): draw no mask, call no "
             f"dropout_forward when training is False.", "forward_propagation.test-mode-needs-rng")
    AL, _ = expect_tuple("forward_propagation", result, 2, "a tuple (AL, caches)")
    expected, _ = ref.forward_propagation(X, parameters, _copy(states0), training=False)
    expect_array("AL (training=False, without keep_prob and rng)", AL, expected, what="(C, m)")
    passed("forward_propagation")


# --- exercise 2: backward_propagation (a table: the reference's backward pass with one piece changed) ----------

def backward_inputs(layer_dims=(5, 4, 3, 4), m=6, keep_prob=0.7, lambd=0.6, seed=0):
    """(AL, Y, caches, keep_prob, lambd): the reference forward pass in training mode (masks from a seeded rng) on a
    network with gamma != 1, beta != 0 and bL != 0, inputs off-centre, and one-hot labels with every class present
    (so that every term of every gradient matters)."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    parameters, states = bn_parameters(rng, dims), bn_states(rng, dims)
    X = rng.standard_normal((dims[0], m)) * 1.5 + 0.5
    _, labels = classification(rng, dims[0], dims[-1], m)
    AL, caches = ref.forward_propagation(X, parameters, states, keep_prob, np.random.default_rng(seed + 100))
    return Inputs((AL, softmax_ref.one_hot(labels, dims[-1]), caches, keep_prob, lambd), m)


def grads_keys(L) -> list:
    """The gradients' keys in the order they are compared: the output layer's first (a mistake shows there first,
    on its way back), then dW{l}, dgamma{l}, dbeta{l} for l = L-1, ..., 1."""
    return [f"dW{L}", f"db{L}"] + [f"{p}{l}" for l in range(L - 1, 0, -1) for p in ("dW", "dgamma", "dbeta")]


@dataclass(frozen=True)
class GradsKeys:
    """The gradients of an L-layer network of forward_propagation: dWL, dbL, and dW, dgamma, dbeta per hidden layer
    (a value, not a closure, for the student edition)."""
    L: int

    def __call__(self, name, grads):
        missing = [key for key in grads_keys(self.L) if key.startswith(("dgamma", "dbeta"))
                   and isinstance(grads, dict) and key not in grads]
        if missing:
            fail(f"grads has no {', '.join(missing)}: gamma and beta are parameters of the network too, and Adam "
                 f"updates every parameter with its gradient. Keep the dgamma and dbeta of each hidden layer that "
                 f"batchnorm_backward returns, under the keys 'dgamma{{l}}' and 'dbeta{{l}}' (a batch-normalised "
                 f"layer has no b, so no 'db{{l}}').", "backward_propagation.no-dgamma-dbeta")
        expect_keys("grads", grads, grads_keys(self.L))


def _backward_outputs(L):
    return dict(returns=GradsKeys(L), outputs=tuple(Out(f"grads['{key}']", (key,), "like " + key[1:], per_example=True)
                                                    for key in grads_keys(L)))


def _dropout_back(mask=True, divide=True):
    """The dropout step, its backward with or without the mask and the division by keep_prob."""
    return nets.Step("dropout", nets.DROPOUT.forward, lambda dA, D, l, grads, settings: (
        dA * (D if mask else 1.0) / (settings["keep_probs"][l - 1] if divide else 1.0)))


def _no_bias_unaveraged(dZ, cache, l, grads, settings):
    """dW{l} = dZ A_prev^T (no 1/m) + lambd / m * W; dA_prev = W^T dZ."""
    A_prev, W = cache
    grads[f"dW{l}"] = dZ @ A_prev.T + nets.l2(W, A_prev.shape[1], settings)
    return W.T @ dZ


#: batch norm's backward handing on (dZ, dZ_tilde), and the linear step taking dA_prev = W^T dZ_tilde from the pair.
_BATCHNORM_PASSING_DZ_TILDE = nets.Step("batchnorm", nets.BATCHNORM.forward, lambda dZ_tilde, *rest: (
    nets.BATCHNORM.backward(dZ_tilde, *rest), dZ_tilde))
_LINEAR_OF_A_PAIR = nets.Step("linear (no bias)", nets.LINEAR_NO_BIAS_L2.forward, lambda pair, cache, *rest: (
    nets.LINEAR_NO_BIAS_L2.backward(pair[0], cache, *rest), cache[1].T @ pair[1])[1])


def _network_parameters(caches) -> dict:
    """The parameters that made the caches: W{l}, gamma{l}, beta{l} (Z_tilde - gamma Z_hat) of the hidden layers,
    WL and bL."""
    L, found = len(caches), {}
    for l, ((_, W), (Z_hat, gamma, _), Z_tilde, _) in enumerate(caches[:-1], start=1):
        found.update({f"W{l}": W, f"gamma{l}": gamma, f"beta{l}": (Z_tilde - gamma * Z_hat)[:, :1]})
    (_, WL, bL), _ = caches[-1]
    found.update({f"W{L}": WL, f"b{L}": bL})
    return found


def backward(AL, Y, caches, keep_prob=1.0, lambd=0.0, *, dZL=lambda AL, Y: AL - Y, l2=True, dropout=(True, True),
             unaveraged_dW=False, dA_from_dZ_tilde=False, penalised=(), swapped=False, left_out=()):
    """backward_propagation with its pieces as arguments: dZ[L] = dZL(AL, Y); the network of
    ref.practice_network with or without the L2 term of dW (l2), the dropout backward's mask and division
    (dropout), the hidden dW without 1/m, dA_prev = W^T dZ_tilde; then the L2 term also added to the gradients of the
    parameters whose names start with `penalised` ("gamma", "beta", "b"), dgamma and dbeta swapped, the gradients
    whose names start with `left_out` removed."""
    L = len(caches)
    net = nets.swap(ref.practice_network(L, l2=l2), "dropout", _dropout_back(*dropout))
    if unaveraged_dW:
        net = nets.swap(net, "linear (no bias)", nets.Step("linear (no bias)", None, _no_bias_unaveraged))
    if dA_from_dZ_tilde:
        net = nets.swap(nets.swap(net, "batchnorm", _BATCHNORM_PASSING_DZ_TILDE), "linear (no bias)", _LINEAR_OF_A_PAIR)
    settings = {"keep_probs": [keep_prob] * (L - 1), "lambd": lambd}
    grads = nets.backward(dZL(AL, Y), caches, net, settings, dA_keys=False)
    m = AL.shape[1]
    for key, value in _network_parameters(caches).items():
        if key.startswith(penalised) and not key.startswith("W"):
            grads["d" + key] = grads["d" + key] + lambd / m * value
    for l in range(1, L) if swapped else ():
        grads[f"dgamma{l}"], grads[f"dbeta{l}"] = grads[f"dbeta{l}"], grads[f"dgamma{l}"]
    return {key: value for key, value in grads.items() if not (left_out and key[1:].startswith(left_out))}


BACKWARD_PROPAGATION = Exercise(
    "backward_propagation", ref.backward_propagation, backward_inputs,
    dict(layer_dims=(5, 4, 3, 4), m=6, keep_prob=0.7, lambd=0.6, seed=0), (),
    per_case=per_layer(_backward_outputs), unmodified=(0, 1),
    mistakes=(
        Wrong("no-l2-in-dw", "{key} has no L2 term: the cost's penalty lambd / (2m) * sum ||W||^2 covers the weights "
              "of every layer, the output layer's as well as the hidden layers', so each dW gets + lambd / m * W "
              "(here dW{l} + lambd / m * W{l}).",
              partial(backward, l2=False)),
        Wrong("l2-on-gamma", "{key} has an L2 term: L2 penalises the weights W only; gamma (like beta and b) is not "
              "in the penalty, so its gradient is batchnorm_backward's dgamma alone.",
              partial(backward, penalised=("gamma",))),
        Wrong("l2-on-every-parameter", "{key} has an L2 term: L2 penalises the weights W only; b, gamma and beta are "
              "not in the penalty, so their gradients have no lambd / m term.",
              partial(backward, penalised=("gamma", "beta", "b"))),
        Wrong("no-dropout-backward", "{key} is wrong: the gradient did not go back through the dropout. Before the "
              "ReLU's backward, dA goes through the layer's dropout with its mask D (cache[3]) and keep_prob, "
              "as dropout_backward does.", partial(backward, dropout=(False, False))),
        Wrong("mask-not-applied", "{key} is wrong: the dropout mask was not applied in the backward pass: the units "
              "that the forward pass dropped had no effect on the cost, so they get no gradient (dropout_backward "
              "takes the layer's mask D).", partial(backward, dropout=(False, True))),
        Wrong("not-rescaled", "{key} is wrong: the backward pass did not divide by keep_prob; the forward pass scaled "
              "the kept units by 1 / keep_prob, so their gradient is scaled alike (dropout_backward does both).",
              partial(backward, dropout=(True, False))),
        Wrong("dgamma-dbeta-swapped", "{key} holds the other gradient of batch norm: dgamma and dbeta are swapped. "
              "batchnorm_backward returns (dZ, dgamma, dbeta), in that order: store dgamma{l} and dbeta{l} under "
              "their own keys.", partial(backward, swapped=True)),
        Wrong("no-dgamma-dbeta", "grads has no dgamma and dbeta of the hidden layers: gamma and beta are parameters "
              "of the network too, and Adam updates every parameter with its gradient. Keep the dgamma and dbeta that "
              "batchnorm_backward returns for each hidden layer.", partial(backward, left_out=("gamma", "beta"))),
        Wrong("dzl-divided-by-m", "{key} is too small: dZ[L] was divided by m. dZ[L] = AL - Y has no 1/m: the "
              "average over the examples is taken once, in dW and db (linear_backward already divides by m).",
              partial(backward, dZL=lambda AL, Y: (AL - Y) / AL.shape[1])),
        Wrong("dzl-times-slope", "{key} is wrong: dZ[L] was multiplied by AL * (1 - AL), a sigmoid's slope. For a "
              "softmax output with the cross-entropy cost, the derivatives cancel: dZ[L] = AL - Y, nothing more.",
              partial(backward, dZL=lambda AL, Y: (AL - Y) * AL * (1 - AL))),
        Wrong("dw-not-averaged", "{key} is wrong: its data term dZ A_prev^T has no 1/m. A hidden layer's "
              "dW{l} = (1/m) dZ{l} A_prev^T + lambd / m * W{l}, averaged over the examples like the output layer's.",
              partial(backward, unaveraged_dW=True)),
        Wrong("da-from-dz-tilde", "{key} is wrong: dA_prev = W^T dZ_tilde skips batch norm; the gradient that goes "
              "down to the layer below is W^T dZ, with dZ the first result of batchnorm_backward.",
              partial(backward, dA_from_dZ_tilde=True)),
    ))
check_backward_propagation = check(BACKWARD_PROPAGATION)


# --- exercise 3: evaluate (a table, after a look at how it calls forward_propagation) ---------------------

def evaluate_inputs(layer_dims=(6, 5, 4, 5), m=40, seed=0, floats=False):
    """(parameters, bn_states, X (n_x, m), y (1, m)): running statistics far from this batch's, and labels (ints or
    whole floats) that the test-mode network gets right about two times in three (so that every typical mistake
    gives another accuracy)."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    parameters, states = bn_parameters(rng, dims), bn_states(rng, dims)
    X = rng.standard_normal((dims[0], m)) + rng.uniform(-1, 1, (dims[0], 1))
    predictions = ref.predict(parameters, states, X)[0]
    labels = np.where(rng.random(m) < 0.65, predictions, rng.integers(0, dims[-1], m)).reshape(1, -1)
    return Inputs((parameters, states, X, labels.astype(np.float64 if floats else np.int64)), m)


def accuracy(parameters, states, X, y, *, training=False, compare=lambda predicted, y: predicted == np.ravel(y),
             reduce=np.mean, scale=1.0):
    """evaluate with its pieces as arguments (the training-mode network runs on copies of the states)."""
    AL, _ = ref.forward_propagation(X, parameters, _copy(states), 1.0, np.random.default_rng(0), training=training)
    return float(scale * reduce(compare(np.argmax(AL, axis=0), y)))


def one_number(name, result):
    if isinstance(result, np.ndarray) and result.size > 1:
        fail(f"evaluate returned an array of shape {result.shape}: return one number, the share of correct "
             f"predictions, e.g. float(np.mean(predictions == labels)). (If predictions is a column and y a row, == "
             f"compares every pair: flatten both first.)", "evaluate.returned-array")


EVALUATE = Exercise(
    "evaluate", ref.evaluate, evaluate_inputs, dict(layer_dims=(6, 5, 4, 5), m=40, seed=0, floats=False),
    (Out("evaluate(parameters, bn_states, X, y)", scalar=True),), returns=one_number,
    mistakes=(
        Wrong("evaluate.training-mode-accuracy", "This is the accuracy of the network in TRAINING mode (the "
              "batch's statistics in batch norm): evaluate with forward_propagation(X, parameters, bn_states, "
              "training=False).", partial(accuracy, training=True)),
        Wrong("evaluate.count-not-share", "This is the number of correct predictions, not their share: "
              "divide by m, or take np.mean(predictions == labels).", partial(accuracy, reduce=np.sum)),
        Wrong("evaluate.error-rate", "This is the error rate, 1 - accuracy: return the share of "
              "CORRECT predictions.", partial(accuracy, compare=lambda predicted, y: predicted != np.ravel(y))),
        Wrong("evaluate.percentage", "This is a percentage: return a fraction between 0 and 1.",
              partial(accuracy, scale=100.0)),
        Wrong("evaluate.column-compared-with-row", "A column was compared with a row: == then broadcasts to an "
              "(m, m) table of every pair of examples. Compare two 1-D arrays, np.argmax(AL, axis=0) == y[0] (or "
              "np.ravel(y)).", partial(accuracy, compare=lambda predicted, y: predicted.reshape(-1, 1) == y)),
    ))


def _check_evaluate_calls(evaluate, recorder, inputs):
    """evaluate runs the network in test mode: forward_propagation(..., training=False), bn_states untouched."""
    parameters, states0, X, y = inputs.args
    states = _copy(states0)
    recorder.calls.clear()
    try:
        student_call(evaluate, "evaluate", ParameterDict(_copy(parameters)), states, X.copy(), y.copy())
    except ExerciseFailure as failure:
        if "rng" in str(failure):
            fail("evaluate called forward_propagation in training mode (its default, training=True), which needs an "
                 "rng for the dropout masks. Evaluate in test mode, forward_propagation(X, parameters, bn_states, "
                 "training=False): no dropout, so no rng.", "evaluate.forward-crashed-no-rng")
        raise
    if any(call["training"] for call in recorder.of("forward_propagation")):
        fail("evaluate called forward_propagation with training=True (its default): that is the training-mode "
             "network, with dropout masks and the batch's statistics in batch norm, and it changes the running "
             "statistics. Evaluate in test mode: forward_propagation(X, parameters, bn_states, training=False).",
             "evaluate.forward-in-training")
    for l, (state, old) in enumerate(zip(states, states0), start=1):
        for key in ("running_mean", "running_var"):
            if not _same(state[key], old[key]):
                fail(f"evaluate changed bn_states[{l - 1}]['{key}']: it ran the network in training mode. Evaluate "
                     f"in test mode, forward_propagation(X, parameters, bn_states, training=False), which leaves the "
                     f"running statistics alone.", "evaluate.changed-bn-states")


def check_evaluate(evaluate, layer_dims=(6, 5, 4, 5), m=40, seed=0):
    """The accuracy in test mode: forward_propagation(..., training=False), argmax over the classes, the share
    of examples whose prediction equals the label; bn_states untouched."""
    recorder = Recorder()

    def grade():   # with the reference forward_propagation (recording how evaluate calls it)
        for floats in (False, True):
            case = dict(layer_dims=layer_dims, m=m, seed=seed, floats=floats)
            _check_evaluate_calls(evaluate, recorder, evaluate_inputs(**case))
            run(EVALUATE, evaluate, case)

    graded_on_its_own(evaluate, "evaluate", {"forward_propagation": recorder.wrap("forward_propagation",
                                                                                  ref.forward_propagation)}, grade)


# --- exercise 4: model (code: judged by the calls it makes, its trained parameters and its history) -------

def model_problem(dims, m, m_dev, seed):
    """(X (n_x, m), Y (C, m) one-hot, X_dev (n_x, m_dev), y_dev (1, m_dev)) from one random linear rule."""
    rng = np.random.default_rng(seed)
    X_all, y_all = classification(rng, dims[0], dims[-1], m + m_dev)
    X, y, X_dev, y_dev = X_all[:, :m], y_all[:, :m], X_all[:, m:], y_all[:, m:]
    return X, softmax_ref.one_hot(y, dims[-1]), X_dev, y_dev


def model_recorder():
    recorder = Recorder()
    names = {
        "forward_propagation": ref.forward_propagation, "backward_propagation": ref.backward_propagation,
        "compute_cost": ref.compute_cost, "evaluate": ref.evaluate,
        "update_parameters_with_adam": opt_ref.update_parameters_with_adam, "update_lr": opt_ref.update_lr,
        "random_mini_batches": opt_ref.random_mini_batches,
    }
    return recorder, {name: recorder.wrap(name, fn) for name, fn in names.items()}


def _mistake(text, mistake):
    fail(text, mistake)


def _diagnose_forward_calls(recorder, arguments):
    forwards = recorder.of("forward_propagation")
    training = [call for call in forwards if call["training"]]
    if forwards and not training:
        _mistake("model never called forward_propagation with training=True: the training steps must run the "
                 "training-mode network (batch statistics, dropout), forward_propagation(X_batch, parameters, "
                 "bn_states, keep_prob, rng, training=True).", "model.forward-not-training")
    if any(not np.isclose(call["keep_prob"], arguments["keep_prob"]) for call in training):
        _mistake(f"forward_propagation was called with keep_prob = {training[0]['keep_prob']} instead of the model's "
                 f"keep_prob = {arguments['keep_prob']}: pass keep_prob on.", "model.wrong-forward-keep-prob")
    if len({id(call["rng"]) for call in training}) > 1:
        _mistake("forward_propagation got a different rng at different steps: use ONE generator for the whole "
                 "training, the rng created before the loop (a new np.random.default_rng(seed) at every step or "
                 "epoch repeats the same masks).", "model.rng-recreated")


def _diagnose_shuffles(recorder, X, Y, arguments):
    batches, num_epochs, size = recorder.of("random_mini_batches"), arguments["num_epochs"], arguments["mini_batch_size"]
    seeds, expected = [call["seed"] for call in batches], [arguments["seed"] + epoch for epoch in range(num_epochs)]
    if batches and len(batches) != num_epochs:
        _mistake(f"random_mini_batches was called {'once' if len(batches) == 1 else f'{len(batches)} times'} for "
                 f"{num_epochs} epochs: shuffle once per epoch, at the start of each epoch, random_mini_batches(X, Y, "
                 f"mini_batch_size, seed=seed + epoch).", "model.wrong-shuffle-count")
    if batches and len(set(seeds)) == 1 and num_epochs > 1:
        _mistake(f"Every epoch used the same mini-batches (seed {seeds[0]} each time): reshuffle every epoch with "
                 f"seed=seed + epoch.", "model.same-batches-every-epoch")
    if batches and seeds != expected:
        _mistake(f"The mini-batches were shuffled with the seeds {seeds}, expected seed + epoch = {expected}.",
                 "model.wrong-shuffle-seeds")
    if any(call["mini_batch_size"] != size for call in batches):
        _mistake(f"random_mini_batches was called with mini_batch_size = {batches[0]['mini_batch_size']}: pass the "
                 f"model's mini_batch_size = {size} on.", "model.wrong-mini-batch-size")
    if any(not (_same(np.asarray(call["X"]), X) and _same(np.asarray(call["Y"]), Y)) for call in batches):
        _mistake("random_mini_batches did not get the whole training set (X, Y), in its original order: shuffle the "
                 "pair together, random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch).",
                 "model.wrong-shuffle-input")


def _diagnose_pairs(recorder, X, Y):
    """Every training forward pass and the cost / backward pass after it see the same examples."""
    columns = {X[:, i].tobytes(): int(np.argmax(Y[:, i])) for i in range(X.shape[1])}
    ys = [call["Y"] for call in recorder.of("backward_propagation") or recorder.of("compute_cost")]
    for call, Y_batch in zip([call for call in recorder.of("forward_propagation") if call["training"]], ys):
        X_batch = np.asarray(call["X"])
        labels = [columns.get(np.ascontiguousarray(X_batch[:, i]).tobytes()) for i in range(X_batch.shape[1])]
        if np.shape(Y_batch)[1:] == (X_batch.shape[1],) and None not in labels \
                and not np.array_equal(labels, np.argmax(Y_batch, axis=0)):
            _mistake("The labels of a mini-batch do not belong to its images: X and Y were shuffled apart. Shuffle "
                     "them with ONE permutation (random_mini_batches(X, Y, ...) does) and use each pair (X_batch, "
                     "Y_batch) together.", "model.x-y-shuffled-apart")


def _diagnose_backward_calls(recorder, arguments):
    lambd, keep_prob = arguments["lambd"], arguments["keep_prob"]
    for name, label in (("compute_cost", "compute_cost(AL, Y_batch, parameters, lambd)"),
                        ("backward_propagation", "backward_propagation(AL, Y_batch, caches, keep_prob, lambd)")):
        calls = recorder.of(name)
        if any(not np.isclose(call["lambd"], lambd) for call in calls):
            _mistake(f"{name} was called with lambd = {calls[0]['lambd']} instead of the model's lambd = {lambd}: "
                     f"{label}.", "model.wrong-lambd")
    backwards = recorder.of("backward_propagation")
    if any(not np.isclose(call["keep_prob"], keep_prob) for call in backwards):
        _mistake(f"backward_propagation was called with keep_prob = {backwards[0]['keep_prob']}: the backward pass "
                 f"divides by the same keep_prob as the forward pass, backward_propagation(AL, Y_batch, caches, "
                 f"keep_prob, lambd).", "model.wrong-backward-keep-prob")


def _diagnose_adam_steps(steps, num_epochs):
    if steps == list(range(1, len(steps) + 1)):
        return
    if len(set(steps)) == 1:
        _mistake(f"Adam's t was {steps[0]} at every step: t counts the updates, t += 1 before each "
                 f"update_parameters_with_adam (1 for the first), so that the bias correction fades away.",
                 "model.adam-t-constant")
    if steps[0] == 1 and steps.count(1) == num_epochs:
        _mistake("Adam's t starts again at 1 every epoch: t counts ALL the updates since the start of training (set "
                 "it to 0 once, before the epochs; t += 1 before each update).", "model.adam-t-resets")
    _mistake(f"Adam's t went {steps[:6]}...: it must be 1, 2, 3, ... (t += 1 before each update).",
             "model.adam-t-miscounted")


def decay_schedule(rate0, decay_rate, num_epochs) -> tuple:
    """(each epoch's learning rate, update_lr(learning_rate0, epoch, decay_rate); the rates when each epoch decays
    the previous epoch's rate instead, the compounding mistake)."""
    compounded = [rate0]
    for e in range(1, num_epochs):
        compounded.append(opt_ref.update_lr(compounded[-1], e, decay_rate))
    return np.array([opt_ref.update_lr(rate0, e, decay_rate) for e in range(num_epochs)]), np.array(compounded)


def _diagnose_rates(rates, epochs, rate0, decay_rate, schedule):
    """Adam's learning rate at each step: update_lr(learning_rate0, epoch, decay_rate) for the step's epoch."""
    per_epoch, compounded = schedule
    expected = per_epoch[epochs]
    if np.allclose(rates, expected, rtol=1e-9):
        return
    if decay_rate > 0 and np.allclose(rates, rate0):
        _mistake(f"The learning rate never decayed: Adam got learning_rate0 = {rate0} at every step. At the start of "
                 f"each epoch compute learning_rate = update_lr(learning_rate0, epoch, decay_rate), and pass THAT to "
                 f"update_parameters_with_adam.", "model.no-lr-decay")
    steps = np.arange(1, len(epochs) + 1)
    for variant, hint in ((rate0 / (1 + decay_rate * steps), "every step (with t)"),
                          (rate0 / (1 + decay_rate * (steps - 1)), "every step"),
                          (rate0 / (1 + decay_rate * (epochs + 1)), "one epoch too early (epoch + 1)")):
        if np.allclose(rates, variant, rtol=1e-9):
            _mistake(f"The learning rate was decayed {hint}: decay it once per epoch, learning_rate = "
                     f"update_lr(learning_rate0, epoch, decay_rate) with epoch = 0, 1, ...",
                     "model.lr-decay-mistimed")
    if np.allclose(rates, compounded[epochs], rtol=1e-9):
        _mistake("The decay compounds: each epoch decays the previous epoch's rate. Always start from learning_rate0: "
                 "learning_rate = update_lr(learning_rate0, epoch, decay_rate).", "model.lr-decay-compounds")
    _mistake(f"Adam got the learning rates {np.round(rates[:4], 6).tolist()}..., expected "
             f"{np.round(expected[:4], 6).tolist()}...: learning_rate = update_lr(learning_rate0, epoch, decay_rate) "
             f"for every step of the epoch.", "model.wrong-lr-schedule")


def diagnose_model_calls(recorder, X, Y, arguments):
    """Hints from the arguments the student's model passed to the building blocks (when it used them)."""
    _diagnose_forward_calls(recorder, arguments)
    _diagnose_shuffles(recorder, X, Y, arguments)
    _diagnose_pairs(recorder, X, Y)
    _diagnose_backward_calls(recorder, arguments)
    adams = recorder.of("update_parameters_with_adam")
    # computed whatever the calls, so that the student edition has them (it stores what its compilation computes)
    sizes = [len(opt_ref.random_mini_batches(X, Y, arguments["mini_batch_size"], seed=arguments["seed"] + e))
             for e in range(arguments["num_epochs"])]
    schedule = decay_schedule(arguments["learning_rate0"], arguments["decay_rate"], arguments["num_epochs"])
    if adams:
        _diagnose_adam_steps([call["t"] for call in adams], arguments["num_epochs"])
        epochs = np.repeat(np.arange(arguments["num_epochs"]), sizes)
        if len(epochs) == len(adams):
            _diagnose_rates(np.array([call["learning_rate"] for call in adams], dtype=np.float64), epochs,
                            arguments["learning_rate0"], arguments["decay_rate"], schedule)


def _expect_trained(parameters, X, Y, dims, arguments, expected_parameters):
    """The trained parameters: the reference's, else the hint of the training they come from."""
    expect_keys("parameters", parameters, list(expected_parameters))
    initial, _ = ref.initialize(dims, seed=arguments["seed"])
    if all(_same(parameters[key], initial[key]) for key in initial):
        fail("The parameters never changed: assign what update_parameters_with_adam returns, parameters, v, s = "
             "update_parameters_with_adam(parameters, grads, v, s, t, learning_rate).",
             "model.parameters-not-updated")
    with np.errstate(all="ignore"):
        variants = [Mistake(hint, ref.model(X, Y, dims, **{**arguments, change: changed})[0], id=id_)
                    for id_, change, changed, hint in (
            ("model.trained-without-decay", "decay_rate", 0.0, "These are the parameters trained WITHOUT "
             "learning-rate decay: use learning_rate = update_lr(learning_rate0, epoch, decay_rate) in Adam's update."),
            ("model.trained-without-l2", "lambd", 0.0, "These are the parameters trained without L2: pass lambd to "
             "compute_cost and backward_propagation."),
            ("model.trained-without-dropout", "keep_prob", 1.0, "These are the parameters trained without dropout: "
             "pass keep_prob and rng to forward_propagation, and keep_prob to backward_propagation."),
            ("model.one-epoch-only", "num_epochs", 1, "Only one epoch was trained: loop over "
             "range(num_epochs)."))]
    for key in expected_parameters:
        expect_array(f"trained parameters['{key}']", parameters[key], expected_parameters[key], rtol=1e-5, atol=1e-8,
                     mistakes=[Mistake(mistake.hint, mistake.value[key], id=mistake.id) for mistake in variants])


def _per_epoch(history, key, num_epochs, what, mistake, why=""):
    """history[key] as an array, after checking that it holds one value per epoch."""
    values = history[key]
    if not hasattr(values, "__len__") or len(values) != num_epochs:
        got = len(values) if hasattr(values, "__len__") else type(values).__name__
        fail(f"history['{key}'] must hold one {what} per epoch ({num_epochs}){why}; got {got}.", mistake)
    return np.asarray(values, dtype=np.float64)


def _expect_history(history, X, Y, arguments, expected_history):
    num_epochs, rate0, seed = arguments["num_epochs"], arguments["learning_rate0"], arguments["seed"]
    expect_keys("history", history, ("cost", "learning_rate", "train_accuracy", "dev_accuracy"))
    rates = _per_epoch(history, "learning_rate", num_epochs, "rate", "model.rates-not-per-epoch")
    expect_array("history['learning_rate']", rates, np.asarray(expected_history["learning_rate"]), mistakes=[
        Mistake("The learning rate never decayed: at the start of each epoch, learning_rate = update_lr(learning_rate0, "
                "epoch, decay_rate).", np.full(num_epochs, rate0), id="model.history-no-lr-decay")])
    costs = _per_epoch(history, "cost", num_epochs, "number", "model.costs-not-per-epoch",
                       ": the mean of the epoch's mini-batch costs")
    counts = np.array([len(opt_ref.random_mini_batches(X, Y, arguments["mini_batch_size"], seed=seed + e))
                       for e in range(num_epochs)])
    expected_costs = np.asarray(expected_history["cost"])
    expect_array("history['cost']", costs, expected_costs, rtol=1e-5, atol=1e-8, mistakes=[
        Mistake("Each epoch's cost is the SUM of its mini-batch costs: record their mean, np.mean(batch_costs).",
                expected_costs * counts, id="model.summed-batch-costs")])
    for key, data in (("train_accuracy", "the training set (X with labels)"), ("dev_accuracy", "dev = (X_dev, y_dev)")):
        values = _per_epoch(history, key, num_epochs, "accuracy", "model.accuracies-not-per-epoch",
                            f" when dev is given: after each epoch, evaluate the network on {data}")
        expect_array(f"history['{key}']", values, np.asarray(expected_history[key]), rtol=1e-9, atol=1e-12)


def _grade_model(model, recorder, problem, dims, arguments):
    """One graded run of model (with the building blocks in place, recording), then one without dev."""
    X, Y, X_dev, y_dev = problem
    recorder.calls.clear()
    result = student_call(model, "model", X.copy(), Y.copy(), list(dims), dev=(X_dev.copy(), y_dev.copy()),
                          **arguments)
    parameters, bn_states, history = expect_tuple("model", result, 3, "a tuple (parameters, bn_states, history)")
    expected_parameters, expected_states, expected_history = ref.model(X, Y, dims, dev=(X_dev, y_dev), **arguments)
    diagnose_model_calls(recorder, X, Y, arguments)
    _expect_trained(parameters, X, Y, dims, arguments, expected_parameters)
    if not isinstance(bn_states, (list, tuple)) or len(bn_states) != len(expected_states):
        fail(f"bn_states must be the list of the {len(expected_states)} hidden layers' states that forward_propagation "
             f"updated during training.", "model.bn-states-not-list")
    initial_states = ref.initialize(dims, arguments["seed"])[1]
    for l, (state, expected_state) in enumerate(zip(bn_states, expected_states), start=1):
        for key in ("running_mean", "running_var"):
            expect_keys(f"bn_states[{l - 1}]", state, (key,))
            expect_array(f"bn_states[{l - 1}]['{key}']", state[key], expected_state[key], rtol=1e-5, atol=1e-8,
                         mistakes=[Mistake("the running statistics are the initial ones: return the bn_states that "
                                           "forward_propagation updated.", initial_states[l - 1][key],
                                           id="model.initial-bn-states")])
    _expect_history(history, X, Y, arguments, expected_history)
    recorder.calls.clear()     # without dev, the accuracies are not computed
    result = student_call(model, "model", X.copy(), Y.copy(), list(dims), **{**arguments, "num_epochs": 1})
    _, _, history = expect_tuple("model", result, 3, "a tuple (parameters, bn_states, history)")
    if recorder.of("evaluate") or (isinstance(history, dict) and len(history.get("dev_accuracy", [])) > 0):
        fail("With dev=None (the default) model must not evaluate anything: record the accuracies only when dev is "
             "given (if dev is not None: ...).", "model.evaluates-without-dev")


def check_model(model, layer_dims=(5, 4, 3, 3), m=50, num_epochs=3, mini_batch_size=16, learning_rate0=0.02,
                decay_rate=0.5, lambd=0.3, keep_prob=0.8, seed=0):
    """Mini-batch Adam with learning-rate decay: per epoch, update_lr then random_mini_batches(seed + epoch); per
    mini-batch forward (training), cost, backward, t += 1, Adam; history per epoch; dev accuracies when asked."""
    dims = list(layer_dims)
    problem = model_problem(dims, m, max(2 * dims[-1], 12), seed)
    arguments = dict(learning_rate0=learning_rate0, decay_rate=decay_rate, lambd=lambd, keep_prob=keep_prob,
                     num_epochs=num_epochs, mini_batch_size=mini_batch_size, seed=seed)
    recorder, replacements = model_recorder()
    graded_on_its_own(model, "model", replacements, partial(_grade_model, model, recorder, problem, dims, arguments))


# --- exercise 5: make_train_eval (code: judged by how train_eval calls model and evaluate) -----------------

def _check_model_calls(recorder, config, fixed, X_dev):
    models = recorder.of("model")
    if len(models) > 1:
        fail(f"train_eval trained {len(models)} networks for one configuration: train once, score once.",
             "make_train_eval.trained-several-times")
    for call in models:
        if np.shape(call["X"]) == X_dev.shape and np.allclose(call["X"], X_dev):
            fail("train_eval trained on the dev set: train on X_train, Y_train; the dev set only scores.",
                 "make_train_eval.trained-on-dev")
        if np.isclose(call["learning_rate0"], config["lambd"]) and np.isclose(call["lambd"], config["learning_rate"]):
            fail("The learning rate and lambd are swapped: learning_rate0=config['learning_rate'], "
                 "lambd=config['lambd'].", "make_train_eval.rate-lambd-swapped")
        for name, source, value_ in (("learning_rate0", "config['learning_rate']", config["learning_rate"]),
                                     ("lambd", "config['lambd']", config["lambd"]),
                                     *((name, name, value_) for name, value_ in fixed.items())):
            if not np.isclose(call[name], value_):
                fail(f"model was called with {name} = {call[name]!r}, expected {source} = {value_!r}: every training "
                     f"of the search uses the configuration's learning rate and lambd and the fixed hyper-parameters "
                     f"given to make_train_eval.", "make_train_eval.wrong-model-arguments")


def _grade_train_eval(make_train_eval, recorder, problem, dims, fixed):
    X_train, Y_train, X_dev, y_dev = problem
    train_eval = student_call(make_train_eval, "make_train_eval", X_train.copy(), Y_train.copy(), X_dev.copy(),
                              y_dev.copy(), list(dims), **fixed)
    if not callable(train_eval):
        fail(f"make_train_eval must return a function (train_eval, defined inside it), got "
             f"{type(train_eval).__name__}.", "make_train_eval.returned-not-function")
    for config in ({"learning_rate": 0.05, "lambd": 0.7}, {"learning_rate": 0.003, "lambd": 0.01}):
        recorder.calls.clear()
        score = student_call(train_eval, "train_eval", dict(config))
        parameters, states, _ = ref.model(X_train, Y_train, dims, learning_rate0=config["learning_rate"],
                                          lambd=config["lambd"], **fixed)
        _check_model_calls(recorder, config, fixed, X_dev)
        if any(_same(np.asarray(call["X"]), X_train) for call in recorder.of("evaluate")):
            fail("train_eval scored the network on the TRAINING set: choose hyper-parameters by the accuracy on the "
                 "dev set, evaluate(parameters, bn_states, X_dev, y_dev).",
                 "make_train_eval.evaluated-on-train-set")
        expected = ref.evaluate(parameters, states, X_dev, y_dev)
        expect_float(f"train_eval({config})", score, expected, mistakes=[
            Mistake("This is the accuracy on the training set: score on the dev set, evaluate(parameters, bn_states, "
                    "X_dev, y_dev).", ref.evaluate(parameters, states, X_train, np.argmax(Y_train, axis=0)),
                    id="make_train_eval.returned-train-accuracy"),
            Mistake("This is the dev error rate: return the dev ACCURACY (higher is better: random_search and "
                    "best_config look for the highest score).", 1.0 - expected,
                    id="make_train_eval.dev-error-rate")])


def check_make_train_eval(make_train_eval, layer_dims=(5, 4, 3, 3), m=40, num_epochs=2, keep_prob=0.8,
                          decay_rate=0.5, seed=0):
    """train_eval(config) trains model on (X_train, Y_train) with config's learning_rate and lambd, the fixed
    hyper-parameters passed on, and returns evaluate on (X_dev, y_dev); the test set is never touched."""
    used = sorted(global_names(make_train_eval) & set(TEST_NAMES)) if callable(make_train_eval) else []
    if used:
        fail(f"make_train_eval uses {', '.join(used)}: the search must never see the test set. Train on X_train, "
             f"Y_train and score on X_dev, y_dev, the arguments; the test set is used once, at the very end, after "
             f"every choice has been made.", "make_train_eval.uses-test-set")
    dims = list(layer_dims)
    problem = model_problem(dims, m, max(2 * dims[-1], 12), seed)
    fixed = dict(num_epochs=num_epochs, keep_prob=keep_prob, decay_rate=decay_rate, seed=seed)
    recorder = Recorder()
    replacements = {"model": recorder.wrap("model", ref.model), "evaluate": recorder.wrap("evaluate", ref.evaluate)}
    graded_on_its_own(make_train_eval, "make_train_eval", replacements,
                      partial(_grade_train_eval, make_train_eval, recorder, problem, dims, fixed))


# --- challenge: AdamW (a table) -------------------------------------------------------------------------------

def adamw_inputs(layer_dims=(4, 3, 2), t=3, learning_rate=0.05, weight_decay=0.5, seed=31):
    """(parameters, grads, v, s, t, learning_rate, weight_decay): Adam's state at step t, grads, v and s shaped like
    the parameters; each gradient's first row is tiny (~1e-9, its s ~1e-18), so that epsilon matters."""
    rng = np.random.default_rng(seed)
    parameters = bn_parameters(rng, list(layer_dims))
    tiny = {key: np.where(np.arange(value.shape[0])[:, None] == 0, 1e-9, 1.0) for key, value in parameters.items()}
    grads = {"d" + key: rng.standard_normal(value.shape) * tiny[key] for key, value in parameters.items()}
    v = {d: 0.3 * rng.standard_normal(g.shape) * tiny[d[1:]] for d, g in grads.items()}
    s = {d: rng.uniform(0.1, 1.0, g.shape) * tiny[d[1:]] ** 2 for d, g in grads.items()}
    return Inputs((parameters, grads, v, s, t, learning_rate, weight_decay))


def adamw(parameters, grads, v, s, t, learning_rate, weight_decay, *, into_gradient=False,
          decayed=lambda key: key.startswith("W"), after_step=False, step=adam):
    """AdamW with its pieces as arguments: the decay in the gradient (L2 through Adam) or beside Adam's step, which
    parameters it decays, whether it decays them as they were before the step or after it, and Adam's step."""
    if into_gradient:
        grads = {d: g + weight_decay * parameters[d[1:]] if decayed(d[1:]) else g for d, g in grads.items()}
    stepped, v, s = step(parameters, grads, v, s, t, learning_rate)
    if not into_gradient:
        stepped = {key: w - learning_rate * weight_decay * (w if after_step else parameters[key]) if decayed(key) else w
                   for key, w in stepped.items()}
    return stepped, v, s


def adamw_outputs(L):
    keys = [f"{name}{l}" for l in range(1, L) for name in ("W", "gamma", "beta")] + [f"W{L}", f"b{L}"]
    moments = [Out(f"{moment} (returned)['d{key}']", (i, "d" + key), "like the gradient")
               for i, moment in ((1, "v"), (2, "s")) for key in keys]
    return dict(outputs=tuple(moments) + tuple(Out(f"parameters (returned)['{key}']", (0, key), f"like {key}")
                                               for key in keys))


UPDATE_PARAMETERS_WITH_ADAMW = Exercise(
    "update_parameters_with_adamw", opt_ref.update_parameters_with_adamw, adamw_inputs,
    dict(layer_dims=(4, 3, 2), t=3, learning_rate=0.05, weight_decay=0.5, seed=31), (),
    per_case=per_layer(adamw_outputs),
    returns=a_tuple("(parameters, v, s)", value, value, value),
    mistakes=(
        Wrong("l2-in-moments", "The decay went into the gradient: v and s saw the decay term weight_decay * W. That "
              "is L2 through Adam, and Adam then divides it by sqrt(s_hat) like any gradient. AdamW keeps the decay out of the moments (v and s average "
              "the unregularised gradients only): W = W - learning_rate * weight_decay * W, beside Adam's step.",
              partial(adamw, into_gradient=True)),
        Wrong("no-decay", "There is no decay: subtract learning_rate * weight_decay * W from each weight, besides "
              "Adam's step.", partial(adamw, decayed=lambda key: False)),
        Wrong("decays-everything", "The biases, gamma and beta were decayed too: as notebook 03's L2, weight decay "
              "applies to the weights W only.", partial(adamw, decayed=lambda key: True)),
        Wrong("decay-after-step", "The decay was applied to the weights AFTER Adam's step: decay the weights as they "
              "were before the step, W = W - learning_rate * (adam_step + weight_decay * W).",
              partial(adamw, after_step=True)),
        Wrong("no-bias-correction", "Adam's step has no bias correction: v_hat = v / (1 - beta1^t) and s_hat = s / "
              "(1 - beta2^t) (or call update_parameters_with_adam, which corrects them).",
              partial(adamw, step=partial(adam, correct_v=lambda m, beta, t: m, correct_s=lambda m, beta, t: m))),
        Wrong("epsilon-inside-sqrt", "epsilon is inside the square root: Adam divides by sqrt(s_hat) + epsilon (where "
              "s_hat is tiny, sqrt(s_hat + epsilon) is about 1e-4, far larger).",
              partial(adamw, step=partial(adam, denominator=lambda s, epsilon: np.sqrt(s + epsilon)))),
        Wrong("betas-swapped", "beta1 and beta2 are swapped: v (the mean of the gradients) uses beta1 = 0.9, s (the "
              "mean of their squares) beta2 = 0.999.", partial(adamw, step=partial(adam, beta1=0.999, beta2=0.9))),
    ))


check_update_parameters_with_adamw = check(UPDATE_PARAMETERS_WITH_ADAMW)

#: The exercises described as data (the tests feed each named mistake in); forward_propagation, model and
#: make_train_eval are checked by code of their own above (they draw from an rng, or are judged by their calls).
EXERCISES = (BACKWARD_PROPAGATION, EVALUATE, UPDATE_PARAMETERS_WITH_ADAMW)
CHALLENGES = (UPDATE_PARAMETERS_WITH_ADAMW,)     # optional and ungraded: no hidden test
