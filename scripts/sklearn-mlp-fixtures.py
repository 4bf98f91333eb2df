"""Reference numbers for the MLP parity tests (test/mlp-parity.test.ts).

Run with Debian's python3-sklearn (1.2.1):
    /usr/bin/python3 scripts/sklearn-mlp-fixtures.py > test/fixtures/sklearn-mlp.json
Each case starts scikit-learn's MLPClassifier / MLPRegressor from given initial weights (drawn
here with NumPy and stored in the fixture, so descent can start from the same ones through
`initialWeights`), trains without shuffling and without a stopping rule, and records the weights,
the intercepts and the loss curve. The data are the bundled CSVs, standardised with the
population std.
"""

import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

warnings.simplefilter("ignore", ConvergenceWarning)


def load(name):
    raw = np.loadtxt(f"data/{name}.csv", delimiter=",", skiprows=1)
    return StandardScaler().fit_transform(raw[:, :-1]), raw[:, -1]


def initial_weights(units, activation, seed):
    """Glorot-uniform weights as scikit-learn draws them, from a fixed NumPy seed."""
    rng = np.random.RandomState(seed)
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(units[:-1], units[1:]):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rng.uniform(-bound, bound, fan_out))
    return coefs, intercepts


def started_from(cls, coefs, intercepts):
    """The estimator class, starting from the given weights instead of its own draw."""

    class Started(cls):
        def _initialize(self, y, layer_units, dtype):
            self._given = iter(zip(coefs, intercepts))
            super()._initialize(y, layer_units, dtype)

        def _init_coef(self, fan_in, fan_out, dtype):
            coef, intercept = next(self._given)
            return coef.astype(dtype, copy=True), intercept.astype(dtype, copy=True)

    return Started


XOR = (np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0.0, 1.0, 1.0, 0.0]))

# name: (data, classifier?, parameters); every case: shuffle off, no stopping rule.
CASES = {
    "xor-tanh-sgd": ("xor", True, dict(hidden_layer_sizes=(3,), activation="tanh", solver="sgd", batch_size=2, alpha=0.1, learning_rate_init=0.1, max_iter=1)),
    "iris-relu-adam": ("iris", True, dict(hidden_layer_sizes=(8,), activation="relu", solver="adam", batch_size=32, alpha=1e-3, learning_rate_init=0.01, max_iter=30)),
    "iris-logistic-sgd-two-layers": ("iris", True, dict(hidden_layer_sizes=(6, 5), activation="logistic", solver="sgd", momentum=0.8, nesterovs_momentum=False, batch_size=40, alpha=1e-4, learning_rate_init=0.2, max_iter=30)),
    "cancer-tanh-nesterov-invscaling": ("breast_cancer", True, dict(hidden_layer_sizes=(10, 6), activation="tanh", solver="sgd", learning_rate="invscaling", power_t=0.3, batch_size=64, alpha=1e-3, learning_rate_init=0.3, max_iter=30)),
    "cancer-identity-sgd-no-momentum": ("breast_cancer", True, dict(hidden_layer_sizes=(4,), activation="identity", solver="sgd", momentum=0.0, batch_size=100, alpha=1e-2, learning_rate_init=0.05, max_iter=30)),
    "diabetes-relu-adam": ("diabetes", False, dict(hidden_layer_sizes=(12,), activation="relu", solver="adam", batch_size=50, alpha=1e-4, learning_rate_init=0.01, max_iter=30)),
    "diabetes-tanh-momentum-two-layers": ("diabetes", False, dict(hidden_layer_sizes=(8, 8), activation="tanh", solver="sgd", momentum=0.9, nesterovs_momentum=True, batch_size=64, alpha=1e-3, learning_rate_init=0.01, max_iter=30)),
}


def main():
    out = {"sklearn": sklearn.__version__, "cases": {}}
    for seed, (name, (data, classifier, params)) in enumerate(CASES.items()):
        if data == "xor":
            X, y = XOR
        else:
            X, y = load(data)
            if not classifier:
                y = y / 100.0
        n_out = 1 if not classifier or len(np.unique(y)) == 2 else len(np.unique(y))
        units = [X.shape[1], *params["hidden_layer_sizes"], n_out]
        coefs, intercepts = initial_weights(units, params["activation"], 100 + seed)
        cls = started_from(MLPClassifier if classifier else MLPRegressor, coefs, intercepts)
        m = cls(shuffle=False, tol=0.0, n_iter_no_change=10**6, **params).fit(X, y)
        out["cases"][name] = {
            "data": data,
            "classifier": classifier,
            "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()},
            "initialCoefs": [c.tolist() for c in coefs],
            "initialIntercepts": [b.tolist() for b in intercepts],
            "coefs": [c.tolist() for c in m.coefs_],
            "intercepts": [b.tolist() for b in m.intercepts_],
            "lossCurve": list(m.loss_curve_),
        }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
