"""Training speed of the workbook's from-scratch network against scikit-learn (and PyTorch).

The same work for each: a [64, 64, 32, 1] ReLU network with a sigmoid output on the bundled
digits (even against odd, 1797 examples), plain mini-batch SGD (learning rate 0.1, no
momentum, no L2), batch size 200, 50 epochs, reshuffled every epoch, float64, one BLAS thread.
"Ours" is helpers.deep's reference forward/backward/update, the code the notebooks teach.

Prints the best of --repeats runs for each library and the ratios; PyTorch is measured only
when it is installed (it is not a dependency of the workbook).

    python benchmarks/training.py [--epochs 50] [--repeats 5]
"""
from __future__ import annotations

import argparse
import platform
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from helpers import data, deep

DIMS = [64, 64, 32, 1]
LEARNING_RATE = 0.1
BATCH_SIZE = 200


def load():
    X, Y = data.load_digits_binary(positive=(0, 2, 4, 6, 8), negative=(1, 3, 5, 7, 9))
    return X, Y


def train_ours(X, Y, epochs, seed=0):
    """Mini-batch SGD with the reference building blocks of notebook 02."""
    parameters = deep.initialize_parameters_deep(DIMS, seed=seed)
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    for _ in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            AL, caches = deep.L_model_forward(X[:, batch], parameters)
            grads = deep.L_model_backward(AL, Y[:, batch], caches)
            parameters = deep.update_parameters(parameters, grads, LEARNING_RATE)
    return float(np.mean(deep.predict(parameters, X) == Y))


def train_sklearn(X, Y, epochs, seed=0):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    model = MLPClassifier(hidden_layer_sizes=tuple(DIMS[1:-1]), activation="relu", solver="sgd",
                          learning_rate_init=LEARNING_RATE, momentum=0.0, nesterovs_momentum=False,
                          batch_size=BATCH_SIZE, max_iter=epochs, shuffle=True, alpha=0.0, tol=0.0,
                          n_iter_no_change=epochs + 1, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # max_iter is the epoch count on purpose
        model.fit(X.T, Y.ravel())
    return float(model.score(X.T, Y.ravel()))


def train_torch(X, Y, epochs, seed=0):
    import torch
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    layers = []
    for n_in, n_out in zip(DIMS[:-1], DIMS[1:]):
        layers += [torch.nn.Linear(n_in, n_out, dtype=torch.float64), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])                 # the sigmoid lives in the loss
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    features, labels = torch.from_numpy(X.T.copy()), torch.from_numpy(Y.T.copy())
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(features.shape[0], generator=generator)
        for start in range(0, features.shape[0], BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            optimizer.zero_grad()
            loss = loss_fn(model(features[batch]), labels[batch])
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        return float(((model(features) > 0).double() == labels).double().mean())


def best_time(fn, X, Y, epochs, repeats):
    times, accuracy = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        accuracy = fn(X, Y, epochs)
        times.append(time.perf_counter() - start)
    return min(times), accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    X, Y = load()
    candidates = {"ours (helpers.deep, numpy)": train_ours, "scikit-learn MLPClassifier": train_sklearn}
    try:
        import torch  # noqa: F401
        candidates["PyTorch CPU (float64)"] = train_torch
    except ImportError:
        print("PyTorch is not installed: its row is skipped (pip install torch to include it).")
    results = {}
    with threadpool_limits(1):
        for name, fn in candidates.items():
            fn(X, Y, 1)                                        # warm-up (imports, allocations)
            results[name] = best_time(fn, X, Y, args.epochs, args.repeats)
    ours = results["ours (helpers.deep, numpy)"][0]
    print(f"\nTraining: {DIMS} on {X.shape[1]} digits, batch {BATCH_SIZE}, {args.epochs} epochs, SGD lr "
          f"{LEARNING_RATE}, float64, 1 thread; best of {args.repeats} on {platform.processor() or platform.machine()}")
    print(f"{'implementation':<30} {'seconds':>8} {'ours / it':>10} {'train acc':>10}")
    for name, (seconds, accuracy) in results.items():
        print(f"{name:<30} {seconds:8.3f} {ours / seconds:10.2f} {accuracy:10.3f}")
    return results


if __name__ == "__main__":
    main()
