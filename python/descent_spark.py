"""Exact full-batch training of a descent linear model on a Spark cluster (a recipe; UNTESTED here:
no Spark could be installed on the machines this project is built on).

Barrier mode runs one task per partition, all at once. Each task writes its rows to a local CSV,
starts one long-lived `descent worker` on it, and then all tasks iterate in lockstep: each asks
its worker for the partial loss and gradient at the current parameters, `allGather` hands every
task every partial sum, each task adds them in partition order and takes the same plain-SGD step
(scikit-learn's form, as descent's fit with batchSize 'full'), so every task holds the same
parameters after every iteration. Task 0's parameters are the result.

    from descent_spark import fit_full_batch
    coef, intercept = fit_full_batch(df, features=["x0", "x1"], target="y",
                                     cli="/opt/descent/dist/cli/main.js", epochs=100,
                                     learning_rate=0.1, alpha=1e-4)
"""

import csv
import json
import os
import subprocess
import tempfile


def fit_full_batch(df, features, target, cli, epochs=100, learning_rate=0.1, alpha=1e-4, loss="squared",
                   node="node"):
    """Plain full-batch gradient descent over the DataFrame's partitions; returns (coef, intercept)."""
    d = len(features)
    n = df.count()

    def train(index, rows):
        from pyspark import BarrierTaskContext

        ctx = BarrierTaskContext.get()
        path = os.path.join(tempfile.mkdtemp(), f"part-{index}.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow([*features, target])
            for r in rows:
                w.writerow([repr(float(r[c])) for c in [*features, target]])
        worker = subprocess.Popen([node, cli, "worker", path, "--target", target],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        json.loads(worker.stdout.readline())
        params = [0.0] * (d + 1)
        decay = max(0.0, 1.0 - learning_rate * alpha)
        for _ in range(epochs):
            worker.stdin.write(json.dumps({"op": "gradient", "params": params, "loss": loss}) + "\n")
            worker.stdin.flush()
            mine = json.loads(worker.stdout.readline())
            everyone = [json.loads(m) for m in ctx.allGather(json.dumps({"index": index, **mine}))]
            everyone.sort(key=lambda m: m["index"])
            grad = [0.0] * (d + 1)
            for m in everyone:
                grad = [g + h for g, h in zip(grad, m["grad"])]
            # descent's plain SGD step: w ← decay·w − rate·(g·(1/n)); b ← b − rate·(g_b·(1/n)).
            scale = 1.0 / n
            params = [decay * p - learning_rate * (g * scale) for p, g in zip(params[:d], grad[:d])] + [
                params[d] - learning_rate * (grad[d] * scale)
            ]
        worker.stdin.write(json.dumps({"op": "quit"}) + "\n")
        worker.stdin.flush()
        worker.wait()
        yield index, params

    result = df.select(*features, target).rdd.barrier().mapPartitionsWithIndex(train).collect()
    params = sorted(result)[0][1]
    return params[:d], params[d]
