"""Reference values of scikit-learn 1.2.1's metrics for test/metrics.test.ts.

Run with Debian's python3-sklearn:
    /usr/bin/python3 scripts/sklearn-metrics-fixtures.py > test/fixtures/sklearn-metrics.json
Seeded data: regression targets and predictions, binary and three-class labels (numbers and
texts), scores and probabilities, with and without sample weights.
"""

import json
import warnings

import numpy as np
from sklearn import metrics as m

rng = np.random.RandomState(0)
n = 200
w = rng.uniform(0.2, 3.0, n)
y = rng.normal(3.0, 2.0, n)
p = y + rng.normal(0.2, 1.0, n)
yb = rng.randint(0, 2, n)
pb = np.where(rng.uniform(size=n) < 0.8, yb, 1 - yb)
sb = np.round(yb * 0.6 + rng.uniform(size=n) * 0.8, 2)  # ties on purpose
names = np.array(["bird", "cat", "dog"])
yc = names[rng.randint(0, 3, n)]
pc = np.where(rng.uniform(size=n) < 0.7, yc, names[rng.randint(0, 3, n)])
raw = rng.uniform(size=(n, 3)) + (yc[:, None] == names[None, :]) * 0.8
pr = raw / raw.sum(axis=1, keepdims=True)
pr[0] = [1.0, 0.0, 0.0]  # a zero probability, clipped

out = {"data": {"w": w.tolist(), "y": y.tolist(), "p": p.tolist(), "yb": yb.tolist(), "pb": pb.tolist(),
                "sb": sb.tolist(), "yc": yc.tolist(), "pc": pc.tolist(), "pr": pr.tolist()}, "cases": []}


def case(name, value, **args):
    out["cases"].append({"name": name, "value": float(value), **args})


for weighted in [False, True]:
    sw = w if weighted else None
    k = {"weighted": weighted}
    case("meanAbsoluteError", m.mean_absolute_error(y, p, sample_weight=sw), **k)
    case("meanSquaredError", m.mean_squared_error(y, p, sample_weight=sw), **k)
    case("rootMeanSquaredError", m.mean_squared_error(y, p, sample_weight=sw, squared=False), **k)
    case("r2Score", m.r2_score(y, p, sample_weight=sw), **k)
    case("explainedVarianceScore", m.explained_variance_score(y, p, sample_weight=sw), **k)
    case("accuracyScore", m.accuracy_score(yc, pc, sample_weight=sw), **k)
    case("balancedAccuracyScore", m.balanced_accuracy_score(yc, pc, sample_weight=sw), **k)
    for metric, fn in [("precisionScore", m.precision_score), ("recallScore", m.recall_score), ("f1Score", m.f1_score)]:
        case(metric, fn(yb, pb, sample_weight=sw), data="binary", **k)
        case(metric, fn(yb, pb, sample_weight=sw, pos_label=0), data="binary", posLabel=0, **k)
        for average in ["macro", "micro", "weighted"]:
            case(metric, fn(yc, pc, sample_weight=sw, average=average), data="multiclass", average=average, **k)
    case("rocAucScore", m.roc_auc_score(yb, sb, sample_weight=sw), data="binary", **k)
    case("rocAucScore", m.roc_auc_score(yc, pr, sample_weight=sw, multi_class="ovr"), data="multiclass", **k)
    case("rocAucScore", m.roc_auc_score(yc, pr, sample_weight=sw, multi_class="ovr", average="weighted"),
         data="multiclass", average="weighted", **k)
    case("logLoss", m.log_loss(yc, pr, sample_weight=sw), data="multiclass", **k)
    case("logLoss", m.log_loss(yb, sb, sample_weight=sw), data="binary", **k)


def num(v):
    # JSON has no NaN or infinity: those go as text.
    v = float(v)
    return v if np.isfinite(v) else str(v)


# The limits of r2 and explained variance (one row, a constant y, force_finite) as scikit-learn's own
# test_regression_metrics_at_limits and test_regression_single_sample take them.
limits = []
for fn_name, fn in [("r2Score", m.r2_score), ("explainedVarianceScore", m.explained_variance_score)]:
    for yy, pp in [([0.0], [1.0]), ([0.0], [0.0]), ([0.0, 0.0], [1.0, -1.0]), ([1.0, 1.0], [1.0, 1.0]), ([0.0, 1.0], [0.0, 1.0])]:
        for ff in [True, False]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                v = fn(yy, pp, force_finite=ff)
            limits.append({"name": fn_name, "y": yy, "p": pp, "forceFinite": ff, "value": num(v)})
out["limits"] = limits
# The confusion matrix normalised each way, with a label in `labels` that no row has (its row and
# column sum to 0, which scikit-learn's nan_to_num turns into zeros).
cm_labels = ["bird", "cat", "dog", "eel"]
out["confusionNormalized"] = {
    how: m.confusion_matrix(yc, pc, labels=cm_labels, sample_weight=w, normalize=how).tolist()
    for how in ["true", "pred", "all"]
}
# Options beyond sample weights, on cases of scikit-learn's own test_classification.py: the log
# loss's labels, normalize and eps (boundary values at eps = 0 included), accuracy as a count,
# and precision, recall and F1 over given labels with zero_division 0 and 1.
options_cases = []


def option_case(fn_name, fn, y_true, y_pred, ours, **sk):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = fn(y_true, y_pred, **sk)
    options_cases.append({"name": fn_name, "y": list(y_true), "pred": y_pred, "options": ours, "value": num(v)})


syms = ["no", "no", "no", "yes", "yes", "yes"]
sym_pred = [[0.5, 0.5], [0.1, 0.9], [0.01, 0.99], [0.9, 0.1], [0.75, 0.25], [0.001, 0.999]]
option_case("logLoss", m.log_loss, syms, sym_pred, {})
three = [[0.2, 0.7, 0.1], [0.6, 0.2, 0.2], [0.6, 0.1, 0.3]]
option_case("logLoss", m.log_loss, [1, 0, 2], three, {})
option_case("logLoss", m.log_loss, [1, 0, 2] * 2, three * 2, {"normalize": False}, normalize=False)
hard = (np.asarray(three * 2) > 0.5).astype(float).tolist()
option_case("logLoss", m.log_loss, [1, 0, 2] * 2, hard, {"eps": 0.1}, eps=0.1)
option_case("logLoss", m.log_loss, [0, 1], [0.0, 1.0], {"eps": 0}, eps=0)
option_case("logLoss", m.log_loss, [0, 1], [0.0, 0.0], {"eps": 0}, eps=0)
option_case("logLoss", m.log_loss, [0, 1, 2], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], {"eps": 0}, eps=0)
option_case("logLoss", m.log_loss, [0, 1, 2], [[0, 0.5, 0.5], [0, 1, 0], [0, 0, 1]], {"eps": 0}, eps=0)
option_case("logLoss", m.log_loss, ["ham", "spam", "spam", "ham"], [[0.2, 0.7], [0.6, 0.5], [0.4, 0.1], [0.7, 0.2]], {})
option_case("logLoss", m.log_loss, [2, 2], [[0.1, 0.9], [0.1, 0.9]], {"labels": [1, 2]}, labels=[1, 2])
option_case("logLoss", m.log_loss, [1, 2, 2], [[0.2, 0.7, 0.3], [0.6, 0.5, 0.3], [0.3, 0.9, 0.1]],
            {"labels": [1, 2, 3]}, labels=[1, 2, 3])
option_case("logLoss", m.log_loss, [1, 2, 2], [[0.2, 0.7, 0.3], [0.6, 0.5, 0.3], [0.3, 0.9, 0.1]],
            {"labels": [3, 1, 2], "normalize": False, "sampleWeight": [1, 2, 0.5]},
            labels=[3, 1, 2], normalize=False, sample_weight=[1, 2, 0.5])
option_case("accuracyScore", m.accuracy_score, yc.tolist(), pc.tolist(), {"normalize": False}, normalize=False)
option_case("accuracyScore", m.accuracy_score, yc.tolist(), pc.tolist(), {"normalize": False, "sampleWeight": w.tolist()},
            normalize=False, sample_weight=w)
for fn_name, fn in [("precisionScore", m.precision_score), ("recallScore", m.recall_score), ("f1Score", m.f1_score)]:
    for zd in [0, 1]:
        option_case(fn_name, fn, [0, 0, 1, 1], [0, 0, 0, 0], {"zeroDivision": zd}, zero_division=zd)
        option_case(fn_name, fn, [0, 0, 0, 0], [0, 0, 0, 0], {"zeroDivision": zd}, zero_division=zd)
        for average in ["macro", "micro", "weighted"]:
            option_case(fn_name, fn, yc.tolist(), pc.tolist(), {"average": average, "labels": ["dog", "cat", "eel"], "zeroDivision": zd},
                        average=average, labels=["dog", "cat", "eel"], zero_division=zd)
            option_case(fn_name, fn, [1, 1, 2], [1, 1, 2], {"average": average, "labels": [3, 4], "zeroDivision": zd},
                        average=average, labels=[3, 4], zero_division=zd)
            option_case(fn_name, fn, [1, 1, 2], [3, 3, 3], {"average": average, "labels": [3, 4], "zeroDivision": zd},
                        average=average, labels=[3, 4], zero_division=zd)
# scikit-learn's test_multiclass_ovr_roc_auc_toydata: one-vs-rest areas over named classes.
toy_scores = [[1.0, 0.0, 0.0], [0.1, 0.5, 0.4], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]
for average in ["macro", "weighted"]:
    option_case("rocAucScore", m.roc_auc_score, ["a", "b", "a", "c"], toy_scores, {"average": average, "labels": ["a", "b", "c"]},
                multi_class="ovr", average=average, labels=["a", "b", "c"])
    option_case("rocAucScore", m.roc_auc_score, [0, 1, 0, 2], toy_scores, {"average": average},
                multi_class="ovr", average=average)
# The further regression errors and the Matthews correlation, with and without weights.
for weighted in [False, True]:
    sw = {"sample_weight": w} if weighted else {}
    ours = {"sampleWeight": w.tolist()} if weighted else {}
    option_case("medianAbsoluteError", m.median_absolute_error, y.tolist(), p.tolist(), ours, **sw)
    option_case("meanAbsolutePercentageError", m.mean_absolute_percentage_error, y.tolist(), p.tolist(), ours, **sw)
    option_case("meanSquaredLogError", m.mean_squared_log_error, np.abs(y).tolist(), np.abs(p).tolist(), ours, **sw)
    option_case("matthewsCorrcoef", m.matthews_corrcoef, yc.tolist(), pc.tolist(), ours, **sw)
    option_case("matthewsCorrcoef", m.matthews_corrcoef, yb.tolist(), pb.tolist(), ours, **sw)
option_case("maxError", m.max_error, y.tolist(), p.tolist(), {})
option_case("medianAbsoluteError", m.median_absolute_error, [1, 2, 3, 4], [1, 1, 1, 1], {})
option_case("medianAbsoluteError", m.median_absolute_error, [1, 2, 3, 4], [1, 1, 1, 1], {"sampleWeight": [1, 1, 1, 1]},
            sample_weight=[1, 1, 1, 1])
option_case("medianAbsoluteError", m.median_absolute_error, [1, 2, 3, 4, 5], [1, 1, 1, 1, 1], {"sampleWeight": [0, 5, 1, 1, 3]},
            sample_weight=[0, 5, 1, 1, 3])
option_case("meanAbsolutePercentageError", m.mean_absolute_percentage_error, [0, 2, -4], [1, 2, -3], {})
option_case("matthewsCorrcoef", m.matthews_corrcoef, [1, 1, 1], [1, 1, 1], {})
option_case("matthewsCorrcoef", m.matthews_corrcoef, [0, 1, 0, 1], [1, 0, 1, 0], {})
# Scores and probabilities of two classes: the average precision (ties in sb on purpose) and the
# Brier score.
sb_unit = np.clip(sb, 0, 1)
for weighted in [False, True]:
    sw = {"sample_weight": w} if weighted else {}
    ours = {"sampleWeight": w.tolist()} if weighted else {}
    option_case("averagePrecisionScore", m.average_precision_score, yb.tolist(), sb.tolist(), ours, **sw)
    option_case("averagePrecisionScore", m.average_precision_score, yb.tolist(), sb.tolist(), {**ours, "posLabel": 0},
                pos_label=0, **sw)
    option_case("brierScoreLoss", m.brier_score_loss, yb.tolist(), sb_unit.tolist(), ours, **sw)
    option_case("brierScoreLoss", m.brier_score_loss, yb.tolist(), sb_unit.tolist(), {**ours, "posLabel": 0},
                pos_label=0, **sw)
option_case("averagePrecisionScore", m.average_precision_score, ["no", "yes", "yes", "no", "yes"], [0.1, 0.8, 0.4, 0.4, 0.9],
            {"posLabel": "yes"}, pos_label="yes")
option_case("averagePrecisionScore", m.average_precision_score, [0, 0, 0], [0.1, 0.5, 0.3], {})
option_case("brierScoreLoss", m.brier_score_loss, ["no", "yes", "yes"], [0.2, 0.7, 1.0], {"posLabel": "yes"},
            pos_label="yes")
option_case("brierScoreLoss", m.brier_score_loss, [0, 0, 0], [0.2, 0.7, 0.0], {})
for average in ["macro", "weighted"]:
    option_case("rocAucScore", m.roc_auc_score, yc.tolist(), pr.tolist(), {"multiClass": "ovo", "average": average},
                multi_class="ovo", average=average)
    option_case("rocAucScore", m.roc_auc_score, ["a", "b", "a", "c"], toy_scores, {"multiClass": "ovo", "average": average},
                multi_class="ovo", average=average)
out["optionCases"] = options_cases
# The curves themselves: roc_curve with and without drop_intermediate (weights with zeros among
# them, whose rows scikit-learn leaves out), and precision_recall_curve, on the tied scores.
w_zeros = w.copy()
w_zeros[::7] = 0
curves = []
for weights in [None, w, w_zeros]:
    sw = {} if weights is None else {"sample_weight": weights}
    ours = {} if weights is None else {"sampleWeight": weights.tolist()}
    for drop in [True, False]:
        fpr, tpr, th = m.roc_curve(yb, sb, drop_intermediate=drop, **sw)
        curves.append({"name": "rocCurve", "y": yb.tolist(), "score": sb.tolist(), "options": {**ours, "dropIntermediate": drop},
                       "out": {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": th.tolist()}})
    pr, rc, th = m.precision_recall_curve(yb, sb, **sw)
    curves.append({"name": "precisionRecallCurve", "y": yb.tolist(), "score": sb.tolist(), "options": ours,
                   "out": {"precision": pr.tolist(), "recall": rc.tolist(), "thresholds": th.tolist()}})
pr, rc, th = m.precision_recall_curve(["no", "yes", "yes", "no", "yes"], [0.1, 0.8, 0.4, 0.4, 0.9], pos_label="yes")
curves.append({"name": "precisionRecallCurve", "y": ["no", "yes", "yes", "no", "yes"], "score": [0.1, 0.8, 0.4, 0.4, 0.9],
               "options": {"posLabel": "yes"}, "out": {"precision": pr.tolist(), "recall": rc.tolist(), "thresholds": th.tolist()}})
out["curves"] = curves
out["confusion"] = m.confusion_matrix(yc, pc).tolist()
out["confusionWeighted"] = m.confusion_matrix(yc, pc, sample_weight=w).tolist()
print(json.dumps(out))
