"""Plots the notebooks share: data sets, decision boundaries and cost curves; bias and variance (03), weight
histograms (04), running statistics and batch norm's computation graph (05), mini-batch costs (06).

Every function draws on the given matplotlib Axes (or a new one) and returns it, so plots
compose into subplots side by side. drawn_data(ax) reads back what an Axes shows, for the notebooks' tests.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.ticker import PercentFormatter

from .validation import as_matrix

CLASS_COLORS = ListedColormap(["#d62728", "#1f77b4"])      # label 0 red, label 1 blue
REGION_COLORS = ListedColormap(["#f4b6b6", "#b7d3ee"])


def axes_or_new(ax):
    """ax, or the axes of a new 5 x 4 figure when ax is None (every plot function takes an optional ax)."""
    return ax if ax is not None else plt.subplots(figsize=(5, 4))[1]


def plot_dataset(X, Y, ax=None, title: str | None = None):
    """Scatter a 2-D binary data set. X: (2, m), Y: (1, m) of 0/1."""
    X = as_matrix(X, "X", rows=2, what="(2, m): a plot needs two features")
    Y = as_matrix(Y, "Y", rows=1, cols=X.shape[1], what="(1, m)")
    ax = axes_or_new(ax)
    ax.scatter(X[0], X[1], c=Y[0], cmap=CLASS_COLORS, s=14, edgecolors="k", linewidths=0.3, vmin=0, vmax=1)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_decision_boundary(predict, X, Y, ax=None, title: str | None = None, resolution: int = 250):
    """Colour the plane by the class `predict` gives, then scatter the data on top.

    predict: callable taking points (2, k) and returning (1, k) (or (k,)) labels or probabilities;
    values >= 0.5 count as class 1. X: (2, m), Y: (1, m).
    """
    X = as_matrix(X, "X", rows=2, what="(2, m): a plot needs two features")
    if not callable(predict):
        raise TypeError("predict must be a function taking points of shape (2, k).")
    x_min, x_max = X[0].min() - 0.5, X[0].max() + 0.5
    y_min, y_max = X[1].min() - 0.5, X[1].max() + 0.5
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.vstack([xx.ravel(), yy.ravel()])
    labels = np.asarray(predict(grid), dtype=np.float64).reshape(-1)
    if labels.size != grid.shape[1]:
        raise ValueError(f"predict returned {labels.size} values for {grid.shape[1]} points: expected (1, k).")
    ax = axes_or_new(ax)
    ax.contourf(xx, yy, (labels >= 0.5).reshape(xx.shape), levels=[-0.5, 0.5, 1.5], cmap=REGION_COLORS)
    return plot_dataset(X, Y, ax=ax, title=title)


def plot_costs(costs, ax=None, label: str | None = None, title: str | None = "Cost during training",
               log: bool = False, every: int = 1):
    """Plot a cost curve. costs: sequence of floats, one every `every` iterations."""
    costs = np.asarray(costs, dtype=np.float64).reshape(-1)
    ax = axes_or_new(ax)
    ax.plot(np.arange(costs.size) * every, costs, label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost $J$")
    if log:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if label:
        ax.legend()
    return ax


def plot_bias_variance(errors: dict, bayes_error: float, ax=None, title: str | None = "Bias and variance"):
    """Train and dev error of each model as bars, against the Bayes error (a dotted line), with the two gaps
    drawn and labelled: avoidable bias = train error - Bayes error, variance = dev error - train error.

    errors: {model name: (train error, dev error)}, fractions (0.15 means 15%). bayes_error: a fraction.
    """
    names = list(errors)
    train, dev = (np.array([float(errors[name][i]) for name in names]) for i in (0, 1))
    ax = axes_or_new(ax)
    x = np.arange(len(names))
    ax.bar(x - 0.2, train, width=0.4, color="#9ecae1", label="train error")
    ax.bar(x + 0.2, dev, width=0.4, color="#fdae6b", label="dev error")
    ax.axhline(bayes_error, color="0.3", linestyle=":", label="Bayes error")
    for i in range(len(names)):
        _gap(ax, x[i] - 0.2, bayes_error, train[i], "bias", "#08519c", -1)
        ax.plot([x[i] - 0.2, x[i] + 0.4], [train[i]] * 2, color="#08519c", linewidth=0.8, linestyle="--")
        _gap(ax, x[i] + 0.2, train[i], dev[i], "variance", "#a63603", 1)
    ax.set_xticks(x, names)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("error (gaps in percentage points)")
    ax.set_ylim(0, max(1.25 * max(train.max(), dev.max(), bayes_error), 0.05))
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def _gap(ax, x: float, low: float, high: float, name: str, color, side: int):
    """A vertical arrow from low to high at x, labelled beside it (side -1: left, +1: right) with name and the
    gap in percentage points."""
    ax.annotate("", xy=(x, high), xytext=(x, low),
                arrowprops=dict(arrowstyle="->", color=color, linewidth=1.4, shrinkA=0, shrinkB=0))
    ax.annotate(f"{name}\n{100 * (high - low):+.1f}", xy=(x, (low + high) / 2), xytext=(3 * side, 0),
                textcoords="offset points", ha="left" if side > 0 else "right", va="center", fontsize=7,
                color=color, bbox=dict(boxstyle="square,pad=0.1", facecolor="white", alpha=0.7, edgecolor="none"))


def plot_weight_histograms(weights: dict, ax=None, bins: int = 20, log: bool = False, title: str | None = None):
    """Histograms of the weights of several models on shared bins, drawn as outlines on top of each other;
    log: a logarithmic count axis, on which the few weights far out in the tails stay visible.

    weights: {model name: array of weights (any shape, e.g. W of one layer, (n[l], n[l-1]))}.
    """
    values = {name: np.asarray(w, dtype=np.float64).ravel() for name, w in weights.items()}
    everything = np.concatenate(list(values.values()))
    edges = np.histogram_bin_edges(everything, bins=bins)
    ax = axes_or_new(ax)
    for name, w in values.items():
        counts, _ = np.histogram(w, bins=edges)
        ax.stairs(counts, edges, label=name, linewidth=1.4, fill=False)
    ax.axvline(0.0, color="0.6", linewidth=0.8)
    ax.set_xlabel("weight")
    ax.set_ylabel("number of weights")
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_running_statistics(batch, running, ax=None, start=None, momentum: float | None = None, units=None,
                            ylabel: str = "", title: str | None = None):
    """A batch statistic of k units at every training step (dots) and the running average that batch norm keeps of
    it (thick lines), one colour per unit. With momentum, a dashed line at step 1 / (1 - momentum).

    batch: (k, T), each unit's statistic of the batch of training steps 1..T; running: (k, T), the running
    statistic after each of those steps' updates; start: the running statistic's value before training (a number,
    or k of them), drawn at step 0; units: k names for the legend (default "unit 1", "unit 2", ...).
    """
    batch = as_matrix(batch, "batch", what="(k, T): k units, T steps")
    running = as_matrix(running, "running", rows=batch.shape[0], cols=batch.shape[1], what="(k, T), like batch")
    steps = np.arange(1, batch.shape[1] + 1)
    if start is not None:
        running = np.hstack([np.broadcast_to(np.asarray(start, dtype=np.float64).reshape(-1, 1), (batch.shape[0], 1)),
                             running])
        steps = np.arange(batch.shape[1] + 1)
    units = list(units) if units is not None else [f"unit {i + 1}" for i in range(batch.shape[0])]
    ax = axes_or_new(ax)
    for unit, name in enumerate(units):
        (line,) = ax.plot(steps, running[unit], linewidth=2.2, label=name)
        ax.plot(steps[-batch.shape[1]:], batch[unit], ".:", color=line.get_color(), linewidth=0.9, markersize=3.5,
                alpha=0.7, label=f"_batch: {name}")                     # "_": not in the legend
    if momentum is not None:
        span = 1 / (1 - momentum)
        ax.axvline(span, color="0.4", linestyle="--", linewidth=0.8, label=f"step {span:g} = 1 / (1 - momentum)")
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, title="thick: running, dots: batch", title_fontsize=8)
    if title:
        ax.set_title(title)
    return ax


#: Batch norm's computation graph: each node's place (x, y), its label (mathtext), its forward formula and
#: where that goes (offset from the node: above when positive, below when negative).
BATCHNORM_NODES = {
    "Z": ((0.8, 2.0), "$Z$", "", (0, 0)),
    "mu": ((3.4, 5.4), "$\\mu$", "mean of $Z$ over the batch", (0.0, 0.5)),
    "var": ((5.0, 3.5), "$\\sigma^2$", "mean of $(Z - \\mu)^2$", (0.0, -0.55)),
    "Z_hat": ((7.6, 2.0), "$\\hat Z$", "$(Z - \\mu)\\,/\\sqrt{\\sigma^2 + \\varepsilon}$", (0.0, -0.55)),
    "gamma": ((9.6, 4.4), "$\\gamma$", "", (0, 0)),
    "beta": ((9.6, -0.4), "$\\beta$", "", (0, 0)),
    "Z_out": ((11.4, 2.0), "$\\tilde Z$", "$\\gamma \\hat Z + \\beta$", (0.9, -0.55)),
}
#: The forward edges; the gradient each one carries backward to its start ("" where several arrows add up there);
#: the side (+1 left of the forward direction, -1 right) of the backward arrow and its label.
BATCHNORM_EDGES = (("Z", "mu", "", 1), ("Z", "var", "", 1), ("mu", "var", "", 1), ("Z", "Z_hat", "", -1),
                   ("mu", "Z_hat", "", 1), ("var", "Z_hat", "dvar", 1), ("Z_hat", "Z_out", "dZ_hat", -1),
                   ("gamma", "Z_out", "dgamma", 1), ("beta", "Z_out", "dbeta", -1))
#: Gradients written beside their node: where several backward arrows add up, and the one from the layer above.
BATCHNORM_SUMS = (("dZ: the three red\narrows into Z add up", (0.8, 0.7)),
                  ("dmu: the two red\narrows into mu add up", (6.3, 5.7)),
                  ("dZ_out, from the\nlayer above", (12.6, 3.2)))
GRADIENT_COLOR = "#d62728"


def plot_batchnorm_graph(ax=None, title: str | None = "Batch norm: forward (black) and backward (red, dashed)"):
    """The computation graph of one batch-norm layer: Z -> mu -> var -> Z_hat -> gamma Z_hat + beta, each node
    with its formula; black arrows compute forward, red dashed arrows carry the gradients backward, labelled with
    the names of batchnorm_backward. Draws no data: nothing to pass in."""
    ax = ax if ax is not None else plt.subplots(figsize=(11, 5.5))[1]
    box = dict(boxstyle="round,pad=0.35", facecolor="#f0f0f0", edgecolor="0.3")
    for (x, y), label, formula, (dx, dy) in BATCHNORM_NODES.values():
        ax.text(x, y, label, ha="center", va="center", fontsize=15, bbox=box, zorder=3)
        if formula:
            ax.text(x + dx, y + dy, formula, ha="center", va="bottom" if dy > 0 else "top", fontsize=9, color="0.25")
    for start, end, gradient, side in BATCHNORM_EDGES:
        (x0, y0), (x1, y1) = BATCHNORM_NODES[start][0], BATCHNORM_NODES[end][0]
        normal = side * np.array([y0 - y1, x1 - x0]) / np.hypot(x1 - x0, y1 - y0)   # perpendicular, length 1
        _arrow(ax, (x0, y0), (x1, y1), "k", "-")
        _arrow(ax, (x1, y1) + 0.18 * normal, (x0, y0) + 0.18 * normal, GRADIENT_COLOR, "--")
        if gradient:
            x, y = (x0 + x1) / 2 + 0.5 * normal[0], (y0 + y1) / 2 + 0.5 * normal[1]
            ax.text(x, y, gradient, color=GRADIENT_COLOR, family="monospace", fontsize=10, ha="center", va="center")
    (x, y) = BATCHNORM_NODES["Z_out"][0]
    _arrow(ax, (x + 1.5, y + 0.18), (x, y + 0.18), GRADIENT_COLOR, "--")
    for gradient, (x, y) in BATCHNORM_SUMS:
        ax.text(x, y, gradient, color=GRADIENT_COLOR, family="monospace", fontsize=9, ha="center", va="center")
    ax.set_xlim(-0.4, 13.6)
    ax.set_ylim(-1.2, 6.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def _arrow(ax, start, end, color, linestyle):
    """An arrow from start to end (data coordinates), stopping short of the boxes at both ends."""
    ax.annotate("", xy=tuple(end), xytext=tuple(start),
                arrowprops=dict(arrowstyle="-|>", color=color, linewidth=1.1, linestyle=linestyle,
                                shrinkA=16, shrinkB=16))


def plot_minibatch_costs(batch_costs, epoch_costs, updates_per_epoch: int, ax=None, label: str | None = None,
                         per: str = "update", title: str | None = None):
    """One training run's costs: the cost of the (mini-)batch of every update (a thin line: noisy when the batches
    are small) and the cost on the whole training set after every epoch (dots), in one colour.

    batch_costs: (T,), the cost of each update's batch, computed before that update (T = epochs * updates_per_epoch);
    epoch_costs: (epochs + 1,), the training set's cost before training and after every epoch.
    per: "update" (x = the updates done so far) or "epoch" (x = the epochs done so far, a fraction between epochs).
    """
    batch_costs = np.asarray(batch_costs, dtype=np.float64).reshape(-1)
    epoch_costs = np.asarray(epoch_costs, dtype=np.float64).reshape(-1)
    if per not in ("update", "epoch"):
        raise ValueError(f"per must be 'update' or 'epoch', got {per!r}.")
    scale = 1.0 if per == "update" else 1.0 / updates_per_epoch
    ax = axes_or_new(ax)
    (line,) = ax.plot(np.arange(batch_costs.size) * scale, batch_costs, linewidth=0.8, alpha=0.7,
                      label=f"{label}: cost of each batch" if label else None)
    ax.plot(np.arange(epoch_costs.size) * updates_per_epoch * scale, epoch_costs, "o", markersize=2.5,
            color=line.get_color(), label=f"{label}: training-set cost after each epoch" if label else None)
    ax.set_xlabel(f"{per}s done")
    ax.set_ylabel("cost $J$")
    if label:
        ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def drawn_data(ax) -> dict:
    """What an Axes shows, as plain numbers (JSON-ready): its lines {label: {"x": [...], "y": [...]}}, its bars
    {label: heights}, its step histograms {label: {"counts": [...], "edges": [...]}} and its texts. Unlabelled
    artists (matplotlib's "_child...") are keyed "_line0", "_line1", ...; a notebook stores this in `measured`,
    so that its tests can check that the picture shows the numbers measured."""
    def key(label, kind, index):
        return label if label and not label.startswith("_child") else f"_{kind}{index}"

    lines = {key(line.get_label(), "line", i): {"x": np.asarray(line.get_xdata(), dtype=np.float64).tolist(),
                                                 "y": np.asarray(line.get_ydata(), dtype=np.float64).tolist()}
             for i, line in enumerate(ax.get_lines())}
    bars = {key(container.get_label(), "bars", i): [float(patch.get_height()) for patch in container.patches]
            for i, container in enumerate(ax.containers)}
    steps = [patch for patch in ax.patches if hasattr(patch, "get_data") and hasattr(patch.get_data(), "edges")]
    histograms = {key(patch.get_label(), "histogram", i): {"counts": np.asarray(patch.get_data().values).tolist(),
                                                           "edges": np.asarray(patch.get_data().edges).tolist()}
                  for i, patch in enumerate(steps)}
    return {"lines": lines, "bars": bars, "histograms": histograms, "texts": [text.get_text() for text in ax.texts]}
