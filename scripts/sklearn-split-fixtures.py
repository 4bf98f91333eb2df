"""Reference index sets of scikit-learn's splitters (unshuffled), for test/splitters.test.ts.

Run: python3 scripts/sklearn-split-fixtures.py > test/fixtures/sklearn-splits.json
"""
import json

import numpy as np
import sklearn
from sklearn.model_selection import KFold, StratifiedKFold, TimeSeriesSplit, train_test_split

cases = {"sklearn": sklearn.__version__, "kfold": [], "stratified": [], "trainTest": [], "timeSeries": []}
for n, k in [(10, 5), (11, 3), (7, 7), (100, 4), (13, 2)]:
    folds = [{"train": tr.tolist(), "test": te.tolist()} for tr, te in KFold(n_splits=k).split(np.zeros(n))]
    cases["kfold"].append({"n": n, "k": k, "folds": folds})
rng = np.random.RandomState(0)
labelsets = [
    [0] * 6 + [1] * 4,
    ["b", "a", "b", "c", "a", "b", "c", "c", "a", "b", "b", "a"],
    rng.randint(0, 3, 50).tolist(),
    [1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 1, 1, 2, 3, 3, 3, 3, 1],
    rng.randint(0, 5, 97).tolist(),
]
for y in labelsets:
    for k in [2, 3]:
        folds = [
            {"train": tr.tolist(), "test": te.tolist()}
            for tr, te in StratifiedKFold(n_splits=k).split(np.zeros(len(y)), y)
        ]
        cases["stratified"].append({"y": y, "k": k, "folds": folds})
for n, size in [(10, 0.25), (10, 0.3), (7, 0.5), (100, 0.2), (9, 2)]:
    tr, te = train_test_split(np.arange(n), test_size=size, shuffle=False)
    cases["trainTest"].append({"n": n, "testSize": size, "train": tr.tolist(), "test": te.tolist()})
for n, args in [(10, {}), (12, {"n_splits": 3}), (20, {"n_splits": 4, "gap": 2}), (30, {"n_splits": 3, "max_train_size": 5}),
                (25, {"n_splits": 3, "test_size": 4, "gap": 1}), (7, {"n_splits": 2, "test_size": 3, "max_train_size": 2})]:
    folds = [{"train": tr.tolist(), "test": te.tolist()} for tr, te in TimeSeriesSplit(**args).split(np.zeros(n))]
    cases["timeSeries"].append({"n": n, "args": args, "folds": folds})
print(json.dumps(cases))
