"""Checks for notebook 03 (regularization), as a table of exercises run by the engine
(helpers.checks.engine) where a table can say them: the L2 and L1 costs and gradients, and weight
decay. Each named mistake is a whole wrong answer, the reference with one piece swapped.

The split, the bias/variance verdicts, random shifts and early stopping are checked by code of their
own (their answers are permutations, strings, random draws and answers over many histories), with
their named mistakes written as whole wrong answers too (`Wrong`), so that tests can feed them in.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from .. import deep
from .. import network as nets
from .. import regularization as ref
from .core import Mistake, expect_array, expect_tuple, fail, passed, student_call
from .engine import Exercise, Inputs, Out, Wrong, a_dict, a_float, check
from .networks import labels, layer_parameters, network

#: What the student edition copies as code (grading/edition/build.py): the checks written as code and what they need;
#: the tables, the mistakes and the helpers that spell an answer stay here (their values are stored).
STUDENT_EDITION = ("check_train_dev_test_split", "SPLIT_NAMES", "_split_parts", "_expect_sizes", "_column_indices",
                   "BIAS_VARIANCE_CASES", "check_diagnose_bias_variance", "_verdict_of", "check_random_shift",
                   "_STOP_CASES", "check_should_stop")


# --- inputs ------------------------------------------------------------------------------------------

def cost_inputs(layer_dims=(3, 4, 2, 1), m=5, lambd=0.7, seed=0):
    rng = np.random.default_rng(seed)
    parameters = layer_parameters(rng, layer_dims)
    AL = rng.uniform(0.05, 0.95, (1, m))
    return Inputs((AL, labels(rng, m), parameters, lambd), m)


def backward_inputs(layer_dims=(3, 4, 3, 1), m=5, lambd=0.7, seed=1):
    rng = np.random.default_rng(seed)
    parameters, X = network(rng, layer_dims, m)
    Y = labels(rng, m)
    AL, caches = deep.L_model_forward(X, parameters)
    return Inputs((AL, Y, caches, lambd), m)


def layer_outputs(layer_dims, prefixes, label, name, per_example=False):
    """{returns, outputs}: the dict `label` holds one value per parameter of every layer, e.g. dW{l}, db{l}
    (named name.format(key)), each compared with its layout."""
    keys = [f"{p}{l}" for l in range(len(layer_dims) - 1, 0, -1) for p in prefixes]
    return dict(returns=a_dict(label, keys),
                outputs=tuple(Out(name.format(key), (key,), _layout(key), per_example=per_example) for key in keys))


def _layout(key):
    parameter = key.lstrip("d")
    l = int(parameter[1:])
    return f"(n[{l}], {f'n[{l - 1}]' if parameter[0] == 'W' else '1'}), like {parameter}"


# --- exercise 1: train / dev / test split (code: any permutation will do) ----------------------------

def check_train_dev_test_split(train_dev_test_split, m=48, n_x=3, fractions=(0.6, 0.2, 0.2), seed=0):
    """Shuffle the m columns once (one permutation for X and Y) and cut them into round(f0 m), round(f1 m)
    and the remaining columns; deterministic for a seed."""
    rng = np.random.default_rng(1000 + seed)
    X, Y = rng.standard_normal((n_x, m)), labels(rng, m)
    X0, Y0 = X.copy(), Y.copy()
    parts = _split_parts(student_call(train_dev_test_split, "train_dev_test_split", X, Y, fractions=fractions,
                                      seed=seed), n_x)
    for name, before, after, fix in (("X", X0, X, "rng.shuffle(X.T) shuffles X itself. Index with a permutation "
                                      "instead, X[:, order], which makes new arrays."),
                                     ("Y", Y0, Y, "index with a permutation instead, Y[:, order].")):
        if not np.array_equal(before, after):
            fail(f"train_dev_test_split modified its input {name} in place: {fix}",
                 mistake="train_dev_test_split.input-modified")
    _expect_sizes([parts[i].shape[1] for i in (0, 2, 4)], m, fractions)
    indices = [_column_indices(parts[i], X0, SPLIT_NAMES[i]) for i in (0, 2, 4)]
    if len(set(np.concatenate(indices).tolist())) != m:
        fail("Some examples appear twice (and others never): the sets must be disjoint and together hold every "
             "column once. Cut ONE permutation, order = rng.permutation(m), into three consecutive slices "
             "(sampling indices with rng.choice(..., replace=True) or rng.integers repeats some).",
             mistake="train_dev_test_split.examples-repeated")
    for i, columns in zip((1, 3, 5), indices):
        if not np.allclose(parts[i], Y0[:, columns]):
            fail(f"{SPLIT_NAMES[i]} does not match {SPLIT_NAMES[i - 1]}: column j of {SPLIT_NAMES[i]} must be the "
                 f"label of column j of {SPLIT_NAMES[i - 1]}. Shuffle X and Y with the SAME permutation (order = "
                 f"rng.permutation(m); X[:, order], Y[:, order]); shuffling them separately, or only one of them, "
                 f"mixes up the labels.", mistake="train_dev_test_split.labels-mismatched")
    if np.array_equal(indices[0], np.arange(parts[0].shape[1])):
        fail("X_train is the first columns of X in their original order: shuffle before cutting "
             "(order = rng.permutation(m)). Data are often sorted (e.g. by class or by date), so an unshuffled "
             "split gives sets with different distributions.",
             mistake="train_dev_test_split.not-shuffled")
    again, other = (student_call(train_dev_test_split, "train_dev_test_split", X0.copy(), Y0.copy(),
                                 fractions=fractions, seed=s) for s in (seed, seed + 1))
    if not all(np.array_equal(a, b) for a, b in zip(parts, again)):
        fail("Two calls with the same seed gave different splits: create rng = np.random.default_rng(seed) inside "
             "the function instead of using the global np.random state.",
             mistake="train_dev_test_split.global-random-state")
    if all(np.array_equal(a, b) for a, b in zip(parts, other)):
        fail(f"seed={seed} and seed={seed + 1} gave the same split: use the seed argument, "
             f"rng = np.random.default_rng(seed).", mistake="train_dev_test_split.seed-ignored")
    passed("train_dev_test_split")


SPLIT_NAMES = ("X_train", "Y_train", "X_dev", "Y_dev", "X_test", "Y_test")


def _split_parts(result, n_x):
    """The six arrays, each 2-D with the right number of rows."""
    parts = expect_tuple("train_dev_test_split", result, 6,
                         "a tuple of 6 arrays (X_train, Y_train, X_dev, Y_dev, X_test, Y_test)")
    for name, part in zip(SPLIT_NAMES, parts):
        if not isinstance(part, np.ndarray) or part.ndim != 2:
            shape = f" of shape {part.shape}" if isinstance(part, np.ndarray) else ""
            fail(f"{name} must be a 2-D numpy array (one column per example), got {type(part).__name__}{shape}.",
                 mistake="train_dev_test_split.not-2d-array")
    rows = [part.shape[0] for part in parts]
    if rows[:2] == [n_x, n_x] and rows[3:5] == [1, 1] and n_x != 1:
        fail("The arrays come back in another order: return X_train, Y_train, X_dev, Y_dev, X_test, Y_test "
             "(each X followed by its Y).", mistake="train_dev_test_split.wrong-return-order")
    for name, part, n_rows in zip(SPLIT_NAMES, parts, (n_x, 1) * 3):
        if part.shape[0] != n_rows and part.shape[1] == n_rows:
            fail(f"{name} has shape {part.shape}: it looks transposed. Examples are columns, so split the columns, "
                 f"X[:, indices], keeping all {n_rows} rows.",
                 mistake="train_dev_test_split.transposed")
        if part.shape[0] != n_rows:
            fail(f"{name} has {part.shape[0]} rows, expected {n_rows}: split the columns (examples), X[:, indices].",
                 mistake="train_dev_test_split.wrong-row-count")
    return parts


def _expect_sizes(got, m, fractions):
    n_train, n_dev = (int(round(f * m)) for f in fractions[:2])
    expected = (n_train, n_dev, m - n_train - n_dev)
    if tuple(got) == expected:
        return
    truncated = (int(fractions[0] * m), int(fractions[1] * m))
    hint, mistake = "", "train_dev_test_split.wrong-set-sizes"
    if tuple(got) == truncated + (m - sum(truncated),):
        hint, mistake = (f" int(fraction * m) truncates (int({fractions[0]} * {m}) = {truncated[0]}, and floating "
                         f"point may turn 29.0 into 28.999999999999996): use int(round(fraction * m))."), \
            "train_dev_test_split.int-truncates"
    elif tuple(got) == expected[:2] + (int(round(fractions[2] * m)),):
        hint, mistake = (" The test set is what remains, m - n_train - n_dev columns, so that every example is in "
                         "exactly one set."), "train_dev_test_split.test-set-rounded"
    fail(f"The sets have {got[0]}, {got[1]} and {got[2]} columns for m = {m} and fractions {tuple(fractions)}; "
         f"expected n_train = int(round({fractions[0]} * {m})) = {n_train}, n_dev = int(round({fractions[1]} * {m})) "
         f"= {n_dev} and the remaining {expected[2]} for the test set." + hint, mistake=mistake)


def _column_indices(part, X, name):
    """For each column of `part`, the index of the equal column of X; fails if one is not in X."""
    distances = np.abs(part[:, :, None] - X[:, None, :]).max(axis=0)       # (k, m)
    indices = distances.argmin(axis=1)
    if part.shape[1] and distances[np.arange(part.shape[1]), indices].max() > 1e-9:
        fail(f"{name} holds a column that is not a column of X: the split must only select and reorder whole "
             f"columns (examples), never change their values.", mistake="train_dev_test_split.values-changed")
    return indices


# --- exercise 2: bias and variance (code: the answers are strings) ---------------------------------

# (train_error, dev_error, bayes_error): Andrew Ng's classic table, a blurry-image case with a high Bayes
# error, and cases that tell the typical mistakes apart.
BIAS_VARIANCE_CASES = (
    (0.01, 0.11, 0.0), (0.15, 0.16, 0.0), (0.15, 0.30, 0.0), (0.005, 0.01, 0.0),
    (0.15, 0.16, 0.15), (0.16, 0.30, 0.15), (0.02, 0.04, 0.0), (0.10, 0.12, 0.02), (0.30, 0.31, 0.27),
)


def verdict(train_error, dev_error, bayes_error=0.0, threshold=0.05, *, bias=lambda tr, dv, by: tr - by,
            variance=lambda tr, dv, by: dv - tr, scale=1.0):
    """diagnose_bias_variance with its pieces as arguments."""
    high_bias = bias(train_error, dev_error, bayes_error) > scale * threshold
    high_variance = variance(train_error, dev_error, bayes_error) > scale * threshold
    return ("high bias and high variance" if high_bias and high_variance else "high bias" if high_bias
            else "high variance" if high_variance else "low bias and low variance")


DIAGNOSIS_MISTAKES = (
    Wrong("diagnose_bias_variance.bayes-error-ignored",
          "The Bayes error is ignored: the avoidable bias is train_error - bayes_error (a 15% "
          "training error is fine when even the best possible classifier errs 15% of the time).",
          partial(verdict, bias=lambda tr, dv, by: tr)),
    Wrong("diagnose_bias_variance.variance-against-bayes",
          "The variance is measured against the Bayes error: it is the gap between the dev "
          "and the TRAINING error, dev_error - train_error.", partial(verdict, variance=lambda tr, dv, by: dv - by)),
    Wrong("diagnose_bias_variance.bias-from-dev-error",
          "The bias is measured with the dev error: the avoidable bias is train_error - "
          "bayes_error (how well the model fits the data it was trained on).",
          partial(verdict, bias=lambda tr, dv, by: dv - by)),
    Wrong("diagnose_bias_variance.bias-and-variance-swapped",
          "Bias and variance are swapped: high bias is a high TRAINING error "
          "(train_error - bayes_error > threshold), high variance a large gap dev_error - train_error.",
          partial(verdict, bias=lambda tr, dv, by: dv - tr, variance=lambda tr, dv, by: tr - by)),
    Wrong("diagnose_bias_variance.percent-not-fraction",
          "Every case comes out 'low bias and low variance': the errors are fractions (0.15 "
          "means 15%), so compare the differences with the threshold 0.05 (five percentage points), not with 5.",
          partial(verdict, scale=100.0)),
)


def diagnosis_mistakes(cases) -> list:
    """[(hint, id, the verdicts that mistake gives on the cases)] of DIAGNOSIS_MISTAKES."""
    return [(wrong.hint, wrong.id, [wrong.answer(*case) for case in cases]) for wrong in DIAGNOSIS_MISTAKES]


def check_diagnose_bias_variance(diagnose_bias_variance, cases=BIAS_VARIANCE_CASES, threshold=0.05):
    """avoidable bias = train - bayes, variance = dev - train; "high" when more than threshold (0.05)."""
    answers = [_verdict_of(diagnose_bias_variance, case) for case in cases]
    expected = [ref.diagnose_bias_variance(*case, threshold=threshold) for case in cases]
    mistakes = diagnosis_mistakes(cases)
    if answers == expected:
        passed("diagnose_bias_variance")
        return
    for hint, id_, verdicts in mistakes:
        if answers == verdicts:
            fail(hint, mistake=id_)
    (train_error, dev_error, bayes_error), answer, right = next(
        (case, answer, right) for case, answer, right in zip(cases, answers, expected) if answer != right)
    fail(f"diagnose_bias_variance({train_error}, {dev_error}, bayes_error={bayes_error}) returned {answer!r}, "
         f"expected {right!r}: the avoidable bias is train_error - bayes_error = {train_error - bayes_error:.3g} "
         f"and the variance dev_error - train_error = {dev_error - train_error:.3g}; each is high when it is more "
         f"than {threshold}.", mistake="diagnose_bias_variance.wrong-verdict")


def _verdict_of(diagnose_bias_variance, case):
    """The student's verdict on one case (the Bayes error passed only when not 0), checked to be a VERDICT."""
    call = case if case[2] != 0.0 else case[:2]
    answer = student_call(diagnose_bias_variance, "diagnose_bias_variance", *call)
    where = f"diagnose_bias_variance{tuple(case)}"
    if not isinstance(answer, str):
        fail(f"{where} returned {type(answer).__name__}: return one of the strings {list(ref.VERDICTS)}.",
             mistake="diagnose_bias_variance.not-a-string")
    if answer not in ref.VERDICTS:
        words = " ".join(answer.lower().replace(",", " ").replace("&", " and ").split())
        if words in ref.VERDICTS:
            hint = f"write it exactly {words!r} (lower case, words separated by single spaces)."
        elif "bias" in words and "variance" in words and words.index("variance") < words.index("bias"):
            hint = "when both are high, the verdict is exactly 'high bias and high variance' (bias first)."
        else:
            hint = f"return exactly one of {list(ref.VERDICTS)}."
        fail(f"{where} returned {answer!r}: {hint}", mistake="diagnose_bias_variance.unknown-verdict")
    return answer


# --- exercises 3 to 6: the L2 and L1 costs and their gradients ----------------------------------

def l2(W):
    return np.sum(np.square(W))


def l1(W):
    return np.sum(np.abs(W))


def weights(parameters):
    return [key for key in parameters if key.startswith("W")]


def penalised_cost(AL, Y, parameters, lambd, *, penalty=l2, factor=lambda lambd, m: lambd / (2 * m),
                   keys=weights, cross_entropy=True):
    """cross-entropy + factor * sum of penalty(W) over the weights, with its pieces as arguments."""
    total = sum(float(penalty(parameters[key])) for key in keys(parameters))
    return (ref.compute_cost_stable(AL, Y) if cross_entropy else 0.0) + factor(lambd, Y.shape[1]) * total


def _cost_mistakes(penalty, norm):
    """The mistakes the two costs share; norm: how the hint writes the penalty of one W."""
    cost = partial(penalised_cost, penalty=penalty)
    return (
        Wrong("biases-regularised", "The penalty regularises the biases too: only the weights "
              "W[l] are penalised (biases are few and do not make the network more complex).",
              partial(cost, keys=lambda p: list(p))),
        Wrong("missing-1-over-m", f"The penalty is missing 1/m: lambd / (2m) * sum {norm}, with m = "
              f"Y.shape[1] the number of examples.", partial(cost, factor=lambda lambd, m: lambd / 2)),
        Wrong("last-layer-only", f"Only the last layer's weights are penalised: sum {norm} over every "
              f"layer l = 1..L.", partial(cost, keys=lambda p: weights(p)[-1:])),
        Wrong("penalty-only", "You returned the penalty alone: add the cross-entropy cost to it.",
              partial(cost, cross_entropy=False)),
        Wrong("no-penalty", f"You returned the cross-entropy alone: add lambd / (2m) * sum "
              f"{norm}.", partial(cost, keys=lambda p: [])),
    )


COMPUTE_COST_WITH_REGULARIZATION = Exercise(
    "compute_cost_with_regularization", ref.compute_cost_with_regularization, cost_inputs,
    dict(layer_dims=(3, 4, 2, 1), m=5, lambd=0.7, seed=0), (Out("cost", scalar=True),), returns=a_float,
    unmodified=(2,),
    mistakes=_cost_mistakes(l2, "||W[l]||_F^2") + (
        Wrong("lambd-over-m", "The penalty uses lambd / m: the L2 term is lambd / (2m) * sum ||W||^2 "
              "(the 2 cancels when you differentiate, giving the lambd / m W of the gradient).",
              partial(penalised_cost, factor=lambda lambd, m: lambd / m)),
        Wrong("norm-not-squared", "The Frobenius norm must be squared: ||W||_F^2 = "
              "np.sum(np.square(W)); np.linalg.norm(W) is its square root.",
              partial(penalised_cost, penalty=np.linalg.norm)),
        Wrong("squared-sum", "You squared the sum of the weights: square each weight, then sum, "
              "np.sum(np.square(W)).", partial(penalised_cost, penalty=lambda W: np.sum(W) ** 2)),
        Wrong("precedence-times-m", "The penalty is missing its factor 1/2: lambd / (2 * m), not "
              "lambd / 2 * m (operator precedence!).", partial(penalised_cost, factor=lambda lambd, m: lambd / 2 * m)),
        Wrong("first-layer-only", "Only the first layer's weights are penalised: sum ||W[l]||^2 over "
              "every layer l = 1..L.", partial(penalised_cost, keys=lambda p: weights(p)[:1])),
        Wrong("l1-penalty", "The penalty uses |W| (L1): the L2 penalty squares the weights.",
              partial(penalised_cost, penalty=l1)),
    ))

COMPUTE_COST_WITH_L1 = Exercise(
    "compute_cost_with_l1", ref.compute_cost_with_l1, cost_inputs,
    dict(layer_dims=(3, 4, 2, 1), m=5, lambd=0.7, seed=2),
    (Out("cost", scalar=True),), returns=a_float, unmodified=(2,),
    mistakes=_cost_mistakes(l1, "|W[l]|") + (
        Wrong("l2-penalty", "The penalty squares the weights (that is L2): L1 sums their "
              "absolute values, np.sum(np.abs(W)).", partial(penalised_cost, penalty=l2)),
        Wrong("lambd-over-m", "The penalty uses lambd / m: this course's L1 term is lambd / (2m) * "
              "sum |W|, with the same factor as L2.", partial(penalised_cost, penalty=l1,
                                                              factor=lambda lambd, m: lambd / m)),
        Wrong("no-abs", "The absolute value is missing: sum |W|, np.sum(np.abs(W)) "
              "(positive and negative weights must not cancel).", partial(penalised_cost, penalty=np.sum)),
    ))


def penalised_linear(term, *, biases=False, of_gradient=False):
    """nets.LINEAR whose backward adds term(W, lambd, m) to dW{l} (lambd = settings["lambd"]), with its pieces
    as arguments: of_gradient, the term of dW{l} in place of W's; biases, term(b, lambd, m) added to db{l} too."""
    def backward_(dZ, cache, l, grads, settings):
        dA_prev = nets.LINEAR.backward(dZ, cache, l, grads, settings)
        (_, W, b), lambd, m = cache, settings["lambd"], cache[0].shape[1]
        grads[f"dW{l}"] = grads[f"dW{l}"] + term(grads[f"dW{l}"] if of_gradient else W, lambd, m)
        if biases:
            grads[f"db{l}"] = grads[f"db{l}"] + term(b, lambd, m)
        return dA_prev
    return nets.Step("linear", nets.LINEAR.forward, backward_)


def penalised_backward(AL, Y, caches, lambd, *, term=lambda W, lambd, m: lambd / m * W,
                       layers=lambda L: range(1, L + 1), **pieces):
    """The gradients of notebook 02's network (from dZ[L] = AL - Y) with penalised_linear(term, **pieces) as the
    linear step of the layers numbered in layers(L)."""
    L = len(caches)
    net = nets.stack(deep.HIDDEN_LAYER, deep.OUTPUT_LAYER, L)
    for l in layers(L):
        net = nets.swap(net, "linear", penalised_linear(term, **pieces), layer=l)
    return nets.backward(AL - Y, caches, net, {"lambd": lambd})


def l1_term(W, lambd, m):
    return lambd / (2 * m) * np.sign(W)


def _backward_mistakes(term, formula):
    """The mistakes the two gradients share; formula: how the hint writes the term of one layer."""
    backward = partial(penalised_backward, term=term)
    return (
        Wrong("no-term", f"{{key}} has no regularization term: add {formula} to every dW[l] (the derivative of the "
              f"penalty).", partial(backward, layers=lambda L: ())),
        Wrong("biases-regularised", f"The biases are regularised: only dW[l] gets {formula}; db[l] stays as it is.",
              partial(backward, biases=True)),
        Wrong("last-layer-only", f"Only the last layer is regularised: add {formula} to dW[l] for every layer "
              f"l = 1..L.", partial(backward, layers=lambda L: (L,))),
        Wrong("missing-1-over-m", f"The regularization term is missing 1/m: dW[l] += {formula}.",
              partial(backward, term=lambda W, lambd, m: term(W, lambd, 1))),
    )


def backward_outputs(layer_dims, **case):
    return layer_outputs(layer_dims, ("dW", "db"), "grads", "grads['{}']", per_example=True)


L_MODEL_BACKWARD_WITH_REGULARIZATION = Exercise(
    "L_model_backward_with_regularization", ref.L_model_backward_with_regularization, backward_inputs,
    dict(layer_dims=(3, 4, 3, 1), m=5, lambd=0.7, seed=1), (), per_case=backward_outputs, unmodified=(2,),
    mistakes=_backward_mistakes(lambda W, lambd, m: lambd / m * W, "lambd / m * W[l]") + (
        Wrong("term-lambd-over-2m", "The regularization term is lambd / (2m) * W: differentiating lambd / (2m) * "
              "W^2 gives 2 * W * lambd / (2m) = lambd / m * W.",
              partial(penalised_backward, term=lambda W, lambd, m: lambd / (2 * m) * W)),
        Wrong("term-doubled", "The regularization term is 2 * lambd / m * W: the derivative of lambd / (2m) * "
              "W^2 is lambd / m * W.", partial(penalised_backward, term=lambda W, lambd, m: 2 * lambd / m * W)),
        Wrong("sign", "The regularization term uses np.sign(W), L1's gradient: L2's is lambd / m * W.",
              partial(penalised_backward, term=lambda W, lambd, m: lambd / m * np.sign(W))),
        Wrong("first-layer-only", "Only the first layer is regularised: add lambd / m * W[l] to dW[l] for every "
              "layer l = 1..L.", partial(penalised_backward, layers=lambda L: (1,))),
        Wrong("of-the-gradient", "You added lambd / m * dW (the gradient) instead of lambd / m * W (the weights, "
              "from the cache: (A_prev, W, b), Z = caches[l - 1]).", partial(penalised_backward, of_gradient=True)),
    ))

L_MODEL_BACKWARD_WITH_L1 = Exercise(
    "L_model_backward_with_l1", ref.L_model_backward_with_l1, backward_inputs,
    dict(layer_dims=(3, 4, 3, 1), m=5, lambd=0.7, seed=3), (), per_case=backward_outputs, unmodified=(2,),
    mistakes=_backward_mistakes(l1_term, "lambd / (2m) * np.sign(W[l])") + (
        Wrong("lambd-over-m", "The L1 term is lambd / m * sign(W): the cost here is lambd / (2m) * sum |W|, so its "
              "derivative is lambd / (2m) * np.sign(W). Keep the cost and the gradient consistent (a gradient check "
              "would catch this).", partial(penalised_backward, term=lambda W, lambd, m: lambd / m * np.sign(W))),
        Wrong("w-not-sign", "The L1 term uses W instead of its sign: d|w|/dw = sign(w), so dW[l] += lambd / (2m) * "
              "np.sign(W[l]).", partial(penalised_backward, term=lambda W, lambd, m: lambd / (2 * m) * W)),
        Wrong("l2-gradient", "You added L2's gradient lambd / m * W: L1's is lambd / (2m) * np.sign(W).",
              penalised_backward),
        Wrong("abs", "The L1 term uses np.abs(W): the derivative of |w| is its sign, np.sign(W) (negative weights are "
              "pushed up, positive ones down).",
              partial(penalised_backward, term=lambda W, lambd, m: lambd / (2 * m) * np.abs(W))),
    ))


# --- exercise 7: weight decay ------------------------------------------------------------------

def decay_inputs(layer_dims=(4, 3, 2, 1), learning_rate=0.1, lambd=0.8, m=20, seed=4):
    rng = np.random.default_rng(seed)
    parameters = layer_parameters(rng, layer_dims)
    grads = {"d" + k: v for k, v in layer_parameters(rng, layer_dims).items()}
    grads.update({f"dA{l}": rng.standard_normal((layer_dims[l], 3)) for l in range(len(layer_dims) - 1)})
    return Inputs((parameters, grads, learning_rate, lambd, m))


def decay_step(parameters, grads, learning_rate, lambd, m, *,
               W_step=lambda W, dW, a, lambd, m: (1 - a * lambd / m) * W - a * dW,
               b_step=lambda b, db, a, lambd, m: b - a * db):
    """update_parameters_with_weight_decay with the step of a weight and of a bias as arguments."""
    return {key: (W_step if key.startswith("W") else b_step)(value, grads["d" + key], learning_rate, lambd, m)
            for key, value in parameters.items()}


def _W_step(hint, id_, step):
    return Wrong(id_, hint, partial(decay_step, W_step=step))


UPDATE_PARAMETERS_WITH_WEIGHT_DECAY = Exercise(
    "update_parameters_with_weight_decay", ref.update_parameters_with_weight_decay, decay_inputs,
    dict(layer_dims=(4, 3, 2, 1), learning_rate=0.1, lambd=0.8, m=20, seed=4), (), unmodified=(0, 1),
    per_case=lambda layer_dims, **case: layer_outputs(layer_dims, ("W", "b"), "the returned parameters",
                                                          "updated {}"),
    mistakes=(
        _W_step("The decay factor uses lambd / (2m): the gradient of lambd / (2m) ||W||^2 is lambd / m W, so the "
                "factor is (1 - learning_rate * lambd / m).", "lambd-over-2m",
                lambda W, dW, a, lambd, m: (1 - a * lambd / (2 * m)) * W - a * dW),
        _W_step("{key} was not decayed: multiply it by (1 - learning_rate * lambd / m) before the step.",
                "w-not-decayed", lambda W, dW, a, lambd, m: W - a * dW),
        _W_step("The decay factor is missing the learning rate: (1 - learning_rate * lambd / m).",
                "decay-without-rate", lambda W, dW, a, lambd, m: (1 - lambd / m) * W - a * dW),
        _W_step("The decay factor is missing 1/m: (1 - learning_rate * lambd / m).", "missing-1-over-m",
                lambda W, dW, a, lambd, m: (1 - a * lambd) * W - a * dW),
        _W_step("The gradient step is missing the learning rate: - learning_rate * dW.",
                "step-without-rate", lambda W, dW, a, lambd, m: (1 - a * lambd / m) * W - dW),
        _W_step("The decay multiplies the stepped weights: decay the old W, then take the step, (1 - learning_rate "
                "* lambd / m) * W - learning_rate * dW.", "decay-after-step",
                lambda W, dW, a, lambd, m: (1 - a * lambd / m) * (W - a * dW)),
        _W_step("The weights grow: the factor is (1 - learning_rate * lambd / m), a bit less than 1.",
                "factor-above-one", lambda W, dW, a, lambd, m: (1 + a * lambd / m) * W - a * dW),
        _W_step("dW is already the unregularised gradient: do not add lambd / m * W to it on top of the decay (that "
                "counts the penalty twice).", "penalty-counted-twice",
                lambda W, dW, a, lambd, m: (1 - a * lambd / m) * W - a * (dW + lambd / m * W)),
        Wrong("biases-decayed", "{key} was decayed: weight decay shrinks the weights only; the "
              "biases take a plain step, {key} - learning_rate * d{key}.",
              partial(decay_step, b_step=lambda b, db, a, lambd, m: (1 - a * lambd / m) * b - a * db)),
        Wrong("biases-not-updated", "{key} was not updated: {key} = {key} - learning_rate * d{key}.",
              partial(decay_step, b_step=lambda b, db, a, lambd, m: b)),
    ))


# --- exercise 8: data augmentation (code: a random draw; with max_shift = 0 every shift is right) --

def shift(images, max_shift, rng, *, roll=False, high=None, swap=False, sign=1, one_shift=False, draw_t=False,
          mode="constant"):
    """random_shift with its pieces as arguments (a loop over the images)."""
    images = np.asarray(images, dtype=np.float64)
    m, h, w = images.shape
    s = max_shift
    if one_shift:
        shifts = np.repeat(rng.integers(-s, s + 1, size=(1, 2)), m, axis=0)
    else:
        shifts = rng.integers(-s, s + 1, size=(2, m)).T if draw_t else \
            rng.integers(-s, s + 1 if high is None else high, size=(m, 2))
    shifts = sign * (shifts[:, ::-1] if swap else shifts)
    out = np.empty_like(images)
    for i, (dy, dx) in enumerate(shifts.tolist()):
        out[i] = np.roll(images[i], (dy, dx), axis=(0, 1)) if roll else \
            np.pad(images[i], s, mode=mode)[s - dy:s - dy + h, s - dx:s - dx + w]
    return out


SHIFT_MISTAKES = (
    Wrong("random_shift.np-roll-wraps",
          "Pixels that leave one side come back on the other: np.roll wraps around. Shifted images "
          "must get zeros (background) on the uncovered border.", partial(shift, roll=True)),
    Wrong("random_shift.high-excluded",
          "The shifts never reach +max_shift: rng.integers(low, high) excludes high, so draw "
          "rng.integers(-max_shift, max_shift + 1, size=(m, 2)).",
          lambda images, max_shift, rng: shift(images, max_shift, rng, high=max_shift)),
    Wrong("random_shift.rows-and-columns-swapped",
          "Rows and columns are swapped: shifts[i, 0] moves image i DOWN (rows), "
          "shifts[i, 1] RIGHT (columns).", partial(shift, swap=True)),
    Wrong("random_shift.opposite-way",
          "The images move the opposite way: a positive shifts[i, 0] moves the picture DOWN, "
          "out[i, r, c] = images[i, r - shifts[i, 0], c - shifts[i, 1]].", partial(shift, sign=-1)),
    Wrong("random_shift.one-shift-for-all",
          "Every image got the same shift: draw one (row, column) shift per image, shifts = "
          "rng.integers(-max_shift, max_shift + 1, size=(m, 2)).", partial(shift, one_shift=True)),
    Wrong("random_shift.drawn-transposed",
          "The shifts were drawn with size=(2, m): draw them as size=(m, 2), row i for image i, "
          "so that everyone's random numbers agree.", partial(shift, draw_t=True)),
    Wrong("random_shift.edge-border",
          "The uncovered border repeats the edge pixels: fill it with 0, the background.",
          partial(shift, mode="edge")),
)


def shift_mistakes(images, max_shift, seed) -> list:
    """The Mistakes of SHIFT_MISTAKES on these images, with the generator of `seed`."""
    with np.errstate(all="ignore"):
        return [Mistake(wrong.hint, wrong.answer(images, max_shift, np.random.default_rng(seed)),
                        id=wrong.id) for wrong in SHIFT_MISTAKES]


def check_random_shift(random_shift, m=6, height=5, width=4, max_shift=1, seed=5):
    """shifts = rng.integers(-max_shift, max_shift + 1, size=(m, 2)); image i moves down shifts[i, 0] rows and
    right shifts[i, 1] columns; the uncovered border is 0; a new array, the input unchanged."""
    images = np.random.default_rng(2000 + seed).uniform(0.1, 1.0, (m, height, width))
    original = images.copy()
    result = student_call(random_shift, "random_shift", images, max_shift, np.random.default_rng(seed))
    if not np.array_equal(images, original):
        fail("random_shift modified its input images in place: build the shifted images in a new array "
             "(np.zeros_like(images), then fill it).", mistake="random_shift.input-modified")
    if isinstance(result, np.ndarray) and result.shape != images.shape and result.size == images.size:
        fail(f"random_shift returned shape {result.shape}: return the images in their original layout "
             f"(m, height, width) = {images.shape}.", mistake="random_shift.wrong-layout")
    again = student_call(random_shift, "random_shift", original.copy(), max_shift, np.random.default_rng(seed))
    if isinstance(result, np.ndarray) and isinstance(again, np.ndarray) and not np.array_equal(again, result):
        fail("Two calls with equal generators gave different images: draw the shifts from the rng argument, "
             "not from np.random.", mistake="random_shift.global-random-state")
    if max_shift > 0:      # a few other generators: with one small image, one of them may repeat the shift
        others = [student_call(random_shift, "random_shift", original.copy(), max_shift,
                               np.random.default_rng(seed + k)) for k in range(1, 6)]
        if all(isinstance(other, np.ndarray) and np.array_equal(other, result) for other in others):
            fail("Other generators gave the same shifts: draw them from the rng argument, "
                 "rng.integers(-max_shift, max_shift + 1, size=(m, 2)).",
                 mistake="random_shift.rng-ignored")
    mistakes = shift_mistakes(original, max_shift, seed) if max_shift > 0 else []
    expect_array(f"random_shift(images of shape {images.shape}, max_shift={max_shift}, rng)", result,
                 ref.random_shift(original, max_shift, np.random.default_rng(seed)), mistakes=mistakes,
                 what="(m, height, width)")
    passed("random_shift")


# --- challenge (optional, ungraded): early stopping (code: one answer per history) ------------------

# Dev-error histories on which the typical mistakes of should_stop answer differently (ties, a
# late improvement, a short history), with the patience to use.
_STOP_CASES = (
    ([0.30, 0.25, 0.20, 0.22, 0.24], 2), ([0.30, 0.25, 0.20, 0.22, 0.20], 2), ([0.30, 0.25, 0.20, 0.22, 0.19], 2),
    ([0.30, 0.20, 0.25, 0.24, 0.23], 3), ([0.30, 0.20, 0.25, 0.24], 3), ([0.30, 0.20, 0.25], 3),
    ([0.30, 0.20, 0.25, 0.21, 0.22], 3), ([0.30, 0.10, 0.25, 0.20, 0.22], 2), ([0.4, 0.3], 1), ([0.4, 0.4], 1),
    ([0.4], 1), ([0.4, 0.3, 0.35], 1),
)


def stop(errors, patience, *, window=lambda patience: patience, best=min, tie_improves=False):
    """should_stop with its pieces as arguments."""
    size = window(patience)
    if len(errors) <= size:
        return False
    last, before = min(errors[-size:]), best(errors[:-size])
    return last > before if tie_improves else last >= before


STOP_MISTAKES = (
    Wrong("should_stop.tie-counts-as-improvement", "A tie is not an improvement: stop when the last `patience` "
          "errors are all >= the best error before them.", partial(stop, tie_improves=True)),
    Wrong("should_stop.compared-with-last", "Compare with the BEST error before the window (its minimum), "
          "not with the single value just before it.", partial(stop, best=lambda before: before[-1])),
    Wrong("should_stop.ignores-patience", "Wait `patience` evaluations: one evaluation without improvement is not "
          "enough to stop.", partial(stop, window=lambda patience: 1)),
    Wrong("should_stop.window-off-by-one", "You wait one evaluation too many: the window is the last `patience` "
          "errors.", partial(stop, window=lambda patience: patience + 1)),
)


def stop_mistakes(cases) -> list:
    """The Mistakes of STOP_MISTAKES: each one's answers (1.0 or 0.0) on the cases."""
    return [Mistake(wrong.hint, [float(wrong.answer(e, p)) for e, p in cases], id=wrong.id) for wrong in STOP_MISTAKES]


def check_should_stop(should_stop, cases=_STOP_CASES):
    """should_stop(dev_errors, patience): True when none of the last `patience` errors is strictly below the best
    error before them; False while there are at most `patience` errors."""
    answers = []
    for errors, patience in cases:
        answer = student_call(should_stop, "should_stop", list(errors), patience)
        if not isinstance(answer, (bool, np.bool_)):
            fail(f"should_stop must return True or False, got {type(answer).__name__} {answer!r}.",
                 mistake="should_stop.not-a-bool")
        answers.append(bool(answer))
    expected = [bool(ref.should_stop(errors, patience)) for errors, patience in cases]
    mistakes = stop_mistakes(cases)      # asked whatever the answer: the student edition stores what is asked
    if answers != expected:
        wrong = [i for i, (answer, right) in enumerate(zip(answers, expected)) if answer != right]
        errors, patience = cases[wrong[0]]
        named = next((m for m in mistakes if [bool(v) for v in m.value] == answers), None)
        fail(f"should_stop({list(errors)}, patience={patience}) returned {answers[wrong[0]]}, expected "
             f"{expected[wrong[0]]} (history {wrong[0] + 1} of {len(cases)}; {len(wrong)} wrong in all)."
             + (f" {named.hint}" if named else ""), mistake=named.id if named else "")
    passed("should_stop")


check_compute_cost_with_regularization = check(COMPUTE_COST_WITH_REGULARIZATION)
check_L_model_backward_with_regularization = check(L_MODEL_BACKWARD_WITH_REGULARIZATION)
check_compute_cost_with_l1 = check(COMPUTE_COST_WITH_L1)
check_L_model_backward_with_l1 = check(L_MODEL_BACKWARD_WITH_L1)
check_update_parameters_with_weight_decay = check(UPDATE_PARAMETERS_WITH_WEIGHT_DECAY)

#: The exercises described as data (the tests feed each named mistake in); the others are checked by code of
#: their own above, with their named mistakes in DIAGNOSIS_MISTAKES, SHIFT_MISTAKES and STOP_MISTAKES.
EXERCISES = (COMPUTE_COST_WITH_REGULARIZATION, L_MODEL_BACKWARD_WITH_REGULARIZATION, COMPUTE_COST_WITH_L1,
             L_MODEL_BACKWARD_WITH_L1, UPDATE_PARAMETERS_WITH_WEIGHT_DECAY)
