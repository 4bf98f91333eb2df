"""Reference numbers of scikit-learn's MLP L-BFGS solver, multi-label and multi-output networks,
and of SciPy's L-BFGS-B on its own, for test/mlp-lbfgs.test.ts and test/lbfgs.test.ts.

Run with Debian's python3-sklearn (1.2.1) and python3-scipy:
    /usr/bin/python3 scripts/sklearn-mlp-lbfgs-fixtures.py > test/fixtures/sklearn-mlp-lbfgs.json
MLP cases start from given initial weights (as scripts/sklearn-mlp-fixtures.py) and record the
final weights, n_iter_, loss_ and every objective value L-BFGS evaluated, in order; SGD/Adam cases
record the loss curve. SciPy cases record x after each iteration, nit and nfev.

The L-BFGS cases stop within 45 iterations: descent's gradients differ from scikit-learn's (BLAS
sums) by about 1e-16, and L-BFGS on these networks amplifies that about tenfold every five
iterations (measured: 1e-9 apart by iteration 50, 1e-7 by 60 to 80), so 1e-8 agreement holds for
some 45 iterations, the same algorithm run on two BLAS builds would part as much.
"""
import importlib.util
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize, rosen, rosen_der
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

warnings.simplefilter("ignore", ConvergenceWarning)
spec = importlib.util.spec_from_file_location("mlp", Path(__file__).with_name("sklearn-mlp-fixtures.py"))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)


def recording(cls):
    """The estimator class, recording each objective value its L-BFGS evaluates."""

    class Recording(cls):
        def _loss_grad_lbfgs(self, *args):
            loss, grad = super()._loss_grad_lbfgs(*args)
            self.evaluations_.append(float(loss))
            return loss, grad

    return Recording


def targets(data, kind):
    """y for a case: the dataset's own, or a label / output matrix built from it."""
    X, y = base.load(data)
    if kind == "regression":
        return X, y / 100.0
    if kind == "multi-output":
        # diabetes: progression/100 and the standardised bmi column's square as a second output.
        return X, np.column_stack([y / 100.0, X[:, 2] ** 2])
    if kind == "multi-label":
        # iris: setosa?, and petal length above its median?; three labels with petal width > median.
        return X, np.column_stack([(y == 0), (X[:, 2] > np.median(X[:, 2])), (X[:, 3] > np.median(X[:, 3]))]).astype(float)
    return X, y


# name: (data, kind, parameters)
CASES = {
    "iris-tanh-lbfgs": ("iris", "classes", dict(hidden_layer_sizes=(5,), activation="tanh", solver="lbfgs", alpha=1e-3, max_iter=45)),
    "cancer-relu-lbfgs": ("breast_cancer", "classes", dict(hidden_layer_sizes=(8,), activation="relu", solver="lbfgs", alpha=1e-2, max_iter=40)),
    "diabetes-logistic-lbfgs-two-layers": ("diabetes", "regression", dict(hidden_layer_sizes=(6, 4), activation="logistic", solver="lbfgs", alpha=1e-3, max_iter=45)),
    "diabetes-relu-lbfgs-maxfun": ("diabetes", "regression", dict(hidden_layer_sizes=(10,), activation="relu", solver="lbfgs", alpha=1e-4, max_iter=200, max_fun=30)),
    "iris-tanh-lbfgs-tol": ("iris", "classes", dict(hidden_layer_sizes=(4,), activation="tanh", solver="lbfgs", alpha=1e-2, max_iter=500, tol=1e-3)),
    "iris-multilabel-lbfgs": ("iris", "multi-label", dict(hidden_layer_sizes=(6,), activation="tanh", solver="lbfgs", alpha=1e-3, max_iter=50)),
    "iris-multilabel-adam": ("iris", "multi-label", dict(hidden_layer_sizes=(6,), activation="relu", solver="adam", batch_size=30, alpha=1e-3, learning_rate_init=0.01, max_iter=25)),
    "diabetes-multioutput-lbfgs": ("diabetes", "multi-output", dict(hidden_layer_sizes=(8,), activation="tanh", solver="lbfgs", alpha=1e-3, max_iter=50)),
    "diabetes-multioutput-sgd": ("diabetes", "multi-output", dict(hidden_layer_sizes=(8,), activation="relu", solver="sgd", momentum=0.9, batch_size=64, alpha=1e-3, learning_rate_init=0.01, max_iter=25)),
}


def mlp_cases():
    cases = {}
    for seed, (name, (data, kind, params)) in enumerate(CASES.items()):
        X, y = targets(data, kind)
        classifier = kind in ("classes", "multi-label")
        if kind == "classes":
            n_out = 1 if len(np.unique(y)) == 2 else len(np.unique(y))
        else:
            n_out = 1 if y.ndim == 1 else y.shape[1]
        units = [X.shape[1], *params["hidden_layer_sizes"], n_out]
        coefs, intercepts = base.initial_weights(units, params["activation"], 500 + seed)
        cls = recording(base.started_from(MLPClassifier if classifier else MLPRegressor, coefs, intercepts))
        m = cls(shuffle=False, **({} if params["solver"] == "lbfgs" else dict(tol=0.0, n_iter_no_change=10**6)), **params)
        m.evaluations_ = []
        m.fit(X, y)
        X_test = X[::7]
        entry = {
            "data": data,
            "kind": kind,
            "y": y.tolist() if kind in ("multi-output", "multi-label") else None,
            "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()},
            "initialCoefs": [c.tolist() for c in coefs],
            "initialIntercepts": [b.tolist() for b in intercepts],
            "coefs": [c.tolist() for c in m.coefs_],
            "intercepts": [b.tolist() for b in m.intercepts_],
            "nIter": int(m.n_iter_),
            "loss": float(m.loss_),
            "predict": np.asarray(m.predict(X_test), dtype=float).tolist(),
            "score": float(m.score(X, y)),
        }
        if classifier:
            entry["predictProba"] = m.predict_proba(X_test).tolist()
        if params["solver"] == "lbfgs":
            entry["evaluations"] = m.evaluations_
        else:
            entry["lossCurve"] = list(m.loss_curve_)
        cases[name] = entry
    return cases


def scipy_cases():
    out = {}
    starts = {"rosenbrock-2": np.array([-1.2, 1.0]), "rosenbrock-8": np.array([-1.2, 1.0, -0.5, 0.8, 1.3, -1.0, 0.2, 0.9])}
    for name, x0 in starts.items():
        path = []
        r = minimize(rosen, x0, jac=rosen_der, method="L-BFGS-B", callback=lambda xk: path.append(xk.tolist()), options={"maxiter": 200})
        out[name] = {"x0": x0.tolist(), "path": path, "nit": int(r.nit), "nfev": int(r.nfev), "x": r.x.tolist(), "fun": float(r.fun)}
    return out


json.dump({"sklearn": sklearn.__version__, "scipy": scipy.__version__, "mlp": mlp_cases(), "scipy": scipy_cases()}, sys.stdout)
sys.stdout.write("\n")
