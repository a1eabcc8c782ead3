"""Plots of notebooks 05 and 06: cost contours with optimisation paths, per-layer statistics, batch norm's running
statistics and computation graph (05), and the costs of mini-batch training (06).

Like helpers.plots, every function draws on the given matplotlib Axes (or a new one) and returns it.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .plots import axes_or_new
from .validation import as_matrix

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
