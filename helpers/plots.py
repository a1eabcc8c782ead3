"""Plots the notebooks share: data sets, decision boundaries and cost curves; bias and variance (03), weight
histograms (04). Notebooks 05's and 06's own plots are in helpers.plots_optim.

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
