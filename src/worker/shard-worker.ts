// The shard worker behind `descent worker <shard>` and `runWorker` (descent/node): loads one
// shard of rows once (CSV, Parquet or Arrow), then answers gradient requests on stdin, one JSON
// line each, until {"op":"quit"} or the end of its input.
import { createBackend } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import { readCsvAll } from "../io/csv-stream.js";
import { isTableFile, readTableFile } from "../io/table-file.js";
import { type LinearLoss, LossId } from "../kernels/losses.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import { boundedLines, MAX_LINE_BYTES } from "../parallel/bounded-lines.js";
import type { LocalEpochRequest } from "../parallel/gradient-shard.js";

/** Flags of `descent worker`. */
export interface WorkerFlags {
  /** The target column's name. */
  target: string;
  /** For binary classification, the two classes: rows of the second are +1, the others −1. */
  classes?: string[];
}

/**
 * A request's parameters: exactly `size` finite numbers (a text such as "1e3", null or NaN is
 * refused, never converted), else an Error naming the first bad one.
 */
function checkParams(params: unknown, size: number): number[] {
  if (!Array.isArray(params) || params.length !== size) throw new Error(`params must hold ${size} numbers`);
  params.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new Error(`params[${i}] is ${JSON.stringify(v)}, not a finite number`);
  });
  return params as number[];
}

/** A loss parameter (Huber's or the insensitive losses' epsilon): absent (0), or a finite number >= 0. */
function checkLossParam(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    throw new Error(`lossParam is ${JSON.stringify(v)}: it must be a finite number >= 0`);
  return v;
}

/**
 * One epoch of plain SGD over the shard from the given parameters, by the estimator of the loss
 * (targets ±1 for the classification losses); returns [w…, b].
 */
async function localEpoch(
  X: Float64Array,
  rows: number,
  d: number,
  y: Float64Array,
  req: LocalEpochRequest & { params: number[] },
): Promise<Float64Array> {
  checkParams(req.params, d + 1);
  checkLossParam(req.lossParam);
  const opts = {
    learningRate: req.learningRate,
    batchSize: req.batchSize,
    penalty: req.penalty,
    alpha: req.alpha,
    l1Ratio: req.l1Ratio,
    seed: req.seed,
    maxEpochs: 1,
    tol: null,
  };
  const init = { coefInit: req.params.slice(0, d), interceptInit: req.params[d] as number };
  const m = { data: X, rows, cols: d };
  const loss = req.loss;
  let model: LinearRegression | LogisticRegression | LinearSVM;
  if (loss === "squared" || loss === "huber" || loss === "epsilonInsensitive" || loss === "squaredEpsilonInsensitive") {
    model = await new LinearRegression({ ...opts, loss, epsilon: req.lossParam || 0.1 }).fit(m, y, init);
  } else if (loss === "log") model = await new LogisticRegression(opts).fit(m, y, init);
  else model = await new LinearSVM({ ...opts, loss }).fit(m, y, init);
  const coef = model.coef as Float64Array;
  return Float64Array.from([...coef, model.intercept as number]);
}

/**
 * Serves a shard: prints {"ready":true,"rows","cols","featureNames"}, then for each request
 * {"op":"gradient","params":[w…, b],"loss","lossParam"} the shard's loss sum and unscaled
 * gradient {"loss","grad":[…]} (summed in row order by the WASM kernels); for {"op":"epoch",
 * "params", …LocalEpochRequest} one local epoch of SGD from params, {"params"}. Errors answer
 * {"error"}.
 */
export async function runWorker(file: string, f: WorkerFlags): Promise<void> {
  const layout = { target: f.target, drop: [], features: null, labels: f.classes !== undefined };
  const data = isTableFile(file) ? await readTableFile(file, layout) : await readCsvAll(file, layout);
  const d = data.featureNames.length;
  const positive = f.classes?.[1];
  if (f.classes !== undefined) {
    if (f.classes.length !== 2 || f.classes[0] === f.classes[1])
      throw new DescentError(
        "E_OPTION",
        `--classes must name two different labels, negative first (got ${f.classes.join(",")})`,
      );
    // Every row's label must be one of the two: a label neither would silently become −1.
    const at = data.y.findIndex((v) => !f.classes?.includes(String(v)));
    if (at >= 0)
      throw new DescentError(
        "E_LABELS",
        `row ${at + 1} of '${file}' has the label '${String(data.y[at])}', not one of --classes ${f.classes.join(",")}`,
      );
  }
  const y = Float64Array.from(data.y, (v) => (positive === undefined ? Number(v) : String(v) === positive ? 1 : -1));
  const backend = await createBackend("wasm", "float64");
  const X = backend.allocCopy(data.X);
  const Y = backend.allocCopy(y);
  const params = backend.alloc(d + 1);
  const grad = backend.alloc(d + 1);
  const say = (o: unknown): void => {
    process.stdout.write(`${JSON.stringify(o)}\n`);
  };
  say({ ready: true, rows: data.rows, cols: d, featureNames: data.featureNames });
  for await (const got of boundedLines(process.stdin)) {
    if ("tooLong" in got) {
      say({ error: `a request line of ${got.tooLong} bytes is longer than the ${MAX_LINE_BYTES} the worker reads` });
      continue;
    }
    const line = got.text;
    if (line.trim() === "") continue;
    // The request's number, echoed in its answer so the coordinator can pair them.
    let id: unknown;
    const answer = (o: Record<string, unknown>): void => say(id === undefined ? o : { ...o, id });
    try {
      const req = JSON.parse(line) as {
        op: string;
        id?: unknown;
        params?: number[];
        loss?: string;
        lossParam?: number;
      };
      id = req !== null && typeof req === "object" ? req.id : undefined;
      if (req.op === "quit") break;
      if (req.op === "epoch") {
        answer({
          params: Array.from(
            await localEpoch(data.X, data.rows, d, y, req as unknown as LocalEpochRequest & { params: number[] }),
          ),
        });
        continue;
      }
      if (req.op !== "gradient") throw new Error(`expected {"op":"gradient","params":[${d + 1} numbers],"loss"}`);
      const values = checkParams(req.params, d + 1);
      const lossParam = checkLossParam(req.lossParam);
      if (typeof req.loss !== "string" || !Object.hasOwn(LossId, req.loss))
        throw new Error(`unknown loss ${JSON.stringify(req.loss)}`);
      params.view.set(values);
      const loss = backend.linearGrad(
        req.loss as LinearLoss,
        X,
        Y,
        null,
        null,
        0,
        data.rows,
        d,
        params,
        grad,
        lossParam,
      );
      answer({ loss, grad: Array.from(grad.view) });
    } catch (err) {
      answer({ error: (err as Error).message });
    }
  }
  backend.dispose();
  // Done (a quit, or stdin closed): stop reading even if the other end keeps stdin open.
  process.stdin.destroy();
}
