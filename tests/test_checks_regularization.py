"""The checks of notebook 03: the right answer passes, and each typical mistake fails with a
message that names it (the student's experience depends on these hints)."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import regularization as ref
from helpers.checks import ExerciseFailure
from helpers.checks import regularization as checks


# The checks refuse helpers' own functions, so the "student" answers are defined here.
def train_dev_test_split(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return ref.train_dev_test_split(X, Y, fractions, seed)


def diagnose_bias_variance(train_error, dev_error, bayes_error=0.0, threshold=0.05):
    return ref.diagnose_bias_variance(train_error, dev_error, bayes_error, threshold)


def compute_cost_with_regularization(AL, Y, parameters, lambd):
    return ref.compute_cost_with_regularization(AL, Y, parameters, lambd)


def L_model_backward_with_regularization(AL, Y, caches, lambd):
    return ref.L_model_backward_with_regularization(AL, Y, caches, lambd)


def compute_cost_with_l1(AL, Y, parameters, lambd):
    return ref.compute_cost_with_l1(AL, Y, parameters, lambd)


def L_model_backward_with_l1(AL, Y, caches, lambd):
    return ref.L_model_backward_with_l1(AL, Y, caches, lambd)


def update_parameters_with_weight_decay(parameters, grads, learning_rate, lambd, m):
    return ref.update_parameters_with_weight_decay(parameters, grads, learning_rate, lambd, m)


def random_shift(images, max_shift, rng):
    return ref.random_shift(images, max_shift, rng)


CORRECT = [
    (checks.check_train_dev_test_split, train_dev_test_split),
    (checks.check_diagnose_bias_variance, diagnose_bias_variance),
    (checks.check_compute_cost_with_regularization, compute_cost_with_regularization),
    (checks.check_L_model_backward_with_regularization, L_model_backward_with_regularization),
    (checks.check_compute_cost_with_l1, compute_cost_with_l1),
    (checks.check_L_model_backward_with_l1, L_model_backward_with_l1),
    (checks.check_update_parameters_with_weight_decay, update_parameters_with_weight_decay),
    (checks.check_random_shift, random_shift),
]
IDS = [check.__name__ for check, _ in CORRECT]

# The sizes the notebook's hidden tests use (keep in sync with /tmp/nbsrc/03.cells), plus a few more.
HIDDEN_SIZES = {
    "check_train_dev_test_split": [dict(m=200, n_x=2, fractions=(0.98, 0.01, 0.01), seed=7),
                                   dict(m=30, n_x=5, fractions=(0.7, 0.0, 0.3), seed=3),
                                   dict(m=57, n_x=1, fractions=(0.5, 0.25, 0.25), seed=11),
                                   dict(m=47, n_x=2, seed=1)],
    "check_diagnose_bias_variance": [dict(cases=((0.0, 0.2, 0.0), (0.3, 0.32, 0.05), (0.3, 0.32, 0.28), (0.12, 0.4, 0.1),
                                                 (0.02, 0.03, 0.01), (0.4, 0.6, 0.0)))],
    "check_compute_cost_with_regularization": [dict(layer_dims=(5, 3, 1), m=9, lambd=2.5, seed=31),
                                               dict(layer_dims=(2, 6, 4, 3, 1), m=3, lambd=0.05, seed=7)],
    "check_L_model_backward_with_regularization": [dict(layer_dims=(4, 5, 1), m=7, lambd=1.3, seed=41),
                                                   dict(layer_dims=(2, 3, 3, 3, 1), m=4, lambd=0.2, seed=8),
                                                   dict(layer_dims=(3, 1), m=5, lambd=0.5, seed=2)],
    "check_compute_cost_with_l1": [dict(layer_dims=(6, 2, 1), m=8, lambd=3.0, seed=61),
                                   dict(layer_dims=(3, 4, 4, 1), m=2, lambd=0.4, seed=10)],
    "check_L_model_backward_with_l1": [dict(layer_dims=(5, 2, 1), m=6, lambd=2.2, seed=71),
                                       dict(layer_dims=(2, 4, 3, 1), m=9, lambd=0.3, seed=12)],
    "check_update_parameters_with_weight_decay": [dict(layer_dims=(3, 5, 1), learning_rate=0.7, lambd=2.0, m=50, seed=51),
                                                  dict(layer_dims=(2, 2, 2, 2, 1), learning_rate=0.01, lambd=0.3, m=3,
                                                       seed=9)],
    "check_random_shift": [dict(m=10, height=8, width=8, max_shift=2, seed=81),
                           dict(m=3, height=4, width=6, max_shift=0, seed=13),
                           dict(m=1, height=3, width=3, max_shift=1, seed=4)],
}


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass(check, answer, capsys):
    check(answer)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("check, answer", CORRECT, ids=IDS)
def test_correct_answers_pass_on_hidden_style_sizes(check, answer):
    for sizes in HIDDEN_SIZES[check.__name__]:
        check(answer, **sizes)


def test_every_check_has_hidden_style_sizes():
    assert set(HIDDEN_SIZES) == set(IDS)


def test_random_shift_check_passes_for_every_seed_of_a_single_image():
    for seed in range(40):                # one 3x3 image: other generators sometimes repeat its shift
        checks.check_random_shift(random_shift, m=1, height=3, width=3, max_shift=1, seed=seed)


def test_blank_stub_says_not_implemented():
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(ExerciseFailure, match="not implemented yet"):
        checks.check_compute_cost_with_regularization(stub)


@pytest.mark.parametrize("check, answer", [(checks.check_random_shift, ref.random_shift),
                                           (checks.check_diagnose_bias_variance, ref.diagnose_bias_variance)])
def test_reference_functions_are_refused(check, answer):
    with pytest.raises(ExerciseFailure, match="reference implementation"):
        check(answer)


def _fails_with(check, answer, phrase, **sizes):
    with pytest.raises(ExerciseFailure) as info:
        check(answer, **sizes)
    assert phrase in str(info.value), f"message was: {info.value}"


# --- train / dev / test split ----------------------------------------------------------------------

def _cut(X, Y, order, n_train, n_dev, n_test=None, y_order=None):
    y_order = order if y_order is None else y_order
    end = n_train + n_dev + (len(order) if n_test is None else n_test)
    parts = []
    for lo, hi in ((0, n_train), (n_train, n_train + n_dev), (n_train + n_dev, end)):
        parts += [X[:, order[lo:hi]], Y[:, y_order[lo:hi]]]
    return tuple(parts)


def _sizes(m, fractions):
    return int(round(fractions[0] * m)), int(round(fractions[1] * m))


def split_no_shuffle(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return _cut(X, Y, np.arange(X.shape[1]), *_sizes(X.shape[1], fractions))


def split_shuffles_x_only(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    order = np.random.default_rng(seed).permutation(X.shape[1])
    return _cut(X, Y, order, *_sizes(X.shape[1], fractions), y_order=np.arange(X.shape[1]))


def split_two_permutations(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    rng = np.random.default_rng(seed)
    order, other = rng.permutation(X.shape[1]), rng.permutation(X.shape[1])
    return _cut(X, Y, order, *_sizes(X.shape[1], fractions), y_order=other)


def split_truncates(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    m = X.shape[1]
    return _cut(X, Y, np.random.default_rng(seed).permutation(m), int(fractions[0] * m), int(fractions[1] * m))


def split_rounds_the_test_set_separately(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    m = X.shape[1]
    return _cut(X, Y, np.random.default_rng(seed).permutation(m), *_sizes(m, fractions),
                n_test=int(round(fractions[2] * m)))


def split_with_replacement(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    m = X.shape[1]
    return _cut(X, Y, np.random.default_rng(seed).integers(0, m, m), *_sizes(m, fractions))


def split_wrong_order(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    parts = train_dev_test_split(X, Y, fractions, seed)
    return parts[0], parts[2], parts[4], parts[1], parts[3], parts[5]


def split_global_state(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return _cut(X, Y, np.random.permutation(X.shape[1]), *_sizes(X.shape[1], fractions))


def split_ignores_seed(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return train_dev_test_split(X, Y, fractions, 0)


def split_in_place(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    rng = np.random.default_rng(seed)
    order = rng.permutation(X.shape[1])
    X[:], Y[:] = X[:, order], Y[:, order]
    n_train, n_dev = _sizes(X.shape[1], fractions)
    return X[:, :n_train], Y[:, :n_train], X[:, n_train:n_train + n_dev], Y[:, n_train:n_train + n_dev], \
        X[:, n_train + n_dev:], Y[:, n_train + n_dev:]


def split_transposed(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    return tuple(part.T for part in train_dev_test_split(X, Y, fractions, seed))


def split_normalises(X, Y, fractions=(0.6, 0.2, 0.2), seed=0):
    parts = list(train_dev_test_split(X, Y, fractions, seed))
    parts[0] = parts[0] / 2
    return tuple(parts)


@pytest.mark.parametrize("answer, phrase, sizes", [
    (split_no_shuffle, "shuffle before cutting", {}),
    (split_shuffles_x_only, "SAME permutation", {}),
    (split_two_permutations, "SAME permutation", {}),
    (split_truncates, "int(fraction * m) truncates", {}),
    (split_rounds_the_test_set_separately, "The test set is what remains", dict(m=47)),
    (split_with_replacement, "appear twice", {}),
    (split_wrong_order, "each X followed by its Y", {}),
    (split_global_state, "global np.random", {}),
    (split_ignores_seed, "use the seed argument", dict(seed=4)),
    (split_in_place, "modified its input X in place", {}),
    (split_transposed, "transposed", {}),
    (split_normalises, "never change their values", {}),
])
def test_split_mistakes_are_named(answer, phrase, sizes):
    _fails_with(checks.check_train_dev_test_split, answer, phrase, **sizes)


# --- bias and variance -----------------------------------------------------------------------------

def _verdict(high_bias, high_variance):
    return checks._verdict(high_bias, high_variance)


@pytest.mark.parametrize("answer, phrase", [
    (lambda tr, dv, by=0.0: _verdict(tr > 0.05, dv - tr > 0.05), "The Bayes error is ignored"),
    (lambda tr, dv, by=0.0: _verdict(tr - by > 0.05, dv - by > 0.05), "measured against the Bayes error"),
    (lambda tr, dv, by=0.0: _verdict(dv - by > 0.05, dv - tr > 0.05), "The bias is measured with the dev error"),
    (lambda tr, dv, by=0.0: _verdict(dv - tr > 0.05, tr - by > 0.05), "Bias and variance are swapped"),
    (lambda tr, dv, by=0.0: _verdict(tr - by > 5, dv - tr > 5), "the errors are fractions"),
    (lambda tr, dv, by=0.0: diagnose_bias_variance(tr, dv, by).title(), "write it exactly"),
    (lambda tr, dv, by=0.0: "high variance and high bias" if diagnose_bias_variance(tr, dv, by).count("high") == 2
     else diagnose_bias_variance(tr, dv, by), "(bias first)"),
    (lambda tr, dv, by=0.0: "overfitting", "return exactly one of"),
    (lambda tr, dv, by=0.0: (tr - by > 0.05, dv - tr > 0.05), "return one of the strings"),
    (lambda tr, dv, by=0.0: _verdict(tr - by > 0.1, dv - tr > 0.1), "each is high when it is more than 0.05"),
])
def test_diagnosis_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_diagnose_bias_variance, answer, phrase)


# --- L2 and L1 costs ----------------------------------------------------------------------------------

def _weights(parameters):
    return [parameters[f"W{l}"] for l in range(1, len(parameters) // 2 + 1)]


def _cost(penalty, scale=lambda lambd, m: lambd / (2 * m), biases=False, cross_entropy=True, last_only=False):
    def cost(AL, Y, parameters, lambd):
        m = Y.shape[1]
        keys = [k for k in parameters if k.startswith("W") or (biases and k.startswith("b"))]
        if last_only:
            keys = [f"W{len(parameters) // 2}"]
        total = sum(penalty(parameters[k]) for k in keys)
        return (ref.compute_cost_stable(AL, Y) if cross_entropy else 0.0) + scale(lambd, m) * total
    return cost


L2_COST_MISTAKES = [
    (_cost(lambda W: np.sum(W ** 2), scale=lambda lambd, m: lambd / m), "uses lambd / m"),
    (_cost(lambda W: np.sum(W ** 2), biases=True), "regularises the biases"),
    (_cost(lambda W: np.linalg.norm(W)), "must be squared"),
    (_cost(lambda W: np.sum(W) ** 2), "squared the sum"),
    (_cost(lambda W: np.sum(W ** 2), scale=lambda lambd, m: lambd / 2), "missing 1/m"),
    (_cost(lambda W: np.sum(W ** 2), scale=lambda lambd, m: lambd / 2 * m), "operator precedence"),
    (_cost(lambda W: np.sum(W ** 2), last_only=True), "Only the last layer"),
    (_cost(lambda W: np.sum(W ** 2), cross_entropy=False), "penalty alone"),
    (_cost(lambda W: 0.0), "cross-entropy alone"),
    (_cost(lambda W: np.sum(np.abs(W))), "uses |W| (L1)"),
    (lambda AL, Y, p, lambd: np.array([[compute_cost_with_regularization(AL, Y, p, lambd)]]), "Python float"),
]


@pytest.mark.parametrize("answer, phrase", L2_COST_MISTAKES, ids=[p for _, p in L2_COST_MISTAKES])
def test_l2_cost_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_compute_cost_with_regularization, answer, phrase)


def test_l2_cost_that_changes_the_weights_is_caught():
    def zeroes_weights(AL, Y, parameters, lambd):
        cost = compute_cost_with_regularization(AL, Y, parameters, lambd)
        parameters["W1"][:] = 0
        return cost
    _fails_with(checks.check_compute_cost_with_regularization, zeroes_weights, "modified its input")


L1_COST_MISTAKES = [
    (_cost(lambda W: np.sum(W ** 2)), "squares the weights"),
    (_cost(lambda W: np.sum(np.abs(W)), scale=lambda lambd, m: lambd / m), "uses lambd / m"),
    (_cost(lambda W: np.sum(W)), "absolute value is missing"),
    (_cost(lambda W: np.sum(np.abs(W)), biases=True), "regularises the biases"),
    (_cost(lambda W: np.sum(np.abs(W)), scale=lambda lambd, m: lambd / 2), "missing 1/m"),
    (_cost(lambda W: np.sum(np.abs(W)), last_only=True), "Only the last layer"),
    (_cost(lambda W: np.sum(np.abs(W)), cross_entropy=False), "penalty alone"),
    (_cost(lambda W: 0.0), "cross-entropy alone"),
]


@pytest.mark.parametrize("answer, phrase", L1_COST_MISTAKES, ids=[p for _, p in L1_COST_MISTAKES])
def test_l1_cost_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_compute_cost_with_l1, answer, phrase)


# --- L2 and L1 gradients ------------------------------------------------------------------------------

def _backward(term, biases=False, only=None, on_gradient=False):
    def backward(AL, Y, caches, lambd):
        m = AL.shape[1]
        grads = ref.L_model_backward_stable(AL, Y, caches)
        L = len(caches)
        for l in range(1, L + 1):
            if only == "last" and l != L or only == "first" and l != 1:
                continue
            (A_prev, W, b), Z = caches[l - 1]
            grads[f"dW{l}"] = grads[f"dW{l}"] + term(grads[f"dW{l}"] if on_gradient else W, lambd, m)
            if biases:
                grads[f"db{l}"] = grads[f"db{l}"] + term(b, lambd, m)
        return grads
    return backward


L2_BACKWARD_MISTAKES = [
    (_backward(lambda W, lambd, m: 0 * W), "has no regularization term"),
    (_backward(lambda W, lambd, m: lambd / (2 * m) * W), "lambd / (2m) * W"),
    (_backward(lambda W, lambd, m: 2 * lambd / m * W), "2 * lambd / m * W"),
    (_backward(lambda W, lambd, m: lambd * W), "missing 1/m"),
    (_backward(lambda W, lambd, m: lambd / m * np.sign(W)), "np.sign(W), L1's gradient"),
    (_backward(lambda W, lambd, m: lambd / m * W, biases=True), "The biases are regularised"),
    (_backward(lambda W, lambd, m: lambd / m * W, only="last"), "Only the last layer"),
    (_backward(lambda W, lambd, m: lambd / m * W, only="first"), "Only the first layer"),
    (_backward(lambda W, lambd, m: lambd / m * W, on_gradient=True), "lambd / m * dW{l} (the gradient)"),
]


@pytest.mark.parametrize("answer, phrase", L2_BACKWARD_MISTAKES, ids=[p for _, p in L2_BACKWARD_MISTAKES])
def test_l2_backward_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_L_model_backward_with_regularization, answer, phrase)


def test_l2_backward_through_notebook_02s_dAL_passes():
    from helpers import deep

    def via_dAL(AL, Y, caches, lambd):
        grads = deep.L_model_backward(AL, Y, caches)
        for l in range(1, len(caches) + 1):
            grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / AL.shape[1] * caches[l - 1][0][1]
        return grads
    checks.check_L_model_backward_with_regularization(via_dAL)


L1_BACKWARD_MISTAKES = [
    (_backward(lambda W, lambd, m: 0 * W), "has no regularization term"),
    (_backward(lambda W, lambd, m: lambd / m * np.sign(W)), "The L1 term is lambd / m * sign(W)"),
    (_backward(lambda W, lambd, m: lambd / (2 * m) * W), "uses W instead of its sign"),
    (_backward(lambda W, lambd, m: lambd / m * W), "L2's gradient"),
    (_backward(lambda W, lambd, m: lambd / (2 * m) * np.abs(W)), "uses np.abs(W)"),
    (_backward(lambda W, lambd, m: lambd / (2 * m) * np.sign(W), biases=True), "The biases are regularised"),
    (_backward(lambda W, lambd, m: lambd / 2 * np.sign(W)), "missing 1/m"),
    (_backward(lambda W, lambd, m: lambd / (2 * m) * np.sign(W), only="last"), "Only the last layer"),
]


@pytest.mark.parametrize("answer, phrase", L1_BACKWARD_MISTAKES, ids=[p for _, p in L1_BACKWARD_MISTAKES])
def test_l1_backward_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_L_model_backward_with_l1, answer, phrase)


def test_backward_without_db_is_caught():
    def only_dW(AL, Y, caches, lambd):
        return {k: v for k, v in L_model_backward_with_regularization(AL, Y, caches, lambd).items()
                if k.startswith("dW")}
    _fails_with(checks.check_L_model_backward_with_regularization, only_dW, "missing the key")


# --- weight decay ----------------------------------------------------------------------------------

def _decay(W_rule, b_rule=lambda b, db, a, lambd, m: b - a * db, in_place=False):
    def update(parameters, grads, learning_rate, lambd, m):
        L = len(parameters) // 2
        new = {}
        for l in range(1, L + 1):
            W, b = parameters[f"W{l}"], parameters[f"b{l}"]
            new[f"W{l}"] = W_rule(W, grads[f"dW{l}"], learning_rate, lambd, m)
            new[f"b{l}"] = b_rule(b, grads[f"db{l}"], learning_rate, lambd, m)
            if in_place:
                W *= 1 - learning_rate * lambd / m
        return new
    return update


DECAY_MISTAKES = [
    (_decay(lambda W, dW, a, lambd, m: (1 - a * lambd / (2 * m)) * W - a * dW), "uses lambd / (2m)"),
    (_decay(lambda W, dW, a, lambd, m: W - a * dW), "was not decayed"),
    (_decay(lambda W, dW, a, lambd, m: (1 - lambd / m) * W - a * dW), "missing the learning rate"),
    (_decay(lambda W, dW, a, lambd, m: (1 - a * lambd) * W - a * dW), "missing 1/m"),
    (_decay(lambda W, dW, a, lambd, m: (1 - a * lambd / m) * W - dW), "step is missing the learning rate"),
    (_decay(lambda W, dW, a, lambd, m: (1 - a * lambd / m) * (W - a * dW)), "decay the old W"),
    (_decay(lambda W, dW, a, lambd, m: (1 + a * lambd / m) * W - a * dW), "The weights grow"),
    (_decay(lambda W, dW, a, lambd, m: (1 - a * lambd / m) * W - a * (dW + lambd / m * W)), "counts the penalty twice"),
    (_decay(lambda W, dW, a, lambd, m: (1 - a * lambd / m) * W - a * dW,
            b_rule=lambda b, db, a, lambd, m: (1 - a * lambd / m) * b - a * db), "biases take a plain step"),
    (_decay(lambda W, dW, a, lambd, m: (1 - a * lambd / m) * W - a * dW, b_rule=lambda b, db, a, lambd, m: b),
     "b1 was not updated"),
    (_decay(lambda W, dW, a, lambd, m: (1 - a * lambd / m) * W - a * dW, in_place=True), "in place"),
]


@pytest.mark.parametrize("answer, phrase", DECAY_MISTAKES, ids=[p for _, p in DECAY_MISTAKES])
def test_weight_decay_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_update_parameters_with_weight_decay, answer, phrase)


# --- random_shift ------------------------------------------------------------------------------------

def _shift(**options):
    def shift(images, max_shift, rng):
        return checks._shift_variant(np.asarray(images, dtype=float), max_shift, rng, **options)
    return shift


def shift_global_state(images, max_shift, rng):
    return ref.random_shift(images, max_shift, np.random.default_rng(np.random.randint(1 << 30)))


def shift_fixed_generator(images, max_shift, rng):
    return ref.random_shift(images, max_shift, np.random.default_rng(0))


def shift_in_place(images, max_shift, rng):
    shifted = ref.random_shift(images, max_shift, rng)
    images[:] = shifted
    return images


def shift_flattened(images, max_shift, rng):
    return ref.random_shift(images, max_shift, rng).reshape(images.shape[0], -1)


@pytest.mark.parametrize("answer, phrase", [
    (_shift(roll=True), "np.roll wraps around"),
    (_shift(high=1), "never reach +max_shift"),
    (_shift(swap=True), "Rows and columns are swapped"),
    (_shift(sign=-1), "opposite way"),
    (_shift(one_shift=True), "Every image got the same shift"),
    (_shift(draw_t=True), "size=(2, m)"),
    (_shift(mode="edge"), "repeats the edge pixels"),
    (shift_global_state, "not from np.random"),
    (shift_fixed_generator, "Other generators gave the same shifts"),
    (shift_in_place, "modified its input images in place"),
    (shift_flattened, "original layout"),
])
def test_random_shift_mistakes_are_named(answer, phrase):
    _fails_with(checks.check_random_shift, answer, phrase)


def test_a_loop_over_images_passes():
    def shift_loop(images, max_shift, rng):
        out = np.zeros_like(images)
        m, h, w = images.shape
        for i in range(m):
            dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
            for r in range(h):
                for c in range(w):
                    if 0 <= r - dy < h and 0 <= c - dx < w:
                        out[i, r, c] = images[i, r - dy, c - dx]
        return out
    checks.check_random_shift(shift_loop)
    for sizes in HIDDEN_SIZES["check_random_shift"]:
        checks.check_random_shift(shift_loop, **sizes)


# --- the challenge: early stopping ---------------------------------------------------------------------

def _should_stop(dev_errors, patience, *, strict=False, last=False, impatient=False, longer=False):
    """An independent answer (a loop, not the reference's slices), with one typical mistake when asked."""
    window = 1 if impatient else patience + (1 if longer else 0)
    if len(dev_errors) <= window:
        return False
    before = dev_errors[:-window]
    best = before[-1] if last else min(before)
    improved = any(error < best or (strict and error == best) for error in dev_errors[-window:])
    return not improved


STOP_MISTAKES = [
    (dict(strict=True), "should_stop.tie-counts-as-improvement", "A tie is not an improvement"),
    (dict(last=True), "should_stop.compared-with-last-not-best", "Compare with the BEST error"),
    (dict(impatient=True), "should_stop.ignores-patience", "Wait `patience` evaluations"),
    (dict(longer=True), "should_stop.window-off-by-one", "one evaluation too many"),
]


def test_challenge_should_stop_right_answer_passes(capsys):
    checks.check_should_stop(_should_stop)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, mistake, phrase", STOP_MISTAKES, ids=[m for _, m, _ in STOP_MISTAKES])
def test_challenge_should_stop_names_the_mistake(wrong, mistake, phrase):
    with pytest.raises(ExerciseFailure) as failure:
        checks.check_should_stop(lambda errors, patience: _should_stop(errors, patience, **wrong))
    assert failure.value.mistake == mistake and phrase in str(failure.value)


def test_challenge_should_stop_wants_a_boolean():
    with pytest.raises(ExerciseFailure, match="True or False"):
        checks.check_should_stop(lambda errors, patience: "stop")
