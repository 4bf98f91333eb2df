// Loads the CSV fixtures shipped in data/ (never ../shared).
import { readFileSync } from "node:fs";
import { parseCsv, toNumericDataset } from "../../src/io/csv.js";
import type { Matrix } from "../../src/matrix.js";
import { StandardScaler } from "../../src/preprocess/standard-scaler.js";

/** Features and target of a bundled dataset. */
export interface Dataset {
  X: number[][];
  y: number[];
  featureNames: string[];
}

/** Reads data/<name>.csv with `target` as the label column. */
export function loadDataset(name: "diabetes" | "breast_cancer" | "iris", target: string): Dataset {
  const text = readFileSync(new URL(`../../data/${name}.csv`, import.meta.url), "utf8");
  const { X, y, featureNames } = toNumericDataset(parseCsv(text), target);
  return { X, y, featureNames };
}

/** Diabetes with every column standardised (population std), target unchanged. */
export function standardisedDiabetes(): { Z: Matrix; y: number[] } {
  const { X, y } = loadDataset("diabetes", "progression");
  return { Z: new StandardScaler().fitTransform(X), y };
}
