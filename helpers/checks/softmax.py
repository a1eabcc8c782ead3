"""Checks for notebook 08 (softmax). Each `check_*` takes the student's function, runs it on fresh
inputs (sizes and seed are arguments, so hidden tests use new ones) and raises ExerciseFailure
naming the mistake, or prints a success line.

The named mistakes are computed here with the typical bug (a variant of the reference), so the
message appears only when the student's value really equals that bug's value. Softmax's
stability mistakes produce NaN or infinity, which ordinary comparisons never match, so the
softmax check compares NaN patterns too.
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import deep as deep_ref
from .. import softmax as ref
from .core import (ExerciseFailure, Mistake, composed_of, expect_array, expect_float, expect_keys, expect_tuple,
                   fail, passed, student_call)
from .core import copy_inputs as _copy
from .deep import _check_activation_cache, _random_parameters, _variants_that_run

# --- inputs ------------------------------------------------------------------------------------


def _labels(rng, C, m, *, leave_out_last=False):
    """Class indices (1, m) int64 with at least two different classes (when C > 1)."""
    top = max(C - 1, 1) if leave_out_last else C
    labels = rng.integers(0, top, size=(1, m))
    if m >= 2 and top >= 2:
        labels[0, :2] = [0, top - 1]
    return labels.astype(np.int64)


def _probabilities(rng, C, m):
    return ref.softmax(rng.standard_normal((C, m)) * 1.5)


def _same_or_both_nan(actual, value) -> bool:
    """actual equals value, NaN and infinity in the same places (for the unstable softmax variants)."""
    value = np.asarray(value, dtype=np.float64)
    if not isinstance(actual, np.ndarray) or actual.shape != value.shape:
        return False
    try:
        actual = actual.astype(np.float64)
    except (TypeError, ValueError):
        return False
    return bool(np.allclose(actual, value, rtol=1e-6, atol=1e-9, equal_nan=True))


def _unchanged(name, before, after, fn_name, fix):
    if not np.array_equal(before, after, equal_nan=True):
        fail(f"{fn_name} modified its input {name} in place: {fix}", mistake="unchanged.modified-its-input-in-place")


# --- softmax variants (the typical bugs) ---------------------------------------------------------

def _exp_normalised(T, axis=0, keepdims=True):
    return T / np.sum(T, axis=axis, keepdims=keepdims)


def _softmax_variants(Z):
    """[(hint, value)] for the typical wrong softmax functions, evaluated on Z."""
    def naive():
        return _exp_normalised(np.exp(Z))

    def minus_sum():
        return _exp_normalised(np.exp(Z - np.sum(Z, axis=0, keepdims=True)))

    def minus_global_max():
        return _exp_normalised(np.exp(Z - np.max(Z)))

    def minus_row_max():
        return _exp_normalised(np.exp(Z - np.max(Z, axis=1, keepdims=True)))

    def rows():
        return _exp_normalised(np.exp(Z - np.max(Z, axis=1, keepdims=True)), axis=1)

    def rows_naive():
        return _exp_normalised(np.exp(Z), axis=1)

    def everything():
        T = np.exp(Z - np.max(Z))
        return T / np.sum(T)

    def everything_column_max():
        T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
        return T / np.sum(T)

    def everything_naive():
        return np.exp(Z) / np.sum(np.exp(Z))

    over_rows = ("softmax is taken over the wrong axis: each column is one example, and its C entries must "
                 "sum to 1. Use axis=0 in np.max and np.sum (with keepdims=True).")
    return _variants_that_run([
        ("No max subtraction: np.exp overflows for entries of 1000 (e^1000 is inf, and inf / inf is NaN). "
         "Subtract each column's max first, Z - np.max(Z, axis=0, keepdims=True): softmax(z - c) = softmax(z), "
         "and the largest exponent becomes e^0 = 1.", naive),
        ("You subtracted the column's sum, not its max: e^(z - sum) underflows to 0 for large entries (0 / 0 is "
         "NaN). Subtract the max, Z - np.max(Z, axis=0, keepdims=True): then the largest term is e^0 = 1 and "
         "the denominator is at least 1.", minus_sum),
        ("You subtracted the max of the whole matrix, np.max(Z): a column whose entries are far below it "
         "underflows to 0 / 0. Subtract each column's own max, np.max(Z, axis=0, keepdims=True).",
         minus_global_max),
        ("The max is taken over the wrong axis: np.max(Z, axis=1) shifts each row (class) by a different amount, "
         "which changes the probabilities. Subtract each column's max, np.max(Z, axis=0, keepdims=True).",
         minus_row_max),
        (over_rows, rows),
        (over_rows, rows_naive),
        ("You divided by the sum of all the entries of the matrix: divide each column by its own sum, "
         "np.sum(T, axis=0, keepdims=True), so that every example's probabilities sum to 1.", everything),
        ("You divided by the sum of all the entries of the matrix: divide each column by its own sum, "
         "np.sum(T, axis=0, keepdims=True), so that every example's probabilities sum to 1.", everything_naive),
        ("You divided by the sum of all the entries of the matrix: divide each column by its own sum, "
         "np.sum(T, axis=0, keepdims=True), so that every example's probabilities sum to 1.", everything_column_max),
        ("You returned e^Z without normalising: divide by each column's sum, T / np.sum(T, axis=0, keepdims=True).",
         lambda: np.exp(Z)),
        ("You returned e^(Z - max) without normalising: divide by each column's sum, "
         "T / np.sum(T, axis=0, keepdims=True).", lambda: np.exp(Z - np.max(Z, axis=0, keepdims=True))),
        ("You normalised Z itself: exponentiate first, t = e^z (slide 31), then divide by the sum of t.",
         lambda: Z / np.sum(Z, axis=0, keepdims=True)),
        ("You applied the sigmoid to each entry: softmax couples the C entries of a column, "
         "e^z_k / sum_j e^z_j.", lambda: 1 / (1 + np.exp(-Z))),
        ("You returned the hardmax (1 for the largest entry, 0 elsewhere): softmax gives every class a "
         "probability, e^z_k / sum_j e^z_j.", lambda: ref.hardmax(Z)),
    ])


def _stress_Z(C):
    """Columns where the unstable variants fail: entries near 1000, near -1000, a mixed column, and a
    column where subtracting the sum underflows but plain exp does not."""
    k = np.arange(C, dtype=np.float64)
    return np.stack([1000.0 - k,                      # e^1000 overflows
                     -1000.0 - 2 * k,                 # e^-1000 underflows to 0
                     np.where(k == 0, 1000.0, -k),    # one huge entry, the others small
                     300.0 + 100.0 * k / max(C - 1, 1)], axis=1)   # fine for e^z, not for e^(z - sum)


def _call_softmax(softmax, Z):
    original = Z.copy()
    try:
        with np.errstate(all="ignore"):
            result = student_call(softmax, "softmax", Z)
    except ExerciseFailure as failure:
        if "broadcast" in str(failure):
            fail(f"softmax raised ValueError: {str(failure).split('ValueError: ', 1)[-1].split('. A shape')[0]}. "
                 f"Sum and max over axis=0 (down each column, across the classes) with keepdims=True: the (1, m) row "
                 f"of column sums then broadcasts against the (C, m) matrix.", mistake="call_softmax.softmax-raised-valueerror-sum-and-max")
        raise
    _unchanged("Z", original, Z, "softmax", "compute the shifted scores into a new array, "
               "Z_shifted = Z - np.max(Z, axis=0, keepdims=True) (Z -= ... overwrites the caller's Z).")
    return result


def _expect_softmax(name, result, Z):
    expected = ref.softmax(Z)
    with np.errstate(all="ignore"):
        variants = _softmax_variants(Z)
    if isinstance(result, np.ndarray) and result.shape == expected.shape and not np.allclose(
            np.asarray(result, dtype=np.float64), expected, rtol=1e-6, atol=1e-9):
        for hint, value in variants:
            if _same_or_both_nan(result, value) and not np.allclose(value, expected, rtol=1e-6, atol=1e-9):
                fail(f"{name} is wrong. {hint}", mistake="expect_softmax.is-wrong")
        finite = np.isfinite(np.asarray(result, dtype=np.float64))
        if not finite.all():
            columns = sorted(set(np.nonzero(~finite)[1].tolist()))
            fail(f"{name} contains NaN or infinity (in column(s) {columns}; Z there: "
                 f"{np.array2string(Z[:, columns[0]], precision=1)}). np.exp overflows above about 709 and "
                 f"underflows below about -745: subtract each column's max first, "
                 f"Z - np.max(Z, axis=0, keepdims=True).", mistake="expect_softmax.contains-nan-or-infinity-in-column")
        sums = np.sum(np.asarray(result, dtype=np.float64), axis=0)
        if not np.allclose(sums, 1.0):
            fail(f"{name} is wrong: its columns sum to {np.array2string(sums[:4], precision=4, separator=', ')}"
                 f"{' ...' if sums.size > 4 else ''}, but each column holds one example's probabilities over the "
                 f"C classes and must sum to 1: divide e^(z - max) by its column's sum, "
                 f"np.sum(T, axis=0, keepdims=True).", mistake="expect_softmax.is-wrong-its-columns-sum-to")
    expect_array(name, result, expected, mistakes=[Mistake(hint, value) for hint, value in variants],
                 what="(C, m), like Z: one column of probabilities per example")


def check_softmax(softmax, C=4, m=3, seed=0):
    """softmax(Z) = e^(Z - max) / sum(e^(Z - max)) column by column, stable for entries of +-1000."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((C, m)) * 2.0
    _expect_softmax(f"softmax(Z) for Z of shape {(C, m)}", _call_softmax(softmax, Z), Z)
    Z = _stress_Z(C)
    _expect_softmax(f"softmax(Z) for large scores (Z of shape {Z.shape}, entries up to 1000 and down to "
                    f"{Z.min():.0f})", _call_softmax(softmax, Z), Z)
    passed("softmax")


# --- one-hot --------------------------------------------------------------------------------------

def check_one_hot(one_hot, C=5, m=6, seed=1):
    """one_hot(labels, C): (C, m) with Y[labels[0, i], i] = 1; labels (1, m) ints or whole-number floats."""
    rng = np.random.default_rng(seed)
    labels = _labels(rng, C, m, leave_out_last=True)   # the last class is absent: C must come from the argument
    expected = ref.one_hot(labels, C)
    flat = labels.ravel()
    original = labels.copy()
    result = student_call(one_hot, "one_hot", labels, C)
    _unchanged("labels", original, labels, "one_hot", "build Y in a new array, Y = np.zeros((C, m)).")
    mistakes = [
        Mistake("one_hot is transposed: examples are columns, so Y has one column per example, shape (C, m) "
                "(np.eye(C)[labels] gives (m, C): transpose it).", np.eye(C)[flat], id="one_hot.one-hot-is-transposed-examples-are"),
        Mistake(f"Y has labels.max() + 1 = {flat.max() + 1} rows: the number of rows is the argument C = {C}, "
                f"since a class may be absent from the labels (here class {C - 1} is).",
                np.eye(flat.max() + 1)[flat].T, id="one_hot.y-has-labels-max-rows-the"),
        Mistake(f"np.eye(C)[labels] with labels of shape (1, m) has shape (1, m, C): flatten the labels first "
                f"(labels.ravel()) and transpose, or index Y[labels, np.arange(m)] = 1.", np.eye(C)[labels], id="one_hot.np-eye-c-labels-with-labels"),
        Mistake("Y[labels, :] = 1 sets whole rows: pair each label with its own column, "
                "Y[labels, np.arange(m)] = 1.", np.isin(np.arange(C), flat)[:, None] * np.ones((1, m)), id="one_hot.y-labels-sets-whole-rows-pair"),
        Mistake("The 1 is one row off: class k goes in row k (classes are numbered from 0).",
                np.roll(expected, 1, axis=0), id="one_hot.the-is-one-row-off-class"),
        Mistake("The 1 is one row off: class k goes in row k (classes are numbered from 0).",
                np.roll(expected, -1, axis=0), id="one_hot.the-is-one-row-off-class-2"),
        Mistake("You returned the labels' complement (0 for the true class): the true class gets the 1.",
                1 - expected, id="one_hot.you-returned-the-labels-complement-for"),
    ]
    if isinstance(result, np.ndarray) and result.dtype == bool:
        fail("one_hot returned booleans: return numbers (float64), e.g. Y = np.zeros((C, m)) and then set the 1s, "
             "so that AL - Y and Y * np.log(AL) work as usual.", mistake="one_hot.one-hot-returned-booleans-return-numbers")
    expect_array(f"one_hot(labels, C={C}) for labels = {flat.tolist()}", result, expected, mistakes=mistakes,
                 what="(C, m): one column per example, a single 1 in it")
    float_labels = labels.astype(np.float64)
    try:
        result = student_call(one_hot, "one_hot", float_labels, C)
    except ExerciseFailure as failure:
        if "IndexError" in str(failure) or "integer" in str(failure):
            fail(f"one_hot failed on labels given as floats ({float_labels.ravel()[:3].tolist()}, ...): {failure} "
                 f"Labels often arrive as floats (a float array holds them); convert them before indexing, "
                 f"labels.astype(int).", mistake="one_hot.one-hot-failed-on-labels-given")
        raise
    expect_array(f"one_hot(labels, C={C}) for float labels {float_labels.ravel().tolist()}", result, expected,
                 mistakes=mistakes, what="(C, m)")
    passed("one_hot")


# --- cost and gradient -----------------------------------------------------------------------------

def check_compute_cost_softmax(compute_cost_softmax, C=4, m=5, seed=2):
    """J = -(1/m) sum(Y log AL) over all classes and examples, returned as a float."""
    rng = np.random.default_rng(seed)
    AL = _probabilities(rng, C, m)
    Y = ref.one_hot(_labels(rng, C, m), C)
    expected = ref.compute_cost_softmax(AL, Y)
    cost = student_call(compute_cost_softmax, "compute_cost_softmax", AL.copy(), Y.copy())
    expect_float(f"compute_cost_softmax for C = {C}, m = {m}", cost, expected, m=m, mistakes=[
        Mistake(f"The cost is the sum over the examples: average it, divide by m = {m} (the 1/m is missing).",
                expected * m, id="compute_cost_softmax.the-cost-is-the-sum-over"),
        Mistake(f"np.mean(Y * np.log(AL)) averages over all C * m = {C * m} entries, most of them 0: sum over "
                f"everything, then divide by m = {m} only.", expected / C, id="compute_cost_softmax.np-mean-y-np-log-al"),
        Mistake("That is the binary cross-entropy of notebooks 01-02, with its (1 - Y) log(1 - AL) term: the "
                "softmax cost keeps only -Y log AL (the probability of the true class; the normalisation "
                "already pushes the other classes down).",
                float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m), id="compute_cost_softmax.that-is-the-binary-cross-entropy"),
        Mistake("You summed log AL over all the classes: multiply by Y first, so that only the probability of each "
                "example's true class counts.", float(-np.sum(np.log(AL)) / m), id="compute_cost_softmax.you-summed-log-al-over-all"),
        Mistake("Use the natural logarithm np.log, not np.log10.", float(-np.sum(Y * np.log10(AL)) / m), id="compute_cost_softmax.use-the-natural-logarithm-np-log"),
        Mistake("The cost is the negative of the average log-likelihood: keep the minus sign.", -expected, id="compute_cost_softmax.the-cost-is-the-negative-of"),
        Mistake("You used log(1 - AL): the cost is -(1/m) sum(Y log AL).", float(-np.sum(Y * np.log(1 - AL)) / m), id="compute_cost_softmax.you-used-log-al-the-cost"),
    ])
    passed("compute_cost_softmax")


def check_softmax_backward(softmax_backward, C=3, m=4, seed=3):
    """dZ = AL - Y (per example: the 1/m comes later, in dW and db)."""
    rng = np.random.default_rng(seed)
    AL = _probabilities(rng, C, m)
    Y = ref.one_hot(_labels(rng, C, m), C)
    AL0, Y0 = AL.copy(), Y.copy()
    dZ = student_call(softmax_backward, "softmax_backward", AL, Y)
    _unchanged("AL", AL0, AL, "softmax_backward", "AL -= Y overwrites AL; compute a new array, dZ = AL - Y.")
    _unchanged("Y", Y0, Y, "softmax_backward", "compute a new array, dZ = AL - Y.")
    expect_array(f"softmax_backward(AL, Y) for C = {C}, m = {m}", dZ, ref.softmax_backward(AL0, Y0), m=m,
                 what="(C, m), like AL", mistakes=[
                     Mistake("The sign is flipped: dZ = AL - Y (the prediction minus the truth).", Y0 - AL0, id="softmax_backward.the-sign-is-flipped-dz-al"),
                     Mistake(f"dZ has no 1/m: dZ = AL - Y, one column per example; linear_backward divides by "
                             f"m = {m} when it computes dW and db.", (AL0 - Y0) / m, id="softmax_backward.dz-has-no-m-dz-al"),
                     Mistake("You returned dJ/dAL = -Y / AL: softmax_backward gives the gradient with respect to Z, "
                             "which (softmax and cross-entropy together) simplifies to AL - Y.", -Y0 / AL0, id="softmax_backward.you-returned-dj-dal-y-al"),
                     Mistake("You returned AL * (1 - AL), a sigmoid-style derivative: together with the "
                             "cross-entropy, the gradient with respect to Z is simply AL - Y.", AL0 * (1 - AL0), id="softmax_backward.you-returned-al-al-a-sigmoid"),
                     Mistake("You returned (AL - Y) * AL * (1 - AL): the softmax's Jacobian and the cost's "
                             "derivative combine into AL - Y exactly, with no extra factor.",
                             (AL0 - Y0) * AL0 * (1 - AL0), id="softmax_backward.you-returned-al-y-al-al"),
                 ])
    passed("softmax_backward")


# --- the network -------------------------------------------------------------------------------------

def _network(rng, dims, m):
    """Random parameters and inputs whose output scores ZL have both signs (so that a ReLU wrongly applied to
    the output layer changes something)."""
    parameters = _random_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m))
    L = len(dims) - 1
    _, caches = ref.L_model_forward_softmax(X, parameters)
    parameters[f"b{L}"] = parameters[f"b{L}"] - np.mean(caches[-1][1])
    return parameters, X


def _softmax_forward_variant(X, parameters, *, hidden="relu", output="softmax"):
    activations = {"relu": deep_ref.relu, "sigmoid": deep_ref.sigmoid, "identity": lambda Z: Z,
                    "softmax": ref.softmax, "relu+softmax": lambda Z: ref.softmax(deep_ref.relu(Z)),
                    "softmax_rows": lambda Z: ref.softmax(Z.T).T}
    L = len(parameters) // 2
    A = X
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        A = activations[hidden if l < L else output](Z)
    return A


# The composed exercises are graded on their own (helpers.checks.core.composed_of): with the reference building
# blocks in place of the student's, and a note when the student's own block is what breaks the composition.
@composed_of(softmax=ref.softmax)
def check_L_model_forward_softmax(L_model_forward_softmax, layer_dims=(5, 4, 3), m=6, seed=4):
    """L-1 ReLU layers then LINEAR -> SOFTMAX; returns (AL (C, m), caches), caches[l-1] = ((A{l-1}, W{l}, b{l}), Z{l})."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters, X = _network(rng, dims, m)
    result = student_call(L_model_forward_softmax, "L_model_forward_softmax", X.copy(), _copy(parameters))
    AL, caches = expect_tuple("L_model_forward_softmax", result, 2, "a tuple (AL, caches)")
    expected, expected_caches = ref.L_model_forward_softmax(X, parameters)
    variants = [
        ("the output layer uses the sigmoid: it is LINEAR -> SOFTMAX, AL = softmax(ZL).", "relu", "sigmoid"),
        ("the output layer uses ReLU: it is LINEAR -> SOFTMAX, AL = softmax(ZL).", "relu", "relu"),
        ("AL is ZL: apply softmax to the output layer's ZL.", "relu", "identity"),
        ("ReLU comes before the softmax on the output layer: the output layer is LINEAR -> SOFTMAX, apply softmax "
         "to ZL = WL A + bL directly (linear_forward, not linear_activation_forward(..., 'relu')).",
         "relu", "relu+softmax"),
        ("the hidden layers use the sigmoid: layers 1..L-1 are ReLU layers.", "sigmoid", "softmax"),
        ("the hidden layers have no activation: A{l} = relu(Z{l}) for l < L.", "identity", "softmax"),
        ("the softmax is taken over the wrong axis (each column, one example, must sum to 1).", "relu",
         "softmax_rows"),
    ]
    expect_array("AL", AL, expected, what="(C, m): one column of C probabilities per example",
                 mistakes=[Mistake("AL is wrong: " + text, _softmax_forward_variant(X, parameters, hidden=h, output=o))
                           for text, h, o in variants])
    if not isinstance(caches, (list, tuple)):
        fail(f"caches must be a list with one cache per layer, got {type(caches).__name__}.", mistake="L_model_forward_softmax.caches-must-be-a-list-with")
    if len(caches) != L:
        hint = (" The output layer's cache is missing: append ((A_prev, WL, bL), ZL) too."
                if len(caches) == L - 1 else "")
        fail(f"caches has {len(caches)} entries, expected L = {L} (one per layer).{hint}", mistake="L_model_forward_softmax.caches-has-entries-expected-l-one")
    for l in range(1, L + 1):
        (A_prev, W, b), Z = expected_caches[l - 1]
        cache = caches[l - 1]
        A = deep_ref.relu(Z) if l < L else expected
        if l == L and isinstance(cache, (tuple, list)) and len(cache) == 2 and isinstance(cache[1], np.ndarray) \
                and cache[1].shape == Z.shape and np.allclose(cache[1], A) and not np.allclose(cache[1], Z):
            fail(f"caches[{L - 1}] (the output layer) holds AL where ZL belongs: the cache is "
                 f"((A_prev, WL, bL), ZL), the input of the softmax.", mistake="L_model_forward_softmax.caches-the-output-layer-holds-al")
        _check_activation_cache(f"caches[{l - 1}] (layer {l})", cache, A_prev, W, b, Z, A)


def _softmax_backward_variant(AL, Y, caches, *, dZL, output="linear", hidden="relu", order="down"):
    L = len(caches)
    grads = {}
    linear_cache, ZL = caches[L - 1]
    if output == "linear":
        dA, grads[f"dW{L}"], grads[f"db{L}"] = deep_ref.linear_backward(dZL, linear_cache)
    else:
        dA, grads[f"dW{L}"], grads[f"db{L}"] = deep_ref.linear_activation_backward(dZL, caches[L - 1], output)
    for l in (range(L - 1, 0, -1) if order == "down" else range(1, L)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = deep_ref.linear_activation_backward(dA, caches[l - 1], hidden)
    return grads


@composed_of(softmax_backward=ref.softmax_backward)
def check_L_model_backward_softmax(L_model_backward_softmax, layer_dims=(4, 3, 3, 3), m=5, seed=5):
    """dZL = AL - Y, linear_backward for layer L, then ReLU layers L-1 .. 1; returns dW{l}, db{l}."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    L, C = len(dims) - 1, dims[-1]
    parameters, X = _network(rng, dims, m)
    Y = ref.one_hot(_labels(rng, C, m), C)
    AL, caches = ref.L_model_forward_softmax(X, parameters)
    try:
        grads = student_call(L_model_backward_softmax, "L_model_backward_softmax", AL.copy(), Y.copy(), _copy(caches))
    except ExerciseFailure as failure:
        text = str(failure)
        if "ValueError" in text or "IndexError" in text or "TypeError" in text:
            fail(text + " In L_model_backward_softmax: the output layer's dZL = softmax_backward(AL, Y) goes to "
                 "linear_backward(dZL, linear_cache) with linear_cache, ZL = caches[L - 1]; then the ReLU layers "
                 "l = L-1 down to 1 use linear_activation_backward(dA, caches[l - 1], 'relu').")
        raise
    keys = [f"{p}{l}" for l in range(L, 0, -1) for p in ("dW", "db")]
    if isinstance(grads, dict) and "dW0" in grads:
        fail(f"grads has a key 'dW0': layers are numbered from 1, so the gradients are dW1..dW{L}; layer l's cache "
             f"is caches[l - 1].", mistake="L_model_backward_softmax.grads-has-a-key-layers-are")
    expect_keys("grads", grads, keys)
    expected = ref.L_model_backward_softmax(AL, Y, caches)
    dZL = AL - Y
    variants = _variants_that_run([
        ("The sign of dZL is flipped: dZL = AL - Y.", lambda: _softmax_backward_variant(AL, Y, caches, dZL=Y - AL)),
        (f"dZL was divided by m: dZL = AL - Y has no 1/m, linear_backward divides by m = {m} itself (so the 1/m "
         f"was applied twice).", lambda: _softmax_backward_variant(AL, Y, caches, dZL=dZL / m)),
        ("AL - Y went through sigmoid_backward: it is already dZL, the gradient with respect to ZL. Pass it "
         "straight to linear_backward(dZL, linear_cache).",
         lambda: _softmax_backward_variant(AL, Y, caches, dZL=dZL, output="sigmoid")),
        ("AL - Y went through relu_backward: the output layer has no ReLU; pass dZL = AL - Y straight to "
         "linear_backward(dZL, linear_cache).", lambda: _softmax_backward_variant(AL, Y, caches, dZL=dZL, output="relu")),
        ("The hidden layers used sigmoid's derivative: layers L-1..1 are ReLU layers, "
         "linear_activation_backward(dA, caches[l - 1], 'relu').",
         lambda: _softmax_backward_variant(AL, Y, caches, dZL=dZL, hidden="sigmoid")),
        ("The hidden layers are visited in the wrong order: go from layer L-1 down to layer 1, "
         "for l in reversed(range(1, L)).", lambda: _softmax_backward_variant(AL, Y, caches, dZL=dZL, order="up")),
        ("You started from dAL = -Y / AL through the sigmoid (notebook 02's output layer): with a softmax output, "
         "dZL = softmax_backward(AL, Y) = AL - Y.",
         lambda: _softmax_backward_variant(AL, Y, caches, dZL=-Y / AL, output="sigmoid")),
    ])
    for key in keys:
        what = f"(n[{key[2:]}], n[{int(key[2:]) - 1}]), like W{key[2:]}" if key.startswith("dW") else \
            f"(n[{key[2:]}], 1), like b{key[2:]}"
        expect_array(f"grads['{key}']", grads[key], expected[key], m=m, what=what,
                     mistakes=[Mistake(text, value[key]) for text, value in variants])


@composed_of(softmax=ref.softmax, L_model_forward_softmax=ref.L_model_forward_softmax)
def check_predict_softmax(predict_softmax, layer_dims=(4, 5, 3), m=7, seed=6):
    """The class with the largest probability, np.argmax(AL, axis=0), as a (1, m) row of integers."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    parameters = _random_parameters(rng, dims)
    for l in range(1, len(dims)):            # spread the outputs, so that several classes are predicted
        parameters[f"W{l}"] = parameters[f"W{l}"] * 2
    X = rng.standard_normal((dims[0], m))
    result = student_call(predict_softmax, "predict_softmax", _copy(parameters), X.copy())
    expected = ref.predict_softmax(parameters, X)
    AL, _ = ref.L_model_forward_softmax(X, parameters)
    C = dims[-1]
    if isinstance(result, np.ndarray) and result.shape == (C, m) and C != 1:
        if np.allclose(result, AL):
            fail("predict_softmax returned the probabilities AL: return the most probable class of each example, "
                 "np.argmax(AL, axis=0), as a (1, m) row.", mistake="predict_softmax.predict-softmax-returned-the-probabilities-al")
        if np.allclose(result, ref.hardmax(AL)):
            fail("predict_softmax returned the hardmax (a one-hot (C, m) matrix): return the index of the 1, "
                 "np.argmax(AL, axis=0), as a (1, m) row.", mistake="predict_softmax.predict-softmax-returned-the-hardmax-a")
    if isinstance(result, np.ndarray) and result.ndim == 1 and result.size == C and C != m:
        fail(f"predict_softmax returned {C} values, one per class: np.argmax(AL, axis=1) takes the largest example "
             f"of each class. Take the largest class of each example, np.argmax(AL, axis=0).", mistake="predict_softmax.predict-softmax-returned-values-one-per")
    if isinstance(result, np.ndarray) and np.issubdtype(result.dtype, np.floating) and result.shape == expected.shape \
            and not np.all(result == np.round(result)):
        fail("predict_softmax returned fractions: return the class index, np.argmax(AL, axis=0).", mistake="predict_softmax.predict-softmax-returned-fractions-return-the")
    expect_array(f"predict_softmax for C = {C}, m = {m}", result, expected, what="(1, m): one class index per example",
                 mistakes=[Mistake("np.argmin picks the least probable class: use np.argmax(AL, axis=0).",
                                   np.argmin(AL, axis=0).reshape(1, -1), id="predict_softmax.np-argmin-picks-the-least-probable"),
                           Mistake("The classes are numbered from 0 (row k of AL is class k): do not add 1.",
                                   expected + 1, id="predict_softmax.the-classes-are-numbered-from-row")])


# --- challenge: the cost from the scores, through log-softmax ------------------------------------------

def _logit_problems(rng, C, m):
    """Two (ZL, Y) problems. In the first, the last example's true class sits 800 below its best score (its
    probability underflows to 0, so log(softmax) gives -inf); in the second, the last example's scores are near
    1000 (exp overflows unless each column's maximum is subtracted first)."""
    problems = []
    for kind in ("underflow", "overflow"):
        Z = rng.standard_normal((C, m)) * 2
        labels = _labels(rng, C, m)
        if kind == "underflow":
            Z[:, -1] = 0.0
            Z[labels[0, -1], -1] = -800.0
        else:
            Z[:, -1] = 1000.0 + rng.standard_normal(C)
        problems.append((kind, Z, ref.one_hot(labels, C)))
    return problems


def _logit_cost_variants(ZL, Y):
    m = Y.shape[1]
    shift = np.max(ZL, axis=0, keepdims=True)
    row_max = ZL - np.max(ZL, axis=1, keepdims=True)

    def cost(log_probabilities):
        return float(-np.sum(Y * log_probabilities) / m)

    with np.errstate(all="ignore"):
        return {
            "log-of-softmax": cost(np.log(ref.softmax(ZL))),
            "no-shift": cost(ZL - np.log(np.sum(np.exp(ZL), axis=0, keepdims=True))),
            "shift-once": cost(ZL - np.log(np.sum(np.exp(ZL - shift), axis=0, keepdims=True))),
            "row-max": cost(row_max - np.log(np.sum(np.exp(row_max), axis=0, keepdims=True))),
            "sum-everything": cost(ZL - shift - np.log(np.sum(np.exp(ZL - shift)))),
        }


def check_compute_cost_from_logits(compute_cost_from_logits, C=4, m=5, seed=7):
    """-(1/m) sum(Y * log_softmax(ZL)), with log_softmax(Z) = Z - max - log(sum(exp(Z - max))) per column: finite
    where softmax underflows, no overflow for scores near 1000."""
    if C < 2 or m < 2:
        raise ValueError("the check needs C >= 2 classes and m >= 2 examples")
    rng = np.random.default_rng(seed)
    for kind, ZL, Y in _logit_problems(rng, C, m):
        result = student_call(compute_cost_from_logits, "compute_cost_from_logits", ZL.copy(), Y.copy())
        expected = ref.compute_cost_from_logits(ZL, Y)
        variants = _logit_cost_variants(ZL, Y)
        if isinstance(result, numbers.Real) and not np.isfinite(result):
            if kind == "underflow":
                fail(f"compute_cost_from_logits = {result} where a true class's probability underflows to 0 (its score "
                     f"is 800 below the best): log(softmax(ZL)) takes log(0). Compute the log-probabilities "
                     f"directly, log_softmax = (Z - max) - log(sum(exp(Z - max))), column by column.",
                     "compute_cost_from_logits.log-of-softmax")
            fail(f"compute_cost_from_logits = {result} for scores near 1000: exp(1000) overflows. Subtract each "
                 f"column's maximum before exp, in both terms of the log-softmax.", "compute_cost_from_logits.no-shift")
        expect_float(f"compute_cost_from_logits ({'a true class far below' if kind == 'underflow' else 'scores near 1000'})",
                     result, expected, m=m, mistakes=[
            Mistake("The column maximum was subtracted inside the log-sum-exp but not from the scores themselves: "
                    "log_softmax(z)_k = (z_k - max) - log(sum_j exp(z_j - max)), the same shift in both terms.",
                    variants["shift-once"], id="compute_cost_from_logits.shift-once"),
            Mistake("The maximum was taken over each row (a class across the examples): the shift must be the "
                    "maximum of each COLUMN; only a per-example constant leaves softmax unchanged.",
                    variants["row-max"], id="compute_cost_from_logits.row-max"),
            Mistake("The log-sum-exp summed over the whole matrix: sum over the classes of each example only, one "
                    "normaliser per column.", variants["sum-everything"], id="compute_cost_from_logits.sum-everything"),
            Mistake(f"The cost is summed over the examples: divide by m = {m}.", expected * m,
                    id="compute_cost_from_logits.no-mean"),
            Mistake("The sign is flipped: the cost is MINUS the mean log-probability of the true classes.", -expected,
                    id="compute_cost_from_logits.sign"),
        ])
    passed("compute_cost_from_logits")
