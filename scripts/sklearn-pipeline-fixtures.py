"""Reference numbers for the preprocessing parity tests (test/preprocess-parity.test.ts).

Run with Debian's python3-sklearn (1.2.1) and python3-pandas:
    /usr/bin/python3 scripts/sklearn-pipeline-fixtures.py > test/fixtures/sklearn-pipeline.json
The data are the bundled data/cars.csv and data/penguins.csv as pandas reads them (an empty cell
is missing). Every SGD case trains without shuffling, so the result is deterministic.
"""

import json
import math
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, PolynomialFeatures, StandardScaler

warnings.simplefilter("ignore", ConvergenceWarning)
warnings.simplefilter("ignore", UserWarning)

NUMERIC = ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration"]


def clean(v):
    """A value for JSON: NaN as null, numpy scalars as Python ones."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return [clean(x) for x in v]
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def transformer_case(t, frame, columns, options):
    out = t.fit_transform(frame[columns])
    if hasattr(out, "toarray"):
        out = out.toarray()
    return {
        "columns": columns,
        "options": options,
        "names": [str(n) for n in t.get_feature_names_out()],
        "output": clean(np.asarray(out, dtype=object if out.dtype == object else float).tolist()),
    }


def main():
    cars = pd.read_csv("data/cars.csv")
    penguins = pd.read_csv("data/penguins.csv")
    out = {"sklearn": sklearn.__version__, "transformers": {}, "pipelines": {}}
    T = out["transformers"]
    T["imputer-mean-indicator"] = transformer_case(
        SimpleImputer(strategy="mean", add_indicator=True), cars, NUMERIC, {"strategy": "mean", "addIndicator": True})
    T["imputer-median"] = transformer_case(SimpleImputer(strategy="median"), cars, NUMERIC, {"strategy": "median"})
    T["imputer-constant"] = transformer_case(
        SimpleImputer(strategy="constant", fill_value=-1), cars, NUMERIC, {"strategy": "constant", "fillValue": -1})
    T["imputer-most-frequent-text"] = transformer_case(
        SimpleImputer(strategy="most_frequent"), penguins, ["Island", "Sex"], {"strategy": "mostFrequent"})
    T["onehot"] = transformer_case(OneHotEncoder(sparse_output=False), cars, ["Origin", "Cylinders"], {})
    T["onehot-drop-first"] = transformer_case(
        OneHotEncoder(sparse_output=False, drop="first"), cars, ["Origin", "Cylinders"], {"drop": "first"})
    T["onehot-min-frequency"] = transformer_case(
        OneHotEncoder(sparse_output=False, min_frequency=4, handle_unknown="infrequent_if_exist"), cars, ["Name"],
        {"minFrequency": 4, "handleUnknown": "infrequentIfExist"})
    T["onehot-min-frequency-fraction"] = transformer_case(
        OneHotEncoder(sparse_output=False, min_frequency=0.1), cars, ["Cylinders", "Origin"], {"minFrequency": 0.1})
    T["onehot-max-categories"] = transformer_case(
        OneHotEncoder(sparse_output=False, max_categories=4), cars, ["Name", "Cylinders"], {"maxCategories": 4})
    T["onehot-max-categories-drop"] = transformer_case(
        OneHotEncoder(sparse_output=False, max_categories=3, drop="first"), cars, ["Cylinders", "Origin"],
        {"maxCategories": 3, "drop": "first"})
    T["onehot-if-binary"] = transformer_case(
        OneHotEncoder(sparse_output=False, drop="if_binary", max_categories=2), cars, ["Origin", "Cylinders"],
        {"drop": "ifBinary", "maxCategories": 2})
    complete = cars.dropna(subset=NUMERIC).head(60)
    T["polynomial-3"] = transformer_case(
        PolynomialFeatures(degree=3, include_bias=False), complete, ["Cylinders", "Displacement", "Acceleration"],
        {"degree": 3})
    T["polynomial-interaction-bias"] = transformer_case(
        PolynomialFeatures(degree=2, interaction_only=True, include_bias=True), complete,
        ["Cylinders", "Displacement", "Acceleration"], {"degree": 2, "interactionOnly": True, "includeBias": True})
    T["minmax"] = transformer_case(MinMaxScaler(feature_range=(-1, 2)), cars, NUMERIC, {"featureRange": [-1, 2]})

    # Pipelines: imputer + scaler on numbers, imputer + one-hot on text, then SGD in file order.
    sgd = dict(shuffle=False, max_iter=5, tol=None, learning_rate="constant", eta0=0.01, alpha=1e-4)
    X = penguins.drop(columns=["Species"])
    y = penguins["Species"]
    pre = ColumnTransformer([
        ("num", Pipeline([("imp", SimpleImputer()), ("sc", StandardScaler())]), make_column_selector(dtype_include="number")),
        ("cat", Pipeline([("imp", SimpleImputer(strategy="most_frequent")), ("oh", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]),
         make_column_selector(dtype_include=object)),
    ])
    for name, loss in [("penguins-log", "log_loss"), ("penguins-hinge", "hinge")]:
        p = Pipeline([("pre", pre), ("clf", SGDClassifier(loss=loss, **sgd))]).fit(X, y)
        case = {
            "data": "penguins", "target": "Species", "loss": loss,
            "names": [str(n) for n in p[:-1].get_feature_names_out()],
            "coef": p[-1].coef_.tolist(), "intercept": p[-1].intercept_.tolist(),
            "classes": p[-1].classes_.tolist(),
            "predict": p.predict(X.head(30)).tolist(),
        }
        if loss == "log_loss":
            case["predictProba"] = p.predict_proba(X.head(30)).tolist()
        out["pipelines"][name] = case

    kept = cars.dropna(subset=["Miles_per_Gallon"])
    X = kept.drop(columns=["Miles_per_Gallon", "Year"])
    y = kept["Miles_per_Gallon"]
    pre = ColumnTransformer([
        ("num", Pipeline([("imp", SimpleImputer(strategy="median", add_indicator=True)), ("sc", StandardScaler())]), NUMERIC),
        ("origin", OneHotEncoder(drop="first", sparse_output=False), ["Origin"]),
        ("name", OneHotEncoder(max_categories=8, handle_unknown="infrequent_if_exist", sparse_output=False), ["Name"]),
    ])
    p = Pipeline([("pre", pre), ("reg", SGDRegressor(**sgd))]).fit(X, y)
    out["pipelines"]["cars-squared"] = {
        "data": "cars", "target": "Miles_per_Gallon", "loss": "squared_error",
        "names": [str(n) for n in p[:-1].get_feature_names_out()],
        "coef": p[-1].coef_.tolist(), "intercept": p[-1].intercept_.tolist(),
        "predict": p.predict(X.head(30)).tolist(),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()
