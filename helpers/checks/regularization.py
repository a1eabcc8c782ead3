"""Checks for notebook 03 (regularization). Each `check_*` takes the student's function, runs it on
fresh inputs (sizes, values and seed are arguments, so hidden tests use new ones) and raises
ExerciseFailure naming the mistake, or prints a success line.

The named mistakes are computed here with the typical bug (a variant of the reference in
helpers.regularization), so a hint appears only when the student's value equals that bug's value.
"""
from __future__ import annotations

import numpy as np

from .. import deep
from .. import regularization as ref
from .core import Mistake, expect_array, expect_float, expect_keys, expect_tuple, fail, passed, student_call
from .core import copy_inputs as _copy, same_array as _same


# --- inputs ------------------------------------------------------------------------------------

def _labels(rng, m):
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    Y[0, :2] = [0.0, 1.0]            # both classes present whatever the seed
    return Y


def _random_parameters(rng, dims):
    """Moderate weights and non-zero biases, so that every term of a formula matters (a penalty on b shows)."""
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = rng.uniform(0.1, 0.6, (dims[l], 1))
    return parameters


def _unchanged(name, before, after, fn_name, fix):
    if not np.array_equal(before, after):
        fail(f"{fn_name} modified its input {name} in place: {fix}", mistake="unchanged.modified-its-input-in-place")


def _cost_problem(layer_dims, m, seed):
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    parameters = _random_parameters(rng, dims)
    AL = rng.uniform(0.05, 0.95, (1, m))
    Y = _labels(rng, m)
    return parameters, AL, Y


def _backward_problem(layer_dims, m, seed):
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    parameters = _random_parameters(rng, dims)
    X = rng.standard_normal((dims[0], m))
    Y = _labels(rng, m)
    AL, caches = deep.L_model_forward(X, parameters)
    return parameters, AL, Y, caches


def _weight_keys(parameters):
    return [key for key in sorted(parameters, key=lambda k: (int(k[1:]), k[0])) if key.startswith("W")]


# --- exercise 1: train / dev / test split ----------------------------------------------------------

def _sizes(m, fractions):
    n_train = int(round(fractions[0] * m))
    n_dev = int(round(fractions[1] * m))
    return n_train, n_dev, m - n_train - n_dev


def _column_indices(part, X, name):
    """For each column of `part`, the index of the equal column of X; fails if one is not in X."""
    distances = np.abs(part[:, :, None] - X[:, None, :]).max(axis=0)       # (k, m)
    indices = distances.argmin(axis=1)
    if part.shape[1] and distances[np.arange(part.shape[1]), indices].max() > 1e-9:
        fail(f"{name} holds a column that is not a column of X: the split must only select and reorder "
             f"whole columns (examples), never change their values.", mistake="column_indices.holds-a-column-that-is-not")
    return indices


def check_train_dev_test_split(train_dev_test_split, m=48, n_x=3, fractions=(0.6, 0.2, 0.2), seed=0):
    """Shuffle the m columns once (one permutation for X and Y) and cut them into round(f0 m), round(f1 m)
    and the remaining columns; deterministic for a seed."""
    rng = np.random.default_rng(1000 + seed)
    X = rng.standard_normal((n_x, m))
    Y = _labels(rng, m)
    X0, Y0 = X.copy(), Y.copy()
    result = student_call(train_dev_test_split, "train_dev_test_split", X, Y, fractions=fractions, seed=seed)
    parts = expect_tuple("train_dev_test_split", result, 6,
                         "a tuple of 6 arrays (X_train, Y_train, X_dev, Y_dev, X_test, Y_test)")
    _unchanged("X", X0, X, "train_dev_test_split",
               "rng.shuffle(X.T) shuffles X itself. Index with a permutation instead, X[:, order], which "
               "makes new arrays.")
    _unchanged("Y", Y0, Y, "train_dev_test_split", "index with a permutation instead, Y[:, order].")
    names = ("X_train", "Y_train", "X_dev", "Y_dev", "X_test", "Y_test")
    for name, part in zip(names, parts):
        if not isinstance(part, np.ndarray) or part.ndim != 2:
            fail(f"{name} must be a 2-D numpy array (one column per example), got "
                 f"{type(part).__name__}{' of shape ' + str(part.shape) if isinstance(part, np.ndarray) else ''}.", mistake="train_dev_test_split.must-be-a-d-numpy-array")
    rows = [part.shape[0] for part in parts]
    if rows[:2] == [n_x, n_x] and rows[3:5] == [1, 1] and n_x != 1:
        fail("The arrays come back in another order: return X_train, Y_train, X_dev, Y_dev, X_test, Y_test "
             "(each X followed by its Y).", mistake="train_dev_test_split.the-arrays-come-back-in-another")
    for name, part, n_rows in zip(names, parts, (n_x, 1) * 3):
        if part.shape[0] != n_rows:
            if part.shape[1] == n_rows:
                fail(f"{name} has shape {part.shape}: it looks transposed. Examples are columns, so split "
                     f"the columns, X[:, indices], keeping all {n_rows} rows.", mistake="train_dev_test_split.has-shape-it-looks-transposed-examples")
            fail(f"{name} has {part.shape[0]} rows, expected {n_rows}: split the columns (examples), X[:, indices].", mistake="train_dev_test_split.has-rows-expected-split-the-columns")
    expected = _sizes(m, fractions)
    got = tuple(parts[i].shape[1] for i in (0, 2, 4))
    if got != expected:
        truncated = (int(fractions[0] * m), int(fractions[1] * m))
        truncated = truncated + (m - sum(truncated),)
        separate = expected[:2] + (int(round(fractions[2] * m)),)
        hint = ""
        if got == truncated:
            hint = (f" int(fraction * m) truncates (int({fractions[0]} * {m}) = {truncated[0]}, and "
                    f"floating point may turn 29.0 into 28.999999999999996): use int(round(fraction * m)).")
        elif got == separate:
            hint = (" The test set is what remains, m - n_train - n_dev columns, so that every example is in "
                    "exactly one set.")
        fail(f"The sets have {got[0]}, {got[1]} and {got[2]} columns for m = {m} and fractions {tuple(fractions)}; "
             f"expected n_train = int(round({fractions[0]} * {m})) = {expected[0]}, n_dev = "
             f"int(round({fractions[1]} * {m})) = {expected[1]} and the remaining {expected[2]} for the test set."
             + hint)
    indices = [_column_indices(parts[i], X0, names[i]) for i in (0, 2, 4)]
    everything = np.concatenate(indices)
    if len(set(everything.tolist())) != m:
        fail("Some examples appear twice (and others never): the sets must be disjoint and together hold every "
             "column once. Cut ONE permutation, order = rng.permutation(m), into three consecutive slices "
             "(sampling indices with rng.choice(..., replace=True) or rng.integers repeats some).", mistake="train_dev_test_split.some-examples-appear-twice-and-others")
    for i, (x_name, y_name) in zip(indices, (("X_train", "Y_train"), ("X_dev", "Y_dev"), ("X_test", "Y_test"))):
        y_part = parts[names.index(y_name)]
        if not np.allclose(y_part, Y0[:, i]):
            fail(f"{y_name} does not match {x_name}: column j of {y_name} must be the label of column j of "
                 f"{x_name}. Shuffle X and Y with the SAME permutation (order = rng.permutation(m); X[:, order], "
                 f"Y[:, order]); shuffling them separately, or only one of them, mixes up the labels.", mistake="train_dev_test_split.does-not-match-column-j-of")
    if np.array_equal(indices[0], np.arange(expected[0])):
        fail("X_train is the first columns of X in their original order: shuffle before cutting "
             "(order = rng.permutation(m)). Data are often sorted (e.g. by class or by date), so an unshuffled "
             "split gives sets with different distributions.", mistake="train_dev_test_split.x-train-is-the-first-columns")
    again = student_call(train_dev_test_split, "train_dev_test_split", X0.copy(), Y0.copy(), fractions=fractions,
                         seed=seed)
    if not all(np.array_equal(a, b) for a, b in zip(parts, again)):
        fail("Two calls with the same seed gave different splits: create rng = np.random.default_rng(seed) inside "
             "the function instead of using the global np.random state.", mistake="train_dev_test_split.two-calls-with-the-same-seed")
    other = student_call(train_dev_test_split, "train_dev_test_split", X0.copy(), Y0.copy(), fractions=fractions,
                         seed=seed + 1)
    if all(np.array_equal(a, b) for a, b in zip(parts, other)):
        fail(f"seed={seed} and seed={seed + 1} gave the same split: use the seed argument, "
             f"rng = np.random.default_rng(seed).", mistake="train_dev_test_split.seed-and-seed-gave-the-same")
    passed("train_dev_test_split")


# --- exercise 2: bias and variance -----------------------------------------------------------------

# (train_error, dev_error, bayes_error): Andrew Ng's classic table, a blurry-image case with a high Bayes
# error, and cases that tell the typical mistakes apart.
BIAS_VARIANCE_CASES = (
    (0.01, 0.11, 0.0), (0.15, 0.16, 0.0), (0.15, 0.30, 0.0), (0.005, 0.01, 0.0),
    (0.15, 0.16, 0.15), (0.16, 0.30, 0.15), (0.02, 0.04, 0.0), (0.10, 0.12, 0.02), (0.30, 0.31, 0.27),
)


def _verdict(high_bias, high_variance):
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "low bias and low variance"


def _diagnosis_variants(threshold):
    t = threshold
    return [
        ("The Bayes error is ignored: the avoidable bias is train_error - bayes_error (a 15% training error is "
         "fine when even the best possible classifier errs 15% of the time).",
         lambda tr, dv, by: _verdict(tr > t, dv - tr > t)),
        ("The variance is measured against the Bayes error: it is the gap between the dev and the TRAINING "
         "error, dev_error - train_error.",
         lambda tr, dv, by: _verdict(tr - by > t, dv - by > t)),
        ("The bias is measured with the dev error: the avoidable bias is train_error - bayes_error (how well "
         "the model fits the data it was trained on).",
         lambda tr, dv, by: _verdict(dv - by > t, dv - tr > t)),
        ("Bias and variance are swapped: high bias is a high TRAINING error (train_error - bayes_error > "
         "threshold), high variance a large gap dev_error - train_error.",
         lambda tr, dv, by: _verdict(dv - tr > t, tr - by > t)),
        ("Every case comes out 'low bias and low variance': the errors are fractions (0.15 means 15%), so "
         f"compare the differences with the threshold {t} (five percentage points), not with 5.",
         lambda tr, dv, by: _verdict(tr - by > 100 * t, dv - tr > 100 * t)),
    ]


def check_diagnose_bias_variance(diagnose_bias_variance, cases=BIAS_VARIANCE_CASES, threshold=0.05):
    """avoidable bias = train - bayes, variance = dev - train; "high" when more than threshold (0.05)."""
    answers = []
    for train_error, dev_error, bayes_error in cases:
        if bayes_error == 0.0:
            answer = student_call(diagnose_bias_variance, "diagnose_bias_variance", train_error, dev_error)
        else:
            answer = student_call(diagnose_bias_variance, "diagnose_bias_variance", train_error, dev_error,
                                  bayes_error)
        if not isinstance(answer, str):
            fail(f"diagnose_bias_variance({train_error}, {dev_error}, {bayes_error}) returned "
                 f"{type(answer).__name__}: return one of the strings {list(ref.VERDICTS)}.", mistake="diagnose_bias_variance.diagnose-bias-variance-returned-return-one")
        if answer not in ref.VERDICTS:
            words = " ".join(answer.lower().replace(",", " ").replace("&", " and ").split())
            if words in ref.VERDICTS:
                hint = f"write it exactly {words!r} (lower case, words separated by single spaces)."
            elif "bias" in words and "variance" in words and words.index("variance") < words.index("bias"):
                hint = "when both are high, the verdict is exactly 'high bias and high variance' (bias first)."
            else:
                hint = f"return exactly one of {list(ref.VERDICTS)}."
            fail(f"diagnose_bias_variance({train_error}, {dev_error}, {bayes_error}) returned {answer!r}: {hint}", mistake="diagnose_bias_variance.diagnose-bias-variance-returned")
        answers.append(answer)
    expected = [ref.diagnose_bias_variance(*case, threshold=threshold) for case in cases]
    if answers == expected:
        passed("diagnose_bias_variance")
        return
    for hint, variant in _diagnosis_variants(threshold):
        if answers == [variant(*case) for case in cases]:
            fail(hint)
    for (train_error, dev_error, bayes_error), answer, right in zip(cases, answers, expected):
        if answer != right:
            fail(f"diagnose_bias_variance({train_error}, {dev_error}, bayes_error={bayes_error}) returned "
                 f"{answer!r}, expected {right!r}: the avoidable bias is train_error - bayes_error = "
                 f"{train_error - bayes_error:.3g} and the variance dev_error - train_error = "
                 f"{dev_error - train_error:.3g}; each is high when it is more than {threshold}.", mistake="diagnose_bias_variance.diagnose-bias-variance-bayes-error-returned")


# --- exercises 3 and 4: L2 regularization ----------------------------------------------------------

def check_compute_cost_with_regularization(compute_cost_with_regularization, layer_dims=(3, 4, 2, 1), m=5,
                                           lambd=0.7, seed=0):
    """J = cross-entropy + lambd / (2m) * sum_l ||W{l}||_F^2 (biases not penalised), returned as a float."""
    parameters, AL, Y = _cost_problem(layer_dims, m, seed)
    before = _copy(parameters)
    cost = student_call(compute_cost_with_regularization, "compute_cost_with_regularization",
                        AL.copy(), Y.copy(), parameters, lambd)
    for key in parameters:
        _unchanged(f"parameters['{key}']", before[key], parameters[key], "compute_cost_with_regularization",
                   "compute the penalty from the weights without assigning to them.")
    cross_entropy = ref.compute_cost_stable(AL, Y)
    weights = [parameters[k] for k in _weight_keys(parameters)]
    biases = [parameters[k] for k in parameters if k.startswith("b")]
    squares = sum(float(np.sum(W ** 2)) for W in weights)
    expected = cross_entropy + lambd / (2 * m) * squares
    expect_float("cost", cost, expected, mistakes=[
        Mistake("The penalty uses lambd / m: the L2 term is lambd / (2m) * sum ||W||^2 (the 2 cancels when "
                "you differentiate, giving the lambd / m W of the gradient).", cross_entropy + lambd / m * squares, id="compute_cost_with_regularization.the-penalty-uses-lambd-m-the"),
        Mistake("The penalty regularises the biases too: only the weights W{l} are penalised (biases are few and "
                "do not make the network more complex).",
                cross_entropy + lambd / (2 * m) * (squares + sum(float(np.sum(b ** 2)) for b in biases)), id="compute_cost_with_regularization.the-penalty-regularises-the-biases-too"),
        Mistake("The Frobenius norm must be squared: ||W||_F^2 = np.sum(np.square(W)); np.linalg.norm(W) is its "
                "square root.", cross_entropy + lambd / (2 * m) * sum(float(np.linalg.norm(W)) for W in weights), id="compute_cost_with_regularization.the-frobenius-norm-must-be-squared"),
        Mistake("You squared the sum of the weights: square each weight, then sum, np.sum(np.square(W)).",
                cross_entropy + lambd / (2 * m) * sum(float(np.sum(W)) ** 2 for W in weights), id="compute_cost_with_regularization.you-squared-the-sum-of-the"),
        Mistake("The penalty is missing 1/m: lambd / (2m) * sum ||W||^2, with m = Y.shape[1] the number of "
                "examples.", cross_entropy + lambd / 2 * squares, id="compute_cost_with_regularization.the-penalty-is-missing-m-lambd"),
        Mistake("The penalty is missing its factor 1/2: lambd / (2 * m), not lambd / 2 * m (operator precedence!).",
                cross_entropy + lambd / 2 * m * squares, id="compute_cost_with_regularization.the-penalty-is-missing-its-factor"),
        Mistake("Only the last layer's weights are penalised: sum ||W{l}||^2 over every layer l = 1..L.",
                cross_entropy + lambd / (2 * m) * float(np.sum(weights[-1] ** 2)), id="compute_cost_with_regularization.only-the-last-layer-s-weights"),
        Mistake("Only the first layer's weights are penalised: sum ||W{l}||^2 over every layer l = 1..L.",
                cross_entropy + lambd / (2 * m) * float(np.sum(weights[0] ** 2)), id="compute_cost_with_regularization.only-the-first-layer-s-weights"),
        Mistake("You returned the penalty alone: add the cross-entropy cost to it.", lambd / (2 * m) * squares, id="compute_cost_with_regularization.you-returned-the-penalty-alone-add"),
        Mistake("You returned the cross-entropy alone: add lambd / (2m) * sum ||W{l}||_F^2.", cross_entropy, id="compute_cost_with_regularization.you-returned-the-cross-entropy-alone"),
        Mistake("The penalty uses |W| (L1): the L2 penalty squares the weights.",
                cross_entropy + lambd / (2 * m) * sum(float(np.sum(np.abs(W))) for W in weights), id="compute_cost_with_regularization.the-penalty-uses-w-the-penalty"),
    ])
    passed("compute_cost_with_regularization")


def _penalised(grads, parameters, term, keys=None, biases=False):
    """grads with term(W) added to every dW (or only to `keys`), and term(b) to every db if biases."""
    out = {k: v.copy() for k, v in grads.items()}
    for key in parameters:
        if key.startswith("W") and (keys is None or key in keys):
            out["d" + key] = out["d" + key] + term(parameters[key])
        if biases and key.startswith("b"):
            out["d" + key] = out["d" + key] + term(parameters[key])
    return out


def _check_penalised_backward(fn, name, layer_dims, m, lambd, seed, expected_term, variants):
    parameters, AL, Y, caches = _backward_problem(layer_dims, m, seed)
    L = len(layer_dims) - 1
    grads = student_call(fn, name, AL.copy(), Y.copy(), _copy(caches), lambd)
    keys = [f"{p}{l}" for l in range(L, 0, -1) for p in ("dW", "db")]
    expect_keys("grads", grads, keys)
    plain = ref.L_model_backward_stable(AL, Y, caches)
    expected = _penalised(plain, parameters, expected_term)
    computed = [(hint, make(plain, parameters)) for hint, make in variants]
    if not all(_same(grads[key], expected[key]) for key in keys):
        for hint, value in computed:          # a typical bug recognised on the whole set of gradients first
            if all(_same(grads[key], value[key]) for key in keys):
                fail(f"The gradients are wrong. {hint}", mistake="check_penalised_backward.the-gradients-are-wrong")
    for key in keys:
        l = key[2:]
        what = f"(n[{l}], n[{int(l) - 1}]), like W{l}" if key.startswith("dW") else f"(n[{l}], 1), like b{l}"
        expect_array(f"grads['{key}']", grads[key], expected[key], m=m, what=what,
                     mistakes=[Mistake(hint, value[key]) for hint, value in computed])


def check_L_model_backward_with_regularization(L_model_backward_with_regularization, layer_dims=(3, 4, 3, 1), m=5,
                                               lambd=0.7, seed=1):
    """The gradients of notebook 02 (dZ[L] = AL - Y), plus lambd / m * W{l} in every dW{l}; db{l} unchanged."""
    last = f"W{len(layer_dims) - 1}"
    variants = [
        ("dW has no regularization term: add lambd / m * W{l} to every dW{l} (the derivative of "
         "lambd / (2m) ||W{l}||^2).", lambda g, p: g),
        ("The regularization term is lambd / (2m) * W: differentiating lambd / (2m) * W^2 gives 2 * W * lambd / (2m) "
         "= lambd / m * W.", lambda g, p: _penalised(g, p, lambda W: lambd / (2 * m) * W)),
        ("The regularization term is 2 * lambd / m * W: the derivative of lambd / (2m) * W^2 is lambd / m * W.",
         lambda g, p: _penalised(g, p, lambda W: 2 * lambd / m * W)),
        ("The regularization term is missing 1/m: dW{l} += lambd / m * W{l}.",
         lambda g, p: _penalised(g, p, lambda W: lambd * W)),
        ("The regularization term uses np.sign(W), L1's gradient: L2's is lambd / m * W.",
         lambda g, p: _penalised(g, p, lambda W: lambd / m * np.sign(W))),
        ("The biases are regularised: only dW{l} gets lambd / m * W{l}; db{l} stays as it is.",
         lambda g, p: _penalised(g, p, lambda W: lambd / m * W, biases=True)),
        ("Only the last layer is regularised: add lambd / m * W{l} to dW{l} for every layer l = 1..L.",
         lambda g, p: _penalised(g, p, lambda W: lambd / m * W, keys={last})),
        ("Only the first layer is regularised: add lambd / m * W{l} to dW{l} for every layer l = 1..L.",
         lambda g, p: _penalised(g, p, lambda W: lambd / m * W, keys={"W1"})),
        ("You added lambd / m * dW{l} (the gradient) instead of lambd / m * W{l} (the weights, from the cache: "
         "(A_prev, W, b), Z = caches[l - 1]).",
         lambda g, p: {k: (v * (1 + lambd / m) if k.startswith("dW") else v) for k, v in g.items()}),
    ]
    _check_penalised_backward(L_model_backward_with_regularization, "L_model_backward_with_regularization",
                              layer_dims, m, lambd, seed, lambda W: lambd / m * W, variants)
    passed("L_model_backward_with_regularization")


# --- exercises 5 and 6: L1 regularization ----------------------------------------------------------

def check_compute_cost_with_l1(compute_cost_with_l1, layer_dims=(3, 4, 2, 1), m=5, lambd=0.7, seed=2):
    """J = cross-entropy + lambd / (2m) * sum_l sum |W{l}| (biases not penalised), returned as a float."""
    parameters, AL, Y = _cost_problem(layer_dims, m, seed)
    cost = student_call(compute_cost_with_l1, "compute_cost_with_l1", AL.copy(), Y.copy(), _copy(parameters), lambd)
    cross_entropy = ref.compute_cost_stable(AL, Y)
    weights = [parameters[k] for k in _weight_keys(parameters)]
    absolute = sum(float(np.sum(np.abs(W))) for W in weights)
    expected = cross_entropy + lambd / (2 * m) * absolute
    expect_float("cost", cost, expected, mistakes=[
        Mistake("The penalty squares the weights (that is L2): L1 sums their absolute values, np.sum(np.abs(W)).",
                cross_entropy + lambd / (2 * m) * sum(float(np.sum(W ** 2)) for W in weights), id="compute_cost_with_l1.the-penalty-squares-the-weights-that"),
        Mistake("The penalty uses lambd / m: this course's L1 term is lambd / (2m) * sum |W|, with the same "
                "factor as L2.", cross_entropy + lambd / m * absolute, id="compute_cost_with_l1.the-penalty-uses-lambd-m-this"),
        Mistake("The absolute value is missing: sum |W|, np.sum(np.abs(W)) (positive and negative weights must "
                "not cancel).", cross_entropy + lambd / (2 * m) * sum(float(np.sum(W)) for W in weights), id="compute_cost_with_l1.the-absolute-value-is-missing-sum"),
        Mistake("The penalty regularises the biases too: only the weights W{l} are penalised.",
                cross_entropy + lambd / (2 * m) * (absolute + sum(float(np.sum(np.abs(parameters[k])))
                                                                  for k in parameters if k.startswith("b"))), id="compute_cost_with_l1.the-penalty-regularises-the-biases-too"),
        Mistake("The penalty is missing 1/m: lambd / (2m) * sum |W|.", cross_entropy + lambd / 2 * absolute, id="compute_cost_with_l1.the-penalty-is-missing-m-lambd"),
        Mistake("Only the last layer's weights are penalised: sum |W{l}| over every layer l = 1..L.",
                cross_entropy + lambd / (2 * m) * float(np.sum(np.abs(weights[-1]))), id="compute_cost_with_l1.only-the-last-layer-s-weights"),
        Mistake("You returned the penalty alone: add the cross-entropy cost to it.", lambd / (2 * m) * absolute, id="compute_cost_with_l1.you-returned-the-penalty-alone-add"),
        Mistake("You returned the cross-entropy alone: add lambd / (2m) * sum |W{l}|.", cross_entropy, id="compute_cost_with_l1.you-returned-the-cross-entropy-alone"),
    ])
    passed("compute_cost_with_l1")


def check_L_model_backward_with_l1(L_model_backward_with_l1, layer_dims=(3, 4, 3, 1), m=5, lambd=0.7, seed=3):
    """The gradients of notebook 02, plus lambd / (2m) * sign(W{l}) in every dW{l}; db{l} unchanged."""
    last = f"W{len(layer_dims) - 1}"
    variants = [
        ("dW has no regularization term: add lambd / (2m) * np.sign(W{l}), the derivative of lambd / (2m) * |W{l}|.",
         lambda g, p: g),
        ("The L1 term is lambd / m * sign(W): the cost here is lambd / (2m) * sum |W|, so its derivative is "
         "lambd / (2m) * np.sign(W). Keep the cost and the gradient consistent (a gradient check would catch this).",
         lambda g, p: _penalised(g, p, lambda W: lambd / m * np.sign(W))),
        ("The L1 term uses W instead of its sign: d|w|/dw = sign(w), so dW{l} += lambd / (2m) * np.sign(W{l}).",
         lambda g, p: _penalised(g, p, lambda W: lambd / (2 * m) * W)),
        ("You added L2's gradient lambd / m * W: L1's is lambd / (2m) * np.sign(W).",
         lambda g, p: _penalised(g, p, lambda W: lambd / m * W)),
        ("The L1 term uses np.abs(W): the derivative of |w| is its sign, np.sign(W) (negative weights are pushed "
         "up, positive ones down).", lambda g, p: _penalised(g, p, lambda W: lambd / (2 * m) * np.abs(W))),
        ("The biases are regularised: only dW{l} gets the L1 term; db{l} stays as it is.",
         lambda g, p: _penalised(g, p, lambda W: lambd / (2 * m) * np.sign(W), biases=True)),
        ("The L1 term is missing 1/m: dW{l} += lambd / (2m) * np.sign(W{l}).",
         lambda g, p: _penalised(g, p, lambda W: lambd / 2 * np.sign(W))),
        ("Only the last layer is regularised: add the term to dW{l} for every layer l = 1..L.",
         lambda g, p: _penalised(g, p, lambda W: lambd / (2 * m) * np.sign(W), keys={last})),
    ]
    _check_penalised_backward(L_model_backward_with_l1, "L_model_backward_with_l1", layer_dims, m, lambd, seed,
                              lambda W: lambd / (2 * m) * np.sign(W), variants)
    passed("L_model_backward_with_l1")


# --- exercise 7: weight decay --------------------------------------------------------------------

def check_update_parameters_with_weight_decay(update_parameters_with_weight_decay, layer_dims=(4, 3, 2, 1),
                                              learning_rate=0.1, lambd=0.8, m=20, seed=4):
    """W{l} = (1 - learning_rate * lambd / m) W{l} - learning_rate dW{l}; b{l} = b{l} - learning_rate db{l}."""
    rng = np.random.default_rng(seed)
    dims = list(layer_dims)
    L = len(dims) - 1
    parameters = _random_parameters(rng, dims)
    grads = {"d" + k: v for k, v in _random_parameters(rng, dims).items()}
    grads.update({f"dA{l}": rng.standard_normal((dims[l], 3)) for l in range(L)})   # as L_model_backward returns
    originals, grads0 = _copy(parameters), _copy(grads)
    result = student_call(update_parameters_with_weight_decay, "update_parameters_with_weight_decay",
                          parameters, _copy(grads), learning_rate, lambd, m)
    for key in originals:
        _unchanged(f"parameters['{key}']", originals[key], parameters[key], "update_parameters_with_weight_decay",
                   "W *= ... or W -= ... changes the caller's arrays; compute new ones, W_new = decay * W - ....")
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
    expect_keys("the returned parameters", result, keys)
    a = learning_rate
    for key in keys:
        P, dP = originals[key], grads0["d" + key]
        if key.startswith("W"):
            expected = (1 - a * lambd / m) * P - a * dP
            mistakes = [
                Mistake("The decay factor uses lambd / (2m): the gradient of lambd / (2m) ||W||^2 is lambd / m W, "
                        "so the factor is (1 - learning_rate * lambd / m).", (1 - a * lambd / (2 * m)) * P - a * dP, id="update_parameters_with_weight_decay.the-decay-factor-uses-lambd-the"),
                Mistake(f"{key} was not decayed: multiply it by (1 - learning_rate * lambd / m) before the step.",
                        P - a * dP, id="update_parameters_with_weight_decay.was-not-decayed-multiply-it-by"),
                Mistake("The decay factor is missing the learning rate: (1 - learning_rate * lambd / m).",
                        (1 - lambd / m) * P - a * dP, id="update_parameters_with_weight_decay.the-decay-factor-is-missing-the"),
                Mistake("The decay factor is missing 1/m: (1 - learning_rate * lambd / m).",
                        (1 - a * lambd) * P - a * dP, id="update_parameters_with_weight_decay.the-decay-factor-is-missing-m"),
                Mistake("The gradient step is missing the learning rate: - learning_rate * dW.",
                        (1 - a * lambd / m) * P - dP, id="update_parameters_with_weight_decay.the-gradient-step-is-missing-the"),
                Mistake("The decay multiplies the stepped weights: decay the old W, then take the step, "
                        "(1 - learning_rate * lambd / m) * W - learning_rate * dW.", (1 - a * lambd / m) * (P - a * dP), id="update_parameters_with_weight_decay.the-decay-multiplies-the-stepped-weights"),
                Mistake("The weights grow: the factor is (1 - learning_rate * lambd / m), a bit less than 1.",
                        (1 + a * lambd / m) * P - a * dP, id="update_parameters_with_weight_decay.the-weights-grow-the-factor-is"),
                Mistake("dW is already the unregularised gradient: do not add lambd / m * W to it on top of the decay "
                        "(that counts the penalty twice).", (1 - a * lambd / m) * P - a * (dP + lambd / m * P), id="update_parameters_with_weight_decay.dw-is-already-the-unregularised-gradient"),
            ]
        else:
            expected = P - a * dP
            mistakes = [
                Mistake(f"{key} was decayed: weight decay shrinks the weights only; the biases take a plain step, "
                        f"{key} - learning_rate * d{key}.", (1 - a * lambd / m) * P - a * dP, id="update_parameters_with_weight_decay.was-decayed-weight-decay-shrinks-the"),
                Mistake(f"{key} was not updated: {key} = {key} - learning_rate * d{key}.", P, id="update_parameters_with_weight_decay.was-not-updated-learning-rate-d"),
            ]
        expect_array(f"updated {key}", result[key], expected, mistakes=mistakes)
    passed("update_parameters_with_weight_decay")


# --- exercise 8: data augmentation ----------------------------------------------------------------

def _shift_variant(images, s, rng, *, roll=False, high=None, swap=False, sign=1, one_shift=False, draw_t=False,
                   mode="constant"):
    m, h, w = images.shape
    if one_shift:
        shifts = np.repeat(rng.integers(-s, s + 1, size=(1, 2)), m, axis=0)
    elif draw_t:
        shifts = rng.integers(-s, s + 1, size=(2, m)).T
    else:
        shifts = rng.integers(-s, (s + 1) if high is None else high, size=(m, 2))
    if swap:
        shifts = shifts[:, ::-1]
    shifts = sign * shifts
    out = np.empty_like(images)
    for i in range(m):
        dy, dx = int(shifts[i, 0]), int(shifts[i, 1])
        if roll:
            out[i] = np.roll(images[i], (dy, dx), axis=(0, 1))
            continue
        padded = np.pad(images[i], s, mode=mode)
        out[i] = padded[s - dy:s - dy + h, s - dx:s - dx + w]
    return out


def check_random_shift(random_shift, m=6, height=5, width=4, max_shift=1, seed=5):
    """shifts = rng.integers(-max_shift, max_shift + 1, size=(m, 2)); image i moves down shifts[i, 0] rows and
    right shifts[i, 1] columns; the uncovered border is 0; a new array, the input unchanged."""
    images = np.random.default_rng(2000 + seed).uniform(0.1, 1.0, (m, height, width))
    original = images.copy()
    result = student_call(random_shift, "random_shift", images, max_shift, np.random.default_rng(seed))
    _unchanged("images", original, images, "random_shift",
               "build the shifted images in a new array (np.zeros_like(images), then fill it).")
    if isinstance(result, np.ndarray) and result.shape != images.shape and result.size == images.size:
        fail(f"random_shift returned shape {result.shape}: return the images in their original layout "
             f"(m, height, width) = {images.shape}.", mistake="random_shift.random-shift-returned-shape-return-the")
    again = student_call(random_shift, "random_shift", original.copy(), max_shift, np.random.default_rng(seed))
    if isinstance(result, np.ndarray) and isinstance(again, np.ndarray) and not np.array_equal(again, result):
        fail("Two calls with equal generators gave different images: draw the shifts from the rng argument, "
             "not from np.random.", mistake="random_shift.two-calls-with-equal-generators-gave")
    if max_shift > 0:      # a few other generators: with one small image, one of them may repeat the shift
        others = [student_call(random_shift, "random_shift", original.copy(), max_shift,
                               np.random.default_rng(seed + k)) for k in range(1, 6)]
        if all(isinstance(other, np.ndarray) and np.array_equal(other, result) for other in others):
            fail("Other generators gave the same shifts: draw them from the rng argument, "
                 "rng.integers(-max_shift, max_shift + 1, size=(m, 2)).", mistake="random_shift.other-generators-gave-the-same-shifts")
    expected = ref.random_shift(original, max_shift, np.random.default_rng(seed))
    s = max_shift
    variants = [
        ("Pixels that leave one side come back on the other: np.roll wraps around. Shifted images must get "
         "zeros (background) on the uncovered border.", dict(roll=True)),
        ("The shifts never reach +max_shift: rng.integers(low, high) excludes high, so draw "
         "rng.integers(-max_shift, max_shift + 1, size=(m, 2)).", dict(high=s)),
        ("Rows and columns are swapped: shifts[i, 0] moves image i DOWN (rows), shifts[i, 1] RIGHT (columns).",
         dict(swap=True)),
        ("The images move the opposite way: a positive shifts[i, 0] moves the picture DOWN, "
         "out[i, r, c] = images[i, r - shifts[i, 0], c - shifts[i, 1]].", dict(sign=-1)),
        ("Every image got the same shift: draw one (row, column) shift per image, shifts = rng.integers(-max_shift, "
         "max_shift + 1, size=(m, 2)).", dict(one_shift=True)),
        ("The shifts were drawn with size=(2, m): draw them as size=(m, 2), row i for image i, so that everyone's "
         "random numbers agree.", dict(draw_t=True)),
        ("The uncovered border repeats the edge pixels: fill it with 0, the background.", dict(mode="edge")),
    ] if s > 0 else []
    with np.errstate(all="ignore"):
        mistakes = [Mistake(hint, _shift_variant(original, s, np.random.default_rng(seed), **options))
                    for hint, options in variants]
    expect_array(f"random_shift(images of shape {images.shape}, max_shift={max_shift}, rng)", result, expected,
                 mistakes=mistakes, what="(m, height, width)")
    passed("random_shift")


# --- challenge (optional, ungraded): early stopping ---------------------------------------------------

# Dev-error histories on which the typical mistakes of should_stop answer differently (ties, a
# late improvement, a short history), with the patience to use.
_STOP_CASES = (
    ([0.30, 0.25, 0.20, 0.22, 0.24], 2), ([0.30, 0.25, 0.20, 0.22, 0.20], 2), ([0.30, 0.25, 0.20, 0.22, 0.19], 2),
    ([0.30, 0.20, 0.25, 0.24, 0.23], 3), ([0.30, 0.20, 0.25, 0.24], 3), ([0.30, 0.20, 0.25], 3),
    ([0.30, 0.20, 0.25, 0.21, 0.22], 3), ([0.30, 0.10, 0.25, 0.20, 0.22], 2), ([0.4, 0.3], 1), ([0.4, 0.4], 1), ([0.4], 1), ([0.4, 0.3, 0.35], 1),
)


def _stop_variant(errors, patience, kind):
    """A typical wrong should_stop."""
    if kind == "strict":                      # a tie counts as an improvement
        return len(errors) > patience and min(errors[-patience:]) > min(errors[:-patience])
    if kind == "last":                        # compared with the value just before the window, not the best
        return len(errors) > patience and min(errors[-patience:]) >= errors[-patience - 1]
    if kind == "impatient":                   # stops at the first evaluation without improvement
        return len(errors) > 1 and errors[-1] >= min(errors[:-1])
    if kind == "longer":                      # waits one evaluation more than patience
        return len(errors) > patience + 1 and min(errors[-patience - 1:]) >= min(errors[:-patience - 1])
    raise ValueError(kind)


def check_should_stop(should_stop, cases=_STOP_CASES):
    """should_stop(dev_errors, patience): True when none of the last `patience` errors is strictly below the best
    error before them; False while there are at most `patience` errors."""
    answers = []
    for errors, patience in cases:
        answer = student_call(should_stop, "should_stop", list(errors), patience)
        if not isinstance(answer, (bool, np.bool_)):
            fail(f"should_stop must return True or False, got {type(answer).__name__} {answer!r}.", mistake="should_stop.should-stop-must-return-true-or")
        answers.append(float(answer))
    expected = [float(ref.should_stop(errors, patience)) for errors, patience in cases]
    listing = "; ".join(f"{list(e)}, patience {p}" for e, p in cases)
    expect_array(f"should_stop's answers on the histories {listing}", np.array(answers), np.array(expected),
                 mistakes=[
                     Mistake("A tie is not an improvement: stop when the last `patience` errors are all >= the best "
                             "error before them.", [float(_stop_variant(e, p, "strict")) for e, p in cases],
                             id="should_stop.tie-counts-as-improvement"),
                     Mistake("Compare with the BEST error before the window (its minimum), not with the single value "
                             "just before it.", [float(_stop_variant(e, p, "last")) for e, p in cases],
                             id="should_stop.compared-with-last-not-best"),
                     Mistake("Wait `patience` evaluations: one evaluation without improvement is not enough to stop.",
                             [float(_stop_variant(e, p, "impatient")) for e, p in cases],
                             id="should_stop.ignores-patience"),
                     Mistake("You wait one evaluation too many: the window is the last `patience` errors.",
                             [float(_stop_variant(e, p, "longer")) for e, p in cases],
                             id="should_stop.window-off-by-one"),
                 ])
    passed("should_stop")
