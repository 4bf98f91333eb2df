"""Reference numbers of scikit-learn's 'adaptive' learning rate to its last plateau, for
test/adaptive-schedule.test.ts: SGDRegressor and MLPRegressor without shuffling, stopping when a
plateau comes at a rate at or below 1e-6 (epochs run, weights, and the MLP's loss curve).

Run: /usr/bin/python3 scripts/sklearn-adaptive-fixtures.py > test/fixtures/sklearn-adaptive.json
"""
import importlib.util
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDRegressor
from sklearn.neural_network import MLPRegressor

warnings.simplefilter("ignore", ConvergenceWarning)
spec = importlib.util.spec_from_file_location("mlp", Path(__file__).with_name("sklearn-mlp-fixtures.py"))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)

X, y = base.load("diabetes")
out = {"sklearn": sklearn.__version__, "linear": {}, "mlp": {}}
for name, params in {
    # No penalty: scikit-learn's tol rule compares the data loss alone, descent's the objective J
    # (penalty included), so with a penalty the plateaus may come at other epochs.
    "eta0.01-tol1e-3": dict(eta0=0.01, tol=1e-3, alpha=0.0),
    "eta0.05-tol1e-2": dict(eta0=0.05, tol=1e-2, alpha=0.0),
}.items():
    m = SGDRegressor(learning_rate="adaptive", shuffle=False, max_iter=1000, n_iter_no_change=5, **params).fit(X, y)
    out["linear"][name] = {"params": params, "nIter": m.n_iter_, "coef": m.coef_.tolist(), "intercept": float(m.intercept_[0])}

params = dict(hidden_layer_sizes=(6,), activation="tanh", solver="sgd", learning_rate="adaptive", momentum=0.9, batch_size=64, alpha=1e-3, learning_rate_init=0.01, max_iter=400)
units = [X.shape[1], 6, 1]
coefs, intercepts = base.initial_weights(units, "tanh", 500)
cls = base.started_from(MLPRegressor, coefs, intercepts)
m = cls(shuffle=False, tol=1e-3, n_iter_no_change=3, **params).fit(X, y / 100.0)
out["mlp"] = {
    "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()},
    "initialCoefs": [c.tolist() for c in coefs],
    "initialIntercepts": [b.tolist() for b in intercepts],
    "nIter": m.n_iter_,
    "lossCurve": list(m.loss_curve_),
    "coefs": [c.tolist() for c in m.coefs_],
}
json.dump(out, sys.stdout)
sys.stdout.write("\n")
