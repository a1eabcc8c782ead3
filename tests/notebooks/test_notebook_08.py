"""Notebook 08 (softmax): every claim its text makes holds in its own measurements.
(Structure, student version and test cells: tests/notebooks/test_notebooks.py, tests/grading/.)"""
import math

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from helpers import data, softmax

NAME = "08_softmax"


@pytest.mark.slow
def test_slide_example_and_stability(measured):
    assert measured["softmax_slide_example"] == [0.842, 0.042, 0.002, 0.114]   # slide 31, reproduced
    assert measured["naive_softmax_of_1000_is_nan"] is True                    # "e^1000 is inf, inf / inf is nan"
    assert measured["softmax_large_scores_finite"] is True                     # "without any overflow"
    assert measured["softmax_shift_invariance"] < 1e-12                        # "only the differences matter"
    assert measured["softmax_column_sums_error"] < 1e-12


@pytest.mark.slow
def test_softmax_and_hardmax(measured):
    assert measured["hardmax_gap_at_T_0.1"] < 1e-8                             # "T -> 0 sharpens into hardmax"
    assert measured["uniform_gap_at_T_100"] < 0.01                             # "T -> infinity flattens it"


@pytest.mark.slow
def test_gradient_is_AL_minus_Y(measured):
    assert measured["softmax_gradient_check"] < 1e-7                           # "great: the backward pass is right"
    assert measured["network_gradient_check"] < 1e-7


@pytest.mark.slow
def test_two_classes_are_logistic_regression(measured):
    two = measured["two_classes"]
    assert two["probability"] < 1e-14 and two["gradient"] < 1e-14 and two["cost"] < 1e-12
    assert two["training_probability"] < 1e-14                                 # "about 1e-15 ... at every iteration"
    assert two["training_cost"] < 1e-12
    first, last = two["training_cost_first_last"]
    assert 0.95 < first < 1.05 and 0.12 < last < 0.14                          # "falls from 1.0 to 0.13"


@pytest.fixture(scope="module")
def section_9():
    """Section 9 redone without the notebook: the same split of the ten digits, the reference
    softmax network (`helpers.softmax`, not the notebook's own functions) trained the same way, and
    scikit-learn's confusion matrix of its test predictions. Returns (confusion (10, 10), test size)."""
    X, y, _ = data.load_digits()
    X_train, y_train, _, _, X_test, y_test = data.train_dev_test_split(X, y, fractions=(0.8, 0.0, 0.2), seed=0)
    y_train, y_test = y_train.astype(int), y_test.astype(int)
    parameters, _ = softmax.L_layer_model_softmax(X_train, softmax.one_hot(y_train, 10), [64, 32, 16, 10],
                                                  learning_rate=0.3, num_iterations=1000, seed=1)
    predictions = softmax.predict_softmax(parameters, X_test)
    return confusion_matrix(y_test[0], predictions[0], labels=range(10)), y_test.shape[1]


@pytest.mark.slow
def test_ten_digits(measured, section_9):
    confusion, test_size = section_9
    errors = int(confusion.sum() - np.trace(confusion))
    off_diagonal = confusion - np.diag(np.diag(confusion))
    first, last = measured["digits_costs_first_last"]
    assert abs(first - math.log(10)) < 0.2                                     # "starts near log 10 = 2.3"
    assert last < 0.02
    assert measured["digits_train_accuracy"] >= 0.99
    assert measured["digits_test_size"] == test_size == 359                    # "out of 359"
    assert 0.975 <= measured["digits_test_accuracy"] <= 0.99                   # "about 98% on unseen images"
    # the notebook's confusion matrix and mistakes agree with the independent ones, to one test digit
    # (another implementation sums in another order, which can flip one close call)
    assert abs(measured["digits_test_accuracy"] - np.trace(confusion) / test_size) <= 1 / test_size
    assert measured["confusion"]["total"] == test_size                         # every test example counted once
    assert abs(measured["confusion"]["errors"] - errors) <= 1
    assert abs(measured["digits_test_errors"] - errors) <= 1
    assert abs(measured["confusion"]["largest_off_diagonal"] - off_diagonal.max()) <= 1
    assert len(measured["wrong_confidence"]) == measured["digits_test_errors"]
    # "a handful of test digits ... off the diagonal, scattered over different cells, no more than two in any one"
    assert measured["confusion"]["errors"] <= 10 and errors <= 10
    assert measured["confusion"]["largest_off_diagonal"] <= 2 and off_diagonal.max() <= 2


@pytest.mark.slow
def test_log_of_softmax_is_infinite_where_log_softmax_is_finite(measured):
    log_softmax = measured["log_softmax"]
    assert math.isinf(log_softmax["naive_cost"])                               # "the cost is infinite"
    assert log_softmax["stable_cost"] == 800.0                                 # "it is 800, the score gap"
    gaps = log_softmax["underflow_gap"]
    assert abs(gaps["float64"] - 745) <= 2 and abs(gaps["float32"] - 104) <= 1  # "about 745", "about 104"


@pytest.mark.slow
def test_confident_mistakes_for_question_2(measured):
    assert max(measured["wrong_confidence"]) > 0.9                             # some mistakes are confident
    assert measured["digits_train_accuracy"] >= 0.999                          # the model answer's "about 100%"


@pytest.mark.slow
def test_challenge_cost_from_logits_agrees_with_the_cost_of_probabilities(measured):
    challenge = measured["challenge_cost_from_logits"]
    assert challenge["far"] == 800.0
    assert challenge["random"] == pytest.approx(challenge["random_through_probabilities"], rel=1e-12)
