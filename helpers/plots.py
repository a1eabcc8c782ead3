"""Plots the notebooks share: data sets, decision boundaries and cost curves.

Every function draws on the given matplotlib Axes (or a new one) and returns it, so plots
compose into subplots side by side.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

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
