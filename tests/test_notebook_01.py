"""Notebook 01 (shallow network): every claim its text makes holds in its own measurements."""
import pytest


pytestmark = pytest.mark.slow

NAME = "01_shallow_network"


def test_vectorised_product_equals_the_loop_and_is_faster(measured):
    assert measured["vectorised_equals_loop"] is True
    assert measured["vectorised_speedup"] > 3      # about 100 measured; a wide margin, not a timing test


def test_logistic_regression_is_near_chance_on_the_flower(measured):
    assert 0.4 <= measured["logreg_accuracy"] <= 0.6


def test_the_network_bends_the_boundary(measured):
    assert measured["nn_accuracy"] >= 0.9              # text: "about 94%"
    assert measured["nn_accuracy"] - measured["logreg_accuracy"] >= 0.3


def test_gradient_check_passes_on_the_solution(measured):
    assert measured["gradient_check_max_error"] < 1e-7


def test_hidden_layer_sweep(measured):
    sweep = {int(n_h): acc for n_h, acc in measured["sweep"].items()}
    for n_h in (1, 2):                                 # "underfit: train near 70%"
        assert sweep[n_h][0] < 0.8 and sweep[n_h][1] < 0.8
    for n_h in (3, 4, 5, 10, 20, 50):                  # "from 3 units on, above 90% on dev"
        assert sweep[n_h][1] >= 0.9
    assert sweep[50][0] >= sweep[4][0]                 # "fit the training points a little better"
    assert sweep[50][1] - sweep[4][1] < 0.03           # "do not help on the dev set"


def test_learning_rate_claims(measured):
    costs = {float(lr): cost for lr, cost in measured["lr_final_costs"].items()}
    assert costs[0.01] > 0.6                           # "barely moved" from log(2) = 0.693
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
