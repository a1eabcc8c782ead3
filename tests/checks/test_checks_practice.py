"""The checks of notebook 09 beyond their tables (tests/checks/test_exercises.py runs an independent solution through
every check call of the notebook and feeds every named mistake of backward_propagation's, evaluate's and AdamW's
tables in): the mistakes that the checks written as code name (forward_propagation, model, make_train_eval, and
evaluate's recordings), on the visible and the hidden cases, refusals, stubs, the grading of composed exercises, and
the notebook's training with a backward pass written by a student.

The checks replace the names an exercise calls (forward_propagation, evaluate, model, ...) in the
exercise's module while they run; here that module is this file, so the "student" answers below
call the building blocks through these module-level names, as a notebook does."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import data
from helpers import optimizers as opt_ref
from helpers import practice as ref
from helpers.batchnorm import batchnorm_forward, initialize_bn_states, initialize_parameters_bn
from helpers.checks import ExerciseFailure
from helpers.checks import practice as checks
from helpers.deep import linear_forward, relu
from helpers.dropout import dropout_forward
from helpers.optimizers import initialize_adam, random_mini_batches, update_lr, update_parameters_with_adam
from helpers.practice import backward_propagation, compute_cost
from helpers.softmax import one_hot, softmax
from notebook_runner import hidden_check_calls
from solutions import practice as solution
from solutions.practice import update_parameters_with_adamw
from mistakes import assert_named_mistake, fails_with, over_mistakes


# --- the right answers (the checks refuse helpers' own functions, so they are written here) -----------

def _forward(X, parameters, bn_states, keep_prob=1.0, rng=None, training=True, *, bug=None):
    bugs = set(bug) if isinstance(bug, tuple) else {bug}
    L = len(bn_states) + 1
    caches = []
    A = X
    if "drop_input" in bugs and training:
        A, _ = dropout_forward(A, keep_prob, rng)
    for l in range(1, L):
        A_prev, W = A, parameters[f"W{l}"]
        Z = W @ A_prev + (parameters[f"b{l}"] if "bias" in bugs else 0)
        bn_mode = True if "bn_always_training" in bugs else (False if "bn_running" in bugs else training)
        if "bn_after_relu" in bugs:
            A, bn_cache = batchnorm_forward(relu(Z), parameters[f"gamma{l}"], parameters[f"beta{l}"],
                                            bn_states[l - 1], training=bn_mode)
            Z_tilde = Z
        else:
            state = dict(bn_states[l - 1]) if "state_copy" in bugs else bn_states[l - 1]
            Z_tilde, bn_cache = batchnorm_forward(Z, parameters[f"gamma{l}"], parameters[f"beta{l}"], state,
                                                  training=bn_mode)
            if "update_at_test" in bugs and not training:     # "the statistics are updated on every pass"
                batchnorm_forward(Z, parameters[f"gamma{l}"], parameters[f"beta{l}"], bn_states[l - 1], training=True)
            A = relu(Z_tilde)
        before_dropout = A
        D = None
        if training or "dropout_at_test" in bugs:
            if "unscaled" in bugs:
                D = rng.random(A.shape) < keep_prob
                A = A * D
            elif "swapped" in bugs:
                D = rng.random(A.shape) > keep_prob
                A = A * D / keep_prob
            elif "per_unit" in bugs:
                D = np.broadcast_to(rng.random((A.shape[0], 1)) < keep_prob, A.shape)
                A = A * D / keep_prob
            elif "global_random" in bugs:
                D = np.random.random(A.shape) < keep_prob
                A = A * D / keep_prob
            elif "draw_both" in bugs:
                rng.random(1)
                D = np.random.random(A.shape) < keep_prob
                A = A * D / keep_prob
            elif "own_generator" in bugs:
                A, D = dropout_forward(A, keep_prob, np.random.default_rng(0))
            else:
                A, D = dropout_forward(A, keep_prob, rng)
        cached_A_prev = caches[-1][-1] if "cache_undropped" in bugs and caches else A_prev
        if "cache_undropped" in bugs:
            caches.append(((cached_A_prev, W), bn_cache, Z_tilde, D, before_dropout))
            continue
        if "cache_activation" in bugs:
            caches.append(((A_prev, W), bn_cache, relu(Z_tilde), D))
        elif "cache_without_mask" in bugs:
            caches.append(((A_prev, W), bn_cache, Z_tilde))
        elif "cache_without_W" in bugs:
            caches.append((A_prev, bn_cache, Z_tilde, D))
        elif "cache_bn_state" in bugs:     # the layer's running statistics instead of batch norm's cache
            caches.append(((A_prev, W), bn_states[l - 1], Z_tilde, D))
        else:
            caches.append(((A_prev, W), bn_cache, Z_tilde, None if "no_mask_in_cache" in bugs else D))
    if "cache_undropped" in bugs:
        caches = [cache[:4] for cache in caches]
    ZL, linear_cache = linear_forward(A, parameters[f"W{L}"], parameters[f"b{L}"])
    if "drop_output" in bugs and training:
        ZL, _ = dropout_forward(ZL, keep_prob, rng)
    AL = ZL if "no_softmax" in bugs else 1 / (1 + np.exp(-ZL)) if "sigmoid_output" in bugs else softmax(ZL)
    if "output_cache_linear_only" in bugs:
        caches.append(linear_cache)
    elif "output_cache_without_b" in bugs:     # the hidden layers' (A_prev, W), copied to the output layer
        caches.append(((A, parameters[f"W{L}"]), ZL))
    elif "missing_output_cache" not in bugs:
        caches.append((linear_cache, ZL))
    if "caches_as_dict" in bugs:
        caches = dict(enumerate(caches))
    return AL, caches


def forward_propagation(X, parameters, bn_states, keep_prob=1.0, rng=None, training=True):
    return _forward(X, parameters, bn_states, keep_prob, rng, training)


def evaluate(parameters, bn_states, X, y):
    AL, _ = forward_propagation(X, parameters, bn_states, training=False)
    return float(np.mean(np.argmax(AL, axis=0) == np.ravel(y)))


def _model(X, Y, layer_dims, learning_rate0=0.01, decay_rate=0.1, lambd=0.0, keep_prob=1.0, num_epochs=20,
           mini_batch_size=64, seed=1, dev=None, *, bug=None):
    parameters, bn_states = initialize_parameters_bn(layer_dims, seed=seed), initialize_bn_states(layer_dims)
    mini_batch_size = 2 * mini_batch_size if bug == "batch_size_double" else mini_batch_size
    v, s = initialize_adam(parameters)
    rng = np.random.default_rng(seed)
    labels = np.argmax(Y, axis=0).reshape(1, -1)
    history = {"cost": [], "learning_rate": [], "train_accuracy": [], "dev_accuracy": []}
    t = 0
    rate = learning_rate0
    once = random_mini_batches(X, Y, mini_batch_size, seed=seed) if bug == "shuffle_once" else None
    for epoch in range(num_epochs):
        if bug == "t_reset":
            t = 0
        if bug == "no_decay":
            learning_rate = learning_rate0
        elif bug == "compound":
            rate = learning_rate = update_lr(rate, epoch, decay_rate)
        else:
            learning_rate = update_lr(learning_rate0, epoch, decay_rate)
        if bug == "shuffle_once":
            batches = once
        elif bug == "same_batches":
            batches = random_mini_batches(X, Y, mini_batch_size, seed=seed)
        elif bug == "shuffled_apart":
            generator = np.random.default_rng(seed + epoch)
            X_shuffled, Y_shuffled = X[:, generator.permutation(X.shape[1])], Y[:, generator.permutation(X.shape[1])]
            batches = [(X_shuffled[:, k:k + mini_batch_size], Y_shuffled[:, k:k + mini_batch_size])
                       for k in range(0, X.shape[1], mini_batch_size)]
        elif bug == "reversed_X":
            batches = random_mini_batches(X[:, ::-1], Y[:, ::-1], mini_batch_size, seed=seed + epoch)
        else:
            batches = random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch + (bug == "seed_plus_1"))
        costs = []
        for X_batch, Y_batch in batches:
            generator = np.random.default_rng(seed) if bug == "new_rng" else rng
            AL, caches = forward_propagation(X_batch, parameters, bn_states,
                                             1.0 if bug == "forward_keep_1" else keep_prob, generator,
                                             training=bug != "test_mode")
            costs.append(compute_cost(AL, Y_batch, parameters, lambd))
            grads = backward_propagation(AL, Y_batch, caches, 1.0 if bug == "backward_keep_1" else keep_prob,
                                         0.0 if bug == "backward_no_l2" else lambd)
            t = 1 if bug == "t_constant" else t + (2 if bug == "t_twice" else 1)
            step_rate = update_lr(learning_rate0, t, decay_rate) if bug == "per_step" else learning_rate
            if bug == "rate0_to_adam":
                step_rate = learning_rate0
            step_rate = step_rate / 2 if bug == "half_rate" else step_rate
            updated = update_parameters_with_adam(parameters, grads, v, s, t, step_rate)
            if bug != "no_assign":
                parameters, v, s = updated
        if bug != "no_cost_history":
            history["cost"].append(float(np.sum(costs) if bug == "cost_sum" else np.mean(costs)))
        if bug != "no_rate_history":
            history["learning_rate"].append(learning_rate0 if bug == "history_rate0" else learning_rate)
        if (dev is not None or bug == "always_evaluate") and bug != "no_accuracy":
            history["train_accuracy"].append(evaluate(parameters, bn_states, X, labels))
            if dev is not None:
                history["dev_accuracy"].append(evaluate(parameters, bn_states, *dev))
    states = {"initial_states": initialize_bn_states(layer_dims), "no_states": None}.get(bug, bn_states)
    return parameters, states, history


def model(X, Y, layer_dims, learning_rate0=0.01, decay_rate=0.1, lambd=0.0, keep_prob=1.0, num_epochs=20,
          mini_batch_size=64, seed=1, dev=None):
    return _model(X, Y, layer_dims, learning_rate0, decay_rate, lambd, keep_prob, num_epochs, mini_batch_size, seed,
                  dev)


CHECKS = [checks.check_forward_propagation, checks.check_backward_propagation, checks.check_evaluate,
          checks.check_model, checks.check_make_train_eval]
HIDDEN = {}
for _check_name, _sizes in hidden_check_calls("09_practice"):
    HIDDEN.setdefault(_check_name, []).append(_sizes)


def test_checks_leave_the_notebook_names_as_they_were():
    """The recording replacements are undone, also when the check fails."""
    before = (forward_propagation, evaluate, model, update_lr, random_mini_batches)
    checks.check_model(model)
    with pytest.raises(ExerciseFailure):
        checks.check_model(model_no_decay)
    assert (forward_propagation, evaluate, model, update_lr, random_mini_batches) == before
    assert globals()["forward_propagation"] is before[0] and globals()["update_lr"] is before[3]


# --- the typical mistakes -----------------------------------------------------------------------------

def _forward_with(bug):
    def forward(X, parameters, bn_states, keep_prob=1.0, rng=None, training=True):
        return _forward(X, parameters, bn_states, keep_prob, rng, training, bug=bug)
    return forward


def _model_with(bug):
    def model_variant(X, Y, layer_dims, learning_rate0=0.01, decay_rate=0.1, lambd=0.0, keep_prob=1.0, num_epochs=20,
                      mini_batch_size=64, seed=1, dev=None):
        return _model(X, Y, layer_dims, learning_rate0, decay_rate, lambd, keep_prob, num_epochs, mini_batch_size,
                      seed, dev, bug=bug)
    return model_variant


model_no_decay = _model_with("no_decay")


def _model_through_modules(bug):
    """The right model, but calling the building blocks through their modules (the notebook imports `practice`; here
    `ref` and `opt_ref`), which the check does not record: no call gives the mistake away, the trained parameters
    name it."""
    def model_variant(X, Y, layer_dims, learning_rate0=0.01, decay_rate=0.1, lambd=0.0, keep_prob=1.0, num_epochs=20,
                      mini_batch_size=64, seed=1, dev=None):
        parameters, bn_states = initialize_parameters_bn(layer_dims, seed=seed), initialize_bn_states(layer_dims)
        v, s = initialize_adam(parameters)
        rng = np.random.default_rng(seed)
        labels = np.argmax(Y, axis=0).reshape(1, -1)
        history = {"cost": [], "learning_rate": [], "train_accuracy": [], "dev_accuracy": []}
        t = 0
        for epoch in range(num_epochs):
            learning_rate = learning_rate0 if bug == "no_decay" else opt_ref.update_lr(learning_rate0, epoch, decay_rate)
            batch_costs = []
            for X_batch, Y_batch in opt_ref.random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch):
                if bug == "no_dropout":      # keep_prob left out: its default, 1.0, keeps every unit
                    AL, caches = ref.forward_propagation(X_batch, parameters, bn_states, rng=rng, training=True)
                    grads = ref.backward_propagation(AL, Y_batch, caches, lambd=lambd)
                elif bug == "no_l2":         # lambd left out: its default, 0.0, adds no L2 term
                    AL, caches = ref.forward_propagation(X_batch, parameters, bn_states, keep_prob, rng, training=True)
                    grads = ref.backward_propagation(AL, Y_batch, caches, keep_prob)
                else:
                    AL, caches = ref.forward_propagation(X_batch, parameters, bn_states, keep_prob, rng, training=True)
                    grads = ref.backward_propagation(AL, Y_batch, caches, keep_prob, lambd)
                batch_costs.append(ref.compute_cost(AL, Y_batch, parameters, 0.0 if bug == "no_l2" else lambd))
                t += 1
                parameters, v, s = opt_ref.update_parameters_with_adam(parameters, grads, v, s, t, learning_rate)
            history["cost"].append(float(np.mean(batch_costs)))
            history["learning_rate"].append(learning_rate)
            if dev is not None:
                history["train_accuracy"].append(evaluate(parameters, bn_states, X, labels))
                history["dev_accuracy"].append(evaluate(parameters, bn_states, *dev))
            if bug == "return_in_epoch_loop":
                return parameters, bn_states, history      # indented one level too deep: after the first epoch
        return parameters, bn_states, history
    model_variant.calls_the_references = True     # the student edition has no references: not compared there
    return model_variant


def evaluate_training_mode(parameters, bn_states, X, y):
    AL, _ = forward_propagation(X, parameters, bn_states)
    return float(np.mean(np.argmax(AL, axis=0) == np.ravel(y)))


def evaluate_training_mode_with_rng(parameters, bn_states, X, y):
    AL, _ = forward_propagation(X, parameters, bn_states, 1.0, np.random.default_rng(0))
    return float(np.mean(np.argmax(AL, axis=0) == np.ravel(y)))


def evaluate_own_training_mode(parameters, bn_states, X, y):
    """Training mode without the notebook's forward_propagation: the running statistics change."""
    AL, _ = _forward(X, parameters, bn_states, 1.0, np.random.default_rng(0), True)
    return float(np.mean(np.argmax(AL, axis=0) == np.ravel(y)))


def evaluate_no_mean(parameters, bn_states, X, y):
    AL, _ = forward_propagation(X, parameters, bn_states, training=False)
    return np.argmax(AL, axis=0) == np.ravel(y)


def make_train_eval_test_set(X_train, Y_train, X_dev, y_dev, layer_dims, num_epochs=20, keep_prob=0.8,
                             decay_rate=0.1, seed=1):
    def train_eval(config):
        parameters, bn_states, _ = model(X_train, Y_train, layer_dims, learning_rate0=config["learning_rate"],
                                         decay_rate=decay_rate, lambd=config["lambd"], keep_prob=keep_prob,
                                         num_epochs=num_epochs, seed=seed)
        return evaluate(parameters, bn_states, X_test, y_test)  # noqa: F821 - the notebook's globals
    return train_eval


def _train_eval_factory(train_on="train", score_on="dev", swap=False, fixed_rate=None, pass_keep_prob=True,
                        error_rate=False, return_score=False, trainings=1):
    def make(X_train, Y_train, X_dev, y_dev, layer_dims, num_epochs=20, keep_prob=0.8, decay_rate=0.1, seed=1):
        def train_eval(config):
            rate, lambd = config["learning_rate"], config["lambd"]
            if swap:
                rate, lambd = lambd, rate
            if fixed_rate is not None:
                rate = fixed_rate
            X, Y = (X_train, Y_train) if train_on == "train" else (X_dev, np.eye(Y_train.shape[0])[np.ravel(y_dev)].T)
            options = dict(keep_prob=keep_prob) if pass_keep_prob else {}
            for _ in range(trainings):
                parameters, bn_states, _ = model(X, Y, layer_dims, learning_rate0=rate, decay_rate=decay_rate,
                                                 lambd=lambd, num_epochs=num_epochs, seed=seed, **options)
            if score_on == "train, by a name the check does not record":
                score = _accuracy(parameters, bn_states, X_train, np.argmax(Y_train, axis=0).reshape(1, -1))
            elif score_on == "train":
                score = evaluate(parameters, bn_states, X_train, np.argmax(Y_train, axis=0).reshape(1, -1))
            else:
                score = evaluate(parameters, bn_states, X_dev, y_dev)
            return 1.0 - score if error_rate else score
        return train_eval({"learning_rate": 0.01, "lambd": 0.1}) if return_score else train_eval
    return make


make_train_eval = _train_eval_factory()     # the right answer, calling this module's model and evaluate
_accuracy = evaluate                         # evaluate under another name


def forward_without_defaults(X, parameters, bn_states, keep_prob, rng, training=True):
    return _forward(X, parameters, bn_states, keep_prob, rng, training)


MISTAKES = [
    (checks.check_forward_propagation, _forward_with("dropout_at_test"), "dropout was applied at test time"),
    (checks.check_forward_propagation, _forward_with("bn_always_training"), "must use the running statistics"),
    (checks.check_forward_propagation, _forward_with("unscaled"), "not divided by keep_prob"),
    (checks.check_forward_propagation, _forward_with("swapped"), "drops with probability keep_prob"),
    (checks.check_forward_propagation, _forward_with("per_unit"), "one mask per unit"),
    (checks.check_forward_propagation, _forward_with("drop_input"), "input X was dropped"),
    (checks.check_forward_propagation, _forward_with("drop_output"), "output layer was dropped"),
    (checks.check_forward_propagation, _forward_with("bn_after_relu"), "after the ReLU"),
    (checks.check_forward_propagation, _forward_with("no_softmax"), "not a softmax"),
    (checks.check_forward_propagation, _forward_with("global_random"), "did not draw anything from rng"),
    (checks.check_forward_propagation, _forward_with("own_generator"), "did not draw anything from rng"),
    (checks.check_forward_propagation, _forward_with("bias"), "has no bias"),
    (checks.check_forward_propagation, _forward_with("cache_undropped"), "after the previous layer's dropout"),
    (checks.check_forward_propagation, _forward_with("cache_activation"), "BEFORE the ReLU"),
    (checks.check_forward_propagation, _forward_with("cache_without_mask"), "((A_prev, W), bn_cache, Z_tilde, D)"),
    (checks.check_forward_propagation, _forward_with("bn_running"), "in training, batch norm normalises"),
    (checks.check_forward_propagation, _forward_with("sigmoid_output"), "the output is a sigmoid"),
    (checks.check_forward_propagation, _forward_with(("bn_always_training", "dropout_at_test")),
     "this is the training-mode network"),
    (checks.check_forward_propagation, _forward_with("draw_both"), "Two calls with generators of the same seed"),
    (checks.check_forward_propagation, _forward_with("no_mask_in_cache"), "is None in training"),
    (checks.check_forward_propagation, _forward_with("missing_output_cache"), "one per layer, the output layer"),
    (checks.check_forward_propagation, _forward_with("caches_as_dict"), "caches must be a list"),
    (checks.check_forward_propagation, _forward_with("state_copy"), "did not change in training"),
    (checks.check_forward_propagation, _forward_with("update_at_test"), "changed with training=False"),
    (checks.check_forward_propagation, forward_without_defaults, "keep_prob and rng play no role"),
    (checks.check_evaluate, evaluate_training_mode, "test mode"),
    (checks.check_evaluate, evaluate_training_mode_with_rng, "training=True"),
    (checks.check_evaluate, evaluate_own_training_mode, "ran the network in training mode"),
    (checks.check_evaluate, evaluate_no_mean, "return one number"),
    (checks.check_model, _model_with("no_decay"), "never decayed"),
    (checks.check_model, _model_with("rate0_to_adam"), "never decayed"),
    (checks.check_model, _model_with("per_step"), "decayed every step"),
    (checks.check_model, _model_with("compound"), "compounds"),
    (checks.check_model, _model_with("t_constant"), "t was 1 at every step"),
    (checks.check_model, _model_with("t_reset"), "starts again at 1 every epoch"),
    (checks.check_model, _model_with("same_batches"), "same mini-batches"),
    (checks.check_model, _model_with("shuffle_once"), "shuffle once per epoch"),
    (checks.check_model, _model_with("shuffled_apart"), "shuffled apart"),
    (checks.check_model, _model_with("test_mode"), "training=True"),
    (checks.check_model, _model_with("forward_keep_1"), "pass keep_prob on"),
    (checks.check_model, _model_with("backward_keep_1"), "the same keep_prob as the forward pass"),
    (checks.check_model, _model_with("backward_no_l2"), "lambd = 0.0 instead of the model's lambd"),
    (checks.check_model, _model_with("new_rng"), "ONE generator"),
    (checks.check_model, _model_with("cost_sum"), "SUM of its mini-batch costs"),
    (checks.check_model, _model_with("always_evaluate"), "dev=None"),
    (checks.check_model, _model_with("no_assign"), "The parameters never changed"),
    (checks.check_model, _model_with("initial_states"), "the running statistics are the initial ones"),
    (checks.check_model, _model_with("no_states"), "bn_states must be the list"),
    (checks.check_model, _model_with("no_cost_history"), "history['cost'] must hold one number per epoch"),
    (checks.check_model, _model_with("no_rate_history"), "history['learning_rate'] must hold one rate"),
    (checks.check_model, _model_with("history_rate0"), "The learning rate never decayed: at the start"),
    (checks.check_model, _model_with("no_accuracy"), "must hold one accuracy per epoch"),
    (checks.check_model, _model_with("half_rate"), "Adam got the learning rates"),
    (checks.check_model, _model_with("t_twice"), "it must be 1, 2, 3"),
    (checks.check_model, _model_with("batch_size_double"), "pass the model's mini_batch_size"),
    (checks.check_model, _model_with("seed_plus_1"), "expected seed + epoch"),
    (checks.check_model, _model_with("reversed_X"), "did not get the whole training set"),
    (checks.check_make_train_eval, make_train_eval_test_set, "never see the test set"),
    (checks.check_make_train_eval, _train_eval_factory(score_on="train"), "TRAINING set"),
    (checks.check_make_train_eval, _train_eval_factory(train_on="dev"), "trained on the dev set"),
    (checks.check_make_train_eval, _train_eval_factory(swap=True), "swapped"),
    (checks.check_make_train_eval, _train_eval_factory(fixed_rate=0.01), "learning_rate0 = 0.01"),
    (checks.check_make_train_eval, _train_eval_factory(pass_keep_prob=False), "keep_prob = 1.0"),
    (checks.check_make_train_eval, _train_eval_factory(error_rate=True), "error rate"),
    (checks.check_make_train_eval, _train_eval_factory(return_score=True), "must return a function"),
    (checks.check_make_train_eval, _train_eval_factory(trainings=2), "trained 2 networks for one configuration"),
    (checks.check_make_train_eval, _train_eval_factory(score_on="train, by a name the check does not record"),
     "This is the accuracy on the training set"),
]

# The mistakes that the checks written as code name, with the identifier each must be named by (and a phrase of
# its hint). By the notebook's names, a model that trains without decay, L2 or dropout, or stops after one epoch,
# is named by its calls first (they are recorded): the trained parameters name it when the blocks are called
# through their modules.
def backward_changing_al(AL, Y, caches, keep_prob=1.0, lambd=0.0):
    """The right gradients, then dZ[L] computed in AL's own memory (AL -= Y): the caller's AL is changed."""
    grads = solution.backward_propagation(AL, Y, caches, keep_prob, lambd)
    AL -= Y
    return grads


NAMED = [
    (checks.check_backward_propagation, backward_changing_al, "backward_propagation.changed-its-input",
     "changed its argument number 1 in place"),
    (checks.check_forward_propagation, _forward_with("cache_without_W"), "forward_propagation.linear-cache-not-pair",
     "the pair (A_prev, W)"),
    (checks.check_forward_propagation, _forward_with("cache_bn_state"), "forward_propagation.bn-cache-not-triple",
     "the cache returned by batchnorm_forward"),
    (checks.check_forward_propagation, _forward_with("output_cache_linear_only"),
     "forward_propagation.output-cache-not-pair", "the pair (linear_cache, ZL)"),
    (checks.check_forward_propagation, _forward_with("output_cache_without_b"),
     "forward_propagation.output-linear-not-triple", "the linear cache (A_prev, WL, bL)"),
    (checks.check_model, _model_through_modules("no_decay"), "model.trained-without-decay",
     "trained WITHOUT learning-rate decay"),
    (checks.check_model, _model_through_modules("no_l2"), "model.trained-without-l2",
     "trained without L2: pass lambd"),
    (checks.check_model, _model_through_modules("no_dropout"), "model.trained-without-dropout",
     "trained without dropout"),
    (checks.check_model, _model_through_modules("return_in_epoch_loop"), "model.one-epoch-only",
     "Only one epoch was trained"),
]


@over_mistakes(MISTAKES)
def test_typical_mistakes_are_named(check, answer, phrase):
    fails_with(check, answer, phrase)


@pytest.mark.parametrize("check, answer, mistake, phrase", NAMED, ids=[m for _, _, m, _ in NAMED])
def test_mistakes_named_by_code_have_their_identifier(check, answer, mistake, phrase):
    failure = assert_named_mistake(check, answer, mistake)
    assert phrase in str(failure)


@over_mistakes(MISTAKES + [(check, answer, phrase) for check, answer, _, phrase in NAMED])
def test_typical_mistakes_fail_the_hidden_tests_too(check, answer, phrase):
    """Whatever the sizes, a wrong answer never passes (the hint may differ on other sizes)."""
    for sizes in HIDDEN[check.__name__]:
        if check is checks.check_forward_propagation and sizes["keep_prob"] == 1.0 and phrase in KEEP_PROB_ONLY:
            continue   # with keep_prob = 1 these dropout bugs compute the right values
        if check is checks.check_model and sizes.get("keep_prob") == 1.0 and phrase in KEEP_PROB_ONLY:
            continue
        if check is checks.check_model and sizes.get("lambd") == 0.0 and "lambd" in phrase:
            continue   # without L2 a missing lambd changes nothing
        if check is checks.check_model and sizes.get("num_epochs") == 2 and phrase == "compounds":
            continue   # the compounded decay differs from the right one from the third epoch on
        if check is checks.check_make_train_eval and sizes.get("keep_prob") == 1.0 and phrase == "keep_prob = 1.0":
            continue
        with pytest.raises(ExerciseFailure):
            check(answer, **sizes)


KEEP_PROB_ONLY = {"not divided by keep_prob", "one mask per unit", "pass keep_prob on",
                  "the same keep_prob as the forward pass", "input X was dropped", "output layer was dropped",
                  "after the previous layer's dropout", "did not draw anything from rng",
                  "Two calls with generators of the same seed", "is None in training", "trained without dropout"}


def test_forward_propagation_s_named_mistakes_differ_from_the_right_answer():
    """Each wrong network of forward_propagation's check gives an AL other than the right one, at every size the
    notebook uses (otherwise a student with the bug would pass, or a right answer would get a hint)."""
    for sizes in [{}] + HIDDEN["check_forward_propagation"]:
        dims = list(sizes.get("layer_dims", (5, 4, 3, 4)))
        rng = np.random.default_rng(sizes.get("seed", 0))
        parameters = checks.bn_parameters(rng, dims)
        states = checks.bn_states(rng, dims)
        X = rng.standard_normal((dims[0], sizes.get("m", 6))) * 1.5 + 0.5
        keep_prob = sizes.get("keep_prob", 0.7)
        for training in (True, False):
            expected, _ = ref.forward_propagation(X, parameters, [dict(s) for s in states], keep_prob,
                                                  np.random.default_rng(sizes.get("seed", 0) + 100), training)
            mistakes = checks.forward_mistakes(X, parameters, states, keep_prob, sizes.get("seed", 0) + 100, training)
            assert len(mistakes) == (9 if training else 4)
            for mistake in mistakes:
                same = np.shape(mistake.value) == expected.shape and np.allclose(mistake.value, expected)
                # with keep_prob = 1 the dropout bugs compute the right values (nothing is dropped)
                assert not same or (keep_prob == 1.0 and "drop" in mistake.hint), (sizes, mistake.hint)


def test_skipping_the_masks_when_nothing_is_dropped_is_accepted():
    """Drawing no mask at keep_prob = 1 computes the same network: the check does not insist on the draws."""
    for sizes in [{}] + HIDDEN["check_forward_propagation"]:
        checks.check_forward_propagation(forward_skipping, **sizes)


def forward_skipping(X, parameters, bn_states, keep_prob=1.0, rng=None, training=True):
    L = len(bn_states) + 1
    caches, A = [], X
    for l in range(1, L):
        A_prev, W = A, parameters[f"W{l}"]
        Z_tilde, bn_cache = batchnorm_forward(W @ A_prev, parameters[f"gamma{l}"], parameters[f"beta{l}"],
                                              bn_states[l - 1], training=training)
        A, D = relu(Z_tilde), None
        if training and keep_prob < 1:
            A, D = dropout_forward(A, keep_prob, rng)
        caches.append(((A_prev, W), bn_cache, Z_tilde, D))
    ZL, linear_cache = linear_forward(A, parameters[f"W{L}"], parameters[f"b{L}"])
    caches.append((linear_cache, ZL))
    return softmax(ZL), caches


# --- the challenge: AdamW ----------------------------------------------------------------------------------

def test_adamw_passes_at_other_sizes(capsys):
    checks.check_update_parameters_with_adamw(update_parameters_with_adamw, layer_dims=(3, 5, 4, 2), t=1,
                                              learning_rate=0.01, weight_decay=0.1, seed=4)
    assert capsys.readouterr().out.count("all tests passed") == 1


def test_l2_through_adam_is_not_weight_decay():
    """The experiment of notebook 09: with L2 through Adam the weight without a data gradient is wiped out and the
    noisy one hardly decayed; AdamW shrinks the first by exactly (1 - learning_rate * strength) ** steps."""
    final = {run: history[-1] for run, history in opt_ref.weight_decay_experiment().items()}
    assert final["L2 through Adam"][0] < 1e-3
    assert final["AdamW"][0] == pytest.approx((1 - 0.01 * 0.1) ** 300, rel=1e-12)
    assert final["L2 through Adam"][1] / final["no regularisation"][1] > 0.95
    assert final["AdamW"][1] / final["no regularisation"][1] < 0.8


def test_composed_exercises_name_the_student_s_broken_block(monkeypatch, capsys):
    """evaluate, model and make_train_eval are graded with the reference blocks (they pass with a broken
    forward_propagation), and the note names the exercise to fix first."""
    checks.check_evaluate(evaluate)
    assert "Note:" not in capsys.readouterr().out
    monkeypatch.setitem(globals(), "forward_propagation",
                        lambda X, parameters, bn_states, keep_prob=1.0, rng=None, training=True:
                        _forward(X, parameters, bn_states, keep_prob, rng, True))      # always training mode
    checks.check_evaluate(evaluate)
    out = capsys.readouterr().out
    assert "all tests passed" in out and "fix `forward_propagation` first" in out
    monkeypatch.setitem(globals(), "evaluate", lambda parameters, bn_states, X, y: 0.5)
    checks.check_model(model)                     # model's training is right; only its recorded accuracies are not
    assert "fix `evaluate` first" in capsys.readouterr().out
    checks.check_make_train_eval(make_train_eval)
    assert "fix `evaluate` first" in capsys.readouterr().out


def test_model_is_graded_with_the_reference_backward_pass_and_names_the_student_s(monkeypatch, capsys):
    """The backward pass is the student's now: model passes with a broken one, and the note names it."""
    checks.check_model(model)
    assert "Note:" not in capsys.readouterr().out
    monkeypatch.setitem(globals(), "backward_propagation",
                        lambda AL, Y, caches, keep_prob=1.0, lambd=0.0:      # without the L2 term
                        solution.backward_propagation(AL, Y, caches, keep_prob))
    checks.check_model(model)
    out = capsys.readouterr().out
    assert "all tests passed" in out and "fix `backward_propagation` first" in out


# --- backward_propagation: the composed training --------------------------------------------------------------

def test_a_backward_pass_that_names_its_hidden_biases_db_is_told_about_dgamma_and_dbeta():
    def backward_with_db(AL, Y, caches, keep_prob=1.0, lambd=0.0):
        grads = solution.backward_propagation(AL, Y, caches, keep_prob, lambd)
        return {("db" + key[6:] if key.startswith("dbeta") else key): value for key, value in grads.items()}
    failure = assert_named_mistake(checks.check_backward_propagation, backward_with_db,
                                   "backward_propagation.no-dgamma-dbeta")
    assert "no 'db{l}'" in str(failure) and "dbeta1" in str(failure)


@pytest.mark.parametrize("lambd, num_epochs", [(0.0, 20), (0.5, 3)])
def test_training_with_a_student_s_backward_pass_reaches_the_notebook_s_numbers(lambd, num_epochs):
    """Notebook 09's training (section 4: the digits, [64, 64, 32, 10], keep_prob 0.8, decay 0.1, seed 1) with the
    backward pass a student writes (the independent solution's, called by the solution's model) trains exactly as
    the reference does, with L2 too; without L2, over 20 epochs, it reaches the numbers the notebook quotes: the
    cost from 1.46 to 0.07, a dev accuracy of 97.5% (9 of the 359 dev digits wrong), above 97% from epoch 7 on."""
    X, y, _ = data.load_digits()
    X_train, y_train, X_dev, y_dev, _, _ = data.train_dev_test_split(X, y, fractions=(0.6, 0.2, 0.2), seed=0)
    Y_train, dev = one_hot(y_train.astype(int), 10), (X_dev, y_dev.astype(int))
    arguments = dict(learning_rate0=0.01, decay_rate=0.1, lambd=lambd, keep_prob=0.8, num_epochs=num_epochs, seed=1,
                     dev=dev)
    assert solution.model.__globals__["backward_propagation"] is solution.backward_propagation
    trained, _, history = solution.model(X_train, Y_train, [64, 64, 32, 10], **arguments)
    expected_parameters, _, expected = ref.model(X_train, Y_train, [64, 64, 32, 10], **arguments)
    np.testing.assert_allclose(history["cost"], expected["cost"], rtol=1e-9)
    assert history["dev_accuracy"] == expected["dev_accuracy"]
    for key, value in expected_parameters.items():
        np.testing.assert_allclose(trained[key], value, rtol=1e-6, atol=1e-9)
    if num_epochs == 20:
        cost0, cost_end = history["cost"][0], history["cost"][-1]
        assert abs(cost0 - 1.46) <= 0.01 and abs(cost_end - 0.07) <= 0.01
        assert abs(history["dev_accuracy"][-1] - 0.975) <= 0.003
        assert min(history["dev_accuracy"][6:]) >= 0.97
