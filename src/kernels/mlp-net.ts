/** Hidden activations of a multi-layer perceptron. MUST MATCH assembly/mlp.ts (ACT_*). */
export const MlpActivation = {
  /** a = z. */
  identity: 0,
  /** a = 1 / (1 + e^−z). */
  logistic: 1,
  /** a = tanh z. */
  tanh: 2,
  /** a = max(0, z). */
  relu: 3,
} as const;
/** Name of a hidden activation. */
export type ActivationName = keyof typeof MlpActivation;

/**
 * Output layers, each with its loss (scikit-learn's pairs): identity + half squared error,
 * logistic + binary log loss, softmax + log loss. MUST MATCH assembly/mlp.ts (OUT_*).
 */
export const MlpOutput = { identity: 0, logistic: 1, softmax: 2 } as const;
/** Name of an output layer. */
export type OutputName = keyof typeof MlpOutput;

/**
 * The update rules in scikit-learn's own forms, used by the MLP estimators' 'sgd' and 'adam'
 * solvers (the other optimizer ids are src/backend/optimizer-id.ts's). MUST MATCH assembly/mlp.ts.
 */
export const MlpOptimizerId = {
  /** v ← μ·v − rate·g; w += v, or with Nesterov w += μ·v − rate·g (h1 = μ, h2 = 1 for Nesterov). */
  sklearnSgd: 7,
  /** rate_t = rate·√(1 − β₂ᵗ)/(1 − β₁ᵗ); w −= rate_t·m/(√v + ε) (h1 = β₁, h2 = β₂, h3 = ε). */
  sklearnAdam: 8,
} as const;

/**
 * The shape of a network: units[0] inputs, units[L] outputs, L weight layers; where each layer's
 * weights and intercepts sit in the packed parameters (all weights W_l, u_l × u_{l+1} row-major,
 * then all intercepts) and each layer's activations in a training scratch of `rows` rows.
 */
export class NetShape {
  /** Weight layers L. */
  readonly layers: number;
  /** The widest layer's units. */
  readonly widest: number;
  private readonly wAt: number[];
  private readonly bAt: number[];

  constructor(
    /** Units per layer, inputs first, outputs last. */
    readonly units: readonly number[],
    /** The hidden activation id (MlpActivation). */
    readonly activation: number,
    /** The output id (MlpOutput). */
    readonly output: number,
  ) {
    this.layers = units.length - 1;
    this.widest = Math.max(...units);
    this.wAt = [0];
    for (let l = 0; l < this.layers; l++)
      this.wAt.push((this.wAt[l] as number) + (units[l] as number) * (units[l + 1] as number));
    this.bAt = [this.wAt[this.layers] as number];
    for (let l = 0; l < this.layers; l++) this.bAt.push((this.bAt[l] as number) + (units[l + 1] as number));
  }

  /** Elements before W_l in the parameters (weightAt(L): all the weights). */
  weightAt(l: number): number {
    return this.wAt[l] as number;
  }

  /** Elements before b_l in the parameters (biasAt(L): all the parameters). */
  biasAt(l: number): number {
    return this.bAt[l] as number;
  }

  /** Elements before A_l in a scratch of `rows` rows (A_0 is the gathered input rows). */
  activationAt(l: number, rows: number): number {
    let o = 0;
    for (let j = 0; j < l; j++) o += rows * (this.units[j] as number);
    return o;
  }

  /**
   * Elements a training scratch of `rows` rows takes: every activation, two delta buffers, the
   * largest weight matrix (transposed there for δ·Wᵀ) and the WASM GEMM's panel (four rows of the
   * widest layer, packed k-major; assembly/mlp.ts Net.panelAt).
   */
  scratchSize(rows: number): number {
    let largest = 0;
    for (let l = 0; l < this.layers; l++) {
      largest = Math.max(largest, (this.units[l] as number) * (this.units[l + 1] as number));
    }
    return this.activationAt(this.layers + 1, rows) + 2 * rows * this.widest + largest + 4 * this.widest;
  }

  /** The i32 descriptor the WASM kernels read: [L, activation, output, u0, …, uL]. */
  descriptor(): Int32Array {
    return Int32Array.from([this.layers, this.activation, this.output, ...this.units]);
  }
}
