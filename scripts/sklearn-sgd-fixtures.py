"""Reference numbers for the scikit-learn SGD parity tests (test/sklearn-sgd-parity.test.ts).

Run with Debian's python3-sklearn (1.2.1):
    /usr/bin/python3 scripts/sklearn-sgd-fixtures.py > test/fixtures/sklearn-sgd.json
Every case trains without shuffling, so the row order is the file's and the result is
deterministic; the data are the bundled CSVs, standardised with the population std.
"""

import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.preprocessing import StandardScaler

warnings.simplefilter("ignore", ConvergenceWarning)


def load(name):
    """The bundled CSV standardised, or as it is for a name ending in '-raw'."""
    file = name.removesuffix("-raw")
    raw = np.loadtxt(f"data/{file}.csv", delimiter=",", skiprows=1)
    X = raw[:, :-1] if name.endswith("-raw") else StandardScaler().fit_transform(raw[:, :-1])
    return X, raw[:, -1]


# Common settings: 5 epochs in file order, a fixed rate, no tolerance stop.
BASE = dict(shuffle=False, max_iter=5, tol=None, learning_rate="constant", eta0=0.01)

REGRESSION = {
    "l1": dict(penalty="l1", alpha=0.5),
    "elasticnet": dict(penalty="elasticnet", alpha=0.5, l1_ratio=0.5),
    "l1-invscaling": dict(penalty="l1", alpha=0.2, learning_rate="invscaling", eta0=0.05),
    "average": dict(penalty="l2", alpha=1e-4, average=True),
    "average-10": dict(penalty="l2", alpha=1e-4, average=10),
    "epsilonInsensitive": dict(loss="epsilon_insensitive", epsilon=0.1, penalty="l2", alpha=1e-4, eta0=0.05),
    "squaredEpsilonInsensitive": dict(loss="squared_epsilon_insensitive", epsilon=5.0, penalty="l2", alpha=1e-4),
    "huge-alpha": dict(penalty="l2", alpha=1e5),
}

CLASSIFICATION = {
    "modifiedHuber": ("breast_cancer", dict(loss="modified_huber", penalty="l2", alpha=1e-4)),
    "perceptron": ("breast_cancer", dict(loss="perceptron", penalty=None, alpha=1e-4, eta0=1.0)),
    "hinge-l1": ("breast_cancer", dict(loss="hinge", penalty="l1", alpha=0.01)),
    "hinge-elasticnet": ("breast_cancer", dict(loss="hinge", penalty="elasticnet", alpha=0.01, l1_ratio=0.3)),
    "hinge-average": ("breast_cancer", dict(loss="hinge", penalty="l2", alpha=1e-4, average=True)),
    "log-average-10": ("breast_cancer", dict(loss="log_loss", penalty="l2", alpha=1e-4, average=10)),
    "modifiedHuber-iris": ("iris", dict(loss="modified_huber", penalty="l2", alpha=1e-3)),
    "perceptron-iris": ("iris", dict(loss="perceptron", penalty=None, alpha=1e-4, eta0=1.0)),
    # Unscaled iris under the 'optimal' rate: the first epochs' hinge is over 100 times the all-zero
    # model's, and the run comes back (descent's divergence guard once stopped it).
    # scikit-learn's SGDClassifier also takes the regression losses, on the ±1 targets.
    "squared-error": ("breast_cancer", dict(loss="squared_error", penalty="l2", alpha=1e-4, eta0=0.001)),
    "huber": ("breast_cancer", dict(loss="huber", epsilon=0.5, penalty="l2", alpha=1e-4)),
    "epsilon-insensitive-iris": ("iris", dict(loss="epsilon_insensitive", epsilon=0.2, penalty="l2", alpha=1e-3)),
    "squared-epsilon-insensitive": ("breast_cancer", dict(loss="squared_epsilon_insensitive", epsilon=0.1, penalty="l2", alpha=1e-4, eta0=0.001)),
    # One-vs-rest class weights, scikit-learn's convention: each problem weighs its positive class only.
    "hinge-class-weight-iris": ("iris", dict(loss="hinge", penalty="l2", alpha=1e-3, class_weight={0: 1.0, 1: 3.0, 2: 0.5})),
    "hinge-optimal-raw-iris": ("iris-raw", dict(loss="hinge", penalty="l2", alpha=1e-4, learning_rate="optimal", max_iter=31)),
}


def main():
    out = {"sklearn": sklearn.__version__, "regression": {}, "classification": {}}
    X, y = load("diabetes")
    for name, params in REGRESSION.items():
        m = SGDRegressor(**{**BASE, **params}).fit(X, y)
        out["regression"][name] = {
            "params": params,
            "coef": m.coef_.tolist(),
            "intercept": float(m.intercept_[0]),
        }
    for name, (data, params) in CLASSIFICATION.items():
        X, y = load(data)
        m = SGDClassifier(**{**BASE, **params}).fit(X, y)
        case = {
            "data": data,
            "params": {k: v for k, v in params.items() if k != "class_weight"},
            **({"classWeight": {str(k): v for k, v in params["class_weight"].items()}} if "class_weight" in params else {}),
            "coef": m.coef_.tolist(),
            "intercept": m.intercept_.tolist(),
            "predict": m.predict(X[:20]).tolist(),
        }
        if params["loss"] == "modified_huber":
            case["predictProba"] = m.predict_proba(X[:20]).tolist()
        out["classification"][name] = case
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()
