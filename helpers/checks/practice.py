"""Checks for notebook 09 (practice: everything together). Each `check_*` takes the student's function,
runs it on fresh inputs (sizes and seed are arguments, so hidden tests use new ones) and raises
ExerciseFailure naming the mistake, or prints a success line.

The exercises compose earlier building blocks, so most typical mistakes are about *how* they are
composed: dropout or batch statistics at test time, a learning rate that never decays, Adam's step
counter, mini-batches, the test set used during the search. Two tools find them:

* named mistakes, values computed with the typical bug (a variant of helpers.practice), shown only
  when the student's value equals the bug's value;
* recordings: while a check runs, the names the exercise calls in the notebook (forward_propagation,
  evaluate, model, update_parameters_with_adam, update_lr, random_mini_batches, ...) are replaced by
  recording versions of the reference, so the check sees the arguments the student passed. This
  also grades each exercise alone: a slip in forward_propagation does not fail the test of model.
"""
from __future__ import annotations

import numpy as np

from .. import batchnorm as bn_ref
from .. import deep as deep_ref
from .. import optimizers as opt_ref
from .. import practice as ref
from .. import softmax as softmax_ref
from .core import ExerciseFailure, Mistake, expect_array, expect_float, expect_keys, expect_tuple, fail, \
    global_names, graded_on_its_own, passed, student_call
from .core import copy_inputs as _copy, same_array as _same

TEST_NAMES = ("X_test", "y_test", "Y_test")


# --- inputs -------------------------------------------------------------------------------------------

class _ParameterDict(dict):
    """A parameters dict whose missing b{l} says why it is missing."""

    def __missing__(self, key):
        if isinstance(key, str) and key.startswith("b") and key[1:].isdigit():
            raise KeyError(f"{key!r}: a batch-normalised hidden layer has no bias (beta{key[1:]} replaces it): "
                           f"Z = W A_prev, then batch norm; only the output layer has a b")
        raise KeyError(key)


def _bn_parameters(rng, dims):
    """A network's parameters with gamma != 1, beta != 0 and bL != 0, so that all of them matter."""
    L = len(dims) - 1
    parameters = {}
    for l in range(1, L):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2.0 / dims[l - 1])
        parameters[f"gamma{l}"] = rng.uniform(0.5, 1.5, (dims[l], 1))
        parameters[f"beta{l}"] = rng.uniform(-0.5, 0.5, (dims[l], 1))
    parameters[f"W{L}"] = rng.standard_normal((dims[L], dims[L - 1])) * np.sqrt(2.0 / dims[L - 1])
    parameters[f"b{L}"] = rng.uniform(-0.3, 0.3, (dims[L], 1))
    return parameters


def _states(rng, dims):
    """Running statistics far from any batch's, so that test mode and training mode differ clearly."""
    return [{"running_mean": rng.uniform(-1, 1, (n, 1)), "running_var": rng.uniform(0.3, 3.0, (n, 1))}
            for n in dims[1:-1]]


def _classification(rng, n_x, C, m):
    """X: (n_x, m) and labels (1, m) from a random linear rule, every class present when m >= C."""
    X = rng.standard_normal((n_x, m))
    labels = np.argmax(rng.standard_normal((C, n_x)) @ X, axis=0)
    labels[:min(C, m)] = np.arange(min(C, m))
    return X, labels.reshape(1, -1).astype(np.int64)


# --- recording the calls an exercise makes --------------------------------------------------------------

def _bind(fn, args, kwargs):
    """The arguments of a call as a dict {parameter name: value}, with the defaults filled in."""
    import inspect
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


class _Recorder:
    """Recording versions of the reference functions: every call is kept as (name, arguments)."""

    def __init__(self):
        self.calls = []

    def wrap(self, name, fn):
        def recorded(*args, **kwargs):
            self.calls.append((name, _bind(fn, args, kwargs)))
            return fn(*args, **kwargs)
        recorded.__name__ = name
        return recorded

    def of(self, name):
        return [arguments for called, arguments in self.calls if called == name]


# --- exercise 1: forward_propagation --------------------------------------------------------------------

def _drop(A, keep_prob, rng, kind):
    if kind == "per_unit":
        D = rng.random((A.shape[0], 1)) < keep_prob
        return A * D / keep_prob
    if kind == "swapped":
        D = rng.random(A.shape) > keep_prob
        return A * D / keep_prob
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob if kind == "inverted" else A * D


def _forward_variant(X, parameters, states, keep_prob, rng, training, *, dropout="inverted", drop_input=False,
                     drop_output=False, bn_after_relu=False, bn_training=None, output="softmax"):
    """The network computed with one typical bug (on copies of the states)."""
    states = _copy(states)
    L = len(states) + 1
    bn_mode = training if bn_training is None else bn_training
    A = X
    if drop_input:
        A = _drop(A, keep_prob, rng, dropout)
    for l in range(1, L):
        Z = parameters[f"W{l}"] @ A
        if bn_after_relu:
            A, _ = bn_ref.batchnorm_forward(deep_ref.relu(Z), parameters[f"gamma{l}"], parameters[f"beta{l}"],
                                            states[l - 1], training=bn_mode)
        else:
            Z_tilde, _ = bn_ref.batchnorm_forward(Z, parameters[f"gamma{l}"], parameters[f"beta{l}"], states[l - 1],
                                                  training=bn_mode)
            A = deep_ref.relu(Z_tilde)
        if dropout != "off":
            A = _drop(A, keep_prob, rng, dropout)
    ZL = parameters[f"W{L}"] @ A + parameters[f"b{L}"]
    if drop_output:
        ZL = _drop(ZL, keep_prob, rng, "inverted")
    if output == "linear":
        return ZL
    if output == "sigmoid":
        return deep_ref.sigmoid(ZL)
    return softmax_ref.softmax(ZL)


def _forward_mistakes(X, parameters, states, keep_prob, seed, training):
    rng = lambda: np.random.default_rng(seed)
    if training:
        variants = [
            ("the kept activations were not divided by keep_prob: inverted dropout is A * D / keep_prob, so that "
             "the expected activation is unchanged (dropout_forward does both steps).", dict(dropout="unscaled")),
            ("D keeps a unit where rng.random(...) >= keep_prob: that drops with probability keep_prob instead of "
             "keeping. Use dropout_forward(A, keep_prob, rng), D = rng.random(A.shape) < keep_prob.",
             dict(dropout="swapped")),
            ("one mask per unit, shared by all the examples: draw one number per unit AND per example, "
             "rng.random(A.shape) (dropout_forward does).", dict(dropout="per_unit")),
            ("the input X was dropped too: dropout acts on the hidden layers' activations only, after each "
             "ReLU; never on the input, never on the output.", dict(drop_input=True)),
            ("the output layer was dropped too: dropout acts on the hidden layers only; ZL = WL A + bL, "
             "then softmax.", dict(drop_output=True)),
            ("batch norm comes after the ReLU: this network normalises Z, before the activation: "
             "Z = W A_prev, Z_tilde = BN(Z), A = relu(Z_tilde), then dropout.", dict(bn_after_relu=True)),
            ("in training, batch norm normalises with the batch's statistics: pass training=training to "
             "batchnorm_forward (you normalised with the running statistics).", dict(bn_training=False)),
            ("the output is not a softmax: AL = softmax(ZL), with ZL = WL A + bL (you returned ZL itself).",
             dict(output="linear")),
            ("the output is a sigmoid: for C classes the output layer is a softmax, AL = softmax(ZL).",
             dict(output="sigmoid")),
        ]
    else:
        variants = [
            ("dropout was applied at test time (training=False): at test time every unit is kept and "
             "nothing is scaled (slide 17); draw masks only when training.", dict(dropout="inverted")),
            ("with training=False batch norm must use the running statistics: pass training=training to "
             "batchnorm_forward (you normalised with the batch's statistics).", dict(bn_training=True,
                                                                                     dropout="off")),
            ("at test time, this is the training-mode network (dropout masks AND the batch's statistics): "
             "with training=False, no dropout, and batchnorm_forward(..., training=False).",
             dict(bn_training=True, dropout="inverted")),
            ("the output is not a softmax: AL = softmax(ZL), with ZL = WL A + bL (you returned ZL itself).",
             dict(output="linear", dropout="off")),
        ]
    mistakes = []
    with np.errstate(all="ignore"):
        for hint, options in variants:
            try:
                value = _forward_variant(X, parameters, states, keep_prob, rng(), training, **options)
            except (ValueError, TypeError, KeyError):
                continue
            mistakes.append(Mistake(f"AL is wrong: {hint}", value, id="forward_mistakes.al-is-wrong"))
    return mistakes


def _check_forward_caches(caches, expected_caches, L, keep_prob):
    if not isinstance(caches, (list, tuple)):
        fail(f"caches must be a list with one cache per layer, got {type(caches).__name__}.", mistake="check_forward_caches.caches-must-be-a-list-with")
    if len(caches) != L:
        fail(f"caches has {len(caches)} entries, expected L = {L}: one per layer, the output layer included.", mistake="check_forward_caches.caches-has-entries-expected-l-one")
    for l in range(1, L):
        cache, ((A_prev, W), bn_cache, Z_tilde, D) = caches[l - 1], expected_caches[l - 1]
        label = f"caches[{l - 1}] (hidden layer {l})"
        if not isinstance(cache, (tuple, list)) or len(cache) != 4:
            fail(f"{label} must be the tuple ((A_prev, W), bn_cache, Z_tilde, D): the backward pass needs all four.", mistake="check_forward_caches.must-be-the-tuple-a-prev")
        linear, bn_cache_s, z_tilde, d = cache
        if not isinstance(linear, (tuple, list)) or len(linear) != 2:
            fail(f"{label}[0] must be the pair (A_prev, W): a batch-normalised layer has no b.", mistake="check_forward_caches.must-be-the-pair-a-prev")
        hint = []
        if l > 1:
            undropped = expected_caches[l - 2][2]
            hint = [Mistake("A_prev must be the layer's input as it was used, after the previous layer's dropout "
                            "(you stored the activation before dropout).", deep_ref.relu(undropped), id="check_forward_caches.a-prev-must-be-the-layer")]
        expect_array(f"{label}[0][0] (A_prev)", linear[0], A_prev, what="(n[l-1], m): the layer's input",
                     mistakes=hint)
        expect_array(f"{label}[0][1] (W)", linear[1], W, what="(n[l], n[l-1])")
        if not isinstance(bn_cache_s, (tuple, list)) or len(bn_cache_s) != 3:
            fail(f"{label}[1] must be the cache returned by batchnorm_forward, (Z_hat, gamma, std).", mistake="check_forward_caches.must-be-the-cache-returned-by")
        for i, (item, value, name) in enumerate(zip(bn_cache_s, bn_cache, ("Z_hat", "gamma", "std"))):
            expect_array(f"{label}[1][{i}] ({name})", item, value)
        expect_array(f"{label}[2] (Z_tilde)", z_tilde, Z_tilde, what="(n[l], m): batch norm's output, before the ReLU",
                     mistakes=[Mistake("store Z_tilde, the batch-norm output BEFORE the ReLU (relu_backward needs "
                                       "it), not the activation.", deep_ref.relu(Z_tilde), id="check_forward_caches.store-z-tilde-the-batch-norm")])
        if d is None and keep_prob == 1.0:
            continue   # nothing dropped: the backward pass without a mask is the same
        if d is None:
            fail(f"{label}[3] is None in training: store the dropout mask D returned by dropout_forward.", mistake="check_forward_caches.is-none-in-training-store-the")
        expect_array(f"{label}[3] (D)", np.asarray(d, dtype=np.float64) if isinstance(d, np.ndarray) else d,
                     D.astype(np.float64), what="(n[l], m): the dropout mask")
    cache = caches[L - 1]
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        fail(f"caches[{L - 1}] (the output layer) must be the pair (linear_cache, ZL), as linear_forward and softmax "
             f"give them.", mistake="check_forward_caches.caches-the-output-layer-must-be")
    (A_prev, W, b), ZL = expected_caches[L - 1]
    linear, zl = cache
    if not isinstance(linear, (tuple, list)) or len(linear) != 3:
        fail(f"caches[{L - 1}][0] must be the linear cache (A_prev, WL, bL) returned by linear_forward.", mistake="check_forward_caches.caches-must-be-the-linear-cache")
    for item, value, name in zip(linear, (A_prev, W, b), ("A_prev", "WL", "bL")):
        expect_array(f"caches[{L - 1}][0] ({name})", item, value)
    expect_array(f"caches[{L - 1}][1] (ZL)", zl, ZL, what="(C, m): the scores before the softmax")


def check_forward_propagation(forward_propagation, layer_dims=(5, 4, 3, 4), m=6, keep_prob=0.7, seed=0):
    """[W A_prev -> batchnorm_forward -> relu -> dropout_forward] * (L-1) -> linear_forward -> softmax;
    dropout and batch statistics only with training=True; caches for backward_propagation."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _bn_parameters(rng, dims)
    states0 = _states(rng, dims)
    X = rng.standard_normal((dims[0], m)) * 1.5 + 0.5
    mask_seed = seed + 100
    for training in (True, False):
        mode = f"training={training}"
        states = _copy(states0)
        generator = np.random.default_rng(mask_seed)
        before = generator.bit_generator.state
        result = student_call(forward_propagation, "forward_propagation", X.copy(), _ParameterDict(_copy(parameters)),
                              states, keep_prob, generator, training=training)
        AL, caches = expect_tuple("forward_propagation", result, 2, "a tuple (AL, caches)")
        expected_states = _copy(states0)
        expected, expected_caches = ref.forward_propagation(X, parameters, expected_states, keep_prob,
                                                            np.random.default_rng(mask_seed), training=training)
        drew = generator.bit_generator.state != before
        if training and not drew and keep_prob < 1:
            fail("forward_propagation did not draw anything from rng in training: the dropout masks must come from "
                 "the rng argument, dropout_forward(A, keep_prob, rng), never from np.random or a new generator "
                 "(so that a seed repeats the same training).", mistake="forward_propagation.forward-propagation-did-not-draw-anything")
        if training and isinstance(AL, np.ndarray) and AL.shape == expected.shape and not _same(AL, expected):
            again = student_call(forward_propagation, "forward_propagation", X.copy(),
                                 _ParameterDict(_copy(parameters)), _copy(states0), keep_prob,
                                 np.random.default_rng(mask_seed), training=True)
            if isinstance(again, tuple) and len(again) == 2 and isinstance(again[0], np.ndarray) \
                    and again[0].shape == AL.shape and not np.allclose(again[0], AL, equal_nan=True):
                fail("Two calls with generators of the same seed gave different AL: draw every dropout mask from "
                     "the rng argument (dropout_forward(A, keep_prob, rng)), never from np.random or a new generator.", mistake="forward_propagation.two-calls-with-generators-of-the")
        mistakes = _forward_mistakes(X, parameters, states0, keep_prob, mask_seed, training)
        expect_array(f"AL ({mode})", AL, expected, what="(C, m): one column of probabilities per example",
                     mistakes=mistakes)
        if not training and drew:
            fail("With training=False forward_propagation drew random numbers from rng: at test time there is no "
                 "dropout, so nothing is drawn (draw masks only when training).", mistake="forward_propagation.with-training-false-forward-propagation-drew")
        for l, (state, expected_state, old) in enumerate(zip(states, expected_states, states0), start=1):
            for key in ("running_mean", "running_var"):
                expect_keys(f"bn_states[{l - 1}]", state, (key,))
                if training and _same(state[key], old[key]):
                    fail(f"bn_states[{l - 1}]['{key}'] did not change in training: pass bn_states[l - 1], the state "
                         f"of hidden layer l, and training=training to batchnorm_forward (it updates the state in "
                         f"place).", mistake="forward_propagation.bn-states-did-not-change-in")
                if not training and not _same(state[key], old[key]):
                    fail(f"bn_states[{l - 1}]['{key}'] changed with training=False: pass training=training to "
                         f"batchnorm_forward; at test time the running statistics normalise and are not updated.", mistake="forward_propagation.bn-states-changed-with-training-false")
                expect_array(f"bn_states[{l - 1}]['{key}'] ({mode})", state[key], expected_state[key],
                             what="(n[l], 1)")
        if training:
            _check_forward_caches(caches, expected_caches, L, keep_prob)
    try:
        result = forward_propagation(X.copy(), _ParameterDict(_copy(parameters)), _copy(states0), training=False)
    except NotImplementedError:
        fail("forward_propagation is not implemented yet: replace `raise NotImplementedError()` with your code.", mistake="forward_propagation.forward-propagation-is-not-implemented-yet")
    except Exception as exc:  # noqa: BLE001 - any crash here has the same cause
        fail(f"forward_propagation(X, parameters, bn_states, training=False) raised {type(exc).__name__}: {exc}. "
             f"At test time keep_prob and rng play no role (evaluate passes neither): draw no mask, call no "
             f"dropout_forward when training is False.", mistake="forward_propagation.forward-propagation-x-parameters-bn-states")
    AL, _ = expect_tuple("forward_propagation", result, 2, "a tuple (AL, caches)")
    expected, _ = ref.forward_propagation(X, parameters, _copy(states0), training=False)
    expect_array("AL (training=False, without keep_prob and rng)", AL, expected, what="(C, m)")
    passed("forward_propagation")


# --- exercise 2: evaluate -------------------------------------------------------------------------------

def _evaluate_problem(dims, m, seed):
    """A network, running statistics far from this batch's, and labels that the test-mode network gets
    right about two times in three (so that every typical mistake gives another accuracy)."""
    rng = np.random.default_rng(seed)
    parameters = _bn_parameters(rng, dims)
    states = _states(rng, dims)
    X = rng.standard_normal((dims[0], m)) + rng.uniform(-1, 1, (dims[0], 1))
    predictions = ref.predict(parameters, states, X)[0]
    C = dims[-1]
    labels = np.where(rng.random(m) < 0.65, predictions, rng.integers(0, C, m))
    return parameters, states, X, labels.reshape(1, -1).astype(np.int64)


def check_evaluate(evaluate, layer_dims=(6, 5, 4, 5), m=40, seed=0):
    """The accuracy in test mode: forward_propagation(..., training=False), argmax over the classes, the share
    of examples whose prediction equals the label; bn_states untouched."""
    dims = list(layer_dims)
    parameters, states0, X, y = _evaluate_problem(dims, m, seed)
    recorder = _Recorder()
    expected = ref.evaluate(parameters, states0, X, y)
    states_train = _copy(states0)
    AL_train, _ = ref.forward_propagation(X, parameters, states_train, 1.0, np.random.default_rng(0), training=True)
    train_mode = float(np.mean(np.argmax(AL_train, axis=0) == y[0]))
    correct = int(round(expected * m))
    mistakes = [
        Mistake("This is the accuracy of the network in TRAINING mode (the batch's statistics in batch norm): "
                "evaluate with forward_propagation(X, parameters, bn_states, training=False).", train_mode, id="evaluate.this-is-the-accuracy-of-the"),
        Mistake(f"This is the number of correct predictions ({correct}), not their share: divide by m, or take "
                f"np.mean(predictions == labels).", float(correct), id="evaluate.this-is-the-number-of-correct"),
        Mistake("This is the error rate, 1 - accuracy: return the share of CORRECT predictions.", 1.0 - expected, id="evaluate.this-is-the-error-rate-accuracy"),
        Mistake("This is a percentage: return a fraction between 0 and 1.", 100.0 * expected, id="evaluate.this-is-a-percentage-return-a"),
        Mistake("A column was compared with a row: == then broadcasts to an (m, m) table of every pair of "
                "examples. Compare two 1-D arrays, np.argmax(AL, axis=0) == y[0] (or np.ravel(y)).",
                float(np.mean(ref.predict(parameters, states0, X).reshape(-1, 1) == y)), id="evaluate.a-column-was-compared-with-a"),
    ]
    forward = recorder.wrap("forward_propagation", ref.forward_propagation)

    def run():   # graded with the reference forward_propagation (recording how evaluate calls it)
        states = _copy(states0)
        for labels, kind in ((y, "int"), (y.astype(np.float64), "float")):
            recorder.calls.clear()
            try:
                result = student_call(evaluate, "evaluate", _ParameterDict(_copy(parameters)), states, X.copy(),
                                      labels.copy())
            except ExerciseFailure as failure:
                if "rng" in str(failure):
                    fail("evaluate called forward_propagation in training mode (its default, training=True), which "
                         "needs an rng for the dropout masks. Evaluate in test mode, forward_propagation(X, parameters, "
                         "bn_states, training=False): no dropout, so no rng.", mistake="evaluate.evaluate-called-forward-propagation-in-training")
                raise
            modes = [call["training"] for call in recorder.of("forward_propagation")]
            if any(modes):
                fail("evaluate called forward_propagation with training=True (its default): that is the training-mode "
                     "network, with dropout masks and the batch's statistics in batch norm, and it changes the running "
                     "statistics. Evaluate in test mode: forward_propagation(X, parameters, bn_states, training=False).", mistake="evaluate.evaluate-called-forward-propagation-with-training")
            for l, (state, old) in enumerate(zip(states, states0), start=1):
                for key in ("running_mean", "running_var"):
                    if not _same(state[key], old[key]):
                        fail(f"evaluate changed bn_states[{l - 1}]['{key}']: it ran the network in training mode. "
                             f"Evaluate in test mode, forward_propagation(X, parameters, bn_states, training=False), which "
                             f"leaves the running statistics alone.", mistake="evaluate.evaluate-changed-bn-states-it-ran")
            if isinstance(result, np.ndarray) and result.size > 1:
                fail(f"evaluate returned an array of shape {result.shape}: return one number, the share of correct "
                     f"predictions, e.g. float(np.mean(predictions == labels)). (If predictions is a column and y a row, "
                     f"== compares every pair: flatten both first.)", mistake="evaluate.evaluate-returned-an-array-of-shape")
            expect_float(f"evaluate(parameters, bn_states, X, y) with {kind} labels", result, expected, mistakes=mistakes)

    graded_on_its_own(evaluate, "evaluate", {"forward_propagation": forward}, run)


# --- exercise 3: model ------------------------------------------------------------------------------------

def _model_problem(dims, m, m_dev, seed):
    rng = np.random.default_rng(seed)
    X_all, y_all = _classification(rng, dims[0], dims[-1], m + m_dev)
    X, y, X_dev, y_dev = X_all[:, :m], y_all[:, :m], X_all[:, m:], y_all[:, m:]
    return X, softmax_ref.one_hot(y, dims[-1]), X_dev, y_dev


def _model_recorder():
    recorder = _Recorder()
    names = {
        "forward_propagation": ref.forward_propagation, "backward_propagation": ref.backward_propagation,
        "compute_cost": ref.compute_cost, "evaluate": ref.evaluate,
        "update_parameters_with_adam": opt_ref.update_parameters_with_adam, "update_lr": opt_ref.update_lr,
        "random_mini_batches": opt_ref.random_mini_batches,
    }
    return recorder, {name: recorder.wrap(name, fn) for name, fn in names.items()}


def _diagnose_model_calls(recorder, X, Y, arguments):
    """Hints from the arguments the student's model passed to the building blocks (when it used them)."""
    num_epochs, seed = arguments["num_epochs"], arguments["seed"]
    keep_prob, lambd = arguments["keep_prob"], arguments["lambd"]
    rate0, decay_rate = arguments["learning_rate0"], arguments["decay_rate"]
    forwards = recorder.of("forward_propagation")
    training_forwards = [call for call in forwards if call["training"]]
    batches = recorder.of("random_mini_batches")
    adams = recorder.of("update_parameters_with_adam")
    if forwards and not training_forwards:
        fail("model never called forward_propagation with training=True: the training steps must run the training-"
             "mode network (batch statistics, dropout), forward_propagation(X_batch, parameters, bn_states, "
             "keep_prob, rng, training=True).", mistake="diagnose_model_calls.model-never-called-forward-propagation-with")
    if training_forwards:
        if any(not np.isclose(call["keep_prob"], keep_prob) for call in training_forwards):
            fail(f"forward_propagation was called with keep_prob = {training_forwards[0]['keep_prob']} instead of the "
                 f"model's keep_prob = {keep_prob}: pass keep_prob on.", mistake="diagnose_model_calls.forward-propagation-was-called-with-keep")
        if len({id(call["rng"]) for call in training_forwards}) > 1:
            fail("forward_propagation got a different rng at different steps: use ONE generator for the whole "
                 "training, the rng created before the loop (a new np.random.default_rng(seed) at every step or epoch "
                 "repeats the same masks).", mistake="diagnose_model_calls.forward-propagation-got-a-different-rng")
    if batches:
        seeds = [call["seed"] for call in batches]
        if len(batches) != num_epochs:
            times = "once" if len(batches) == 1 else f"{len(batches)} times"
            fail(f"random_mini_batches was called {times} for {num_epochs} epochs: shuffle once per "
                 f"epoch, at the start of each epoch, random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch).", mistake="diagnose_model_calls.random-mini-batches-was-called-for")
        if len(set(seeds)) == 1 and num_epochs > 1:
            fail(f"Every epoch used the same mini-batches (seed {seeds[0]} each time): reshuffle every epoch with "
                 f"seed=seed + epoch.", mistake="diagnose_model_calls.every-epoch-used-the-same-mini")
        if seeds != [seed + epoch for epoch in range(num_epochs)]:
            fail(f"The mini-batches were shuffled with the seeds {seeds}, expected seed + epoch = "
                 f"{[seed + epoch for epoch in range(num_epochs)]}.", mistake="diagnose_model_calls.the-mini-batches-were-shuffled-with")
        if any(call["mini_batch_size"] != arguments["mini_batch_size"] for call in batches):
            fail(f"random_mini_batches was called with mini_batch_size = {batches[0]['mini_batch_size']}: pass the "
                 f"model's mini_batch_size = {arguments['mini_batch_size']} on.", mistake="diagnose_model_calls.random-mini-batches-was-called-with")
        for call in batches:
            if not (np.shape(call["X"]) == X.shape and np.allclose(call["X"], X)
                    and np.shape(call["Y"]) == Y.shape and np.allclose(call["Y"], Y)):
                fail("random_mini_batches did not get the whole training set (X, Y), in its original order: shuffle "
                     "the pair together, random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch).", mistake="diagnose_model_calls.random-mini-batches-did-not-get")
    # every training forward pass and the cost / backward pass after it must see the same examples
    columns = {X[:, i].tobytes(): int(np.argmax(Y[:, i])) for i in range(X.shape[1])}
    ys = [call["Y"] for call in recorder.of("backward_propagation")] or [call["Y"] for call in
                                                                        recorder.of("compute_cost")]
    for call, Y_batch in zip(training_forwards, ys):
        X_batch = np.asarray(call["X"])
        labels = [columns.get(np.ascontiguousarray(X_batch[:, i]).tobytes()) for i in range(X_batch.shape[1])]
        if np.shape(Y_batch)[1:] == (X_batch.shape[1],) and None not in labels \
                and not np.array_equal(labels, np.argmax(Y_batch, axis=0)):
            fail("The labels of a mini-batch do not belong to its images: X and Y were shuffled apart. Shuffle them "
                 "with ONE permutation (random_mini_batches(X, Y, ...) does) and use each pair (X_batch, Y_batch) "
                 "together.", mistake="diagnose_model_calls.the-labels-of-a-mini-batch")
    for name, label in (("compute_cost", "compute_cost(AL, Y_batch, parameters, lambd)"),
                        ("backward_propagation", "backward_propagation(AL, Y_batch, caches, keep_prob, lambd)")):
        calls = recorder.of(name)
        if any(not np.isclose(call["lambd"], lambd) for call in calls):
            fail(f"{name} was called with lambd = {calls[0]['lambd']} instead of the model's lambd = {lambd}: "
                 f"{label}.", mistake="diagnose_model_calls.was-called-with-lambd-instead-of")
    backwards = recorder.of("backward_propagation")
    if any(not np.isclose(call["keep_prob"], keep_prob) for call in backwards):
        fail(f"backward_propagation was called with keep_prob = {backwards[0]['keep_prob']}: the backward pass "
             f"divides by the same keep_prob as the forward pass, backward_propagation(AL, Y_batch, caches, "
             f"keep_prob, lambd).", mistake="diagnose_model_calls.backward-propagation-was-called-with-keep")
    if adams:
        steps = [call["t"] for call in adams]
        total = len(adams)
        if steps != list(range(1, total + 1)):
            if len(set(steps)) == 1:
                fail(f"Adam's t was {steps[0]} at every step: t counts the updates, t += 1 before each "
                     f"update_parameters_with_adam (1 for the first), so that the bias correction fades away.", mistake="diagnose_model_calls.adam-s-t-was-at-every")
            if steps[0] == 1 and steps.count(1) == num_epochs:
                fail("Adam's t starts again at 1 every epoch: t counts ALL the updates since the start of "
                     "training (set it to 0 once, before the epochs; t += 1 before each update).", mistake="diagnose_model_calls.adam-s-t-starts-again-at")
            fail(f"Adam's t went {steps[:6]}...: it must be 1, 2, 3, ... (t += 1 before each update).", mistake="diagnose_model_calls.adam-s-t-went-it-must")
        sizes = [len(opt_ref.random_mini_batches(X, Y, arguments["mini_batch_size"], seed=seed + e))
                 for e in range(num_epochs)]
        epochs = np.repeat(np.arange(num_epochs), sizes)
        if len(epochs) == total:
            rates = np.array([call["learning_rate"] for call in adams], dtype=np.float64)
            expected = np.array([opt_ref.update_lr(rate0, e, decay_rate) for e in epochs])
            if not np.allclose(rates, expected, rtol=1e-9):
                if decay_rate > 0 and np.allclose(rates, rate0):
                    fail(f"The learning rate never decayed: Adam got learning_rate0 = {rate0} at every step. At the "
                         f"start of each epoch compute learning_rate = update_lr(learning_rate0, epoch, decay_rate), "
                         f"and pass THAT to update_parameters_with_adam.", mistake="diagnose_model_calls.the-learning-rate-never-decayed-adam")
                steps_arr = np.arange(1, total + 1)
                for variant, hint in (
                        (rate0 / (1 + decay_rate * steps_arr), "every step (with t)"),
                        (rate0 / (1 + decay_rate * (steps_arr - 1)), "every step"),
                        (rate0 / (1 + decay_rate * (epochs + 1)), "one epoch too early (epoch + 1)")):
                    if np.allclose(rates, variant, rtol=1e-9):
                        fail(f"The learning rate was decayed {hint}: decay it once per epoch, learning_rate = "
                             f"update_lr(learning_rate0, epoch, decay_rate) with epoch = 0, 1, ...", mistake="diagnose_model_calls.the-learning-rate-was-decayed-decay")
                compounded = [rate0]
                for e in range(1, num_epochs):
                    compounded.append(opt_ref.update_lr(compounded[-1], e, decay_rate))
                if np.allclose(rates, np.array(compounded)[epochs], rtol=1e-9):
                    fail("The decay compounds: each epoch decays the previous epoch's rate. Always start from "
                         "learning_rate0: learning_rate = update_lr(learning_rate0, epoch, decay_rate).", mistake="diagnose_model_calls.the-decay-compounds-each-epoch-decays")
                fail(f"Adam got the learning rates {np.round(rates[:4], 6).tolist()}..., expected "
                     f"{np.round(expected[:4], 6).tolist()}...: learning_rate = update_lr(learning_rate0, epoch, "
                     f"decay_rate) for every step of the epoch.", mistake="diagnose_model_calls.adam-got-the-learning-rates-expected")


def check_model(model, layer_dims=(5, 4, 3, 3), m=50, num_epochs=3, mini_batch_size=16, learning_rate0=0.02,
                decay_rate=0.5, lambd=0.3, keep_prob=0.8, seed=0):
    """Mini-batch Adam with learning-rate decay: per epoch, update_lr then random_mini_batches(seed + epoch); per
    mini-batch forward (training), cost, backward, t += 1, Adam; history per epoch; dev accuracies when asked."""
    dims = list(layer_dims)
    X, Y, X_dev, y_dev = _model_problem(dims, m, max(2 * dims[-1], 12), seed)
    arguments = dict(learning_rate0=learning_rate0, decay_rate=decay_rate, lambd=lambd, keep_prob=keep_prob,
                     num_epochs=num_epochs, mini_batch_size=mini_batch_size, seed=seed)
    recorder, replacements = _model_recorder()

    def run():   # graded with the reference building blocks (recording how model calls them)
        recorder.calls.clear()
        result = student_call(model, "model", X.copy(), Y.copy(), list(dims), dev=(X_dev.copy(), y_dev.copy()),
                              **arguments)
        parameters, bn_states, history = expect_tuple("model", result, 3, "a tuple (parameters, bn_states, history)")
        expected_parameters, expected_states, expected_history = ref.model(X, Y, dims, dev=(X_dev, y_dev), **arguments)
        _diagnose_model_calls(recorder, X, Y, arguments)
        expect_keys("history", history, ("cost", "learning_rate", "train_accuracy", "dev_accuracy"))
        rates = history["learning_rate"]
        if not hasattr(rates, "__len__") or len(rates) != num_epochs:
            fail(f"history['learning_rate'] must hold one rate per epoch ({num_epochs}), got "
                 f"{len(rates) if hasattr(rates, '__len__') else type(rates).__name__}.", mistake="model.history-learning-rate-must-hold-one")
        expect_array("history['learning_rate']", np.asarray(rates, dtype=np.float64),
                     np.asarray(expected_history["learning_rate"]), mistakes=[
                         Mistake("The learning rate never decayed: at the start of each epoch, learning_rate = "
                                 "update_lr(learning_rate0, epoch, decay_rate).", np.full(num_epochs, learning_rate0), id="model.the-learning-rate-never-decayed-at")])
        expect_keys("parameters", parameters, list(expected_parameters))
        initial, _ = ref.initialize(dims, seed=seed)
        if all(_same(parameters[key], initial[key]) for key in initial):
            fail("The parameters never changed: assign what update_parameters_with_adam returns, "
                 "parameters, v, s = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate).", mistake="model.the-parameters-never-changed-assign-what")
        with np.errstate(all="ignore"):
            no_decay, _, _ = ref.model(X, Y, dims, **{**arguments, "decay_rate": 0.0})
            no_l2, _, _ = ref.model(X, Y, dims, **{**arguments, "lambd": 0.0})
            no_dropout, _, _ = ref.model(X, Y, dims, **{**arguments, "keep_prob": 1.0})
            one_epoch, _, _ = ref.model(X, Y, dims, **{**arguments, "num_epochs": 1})
        for key in expected_parameters:
            expect_array(f"trained parameters['{key}']", parameters[key], expected_parameters[key], rtol=1e-5, atol=1e-8,
                         mistakes=[
                             Mistake("These are the parameters trained WITHOUT learning-rate decay: use learning_rate = "
                                     "update_lr(learning_rate0, epoch, decay_rate) in Adam's update.", no_decay[key], id="model.these-are-the-parameters-trained-without"),
                             Mistake("These are the parameters trained without L2: pass lambd to compute_cost and "
                                     "backward_propagation.", no_l2[key], id="model.these-are-the-parameters-trained-without-2"),
                             Mistake("These are the parameters trained without dropout: pass keep_prob and rng to "
                                     "forward_propagation, and keep_prob to backward_propagation.", no_dropout[key], id="model.these-are-the-parameters-trained-without-3"),
                             Mistake("Only one epoch was trained: loop over range(num_epochs).", one_epoch[key], id="model.only-one-epoch-was-trained-loop"),
                         ])
        if not isinstance(bn_states, (list, tuple)) or len(bn_states) != len(expected_states):
            fail(f"bn_states must be the list of the {len(expected_states)} hidden layers' states that "
                 f"forward_propagation updated during training.", mistake="model.bn-states-must-be-the-list")
        for l, (state, expected_state) in enumerate(zip(bn_states, expected_states), start=1):
            for key in ("running_mean", "running_var"):
                expect_keys(f"bn_states[{l - 1}]", state, (key,))
                expect_array(f"bn_states[{l - 1}]['{key}']", state[key], expected_state[key], rtol=1e-5, atol=1e-8,
                             mistakes=[Mistake("the running statistics are the initial ones: return the bn_states that "
                                               "forward_propagation updated.", ref.initialize(dims, seed)[1][l - 1][key], id="model.the-running-statistics-are-the-initial")])
        costs = history["cost"]
        expected_costs = np.asarray(expected_history["cost"])
        if not hasattr(costs, "__len__") or len(costs) != num_epochs:
            got = len(costs) if hasattr(costs, "__len__") else type(costs).__name__
            fail(f"history['cost'] must hold one number per epoch ({num_epochs}): the mean of the epoch's mini-batch "
                 f"costs; got {got}.", mistake="model.history-cost-must-hold-one-number")
        batch_counts = np.array([len(opt_ref.random_mini_batches(X, Y, mini_batch_size, seed=seed + e))
                                 for e in range(num_epochs)])
        expect_array("history['cost']", np.asarray(costs, dtype=np.float64), expected_costs, rtol=1e-5, atol=1e-8,
                     mistakes=[Mistake("Each epoch's cost is the SUM of its mini-batch costs: record their mean, "
                                       "np.mean(batch_costs).", expected_costs * batch_counts, id="model.each-epoch-s-cost-is-the")])
        for key, data in (("train_accuracy", "the training set (X with labels)"), ("dev_accuracy", "dev = (X_dev, y_dev)")):
            values = history[key]
            if not hasattr(values, "__len__") or len(values) != num_epochs:
                fail(f"history['{key}'] must hold one accuracy per epoch ({num_epochs}) when dev is given: after each "
                     f"epoch, evaluate the network on {data}.", mistake="model.history-must-hold-one-accuracy-per")
            expect_array(f"history['{key}']", np.asarray(values, dtype=np.float64),
                         np.asarray(expected_history[key]), rtol=1e-9, atol=1e-12)
        # without dev, the accuracies are not computed
        recorder.calls.clear()
        result = student_call(model, "model", X.copy(), Y.copy(), list(dims), **{**arguments, "num_epochs": 1})
        _, _, history = expect_tuple("model", result, 3, "a tuple (parameters, bn_states, history)")
        if recorder.of("evaluate") or (isinstance(history, dict) and len(history.get("dev_accuracy", [])) > 0):
            fail("With dev=None (the default) model must not evaluate anything: record the accuracies only when dev "
                 "is given (if dev is not None: ...).", mistake="model.with-dev-none-the-default-model")

    graded_on_its_own(model, "model", replacements, run)


# --- exercise 4: make_train_eval -------------------------------------------------------------------------

def check_make_train_eval(make_train_eval, layer_dims=(5, 4, 3, 3), m=40, num_epochs=2, keep_prob=0.8,
                          decay_rate=0.5, seed=0):
    """train_eval(config) trains model on (X_train, Y_train) with config's learning_rate and lambd, the fixed
    hyper-parameters passed on, and returns evaluate on (X_dev, y_dev); the test set is never touched."""
    if callable(make_train_eval):
        used = sorted(global_names(make_train_eval) & set(TEST_NAMES))
        if used:
            fail(f"make_train_eval uses {', '.join(used)}: the search must never see the test set. Train on "
                 f"X_train, Y_train and score on X_dev, y_dev, the arguments; the test set is used once, at the "
                 f"very end, after every choice has been made.", mistake="make_train_eval.make-train-eval-uses-the-search")
    dims = list(layer_dims)
    X_train, Y_train, X_dev, y_dev = _model_problem(dims, m, max(2 * dims[-1], 12), seed)
    fixed = dict(num_epochs=num_epochs, keep_prob=keep_prob, decay_rate=decay_rate, seed=seed)
    recorder = _Recorder()
    replacements = {"model": recorder.wrap("model", ref.model), "evaluate": recorder.wrap("evaluate", ref.evaluate)}

    def run():   # graded with the reference model and evaluate (recording how train_eval calls them)
        train_eval = student_call(make_train_eval, "make_train_eval", X_train.copy(), Y_train.copy(), X_dev.copy(),
                                  y_dev.copy(), list(dims), **fixed)
        if not callable(train_eval):
            fail(f"make_train_eval must return a function (train_eval, defined inside it), got "
                 f"{type(train_eval).__name__}.", mistake="make_train_eval.make-train-eval-must-return-a")
        for config in ({"learning_rate": 0.05, "lambd": 0.7}, {"learning_rate": 0.003, "lambd": 0.01}):
            recorder.calls.clear()
            score = student_call(train_eval, "train_eval", dict(config))
            expected_parameters, expected_states, _ = ref.model(
                X_train, Y_train, dims, learning_rate0=config["learning_rate"], decay_rate=decay_rate,
                lambd=config["lambd"], keep_prob=keep_prob, num_epochs=num_epochs, seed=seed)
            expected = ref.evaluate(expected_parameters, expected_states, X_dev, y_dev)
            models = recorder.of("model")
            if len(models) > 1:
                fail(f"train_eval trained {len(models)} networks for one configuration: train once, score once.", mistake="make_train_eval.train-eval-trained-networks-for-one")
            for call in models:
                if np.shape(call["X"]) == X_dev.shape and np.allclose(call["X"], X_dev):
                    fail("train_eval trained on the dev set: train on X_train, Y_train; the dev set only scores.", mistake="make_train_eval.train-eval-trained-on-the-dev")
                if np.isclose(call["learning_rate0"], config["lambd"]) and np.isclose(call["lambd"],
                                                                                      config["learning_rate"]):
                    fail("The learning rate and lambd are swapped: learning_rate0=config['learning_rate'], "
                         "lambd=config['lambd'].", mistake="make_train_eval.the-learning-rate-and-lambd-are")
                checks = (("learning_rate0", config["learning_rate"], "config['learning_rate']"),
                          ("lambd", config["lambd"], "config['lambd']"), ("keep_prob", keep_prob, "keep_prob"),
                          ("decay_rate", decay_rate, "decay_rate"), ("num_epochs", num_epochs, "num_epochs"),
                          ("seed", seed, "seed"))
                for name, value, source in checks:
                    if not np.isclose(call[name], value):
                        fail(f"model was called with {name} = {call[name]!r}, expected {source} = {value!r}: every "
                             f"training of the search uses the configuration's learning rate and lambd and the "
                             f"fixed hyper-parameters given to make_train_eval.", mistake="make_train_eval.model-was-called-with-expected-every")
            for call in recorder.of("evaluate"):
                if np.shape(call["X"]) == X_train.shape and np.allclose(call["X"], X_train):
                    fail("train_eval scored the network on the TRAINING set: choose hyper-parameters by the accuracy "
                         "on the dev set, evaluate(parameters, bn_states, X_dev, y_dev).", mistake="make_train_eval.train-eval-scored-the-network-on")
            train_score = ref.evaluate(expected_parameters, expected_states, X_train, np.argmax(Y_train, axis=0))
            expect_float(f"train_eval({config})", score, expected, mistakes=[
                Mistake("This is the accuracy on the training set: score on the dev set, evaluate(parameters, "
                        "bn_states, X_dev, y_dev).", train_score, id="make_train_eval.this-is-the-accuracy-on-the"),
                Mistake("This is the dev error rate: return the dev ACCURACY (higher is better: random_search and "
                        "best_config look for the highest score).", 1.0 - expected, id="make_train_eval.this-is-the-dev-error-rate")])

    graded_on_its_own(make_train_eval, "make_train_eval", replacements, run)


# --- challenge: AdamW ----------------------------------------------------------------------------------------

def check_update_parameters_with_adamw(update_parameters_with_adamw, layer_dims=(4, 3, 2), t=3, learning_rate=0.05,
                                       weight_decay=0.5, seed=31):
    """Adam's step on the unregularised gradients, plus decoupled decay of the weights W{l} only:
    W = (1 - learning_rate * weight_decay) W - learning_rate * v_hat / (sqrt(s_hat) + epsilon); v, s as Adam's."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    parameters = _bn_parameters(rng, dims)
    parameters = {key: value for key, value in parameters.items()}
    grads = {"d" + key: rng.standard_normal(value.shape) for key, value in parameters.items()}
    v = {key: 0.3 * rng.standard_normal(value.shape) for key, value in grads.items()}
    s = {key: rng.uniform(0.1, 1.0, value.shape) for key, value in grads.items()}
    result = student_call(update_parameters_with_adamw, "update_parameters_with_adamw", _copy(parameters),
                          _copy(grads), _copy(v), _copy(s), t, learning_rate, weight_decay)
    new_parameters, new_v, new_s = expect_tuple("update_parameters_with_adamw", result, 3, "a tuple (parameters, v, s)")
    e_parameters, e_v, e_s = opt_ref.update_parameters_with_adamw(parameters, grads, v, s, t, learning_rate,
                                                                  weight_decay)
    l2_grads = {d: g + weight_decay * parameters[d[1:]] if d.startswith("dW") else g for d, g in grads.items()}
    l2_parameters, l2_v, l2_s = opt_ref.update_parameters_with_adam(parameters, l2_grads, v, s, t, learning_rate)
    adam_parameters, _, _ = opt_ref.update_parameters_with_adam(parameters, grads, v, s, t, learning_rate)
    everything = {key: value - learning_rate * weight_decay * parameters[key] for key, value in adam_parameters.items()}
    after = {key: value - learning_rate * weight_decay * value if key.startswith("W") else value
             for key, value in adam_parameters.items()}
    for name, got, expected, wrong in (("v", new_v, e_v, l2_v), ("s", new_s, e_s, l2_s)):
        expect_keys(f"{name} (returned)", got, list(expected))
        for key in expected:
            expect_array(f"{name} (returned)['{key}']", got[key], expected[key], what="like the gradient", mistakes=[
                Mistake(f"{name} saw the decay term weight_decay * W: that is L2 through Adam. AdamW keeps the decay out "
                        f"of the moments; v and s average the unregularised gradients only.", wrong[key],
                        id="update_parameters_with_adamw.l2-in-moments")])
    expect_keys("parameters (returned)", new_parameters, list(e_parameters))
    for key in e_parameters:
        expect_array(f"parameters (returned)['{key}']", new_parameters[key], e_parameters[key],
                     what=f"{e_parameters[key].shape}, like {key}", mistakes=[
            Mistake("The decay went into the gradient (L2 through Adam): Adam then divides it by sqrt(s_hat) like any "
                    "gradient. Decouple it: W = W - learning_rate * weight_decay * W, beside Adam's step.",
                    l2_parameters[key], id="update_parameters_with_adamw.l2-through-adam"),
            Mistake("There is no decay: subtract learning_rate * weight_decay * W from each weight, besides Adam's step.",
                    adam_parameters[key], id="update_parameters_with_adamw.no-decay"),
            Mistake("The biases, gamma and beta were decayed too: as notebook 03's L2, weight decay applies to the "
                    "weights W{l} only.", everything[key], id="update_parameters_with_adamw.decays-everything"),
            Mistake("The decay was applied to the weights AFTER Adam's step: decay the weights as they were before "
                    "the step, W = W - learning_rate * (adam_step + weight_decay * W).", after[key],
                    id="update_parameters_with_adamw.decay-after-step"),
        ])
    passed("update_parameters_with_adamw")
