"""Notebook 05 (batch normalization): every claim its text makes holds in its own measurements.
(Structure, student version and test cells: tests/notebooks/test_notebooks.py, tests/grading/.)"""
import math

import pytest

from notebook_runner import pictures

NAME = "05_batch_normalization"


@pytest.mark.slow
def test_standardised_training_set_is_exactly_centred_dev_set_approximately(measured):
    assert measured["standardized_train_mean_max_abs"] < 1e-12
    assert measured["standardized_train_std"] == pytest.approx([1.0, 1.0])
    # "the dev set, transformed with the training statistics, only approximately"
    assert any(abs(mean) > 1e-3 for mean in measured["standardized_dev_mean"])
    assert all(abs(mean) < 0.3 for mean in measured["standardized_dev_mean"])
    assert all(0.7 < std < 1.3 for std in measured["standardized_dev_std"])


@pytest.mark.slow
def test_standardising_speeds_gradient_descent_up(measured):
    raw, std = measured["gd_iterations"]["raw"], measured["gd_iterations"]["standardised"]
    # "reaches the target at a single learning rate of the grid, after more than a thousand iterations"
    assert sum(n is not None for n in raw.values()) == 1
    assert measured["gd_best"]["raw"]["iterations"] > 1000
    # "with any larger one the cost jumps up (above 10 ...)"
    assert measured["raw_highest_cost_above_best"] and min(measured["raw_highest_cost_above_best"].values()) > 10
    # "at five of them, and in a handful of iterations at the largest"
    assert sum(n is not None for n in std.values()) == 5
    assert measured["gd_best"]["standardised"]["iterations"] <= 10
    assert measured["gd_best"]["standardised"]["learning_rate"] == max(map(float, std))
    assert measured["gd_best"]["raw"]["iterations"] > 50 * measured["gd_best"]["standardised"]["iterations"]
    # "the contours are far rounder"
    elongation = measured["contour_elongation"]
    assert elongation["raw"] > 10 and elongation["standardised"] < 4
    assert elongation["raw"] > 3 * elongation["standardised"]


@pytest.mark.slow
def test_batchnorm_demo_and_eps(measured):
    first, *others = measured["bn_demo_std"]
    assert 0.99 < first < 0.999                 # "slightly below 1": eps matters for a unit of tiny spread
    assert all(abs(std - 1) < 1e-4 for std in others)


@pytest.mark.slow
def test_backward_pass_checks_numerically(measured):
    assert max(measured["bn_backward_check"].values()) < 1e-7          # "a difference below 1e-7"
    assert measured["dZ_row_sums"] < 1e-12                              # "sum to zero up to rounding"
    assert max(measured["network_gradient_check"].values()) < 1e-7     # every verdict "great"
    assert set(measured["network_gradient_check"]) == {"W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"}


@pytest.mark.slow
def test_batch_norm_keeps_sigmoids_out_of_saturation(measured):
    plain, with_bn = measured["saturated_share"]["without batch norm"], measured["saturated_share"]["with batch norm"]
    assert len(plain) == len(with_bn) == 10
    assert max(plain[3:]) > 0.3 and sum(plain[3:]) / 7 > 0.2           # "a large share ... saturated"
    assert max(with_bn) < 0.01                                          # "saturation is rare"


@pytest.mark.slow
def test_gradients_vanish_without_batch_norm_only(measured):
    ratio = measured["gradient_ratio_top_to_first"]
    assert ratio["without batch norm"] > 100                            # "more than two orders of magnitude"
    norms = measured["gradient_norms"]["with batch norm"]
    assert norms[0] == max(norms)                                       # "layer 1's gradient is even the largest"
    assert max(norms) / min(norms) < 15                                 # "within a factor of about ten"
    plain = measured["gradient_norms"]["without batch norm"]
    assert all(a < b for a, b in zip(plain[2:], plain[3:]))             # a steady downward trend towards layer 1


@pytest.mark.slow
def test_batch_norm_trains_the_deep_sigmoid_network_in_fewer_iterations(measured):
    n = measured["iterations_to_target"]
    plain, bn = n["without batch norm, N(0, 1)"], n["with batch norm, N(0, 1)"]
    assert plain is not None and 200 <= plain <= 400                    # "about 300 iterations"
    assert bn is not None and bn <= 20                                  # "about ten"
    assert 10 * bn < plain
    assert n["without batch norm, Xavier"] is None                      # Xavier does not rescue it ...
    assert measured["final_costs"]["without batch norm, Xavier"] == pytest.approx(math.log(2), abs=1e-3)
    assert n["with batch norm, Xavier"] is not None and n["with batch norm, Xavier"] <= 100   # ... batch norm does
    xavier = measured["xavier_without_bn"]
    assert xavier["saturated_share_max"] < 0.05                         # "hardly any unit saturates"
    assert xavier["output_spread"] < 1e-4                               # "almost the same output"
    assert xavier["gradient_ratio_top_to_first"] > 1e6                  # "millions of times smaller"


@pytest.mark.slow
def test_running_statistics_at_test_time(measured):
    accuracy = measured["accuracy"]
    dev, whole = accuracy["dev, running statistics"], accuracy["dev, statistics of the whole dev set"]
    assert dev >= 0.93 and abs(dev - whole) <= 0.02                     # "as well as ... all 400 dev points"
    assert abs(dev - accuracy["train, running statistics"]) <= 0.03      # "about as well as the training set"
    assert measured["single_example_distinct_outputs"] == 1             # "the same probability for every example"


@pytest.mark.slow
def test_challenge_minibatch_statistics(measured):
    runs = {int(size): run for size, run in measured["challenge_minibatches"].items()}
    scatter = [runs[size]["scatter"] for size in (4, 16, 64)]
    assert scatter[0] > scatter[1] > scatter[2] > 0 and runs[400]["scatter"] == 0     # "falls as the batches grow"
    assert 3 < scatter[0] / scatter[2] < 5                           # "16 times larger batches, about 4 times less"
    gaps = [runs[size]["gap"] for size in (4, 16, 64, 400)]
    assert gaps[0] < 0.1 * gaps[2] and gaps[2] < gaps[3]             # "close ... after a hundred batches of 4; far after seven of 64"
    assert all(run["batches"] == math.ceil(400 / size) for size, run in runs.items())   # 400 training points
    assert runs[4]["batches"] == 100 and runs[64]["batches"] == 7   # "a hundred batches of 4 ... seven of 64"


@pytest.mark.slow
def test_xavier_suits_slope_one_activations_not_the_sigmoid(measured):
    """Section 6 says Glorot's scale assumes slope 1 at zero (tanh) and that Xavier does worse on sigmoid layers."""
    n = measured["iterations_to_target"]
    assert n["without batch norm, Xavier"] is None and n["without batch norm, N(0, 1)"] is not None


@pytest.mark.slow
def test_batchnorm_graph_names_every_node_and_gradient(run, measured):
    assert pictures(run.notebook, "batchnorm-graph") == 1
    texts = "\n".join(measured["figure_batchnorm_graph"]["texts"])
    for node in ("$Z$", "$\\mu$", "$\\sigma^2$", "$\\hat Z$", "$\\gamma$", "$\\beta$", "$\\tilde Z$"):
        assert node in texts
    for gradient in ("dZ_out", "dgamma", "dbeta", "dZ_hat", "dvar", "dmu", "dZ"):
        assert gradient in texts


@pytest.mark.slow
def test_running_statistics_picture_draws_the_recorded_training(run, measured):
    """Section 7's picture shows the statistics recorded during section 6's training: the batch's, and the running
    averages of them that batch norm kept, from their starting values; the text's numbers are read off them."""
    assert pictures(run.notebook, "running-statistics") == 1
    trace, stats = measured["running_statistics"]["trace"], measured["running_statistics"]
    means, variances = measured["figure_running_statistics"]
    for panel, statistic, start in ((means, "mean", 0.0), (variances, "variance", 1.0)):
        batch, running = trace[f"batch {statistic}"], trace[f"running {statistic}"]
        assert len(batch) == 3 and all(len(row) == 80 for row in batch + running)
        for unit in range(3):
            assert panel["lines"][f"unit {unit + 1}"]["y"] == [start] + running[unit]
            assert panel["lines"][f"_batch: unit {unit + 1}"]["y"] == batch[unit]
            expected, average = [], start                  # the running statistic: momentum 0.9 from the start
            for value in batch[unit]:
                average = 0.9 * average + 0.1 * value
                expected.append(average)
            assert running[unit] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert panel["lines"]["step 10 = 1 / (1 - momentum)"]["x"][0] == pytest.approx(10.0)
    # "after ten steps ... about two thirds of the way (1 - 0.9^10 = 65%), after twenty almost nine tenths"
    assert abs(stats["covered_after_10"] - (1 - 0.9 ** 10)) < 0.02
    assert 0.85 <= stats["covered_after_20"] < 0.9
    # "the running variances move about ten times less from step to step than the batch variances"
    assert 7 <= stats["variance_jump_ratio"] <= 14
