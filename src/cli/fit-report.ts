// What `descent fit` reports: the --json object and its human-readable summary.
import type { ColumnNote } from "../preprocess/column-plan.js";

/** What a fit reports (also the --json output). */
export interface FitReport {
  file: string;
  mode: "memory" | "stream";
  rows: number;
  features: number;
  target: string;
  model: string;
  classes?: Array<number | string | boolean>;
  objective: number;
  trainScore: number;
  validationScore?: number;
  scoreName: "r2" | "accuracy";
  epochs: number;
  stopReason: string | null;
  seconds: number;
  maxRssBytes: number;
  out?: string;
  plot?: string;
  /** What was done with each feature column. */
  columns: ColumnNote[];
  /** Rows left out: a missing target, or (--impute drop-rows) a missing feature. */
  droppedRows: { missingTarget: number; missingFeature: number };
  warnings: string[];
}

/** The human-readable summary of a fit. */
export function formatFitReport(r: FitReport): string {
  const score = r.scoreName === "r2" ? "R²" : "accuracy";
  const lines = [
    `${r.model} on ${r.file}: ${r.rows} rows × ${r.features} features, target '${r.target}'${r.classes ? ` (${r.classes.length} classes)` : ""}, ${r.mode === "stream" ? "streamed from disk" : "in memory"}`,
    `objective ${Number(r.objective.toPrecision(8))}  train ${score} ${r.trainScore.toFixed(6)}${r.validationScore === undefined ? "" : `  validation ${score} ${r.validationScore.toFixed(6)}`}`,
    `epochs ${r.epochs}  stop ${r.stopReason ?? "-"}  time ${r.seconds.toFixed(2)} s`,
  ];
  lines.splice(1, 0, ...columnLines(r));
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  if (r.out) lines.push(`model written to ${r.out}`);
  if (r.plot) lines.push(`loss plot written to ${r.plot}`);
  return lines.join("\n");
}

/** The column report: one line per feature column, then the rows left out. */
function columnLines(r: FitReport): string[] {
  if (r.columns.length === 0) return [];
  const width = Math.min(28, Math.max(...r.columns.map((c) => c.name.length)));
  // A wide file lists its first columns; --json has them all.
  const shown = r.columns.slice(0, 40);
  const lines = ["columns:", ...shown.map((c) => `  ${c.name.padEnd(width)}  ${c.treatment}`)];
  if (r.columns.length > shown.length)
    lines.push(
      `  … and ${(r.columns.length - shown.length).toLocaleString("en")} more columns (all of them in --json)`,
    );
  const { missingTarget, missingFeature } = r.droppedRows;
  if (missingTarget > 0) lines.push(`  ${missingTarget} rows with a missing target '${r.target}' left out`);
  if (missingFeature > 0) lines.push(`  ${missingFeature} rows with a missing feature left out (--impute drop-rows)`);
  return lines;
}
