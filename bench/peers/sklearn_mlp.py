"""scikit-learn's MLPClassifier as a timing peer of `npm run bench` (bench/mlp.ts), one thread.

Reads the bench data the Node side wrote (raw little-endian float64 files: X and the class labels)
and answers one request per line on stdin with one line of JSON on stdout: the wall time of one
whole `fit` call of one epoch. Requests are {"dtype": "float32" | "float64", "batch": int,
"hidden": int}, or {"solver": "lbfgs", "iters": int, "dtype", "hidden"} for an L-BFGS fit of that
many iterations; {"quit": true} ends the process. The BLAS threads are pinned to one by the caller
(OMP_NUM_THREADS and friends), so this is scikit-learn's one-thread epoch.
"""

import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)


class Counting(MLPClassifier):
    """MLPClassifier counting the evaluations its L-BFGS makes."""

    def _loss_grad_lbfgs(self, *args):
        self.evaluations_ += 1
        return super()._loss_grad_lbfgs(*args)


def main():
    prefix, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    x = np.fromfile(prefix + ".X.f64", dtype="<f8").reshape(n, d)
    label = np.fromfile(prefix + ".label.f64", dtype="<f8").astype(int)
    print(json.dumps({"ready": True, "sklearn": sklearn.__version__}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("quit"):
            break
        data = x.astype(np.float32 if req["dtype"] == "float32" else np.float64)
        if req.get("solver") == "lbfgs":
            # L-BFGS for a fixed number of iterations (tol 0), counting the objective's evaluations.
            m = Counting(hidden_layer_sizes=(req["hidden"],), solver="lbfgs", max_iter=req["iters"], tol=0.0, random_state=0)
        else:
            m = Counting(hidden_layer_sizes=(req["hidden"],), batch_size=req["batch"], max_iter=1, random_state=0)
        m.evaluations_ = 0
        t0 = time.perf_counter()
        m.fit(data, label)
        ms = (time.perf_counter() - t0) * 1000.0
        print(json.dumps({"ms": ms, "loss": float(m.loss_), "iters": int(m.n_iter_), "evaluations": m.evaluations_}), flush=True)


main()
