// Reading back what an MLP's toJSON saved: the network's shape, its parameters, the optimizer's
// progress and the history, each checked (E_FORMAT names what is wrong).

import { DescentError } from "../errors.js";
import {
  field,
  type JsonObject,
  readCount,
  readHistory,
  readNumbers,
  readObject,
  readProgress,
  readStopReason,
} from "../io/model-json.js";
import { type ActivationName, MlpActivation, NetShape } from "../kernels/mlp-net.js";
import type { History, StopReason } from "../train/history.js";
import type { TrainProgress } from "../train/train-loop.js";

/** A saved network's state. */
export interface MlpState {
  shape: NetShape;
  params: Float64Array;
  progress: TrainProgress;
  history: History;
  stopReason: StopReason | null;
  nEpochs: number;
}

/** The state saved in model JSON `o` for a network of the given hidden activation. */
export function readMlpState(o: JsonObject, activation: ActivationName): MlpState {
  const unitsRaw = field(o, "units");
  if (
    !Array.isArray(unitsRaw) ||
    unitsRaw.length < 2 ||
    unitsRaw.some((u) => !Number.isSafeInteger(u) || (u as number) < 1)
  )
    throw new DescentError("E_FORMAT", "model JSON: 'units' must be at least two positive integers");
  const output = readCount(o, "output");
  if (output > 2) throw new DescentError("E_FORMAT", "model JSON: 'output' is not an output layer");
  const shape = new NetShape(unitsRaw as number[], MlpActivation[activation], output);
  const size = shape.biasAt(shape.layers);
  return {
    shape,
    params: readNumbers(o, "params", size),
    progress: readProgress(readObject(o, "progress"), "progress", size),
    history: readHistory(o, "history"),
    stopReason: readStopReason(o, "stopReason"),
    nEpochs: readCount(o, "nEpochs"),
  };
}
