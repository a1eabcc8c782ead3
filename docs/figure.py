"""The README's picture: notebook 01's flower, split by logistic regression and by the one-hidden-layer
network that the notebook builds. ``python docs/figure.py`` writes ``docs/flower.png``."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from helpers import shallow  # noqa: E402
from helpers.data import load_planar_flower  # noqa: E402
from helpers.plots import plot_decision_boundary  # noqa: E402


def main(path=Path(__file__).with_name("flower.png")):
    X, Y = load_planar_flower()
    logistic = LogisticRegression().fit(X.T, Y.ravel())
    parameters, _ = shallow.nn_model(X, Y, n_h=4, num_iterations=10000)
    fig, axes = plt.subplots(1, 2, figsize=(9, 4))
    for ax, predict, name in ((axes[0], lambda Z: logistic.predict(Z.T).reshape(1, -1), "logistic regression"),
                              (axes[1], lambda Z: shallow.predict(parameters, Z), "your network, 4 tanh units")):
        accuracy = float((predict(X) == Y).mean())
        plot_decision_boundary(predict, X, Y, ax=ax, title=f"{name}: {accuracy:.0%}")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
