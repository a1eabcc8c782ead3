"""Notebook 02 (deep network): every claim its text makes holds in its own measurements.
(Structure, student version and test cells: tests/notebooks/test_notebooks.py, tests/grading/.)"""
import math

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from helpers import data, deep

NAME = "02_deep_network"


@pytest.mark.slow
def test_dimension_tables_checked_in_code(measured):
    assert measured["parameter_shapes_ok"] is True
    assert measured["forward_shapes_ok"] is True
    assert measured["gradient_shapes_ok"] is True


@pytest.mark.slow
def test_gradient_check_reading(measured):
    assert measured["toy_gradient_check"]["right"] < 1e-7            # "below 1e-7 is great"
    assert measured["toy_gradient_check"]["wrong"] > 1e-3            # "above 1e-3 there is a bug"
    assert measured["gradient_check_parameter_count"] == 64          # "64 parameters, so 128 forward passes"
    assert measured["gradient_check_own_backward"] < 1e-7           # "your backward pass computes the true gradient"
    assert measured["gradient_check_buggy_backward"] > 1e-3
    report = measured["gradient_check_report"]
    assert report["b2"] > 1e-3                                       # "only db2 is flagged"
    assert all(error < 1e-7 for key, error in report.items() if key != "b2")


@pytest.mark.slow
def test_zero_and_constant_initialisation_keep_units_identical(measured, even_or_odd):
    symmetry, majority = measured["symmetry"], measured["majority_share"]
    Y_train = even_or_odd[1]
    assert majority == pytest.approx(max(np.mean(Y_train), 1 - np.mean(Y_train)), abs=1e-12)   # counted from the data
    zeros, constant, he = symmetry["zeros"], symmetry["constant 0.01"], symmetry["He"]
    assert zeros["max_abs_hidden_W"] == 0.0 == zeros["max_abs_output_W"]   # "every weight is still exactly 0"
    assert zeros["train_accuracy"] == pytest.approx(majority)        # "predicts the majority class"
    assert 0.5 < majority < 0.53                                     # "about 52%"
    assert constant["spread_W1"] < 1e-12 and constant["spread_W2"] < 1e-12   # "exactly 0": identical units
    assert constant["max_abs_hidden_W"] > 0.05                       # the weights did move ...
    assert constant["train_accuracy"] > majority + 0.2               # ... "the network learns something"
    assert he["spread_W1"] > 0.1 and he["spread_W2"] > 0.1           # "each unit learns its own feature"
    assert he["train_accuracy"] > constant["train_accuracy"] + 0.05


@pytest.mark.slow
def test_scale_vanishes_explodes_and_he_keeps_it(measured):
    signal = measured["signal"]

    def ratios(scale):
        std, grad = signal[scale]["activation_std"], signal[scale]["gradient_rms"]
        assert len(std) == len(grad) == 20
        return std[-1] / std[0], grad[0] / grad[-1], max(std) / min(std), max(grad) / min(grad)

    std_ratio, grad_ratio, _, _ = ratios("0.01")
    assert std_ratio < 1e-18 and grad_ratio < 1e-18                  # "shrunk by about 1e22": vanish
    std_ratio, grad_ratio, _, _ = ratios("1")
    assert std_ratio > 1e13 and grad_ratio > 1e13                    # "grow by about 1e16": explode
    _, _, std_spread, grad_spread = ratios("He")
    assert std_spread < 2 and grad_spread < 2                        # "within a factor of 2 here"


@pytest.mark.slow
def test_training_from_three_scales(measured):
    costs = measured["scale_costs"]
    assert costs["0.01"]["min"] > 0.69 and costs["0.01"]["finite_iterations"] == 500   # "stays at log 2"
    assert costs["1"]["first"] > 2 * math.log(2)                     # "far above log 2"
    assert costs["1"]["finite_iterations"] == 1 and costs["1"]["last"] is None          # "nan after the first update"
    assert costs["He"]["last"] < 0.1                                 # "falls at once"


def _parameter_count(layer_dims):
    """sum over l of n[l] * n[l-1] weights + n[l] biases, the closed form of slide 5's table"""
    return sum(n * n_prev + n for n_prev, n in zip(layer_dims, layer_dims[1:]))


@pytest.fixture(scope="module")
def even_or_odd():
    """The notebook's even/odd task on the digits, split 80/20 as in sections 7-9:
    X_train (64, 1438), Y_train (1, 1438), X_test (64, 359), Y_test (1, 359); even is 1."""
    X_all, Y_all = data.load_digits_binary(positive=(0, 2, 4, 6, 8), negative=(1, 3, 5, 7, 9))
    X_train, Y_train, _, _, X_test, Y_test = data.train_dev_test_split(X_all, Y_all, fractions=(0.8, 0.0, 0.2),
                                                                       seed=0)
    return X_train, Y_train, X_test, Y_test


@pytest.fixture(scope="module")
def section_9(even_or_odd):
    """Section 9 redone without the notebook: the same even/odd split of the digits, the reference
    deep network (`helpers.deep`, not the notebook's own functions) trained the same way, and
    scikit-learn's logistic regression. Returns its numbers in the notebook's terms."""
    X_train, Y_train, X_test, Y_test = even_or_odd
    parameters, costs = deep.L_layer_model(X_train, Y_train, [64, 32, 16, 1], learning_rate=0.1,
                                           num_iterations=1500, seed=1)
    logreg = LogisticRegression(max_iter=2000).fit(X_train.T, Y_train.ravel())
    wrong = deep.predict(parameters, X_test) != Y_test
    return {"test_size": Y_test.shape[1], "deep_test": float(np.mean(~wrong)), "deep_test_errors": int(wrong.sum()),
            "deep_train": float(np.mean(deep.predict(parameters, X_train) == Y_train)),
            "deep_cost_increases": int(np.sum(np.diff(costs) > 0)), "deep_costs_first_last": [costs[0], costs[-1]],
            "logreg_test": logreg.score(X_test.T, Y_test.ravel())}


@pytest.mark.slow
def test_deep_network_on_digits(measured, section_9):
    one = 1 / section_9["test_size"]          # one test digit: what another summation order may flip
    first, last = measured["deep_costs_first_last"]
    assert last < 0.05 * first
    assert [first, last] == pytest.approx(section_9["deep_costs_first_last"], rel=1e-3)
    comparison = measured["comparison"]
    logreg, shallow, deep = (comparison[name] for name in
                             ("logistic regression", "shallow, n_h = 32", "deep, [64, 32, 16, 1]"))
    # the notebook's numbers are those of an independent computation
    assert abs(deep["test"] - section_9["deep_test"]) <= one and abs(deep["train"] - section_9["deep_train"]) <= one
    assert abs(measured["deep_test_errors"] - section_9["deep_test_errors"]) <= 1
    assert abs(logreg["test"] - section_9["logreg_test"]) <= one
    assert (logreg["parameters"], shallow["parameters"], deep["parameters"]) == \
        (_parameter_count([64, 1]), _parameter_count([64, 32, 1]), _parameter_count([64, 32, 16, 1]))
    # "both networks beat logistic regression clearly (by several points)"
    assert deep["test"] - logreg["test"] >= 0.04 and shallow["test"] - logreg["test"] >= 0.04
    # "the deep network matches the shallow one: within a few test examples, at about 97%"
    assert abs(deep["test"] - shallow["test"]) <= 0.02
    assert 0.95 <= deep["test"] <= 0.99 and 0.95 <= shallow["test"] <= 0.99
    assert deep["train"] >= 0.99 and shallow["train"] >= 0.99      # "both fit the training set (almost) perfectly"
    assert abs(deep["parameters"] - shallow["parameters"]) < 0.3 * deep["parameters"]   # "similar number of parameters"
    # "the shallow network's cost curve is bumpy ... the deep network's falls at every iteration"
    assert measured["cost_increases"]["deep"] == 0 == section_9["deep_cost_increases"]
    assert measured["cost_increases"]["shallow"] >= 10


@pytest.mark.slow
def test_the_text_quotes_the_number_of_iterations_it_runs(measured):
    """Section 9: "... 500 iterations each" is the length of the cost curves it draws."""
    import re

    import nbformat

    from notebook_runner import NOTEBOOKS

    notebook = nbformat.read(NOTEBOOKS / f"{NAME}.ipynb", as_version=4)
    quoted = [int(n) for cell in notebook.cells if cell.cell_type == "markdown"
              for n in re.findall(r"(\d+) iterations each", cell.source)]
    assert quoted == [measured["scale_training_iterations"]]


@pytest.mark.slow
def test_challenge_difference_quotients(measured):
    one, two = measured["quotient_errors"]["one-sided"], measured["quotient_errors"]["two-sided"]
    assert 8 < one["1e-02"] / one["1e-03"] < 12                      # "shrinks 10 times"
    assert 80 < two["1e-02"] / two["1e-03"] < 120                    # "100 times"
    assert min(one.values()) < one["1e-12"] and min(two.values()) < two["1e-12"]   # "the curves turn up"
    assert two["1e-07"] < 1e-8                                       # "far below 1e-7"
    assert 2e-8 < one["1e-07"] < 1e-7                                # "about half of it"
