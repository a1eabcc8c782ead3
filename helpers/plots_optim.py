"""Plots of notebooks 05 and 06: cost contours with optimisation paths, and per-layer statistics.

Like helpers.plots, every function draws on the given matplotlib Axes (or a new one) and returns it.
"""
from __future__ import annotations

import numpy as np

from .plots import axes_or_new

#: sigma'(z) < SATURATED counts as saturated: |z| > SATURATION_EDGE (about 2.89)
SATURATED = 0.05
SATURATION_EDGE = float(np.log((1 - np.sqrt(1 - 4 * SATURATED)) / (1 + np.sqrt(1 - 4 * SATURATED))) * -1)


def grid(f, xlim, ylim, resolution: int = 200):
    """Evaluate f(x, y) (vectorised over arrays) on a grid. Returns (X, Y, F) for contour plots."""
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return gx, gy, np.asarray(f(gx, gy), dtype=np.float64)


def plot_contours(gx, gy, F, ax=None, levels: int = 20, log: bool = False, minimum=None,
                  title: str | None = None, xlabel: str = "$w_1$", ylabel: str = "$w_2$", equal: bool = True):
    """Contour lines of F on the grid (gx, gy); log spaces the levels geometrically above F's minimum
    (for valleys whose walls are much steeper than their floor). minimum: a point (x, y) to mark."""
    ax = axes_or_new(ax)
    F = np.asarray(F, dtype=np.float64)
    low, high = np.nanmin(F), np.nanpercentile(F, 95)
    if log:
        offsets = np.geomspace(max((high - low) * 1e-4, 1e-12), high - low, levels)
        values = low + offsets
    else:
        values = np.linspace(low, high, levels + 1)[1:]
    ax.contour(gx, gy, F, levels=np.unique(values), cmap="viridis", linewidths=0.8)
    if minimum is not None:
        ax.plot(*minimum, marker="*", color="k", markersize=12, linestyle="none", label="minimum")
    if equal:
        ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


def plot_path(path, ax=None, label: str | None = None, color=None, markersize: float = 3.0):
    """An optimisation path: points (k, 2), drawn as a line with a dot per step, start circled.

    On axes that already show something (contours), the view is kept: a path that runs far away (it
    diverged) leaves the picture instead of shrinking it. Points that are not finite are not drawn.
    """
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path must have shape (k, 2), one point per step, got {path.shape}.")
    ax = axes_or_new(ax)
    limits = (ax.get_xlim(), ax.get_ylim()) if ax.has_data() else None
    finite = path[np.all(np.isfinite(path), axis=1)]
    (line,) = ax.plot(finite[:, 0], finite[:, 1], ".-", color=color, markersize=markersize, linewidth=1.0,
                      label=label)
    if finite.size:
        ax.plot(finite[0, 0], finite[0, 1], "o", color=line.get_color(), markersize=7, markerfacecolor="none")
    if limits is not None:
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
    if label:
        ax.legend(loc="best", fontsize=8)
    return ax


def plot_sigmoid_inputs(values, ax=None, title: str | None = None, span: float = 8.0, bins: int = 60):
    """Histogram of a sigmoid layer's inputs (any array) over [-span, span], with sigma'(z) on top,
    scaled to the plot: inputs where sigma' is near 0 are saturated (flat, tiny gradient)."""
    values = np.clip(np.asarray(values, dtype=np.float64).ravel(), -span, span)
    ax = axes_or_new(ax)
    ax.hist(values, bins=bins, range=(-span, span), density=True, color="#1f77b4", alpha=0.75)
    z = np.linspace(-span, span, 400)
    s = 1 / (1 + np.exp(-z))
    ax.plot(z, s * (1 - s) * 2, color="#d62728", linewidth=1.2, label="$2\\,\\sigma'(z)$")
    ax.axvspan(-span, -SATURATION_EDGE, color="0.88", zorder=0)     # saturated: sigma' < 0.05
    ax.axvspan(SATURATION_EDGE, span, color="0.88", zorder=0)
    ax.set_xlim(-span, span)
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_layer_values(values_by_name: dict, ax=None, log: bool = True, ylabel: str = "",
                      title: str | None = None):
    """One line per entry of {label: [value of layer 1, value of layer 2, ...]} against the layer index."""
    ax = axes_or_new(ax)
    for label, values in values_by_name.items():
        values = np.asarray(values, dtype=np.float64)
        ax.plot(np.arange(1, values.size + 1), values, "o-", label=label, markersize=4)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("layer $l$")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax
