"""Notebook 06 (optimizers): every claim its text makes holds in its own measurements.
(Structure, student version and test cells: tests/notebooks/test_notebooks.py, tests/grading/.)"""
import math

import pytest

from notebook_runner import pictures

NAME = "06_optimizers"


@pytest.mark.slow
def test_bias_correction(measured):
    first = measured["ewa_first_values"]
    assert first["corrected"] == pytest.approx(first["value"])                 # "starts at theta_1 exactly"
    assert first["uncorrected"] == pytest.approx(0.02 * first["value"])        # "starts at 0.02 theta_1"
    assert measured["ewa_uncorrected_days_below_half"] > 30                    # "for more than a month"


@pytest.mark.slow
def test_momentum_damps_the_zigzag_on_the_bowl(measured):
    bowl = measured["bowl"]
    gd, momentum = bowl["gradient descent"], bowl["momentum"]
    assert gd["y_reversals"] == 59                                            # "reversing its direction in y at every step"
    assert momentum["y_reversals"] * 5 < gd["y_reversals"]                    # "damps the zig-zag"
    assert momentum["final_distance"] * 3 < gd["final_distance"]              # "several times closer"
    assert bowl["RMSprop"]["final_distance"] < 1e-3                           # "reaches the minimum first"
    assert bowl["RMSprop"]["final_distance"] < min(m["final_distance"] for k, m in bowl.items() if k != "RMSprop")
    assert bowl["Adam"]["y_reversals"] < gd["y_reversals"] / 5                # "a steady, almost straight course"
    assert bowl["Adam"]["closest_distance"] * 2 < bowl["Adam"]["final_distance"]   # "passed much closer ... than where it ends"


@pytest.mark.slow
def test_curved_valley(measured):
    valley = measured["valley_final_distance"]
    assert valley["gradient descent"] > 1.5                                   # "still far from (1, 1)"
    assert valley["momentum"] < 0.3 and valley["Adam"] < 0.3                  # "carries it along the floor"
    # "little better than gradient descent": closer than it, but by less than a fifth of its distance
    assert 0.8 * valley["gradient descent"] < valley["RMSprop"] < valley["gradient descent"]
    gd = measured["valley_gd"]
    assert not gd["0.001"]["diverged"] and gd["0.001"]["max_f"] <= gd["0.001"]["start_f"] + 1e-9
    assert gd["0.002"]["max_f"] > 10 * gd["0.002"]["start_f"]                 # "flung out of the valley"
    assert gd["0.003"]["diverged"]                                            # "at 0.003 it diverges"


@pytest.mark.slow
def test_adam_converges_faster_at_the_same_learning_rate(measured):
    runs = measured["same_learning_rate"]
    adam = runs["Adam"]
    assert adam["iterations_to_target"] is not None and 50 <= adam["iterations_to_target"] <= 200   # "about a hundred"
    for name in ("gradient descent", "momentum"):
        assert runs[name]["iterations_to_target"] is None                     # "have not reached 0.3"
        assert 0.7 <= runs[name]["train_accuracy"] <= 0.85                    # "misclassify about a fifth"
    assert all(adam["final_cost"] < runs[name]["final_cost"] / 2 for name in runs if name != "Adam")
    assert all(adam["train_accuracy"] >= runs[name]["train_accuracy"] + 0.1 for name in runs if name != "Adam")
    assert all(adam["dev_accuracy"] >= runs[name]["dev_accuracy"] + 0.1 for name in runs if name != "Adam")
    rms = runs["RMSprop"]                                                     # "RMSprop lands in between"
    assert adam["final_cost"] < rms["final_cost"] < min(runs["gradient descent"]["final_cost"], runs["momentum"]["final_cost"])


@pytest.mark.slow
def test_too_large_a_learning_rate_diverges(measured):
    y = measured["bowl_learning_rates_final_abs_y"]
    # "each gradient-descent step multiplies y by 1 - 2 alpha": from y = 2, 30 steps, the closed form
    assert {float(rate): value for rate, value in y.items()} == \
        pytest.approx({rate: 2 * abs(1 - 2 * rate) ** 30 for rate in (0.3, 0.9, 1.05)}, rel=1e-9)
    assert 34.5 < y["1.05"] < 35.5                                            # "from 2 to about 35 in 30 steps"
    assert y["0.9"] < 0.01 and y["0.3"] < 1e-9
    sweep = measured["learning_rate_sweep"]
    for name, costs in sweep.items():
        values = [costs[rate] for rate in sorted(costs, key=float)]
        best = min(range(len(values)), key=values.__getitem__)
        assert 0 < best < len(values) - 1                                     # "U-shaped"
        assert values[0] > 1.5 * values[best] and values[-1] > 2 * values[best]
        assert values[-1] == pytest.approx(math.log(2), abs=0.05)            # "at alpha = 3 both end near log 2"
    assert max(measured["largest_rate_prediction_spread"].values()) < 0.01   # "(almost) the same output"
    gd, adam = sweep["gradient descent"], sweep["Adam"]
    assert min(gd, key=gd.get) in ("0.1", "0.3") and min(adam, key=adam.get) in ("0.01", "0.03")
    assert min(adam.values()) < 0.6 * min(gd.values())                        # "about half of gradient descent's"


@pytest.mark.slow
def test_small_beta_is_noisy_and_decay_settles(measured):
    steps = measured["noisy_step_length"]
    assert steps["0.5"] > 2 * steps["0.9"]                                    # "more than twice as long"
    assert steps["0.0"] > steps["0.5"]                                        # "noisier still"
    decay = measured["decay_final_distance"]
    assert decay["decayed"] * 2.5 < decay["constant"]                         # "several times closer"


@pytest.mark.slow
def test_mini_batches_do_more_per_epoch(measured):
    costs = measured["batch_size_final_cost"]
    assert 1.5 < costs["full batch"] / costs["64"] < 3                        # "about twice as high"


@pytest.mark.slow
def test_challenge_saddle_point(measured):
    runs = measured["challenge_saddle"]
    assert 80 <= runs["gd"]["steps_near_saddle"] <= 120                       # "about a hundred steps to leave"
    for name in ("momentum", "nesterov"):                                     # "stall as long (here even longer)"
        assert runs[name]["steps_near_saddle"] >= runs["gd"]["steps_near_saddle"]
    for name in ("adagrad", "adam"):                                          # "never linger near the saddle"
        assert runs[name]["steps_near_saddle"] == 0
        assert runs[name]["steps_to_minimum"] < runs["gd"]["steps_to_minimum"] / 2


@pytest.mark.slow
def test_batch_size_picture_draws_both_adam_runs(run, measured):
    """Section 9's picture shows the two Adam runs the section compares, per update and per epoch: each update's
    batch cost and the training-set cost after each epoch; the text's numbers are read off them."""
    assert pictures(run.notebook, "batch-size-costs") == 1
    runs = measured["batch_size_costs"]
    full, mini = runs["full batch (300)"], runs["mini-batches of 64"]
    assert (full["updates_per_epoch"], mini["updates_per_epoch"]) == (1, 5)         # "five times fewer updates"
    assert (len(full["batch"]), len(mini["batch"]), len(full["epoch"]), len(mini["epoch"])) == (150, 750, 151, 151)
    assert full["epoch"][-1] == measured["batch_size_final_cost"]["full batch"]
    assert mini["epoch"][-1] == measured["batch_size_final_cost"]["64"]
    assert full["batch"] == pytest.approx(full["epoch"][:-1])          # one batch: its cost is the training set's
    for panel, per in zip(measured["figure_batch_size_costs"], ("update", "epoch")):
        for name, costs in runs.items():
            batch, epoch = (panel["lines"][f"{name}: {what}"] for what in
                            ("cost of each batch", "training-set cost after each epoch"))
            assert batch["y"] == costs["batch"] and epoch["y"] == costs["epoch"]
            assert epoch["x"][-1] == 150 * (costs["updates_per_epoch"] if per == "update" else 1)
    after = measured["cost_after_the_same_updates"]
    assert after["full batch (300)"] == full["epoch"][150] and after["mini-batches of 64"] == mini["epoch"][30]
    assert after["full batch (300)"] < after["mini-batches of 64"]           # "the full batch's cost is below"
    assert after["full batch (300)"] == pytest.approx(0.22, abs=0.01)          # "(0.22)"
    assert after["mini-batches of 64"] == pytest.approx(0.27, abs=0.01)        # "(0.27, 30 epochs)"
    jumps = measured["batch_cost_jumps"]
    assert 7 <= jumps["mini-batches of 64"] / jumps["full batch (300)"] <= 14       # "about ten times more"
