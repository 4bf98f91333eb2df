"""scikit-learn's SGD as a timing peer of `npm run bench` (bench/sklearn-peer.ts).

Reads the bench data that the Node side wrote (raw little-endian float64 files), then answers one
request per line on stdin with one line of JSON on stdout: the wall time of one whole `fit` call
(input checks included, as descent's `fit` is timed with its own). Requests are JSON objects
{"estimator": "regressor" | "hinge" | "log" | "regressor-elasticnet" | "regressor-average",
"shuffle": bool, "epochs": int, "eta0": float, "alpha": float}, with "grid": {"alpha": [...], "eta0": [...]}
and "folds": k to time GridSearchCV over that estimator instead. A request {"quit": true} ends the process.
"""

import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.model_selection import GridSearchCV

warnings.filterwarnings("ignore", category=ConvergenceWarning)


def load(prefix, n, d):
    x = np.fromfile(prefix + ".X.f64", dtype="<f8").reshape(n, d)
    y = np.fromfile(prefix + ".y.f64", dtype="<f8")
    label = np.fromfile(prefix + ".label.f64", dtype="<f8")
    return x, y, label


def model(req):
    common = dict(
        learning_rate="constant",
        eta0=req["eta0"],
        alpha=req["alpha"],
        penalty="l2",
        max_iter=req["epochs"],
        tol=None,
        shuffle=req["shuffle"],
        random_state=0,
    )
    if req["estimator"] == "regressor":
        return SGDRegressor(loss="squared_error", **common)
    if req["estimator"] == "regressor-elasticnet":
        return SGDRegressor(loss="squared_error", **{**common, "penalty": "elasticnet", "l1_ratio": 0.15})
    if req["estimator"] == "regressor-average":
        return SGDRegressor(loss="squared_error", average=True, **common)
    loss = "hinge" if req["estimator"] == "hinge" else "log_loss"
    return SGDClassifier(loss=loss, **common)


def main():
    prefix, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    x, y, label = load(prefix, n, d)
    print(json.dumps({"ready": True, "sklearn": sklearn.__version__, "numpy": np.__version__}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("quit"):
            break
        target = y if req["estimator"] == "regressor" else label
        m = model(req)
        if req.get("grid"):
            # GridSearchCV over eta0 and alpha on unshuffled K folds, one job, refit on all rows.
            m = GridSearchCV(m, req["grid"], cv=req["folds"], n_jobs=1)
        t0 = time.perf_counter()
        m.fit(x, target)
        ms = (time.perf_counter() - t0) * 1000.0
        fitted = m.best_estimator_ if req.get("grid") else m
        print(json.dumps({"ms": ms, "intercept": float(np.ravel(fitted.intercept_)[0])}), flush=True)


if __name__ == "__main__":
    main()
