"""Reference numbers of scikit-learn's MLP warm starts, for test/mlp-warm-start.test.ts: a fit of
3 epochs from given initial weights, then a second fit with warm_start=True, shuffling off and no
stopping rule; n_iter_, loss_curve_ and t_ accumulate, the optimizer is made anew.

Run: /usr/bin/python3 scripts/sklearn-mlp-warm-fixtures.py > test/fixtures/sklearn-mlp-warm.json
"""
import importlib.util
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

warnings.simplefilter("ignore", ConvergenceWarning)
spec = importlib.util.spec_from_file_location("mlp", Path(__file__).with_name("sklearn-mlp-fixtures.py"))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)

CASES = {
    "diabetes-tanh-sgd-invscaling": ("diabetes", False, dict(hidden_layer_sizes=(6,), activation="tanh", solver="sgd", learning_rate="invscaling", power_t=0.25, momentum=0.9, batch_size=64, alpha=1e-3, learning_rate_init=0.01, max_iter=3)),
    "iris-relu-adam": ("iris", True, dict(hidden_layer_sizes=(5,), activation="relu", solver="adam", batch_size=32, alpha=1e-3, learning_rate_init=0.01, max_iter=3)),
}

out = {"sklearn": sklearn.__version__, "cases": {}}
for seed, (name, (data, classifier, params)) in enumerate(CASES.items()):
    X, y = base.load(data)
    if not classifier:
        y = y / 100.0
    n_out = 1 if not classifier or len(np.unique(y)) == 2 else len(np.unique(y))
    units = [X.shape[1], *params["hidden_layer_sizes"], n_out]
    coefs, intercepts = base.initial_weights(units, params["activation"], 300 + seed)
    cls = base.started_from(MLPClassifier if classifier else MLPRegressor, coefs, intercepts)
    m = cls(shuffle=False, tol=0.0, n_iter_no_change=10**6, warm_start=True, **params).fit(X, y)
    first = list(m.loss_curve_)
    m.fit(X, y)
    out["cases"][name] = {
        "data": data,
        "classifier": classifier,
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()},
        "initialCoefs": [c.tolist() for c in coefs],
        "initialIntercepts": [b.tolist() for b in intercepts],
        "firstLossCurve": first,
        "lossCurve": list(m.loss_curve_),
        "nIter": m.n_iter_,
        "coefs": [c.tolist() for c in m.coefs_],
        "intercepts": [b.tolist() for b in m.intercepts_],
    }
json.dump(out, sys.stdout)
sys.stdout.write("\n")
