"""Reference numbers of scikit-learn's cross-validation and grid search, for
test/model-selection.test.ts: SGDRegressor and SGDClassifier without shuffling (so the results are
deterministic) on the bundled CSVs standardised with the population std.

Run: /usr/bin/python3 scripts/sklearn-search-fixtures.py > test/fixtures/sklearn-search.json
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.model_selection import GridSearchCV, cross_val_predict, cross_validate, learning_curve, validation_curve
from sklearn.preprocessing import StandardScaler

warnings.simplefilter("ignore", ConvergenceWarning)


def load(name):
    raw = np.loadtxt(f"data/{name}.csv", delimiter=",", skiprows=1)
    return StandardScaler().fit_transform(raw[:, :-1]), raw[:, -1]


BASE = dict(shuffle=False, max_iter=5, tol=None, learning_rate="constant", eta0=0.01)
out = {"sklearn": sklearn.__version__}

X, y = load("diabetes")
grid = {"alpha": [1e-4, 1e-2, 1.0], "eta0": [0.001, 0.01]}
g = GridSearchCV(SGDRegressor(**BASE), grid, cv=5).fit(X, y)
r = g.cv_results_
out["gridRegression"] = {
    "grid": grid,
    "params": [{k: float(v) for k, v in p.items()} for p in r["params"]],
    "mean": r["mean_test_score"].tolist(),
    "std": r["std_test_score"].tolist(),
    "rank": r["rank_test_score"].tolist(),
    "splits": [r[f"split{i}_test_score"].tolist() for i in range(5)],
    "bestParams": {k: float(v) for k, v in g.best_params_.items()},
    "bestCoef": g.best_estimator_.coef_.tolist(),
}

# Several scorers, ranked and refitted by the second (scikit-learn's refit='name').
gm = GridSearchCV(
    SGDRegressor(**BASE), grid, cv=5, scoring=["r2", "neg_mean_absolute_error"], refit="neg_mean_absolute_error"
).fit(X, y)
rm = gm.cv_results_
out["gridMultiMetric"] = {
    "params": [{k: float(v) for k, v in p.items()} for p in rm["params"]],
    "scorers": {
        name: {"mean": rm[f"mean_test_{name}"].tolist(), "std": rm[f"std_test_{name}"].tolist(), "rank": rm[f"rank_test_{name}"].tolist()}
        for name in ["r2", "neg_mean_absolute_error"]
    },
    "bestParams": {k: float(v) for k, v in gm.best_params_.items()},
    "bestScore": float(gm.best_score_),
}

Xc, yc = load("breast_cancer")
cv = cross_validate(
    SGDClassifier(loss="hinge", alpha=1e-3, **BASE),
    Xc,
    yc,
    cv=4,
    scoring=["accuracy", "f1", "neg_log_loss" if False else "balanced_accuracy"],
    return_train_score=True,
)
out["cvClassifier"] = {
    "accuracy": cv["test_accuracy"].tolist(),
    "f1": cv["test_f1"].tolist(),
    "balanced_accuracy": cv["test_balanced_accuracy"].tolist(),
    "trainAccuracy": cv["train_accuracy"].tolist(),
}
# Held-out predictions of every row (cross_val_predict): values, labels and probabilities.
out["crossValPredict"] = {
    "regression": cross_val_predict(SGDRegressor(**BASE), X, y, cv=5).tolist(),
    "hingeLabels": cross_val_predict(SGDClassifier(loss="hinge", alpha=1e-3, **BASE), Xc, yc, cv=4).tolist(),
    "logProba": cross_val_predict(
        SGDClassifier(loss="log_loss", alpha=1e-3, **BASE), Xc, yc, cv=4, method="predict_proba"
    ).tolist(),
}
# Scores over growing training sets and over one option's values.
sizes, lc_train, lc_test = learning_curve(SGDRegressor(**BASE), X, y, train_sizes=[0.1, 0.3, 0.55, 1.0], cv=5)
vc_train, vc_test = validation_curve(SGDRegressor(**BASE), X, y, param_name="alpha", param_range=[1e-4, 1e-2, 1.0], cv=5)
out["curves"] = {
    "learning": {"sizes": sizes.tolist(), "train": lc_train.tolist(), "test": lc_test.tolist()},
    "validation": {"values": [1e-4, 1e-2, 1.0], "train": vc_train.tolist(), "test": vc_test.tolist()},
}
print(json.dumps(out))
