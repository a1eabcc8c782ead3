"""Notebook 09 (practice: everything together): every claim its text makes holds in its own
measurements, the test set is read only at the end, and its student version keeps valid stubs and
blank written answers. (Its printed examples against their "Expected output":
tests/test_notebooks.py, for every notebook.)"""
import re

import nbformat
import numpy as np
import pytest

from notebook_runner import NOTEBOOKS

NAME = "09_practice"


def _source():
    return nbformat.read(NOTEBOOKS / f"{NAME}.ipynb", as_version=4)


def test_test_set_is_read_only_in_section_8():
    """'From here to section 8, no cell reads X_test or y_test': only the split and section 8 name them."""
    notebook = _source()
    section = 0
    for cell in notebook.cells:
        heading = re.search(r"^## (\d+) ·", cell.source, flags=re.M)
        if cell.cell_type == "markdown" and heading:
            section = int(heading.group(1))
        if cell.cell_type != "code" or not re.search(r"\b[XYy]_test\b", cell.source):
            continue
        splits = "train_dev_test_split" in cell.source
        assert (section == 1 and splits) or section == 8, f"section {section} reads the test set:\n{cell.source}"


@pytest.mark.slow
def test_data(measured):
    assert measured["split"] == [1078, 359, 360]                                # 60/20/20 of 1797
    assert measured["constant_training_pixels"] == 3                            # "three of them are 0 in every image"


@pytest.mark.slow
def test_forward_and_given_backward_agree(measured):
    assert measured["gradient_check"] < 1e-7                                    # "every relative difference < 1e-7"


@pytest.mark.slow
def test_first_training(measured):
    first = measured["first"]
    cost0, cost_end = first["cost_first_last"]
    assert round(cost0, 2) == 1.46 and round(cost_end, 2) == 0.07               # "from 1.46 to 0.07"
    assert round(first["train"], 3) == 0.999                                    # "99.9%"
    assert round(first["dev"], 3) == 0.975 and first["dev_errors"] == 9         # "97.5% (9 of the 359 ... wrong)"
    assert first["epochs_to_97"] == 6                                           # "passes 97% at epoch 6"
    low, high = first["dev_range_from_epoch_6"]
    assert round(low, 3) == 0.972 and round(high, 3) == 0.983                   # "between 97.2% and 98.3%"
    rate0, rate_end = first["rate_first_last"]
    assert rate0 == 0.01 and abs(rate_end - 0.01 / 2.9) < 1e-12                 # "decayed to a third of alpha0"
    assert first["seconds"] < 5                                                 # "a fraction of a second" (loose)


@pytest.mark.slow
def test_test_mode_matters(measured):
    tm = measured["training_mode"]
    assert tm["one_at_a_time_classes"] == 1                                     # "all 359 get the same answer"
    assert tm["one_at_a_time_accuracy"] == tm["one_at_a_time_class_share"]      # "just the share of that class"
    assert round(tm["one_at_a_time_accuracy"], 3) == 0.089                      # "8.9%"
    assert [round(a, 3) for a in tm["whole_set_accuracies"]] == [0.950, 0.955]  # "95.0% and 95.5%"
    assert all(1.5 < 100 * (tm["test_mode"] - a) < 3 for a in tm["whole_set_accuracies"])  # "two points below"
    assert tm["whole_set_disagreements"] == 21                                  # "disagree on 21 digits"
    assert tm["test_mode"] == tm["test_mode_one_at_a_time"] and round(tm["test_mode"], 3) == 0.975


@pytest.mark.slow
def test_batch_norm_and_adam(measured):
    ing = measured["ingredients"]
    both, adam = ing["batch norm + Adam"], ing["Adam, no batch norm"]
    gd_bn, gd = ing["batch norm + gradient descent"], ing["gradient descent, no batch norm"]
    assert both["epochs_to_97"] == 6 and adam["epochs_to_97"] == 11             # "epoch 6", "needs 11 epochs"
    assert gd_bn["epochs_to_97"] is None and gd["epochs_to_97"] is None         # "does not get there in 20 epochs"
    assert [round(x["final"], 3) for x in (both, adam, gd_bn, gd)] == [0.975, 0.969, 0.958, 0.928]
    assert [round(x["after_3"], 3) for x in (both, adam, gd_bn, gd)] == [0.955, 0.894, 0.903, 0.685]
    gaps_3 = both["after_3"] - max(adam["after_3"], gd_bn["after_3"], gd["after_3"])
    gaps_20 = both["final"] - max(adam["final"], gd_bn["final"], gd["final"])
    assert gaps_3 > 0.05 and gaps_20 < gaps_3                                   # "by epoch 20 the gaps have shrunk"


@pytest.mark.slow
def test_bias_and_variance(measured):
    full, small = measured["variance"]["full"], measured["variance"]["small"]
    assert [round(x, 3) for x in full["keep_0.8"]] == [0.999, 0.975]            # "97.5% dev with dropout"
    assert [round(x, 3) for x in full["keep_1.0"]] == [1.0, 0.986]              # "98.6% without"
    gaps = sorted(train - dev for train, dev in full.values())
    assert round(gaps[0], 3) == 0.014 and round(gaps[1], 3) == 0.024            # "a gap of 1.4 to 2.4 points"
    no_drop, drop = small["1.0"], small["0.5"]
    assert min(no_drop["train"]) == 1.0                                         # "still learns it perfectly (100%)"
    assert round(np.mean(no_drop["dev"]), 3) == 0.914                           # "only 91.4%"
    gap = 1.0 - np.mean(no_drop["dev"])
    assert round(gap, 3) == 0.086                                               # "a gap of 8.6 points"
    assert round(np.mean(drop["dev"]), 3) == 0.921                              # "dev 92.1%"
    narrowing = (np.mean(no_drop["train"]) - np.mean(no_drop["dev"])) - (np.mean(drop["train"]) - np.mean(drop["dev"]))
    assert 0 < narrowing < 0.01                                                 # "narrows it by less than one point"
    changes = np.subtract(drop["dev"], no_drop["dev"])
    assert sum((changes > 0.01) & (changes < 0.02)) == 2                        # "two seeds gain 1 to 2 points"
    assert sum((changes < -0.004) & (changes > -0.007)) == 1                    # "the third loses half a point"
    assert max(gaps) < 0.3 * gap                                                # "more data does much more"


@pytest.mark.slow
def test_search(measured):
    search = measured["search"]
    rates, lambdas, scores = (np.array(search[k]) for k in ("rates", "lambdas", "scores"))
    low = rates < 1e-3
    assert low.sum() == 3 and search["below_1e-3_max"] < 0.91                  # "below 10^-3 every trial < 91%"
    assert np.all(np.abs(scores[rates < 2e-4] - 0.35) < 0.02)                   # "near 1.3e-4 ... about 35%"
    assert round(float(scores[low & (rates > 5e-4)][0]), 3) == 0.908           # "the one at 8e-4 at 90.8%"
    assert search["above_3e-3_count"] == 9 and (~low).sum() == 9               # "all nine from 4e-3 to 4e-2"
    assert 4e-3 < rates[~low].min() and rates[~low].max() < 4e-2
    assert [round(x, 3) for x in search["above_3e-3_range"]] == [0.964, 0.989]  # "between 96.4% and 98.9%"
    assert search["above_3e-3_lambda_range"][0] < 1.1e-3 and 5 < search["above_3e-3_lambda_range"][1] < 6
    chosen = search["chosen"]
    assert round(chosen["learning_rate"], 4) == 0.0103 and round(chosen["lambd"], 2) == 0.39
    assert round(search["chosen_dev"], 3) == 0.989
    assert round(search["lead_of_best"] * 359) == 4                             # "leads the next one by 4 dev digits"
    others = np.sort(scores[~low])[:-1]
    assert round(others.min(), 3) == 0.964 and round(others.max(), 3) == 0.978  # "the other eight: 96.4% to 97.8%"


@pytest.mark.slow
def test_final_comparison(measured):
    final = measured["final"]
    ours = [r["test"] for r in final["ours"]]
    theirs = [r["test"] for r in final["sklearn"]]
    assert final["ours_mean_test"] >= final["sklearn_mean_test"]                # "at least as good"
    assert round(final["ours_mean_test"], 3) == 0.985 and round(final["sklearn_mean_test"], 3) == 0.978
    assert round(min(ours), 3) == 0.975 and round(max(ours), 3) == 0.992        # "97.5% to 99.2%"
    assert round(min(theirs), 3) == 0.975 and round(max(theirs), 3) == 0.981    # "97.5% to 98.1%"
    gap = final["ours_mean_test"] - final["sklearn_mean_test"]
    assert round(gap, 3) == 0.007 and 2 <= gap * 360 <= 3                       # "0.7 points, 2 to 3 test digits"
    assert max(ours) - min(ours) > gap                                          # "the spread ... is larger"
    assert round(max(ours) - min(ours), 3) == 0.017
    assert final["ours"][0]["dev"] == final["chosen_dev"]                       # "the same network ... exactly"
    assert round(final["ours"][0]["test"], 3) == 0.981                          # "scores 98.1% on the test set"
    siblings = [r["dev"] for r in final["ours"][1:]]
    assert round(min(siblings), 3) == 0.972 and round(max(siblings), 3) == 0.981
    devs = [r["dev"] for r in final["ours"]]
    assert round(min(devs), 3) == 0.972 and round(max(devs), 3) == 0.989        # section 6: "dev 97.2% to 98.9%"


def test_student_version_is_valid_python():
    """nbgrader's ClearSolutions turns each answer into a stub: code cells must still parse, and the
    written answers become "YOUR ANSWER HERE"."""
    from nbgrader.preprocessors import ClearSolutions

    notebook, _ = ClearSolutions().preprocess(_source(), {})
    stubs = answers = 0
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        if cell.cell_type == "code":
            compile(cell.source, meta["grade_id"], "exec")
            assert "raise NotImplementedError()" in cell.source and "BEGIN SOLUTION" not in cell.source
            stubs += 1
        else:
            assert cell.source.strip() == "YOUR ANSWER HERE" and meta.get("grade") and meta["points"] > 0
            answers += 1
    assert (stubs, answers) == (4 + 1, 3)         # four exercises and the challenge (update_parameters_with_adamw)


@pytest.mark.slow
def test_written_answer_5_quotes_the_measured_errors(measured):
    notebook = _source()
    prompt = next(cell.source for cell in notebook.cells if "### Written answer 5" in cell.source)
    first, no_dropout = measured["variance"]["full"]["keep_0.8"], measured["variance"]["full"]["keep_1.0"]
    assert f"{1 - first[1]:.1%} with dropout, {measured['first']['dev_errors']} of the 359" in prompt
    assert f"{1 - no_dropout[1]:.1%} without" in prompt


@pytest.mark.slow
def test_learning_curve(measured):
    curve = {int(size): errors for size, errors in measured["learning_curve"].items()}
    sizes = sorted(curve)
    assert sizes == [100, 200, 400, 1078]
    assert all(train <= 0.002 for train, _ in curve.values())                  # "stays at (almost) 0"
    dev = [curve[n][1] for n in sizes]
    assert all(a > b for a, b in zip(dev, dev[1:]))                              # "falls steadily"
    assert dev[-2] - dev[-1] > 0.005                                            # "has not flattened at 1078"


@pytest.mark.slow
def test_l2_through_adam_is_not_weight_decay(measured):
    final = measured["l2_vs_weight_decay"]
    assert final["L2 through Adam"][0] < 1e-3                                   # "wiped out (below 1e-3)"
    assert round(final["AdamW"][0], 2) == 0.74 and final["no regularisation"][0] == 1.0
    assert 0.97 <= final["L2 through Adam"][1] / final["no regularisation"][1] < 1   # "within 3% ... hardly decayed"
    assert 0.7 < final["AdamW"][1] / final["no regularisation"][1] < 0.8         # "about three quarters"
    assert measured["challenge_adamw_matches_reference"] is True
