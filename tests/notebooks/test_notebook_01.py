"""Notebook 01 (shallow network): every claim its text makes holds in its own measurements, and
the measurements that are cheap to redo agree with an independent computation (scikit-learn, the
reference `helpers.shallow`)."""
import math

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from claims import quoted
from helpers import data, shallow


pytestmark = pytest.mark.slow

NAME = "01_shallow_network"


def test_vectorised_product_equals_the_loop_and_is_faster(measured):
    assert measured["vectorised_equals_loop"] is True
    # about 100 measured, each time the best of 5 runs (timeit.repeat in the notebook), so one slow
    # run on a busy machine does not decide it; > 3 is a wide margin on top of that
    assert measured["vectorised_speedup"] > 3


@pytest.fixture(scope="module")
def flower():
    """The notebook's data set, section 4: X (2, 400), Y (1, 400), half of each class."""
    return data.load_planar_flower(m=400, seed=1)


def test_logistic_regression_is_near_chance_on_the_flower(measured, flower):
    """"About as good as a coin: a line cannot follow the petals." On balanced data a constant
    answer also scores 50%, so the test also asks that the line really splits the flower: both
    classes predicted, each for a fair share of the points."""
    X, Y = flower
    assert Y.mean() == 0.5                                        # balanced: a constant answer scores 0.5
    line = LogisticRegression().fit(X.T, Y.ravel())
    predictions = line.predict(X.T)
    assert abs(measured["logreg_accuracy"] - np.mean(predictions == Y.ravel())) <= 1 / 400   # one point
    assert abs(measured["logreg_accuracy"] - 0.5) <= 0.05          # a coin: within 20 of the 400 points
    assert 0.2 <= predictions.mean() <= 0.8                        # not a constant prediction


def test_the_network_bends_the_boundary(measured, flower):
    assert quoted(measured["nn_accuracy"], 94, 400, decimals=0)   # "about 94%", to one of the 400 points
    X, Y = flower                                      # the reference network, trained as in section 9
    parameters, costs = shallow.nn_model(X, Y, n_h=4, num_iterations=10000, learning_rate=1.2, seed=2)
    # another implementation sums in another order: allow rounding, and one of the 400 points
    assert abs(measured["nn_accuracy"] - np.mean(shallow.predict(parameters, X) == Y)) <= 1 / 400
    assert measured["nn_final_cost"] == pytest.approx(costs[-1], rel=1e-6)
    assert measured["nn_accuracy"] - measured["logreg_accuracy"] >= 0.3


def test_gradient_check_passes_on_the_solution(measured):
    assert measured["gradient_check_max_error"] < 1e-7


def test_hidden_layer_sweep(measured):
    sweep = {int(n_h): acc for n_h, acc in measured["sweep"].items()}
    for n_h in (1, 2):              # "underfit: the training accuracy stays near 70% (the dev accuracy is lower still)"
        train, dev = sweep[n_h]
        assert abs(train - 0.7) <= 0.05 and dev < train
    for n_h in (3, 4, 5, 10, 20, 50):                  # "from 3 units on, above 90% on dev"
        assert sweep[n_h][1] >= 0.9
    assert sweep[50][0] >= sweep[4][0]                 # "fit the training points a little better"
    assert sweep[50][1] - sweep[4][1] < 0.03           # "do not help on the dev set"


def test_learning_rate_claims(measured, flower):
    costs = {float(lr): cost for lr, cost in measured["lr_final_costs"].items()}
    assert sorted(costs) == [0.01, 0.1, 1.2]
    for learning_rate, cost in costs.items():         # the reference network, trained the same way
        _, reference = shallow.nn_model(*flower, 4, num_iterations=3000, learning_rate=learning_rate, seed=2)
        assert cost == pytest.approx(reference[-1], rel=1e-6), learning_rate
        assert abs(reference[0] - math.log(2)) < 1e-3  # small weights: every output near 1/2, cost log 2
    moved = {lr: math.log(2) - cost for lr, cost in costs.items()}
    # "barely moved" after 3000 iterations: down (not up, not diverged), by less than a fifth of 1.2's descent
    assert 0 < moved[0.01] < 0.2 * moved[1.2]
    assert costs[1.2] == min(costs.values())           # "1.2 gets the lowest cost"


def test_activation_slopes(measured):
    slopes = measured["activation_slopes"]
    assert abs(slopes["sigmoid"]["max"] - 0.25) < 1e-3           # "at most 1/4"
    assert abs(slopes["tanh"]["max"] - 1) < 1e-3 and abs(slopes["relu"]["max"] - 1) < 1e-12   # "reaches 1"
    assert slopes["sigmoid"]["beyond_5"] < 0.01 and slopes["tanh"]["beyond_5"] < 0.01         # "below 0.01"


def test_challenge_hidden_activations(measured):
    table = measured["hidden_activations"]
    four = {name: table[f"4 {name}"] for name in ("sigmoid", "tanh", "relu")}
    assert four["tanh"]["train"] == max(v["train"] for v in four.values())    # "tanh fits the flower best"
    assert four["tanh"]["cost"] < four["sigmoid"]["cost"]                    # "a lower cost than the sigmoid"
    assert four["relu"]["train"] < 0.7                                        # "below 70% on the training set"
    relu_10 = table["10 relu"]
    assert relu_10["train"] - four["relu"]["train"] > 0.1                     # "catches up most of the way"
    assert four["tanh"]["train"] - relu_10["train"] < (four["tanh"]["train"] - four["relu"]["train"]) / 2
