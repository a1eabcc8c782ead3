"""Checks for notebook 08 (softmax), as a table of exercises run by the engine (helpers.checks.engine):
`checks.check_softmax(softmax)`, or with other sizes and seeds in the hidden tests. Each named mistake
is a whole wrong answer, the reference with one piece changed.

Softmax's stability mistakes give NaN or infinity, which ordinary comparisons never match: the checks
of softmax and of the cost from the scores name those first (NaN and infinity in the same places).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from .. import deep as deep_ref
from .. import network as nets
from .. import softmax as ref
from .core import ExerciseFailure, expect_keys, fail, passed, student_call
from .deep import IDENTITY, IDENTITY_OUTPUT, RELU_OUTPUT, caching_its_output, swapped
from .engine import Exercise, Inputs, Out, Wrong, a_float, a_tuple, check, per_layer, run, value, wrong_results
from .networks import network

#: What the student edition copies as code (grading/edition/build.py): the checks written as code, the values and
#: extras that the tables name, and what they need; the tables, the mistakes and the helpers that spell an answer
#: stay here (their values on the visible cases are stored).
STUDENT_EDITION = ("named", "unnamed_not_finite", "check_softmax", "numbers_not_booleans", "check_one_hot",
                   "CachesList", "GradsKeys", "check_L_model_backward_softmax", "check_compute_cost_from_logits")

# --- inputs ------------------------------------------------------------------------------------------


def labels(rng, C, m, *, leave_out_last=False):
    """Class indices (1, m) int64 with at least two different classes (when C > 1)."""
    top = max(C - 1, 1) if leave_out_last else C
    drawn = rng.integers(0, top, size=(1, m))
    if m >= 2 and top >= 2:
        drawn[0, :2] = [0, top - 1]
    return drawn.astype(np.int64)


def scored(rng, dims, m, scale=1.0):
    """networks.network's (parameters, X), the output scores ZL of both signs (so that a ReLU wrongly applied to the
    output layer changes something)."""
    return network(rng, dims, m, scale, centred=(ref.L_model_forward_softmax, np.mean))


def named(exercise: Exercise, inputs: Inputs, result) -> bool:
    """True when a named mistake of `exercise` gives the student's array or number `result` (NaN for NaN): the
    engine names it."""
    return any(np.shape(wrong) == np.shape(result) and np.allclose(result, wrong, equal_nan=True)
               for _, wrong in wrong_results(exercise, inputs))


def unnamed_not_finite(exercise: Exercise, inputs: Inputs, result, label: str, generic: str) -> None:
    """Fail with the `generic` hint (where it breaks, and the stable way) when the student's `result` holds NaN or
    infinity that no named mistake gives."""
    actual = np.asarray(result, dtype=np.float64) if isinstance(result, (np.ndarray, float, int)) else None
    if actual is None or np.all(np.isfinite(actual)) or named(exercise, inputs, actual):
        return
    Z = inputs.args[0]
    columns = sorted(set(np.nonzero(~np.isfinite(actual))[1].tolist())) if actual.ndim == 2 else []
    where = f" (in column(s) {columns}; Z there: {np.array2string(Z[:, columns[0]], precision=1)})" if columns else ""
    fail(f"{label} contains NaN or infinity{where}. np.exp overflows above about 709 and underflows below about "
         f"-745: subtract each column's max first, Z - np.max(Z, axis=0, keepdims=True).",
         generic)


# --- softmax -----------------------------------------------------------------------------------------

def stress_Z(C):
    """Columns where the unstable variants fail: entries near -1000, one huge entry among small ones, and a
    column where subtracting the sum underflows but plain exp does not. (No column of 1000s: with an overflow
    in every row, normalising over the rows and over the whole matrix would give the same NaNs.)"""
    k = np.arange(C, dtype=np.float64)
    return np.stack([-1000.0 - 2 * k,                 # e^-1000 underflows to 0
                     np.where(k == 0, 1000.0, -k),    # one huge entry, the others small
                     300.0 + 100.0 * k / max(C - 1, 1)], axis=1)   # fine for e^z, not for e^(z - sum)


def softmax_inputs(C=4, m=3, seed=0):
    """Z (C, m + 3): m ordinary columns, then the three columns of stress_Z (scores of +-1000)."""
    return Inputs((np.hstack([np.random.default_rng(seed).standard_normal((C, m)) * 2.0, stress_Z(C)]),))


SHIFTS = {"column-max": lambda Z: np.max(Z, axis=0, keepdims=True), "none": lambda Z: 0.0,
          "sum": lambda Z: np.sum(Z, axis=0, keepdims=True), "global-max": np.max,
          "row-max": lambda Z: np.max(Z, axis=1, keepdims=True)}


def softmax_variant(Z, *, shift="column-max", exp=np.exp, axis=0, normalise=True):
    """softmax with its pieces as arguments: T = exp(Z - shift), then T over its sum along `axis`
    (None: the whole matrix)."""
    T = exp(Z - SHIFTS[shift](Z))
    return T / np.sum(T, axis=axis, keepdims=True) if normalise else T


OVER_ROWS = ("softmax is taken over the wrong axis: each column is one example, and its C entries must sum to 1. "
             "Use axis=0 in np.max and np.sum (with keepdims=True).")
TOTAL_SUM = ("You divided by the sum of all the entries of the matrix: divide each column by its own sum, "
             "np.sum(T, axis=0, keepdims=True), so that every example's probabilities sum to 1.")
SOFTMAX = Exercise(
    "softmax", ref.softmax, softmax_inputs, dict(C=4, m=3, seed=0),
    (Out("softmax(Z)", layout="(C, m), like Z: one column of probabilities per example"),),
    mistakes=(
        Wrong("no-max", "No max subtraction: np.exp overflows for entries of 1000 (e^1000 is inf, and inf / inf is "
              "NaN). Subtract each column's max first, Z - np.max(Z, axis=0, keepdims=True): softmax(z - c) = "
              "softmax(z), and the largest exponent becomes e^0 = 1.", partial(softmax_variant, shift="none")),
        Wrong("minus-sum", "You subtracted the column's sum, not its max: e^(z - sum) underflows to 0 for large "
              "entries (0 / 0 is NaN). Subtract the max, Z - np.max(Z, axis=0, keepdims=True): then the largest "
              "term is e^0 = 1 and the denominator is at least 1.", partial(softmax_variant, shift="sum")),
        Wrong("global-max", "You subtracted the max of the whole matrix, np.max(Z): a column whose entries are far "
              "below it underflows to 0 / 0. Subtract each column's own max, np.max(Z, axis=0, keepdims=True).",
              partial(softmax_variant, shift="global-max")),
        Wrong("row-max", "The max is taken over the wrong axis: np.max(Z, axis=1) shifts each row (class) by a "
              "different amount, which changes the probabilities. Subtract each column's max, "
              "np.max(Z, axis=0, keepdims=True).", partial(softmax_variant, shift="row-max")),
        Wrong("over-rows", OVER_ROWS, partial(softmax_variant, shift="row-max", axis=1)),
        Wrong("over-rows", OVER_ROWS, partial(softmax_variant, shift="none", axis=1)),
        Wrong("total-sum", TOTAL_SUM, partial(softmax_variant, shift="global-max", axis=None)),
        Wrong("total-sum", TOTAL_SUM, partial(softmax_variant, shift="none", axis=None)),
        Wrong("total-sum", TOTAL_SUM, partial(softmax_variant, axis=None)),
        Wrong("exp-not-normalised", "You returned e^Z without normalising: divide by each column's sum, "
              "T / np.sum(T, axis=0, keepdims=True).", partial(softmax_variant, shift="none", normalise=False)),
        Wrong("shifted-not-normalised", "You returned e^(Z - max) without normalising: divide by each column's "
              "sum, T / np.sum(T, axis=0, keepdims=True).", partial(softmax_variant, normalise=False)),
        Wrong("no-exp", "You normalised Z itself: exponentiate first, t = e^z (slide 31), then divide by the sum "
              "of t.", partial(softmax_variant, shift="none", exp=lambda Z: Z)),
        Wrong("sigmoid", "You applied the sigmoid to each entry: softmax couples the C entries of a column, "
              "e^z_k / sum_j e^z_j.", lambda Z: 1 / (1 + np.exp(-Z))),
        Wrong("hardmax", "You returned the hardmax (1 for the largest entry, 0 elsewhere): softmax gives every "
              "class a probability, e^z_k / sum_j e^z_j.", ref.hardmax),
    ),
    unmodified=(0,))


def check_softmax(softmax, C=4, m=3, seed=0):
    """softmax(Z) = e^(Z - max) / sum(e^(Z - max)) column by column, stable for entries of +-1000."""
    inputs = softmax_inputs(C, m, seed)
    label = f"softmax(Z) for Z of shape {inputs.args[0].shape} (its last 3 columns hold scores of +-1000)"
    try:
        with np.errstate(all="ignore"):
            result = student_call(softmax, "softmax", inputs.args[0].copy())
    except ExerciseFailure as failure:
        if "broadcast" in str(failure):
            fail(f"softmax raised ValueError: {str(failure).split('ValueError: ', 1)[-1].split('. A shape')[0]}. "
                 f"Sum and max over axis=0 (down each column, across the classes) with keepdims=True: the (1, m) "
                 f"row of column sums then broadcasts against the (C, m) matrix.",
                 "softmax.broadcast-error")
        raise
    unnamed_not_finite(SOFTMAX, inputs, result, label, "softmax.not-finite")
    sums = np.sum(np.asarray(result, dtype=np.float64), axis=0) if isinstance(result, np.ndarray) else None
    if sums is not None and result.shape == inputs.args[0].shape and not np.allclose(sums, 1.0) and not named(
            SOFTMAX, inputs, result):
        fail(f"{label} is wrong: its columns sum to {np.array2string(sums[:4], precision=4, separator=', ')}"
             f"{' ...' if sums.size > 4 else ''}, but each column holds one example's probabilities over the C "
             f"classes and must sum to 1: divide e^(z - max) by its column's sum, np.sum(T, axis=0, keepdims=True).",
             "softmax.wrong-column-sums")
    with np.errstate(all="ignore"):
        run(SOFTMAX, softmax, dict(C=C, m=m, seed=seed))
    passed("softmax")


# --- one_hot -------------------------------------------------------------------------------------------

def one_hot_inputs(C=5, m=6, seed=1, floats=False):
    """labels (1, m) without the last class (so that C must come from the argument), as ints or floats."""
    drawn = labels(np.random.default_rng(seed), C, m, leave_out_last=True)
    return Inputs((drawn.astype(np.float64) if floats else drawn, C))


def one_hot_variant(labels, C, *, rows=lambda flat, C: C, shift=0, flip=False):
    """one_hot with its pieces as arguments: the number of rows, the row of class k (k + shift), 1 - Y."""
    flat = np.asarray(labels).ravel().astype(np.int64)
    Y = np.zeros((rows(flat, C), flat.size))
    Y[(flat + shift) % Y.shape[0], np.arange(flat.size)] = 1.0
    return 1 - Y if flip else Y


def numbers_not_booleans(fn, result, inputs):
    if isinstance(result, np.ndarray) and result.dtype == bool:
        fail("one_hot returned booleans: return numbers (float64), e.g. Y = np.zeros((C, m)) and then set the 1s, "
             "so that AL - Y and Y * np.log(AL) work as usual.", "one_hot.booleans")


ONE_HOT = Exercise(
    "one_hot", ref.one_hot, one_hot_inputs, dict(C=5, m=6, seed=1, floats=False),
    (Out("one_hot(labels, C)", layout="(C, m): one column per example, a single 1 in it"),),
    mistakes=(
        Wrong("one_hot.transposed", "one_hot is transposed: examples are columns, so Y has "
              "one column per example, shape (C, m) (np.eye(C)[labels] gives (m, C): transpose it).",
              lambda labels, C: np.eye(C)[np.asarray(labels).ravel().astype(int)]),
        Wrong("one_hot.rows-from-labels-max", "Y has labels.max() + 1 rows: the number of rows is the argument "
              "C, since a class may be absent from the labels (here the last class is).",
              partial(one_hot_variant, rows=lambda flat, C: flat.max() + 1)),
        Wrong("one_hot.labels-not-flattened", "np.eye(C)[labels] with labels of shape (1, m) has shape "
              "(1, m, C): flatten the labels first (labels.ravel()) and transpose, or index "
              "Y[labels, np.arange(m)] = 1.", lambda labels, C: np.eye(C)[np.asarray(labels).astype(int)]),
        Wrong("one_hot.whole-rows-set", "Y[labels, :] = 1 sets whole rows: pair each label with its "
              "own column, Y[labels, np.arange(m)] = 1.",
              lambda labels, C: np.isin(np.arange(C), labels)[:, None] * np.ones((1, np.size(labels)))),
        Wrong("one_hot.one-row-down", "The 1 is one row off: class k goes in row k (classes are "
              "numbered from 0).", partial(one_hot_variant, shift=1)),
        Wrong("one_hot.one-row-up", "The 1 is one row off: class k goes in row k (classes are "
              "numbered from 0).", partial(one_hot_variant, shift=-1)),
        Wrong("one_hot.complement", "You returned the labels' complement (0 for the "
              "true class): the true class gets the 1.", partial(one_hot_variant, flip=True)),
        # named by numbers_not_booleans and by check_one_hot (their values are right):
        Wrong("one_hot.booleans", "one_hot returned booleans.",
              lambda labels, C: ref.one_hot(labels, C).astype(bool)),
        Wrong("one_hot.float-labels-not-cast", "one_hot failed on labels given as floats.",
              lambda labels, C: np.eye(C)[:, np.ravel(labels)]),
    ),
    unmodified=(0,), extra=numbers_not_booleans)


def check_one_hot(one_hot, C=5, m=6, seed=1):
    """one_hot(labels, C): (C, m) with Y[labels[0, i], i] = 1; labels (1, m) ints or whole-number floats."""
    run(ONE_HOT, one_hot, dict(C=C, m=m, seed=seed))
    try:
        run(ONE_HOT, one_hot, dict(C=C, m=m, seed=seed, floats=True))
    except ExerciseFailure as failure:
        if "IndexError" in str(failure) or "integer" in str(failure):
            fail(f"one_hot failed on labels given as floats (0.0, 1.0, ...): {failure} Labels often arrive as "
                 f"floats (a float array holds them); convert them before indexing, labels.astype(int).",
                 "one_hot.float-labels-not-cast")
        raise
    passed("one_hot")


# --- compute_cost_softmax ---------------------------------------------------------------------------------

def probability_inputs(C=4, m=5, seed=2):
    """(AL, Y): the probabilities of random scores, and one-hot labels with at least two classes."""
    rng = np.random.default_rng(seed)
    AL = ref.softmax(rng.standard_normal((C, m)) * 1.5)
    return Inputs((AL, ref.one_hot(labels(rng, C, m), C)), m)


def cost(AL, Y, *, log=np.log, of=lambda AL: AL, weighted=True, binary=False, by=lambda Y: Y.shape[1], sign=-1.0):
    """compute_cost_softmax with its pieces as arguments: sign * sum(Y log(of(AL)) [+ (1 - Y) log(1 - AL)]) / by(Y)."""
    terms = (Y if weighted else 1.0) * log(of(AL)) + ((1 - Y) * log(1 - AL) if binary else 0.0)
    return float(sign * np.sum(terms) / by(Y))


COMPUTE_COST_SOFTMAX = Exercise(
    "compute_cost_softmax", ref.compute_cost_softmax, probability_inputs, dict(C=4, m=5, seed=2),
    (Out("compute_cost_softmax", scalar=True, per_example=True),),
    returns=a_float,
    mistakes=(
        Wrong("compute_cost_softmax.missing-1-over-m", "The cost is the sum over the examples: average it, "
              "divide by m (the 1/m is missing).", partial(cost, by=lambda Y: 1)),
        Wrong("compute_cost_softmax.mean-over-all-entries", "np.mean(Y * np.log(AL)) averages over all C * m entries, "
              "most of them 0: sum over everything, then divide by m only.", partial(cost, by=np.size)),
        Wrong("compute_cost_softmax.binary-cross-entropy", "That is the binary cross-entropy of "
              "notebooks 01-02, with its (1 - Y) log(1 - AL) term: the softmax cost keeps only -Y log AL (the "
              "probability of the true class; the normalisation already pushes the other classes down).",
              partial(cost, binary=True)),
        Wrong("compute_cost_softmax.missing-y-factor", "You summed log AL over all the classes: multiply "
              "by Y first, so that only the probability of each example's true class counts.",
              partial(cost, weighted=False)),
        Wrong("compute_cost_softmax.log10", "Use the natural logarithm np.log, not "
              "np.log10.", partial(cost, log=np.log10)),
        Wrong("compute_cost_softmax.sign-flipped", "The cost is the negative of the average "
              "log-likelihood: keep the minus sign.", partial(cost, sign=1.0)),
        Wrong("compute_cost_softmax.log-1-minus-al", "You used log(1 - AL): the cost is "
              "-(1/m) sum(Y log AL).", partial(cost, of=lambda AL: 1 - AL)),
    ))


# --- softmax_backward ---------------------------------------------------------------------------------------

SOFTMAX_BACKWARD = Exercise(
    "softmax_backward", ref.softmax_backward, probability_inputs, dict(C=3, m=4, seed=3),
    (Out("softmax_backward(AL, Y)", layout="(C, m), like AL", per_example=True),),
    mistakes=(
        Wrong("softmax_backward.sign-flipped", "The sign is flipped: dZ = AL - Y (the prediction minus "
              "the truth).", lambda AL, Y: Y - AL),
        Wrong("softmax_backward.dz-over-m", "dZ has no 1/m: dZ = AL - Y, one column per example; "
              "linear_backward divides by m when it computes dW and db.", lambda AL, Y: (AL - Y) / Y.shape[1]),
        Wrong("softmax_backward.returned-dal", "You returned dJ/dAL = -Y / AL: softmax_backward gives "
              "the gradient with respect to Z, which (softmax and cross-entropy together) simplifies to AL - Y.",
              lambda AL, Y: -Y / AL),
        Wrong("softmax_backward.sigmoid-derivative", "You returned AL * (1 - AL), a sigmoid-style "
              "derivative: together with the cross-entropy, the gradient with respect to Z is simply AL - Y.",
              lambda AL, Y: AL * (1 - AL)),
        Wrong("softmax_backward.extra-sigmoid-factor", "You returned (AL - Y) * AL * (1 - AL): the softmax's "
              "Jacobian and the cost's derivative combine into AL - Y exactly, with no extra factor.",
              lambda AL, Y: (AL - Y) * AL * (1 - AL)),
    ),
    unmodified=(0, 1))


# --- the network: its outputs depend on the number of layers --------------------------------------------

def network_inputs(layer_dims=(5, 4, 3), m=6, seed=4):
    """(X (n_x, m), parameters)."""
    parameters, X = scored(np.random.default_rng(seed), list(layer_dims), m)
    return Inputs((X, parameters), m)


HIDDEN = {"relu": nets.RELU, "sigmoid": nets.SIGMOID, "identity": IDENTITY}
OUTPUTS = {"softmax": nets.SOFTMAX_OUTPUT, "sigmoid": nets.SIGMOID_OUTPUT, "relu": RELU_OUTPUT,
           "identity": IDENTITY_OUTPUT,
           "relu+softmax": nets.output_activation("relu then softmax", lambda Z: ref.softmax(deep_ref.relu(Z))),
           "softmax-rows": nets.output_activation("softmax of the rows", lambda Z: ref.softmax(Z.T).T)}


def softmax_network(L):
    """notebook 08's network: [LINEAR -> RELU] * (L-1) -> LINEAR -> SOFTMAX."""
    return nets.stack(deep_ref.HIDDEN_LAYER, ref.OUTPUT_LAYER, L)


def forward(X, parameters, *, hidden=nets.RELU, output=nets.SOFTMAX_OUTPUT):
    """L_model_forward_softmax with the hidden layers' activation step and the output layer's as arguments."""
    net = swapped(softmax_network(len(parameters) // 2), relu=hidden, softmax_output=output)
    return nets.forward(X, parameters, net)


@dataclass(frozen=True)
class CachesList:
    """The structure of (AL, caches): one cache per layer of an L-layer network (a value, not a closure, so that
    the student edition can store it)."""
    L: int

    def __call__(self, name, result):
        a_tuple("(AL, caches)", value, value)(name, result)
        caches, L = result[1], self.L
        if not isinstance(caches, (list, tuple)):
            fail(f"caches must be a list with one cache per layer, got {type(caches).__name__}.",
                 "L_model_forward_softmax.caches-not-a-list")
        if len(caches) != L:
            hint = (" The output layer's cache is missing: append ((A_prev, WL, bL), ZL) too."
                    if len(caches) == L - 1 else "")
            fail(f"caches has {len(caches)} entries, expected L = {L} (one per layer).{hint}",
                 "L_model_forward_softmax.wrong-cache-count")


def forward_outputs(L):
    cache_items = [(0, 0, "A_prev", "(n[l-1], m): the layer's input"), (0, 1, "W", "(n[l], n[l-1])"),
                   (0, 2, "b", "(n[l], 1)")]
    outputs = [Out("AL", (0,), "(C, m): one column of C probabilities per example")]
    for l in range(1, L + 1):
        outputs += [Out(f"caches[{l - 1}][0] ({name})", (1, l - 1, 0, i), layout) for _, i, name, layout in cache_items]
        outputs.append(Out(f"caches[{l - 1}][1] (Z{l})", (1, l - 1, 1), "(n[l], m): the linear output, before the "
                           "activation"))
    return dict(outputs=tuple(outputs), returns=CachesList(L))


def _output(text, **pieces):
    """The mistake of the activations named by pieces, e.g. output="sigmoid" (HIDDEN's and OUTPUTS' keys)."""
    name = "-".join(f"{piece}-{activation}" for piece, activation in pieces.items())
    steps = {piece: (OUTPUTS if piece == "output" else HIDDEN)[activation] for piece, activation in pieces.items()}
    return Wrong(name.replace("+", "-then-"), "AL is wrong: " + text, partial(forward, **steps))


L_MODEL_FORWARD_SOFTMAX = Exercise(
    "L_model_forward_softmax", ref.L_model_forward_softmax, network_inputs, dict(layer_dims=(5, 4, 3), m=6, seed=4),
    (), per_case=per_layer(forward_outputs), mistakes=(
        _output("the output layer uses the sigmoid: it is LINEAR -> SOFTMAX, AL = softmax(ZL).", output="sigmoid"),
        _output("the output layer uses ReLU: it is LINEAR -> SOFTMAX, AL = softmax(ZL).", output="relu"),
        _output("AL is ZL: apply softmax to the output layer's ZL.", output="identity"),
        _output("ReLU comes before the softmax on the output layer: the output layer is LINEAR -> SOFTMAX, apply "
                "softmax to ZL = WL A + bL directly (linear_forward, not linear_activation_forward(..., 'relu')).",
                output="relu+softmax"),
        _output("the softmax is taken over the wrong axis (each column, one example, must sum to 1).",
                output="softmax-rows"),
        _output("the hidden layers use the sigmoid: layers 1..L-1 are ReLU layers.", hidden="sigmoid"),
        _output("the hidden layers have no activation: A{l} = relu(Z{l}) for l < L.", hidden="identity"),
        Wrong("L_model_forward_softmax.output-cache-holds-al", "The output layer's cache holds AL where "
              "ZL belongs: the cache is ((A_prev, WL, bL), ZL), the input of the softmax.",
              partial(forward, output=caching_its_output(nets.SOFTMAX_OUTPUT))),
        Wrong("L_model_forward_softmax.wrong-cache-count", "The output layer's cache is missing.",
              lambda X, parameters: (forward(X, parameters)[0], forward(X, parameters)[1][:-1])),
        Wrong("hidden-cache-holds-a", "A hidden layer's cache holds A where Z belongs: the activation cache is Z, "
              "the input of the activation (relu_backward needs it).",
              partial(forward, hidden=caching_its_output(nets.RELU))),
    ),
    blocks=dict(softmax=ref.softmax))


def backward_network_inputs(layer_dims=(4, 3, 3, 3), m=5, seed=5):
    """(AL (C, m), Y (C, m) one-hot, caches) of the reference's forward pass."""
    rng = np.random.default_rng(seed)
    parameters, X = scored(rng, list(layer_dims), m)
    C = layer_dims[-1]
    Y = ref.one_hot(labels(rng, C, m), C)
    AL, caches = ref.L_model_forward_softmax(X, parameters)
    return Inputs((AL, Y, caches), m)


def backward(AL, Y, caches, *, dZL=lambda AL, Y: AL - Y, output=nets.SOFTMAX_OUTPUT, hidden=nets.RELU):
    """L_model_backward_softmax with its pieces as arguments: dZL, the output layer's activation step (SOFTMAX_OUTPUT
    passes dZL through; nets.SIGMOID applies its derivative), the hidden layers' activation step."""
    net = swapped(softmax_network(len(caches)), relu=hidden, softmax_output=output)
    return nets.backward(dZL(AL, Y), caches, net, dA_keys=False)


@dataclass(frozen=True)
class GradsKeys:
    """grads of an L-layer network: dW1, db1, ... dWL, dbL, numbered from 1 (a value, not a closure)."""
    L: int

    def __call__(self, name, result):
        keys = [f"{p}{l}" for l in range(self.L, 0, -1) for p in ("dW", "db")]
        if isinstance(result, dict) and "dW0" in result:
            fail(f"grads has a key 'dW0': layers are numbered from 1, so the gradients are dW1..dW{self.L}; layer "
                 f"l's cache is caches[l - 1].", "L_model_backward_softmax.zero-based-layers")
        expect_keys("grads", result, keys)


def grads_outputs(L):
    keys = [f"{p}{l}" for l in range(L, 0, -1) for p in ("dW", "db")]
    return dict(returns=GradsKeys(L), outputs=tuple(
        Out(f"grads['{key}']", (key,), f"(n[{key[2:]}], n[{int(key[2:]) - 1}]), like W{key[2:]}" if key[1] == "W"
            else f"(n[{key[2:]}], 1), like b{key[2:]}", per_example=True) for key in keys))


L_MODEL_BACKWARD_SOFTMAX = Exercise(
    "L_model_backward_softmax", ref.L_model_backward_softmax, backward_network_inputs,
    dict(layer_dims=(4, 3, 3, 3), m=5, seed=5), (), per_case=per_layer(grads_outputs),
    mistakes=(
        Wrong("dzl-sign", "The sign of dZL is flipped: dZL = AL - Y.", partial(backward, dZL=lambda AL, Y: Y - AL)),
        Wrong("dzl-over-m", "dZL was divided by m: dZL = AL - Y has no 1/m, linear_backward divides by m itself (so "
              "the 1/m was applied twice).", partial(backward, dZL=lambda AL, Y: (AL - Y) / Y.shape[1])),
        Wrong("through-sigmoid", "AL - Y went through sigmoid_backward: it is already dZL, the gradient with respect "
              "to ZL. Pass it straight to linear_backward(dZL, linear_cache).", partial(backward, output=nets.SIGMOID)),
        Wrong("through-relu", "AL - Y went through relu_backward: the output layer has no ReLU; pass dZL = AL - Y "
              "straight to linear_backward(dZL, linear_cache).", partial(backward, output=nets.RELU)),
        Wrong("hidden-sigmoid", "The hidden layers used sigmoid's derivative: layers L-1..1 are ReLU layers, "
              "linear_activation_backward(dA, caches[l - 1], 'relu').", partial(backward, hidden=nets.SIGMOID)),
        Wrong("binary-output", "You started from dAL = -Y / AL through the sigmoid (notebook 02's output layer): "
              "with a softmax output, dZL = softmax_backward(AL, Y) = AL - Y.",
              partial(backward, dZL=lambda AL, Y: -Y / AL, output=nets.SIGMOID)),
        Wrong("L_model_backward_softmax.zero-based-layers", "grads has a key 'dW0'.", lambda AL, Y, caches: {
            f"{key[:2]}{int(key[2:]) - 1}": grad for key, grad in backward(AL, Y, caches).items()}),
    ),
    blocks=dict(softmax_backward=ref.softmax_backward))


check_L_model_forward_softmax = check(L_MODEL_FORWARD_SOFTMAX)
_check_backward = check(L_MODEL_BACKWARD_SOFTMAX)


def check_L_model_backward_softmax(L_model_backward_softmax, layer_dims=(4, 3, 3, 3), m=5, seed=5):
    """dZL = AL - Y, linear_backward for layer L, then ReLU layers L-1 .. 1; returns dW{l}, db{l}."""
    try:
        _check_backward(L_model_backward_softmax, layer_dims=layer_dims, m=m, seed=seed)
    except ExerciseFailure as failure:
        if not failure.mistake and any(error in str(failure) for error in ("ValueError", "IndexError", "TypeError")):
            fail(f"{failure} In L_model_backward_softmax: the output layer's dZL = softmax_backward(AL, Y) goes to "
                 f"linear_backward(dZL, linear_cache) with linear_cache, ZL = caches[L - 1]; then the ReLU layers "
                 f"l = L-1 down to 1 use linear_activation_backward(dA, caches[l - 1], 'relu').",
                 "L_model_backward_softmax.crashed")
        raise


# --- predict_softmax --------------------------------------------------------------------------------------

def predict_inputs(layer_dims=(4, 5, 3), m=7, seed=6):
    """(parameters, X (n_x, m)): a network of doubled weights (spread outputs: several classes are predicted)."""
    parameters, X = scored(np.random.default_rng(seed), list(layer_dims), m, scale=2.0)
    return Inputs((parameters, X), m)


def probabilities_of(parameters, X):
    return ref.L_model_forward_softmax(X, parameters)[0]


PREDICT_SOFTMAX = Exercise(
    "predict_softmax", ref.predict_softmax, predict_inputs, dict(layer_dims=(4, 5, 3), m=7, seed=6),
    (Out("predict_softmax", layout="(1, m): one class index per example"),),
    mistakes=(
        Wrong("predict_softmax.returned-probabilities", "predict_softmax returned the "
              "probabilities AL: return the most probable class of each example, np.argmax(AL, axis=0), as a (1, m) "
              "row.", probabilities_of),
        Wrong("predict_softmax.returned-hardmax", "predict_softmax returned the hardmax (a "
              "one-hot (C, m) matrix): return the index of the 1, np.argmax(AL, axis=0), as a (1, m) row.",
              lambda parameters, X: ref.hardmax(probabilities_of(parameters, X))),
        Wrong("predict_softmax.argmax-over-examples", "predict_softmax returned one value per "
              "class: np.argmax(AL, axis=1) takes the largest example of each class. Take the largest class of each "
              "example, np.argmax(AL, axis=0).", lambda parameters, X: np.argmax(probabilities_of(parameters, X), 1)),
        Wrong("predict_softmax.returned-max-probability", "predict_softmax returned fractions: "
              "return the class index, np.argmax(AL, axis=0).",
              lambda parameters, X: np.max(probabilities_of(parameters, X), axis=0, keepdims=True)),
        Wrong("predict_softmax.argmin", "np.argmin picks the least probable class: use "
              "np.argmax(AL, axis=0).", lambda parameters, X: np.argmin(probabilities_of(parameters, X), 0)[None]),
        Wrong("predict_softmax.one-based-classes", "The classes are numbered from 0 (row k of AL is "
              "class k): do not add 1.", lambda parameters, X: ref.predict_softmax(parameters, X) + 1),
    ),
    blocks=dict(softmax=ref.softmax, L_model_forward_softmax=ref.L_model_forward_softmax))


# --- challenge: the cost from the scores, through log-softmax ---------------------------------------------

def logits_inputs(C=4, m=5, seed=7, kind="underflow"):
    """(ZL, Y): the last example's true class sits 800 below its best score (underflow: its probability is 0, and
    log(softmax) gives -inf), or its scores are near 1000 (overflow: exp overflows unless each column's max is
    subtracted first)."""
    if C < 2 or m < 2:
        raise ValueError("the check needs C >= 2 classes and m >= 2 examples")
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((C, m)) * 2
    drawn = labels(rng, C, m)
    if kind == "underflow":
        Z[:, -1] = 0.0
        Z[drawn[0, -1], -1] = -800.0
    else:
        Z[:, -1] = 1000.0 + rng.standard_normal(C)
    return Inputs((Z, ref.one_hot(drawn, C)), m)


def logits_cost(ZL, Y, *, shift=SHIFTS["column-max"], shift_scores=True, axis=0, through_softmax=False, mean=True,
                sign=-1.0):
    """compute_cost_from_logits with its pieces as arguments: log_softmax = (ZL - shift) - log(sum(exp(ZL - shift)))
    over `axis` (None: the whole matrix), or log(softmax(ZL))."""
    shifted = ZL - shift(ZL)
    log_p = np.log(ref.softmax(ZL)) if through_softmax else (shifted if shift_scores else ZL) - np.log(
        np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return float(sign * np.sum(np.where(Y == 1, log_p, 0.0)) / (Y.shape[1] if mean else 1))


COMPUTE_COST_FROM_LOGITS = Exercise(
    "compute_cost_from_logits", ref.compute_cost_from_logits, logits_inputs, dict(C=4, m=5, seed=7, kind="underflow"),
    (Out("compute_cost_from_logits", scalar=True, per_example=True),),
    returns=a_float,
    mistakes=(
        Wrong("log-of-softmax", "log(softmax(ZL)) takes log(0) where a true class's probability underflows to 0 (its "
              "score is 800 below the best). Compute the log-probabilities directly, log_softmax = (Z - max) - "
              "log(sum(exp(Z - max))), column by column.", partial(logits_cost, through_softmax=True)),
        Wrong("no-shift", "exp(1000) overflows: subtract each column's maximum before exp, in both terms of the "
              "log-softmax.", partial(logits_cost, shift=SHIFTS["none"])),
        Wrong("shift-once", "The column maximum was subtracted inside the log-sum-exp but not from the scores "
              "themselves: log_softmax(z)_k = (z_k - max) - log(sum_j exp(z_j - max)), the same shift in both terms.",
              partial(logits_cost, shift_scores=False)),
        Wrong("row-max", "The maximum was taken over each row (a class across the examples): the shift must be the "
              "maximum of each COLUMN; only a per-example constant leaves softmax unchanged.",
              partial(logits_cost, shift=SHIFTS["row-max"])),
        Wrong("sum-everything", "The log-sum-exp summed over the whole matrix: sum over the classes of each example "
              "only, one normaliser per column.", partial(logits_cost, axis=None)),
        Wrong("no-mean", "The cost is summed over the examples: divide by m.", partial(logits_cost, mean=False)),
        Wrong("sign", "The sign is flipped: the cost is MINUS the mean log-probability of the true classes.",
              partial(logits_cost, sign=1.0)),
    ))


def check_compute_cost_from_logits(compute_cost_from_logits, C=4, m=5, seed=7):
    """-(1/m) sum(Y * log_softmax(ZL)), with log_softmax(Z) = Z - max - log(sum(exp(Z - max))) per column: finite
    where softmax underflows, no overflow for scores near 1000."""
    for kind in ("underflow", "overflow"):
        case = dict(C=C, m=m, seed=seed, kind=kind)
        inputs = logits_inputs(**case)
        with np.errstate(all="ignore"):
            result = student_call(compute_cost_from_logits, "compute_cost_from_logits", *inputs.args)
            unnamed_not_finite(COMPUTE_COST_FROM_LOGITS, inputs, result, f"compute_cost_from_logits = {result} "
                               f"({kind})", "compute_cost_from_logits.not-finite")
            run(COMPUTE_COST_FROM_LOGITS, compute_cost_from_logits, case)
    passed("compute_cost_from_logits")


check_compute_cost_softmax = check(COMPUTE_COST_SOFTMAX)
check_softmax_backward = check(SOFTMAX_BACKWARD)
check_predict_softmax = check(PREDICT_SOFTMAX)

#: The exercises described as data (the tests feed each named mistake in); softmax, one_hot, the network's
#: exercises and the challenge have check functions of their own above, which run the same tables.
EXERCISES = (SOFTMAX, ONE_HOT, COMPUTE_COST_SOFTMAX, SOFTMAX_BACKWARD, L_MODEL_FORWARD_SOFTMAX,
             L_MODEL_BACKWARD_SOFTMAX, PREDICT_SOFTMAX, COMPUTE_COST_FROM_LOGITS)
CHALLENGES = (COMPUTE_COST_FROM_LOGITS,)     # optional and ungraded: no hidden test
