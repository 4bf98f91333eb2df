// descent's MLP options for a scikit-learn fixture case's parameters: shuffling off, no stopping
// rule, started from the case's initial weights (shared by the MLP parity and warm-start tests).
import type { ActivationName } from "../../src/kernels/mlp-net.js";
import type { MLPOptions } from "../../src/models/mlp-options.js";

/** A fixture case's scikit-learn parameters and initial weights. */
export interface SklearnMlpCase {
  params: Record<string, unknown>;
  initialCoefs: number[][][];
  initialIntercepts: number[][];
}

/** The MLP options equal to scikit-learn's parameters of the case. */
export function sklearnMlpOptions(c: SklearnMlpCase): MLPOptions {
  const p = c.params;
  return {
    hiddenLayerSizes: p.hidden_layer_sizes as number[],
    activation: p.activation as ActivationName,
    solver: p.solver as "sgd" | "adam",
    batchSize: p.batch_size as number,
    alpha: p.alpha as number,
    learningRate: p.learning_rate_init as number,
    schedule: p.learning_rate === "invscaling" ? { name: "invscaling", powerT: p.power_t as number } : "constant",
    ...(p.momentum === undefined ? {} : { momentum: p.momentum as number }),
    ...(p.nesterovs_momentum === undefined ? {} : { nesterovsMomentum: p.nesterovs_momentum as boolean }),
    maxEpochs: p.max_iter as number,
    tol: null,
    shuffle: false,
    initialWeights: { coefs: c.initialCoefs, intercepts: c.initialIntercepts },
  };
}
