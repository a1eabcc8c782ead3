"""Training speed of the workbook's from-scratch networks against scikit-learn (and PyTorch).

Two workloads, the same work for each library, on the bundled digits (1797 examples), float64,
one BLAS thread, reshuffled every epoch:

* sgd: a [64, 64, 32, 1] ReLU network with a sigmoid output (even against odd), plain
  mini-batch SGD (learning rate 0.1, no momentum, no L2), batch size 200, 50 epochs.
  "Ours" is helpers.deep's reference forward/backward/update, the code notebook 02 teaches.
* softmax-adam: a [64, 256, 128, 10] ReLU network with a softmax output (the ten digits), Adam
  (learning rate 1e-3), batch size 64, 20 epochs. "Ours" is a plain mini-batch loop over
  helpers.softmax.L_model_forward_softmax, L_model_backward_softmax (with dA0=False: a training loop
  needs no gradient for X) and helpers.optimizers.update_parameters_with_adam_inplace (and, as a
  second row, the returning update_parameters_with_adam). Adam's update is one compiled loop when numba is
  installed (helpers/fused.py), from the first step here (a process switches to it only after 1 s of
  numpy updates: numba's import costs a short training more than it saves); a third row times it in
  numpy operations, as without numba. Its last row, the floor, times only the matrix products a
  training needs for the same shapes and batches: no implementation can beat it.

The implementations run interleaved (one run of each, --repeats times) and each keeps its best
time, so that a loaded machine slows them alike. Prints seconds, each time relative to ours,
and ours' speed as a share of the floor's. PyTorch is measured only when it is installed (it is
not a dependency of the workbook). --clock cpu measures the process's CPU time instead of the
wall clock: on a machine shared with other work, the time a run waits for a core then does not
count (every implementation runs on one thread, so the two agree on an idle machine).

    python benchmarks/training.py [--workload both|sgd|softmax-adam] [--epochs N] [--repeats 3] [--clock wall|cpu]
"""
from __future__ import annotations

import argparse
import platform
import time
import warnings
from unittest import mock

import numpy as np
from threadpoolctl import threadpool_limits

from helpers import data, deep, fused, optimizers, softmax

DIMS = [64, 64, 32, 1]
LEARNING_RATE = 0.1
BATCH_SIZE = 200
EPOCHS = 50

SOFTMAX_DIMS = [64, 256, 128, 10]
ADAM_RATE = 1e-3
ADAM_BATCH = 64
ADAM_EPOCHS = 20


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
    return _fit_mlp(X, Y.ravel(), epochs, seed, hidden_layer_sizes=tuple(DIMS[1:-1]), solver="sgd",
                    learning_rate_init=LEARNING_RATE, momentum=0.0, nesterovs_momentum=False, batch_size=BATCH_SIZE)


def train_torch(X, Y, epochs, seed=0):
    import torch
    features, labels = torch.from_numpy(X.T.copy()), torch.from_numpy(Y.T.copy())
    model = _fit_torch(features, labels, DIMS, lambda p: torch.optim.SGD(p, lr=LEARNING_RATE),
                       torch.nn.BCEWithLogitsLoss(), BATCH_SIZE, epochs, seed)   # the sigmoid lives in the loss
    with torch.no_grad():
        return float(((model(features) > 0).double() == labels).double().mean())


def _fit_mlp(X, labels, epochs, seed, **options):
    """scikit-learn's MLPClassifier (ReLU, no L2) trained for exactly `epochs` epochs; its training accuracy."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    model = MLPClassifier(activation="relu", max_iter=epochs, shuffle=True, alpha=0.0, tol=0.0,
                          n_iter_no_change=epochs + 1, random_state=seed, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # max_iter is the epoch count on purpose
        model.fit(X.T, labels)
    return float(model.score(X.T, labels))


def _fit_torch(features, labels, dims, make_optimizer, loss_fn, batch_size, epochs, seed):
    """A PyTorch network of Linear layers `dims` with ReLU between them (the output activation is in loss_fn),
    float64, one thread, trained on shuffled mini-batches. features: (m, n_x), one ROW per example."""
    import torch
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    layers = []
    for n_in, n_out in zip(dims[:-1], dims[1:]):
        layers += [torch.nn.Linear(n_in, n_out, dtype=torch.float64), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer = make_optimizer(model.parameters())
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(features.shape[0], generator=generator)
        for start in range(0, features.shape[0], batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(features[batch]), labels[batch])
            loss.backward()
            optimizer.step()
    return model


def load_ten_digits():
    X, y, _ = data.load_digits()
    return X, softmax.one_hot(y, 10)


def train_ours_adam(X, Y, epochs, seed=0, update=optimizers.update_parameters_with_adam_inplace):
    """A plain mini-batch loop over the reference building blocks of notebooks 06 and 08."""
    parameters = deep.initialize_parameters_deep(SOFTMAX_DIMS, seed=seed)
    v, s = optimizers.initialize_adam(parameters)
    t = 0
    for epoch in range(epochs):
        for X_batch, Y_batch in optimizers.random_mini_batches(X, Y, ADAM_BATCH, seed=seed + epoch):
            AL, caches = softmax.L_model_forward_softmax(X_batch, parameters)
            grads = softmax.L_model_backward_softmax(AL, Y_batch, caches, dA0=False)   # no gradient for X
            t += 1
            parameters, v, s = update(parameters, grads, v, s, t, ADAM_RATE)
    return _accuracy(softmax.predict_softmax(parameters, X)[0], Y)


def train_ours_adam_numpy(X, Y, epochs, seed=0):
    """train_ours_adam with Adam's update in numpy operations, as without numba (helpers/fused.py)."""
    with mock.patch.object(fused, "compiled_adam", lambda: None):
        return train_ours_adam(X, Y, epochs, seed)


def train_ours_adam_returning(X, Y, epochs, seed=0):
    return train_ours_adam(X, Y, epochs, seed, update=optimizers.update_parameters_with_adam)


def train_sklearn_adam(X, Y, epochs, seed=0):
    return _fit_mlp(X, np.argmax(Y, axis=0), epochs, seed, hidden_layer_sizes=tuple(SOFTMAX_DIMS[1:-1]),
                    solver="adam", learning_rate_init=ADAM_RATE, batch_size=ADAM_BATCH)


def train_torch_adam(X, Y, epochs, seed=0):
    import torch
    features, labels = torch.from_numpy(X.T.copy()), torch.from_numpy(np.argmax(Y, axis=0))
    model = _fit_torch(features, labels, SOFTMAX_DIMS, lambda p: torch.optim.Adam(p, lr=ADAM_RATE),
                       torch.nn.CrossEntropyLoss(), ADAM_BATCH, epochs, seed)    # the softmax lives in the loss
    with torch.no_grad():
        return float((model(features).argmax(dim=1) == labels).double().mean())


def matrix_products_only(X, Y, epochs, seed=0):
    """The floor: per mini-batch, only the 8 matrix products a training of SOFTMAX_DIMS needs (3 forward,
    3 for the dW, 2 for the dA of the hidden layers), on arrays of the same shapes; no other work."""
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal((n, n_prev)) for n_prev, n in zip(SOFTMAX_DIMS[:-1], SOFTMAX_DIMS[1:])]
    for epoch in range(epochs):
        for X_batch, _ in optimizers.random_mini_batches(X, Y, ADAM_BATCH, seed=seed + epoch):
            A = [X_batch]
            for W_l in W:
                A.append(W_l @ A[-1])                         # Z = W A_prev (stands for A as well)
            dZ = A[-1]
            for l in range(len(W), 0, -1):
                dW = dZ @ A[l - 1].T
                if l > 1:
                    dZ = W[l - 1].T @ dZ
    return float("nan")


def _accuracy(predicted, Y):
    return float(np.mean(predicted == np.argmax(Y, axis=0)))


WORKLOADS = {
    "sgd": dict(load=load, epochs=EPOCHS, ours="ours (helpers.deep, numpy)", candidates={
        "ours (helpers.deep, numpy)": train_ours, "scikit-learn MLPClassifier": train_sklearn,
        "PyTorch CPU (float64)": train_torch},
        title=f"{DIMS} on the digits (even/odd), batch {BATCH_SIZE}, SGD lr {LEARNING_RATE}"),
    "softmax-adam": dict(load=load_ten_digits, epochs=ADAM_EPOCHS, ours="ours (Adam in place)", candidates={
        "ours (Adam in place)": train_ours_adam, "ours (Adam in numpy, no numba)": train_ours_adam_numpy,
        "ours (returning Adam)": train_ours_adam_returning,
        "scikit-learn MLPClassifier": train_sklearn_adam, "PyTorch CPU (float64)": train_torch_adam,
        "matrix products only (floor)": matrix_products_only},
        title=f"{SOFTMAX_DIMS} softmax on the ten digits, batch {ADAM_BATCH}, Adam lr {ADAM_RATE}"),
}


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def run_workload(name, epochs=None, repeats=3, torch_available=True, clock="wall"):
    """Time every implementation of one workload, interleaved; returns {implementation: (seconds, accuracy)}."""
    fused.COMPILE_AFTER_SECONDS = 0.0              # the compiled Adam from the first step (see the docstring)
    workload = WORKLOADS[name]
    epochs = workload["epochs"] if epochs is None else epochs
    X, Y = workload["load"]()
    candidates = {key: fn for key, fn in workload["candidates"].items() if torch_available or "PyTorch" not in key}
    times = {key: [] for key in candidates}
    accuracies = {}
    with threadpool_limits(1):
        for fn in candidates.values():
            fn(X, Y, 1)                                        # warm-up (imports, allocations)
        for _ in range(repeats):
            for key, fn in candidates.items():
                start = CLOCKS[clock]()
                accuracies[key] = fn(X, Y, epochs)
                times[key].append(CLOCKS[clock]() - start)
    results = {key: (min(times[key]), accuracies[key]) for key in candidates}
    ours = results[workload["ours"]][0]
    print(f"\n{name}: {workload['title']}, {epochs} epochs, float64, 1 BLAS thread; interleaved, best of {repeats} "
          f"({clock} time) "
          f"on {platform.processor() or platform.machine()}")
    print(f"{'implementation':<32} {'seconds':>8} {'it / ours':>10} {'train acc':>10}")
    for key, (seconds, accuracy) in results.items():
        print(f"{key:<32} {seconds:8.3f} {seconds / ours:10.2f} {accuracy:10.3f}")
    floor = results.get("matrix products only (floor)")
    if floor:
        others = ", ".join(f"{seconds / ours:.2f}x faster than {key}" for key, (seconds, _) in results.items()
                           if key.startswith(("scikit", "PyTorch")))
        print(f"ours: {others}; at {floor[0] / ours:.0%} of the floor's speed")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workload", choices=("both", *WORKLOADS), default="both")
    parser.add_argument("--epochs", type=int, default=None, help="default: 50 for sgd, 20 for softmax-adam")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clock", choices=tuple(CLOCKS), default="wall",
                        help="wall: elapsed time (default); cpu: the process's CPU time, steadier on a loaded machine")
    args = parser.parse_args(argv)
    try:
        import torch  # noqa: F401
        torch_available = True
    except ImportError:
        torch_available = False
        print("PyTorch is not installed: its rows are skipped (pip install torch to include them).")
    names = list(WORKLOADS) if args.workload == "both" else [args.workload]
    return {name: run_workload(name, args.epochs, args.repeats, torch_available, args.clock) for name in names}


if __name__ == "__main__":
    main()
