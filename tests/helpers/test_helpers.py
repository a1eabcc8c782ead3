"""Unit tests of helpers: data, gradcheck, plots, validation, and the shallow reference."""
from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import data, gradcheck, plots, plots_optim, shallow
from helpers.checks import ExerciseFailure, Mistake, expect_array, expect_float


# --- data -------------------------------------------------------------------------------------

def test_flower_shapes_balance_and_seed():
    X, Y = data.load_planar_flower(m=200, seed=3)
    assert X.shape == (2, 200) and Y.shape == (1, 200) and X.dtype == np.float64
    assert Y.mean() == 0.5 and set(np.unique(Y)) == {0.0, 1.0}
    X2, _ = data.load_planar_flower(m=200, seed=3)
    X3, _ = data.load_planar_flower(m=200, seed=4)
    assert np.array_equal(X, X2) and not np.array_equal(X, X3)


def test_flower_rejects_odd_m_and_bad_seed():
    with pytest.raises(ValueError, match="even"):
        data.load_planar_flower(m=201)
    with pytest.raises(TypeError, match="Generator"):
        data.load_planar_flower(seed="1")


@pytest.mark.parametrize("loader", [data.load_moons, data.load_circles])
def test_sklearn_planar_sets_use_columns(loader):
    X, Y = loader(m=50, seed=1)
    assert X.shape == (2, 50) and Y.shape == (1, 50)
    assert np.array_equal(loader(m=50, seed=1)[0], X)


def test_digits_are_bundled_scaled_and_column_major():
    X, y, images = data.load_digits()
    assert X.shape == (64, 1797) and y.shape == (1, 1797) and images.shape == (1797, 8, 8)
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.array_equal(X[:, 5].reshape(8, 8), images[5])


def test_digits_binary_labels():
    X, Y = data.load_digits_binary(positive=(8,), negative=(3,))
    _, y, _ = data.load_digits((3, 8))
    assert X.shape[1] == Y.shape[1] == y.shape[1]
    assert np.array_equal(Y[0] == 1, y[0] == 8)
    with pytest.raises(ValueError, match="overlap"):
        data.load_digits_binary(positive=(1,), negative=(1, 2))


def test_train_dev_test_split_is_disjoint_aligned_and_seeded():
    X = np.arange(2 * 100, dtype=float).reshape(2, 100)
    Y = X[:1] * 10                                   # label tied to its column: misalignment would show
    parts = data.train_dev_test_split(X, Y, (0.6, 0.2, 0.2), seed=1)
    sizes = [p.shape[1] for p in parts[::2]]
    assert sizes == [60, 20, 20]
    columns = np.concatenate([p[0] for p in parts[::2]])
    assert sorted(columns) == list(X[0])             # disjoint and complete
    for Xp, Yp in zip(parts[::2], parts[1::2]):
        assert np.array_equal(Yp, Xp[:1] * 10)
    again = data.train_dev_test_split(X, Y, (0.6, 0.2, 0.2), seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again))


@pytest.mark.parametrize("fractions, message", [((0.5, 0.2, 0.2), "summing to 1"), ((0.5, 0.5), "three"),
                                               ((1.2, -0.1, -0.1), "non-negative")])
def test_split_rejects_bad_fractions(fractions, message):
    with pytest.raises(ValueError, match=message):
        data.train_dev_test_split(np.zeros((2, 10)), np.zeros((1, 10)), fractions)


def test_split_rejects_misaligned_inputs():
    with pytest.raises(ValueError, match="10 columns"):
        data.train_dev_test_split(np.zeros((2, 10)), np.zeros((1, 9)))


# --- gradcheck --------------------------------------------------------------------------------

def test_numerical_gradient_of_a_quadratic():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = gradcheck.numerical_gradient(lambda: float(np.sum(x ** 2)), x)
    assert np.allclose(grad, 2 * x, atol=1e-6)
    assert np.array_equal(x, [[1.0, -2.0], [0.5, 3.0]])    # restored


def test_numerical_gradient_refuses_float32():
    with pytest.raises(TypeError, match="float64"):
        gradcheck.numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


def test_relative_error():
    assert gradcheck.relative_error([0, 0], [0, 0]) == 0.0
    assert gradcheck.relative_error([1, 0], [-1, 0]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="equal shapes"):
        gradcheck.relative_error([1, 2], [1, 2, 3])


def _shallow_problem(seed=0):
    rng = np.random.default_rng(seed)
    parameters = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1)),
                  "W2": rng.standard_normal((1, 3)), "b2": rng.standard_normal((1, 1))}
    X, Y = rng.standard_normal((2, 6)), np.array([[0, 1, 1, 0, 1, 0]], dtype=float)

    def cost(p):
        return shallow.compute_cost(shallow.forward_propagation(X, p)[0], Y)
    _, cache = shallow.forward_propagation(X, parameters)
    return cost, parameters, shallow.backward_propagation(parameters, cache, X, Y)


def test_gradient_check_accepts_right_and_flags_wrong_gradients(capsys):
    cost, parameters, grads = _shallow_problem()
    assert gradcheck.gradient_check(cost, parameters, grads) < 1e-7
    wrong = dict(grads, dW1=grads["dW1"] * 6)        # the classic missing 1/m
    assert gradcheck.gradient_check(cost, parameters, wrong) > 1e-3
    report = gradcheck.gradient_check_report(cost, parameters, wrong)
    assert report["W1"] > 1e-3 and report["W2"] < 1e-7
    assert "bug" in capsys.readouterr().out
    with pytest.raises(KeyError, match="dW2"):
        gradcheck.gradient_check(cost, parameters, {"dW1": grads["dW1"]})


def test_verdict_thresholds():
    assert "great" in gradcheck.verdict(1e-9)
    assert "suspicious" in gradcheck.verdict(1e-5)
    assert "bug" in gradcheck.verdict(1e-2)


def test_vector_round_trip():
    arrays = {"a": np.arange(6.0).reshape(2, 3), "b": np.ones((2, 1))}
    vector, layout = gradcheck.dictionary_to_vector(arrays, ["a", "b"])
    assert vector.shape == (8,)
    back = gradcheck.vector_to_dictionary(vector, layout)
    assert all(np.array_equal(back[k], arrays[k]) for k in arrays)


# --- shallow reference --------------------------------------------------------------------------

def test_reference_trains_on_the_flower():
    X, Y = data.load_planar_flower()
    parameters, costs = shallow.nn_model(X, Y, 4, num_iterations=2000)
    assert len(costs) == 2000 and costs[-1] < costs[0]
    assert np.mean(shallow.predict(parameters, X) == Y) > 0.85


def test_reference_rejects_bad_input_clearly():
    parameters = shallow.initialize_parameters(2, 3, 1)
    with pytest.raises(ValueError, match=r"must have 2 rows \(n_x, m\)"):
        shallow.forward_propagation(np.zeros((3, 5)), parameters)
    with pytest.raises(ValueError, match="1-D vector"):
        shallow.forward_propagation(np.zeros(2), parameters)
    with pytest.raises(TypeError, match="2-D numpy array"):
        shallow.forward_propagation("X", parameters)
    with pytest.raises(KeyError, match="missing 'b2'"):
        shallow.forward_propagation(np.zeros((2, 5)), {k: v for k, v in parameters.items() if k != "b2"})
    with pytest.raises(ValueError, match="only 0 and 1"):
        shallow.compute_cost(np.full((1, 3), 0.5), np.array([[0, 2, 1]]))
    with pytest.raises(ValueError, match="positive integer"):
        shallow.initialize_parameters(2, 0, 1)


# --- check primitives ---------------------------------------------------------------------------

@pytest.mark.parametrize("actual, phrase", [
    (np.ones((3, 2)), "transposed"),
    (np.ones(2), "1-D"),
    (np.ones((1, 5)), "wrong axis"),
])
def test_expect_array_shape_hints(actual, phrase):
    expected = np.ones((2, 3)) if phrase == "transposed" else np.ones((2, 1))
    with pytest.raises(ExerciseFailure, match=phrase):
        expect_array("x", actual, expected)


@pytest.mark.parametrize("factor, phrase", [(7, "m = 7 times too large"), (1 / 7, "divide by m twice"),
                                            (-1, "opposite sign"), (0, "all zeros"), (np.nan, "NaN")])
def test_expect_array_value_hints(factor, phrase):
    expected = np.arange(1.0, 7.0).reshape(2, 3)
    with pytest.raises(ExerciseFailure, match=phrase):
        expect_array("x", expected * factor, expected, m=7)


def test_named_mistake_wins_over_generic_hint():
    expected = np.arange(1.0, 5.0).reshape(2, 2)
    with pytest.raises(ExerciseFailure, match="the named one"):
        expect_array("x", -expected, expected, mistakes=[Mistake("the named one", -expected, id="x.named")])


def test_expect_array_refuses_lists_and_expect_float_refuses_arrays():
    with pytest.raises(ExerciseFailure, match="numpy array"):
        expect_array("x", [1.0, 2.0], np.array([1.0, 2.0]))
    with pytest.raises(ExerciseFailure, match="Python float"):
        expect_float("cost", np.array([[0.5]]), 0.5)
    expect_float("cost", np.float64(0.5), 0.5)


# --- plots --------------------------------------------------------------------------------------

def test_plots_draw_and_validate():
    X, Y = data.load_planar_flower(m=40)
    fig, axes = plt.subplots(1, 3)
    plots.plot_dataset(X, Y, ax=axes[0], title="data")
    plots.plot_decision_boundary(lambda P: (P[0:1] > 0).astype(float), X, Y, ax=axes[1], resolution=30)
    plots.plot_costs([3.0, 2.0, 1.0], ax=axes[2], label="cost", log=True)
    assert axes[1].collections and axes[2].lines
    with pytest.raises(ValueError, match="2 rows"):
        plots.plot_dataset(np.zeros((3, 4)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match="for 900 points"):
        plots.plot_decision_boundary(lambda P: np.zeros(3), X, Y, resolution=30)
    plt.close(fig)



def test_bias_variance_draws_the_errors_the_bayes_line_and_both_gaps():
    errors = {"a": (0.02, 0.21), "b": (0.19, 0.16)}
    drawn = plots.drawn_data(plots.plot_bias_variance(errors, bayes_error=0.17))
    assert drawn["bars"] == {"train error": [0.02, 0.19], "dev error": [0.21, 0.16]}
    assert drawn["lines"]["Bayes error"]["y"] == [0.17, 0.17]
    labels = [text for text in drawn["texts"] if text]           # the arrows are annotations without text
    assert labels == ["bias\n-15.0", "variance\n+19.0", "bias\n+2.0", "variance\n-3.0"]
    plt.close("all")


def test_weight_histograms_count_every_weight_on_shared_bins():
    rng = np.random.default_rng(0)
    weights = {"wide": rng.normal(0, 2, (8, 5)), "narrow": rng.normal(0, 0.5, (8, 5))}
    drawn = plots.drawn_data(plots.plot_weight_histograms(weights, bins=10, log=True))["histograms"]
    assert list(drawn) == ["wide", "narrow"]
    assert drawn["wide"]["edges"] == drawn["narrow"]["edges"]
    edges = drawn["wide"]["edges"]
    everything = np.concatenate([w.ravel() for w in weights.values()])
    assert len(edges) == 11 and edges[0] == everything.min() and edges[-1] == everything.max()
    for name, w in weights.items():
        assert drawn[name]["counts"] == np.histogram(w, bins=edges)[0].tolist()
    plt.close("all")


def test_running_statistics_draw_each_unit_from_its_start():
    batch = np.array([[1.0, 1.0, 1.0], [2.0, 0.0, 2.0]])
    running = np.array([[0.1, 0.19, 0.271], [0.2, 0.18, 0.362]])
    drawn = plots.drawn_data(plots_optim.plot_running_statistics(batch, running, start=0.0, momentum=0.9,
                                                           units=["u", "v"]))["lines"]
    assert drawn["u"] == {"x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 0.1, 0.19, 0.271]}
    assert drawn["_batch: v"] == {"x": [1.0, 2.0, 3.0], "y": [2.0, 0.0, 2.0]}
    assert drawn["step 10 = 1 / (1 - momentum)"]["x"][0] == pytest.approx(10.0)
    no_start = plots.drawn_data(plots_optim.plot_running_statistics(batch, running))["lines"]
    assert no_start["unit 1"]["x"] == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="3 columns"):
        plots_optim.plot_running_statistics(batch, running[:, :2])
    plt.close("all")


def test_minibatch_costs_per_update_and_per_epoch():
    batch_costs, epoch_costs = [0.7, 0.9, 0.5, 0.6], [0.7, 0.6, 0.4]
    ax = plots_optim.plot_minibatch_costs(batch_costs, epoch_costs, 2, label="mini")
    drawn = plots.drawn_data(ax)["lines"]
    assert drawn["mini: cost of each batch"] == {"x": [0.0, 1.0, 2.0, 3.0], "y": batch_costs}
    assert drawn["mini: training-set cost after each epoch"] == {"x": [0.0, 2.0, 4.0], "y": epoch_costs}
    per_epoch = plots.drawn_data(plots_optim.plot_minibatch_costs(batch_costs, epoch_costs, 2, per="epoch"))["lines"]
    assert per_epoch["_line0"]["x"] == [0.0, 0.5, 1.0, 1.5] and per_epoch["_line1"]["x"] == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match="per must be"):
        plots_optim.plot_minibatch_costs(batch_costs, epoch_costs, 2, per="step")
    plt.close("all")


def test_batchnorm_graph_names_every_gradient_of_the_backward_pass():
    texts = "\n".join(plots.drawn_data(plots_optim.plot_batchnorm_graph())["texts"])
    for gradient in ("dZ_out", "dgamma", "dbeta", "dZ_hat", "dvar", "dmu", "dZ"):
        assert gradient in texts
    for node in ("$Z$", "$\\mu$", "$\\sigma^2$", "$\\hat Z$", "$\\gamma$", "$\\beta$", "$\\tilde Z$"):
        assert node in texts
    plt.close("all")

def test_failures_carry_the_identity_of_the_named_mistake():
    from helpers.checks.core import ExerciseFailure, Mistake, expect_array, expect_float

    expected = np.arange(6.0).reshape(2, 3)
    named = Mistake("You forgot the 1/m.", expected * 5, id="deep.missing-1-over-m")
    with pytest.raises(ExerciseFailure) as info:
        expect_array("dW", expected * 5, expected, mistakes=[named])
    assert info.value.mistake == "deep.missing-1-over-m"
    swapped = Mistake("The two terms are swapped: Y goes with log(A2).", 0.25, id="compute_cost.terms-swapped")
    with pytest.raises(ExerciseFailure) as info:
        expect_float("cost", 0.25, 0.5, mistakes=[swapped])
    assert info.value.mistake == "compute_cost.terms-swapped"
    with pytest.raises(ExerciseFailure) as info:          # a generic diagnosis has an identifier of its own
        expect_array("dW", -expected, expected, mistakes=[named])
    assert info.value.mistake == "diagnosis.opposite-sign"
    with pytest.raises(ExerciseFailure) as info:
        expect_array("dW", expected * 7, expected, m=7)
    assert info.value.mistake == "diagnosis.m-times-too-large" and "m = 7 times too large" in str(info.value)
    with pytest.raises(ExerciseFailure) as info:
        expect_float("cost", 2.0, 0.5, m=4)
    assert info.value.mistake == "diagnosis.m-times-too-large"
    with pytest.raises(ExerciseFailure) as info:
        expect_array("dW", expected[:, :2] + 1, expected)
    assert info.value.mistake == "diagnosis.wrong-number-of-columns"
    with pytest.raises(ExerciseFailure) as info:          # nothing to diagnose: no identifier
        expect_array("dW", expected + np.array([[0.5, 0, 0], [0, 0, 0]]), expected)
    assert info.value.mistake == ""
    transposed = Mistake("W is transposed.", expected.T, id="shape.transposed")
    with pytest.raises(ExerciseFailure) as info:
        expect_array("W", expected.T, expected, mistakes=[transposed])
    assert info.value.mistake == "shape.transposed"


def test_names_replaced_swaps_only_what_the_module_defines_and_restores_it():
    from helpers.checks.core import names_replaced

    namespace = {"relu": "student relu"}
    exec("def f():\n    return relu", namespace)
    with names_replaced(namespace["f"], {"relu": "reference relu", "sigmoid": "other"}):
        assert namespace["f"]() == "reference relu"
        assert "sigmoid" not in namespace
    assert namespace["f"]() == "student relu"


def test_an_old_id_maps_to_its_current_one():
    """Gradebooks recorded the slugs of the hints before the ids were written by hand: they count with the new ids.
    An old id that became one per exercise is resolved by the exercise; one that several mistakes of one exercise
    shared stays (which was made is unknown); a current id is itself."""
    from helpers.checks.catalog import current_id, renamed_ids

    assert current_id("compute_cost.the-cost-is-the-sum-over", "compute_cost") == "compute_cost.missing-1-over-m"
    assert current_id("check_zeros.changed-the-parameters-it-must-only", "initialize_adam") == \
        "initialize_adam.changed-parameters"
    assert current_id("backward_propagation.is-wrong-because-uses", "backward_propagation") == \
        "backward_propagation.is-wrong-because-uses"
    assert current_id("compute_cost.missing-1-over-m", "compute_cost") == "compute_cost.missing-1-over-m"
    current = {i for new in renamed_ids().values() for i in new}
    assert len(renamed_ids()) > 400 and not set(renamed_ids()) & current
    from mistake_coverage import unlisted
    assert not unlisted(current), "renamed_ids.json maps to ids the catalog does not list"


def test_named_mistakes_have_ids_written_by_hand():
    """The class report counts mistakes by identifier and shows it to an instructor: every id of the catalog
    reads as words, ``exercise.what-went-wrong`` (one to four lower-case words, at most 30 characters), and is
    not the first words of its hint (the slugs that served as ids before); every Mistake(...) names its id."""
    import ast
    from pathlib import Path

    import helpers.checks
    from helpers.checks.catalog import MODULES, declared, diagnoses, generic

    def slug(text, words):      # how the ids were made before: the hint's first words
        kept = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if not any(ch.isdigit() for ch in w)]
        return "-".join(kept[:words])

    mistakes = [m for name in MODULES for m in declared(name)] + diagnoses() + generic()
    assert len(mistakes) > 500
    for mistake in mistakes:
        name = mistake.id.split(".", 1)[1]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+){0,3}", name) and len(name) <= 30, mistake.id
        words = re.sub(r"\{[^}]*\}", " ", mistake.hint)
        assert name.count("-") < 2 or not slug(words, 12).startswith(name), f"{mistake.id} is its hint's slug"
    for path in sorted(Path(helpers.checks.__file__).parent.glob("*.py")):
        calls = [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call)
                 and getattr(node.func, "id", "") == "Mistake"]
        unnamed = [call.lineno for call in calls if len(call.args) < 3 and "id" not in [k.arg for k in call.keywords]]
        assert not unnamed, f"{path.name}: a Mistake without an id at lines {unnamed}"
