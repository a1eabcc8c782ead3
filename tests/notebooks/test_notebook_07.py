"""Notebook 07 (hyper-parameters): every claim its text makes holds in its own measurements.
(Structure, student version and test cells: tests/notebooks/test_notebooks.py, tests/grading/.)"""
import pytest

from helpers import data

NAME = "07_hyperparameters"


@pytest.mark.slow
def test_parameters_vs_hyperparameters(measured):
    # "the 1057 learned ones": layer_dims [64, 16, 1], n[l] * n[l-1] weights and n[l] biases per layer
    assert measured["parameter_count"] == (64 * 16 + 16) + (16 * 1 + 1) == 1057


@pytest.mark.slow
def test_sampling_on_the_right_scale(measured):
    linear, log = (measured["alpha_decade_shares"][name] for name in ("uniform on [1e-4, 1]", "log-uniform (yours)"))
    assert linear[3] > 0.88 and sum(linear[:3]) < 0.12             # "nine samples in ten in the top decade"
    assert linear[0] < 0.002                                        # "about 0.1% in [1e-4, 1e-3]"
    assert all(abs(share - 0.25) < 0.015 for share in log)        # "a quarter per decade"
    beta = measured["beta_share_above_0.99"]
    assert beta["uniform on [0.9, 0.999]"] < 0.1                   # "over 90% of the betas below 0.99"
    assert abs(beta["1 - beta log-uniform (yours)"] - 0.5) < 0.02  # "half per decade for 1 - beta"


@pytest.mark.slow
def test_random_search_beats_grid_with_the_same_budget(measured):
    grid, random = measured["search"]["grid"], measured["search"]["random"]
    assert grid["trainings"] == random["trainings"] == 16           # "a budget of 16 trainings"
    assert grid["distinct_learning_rates"] == 4 and random["distinct_learning_rates"] == 16   # "4 learning rates, 16"
    assert random["best_dev"] >= grid["best_dev"] + 0.02            # "96.7% against 94.4%, eight more dev digits"
    one = 1 / 359                                                    # one dev example: the text's numbers hold to one
    assert abs(random["best_dev"] - 0.967) < one and abs(grid["best_dev"] - 0.944) < one
    assert 7 <= round((random["best_dev"] - grid["best_dev"]) * 359) <= 9
    assert abs(grid["best_learning_rate"] - 0.0464) < 1e-3         # "the grid's best, alpha = 0.046"
    sweep = measured["sweep"]
    assert random["best_dev"] >= sweep["best_dev"]                  # "even edges out the best of the sweep (96.4%)"
    assert abs(sweep["best_dev"] - 0.964) < one


@pytest.mark.slow
def test_epsilon_does_not_matter_and_the_learning_rate_does(measured):
    assert measured["epsilon_spread_at_fixed_rate"] <= 1 / 359 + 1e-12   # "within one dev example (0.3%)"
    sweep = measured["sweep"]
    assert 0.67 < sweep["dev_at_1e-4"] < 0.72                        # "about 70% at 1e-4"
    assert 0.95 < sweep["best_dev"] < 0.97                            # "up to about 96%"
    assert 0.15 < sweep["first_diverging_rate"] < 0.3                # "above alpha ~ 0.2 ... diverge"
    assert abs(sweep["worst_dev"] - measured["dev_odd_share"]) < 1e-12   # "49% is the share of the odd digits"
    assert round(measured["dev_odd_share"], 2) == 0.49
    # the share, counted from the data split as in section 1
    X_all, Y_all = data.load_digits_binary(positive=(0, 2, 4, 6, 8), negative=(1, 3, 5, 7, 9))
    Y_dev = data.train_dev_test_split(X_all, Y_all, fractions=(0.6, 0.2, 0.2), seed=0)[3]
    assert measured["dev_odd_share"] == pytest.approx(1 - Y_dev.mean(), abs=1e-12)
    assert measured["sweep_spread"] > 0.4
    assert all(score == measured["dev_odd_share"] for score in measured["grid_scores_by_rate"]["1"])   # "alpha = 1 diverged"


@pytest.mark.slow
def test_coarse_to_fine(measured):
    zoom = measured["coarse_to_fine"]
    assert zoom["fine_median"] > zoom["coarse_median"] + 0.01       # "median 95.5% against 93.6%"
    one = 1 / 359
    assert abs(zoom["fine_median"] - 0.955) < one and abs(zoom["coarse_median"] - 0.936) < one
    assert zoom["fine_min"] >= 0.94                                   # "every fine trial is a good model (worst 94.4%)"
    assert zoom["fine_best"] <= zoom["coarse_best"]                   # "the best does not improve (96.1% vs 96.7%)"
    assert abs(zoom["fine_best"] - 0.961) < one


@pytest.mark.slow
def test_test_set_once(measured):
    final = measured["final"]
    assert final["dev_again"] == final["dev"]                        # "the same network: deterministic training"
    assert final["test"] >= final["dev"]                              # "as good as the dev accuracy, slightly higher"
    assert final["test"] - final["dev"] < 0.01


@pytest.mark.slow
def test_challenge_successive_halving(measured):
    halving = measured["challenge_halving"]
    assert halving["iterations"] == 16 * 25 + 8 * 50 + 4 * 100 == 0.75 * 1600   # "three quarters of its iterations"
    assert halving["same_winner"] is True                                    # "the same best model"
    assert halving["winner_dev"] == measured["search"]["random"]["best_dev"]
